/* test_rdata.c - the report's reductions on hand-made data with known answers: figures by
 * hour of day, the map grid, time by unit kind and state, file labels and sweep detection. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rdata.h"
#include "rpt.h"
#include "stats.h"

static void *dup_mem(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}

static char **dup_strv(const char *const *v, size_t n)
{
    char **d = calloc(n ? n : 1, sizeof *d);
    for (size_t i = 0; i < n; i++)
        d[i] = strdup(v[i]);
    return d;
}

/* An rdata of n_reps replications (reps numbered from 7, as in a shard) with nothing else. */
static void base(rdata *d, size_t n_reps, int n_priorities, double warmup_s, double horizon_s)
{
    memset(d, 0, sizeof *d);
    metrics_init(&d->sum.m, n_priorities);
    d->sum.n_reps = n_reps;
    d->sum.rows = malloc(n_reps * d->sum.m.n * sizeof(double));
    for (size_t r = 0; r < n_reps; r++) {
        for (size_t j = 0; j < d->sum.m.n; j++)
            d->sum.rows[r * d->sum.m.n + j] = NAN;
        d->sum.rows[r * d->sum.m.n] = (double)(7 + r);
    }
    d->sum.scenario_name = strdup("zl");
    d->n_priorities = n_priorities;
    d->warmup_s = warmup_s;
    d->horizon_s = horizon_s;
    d->overrides = strdup("");
    d->path = strdup("results/zl.h5");
}

static rdata_call call(uint32_t rep_row, double t_s, double response_s, int status)
{
    return (rdata_call){.rep = 7 + rep_row,
                        .rep_row = rep_row,
                        .priority = 1,
                        .status = status,
                        .node = 0,
                        .zone = 0,
                        .t_call_s = t_s,
                        .response_s = status == 0 ? response_s : NAN,
                        .target_s = 180};
}

static void test_hourly(void)
{
    rdata d;
    base(&d, 2, 2, 86400, 3 * 86400); /* hours of each hour of day after warm-up: 2 */
    double h8 = 86400 + 8 * 3600 + 100;
    rdata_call calls[] = {
        call(0, h8, 120, 0),
        call(0, h8 + 50, 600, 0),
        call(0, h8 + 900, 240, 0),
        call(0, h8 + 2000, 360, 0),
        call(0, h8 + 2100, 0, 1),    /* diverted: counted, no time */
        call(1, h8 + 86400, 300, 0), /* the next day, same hour */
        call(1, 2 * 86400 + 23 * 3600 + 5, 180, 0),
    };
    d.n_calls = sizeof calls / sizeof calls[0];
    d.calls = dup_mem(calls, sizeof calls);
    rdata_hourly h;
    CHECK_EQ(rdata_hourly_compute(&d, &h), 0);
    /* Hour 8: replication 0 has 120, 240, 360, 600 (mean 330; p90 type 7 = 360 + 0.7 * 240)
     * and 5 calls in 2 hours; replication 1 has 300 and 1 call. */
    double t = stats_t975(1);
    CHECK_EQ(h.mean_s[8].n, 2);
    CHECK_NEAR(h.mean_s[8].mean, 315, 1e-9);
    CHECK_NEAR(h.mean_s[8].half_width, t * sqrt(450.0) / sqrt(2.0), 1e-9);
    CHECK_NEAR(h.p90_s[8].mean, (528 + 300) / 2.0, 1e-9);
    CHECK_NEAR(h.calls_per_h[8].mean, (2.5 + 0.5) / 2, 1e-12);
    /* Hour 23: only replication 1 answered a call there. */
    CHECK_EQ(h.mean_s[23].n, 1);
    CHECK_NEAR(h.mean_s[23].mean, 180, 1e-12);
    CHECK(isnan(h.mean_s[23].half_width));
    CHECK_NEAR(h.calls_per_h[23].mean, 0.25, 1e-12);
    /* Hour 3: no call at all: no response figure, a rate of zero in both. */
    CHECK_EQ(h.mean_s[3].n, 0);
    CHECK_EQ(h.calls_per_h[3].n, 2);
    CHECK_NEAR(h.calls_per_h[3].mean, 0, 1e-12);
    rdata_fini(&d);

    /* Exposure over a horizon that is not whole days: warm-up 6 h, horizon 60 h. Hour 11
     * happens 3 times in [6 h, 60 h), hour 3 twice (27 h, 51 h), hour 13 twice. */
    base(&d, 1, 1, 6 * 3600, 60 * 3600);
    rdata_call one[] = {call(0, 35 * 3600 + 1, 200, 0), call(0, 27 * 3600 + 7, 100, 0),
                        call(0, 13 * 3600 + 9, 50, 0)};
    d.n_calls = 3;
    d.calls = dup_mem(one, sizeof one);
    CHECK_EQ(rdata_hourly_compute(&d, &h), 0);
    CHECK_NEAR(h.calls_per_h[11].mean, 1.0 / 3, 1e-12);
    CHECK_NEAR(h.calls_per_h[3].mean, 1.0 / 2, 1e-12);
    CHECK_NEAR(h.calls_per_h[13].mean, 1.0 / 2, 1e-12);
    rdata_fini(&d);
}

