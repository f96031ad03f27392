/* scenario.c - loading, checking and expanding a scenario. See scenario.h.
 *
 * scen_load works in stages, each on the previous stage's data:
 *
 *   1. read the file's bytes (they are hashed and kept as scenario.text) and
 *      parse them with libconfig; a syntax error ends loading, since libconfig
 *      cannot recover from one;
 *   2. apply the --set overrides to the parsed tree (scen_schema.c);
 *   3. check the tree's structure against the schema: unknown keys, missing
 *      required keys, wrong types (scen_schema.c);
 *   4. read each section into the scenario, checking ranges and references,
 *      in file order: run, network (and places), travel, zone kinds, zones,
 *      hotspots, calls, incident types, stations, units, dispatch; then the
 *      checks that span sections (targets per priority, zones against the
 *      network, the total call weight);
 *   5. only when nothing failed, build the travel model, the one costly step.
 *
 * Every problem is reported and loading keeps going, but a stage never runs on
 * data that failed an earlier check: a reader skips a value that is missing or
 * of the wrong type (already reported), node references are not resolved when
 * the network did not load, and so on, so each mistake yields one message
 * rather than a cascade. Arrays in the scenario are allocated at the length of
 * their list in the file, one slot per element, good or bad, so that index i
 * is always element i of the file; a scenario with errors is freed anyway.
 *
 * The incident types name unit kinds, which the units define further down the
 * file; a first pass collects the kinds so that the types can be checked in
 * file order.
 */
#include "scenario.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <libconfig.h>

#include "rfile.h"

#include "scen_loader.h"
#include "scen_schema.h"
#include "trace.h"

/* ------------------------------------------------------------------------ */
/* Small utilities.                                                          */

static uint64_t fnv1a64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* An input file the scenario names at `at`: read whole (a regular file of at
 * most max_bytes), and recorded with its hash among the scenario's inputs.
 * NULL when it cannot be read, reported at `at`; path NULL means out of
 * memory. A FIFO or a device is refused before a byte is read: an open of a
 * FIFO blocks until someone writes to it, and /dev/zero never ends. */
char *read_input(loader *L, const config_setting_t *at, const char *path, size_t max_bytes,
                 size_t *len)
{
    char why[160];
    if (!path) {
        sc_err(&L->c, at, "out of memory");
        return NULL;
    }
    char *text = rfile_read_all(path, max_bytes, len, why, sizeof why);
    if (!text) {
        sc_err(&L->c, at, "cannot open '%s': %s", path, why);
        return NULL;
    }
    add_input(L, path, text, *len);
    return text;
}

char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* A path from the scenario file, relative to the scenario's directory. */
char *resolve(const loader *L, const char *rel)
{
    if (rel[0] == '/' || !L->dir[0]) return strdup(rel);
    size_t n = strlen(L->dir) + strlen(rel) + 2;
    char *p = malloc(n);
    bool root = strcmp(L->dir, "/") == 0;
    if (p) snprintf(p, n, "%s%s%s", L->dir, root ? "" : "/", rel);
    return p;
}

/* Records an input file and its hash. */
void add_input(loader *L, const char *path, const char *bytes, size_t len)
{
    scenario *s = L->s;
    char **paths = realloc(s->input_paths, (s->n_inputs + 1) * sizeof *paths);
    if (paths) s->input_paths = paths;
    uint64_t *hashes = realloc(s->input_hashes, (s->n_inputs + 1) * sizeof *hashes);
    if (hashes) s->input_hashes = hashes;
    char *copy = strdup(path);
    if (!paths || !hashes || !copy) {
        free(copy);
        diag_error(L->c.d, L->c.file, 0, NULL, "out of memory");
        return;
    }
    s->input_paths[s->n_inputs] = copy;
    s->input_hashes[s->n_inputs] = fnv1a64(bytes, len);
    s->n_inputs++;
}

/* The i-th element of a list setting (NULL past the end). */
const config_setting_t *elem(const config_setting_t *list, size_t i)
{
    return list ? config_setting_get_elem(list, (unsigned)i) : NULL;
}

/* The `key` strings of a list's elements, joined for hints. */
void list_names(const config_setting_t *list, const char *key, char *buf, size_t n)
{
    const char *names[NAMES_QUOTED + 1];
    size_t k = 0, len = sc_length(list);
    for (size_t i = 0; i < len && k <= NAMES_QUOTED; i++)
        if (sc_get_string(elem(list, i), key, &names[k]) == 1) k++;
    sc_join(buf, n, names, k, NAMES_QUOTED);
}

/* Index of the first element of list whose `key` is name, or -1. */
int find_named(const config_setting_t *list, const char *key, const char *name)
{
    size_t len = sc_length(list);
    for (size_t i = 0; i < len; i++) {
        const char *v;
        if (sc_get_string(elem(list, i), key, &v) == 1 && strcmp(v, name) == 0) return (int)i;
    }
    return -1;
}

/* Reports every element whose `key` repeats an earlier element's. */
void check_unique(loader *L, const config_setting_t *list, const char *key, const char *what)
{
    size_t len = sc_length(list);
    for (size_t i = 0; i < len; i++) {
        const char *a, *b;
        if (sc_get_string(elem(list, i), key, &a) != 1 || !*a) continue;
        for (size_t j = 0; j < i; j++) {
            if (sc_get_string(elem(list, j), key, &b) != 1 || strcmp(a, b) != 0) continue;
            sc_err(&L->c, sc_member(elem(list, i), key), "duplicate %s '%s' (first at line %u)",
                   what, a, config_setting_source_line(sc_member(elem(list, j), key)));
            break;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Checked reads. Each returns true when the value is usable; a missing key  */
/* or a wrong type was reported by the structural check, so it only says     */
/* false here. Out-of-range values are reported.                              */


bool in_range(loader *L, const config_setting_t *at, double x, double lo, double hi,
                     int open)
{
    if ((open & OPEN_LO) ? !(x > lo) : !(x >= lo)) {
        sc_err(&L->c, at, "must be %s %g (got %g)", (open & OPEN_LO) ? ">" : ">=", lo, x);
        return false;
    }
    if ((open & OPEN_HI) ? !(x < hi) : !(x <= hi)) {
        sc_err(&L->c, at, "must be %s %g (got %g)", (open & OPEN_HI) ? "<" : "<=", hi, x);
        return false;
    }
    return true;
}

/* A number in a range; def when absent (REQ: required). */
bool num_key(loader *L, const config_setting_t *g, const char *key, double def, double lo,
                    double hi, int open, double *out)
{
    double x;
    int r = sc_get_float(g, key, &x);
    if (r == 0) {
        *out = def;
        return !isnan(def);
    }
    if (r < 0) return false;
    *out = x;
    return in_range(L, sc_member(g, key), x, lo, hi, open);
}

/* An integer in lo..hi; def when absent (REQ_INT: required). */
bool int_key(loader *L, const config_setting_t *g, const char *key, long long def,
                    long long lo, long long hi, long long *out)
{
    long long x;
    int r = sc_get_int(g, key, &x);
    if (r == 0) {
        *out = def;
        return def != REQ_INT;
    }
    if (r < 0) return false;
    *out = x;
    if (x < lo) {
        sc_err(&L->c, sc_member(g, key), "must be an integer >= %lld (got %lld)", lo, x);
        return false;
    }
    if (x > hi) {
        sc_err(&L->c, sc_member(g, key), "must be an integer <= %lld (got %lld)", hi, x);
        return false;
    }
    return true;
}

/* A non-empty string. */
bool str_key(loader *L, const config_setting_t *g, const char *key, const char **out)
{
    if (sc_get_string(g, key, out) != 1) return false;
    if (!**out) {
        sc_err(&L->c, sc_member(g, key), "must not be empty");
        return false;
    }
    return true;
}

/* One of a fixed set of words; returns its index, def when absent, -1 when bad. */
int word_key(loader *L, const config_setting_t *g, const char *key, int def,
                    const char *const *words, size_t n)
{
    const char *v;
    int r = sc_get_string(g, key, &v);
    if (r == 0) return def;
    if (r < 0) return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, words[i]) == 0) return (int)i;
    char list[256];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s\"%s\"",
                                 i == 0       ? ""
                                 : i + 1 == n ? " or "
                                              : ", ",
                                 words[i]);
    sc_err(&L->c, sc_member(g, key), "must be %s (got \"%s\")", list, v);
    return -1;
}

