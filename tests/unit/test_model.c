/* test_model.c - the event loop and the dispatch rule, checked through invariants that every
 * replication must satisfy (tests/data/model/grid.cfg, under several rule settings). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "metrics.h"
#include "model.h"
#include "scenario.h"

#define GRID PSIM_TEST_DATA "/model/grid.cfg"

static scenario *load(const char *const *sets, size_t n)
{
    diag *d = diag_create();
    scenario *s = scen_load(GRID, sets, n, d);
    if (!s) diag_print(d, stderr);
    diag_destroy(d);
    CHECK(s != NULL);
    return s;
}

static double time_of_day_s(double t)
{
    return fmod(t, 86400.0);
}

static int on_shift_at(const scen_unit *u, double t)
{
    if (u->shift_len_s >= 86400.0) return 1;
    double ph = fmod(time_of_day_s(t) - u->shift_start_s + 86400.0, 86400.0);
    return ph < u->shift_len_s;
}

/* Invariants of one replication under any rule. */
static void check_rep(const scenario *s, const rep_result *r)
{
    size_t answered = 0;
    for (size_t i = 0; i < r->n_calls; i++) {
        const call_rec *c = &r->calls[i];
        CHECK(c->t_call_s >= 0 && c->t_call_s < s->horizon_s);
        if (i) CHECK(c->t_call_s >= r->calls[i - 1].t_call_s);
        CHECK_EQ(c->priority, s->types[c->type].priority);
        CHECK_EQ(c->zone, s->node_zone[c->node]);
        if (c->status == CALL_DIVERTED) {
            CHECK(isnan(c->t_dispatch_s) && c->unit == -1);
            continue;
        }
        if (c->status != CALL_ANSWERED) continue;
        answered++;
        const scen_unit *u = &s->units[c->unit];
        CHECK(c->wait_s >= -1e-9);
        CHECK(c->t_dispatch_s >= c->t_call_s);
        CHECK(c->t_dispatch_s > c->t_call_s || s->handling.kind == DIST_FIXED);
        CHECK_NEAR(c->t_arrive_s, c->t_dispatch_s + c->travel_s, 1e-6);
        CHECK_NEAR(c->response_s, c->t_arrive_s - c->t_call_s, 1e-9);
        CHECK_NEAR(c->t_clear_s, c->t_arrive_s + c->onscene_s, 1e-6);
        /* Only units on shift are sent, and only units of an allowed kind. */
        CHECK(on_shift_at(u, c->t_dispatch_s));
        CHECK(s->types[c->type].kind_mask & (1u << u->kind));
        if (s->travel_enabled) {
            CHECK(c->travel_s > 0 || c->travel_m == 0);
            CHECK(c->travel_m >= 0);
        } else {
            CHECK_EQ(c->travel_s, 0);
        }
        /* Nearest policy: the runner-up was not faster. */
        if (s->policy == POLICY_NEAREST && c->runner_up >= 0)
            CHECK(c->runner_up_travel_s >= c->travel_s - 1e-9);
        /* Crews sent cover the officers required, or the shortfall is recorded. */
        CHECK(c->units_sent >= 1);
        CHECK(c->officers_short >= 0);
    }
    CHECK(answered > 0);

    /* A unit is never first at two calls at once (single-unit calls). */
    for (size_t i = 0; i < r->n_calls; i++) {
        const call_rec *a = &r->calls[i];
        if (a->status != CALL_ANSWERED) continue;
        for (size_t j = i + 1; j < r->n_calls; j++) {
            const call_rec *b = &r->calls[j];
            if (b->status != CALL_ANSWERED || b->unit != a->unit) continue;
            CHECK(b->t_dispatch_s >= a->t_clear_s - 1e-6 || a->t_dispatch_s >= b->t_clear_s - 1e-6);
        }
    }
    /* Units: busy within on-duty, on-duty within the window. */
    double window = s->horizon_s - s->warmup_s;
    for (size_t k = 0; k < r->n_units; k++) {
        const unit_rec *ur = &r->units[k];
        const scen_unit *u = &s->units[k];
        CHECK(ur->busy_s <= ur->on_duty_s + 1e-6);
        CHECK(ur->on_duty_s <= window + 1e-6);
        double shift_time = window * u->shift_len_s / 86400.0;
        CHECK(ur->on_duty_s >= shift_time - 1e-6);
        CHECK_NEAR(ur->on_duty_s, shift_time + ur->overtime_s, 1e-3);
        if (u->shift_len_s >= 86400.0) CHECK_EQ(ur->overtime_s, 0);
    }
}

/* Queue discipline: whenever a call is dispatched from the queue, no call of a more
 * urgent priority that a unit of the same kind could take was waiting. */
