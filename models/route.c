/* route.c - building patrol routes and finding a unit on them. See route.h.
 *
 * Building concatenates the travel model's fastest paths leg by leg: each
 * leg's first node is the previous leg's last, so it is dropped, and a leg
 * between two equal waypoints adds nothing. The cumulative times are kept at
 * full travel speed while building and divided by the speed factor once at the
 * end, so t_s[i] is exactly (travel time to position i) / speed_factor. Every
 * edge takes a positive time (net_load refuses lengths and speeds <= 0 for a
 * usable edge), so t_s is strictly increasing and a binary search over it is
 * well defined.
 *
 * An out-and-back route's return retraces the waypoints in reverse order, each
 * leg being the fastest path by the route's mode from one waypoint back to the
 * one before. On two-way streets that is the outward path reversed; where a
 * one-way street or a faster alternative makes the way back differ, the unit
 * takes the way back it can actually drive (or walk) rather than an illegal
 * reverse of the outward path.
 *
 * Passes: the pass of cycle k at position i has phase k * cycle_s + t_s[i],
 * always computed by that one expression, so the test "phase_a <= pass <
 * phase_b" is decided on the same double whatever interval asks. Consecutive
 * intervals [a, b), [b, c) therefore report every pass exactly once, even when
 * a boundary falls on a pass up to rounding.
 */
#include "route.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Destinations asked of travel_times_from at once in route_rejoin: enough for
 * any ordinary route in one search, and no allocation in the event loop. */
#define ROUTE_REJOIN_CHUNK 256

typedef struct route_buf {
    uint32_t *node;
    double *t_s, *d_m; /* travel time (full speed) and distance while building */
    size_t n, cap;
} route_buf;

/* Room for n + 1 entries in t_s and d_m (the closing entry), n in node. */
static int route_buf_reserve(route_buf *b, size_t n)
{
    if (n + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < n + 1)
        cap *= 2;
    uint32_t *node = realloc(b->node, cap * sizeof *node);
    if (!node) return -1;
    b->node = node;
    double *t = realloc(b->t_s, cap * sizeof *t);
    if (!t) return -1;
    b->t_s = t;
    double *d = realloc(b->d_m, cap * sizeof *d);
    if (!d) return -1;
    b->d_m = d;
    b->cap = cap;
    return 0;
}

/* Appends the leg from the last node in b to `to`, without its first node (b's
 * last). A leg between equal nodes adds nothing. The closing leg (back to
 * node[0]) is appended like any other and removed by the caller. */
static int route_leg_append(route_buf *b, const travel *t, travel_ws *w, net_mode mode, uint32_t to)
{
    uint32_t from = b->node[b->n - 1];
    if (from == to) return 0;
    travel_path p;
    if (travel_path_find(t, w, mode, from, to, &p) != 0) return -1;
    if (route_buf_reserve(b, b->n + p.n) < 0) return -1;
    double t0 = b->t_s[b->n - 1], d0 = b->d_m[b->n - 1];
    for (size_t k = 1; k < p.n; k++) {
        b->node[b->n] = p.node[k];
        b->t_s[b->n] = t0 + p.t_s[k];
        b->d_m[b->n] = d0 + p.d_m[k];
        b->n++;
    }
    return 0;
}

int route_build(route *r, const travel *t, travel_ws *w, const net *g, net_mode mode, int loop,
                double speed_factor, const uint32_t *wp, size_t n_wp)
{
    assert(n_wp >= 1 && speed_factor > 0 && speed_factor <= 1);
    (void)g; /* the travel model already holds the network; kept for the callers' symmetry */
    r->mode = mode;
    r->loop = loop ? 1 : 0;
    r->speed_factor = speed_factor;
    r->node = NULL;
    r->t_s = r->d_m = NULL;
    r->n = 0;
    r->cycle_s = 0;

    route_buf b = {0};
    if (route_buf_reserve(&b, 1) < 0) goto fail;
    b.node[0] = wp[0];
    b.t_s[0] = b.d_m[0] = 0;
    b.n = 1;
    for (size_t k = 1; k < n_wp; k++)
        if (route_leg_append(&b, t, w, mode, wp[k]) < 0) goto fail;
    if (loop) {
        if (route_leg_append(&b, t, w, mode, wp[0]) < 0) goto fail;
    } else { /* back through the waypoints in reverse order (see the top of this file) */
        for (size_t k = n_wp - 1; k-- > 0;)
            if (route_leg_append(&b, t, w, mode, wp[k]) < 0) goto fail;
    }

    /* Now b ends at wp[0] again, unless the route never left it (every
     * waypoint equal): then it is a route that stands at one node. That last
     * entry is the cycle's end: its time and distance become t_s[n], d_m[n]. */
    size_t n = b.n > 1 ? b.n - 1 : 1;
    assert(b.node[b.n - 1] == wp[0]);
    if (b.n == 1) {
        b.t_s[1] = 0;
        b.d_m[1] = 0;
    }
    for (size_t i = 0; i <= n; i++)
        b.t_s[i] /= speed_factor;
    r->node = b.node;
    r->t_s = b.t_s;
    r->d_m = b.d_m;
    r->n = n;
    r->cycle_s = b.t_s[n];
    return 0;
fail:
    free(b.node);
    free(b.t_s);
    free(b.d_m);
    return -1;
}

