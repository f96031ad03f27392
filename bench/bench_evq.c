/* bench_evq.c - the bare engine's speed: the hold model on the event queue (sim/evq.c).
 *
 * The classic measure of a pending-event set (Vaucher and Duval 1975; Jones 1986): keep n
 * events pending and repeat "pop the earliest, push one new event at its time plus a random
 * increment". One pop plus one push is one event. The increments are exponential (mean 1),
 * drawn beforehand into a table so that the figure is the queue's cost, not the random
 * number generator's; with random priorities, so the (time, priority, sequence) order is
 * exercised too.
 *
 * For n = 10^2 .. 10^6 it prints events per second (best of three timed rounds), nanoseconds
 * per event (CPU time of the thread), and proves there is no allocation per event two ways: the
 * queue's capacity (evq_capacity) is the same before and after the timed rounds, and a counter
 * behind malloc, calloc and realloc (the linker's --wrap, see bench/engine.cmake) does not move
 * during them. Figures are printed, never judged: the machines are shared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>

#include "evq.h"

/* ---- allocation counter (the linker routes malloc, calloc, realloc here) --------------- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static size_t bench_allocs; /* the one global: the wrappers have no context to carry it */

void *__wrap_malloc(size_t n)
{
    bench_allocs++;
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
    bench_allocs++;
    return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
    bench_allocs++;
    return __real_realloc(p, n);
}

/* ---- the hold model ------------------------------------------------------------------ */

#define BENCH_TABLE 65536 /* a power of two: increments are taken round-robin */

/* Thread CPU time, not wall time: on a shared machine another process taking the core would
 * otherwise count against the queue (cache pollution by neighbours still shows). */
static double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* splitmix64, for the table only. */
static uint64_t bench_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ops hold operations; returns a checksum so the compiler cannot drop the work. */
static double bench_hold(evq *q, const double *inc, const int32_t *prio, size_t ops, size_t *k)
{
    evq_event e;
    double sum = 0;
    size_t i = *k;
    for (size_t op = 0; op < ops; op++) {
        evq_pop(q, &e);
        sum += e.t_s;
        size_t j = i++ & (BENCH_TABLE - 1);
        evq_push(q, e.t_s + inc[j], prio[j], e.kind, e.who, e.arg + 1);
    }
    *k = i;
    return sum;
}

int main(void)
{
    static double inc[BENCH_TABLE];
    static int32_t prio[BENCH_TABLE];
    uint64_t s = 2385;
    for (size_t i = 0; i < BENCH_TABLE; i++) {
        double u = ((double)(bench_next(&s) >> 11) + 0.5) * 0x1.0p-53;
        inc[i] = -log(u);
        prio[i] = (int32_t)(bench_next(&s) % 3);
    }

    printf("engine: hold model on sim/evq.c (4-ary heap of 40-byte records); one event = one "
           "pop + one push\n");
    printf("%10s %14s %10s %12s %14s %10s\n", "pending", "events/s", "ns/event", "capacity",
           "allocations", "checksum");
    double check = 0;
    for (size_t n = 100; n <= 1000000; n *= 10) {
        evq *q = evq_create(0);
        if (!q) return 1;
        for (size_t i = 0; i < n; i++)
            evq_push(q, inc[i & (BENCH_TABLE - 1)] * (double)n, prio[i & (BENCH_TABLE - 1)], 1,
                     (uint32_t)i, 0);
        size_t k = n;
        /* Warm up: let the time distribution of the pending events settle (n operations
         * at least), and the caches fill. */
        check += bench_hold(q, inc, prio, n < 1000000 ? 2000000 : 4 * n, &k);
        size_t cap0 = evq_capacity(q), allocs0 = bench_allocs;
        size_t ops = 4000000;
        double best = INFINITY;
        for (int round = 0; round < 3; round++) {
            double t0 = bench_now_s();
            check += bench_hold(q, inc, prio, ops, &k);
            double dt = bench_now_s() - t0;
            if (dt < best) best = dt;
        }
        size_t cap1 = evq_capacity(q), allocs = bench_allocs - allocs0;
        printf("%10zu %14.3g %10.1f %5zu -> %-5zu %14zu %10.3g\n", n, (double)ops / best,
               1e9 * best / (double)ops, cap0, cap1, allocs, fmod(check, 1000.0));
        if (cap1 != cap0 || allocs != 0)
            printf("   (the queue allocated during the timed rounds)\n");
        evq_destroy(q);
    }
    return 0;
}
