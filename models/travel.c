/* travel.c - Dijkstra searches, travel-time tables and hub labels. See travel.h.
 *
 * Per mode, the travel object keeps its own compact adjacency: for each node,
 * the usable out-arcs (forward) and in-arcs (reverse) as (other node, net edge,
 * time) records, with the time length_m / speed_mps worked out once, and beside
 * them the same times in fixed point (uint64 multiples of 2^-k s). Edges the
 * mode cannot use are simply absent, so the inner loop has no test for them
 * and reads one contiguous run of records per node.
 *
 * All searches run in a travel_ws: distance, heap position, predecessor and
 * two "stamp" arrays sized n. A node's entries are valid only when its stamp
 * equals the workspace's current generation, so starting a search is O(1)
 * (bump the generation) instead of O(n) clearing; the arrays are cleared only
 * when the 32-bit generation wraps. The heap is 4-ary with decrease-key: at
 * most n entries, shallower than a binary heap, and four children share a
 * cache line. The one search sums in one of two ways: in doubles, for building
 * the tables (the table holds the reverse search's double result rounded to
 * float, as it always has: the default scenario's results depend on those
 * bytes), and in fixed point, for everything without tables
 * (travel_create_plain's method, and the reference the hub labels are tested
 * against). Both keep their distances as uint64 heap keys (travel_key).
 *
 * Why fixed point without tables: hub labels add two partial sums where
 * Dijkstra adds edge by edge, and in floating point those differ in the last
 * bits, so ties could break differently depending on the method. Integer sums
 * are exact, so every method gives the same number. The scale is the finest
 * power of two (at most 2^40 per second) at which the sum of all arc times stays
 * below 2^61: no path overflows, and neither does a sum of two label distances.
 *
 * Tables are built by up to opts->threads threads taking destinations from a
 * shared counter. Each column is one independent search written to its own
 * slice of the table, so the bytes do not depend on the thread count or on
 * which thread did which column. Labels are built by hublabel.c, also the same
 * whatever the thread count.
 */
#include "travel.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hublabel.h"

#define TRAVEL_SETTLED   UINT32_MAX /* pos[] of a node taken off the heap */
#define TRAVEL_CHUNK     8          /* destinations a builder thread takes at once */
#define TRAVEL_MAX_THREADS 256

typedef struct travel_arc {
    uint32_t node; /* the other end: head for forward arcs, tail for reverse ones */
    uint32_t edge; /* index into net.edges */
    double t_s;    /* length_m / speed_mps of this mode */
} travel_arc;

struct travel {
    const net *g;                    /* borrowed */
    size_t n;                        /* g->n_nodes */
    uint32_t *fwd_start[NET_MODES];  /* [n + 1] into fwd */
    travel_arc *fwd[NET_MODES];      /* usable out-arcs by tail */
    uint32_t *rev_start[NET_MODES];  /* [n + 1] into rev */
    travel_arc *rev[NET_MODES];      /* usable in-arcs by head */
    uint64_t *fwd_q[NET_MODES];      /* fixed-point times of fwd, same order */
    uint64_t *rev_q[NET_MODES];      /* fixed-point times of rev, same order */
    double s_per_q;                  /* seconds per fixed-point unit, 2^-k */
    float *tab[NET_MODES];           /* [n * n], tab[to * n + from]; NULL without tables */
    bool labels;                     /* no tables and not plain: hub labels, built on first use */
    _Atomic(hl *) lab[NET_MODES];    /* NULL until built (or when building failed) */
    bool lab_failed[NET_MODES];      /* out of memory building: Dijkstra instead, same times */
    pthread_mutex_t lab_lock;        /* held while building */
    int threads;                     /* for building labels */
    size_t bytes;                    /* memory held besides labels, for travel_bytes */
};

/* A heap entry. The key is a distance in fixed point, or the bits of a double in the double
 * search (travel_key): for the non-negative numbers a search sums, the bits of doubles order
 * as the doubles do, so one heap and one search serve both. */
typedef struct travel_heap_item {
    uint64_t key;
    uint32_t node;
} travel_heap_item;

