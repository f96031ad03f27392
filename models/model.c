/* model.c - the event loop of one replication. See model.h for the flow.
 *
 * Units move between five states:
 *
 *     OFF --shift starts--> IDLE --dispatched--> ENROUTE --arrives--> ONSCENE
 *      ^                     ^  \                   ^                   |
 *      |                     |   `--(queued call)---+---- call cleared -'
 *      +--shift over, home---+---- RETURNING <------'
 *
 * IDLE and RETURNING units are free: they may be sent to a call (a returning
 * unit leaves from wherever it is on its way home). A unit whose shift ends
 * while it is busy finishes the call, drives home and then goes off duty; that
 * time is its overtime. Events that a later decision has overtaken (a unit
 * sent elsewhere before it got home) carry the unit's epoch and are ignored
 * when it no longer matches, so nothing is ever removed from the queue.
 *
 * Paths: a unit sent to a call gets its path at once (its distance is
 * recorded, and a unit still on its way when the call clears needs its
 * position). A unit heading home gets its path only when something needs it:
 * its arrival (for the distance) or a dispatch that catches it on the way.
 */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "dispatch.h"
#include "evq.h"
#include "replay.h"
#include "rng.h"


/* Event kinds, and their priorities among equal times: shift changes first (a
 * unit coming on duty at 08:00 can take an 08:00 call), then unit movements,
 * then new calls. */
enum ev_kind { EV_SHIFT, EV_ARRIVE, EV_CLEAR, EV_HOME, EV_CALL, EV_READY };
static const int32_t ev_prio[] = {0, 1, 1, 1, 2, 2};

typedef struct unit_st {
    int state;              /* enum model_unit_state; set only through model_set_state */
    uint32_t epoch;         /* bumped by every new movement; stale events carry an old one */
    int32_t call;           /* call being served, -1 */
    int on_shift;           /* inside its shift hours */
    int going_off;          /* shift over while busy: off duty once home */
    double next_shift_s;    /* the next shift boundary */
    double work_start_s;    /* start of the current working period */
    double shift_end_s;     /* end of the last shift (overtime runs from here) */
    double busy_start_s;    /* when it was sent to its current call */
    uint32_t at_node;       /* where it stands (IDLE, ONSCENE) or where its leg starts */
    uint32_t leg_to;        /* where its leg ends (ENROUTE, RETURNING) */
    double leg_t0_s;        /* when its leg starts */
    int leg_has_path;       /* path arrays below hold the leg */
    uint32_t *path_node;    /* the leg's path, cumulative time and distance */
    double *path_t, *path_d;
    size_t path_n, path_cap;
} unit_st;

/* Waiting calls of one priority, in arrival order. */
typedef struct call_fifo {
    uint32_t *id;
    size_t n, cap;
} call_fifo;

struct model_ws {
    const scenario *s;
    evq *q;
    travel_ws *tw;
    gsl_rng *streams[CALLS_STREAMS];
    unit_st *u;
    dispatch_cand *cand;
    call_fifo wait[SCEN_MAX_PRIORITIES];
    double *handling_s;
    size_t handling_cap;
    rep_result *out;        /* the replication being run */
    size_t open_calls;      /* generated and not yet cleared or diverted */
    size_t next_call;       /* the next call whose arrival is not yet scheduled */
    replay *rec;            /* the replay being recorded, or NULL */
    uint32_t *rank_unit;    /* scratch for recording a decision's candidates */
    double *rank_travel_s;
};

