/* geojson.c - a small JSON reader and the zone polygons of a GeoJSON file. See geojson.h.
 *
 * The JSON text is parsed into a tree of values, each with the line it starts
 * on, then walked: the walker, not the parser, knows what a feature must hold,
 * so it reports with paths ("features.[2].geometry.coordinates"). The parser
 * stops at its first syntax error (what follows a syntax error is noise); the
 * walker reports every problem it finds.
 */
#include "geojson.h"
#include "rfile.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GJ_MAX_DEPTH  64
#define GJ_MAX_BYTES  (256L * 1024 * 1024)
#define GJ_MAX_ERRORS 100

typedef enum gj_kind { GJ_NULL, GJ_BOOL, GJ_NUM, GJ_STR, GJ_ARR, GJ_OBJ } gj_kind;

typedef struct gj_value {
    gj_kind kind;
    int line;
    double num;            /* GJ_NUM, GJ_BOOL (0 or 1) */
    char *str;             /* GJ_STR */
    size_t n;              /* GJ_ARR, GJ_OBJ: elements */
    struct gj_value *item; /* [n] */
    char **key;            /* [n] GJ_OBJ */
} gj_value;

typedef struct gj_parser {
    const char *s, *end;
    int line;
    const char *path;
    diag *d;
    bool failed;
    bool oom;
} gj_parser;

static void gj_value_fini(gj_value *v)
{
    if (v->kind == GJ_STR) free(v->str);
    if (v->kind == GJ_ARR || v->kind == GJ_OBJ) {
        for (size_t i = 0; i < v->n; i++) {
            gj_value_fini(&v->item[i]);
            if (v->key) free(v->key[i]);
        }
        free(v->item);
        free(v->key);
    }
    memset(v, 0, sizeof *v);
}

static void gj_syntax(gj_parser *p, const char *fmt, const char *what)
{
    if (p->failed) return;
    p->failed = true;
    diag_error(p->d, p->path, p->line, "JSON", fmt, what);
}

static void gj_skip_ws(gj_parser *p)
{
    while (p->s < p->end) {
        char c = *p->s;
        if (c == '\n') {
            p->line++;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
        p->s++;
    }
}

/* Appends the UTF-8 encoding of cp to buf. */
static size_t gj_utf8(char *buf, unsigned long cp)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool gj_hex4(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned long)(c - 'A' + 10);
        else
            return false;
    }
    *out = v;
    return true;
}

/* A string, the opening quote at p->s. */
static char *gj_string(gj_parser *p)
{
    p->s++;
    const char *start = p->s;
    /* The decoded text is never longer than the source. */
    const char *q = start;
    while (q < p->end && *q != '"')
        q += (*q == '\\' && q + 1 < p->end) ? 2 : 1;
    if (q >= p->end) {
        gj_syntax(p, "%s", "unterminated string");
        return NULL;
    }
    char *out = malloc((size_t)(q - start) + 1), *o = out;
    if (!out) {
        p->oom = p->failed = true;
        return NULL;
    }
    while (p->s < q) {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20) {
            gj_syntax(p, "%s", "control character in a string (escape it)");
            free(out);
            return NULL;
        }
        if (c != '\\') {
            *o++ = (char)c;
            p->s++;
            continue;
        }
        char e = p->s[1];
        p->s += 2;
        switch (e) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '/':
            *o++ = '/';
            break;
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u': {
            unsigned long cp, lo;
            if (q - p->s < 4 || !gj_hex4(p->s, &cp)) {
                gj_syntax(p, "%s", "bad \\u escape");
                free(out);
                return NULL;
            }
            p->s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && q - p->s >= 6 && p->s[0] == '\\' &&
                p->s[1] == 'u' && gj_hex4(p->s + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p->s += 6;
            }
            /* Six source bytes make at most four: there is room. */
            o += gj_utf8(o, cp);
            break;
        }
        default:
            gj_syntax(p, "bad escape '\\%s' in a string", (char[]){e, 0});
            free(out);
            return NULL;
        }
    }
    *o = '\0';
    p->s = q + 1;
    return out;
}

static bool gj_parse_value(gj_parser *p, gj_value *v, int depth);

