/* osm.c - OpenStreetMap import. See osm.h for what is kept and why.
 *
 * The file is parsed twice with libreadosm: the first pass keeps the ways
 * (highway ways and named places) and the ids of the nodes they use, the second
 * the coordinates of those nodes only, so memory follows the roads and not the
 * whole extract (a city PBF holds millions of nodes that are buildings). OSM
 * files put nodes before ways, so one pass would have to keep every node.
 *
 * The graph work (simplification, strongly connected parts, contraction) runs on
 * plain edge lists with compressed-sparse-row indices rebuilt after each step;
 * every step is linear or, for the contraction, one bounded Dijkstra pair per
 * kept node on a region's border, and everything iterates in index order so
 * that the output is the same on every run.
 */
#include "osm.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <readosm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rfile.h"
#include "snap.h"

#define OSM_MAX_SPEED_MPS 70.0 /* as net.c: 252 km/h */
#define OSM_MIN_SPEED_MPS 0.1  /* as net.c: a usable speed below this is a mistake */
#define OSM_MAX_COORD_M   1e7  /* as net.c */
#define OSM_NONE          UINT32_MAX

/* The default speed table. Vehicle speeds are typical driving speeds of a
 * police car answering a call in a Chinese or European city (not limits);
 * walking is 1.3 m/s (4.7 km/h), slower on paths and tracks, 0.5 m/s on steps
 * (measured along the slope). Pedestrian streets are closed to vehicles by
 * default; --speed pedestrian=2.8,1.3 opens them at walking pace. */
/* clang-format off */
const osm_class osm_class_defaults[] = {
    {"motorway", {22.2, 0.0}},      /* 80 km/h */
    {"motorway_link", {11.1, 0.0}}, /* 40 */
    {"trunk", {16.7, 1.3}},         /* 60 */
    {"trunk_link", {11.1, 1.3}},    /* 40 */
    {"primary", {13.9, 1.3}},       /* 50 */
    {"primary_link", {8.3, 1.3}},   /* 30 */
    {"secondary", {11.1, 1.3}},     /* 40 */
    {"secondary_link", {8.3, 1.3}}, /* 30 */
    {"tertiary", {9.7, 1.3}},       /* 35 */
    {"tertiary_link", {8.3, 1.3}},  /* 30 */
    {"unclassified", {8.3, 1.3}},   /* 30 */
    {"residential", {6.9, 1.3}},    /* 25 */
    {"road", {6.9, 1.3}},           /* 25: a road of unknown kind */
    {"living_street", {2.8, 1.3}},  /* 10 */
    {"service", {4.2, 1.3}},        /* 15: alleys, campus and compound roads */
    {"track", {4.2, 1.2}},          /* 15 */
    {"pedestrian", {0.0, 1.3}},
    {"footway", {0.0, 1.3}},
    {"cycleway", {0.0, 1.3}},
    {"path", {0.0, 1.2}},
    {"steps", {0.0, 0.5}},
};
/* clang-format on */
const size_t osm_n_class_defaults = sizeof osm_class_defaults / sizeof osm_class_defaults[0];

/* ------------------------------------------------------------------------ */
/* Options.                                                                  */

int osm_opts_init(osm_opts *o)
{
    memset(o, 0, sizeof *o);
    o->simplify = true;
    o->origin_lon_deg = o->origin_lat_deg = NAN;
    for (size_t i = 0; i < osm_n_class_defaults; i++)
        if (osm_opts_speed_set(o, osm_class_defaults[i].name, osm_class_defaults[i].speed_mps[0],
                               osm_class_defaults[i].speed_mps[1]) < 0) {
            osm_opts_fini(o);
            return -1;
        }
    return 0;
}

void osm_opts_fini(osm_opts *o)
{
    free(o->classes);
    o->classes = NULL;
    o->n_classes = o->cap_classes = 0;
}

int osm_opts_speed_set(osm_opts *o, const char *name, double vehicle_mps, double foot_mps)
{
    for (size_t i = 0; i < o->n_classes; i++)
        if (strcmp(o->classes[i].name, name) == 0) {
            o->classes[i].speed_mps[NET_VEHICLE] = vehicle_mps;
            o->classes[i].speed_mps[NET_FOOT] = foot_mps;
            return 0;
        }
    if (o->n_classes == o->cap_classes) {
        size_t cap = o->cap_classes ? 2 * o->cap_classes : 32;
        osm_class *grown = realloc(o->classes, cap * sizeof *grown);
        if (!grown) return -1;
        o->classes = grown;
        o->cap_classes = cap;
    }
    osm_class *c = &o->classes[o->n_classes++];
    memset(c, 0, sizeof *c);
    size_t len = strnlen(name, sizeof c->name - 1); /* names were checked short by the caller */
    memcpy(c->name, name, len);
    c->speed_mps[NET_VEHICLE] = vehicle_mps;
    c->speed_mps[NET_FOOT] = foot_mps;
    return 0;
}

/* A class name is an OSM highway value: letters, digits, '_', ':' and '-'. */
static bool osm_class_name_is_valid(const char *s, size_t len)
{
    if (len == 0 || len >= OSM_CLASS_NAME_MAX) return false;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == ':' || ch == '-'))
            return false;
    }
    return true;
}

/* Parses one speed; reports under field. */
static bool osm_speed_parse(const char *tok, double *out, const char *where, int line,
                            const char *field, diag *d)
{
    char *end;
    errno = 0;
    double v = strtod(tok, &end);
    if (end == tok || *end != '\0') {
        diag_error(d, where, line, field, "not a number: '%.40s'", tok);
        return false;
    }
    if (!isfinite(v) || v < 0 || v > OSM_MAX_SPEED_MPS) {
        diag_error(d, where, line, field, "must be in [0, %g] m/s (got '%.40s')", OSM_MAX_SPEED_MPS,
                   tok);
        return false;
    }
    if (v > 0 && v < OSM_MIN_SPEED_MPS) {
        diag_error(d, where, line, field, "must be 0 (cannot use) or at least %g m/s (got '%.40s')",
                   OSM_MIN_SPEED_MPS, tok);
        return false;
    }
    *out = v;
    return true;
}

int osm_opts_speed_parse(osm_opts *o, const char *arg, const char *where, int line, diag *d)
{
    const char *eq = strchr(arg, '=');
    const char *comma = eq ? strchr(eq + 1, ',') : NULL;
    if (!eq || !comma) {
        diag_error(d, where, line, "speed",
                   "expected <class>=<vehicle_mps>,<foot_mps> (got '%.60s')", arg);
        return -1;
    }
    size_t len = (size_t)(eq - arg);
    if (!osm_class_name_is_valid(arg, len)) {
        diag_error(d, where, line, "speed.class",
                   "a class is an OSM highway value of letters, digits, '_', ':' or '-', "
                   "at most %d characters (got '%.*s')",
                   OSM_CLASS_NAME_MAX - 1, (int)len, arg);
        return -1;
    }
    char name[OSM_CLASS_NAME_MAX], vtok[64], ftok[64];
    snprintf(name, sizeof name, "%.*s", (int)len, arg);
    snprintf(vtok, sizeof vtok, "%.*s", (int)(comma - eq - 1), eq + 1);
    snprintf(ftok, sizeof ftok, "%s", comma + 1);
    double v, f;
    bool ok = osm_speed_parse(vtok, &v, where, line, "speed.vehicle_mps", d);
    ok = osm_speed_parse(ftok, &f, where, line, "speed.foot_mps", d) && ok;
    if (!ok) return -1;
    return osm_opts_speed_set(o, name, v, f) < 0 ? -2 : 0;
}

