/* test_scen_geo.c - where a scenario puts things on the map (scen_geo.c): node
 * references by node id, place, x/y and lon/lat, snapped to the nearest node;
 * far snaps and a missing origin as errors; zones and grid cells from GeoJSON
 * polygons (holes, a node outside every polygon, empty and unlisted zones).
 *
 * The network is tests/data/net/small.txt (ten nodes, two rows 100 m apart),
 * and a copy of it with an origin record so that lon/lat can be placed on it.
 * Lon/lat of the nodes come from geo.h's inverse projection (tested in
 * test_osm.c against the ellipsoid); the scenario is a small one written here.
 *
 *   1 - 2 - 3 - 4 - 5      y = 100   (ids; x = 0, 100, ..., 400)
 *   |       |       |
 *   6 - 7 - 8 - 9 - 10     y = 0
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "geo.h"
#include "scenario.h"

#define SMALL_NET    PSIM_TEST_DATA "/net/small.txt"
#define SMALL_PLACES PSIM_TEST_DATA "/net/small-places.txt"
#define LON0         104.78
#define LAT0         29.35

static char tmpdir[64];
static char geo_net[128];   /* small.txt with an origin record */
static char zones_json[128];

static const char *tmp_path(const char *name)
{
    static char path[4][160];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", tmpdir, name);
    return path[k];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* A scenario on `net_path` with the given network extras, zones and stations. */
static scenario *load(const char *net_path, const char *network_extra, const char *zones,
                      const char *stations, const char *extra, diag **d)
{
    char text[8192];
    snprintf(text, sizeof text,
             "name = \"geo\";\n"                                                      /* 1 */
             "run : { seed = 1; replications = 1; horizon_days = 2.0; };\n"           /* 2 */
             "network : { file = \"%s\"; places = \"%s\";\n"                          /* 3 */
             "  %s };\n"                                                              /* 4 */
             "zone_kinds = ( { name = \"k\"; target_s = [ 600.0 ]; } );\n"            /* 5 */
             "zones = ( %s );\n"                                                      /* 6 */
             "calls : { per_day = 10.0; };\n"                                         /* 7 */
             "incident_types = ( { name = \"t\"; priority = 1; share = 1.0;\n"        /* 8 */
             "  onscene = { dist = \"fixed\"; mean_s = 600.0; }; } );\n"              /* 9 */
             "stations = ( %s );\n"                                                   /* 10 */
             "units = ( { name = \"u\"; station = \"A\"; kind = \"car\"; count = 1;\n" /* 11 */
             "  crew = 1; mode = \"vehicle\"; } );\n"                                 /* 12 */
             "%s\n",                                                                  /* 13 */
             net_path, SMALL_PLACES, network_extra, zones, stations, extra);
    const char *path = tmp_path("t.cfg");
    write_file(path, text);
    *d = diag_create();
    return scen_load(path, NULL, 0, *d);
}

#define FILE_ZONES                                                                         \
    "{ name = \"North\"; kind = \"k\"; weight = 1.0; }, "                                  \
    "{ name = \"South\"; kind = \"k\"; weight = 1.0; }"

/* Whether some message contains `want`; prints all messages when none does. */
static int has_msg(const diag *d, const char *want)
{
    for (size_t i = 0; i < diag_count(d); i++)
        if (strstr(diag_message(d, i), want)) return 1;
    fprintf(stderr, "  no message contains: %s\n  messages:\n", want);
    for (size_t i = 0; i < diag_count(d); i++)
        fprintf(stderr, "    %s\n", diag_message(d, i));
    return 0;
}

static int64_t node_id(const scenario *s, uint32_t v)
{
    return s->net->nodes[v].id;
}

/* The lon/lat of planar (x, y) on the map of geo_net. */
static void lonlat_of(double x, double y, double *lon, double *lat)
{
    geo_proj p;
    geo_proj_init(&p, LON0, LAT0);
    geo_proj_inverse(&p, x, y, lon, lat);
}

/* ------------------------------------------------------------------------ */
/* Node references.                                                          */

static void test_references(void)
{
    diag *d;
    char st[1024];
    double lon, lat;
    /* 12 m off node 3 in x/y; 30 m north-east of node 7 (100, 0) in lon/lat;
     * node 4 by id; node 10 by place; a list (mixed int and float) by node 10. */
    lonlat_of(121.2, 21.2, &lon, &lat);
    snprintf(st, sizeof st,
             "{ name = \"A\"; xy_m = [ 190.0, 107.0 ]; }, "
             "{ name = \"B\"; lonlat = [ %.9f, %.9f ]; }, "
             "{ name = \"C\"; node = 4; }, { name = \"D\"; node = \"South-station\"; }, "
             "{ name = \"E\"; xy_m = ( 400, 0.5 ); }",
             lon, lat);
    scenario *s = load(geo_net, "", FILE_ZONES, st, "", &d);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(s->n_stations, 5);
        CHECK_EQ(node_id(s, s->stations[0].node), 3);
        CHECK_EQ(node_id(s, s->stations[1].node), 7);
        CHECK_EQ(node_id(s, s->stations[2].node), 4);
        CHECK_EQ(node_id(s, s->stations[3].node), 10);
        CHECK_EQ(node_id(s, s->stations[4].node), 10);
        /* Where each position went, for patrolsim check. */
        CHECK_EQ(s->n_snaps, 3);
        if (s->n_snaps == 3) {
            CHECK_STR(s->snaps[0].path, "stations.[0].xy_m");
            CHECK_NEAR(s->snaps[0].dist_m, hypot(10.0, 7.0), 1e-9);
            CHECK_STR(s->snaps[1].path, "stations.[1].lonlat");
            CHECK_EQ(s->snaps[1].node_id, 7);
            CHECK_NEAR(s->snaps[1].dist_m, hypot(21.2, 21.2), 1e-3);
            CHECK_STR(s->snaps[2].path, "stations.[4].xy_m");
            CHECK_NEAR(s->snaps[2].dist_m, 0.5, 1e-9);
        }
    } else {
        diag_print(d, stderr);
    }
    scen_destroy(s);
    diag_destroy(d);
}