struct travel_ws {
    const travel *t;
    size_t n;
    uint32_t gen;            /* current search; 0 is never used */
    uint32_t *seen;          /* seen[v] == gen: dist[v], pos[v], pred[v] are valid */
    uint32_t *want;          /* want[v] == gen: v is a requested node not yet settled */
    uint64_t *dist;          /* tentative or final distance, a heap key */
    uint32_t *pos;           /* heap index, or TRAVEL_SETTLED */
    uint32_t *pred;          /* arc index that labelled v (forward searches for paths) */
    travel_heap_item *heap;  /* [n] */
    size_t heap_n;
    hl_ws *hw;               /* hub-label queries: one dense array serves both modes */
    uint32_t *path_node;     /* path output, grown as needed */
    double *path_t, *path_d;
    size_t path_cap;
};

/* A non-negative time as a heap key, and back. */
static uint64_t travel_key(double t_s)
{
    uint64_t k;
    memcpy(&k, &t_s, sizeof k);
    return k;
}

static double travel_key_s(uint64_t k)
{
    double t_s;
    memcpy(&t_s, &k, sizeof t_s);
    return t_s;
}

/* ------------------------------------------------------------------------ */
/* The 4-ary heap.                                                           */

static void heap_up(travel_ws *w, size_t i)
{
    travel_heap_item it = w->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (w->heap[p].key <= it.key) break;
        w->heap[i] = w->heap[p];
        w->pos[w->heap[i].node] = (uint32_t)i;
        i = p;
    }
    w->heap[i] = it;
    w->pos[it.node] = (uint32_t)i;
}

static void heap_down(travel_ws *w, size_t i)
{
    travel_heap_item it = w->heap[i];
    size_t n = w->heap_n;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n) break;
        size_t end = c + 4 < n ? c + 4 : n, best = c;
        for (size_t k = c + 1; k < end; k++)
            if (w->heap[k].key < w->heap[best].key) best = k;
        if (w->heap[best].key >= it.key) break;
        w->heap[i] = w->heap[best];
        w->pos[w->heap[i].node] = (uint32_t)i;
        i = best;
    }
    w->heap[i] = it;
    w->pos[it.node] = (uint32_t)i;
}

static travel_heap_item heap_pop(travel_ws *w)
{
    travel_heap_item top = w->heap[0];
    if (--w->heap_n > 0) {
        w->heap[0] = w->heap[w->heap_n];
        heap_down(w, 0);
    }
    w->pos[top.node] = TRAVEL_SETTLED;
    return top;
}

/* ------------------------------------------------------------------------ */
/* Searches.                                                                 */

/* Starts a new search generation; wanted nodes are marked after this. */
static void ws_generation_next(travel_ws *w)
{
    if (++w->gen == 0) {
        /* Wrapped after 2^32 searches: old stamps could now look current. */
        memset(w->seen, 0, w->n * sizeof *w->seen);
        memset(w->want, 0, w->n * sizeof *w->want);
        w->gen = 1;
    }
    w->heap_n = 0;
}

/* Marks v as wanted; returns 1 if it was not already, else 0. */
static size_t ws_want_mark(travel_ws *w, uint32_t v)
{
    if (w->want[v] == w->gen) return 0;
    w->want[v] = w->gen;
    return 1;
}

/* Dijkstra from src over the arcs (start, arc) in the current generation: in fixed point with
 * the arc times q, or in doubles with the arcs' t_s when q is NULL. Stops once n_want wanted
 * nodes are settled, or runs over the whole graph when n_want is 0. */
static void ws_search_run(travel_ws *w, const uint32_t *start, const travel_arc *arc,
                          const uint64_t *q, uint32_t src, size_t n_want)
{
    const uint32_t gen = w->gen;
    uint32_t *seen = w->seen, *pos = w->pos, *pred = w->pred;
    uint64_t *dist = w->dist;
    seen[src] = gen;
    dist[src] = 0;
    pred[src] = UINT32_MAX;
    w->heap[0] = (travel_heap_item){0, src};
    pos[src] = 0;
    w->heap_n = 1;
    while (w->heap_n > 0) {
        travel_heap_item top = heap_pop(w);
        uint32_t v = top.node;
        if (n_want > 0 && w->want[v] == gen && --n_want == 0) break;
        for (uint32_t k = start[v], end = start[v + 1]; k < end; k++) {
            uint32_t u = arc[k].node;
            uint64_t du = q ? top.key + q[k] : travel_key(travel_key_s(top.key) + arc[k].t_s);
            if (seen[u] != gen) {
                seen[u] = gen;
                dist[u] = du;
                pred[u] = k;
                size_t i = w->heap_n++;
                w->heap[i] = (travel_heap_item){du, u};
                heap_up(w, i);
            } else if (pos[u] != TRAVEL_SETTLED && du < dist[u]) {
                dist[u] = du;
                pred[u] = k;
                w->heap[pos[u]].key = du;
                heap_up(w, pos[u]);
            }
        }
    }
}

