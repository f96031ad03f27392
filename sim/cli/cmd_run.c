/* cmd_run.c - "patrolsim run": Monte Carlo replications of a scenario.
 *
 * The flow of a run: load and check the scenario once (immutable from then on), then one
 * batch (batch.c): open the results file under a temporary name (or continue it with
 * --resume), run the replications on worker threads and, under mpirun, on every rank, append
 * each to the file as soon as it and all before it are done (so the file never depends on the
 * thread or rank count and a killed run keeps its finished replications), commit the file and
 * print the summary table.
 *
 * -r and -s are scenario overrides (run.replications, run.seed), so they are recorded with the
 * others in the results file; -j is not, since the thread count never changes a result.
 * Under MPI every rank runs this function with the same arguments; rank 0 prints and writes,
 * the others serve it (batch.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "batch.h"
#include "cli.h"
#include "cluster.h"
#include "metrics.h"
#include "report.h"
#include "replay_h5.h"
#include "results.h"
#include "run_opts.h"
#include "scenario.h"
#include "trace.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim run SCENARIO [options]\n"
            "  -o, --output FILE.h5   results file (default: results/<scenario name>.h5)\n"
            "  -r, --reps N           replications (overrides run.replications; with\n"
            "                         --precision, the most that may run)\n"
            "  -s, --seed N           master seed (overrides run.seed)\n"
            "  -j, --threads N        worker threads per process (default: run.threads, 0 = all\n"
            "                         cores; under mpirun, the cores shared by the node's ranks)\n"
            "      --set path=value   override a scenario setting (repeatable)\n"
            "      --resume           continue OUT.tmp of an interrupted run (or extend a\n"
            "                         finished OUT of the same run); start afresh if neither\n"
            "      --rep-range A:B    run replications A..B-1 only, into a shard (default\n"
            "                         output results/<name>.A-B.h5); join with 'patrolsim merge'\n"
            "      --precision X[%%]   run in batches until the 95%% CI half-width of the mean\n"
            "                         response time is at most X seconds (or X%% of the mean)\n"
            "      --replay REPS      replications to record for patrolview: '0,3,7', '2-5' or\n"
            "                         'none' (default: 0)\n"
            "  -q, --quiet            no progress display and no table\n"
            "Writes OUT.tmp while running and renames it to OUT when every replication is\n"
            "done. Ctrl-C stops after the replications in progress; those finished are kept in\n"
            "OUT.tmp and 'patrolsim run ... --resume' (the same command) finishes the run.\n"
            "Under 'mpirun -np N patrolsim run ...' the replications are spread over the ranks;\n"
            "the data are the same as a one-process run's (docs/cluster.md).\n");
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

/* "A:B" with 0 <= A < B. */
static int run_parse_range(const char *arg, unsigned long *a, unsigned long *b)
{
    char *end;
    errno = 0;
    *a = strtoul(arg, &end, 10);
    if (end == arg || *end != ':' || errno || arg[0] == '-') return -1;
    const char *p = end + 1;
    *b = strtoul(p, &end, 10);
    if (end == p || *end || errno || p[0] == '-' || *b <= *a || *b > 0x7fffffffUL) return -1;
    return 0;
}

/* When replications were stopped as unstable, says why in the planner's terms:
 * the offered load against the units on duty (patrolsim check shows the same). */
