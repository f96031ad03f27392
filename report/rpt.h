/* rpt.h - `patrolsim report`: charts and one page for planners, from results files.
 *
 * rpt_write reads one or more results files (rdata.h) and writes into a folder:
 *     cdf.png/.svg          response-time distribution per priority, one line per file, the
 *                           targets marked, the fraction within target with its 95% CI
 *     hourly.png/.svg/.csv  response time (mean and 90th percentile, 95% CI bands across
 *                           replications) and calls per hour, by hour of day
 *     map-<k>.png/.svg/.csv mean response time on a grid of cells over the district, roads by
 *                           class, stations and posts, the city enlarged; k-th file (1-based)
 *     util.png/.svg/.csv    share of on-duty time by unit kind and state (stacked bars)
 *     major.png/.svg/.csv   for files with major incidents (/major_reps, /major_curve):
 *                           officers on scene over time with 95% CI bands, and the time to
 *                           each reserve tier's strength
 *     compare.png/.svg      with two files or more: mean response time and fraction within
 *                           target per file with 95% CIs, against the varied setting when
 *                           the files differ in one numeric override (a sweep), and the
 *                           paired differences from the first when they share the seed
 *     summary.csv           every /summary figure of every file, mean and 95% CI
 *     index.html            the charts with captions and the summary figures, one page that
 *                           needs nothing but the folder (no network, inline style, relative
 *                           links)
 * Charts that have nothing to show (no major incident in the files, a comparison of one
 * file) are replaced on the page by a sentence saying why. The CSV files
 * hold the figures behind the charts in the results file's units (seconds, fractions).
 * The output depends only on the input files and options (no dates).
 *
 * The same file colour is used for file k in every chart (chart_palette(k)).
 */
#ifndef PATROLSIM_RPT_H
#define PATROLSIM_RPT_H

#include <stddef.h>
#include <stdio.h>

#include "chart.h"
#include "rdata.h"

enum rpt_status {
    RPT_OK = 0,
    RPT_EINPUT = -1,  /* a results file is missing, unreadable or not a patrolsim file */
    RPT_EOUTPUT = -2, /* the folder or a file in it cannot be made or written */
    RPT_ENOMEM = -3,
    RPT_EUSAGE = -4 /* bad options (no files, a cell size that is not positive) */
};

typedef struct rpt_opts {
    const char *out_dir; /* created if missing (one level) */
    double cell_m;       /* side of a map cell; 500 is a few city blocks */
} rpt_opts;

/* Writes the report of paths[0..n) into o->out_dir and, if info is not NULL, one line per file
 * written to it. Returns an RPT_ code with the message in err (naming the file). */
int rpt_write(const char *const *paths, size_t n, const rpt_opts *o, FILE *info, char *err,
              size_t errlen);

/* ---- The charts, for rpt_write and the tests ------------------------------------------------ */

typedef struct rpt_set {
    rdata *files;
    size_t n;
    char **labels; /* [n] what each file is called (rpt_labels), unique */
} rpt_set;

/* Fills s->labels from the files: the scenario name, and with several files the --set
 * overrides that not all of them share ("name: a=1, b=2"); files that would still share a
 * label get their file name added. 0 or RPT_ENOMEM. */
int rpt_labels(rpt_set *s);

chart *rpt_chart_cdf(const rpt_set *s);
chart *rpt_chart_hourly(const rpt_set *s, const rdata_hourly *h);
/* The map of file k; cells coloured on a scale from vmin_s to vmax_s. */
chart *rpt_chart_map(const rpt_set *s, size_t k, const rdata_grid *g, double vmin_s, double vmax_s);
chart *rpt_chart_util(const rpt_set *s, const rdata_util *u);
chart *rpt_chart_compare(const rpt_set *s);
/* Officers on scene over time per major incident (up to six), with the tier times; NULL when no
 * file has major incidents (or out of memory). */
chart *rpt_chart_major(const rpt_set *s);

/* When the files differ in exactly one override and its values are all numbers, the name of
 * that setting (malloc'd) and each file's value in x[0..n); otherwise NULL. */
char *rpt_sweep_axis(const rpt_set *s, double *x);

#endif