void route_fini(route *r)
{
    if (!r) return;
    free(r->name);
    free(r->node);
    free(r->t_s);
    free(r->d_m);
    memset(r, 0, sizeof *r);
}

/* The phase reduced to [0, cycle_s). fmod of a negative phase, or of one a hair
 * below a multiple of the cycle, can round to cycle_s itself: that is 0. */
static double route_phase_reduce(const route *r, double phase_s)
{
    if (!(r->cycle_s > 0)) return 0;
    double p = fmod(phase_s, r->cycle_s);
    if (p < 0) p += r->cycle_s;
    if (p >= r->cycle_s) p = 0;
    return p;
}

/* The largest i in [0, n) with t_s[i] <= p, for p in [0, cycle_s). */
static size_t route_segment_find(const route *r, double p)
{
    size_t lo = 0, hi = r->n; /* t_s[lo] <= p < t_s[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->t_s[mid] <= p)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void route_locate(const route *r, double phase_s, size_t *i, double *frac, uint32_t *next_node,
                  double *to_next_s)
{
    assert(r->n >= 1);
    if (!(r->cycle_s > 0)) { /* a route that stands at one node */
        *i = 0;
        *frac = 0;
        *next_node = r->node[0];
        *to_next_s = 0;
        return;
    }
    double p = route_phase_reduce(r, phase_s);
    size_t k = route_segment_find(r, p);
    double seg = r->t_s[k + 1] - r->t_s[k];
    *i = k;
    *frac = (p - r->t_s[k]) / seg;
    *next_node = r->node[k + 1 < r->n ? k + 1 : 0];
    *to_next_s = r->t_s[k + 1] - p;
}

double route_phase_at(const route *r, size_t i)
{
    assert(i <= r->n);
    return r->t_s[i];
}

void route_passes(const route *r, double phase_a, double phase_b, double t0_s,
                  void (*fn)(void *ctx, size_t i, uint32_t node, double t_s), void *ctx)
{
    if (!(phase_a < phase_b) || r->n == 0) return;
    if (!(r->cycle_s > 0)) { /* stands at its one node the whole time: one pass, at the start */
        fn(ctx, 0, r->node[0], t0_s);
        return;
    }
    /* Start one cycle early: floor(phase_a / cycle_s) may round up across a
     * multiple of the cycle. Then find the first pass at or after phase_a by
     * binary search within a cycle: base + t_s[i] is non-decreasing in i even
     * when rounded, and it is the very expression the loop below compares. */
    double k = floor(phase_a / r->cycle_s) - 1;
    size_t i;
    for (;; k += 1) {
        double base = k * r->cycle_s;
        size_t lo = 0, hi = r->n; /* first i in [lo, hi] with base + t_s[i] >= phase_a */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (base + r->t_s[mid] >= phase_a)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (lo < r->n) {
            i = lo;
            break;
        }
    }
    for (;; k += 1, i = 0) {
        double base = k * r->cycle_s;
        for (; i < r->n; i++) {
            double x = base + r->t_s[i];
            if (x >= phase_b) return;
            fn(ctx, i, r->node[i], t0_s + (x - phase_a));
        }
    }
}

size_t route_rejoin(const route *r, const travel *t, travel_ws *w, uint32_t from, double *travel_s)
{
    assert(r->n >= 1);
    size_t best = 0;
    double best_s = INFINITY;
    double out[ROUTE_REJOIN_CHUNK];
    /* Strictly smaller wins, in cycle order: ties go to the smallest position. */
    for (size_t first = 0; first < r->n; first += ROUTE_REJOIN_CHUNK) {
        size_t m = r->n - first < ROUTE_REJOIN_CHUNK ? r->n - first : ROUTE_REJOIN_CHUNK;
        travel_times_from(t, w, r->mode, from, r->node + first, m, out);
        for (size_t k = 0; k < m; k++)
            if (out[k] < best_s) {
                best_s = out[k];
                best = first + k;
            }
    }
    if (travel_s) *travel_s = best_s;
    return best;
}
