/* history.c - reading call histories. See history.h for the format.
 *
 * The file is read record by record (a quoted field may span lines, so a record
 * is one or more physical lines), split into fields, and each field of a row is
 * checked on its own so that one row can report several problems. Rows are
 * kept only when sound. Dates become day numbers (days_from_civil, proleptic
 * Gregorian, no time zones) and are turned into seconds from day 0 once the
 * earliest date is known, at the end.
 */
#include "history.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "geo.h"
#include "rfile.h"
#include "snap.h"

#define HIST_MAX_ONSCENE_MIN 10080.0 /* a week: anything longer is a unit mistake */
#define HIST_MAX_FIELDS      256

enum {
    COL_TIME,
    COL_TYPE,
    COL_NODE,
    COL_X,
    COL_Y,
    COL_LON,
    COL_LAT,
    COL_PRIORITY,
    COL_ONSCENE,
    COL_N
};
static const char *const hist_col_names[COL_N] = {"time", "type", "node",     "x_m",        "y_m",
                                                  "lon",  "lat",  "priority", "onscene_min"};

void history_opts_init(history_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_snap_m = 250;
    o->max_errors = 100;
}

/* Days from 1970-01-01 of a Gregorian date (H. Hinnant's days_from_civil). */
static long hist_days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void hist_civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int history_weekday(int year, int month, int day)
{
    long z = hist_days_from_civil(year, month, day);
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    long w = (z + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

typedef struct hreader {
    const char *path;
    diag *d;
    const history_opts *o;
    size_t n_err;
    int line;       /* the line where the current record starts */
    int col[COL_N]; /* field index of each known column, -1 absent */
    int n_cols;
    int time_kind; /* 0 unknown, 1 ISO, 2 seconds */
    int time_kind_line;
    bool lonlat_reported; /* "needs an origin" said once */
} hreader;

static void hist_error(hreader *r, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void hist_error(hreader *r, const char *column, const char *fmt, ...)
{
    r->n_err++;
    if (r->n_err > r->o->max_errors) return;
    va_list ap;
    va_start(ap, fmt);
    diag_verror(r->d, r->path, r->line, column, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* CSV records.                                                              */

/* Reads one record into *buf (lines joined while a quote is open). Returns false
 * at the end of the file. *lines receives the number of physical lines. */
static bool csv_record_read(FILE *f, char **buf, size_t *cap, int *lines, bool *unterminated)
{
    size_t len = 0;
    bool quoted = false;
    *lines = 0;
    *unterminated = false;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t n;
    while ((n = getline(&line, &lcap, f)) >= 0) {
        (*lines)++;
        if (len + (size_t)n + 1 > *cap) {
            size_t c = (*cap ? *cap : 256);
            while (c < len + (size_t)n + 1)
                c *= 2;
            char *grown = realloc(*buf, c);
            if (!grown) {
                free(line);
                return false;
            }
            *buf = grown;
            *cap = c;
        }
        memcpy(*buf + len, line, (size_t)n);
        len += (size_t)n;
        (*buf)[len] = '\0';
        for (ssize_t i = 0; i < n; i++)
            if (line[i] == '"') quoted = !quoted;
        if (!quoted) break;
    }
    free(line);
    if (*lines == 0) return false;
    if (quoted) *unterminated = true;
    /* Strip the record's line end. */
    while (len > 0 && ((*buf)[len - 1] == '\n' || (*buf)[len - 1] == '\r'))
        (*buf)[--len] = '\0';
    return true;
}

/* Splits a record in place into fields (quotes removed, unquoted fields
 * trimmed). Returns the number of fields (beyond max only counted). */
static int csv_split(char *s, char **field, int max)
{
    int n = 0;
    char *p = s;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        char *start = p, *out = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0') break;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *out++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *out++ = *p++;
            }
            /* Anything between the closing quote and the comma is kept. */
            while (*p && *p != ',')
                *out++ = *p++;
        } else {
            while (*p && *p != ',')
                *out++ = *p++;
            while (out > start && (out[-1] == ' ' || out[-1] == '\t' || out[-1] == '\r'))
                out--;
        }
        char end = *p;
        *out = '\0';
        if (n < max) field[n] = start;
        n++;
        if (end != ',') break;
        p++;
    }
    return n;
}

/* ------------------------------------------------------------------------ */
/* Fields.                                                                   */

static bool hist_number(const char *s, double *out)
{
    if (!*s) return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v)) return false;
    *out = v;
    return true;
}