static bool gj_push(gj_value *v, size_t *cap, gj_value *item, char *key)
{
    if (v->n == *cap) {
        size_t c = *cap ? 2 * *cap : 4;
        gj_value *grown = realloc(v->item, c * sizeof *grown);
        if (!grown) return false;
        v->item = grown;
        if (v->kind == GJ_OBJ) {
            char **gk = realloc(v->key, c * sizeof *gk);
            if (!gk) return false;
            v->key = gk;
        }
        *cap = c;
    }
    v->item[v->n] = *item;
    if (v->kind == GJ_OBJ) v->key[v->n] = key;
    v->n++;
    return true;
}

static bool gj_parse_value(gj_parser *p, gj_value *v, int depth)
{
    memset(v, 0, sizeof *v);
    gj_skip_ws(p);
    v->line = p->line;
    if (p->s >= p->end) {
        gj_syntax(p, "%s", "unexpected end of the file");
        return false;
    }
    if (depth > GJ_MAX_DEPTH) {
        gj_syntax(p, "%s", "nested too deeply");
        return false;
    }
    char c = *p->s;
    if (c == '{' || c == '[') {
        bool obj = c == '{';
        char close = obj ? '}' : ']';
        v->kind = obj ? GJ_OBJ : GJ_ARR;
        size_t cap = 0;
        p->s++;
        gj_skip_ws(p);
        if (p->s < p->end && *p->s == close) {
            p->s++;
            return true;
        }
        for (;;) {
            char *key = NULL;
            if (obj) {
                gj_skip_ws(p);
                if (p->s >= p->end || *p->s != '"') {
                    gj_syntax(p, "%s", "expected a key in quotes");
                    return false;
                }
                key = gj_string(p);
                if (!key) return false;
                gj_skip_ws(p);
                if (p->s >= p->end || *p->s != ':') {
                    free(key);
                    gj_syntax(p, "%s", "expected ':' after a key");
                    return false;
                }
                p->s++;
            }
            gj_value item;
            if (!gj_parse_value(p, &item, depth + 1)) {
                free(key);
                gj_value_fini(&item);
                return false;
            }
            if (!gj_push(v, &cap, &item, key)) {
                free(key);
                gj_value_fini(&item);
                p->oom = p->failed = true;
                return false;
            }
            gj_skip_ws(p);
            if (p->s < p->end && *p->s == ',') {
                p->s++;
                continue;
            }
            if (p->s < p->end && *p->s == close) {
                p->s++;
                return true;
            }
            gj_syntax(p, "%s", obj ? "expected ',' or '}'" : "expected ',' or ']'");
            return false;
        }
    }
    if (c == '"') {
        v->kind = GJ_STR;
        v->str = gj_string(p);
        return v->str != NULL;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char buf[64];
        size_t len = 0;
        while (p->s + len < p->end && len < sizeof buf - 1 && strchr("+-0123456789.eE", p->s[len]))
            len++;
        memcpy(buf, p->s, len);
        buf[len] = '\0';
        char *end;
        errno = 0;
        v->num = strtod(buf, &end);
        if (end != buf + len || !isfinite(v->num)) {
            gj_syntax(p, "bad number '%s'", buf);
            return false;
        }
        v->kind = GJ_NUM;
        p->s += len;
        return true;
    }
    const char *words[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t len = strlen(words[k]);
        if ((size_t)(p->end - p->s) >= len && strncmp(p->s, words[k], len) == 0) {
            v->kind = k < 2 ? GJ_BOOL : GJ_NULL;
            v->num = k == 0;
            p->s += len;
            return true;
        }
    }
    gj_syntax(p, "unexpected character '%s'", (char[]){c, 0});
    return false;
}

static const gj_value *gj_get(const gj_value *obj, const char *key)
{
    if (!obj || obj->kind != GJ_OBJ) return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->key[i], key) == 0) return &obj->item[i];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* The walk.                                                                 */

typedef struct gj_walk {
    const char *path;
    diag *d;
    const geo_proj *proj;
    geojson_zones *z;
    const char *prop; /* the property that names a feature's zone */
    size_t n_err;
    bool oom;
} gj_walk;

