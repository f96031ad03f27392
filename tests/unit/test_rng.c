/* test_rng.c - random streams: known answers, reproducibility, independence, distributions.
 *
 * Three kinds of check. Known answers pin the transcription: the published xoshiro256** outputs
 * from the state {1, 2, 3, 4} and SplitMix64's published outputs, so a typo in a shift cannot
 * hide behind a statistical test that still passes. Stream checks pin the contract of rng.h:
 * a triple always gives the same numbers, any change to it gives other numbers, keys do not
 * collide. Statistical checks run GSL's own distributions on the generator with parameters that
 * are not round numbers (2.385 rather than 1, as GSL's tests do) and accept a deviation of four
 * standard errors; every seed is fixed, so a pass is a pass on every run.
 */
#include "check.h"
#include "rng.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#define TEST_DRAWS 1000000

/* Where the generator keeps its four state words. rng.c keeps them as a struct of uint64_t[4];
 * only the known-answer tests look inside, to start from the published state. */
static uint64_t *test_state_words(gsl_rng *r)
{
    return (uint64_t *)r->state;
}

static void test_type_description(void)
{
    CHECK_STR(rng_xoshiro256->name, "xoshiro256starstar");
    CHECK_EQ(rng_xoshiro256->min, 0);
    CHECK(rng_xoshiro256->max == ULONG_MAX);
    CHECK_EQ(rng_xoshiro256->size, 4 * sizeof(uint64_t));

    /* GSL's own constructor works with the type, seeding through set() with its default seed. */
    gsl_rng *r = gsl_rng_alloc(rng_xoshiro256);
    CHECK(r != NULL);
    if (!r) return;
    CHECK_STR(gsl_rng_name(r), "xoshiro256starstar");
    CHECK(gsl_rng_max(r) == ULONG_MAX);
    double u = gsl_rng_uniform(r);
    CHECK(u >= 0.0 && u < 1.0);
    gsl_rng_free(r);
}

static void test_known_answers(void)
{
    static const uint64_t xoshiro_1234[10] = {
        UINT64_C(11520),
        UINT64_C(0),
        UINT64_C(1509978240),
        UINT64_C(1215971899390074240),
        UINT64_C(1216172134540287360),
        UINT64_C(607988272756665600),
        UINT64_C(16172922978634559625),
        UINT64_C(8476171486693032832),
        UINT64_C(10595114339597558777),
        UINT64_C(2904607092377533576),
    };
    /* SplitMix64's first outputs from 0 and from 1234567: the four state words set() makes. */
    static const uint64_t splitmix_0[4] = {
        UINT64_C(0xe220a8397b1dcdaf),
        UINT64_C(0x6e789e6aa1b965f4),
        UINT64_C(0x06c45d188009454f),
        UINT64_C(0xf88bb8a8724c81ec),
    };
    static const uint64_t splitmix_1234567[4] = {
        UINT64_C(6457827717110365317),
        UINT64_C(3203168211198807973),
        UINT64_C(9817491932198370423),
        UINT64_C(4593380528125082431),
    };

    gsl_rng *r = rng_stream_create(0, 0, 0);
    CHECK(r != NULL);
    if (!r) return;
    uint64_t *s = test_state_words(r);

    s[0] = 1, s[1] = 2, s[2] = 3, s[3] = 4;
    for (int i = 0; i < 10; i++)
        CHECK((uint64_t)gsl_rng_get(r) == xoshiro_1234[i]);

    /* The same state again, through the double paths: the second output is 0, so
     * gsl_rng_uniform returns exactly 0 there while rng_uniform_pos skips to the third. */
    s[0] = 1, s[1] = 2, s[2] = 3, s[3] = 4;
    CHECK(gsl_rng_uniform(r) == (double)(xoshiro_1234[0] >> 11) * 0x1.0p-53);
    CHECK(gsl_rng_uniform(r) == 0.0);
    s[0] = 1, s[1] = 2, s[2] = 3, s[3] = 4;
    (void)gsl_rng_get(r);
    double u = rng_uniform_pos(r);
    CHECK(u == (double)(xoshiro_1234[2] >> 11) * 0x1.0p-53);
    CHECK(u > 0.0);

    gsl_rng_set(r, 0);
    for (int i = 0; i < 4; i++)
        CHECK(s[i] == splitmix_0[i]);
    gsl_rng_set(r, 1234567);
    for (int i = 0; i < 4; i++)
        CHECK(s[i] == splitmix_1234567[i]);

    /* A stream's state is SplitMix64 from its key, which is what gsl_rng_set(key) makes. */
    gsl_rng *viaset = gsl_rng_alloc(rng_xoshiro256);
    CHECK(viaset != NULL);
    if (viaset) {
        rng_stream_reset(r, 2385, 17, 3);
        gsl_rng_set(viaset, (unsigned long)rng_stream_key(2385, 17, 3));
        int same = 1;
        for (int i = 0; i < 100; i++)
            same &= gsl_rng_get(r) == gsl_rng_get(viaset);
        CHECK(same);
        gsl_rng_free(viaset);
    }
    gsl_rng_free(r);
}

