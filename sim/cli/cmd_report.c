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
 * A folder may stand for its results files: the folder of a sweep (`patrolsim sweep -o DIR`)
 * gives the files of its index.csv that are complete, in the index's order; any other folder
 * its *.h5 files in name order. The report then goes to DIR/report by default.
 *
 * patrolsim can be built without cairo (-DPATROLSIM_REPORT=OFF, for cluster nodes); the
 * command then says so and fails with status 1.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "rfile.h"

#ifdef PATROLSIM_HAVE_REPORT
#include "rpt.h"
#endif

static void report_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim report RESULTS.h5|FOLDER [MORE.h5 ...] [-o DIR] [--cell M]\n"
            "\n"
            "Draws charts of one or more results files and writes them, with the summary\n"
            "table, to DIR/index.html, a page any browser opens without network:\n"
            "  response-time distribution per priority with the targets; response time and\n"
            "  calls by hour of day; a map of mean response time by cell; how units spend\n"
            "  their time; officers on scene in major incidents; and, for several files (a\n"
            "  sweep, two deployments), the key figures side by side with paired differences.\n"
            "Each chart is a PNG and an SVG; the figures behind them are CSV.\n"
            "A FOLDER stands for its results files: those of a sweep's index.csv, or its *.h5.\n"
            "\n"
            "  -o, --out DIR  the folder to write (made if missing; default: the first file's\n"
            "                 name with -report instead of .h5, or FOLDER/report)\n"
            "  --cell M       side of a map cell in metres (default 500)\n"
            "  -q, --quiet    do not list the files written\n"
            "  -h, --help     print this help\n");
}

/* The file list being built: paths owned (malloc'd). */
typedef struct flist {
    char **v;
    size_t n, cap;
} flist;

static int flist_add(flist *l, const char *dir, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **nv = realloc(l->v, cap * sizeof *nv);
        if (!nv) return -1;
        l->v = nv;
        l->cap = cap;
    }
    size_t len = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
    char *p = malloc(len);
    if (!p) return -1;
    if (dir)
        snprintf(p, len, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    else
        snprintf(p, len, "%s", name);
    l->v[l->n++] = p;
    return 0;
}

