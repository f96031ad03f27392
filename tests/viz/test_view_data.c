/* test_view_data.c - patrolview's time indexes on a run built by hand: positions interpolated
 * along legs (between nodes, at nodes, before the first and after the last, a leg overtaken by
 * a later decision), states by time (the last of equal times wins, an unknown state number),
 * the counters, the calls on the map, the rolling response time, the jump keys, the camera
 * and the time syntax. Every expected value is worked out in the comments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "view.h"

static void *dup_mem(const void *p, size_t n)
{
    void *q = malloc(n ? n : 1);
    if (n) memcpy(q, p, n);
    return q;
}

static char **dup_names(const char *const *v, size_t n)
{
    char **out = malloc(n * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = strdup(v[i]);
    return out;
}

#define DUP(a) dup_mem((a), sizeof(a))

/* Nodes: 0 (0,0), 1 (100,0), 2 (100,50), 3 (300,50).
 * Unit 0, legs in recorded order:
 *   A  t0 0:   [0]                  standing at node 0
 *   B  t0 10:  0@10 1@30 2@35       100 m in 20 s, then 50 m in 5 s
 *   C  t0 100: 2@100 3@140          recorded first...
 *   D  t0 95:  2@95 0@195           ...then overtaken by D, which starts earlier: C never counts
 * Unit 1 has no legs; its home is node 3. */
static view_run *make_run(void)
{
    view_run *r = calloc(1, sizeof *r);
    static const double x[] = {0, 100, 100, 300}, y[] = {0, 0, 50, 50};
    static const int32_t zone[] = {0, 0, 1, -1};
    r->n_nodes = 4;
    r->x_m = DUP(x);
    r->y_m = DUP(y);
    r->node_zone = DUP(zone);
    r->min_x_m = 0, r->max_x_m = 300, r->min_y_m = 0, r->max_y_m = 50;
    r->horizon_s = 4000;
    r->warmup_s = 1000;
    r->start_weekday = 2;

    static const uint32_t pt_node[] = {0, 0, 1, 2, 2, 3, 2, 0};
    static const double pt_t[] = {0, 10, 30, 35, 100, 140, 95, 195};
    static const view_leg legs[] = {{0, 0, 1}, {10, 1, 3}, {100, 4, 2}, {95, 6, 2}};
    r->pt_node = DUP(pt_node);
    r->pt_t = DUP(pt_t);
    r->n_pts = 8;
    r->legs = DUP(legs);
    r->n_legs = 4;

    static const char *const states[] = {"off", "available", "enroute", "onscene", "returning"};
    r->state_names = dup_names(states, 5);
    r->n_state_names = 5;
    /* Unit 0: available 0, enroute 10 (call 0), onscene 35 and returning 35 (the later wins),
     * returning again 95. Unit 1: off 0, state 9 (unknown: on duty, not free) at 50. */
    static const view_state st[] = {{0, 1, -1},  {10, 2, 0}, {35, 3, 0}, {35, 4, -1},
                                    {95, 4, -1}, {0, 0, -1}, {50, 9, -1}};
    r->states = DUP(st);
    r->n_states = 7;

    r->n_units = 2;
    r->units = calloc(2, sizeof *r->units);
    r->units[0] =
        (view_unit){.name = "u0", .home_node = 0, .leg0 = 0, .n_legs = 4, .st0 = 0, .n_states = 5};
    r->units[1] =
        (view_unit){.name = "u1", .home_node = 3, .leg0 = 4, .n_legs = 0, .st0 = 5, .n_states = 2};

    static const char *const ev[] = {"received", "queued",  "dispatched",
                                     "arrived",  "cleared", "diverted"};
    r->cev_names = dup_names(ev, 6);
    r->n_cev_names = 6;
    /* Call 0: 5 -> dispatched 10 -> arrived 35 -> cleared 80 (response 30).
     * Call 1: 40, queued 41, dispatched 90 (two units), arrived 100, cleared 5000 (response 60).
     * Call 2: 3000, diverted 3001: on the map until 3601, not open after 3001. */
    static const view_cev cev[] = {{5, 0, -1},    {10, 2, 0},    {35, 3, 0},   {80, 4, -1},
                                   {40, 0, -1},   {41, 1, -1},   {90, 2, 0},   {100, 3, 0},
                                   {5000, 4, -1}, {3000, 0, -1}, {3001, 5, -1}};
    r->cevs = DUP(cev);
    r->n_cevs = 11;
    r->n_calls = 3;
    r->calls = calloc(3, sizeof *r->calls);
    r->calls[0] = (view_call){.id = 0,
                              .priority = 1,
                              .node = 3,
                              .status = 0,
                              .units_sent = 1,
                              .t_call_s = 5,
                              .t_dispatch_s = 10,
                              .t_arrive_s = 35,
                              .t_clear_s = 80,
                              .response_s = 30,
                              .ev0 = 0,
                              .n_ev = 4};
    r->calls[1] = (view_call){.id = 1,
                              .priority = 2,
                              .node = 1,
                              .status = 0,
                              .units_sent = 2,
                              .t_call_s = 40,
                              .t_dispatch_s = 90,
                              .t_arrive_s = 100,
                              .t_clear_s = 5000,
                              .response_s = 60,
                              .ev0 = 4,
                              .n_ev = 5};
    r->calls[2] = (view_call){.id = 2,
                              .priority = 3,
                              .node = 0,
                              .status = 1,
                              .units_sent = 0,
                              .t_call_s = 3000,
                              .t_dispatch_s = NAN,
                              .t_arrive_s = NAN,
                              .t_clear_s = NAN,
                              .response_s = NAN,
                              .ev0 = 9,
                              .n_ev = 2};
    return r;
}

