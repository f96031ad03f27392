/* replay_h5.c - the /replay tables of a results file. See replay_h5.h for the contract and
 * results/README.md for the layout as users see it.
 *
 * The recorder's arrays (replay_impl.h) map one to one onto the tables, except the leg points,
 * which the recorder keeps as two parallel arrays and the file as one two-column table (so
 * h5py reads it as a table like every other). Each table is written by one append, with chunks
 * of up to 32,768 rows: a replay is written once and read whole, so larger chunks compress
 * better and cost nothing.
 *
 * Size (measured, default scenario, one 29-day replication): see results/README.md.
 */
#include "replay_h5.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "replay_impl.h"

/* Names of the states the model defines. Designated initialisers keep each name beside its
 * number; a state added to model.h without a name here is written as "state_<n>" (see
 * write_names), so files stay readable while this table catches up. */
static const char *const state_names[] = {
    [UNIT_OFF] = "off",         [UNIT_AVAILABLE] = "available", [UNIT_ENROUTE] = "enroute",
    [UNIT_ONSCENE] = "onscene", [UNIT_RETURNING] = "returning", [UNIT_PATROLLING] = "patrolling",
    [UNIT_AT_POST] = "at_post",
};
#define N_STATE_NAMES (sizeof state_names / sizeof state_names[0])

static const char *const call_event_names[] = {
    [REPLAY_CALL_RECEIVED] = "received",     [REPLAY_CALL_QUEUED] = "queued",
    [REPLAY_CALL_DISPATCHED] = "dispatched", [REPLAY_CALL_ARRIVED] = "arrived",
    [REPLAY_CALL_CLEARED] = "cleared",       [REPLAY_CALL_DIVERTED] = "diverted",
};
#define N_CALL_EVENT_NAMES (sizeof call_event_names / sizeof call_event_names[0])

const char *replay_h5_state_name(int state)
{
    return state >= 0 && (size_t)state < N_STATE_NAMES ? state_names[state] : NULL;
}

const char *replay_h5_call_event_name(int what)
{
    return what >= 0 && (size_t)what < N_CALL_EVENT_NAMES ? call_event_names[what] : NULL;
}

/* ---- Table layouts -------------------------------------------------------------------------- */

typedef struct point_row {
    uint32_t node;
    double t_s;
} point_row;

#define F(type, m, t, unit)                                                                        \
    {                                                                                              \
#m, t, offsetof(type, m), 0, unit                                                          \
    }
static const h5_field leg_fields[] = {
    F(replay_leg_rec, unit, H5X_U32, "index"),
    F(replay_leg_rec, t0_s, H5X_F64, "s"),
    F(replay_leg_rec, first, H5X_U64, "index"),
    F(replay_leg_rec, n, H5X_U32, "count"),
};
static const h5_field point_fields[] = {
    F(point_row, node, H5X_U32, "index"),
    F(point_row, t_s, H5X_F64, "s"),
};
static const h5_field state_fields[] = {
    F(replay_state_rec, unit, H5X_U32, "index"),
    F(replay_state_rec, t_s, H5X_F64, "s"),
    F(replay_state_rec, state, H5X_I32, "code"),
    F(replay_state_rec, call, H5X_I32, "index"),
};
static const h5_field call_fields[] = {
    F(replay_call_rec, call, H5X_U32, "index"),
    F(replay_call_rec, t_s, H5X_F64, "s"),
    F(replay_call_rec, what, H5X_I32, "code"),
    F(replay_call_rec, unit, H5X_I32, "index"),
};
static const h5_field cand_fields[] = {
    F(replay_cand_rec, call, H5X_U32, "index"), F(replay_cand_rec, t_s, H5X_F64, "s"),
    F(replay_cand_rec, rank, H5X_I32, "count"), F(replay_cand_rec, unit, H5X_U32, "index"),
    F(replay_cand_rec, travel_s, H5X_F64, "s"), F(replay_cand_rec, sent, H5X_I32, "flag"),
};
#undef F
#define NF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Writing -------------------------------------------------------------------------------- */