static void flist_fini(flist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* Splits one CSV line into at most max fields (quotes and doubled quotes understood), in
 * place; returns the number of fields. */
static size_t csv_split(char *line, char **field, size_t max)
{
    size_t n = 0;
    char *r = line, *w = line;
    while (n < max) {
        field[n++] = w;
        bool quoted = *r == '"';
        if (quoted) r++;
        for (;;) {
            if (*r == '\0' || *r == '\n' || *r == '\r') {
                *w = '\0';
                return n;
            }
            if (quoted && *r == '"') {
                if (r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                    continue;
                }
                quoted = false;
                r++;
                continue;
            }
            if (!quoted && *r == ',') {
                *w++ = '\0';
                r++;
                break;
            }
            *w++ = *r++;
        }
    }
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the results files a folder stands for. 0, 1 out of memory, 2 nothing usable (with a
 * message). */
static int add_folder(flist *l, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.csv", dir);
    /* Not there, or not a regular file (a FIFO would block): list the folder instead. */
    char why[128];
    FILE *f = rfile_open(path, "r", why, sizeof why);
    size_t before = l->n;
    if (f) {
        /* A sweep's index: the "file" and "status" columns, by name. */
        char line[16384], *fld[64];
        int col_file = -1, col_status = -1;
        if (fgets(line, sizeof line, f)) {
            size_t nf = csv_split(line, fld, 64);
            for (size_t i = 0; i < nf; i++) {
                if (strcmp(fld[i], "file") == 0) col_file = (int)i;
                if (strcmp(fld[i], "status") == 0) col_status = (int)i;
            }
        }
        while (col_file >= 0 && fgets(line, sizeof line, f)) {
            size_t nf = csv_split(line, fld, 64);
            if ((size_t)col_file >= nf || !fld[col_file][0]) continue;
            if (col_status >= 0 &&
                ((size_t)col_status >= nf || strcmp(fld[col_status], "complete") != 0))
                continue;
            if (flist_add(l, dir, fld[col_file])) {
                fclose(f);
                return 1;
            }
        }
        fclose(f);
        if (col_file < 0) {
            fprintf(stderr, "patrolsim report: %s: no 'file' column\n", path);
            return 2;
        }
    } else {
        DIR *d = opendir(dir);
        if (!d) {
            perror(dir);
            return 2;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n > 3 && strcmp(e->d_name + n - 3, ".h5") == 0 && flist_add(l, dir, e->d_name)) {
                closedir(d);
                return 1;
            }
        }
        closedir(d);
        qsort(l->v + before, l->n - before, sizeof *l->v, cmp_str);
    }
    if (l->n == before) {
        fprintf(stderr, "patrolsim report: %s: no finished results file in this folder\n", dir);
        return 2;
    }
    return 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "results/x.h5" -> "results/x-report"; a folder -> "folder/report". malloc'd. */
static char *default_dir(const char *file)
{
    if (is_dir(file)) {
        size_t len = strlen(file) + 8;
        char *d = malloc(len);
        if (d) snprintf(d, len, "%s%sreport", file, file[strlen(file) - 1] == '/' ? "" : "/");
        return d;
    }
    size_t n = strlen(file);
    if (n > 3 && strcmp(file + n - 3, ".h5") == 0)
        n -= 3;
    else if (n > 7 && strcmp(file + n - 7, ".h5.tmp") == 0)
        n -= 7;
    char *d = malloc(n + 8);
    if (d) snprintf(d, n + 8, "%.*s-report", (int)n, file);
    return d;
}

int cmd_report(int argc, char **argv)
{
    const char *out = NULL;
    double cell_m = 500;
    int quiet = 0, options_done = 0;
    flist files = {0};
    const char *first = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            report_usage(stdout);
            flist_fini(&files);
            return 0;
        } else if (!options_done && (strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0)) {
            if (i + 1 >= argc) {
                fprintf(stderr, "patrolsim report: %s needs a folder\n", a);
                flist_fini(&files);
                return 2;
            }
            out = argv[++i];
        } else if (!options_done && strcmp(a, "--cell") == 0) {
            char *end = NULL;
            if (i + 1 < argc) cell_m = strtod(argv[i + 1], &end);
            if (i + 1 >= argc || end == argv[i + 1] || *end || !(cell_m >= 10 && cell_m <= 1e5)) {
                fprintf(stderr,
                        "patrolsim report: --cell needs a size in metres from 10 to "
                        "100000 (got '%s')\n",
                        i + 1 < argc ? argv[i + 1] : "");
                flist_fini(&files);
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
            flist_fini(&files);
            return 2;
        } else {
            if (!first) first = a;
            int r = is_dir(a) ? add_folder(&files, a) : flist_add(&files, NULL, a);
            if (r) {
                if (r == 1) fprintf(stderr, "patrolsim report: out of memory\n");
                flist_fini(&files);
                return r;
            }
        }
    }
    size_t n = files.n;
    if (n == 0) {
        fprintf(stderr, "patrolsim report: no results file given\n");
        report_usage(stderr);
        flist_fini(&files);
        return 2;
    }
#ifdef PATROLSIM_HAVE_REPORT
    char *dir = out ? NULL : default_dir(first);
    if (!out && !dir) {
        fprintf(stderr, "patrolsim report: out of memory\n");
        flist_fini(&files);
        return 1;
    }
    rpt_opts o = {.out_dir = out ? out : dir, .cell_m = cell_m};
    char err[2048];
    int rc = rpt_write((const char *const *)files.v, n, &o, quiet ? NULL : stdout, err, sizeof err);
    chart_release_caches(); /* a clean exit for valgrind and LeakSanitizer */
    if (rc)
        fprintf(stderr, "patrolsim report: %s\n", err);
    else if (!quiet)
        printf("report: %s/index.html\n", o.out_dir);
    free(dir);
    flist_fini(&files);
    if (rc == RPT_EINPUT || rc == RPT_EUSAGE) return 2;
    return rc ? 1 : 0;
#else
    (void)out;
    (void)quiet;
    (void)default_dir;
    flist_fini(&files);
    fprintf(stderr, "patrolsim report: this patrolsim was built without charts "
                    "(PATROLSIM_REPORT=OFF, or cairo missing); rebuild with "
                    "-DPATROLSIM_REPORT=ON (Debian: libcairo2-dev)\n");
    return 1;
#endif
}
