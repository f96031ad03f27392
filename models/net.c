/* net.c - reading, checking and indexing the road network. See net.h.
 *
 * The loader reads the file once, line by line, and keeps going after a bad
 * record so that one run shows every problem. Each record is checked field by
 * field; a record with a bad field is dropped but its good parts still count
 * where that avoids a cascade of follow-on errors (a node with a bad
 * coordinate is still "defined", a class with a bad speed still "exists"), so
 * the messages point at real mistakes rather than at their echoes.
 *
 * Nodes and classes must be defined before the records that use them. That
 * keeps the reader single-pass with messages in line order; generated files
 * write nodes first anyway.
 *
 * Connectivity is checked per mode with an iterative Tarjan SCC pass (no
 * recursion, so a long chain of nodes cannot overflow the stack), and only
 * when every record was sound: a dropped record would otherwise show up again
 * as spurious unreachable nodes.
 *
 * A net comes only from net_load: it is the public struct net at the start of
 * a private one that also holds the id index used by net_node_index. Building
 * a struct net by hand and passing it to net_node_index or net_destroy is not
 * supported.
 */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NET_FORMAT_VERSION 1
#define NET_MAX_RECORDS    50000000L /* guards against feeding a huge wrong file */
#define NET_MAX_ERRORS     100       /* after this many, stop: the rest is usually noise */
#define NET_MAX_SPEED_MPS  70.0      /* 252 km/h: anything faster is a unit mistake */
#define NET_MIN_SPEED_MPS  0.1       /* 0.36 km/h: a usable edge slower than this is a mistake */
#define NET_MAX_LENGTH_M   1e6       /* 1000 km for one edge keeps every path sum finite */
#define NET_MAX_LINE       4096      /* characters in a record; longer is not a network file */
#define NET_MAX_COORD_M    1e7       /* planar metres; larger means degrees or millimetres */
#define NET_LENGTH_SLACK   0.99      /* a road may be 1% shorter than the straight line */
#define NET_MAX_TOKENS     16        /* more than any record has; counted beyond, not kept */
#define NET_MAX_CLASSES    65535     /* net_edge.cls is 16 bits */
#define NET_LIST_IDS       10        /* unreachable node ids quoted in a message */

/* The private net: the public part first, so a net * converts both ways. */
typedef struct net_impl {
    net pub;
    int64_t *sorted_id;   /* [n_nodes] file ids, ascending */
    uint32_t *sorted_idx; /* [n_nodes] dense index of sorted_id[i] */
} net_impl;

/* ------------------------------------------------------------------------ */
/* Small hash tables used only while loading.                                */

/* File id -> dense node index, open addressing with linear probing. Slots hold
 * index + 1 so that zero means empty and the table can be calloc'ed. */
typedef struct idmap {
    int64_t *key;
    uint32_t *val;
    size_t cap; /* power of two */
    size_t n;
} idmap;

static uint64_t idmap_hash(uint64_t x)
{
    /* The splitmix64 finaliser: ids are often consecutive, which linear probing
     * with an identity hash would turn into long runs. */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* Dense index of id, or -1. */
static int64_t idmap_get(const idmap *m, int64_t id)
{
    if (m->cap == 0) return -1;
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)idmap_hash((uint64_t)id) & mask;; i = (i + 1) & mask) {
        if (m->val[i] == 0) return -1;
        if (m->key[i] == id) return (int64_t)m->val[i] - 1;
    }
}

/* Inserts id (known to be absent). -1 when out of memory. */
static int idmap_put(idmap *m, int64_t id, uint32_t idx)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        int64_t *key = malloc(cap * sizeof *key);
        uint32_t *val = calloc(cap, sizeof *val);
        if (!key || !val) {
            free(key);
            free(val);
            return -1;
        }
        for (size_t j = 0; j < m->cap; j++) {
            if (m->val[j] == 0) continue;
            size_t i = (size_t)idmap_hash((uint64_t)m->key[j]) & (cap - 1);
            while (val[i] != 0) i = (i + 1) & (cap - 1);
            key[i] = m->key[j];
            val[i] = m->val[j];
        }
        free(m->key);
        free(m->val);
        m->key = key;
        m->val = val;
        m->cap = cap;
    }
    size_t mask = m->cap - 1;
    size_t i = (size_t)idmap_hash((uint64_t)id) & mask;
    while (m->val[i] != 0) i = (i + 1) & mask;
    m->key[i] = id;
    m->val[i] = idx + 1;
    m->n++;
    return 0;
}

static void idmap_fini(idmap *m)
{
    free(m->key);
    free(m->val);
}

/* Interned names (classes, zones) in order of first appearance, with a hash
 * index so that millions of node records with a zone stay O(1) each. */
typedef struct strtab {
    char **name;     /* [n], owned */
    size_t n, cap;
    uint32_t *slot;  /* [nslot] index + 1, 0 empty */
    size_t nslot;    /* power of two */
} strtab;

