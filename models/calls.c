/* calls.c - generating a replication's calls. See calls.h for the contract. */
#include "calls.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

#include "rng.h"
#include "trace.h"

/* Grows *p (elements of size sz) to hold at least need; 0 or -1. */
static int calls_grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 1024;
    while (ncap < need) ncap *= 2;
    void *q = realloc(*p, ncap * sz);
    if (!q) return -1;
    *p = q;
    *cap = ncap;
    return 0;
}

/* The next arrival after t_s given an Exp(1) amount of integrated rate e:
 * walk hour by hour, spending e against rate x hour length. Returns INFINITY
 * past the horizon. Hours with rate 0 are skipped over. */
static double calls_next_arrival(const scenario *s, double t_s, double e)
{
    while (t_s < s->horizon_s) {
        double hour_end = (floor(t_s / 3600.0) + 1.0) * 3600.0;
        double rate = scen_call_rate(s, t_s);
        double mass = rate * (hour_end - t_s);
        if (rate > 0 && e <= mass) return t_s + e / rate;
        e -= mass;
        t_s = hour_end;
    }
    return INFINITY;
}

/* Picks index i of weights w[0..n) for uniform u in (0,1) by cumulative sum;
 * total is the sum of the weights. */
static size_t calls_pick(const double *w, size_t n, double total, double u)
{
    double x = u * total, acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc += w[i];
        if (x < acc && w[i] > 0) return i;
    }
    /* Rounding left x at the very top: the last source with weight. */
    for (size_t i = n; i-- > 0;)
        if (w[i] > 0) return i;
    return 0;
}

/* Sorts order[0..n) by (t_call_s, id): the order calls reach the command
 * centre. Incidents are generated in time order and report delays are short
 * beside the gaps between calls, so the ids are nearly sorted already and an
 * insertion sort does it in close to linear time (qsort would need the calls
 * through a global, and replications run on several threads). */