/* A top-level list; reports an empty one when it must not be. Returns NULL
 * when absent or not a list (both already reported when they matter). */
const config_setting_t *top_list(loader *L, const char *key, bool nonempty, size_t *n)
{
    const config_setting_t *l = sc_member(L->root, key);
    *n = 0;
    if (!l || !(config_setting_is_list(l) || config_setting_is_array(l))) return NULL;
    *n = sc_length(l);
    if (*n == 0 && nonempty) sc_err(&L->c, l, "must not be empty");
    /* An empty array [] is accepted as an empty list; a non-empty one is a type
     * error already reported. */
    if (config_setting_is_array(l)) *n = 0;
    return l;
}

/* ------------------------------------------------------------------------ */
/* Durations.                                                                */

static const char *const dist_names[] = {"fixed", "exponential", "lognormal", "gamma", "uniform"};

/* A duration group { dist = ...; ... }. */
bool read_dist(loader *L, const config_setting_t *g, scen_dist *out)
{
    static const char *const takes[] = {"mean_s", "mean_s", "mean_s and sd_s", "mean_s and sd_s",
                                        "min_s and max_s"};
    /* Which parameters each kind takes: bits mean_s, sd_s, min_s, max_s. */
    static const unsigned uses[] = {1, 1, 3, 3, 12};
    static const char *const params[] = {"mean_s", "sd_s", "min_s", "max_s"};
    if (!g || !config_setting_is_group(g)) return false;
    int k = word_key(L, g, "dist", -2, dist_names, 5);
    if (k < 0) return false; /* bad, or missing (reported) */
    bool ok = true;
    for (unsigned p = 0; p < 4; p++) {
        const config_setting_t *m = sc_member(g, params[p]);
        if (!(uses[k] & (1u << p)) && m) {
            sc_err(&L->c, m, "does not apply to dist \"%s\" (it takes %s)", dist_names[k],
                   takes[k]);
            ok = false;
        } else if ((uses[k] & (1u << p)) && !m) {
            sc_err(&L->c, g, "missing required key '%s' (dist \"%s\" takes %s)", params[p],
                   dist_names[k], takes[k]);
            ok = false;
        }
    }
    memset(out, 0, sizeof *out);
    out->kind = (scen_dist_kind)k;
    if (uses[k] & 1) ok &= num_key(L, g, "mean_s", REQ, 0, INFINITY, OPEN_LO, &out->mean_s);
    if (uses[k] & 2) ok &= num_key(L, g, "sd_s", REQ, 0, INFINITY, OPEN_LO, &out->sd_s);
    if (uses[k] & 4) ok &= num_key(L, g, "min_s", REQ, 0, INFINITY, 0, &out->min_s);
    if ((uses[k] & 8) && num_key(L, g, "max_s", REQ, -INFINITY, INFINITY, 0, &out->max_s)) {
        if (sc_member(g, "min_s") && !(out->max_s > out->min_s)) {
            sc_err(&L->c, sc_member(g, "max_s"), "must be > min_s (%g) (got %g)", out->min_s,
                   out->max_s);
            ok = false;
        }
    } else if (uses[k] & 8) {
        ok = false;
    }
    if (ok && k == DIST_GAMMA) {
        double cv = out->sd_s / out->mean_s;
        if (cv < GAMMA_MIN_CV || cv > GAMMA_MAX_CV) {
            sc_err(&L->c, sc_member(g, "sd_s"),
                   "for dist \"gamma\", sd_s must be between %g and %g times mean_s (got %g "
                   "times): use \"lognormal\" for a wider spread, \"fixed\" for a narrower one",
                   GAMMA_MIN_CV, GAMMA_MAX_CV, cv);
            ok = false;
        }
    }
    if (ok && k == DIST_LOGNORMAL && !(out->sd_s <= LOGNORMAL_MAX_CV * out->mean_s)) {
        sc_err(&L->c, sc_member(g, "sd_s"),
               "for dist \"lognormal\", sd_s must be at most %g times mean_s (got %g times): "
               "wider, the median falls below a tenth of the mean and a few draws take "
               "thousands of means",
               LOGNORMAL_MAX_CV, out->sd_s / out->mean_s);
        ok = false;
    }
    return ok;
}

/* ------------------------------------------------------------------------ */
/* run, network, places, travel                                              */

static void read_run(loader *L)
{
    const config_setting_t *run = sc_member(L->root, "run");
    scenario *s = L->s;
    long long v;
    double x;
    if (!run) return;
    if (int_key(L, run, "seed", REQ_INT, 0, LLONG_MAX, &v)) s->seed = (uint64_t)v;
    if (int_key(L, run, "replications", REQ_INT, 1, 100000, &v)) s->replications = (int)v;
    /* A trace-driven run may leave the horizon to its call history (trace.c). */
    const config_setting_t *hd = sc_member(run, "horizon_days");
    if (!hd && !sc_member(L->root, "incidents"))
        sc_err(&L->c, run, "missing required key 'horizon_days'");
    bool horizon_ok = hd && num_key(L, run, "horizon_days", REQ, 0, 3660, OPEN_LO, &x);
    if (horizon_ok) s->horizon_s = x * DAY_S;
    if (num_key(L, run, "warmup_days", 0, 0, INFINITY, 0, &x)) {
        if (horizon_ok && x * DAY_S >= s->horizon_s)
            sc_err(&L->c, sc_member(run, "warmup_days"), "must be < horizon_days (%g) (got %g)",
                   s->horizon_s / DAY_S, x);
        else
            s->warmup_s = x * DAY_S;
    }
    if (num_key(L, run, "drain_hours", 24, 0, 720, 0, &x)) s->drain_s = x * 3600;
    /* An unstable system's queue grows without bound: these stop a replication
     * (flagged, with a diagnosis) long before memory or time run out. */
    long long q;
    s->max_queue = 10000;
    if (int_key(L, run, "max_queue", 10000, 1, 100000000, &q)) s->max_queue = (int)q;
    s->max_wait_s = 48 * 3600.0;
    if (num_key(L, run, "max_wait_hours", 48, 0, 8760, OPEN_LO, &x)) s->max_wait_s = x * 3600;
    if (int_key(L, run, "start_weekday", 0, 0, 6, &v)) s->start_weekday = (int)v;
    if (int_key(L, run, "threads", 0, 0, 1024, &v)) s->threads = (int)v;
}

/* The places file: "<name> <node_id> <x_m> <y_m>" per line, '#' comments.
 * Node ids are checked against the network when it loaded. */
