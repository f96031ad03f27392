/* test_route.c - patrol routes: building, position over time, passes, rejoining.
 *
 * A 9 x 7 grid with jittered lengths, one-way rows for vehicles (footpaths
 * both ways, one walking speed everywhere) and two-way columns. Every check is
 * against a brute force written here from the definition (walk the cycle, scan
 * every position), never against numbers copied from a run. Each check runs
 * with and without travel tables. On the district map, when present, it prints
 * (does not assert) what building, rejoining and passes cost.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "net.h"
#include "route.h"
#include "travel.h"

#define GRID_NX 9
#define GRID_NY 7

static uint64_t rng_state = 0x2385f00du;

/* splitmix64: the same graphs and phases on every run. */
static uint64_t rand_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rand_unit(void)
{
    return (double)(rand_next() >> 11) * 0x1.0p-53;
}

static uint32_t rand_below(size_t n)
{
    return (uint32_t)(rand_next() % n);
}

/* The grid through a temporary file. Node (i, j) has id 100 + j * GRID_NX + i.
 * Odd rows are one-way for vehicles (east on rows 1, 5; west on row 3) with a
 * footpath back; even rows and all columns are two-way. */
static net *grid_load(void)
{
    char path[] = "/tmp/test_route_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    FILE *f = fdopen(fd, "w");
    fprintf(f, "patrolsim-network 1\nclass main 12.5 1.3\nclass street 8.3 1.3\n"
               "class path 0 1.3\n");
    for (int j = 0; j < GRID_NY; j++)
        for (int i = 0; i < GRID_NX; i++)
            fprintf(f, "node %d %.1f %.1f\n", 100 + j * GRID_NX + i, 150.0 * i, 150.0 * j);
    for (int j = 0; j < GRID_NY; j++)
        for (int i = 0; i < GRID_NX; i++) {
            int v = 100 + j * GRID_NX + i;
            if (i + 1 < GRID_NX) {
                double l = 150.0 * (1.0 + 0.3 * rand_unit());
                if (j % 2 == 1) {
                    int a = j == 3 ? v + 1 : v, b = j == 3 ? v : v + 1;
                    fprintf(f, "edge %d %d %.2f street\nedge %d %d %.2f path\n", a, b, l, b, a, l);
                } else {
                    fprintf(f, "road %d %d %.2f %s\n", v, v + 1, l, j == 0 ? "main" : "street");
                }
            }
            if (j + 1 < GRID_NY)
                fprintf(f, "road %d %d %.2f street\n", v, v + GRID_NX,
                        150.0 * (1.0 + 0.3 * rand_unit()));
        }
    fclose(f);
    diag *d = diag_create();
    net *g = net_load(path, d);
    if (!g) diag_print(d, stderr);
    diag_destroy(d);
    unlink(path);
    return g;
}

static uint32_t node_at(const net *g, int i, int j)
{
    int32_t v = net_node_index(g, 100 + j * GRID_NX + i);
    CHECK(v >= 0);
    return (uint32_t)(v < 0 ? 0 : v);
}

/* The time and length of the edge u -> v usable by m (the fastest if several), or -1. */
static double edge_time_s(const net *g, net_mode m, uint32_t u, uint32_t v, double *len_m)
{
    double best = -1;
    for (uint32_t k = g->out_start[u]; k < g->out_start[u + 1]; k++) {
        const net_edge *e = &g->edges[g->out_edge[k]];
        if (e->to != v || !(e->speed_mps[m] > 0)) continue;
        double s = e->length_m / e->speed_mps[m];
        if (best < 0 || s < best) {
            best = s;
            *len_m = e->length_m;
        }
    }
    return best;
}

/* The route is a closed walk on edges of its mode, its times the edge times over
 * the speed factor, its distances the edge lengths; it visits the waypoints in order
 * (then, out and back, in reverse order). */