static bool hist_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return false;
        v = 10 * v + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static int hist_days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* Parses an ISO 8601 local time: day number and seconds of the day. Returns 0,
 * or a message for the error. */
static const char *hist_iso_parse(const char *s, long *day, double *sod)
{
    const char *p = s;
    int y, mo, d, h, mi, se = 0;
    if (!hist_digits(&p, 4, &y) || *p++ != '-' || !hist_digits(&p, 2, &mo) || *p++ != '-' ||
        !hist_digits(&p, 2, &d))
        return "expected an ISO 8601 local time like 2016-03-01T08:15:00, or seconds";
    if (*p != 'T' && *p != ' ' && *p != 't') return "a date needs a time of day (2016-03-01T08:15)";
    p++;
    if (!hist_digits(&p, 2, &h) || *p++ != ':' || !hist_digits(&p, 2, &mi))
        return "expected hh:mm[:ss] after the date";
    double frac = 0;
    if (*p == ':') {
        p++;
        if (!hist_digits(&p, 2, &se)) return "expected two digits of seconds";
        if (*p == '.' || *p == ',') {
            p++;
            double scale = 0.1;
            if (!isdigit((unsigned char)*p)) return "expected digits after the decimal point";
            while (isdigit((unsigned char)*p)) {
                frac += scale * (*p - '0');
                scale /= 10;
                p++;
            }
        }
    }
    if (*p == 'Z' || *p == 'z' || *p == '+' || *p == '-')
        return "a time-zone offset is not accepted: write the district's local time "
               "without one";
    if (*p != '\0') return "unexpected text after the time";
    if (mo < 1 || mo > 12) return "the month must be 01-12";
    if (d < 1 || d > hist_days_in_month(y, mo)) return "no such day in that month";
    if (h > 23 || mi > 59 || se > 59) return "the time of day must be 00:00:00-23:59:59";
    *day = hist_days_from_civil(y, mo, d);
    *sod = 3600.0 * h + 60.0 * mi + se + frac;
    return NULL;
}

/* A row under construction: the time stays split until day 0 is known. */
typedef struct hrow {
    history_call c;
    long day;   /* ISO: day number; seconds: 0 */
    double sod; /* ISO: seconds of the day; seconds: the time */
} hrow;

static int hist_type_find(char **names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return (int)i;
    return -1;
}

