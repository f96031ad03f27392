/* model.c - the event loop of one replication. See model.h for the flow.
 *
 * A unit is in one of seven states (enum model_unit_state):
 *
 *            slot starts                 dispatched               arrives
 *     OFF ---------------> free ------------------> ENROUTE ------------> ONSCENE
 *      ^                 (AVAILABLE at its station,    ^                     |
 *      |                  AT_POST at its post,         |  a queued call      | call cleared
 *      |                  PATROLLING its line,         +---------------------+
 *      |                  RETURNING to one of those)   |                     |
 *      +---- slot over, back at base <-----------------+---- RETURNING <-----+
 *
 * Every free unit may be sent to a call (a patrolling or returning unit leaves
 * from wherever it is); a unit holding a post only within the post's policy.
 * After a call a unit goes back where its duty is: its patrol line (to the
 * nearest point of the route), its post or its station; when its slot is over,
 * to base and off duty. A unit busy at the end of its slot finishes the call
 * (overtime) or, when its rule says so, hands it over to a free unit of its
 * kind. Events that a later decision has overtaken (a unit sent elsewhere on
 * its way back) carry the unit's epoch and are ignored when it no longer
 * matches, so nothing is ever removed from the queue.
 *
 * Time, not ticks: a patrolling unit's position is a function of time along its
 * route (route.h); nothing happens per street corner. When a patrol stretch
 * ends (a dispatch, the end of a slot) the nodes it passed are enumerated at
 * once: check-in points tapped, presence in grid cells. Legs likewise report
 * the nodes passed when they end, and stays (on scene, at a post) their span.
 *
 * Major incidents (scenario reserve): an EV_MAJOR starts one, calls its reserve
 * tiers, brings a pool vehicle to the scene, or ends it. A unit the reserve
 * takes is ENROUTE then ONSCENE with call -1 and major set, so nothing ordinary
 * can take it; at its slot's end it stays (overtime) until the incident ends and
 * it heads back like a unit clearing a call. Pool officers (off-duty staff) are
 * not units: each vehicle is one event, after its assembly draw (SRC_RESERVE)
 * and travel from its station. Tiers "after_previous" are called when the tier
 * before has everything it sent on scene.
 *
 * Paths: a unit sent to a call gets its path at once (its distance is
 * recorded, and a unit still on its way when the call clears needs its
 * position). A unit heading back gets its path only when something needs it:
 * its arrival or a dispatch that catches it on the way (or the replay).
 */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "coverage.h"
#include "dispatch.h"
#include "evq.h"
#include "replay.h"
#include "rng.h"

/* Event kinds, and their priorities among equal times: slot changes first (a
 * unit coming on duty at 08:00 can take an 08:00 call), then unit movements,
 * then new calls. */
enum ev_kind { EV_SHIFT, EV_ARRIVE, EV_CLEAR, EV_REACH, EV_CALL, EV_READY, EV_MAJOR };
static const int32_t ev_prio[] = {0, 1, 1, 1, 2, 2, 1};

/* What an EV_MAJOR does (the low bits of its arg; see model_mj_arg). */
enum mj_what { MJ_START, MJ_TIER, MJ_POOL, MJ_END, MJ_PHASE, MJ_ORDER };

/* Where a unit heading back is going. */
enum dest { DEST_BASE, DEST_POST, DEST_ROUTE };

typedef struct unit_st {
    int state;              /* enum model_unit_state; set only through model_set_state */
    double state_since_s;   /* when it entered that state */
    uint32_t epoch;         /* bumped by every new movement; stale events carry an old one */
    int32_t call;           /* call being served, -1 */
    int32_t major;          /* major incident it is committed to, -1 */
    int32_t major_tier;     /* ... as part of this reserve tier */
    int32_t mj_rec;         /* ... recorded in out->mj_units[mj_rec] */
    int on_shift;           /* inside one of its slots */
    int going_off;          /* slot over: off duty once back at base */
    int overtime;           /* ... and the time until then is overtime */
    double work_start_s;    /* start of the current working period */
    double shift_end_s;     /* end of the last slot (overtime runs from here) */
    double busy_start_s;    /* when it was sent to its current call */
    double stay_since_s;    /* start of a stay (on scene, at post) for presence */
    uint32_t at_node;       /* where it stands, or where its leg starts */
    uint32_t leg_to;        /* where its leg ends (ENROUTE, RETURNING) */
    double leg_t0_s;        /* when its leg starts */
    int dest;               /* RETURNING: enum dest */
    size_t rejoin_pos;      /* DEST_ROUTE: the cycle position it rejoins at */
    double patrol_t0_s;     /* PATROLLING: when this stretch began */
    double patrol_phase0_s; /* ... and the route phase then */
    uint64_t checkin_mask;  /* check-in points visited in the current slot */
    int slot_counted;       /* the current slot began within the statistics window */
    int leg_has_path;       /* path arrays below hold the leg */
    uint32_t *path_node;    /* the leg's path, cumulative time and distance */
    double *path_t, *path_d;
    size_t path_n, path_cap;
} unit_st;

/* A major incident in the replication being run. */
typedef struct major_st {
    uint32_t node;
    double start_s, end_s;
    int officers;                    /* needed on scene now (a public event: by phase) */
    int size;                        /* the most it ever needs (call-up by size) */
    const scen_need *needs;          /* what it needs over time (scenario steps) */
    size_t n_needs;
    int event_step;                  /* public event: the step the event starts at, -1 */
    int ahead_step;                  /* the latest step ordered ahead (MJ_ORDER), 0 none */
    int committed;                   /* officers sent: units' crews and pool officers */
    int on_scene;
    int started, ended;
    int tier_called[SCEN_MAX_TIERS]; /* the tier's order is decided (maybe after a delay) */
    int tier_ordered[SCEN_MAX_TIERS];/* ... and was given: it may be called again */
    int tier_sent[SCEN_MAX_TIERS];   /* officers the tier has committed here */
    int tier_out[SCEN_MAX_TIERS];    /* officers of the tier sent and not yet on scene */
    int tier_pool[SCEN_MAX_TIERS];   /* pool officers the tier took (given back at the end) */
    int pool_on_scene[SCEN_MAX_TIERS];
} major_st;

/* Waiting calls of one priority, in arrival order. */
typedef struct call_fifo {
    uint32_t *id;
    size_t n, cap;
} call_fifo;

/* A post's staffing right now, for its coverage gap and its release policy. */
typedef struct post_st {
    int present;            /* units at the post */
    int away;               /* units of the post away on calls or coming back */
    int on_duty;            /* units of the post in a slot */
    int gap;                /* on duty but nobody present */
    double since_s;         /* when these counts last changed */
} post_st;

struct model_ws {
    const scenario *s;
    evq *q;
    travel_ws *tw;
    gsl_rng *streams[CALLS_STREAMS];
    unit_st *u;
    post_st *post;          /* [n_posts] */
    int *post_away;         /* [n_posts] post[p].away, in the form dispatch_rank takes */
    int **checkin_of;       /* [n_lines][route.n]: check-in index at a cycle position, -1 */
    coverage *cov;
    dispatch_cand *cand;
    call_fifo wait[SCEN_MAX_PRIORITIES];
    double *handling_s;     /* [n_calls] call-taking time */
    uint32_t *order;        /* [n_calls] call ids in report order */
    size_t calls_cap;
    rep_result *out;        /* the replication being run */
    size_t open_calls;      /* reported and not yet cleared or diverted */
    size_t next_call;       /* position in order of the next call not yet scheduled */
    replay *rec;            /* the replay being recorded, or NULL */
    uint32_t *rank_unit;    /* scratch for recording a decision's candidates */
    double *rank_travel_s;
    uint32_t *trail_node;   /* scratch: a patrol stretch's nodes for the replay */
    double *trail_t;
    size_t trail_n, trail_cap;
    major_st *mj;           /* [out->n_majors] */
    size_t mj_cap;
    int pool_left[SCEN_MAX_TIERS]; /* off-duty officers of each tier not yet called in */
    gsl_rng *mj_rng;        /* SRC_MAJOR */
    gsl_rng *rs_rng;        /* SRC_RESERVE */
};

/* ---- workspace ---------------------------------------------------------------- */