/* Hotspots and posts: positions resolve wherever a node is named. */
static void test_hotspot_and_post(void)
{
    diag *d;
    double lon, lat;
    lonlat_of(395.0, 7.0, &lon, &lat); /* by node 10 */
    char extra[1024];
    snprintf(extra, sizeof extra,
             "hotspots = ( { name = \"h\"; xy_m = [ 10.0, 60.0 ]; radius_m = 50.0; "
             "weight = 1.0; } );\n"
             "posts = ( { name = \"p\"; kind = \"kiosk\"; lonlat = [ %.9f, %.9f ]; } );",
             lon, lat);
    /* The post needs a unit group based at it. */
    const char *net_extra = "";
    char cfg[8192];
    snprintf(cfg, sizeof cfg,
             "name = \"geo\";\n"
             "run : { seed = 1; replications = 1; horizon_days = 2.0; };\n"
             "network : { file = \"%s\"; %s };\n"
             "zone_kinds = ( { name = \"k\"; target_s = [ 600.0 ]; } );\n"
             "zones = ( " FILE_ZONES " );\n"
             "calls : { per_day = 10.0; };\n"
             "incident_types = ( { name = \"t\"; priority = 1; share = 1.0;\n"
             "  onscene = { dist = \"fixed\"; mean_s = 600.0; }; } );\n"
             "stations = ( { name = \"A\"; xy_m = [ 0.0, 0.0 ]; } );\n"
             "units = ( { name = \"u\"; station = \"A\"; kind = \"car\"; count = 1; crew = 1;\n"
             "  mode = \"vehicle\"; }, { name = \"k\"; post = \"p\"; kind = \"car\"; count = 1;\n"
             "  crew = 1; mode = \"foot\"; } );\n"
             "%s\n",
             geo_net, net_extra, extra);
    const char *path = tmp_path("hp.cfg");
    write_file(path, cfg);
    d = diag_create();
    scenario *s = scen_load(path, NULL, 0, d);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(node_id(s, s->stations[0].node), 6);
        CHECK_EQ(node_id(s, s->hotspots[0].node), 1);
        CHECK_EQ(s->hotspots[0].n_nodes, 1); /* node 1 only: 2 and 6 are 100 m away */
        CHECK_EQ(s->n_posts, 1);
        CHECK_EQ(node_id(s, s->posts[0].node), 10);
    } else {
        diag_print(d, stderr);
    }
    scen_destroy(s);
    diag_destroy(d);
}

