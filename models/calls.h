/* calls.h - the calls for service of one replication, drawn before the run.
 *
 * Common random numbers by construction: the whole call list of a replication
 * is generated up front from its own streams (arrival, location, type, on-scene
 * and handling, see model.h), and nothing the deployment does touches those
 * streams. Each call takes exactly one exponential from the arrival stream, two
 * uniforms from the location stream and one uniform from each of the others,
 * whatever its type, so two scenarios with the same call model face the very
 * same calls, call for call.
 *
 * Arrivals are a non-homogeneous Poisson process with a rate that is constant
 * within each hour (calls_per_day x hourly[h] x weekly[d]); it is simulated
 * exactly by inverting the integrated rate, with no thinning. Locations: a
 * source is drawn by weight among the zones and the hotspots, then a node
 * uniformly among its nodes.
 *
 * A trace-driven scenario (s->trace, trace.h) replays a history instead: the
 * incident times, places and types, and the priorities and on-scene times the
 * history gives, are the same in every replication; the arrival, location and
 * type streams go unused, and the on-scene, handling and detection streams are
 * drawn with the same discipline as above (one on-scene uniform per call even
 * when the history gives the time), so replications differ only by those.
 */
#ifndef PATROLSIM_CALLS_H
#define PATROLSIM_CALLS_H

#include <gsl/gsl_rng.h>

#include "model.h"
#include "scenario.h"

enum { CALLS_STREAMS = 6 }; /* arrival, location, type, on-scene, handling, detection */

/* Replaces out->calls with the incidents of replication rep, happening in
 * [0, s->horizon_s), in order of occurrence (id), with id, type, priority,
 * zone, node, t_incident_s, t_call_s (the report: after a camera's or a
 * citizen's delay), detected, onscene_s and target_s filled and everything else
 * reset (times NaN, units -1). handling_s receives each call's call-taking
 * time; order the call ids by (t_call_s, id), the order they reach the command
 * centre. Both are grown as needed, like out->calls. streams are
 * CALLS_STREAMS generators made by rng_stream_create, reset here. Returns 0, or
 * -1 when out of memory. */
int calls_generate(const scenario *s, uint32_t rep, gsl_rng *const streams[CALLS_STREAMS],
                   rep_result *out, double **handling_s, uint32_t **order, size_t *cap);

#endif
