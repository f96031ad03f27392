/* bench_travel.c - the cost of one dispatch decision on networks of 1,000 to 100,000 nodes.
 *
 * usage: bench_travel [NODES ...] [-c CANDIDATES] [-k DECISIONS]
 *        (default: 1000 20000 100000 nodes, 20 candidates, 1000 decisions)
 *
 * A dispatch decision (models/dispatch.c) is: the travel times from every candidate unit's
 * node to the call (travel_times_to), then ranking the candidates by time. The model then
 * asks for the chosen unit's path (travel_path_find), timed apart. Networks are synthetic
 * cities: a jittered grid of blocks 120-200 m, every 5th row and 6th column a main road
 * (50 km/h), the rest streets and lanes (30 and 15 km/h) with alternate rows one-way and a
 * few footpaths, lengths 0-25% over the straight line. Calls are at random nodes; candidates
 * at random nodes (the hardest case for the caches), and again at 8 station nodes (the usual
 * case: idle units wait at their stations, so their labels stay in cache).
 *
 * For each network and method (tables where n^2 fits, hub labels, a Dijkstra per query) it
 * prints the build time (vehicle mode: labels are built per mode on first use), the memory of
 * the travel structure (both modes), the time per decision and per path (thread CPU time, so
 * other jobs on a shared machine do not count), and checks that the methods agree: without
 * tables bit for bit, with tables to float rounding; and, for hub labels, their sizes and
 * build times per mode.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "hublabel.h"
#include "net.h"
#include "travel.h"

typedef struct bench_rng {
    uint64_t s;
} bench_rng;

static uint64_t bench_next(bench_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double bench_unit(bench_rng *r)
{
    return (double)(bench_next(r) >> 11) * 0x1.0p-53;
}

static double bench_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double bench_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Writes the city network of about `nodes` nodes to a temporary file and loads it. */
static net *bench_city(size_t nodes, bench_rng *r)
{
    int ny = (int)floor(sqrt((double)nodes / 2.0)), nx = (int)(nodes / (size_t)ny);
    char path[] = "/tmp/bench_dispatch_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "patrolsim-network 1\nclass main 13.9 1.4\nclass street 8.3 1.3\n"
               "class lane 4.2 1.2\n");
    double *x = malloc((size_t)nx * (size_t)ny * sizeof *x);
    double *y = malloc((size_t)nx * (size_t)ny * sizeof *y);
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            int v = j * nx + i;
            x[v] = 160.0 * i + 35.0 * (bench_unit(r) - 0.5);
            y[v] = 160.0 * j + 35.0 * (bench_unit(r) - 0.5);
            fprintf(f, "node %d %.2f %.2f\n", v + 1, x[v], y[v]);
        }
    static const char *cls[3] = {"main", "street", "lane"};
    for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++) {
            int v = j * nx + i;
            if (i + 1 < nx) {
                int u = v + 1;
                double l = hypot(x[u] - x[v], y[u] - y[v]) * (1.0 + 0.25 * bench_unit(r)) + 0.01;
                int c = j % 5 == 0 ? 0 : 1 + (int)(bench_next(r) % 2);
                if (j % 5 != 0) { /* side streets: alternate rows one-way */
                    int a = j % 2 ? u : v, b = j % 2 ? v : u;
                    fprintf(f, "edge %d %d %.2f %s\n", a + 1, b + 1, l, cls[c]);
                } else {
                    fprintf(f, "road %d %d %.2f %s\n", v + 1, u + 1, l, cls[c]);
                }
            }
            if (j + 1 < ny) {
                int u = v + nx;
                double l = hypot(x[u] - x[v], y[u] - y[v]) * (1.0 + 0.25 * bench_unit(r)) + 0.01;
                if (i > 0 && i + 1 < nx && bench_unit(r) < 0.05)
                    fprintf(f, "road %d %d %.2f lane 0 1.5\n", v + 1, u + 1, l);
                else
                    fprintf(f, "road %d %d %.2f %s\n", v + 1, u + 1, l,
                            cls[i % 6 == 0 ? 0 : 1 + (int)(bench_next(r) % 2)]);
            }
        }
    fclose(f);
    free(x);
    free(y);
    diag *d = diag_create();
    net *g = net_load(path, d);
    if (!g) diag_print(d, stderr);
    diag_destroy(d);
    unlink(path);
    return g;
}

