/* results.c - the patrolsim results file, layout version 2. See results.h; the layout itself
 * is documented for users in results/README.md, and the two must change together (with
 * RESULTS_LAYOUT_VERSION whenever a reader of the old layout would misread the new one).
 *
 * The per-call and per-unit tables map call_rec and unit_rec field by field through static
 * h5_field lists; _Static_asserts below fail the build if someone changes the type of a
 * record's field without changing its column. The static tables (types, zones, units, ...)
 * and /summary have columns known only at run time (string widths, the number of
 * priorities), so they are laid out by a small row builder: fields appended one by one, each
 * aligned, with values poked into a byte buffer.
 *
 * Strings in tables are fixed-width, sized to the longest value in the scenario (plus its
 * NUL), so a table never truncates a name. Long free text (the scenario file, the command
 * line) goes into variable-length string attributes.
 */
#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "h5.h"
#include "results_ops.h"

/* ---- Record layouts ------------------------------------------------------------------------- */

/* A row of /incidents: the call as recorded, plus the network file id of its node so that
 * users can join calls with /network/nodes by id as well as by row. */
typedef struct incident_row {
    call_rec c;
    int64_t node_id;
} incident_row;

#define RESULTS_IS(expr, ctype) _Generic((expr), ctype: 1, default: 0)
#define CALL_IS(m, ctype)                                                                  \
    _Static_assert(RESULTS_IS(((call_rec *)0)->m, ctype), "call_rec." #m " changed type: "  \
                                                          "update incident_fields")
#define UNIT_IS(m, ctype)                                                                  \
    _Static_assert(RESULTS_IS(((unit_rec *)0)->m, ctype), "unit_rec." #m " changed type: "  \
                                                          "update unit_rep_fields")
CALL_IS(rep, uint32_t); CALL_IS(id, uint32_t); CALL_IS(type, int32_t);
CALL_IS(priority, int32_t); CALL_IS(zone, int32_t); CALL_IS(node, int32_t);
CALL_IS(status, int32_t); CALL_IS(counted, int32_t); CALL_IS(t_call_s, double);
CALL_IS(t_dispatch_s, double); CALL_IS(t_arrive_s, double); CALL_IS(t_clear_s, double);
CALL_IS(wait_s, double); CALL_IS(travel_s, double); CALL_IS(travel_m, double);
CALL_IS(response_s, double); CALL_IS(onscene_s, double); CALL_IS(target_s, double);
CALL_IS(unit, int32_t); CALL_IS(units_sent, int32_t); CALL_IS(officers_short, int32_t);
CALL_IS(runner_up, int32_t); CALL_IS(runner_up_travel_s, double);
CALL_IS(t_incident_s, double); CALL_IS(detected, int32_t); CALL_IS(kinds_sent, uint32_t);
CALL_IS(response_incident_s, double);
UNIT_IS(rep, uint32_t); UNIT_IS(unit, int32_t); UNIT_IS(calls, int32_t);
UNIT_IS(on_duty_s, double); UNIT_IS(busy_s, double); UNIT_IS(overtime_s, double);
UNIT_IS(travel_m, double); UNIT_IS(off_s, double); UNIT_IS(available_s, double);
UNIT_IS(enroute_s, double); UNIT_IS(onscene_s, double); UNIT_IS(returning_s, double);
UNIT_IS(patrolling_s, double); UNIT_IS(at_post_s, double);

#define INC(m, t, unit) {#m, t, offsetof(incident_row, c.m), 0, unit}
static const h5_field incident_fields[] = {
    INC(rep, H5X_U32, "index"),
    INC(id, H5X_U32, "index"),
    INC(type, H5X_I32, "index"),
    INC(priority, H5X_I32, "level"),
    INC(zone, H5X_I32, "index"),
    INC(node, H5X_I32, "index"),
    {"node_id", H5X_I64, offsetof(incident_row, node_id), 0, "id"},
    INC(status, H5X_I32, "code"),
    INC(counted, H5X_I32, "flag"),
    INC(t_call_s, H5X_F64, "s"),
    INC(t_dispatch_s, H5X_F64, "s"),
    INC(t_arrive_s, H5X_F64, "s"),
    INC(t_clear_s, H5X_F64, "s"),
    INC(wait_s, H5X_F64, "s"),
    INC(travel_s, H5X_F64, "s"),
    INC(travel_m, H5X_F64, "m"),
    INC(response_s, H5X_F64, "s"),
    INC(onscene_s, H5X_F64, "s"),
    INC(target_s, H5X_F64, "s"),
    INC(unit, H5X_I32, "index"),
    INC(units_sent, H5X_I32, "count"),
    INC(officers_short, H5X_I32, "count"),
    INC(runner_up, H5X_I32, "index"),
    INC(runner_up_travel_s, H5X_F64, "s"),
    INC(t_incident_s, H5X_F64, "s"),
    INC(detected, H5X_I32, "flag"),
    INC(kinds_sent, H5X_U32, "mask"),
    INC(response_incident_s, H5X_F64, "s"),
};
#undef INC

#define UR(m, t, unit) {#m, t, offsetof(unit_rec, m), 0, unit}
static const h5_field unit_rep_fields[] = {
    UR(rep, H5X_U32, "index"),      UR(unit, H5X_I32, "index"),
    UR(calls, H5X_I32, "count"),    UR(on_duty_s, H5X_F64, "s"),
    UR(busy_s, H5X_F64, "s"),       UR(overtime_s, H5X_F64, "s"),
    UR(travel_m, H5X_F64, "m"),      UR(off_s, H5X_F64, "s"),
    UR(available_s, H5X_F64, "s"),   UR(enroute_s, H5X_F64, "s"),
    UR(onscene_s, H5X_F64, "s"),     UR(returning_s, H5X_F64, "s"),
    UR(patrolling_s, H5X_F64, "s"),  UR(at_post_s, H5X_F64, "s"),
};
#undef UR

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* The most replications a run can have (the limit of run.replications in scenario.c), and so
 * the most /summary rows a reader accepts. */
#define RESULTS_MAX_REPLICATIONS 100000

/* The meaning of call_rec.status, recorded beside /incidents (enum call_status order). */
static const char *const status_names[] = {"answered", "diverted", "unanswered"};

/* ---- Row builder for tables whose columns are known at run time ------------------------------ */

#define ROWB_MAX 96

typedef struct rowb {
    h5_field f[ROWB_MAX];
    char names[ROWB_MAX][40]; /* storage for generated names ("target_p1_s") */
    size_t n;
    size_t size;              /* the row stride so far */
} rowb;

/* Adds a column at the next aligned offset; returns its index. strsize only for H5X_STR. */
static size_t rowb_add(rowb *b, const char *name, h5_ftype t, size_t strsize, const char *unit)
{
    size_t sz = t == H5X_STR ? strsize : (t == H5X_U32 || t == H5X_I32) ? 4 : 8;
    size_t align = t == H5X_STR ? 1 : sz;
    b->size = (b->size + align - 1) / align * align;
    size_t i = b->n++;
    snprintf(b->names[i], sizeof b->names[i], "%s", name);
    b->f[i] = (h5_field){b->names[i], t, b->size, t == H5X_STR ? strsize : 0, unit};
    b->size += sz;
    return i;
}

/* The stride: rounded up so that an array of rows keeps every field aligned. */
static size_t rowb_stride(const rowb *b)
{
    return (b->size + 7) / 8 * 8;
}

static void put_u32(unsigned char *row, const h5_field *f, uint32_t v)
{
    memcpy(row + f->offset, &v, sizeof v);
}
static void put_i32(unsigned char *row, const h5_field *f, int32_t v)
{
    memcpy(row + f->offset, &v, sizeof v);
}
static void put_i64(unsigned char *row, const h5_field *f, int64_t v)
{
    memcpy(row + f->offset, &v, sizeof v);
}
static void put_u64(unsigned char *row, const h5_field *f, uint64_t v)
{
    memcpy(row + f->offset, &v, sizeof v);
}
static void put_f64(unsigned char *row, const h5_field *f, double v)
{
    memcpy(row + f->offset, &v, sizeof v);
}
static void put_str(unsigned char *row, const h5_field *f, const char *s)
{
    snprintf((char *)row + f->offset, f->size, "%s", s ? s : "");
}

/* Bytes for a fixed string column holding every value of strs (with its NUL). */
static size_t str_width(const char *const *strs, size_t n, size_t stride_bytes)
{
    size_t w = 1;
    for (size_t i = 0; i < n; i++) {
        const char *s = *(const char *const *)((const char *)strs + i * stride_bytes);
        size_t l = s ? strlen(s) + 1 : 1;
        if (l > w) w = l;
    }
    return w;
}

/* str_width over a member of an array of structs; safe when the array is empty (NULL). */
#define STR_WIDTH(arr, n, member)                                                          \
    str_width((n) ? (const char *const *)&(arr)[0].member : NULL, (n), sizeof(arr)[0])

/* Rows per chunk for a table written once: the whole table when small, else ~64 KiB. */
static size_t static_chunk(size_t n, size_t row_size)
{
    if (n == 0) return 1;
    return n * row_size <= 65536 ? n : 0;
}

/* ---- The writer ----------------------------------------------------------------------------- */

struct results_writer {
    h5_file *f;
    const scenario *s;          /* borrowed */
    const metrics *m;           /* borrowed */
    h5_table *summary, *incidents, *unit_reps;
    results_ops *ops;           /* the operations model's tables (results_ops.c) */
    rowb sum;                   /* the /summary columns */
    unsigned char *sum_row;     /* staging for one /summary row */
    incident_row *inc;          /* staging for one replication's /incidents rows */
    size_t inc_cap;
    size_t reps_done;           /* replications in the file */
    uint32_t rep_first;         /* the first replication of the file (a shard's start) */
    bool failed;                /* a failed append leaves the tables in an unknown state */
};