static void check_queue_order(const scenario *s, const rep_result *r, const double *handling)
{
    (void)handling;
    for (size_t i = 0; i < r->n_calls; i++) {
        const call_rec *b = &r->calls[i];
        if (b->status != CALL_ANSWERED || b->wait_s <= 0) continue;
        for (size_t j = 0; j < r->n_calls; j++) {
            const call_rec *a = &r->calls[j];
            if (a->status != CALL_ANSWERED || a->priority >= b->priority || a->wait_s <= 0) continue;
            double a_ready = a->t_dispatch_s - a->wait_s;
            int same_kind = (s->types[a->type].kind_mask & s->types[b->type].kind_mask) != 0;
            if (same_kind && a_ready < b->t_dispatch_s - 1e-6)
                if (a->t_dispatch_s > b->t_dispatch_s + 1e-6) {
                    fprintf(stderr, "call %u (P%d, waiting since %.1f s) passed over for call %u "
                                    "(P%d) at %.1f s\n",
                            a->id, a->priority, a_ready, b->id, b->priority, b->t_dispatch_s);
                    CHECK(a->t_dispatch_s <= b->t_dispatch_s + 1e-6);
                }
        }
    }
}

static void run_variant(const char *label, const char *const *sets, size_t n, int check_order)
{
    scenario *s = load(sets, n);
    if (!s) return;
    model_ws *w = model_ws_create(s);
    metrics m;
    CHECK_EQ(metrics_init(&m, s->n_priorities), 0);
    double row[256];
    size_t calls = 0, diverted = 0, queued = 0, short_ = 0;
    for (uint32_t rep = 0; rep < (uint32_t)s->replications; rep++) {
        rep_result r = {0};
        CHECK_EQ(model_run_rep(w, rep, &r), 0);
        check_rep(s, &r);
        if (check_order) check_queue_order(s, &r, NULL);
        CHECK_EQ(metrics_compute(&m, s, &r, row), 0);
        CHECK(row[metrics_find(&m, "utilisation")] <= 1.0);
        for (size_t i = 0; i < r.n_calls; i++) {
            diverted += r.calls[i].status == CALL_DIVERTED;
            queued += r.calls[i].wait_s > 0;
            short_ += r.calls[i].officers_short > 0;
        }
        calls += r.n_calls;
        rep_result_fini(&r);
    }
    printf("%-12s %zu calls, %zu queued, %zu diverted, %zu short of officers\n", label, calls,
           queued, diverted, short_);
    if (s->overflow == OVERFLOW_DIVERT) {
        CHECK(diverted > 0);
        CHECK_EQ(queued, 0);
    } else {
        CHECK_EQ(diverted, 0);
        CHECK(queued > 0);
    }
    metrics_fini(&m);
    model_ws_destroy(w);
    scen_destroy(s);
}

/* The same replication twice, and in another order, gives the same calls and outcomes. */
static void check_repeatable(void)
{
    scenario *s = load(NULL, 0);
    if (!s) return;
    model_ws *w = model_ws_create(s);
    rep_result a = {0}, b = {0}, c = {0};
    CHECK_EQ(model_run_rep(w, 2, &a), 0);
    CHECK_EQ(model_run_rep(w, 0, &c), 0);
    CHECK_EQ(model_run_rep(w, 2, &b), 0);
    CHECK_EQ(a.n_calls, b.n_calls);
    int same = a.n_calls == b.n_calls;
    for (size_t i = 0; same && i < a.n_calls; i++) {
        same = a.calls[i].t_call_s == b.calls[i].t_call_s && a.calls[i].unit == b.calls[i].unit &&
               (a.calls[i].t_arrive_s == b.calls[i].t_arrive_s ||
                (isnan(a.calls[i].t_arrive_s) && isnan(b.calls[i].t_arrive_s)));
    }
    CHECK(same);
    CHECK(c.n_calls != a.n_calls || c.calls[0].t_call_s != a.calls[0].t_call_s);
    rep_result_fini(&a);
    rep_result_fini(&b);
    rep_result_fini(&c);
    model_ws_destroy(w);
    scen_destroy(s);
}

/* Under a plan the unit sent is the first free one of the zone's plan: so a call in a zone
 * is only ever answered by units of that zone's plan. */
static void check_plan(void)
{
    const char *sets[] = {"dispatch.policy=plan"};
    scenario *s = load(sets, 1);
    if (!s) return;
    model_ws *w = model_ws_create(s);
    rep_result r = {0};
    CHECK_EQ(model_run_rep(w, 0, &r), 0);
    size_t answered = 0;
    for (size_t i = 0; i < r.n_calls; i++) {
        const call_rec *c = &r.calls[i];
        if (c->status != CALL_ANSWERED) continue;
        answered++;
        const scen_plan *p = &s->plans[c->zone];
        int in_plan = 0;
        for (size_t k = 0; k < p->n_units; k++) in_plan |= p->units[k] == c->unit;
        CHECK(in_plan);
    }
    CHECK(answered > 0);
    rep_result_fini(&r);
    model_ws_destroy(w);
    scen_destroy(s);
}

int main(void)
{
    run_variant("nearest", NULL, 0, 1);
    const char *divert[] = {"dispatch.when_none_free=divert"};
    run_variant("divert", divert, 1, 0);
    const char *notravel[] = {"travel.enabled=false"};
    run_variant("no travel", notravel, 1, 1);
    const char *plan[] = {"dispatch.policy=plan"};
    run_variant("plan", plan, 1, 0); /* plans make some waiting calls ineligible */
    check_repeatable();
    check_plan();
    return CHECK_DONE();
}
