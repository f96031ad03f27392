/* test_reserve.c - major incidents and the tiered reserve: the call-up order of tiers, pool
 * assembly, the pull-back policy, an officers-on-scene curve known exactly when travel takes no
 * time and every delay is fixed, and ordinary calls degrading while the reserve is out and
 * recovering after (paired replications, same calls); public events' phases; units freed from
 * ordinary calls joining a tier that is short. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "metrics.h"
#include "model.h"
#include "scenario.h"

/* The small network (tests/data/net/small.txt), travel off: every leg takes 0 s. Two squads of
 * 5 (North), three cars of 2 (South), one foot unit that answers the ordinary calls. Tiers:
 *   main  10 from squads, immediate;
 *   aux   14 from cars, after main is on scene + 60 s, then a pool at North (vehicles of 4,
 *         assembly 600 s);
 *   sup   20 only for incidents of >= 25 officers, at once, pool only at South (vehicles of 6,
 *         assembly 1200 s).
 * The incident (day 1, 12:00, 40 officers, 2 h) at Market. */
static const char *base_cfg =
    "name = \"reserve\";\n"
    "run : { seed = 7; replications = 3; horizon_days = 3.0; };\n"
    "network : { file = \"" PSIM_TEST_DATA "/net/small.txt\"; places = \"" PSIM_TEST_DATA
    "/net/small-places.txt\"; };\n"
    "travel : { enabled = false; };\n"
    "zone_kinds = ( { name = \"urban\"; target_s = [ 600.0 ]; } );\n"
    "zones = ( { name = \"North\"; kind = \"urban\"; weight = 1.0; },\n"
    "          { name = \"South\"; kind = \"urban\"; weight = 1.0; } );\n"
    "calls : { per_day = 30.0; handling = { dist = \"fixed\"; mean_s = 60.0; }; };\n"
    "incident_types = ( { name = \"call\"; priority = 1; share = 1.0; unit_kinds = [ %s ];\n"
    "    onscene = { dist = \"fixed\"; mean_s = 1800.0; }; } );\n"
    "stations = ( { name = \"North\"; node = \"North-station\"; },\n"
    "             { name = \"South\"; node = \"South-station\"; } );\n"
    "posts = ( { name = \"gate\"; kind = \"kiosk\"; node = \"Market\"; max_away = 2; } );\n"
    "units = (\n"
    "  { name = \"squad\"; station = \"North\"; kind = \"squad\"; count = 2; crew = 5; mode = \"vehicle\"; },\n"
    "  { name = \"car\"; station = \"South\"; kind = \"car\"; count = 3; crew = 2; mode = \"vehicle\"; },\n"
    "  { name = \"foot\"; station = \"North\"; kind = \"foot\"; count = 1; crew = 1; mode = \"foot\"; },\n"
    "  { name = \"guard\"; post = \"gate\"; kind = \"guard\"; count = 2; crew = 3; mode = \"foot\"; } );\n"
    "reserve = (\n"
    "  { name = \"main\"; officers = 10; from = [ \"squad\" ]; },\n"
    "  { name = \"aux\"; officers = 14; from = [ \"car\" ]; call_up = \"after_previous\";\n"
    "    delay_s = 60.0; pool = { officers = 10; station = \"North\"; vehicle_officers = 4; };\n"
    "    assembly = { dist = \"fixed\"; mean_s = 600.0; }; },\n"
    "  { name = \"sup\"; officers = 20; call_up = \"size_at_least\"; size_at_least = 25;\n"
    "    pool = { officers = 50; station = \"South\"; vehicle_officers = 6; };\n"
    "    assembly = { dist = \"fixed\"; mean_s = 1200.0; }; } );\n"
    "major_incidents = ( { name = \"x\"; node = \"Market\"; day = 1; start_h = 12.0;\n"
    "    officers = 40; duration_hours = 2.0; } );\n"
    "%s\n";

static char dir[64];

static scenario *load(const char *kinds, const char *extra, const char *const *sets, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/r.cfg", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return NULL;
    fprintf(f, base_cfg, kinds, extra);
    fclose(f);
    diag *d = diag_create();
    scenario *s = scen_load(path, sets, n, d);
    if (!s) diag_print(d, stderr);
    diag_destroy(d);
    CHECK(s != NULL);
    return s;
}

/* The base scenario with its reserve and incident replaced by `extra` (a later setting of
 * the same name would be a duplicate in libconfig, so the base is cut before them). */
