/* test_trace.c - trace-driven runs: a scenario that replays a call history (trace.h).
 *
 * A tiny scenario on tests/data/net/small.txt (nodes 1-5 at y = 100 in zone North, 6-10 at
 * y = 0 in South, 100 m apart) replays a five-call history. The calls must come out as the
 * history has them (time, node, type, priority, known on-scene time), with the unknown on-scene
 * times drawn from the on-scene stream one uniform per call (known or not); replications and
 * deployments must face the same incidents; the calendar (horizon, weekday) must follow the
 * history; and bad histories and settings must be reported at their file and line.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calls.h"
#include "check.h"
#include "diag.h"
#include "model.h"
#include "rng.h"
#include "scenario.h"
#include "trace.h"

/* Five calls over three days from Tuesday 2016-03-01: by node id and by x/y (snapped), the
 * priority and on-scene time given or not, a tie at 09:30 (file order), a day-2 call. The
 * rows are out of order on purpose: calls replay by time. */
static const char *const history_text = "# a tiny history\n"
                                        "time,node,x_m,y_m,type,priority,onscene_min\n"
                                        "2016-03-01T08:00:00,3,,,theft,,12.5\n"
                                        "2016-03-01T09:30:00,,210,95,assault,,\n"
                                        "2016-03-03T00:00:00,10,,,theft,2,30\n"
                                        "2016-03-01T09:30:00,7,,,noise,1,5\n"
                                        "2016-03-02 23:59:30,,0,-20,noise,,\n";

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* Writes t.cfg with run_extra inside run and incidents_extra inside incidents, and h.csv. */
static const char *net_extra = ""; /* extra network settings */

static void write_scenario(const char *run_extra, const char *incidents_extra, const char *hist)
{
    char cfg[4096];
    snprintf(cfg, sizeof cfg,
             "name = \"trace\";\n"
             "run : { seed = 11; replications = 3; %s %s };\n"
             "network : { file = \"%s/net/small.txt\"; %s };\n"
             "zone_kinds = ( { name = \"urban\"; target_s = [ 180.0, 600.0 ]; } );\n"
             "zones = ( { name = \"North\"; kind = \"urban\"; weight = 1.0; },\n"
             "          { name = \"South\"; kind = \"urban\"; weight = 1.0; } );\n"
             "calls : { per_day = 24.0; handling = { dist = \"exponential\"; mean_s = 30.0; };\n"
             "          report_delay = { dist = \"exponential\"; mean_s = 120.0; }; };\n"
             "incident_types = (\n"
             "  { name = \"assault\"; priority = 1; share = 1.0;\n"
             "    onscene = { dist = \"gamma\"; mean_s = 1800.0; sd_s = 900.0; }; },\n"
             "  { name = \"theft\"; priority = 2; share = 1.0;\n"
             "    onscene = { dist = \"lognormal\"; mean_s = 1200.0; sd_s = 600.0; }; },\n"
             "  { name = \"noise\"; priority = 2; share = 1.0;\n"
             "    onscene = { dist = \"uniform\"; min_s = 300.0; max_s = 900.0; }; }\n"
             ");\n"
             "incidents : { source = \"h.csv\"; %s };\n"
             "stations = ( { name = \"N\"; node = 1; }, { name = \"S\"; node = 10; } );\n"
             "units = ( { name = \"car\"; station = \"N\"; kind = \"car\"; count = 2; crew = 2;\n"
             "            mode = \"vehicle\"; } );\n",
             strstr(run_extra, "warmup_days") ? "" : "warmup_days = 0.5;", run_extra,
             PSIM_TEST_DATA, net_extra, incidents_extra);
    write_file("t.cfg", cfg);
    write_file("h.csv", hist);
}

static scenario *load_with(const char *const *sets, size_t n, diag **dout)
{
    char path[128];
    snprintf(path, sizeof path, "%s/t.cfg", tmpdir);
    diag *d = diag_create();
    scenario *s = scen_load(path, sets, n, d);
    if (dout)
        *dout = d;
    else {
        if (!s) diag_print(d, stderr);
        diag_destroy(d);
    }
    return s;
}

/* True when some message contains want. */
static bool has_msg(const diag *d, const char *want)
{
    for (size_t i = 0; i < diag_count(d); i++)
        if (strstr(diag_message(d, i), want)) return true;
    fprintf(stderr, "  no message contains: %s\n  messages:\n", want);
    diag_print(d, stderr);
    return false;
}

