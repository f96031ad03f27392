/* report.h - the summary of a run: the table planners read, and the same figures as JSON.
 *
 * Input is the /summary matrix: n_reps rows of m->n figures (metrics.h), one row per
 * replication, as metrics_compute fills them or results_read_summary reads them back. Every
 * figure shown is the mean of that column across replications with its Student-t 95%
 * confidence interval (stats_ci95); figures a replication could not compute (NaN: no answered
 * call of that priority) are left out, and a cell that rests on fewer replications than the
 * run has says on how many. Columns the table does not know are still in the JSON.
 *
 * The text table shows times in minutes (planners speak of an "8-minute response", and a
 * confidence half-width in m:ss would read as a time of day), distances in km, fractions in
 * percent and overtime in hours; each heading says its unit. The JSON keeps the file's units
 * (seconds, metres, fractions). Both print nothing but the report and never fail on figures:
 * NaN prints as "-" in the table and null in JSON.
 */
#ifndef PATROLSIM_REPORT_H
#define PATROLSIM_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics.h"
#include "paired.h"
#include "stats.h"

/* Ordinary calls during major incidents vs outside, by area (/major_area_reps, metrics.h):
 * per area (the district, each zone kind, each zone) the mean response during and outside
 * with their 95% CIs across the replications that had a major incident, and the difference
 * during - outside with its paired CI (both come from the same replication, so they are
 * paired; a replication without an answered call in that area during the incident drops out
 * of that area's difference, and n says how many remain). Everything is borrowed. */
typedef struct report_major_area {
    const major_area_rec *rows;
    size_t n_rows;
    const char *const *zone_names; /* [n_zones], indexed by a zone row's area */
    size_t n_zones;
    const char *const *kind_names; /* [n_kinds] */
    size_t n_kinds;
    size_t max_zones;              /* table: the zones with the largest differences; 0: all */
} report_major_area;

/* What the header says about the run. Strings are borrowed; NULL is shown as "?". */
typedef struct report_info {
    const char *scenario;          /* scenario name */
    const char *source;            /* the results file, or NULL (not shown) */
    uint64_t seed;
    size_t replications_planned;   /* 0: unknown; more than n_reps: the run is incomplete */
    const report_major_area *major_area; /* shown in the major-incident section; NULL: none */
} report_info;

/* The summary table. rows is [n_reps * m->n], row-major. Returns 0, or -1 when writing to out
 * failed (ferror). */
int report_print(FILE *out, const report_info *info, const metrics *m, const double *rows,
                 size_t n_reps);

/* Shorthand for report_print with just a title and a seed (what `patrolsim run` knows). */
int report_print_table(FILE *out, const char *title, uint64_t seed, const metrics *m,
                       const double *rows, size_t n_reps);

/* The same figures as one JSON object (keys in results/README.md), followed by a newline:
 *   {"layout_version":1,"scenario":"...","seed":N,"replications":n,
 *    "replications_planned":n,"figures":{"<column>":{"mean":x,"ci95_low":x,"ci95_high":x,
 *    "half_width":x,"n":k,"unit":"s"},...}}
 * for every column but rep, in column order; NaN and undefined values are null. With
 * info->major_area, a key "major_area" follows "figures" with every area (results/README.md).
 * 0 or -1. */
int report_print_json(FILE *out, const report_info *info, const metrics *m, const double *rows,
                      size_t n_reps);

/* ---- Comparisons and sweeps ------------------------------------------------------------ */

/* One figure of `patrolsim compare`: each run on its own over the pairs, and the paired
 * difference B - A (paired.h). name and unit are borrowed. */
typedef struct report_cmp_row {
    const char *name; /* the /summary column */
    const char *unit; /* its unit in the file: "s", "m", "1", "count" */
    stats_ci a, b;
    paired_cmp d;
} report_cmp_row;

/* The table of a comparison: per figure, A and B with their CIs, B - A with its paired CI, the
 * p-value, whether it is significant and the variance reduction against independent runs.
 * Units as in the summary table (minutes, km, percent). 0 or -1 on a write error. */
int report_print_compare(FILE *out, const report_cmp_row *rows, size_t n);

/* The same rows as the "figures" object of `compare --json` (keys in docs/experiments.md):
 *   "<column>":{"unit":"s","n":k,"a":x,"a_half_width":x,"b":x,"b_half_width":x,"diff":x,
 *   "ci95_low":x,"ci95_high":x,"half_width":x,"p_value":x,"significant":true,
 *   "var_ratio":x,"variance_reduction":x,"corr":x}
 * without the braces around the object. */
void report_print_compare_json(FILE *out, const report_cmp_row *rows, size_t n);

/* JSON helpers for commands that build their own objects: a string (escaped, quoted) and a
 * number (fewest digits that read back; null for NaN and infinities). */
void report_json_string(FILE *out, const char *s);
void report_json_number(FILE *out, double v);

/* One variant of `patrolsim sweep`: its /summary rows. Borrowed. */
typedef struct report_variant {
    const char *name;
    const metrics *m;
    const double *rows;
    size_t n_reps;
} report_variant;

/* The table of a sweep: per variant, the key figures (mean, p90 and within-target response
 * overall and for priority 1, utilisation) with their CIs, and the paired difference in mean
 * response time against the first variant (variants share the seed, so they are paired
 * replication by replication). 0 or -1. */
int report_print_sweep(FILE *out, const report_variant *v, size_t n);

#endif
