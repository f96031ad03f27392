/* test_ops.c - the operations model (tests/data/model/ops.cfg): slots and shift rules, post
 * release policies, patrol lines, community check-ins, cameras and report delays, presence.
 * Replications are recorded (replay.h) so that every unit's state history can be checked
 * against the rules; the results must not depend on the recording. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "metrics.h"
#include "model.h"
#include "replay_impl.h"
#include "scenario.h"

#define OPS PSIM_TEST_DATA "/model/ops.cfg"

static scenario *load(const char *const *sets, size_t n)
{
    diag *d = diag_create();
    scenario *s = scen_load(OPS, sets, n, d);
    if (!s) diag_print(d, stderr);
    diag_destroy(d);
    CHECK(s != NULL);
    return s;
}

static int is_away(int state)
{
    return state == UNIT_ENROUTE || state == UNIT_ONSCENE;
}

/* Units: the loader made the groups' units, then the line units, then community ones. */
static void check_loaded(const scenario *s)
{
    CHECK_EQ(s->n_posts, 2);
    CHECK_EQ(s->n_lines, 4); /* ring, beat, west/c1, east/c1 */
    CHECK_EQ(s->n_units, 1 + 2 + 1 + 2 + 1 + 2);
    const scen_unit *ring1 = NULL;
    for (size_t i = 0; i < s->n_units; i++)
        if (strcmp(s->units[i].name, "ring-1") == 0) ring1 = &s->units[i];
    CHECK(ring1 != NULL);
    if (ring1) {
        CHECK_EQ(ring1->n_slots, 3); /* two fixed, one flexible */
        CHECK_EQ(ring1->crew, 2);
        CHECK_EQ(ring1->presence, 3);
        int flex = -1;
        for (int k = 0; k < ring1->n_slots; k++)
            if (ring1->slots[k].flexible) flex = k;
        /* The busiest hours of the profile are 16:00-19:00. */
        CHECK(flex >= 0);
        if (flex >= 0) CHECK_NEAR(ring1->slots[flex].start_s, 16 * 3600.0, 1e-9);
    }
    /* The out-and-back beat goes and comes back: its cycle is twice the way. */
    CHECK(s->lines[1].route.cycle_s > 0);
    CHECK_EQ(s->lines[2].n_checkins, 4);
    CHECK_EQ(s->lines[3].n_checkins, 5);
    CHECK(s->node_camera != NULL);
    CHECK_EQ(s->n_cameras, 3);
    CHECK(s->cells.n_cells > 0);
}

/* Replays every state change of the replication and checks the rules. */
static void check_states(const scenario *s, const replay *rec, const rep_result *r)
{
    int *state = calloc(s->n_units, sizeof *state);
    int bad_post = 0, bad_slot = 0, bad_patrol = 0;
    for (size_t k = 0; k < rec->n_states; k++) {
        const replay_state_rec *e = &rec->states[k];
        const scen_unit *u = &s->units[e->unit];
        state[e->unit] = e->state;
        /* Post policy: never more units away than the post allows. */
        if (u->post >= 0 && is_away(e->state)) {
            int away = 0;
            for (size_t v = 0; v < s->n_units; v++)
                away += s->units[v].post == u->post && is_away(state[v]);
            if (away > s->posts[u->post].max_away) bad_post++;
        }
        /* Free states only inside a slot; patrolling only for line units. */
        int free_state = e->state == UNIT_AVAILABLE || e->state == UNIT_AT_POST ||
                         e->state == UNIT_PATROLLING;
        if (free_state && !scen_unit_on_shift(s, u, e->t_s)) bad_slot++;
        if (e->state == UNIT_PATROLLING && u->line < 0) bad_patrol++;
        if (e->state == UNIT_AT_POST && u->post < 0) bad_patrol++;
    }
    CHECK_EQ(bad_post, 0);
    CHECK_EQ(bad_slot, 0);
    CHECK_EQ(bad_patrol, 0);
    free(state);

    /* Post units answer only within their post's radius. */
    for (size_t i = 0; i < r->n_calls; i++) {
        const call_rec *c = &r->calls[i];
        if (c->unit < 0 || s->units[c->unit].post < 0) continue;
        const scen_post *p = &s->posts[s->units[c->unit].post];
        const net_node *a = &s->net->nodes[p->node], *b = &s->net->nodes[c->node];
        CHECK(hypot(a->x_m - b->x_m, a->y_m - b->y_m) <= p->radius_m + 1e-9);
    }
}

/* Cameras: only calls in view can be detected; detection shortens the report. */
static void check_calls(const scenario *s, const rep_result *r, size_t *seen, size_t *detected)
{
    for (size_t i = 0; i < r->n_calls; i++) {
        const call_rec *c = &r->calls[i];
        CHECK(c->t_call_s >= c->t_incident_s);
        if (c->detected) {
            CHECK(s->node_camera[c->node]);
            CHECK_NEAR(c->t_call_s - c->t_incident_s, 45.0, 1e-6);
        }
        if (s->node_camera[c->node]) {
            (*seen)++;
            *detected += c->detected;
        }
        if (c->status == CALL_ANSWERED) {
            CHECK_NEAR(c->response_incident_s, c->response_s + (c->t_call_s - c->t_incident_s),
                       1e-6);
            CHECK(c->kinds_sent & (1u << s->units[c->unit].kind));
        }
        if (i) CHECK(c->t_incident_s >= r->calls[i - 1].t_incident_s);
    }
}

