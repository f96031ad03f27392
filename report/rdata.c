/* rdata.c - reading a results file for the report, and the reductions the charts show.
 * See rdata.h.
 *
 * Tables are read through h5_table_read with row structs that hold only the columns needed,
 * so HDF5 converts and copies nothing else; /incidents, by far the largest table, is read
 * once. Node ids in /network/edges and /stations are turned into node rows by a sorted copy
 * of the node ids and binary search.
 *
 * Replications are identified by the rep column of /summary: a call or unit row belongs to
 * the report when its rep is there (a shard of a larger run starts at its own first rep; an
 * interrupted run's file may end with part of a replication that has no summary row yet).
 */
#include "rdata.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5.h"

#define NAME_LEN 128

static int from_h5(int code)
{
    switch (code) {
    case H5X_OK:
        return RESULTS_OK;
    case H5X_ENOMEM:
        return RESULTS_ENOMEM;
    case H5X_EIO:
        return RESULTS_EIO;
    default:
        return RESULTS_EFORMAT;
    }
}

static void strv_free(char **v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void rdata_fini(rdata *d)
{
    if (!d) return;
    free(d->path);
    results_summary_fini(&d->sum);
    free(d->overrides);
    free(d->calls);
    strv_free(d->zone_kind, d->n_zones);
    free(d->zone_target_s);
    free(d->node_x_m);
    free(d->node_y_m);
    free(d->edge_a);
    free(d->edge_b);
    free(d->edge_class);
    strv_free(d->class_names, d->n_classes);
    strv_free(d->station_name, d->n_stations);
    free(d->station_x_m);
    free(d->station_y_m);
    strv_free(d->post_kind, d->n_posts);
    free(d->post_x_m);
    free(d->post_y_m);
    strv_free(d->unit_kind, d->n_units);
    free(d->ur_unit);
    free(d->ur_rep_row);
    free(d->ur_on_duty_s);
    free(d->ur_busy_s);
    free(d->major);
    free(d->curve);
    strv_free(d->state_name, d->n_states);
    free(d->ur_state_s);
    memset(d, 0, sizeof *d);
}

stats_ci rdata_figure(const rdata *d, const char *col)
{
    int j = metrics_find(&d->sum.m, col);
    if (j < 0 || d->sum.n_reps == 0) {
        stats_ci none = {NAN, NAN, NAN, NAN, NAN, 0};
        return none;
    }
    return stats_ci95_strided(d->sum.rows + j, d->sum.n_reps, d->sum.m.n);
}

/* ---- Lookups -------------------------------------------------------------------------------- */

typedef struct idrow {
    int64_t id;
    int32_t row;
} idrow;

static int cmp_idrow(const void *a, const void *b)
{
    int64_t x = ((const idrow *)a)->id, y = ((const idrow *)b)->id;
    return x < y ? -1 : x > y;
}

static int32_t id_find(const idrow *t, size_t n, int64_t id)
{
    idrow probe = {id, 0};
    const idrow *hit = n ? bsearch(&probe, t, n, sizeof *t, cmp_idrow) : NULL;
    return hit ? hit->row : -1;
}

typedef struct reprow {
    uint32_t rep, row;
} reprow;

static int cmp_reprow(const void *a, const void *b)
{
    uint32_t x = ((const reprow *)a)->rep, y = ((const reprow *)b)->rep;
    return x < y ? -1 : x > y;
}

/* The /summary row of replication rep, or -1. */
static long rep_find(const reprow *t, size_t n, uint32_t rep)
{
    reprow probe = {rep, 0};
    const reprow *hit = n ? bsearch(&probe, t, n, sizeof *t, cmp_reprow) : NULL;
    return hit ? (long)hit->row : -1;
}

/* ---- Loading -------------------------------------------------------------------------------- */

typedef struct inc_row {
    uint32_t rep;
    int32_t priority, status, node, zone, counted;
    double t_call_s, response_s, target_s;
} inc_row;

typedef struct name_row {
    char s[NAME_LEN];
} name_row;

/* A text column of a table as an array of strings. */
static int read_names(h5_file *f, const char *path, const char *col, char ***out, size_t *n)
{
    h5_field fd = {col, H5X_STR, 0, NAME_LEN, NULL};
    void *buf;
    int rc = h5_table_read(f, path, &fd, 1, sizeof(name_row), &buf, n);
    *out = NULL;
    if (rc) return rc;
    if (*n == 0) return 0;
    char **v = calloc(*n, sizeof *v);
    if (!v) {
        free(buf);
        return H5X_ENOMEM;
    }
    name_row *rows = buf;
    for (size_t i = 0; i < *n; i++) {
        v[i] = strdup(rows[i].s);
        if (!v[i]) {
            strv_free(v, i);
            free(buf);
            return H5X_ENOMEM;
        }
    }
    free(buf);
    *out = v;
    return 0;
}

static int load_calls(h5_file *f, rdata *d, const reprow *reps, size_t n_reps)
{
    static const h5_field fields[] = {
        {"rep", H5X_U32, offsetof(inc_row, rep), 0, NULL},
        {"priority", H5X_I32, offsetof(inc_row, priority), 0, NULL},
        {"status", H5X_I32, offsetof(inc_row, status), 0, NULL},
        {"node", H5X_I32, offsetof(inc_row, node), 0, NULL},
        {"zone", H5X_I32, offsetof(inc_row, zone), 0, NULL},
        {"counted", H5X_I32, offsetof(inc_row, counted), 0, NULL},
        {"t_call_s", H5X_F64, offsetof(inc_row, t_call_s), 0, NULL},
        {"response_s", H5X_F64, offsetof(inc_row, response_s), 0, NULL},
        {"target_s", H5X_F64, offsetof(inc_row, target_s), 0, NULL},
    };
    void *buf;
    size_t n;
    int rc = h5_table_read(f, "/incidents", fields, sizeof fields / sizeof fields[0],
                           sizeof(inc_row), &buf, &n);
    if (rc) return rc;
    inc_row *rows = buf;
    d->calls = n ? malloc(n * sizeof *d->calls) : NULL;
    if (n && !d->calls) {
        free(buf);
        return H5X_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const inc_row *r = &rows[i];
        long row = rep_find(reps, n_reps, r->rep);
        if (row < 0 || r->counted != 1) continue;
        d->calls[k++] = (rdata_call){
            .rep = r->rep,
            .rep_row = (uint32_t)row,
            .priority = r->priority,
            .status = r->status,
            .node = r->node,
            .zone = r->zone,
            .t_call_s = r->t_call_s,
            .response_s = r->status == 0 ? r->response_s : NAN,
            .target_s = r->target_s,
        };
    }
    d->n_calls = k;
    free(buf);
    return 0;
}

static int load_zones(h5_file *f, rdata *d)
{
    int rc = read_names(f, "/zones", "kind", &d->zone_kind, &d->n_zones);
    if (rc || d->n_zones == 0 || d->n_priorities < 1) return rc;
    size_t np = (size_t)d->n_priorities;
    d->zone_target_s = malloc(d->n_zones * np * sizeof(double));
    if (!d->zone_target_s) return H5X_ENOMEM;
    for (size_t k = 0; k < np; k++) {
        char col[32];
        snprintf(col, sizeof col, "target_p%zu_s", k + 1);
        double *v;
        size_t n;
        rc = h5_table_read_f64(f, "/zones", col, &v, &n);
        if (rc) return rc;
        for (size_t z = 0; z < d->n_zones; z++)
            d->zone_target_s[z * np + k] = z < n ? v[z] : NAN;
        free(v);
    }
    return 0;
}

static int load_network(h5_file *f, rdata *d, idrow **ids_out)
{
    size_t n;
    int rc = h5_table_read_f64(f, "/network/nodes", "x_m", &d->node_x_m, &d->n_nodes);
    rc = rc ? rc : h5_table_read_f64(f, "/network/nodes", "y_m", &d->node_y_m, &n);
    if (rc) return rc;
    int64_t *id = NULL;
    rc = h5_table_read_i64(f, "/network/nodes", "id", &id, &n);
    if (rc) return rc;
    idrow *ids = d->n_nodes ? malloc(d->n_nodes * sizeof *ids) : NULL;
    if (d->n_nodes && !ids) {
        free(id);
        return H5X_ENOMEM;
    }
    for (size_t i = 0; i < d->n_nodes; i++)
        ids[i] = (idrow){id[i], (int32_t)i};
    free(id);
    if (d->n_nodes) qsort(ids, d->n_nodes, sizeof *ids, cmp_idrow);
    *ids_out = ids;

    int64_t *from = NULL, *to = NULL;
    int64_t *cls = NULL;
    rc = h5_table_read_i64(f, "/network/edges", "from_id", &from, &d->n_edges);
    rc = rc ? rc : h5_table_read_i64(f, "/network/edges", "to_id", &to, &n);
    rc = rc ? rc : h5_table_read_i64(f, "/network/edges", "class", &cls, &n);
    if (!rc && d->n_edges) {
        d->edge_a = malloc(d->n_edges * sizeof *d->edge_a);
        d->edge_b = malloc(d->n_edges * sizeof *d->edge_b);
        d->edge_class = malloc(d->n_edges * sizeof *d->edge_class);
        if (!d->edge_a || !d->edge_b || !d->edge_class) rc = H5X_ENOMEM;
    }
    for (size_t i = 0; !rc && i < d->n_edges; i++) {
        d->edge_a[i] = id_find(ids, d->n_nodes, from[i]);
        d->edge_b[i] = id_find(ids, d->n_nodes, to[i]);
        d->edge_class[i] = (int32_t)cls[i];
    }
    free(from);
    free(to);
    free(cls);
    if (rc) return rc;
    if (h5_attr_exists(f, "/network/edges", "class_names")) {
        rc = h5_attr_get_strv(f, "/network/edges", "class_names", &d->class_names, &d->n_classes);
        if (rc) return rc;
    }
    return 0;
}

static int load_stations(h5_file *f, rdata *d, const idrow *ids)
{
    int rc = read_names(f, "/stations", "name", &d->station_name, &d->n_stations);
    if (rc || d->n_stations == 0) return rc;
    int64_t *node;
    size_t n;
    rc = h5_table_read_i64(f, "/stations", "node_id", &node, &n);
    if (rc) return rc;
    d->station_x_m = malloc(d->n_stations * sizeof(double));
    d->station_y_m = malloc(d->n_stations * sizeof(double));
    if (!d->station_x_m || !d->station_y_m) {
        free(node);
        return H5X_ENOMEM;
    }
    for (size_t i = 0; i < d->n_stations; i++) {
        int32_t r = i < n ? id_find(ids, d->n_nodes, node[i]) : -1;
        d->station_x_m[i] = r >= 0 ? d->node_x_m[r] : NAN;
        d->station_y_m[i] = r >= 0 ? d->node_y_m[r] : NAN;
    }
    free(node);
    return 0;
}

/* The posts of the operations model (garrisons, kiosks, checkpoints), if the file has them. */
static int load_posts(h5_file *f, rdata *d, const idrow *ids)
{
    if (!h5_exists(f, "/posts")) return 0;
    int rc = read_names(f, "/posts", "kind", &d->post_kind, &d->n_posts);
    if (rc || d->n_posts == 0) return rc;
    int64_t *node;
    size_t n;
    rc = h5_table_read_i64(f, "/posts", "node_id", &node, &n);
    if (rc) return rc;
    d->post_x_m = malloc(d->n_posts * sizeof(double));
    d->post_y_m = malloc(d->n_posts * sizeof(double));
    if (!d->post_x_m || !d->post_y_m) {
        free(node);
        return H5X_ENOMEM;
    }
    for (size_t i = 0; i < d->n_posts; i++) {
        int32_t r = i < n ? id_find(ids, d->n_nodes, node[i]) : -1;
        d->post_x_m[i] = r >= 0 ? d->node_x_m[r] : NAN;
        d->post_y_m[i] = r >= 0 ? d->node_y_m[r] : NAN;
    }
    free(node);
    return 0;
}

/* Major incidents (/major_reps, /major_curve) of the finished replications, if the file has
 * them. */
typedef struct major_row {
    uint32_t rep;
    int32_t incident, officers;
    double t[5];
} major_row;

typedef struct curve_row {
    uint32_t rep;
    int32_t incident, officers;
    double t_s;
} curve_row;

static int load_major(h5_file *f, rdata *d, const reprow *reps, size_t n_reps)
{
    if (!h5_exists(f, "/major_reps") || !h5_exists(f, "/major_curve")) return 0;
    static const h5_field mf[] = {
        {"rep", H5X_U32, offsetof(major_row, rep), 0, NULL},
        {"incident", H5X_I32, offsetof(major_row, incident), 0, NULL},
        {"officers", H5X_I32, offsetof(major_row, officers), 0, NULL},
        {"t_tier1_s", H5X_F64, offsetof(major_row, t[0]), 0, NULL},
        {"t_tier2_s", H5X_F64, offsetof(major_row, t[1]), 0, NULL},
        {"t_tier3_s", H5X_F64, offsetof(major_row, t[2]), 0, NULL},
        {"t_tier4_s", H5X_F64, offsetof(major_row, t[3]), 0, NULL},
        {"t_full_s", H5X_F64, offsetof(major_row, t[4]), 0, NULL},
    };
    static const h5_field cf[] = {
        {"rep", H5X_U32, offsetof(curve_row, rep), 0, NULL},
        {"incident", H5X_I32, offsetof(curve_row, incident), 0, NULL},
        {"officers", H5X_I32, offsetof(curve_row, officers), 0, NULL},
        {"t_s", H5X_F64, offsetof(curve_row, t_s), 0, NULL},
    };
    void *mb = NULL, *cb = NULL;
    size_t nm = 0, nc = 0;
    int rc =
        h5_table_read(f, "/major_reps", mf, sizeof mf / sizeof mf[0], sizeof(major_row), &mb, &nm);
    rc = rc ? rc
            : h5_table_read(f, "/major_curve", cf, sizeof cf / sizeof cf[0], sizeof(curve_row), &cb,
                            &nc);
    if (!rc && nm) {
        d->major = malloc(nm * sizeof *d->major);
        d->curve = malloc((nc + 1) * sizeof *d->curve);
        if (!d->major || !d->curve) rc = H5X_ENOMEM;
    }
    /* Which are public events: a column some files (written by hand, or older) lack. */
    int64_t *random = NULL;
    size_t nr = 0;
    if (!rc && nm && h5_table_read_i64(f, "/major_reps", "random", &random, &nr) == 0 && nr != nm) {
        free(random);
        random = NULL;
    }
    const major_row *m = mb;
    const curve_row *c = cb;
    for (size_t i = 0; !rc && d->major && i < nm; i++) {
        long row = rep_find(reps, n_reps, m[i].rep);
        if (row < 0) continue;
        rdata_major *o = &d->major[d->n_major++];
        o->rep_row = (uint32_t)row;
        o->incident = m[i].incident;
        o->officers = m[i].officers;
        o->random = random ? (int32_t)random[i] : 0;
        for (int k = 0; k < 4; k++)
            o->t_tier_s[k] = m[i].t[k];
        o->t_full_s = m[i].t[4];
    }
    for (size_t i = 0; !rc && d->curve && i < nc; i++) {
        long row = rep_find(reps, n_reps, c[i].rep);
        if (row < 0) continue;
        d->curve[d->n_curve++] =
            (rdata_major_pt){(uint32_t)row, c[i].incident, c[i].t_s, c[i].officers};
    }
    free(random);
    free(mb);
    free(cb);
    return rc;
}

/* The reserve's tiers (/reserve_tiers), if the file has them: the lines of the build-up chart.
 * At most four are kept, as the scenario allows. */
typedef struct tier_row {
    char name[64];
    int32_t cum;
} tier_row;

static int load_tiers(h5_file *f, rdata *d)
{
    if (!h5_exists(f, "/reserve_tiers")) return 0;
    static const h5_field tf[] = {
        {"name", H5X_STR, offsetof(tier_row, name), 64, NULL},
        {"cumulative_officers", H5X_I32, offsetof(tier_row, cum), 0, NULL},
    };
    void *tb = NULL;
    size_t n = 0;
    int rc = h5_table_read(f, "/reserve_tiers", tf, 2, sizeof(tier_row), &tb, &n);
    const tier_row *t = tb;
    for (size_t i = 0; !rc && i < n && d->n_tiers < 4; i++) {
        d->tier_cum_officers[d->n_tiers] = t[i].cum;
        snprintf(d->tier_name[d->n_tiers], sizeof d->tier_name[0], "%s", t[i].name);
        d->n_tiers++;
    }
    free(tb);
    return rc;
}

/* Columns of /unit_reps that hold time in a state while on duty: unit "s", other than the
 * known columns that are not (on_duty_s, busy_s, overtime_s, and off_s, the time off shift). */
static int find_state_columns(h5_file *f, rdata *d)
{
    char **names = NULL, **units = NULL;
    size_t n = 0, nu = 0;
    int rc = h5_table_field_names(f, "/unit_reps", &names, &n);
    if (rc) return rc;
    if (h5_attr_get_strv(f, "/unit_reps", "units", &units, &nu) != 0) {
        units = NULL;
        nu = 0;
    }
    d->state_name = n ? calloc(n, sizeof *d->state_name) : NULL;
    if (n && !d->state_name) rc = H5X_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *nm = names[i];
        size_t len = strlen(nm);
        bool secs =
            i < nu ? strcmp(units[i], "s") == 0 : (len > 2 && strcmp(nm + len - 2, "_s") == 0);
        if (!secs || strcmp(nm, "on_duty_s") == 0 || strcmp(nm, "busy_s") == 0 ||
            strcmp(nm, "overtime_s") == 0 || strcmp(nm, "off_s") == 0)
            continue; /* off_s: time off shift, not a share of the time on duty */
        d->state_name[d->n_states] = strdup(nm);
        if (!d->state_name[d->n_states])
            rc = H5X_ENOMEM;
        else
            d->n_states++;
    }
    h5_strv_free(names, n);
    h5_strv_free(units, nu);
    return rc;
}