static uint64_t strtab_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int64_t strtab_find(const strtab *t, const char *s)
{
    if (t->nslot == 0) return -1;
    size_t mask = t->nslot - 1;
    for (size_t i = (size_t)strtab_hash(s) & mask;; i = (i + 1) & mask) {
        if (t->slot[i] == 0) return -1;
        if (strcmp(t->name[t->slot[i] - 1], s) == 0) return (int64_t)t->slot[i] - 1;
    }
}

/* Appends s (known to be absent) and returns its index, or -1 when out of memory. */
static int64_t strtab_add(strtab *t, const char *s)
{
    if (2 * (t->n + 1) > t->nslot) {
        size_t nslot = t->nslot ? 2 * t->nslot : 64;
        uint32_t *slot = calloc(nslot, sizeof *slot);
        if (!slot) return -1;
        for (size_t j = 0; j < t->n; j++) {
            size_t i = (size_t)strtab_hash(t->name[j]) & (nslot - 1);
            while (slot[i] != 0) i = (i + 1) & (nslot - 1);
            slot[i] = (uint32_t)j + 1;
        }
        free(t->slot);
        t->slot = slot;
        t->nslot = nslot;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **grown = realloc(t->name, cap * sizeof *grown);
        if (!grown) return -1;
        t->name = grown;
        t->cap = cap;
    }
    char *copy = strdup(s);
    if (!copy) return -1;
    size_t mask = t->nslot - 1;
    size_t i = (size_t)strtab_hash(s) & mask;
    while (t->slot[i] != 0) i = (i + 1) & mask;
    t->name[t->n] = copy;
    t->slot[i] = (uint32_t)t->n + 1;
    return (int64_t)t->n++;
}

/* Hands the names over to the caller (as an exactly sized array) and frees the index. */
static char **strtab_names_take(strtab *t)
{
    free(t->slot);
    t->slot = NULL;
    t->nslot = 0;
    char **names = t->name;
    if (t->n > 0 && t->n < t->cap) {
        char **shrunk = realloc(names, t->n * sizeof *shrunk);
        if (shrunk) names = shrunk;
    }
    t->name = NULL;
    t->n = t->cap = 0;
    return names;
}

static void strtab_fini(strtab *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->name[i]);
    free(t->name);
    free(t->slot);
}

/* ------------------------------------------------------------------------ */
/* The loader.                                                               */

typedef struct loader {
    const char *path;
    diag *d;
    int line;             /* current line, 1-based */
    size_t n_err;         /* errors this loader recorded */
    bool stop;            /* too many errors, a bad header or out of memory */
    bool oom;
    net_impl *gi;         /* the net under construction */
    size_t cap_nodes, cap_edges;
    idmap ids;
    strtab classes;
    double (*class_speed)[NET_MODES]; /* [classes.cap_speed] */
    size_t cap_class_speed;
    strtab zones;
    bool origin_seen;     /* an origin record was read (even a bad one) */
} loader;