static void route_walk_check(const net *g, const route *r, const uint32_t *wp, size_t n_wp)
{
    CHECK(r->n >= 2);
    CHECK_EQ(r->node[0], wp[0]);
    CHECK_NEAR(r->t_s[0], 0, 0);
    CHECK_NEAR(r->d_m[0], 0, 0);
    CHECK_NEAR(r->t_s[r->n], r->cycle_s, 0);
    CHECK(r->cycle_s > 0);
    size_t bad = 0;
    for (size_t i = 0; i < r->n; i++) {
        uint32_t u = r->node[i], v = r->node[(i + 1) % r->n];
        double len = 0, s = edge_time_s(g, r->mode, u, v, &len);
        if (s < 0 || fabs((r->t_s[i + 1] - r->t_s[i]) - s / r->speed_factor) > 1e-9 * r->cycle_s ||
            fabs((r->d_m[i + 1] - r->d_m[i]) - len) > 1e-9 * r->d_m[r->n])
            bad++;
    }
    CHECK_EQ(bad, 0);
    /* Waypoints in order: outward, then (out and back) back through them. */
    size_t want = 0, n_want = r->loop ? n_wp : 2 * n_wp - 1;
    for (size_t i = 0; i <= r->n && want < n_want; i++) {
        size_t k = want < n_wp ? want : 2 * n_wp - 2 - want;
        if (r->node[i % r->n] == wp[k]) want++;
    }
    CHECK_EQ(want, n_want);
}

/* Brute force: walk the cycle from position 0 until the phase falls in a segment. */
static void locate_brute(const route *r, double phase, size_t *i, double *frac)
{
    double p = fmod(phase, r->cycle_s);
    if (p < 0) p += r->cycle_s;
    if (p >= r->cycle_s) p = 0;
    size_t k = 0;
    while (k + 1 < r->n && r->t_s[k + 1] <= p)
        k++;
    *i = k;
    *frac = (p - r->t_s[k]) / (r->t_s[k + 1] - r->t_s[k]);
}

static void locate_check(const route *r)
{
    size_t bad = 0;
    for (int k = 0; k < 4000; k++) {
        double phase;
        if (k % 4 == 0) /* exactly on a position, some cycles away (either side) */
            phase = (double)((int)rand_below(7) - 3) * r->cycle_s + r->t_s[rand_below(r->n)];
        else
            phase = (rand_unit() * 10 - 4) * r->cycle_s;
        size_t i, bi;
        double frac, bfrac, to_next;
        uint32_t next;
        route_locate(r, phase, &i, &frac, &next, &to_next);
        locate_brute(r, phase, &bi, &bfrac);
        double p = fmod(phase, r->cycle_s);
        if (p < 0) p += r->cycle_s;
        bool ok = i == bi && fabs(frac - bfrac) <= 1e-9 && frac >= 0 && frac < 1 &&
                  next == r->node[(bi + 1) % r->n] && to_next > 0 &&
                  fabs(to_next - (r->t_s[bi + 1] - r->t_s[bi]) * (1 - bfrac)) <= 1e-6;
        if (!ok) {
            if (bad < 5)
                fprintf(stderr, "locate(%.17g): i %zu frac %g next %u; brute i %zu frac %g\n",
                        phase, i, frac, next, bi, bfrac);
            bad++;
        }
    }
    CHECK_EQ(bad, 0);
    /* At the cycle's end the unit is back at position 0. */
    size_t i;
    double frac, to_next;
    uint32_t next;
    route_locate(r, r->cycle_s, &i, &frac, &next, &to_next);
    CHECK_EQ(i, 0);
    CHECK_NEAR(frac, 0, 1e-12);
    CHECK_EQ(next, r->node[1]);
    /* A hair before a cycle's start: fmod rounds it to the cycle's end, which is position 0. */
    route_locate(r, -1e-300, &i, &frac, &next, &to_next);
    CHECK_EQ(i, 0);
    CHECK(frac >= 0 && frac < 1);
    for (size_t k = 0; k < r->n; k++)
        CHECK_NEAR(route_phase_at(r, k), r->t_s[k], 0);
}

typedef struct pass {
    size_t i;
    uint32_t node;
    double t_s;
} pass;

typedef struct pass_list {
    pass *p;
    size_t n, cap;
} pass_list;

static void pass_record(void *ctx, size_t i, uint32_t node, double t_s)
{
    pass_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->p = realloc(l->p, l->cap * sizeof *l->p);
    }
    l->p[l->n++] = (pass){i, node, t_s};
}

/* Brute force from the definition: every (cycle k, position i) whose phase
 * k * cycle_s + t_s[i] lies in [a, b), in (k, i) order. */
static void passes_brute(const route *r, double a, double b, double t0, pass_list *l)
{
    l->n = 0;
    for (double k = floor(a / r->cycle_s) - 2; k <= ceil(b / r->cycle_s) + 1; k += 1)
        for (size_t i = 0; i < r->n; i++) {
            double x = k * r->cycle_s + r->t_s[i];
            if (x >= a && x < b) pass_record(l, i, r->node[i], t0 + (x - a));
        }
}