static void run_explain_unstable(FILE *out, const scenario *s, const metrics *m, const double *rows,
                                 size_t n)
{
    int col = metrics_find(m, "unstable");
    size_t k = 0;
    for (size_t r = 0; col >= 0 && r < n; r++)
        k += rows[r * m->n + (size_t)col] > 0.5;
    if (!k) return;
    double work, cap;
    double load = scen_offered_load(s, &work, &cap, NULL);
    fprintf(out,
            "Diagnosis: offered load %.2f of capacity (%.0f unit-hours of work a day against "
            "%.0f on duty)%s. Add units or shifts, or lower the call rate; the limits are "
            "run.max_queue (%d calls) and run.max_wait_hours (%.0f h).\n",
            load, work / 3600, cap / 3600,
            load >= 1 ? ": more work arrives than the units can do"
                      : ": enough on average, but not at the busiest hours",
            s->max_queue, s->max_wait_s / 3600);
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {RUN_OPTS_LONG,
                                         {"rep-range", required_argument, NULL, 'G'},
                                         {"replay", required_argument, NULL, 'Y'},
                                         {0}};
    uint32_t rep0 = 0, *replay_reps = NULL; /* --replay; replication 0 when not given */
    size_t n_replay_reps = 1;
    char err[2048];
    cluster *cl = cluster_start(&argc, &argv, err, sizeof err);
    if (!cl) {
        fprintf(stderr, "patrolsim: %s\n", err);
        return 1;
    }
    bool lead = cluster_rank(cl) == 0;
    FILE *say = lead ? stderr : NULL; /* only rank 0 speaks about usage */

    run_opts o = {.threads = -1};
    char default_out[4096];
    int c, rc = 2;
    bool ranged = false;
    unsigned long ra = 0, rb = 0;
    optind = 1;
    opterr = lead;
    while ((c = getopt_long(argc, argv, RUN_OPTS_SHORT, opts, NULL)) != -1) {
        switch (c) {
        case 'Y':
            free(replay_reps);
            if (replay_reps_parse(optarg, &replay_reps, &n_replay_reps, err, sizeof err)) {
                if (say) fprintf(say, "patrolsim: %s\n", err);
                goto out;
            }
            break;
        case 'G':
            if (run_parse_range(optarg, &ra, &rb)) {
                if (say)
                    fprintf(say,
                            "patrolsim: --rep-range: expected A:B with 0 <= A < B (got "
                            "'%s')\n",
                            optarg);
                goto out;
            }
            ranged = true;
            break;
        case 'h':
            if (lead) run_usage(stdout);
            rc = 0;
            goto out;
        default: {
            int took = run_opts_take(&o, c, optarg, say, "patrolsim");
            if (took == -2) goto oom;
            if (took == 1 && say) run_usage(say);
            if (took) goto out;
        }
        }
    }
    const char *out_path = o.output;
    int threads = o.threads, quiet = o.quiet;
    double precision = o.precision;
    bool relative = o.relative;
    if (optind != argc - 1) {
        if (say) run_usage(say);
        goto out;
    }
    if (ranged && precision > 0) {
        if (say)
            fprintf(say, "patrolsim: --precision decides how many replications run; a shard "
                         "(--rep-range) has a fixed set: use one or the other\n");
        goto out;
    }

    diag *d = diag_create();
    if (!d) goto oom;
    scenario *s = scen_load(argv[optind], o.sets.kv, o.sets.n, d);
    if (!s && lead) {
        diag_print(d, stderr);
        fprintf(stderr, "patrolsim: %zu error%s in %s\n", diag_count(d),
                diag_count(d) == 1 ? "" : "s", argv[optind]);
    } else if (!s) {
        fprintf(stderr, "patrolsim: rank %d: cannot load %s (%zu errors)\n", cluster_rank(cl),
                argv[optind], diag_count(d));
    }
    diag_destroy(d);

    /* What only rank 0 checks, agreed with the others before anyone goes on. */
    int ok = 1;
    if (s && ranged && rb > (unsigned long)s->replications) {
        if (say)
            fprintf(say,
                    "patrolsim: --rep-range %lu:%lu: the run has %d replications "
                    "(0:%d)\n",
                    ra, rb, s->replications, s->replications);
        ok = 0;
    }
    if (s && ok && !out_path) {
        if (ranged)
            snprintf(default_out, sizeof default_out, "results/%s.%lu-%lu.h5", s->name, ra, rb);
        else
            snprintf(default_out, sizeof default_out, "results/%s.h5", s->name);
        out_path = default_out;
        if (lead && run_make_parent(out_path)) ok = 0;
    }
    int agreed = batch_agree(cl, s, ok, err, sizeof err);
    if (agreed) {
        if (lead && err[0]) fprintf(stderr, "patrolsim: %s\n", err);
        rc = agreed == -1 && !s ? 2 : agreed == -3 ? 1 : 2;
        scen_destroy(s);
        goto out;
    }
    threads = batch_threads(cl, threads, s);

    metrics m;
    if (metrics_init(&m, s->n_priorities)) {
        scen_destroy(s);
        goto oom;
    }

    struct sigaction old_sig[2];
    volatile sig_atomic_t *stop = run_opts_catch(old_sig);

    if (lead && !quiet) {
        printf("patrolsim: %s: %d replications of %.1f days (%.1f warm-up), seed %llu, ", s->name,
               s->replications, s->horizon_s / 86400.0, s->warmup_s / 86400.0,
               (unsigned long long)s->seed);
        if (cluster_size(cl) > 1)
            printf("%d ranks x %d thread%s here", cluster_size(cl), threads,
                   threads == 1 ? "" : "s");
        else
            printf("%d thread%s", threads, threads == 1 ? "" : "s");
        if (ranged) printf(", replications %lu..%lu only", ra, rb - 1);
        if (precision > 0)
            printf(", until the 95%% CI of the mean response is within %g%s",
                   relative ? 100 * precision : precision, relative ? "%" : " s");
        /* A trace-driven run faces the same calls in every replication: say so, since
         * its CIs then cover only what the history leaves to chance. */
        if (s->trace)
            printf("\n  replaying the %zu calls of %s (the same in every replication; on-scene "
                   "times not given, handling and reports drawn)",
                   s->trace->n_calls, s->trace->path);
        printf("\n\n");
        fflush(stdout);
    }
    batch_opts bo = {
        .threads = threads,
        .rep_first = ranged ? (uint32_t)ra : 0,
        .rep_end = ranged ? (uint32_t)rb : (uint32_t)s->replications,
        .resume = o.resume,
        .precision = precision,
        .precision_relative = relative,
        .progress = lead && !quiet,
        .label = s->name,
        .stop = stop,
        .replay_reps = replay_reps ? replay_reps : &rep0,
        .n_replay_reps = n_replay_reps,
    };
    batch_out b;
    int st = batch_run(cl, s, &m, out_path, &bo, cli_command_line, &b, err, sizeof err);
    run_opts_release(old_sig);

    if (!lead) {
        if (st) fprintf(stderr, "patrolsim: %s\n", err);
        rc = st ? 1 : 0;
    } else if (st == BATCH_DONE) {
        rc = 0;
        if (!quiet) {
            report_info info = {
                .scenario = s->name, .seed = s->seed, .replications_planned = b.n_rows};
            report_print(stdout, &info, &m, b.rows, b.n_rows);
            run_explain_unstable(stdout, s, &m, b.rows, b.n_rows);
            if (precision > 0) {
                putchar('\n');
                batch_print_precision(stdout, &b, precision, relative, bo.rep_end - bo.rep_first);
            }
            batch_print_footer(stdout, &b, out_path, threads);
        }
    } else if (st == BATCH_STOPPED) {
        fprintf(stderr,
                "patrolsim: stopped after %zu of %u replications; they are kept in "
                "%s.tmp\n",
                b.n_rows, bo.rep_end - bo.rep_first, out_path);
        batch_print_resume_hint(stderr, cli_command_line, cluster_size(cl));
        rc = 130;
    } else {
        fprintf(stderr, "patrolsim: %s\n", err);
        if (st == BATCH_FAILED && b.n_rows > b.resumed)
            fprintf(stderr,
                    "patrolsim: failed after %zu replications; they are kept in "
                    "%s.tmp\n",
                    b.n_rows, out_path);
        rc = st == BATCH_REFUSED ? 2 : 1;
    }
    batch_out_fini(&b);
    metrics_fini(&m);
    scen_destroy(s);
out:
    args_sets_fini(&o.sets);
    free(replay_reps);
    cluster_stop(cl);
    return rc;
oom:
    fprintf(stderr, "patrolsim: out of memory\n");
    rc = 1;
    goto out;
}