static const char *write_replaced(const char *kinds, const char *extra)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/p.cfg", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return path;
    char *body = malloc(8192);
    CHECK(body != NULL);
    if (body) {
        snprintf(body, 8192, base_cfg, kinds, "");
        char *cut = strstr(body, "reserve = (");
        if (cut) *cut = '\0';
        fprintf(f, "%s%s", body, extra);
    }
    free(body);
    fclose(f);
    return path;
}

static scenario *load_replaced(const char *kinds, const char *extra, const char *const *sets,
                               size_t n)
{
    const char *path = write_replaced(kinds, extra);
    diag *d = diag_create();
    scenario *s = scen_load(path, sets, n, d);
    if (!s) diag_print(d, stderr);
    diag_destroy(d);
    CHECK(s != NULL);
    return s;
}

/* Loading path with the overrides must fail with a message holding want (and also2, if not
 * NULL). */
static void expect_load_error(const char *path, const char *const *sets, size_t n,
                              const char *want, const char *also)
{
    diag *d = diag_create();
    scenario *s = scen_load(path, sets, n, d);
    CHECK(s == NULL);
    char *msg = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&msg, &len);
    if (mf) {
        diag_print(d, mf);
        fclose(mf);
    }
    int ok = msg && strstr(msg, want) && (!also || strstr(msg, also));
    if (!ok) fprintf(stderr, "expected '%s' in: %s\n", want, msg ? msg : "");
    CHECK(ok);
    free(msg);
    diag_destroy(d);
    scen_destroy(s);
}

/* The curve, exactly: squads at +0 (5, 10); the cars at +60 (12, 14, 16); sup's pool at +1200
 * in vehicles 6, 6, 6, 2 (it was called at the start, before aux, and took 20 of the 30 still
 * needed); aux's pool fills its last 4 (40 - 36 committed) in one vehicle at +660. */
static void check_exact_curve(void)
{
    scenario *s = load("\"foot\"", "", NULL, 0);
    if (!s) return;
    CHECK_EQ(s->reserve.n_tiers, 3);
    CHECK_EQ(s->reserve.tiers[1].call_up, CALLUP_AFTER_PREVIOUS);
    model_ws *w = model_ws_create(s);
    rep_result r = {0};
    for (uint32_t rep = 0; rep < 2; rep++) {
        CHECK_EQ(model_run_rep(w, rep, &r), 0);
        CHECK_EQ(r.n_majors, 1);
        const major_rec *m = &r.majors[0];
        CHECK_NEAR(m->t_start_s, 86400.0 + 12 * 3600.0, 1e-9);
        CHECK_NEAR(m->t_end_s, m->t_start_s + 7200.0, 1e-9);
        static const double t_want[] = {0, 0, 0, 60, 60, 60, 660, 1200, 1200, 1200, 1200, 7200};
        static const int n_want[] = {0, 5, 10, 12, 14, 16, 20, 26, 32, 38, 40, 0};
        CHECK_EQ(r.n_curve, sizeof n_want / sizeof n_want[0]);
        for (size_t i = 0; i < r.n_curve && i < sizeof n_want / sizeof n_want[0]; i++) {
            CHECK_NEAR(r.curve[i].t_s, t_want[i], 1e-9);
            CHECK_EQ(r.curve[i].officers, n_want[i]);
            CHECK_EQ(r.curve[i].rep, rep);
        }
        CHECK_EQ(m->units, 5);           /* 2 squads, 3 cars */
        CHECK_EQ(m->pool_officers, 24);  /* 20 sup + 4 aux */
        CHECK_EQ(m->peak_officers, 40);
        CHECK_NEAR(m->t_tier1_s, 0.0, 1e-9);    /* 10 */
        CHECK_NEAR(m->t_tier2_s, 1200.0, 1e-9); /* 24: reached only when sup's pool arrives */
        CHECK(isnan(m->t_tier3_s));             /* 44 > the 40 it needs */
        CHECK(isnan(m->t_tier4_s));
        CHECK_NEAR(m->t_full_s, 1200.0, 1e-9);
        /* Who came from where: 5 units and 5 pool vehicles, 40 officers in all. */
        CHECK_EQ(r.n_mj_units, 10);
        int officers = 0, units = 0;
        for (size_t i = 0; i < r.n_mj_units; i++) {
            const major_unit *mu = &r.mj_units[i];
            CHECK_EQ(mu->rep, rep);
            officers += mu->officers;
            CHECK_NEAR(mu->t_release_s, 7200.0, 1e-9);
            if (mu->unit >= 0) {
                units++;
                int squad = s->units[mu->unit].kind == 0;
                CHECK_EQ(mu->tier, squad ? 0 : 1);
                CHECK_EQ(mu->from_state, UNIT_AVAILABLE);
                CHECK_EQ(mu->from_node, (int32_t)s->units[mu->unit].base_node);
                CHECK_NEAR(mu->t_order_s, squad ? 0.0 : 60.0, 1e-9);
                CHECK_NEAR(mu->t_arrive_s, mu->t_order_s, 1e-9);
            } else {
                CHECK_EQ(mu->from_state, -1);
                CHECK_NEAR(mu->t_arrive_s, mu->tier == 2 ? 1200.0 : 660.0, 1e-9);
                CHECK_EQ(mu->from_node, (int32_t)s->stations[mu->tier == 2 ? 1 : 0].node);
            }
        }
        CHECK_EQ(officers, 40);
        CHECK_EQ(units, 5);
        /* The foot unit was never taken; squads and cars stayed on scene to the end. */
        for (size_t u = 0; u < r.n_units; u++) {
            const scen_unit *su = &s->units[u];
            if (su->kind == 0) CHECK_NEAR(r.units[u].onscene_s, 7200.0, 1e-6);
            if (su->kind == 1) CHECK_NEAR(r.units[u].onscene_s, 7140.0, 1e-6); /* from +60 */
            if (strcmp(s->unit_kinds[su->kind], "foot") == 0) CHECK(r.units[u].calls > 0);
        }
    }
    rep_result_fini(&r);
    model_ws_destroy(w);
    scen_destroy(s);
}

