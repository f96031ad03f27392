/* results_ops.c - the operations model's tables. See results_ops.h. */
#include "results_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define NF(a) (sizeof(a) / sizeof((a)[0]))

#define LR(m, t, unit) {#m, t, offsetof(line_rec, m), 0, unit}
static const h5_field line_rep_fields[] = {
    LR(rep, H5X_U32, "index"),     LR(line, H5X_I32, "index"),    LR(slots, H5X_I32, "count"),
    LR(checkins, H5X_I32, "count"), LR(completion, H5X_F64, "1"),
};
#undef LR
#define PR(m, t, unit) {#m, t, offsetof(post_rec, m), 0, unit}
static const h5_field post_rep_fields[] = {
    PR(rep, H5X_U32, "index"),     PR(post, H5X_I32, "index"), PR(calls, H5X_I32, "count"),
    PR(staffed_s, H5X_F64, "s"),   PR(gap_s, H5X_F64, "s"),
};
#undef PR
#define CR(m, t, unit) {#m, t, offsetof(cell_rec, m), 0, unit}
static const h5_field cell_rep_fields[] = {
    CR(rep, H5X_U32, "index"),          CR(cell, H5X_I32, "index"), CR(calls, H5X_I32, "count"),
    CR(response_mean_s, H5X_F64, "s"),  CR(presence, H5X_F64, "1"),
};
#undef CR
#define MR(m, t, unit) {#m, t, offsetof(major_rec, m), 0, unit}
static const h5_field major_rep_fields[] = {
    MR(rep, H5X_U32, "index"),          MR(incident, H5X_I32, "index"),
    MR(random, H5X_I32, "flag"),        MR(node, H5X_I32, "index"),
    MR(officers, H5X_I32, "count"),     MR(peak_officers, H5X_I32, "count"),
    MR(units, H5X_I32, "count"),        MR(pool_officers, H5X_I32, "count"),
    MR(t_start_s, H5X_F64, "s"),        MR(t_end_s, H5X_F64, "s"),
    MR(t_tier1_s, H5X_F64, "s"),        MR(t_tier2_s, H5X_F64, "s"),
    MR(t_tier3_s, H5X_F64, "s"),        MR(t_tier4_s, H5X_F64, "s"),
    MR(t_full_s, H5X_F64, "s"),         MR(t_event_s, H5X_F64, "s"),
    MR(event_officers, H5X_I32, "count"), MR(officers_at_event, H5X_I32, "count"),
};
#undef MR
#define MP(m, t, unit) {#m, t, offsetof(major_pt, m), 0, unit}
static const h5_field major_curve_fields[] = {
    MP(rep, H5X_U32, "index"), MP(incident, H5X_I32, "index"), MP(t_s, H5X_F64, "s"),
    MP(officers, H5X_I32, "count"),
};
#undef MP
#define MU(m, t, unit) {#m, t, offsetof(major_unit, m), 0, unit}
static const h5_field major_unit_fields[] = {
    MU(rep, H5X_U32, "index"),        MU(incident, H5X_I32, "index"),
    MU(tier, H5X_I32, "index"),       MU(unit, H5X_I32, "index"),
    MU(officers, H5X_I32, "count"),   MU(from_state, H5X_I32, "index"),
    MU(from_node, H5X_I32, "index"),  MU(t_order_s, H5X_F64, "s"),
    MU(t_arrive_s, H5X_F64, "s"),     MU(t_release_s, H5X_F64, "s"),
};
#undef MU
#define AR(m, t, unit) {#m, t, offsetof(major_area_rec, m), 0, unit}
static const h5_field major_area_fields[] = {
    AR(rep, H5X_U32, "index"),            AR(area_kind, H5X_I32, "index"),
    AR(area, H5X_I32, "index"),           AR(calls_during, H5X_I32, "count"),
    AR(n_during, H5X_I32, "count"),       AR(response_during_s, H5X_F64, "s"),
    AR(p1_during, H5X_I32, "count"),      AR(p1_within_during, H5X_F64, "1"),
    AR(calls_outside, H5X_I32, "count"),  AR(n_outside, H5X_I32, "count"),
    AR(response_outside_s, H5X_F64, "s"), AR(p1_outside, H5X_I32, "count"),
    AR(p1_within_outside, H5X_F64, "1"),
};
#undef AR

