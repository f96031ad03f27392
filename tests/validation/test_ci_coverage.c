/* test_ci_coverage.c - do the reported 95% confidence intervals cover the truth 95% of the time?
 *
 * usage: test_ci_coverage SCENARIO MACRO REPS LAMBDA_PER_DAY MEAN_S C WARMUP_DAYS HORIZON_DAYS
 *
 * A 95% interval is only worth its name if, over many independent runs, about 95% of the
 * intervals contain the true value. This test makes MACRO independent runs of an M/M/c queue
 * (scenarios/validation/mmc.cfg with the given rate, mean on-scene time, units and run length),
 * each with its own seed (1, 2, ..., MACRO) and REPS replications, computes each run's 95% CI
 * of the mean queue wait exactly as `patrolsim run` and `summary` do (metrics_compute for the
 * per-replication figure, stats_ci95 across replications), and counts the runs whose interval
 * contains the Erlang C mean wait. The test passes when the coverage is within [93%, 97%].
 *
 * With MACRO = 1000 the count of covering runs of a correct model is Binomial(1000, 0.95):
 * standard deviation 0.69 points, so [93%, 97%] is +/- 2.9 standard deviations and a correct
 * model fails with probability about 0.4%. Fewer macro-replications would make that window
 * a coin toss (with 200, +/- 1.5 sd: a correct model would fail one time in seven).
 *
 * It runs the model in-process rather than as 1000 `patrolsim run` processes: the figures
 * and the interval are computed by the same functions, and the cost is the simulation alone.
 * Two threads share the macro-replications (each run's result depends only on its seed).
 * The coverage also depends on the run being long enough: the estimate must be nearly
 * unbiased (warm-up of many relaxation times) and each replication's mean nearly normal;
 * the test prints the mean estimate beside the truth, and the mean half-width, so both can
 * be seen.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "metrics.h"
#include "model.h"
#include "scenario.h"
#include "stats.h"

typedef struct cov_job {
    const char *path;
    char sets[8][64]; /* scenario overrides; the seed is the last */
    int macro, reps;
    double truth_s;
    atomic_int next; /* next macro-replication to run */
    atomic_int covered, failed;
    double *est, *half; /* [macro] each run's mean and half-width */
} cov_job;

/* Erlang C mean wait of M/M/c. */
static double cov_erlang_c_wait(double lam, double mu, int c)
{
    double a = lam / mu, rho = a / c, term = 1.0, s = 0.0;
    for (int k = 0; k < c; k++) {
        s += term;
        term *= a / (k + 1);
    }
    double top = term / (1.0 - rho);
    return top / (s + top) / (c * mu - lam);
}

/* One macro-replication: load the scenario with seed k, run its replications, return the CI
 * of the mean wait. */
static int cov_run_one(cov_job *j, int k, stats_ci *out)
{
    const char *sets[8];
    char seed_kv[64];
    int n_sets = 0;
    for (; n_sets < 7 && j->sets[n_sets][0]; n_sets++)
        sets[n_sets] = j->sets[n_sets];
    snprintf(seed_kv, sizeof seed_kv, "run.seed=%d", k);
    sets[n_sets++] = seed_kv;
    diag *d = diag_create();
    scenario *s = scen_load(j->path, sets, (size_t)n_sets, d);
    if (!s) {
        diag_print(d, stderr);
        diag_destroy(d);
        return -1;
    }
    diag_destroy(d);
    metrics m = {0};
    model_ws *w = model_ws_create(s);
    double *row = NULL, *wait = malloc((size_t)j->reps * sizeof *wait);
    rep_result r = {0};
    int rc = -1;
    if (!w || !wait || metrics_init(&m, s->n_priorities)) goto out;
    int col = metrics_find(&m, "wait_mean_s");
    row = malloc(m.n * sizeof *row);
    if (col < 0 || !row) goto out;
    for (int rep = 0; rep < j->reps; rep++) {
        if (model_run_rep(w, (uint32_t)rep, &r) || metrics_compute(&m, s, &r, row)) goto out;
        wait[rep] = row[col];
    }
    *out = stats_ci95(wait, (size_t)j->reps);
    rc = 0;
out:
    rep_result_fini(&r);
    metrics_fini(&m);
    free(row);
    free(wait);
    model_ws_destroy(w);
    scen_destroy(s);
    return rc;
}

