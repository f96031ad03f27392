/* test_stats.c - confidence intervals and quantiles against hand-computed values and theory.
 *
 * Hand values come from the definitions (t quantiles from tables, to the printed digits);
 * the coverage check draws from GSL's own mt19937 so that it tests this module alone, not our
 * random streams.
 */
#include "check.h"
#include "stats.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static void test_t975(void)
{
    /* Table values of t_{0.975, df}. */
    CHECK_NEAR(stats_t975(1), 12.706205, 1e-6);
    CHECK_NEAR(stats_t975(4), 2.776445, 1e-6);
    CHECK_NEAR(stats_t975(9), 2.262157, 1e-6);
    CHECK_NEAR(stats_t975(29), 2.045230, 1e-6);
    CHECK_NEAR(stats_t975(1000000), 1.959966, 1e-5); /* tends to the normal 1.959964 */
    CHECK(isnan(stats_t975(0)));
}

static void test_ci_hand_values(void)
{
    const double x[5] = {1, 2, 3, 4, 5};
    stats_ci ci = stats_ci95(x, 5);
    double sd = sqrt(2.5), hw = 2.776445 * sd / sqrt(5.0);
    CHECK_EQ(ci.n, 5);
    CHECK_NEAR(ci.mean, 3.0, 1e-15);
    CHECK_NEAR(ci.sd, sd, 1e-15);
    CHECK_NEAR(ci.half_width, hw, 1e-6);
    CHECK_NEAR(ci.lo, 3.0 - hw, 1e-6);
    CHECK_NEAR(ci.hi, 3.0 + hw, 1e-6);

    /* Large values close together: the one-pass sum-of-squares formula loses every digit here
     * (x^2 ~ 1e18 against a variance of 2.5); the two-pass one must give the same sd as above. */
    const double big[5] = {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5};
    stats_ci cb = stats_ci95(big, 5);
    CHECK_NEAR(cb.mean, 1e9 + 3, 1e-6);
    CHECK_NEAR(cb.sd, sd, 1e-9);

    /* All equal: sd 0, a zero-width interval, not NaN. */
    const double same[3] = {2.385, 2.385, 2.385};
    stats_ci cs = stats_ci95(same, 3);
    CHECK(cs.sd == 0.0 && cs.half_width == 0.0);
    CHECK(cs.lo == 2.385 && cs.hi == 2.385);
}

static void test_ci_missing_values(void)
{
    /* The same five figures with replications that could not compute them. */
    const double x[9] = {NAN, 1, 2, NAN, 3, 4, NAN, 5, NAN};
    stats_ci ci = stats_ci95(x, 9);
    double hw = 2.776445 * sqrt(2.5) / sqrt(5.0);
    CHECK_EQ(ci.n, 5);
    CHECK_NEAR(ci.mean, 3.0, 1e-15);
    CHECK_NEAR(ci.half_width, hw, 1e-6);

    /* Infinities are no more usable than NaN and are skipped too. */
    const double inf[4] = {INFINITY, 1, -INFINITY, 3};
    stats_ci ci2 = stats_ci95(inf, 4);
    CHECK_EQ(ci2.n, 2);
    CHECK_NEAR(ci2.mean, 2.0, 1e-15);
    CHECK_NEAR(ci2.half_width, 12.706205 * sqrt(2.0) / sqrt(2.0), 1e-5);

    /* Strided: the second field of {figure, weight} pairs, with a NaN among them. */
    const double pairs[10] = {0, 10, 0, 20, 0, NAN, 0, 30, 0, 40};
    stats_ci cs = stats_ci95_strided(pairs + 1, 5, 2);
    CHECK_EQ(cs.n, 4);
    CHECK_NEAR(cs.mean, 25.0, 1e-12);
    CHECK_NEAR(cs.sd, sqrt(500.0 / 3.0), 1e-12);
    CHECK_NEAR(cs.half_width, stats_t975(3) * sqrt(500.0 / 3.0) / 2.0, 1e-12);
}

static void test_ci_small_n(void)
{
    /* n = 0 (nothing at all, or nothing finite): everything NaN, count 0. */
    stats_ci c0 = stats_ci95(NULL, 0);
    CHECK_EQ(c0.n, 0);
    CHECK(isnan(c0.mean) && isnan(c0.sd) && isnan(c0.half_width));
    CHECK(isnan(c0.lo) && isnan(c0.hi));
    const double nans[3] = {NAN, NAN, NAN};
    stats_ci cn = stats_ci95(nans, 3);
    CHECK_EQ(cn.n, 0);
    CHECK(isnan(cn.mean));

    /* n = 1: a mean but no spread, so no interval. */
    const double one[3] = {NAN, 2.385, NAN};
    stats_ci c1 = stats_ci95(one, 3);
    CHECK_EQ(c1.n, 1);
    CHECK(c1.mean == 2.385);
    CHECK(isnan(c1.sd) && isnan(c1.half_width) && isnan(c1.lo) && isnan(c1.hi));

    /* n = 2: the widest interval there is, t = 12.706. */
    const double two[2] = {1, 3};
    stats_ci c2 = stats_ci95(two, 2);
    CHECK_EQ(c2.n, 2);
    CHECK_NEAR(c2.half_width, 12.706205 * sqrt(2.0) / sqrt(2.0), 1e-5);
}