const results_rep_table results_ops_rep_tables[] = {
    {"/line_reps", line_rep_fields, NF(line_rep_fields), sizeof(line_rec)},
    {"/post_reps", post_rep_fields, NF(post_rep_fields), sizeof(post_rec)},
    {"/cell_reps", cell_rep_fields, NF(cell_rep_fields), sizeof(cell_rec)},
    {"/major_reps", major_rep_fields, NF(major_rep_fields), sizeof(major_rec)},
    {"/major_curve", major_curve_fields, NF(major_curve_fields), sizeof(major_pt)},
    {"/major_area_reps", major_area_fields, NF(major_area_fields), sizeof(major_area_rec)},
    {"/major_units", major_unit_fields, NF(major_unit_fields), sizeof(major_unit)},
};
const size_t results_ops_n_rep_tables = NF(results_ops_rep_tables);
#define OPS_N_TABLES NF(results_ops_rep_tables)

struct results_ops {
    h5_table *t[OPS_N_TABLES]; /* in the order of results_ops_rep_tables */
    const scenario *s;         /* borrowed: the areas of /major_area_reps */
    major_area_rec *area;      /* [metrics_major_area_rows(s)] one replication's rows */
};

/* What /major_area_reps's area_kind means (enum metrics_area_kind). */
static const char *const area_kind_names[] = {"district", "zone_kind", "zone"};

/* Static rows. */
typedef struct line_row {
    int32_t index;
    char name[64];
    int32_t community;  /* zone index of a community line, -1 */
    int32_t units;
    int32_t checkins;
    int32_t roster_patrol, roster_city_management, roster_municipal;
    double length_m, cycle_s;
} line_row;

typedef struct post_row {
    int32_t index;
    char name[64];
    char kind[32];
    int64_t node_id;
    int32_t max_away;
    double radius_m;
} post_row;

typedef struct cell_row {
    int32_t index;
    char name[48];
    int32_t nodes;
} cell_row;

typedef struct tier_row {
    int32_t index;
    char name[64];
    int32_t officers;             /* the tier's strength */
    int32_t cumulative_officers;  /* tiers 1..index together: the lines of the build-up chart */
    char call_up[32];             /* "immediate", "after_previous", "size_at_least" */
    int32_t size_at_least;        /* size_at_least: the smallest incident it is called for */
    double delay_s;
    int32_t pool_officers;
} tier_row;

/* /reserve_tiers: the tiers in call-up order with their cumulative strengths (30, 110, 230 by
 * default), so readers of the file (the report's build-up chart) need not parse the scenario. */
static int ops_write_tiers(h5_file *f, const scenario *s)
{
    static const h5_field tf[] = {
        {"index", H5X_I32, offsetof(tier_row, index), 0, "index"},
        {"name", H5X_STR, offsetof(tier_row, name), 64, ""},
        {"officers", H5X_I32, offsetof(tier_row, officers), 0, "count"},
        {"cumulative_officers", H5X_I32, offsetof(tier_row, cumulative_officers), 0, "count"},
        {"call_up", H5X_STR, offsetof(tier_row, call_up), 32, ""},
        {"size_at_least", H5X_I32, offsetof(tier_row, size_at_least), 0, "count"},
        {"delay_s", H5X_F64, offsetof(tier_row, delay_s), 0, "s"},
        {"pool_officers", H5X_I32, offsetof(tier_row, pool_officers), 0, "count"},
    };
    static const char *const call_up[] = {"immediate", "after_previous", "size_at_least"};
    tier_row rows[SCEN_MAX_TIERS];
    size_t n = s->reserve.n_tiers < SCEN_MAX_TIERS ? s->reserve.n_tiers : SCEN_MAX_TIERS;
    int32_t cum = 0;
    for (size_t i = 0; i < n; i++) {
        const scen_tier *t = &s->reserve.tiers[i];
        cum += t->officers;
        rows[i] = (tier_row){.index = (int32_t)i, .officers = t->officers,
                             .cumulative_officers = cum,
                             .size_at_least = t->call_up == CALLUP_SIZE ? t->size_at_least : 0,
                             .delay_s = t->delay_s, .pool_officers = t->pool_officers};
        snprintf(rows[i].name, sizeof rows[i].name, "%s", t->name ? t->name : "");
        unsigned cu = (unsigned)t->call_up;
        snprintf(rows[i].call_up, sizeof rows[i].call_up, "%s",
                 cu < NF(call_up) ? call_up[cu] : "?");
    }
    h5_table *t = h5_table_create(f, "/reserve_tiers", tf, NF(tf), sizeof(tier_row), n + 1);
    int rc = !t ? H5X_EIO : h5_table_append(t, rows, n);
    h5_table_close(t);
    return rc;
}

