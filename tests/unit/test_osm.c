/* test_osm.c - OpenStreetMap import: the hand-made extract tests/data/osm/small.osm,
 * tag handling on tiny generated extracts, bad files, zones and places.
 *
 * small.osm is drawn in its own header comment. Its expected result was worked
 * out by hand from the default speeds: 8 kept nodes, 23 directed edges, S1 merged
 * into Main Street, X and Y dropped, a vehicle shortcut A->C over the motorway
 * (282.84 m at 22.2 m/s = 12.74 s, against 14.53 s along Main Street) and a foot
 * shortcut each way between A and E through the footways (141.42 m, against
 * 200 m along the streets). Fastest times between kept nodes must equal those of
 * the whole graph (imported with opts.raw), for both modes: checked for every
 * pair with a Dijkstra over the written and reloaded file.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "geojson.h"
#include "net.h"
#include "osm.h"

#define SMALL PSIM_TEST_DATA "/osm/small.osm"

/* Writes text to a fresh temporary file whose name ends in suffix. */
static void temp_write(char path[64], const char *suffix, const char *text)
{
    snprintf(path, 64, "/tmp/test_osm_XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0) {
        perror("mkstemps");
        exit(1);
    }
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static bool diag_contains(const diag *d, const char *text)
{
    for (size_t i = 0; i < diag_count(d); i++)
        if (strstr(diag_message(d, i), text)) return true;
    fprintf(stderr, "  no message containing \"%s\"; got:\n", text);
    diag_print(d, stderr);
    return false;
}

static int32_t map_index(const osm_map *m, int64_t id)
{
    for (size_t v = 0; v < m->n_nodes; v++)
        if (m->nodes[v].id == id) return (int32_t)v;
    return -1;
}

/* The edge from -> to (by OSM ids) of m, or NULL. */
static const net_edge *map_edge(const osm_map *m, int64_t from, int64_t to)
{
    int32_t a = map_index(m, from), b = map_index(m, to);
    for (size_t i = 0; i < m->n_edges; i++)
        if ((int32_t)m->edges[i].from == a && (int32_t)m->edges[i].to == b) return &m->edges[i];
    return NULL;
}

/* Fastest times from src over an edge list, by mode: plain O(n^2) Dijkstra,
 * independent of the code under test. */
static void dijkstra(size_t n, const net_edge *e, size_t ne, int mode, uint32_t src, double *t)
{
    bool *done = calloc(n, sizeof *done);
    for (size_t v = 0; v < n; v++)
        t[v] = INFINITY;
    t[src] = 0;
    for (;;) {
        size_t u = n;
        for (size_t v = 0; v < n; v++)
            if (!done[v] && isfinite(t[v]) && (u == n || t[v] < t[u])) u = v;
        if (u == n) break;
        done[u] = true;
        for (size_t i = 0; i < ne; i++)
            if (e[i].from == u && e[i].speed_mps[mode] > 0) {
                double x = t[u] + e[i].length_m / e[i].speed_mps[mode];
                if (x < t[e[i].to]) t[e[i].to] = x;
            }
    }
    free(done);
}

static osm_map *import(const char *path, bool raw, bool simplify, diag **d)
{
    osm_opts o;
    CHECK_EQ(osm_opts_init(&o), 0);
    o.raw = raw;
    o.simplify = simplify;
    *d = diag_create();
    osm_map *m = osm_import(path, &o, *d);
    osm_opts_fini(&o);
    return m;
}

static void test_small_counts(void)
{
    diag *d;
    osm_map *m = import(SMALL, false, true, &d);
    CHECK(m != NULL);
    if (!m) {
        diag_print(d, stderr);
        diag_destroy(d);
        return;
    }
    const osm_stats *st = &m->stats;
    CHECK_EQ(st->osm_nodes, 24);
    CHECK_EQ(st->osm_ways, 17);
    CHECK_EQ(st->ways_imported, 14);
    CHECK_EQ(st->ways_other_highway, 1); /* construction */
    CHECK_EQ(st->ways_area, 1);          /* the pedestrian square */
    CHECK_EQ(st->ways_oneway, 4);        /* North St, Back Lane, motorway, link */
    CHECK_EQ(st->graph_nodes, 14);
    CHECK_EQ(st->graph_edges, 35);
    CHECK_EQ(st->simple_nodes, 13); /* S1 merged */
    CHECK_EQ(st->scc_vehicle, 9);
    CHECK_EQ(st->scc_foot, 10);
    CHECK_EQ(st->dropped_disconnected, 2);    /* X, Y */
    CHECK_EQ(st->contracted_vehicle_only, 1); /* M1 */
    CHECK_EQ(st->contracted_foot_only, 2);    /* H, P */
    CHECK_EQ(st->shortcuts[NET_VEHICLE], 1);
    CHECK_EQ(st->shortcuts[NET_FOOT], 2);
    CHECK_EQ(st->witness_pruned, 5);
    CHECK_EQ(m->n_nodes, 8);
    CHECK_EQ(m->n_edges, 23);
    const int64_t kept[] = {1001, 1002, 1004, 1005, 1006, 1007, 1011, 1012};
    for (size_t i = 0; i < 8; i++)
        CHECK_EQ(m->nodes[i].id, kept[i]);
    /* The projection: A and B are 100 m apart east-west, A and D north-south. */
    int32_t a = map_index(m, 1001), b = map_index(m, 1002), dd = map_index(m, 1005);
    CHECK_NEAR(m->nodes[b].x_m - m->nodes[a].x_m, 100.0, 0.05);
    CHECK_NEAR(m->nodes[b].y_m - m->nodes[a].y_m, 0.0, 0.02);
    CHECK_NEAR(m->nodes[dd].y_m - m->nodes[a].y_m, 100.0, 0.05);
    /* The origin is the centre of the road nodes' box (A .. Y), to 1e-6 degrees. */
    CHECK_NEAR(m->proj.lon0_deg, (104.78 + 104.7872084) / 2, 1e-6);
    CHECK_NEAR(m->proj.lat0_deg, (29.3490978 + 29.3554131) / 2, 1e-6);

    /* Main Street through S1: lengths add up. */
    const net_edge *e = map_edge(m, 1002, 1004);
    CHECK(e != NULL);
    if (e) {
        CHECK_NEAR(e->length_m, 2 * hypot(50, 10), 0.1);
        CHECK_NEAR(e->speed_mps[NET_VEHICLE], 13.9, 1e-12);
        CHECK_NEAR(e->speed_mps[NET_FOOT], 1.3, 1e-12);
    }
    /* One-way North Street D->E->F: vehicles along, walkers both ways. */
    e = map_edge(m, 1005, 1006);
    CHECK(e && e->speed_mps[NET_VEHICLE] == 6.9 && e->speed_mps[NET_FOOT] == 1.3);
    e = map_edge(m, 1006, 1005);
    CHECK(e && e->speed_mps[NET_VEHICLE] == 0 && e->speed_mps[NET_FOOT] == 1.3);
    /* Back Lane G-K with oneway=-1: vehicles K->G only. */
    e = map_edge(m, 1012, 1011);
    CHECK(e && e->speed_mps[NET_VEHICLE] == 6.9);
    e = map_edge(m, 1011, 1012);
    CHECK(e && e->speed_mps[NET_VEHICLE] == 0 && e->speed_mps[NET_FOOT] == 1.3);
    /* The motorway shortcut: vehicles only, one way, the length of A-M1-C. */
    e = map_edge(m, 1001, 1004);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(m->classes[e->cls].name, "motorway");
        CHECK_NEAR(e->length_m, 2 * hypot(100, 100), 0.1);
        CHECK_NEAR(e->speed_mps[NET_VEHICLE], 22.2, 1e-9);
        CHECK(e->speed_mps[NET_FOOT] == 0);
    }
    CHECK(map_edge(m, 1004, 1001) == NULL);
    /* The footway shortcut, both ways, walkers only. */
    for (int k = 0; k < 2; k++) {
        e = k ? map_edge(m, 1006, 1001) : map_edge(m, 1001, 1006);
        CHECK(e != NULL);
        if (e) {
            CHECK_STR(m->classes[e->cls].name, "footway");
            CHECK_NEAR(e->length_m, 2 * hypot(50, 50), 0.1);
            CHECK(e->speed_mps[NET_VEHICLE] == 0);
            CHECK_NEAR(e->speed_mps[NET_FOOT], 1.3, 1e-9);
        }
    }
    /* No shortcut for the motorway link (slower than Main Street) nor the dead end. */
    e = map_edge(m, 1001, 1002);
    CHECK(e && strcmp(m->classes[e->cls].name, "primary") == 0);
    size_t n_motorway_link = 0;
    for (size_t i = 0; i < m->n_edges; i++)
        n_motorway_link += strcmp(m->classes[m->edges[i].cls].name, "motorway_link") == 0;
    CHECK_EQ(n_motorway_link, 0);
    osm_map_destroy(m);
    diag_destroy(d);
}

