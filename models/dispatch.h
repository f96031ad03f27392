/* dispatch.h - the dispatch rule: which free units go to a call.
 *
 * The model (model.c) knows which units are free and where they are; this
 * module decides. A unit may answer a call when its kind is among the call
 * type's unit kinds and, under a response plan, when it is in the plan of the
 * call's zone. Among the units that may answer and are free (available at their
 * station, or heading back to it), the candidates are ranked:
 *
 *   - POLICY_NEAREST (default): by travel time to the call, ties by unit index;
 *   - POLICY_PLAN: in the order of the zone's plan, as dispatch centres do.
 *
 * Two limits narrow the candidates further: a unit holding a post may leave
 * only while fewer than the post's max_away of its units are away, and only
 * for calls within the post's radius ("checkpoint officers radiate around
 * them"); a unit with a travel limit (foot patrols: "within walking distance")
 * is dropped when its travel time exceeds it.
 *
 * Units are taken from the top of the ranking until their crews cover the
 * officers the call requires (at least one unit). The next-ranked unit after
 * them is the runner-up, recorded with each call so that a planner can see why
 * a unit was sent. Ties resolve by index, so the choice is deterministic.
 */
#ifndef PATROLSIM_DISPATCH_H
#define PATROLSIM_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

typedef struct dispatch_cand {
    uint32_t unit;     /* index into scenario units */
    uint32_t node;     /* node it can leave from: where it stands, or the next node of its path */
    double offset_s;   /* time to reach that node first (0 when standing at it) */
    double offset_m;   /* distance to reach that node first */
    double travel_s;   /* filled by dispatch_rank: offset_s + node -> call */
    int plan_pos;      /* position in the zone's plan (POLICY_PLAN), else 0 */
    int post;          /* the post it holds, or -1 */
    int leaves_post;   /* 1 when sending it takes one more unit away from its post */
} dispatch_cand;

/* Whether unit u may answer a call of type `type` in zone `zone`; when it may
 * and a plan applies, *plan_pos receives its position in the plan. */
bool dispatch_may_answer(const scenario *s, uint32_t u, int type, int zone, int *plan_pos);

/* Whether a unit of post p may leave for a call at call_node while `away` of
 * the post's units are away already. */
bool dispatch_post_allows(const scenario *s, int post, int away, uint32_t call_node);

/* Fills travel_s of the n candidates for a call at call_node, ranks them in
 * place under the scenario's policy, drops those beyond their travel limit
 * (the survivors are c[0..*n) afterwards), and returns how many of the first
 * to send (0 when none is left). post_away[p] is how many units of post p are
 * away already (NULL without posts): units are taken in rank order, skipping
 * any whose post would then have more away than it allows, and the ones taken
 * are moved to the front in rank order. */
size_t dispatch_rank(const scenario *s, travel_ws *w, uint32_t call_node, int officers,
                     const int *post_away, dispatch_cand *c, size_t *n);

#endif
