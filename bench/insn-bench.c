// SPDX-License-Identifier: GPL-2.0
/*
 * insn-bench [-n N] [-q | -l] FILE SYMBOL...: decodes each function
 * SYMBOL of FILE linearly with Capstone and with Zydis, N times each, and
 * prints per library the init cost, the first (cold) sweep, ns per
 * instruction and µs per function (the fastest of five batches); then whether both found the same
 * instruction boundaries (the first place they differ, with its bytes),
 * and the cost of one insn_check_boundary() on the function's last byte,
 * the worst case. -q prints only the functions where a library fails or
 * the two differ, then a count of each; -l lists Zydis's boundaries (hex
 * offsets into the function) instead. Linked with build/insn.o,
 * build/resolve.o and build/util.o.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <capstone/capstone.h>
#include <Zydis/Zydis.h>

#include "insn.h"
#include "resolve.h"
#include "../src/util.h"

/* One decoder under test: a sweep marks every boundary in @map. */
struct dec {
	const char *name;
	int (*init)(void);
	/* Returns the number of instructions, or -1 - the offset that failed. */
	long (*sweep)(const uint8_t *code, size_t len, uint8_t *map);
	uint64_t init_ns;
};

static csh cs;
static cs_insn *cs_buf;
static ZydisDecoder zy;

static int cs_init(void)
{
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return -1;
	cs_option(cs, CS_OPT_DETAIL, CS_OPT_OFF);
	cs_buf = cs_malloc(cs);
	return cs_buf ? 0 : -1;
}

static long cs_sweep(const uint8_t *code, size_t len, uint8_t *map)
{
	const uint8_t *p = code;
	uint64_t addr = 0;
	size_t left = len;
	long n = 0;

	while (left) {
		if (map)
			map[addr] = 1;
		if (!cs_disasm_iter(cs, &p, &left, &addr, cs_buf))
			return -1 - (long)addr;
		n++;
	}
	return n;
}

static int zy_init(void)
{
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&zy, ZYDIS_MACHINE_MODE_LONG_64,
					   ZYDIS_STACK_WIDTH_64)))
		return -1;
	return ZYAN_SUCCESS(ZydisDecoderEnableMode(&zy, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE)) ?
	       0 : -1;
}

static long zy_sweep(const uint8_t *code, size_t len, uint8_t *map)
{
	ZydisDecodedInstruction in;
	size_t off = 0;
	long n = 0;

	while (off < len) {
		if (map)
			map[off] = 1;
		if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zy, NULL, code + off, len - off,
								&in)))
			return -1 - (long)off;
		off += in.length;
		n++;
	}
	return n;
}

static bool quiet;
static long nsym, nfail[2], ndiffer;

static struct dec decs[] = {
	{ "capstone", cs_init, cs_sweep, 0 },
	{ "zydis", zy_init, zy_sweep, 0 },
};