/* How many of the first n outputs of two streams are equal (position by position). */
static int test_streams_equal_count(gsl_rng *a, gsl_rng *b, int n)
{
    int equal = 0;
    for (int i = 0; i < n; i++)
        equal += gsl_rng_get(a) == gsl_rng_get(b);
    return equal;
}

static void test_reproducible_and_distinct(void)
{
    gsl_rng *a = rng_stream_create(2385, 7, 2);
    gsl_rng *b = rng_stream_create(2385, 7, 2);
    CHECK(a && b);
    if (!a || !b) goto out;
    CHECK_EQ(test_streams_equal_count(a, b, 10000), 10000);

    /* Reset restores the start whatever has been drawn; a clone continues in step. */
    unsigned long first[16];
    rng_stream_reset(a, 2385, 7, 2);
    for (int i = 0; i < 16; i++)
        first[i] = gsl_rng_get(a);
    for (int i = 0; i < 12345; i++)
        (void)gsl_rng_uniform(a);
    rng_stream_reset(a, 2385, 7, 2);
    int same = 1;
    for (int i = 0; i < 16; i++)
        same &= gsl_rng_get(a) == first[i];
    CHECK(same);
    gsl_rng *c = gsl_rng_clone(a);
    CHECK(c != NULL);
    if (c) {
        CHECK_EQ(test_streams_equal_count(a, c, 1000), 1000);
        gsl_rng_free(c);
    }

    /* A change to any one member of the triple, even by one, gives an unrelated stream. */
    static const struct {
        uint64_t seed;
        uint32_t rep, source;
    } other[] = {{2386, 7, 2}, {2384, 7, 2}, {2385 ^ (UINT64_C(1) << 63), 7, 2},
                 {2385, 8, 2}, {2385, 6, 2}, {2385, 7, 3},
                 {2385, 7, 1}, {2385, 2, 7}, {0, 7, 2}};
    for (size_t k = 0; k < sizeof other / sizeof other[0]; k++) {
        rng_stream_reset(a, 2385, 7, 2);
        rng_stream_reset(b, other[k].seed, other[k].rep, other[k].source);
        CHECK(rng_stream_key(2385, 7, 2) !=
              rng_stream_key(other[k].seed, other[k].rep, other[k].source));
        CHECK_EQ(test_streams_equal_count(a, b, 1000), 0);
    }
out:
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static int test_u64_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

/* Keys over a grid of the triples an experiment really uses are all distinct, and a one-bit
 * change of any input flips about half the key bits (avalanche), so nearby triples do not get
 * related keys. */
static void test_keys(void)
{
    enum { REPS = 1000, SOURCES = 16, SEEDS = 3 };
    static const uint64_t seeds[SEEDS] = {0, 1, UINT64_C(0x2385238523852385)};
    uint64_t *keys = malloc((size_t)REPS * SOURCES * SEEDS * sizeof *keys);
    CHECK(keys != NULL);
    if (!keys) return;
    size_t n = 0;
    for (int s = 0; s < SEEDS; s++)
        for (uint32_t rep = 0; rep < REPS; rep++)
            for (uint32_t src = 0; src < SOURCES; src++)
                keys[n++] = rng_stream_key(seeds[s], rep, src);
    qsort(keys, n, sizeof *keys, test_u64_cmp);
    size_t dups = 0;
    for (size_t i = 1; i < n; i++)
        dups += keys[i] == keys[i - 1];
    CHECK_EQ(dups, 0);
    free(keys);

    /* Avalanche: the mean number of key bits flipped by flipping one input bit, over 64 inputs
     * and every bit position of seed, rep and source. Ideally 32 with a standard deviation of 4
     * per sample, so the mean over 2048 or more samples has a standard error under 0.09. */
    double flips[3] = {0, 0, 0};
    int samples[3] = {0, 0, 0};
    for (uint32_t i = 0; i < 64; i++) {
        uint64_t seed = i * UINT64_C(0x9e3779b97f4a7c15);
        uint32_t rep = i, src = i % 16;
        uint64_t k = rng_stream_key(seed, rep, src);
        for (int b = 0; b < 64; b++, samples[0]++)
            flips[0] +=
                __builtin_popcountll(k ^ rng_stream_key(seed ^ (UINT64_C(1) << b), rep, src));
        for (int b = 0; b < 32; b++, samples[1]++, samples[2]++) {
            flips[1] += __builtin_popcountll(k ^ rng_stream_key(seed, rep ^ (1u << b), src));
            flips[2] += __builtin_popcountll(k ^ rng_stream_key(seed, rep, src ^ (1u << b)));
        }
    }
    for (int j = 0; j < 3; j++)
        CHECK_NEAR(flips[j] / samples[j], 32.0, 0.5);
}

/* Sample mean and variance of n draws of f. */
typedef double (*test_draw_fn)(gsl_rng *r, double param);

static void test_moments(gsl_rng *r, test_draw_fn f, double param, int n, double *mean, double *var)
{
    double m = 0.0, ss = 0.0;
    for (int i = 0; i < n; i++) {
        double x = f(r, param), d = x - m;
        m += d / (i + 1);
        ss += d * (x - m);
    }
    *mean = m;
    *var = ss / (n - 1);
}

static double test_draw_uniform(gsl_rng *r, double unused)
{
    (void)unused;
    return gsl_rng_uniform(r);
}

static double test_draw_exponential(gsl_rng *r, double mu)
{
    return gsl_ran_exponential(r, mu);
}

static double test_draw_poisson(gsl_rng *r, double mu)
{
    return (double)gsl_ran_poisson(r, mu);
}

static double test_draw_ziggurat(gsl_rng *r, double sigma)
{
    return gsl_ran_gaussian_ziggurat(r, sigma);
}

static double test_draw_gaussian(gsl_rng *r, double sigma)
{
    return gsl_ran_gaussian(r, sigma);
}

static void test_distributions(void)
{
    const double n = TEST_DRAWS;
    double mean, var;
    gsl_rng *r = rng_stream_create(2385, 1, 0);
    CHECK(r != NULL);
    if (!r) return;

    /* Uniform: mean 1/2, variance 1/12; the variance's standard error is sqrt((1/80 - 1/144)/n). */
    test_moments(r, test_draw_uniform, 0, TEST_DRAWS, &mean, &var);
    CHECK_NEAR(mean, 0.5, 4 * sqrt(1.0 / 12 / n));
    CHECK_NEAR(var, 1.0 / 12, 4 * sqrt((1.0 / 80 - 1.0 / 144) / n));

    /* Exponential with mean mu: variance mu^2, whose standard error is sqrt(8) mu^2 / sqrt(n). */
    const double mu = 2.385;
    test_moments(r, test_draw_exponential, mu, TEST_DRAWS, &mean, &var);
    CHECK_NEAR(mean, mu, 4 * mu / sqrt(n));
    CHECK_NEAR(var, mu * mu, 4 * sqrt(8.0) * mu * mu / sqrt(n));

    /* Poisson, below and above GSL's switch to its gamma-based method at mu = 10: variance mu,
     * whose standard error is sqrt((mu + 2 mu^2) / n). */
    const double pmu[2] = {2.385, 38.5};
    for (int k = 0; k < 2; k++) {
        test_moments(r, test_draw_poisson, pmu[k], TEST_DRAWS, &mean, &var);
        CHECK_NEAR(mean, pmu[k], 4 * sqrt(pmu[k] / n));
        CHECK_NEAR(var, pmu[k], 4 * sqrt((pmu[k] + 2 * pmu[k] * pmu[k]) / n));
    }

    /* Gaussians. The ziggurat matters most: it reads the bits of gsl_rng_get directly when the
     * generator's range is 32 bits or more, so it is the one path that depends on max. */
    const double sigma = 2.385;
    test_moments(r, test_draw_ziggurat, sigma, TEST_DRAWS, &mean, &var);
    CHECK_NEAR(mean, 0.0, 4 * sigma / sqrt(n));
    CHECK_NEAR(var, sigma * sigma, 4 * sqrt(2.0) * sigma * sigma / sqrt(n));
    test_moments(r, test_draw_gaussian, sigma, TEST_DRAWS, &mean, &var);
    CHECK_NEAR(mean, 0.0, 4 * sigma / sqrt(n));
    CHECK_NEAR(var, sigma * sigma, 4 * sqrt(2.0) * sigma * sigma / sqrt(n));
    gsl_rng_free(r);
}

/* Chi-square goodness of fit of counts against equal expected counts; returns the p-value. */
static double test_chisq_p(const long *count, int bins, double draws)
{
    double expect = draws / bins, chi2 = 0.0;
    for (int b = 0; b < bins; b++)
        chi2 += (count[b] - expect) * (count[b] - expect) / expect;
    return gsl_cdf_chisq_Q(chi2, bins - 1);
}

static void test_chisq_uniform(void)
{
    enum { BINS = 100 };
    long count[BINS] = {0};
    gsl_rng *r = rng_stream_create(2385, 2, 5);
    CHECK(r != NULL);
    if (!r) return;
    for (int i = 0; i < TEST_DRAWS; i++)
        count[(int)(gsl_rng_uniform(r) * BINS)]++;
    double p = test_chisq_p(count, BINS, TEST_DRAWS);
    CHECK(p > 1e-4);

    /* The same through gsl_rng_uniform_int, whose rejection loop divides the full 64-bit range:
     * a small n that does not divide 2^64, and a count of bins that does. */
    long c7[7] = {0}, c64[64] = {0};
    for (int i = 0; i < 700000; i++)
        c7[gsl_rng_uniform_int(r, 7)]++;
    for (int i = 0; i < 640000; i++)
        c64[gsl_rng_uniform_int(r, 64)]++;
    CHECK(test_chisq_p(c7, 7, 700000) > 1e-4);
    CHECK(test_chisq_p(c64, 64, 640000) > 1e-4);
    gsl_rng_free(r);
}

/* Pearson correlation of the first n uniforms of two streams. */
static double test_correlation(gsl_rng *a, gsl_rng *b, int n)
{
    double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
    for (int i = 0; i < n; i++) {
        double x = gsl_rng_uniform(a), y = gsl_rng_uniform(b);
        double dx = x - ma, dy = y - mb;
        ma += dx / (i + 1);
        mb += dy / (i + 1);
        saa += dx * (x - ma);
        sbb += dy * (y - mb);
        sab += dx * (y - mb);
    }
    return sab / sqrt(saa * sbb);
}

/* Adjacent replications and adjacent sources are the pairs most likely to share structure if
 * the key mixing were weak; their streams must be uncorrelated, here and a little shifted (a
 * stream that was another's lagged copy would show up at lag 1). The bound is four standard
 * errors of a correlation, 4 / sqrt(n). */
static void test_stream_correlation(void)
{
    enum { N = 100000 };
    gsl_rng *a = rng_stream_create(0, 0, 0), *b = rng_stream_create(0, 0, 0);
    CHECK(a && b);
    if (!a || !b) goto out;
    for (uint32_t rep = 0; rep < 4; rep++) {
        rng_stream_reset(a, 2385, rep, 1);
        rng_stream_reset(b, 2385, rep + 1, 1);
        CHECK_NEAR(test_correlation(a, b, N), 0.0, 4 / sqrt(N));
        rng_stream_reset(a, 2385, rep, 1);
        rng_stream_reset(b, 2385, rep + 1, 1);
        (void)gsl_rng_get(b);
        CHECK_NEAR(test_correlation(a, b, N), 0.0, 4 / sqrt(N));
        rng_stream_reset(a, 2385, 3, rep);
        rng_stream_reset(b, 2385, 3, rep + 1);
        CHECK_NEAR(test_correlation(a, b, N), 0.0, 4 / sqrt(N));
    }
    /* Seed 0 and seed 1 too: small seeds are the ones people use. */
    rng_stream_reset(a, 0, 0, 0);
    rng_stream_reset(b, 1, 0, 0);
    CHECK_NEAR(test_correlation(a, b, N), 0.0, 4 / sqrt(N));
out:
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_uniform_pos_and_int_ranges(void)
{
    gsl_rng *r = rng_stream_create(2385, 3, 9);
    CHECK(r != NULL);
    if (!r) return;
    size_t outside = 0;
    double lo = 1.0, hi = 0.0;
    for (int i = 0; i < TEST_DRAWS; i++) {
        double u = rng_uniform_pos(r);
        if (!(u > 0.0 && u < 1.0)) outside++;
        if (u < lo) lo = u;
        if (u > hi) hi = u;
    }
    CHECK_EQ(outside, 0);
    CHECK(lo < 1e-5 && hi > 1 - 1e-5); /* it does reach near both ends */

    /* In range for n from 1 to the full width, including n that do not divide 2^64. */
    static const unsigned long ns[] = {
        1, 2, 3, 7, 1000, 4294967295UL, 4294967311UL, (1UL << 63) + 5, ULONG_MAX - 1, ULONG_MAX};
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        size_t bad = 0;
        unsigned long top = 0;
        for (int i = 0; i < 10000; i++) {
            unsigned long v = gsl_rng_uniform_int(r, ns[k]);
            if (v >= ns[k]) bad++;
            if (v > top) top = v;
        }
        CHECK_EQ(bad, 0);
        if (ns[k] == 1) CHECK_EQ(top, 0);
        /* Large n are really reached, not squeezed into a 32-bit corner. */
        if (ns[k] > 4294967296UL) CHECK(top > ns[k] / 2);
    }
    gsl_rng_free(r);
}

int main(void)
{
    test_type_description();
    test_known_answers();
    test_reproducible_and_distinct();
    test_keys();
    test_distributions();
    test_chisq_uniform();
    test_stream_correlation();
    test_uniform_pos_and_int_ranges();
    return CHECK_DONE();
}