typedef struct ur_row {
    uint32_t rep;
    int32_t unit;
    double on_duty_s, busy_s;
} ur_row;

static int load_unit_reps(h5_file *f, rdata *d, const reprow *reps, size_t n_reps)
{
    int rc = read_names(f, "/units", "kind", &d->unit_kind, &d->n_units);
    rc = rc ? rc : find_state_columns(f, d);
    if (rc) return rc;
    static const h5_field fields[] = {
        {"rep", H5X_U32, offsetof(ur_row, rep), 0, NULL},
        {"unit", H5X_I32, offsetof(ur_row, unit), 0, NULL},
        {"on_duty_s", H5X_F64, offsetof(ur_row, on_duty_s), 0, NULL},
        {"busy_s", H5X_F64, offsetof(ur_row, busy_s), 0, NULL},
    };
    void *buf;
    size_t n;
    rc = h5_table_read(f, "/unit_reps", fields, 4, sizeof(ur_row), &buf, &n);
    if (rc) return rc;
    double **state = d->n_states ? calloc(d->n_states, sizeof *state) : NULL;
    if (d->n_states && !state) rc = H5X_ENOMEM;
    for (size_t k = 0; !rc && k < d->n_states; k++) {
        size_t m;
        rc = h5_table_read_f64(f, "/unit_reps", d->state_name[k], &state[k], &m);
    }
    if (!rc && n) {
        d->ur_unit = malloc(n * sizeof *d->ur_unit);
        d->ur_rep_row = malloc(n * sizeof *d->ur_rep_row);
        d->ur_on_duty_s = malloc(n * sizeof(double));
        d->ur_busy_s = malloc(n * sizeof(double));
        d->ur_state_s = d->n_states ? malloc(n * d->n_states * sizeof(double)) : NULL;
        if (!d->ur_unit || !d->ur_rep_row || !d->ur_on_duty_s || !d->ur_busy_s ||
            (d->n_states && !d->ur_state_s))
            rc = H5X_ENOMEM;
    }
    const ur_row *rows = buf;
    size_t k = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        long row = rep_find(reps, n_reps, rows[i].rep);
        if (row < 0 || rows[i].unit < 0 || (size_t)rows[i].unit >= d->n_units) continue;
        d->ur_unit[k] = rows[i].unit;
        d->ur_rep_row[k] = (uint32_t)row;
        d->ur_on_duty_s[k] = rows[i].on_duty_s;
        d->ur_busy_s[k] = rows[i].busy_s;
        for (size_t s = 0; s < d->n_states; s++)
            d->ur_state_s[k * d->n_states + s] = state[s][i];
        k++;
    }
    d->n_unit_reps = k;
    for (size_t s = 0; state && s < d->n_states; s++)
        free(state[s]);
    free(state);
    free(buf);
    return rc;
}

