/* trace.h - trace-driven runs: a call history replayed call for call.
 *
 * A scenario with an `incidents` group (scenarios/README.md, "Replaying a call
 * history") takes its calls from a history file (history.h) instead of the
 * generator: each call's incident time, node, type, priority (the row's, else
 * the type's) and on-scene time (the row's when known, else drawn from the
 * type's distribution) come from the file. What the history does not hold is
 * still drawn per replication from the usual streams, with the generator's
 * discipline (calls.h): one uniform per call from the on-scene stream (used
 * only when the row gives no on-scene time, but always taken, so that the
 * draws stay aligned call for call), one from the handling stream, three from
 * the detection stream. Replications of a trace-driven run therefore differ
 * only in those draws, and a 95% CI across them is "over those draws", not
 * over the history's own randomness (one history is one sample of demand).
 * Two scenarios that replay the same history under the same seed face the
 * same incidents, call for call, whatever their deployments.
 *
 * The loader (read_incidents, scen_loader.h) decides the run's calendar:
 *   - the horizon is the history's length in whole days unless
 *     run.horizon_days is given; then calls at or after it are dropped (and
 *     counted in n_dropped, which `patrolsim check` reports);
 *   - with dates in the history, its first day's weekday is day 0's: a
 *     run.start_weekday that disagrees is an error naming both; with times in
 *     seconds, run.start_weekday says what day 0 is;
 *   - the call model's generator settings (calls.per_day, hourly, weekly, zone
 *     and hotspot weights, type shares) generate nothing; they stay in the
 *     scenario, and calls.hourly still places flexible patrol slots.
 *
 * The scenario owns its scen_trace; the calls are read-only during the run.
 */
#ifndef PATROLSIM_TRACE_H
#define PATROLSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

/* One call to replay. */
typedef struct trace_call {
    double t_s;       /* incident time, seconds from 00:00 of day 0 */
    uint32_t node;    /* dense node index */
    int32_t type;     /* index into scenario types */
    int32_t priority; /* the row's, else the type's */
    double onscene_s; /* the row's on-scene time; NaN: drawn per replication */
} trace_call;

struct scen_trace {
    char *path;        /* the history file, resolved against the scenario's folder */
    trace_call *calls; /* [n_calls] the calls before the horizon, by time, ties in
                        * file order */
    size_t n_calls;
    size_t n_rows;           /* calls in the file */
    size_t n_dropped;        /* calls at or after run.horizon_days (not replayed) */
    size_t n_onscene_known;  /* of n_calls, those whose on-scene time the file gives */
    size_t n_priority_given; /* of n_calls, those whose priority the file gives */
    double days;             /* the history's whole days, day 0 to its last call */
    bool horizon_given;      /* run.horizon_days set the horizon (else: days) */
    bool iso_times;          /* the file's times are dates */
    int day0_year, day0_month, day0_day;
    double max_snap_m;              /* the limit the positions were snapped under */
    double snap_mean_m, snap_max_m; /* over the positions given as coordinates; NaN: none */
};

void trace_destroy(scen_trace *t); /* NULL is a no-op */

/* Calls a day of type k over the replayed period (the horizon, or the history
 * when it is shorter): what `check` and the offered load use in trace mode. */
double trace_type_per_day(const scenario *s, size_t k);

/* Mean calls in hour h (0-23) of weekday wd (0 = Monday) over the replayed
 * period: the busiest-hour estimate in trace mode. */
double trace_calls_in_hour(const scenario *s, int wd, int h);

/* The "Calls" part of `patrolsim check` for a trace-driven scenario: the
 * history, its calendar, what was dropped, the calls per day by priority and
 * per replication, what the history fixes and what is drawn, and which
 * settings are unused. */
void trace_print_check(const scenario *s, FILE *out);

#endif
