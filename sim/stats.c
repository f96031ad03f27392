/* stats.c - confidence intervals across replications and quantiles within one. See stats.h.
 *
 * The arithmetic is left to GSL where GSL has it (the t quantile, sorting, type-7 quantiles,
 * the mean); what is ours is the handling of missing figures and the variance. The variance uses
 * the corrected two-pass formula (Chan, Golub and LeVeque 1983): a first pass for the mean, a
 * second for sum (x - mean)^2 minus the rounding error left in sum (x - mean). Replication counts
 * are small (tens to a few thousand) so two passes cost nothing, and unlike the one-pass
 * sum-of-squares formula it does not lose every digit when the figures are large and close
 * together (response times of 600 s varying by tenths of a second).
 */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* Values that are not finite are skipped. stats.h speaks of NaN, the marker for a figure a
 * replication could not compute; an infinity is no more usable in a mean, and letting it in
 * would turn the whole interval into NaN rather than shrink its count. */
stats_ci stats_ci95_strided(const double *x, size_t n, size_t stride)
{
    stats_ci ci = {.mean = NAN, .half_width = NAN, .lo = NAN, .hi = NAN, .sd = NAN, .n = 0};

    double sum = 0.0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        if (!isfinite(v)) continue;
        sum += v;
        m++;
    }
    ci.n = m;
    if (m == 0) return ci;
    ci.mean = sum / (double)m;
    if (m < 2) return ci;

    double ss = 0.0, dev = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        if (!isfinite(v)) continue;
        double d = v - ci.mean;
        ss += d * d;
        dev += d;
    }
    double var = (ss - dev * dev / (double)m) / (double)(m - 1);
    ci.sd = sqrt(var > 0.0 ? var : 0.0);
    ci.half_width = stats_t975(m - 1) * ci.sd / sqrt((double)m);
    ci.lo = ci.mean - ci.half_width;
    ci.hi = ci.mean + ci.half_width;
    return ci;
}

stats_ci stats_ci95(const double *x, size_t n)
{
    return stats_ci95_strided(x, n, 1);
}

/* NaN for df == 0 rather than GSL's error path: a caller that reaches it has one value, and the
 * interval it is computing is NaN anyway. */
double stats_t975(size_t df)
{
    if (df == 0) return NAN;
    return gsl_cdf_tdist_Pinv(0.975, (double)df);
}

void stats_sort(double *x, size_t n)
{
    if (n > 1) gsl_sort(x, 1, n);
}

/* GSL indexes with p * (n - 1) unchecked, so a p outside [0, 1] (or NaN) would read outside the
 * array; we answer NaN instead. */
double stats_quantile_sorted(const double *sorted, size_t n, double p)
{
    if (n == 0 || !(p >= 0.0 && p <= 1.0)) return NAN;
    return gsl_stats_quantile_from_sorted_data(sorted, 1, n, p);
}

double stats_mean(const double *x, size_t n)
{
    if (n == 0) return NAN;
    return gsl_stats_mean(x, 1, n);
}