int rdata_load(const char *path, rdata *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (err && errlen) err[0] = '\0';
    int rc = results_read_summary(path, &d->sum, err, errlen);
    if (rc) return rc;
    d->path = strdup(path);
    if (!d->path) {
        if (err && errlen) snprintf(err, errlen, "%s: out of memory", path);
        return RESULTS_ENOMEM;
    }
    d->n_priorities = d->sum.m.n_priorities;

    int code;
    h5_file *f = h5_file_open(path, false, &code, err, errlen);
    if (!f) return from_h5(code);
    idrow *ids = NULL;
    reprow *reps = NULL;
    size_t n_reps = d->sum.n_reps;
    int hrc = 0;
    if (h5_attr_get_f64(f, "/", "horizon_s", &d->horizon_s)) d->horizon_s = NAN;
    if (h5_attr_get_f64(f, "/", "warmup_s", &d->warmup_s)) d->warmup_s = 0;
    if (h5_attr_get_str(f, "/", "overrides", &d->overrides)) {
        d->overrides = strdup("");
        if (!d->overrides) hrc = H5X_ENOMEM;
    }
    reps = n_reps ? malloc(n_reps * sizeof *reps) : NULL;
    if (n_reps && !reps) hrc = H5X_ENOMEM;
    for (size_t i = 0; !hrc && i < n_reps; i++)
        reps[i] = (reprow){(uint32_t)d->sum.rows[i * d->sum.m.n], (uint32_t)i};
    if (!hrc && n_reps) qsort(reps, n_reps, sizeof *reps, cmp_reprow);

    hrc = hrc ? hrc : load_calls(f, d, reps, n_reps);
    hrc = hrc ? hrc : load_zones(f, d);
    hrc = hrc ? hrc : load_network(f, d, &ids);
    hrc = hrc ? hrc : load_stations(f, d, ids);
    hrc = hrc ? hrc : load_posts(f, d, ids);
    hrc = hrc ? hrc : load_unit_reps(f, d, reps, n_reps);
    hrc = hrc ? hrc : load_major(f, d, reps, n_reps);
    hrc = hrc ? hrc : load_tiers(f, d);
    if (!hrc) d->has_major = d->n_major > 0;
    if (hrc) {
        const char *msg = h5_file_error(f);
        if (err && errlen) {
            if (msg && msg[0])
                snprintf(err, errlen, "%s", msg);
            else
                snprintf(err, errlen, "%s: %s", path, h5_strerror(hrc));
        }
    }
    h5_file_close(f);
    free(ids);
    free(reps);
    return from_h5(hrc);
}

