/* test_results.c - the results file: write, read back, interrupt, resume, refuse bad files;
 * and the summary report in text and JSON.
 *
 * The scenario is built by hand (three nodes, two zones, three types, three units) so that the
 * test needs no loader; replications are fake but "high-entropy" (2.385 s, not 1 s), with
 * NaNs where a call never got that far, and a priority that has no answered calls in some
 * replications so that the report's per-cell counts show. Files go to a fresh directory under
 * $TMPDIR, removed at the end unless PSIM_KEEP is set (then its path is printed, for h5dump).
 */
#include "check.h"
#include "h5.h"
#include "metrics.h"
#include "report.h"
#include "results.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_REPS 3

static char dir[256];

static void path_in(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* ---- A hand-made scenario --------------------------------------------------------------- */

typedef struct fixture {
    scenario s;
    net g;
    net_node nodes[3];
    net_edge edges[4];
    char *class_names[2];
    char *zone_names[2];
    scen_zone_kind zone_kinds[2];
    scen_zone zones[2];
    uint32_t north_nodes[2], south_nodes[1];
    int node_zone[3];
    scen_itype types[3];
    scen_station stations[2];
    char *unit_kinds[2];
    scen_unit_group groups[2];
    scen_unit units[3];
    char *input_paths[2];
    uint64_t input_hashes[2];
} fixture;

static void fixture_init(fixture *fx)
{
    memset(fx, 0, sizeof *fx);
    net *g = &fx->g;
    fx->nodes[0] = (net_node){101, 0.0, 0.0, 0};
    fx->nodes[1] = (net_node){205, 412.5, 37.25, 0};
    fx->nodes[2] = (net_node){309, 880.0, -215.75, 1};
    fx->class_names[0] = "street";
    fx->class_names[1] = "lane";
    fx->zone_names[0] = "north";
    fx->zone_names[1] = "south";
    fx->edges[0] = (net_edge){0, 1, 415.2, 0, {11.1, 1.4}};
    fx->edges[1] = (net_edge){1, 0, 415.2, 0, {11.1, 1.4}};
    fx->edges[2] = (net_edge){1, 2, 531.7, 1, {6.9, 1.3}};
    fx->edges[3] = (net_edge){2, 1, 531.7, 1, {0.0, 1.3}};
    g->path = "tiny.net";
    g->n_nodes = 3;
    g->n_edges = 4;
    g->nodes = fx->nodes;
    g->edges = fx->edges;
    g->class_names = fx->class_names;
    g->n_classes = 2;
    g->zone_names = fx->zone_names;
    g->n_zones = 2;

    scenario *s = &fx->s;
    s->path = "scenarios/tiny.cfg";
    s->name = "tiny-town";
    s->description = "three nodes";
    s->text = "# tiny town, Zürich-style\nname = \"tiny-town\";\nrun: { seed = 42; };\n";
    s->overrides = "run.replications=3\n";
    fx->input_paths[0] = "scenarios/tiny.cfg";
    fx->input_paths[1] = "scenarios/tiny/network-with-a-long-name.txt";
    fx->input_hashes[0] = 0x0123456789abcdefULL;
    fx->input_hashes[1] = 0xfedcba9876543210ULL; /* above INT64_MAX: must stay unsigned */
    s->input_paths = fx->input_paths;
    s->input_hashes = fx->input_hashes;
    s->n_inputs = 2;
    s->seed = 0xdeadbeefcafef00dULL;
    s->replications = N_REPS;
    s->horizon_s = 7 * 86400.0;
    s->warmup_s = 86400.0;
    s->drain_s = 7200.0;
    s->net = g;

    fx->zone_kinds[0] = (scen_zone_kind){"urban", {600, 900, 1800}};
    fx->zone_kinds[1] = (scen_zone_kind){"township", {900, 1500, 2700}};
    s->zone_kinds = fx->zone_kinds;
    s->n_zone_kinds = 2;
    fx->north_nodes[0] = 0;
    fx->north_nodes[1] = 1;
    fx->south_nodes[0] = 2;
    fx->zones[0] = (scen_zone){"north", 0, 0.625, fx->north_nodes, 2};
    fx->zones[1] = (scen_zone){"south", 1, 0.375, fx->south_nodes, 1};
    s->zones = fx->zones;
    s->n_zones = 2;
    fx->node_zone[0] = 0;
    fx->node_zone[1] = 0;
    fx->node_zone[2] = 1;
    s->node_zone = fx->node_zone;

    fx->types[0] = (scen_itype){"robbery", 1, 0.125, 2, {DIST_LOGNORMAL, 2385.0, 900.0, 0, 0}, 0};
    fx->types[1] = (scen_itype){"theft", 2, 0.5, 1, {DIST_EXPONENTIAL, 1450.5, 0, 0, 0}, 0};
    fx->types[2] = (scen_itype){"noise", 3, 0.375, 1, {DIST_UNIFORM, 0, 0, 600.0, 1200.0}, 0};
    s->types = fx->types;
    s->n_types = 3;
    s->n_priorities = 3;

    fx->stations[0] = (scen_station){"central", 1, 40};
    fx->stations[1] = (scen_station){"east-post", 2, 12};
    s->stations = fx->stations;
    s->n_stations = 2;
    fx->unit_kinds[0] = "car";
    fx->unit_kinds[1] = "foot-patrol";
    s->unit_kinds = fx->unit_kinds;
    s->n_unit_kinds = 2;
    fx->groups[0] = (scen_unit_group){"cars", 2, 10};
    fx->groups[1] = (scen_unit_group){"beat", 1, 14};
    s->unit_groups = fx->groups;
    s->n_unit_groups = 2;
    fx->units[0] = (scen_unit){.name = "cars-1", .group = 0, .kind = 0, .station = 0, .post = -1,
                               .line = -1, .crew = 2, .mode = NET_VEHICLE, .shift_start_s = 0.0,
                               .shift_len_s = 86400.0};
    fx->units[1] = (scen_unit){.name = "cars-2", .group = 0, .kind = 0, .station = 0, .post = -1,
                               .line = -1, .crew = 2, .mode = NET_VEHICLE,
                               .shift_start_s = 28800.0, .shift_len_s = 43200.0};
    fx->units[2] = (scen_unit){.name = "beat-1", .group = 1, .kind = 1, .station = 1, .post = -1,
                               .line = -1, .crew = 1, .mode = NET_FOOT, .shift_start_s = 32400.0,
                               .shift_len_s = 28800.0};
    s->units = fx->units;
    s->n_units = 3;
}

/* Replication rep: 4 + rep calls; call 3 of every replication is diverted (NaN times), and
 * priority 3 has an answered call only in replication 1. */
static void fake_rep(uint32_t rep, rep_result *r)
{
    memset(r, 0, sizeof *r);
    r->rep = rep;
    r->n_calls = 4 + rep;
    r->calls = calloc(r->n_calls, sizeof *r->calls);
    r->n_units = 3;
    r->units = calloc(3, sizeof *r->units);
    for (uint32_t i = 0; i < r->n_calls; i++) {
        call_rec *c = &r->calls[i];
        double t = 90000.0 + 2.385 * (double)(i + 1) * 1000.0 + 17.0 * rep;
        c->rep = rep;
        c->id = i;
        c->type = (int32_t)(i % 2);
        c->priority = c->type + 1;
        c->zone = (int32_t)(i % 2);
        c->node = (int32_t)(i % 3);
        c->status = CALL_ANSWERED;
        c->counted = 1;
        c->t_call_s = t;
        c->t_dispatch_s = t + 61.25 + rep;
        c->wait_s = 3.5 * i;
        c->travel_s = 301.5 + 41.0 * i + 7.0 * rep;
        c->travel_m = 2385.0 + 100.0 * i;
        c->t_arrive_s = c->t_dispatch_s + c->travel_s;
        c->response_s = c->t_arrive_s - t;
        c->onscene_s = 1234.5;
        c->t_clear_s = c->t_arrive_s + c->onscene_s;
        c->target_s = 600.0;
        c->unit = (int32_t)(i % 3);
        c->units_sent = 1;
        c->officers_short = 0;
        c->runner_up = (int32_t)((i + 1) % 3);
        c->runner_up_travel_s = c->travel_s + 55.5;
        if (i == 3) {
            c->status = CALL_DIVERTED;
            c->t_dispatch_s = c->t_arrive_s = c->t_clear_s = NAN;
            c->wait_s = c->travel_s = c->travel_m = c->response_s = NAN;
            c->unit = c->runner_up = -1;
            c->units_sent = 0;
            c->runner_up_travel_s = NAN;
        }
        if (rep == 1 && i == 4) c->priority = 3;
    }
    for (int u = 0; u < 3; u++) {
        unit_rec *ur = &r->units[u];
        ur->rep = rep;
        ur->unit = u;
        ur->calls = 2 + u;
        ur->on_duty_s = 518400.0 - 1000.0 * u;
        ur->busy_s = 86400.0 * 0.2385 * (u + 1) + rep;
        ur->overtime_s = 125.0 * u;
        ur->travel_m = 12345.5 + u;
    }
}

static void free_rep(rep_result *r)
{
    free(r->calls);
    free(r->units);
}

/* Writes replications [0, n) to w, keeping every summary row in rows. */
static int append_reps(results_writer *w, const metrics *m, const scenario *s, uint32_t first,
                       uint32_t n, double *rows)
{
    for (uint32_t rep = first; rep < n; rep++) {
        rep_result r;
        fake_rep(rep, &r);
        double *row = rows + rep * m->n;
        int rc = metrics_compute(m, s, &r, row);
        if (!rc) rc = results_append_rep(w, &r, row);
        free_rep(&r);
        if (rc) {
            fprintf(stderr, "append %u: %s\n", rep, results_error(w));
            return rc;
        }
    }
    return 0;
}

static bool same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* ---- Tests ------------------------------------------------------------------------------ */

static void test_write_and_read(const fixture *fx, const metrics *m, double *rows)
{
    char path[512], tmp[520], err[1024];
    path_in(path, sizeof path, "run.h5");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    results_meta meta = {"0.1.0", "abc123def456", "patrolsim run scenarios/tiny.cfg -r 3"};
    results_writer *w = results_create(path, &fx->s, m, &meta, err, sizeof err);
    CHECK(w != NULL);
    if (!w) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK(file_exists(tmp));
    CHECK(!file_exists(path));
    /* Set up as .tmp.part and published as .tmp: the .part is gone once the writer exists. */
    char part[530];
    snprintf(part, sizeof part, "%s.part", tmp);
    CHECK(!file_exists(part));
    CHECK_EQ(append_reps(w, m, &fx->s, 0, N_REPS, rows), 0);
    CHECK_EQ(results_reps_done(w), N_REPS);

    /* Out of order: refused with a message, and the writer is still usable after it. */
    rep_result bad;
    fake_rep(7, &bad);
    CHECK_EQ(results_append_rep(w, &bad, rows), RESULTS_EINVAL);
    CHECK(strstr(results_error(w), "replication 7") != NULL);
    free_rep(&bad);

    CHECK_EQ(results_commit(w, err, sizeof err), 0);
    CHECK(file_exists(path));
    CHECK(!file_exists(tmp));

    /* Root attributes, through the generic helpers. */
    int code;
    h5_file *f = h5_file_open(path, false, &code, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    int iv = 0;
    uint64_t u = 0;
    double d = 0;
    char *str = NULL;
    CHECK_EQ(h5_attr_get_int(f, "/", "layout_version", &iv), 0);
    CHECK_EQ(iv, RESULTS_LAYOUT_VERSION);
    CHECK_EQ(h5_attr_get_str(f, "/", "program", &str), 0);
    CHECK_STR(str, "patrolsim");
    free(str);
    CHECK_EQ(h5_attr_get_str(f, "/", "git_revision", &str), 0);
    CHECK_STR(str, "abc123def456");
    free(str);
    CHECK_EQ(h5_attr_get_str(f, "/", "command_line", &str), 0);
    CHECK_STR(str, meta.command_line);
    free(str);
    CHECK_EQ(h5_attr_get_str(f, "/", "scenario_text", &str), 0);
    CHECK_STR(str, fx->s.text);
    free(str);
    CHECK_EQ(h5_attr_get_str(f, "/", "status", &str), 0);
    CHECK_STR(str, "complete");
    free(str);
    CHECK_EQ(h5_attr_get_str(f, "/", "created_utc", &str), 0);
    CHECK(str && strlen(str) == 20 && str[10] == 'T' && str[19] == 'Z');
    free(str);
    CHECK_EQ(h5_attr_get_u64(f, "/", "seed", &u), 0);
    CHECK(u == fx->s.seed);
    CHECK_EQ(h5_attr_get_int(f, "/", "replications_done", &iv), 0);
    CHECK_EQ(iv, N_REPS);
    CHECK_EQ(h5_attr_get_int(f, "/", "n_priorities", &iv), 0);
    CHECK_EQ(iv, 3);
    CHECK_EQ(h5_attr_get_f64(f, "/", "warmup_s", &d), 0);
    CHECK_NEAR(d, 86400.0, 0);
    CHECK_EQ(h5_attr_get_int(f, "/", "no_such_attribute", &iv), H5X_ENOTFOUND);
    CHECK_EQ(h5_attr_get_int(f, "/", "program", &iv), H5X_ETYPE);

    /* /incidents: one row per call, every field as written. */
    size_t n = 0, total = 0;
    for (uint32_t rep = 0; rep < N_REPS; rep++) total += 4 + rep;
    CHECK_EQ(h5_table_nrows(f, "/incidents", &n), 0);
    CHECK_EQ(n, total);
    double *resp = NULL, *rut = NULL;
    int64_t *node_id = NULL, *node = NULL, *rep_col = NULL;
    CHECK_EQ(h5_table_read_f64(f, "/incidents", "response_s", &resp, &n), 0);
    CHECK_EQ(h5_table_read_f64(f, "/incidents", "runner_up_travel_s", &rut, &n), 0);
    CHECK_EQ(h5_table_read_i64(f, "/incidents", "node_id", &node_id, &n), 0);
    CHECK_EQ(h5_table_read_i64(f, "/incidents", "node", &node, &n), 0);
    CHECK_EQ(h5_table_read_i64(f, "/incidents", "rep", &rep_col, &n), 0);
    if (resp && rut && node_id && node && rep_col && n == total) {
        size_t k = 0;
        for (uint32_t rep = 0; rep < N_REPS; rep++) {
            rep_result r;
            fake_rep(rep, &r);
            for (size_t i = 0; i < r.n_calls; i++, k++) {
                CHECK(same_double(resp[k], r.calls[i].response_s));
                CHECK(same_double(rut[k], r.calls[i].runner_up_travel_s));
                CHECK_EQ(node[k], r.calls[i].node);
                CHECK_EQ(node_id[k], fx->nodes[r.calls[i].node].id);
                CHECK_EQ(rep_col[k], rep);
            }
            free_rep(&r);
        }
    }
    free(resp);
    free(rut);
    free(node_id);
    free(node);
    free(rep_col);
    CHECK_EQ(h5_table_read_f64(f, "/incidents", "no_such_field", &resp, &n), H5X_ENOTFOUND);
    CHECK(strstr(h5_file_error(f), "no_such_field") != NULL);

    /* Field names and units, parallel to the compound members. */
    char **names = NULL, **units = NULL, **members = NULL;
    size_t nn = 0, nu = 0, nmem = 0;
    CHECK_EQ(h5_attr_get_strv(f, "/incidents", "field_names", &names, &nn), 0);
    CHECK_EQ(h5_attr_get_strv(f, "/incidents", "units", &units, &nu), 0);
    CHECK_EQ(h5_table_field_names(f, "/incidents", &members, &nmem), 0);
    CHECK_EQ(nn, 28);
    CHECK_EQ(nu, nn);
    CHECK_EQ(nmem, nn);
    for (size_t i = 0; i < nn && i < nmem; i++) CHECK_STR(names[i], members[i]);
    for (size_t i = 0; i < nn && i < nu; i++) {
        if (strcmp(names[i], "t_call_s") == 0) CHECK_STR(units[i], "s");
        if (strcmp(names[i], "travel_m") == 0) CHECK_STR(units[i], "m");
        if (strcmp(names[i], "node_id") == 0) CHECK_STR(units[i], "id");
    }
    h5_strv_free(names, nn);
    h5_strv_free(units, nu);
    h5_strv_free(members, nmem);

    /* Static tables: strings, ids and the u64 hash. */
    struct unit_row {
        char name[16];
        char mode[8];
        char station[16];
        int64_t home;
    } *ur = NULL;
    h5_field uf[] = {
        {"name", H5X_STR, offsetof(struct unit_row, name), 16, NULL},
        {"mode", H5X_STR, offsetof(struct unit_row, mode), 8, NULL},
        {"station", H5X_STR, offsetof(struct unit_row, station), 16, NULL},
        {"home_node_id", H5X_I64, offsetof(struct unit_row, home), 0, NULL},
    };
    void *buf = NULL;
    CHECK_EQ(h5_table_read(f, "/units", uf, 4, sizeof *ur, &buf, &n), 0);
    ur = buf;
    CHECK_EQ(n, 3);
    if (ur && n == 3) {
        CHECK_STR(ur[2].name, "beat-1");
        CHECK_STR(ur[2].mode, "foot");
        CHECK_STR(ur[2].station, "east-post");
        CHECK_EQ(ur[2].home, 309);
        CHECK_STR(ur[0].mode, "vehicle");
        CHECK_EQ(ur[0].home, 205);
    }
    free(ur);
    uint64_t *hash = NULL;
    CHECK_EQ(h5_table_read_u64(f, "/inputs", "fnv1a64", &hash, &n), 0);
    CHECK_EQ(n, 2);
    if (hash && n == 2) CHECK(hash[1] == fx->input_hashes[1]);
    free(hash);
    double *onscene = NULL, *target = NULL;
    CHECK_EQ(h5_table_read_f64(f, "/types", "onscene_mean_s", &onscene, &n), 0);
    if (onscene && n == 3) {
        CHECK_NEAR(onscene[0], 2385.0, 0);
        CHECK_NEAR(onscene[2], 900.0, 0);
    }
    free(onscene);
    CHECK_EQ(h5_table_read_f64(f, "/zones", "target_p2_s", &target, &n), 0);
    if (target && n == 2) CHECK_NEAR(target[1], 1500.0, 0);
    free(target);
    int64_t *ids = NULL, *from = NULL;
    CHECK_EQ(h5_table_read_i64(f, "/network/nodes", "id", &ids, &n), 0);
    if (ids && n == 3) CHECK_EQ(ids[2], 309);
    free(ids);
    CHECK_EQ(h5_table_read_i64(f, "/network/edges", "from_id", &from, &n), 0);
    CHECK_EQ(n, 4);
    if (from && n == 4) CHECK_EQ(from[2], 205);
    free(from);
    CHECK_EQ(h5_attr_get_strv(f, "/network/edges", "class_names", &names, &nn), 0);
    CHECK_EQ(nn, 2);
    if (names && nn == 2) CHECK_STR(names[1], "lane");
    h5_strv_free(names, nn);
    CHECK_EQ(h5_table_nrows(f, "/unit_reps", &n), 0);
    CHECK_EQ(n, 3 * N_REPS);
    CHECK(h5_exists(f, "/network/nodes"));
    CHECK(!h5_exists(f, "/network/nothing/deeper"));
    h5_file_close(f);

    /* The summary reader. */
    results_summary sum;
    CHECK_EQ(results_read_summary(path, &sum, err, sizeof err), 0);
    CHECK_EQ(sum.n_reps, N_REPS);
    CHECK_EQ(sum.m.n, m->n);
    CHECK_EQ(sum.layout_version, RESULTS_LAYOUT_VERSION);
    CHECK_EQ(sum.replications_planned, N_REPS);
    CHECK(sum.seed == fx->s.seed);
    CHECK_STR(sum.scenario_name, "tiny-town");
    CHECK_STR(sum.program_version, "0.1.0");
    CHECK_STR(sum.status, "complete");
    if (sum.rows && sum.n_reps == N_REPS && sum.m.n == m->n) {
        size_t bad_cells = 0;
        for (size_t i = 0; i < N_REPS * m->n; i++)
            if (!same_double(sum.rows[i], rows[i])) bad_cells++;
        CHECK_EQ(bad_cells, 0);
        CHECK_NEAR(sum.rows[1 * m->n + 0], 1.0, 0); /* rep */
        int p3 = metrics_find(m, "p3_response_mean_s");
        CHECK(p3 > 0 && isnan(sum.rows[p3]) && !isnan(sum.rows[m->n + (size_t)p3]));
    }
    results_summary_fini(&sum);
}

/* An aborted writer keeps the .tmp with what it appended; so does a killed one. Resuming
 * continues where they stopped, after cutting rows of a half-appended replication. */
static void test_abort_kill_resume(const fixture *fx, const metrics *m, const double *full)
{
    char path[512], tmp[520], err[1024];
    double *rows = calloc(N_REPS * m->n, sizeof *rows);
    path_in(path, sizeof path, "aborted.h5");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    results_writer *w = results_create(path, &fx->s, m, NULL, err, sizeof err);
    CHECK(w != NULL);
    if (!w) return;
    CHECK_EQ(append_reps(w, m, &fx->s, 0, 2, rows), 0);
    results_abort(w);
    CHECK(file_exists(tmp));
    CHECK(!file_exists(path));
    results_summary sum;
    CHECK_EQ(results_read_summary(tmp, &sum, err, sizeof err), 0);
    CHECK_EQ(sum.n_reps, 2);
    CHECK_STR(sum.status, "incomplete");
    results_summary_fini(&sum);

    /* Half of replication 2 (its calls, not its summary row), as a kill mid-append leaves. */
    int code;
    h5_file *f = h5_file_open(tmp, true, &code, err, sizeof err);
    CHECK(f != NULL);
    if (f) {
        h5_field fd = {"rep", H5X_U32, 0, 0, NULL};
        h5_table *t = h5_table_open(f, "/incidents", &fd, 1, sizeof(uint32_t));
        uint32_t two[2] = {2, 2};
        CHECK(t != NULL);
        CHECK_EQ(h5_table_append(t, two, 2), 0);
        h5_table_close(t);
        h5_file_close(f);
    }

    /* Resume: another seed is refused; the right one continues at rep 2. */
    fixture other = *fx;
    other.s.seed = 7;
    size_t done = 99;
    results_writer *rw = results_resume(path, &other.s, m, NULL, &done, &code, err, sizeof err);
    CHECK(rw == NULL);
    CHECK_EQ(code, RESULTS_EMISMATCH);
    CHECK(strstr(err, "seed") != NULL);
    rw = results_resume(path, &fx->s, m, NULL, &done, &code, err, sizeof err);
    CHECK(rw != NULL);
    if (!rw) {
        fprintf(stderr, "%s\n", err);
        free(rows);
        return;
    }
    CHECK_EQ(done, 2);
    CHECK_EQ(append_reps(rw, m, &fx->s, 2, N_REPS, rows), 0);
    CHECK_EQ(results_commit(rw, err, sizeof err), 0);
    CHECK(file_exists(path));
    CHECK(!file_exists(tmp));
    CHECK_EQ(results_read_summary(path, &sum, err, sizeof err), 0);
    CHECK_EQ(sum.n_reps, N_REPS);
    if (sum.rows && sum.n_reps == N_REPS) {
        size_t bad_cells = 0;
        for (size_t i = 0; i < N_REPS * m->n; i++)
            if (!same_double(sum.rows[i], full[i])) bad_cells++;
        CHECK_EQ(bad_cells, 0);
    }
    results_summary_fini(&sum);
    f = h5_file_open(path, false, &code, err, sizeof err);
    size_t n = 0;
    CHECK_EQ(h5_table_nrows(f, "/incidents", &n), 0);
    CHECK_EQ(n, 4 + 5 + 6); /* the two stray rows are gone */
    h5_file_close(f);
    free(rows);

    /* A killed writer: the child appends two replications and dies without closing. */
    path_in(path, sizeof path, "killed.h5");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        double *r2 = calloc(N_REPS * m->n, sizeof *r2);
        results_writer *kw = results_create(path, &fx->s, m, NULL, err, sizeof err);
        if (!kw || !r2 || append_reps(kw, m, &fx->s, 0, 2, r2)) _exit(3);
        _exit(0); /* no close, no commit: as a SIGKILL between replications */
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK_EQ(results_read_summary(tmp, &sum, err, sizeof err), 0);
    if (sum.n_reps != 2) fprintf(stderr, "killed: %s\n", err);
    CHECK_EQ(sum.n_reps, 2);
    CHECK_STR(sum.status, "incomplete");
    results_summary_fini(&sum);
}

/* Writes a file that is HDF5 but not what the reader needs. what: 0 no layout_version,
 * 1 layout_version 1 (older), 2 no /summary, 3 /summary with the wrong columns. */
static void write_bad(const char *path, int what)
{
    char err[512];
    h5_file *f = h5_file_create(path, err, sizeof err);
    if (!f) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    if (what == 0) h5_attr_set_str(f, "/", "something", "else");
    if (what >= 1)
        h5_attr_set_int(f, "/", "layout_version", what == 1 ? 1 : RESULTS_LAYOUT_VERSION);
    if (what >= 2) h5_attr_set_int(f, "/", "n_priorities", 3);
    if (what == 3) {
        struct { uint32_t rep; double x; } row = {0, 1.5};
        h5_field fd[] = {{"rep", H5X_U32, 0, 0, "index"}, {"calls_total", H5X_F64, 8, 0, "count"}};
        h5_table *t = h5_table_create(f, "/summary", fd, 2, sizeof row, 0);
        h5_table_append(t, &row, 1);
        h5_table_close(t);
    }
    h5_file_commit(f);
    h5_file_close(f);
}

/* Each bad file fails with RESULTS_EFORMAT (or EIO) and a message naming the file. */
static void expect_read_error(const char *path, int code, const char *msg)
{
    char err[1024];
    results_summary sum;
    int rc = results_read_summary(path, &sum, err, sizeof err);
    if (rc != code) fprintf(stderr, "%s: code %d, message \"%s\"\n", path, rc, err);
    CHECK_EQ(rc, code);
    if (!strstr(err, msg) || strncmp(err, path, strlen(path)) != 0) {
        fprintf(stderr, "%s: expected \"%s\", got \"%s\"\n", path, msg, err);
        check_failures++;
    }
    results_summary_fini(&sum);
}

static void test_bad_files(void)
{
    char p[512], good[512];
    path_in(p, sizeof p, "missing.h5");
    expect_read_error(p, RESULTS_EIO, "No such file");

    path_in(p, sizeof p, "text.h5");
    FILE *fp = fopen(p, "w");
    fprintf(fp, "this is not HDF5\n");
    fclose(fp);
    expect_read_error(p, RESULTS_EFORMAT, "not an HDF5 file");

    /* The first part of a good file: signature intact, end of file missing. */
    path_in(good, sizeof good, "run.h5");
    path_in(p, sizeof p, "truncated.h5");
    FILE *in = fopen(good, "rb"), *out = fopen(p, "wb");
    CHECK(in && out);
    if (in && out) {
        char buf[4096];
        size_t n = fread(buf, 1, sizeof buf, in);
        fwrite(buf, 1, n, out);
    }
    if (in) fclose(in);
    if (out) fclose(out);
    expect_read_error(p, RESULTS_EFORMAT, "truncated");

    path_in(p, sizeof p, "no_layout.h5");
    write_bad(p, 0);
    expect_read_error(p, RESULTS_EFORMAT, "not a patrolsim results file");
    path_in(p, sizeof p, "layout1.h5");
    write_bad(p, 1);
    expect_read_error(p, RESULTS_EFORMAT,
                      "this results file has layout version 1; this patrolsim reads version 2: "
                      "re-run it");
    path_in(p, sizeof p, "no_summary.h5");
    write_bad(p, 2);
    expect_read_error(p, RESULTS_EFORMAT, "no /summary");
    path_in(p, sizeof p, "columns.h5");
    write_bad(p, 3);
    expect_read_error(p, RESULTS_EFORMAT, "column 2 is 'calls_total' where layout version 2");

    /* A directory is not a file. */
    expect_read_error(dir, RESULTS_EFORMAT, "directory");
}

/* Reads a whole stream written by f into a malloc'd string. */
static char *capture(void (*f)(FILE *, const void *), const void *arg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) return NULL;
    f(mem, arg);
    fclose(mem);
    return text;
}

typedef struct report_args {
    const metrics *m;
    const double *rows;
    size_t n;
} report_args;

static void print_text(FILE *out, const void *arg)
{
    const report_args *a = arg;
    report_info info = {"tiny-town", "run.h5", 0xdeadbeefcafef00dULL, N_REPS, NULL};
    report_print(out, &info, a->m, a->rows, a->n);
}

static void print_json(FILE *out, const void *arg)
{
    const report_args *a = arg;
    report_info info = {"tiny \"town\"", NULL, 0xdeadbeefcafef00dULL, N_REPS, NULL};
    report_print_json(out, &info, a->m, a->rows, a->n);
}

static void test_report(const metrics *m, const double *rows)
{
    report_args a = {m, rows, N_REPS};
    char *text = capture(print_text, &a);
    CHECK(text != NULL);
    if (text) {
        CHECK(strstr(text, "tiny-town") != NULL);
        CHECK(strstr(text, "3 replications") != NULL);
        CHECK(strstr(text, "seed 16045690984503111693") != NULL);
        CHECK(strstr(text, "priority 3") != NULL);
        CHECK(strstr(text, "(n=1)") != NULL); /* priority 3 answered in one replication */
        CHECK(strstr(text, "±") != NULL);
        CHECK(strstr(text, "within target") != NULL);
        CHECK(strstr(text, "utilisation") != NULL);
        if (getenv("PSIM_KEEP")) fputs(text, stdout);
    }
    free(text);

    /* Incomplete: the header says so. */
    report_args two = {m, rows, 2};
    text = capture(print_text, &two);
    CHECK(text && strstr(text, "2 of 3 replications (run incomplete)") != NULL);
    free(text);

    char *json = capture(print_json, &a);
    CHECK(json != NULL);
    if (json) {
        CHECK(strncmp(json, "{\"layout_version\":1,", 20) == 0);
        CHECK(strstr(json, "\"scenario\":\"tiny \\\"town\\\"\"") != NULL);
        CHECK(strstr(json, "\"seed\":16045690984503111693") != NULL);
        CHECK(strstr(json, "\"replications\":3") != NULL);
        CHECK(strstr(json, "\"response_mean_s\":{\"mean\":") != NULL);
        CHECK(strstr(json, "\"unit\":\"s\"") != NULL);
        CHECK(strstr(json, "\"rep\":") == NULL);
        /* priority 3: one replication, so a mean but no interval. */
        const char *p3 = strstr(json, "\"p3_response_mean_s\":");
        CHECK(p3 && strstr(p3, "\"half_width\":null,\"n\":1,") != NULL);
        CHECK(strstr(json, ":nan") == NULL && strstr(json, ":-nan") == NULL &&
              strstr(json, ":inf") == NULL && strstr(json, ":-inf") == NULL);
        int depth = 0, min_depth = 0;
        bool in_str = false;
        for (const char *c = json; *c; c++) {
            if (in_str) {
                if (*c == '\\') c++;
                else if (*c == '"') in_str = false;
                continue;
            }
            if (*c == '"') in_str = true;
            if (*c == '{') depth++;
            if (*c == '}') depth--;
            if (depth < min_depth) min_depth = depth;
        }
        CHECK_EQ(depth, 0);
        CHECK_EQ(min_depth, 0);
        CHECK(json[strlen(json) - 1] == '\n');
        if (getenv("PSIM_KEEP")) {
            char p[512];
            path_in(p, sizeof p, "summary.json");
            FILE *fp = fopen(p, "w");
            if (fp) {
                fputs(json, fp);
                fclose(fp);
            }
        }
    }
    free(json);
}

static void remove_dir(void)
{
    static const char *const names[] = {
        "run.h5", "aborted.h5", "aborted.h5.tmp", "killed.h5.tmp", "text.h5", "truncated.h5",
        "no_layout.h5", "layout1.h5", "no_summary.h5", "columns.h5", "summary.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[512];
        path_in(p, sizeof p, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* A staged file is "<path>.tmp.part" until published, then "<path>.tmp": a process killed while
 * setting it up leaves nothing that --resume would take for a run in progress. */
static void test_staged_create(void)
{
    char path[512], tmp[520], part[530], err[1024];
    path_in(path, sizeof path, "staged.h5");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    snprintf(part, sizeof part, "%s.part", tmp);
    h5_file *f = h5_file_create_staged(path, err, sizeof err);
    CHECK(f != NULL);
    if (!f) return;
    CHECK(file_exists(part));
    CHECK(!file_exists(tmp));
    CHECK_EQ(h5_attr_set_int(f, "/", "x", 1), 0);
    CHECK_EQ(h5_file_publish(f), 0);
    CHECK(file_exists(tmp));
    CHECK(!file_exists(part));
    CHECK_EQ(h5_attr_set_int(f, "/", "x", 2), 0); /* still open and writable after the rename */
    CHECK_EQ(h5_file_commit(f), 0);
    h5_file_close(f);
    CHECK(file_exists(path));
    CHECK(!file_exists(tmp));
    remove(path);
}

int main(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/test_results.XXXXXX", t && t[0] ? t : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    fixture fx;
    fixture_init(&fx);
    metrics m;
    if (metrics_init(&m, fx.s.n_priorities)) return 1;
    double *rows = calloc(N_REPS * m.n, sizeof *rows);
    if (!rows) return 1;

    test_staged_create();
    test_write_and_read(&fx, &m, rows);
    test_abort_kill_resume(&fx, &m, rows);
    test_bad_files();
    test_report(&m, rows);

    free(rows);
    metrics_fini(&m);
    if (getenv("PSIM_KEEP"))
        printf("files kept in %s\n", dir);
    else
        remove_dir();
    return CHECK_DONE();
}