static void load_error(loader *ld, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records one error at the current line; after NET_MAX_ERRORS, says so once and stops. */
static void load_error(loader *ld, const char *field, const char *fmt, ...)
{
    if (ld->n_err >= NET_MAX_ERRORS) return;
    va_list ap;
    va_start(ap, fmt);
    diag_verror(ld->d, ld->path, ld->line, field, fmt, ap);
    va_end(ap);
    if (++ld->n_err == NET_MAX_ERRORS) {
        diag_error(ld->d, ld->path, ld->line, NULL,
                   "too many errors (%d); stopped reading here", NET_MAX_ERRORS);
        ld->stop = true;
    }
}

static void load_oom(loader *ld)
{
    if (!ld->oom) diag_error(ld->d, ld->path, ld->line, NULL, "out of memory reading the network");
    ld->oom = true;
    ld->stop = true;
    ld->n_err++;
}

/* Parses a finite double. On failure records why under `field` and returns false. */
static bool load_double(loader *ld, const char *field, const char *tok, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(tok, &end);
    if (end == tok || *end != '\0') {
        load_error(ld, field, "not a number: '%.40s'", tok);
        return false;
    }
    if (!isfinite(v)) {
        load_error(ld, field, "must be a finite number (got '%.40s')", tok);
        return false;
    }
    *out = v;
    return true;
}

/* Parses a node id: a decimal integer that fits in 64 bits. */
static bool load_id(loader *ld, const char *field, const char *tok, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(tok, &end, 10);
    if (end == tok || *end != '\0') {
        load_error(ld, field, "node ids are integers (got '%.40s')", tok);
        return false;
    }
    if (errno == ERANGE) {
        load_error(ld, field, "node id out of the 64-bit range (got '%.40s')", tok);
        return false;
    }
    *out = (int64_t)v;
    return true;
}

/* Parses a speed: 0 (the mode cannot use the edge) or in [NET_MIN_SPEED_MPS,
 * NET_MAX_SPEED_MPS]. A tiny positive speed would make travel times overflow to infinity. */
static bool load_speed(loader *ld, const char *field, const char *tok, double *out)
{
    if (!load_double(ld, field, tok, out)) return false;
    if (*out < 0 || *out > NET_MAX_SPEED_MPS) {
        load_error(ld, field, "must be in [0, %g] m/s (got %g)", NET_MAX_SPEED_MPS, *out);
        return false;
    }
    if (*out > 0 && *out < NET_MIN_SPEED_MPS) {
        load_error(ld, field, "must be 0 (not usable) or at least %g m/s (got %g)",
                   NET_MIN_SPEED_MPS, *out);
        return false;
    }
    return true;
}

/* Makes a field name like "road.length_m" in buf. */
static const char *load_field(char *buf, size_t size, const char *kind, const char *name)
{
    snprintf(buf, size, "%s.%s", kind, name);
    return buf;
}

/* class <name> <vehicle_mps> <foot_mps> */
static void load_class(loader *ld, char **tok, int ntok)
{
    if (ntok != 4) {
        load_error(ld, "class", "expected <name> <vehicle_mps> <foot_mps> (got %d field%s)",
                   ntok - 1, ntok == 2 ? "" : "s");
        return;
    }
    double speed[NET_MODES] = {0, 0};
    bool ok_v = load_speed(ld, "class.vehicle_mps", tok[2], &speed[NET_VEHICLE]);
    bool ok_f = load_speed(ld, "class.foot_mps", tok[3], &speed[NET_FOOT]);
    if (ok_v && ok_f && speed[NET_VEHICLE] == 0 && speed[NET_FOOT] == 0)
        load_error(ld, "class", "class '%.40s' is usable by no mode (both speeds are 0)", tok[1]);
    if (strtab_find(&ld->classes, tok[1]) >= 0) {
        load_error(ld, "class.name", "class '%.40s' is already defined", tok[1]);
        return;
    }
    if (ld->classes.n >= NET_MAX_CLASSES) {
        load_error(ld, "class.name", "more than %d classes", NET_MAX_CLASSES);
        return;
    }
    /* The class is registered even when a speed was bad, so that the roads using
     * it do not each report an "unknown class" echo of this one error. */
    int64_t c = strtab_add(&ld->classes, tok[1]);
    if (c < 0) {
        load_oom(ld);
        return;
    }
    if ((size_t)c >= ld->cap_class_speed) {
        size_t cap = ld->cap_class_speed ? 2 * ld->cap_class_speed : 16;
        double(*grown)[NET_MODES] = realloc(ld->class_speed, cap * sizeof *grown);
        if (!grown) {
            load_oom(ld);
            return;
        }
        ld->class_speed = grown;
        ld->cap_class_speed = cap;
    }
    ld->class_speed[c][NET_VEHICLE] = speed[NET_VEHICLE];
    ld->class_speed[c][NET_FOOT] = speed[NET_FOOT];
}

/* origin <lon_deg> <lat_deg>: at most once, anywhere in the file. */
static void load_origin(loader *ld, char **tok, int ntok)
{
    if (ntok != 3) {
        load_error(ld, "origin", "expected <lon_deg> <lat_deg> (got %d field%s)", ntok - 1,
                   ntok == 2 ? "" : "s");
        return;
    }
    double lon, lat;
    bool ok_lon = load_double(ld, "origin.lon_deg", tok[1], &lon);
    bool ok_lat = load_double(ld, "origin.lat_deg", tok[2], &lat);
    if (ok_lon && !(fabs(lon) <= 180)) {
        load_error(ld, "origin.lon_deg", "must be in [-180, 180] degrees (got %g)", lon);
        ok_lon = false;
    }
    if (ok_lat && !(fabs(lat) <= 85)) {
        load_error(ld, "origin.lat_deg", "must be in [-85, 85] degrees (got %g)", lat);
        ok_lat = false;
    }
    net *g = &ld->gi->pub;
    if (ld->origin_seen) {
        load_error(ld, "origin", "the origin is already given (at most one origin record)");
        return;
    }
    ld->origin_seen = true;
    if (ok_lon && ok_lat) {
        g->origin_lon_deg = lon;
        g->origin_lat_deg = lat;
    }
}

/* node <id> <x_m> <y_m> [<zone>] */
static void load_node(loader *ld, char **tok, int ntok)
{
    if (ntok != 4 && ntok != 5) {
        load_error(ld, "node", "expected <id> <x_m> <y_m> [<zone>] (got %d field%s)", ntok - 1,
                   ntok == 2 ? "" : "s");
        return;
    }
    int64_t id;
    bool ok_id = load_id(ld, "node.id", tok[1], &id);
    double xy[2];
    bool ok_xy = true;
    for (int k = 0; k < 2; k++) {
        const char *field = k == 0 ? "node.x_m" : "node.y_m";
        if (!load_double(ld, field, tok[2 + k], &xy[k])) {
            ok_xy = false;
        } else if (fabs(xy[k]) > NET_MAX_COORD_M) {
            load_error(ld, field, "|coordinate| must be <= %g m (got %g): coordinates are "
                       "planar metres, not degrees or millimetres", NET_MAX_COORD_M, xy[k]);
            ok_xy = false;
        }
    }
    if (!ok_id) return;
    int64_t prev = idmap_get(&ld->ids, id);
    if (prev >= 0) {
        load_error(ld, "node.id", "node %lld is already defined", (long long)id);
        return;
    }
    net *g = &ld->gi->pub;
    if (g->n_nodes == ld->cap_nodes) {
        size_t cap = ld->cap_nodes ? 2 * ld->cap_nodes : 1024;
        net_node *grown = realloc(g->nodes, cap * sizeof *grown);
        if (!grown) {
            load_oom(ld);
            return;
        }
        g->nodes = grown;
        ld->cap_nodes = cap;
    }
    int32_t zone = -1;
    if (ntok == 5) {
        int64_t z = strtab_find(&ld->zones, tok[4]);
        if (z < 0) z = strtab_add(&ld->zones, tok[4]);
        if (z < 0) {
            load_oom(ld);
            return;
        }
        zone = (int32_t)z;
    }
    /* A node with a bad coordinate is still defined (with NaN coordinates, which
     * switch off the straight-line check) so its roads do not report it missing. */
    net_node *nd = &g->nodes[g->n_nodes];
    nd->id = id;
    nd->x_m = ok_xy ? xy[0] : NAN;
    nd->y_m = ok_xy ? xy[1] : NAN;
    nd->zone = zone;
    if (idmap_put(&ld->ids, id, (uint32_t)g->n_nodes) < 0) {
        load_oom(ld);
        return;
    }
    g->n_nodes++;
}

static int load_edge_add(loader *ld, uint32_t from, uint32_t to, double length_m, uint16_t cls,
                         const double speed[NET_MODES])
{
    net *g = &ld->gi->pub;
    if (g->n_edges == ld->cap_edges) {
        size_t cap = ld->cap_edges ? 2 * ld->cap_edges : 2048;
        net_edge *grown = realloc(g->edges, cap * sizeof *grown);
        if (!grown) return -1;
        g->edges = grown;
        ld->cap_edges = cap;
    }
    net_edge *e = &g->edges[g->n_edges++];
    e->from = from;
    e->to = to;
    e->length_m = length_m;
    e->cls = cls;
    e->speed_mps[NET_VEHICLE] = speed[NET_VEHICLE];
    e->speed_mps[NET_FOOT] = speed[NET_FOOT];
    return 0;
}

/* road <a> <b> <length_m> <class> [<vehicle_mps> <foot_mps>]   (two-way)
 * edge <from> <to> <length_m> <class> [<vehicle_mps> <foot_mps>]  (one-way) */
static void load_link(loader *ld, char **tok, int ntok, bool two_way)
{
    const char *kind = two_way ? "road" : "edge";
    const char *end_name[2] = {two_way ? "a" : "from", two_way ? "b" : "to"};
    char f[64];
    if (ntok != 5 && ntok != 7) {
        load_error(ld, kind, "expected <%s> <%s> <length_m> <class> [<vehicle_mps> <foot_mps>] "
                   "(got %d field%s)", end_name[0], end_name[1], ntok - 1, ntok == 2 ? "" : "s");
        return;
    }
    bool ok = true;
    int64_t id[2];
    int64_t idx[2] = {-1, -1};
    for (int k = 0; k < 2; k++) {
        const char *field = load_field(f, sizeof f, kind, end_name[k]);
        if (!load_id(ld, field, tok[1 + k], &id[k])) {
            ok = false;
            continue;
        }
        idx[k] = idmap_get(&ld->ids, id[k]);
        if (idx[k] < 0) {
            load_error(ld, field, "node %lld is not defined (nodes must be defined before the "
                       "roads and edges that use them)", (long long)id[k]);
            ok = false;
        }
    }
    if (idx[0] >= 0 && idx[1] >= 0 && id[0] == id[1]) {
        load_error(ld, load_field(f, sizeof f, kind, end_name[1]),
                   "both ends are node %lld (a self-loop)", (long long)id[0]);
        ok = false;
    }
    double length_m = 0;
    const char *lfield = load_field(f, sizeof f, kind, "length_m");
    if (!load_double(ld, lfield, tok[3], &length_m)) {
        ok = false;
    } else if (length_m <= 0) {
        load_error(ld, lfield, "must be > 0 m (got %g)", length_m);
        ok = false;
    } else if (length_m > NET_MAX_LENGTH_M) {
        load_error(ld, lfield, "must be <= %g m (got %g): lengths are metres", NET_MAX_LENGTH_M,
                   length_m);
        ok = false;
    } else if (idx[0] >= 0 && idx[1] >= 0) {
        const net_node *a = &ld->gi->pub.nodes[idx[0]], *b = &ld->gi->pub.nodes[idx[1]];
        double straight_m = hypot(b->x_m - a->x_m, b->y_m - a->y_m);
        if (isfinite(straight_m) && length_m < NET_LENGTH_SLACK * straight_m) {
            load_error(ld, lfield, "%g m is shorter than the straight line from node %lld to "
                       "node %lld (%.1f m): a map error", length_m, (long long)id[0],
                       (long long)id[1], straight_m);
            ok = false;
        }
    }
    int64_t cls = strtab_find(&ld->classes, tok[4]);
    if (cls < 0) {
        load_error(ld, load_field(f, sizeof f, kind, "class"), "unknown class '%.40s' (classes "
                   "must be defined before the roads and edges that use them)", tok[4]);
        ok = false;
    }
    double speed[NET_MODES] = {0, 0};
    if (ntok == 7) {
        bool ok_v = load_speed(ld, load_field(f, sizeof f, kind, "vehicle_mps"), tok[5],
                               &speed[NET_VEHICLE]);
        bool ok_f = load_speed(ld, load_field(f, sizeof f, kind, "foot_mps"), tok[6],
                               &speed[NET_FOOT]);
        if (ok_v && ok_f && speed[NET_VEHICLE] == 0 && speed[NET_FOOT] == 0) {
            load_error(ld, kind, "usable by no mode (both speeds are 0)");
            ok = false;
        }
        ok = ok && ok_v && ok_f;
    } else if (cls >= 0) {
        speed[NET_VEHICLE] = ld->class_speed[cls][NET_VEHICLE];
        speed[NET_FOOT] = ld->class_speed[cls][NET_FOOT];
    }
    if (!ok || ld->n_err > 0) return; /* nothing will be built: skip the memory */
    if (load_edge_add(ld, (uint32_t)idx[0], (uint32_t)idx[1], length_m, (uint16_t)cls, speed) < 0 ||
        (two_way &&
         load_edge_add(ld, (uint32_t)idx[1], (uint32_t)idx[0], length_m, (uint16_t)cls, speed) < 0))
        load_oom(ld);
}

/* Splits line in place into blank-separated tokens, cutting at '#'. Returns the
 * number of tokens (which may exceed max; only the first max are stored). */
static int load_tokens_split(char *line, char **tok, int max)
{
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\v' || *p == '\f')
            p++;
        if (!*p) break;
        char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '\v' &&
               *p != '\f')
            p++;
        if (n < max) tok[n] = start;
        n++;
        if (*p) *p++ = '\0';
    }
    return n;
}