static void read_places(loader *L, const config_setting_t *at, const char *rel)
{
    L->places_given = true;
    L->places_path = resolve(L, rel);
    if (!L->places_path) return;
    size_t len;
    char *text = read_input(L, at, L->places_path, SCEN_MAX_INPUT_BYTES, &len);
    if (!text) return;
    size_t before = diag_count(L->c.d), cap = 0;
    const char *file = L->places_path;
    int line = 0;
    for (char *ln = text, *next; ln; ln = next) {
        next = strchr(ln, '\n');
        if (next) *next++ = '\0';
        line++;
        char *hash = strchr(ln, '#');
        if (hash) *hash = '\0';
        char *tok[5], *tsave = NULL;
        int nt = 0;
        for (char *t = strtok_r(ln, " \t\r", &tsave); t && nt < 5;
             t = strtok_r(NULL, " \t\r", &tsave))
            tok[nt++] = t;
        if (nt == 0) continue;
        if (nt != 4) {
            diag_error(L->c.d, file, line, NULL,
                       "expected '<name> <node_id> <x_m> <y_m>' (got %s%d field%s)",
                       nt == 5 ? "more than " : "", nt == 5 ? 4 : nt, nt == 1 ? "" : "s");
            continue;
        }
        char *end;
        errno = 0;
        long long id = strtoll(tok[1], &end, 10);
        if (*end || errno) {
            diag_error(L->c.d, file, line, "node_id", "must be an integer node id (got '%s')",
                       tok[1]);
            continue;
        }
        bool bad = false;
        for (int k = 2; k < 4; k++) {
            double xy = strtod(tok[k], &end);
            if (*end || !isfinite(xy)) {
                diag_error(L->c.d, file, line, k == 2 ? "x_m" : "y_m",
                           "must be a finite number (got '%s')", tok[k]);
                bad = true;
            }
        }
        if (bad) continue;
        if (L->s->net && net_node_index(L->s->net, id) < 0) {
            diag_error(L->c.d, file, line, "node_id", "node %lld is not in the network file", id);
            continue;
        }
        size_t dup = 0;
        while (dup < L->n_places && strcmp(L->places[dup].name, tok[0]) != 0)
            dup++;
        if (dup < L->n_places) {
            diag_error(L->c.d, file, line, NULL, "place '%s' is defined twice", tok[0]);
            continue;
        }
        if (L->n_places == cap) {
            cap = cap ? 2 * cap : 64;
            place *grown = realloc(L->places, cap * sizeof *grown);
            if (!grown) break;
            L->places = grown;
        }
        L->places[L->n_places].name = strdup(tok[0]);
        L->places[L->n_places].id = id;
        if (L->places[L->n_places].name) L->n_places++;
    }
    free(text);
    L->places_ok = diag_count(L->c.d) == before;
}

static void read_network(loader *L)
{
    const config_setting_t *nw = sc_member(L->root, "network");
    const char *rel;
    if (str_key(L, nw, "file", &rel)) {
        char *path = resolve(L, rel);
        size_t len;
        char *bytes = read_input(L, sc_member(nw, "file"), path, SCEN_MAX_NET_BYTES, &len);
        if (bytes) L->s->net = net_load(path, L->c.d);
        free(bytes);
        free(path);
    }
    if (str_key(L, nw, "places", &rel)) read_places(L, sc_member(nw, "places"), rel);
    read_network_geo(L); /* max_snap_m, GeoJSON zones (scen_geo.c) */
}

/* ------------------------------------------------------------------------ */
/* Geography: zone kinds, zones, hotspots.                                   */

static void read_zone_kinds(loader *L)
{
    size_t n;
    const config_setting_t *list = top_list(L, "zone_kinds", true, &n);
    scenario *s = L->s;
    s->zone_kinds = calloc(n ? n : 1, sizeof *s->zone_kinds);
    L->zk_targets = calloc(n ? n : 1, sizeof *L->zk_targets);
    if (!s->zone_kinds || !L->zk_targets) return;
    s->n_zone_kinds = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        scen_zone_kind *zk = &s->zone_kinds[i];
        const char *name;
        if (str_key(L, e, "name", &name)) zk->name = strdup(name);
        L->zk_targets[i] = -1;
        const config_setting_t *t = sc_member(e, "target_s");
        if (!t || !config_setting_is_aggregate(t) || config_setting_is_group(t)) continue;
        size_t nt = sc_length(t);
        bool ok = true;
        if (nt == 0) {
            sc_err(&L->c, t, "must not be empty: give one target per priority");
            continue;
        }
        if (nt > SCEN_MAX_PRIORITIES) {
            sc_err(&L->c, t, "has %zu values, but there are at most %d priorities", nt,
                   SCEN_MAX_PRIORITIES);
            continue;
        }
        for (size_t p = 0; p < nt; p++) {
            double x;
            if (sc_elem_float(elem(t, p), &x) != 1)
                ok = false;
            else if (in_range(L, elem(t, p), x, 0, INFINITY, OPEN_LO))
                zk->target_s[p] = x;
            else
                ok = false;
        }
        if (ok) L->zk_targets[i] = (int)nt;
    }
    check_unique(L, list, "name", "zone kind name");
}

static void read_zones(loader *L)
{
    size_t n;
    const config_setting_t *list = top_list(L, "zones", true, &n);
    const config_setting_t *kinds = sc_member(L->root, "zone_kinds");
    scenario *s = L->s;
    s->zones = calloc(n ? n : 1, sizeof *s->zones);
    if (!s->zones) return;
    s->n_zones = n;
    L->zones_ok = true;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        scen_zone *z = &s->zones[i];
        const char *v;
        z->kind = -1;
        if (str_key(L, e, "name", &v))
            z->name = strdup(v);
        else
            L->zones_ok = false;
        if (str_key(L, e, "kind", &v)) {
            z->kind = find_named(kinds, "name", v);
            if (z->kind < 0) {
                char names[512];
                list_names(kinds, "name", names, sizeof names);
                sc_err(&L->c, sc_member(e, "kind"), "no zone kind named '%s' (zone_kinds: %s)", v,
                       names);
            }
        }
        double w;
        if (num_key(L, e, "weight", REQ, 0, INFINITY, 0, &w)) z->weight = w;
    }
    check_unique(L, list, "name", "zone name");
}

static void read_hotspots(loader *L)
{
    size_t n;
    const config_setting_t *list = top_list(L, "hotspots", false, &n);
    scenario *s = L->s;
    if (n == 0) return;
    s->hotspots = calloc(n, sizeof *s->hotspots);
    if (!s->hotspots) return;
    s->n_hotspots = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        scen_hotspot *h = &s->hotspots[i];
        const char *v;
        if (str_key(L, e, "name", &v)) h->name = strdup(v);
        double x;
        if (num_key(L, e, "weight", REQ, 0, INFINITY, 0, &x)) h->weight = x;
        bool radius_ok = num_key(L, e, "radius_m", REQ, 0, INFINITY, OPEN_LO, &h->radius_m);
        if (!read_node(L, e, &h->node) || !radius_ok) continue;
        /* Straight-line distance from the centre: a hotspot is an area, not a
         * catchment, so the road network does not enter into it. */
        const net *g = s->net;
        const net_node *c = &g->nodes[h->node];
        h->nodes = malloc(g->n_nodes * sizeof *h->nodes);
        if (!h->nodes) continue;
        for (size_t k = 0; k < g->n_nodes; k++)
            if (hypot(g->nodes[k].x_m - c->x_m, g->nodes[k].y_m - c->y_m) <= h->radius_m)
                h->nodes[h->n_nodes++] = (uint32_t)k;
        if (h->n_nodes == 0)
            sc_err(&L->c, sc_member(e, "radius_m"), "covers no node of the network");
    }
    check_unique(L, list, "name", "hotspot name");
}

/* Zones against the network: the same names on both sides, every node in a
 * zone. Then the node lists. */
