/* osm_real.c - the OpenStreetMap import on the real extracts beside the repository.
 *
 *   osm_real MAPS_DIR
 *
 * MAPS_DIR is ../shared/data/maps (see its SOURCES.md): Beijing Haidian and
 * Ninghua as OSM XML, Monaco as PBF. They are never copied into the repository,
 * so the test exits 77 (CTest's SKIP_RETURN_CODE) when the folder is absent.
 *
 * For each map: the import succeeds and keeps a sensible share of the roads;
 * the written file loads (so it is strongly connected for both modes); its
 * extent and origin match the extract; places are found; and fastest times
 * between kept nodes, from 25 sources to every node, both modes, equal those of
 * the whole graph (imported raw), up to the 1 cm rounding of lengths.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "net.h"
#include "osm.h"

/* Dijkstra with a binary heap over an edge list (its own CSR), by mode. */
typedef struct hitem {
    double t;
    uint32_t v;
} hitem;

static void dijkstra(size_t n, const net_edge *e, size_t ne, int mode, uint32_t src, double *t)
{
    uint32_t *start = calloc(n + 1, sizeof *start), *adj = malloc((ne + 1) * sizeof *adj);
    for (size_t i = 0; i < ne; i++)
        start[e[i].from + 1]++;
    for (size_t v = 0; v < n; v++)
        start[v + 1] += start[v];
    uint32_t *fill = malloc((n + 1) * sizeof *fill);
    memcpy(fill, start, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < ne; i++)
        adj[fill[e[i].from]++] = (uint32_t)i;
    hitem *h = malloc((ne + 2) * sizeof *h);
    size_t hn = 0;
    for (size_t v = 0; v < n; v++)
        t[v] = INFINITY;
    t[src] = 0;
    h[hn++] = (hitem){0, src};
    while (hn > 0) {
        hitem top = h[0], last = h[--hn];
        size_t i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            hitem mv = last;
            if (l < hn && h[l].t < mv.t) m = l, mv = h[l];
            if (r < hn && h[r].t < mv.t) m = r;
            if (m == i) break;
            h[i] = h[m];
            i = m;
        }
        if (hn > 0) h[i] = last;
        if (top.t > t[top.v]) continue;
        for (uint32_t k = start[top.v]; k < start[top.v + 1]; k++) {
            const net_edge *x = &e[adj[k]];
            if (!(x->speed_mps[mode] > 0)) continue;
            double nt = top.t + x->length_m / x->speed_mps[mode];
            if (nt < t[x->to]) {
                t[x->to] = nt;
                size_t j = hn++;
                while (j > 0 && h[(j - 1) / 2].t > nt) {
                    h[j] = h[(j - 1) / 2];
                    j = (j - 1) / 2;
                }
                h[j] = (hitem){nt, x->to};
            }
        }
    }
    free(start);
    free(adj);
    free(fill);
    free(h);
}

static int id_cmp(const void *a, const void *b)
{
    int64_t x = ((const net_node *)a)->id, y = ((const net_node *)b)->id;
    return (x > y) - (x < y);
}

/* Index of OSM id in the raw map (its nodes are in ascending id order). */
static int32_t raw_index(const osm_map *raw, int64_t id)
{
    net_node key = {.id = id};
    const net_node *p = bsearch(&key, raw->nodes, raw->n_nodes, sizeof key, id_cmp);
    return p ? (int32_t)(p - raw->nodes) : -1;
}

typedef struct expect {
    const char *file;
    size_t min_nodes, max_nodes;               /* kept nodes */
    double width_km, height_km;                /* rough extent of the kept nodes */
    double lon_min, lon_max, lat_min, lat_max; /* where the origin must be */
    size_t min_places;
} expect;