int osm_opts_speeds_load(osm_opts *o, const char *path, diag *d)
{
    char why[160];
    FILE *f = rfile_open(path, "r", why, sizeof why); /* a FIFO would hang an fopen */
    if (!f) {
        diag_error(d, path, 0, NULL, "cannot open the speeds file: %s", why);
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0;
    int line = 0, rc = 0;
    while (getline(&buf, &cap, f) >= 0) {
        line++;
        char *hash = strchr(buf, '#');
        if (hash) *hash = '\0';
        char *tok[4];
        int n = 0;
        for (char *save = NULL, *t = strtok_r(buf, " \t\r\n", &save); t;
             t = strtok_r(NULL, " \t\r\n", &save)) {
            if (n < 4) tok[n] = t;
            n++;
        }
        if (n == 0) continue;
        if (n != 3) {
            diag_error(d, path, line, "speed",
                       "expected <class> <vehicle_mps> <foot_mps> (got %d field%s)", n,
                       n == 1 ? "" : "s");
            rc = -1;
            continue;
        }
        if (!osm_class_name_is_valid(tok[0], strlen(tok[0]))) {
            diag_error(d, path, line, "speed.class",
                       "a class is an OSM highway value of letters, digits, '_', ':' or '-', "
                       "at most %d characters (got '%.40s')",
                       OSM_CLASS_NAME_MAX - 1, tok[0]);
            rc = -1;
            continue;
        }
        double v, fs;
        bool ok = osm_speed_parse(tok[1], &v, path, line, "speed.vehicle_mps", d);
        ok = osm_speed_parse(tok[2], &fs, path, line, "speed.foot_mps", d) && ok;
        if (!ok) {
            rc = -1;
            continue;
        }
        if (osm_opts_speed_set(o, tok[0], v, fs) < 0) {
            rc = -2;
            break;
        }
    }
    free(buf);
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Growable arrays.                                                          */

/* Makes room for one more element of size `size` in *p (count n, capacity *cap). */
static int osm_grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return 0;
    size_t c = *cap ? 2 * *cap : 64;
    void *grown = realloc(*p, c * size);
    if (!grown) return -1;
    *p = grown;
    *cap = c;
    return 0;
}
#define OSM_PUSH(arr, n, cap, val)                                                                 \
    (osm_grow((void **)&(arr), &(cap), (n), sizeof *(arr)) < 0 ? -1 : ((arr)[(n)++] = (val), 0))

/* ------------------------------------------------------------------------ */
/* The two passes over the file.                                             */

enum { WAY_VEH_FWD = 1, WAY_VEH_BWD = 2, WAY_FOOT = 4 };

typedef struct osm_way {
    uint16_t cls;
    uint8_t flags;  /* WAY_* */
    size_t ref_off; /* into reader.refs */
    size_t n_refs;
} osm_way;

/* A place found in the file; ways get their position after the node pass. */
typedef struct osm_place_raw {
    char *name;
    const char *kind;
    char osm_type;
    int64_t osm_id;
    double lon, lat; /* NaN for a way until placed */
    size_t ref_off, n_refs;
} osm_place_raw;

/* Counts of skipped highway values, for the report. */
typedef struct osm_value_count {
    char value[32];
    size_t n;
} osm_value_count;

typedef struct reader {
    const osm_opts *o;
    osm_stats *st;
    bool oom;
    osm_way *ways;
    size_t n_ways, cap_ways;
    int64_t *refs; /* node ids of ways, concatenated */
    size_t n_refs, cap_refs;
    osm_place_raw *places;
    size_t n_places, cap_places;
    osm_value_count *other;
    size_t n_other, cap_other;
    /* After pass 1: the ids wanted from pass 2, sorted, and their coordinates. */
    int64_t *ids;
    size_t n_ids;
    double *lon, *lat;
} reader;

static const char *osm_tag(const readosm_tag *tags, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(tags[i].key, key) == 0) return tags[i].value;
    return NULL;
}

static bool osm_is(const char *v, const char *a)
{
    return v && strcmp(v, a) == 0;
}

/* yes/designated/permissive/destination/... open, "no" closes; NULL: no say. */
static int osm_access(const char *v)
{
    if (!v) return -1;
    if (strcmp(v, "no") == 0) return 0;
    if (strcmp(v, "yes") == 0 || strcmp(v, "designated") == 0 || strcmp(v, "permissive") == 0 ||
        strcmp(v, "destination") == 0 || strcmp(v, "official") == 0 ||
        strcmp(v, "customers") == 0 || strcmp(v, "delivery") == 0 || strcmp(v, "private") == 0)
        return 1;
    return -1;
}

/* The kind of a named place, or NULL. */
static const char *osm_place_kind(const readosm_tag *tags, int n)
{
    if (osm_is(osm_tag(tags, n, "amenity"), "police")) return "police";
    const char *railway = osm_tag(tags, n, "railway");
    if (osm_is(railway, "station") || osm_is(railway, "halt")) {
        return osm_is(osm_tag(tags, n, "station"), "subway") ? "subway_station" : "railway_station";
    }
    if (osm_is(osm_tag(tags, n, "place"), "square")) return "square";
    if (osm_is(osm_tag(tags, n, "highway"), "pedestrian") &&
        osm_is(osm_tag(tags, n, "area"), "yes"))
        return "square";
    return NULL;
}

static int reader_place_add(reader *r, const char *kind, const char *name, char type, int64_t id,
                            double lon, double lat, size_t ref_off, size_t n_refs)
{
    osm_place_raw p = {.kind = kind,
                       .osm_type = type,
                       .osm_id = id,
                       .lon = lon,
                       .lat = lat,
                       .ref_off = ref_off,
                       .n_refs = n_refs};
    p.name = strdup(name);
    if (!p.name || OSM_PUSH(r->places, r->n_places, r->cap_places, p) < 0) {
        free(p.name);
        return -1;
    }
    return 0;
}

static void reader_other_count(reader *r, const char *value)
{
    for (size_t i = 0; i < r->n_other; i++)
        if (strcmp(r->other[i].value, value) == 0) {
            r->other[i].n++;
            return;
        }
    osm_value_count c = {.n = 1};
    snprintf(c.value, sizeof c.value, "%s", value);
    if (OSM_PUSH(r->other, r->n_other, r->cap_other, c) < 0) r->oom = true;
}

/* Pass 1: ways. */
static int reader_way(const void *ud, const readosm_way *w)
{
    reader *r = (reader *)ud;
    r->st->osm_ways++;
    const readosm_tag *t = w->tags;
    int nt = w->tag_count;
    const char *name = osm_tag(t, nt, "name");
    const char *kind = name && *name ? osm_place_kind(t, nt) : NULL;
    if (kind && w->node_ref_count > 0) {
        size_t off = r->n_refs;
        for (int i = 0; i < w->node_ref_count; i++)
            if (OSM_PUSH(r->refs, r->n_refs, r->cap_refs, (int64_t)w->node_refs[i]) < 0) goto oom;
        if (reader_place_add(r, kind, name, 'w', w->id, NAN, NAN, off, (size_t)w->node_ref_count) <
            0)
            goto oom;
    }
    const char *hw = osm_tag(t, nt, "highway");
    if (!hw) return READOSM_OK;
    if (osm_is(osm_tag(t, nt, "area"), "yes")) {
        r->st->ways_area++;
        return READOSM_OK;
    }
    size_t c;
    for (c = 0; c < r->o->n_classes; c++)
        if (strcmp(r->o->classes[c].name, hw) == 0) break;
    if (c == r->o->n_classes) {
        r->st->ways_other_highway++;
        reader_other_count(r, hw);
        return r->oom ? READOSM_ABORT : READOSM_OK;
    }
    const double *sp = r->o->classes[c].speed_mps;
    bool veh = sp[NET_VEHICLE] > 0, foot = sp[NET_FOOT] > 0;
    /* Access: the most specific tag that has a say wins. */
    int acc = osm_access(osm_tag(t, nt, "access"));
    int a_veh = acc;
    const char *veh_keys[] = {"vehicle", "motor_vehicle", "motorcar"};
    for (int k = 0; k < 3; k++) {
        int a = osm_access(osm_tag(t, nt, veh_keys[k]));
        if (a >= 0) a_veh = a;
    }
    int a_foot = osm_access(osm_tag(t, nt, "foot"));
    if (a_foot < 0) a_foot = acc;
    if (a_veh == 0) veh = false;
    if (a_foot == 0) foot = false;
    /* One-way for vehicles. */
    uint8_t flags = 0;
    const char *ow = osm_tag(t, nt, "oneway");
    const char *junction = osm_tag(t, nt, "junction");
    bool fwd = true, bwd = true;
    if (ow && (strcmp(ow, "yes") == 0 || strcmp(ow, "true") == 0 || strcmp(ow, "1") == 0)) {
        bwd = false;
    } else if (ow && (strcmp(ow, "-1") == 0 || strcmp(ow, "reverse") == 0)) {
        fwd = false;
    } else if (ow && (strcmp(ow, "reversible") == 0 || strcmp(ow, "alternating") == 0)) {
        if (veh) r->st->ways_reversible++;
        veh = false;
    } else if (!(ow &&
                 (strcmp(ow, "no") == 0 || strcmp(ow, "false") == 0 || strcmp(ow, "0") == 0))) {
        if (osm_is(junction, "roundabout") || osm_is(junction, "circular") ||
            strcmp(hw, "motorway") == 0 || strcmp(hw, "motorway_link") == 0)
            bwd = false;
    }
    if (veh && fwd) flags |= WAY_VEH_FWD;
    if (veh && bwd) flags |= WAY_VEH_BWD;
    if (foot) flags |= WAY_FOOT;
    if (!(flags & (WAY_VEH_FWD | WAY_VEH_BWD | WAY_FOOT))) {
        r->st->ways_no_mode++;
        return READOSM_OK;
    }
    if (veh && !(fwd && bwd)) r->st->ways_oneway++;
    if (w->node_ref_count < 2) return READOSM_OK;
    osm_way way = {.cls = (uint16_t)c,
                   .flags = flags,
                   .ref_off = r->n_refs,
                   .n_refs = (size_t)w->node_ref_count};
    for (int i = 0; i < w->node_ref_count; i++)
        if (OSM_PUSH(r->refs, r->n_refs, r->cap_refs, (int64_t)w->node_refs[i]) < 0) goto oom;
    if (OSM_PUSH(r->ways, r->n_ways, r->cap_ways, way) < 0) goto oom;
    r->st->ways_imported++;
    r->st->ways_per_class[c]++;
    return READOSM_OK;
oom:
    r->oom = true;
    return READOSM_ABORT;
}

static ptrdiff_t reader_id_find(const reader *r, int64_t id)
{
    size_t lo = 0, hi = r->n_ids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n_ids && r->ids[lo] == id ? (ptrdiff_t)lo : -1;
}

