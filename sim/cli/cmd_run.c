/* cmd_run.c - "patrolsim run": Monte Carlo replications of a scenario.
 *
 * The flow of a run: load and check the scenario once (immutable from then on),
 * open the results file under a temporary name, run the replications on worker
 * threads (runner.c), append each one to the file as soon as it and all
 * before it are done (so the file never depends on the thread count and a
 * killed run keeps its finished replications), then commit the file and print
 * the summary table.
 *
 * -r and -s are scenario overrides (run.replications, run.seed), so they are
 * recorded with the others in the results file; -j is not, since the thread
 * count never changes a result.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "metrics.h"
#include "model.h"
#include "report.h"
#include "results.h"
#include "runner.h"
#include "scenario.h"

static volatile sig_atomic_t run_stop;

static void run_on_signal(int sig)
{
    (void)sig;
    run_stop = 1;
}

/* What one replication hands to the writer. */
typedef struct run_item {
    rep_result r;
    double row[]; /* the metrics row */
} run_item;

typedef struct run_ctx {
    const scenario *s;
    const metrics *m;
    results_writer *out;
    double *rows;          /* [replications x m->n], kept for the final table */
    size_t n_rows;
    int show_progress;
    struct timespec t0;
    uint64_t events;
    size_t calls;
} run_ctx;

static double run_elapsed_s(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + 1e-9 * (double)(t.tv_nsec - t0->tv_nsec);
}

static void *run_worker_init(void *ctx)
{
    return model_ws_create(((run_ctx *)ctx)->s);
}

static void run_worker_fini(void *ctx, void *state)
{
    (void)ctx;
    model_ws_destroy(state);
}

static void run_item_free(void *ctx, void *p)
{
    (void)ctx;
    run_item *it = p;
    if (!it) return;
    rep_result_fini(&it->r);
    free(it);
}

static void *run_rep(void *ctx, void *state, uint32_t rep)
{
    run_ctx *c = ctx;
    run_item *it = calloc(1, sizeof *it + c->m->n * sizeof(double));
    if (!it) return NULL;
    if (model_run_rep(state, rep, &it->r) || metrics_compute(c->m, c->s, &it->r, it->row)) {
        run_item_free(ctx, it);
        return NULL;
    }
    return it;
}

static int run_deliver(void *ctx, uint32_t rep, void *p)
{
    run_ctx *c = ctx;
    run_item *it = p;
    int rc = results_append_rep(c->out, &it->r, it->row);
    if (rc) fprintf(stderr, "patrolsim: replication %u: %s\n", rep, results_error(c->out));
    memcpy(&c->rows[c->n_rows++ * c->m->n], it->row, c->m->n * sizeof(double));
    c->events += it->r.events;
    c->calls += it->r.n_calls;
    run_item_free(ctx, it);
    return rc;
}

static void run_progress(void *ctx, uint32_t done, uint32_t total)
{
    run_ctx *c = ctx;
    if (!c->show_progress) return;
    double el = run_elapsed_s(&c->t0);
    double eta = done ? el * (double)(total - done) / (double)done : 0;
    fprintf(stderr, "\rreplication %u/%u  %3.0f%%  %.1f s elapsed, ~%.0f s left   ", done, total,
            100.0 * done / total, el, eta);
    if (done == total) fputc('\n', stderr);
}

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim run SCENARIO [options]\n"
            "  -o, --output FILE.h5   results file (default: results/<scenario name>.h5)\n"
            "  -r, --reps N           replications (overrides run.replications)\n"
            "  -s, --seed N           master seed (overrides run.seed)\n"
            "  -j, --threads N        worker threads (default: run.threads, 0 = all cores)\n"
            "      --set path=value   override a scenario setting (repeatable)\n"
            "  -q, --quiet            no progress line and no table\n"
            "Writes OUT.tmp while running and renames it to OUT when every replication is\n"
            "done. Ctrl-C stops after the replications in progress; those finished are kept\n"
            "in OUT.tmp.\n");
}