static int write_table(h5_file *f, const char *group, const char *name, const h5_field *fields,
                       size_t nf, size_t row_size, const void *rows, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", group, name);
    size_t chunk = n < 1 ? 1 : n > 32768 ? 32768 : n;
    h5_table *t = h5_table_create(f, path, fields, nf, row_size, chunk);
    if (!t) return H5X_EIO;
    int rc = h5_table_append(t, rows, n);
    h5_table_close(t);
    return rc;
}

/* The names of codes 0 .. max over the table known, "state_<n>" beyond it, so every code that
 * occurs in the file has a name. */
static int write_names(h5_file *f, const char *group, const char *attr, const char *const *known,
                       size_t n_known, int max_code)
{
    size_t n = max_code + 1 > (int)n_known ? (size_t)max_code + 1 : n_known;
    char **v = calloc(n, sizeof *v);
    if (!v) return h5_file_fail(f, H5X_ENOMEM, "%s: out of memory", group);
    int rc = H5X_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        char buf[32];
        const char *k = i < n_known ? known[i] : NULL;
        if (!k) snprintf(buf, sizeof buf, "state_%zu", i);
        if (!(v[i] = strdup(k ? k : buf))) rc = h5_file_fail(f, H5X_ENOMEM, "out of memory");
    }
    if (!rc) rc = h5_attr_set_strv(f, group, attr, (const char *const *)v, n);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return rc;
}

int replay_h5_write(h5_file *f, const replay *r)
{
    if (!f || !r) return H5X_EINVAL;
    char group[64];
    snprintf(group, sizeof group, "/replay/rep_%u", r->rep);
    hid_t fid = h5_file_id(f);
    /* A group of this replication from an interrupted run that is being resumed: replace it.
     * One a kill left half-written may not be deletable (its header is torn); its link can
     * still be moved aside, to a name replay_h5_list ignores, so the resume goes on. */
    if (h5_exists(f, group) && H5Ldelete(fid, group, H5P_DEFAULT) < 0) {
        int moved = 0;
        for (unsigned k = 0; k < 100 && !moved; k++) {
            char aside[96];
            snprintf(aside, sizeof aside, "/replay/damaged_rep_%u_%u", r->rep, k);
            moved = !h5_exists(f, aside) &&
                    H5Lmove(fid, group, fid, aside, H5P_DEFAULT, H5P_DEFAULT) >= 0;
        }
        if (!moved)
            return h5_file_fail(f, H5X_EIO, "%s: cannot replace the group left by an earlier run",
                                group);
    }
    int rc = h5_group_create(f, group);
    if (rc) return rc;

    point_row *pts = malloc((r->n_leg_points ? r->n_leg_points : 1) * sizeof *pts);
    if (!pts) return h5_file_fail(f, H5X_ENOMEM, "%s: out of memory", group);
    for (size_t i = 0; i < r->n_leg_points; i++)
        pts[i] = (point_row){r->leg_node[i], r->leg_t[i]};

    int max_state = 0;
    for (size_t i = 0; i < r->n_states; i++)
        if (r->states[i].state > max_state) max_state = r->states[i].state;

    rc = write_table(f, group, "legs", leg_fields, NF(leg_fields), sizeof(replay_leg_rec), r->legs,
                     r->n_legs);
    if (!rc)
        rc = write_table(f, group, "leg_points", point_fields, NF(point_fields), sizeof(point_row),
                         pts, r->n_leg_points);
    free(pts);
    if (!rc)
        rc = write_table(f, group, "unit_states", state_fields, NF(state_fields),
                         sizeof(replay_state_rec), r->states, r->n_states);
    if (!rc)
        rc = write_table(f, group, "call_events", call_fields, NF(call_fields),
                         sizeof(replay_call_rec), r->call_events, r->n_call_events);
    if (!rc)
        rc = write_table(f, group, "candidates", cand_fields, NF(cand_fields),
                         sizeof(replay_cand_rec), r->cands, r->n_cands);
    if (!rc) rc = h5_attr_set_int(f, group, "rep", (int)r->rep);
    if (!rc) rc = write_names(f, group, "state_names", state_names, N_STATE_NAMES, max_state);
    if (!rc)
        rc = h5_attr_set_strv(f, group, "call_event_names", call_event_names, N_CALL_EVENT_NAMES);
    if (!rc) rc = h5_file_flush(f);
    return rc;
}