/* Pass 2: nodes. */
static int reader_node(const void *ud, const readosm_node *nd)
{
    reader *r = (reader *)ud;
    r->st->osm_nodes++;
    ptrdiff_t i = reader_id_find(r, nd->id);
    if (i >= 0 && geo_lonlat_is_valid(nd->longitude, nd->latitude)) {
        r->lon[i] = nd->longitude;
        r->lat[i] = nd->latitude;
    }
    if (nd->tag_count > 0) {
        const char *name = osm_tag(nd->tags, nd->tag_count, "name");
        const char *kind = name && *name ? osm_place_kind(nd->tags, nd->tag_count) : NULL;
        if (kind && geo_lonlat_is_valid(nd->longitude, nd->latitude) &&
            reader_place_add(r, kind, name, 'n', nd->id, nd->longitude, nd->latitude, 0, 0) < 0) {
            r->oom = true;
            return READOSM_ABORT;
        }
    }
    return READOSM_OK;
}

static int osm_id_cmp(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

static const char *osm_readosm_strerror(int rc)
{
    switch (rc) {
    case READOSM_INVALID_SUFFIX:
        return "the name must end in .osm (XML) or .pbf (PBF)";
    case READOSM_FILE_NOT_FOUND:
        return "cannot open the file";
    case READOSM_INSUFFICIENT_MEMORY:
        return "out of memory";
    case READOSM_READ_ERROR:
        return "read error";
    case READOSM_XML_ERROR:
        return "malformed XML";
    case READOSM_INVALID_PBF_HEADER:
        return "not a valid PBF file (bad header)";
    case READOSM_UNZIP_ERROR:
        return "a compressed PBF block cannot be unpacked";
    default:
        return "not a readable OSM file";
    }
}

/* readosm does not say where XML goes wrong (and leaks its parser when it
 * meets an error): expat, which it uses, does. Finds the line and expat's
 * message of the first error; 0 when there is none (or the file cannot be
 * read: readosm then says so). osm_import runs it on .osm files before
 * readosm; one pass of expat alone costs a few milliseconds per megabyte. */
static int osm_xml_error_find(const char *path, char *msg, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p) {
        fclose(f);
        return 0;
    }
    char buf[65536];
    int line = 0;
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        int done = n < sizeof buf;
        if (XML_Parse(p, buf, (int)n, done) == XML_STATUS_ERROR) {
            line = (int)XML_GetCurrentLineNumber(p);
            snprintf(msg, size, "%s (column %lu)", XML_ErrorString(XML_GetErrorCode(p)),
                     (unsigned long)XML_GetCurrentColumnNumber(p) + 1);
            break;
        }
        if (done) break;
    }
    XML_ParserFree(p);
    fclose(f);
    return line;
}

/* Runs one pass; reports a failure. */
static bool reader_pass(reader *r, const char *path, bool ways, diag *d)
{
    const void *h = NULL;
    int rc = readosm_open(path, &h);
    if (rc == READOSM_OK)
        rc = readosm_parse(h, r, ways ? NULL : reader_node, ways ? reader_way : NULL, NULL);
    if (h) readosm_close(h);
    if (rc == READOSM_OK) return true;
    if (r->oom || rc == READOSM_INSUFFICIENT_MEMORY) {
        r->oom = true;
        diag_error(d, path, 0, "OSM", "out of memory reading the file");
    } else if (rc == READOSM_FILE_NOT_FOUND) {
        FILE *f = fopen(path, "rb");
        diag_error(d, path, 0, "OSM", "cannot open the file: %s",
                   f ? "unreadable" : strerror(errno));
        if (f) fclose(f);
    } else if (rc == READOSM_XML_ERROR) {
        char msg[256] = "malformed XML";
        int line = osm_xml_error_find(path, msg, sizeof msg);
        diag_error(d, path, line, "OSM", "not a valid OSM XML file: %s", msg);
    } else {
        diag_error(d, path, 0, "OSM", "%s (readosm error %d)", osm_readosm_strerror(rc), rc);
    }
    return false;
}

static void reader_fini(reader *r)
{
    free(r->ways);
    free(r->refs);
    for (size_t i = 0; i < r->n_places; i++)
        free(r->places[i].name);
    free(r->places);
    free(r->other);
    free(r->ids);
    free(r->lon);
    free(r->lat);
}

/* ------------------------------------------------------------------------ */
/* Working graphs.                                                           */

typedef struct wgraph {
    size_t n;
    net_node *nodes;
    size_t ne, cap;
    net_edge *e;
} wgraph;

typedef struct csr {
    uint32_t *out_start, *out_edge, *in_start, *in_edge;
} csr;

static void csr_fini(csr *c)
{
    free(c->out_start);
    free(c->out_edge);
    free(c->in_start);
    free(c->in_edge);
    memset(c, 0, sizeof *c);
}

static int csr_build(csr *c, const wgraph *g)
{
    memset(c, 0, sizeof *c);
    c->out_start = calloc(g->n + 1, sizeof *c->out_start);
    c->in_start = calloc(g->n + 1, sizeof *c->in_start);
    c->out_edge = malloc((g->ne ? g->ne : 1) * sizeof *c->out_edge);
    c->in_edge = malloc((g->ne ? g->ne : 1) * sizeof *c->in_edge);
    if (!c->out_start || !c->in_start || !c->out_edge || !c->in_edge) {
        csr_fini(c);
        return -1;
    }
    for (size_t i = 0; i < g->ne; i++) {
        c->out_start[g->e[i].from + 1]++;
        c->in_start[g->e[i].to + 1]++;
    }
    for (size_t v = 0; v < g->n; v++) {
        c->out_start[v + 1] += c->out_start[v];
        c->in_start[v + 1] += c->in_start[v];
    }
    uint32_t *po = malloc((g->n + 1) * sizeof *po), *pi = malloc((g->n + 1) * sizeof *pi);
    if (!po || !pi) {
        free(po);
        free(pi);
        csr_fini(c);
        return -1;
    }
    memcpy(po, c->out_start, (g->n + 1) * sizeof *po);
    memcpy(pi, c->in_start, (g->n + 1) * sizeof *pi);
    for (size_t i = 0; i < g->ne; i++) {
        c->out_edge[po[g->e[i].from]++] = (uint32_t)i;
        c->in_edge[pi[g->e[i].to]++] = (uint32_t)i;
    }
    free(po);
    free(pi);
    return 0;
}

static void wgraph_fini(wgraph *g)
{
    free(g->nodes);
    free(g->e);
    memset(g, 0, sizeof *g);
}

static int wgraph_edge_add(wgraph *g, net_edge e)
{
    return OSM_PUSH(g->e, g->ne, g->cap, e);
}

/* Keeps the nodes with keep[v] (in order) and the edges between them. */
static int wgraph_compact(wgraph *g, const bool *keep)
{
    uint32_t *map = malloc((g->n ? g->n : 1) * sizeof *map);
    if (!map) return -1;
    size_t n = 0;
    for (size_t v = 0; v < g->n; v++) {
        map[v] = keep[v] ? (uint32_t)n : OSM_NONE;
        if (keep[v]) g->nodes[n++] = g->nodes[v];
    }
    size_t ne = 0;
    for (size_t i = 0; i < g->ne; i++) {
        net_edge e = g->e[i];
        if (map[e.from] == OSM_NONE || map[e.to] == OSM_NONE) continue;
        e.from = map[e.from];
        e.to = map[e.to];
        g->e[ne++] = e;
    }
    g->n = n;
    g->ne = ne;
    free(map);
    return 0;
}

static bool osm_edge_attr_eq(const net_edge *a, const net_edge *b)
{
    return a->cls == b->cls && a->speed_mps[0] == b->speed_mps[0] &&
           a->speed_mps[1] == b->speed_mps[1];
}

/* ------------------------------------------------------------------------ */
/* Simplification: merge the nodes that only shape a way.                    */

/* True when v has exactly two neighbours and carries one way through: either
 * one edge in and one out (a one-way street), or two in and two out with the
 * same attributes on both sides per direction. */
static bool simp_is_shape(const wgraph *g, const csr *c, uint32_t v)
{
    uint32_t no = c->out_start[v + 1] - c->out_start[v];
    uint32_t ni = c->in_start[v + 1] - c->in_start[v];
    if (no == 1 && ni == 1) {
        const net_edge *ein = &g->e[c->in_edge[c->in_start[v]]];
        const net_edge *eout = &g->e[c->out_edge[c->out_start[v]]];
        if (ein->from == v || eout->to == v || ein->from == eout->to) return false;
        return osm_edge_attr_eq(ein, eout);
    }
    if (no != 2 || ni != 2) return false;
    const net_edge *o1 = &g->e[c->out_edge[c->out_start[v]]];
    const net_edge *o2 = &g->e[c->out_edge[c->out_start[v] + 1]];
    const net_edge *i1 = &g->e[c->in_edge[c->in_start[v]]];
    const net_edge *i2 = &g->e[c->in_edge[c->in_start[v] + 1]];
    uint32_t u = o1->to, w = o2->to;
    if (u == w || u == v || w == v) return false;
    const net_edge *iu = i1->from == u ? i1 : i2->from == u ? i2 : NULL;
    const net_edge *iw = i1->from == w ? i1 : i2->from == w ? i2 : NULL;
    if (!iu || !iw || iu == iw) return false;
    /* u->v continues as v->w, and w->v as v->u. */
    return osm_edge_attr_eq(iu, o2) && osm_edge_attr_eq(iw, o1);
}