/* Checks one row; true when it is sound (then *row is filled). */
static bool hist_row(hreader *r, char **f, int nf, const net *g, const snap_index *snap,
                     const geo_proj *proj, history *h, hrow *row)
{
    size_t err0 = r->n_err;
    if (nf != r->n_cols) {
        hist_error(r, NULL, "expected %d fields as in the header (got %d)", r->n_cols, nf);
        return false;
    }
    memset(row, 0, sizeof *row);
    row->c.line = r->line;
    row->c.node = -1;
    row->c.snap_m = NAN;
    row->c.onscene_s = NAN;
    /* time */
    const char *t = f[r->col[COL_TIME]];
    if (!*t) {
        hist_error(r, "time", "missing");
    } else {
        double secs;
        bool numeric = hist_number(t, &secs);
        int kind = numeric ? 2 : 1;
        const char *why = NULL;
        if (numeric) {
            if (secs < 0) why = "seconds must be >= 0";
            row->sod = secs;
        } else {
            why = hist_iso_parse(t, &row->day, &row->sod);
        }
        if (why) {
            hist_error(r, "time", "%s (got '%.40s')", why, t);
        } else if (r->time_kind && r->time_kind != kind) {
            hist_error(r, "time", "this file's times are %s (from line %d); got '%.40s'",
                       r->time_kind == 1 ? "dates" : "seconds", r->time_kind_line, t);
        } else if (!r->time_kind) {
            r->time_kind = kind;
            r->time_kind_line = r->line;
        }
    }
    /* type */
    const char *ty = f[r->col[COL_TYPE]];
    if (!*ty) {
        hist_error(r, "type", "missing");
    } else {
        int k = hist_type_find(h->type_names, h->n_types, ty);
        if (k < 0 && r->o->type_names) {
            char list[400];
            size_t len = 0;
            list[0] = '\0';
            for (size_t i = 0; i < h->n_types && len < sizeof list - 40; i++)
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                        h->type_names[i]);
            hist_error(r, "type", "unknown incident type '%.40s' (the types are: %s)", ty, list);
        } else if (k < 0) {
            char **grown = realloc(h->type_names, (h->n_types + 1) * sizeof *grown);
            char *copy = strdup(ty);
            if (!grown || !copy) {
                free(copy);
                if (grown) h->type_names = grown;
                return false;
            }
            h->type_names = grown;
            h->type_names[h->n_types] = copy;
            k = (int)h->n_types++;
        }
        row->c.type = k;
    }
    /* priority */
    if (r->col[COL_PRIORITY] >= 0) {
        const char *p = f[r->col[COL_PRIORITY]];
        double v;
        if (*p && (!hist_number(p, &v) || v != floor(v) || v < 1 || v > 5))
            hist_error(r, "priority", "must be an integer 1-5 (got '%.40s')", p);
        else if (*p)
            row->c.priority = (int)v;
    }
    /* onscene_min */
    if (r->col[COL_ONSCENE] >= 0) {
        const char *p = f[r->col[COL_ONSCENE]];
        double v;
        if (*p && (!hist_number(p, &v) || !(v > 0) || v > HIST_MAX_ONSCENE_MIN))
            hist_error(r, "onscene_min",
                       "must be minutes > 0 and <= %g, or empty when unknown "
                       "(got '%.40s')",
                       HIST_MAX_ONSCENE_MIN, p);
        else if (*p)
            row->c.onscene_s = 60.0 * v;
    }
    /* position: node, then x/y, then lon/lat */
    const char *nd = r->col[COL_NODE] >= 0 ? f[r->col[COL_NODE]] : "";
    const char *xs = r->col[COL_X] >= 0 ? f[r->col[COL_X]] : "";
    const char *ys = r->col[COL_Y] >= 0 ? f[r->col[COL_Y]] : "";
    const char *los = r->col[COL_LON] >= 0 ? f[r->col[COL_LON]] : "";
    const char *las = r->col[COL_LAT] >= 0 ? f[r->col[COL_LAT]] : "";
    double x = NAN, y = NAN;
    const char *where = NULL;
    if (*nd) {
        char *end;
        errno = 0;
        long long id = strtoll(nd, &end, 10);
        if (*end || errno == ERANGE) {
            hist_error(r, "node", "node ids are integers (got '%.40s')", nd);
        } else if (g) {
            int32_t v = net_node_index(g, (int64_t)id);
            if (v < 0) hist_error(r, "node", "node %lld is not in the network %s", id, g->path);
            row->c.node = v;
            row->c.snap_m = 0;
        }
    } else if (*xs || *ys) {
        where = "x_m, y_m";
        if (!*xs || !*ys) {
            hist_error(r, !*xs ? "x_m" : "y_m", "missing (x_m and y_m come together)");
            where = NULL;
        } else if (!hist_number(xs, &x) || !hist_number(ys, &y) || fabs(x) > 1e7 || fabs(y) > 1e7) {
            hist_error(r, "x_m, y_m", "not planar metres: '%.40s', '%.40s'", xs, ys);
            where = NULL;
        }
    } else if (*los || *las) {
        where = "lon, lat";
        double lon, lat;
        if (!*los || !*las) {
            hist_error(r, !*los ? "lon" : "lat", "missing (lon and lat come together)");
            where = NULL;
        } else if (!hist_number(los, &lon) || !hist_number(las, &lat) ||
                   !geo_lonlat_is_valid(lon, lat)) {
            hist_error(r, "lon, lat",
                       "not a longitude and latitude in degrees: '%.40s', "
                       "'%.40s'",
                       los, las);
            where = NULL;
        } else if (g && !proj) {
            if (!r->lonlat_reported)
                hist_error(r, "lon, lat",
                           "positions in lon/lat need a network with an origin "
                           "record (maps made by 'patrolsim map import' have one); %s has "
                           "none: give x_m/y_m or node",
                           g->path);
            r->lonlat_reported = true;
            where = NULL;
        } else if (proj) {
            geo_proj_forward(proj, lon, lat, &x, &y);
        }
    } else {
        hist_error(r, NULL, "no position: give node, x_m and y_m, or lon and lat");
    }
    if (where && g && isfinite(x)) {
        double dist;
        long v = snap_nearest(snap, x, y, &dist);
        if (v < 0 || dist > r->o->max_snap_m)
            hist_error(r, where,
                       "the nearest node (%lld) is %.0f m away, more than %g m: a "
                       "position off the map%s",
                       v >= 0 ? (long long)g->nodes[v].id : -1LL, dist, r->o->max_snap_m,
                       *los ? " (lon, lat in the right order? WGS84, not GCJ-02?)" : "");
        row->c.node = (int32_t)v;
        row->c.snap_m = dist;
    }
    return r->n_err == err0;
}