static void test_reference_errors(void)
{
    diag *d;
    char want[512];
#define WANT(line, msg)                                                                    \
    do {                                                                                   \
        snprintf(want, sizeof want, "%s:%d: %s", tmp_path("t.cfg"), line, msg);            \
        CHECK(has_msg(d, want));                                                           \
    } while (0)

    /* Far: (200, 400) is 300 m from node 3, the nearest. */
    scenario *s = load(SMALL_NET, "", FILE_ZONES,
                       "{ name = \"A\"; node = 1; },\n"              /* 10 */
                       "{ name = \"B\"; xy_m = [ 200.0, 400.0 ]; },\n" /* 11 */
                       "{ name = \"C\"; lonlat = [ 104.78, 29.35 ]; },\n" /* 12 */
                       "{ name = \"D\"; node = 2; xy_m = [ 0, 0 ]; },\n" /* 13 */
                       "{ name = \"E\"; squad = 2; },\n"             /* 14 */
                       "{ name = \"F\"; xy_m = [ 1.0 ]; },\n"        /* 15 */
                       "{ name = \"G\"; lonlat = [ 29.35, 104.78 ]; }", /* 16 */
                       "", &d);
    CHECK(s == NULL);
    WANT(11, "stations.[1].xy_m: the nearest node (3, at x 200.0, y 100.0 m) is 300 m away, more "
             "than network.max_snap_m (250 m): a position off the map");
    WANT(12, "stations.[2].lonlat: a position in lon/lat, but the network file '" SMALL_NET
             "' has no origin record");
    WANT(13, "stations.[3].xy_m: give one of node, lonlat and xy_m (node is given too)");
    WANT(14, "stations.[4]: missing required key 'node' (or a position: lonlat = [lon, lat] or "
             "xy_m = [x, y])");
    WANT(15, "stations.[5].xy_m: must be [x, y] in metres (got 1 value)");
    WANT(16, "stations.[6].lonlat: lon must be in [-180, 180] and lat in [-85, 85] degrees (got "
             "[29.35, 104.78]): is it [lat, lon]? write [lon, lat]");
    CHECK_EQ(diag_count(d), 6);
    scen_destroy(s);
    diag_destroy(d);

    /* network.max_snap_m widens the snap (and must be > 0). */
    s = load(SMALL_NET, "max_snap_m = 301.0;", FILE_ZONES,
             "{ name = \"A\"; xy_m = [ 200.0, 400.0 ]; }", "", &d);
    CHECK(s != NULL);
    if (s) CHECK_EQ(node_id(s, s->stations[0].node), 3);
    scen_destroy(s);
    diag_destroy(d);
    s = load(SMALL_NET, "max_snap_m = 0;", FILE_ZONES, "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s == NULL);
    WANT(4, "network.max_snap_m: must be > 0 (got 0)");
    scen_destroy(s);
    diag_destroy(d);

    /* A far lon/lat on a map with an origin names WGS84. */
    double lon, lat;
    lonlat_of(200.0, 5000.0, &lon, &lat);
    char st[256];
    snprintf(st, sizeof st, "{ name = \"A\"; lonlat = [ %.9f, %.9f ]; }", lon, lat);
    s = load(geo_net, "", FILE_ZONES, st, "", &d);
    CHECK(s == NULL);
    WANT(10, "stations.[0].lonlat: the nearest node (3, at x 200.0, y 100.0 m) is 4900 m away, "
             "more than network.max_snap_m (250 m): a position off the map (lon/lat are WGS84");
    scen_destroy(s);
    diag_destroy(d);
#undef WANT
}

/* ------------------------------------------------------------------------ */
/* GeoJSON zones and cells.                                                  */

/* A ring [x0, x1] x [y0, y1] in lon/lat, as GeoJSON text (counter-clockwise). */
static void ring(char *buf, size_t n, double x0, double y0, double x1, double y1)
{
    double xs[5] = {x0, x1, x1, x0, x0}, ys[5] = {y0, y0, y1, y1, y0};
    size_t used = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < 5; i++) {
        double lon, lat;
        lonlat_of(xs[i], ys[i], &lon, &lat);
        used += (size_t)snprintf(buf + used, n - used, "%s[%.9f, %.9f]", i ? ", " : "", lon, lat);
    }
    snprintf(buf + used, n - used, "]");
}