/* The edge that carries on from shape node x after arriving from p. */
static uint32_t simp_next(const wgraph *g, const csr *c, uint32_t x, uint32_t p)
{
    uint32_t s = c->out_start[x];
    if (c->out_start[x + 1] - s == 1) return c->out_edge[s];
    return g->e[c->out_edge[s]].to != p ? c->out_edge[s] : c->out_edge[s + 1];
}

/* Replaces g by its simplified form. forced[v] nodes are never merged. */
static int simplify(wgraph *g)
{
    csr c;
    if (csr_build(&c, g) < 0) return -1;
    bool *shape = malloc((g->n ? g->n : 1) * sizeof *shape);
    bool *forced = calloc(g->n ? g->n : 1, sizeof *forced);
    uint8_t *seen = malloc(g->ne ? g->ne : 1);
    uint32_t *chain = NULL;
    size_t n_chain = 0, cap_chain = 0;
    wgraph out = {0};
    int rc = -1;
    if (!shape || !forced || !seen) goto done;
    for (bool again = true; again;) {
        again = false;
        for (uint32_t v = 0; v < g->n; v++)
            shape[v] = !forced[v] && simp_is_shape(g, &c, v);
        memset(seen, 0, g->ne ? g->ne : 1);
        out.ne = 0;
        for (uint32_t s = 0; s < g->n; s++) {
            if (shape[s]) continue;
            for (uint32_t k = c.out_start[s]; k < c.out_start[s + 1]; k++) {
                uint32_t e0 = c.out_edge[k];
                if (seen[e0]) continue;
                seen[e0] = 1;
                double len = g->e[e0].length_m;
                uint32_t cur = e0;
                n_chain = 0;
                while (shape[g->e[cur].to]) {
                    uint32_t x = g->e[cur].to;
                    if (OSM_PUSH(chain, n_chain, cap_chain, x) < 0) goto done;
                    cur = simp_next(g, &c, x, g->e[cur].from);
                    seen[cur] = 1;
                    len += g->e[cur].length_m;
                }
                uint32_t t = g->e[cur].to;
                if (t == s) {
                    /* A loop back to where it started: keep a node half-way round so
                     * that the loop stays two edges and no self-loop is made. */
                    if (n_chain > 0) {
                        forced[chain[n_chain / 2]] = true;
                        again = true;
                    }
                    continue;
                }
                net_edge e = g->e[e0];
                e.to = t;
                e.length_m = len;
                if (wgraph_edge_add(&out, e) < 0) goto done;
            }
        }
        /* Rings made only of shape nodes are not reached from any kept node:
         * keep one node of each and go round again. */
        for (uint32_t i = 0; i < g->ne; i++) {
            if (seen[i]) continue;
            uint32_t x = g->e[i].from;
            forced[x] = true;
            again = true;
            for (uint32_t k = c.out_start[x]; k < c.out_start[x + 1]; k++) {
                uint32_t cur = c.out_edge[k];
                seen[cur] = 1;
                for (int guard = 0; g->e[cur].to != x && shape[g->e[cur].to] && guard < (int)g->ne;
                     guard++) {
                    cur = simp_next(g, &c, g->e[cur].to, g->e[cur].from);
                    seen[cur] = 1;
                }
            }
        }
    }
    free(g->e);
    g->e = out.e;
    g->ne = out.ne;
    g->cap = out.cap;
    out.e = NULL;
    for (uint32_t v = 0; v < g->n; v++)
        shape[v] = !shape[v]; /* keep the others */
    rc = wgraph_compact(g, shape);
done:
    free(out.e);
    free(chain);
    free(shape);
    free(forced);
    free(seen);
    csr_fini(&c);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Strongly connected parts (iterative Tarjan, as in net.c).                 */

/* Labels comp[v] for mode m; returns the number of parts, -1 when out of memory. */
static long scc_label(const wgraph *g, const csr *c, int m, uint32_t *comp)
{
    size_t n = g->n;
    uint32_t *index = malloc(n * sizeof *index), *low = malloc(n * sizeof *low);
    uint32_t *iter = malloc(n * sizeof *iter), *stack = malloc(n * sizeof *stack);
    uint32_t *call = malloc(n * sizeof *call);
    long n_comp = -1;
    if (!index || !low || !iter || !stack || !call) goto done;
    for (size_t v = 0; v < n; v++) {
        index[v] = OSM_NONE;
        comp[v] = OSM_NONE;
    }
    uint32_t counter = 0, nc = 0;
    size_t sp = 0, cp = 0;
    for (uint32_t root = 0; root < n; root++) {
        if (index[root] != OSM_NONE) continue;
        index[root] = low[root] = counter++;
        iter[root] = c->out_start[root];
        stack[sp++] = root;
        call[cp++] = root;
        while (cp > 0) {
            uint32_t v = call[cp - 1];
            if (iter[v] < c->out_start[v + 1]) {
                const net_edge *e = &g->e[c->out_edge[iter[v]++]];
                if (!(e->speed_mps[m] > 0)) continue;
                uint32_t w = e->to;
                if (index[w] == OSM_NONE) {
                    index[w] = low[w] = counter++;
                    iter[w] = c->out_start[w];
                    stack[sp++] = w;
                    call[cp++] = w;
                } else if (comp[w] == OSM_NONE && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            cp--;
            if (low[v] == index[v]) {
                uint32_t w;
                do {
                    w = stack[--sp];
                    comp[w] = nc;
                } while (w != v);
                nc++;
            }
            if (cp > 0 && low[v] < low[call[cp - 1]]) low[call[cp - 1]] = low[v];
        }
    }
    n_comp = (long)nc;
done:
    free(index);
    free(low);
    free(iter);
    free(stack);
    free(call);
    return n_comp;
}

/* Marks in[v] the nodes of the largest part of mode m (ties: the part of the
 * lowest node); its size goes to *size. -1 when out of memory. */
static int scc_largest(const wgraph *g, const csr *c, int m, bool *in, size_t *size,
                       size_t *n_parts)
{
    uint32_t *comp = malloc((g->n ? g->n : 1) * sizeof *comp);
    if (!comp) return -1;
    long nc = scc_label(g, c, m, comp);
    size_t *count = nc > 0 ? calloc((size_t)nc, sizeof *count) : NULL;
    if (nc < 0 || (nc > 0 && !count)) {
        free(comp);
        return -1;
    }
    for (size_t v = 0; v < g->n; v++)
        count[comp[v]]++;
    uint32_t best = g->n ? comp[0] : 0;
    for (size_t v = 0; v < g->n; v++)
        if (count[comp[v]] > count[best]) best = comp[v];
    for (size_t v = 0; v < g->n; v++)
        in[v] = comp[v] == best;
    *size = g->n ? count[best] : 0;
    *n_parts = (size_t)nc;
    free(count);
    free(comp);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Contraction of the one-mode regions.                                      */

typedef struct heap_item {
    double t;
    uint32_t v;
} heap_item;

typedef struct search {
    double *t, *len; /* [n] time and length of the best path so far */
    uint32_t *pred;  /* [n] edge into v on it */
    uint32_t *stamp; /* [n] generation in which t was set */
    uint32_t gen;
    heap_item *heap;
    size_t hn, hcap;
} search;

static int heap_push(search *s, double t, uint32_t v)
{
    if (osm_grow((void **)&s->heap, &s->hcap, s->hn, sizeof *s->heap) < 0) return -1;
    size_t i = s->hn++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        /* Ties by node index keep the search, and so the output, deterministic. */
        if (s->heap[p].t < t || (s->heap[p].t == t && s->heap[p].v <= v)) break;
        s->heap[i] = s->heap[p];
        i = p;
    }
    s->heap[i] = (heap_item){t, v};
    return 0;
}

static heap_item heap_pop(search *s)
{
    heap_item top = s->heap[0], last = s->heap[--s->hn];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        heap_item mv = last;
        if (l < s->hn && (s->heap[l].t < mv.t || (s->heap[l].t == mv.t && s->heap[l].v < mv.v))) {
            m = l;
            mv = s->heap[l];
        }
        if (r < s->hn && (s->heap[r].t < mv.t || (s->heap[r].t == mv.t && s->heap[r].v < mv.v)))
            m = r;
        if (m == i) break;
        s->heap[i] = s->heap[m];
        i = m;
    }
    if (s->hn > 0) s->heap[i] = last;
    return top;
}

static double search_t(const search *s, uint32_t v)
{
    return s->stamp[v] == s->gen ? s->t[v] : INFINITY;
}

/* Adds the shortcuts of mode m: from each kept node into the region (nodes of
 * the mode's main part that are not kept) to the kept nodes the region leads
 * to, unless a path among kept nodes is as fast. */
static int contract_mode(const wgraph *g, const csr *c, int m, const bool *kept, const bool *region,
                         wgraph *out, osm_stats *st, size_t n_classes)
{
    search s = {0};
    uint32_t *terms = NULL;
    size_t n_terms = 0, cap_terms = 0;
    double *tterm = NULL, *lterm = NULL, *cls_len = NULL;
    size_t cap_tt = 0, cap_lt = 0;
    size_t n = g->n ? g->n : 1;
    int rc = -1;
    s.t = malloc(n * sizeof *s.t);
    s.len = malloc(n * sizeof *s.len);
    s.pred = malloc(n * sizeof *s.pred);
    s.stamp = calloc(n, sizeof *s.stamp);
    cls_len = calloc(n_classes ? n_classes : 1, sizeof *cls_len);
    if (!s.t || !s.len || !s.pred || !s.stamp || !cls_len) goto done;
    for (uint32_t a = 0; a < g->n; a++) {
        if (!kept[a]) continue;
        bool entry = false;
        for (uint32_t k = c->out_start[a]; k < c->out_start[a + 1] && !entry; k++) {
            const net_edge *e = &g->e[c->out_edge[k]];
            entry = e->speed_mps[m] > 0 && region[e->to];
        }
        if (!entry) continue;
        /* 1. Fastest paths from a through the region; kept nodes end them. */
        s.gen++;
        s.hn = 0;
        n_terms = 0;
        s.t[a] = 0;
        s.len[a] = 0;
        s.pred[a] = OSM_NONE;
        s.stamp[a] = s.gen;
        if (heap_push(&s, 0, a) < 0) goto done;
        double t_max = 0;
        while (s.hn > 0) {
            heap_item it = heap_pop(&s);
            uint32_t u = it.v;
            if (it.t > s.t[u]) continue;
            if (u != a && kept[u]) {
                if (OSM_PUSH(terms, n_terms, cap_terms, u) < 0) goto done;
                if (it.t > t_max) t_max = it.t;
                continue;
            }
            for (uint32_t k = c->out_start[u]; k < c->out_start[u + 1]; k++) {
                uint32_t ei = c->out_edge[k];
                const net_edge *e = &g->e[ei];
                if (!(e->speed_mps[m] > 0) || e->to == a) continue;
                if (u == a ? !region[e->to] : !(region[e->to] || kept[e->to])) continue;
                double t = it.t + e->length_m / e->speed_mps[m];
                if (t < search_t(&s, e->to)) {
                    s.t[e->to] = t;
                    s.len[e->to] = s.len[u] + e->length_m;
                    s.pred[e->to] = ei;
                    s.stamp[e->to] = s.gen;
                    if (heap_push(&s, t, e->to) < 0) goto done;
                }
            }
        }
        if (n_terms == 0) continue;
        /* Keep the results: the witness search reuses the arrays. */
        if (cap_tt < n_terms) {
            double *g1 = realloc(tterm, n_terms * sizeof *g1);
            if (!g1) goto done;
            tterm = g1;
            cap_tt = n_terms;
        }
        if (cap_lt < n_terms) {
            double *g2 = realloc(lterm, n_terms * sizeof *g2);
            if (!g2) goto done;
            lterm = g2;
            cap_lt = n_terms;
        }
        /* The class of each shortcut: the class with the most length on its path. */
        uint16_t *tcls = malloc(n_terms * sizeof *tcls);
        if (!tcls) goto done;
        for (size_t i = 0; i < n_terms; i++) {
            uint32_t b = terms[i];
            tterm[i] = s.t[b];
            lterm[i] = s.len[b];
            for (uint32_t x = b; x != a;) {
                const net_edge *e = &g->e[s.pred[x]];
                cls_len[e->cls] += e->length_m;
                x = e->from;
            }
            uint16_t best = 0;
            for (uint32_t x = b; x != a;) {
                const net_edge *e = &g->e[s.pred[x]];
                if (cls_len[e->cls] > cls_len[best] ||
                    (cls_len[e->cls] == cls_len[best] && e->cls < best))
                    best = e->cls;
                x = e->from;
            }
            for (uint32_t x = b; x != a;) {
                const net_edge *e = &g->e[s.pred[x]];
                cls_len[e->cls] = 0;
                x = e->from;
            }
            tcls[i] = best;
        }
        /* 2. The witness: fastest paths from a among kept nodes, up to t_max. */
        s.gen++;
        s.hn = 0;
        s.t[a] = 0;
        s.stamp[a] = s.gen;
        if (heap_push(&s, 0, a) < 0) {
            free(tcls);
            goto done;
        }
        while (s.hn > 0) {
            heap_item it = heap_pop(&s);
            uint32_t u = it.v;
            if (it.t > s.t[u]) continue;
            if (it.t > t_max) break;
            for (uint32_t k = c->out_start[u]; k < c->out_start[u + 1]; k++) {
                const net_edge *e = &g->e[c->out_edge[k]];
                if (!(e->speed_mps[m] > 0) || !kept[e->to]) continue;
                double t = it.t + e->length_m / e->speed_mps[m];
                if (t < search_t(&s, e->to)) {
                    s.t[e->to] = t;
                    s.stamp[e->to] = s.gen;
                    if (heap_push(&s, t, e->to) < 0) {
                        free(tcls);
                        goto done;
                    }
                }
            }
        }
        for (size_t i = 0; i < n_terms; i++) {
            uint32_t b = terms[i];
            /* A relative margin so that a tie decided by rounding adds nothing. */
            if (!(tterm[i] < search_t(&s, b) * (1 - 1e-9))) {
                st->witness_pruned++;
                continue;
            }
            net_edge e = {.from = a, .to = b, .length_m = lterm[i], .cls = tcls[i]};
            e.speed_mps[m] = lterm[i] / tterm[i];
            e.speed_mps[1 - m] = 0;
            if (wgraph_edge_add(out, e) < 0) {
                free(tcls);
                goto done;
            }
            st->shortcuts[m]++;
        }
        free(tcls);
    }
    rc = 0;
done:
    free(s.t);
    free(s.len);
    free(s.pred);
    free(s.stamp);
    free(s.heap);
    free(terms);
    free(tterm);
    free(lterm);
    free(cls_len);
    return rc;
}

/* Steps 4 and 5 on g, in place. */
static int connect(wgraph *g, osm_stats *st, size_t n_classes, bool do_simplify)
{
    csr c;
    if (csr_build(&c, g) < 0) return -1;
    size_t n = g->n ? g->n : 1;
    bool *in_v = malloc(n * sizeof *in_v), *in_f = malloc(n * sizeof *in_f);
    bool *kept = malloc(n * sizeof *kept), *region = malloc(n * sizeof *region);
    wgraph out = {0};
    int rc = -1;
    if (!in_v || !in_f || !kept || !region) goto done;
    if (scc_largest(g, &c, NET_VEHICLE, in_v, &st->scc_vehicle, &st->n_scc_vehicle) < 0 ||
        scc_largest(g, &c, NET_FOOT, in_f, &st->scc_foot, &st->n_scc_foot) < 0)
        goto done;
    for (size_t v = 0; v < g->n; v++) {
        kept[v] = in_v[v] && in_f[v];
        if (!in_v[v] && !in_f[v]) st->dropped_disconnected++;
        if (in_v[v] && !in_f[v]) st->contracted_vehicle_only++;
        if (!in_v[v] && in_f[v]) st->contracted_foot_only++;
    }
    for (size_t i = 0; i < g->ne; i++)
        if (kept[g->e[i].from] && kept[g->e[i].to] && wgraph_edge_add(&out, g->e[i]) < 0) goto done;
    for (int m = 0; m < NET_MODES; m++) {
        const bool *in_m = m == NET_VEHICLE ? in_v : in_f;
        for (size_t v = 0; v < g->n; v++)
            region[v] = in_m[v] && !kept[v];
        if (contract_mode(g, &c, m, kept, region, &out, st, n_classes) < 0) goto done;
    }
    free(g->e);
    g->e = out.e;
    g->ne = out.ne;
    g->cap = out.cap;
    out.e = NULL;
    if (wgraph_compact(g, kept) < 0) goto done;
    rc = do_simplify ? simplify(g) : 0;
done:
    free(out.e);
    free(in_v);
    free(in_f);
    free(kept);
    free(region);
    csr_fini(&c);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Import.                                                                   */

/* Copies a name with blanks (ASCII and the ideographic space) and '#' made '-'. */
static char *osm_name_clean(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(len + 1), *p = out;
    if (!out) return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == 0xE3 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x80) {
            *p++ = '-';
            i += 2;
        } else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '#' || ch == '\v' ||
                   ch == '\f') {
            *p++ = '-';
        } else {
            *p++ = (char)ch;
        }
    }
    *p = '\0';
    return out;
}