static int hrow_cmp(const void *pa, const void *pb)
{
    const hrow *a = pa, *b = pb;
    if (a->day != b->day) return a->day < b->day ? -1 : 1;
    if (a->sod != b->sod) return a->sod < b->sod ? -1 : 1;
    return (a->c.line > b->c.line) - (a->c.line < b->c.line);
}

/* Reads the header: returns false when it is unusable. */
static bool hist_header(hreader *r, char **f, int nf, const net *g, history *h)
{
    for (int k = 0; k < COL_N; k++)
        r->col[k] = -1;
    r->n_cols = nf;
    if (nf > HIST_MAX_FIELDS) {
        hist_error(r, "header", "more than %d columns", HIST_MAX_FIELDS);
        return false;
    }
    size_t ign = 0;
    char ignored[512] = "";
    for (int i = 0; i < nf; i++) {
        int k;
        for (k = 0; k < COL_N; k++)
            if (strcasecmp(f[i], hist_col_names[k]) == 0) break;
        if (k == COL_N) {
            if (ign < sizeof ignored - 2)
                ign += (size_t)snprintf(ignored + ign, sizeof ignored - ign, "%s%.60s",
                                        ign ? ", " : "", *f[i] ? f[i] : "(empty)");
            continue;
        }
        if (r->col[k] >= 0) {
            hist_error(r, hist_col_names[k], "the column appears twice (fields %d and %d)",
                       r->col[k] + 1, i + 1);
            continue;
        }
        r->col[k] = i;
    }
    h->ignored = strdup(ignored);
    size_t err0 = r->n_err;
    for (int k = COL_TIME; k <= COL_TYPE; k++)
        if (r->col[k] < 0)
            hist_error(r, "header",
                       "no '%s' column (the header names the columns: time, type, "
                       "a position as node, x_m and y_m, or lon and lat; optionally priority "
                       "and onscene_min)",
                       hist_col_names[k]);
    if ((r->col[COL_X] < 0) != (r->col[COL_Y] < 0))
        hist_error(r, "header", "x_m and y_m come together");
    if ((r->col[COL_LON] < 0) != (r->col[COL_LAT] < 0))
        hist_error(r, "header", "lon and lat come together");
    if (r->col[COL_NODE] < 0 && r->col[COL_X] < 0 && r->col[COL_LON] < 0)
        hist_error(r, "header", "no position column: node, x_m and y_m, or lon and lat");
    (void)g;
    h->has_priority = r->col[COL_PRIORITY] >= 0;
    h->has_onscene = r->col[COL_ONSCENE] >= 0;
    return r->n_err == err0 && h->ignored != NULL;
}