/* Writes the map, reloads it with net_load and compares every pair's fastest
 * time, both modes, with the whole graph. */
static void test_small_exact_times(bool simplify)
{
    diag *d, *d2;
    osm_map *m = import(SMALL, false, simplify, &d);
    osm_map *raw = import(SMALL, true, false, &d2);
    CHECK(m != NULL && raw != NULL);
    if (!m || !raw) {
        diag_print(d, stderr);
        diag_print(d2, stderr);
        goto out;
    }
    CHECK_EQ(raw->n_nodes, 14);
    CHECK_EQ(m->n_nodes, simplify ? 8u : 9u); /* without merging, S1 stays */
    char path[64];
    temp_write(path, ".txt", "");
    CHECK_EQ(osm_map_write(m, path, d), 0);
    net *g = net_load(path, d);
    CHECK(g != NULL);
    if (!g) {
        diag_print(d, stderr);
        unlink(path);
        goto out;
    }
    CHECK_EQ(g->n_nodes, m->n_nodes);
    CHECK_EQ(g->n_edges, m->n_edges);
    CHECK_NEAR(g->origin_lon_deg, m->proj.lon0_deg, 1e-9);
    CHECK_NEAR(g->origin_lat_deg, m->proj.lat0_deg, 1e-9);
    double *tg = malloc(g->n_nodes * sizeof *tg), *tr = malloc(raw->n_nodes * sizeof *tr);
    size_t compared = 0;
    for (int mode = 0; mode < NET_MODES; mode++) {
        for (uint32_t s = 0; s < g->n_nodes; s++) {
            dijkstra(g->n_nodes, g->edges, g->n_edges, mode, s, tg);
            int32_t rs = map_index(raw, g->nodes[s].id);
            dijkstra(raw->n_nodes, raw->edges, raw->n_edges, mode, (uint32_t)rs, tr);
            for (uint32_t t = 0; t < g->n_nodes; t++) {
                double want = tr[map_index(raw, g->nodes[t].id)];
                CHECK(isfinite(tg[t]));
                /* Lengths are written rounded up to 1 cm per edge. */
                CHECK_NEAR(tg[t], want, 1e-4 * want + 0.05);
                compared++;
            }
        }
    }
    CHECK_EQ(compared, 2 * g->n_nodes * g->n_nodes);
    /* Figures worked out by hand (see the file header). */
    uint32_t a = (uint32_t)net_node_index(g, 1001), c = (uint32_t)net_node_index(g, 1004);
    uint32_t e = (uint32_t)net_node_index(g, 1006), f = (uint32_t)net_node_index(g, 1007);
    uint32_t dd = (uint32_t)net_node_index(g, 1005);
    dijkstra(g->n_nodes, g->edges, g->n_edges, NET_VEHICLE, a, tg);
    CHECK_NEAR(tg[c], 2 * hypot(100, 100) / 22.2, 0.01);
    dijkstra(g->n_nodes, g->edges, g->n_edges, NET_VEHICLE, c, tg);
    CHECK_NEAR(tg[a], (100 + 2 * hypot(50, 10)) / 13.9, 0.01);
    dijkstra(g->n_nodes, g->edges, g->n_edges, NET_VEHICLE, f, tg);
    /* F->D against the one-way: F-C-B-A-D. */
    CHECK_NEAR(tg[dd], 100 / 6.9 + (2 * hypot(50, 10) + 100) / 13.9 + 100 / 6.9, 0.01);
    dijkstra(g->n_nodes, g->edges, g->n_edges, NET_FOOT, a, tg);
    CHECK_NEAR(tg[e], 2 * hypot(50, 50) / 1.3, 0.05);
    free(tg);
    free(tr);
    net_destroy(g);
    unlink(path);
out:
    osm_map_destroy(m);
    osm_map_destroy(raw);
    diag_destroy(d);
    diag_destroy(d2);
}