/* The /summary columns: one per metric, rep u32, counts i64, reals f64. */
static int summary_layout(rowb *b, const metrics *m)
{
    memset(b, 0, sizeof *b);
    if (m->n > ROWB_MAX) return -1;
    for (size_t i = 0; i < m->n; i++) {
        const metric_def *d = &m->defs[i];
        h5_ftype t = d->type == METRIC_INDEX ? H5X_U32 : d->type == METRIC_COUNT ? H5X_I64 : H5X_F64;
        rowb_add(b, d->name, t, 0, d->unit);
    }
    return 0;
}

static int fail(results_writer *w, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(results_writer *w, int code, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    h5_file_fail(w->f, H5X_EINVAL, "%s", msg);
    return code;
}

/* An h5 status as a results status. */
static int from_h5(int rc)
{
    switch (rc) {
    case H5X_OK: return RESULTS_OK;
    case H5X_ENOMEM: return RESULTS_ENOMEM;
    case H5X_EINVAL: return RESULTS_EINVAL;
    case H5X_ENOTHDF5:
    case H5X_ENOTFOUND:
    case H5X_ETYPE: return RESULTS_EFORMAT;
    default: return RESULTS_EIO;
    }
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

static void utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    if (t == (time_t)-1 || !gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "unknown");
}

static int64_t node_id(const net *g, int64_t node)
{
    if (!g || node < 0 || (size_t)node >= g->n_nodes) return -1;
    return g->nodes[node].id;
}

/* The mean of a duration distribution (as scen_dist_mean, which lives with the scenario
 * loader; kept here so that writing a file needs no more of the model than its structs). */
static double dist_mean(const scen_dist *d)
{
    return d->kind == DIST_UNIFORM ? 0.5 * (d->min_s + d->max_s) : d->mean_s;
}

static int write_root_attrs(h5_file *f, const scenario *s, const results_meta *meta)
{
    char now[32];
    utc_now(now, sizeof now);
    const char *r = "/";
    int rc = 0;
    rc = rc ? rc : h5_attr_set_int(f, r, "layout_version", RESULTS_LAYOUT_VERSION);
    rc = rc ? rc : h5_attr_set_str(f, r, "program", "patrolsim");
    rc = rc ? rc : h5_attr_set_str(f, r, "program_version", nz(meta ? meta->program_version : NULL));
    rc = rc ? rc : h5_attr_set_str(f, r, "git_revision", nz(meta ? meta->git_revision : NULL));
    rc = rc ? rc : h5_attr_set_str(f, r, "command_line", nz(meta ? meta->command_line : NULL));
    rc = rc ? rc : h5_attr_set_str(f, r, "created_utc", now);
    rc = rc ? rc : h5_attr_set_str(f, r, "scenario_name", nz(s->name));
    rc = rc ? rc : h5_attr_set_str(f, r, "scenario_path", nz(s->path));
    rc = rc ? rc : h5_attr_set_str(f, r, "scenario_text", nz(s->text));
    rc = rc ? rc : h5_attr_set_str(f, r, "overrides", nz(s->overrides));
    rc = rc ? rc : h5_attr_set_u64(f, r, "seed", s->seed);
    rc = rc ? rc : h5_attr_set_int(f, r, "replications_planned", s->replications);
    rc = rc ? rc : h5_attr_set_int(f, r, "replications_done", 0);
    rc = rc ? rc : h5_attr_set_f64(f, r, "horizon_s", s->horizon_s);
    rc = rc ? rc : h5_attr_set_f64(f, r, "warmup_s", s->warmup_s);
    rc = rc ? rc : h5_attr_set_f64(f, r, "drain_s", s->drain_s);
    rc = rc ? rc : h5_attr_set_int(f, r, "n_priorities", s->n_priorities);
    rc = rc ? rc : h5_attr_set_str(f, r, "status", "incomplete");
    return rc;
}

/* Writes a static table from a builder and a filled row buffer. */
static int write_static(h5_file *f, const char *path, const rowb *b, const unsigned char *rows,
                        size_t n)
{
    size_t stride = rowb_stride(b);
    h5_table *t = h5_table_create(f, path, b->f, b->n, stride, static_chunk(n, stride));
    if (!t) return H5X_EIO;
    int rc = h5_table_append(t, rows, n);
    h5_table_close(t);
    return rc;
}

/* Allocates n rows of a builder's stride, zeroed (so string padding is deterministic). */
static unsigned char *rows_alloc(h5_file *f, const rowb *b, size_t n)
{
    unsigned char *p = calloc(n ? n : 1, rowb_stride(b));
    if (!p) h5_file_fail(f, H5X_ENOMEM, "out of memory");
    return p;
}

static int write_inputs(h5_file *f, const scenario *s)
{
    rowb b = {0};
    const h5_field *path = &b.f[rowb_add(&b, "path", H5X_STR,
                                         str_width((const char *const *)s->input_paths,
                                                   s->n_inputs, sizeof(char *)), "")];
    const h5_field *hash = &b.f[rowb_add(&b, "fnv1a64", H5X_U64, 0, "hash")];
    unsigned char *rows = rows_alloc(f, &b, s->n_inputs);
    if (!rows) return H5X_ENOMEM;
    for (size_t i = 0; i < s->n_inputs; i++) {
        unsigned char *r = rows + i * rowb_stride(&b);
        put_str(r, path, s->input_paths[i]);
        put_u64(r, hash, s->input_hashes[i]);
    }
    int rc = write_static(f, "/inputs", &b, rows, s->n_inputs);
    free(rows);
    return rc;
}

static int write_types(h5_file *f, const scenario *s)
{
    rowb b = {0};
    size_t wname = STR_WIDTH(s->types, s->n_types, name);
    const h5_field *fi = &b.f[rowb_add(&b, "index", H5X_U32, 0, "index")];
    const h5_field *fn = &b.f[rowb_add(&b, "name", H5X_STR, wname, "")];
    const h5_field *fp = &b.f[rowb_add(&b, "priority", H5X_I32, 0, "level")];
    const h5_field *fs = &b.f[rowb_add(&b, "share", H5X_F64, 0, "1")];
    const h5_field *fo = &b.f[rowb_add(&b, "officers", H5X_I32, 0, "count")];
    const h5_field *fm = &b.f[rowb_add(&b, "onscene_mean_s", H5X_F64, 0, "s")];
    unsigned char *rows = rows_alloc(f, &b, s->n_types);
    if (!rows) return H5X_ENOMEM;
    for (size_t i = 0; i < s->n_types; i++) {
        unsigned char *r = rows + i * rowb_stride(&b);
        const scen_itype *t = &s->types[i];
        put_u32(r, fi, (uint32_t)i);
        put_str(r, fn, t->name);
        put_i32(r, fp, t->priority);
        put_f64(r, fs, t->share);
        put_i32(r, fo, t->officers);
        put_f64(r, fm, dist_mean(&t->onscene));
    }
    int rc = write_static(f, "/types", &b, rows, s->n_types);
    free(rows);
    return rc;
}

static const char *zone_kind_name(const scenario *s, int k)
{
    return k >= 0 && (size_t)k < s->n_zone_kinds ? s->zone_kinds[k].name : "";
}

static int write_zones(h5_file *f, const scenario *s)
{
    rowb b = {0};
    size_t wname = STR_WIDTH(s->zones, s->n_zones, name);
    size_t wkind = STR_WIDTH(s->zone_kinds, s->n_zone_kinds, name);
    const h5_field *fi = &b.f[rowb_add(&b, "index", H5X_U32, 0, "index")];
    const h5_field *fn = &b.f[rowb_add(&b, "name", H5X_STR, wname, "")];
    const h5_field *fk = &b.f[rowb_add(&b, "kind", H5X_STR, wkind, "")];
    const h5_field *fw = &b.f[rowb_add(&b, "weight", H5X_F64, 0, "1")];
    const h5_field *fc = &b.f[rowb_add(&b, "n_nodes", H5X_I64, 0, "count")];
    size_t ft[SCEN_MAX_PRIORITIES];
    int np = s->n_priorities < 0 ? 0
             : s->n_priorities > SCEN_MAX_PRIORITIES ? SCEN_MAX_PRIORITIES : s->n_priorities;
    for (int k = 0; k < np; k++) {
        char name[32];
        snprintf(name, sizeof name, "target_p%d_s", k + 1);
        ft[k] = rowb_add(&b, name, H5X_F64, 0, "s");
    }
    unsigned char *rows = rows_alloc(f, &b, s->n_zones);
    if (!rows) return H5X_ENOMEM;
    for (size_t i = 0; i < s->n_zones; i++) {
        unsigned char *r = rows + i * rowb_stride(&b);
        const scen_zone *z = &s->zones[i];
        put_u32(r, fi, (uint32_t)i);
        put_str(r, fn, z->name);
        put_str(r, fk, zone_kind_name(s, z->kind));
        put_f64(r, fw, z->weight);
        put_i64(r, fc, (int64_t)z->n_nodes);
        bool kind_ok = z->kind >= 0 && (size_t)z->kind < s->n_zone_kinds;
        for (int k = 0; k < np; k++)
            put_f64(r, &b.f[ft[k]], kind_ok ? s->zone_kinds[z->kind].target_s[k] : NAN);
    }
    int rc = write_static(f, "/zones", &b, rows, s->n_zones);
    free(rows);
    return rc;
}

static int write_stations(h5_file *f, const scenario *s)
{
    rowb b = {0};
    size_t wname = STR_WIDTH(s->stations, s->n_stations, name);
    const h5_field *fi = &b.f[rowb_add(&b, "index", H5X_U32, 0, "index")];
    const h5_field *fn = &b.f[rowb_add(&b, "name", H5X_STR, wname, "")];
    const h5_field *fnode = &b.f[rowb_add(&b, "node_id", H5X_I64, 0, "id")];
    const h5_field *fsq = &b.f[rowb_add(&b, "squad", H5X_I32, 0, "count")];
    unsigned char *rows = rows_alloc(f, &b, s->n_stations);
    if (!rows) return H5X_ENOMEM;
    for (size_t i = 0; i < s->n_stations; i++) {
        unsigned char *r = rows + i * rowb_stride(&b);
        const scen_station *st = &s->stations[i];
        put_u32(r, fi, (uint32_t)i);
        put_str(r, fn, st->name);
        put_i64(r, fnode, node_id(s->net, st->node));
        put_i32(r, fsq, st->squad);
    }
    int rc = write_static(f, "/stations", &b, rows, s->n_stations);
    free(rows);
    return rc;
}

static int write_units(h5_file *f, const scenario *s)
{
    rowb b = {0};
    size_t wname = STR_WIDTH(s->units, s->n_units, name);
    size_t wgroup = STR_WIDTH(s->unit_groups, s->n_unit_groups, name);
    size_t wkind = str_width((const char *const *)s->unit_kinds, s->n_unit_kinds, sizeof(char *));
    size_t wstation = STR_WIDTH(s->stations, s->n_stations, name);
    const h5_field *fi = &b.f[rowb_add(&b, "index", H5X_U32, 0, "index")];
    const h5_field *fn = &b.f[rowb_add(&b, "name", H5X_STR, wname, "")];
    const h5_field *fg = &b.f[rowb_add(&b, "group", H5X_STR, wgroup, "")];
    const h5_field *fk = &b.f[rowb_add(&b, "kind", H5X_STR, wkind, "")];
    const h5_field *fst = &b.f[rowb_add(&b, "station", H5X_STR, wstation, "")];
    const h5_field *fc = &b.f[rowb_add(&b, "crew", H5X_I32, 0, "count")];
    const h5_field *fm = &b.f[rowb_add(&b, "mode", H5X_STR, sizeof "vehicle", "")];
    const h5_field *fh = &b.f[rowb_add(&b, "home_node_id", H5X_I64, 0, "id")];
    const h5_field *fss = &b.f[rowb_add(&b, "shift_start_s", H5X_F64, 0, "s")];
    const h5_field *fsl = &b.f[rowb_add(&b, "shift_len_s", H5X_F64, 0, "s")];
    unsigned char *rows = rows_alloc(f, &b, s->n_units);
    if (!rows) return H5X_ENOMEM;
    for (size_t i = 0; i < s->n_units; i++) {
        unsigned char *r = rows + i * rowb_stride(&b);
        const scen_unit *u = &s->units[i];
        bool st_ok = u->station >= 0 && (size_t)u->station < s->n_stations;
        put_u32(r, fi, (uint32_t)i);
        put_str(r, fn, u->name);
        put_str(r, fg, u->group >= 0 && (size_t)u->group < s->n_unit_groups
                           ? s->unit_groups[u->group].name : "");
        put_str(r, fk, u->kind >= 0 && (size_t)u->kind < s->n_unit_kinds ? s->unit_kinds[u->kind]
                                                                          : "");
        put_str(r, fst, st_ok ? s->stations[u->station].name : "");
        put_i32(r, fc, u->crew);
        /* Spelled here rather than through net_mode_name so that writing needs only structs. */
        put_str(r, fm, u->mode == NET_FOOT ? "foot" : "vehicle");
        put_i64(r, fh, st_ok ? node_id(s->net, s->stations[u->station].node) : -1);
        put_f64(r, fss, u->shift_start_s);
        put_f64(r, fsl, u->shift_len_s);
    }
    int rc = write_static(f, "/units", &b, rows, s->n_units);
    free(rows);
    return rc;
}

static int write_network(h5_file *f, const scenario *s)
{
    const net *g = s->net;
    int rc = h5_group_create(f, "/network");
    if (rc || !g) return rc;

    rowb b = {0};
    const h5_field *fid = &b.f[rowb_add(&b, "id", H5X_I64, 0, "id")];
    const h5_field *fx = &b.f[rowb_add(&b, "x_m", H5X_F64, 0, "m")];
    const h5_field *fy = &b.f[rowb_add(&b, "y_m", H5X_F64, 0, "m")];
    const h5_field *fz = &b.f[rowb_add(&b, "zone", H5X_I32, 0, "index")];
    const h5_field *fsz = &b.f[rowb_add(&b, "scenario_zone", H5X_I32, 0, "index")];
    unsigned char *rows = rows_alloc(f, &b, g->n_nodes);
    if (!rows) return H5X_ENOMEM;
    for (size_t i = 0; i < g->n_nodes; i++) {
        unsigned char *r = rows + i * rowb_stride(&b);
        put_i64(r, fid, g->nodes[i].id);
        put_f64(r, fx, g->nodes[i].x_m);
        put_f64(r, fy, g->nodes[i].y_m);
        put_i32(r, fz, g->nodes[i].zone);
        put_i32(r, fsz, s->node_zone ? s->node_zone[i] : -1);
    }
    rc = write_static(f, "/network/nodes", &b, rows, g->n_nodes);
    free(rows);
    if (!rc)
        rc = h5_attr_set_strv(f, "/network/nodes", "zone_names",
                              (const char *const *)g->zone_names, g->n_zones);
    if (rc) return rc;

    rowb e = {0};
    const h5_field *ffrom = &e.f[rowb_add(&e, "from_id", H5X_I64, 0, "id")];
    const h5_field *fto = &e.f[rowb_add(&e, "to_id", H5X_I64, 0, "id")];
    const h5_field *flen = &e.f[rowb_add(&e, "length_m", H5X_F64, 0, "m")];
    const h5_field *fcls = &e.f[rowb_add(&e, "class", H5X_I32, 0, "index")];
    const h5_field *fsv = &e.f[rowb_add(&e, "speed_vehicle_mps", H5X_F64, 0, "m/s")];
    const h5_field *fsf = &e.f[rowb_add(&e, "speed_foot_mps", H5X_F64, 0, "m/s")];
    rows = rows_alloc(f, &e, g->n_edges);
    if (!rows) return H5X_ENOMEM;
    for (size_t i = 0; i < g->n_edges; i++) {
        unsigned char *r = rows + i * rowb_stride(&e);
        const net_edge *ed = &g->edges[i];
        put_i64(r, ffrom, node_id(g, ed->from));
        put_i64(r, fto, node_id(g, ed->to));
        put_f64(r, flen, ed->length_m);
        put_i32(r, fcls, ed->cls);
        put_f64(r, fsv, ed->speed_mps[NET_VEHICLE]);
        put_f64(r, fsf, ed->speed_mps[NET_FOOT]);
    }
    rc = write_static(f, "/network/edges", &e, rows, g->n_edges);
    free(rows);
    if (!rc)
        rc = h5_attr_set_strv(f, "/network/edges", "class_names",
                              (const char *const *)g->class_names, g->n_classes);
    return rc;
}

/* Allocates the writer's staging rows. */
static int writer_prepare(results_writer *w)
{
    if (summary_layout(&w->sum, w->m))
        return fail(w, RESULTS_EINVAL, "/summary: %zu columns are more than %d", w->m->n,
                    ROWB_MAX);
    w->sum_row = calloc(1, rowb_stride(&w->sum));
    if (!w->sum_row) return fail(w, RESULTS_ENOMEM, "out of memory");
    return RESULTS_OK;
}

static void writer_free(results_writer *w)
{
    h5_table_close(w->summary);
    h5_table_close(w->incidents);
    h5_table_close(w->unit_reps);
    results_ops_close(w->ops);
    h5_file_close(w->f);
    free(w->sum_row);
    free(w->inc);
    free(w);
}

/* Copies the file's error into the caller's buffer. */
static void copy_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) snprintf(err, errlen, "%s", msg);
}

