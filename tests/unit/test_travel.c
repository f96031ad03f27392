/* test_travel.c - travel times and paths.
 *
 * A hand-made four-node town checks exact times, one-way streets and the two
 * modes, with tables, hub labels and plain Dijkstra; a perturbed 30 x 30 grid
 * with one-way rows checks that the table and the on-demand methods agree, that
 * the table does not depend on the thread count, and that paths are real paths
 * whose time is the travel time. Hub labels are checked against plain Dijkstra
 * bit for bit, for every pair of nodes of random networks (random places and
 * roads, one-way streets, a uniform grid full of ties) and on random pairs of a
 * larger city, times, one-to-many, many-to-one and paths, built with one and
 * two threads; and hublabel.c directly against a textbook Dijkstra on random
 * weighted graphs with parallel arcs, self-loops, zero and huge weights. When
 * the generated Ziliujing map is present it must load, be strongly connected
 * and have the size it claims. Finally a 20,000-node grid prints (does not
 * assert) how long one dispatch look-up takes with plain Dijkstra; the hub
 * labels' figures are in bench/ (bench_dispatch).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "hublabel.h"
#include "net.h"
#include "travel.h"

static uint64_t rng_state = 0x5eed2385u;

/* splitmix64: a fixed sequence, so every run tests the same graphs and pairs. */
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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Loads a network from text through a temporary file; NULL (with the messages
 * printed) on failure. */
static net *text_load(const char *text)
{
    char path[] = "/tmp/test_travel_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    diag *d = diag_create();
    net *g = net_load(path, d);
    if (!g) diag_print(d, stderr);
    diag_destroy(d);
    unlink(path);
    return g;
}

/* An nx x ny grid with jittered nodes 120-200 m apart and lengths a little over
 * the straight line. Rows alternate one-way east and west when oneway_rows;
 * columns are two-way, a few of them footpaths (vehicle speed 0). */
static net *grid_load(int nx, int ny, bool oneway_rows)
{
    size_t cap = (size_t)nx * (size_t)ny * 160 + 256;
    char *text = malloc(cap);
    size_t len = (size_t)snprintf(text, cap, "patrolsim-network 1\n"
                                             "class main 13.9 1.4\nclass street 8.3 1.3\n"
                                             "class lane 4.2 1.2\n");
    double *x = malloc((size_t)nx * (size_t)ny * sizeof *x);
    double *y = malloc((size_t)nx * (size_t)ny * sizeof *y);
    for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
            int v = j * nx + i;
            x[v] = 160.0 * i + 35.0 * (rand_unit() - 0.5);
            y[v] = 160.0 * j + 35.0 * (rand_unit() - 0.5);
            len += (size_t)snprintf(text + len, cap - len, "node %d %.2f %.2f Z%d\n", 1000 + v,
                                    x[v], y[v], (i / 10) + 10 * (j / 10));
        }
    }
    static const char *cls[3] = {"main", "street", "lane"};
    for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
            int v = j * nx + i;
            if (i + 1 < nx) {
                int u = v + 1;
                double l = hypot(x[u] - x[v], y[u] - y[v]) * (1.0 + 0.25 * rand_unit()) + 0.01;
                const char *c = cls[j % 5 == 0 ? 0 : 1 + (int)rand_below(2)];
                if (oneway_rows && j % 5 != 0) {
                    int a = j % 2 ? u : v, b = j % 2 ? v : u;
                    len += (size_t)snprintf(text + len, cap - len, "edge %d %d %.2f %s\n",
                                            1000 + a, 1000 + b, l, c);
                } else {
                    len += (size_t)snprintf(text + len, cap - len, "road %d %d %.2f %s\n",
                                            1000 + v, 1000 + u, l, c);
                }
            }
            if (j + 1 < ny) {
                int u = v + nx;
                double l = hypot(x[u] - x[v], y[u] - y[v]) * (1.0 + 0.25 * rand_unit()) + 0.01;
                if (i > 0 && i + 1 < nx && rand_unit() < 0.05)
                    len += (size_t)snprintf(text + len, cap - len, "road %d %d %.2f lane 0 1.5\n",
                                            1000 + v, 1000 + u, l);
                else
                    len += (size_t)snprintf(text + len, cap - len, "road %d %d %.2f %s\n",
                                            1000 + v, 1000 + u, l,
                                            cls[i % 6 == 0 ? 0 : 1 + (int)rand_below(2)]);
            }
        }
    }
    net *g = text_load(text);
    free(text);
    free(x);
    free(y);
    return g;
}