static void pos(const view_run *r, uint32_t u, double t, double ex, double ey, bool e_ok)
{
    double x, y;
    bool ok = view_unit_pos(r, u, t, &x, &y);
    CHECK_NEAR(x, ex, 1e-9);
    CHECK_NEAR(y, ey, 1e-9);
    CHECK_EQ(ok, e_ok);
}

static void test_positions(view_run *r)
{
    CHECK_EQ(r->units[0].n_legs, 3); /* C is gone */
    pos(r, 0, -1, 0, 0, false);      /* before the first leg: its first node */
    pos(r, 0, 5, 0, 0, true);        /* standing (A) */
    pos(r, 0, 10, 0, 0, true);       /* B starts at node 0 */
    pos(r, 0, 20, 50, 0, true);      /* half way from 0 to 1 */
    pos(r, 0, 30, 100, 0, true);     /* at node 1 */
    pos(r, 0, 32.5, 100, 25, true);  /* half way from 1 to 2 */
    pos(r, 0, 50, 100, 50, true);    /* B ended at node 2 */
    pos(r, 0, 99.9, 100 - 100 * 4.9 / 100, 50 - 50 * 4.9 / 100, true); /* on D, not C */
    pos(r, 0, 120, 75, 37.5, true); /* D: a quarter of the way from 2 to 0 (C would say 150,50) */
    pos(r, 0, 300, 0, 0, true);     /* D ended at node 0 */
    pos(r, 1, 50, 300, 50, false);  /* no legs: at home */
}

static void test_states(view_run *r)
{
    char buf[32];
    CHECK_EQ(view_unit_state_at(r, 0, -1), -1);
    long s = view_unit_state_at(r, 0, 20);
    CHECK(s >= 0 && r->states[s].state == 2 && r->states[s].call == 0);
    s = view_unit_state_at(r, 0, 35);
    CHECK(s >= 0 && r->states[s].state == 4); /* returning, recorded after onscene at 35 */
    s = view_unit_state_at(r, 1, 60);
    CHECK(s >= 0);
    if (s >= 0) CHECK_STR(view_state_name(r, r->states[s].state, buf, sizeof buf), "state_9");
    CHECK_STR(view_state_name(r, 2, buf, sizeof buf), "enroute");
}

static void test_counters(view_run *r)
{
    CHECK_EQ(view_steps_at(&r->units_free, -1), 0);
    CHECK_EQ(view_steps_at(&r->units_free, 0), 1);  /* u0 available */
    CHECK_EQ(view_steps_at(&r->units_free, 20), 0); /* en route */
    CHECK_EQ(view_steps_at(&r->units_free, 35), 1); /* returning is free */
    CHECK_EQ(view_steps_at(&r->units_free, 60), 1); /* u1's unknown state is not free */
    CHECK_EQ(view_steps_at(&r->units_on, 20), 1);
    CHECK_EQ(view_steps_at(&r->units_on, 60), 2);
    CHECK_EQ(view_steps_at(&r->open_calls, 50), 2);
    CHECK_EQ(view_steps_at(&r->open_calls, 100), 1);
    CHECK_EQ(view_steps_at(&r->open_calls, 3000), 2);
    CHECK_EQ(view_steps_at(&r->open_calls, 3500), 1);
    CHECK_EQ(view_steps_at(&r->open_calls, 6000), 0);
    CHECK_EQ(view_steps_at(&r->queue_len, 40.5), 0);
    CHECK_EQ(view_steps_at(&r->queue_len, 50), 1);
    CHECK_EQ(view_steps_at(&r->queue_len, 90), 0);
    CHECK_NEAR(r->t_end_s, 5000, 0);
}

static void test_calls(view_run *r)
{
    uint32_t ids[8];
    size_t n = view_calls_open(r, 50, ids, 8);
    CHECK_EQ(n, 2);
    if (n == 2) CHECK(ids[0] == 0 && ids[1] == 1);
    n = view_calls_open(r, 2000, ids, 8); /* from the half-hour list at 1800 */
    CHECK_EQ(n, 1);
    if (n == 1) CHECK_EQ(ids[0], 1);
    n = view_calls_open(r, 3500, ids, 8); /* the diverted call stays 10 minutes */
    CHECK_EQ(n, 2);
    n = view_calls_open(r, 3700, ids, 8);
    CHECK_EQ(n, 1);
    CHECK_EQ(view_calls_open(r, 6000, ids, 8), 0);
    CHECK_EQ(view_calls_open(r, 4, ids, 8), 0);
    CHECK_EQ(view_calls_open(r, 50, ids, 1), 2); /* the count even when out of room */
    CHECK(r->calls[1].queued && !r->calls[0].queued);

    CHECK(isnan(view_rolling_response(r, 20, 7200)));
    CHECK_NEAR(view_rolling_response(r, 50, 7200), 30, 1e-12);
    CHECK_NEAR(view_rolling_response(r, 200, 7200), 45, 1e-12);
    CHECK_NEAR(view_rolling_response(r, 200, 120), 60, 1e-12); /* only call 1 since 80 */

    CHECK_EQ(view_next_call(r, 0, false), 0);
    CHECK_EQ(view_next_call(r, 5, false), 1);
    CHECK_EQ(view_next_call(r, 3000, false), -1);
    CHECK_EQ(view_next_call(r, 0, true), 1); /* the call that needed two units */
    CHECK_EQ(view_next_call(r, 40, true), -1);
}

