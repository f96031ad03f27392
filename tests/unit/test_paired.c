/* test_paired.c - paired differences, their interval and test, and replication counts.
 *
 * Hand values come from the definitions; the t-test's p-value for 4 degrees of freedom from the
 * closed form of the t distribution with 4 df. The coverage and size checks draw from GSL's own
 * mt19937, so they test this module alone.
 */
#include "check.h"
#include "paired.h"
#include "stats.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The two-sided p-value of |t| with 4 degrees of freedom, in closed form. */
static double p_t4(double t)
{
    double u = t * t / (1 + t * t / 4);
    double cdf = 0.5 + 0.375 * (t / sqrt(1 + t * t / 4)) * (1 - u / 12);
    return 2 * (1 - cdf);
}

static void test_hand_values(void)
{
    const double a[5] = {1, 2, 3, 4, 5};
    const double b[5] = {1.5, 2.7, 3.4, 4.6, 5.8}; /* differences .5 .7 .4 .6 .8 */
    paired_cmp c = paired_compare(a, 1, b, 1, 5);
    double sd = sqrt(0.025), hw = 2.776445 * sd / sqrt(5.0);
    CHECK_EQ(c.n, 5);
    CHECK_NEAR(c.mean_a, 3.0, 1e-15);
    CHECK_NEAR(c.mean_b, 3.6, 1e-15);
    CHECK_NEAR(c.diff, 0.6, 1e-15);
    CHECK_NEAR(c.sd_diff, sd, 1e-14);
    CHECK_NEAR(c.half_width, hw, 1e-6);
    CHECK_NEAR(c.lo, 0.6 - hw, 1e-6);
    CHECK(c.significant);
    CHECK_NEAR(c.p_value, p_t4(0.6 / (sd / sqrt(5.0))), 1e-9);
    CHECK_NEAR(c.sd_a, sqrt(2.5), 1e-14);
    /* var(b) = var(a) + var(d) + 2 cov(a, d) = 2.5 + 0.025 + 2 * 0.125 */
    CHECK_NEAR(c.sd_b * c.sd_b, 2.775, 1e-12);
    CHECK_NEAR(c.var_ratio, 0.025 / (2.5 + 2.775), 1e-12);
    CHECK(c.corr > 0.99 && c.corr <= 1.0);

    /* Strides: the same figures as columns of row-major tables. */
    double ta[10], tb[15];
    for (int i = 0; i < 5; i++) {
        ta[2 * i] = a[i];
        ta[2 * i + 1] = -1;
        tb[3 * i] = -2;
        tb[3 * i + 1] = b[i];
        tb[3 * i + 2] = -3;
    }
    paired_cmp s = paired_compare(ta, 2, tb + 1, 3, 5);
    CHECK_NEAR(s.diff, c.diff, 0);
    CHECK_NEAR(s.half_width, c.half_width, 0);

    /* Not significant: differences straddle zero. */
    const double e[4] = {1, -1, 2, -2.5};
    const double z[4] = {0, 0, 0, 0};
    paired_cmp ns = paired_compare(z, 1, e, 1, 4);
    CHECK(!ns.significant);
    CHECK(ns.p_value > 0.5);
    CHECK(isnan(ns.var_ratio) == 0);
}

static void test_identical_and_degenerate(void)
{
    const double a[4] = {300.5, 280.25, 310.0, 295.125};
    paired_cmp c = paired_compare(a, 1, a, 1, 4);
    CHECK_NEAR(c.diff, 0, 0);
    CHECK_NEAR(c.sd_diff, 0, 0);
    CHECK_NEAR(c.half_width, 0, 0);
    CHECK_NEAR(c.p_value, 1, 0);
    CHECK(!c.significant);
    CHECK_NEAR(c.var_ratio, 0, 0);

    /* A constant shift: no doubt at all. */
    double b[4];
    for (int i = 0; i < 4; i++)
        b[i] = a[i] + 2;
    paired_cmp d = paired_compare(a, 1, b, 1, 4);
    CHECK_NEAR(d.diff, 2, 1e-12);
    CHECK(d.sd_diff < 1e-12);
    CHECK(d.significant);
    CHECK(d.p_value < 1e-6);

    /* NaN pairs are left out; one pair leaves no interval. */
    const double x[3] = {1, NAN, 3}, y[3] = {2, 5, NAN};
    paired_cmp one = paired_compare(x, 1, y, 1, 3);
    CHECK_EQ(one.n, 1);
    CHECK_NEAR(one.diff, 1, 0);
    CHECK(isnan(one.half_width));
    CHECK(isnan(one.p_value));
    CHECK(!one.significant);
    paired_cmp none = paired_compare(x, 1, y, 1, 0);
    CHECK_EQ(none.n, 0);
    CHECK(isnan(none.diff));

    /* Both constant: no variance to reduce. */
    const double k1[3] = {1, 1, 1}, k2[3] = {1, 1, 1};
    CHECK(isnan(paired_compare(k1, 1, k2, 1, 3).var_ratio));
}