model_ws *model_ws_create(const scenario *s)
{
    model_ws *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->s = s;
    w->q = evq_create(4 * s->n_units + 64);
    w->tw = travel_ws_create(s->travel);
    w->u = calloc(s->n_units ? s->n_units : 1, sizeof *w->u);
    w->post = calloc(s->n_posts ? s->n_posts : 1, sizeof *w->post);
    w->post_away = calloc(s->n_posts ? s->n_posts : 1, sizeof *w->post_away);
    w->checkin_of = calloc(s->n_lines ? s->n_lines : 1, sizeof *w->checkin_of);
    w->cov = coverage_create(&s->cells, s->presence_window_s);
    w->cand = calloc(s->n_units ? s->n_units : 1, sizeof *w->cand);
    w->rank_unit = calloc(s->n_units ? s->n_units : 1, sizeof *w->rank_unit);
    w->rank_travel_s = calloc(s->n_units ? s->n_units : 1, sizeof *w->rank_travel_s);
    int ok = w->q && w->tw && w->u && w->post && w->post_away && w->checkin_of && w->cov && w->cand &&
             w->rank_unit && w->rank_travel_s;
    for (int i = 0; i < CALLS_STREAMS; i++)
        ok = ok && (w->streams[i] = rng_stream_create(s->seed, 0, (uint32_t)i)) != NULL;
    ok = ok && (w->mj_rng = rng_stream_create(s->seed, 0, SRC_MAJOR)) != NULL;
    ok = ok && (w->rs_rng = rng_stream_create(s->seed, 0, SRC_RESERVE)) != NULL;
    for (size_t l = 0; ok && l < s->n_lines; l++) {
        const scen_line *ln = &s->lines[l];
        ok = (w->checkin_of[l] = malloc((ln->route.n ? ln->route.n : 1) * sizeof(int))) != NULL;
        if (!ok) break;
        for (size_t i = 0; i < ln->route.n; i++) w->checkin_of[l][i] = -1;
        for (size_t k = 0; k < ln->n_checkins && k < 64; k++)
            w->checkin_of[l][ln->checkin_pos[k]] = (int)k;
    }
    if (!ok) {
        model_ws_destroy(w);
        return NULL;
    }
    return w;
}

void model_ws_destroy(model_ws *w)
{
    if (!w) return;
    evq_destroy(w->q);
    travel_ws_destroy(w->tw);
    for (int i = 0; i < CALLS_STREAMS; i++)
        if (w->streams[i]) gsl_rng_free(w->streams[i]);
    if (w->mj_rng) gsl_rng_free(w->mj_rng);
    if (w->rs_rng) gsl_rng_free(w->rs_rng);
    free(w->mj);
    if (w->u)
        for (size_t i = 0; i < w->s->n_units; i++) {
            free(w->u[i].path_node);
            free(w->u[i].path_t);
            free(w->u[i].path_d);
        }
    if (w->checkin_of)
        for (size_t l = 0; l < w->s->n_lines; l++) free(w->checkin_of[l]);
    free(w->checkin_of);
    free(w->u);
    free(w->post);
    free(w->post_away);
    coverage_destroy(w->cov);
    free(w->cand);
    free(w->rank_unit);
    free(w->rank_travel_s);
    free(w->trail_node);
    free(w->trail_t);
    for (int p = 0; p < SCEN_MAX_PRIORITIES; p++) free(w->wait[p].id);
    free(w->handling_s);
    free(w->order);
    free(w);
}

void model_ws_set_replay(model_ws *w, replay *rec)
{
    w->rec = rec;
}

void rep_result_fini(rep_result *r)
{
    free(r->calls);
    free(r->units);
    free(r->lines);
    free(r->posts);
    free(r->cells);
    free(r->majors);
    free(r->curve);
    free(r->mj_units);
    memset(r, 0, sizeof *r);
}

/* ---- accounting ------------------------------------------------------------ */

/* Adds the part of [a, b) inside the statistics window [warmup, horizon). */
static void model_add_window(const scenario *s, double *acc, double a, double b)
{
    if (a < s->warmup_s) a = s->warmup_s;
    if (b > s->horizon_s) b = s->horizon_s;
    if (b > a) *acc += b - a;
}

static double *model_state_acc(unit_rec *r, int state)
{
    switch (state) {
    case UNIT_OFF: return &r->off_s;
    case UNIT_AVAILABLE: return &r->available_s;
    case UNIT_ENROUTE: return &r->enroute_s;
    case UNIT_ONSCENE: return &r->onscene_s;
    case UNIT_RETURNING: return &r->returning_s;
    case UNIT_PATROLLING: return &r->patrolling_s;
    default: return &r->at_post_s;
    }
}

/* The post's counts changed (or are about to be recounted): close the period
 * since the last change, then recount from its units. */
static void model_post_touch(model_ws *w, int p, double t_s)
{
    if (p < 0) return;
    const scenario *s = w->s;
    post_st *ps = &w->post[p];
    post_rec *pr = &w->out->posts[p];
    if (ps->on_duty > 0) model_add_window(s, &pr->staffed_s, ps->since_s, t_s);
    if (ps->gap) model_add_window(s, &pr->gap_s, ps->since_s, t_s);
    ps->present = ps->away = ps->on_duty = 0;
    for (size_t ui = 0; ui < s->n_units; ui++) {
        if (s->units[ui].post != p) continue;
        const unit_st *u = &w->u[ui];
        ps->present += u->state == UNIT_AT_POST;
        ps->on_duty += u->on_shift;
        ps->away += u->state == UNIT_ENROUTE || u->state == UNIT_ONSCENE ||
                    (u->state == UNIT_RETURNING && !u->going_off);
    }
    ps->gap = ps->on_duty > 0 && ps->present == 0;
    ps->since_s = t_s;
    w->post_away[p] = ps->away;
}

/* Every state change goes through here: time per state, stays for presence,
 * post counts and the replay all follow from it. */
static int model_set_state(model_ws *w, uint32_t ui, double t_s, int state)
{
    const scenario *s = w->s;
    unit_st *u = &w->u[ui];
    unit_rec *ur = &w->out->units[ui];
    model_add_window(s, model_state_acc(ur, u->state), u->state_since_s, t_s);
    if ((u->state == UNIT_ONSCENE || u->state == UNIT_AT_POST) && state != u->state &&
        coverage_stay(w->cov, u->at_node, u->stay_since_s, t_s))
        return -1;
    if (state == UNIT_ONSCENE || state == UNIT_AT_POST) u->stay_since_s = t_s;
    u->state = state;
    u->state_since_s = t_s;
    model_post_touch(w, s->units[ui].post, t_s);
    return w->rec ? replay_unit_state(w->rec, ui, t_s, state, u->call) : 0;
}

/* ---- movement --------------------------------------------------------------- */

static int model_push(model_ws *w, double t_s, int kind, uint32_t who, uint64_t arg)
{
    return evq_push(w->q, t_s, ev_prio[kind], (uint32_t)kind, who, arg);
}

/* Makes sure unit u's current leg has its path. -1 when out of memory. */
static int model_leg_path(model_ws *w, uint32_t ui)
{
    unit_st *u = &w->u[ui];
    if (u->leg_has_path) return 0;
    const scenario *s = w->s;
    travel_path p = {0};
    uint32_t one = u->at_node;
    double zero = 0;
    if (s->travel_enabled && u->at_node != u->leg_to) {
        if (travel_path_find(s->travel, w->tw, s->units[ui].mode, u->at_node, u->leg_to, &p))
            return -1;
    } else {
        p = (travel_path){.node = &one, .t_s = &zero, .d_m = &zero, .n = 1};
    }
    if (p.n > u->path_cap) {
        size_t cap = p.n * 2;
        uint32_t *n = realloc(u->path_node, cap * sizeof *n);
        if (n) u->path_node = n;
        double *t = realloc(u->path_t, cap * sizeof *t);
        if (t) u->path_t = t;
        double *d = realloc(u->path_d, cap * sizeof *d);
        if (d) u->path_d = d;
        if (!n || !t || !d) return -1;
        u->path_cap = cap;
    }
    memcpy(u->path_node, p.node, p.n * sizeof *p.node);
    memcpy(u->path_t, p.t_s, p.n * sizeof *p.t_s);
    memcpy(u->path_d, p.d_m, p.n * sizeof *p.d_m);
    u->path_n = p.n;
    u->leg_has_path = 1;
    return 0;
}

/* Presence along a leg that ends (complete or cut) at t_s: the nodes passed. */
static int model_leg_visits(model_ws *w, uint32_t ui, double t_s)
{
    unit_st *u = &w->u[ui];
    if (model_leg_path(w, ui)) return -1;
    for (size_t k = 0; k < u->path_n; k++) {
        double at = u->leg_t0_s + u->path_t[k];
        if (at > t_s) break;
        if (coverage_visit(w->cov, u->path_node[k], at)) return -1;
    }
    return 0;
}

/* Check-ins and presence along a patrol stretch: called back for each node
 * passed; the replay also gets the nodes, as one leg. */
typedef struct patrol_ctx {
    model_ws *w;
    uint32_t ui;
    int err;
} patrol_ctx;

static int model_trail_add(model_ws *w, uint32_t node, double t_s)
{
    if (w->trail_n == w->trail_cap) {
        size_t cap = w->trail_cap ? 2 * w->trail_cap : 256;
        uint32_t *n = realloc(w->trail_node, cap * sizeof *n);
        if (n) w->trail_node = n;
        double *t = realloc(w->trail_t, cap * sizeof *t);
        if (t) w->trail_t = t;
        if (!n || !t) return -1;
        w->trail_cap = cap;
    }
    w->trail_node[w->trail_n] = node;
    w->trail_t[w->trail_n++] = t_s;
    return 0;
}