results_writer *results_create(const char *path, const scenario *s, const metrics *m,
                               const results_meta *meta, char *err, size_t errlen)
{
    return results_create_range(path, s, m, meta, 0, s ? (uint32_t)s->replications : 0, err,
                                errlen);
}

results_writer *results_create_range(const char *path, const scenario *s, const metrics *m,
                                     const results_meta *meta, uint32_t rep_first,
                                     uint32_t rep_end, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!path || !s || !m) {
        copy_err(err, errlen, "results_create: no path, scenario or metrics");
        return NULL;
    }
    if (rep_first >= rep_end || rep_end > (uint32_t)INT32_MAX) {
        if (err && errlen)
            snprintf(err, errlen, "%s: replications %u:%u: an empty or impossible range", path,
                     rep_first, rep_end);
        return NULL;
    }
    results_writer *w = calloc(1, sizeof *w);
    if (!w) {
        if (err && errlen) snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    w->s = s;
    w->m = m;
    w->rep_first = rep_first;
    /* Staged: a kill while the file is set up leaves no .tmp to resume, only a .part. */
    w->f = h5_file_create_staged(path, err, errlen);
    if (!w->f) {
        free(w);
        return NULL;
    }
    h5_file *f = w->f;
    int rc = writer_prepare(w);
    rc = rc ? rc : write_root_attrs(f, s, meta);
    rc = rc ? rc : h5_attr_set_int(f, "/", "rep_first", (int)rep_first);
    rc = rc ? rc : h5_attr_set_int(f, "/", "rep_end", (int)rep_end);
    rc = rc ? rc : write_inputs(f, s);
    rc = rc ? rc : write_types(f, s);
    rc = rc ? rc : write_zones(f, s);
    rc = rc ? rc : write_stations(f, s);
    rc = rc ? rc : write_units(f, s);
    rc = rc ? rc : write_network(f, s);
    if (rc) goto err;
    w->summary = h5_table_create(f, "/summary", w->sum.f, w->sum.n, rowb_stride(&w->sum), 0);
    if (!w->summary) goto err;
    w->incidents = h5_table_create(f, "/incidents", incident_fields, NFIELDS(incident_fields),
                                   sizeof(incident_row), 0);
    if (!w->incidents ||
        h5_attr_set_strv(f, "/incidents", "status_names", status_names, NFIELDS(status_names)))
        goto err;
    w->unit_reps = h5_table_create(f, "/unit_reps", unit_rep_fields, NFIELDS(unit_rep_fields),
                                   sizeof(unit_rec), 0);
    if (!w->unit_reps) goto err;
    w->ops = results_ops_create(f, s);
    if (!w->ops || h5_file_publish(f)) goto err;
    return w;
err:
    copy_err(err, errlen, h5_file_error(f));
    writer_free(w);
    return NULL;
}