/* ---- Reading -------------------------------------------------------------------------------- */

typedef struct list_ctx {
    uint32_t *reps;
    size_t n, cap;
    int oom;
} list_ctx;

static herr_t list_one(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    list_ctx *c = data;
    char *end;
    if (strncmp(name, "rep_", 4) != 0) return 0;
    errno = 0;
    unsigned long v = strtoul(name + 4, &end, 10);
    if (*end || end == name + 4 || errno || v > UINT32_MAX) return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        uint32_t *p = realloc(c->reps, cap * sizeof *p);
        if (!p) {
            c->oom = 1;
            return 1;
        }
        c->reps = p;
        c->cap = cap;
    }
    c->reps[c->n++] = (uint32_t)v;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int replay_h5_list(h5_file *f, uint32_t **reps, size_t *n)
{
    *reps = NULL;
    *n = 0;
    if (!h5_exists(f, "/replay")) return H5X_OK;
    hid_t g = H5Gopen2(h5_file_id(f), "/replay", H5P_DEFAULT);
    if (g < 0) return h5_file_fail(f, H5X_ETYPE, "/replay: not a group");
    list_ctx c = {0};
    hsize_t idx = 0;
    herr_t e = H5Literate(g, H5_INDEX_NAME, H5_ITER_NATIVE, &idx, list_one, &c);
    H5Gclose(g);
    if (c.oom || e < 0) {
        free(c.reps);
        return c.oom ? h5_file_fail(f, H5X_ENOMEM, "/replay: out of memory")
                     : h5_file_fail(f, H5X_EIO, "/replay: cannot list its groups");
    }
    qsort(c.reps, c.n, sizeof *c.reps, cmp_u32);
    *reps = c.reps;
    *n = c.n;
    return H5X_OK;
}

/* Reads a table into a malloc'd array; *rows NULL when empty. */
static int read_table(h5_file *f, const char *group, const char *name, const h5_field *fields,
                      size_t nf, size_t row_size, void **rows, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", group, name);
    return h5_table_read(f, path, fields, nf, row_size, rows, n);
}