/* Upper: the northern row, with a hole round node 3; Lower: the southern row
 * up to x = 350 (node 10 is outside); Centre: node 3, in Upper's hole; Empty:
 * far away. Each feature has `name` and `district` (the latter upper-case). */
static void write_zones(void)
{
    char outer[512], hole[512], lower[512], centre[512], empty[512], text[4096];
    ring(outer, sizeof outer, -50, 50, 450, 150);
    ring(hole, sizeof hole, 150, 60, 250, 140);
    ring(lower, sizeof lower, -50, -50, 350, 49);
    ring(centre, sizeof centre, 180, 80, 220, 120);
    ring(empty, sizeof empty, 5000, 5000, 5100, 5100);
    snprintf(text, sizeof text,
             "{\"type\": \"FeatureCollection\", \"features\": [\n"
             " {\"type\": \"Feature\", \"properties\": {\"name\": \"Upper\", \"district\": \"UP\"},\n"
             "  \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [%s, %s]}},\n"
             " {\"type\": \"Feature\", \"properties\": {\"name\": \"Lower\", \"district\": \"LO\"},\n"
             "  \"geometry\": {\"type\": \"MultiPolygon\", \"coordinates\": [[%s]]}},\n"
             " {\"type\": \"Feature\", \"properties\": {\"name\": \"Centre\", \"district\": \"CE\"},\n"
             "  \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [%s]}},\n"
             " {\"type\": \"Feature\", \"properties\": {\"name\": \"Empty\", \"district\": \"EM\"},\n"
             "  \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [%s]}}\n"
             "]}\n",
             outer, hole, lower, centre, empty);
    write_file(zones_json, text);
}

#define GEO_ZONES(a, b, c, d)                                                              \
    "{ name = \"" a "\"; kind = \"k\"; weight = 1.0; }, "                                  \
    "{ name = \"" b "\"; kind = \"k\"; weight = 1.0; }, "                                  \
    "{ name = \"" c "\"; kind = \"k\"; weight = 1.0; }, "                                  \
    "{ name = \"" d "\"; kind = \"k\"; weight = 1.0; }"

