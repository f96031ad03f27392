/* runner.c - a pool of threads over replication indices. See runner.h.
 *
 * One mutex guards everything shared: the next index to hand out, the slots of
 * finished results and the delivery position. Replications take milliseconds
 * to seconds, so one lock is never contended enough to matter, and it keeps
 * the ordering argument simple.
 */
#include "runner.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct runner_state {
    const runner_job *job;
    pthread_mutex_t mu;
    pthread_cond_t ready;    /* a result was stored, or a worker finished */
    pthread_cond_t room;     /* delivery moved on: workers may run further ahead */
    uint32_t next;           /* next position (0-based) to hand out */
    uint32_t delivered;      /* positions delivered so far */
    uint32_t window;         /* how far ahead of delivery workers may run */
    void **slot;             /* [n_reps] finished results, NULL until done */
    unsigned char *done;     /* [n_reps] finished (result may be NULL on failure) */
    int failed;
    int workers_left;
} runner_state;

static uint32_t runner_rep_at(const runner_job *job, uint32_t pos)
{
    return job->reps ? job->reps[pos] : job->first_rep + pos;
}

static int runner_should_stop(const runner_state *st)
{
    return st->failed || (st->job->stop && *st->job->stop);
}

static void *runner_worker(void *arg)
{
    runner_state *st = arg;
    const runner_job *job = st->job;
    void *state = job->worker_init ? job->worker_init(job->ctx) : NULL;
    pthread_mutex_lock(&st->mu);
    if (job->worker_init && !state) st->failed = 1;
    for (;;) {
        while (!runner_should_stop(st) && st->next < job->n_reps &&
               st->next >= st->delivered + st->window)
            pthread_cond_wait(&st->room, &st->mu);
        if (runner_should_stop(st) || st->next >= job->n_reps) break;
        uint32_t pos = st->next++;
        pthread_mutex_unlock(&st->mu);
        void *res = job->run_rep(job->ctx, state, runner_rep_at(job, pos));
        pthread_mutex_lock(&st->mu);
        st->slot[pos] = res;
        st->done[pos] = 1;
        if (!res) st->failed = 1;
        pthread_cond_broadcast(&st->ready);
    }
    st->workers_left--;
    pthread_cond_broadcast(&st->ready);
    pthread_mutex_unlock(&st->mu);
    if (job->worker_fini) job->worker_fini(job->ctx, state);
    return NULL;
}

long runner_run(const runner_job *job, int *failed)
{
    if (failed) *failed = 0;
    int nt = job->threads < 1 ? 1 : job->threads;
    if ((uint32_t)nt > job->n_reps && job->n_reps > 0) nt = (int)job->n_reps;
    runner_state st = {.job = job, .window = (uint32_t)(4 * nt)};
    st.slot = calloc(job->n_reps ? job->n_reps : 1, sizeof *st.slot);
    st.done = calloc(job->n_reps ? job->n_reps : 1, 1);
    pthread_t *tid = calloc((size_t)nt, sizeof *tid);
    if (!st.slot || !st.done || !tid) {
        free(st.slot);
        free(st.done);
        free(tid);
        return -1;
    }
    pthread_mutex_init(&st.mu, NULL);
    pthread_cond_init(&st.ready, NULL);
    pthread_cond_init(&st.room, NULL);

    int started = 0;
    pthread_mutex_lock(&st.mu);
    for (; started < nt && job->n_reps > 0; started++) {
        if (pthread_create(&tid[started], NULL, runner_worker, &st)) break;
        st.workers_left++;
    }
    if (started == 0 && job->n_reps > 0) st.failed = 1;

    /* Deliver in order until everything is delivered or nothing more can come. */
    while (st.delivered < job->n_reps) {
        uint32_t pos = st.delivered;
        while (!st.done[pos] && st.workers_left > 0) pthread_cond_wait(&st.ready, &st.mu);
        if (!st.done[pos] || !st.slot[pos]) break; /* stopped, or that replication failed */
        void *res = st.slot[pos];
        st.slot[pos] = NULL;
        pthread_mutex_unlock(&st.mu);
        int rc = job->deliver(job->ctx, runner_rep_at(job, pos), res);
        if (rc == 0 && job->progress) job->progress(job->ctx, pos + 1, job->n_reps);
        pthread_mutex_lock(&st.mu);
        if (rc) {
            st.failed = 1;
            pthread_cond_broadcast(&st.room);
            break;
        }
        st.delivered++;
        pthread_cond_broadcast(&st.room);
    }
    /* Wake anyone waiting for room and let them see the end. */
    if (st.delivered < job->n_reps) st.failed |= !(job->stop && *job->stop) ? 1 : 0;
    int was_failed = st.failed;
    st.failed = 1;
    pthread_cond_broadcast(&st.room);
    pthread_mutex_unlock(&st.mu);
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);

    for (uint32_t i = 0; i < job->n_reps; i++)
        if (st.slot[i] && job->result_free) job->result_free(job->ctx, st.slot[i]);
    pthread_mutex_destroy(&st.mu);
    pthread_cond_destroy(&st.ready);
    pthread_cond_destroy(&st.room);
    free(st.slot);
    free(st.done);
    free(tid);
    if (failed) *failed = was_failed;
    return (long)st.delivered;
}