/* ---- By hour of day ------------------------------------------------------------------------ */

/* Seconds of [a, b) that fall in hour h of the day, summed over all days. */
static double hour_exposure_s(double a, double b, int h)
{
    if (!(b > a)) return 0;
    double total = 0;
    double day0 = floor(a / 86400.0);
    for (double day = day0; day * 86400.0 < b; day++) {
        double lo = day * 86400.0 + h * 3600.0, hi = lo + 3600.0;
        double s = fmax(lo, a), e = fmin(hi, b);
        if (e > s) total += e - s;
    }
    return total;
}

static int hour_of(double t_s)
{
    double tod = fmod(t_s, 86400.0);
    if (tod < 0) tod += 86400.0;
    int h = (int)(tod / 3600.0);
    return h < 0 ? 0 : h > 23 ? 23 : h;
}

int rdata_hourly_compute(const rdata *d, rdata_hourly *out)
{
    size_t R = d->sum.n_reps, cells = R * 24;
    memset(out, 0, sizeof *out);
    size_t *start = calloc(cells + 1, sizeof *start), *fill = calloc(cells, sizeof *fill);
    size_t *counted = calloc(cells, sizeof *counted);
    double *resp = malloc((d->n_calls ? d->n_calls : 1) * sizeof *resp);
    double *mean = malloc((cells ? cells : 1) * sizeof *mean);
    double *p90 = malloc((cells ? cells : 1) * sizeof *p90);
    double *rate = malloc((cells ? cells : 1) * sizeof *rate);
    int rc = RESULTS_OK;
    if (!start || !fill || !counted || !resp || !mean || !p90 || !rate) {
        rc = RESULTS_ENOMEM;
        goto out;
    }
    /* Bucket the answered calls by (replication, hour): count, offsets, fill. */
    for (size_t i = 0; i < d->n_calls; i++) {
        const rdata_call *c = &d->calls[i];
        size_t b = (size_t)c->rep_row * 24 + (size_t)hour_of(c->t_call_s);
        counted[b]++;
        if (isfinite(c->response_s)) start[b + 1]++;
    }
    for (size_t b = 0; b < cells; b++)
        start[b + 1] += start[b];
    for (size_t i = 0; i < d->n_calls; i++) {
        const rdata_call *c = &d->calls[i];
        if (!isfinite(c->response_s)) continue;
        size_t b = (size_t)c->rep_row * 24 + (size_t)hour_of(c->t_call_s);
        resp[start[b] + fill[b]++] = c->response_s;
    }
    double horizon = isfinite(d->horizon_s) ? d->horizon_s : 0;
    for (int h = 0; h < 24; h++) {
        double hours = hour_exposure_s(d->warmup_s, horizon, h) / 3600.0;
        for (size_t r = 0; r < R; r++) {
            size_t b = r * 24 + (size_t)h, n = start[b + 1] - start[b];
            double *x = resp + start[b];
            if (n) stats_sort(x, n);
            mean[b] = n ? stats_mean(x, n) : NAN;
            p90[b] = n ? stats_quantile_sorted(x, n, 0.9) : NAN;
            rate[b] = hours > 0 ? (double)counted[b] / hours : NAN;
        }
        out->mean_s[h] = stats_ci95_strided(mean + h, R, 24);
        out->p90_s[h] = stats_ci95_strided(p90 + h, R, 24);
        out->calls_per_h[h] = stats_ci95_strided(rate + h, R, 24);
    }
out:
    free(start);
    free(fill);
    free(counted);
    free(resp);
    free(mean);
    free(p90);
    free(rate);
    return rc;
}