static void check_ops_records(const scenario *s, const rep_result *r)
{
    CHECK_EQ(r->n_lines, s->n_lines);
    CHECK_EQ(r->n_posts, s->n_posts);
    for (size_t l = 0; l < r->n_lines; l++) {
        const line_rec *lr = &r->lines[l];
        CHECK(lr->slots > 0);
        if (s->lines[l].community >= 0) {
            CHECK(lr->checkins > 0);
            CHECK(lr->completion > 0 && lr->completion <= 1.0);
        } else {
            CHECK(isnan(lr->completion));
        }
    }
    for (size_t p = 0; p < r->n_posts; p++) {
        CHECK(r->posts[p].gap_s >= 0 && r->posts[p].gap_s <= r->posts[p].staffed_s + 1e-6);
        CHECK(r->posts[p].staffed_s > 0);
    }
    double window = s->horizon_s - s->warmup_s;
    /* The kiosk is staffed round the clock; the gate 16 h a day. */
    CHECK_NEAR(r->posts[0].staffed_s, window, 1e-3);
    CHECK(r->posts[1].staffed_s >= window * 16.0 / 24.0 - 1e-3);
    for (size_t c = 0; c < r->n_cells; c++)
        CHECK(r->cells[c].presence >= 0 && r->cells[c].presence <= 1.0);
    /* The kiosk's cell always has an officer at the kiosk or nearby on a call. */
    int32_t kcell = s->cells.node_cell[s->posts[0].node];
    CHECK(kcell >= 0);
    if (kcell >= 0) CHECK(r->cells[kcell].presence > 0.95);
    for (size_t u = 0; u < r->n_units; u++) {
        const unit_rec *ur = &r->units[u];
        double states = ur->off_s + ur->available_s + ur->enroute_s + ur->onscene_s +
                        ur->returning_s + ur->patrolling_s + ur->at_post_s;
        CHECK_NEAR(states, window, 1e-3);
        if (s->units[u].line >= 0) CHECK(ur->patrolling_s > 0);
        if (s->units[u].post >= 0) CHECK(ur->at_post_s > 0);
    }
}

/* Same replication with and without recording: identical outcomes. */
static int same_calls(const rep_result *a, const rep_result *b)
{
    if (a->n_calls != b->n_calls) return 0;
    for (size_t i = 0; i < a->n_calls; i++) {
        const call_rec *x = &a->calls[i], *y = &b->calls[i];
        if (x->unit != y->unit || x->status != y->status) return 0;
        if (x->status == CALL_ANSWERED && x->t_arrive_s != y->t_arrive_s) return 0;
    }
    for (size_t u = 0; u < a->n_units; u++)
        if (a->units[u].patrolling_s != b->units[u].patrolling_s) return 0;
    for (size_t c = 0; c < a->n_cells; c++)
        if (a->cells[c].presence != b->cells[c].presence) return 0;
    return 1;
}

int main(void)
{
    scenario *s = load(NULL, 0);
    if (!s) return CHECK_DONE();
    check_loaded(s);
    model_ws *w = model_ws_create(s);
    replay *rec = replay_create();
    metrics m;
    CHECK_EQ(metrics_init(&m, s->n_priorities), 0);
    double row[256];
    size_t seen = 0, detected = 0;
    for (uint32_t rep = 0; rep < 3; rep++) {
        rep_result r = {0}, plain = {0};
        model_ws_set_replay(w, rec);
        CHECK_EQ(model_run_rep(w, rep, &r), 0);
        check_states(s, rec, &r);
        check_calls(s, &r, &seen, &detected);
        check_ops_records(s, &r);
        CHECK(rec->n_legs > 0 && rec->n_call_events > 0 && rec->n_cands > 0);
        model_ws_set_replay(w, NULL);
        CHECK_EQ(model_run_rep(w, rep, &plain), 0);
        CHECK(same_calls(&r, &plain));
        CHECK_EQ(metrics_compute(&m, s, &r, row), 0);
        CHECK(row[metrics_find(&m, "patrol_share")] > 0);
        CHECK(row[metrics_find(&m, "checkin_completion")] > 0);
        CHECK(row[metrics_find(&m, "post_gap")] >= 0);
        CHECK(row[metrics_find(&m, "presence_mean")] > 0);
        printf("rep %u: %zu calls; patrol share %.3f, post gap %.3f, presence %.3f, check-ins "
               "%.3f, camera-detected %.3f\n",
               rep, r.n_calls, row[metrics_find(&m, "patrol_share")],
               row[metrics_find(&m, "post_gap")], row[metrics_find(&m, "presence_mean")],
               row[metrics_find(&m, "checkin_completion")],
               row[metrics_find(&m, "camera_detected")]);
        rep_result_fini(&r);
        rep_result_fini(&plain);
    }
    /* detect_prob 0.7, and the camera delay (45 s) nearly always beats a citizen's. */
    printf("calls in view: %zu, detected: %zu\n", seen, detected);
    CHECK(seen > 20);
    CHECK(detected > 0.45 * (double)seen && detected < 0.85 * (double)seen);

    /* Without cameras nothing is detected. */
    const char *nocam[] = {"cameras.year=2000"};
    scenario *s2 = load(nocam, 1);
    if (s2) {
        CHECK_EQ(s2->n_cameras, 0);
        model_ws *w2 = model_ws_create(s2);
        rep_result r = {0};
        CHECK_EQ(model_run_rep(w2, 0, &r), 0);
        size_t det = 0;
        for (size_t i = 0; i < r.n_calls; i++) det += r.calls[i].detected;
        CHECK_EQ(det, 0);
        rep_result_fini(&r);
        model_ws_destroy(w2);
        scen_destroy(s2);
    }
    metrics_fini(&m);
    replay_destroy(rec);
    model_ws_destroy(w);
    scen_destroy(s);
    return CHECK_DONE();
}