/* A small incident calls only what it needs: 8 officers take both squads (a unit's whole crew
 * goes) and no tier after; "size_at_least" is not met. */
static void check_small_incident(void)
{
    const char *sets[] = {"major_incidents.[0].officers=8"};
    scenario *s = load("\"foot\"", "", sets, 1);
    if (!s) return;
    model_ws *w = model_ws_create(s);
    rep_result r = {0};
    CHECK_EQ(model_run_rep(w, 0, &r), 0);
    CHECK_EQ(r.majors[0].units, 2);
    CHECK_EQ(r.majors[0].pool_officers, 0);
    CHECK_EQ(r.majors[0].peak_officers, 10);
    CHECK_NEAR(r.majors[0].t_full_s, 0.0, 1e-9);
    rep_result_fini(&r);
    model_ws_destroy(w);
    scen_destroy(s);
}

/* A public event holds its officers over the planned period: ordered out before_hours ahead,
 * kept after_hours after; it is not the "first incident" of the summary. */
static void check_public_event(void)
{
    const char *ev = "public_events = ( { name = \"fair\"; node = \"Market\"; day = 2;\n"
                     "    start_h = 18.0; duration_hours = 3.0; officers = 10; before_hours = 1.0;\n"
                     "    after_hours = 0.5; } );";
    scenario *s = load("\"foot\"", ev, NULL, 0);
    if (!s) return;
    model_ws *w = model_ws_create(s);
    rep_result r = {0};
    CHECK_EQ(model_run_rep(w, 0, &r), 0);
    CHECK_EQ(r.n_majors, 2);
    if (r.n_majors == 2) {
        const major_rec *e = &r.majors[1];
        CHECK_EQ(e->random, 2);
        CHECK_NEAR(e->t_start_s, 2 * 86400.0 + 17 * 3600.0, 1e-9);
        CHECK_NEAR(e->t_end_s, 2 * 86400.0 + 21.5 * 3600.0, 1e-9);
        CHECK_EQ(e->units, 2); /* the squads, back from the first incident long before */
        CHECK_NEAR(e->t_full_s, 0.0, 1e-9);
        metrics m;
        CHECK_EQ(metrics_init(&m, s->n_priorities), 0);
        double *row = calloc(m.n, sizeof *row);
        CHECK_EQ(metrics_compute(&m, s, &r, row), 0);
        CHECK_NEAR(row[metrics_find(&m, "major_full_s")], r.majors[0].t_full_s, 0);
        free(row);
        metrics_fini(&m);
    }
    rep_result_fini(&r);
    model_ws_destroy(w);
    scen_destroy(s);
}