static void resolve_zones(loader *L)
{
    scenario *s = L->s;
    const net *g = s->net;
    const config_setting_t *zl = sc_member(L->root, "zones");
    if (!g || !L->zones_ok || L->zones_geo_bad || s->n_zones == 0) return;
    const config_setting_t *file = sc_member(sc_member(L->root, "network"), "file");
    bool ok = true;

    int *net2zone = malloc((g->n_zones ? g->n_zones : 1) * sizeof *net2zone);
    if (!net2zone) return;
    for (size_t k = 0; k < g->n_zones; k++) {
        net2zone[k] = find_named(zl, "name", g->zone_names[k]);
        if (net2zone[k] < 0) {
            sc_err(&L->c, zl, "zone '%s' of the network file is not listed", g->zone_names[k]);
            ok = false;
        }
    }
    for (size_t i = 0; i < s->n_zones; i++) {
        if (net_zone_index(g, s->zones[i].name) < 0) {
            char names[512];
            sc_join(names, sizeof names, (const char *const *)g->zone_names, g->n_zones,
                    NAMES_QUOTED);
            sc_err(&L->c, sc_member(elem(zl, i), "name"),
                   "zone '%s' does not occur in the network file (zones there: %s)",
                   s->zones[i].name, g->n_zones ? names : "none");
            ok = false;
        }
    }
    size_t orphans = 0;
    char ids[256];
    size_t used = 0;
    ids[0] = '\0';
    for (size_t v = 0; v < g->n_nodes; v++) {
        if (g->nodes[v].zone >= 0) continue;
        if (orphans < 8 && used < sizeof ids)
            used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%lld", orphans ? ", " : "",
                                     (long long)g->nodes[v].id);
        else if (orphans == 8 && used < sizeof ids)
            used += (size_t)snprintf(ids + used, sizeof ids - used, ", ...");
        orphans++;
    }
    if (orphans) {
        sc_err(&L->c, file,
               "%zu node%s of the network ha%s no zone (ids: %s): every node must be "
               "in a listed zone",
               orphans, orphans == 1 ? "" : "s", orphans == 1 ? "s" : "ve", ids);
        ok = false;
    }
    if (ok) {
        s->node_zone = malloc(g->n_nodes * sizeof *s->node_zone);
        for (size_t i = 0; i < s->n_zones; i++) {
            s->zones[i].nodes = malloc(g->n_nodes * sizeof(uint32_t));
            if (!s->zones[i].nodes) ok = false;
        }
        if (s->node_zone && ok) {
            for (size_t v = 0; v < g->n_nodes; v++) {
                int z = net2zone[g->nodes[v].zone];
                s->node_zone[v] = z;
                s->zones[z].nodes[s->zones[z].n_nodes++] = (uint32_t)v;
            }
        } else {
            diag_error(L->c.d, L->c.file, 0, NULL, "out of memory");
        }
    }
    free(net2zone);
}

/* ------------------------------------------------------------------------ */
/* The call model.                                                           */

/* A profile of `len` multipliers >= 0, not all 0, normalised to mean 1. */
static void read_profile(loader *L, const config_setting_t *g, const char *key, double *out,
                         size_t len, const char *what)
{
    for (size_t i = 0; i < len; i++)
        out[i] = 1;
    const config_setting_t *a = sc_member(g, key);
    if (!a || !config_setting_is_aggregate(a) || config_setting_is_group(a)) return;
    size_t n = sc_length(a);
    if (n != len) {
        sc_err(&L->c, a, "must have %zu values, %s (got %zu)", len, what, n);
        return;
    }
    double sum = 0, v[24];
    bool ok = true;
    for (size_t i = 0; i < len; i++) {
        if (sc_elem_float(elem(a, i), &v[i]) != 1 || !in_range(L, elem(a, i), v[i], 0, INFINITY, 0))
            ok = false;
        else
            sum += v[i];
    }
    if (!ok) return;
    if (!(sum > 0)) {
        sc_err(&L->c, a, "must not be all 0: calls would never arrive");
        return;
    }
    if (!isfinite(sum)) {
        sc_err(&L->c, a, "the values add up to more than the largest number (%g): scale them "
               "down (only their ratios matter)", DBL_MAX);
        return;
    }
    for (size_t i = 0; i < len; i++)
        out[i] = v[i] / sum * (double)len;
}

static void read_calls(loader *L)
{
    const config_setting_t *calls = sc_member(L->root, "calls");
    scenario *s = L->s;
    double x;
    if (num_key(L, calls, "per_day", REQ, 0, INFINITY, OPEN_LO, &x)) {
        s->calls_per_day = x;
        /* The calls of a replication are drawn before it runs (calls.c), about 200 bytes
         * each, so the bound is on memory; the horizon is 0 here when it did not load. */
        double per_rep = x * s->horizon_s / DAY_S;
        if (per_rep > SCEN_MAX_CALLS_PER_REP)
            sc_err(&L->c, sc_member(calls, "per_day"),
                   "%g a day for %g days is about %.3g calls per replication, more than the "
                   "%.3g a replication may hold (its calls are drawn before it runs)",
                   x, s->horizon_s / DAY_S, per_rep, (double)SCEN_MAX_CALLS_PER_REP);
    }
    read_profile(L, calls, "hourly", s->hourly, 24, "one per hour from 00:00");
    read_profile(L, calls, "weekly", s->weekly, 7, "one per weekday from Monday");
    s->handling = (scen_dist){DIST_FIXED, 0, 0, 0, 0};
    const config_setting_t *h = sc_member(calls, "handling");
    if (h) read_dist(L, h, &s->handling);
}

/* The distinct unit kinds, in order of first appearance among the units (the
 * incident types, which come first in the file, refer to them). */
static void collect_kinds(loader *L)
{
    size_t n;
    const config_setting_t *list = top_list(L, "units", false, &n);
    scenario *s = L->s;
    s->unit_kinds = calloc(MAX_UNIT_KINDS, sizeof *s->unit_kinds);
    if (!s->unit_kinds) return;
    for (size_t i = 0; i < n && s->n_unit_kinds < MAX_UNIT_KINDS; i++) {
        const char *k;
        if (sc_get_string(elem(list, i), "kind", &k) != 1 || !*k) continue;
        size_t j = 0;
        while (j < s->n_unit_kinds && strcmp(s->unit_kinds[j], k) != 0)
            j++;
        if (j == s->n_unit_kinds && (s->unit_kinds[j] = strdup(k))) s->n_unit_kinds++;
    }
}


int kind_index(const scenario *s, const char *k)
{
    for (size_t j = 0; j < s->n_unit_kinds; j++)
        if (strcmp(s->unit_kinds[j], k) == 0) return (int)j;
    return -1;
}