int results_append_rep(results_writer *w, const rep_result *r, const double *summary_row)
{
    if (!w || !r || !summary_row) return RESULTS_EINVAL;
    if (w->failed) return fail(w, RESULTS_EINVAL, "writer unusable after an earlier failure");
    if (r->rep != w->rep_first + w->reps_done)
        return fail(w, RESULTS_EINVAL, "replication %u appended when %zu was next (append in "
                    "rep order)", r->rep, w->rep_first + w->reps_done);
    if (!(summary_row[0] == (double)r->rep))
        return fail(w, RESULTS_EINVAL, "summary row of replication %u says rep %g", r->rep,
                    summary_row[0]);

    if (r->n_calls > w->inc_cap) {
        incident_row *p = realloc(w->inc, r->n_calls * sizeof *p);
        if (!p) return fail(w, RESULTS_ENOMEM, "out of memory for %zu calls", r->n_calls);
        w->inc = p;
        w->inc_cap = r->n_calls;
    }
    for (size_t i = 0; i < r->n_calls; i++) {
        w->inc[i].c = r->calls[i];
        w->inc[i].node_id = node_id(w->s->net, r->calls[i].node);
    }
    /* Summary last: its row count is what says a replication is complete. The
     * other tables are flushed first, so that a kill while HDF5 writes the summary
     * row can tear only that row (resume checks it: reps_whole). */
    int rc = h5_table_append(w->incidents, w->inc, r->n_calls);
    rc = rc ? rc : h5_table_append(w->unit_reps, r->units, r->n_units);
    rc = rc ? rc : results_ops_append(w->ops, r);
    rc = rc ? rc : h5_file_flush(w->f);
    if (!rc) {
        memset(w->sum_row, 0, rowb_stride(&w->sum));
        for (size_t i = 0; i < w->sum.n; i++) {
            const h5_field *fd = &w->sum.f[i];
            double v = summary_row[i];
            if (fd->type == H5X_U32)
                put_u32(w->sum_row, fd, (uint32_t)v);
            else if (fd->type == H5X_I64)
                /* Counts are always finite; -1 marks the impossible rather than invoking UB. */
                put_i64(w->sum_row, fd, isfinite(v) ? (int64_t)llround(v) : -1);
            else
                put_f64(w->sum_row, fd, v);
        }
        rc = h5_table_append(w->summary, w->sum_row, 1);
    }
    rc = rc ? rc : h5_attr_set_int(w->f, "/", "replications_done", (int)(w->reps_done + 1));
    rc = rc ? rc : h5_file_flush(w->f);
    if (rc) {
        w->failed = true;
        return from_h5(rc);
    }
    w->reps_done++;
    return RESULTS_OK;
}

size_t results_reps_done(const results_writer *w)
{
    return w ? w->reps_done : 0;
}

const char *results_error(const results_writer *w)
{
    return w ? h5_file_error(w->f) : "";
}

h5_file *results_h5(results_writer *w)
{
    return w ? w->f : NULL;
}

int results_commit(results_writer *w, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!w) return RESULTS_EINVAL;
    int rc;
    if (w->failed) {
        rc = fail(w, RESULTS_EINVAL, "not committed: an append failed earlier");
        goto out;
    }
    char now[32];
    utc_now(now, sizeof now);
    h5_file *f = w->f;
    rc = h5_attr_set_int(f, "/", "replications_done", (int)w->reps_done);
    rc = rc ? rc : h5_attr_set_str(f, "/", "completed_utc", now);
    rc = rc ? rc : h5_attr_set_str(f, "/", "status", "complete");
    /* The tables must be closed before the file (the file closes with H5F_CLOSE_STRONG). */
    h5_table_close(w->summary);
    h5_table_close(w->incidents);
    h5_table_close(w->unit_reps);
    results_ops_close(w->ops);
    w->summary = w->incidents = w->unit_reps = NULL;
    w->ops = NULL;
    rc = rc ? rc : h5_file_commit(f);
    rc = from_h5(rc);
out:
    if (rc) copy_err(err, errlen, h5_file_error(w->f));
    writer_free(w);
    return rc;
}

void results_abort(results_writer *w)
{
    if (w) writer_free(w);
}

int results_end_early(results_writer *w, const char *rule)
{
    if (!w) return RESULTS_EINVAL;
    if (w->failed) return fail(w, RESULTS_EINVAL, "writer unusable after an earlier failure");
    int end = (int)(w->rep_first + w->reps_done);
    int rc = h5_attr_set_int(w->f, "/", "replications_max", w->s->replications);
    rc = rc ? rc : h5_attr_set_int(w->f, "/", "replications_planned", end);
    rc = rc ? rc : h5_attr_set_int(w->f, "/", "rep_end", end);
    rc = rc ? rc : h5_attr_set_str(w->f, "/", "stopping_rule", nz(rule));
    rc = rc ? rc : h5_file_flush(w->f);
    if (rc) w->failed = true;
    return from_h5(rc);
}

/* ---- Reading -------------------------------------------------------------------------------- */

/* Checks that the file's /summary columns are exactly m's, in order. */
static int check_columns(h5_file *f, const metrics *m)
{
    char **names;
    size_t n;
    int rc = h5_table_field_names(f, "/summary", &names, &n);
    if (rc) return from_h5(rc);
    rc = RESULTS_OK;
    for (size_t i = 0; i < n && i < m->n && !rc; i++)
        if (strcmp(names[i], m->defs[i].name) != 0)
            rc = h5_file_fail(f, RESULTS_EFORMAT,
                              "/summary: column %zu is '%s' where layout version %d with %d "
                              "priorities has '%s'", i + 1, names[i], RESULTS_LAYOUT_VERSION,
                              m->n_priorities, m->defs[i].name);
    if (!rc && n != m->n)
        rc = h5_file_fail(f, RESULTS_EFORMAT,
                          "/summary: %zu columns where layout version %d with %d priorities "
                          "has %zu", n, RESULTS_LAYOUT_VERSION, m->n_priorities, m->n);
    h5_strv_free(names, n);
    return rc;
}

void results_version_message(char *buf, size_t n, int file_version)
{
    if (file_version < RESULTS_LAYOUT_VERSION)
        snprintf(buf, n, "this results file has layout version %d; this patrolsim reads version "
                 "%d: re-run it (results/README.md says what changed)", file_version,
                 RESULTS_LAYOUT_VERSION);
    else
        snprintf(buf, n, "this results file has layout version %d, newer than this patrolsim "
                 "reads (version %d): read it with the patrolsim that wrote it", file_version,
                 RESULTS_LAYOUT_VERSION);
}

/* The checks every reader of a results file makes: a patrolsim file of our layout version,
 * with n_priorities in range. Fills *m (metrics_fini it). */
static int check_layout(h5_file *f, int *version, metrics *m)
{
    int rc = h5_attr_get_int(f, "/", "layout_version", version);
    if (rc == H5X_ENOTFOUND || rc == H5X_ETYPE)
        return h5_file_fail(f, RESULTS_EFORMAT,
                            "not a patrolsim results file (no layout_version attribute)");
    if (rc) return from_h5(rc);
    if (*version != RESULTS_LAYOUT_VERSION) {
        char why[256];
        results_version_message(why, sizeof why, *version);
        return h5_file_fail(f, RESULTS_EFORMAT, "%s", why);
    }
    int np;
    rc = h5_attr_get_int(f, "/", "n_priorities", &np);
    if (rc) return RESULTS_EFORMAT;
    if (np < 1 || np > SCEN_MAX_PRIORITIES)
        return h5_file_fail(f, RESULTS_EFORMAT, "n_priorities is %d, must be 1..%d", np,
                            SCEN_MAX_PRIORITIES);
    if (metrics_init(m, np)) return h5_file_fail(f, RESULTS_ENOMEM, "out of memory");
    if (!h5_exists(f, "/summary")) {
        metrics_fini(m);
        return h5_file_fail(f, RESULTS_EFORMAT, "no /summary table (not a complete patrolsim "
                            "results file)");
    }
    rc = check_columns(f, m);
    if (rc) metrics_fini(m);
    return rc;
}

/* An optional string attribute: "" when absent. */
static int get_str_opt(h5_file *f, const char *name, char **out)
{
    int rc = h5_attr_get_str(f, "/", name, out);
    if (rc == H5X_ENOTFOUND) {
        *out = calloc(1, 1);
        return *out ? RESULTS_OK : RESULTS_ENOMEM;
    }
    return from_h5(rc);
}

