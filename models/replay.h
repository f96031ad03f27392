/* replay.h - what the viewer needs of a replication, recorded while it runs.
 *
 * patrolview replays a run from its results file. Nothing is stored per frame:
 * a unit's movements are legs (start time, the nodes of its path and the
 * cumulative time at each), its state changes are events, and each call's
 * life is a handful of events; the viewer interpolates positions between
 * nodes. A unit's position at time t is given by the latest leg that started
 * at or before t: a leg that a new one overtakes (a unit sent elsewhere on its
 * way home) simply stops mattering at the new leg's start, which is where the
 * unit reached the node the new leg leaves from.
 *
 * The model calls these functions only for the replications chosen with
 * `patrolsim run --replay`; every other replication pays one NULL test per
 * event. A recorder belongs to one replication at a time (one thread); the
 * results writer stores it under /replay (see results/README.md).
 */
#ifndef PATROLSIM_REPLAY_H
#define PATROLSIM_REPLAY_H

#include <stddef.h>
#include <stdint.h>

typedef struct replay replay;

/* Events in a call's life, in the order they can happen. */
enum replay_call_event {
    REPLAY_CALL_RECEIVED = 0, /* the call reached the command centre */
    REPLAY_CALL_QUEUED = 1,   /* no unit could go: waiting */
    REPLAY_CALL_DISPATCHED = 2, /* a unit was assigned (one event per unit sent) */
    REPLAY_CALL_ARRIVED = 3,  /* a unit reached the scene (one event per unit) */
    REPLAY_CALL_CLEARED = 4,  /* the call was finished, its units released */
    REPLAY_CALL_DIVERTED = 5, /* no unit free and the scenario diverts: lost */
};

replay *replay_create(void);       /* NULL when out of memory */
void replay_destroy(replay *r);    /* NULL is a no-op */
void replay_reset(replay *r, uint32_t rep); /* empties it for replication rep, keeps memory */

/* A movement of unit `unit` starting at t0_s through nodes[0..n) (node indices),
 * reaching nodes[k] at t0_s + t_s[k] (t_s[0] = 0). n == 1 is standing still. */
int replay_leg(replay *r, uint32_t unit, double t0_s, const uint32_t *nodes, const double *t_s,
               size_t n);

/* Unit `unit` entered `state` (enum model_unit_state, model.h) at t_s; call is
 * the call it serves, or -1. */
int replay_unit_state(replay *r, uint32_t unit, double t_s, int state, int32_t call);

/* Call `call` had event `what` (enum replay_call_event) at t_s, involving
 * `unit` (or -1). */
int replay_call_event(replay *r, uint32_t call, double t_s, int what, int32_t unit);

/* Why a call got its units: the candidates considered at the decision at t_s,
 * in ranked order, with their travel times; the first `taken` were sent. */
int replay_candidates(replay *r, uint32_t call, double t_s, const uint32_t *units,
                      const double *travel_s, size_t n, size_t taken);

#endif