static void read_types(loader *L)
{
    size_t n;
    const config_setting_t *list = top_list(L, "incident_types", true, &n);
    scenario *s = L->s;
    s->types = calloc(n ? n : 1, sizeof *s->types);
    if (!s->types) return;
    s->n_types = n;
    L->priorities_ok = n > 0;
    uint32_t all = s->n_unit_kinds >= 32 ? UINT32_MAX : (1u << s->n_unit_kinds) - 1;
    char kinds[512];
    sc_join(kinds, sizeof kinds, (const char *const *)s->unit_kinds, s->n_unit_kinds, NAMES_QUOTED);
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        scen_itype *t = &s->types[i];
        const char *v;
        long long x;
        if (str_key(L, e, "name", &v)) t->name = strdup(v);
        if (int_key(L, e, "priority", REQ_INT, 1, SCEN_MAX_PRIORITIES, &x)) {
            t->priority = (int)x;
            if (t->priority > s->n_priorities) s->n_priorities = t->priority;
        } else {
            L->priorities_ok = false;
        }
        num_key(L, e, "share", REQ, 0, INFINITY, OPEN_LO, &t->share);
        if (int_key(L, e, "officers", 1, 1, 100000, &x)) t->officers = (int)x;
        read_dist(L, sc_member(e, "onscene"), &t->onscene);

        const config_setting_t *uk = sc_member(e, "unit_kinds");
        if (!uk || !config_setting_is_aggregate(uk) || config_setting_is_group(uk)) {
            t->kind_mask = all;
            continue;
        }
        if (sc_length(uk) == 0)
            sc_err(&L->c, uk, "must not be empty (leave unit_kinds out to let every kind answer)");
        for (size_t j = 0; j < sc_length(uk); j++) {
            if (sc_elem_string(elem(uk, j), &v) != 1) continue;
            int k = kind_index(s, v);
            if (k < 0) {
                sc_err(&L->c, elem(uk, j), "no unit has kind '%s' (kinds: %s)", v,
                       s->n_unit_kinds ? kinds : "none");
            } else if (t->kind_mask & (1u << k)) {
                sc_err(&L->c, elem(uk, j), "kind '%s' is listed twice", v);
            } else {
                t->kind_mask |= 1u << k;
            }
        }
    }
    check_unique(L, list, "name", "incident type name");
}

/* Each zone kind gives one target per priority 1..n_priorities. */
static void check_targets(loader *L)
{
    scenario *s = L->s;
    const config_setting_t *kl = sc_member(L->root, "zone_kinds");
    if (!L->priorities_ok) return;
    /* The type with the highest priority, for the message. */
    const char *top = NULL;
    for (size_t i = 0; i < s->n_types; i++)
        if (s->types[i].priority == s->n_priorities) {
            top = s->types[i].name;
            break;
        }
    for (size_t i = 0; i < s->n_zone_kinds; i++) {
        int nt = L->zk_targets[i];
        const config_setting_t *t = sc_member(elem(kl, i), "target_s");
        if (nt < 0 || nt == s->n_priorities) continue;
        if (nt < s->n_priorities)
            sc_err(&L->c, t,
                   "has %d value%s, but incident type '%s' has priority %d: give one target per "
                   "priority 1..%d",
                   nt, nt == 1 ? "" : "s", top ? top : "?", s->n_priorities, s->n_priorities);
        else
            sc_err(&L->c, t,
                   "has %d values, but the incident types use priorities 1..%d only: give "
                   "exactly one target per priority",
                   nt, s->n_priorities);
    }
}

/* ------------------------------------------------------------------------ */
/* Forces.                                                                   */

static void read_stations(loader *L)
{
    size_t n;
    const config_setting_t *list = top_list(L, "stations", true, &n);
    scenario *s = L->s;
    s->stations = calloc(n ? n : 1, sizeof *s->stations);
    if (!s->stations) return;
    s->n_stations = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        scen_station *st = &s->stations[i];
        const char *v;
        long long x;
        if (str_key(L, e, "name", &v)) st->name = strdup(v);
        read_node(L, e, &st->node);
        if (int_key(L, e, "squad", 0, 0, 1000000, &x)) st->squad = (int)x;
    }
    check_unique(L, list, "name", "station name");
}

/* Whether name reads "<group>-<i>" for an existing group and 1 <= i <= count.
 * Returns the unit index, or -1. */
static long unit_by_name(const scenario *s, const size_t *first, const char *name)
{
    const char *dash = strrchr(name, '-');
    /* Only the spelling expansion produces: no sign, blank or leading zero. */
    if (!dash || dash[1] < '1' || dash[1] > '9') return -1;
    char *end;
    errno = 0;
    long i = strtol(dash + 1, &end, 10);
    if (*end || errno) return -1;
    size_t plen = (size_t)(dash - name);
    for (size_t g = 0; g < s->n_unit_groups; g++) {
        const scen_unit_group *ug = &s->unit_groups[g];
        if (ug->name && strlen(ug->name) == plen && strncmp(ug->name, name, plen) == 0 &&
            i <= ug->count)
            return (long)(first[g] + (size_t)i - 1);
    }
    return -1;
}

static void read_units(loader *L, size_t **first_out)
{
    static const char *const modes[] = {"vehicle", "foot"};
    size_t n;
    const config_setting_t *list = top_list(L, "units", true, &n);
    const config_setting_t *stations = sc_member(L->root, "stations");
    scenario *s = L->s;
    *first_out = NULL;
    s->unit_groups = calloc(n ? n : 1, sizeof *s->unit_groups);
    /* The group's fields, kept until the expansion below. */
    scen_unit *proto = calloc(n ? n : 1, sizeof *proto);
    size_t *first = calloc(n + 1, sizeof *first);
    if (!s->unit_groups || !proto || !first) {
        sc_err(&L->c, list, "out of memory for %zu unit groups", n);
        free(proto);
        free(first);
        return;
    }
    s->n_unit_groups = n;
    size_t total = 0;
    bool kinds_reported = false;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        scen_unit_group *g = &s->unit_groups[i];
        scen_unit *u = &proto[i];
        const char *v;
        long long x;
        double h;
        g->line = e ? (int)config_setting_source_line(e) : 0;
        u->station = u->kind = -1;
        if (str_key(L, e, "name", &v)) g->name = strdup(v);
        if (str_key(L, e, "station", &v)) {
            u->station = find_named(stations, "name", v);
            if (u->station < 0) {
                char names[512];
                list_names(stations, "name", names, sizeof names);
                sc_err(&L->c, sc_member(e, "station"), "no station named '%s' (stations: %s)", v,
                       names[0] ? names : "none");
            }
        }
        if (str_key(L, e, "kind", &v)) {
            u->kind = kind_index(s, v);
            if (u->kind < 0 && !kinds_reported) {
                sc_err(&L->c, sc_member(e, "kind"),
                       "kind '%s' is one too many: there can be at most %d distinct unit kinds", v,
                       MAX_UNIT_KINDS);
                kinds_reported = true;
            }
        }
        if (int_key(L, e, "count", REQ_INT, 1, 10000, &x)) g->count = (int)x;
        if (int_key(L, e, "crew", REQ_INT, 1, 100, &x)) u->crew = (int)x;
        int m = word_key(L, e, "mode", -1, modes, 2);
        u->mode = m == 1 ? NET_FOOT : NET_VEHICLE;
        if (num_key(L, e, "shift_start_h", 0, 0, 24, OPEN_HI, &h)) u->shift_start_s = h * 3600;
        u->shift_len_s = DAY_S;
        if (num_key(L, e, "shift_hours", 24, 0, 24, OPEN_LO, &h)) u->shift_len_s = h * 3600;
        read_unit_extras(L, e, u);
        first[i] = total;
        total += (size_t)g->count;
    }
    first[n] = total;
    if (total > SCEN_MAX_UNITS) {
        sc_err(&L->c, list, "the groups add up to %zu units, more than the %d a scenario may have",
               total, SCEN_MAX_UNITS);
        free(proto);
        free(first);
        return;
    }
    check_unique(L, list, "name", "unit group name");

    /* A group named like another group's unit ("a-1" beside a group "a") would
     * make a plan entry ambiguous. */
    for (size_t i = 0; i < n; i++) {
        if (!s->unit_groups[i].name) continue;
        long u = unit_by_name(s, first, s->unit_groups[i].name);
        if (u >= 0)
            sc_err(&L->c, sc_member(elem(list, i), "name"),
                   "'%s' is also the name of a unit of another group: plans could not tell them "
                   "apart",
                   s->unit_groups[i].name);
    }

    s->units = calloc(total ? total : 1, sizeof *s->units);
    if (!s->units) sc_err(&L->c, list, "out of memory for %zu units", total);
    if (s->units) {
        for (size_t i = 0; i < n; i++) {
            for (int k = 0; k < s->unit_groups[i].count; k++) {
                scen_unit *u = &s->units[first[i] + (size_t)k];
                *u = proto[i];
                u->group = (int)i;
                if (u->post >= 0)
                    u->base_node = s->posts[u->post].node;
                else if (u->station >= 0)
                    u->base_node = s->stations[u->station].node;
                const char *gn = s->unit_groups[i].name ? s->unit_groups[i].name : "?";
                size_t len = strlen(gn) + 16;
                if ((u->name = malloc(len))) snprintf(u->name, len, "%s-%d", gn, k + 1);
            }
        }
        s->n_units = total;
    }
    free(proto);
    *first_out = first;
}