static const char *town = "patrolsim-network 1\n"
                          "class main 10 1.25\n"
                          "class lane 5 1.25\n"
                          "class path 0 1.4\n"
                          "node 1 0 0\n"       /* A */
                          "node 2 1000 0\n"    /* B */
                          "node 3 1000 1000\n" /* C */
                          "node 4 0 1000\n"    /* D */
                          "road 1 2 1000 main\n"
                          "road 2 3 1000 lane\n"
                          "road 1 4 1000 lane\n"
                          "road 4 3 1200 main\n"
                          "edge 3 1 1500 main 10 0\n" /* one-way C -> A, vehicles only */
                          "road 1 3 1450 path\n";     /* footpath A - C */

static void town_check(const travel *t, travel_ws *w, const net *g, double tol)
{
    uint32_t A = (uint32_t)net_node_index(g, 1), B = (uint32_t)net_node_index(g, 2);
    uint32_t C = (uint32_t)net_node_index(g, 3), D = (uint32_t)net_node_index(g, 4);
    /* Vehicle: A -> C goes via B (300 s; the one-way C -> A cannot be used backwards,
     * the footpath not at all); C -> A takes the one-way edge (150 s). */
    CHECK_NEAR(travel_time_s(t, w, NET_VEHICLE, A, C), 300, tol);
    CHECK_NEAR(travel_time_s(t, w, NET_VEHICLE, C, A), 150, tol);
    CHECK_NEAR(travel_time_s(t, w, NET_VEHICLE, B, D), 300, tol);
    CHECK_NEAR(travel_time_s(t, w, NET_VEHICLE, D, B), 300, tol);
    CHECK_NEAR(travel_time_s(t, w, NET_VEHICLE, C, B), 200, tol);
    CHECK_NEAR(travel_time_s(t, w, NET_VEHICLE, D, A), 200, tol);
    CHECK_NEAR(travel_time_s(t, w, NET_VEHICLE, A, A), 0, 0);
    /* Foot: the footpath both ways; the vehicle-only one-way edge is not there. */
    CHECK_NEAR(travel_time_s(t, w, NET_FOOT, A, C), 1450 / 1.4, tol * 10);
    CHECK_NEAR(travel_time_s(t, w, NET_FOOT, C, A), 1450 / 1.4, tol * 10);
    CHECK_NEAR(travel_time_s(t, w, NET_FOOT, B, D), 1600, tol * 10);
    CHECK_NEAR(travel_time_s(t, w, NET_FOOT, A, B), 800, tol * 10);
    uint32_t from[5] = {A, B, C, D, A};
    double out[5];
    travel_times_to(t, w, NET_VEHICLE, C, from, 5, out);
    CHECK_NEAR(out[0], 300, tol);
    CHECK_NEAR(out[1], 200, tol);
    CHECK_NEAR(out[2], 0, 0);
    CHECK_NEAR(out[3], 120, tol);
    CHECK_NEAR(out[4], 300, tol);
    travel_times_to(t, w, NET_FOOT, A, from, 4, out);
    CHECK_NEAR(out[0], 0, 0);
    CHECK_NEAR(out[1], 800, tol * 10);
    CHECK_NEAR(out[2], 1450 / 1.4, tol * 10);
    CHECK_NEAR(out[3], 800, tol * 10);

    travel_path p;
    CHECK_EQ(travel_path_find(t, w, NET_VEHICLE, A, C, &p), 0);
    CHECK_EQ(p.n, 3);
    if (p.n == 3) {
        CHECK_EQ(p.node[0], A);
        CHECK_EQ(p.node[1], B);
        CHECK_EQ(p.node[2], C);
        CHECK_NEAR(p.t_s[0], 0, 0);
        CHECK_NEAR(p.t_s[1], 100, 1e-12);
        CHECK_NEAR(p.t_s[2], 300, 1e-12);
        CHECK_NEAR(p.d_m[1], 1000, 0);
        CHECK_NEAR(p.d_m[2], 2000, 0);
        CHECK_NEAR(p.time_s, 300, 1e-12);
        CHECK_NEAR(p.length_m, 2000, 0);
    }
    CHECK_EQ(travel_path_find(t, w, NET_VEHICLE, C, A, &p), 0);
    CHECK_EQ(p.n, 2);
    CHECK_NEAR(p.time_s, 150, 1e-12);
    CHECK_NEAR(p.length_m, 1500, 0);
    CHECK_EQ(travel_path_find(t, w, NET_FOOT, C, A, &p), 0);
    CHECK_EQ(p.n, 2);
    CHECK_NEAR(p.length_m, 1450, 0);
    CHECK_EQ(travel_path_find(t, w, NET_FOOT, D, D, &p), 0);
    CHECK_EQ(p.n, 1);
    CHECK_EQ(p.node[0], D);
    CHECK_NEAR(p.time_s, 0, 0);
}