/* Pull-back: a tier drawing on the guards (2 units of 3 at one post) takes one when the post
 * keeps one, both when it keeps none; the kinds listed first go before nearer ones. */
static void check_pull_back(void)
{
    const char *guards = "reserve = ( { name = \"g\"; officers = 100; from = [ \"guard\", \"car\" ]; } );\n"
                         "major_incidents = ( { name = \"y\"; node = \"Market\"; day = 1;\n"
                         "    start_h = 12.0; officers = 100; duration_hours = 1.0; } );\n"
                         "pull_back = { posts_keep = %d; first = [ \"car\" ]; };\n";
    for (int keep = 0; keep <= 1; keep++) {
        char extra[512];
        snprintf(extra, sizeof extra, guards, keep);
        scenario *s = load_replaced("\"foot\"", extra, NULL, 0);
        if (!s) return;
        model_ws *w = model_ws_create(s);
        rep_result r = {0};
        CHECK_EQ(model_run_rep(w, 0, &r), 0);
        CHECK_EQ(r.majors[0].units, 3 + (2 - keep));
        CHECK_EQ(r.majors[0].peak_officers, 6 + 3 * (2 - keep));
        /* Cars first: travel is 0 for all, so only the order rule puts the cars' 6 officers
         * ahead of the guards at the same instant. */
        CHECK(r.n_curve >= 4);
        if (r.n_curve >= 4) CHECK_EQ(r.curve[3].officers, 6);
        rep_result_fini(&r);
        model_ws_destroy(w);
        scen_destroy(s);
    }
    /* A kind's own rule over the general one: kiosks keep none although posts keep 1. */
    const char *by_kind[] = {"pull_back.posts_keep_by_kind.[0].keep=0"};
    char extra[640];
    snprintf(extra, sizeof extra, guards, 1);
    char *cut = strstr(extra, "};\n");
    if (cut) snprintf(cut, sizeof extra - (size_t)(cut - extra),
                      "posts_keep_by_kind = ( { kind = \"kiosk\"; keep = 2; } ); };\n");
    scenario *s = load_replaced("\"foot\"", extra, by_kind, 1);
    if (s) {
        CHECK_EQ(s->reserve.pull_back.post_keep[0], 0);
        model_ws *w = model_ws_create(s);
        rep_result r = {0};
        CHECK_EQ(model_run_rep(w, 0, &r), 0);
        CHECK_EQ(r.majors[0].units, 3 + 2);
        rep_result_fini(&r);
        model_ws_destroy(w);
        scen_destroy(s);
    }
    /* A kind no post has. */
    snprintf(extra, sizeof extra, guards, 1);
    cut = strstr(extra, "};\n");
    if (cut) snprintf(cut, sizeof extra - (size_t)(cut - extra),
                      "posts_keep_by_kind = ( { kind = \"kisok\"; keep = 2; } ); };\n");
    expect_load_error(write_replaced("\"foot\"", extra), NULL, 0,
                      "pull_back.posts_keep_by_kind.[0].kind: no post is of kind 'kisok'", NULL);
}

/* Ordinary calls answered by the cars: while the reserve holds them (a 12-hour incident) the
 * calls wait; after it they are answered as before. Paired against the same calls with a
 * 1-minute incident. */