/* ------------------------------------------------------------------------ */
/* Dispatch.                                                                 */

static void read_dispatch(loader *L, const size_t *first)
{
    static const char *const policies[] = {"nearest", "plan"};
    static const char *const overflows[] = {"queue", "divert"};
    scenario *s = L->s;
    const config_setting_t *d = sc_member(L->root, "dispatch");
    int p = word_key(L, d, "policy", POLICY_NEAREST, policies, 2);
    int o = word_key(L, d, "when_none_free", OVERFLOW_QUEUE, overflows, 2);
    s->policy = p == POLICY_PLAN ? POLICY_PLAN : POLICY_NEAREST;
    s->overflow = o == OVERFLOW_DIVERT ? OVERFLOW_DIVERT : OVERFLOW_QUEUE;

    const config_setting_t *pl = sc_member(d, "plans");
    size_t n = pl && config_setting_is_list(pl) ? sc_length(pl) : 0;
    const config_setting_t *zl = sc_member(L->root, "zones");
    scen_plan *plans = calloc(s->n_zones ? s->n_zones : 1, sizeof *plans);
    int *by_zone = malloc((s->n_zones ? s->n_zones : 1) * sizeof *by_zone); /* plan index */
    unsigned char *seen = calloc(s->n_units ? s->n_units : 1, 1);
    if (!plans || !by_zone || !seen) goto out;
    for (size_t z = 0; z < s->n_zones; z++)
        by_zone[z] = -1;

    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(pl, i);
        const char *v;
        int z = -1;
        if (str_key(L, e, "zone", &v)) {
            z = find_named(zl, "name", v);
            if (z < 0) {
                char names[512];
                list_names(zl, "name", names, sizeof names);
                sc_err(&L->c, sc_member(e, "zone"), "no zone named '%s' (zones: %s)", v, names);
            } else if (z >= (int)s->n_zones) {
                z = -1;
            } else if (by_zone[z] >= 0) {
                sc_err(&L->c, sc_member(e, "zone"), "zone '%s' already has a plan (line %u)", v,
                       config_setting_source_line(elem(pl, (size_t)by_zone[z])));
                z = -1;
            } else {
                by_zone[z] = (int)i;
            }
        }
        const config_setting_t *ul = sc_member(e, "units");
        if (!ul || !config_setting_is_aggregate(ul) || config_setting_is_group(ul)) continue;
        size_t nu = sc_length(ul);
        if (nu == 0) sc_err(&L->c, ul, "must not be empty");
        memset(seen, 0, s->n_units ? s->n_units : 1);
        int *units = malloc((s->n_units ? s->n_units : 1) * sizeof *units);
        size_t count = 0;
        if (!units) goto out;
        for (size_t j = 0; j < nu; j++) {
            const char *name;
            if (sc_elem_string(elem(ul, j), &name) != 1) continue;
            size_t lo, hi;
            int g = -1;
            for (size_t q = 0; q < s->n_unit_groups && g < 0; q++)
                if (s->unit_groups[q].name && strcmp(s->unit_groups[q].name, name) == 0) g = (int)q;
            if (g >= 0) {
                lo = first[g];
                hi = first[g + 1];
            } else {
                long u = unit_by_name(s, first, name);
                if (u < 0) {
                    sc_err(&L->c, elem(ul, j), "no unit or unit group named '%s'", name);
                    continue;
                }
                lo = (size_t)u;
                hi = lo + 1;
            }
            for (size_t u = lo; u < hi; u++) {
                if (seen[u]) {
                    sc_err(&L->c, elem(ul, j), "unit '%s' is already in this plan%s",
                           s->units[u].name, g >= 0 ? " (this entry is its group)" : "");
                    break;
                }
                seen[u] = 1;
                units[count++] = (int)u;
            }
        }
        if (z >= 0) {
            plans[z].zone = z;
            plans[z].units = units;
            plans[z].n_units = count;
        } else {
            free(units);
        }
    }

    if (s->policy == POLICY_PLAN && L->zones_ok) {
        const char *missing[NAMES_QUOTED + 1];
        size_t nm = 0;
        for (size_t z = 0; z < s->n_zones; z++)
            if (by_zone[z] < 0) {
                if (nm <= NAMES_QUOTED) missing[nm] = s->zones[z].name;
                nm++;
            }
        if (nm) {
            char names[512];
            sc_join(names, sizeof names, missing, nm < NAMES_QUOTED + 1 ? nm : NAMES_QUOTED + 1,
                    NAMES_QUOTED);
            sc_err(&L->c, pl ? pl : d,
                   "policy \"plan\" needs a plan for every zone; %zu zone%s %s none: %s", nm,
                   nm == 1 ? "" : "s", nm == 1 ? "has" : "have", names);
        }
    }
    if (s->policy == POLICY_PLAN) {
        s->plans = plans;
        s->n_plans = s->n_zones;
        plans = NULL;
    }
out:
    if (plans)
        for (size_t z = 0; z < s->n_zones; z++)
            free(plans[z].units);
    free(plans);
    free(by_zone);
    free(seen);
}

/* ------------------------------------------------------------------------ */
/* Loading.                                                                  */

/* Normalisations and checks that need several sections. */
static void finish(loader *L)
{
    scenario *s = L->s;
    double sum = 0;
    for (size_t i = 0; i < s->n_types; i++)
        sum += s->types[i].share;
    /* Each share and weight is finite, but their sum can still overflow; every one would then
     * normalise to 0 and calls would silently all go one way. */
    if (!isfinite(sum))
        sc_err(&L->c, sc_member(L->root, "incident_types"),
               "the shares (incident_types.[i].share) add up to more than the largest number "
               "(%g): scale them down (only their ratios matter)", DBL_MAX);
    else if (sum > 0)
        for (size_t i = 0; i < s->n_types; i++)
            s->types[i].share /= sum;

    double w = 0;
    for (size_t i = 0; i < s->n_zones; i++)
        w += s->zones[i].weight;
    for (size_t i = 0; i < s->n_hotspots; i++)
        w += s->hotspots[i].weight;
    if (!isfinite(w))
        sc_err(&L->c, sc_member(L->root, "zones"),
               "the weights (zones.[i].weight and hotspots.[i].weight) add up to more than the "
               "largest number (%g): scale them down (only their ratios matter)", DBL_MAX);
    else if (s->n_zones && !(w > 0))
        sc_err(&L->c, sc_member(L->root, "zones"),
               "every zone and hotspot weight is 0: calls would have nowhere to go");
}

/* ------------------------------------------------------------------------ */
/* @include'd files.                                                          */

#define INCLUDE_MAX_DEPTH 10 /* libconfig 1.5's MAX_INCLUDE_DEPTH */

static bool scan_includes(loader *L, const char *file, const char *text, int depth);