/* ---- On the map ---------------------------------------------------------------------------- */

void rdata_grid_fini(rdata_grid *g)
{
    if (!g) return;
    free(g->mean_s);
    free(g->calls);
    memset(g, 0, sizeof *g);
}

int rdata_grid_compute(const rdata *d, double cell_m, rdata_grid *g)
{
    memset(g, 0, sizeof *g);
    if (!(cell_m > 0) || d->n_nodes == 0) return RESULTS_EINVAL;
    double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
    for (size_t i = 0; i < d->n_nodes; i++) {
        if (!isfinite(d->node_x_m[i]) || !isfinite(d->node_y_m[i])) continue;
        xl = fmin(xl, d->node_x_m[i]);
        xh = fmax(xh, d->node_x_m[i]);
        yl = fmin(yl, d->node_y_m[i]);
        yh = fmax(yh, d->node_y_m[i]);
    }
    if (!(xh >= xl) || !(yh >= yl)) return RESULTS_EINVAL;
    g->cell_m = cell_m;
    g->x0_m = floor(xl / cell_m) * cell_m;
    g->y0_m = floor(yl / cell_m) * cell_m;
    double nx = floor((xh - g->x0_m) / cell_m) + 1, ny = floor((yh - g->y0_m) / cell_m) + 1;
    if (nx * ny > 4e6) return RESULTS_EINVAL;
    g->nx = (size_t)nx;
    g->ny = (size_t)ny;
    size_t cells = g->nx * g->ny;
    double *sum = calloc(cells, sizeof *sum);
    g->mean_s = malloc(cells * sizeof *g->mean_s);
    g->calls = calloc(cells, sizeof *g->calls);
    if (!sum || !g->mean_s || !g->calls) {
        free(sum);
        rdata_grid_fini(g);
        return RESULTS_ENOMEM;
    }
    for (size_t i = 0; i < d->n_calls; i++) {
        const rdata_call *c = &d->calls[i];
        if (!isfinite(c->response_s) || c->node < 0 || (size_t)c->node >= d->n_nodes) continue;
        double x = d->node_x_m[c->node], y = d->node_y_m[c->node];
        if (!isfinite(x) || !isfinite(y)) continue;
        size_t ci = (size_t)((x - g->x0_m) / cell_m), cj = (size_t)((y - g->y0_m) / cell_m);
        if (ci >= g->nx) ci = g->nx - 1;
        if (cj >= g->ny) cj = g->ny - 1;
        sum[cj * g->nx + ci] += c->response_s;
        g->calls[cj * g->nx + ci]++;
    }
    for (size_t k = 0; k < cells; k++) {
        g->mean_s[k] = g->calls[k] ? sum[k] / (double)g->calls[k] : NAN;
        g->cells_with_calls += g->calls[k] > 0;
    }
    free(sum);
    return RESULTS_OK;
}

