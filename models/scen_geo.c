/* scen_geo.c - where a scenario puts things on the map: node references, and
 * zones and grid cells from GeoJSON polygons (issue 9, part 2).
 *
 * A node reference (stations, posts, hotspots, major incidents, public events)
 * is one of three keys of its group:
 *
 *     node   = 1234;                  a node id of the network file
 *     node   = "Dongfang-Square";     a place of network.places
 *     lonlat = [104.7784, 29.3501];   WGS84 degrees, needs the network's origin
 *     xy_m   = [-349.9, -150.0];      the network's planar metres
 *
 * A position goes to the nearest node in a straight line (snap.h), and one
 * farther than network.max_snap_m (250 m unless set) from every node is an
 * error, never a place quietly moved: the message names the distance and the
 * nearest node, so that a swapped lon/lat or a GCJ-02 coordinate is found at
 * once. The brief asked for the nearest node that the unit's mode can use;
 * net_load already refuses a network whose graph is not strongly connected for
 * each mode over all its nodes, so every node is usable by every mode and the
 * nearest node is always the answer. Lines and community patrols take their
 * waypoints from the routes file, which names node ids; the scenario holds none.
 *
 * GeoJSON zones (network.zones_geojson) replace the zone labels of the network
 * file before anything reads them: every node gets the zone of the first
 * polygon that holds it (holes count), or network.zones_outside, or none. The
 * scenario owns its network and nothing has read the labels yet, so they are
 * rewritten in place; the results file's /network/nodes then shows the zones
 * that the run used. The checks that resolve_zones (scenario.c) makes against
 * the network file are made here against the polygons, with messages that name
 * the GeoJSON file; when they fail, resolve_zones is skipped (one mistake, one
 * message). GeoJSON cells (network.cells_geojson) become the cell map of the
 * presence figures; a polygon without a node is dropped, as an empty square of
 * the regular grid is.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "geojson.h"
#include "scen_loader.h"
#include "snap.h"

#define MAX_SNAP_M_DEFAULT 250.0 /* as for call histories (history.h) */
#define IDS_QUOTED         8     /* node ids listed in "(ids: ...)" */

void loader_geo_fini(loader *L)
{
    snap_destroy(L->snap);
    L->snap = NULL;
}

/* The network's projection, or false with a message at `at` when its file has
 * no origin record (lon/lat cannot be placed on a map without one). */
static bool network_proj(loader *L, const config_setting_t *at, const char *what, geo_proj *p)
{
    const net *g = L->s->net;
    if (isnan(g->origin_lon_deg) || isnan(g->origin_lat_deg)) {
        sc_err(&L->c, at,
               "%s in lon/lat, but the network file '%s' has no origin record (the lon/lat of "
               "x = y = 0; maps made by patrolsim map import have one), so lon/lat cannot be "
               "placed on it",
               what, g->path);
        return false;
    }
    geo_proj_init(p, g->origin_lon_deg, g->origin_lat_deg);
    return true;
}

/* ------------------------------------------------------------------------ */
/* Node references.                                                          */

/* A node id or a place name (`node`). */
static bool read_node_name(loader *L, const config_setting_t *g, const config_setting_t *m,
                           uint32_t *out)
{
    const net *nt = L->s->net;
    long long id;
    const char *name;
    if (!nt) return false;
    if (sc_get_int(g, "node", &id) == 1) {
        int32_t idx = net_node_index(nt, id);
        if (idx < 0) {
            sc_err(&L->c, m, "node %lld is not in the network file '%s'", id, nt->path);
            return false;
        }
        *out = (uint32_t)idx;
        return true;
    }
    if (sc_get_string(g, "node", &name) != 1) return false;
    if (!*name) {
        sc_err(&L->c, m, "must not be empty");
        return false;
    }
    if (!L->places_given) {
        sc_err(&L->c, m,
               "'%s' is a place name, but network.places is not set: give a node id, or a "
               "places file",
               name);
        return false;
    }
    if (!L->places_ok) return false;
    for (size_t i = 0; i < L->n_places; i++) {
        if (strcmp(L->places[i].name, name) != 0) continue;
        *out = (uint32_t)net_node_index(nt, L->places[i].id);
        return true;
    }
    sc_err(&L->c, m, "no place named '%s' in '%s'", name, L->places_path);
    return false;
}