static void test_town(void)
{
    net *g = text_load(town);
    CHECK(g != NULL);
    if (!g) return;
    travel_opts no_tab = {0, 1}, tab = {100, 2};
    travel *t = travel_create(g, &no_tab);
    travel *tt = travel_create(g, &tab);
    travel *tp = travel_create_plain(g, &no_tab);
    CHECK(!travel_has_table(t));
    CHECK(travel_has_table(tt));
    CHECK(!travel_has_table(tp));
    CHECK_STR(travel_method(t), "hub labels");
    CHECK_STR(travel_method(tt), "tables");
    CHECK_STR(travel_method(tp), "Dijkstra per query");
    CHECK_EQ(travel_table_bytes(t), 0);
    CHECK_EQ(travel_table_bytes(tt), 2 * 4 * 4 * sizeof(float));
    CHECK(travel_bytes(tt) > travel_table_bytes(tt));
    travel_ws *w = travel_ws_create(t), *ww = travel_ws_create(tt), *wp = travel_ws_create(tp);
    town_check(t, w, g, 1e-12);
    town_check(tt, ww, g, 1e-4);
    town_check(tp, wp, g, 1e-12);
    CHECK(travel_labels(t, NET_VEHICLE) != NULL && travel_labels(t, NET_FOOT) != NULL);
    CHECK(travel_labels(tt, NET_VEHICLE) == NULL && travel_labels(tp, NET_FOOT) == NULL);
    travel_ws_destroy(w);
    travel_ws_destroy(ww);
    travel_ws_destroy(wp);
    travel_ws_destroy(NULL);
    travel_destroy(t);
    travel_destroy(tt);
    travel_destroy(tp);
    travel_destroy(NULL);
    net_destroy(g);
}

/* True when some edge u -> v usable by m takes dt seconds (to rounding). */
static bool edge_is_step(const net *g, net_mode m, uint32_t u, uint32_t v, double dt, double dd)
{
    for (uint32_t k = g->out_start[u]; k < g->out_start[u + 1]; k++) {
        const net_edge *e = &g->edges[g->out_edge[k]];
        if (e->to == v && e->speed_mps[m] > 0 && fabs(e->length_m / e->speed_mps[m] - dt) < 1e-9 &&
            fabs(e->length_m - dd) < 1e-9)
            return true;
    }
    return false;
}

