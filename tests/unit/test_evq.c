/* test_evq.c - the event queue against a reference order, FIFO ties, steady-state memory.
 *
 * The reference is a stable sort of the pushed records by (t_s, prio): stable, so equal keys
 * keep their push order, which is exactly what the sequence number promises. Times are drawn
 * from a handful of values so that most events tie on time and many on priority too; ties are
 * where a heap gets ordering wrong.
 */
#include "check.h"
#include "evq.h"

#include <stdint.h>
#include <stdlib.h>

/* A small deterministic generator, so the test needs nothing but the module under test. */
static uint64_t test_rand_next(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int test_event_cmp(const void *pa, const void *pb)
{
    const evq_event *a = pa, *b = pb;
    if (a->t_s != b->t_s) return a->t_s < b->t_s ? -1 : 1;
    if (a->prio != b->prio) return a->prio < b->prio ? -1 : 1;
    /* qsort is not stable; seq is the push order, so comparing it makes the sort stable. */
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool test_event_same(const evq_event *a, const evq_event *b)
{
    return a->t_s == b->t_s && a->prio == b->prio && a->seq == b->seq && a->kind == b->kind &&
           a->who == b->who && a->arg == b->arg;
}

/* Pushes n events with many ties, then pops them all and compares with the reference order;
 * every pop must also match what peek showed just before it. */
static void test_order_against_reference(size_t n, int distinct_times, uint64_t seed)
{
    evq *q = evq_create(0);
    evq_event *ref = malloc(n * sizeof *ref);
    CHECK(q && ref);
    if (!q || !ref) goto out;

    uint64_t x = seed;
    for (size_t i = 0; i < n; i++) {
        double t = (double)(test_rand_next(&x) % (uint64_t)distinct_times) * 0.25;
        int32_t prio = (int32_t)(test_rand_next(&x) % 3) - 1;
        uint64_t arg = test_rand_next(&x);
        CHECK_EQ(evq_push(q, t, prio, (uint32_t)(i % 7), (uint32_t)i, arg), 0);
        ref[i] = (evq_event){.t_s = t,
                             .seq = i,
                             .kind = (uint32_t)(i % 7),
                             .who = (uint32_t)i,
                             .arg = arg,
                             .prio = prio};
    }
    qsort(ref, n, sizeof *ref, test_event_cmp);

    size_t mismatches = 0, peek_mismatches = 0;
    evq_event ev;
    for (size_t i = 0; i < n; i++) {
        const evq_event *top = evq_peek(q);
        CHECK(top != NULL);
        evq_event seen = top ? *top : (evq_event){0}; /* the pointer is stale after the pop */
        CHECK(evq_pop(q, &ev));
        if (!test_event_same(&ev, &seen)) peek_mismatches++;
        if (!test_event_same(&ev, &ref[i])) mismatches++;
    }
    CHECK_EQ(mismatches, 0);
    CHECK_EQ(peek_mismatches, 0);
    CHECK_EQ(evq_size(q), 0);
    CHECK(!evq_pop(q, &ev));
out:
    free(ref);
    evq_destroy(q);
}

/* Interleaved pushes and pops: a model pushes events no earlier than the one it has just
 * popped, and the popped sequence must then be non-decreasing in (t, prio) with FIFO ties. */
static void test_order_interleaved(void)
{
    evq *q = evq_create(4);
    CHECK(q != NULL);
    if (!q) return;
    uint64_t x = 12345;
    for (int i = 0; i < 1000; i++)
        evq_push(q, (double)(test_rand_next(&x) % 50), (int32_t)(test_rand_next(&x) % 2), 0, 0, 0);

    evq_event prev = {0}, ev;
    bool first = true;
    size_t bad = 0;
    for (int i = 0; i < 200000 && evq_pop(q, &ev); i++) {
        if (!first && test_event_cmp(&prev, &ev) >= 0) bad++;
        prev = ev;
        first = false;
        if (i < 150000) {
            /* dt = 0 ties with the current time; the priority then must not be lower than the
             * current event's, or the new event would belong in the past. */
            double dt = (double)(test_rand_next(&x) % 4);
            int32_t prio = (int32_t)(test_rand_next(&x) % 2);
            if (dt == 0.0 && prio < ev.prio) prio = ev.prio;
            evq_push(q, ev.t_s + dt, prio, 0, 0, 0);
        }
    }
    CHECK_EQ(bad, 0);
    evq_destroy(q);
}

/* Equal time and priority fire in push order, whatever the queue already holds. */
static void test_fifo_for_equal_keys(void)
{
    evq *q = evq_create(0);
    CHECK(q != NULL);
    if (!q) return;
    for (uint32_t i = 0; i < 100; i++) {
        CHECK_EQ(evq_push(q, 7.5, 2, 1, i, 1000 + i), 0);
        CHECK_EQ(evq_push(q, 3.0 + i, 0, 2, i, 0), 0); /* noise with distinct times */
    }
    evq_event ev;
    uint32_t next_who = 0;
    while (evq_pop(q, &ev)) {
        if (ev.kind != 1) continue;
        CHECK_EQ(ev.who, next_who);
        CHECK_EQ(ev.arg, 1000 + next_who);
        next_who++;
    }
    CHECK_EQ(next_who, 100);

    /* Priority beats sequence at equal times; time beats priority. */
    evq_push(q, 1.0, 5, 10, 0, 0);
    evq_push(q, 1.0, -5, 11, 0, 0);
    evq_push(q, 0.5, 9, 12, 0, 0);
    CHECK(evq_pop(q, &ev) && ev.kind == 12);
    CHECK(evq_pop(q, &ev) && ev.kind == 11);
    CHECK(evq_pop(q, &ev) && ev.kind == 10);
    evq_destroy(q);
}

/* The hold model: after warm-up the queue stays at constant size, each pop followed by one
 * push. Its capacity must not change once the peak has been reached: no allocation in the
 * event loop. */
static void test_no_growth_in_steady_state(void)
{
    enum { HOLD_SIZE = 1000, HOLD_OPS = 1000000 };
    evq *q = evq_create(0);
    CHECK(q != NULL);
    if (!q) return;
    uint64_t x = 2385;
    for (int i = 0; i < HOLD_SIZE; i++)
        CHECK_EQ(evq_push(q, (double)(test_rand_next(&x) >> 11) * 0x1.0p-53, 0, 0, 0, 0), 0);
    size_t cap = evq_capacity(q);
    CHECK(cap >= HOLD_SIZE);

    evq_event ev;
    double now = 0.0;
    size_t backwards = 0;
    for (int i = 0; i < HOLD_OPS; i++) {
        CHECK(evq_pop(q, &ev));
        if (ev.t_s < now) backwards++;
        now = ev.t_s;
        double u = (double)(test_rand_next(&x) >> 11) * 0x1.0p-53;
        if (evq_push(q, now + u, (int32_t)(i & 1), 0, 0, (uint64_t)i) != 0) break;
    }
    CHECK_EQ(backwards, 0);
    CHECK_EQ(evq_size(q), HOLD_SIZE);
    CHECK_EQ(evq_capacity(q), cap);

    /* The hint pre-sizes: a queue created for the peak never grows at all. */
    evq *sized = evq_create(HOLD_SIZE);
    CHECK(sized != NULL);
    if (sized) {
        size_t cap0 = evq_capacity(sized);
        CHECK(cap0 >= HOLD_SIZE);
        for (int i = 0; i < HOLD_SIZE; i++)
            evq_push(sized, (double)i, 0, 0, 0, 0);
        CHECK_EQ(evq_capacity(sized), cap0);
    }
    evq_destroy(sized);
    evq_destroy(q);
}

/* Doubling: capacity only ever doubles, and survives pops (it never shrinks). */
static void test_growth_by_doubling(void)
{
    evq *q = evq_create(0);
    CHECK(q != NULL);
    if (!q) return;
    size_t prev = evq_capacity(q);
    for (int i = 0; i < 5000; i++) {
        CHECK_EQ(evq_push(q, (double)(5000 - i), 0, 0, 0, 0), 0);
        size_t cap = evq_capacity(q);
        if (cap != prev && prev != 0) CHECK_EQ(cap, 2 * prev);
        prev = cap;
    }
    while (evq_pop(q, NULL)) {
    }
    CHECK_EQ(evq_capacity(q), prev);
    evq_destroy(q);
}

/* Clear empties the queue, keeps its memory and restarts the sequence at 0. */
static void test_clear(void)
{
    evq *q = evq_create(0);
    CHECK(q != NULL);
    if (!q) return;
    for (int i = 0; i < 100; i++)
        evq_push(q, (double)i, 0, 0, 0, 0);
    size_t cap = evq_capacity(q);
    evq_clear(q);
    CHECK_EQ(evq_size(q), 0);
    CHECK(evq_peek(q) == NULL);
    CHECK_EQ(evq_capacity(q), cap);
    evq_event ev;
    CHECK(!evq_pop(q, &ev));

    evq_push(q, 2.0, 0, 0, 0, 0);
    evq_push(q, 1.0, 0, 0, 0, 0);
    CHECK(evq_pop(q, &ev));
    CHECK_EQ(ev.seq, 1);
    CHECK(evq_pop(q, &ev));
    CHECK_EQ(ev.seq, 0);
    evq_destroy(q);
}

/* Peek shows the next event without removing it; an empty queue peeks NULL and pops false, and
 * leaves the output untouched. */
static void test_peek_and_empty(void)
{
    evq *q = evq_create(0);
    CHECK(q != NULL);
    if (!q) return;
    CHECK(evq_peek(q) == NULL);
    evq_event ev = {.t_s = -1.0, .kind = 99};
    CHECK(!evq_pop(q, &ev));
    CHECK(ev.t_s == -1.0 && ev.kind == 99);
    CHECK(!evq_pop(q, NULL));

    evq_push(q, 4.0, 0, 4, 40, 400);
    evq_push(q, 2.0, 0, 2, 20, 200);
    evq_push(q, 3.0, 0, 3, 30, 300);
    const evq_event *top = evq_peek(q);
    CHECK(top != NULL);
    if (top) {
        CHECK(top->t_s == 2.0);
        CHECK_EQ(top->kind, 2);
        CHECK_EQ(top->who, 20);
        CHECK_EQ(top->arg, 200);
        CHECK_EQ(top->seq, 1);
    }
    CHECK_EQ(evq_size(q), 3);
    CHECK(evq_pop(q, &ev) && ev.kind == 2);
    CHECK(evq_pop(q, &ev) && ev.kind == 3);
    CHECK(evq_pop(q, &ev) && ev.kind == 4);
    CHECK(!evq_pop(q, &ev));
    CHECK(evq_peek(q) == NULL);
    evq_destroy(q);
    evq_destroy(NULL);
}

int main(void)
{
    test_order_against_reference(1, 1, 1);
    test_order_against_reference(5, 2, 2);
    test_order_against_reference(1000, 10, 3);   /* almost everything ties on time */
    test_order_against_reference(100000, 64, 4); /* deep heap, still many ties */
    test_order_against_reference(20000, 20000, 5);
    test_order_interleaved();
    test_fifo_for_equal_keys();
    test_no_growth_in_steady_state();
    test_growth_by_doubling();
    test_clear();
    test_peek_and_empty();
    return CHECK_DONE();
}
