// SPDX-License-Identifier: GPL-2.0
/* What the unit tests share; see common.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

int ut_sh(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	if (ret)
		fprintf(stderr, "%s: failed: %s\n", program_invocation_short_name, cmd);
	return ret;
}

int ut_out(const char *probe, const char *sub, char *out, size_t len)
{
	const char *root = getenv("UPROBE_ROOT");
	char cwd[PATH_MAX];

	if (root && *root && chdir(root))
		return -1;
	if (access(probe, R_OK) || !getcwd(cwd, sizeof(cwd))) {
		fprintf(stderr, "%s: run from the repository root or set UPROBE_ROOT\n",
			program_invocation_short_name);
		return -1;
	}
	if ((size_t)snprintf(out, len, "%s/tests/out/%s", cwd, sub) >= len)
		return -1;
	return ut_sh("mkdir -p '%s'", out) ? -1 : 0;
}

char *ut_path(const char *dir, const char *name)
{
	static char buf[4][PATH_MAX + 64];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}
