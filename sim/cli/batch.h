/* batch.h - the replications of one scenario into one results file, on threads and MPI ranks.
 *
 * `patrolsim run` and each variant of `patrolsim sweep` are one batch: open the results file
 * (create it, or with resume continue "<out>.tmp" or extend a finished <out> of the same run),
 * run the replications not yet in it, append each to the file in replication order, commit.
 *
 * Threads and ranks. Rank 0 owns the file. It runs the replications on a runner (runner.h)
 * whose workers are of two kinds: local workers compute a replication with their own model
 * workspace; proxies, one per thread of every other rank, send the replication's index to
 * their thread on that rank and wait for its records (the call_rec and unit_rec arrays and the
 * /summary row, as bytes). The runner hands indices out as workers become free, so a slow rank
 * simply takes fewer, and it delivers results strictly in replication order, so the file is
 * byte for byte the data a single thread writes. The other ranks only serve: each of their
 * threads waits for an index, computes, replies, until rank 0 says stop.
 *
 * Collective calls. On every rank, for each scenario: batch_agree (after loading it), then
 * batch_run exactly once (rank 0 releases the others at its end whatever happened). Options
 * must be the same on every rank except threads.
 *
 * Stopping rule. With precision > 0, replications run in batches until the 95% half-width of
 * response_mean_s (absolute seconds, or relative to its mean) is at most precision, or the
 * maximum is reached. Batch sizes depend only on the figures of the replications done (first
 * 10, then what the current standard deviation says is needed, at most doubling), never on
 * threads or ranks, so the same seed stops at the same replication everywhere.
 *
 * Stop: when *stop becomes non-zero no new replication starts, those running finish and are
 * appended, and the .tmp is kept for a later resume.
 */
#ifndef PATROLSIM_BATCH_H
#define PATROLSIM_BATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cluster.h"
#include "metrics.h"
#include "scenario.h"

typedef struct batch_opts {
    int threads;                 /* worker threads on this rank (>= 1) */
    uint32_t rep_first, rep_end; /* the replications the file holds: [0, replications) unless
                                  * a shard (--rep-range) */
    bool resume;                 /* continue <out>.tmp, or extend a finished <out>, if there */
    double precision;            /* > 0: the stopping rule on response_mean_s */
    bool precision_relative;     /* precision is a fraction of the mean, not seconds */
    bool progress;               /* a progress display on stderr (rank 0) */
    const char *label;           /* its label: the scenario or variant name */
    const uint32_t *replay_reps; /* replications to record for patrolview, sorted (replay_h5.h);
                                  * they run on rank 0, so replays never cross ranks */
    size_t n_replay_reps;
    volatile sig_atomic_t *stop; /* optional */
} batch_opts;

enum batch_status {
    BATCH_DONE = 0,    /* the file is complete (committed, or found complete with resume) */
    BATCH_STOPPED = 1, /* *stop ended it early; the .tmp keeps every finished replication */
    BATCH_FAILED = 2,  /* a replication, the file or MPI failed (message in err) */
    BATCH_REFUSED = 3  /* resume found a file of another run (message in err) */
};

/* What a batch did (filled on rank 0). */
typedef struct batch_out {
    double *rows; /* every replication in the file, [n_rows * m->n]: free() */
    size_t n_rows;
    size_t resumed;         /* of those, the ones that were in the file before */
    size_t run_now;         /* the ones run by this call */
    uint64_t events;        /* events of those run now */
    size_t calls;           /* calls of those run now */
    double wall_s;          /* wall time of those run now */
    double cpu_s;           /* CPU time of this process (rank 0) meanwhile, all threads */
    double writer_cpu_s;    /* of which the thread that writes the file (the serial part) */
    bool already_complete;  /* resume found the file complete: nothing was run */
    bool precision_reached; /* the stopping rule was met */
    double half_width_s;    /* the final 95% half-width of response_mean_s (NaN if < 2) */
    int ranks;              /* ranks that computed */
    int workers;            /* threads that computed, over all ranks */
} batch_out;

/* Collective: every rank passes its scenario (NULL when it failed to load) and ok (0 when
 * something else failed here). Returns 0 when all succeeded and every rank read the same
 * scenario and input files; -1 when some rank failed (it printed why); -2 when the ranks'
 * scenarios differ (message in err: files differ between nodes?); -3 when MPI failed. */
int batch_agree(cluster *cl, const scenario *s, int ok, char *err, size_t errlen);

/* Collective: runs the batch. On rank 0 returns an enum batch_status and fills *out
 * (batch_out_fini it); on the other ranks serves rank 0 and returns BATCH_DONE or
 * BATCH_FAILED. command_line is recorded in the file. */
int batch_run(cluster *cl, const scenario *s, const metrics *m, const char *out_path,
              const batch_opts *o, const char *command_line, batch_out *out, char *err,
              size_t errlen);

void batch_out_fini(batch_out *o);

/* ---- For the commands that run batches (run, sweep) ----------------------------------- */

/* "--precision X[%|s]": X seconds, or X percent of the mean (*relative, x a fraction). 0 or
 * -1 when not a positive number. */
int batch_parse_precision(const char *arg, double *x, bool *relative);

/* The worker threads of this process: requested (-j; -1 when not given: the scenario's
 * run.threads), 0 meaning all cores, shared among the ranks on this node. 1..1024. */
int batch_threads(const cluster *cl, int requested, const scenario *s);

/* The lines after the table: calls, events, replications per second, ranks and threads,
 * replications read back, the results file. */
void batch_print_footer(FILE *out, const batch_out *b, const char *out_path, int threads_here);

/* Whether the stopping rule was met, with the half-width reached. */
void batch_print_precision(FILE *out, const batch_out *b, double precision, bool relative,
                           size_t n_max);

/* "to finish it, run the same command with --resume: <command line> --resume" (and, for a
 * run of several ranks, that mpirun is optional for the resumed run). */
void batch_print_resume_hint(FILE *out, const char *command_line, int ranks);

#endif