static void test_grid_agree(void)
{
    net *g = grid_load(30, 30, true);
    CHECK(g != NULL);
    if (!g) return;
    CHECK_EQ(g->n_nodes, 900);
    travel_opts no_tab = {0, 0}, tab1 = {1000, 1}, tab2 = {1000, 2};
    double t0 = now_s();
    travel *t = travel_create(g, &no_tab);
    travel *t1 = travel_create(g, &tab1);
    double t1_s = now_s() - t0;
    travel *t2 = travel_create(g, &tab2);
    double t2_s = now_s() - t0 - t1_s;
    printf("table build, 900 nodes x 2 modes: %.3f s with 1 thread, %.3f s with 2\n", t1_s,
           t2_s);
    CHECK(t && t1 && t2);
    if (!t || !t1 || !t2) return;
    travel_ws *w = travel_ws_create(t), *w1 = travel_ws_create(t1), *w2 = travel_ws_create(t2);
    size_t n = g->n_nodes;

    /* The table does not depend on the thread count: every entry, bit for bit. */
    size_t differ = 0;
    for (int m = 0; m < NET_MODES; m++)
        for (uint32_t a = 0; a < n; a++)
            for (uint32_t b = 0; b < n; b++) {
                double x = travel_time_s(t1, w1, (net_mode)m, a, b);
                double y = travel_time_s(t2, w2, (net_mode)m, a, b);
                if (memcmp(&x, &y, sizeof x) != 0) differ++;
            }
    CHECK_EQ(differ, 0);

    /* Table vs on-demand: the table holds the on-demand time rounded to float. */
    size_t bad_round = 0, bad_many = 0, bad_path = 0;
    for (int k = 0; k < 3000; k++) {
        net_mode m = (net_mode)(k % 2);
        uint32_t a = rand_below(n), b = rand_below(n);
        double exact = travel_time_s(t, w, m, a, b);
        double tabled = travel_time_s(t1, w1, m, a, b);
        CHECK(isfinite(exact));
        if ((double)(float)exact != tabled) bad_round++;
        CHECK_NEAR(tabled, exact, 1e-6 * exact);
        travel_path p;
        if (travel_path_find(t, w, m, a, b, &p) != 0) {
            bad_path++;
            continue;
        }
        /* A path: from a to b, each step an edge of this mode, times adding up. */
        bool ok = p.n >= 1 && p.node[0] == a && p.node[p.n - 1] == b && p.t_s[0] == 0 &&
                  p.d_m[0] == 0 && p.time_s == p.t_s[p.n - 1] && p.length_m == p.d_m[p.n - 1];
        for (size_t i = 1; ok && i < p.n; i++)
            ok = edge_is_step(g, m, p.node[i - 1], p.node[i], p.t_s[i] - p.t_s[i - 1],
                              p.d_m[i] - p.d_m[i - 1]);
        ok = ok && fabs(p.time_s - exact) <= 1e-9 * exact;
        if (!ok) bad_path++;
    }
    CHECK_EQ(bad_round, 0);
    CHECK_EQ(bad_path, 0);

    /* One-to-many: the same numbers as one pair at a time, duplicates and the
     * destination itself included. */
    uint32_t from[24];
    double out[24], out_tab[24];
    for (int k = 0; k < 300; k++) {
        net_mode m = (net_mode)(k % 2);
        uint32_t to = rand_below(n);
        for (int i = 0; i < 24; i++) from[i] = rand_below(n);
        from[5] = from[3];
        from[7] = to;
        travel_times_to(t, w, m, to, from, 24, out);
        travel_times_to(t2, w2, m, to, from, 24, out_tab);
        for (int i = 0; i < 24; i++) {
            double one = travel_time_s(t, w, m, from[i], to);
            if (out[i] != one || (double)(float)out[i] != out_tab[i]) bad_many++;
        }
        CHECK_NEAR(out[7], 0, 0);
    }
    CHECK_EQ(bad_many, 0);

    /* One-way rows: somewhere a trip and its return differ. */
    size_t asym = 0;
    for (uint32_t a = 0; a < 30; a++)
        if (fabs(travel_time_s(t, w, NET_VEHICLE, a, a + 31) -
                 travel_time_s(t, w, NET_VEHICLE, a + 31, a)) > 1e-6)
            asym++;
    CHECK(asym > 0);
    /* Foot and vehicle differ. */
    CHECK(travel_time_s(t, w, NET_FOOT, 0, (uint32_t)n - 1) >
          5 * travel_time_s(t, w, NET_VEHICLE, 0, (uint32_t)n - 1));

    travel_ws_destroy(w);
    travel_ws_destroy(w1);
    travel_ws_destroy(w2);
    travel_destroy(t);
    travel_destroy(t1);
    travel_destroy(t2);
    net_destroy(g);
}