/* Checks the first record. Returns true when the rest of the line should be read
 * as a record (a known record kind without a header: report, but keep checking). */
static bool load_header(loader *ld, char **tok, int ntok)
{
    if (strcmp(tok[0], "patrolsim-network") == 0) {
        if (ntok == 2 && strcmp(tok[1], "1") == 0) return false;
        load_error(ld, "header", "this program reads version %d of the network format "
                   "('patrolsim-network %d'); the file says '%.40s%s%.40s'", NET_FORMAT_VERSION,
                   NET_FORMAT_VERSION, tok[0], ntok > 1 ? " " : "", ntok > 1 ? tok[1] : "");
        ld->stop = true;
        return false;
    }
    load_error(ld, "header", "the first record must be the header 'patrolsim-network %d' "
               "(got '%.40s')", NET_FORMAT_VERSION, tok[0]);
    bool known = strcmp(tok[0], "class") == 0 || strcmp(tok[0], "node") == 0 ||
                 strcmp(tok[0], "road") == 0 || strcmp(tok[0], "edge") == 0;
    /* Anything else is probably not a network file at all: its every line would be an error. */
    if (!known) ld->stop = true;
    return known;
}

/* Reads one line of f into buf[NET_MAX_LINE + 1], without its newline. A longer line is
 * read to its end but only its start is kept (*too_long); a NUL byte is kept out too
 * (*nul), so neither can hide text from the tokenizer. False at the end of the file. Memory
 * stays bounded whatever the file holds (one endless line of binary data). */
