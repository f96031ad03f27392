/* hublabel.c - contraction hierarchy, then hub labels. See hublabel.h for what and why.
 *
 * Contraction. The graph is kept as per-node lists of out- and in-arcs among the nodes not
 * yet contracted (a contracted node is removed from its neighbours' lists, so the lists stay
 * short). The next node to contract is the one of least priority
 *
 *     2 x (shortcuts it would add - arcs it removes) + contracted neighbours + depth
 *
 * (edge difference, spread and depth: Geisberger et al. 2008), kept in an indexed heap;
 * the top's priority is recomputed before it is taken (lazy update). Re-prioritising every
 * neighbour after each contraction as well gave 20% shorter labels on a grid-like foot
 * network but took three times as long, and nothing on the vehicle network, so it is not
 * done. Contracting v adds u -> x for each in-neighbour u and out-neighbour x unless a
 * witness search (Dijkstra from u avoiding v, stopped once every out-neighbour is settled,
 * at the shortcut's length, or after CH_SETTLE_LIMIT settled nodes) finds a path no longer
 * than u -> v -> x. A search cut short only ever adds a shortcut too many, never one too
 * few, so distances stay exact.
 * Ties in priority go to the lower node index: the order, and so the labels, are
 * deterministic.
 *
 * Labels. A node's upward arcs are its arcs to nodes contracted after it. Its out-label is
 * its upward search space: itself at 0, and for each upward arc v -> x of weight c, every
 * (h, c + d) of x's out-label, keeping the least d per hub (a dynamic programme over the
 * hierarchy, top down). An entry (h, d) is then dropped when some other hub x already in the
 * label and in h's in-label gives a shorter v -> x -> h: d is not the distance, and such an
 * entry can never be the one a query needs (Abraham et al. 2012, "bootstrapping"). In-labels
 * likewise over the reverse arcs. A node's labels depend only on labels of nodes contracted
 * after it, so all nodes of one depth of the hierarchy are labelled in parallel, depth by
 * depth from the top, each by the same computation whatever thread does it.
 *
 * Hubs are stored by key = n - 1 - rank, so the most important nodes have the smallest keys:
 * labels are sorted by key (queries merge them), and the dense array a many-to-one query
 * spreads a label into is hit mostly at its start.
 */
#include "hublabel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CH_SETTLE_LIMIT 100 /* witness search: settled nodes before giving up (adds a shortcut) */
#define CH_SIM_LIMIT    20  /* the same when only estimating a priority */
#define HL_MAX_THREADS  64

typedef struct ch_arc {
    uint32_t node; /* the other end */
    uint64_t w;
} ch_arc;

typedef struct ch_list {
    ch_arc *a;
    uint32_t n, cap;
} ch_list;

typedef struct ch_item {
    uint64_t key;
    uint32_t node;
} ch_item;

/* A label entry: 12 bytes, hub key and distance side by side, so that scanning a label reads
 * one contiguous run of memory (the label of a random node is a cache miss; two separate
 * arrays would make it two). */
typedef struct hl_entry {
    uint32_t hub;
    uint32_t d_lo, d_hi;
} hl_entry;

static inline uint64_t hl_entry_d(const hl_entry *e)
{
    return (uint64_t)e->d_hi << 32 | e->d_lo;
}

/* A label: entries by hub key ascending. */
typedef struct hl_lab {
    const hl_entry *e;
    uint32_t n;
} hl_lab;

/* Label entries are allocated from chunks that never move: each labelling thread appends
 * to its own chunks, and a label is a pointer into them. No per-label allocation, no
 * packing copy at the end (which doubled the peak memory). */
typedef struct hl_chunk {
    struct hl_chunk *next;
    size_t n, cap;
    hl_entry e[];
} hl_chunk;

#define HL_CHUNK_MAX ((size_t)1 << 18) /* entries: 3 MB; less for small networks (8 a node) */

struct hl {
    size_t n;
    uint32_t *key;    /* [n] node -> hub key (n - 1 - rank) */
    hl_lab *out, *in; /* [n] */
    hl_chunk *chunks; /* everything the labels point into */
    size_t bytes;
    hl_stats stats;
};

