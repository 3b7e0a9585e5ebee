/* bench_clock — the clocks and the sort comparator the controller benchmarks share
 * (bench/bench_cspf.c, bench/bench_plan.c): monotonic wall time and this process's CPU
 * time in seconds (the machine may be shared, so both are reported), and a double
 * comparator for qsort (medians, percentiles). Header-only. */
#ifndef KVTE_BENCH_CLOCK_H
#define KVTE_BENCH_CLOCK_H

#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this (single-threaded) process */
static inline double bench_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#endif