int replay_h5_read(h5_file *f, uint32_t rep, replay *out)
{
    if (!f || !out) return H5X_EINVAL;
    char group[64];
    snprintf(group, sizeof group, "/replay/rep_%u", rep);
    replay_reset(out, rep);
    if (!h5_exists(f, group))
        return h5_file_fail(f, H5X_ENOTFOUND,
                            "%s: replication %u was not recorded (record it with "
                            "'patrolsim run --replay %u')",
                            group, rep, rep);
    void *legs = NULL, *pts = NULL, *states = NULL, *calls = NULL, *cands = NULL;
    size_t n_legs = 0, n_pts = 0, n_states = 0, n_calls = 0, n_cands = 0;
    int rc = read_table(f, group, "legs", leg_fields, NF(leg_fields), sizeof(replay_leg_rec), &legs,
                        &n_legs);
    if (!rc)
        rc = read_table(f, group, "leg_points", point_fields, NF(point_fields), sizeof(point_row),
                        &pts, &n_pts);
    if (!rc)
        rc = read_table(f, group, "unit_states", state_fields, NF(state_fields),
                        sizeof(replay_state_rec), &states, &n_states);
    if (!rc)
        rc = read_table(f, group, "call_events", call_fields, NF(call_fields),
                        sizeof(replay_call_rec), &calls, &n_calls);
    if (!rc)
        rc = read_table(f, group, "candidates", cand_fields, NF(cand_fields),
                        sizeof(replay_cand_rec), &cands, &n_cands);
    /* Every leg must lie inside leg_points and have a point; later readers index blindly. */
    const replay_leg_rec *lg = legs;
    for (size_t i = 0; !rc && i < n_legs; i++)
        if (lg[i].n == 0 || lg[i].first > n_pts || lg[i].n > n_pts - lg[i].first)
            rc = h5_file_fail(f, H5X_ETYPE,
                              "%s/legs: row %zu: points %llu..%llu lie outside the %zu rows of "
                              "leg_points",
                              group, i, (unsigned long long)lg[i].first,
                              (unsigned long long)lg[i].first + lg[i].n, n_pts);
    double *t = NULL;
    uint32_t *node = NULL;
    if (!rc && n_pts) {
        t = malloc(n_pts * sizeof *t);
        node = malloc(n_pts * sizeof *node);
        if (!t || !node) rc = h5_file_fail(f, H5X_ENOMEM, "%s: out of memory", group);
        for (size_t i = 0; !rc && i < n_pts; i++) {
            node[i] = ((point_row *)pts)[i].node;
            t[i] = ((point_row *)pts)[i].t_s;
        }
    }
    free(pts);
    if (rc) {
        free(legs);
        free(states);
        free(calls);
        free(cands);
        free(t);
        free(node);
        return rc;
    }
    /* Hand the arrays to the recorder, whose capacities now equal the counts. */
    free(out->legs);
    free(out->leg_node);
    free(out->leg_t);
    free(out->states);
    free(out->call_events);
    free(out->cands);
    out->legs = legs;
    out->n_legs = out->cap_legs = n_legs;
    out->leg_node = node;
    out->leg_t = t;
    out->n_leg_points = out->cap_leg_points = out->cap_leg_points_t = n_pts;
    out->states = states;
    out->n_states = out->cap_states = n_states;
    out->call_events = calls;
    out->n_call_events = out->cap_call_events = n_calls;
    out->cands = cands;
    out->n_cands = out->cap_cands = n_cands;
    return H5X_OK;
}

/* ---- --replay argument ---------------------------------------------------------------------- */

static int parse_u32(const char *s, const char *end, uint32_t *out)
{
    if (s == end) return -1;
    uint64_t v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX) return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int replay_reps_parse(const char *arg, uint32_t **reps, size_t *n, char *err, size_t errlen)
{
    *reps = NULL;
    *n = 0;
    if (strcmp(arg, "none") == 0) return 0;
    size_t cap = 0, cnt = 0;
    uint32_t *v = NULL;
    const char *p = arg;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const char *dash = memchr(p, '-', (size_t)(end - p));
        uint32_t a, b;
        int bad = dash ? parse_u32(p, dash, &a) || parse_u32(dash + 1, end, &b) || b < a
                       : parse_u32(p, end, &a);
        if (!dash) b = a;
        if (bad || (uint64_t)b - a > 100000) {
            snprintf(err, errlen,
                     "--replay: '%.*s' is not a replication number or range (expected e.g. "
                     "'0', '0,3,7', '2-5' or 'none')",
                     (int)(end - p), p);
            free(v);
            return -1;
        }
        for (uint64_t r = a; r <= b; r++) {
            if (cnt == cap) {
                cap = cap ? 2 * cap : 8;
                uint32_t *q = realloc(v, cap * sizeof *q);
                if (!q) {
                    snprintf(err, errlen, "--replay: out of memory");
                    free(v);
                    return -1;
                }
                v = q;
            }
            v[cnt++] = (uint32_t)r;
        }
        if (!*end) break;
        p = end + 1;
    }
    qsort(v, cnt, sizeof *v, cmp_u32);
    size_t k = 0;
    for (size_t i = 0; i < cnt; i++)
        if (k == 0 || v[k - 1] != v[i]) v[k++] = v[i];
    *reps = v;
    *n = k;
    return 0;
}