static bool load_line(FILE *f, char *buf, bool *too_long, bool *nul)
{
    size_t n = 0;
    int c;
    *too_long = *nul = false;
    while ((c = getc_unlocked(f)) != EOF && c != '\n') {
        if (c == '\0')
            *nul = true;
        else if (n < NET_MAX_LINE)
            buf[n++] = (char)c;
        else
            *too_long = true;
    }
    buf[n] = '\0';
    return c != EOF || n > 0 || *too_long || *nul;
}

/* Reads every record of f into ld. */
static void load_records(loader *ld, FILE *f)
{
    _Static_assert(NET_MAX_LINE < 1 << 20, "the line buffer lives on the stack");
    char buf[NET_MAX_LINE + 1];
    long records = 0;
    bool header_seen = false, too_long, nul;
    char *tok[NET_MAX_TOKENS];
    while (!ld->stop && load_line(f, buf, &too_long, &nul)) {
        if (ld->line < INT32_MAX) ld->line++;
        if (too_long || nul) {
            /* Binary data or another kind of file: before the header, stop at once. */
            load_error(ld, NULL, too_long ? "line longer than %d characters: not a network "
                       "record" : "the line holds a NUL byte: not a network record (binary "
                       "data?)", NET_MAX_LINE);
            if (!header_seen) ld->stop = true;
            header_seen = true;
            continue;
        }
        int ntok = load_tokens_split(buf, tok, NET_MAX_TOKENS);
        if (ntok == 0) continue;
        if (!header_seen) {
            header_seen = true;
            if (!load_header(ld, tok, ntok)) continue;
        }
        if (++records > NET_MAX_RECORDS) {
            load_error(ld, NULL, "more than %ld records: too large for one network file",
                       NET_MAX_RECORDS);
            ld->stop = true;
            break;
        }
        /* Past NET_MAX_TOKENS only the count is known, which is all a record
         * needs to say that it has too many fields. */
        if (strcmp(tok[0], "node") == 0)
            load_node(ld, tok, ntok);
        else if (strcmp(tok[0], "road") == 0)
            load_link(ld, tok, ntok, true);
        else if (strcmp(tok[0], "edge") == 0)
            load_link(ld, tok, ntok, false);
        else if (strcmp(tok[0], "class") == 0)
            load_class(ld, tok, ntok);
        else if (strcmp(tok[0], "origin") == 0)
            load_origin(ld, tok, ntok);
        else
            load_error(ld, NULL, "unknown record '%.40s' (expected class, node, road, edge "
                       "or origin)", tok[0]);
    }
    if (ferror(f)) {
        diag_error(ld->d, ld->path, 0, NULL, "read error: %s", strerror(errno));
        ld->n_err++;
    } else if (!header_seen) {
        diag_error(ld->d, ld->path, 0, "header", "the file has no records: expected the header "
                   "'patrolsim-network %d' and then class, node, road and edge records",
                   NET_FORMAT_VERSION);
        ld->n_err++;
        ld->stop = true;
    }
}