static void check_map(const char *dir, const expect *x)
{
    char path[1024], out[256];
    snprintf(path, sizeof path, "%s/%s", dir, x->file);
    printf("%s\n", path);
    osm_opts o;
    osm_opts_init(&o);
    diag *d = diag_create();
    osm_map *m = osm_import(path, &o, d);
    o.raw = true;
    osm_map *raw = osm_import(path, &o, d);
    osm_opts_fini(&o);
    CHECK(m != NULL && raw != NULL);
    if (!m || !raw) {
        diag_print(d, stderr);
        goto out;
    }
    osm_map_report(m, stdout);
    CHECK(m->n_nodes >= x->min_nodes && m->n_nodes <= x->max_nodes);
    CHECK(m->stats.ways_imported > 0 && m->stats.dropped_disconnected < m->stats.simple_nodes / 2);
    CHECK(m->proj.lon0_deg >= x->lon_min && m->proj.lon0_deg <= x->lon_max);
    CHECK(m->proj.lat0_deg >= x->lat_min && m->proj.lat0_deg <= x->lat_max);
    snprintf(out, sizeof out, "/tmp/osm_real_%d_network.txt", (int)getpid());
    CHECK_EQ(osm_map_write(m, out, d), 0);
    net *g = net_load(out, d);
    CHECK(g != NULL);
    if (!g) {
        diag_print(d, stderr);
        unlink(out);
        goto out;
    }
    double w = (g->max_x_m - g->min_x_m) / 1000, h = (g->max_y_m - g->min_y_m) / 1000;
    printf("  extent %.1f x %.1f km\n", w, h);
    CHECK(w > 0.5 * x->width_km && w < 1.5 * x->width_km);
    CHECK(h > 0.5 * x->height_km && h < 1.5 * x->height_km);
    long placed = osm_map_places_snap(m, 300);
    printf("  places: %ld of %zu\n", placed, m->n_places);
    CHECK(placed >= (long)x->min_places);

    double *tg = malloc(g->n_nodes * sizeof *tg), *tr = malloc(raw->n_nodes * sizeof *tr);
    int32_t *map = malloc(g->n_nodes * sizeof *map);
    for (size_t v = 0; v < g->n_nodes; v++) {
        map[v] = raw_index(raw, g->nodes[v].id);
        CHECK(map[v] >= 0);
    }
    size_t compared = 0, off = 0;
    double worst = 0;
    for (int mode = 0; mode < NET_MODES; mode++) {
        for (int k = 0; k < 25; k++) {
            uint32_t s = (uint32_t)(((uint64_t)k * 2654435761u) % g->n_nodes);
            dijkstra(g->n_nodes, g->edges, g->n_edges, mode, s, tg);
            dijkstra(raw->n_nodes, raw->edges, raw->n_edges, mode, (uint32_t)map[s], tr);
            for (size_t v = 0; v < g->n_nodes; v++) {
                double want = tr[map[v]], got = tg[v];
                /* 1 cm per edge of rounding, at walking pace, over a long path. */
                if (!(fabs(got - want) <= 1e-4 * want + 0.5)) {
                    if (off < 5)
                        fprintf(stderr, "  %s from %lld to %lld: %.3f s, whole graph %.3f s\n",
                                mode ? "foot" : "vehicle", (long long)g->nodes[s].id,
                                (long long)g->nodes[v].id, got, want);
                    off++;
                }
                if (want > 0 && fabs(got - want) / want > worst) worst = fabs(got - want) / want;
                compared++;
            }
        }
    }
    printf("  fastest times: %zu pairs compared, %zu off, worst relative difference %.2g\n",
           compared, off, worst);
    CHECK_EQ(off, 0);
    free(tg);
    free(tr);
    free(map);
    net_destroy(g);
    unlink(out);
out:
    osm_map_destroy(m);
    osm_map_destroy(raw);
    diag_destroy(d);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/data/maps";
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("%s is absent: nothing to test\n", dir);
        return 77;
    }
    /* Bounds from SOURCES.md; node counts and extents as measured when the test was
     * written, with room for changes to the import's rules. */
    const expect maps[] = {
        {"fujian_ninghua_town.osm", 20, 200, 1.1, 1.5, 116.6494, 116.6592 + 0.02, 26.2625 - 0.02,
         26.2718, 0},
        {"beijing_haidian_xueyuanlu.osm", 150, 1500, 1.8, 1.3, 116.30, 116.53, 39.97, 40.04, 1},
        {"monaco.osm.pbf", 1500, 6000, 11.4, 6.1, 7.349, 7.491, 43.715, 43.770, 10},
    };
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, maps[i].file);
        if (access(path, R_OK) != 0) {
            printf("%s is absent: skipped\n", path);
            continue;
        }
        check_map(dir, &maps[i]);
    }
    return CHECK_DONE();
}