/* A fixed-point distance in seconds (exact below 2^53 units). */
static double travel_q_s(const travel *t, uint64_t q)
{
    return q >= HL_INF ? INFINITY : (double)q * t->s_per_q;
}

static uint64_t ws_distq_get(const travel_ws *w, uint32_t v)
{
    return w->seen[v] == w->gen ? w->dist[v] : HL_INF;
}

/* The time found for v in the current generation (infinite if it was not reached,
 * which a strongly connected network never allows). */
static double ws_dist_get(const travel_ws *w, uint32_t v)
{
    return w->seen[v] == w->gen ? travel_key_s(w->dist[v]) : INFINITY;
}

/* ------------------------------------------------------------------------ */
/* Building.                                                                 */

/* Builds the forward and reverse arc lists of mode m. */
static int travel_arcs_build(travel *t, net_mode m)
{
    const net *g = t->g;
    size_t n = t->n;
    size_t usable = 0;
    for (size_t e = 0; e < g->n_edges; e++)
        if (g->edges[e].speed_mps[m] > 0) usable++;
    t->fwd_start[m] = malloc((n + 1) * sizeof(uint32_t));
    t->rev_start[m] = malloc((n + 1) * sizeof(uint32_t));
    t->fwd[m] = malloc((usable ? usable : 1) * sizeof(travel_arc));
    t->rev[m] = malloc((usable ? usable : 1) * sizeof(travel_arc));
    t->fwd_q[m] = malloc((usable ? usable : 1) * sizeof(uint64_t));
    t->rev_q[m] = malloc((usable ? usable : 1) * sizeof(uint64_t));
    if (!t->fwd_start[m] || !t->rev_start[m] || !t->fwd[m] || !t->rev[m] || !t->fwd_q[m] ||
        !t->rev_q[m])
        return -1;
    t->bytes += 2 * (n + 1) * sizeof(uint32_t) + 2 * usable * (sizeof(travel_arc) + 8);
    uint32_t kf = 0, kr = 0;
    for (size_t v = 0; v < n; v++) {
        t->fwd_start[m][v] = kf;
        for (uint32_t i = g->out_start[v]; i < g->out_start[v + 1]; i++) {
            const net_edge *e = &g->edges[g->out_edge[i]];
            if (!(e->speed_mps[m] > 0)) continue;
            t->fwd[m][kf++] = (travel_arc){e->to, g->out_edge[i], e->length_m / e->speed_mps[m]};
        }
        t->rev_start[m][v] = kr;
        for (uint32_t i = g->in_start[v]; i < g->in_start[v + 1]; i++) {
            const net_edge *e = &g->edges[g->in_edge[i]];
            if (!(e->speed_mps[m] > 0)) continue;
            t->rev[m][kr++] = (travel_arc){e->from, g->in_edge[i], e->length_m / e->speed_mps[m]};
        }
    }
    t->fwd_start[m][n] = kf;
    t->rev_start[m][n] = kr;
    return 0;
}

typedef struct travel_builder {
    travel *t;
    atomic_size_t *next; /* next job: mode * n + destination */
    atomic_int *failed;
} travel_builder;

/* One builder thread: takes chunks of destinations and fills their table rows. */
static void *travel_table_work(void *arg)
{
    travel_builder *b = arg;
    travel *t = b->t;
    size_t n = t->n, jobs = NET_MODES * n;
    travel_ws *w = travel_ws_create(t);
    if (!w) {
        atomic_store(b->failed, 1);
        return NULL;
    }
    for (;;) {
        size_t first = atomic_fetch_add(b->next, TRAVEL_CHUNK);
        if (first >= jobs || atomic_load(b->failed)) break;
        size_t last = first + TRAVEL_CHUNK < jobs ? first + TRAVEL_CHUNK : jobs;
        for (size_t j = first; j < last; j++) {
            net_mode m = (net_mode)(j / n);
            uint32_t to = (uint32_t)(j % n);
            ws_generation_next(w);
            ws_search_run(w, t->rev_start[m], t->rev[m], NULL, to, 0);
            float *row = t->tab[m] + (size_t)to * n;
            for (size_t v = 0; v < n; v++) row[v] = (float)ws_dist_get(w, (uint32_t)v);
        }
    }
    travel_ws_destroy(w);
    return NULL;
}