static int ops_write_static(h5_file *f, const scenario *s)
{
    static const h5_field lf[] = {
        {"index", H5X_I32, offsetof(line_row, index), 0, "index"},
        {"name", H5X_STR, offsetof(line_row, name), 64, ""},
        {"community", H5X_I32, offsetof(line_row, community), 0, "index"},
        {"units", H5X_I32, offsetof(line_row, units), 0, "count"},
        {"checkins", H5X_I32, offsetof(line_row, checkins), 0, "count"},
        {"roster_patrol", H5X_I32, offsetof(line_row, roster_patrol), 0, "count"},
        {"roster_city_management", H5X_I32, offsetof(line_row, roster_city_management), 0,
         "count"},
        {"roster_municipal", H5X_I32, offsetof(line_row, roster_municipal), 0, "count"},
        {"length_m", H5X_F64, offsetof(line_row, length_m), 0, "m"},
        {"cycle_s", H5X_F64, offsetof(line_row, cycle_s), 0, "s"},
    };
    static const h5_field pf[] = {
        {"index", H5X_I32, offsetof(post_row, index), 0, "index"},
        {"name", H5X_STR, offsetof(post_row, name), 64, ""},
        {"kind", H5X_STR, offsetof(post_row, kind), 32, ""},
        {"node_id", H5X_I64, offsetof(post_row, node_id), 0, "id"},
        {"max_away", H5X_I32, offsetof(post_row, max_away), 0, "count"},
        {"radius_m", H5X_F64, offsetof(post_row, radius_m), 0, "m"},
    };
    static const h5_field cf[] = {
        {"index", H5X_I32, offsetof(cell_row, index), 0, "index"},
        {"name", H5X_STR, offsetof(cell_row, name), 48, ""},
        {"nodes", H5X_I32, offsetof(cell_row, nodes), 0, "count"},
    };
    size_t n = s->n_lines + s->n_posts + s->cells.n_cells;
    void *buf = calloc(n ? n : 1, sizeof(line_row) + sizeof(post_row) + sizeof(cell_row));
    if (!buf) return H5X_ENOMEM;
    line_row *l = buf;
    for (size_t i = 0; i < s->n_lines; i++) {
        const scen_line *ln = &s->lines[i];
        l[i] = (line_row){.index = (int32_t)i, .community = ln->community,
                          .checkins = (int32_t)ln->n_checkins, .roster_patrol = ln->roster[0],
                          .roster_city_management = ln->roster[1],
                          .roster_municipal = ln->roster[2],
                          .length_m = ln->route.n ? ln->route.d_m[ln->route.n] : 0,
                          .cycle_s = ln->route.cycle_s};
        snprintf(l[i].name, sizeof l[i].name, "%s", ln->name ? ln->name : "");
        for (size_t u = 0; u < s->n_units; u++) l[i].units += s->units[u].line == (int)i;
    }
    int rc = 0;
    h5_table *t = h5_table_create(f, "/lines", lf, NF(lf), sizeof(line_row), s->n_lines + 1);
    rc = !t ? H5X_EIO : h5_table_append(t, l, s->n_lines);
    h5_table_close(t);
    post_row *p = buf;
    for (size_t i = 0; i < s->n_posts && !rc; i++) {
        const scen_post *ps = &s->posts[i];
        p[i] = (post_row){.index = (int32_t)i, .node_id = s->net->nodes[ps->node].id,
                          .max_away = ps->max_away, .radius_m = ps->radius_m};
        snprintf(p[i].name, sizeof p[i].name, "%s", ps->name ? ps->name : "");
        snprintf(p[i].kind, sizeof p[i].kind, "%s", ps->kind ? ps->kind : "");
    }
    if (!rc) {
        t = h5_table_create(f, "/posts", pf, NF(pf), sizeof(post_row), s->n_posts + 1);
        rc = !t ? H5X_EIO : h5_table_append(t, p, s->n_posts);
        h5_table_close(t);
    }
    cell_row *c = buf;
    for (size_t i = 0; i < s->cells.n_cells && !rc; i++) {
        c[i] = (cell_row){.index = (int32_t)i};
        snprintf(c[i].name, sizeof c[i].name, "%s", s->cells.names[i]);
    }
    for (size_t v = 0; v < s->net->n_nodes && !rc; v++)
        if (s->cells.node_cell && s->cells.node_cell[v] >= 0) c[s->cells.node_cell[v]].nodes++;
    if (!rc) {
        t = h5_table_create(f, "/cells", cf, NF(cf), sizeof(cell_row), s->cells.n_cells + 1);
        rc = !t ? H5X_EIO : h5_table_append(t, c, s->cells.n_cells);
        h5_table_close(t);
    }
    free(buf);
    return rc ? rc : ops_write_tiers(f, s);
}

