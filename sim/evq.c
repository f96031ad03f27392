/* evq.c - the pending-event set: a 4-ary min-heap of whole event records. See evq.h.
 *
 * Why 4-ary: a pop sifts the hole down through log4(n) levels instead of log2(n), and the four
 * children of a node are adjacent (4 * 40 bytes, about two and a half cache lines), so the
 * extra comparisons per level cost far less than the cache misses a binary heap pays for its
 * deeper tree. Pushes get cheaper too (fewer levels to climb). For the few thousand pending
 * events of a city-sized run this is the usual sweet spot; pairing or calendar queues win only
 * at sizes we do not reach.
 *
 * Why whole records rather than indices or pointers: an event is 40 bytes and carries no
 * pointers, so moving it is a few stores, and the heap array is the only memory the queue owns.
 * There is nothing to free per event and no pool to manage.
 *
 * Layout: node i has children 4i+1 .. 4i+4 and parent (i-1)/4. Both sifts move a "hole" rather
 * than swapping, so each level costs one record copy instead of three.
 */
#include "evq.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

/* The first allocation when the caller gave no hint; small enough to be free, large enough that
 * a toy model does not regrow four times before its first event fires. */
#define EVQ_MIN_CAPACITY 16

struct evq {
    evq_event *heap; /* heap[0..n) in 4-ary heap order; heap[0] fires next */
    size_t n;        /* events pending */
    size_t cap;      /* slots allocated in heap */
    uint64_t seq;    /* the sequence number the next push stamps */
};

/* The total order of events: time, then priority, then insertion. Since seq is unique within a
 * queue, no two pending events compare equal, which is what makes the pop order independent of
 * the heap's shape. */
static inline bool evq_event_is_before(const evq_event *a, const evq_event *b)
{
    if (a->t_s != b->t_s) return a->t_s < b->t_s;
    if (a->prio != b->prio) return a->prio < b->prio;
    return a->seq < b->seq;
}

/* Grows the array to at least `want` slots by doubling. The only place the queue allocates;
 * realloc keeps the records, so a failed grow leaves the queue intact. */
static int evq_heap_grow(evq *q, size_t want)
{
    size_t cap = q->cap ? q->cap : EVQ_MIN_CAPACITY;
    while (cap < want) {
        if (cap > SIZE_MAX / 2 / sizeof(evq_event)) return -1;
        cap *= 2;
    }
    if (cap > SIZE_MAX / sizeof(evq_event)) return -1;
    evq_event *heap = realloc(q->heap, cap * sizeof *heap);
    if (!heap) return -1;
    q->heap = heap;
    q->cap = cap;
    return 0;
}

evq *evq_create(size_t capacity_hint)
{
    evq *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    if (capacity_hint > 0 && evq_heap_grow(q, capacity_hint) != 0) goto err;
    return q;
err:
    free(q);
    return NULL;
}

void evq_destroy(evq *q)
{
    if (!q) return;
    free(q->heap);
    free(q);
}

void evq_clear(evq *q)
{
    q->n = 0;
    q->seq = 0;
}

int evq_push(evq *q, double t_s, int32_t prio, uint32_t kind, uint32_t who, uint64_t arg)
{
    /* A NaN time compares false with everything and would silently corrupt the heap order. */
    assert(!isnan(t_s));
    if (q->n == q->cap && evq_heap_grow(q, q->n + 1) != 0) return -1;

    evq_event ev = {
        .t_s = t_s, .seq = q->seq++, .kind = kind, .who = who, .arg = arg, .prio = prio};
    evq_event *h = q->heap;

    /* Sift up: move parents down into the hole until the new event's place is found. */
    size_t i = q->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!evq_event_is_before(&ev, &h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = ev;
    return 0;
}

/* out may be NULL to drop the next event (tests use it to drain a queue). */
bool evq_pop(evq *q, evq_event *out)
{
    if (q->n == 0) return false;
    evq_event *h = q->heap;
    if (out) *out = h[0];

    /* The last record fills the hole left at the root; sift the hole down to where it belongs. */
    size_t n = --q->n;
    if (n == 0) return true;
    evq_event last = h[n];
    size_t i = 0;
    for (;;) {
        size_t first = 4 * i + 1;
        if (first >= n) break;
        size_t end = first + 4 < n ? first + 4 : n;
        size_t best = first;
        for (size_t c = first + 1; c < end; c++)
            if (evq_event_is_before(&h[c], &h[best])) best = c;
        if (!evq_event_is_before(&h[best], &last)) break;
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
    return true;
}

const evq_event *evq_peek(const evq *q)
{
    return q->n ? &q->heap[0] : NULL;
}

size_t evq_size(const evq *q)
{
    return q->n;
}

size_t evq_capacity(const evq *q)
{
    return q->cap;
}