static int travel_tables_build(travel *t, int threads)
{
    size_t n = t->n;
    if (n > SIZE_MAX / sizeof(float) / n) return -1;
    for (int m = 0; m < NET_MODES; m++) {
        t->tab[m] = malloc(n * n * sizeof(float));
        if (!t->tab[m]) return -1;
    }
    if (threads <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (int)(cores < TRAVEL_MAX_THREADS ? cores : TRAVEL_MAX_THREADS) : 1;
    }
    if (threads > TRAVEL_MAX_THREADS) threads = TRAVEL_MAX_THREADS;
    size_t jobs_chunks = (NET_MODES * n + TRAVEL_CHUNK - 1) / TRAVEL_CHUNK;
    if ((size_t)threads > jobs_chunks) threads = (int)jobs_chunks;
    atomic_size_t next = 0;
    atomic_int failed = 0;
    travel_builder b = {t, &next, &failed};
    pthread_t tid[TRAVEL_MAX_THREADS];
    int started = 0;
    /* The calling thread works too; a thread that cannot be started just leaves
     * more work for the others. */
    for (int i = 1; i < threads; i++)
        if (pthread_create(&tid[started], NULL, travel_table_work, &b) == 0) started++;
    travel_table_work(&b);
    for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
    return atomic_load(&failed) ? -1 : 0;
}

/* The fixed-point scale (see the file comment) and every arc's time in it. */
static void travel_fixed_build(travel *t)
{
    double total = 0, arcs = 0;
    for (int m = 0; m < NET_MODES; m++) {
        double sum = 0;
        size_t na = t->fwd_start[m][t->n];
        for (size_t k = 0; k < na; k++) sum += t->fwd[m][k].t_s;
        if (sum > total) total = sum;
        if ((double)na > arcs) arcs = (double)na;
    }
    int k = 40;
    while (k > -60 && ldexp(total, k) + arcs >= 0x1p61) k--;
    t->s_per_q = ldexp(1.0, -k);
    for (int m = 0; m < NET_MODES; m++) {
        size_t na = t->fwd_start[m][t->n];
        for (size_t a = 0; a < na; a++) {
            t->fwd_q[m][a] = (uint64_t)llround(ldexp(t->fwd[m][a].t_s, k));
            t->rev_q[m][a] = (uint64_t)llround(ldexp(t->rev[m][a].t_s, k));
        }
    }
}

/* The hub labels of mode m, built on first use: a scenario without foot units never pays
 * for foot labels (on a grid-like foot network they take several times longer to build than
 * the vehicle ones). The first thread to need them builds them under the lock; the others
 * wait. The travel object is logically immutable: the labels are a function of the network
 * alone, so which thread builds them, and when, changes no result. If building runs out of
 * memory, queries of that mode fall back to Dijkstra, which gives the very same times. */
static const hl *travel_lab(const travel *t, net_mode m)
{
    hl *h = atomic_load_explicit(&t->lab[m], memory_order_acquire);
    if (h || !t->labels) return h;
    travel *mt = (travel *)t;
    pthread_mutex_lock(&mt->lab_lock);
    h = atomic_load_explicit(&mt->lab[m], memory_order_relaxed);
    if (!h && !mt->lab_failed[m]) {
        size_t na = t->fwd_start[m][t->n];
        uint32_t *head = malloc((na ? na : 1) * sizeof *head);
        if (head) {
            for (size_t k = 0; k < na; k++) head[k] = t->fwd[m][k].node;
            h = hl_build(t->n, t->fwd_start[m], head, t->fwd_q[m], t->threads);
            free(head);
        }
        if (h)
            atomic_store_explicit(&mt->lab[m], h, memory_order_release);
        else
            mt->lab_failed[m] = true;
    }
    pthread_mutex_unlock(&mt->lab_lock);
    return h;
}

/* ------------------------------------------------------------------------ */
/* Public functions.                                                         */