static void gj_error(gj_walk *w, int line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void gj_error(gj_walk *w, int line, const char *field, const char *fmt, ...)
{
    if (w->n_err++ >= GJ_MAX_ERRORS) return;
    va_list ap;
    va_start(ap, fmt);
    diag_verror(w->d, w->path, line, field, fmt, ap);
    va_end(ap);
}

static const char *gj_kind_name(gj_kind k)
{
    static const char *const names[] = {"null",     "a boolean", "a number",
                                        "a string", "an array",  "an object"};
    return names[k];
}

/* Appends the ring (an array of [lon, lat] positions) to f. */
static bool gj_ring(gj_walk *w, const gj_value *ring, const char *field, geojson_feature *f,
                    size_t *cap)
{
    if (ring->kind != GJ_ARR || ring->n < 4) {
        gj_error(w, ring->line, field,
                 "a ring is an array of at least 4 positions, the last "
                 "equal to the first (got %s%s)",
                 gj_kind_name(ring->kind), ring->kind == GJ_ARR ? " that is too short" : "");
        return false;
    }
    bool ok = true;
    size_t start = f->ring_start[f->n_rings];
    for (size_t i = 0; i < ring->n; i++) {
        const gj_value *pos = &ring->item[i];
        char sub[200];
        snprintf(sub, sizeof sub, "%.170s.[%zu]", field, i);
        if (pos->kind != GJ_ARR || pos->n < 2 || pos->item[0].kind != GJ_NUM ||
            pos->item[1].kind != GJ_NUM) {
            gj_error(w, pos->line, sub, "a position is [lon, lat] in degrees");
            ok = false;
            continue;
        }
        double lon = pos->item[0].num, lat = pos->item[1].num;
        if (!geo_lonlat_is_valid(lon, lat)) {
            gj_error(w, pos->line, sub,
                     "not a longitude and latitude in degrees: [%g, %g] "
                     "(GeoJSON is WGS84 [lon, lat], longitude first)",
                     lon, lat);
            ok = false;
            continue;
        }
        if (!ok) continue;
        size_t k = start + i;
        if (k >= *cap) {
            size_t c = *cap ? 2 * *cap : 64;
            while (c <= k)
                c *= 2;
            double *gx = realloc(f->x_m, c * sizeof *gx);
            if (!gx) {
                w->oom = true;
                return false;
            }
            f->x_m = gx;
            double *gy = realloc(f->y_m, c * sizeof *gy);
            if (!gy) {
                w->oom = true;
                return false;
            }
            f->y_m = gy;
            *cap = c;
        }
        geo_proj_forward(w->proj, lon, lat, &f->x_m[k], &f->y_m[k]);
        f->min_x_m = fmin(f->min_x_m, f->x_m[k]);
        f->max_x_m = fmax(f->max_x_m, f->x_m[k]);
        f->min_y_m = fmin(f->min_y_m, f->y_m[k]);
        f->max_y_m = fmax(f->max_y_m, f->y_m[k]);
    }
    if (!ok) return false;
    size_t *grown = realloc(f->ring_start, (f->n_rings + 2) * sizeof *grown);
    if (!grown) {
        w->oom = true;
        return false;
    }
    f->ring_start = grown;
    f->n_rings++;
    f->ring_start[f->n_rings] = start + ring->n;
    return true;
}

/* A Polygon's coordinates: an array of rings. */
static bool gj_polygon(gj_walk *w, const gj_value *rings, const char *field, geojson_feature *f,
                       size_t *cap)
{
    if (rings->kind != GJ_ARR || rings->n == 0) {
        gj_error(w, rings->line, field, "a polygon is a non-empty array of rings");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < rings->n; i++) {
        char sub[200];
        snprintf(sub, sizeof sub, "%.170s.[%zu]", field, i);
        ok = gj_ring(w, &rings->item[i], sub, f, cap) && ok;
        if (w->oom) return false;
    }
    return ok;
}

static int32_t gj_zone_name(gj_walk *w, const char *name)
{
    geojson_zones *z = w->z;
    for (size_t i = 0; i < z->n_names; i++)
        if (strcmp(z->names[i], name) == 0) return (int32_t)i;
    char **grown = realloc(z->names, (z->n_names + 1) * sizeof *grown);
    if (!grown) return -1;
    z->names = grown;
    if (!(z->names[z->n_names] = strdup(name))) return -1;
    return (int32_t)z->n_names++;
}

static void gj_feature(gj_walk *w, const gj_value *feat, const char *field)
{
    char sub[200];
    if (feat->kind != GJ_OBJ) {
        gj_error(w, feat->line, field, "a feature is an object (got %s)", gj_kind_name(feat->kind));
        return;
    }
    const gj_value *props = gj_get(feat, "properties");
    const gj_value *name = gj_get(props, w->prop);
    snprintf(sub, sizeof sub, "%.120s.properties.%.60s", field, w->prop);
    bool ok = true;
    if (!name || name->kind != GJ_STR || name->str[0] == '\0') {
        gj_error(w, props ? props->line : feat->line, sub,
                 "every zone feature needs a non-empty string property '%.60s'%s", w->prop,
                 name ? "" : " (missing)");
        ok = false;
    }
    const gj_value *geom = gj_get(feat, "geometry");
    const gj_value *type = gj_get(geom, "type");
    const gj_value *coords = gj_get(geom, "coordinates");
    snprintf(sub, sizeof sub, "%.170s.geometry", field);
    if (!geom || geom->kind != GJ_OBJ || !type || type->kind != GJ_STR) {
        gj_error(w, geom ? geom->line : feat->line, sub, "missing or not an object with a 'type'");
        return;
    }
    bool multi = strcmp(type->str, "MultiPolygon") == 0;
    if (!multi && strcmp(type->str, "Polygon") != 0) {
        snprintf(sub, sizeof sub, "%.170s.geometry.type", field);
        gj_error(w, type->line, sub, "zones are Polygon or MultiPolygon (got '%.40s')", type->str);
        return;
    }
    snprintf(sub, sizeof sub, "%.170s.geometry.coordinates", field);
    if (!coords) {
        gj_error(w, geom->line, sub, "missing");
        return;
    }
    geojson_feature f = {
        .min_x_m = INFINITY, .min_y_m = INFINITY, .max_x_m = -INFINITY, .max_y_m = -INFINITY};
    f.ring_start = calloc(1, sizeof *f.ring_start);
    if (!f.ring_start) {
        w->oom = true;
        return;
    }
    size_t cap = 0;
    if (!multi) {
        ok = gj_polygon(w, coords, sub, &f, &cap) && ok;
    } else if (coords->kind != GJ_ARR || coords->n == 0) {
        gj_error(w, coords->line, sub, "a MultiPolygon is a non-empty array of polygons");
        ok = false;
    } else {
        for (size_t i = 0; i < coords->n && !w->oom; i++) {
            char sub2[220];
            snprintf(sub2, sizeof sub2, "%.170s.[%zu]", sub, i);
            ok = gj_polygon(w, &coords->item[i], sub2, &f, &cap) && ok;
        }
    }
    if (ok && !w->oom) {
        f.zone = gj_zone_name(w, name->str);
        geojson_feature *grown = realloc(w->z->features, (w->z->n_features + 1) * sizeof *grown);
        if (f.zone >= 0 && grown) {
            w->z->features = grown;
            w->z->features[w->z->n_features++] = f;
            return;
        }
        if (grown) w->z->features = grown;
        w->oom = true;
    }
    free(f.ring_start);
    free(f.x_m);
    free(f.y_m);
}

geojson_zones *geojson_zones_load(const char *path, const geo_proj *proj, diag *d)
{
    return geojson_zones_load_prop(path, proj, "name", d);
}

geojson_zones *geojson_zones_load_prop(const char *path, const geo_proj *proj, const char *prop,
                                       diag *d)
{
    char why[160];
    FILE *fp = rfile_open(path, "rb", why, sizeof why); /* a FIFO would hang an fopen */
    if (!fp) {
        diag_error(d, path, 0, NULL, "cannot open the zones file: %s", why);
        return NULL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            cap = cap ? 2 * cap : 131072;
            char *grown = realloc(text, cap);
            if (!grown) {
                free(text);
                fclose(fp);
                diag_error(d, path, 0, NULL, "out of memory reading the zones file");
                return NULL;
            }
            text = grown;
        }
        size_t n = fread(text + len, 1, 65536, fp);
        len += n;
        if (n < 65536 || (long)len > GJ_MAX_BYTES) break;
    }
    bool read_err = ferror(fp);
    fclose(fp);
    if (read_err || (long)len > GJ_MAX_BYTES) {
        diag_error(d, path, 0, NULL,
                   read_err ? "read error"
                            : "larger than %ld MB: not a zones "
                              "file",
                   GJ_MAX_BYTES >> 20);
        free(text);
        return NULL;
    }
    gj_parser p = {.s = text, .end = text + len, .line = 1, .path = path, .d = d};
    /* A UTF-8 byte order mark is allowed (and ignored). */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p.s += 3;
    gj_value root;
    bool ok = gj_parse_value(&p, &root, 0);
    if (ok) {
        gj_skip_ws(&p);
        if (p.s < p.end) {
            gj_syntax(&p, "%s", "text after the end of the JSON value");
            ok = false;
        }
    }
    free(text);
    if (p.oom) diag_error(d, path, 0, NULL, "out of memory reading the zones file");
    if (!ok) {
        gj_value_fini(&root);
        return NULL;
    }
    geojson_zones *z = calloc(1, sizeof *z);
    gj_walk w = {.path = path, .d = d, .proj = proj, .z = z, .prop = prop};
    if (!z) {
        w.oom = true;
    } else {
        const gj_value *type = gj_get(&root, "type");
        if (!type || type->kind != GJ_STR) {
            gj_error(&w, root.line, "type",
                     "not a GeoJSON object: expected \"type\": "
                     "\"FeatureCollection\" or \"Feature\"");
        } else if (strcmp(type->str, "Feature") == 0) {
            gj_feature(&w, &root, "feature");
        } else if (strcmp(type->str, "FeatureCollection") == 0) {
            const gj_value *feats = gj_get(&root, "features");
            if (!feats || feats->kind != GJ_ARR) {
                gj_error(&w, root.line, "features",
                         "a FeatureCollection needs an array "
                         "'features'");
            } else {
                for (size_t i = 0; i < feats->n && !w.oom; i++) {
                    char field[64];
                    snprintf(field, sizeof field, "features.[%zu]", i);
                    gj_feature(&w, &feats->item[i], field);
                }
                if (w.n_err == 0 && z->n_features == 0)
                    gj_error(&w, feats->line, "features", "no zones: the collection is empty");
            }
        } else {
            gj_error(&w, type->line, "type",
                     "expected \"FeatureCollection\" or \"Feature\" "
                     "(got '%.40s')",
                     type->str);
        }
    }
    gj_value_fini(&root);
    if (w.n_err > GJ_MAX_ERRORS)
        diag_error(d, path, 0, NULL, "%zu more errors not shown", w.n_err - GJ_MAX_ERRORS);
    if (w.oom) diag_error(d, path, 0, NULL, "out of memory reading the zones file");
    if (w.oom || w.n_err > 0) {
        geojson_zones_destroy(z);
        return NULL;
    }
    return z;
}