static void calls_sort_report(const call_rec *c, uint32_t *order, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = order[i];
        size_t j = i;
        while (j > 0 && (c[order[j - 1]].t_call_s > c[v].t_call_s ||
                         (c[order[j - 1]].t_call_s == c[v].t_call_s && order[j - 1] > v))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}

/* Fills call i of out, an incident of type k and priority prio at node at
 * time t (seconds), with onscene_s known (NaN: drawn), and its handling time. The
 * draws, whatever the call: one uniform from the on-scene stream (taken even
 * when the time is known, so that the streams stay aligned call for call),
 * three from the detection stream, one from the handling stream. */
static inline void calls_fill(const scenario *s, uint32_t rep, size_t i, double t, uint32_t node,
                              size_t k, int prio, double onscene_s,
                              gsl_rng *const streams[CALLS_STREAMS], rep_result *out,
                              double *handling_s, uint32_t *order)
{
    gsl_rng *onscene = streams[3], *handling = streams[4], *detection = streams[5];
    const scen_itype *it = &s->types[k];

    /* Reported by a citizen after a delay, or sooner by the command centre
     * when a camera covers the place and an operator notices. */
    double u_seen = rng_uniform_pos(detection), u_cam = rng_uniform_pos(detection);
    double delay = scen_dist_quantile(&s->report_delay, rng_uniform_pos(detection));
    int detected = 0;
    if (s->node_camera && s->node_camera[node] && u_seen < s->camera_detect_prob) {
        double cam = scen_dist_quantile(&s->camera_delay, u_cam);
        if (cam < delay) {
            delay = cam;
            detected = 1;
        }
    }
    double drawn = scen_dist_quantile(&it->onscene, rng_uniform_pos(onscene));

    call_rec *c = &out->calls[i];
    *c = (call_rec){
        .rep = rep, .id = (uint32_t)i, .type = (int32_t)k, .priority = prio,
        .zone = s->node_zone[node], .node = (int32_t)node, .status = CALL_UNANSWERED,
        .counted = t + delay >= s->warmup_s, .t_call_s = t + delay, .t_dispatch_s = NAN,
        .t_arrive_s = NAN, .t_clear_s = NAN, .wait_s = NAN, .travel_s = NAN,
        .travel_m = NAN, .response_s = NAN,
        .onscene_s = isnan(onscene_s) ? drawn : onscene_s,
        .target_s = scen_target_s(s, s->node_zone[node], prio),
        .unit = -1, .units_sent = 0, .officers_short = 0, .runner_up = -1,
        .runner_up_travel_s = NAN, .t_incident_s = t, .detected = detected,
        .response_incident_s = NAN,
    };
    handling_s[i] = scen_dist_quantile(&s->handling, rng_uniform_pos(handling));
    order[i] = (uint32_t)i;
}

/* A trace-driven replication (trace.h): the history's calls before the
 * horizon, in its order, with what it does not fix drawn by calls_fill. The
 * arrival, location and type streams are left alone. */
static int calls_replay(const scenario *s, uint32_t rep, gsl_rng *const streams[CALLS_STREAMS],
                        rep_result *out, double **handling_s, uint32_t **order, size_t *cap)
{
    const scen_trace *tr = s->trace;
    size_t n = tr->n_calls, cap_h = *cap, cap_o = *cap;
    if (calls_grow((void **)&out->calls, &out->cap_calls, n, sizeof *out->calls) ||
        calls_grow((void **)handling_s, &cap_h, n, sizeof **handling_s) ||
        calls_grow((void **)order, &cap_o, n, sizeof **order))
        return -1;
    *cap = cap_h;
    for (size_t i = 0; i < n; i++) {
        const trace_call *c = &tr->calls[i];
        calls_fill(s, rep, i, c->t_s, c->node, (size_t)c->type, c->priority, c->onscene_s,
                   streams, out, *handling_s, *order);
    }
    out->n_calls = n;
    calls_sort_report(out->calls, *order, n);
    return 0;
}

int calls_generate(const scenario *s, uint32_t rep, gsl_rng *const streams[CALLS_STREAMS],
                   rep_result *out, double **handling_s, uint32_t **order, size_t *cap)
{
    gsl_rng *arrival = streams[0], *location = streams[1], *type = streams[2],
            *onscene = streams[3], *handling = streams[4], *detection = streams[5];
    rng_stream_reset(arrival, s->seed, rep, SRC_ARRIVAL);
    rng_stream_reset(location, s->seed, rep, SRC_LOCATION);
    rng_stream_reset(type, s->seed, rep, SRC_TYPE);
    rng_stream_reset(onscene, s->seed, rep, SRC_ONSCENE);
    rng_stream_reset(handling, s->seed, rep, SRC_HANDLING);
    rng_stream_reset(detection, s->seed, rep, SRC_DETECTION);
    out->n_calls = 0;
    out->rep = rep;
    if (s->trace) return calls_replay(s, rep, streams, out, handling_s, order, cap);

    /* Location sources: zones then hotspots, one weight array. */
    size_t n_src = s->n_zones + s->n_hotspots;
    double src_w[n_src ? n_src : 1], src_total = 0;
    for (size_t z = 0; z < s->n_zones; z++) src_w[z] = s->zones[z].weight;
    for (size_t h = 0; h < s->n_hotspots; h++) src_w[s->n_zones + h] = s->hotspots[h].weight;
    for (size_t i = 0; i < n_src; i++) src_total += src_w[i];
    double type_w[s->n_types];
    for (size_t k = 0; k < s->n_types; k++) type_w[k] = s->types[k].share;

    double t = 0;
    for (;;) {
        t = calls_next_arrival(s, t, gsl_ran_exponential(arrival, 1.0));
        if (!(t < s->horizon_s)) break;
        size_t i = out->n_calls;
        size_t cap_h = *cap, cap_o = *cap;
        if (calls_grow((void **)&out->calls, &out->cap_calls, i + 1, sizeof *out->calls) ||
            calls_grow((void **)handling_s, &cap_h, i + 1, sizeof **handling_s) ||
            calls_grow((void **)order, &cap_o, i + 1, sizeof **order))
            return -1;
        *cap = cap_h;

        double u_src = rng_uniform_pos(location), u_node = rng_uniform_pos(location);
        size_t src = calls_pick(src_w, n_src, src_total, u_src);
        const uint32_t *nodes;
        size_t n_nodes;
        if (src < s->n_zones) {
            nodes = s->zones[src].nodes;
            n_nodes = s->zones[src].n_nodes;
        } else {
            nodes = s->hotspots[src - s->n_zones].nodes;
            n_nodes = s->hotspots[src - s->n_zones].n_nodes;
        }
        size_t pick = (size_t)(u_node * (double)n_nodes);
        uint32_t node = nodes[pick < n_nodes ? pick : n_nodes - 1];

        size_t k = calls_pick(type_w, s->n_types, 1.0, rng_uniform_pos(type));

        calls_fill(s, rep, i, t, node, k, s->types[k].priority, NAN, streams, out, *handling_s,
                   *order);
        out->n_calls = i + 1;
    }
    calls_sort_report(out->calls, *order, out->n_calls);
    return 0;
}