struct hl_ws {
    size_t n;
    uint64_t *D; /* [n] by hub key: a spread label, HL_INF elsewhere */
};

static double hl_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double hl_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- arc lists --------------------------------------------------------------------------- */

static int ch_list_push(ch_list *l, uint32_t node, uint64_t w)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? 2 * l->cap : 4;
        ch_arc *a = realloc(l->a, cap * sizeof *a);
        if (!a) return -1;
        l->a = a;
        l->cap = cap;
    }
    l->a[l->n++] = (ch_arc){node, w};
    return 0;
}

/* Sets the arc to `node` to weight w if it is shorter, or adds it. 1 if it changed. */
static int ch_list_relax(ch_list *l, uint32_t node, uint64_t w)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->a[i].node == node) {
            if (w >= l->a[i].w) return 0;
            l->a[i].w = w;
            return 1;
        }
    return ch_list_push(l, node, w) ? -1 : 1;
}

static void ch_list_remove(ch_list *l, uint32_t node)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->a[i].node == node) {
            l->a[i] = l->a[--l->n];
            return;
        }
}

/* ---- a plain binary heap of (key, node), duplicates allowed (witness searches) ---------- */

typedef struct ch_heap {
    ch_item *it;
    size_t n, cap;
} ch_heap;

static int ch_heap_push(ch_heap *h, uint64_t key, uint32_t node)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 256;
        ch_item *it = realloc(h->it, cap * sizeof *it);
        if (!it) return -1;
        h->it = it;
        h->cap = cap;
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->it[p].key <= key) break;
        h->it[i] = h->it[p];
        i = p;
    }
    h->it[i] = (ch_item){key, node};
    return 0;
}

static ch_item ch_heap_pop(ch_heap *h)
{
    ch_item top = h->it[0], last = h->it[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && h->it[c + 1].key < h->it[c].key) c++;
        if (h->it[c].key >= last.key) break;
        h->it[i] = h->it[c];
        i = c;
    }
    if (n) h->it[i] = last;
    return top;
}

/* ---- an indexed heap of (priority, node) for the contraction order ---------------------- */

typedef struct ch_pq {
    int64_t *prio;  /* [n] */
    uint32_t *heap; /* nodes */
    uint32_t *pos;  /* [n] position in heap, UINT32_MAX when out */
    size_t n;
} ch_pq;

static bool ch_pq_less(const ch_pq *q, uint32_t a, uint32_t b)
{
    return q->prio[a] != q->prio[b] ? q->prio[a] < q->prio[b] : a < b;
}

static void ch_pq_up(ch_pq *q, size_t i)
{
    uint32_t v = q->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ch_pq_less(q, v, q->heap[p])) break;
        q->heap[i] = q->heap[p];
        q->pos[q->heap[i]] = (uint32_t)i;
        i = p;
    }
    q->heap[i] = v;
    q->pos[v] = (uint32_t)i;
}

static void ch_pq_down(ch_pq *q, size_t i)
{
    uint32_t v = q->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->n) break;
        if (c + 1 < q->n && ch_pq_less(q, q->heap[c + 1], q->heap[c])) c++;
        if (!ch_pq_less(q, q->heap[c], v)) break;
        q->heap[i] = q->heap[c];
        q->pos[q->heap[i]] = (uint32_t)i;
        i = c;
    }
    q->heap[i] = v;
    q->pos[v] = (uint32_t)i;
}

static void ch_pq_set(ch_pq *q, uint32_t v, int64_t prio)
{
    if (q->pos[v] == UINT32_MAX) {
        q->prio[v] = prio;
        q->heap[q->n] = v;
        q->pos[v] = (uint32_t)q->n++;
        ch_pq_up(q, q->n - 1);
        return;
    }
    int64_t old = q->prio[v];
    q->prio[v] = prio;
    if (prio < old)
        ch_pq_up(q, q->pos[v]);
    else
        ch_pq_down(q, q->pos[v]);
}

static uint32_t ch_pq_pop(ch_pq *q)
{
    uint32_t v = q->heap[0];
    q->pos[v] = UINT32_MAX;
    if (--q->n > 0) {
        q->heap[0] = q->heap[q->n];
        q->pos[q->heap[0]] = 0;
        ch_pq_down(q, 0);
    }
    return v;
}