/* A position (`lonlat` or `xy_m`), snapped to the nearest node. */
static bool read_position(loader *L, const config_setting_t *a, bool lonlat, uint32_t *out)
{
    const net *nt = L->s->net;
    if (!config_setting_is_aggregate(a) || config_setting_is_group(a)) return false;
    size_t n = sc_length(a);
    if (n != 2) {
        sc_err(&L->c, a, "must be %s (got %zu value%s)",
               lonlat ? "[lon, lat] in degrees" : "[x, y] in metres", n, n == 1 ? "" : "s");
        return false;
    }
    double v[2];
    for (size_t k = 0; k < 2; k++)
        if (sc_elem_float(elem(a, k), &v[k]) != 1) return false; /* reported */
    if (lonlat && !geo_lonlat_is_valid(v[0], v[1])) {
        sc_err(&L->c, a,
               "lon must be in [-180, 180] and lat in [-85, 85] degrees (got [%g, %g])%s", v[0],
               v[1],
               geo_lonlat_is_valid(v[1], v[0]) ? ": is it [lat, lon]? write [lon, lat]" : "");
        return false;
    }
    if (!nt || !L->max_snap_ok) return false;
    double x = v[0], y = v[1];
    if (lonlat) {
        geo_proj p;
        if (!network_proj(L, a, "a position", &p)) return false;
        geo_proj_forward(&p, v[0], v[1], &x, &y);
    }
    if (!L->snap && !(L->snap = snap_create(nt))) {
        diag_error(L->c.d, L->c.file, 0, NULL, "out of memory");
        return false;
    }
    double d_m;
    long k = snap_nearest(L->snap, x, y, &d_m);
    if (k < 0) return false;
    if (d_m > L->max_snap_m) {
        const net_node *nd = &nt->nodes[k];
        sc_err(&L->c, a,
               "the nearest node (%lld, at x %.1f, y %.1f m) is %.0f m away, more than "
               "network.max_snap_m (%g m): a position off the map%s",
               (long long)nd->id, nd->x_m, nd->y_m, d_m, L->max_snap_m,
               lonlat ? " (lon/lat are WGS84; GCJ-02 and BD-09 of Chinese web maps are shifted "
                        "by hundreds of metres)"
                      : "");
        return false;
    }
    /* Kept for patrolsim check, which shows where each position went. */
    scenario *sc = L->s;
    scen_snap *grown = realloc(sc->snaps, (sc->n_snaps + 1) * sizeof *grown);
    char path[256];
    sc_path(a, path, sizeof path);
    if (grown) sc->snaps = grown;
    char *copy = grown ? strdup(path) : NULL;
    if (!copy) {
        diag_error(L->c.d, L->c.file, 0, NULL, "out of memory");
        return false;
    }
    sc->snaps[sc->n_snaps++] =
        (scen_snap){.path = copy, .node_id = nt->nodes[k].id, .dist_m = d_m};
    *out = (uint32_t)k;
    return true;
}

/* The node of group g: exactly one of node, lonlat and xy_m. False, quietly,
 * when the network or the places file did not load. */
bool read_node(loader *L, const config_setting_t *g, uint32_t *out)
{
    static const char *const keys[] = {"node", "lonlat", "xy_m"};
    const config_setting_t *m[3];
    int given = 0, first = -1;
    if (!g || !config_setting_is_group(g)) return false;
    for (int k = 0; k < 3; k++) {
        m[k] = sc_member(g, keys[k]);
        if (!m[k]) continue;
        given++;
        if (first < 0) {
            first = k;
        } else {
            sc_err(&L->c, m[k], "give one of node, lonlat and xy_m (%s is given too)",
                   keys[first]);
        }
    }
    if (given == 0) {
        sc_err(&L->c, g,
               "missing required key 'node' (or a position: lonlat = [lon, lat] or "
               "xy_m = [x, y])");
        return false;
    }
    if (given > 1) return false;
    if (first == 0) return read_node_name(L, g, m[0], out);
    return read_position(L, m[first], first == 1, out);
}

/* ------------------------------------------------------------------------ */
/* GeoJSON polygons.                                                         */

/* Loads the polygons of network.<file_key>, named by network.<prop_key>
 * (default "name"), projected on the network's map. NULL when it failed
 * (reported). */
static geojson_zones *load_polygons(loader *L, const config_setting_t *at, const char *rel,
                                    const char *prop_key)
{
    const config_setting_t *nw = sc_member(L->root, "network");
    const char *prop = "name";
    if (sc_member(nw, prop_key) && !str_key(L, nw, prop_key, &prop)) return NULL;
    geo_proj p;
    if (!network_proj(L, at, "GeoJSON polygons are", &p)) return NULL;
    /* Read once for the checks of read_input (a regular file, not too large)
     * and the hash; the GeoJSON reader then reads it again, a small cost. */
    char *path = resolve(L, rel);
    size_t len;
    char *bytes = read_input(L, at, path, SCEN_MAX_INPUT_BYTES, &len);
    bool readable = bytes != NULL;
    free(bytes);
    geojson_zones *z = readable ? geojson_zones_load_prop(path, &p, prop, L->c.d) : NULL;
    free(path);
    return z;
}