int results_read_summary(const char *path, results_summary *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = '\0';
    int code;
    h5_file *f = h5_file_open(path, false, &code, err, errlen);
    if (!f)
        return code == H5X_ENOMEM                           ? RESULTS_ENOMEM
               : code == H5X_EIO || code == H5X_ENOTFOUND ? RESULTS_EIO
                                                            : RESULTS_EFORMAT;
    int rc = check_layout(f, &out->layout_version, &out->m);
    if (rc) goto out;

    rc = from_h5(h5_attr_get_u64(f, "/", "seed", &out->seed));
    rc = rc ? rc : from_h5(h5_attr_get_str(f, "/", "scenario_name", &out->scenario_name));
    rc = rc ? rc : get_str_opt(f, "program_version", &out->program_version);
    rc = rc ? rc : get_str_opt(f, "git_revision", &out->git_revision);
    rc = rc ? rc : get_str_opt(f, "status", &out->status);
    rc = rc ? rc : get_str_opt(f, "overrides", &out->overrides);
    rc = rc ? rc : get_str_opt(f, "scenario_text", &out->scenario_text);
    if (rc) goto out;
    if (h5_attr_get_int(f, "/", "replications_planned", &out->replications_planned))
        out->replications_planned = 0;
    if (h5_attr_get_f64(f, "/", "horizon_s", &out->horizon_s)) out->horizon_s = NAN;
    if (h5_attr_get_f64(f, "/", "warmup_s", &out->warmup_s)) out->warmup_s = NAN;
    /* Files written before shards existed hold the whole run. */
    if (h5_attr_get_int(f, "/", "rep_first", &out->rep_first)) out->rep_first = 0;
    if (h5_attr_get_int(f, "/", "rep_end", &out->rep_end)) out->rep_end = out->replications_planned;

    /* A damaged or hostile file may claim any number of rows, and HDF5 fills the ones never
     * written with zeros: bound the claim before allocating for it. */
    size_t claimed;
    rc = from_h5(h5_table_nrows(f, "/summary", &claimed));
    if (!rc && claimed > RESULTS_MAX_REPLICATIONS)
        rc = h5_file_fail(f, RESULTS_EFORMAT, "/summary claims %zu rows, but a run has at most "
                          "%d replications (a damaged file?)", claimed, RESULTS_MAX_REPLICATIONS);
    if (rc) goto out;

    /* Every column at once, each converted to a double in its slot of a row. */
    size_t nc = out->m.n;
    h5_field *fields = calloc(nc, sizeof *fields);
    if (!fields) {
        rc = h5_file_fail(f, RESULTS_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nc; i++)
        fields[i] = (h5_field){out->m.defs[i].name, H5X_F64, i * sizeof(double), 0, NULL};
    void *rows;
    rc = from_h5(h5_table_read(f, "/summary", fields, nc, nc * sizeof(double), &rows,
                               &out->n_reps));
    free(fields);
    if (rc) goto out;
    out->rows = rows;
out:
    if (rc) copy_err(err, errlen, h5_file_error(f));
    h5_file_close(f);
    return rc;
}

int results_read_major_area(const char *path, const results_summary *sum,
                            results_major_area *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = '\0';
    int code;
    h5_file *f = h5_file_open(path, false, &code, err, errlen);
    if (!f)
        return code == H5X_ENOMEM                           ? RESULTS_ENOMEM
               : code == H5X_EIO || code == H5X_ENOTFOUND ? RESULTS_EIO
                                                            : RESULTS_EFORMAT;
    int rc = RESULTS_OK;
    if (!h5_exists(f, "/major_area_reps")) goto out;
    enum { NAME_LEN = 128 };
    typedef struct zname {
        char name[NAME_LEN];
    } zname;
    static const h5_field zf[] = {{"name", H5X_STR, 0, NAME_LEN, NULL}};
    void *zb = NULL;
    rc = from_h5(h5_table_read(f, "/zones", zf, 1, sizeof(zname), &zb, &out->n_zones));
    if (!rc) rc = from_h5(h5_attr_get_strv(f, "/major_area_reps", "zone_kind_names",
                                           &out->kind_names, &out->n_kinds));
    if (!rc && out->n_zones) {
        out->zone_names = calloc(out->n_zones, sizeof *out->zone_names);
        for (size_t i = 0; out->zone_names && i < out->n_zones; i++)
            if (!(out->zone_names[i] = strdup(((zname *)zb)[i].name))) break;
        if (!out->zone_names || !out->zone_names[out->n_zones - 1])
            rc = h5_file_fail(f, RESULTS_ENOMEM, "out of memory");
    }
    free(zb);
    if (rc) goto out;
    /* Bound the claim before reading (a damaged file may claim anything): at most one row per
     * area and replication. */
    size_t claimed, per_rep = 1 + out->n_kinds + out->n_zones;
    rc = from_h5(h5_table_nrows(f, "/major_area_reps", &claimed));
    if (!rc && claimed > (sum->n_reps + 1) * per_rep)
        rc = h5_file_fail(f, RESULTS_EFORMAT, "/major_area_reps claims %zu rows, more than %zu "
                          "areas in %zu replications (a damaged file?)", claimed, per_rep,
                          sum->n_reps);
    const results_rep_table *rt = NULL;
    for (size_t k = 0; k < results_ops_n_rep_tables && !rt; k++)
        if (strcmp(results_ops_rep_tables[k].path, "/major_area_reps") == 0)
            rt = &results_ops_rep_tables[k];
    void *rb = NULL;
    size_t n = 0;
    if (!rc && rt)
        rc = from_h5(h5_table_read(f, rt->path, rt->fields, rt->n_fields, rt->row_size, &rb, &n));
    if (rc) goto out;
    major_area_rec *a = rb;
    size_t first = sum->rep_first > 0 ? (size_t)sum->rep_first : 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (a[i].rep < first || a[i].rep >= first + sum->n_reps) continue;
        size_t lim = a[i].area_kind == AREA_DISTRICT    ? 1
                     : a[i].area_kind == AREA_ZONE_KIND ? out->n_kinds
                     : a[i].area_kind == AREA_ZONE      ? out->n_zones
                                                        : 0;
        if (a[i].area < 0 || (size_t)a[i].area >= lim)
            rc = h5_file_fail(f, RESULTS_EFORMAT, "/major_area_reps row %zu: area %d of kind %d "
                              "does not exist", i, a[i].area, a[i].area_kind);
        else
            a[out->n_rows++] = a[i];
    }
    out->rows = a;
out:
    if (rc) copy_err(err, errlen, h5_file_error(f));
    h5_file_close(f);
    return rc;
}

void results_major_area_fini(results_major_area *a)
{
    if (!a) return;
    free(a->rows);
    for (size_t i = 0; a->zone_names && i < a->n_zones; i++) free(a->zone_names[i]);
    free(a->zone_names);
    h5_strv_free(a->kind_names, a->n_kinds);
    memset(a, 0, sizeof *a);
}

void results_summary_fini(results_summary *s)
{
    if (!s) return;
    metrics_fini(&s->m);
    free(s->rows);
    free(s->scenario_name);
    free(s->program_version);
    free(s->git_revision);
    free(s->status);
    free(s->overrides);
    free(s->scenario_text);
    memset(s, 0, sizeof *s);
}

/* ---- The identity of a run ------------------------------------------------------------------ */

/* The path of a "path=value" override, trimmed, into buf. */
static void override_path(const char *line, char *buf, size_t len)
{
    while (*line == ' ' || *line == '\t') line++;
    size_t n = strcspn(line, "=");
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
    if (n >= len) n = len - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
}

static int cmp_override(const void *a, const void *b)
{
    char pa[256], pb[256];
    override_path(*(char *const *)a, pa, sizeof pa);
    override_path(*(char *const *)b, pb, sizeof pb);
    return strcmp(pa, pb);
}

/* Whether an override changes nothing a file holds beyond its length: run.replications (a
 * resumed run may ask for more; a shard is part of a longer run) and run.threads. */
static bool override_is_length(const char *path)
{
    return strcmp(path, "run.replications") == 0 || strcmp(path, "run.threads") == 0;
}

char *results_overrides_key(const char *overrides)
{
    const char *text = overrides ? overrides : "";
    size_t len = strlen(text);
    char *copy = malloc(len + 1), *out = malloc(len + 2);
    size_t n_lines = 1;
    for (const char *p = text; *p; p++) n_lines += *p == '\n';
    char **lines = calloc(n_lines, sizeof *lines);
    if (!copy || !out || !lines) {
        free(copy);
        free(out);
        free(lines);
        return NULL;
    }
    memcpy(copy, text, len + 1);
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    /* A later --set of the same path wins: keep each path's last line. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        char pi[256], pj[256];
        override_path(lines[i], pi, sizeof pi);
        if (!pi[0] || override_is_length(pi)) continue;
        bool later = false;
        for (size_t j = i + 1; j < n && !later; j++) {
            override_path(lines[j], pj, sizeof pj);
            later = strcmp(pi, pj) == 0;
        }
        if (!later) lines[kept++] = lines[i];
    }
    qsort(lines, kept, sizeof *lines, cmp_override);
    out[0] = '\0';
    /* Written as "path=value", both trimmed: --set ' run.seed = 9' is the same override. */
    for (size_t i = 0; i < kept; i++) {
        char path[256];
        override_path(lines[i], path, sizeof path);
        const char *v = strchr(lines[i], '=');
        v = v ? v + 1 : "";
        while (*v == ' ' || *v == '\t') v++;
        size_t vl = strlen(v);
        while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t' || v[vl - 1] == '\r')) vl--;
        size_t used = strlen(out);
        snprintf(out + used, len + 2 - used, "%s=%.*s\n", path, (int)vl, v);
    }
    free(lines);
    free(copy);
    return out;
}

/* Whether two override texts are the same run's (results_overrides_key equal). */
static int same_overrides(const char *a, const char *b, bool *same)
{
    char *ka = results_overrides_key(a), *kb = results_overrides_key(b);
    int rc = ka && kb ? RESULTS_OK : RESULTS_ENOMEM;
    *same = ka && kb && strcmp(ka, kb) == 0;
    free(ka);
    free(kb);
    return rc;
}

/* Compares the file with the scenario: the same run (seed, scenario text, overrides as
 * results_overrides_key sees them, input hashes), or RESULTS_EMISMATCH saying what differs. */