/* Loads t.cfg as written and expects it to fail with a message containing want. */
static void expect_error(const char *want)
{
    diag *d;
    scenario *s = load_with(NULL, 0, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, want));
    scen_destroy(s);
    diag_destroy(d);
}

/* The calls of one replication, by calls_generate as the model calls it. */
typedef struct gen {
    rep_result r;
    double *handling_s;
    uint32_t *order;
    size_t cap;
} gen;

static void generate(const scenario *s, uint32_t rep, gen *g)
{
    gsl_rng *st[CALLS_STREAMS];
    for (int i = 0; i < CALLS_STREAMS; i++)
        st[i] = rng_stream_create(s->seed, 0, (uint32_t)(i + 1));
    memset(g, 0, sizeof *g);
    CHECK_EQ(calls_generate(s, rep, st, &g->r, &g->handling_s, &g->order, &g->cap), 0);
    for (int i = 0; i < CALLS_STREAMS; i++)
        gsl_rng_free(st[i]);
}

static void gen_fini(gen *g)
{
    free(g->r.calls);
    free(g->handling_s);
    free(g->order);
}

/* The k-th uniform (from 0) of replication rep's on-scene stream. */
static double onscene_u(const scenario *s, uint32_t rep, int k)
{
    gsl_rng *r = rng_stream_create(s->seed, rep, SRC_ONSCENE);
    double u = 0;
    for (int i = 0; i <= k; i++)
        u = rng_uniform_pos(r);
    gsl_rng_free(r);
    return u;
}

static int32_t node_of(const scenario *s, long long id)
{
    return (int32_t)net_node_index(s->net, id);
}