/* "a, b, c, ..." of the first node ids with node_zone[v] < 0. */
static size_t ids_outside(const net *g, const int32_t *node_zone, char *buf, size_t n)
{
    size_t count = 0, used = 0;
    buf[0] = '\0';
    for (size_t v = 0; v < g->n_nodes; v++) {
        if (node_zone[v] >= 0) continue;
        if (count < IDS_QUOTED && used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s%lld", count ? ", " : "",
                                     (long long)g->nodes[v].id);
        else if (count == IDS_QUOTED && used < n)
            used += (size_t)snprintf(buf + used, n - used, ", ...");
        count++;
    }
    return count;
}

/* Checks the polygons' zones against the scenario's list and, when they agree,
 * writes them into the network. names[k] holds count[k] nodes; node_zone[v]
 * indexes names (-1: none); names[out_k] is zones_outside's (SIZE_MAX: none). */
static bool zones_apply(loader *L, const config_setting_t *at, char **names, size_t n_names,
                        size_t out_k, const size_t *count, const int32_t *node_zone)
{
    net *g = L->s->net;
    const config_setting_t *zl = sc_member(L->root, "zones");
    const char *file = config_setting_get_string(at);
    bool ok = true;
    char ids[256];
    size_t orphans = ids_outside(g, node_zone, ids, sizeof ids);
    if (orphans) {
        sc_err(&L->c, at,
               "%zu node%s of the network lie%s in no polygon of '%s' (ids: %s): every node "
               "must be in a zone; set network.zones_outside to the zone they belong to",
               orphans, orphans == 1 ? "" : "s", orphans == 1 ? "s" : "", file, ids);
        ok = false;
    }
    /* The zones list itself is checked by read_zones; a missing or broken one
     * would only echo here. */
    if (!zl || !config_setting_is_list(zl)) return false;
    for (size_t k = 0; k < n_names; k++)
        if (count[k] > 0 && find_named(zl, "name", names[k]) < 0) {
            sc_err(&L->c, zl, "zone '%s' of '%s' (%zu node%s) is not listed", names[k], file,
                   count[k], count[k] == 1 ? "" : "s");
            ok = false;
        }
    size_t nz = sc_length(zl);
    for (size_t i = 0; i < nz; i++) {
        const char *zn;
        if (sc_get_string(elem(zl, i), "name", &zn) != 1 || !*zn) continue;
        size_t k = 0;
        while (k < n_names && strcmp(names[k], zn) != 0)
            k++;
        if (k == n_names) {
            char have[512];
            sc_join(have, sizeof have, (const char *const *)names, n_names, NAMES_QUOTED);
            sc_err(&L->c, sc_member(elem(zl, i), "name"),
                   "zone '%s' is not a zone of '%s' (zones there: %s)", zn, file, have);
            ok = false;
        } else if (count[k] == 0 && k == out_k) {
            sc_err(&L->c, sc_member(elem(zl, i), "name"),
                   "zone '%s' (network.zones_outside) has no node: every node lies in a polygon "
                   "of '%s'",
                   zn, file);
            ok = false;
        } else if (count[k] == 0) {
            sc_err(&L->c, sc_member(elem(zl, i), "name"),
                   "zone '%s' has no node: no node of the network lies in its polygons in '%s'",
                   zn, file);
            ok = false;
        }
    }
    if (!ok) return false;

    /* Keep the names the nodes use, in the file's order. */
    int32_t *remap = malloc((n_names ? n_names : 1) * sizeof *remap);
    char **kept = calloc(n_names ? n_names : 1, sizeof *kept);
    size_t n_kept = 0;
    if (!remap || !kept) goto oom;
    for (size_t k = 0; k < n_names; k++) {
        remap[k] = -1;
        if (count[k] == 0) continue;
        if (!(kept[n_kept] = strdup(names[k]))) goto oom;
        remap[k] = (int32_t)n_kept++;
    }
    for (size_t i = 0; i < g->n_zones; i++)
        free(g->zone_names[i]);
    free(g->zone_names);
    g->zone_names = kept;
    g->n_zones = n_kept;
    for (size_t v = 0; v < g->n_nodes; v++)
        g->nodes[v].zone = node_zone[v] >= 0 ? remap[node_zone[v]] : -1;
    free(remap);
    return true;
oom:
    for (size_t k = 0; kept && k < n_kept; k++)
        free(kept[k]);
    free(kept);
    free(remap);
    diag_error(L->c.d, L->c.file, 0, NULL, "out of memory");
    return false;
}