static void test_ziliujing(void)
{
    const char *path = PSIM_SOURCE_DIR "/scenarios/ziliujing/network.txt";
    if (access(path, R_OK) != 0) {
        printf("skipped: %s is absent\n", path);
        return;
    }
    diag *d = diag_create();
    net *g = net_load(path, d);
    diag_print(d, stderr);
    CHECK(g != NULL); /* net_load refuses networks that are not strongly connected */
    CHECK_EQ(diag_count(d), 0);
    diag_destroy(d);
    if (!g) return;
    CHECK(g->n_nodes >= 2000 && g->n_nodes <= 3000);
    for (size_t v = 0; v < g->n_nodes; v++) CHECK(g->nodes[v].zone >= 0);
    CHECK_EQ(g->n_zones, 26);
    CHECK(net_zone_index(g, "Wuxingjie-7") >= 0);
    CHECK(net_zone_index(g, "Qishu") >= 0);
    double t0 = now_s();
    travel_opts opts = {5000, 0};
    travel *t = travel_create(g, &opts);
    CHECK(t != NULL);
    printf("ziliujing: %zu nodes, %zu edges; tables (%.0f MB) built in %.2f s\n", g->n_nodes,
           g->n_edges, (double)(t ? travel_table_bytes(t) : 0) / 1e6, now_s() - t0);
    if (t) {
        /* The longest vehicle trip, for the record. */
        travel_ws *w = travel_ws_create(t);
        double worst = 0;
        for (uint32_t a = 0; a < g->n_nodes; a += 7)
            for (uint32_t b = 0; b < g->n_nodes; b += 7) {
                double s = travel_time_s(t, w, NET_VEHICLE, a, b);
                CHECK(isfinite(s));
                if (s > worst) worst = s;
            }
        printf("ziliujing: longest sampled vehicle trip %.1f min\n", worst / 60);
        travel_ws_destroy(w);
    }
    travel_destroy(t);
    net_destroy(g);
}

/* ---- hub labels against plain Dijkstra ------------------------------------------ */

/* A random network of n nodes in a 3 km square: a one-way cycle through all nodes (so it
 * is strongly connected for both modes), then `extra` random roads and one-way edges to
 * near neighbours, random classes; lengths 0-30% over the straight line. With `ties`, a
 * uniform grid instead: every road the same length and class, so that many paths tie. */
static net *random_load(int n, int extra, bool ties)
{
    size_t cap = (size_t)(n + extra) * 96 + 4096;
    char *text = malloc(cap);
    size_t len = (size_t)snprintf(text, cap, "patrolsim-network 1\nclass main 13.9 1.4\n"
                                             "class street 8.3 1.3\nclass path 0 1.4\n");
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    int side = (int)ceil(sqrt((double)n));
    for (int v = 0; v < n; v++) {
        x[v] = ties ? 100.0 * (v % side) : 3000 * rand_unit();
        y[v] = ties ? 100.0 * (v / side) : 3000 * rand_unit();
        len += (size_t)snprintf(text + len, cap - len, "node %d %.1f %.1f\n", v + 1, x[v], y[v]);
    }
    if (ties) {
        for (int v = 0; v < n; v++) {
            if (v % side + 1 < side && v + 1 < n)
                len += (size_t)snprintf(text + len, cap - len, "road %d %d 100 street\n", v + 1,
                                        v + 2);
            if (v + side < n)
                len += (size_t)snprintf(text + len, cap - len, "road %d %d 100 street\n", v + 1,
                                        v + side + 1);
        }
    } else {
        static const char *cls[3] = {"main", "street", "street"};
        for (int v = 0; v < n; v++) {
            int u = (v + 1) % n;
            double l = hypot(x[u] - x[v], y[u] - y[v]) * (1 + 0.3 * rand_unit()) + 0.1;
            len += (size_t)snprintf(text + len, cap - len, "edge %d %d %.2f %s\n", v + 1, u + 1,
                                    l, cls[rand_below(3)]);
        }
        for (int k = 0; k < extra; k++) {
            int a = (int)rand_below((size_t)n), b = a;
            double best = INFINITY;
            for (int tries = 0; tries < 8; tries++) { /* a near node: streets, not flights */
                int c = (int)rand_below((size_t)n);
                double d = hypot(x[c] - x[a], y[c] - y[a]);
                if (c != a && d < best) {
                    best = d;
                    b = c;
                }
            }
            if (b == a) continue;
            double l = best * (1 + 0.3 * rand_unit()) + 0.1;
            const char *rec = rand_unit() < 0.7 ? "road" : "edge";
            const char *c = rand_unit() < 0.1 ? "path" : cls[rand_below(3)];
            len += (size_t)snprintf(text + len, cap - len, "%s %d %d %.2f %s\n", rec, a + 1,
                                    b + 1, l, c);
        }
    }
    net *g = text_load(text);
    free(text);
    free(x);
    free(y);
    return g;
}

/* Every pair of nodes, both modes: labels (built with `threads`) equal plain Dijkstra bit
 * for bit, many-to-one and one-to-many equal single pairs, and the labels' paths are
 * paths whose time is the travel time. */