static int osm_map_places_build(osm_map *m, reader *r)
{
    if (r->n_places == 0) return 0;
    m->places = calloc(r->n_places, sizeof *m->places);
    if (!m->places) return -1;
    for (size_t i = 0; i < r->n_places; i++) {
        osm_place_raw *p = &r->places[i];
        double lon = p->lon, lat = p->lat;
        if (p->osm_type == 'w') {
            /* The mean of the way's nodes, the closing node of a ring counted once. */
            size_t nr = p->n_refs;
            if (nr > 1 && r->refs[p->ref_off] == r->refs[p->ref_off + nr - 1]) nr--;
            double sl = 0, sa = 0;
            size_t k = 0;
            for (size_t j = 0; j < nr; j++) {
                ptrdiff_t q = reader_id_find(r, r->refs[p->ref_off + j]);
                if (q < 0 || isnan(r->lon[q])) continue;
                sl += r->lon[q];
                sa += r->lat[q];
                k++;
            }
            lon = k ? sl / (double)k : NAN;
            lat = k ? sa / (double)k : NAN;
        }
        if (isnan(lon)) continue;
        osm_place *q = &m->places[m->n_places];
        char *clean = osm_name_clean(p->name);
        if (!clean) return -1;
        /* Unique names: a second "Police Station" becomes "Police-Station-2". */
        char *name = clean;
        for (int k = 2;; k++) {
            bool taken = false;
            for (size_t j = 0; j < m->n_places && !taken; j++)
                taken = strcmp(m->places[j].name, name) == 0;
            if (!taken) break;
            if (name != clean) free(name);
            size_t len = strlen(clean) + 16;
            name = malloc(len);
            if (!name) {
                free(clean);
                return -1;
            }
            snprintf(name, len, "%s-%d", clean, k);
        }
        if (name != clean) free(clean);
        q->name = name;
        q->kind = p->kind;
        q->osm_type = p->osm_type;
        q->osm_id = p->osm_id;
        q->lon_deg = lon;
        q->lat_deg = lat;
        geo_proj_forward(&m->proj, lon, lat, &q->x_m, &q->y_m);
        q->node = -1;
        q->snap_m = NAN;
        m->n_places++;
    }
    return 0;
}

