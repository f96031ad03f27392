/* cmd_summary.c - `patrolsim summary FILE.h5 [--json] [--all]`: the summary table of a results
 * file.
 *
 * Reads /summary and the root attributes (results_read_summary) and prints the same table
 * `patrolsim run` prints at its end, or the figures as JSON. With major incidents it adds
 * ordinary calls during them vs outside by area (/major_area_reps): the district, every zone
 * kind and the zones with the largest differences (--all: every zone; the JSON has them all). Works on a finished file and on
 * the "<name>.h5.tmp" of an interrupted run (the header then says how many replications of
 * how many are in). Exit status: 0 printed, 2 bad usage or a file that is not a readable
 * patrolsim results file (the message names the file and what is wrong), 1 out of memory or
 * a failed write to stdout.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "results.h"

#define SUMMARY_ZONES 8 /* zones shown by default in the table by area */

static void summary_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim summary FILE.h5 [--json] [--all]\n"
            "\n"
            "Prints the summary of a results file: response time by priority and the other\n"
            "figures per replication, each as the mean across replications with its 95%%\n"
            "confidence interval. Times are in minutes in the table, seconds in the JSON.\n"
            "\n"
            "  --json      print the figures as one JSON object (keys in results/README.md)\n"
            "  --all       list every zone in the table of calls during major incidents\n"
            "              (default: the %d with the largest differences)\n"
            "  -h, --help  print this help\n",
            SUMMARY_ZONES);
}

int cmd_summary(int argc, char **argv)
{
    const char *file = NULL;
    bool json = false, all = false, options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            summary_usage(stdout);
            return 0;
        } else if (!options_done && strcmp(a, "--json") == 0) {
            json = true;
        } else if (!options_done && strcmp(a, "--all") == 0) {
            all = true;
        } else if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
        } else if (!options_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "patrolsim summary: unknown option '%s'\n", a);
            summary_usage(stderr);
            return 2;
        } else if (file) {
            fprintf(stderr, "patrolsim summary: one file at a time (got '%s' and '%s')\n",
                    file, a);
            return 2;
        } else {
            file = a;
        }
    }
    if (!file) {
        fprintf(stderr, "patrolsim summary: no results file given\n");
        summary_usage(stderr);
        return 2;
    }

    results_summary s;
    char err[1024];
    int rc = results_read_summary(file, &s, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        results_summary_fini(&s);
        return rc == RESULTS_ENOMEM ? 1 : 2;
    }
    results_major_area ma;
    rc = results_read_major_area(file, &s, &ma, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        results_major_area_fini(&ma);
        results_summary_fini(&s);
        return rc == RESULTS_ENOMEM ? 1 : 2;
    }
    report_major_area area = {
        .rows = ma.rows,
        .n_rows = ma.n_rows,
        .zone_names = (const char *const *)ma.zone_names,
        .n_zones = ma.n_zones,
        .kind_names = (const char *const *)ma.kind_names,
        .n_kinds = ma.n_kinds,
        .max_zones = all ? 0 : SUMMARY_ZONES,
    };
    report_info info = {
        .major_area = &area,
        .scenario = s.scenario_name,
        .source = json ? NULL : file,
        .seed = s.seed,
        /* A shard (run --rep-range) is complete when it holds its own range. */
        .replications_planned = s.rep_end > s.rep_first ? (size_t)(s.rep_end - s.rep_first)
                                : s.replications_planned > 0 ? (size_t)s.replications_planned
                                                             : 0,
    };
    int out = json ? report_print_json(stdout, &info, &s.m, s.rows, s.n_reps)
                   : report_print(stdout, &info, &s.m, s.rows, s.n_reps);
    results_major_area_fini(&ma);
    results_summary_fini(&s);
    if (out || fflush(stdout) != 0) {
        fprintf(stderr, "patrolsim summary: cannot write the summary to standard output\n");
        return 1;
    }
    return 0;
}
