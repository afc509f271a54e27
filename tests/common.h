/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the cmocka unit tests share: running a shell command to build a
 * fixture, the test's own directory under tests/out, paths in it.
 */
#ifndef UPROBE_TESTS_COMMON_H
#define UPROBE_TESTS_COMMON_H

#include <stddef.h>

#define FX	"tests/fixtures"

/**
 * ut_sh() - run the shell command made from @fmt; a failure is said on
 * stderr with the command. Return: system()'s status, 0 on success.
 */
int ut_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * ut_out() - go to the repository root ($UPROBE_ROOT, else the current
 * directory, which must hold @probe), make tests/out/@sub and put its
 * absolute path in @out. Return: 0, or -1 after saying why.
 */
int ut_out(const char *probe, const char *sub, char *out, size_t len);

/** ut_path() - "@dir/@name" in one of four rotating static buffers. */
char *ut_path(const char *dir, const char *name);

#endif