static double osm_round_cm(double v)
{
    return round(v * 100.0) / 100.0;
}

/* Fills st->other_values with the most frequent skipped highway values. */
static void osm_other_values(reader *r)
{
    char *out = r->st->other_values;
    r->st->n_other_values = r->n_other;
    size_t size = sizeof r->st->other_values, len = 0;
    out[0] = '\0';
    bool *used = calloc(r->n_other ? r->n_other : 1, sizeof *used);
    if (!used) return;
    for (int shown = 0; shown < 5; shown++) {
        size_t best = r->n_other;
        for (size_t i = 0; i < r->n_other; i++)
            if (!used[i] && (best == r->n_other || r->other[i].n > r->other[best].n)) best = i;
        if (best == r->n_other) break;
        used[best] = true;
        int w = snprintf(out + len, size - len, "%s%s %zu", shown ? ", " : "", r->other[best].value,
                         r->other[best].n);
        if (w < 0 || (size_t)w >= size - len) {
            out[len] = '\0';
            break;
        }
        len += (size_t)w;
    }
    free(used);
}

osm_map *osm_import(const char *path, const osm_opts *o, diag *d)
{
    osm_map *m = calloc(1, sizeof *m);
    reader r = {.o = o};
    wgraph g = {0};
    uint32_t *gidx = NULL;
    if (!m) goto oom;
    r.st = &m->stats;
    m->source = strdup(path);
    m->classes = malloc((o->n_classes ? o->n_classes : 1) * sizeof *m->classes);
    m->stats.ways_per_class = calloc(o->n_classes ? o->n_classes : 1, sizeof(size_t));
    if (!m->source || !m->classes || !m->stats.ways_per_class) goto oom;
    memcpy(m->classes, o->classes, o->n_classes * sizeof *m->classes);
    m->n_classes = o->n_classes;

    /* readosm opens the file itself, and an fopen of a FIFO would block until someone wrote to
     * it (a device would never end): what exists must be a regular file. (What does not exist,
     * or has the wrong extension, readosm reports.) */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        diag_error(d, path, 0, "OSM", "cannot open the file: %s",
                   S_ISDIR(st.st_mode) ? "it is a directory"
                                       : "not a regular file (a pipe, socket or device)");
        goto fail;
    }
    /* XML is checked first, for the line of an error. */
    size_t plen = strlen(path);
    if (plen >= 4 && strcmp(path + plen - 4, ".osm") == 0) {
        char msg[256];
        int line = osm_xml_error_find(path, msg, sizeof msg);
        if (line > 0) {
            diag_error(d, path, line, "OSM", "not a valid OSM XML file: %s", msg);
            goto fail;
        }
    }
    /* Pass 1: ways; then the node ids they need. */
    if (!reader_pass(&r, path, true, d)) goto fail;
    osm_other_values(&r);
    r.ids = malloc((r.n_refs ? r.n_refs : 1) * sizeof *r.ids);
    if (!r.ids) goto oom;
    if (r.n_refs) memcpy(r.ids, r.refs, r.n_refs * sizeof *r.ids);
    if (r.n_refs) qsort(r.ids, r.n_refs, sizeof *r.ids, osm_id_cmp);
    for (size_t i = 0; i < r.n_refs; i++)
        if (r.n_ids == 0 || r.ids[r.n_ids - 1] != r.ids[i]) r.ids[r.n_ids++] = r.ids[i];
    r.lon = malloc((r.n_ids ? r.n_ids : 1) * sizeof *r.lon);
    r.lat = malloc((r.n_ids ? r.n_ids : 1) * sizeof *r.lat);
    if (!r.lon || !r.lat) goto oom;
    for (size_t i = 0; i < r.n_ids; i++)
        r.lon[i] = r.lat[i] = NAN;
    /* Pass 2: coordinates. */
    if (!reader_pass(&r, path, false, d)) goto fail;

    if (r.n_ways == 0) {
        diag_error(d, path, 0, "OSM",
                   "no roads: none of the file's %zu ways is a highway of an imported class "
                   "(%zu highway ways of other values%s%s)",
                   m->stats.osm_ways, m->stats.ways_other_highway,
                   m->stats.other_values[0] ? ": " : "", m->stats.other_values);
        goto fail;
    }
    /* The graph's nodes: the way nodes with coordinates, in id order. */
    gidx = malloc((r.n_ids ? r.n_ids : 1) * sizeof *gidx);
    if (!gidx) goto oom;
    for (size_t i = 0; i < r.n_ids; i++)
        gidx[i] = OSM_NONE;
    double min_lon = INFINITY, max_lon = -INFINITY, min_lat = INFINITY, max_lat = -INFINITY;
    for (size_t w = 0; w < r.n_ways; w++) {
        const osm_way *way = &r.ways[w];
        for (size_t j = 0; j < way->n_refs; j++) {
            ptrdiff_t q = reader_id_find(&r, r.refs[way->ref_off + j]);
            if (q < 0 || isnan(r.lon[q])) {
                m->stats.refs_missing++;
                continue;
            }
            gidx[q] = 0; /* used; numbered below */
            if (r.lon[q] < min_lon) min_lon = r.lon[q];
            if (r.lon[q] > max_lon) max_lon = r.lon[q];
            if (r.lat[q] < min_lat) min_lat = r.lat[q];
            if (r.lat[q] > max_lat) max_lat = r.lat[q];
        }
    }
    if (!(min_lon <= max_lon)) {
        diag_error(d, path, 0, "OSM",
                   "no roads: none of the %zu nodes that the highway ways "
                   "use is in the file",
                   r.n_ids);
        goto fail;
    }
    double lon0 = o->origin_lon_deg, lat0 = o->origin_lat_deg;
    if (isnan(lon0) || isnan(lat0)) {
        lon0 = round((min_lon + max_lon) / 2 * 1e6) / 1e6;
        lat0 = round((min_lat + max_lat) / 2 * 1e6) / 1e6;
    }
    geo_proj_init(&m->proj, lon0, lat0);
    size_t n_used = 0;
    for (size_t i = 0; i < r.n_ids; i++)
        n_used += gidx[i] != OSM_NONE;
    g.nodes = malloc(n_used * sizeof *g.nodes);
    if (!g.nodes) goto oom;
    for (size_t i = 0; i < r.n_ids; i++) {
        if (gidx[i] == OSM_NONE) continue;
        net_node nd = {.id = r.ids[i], .zone = -1};
        double x, y;
        geo_proj_forward(&m->proj, r.lon[i], r.lat[i], &x, &y);
        nd.x_m = osm_round_cm(x);
        nd.y_m = osm_round_cm(y);
        if (fabs(nd.x_m) > OSM_MAX_COORD_M || fabs(nd.y_m) > OSM_MAX_COORD_M) {
            diag_error(d, path, 0, "OSM",
                       "node %lld is %.0f km from the map's centre: the "
                       "extract is too large for one local projection",
                       (long long)nd.id, hypot(nd.x_m, nd.y_m) / 1000);
            goto fail;
        }
        gidx[i] = (uint32_t)g.n;
        g.nodes[g.n++] = nd;
    }
    for (size_t w = 0; w < r.n_ways; w++) {
        const osm_way *way = &r.ways[w];
        const double *sp = o->classes[way->cls].speed_mps;
        for (size_t j = 0; j + 1 < way->n_refs; j++) {
            ptrdiff_t qa = reader_id_find(&r, r.refs[way->ref_off + j]);
            ptrdiff_t qb = reader_id_find(&r, r.refs[way->ref_off + j + 1]);
            if (qa < 0 || qb < 0 || gidx[qa] == OSM_NONE || gidx[qb] == OSM_NONE || qa == qb)
                continue;
            uint32_t a = gidx[qa], b = gidx[qb];
            double len = hypot(g.nodes[b].x_m - g.nodes[a].x_m, g.nodes[b].y_m - g.nodes[a].y_m);
            net_edge e = {.length_m = len, .cls = way->cls};
            double foot = (way->flags & WAY_FOOT) ? sp[NET_FOOT] : 0;
            e.from = a;
            e.to = b;
            e.speed_mps[NET_VEHICLE] = (way->flags & WAY_VEH_FWD) ? sp[NET_VEHICLE] : 0;
            e.speed_mps[NET_FOOT] = foot;
            if ((e.speed_mps[0] > 0 || e.speed_mps[1] > 0) && wgraph_edge_add(&g, e) < 0) goto oom;
            e.from = b;
            e.to = a;
            e.speed_mps[NET_VEHICLE] = (way->flags & WAY_VEH_BWD) ? sp[NET_VEHICLE] : 0;
            e.speed_mps[NET_FOOT] = foot;
            if ((e.speed_mps[0] > 0 || e.speed_mps[1] > 0) && wgraph_edge_add(&g, e) < 0) goto oom;
        }
    }
    m->stats.graph_nodes = g.n;
    m->stats.graph_edges = g.ne;
    if (!o->raw) {
        if (o->simplify && simplify(&g) < 0) goto oom;
        m->stats.simple_nodes = g.n;
        m->stats.simple_edges = g.ne;
        if (connect(&g, &m->stats, o->n_classes, o->simplify) < 0) goto oom;
        if (g.n < 2) {
            diag_error(d, path, 0, "OSM",
                       "no connected roads: after keeping the largest part "
                       "that both vehicles and walkers can use, %zu node%s left",
                       g.n, g.n == 1 ? " is" : "s are");
            goto fail;
        }
    }
    /* Lengths as the file will have them: rounded up to 1 cm, never shorter than the
     * straight line, and equal both ways for a two-way road whatever the order in
     * which its parts were added. */
    for (size_t i = 0; i < g.ne && !o->raw; i++) {
        double len = ceil(g.e[i].length_m * 100.0 - 1e-6) / 100.0;
        g.e[i].length_m = len < 0.01 ? 0.01 : len;
    }
    m->n_nodes = g.n;
    m->nodes = g.nodes;
    m->n_edges = g.ne;
    m->edges = g.e;
    g.nodes = NULL;
    g.e = NULL;
    if (osm_map_places_build(m, &r) < 0) goto oom;
    free(gidx);
    reader_fini(&r);
    return m;