/* network.zones_geojson: each node's zone from the polygons. */
static void read_zones_geojson(loader *L, const config_setting_t *nw)
{
    const config_setting_t *at = sc_member(nw, "zones_geojson");
    const char *rel, *outside = NULL;
    if (sc_member(nw, "zones_outside") && !str_key(L, nw, "zones_outside", &outside))
        L->zones_geo_bad = true;
    if (!str_key(L, nw, "zones_geojson", &rel)) {
        if (at) L->zones_geo_bad = true;
        if (outside || sc_member(nw, "zones_property"))
            sc_err(&L->c, sc_member(nw, outside ? "zones_outside" : "zones_property"),
                   "applies to the zones of network.zones_geojson, which is not set");
        return;
    }
    L->zones_geo_bad = true; /* until the zones are in place */
    net *g = L->s->net;
    if (!g) return;
    geojson_zones *z = load_polygons(L, at, rel, "zones_property");
    if (!z) return;
    /* The names, then zones_outside unless a polygon has that name. */
    size_t n_names = z->n_names, out_k = SIZE_MAX;
    char **names = calloc(n_names + 1, sizeof *names);
    size_t *count = calloc(n_names + 1, sizeof *count);
    int32_t *node_zone = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof *node_zone);
    if (!names || !count || !node_zone) {
        diag_error(L->c.d, L->c.file, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n_names; k++) {
        names[k] = z->names[k];
        if (outside && strcmp(outside, names[k]) == 0) out_k = k;
    }
    if (outside && out_k == SIZE_MAX) {
        names[n_names] = (char *)outside;
        out_k = n_names++;
    }
    for (size_t v = 0; v < g->n_nodes; v++) {
        int32_t k = geojson_zones_find(z, g->nodes[v].x_m, g->nodes[v].y_m);
        if (k < 0 && outside) k = (int32_t)out_k;
        node_zone[v] = k;
        if (k >= 0) count[k]++;
    }
    if (zones_apply(L, at, names, n_names, out_k, count, node_zone)) L->zones_geo_bad = false;
done:
    free(names);
    free(count);
    free(node_zone);
    geojson_zones_destroy(z);
}

void read_network_geo(loader *L)
{
    const config_setting_t *nw = sc_member(L->root, "network");
    L->max_snap_m = MAX_SNAP_M_DEFAULT;
    L->max_snap_ok = num_key(L, nw, "max_snap_m", MAX_SNAP_M_DEFAULT, 0, 1e7, OPEN_LO,
                             &L->max_snap_m);
    read_zones_geojson(L, nw);
}

/* network.cells_geojson: the cell map of the presence figures from polygons. */
void read_cells_geojson(loader *L, const config_setting_t *at, const char *rel)
{
    scenario *s = L->s;
    const net *g = s->net;
    if (!g) return;
    geojson_zones *z = load_polygons(L, at, rel, "cells_property");
    if (!z) return;
    cell_map *m = &s->cells;
    size_t *count = calloc(z->n_names ? z->n_names : 1, sizeof *count);
    int32_t *remap = malloc((z->n_names ? z->n_names : 1) * sizeof *remap);
    m->node_cell = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof *m->node_cell);
    m->names = calloc(z->n_names ? z->n_names : 1, sizeof *m->names);
    if (!count || !remap || !m->node_cell || !m->names) goto oom;
    for (size_t v = 0; v < g->n_nodes; v++) {
        m->node_cell[v] = geojson_zones_find(z, g->nodes[v].x_m, g->nodes[v].y_m);
        if (m->node_cell[v] >= 0) count[m->node_cell[v]]++;
    }
    /* Cells without a node are dropped, as empty squares of the regular grid
     * are: nothing could ever be present there. */
    for (size_t k = 0; k < z->n_names; k++) {
        remap[k] = -1;
        if (count[k] == 0) continue;
        if (!(m->names[m->n_cells] = strdup(z->names[k]))) goto oom;
        remap[k] = (int32_t)m->n_cells++;
    }
    for (size_t v = 0; v < g->n_nodes; v++)
        if (m->node_cell[v] >= 0) m->node_cell[v] = remap[m->node_cell[v]];
    if (m->n_cells == 0)
        sc_err(&L->c, at, "no node of the network lies in a polygon of '%s'", rel);
    goto done;
oom:
    diag_error(L->c.d, L->c.file, 0, NULL, "out of memory");
done:
    free(count);
    free(remap);
    geojson_zones_destroy(z);
}
