/* route.h - patrol routes: a closed tour of the road network and where a
 * patrolling unit is on it at any time.
 *
 * A route is built from waypoints (node indices): the fastest path by the
 * route's mode from each waypoint to the next, and, for a loop, from the last
 * back to the first; an out-and-back route goes to the last waypoint and
 * returns through the same waypoints in reverse order, each return leg being
 * the fastest path back (on two-way streets the way out reversed; where one-way
 * streets forbid that, the legal way back, which may differ). Consecutive equal
 * waypoints count once. The result is one cycle of nodes with the cumulative
 * time (at the mode's travel speed divided by the patrol's speed factor, since
 * patrols go slower than a unit answering a call) and distance at each.
 *
 * A patrolling unit's position is a function of its phase: the time since it
 * last stood at cycle position 0, modulo the cycle time. Nothing happens per
 * street corner; the model asks where a unit is only when it needs to know
 * (a dispatch decision, the end of a slot, a replay), and the passes over
 * nodes between two phases (check-in points, presence in grid cells) are
 * enumerated afterwards by route_passes.
 *
 * Routes are immutable once built and shared by all threads.
 */
#ifndef PATROLSIM_ROUTE_H
#define PATROLSIM_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "travel.h"

typedef struct route {
    char *name;          /* the caller's (heap, or NULL): route_build leaves it, route_fini frees */
    net_mode mode;
    int loop;            /* 1: closed loop through the waypoints; 0: out and back */
    double speed_factor; /* patrol speed / travel speed, (0, 1] */
    uint32_t *node;      /* [n] the cycle; node[0] is waypoint 0, the cycle returns to it */
    double *t_s;         /* [n + 1] cumulative patrol time; t_s[n] = cycle_s (back at node[0]) */
    double *d_m;         /* [n + 1] cumulative distance; d_m[n] = the cycle's length */
    size_t n;
    double cycle_s;      /* time for one cycle at patrol speed, > 0 (0: stands at one node) */
} route;

/* Builds r from waypoints wp[0..n_wp) (n_wp >= 2, or 1 for a route that stands
 * at one node, which has n = 1, cycle_s = 0 and is only valid as a post; so do
 * waypoints that are all the same node) using the travel model's paths. Sets
 * every field but name. Returns 0, or -1 when out of memory (r then holds no
 * memory; route_fini is still safe). */
int route_build(route *r, const travel *t, travel_ws *w, const net *g, net_mode mode, int loop,
                double speed_factor, const uint32_t *wp, size_t n_wp);
void route_fini(route *r); /* frees name and the arrays, leaves r zeroed; NULL is a no-op */

/* Where a unit with phase phase_s (any real; taken modulo cycle_s) is: on the
 * segment from node[*i] to node[(*i + 1) % n], at fraction *frac in [0, 1) of
 * it (0: standing on node[*i]). Also the next node it reaches and the patrol
 * time to get there. O(log n). A one-node route gives 0, 0, node[0], 0. */
void route_locate(const route *r, double phase_s, size_t *i, double *frac, uint32_t *next_node,
                  double *to_next_s);

/* The phase at which a unit stands at cycle position i (t_s[i]). */
double route_phase_at(const route *r, size_t i);

/* Calls fn(ctx, i, node[i], t) for every cycle position i the unit reaches
 * (passes or stands on) while its phase runs over [phase_a, phase_b), where t
 * = t0_s + (phase - phase_a) is the absolute time of the pass. Positions are
 * reported in time order; a long interval goes round the cycle several times.
 * The pass of cycle k at position i has phase k * cycle_s + t_s[i], computed
 * that way every time, so a pass exactly at phase_a is reported and one at
 * phase_b is not, and consecutive intervals [a, b), [b, c) report each pass
 * once. A one-node route reports one pass, at t0_s, for any non-empty interval.
 * O(log n + passes). */
void route_passes(const route *r, double phase_a, double phase_b, double t0_s,
                  void (*fn)(void *ctx, size_t i, uint32_t node, double t_s), void *ctx);

/* The cycle position nearest, by travel time from node `from` by the route's
 * mode: where a unit rejoins its route after a call. Ties go to the smallest
 * position. *travel_s (may be NULL) receives the time to get there at full
 * travel speed. With tables, n look-ups; without, one forward search that stops
 * when every route node is settled (one per 256 positions on longer routes). */
size_t route_rejoin(const route *r, const travel *t, travel_ws *w, uint32_t from,
                    double *travel_s);

#endif