/* ---- contraction ------------------------------------------------------------------------ */

typedef struct ch {
    size_t n;
    ch_list *out, *in;       /* [n] arcs among uncontracted nodes */
    ch_list *up_out, *up_in; /* [n] a contracted node's arcs to / from later nodes */
    uint32_t *rank;          /* [n] contraction order */
    int32_t *deleted;        /* [n] contracted neighbours */
    int32_t *depth;          /* [n] 1 + the deepest contracted neighbour */
    uint64_t *dist;          /* [n] witness search */
    uint32_t *seen;          /* [n] dist valid when seen == gen */
    uint32_t *target;        /* [n] target[x] == gen: x is an out-neighbour still to settle */
    uint32_t gen;
    ch_heap heap;
    ch_arc *sc; /* shortcuts of the node being contracted: (from, to) pairs */
    uint32_t *sc_from;
    size_t n_sc, cap_sc;
    size_t shortcuts;
    ch_pq pq;
} ch;

/* Dijkstra from src among uncontracted nodes, never through skip, until every out-neighbour
 * of skip is settled, the next node is farther than bound, or `limit` nodes are settled. */
static int ch_witness(ch *c, uint32_t src, uint32_t skip, uint64_t bound, int limit)
{
    if (++c->gen == 0) {
        memset(c->seen, 0, c->n * sizeof *c->seen);
        memset(c->target, 0, c->n * sizeof *c->target);
        c->gen = 1;
    }
    uint32_t gen = c->gen;
    const ch_list *tl = &c->out[skip];
    uint32_t left = 0;
    for (uint32_t j = 0; j < tl->n; j++)
        if (tl->a[j].node != src && c->target[tl->a[j].node] != gen) {
            c->target[tl->a[j].node] = gen;
            left++;
        }
    c->heap.n = 0;
    c->seen[src] = gen;
    c->dist[src] = 0;
    if (ch_heap_push(&c->heap, 0, src)) return -1;
    int settled = 0;
    while (c->heap.n > 0) {
        ch_item top = ch_heap_pop(&c->heap);
        if (top.key > c->dist[top.node]) continue; /* stale */
        if (top.key > bound || ++settled > limit) break;
        if (c->target[top.node] == gen) {
            c->target[top.node] = 0;
            if (--left == 0) break;
        }
        const ch_list *l = &c->out[top.node];
        for (uint32_t i = 0; i < l->n; i++) {
            uint32_t x = l->a[i].node;
            if (x == skip) continue;
            uint64_t d = top.key + l->a[i].w;
            if (c->seen[x] != gen || d < c->dist[x]) {
                c->seen[x] = gen;
                c->dist[x] = d;
                if (ch_heap_push(&c->heap, d, x)) return -1;
            }
        }
    }
    return 0;
}

/* The shortcuts contracting v needs: counted, and when `keep`, stored in c->sc. Returns the
 * count, or -1 when out of memory. */
static long ch_shortcuts(ch *c, uint32_t v, bool keep, int limit)
{
    const ch_list *in = &c->in[v], *out = &c->out[v];
    uint64_t max_out = 0;
    for (uint32_t j = 0; j < out->n; j++)
        if (out->a[j].w > max_out) max_out = out->a[j].w;
    long added = 0;
    c->n_sc = 0;
    for (uint32_t i = 0; i < in->n; i++) {
        uint32_t u = in->a[i].node;
        uint64_t wu = in->a[i].w;
        if (out->n == 0 || (out->n == 1 && out->a[0].node == u)) continue;
        if (ch_witness(c, u, v, wu + max_out, limit)) return -1;
        for (uint32_t j = 0; j < out->n; j++) {
            uint32_t x = out->a[j].node;
            if (x == u) continue;
            uint64_t via = wu + out->a[j].w;
            if (c->seen[x] == c->gen && c->dist[x] <= via) continue;
            added++;
            if (!keep) continue;
            if (c->n_sc == c->cap_sc) {
                size_t cap = c->cap_sc ? 2 * c->cap_sc : 64;
                ch_arc *sc = realloc(c->sc, cap * sizeof *sc);
                uint32_t *from = sc ? realloc(c->sc_from, cap * sizeof *from) : NULL;
                if (sc) c->sc = sc;
                if (!sc || !from) return -1;
                c->sc_from = from;
                c->cap_sc = cap;
            }
            c->sc_from[c->n_sc] = u;
            c->sc[c->n_sc++] = (ch_arc){x, via};
        }
    }
    return added;
}

