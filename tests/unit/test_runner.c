/* test_runner.c - the threaded runner: order of delivery, stopping, failures, memory bound.
 *
 * Replications here are tiny fake jobs that sleep a pseudo-random while (so threads finish out
 * of order) and return a heap result that records its replication; a counter of live results
 * checks that every result is delivered or freed exactly once, and how many wait at most.
 */
#include "check.h"
#include "runner.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

typedef struct fake {
    pthread_mutex_t mu;
    uint32_t delivered[256];
    size_t n_delivered;
    int live, max_live; /* results allocated and not yet delivered or freed */
    int inits, finis;
    uint32_t fail_rep;      /* run_rep returns NULL for this one (UINT32_MAX: none) */
    size_t fail_deliver_at; /* deliver fails on the k-th delivery (SIZE_MAX: never) */
    size_t stop_after;      /* set *stop after this many deliveries (SIZE_MAX: never) */
    int fail_init;          /* worker_init fails */
    volatile sig_atomic_t stop;
    size_t progress_calls, last_progress;
} fake;

typedef struct fake_result {
    uint32_t rep;
    uint32_t square;
} fake_result;

static void *fake_init(void *ctx)
{
    fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    f->inits++;
    pthread_mutex_unlock(&f->mu);
    if (f->fail_init) return NULL;
    return malloc(1);
}

static void fake_fini(void *ctx, void *state)
{
    fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    f->finis++;
    pthread_mutex_unlock(&f->mu);
    free(state);
}

static void *fake_rep(void *ctx, void *state, uint32_t rep)
{
    fake *f = ctx;
    (void)state;
    /* 0 to 3 ms, varying by replication: later ones often finish first. */
    struct timespec t = {0, (long)((rep * 7919u) % 4u) * 1000000L};
    nanosleep(&t, NULL);
    if (rep == f->fail_rep) return NULL;
    fake_result *r = malloc(sizeof *r);
    if (!r) return NULL;
    r->rep = rep;
    r->square = rep * rep;
    pthread_mutex_lock(&f->mu);
    if (++f->live > f->max_live) f->max_live = f->live;
    pthread_mutex_unlock(&f->mu);
    return r;
}

static int fake_deliver(void *ctx, uint32_t rep, void *p)
{
    fake *f = ctx;
    fake_result *r = p;
    int ok = r->rep == rep && r->square == rep * rep;
    pthread_mutex_lock(&f->mu);
    f->live--;
    pthread_mutex_unlock(&f->mu);
    free(r);
    if (!ok) return -1;
    if (f->n_delivered == f->fail_deliver_at) return -1;
    if (f->n_delivered < 256) f->delivered[f->n_delivered] = rep;
    f->n_delivered++;
    if (f->n_delivered >= f->stop_after) f->stop = 1;
    return 0;
}

static void fake_free(void *ctx, void *p)
{
    fake *f = ctx;
    pthread_mutex_lock(&f->mu);
    f->live--;
    pthread_mutex_unlock(&f->mu);
    free(p);
}

static void fake_progress(void *ctx, uint32_t done, uint32_t total)
{
    fake *f = ctx;
    (void)total;
    f->progress_calls++;
    f->last_progress = done;
}

static void fake_setup(fake *f)
{
    *f = (fake){.fail_rep = UINT32_MAX, .fail_deliver_at = SIZE_MAX, .stop_after = SIZE_MAX};
    pthread_mutex_init(&f->mu, NULL);
}

static runner_job fake_job(fake *f, int threads, uint32_t first, uint32_t n)
{
    return (runner_job){.threads = threads,
                        .first_rep = first,
                        .n_reps = n,
                        .ctx = f,
                        .worker_init = fake_init,
                        .worker_fini = fake_fini,
                        .run_rep = fake_rep,
                        .deliver = fake_deliver,
                        .result_free = fake_free,
                        .progress = fake_progress,
                        .stop = &f->stop};
}