/* Opens path for reading if it is a regular file. A FIFO would block the open (and a device
 * like /dev/zero never ends), so the open does not wait and the type is checked before any
 * read. NULL with the reason in d. */
static FILE *load_open(const char *path, diag *d)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        diag_error(d, path, 0, NULL, "cannot open the network file: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        diag_error(d, path, 0, NULL, "cannot read the network file: %s", strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        diag_error(d, path, 0, NULL, "cannot read the network file: %s",
                   S_ISDIR(st.st_mode) ? "it is a directory"
                                       : "not a regular file (a pipe, socket or device)");
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "r");
    if (!f) {
        diag_error(d, path, 0, NULL, "cannot open the network file: %s", strerror(errno));
        close(fd);
    }
    return f;
}

/* ------------------------------------------------------------------------ */
/* Indexing once the records are sound.                                      */

typedef struct edge_key {
    uint32_t from, to;
    size_t pos; /* file order: the tie-break that keeps parallel edges deterministic */
} edge_key;

static int edge_key_cmp(const void *pa, const void *pb)
{
    const edge_key *a = pa, *b = pb;
    if (a->from != b->from) return a->from < b->from ? -1 : 1;
    if (a->to != b->to) return a->to < b->to ? -1 : 1;
    return (a->pos > b->pos) - (a->pos < b->pos);
}

typedef struct id_pair {
    int64_t id;
    uint32_t idx;
} id_pair;

static int id_pair_cmp(const void *pa, const void *pb)
{
    const id_pair *a = pa, *b = pb;
    return (a->id > b->id) - (a->id < b->id);
}

/* Sorts the edges by (from, to, file order) and builds both CSR indices. */
static int net_index_build(net_impl *gi)
{
    net *g = &gi->pub;
    size_t n = g->n_nodes, m = g->n_edges;
    if (m > 0) {
        edge_key *key = malloc(m * sizeof *key);
        net_edge *sorted = malloc(m * sizeof *sorted);
        if (!key || !sorted) {
            free(key);
            free(sorted);
            return -1;
        }
        for (size_t i = 0; i < m; i++)
            key[i] = (edge_key){g->edges[i].from, g->edges[i].to, i};
        qsort(key, m, sizeof *key, edge_key_cmp);
        for (size_t i = 0; i < m; i++) sorted[i] = g->edges[key[i].pos];
        free(key);
        free(g->edges);
        g->edges = sorted;
    } else {
        free(g->edges);
        g->edges = NULL;
    }
    g->out_start = calloc(n + 1, sizeof *g->out_start);
    g->in_start = calloc(n + 1, sizeof *g->in_start);
    g->out_edge = malloc((m ? m : 1) * sizeof *g->out_edge);
    g->in_edge = malloc((m ? m : 1) * sizeof *g->in_edge);
    if (!g->out_start || !g->in_start || !g->out_edge || !g->in_edge) return -1;
    for (size_t i = 0; i < m; i++) {
        g->out_start[g->edges[i].from + 1]++;
        g->in_start[g->edges[i].to + 1]++;
    }
    for (size_t v = 0; v < n; v++) {
        g->out_start[v + 1] += g->out_start[v];
        g->in_start[v + 1] += g->in_start[v];
    }
    /* Edges are sorted by from, so the out-list is the identity; filling the
     * in-lists in edge order leaves each sorted by (from, to) too. */
    uint32_t *fill = malloc((n ? n : 1) * sizeof *fill);
    if (!fill) return -1;
    memcpy(fill, g->in_start, n * sizeof *fill);
    for (size_t i = 0; i < m; i++) {
        g->out_edge[i] = (uint32_t)i;
        g->in_edge[fill[g->edges[i].to]++] = (uint32_t)i;
    }
    free(fill);

    gi->sorted_id = malloc(n * sizeof *gi->sorted_id);
    gi->sorted_idx = malloc(n * sizeof *gi->sorted_idx);
    id_pair *pair = malloc(n * sizeof *pair);
    if (!gi->sorted_id || !gi->sorted_idx || !pair) {
        free(pair);
        return -1;
    }
    for (size_t v = 0; v < n; v++) pair[v] = (id_pair){g->nodes[v].id, (uint32_t)v};
    qsort(pair, n, sizeof *pair, id_pair_cmp);
    for (size_t v = 0; v < n; v++) {
        gi->sorted_id[v] = pair[v].id;
        gi->sorted_idx[v] = pair[v].idx;
    }
    free(pair);

    g->min_x_m = g->max_x_m = g->nodes[0].x_m;
    g->min_y_m = g->max_y_m = g->nodes[0].y_m;
    for (size_t v = 1; v < n; v++) {
        const net_node *nd = &g->nodes[v];
        if (nd->x_m < g->min_x_m) g->min_x_m = nd->x_m;
        if (nd->x_m > g->max_x_m) g->max_x_m = nd->x_m;
        if (nd->y_m < g->min_y_m) g->min_y_m = nd->y_m;
        if (nd->y_m > g->max_y_m) g->max_y_m = nd->y_m;
    }
    return 0;
}