static int ch_priority(ch *c, uint32_t v, int64_t *prio)
{
    long added = ch_shortcuts(c, v, false, CH_SIM_LIMIT);
    if (added < 0) return -1;
    int64_t removed = (int64_t)c->in[v].n + (int64_t)c->out[v].n;
    *prio = 2 * ((int64_t)added - removed) + c->deleted[v] + c->depth[v];
    return 0;
}

/* Contracts v: records its upward arcs, removes it, adds its shortcuts, and counts it
 * against its neighbours (their priorities are recomputed when they reach the top). */
static int ch_contract(ch *c, uint32_t v, uint32_t rank)
{
    if (ch_shortcuts(c, v, true, CH_SETTLE_LIMIT) < 0) return -1;
    c->rank[v] = rank;
    c->up_out[v] = c->out[v];
    c->up_in[v] = c->in[v];
    c->out[v] = (ch_list){0};
    c->in[v] = (ch_list){0};
    const ch_list *uo = &c->up_out[v], *ui = &c->up_in[v];
    for (uint32_t j = 0; j < uo->n; j++)
        ch_list_remove(&c->in[uo->a[j].node], v);
    for (uint32_t i = 0; i < ui->n; i++)
        ch_list_remove(&c->out[ui->a[i].node], v);
    for (size_t k = 0; k < c->n_sc; k++) {
        uint32_t u = c->sc_from[k], x = c->sc[k].node;
        int r = ch_list_relax(&c->out[u], x, c->sc[k].w);
        if (r < 0 || ch_list_relax(&c->in[x], u, c->sc[k].w) < 0) return -1;
        c->shortcuts += (size_t)r;
    }
    /* Neighbours: one more contracted neighbour, maybe deeper, new priority. */
    for (int side = 0; side < 2; side++) {
        const ch_list *l = side ? ui : uo;
        for (uint32_t j = 0; j < l->n; j++) {
            uint32_t x = l->a[j].node;
            if (c->pq.pos[x] == UINT32_MAX) continue; /* seen from the other side already */
            c->deleted[x]++;
            if (c->depth[x] < c->depth[v] + 1) c->depth[x] = c->depth[v] + 1;
        }
    }
    return 0;
}

static void ch_free(ch *c)
{
    for (size_t v = 0; c->out && v < c->n; v++) {
        free(c->out[v].a);
        free(c->in[v].a);
        free(c->up_out[v].a);
        free(c->up_in[v].a);
    }
    free(c->out);
    free(c->in);
    free(c->up_out);
    free(c->up_in);
    free(c->rank);
    free(c->deleted);
    free(c->depth);
    free(c->dist);
    free(c->seen);
    free(c->target);
    free(c->heap.it);
    free(c->sc);
    free(c->sc_from);
    free(c->pq.prio);
    free(c->pq.heap);
    free(c->pq.pos);
}

