/* evq.h - the pending-event set of one simulation.
 *
 * A 4-ary min-heap of small event records, ordered by (t_s, prio, seq). The
 * sequence number is stamped by evq_push, so events with equal time and
 * priority fire in insertion order on every run and every platform: ordering
 * never depends on pointers or on the heap's internal layout.
 *
 * Events carry no pointers: a kind, a subject index and a 64-bit argument. The
 * model interprets them. Cancelling is not supported; a model that may need to
 * invalidate an event stamps it with a version (for example a unit's epoch in
 * `arg`) and ignores stale ones when they fire. That keeps push and pop at
 * O(log n) with no lookup structure.
 *
 * Memory: the queue owns one growable array. It grows by doubling and never
 * shrinks, so once it has reached the run's peak size no push allocates.
 * evq_push fails (returns -1) only when growing fails. Not thread-safe: each
 * replication owns its queue.
 */
#ifndef PATROLSIM_EVQ_H
#define PATROLSIM_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct evq_event {
    double t_s;    /* when it fires, seconds from the start of day 0 */
    uint64_t seq;  /* insertion order, stamped by evq_push */
    uint32_t kind; /* what happens (model-defined) */
    uint32_t who;  /* subject index (a unit, a call, ...), model-defined */
    uint64_t arg;  /* model-defined argument, e.g. a version stamp */
    int32_t prio;  /* lower fires first among equal times */
} evq_event;

typedef struct evq evq;

/* Creation and teardown. capacity_hint pre-sizes the heap (0 is fine). */
evq *evq_create(size_t capacity_hint); /* NULL when out of memory */
void evq_destroy(evq *q);              /* NULL is a no-op */
void evq_clear(evq *q);                /* empties it, keeps memory, restarts seq at 0 */

/* Adding and taking events. */
int evq_push(evq *q, double t_s, int32_t prio, uint32_t kind, uint32_t who, uint64_t arg);
bool evq_pop(evq *q, evq_event *out);        /* false when empty */
const evq_event *evq_peek(const evq *q);     /* NULL when empty; valid until the next push/pop */
size_t evq_size(const evq *q);
size_t evq_capacity(const evq *q);           /* for tests: proves no growth in steady state */

#endif