/* Common random numbers: a_i = x_i + e_i, b_i = x_i + delta + f_i. The interval covers delta
 * 95% of the time, and var_ratio's parts estimate var(e - f) and var(a) + var(b). Under delta = 0
 * the test rejects about 5% of the time. */
static void test_coverage_and_size(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2385);
    const int trials = 4000, n = 12;
    const double delta = 0.7, sx = 3.0, se = 0.4;
    int covered = 0, rejected_null = 0;
    double vd_sum = 0, vab_sum = 0;
    for (int t = 0; t < trials; t++) {
        double a[12], b[12], b0[12];
        for (int i = 0; i < n; i++) {
            double x = gsl_ran_gaussian(r, sx), f = gsl_ran_gaussian(r, se);
            a[i] = 100 + x + gsl_ran_gaussian(r, se);
            b[i] = 100 + x + delta + f;
            b0[i] = 100 + x + f;
        }
        paired_cmp c = paired_compare(a, 1, b, 1, (size_t)n);
        if (c.lo <= delta && delta <= c.hi) covered++;
        vd_sum += c.sd_diff * c.sd_diff;
        vab_sum += c.sd_a * c.sd_a + c.sd_b * c.sd_b;
        if (paired_compare(a, 1, b0, 1, (size_t)n).significant) rejected_null++;
    }
    gsl_rng_free(r);
    double cov = (double)covered / trials, size = (double)rejected_null / trials;
    double expect_ratio = 2 * se * se / (2 * (sx * sx + se * se));
    printf("coverage %.4f, size %.4f, pooled var_ratio %.4f (expected %.4f)\n", cov, size,
           vd_sum / vab_sum, expect_ratio);
    /* 4000 trials: the binomial sd of a 95% rate is 0.0034; allow 3 sd. */
    CHECK(cov > 0.95 - 0.011 && cov < 0.95 + 0.011);
    CHECK(size > 0.05 - 0.011 && size < 0.05 + 0.011);
    CHECK_NEAR(vd_sum / vab_sum, expect_ratio, 0.05 * expect_ratio);
}

static void test_reps_needed(void)
{
    /* sd 1, delta 1, power 0.8: sqrt(10) = 3.162 >= t975(9) + t80(9) = 2.262 + 0.883, and
     * n = 9 gives 3.000 < 2.306 + 0.889. */
    CHECK_EQ(paired_reps_needed(1.0, 1.0, 0.8), 10);
    /* Halving delta roughly quadruples n (normal limit (1.96 + 0.8416)^2 * 4 = 31.4). */
    size_t n = paired_reps_needed(1.0, 0.5, 0.8);
    CHECK(n >= 33 && n <= 35);
    /* Large n: the normal formula. */
    size_t big = paired_reps_needed(10.0, 0.1, 0.8);
    CHECK(big > 78400 && big < 78560);
    CHECK_EQ(paired_reps_needed(0.0, 1.0, 0.8), 2);
    CHECK_EQ(paired_reps_needed(1.0, 0.0, 0.8), 0);
    CHECK_EQ(paired_reps_needed(NAN, 1.0, 0.8), 0);
    CHECK_EQ(paired_reps_needed(1.0, 1e-9, 0.8), SIZE_MAX);

    /* Half-width 0.5 with sd 1: t975(17) / sqrt(18) = 0.497, t975(16) / sqrt(17) = 0.514. */
    CHECK_EQ(paired_reps_for_half_width(1.0, 0.5), 18);
    CHECK(stats_t975(17) / sqrt(18.0) <= 0.5 && stats_t975(16) / sqrt(17.0) > 0.5);
    CHECK_EQ(paired_reps_for_half_width(0.0, 0.5), 2);
    CHECK_EQ(paired_reps_for_half_width(1.0, -1), 0);
}

int main(void)
{
    test_hand_values();
    test_identical_and_degenerate();
    test_coverage_and_size();
    test_reps_needed();
    return CHECK_DONE();
}