static int check_same_run(h5_file *f, const scenario *s)
{
    uint64_t seed;
    if (h5_attr_get_u64(f, "/", "seed", &seed) || seed != s->seed)
        return h5_file_fail(f, RESULTS_EMISMATCH, "was written with another seed");
    char *text;
    if (h5_attr_get_str(f, "/", "scenario_text", &text)) return RESULTS_EFORMAT;
    bool same = strcmp(text, nz(s->text)) == 0;
    free(text);
    if (!same) return h5_file_fail(f, RESULTS_EMISMATCH, "was written from another scenario text");
    char *ov;
    if (get_str_opt(f, "overrides", &ov)) return RESULTS_ENOMEM;
    int rc = same_overrides(ov, s->overrides, &same);
    free(ov);
    if (rc) return h5_file_fail(f, rc, "out of memory");
    if (!same) return h5_file_fail(f, RESULTS_EMISMATCH, "was written with other --set overrides");
    uint64_t *hash;
    size_t n;
    if (h5_table_read_u64(f, "/inputs", "fnv1a64", &hash, &n)) return RESULTS_EFORMAT;
    same = n == s->n_inputs;
    for (size_t i = 0; same && i < n; i++) same = hash[i] == s->input_hashes[i];
    free(hash);
    if (!same) return h5_file_fail(f, RESULTS_EMISMATCH, "was written from other input files");
    return RESULTS_OK;
}

/* The replications a file is meant to hold: [rep_first, rep_end); files written before
 * shards existed hold [0, replications_planned). */
static void file_range(h5_file *f, int *first, int *end)
{
    if (h5_attr_get_int(f, "/", "rep_first", first)) *first = 0;
    if (h5_attr_get_int(f, "/", "rep_end", end) &&
        h5_attr_get_int(f, "/", "replications_planned", end))
        *end = 0;
}

/* Whether the file's status says it was committed. */
static bool attr_is_complete(h5_file *f)
{
    char *v;
    if (h5_attr_get_str(f, "/", "status", &v)) return false;
    bool done = strcmp(v, "complete") == 0;
    free(v);
    return done;
}

int results_check_run(const char *path, const scenario *s, uint32_t rep_first,
                      size_t *n_reps, bool *complete, char *err, size_t errlen)
{
    *n_reps = 0;
    *complete = false;
    if (err && errlen) err[0] = '\0';
    int code;
    h5_file *f = h5_file_open(path, false, &code, err, errlen);
    if (!f) return code == H5X_ENOMEM ? RESULTS_ENOMEM : code == H5X_ENOTHDF5 ? RESULTS_EFORMAT
                                                                              : RESULTS_EIO;
    int version, first, end;
    metrics fm = {0};
    int rc = check_layout(f, &version, &fm);
    if (!rc && fm.n_priorities != s->n_priorities)
        rc = h5_file_fail(f, RESULTS_EMISMATCH, "has %d priorities, the scenario %d",
                          fm.n_priorities, s->n_priorities);
    metrics_fini(&fm);
    rc = rc ? rc : check_same_run(f, s);
    if (!rc) {
        /* Only the start must agree: a run may end early (a stopping rule) or be extended. */
        file_range(f, &first, &end);
        if (first != (int)rep_first)
            rc = h5_file_fail(f, RESULTS_EMISMATCH, "holds replications from %d on, not from %u",
                              first, rep_first);
    }
    if (!rc) rc = from_h5(h5_table_nrows(f, "/summary", n_reps));
    if (!rc) *complete = attr_is_complete(f);
    if (rc) copy_err(err, errlen, h5_file_error(f));
    h5_file_close(f);
    return rc;
}

/* ---- Resuming ------------------------------------------------------------------------------- */

/* Cuts the rows of a table whose rep field is not in [first, end) (rows are in rep order, so
 * these can only be the last rows: those of a replication whose append was cut short). A
 * row whose rep goes backwards ends the good part too: rows HDF5 had extended the table for
 * but never wrote read as the fill value, rep 0. */
static int cut_to_reps(h5_file *f, h5_table *t, const char *path, size_t first, size_t end)
{
    int64_t *rep;
    size_t n;
    int rc = h5_table_read_i64(f, path, "rep", &rep, &n);
    if (rc) return rc;
    size_t keep = 0;
    while (keep < n && rep[keep] >= (int64_t)first && (size_t)rep[keep] < end &&
           (keep == 0 || rep[keep] >= rep[keep - 1]))
        keep++;
    free(rep);
    return h5_table_truncate(t, keep);
}

size_t results_reps_whole(const int64_t *rep, size_t n, size_t first, size_t k,
                          const int64_t *want, int64_t each)
{
    size_t row = 0;
    for (size_t i = 0; i < k; i++) {
        size_t from = row;
        while (row < n && rep[row] == (int64_t)(first + i)) row++;
        if ((int64_t)(row - from) != (want ? want[i] : each)) return i;
    }
    return k;
}

/* How many leading replications of a killed run are whole in every table: the /summary row
 * holds its own rep, and /incidents and /unit_reps exactly the rows it implies (its call
 * count; every unit). A run killed while HDF5 was flushing can leave a table extended
 * without its data, and those replications are run again rather than kept wrong. */
static int reps_whole(h5_file *f, const scenario *s, size_t first, size_t *k)
{
    int64_t *srep = NULL, *calls = NULL, *rep = NULL;
    size_t ns, nc, n;
    int rc = h5_table_read_i64(f, "/summary", "rep", &srep, &ns);
    rc = rc ? rc : h5_table_read_i64(f, "/summary", "calls", &calls, &nc);
    if (!rc) {
        size_t i = 0;
        while (i < *k && i < ns && srep[i] == (int64_t)(first + i) && calls[i] >= 0) i++;
        *k = i;
    }
    rc = rc ? rc : h5_table_read_i64(f, "/incidents", "rep", &rep, &n);
    if (!rc) *k = results_reps_whole(rep, n, first, *k, calls, 0);
    free(rep);
    rep = NULL;
    rc = rc ? rc : h5_table_read_i64(f, "/unit_reps", "rep", &rep, &n);
    if (!rc) *k = results_reps_whole(rep, n, first, *k, NULL, (int64_t)s->n_units);
    free(rep);
    free(srep);
    free(calls);
    return rc ? rc : results_ops_whole(f, s, first, k);
}

results_writer *results_resume(const char *path, const scenario *s, const metrics *m,
                               const results_meta *meta, size_t *reps_done, int *code,
                               char *err, size_t errlen)
{
    return results_resume_range(path, s, m, meta, 0, s ? (uint32_t)s->replications : 0,
                                reps_done, code, err, errlen);
}