static void model_patrol_pass(void *ctx, size_t i, uint32_t node, double t_s)
{
    patrol_ctx *pc = ctx;
    model_ws *w = pc->w;
    const scen_unit *su = &w->s->units[pc->ui];
    unit_st *u = &w->u[pc->ui];
    if (coverage_visit(w->cov, node, t_s)) pc->err = 1;
    if (w->rec && model_trail_add(w, node, t_s)) pc->err = 1;
    int k = w->checkin_of[su->line][i];
    if (k < 0) return;
    u->checkin_mask |= 1ull << k;
    if (t_s >= w->s->warmup_s && t_s < w->s->horizon_s) w->out->lines[su->line].checkins++;
}

/* Ends a patrol stretch at t_s: enumerates what it passed and, for the replay,
 * records the stretch as a leg (the nodes passed, then the next node at the
 * time it would have been reached, which the unit's next leg overrides). */
static int model_patrol_end(model_ws *w, uint32_t ui, double t_s)
{
    const scen_unit *su = &w->s->units[ui];
    unit_st *u = &w->u[ui];
    const route *r = &w->s->lines[su->line].route;
    double ph_end = u->patrol_phase0_s + (t_s - u->patrol_t0_s);
    patrol_ctx pc = {w, ui, 0};
    w->trail_n = 0;
    route_passes(r, u->patrol_phase0_s, ph_end, u->patrol_t0_s, model_patrol_pass, &pc);
    if (pc.err) return -1;
    if (!w->rec) return 0;
    size_t i;
    double frac, to_next;
    uint32_t next;
    route_locate(r, ph_end, &i, &frac, &next, &to_next);
    if (model_trail_add(w, next, t_s + to_next)) return -1;
    double t0 = w->trail_t[0];
    for (size_t k = 0; k < w->trail_n; k++) w->trail_t[k] -= t0;
    return replay_leg(w->rec, ui, t0, w->trail_node, w->trail_t, w->trail_n);
}

/* Where a unit is at time t: the node it can leave from (where it stands, or
 * the next node of its path or route), the time and distance to get there at
 * travel speed, and the distance covered on its current leg so far. */
static int model_position(model_ws *w, uint32_t ui, double t_s, dispatch_cand *c,
                          double *covered_m)
{
    const scenario *s = w->s;
    unit_st *u = &w->u[ui];
    c->unit = ui;
    c->offset_s = c->offset_m = 0;
    *covered_m = 0;
    if (u->state == UNIT_PATROLLING) {
        const route *r = &s->lines[s->units[ui].line].route;
        size_t i;
        double frac, to_next;
        route_locate(r, u->patrol_phase0_s + (t_s - u->patrol_t0_s), &i, &frac, &c->node,
                     &to_next);
        /* Answering a call, it covers the rest of the block at full speed. */
        c->offset_s = to_next * r->speed_factor;
        c->offset_m = (1.0 - frac) * (r->d_m[i + 1] - r->d_m[i]);
        return 0;
    }
    if (u->state != UNIT_ENROUTE && u->state != UNIT_RETURNING) {
        c->node = u->at_node;
        return 0;
    }
    double el = t_s - u->leg_t0_s;
    if (el <= 0) {
        c->node = u->at_node;
        return 0;
    }
    if (model_leg_path(w, ui)) return -1;
    size_t i = 1;
    while (i < u->path_n && u->path_t[i] <= el) i++;
    if (i >= u->path_n) { /* at (or, by rounding, just past) the end */
        c->node = u->path_node[u->path_n - 1];
        *covered_m = u->path_d[u->path_n - 1];
        return 0;
    }
    double seg_t = u->path_t[i] - u->path_t[i - 1];
    double f = seg_t > 0 ? (el - u->path_t[i - 1]) / seg_t : 1.0;
    double seg_d = u->path_d[i] - u->path_d[i - 1];
    c->node = u->path_node[i];
    c->offset_s = u->path_t[i] - el;
    c->offset_m = (1.0 - f) * seg_d;
    *covered_m = u->path_d[i - 1] + f * seg_d;
    return 0;
}

/* Starts a leg for unit ui from `from` (reached at t0) to `to`. A recorded
 * replication needs every path at once; others find it only when needed. */
static int model_leg_start(model_ws *w, uint32_t ui, uint32_t from, uint32_t to, double t0_s)
{
    unit_st *u = &w->u[ui];
    u->epoch++;
    u->at_node = from;
    u->leg_to = to;
    u->leg_t0_s = t0_s;
    u->leg_has_path = 0;
    if (!w->rec) return 0;
    if (model_leg_path(w, ui)) return -1;
    return replay_leg(w->rec, ui, t0_s, u->path_node, u->path_t, u->path_n);
}

/* Stops whatever movement unit ui is in at t_s (a patrol stretch, a leg) and
 * returns where it can leave from; adds the distance covered. */
static int model_stop(model_ws *w, uint32_t ui, double t_s, dispatch_cand *here)
{
    unit_st *u = &w->u[ui];
    double covered;
    if (model_position(w, ui, t_s, here, &covered)) return -1;
    if (u->state == UNIT_PATROLLING) return model_patrol_end(w, ui, t_s);
    if (u->state == UNIT_ENROUTE || u->state == UNIT_RETURNING) {
        w->out->units[ui].travel_m += covered + here->offset_m;
        return model_leg_visits(w, ui, t_s);
    }
    return 0;
}

/* Sends unit ui back to its duty from where it is at t_s: to its route (the
 * nearest point of it), its post or its station; to base when going off. */
static int model_head_back(model_ws *w, uint32_t ui, double t_s)
{
    const scenario *s = w->s;
    const scen_unit *su = &s->units[ui];
    unit_st *u = &w->u[ui];
    dispatch_cand here;
    if (model_stop(w, ui, t_s, &here)) return -1;
    uint32_t to = su->base_node;
    double tt = 0;
    u->dest = su->post >= 0 ? DEST_POST : DEST_BASE;
    if (su->line >= 0 && !u->going_off) {
        const route *r = &s->lines[su->line].route;
        u->dest = DEST_ROUTE;
        u->rejoin_pos = route_rejoin(r, s->travel, w->tw, here.node, &tt);
        to = r->node[u->rejoin_pos];
        if (!s->travel_enabled) tt = 0;
    } else if (s->travel_enabled && here.node != to) {
        tt = travel_time_s(s->travel, w->tw, su->mode, here.node, to);
    }
    if (model_leg_start(w, ui, here.node, to, t_s + here.offset_s) ||
        model_set_state(w, ui, t_s, UNIT_RETURNING))
        return -1;
    return model_push(w, t_s + here.offset_s + tt, EV_REACH, ui, u->epoch);
}

/* ---- dispatch ---------------------------------------------------------------- */

static int model_unit_is_free(const unit_st *u)
{
    return (u->state == UNIT_AVAILABLE || u->state == UNIT_RETURNING ||
            u->state == UNIT_PATROLLING || u->state == UNIT_AT_POST) &&
           u->on_shift && !u->going_off;
}

/* Free units that may answer call ci, as candidates with their positions.
 * When only_kind >= 0, units of that kind only (a hand-over). */
static int model_candidates(model_ws *w, uint32_t ci, double t_s, int only_kind, size_t *n_out)
{
    const scenario *s = w->s;
    const call_rec *c = &w->out->calls[ci];
    size_t n = 0;
    for (uint32_t ui = 0; ui < s->n_units; ui++) {
        const scen_unit *su = &s->units[ui];
        int pos;
        if (!model_unit_is_free(&w->u[ui])) continue;
        if (only_kind >= 0 && su->kind != only_kind) continue;
        if (!dispatch_may_answer(s, ui, c->type, c->zone, &pos)) continue;
        /* A unit at its post leaves it; one on its way back is away already. */
        int leaves = su->post >= 0 && w->u[ui].state != UNIT_RETURNING;
        if (su->post >= 0 && !dispatch_post_allows(s, su->post,
                                                   w->post[su->post].away - !leaves,
                                                   (uint32_t)c->node))
            continue;
        double covered;
        if (model_position(w, ui, t_s, &w->cand[n], &covered)) return -1;
        w->cand[n].post = su->post;
        w->cand[n].leaves_post = leaves;
        w->cand[n++].plan_pos = pos;
    }
    *n_out = n;
    return 0;
}

/* Sends candidate d to call ci at t_s. */
static int model_send(model_ws *w, uint32_t ci, const dispatch_cand *d, double t_s)
{
    const scenario *s = w->s;
    call_rec *c = &w->out->calls[ci];
    uint32_t ui = d->unit;
    unit_st *u = &w->u[ui];
    unit_rec *ur = &w->out->units[ui];
    dispatch_cand here;
    if (model_stop(w, ui, t_s, &here)) return -1;
    ur->calls++;
    if (s->units[ui].post >= 0) w->out->posts[s->units[ui].post].calls++;
    c->kinds_sent |= 1u << s->units[ui].kind;
    u->busy_start_s = t_s;
    u->call = (int32_t)ci;
    if (model_set_state(w, ui, t_s, UNIT_ENROUTE) ||
        model_leg_start(w, ui, d->node, (uint32_t)c->node, t_s + d->offset_s) ||
        model_leg_path(w, ui))
        return -1;
    if (w->rec && replay_call_event(w->rec, ci, t_s, REPLAY_CALL_DISPATCHED, (int32_t)ui))
        return -1;
    return model_push(w, t_s + d->travel_s, EV_ARRIVE, ui, u->epoch);
}

