/* replay_h5.h - a replication's replay (replay.h) stored in and read back from a results file.
 *
 * `patrolsim run --replay REPS` records the chosen replications and stores each under
 * /replay/rep_<N>/ in the results file, as five tables (documented in results/README.md):
 *
 *   legs         unit, t0_s, first, n       one movement: points first .. first+n-1 below
 *   leg_points   node, t_s                  the nodes of every leg and the absolute time at each
 *   unit_states  unit, t_s, state, call     every change of a unit's state (names: attribute)
 *   call_events  call, t_s, what, unit      every event in a call's life (names: attribute)
 *   candidates   call, t_s, rank, unit, travel_s, sent   why a call got its units
 *
 * The group carries the attributes rep, state_names and call_event_names, so a reader never
 * needs the simulator's enums: a state the reader does not know still has a name. Nothing is
 * per frame; the viewer interpolates positions between the nodes of a leg.
 *
 * Writing goes in replication order with the rest of the replication (the writer calls it from
 * the thread that owns the results file); a group of the same replication left by an
 * interrupted run is replaced, so resuming a run never trips over it. Reading checks what it
 * reads (legs within leg_points, non-negative counts) and says what is wrong, naming the file
 * and the table; it never trusts the file enough to crash on it.
 *
 * Errors: negative H5X_ codes (h5.h) with the message in the file's error context
 * (h5_file_error); reading into a replay that fails leaves it empty but valid.
 */
#ifndef PATROLSIM_REPLAY_H5_H
#define PATROLSIM_REPLAY_H5_H

#include <stddef.h>
#include <stdint.h>

#include "h5.h"
#include "replay.h"

/* The name of unit state `state` (enum model_unit_state) as stored in the state_names
 * attribute: "off", "available", ... A number the model does not define gives NULL. */
const char *replay_h5_state_name(int state);

/* The name of call event `what` (enum replay_call_event): "received", "queued", ... or NULL. */
const char *replay_h5_call_event_name(int what);

/* Writes r as /replay/rep_<r->rep>/ (replacing an existing group of that name) and flushes. */
int replay_h5_write(h5_file *f, const replay *r);

/* The replications recorded in the file, ascending; *reps is malloc'd (free()), NULL and
 * *n = 0 when there is no /replay. */
int replay_h5_list(h5_file *f, uint32_t **reps, size_t *n);

/* Reads /replay/rep_<rep>/ into out (a recorder from replay_create; its contents are
 * replaced). H5X_ENOTFOUND when that replication was not recorded; H5X_ETYPE when a table is
 * inconsistent (a leg pointing past leg_points). */
int replay_h5_read(h5_file *f, uint32_t rep, replay *out);

/* Parses the argument of --replay: "none", or a comma-separated list of replication numbers
 * and ranges ("0", "0,3,7", "2-5"). *reps is malloc'd (free()), sorted, without duplicates;
 * "none" gives *n = 0. Returns 0, or -1 with a message in err naming the bad item. */
int replay_reps_parse(const char *arg, uint32_t **reps, size_t *n, char *err, size_t errlen);

#endif