/* Labels the strongly connected components of the mode-m subgraph (edges with
 * speed > 0) into comp[n]; returns their number, or -1 when out of memory.
 * Iterative Tarjan: `call` is the explicit DFS stack, `iter[v]` the next
 * out-edge position of v to look at. */
static long net_scc_label(const net *g, net_mode m, uint32_t *comp)
{
    const uint32_t none = UINT32_MAX;
    size_t n = g->n_nodes;
    uint32_t *index = malloc(n * sizeof *index);
    uint32_t *low = malloc(n * sizeof *low);
    uint32_t *iter = malloc(n * sizeof *iter);
    uint32_t *stack = malloc(n * sizeof *stack);
    uint32_t *call = malloc(n * sizeof *call);
    if (!index || !low || !iter || !stack || !call) {
        free(index);
        free(low);
        free(iter);
        free(stack);
        free(call);
        return -1;
    }
    for (size_t v = 0; v < n; v++) {
        index[v] = none;
        comp[v] = none;
        iter[v] = g->out_start[v];
    }
    uint32_t counter = 0, n_comp = 0;
    size_t sp = 0, cp = 0;
    for (size_t s = 0; s < n; s++) {
        if (index[s] != none) continue;
        index[s] = low[s] = counter++;
        stack[sp++] = (uint32_t)s;
        call[cp++] = (uint32_t)s;
        while (cp > 0) {
            uint32_t v = call[cp - 1];
            if (iter[v] < g->out_start[v + 1]) {
                const net_edge *e = &g->edges[g->out_edge[iter[v]++]];
                if (!(e->speed_mps[m] > 0)) continue;
                uint32_t w = e->to;
                if (index[w] == none) {
                    index[w] = low[w] = counter++;
                    stack[sp++] = w;
                    call[cp++] = w;
                } else if (comp[w] == none && index[w] < low[v]) {
                    /* w is still on the Tarjan stack: it has an index but no component. */
                    low[v] = index[w];
                }
                continue;
            }
            cp--;
            if (low[v] == index[v]) {
                uint32_t w;
                do {
                    w = stack[--sp];
                    comp[w] = n_comp;
                } while (w != v);
                n_comp++;
            }
            if (cp > 0) {
                uint32_t u = call[cp - 1];
                if (low[v] < low[u]) low[u] = low[v];
            }
        }
    }
    free(index);
    free(low);
    free(iter);
    free(stack);
    free(call);
    return (long)n_comp;
}

/* Reports, per mode, the nodes outside the largest strongly connected part.
 * Returns the number of modes that failed, or -1 when out of memory. */