/* Tries to send units to call ci at time t. 1 when sent, 0 when no unit may
 * go, -1 when out of memory. */
static int model_dispatch(model_ws *w, uint32_t ci, double t_s)
{
    const scenario *s = w->s;
    call_rec *c = &w->out->calls[ci];
    size_t n;
    if (model_candidates(w, ci, t_s, -1, &n)) return -1;
    int officers = s->types[c->type].officers;
    size_t take = dispatch_rank(s, w->tw, (uint32_t)c->node, officers, w->post_away, w->cand, &n);
    if (take == 0) return 0;
    if (w->rec) {
        for (size_t k = 0; k < n; k++) {
            w->rank_unit[k] = w->cand[k].unit;
            w->rank_travel_s[k] = w->cand[k].travel_s;
        }
        if (replay_candidates(w->rec, ci, t_s, w->rank_unit, w->rank_travel_s, n, take))
            return -1;
    }
    c->t_dispatch_s = t_s;
    c->wait_s = t_s - (c->t_call_s + w->handling_s[ci]); /* exactly 0 when not queued */
    c->unit = (int32_t)w->cand[0].unit;
    c->travel_s = w->cand[0].travel_s;
    c->units_sent = (int32_t)take;
    int crew = 0;
    for (size_t k = 0; k < take; k++) crew += s->units[w->cand[k].unit].crew;
    c->officers_short = crew < officers ? officers - crew : 0;
    if (take < n) {
        c->runner_up = (int32_t)w->cand[take].unit;
        c->runner_up_travel_s = w->cand[take].travel_s;
    }
    for (size_t k = 0; k < take; k++) {
        if (model_send(w, ci, &w->cand[k], t_s)) return -1;
        if (k == 0) {
            const unit_st *u = &w->u[w->cand[0].unit];
            c->travel_m = w->cand[0].offset_m + u->path_d[u->path_n - 1];
        }
    }
    return 1;
}

/* Whether the queue has grown past the scenario's limits: too many calls
 * waiting, or one waiting too long. Then the replication stops (model.h). */
static int model_queue_unstable(model_ws *w, double t_s)
{
    const scenario *s = w->s;
    size_t waiting = 0;
    double oldest = t_s;
    for (int p = 0; p < s->n_priorities; p++) {
        const call_fifo *f = &w->wait[p];
        waiting += f->n;
        for (size_t i = 0; i < f->n && i < 1; i++) {
            const call_rec *c = &w->out->calls[f->id[i]];
            oldest = fmin(oldest, c->t_call_s + w->handling_s[f->id[i]]);
        }
    }
    if (waiting <= (size_t)s->max_queue && t_s - oldest <= s->max_wait_s) return 0;
    w->out->unstable = 1;
    w->out->t_unstable_s = t_s;
    w->out->queue_at_stop = (int32_t)waiting;
    return 1;
}

static int model_enqueue(model_ws *w, uint32_t ci)
{
    call_fifo *f = &w->wait[w->out->calls[ci].priority - 1];
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 64;
        uint32_t *id = realloc(f->id, cap * sizeof *id);
        if (!id) return -1;
        f->id = id;
        f->cap = cap;
    }
    /* Arrival order: calls become ready out of order by their handling times. */
    size_t i = f->n++;
    const call_rec *calls = w->out->calls;
    while (i > 0 && calls[f->id[i - 1]].t_call_s > calls[ci].t_call_s) {
        f->id[i] = f->id[i - 1];
        i--;
    }
    f->id[i] = ci;
    return 0;
}

/* Offers the waiting calls, most urgent first, to the free units; a major
 * incident still short of officers takes its pick first. */
static int model_mj_refill_all(model_ws *w, double t_s);

static int model_serve_queue(model_ws *w, double t_s)
{
    const scenario *s = w->s;
    if (s->reserve.n_tiers && model_mj_refill_all(w, t_s)) return -1;
    for (int p = 0; p < s->n_priorities; p++) {
        call_fifo *f = &w->wait[p];
        for (size_t i = 0; i < f->n;) {
            size_t free_units = 0;
            for (size_t ui = 0; ui < s->n_units; ui++) free_units += model_unit_is_free(&w->u[ui]);
            if (!free_units) return 0;
            int r = model_dispatch(w, f->id[i], t_s);
            if (r < 0) return -1;
            if (r == 0) {
                i++;
                continue;
            }
            memmove(&f->id[i], &f->id[i + 1], (f->n - i - 1) * sizeof *f->id);
            f->n--;
        }
    }
    return 0;
}

/* ---- events ------------------------------------------------------------------ */

static int model_mj_arrive(model_ws *w, uint32_t ui, double t_s);

static int model_on_arrive(model_ws *w, uint32_t ui, double t_s)
{
    unit_st *u = &w->u[ui];
    if (u->major >= 0) return model_mj_arrive(w, ui, t_s);
    call_rec *c = &w->out->calls[u->call];
    w->out->units[ui].travel_m += u->path_d[u->path_n - 1]; /* the leg ends complete */
    if (model_leg_visits(w, ui, t_s)) return -1;
    u->at_node = (uint32_t)c->node;
    if (model_set_state(w, ui, t_s, UNIT_ONSCENE)) return -1;
    if (w->rec && replay_call_event(w->rec, (uint32_t)u->call, t_s, REPLAY_CALL_ARRIVED, (int32_t)ui))
        return -1;
    if (isnan(c->t_arrive_s)) {
        c->t_arrive_s = t_s;
        c->response_s = t_s - c->t_call_s;
        c->response_incident_s = t_s - c->t_incident_s;
        c->status = CALL_ANSWERED;
        return model_push(w, t_s + c->onscene_s, EV_CLEAR, (uint32_t)u->call, 0);
    }
    return 0;
}

/* Unit ui is done with its call at t_s: back to duty (or base). */
static int model_release(model_ws *w, uint32_t ui, double t_s)
{
    unit_st *u = &w->u[ui];
    model_add_window(w->s, &w->out->units[ui].busy_s, u->busy_start_s, t_s);
    u->call = -1;
    return model_head_back(w, ui, t_s);
}

static int model_on_clear(model_ws *w, uint32_t ci, double t_s)
{
    const scenario *s = w->s;
    w->out->calls[ci].t_clear_s = t_s;
    w->open_calls--;
    if (w->rec && replay_call_event(w->rec, ci, t_s, REPLAY_CALL_CLEARED, -1)) return -1;
    for (uint32_t ui = 0; ui < s->n_units; ui++)
        if (w->u[ui].call == (int32_t)ci && model_release(w, ui, t_s)) return -1;
    return model_serve_queue(w, t_s);
}

static int model_go_off(model_ws *w, uint32_t ui, double t_s)
{
    unit_st *u = &w->u[ui];
    unit_rec *ur = &w->out->units[ui];
    model_add_window(w->s, &ur->on_duty_s, u->work_start_s, t_s);
    if (u->overtime) model_add_window(w->s, &ur->overtime_s, u->shift_end_s, t_s);
    u->going_off = u->overtime = 0;
    return model_set_state(w, ui, t_s, UNIT_OFF);
}

/* A unit heading back arrived: on its route, at its post or at its station. */
static int model_on_reach(model_ws *w, uint32_t ui, double t_s)
{
    const scenario *s = w->s;
    unit_st *u = &w->u[ui];
    dispatch_cand here;
    double covered;
    if (model_position(w, ui, t_s, &here, &covered)) return -1;
    w->out->units[ui].travel_m += covered + here.offset_m;
    if (model_leg_visits(w, ui, t_s)) return -1;
    u->at_node = u->leg_to;
    u->epoch++;
    if (u->going_off) return model_go_off(w, ui, t_s);
    if (u->dest == DEST_ROUTE) {
        const route *r = &s->lines[s->units[ui].line].route;
        u->patrol_t0_s = t_s;
        u->patrol_phase0_s = route_phase_at(r, u->rejoin_pos);
        return model_set_state(w, ui, t_s, UNIT_PATROLLING);
    }
    return model_set_state(w, ui, t_s, u->dest == DEST_POST ? UNIT_AT_POST : UNIT_AVAILABLE);
}