static void *cov_worker(void *arg)
{
    cov_job *j = arg;
    for (;;) {
        int k = atomic_fetch_add(&j->next, 1);
        if (k >= j->macro || atomic_load(&j->failed)) break;
        stats_ci ci;
        if (cov_run_one(j, k + 1, &ci)) {
            atomic_store(&j->failed, 1);
            break;
        }
        j->est[k] = ci.mean;
        j->half[k] = ci.half_width;
        if (ci.lo <= j->truth_s && j->truth_s <= ci.hi) atomic_fetch_add(&j->covered, 1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 9) {
        fprintf(stderr, "usage: test_ci_coverage SCENARIO MACRO REPS LAMBDA_PER_DAY MEAN_S C "
                        "WARMUP_DAYS HORIZON_DAYS\n");
        return 2;
    }
    static cov_job j;
    j.path = argv[1];
    j.macro = atoi(argv[2]);
    j.reps = atoi(argv[3]);
    double lam_day = atof(argv[4]), mean_s = atof(argv[5]);
    int c = atoi(argv[6]);
    snprintf(j.sets[0], 64, "run.replications=%d", j.reps);
    snprintf(j.sets[1], 64, "calls.per_day=%s", argv[4]);
    snprintf(j.sets[2], 64, "incident_types.[0].onscene.mean_s=%s", argv[5]);
    snprintf(j.sets[3], 64, "units.[0].count=%d", c);
    snprintf(j.sets[4], 64, "run.warmup_days=%s", argv[7]);
    snprintf(j.sets[5], 64, "run.horizon_days=%s", argv[8]);
    j.truth_s = cov_erlang_c_wait(lam_day / 86400.0, 1.0 / mean_s, c);
    j.est = calloc((size_t)j.macro, sizeof *j.est);
    j.half = calloc((size_t)j.macro, sizeof *j.half);
    if (j.macro < 1 || j.reps < 2 || !j.est || !j.half) return 2;

    pthread_t tid;
    int threaded = pthread_create(&tid, NULL, cov_worker, &j) == 0;
    cov_worker(&j);
    if (threaded) pthread_join(tid, NULL);
    if (atomic_load(&j.failed)) {
        fprintf(stderr, "FAIL: a macro-replication could not be run\n");
        return 1;
    }

    int covered = atomic_load(&j.covered);
    double p = (double)covered / j.macro;
    stats_ci est = stats_ci95(j.est, (size_t)j.macro);
    double half = stats_mean(j.half, (size_t)j.macro);
    /* Wilson score interval of the coverage itself, for the record. */
    double z = 1.959964, n = j.macro, den = 1 + z * z / n;
    double mid = (p + z * z / (2 * n)) / den;
    double hw = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den;
    printf("M/M/%d, rho = %.3f: %d runs (seeds 1..%d) of %d replications of %s days "
           "after %s days of warm-up\n",
           c, lam_day / 86400.0 * mean_s / c, j.macro, j.macro, j.reps, argv[8], argv[7]);
    printf("Erlang C mean wait %.3f s; mean of the runs' estimates %.3f s (95%% CI %.3f to "
           "%.3f over %d runs); mean CI half-width %.3f s\n",
           j.truth_s, est.mean, est.lo, est.hi, j.macro, half);
    printf("coverage of the reported 95%% CIs: %d of %d = %.1f%% (Wilson 95%% interval "
           "%.1f%% to %.1f%%)\n",
           covered, j.macro, 100 * p, 100 * (mid - hw), 100 * (mid + hw));
    free(j.est);
    free(j.half);
    if (p < 0.93 || p > 0.97) {
        printf("FAIL: coverage outside [93%%, 97%%]\n");
        return 1;
    }
    printf("ok\n");
    return 0;
}