static void test_small_written_file(void)
{
    diag *d;
    osm_map *m = import(SMALL, false, true, &d);
    if (!m) {
        CHECK(m != NULL);
        diag_destroy(d);
        return;
    }
    char path[64];
    temp_write(path, ".txt", "");
    CHECK_EQ(osm_map_write(m, path, d), 0);
    FILE *f = fopen(path, "r");
    char line[512];
    int roads = 0, edges = 0, origin = 0, classes = 0, licence = 0;
    while (f && fgets(line, sizeof line, f)) {
        roads += strncmp(line, "road ", 5) == 0;
        edges += strncmp(line, "edge ", 5) == 0;
        origin += strncmp(line, "origin ", 7) == 0;
        classes += strncmp(line, "class ", 6) == 0;
        licence += strstr(line, "OpenStreetMap contributors") != NULL;
    }
    if (f) fclose(f);
    /* 8 roads (16 edges, the footway shortcut pair among them) and 7 one-way edges. */
    CHECK_EQ(roads, 8);
    CHECK_EQ(edges, 7);
    CHECK_EQ(origin, 1);
    CHECK_EQ(classes, 4); /* motorway, primary, residential, footway */
    CHECK_EQ(licence, 1);
    unlink(path);
    osm_map_destroy(m);
    diag_destroy(d);
}