history *history_load(const char *path, const net *g, const history_opts *o, diag *d)
{
    hreader r = {.path = path, .d = d, .o = o};
    history *h = calloc(1, sizeof *h);
    hrow *rows = NULL;
    size_t n_rows = 0, cap_rows = 0;
    snap_index *snap = NULL;
    char *buf = NULL;
    size_t cap = 0;
    FILE *f = NULL;
    if (!h || !(h->path = strdup(path))) goto oom;
    for (size_t i = 0; o->type_names && i < o->n_types; i++) {
        char **grown = realloc(h->type_names, (i + 1) * sizeof *grown);
        if (!grown) goto oom;
        h->type_names = grown;
        if (!(h->type_names[i] = strdup(o->type_names[i]))) goto oom;
        h->n_types = i + 1;
    }
    geo_proj proj;
    bool has_proj = g && !isnan(g->origin_lon_deg);
    if (has_proj) geo_proj_init(&proj, g->origin_lon_deg, g->origin_lat_deg);
    if (g && !(snap = snap_create(g))) goto oom;
    char why[160];
    f = rfile_open(path, "r", why, sizeof why); /* a FIFO or a device would hang or never end */
    if (!f) {
        diag_error(d, path, 0, NULL, "cannot open the call history: %s", why);
        goto fail;
    }
    char *field[HIST_MAX_FIELDS + 1];
    int next_line = 1, lines;
    bool header = false, unterminated;
    while (csv_record_read(f, &buf, &cap, &lines, &unterminated)) {
        r.line = next_line;
        next_line += lines;
        char *s = buf;
        if (r.line == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF)
            s += 3; /* a UTF-8 byte order mark */
        const char *q = s;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '\0' || *q == '#') continue;
        if (unterminated) {
            hist_error(&r, NULL, "a quoted field is not closed before the end of the file");
            break;
        }
        int nf = csv_split(s, field, HIST_MAX_FIELDS + 1);
        if (!header) {
            header = true;
            if (!hist_header(&r, field, nf > HIST_MAX_FIELDS ? HIST_MAX_FIELDS + 1 : nf, g, h))
                break;
            continue;
        }
        hrow row;
        if (!hist_row(&r, field, nf, g, snap, has_proj ? &proj : NULL, h, &row)) continue;
        if (n_rows == cap_rows) {
            size_t c = cap_rows ? 2 * cap_rows : 1024;
            hrow *grown = realloc(rows, c * sizeof *grown);
            if (!grown) goto oom;
            rows = grown;
            cap_rows = c;
        }
        rows[n_rows++] = row;
    }
    if (ferror(f)) {
        diag_error(d, path, 0, NULL, "read error: %s", strerror(errno));
        r.n_err++;
    }
    fclose(f);
    f = NULL;
    if (!header) {
        diag_error(d, path, 0, NULL,
                   "the call history is empty: expected a header line "
                   "(time,type,... ) and one row per call");
        goto fail;
    }
    if (r.n_err > o->max_errors)
        diag_error(d, path, 0, NULL, "%zu errors in all; the first %zu are shown", r.n_err,
                   o->max_errors);
    if (r.n_err > 0) goto fail;
    if (n_rows == 0) {
        diag_error(d, path, 0, NULL, "the call history has a header but no calls");
        goto fail;
    }
    qsort(rows, n_rows, sizeof *rows, hrow_cmp);
    h->iso_times = r.time_kind == 1;
    long day0 = rows[0].day;
    if (h->iso_times) {
        hist_civil_from_days(day0, &h->day0_year, &h->day0_month, &h->day0_day);
        h->start_weekday = history_weekday(h->day0_year, h->day0_month, h->day0_day);
    } else {
        h->start_weekday = o->start_weekday;
    }
    h->calls = malloc(n_rows * sizeof *h->calls);
    if (!h->calls) goto oom;
    double t_max = 0;
    for (size_t i = 0; i < n_rows; i++) {
        h->calls[i] = rows[i].c;
        h->calls[i].t_s = (double)(rows[i].day - day0) * 86400.0 + rows[i].sod;
        if (h->calls[i].t_s > t_max) t_max = h->calls[i].t_s;
    }
    h->n_calls = n_rows;
    h->days = o->days > 0 ? o->days : floor(t_max / 86400.0) + 1;
    if (o->days > 0 && t_max >= o->days * 86400.0) {
        const history_call *last = &h->calls[n_rows - 1];
        diag_error(d, path, last->line, "time",
                   "after the end of the history's %g days (the "
                   "call is in day %.0f, counted from 0)",
                   o->days, floor(t_max / 86400.0));
        goto fail;
    }
    free(rows);
    free(buf);
    snap_destroy(snap);
    return h;
oom:
    diag_error(d, path, 0, NULL, "out of memory reading the call history");
fail:
    if (f) fclose(f);
    free(rows);
    free(buf);
    snap_destroy(snap);
    history_destroy(h);
    return NULL;
}

void history_destroy(history *h)
{
    if (!h) return;
    free(h->path);
    free(h->calls);
    for (size_t i = 0; i < h->n_types; i++)
        free(h->type_names[i]);
    free(h->type_names);
    free(h->ignored);
    free(h);
}