static void check_degrade_recover(void)
{
    const char *longer[] = {"major_incidents.[0].duration_hours=12.0",
                            "major_incidents.[0].officers=16", "run.replications=6"};
    const char *brief[] = {"major_incidents.[0].duration_hours=0.02",
                           "major_incidents.[0].officers=16", "run.replications=6"};
    scenario *a = load("\"car\"", "", longer, 3), *b = load("\"car\"", "", brief, 3);
    if (!a || !b) return;
    model_ws *wa = model_ws_create(a), *wb = model_ws_create(b);
    rep_result ra = {0}, rb = {0};
    double t0 = 86400.0 + 12 * 3600.0, t1 = t0 + 12 * 3600.0;
    double during_a = 0, during_b = 0, after_a = 0, after_b = 0;
    size_t n_during = 0, n_after = 0;
    for (uint32_t rep = 0; rep < 6; rep++) {
        CHECK_EQ(model_run_rep(wa, rep, &ra), 0);
        CHECK_EQ(model_run_rep(wb, rep, &rb), 0);
        CHECK_EQ(ra.n_calls, rb.n_calls); /* the same calls */
        for (size_t i = 0; i < ra.n_calls && i < rb.n_calls; i++) {
            const call_rec *ca = &ra.calls[i], *cb = &rb.calls[i];
            CHECK_NEAR(ca->t_call_s, cb->t_call_s, 0);
            if (ca->status != CALL_ANSWERED || cb->status != CALL_ANSWERED) continue;
            if (ca->t_call_s >= t0 && ca->t_call_s < t1) {
                during_a += ca->response_s;
                during_b += cb->response_s;
                n_during++;
            } else if (ca->t_call_s >= t1 + 4 * 3600.0) {
                after_a += ca->response_s;
                after_b += cb->response_s;
                n_after++;
            }
        }
        /* The summary splits the same way. */
        metrics m;
        CHECK_EQ(metrics_init(&m, a->n_priorities), 0);
        double *row = calloc(m.n, sizeof *row);
        CHECK_EQ(metrics_compute(&m, a, &ra, row), 0);
        double in = row[metrics_find(&m, "response_during_major_s")];
        double out = row[metrics_find(&m, "response_outside_major_s")];
        if (isfinite(in)) CHECK(in > out);
        free(row);
        metrics_fini(&m);
    }
    CHECK(n_during > 10 && n_after > 10);
    /* Degraded: all three cars (16 officers needed > 6) are held; calls wait for the end. */
    CHECK(during_a / (double)n_during > during_b / (double)n_during + 600.0);
    /* Recovered: hours after the end, the same calls get the same responses. */
    CHECK_NEAR(after_a / (double)n_after, after_b / (double)n_after, 1e-6);
    rep_result_fini(&ra);
    rep_result_fini(&rb);
    model_ws_destroy(wa);
    model_ws_destroy(wb);
    scen_destroy(a);
    scen_destroy(b);
}

/* A public event's phases: 4 officers before it, 10 during, 2 after. Before: one squad (a
 * unit's whole crew goes, 5). At the start the second squad joins (10). At the end the
 * surplus goes back to ordinary duty, a unit only when its whole crew is surplus: one squad
 * (5 left, since the other's 5 > the 3 still surplus). */