results_writer *results_resume_range(const char *path, const scenario *s, const metrics *m,
                                     const results_meta *meta, uint32_t rep_first,
                                     uint32_t rep_end, size_t *reps_done, int *code, char *err,
                                     size_t errlen)
{
    int dummy;
    if (!code) code = &dummy;
    *reps_done = 0;
    if (err && errlen) err[0] = '\0';
    results_writer *w = calloc(1, sizeof *w);
    if (!w) {
        *code = RESULTS_ENOMEM;
        if (err && errlen) snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    w->s = s;
    w->m = m;
    w->rep_first = rep_first;
    int hcode;
    w->f = h5_file_reopen_tmp(path, &hcode, err, errlen);
    if (!w->f) {
        *code = from_h5(hcode);
        free(w);
        return NULL;
    }
    h5_file *f = w->f;
    int version, first, end, rc = writer_prepare(w);
    metrics fm = {0};
    if (!rc) rc = check_layout(f, &version, &fm);
    if (!rc && fm.n_priorities != m->n_priorities)
        rc = h5_file_fail(f, RESULTS_EMISMATCH, "has %d priorities, the scenario %d",
                          fm.n_priorities, m->n_priorities);
    metrics_fini(&fm);
    rc = rc ? rc : check_same_run(f, s);
    if (rc) goto err;
    file_range(f, &first, &end);
    if (first != (int)rep_first) {
        rc = h5_file_fail(f, RESULTS_EMISMATCH, "holds replications from %d on, not from %u",
                          first, rep_first);
        goto err;
    }
    w->summary = h5_table_open(f, "/summary", w->sum.f, w->sum.n, rowb_stride(&w->sum));
    w->incidents = h5_table_open(f, "/incidents", incident_fields, NFIELDS(incident_fields),
                                 sizeof(incident_row));
    w->unit_reps = h5_table_open(f, "/unit_reps", unit_rep_fields, NFIELDS(unit_rep_fields),
                                 sizeof(unit_rec));
    if (!w->summary || !w->incidents || !w->unit_reps) {
        rc = RESULTS_EFORMAT;
        goto err;
    }
    w->reps_done = h5_table_rows(w->summary);
    if (w->reps_done > rep_end - rep_first) {
        rc = h5_file_fail(f, RESULTS_EMISMATCH, "already holds %zu replications, more than the "
                          "%u asked for", w->reps_done, rep_end - rep_first);
        goto err;
    }
    rc = reps_whole(f, s, rep_first, &w->reps_done);
    rc = rc ? rc : h5_table_truncate(w->summary, w->reps_done);
    rc = rc ? rc : cut_to_reps(f, w->incidents, "/incidents", rep_first, rep_first + w->reps_done);
    rc = rc ? rc : cut_to_reps(f, w->unit_reps, "/unit_reps", rep_first, rep_first + w->reps_done);
    if (!rc && !(w->ops = results_ops_open(f, s, rep_first, rep_first + w->reps_done)))
        rc = RESULTS_EFORMAT;
    rc = rc ? rc : h5_attr_set_int(f, "/", "replications_done", (int)w->reps_done);
    rc = rc ? rc : h5_attr_set_int(f, "/", "replications_planned", s->replications);
    rc = rc ? rc : h5_attr_set_int(f, "/", "rep_end", (int)rep_end);
    rc = rc ? rc : h5_attr_set_str(f, "/", "status", "incomplete");
    /* The overrides may differ in run.replications only; record the ones that finish it. */
    rc = rc ? rc : h5_attr_set_str(f, "/", "overrides", nz(s->overrides));
    rc = rc ? rc : h5_attr_set_str(f, "/", "resumed_command_line",
                                   nz(meta ? meta->command_line : NULL));
    rc = rc ? rc : h5_file_flush(f);
    if (rc) {
        rc = from_h5(rc);
        goto err;
    }
    *reps_done = w->reps_done;
    *code = RESULTS_OK;
    return w;
err:
    *code = rc < 0 ? rc : RESULTS_EIO;
    copy_err(err, errlen, h5_file_error(f));
    writer_free(w);
    return NULL;
}

/* ---- Whether two files faced the same calls ------------------------------------------------- */

/* What identifies an incident, as read back from /incidents. The time is when it happened
 * (t_incident_s): when it was reported (t_call_s) may depend on the deployment (cameras report
 * sooner), which is what a comparison measures, not what it must hold equal. Files written
 * before incidents had their own time have only t_call_s, which then serves. */
typedef struct call_key {
    uint32_t rep;
    uint32_t id;
    int32_t type;
    int32_t priority;
    int64_t node_id;
    double t_s;
    double onscene_s;
} call_key;

#define CALL_KEY_FIELDS(time)                                                              \
    {{"rep", H5X_U32, offsetof(call_key, rep), 0, NULL},                                   \
     {"id", H5X_U32, offsetof(call_key, id), 0, NULL},                                     \
     {"type", H5X_I32, offsetof(call_key, type), 0, NULL},                                 \
     {"priority", H5X_I32, offsetof(call_key, priority), 0, NULL},                         \
     {"node_id", H5X_I64, offsetof(call_key, node_id), 0, NULL},                           \
     {time, H5X_F64, offsetof(call_key, t_s), 0, NULL},                                   \
     {"onscene_s", H5X_F64, offsetof(call_key, onscene_s), 0, NULL}}
static const h5_field call_key_fields[] = CALL_KEY_FIELDS("t_incident_s");
static const h5_field call_key_fields_old[] = CALL_KEY_FIELDS("t_call_s");
#undef CALL_KEY_FIELDS

typedef struct type_name {
    char name[64];
} type_name;

/* The calls of a file and the names of its incident types. */
typedef struct call_set {
    call_key *calls;
    size_t n_calls;
    type_name *types;
    size_t n_types;
} call_set;

static void call_set_fini(call_set *c)
{
    free(c->calls);
    free(c->types);
}

static int call_set_read(const char *path, call_set *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    int code;
    h5_file *f = h5_file_open(path, false, &code, err, errlen);
    if (!f) return code == H5X_ENOMEM ? RESULTS_ENOMEM : code == H5X_ENOTHDF5 ? RESULTS_EFORMAT
                                                                              : RESULTS_EIO;
    void *rows = NULL;
    int h = h5_table_read(f, "/incidents", call_key_fields, NFIELDS(call_key_fields),
                          sizeof(call_key), &rows, &c->n_calls);
    if (h == H5X_ENOTFOUND && h5_exists(f, "/incidents"))
        h = h5_table_read(f, "/incidents", call_key_fields_old, NFIELDS(call_key_fields_old),
                          sizeof(call_key), &rows, &c->n_calls);
    int rc = from_h5(h);
    c->calls = rows;
    h5_field tn = {"name", H5X_STR, offsetof(type_name, name), sizeof(type_name), NULL};
    rows = NULL;
    if (!rc) rc = from_h5(h5_table_read(f, "/types", &tn, 1, sizeof(type_name), &rows,
                                        &c->n_types));
    c->types = rows;
    if (rc) copy_err(err, errlen, h5_file_error(f));
    h5_file_close(f);
    return rc;
}

static const char *type_name_of(const call_set *c, int32_t t)
{
    return t >= 0 && (size_t)t < c->n_types ? c->types[t].name : "?";
}

int results_same_calls(const char *path_a, const char *path_b, size_t n_reps, char *why,
                       size_t whylen, char *err, size_t errlen)
{
    if (why && whylen) why[0] = '\0';
    call_set a, b;
    int rc = call_set_read(path_a, &a, err, errlen);
    if (!rc) rc = call_set_read(path_b, &b, err, errlen);
    else memset(&b, 0, sizeof b);
    if (rc) {
        call_set_fini(&a);
        call_set_fini(&b);
        return rc;
    }
    /* Rows are in replication order, and within one in arrival order. */
    size_t i = 0, j = 0;
    int same = 1;
    for (uint32_t r = 0; r < n_reps && same; r++) {
        while (i < a.n_calls && a.calls[i].rep < r) i++;
        while (j < b.n_calls && b.calls[j].rep < r) j++;
        size_t i0 = i, j0 = j;
        while (i < a.n_calls && a.calls[i].rep == r) i++;
        while (j < b.n_calls && b.calls[j].rep == r) j++;
        size_t na = i - i0, nb = j - j0;
        for (size_t k = 0; k < na && k < nb && same; k++) {
            const call_key *x = &a.calls[i0 + k], *y = &b.calls[j0 + k];
            const char *what = NULL;
            char va[96], vb[96];
            if (x->t_s != y->t_s) {
                what = "time";
                snprintf(va, sizeof va, "%.3f s", x->t_s);
                snprintf(vb, sizeof vb, "%.3f s", y->t_s);
            } else if (x->node_id != y->node_id) {
                what = "place";
                snprintf(va, sizeof va, "node %lld", (long long)x->node_id);
                snprintf(vb, sizeof vb, "node %lld", (long long)y->node_id);
            } else if (x->priority != y->priority ||
                       strcmp(type_name_of(&a, x->type), type_name_of(&b, y->type)) != 0) {
                what = "type";
                snprintf(va, sizeof va, "%s (priority %d)", type_name_of(&a, x->type), x->priority);
                snprintf(vb, sizeof vb, "%s (priority %d)", type_name_of(&b, y->type), y->priority);
            } else if (x->onscene_s != y->onscene_s) {
                what = "time on scene";
                snprintf(va, sizeof va, "%.1f s", x->onscene_s);
                snprintf(vb, sizeof vb, "%.1f s", y->onscene_s);
            }
            if (what) {
                same = 0;
                if (why && whylen)
                    snprintf(why, whylen, "replication %u, incident %zu: %s %s in A, %s in B", r,
                             k, what, va, vb);
            }
        }
        if (same && na != nb) {
            same = 0;
            if (why && whylen)
                snprintf(why, whylen, "replication %u: %zu incidents in A, %zu in B", r, na, nb);
        }
    }
    call_set_fini(&a);
    call_set_fini(&b);
    return same;
}

/* ---- Merging shards ------------------------------------------------------------------------- */

/* What merge needs to know of a shard. */
typedef struct shard_info {
    const char *path;
    uint64_t seed;
    char *text, *overrides_key, *status;
    uint64_t *hashes;
    size_t n_hashes;
    int n_priorities, planned;
    size_t first, n;            /* the /summary rows: replications first .. first + n - 1 */
} shard_info;

static void shard_info_fini(shard_info *s)
{
    free(s->text);
    free(s->overrides_key);
    free(s->status);
    free(s->hashes);
}

/* Appends a line to the message buffer (messages are collected, one per problem). */
static void msg_add(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void msg_add(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    size_t used = strlen(err);
    if (used + 2 >= errlen) return;
    if (used) {
        err[used++] = '\n';
        err[used] = '\0';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + used, errlen - used, fmt, ap);
    va_end(ap);
}

static int shard_read(shard_info *si, char *err, size_t errlen)
{
    char e[1024];
    int code;
    h5_file *f = h5_file_open(si->path, false, &code, e, sizeof e);
    if (!f) {
        msg_add(err, errlen, "%s", e);
        return code == H5X_ENOMEM ? RESULTS_ENOMEM : RESULTS_EFORMAT;
    }
    int version, first, end;
    metrics fm = {0};
    int rc = check_layout(f, &version, &fm);
    si->n_priorities = fm.n_priorities;
    metrics_fini(&fm);
    char *ov = NULL;
    int64_t *rep = NULL;
    rc = rc ? rc : from_h5(h5_attr_get_u64(f, "/", "seed", &si->seed));
    rc = rc ? rc : from_h5(h5_attr_get_str(f, "/", "scenario_text", &si->text));
    rc = rc ? rc : get_str_opt(f, "overrides", &ov);
    rc = rc ? rc : get_str_opt(f, "status", &si->status);
    rc = rc ? rc : from_h5(h5_attr_get_int(f, "/", "replications_planned", &si->planned));
    rc = rc ? rc : from_h5(h5_table_read_u64(f, "/inputs", "fnv1a64", &si->hashes,
                                             &si->n_hashes));
    rc = rc ? rc : from_h5(h5_table_read_i64(f, "/summary", "rep", &rep, &si->n));
    if (!rc && !(si->overrides_key = results_overrides_key(ov))) rc = RESULTS_ENOMEM;
    if (!rc) {
        file_range(f, &first, &end);
        si->first = si->n ? (size_t)rep[0] : (size_t)first;
        for (size_t i = 0; i < si->n && !rc; i++)
            if (rep[i] != (int64_t)(si->first + i))
                rc = h5_file_fail(f, RESULTS_EFORMAT, "/summary: row %zu is replication %lld "
                                  "where %zu was expected", i, (long long)rep[i], si->first + i);
    }
    if (rc) msg_add(err, errlen, "%s", h5_file_error(f));
    free(ov);
    free(rep);
    h5_file_close(f);
    return rc;
}

static int cmp_shard_first(const void *a, const void *b)
{
    const shard_info *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first ? 1 : 0;
}

/* The identity checks of a merge: every shard is complete and of the same run as the first. */
static int shards_check(shard_info *sh, size_t n, char *err, size_t errlen)
{
    int rc = RESULTS_OK;
    const shard_info *a = &sh[0];
    for (size_t i = 0; i < n; i++) {
        const shard_info *b = &sh[i];
        if (strcmp(b->status, "complete") != 0) {
            msg_add(err, errlen, "%s: incomplete (%zu replications from %zu): finish it with "
                    "'patrolsim run ... --rep-range ... --resume' first", b->path, b->n, b->first);
            rc = RESULTS_EMISMATCH;
        }
        if (i == 0) continue;
        const char *what = NULL;
        if (b->seed != a->seed)
            what = "another seed";
        else if (strcmp(b->text, a->text) != 0)
            what = "another scenario text";
        else if (strcmp(b->overrides_key, a->overrides_key) != 0)
            what = "other --set overrides";
        else if (b->n_priorities != a->n_priorities)
            what = "another number of priorities";
        else if (b->planned != a->planned)
            what = "another replication count (-r)";
        else if (b->n_hashes != a->n_hashes ||
                 memcmp(b->hashes, a->hashes, a->n_hashes * sizeof *a->hashes) != 0)
            what = "other input files";
        if (what) {
            msg_add(err, errlen, "%s: not a shard of the same run as %s: %s", b->path, a->path,
                    what);
            rc = RESULTS_EMISMATCH;
        }
    }
    if (rc) return rc;
    /* Coverage: sorted by first replication, each must start where the previous ended. */
    qsort(sh, n, sizeof *sh, cmp_shard_first);
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (sh[i].n == 0) continue;
        if (sh[i].first == next + 1)
            msg_add(err, errlen, "replication %zu is missing (in no shard)", next);
        else if (sh[i].first > next)
            msg_add(err, errlen, "replications %zu..%zu are missing (in no shard)", next,
                    sh[i].first - 1);
        else if (sh[i].first < next) {
            const shard_info *prev = NULL;
            for (size_t j = 0; j < i; j++)
                if (sh[j].n && sh[j].first + sh[j].n > sh[i].first) prev = &sh[j];
            size_t hi = next < sh[i].first + sh[i].n ? next : sh[i].first + sh[i].n;
            if (hi - 1 == sh[i].first)
                msg_add(err, errlen, "%s and %s both hold replication %zu",
                        prev ? prev->path : "?", sh[i].path, sh[i].first);
            else
                msg_add(err, errlen, "%s and %s both hold replications %zu..%zu",
                        prev ? prev->path : "?", sh[i].path, sh[i].first, hi - 1);
        }
        if (sh[i].first != next) rc = RESULTS_EMISMATCH;
        if (sh[i].first + sh[i].n > next) next = sh[i].first + sh[i].n;
    }
    if (next < (size_t)a->planned) {
        msg_add(err, errlen, "replications %zu..%d are missing (in no shard)", next,
                a->planned - 1);
        rc = RESULTS_EMISMATCH;
    }
    if (next > (size_t)a->planned) {
        msg_add(err, errlen, "the shards hold %zu replications, the run asked for %d", next,
                a->planned);
        rc = RESULTS_EMISMATCH;
    }
    return rc;
}

/* Copies a file byte for byte. */
static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
    FILE *in = fopen(from, "rb");
    if (!in) {
        msg_add(err, errlen, "%s: cannot read: %s", from, strerror(errno));
        return RESULTS_EIO;
    }
    FILE *out = fopen(to, "wb");
    if (!out) {
        msg_add(err, errlen, "%s: cannot create: %s", to, strerror(errno));
        fclose(in);
        return RESULTS_EIO;
    }
    char buf[65536];
    size_t n;
    int rc = RESULTS_OK;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            rc = RESULTS_EIO;
            break;
        }
    if (ferror(in)) rc = RESULTS_EIO;
    if (fclose(out) != 0) rc = RESULTS_EIO;
    fclose(in);
    if (rc) msg_add(err, errlen, "%s: cannot copy %s into it", to, from);
    return rc;
}