/* Reads the file that `@include "name"` at file:line names, records and scans it. */
static bool include_read(loader *L, const char *file, int line, const char *name, int depth)
{
    /* libconfig 1.5 opens include_dir + "/" + name when include_dir is set, whatever name is. */
    char *full = L->dir[0] ? malloc(strlen(L->dir) + strlen(name) + 2) : strdup(name);
    if (!full) {
        diag_error(L->c.d, file, line, NULL, "out of memory");
        return false;
    }
    if (L->dir[0]) sprintf(full, "%s/%s", L->dir, name);
    bool known = false;
    for (size_t i = 0; i < L->s->n_inputs && !known; i++)
        known = strcmp(L->s->input_paths[i], full) == 0;
    if (known || depth >= INCLUDE_MAX_DEPTH) { /* a loop: libconfig says so */
        free(full);
        return true;
    }
    char why[160];
    size_t len;
    char *text = rfile_read_all(full, SCEN_MAX_FILE_BYTES, &len, why, sizeof why);
    if (!text) {
        diag_error(L->c.d, file, line, NULL, "@include \"%s\": cannot open '%s': %s", name, full,
                   why);
        free(full);
        return false;
    }
    add_input(L, full, text, len);
    bool ok = scan_includes(L, full, text, depth + 1);
    free(text);
    free(full);
    return ok;
}

/* libconfig 1.5 (Debian 12's) opens @include'd files itself, with fopen, and
 * has no hook for it (config_set_include_func came in 1.7): a FIFO there would
 * hang it, /dev/zero would grow it without end, and the file's bytes would not
 * be hashed into the scenario's inputs. So the loader finds the includes first,
 * as libconfig's scanner does: a line that starts with blanks, "@include",
 * blanks and a quoted path (with \" and \\ escaped), outside block comments,
 * strings and line comments. Each file is read here under the scenario file's
 * limits, hashed, and scanned in turn, to libconfig's depth; one already
 * recorded is not read again (a loop is left to libconfig to report). False
 * when an include cannot be read (reported at its line): libconfig must not
 * then run. */
static bool scan_includes(loader *L, const char *file, const char *text, int depth)
{
    enum { CODE, BLOCK, STR } st = CODE;
    bool ok = true, bol = true;
    int line = 1;
    const char *p = text;
    while (*p) {
        if (st == CODE && bol) {
            const char *q = p;
            while (*q == ' ' || *q == '\t')
                q++;
            if (strncmp(q, "@include", 8) == 0 && (q[8] == ' ' || q[8] == '\t')) {
                q += 8;
                while (*q == ' ' || *q == '\t')
                    q++;
                if (*q == '"') {
                    int at = line;
                    char *name = malloc(strlen(q));
                    size_t n = 0;
                    for (q++; *q && *q != '"'; q++) {
                        if (*q == '\n') line++;
                        if (q[0] == '\\' && (q[1] == '"' || q[1] == '\\')) q++;
                        if (name) name[n++] = *q;
                    }
                    if (!*q) { /* no closing quote: libconfig's syntax error */
                        free(name);
                        return ok;
                    }
                    if (name) {
                        name[n] = '\0';
                        ok &= include_read(L, file, at, name, depth);
                        free(name);
                    } else {
                        diag_error(L->c.d, file, at, NULL, "out of memory");
                        ok = false;
                    }
                    p = q + 1;
                    bol = false;
                    continue;
                }
            }
        }
        char c = *p;
        if (st == CODE && c == '/' && p[1] == '*') {
            st = BLOCK;
            p++;
        } else if (st == BLOCK && c == '*' && p[1] == '/') {
            st = CODE;
            p++;
        } else if (st == CODE && c == '"') {
            st = STR;
        } else if (st == STR && c == '"') {
            st = CODE;
        } else if (st == STR && c == '\\' && p[1]) {
            p++; /* the escaped character, counted below if it is a newline */
        } else if (st == CODE && (c == '#' || (c == '/' && p[1] == '/'))) {
            while (p[1] && p[1] != '\n')
                p++;
        }
        if (*p == '\n') line++;
        bol = *p == '\n';
        p++;
    }
    return ok;
}

static void loader_fini(loader *L)
{
    loader_forces_fini(L);
    for (size_t i = 0; i < L->n_places; i++)
        free(L->places[i].name);
    free(L->places);
    free(L->places_path);
    free(L->zk_targets);
    free(L->dir);
}

scenario *scen_load(const char *path, const char *const *overrides, size_t n_overrides, diag *d)
{
    size_t errors_before = diag_count(d);
    loader L = {.c = {d, path}};
    config_t cfg;
    bool cfg_live = false;
    char **ov = NULL;
    scenario *s = L.s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) goto oom;

    const char *slash = strrchr(path, '/');
    L.dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup("");
    if (!L.dir) goto oom;

    size_t len;
    char unread[160];
    s->text = rfile_read_all(path, SCEN_MAX_FILE_BYTES, &len, unread, sizeof unread);
    if (!s->text) {
        diag_error(d, path, 0, NULL, "cannot open the scenario file: %s", unread);
        goto fail;
    }
    add_input(&L, path, s->text, len);
    sc_check_int_literals(&L.c, s->text);
    if (!scan_includes(&L, path, s->text, 0)) goto fail;

    config_init(&cfg);
    cfg_live = true;
    if (L.dir[0]) config_set_include_dir(&cfg, L.dir);
    if (!config_read_string(&cfg, s->text)) {
        const char *why = config_error_text(&cfg);
        if (why && strcmp(why, "syntax error") != 0)
            diag_error(d, path, config_error_line(&cfg), NULL, "syntax error: %s", why);
        else
            diag_error(d, path, config_error_line(&cfg), NULL, "syntax error");
        goto fail;
    }
    L.root = config_root_setting(&cfg);

    /* Overrides: the strings must outlive cfg, since a written setting points
     * at its override for messages. */
    size_t olen = 1;
    ov = calloc(n_overrides ? n_overrides : 1, sizeof *ov);
    if (!ov) goto oom;
    for (size_t i = 0; i < n_overrides; i++) {
        if (!(ov[i] = strdup(overrides[i]))) goto oom;
        sc_apply_override(&L.c, &cfg, ov[i]);
        olen += strlen(ov[i]) + 1;
    }
    if (!(s->overrides = malloc(olen))) goto oom;
    s->overrides[0] = '\0';
    for (size_t i = 0; i < n_overrides; i++)
        strcat(strcat(s->overrides, ov[i]), "\n");

    sc_check_tree(&L.c, L.root);

    const char *v;
    if (str_key(&L, L.root, "name", &v)) s->name = strdup(v);
    s->description = xstrdup(sc_get_string(L.root, "description", &v) == 1 ? v : "");
    read_run(&L);
    read_network(&L);
    long long tmax = 5000;
    int_key(&L, sc_member(L.root, "network"), "table_max_nodes", 5000, 0, LLONG_MAX, &tmax);
    s->travel_enabled = true;
    sc_get_bool(sc_member(L.root, "travel"), "enabled", &s->travel_enabled);
    read_zone_kinds(&L);
    read_zones(&L);
    read_hotspots(&L);
    read_calls(&L);
    collect_kinds(&L);
    collect_line_kinds(&L);
    read_types(&L);
    read_incidents(&L);
    read_stations(&L);
    read_posts(&L);
    size_t *first = NULL;
    read_units(&L, &first);
    if (first) read_dispatch(&L, first);
    free(first);
    read_lines(&L);
    read_cameras(&L);
    read_coverage(&L);
    read_reserve(&L);
    check_targets(&L);
    resolve_zones(&L);
    finish(&L);

    if (diag_count(d) != errors_before) goto fail;
    /* The table is built even when travel is disabled: replays and reports
     * still want distances and paths, and it costs little on the small
     * networks that such scenarios use. */
    s->travel = travel_create(s->net, &(travel_opts){.table_max_nodes = (size_t)tmax, .threads = s->threads});
    if (!s->travel || build_routes(&L)) goto oom;
    if (diag_count(d) != errors_before) goto fail;

    config_destroy(&cfg);
    for (size_t i = 0; i < n_overrides; i++)
        free(ov[i]);
    free(ov);
    loader_fini(&L);
    return s;