static uint8_t *read_func(const char *path, const char *sym, size_t *len)
{
	struct resolve_elf *e = resolve_open(path);
	struct resolve_loc loc = { 0 };
	uint8_t *buf = NULL;
	int fd;

	if (!e || resolve_symbol(e, sym, 0, &loc) || !loc.size) {
		fprintf(stderr, "insn-bench: '%s': %s\n", sym, e ? resolve_errmsg() : "cannot open");
		goto out;
	}
	fd = open(path, O_RDONLY);
	buf = malloc(loc.size);
	if (fd < 0 || !buf || pread(fd, buf, loc.size, loc.offset) != (ssize_t)loc.size) {
		free(buf);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	*len = loc.size;
out:
	resolve_loc_clear(&loc);
	if (e)
		resolve_close(e);
	return buf;
}

/*
 * The fastest of five batches of @n / 5 calls of @f(@d, @code, @len), in
 * ns per call: the machine is shared, the slower batches are other work.
 */
static uint64_t best_of(void (*f)(struct dec *, const uint8_t *, size_t), struct dec *d,
			const uint8_t *code, size_t len, long n)
{
	uint64_t t0, t, best = UINT64_MAX;
	long i, k, per = n / 5 ? n / 5 : 1;

	for (k = 0; k < 5; k++) {
		t0 = util_now_ns();
		for (i = 0; i < per; i++)
			f(d, code, len);
		t = (util_now_ns() - t0) / per;
		best = t < best ? t : best;
	}
	return best;
}

static void sweep_once(struct dec *d, const uint8_t *code, size_t len)
{
	d->sweep(code, len, NULL);
}

/* Sweeps @code with @d; prints its figures, leaves its boundaries in @map. */
static long run_one(struct dec *d, const uint8_t *code, size_t len, uint8_t *map, long n)
{
	uint64_t t0, cold, warm = 0;
	long ninsn;

	t0 = util_now_ns();
	ninsn = d->sweep(code, len, map);
	cold = util_now_ns() - t0;
	if (ninsn < 0) {
		nfail[d - decs]++;
		printf("%-8s undecodable at +0x%lx: %02x %02x %02x %02x\n", d->name, -1 - ninsn,
		       code[-1 - ninsn], code[-ninsn], code[1 - ninsn], code[2 - ninsn]);
		return ninsn;
	}
	if (quiet)
		return ninsn;
	if (n)
		warm = best_of(sweep_once, d, code, len, n);
	printf("%-8s init %.1f us, cold sweep %.1f us, %.2f ns/insn, %.1f us/function "
	       "(%ld insns)\n", d->name, d->init_ns / 1e3, cold / 1e3, (double)warm / ninsn,
	       warm / 1e3, ninsn);
	return ninsn;
}

static void compare(const uint8_t *code, size_t len, const uint8_t *a, const uint8_t *b)
{
	size_t i, j;

	for (i = 0; i < len && a[i] == b[i]; i++)
		;
	if (i == len) {
		if (!quiet)
			printf("agree:   same boundaries\n");
		return;
	}
	ndiffer++;
	for (j = i; j > 0 && !(a[j] && b[j]); j--)
		;
	printf("differ:  at +0x%zx (%s boundary); last common boundary +0x%zx:", i,
	       a[i] ? "capstone" : "zydis", j);
	for (; j < len && j < i + 12; j++)
		printf(" %02x", code[j]);
	printf("\n");
}

static int api_ret;

static void api_once(struct dec *d, const uint8_t *code, size_t len)
{
	uint64_t before, after;

	api_ret = insn_check_boundary(code, len, 0, len - 1, &before, &after);
}

static void run_api(const uint8_t *code, size_t len, long n)
{
	uint64_t t;

	if (quiet || !n)
		return;
	t = best_of(api_once, NULL, code, len, n);
	printf("insn_check_boundary(last byte): %.1f us per call (%s)\n", t / 1e3,
	       api_ret == -EILSEQ ? "inside an instruction" : api_ret ? "error" : "a boundary");
}

static int list_sym(const char *path, const char *sym)
{
	uint8_t *code, *map;
	size_t len = 0, i;

	code = read_func(path, sym, &len);
	map = code ? calloc(len, 1) : NULL;
	if (!map || zy_sweep(code, len, map) < 0) {
		free(code);
		free(map);
		return 1;
	}
	for (i = 0; i < len; i++)
		if (map[i])
			printf("%zx\n", i);
	free(code);
	free(map);
	return 0;
}

static int bench_sym(const char *path, const char *sym, long n)
{
	uint8_t *code, *map[2];
	size_t len = 0, k;
	long r[2];

	code = read_func(path, sym, &len);
	if (!code)
		return 1;
	nsym++;
	if (!quiet)
		printf("%s: %zu bytes\n", sym, len);
	for (k = 0; k < 2; k++) {
		map[k] = calloc(len, 1);
		r[k] = run_one(&decs[k], code, len, map[k], n);
		if (r[k] < 0 && quiet)
			printf("  in %s (%zu bytes)\n", sym, len);
	}
	if (r[0] >= 0 && r[1] >= 0)
		compare(code, len, map[0], map[1]);
	run_api(code, len, n);
	free(map[0]);
	free(map[1]);
	free(code);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t t0;
	long n = 100;
	bool list = false;
	int k, opt, rc = 0;

	while ((opt = getopt(argc, argv, "n:ql")) != -1) {
		if (opt == 'n')
			n = strtol(optarg, NULL, 10);
		else if (opt == 'q')
			quiet = true;
		else if (opt == 'l')
			list = true;
		else
			return 64;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: insn-bench [-n N] [-q | -l] FILE SYMBOL...\n");
		return 64;
	}
	for (k = 0; k < 2; k++) {
		t0 = util_now_ns();
		if (decs[k].init()) {
			fprintf(stderr, "insn-bench: %s: init failed\n", decs[k].name);
			return 1;
		}
		decs[k].init_ns = util_now_ns() - t0;
	}
	for (k = optind + 1; k < argc; k++)
		rc |= list ? list_sym(argv[optind], argv[k]) : bench_sym(argv[optind], argv[k], n);
	if (quiet)
		printf("functions %ld, capstone fails %ld, zydis fails %ld, differ %ld\n", nsym,
		       nfail[0], nfail[1], ndiffer);
	return rc;
}
