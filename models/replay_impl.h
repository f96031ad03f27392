/* replay_impl.h - the recorder's contents, for the code that stores them
 * (the results writer) and for tests. Everything else uses replay.h only. */
#ifndef PATROLSIM_REPLAY_IMPL_H
#define PATROLSIM_REPLAY_IMPL_H

#include "replay.h"

typedef struct replay_leg_rec {
    uint32_t unit;
    double t0_s;       /* start of the leg */
    uint64_t first;    /* index of its first point in leg_node / leg_t */
    uint32_t n;        /* points (nodes) in the leg; 1 is standing still */
} replay_leg_rec;

typedef struct replay_state_rec {
    uint32_t unit;
    double t_s;
    int32_t state;     /* enum model_unit_state */
    int32_t call;      /* -1 none */
} replay_state_rec;

typedef struct replay_call_rec {
    uint32_t call;
    double t_s;
    int32_t what;      /* enum replay_call_event */
    int32_t unit;      /* -1 none */
} replay_call_rec;

typedef struct replay_cand_rec {
    uint32_t call;
    double t_s;        /* when the decision was taken */
    int32_t rank;      /* 0 = best */
    uint32_t unit;
    double travel_s;   /* its travel time to the call */
    int32_t sent;      /* 1 when it was among the units sent */
} replay_cand_rec;

struct replay {
    uint32_t rep;
    replay_leg_rec *legs;         size_t n_legs, cap_legs;
    uint32_t *leg_node;           size_t n_leg_points, cap_leg_points;
    double *leg_t;                size_t cap_leg_points_t;  /* absolute time at each point */
    replay_state_rec *states;     size_t n_states, cap_states;
    replay_call_rec *call_events; size_t n_call_events, cap_call_events;
    replay_cand_rec *cands;       size_t n_cands, cap_cands;
};

#endif
