/* runner.h - Monte Carlo replications on worker threads, delivered in order.
 *
 * Replications are independent: worker threads take the next replication
 * index, run it with their own state, and hand the result back. The calling
 * thread receives the results strictly in replication order (first, first+1,
 * ...) whatever thread ran them and however long each took, so whatever it
 * writes is the same for 1 thread or 16. Workers run at most `window`
 * replications ahead of the next one to deliver, which bounds memory.
 *
 * Stopping: when *stop becomes non-zero (a signal handler sets it) no new
 * replication starts; the ones running finish and are delivered, so every
 * replication that completed is kept. A failing run_rep or deliver also stops
 * the run.
 */
#ifndef PATROLSIM_RUNNER_H
#define PATROLSIM_RUNNER_H

#include <signal.h>
#include <stdint.h>

typedef struct runner_job {
    int threads;                /* worker threads (>= 1) */
    uint32_t first_rep;         /* replications first_rep .. first_rep + n_reps - 1 */
    uint32_t n_reps;
    const uint32_t *reps;       /* or, when not NULL, exactly these n_reps indices in this order */
    void *ctx;                  /* passed to every callback */

    /* Per-thread state (e.g. a model workspace): NULL from init is a failure. */
    void *(*worker_init)(void *ctx);
    void (*worker_fini)(void *ctx, void *state);
    /* Runs one replication; returns its result, or NULL on failure. */
    void *(*run_rep)(void *ctx, void *state, uint32_t rep);
    /* Receives results in order, on the calling thread; 0 to go on. It must
     * free the result (or keep it). */
    int (*deliver)(void *ctx, uint32_t rep, void *result);
    void (*result_free)(void *ctx, void *result); /* for results never delivered */
    /* Optional: called on the calling thread after each delivery. */
    void (*progress)(void *ctx, uint32_t delivered, uint32_t total);

    volatile sig_atomic_t *stop; /* optional */
} runner_job;

/* Runs the job. Returns the number of replications delivered (all of them when
 * nothing failed and nothing stopped it), or -1 when threads could not start.
 * *failed (optional) is set to 1 when a callback failed. */
long runner_run(const runner_job *job, int *failed);

#endif
