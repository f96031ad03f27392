/* cmd_report.c - `patrolsim report RESULTS.h5 [MORE.h5 ...] [-o DIR] [--cell M]`: charts and a
 * page for planners.
 *
 * Writes PNG and SVG charts, CSV files of the figures behind them and an index.html that shows
 * them with the summary table (report/rpt.h says what each chart shows). The folder defaults
 * to the first file's name with "-report" for ".h5" (results/ziliujing.h5 ->
 * results/ziliujing-report). Exit status: 0 written; 2 bad usage or an input file that is
 * missing or not a readable patrolsim results file (the message names it); 1 a folder or file
 * that cannot be written, or out of memory.
 *
 * patrolsim can be built without cairo (-DPATROLSIM_REPORT=OFF, for cluster nodes); the
 * command then says so and fails with status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifdef PATROLSIM_HAVE_REPORT
#include "rpt.h"
#endif

static void report_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim report RESULTS.h5 [MORE.h5 ...] [-o DIR] [--cell M]\n"
            "\n"
            "Draws charts of one or more results files and writes them, with the summary\n"
            "table, to DIR/index.html, a page any browser opens without network:\n"
            "  response-time distribution per priority with the targets; response time and\n"
            "  calls by hour of day; a map of mean response time by cell; how units spend\n"
            "  their time; and, for several files (a sweep, two deployments), the key figures\n"
            "  side by side. Each chart is a PNG and an SVG; the figures behind them are CSV.\n"
            "\n"
            "  -o, --out DIR  the folder to write (made if missing; default: the first file's\n"
            "                 name with -report instead of .h5)\n"
            "  --cell M       side of a map cell in metres (default 500)\n"
            "  -q, --quiet    do not list the files written\n"
            "  -h, --help     print this help\n");
}

/* "results/x.h5" -> "results/x-report"; malloc'd. */
static char *default_dir(const char *file)
{
    size_t n = strlen(file);
    if (n > 3 && strcmp(file + n - 3, ".h5") == 0) n -= 3;
    else if (n > 7 && strcmp(file + n - 7, ".h5.tmp") == 0) n -= 7;
    char *d = malloc(n + 8);
    if (d) snprintf(d, n + 8, "%.*s-report", (int)n, file);
    return d;
}

int cmd_report(int argc, char **argv)
{
    const char *out = NULL;
    double cell_m = 500;
    int quiet = 0, options_done = 0;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t n = 0;
    if (!files) {
        fprintf(stderr, "patrolsim report: out of memory\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            report_usage(stdout);
            free(files);
            return 0;
        } else if (!options_done && (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "patrolsim report: %s needs a folder\n", a);
                free(files);
                return 2;
            }
            out = argv[++i];
        } else if (!options_done && strcmp(a, "--cell") == 0) {
            char *end = NULL;
            if (i + 1 < argc) cell_m = strtod(argv[i + 1], &end);
            if (i + 1 >= argc || end == argv[i + 1] || *end || !(cell_m >= 10 && cell_m <= 1e5)) {
                fprintf(stderr, "patrolsim report: --cell needs a size in metres from 10 to "
                                "100000 (got '%s')\n", i + 1 < argc ? argv[i + 1] : "");
                free(files);
                return 2;
            }
            i++;
        } else if (!options_done && (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
            quiet = 1;
        } else if (!options_done && strcmp(a, "--") == 0) {
            options_done = 1;
        } else if (!options_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "patrolsim report: unknown option '%s'\n", a);
            report_usage(stderr);
            free(files);
            return 2;
        } else {
            files[n++] = a;
        }
    }
    if (n == 0) {
        fprintf(stderr, "patrolsim report: no results file given\n");
        report_usage(stderr);
        free(files);
        return 2;
    }
#ifdef PATROLSIM_HAVE_REPORT
    char *dir = out ? NULL : default_dir(files[0]);
    if (!out && !dir) {
        fprintf(stderr, "patrolsim report: out of memory\n");
        free(files);
        return 1;
    }
    rpt_opts o = {.out_dir = out ? out : dir, .cell_m = cell_m};
    char err[2048];
    int rc = rpt_write(files, n, &o, quiet ? NULL : stdout, err, sizeof err);
    chart_release_caches(); /* a clean exit for valgrind and LeakSanitizer */
    if (rc) fprintf(stderr, "patrolsim report: %s\n", err);
    else if (!quiet) printf("report: %s/index.html\n", o.out_dir);
    free(dir);
    free(files);
    if (rc == RPT_EINPUT || rc == RPT_EUSAGE) return 2;
    return rc ? 1 : 0;
#else
    (void)out;
    (void)quiet;
    (void)default_dir;
    free(files);
    fprintf(stderr, "patrolsim report: this patrolsim was built without charts "
                    "(PATROLSIM_REPORT=OFF, or cairo missing); rebuild with "
                    "-DPATROLSIM_REPORT=ON (Debian: libcairo2-dev)\n");
    return 1;
#endif
}