static void test_small_places(void)
{
    diag *d;
    osm_map *m = import(SMALL, false, true, &d);
    if (!m) {
        CHECK(m != NULL);
        diag_destroy(d);
        return;
    }
    CHECK_EQ(m->n_places, 3);
    CHECK_EQ(osm_map_places_snap(m, 300), 3);
    for (size_t i = 0; i < m->n_places; i++) {
        const osm_place *p = &m->places[i];
        int64_t want = strcmp(p->name, "Wuxingjie-Police-Station") == 0 ? 1004
                       : strcmp(p->name, "Zigong-Railway-Station") == 0 ? 1007
                       : strcmp(p->name, "Dongfang-Square") == 0        ? 1005 /* tie with E */
                                                                        : -1;
        CHECK(want > 0);
        CHECK(p->node >= 0 && m->nodes[p->node].id == want);
    }
    /* The police station, a building, sits at the mean of its corners (160, 40). */
    for (size_t i = 0; i < m->n_places; i++)
        if (strcmp(m->places[i].kind, "police") == 0) {
            CHECK_NEAR(m->places[i].snap_m, hypot(40, 40), 0.1);
            CHECK(m->places[i].osm_type == 'w');
        }
    /* Too far: nothing placed. */
    CHECK_EQ(osm_map_places_snap(m, 10), 0);
    osm_map_destroy(m);
    diag_destroy(d);
}

/* A tiny extract: a square of four two-way streets (of two classes, so that no
 * corner only shapes a street) with one more way under test from corner 1 to
 * corner 3 through node 5; returns the map. */
static osm_map *square_with(const char *way_tags, const char *speed, diag **d)
{
    char text[4096];
    snprintf(text, sizeof text,
             "<?xml version='1.0'?>\n<osm version='0.6'>\n"
             " <node id='1' lat='30.0000' lon='104.0000'/>\n"
             " <node id='2' lat='30.0000' lon='104.0020'/>\n"
             " <node id='3' lat='30.0020' lon='104.0020'/>\n"
             " <node id='4' lat='30.0020' lon='104.0000'/>\n"
             " <node id='5' lat='30.0010' lon='104.0010'/>\n"
             " <way id='11'><nd ref='1'/><nd ref='2'/><tag k='highway' v='residential'/></way>\n"
             " <way id='12'><nd ref='2'/><nd ref='3'/><tag k='highway' v='service'/></way>\n"
             " <way id='13'><nd ref='3'/><nd ref='4'/><tag k='highway' v='residential'/></way>\n"
             " <way id='14'><nd ref='4'/><nd ref='1'/><tag k='highway' v='service'/></way>\n"
             " <way id='15'><nd ref='1'/><nd ref='5'/><nd ref='3'/>%s</way>\n"
             "</osm>\n",
             way_tags);
    char path[64];
    temp_write(path, ".osm", text);
    osm_opts o;
    osm_opts_init(&o);
    *d = diag_create();
    if (speed) CHECK_EQ(osm_opts_speed_parse(&o, speed, "<test>", 0, *d), 0);
    osm_map *m = osm_import(path, &o, *d);
    if (!m) diag_print(*d, stderr);
    osm_opts_fini(&o);
    unlink(path);
    return m;
}