static int ch_run(ch *c, size_t n, const uint32_t *start, const uint32_t *head, const uint64_t *w)
{
    c->n = n;
    c->out = calloc(n, sizeof *c->out);
    c->in = calloc(n, sizeof *c->in);
    c->up_out = calloc(n, sizeof *c->up_out);
    c->up_in = calloc(n, sizeof *c->up_in);
    c->rank = calloc(n, sizeof *c->rank);
    c->deleted = calloc(n, sizeof *c->deleted);
    c->depth = calloc(n, sizeof *c->depth);
    c->dist = calloc(n, sizeof *c->dist);
    c->seen = calloc(n, sizeof *c->seen);
    c->target = calloc(n, sizeof *c->target);
    c->pq.prio = calloc(n, sizeof *c->pq.prio);
    c->pq.heap = calloc(n, sizeof *c->pq.heap);
    c->pq.pos = malloc(n * sizeof *c->pq.pos);
    if (!c->out || !c->in || !c->up_out || !c->up_in || !c->rank || !c->deleted || !c->depth ||
        !c->dist || !c->seen || !c->target || !c->pq.prio || !c->pq.heap || !c->pq.pos)
        return -1;
    for (size_t v = 0; v < n; v++)
        c->pq.pos[v] = UINT32_MAX;
    for (uint32_t v = 0; v < n; v++)
        for (uint32_t k = start[v]; k < start[v + 1]; k++) {
            if (head[k] == v) continue;
            int r = ch_list_relax(&c->out[v], head[k], w[k]);
            if (r < 0 || ch_list_relax(&c->in[head[k]], v, w[k]) < 0) return -1;
        }
    for (uint32_t v = 0; v < n; v++) {
        int64_t p;
        if (ch_priority(c, v, &p)) return -1;
        ch_pq_set(&c->pq, v, p);
    }
    uint32_t next_rank = 0;
    while (c->pq.n > 0) {
        /* Lazy update: the top's priority may have gone up since it was last computed. */
        uint32_t v = c->pq.heap[0];
        int64_t p;
        if (ch_priority(c, v, &p)) return -1;
        if (p > c->pq.prio[v]) {
            ch_pq_set(&c->pq, v, p);
            if (c->pq.heap[0] != v) continue;
        }
        ch_pq_pop(&c->pq);
        if (ch_contract(c, v, next_rank++)) return -1;
    }
    return 0;
}

/* ---- labels ------------------------------------------------------------------------------ */

typedef struct hl_builder {
    const ch *c;
    const uint32_t *key;    /* [n] */
    const uint32_t *by_key; /* [n] key -> node */
    hl_lab *out, *in;       /* [n] labels, filled top down */
    const uint32_t *order;  /* nodes grouped by depth from the top */
    const size_t *level_start;
    size_t n_levels;
    size_t level_end;   /* end of the current level in order */
    atomic_size_t next; /* next index into order */
    atomic_int failed;
} hl_builder;

typedef struct hl_scratch {
    uint64_t *best; /* [n] by key, HL_INF when untouched */
    uint32_t *touched;
    size_t n_touched, cap;
} hl_scratch;

typedef struct hl_worker {
    hl_builder *b;
    hl_scratch s;
    hl_chunk *chunks; /* this thread's entries; the newest first */
} hl_worker;

/* Room for n entries at the end of the worker's newest chunk (a new chunk if needed). */
static hl_entry *hl_chunk_room(hl_worker *wk, size_t n)
{
    hl_chunk *c = wk->chunks;
    if (!c || c->cap - c->n < n) {
        size_t want = 8 * wk->b->c->n < HL_CHUNK_MAX ? 8 * wk->b->c->n : HL_CHUNK_MAX;
        size_t cap = n > want ? n : want;
        c = malloc(sizeof *c + cap * sizeof c->e[0]);
        if (!c) return NULL;
        c->next = wk->chunks;
        c->n = 0;
        c->cap = cap;
        wk->chunks = c;
    }
    return c->e + c->n;
}

static int hl_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int hl_touch(hl_scratch *s, uint32_t h, uint64_t d)
{
    if (s->best[h] == HL_INF) {
        if (s->n_touched == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 256;
            uint32_t *t = realloc(s->touched, cap * sizeof *t);
            if (!t) return -1;
            s->touched = t;
            s->cap = cap;
        }
        s->touched[s->n_touched++] = h;
        s->best[h] = d;
    } else if (d < s->best[h]) {
        s->best[h] = d;
    }
    return 0;
}

/* One label of v: out (fwd) over its upward out-arcs and the out-labels above, pruned
 * against the in-labels of its hubs; or the mirror image. */