oom:
    diag_error(d, path, 0, "OSM", "out of memory importing the map");
fail:
    free(gidx);
    wgraph_fini(&g);
    reader_fini(&r);
    osm_map_destroy(m);
    return NULL;
}

void osm_map_destroy(osm_map *m)
{
    if (!m) return;
    free(m->source);
    free(m->nodes);
    free(m->edges);
    free(m->classes);
    for (size_t i = 0; i < m->n_zones; i++)
        free(m->zone_names[i]);
    free(m->zone_names);
    for (size_t i = 0; i < m->n_places; i++)
        free(m->places[i].name);
    free(m->places);
    free(m->stats.ways_per_class);
    free(m);
}

/* ------------------------------------------------------------------------ */
/* Zones and places.                                                         */

int osm_map_zones_assign(osm_map *m, const geojson_zones *z, const char *outside, size_t *n_outside)
{
    size_t nz = z->n_names + 1;
    char **names = calloc(nz, sizeof *names);
    int32_t *remap = malloc(nz * sizeof *remap);
    if (!names || !remap) goto oom;
    /* Cleaning may make two names equal; they are then one zone. */
    size_t n = 0;
    for (size_t i = 0; i < nz; i++) {
        char *clean = osm_name_clean(i < z->n_names ? z->names[i] : outside);
        if (!clean) goto oom;
        size_t j;
        for (j = 0; j < n; j++)
            if (strcmp(names[j], clean) == 0) break;
        if (j == n) {
            names[n++] = clean;
        } else {
            free(clean);
        }
        remap[i] = (int32_t)j;
    }
    *n_outside = 0;
    for (size_t v = 0; v < m->n_nodes; v++) {
        int32_t k = geojson_zones_find(z, m->nodes[v].x_m, m->nodes[v].y_m);
        if (k < 0) {
            (*n_outside)++;
            k = (int32_t)z->n_names;
        }
        m->nodes[v].zone = remap[k];
    }
    for (size_t i = 0; i < m->n_zones; i++)
        free(m->zone_names[i]);
    free(m->zone_names);
    m->zone_names = names;
    m->n_zones = n;
    free(remap);
    return 0;
oom:
    if (names)
        for (size_t i = 0; i < nz; i++)
            free(names[i]);
    free(names);
    free(remap);
    return -1;
}

long osm_map_places_snap(osm_map *m, double max_m)
{
    if (m->n_places == 0) return 0;
    snap_index *s =
        snap_create_points(m->n_nodes, &m->nodes[0].x_m, &m->nodes[0].y_m, sizeof m->nodes[0]);
    if (!s) return -1;
    long placed = 0;
    for (size_t i = 0; i < m->n_places; i++) {
        osm_place *p = &m->places[i];
        double dist;
        long v = snap_nearest(s, p->x_m, p->y_m, &dist);
        p->snap_m = dist;
        p->node = v >= 0 && dist <= max_m ? (int32_t)v : -1;
        if (p->node >= 0) placed++;
    }
    snap_destroy(s);
    return placed;
}

/* ------------------------------------------------------------------------ */
/* Report and writers.                                                       */

void osm_map_report(const osm_map *m, FILE *out)
{
    const osm_stats *st = &m->stats;
    fprintf(out, "read %s: %zu nodes, %zu ways\n", m->source, st->osm_nodes, st->osm_ways);
    fprintf(out, "  imported %zu highway ways (%zu one-way for vehicles):", st->ways_imported,
            st->ways_oneway);
    int shown = 0;
    for (size_t c = 0; c < m->n_classes; c++)
        if (st->ways_per_class[c] > 0)
            fprintf(out, "%s %s %zu", shown++ ? "," : "", m->classes[c].name,
                    st->ways_per_class[c]);
    fprintf(out, "\n");
    if (st->ways_other_highway)
        fprintf(out, "  skipped %zu highway ways of other values: %s%s\n", st->ways_other_highway,
                st->other_values, st->n_other_values > 5 ? ", ..." : "");
    if (st->ways_area) fprintf(out, "  skipped %zu areas (area=yes)\n", st->ways_area);
    if (st->ways_no_mode)
        fprintf(out, "  skipped %zu ways closed to both modes (access tags, or class speeds 0)\n",
                st->ways_no_mode);
    if (st->ways_reversible)
        fprintf(out, "  closed %zu reversible ways to vehicles\n", st->ways_reversible);
    if (st->refs_missing)
        fprintf(out,
                "  %zu way node references are not in the file (clipped extract): the "
                "ways are cut there\n",
                st->refs_missing);
    for (size_t c = 0; c < m->n_classes; c++) {
        bool std = false;
        for (size_t k = 0; k < osm_n_class_defaults && !std; k++)
            std = strcmp(osm_class_defaults[k].name, m->classes[c].name) == 0;
        if (!std && st->ways_per_class[c] == 0)
            fprintf(out, "  note: class '%s' of the speed table matched no way\n",
                    m->classes[c].name);
    }
    fprintf(out, "projection: local equirectangular around %.6f E, %.6f N\n", m->proj.lon0_deg,
            m->proj.lat0_deg);
    fprintf(out, "graph: %zu nodes, %zu directed edges\n", st->graph_nodes, st->graph_edges);
    if (st->simple_nodes)
        fprintf(out, "  merged the nodes that only shape a way: %zu nodes, %zu edges\n",
                st->simple_nodes, st->simple_edges);
    fprintf(out,
            "  largest strongly connected part: vehicle %zu nodes (of %zu parts), foot "
            "%zu nodes (of %zu parts)\n",
            st->scc_vehicle, st->n_scc_vehicle, st->scc_foot, st->n_scc_foot);
    fprintf(out, "  dropped %zu nodes in neither part (pieces not connected to the rest)\n",
            st->dropped_disconnected);
    fprintf(out,
            "  contracted %zu nodes only vehicles reach and leave (motorways, links) into "
            "%zu vehicle shortcuts\n",
            st->contracted_vehicle_only, st->shortcuts[NET_VEHICLE]);
    fprintf(out,
            "  contracted %zu nodes only walkers reach and leave (footways, paths, steps; "
            "one-way streets\n    cut at the extract's edge) into %zu foot shortcuts\n",
            st->contracted_foot_only, st->shortcuts[NET_FOOT]);
    if (st->witness_pruned)
        fprintf(out, "  (%zu candidate shortcuts were no faster than the kept roads)\n",
                st->witness_pruned);
    size_t one_way = 0;
    for (size_t i = 0; i < m->n_edges; i++)
        if (m->edges[i].speed_mps[NET_VEHICLE] > 0) one_way++;
    fprintf(out, "network: %zu nodes, %zu directed edges (%zu usable by vehicles)\n", m->n_nodes,
            m->n_edges, one_way);
}