static int net_connectivity_check(const net *g, diag *d)
{
    size_t n = g->n_nodes;
    uint32_t *comp = malloc(n * sizeof *comp);
    if (!comp) return -1;
    int failed = 0;
    for (int m = 0; m < NET_MODES; m++) {
        long n_comp = net_scc_label(g, (net_mode)m, comp);
        if (n_comp < 0) {
            free(comp);
            return -1;
        }
        if (n_comp <= 1) continue;
        size_t *size = calloc((size_t)n_comp, sizeof *size);
        if (!size) {
            free(comp);
            return -1;
        }
        for (size_t v = 0; v < n; v++) size[comp[v]]++;
        /* The main part is the largest; among equals, the one holding the earliest node. */
        uint32_t main_c = comp[0];
        for (size_t v = 1; v < n; v++)
            if (size[comp[v]] > size[main_c]) main_c = comp[v];
        char list[NET_LIST_IDS * 24 + 16];
        size_t len = 0, shown = 0;
        list[0] = '\0';
        for (size_t v = 0; v < n && shown < NET_LIST_IDS; v++) {
            if (comp[v] == main_c) continue;
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%lld", shown ? ", " : "",
                                    (long long)g->nodes[v].id);
            shown++;
        }
        size_t outside = n - size[main_c];
        if (outside > shown) snprintf(list + len, sizeof list - len, ", ...");
        diag_error(d, g->path, 0, net_mode_name((net_mode)m),
                   "%zu node%s cannot be reached from (or cannot reach) the rest; first: %s "
                   "(%ld strongly connected parts; the largest has %zu of %zu nodes)",
                   outside, outside == 1 ? "" : "s", list, n_comp, size[main_c], n);
        free(size);
        failed++;
    }
    free(comp);
    return failed;
}

/* ------------------------------------------------------------------------ */
/* Public functions.                                                         */

net *net_load(const char *path, diag *d)
{
    loader ld = {.path = path, .d = d};
    FILE *f = NULL;
    ld.gi = calloc(1, sizeof *ld.gi);
    if (!ld.gi) goto oom;
    net *g = &ld.gi->pub;
    g->path = strdup(path);
    if (!g->path) goto oom;
    g->origin_lon_deg = g->origin_lat_deg = NAN;
    f = load_open(path, d);
    if (!f) goto fail;
    load_records(&ld, f);
    fclose(f);
    f = NULL;
    if (ld.oom) goto fail;
    if (g->n_nodes == 0 && !ld.stop) {
        diag_error(d, path, 0, NULL, "the network is empty: it has no nodes");
        ld.n_err++;
    }
    if (ld.n_err > 0) goto fail;

    g->n_classes = ld.classes.n;
    g->class_names = strtab_names_take(&ld.classes);
    g->n_zones = ld.zones.n;
    g->zone_names = strtab_names_take(&ld.zones);
    if (g->n_nodes < ld.cap_nodes) {
        net_node *shrunk = realloc(g->nodes, g->n_nodes * sizeof *shrunk);
        if (shrunk) g->nodes = shrunk;
    }
    if (net_index_build(ld.gi) < 0) goto oom;
    int bad = net_connectivity_check(g, d);
    if (bad < 0) goto oom;
    if (bad > 0) goto fail;

    idmap_fini(&ld.ids);
    strtab_fini(&ld.classes);
    strtab_fini(&ld.zones);
    free(ld.class_speed);
    return g;

oom:
    diag_error(d, path, 0, NULL, "out of memory loading the network");
fail:
    if (f) fclose(f);
    idmap_fini(&ld.ids);
    strtab_fini(&ld.classes);
    strtab_fini(&ld.zones);
    free(ld.class_speed);
    net_destroy(ld.gi ? &ld.gi->pub : NULL);
    return NULL;
}

void net_destroy(net *g)
{
    if (!g) return;
    net_impl *gi = (net_impl *)g;
    free(g->path);
    free(g->nodes);
    free(g->edges);
    free(g->out_start);
    free(g->out_edge);
    free(g->in_start);
    free(g->in_edge);
    for (size_t i = 0; i < g->n_classes; i++) free(g->class_names[i]);
    free(g->class_names);
    for (size_t i = 0; i < g->n_zones; i++) free(g->zone_names[i]);
    free(g->zone_names);
    free(gi->sorted_id);
    free(gi->sorted_idx);
    free(gi);
}

int32_t net_node_index(const net *g, int64_t id)
{
    const net_impl *gi = (const net_impl *)g;
    size_t lo = 0, hi = g->n_nodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (gi->sorted_id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < g->n_nodes && gi->sorted_id[lo] == id) return (int32_t)gi->sorted_idx[lo];
    return -1;
}

uint32_t net_nearest_node(const net *g, double x_m, double y_m)
{
    /* Squared distances avoid a sqrt per node; ties go to the earliest node. */
    uint32_t best = 0;
    double best_d2 = INFINITY;
    for (size_t v = 0; v < g->n_nodes; v++) {
        double dx = g->nodes[v].x_m - x_m, dy = g->nodes[v].y_m - y_m;
        double d2 = dx * dx + dy * dy;
        if (d2 < best_d2) {
            best_d2 = d2;
            best = (uint32_t)v;
        }
    }
    return best;
}

int32_t net_zone_index(const net *g, const char *name)
{
    for (size_t i = 0; i < g->n_zones; i++)
        if (strcmp(g->zone_names[i], name) == 0) return (int32_t)i;
    return -1;
}

const char *net_mode_name(net_mode m)
{
    switch (m) {
    case NET_VEHICLE: return "vehicle";
    case NET_FOOT: return "foot";
    default: return "?";
    }
}

int net_mode_parse(const char *s)
{
    if (!s) return -1;
    if (strcmp(s, "vehicle") == 0) return NET_VEHICLE;
    if (strcmp(s, "foot") == 0) return NET_FOOT;
    return -1;
}