/* A community line's slot ends: how much of its check-in round was done. */
static void model_slot_done(model_ws *w, uint32_t ui)
{
    const scen_unit *su = &w->s->units[ui];
    unit_st *u = &w->u[ui];
    if (su->line < 0 || !u->slot_counted) return;
    const scen_line *ln = &w->s->lines[su->line];
    line_rec *lr = &w->out->lines[su->line];
    size_t n = ln->n_checkins < 64 ? ln->n_checkins : 64;
    if (n == 0) return;
    double done = (double)__builtin_popcountll(u->checkin_mask) / (double)n;
    /* A running mean over the counted slots of all the line's units. */
    lr->completion = (isnan(lr->completion) ? 0 : lr->completion * (lr->slots - 1)) + done;
    lr->completion /= lr->slots;
}

/* At the end of its slot a busy unit with the hand-over rule passes its call
 * to a free unit of its own kind, if there is one; 1 when it did. */
static int model_hand_over(model_ws *w, uint32_t ui, double t_s)
{
    const scenario *s = w->s;
    uint32_t ci = (uint32_t)w->u[ui].call;
    size_t n;
    if (model_candidates(w, ci, t_s, s->units[ui].kind, &n)) return -1;
    if (dispatch_rank(s, w->tw, (uint32_t)w->out->calls[ci].node, 1, w->post_away, w->cand, &n) == 0)
        return 0;
    if (model_send(w, ci, &w->cand[0], t_s)) return -1;
    return 1;
}

static int model_on_shift(model_ws *w, uint32_t ui, double t_s)
{
    const scenario *s = w->s;
    const scen_unit *su = &s->units[ui];
    unit_st *u = &w->u[ui];
    int on = scen_unit_on_shift(s, su, t_s);
    double next = scen_unit_next_change_s(s, su, t_s);
    if (isfinite(next) && model_push(w, next, EV_SHIFT, ui, 0)) return -1;
    if (on == u->on_shift) return 0;
    u->on_shift = on;
    model_post_touch(w, su->post, t_s);
    if (on) {
        if (su->line >= 0) {
            u->checkin_mask = 0;
            u->slot_counted = t_s >= s->warmup_s && t_s < s->horizon_s;
            if (u->slot_counted) w->out->lines[su->line].slots++;
        }
        if (u->state == UNIT_OFF) {
            u->at_node = su->base_node;
            u->work_start_s = t_s;
            if (su->line >= 0) {
                if (model_head_back(w, ui, t_s)) return -1; /* out to its route */
            } else if (model_set_state(w, ui, t_s, su->post >= 0 ? UNIT_AT_POST : UNIT_AVAILABLE)) {
                return -1;
            }
        } else if (u->going_off) {
            /* Still finishing the last slot's work: the overtime ends here, and a
             * unit on its way to base turns back to its duty. */
            if (u->overtime) model_add_window(s, &w->out->units[ui].overtime_s, u->shift_end_s, t_s);
            u->going_off = u->overtime = 0;
            if (u->state == UNIT_RETURNING && model_head_back(w, ui, t_s)) return -1;
        }
        return model_serve_queue(w, t_s);
    }
    u->shift_end_s = t_s;
    switch (u->state) {
    case UNIT_AVAILABLE:
    case UNIT_AT_POST:
        model_slot_done(w, ui);
        return model_go_off(w, ui, t_s);
    case UNIT_PATROLLING:
    case UNIT_RETURNING: {
        /* Walking or driving back from its patrol is part of the slot's work;
         * coming back from a call past the slot's end is overtime. The patrol
         * stretch ends first, so its check-ins count for the slot. */
        u->going_off = 1;
        u->overtime = u->state == UNIT_RETURNING && u->dest != DEST_ROUTE;
        int rc = model_head_back(w, ui, t_s);
        model_slot_done(w, ui);
        return rc;
    }
    default: /* ENROUTE, ONSCENE */
        model_slot_done(w, ui);
        if (u->major >= 0) { /* the incident keeps it until it ends: overtime */
            u->going_off = u->overtime = 1;
            return 0;
        }
        if (su->hand_over) {
            int r = model_hand_over(w, ui, t_s);
            if (r < 0) return -1;
            if (r == 1) {
                u->going_off = u->overtime = 1;
                return model_release(w, ui, t_s);
            }
        }
        u->going_off = u->overtime = 1;
        return 0;
    }
}

static int model_on_ready(model_ws *w, uint32_t ci, double t_s)
{
    int r = model_dispatch(w, ci, t_s);
    if (r != 0) return r < 0 ? -1 : 0;
    if (w->s->overflow == OVERFLOW_DIVERT) {
        w->out->calls[ci].status = CALL_DIVERTED;
        w->open_calls--;
        return w->rec ? replay_call_event(w->rec, ci, t_s, REPLAY_CALL_DIVERTED, -1) : 0;
    }
    if (w->rec && replay_call_event(w->rec, ci, t_s, REPLAY_CALL_QUEUED, -1)) return -1;
    return model_enqueue(w, ci);
}

static int model_on_call(model_ws *w, uint32_t ci, double t_s)
{
    w->open_calls++;
    if (w->rec && replay_call_event(w->rec, ci, t_s, REPLAY_CALL_RECEIVED, -1)) return -1;
    if (model_push(w, t_s + w->handling_s[ci], EV_READY, ci, 0)) return -1;
    w->next_call++;
    if (w->next_call < w->out->n_calls) {
        uint32_t nx = w->order[w->next_call];
        return model_push(w, w->out->calls[nx].t_call_s, EV_CALL, nx, 0);
    }
    return 0;
}

/* ---- major incidents and the emergency reserve ------------------------------ */

/* An EV_MAJOR's arg: what (enum mj_what), the tier, and a pool vehicle's officers
 * (< 2^24) and its row of out->mj_units. */
static uint64_t model_mj_arg(int what, int tier, int officers)
{
    return (uint64_t)what | (uint64_t)tier << 4 | (uint64_t)officers << 8;
}

/* Records a commitment to incident mi (/major_units); its row, or -1 when out
 * of memory. */
static int64_t model_mj_unit_add(model_ws *w, uint32_t mi, int tier, int32_t unit, int officers,
                                 int32_t from_state, uint32_t from_node, double t_s)
{
    rep_result *out = w->out;
    if (out->n_mj_units == out->cap_mj_units) {
        size_t cap = out->cap_mj_units ? 2 * out->cap_mj_units : 64;
        major_unit *m = realloc(out->mj_units, cap * sizeof *m);
        if (!m) return -1;
        out->mj_units = m;
        out->cap_mj_units = cap;
    }
    out->mj_units[out->n_mj_units] = (major_unit){
        .rep = out->rep, .incident = (int32_t)mi, .tier = tier, .unit = unit,
        .officers = officers, .from_state = from_state, .from_node = (int32_t)from_node,
        .t_order_s = t_s - w->mj[mi].start_s, .t_arrive_s = NAN, .t_release_s = NAN};
    return (int64_t)out->n_mj_units++;
}

/* Appends a step of incident m's officers-on-scene curve. -1 when out of memory. */
static int model_mj_point(model_ws *w, uint32_t m, double t_s, int officers)
{
    rep_result *out = w->out;
    if (out->n_curve == out->cap_curve) {
        size_t cap = out->cap_curve ? 2 * out->cap_curve : 256;
        major_pt *c = realloc(out->curve, cap * sizeof *c);
        if (!c) return -1;
        out->curve = c;
        out->cap_curve = cap;
    }
    out->curve[out->n_curve++] = (major_pt){.rep = out->rep, .incident = (int32_t)m,
                                            .t_s = t_s - w->mj[m].start_s, .officers = officers};
    return 0;
}

/* The incidents of this replication: the scheduled ones, then random ones drawn
 * from their own stream (a Poisson process over the run, placed like calls by
 * zone and hotspot weight), each announced by an MJ_START event. */
