// SPDX-License-Identifier: GPL-2.0
/*
 * resolve-bench [-n N] FILE SYMBOL...: resolves each SYMBOL in FILE the
 * way `uprobe add` does (open, look up, close) and prints its file offset.
 * With -n, does it N times per symbol and prints the mean time per lookup
 * on stderr. Linked with the ELF resolver's objects
 * (build/resolve-{target,path,elf,sym,glob,import}.o, build/util.o).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "resolve.h"

static int resolve_once(const char *path, const char *sym, uint64_t *off)
{
	struct resolve_elf *e = resolve_open(path);
	struct resolve_loc loc;
	int ret;

	if (!e)
		return -errno;
	ret = resolve_symbol(e, sym, 0, &loc);
	if (!ret)
		*off = loc.offset;
	resolve_loc_clear(&loc);
	resolve_close(e);
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long i, n = 0;
	uint64_t off = 0;
	double t0;
	int k, opt, ret;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			return 64;
		n = strtol(optarg, NULL, 10);
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: resolve-bench [-n N] FILE SYMBOL...\n");
		return 64;
	}
	for (k = optind + 1; k < argc; k++) {
		ret = resolve_once(argv[optind], argv[k], &off);
		if (ret) {
			fprintf(stderr, "resolve-bench: '%s': %s\n", argv[k], resolve_errmsg());
			return 1;
		}
		printf("%s 0x%" PRIx64 "\n", argv[k], off);
		if (!n)
			continue;
		t0 = now();
		for (i = 0; i < n; i++)
			resolve_once(argv[optind], argv[k], &off);
		fprintf(stderr, "%s: %.1f us per open+lookup+close (%ld runs)\n", argv[k],
			(now() - t0) * 1e6 / n, n);
	}
	return 0;
}
