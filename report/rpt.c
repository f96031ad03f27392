/* rpt.c - `patrolsim report`: load the files, reduce, draw, and write the page. See rpt.h.
 *
 * Everything is read and reduced before anything is written, so a bad input file leaves no
 * half-made folder behind (only the folder itself, if it was new). Each chart is written as
 * PNG (what the page shows) and SVG (linked from it: sharp at any size, and the file the tests
 * count series in). The page is plain HTML with its style inline and every link relative to
 * the folder, so the folder can be copied, mailed or opened from a USB stick without network.
 */
#include "rpt.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "stats.h"

/* One chart of the page: its file stem ("cdf"), heading and caption, and whether a CSV goes
 * with it. */
typedef struct rpt_fig {
    char stem[32];
    char alt[256];
    bool csv;
} rpt_fig;

typedef struct rpt_ctx {
    const rpt_opts *o;
    FILE *info;
    rpt_set set;
    rdata_hourly *hourly;
    rdata_util *util;
    rdata_grid *grid;
    rpt_fig figs[64];
    size_t n_figs;
    char *err;
    size_t errlen;
} rpt_ctx;

static int out_fail(rpt_ctx *x, const char *path, const char *what)
{
    if (x->err && x->errlen) snprintf(x->err, x->errlen, "%s: %s", path, what);
    return RPT_EOUTPUT;
}

static void join(char *buf, size_t len, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    snprintf(buf, len, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
}

/* ---- Writing files -------------------------------------------------------------------------- */

/* Draws c as stem.png and stem.svg, and records it for the page. Takes ownership of c. */
static int put_chart(rpt_ctx *x, chart *c, const char *stem, const char *alt, bool csv)
{
    if (!c) {
        if (x->err && x->errlen) snprintf(x->err, x->errlen, "%s: out of memory", stem);
        return RPT_ENOMEM;
    }
    char path[4096], name[64];
    int rc = RPT_OK;
    snprintf(name, sizeof name, "%s.png", stem);
    join(path, sizeof path, x->o->out_dir, name);
    if (chart_write_png(c, path, x->err, x->errlen)) rc = RPT_EOUTPUT;
    if (!rc && x->info) fprintf(x->info, "%s\n", path);
    snprintf(name, sizeof name, "%s.svg", stem);
    join(path, sizeof path, x->o->out_dir, name);
    if (!rc && chart_write_svg(c, path, x->err, x->errlen)) rc = RPT_EOUTPUT;
    if (!rc && x->info) fprintf(x->info, "%s\n", path);
    if (!rc && x->n_figs < sizeof x->figs / sizeof x->figs[0]) {
        rpt_fig *f = &x->figs[x->n_figs++];
        snprintf(f->stem, sizeof f->stem, "%s", stem);
        snprintf(f->alt, sizeof f->alt, "%s", alt);
        f->csv = csv;
    }
    chart_destroy(c);
    return rc;
}

/* Opens DIR/name for writing, or fails with the reason. */
static FILE *open_out(rpt_ctx *x, const char *name, char *path, size_t len)
{
    join(path, len, x->o->out_dir, name);
    FILE *f = fopen(path, "w");
    if (!f) out_fail(x, path, strerror(errno));
    return f;
}

static int close_out(rpt_ctx *x, FILE *f, const char *path)
{
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) return out_fail(x, path, "cannot write");
    if (x->info) fprintf(x->info, "%s\n", path);
    return RPT_OK;
}

