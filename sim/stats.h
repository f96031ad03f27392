/* stats.h - figures of one replication and confidence intervals across them.
 *
 * The statistical convention of patrolsim (see the design notes): each
 * replication yields its own figures (a mean, a percentile, a fraction); across
 * replications we report the mean of those figures with a Student-t 95%
 * confidence interval and the number of replications it rests on. Figures that
 * a replication could not compute (no calls of that priority) are NaN and are
 * left out of the interval, which then says so through its count.
 *
 * All functions are pure and allocation-free unless they say otherwise.
 */
#ifndef PATROLSIM_STATS_H
#define PATROLSIM_STATS_H

#include <stddef.h>

typedef struct stats_ci {
    double mean;       /* mean of the finite values; NaN when n == 0 */
    double half_width; /* t_{0.975, n-1} * sd / sqrt(n); NaN when n < 2 */
    double lo, hi;     /* mean -/+ half_width */
    double sd;         /* sample standard deviation; NaN when n < 2 */
    size_t n;          /* how many finite values it rests on */
} stats_ci;

/* Student-t 95% confidence interval of the mean of x[0..n), skipping NaNs. */
stats_ci stats_ci95(const double *x, size_t n);

/* Same, for the values x[i*stride] (a column of an array of structs of doubles
 * or a strided table column), skipping NaNs. */
stats_ci stats_ci95_strided(const double *x, size_t n, size_t stride);

/* Two-sided 95% Student-t quantile t_{0.975, df}; df >= 1. */
double stats_t975(size_t df);

/* Sorts x[0..n) ascending in place (NaNs are not allowed). */
void stats_sort(double *x, size_t n);

/* The p-quantile (0 <= p <= 1) of sorted data, linear interpolation between
 * order statistics (GSL's gsl_stats_quantile_from_sorted_data, Hyndman-Fan
 * type 7). NaN when n == 0. */
double stats_quantile_sorted(const double *sorted, size_t n, double p);

/* Mean of x[0..n); NaN when n == 0. */
double stats_mean(const double *x, size_t n);

#endif
