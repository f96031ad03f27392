/* paired.c - paired differences and replication counts. See paired.h.
 *
 * Means and variances use the same corrected two-pass formula as stats.c (response times of
 * hundreds of seconds differing by tenths would lose digits in a one-pass sum of squares), and
 * the covariance is computed the same way. The replication counts search n: the conditions are
 * monotone in n (the left side grows with sqrt(n), the t quantiles shrink), so an exponential
 * search followed by bisection finds the smallest n in a few dozen quantile evaluations.
 */
#include "paired.h"

#include <math.h>
#include <stdint.h>

#include <gsl/gsl_cdf.h>

#include "stats.h"

#define PAIRED_MAX_REPS 1000000000u

paired_cmp paired_compare(const double *a, size_t stride_a, const double *b, size_t stride_b,
                          size_t n)
{
    paired_cmp c = {.mean_a = NAN,
                    .mean_b = NAN,
                    .sd_a = NAN,
                    .sd_b = NAN,
                    .diff = NAN,
                    .sd_diff = NAN,
                    .half_width = NAN,
                    .lo = NAN,
                    .hi = NAN,
                    .p_value = NAN,
                    .var_ratio = NAN,
                    .corr = NAN};
    double sa = 0, sb = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double x = a[i * stride_a], y = b[i * stride_b];
        if (!isfinite(x) || !isfinite(y)) continue;
        sa += x;
        sb += y;
        m++;
    }
    c.n = m;
    if (m == 0) return c;
    c.mean_a = sa / (double)m;
    c.mean_b = sb / (double)m;
    double md = 0;
    for (size_t i = 0; i < n; i++) {
        double x = a[i * stride_a], y = b[i * stride_b];
        if (isfinite(x) && isfinite(y)) md += y - x;
    }
    c.diff = md / (double)m;
    if (m < 2) return c;

    /* Second pass: deviations from the means, with the rounding correction of stats.c. */
    double ssa = 0, ssb = 0, ssd = 0, sab = 0, ea = 0, eb = 0, ed = 0;
    for (size_t i = 0; i < n; i++) {
        double x = a[i * stride_a], y = b[i * stride_b];
        if (!isfinite(x) || !isfinite(y)) continue;
        double da = x - c.mean_a, db = y - c.mean_b, dd = (y - x) - c.diff;
        ssa += da * da;
        ssb += db * db;
        ssd += dd * dd;
        sab += da * db;
        ea += da;
        eb += db;
        ed += dd;
    }
    double k = (double)m, df = (double)(m - 1);
    double va = (ssa - ea * ea / k) / df, vb = (ssb - eb * eb / k) / df;
    double vd = (ssd - ed * ed / k) / df, cab = (sab - ea * eb / k) / df;
    va = va > 0 ? va : 0;
    vb = vb > 0 ? vb : 0;
    vd = vd > 0 ? vd : 0;
    c.sd_a = sqrt(va);
    c.sd_b = sqrt(vb);
    c.sd_diff = sqrt(vd);
    c.half_width = stats_t975(m - 1) * c.sd_diff / sqrt(k);
    c.lo = c.diff - c.half_width;
    c.hi = c.diff + c.half_width;
    if (c.sd_diff > 0) {
        double t = c.diff / (c.sd_diff / sqrt(k));
        c.p_value = 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
    } else {
        /* Every difference is the same: no doubt either way. */
        c.p_value = c.diff == 0 ? 1.0 : 0.0;
    }
    c.significant = c.lo > 0 || c.hi < 0;
    if (va + vb > 0) c.var_ratio = vd / (va + vb);
    if (va > 0 && vb > 0) c.corr = cab / sqrt(va * vb);
    return c;
}

/* Whether n replications reach the power condition of paired_reps_needed. */
static int power_ok(size_t n, double sd, double delta, double power)
{
    double df = (double)(n - 1);
    return sqrt((double)n) * delta / sd >=
           gsl_cdf_tdist_Pinv(0.975, df) + gsl_cdf_tdist_Pinv(power, df);
}

/* Whether n replications reach the half-width of paired_reps_for_half_width. */
static int width_ok(size_t n, double sd, double hw, double unused)
{
    (void)unused;
    return stats_t975(n - 1) * sd / sqrt((double)n) <= hw;
}

/* The smallest n in [2, PAIRED_MAX_REPS] with ok(n), given ok is monotone; SIZE_MAX if none. */
static size_t search_n(int (*ok)(size_t, double, double, double), double x, double y, double z)
{
    size_t lo = 2, hi = 2;
    if (ok(2, x, y, z)) return 2;
    while (!ok(hi, x, y, z)) {
        lo = hi;
        if (hi >= PAIRED_MAX_REPS) return SIZE_MAX;
        hi = hi * 2 > PAIRED_MAX_REPS ? PAIRED_MAX_REPS : hi * 2;
    }
    /* ok(hi), !ok(lo) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (ok(mid, x, y, z))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

size_t paired_reps_needed(double sd, double delta, double power)
{
    if (!isfinite(sd) || !isfinite(delta) || delta <= 0 || sd < 0 || !(power > 0 && power < 1))
        return 0;
    if (sd == 0) return 2;
    return search_n(power_ok, sd, delta, power);
}

size_t paired_reps_for_half_width(double sd, double hw)
{
    if (!isfinite(sd) || !isfinite(hw) || hw <= 0 || sd < 0) return 0;
    if (sd == 0) return 2;
    return search_n(width_ok, sd, hw, 0);
}