static void test_quantiles(void)
{
    /* Type 7: h = (n - 1) p, interpolate between x[floor h] and x[floor h + 1]. R's
     * quantile(c(1, 2, 4, 8, 16), c(0, .1, .25, .5, .9, 1)) gives 1, 1.4, 2, 4, 12.8, 16. */
    double x[5] = {16, 4, 1, 8, 2};
    stats_sort(x, 5);
    CHECK(x[0] == 1 && x[1] == 2 && x[2] == 4 && x[3] == 8 && x[4] == 16);
    CHECK_NEAR(stats_quantile_sorted(x, 5, 0.0), 1.0, 1e-12);
    CHECK_NEAR(stats_quantile_sorted(x, 5, 0.1), 1.4, 1e-12);
    CHECK_NEAR(stats_quantile_sorted(x, 5, 0.25), 2.0, 1e-12);
    CHECK_NEAR(stats_quantile_sorted(x, 5, 0.5), 4.0, 1e-12);
    CHECK_NEAR(stats_quantile_sorted(x, 5, 0.9), 12.8, 1e-12);
    CHECK_NEAR(stats_quantile_sorted(x, 5, 1.0), 16.0, 1e-12);

    /* Even n: the median is the midpoint. Type 7 on {1,2,3,4} at 0.9 is 3 + 0.7 = 3.7. */
    double y[4] = {4, 3, 2, 1};
    stats_sort(y, 4);
    CHECK_NEAR(stats_quantile_sorted(y, 4, 0.5), 2.5, 1e-12);
    CHECK_NEAR(stats_quantile_sorted(y, 4, 0.9), 3.7, 1e-12);

    /* One value is every quantile; none gives NaN; p outside [0, 1] gives NaN, not a bad read. */
    double z[1] = {2.385};
    stats_sort(z, 1);
    CHECK(stats_quantile_sorted(z, 1, 0.0) == 2.385);
    CHECK(stats_quantile_sorted(z, 1, 0.9) == 2.385);
    CHECK(isnan(stats_quantile_sorted(z, 0, 0.5)));
    CHECK(isnan(stats_quantile_sorted(y, 4, -0.1)));
    CHECK(isnan(stats_quantile_sorted(y, 4, 1.1)));
    CHECK(isnan(stats_quantile_sorted(y, 4, NAN)));
    stats_sort(NULL, 0);

    /* Sorting a longer array with ties and negatives. */
    double w[8] = {3, -1, 2.5, 3, 0, -7, 2.5, 10};
    stats_sort(w, 8);
    int sorted = 1;
    for (int i = 1; i < 8; i++)
        sorted &= w[i - 1] <= w[i];
    CHECK(sorted);
    CHECK(w[0] == -7 && w[7] == 10);
}

static void test_mean(void)
{
    const double x[4] = {1, 2, 3, 4.5};
    CHECK_NEAR(stats_mean(x, 4), 2.625, 1e-15);
    CHECK(isnan(stats_mean(x, 0)));
}

/* Coverage: the interval from 10 normal draws must cover the true mean 95% of the time. Over
 * 2000 intervals the observed rate has a standard error of 0.49%, so 93-97% is four of them. */
static void test_coverage(void)
{
    enum { SAMPLES = 2000, N = 10 };
    const double mu = 2.385, sigma = 0.7;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CHECK(r != NULL);
    if (!r) return;
    gsl_rng_set(r, 2385);
    int covered = 0;
    double x[N];
    for (int s = 0; s < SAMPLES; s++) {
        for (int i = 0; i < N; i++)
            x[i] = mu + gsl_ran_gaussian(r, sigma);
        stats_ci ci = stats_ci95(x, N);
        covered += ci.lo <= mu && mu <= ci.hi;
    }
    double rate = (double)covered / SAMPLES;
    CHECK(rate >= 0.93 && rate <= 0.97);
    gsl_rng_free(r);
}

int main(void)
{
    test_t975();
    test_ci_hand_values();
    test_ci_missing_values();
    test_ci_small_n();
    test_quantiles();
    test_mean();
    test_coverage();
    return CHECK_DONE();
}
