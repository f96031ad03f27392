/* paired.h - comparing two sets of replications pair by pair, and how many replications a
 * question needs.
 *
 * Replication i of run A and replication i of run B form a pair. When the two runs share the
 * seed and the call model they faced the very same calls (common random numbers), so a_i and
 * b_i move together and the differences d_i = b_i - a_i vary much less than a_i or b_i do. The
 * 95% confidence interval of the mean difference is Student t on the d_i:
 *     mean(d) -/+ t_{0.975, n-1} * sd(d) / sqrt(n).
 * It is valid whenever the pairs are independent of one another (replications are), whatever
 * the dependence within a pair: with different seeds it is simply wider. The same holds for any
 * per-replication figure, tails included (a p90, a fraction within target): each replication
 * yields one value per run, and the pairs are what the interval rests on.
 *
 * var_ratio = var(d) / (var(a) + var(b)) is what pairing buys: with independent sampling the
 * variance of a difference of two single replications is var(a) + var(b); with common random
 * numbers it is var(d) = var(a) + var(b) - 2 cov(a, b). A ratio of 0.1 means the paired
 * interval is sqrt(10) = 3.2 times narrower than independent runs of the same length would give,
 * or that independent runs would need 10 times the replications for the same width.
 *
 * Pairs where either value is not finite (NaN: a priority without answered calls in that
 * replication) are left out; n says how many pairs remain. Pure functions, no allocation.
 */
#ifndef PATROLSIM_PAIRED_H
#define PATROLSIM_PAIRED_H

#include <stdbool.h>
#include <stddef.h>

typedef struct paired_cmp {
    size_t n;          /* pairs with both values finite */
    double mean_a;     /* mean of a over those pairs */
    double mean_b;     /* mean of b over those pairs */
    double sd_a, sd_b; /* sample standard deviations over those pairs; NaN when n < 2 */
    double diff;       /* mean of b_i - a_i; NaN when n == 0 */
    double sd_diff;    /* sample standard deviation of the differences; NaN when n < 2 */
    double half_width; /* t_{0.975, n-1} * sd_diff / sqrt(n); NaN when n < 2 */
    double lo, hi;     /* diff -/+ half_width */
    double p_value;    /* two-sided paired t-test of "no difference"; NaN when n < 2 */
    bool significant;  /* the 95% interval excludes 0 (p < 0.05) */
    double var_ratio;  /* var(d) / (var(a) + var(b)); NaN when n < 2 or both variances are 0 */
    double corr;       /* Pearson correlation of a and b over the pairs; NaN when undefined */
} paired_cmp;

/* Compares a[i * stride_a] with b[i * stride_b] for i in [0, n). */
paired_cmp paired_compare(const double *a, size_t stride_a, const double *b, size_t stride_b,
                          size_t n);

/* Replications (pairs) needed to detect a true difference delta (> 0) with a two-sided paired
 * t-test at the 5% level with the given power (e.g. 0.8), when the differences have standard
 * deviation sd: the smallest n >= 2 with
 *     sqrt(n) * delta / sd >= t_{0.975, n-1} + t_{power, n-1}
 * (the usual t approximation of the noncentral t power). 0 when sd or delta is not finite or
 * delta <= 0; 2 when sd == 0; SIZE_MAX beyond 10^9. The same formula with sd = sqrt(var(a) +
 * var(b)) gives what independent runs would need per scenario. */
size_t paired_reps_needed(double sd, double delta, double power);

/* Replications needed for the 95% interval of a mean to have half-width at most hw when the
 * values have standard deviation sd: the smallest n >= 2 with t_{0.975, n-1} sd / sqrt(n) <= hw.
 * 0 when sd or hw is not finite or hw <= 0; 2 when sd == 0; SIZE_MAX beyond 10^9. */
size_t paired_reps_for_half_width(double sd, double hw);

#endif