void geojson_zones_destroy(geojson_zones *z)
{
    if (!z) return;
    for (size_t i = 0; i < z->n_names; i++)
        free(z->names[i]);
    free(z->names);
    for (size_t i = 0; i < z->n_features; i++) {
        free(z->features[i].ring_start);
        free(z->features[i].x_m);
        free(z->features[i].y_m);
    }
    free(z->features);
    free(z);
}

/* Even-odd rule over all rings of f. */
static bool gj_feature_contains(const geojson_feature *f, double x, double y)
{
    if (x < f->min_x_m || x > f->max_x_m || y < f->min_y_m || y > f->max_y_m) return false;
    bool in = false;
    for (size_t r = 0; r < f->n_rings; r++) {
        size_t a = f->ring_start[r], b = f->ring_start[r + 1];
        for (size_t i = a, j = b - 1; i < b; j = i++) {
            double xi = f->x_m[i], yi = f->y_m[i], xj = f->x_m[j], yj = f->y_m[j];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in = !in;
        }
    }
    return in;
}

int32_t geojson_zones_find(const geojson_zones *z, double x_m, double y_m)
{
    for (size_t i = 0; i < z->n_features; i++)
        if (gj_feature_contains(&z->features[i], x_m, y_m)) return z->features[i].zone;
    return -1;
}