static void test_grid(void)
{
    rdata d;
    base(&d, 2, 1, 0, 86400);
    double x[] = {0, 1000, 0, 1499, -250}, y[] = {0, 0, 1000, 1499, 10};
    d.n_nodes = 5;
    d.node_x_m = dup_mem(x, sizeof x);
    d.node_y_m = dup_mem(y, sizeof y);
    rdata_call calls[] = {call(0, 10, 100, 0), call(1, 10, 300, 0), call(0, 20, 50, 0),
                          call(0, 30, 0, 1)};
    calls[2].node = 3;
    calls[3].node = 4; /* diverted: not on the map */
    d.n_calls = 4;
    d.calls = dup_mem(calls, sizeof calls);
    rdata_grid g;
    CHECK_EQ(rdata_grid_compute(&d, 500, &g), 0);
    CHECK_NEAR(g.x0_m, -500, 1e-12);
    CHECK_NEAR(g.y0_m, 0, 1e-12);
    CHECK_EQ(g.nx, 4);
    CHECK_EQ(g.ny, 3);
    CHECK_EQ(g.cells_with_calls, 2);
    CHECK_EQ(g.calls[0 * 4 + 1], 2); /* node 0 at (0, 0): cell (1, 0), both replications */
    CHECK_NEAR(g.mean_s[0 * 4 + 1], 200, 1e-12);
    CHECK_EQ(g.calls[2 * 4 + 3], 1); /* node 3 at (1499, 1499): cell (3, 2) */
    CHECK_NEAR(g.mean_s[2 * 4 + 3], 50, 1e-12);
    CHECK(isnan(g.mean_s[0]));
    rdata_grid_fini(&g);
    CHECK_EQ(rdata_grid_compute(&d, 0, &g), RESULTS_EINVAL);
    CHECK_EQ(rdata_grid_compute(&d, 1e-3, &g), RESULTS_EINVAL); /* 4 billion cells */
    rdata_fini(&d);
}

static void units(rdata *d, const char *const *state_names, size_t n_states, const double *states)
{
    static const char *const kinds[] = {"car", "foot", "car"};
    d->n_units = 3;
    d->unit_kind = dup_strv(kinds, 3);
    /* rep 0: car units 1000 s on duty (250 busy) and 500 s (250 busy); foot 2000 (1000).
     * rep 1: cars 1000 (500) and 500 (0); foot 2000 (0). */
    int32_t unit[] = {0, 1, 2, 0, 1, 2};
    uint32_t rep[] = {0, 0, 0, 1, 1, 1};
    double duty[] = {1000, 2000, 500, 1000, 2000, 500};
    double busy[] = {250, 1000, 250, 500, 0, 0};
    d->n_unit_reps = 6;
    d->ur_unit = dup_mem(unit, sizeof unit);
    d->ur_rep_row = dup_mem(rep, sizeof rep);
    d->ur_on_duty_s = dup_mem(duty, sizeof duty);
    d->ur_busy_s = dup_mem(busy, sizeof busy);
    d->n_states = n_states;
    d->state_name = n_states ? dup_strv(state_names, n_states) : NULL;
    d->ur_state_s = n_states ? dup_mem(states, 6 * n_states * sizeof(double)) : NULL;
}