static void labels_all_pairs(const net *g, int threads, const char *what)
{
    travel_opts opts = {0, threads};
    travel *tl = travel_create(g, &opts), *tp = travel_create_plain(g, &opts);
    CHECK(tl && tp);
    if (!tl || !tp) return;
    travel_ws *wl = travel_ws_create(tl), *wp = travel_ws_create(tp);
    size_t n = g->n_nodes, differ = 0, differ_from = 0, bad_path = 0, pairs = 0;
    uint32_t *all = malloc(n * sizeof *all);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    double *d = malloc(n * sizeof *d);
    for (uint32_t v = 0; v < n; v++) all[v] = v;
    for (int m = 0; m < NET_MODES; m++) {
        for (uint32_t to = 0; to < n; to++) {
            travel_times_to(tl, wl, (net_mode)m, to, all, n, a);
            travel_times_to(tp, wp, (net_mode)m, to, all, n, b);
            travel_times_from(tl, wl, (net_mode)m, to, all, n, c);
            travel_times_from(tp, wp, (net_mode)m, to, all, n, d);
            for (uint32_t v = 0; v < n; v++) {
                pairs++;
                if (memcmp(&a[v], &b[v], sizeof a[v]) != 0 || !isfinite(a[v])) differ++;
                if (memcmp(&c[v], &d[v], sizeof c[v]) != 0) differ_from++;
            }
            /* Single pairs, a sample: the same numbers again. */
            for (int k = 0; k < 5; k++) {
                uint32_t v = rand_below(n);
                double x = travel_time_s(tl, wl, (net_mode)m, v, to);
                double y = travel_time_s(tp, wp, (net_mode)m, to, v);
                if (memcmp(&x, &a[v], sizeof x) != 0 || memcmp(&y, &c[v], sizeof y) != 0)
                    differ++;
            }
            /* A few paths per destination. */
            for (int k = 0; k < 3; k++) {
                uint32_t from = rand_below(n);
                travel_path p, q;
                if (travel_path_find(tl, wl, (net_mode)m, from, to, &p) ||
                    travel_path_find(tp, wp, (net_mode)m, from, to, &q)) {
                    bad_path++;
                    continue;
                }
                bool ok = p.node[0] == from && p.node[p.n - 1] == to && p.time_s == a[from] &&
                          q.time_s == a[from] && p.t_s[0] == 0;
                for (size_t i = 1; ok && i < p.n; i++)
                    ok = edge_is_step(g, (net_mode)m, p.node[i - 1], p.node[i],
                                      p.t_s[i] - p.t_s[i - 1], p.d_m[i] - p.d_m[i - 1]);
                if (!ok) bad_path++;
            }
        }
    }
    printf("%s, %zu nodes, %d thread(s): %zu pairs (both modes), %zu differ from Dijkstra, "
           "%zu one-to-many differ, %zu bad paths\n",
           what, n, threads, pairs, differ, differ_from, bad_path);
    CHECK_EQ(differ, 0);
    CHECK_EQ(differ_from, 0);
    CHECK_EQ(bad_path, 0);
    free(all);
    free(a);
    free(b);
    free(c);
    free(d);
    travel_ws_destroy(wl);
    travel_ws_destroy(wp);
    travel_destroy(tl);
    travel_destroy(tp);
}