/* Creates the parent directory of a default output path (results/). */
static int run_make_parent(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) return 0;
    *slash = 0;
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) return 0;
    fprintf(stderr, "patrolsim: cannot create directory '%s': %s\n", dir, strerror(errno));
    return -1;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"reps", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},   {"threads", required_argument, NULL, 'j'},
        {"set", required_argument, NULL, 'S'},    {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {0}};
    args_sets sets = {0};
    const char *out_path = NULL;
    char reps_kv[64], seed_kv[64], default_out[4096];
    int threads = -1, quiet = 0, c, rc = 2;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:r:s:j:qh", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'o': out_path = optarg; break;
        case 'r':
            snprintf(reps_kv, sizeof reps_kv, "run.replications=%s", optarg);
            if (args_sets_add(&sets, reps_kv)) goto oom;
            break;
        case 's':
            snprintf(seed_kv, sizeof seed_kv, "run.seed=%s", optarg);
            if (args_sets_add(&sets, seed_kv)) goto oom;
            break;
        case 'j':
            threads = (int)strtol(optarg, &end, 10);
            if (*end || threads < 0 || threads > 1024) {
                fprintf(stderr, "patrolsim: -j: expected a thread count 0..1024 (got '%s')\n",
                        optarg);
                goto out;
            }
            break;
        case 'S':
            if (args_sets_add(&sets, optarg)) goto oom;
            break;
        case 'q': quiet = 1; break;
        case 'h': run_usage(stdout); rc = 0; goto out;
        default: run_usage(stderr); goto out;
        }
    }
    if (optind != argc - 1) {
        run_usage(stderr);
        goto out;
    }

    diag *d = diag_create();
    if (!d) goto oom;
    scenario *s = scen_load(argv[optind], sets.kv, sets.n, d);
    if (!s) {
        diag_print(d, stderr);
        fprintf(stderr, "patrolsim: %zu error%s in %s\n", diag_count(d),
                diag_count(d) == 1 ? "" : "s", argv[optind]);
        diag_destroy(d);
        goto out;
    }
    diag_destroy(d);
    if (!out_path) {
        snprintf(default_out, sizeof default_out, "results/%s.h5", s->name);
        out_path = default_out;
        if (run_make_parent(out_path)) {
            scen_destroy(s);
            rc = 1;
            goto out;
        }
    }
    if (threads < 0) threads = s->threads;
    if (threads == 0) threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) threads = 1;

    metrics m;
    if (metrics_init(&m, s->n_priorities)) {
        scen_destroy(s);
        goto oom;
    }
    char err[512];
    run_ctx ctx = {.s = s, .m = &m, .show_progress = !quiet && isatty(STDERR_FILENO)};
    ctx.rows = calloc((size_t)s->replications * m.n, sizeof *ctx.rows);
    results_meta meta = {PATROLSIM_VERSION, PATROLSIM_GIT_REV, cli_command_line};
    ctx.out = ctx.rows ? results_create(out_path, s, &m, &meta, err, sizeof err) : NULL;
    if (!ctx.out) {
        fprintf(stderr, "patrolsim: %s\n", ctx.rows ? err : "out of memory");
        free(ctx.rows);
        metrics_fini(&m);
        scen_destroy(s);
        rc = 1;
        goto out;
    }

    struct sigaction sa = {.sa_handler = run_on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    run_stop = 0;

    if (!quiet) {
        printf("patrolsim: %s: %d replications of %.1f days (%.1f warm-up), seed %llu, "
               "%d thread%s\n\n",
               s->name, s->replications, s->horizon_s / 86400.0, s->warmup_s / 86400.0,
               (unsigned long long)s->seed, threads, threads == 1 ? "" : "s");
        fflush(stdout);
    }
    clock_gettime(CLOCK_MONOTONIC, &ctx.t0);
    runner_job job = {
        .threads = threads, .first_rep = 0, .n_reps = (uint32_t)s->replications, .ctx = &ctx,
        .worker_init = run_worker_init, .worker_fini = run_worker_fini, .run_rep = run_rep,
        .deliver = run_deliver, .result_free = run_item_free, .progress = run_progress,
        .stop = &run_stop,
    };
    int failed = 0;
    long done = runner_run(&job, &failed);
    double wall = run_elapsed_s(&ctx.t0);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);

    if (done == s->replications && !failed) {
        if (results_commit(ctx.out, err, sizeof err)) {
            fprintf(stderr, "patrolsim: %s\n", err);
            rc = 1;
        } else {
            rc = 0;
            if (!quiet) {
                report_print_table(stdout, s->name, s->seed, &m, ctx.rows, ctx.n_rows);
                printf("\n%zu calls in %ld replications (%.0f per replication), %llu events, "
                       "%.2f s wall time on %d thread%s (%.0f events/s)\nresults: %s\n",
                       ctx.calls, done, (double)ctx.calls / (double)done,
                       (unsigned long long)ctx.events, wall, threads, threads == 1 ? "" : "s",
                       (double)ctx.events / wall, out_path);
            }
        }
    } else {
        results_abort(ctx.out);
        if (ctx.show_progress) fputc('\n', stderr);
        fprintf(stderr,
                "patrolsim: %s after %ld of %d replications; the finished ones are kept in "
                "%s.tmp\n",
                run_stop ? "stopped" : "failed", done < 0 ? 0 : done, s->replications, out_path);
        rc = run_stop && !failed ? 130 : 1;
    }
    free(ctx.rows);
    metrics_fini(&m);
    scen_destroy(s);
out:
    args_sets_fini(&sets);
    return rc;
oom:
    fprintf(stderr, "patrolsim: out of memory\n");
    args_sets_fini(&sets);
    return 1;
}