/* A CSV field: quoted, with quotes doubled. */
static void csv_text(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* A number as the shortest text that reads back the same, or empty for NaN. */
static void csv_num(FILE *f, double v)
{
    if (!isfinite(v)) return;
    char buf[32];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
    fputs(buf, f);
}

static void csv_ci(FILE *f, stats_ci ci)
{
    fputc(',', f);
    csv_num(f, ci.mean);
    fputc(',', f);
    csv_num(f, ci.lo);
    fputc(',', f);
    csv_num(f, ci.hi);
    fprintf(f, ",%zu", ci.n);
}

static int write_hourly_csv(rpt_ctx *x)
{
    char path[4096];
    FILE *f = open_out(x, "hourly.csv", path, sizeof path);
    if (!f) return RPT_EOUTPUT;
    fprintf(f, "file,label,hour,mean_response_s,mean_response_s_lo,mean_response_s_hi,"
               "mean_response_n,p90_response_s,p90_response_s_lo,p90_response_s_hi,"
               "p90_response_n,calls_per_hour,calls_per_hour_lo,calls_per_hour_hi,"
               "calls_per_hour_n\n");
    for (size_t i = 0; i < x->set.n; i++)
        for (int h = 0; h < 24; h++) {
            fprintf(f, "%zu,", i + 1);
            csv_text(f, x->set.labels[i]);
            fprintf(f, ",%d", h);
            csv_ci(f, x->hourly[i].mean_s[h]);
            csv_ci(f, x->hourly[i].p90_s[h]);
            csv_ci(f, x->hourly[i].calls_per_h[h]);
            fputc('\n', f);
        }
    return close_out(x, f, path);
}

static int write_map_csv(rpt_ctx *x, size_t k)
{
    char path[4096], name[64];
    snprintf(name, sizeof name, "map-%zu.csv", k + 1);
    FILE *f = open_out(x, name, path, sizeof path);
    if (!f) return RPT_EOUTPUT;
    const rdata_grid *g = &x->grid[k];
    fprintf(f, "i,j,x0_m,y0_m,cell_m,calls,mean_response_s\n");
    for (size_t j = 0; j < g->ny; j++)
        for (size_t i = 0; i < g->nx; i++) {
            size_t c = j * g->nx + i;
            if (!g->calls[c]) continue;
            fprintf(f, "%zu,%zu,", i, j);
            csv_num(f, g->x0_m + (double)i * g->cell_m);
            fputc(',', f);
            csv_num(f, g->y0_m + (double)j * g->cell_m);
            fputc(',', f);
            csv_num(f, g->cell_m);
            fprintf(f, ",%zu,", g->calls[c]);
            csv_num(f, g->mean_s[c]);
            fputc('\n', f);
        }
    return close_out(x, f, path);
}

static int write_util_csv(rpt_ctx *x)
{
    char path[4096];
    FILE *f = open_out(x, "util.csv", path, sizeof path);
    if (!f) return RPT_EOUTPUT;
    fprintf(f, "file,label,kind,state,share,share_lo,share_hi,n\n");
    for (size_t i = 0; i < x->set.n; i++) {
        const rdata_util *u = &x->util[i];
        for (size_t k = 0; k < u->n_kinds; k++)
            for (size_t s = 0; s < u->n_states; s++) {
                fprintf(f, "%zu,", i + 1);
                csv_text(f, x->set.labels[i]);
                fputc(',', f);
                csv_text(f, u->kinds[k]);
                fputc(',', f);
                csv_text(f, u->states[s]);
                csv_ci(f, u->share[k * u->n_states + s]);
                fputc('\n', f);
            }
    }
    return close_out(x, f, path);
}

/* Times to each tier's strength per major incident: the figures behind the major chart. */
static int write_major_csv(rpt_ctx *x)
{
    char path[4096];
    FILE *f = open_out(x, "major.csv", path, sizeof path);
    if (!f) return RPT_EOUTPUT;
    fprintf(f, "file,label,incident,figure,mean,ci95_low,ci95_high,n\n");
    static const char *const names[5] = {"t_tier1_s", "t_tier2_s", "t_tier3_s", "t_tier4_s",
                                         "t_full_s"};
    for (size_t i = 0; i < x->set.n; i++) {
        const rdata *d = &x->set.files[i];
        double *v = malloc((d->n_major + 1) * sizeof *v);
        if (!v) {
            fclose(f);
            return out_fail(x, path, "out of memory");
        }
        /* Incidents in order of first appearance. */
        for (size_t a = 0; a < d->n_major; a++) {
            int32_t inc = d->major[a].incident;
            bool seen = false;
            for (size_t b = 0; b < a && !seen; b++)
                seen = d->major[b].incident == inc;
            if (seen) continue;
            for (int k = 0; k < 5; k++) {
                size_t n = 0;
                for (size_t b = 0; b < d->n_major; b++)
                    if (d->major[b].incident == inc)
                        v[n++] = k < 4 ? d->major[b].t_tier_s[k] : d->major[b].t_full_s;
                fprintf(f, "%zu,", i + 1);
                csv_text(f, x->set.labels[i]);
                fprintf(f, ",%d,%s", (int)inc + 1, names[k]);
                csv_ci(f, stats_ci95(v, n));
                fputc('\n', f);
            }
        }
        free(v);
    }
    return close_out(x, f, path);
}

/* Every /summary figure of every file: the numbers behind the tables and the comparison. */
static int write_summary_csv(rpt_ctx *x)
{
    char path[4096];
    FILE *f = open_out(x, "summary.csv", path, sizeof path);
    if (!f) return RPT_EOUTPUT;
    fprintf(f, "file,label,figure,unit,mean,ci95_low,ci95_high,n\n");
    for (size_t i = 0; i < x->set.n; i++) {
        const rdata *d = &x->set.files[i];
        for (size_t j = 1; j < d->sum.m.n; j++) {
            const metric_def *m = &d->sum.m.defs[j];
            fprintf(f, "%zu,", i + 1);
            csv_text(f, x->set.labels[i]);
            fprintf(f, ",%s,%s", m->name, m->unit ? m->unit : "");
            csv_ci(f, stats_ci95_strided(d->sum.rows + j, d->sum.n_reps, d->sum.m.n));
            fputc('\n', f);
        }
    }
    return close_out(x, f, path);
}

/* ---- The page -------------------------------------------------------------------------------- */

static void html(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static const char *STYLE =
    "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;max-width:1060px;margin:24px "
    "auto;padding:0 16px;color:#222;line-height:1.45;background:#fff}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:"
    "1px solid #ddd;padding-bottom:.2em}\n"
    "table{border-collapse:collapse;font-size:.9em;margin:.5em 0}th,td{padding:4px 10px;"
    "border-bottom:1px solid #e4e4e4;text-align:right;vertical-align:top}\n"
    "th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #bbb}\n"
    "figure{margin:1em 0}img{max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{color:#555;font-size:.9em}.note{background:#f6f6f6;padding:8px 12px;"
    "border-left:3px solid #bbb}\n"
    "pre{font-size:.82em;overflow-x:auto;background:#fafafa;padding:8px;border:1px solid #eee}"
    "\n.sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px}\n"
    ".muted{color:#666;font-size:.9em}\n";

static void figure_html(FILE *f, const rpt_fig *g, const char *caption)
{
    fprintf(f, "<figure id=\"%s\"><a href=\"%s.svg\"><img src=\"%s.png\" alt=\"", g->stem, g->stem,
            g->stem);
    html(f, g->alt);
    fprintf(f, "\"></a>\n<figcaption>");
    html(f, caption);
    fprintf(f, " <a href=\"%s.svg\">SVG</a>", g->stem);
    if (g->csv) fprintf(f, " · <a href=\"%s.csv\">figures (CSV)</a>", g->stem);
    fprintf(f, "</figcaption></figure>\n");
}

static const rpt_fig *fig_find(const rpt_ctx *x, const char *stem)
{
    for (size_t i = 0; i < x->n_figs; i++)
        if (strcmp(x->figs[i].stem, stem) == 0) return &x->figs[i];
    return NULL;
}

/* "4.41 ± 0.45" in the unit asked for; "-" when there is nothing. */
static void cell(FILE *f, const rdata *d, const char *col, double scale, int dec,
                 const char *suffix)
{
    stats_ci ci = rdata_figure(d, col);
    fputs("<td>", f);
    if (ci.n == 0 || !isfinite(ci.mean)) {
        fputs("-</td>", f);
        return;
    }
    fprintf(f, "%.*f%s", dec, ci.mean * scale, suffix);
    if (isfinite(ci.half_width)) fprintf(f, " ± %.*f", dec, ci.half_width * scale);
    if (ci.n < d->sum.n_reps) fprintf(f, " <span class=\"muted\">(n=%zu)</span>", ci.n);
    fputs("</td>", f);
}

static void hex_color(char *buf, size_t len, chart_rgba c)
{
    snprintf(buf, len, "#%02x%02x%02x", (unsigned)lround(c.r * 255), (unsigned)lround(c.g * 255),
             (unsigned)lround(c.b * 255));
}

static void summary_table(FILE *f, const rpt_ctx *x)
{
    const rpt_set *s = &x->set;
    fputs("<table id=\"summary\"><thead><tr><th>figure (per replication)</th>", f);
    for (size_t i = 0; i < s->n; i++) {
        char col[16];
        hex_color(col, sizeof col, chart_palette(i));
        fprintf(f, "<th><span class=\"sw\" style=\"background:%s\"></span>", col);
        html(f, s->labels[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    fputs("<tr><td>replications</td>", f);
    for (size_t i = 0; i < s->n; i++) {
        const rdata *d = &s->files[i];
        fprintf(f, "<td>%zu", d->sum.n_reps);
        if (d->sum.replications_planned > 0 && (size_t)d->sum.replications_planned != d->sum.n_reps)
            fprintf(f, " of %d", d->sum.replications_planned);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
    typedef struct row {
        const char *name, *col;
        double scale;
        int dec;
        const char *suffix;
    } row;
    static const row rows[] = {
        {"calls after warm-up", "counted", 1, 1, ""},
        {"answered", "answered", 1, 1, ""},
        {"diverted (no unit free)", "diverted", 1, 1, ""},
        {"response time, mean (min)", "response_mean_s", 1 / 60.0, 2, ""},
        {"response time, median (min)", "response_p50_s", 1 / 60.0, 2, ""},
        {"response time, 90th percentile (min)", "response_p90_s", 1 / 60.0, 2, ""},
        {"response time, 95th percentile (min)", "response_p95_s", 1 / 60.0, 2, ""},
        {"within target", "within_target", 100, 1, "%"},
        {"queue wait, mean (min)", "wait_mean_s", 1 / 60.0, 2, ""},
        {"travel time, mean (min)", "travel_mean_s", 1 / 60.0, 2, ""},
        {"travel distance, mean (km)", "travel_mean_m", 1 / 1000.0, 2, ""},
        {"utilisation", "utilisation", 100, 1, "%"},
        {"overtime, all units (hours)", "overtime_s", 1 / 3600.0, 1, ""},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        fprintf(f, "<tr><td>%s</td>", rows[r].name);
        for (size_t i = 0; i < s->n; i++)
            cell(f, &s->files[i], rows[r].col, rows[r].scale, rows[r].dec, rows[r].suffix);
        fputs("</tr>\n", f);
    }
    int np = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->files[i].n_priorities > np) np = s->files[i].n_priorities;
    for (int k = 1; k <= np; k++) {
        char col[40];
        fprintf(f, "<tr><td>priority %d: response time, mean (min)</td>", k);
        snprintf(col, sizeof col, "p%d_response_mean_s", k);
        for (size_t i = 0; i < s->n; i++)
            cell(f, &s->files[i], col, 1 / 60.0, 2, "");
        fprintf(f, "</tr>\n<tr><td>priority %d: within target</td>", k);
        snprintf(col, sizeof col, "p%d_within_target", k);
        for (size_t i = 0; i < s->n; i++)
            cell(f, &s->files[i], col, 100, 1, "%");
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void files_table(FILE *f, const rpt_ctx *x)
{
    const rpt_set *s = &x->set;
    fputs("<table id=\"files\"><thead><tr><th>#</th><th>called here</th><th>scenario</th>"
          "<th>overrides (--set)</th><th>file</th><th>seed</th><th>replications</th>"
          "<th>status</th><th>program</th></tr></thead><tbody>\n",
          f);
    for (size_t i = 0; i < s->n; i++) {
        const rdata *d = &s->files[i];
        char col[16];
        hex_color(col, sizeof col, chart_palette(i));
        fprintf(f, "<tr><td><span class=\"sw\" style=\"background:%s\"></span>%zu</td><td>", col,
                i + 1);
        html(f, s->labels[i]);
        fputs("</td><td>", f);
        html(f, d->sum.scenario_name);
        fputs("</td><td>", f);
        for (const char *q = d->overrides; q && *q;) {
            size_t len = strcspn(q, "\n");
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)len, q);
            html(f, line);
            q += len;
            if (*q) {
                fputs("<br>", f);
                q++;
            }
        }
        fputs("</td><td>", f);
        html(f, d->path);
        fprintf(f, "</td><td>%llu</td><td>%zu</td><td>", (unsigned long long)d->sum.seed,
                d->sum.n_reps);
        html(f, d->sum.status ? d->sum.status : "?");
        fputs("</td><td>patrolsim ", f);
        html(f, d->sum.program_version ? d->sum.program_version : "?");
        fputs(" (", f);
        html(f, d->sum.git_revision ? d->sum.git_revision : "?");
        fputs(")</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static int write_page(rpt_ctx *x)
{
    char path[4096];
    FILE *f = open_out(x, "index.html", path, sizeof path);
    if (!f) return RPT_EOUTPUT;
    const rpt_set *s = &x->set;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", f);
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    fputs("patrolsim report: ", f);
    for (size_t i = 0; i < s->n && i < 3; i++) {
        if (i) fputs(", ", f);
        html(f, s->labels[i]);
    }
    if (s->n > 3) fprintf(f, " and %zu more", s->n - 3);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", STYLE);
    fputs("<h1>Police response: ", f);
    if (s->n == 1)
        html(f, s->labels[0]);
    else
        fprintf(f, "%zu scenarios compared", s->n);
    fputs("</h1>\n<p class=\"muted\">Made by <code>patrolsim report</code>. Every figure "
          "that rests on several replications is the mean across replications with its 95% "
          "confidence interval (± half-width); <i>n</i> is the number of replications. Times "
          "are in minutes. Click a chart for its SVG.</p>\n",
          f);
    fputs("<h2>Files</h2>\n", f);
    files_table(f, x);
    fputs("<h2>Summary</h2>\n", f);
    summary_table(f, x);
    fputs("<p class=\"muted\">All figures in the files' own units: <a href=\"summary.csv\">"
          "summary.csv</a>.</p>\n",
          f);

    const rpt_fig *g;
    fputs("<h2>1. Response-time distribution</h2>\n", f);
    if ((g = fig_find(x, "cdf")))
        figure_html(f, g,
                    "The share of calls reached within a given time, for all calls and "
                    "per priority; dashed lines are the response targets, and the legend "
                    "gives the share within target with its 95% CI.");
    fputs("<h2>2. By hour of day</h2>\n", f);
    if ((g = fig_find(x, "hourly")))
        figure_html(f, g,
                    "Mean and 90th-percentile response time of the calls received in "
                    "each hour, and the calls per hour, with 95% CI bands across "
                    "replications.");
    fputs("<h2>3. Map</h2>\n", f);
    for (size_t i = 0; i < s->n; i++) {
        char stem[32], cap[1024];
        snprintf(stem, sizeof stem, "map-%zu", i + 1);
        if (!(g = fig_find(x, stem))) continue;
        snprintf(cap, sizeof cap,
                 "%s: mean response time of the calls in each %g m cell (pooled over "
                 "replications), roads by class, stations.",
                 s->labels[i], x->o->cell_m);
        figure_html(f, g, cap);
    }
    fputs("<h2>4. Units</h2>\n", f);
    if ((g = fig_find(x, "util")))
        figure_html(f, g,
                    "Share of on-duty time by unit kind and state, with 95% CIs across "
                    "replications.");
    fputs("<h2>5. Major incidents</h2>\n", f);
    if ((g = fig_find(x, "major")))
        figure_html(f, g,
                    "Officers on scene after each major incident began, with 95% CI "
                    "bands across replications, and the mean time to each reserve "
                    "tier's cumulative strength.");
    else
        fputs("<p class=\"note\">No major incidents in these files: the officers-on-scene "
              "build-up per reserve tier is charted when a run has major incidents "
              "(scenario <code>major_incidents</code> or <code>major_random</code>; tables "
              "<code>/major_reps</code> and <code>/major_curve</code>).</p>\n",
              f);
    fputs("<h2>6. Comparison</h2>\n", f);
    if ((g = fig_find(x, "compare")))
        figure_html(f, g,
                    "Mean response time and share within target per file, with 95% "
                    "CIs.");
    else
        fputs("<p class=\"note\">One results file: give several (for example the variants of "
              "a sweep, or two deployments) to compare their key figures side by side.</p>\n",
              f);

    fputs("<h2>Summary tables</h2>\n<p class=\"muted\">As <code>patrolsim summary</code> "
          "prints them.</p>\n",
          f);
    for (size_t i = 0; i < s->n; i++) {
        const rdata *d = &s->files[i];
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        if (m) {
            /* With the table of ordinary calls during major incidents by area, as `summary`
             * prints it; a file whose table cannot be read shows the rest all the same. */
            results_major_area ma;
            char aerr[256];
            bool have_ma = results_read_major_area(d->path, &d->sum, &ma, aerr, sizeof aerr) ==
                           RESULTS_OK;
            report_major_area area = {
                .rows = ma.rows,
                .n_rows = have_ma ? ma.n_rows : 0,
                .zone_names = (const char *const *)ma.zone_names,
                .n_zones = ma.n_zones,
                .kind_names = (const char *const *)ma.kind_names,
                .n_kinds = ma.n_kinds,
                .max_zones = 8,
            };
            report_info info = {
                .scenario = d->sum.scenario_name,
                .source = d->path,
                .seed = d->sum.seed,
                .replications_planned =
                    d->sum.replications_planned > 0 ? (size_t)d->sum.replications_planned : 0,
                .major_area = have_ma ? &area : NULL,
            };
            report_print(m, &info, &d->sum.m, d->sum.rows, d->sum.n_reps);
            results_major_area_fini(&ma);
            fclose(m);
        }
        fputs("<details", f);
        if (s->n == 1) fputs(" open", f);
        fputs("><summary>", f);
        html(f, s->labels[i]);
        fputs("</summary><pre>", f);
        html(f, text ? text : "(out of memory)");
        fputs("</pre></details>\n", f);
        free(text);
    }
    fputs("</body>\n</html>\n", f);
    return close_out(x, f, path);
}

/* ---- The whole report ------------------------------------------------------------------------ */

static int make_dir(rpt_ctx *x)
{
    const char *dir = x->o->out_dir;
    if (mkdir(dir, 0777) == 0) return RPT_OK;
    int e = errno;
    struct stat st;
    if (e == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return RPT_OK;
    return out_fail(x, dir, e == EEXIST ? "exists and is not a folder" : strerror(e));
}

typedef struct cell_w {
    double mean_s;
    size_t calls;
} cell_w;

static int cmp_cell_w(const void *a, const void *b)
{
    double x = ((const cell_w *)a)->mean_s, y = ((const cell_w *)b)->mean_s;
    return x < y ? -1 : x > y;
}

/* The maps' colour scale: from the cell mean below which 5% of the calls are to the one below
 * which 95% are (cells weighted by their calls, so the scale resolves where the calls are;
 * the few cells beyond take the end colours), the smallest and the largest over the files,
 * rounded out to whole minutes. One scale for every map, so that maps compare. */
static void map_scale_s(const rpt_ctx *x, double *lo_s, double *hi_s)
{
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < x->set.n; i++) {
        const rdata_grid *g = &x->grid[i];
        size_t n = 0, total = 0;
        cell_w *v = malloc((g->cells_with_calls + 1) * sizeof *v);
        if (!v) continue;
        for (size_t c = 0; c < g->nx * g->ny; c++)
            if (g->calls[c]) {
                v[n++] = (cell_w){g->mean_s[c], g->calls[c]};
                total += g->calls[c];
            }
        qsort(v, n, sizeof *v, cmp_cell_w);
        size_t acc = 0;
        bool low_set = false;
        for (size_t k = 0; k < n; k++) {
            acc += v[k].calls;
            if (!low_set && (double)acc >= 0.05 * (double)total) {
                lo = fmin(lo, v[k].mean_s);
                low_set = true;
            }
            if ((double)acc >= 0.95 * (double)total) {
                hi = fmax(hi, v[k].mean_s);
                break;
            }
        }
        free(v);
    }
    if (!(hi > 0) || !isfinite(lo)) {
        *lo_s = 0;
        *hi_s = 600;
        return;
    }
    *lo_s = floor(lo / 60.0) * 60.0;
    *hi_s = fmax(ceil(hi / 60.0) * 60.0, *lo_s + 60.0);
}

static void ctx_fini(rpt_ctx *x)
{
    for (size_t i = 0; i < x->set.n; i++) {
        if (x->grid) rdata_grid_fini(&x->grid[i]);
        if (x->util) rdata_util_fini(&x->util[i]);
        if (x->set.labels) free(x->set.labels[i]);
        rdata_fini(&x->set.files[i]);
    }
    free(x->grid);
    free(x->util);
    free(x->hourly);
    free(x->set.labels);
    free(x->set.files);
}

int rpt_write(const char *const *paths, size_t n, const rpt_opts *o, FILE *info, char *err,
              size_t errlen)
{
    if (err && errlen) err[0] = 0;
    if (n == 0 || !o || !o->out_dir || !o->out_dir[0] || !(o->cell_m > 0)) {
        if (err && errlen)
            snprintf(err, errlen, "%s",
                     n == 0                  ? "no results file given"
                     : !(o && o->cell_m > 0) ? "the cell size must be positive"
                                             : "no output folder given");
        return RPT_EUSAGE;
    }
    rpt_ctx x = {.o = o, .info = info, .err = err, .errlen = errlen};
    x.set.files = calloc(n, sizeof *x.set.files);
    x.hourly = calloc(n, sizeof *x.hourly);
    x.util = calloc(n, sizeof *x.util);
    x.grid = calloc(n, sizeof *x.grid);
    int rc = RPT_OK;
    if (!x.set.files || !x.hourly || !x.util || !x.grid) {
        free(x.set.files);
        free(x.hourly);
        free(x.util);
        free(x.grid);
        if (err && errlen) snprintf(err, errlen, "out of memory");
        return RPT_ENOMEM;
    }
    x.set.n = n;

    /* Read and reduce everything first. */
    for (size_t i = 0; i < n && !rc; i++) {
        int r = rdata_load(paths[i], &x.set.files[i], err, errlen);
        if (r)
            rc = r == RESULTS_ENOMEM ? RPT_ENOMEM : RPT_EINPUT;
        else if (x.set.files[i].sum.n_reps == 0) {
            if (err && errlen)
                snprintf(err, errlen, "%s: no finished replication to report on", paths[i]);
            rc = RPT_EINPUT;
        }
    }
    if (!rc && rpt_labels(&x.set)) rc = RPT_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        const rdata *d = &x.set.files[i];
        if (rdata_hourly_compute(d, &x.hourly[i]) || rdata_util_compute(d, &x.util[i]))
            rc = RPT_ENOMEM;
        int g = rc ? 0 : rdata_grid_compute(d, o->cell_m, &x.grid[i]);
        if (g == RESULTS_ENOMEM)
            rc = RPT_ENOMEM;
        else if (g) {
            if (err && errlen)
                snprintf(err, errlen,
                         "%s: no network nodes to map, or %g m cells are too "
                         "small for its extent",
                         paths[i], o->cell_m);
            rc = RPT_EINPUT;
        }
        if (rc == RPT_ENOMEM && err && errlen && !err[0]) snprintf(err, errlen, "out of memory");
    }

    /* Then write. */
    if (!rc) rc = make_dir(&x);
    if (!rc)
        rc = put_chart(&x, rpt_chart_cdf(&x.set), "cdf",
                       "Response-time distribution per priority with targets", false);
    if (!rc)
        rc = put_chart(&x, rpt_chart_hourly(&x.set, x.hourly), "hourly",
                       "Response time and calls by hour of day", true);
    if (!rc) rc = write_hourly_csv(&x);
    double vmin = 0, vmax = 600;
    if (!rc) map_scale_s(&x, &vmin, &vmax);
    for (size_t i = 0; i < n && !rc; i++) {
        char stem[32];
        snprintf(stem, sizeof stem, "map-%zu", i + 1);
        rc = put_chart(&x, rpt_chart_map(&x.set, i, &x.grid[i], vmin, vmax), stem,
                       "Map of mean response time by cell", true);
        if (!rc) rc = write_map_csv(&x, i);
    }
    if (!rc)
        rc = put_chart(&x, rpt_chart_util(&x.set, x.util), "util",
                       "Share of on-duty time by unit kind and state", true);
    if (!rc) rc = write_util_csv(&x);
    bool any_major = false;
    for (size_t i = 0; i < n; i++)
        any_major |= x.set.files[i].has_major;
    if (!rc && any_major)
        rc = put_chart(&x, rpt_chart_major(&x.set), "major",
                       "Officers on scene over time per major incident", true);
    if (!rc && any_major) rc = write_major_csv(&x);
    if (!rc && n > 1)
        rc = put_chart(&x, rpt_chart_compare(&x.set), "compare",
                       "Key figures per file with 95% confidence intervals", false);
    if (!rc) rc = write_summary_csv(&x);
    if (!rc) rc = write_page(&x);
    ctx_fini(&x);
    return rc;
}