static void test_labels_random(void)
{
    for (int k = 0; k < 3; k++) {
        net *g = random_load(150 + 100 * k, 250 + 150 * k, false);
        CHECK(g != NULL);
        if (!g) continue;
        labels_all_pairs(g, 1 + k % 2, "random network");
        net_destroy(g);
    }
    net *g = random_load(400, 0, true);
    CHECK(g != NULL);
    if (g) {
        labels_all_pairs(g, 2, "uniform grid (ties)");
        net_destroy(g);
    }
    g = grid_load(60, 50, true);
    CHECK(g != NULL);
    if (!g) return;
    /* A 3,000-node city: random pairs, labels with one and two threads and Dijkstra. */
    travel_opts one = {0, 1}, two = {0, 2};
    travel *t1 = travel_create(g, &one), *t2 = travel_create(g, &two);
    travel *tp = travel_create_plain(g, &one);
    travel_ws *w1 = travel_ws_create(t1), *w2 = travel_ws_create(t2), *wp = travel_ws_create(tp);
    size_t n = g->n_nodes, differ = 0;
    uint32_t from[25];
    double a[25], b[25], c[25];
    for (int k = 0; k < 2000; k++) {
        net_mode m = (net_mode)(k % 2);
        uint32_t to = rand_below(n);
        for (int i = 0; i < 25; i++) from[i] = rand_below(n);
        from[3] = to;
        travel_times_to(t1, w1, m, to, from, 25, a);
        travel_times_to(t2, w2, m, to, from, 25, b);
        travel_times_to(tp, wp, m, to, from, 25, c);
        differ += memcmp(a, c, sizeof a) != 0 || memcmp(b, c, sizeof b) != 0;
    }
    CHECK_EQ(differ, 0);
    const struct hl *h = travel_labels(t1, NET_VEHICLE);
    CHECK(h != NULL);
    if (h) {
        hl_stats st;
        hl_stats_get(h, &st);
        printf("city of %zu nodes: 2000 queries of 25 sources agree with Dijkstra; vehicle "
               "labels %.1f out, %.1f in on average, longest %zu, %zu shortcuts, %.1f MB\n",
               n, st.mean_out, st.mean_in, st.max_label, st.shortcuts, hl_bytes(h) / 1e6);
        CHECK(st.mean_out > 1 && st.mean_out < 200);
    }
    travel_ws_destroy(w1);
    travel_ws_destroy(w2);
    travel_ws_destroy(wp);
    travel_destroy(t1);
    travel_destroy(t2);
    travel_destroy(tp);
    net_destroy(g);
}

/* Two threads ask a fresh travel object for times at once: the labels are built on first
 * use, by one of them, while the other waits; both must get Dijkstra's answers. */
typedef struct lazy_job {
    const travel *t, *tp;
    const net *g;
    uint32_t seed;
    size_t differ;
} lazy_job;

static void *lazy_worker(void *arg)
{
    lazy_job *j = arg;
    travel_ws *w = travel_ws_create(j->t), *wp = travel_ws_create(j->tp);
    uint32_t x = j->seed, n = (uint32_t)j->g->n_nodes;
    for (int k = 0; k < 400; k++) {
        x = x * 1664525u + 1013904223u; /* a private sequence: rand_next is not thread-safe */
        uint32_t a = (x >> 8) % n, b = (x * 2654435761u >> 8) % n;
        net_mode m = (net_mode)(k % 2);
        double p = travel_time_s(j->t, w, m, a, b), q = travel_time_s(j->tp, wp, m, a, b);
        if (memcmp(&p, &q, sizeof p) != 0) j->differ++;
    }
    travel_ws_destroy(w);
    travel_ws_destroy(wp);
    return NULL;
}

static void test_labels_lazy_threads(void)
{
    net *g = grid_load(40, 40, true);
    CHECK(g != NULL);
    if (!g) return;
    travel_opts opts = {0, 2};
    travel *t = travel_create(g, &opts), *tp = travel_create_plain(g, &opts);
    lazy_job a = {t, tp, g, 17, 0}, b = {t, tp, g, 4242, 0};
    pthread_t tid;
    int started = pthread_create(&tid, NULL, lazy_worker, &a) == 0;
    lazy_worker(&b);
    if (started) pthread_join(tid, NULL);
    CHECK(started);
    CHECK_EQ(a.differ + b.differ, 0);
    travel_destroy(t);
    travel_destroy(tp);
    net_destroy(g);
}

/* hublabel.c alone against a textbook Dijkstra (O(n^2), no heap: nothing to share with
 * the code under test) on random graphs with parallel arcs, self-loops, zero weights and
 * weights up to 2^50, some nodes unreachable. */