typedef struct bench_cand {
    double t_s;
    uint32_t unit;
} bench_cand;

static int bench_cand_cmp(const void *a, const void *b)
{
    const bench_cand *x = a, *y = b;
    if (x->t_s != y->t_s) return x->t_s < y->t_s ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

/* Times k decisions (and k paths) on t; returns per-decision and per-path seconds and fills
 * times[k * c] with every travel time for the agreement check. */
static void bench_decisions(const travel *t, const uint32_t *calls, const uint32_t *cand, size_t k,
                            size_t c, double *times, double *dec_s, double *path_s,
                            double *path_nodes, const uint32_t *station_cand, double *station_s)
{
    travel_ws *w = travel_ws_create(t);
    bench_cand *rank = malloc(c * sizeof *rank);
    uint32_t *chosen = malloc(k * sizeof *chosen);
    double t0 = bench_cpu_s();
    for (size_t i = 0; i < k; i++) {
        double *out = times + i * c;
        travel_times_to(t, w, NET_VEHICLE, calls[i], cand + i * c, c, out);
        for (size_t j = 0; j < c; j++)
            rank[j] = (bench_cand){out[j], (uint32_t)j};
        qsort(rank, c, sizeof *rank, bench_cand_cmp);
        chosen[i] = cand[i * c + rank[0].unit];
    }
    *dec_s = (bench_cpu_s() - t0) / (double)k;
    double *tmp = malloc(c * sizeof *tmp);
    t0 = bench_cpu_s();
    for (size_t i = 0; i < k; i++) {
        travel_times_to(t, w, NET_VEHICLE, calls[i], station_cand + i * c, c, tmp);
        for (size_t j = 0; j < c; j++)
            rank[j] = (bench_cand){tmp[j], (uint32_t)j};
        qsort(rank, c, sizeof *rank, bench_cand_cmp);
    }
    *station_s = (bench_cpu_s() - t0) / (double)k;
    free(tmp);
    size_t kp = k < 500 ? k : 500, nodes = 0;
    t0 = bench_cpu_s();
    for (size_t i = 0; i < kp; i++) {
        travel_path p;
        if (travel_path_find(t, w, NET_VEHICLE, chosen[i], calls[i], &p) == 0) nodes += p.n;
    }
    *path_s = (bench_cpu_s() - t0) / (double)kp;
    *path_nodes = (double)nodes / (double)kp;
    free(rank);
    free(chosen);
    travel_ws_destroy(w);
}

int main(int argc, char **argv)
{
    size_t sizes[8], n_sizes = 0, c = 20, k = 1000;
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "-c") && a + 1 < argc)
            c = (size_t)atol(argv[++a]);
        else if (!strcmp(argv[a], "-k") && a + 1 < argc)
            k = (size_t)atol(argv[++a]);
        else if (n_sizes < 8)
            sizes[n_sizes++] = (size_t)atol(argv[a]);
    }
    if (!n_sizes) {
        sizes[0] = 1000;
        sizes[1] = 20000;
        sizes[2] = 100000;
        n_sizes = 3;
    }
    printf("dispatch decision: travel_times_to from %zu random candidate nodes to a random call "
           "node, then ranking; %zu decisions (paths: 500); vehicle mode; CPU time\n",
           c, k);
    printf("%8s %-19s %9s %10s %12s %12s %11s %10s %s\n", "nodes", "method", "build s", "memory MB",
           "decision us", "stations us", "path us", "path nodes", "agreement");
    bench_rng r = {2385};
    for (size_t si = 0; si < n_sizes; si++) {
        net *g = bench_city(sizes[si], &r);
        if (!g) return 1;
        size_t n = g->n_nodes;
        uint32_t *calls = malloc(k * sizeof *calls), *cand = malloc(k * c * sizeof *cand);
        double *ref = malloc(k * c * sizeof *ref), *got = malloc(k * c * sizeof *got);
        for (size_t i = 0; i < k; i++)
            calls[i] = (uint32_t)(bench_next(&r) % n);
        for (size_t i = 0; i < k * c; i++)
            cand[i] = (uint32_t)(bench_next(&r) % n);
        uint32_t stations[8], *st_cand = malloc(k * c * sizeof *st_cand);
        for (int i = 0; i < 8; i++)
            stations[i] = (uint32_t)(bench_next(&r) % n);
        for (size_t i = 0; i < k * c; i++)
            st_cand[i] = stations[bench_next(&r) % 8];
        /* 0: Dijkstra per query (the reference), 1: hub labels, 2: tables when they fit. */
        for (int method = 0; method < 3; method++) {
            if (method == 2 && n > 5000) continue;
            travel_opts opts = {method == 2 ? n : 0, 0};
            double t0 = bench_wall_s();
            travel *t = method == 0 ? travel_create_plain(g, &opts) : travel_create(g, &opts);
            double build_s = bench_wall_s() - t0;
            if (!t) return 1;
            double dec_s, path_s, path_nodes, st_s;
            t0 = bench_wall_s();
            travel_labels(t, NET_VEHICLE); /* labels are built on first use: build them here */
            build_s += bench_wall_s() - t0;
            bench_decisions(t, calls, cand, k, c, method ? got : ref, &dec_s, &path_s, &path_nodes,
                            st_cand, &st_s);
            char agree[96] = "(reference)";
            if (method) {
                size_t differ = 0;
                double worst = 0;
                for (size_t i = 0; i < k * c; i++) {
                    if (method == 1 && memcmp(&got[i], &ref[i], sizeof got[i]) != 0) differ++;
                    double rel = fabs(got[i] - ref[i]) / (ref[i] > 0 ? ref[i] : 1);
                    if (rel > worst) worst = rel;
                }
                if (method == 1)
                    snprintf(agree, sizeof agree, "%zu of %zu times differ from Dijkstra", differ,
                             k * c);
                else
                    snprintf(agree, sizeof agree, "largest relative difference %.1e (float)",
                             worst);
            }
            /* The foot labels too, for their size and build time (vehicle figures above). */
            if (method == 1) travel_labels(t, NET_FOOT);
            printf("%8zu %-19s %9.2f %10.1f %12.2f %12.2f %11.1f %10.0f %s\n", n, travel_method(t),
                   build_s, (double)travel_bytes(t) / 1e6, 1e6 * dec_s, 1e6 * st_s, 1e6 * path_s,
                   path_nodes, agree);
            for (int m = 0; m < NET_MODES; m++) {
                const struct hl *h = travel_labels(t, (net_mode)m);
                if (!h) continue;
                hl_stats st;
                hl_stats_get(h, &st);
                printf("%8s   %s labels: mean %.0f out, %.0f in, longest %zu; %.1f MB; %zu "
                       "shortcuts; contraction %.2f s, labelling %.2f s\n",
                       "", m == NET_VEHICLE ? "vehicle" : "foot", st.mean_out, st.mean_in,
                       st.max_label, (double)hl_bytes(h) / 1e6, st.shortcuts, st.contract_s,
                       st.label_s);
            }
            fflush(stdout);
            travel_destroy(t);
        }
        free(calls);
        free(cand);
        free(ref);
        free(got);
        free(st_cand);
        net_destroy(g);
    }
    return 0;
}