/* Vehicle and foot speed of the edge from -> to of the test way, -1 when absent. */
static void way_speeds(const osm_map *m, int64_t from, int64_t to, double sp[2])
{
    const net_edge *e = map_edge(m, from, to);
    sp[0] = e ? e->speed_mps[0] : -1;
    sp[1] = e ? e->speed_mps[1] : -1;
}

static void test_tags(void)
{
    struct {
        const char *tags;
        const char *speed;
        double fwd[2], bwd[2]; /* expected 1->3 and 3->1 (vehicle, foot); -1: no edge */
    } cases[] = {
        {"<tag k='highway' v='tertiary'/>", NULL, {9.7, 1.3}, {9.7, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='oneway' v='yes'/>", NULL, {9.7, 1.3}, {0, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='oneway' v='true'/>", NULL, {9.7, 1.3}, {0, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='oneway' v='1'/>", NULL, {9.7, 1.3}, {0, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='oneway' v='-1'/>", NULL, {0, 1.3}, {9.7, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='junction' v='roundabout'/>",
         NULL,
         {9.7, 1.3},
         {0, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='junction' v='roundabout'/>"
         "<tag k='oneway' v='no'/>",
         NULL,
         {9.7, 1.3},
         {9.7, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='oneway' v='reversible'/>",
         NULL,
         {0, 1.3},
         {0, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='access' v='no'/>", NULL, {-1, -1}, {-1, -1}},
        {"<tag k='highway' v='tertiary'/><tag k='access' v='no'/><tag k='foot' v='yes'/>",
         NULL,
         {0, 1.3},
         {0, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='access' v='private'/>",
         NULL,
         {9.7, 1.3},
         {9.7, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='motor_vehicle' v='no'/>",
         NULL,
         {0, 1.3},
         {0, 1.3}},
        {"<tag k='highway' v='tertiary'/><tag k='foot' v='no'/>", NULL, {9.7, 0}, {9.7, 0}},
        {"<tag k='highway' v='pedestrian'/>", NULL, {0, 1.3}, {0, 1.3}},
        {"<tag k='highway' v='pedestrian'/>", "pedestrian=2.8,1.3", {2.8, 1.3}, {2.8, 1.3}},
        {"<tag k='highway' v='footway'/>", "footway=0,0", {-1, -1}, {-1, -1}},
        {"<tag k='highway' v='bridleway'/>", NULL, {-1, -1}, {-1, -1}},
        {"<tag k='highway' v='bridleway'/>", "bridleway=0,1.1", {0, 1.1}, {0, 1.1}},
        {"<tag k='highway' v='tertiary'/><tag k='area' v='yes'/>", NULL, {-1, -1}, {-1, -1}},
        {"<tag k='highway' v='tertiary'/>", "tertiary=5,1", {5, 1}, {5, 1}},
        {"<tag k='building' v='yes'/>", NULL, {-1, -1}, {-1, -1}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        diag *d;
        osm_map *m = square_with(cases[i].tags, cases[i].speed, &d);
        CHECK(m != NULL);
        if (m) {
            double f[2], b[2];
            /* Node 5 only shapes the way and is merged; the edge is 1 -> 3. */
            way_speeds(m, 1, 3, f);
            way_speeds(m, 3, 1, b);
            bool ok = f[0] == cases[i].fwd[0] && f[1] == cases[i].fwd[1] &&
                      b[0] == cases[i].bwd[0] && b[1] == cases[i].bwd[1];
            if (!ok)
                fprintf(stderr, "  case %zu (%s%s%s): got %g,%g / %g,%g\n", i, cases[i].tags,
                        cases[i].speed ? ", --speed " : "", cases[i].speed ? cases[i].speed : "",
                        f[0], f[1], b[0], b[1]);
            CHECK(ok);
            /* 1 -> 5 -> 3: twice the diagonal of a 0.001-degree cell. */
            double diag_m = hypot(0.001 * m->proj.m_per_deg_lon, 0.001 * m->proj.m_per_deg_lat);
            if (f[0] >= 0) CHECK_NEAR(map_edge(m, 1, 3)->length_m, 2 * diag_m, 0.05);
        }
        osm_map_destroy(m);
        diag_destroy(d);
    }
}

static void test_missing_refs(void)
{
    /* A way through a node that is not in the file (a clipped extract) is cut there. */
    const char *text =
        "<?xml version='1.0'?>\n<osm version='0.6'>\n"
        " <node id='1' lat='30.0000' lon='104.0000'/>\n"
        " <node id='2' lat='30.0000' lon='104.0010'/>\n"
        " <node id='3' lat='30.0010' lon='104.0010'/>\n"
        " <way id='11'><nd ref='1'/><nd ref='2'/><nd ref='99'/><nd ref='3'/>"
        "<tag k='highway' v='residential'/></way>\n"
        " <way id='12'><nd ref='2'/><nd ref='3'/><tag k='highway' v='tertiary'/></way>\n"
        "</osm>\n";
    char path[64];
    temp_write(path, ".osm", text);
    diag *d;
    osm_map *m = import(path, false, true, &d);
    CHECK(m != NULL);
    if (m) {
        CHECK_EQ(m->stats.refs_missing, 1);
        CHECK_EQ(m->n_nodes, 3);
        CHECK_EQ(m->n_edges, 4); /* 1-2 and 2-3, both ways */
        CHECK(map_edge(m, 1, 3) == NULL);
    }
    osm_map_destroy(m);
    diag_destroy(d);
    unlink(path);
}

static void test_ring(void)
{
    /* A closed ring with one way in: the ring keeps a node half-way round, so it
     * becomes two edges and no self-loop. */
    const char *text =
        "<?xml version='1.0'?>\n<osm version='0.6'>\n"
        " <node id='1' lat='30.0000' lon='104.0000'/>\n"
        " <node id='2' lat='30.0000' lon='104.0010'/>\n"
        " <node id='3' lat='30.0005' lon='104.0015'/>\n"
        " <node id='4' lat='30.0010' lon='104.0010'/>\n"
        " <node id='5' lat='30.0005' lon='104.0005'/>\n"
        " <node id='6' lat='29.9990' lon='104.0000'/>\n"
        " <way id='11'><nd ref='2'/><nd ref='3'/><nd ref='4'/><nd ref='5'/><nd ref='2'/>"
        "<tag k='highway' v='residential'/></way>\n"
        " <way id='12'><nd ref='6'/><nd ref='1'/><nd ref='2'/>"
        "<tag k='highway' v='residential'/></way>\n"
        "</osm>\n";
    char path[64];
    temp_write(path, ".osm", text);
    diag *d;
    osm_map *m = import(path, false, true, &d);
    CHECK(m != NULL);
    if (m) {
        /* 6 (dead end), 2 (junction) and one ring node; 1 only shapes the street. */
        CHECK_EQ(m->n_nodes, 3);
        CHECK_EQ(m->n_edges, 6);
        for (size_t i = 0; i < m->n_edges; i++)
            CHECK(m->edges[i].from != m->edges[i].to);
        double total = 0;
        for (size_t i = 0; i < m->n_edges; i++)
            total += m->edges[i].length_m;
        /* Each road counted both ways: twice (ring + street). */
        CHECK(total > 2 * (4 * 70.0 + 2 * 95.0));
        char out[64];
        temp_write(out, ".txt", "");
        CHECK_EQ(osm_map_write(m, out, d), 0);
        net *g = net_load(out, d);
        CHECK(g != NULL);
        if (!g) diag_print(d, stderr);
        net_destroy(g);
        unlink(out);
    }
    osm_map_destroy(m);
    diag_destroy(d);
    unlink(path);
}

static void test_bad_files(void)
{
    char path[64];
    diag *d;
    /* Malformed XML: the line of the error. */
    temp_write(path, ".osm",
               "<?xml version='1.0'?>\n<osm version='0.6'>\n <node id='1' lat='30' lon='104'>\n"
               " </way>\n</osm>\n");
    osm_map *m = import(path, false, true, &d);
    CHECK(m == NULL);
    char want[256];
    snprintf(want, sizeof want, "%s:4: OSM: not a valid OSM XML file", path);
    CHECK(diag_contains(d, want));
    diag_destroy(d);
    unlink(path);
    /* Valid XML, no roads. */
    temp_write(path, ".osm",
               "<?xml version='1.0'?>\n<osm version='0.6'>\n <node id='1' lat='30' lon='104'/>\n"
               " <way id='2'><nd ref='1'/><tag k='highway' v='proposed'/></way>\n</osm>\n");
    m = import(path, false, true, &d);
    CHECK(m == NULL);
    CHECK(diag_contains(d, "no roads: none of the file's 1 ways is a highway of an imported "
                           "class (1 highway ways of other values: proposed 1)"));
    diag_destroy(d);
    unlink(path);
    /* Not a PBF. */
    temp_write(path, ".pbf", "this is not a protocol buffer\n");
    m = import(path, false, true, &d);
    CHECK(m == NULL);
    CHECK(diag_contains(d, "OSM: not a valid PBF file"));
    diag_destroy(d);
    unlink(path);
    /* A name readosm refuses, and a missing file. */
    m = import(PSIM_TEST_DATA "/osm/small.osm.gz", false, true, &d);
    CHECK(m == NULL);
    CHECK(diag_contains(d, "must end in .osm (XML) or .pbf"));
    diag_destroy(d);
    m = import("/nonexistent/map.osm", false, true, &d);
    CHECK(m == NULL);
    CHECK(diag_contains(d, "/nonexistent/map.osm: OSM: cannot open the file: No such file"));
    diag_destroy(d);
}

static void test_speed_options(void)
{
    osm_opts o;
    CHECK_EQ(osm_opts_init(&o), 0);
    CHECK_EQ(o.n_classes, osm_n_class_defaults);
    diag *d = diag_create();
    CHECK_EQ(osm_opts_speed_parse(&o, "residential=5.5,1.1", "<command line>", 0, d), 0);
    CHECK_EQ(o.n_classes, osm_n_class_defaults);
    CHECK_EQ(osm_opts_speed_parse(&o, "busway=8,0", "<command line>", 0, d), 0);
    CHECK_EQ(o.n_classes, osm_n_class_defaults + 1);
    CHECK_EQ(osm_opts_speed_parse(&o, "residential=fast,1", "<command line>", 0, d), -1);
    CHECK_EQ(osm_opts_speed_parse(&o, "residential=80,1", "<command line>", 0, d), -1);
    CHECK_EQ(osm_opts_speed_parse(&o, "residential=0.05,1", "<command line>", 0, d), -1);
    CHECK_EQ(osm_opts_speed_parse(&o, "residential", "<command line>", 0, d), -1);
    CHECK_EQ(osm_opts_speed_parse(&o, "res idential=1,1", "<command line>", 0, d), -1);
    CHECK_EQ(diag_count(d), 5);
    CHECK(diag_contains(d, "must be 0 (cannot use) or at least 0.1 m/s (got '0.05')"));
    CHECK(diag_contains(d, "<command line>: speed.vehicle_mps: not a number: 'fast'"));
    CHECK(diag_contains(d, "<command line>: speed.vehicle_mps: must be in [0, 70] m/s (got '80')"));
    CHECK(diag_contains(d, "expected <class>=<vehicle_mps>,<foot_mps> (got 'residential')"));
    diag_destroy(d);

    char path[64];
    temp_write(path, ".txt",
               "# my speeds\nprimary 12 1.2\n\nsecondary 10\ntertiary x 1\nservice 3 1 # ok\n");
    d = diag_create();
    CHECK_EQ(osm_opts_speeds_load(&o, path, d), -1);
    char want[256];
    snprintf(want, sizeof want,
             "%s:4: speed: expected <class> <vehicle_mps> <foot_mps> (got 2 "
             "fields)",
             path);
    CHECK(diag_contains(d, want));
    snprintf(want, sizeof want, "%s:5: speed.vehicle_mps: not a number: 'x'", path);
    CHECK(diag_contains(d, want));
    CHECK_EQ(diag_count(d), 2);
    for (size_t i = 0; i < o.n_classes; i++) {
        if (strcmp(o.classes[i].name, "primary") == 0) CHECK(o.classes[i].speed_mps[0] == 12);
        if (strcmp(o.classes[i].name, "service") == 0) CHECK(o.classes[i].speed_mps[0] == 3);
    }
    diag_destroy(d);
    unlink(path);
    osm_opts_fini(&o);
}

static void test_zones(void)
{
    diag *d;
    osm_map *m = import(SMALL, false, true, &d);
    if (!m) {
        CHECK(m != NULL);
        diag_destroy(d);
        return;
    }
    /* "West" holds x < 50 m east of A (A, D, G), "East" the part of B..F with y < 150;
     * K (100, 200) is in neither. Built around the lon/lat of A = (104.78, 29.35). */
    char text[2048];
    snprintf(
        text, sizeof text,
        "{\"type\": \"FeatureCollection\", \"features\": [\n"
        " {\"type\": \"Feature\", \"properties\": {\"name\": \"West Side\"},\n"
        "  \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[104.7795, 29.3495],"
        " [104.7805, 29.3495], [104.7805, 29.3525], [104.7795, 29.3525], [104.7795, 29.3495]]]}},\n"
        " {\"type\": \"Feature\", \"properties\": {\"name\": \"East\"},\n"
        "  \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\": [[[[104.7806, 29.3495],"
        " [104.7825, 29.3495], [104.7825, 29.3513], [104.7806, 29.3513], [104.7806, 29.3495]],"
        " [[104.7818, 29.3506], [104.7823, 29.3506], [104.7823, 29.3512], [104.7818, 29.3512],"
        " [104.7818, 29.3506]]]]}}\n"
        "]}\n");
    char path[64];
    temp_write(path, ".geojson", text);
    geojson_zones *z = geojson_zones_load(path, &m->proj, d);
    CHECK(z != NULL);
    if (z) {
        CHECK_EQ(z->n_names, 2);
        size_t outside;
        CHECK_EQ(osm_map_zones_assign(m, z, "outside", &outside), 0);
        CHECK_EQ(outside, 2); /* K, and F (in the hole of East) */
        CHECK_EQ(m->n_zones, 3);
        struct {
            int64_t id;
            const char *zone;
        } want[] = {{1001, "West-Side"}, {1005, "West-Side"}, {1011, "West-Side"},
                    {1002, "East"},      {1004, "East"},      {1006, "East"},
                    {1007, "outside"},   {1012, "outside"}};
        for (size_t i = 0; i < 8; i++) {
            int32_t v = map_index(m, want[i].id);
            CHECK(v >= 0 && m->nodes[v].zone >= 0);
            if (v >= 0 && m->nodes[v].zone >= 0)
                CHECK_STR(m->zone_names[m->nodes[v].zone], want[i].zone);
        }
        char out[64];
        temp_write(out, ".txt", "");
        CHECK_EQ(osm_map_write(m, out, d), 0);
        net *g = net_load(out, d);
        CHECK(g != NULL);
        if (g) {
            CHECK_EQ(g->n_zones, 3);
            CHECK_EQ(g->nodes[net_node_index(g, 1012)].zone, net_zone_index(g, "outside"));
        }
        net_destroy(g);
        unlink(out);
    }
    geojson_zones_destroy(z);
    unlink(path);
    diag_destroy(d);

    /* Bad zone files: each problem with its line and path. */
    d = diag_create();
    temp_write(
        path, ".geojson",
        "{\"type\": \"FeatureCollection\", \"features\": [\n"
        " {\"type\": \"Feature\", \"properties\": {},\n"
        "  \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[1,2],[2,2],[2,3],[1,2]]]}},\n"
        " {\"type\": \"Feature\", \"properties\": {\"name\": \"A\"},\n"
        "  \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[1,2],[2,2]]}},\n"
        " {\"type\": \"Feature\", \"properties\": {\"name\": \"B\"},\n"
        "  \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[29.3,104.7],[29.4,104.7],\n"
        "   [29.4,104.8],[29.3,104.7]]]}}\n"
        "]}\n");
    z = geojson_zones_load(path, &m->proj, d);
    CHECK(z == NULL);
    char want[256];
    snprintf(want, sizeof want, "%s:2: features.[0].properties.name: every zone feature needs",
             path);
    CHECK(diag_contains(d, want));
    snprintf(want, sizeof want,
             "%s:5: features.[1].geometry.type: zones are Polygon or "
             "MultiPolygon (got 'LineString')",
             path);
    CHECK(diag_contains(d, want));
    snprintf(want, sizeof want,
             "%s:7: features.[2].geometry.coordinates.[0].[0]: not a "
             "longitude and latitude",
             path);
    CHECK(diag_contains(d, want));
    diag_destroy(d);
    unlink(path);
    d = diag_create();
    temp_write(path, ".geojson", "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {]\n}\n");
    z = geojson_zones_load(path, &m->proj, d);
    CHECK(z == NULL);
    snprintf(want, sizeof want, "%s:3: JSON: expected a key in quotes", path);
    CHECK(diag_contains(d, want));
    diag_destroy(d);
    unlink(path);
    osm_map_destroy(m);
}

int main(void)
{
    test_small_counts();
    test_small_exact_times(true);
    test_small_exact_times(false);
    test_small_written_file();
    test_small_places();
    test_tags();
    test_missing_refs();
    test_ring();
    test_bad_files();
    test_speed_options();
    test_zones();
    return CHECK_DONE();
}