/* A class's speeds for the file: %g is enough for the table's one decimal. */
static bool osm_speeds_are_class(const osm_map *m, const net_edge *e)
{
    const double *sp = m->classes[e->cls].speed_mps;
    return e->speed_mps[0] == sp[0] && e->speed_mps[1] == sp[1];
}

static int osm_edge_order(const void *pa, const void *pb)
{
    const net_edge *a = pa, *b = pb;
    if (a->from != b->from) return a->from < b->from ? -1 : 1;
    if (a->to != b->to) return a->to < b->to ? -1 : 1;
    if (a->cls != b->cls) return a->cls < b->cls ? -1 : 1;
    if (a->length_m != b->length_m) return a->length_m < b->length_m ? -1 : 1;
    for (int k = 0; k < NET_MODES; k++)
        if (a->speed_mps[k] != b->speed_mps[k]) return a->speed_mps[k] < b->speed_mps[k] ? -1 : 1;
    return 0;
}

/* Prints an edge's speeds when they differ from its class's. */
static void osm_write_speeds(FILE *f, const osm_map *m, const net_edge *e)
{
    if (osm_speeds_are_class(m, e)) return;
    fprintf(f, " %.6g %.6g", e->speed_mps[0], e->speed_mps[1]);
}

int osm_map_write(const osm_map *m, const char *path, diag *d)
{
    size_t plen = strlen(path) + 8;
    char *tmp = malloc(plen);
    net_edge *e = malloc((m->n_edges ? m->n_edges : 1) * sizeof *e);
    bool *done = calloc(m->n_edges ? m->n_edges : 1, sizeof *done);
    bool *used_cls = calloc(m->n_classes ? m->n_classes : 1, sizeof *used_cls);
    size_t *zone_nodes = calloc(m->n_zones ? m->n_zones : 1, sizeof *zone_nodes);
    FILE *f = NULL;
    int rc = -1;
    if (!tmp || !e || !done || !used_cls || !zone_nodes) {
        diag_error(d, path, 0, NULL, "out of memory writing the network");
        goto done;
    }
    snprintf(tmp, plen, "%s.tmp", path);
    if (m->n_edges) memcpy(e, m->edges, m->n_edges * sizeof *e);
    if (m->n_edges) qsort(e, m->n_edges, sizeof *e, osm_edge_order);
    for (size_t i = 0; i < m->n_edges; i++)
        used_cls[e[i].cls] = true;
    for (size_t v = 0; v < m->n_nodes; v++)
        if (m->nodes[v].zone >= 0) zone_nodes[m->nodes[v].zone]++;
    /* Pair each edge with an equal one the other way: a two-way road. */
    size_t n_roads = 0, n_oneway = 0;
    bool *is_road = calloc(m->n_edges ? m->n_edges : 1, sizeof *is_road);
    if (!is_road) {
        diag_error(d, path, 0, NULL, "out of memory writing the network");
        goto done;
    }
    for (size_t i = 0; i < m->n_edges; i++) {
        if (done[i] || e[i].from > e[i].to) continue;
        net_edge key = e[i];
        key.from = e[i].to;
        key.to = e[i].from;
        /* The first edge (to, from, ...) with equal attributes: a binary search. */
        size_t lo = 0, hi = m->n_edges;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (osm_edge_order(&e[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t j = lo; j < m->n_edges && osm_edge_order(&e[j], &key) == 0; j++) {
            if (done[j] || j == i) continue;
            done[i] = done[j] = true;
            is_road[i] = true;
            n_roads++;
            break;
        }
    }
    for (size_t i = 0; i < m->n_edges; i++)
        if (!done[i]) n_oneway++;

    f = fopen(tmp, "w");
    if (!f) {
        diag_error(d, tmp, 0, NULL, "cannot create the network file: %s", strerror(errno));
        free(is_road);
        goto done;
    }
    const osm_stats *st = &m->stats;
    fprintf(f, "# Imported by patrolsim map import from %s.\n", m->source);
    fprintf(f, "# Map data (c) OpenStreetMap contributors, under the Open Database License "
               "1.0\n# (https://www.openstreetmap.org/copyright); this file is derived from it.\n");
    fprintf(f,
            "# x east and y north in metres of the local projection around the origin "
            "below\n# (models/geo.h). See scenarios/README.md, \"Importing OpenStreetMap\".\n#\n");
    fprintf(f, "# %zu nodes, %zu two-way roads and %zu one-way edges (%zu directed edges).\n",
            m->n_nodes, n_roads, n_oneway, m->n_edges);
    fprintf(f,
            "# Kept the nodes that both vehicles and walkers can reach and leave; dropped "
            "%zu\n# disconnected nodes; contracted %zu vehicle-only and %zu foot-only nodes "
            "into\n# %zu vehicle and %zu foot shortcuts (exact fastest times).\n",
            st->dropped_disconnected, st->contracted_vehicle_only, st->contracted_foot_only,
            st->shortcuts[NET_VEHICLE], st->shortcuts[NET_FOOT]);
    if (m->n_zones > 0) {
        fprintf(f, "#\n# Nodes per zone:");
        for (size_t z = 0; z < m->n_zones; z++)
            fprintf(f, "%s %s %zu", z % 6 == 0 ? "\n#  " : ",", m->zone_names[z], zone_nodes[z]);
        fprintf(f, "\n");
    }
    fprintf(f, "\npatrolsim-network 1\norigin %.6f %.6f\n\n", m->proj.lon0_deg, m->proj.lat0_deg);
    fprintf(f, "# class <name> <vehicle_mps> <foot_mps>\n");
    for (size_t c = 0; c < m->n_classes; c++)
        if (used_cls[c]) {
            const double *sp = m->classes[c].speed_mps;
            fprintf(f, "class %-16s %5.6g %5.6g   # ", m->classes[c].name, sp[0], sp[1]);
            if (sp[0] > 0)
                fprintf(f, "%.0f km/h%s\n", sp[0] * 3.6, sp[1] > 0 ? "" : ", no walking");
            else
                fprintf(f, "walkers only, %.1f km/h\n", sp[1] * 3.6);
        }
    fprintf(f, "\n# node <osm_id> <x_m> <y_m>%s\n", m->n_zones ? " <zone>" : "");
    for (size_t v = 0; v < m->n_nodes; v++) {
        const net_node *nd = &m->nodes[v];
        fprintf(f, "node %lld %.2f %.2f", (long long)nd->id, nd->x_m, nd->y_m);
        if (nd->zone >= 0) fprintf(f, " %s", m->zone_names[nd->zone]);
        fprintf(f, "\n");
    }
    fprintf(f, "\n# road <a> <b> <length_m> <class> [<vehicle_mps> <foot_mps>]: both ways\n"
               "# edge <from> <to> <length_m> <class> [<vehicle_mps> <foot_mps>]: one way\n");
    for (size_t i = 0; i < m->n_edges; i++) {
        if (done[i] && !is_road[i]) continue;
        const net_edge *x = &e[i];
        /* Already rounded up to 1 cm by osm_import. */
        fprintf(f, "%s %lld %lld %.2f %s", is_road[i] ? "road" : "edge",
                (long long)m->nodes[x->from].id, (long long)m->nodes[x->to].id, x->length_m,
                m->classes[x->cls].name);
        osm_write_speeds(f, m, x);
        fprintf(f, "\n");
    }
    free(is_road);
    if (ferror(f) | fclose(f)) {
        f = NULL;
        diag_error(d, tmp, 0, NULL, "cannot write the network file: %s", strerror(errno));
        remove(tmp);
        goto done;
    }
    f = NULL;
    if (rename(tmp, path) != 0) {
        diag_error(d, path, 0, NULL, "cannot rename %s to it: %s", tmp, strerror(errno));
        remove(tmp);
        goto done;
    }
    rc = 0;
done:
    if (f) fclose(f);
    free(tmp);
    free(e);
    free(done);
    free(used_cls);
    free(zone_nodes);
    return rc;
}

int osm_map_places_write(const osm_map *m, const char *path, diag *d)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        diag_error(d, path, 0, NULL, "cannot create the places file: %s", strerror(errno));
        return -1;
    }
    size_t placed = 0;
    for (size_t i = 0; i < m->n_places; i++)
        if (m->places[i].node >= 0) placed++;
    fprintf(f,
            "# Named places of %s, snapped to the nearest node of its imported network.\n"
            "# Map data (c) OpenStreetMap contributors, ODbL 1.0. Written by patrolsim map "
            "import.\n# <name> <node_id> <x_m> <y_m>   # kind, OSM object, distance to the "
            "node\n# %zu of %zu places are on the map.\n\n",
            m->source, placed, m->n_places);
    for (size_t i = 0; i < m->n_places; i++) {
        const osm_place *p = &m->places[i];
        if (p->node < 0) continue;
        const net_node *nd = &m->nodes[p->node];
        fprintf(f, "%-24s %lld %.2f %.2f   # %s, OSM %s %lld, %.0f m from the node\n", p->name,
                (long long)nd->id, nd->x_m, nd->y_m, p->kind, p->osm_type == 'n' ? "node" : "way",
                (long long)p->osm_id, p->snap_m);
    }
    if (ferror(f) | fclose(f)) {
        diag_error(d, path, 0, NULL, "cannot write the places file: %s", strerror(errno));
        return -1;
    }
    return 0;
}