static bool pass_lists_equal(const pass_list *x, const pass_list *y)
{
    if (x->n != y->n) return false;
    for (size_t k = 0; k < x->n; k++)
        if (x->p[k].i != y->p[k].i || x->p[k].node != y->p[k].node || x->p[k].t_s != y->p[k].t_s)
            return false;
    return true;
}

static void passes_check(const route *r)
{
    pass_list got = {0}, want = {0}, part = {0};
    size_t bad = 0, bad_order = 0, bad_split = 0;
    double c = r->cycle_s;
    for (int k = 0; k < 600; k++) {
        double a, b;
        switch (k % 5) {
        case 0: /* short, inside a cycle */
            a = rand_unit() * 3 * c;
            b = a + rand_unit() * 0.3 * c;
            break;
        case 1: /* several cycles */
            a = (rand_unit() * 6 - 2) * c;
            b = a + (1 + rand_unit() * 4) * c;
            break;
        case 2: /* starting exactly on a pass */
            a = (double)rand_below(5) * c + r->t_s[rand_below(r->n)];
            b = a + rand_unit() * 2 * c;
            break;
        case 3: /* ending exactly on a pass */
            b = (double)rand_below(5) * c + r->t_s[rand_below(r->n)];
            a = b - rand_unit() * 2 * c;
            break;
        default: /* both ends on cycle starts */
            a = (double)rand_below(4) * c;
            b = a + (double)(1 + rand_below(3)) * c;
            break;
        }
        double t0 = 1000 * rand_unit();
        got.n = 0;
        route_passes(r, a, b, t0, pass_record, &got);
        passes_brute(r, a, b, t0, &want);
        if (!pass_lists_equal(&got, &want)) bad++;
        for (size_t m = 1; m < got.n; m++)
            if (got.p[m].t_s < got.p[m - 1].t_s) bad_order++;
        /* Splitting [a, b) at any point gives the same passes, once each. */
        double mid =
            k % 2 ? a + rand_unit() * (b - a) : floor(a / c) * c + r->t_s[rand_below(r->n)] + c;
        if (mid > a && mid < b) {
            part.n = 0;
            route_passes(r, a, mid, t0, pass_record, &part);
            size_t n1 = part.n;
            route_passes(r, mid, b, t0 + (mid - a), pass_record, &part);
            bool ok = part.n == got.n;
            for (size_t m = 0; ok && m < part.n; m++)
                ok = part.p[m].i == got.p[m].i &&
                     fabs(part.p[m].t_s - got.p[m].t_s) <= 1e-9 * (1 + fabs(t0) + b - a);
            if (!ok || (n1 > 0 && part.p[n1 - 1].t_s > t0 + (mid - a))) bad_split++;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(bad_order, 0);
    CHECK_EQ(bad_split, 0);

    /* Boundaries by hand: a pass exactly at phase_a counts, one at phase_b does not. */
    size_t j = r->n / 2;
    double pa = 2 * c + r->t_s[j], pb = 2 * c + r->t_s[j + 1];
    got.n = 0;
    route_passes(r, pa, pb, 50, pass_record, &got);
    CHECK_EQ(got.n, 1);
    if (got.n == 1) {
        CHECK_EQ(got.p[0].i, j);
        CHECK_NEAR(got.p[0].t_s, 50, 0);
    }
    /* Exactly one full cycle from position 0: every position once, node[0] first. */
    got.n = 0;
    route_passes(r, 3 * c, 4 * c, 0, pass_record, &got);
    CHECK_EQ(got.n, r->n);
    for (size_t m = 0; m < got.n; m++)
        CHECK_EQ(got.p[m].i, m);
    /* Empty and reversed intervals report nothing. */
    got.n = 0;
    route_passes(r, pa, pa, 0, pass_record, &got);
    route_passes(r, pb, pa, 0, pass_record, &got);
    CHECK_EQ(got.n, 0);
    free(got.p);
    free(want.p);
    free(part.p);
}

/* Rejoin against brute force: the smallest travel_time_s to any position, first
 * position on ties. */
static void rejoin_check(const net *g, const route *r, const travel *t, travel_ws *w)
{
    size_t bad = 0;
    for (uint32_t from = 0; from < g->n_nodes; from++) {
        size_t want = 0;
        double want_s = INFINITY;
        for (size_t i = 0; i < r->n; i++) {
            double s = travel_time_s(t, w, r->mode, from, r->node[i]);
            if (s < want_s - 1e-9 * (1 + s)) {
                want_s = s;
                want = i;
            }
        }
        double got_s = -1;
        size_t got = route_rejoin(r, t, w, from, &got_s);
        if (got != want || fabs(got_s - want_s) > 1e-6 * (1 + want_s)) {
            if (bad < 5)
                fprintf(stderr, "rejoin from %u: got %zu (%.9g s), want %zu (%.9g s)\n", from, got,
                        got_s, want, want_s);
            bad++;
        }
    }
    CHECK_EQ(bad, 0);
    /* From a node on the route: that node's first position, at no cost. */
    for (size_t i = 0; i < r->n; i++) {
        size_t first = 0;
        while (r->node[first] != r->node[i])
            first++;
        double s = -1;
        CHECK_EQ(route_rejoin(r, t, w, r->node[i], &s), first);
        CHECK_NEAR(s, 0, 0);
    }
}

/* travel_times_from agrees with travel_time_s pair by pair, repeats and the
 * source itself included. */
static void times_from_check(const net *g, const travel *t, travel_ws *w)
{
    uint32_t to[30];
    double out[30];
    size_t bad = 0;
    for (int k = 0; k < 200; k++) {
        net_mode m = (net_mode)(k % 2);
        uint32_t from = rand_below(g->n_nodes);
        for (int i = 0; i < 30; i++)
            to[i] = rand_below(g->n_nodes);
        to[4] = to[2];
        to[9] = from;
        travel_times_from(t, w, m, from, to, 30, out);
        for (int i = 0; i < 30; i++) {
            double one = travel_time_s(t, w, m, from, to[i]);
            if (fabs(out[i] - one) > 1e-9 * (1 + one)) bad++;
        }
        CHECK_NEAR(out[9], 0, 0);
    }
    CHECK_EQ(bad, 0);
    travel_times_from(t, w, NET_FOOT, 0, to, 0, out); /* nothing asked: nothing done */
}

static void routes_check(const net *g, const travel *t, travel_ws *w)
{
    uint32_t A = node_at(g, 1, 1), B = node_at(g, 6, 1), C = node_at(g, 6, 5), D = node_at(g, 2, 4);
    uint32_t E = node_at(g, 8, 3);
    const uint32_t wp[4] = {A, B, C, D};

    /* A vehicle loop through four corners. */
    route r = {0};
    CHECK_EQ(route_build(&r, t, w, g, NET_VEHICLE, 1, 1.0, wp, 4), 0);
    CHECK_EQ(r.loop, 1);
    CHECK_EQ(r.mode, NET_VEHICLE);
    route_walk_check(g, &r, wp, 4);
    double loop_s = 0;
    for (size_t k = 0; k < 4; k++)
        loop_s += travel_time_s(t, w, NET_VEHICLE, wp[k], wp[(k + 1) % 4]);
    CHECK_NEAR(r.cycle_s, loop_s, 1e-4 * loop_s);
    locate_check(&r);
    passes_check(&r);
    rejoin_check(g, &r, t, w);

    /* Patrol speed: the same nodes, times over the speed factor, same distances. */
    route slow = {0};
    CHECK_EQ(route_build(&slow, t, w, g, NET_VEHICLE, 1, 0.35, wp, 4), 0);
    CHECK_EQ(slow.n, r.n);
    size_t bad = 0;
    for (size_t i = 0; i <= r.n && slow.n == r.n; i++)
        if ((i < r.n && slow.node[i] != r.node[i]) ||
            fabs(slow.t_s[i] - r.t_s[i] / 0.35) > 1e-12 * slow.cycle_s || slow.d_m[i] != r.d_m[i])
            bad++;
    CHECK_EQ(bad, 0);
    CHECK_NEAR(slow.cycle_s, r.cycle_s / 0.35, 1e-9 * slow.cycle_s);
    /* Where the fast unit is at phase x, the slow one is at phase x / 0.35. */
    for (int k = 0; k < 50; k++) {
        double x = rand_unit() * r.cycle_s;
        size_t i1, i2;
        double f1, f2, n1, n2;
        uint32_t v1, v2;
        route_locate(&r, x, &i1, &f1, &v1, &n1);
        route_locate(&slow, x / 0.35, &i2, &f2, &v2, &n2);
        CHECK(i1 == i2 || fabs(f1 - f2) > 0.999); /* a boundary may round either way */
        if (i1 == i2) CHECK_NEAR(n2, n1 / 0.35, 1e-6);
    }
    route_fini(&slow);

    /* Repeated waypoints, and a loop that names its start again at the end, change nothing. */
    const uint32_t wp_rep[7] = {A, A, B, C, C, D, A};
    route rep = {0};
    CHECK_EQ(route_build(&rep, t, w, g, NET_VEHICLE, 1, 1.0, wp_rep, 7), 0);
    CHECK_EQ(rep.n, r.n);
    CHECK(rep.n == r.n && memcmp(rep.node, r.node, r.n * sizeof *r.node) == 0);
    CHECK_NEAR(rep.cycle_s, r.cycle_s, 0);
    route_fini(&rep);
    route_fini(&r);

    /* Out and back on foot, where every street is two-way at the same speed: the
     * way back is the way out reversed. */
    const uint32_t wp2[3] = {A, C, E};
    route ob = {0};
    CHECK_EQ(route_build(&ob, t, w, g, NET_FOOT, 0, 0.8, wp2, 3), 0);
    CHECK_EQ(ob.loop, 0);
    route_walk_check(g, &ob, wp2, 3);
    size_t far = 0;
    while (far < ob.n && ob.node[far] != E)
        far++;
    CHECK(far < ob.n);
    CHECK_EQ(ob.n, 2 * far);
    bad = 0;
    for (size_t k = 1; k < far && ob.n == 2 * far; k++)
        if (ob.node[far + k] != ob.node[far - k]) bad++;
    CHECK_EQ(bad, 0);
    CHECK_NEAR(ob.t_s[far], ob.cycle_s / 2, 1e-9 * ob.cycle_s);
    CHECK_NEAR(ob.d_m[far], ob.d_m[ob.n] / 2, 1e-9 * ob.d_m[ob.n]);
    locate_check(&ob);
    passes_check(&ob);
    rejoin_check(g, &ob, t, w);
    route_fini(&ob);

    /* Out and back by vehicle across the one-way rows: the way back is the fastest
     * legal way, not the way out reversed, and takes its own time. */
    const uint32_t wp3[2] = {node_at(g, 0, 3), node_at(g, 8, 3)};
    route ov = {0};
    CHECK_EQ(route_build(&ov, t, w, g, NET_VEHICLE, 0, 1.0, wp3, 2), 0);
    route_walk_check(g, &ov, wp3, 2);
    far = 0;
    while (far < ov.n && ov.node[far] != wp3[1])
        far++;
    double out_s = travel_time_s(t, w, NET_VEHICLE, wp3[0], wp3[1]);
    double back_s = travel_time_s(t, w, NET_VEHICLE, wp3[1], wp3[0]);
    CHECK(far < ov.n);
    if (far < ov.n) {
        CHECK_NEAR(ov.t_s[far], out_s, 1e-4 * out_s);
        CHECK_NEAR(ov.cycle_s - ov.t_s[far], back_s, 1e-4 * back_s);
    }
    CHECK(out_s > back_s * 1.05); /* row 3 runs west: going east needs a detour */
    locate_check(&ov);
    passes_check(&ov);
    rejoin_check(g, &ov, t, w);
    route_fini(&ov);

    /* One waypoint (or all the same): a route that stands at one node. */
    route post = {0};
    const uint32_t wp1[3] = {D, D, D};
    for (size_t n_wp = 1; n_wp <= 3; n_wp++) {
        CHECK_EQ(route_build(&post, t, w, g, NET_FOOT, n_wp != 2, 1.0, wp1, n_wp), 0);
        CHECK_EQ(post.n, 1);
        CHECK_EQ(post.node[0], D);
        CHECK_NEAR(post.cycle_s, 0, 0);
        CHECK_NEAR(post.t_s[1], 0, 0);
        CHECK_NEAR(post.d_m[1], 0, 0);
        size_t i = 9;
        double frac = 9, to_next = 9;
        uint32_t next = 0;
        route_locate(&post, 1234.5, &i, &frac, &next, &to_next);
        CHECK_EQ(i, 0);
        CHECK_NEAR(frac, 0, 0);
        CHECK_EQ(next, D);
        CHECK_NEAR(to_next, 0, 0);
        pass_list l = {0};
        route_passes(&post, 10, 5000, 7, pass_record, &l);
        CHECK_EQ(l.n, 1);
        if (l.n == 1) CHECK_NEAR(l.p[0].t_s, 7, 0);
        free(l.p);
        double s = -1;
        CHECK_EQ(route_rejoin(&post, t, w, A, &s), 0);
        CHECK_NEAR(s, travel_time_s(t, w, NET_FOOT, A, D), 1e-6 * s);
        route_fini(&post);
    }
    /* The name is the caller's; route_fini frees it and leaves a zeroed route. */
    route named = {0};
    CHECK_EQ(route_build(&named, t, w, g, NET_FOOT, 1, 0.5, wp, 2), 0);
    named.name = malloc(8);
    if (named.name) strcpy(named.name, "line-1");
    route_fini(&named);
    CHECK(named.name == NULL && named.node == NULL && named.n == 0);
    route_fini(&named);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Not a check: on the district map (when present), how long a vehicle loop
 * through six places takes to build, and one rejoin and one slot's passes
 * take, with and without tables. */
static void bench_ziliujing(void)
{
    const char *path = PSIM_SOURCE_DIR "/scenarios/ziliujing/network.txt";
    if (access(path, R_OK) != 0) {
        printf("skipped: %s is absent\n", path);
        return;
    }
    diag *d = diag_create();
    net *g = net_load(path, d);
    diag_destroy(d);
    CHECK(g != NULL);
    if (!g) return;
    uint32_t wp[6];
    for (int k = 0; k < 6; k++)
        wp[k] = rand_below(g->n_nodes);
    for (int with_tab = 0; with_tab < 2; with_tab++) {
        travel_opts opts = {with_tab ? 5000 : 0, 0};
        travel *t = travel_create(g, &opts);
        travel_ws *w = travel_ws_create(t);
        double t0 = now_s();
        route r = {0};
        CHECK_EQ(route_build(&r, t, w, g, NET_VEHICLE, 1, 0.5, wp, 6), 0);
        double build_s = now_s() - t0;
        int calls = 300;
        double sum = 0;
        t0 = now_s();
        for (int k = 0; k < calls; k++) {
            double s;
            route_rejoin(&r, t, w, rand_below(g->n_nodes), &s);
            sum += s;
        }
        double rejoin_s = (now_s() - t0) / calls;
        pass_list l = {0};
        t0 = now_s();
        for (int k = 0; k < calls; k++) {
            l.n = 0;
            double a = rand_unit() * r.cycle_s;
            route_passes(&r, a, a + 4 * 3600, 0, pass_record, &l);
        }
        double passes_s = (now_s() - t0) / calls;
        printf("ziliujing, %s tables: loop of %zu positions (%.1f km, %.0f min at patrol speed) "
               "built in %.2f ms; rejoin %.3f ms; a 4-hour slot's %zu passes %.3f ms "
               "(checksum %.0f)\n",
               with_tab ? "with" : "without", r.n, r.d_m[r.n] / 1000, r.cycle_s / 60, 1e3 * build_s,
               1e3 * rejoin_s, l.n, 1e3 * passes_s, sum);
        free(l.p);
        route_fini(&r);
        travel_ws_destroy(w);
        travel_destroy(t);
    }
    net_destroy(g);
}

int main(void)
{
    net *g = grid_load();
    CHECK(g != NULL);
    if (!g) return CHECK_DONE();
    CHECK_EQ(g->n_nodes, GRID_NX * GRID_NY);
    travel_opts no_tab = {0, 1}, tab = {1000, 2};
    travel *t = travel_create(g, &no_tab), *tt = travel_create(g, &tab);
    CHECK(t && tt && !travel_has_table(t) && travel_has_table(tt));
    travel_ws *w = travel_ws_create(t), *ww = travel_ws_create(tt);
    times_from_check(g, t, w);
    times_from_check(g, tt, ww);
    printf("routes without travel tables\n");
    routes_check(g, t, w);
    printf("routes with travel tables\n");
    routes_check(g, tt, ww);
    travel_ws_destroy(w);
    travel_ws_destroy(ww);
    travel_destroy(t);
    travel_destroy(tt);
    net_destroy(g);
    bench_ziliujing();
    return CHECK_DONE();
}