static travel *travel_build(const net *g, const travel_opts *opts, bool plain)
{
    travel *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->g = g;
    t->n = g->n_nodes;
    t->bytes = sizeof *t;
    pthread_mutex_init(&t->lab_lock, NULL);
    for (int m = 0; m < NET_MODES; m++)
        if (travel_arcs_build(t, (net_mode)m) < 0) goto fail;
    travel_fixed_build(t);
    if (opts && t->n > 0 && t->n <= opts->table_max_nodes) {
        if (travel_tables_build(t, opts->threads) < 0) goto fail;
        t->bytes += travel_table_bytes(t);
    } else if (t->n > 1 && !plain) {
        t->labels = true;
        t->threads = opts ? opts->threads : 0;
    }
    return t;
fail:
    travel_destroy(t);
    return NULL;
}

travel *travel_create(const net *g, const travel_opts *opts)
{
    return travel_build(g, opts, false);
}

travel *travel_create_plain(const net *g, const travel_opts *opts)
{
    return travel_build(g, opts, true);
}

void travel_destroy(travel *t)
{
    if (!t) return;
    for (int m = 0; m < NET_MODES; m++) {
        free(t->fwd_start[m]);
        free(t->fwd[m]);
        free(t->rev_start[m]);
        free(t->rev[m]);
        free(t->fwd_q[m]);
        free(t->rev_q[m]);
        free(t->tab[m]);
        hl_destroy(atomic_load(&t->lab[m]));
    }
    pthread_mutex_destroy(&t->lab_lock);
    free(t);
}

bool travel_has_table(const travel *t)
{
    return t->tab[0] != NULL;
}

size_t travel_table_bytes(const travel *t)
{
    return travel_has_table(t) ? NET_MODES * t->n * t->n * sizeof(float) : 0;
}

size_t travel_bytes(const travel *t)
{
    size_t b = t->bytes;
    for (int m = 0; m < NET_MODES; m++) b += hl_bytes(atomic_load(&t->lab[m]));
    return b;
}

const char *travel_method(const travel *t)
{
    return t->tab[0] ? "tables" : t->labels ? "hub labels" : "Dijkstra per query";
}

const hl *travel_labels(const travel *t, net_mode m)
{
    return travel_lab(t, m);
}

travel_ws *travel_ws_create(const travel *t)
{
    travel_ws *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    size_t n = t->n ? t->n : 1;
    w->t = t;
    w->n = t->n;
    w->seen = calloc(n, sizeof *w->seen);
    w->want = calloc(n, sizeof *w->want);
    w->dist = malloc(n * sizeof *w->dist);
    w->pos = malloc(n * sizeof *w->pos);
    w->pred = malloc(n * sizeof *w->pred);
    w->heap = malloc(n * sizeof *w->heap);
    if (t->labels) w->hw = hl_ws_create(t->n);
    if (!w->seen || !w->want || !w->dist || !w->pos || !w->pred || !w->heap ||
        (t->labels && !w->hw)) {
        travel_ws_destroy(w);
        return NULL;
    }
    return w;
}

void travel_ws_destroy(travel_ws *w)
{
    if (!w) return;
    free(w->seen);
    free(w->want);
    free(w->dist);
    free(w->pos);
    free(w->pred);
    free(w->heap);
    hl_ws_destroy(w->hw);
    free(w->path_node);
    free(w->path_t);
    free(w->path_d);
    free(w);
}

double travel_time_s(const travel *t, travel_ws *w, net_mode m, uint32_t from, uint32_t to)
{
    assert(from < t->n && to < t->n && (int)m >= 0 && m < NET_MODES);
    if (t->tab[m]) return t->tab[m][(size_t)to * t->n + from];
    if (from == to) return 0;
    const hl *h = travel_lab(t, m);
    if (h) return travel_q_s(t, hl_dist(h, from, to));
    ws_generation_next(w);
    size_t n_want = ws_want_mark(w, from);
    ws_search_run(w, t->rev_start[m], t->rev[m], t->rev_q[m], to, n_want);
    return travel_q_s(t, ws_distq_get(w, from));
}

/* The times between at and each of n other nodes: from them to at when rev (travel_times_to),
 * from at to them otherwise (travel_times_from). With tables, a row (to at) or a column (from
 * at: strided, but n is a route's length there, not the network's); with labels, one label
 * spread and a scan per node; else one search from at, stopped once every node is settled. */