static void check_public_phases(void)
{
    const char *ev = "public_events = ( { name = \"fair\"; node = \"Market\"; day = 2;\n"
                     "    start_h = 18.0; duration_hours = 3.0; officers = 10; before_hours = 1.0;\n"
                     "    after_hours = 0.5; officers_before = 4; officers_after = 2; } );";
    scenario *s = load("\"foot\"", ev, NULL, 0);
    if (!s) return;
    CHECK_EQ(s->reserve.majors[1].officers, 10);
    const scen_major *sm = &s->reserve.majors[1];
    CHECK_EQ(sm->n_needs, 3);
    CHECK_EQ(sm->event_step, 1);
    CHECK_EQ(sm->needs[0].officers, 4);
    CHECK_EQ(sm->needs[1].officers, 10);
    CHECK_EQ(sm->needs[2].officers, 2);
    CHECK_NEAR(sm->needs[1].after_s, 3600.0, 1e-9);
    CHECK_NEAR(sm->needs[2].after_s, 4 * 3600.0, 1e-9);
    CHECK_NEAR(sm->event_s, 2 * 86400.0 + 18 * 3600.0, 1e-9);
    model_ws *w = model_ws_create(s);
    rep_result r = {0};
    CHECK_EQ(model_run_rep(w, 0, &r), 0);
    CHECK_EQ(r.n_majors, 2);
    static const double t_want[] = {0, 0, 3600, 14400, 16200};
    static const int n_want[] = {0, 5, 10, 5, 0};
    size_t k = 0;
    for (size_t i = 0; i < r.n_curve; i++) {
        if (r.curve[i].incident != 1) continue;
        CHECK(k < 5);
        if (k < 5) {
            CHECK_NEAR(r.curve[i].t_s, t_want[k], 1e-9);
            CHECK_EQ(r.curve[i].officers, n_want[k]);
        }
        k++;
    }
    CHECK_EQ(k, 5);
    if (r.n_majors == 2) {
        CHECK_EQ(r.majors[1].officers, 10);
        CHECK_EQ(r.majors[1].units, 2);
        CHECK_EQ(r.majors[1].peak_officers, 10);
        CHECK_NEAR(r.majors[1].t_event_s, 2 * 86400.0 + 18 * 3600.0, 1e-9);
        CHECK_EQ(r.majors[1].event_officers, 10);
        CHECK_EQ(r.majors[1].officers_at_event, 5); /* the before phase's squad */
        CHECK_NEAR(r.majors[1].t_full_s, 3600.0, 1e-9); /* its largest phase, not the first */
        metrics m;
        CHECK_EQ(metrics_init(&m, s->n_priorities), 0);
        double *row = calloc(m.n, sizeof *row);
        CHECK_EQ(metrics_compute(&m, s, &r, row), 0);
        CHECK_NEAR(row[metrics_find(&m, "event_officers_at_start")], 5.0, 0);
        CHECK_NEAR(row[metrics_find(&m, "event_short_at_start")], 5.0, 0);
        free(row);
        metrics_fini(&m);
    }
    /* The squad sent back at the end is free again: a squad's on-scene time at the event is
     * 4.5 h for the one kept and 3 h for the one that came at the start, on top of the first
     * incident's 2 h each. */
    double on[2] = {0, 0};
    for (size_t u = 0, q = 0; u < r.n_units; u++)
        if (s->units[u].kind == 0 && q < 2) on[q++] = r.units[u].onscene_s;
    CHECK_NEAR(on[0] + on[1], 2 * 7200.0 + 16200.0 + 10800.0, 1e-6);
    /* /major_units: the squad sent back at the event's end, the other at the end. */
    double rel[2] = {0, 0};
    size_t q = 0;
    for (size_t i = 0; i < r.n_mj_units; i++)
        if (r.mj_units[i].incident == 1 && q < 2) rel[q++] = r.mj_units[i].t_release_s;
    CHECK_EQ(q, 2);
    CHECK_NEAR(fmin(rel[0], rel[1]), 14400.0, 1e-9);
    CHECK_NEAR(fmax(rel[0], rel[1]), 16200.0, 1e-9);
    rep_result_fini(&r);
    model_ws_destroy(w);
    scen_destroy(s);

    /* Ordered 30 min ahead, the second squad is there when the event starts. */
    const char *lead[] = {"public_events.fair.lead_minutes=30"};
    s = load("\"foot\"", ev, lead, 1);
    if (s) {
        w = model_ws_create(s);
        CHECK_EQ(model_run_rep(w, 0, &r), 0);
        CHECK_EQ(r.majors[1].officers_at_event, 10);
        CHECK_NEAR(r.majors[1].t_full_s, 1800.0, 1e-9);
        rep_result_fini(&r);
        model_ws_destroy(w);
        scen_destroy(s);
    }

    /* Bad phases: officers_before without a before phase. */
    const char *bad = "public_events = ( { name = \"fair\"; node = \"Market\"; day = 2;\n"
                      "    start_h = 18.0; duration_hours = 3.0; officers = 10; officers_before = 4; } );";
    char path[128];
    snprintf(path, sizeof path, "%s/r.cfg", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fprintf(f, base_cfg, "\"foot\"", bad);
    fclose(f);
    expect_load_error(path, NULL, 0, "public_events.[0].officers_before", "before_hours > 0");
}

/* Units busy on ordinary calls when a tier is called join the incident when they come free,
 * since the tier has no pool to fill its strength: the cars answer the ordinary calls, the
 * incident needs the squads' 10 and the cars' 6. Every step of the curve after the start is a
 * car whose call just cleared, and in the end all 16 are there. */
static void check_freed_units_join(void)
{
    const char *extra = "reserve = ( { name = \"main\"; officers = 10; from = [ \"squad\" ]; },\n"
                        "  { name = \"aux\"; officers = 6; from = [ \"car\" ]; } );\n"
                        "major_incidents = ( { name = \"z\"; node = \"Market\"; day = 1;\n"
                        "    start_h = 12.0; officers = 16; duration_hours = 6.0; } );\n";
    const char *sets[] = {"calls.per_day=60.0"};
    scenario *s = load_replaced("\"car\"", extra, sets, 1);
    if (!s) return;
    model_ws *w = model_ws_create(s);
    rep_result r = {0};
    size_t late_joins = 0;
    for (uint32_t rep = 0; rep < 12; rep++) {
        CHECK_EQ(model_run_rep(w, rep, &r), 0);
        const major_rec *m = &r.majors[0];
        CHECK_EQ(m->units, 5);
        CHECK_EQ(m->peak_officers, 16);
        for (size_t i = 0; i < r.n_curve; i++) {
            double t = r.curve[i].t_s;
            if (t <= 0 || r.curve[i].officers == 0) continue;
            late_joins++;
            int cleared = 0; /* a car's call cleared at that very instant */
            for (size_t c = 0; c < r.n_calls && !cleared; c++)
                cleared = r.calls[c].t_clear_s == m->t_start_s + t;
            CHECK(cleared);
        }
    }
    CHECK(late_joins > 0); /* some car was busy at noon in some replication */
    rep_result_fini(&r);
    model_ws_destroy(w);
    scen_destroy(s);
}

/* An incident's needs over time: 10 from its start, 16 after an hour, 5 after 90 minutes.
 * The squads (main) go at once; the cars (aux, no pool) are ordered with it but nothing is
 * needed of them until the hour, when all three come; at 90 minutes the surplus goes back,
 * the latest tier first (the three cars, then one squad). */
static void check_needs_over_time(void)
{
    const char *extra = "reserve = ( { name = \"main\"; officers = 10; from = [ \"squad\" ]; },\n"
                        "  { name = \"aux\"; officers = 6; from = [ \"car\" ]; } );\n"
                        "major_incidents = ( { name = \"w\"; node = \"Market\"; day = 1;\n"
                        "    start_h = 12.0; officers = 10; duration_hours = 2.0;\n"
                        "    needs = ( { after_hours = 1.0; officers = 16; },\n"
                        "              { after_hours = 1.5; officers = 5; } ); } );\n"
                        "major_random = { per_day = 0.5; officers = 8; duration_hours = 1.0;\n"
                        "    needs = ( { after_hours = 0.5; officers = 12; } ); };\n";
    scenario *s = load_replaced("\"foot\"", extra, NULL, 0);
    if (!s) return;
    CHECK_EQ(s->reserve.majors[0].officers, 16);
    CHECK_EQ(s->reserve.majors[0].n_needs, 3);
    CHECK_EQ(s->reserve.random_officers, 12);
    CHECK_EQ(s->reserve.n_random_needs, 2);
    model_ws *w = model_ws_create(s);
    rep_result r = {0};
    CHECK_EQ(model_run_rep(w, 0, &r), 0);
    static const double t_want[] = {0, 0, 0, 3600, 3600, 3600, 5400, 7200};
    static const int n_want[] = {0, 5, 10, 12, 14, 16, 5, 0};
    size_t k = 0;
    for (size_t i = 0; i < r.n_curve; i++) {
        if (r.curve[i].incident != 0) continue;
        CHECK(k < 8);
        if (k < 8) {
            CHECK_NEAR(r.curve[i].t_s, t_want[k], 1e-9);
            CHECK_EQ(r.curve[i].officers, n_want[k]);
        }
        k++;
    }
    CHECK_EQ(k, 8);
    CHECK_EQ(r.majors[0].officers, 16);
    CHECK_EQ(r.majors[0].peak_officers, 16);
    CHECK_NEAR(r.majors[0].t_full_s, 3600.0, 1e-9);
    /* The random ones (drawn over the 3 days) reach their 12 too. */
    for (size_t i = 1; i < r.n_majors; i++) {
        CHECK_EQ(r.majors[i].random, 1);
        CHECK_EQ(r.majors[i].officers, 12);
    }
    rep_result_fini(&r);
    model_ws_destroy(w);
    scen_destroy(s);

    /* Steps out of order, or past the end. */
    const char *bad[] = {"major_incidents.w.needs.[1].after_hours=0.5",
                         "major_incidents.w.needs.[1].after_hours=2.0"};
    const char *want[] = {"major_incidents.[0].needs.[1].after_hours: steps must come in order of time",
                          "major_incidents.[0].needs.[1].after_hours: must be"};
    char path[128];
    snprintf(path, sizeof path, "%s/p.cfg", dir);
    for (int b = 0; b < 2; b++) expect_load_error(path, &bad[b], 1, want[b], NULL);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_reserve.XXXXXX");
    if (!mkdtemp(dir)) return 1;
    check_exact_curve();
    check_small_incident();
    check_public_event();
    check_pull_back();
    check_degrade_recover();
    check_public_phases();
    check_freed_units_join();
    check_needs_over_time();
    char path[128];
    snprintf(path, sizeof path, "%s/r.cfg", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/p.cfg", dir);
    remove(path);
    rmdir(dir);
    return CHECK_DONE();
}