/* Appends every row of one table of a shard to the open table t. */
static int append_table(h5_file *out, h5_table *t, const char *shard, const char *path,
                        const h5_field *fields, size_t n_fields, size_t row_size, char *err,
                        size_t errlen)
{
    char e[1024];
    int code;
    h5_file *f = h5_file_open(shard, false, &code, e, sizeof e);
    if (!f) {
        msg_add(err, errlen, "%s", e);
        return RESULTS_EIO;
    }
    void *rows = NULL;
    size_t n = 0;
    int rc = from_h5(h5_table_read(f, path, fields, n_fields, row_size, &rows, &n));
    if (rc) msg_add(err, errlen, "%s", h5_file_error(f));
    h5_file_close(f);
    if (!rc && n) {
        rc = from_h5(h5_table_append(t, rows, n));
        if (rc) msg_add(err, errlen, "%s", h5_file_error(out));
    }
    free(rows);
    return rc;
}

int results_merge(const char *out_path, const char *const *shards, size_t n,
                  const results_meta *meta, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (n == 0) {
        msg_add(err, errlen, "%s: no shards to merge", out_path);
        return RESULTS_EINVAL;
    }
    shard_info *sh = calloc(n, sizeof *sh);
    if (!sh) {
        msg_add(err, errlen, "%s: out of memory", out_path);
        return RESULTS_ENOMEM;
    }
    int rc = RESULTS_OK;
    for (size_t i = 0; i < n; i++) {
        sh[i].path = shards[i];
        int r = shard_read(&sh[i], err, errlen);
        if (r && !rc) rc = r;
    }
    if (!rc) rc = shards_check(sh, n, err, errlen);
    if (rc) goto out;

    /* The first shard, copied, becomes the merged file; the others' rows are appended. */
    size_t tl = strlen(out_path) + sizeof ".tmp";
    char *tmp = malloc(tl);
    if (!tmp) {
        rc = RESULTS_ENOMEM;
        goto out;
    }
    snprintf(tmp, tl, "%s.tmp", out_path);
    rc = copy_file(sh[0].path, tmp, err, errlen);
    if (rc) goto out_tmp;
    char e[1024];
    int code;
    h5_file *f = h5_file_reopen_tmp(out_path, &code, e, sizeof e);
    if (!f) {
        msg_add(err, errlen, "%s", e);
        rc = from_h5(code);
        goto out_tmp;
    }
    metrics m;
    rowb sum;
    if (metrics_init(&m, sh[0].n_priorities)) {
        h5_file_close(f);
        rc = RESULTS_ENOMEM;
        goto out_tmp;
    }
    summary_layout(&sum, &m);
    /* Every per-replication table, /summary last as in a run: its rows say what is complete. */
    enum { MERGE_MAX_TABLES = 16 };
    results_rep_table tabs[MERGE_MAX_TABLES];
    size_t nt = 0;
    tabs[nt++] = (results_rep_table){"/incidents", incident_fields, NFIELDS(incident_fields),
                                     sizeof(incident_row)};
    tabs[nt++] = (results_rep_table){"/unit_reps", unit_rep_fields, NFIELDS(unit_rep_fields),
                                     sizeof(unit_rec)};
    /* Never silently fewer: a table left out of a merge would lose its rows. */
    if (results_ops_n_rep_tables + 3 > MERGE_MAX_TABLES) {
        msg_add(err, errlen, "results_merge: %zu tables, room for %d (raise MERGE_MAX_TABLES)",
                results_ops_n_rep_tables + 3, (int)MERGE_MAX_TABLES);
        h5_file_close(f);
        metrics_fini(&m);
        rc = RESULTS_EINVAL;
        goto out_tmp;
    }
    for (size_t k = 0; k < results_ops_n_rep_tables; k++)
        tabs[nt++] = results_ops_rep_tables[k];
    tabs[nt++] = (results_rep_table){"/summary", sum.f, sum.n, rowb_stride(&sum)};
    h5_table *t[MERGE_MAX_TABLES] = {0};
    for (size_t k = 0; k < nt && !rc; k++) {
        t[k] = h5_table_open(f, tabs[k].path, tabs[k].fields, tabs[k].n_fields,
                             tabs[k].row_size);
        if (!t[k]) rc = RESULTS_EFORMAT;
        /* A complete shard has no stray rows; cut any all the same. */
        else if (k + 1 < nt)
            rc = from_h5(cut_to_reps(f, t[k], tabs[k].path, 0, sh[0].n));
    }
    if (rc) msg_add(err, errlen, "%s", h5_file_error(f));
    for (size_t i = 1; i < n && !rc; i++) {
        if (sh[i].n == 0) continue;
        for (size_t k = 0; k < nt && !rc; k++)
            rc = append_table(f, t[k], sh[i].path, tabs[k].path, tabs[k].fields,
                              tabs[k].n_fields, tabs[k].row_size, err, errlen);
    }
    for (size_t k = 0; k < nt; k++) h5_table_close(t[k]);
    metrics_fini(&m);
    const char **paths = calloc(n, sizeof *paths);
    if (!rc && !paths) rc = RESULTS_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < n; i++) paths[i] = sh[i].path;
        char now[32];
        utc_now(now, sizeof now);
        int h = h5_attr_set_int(f, "/", "replications_done", sh[0].planned);
        h = h ? h : h5_attr_set_int(f, "/", "rep_first", 0);
        h = h ? h : h5_attr_set_int(f, "/", "rep_end", sh[0].planned);
        h = h ? h : h5_attr_set_strv(f, "/", "merged_from", paths, n);
        h = h ? h : h5_attr_set_str(f, "/", "merged_command_line",
                                    nz(meta ? meta->command_line : NULL));
        h = h ? h : h5_attr_set_str(f, "/", "completed_utc", now);
        h = h ? h : h5_attr_set_str(f, "/", "status", "complete");
        h = h ? h : h5_file_commit(f);
        if (h) {
            msg_add(err, errlen, "%s", h5_file_error(f));
            rc = from_h5(h);
        }
    }
    free(paths);
    h5_file_close(f);
out_tmp:
    /* A failed merge leaves nothing behind (after a commit the .tmp is gone anyway). */
    if (rc) remove(tmp);
    free(tmp);
out:
    for (size_t i = 0; i < n; i++) shard_info_fini(&sh[i]);
    free(sh);
    return rc;
}