static void travel_times_many(const travel *t, travel_ws *w, net_mode m, uint32_t at,
                              const uint32_t *other, size_t n, double *out_s, bool rev)
{
    assert(at < t->n && (int)m >= 0 && m < NET_MODES);
    for (size_t i = 0; i < n; i++) assert(other[i] < t->n);
    if (n == 0) return;
    const float *tab = t->tab[m];
    if (tab && rev) {
        for (size_t i = 0; i < n; i++) out_s[i] = tab[(size_t)at * t->n + other[i]];
        return;
    }
    if (tab) {
        for (size_t i = 0; i < n; i++) out_s[i] = tab[(size_t)other[i] * t->n + at];
        return;
    }
    const hl *h = travel_lab(t, m);
    if (h) {
        /* The results go through out_s as integers first (a double holds the bits) to need
         * no scratch array. */
        uint64_t *q = (uint64_t *)(void *)out_s;
        if (rev)
            hl_dist_to(h, w->hw, at, other, n, q);
        else
            hl_dist_from(h, w->hw, at, other, n, q);
        for (size_t i = 0; i < n; i++) out_s[i] = travel_q_s(t, q[i]);
        return;
    }
    ws_generation_next(w);
    size_t n_want = 0;
    for (size_t i = 0; i < n; i++) n_want += ws_want_mark(w, other[i]);
    if (rev)
        ws_search_run(w, t->rev_start[m], t->rev[m], t->rev_q[m], at, n_want);
    else
        ws_search_run(w, t->fwd_start[m], t->fwd[m], t->fwd_q[m], at, n_want);
    for (size_t i = 0; i < n; i++) out_s[i] = travel_q_s(t, ws_distq_get(w, other[i]));
}

void travel_times_to(const travel *t, travel_ws *w, net_mode m, uint32_t to,
                     const uint32_t *from, size_t n, double *out_s)
{
    travel_times_many(t, w, m, to, from, n, out_s, true);
}

void travel_times_from(const travel *t, travel_ws *w, net_mode m, uint32_t from,
                       const uint32_t *to, size_t n, double *out_s)
{
    travel_times_many(t, w, m, from, to, n, out_s, false);
}

/* Hands the workspace's path of len nodes to out; 0. */
static int ws_path_out(const travel_ws *w, size_t len, travel_path *out)
{
    out->node = w->path_node;
    out->t_s = w->path_t;
    out->d_m = w->path_d;
    out->n = len;
    out->time_s = w->path_t[len - 1];
    out->length_m = w->path_d[len - 1];
    return 0;
}

/* Makes room for a path of n nodes in the workspace. */
static int ws_path_reserve(travel_ws *w, size_t n)
{
    if (n <= w->path_cap) return 0;
    size_t cap = w->path_cap ? w->path_cap : 64;
    while (cap < n) cap *= 2;
    uint32_t *node = realloc(w->path_node, cap * sizeof *node);
    if (!node) return -1;
    w->path_node = node;
    double *pt = realloc(w->path_t, cap * sizeof *pt);
    if (!pt) return -1;
    w->path_t = pt;
    double *pd = realloc(w->path_d, cap * sizeof *pd);
    if (!pd) return -1;
    w->path_d = pd;
    w->path_cap = cap;
    return 0;
}

/* With a table, the path needs no search: from each node take the out-arc that minimises
 * arc time + table time to the destination. That is a walk of path-length x degree look-ups
 * instead of a Dijkstra over the network (the model asks for a path at every dispatch, so
 * this is most of a run's time otherwise). Float rounding in the table could in principle
 * make the walk cycle between near-equal choices; it is cut off after n steps, and the
 * Dijkstra below answers instead. */
static int travel_path_walk(const travel *t, travel_ws *w, net_mode m, uint32_t from,
                            uint32_t to, travel_path *out)
{
    const travel_arc *arc = t->fwd[m];
    const uint32_t *start = t->fwd_start[m];
    const float *row = t->tab[m] + (size_t)to * t->n;
    const net *g = t->g;
    size_t len = 1;
    if (ws_path_reserve(w, 64) < 0) return -1;
    w->path_node[0] = from;
    w->path_t[0] = 0;
    w->path_d[0] = 0;
    for (uint32_t v = from; v != to;) {
        if (len > t->n) return 1;
        const travel_arc *best = NULL;
        double best_t = INFINITY;
        for (uint32_t k = start[v]; k < start[v + 1]; k++) {
            double via = arc[k].t_s + (arc[k].node == to ? 0.0 : (double)row[arc[k].node]);
            if (via < best_t) {
                best_t = via;
                best = &arc[k];
            }
        }
        if (!best) return 1;
        if (ws_path_reserve(w, len + 1) < 0) return -1;
        w->path_node[len] = v = best->node;
        w->path_t[len] = w->path_t[len - 1] + best->t_s;
        w->path_d[len] = w->path_d[len - 1] + g->edges[best->edge].length_m;
        len++;
    }
    return ws_path_out(w, len, out);
}