/* A writer's state without its tables. */
static results_ops *ops_alloc(const scenario *s)
{
    results_ops *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->s = s;
    o->area = calloc(metrics_major_area_rows(s), sizeof *o->area);
    if (!o->area) {
        free(o);
        return NULL;
    }
    return o;
}

/* The names behind /major_area_reps's indices, as attributes of the table. */
static int ops_area_attrs(h5_file *f, const scenario *s)
{
    const char **kinds = calloc(s->n_zone_kinds + 1, sizeof *kinds);
    if (!kinds) return H5X_ENOMEM;
    for (size_t i = 0; i < s->n_zone_kinds; i++)
        kinds[i] = s->zone_kinds[i].name ? s->zone_kinds[i].name : "";
    int rc = h5_attr_set_strv(f, "/major_area_reps", "area_kind_names", area_kind_names,
                              NF(area_kind_names));
    rc = rc ? rc
            : h5_attr_set_strv(f, "/major_area_reps", "zone_kind_names", kinds,
                               s->n_zone_kinds);
    free(kinds);
    return rc;
}

results_ops *results_ops_create(h5_file *f, const scenario *s)
{
    results_ops *o = ops_alloc(s);
    if (!o) return NULL;
    if (ops_write_static(f, s)) goto err;
    for (size_t i = 0; i < results_ops_n_rep_tables; i++) {
        const results_rep_table *rt = &results_ops_rep_tables[i];
        if (!(o->t[i] = h5_table_create(f, rt->path, rt->fields, rt->n_fields, rt->row_size, 0)))
            goto err;
    }
    if (ops_area_attrs(f, s)) goto err;
    return o;
err:
    results_ops_close(o);
    return NULL;
}

int results_ops_whole(h5_file *f, const scenario *s, size_t first, size_t *k)
{
    const struct { const char *path; size_t each; } fixed[] = {
        {"/line_reps", s->n_lines}, {"/post_reps", s->n_posts}, {"/cell_reps", s->cells.n_cells}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        int64_t *rep;
        size_t n;
        int rc = h5_table_read_i64(f, fixed[i].path, "rep", &rep, &n);
        if (rc) return rc;
        *k = results_reps_whole(rep, n, first, *k, NULL, (int64_t)fixed[i].each);
        free(rep);
    }
    return 0;
}

results_ops *results_ops_open(h5_file *f, const scenario *s, size_t rep_first, size_t rep_end)
{
    results_ops *o = ops_alloc(s);
    if (!o) return NULL;
    for (size_t i = 0; i < results_ops_n_rep_tables; i++) {
        const results_rep_table *rt = &results_ops_rep_tables[i];
        if (!(o->t[i] = h5_table_open(f, rt->path, rt->fields, rt->n_fields, rt->row_size)))
            goto err;
        int64_t *rep;
        size_t n, keep = 0;
        if (h5_table_read_i64(f, rt->path, "rep", &rep, &n)) goto err;
        /* As cut_to_reps in results.c: a rep going backwards is a row never written. */
        while (keep < n && rep[keep] >= (int64_t)rep_first && (size_t)rep[keep] < rep_end &&
               (keep == 0 || rep[keep] >= rep[keep - 1]))
            keep++;
        free(rep);
        if (h5_table_truncate(o->t[i], keep)) goto err;
    }
    return o;
err:
    results_ops_close(o);
    return NULL;
}

int results_ops_append(results_ops *o, const rep_result *r)
{
    int rc = h5_table_append(o->t[0], r->lines, r->n_lines);
    rc = rc ? rc : h5_table_append(o->t[1], r->posts, r->n_posts);
    rc = rc ? rc : h5_table_append(o->t[2], r->cells, r->n_cells);
    rc = rc ? rc : h5_table_append(o->t[3], r->majors, r->n_majors);
    rc = rc ? rc : h5_table_append(o->t[4], r->curve, r->n_curve);
    /* Derived from the calls and incidents here rather than carried in rep_result: the same
     * bytes whichever thread or rank ran the replication, and nothing more on the wire. */
    size_t na = metrics_major_area(o->s, r, o->area);
    rc = rc ? rc : h5_table_append(o->t[5], o->area, na);
    return rc ? rc : h5_table_append(o->t[6], r->mj_units, r->n_mj_units);
}

void results_ops_close(results_ops *o)
{
    if (!o) return;
    for (size_t i = 0; i < results_ops_n_rep_tables; i++) h5_table_close(o->t[i]);
    free(o->area);
    free(o);
}