static void test_hublabel_direct(void)
{
    for (int k = 0; k < 4; k++) {
        size_t n = 60 + 70 * (size_t)k, m = n * (3 + (size_t)k);
        uint32_t *start = calloc(n + 1, sizeof *start), *head = malloc(m * sizeof *head);
        uint32_t *tail = malloc(m * sizeof *tail);
        uint64_t *w = malloc(m * sizeof *w), *ww = malloc(m * sizeof *ww);
        for (size_t e = 0; e < m; e++) {
            tail[e] = rand_below(n);
            /* Most arcs go to a "near" index, as streets do; a few anywhere, some loops. */
            head[e] = rand_unit() < 0.8 ? (uint32_t)((tail[e] + 1 + rand_below(5)) % n)
                                        : rand_below(n);
            double r = rand_unit();
            w[e] = r < 0.05 ? 0 : r < 0.1 ? (uint64_t)1 << (40 + rand_below(10))
                                          : 1 + (rand_next() % 1000000);
        }
        /* CSR by tail, parallel arcs kept. */
        for (size_t e = 0; e < m; e++) start[tail[e] + 1]++;
        for (size_t v = 0; v < n; v++) start[v + 1] += start[v];
        uint32_t *fill = malloc(n * sizeof *fill), *hh = malloc(m * sizeof *hh);
        memcpy(fill, start, n * sizeof *fill);
        for (size_t e = 0; e < m; e++) {
            hh[fill[tail[e]]] = head[e];
            ww[fill[tail[e]]++] = w[e];
        }
        hl *h = hl_build(n, start, hh, ww, 1 + k % 2);
        hl_ws *hw = hl_ws_create(n);
        CHECK(h && hw);
        if (!h || !hw) return;
        size_t differ = 0, unreachable = 0;
        uint64_t *dist = malloc(n * sizeof *dist), *many = malloc(n * sizeof *many);
        bool *done = malloc(n * sizeof *done);
        uint32_t *all = malloc(n * sizeof *all);
        for (uint32_t v = 0; v < n; v++) all[v] = v;
        for (uint32_t s = 0; s < n; s++) {
            for (size_t v = 0; v < n; v++) {
                dist[v] = HL_INF;
                done[v] = false;
            }
            dist[s] = 0;
            for (;;) {
                size_t u = n;
                for (size_t v = 0; v < n; v++)
                    if (!done[v] && dist[v] < HL_INF && (u == n || dist[v] < dist[u])) u = v;
                if (u == n) break;
                done[u] = true;
                for (uint32_t e = start[u]; e < start[u + 1]; e++)
                    if (dist[u] + ww[e] < dist[hh[e]]) dist[hh[e]] = dist[u] + ww[e];
            }
            hl_dist_from(h, hw, s, all, n, many);
            for (uint32_t t = 0; t < n; t++) {
                unreachable += dist[t] == HL_INF;
                if (hl_dist(h, s, t) != dist[t] || many[t] != dist[t]) differ++;
            }
            hl_dist_to(h, hw, s, all, n, many);
            for (uint32_t t = 0; t < n; t++)
                if (many[t] != hl_dist(h, t, s)) differ++;
        }
        printf("hublabel on a random graph of %zu nodes, %zu arcs: %zu of %zu distances differ "
               "from Dijkstra (%zu pairs unreachable)\n",
               n, m, differ, n * n, unreachable);
        CHECK_EQ(differ, 0);
        free(dist);
        free(many);
        free(done);
        free(all);
        free(fill);
        free(hh);
        free(start);
        free(head);
        free(tail);
        free(w);
        free(ww);
        hl_ws_destroy(hw);
        hl_destroy(h);
    }
    hl_destroy(NULL);
    hl_ws_destroy(NULL);
}

/* Not a check: how long one dispatch decision's look-up takes on a large network with a
 * Dijkstra per query (20 candidate units, random call places). */
static void bench_times_to(void)
{
    net *g = grid_load(200, 100, false);
    CHECK(g != NULL);
    if (!g) return;
    travel_opts opts = {0, 1};
    travel *t = travel_create_plain(g, &opts);
    travel_ws *w = travel_ws_create(t);
    size_t n = g->n_nodes;
    uint32_t from[20];
    double out[20], sum = 0;
    int calls = 200;
    double t0 = now_s();
    for (int k = 0; k < calls; k++) {
        for (int i = 0; i < 20; i++) from[i] = rand_below(n);
        travel_times_to(t, w, NET_VEHICLE, rand_below(n), from, 20, out);
        sum += out[0];
    }
    double dt = now_s() - t0;
    printf("travel_times_to by Dijkstra, %zu nodes, 20 sources: %.3f ms per call "
           "(mean of %d; checksum %.0f)\n", n, 1e3 * dt / calls, calls, sum);
    travel_ws_destroy(w);
    travel_destroy(t);
    net_destroy(g);
}

int main(void)
{
    test_town();
    test_grid_agree();
    test_labels_random();
    test_labels_lazy_threads();
    test_hublabel_direct();
    test_ziliujing();
    bench_times_to();
    return CHECK_DONE();
}