/* ---- Units --------------------------------------------------------------------------------- */

void rdata_util_fini(rdata_util *u)
{
    if (!u) return;
    strv_free(u->kinds, u->n_kinds);
    strv_free(u->states, u->n_states);
    free(u->share);
    memset(u, 0, sizeof *u);
}

/* Whether the per-state columns fit within the on-duty time in every row (1 s slack for
 * rounding); if they do, *other says whether a remainder worth showing is left. */
static bool states_fit(const rdata *d, bool *other)
{
    *other = false;
    if (d->n_states == 0) return false;
    for (size_t i = 0; i < d->n_unit_reps; i++) {
        double sum = 0;
        for (size_t k = 0; k < d->n_states; k++) {
            double v = d->ur_state_s[i * d->n_states + k];
            if (!(v >= 0)) return false;
            sum += v;
        }
        double duty = d->ur_on_duty_s[i];
        if (sum > duty * (1 + 1e-9) + 1) return false;
        if (duty > 0 && duty - sum > 0.005 * duty) *other = true;
    }
    return true;
}

/* Where a state goes in the stacked bars: work on calls first (on scene, en route,
 * returning), then preventive work (patrolling, at a post), then free time, then others. */
static int state_rank(const char *col)
{
    static const struct {
        const char *col;
        int rank;
    } order[] = {{"onscene_s", 0},  {"on_scene_s", 0},  {"enroute_s", 1},
                 {"en_route_s", 1}, {"returning_s", 2}, {"patrolling_s", 3},
                 {"at_post_s", 4},  {"available_s", 5}, {"idle_s", 5}};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (strcmp(col, order[i].col) == 0) return order[i].rank;
    return 100;
}