/* Without a table, with labels: from each node, the first out-arc whose fixed-point time
 * plus the label distance from its head equals the distance from the node. Integer sums
 * are exact, so such an arc always exists on a shortest path and the walk never strays;
 * each step costs the out-labels of the node's neighbours, with the target's in-label
 * spread once. */
static int travel_path_labels(const travel *t, travel_ws *w, net_mode m, uint32_t from,
                              uint32_t to, travel_path *out)
{
    const hl *h = travel_lab(t, m);
    const travel_arc *arc = t->fwd[m];
    const uint64_t *q = t->fwd_q[m];
    const uint32_t *start = t->fwd_start[m];
    const net *g = t->g;
    if (ws_path_reserve(w, 64) < 0) return -1;
    hl_target_set(h, w->hw, to);
    uint64_t dv = hl_target_dist(h, w->hw, from), cum = 0;
    int rc = dv >= HL_INF ? -1 : 0;
    size_t len = 1;
    w->path_node[0] = from;
    w->path_t[0] = 0;
    w->path_d[0] = 0;
    for (uint32_t v = from; rc == 0 && v != to;) {
        uint32_t k = start[v], end = start[v + 1];
        uint64_t du = HL_INF;
        for (; k < end; k++) {
            du = hl_target_dist(h, w->hw, arc[k].node);
            if (q[k] + du == dv) break;
        }
        if (k == end || len > t->n || ws_path_reserve(w, len + 1) < 0) {
            rc = -1; /* no such arc cannot happen with exact labels; out of memory can */
            break;
        }
        cum += q[k];
        w->path_node[len] = v = arc[k].node;
        w->path_t[len] = travel_q_s(t, cum);
        w->path_d[len] = w->path_d[len - 1] + g->edges[arc[k].edge].length_m;
        len++;
        dv = du;
    }
    hl_target_clear(h, w->hw, to);
    if (rc) return rc;
    return ws_path_out(w, len, out);
}

int travel_path_find(const travel *t, travel_ws *w, net_mode m, uint32_t from, uint32_t to,
                     travel_path *out)
{
    assert(from < t->n && to < t->n && (int)m >= 0 && m < NET_MODES);
    if (t->tab[m]) {
        int rc = travel_path_walk(t, w, m, from, to, out);
        if (rc <= 0) return rc;
    } else if (travel_lab(t, m)) {
        return travel_path_labels(t, w, m, from, to, out);
    }
    const bool fixed = !t->tab[m];
    const travel_arc *arc = t->fwd[m];
    const net *g = t->g;
    ws_generation_next(w);
    size_t n_want = ws_want_mark(w, to);
    ws_search_run(w, t->fwd_start[m], arc, fixed ? t->fwd_q[m] : NULL, from, n_want);
    if (w->seen[to] != w->gen) return -1; /* unreachable: net_load makes this impossible */
    size_t len = 1;
    for (uint32_t v = to; v != from; v = g->edges[arc[w->pred[v]].edge].from) len++;
    if (ws_path_reserve(w, len) < 0) return -1;
    size_t i = len;
    for (uint32_t v = to;; v = g->edges[arc[w->pred[v]].edge].from) {
        w->path_node[--i] = v;
        if (v == from) break;
    }
    /* Accumulate from the start, in the same order as the search did, so time_s is
     * exactly the search's distance to `to` (in fixed point, exactly travel_time_s). */
    uint64_t cum = 0;
    w->path_t[0] = 0;
    w->path_d[0] = 0;
    for (size_t k = 1; k < len; k++) {
        uint32_t a = w->pred[w->path_node[k]];
        if (fixed) {
            cum += t->fwd_q[m][a];
            w->path_t[k] = travel_q_s(t, cum);
        } else {
            w->path_t[k] = w->path_t[k - 1] + arc[a].t_s;
        }
        w->path_d[k] = w->path_d[k - 1] + g->edges[arc[a].edge].length_m;
    }
    return ws_path_out(w, len, out);
}