static void test_zones(void)
{
    diag *d;
    char nx[512];
    /* Nodes 1, 2, 4, 5 in Upper (3 is in its hole), 3 in Centre, 6-9 in Lower,
     * 10 outside every polygon: zones_outside names its zone. The network
     * file's North/South labels are replaced. */
    snprintf(nx, sizeof nx, "zones_geojson = \"%s\"; zones_outside = \"Edge\";", zones_json);
    scenario *s = load(geo_net, nx, GEO_ZONES("Lower", "Upper", "Centre", "Edge"),
                       "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s != NULL);
    if (s) {
        const char *want[11] = {NULL,    "Upper", "Upper", "Centre", "Upper", "Upper",
                                "Lower", "Lower", "Lower", "Lower",  "Edge"};
        for (uint32_t v = 0; v < s->net->n_nodes; v++) {
            int64_t id = node_id(s, v);
            int z = s->node_zone[v];
            CHECK(z >= 0);
            if (z >= 0 && id >= 1 && id <= 10) CHECK_STR(s->zones[z].name, want[id]);
            /* The network's labels now say the same (results write them). */
            CHECK_STR(s->net->zone_names[s->net->nodes[v].zone], want[id]);
        }
        CHECK_EQ(s->zones[0].n_nodes, 4);
        CHECK_EQ(s->zones[1].n_nodes, 4);
        CHECK_EQ(s->zones[2].n_nodes, 1);
        CHECK_EQ(s->zones[3].n_nodes, 1);
        CHECK_EQ(s->net->n_zones, 4); /* Empty, which holds no node, is not kept */
        /* The GeoJSON file is an input of the run (hashed, recorded). */
        int found = 0;
        for (size_t i = 0; i < s->n_inputs; i++)
            found |= strcmp(s->input_paths[i], zones_json) == 0;
        CHECK(found);
    } else {
        diag_print(d, stderr);
    }
    scen_destroy(s);
    diag_destroy(d);

    /* zones_outside may name a polygon's zone; zones_property picks the names. */
    snprintf(nx, sizeof nx,
             "zones_geojson = \"%s\"; zones_property = \"district\"; zones_outside = \"LO\";",
             zones_json);
    s = load(geo_net, nx,
             "{ name = \"UP\"; kind = \"k\"; weight = 1.0; }, "
             "{ name = \"LO\"; kind = \"k\"; weight = 1.0; }, "
             "{ name = \"CE\"; kind = \"k\"; weight = 1.0; }",
             "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(s->zones[0].n_nodes, 4);
        CHECK_EQ(s->zones[1].n_nodes, 5); /* 6-9 and, from outside, 10 */
        CHECK_EQ(s->zones[2].n_nodes, 1);
    } else {
        diag_print(d, stderr);
    }
    scen_destroy(s);
    diag_destroy(d);

    /* Errors: node 10 in no polygon, Empty without a node, Centre not listed,
     * a zone that is no polygon's. One run reports them all. */
    char want[512];
    snprintf(nx, sizeof nx, "zones_geojson = \"%s\";", zones_json);
    s = load(geo_net, nx, GEO_ZONES("Lower", "Upper", "Empty", "Nowhere"),
             "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s == NULL);
    snprintf(want, sizeof want,
             "t.cfg:4: network.zones_geojson: 1 node of the network lies in no polygon of '%s' "
             "(ids: 10): every node must be in a zone; set network.zones_outside",
             zones_json);
    CHECK(has_msg(d, want));
    snprintf(want, sizeof want, "t.cfg:6: zones: zone 'Centre' of '%s' (1 node) is not listed",
             zones_json);
    CHECK(has_msg(d, want));
    snprintf(want, sizeof want,
             "t.cfg:6: zones.[2].name: zone 'Empty' has no node: no node of the network lies in "
             "its polygons in '%s'",
             zones_json);
    CHECK(has_msg(d, want));
    snprintf(want, sizeof want,
             "t.cfg:6: zones.[3].name: zone 'Nowhere' is not a zone of '%s' (zones there: Upper, "
             "Lower, Centre, Empty)",
             zones_json);
    CHECK(has_msg(d, want));
    CHECK_EQ(diag_count(d), 4); /* and no echo from the network file's own zones */
    scen_destroy(s);
    diag_destroy(d);

    /* Polygons in lon/lat need the network's origin. */
    s = load(SMALL_NET, nx, FILE_ZONES, "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "network.zones_geojson: GeoJSON polygons are in lon/lat, but the network "
                     "file '" SMALL_NET "' has no origin record"));
    CHECK_EQ(diag_count(d), 1);
    scen_destroy(s);
    diag_destroy(d);

    /* A bad property name is the GeoJSON reader's message, with the file's line. */
    snprintf(nx, sizeof nx, "zones_geojson = \"%s\"; zones_property = \"ward\";", zones_json);
    s = load(geo_net, nx, FILE_ZONES, "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s == NULL);
    snprintf(want, sizeof want,
             "%s:2: features.[0].properties.ward: every zone feature needs a non-empty string "
             "property 'ward' (missing)",
             zones_json);
    CHECK(has_msg(d, want));
    scen_destroy(s);
    diag_destroy(d);

    /* zones_outside naming a zone that no node needs. */
    char wide[160];
    snprintf(wide, sizeof wide, "%s", zones_json);
    /* With Lower widened to x = 450 no node is left outside. */
    {
        FILE *f = fopen(zones_json, "r");
        char text[8192];
        size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
        if (f) fclose(f);
        text[n] = '\0';
        char lower[512], lower_wide[512];
        ring(lower, sizeof lower, -50, -50, 350, 49);
        ring(lower_wide, sizeof lower_wide, -50, -50, 450, 49);
        char *at = strstr(text, lower);
        CHECK(at != NULL);
        if (at) {
            char out[8192];
            snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, lower_wide,
                     at + strlen(lower));
            snprintf(wide, sizeof wide, "%s", tmp_path("wide.geojson"));
            write_file(wide, out);
        }
    }
    snprintf(nx, sizeof nx, "zones_geojson = \"%s\"; zones_outside = \"Edge\";", wide);
    s = load(geo_net, nx, GEO_ZONES("Lower", "Upper", "Centre", "Edge"),
             "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s == NULL);
    snprintf(want, sizeof want,
             "zones.[3].name: zone 'Edge' (network.zones_outside) has no node: every node lies "
             "in a polygon of '%s'",
             wide);
    CHECK(has_msg(d, want));
    CHECK_EQ(diag_count(d), 1);
    scen_destroy(s);
    diag_destroy(d);

    /* zones_outside without zones_geojson. */
    s = load(geo_net, "zones_outside = \"x\";", FILE_ZONES, "{ name = \"A\"; node = 1; }", "",
             &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "network.zones_outside: applies to the zones of network.zones_geojson, "
                     "which is not set"));
    scen_destroy(s);
    diag_destroy(d);
}

static void test_cells(void)
{
    diag *d;
    char nx[512];
    snprintf(nx, sizeof nx, "cells_geojson = \"%s\";", zones_json);
    scenario *s = load(geo_net, nx, FILE_ZONES, "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s != NULL);
    if (s) {
        /* Empty holds no node and is dropped; node 10 is in no cell. */
        CHECK_EQ(s->cells.n_cells, 3);
        CHECK_STR(s->cells.names[0], "Upper");
        CHECK_STR(s->cells.names[1], "Lower");
        CHECK_STR(s->cells.names[2], "Centre");
        const int want[11] = {0, 0, 0, 2, 0, 0, 1, 1, 1, 1, -1};
        for (uint32_t v = 0; v < s->net->n_nodes; v++)
            CHECK_EQ(s->cells.node_cell[v], want[node_id(s, v)]);
        /* Zones stay the network file's. */
        CHECK_STR(s->zones[s->node_zone[0]].name, "North");
    } else {
        diag_print(d, stderr);
    }
    scen_destroy(s);
    diag_destroy(d);

    snprintf(nx, sizeof nx, "cells_geojson = \"%s\"; cells = \"x.txt\";", zones_json);
    s = load(geo_net, nx, FILE_ZONES, "{ name = \"A\"; node = 1; }", "", &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "network.cells_geojson: give one of network.cells and network.cells_geojson"));
    scen_destroy(s);
    diag_destroy(d);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_scen_geo.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    /* small.txt with an origin record. */
    FILE *f = fopen(SMALL_NET, "r");
    char text[8192];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f) fclose(f);
    text[n] = '\0';
    snprintf(geo_net, sizeof geo_net, "%s/geo.txt", tmpdir);
    char with_origin[8400];
    snprintf(with_origin, sizeof with_origin, "%sorigin %.6f %.6f\n", text, LON0, LAT0);
    write_file(geo_net, with_origin);
    snprintf(zones_json, sizeof zones_json, "%s/zones.geojson", tmpdir);
    write_zones();

    test_references();
    test_hotspot_and_post();
    test_reference_errors();
    test_zones();
    test_cells();

    const char *files[] = {"t.cfg", "hp.cfg", "geo.txt", "zones.geojson", "wide.geojson"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char p[160];
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    return CHECK_DONE();
}
