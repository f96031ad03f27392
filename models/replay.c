/* replay.c - the in-memory recorder behind replay.h: growable arrays of legs,
 * state changes, call events and dispatch candidates, in the order they
 * happened. The results writer turns them into the /replay tables. */
#include "replay_impl.h"

#include <stdlib.h>
#include <string.h>

/* Grows an array of elements of size sz to hold need; 0 or -1. */
static int replay_grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 256;
    while (ncap < need) ncap *= 2;
    void *q = realloc(*p, ncap * sz);
    if (!q) return -1;
    *p = q;
    *cap = ncap;
    return 0;
}

replay *replay_create(void)
{
    return calloc(1, sizeof(replay));
}

void replay_destroy(replay *r)
{
    if (!r) return;
    free(r->legs);
    free(r->leg_node);
    free(r->leg_t);
    free(r->states);
    free(r->call_events);
    free(r->cands);
    free(r);
}

void replay_reset(replay *r, uint32_t rep)
{
    r->rep = rep;
    r->n_legs = r->n_leg_points = r->n_states = r->n_call_events = r->n_cands = 0;
}

int replay_leg(replay *r, uint32_t unit, double t0_s, const uint32_t *nodes, const double *t_s,
               size_t n)
{
    if (replay_grow((void **)&r->legs, &r->cap_legs, r->n_legs + 1, sizeof *r->legs) ||
        replay_grow((void **)&r->leg_node, &r->cap_leg_points, r->n_leg_points + n,
                    sizeof *r->leg_node))
        return -1;
    size_t cap = r->cap_leg_points_t;
    if (replay_grow((void **)&r->leg_t, &cap, r->n_leg_points + n, sizeof *r->leg_t)) return -1;
    r->cap_leg_points_t = cap;
    r->legs[r->n_legs++] = (replay_leg_rec){
        .unit = unit, .t0_s = t0_s, .first = r->n_leg_points, .n = (uint32_t)n};
    memcpy(r->leg_node + r->n_leg_points, nodes, n * sizeof *nodes);
    for (size_t k = 0; k < n; k++) r->leg_t[r->n_leg_points + k] = t0_s + t_s[k];
    r->n_leg_points += n;
    return 0;
}

int replay_unit_state(replay *r, uint32_t unit, double t_s, int state, int32_t call)
{
    if (replay_grow((void **)&r->states, &r->cap_states, r->n_states + 1, sizeof *r->states))
        return -1;
    r->states[r->n_states++] =
        (replay_state_rec){.unit = unit, .t_s = t_s, .state = state, .call = call};
    return 0;
}

int replay_call_event(replay *r, uint32_t call, double t_s, int what, int32_t unit)
{
    if (replay_grow((void **)&r->call_events, &r->cap_call_events, r->n_call_events + 1,
                    sizeof *r->call_events))
        return -1;
    r->call_events[r->n_call_events++] =
        (replay_call_rec){.call = call, .t_s = t_s, .what = what, .unit = unit};
    return 0;
}

int replay_candidates(replay *r, uint32_t call, double t_s, const uint32_t *units,
                      const double *travel_s, size_t n, size_t taken)
{
    if (replay_grow((void **)&r->cands, &r->cap_cands, r->n_cands + n, sizeof *r->cands))
        return -1;
    for (size_t k = 0; k < n; k++)
        r->cands[r->n_cands++] = (replay_cand_rec){.call = call, .t_s = t_s, .rank = (int32_t)k,
                                                   .unit = units[k], .travel_s = travel_s[k],
                                                   .sent = k < taken};
    return 0;
}