/* The history comes out call for call. */
static void check_reproduced(void)
{
    write_scenario("", "", history_text);
    scenario *s = load_with(NULL, 0, NULL);
    CHECK(s != NULL);
    if (!s) return;
    CHECK(s->trace != NULL);
    CHECK_EQ(s->trace->n_calls, 5);
    CHECK_EQ(s->trace->n_dropped, 0);
    CHECK_NEAR(s->horizon_s, 3 * 86400.0, 0); /* day 0 to day 2: three days */
    CHECK_EQ(s->start_weekday, 1);            /* 2016-03-01 was a Tuesday */
    CHECK_EQ(s->trace->n_onscene_known, 3);
    CHECK_EQ(s->trace->n_priority_given, 2);
    /* The history is one of the scenario's hashed inputs. */
    bool hashed = false;
    for (size_t i = 0; i < s->n_inputs; i++)
        hashed = hashed || strstr(s->input_paths[i], "/h.csv") != NULL;
    CHECK(hashed);

    gen g;
    generate(s, 0, &g);
    CHECK_EQ(g.r.n_calls, 5);
    if (g.r.n_calls == 5) {
        const call_rec *c = g.r.calls;
        struct {
            double t_s;
            long long node;
            int type, prio;
            double onscene_s; /* NaN: drawn */
        } want[5] = {
            {8 * 3600.0, 3, 1, 2, 750.0},    /* the type's priority */
            {9.5 * 3600, 3, 0, 1, NAN},      /* (210, 95) snaps to node 3 */
            {9.5 * 3600, 7, 2, 1, 300.0},    /* the row's priority; after the tie */
            {86400 + 86370.0, 6, 2, 2, NAN}, /* (0, -20) snaps to node 6 */
            {2 * 86400.0, 10, 1, 2, 1800.0},
        };
        for (int i = 0; i < 5; i++) {
            CHECK_EQ(c[i].id, i);
            CHECK_NEAR(c[i].t_incident_s, want[i].t_s, 0);
            CHECK_EQ(c[i].node, node_of(s, want[i].node));
            CHECK_EQ(c[i].type, want[i].type);
            CHECK_EQ(c[i].priority, want[i].prio);
            CHECK_EQ(c[i].zone, s->node_zone[c[i].node]);
            CHECK_NEAR(c[i].target_s, scen_target_s(s, c[i].zone, want[i].prio), 0);
            CHECK(c[i].t_call_s >= c[i].t_incident_s);
            /* Unknown on-scene times: the i-th uniform of the on-scene stream through the
             * type's quantile, which holds only if every call, known or not, took one. */
            double onscene =
                isnan(want[i].onscene_s)
                    ? scen_dist_quantile(&s->types[want[i].type].onscene, onscene_u(s, 0, i))
                    : want[i].onscene_s;
            CHECK_NEAR(c[i].onscene_s, onscene, 1e-9);
        }
        /* The report order is by report time. */
        for (int i = 1; i < 5; i++)
            CHECK(c[g.order[i - 1]].t_call_s <= c[g.order[i]].t_call_s);
    }
    gen_fini(&g);

    /* What check says. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    scen_print_check(s, f);
    fclose(f);
    CHECK(strstr(text, "replayed from a call history") != NULL);
    CHECK(strstr(text, "5 calls over 3 days from Tuesday 2016-03-01") != NULL);
    CHECK(strstr(text, "on-scene time for 3 of 5 calls") != NULL);
    CHECK(strstr(text, "by zone kind: urban 100.0% of the calls") != NULL);
    CHECK(strstr(text, "unused in trace mode (they generate no calls): calls.per_day") != NULL);
    if (check_failures) fputs(text, stderr);
    free(text);
    scen_destroy(s);
}

/* Replications differ only by what the history leaves open; two deployments replaying the
 * same history face the same calls, call for call. */
static void check_common_random_numbers(void)
{
    write_scenario("", "", history_text);
    const char *fewer[] = {"units.car.count=1", "dispatch.policy=nearest"};
    scenario *a = load_with(NULL, 0, NULL), *b = load_with(fewer, 1, NULL);
    CHECK(a && b);
    if (!a || !b) {
        scen_destroy(a);
        scen_destroy(b);
        return;
    }
    gen r0, r1, b0;
    generate(a, 0, &r0);
    generate(a, 1, &r1);
    generate(b, 0, &b0);
    CHECK_EQ(r0.r.n_calls, 5);
    CHECK_EQ(r1.r.n_calls, 5);
    CHECK_EQ(b0.r.n_calls, 5);
    size_t drawn_differ = 0, delay_differ = 0, handling_differ = 0;
    for (size_t i = 0; i < 5 && r0.r.n_calls == 5 && r1.r.n_calls == 5 && b0.r.n_calls == 5; i++) {
        const call_rec *x = &r0.r.calls[i], *y = &r1.r.calls[i], *z = &b0.r.calls[i];
        /* Replications: the same times and places, types and priorities. */
        CHECK_NEAR(x->t_incident_s, y->t_incident_s, 0);
        CHECK_EQ(x->node, y->node);
        CHECK_EQ(x->type, y->type);
        CHECK_EQ(x->priority, y->priority);
        bool known = i == 0 || i == 2 || i == 4;
        if (known) CHECK_NEAR(x->onscene_s, y->onscene_s, 0);
        drawn_differ += !known && x->onscene_s != y->onscene_s;
        delay_differ += x->t_call_s != y->t_call_s;
        handling_differ += r0.handling_s[i] != r1.handling_s[i];
        /* Another deployment, the same replication: everything about the call is equal. */
        CHECK_NEAR(x->t_incident_s, z->t_incident_s, 0);
        CHECK_NEAR(x->t_call_s, z->t_call_s, 0);
        CHECK_NEAR(x->onscene_s, z->onscene_s, 0);
        CHECK_NEAR(r0.handling_s[i], b0.handling_s[i], 0);
        CHECK_EQ(x->node, z->node);
        CHECK_EQ(x->type, z->type);
        CHECK_EQ(x->priority, z->priority);
        CHECK_EQ(x->detected, z->detected);
    }
    CHECK_EQ(drawn_differ, 2);
    CHECK(delay_differ >= 4);
    CHECK(handling_differ >= 4);
    gen_fini(&r0);
    gen_fini(&r1);
    gen_fini(&b0);

    /* The whole model on it: the calls as generated, the warm-up flag from the report time. */
    model_ws *w = model_ws_create(a);
    rep_result out = {0};
    CHECK(w != NULL);
    if (w) {
        CHECK_EQ(model_run_rep(w, 0, &out), 0);
        CHECK_EQ(out.n_calls, 5);
        for (size_t i = 0; i < out.n_calls; i++)
            CHECK_EQ(out.calls[i].counted, out.calls[i].t_call_s >= a->warmup_s);
        size_t answered = 0;
        for (size_t i = 0; i < out.n_calls; i++)
            answered += out.calls[i].status == CALL_ANSWERED;
        CHECK_EQ(answered, 5);
    }
    rep_result_fini(&out);
    model_ws_destroy(w);
    scen_destroy(a);
    scen_destroy(b);
}

/* The calendar: run.horizon_days cuts the history, run.start_weekday must agree with its
 * dates, times in seconds take the run's weekday. */
static void check_calendar(void)
{
    write_scenario("horizon_days = 2.0;", "", history_text);
    scenario *s = load_with(NULL, 0, NULL);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(s->trace->n_calls, 4);
        CHECK_EQ(s->trace->n_dropped, 1);
        CHECK_NEAR(s->horizon_s, 2 * 86400.0, 0);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        scen_print_check(s, f);
        fclose(f);
        CHECK(strstr(text, "dropped: 1 call at or after day 2 (run.horizon_days); 4 replayed"));
        free(text);
        gen g;
        generate(s, 0, &g);
        CHECK_EQ(g.r.n_calls, 4);
        gen_fini(&g);
    }
    scen_destroy(s);

    write_scenario("start_weekday = 1;", "", history_text);
    s = load_with(NULL, 0, NULL);
    CHECK(s != NULL);
    scen_destroy(s);

    write_scenario("start_weekday = 0;", "", history_text);
    expect_error("t.cfg:2: run.start_weekday: is 0 (Monday), but the call history");
    expect_error("starts on Tuesday 2016-03-01: leave run.start_weekday out");

    write_scenario("start_weekday = 4;", "",
                   "time,node,type\n3600,1,theft\n90000,2,noise\n180000,5,assault\n");
    s = load_with(NULL, 0, NULL);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(s->start_weekday, 4);
        CHECK_NEAR(s->horizon_s, 3 * 86400.0, 0);
        CHECK_EQ(s->trace->n_calls, 3);
    }
    scen_destroy(s);

    write_scenario("warmup_days = 3.0;", "", history_text);
    expect_error("run.warmup_days: must be < the call history's 3 days (got 3)");
}