static int model_mj_start(model_ws *w, rep_result *out)
{
    const scenario *s = w->s;
    const scen_reserve *r = &s->reserve;
    out->n_majors = 0;
    out->n_curve = 0;
    out->n_mj_units = 0;
    for (int k = 0; k < SCEN_MAX_TIERS; k++)
        w->pool_left[k] = k < (int)r->n_tiers ? r->tiers[k].pool_officers : 0;
    size_t n_sched = 0; /* the scheduled ones that start within the run */
    for (size_t i = 0; i < r->n_majors; i++) n_sched += r->majors[i].start_s < s->horizon_s;
    size_t n = n_sched;
    double rnd_t[256];
    uint32_t rnd_node[256];
    size_t n_rnd = 0;
    if (r->random_per_day > 0) {
        rng_stream_reset(w->mj_rng, s->seed, out->rep, SRC_MAJOR);
        double rate = r->random_per_day / 86400.0, wsum = 0, t = 0;
        for (size_t z = 0; z < s->n_zones; z++) wsum += s->zones[z].weight;
        for (size_t h = 0; h < s->n_hotspots; h++) wsum += s->hotspots[h].weight;
        for (;;) {
            t += -log(rng_uniform_pos(w->mj_rng)) / rate;
            double u = rng_uniform_pos(w->mj_rng) * wsum, v = rng_uniform_pos(w->mj_rng);
            if (t >= s->horizon_s || n_rnd == sizeof rnd_t / sizeof rnd_t[0]) break;
            const uint32_t *nodes = NULL;
            size_t nn = 0;
            for (size_t z = 0; z < s->n_zones + s->n_hotspots && !nodes; z++) {
                int hs = z >= s->n_zones;
                double wz = hs ? s->hotspots[z - s->n_zones].weight : s->zones[z].weight;
                if (u < wz || z + 1 == s->n_zones + s->n_hotspots) {
                    nodes = hs ? s->hotspots[z - s->n_zones].nodes : s->zones[z].nodes;
                    nn = hs ? s->hotspots[z - s->n_zones].n_nodes : s->zones[z].n_nodes;
                }
                u -= wz;
            }
            if (!nodes || nn == 0) continue;
            size_t i = (size_t)(v * (double)nn);
            rnd_node[n_rnd] = nodes[i < nn ? i : nn - 1];
            rnd_t[n_rnd++] = t;
        }
    }
    n += n_rnd;
    if (n > out->cap_majors) {
        major_rec *m = realloc(out->majors, n * sizeof *m);
        if (!m) return -1;
        out->majors = m;
        out->cap_majors = n;
    }
    if (n > w->mj_cap) {
        major_st *m = realloc(w->mj, n * sizeof *m);
        if (!m) return -1;
        w->mj = m;
        w->mj_cap = n;
    }
    out->n_majors = n;
    for (size_t i = 0, sched = 0; i < n; i++) {
        int rnd = i >= n_sched;
        while (!rnd && r->majors[sched].start_s >= s->horizon_s) sched++;
        const scen_major *sm = rnd ? NULL : &r->majors[sched++];
        major_st *m = &w->mj[i];
        *m = (major_st){0};
        m->node = rnd ? rnd_node[i - n_sched] : sm->node;
        m->start_s = rnd ? rnd_t[i - n_sched] : sm->start_s;
        m->end_s = m->start_s + (rnd ? r->random_duration_s : sm->duration_s);
        m->size = rnd ? r->random_officers : sm->officers;
        m->needs = rnd ? r->random_needs : sm->needs;
        m->n_needs = rnd ? r->n_random_needs : sm->n_needs;
        m->event_step = rnd ? -1 : sm->event_step;
        m->officers = m->needs[0].officers;
        out->majors[i] = (major_rec){.rep = out->rep, .incident = (int32_t)i,
                                     .random = rnd ? 1 : sm->planned ? 2 : 0,
                                     .node = (int32_t)m->node, .officers = m->size,
                                     .t_start_s = m->start_s, .t_end_s = m->end_s,
                                     .t_tier1_s = NAN, .t_tier2_s = NAN, .t_tier3_s = NAN,
                                     .t_tier4_s = NAN, .t_full_s = NAN,
                                     .t_event_s = rnd ? m->start_s : sm->event_s,
                                     .event_officers = m->event_step >= 0
                                                           ? m->needs[m->event_step].officers
                                                           : m->size};
        if (model_push(w, m->start_s, EV_MAJOR, (uint32_t)i, model_mj_arg(MJ_START, 0, 0)))
            return -1;
        /* Each later step of its needs: the reserve adds or sends back the
         * difference. A public event's start is always a step (it records who is
         * there), and a step that needs more is ordered lead_s ahead of it. */
        double lead_s = rnd ? 0 : sm->lead_s;
        for (size_t p = 1; p < m->n_needs; p++) {
            double t = m->start_s + m->needs[p].after_s;
            int more = m->needs[p].officers > m->needs[p - 1].officers;
            if (t >= m->end_s) continue;
            if ((more || m->needs[p].officers < m->needs[p - 1].officers ||
                 (int)p == m->event_step) &&
                model_push(w, t, EV_MAJOR, (uint32_t)i, model_mj_arg(MJ_PHASE, 0, (int)p)))
                return -1;
            if (more && lead_s > 0 &&
                model_push(w, fmax(m->start_s, t - lead_s), EV_MAJOR, (uint32_t)i,
                           model_mj_arg(MJ_ORDER, 0, (int)p)))
                return -1;
        }
    }
    if (r->n_tiers) rng_stream_reset(w->rs_rng, s->seed, out->rep, SRC_RESERVE);
    return 0;
}

/* Whether the pull-back policy lets the reserve take free unit ui. */
static int model_mj_may_take(const model_ws *w, uint32_t ui)
{
    const scenario *s = w->s;
    const scen_unit *su = &s->units[ui];
    const scen_pull_back *pb = &s->reserve.pull_back;
    if (su->line >= 0 && !pb->patrol_lines) return 0;
    if (su->post >= 0) {
        int stays = w->post[su->post].present - (w->u[ui].state == UNIT_AT_POST);
        if (stays < (pb->post_keep ? pb->post_keep[su->post] : pb->posts_keep)) return 0;
    }
    return 1;
}

