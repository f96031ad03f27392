/* metrics.h - the figures of one replication: the columns of /summary.
 *
 * Each replication reduces its calls and units to one row of figures; the
 * run's summary is the mean of each column across replications with its 95%
 * confidence interval (stats.h). The set of columns depends only on the number
 * of priorities, so a results file carries everything needed to rebuild the
 * table, and two files with the same priorities can be compared column by
 * column.
 *
 * Columns, in order (P = number of priorities):
 *   rep                         replication index
 *   calls, counted, answered, diverted, unanswered     counts (counted = after warm-up)
 *   response_mean_s, response_p50_s, response_p90_s, response_p95_s
 *   within_target               fraction of answered counted calls reached within target
 *   wait_mean_s                 queue wait (no unit free), mean over answered
 *   travel_mean_s, travel_mean_m
 *   utilisation                 busy time / on-duty time over all units
 *   overtime_s                  total over all units
 *   response_incident_mean_s    from the incident itself (before it was reported)
 *   camera_detected             fraction of counted calls reported through a camera
 *   patrol_share                patrolling time / on-duty time over all units
 *   post_gap                    time posts stood empty / time they were staffed
 *   presence_mean               mean over grid cells of the presence fraction
 *   checkin_completion          mean over community lines of check-in completion
 *   unstable                    1 when the replication was stopped as unstable (model.h)
 *   major_tier1_s .. major_tier4_s   the first major incident (not a public event): time from its start to the
 *                               cumulative strength of reserve tiers 1..k on scene (NaN: never)
 *   major_full_s                ... to the officers it needs; major_pool_officers: off-duty sent
 *   calls_during_major          counted calls received while a major incident was on
 *   response_during_major_s, response_outside_major_s   their mean response, and the others'
 *                               (all NaN in a replication without major incidents)
 *   then for each priority k = 1..P:
 *   pk_calls, pk_response_mean_s, pk_response_p50_s, pk_response_p90_s,
 *   pk_response_p95_s, pk_within_target, pk_wait_mean_s
 * Response figures are over answered, counted calls; a priority without such
 * calls in a replication gets NaN (the CI then says on how many replications
 * it rests). Diverted calls are counted apart, never as response times.
 */
#ifndef PATROLSIM_METRICS_H
#define PATROLSIM_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef enum metric_type {
    METRIC_INDEX,    /* rep: stored as an unsigned integer */
    METRIC_COUNT,    /* stored as a 64-bit integer */
    METRIC_REAL      /* stored as a double */
} metric_type;

typedef struct metric_def {
    char name[40];     /* column name, with its unit suffix (_s, _m) */
    metric_type type;
    const char *unit;  /* "s", "m", "1" (fraction), "count", "index": the HDF5 attribute */
    int priority;      /* 0: all calls; k: priority k only */
} metric_def;

typedef struct metrics {
    metric_def *defs;
    size_t n;
    int n_priorities;
} metrics;

/* Builds the column list for n_priorities (1..SCEN_MAX_PRIORITIES). 0 or -1. */
int metrics_init(metrics *m, int n_priorities);
void metrics_fini(metrics *m);

/* Index of a column by name, or -1. */
int metrics_find(const metrics *m, const char *name);

/* Reduces one replication to its row: out[m->n], every value as a double.
 * Uses a scratch buffer it allocates and frees; -1 when out of memory. */
int metrics_compute(const metrics *m, const scenario *s, const rep_result *r, double *out);

/* ---- Ordinary calls during major incidents, by area (/major_area_reps) ----------------------
 *
 * The /summary columns calls_during_major and response_*_major_s split one replication's
 * counted calls into those received while a major incident was on (any incident that is not a
 * planned public event, between its t_start_s and t_end_s) and the others. These rows make
 * the same split per area: one row for the whole district, one per zone kind (urban,
 * township, ...) and one per zone, each with its calls, answered calls, mean response and the
 * share of priority-1 calls reached within target, during and outside. A call outside every
 * zone counts only in the district row. A replication without a major incident has no rows
 * (it has no "during"); one with an incident gives 1 + n_zone_kinds + n_zones rows, district
 * first, then kinds, then zones, each in scenario order. Calls during a public event count
 * as outside (a public event is planned; the question is what an emergency costs). */
enum metrics_area_kind {
    AREA_DISTRICT = 0,  /* area is 0 */
    AREA_ZONE_KIND = 1, /* area indexes scenario zone_kinds */
    AREA_ZONE = 2       /* area indexes scenario zones (/zones) */
};

typedef struct major_area_rec {
    uint32_t rep;
    int32_t area_kind;          /* enum metrics_area_kind */
    int32_t area;               /* index within its kind */
    int32_t calls_during;       /* counted calls received during a major incident */
    int32_t n_during;           /* of which answered: the means below are over these */
    int32_t p1_during;          /* of which priority 1 */
    int32_t calls_outside, n_outside, p1_outside; /* the same for the other counted calls */
    double response_during_s;   /* mean response of the n_during; NaN when 0 */
    double p1_within_during;    /* share of the p1_during reached within target; NaN when 0 */
    double response_outside_s;
    double p1_within_outside;
} major_area_rec;

/* Rows a replication with a major incident gives: 1 + n_zone_kinds + n_zones. */
size_t metrics_major_area_rows(const scenario *s);

/* Fills out[metrics_major_area_rows(s)] for replication r and returns the rows written: 0
 * when r has no major incident (public events do not count). Never allocates. */
size_t metrics_major_area(const scenario *s, const rep_result *r, major_area_rec *out);

#endif