static void test_util(void)
{
    rdata d;
    base(&d, 2, 1, 0, 86400);
    units(&d, NULL, 0, NULL);
    rdata_util u;
    CHECK_EQ(rdata_util_compute(&d, &u), 0);
    CHECK(!u.by_state);
    CHECK_EQ(u.n_kinds, 2);
    CHECK_STR(u.kinds[0], "car");
    CHECK_STR(u.kinds[1], "foot");
    CHECK_EQ(u.n_states, 2);
    CHECK_STR(u.states[0], "on calls");
    /* Cars: 500/1500 and 500/1500; foot: 1000/2000 and 0/2000. */
    CHECK_NEAR(u.share[0 * 2 + 0].mean, 1.0 / 3, 1e-12);
    CHECK_NEAR(u.share[0 * 2 + 0].half_width, 0, 1e-12);
    CHECK_NEAR(u.share[0 * 2 + 1].mean, 2.0 / 3, 1e-12);
    CHECK_NEAR(u.share[1 * 2 + 0].mean, 0.25, 1e-12);
    CHECK_EQ(u.share[1 * 2 + 0].n, 2);
    rdata_util_fini(&u);
    rdata_fini(&d);

    /* Per-state columns that fill the on-duty time, with 1% left over: "other" appears. */
    base(&d, 2, 1, 0, 86400);
    static const char *const names[] = {"patrolling_s", "on_scene_s"};
    double st[] = {740, 250, 990, 1000, 250, 240, 490, 500, 1980, 0, 495, 0};
    units(&d, names, 2, st);
    CHECK_EQ(rdata_util_compute(&d, &u), 0);
    CHECK(u.by_state);
    CHECK_EQ(u.n_states, 3);
    /* Work on calls first, whatever the column order. */
    CHECK_STR(u.states[0], "on scene");
    CHECK_STR(u.states[1], "patrolling");
    CHECK_STR(u.states[2], "other");
    /* Cars, rep 0: on scene (250 + 240) / 1500, patrolling (740 + 250) / 1500; rep 1: on
     * scene 500 / 1500, patrolling (490 + 495) / 1500. */
    CHECK_NEAR(u.share[0].mean, ((490.0 / 1500) + (500.0 / 1500)) / 2, 1e-12);
    CHECK_NEAR(u.share[1].mean, ((990.0 / 1500) + (985.0 / 1500)) / 2, 1e-12);
    CHECK_NEAR(u.share[2].mean, ((20.0 / 1500) + (15.0 / 1500)) / 2, 1e-12);
    rdata_util_fini(&u);
    rdata_fini(&d);

    /* Columns that add up to more than the time on duty are not states: back to busy. */
    base(&d, 2, 1, 0, 86400);
    double bad[] = {900, 250, 1900, 1000, 400, 240, 900, 500, 1980, 0, 495, 0};
    units(&d, names, 2, bad);
    CHECK_EQ(rdata_util_compute(&d, &u), 0);
    CHECK(!u.by_state);
    CHECK_STR(u.states[0], "on calls");
    rdata_util_fini(&u);
    rdata_fini(&d);
}

static void test_labels(void)
{
    rdata f[4];
    const char *ov[4] = {"run.replications=4\nunits.x.count=2\n",
                         "run.replications=4\nunits.x.count = 4",
                         "run.replications=4\nunits.x.count=8",
                         "run.replications=4\nunits.x.count=8\nunits.y.count=1"};
    for (int i = 0; i < 4; i++) {
        base(&f[i], 1, 1, 0, 86400);
        free(f[i].overrides);
        f[i].overrides = strdup(ov[i]);
    }
    rpt_set s = {f, 3, NULL};
    CHECK_EQ(rpt_labels(&s), 0);
    CHECK_STR(s.labels[0], "zl: units.x.count=2");
    CHECK_STR(s.labels[1], "zl: units.x.count = 4");
    CHECK_STR(s.labels[2], "zl: units.x.count=8");
    double x[4] = {0};
    char *key = rpt_sweep_axis(&s, x);
    CHECK_STR(key, "units.x.count");
    CHECK_NEAR(x[0], 2, 0);
    CHECK_NEAR(x[1], 4, 0);
    CHECK_NEAR(x[2], 8, 0);
    free(key);
    for (size_t i = 0; i < 3; i++)
        free(s.labels[i]);
    free(s.labels);

    /* A file that varies a second setting makes it no longer a one-setting sweep. */
    rpt_set s4 = {f, 4, NULL};
    CHECK(rpt_sweep_axis(&s4, x) == NULL);
    /* Two files alike but for their names are told apart by file name. */
    free(f[1].overrides);
    f[1].overrides = strdup(ov[0]);
    free(f[1].path);
    f[1].path = strdup("results/other.h5");
    rpt_set s2 = {f, 2, NULL};
    CHECK_EQ(rpt_labels(&s2), 0);
    CHECK_STR(s2.labels[0], "zl (zl.h5)");
    CHECK_STR(s2.labels[1], "zl (other.h5)");
    CHECK(rpt_sweep_axis(&s2, x) == NULL);
    for (size_t i = 0; i < 2; i++)
        free(s2.labels[i]);
    free(s2.labels);
    /* One file: the name alone (its overrides are in the page's table of files). */
    rpt_set s1 = {f, 1, NULL};
    CHECK_EQ(rpt_labels(&s1), 0);
    CHECK_STR(s1.labels[0], "zl");
    free(s1.labels[0]);
    free(s1.labels);
    for (int i = 0; i < 4; i++)
        rdata_fini(&f[i]);
}

int main(void)
{
    test_hourly();
    test_grid();
    test_util();
    test_labels();
    return CHECK_DONE();
}
