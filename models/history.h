/* history.h - a history of past calls for service, read from CSV.
 *
 * A call history is what a dispatch system exports: one row per call with its
 * time, place, type, priority and, when known, the time officers spent on
 * scene. The format (documented in scenarios/README.md, "Call history files"):
 *
 *     # comments and blank lines are ignored
 *     time,lon,lat,type,priority,onscene_min
 *     2016-03-01T08:15:00,104.7712,29.3520,dispute,2,35
 *     2016-03-01 08:40,104.7790,29.3478,theft_report,3,
 *
 * The header names the columns, in any order, case-insensitively: `time` and
 * `type` are required, and a position as `node` (a node id of the network),
 * `x_m` and `y_m` (metres, as in the network file) or `lon` and `lat` (WGS84
 * degrees; the network needs an origin record, see geo.h). `priority` (1-5)
 * and `onscene_min` (minutes, > 0; empty: unknown) are optional. Other columns
 * are ignored and listed in history.ignored. When a row gives several
 * positions, node wins over x/y, and x/y over lon/lat. Fields follow RFC 4180:
 * quoted fields may hold commas, doubled quotes and line breaks.
 *
 * Times are ISO 8601 local times (`2016-03-01T08:15:00`, `2016-03-01 08:15`,
 * seconds and fractions optional, no time-zone offset: the history is in the
 * district's civil time) or plain numbers of seconds; one file uses one kind.
 * Day 0 is the date of the earliest call (ISO) or the day that starts at second
 * 0; history.t_s counts from its midnight, and history.start_weekday says which
 * weekday it is (from the date, or history_opts.start_weekday for seconds).
 *
 * Positions are snapped to the nearest network node (snap.h); one farther than
 * history_opts.max_snap_m is an error, since it means a wrong map or wrong
 * coordinates, not a call to move quietly. Without a network (g NULL) positions
 * are only checked for form and node is -1.
 *
 * Every bad row is reported, compiler-style, as "file:line: column: what"
 * (the line where the row starts), up to history_opts.max_errors; a file with
 * any error gives NULL. Calls come out sorted by time, ties in file order.
 *
 * For a replication (a trace-driven run), a call is: t_s, node, type (an index
 * into the type names the caller passed, e.g. the scenario's incident types),
 * priority (0: not given, use the type's), onscene_s (NaN: not given, draw it).
 */
#ifndef PATROLSIM_HISTORY_H
#define PATROLSIM_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "net.h"

typedef struct history_call {
    double t_s;       /* seconds from 00:00 of day 0 */
    int32_t node;     /* dense node index; -1 without a network */
    int32_t type;     /* index into history.type_names */
    int priority;     /* 1..5; 0 when the row gives none */
    double onscene_s; /* time on scene in seconds; NaN when unknown */
    double snap_m;    /* distance from the given position to the node; NaN without one */
    int line;         /* where the row starts in the file */
} history_call;

typedef struct history_opts {
    const char *const *type_names; /* the allowed types (borrowed); NULL: any, in order of
                                    * first appearance */
    size_t n_types;
    double max_snap_m; /* a position farther from every node is an error (250) */
    int start_weekday; /* weekday of day 0 when times are seconds, 0 = Monday (0) */
    double days;       /* length of the history in days; 0: from the calls */
    size_t max_errors; /* stop reporting after this many (100) */
} history_opts;

typedef struct history {
    char *path;
    history_call *calls; /* [n_calls], by time */
    size_t n_calls;
    char **type_names; /* [n_types]: the caller's, copied, or those of the file */
    size_t n_types;
    bool iso_times;                      /* times were dates (else seconds) */
    int day0_year, day0_month, day0_day; /* the date of day 0 when iso_times */
    int start_weekday;                   /* weekday of day 0, 0 = Monday */
    double days;                    /* whole days covered: opts.days, or day 0 to the last call */
    char *ignored;                  /* the header's ignored columns, comma-separated, or "" */
    bool has_priority, has_onscene; /* the columns were present */
} history;

/* Fills the defaults shown above. */
void history_opts_init(history_opts *o);

/* Reads path; g (borrowed, may be NULL) places the calls. NULL on any error,
 * with every problem in d. Free with history_destroy. */
history *history_load(const char *path, const net *g, const history_opts *o, diag *d);
void history_destroy(history *h); /* NULL is a no-op */

/* Weekday (0 = Monday) of a Gregorian date; days_from_civil of 1970-01-01 is 0. */
int history_weekday(int year, int month, int day);

#endif