static int model_mj_cand_cmp(const void *a, const void *b)
{
    const dispatch_cand *x = a, *y = b;
    /* plan_pos holds 0 for the kinds taken first, 1 for the others. */
    if (x->plan_pos != y->plan_pos) return x->plan_pos < y->plan_pos ? -1 : 1;
    if (x->travel_s != y->travel_s) return x->travel_s < y->travel_s ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

static int model_mj_call_tier(model_ws *w, uint32_t mi, int k, double t_s);

/* Tier k of incident mi has all it sent on scene: a tier called after it goes. */
static int model_mj_tier_done(model_ws *w, uint32_t mi, int k, double t_s)
{
    const scen_reserve *r = &w->s->reserve;
    int nx = k + 1;
    if (nx >= (int)r->n_tiers || r->tiers[nx].call_up != CALLUP_AFTER_PREVIOUS ||
        w->mj[mi].tier_called[nx])
        return 0;
    w->mj[mi].tier_called[nx] = 1;
    if (r->tiers[nx].delay_s > 0)
        return model_push(w, t_s + r->tiers[nx].delay_s, EV_MAJOR, mi,
                          model_mj_arg(MJ_TIER, nx, 0));
    return model_mj_call_tier(w, mi, nx, t_s);
}

/* Calls tier k to incident mi: free on-duty units of its kinds and groups that
 * the pull-back policy releases (kinds listed first, then nearest first) until
 * the tier's strength or the incident's remaining need is covered, then the
 * rest from the tier's off-duty pool, one vehicle at a time after its assembly. */
static int model_mj_call_tier(model_ws *w, uint32_t mi, int k, double t_s)
{
    const scenario *s = w->s;
    const scen_tier *tr = &s->reserve.tiers[k];
    major_st *m = &w->mj[mi];
    major_rec *mr = &w->out->majors[mi];
    m->tier_called[k] = m->tier_ordered[k] = 1;
    if (m->ended) return 0;
    int need = m->officers - m->committed;
    if (need > tr->officers - m->tier_sent[k]) need = tr->officers - m->tier_sent[k];
    int sent = 0;
    size_t n = 0;
    if (need > 0 && (tr->kind_mask || tr->group_ok)) {
        for (uint32_t ui = 0; ui < s->n_units; ui++) {
            const scen_unit *su = &s->units[ui];
            int in_tier = (tr->kind_mask >> su->kind & 1u) ||
                          (tr->group_ok && su->group >= 0 && tr->group_ok[su->group]);
            if (!in_tier || !model_unit_is_free(&w->u[ui]) || !model_mj_may_take(w, ui)) continue;
            dispatch_cand *c = &w->cand[n++];
            double covered;
            if (model_position(w, ui, t_s, c, &covered)) return -1;
            c->travel_s = c->offset_s;
            if (s->travel_enabled && c->node != m->node)
                c->travel_s += travel_time_s(s->travel, w->tw, su->mode, c->node, m->node);
            c->plan_pos = !(s->reserve.pull_back.first_mask >> su->kind & 1u);
        }
        qsort(w->cand, n, sizeof *w->cand, model_mj_cand_cmp);
    }
    for (size_t i = 0; i < n && sent < need; i++) {
        uint32_t ui = w->cand[i].unit;
        unit_st *u = &w->u[ui];
        /* A post may have lost units to this tier already: check again. */
        if (!model_mj_may_take(w, ui)) continue;
        int32_t from_state = u->state;
        dispatch_cand here;
        if (model_stop(w, ui, t_s, &here)) return -1;
        int64_t rec = model_mj_unit_add(w, mi, k, (int32_t)ui, s->units[ui].crew, from_state,
                                        here.node, t_s);
        if (rec < 0) return -1;
        u->mj_rec = (int32_t)rec;
        u->busy_start_s = t_s;
        u->major = (int32_t)mi;
        u->major_tier = k;
        if (model_set_state(w, ui, t_s, UNIT_ENROUTE) ||
            model_leg_start(w, ui, here.node, m->node, t_s + here.offset_s) ||
            model_leg_path(w, ui))
            return -1;
        double tt = here.offset_s;
        if (s->travel_enabled && here.node != m->node)
            tt += travel_time_s(s->travel, w->tw, s->units[ui].mode, here.node, m->node);
        if (model_push(w, t_s + tt, EV_ARRIVE, ui, u->epoch)) return -1;
        int crew = s->units[ui].crew;
        sent += crew;
        m->tier_out[k] += crew;
        mr->units++;
    }
    int pool = need - sent;
    if (pool > w->pool_left[k]) pool = w->pool_left[k];
    if (pool > 0) {
        w->pool_left[k] -= pool;
        m->tier_pool[k] += pool;
        mr->pool_officers += pool;
        m->tier_out[k] += pool;
        sent += pool;
        uint32_t from = s->stations[tr->pool_station].node;
        double tt = s->travel_enabled && from != m->node
                        ? travel_time_s(s->travel, w->tw, tr->mode, from, m->node)
                        : 0;
        for (int left = pool; left > 0; left -= tr->vehicle_officers) {
            int v = left < tr->vehicle_officers ? left : tr->vehicle_officers;
            double as = scen_dist_quantile(&tr->assembly, rng_uniform_pos(w->rs_rng));
            int64_t rec = model_mj_unit_add(w, mi, k, -1, v, -1, from, t_s);
            if (rec < 0 ||
                model_push(w, t_s + as + tt, EV_MAJOR, mi,
                           model_mj_arg(MJ_POOL, k, v) | (uint64_t)rec << 32))
                return -1;
        }
    }
    m->committed += sent;
    m->tier_sent[k] += sent;
    return m->tier_out[k] == 0 ? model_mj_tier_done(w, mi, k, t_s) : 0;
}

/* Officers of tier k reached incident mi: the curve and the times to strength. */
static int model_mj_reached(model_ws *w, uint32_t mi, int k, int officers, double t_s)
{
    const scen_reserve *r = &w->s->reserve;
    major_st *m = &w->mj[mi];
    major_rec *mr = &w->out->majors[mi];
    m->on_scene += officers;
    if (m->on_scene > mr->peak_officers) mr->peak_officers = m->on_scene;
    if (model_mj_point(w, mi, t_s, m->on_scene)) return -1;
    double *tt[SCEN_MAX_TIERS] = {&mr->t_tier1_s, &mr->t_tier2_s, &mr->t_tier3_s, &mr->t_tier4_s};
    int cum = 0;
    for (size_t j = 0; j < r->n_tiers; j++) {
        cum += r->tiers[j].officers;
        if (isnan(*tt[j]) && m->on_scene >= cum) *tt[j] = t_s - m->start_s;
    }
    if (isnan(mr->t_full_s) && m->on_scene >= m->size) mr->t_full_s = t_s - m->start_s;
    m->tier_out[k] -= officers;
    return m->tier_out[k] == 0 ? model_mj_tier_done(w, mi, k, t_s) : 0;
}

static int model_mj_arrive(model_ws *w, uint32_t ui, double t_s)
{
    unit_st *u = &w->u[ui];
    w->out->units[ui].travel_m += u->path_d[u->path_n - 1];
    if (model_leg_visits(w, ui, t_s)) return -1;
    u->at_node = u->leg_to;
    if (model_set_state(w, ui, t_s, UNIT_ONSCENE)) return -1;
    w->out->mj_units[u->mj_rec].t_arrive_s = t_s - w->mj[u->major].start_s;
    return model_mj_reached(w, (uint32_t)u->major, u->major_tier, w->s->units[ui].crew, t_s);
}

/* A pool vehicle of tier k with `officers` reached incident mi. When the need
 * fell while it was on its way (a public event's later phase), the officers
 * beyond it go home at once and count as never committed. */
static int model_mj_pool_arrive(model_ws *w, uint32_t mi, int k, int officers, size_t rec,
                                double t_s)
{
    major_st *m = &w->mj[mi];
    major_unit *mu = &w->out->mj_units[rec];
    int home = m->committed - m->officers;
    if (home > officers) home = officers;
    if (home > 0) {
        m->tier_pool[k] -= home;
        w->pool_left[k] += home;
        m->committed -= home;
        m->tier_sent[k] -= home;
        m->tier_out[k] -= home;
        officers -= home;
        if (officers == 0) {
            mu->t_release_s = t_s - m->start_s; /* turned back on arrival */
            return 0;
        }
    }
    mu->t_arrive_s = t_s - m->start_s;
    m->pool_on_scene[k] += officers;
    return model_mj_reached(w, mi, k, officers, t_s);
}

/* Incident mi has `surplus` officers more than it needs (a public event's
 * phase that needs fewer): on-duty units go back to their duties first, since
 * what the planner wants back is ordinary cover; the latest tier's first, and
 * a unit only when its whole crew is surplus. Then off-duty pool officers on
 * scene go home. Pool vehicles still on their way are trimmed on arrival. */
static int model_mj_release(model_ws *w, uint32_t mi, int surplus, double t_s)
{
    const scenario *s = w->s;
    major_st *m = &w->mj[mi];
    int on_scene0 = m->on_scene;
    for (int k = (int)s->reserve.n_tiers - 1; k >= 0 && surplus > 0; k--) {
        for (uint32_t ui = (uint32_t)s->n_units; ui-- > 0 && surplus > 0;) {
            unit_st *u = &w->u[ui];
            int crew = s->units[ui].crew;
            if (u->major != (int32_t)mi || u->major_tier != k || crew > surplus) continue;
            if (u->state == UNIT_ENROUTE)
                m->tier_out[k] -= crew;
            else
                m->on_scene -= crew;
            m->committed -= crew;
            m->tier_sent[k] -= crew;
            surplus -= crew;
            w->out->mj_units[u->mj_rec].t_release_s = t_s - m->start_s;
            u->major = u->major_tier = -1;
            model_add_window(s, &w->out->units[ui].busy_s, u->busy_start_s, t_s);
            if (model_head_back(w, ui, t_s)) return -1;
        }
    }
    for (int k = (int)s->reserve.n_tiers - 1; k >= 0 && surplus > 0; k--) {
        int home = m->pool_on_scene[k] < surplus ? m->pool_on_scene[k] : surplus;
        m->pool_on_scene[k] -= home;
        m->tier_pool[k] -= home;
        w->pool_left[k] += home;
        m->on_scene -= home;
        m->committed -= home;
        m->tier_sent[k] -= home;
        surplus -= home;
    }
    if (m->on_scene != on_scene0 && model_mj_point(w, mi, t_s, m->on_scene)) return -1;
    return model_serve_queue(w, t_s);
}

/* Calls again the tiers already ordered to incident mi, in order, while it
 * has fewer officers committed than it needs: units that have come free since
 * (a call cleared, a slot begun) and pool officers given back by another
 * incident join it. */
static int model_mj_refill(model_ws *w, uint32_t mi, double t_s)
{
    major_st *m = &w->mj[mi];
    for (size_t k = 0; k < w->s->reserve.n_tiers && m->committed < m->officers; k++)
        if (m->tier_ordered[k] && model_mj_call_tier(w, mi, (int)k, t_s)) return -1;
    return 0;
}

/* Every running incident that is short calls its tiers again (model_serve_queue
 * does this before offering queued calls: the crisis plan goes first). */
static int model_mj_refill_all(model_ws *w, double t_s)
{
    for (size_t i = 0; i < w->out->n_majors; i++) {
        const major_st *m = &w->mj[i];
        if (m->started && !m->ended && m->committed < m->officers &&
            model_mj_refill(w, (uint32_t)i, t_s))
            return -1;
    }
    return 0;
}

/* The incident is over: its units go back to their duties (or off duty), its
 * pool officers go home and are available again, and queued calls are served. */
static int model_mj_end(model_ws *w, uint32_t mi, double t_s)
{
    const scenario *s = w->s;
    major_st *m = &w->mj[mi];
    m->ended = 1;
    if (model_mj_point(w, mi, t_s, 0)) return -1;
    for (int k = 0; k < SCEN_MAX_TIERS; k++) w->pool_left[k] += m->tier_pool[k];
    for (uint32_t ui = 0; ui < s->n_units; ui++) {
        unit_st *u = &w->u[ui];
        if (u->major != (int32_t)mi) continue;
        u->major = u->major_tier = -1;
        model_add_window(s, &w->out->units[ui].busy_s, u->busy_start_s, t_s);
        if (model_head_back(w, ui, t_s)) return -1;
    }
    for (size_t i = 0; i < w->out->n_mj_units; i++) {
        major_unit *mu = &w->out->mj_units[i];
        if (mu->incident == (int32_t)mi && isnan(mu->t_release_s))
            mu->t_release_s = t_s - m->start_s;
    }
    return model_serve_queue(w, t_s);
}

static int model_on_major(model_ws *w, uint32_t mi, uint64_t arg, double t_s)
{
    const scen_reserve *r = &w->s->reserve;
    major_st *m = &w->mj[mi];
    int what = (int)(arg & 15u), k = (int)(arg >> 4 & 15u), officers = (int)(arg >> 8 & 0xFFFFFFu);
    switch (what) {
    case MJ_START:
        m->started = 1;
        if (model_mj_point(w, mi, t_s, 0) ||
            model_push(w, m->end_s, EV_MAJOR, mi, model_mj_arg(MJ_END, 0, 0)))
            return -1;
        for (size_t j = 0; j < r->n_tiers; j++) {
            const scen_tier *tr = &r->tiers[j];
            if (tr->call_up == CALLUP_AFTER_PREVIOUS) continue;
            if (tr->call_up == CALLUP_SIZE && m->size < tr->size_at_least) continue;
            m->tier_called[j] = 1;
            int rc = tr->delay_s > 0 ? model_push(w, t_s + tr->delay_s, EV_MAJOR, mi,
                                                  model_mj_arg(MJ_TIER, (int)j, 0))
                                     : model_mj_call_tier(w, mi, (int)j, t_s);
            if (rc) return -1;
        }
        return 0;
    case MJ_TIER: return model_mj_call_tier(w, mi, k, t_s);
    case MJ_POOL:
        return m->ended ? 0 : model_mj_pool_arrive(w, mi, k, officers, arg >> 32, t_s);
    case MJ_ORDER: /* a later step's extra officers, ordered ahead (officers: the step) */
        if (m->ended || m->needs[officers].officers <= m->officers) return 0;
        m->officers = m->needs[officers].officers;
        if (officers > m->ahead_step) m->ahead_step = officers;
        return model_mj_refill(w, mi, t_s);
    case MJ_PHASE: /* a step of its needs begins (officers: the step) */
        if (m->ended) return 0;
        if (officers == m->event_step) w->out->majors[mi].officers_at_event = m->on_scene;
        m->officers = m->needs[officers].officers;
        /* Later steps already ordered ahead keep their officers. */
        for (int j = officers + 1; j <= m->ahead_step; j++)
            if (m->needs[j].officers > m->officers) m->officers = m->needs[j].officers;
        if (m->committed > m->officers) return model_mj_release(w, mi, m->committed - m->officers, t_s);
        return model_mj_refill(w, mi, t_s);
    default: return m->ended ? 0 : model_mj_end(w, mi, t_s);
    }
}

/* ---- one replication ------------------------------------------------------- */

/* Sizes the per-replication tables and resets every unit to day 0, 00:00. */
static int model_start(model_ws *w, rep_result *out)
{
    const scenario *s = w->s;
#define MODEL_TABLE(field, count)                                                          \
    if (!out->field && count) {                                                            \
        out->field = calloc(count, sizeof *out->field);                                    \
        if (!out->field) return -1;                                                        \
    }                                                                                      \
    out->n_##field = count;
    MODEL_TABLE(units, s->n_units)
    MODEL_TABLE(lines, s->n_lines)
    MODEL_TABLE(posts, s->n_posts)
    MODEL_TABLE(cells, s->cells.n_cells)
#undef MODEL_TABLE
    for (size_t l = 0; l < s->n_lines; l++)
        out->lines[l] = (line_rec){.rep = out->rep, .line = (int32_t)l, .completion = NAN};
    for (size_t p = 0; p < s->n_posts; p++) {
        out->posts[p] = (post_rec){.rep = out->rep, .post = (int32_t)p};
        w->post[p] = (post_st){0};
    }
    coverage_reset(w->cov);
    for (uint32_t ui = 0; ui < s->n_units; ui++) {
        const scen_unit *su = &s->units[ui];
        out->units[ui] = (unit_rec){.rep = out->rep, .unit = (int32_t)ui};
        unit_st *u = &w->u[ui];
        u->state = UNIT_OFF;
        u->state_since_s = 0;
        u->epoch = 0;
        u->call = -1;
        u->major = u->major_tier = -1;
        u->going_off = u->overtime = 0;
        u->on_shift = 0;
        u->at_node = su->base_node;
        u->leg_has_path = 0;
        u->work_start_s = 0;
        if (model_leg_start(w, ui, u->at_node, u->at_node, 0.0)) return -1;
        /* The first slot change at or after 0 (a slot running at 00:00 starts now). */
        double first = scen_unit_on_shift(s, su, 0.0) ? 0.0 : scen_unit_next_change_s(s, su, 0.0);
        if (isfinite(first) && model_push(w, first, EV_SHIFT, ui, 0)) return -1;
    }
    for (int p = 0; p < SCEN_MAX_PRIORITIES; p++) w->wait[p].n = 0;
    if (model_mj_start(w, out)) return -1;
    w->open_calls = 0;
    w->next_call = 0;
    if (out->n_calls) return model_push(w, out->calls[w->order[0]].t_call_s, EV_CALL, w->order[0], 0);
    return 0;
}

/* Per cell: calls and their mean response, and the presence fraction. */
static void model_cells(model_ws *w, rep_result *out)
{
    const scenario *s = w->s;
    if (!out->n_cells) return;
    double *frac = malloc(out->n_cells * sizeof *frac);
    if (frac) coverage_fractions(w->cov, s->warmup_s, s->horizon_s, frac);
    for (size_t c = 0; c < out->n_cells; c++)
        out->cells[c] = (cell_rec){.rep = out->rep, .cell = (int32_t)c, .response_mean_s = 0,
                                   .presence = frac ? frac[c] : NAN};
    for (size_t i = 0; i < out->n_calls; i++) {
        const call_rec *c = &out->calls[i];
        int32_t cell = s->cells.node_cell[c->node];
        if (cell < 0 || !c->counted || c->status != CALL_ANSWERED) continue;
        out->cells[cell].calls++;
        out->cells[cell].response_mean_s += c->response_s;
    }
    for (size_t c = 0; c < out->n_cells; c++)
        out->cells[c].response_mean_s = out->cells[c].calls
                                            ? out->cells[c].response_mean_s / out->cells[c].calls
                                            : NAN;
    free(frac);
}

int model_run_rep(model_ws *w, uint32_t rep, rep_result *out)
{
    const scenario *s = w->s;
    out->rep = rep;
    out->events = 0;
    out->unstable = 0;
    out->t_unstable_s = NAN;
    out->queue_at_stop = 0;
    w->out = out;
    evq_clear(w->q);
    if (w->rec) replay_reset(w->rec, rep);
    if (calls_generate(s, rep, w->streams, out, &w->handling_s, &w->order, &w->calls_cap))
        return -1;
    if (model_start(w, out)) return -1;

    double t_end = s->horizon_s + s->drain_s, t_now = 0;
    evq_event e;
    while (evq_pop(w->q, &e)) {
        int done = w->open_calls == 0 && w->next_call >= out->n_calls;
        if (e.t_s > t_end || (e.t_s >= s->horizon_s && done)) break;
        t_now = e.t_s;
        out->events++;
        int rc = 0;
        switch (e.kind) {
        case EV_CALL: rc = model_on_call(w, e.who, t_now); break;
        case EV_READY: rc = model_on_ready(w, e.who, t_now); break;
        case EV_CLEAR: rc = model_on_clear(w, e.who, t_now); break;
        case EV_SHIFT: rc = model_on_shift(w, e.who, t_now); break;
        case EV_ARRIVE:
            if (e.arg == w->u[e.who].epoch) rc = model_on_arrive(w, e.who, t_now);
            break;
        case EV_REACH:
            if (e.arg == w->u[e.who].epoch) rc = model_on_reach(w, e.who, t_now);
            break;
        case EV_MAJOR: rc = model_on_major(w, e.who, e.arg, t_now); break;
        }
        if (rc) return -1;
        if (e.kind == EV_READY && model_queue_unstable(w, t_now)) break;
    }

    /* Close the books: working periods, states, stays and patrols still going.
     * When every call was done early the units were still on duty up to the
     * horizon; the window clips everything there. */
    t_now = fmax(t_now, s->horizon_s);
    for (uint32_t ui = 0; ui < s->n_units; ui++) {
        unit_st *u = &w->u[ui];
        unit_rec *ur = &out->units[ui];
        if (u->state != UNIT_OFF) model_add_window(s, &ur->on_duty_s, u->work_start_s, t_now);
        if (u->overtime) model_add_window(s, &ur->overtime_s, u->shift_end_s, t_now);
        if (u->call >= 0 || u->major >= 0)
            model_add_window(s, &ur->busy_s, u->busy_start_s, t_now);
        if (u->state == UNIT_PATROLLING && model_patrol_end(w, ui, t_now)) return -1;
        if ((u->state == UNIT_ONSCENE || u->state == UNIT_AT_POST) &&
            coverage_stay(w->cov, u->at_node, u->stay_since_s, t_now))
            return -1;
        if (u->on_shift) model_slot_done(w, ui);
        if (model_set_state(w, ui, t_now, u->state)) return -1;
    }
    for (size_t p = 0; p < s->n_posts; p++) model_post_touch(w, (int)p, t_now);
    model_cells(w, out);
    return 0;
}
