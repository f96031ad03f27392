/* bench_model.c - the police model's own speed on a scenario, without the results file.
 *
 * usage: bench_model SCENARIO REPS [path=value ...]
 *
 * Loads the scenario (with the overrides), then runs REPS replications on this thread the
 * way `patrolsim run` does (model_run_rep, then metrics_compute for the /summary row) but
 * writes nothing. Prints calls, events and CPU time, so `patrolsim run`'s cost can be split
 * into simulation and output (bench/simpy.cmake prints both beside SimPy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "diag.h"
#include "metrics.h"
#include "model.h"
#include "scenario.h"

static double bench_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_model SCENARIO REPS [path=value ...]\n");
        return 2;
    }
    int reps = atoi(argv[2]);
    diag *d = diag_create();
    scenario *s = scen_load(argv[1], (const char *const *)argv + 3, (size_t)(argc - 3), d);
    if (!s) {
        diag_print(d, stderr);
        diag_destroy(d);
        return 2;
    }
    diag_destroy(d);
    metrics m;
    model_ws *w = model_ws_create(s);
    if (!w || metrics_init(&m, s->n_priorities)) return 1;
    double *row = malloc(m.n * sizeof *row);
    rep_result r = {0};
    size_t calls = 0;
    uint64_t events = 0;
    double t_model = 0, t_metrics = 0;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = bench_cpu_s();
        if (model_run_rep(w, (uint32_t)rep, &r)) return 1;
        double t1 = bench_cpu_s();
        if (metrics_compute(&m, s, &r, row)) return 1;
        t_model += t1 - t0;
        t_metrics += bench_cpu_s() - t1;
        calls += r.n_calls;
        events += r.events;
    }
    printf("%zu calls, %llu events in %d replications: model %.3f CPU s (%.0f calls/s, %.3g "
           "events/s), figures %.3f CPU s; calls per CPU second, both: %.0f\n",
           calls, (unsigned long long)events, reps, t_model, (double)calls / t_model,
           (double)events / t_model, t_metrics, (double)calls / (t_model + t_metrics));
    rep_result_fini(&r);
    free(row);
    metrics_fini(&m);
    model_ws_destroy(w);
    scen_destroy(s);
    return 0;
}