model_ws *model_ws_create(const scenario *s)
{
    model_ws *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->s = s;
    w->q = evq_create(4 * s->n_units + 64);
    w->tw = travel_ws_create(s->travel);
    w->u = calloc(s->n_units, sizeof *w->u);
    w->cand = calloc(s->n_units, sizeof *w->cand);
    w->rank_unit = calloc(s->n_units, sizeof *w->rank_unit);
    w->rank_travel_s = calloc(s->n_units, sizeof *w->rank_travel_s);
    int ok = w->q && w->tw && w->u && w->cand && w->rank_unit && w->rank_travel_s;
    for (int i = 0; i < CALLS_STREAMS; i++)
        ok = ok && (w->streams[i] = rng_stream_create(s->seed, 0, (uint32_t)i)) != NULL;
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
    if (w->u)
        for (size_t i = 0; i < w->s->n_units; i++) {
            free(w->u[i].path_node);
            free(w->u[i].path_t);
            free(w->u[i].path_d);
        }
    free(w->u);
    free(w->cand);
    free(w->rank_unit);
    free(w->rank_travel_s);
    for (int p = 0; p < SCEN_MAX_PRIORITIES; p++) free(w->wait[p].id);
    free(w->handling_s);
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

/* ---- movement --------------------------------------------------------------- */

static int model_push(model_ws *w, double t_s, int kind, uint32_t who, uint64_t arg)
{
    return evq_push(w->q, t_s, ev_prio[kind], (uint32_t)kind, who, arg);
}

/* Every state change goes through here, so the replay sees each one. */
static int model_set_state(model_ws *w, uint32_t ui, double t_s, int state)
{
    unit_st *u = &w->u[ui];
    u->state = state;
    return w->rec ? replay_unit_state(w->rec, ui, t_s, state, u->call) : 0;
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
    if (s->travel_enabled) {
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

/* Where a moving unit is at time t: the next node of its path it can leave
 * from, the time and distance to get there, and the distance covered so far. */
static int model_position(model_ws *w, uint32_t ui, double t_s, dispatch_cand *c,
                          double *covered_m)
{
    unit_st *u = &w->u[ui];
    c->unit = ui;
    c->offset_s = c->offset_m = 0;
    *covered_m = 0;
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

/* Sends unit ui home from where it is at time t. */
static int model_head_home(model_ws *w, uint32_t ui, double t_s)
{
    const scenario *s = w->s;
    unit_st *u = &w->u[ui];
    uint32_t home = s->stations[s->units[ui].station].node;
    dispatch_cand here;
    double covered;
    if (model_position(w, ui, t_s, &here, &covered)) return -1;
    w->out->units[ui].travel_m += covered + here.offset_m;
    double tt = 0;
    if (s->travel_enabled && here.node != home)
        tt = travel_time_s(s->travel, w->tw, s->units[ui].mode, here.node, home);
    if (model_leg_start(w, ui, here.node, home, t_s + here.offset_s) ||
        model_set_state(w, ui, t_s, UNIT_RETURNING))
        return -1;
    return model_push(w, t_s + here.offset_s + tt, EV_HOME, ui, u->epoch);
}

/* ---- dispatch ---------------------------------------------------------------- */

static int model_unit_is_free(const unit_st *u)
{
    return (u->state == UNIT_AVAILABLE || u->state == UNIT_RETURNING) && u->on_shift && !u->going_off;
}

/* Tries to send units to call ci at time t. 1 when sent, 0 when no unit may
 * go, -1 when out of memory. */
static int model_dispatch(model_ws *w, uint32_t ci, double t_s)
{
    const scenario *s = w->s;
    call_rec *c = &w->out->calls[ci];
    size_t n = 0;
    for (uint32_t ui = 0; ui < s->n_units; ui++) {
        int pos;
        if (!model_unit_is_free(&w->u[ui])) continue;
        if (!dispatch_may_answer(s, ui, c->type, c->zone, &pos)) continue;
        double covered;
        if (model_position(w, ui, t_s, &w->cand[n], &covered)) return -1;
        w->cand[n++].plan_pos = pos;
    }
    int officers = s->types[c->type].officers;
    size_t take = dispatch_rank(s, w->tw, (uint32_t)c->node, officers, w->cand, n);
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
        const dispatch_cand *d = &w->cand[k];
        uint32_t ui = d->unit;
        unit_st *u = &w->u[ui];
        unit_rec *ur = &w->out->units[ui];
        /* A unit caught on its way home ends that leg where it is. */
        double covered;
        dispatch_cand here;
        if (model_position(w, ui, t_s, &here, &covered)) return -1;
        ur->travel_m += covered + d->offset_m;
        ur->calls++;
        u->busy_start_s = t_s;
        u->call = (int32_t)ci;
        if (model_set_state(w, ui, t_s, UNIT_ENROUTE) ||
            model_leg_start(w, ui, d->node, (uint32_t)c->node, t_s + d->offset_s) ||
            model_leg_path(w, ui))
            return -1;
        if (w->rec && replay_call_event(w->rec, ci, t_s, REPLAY_CALL_DISPATCHED, (int32_t)ui))
            return -1;
        if (k == 0) c->travel_m = d->offset_m + u->path_d[u->path_n - 1];
        if (model_push(w, t_s + d->travel_s, EV_ARRIVE, ui, u->epoch)) return -1;
    }
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

/* Offers the waiting calls, most urgent first, to the free units. */
static int model_serve_queue(model_ws *w, double t_s)
{
    const scenario *s = w->s;
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

static int model_on_arrive(model_ws *w, uint32_t ui, double t_s)
{
    unit_st *u = &w->u[ui];
    call_rec *c = &w->out->calls[u->call];
    u->at_node = (uint32_t)c->node;
    if (model_set_state(w, ui, t_s, UNIT_ONSCENE)) return -1;
    if (w->rec && replay_call_event(w->rec, (uint32_t)u->call, t_s, REPLAY_CALL_ARRIVED, (int32_t)ui))
        return -1;
    w->out->units[ui].travel_m += u->path_d[u->path_n - 1]; /* the leg ends complete */
    if (isnan(c->t_arrive_s)) {
        c->t_arrive_s = t_s;
        c->response_s = t_s - c->t_call_s;
        c->status = CALL_ANSWERED;
        return model_push(w, t_s + c->onscene_s, EV_CLEAR, (uint32_t)u->call, 0);
    }
    return 0;
}

static int model_on_clear(model_ws *w, uint32_t ci, double t_s)
{
    const scenario *s = w->s;
    w->out->calls[ci].t_clear_s = t_s;
    w->open_calls--;
    if (w->rec && replay_call_event(w->rec, ci, t_s, REPLAY_CALL_CLEARED, -1)) return -1;
    for (uint32_t ui = 0; ui < s->n_units; ui++) {
        unit_st *u = &w->u[ui];
        if (u->call != (int32_t)ci) continue;
        model_add_window(s, &w->out->units[ui].busy_s, u->busy_start_s, t_s);
        u->call = -1;
        if (model_head_home(w, ui, t_s)) return -1;
    }
    return model_serve_queue(w, t_s);
}

static int model_go_off(model_ws *w, uint32_t ui, double t_s)
{
    unit_st *u = &w->u[ui];
    unit_rec *ur = &w->out->units[ui];
    model_add_window(w->s, &ur->on_duty_s, u->work_start_s, t_s);
    if (u->going_off) model_add_window(w->s, &ur->overtime_s, u->shift_end_s, t_s);
    u->going_off = 0;
    return model_set_state(w, ui, t_s, UNIT_OFF);
}

static int model_on_home(model_ws *w, uint32_t ui, double t_s)
{
    unit_st *u = &w->u[ui];
    dispatch_cand here;
    double covered;
    if (model_position(w, ui, t_s, &here, &covered)) return -1;
    w->out->units[ui].travel_m += covered + here.offset_m;
    u->at_node = u->leg_to;
    u->epoch++;
    if (u->going_off) return model_go_off(w, ui, t_s);
    return model_set_state(w, ui, t_s, UNIT_AVAILABLE);
}

static int model_on_shift(model_ws *w, uint32_t ui, double t_s)
{
    const scen_unit *su = &w->s->units[ui];
    unit_st *u = &w->u[ui];
    u->on_shift = !u->on_shift;
    /* Boundaries alternate exactly; recomputing them from t would let rounding
     * put an event a hair before its own boundary. */
    u->next_shift_s = t_s + (u->on_shift ? su->shift_len_s : 86400.0 - su->shift_len_s);
    if (model_push(w, u->next_shift_s, EV_SHIFT, ui, 0)) return -1;
    if (u->on_shift) {
        if (u->state == UNIT_OFF) {
            u->at_node = w->s->stations[su->station].node;
            u->work_start_s = t_s;
            if (model_set_state(w, ui, t_s, UNIT_AVAILABLE)) return -1;
        } else if (u->going_off) {
            /* Still finishing the last shift's call: the overtime ends here. */
            model_add_window(w->s, &w->out->units[ui].overtime_s, u->shift_end_s, t_s);
            u->going_off = 0;
        }
        return model_serve_queue(w, t_s);
    }
    u->shift_end_s = t_s;
    if (u->state == UNIT_AVAILABLE) return model_go_off(w, ui, t_s);
    u->going_off = 1;
    return 0;
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
    w->next_call = ci + 1;
    if (w->next_call < w->out->n_calls)
        return model_push(w, w->out->calls[w->next_call].t_call_s, EV_CALL,
                          (uint32_t)w->next_call, 0);
    return 0;
}

/* ---- one replication ------------------------------------------------------- */

static int model_start(model_ws *w, rep_result *out)
{
    const scenario *s = w->s;
    if (!out->units) {
        out->units = calloc(s->n_units, sizeof *out->units);
        if (!out->units) return -1;
    }
    out->n_units = s->n_units;
    for (uint32_t ui = 0; ui < s->n_units; ui++) {
        const scen_unit *su = &s->units[ui];
        out->units[ui] = (unit_rec){.rep = out->rep, .unit = (int32_t)ui};
        unit_st *u = &w->u[ui];
        u->epoch = 0;
        u->call = -1;
        u->going_off = 0;
        u->on_shift = scen_unit_on_shift(s, su, 0.0);
        u->at_node = s->stations[su->station].node;
        u->work_start_s = 0;
        if (model_set_state(w, ui, 0.0, u->on_shift ? UNIT_AVAILABLE : UNIT_OFF) ||
            model_leg_start(w, ui, u->at_node, u->at_node, 0.0))
            return -1;
        if (su->shift_len_s < 86400.0) {
            u->next_shift_s = scen_unit_next_change_s(s, su, 0.0);
            if (model_push(w, u->next_shift_s, EV_SHIFT, ui, 0)) return -1;
        }
    }
    for (int p = 0; p < SCEN_MAX_PRIORITIES; p++) w->wait[p].n = 0;
    w->open_calls = 0;
    w->next_call = 0;
    if (out->n_calls) return model_push(w, out->calls[0].t_call_s, EV_CALL, 0, 0);
    return 0;
}

int model_run_rep(model_ws *w, uint32_t rep, rep_result *out)
{
    const scenario *s = w->s;
    out->rep = rep;
    out->events = 0;
    w->out = out;
    evq_clear(w->q);
    if (w->rec) replay_reset(w->rec, rep);
    if (calls_generate(s, rep, w->streams, out, &w->handling_s, &w->handling_cap)) return -1;
    if (model_start(w, out)) return -1;

    double t_end = s->horizon_s + s->drain_s, t_now = 0;
    evq_event e;
    while (evq_pop(w->q, &e)) {
        t_now = e.t_s;
        int done = w->open_calls == 0 && w->next_call >= out->n_calls;
        if (t_now > t_end || (t_now >= s->horizon_s && done)) break;
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
        case EV_HOME:
            if (e.arg == w->u[e.who].epoch) rc = model_on_home(w, e.who, t_now);
            break;
        }
        if (rc) return -1;
    }

    /* Close the books: working periods and calls still in progress. When every
     * call was done early the units were still on duty up to the horizon; the
     * window clips everything there. */
    t_now = fmax(t_now, s->horizon_s);
    for (uint32_t ui = 0; ui < s->n_units; ui++) {
        unit_st *u = &w->u[ui];
        unit_rec *ur = &out->units[ui];
        if (u->state != UNIT_OFF) model_add_window(s, &ur->on_duty_s, u->work_start_s, t_now);
        if (u->going_off) model_add_window(s, &ur->overtime_s, u->shift_end_s, t_now);
        if (u->call >= 0) model_add_window(s, &ur->busy_s, u->busy_start_s, t_now);
    }
    return 0;
}