/* Every replication, in order, whatever the thread count; memory stays within the window. */
static void test_order(void)
{
    const int threads[] = {1, 2, 3, 8};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        fake f;
        fake_setup(&f);
        runner_job job = fake_job(&f, threads[t], 10, 60);
        int failed = -1;
        long n = runner_run(&job, &failed);
        CHECK_EQ(n, 60);
        CHECK_EQ(failed, 0);
        CHECK_EQ(f.n_delivered, 60);
        size_t out_of_order = 0;
        for (size_t i = 0; i < f.n_delivered && i < 60; i++)
            out_of_order += f.delivered[i] != 10 + i;
        CHECK_EQ(out_of_order, 0);
        CHECK_EQ(f.live, 0);
        CHECK(f.max_live <= 4 * threads[t] + 1);
        CHECK_EQ(f.inits, threads[t]);
        CHECK_EQ(f.finis, f.inits);
        CHECK_EQ(f.progress_calls, 60);
        CHECK_EQ(f.last_progress, 60);
        pthread_mutex_destroy(&f.mu);
    }
}

/* An explicit list is delivered in the list's order; more threads than replications is fine;
 * no replication at all delivers nothing. */
static void test_list_and_edges(void)
{
    fake f;
    fake_setup(&f);
    const uint32_t reps[] = {9, 2, 7, 3};
    runner_job job = fake_job(&f, 6, 0, 4);
    job.reps = reps;
    CHECK_EQ(runner_run(&job, NULL), 4);
    for (size_t i = 0; i < 4; i++)
        CHECK_EQ(f.delivered[i], reps[i]);
    CHECK(f.inits <= 4);
    CHECK_EQ(f.live, 0);
    pthread_mutex_destroy(&f.mu);

    fake g;
    fake_setup(&g);
    runner_job none = fake_job(&g, 2, 0, 0);
    int failed = -1;
    CHECK_EQ(runner_run(&none, &failed), 0);
    CHECK_EQ(failed, 0);
    CHECK_EQ(g.n_delivered, 0);
    pthread_mutex_destroy(&g.mu);
}

/* Stopping: the replications running finish and are delivered, nothing new starts, the
 * undelivered results are freed, and a stop is not a failure. */
static void test_stop(void)
{
    fake f;
    fake_setup(&f);
    f.stop_after = 5;
    runner_job job = fake_job(&f, 3, 0, 100);
    int failed = -1;
    long n = runner_run(&job, &failed);
    CHECK(n >= 5 && n < 100);
    CHECK_EQ(failed, 0);
    CHECK_EQ((long)f.n_delivered, n);
    for (long i = 0; i < n && i < 256; i++)
        CHECK_EQ(f.delivered[i], (uint32_t)i);
    CHECK_EQ(f.live, 0);
    CHECK_EQ(f.finis, f.inits);
    pthread_mutex_destroy(&f.mu);

    /* Stopped before it starts: nothing delivered. */
    fake g;
    fake_setup(&g);
    g.stop = 1;
    runner_job j2 = fake_job(&g, 2, 0, 10);
    CHECK_EQ(runner_run(&j2, &failed), 0);
    CHECK_EQ(failed, 0);
    CHECK_EQ(g.live, 0);
    pthread_mutex_destroy(&g.mu);
}

/* Failures: a replication that fails stops the run after the ones before it; so does a
 * delivery that fails, and a worker that cannot start. */
static void test_failures(void)
{
    fake f;
    fake_setup(&f);
    f.fail_rep = 7;
    runner_job job = fake_job(&f, 4, 0, 40);
    int failed = 0;
    CHECK_EQ(runner_run(&job, &failed), 7);
    CHECK_EQ(failed, 1);
    CHECK_EQ(f.live, 0);
    pthread_mutex_destroy(&f.mu);

    fake g;
    fake_setup(&g);
    g.fail_deliver_at = 3;
    runner_job j2 = fake_job(&g, 2, 0, 40);
    CHECK_EQ(runner_run(&j2, &failed), 3);
    CHECK_EQ(failed, 1);
    CHECK_EQ(g.live, 0);
    pthread_mutex_destroy(&g.mu);

    fake h;
    fake_setup(&h);
    h.fail_init = 1;
    runner_job j3 = fake_job(&h, 2, 0, 10);
    CHECK_EQ(runner_run(&j3, &failed), 0);
    CHECK_EQ(failed, 1);
    CHECK_EQ(h.live, 0);
    pthread_mutex_destroy(&h.mu);
}

int main(void)
{
    test_order();
    test_list_and_edges();
    test_stop();
    test_failures();
    return CHECK_DONE();
}