static int hl_label_make(hl_builder *b, hl_worker *wk, uint32_t v, bool fwd)
{
    hl_scratch *s = &wk->s;
    const ch_list *up = fwd ? &b->c->up_out[v] : &b->c->up_in[v];
    hl_lab *mine = fwd ? b->out : b->in, *other = fwd ? b->in : b->out;
    uint32_t kv = b->key[v];
    s->n_touched = 0;
    if (hl_touch(s, kv, 0)) return -1;
    for (uint32_t j = 0; j < up->n; j++) {
        const hl_lab *l = &mine[up->a[j].node];
        uint64_t c = up->a[j].w;
        for (uint32_t i = 0; i < l->n; i++)
            if (hl_touch(s, l->e[i].hub, c + hl_entry_d(&l->e[i]))) return -1;
    }
    qsort(s->touched, s->n_touched, sizeof *s->touched, hl_cmp_u32);
    hl_entry *e = hl_chunk_room(wk, s->n_touched);
    if (!e) return -1;
    uint32_t n = 0;
    for (size_t i = 0; i < s->n_touched; i++) {
        uint32_t h = s->touched[i];
        uint64_t d = s->best[h];
        bool keep = true;
        if (h != kv) {
            /* Is there v -> x -> h shorter than d, x another hub of this label? */
            const hl_lab *lh = &other[b->by_key[h]];
            for (uint32_t k = 0; k < lh->n && keep; k++) {
                uint32_t x = lh->e[k].hub;
                if (x != h && s->best[x] != HL_INF && s->best[x] + hl_entry_d(&lh->e[k]) < d)
                    keep = false;
            }
        }
        if (keep) e[n++] = (hl_entry){h, (uint32_t)d, (uint32_t)(d >> 32)};
    }
    for (size_t i = 0; i < s->n_touched; i++)
        s->best[s->touched[i]] = HL_INF;
    wk->chunks->n += n;
    mine[v] = (hl_lab){e, n};
    return 0;
}

/* One thread's share of one depth: nodes taken from a shared counter. */
static void *hl_label_work(void *arg)
{
    hl_worker *wk = arg;
    hl_builder *b = wk->b;
    for (;;) {
        size_t i = atomic_fetch_add(&b->next, 1);
        if (i >= b->level_end || atomic_load(&b->failed)) break;
        uint32_t v = b->order[i];
        if (hl_label_make(b, wk, v, true) || hl_label_make(b, wk, v, false))
            atomic_store(&b->failed, 1);
    }
    return NULL;
}

/* Depth from the top of every node, and the nodes grouped by it. */
static int hl_levels(const ch *c, uint32_t *order, size_t **level_start, size_t *n_levels)
{
    size_t n = c->n;
    uint32_t *by_rank = malloc(n * sizeof *by_rank), *lvl = calloc(n, sizeof *lvl);
    if (!by_rank || !lvl) {
        free(by_rank);
        free(lvl);
        return -1;
    }
    for (uint32_t v = 0; v < n; v++)
        by_rank[c->rank[v]] = v;
    uint32_t max = 0;
    for (size_t r = n; r-- > 0;) {
        uint32_t v = by_rank[r], l = 0;
        for (int side = 0; side < 2; side++) {
            const ch_list *up = side ? &c->up_in[v] : &c->up_out[v];
            for (uint32_t j = 0; j < up->n; j++)
                if (lvl[up->a[j].node] + 1 > l) l = lvl[up->a[j].node] + 1;
        }
        lvl[v] = l;
        if (l > max) max = l;
    }
    *n_levels = (size_t)max + 1;
    *level_start = calloc(*n_levels + 1, sizeof **level_start);
    if (!*level_start) {
        free(by_rank);
        free(lvl);
        return -1;
    }
    for (size_t v = 0; v < n; v++)
        (*level_start)[lvl[v] + 1]++;
    for (size_t l = 0; l < *n_levels; l++)
        (*level_start)[l + 1] += (*level_start)[l];
    size_t *fill = malloc(*n_levels * sizeof *fill);
    if (!fill) {
        free(by_rank);
        free(lvl);
        return -1;
    }
    memcpy(fill, *level_start, *n_levels * sizeof *fill);
    for (uint32_t v = 0; v < n; v++)
        order[fill[lvl[v]]++] = v;
    free(fill);
    free(by_rank);
    free(lvl);
    return 0;
}

