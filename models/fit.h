/* fit.h - the call model's parameters estimated from a call history.
 *
 * fit_history turns a history (history.h) into the parameters of the call
 * generator (calls.h, scenarios/README.md "Scenario files"), each with a 95%
 * confidence interval, and fit_fragment_write prints them as a libconfig
 * fragment - the `calls` group, the `incident_types` list and, with a zoned
 * network, a `zones` list - that replaces those of a scenario, so that
 * synthetic replications resemble the history.
 *
 *  - Rate: the weekly mean of the daily rates by weekday, sum_d (n_d / D_d) / 7,
 *    where D_d is the number of days of weekday d in the history (n / days
 *    when the history is shorter than a week). CI: normal, from the Poisson
 *    variance inflated by the dispersion of the daily counts around the fitted
 *    weekly profile (Pearson chi-square / degrees of freedom, floored at 1), so
 *    that a history burstier than Poisson gets the wider interval it deserves.
 *  - Hourly profile: 24 n_h / n (mean 1), Wilson score intervals of n_h / n.
 *  - Weekly profile: 7 r_d / sum r (r_d = n_d / D_d; mean 1), delta-method CI
 *    with the same dispersion; needs at least one of each weekday.
 *  - Zone weights (with a network whose nodes have zones): the share of calls
 *    per zone, Wilson intervals; the scenario spreads a zone's calls evenly
 *    over its nodes, as the generator does.
 *  - Type mix: shares with Wilson intervals; a type's priority is the one its
 *    calls give most often.
 *  - On-scene times per type (rows that give one): exponential (MLE: the
 *    mean), lognormal (MLE on the logs) and gamma (MLE, Newton on the shape
 *    with GSL's digamma and trigamma) are fitted; the lowest BIC among those the
 *    scenario accepts wins (a gamma needs sd between 0.05 and 2 times the mean).
 *    BIC rather than AIC: with AIC the two-parameter gamma beats the exponential
 *    on exponential data about one time in six (a chi-square(1) above 2), with
 *    BIC one time in a hundred for a thousand calls; lognormal against gamma is
 *    the same comparison either way (two parameters each);
 *    all equal values give "fixed". The fit is checked with the
 *    Kolmogorov-Smirnov statistic D and its asymptotic p-value (optimistic,
 *    since the parameters come from the same data: a small p is a real misfit,
 *    a large one is not proof). CIs of the chosen mean_s and sd_s are
 *    bootstrap percentiles (fit_opts.bootstrap resamples from a fixed-seed
 *    stream, so the same history gives the same fragment).
 *
 * Confidence intervals assume calls independent of each other; profiles and
 * mixes are estimated from counts, so a history of a few hundred calls gives
 * wide intervals, which the fragment shows.
 */
#ifndef PATROLSIM_FIT_H
#define PATROLSIM_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "history.h"
#include "net.h"

typedef struct fit_ci {
    double est, lo, hi; /* estimate and 95% interval */
} fit_ci;

typedef enum fit_dist_kind { FIT_EXPONENTIAL, FIT_LOGNORMAL, FIT_GAMMA, FIT_N_DISTS } fit_dist_kind;

typedef struct fit_dist {
    bool ok;             /* fitted */
    bool usable;         /* within what a scenario accepts */
    double mean_s, sd_s; /* the scenario's parameters */
    double p1, p2;       /* exponential: mean; lognormal: mu, sigma; gamma: shape, scale */
    double loglik, bic;  /* log-likelihood; Bayesian information criterion */
    double ks_d, ks_p;   /* Kolmogorov-Smirnov statistic and asymptotic p-value */
} fit_dist;

typedef struct fit_type {
    const char *name; /* borrowed from the history */
    size_t n;         /* calls */
    fit_ci share;
    int priority;            /* most frequent priority given; 0 when no row gives one */
    size_t n_priority_other; /* calls of the type with another priority */
    size_t n_onscene;        /* calls with a known time on scene */
    fit_dist dist[FIT_N_DISTS];
    int best;            /* index into dist; -1: none (fewer than 2 values, or all equal) */
    bool fixed;          /* all known times equal: dist "fixed" with mean_s.est */
    fit_ci mean_s, sd_s; /* of the chosen distribution (fixed: mean only; none: NaN) */
} fit_type;

typedef struct fit_opts {
    size_t bootstrap; /* resamples for the on-scene CIs (400) */
    uint64_t seed;    /* of the bootstrap stream (20161130) */
} fit_opts;

typedef struct fit_result {
    size_t n_calls;
    double days;
    int start_weekday;
    size_t weekday_days[7]; /* days of each weekday (Monday first) in the history */
    fit_ci per_day;
    double dispersion; /* Pearson chi-square / df of the daily counts */
    fit_ci hourly[24];
    bool weekly_fitted; /* every weekday occurs; else weekly is all 1 */
    fit_ci weekly[7];
    fit_type *types; /* [n_types], in the history's order */
    size_t n_types;
    fit_ci *zone_weight; /* [n_zones] of the network, when it has zones; else NULL */
    size_t *zone_calls;
    size_t n_zones;
    size_t n_no_zone;             /* calls on nodes without a zone */
    fit_dist pooled[FIT_N_DISTS]; /* all on-scene times together, for types without any */
    int pooled_best;
} fit_result;

void fit_opts_init(fit_opts *o);

/* Estimates everything from h; g (may be NULL) gives the zones, and must be the
 * network h was loaded with. 0, or -1 when out of memory. */
int fit_history(const history *h, const net *g, const fit_opts *o, fit_result *out);
void fit_result_fini(fit_result *r); /* frees what fit_history allocated */

/* Fits the three distributions to x[0..n) (seconds, > 0; sorted in place).
 * Sets *best (-1 when n < 2 or all equal). 0, or -1 when out of memory. */
int fit_onscene(double *x, size_t n, fit_dist dist[FIT_N_DISTS], int *best);

/* Writes the scenario fragment; zone_kind names the kind given to every zone
 * (the history cannot tell). 0, or -1 on a write error. */
int fit_fragment_write(const fit_result *r, const history *h, const net *g, const char *zone_kind,
                       FILE *out);

/* Names of the distributions as the scenario spells them. */
const char *fit_dist_name(fit_dist_kind k);

#endif