oom:
    diag_error(d, path, 0, NULL, "out of memory loading the scenario");
fail:
    if (cfg_live) config_destroy(&cfg);
    if (ov)
        for (size_t i = 0; i < n_overrides; i++)
            free(ov[i]);
    free(ov);
    loader_fini(&L);
    scen_destroy(s);
    return NULL;
}

void scen_destroy(scenario *s)
{
    if (!s) return;
    travel_destroy(s->travel); /* before the net it borrows */
    trace_destroy(s->trace);
    net_destroy(s->net);
    free(s->path);
    free(s->name);
    free(s->description);
    free(s->text);
    free(s->overrides);
    for (size_t i = 0; i < s->n_inputs; i++)
        free(s->input_paths[i]);
    free(s->input_paths);
    free(s->input_hashes);
    for (size_t i = 0; i < s->n_snaps; i++)
        free(s->snaps[i].path);
    free(s->snaps);
    for (size_t i = 0; i < s->n_zone_kinds; i++)
        free(s->zone_kinds[i].name);
    free(s->zone_kinds);
    for (size_t i = 0; i < s->n_zones; i++) {
        free(s->zones[i].name);
        free(s->zones[i].nodes);
    }
    free(s->zones);
    for (size_t i = 0; i < s->n_hotspots; i++) {
        free(s->hotspots[i].name);
        free(s->hotspots[i].nodes);
    }
    free(s->hotspots);
    free(s->node_zone);
    for (size_t i = 0; i < s->n_types; i++)
        free(s->types[i].name);
    free(s->types);
    for (size_t i = 0; i < s->n_stations; i++)
        free(s->stations[i].name);
    free(s->stations);
    for (size_t i = 0; i < s->n_unit_kinds; i++)
        free(s->unit_kinds[i]);
    free(s->unit_kinds);
    for (size_t i = 0; i < s->n_unit_groups; i++)
        free(s->unit_groups[i].name);
    free(s->unit_groups);
    for (size_t i = 0; i < s->n_units; i++)
        free(s->units[i].name);
    free(s->units);
    for (size_t i = 0; i < s->n_plans; i++)
        free(s->plans[i].units);
    free(s->plans);
    for (size_t i = 0; i < s->n_posts; i++) {
        free(s->posts[i].name);
        free(s->posts[i].kind);
    }
    free(s->posts);
    for (size_t i = 0; i < s->n_lines; i++) {
        free(s->lines[i].name);
        free(s->lines[i].checkin_pos);
        route_fini(&s->lines[i].route);
    }
    free(s->lines);
    free(s->node_camera);
    cell_map_fini(&s->cells);
    scen_reserve_fini(&s->reserve);
    free(s);
}

/* ------------------------------------------------------------------------ */
/* Queries.                                                                  */

/* GSL's inverses are used inside their safe range: u is kept at least one
 * double-precision step from 0 and 1 (the random streams never give more
 * extreme values), and gamma shapes are kept in [0.25, 400] by the loader
 * (GAMMA_MIN_CV, GAMMA_MAX_CV), where gsl_cdf_gamma_Pinv was checked to
 * converge on a dense grid of u including both tails. Outside that range it
 * fails to converge and GSL's default handler aborts the process. */
double scen_dist_quantile(const scen_dist *d, double u)
{
    const double eps = 0x1p-53;
    if (!(u >= eps)) u = eps;
    if (u > 1 - eps) u = 1 - eps;
    switch (d->kind) {
    case DIST_FIXED:
        return d->mean_s;
    case DIST_EXPONENTIAL:
        return gsl_cdf_exponential_Pinv(u, d->mean_s);
    case DIST_LOGNORMAL: {
        double s2 = log1p(d->sd_s * d->sd_s / (d->mean_s * d->mean_s));
        return gsl_cdf_lognormal_Pinv(u, log(d->mean_s) - s2 / 2, sqrt(s2));
    }
    case DIST_GAMMA: {
        double shape = d->mean_s * d->mean_s / (d->sd_s * d->sd_s);
        return gsl_cdf_gamma_Pinv(u, shape, d->sd_s * d->sd_s / d->mean_s);
    }
    case DIST_UNIFORM:
        return d->min_s + u * (d->max_s - d->min_s);
    }
    return d->mean_s;
}

double scen_dist_mean(const scen_dist *d)
{
    return d->kind == DIST_UNIFORM ? (d->min_s + d->max_s) / 2 : d->mean_s;
}

double scen_call_rate(const scenario *s, double t_s)
{
    if (t_s < 0) t_s = 0;
    double day = floor(t_s / DAY_S);
    int hour = (int)((t_s - day * DAY_S) / 3600);
    if (hour > 23) hour = 23; /* rounding at the last instant of a day */
    int wd = (int)fmod(s->start_weekday + day, 7);
    return s->calls_per_day / DAY_S * s->hourly[hour] * s->weekly[wd];
}

/* The start of the daily shift that began at or before t_s (possibly the
 * previous day's). Computed the same way by both shift functions, so that
 * scen_unit_on_shift is false exactly at the time scen_unit_next_change_s
 * gives as the end of a shift. */
/* Slot k of day d covers [d * DAY_S + start, + len). Both functions build the
 * boundaries with the same arithmetic, so at an event time that is a boundary
 * they agree exactly on which side of it the unit is. */
bool scen_unit_on_shift(const scenario *s, const scen_unit *u, double t_s)
{
    (void)s;
    double day = floor(t_s / DAY_S);
    for (int k = 0; k < u->n_slots; k++) {
        if (u->slots[k].len_s >= DAY_S) return true;
        for (int dd = -1; dd <= 0; dd++) {
            double a = (day + dd) * DAY_S + u->slots[k].start_s;
            if (a <= t_s && t_s < a + u->slots[k].len_s) return true;
        }
    }
    return false;
}

double scen_unit_next_change_s(const scenario *s, const scen_unit *u, double t_s)
{
    bool now = scen_unit_on_shift(s, u, t_s);
    double day = floor(t_s / DAY_S), b[4 * 2 * SCEN_MAX_SLOTS];
    size_t n = 0;
    for (int k = 0; k < u->n_slots; k++) {
        if (u->slots[k].len_s >= DAY_S) return INFINITY;
        for (int dd = -1; dd <= 2; dd++) {
            double a = (day + dd) * DAY_S + u->slots[k].start_s;
            if (a > t_s) b[n++] = a;
            if (a + u->slots[k].len_s > t_s) b[n++] = a + u->slots[k].len_s;
        }
    }
    /* Few boundaries: a selection of the smallest that changes the state. */
    for (;;) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (best == n || b[i] < b[best]) best = i;
        if (best == n) return INFINITY;
        if (scen_unit_on_shift(s, u, b[best]) != now) return b[best];
        b[best] = b[--n];
    }
}

double scen_target_s(const scenario *s, int zone, int priority)
{
    if (zone < 0 || (size_t)zone >= s->n_zones || priority < 1 || priority > s->n_priorities)
        return INFINITY;
    return s->zone_kinds[s->zones[zone].kind].target_s[priority - 1];
}