/* "en_route_s" -> "en route"; "onscene_s" -> "on scene". */
static char *state_label(const char *col)
{
    if (strcmp(col, "onscene_s") == 0) return strdup("on scene");
    if (strcmp(col, "enroute_s") == 0) return strdup("en route");
    size_t n = strlen(col);
    if (n > 2 && strcmp(col + n - 2, "_s") == 0) n -= 2;
    char *s = malloc(n + 1);
    if (!s) return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] = col[i] == '_' ? ' ' : col[i];
    s[n] = 0;
    return s;
}

int rdata_util_compute(const rdata *d, rdata_util *u)
{
    memset(u, 0, sizeof *u);
    int rc = RESULTS_OK;
    /* Unit kinds in order of first appearance. */
    u->kinds = calloc(d->n_units ? d->n_units : 1, sizeof *u->kinds);
    int32_t *kind_of = malloc((d->n_units ? d->n_units : 1) * sizeof *kind_of);
    if (!u->kinds || !kind_of) {
        rc = RESULTS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < d->n_units; i++) {
        size_t k = 0;
        while (k < u->n_kinds && strcmp(u->kinds[k], d->unit_kind[i]) != 0)
            k++;
        if (k == u->n_kinds) {
            u->kinds[k] = strdup(d->unit_kind[i]);
            if (!u->kinds[k]) {
                rc = RESULTS_ENOMEM;
                goto out;
            }
            u->n_kinds++;
        }
        kind_of[i] = (int32_t)k;
    }
    bool other = false;
    u->by_state = states_fit(d, &other);
    size_t ns = u->by_state ? d->n_states + (other ? 1 : 0) : 2;
    u->states = calloc(ns, sizeof *u->states);
    if (!u->states) {
        rc = RESULTS_ENOMEM;
        goto out;
    }
    /* perm[slot]: the column shown in that slot of the bars. */
    size_t *perm = malloc((d->n_states + 1) * sizeof *perm);
    if (!perm) {
        rc = RESULTS_ENOMEM;
        goto out;
    }
    for (size_t s = 0; s < d->n_states; s++)
        perm[s] = s;
    for (size_t s = 1; s < d->n_states; s++) /* insertion sort: stable */
        for (size_t j = s;
             j > 0 && state_rank(d->state_name[perm[j]]) < state_rank(d->state_name[perm[j - 1]]);
             j--) {
            size_t t = perm[j];
            perm[j] = perm[j - 1];
            perm[j - 1] = t;
        }
    for (size_t s = 0; s < ns; s++) {
        if (u->by_state)
            u->states[s] = s < d->n_states ? state_label(d->state_name[perm[s]]) : strdup("other");
        else
            u->states[s] = strdup(s == 0 ? "on calls" : "available");
        if (!u->states[s]) {
            free(perm);
            rc = RESULTS_ENOMEM;
            goto out;
        }
        u->n_states++;
    }

    /* Per replication and kind: on-duty time and time per state; then shares and CIs. */
    size_t R = d->sum.n_reps, K = u->n_kinds;
    double *duty = calloc(R * K + 1, sizeof *duty);
    double *tim = calloc(R * K * ns + 1, sizeof *tim);
    double *share = malloc((R + 1) * sizeof *share);
    u->share = malloc((K * ns + 1) * sizeof *u->share);
    if (!duty || !tim || !share || !u->share) {
        free(perm);
        free(duty);
        free(tim);
        free(share);
        rc = RESULTS_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < d->n_unit_reps; i++) {
        size_t r = d->ur_rep_row[i], k = (size_t)kind_of[d->ur_unit[i]];
        double on = d->ur_on_duty_s[i];
        duty[r * K + k] += on;
        double *t = tim + (r * K + k) * ns;
        if (u->by_state) {
            double sum = 0;
            for (size_t s = 0; s < d->n_states; s++) {
                t[s] += d->ur_state_s[i * d->n_states + perm[s]];
                sum += d->ur_state_s[i * d->n_states + perm[s]];
            }
            if (other) t[d->n_states] += fmax(0, on - sum);
        } else {
            double busy = fmin(d->ur_busy_s[i], on);
            t[0] += busy;
            t[1] += fmax(0, on - busy);
        }
    }
    for (size_t k = 0; k < K; k++) {
        for (size_t s = 0; s < ns; s++) {
            for (size_t r = 0; r < R; r++) {
                double on = duty[r * K + k];
                share[r] = on > 0 ? tim[(r * K + k) * ns + s] / on : NAN;
            }
            u->share[k * ns + s] = stats_ci95(share, R);
        }
    }
    free(perm);
    free(duty);
    free(tim);
    free(share);
out:
    free(kind_of);
    if (rc) rdata_util_fini(u);
    return rc;
}
