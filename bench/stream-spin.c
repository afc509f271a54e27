// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of bench/stream.sh: calls hit() N times as fast as it can.
 * hit() starts with push %rbp (built with -fno-omit-frame-pointer), an
 * instruction the kernel emulates, so a uprobe on it costs the least a
 * hit can cost: this is the highest event rate one thread can make.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

__attribute__((noinline, optimize("O0"))) long hit(long n)
{
	__asm__ volatile("" ::: "memory");
	return n * 2;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	long i, n = argc > 1 ? atol(argv[1]) : 1000000, sum = 0;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		sum += hit(i);
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%ld calls in %.3f s: %.0f calls/s (sum %ld)\n", n, s, n / s, sum);
	return 0;
}