static void hl_chunks_free(hl_chunk *c)
{
    while (c) {
        hl_chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* Frees the workers' scratch; their chunks go to h (or are freed when h is NULL). */
static void hl_workers_free(hl_worker *wk, int threads, hl *h)
{
    for (int i = 0; wk && i < threads; i++) {
        free(wk[i].s.best);
        free(wk[i].s.touched);
        if (!h) {
            hl_chunks_free(wk[i].chunks);
            continue;
        }
        hl_chunk *c = wk[i].chunks;
        while (c) {
            hl_chunk *next = c->next;
            c->next = h->chunks;
            h->chunks = c;
            c = next;
        }
    }
    free(wk);
}

hl *hl_build(size_t n, const uint32_t *start, const uint32_t *head, const uint64_t *w, int threads)
{
    hl *h = calloc(1, sizeof *h);
    ch c = {0};
    hl_builder b = {0};
    uint32_t *order = NULL, *by_key = NULL;
    size_t *level_start = NULL;
    hl_worker *wk = NULL;
    if (!h || n == 0 || n >= UINT32_MAX) goto fail;
    h->n = n;
    double t0 = hl_cpu_s();
    if (ch_run(&c, n, start, head, w)) goto fail;
    double contract_s = hl_cpu_s() - t0, t1 = hl_now_s();

    h->key = malloc(n * sizeof *h->key);
    by_key = malloc(n * sizeof *by_key);
    order = malloc(n * sizeof *order);
    h->out = calloc(n, sizeof *h->out);
    h->in = calloc(n, sizeof *h->in);
    if (!h->key || !by_key || !order || !h->out || !h->in) goto fail;
    for (uint32_t v = 0; v < n; v++) {
        h->key[v] = (uint32_t)(n - 1 - c.rank[v]);
        by_key[h->key[v]] = v;
    }
    if (hl_levels(&c, order, &level_start, &b.n_levels)) goto fail;
    if (threads <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (int)cores : 1;
    }
    if (threads > HL_MAX_THREADS) threads = HL_MAX_THREADS;
    b.c = &c;
    b.key = h->key;
    b.by_key = by_key;
    b.out = h->out;
    b.in = h->in;
    b.order = order;
    b.level_start = level_start;
    wk = calloc((size_t)threads, sizeof *wk);
    if (!wk) goto fail;
    for (int i = 0; i < threads; i++) {
        wk[i].b = &b;
        wk[i].s.best = malloc(n * sizeof *wk[i].s.best);
        if (!wk[i].s.best) goto fail;
        for (size_t k = 0; k < n; k++)
            wk[i].s.best[k] = HL_INF;
    }
    /* Depth by depth from the top: a node's labels need only those of nodes above it.
     * Threads are started per depth, and only for depths with enough nodes to share; a
     * thread that cannot be started leaves its share to the others. */
    for (size_t lv = 0; lv < b.n_levels; lv++) {
        atomic_store(&b.next, level_start[lv]);
        b.level_end = level_start[lv + 1];
        pthread_t tid[HL_MAX_THREADS];
        int started = 0;
        if (b.level_end - level_start[lv] >= 256)
            for (int i = 1; i < threads; i++)
                if (pthread_create(&tid[started], NULL, hl_label_work, &wk[1 + started]) == 0)
                    started++;
        hl_label_work(&wk[0]);
        for (int i = 0; i < started; i++)
            pthread_join(tid[i], NULL);
        if (atomic_load(&b.failed)) goto fail;
    }
    size_t max_label = 0, sum_out = 0, sum_in = 0;
    for (size_t v = 0; v < n; v++) {
        sum_out += h->out[v].n;
        sum_in += h->in[v].n;
        if (h->out[v].n > max_label) max_label = h->out[v].n;
        if (h->in[v].n > max_label) max_label = h->in[v].n;
    }
    hl_workers_free(wk, threads, h);
    h->bytes = sizeof *h + n * (sizeof *h->key + 2 * sizeof(hl_lab));
    for (const hl_chunk *k = h->chunks; k; k = k->next)
        h->bytes += sizeof *k + k->cap * sizeof k->e[0];
    h->stats = (hl_stats){c.shortcuts,
                          (double)sum_out / (double)n,
                          (double)sum_in / (double)n,
                          max_label,
                          contract_s,
                          hl_now_s() - t1};
    free(order);
    free(by_key);
    free(level_start);
    ch_free(&c);
    return h;
fail:
    hl_workers_free(wk, threads, NULL);
    free(order);
    free(by_key);
    free(level_start);
    ch_free(&c);
    hl_destroy(h);
    return NULL;
}

void hl_destroy(hl *h)
{
    if (!h) return;
    free(h->key);
    free(h->out);
    free(h->in);
    hl_chunks_free(h->chunks);
    free(h);
}

size_t hl_bytes(const hl *h)
{
    return h ? h->bytes : 0;
}

void hl_stats_get(const hl *h, hl_stats *out)
{
    *out = h->stats;
}

hl_ws *hl_ws_create(size_t n)
{
    hl_ws *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->n = n;
    w->D = malloc((n ? n : 1) * sizeof *w->D);
    if (!w->D) {
        free(w);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        w->D[i] = HL_INF;
    return w;
}

void hl_ws_destroy(hl_ws *w)
{
    if (!w) return;
    free(w->D);
    free(w);
}

/* ---- queries ---------------------------------------------------------------------------- */

uint64_t hl_dist(const hl *h, uint32_t s, uint32_t t)
{
    const hl_entry *a = h->out[s].e, *b = h->in[t].e;
    size_t na = h->out[s].n, nb = h->in[t].n;
    uint64_t best = HL_INF;
    size_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (a[i].hub < b[j].hub) {
            i++;
        } else if (a[i].hub > b[j].hub) {
            j++;
        } else {
            uint64_t d = hl_entry_d(&a[i++]) + hl_entry_d(&b[j++]);
            if (d < best) best = d;
        }
    }
    return best;
}

/* min over a label of d + D[hub]: a stored label against a spread one. */
static uint64_t hl_scan(const hl_lab *l, const uint64_t *D)
{
    uint64_t best = HL_INF;
    for (size_t i = 0; i < l->n; i++) {
        uint64_t x = hl_entry_d(&l->e[i]) + D[l->e[i].hub]; /* < 2^64: d < 2^61, D <= 2^63 */
        if (x < best) best = x;
    }
    return best;
}

static void hl_spread(hl_ws *w, const hl_lab *l)
{
    for (size_t i = 0; i < l->n; i++)
        w->D[l->e[i].hub] = hl_entry_d(&l->e[i]);
}

static void hl_unspread(hl_ws *w, const hl_lab *l)
{
    for (size_t i = 0; i < l->n; i++)
        w->D[l->e[i].hub] = HL_INF;
}

/* Scans the labels of many nodes against the spread array, HL_QUERY_BATCH at a time: first
 * every label's first lines are prefetched, so that the cache misses of a batch overlap
 * instead of queueing one behind the other. */
#define HL_QUERY_BATCH 32
static void hl_scan_many(const hl_lab *lab, const uint32_t *v, size_t n, const uint64_t *D,
                         uint64_t *out)
{
    for (size_t b = 0; b < n; b += HL_QUERY_BATCH) {
        size_t m = n - b < HL_QUERY_BATCH ? n - b : HL_QUERY_BATCH;
        for (size_t i = 0; i < m; i++) {
            const hl_entry *e = lab[v[b + i]].e;
            __builtin_prefetch(e);
            __builtin_prefetch((const char *)e + 64);
        }
        for (size_t i = 0; i < m; i++) {
            uint64_t x = hl_scan(&lab[v[b + i]], D);
            out[b + i] = x < HL_INF ? x : HL_INF;
        }
    }
}

void hl_dist_to(const hl *h, hl_ws *w, uint32_t t, const uint32_t *s, size_t n, uint64_t *out)
{
    hl_spread(w, &h->in[t]);
    hl_scan_many(h->out, s, n, w->D, out);
    hl_unspread(w, &h->in[t]);
}

void hl_dist_from(const hl *h, hl_ws *w, uint32_t s, const uint32_t *t, size_t n, uint64_t *out)
{
    hl_spread(w, &h->out[s]);
    hl_scan_many(h->in, t, n, w->D, out);
    hl_unspread(w, &h->out[s]);
}

void hl_target_set(const hl *h, hl_ws *w, uint32_t t)
{
    hl_spread(w, &h->in[t]);
}

uint64_t hl_target_dist(const hl *h, const hl_ws *w, uint32_t v)
{
    uint64_t x = hl_scan(&h->out[v], w->D);
    return x < HL_INF ? x : HL_INF;
}

void hl_target_clear(const hl *h, hl_ws *w, uint32_t t)
{
    hl_unspread(w, &h->in[t]);
}