/* Bad histories and settings, each at its file and line. */
static void check_errors(void)
{
    char hist[128];
    snprintf(hist, sizeof hist, "%s/h.csv", tmpdir);
    char want[256];

    write_scenario("", "",
                   "time,node,type,priority\n2016-03-01T08:00,3,theft,\n"
                   "2016-03-01T09:00,3,burglary,\n");
    snprintf(want, sizeof want,
             "%s:3: type: unknown incident type 'burglary' (the types are: "
             "assault, theft, noise)",
             hist);
    expect_error(want);
    write_scenario("", "",
                   "time,node,type,priority\n2016-03-01T08:00,3,theft,\n"
                   "2016-03-01T10:00,4,theft,3\n");
    snprintf(want, sizeof want,
             "%s:3: priority: 3, but the scenario's incident types go to "
             "priority 2",
             hist);
    expect_error(want);

    write_scenario("", "max_snap_m = 50.0;", "time,x_m,y_m,type\n2016-03-01T08:00,200,160,theft\n");
    snprintf(want, sizeof want,
             "%s:2: x_m, y_m: the nearest node (3) is 60 m away, more than "
             "50 m",
             hist);
    expect_error(want);

    /* Without its own, the history snaps as far as network.max_snap_m allows. */
    net_extra = "max_snap_m = 50.0;";
    write_scenario("", "", "time,x_m,y_m,type\n2016-03-01T08:00,200,160,theft\n");
    expect_error(want);
    net_extra = "";

    write_scenario("", "max_snap_m = 0.0;", history_text);
    expect_error("incidents.max_snap_m: must be > 0 (got 0)");

    write_scenario("", "", history_text);
    const char *elsewhere[] = {"incidents.source=nope.csv"};
    diag *d;
    scenario *s = load_with(elsewhere, 1, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "incidents.source: cannot open"));
    CHECK(has_msg(d, "nope.csv"));
    scen_destroy(s);
    diag_destroy(d);

    write_scenario("horizon_days = 0.1;", "", history_text);
    expect_error("run.horizon_days: ends (day 0.1) before the call history's first call");

    /* Without incidents, the horizon is required as before. */
    write_scenario("", "", history_text);
    char cfg[256];
    snprintf(cfg, sizeof cfg, "%s/t.cfg", tmpdir);
    FILE *f = fopen(cfg, "r");
    char text[4096];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f) fclose(f);
    text[n] = '\0';
    char *inc = strstr(text, "incidents : {");
    if (inc) memset(inc, ' ', (size_t)(strchr(inc, '\n') - inc));
    write_file("t.cfg", text);
    expect_error("t.cfg:2: run: missing required key 'horizon_days'");
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_trace_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    check_reproduced();
    check_common_random_numbers();
    check_calendar();
    check_errors();
    char path[128];
    snprintf(path, sizeof path, "%s/t.cfg", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/h.csv", tmpdir);
    unlink(path);
    rmdir(tmpdir);
    return CHECK_DONE();
}