/* Major incidents: the next by start time, and officers on scene as steps from the start. */
static void test_majors(view_run *r)
{
    long c = 0;
    CHECK_NEAR(view_next_major(r, 0, &c), 40, 0); /* none in the file: call 1 (two units) */
    CHECK_EQ(c, 1);
    static const double pt_t[] = {0, 600, 1500};
    static const int32_t pt_n[] = {4, 30, 110};
    r->major_pt_t = DUP(pt_t);
    r->major_pt_officers = DUP(pt_n);
    r->majors = calloc(2, sizeof *r->majors);
    r->majors[0] = (view_major){
        .node = 2, .t_start_s = 1000, .t_end_s = 9000, .officers = 230, .pt0 = 0, .n_pts = 3};
    r->majors[1] = (view_major){.node = 1, .t_start_s = 2500, .t_end_s = 3000, .officers = 20};
    r->n_majors = 2;
    CHECK_NEAR(view_next_major(r, 0, &c), 1000, 0);
    CHECK_EQ(c, -1);
    CHECK_NEAR(view_next_major(r, 1000, &c), 2500, 0);
    CHECK(isnan(view_next_major(r, 2500, &c)));
    CHECK_EQ(view_major_officers(r, 0, 999), 0);
    CHECK_EQ(view_major_officers(r, 0, 1000), 4);
    CHECK_EQ(view_major_officers(r, 0, 1599.5), 4);
    CHECK_EQ(view_major_officers(r, 0, 1600), 30);
    CHECK_EQ(view_major_officers(r, 0, 5000), 110);
    CHECK_EQ(view_major_officers(r, 1, 2600), 0);
}

static void test_camera(const view_run *r)
{
    view_cam c;
    view_cam_fit_all(&c, r, (SDL_Rect){10, 20, 800, 600});
    float px, py;
    view_cam_to_px(&c, 0, 0, &px, &py);
    double x, y;
    view_cam_from_px(&c, px, py, &x, &y);
    CHECK_NEAR(x, 0, 1e-3);
    CHECK_NEAR(y, 0, 1e-3);
    float qx, qy;
    view_cam_to_px(&c, 300, 50, &qx, &qy);
    CHECK(qx > px && qy < py); /* east is right, north is up */
    CHECK(px >= 10 && qx <= 810);
    view_cam_zoom_at(&c, 2.0, 200, 300);
    view_cam_from_px(&c, 200, 300, &x, &y);
    double bx, by;
    view_cam c2;
    view_cam_fit_all(&c2, r, (SDL_Rect){10, 20, 800, 600});
    view_cam_from_px(&c2, 200, 300, &bx, &by);
    CHECK_NEAR(x, bx, 1e-6); /* the point under the mouse stays there */
    CHECK_NEAR(y, by, 1e-6);
}

static void test_time_syntax(const view_run *r)
{
    double t = -1;
    CHECK_EQ(view_parse_time("2:03:04", &t), 0);
    CHECK_NEAR(t, 2 * 86400 + 3 * 3600 + 4 * 60, 0);
    CHECK_EQ(view_parse_time("1:02:03:04", &t), 0);
    CHECK_NEAR(t, 86400 + 2 * 3600 + 3 * 60 + 4, 0);
    CHECK_EQ(view_parse_time("3600", &t), 0);
    CHECK_NEAR(t, 3600, 0);
    CHECK_EQ(view_parse_time("90s", &t), 0);
    CHECK_NEAR(t, 90, 0);
    CHECK_EQ(view_parse_time("0:25:00", &t), -1);
    CHECK_EQ(view_parse_time("1:02:60", &t), -1);
    CHECK_EQ(view_parse_time("noon", &t), -1);
    CHECK_EQ(view_parse_time("-5", &t), -1);
    char buf[64];
    view_format_clock(r, 86400 + 3661, buf, sizeof buf); /* day 0 is a Wednesday */
    CHECK_STR(buf, "Day 1 Thu 01:01:01");
}

int main(void)
{
    view_run *r = make_run();
    CHECK_EQ(view_run_index(r), 0);
    test_positions(r);
    test_states(r);
    test_counters(r);
    test_calls(r);
    test_majors(r);
    test_camera(r);
    test_time_syntax(r);
    view_run_free(r);
    return CHECK_DONE();
}
