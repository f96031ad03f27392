/* rpt_charts.c - the planners' charts: figures from rdata turned into chart.h charts.
 * See rpt.h for what each shows.
 *
 * Times are shown in minutes and fractions in percent, as in the summary table; every figure
 * that comes from several replications carries its 95% CI and the number of replications,
 * in the legend, on the bars or as bands and error bars. File k has palette colour k in every
 * chart so a planner can follow one scenario from chart to chart.
 */
#include "rpt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define MIN_S 60.0

/* ---- Labels --------------------------------------------------------------------------------- */

/* The file name without its folders. */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The i-th "path=value" line of overrides (trimmed) into buf; false past the last. */
static bool override_line(const char *ov, size_t i, char *buf, size_t len)
{
    size_t k = 0;
    for (const char *q = ov; q && *q;) {
        size_t n = strcspn(q, "\n");
        const char *a = q;
        while (n > 0 && (*a == ' ' || *a == '\t'))
            a++, n--;
        while (n > 0 && (a[n - 1] == ' ' || a[n - 1] == '\t' || a[n - 1] == '\r'))
            n--;
        if (n > 0 && k++ == i) {
            snprintf(buf, len, "%.*s", (int)n, a);
            return true;
        }
        q += strcspn(q, "\n");
        if (*q) q++;
    }
    return false;
}

/* Whether every file has the override line `line` (same path, same value). */
static bool override_common(const rpt_set *s, const char *line)
{
    for (size_t i = 0; i < s->n; i++) {
        char buf[512];
        bool found = false;
        for (size_t k = 0; !found && override_line(s->files[i].overrides, k, buf, sizeof buf); k++)
            found = strcmp(buf, line) == 0;
        if (!found) return false;
    }
    return true;
}

/* "name" or "name: a=1, b=2": the overrides that not every file shares, on one line. */
static char *file_label(const rpt_set *s, size_t i)
{
    const rdata *d = &s->files[i];
    const char *name = d->sum.scenario_name ? d->sum.scenario_name : "?";
    size_t len = strlen(name) + 2 * strlen(d->overrides ? d->overrides : "") + 8;
    char *out = malloc(len), *p = out;
    if (!out) return NULL;
    p += sprintf(p, "%s", name);
    bool first = true;
    char line[512];
    for (size_t k = 0; override_line(d->overrides, k, line, sizeof line); k++) {
        if (s->n > 1 && override_common(s, line)) continue;
        if (s->n == 1) continue; /* one file: its overrides are in the files table */
        p += sprintf(p, "%s%s", first ? ": " : ", ", line);
        first = false;
    }
    return out;
}

int rpt_labels(rpt_set *s)
{
    s->labels = calloc(s->n ? s->n : 1, sizeof *s->labels);
    if (!s->labels) return RPT_ENOMEM;
    for (size_t i = 0; i < s->n; i++)
        if (!(s->labels[i] = file_label(s, i))) return RPT_ENOMEM;
    /* Labels shared by several files get the file name; if even that is shared, the number. */
    for (int pass = 0; pass < 2; pass++) {
        bool *dup = calloc(s->n ? s->n : 1, sizeof *dup);
        if (!dup) return RPT_ENOMEM;
        for (size_t i = 0; i < s->n; i++)
            for (size_t j = 0; j < s->n; j++)
                if (i != j && strcmp(s->labels[i], s->labels[j]) == 0) dup[i] = true;
        for (size_t i = 0; i < s->n; i++) {
            if (!dup[i]) continue;
            const char *extra = base_name(s->files[i].path);
            size_t len = strlen(s->labels[i]) + strlen(extra) + 32;
            char *l = malloc(len);
            if (!l) {
                free(dup);
                return RPT_ENOMEM;
            }
            if (pass == 0)
                snprintf(l, len, "%s (%s)", s->labels[i], extra);
            else
                snprintf(l, len, "%s #%zu", s->labels[i], i + 1);
            free(s->labels[i]);
            s->labels[i] = l;
        }
        free(dup);
    }
    return RPT_OK;
}

/* "36.8% ± 4.3" or "36.8%" (one replication) or "-". */
static void pct_ci(char *buf, size_t len, stats_ci ci)
{
    if (ci.n == 0 || !isfinite(ci.mean))
        snprintf(buf, len, "-");
    else if (isfinite(ci.half_width))
        snprintf(buf, len, "%.1f%% ± %.1f", 100 * ci.mean, 100 * ci.half_width);
    else
        snprintf(buf, len, "%.1f%%", 100 * ci.mean);
}

/* "4 replications" or, for several files with different counts, "2 to 30 replications". */
static void reps_text(const rpt_set *s, char *buf, size_t len)
{
    size_t lo = SIZE_MAX, hi = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t r = s->files[i].sum.n_reps;
        if (r < lo) lo = r;
        if (r > hi) hi = r;
    }
    if (s->n == 0) lo = 0;
    if (lo == hi)
        snprintf(buf, len, "%zu replication%s", hi, hi == 1 ? "" : "s");
    else
        snprintf(buf, len, "%zu to %zu replications", lo, hi);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ---- 1. Response-time distribution --------------------------------------------------------- */

/* Sorted response times in minutes of d's answered calls of priority k (0: all). */
static double *responses(const rdata *d, int k, size_t *n)
{
    double *v = malloc((d->n_calls ? d->n_calls : 1) * sizeof *v);
    *n = 0;
    if (!v) return NULL;
    for (size_t i = 0; i < d->n_calls; i++) {
        const rdata_call *c = &d->calls[i];
        if (!isfinite(c->response_s) || (k > 0 && c->priority != k)) continue;
        v[(*n)++] = c->response_s / MIN_S;
    }
    qsort(v, *n, sizeof *v, cmp_double);
    return v;
}

/* The distinct targets of priority k over the zones, with the zone kinds that have them. */
typedef struct target {
    double s;
    char kinds[128];
} target;

static size_t targets_of(const rdata *d, int k, target *t, size_t max)
{
    size_t n = 0;
    size_t np = (size_t)d->n_priorities;
    for (size_t z = 0; z < d->n_zones && d->zone_target_s; z++) {
        double v = d->zone_target_s[z * np + (size_t)(k - 1)];
        if (!isfinite(v)) continue;
        size_t j = 0;
        while (j < n && t[j].s != v)
            j++;
        if (j == n) {
            if (n == max) continue;
            t[n].s = v;
            t[n].kinds[0] = 0;
            n++;
        }
        if (!strstr(t[j].kinds, d->zone_kind[z])) {
            size_t used = strlen(t[j].kinds);
            snprintf(t[j].kinds + used, sizeof t[j].kinds - used, "%s%s", used ? "/" : "",
                     d->zone_kind[z]);
        }
    }
    return n;
}

chart *rpt_chart_cdf(const rpt_set *s)
{
    int np = s->n ? s->files[0].n_priorities : 0;
    int panels = np + 1;
    int cols = panels > 1 ? 2 : 1, rows = (panels + cols - 1) / cols;
    /* Legend rows: a line per file and, at most, one per zone kind's target off the axis. */
    size_t kinds = 0;
    for (size_t z = 0; s->n && z < s->files[0].n_zones; z++) {
        size_t y = 0;
        while (y < z && strcmp(s->files[0].zone_kind[y], s->files[0].zone_kind[z]) != 0)
            y++;
        kinds += y == z;
    }
    double legend_h = 18.0 * (double)(s->n + kinds) + 12;
    chart *c = chart_create(1000, 90 + (300.0 + legend_h) * rows,
                            "Response time: share of calls reached within a time");
    if (!c) return NULL;
    char reps[64], buf[512];
    reps_text(s, reps, sizeof reps);
    snprintf(buf, sizeof buf,
             "Distribution of the response time (call received to first unit on scene) of the "
             "answered calls after the warm-up, all %s pooled. Dashed lines: response targets.",
             reps);
    chart_subtitle(c, buf);
    chart_grid(c, rows, cols, NULL);
    char note[1024];
    snprintf(note, sizeof note,
             "Within target: per replication, the share of answered calls reached within the "
             "target of their zone and priority; mean across replications ± 95%% CI half-width "
             "(n: replications with such calls, when not all). Diverted calls have no response "
             "time and are not in the "
             "curves.%s",
             np > 0 ? " Each axis ends at the 99th percentile, rounded up." : "");
    chart_note(c, note);

    for (int k = 0; k <= np; k++) {
        char title[64];
        if (k == 0)
            snprintf(title, sizeof title, "All priorities");
        else
            snprintf(title, sizeof title, "Priority %d%s", k, k == 1 ? " (most urgent)" : "");
        chart_panel *p = chart_panel_add(c, title);
        chart_xlabel(p, "response time (minutes)");
        chart_ylabel(p, "calls reached (%)");
        chart_yrange(p, 0, 100);
        chart_ystep(p, 20);
        chart_legend(p, CHART_LEGEND_BELOW);
        double xmax = 0;
        for (size_t i = 0; i < s->n; i++) {
            size_t n;
            double *v = responses(&s->files[i], k, &n);
            if (!v) {
                chart_destroy(c);
                return NULL;
            }
            if (n) xmax = fmax(xmax, stats_quantile_sorted(v, n, 0.99));
            /* At most about 1500 steps: every m-th order statistic, plus the last. */
            size_t m = n > 1500 ? (n + 1499) / 1500 : 1, pts = n ? (n - 1) / m + 2 : 0;
            double *x = malloc((pts + 1) * sizeof *x), *y = malloc((pts + 1) * sizeof *y);
            if (!x || !y) {
                free(v);
                free(x);
                free(y);
                chart_destroy(c);
                return NULL;
            }
            size_t q = 0;
            if (n) {
                x[q] = v[0];
                y[q++] = 0;
                for (size_t j = 0; j < n; j += m) {
                    x[q] = v[j];
                    y[q++] = 100.0 * (double)(j + 1) / (double)n;
                }
                if ((n - 1) % m != 0) {
                    x[q] = v[n - 1];
                    y[q++] = 100.0;
                }
            }
            char col[40], within[64], label[640];
            if (k == 0)
                snprintf(col, sizeof col, "within_target");
            else
                snprintf(col, sizeof col, "p%d_within_target", k);
            stats_ci ci = rdata_figure(&s->files[i], col);
            pct_ci(within, sizeof within, ci);
            char partial[32] = "";
            if (ci.n < s->files[i].sum.n_reps) snprintf(partial, sizeof partial, " (n=%zu)", ci.n);
            snprintf(label, sizeof label, "%s%s%s within target%s", s->n > 1 ? s->labels[i] : "",
                     s->n > 1 ? ": " : "", within, partial);
            chart_series *ser = chart_step(p, label, x, y, q);
            chart_series_color(ser, chart_palette(i));
            free(x);
            free(y);
            free(v);
        }
        /* The axis ends at the 99th percentile, rounded up to a tick. */
        if (!(xmax > 0)) xmax = 1;
        double first, step;
        chart_ticks_nice(0, xmax, 5, &first, &step);
        xmax = ceil(xmax / step - 1e-9) * step;
        chart_xrange(p, 0, xmax);
        if (k > 0 && s->n > 0) {
            target t[8];
            size_t nt = targets_of(&s->files[0], k, t, 8);
            for (size_t j = 0; j < nt; j++) {
                char text[200];
                double mins = t[j].s / MIN_S;
                snprintf(text, sizeof text, "%s target %g min", t[j].kinds, mins);
                if (mins < xmax) {
                    chart_rule(p, NULL, mins, true, text);
                } else { /* named in the legend only: a line with no points */
                    char lab[240];
                    snprintf(lab, sizeof lab, "%s (beyond the axis)", text);
                    chart_series *r = chart_line(p, lab, NULL, NULL, 0);
                    chart_series_color(r, (chart_rgba){0.25, 0.25, 0.25, 1});
                    chart_series_dash(r, 6, 4);
                    chart_series_width(r, 1.5);
                }
            }
        }
    }
    if (chart_failed(c)) {
        chart_destroy(c);
        return NULL;
    }
    return c;
}

/* ---- 2. By hour of day ---------------------------------------------------------------------- */

/* Whether every file has the same calls per hour (the same call model and seed: common
 * random numbers), so that one line stands for all. */
static bool same_calls(const rpt_set *s, const rdata_hourly *h)
{
    for (size_t i = 1; i < s->n; i++)
        for (int k = 0; k < 24; k++)
            if (h[i].calls_per_h[k].mean != h[0].calls_per_h[k].mean) return false;
    return true;
}

chart *rpt_chart_hourly(const rpt_set *s, const rdata_hourly *h)
{
    double legend_h = s->n > 1 ? 18.0 * (double)(s->n + 1) : 0;
    chart *c = chart_create(1000, 980 + legend_h, "Response time and calls by hour of day");
    if (!c) return NULL;
    char reps[64], buf[512];
    reps_text(s, reps, sizeof reps);
    snprintf(buf, sizeof buf,
             "Per replication, the mean and the 90th percentile of the response time of the "
             "calls received in each hour, then their mean across %s with the 95%% CI "
             "(shaded).",
             reps);
    chart_subtitle(c, buf);
    double weights[3] = {1.0 + legend_h / 300, 1.0, 0.8};
    chart_grid(c, 3, 1, weights);
    bool same = s->n > 1 && same_calls(s, h);
    char note[600];
    snprintf(note, sizeof note,
             "Hours with no answered call in a replication leave that replication out of the "
             "hour's response figures. Calls per hour: counted calls over the hours of that "
             "hour of day after the warm-up.%s",
             same ? " The files have the same calls (same call model and seed: common random "
                    "numbers), so one line shows them all."
                  : "");
    chart_note(c, note);

    double x[24], m[24], lo[24], hi[24];
    for (int k = 0; k < 24; k++)
        x[k] = k + 0.5;
    static const char *const titles[3] = {"Mean response time",
                                          "90th percentile of the response time", "Calls per hour"};
    for (int panel = 0; panel < 3; panel++) {
        chart_panel *p = chart_panel_add(c, titles[panel]);
        chart_xlabel(p, "hour of day (call received)");
        chart_ylabel(p, panel < 2 ? "minutes" : "calls per hour");
        chart_xrange(p, 0, 24);
        chart_xstep(p, 3);
        chart_yrange(p, 0, NAN);
        chart_legend(p, panel == 0 && s->n > 1 ? CHART_LEGEND_BELOW : CHART_LEGEND_NONE);
        for (size_t i = 0; i < s->n; i++) {
            if (panel == 2 && same && i > 0) break;
            const stats_ci *v = panel == 0   ? h[i].mean_s
                                : panel == 1 ? h[i].p90_s
                                             : h[i].calls_per_h;
            double scale = panel < 2 ? 1 / MIN_S : 1;
            for (int k = 0; k < 24; k++) {
                m[k] = v[k].mean * scale;
                lo[k] = v[k].lo * scale;
                hi[k] = v[k].hi * scale;
            }
            chart_rgba col = panel == 2 && same ? (chart_rgba){0.3, 0.3, 0.3, 1} : chart_palette(i);
            chart_rgba band = col;
            band.a = s->n > 1 ? 0.14 : 0.2;
            chart_series_color(chart_band(p, NULL, x, lo, hi, 24), band);
            chart_series_color(chart_line(p, s->labels[i], x, m, 24), col);
        }
    }
    if (chart_failed(c)) {
        chart_destroy(c);
        return NULL;
    }
    return c;
}

/* ---- 3. The map ------------------------------------------------------------------------------ */

typedef struct road {
    int32_t a, b, cls;
} road;

static int cmp_road(const void *x, const void *y)
{
    const road *p = x, *q = y;
    if (p->cls != q->cls) return p->cls < q->cls ? -1 : 1;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

typedef struct road_style {
    const char *cls;
    double width, grey, alpha;
} road_style;

/* Heavier lines for faster roads; drawn over the cells, so they stay translucent. */
static road_style style_of(const char *cls)
{
    static const road_style known[] = {
        {"highway", 2.6, 0.15, 0.75}, {"arterial", 1.6, 0.2, 0.6}, {"street", 0.8, 0.25, 0.45},
        {"lane", 0.5, 0.3, 0.35},     {"rural", 1.0, 0.35, 0.5},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (cls && strcmp(cls, known[i].cls) == 0) return known[i];
    return (road_style){cls, 0.8, 0.3, 0.45};
}

/* The map's layers on panel p: the cells, the roads by class, the stations. 0 or -1 (out of
 * memory). */
static int map_layers(chart_panel *p, const rdata *d, const rdata_grid *g)
{
    double *v = malloc((g->nx * g->ny + 1) * sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < g->nx * g->ny; i++)
        v[i] = g->mean_s[i] / MIN_S;
    chart_cells(p, "mean response time of the calls in the cell", g->x0_m / 1000, g->y0_m / 1000,
                g->cell_m / 1000, g->cell_m / 1000, g->nx, g->ny, v);
    free(v);

    /* Roads: one line per street, whether it is one-way or two-way, grouped by class. */
    road *rd = malloc((d->n_edges + 1) * sizeof *rd);
    size_t nr = 0;
    if (!rd) return -1;
    for (size_t i = 0; i < d->n_edges; i++) {
        int32_t a = d->edge_a[i], b = d->edge_b[i];
        if (a < 0 || b < 0 || a == b) continue;
        rd[nr++] = (road){a < b ? a : b, a < b ? b : a, d->edge_class[i]};
    }
    qsort(rd, nr, sizeof *rd, cmp_road);
    size_t u = 0;
    for (size_t i = 0; i < nr; i++)
        if (u == 0 || cmp_road(&rd[i], &rd[u - 1]) != 0) rd[u++] = rd[i];
    nr = u;
    double *x0 = malloc((nr + 1) * sizeof *x0), *y0 = malloc((nr + 1) * sizeof *y0);
    double *x1 = malloc((nr + 1) * sizeof *x1), *y1 = malloc((nr + 1) * sizeof *y1);
    if (!x0 || !y0 || !x1 || !y1) {
        free(rd);
        free(x0);
        free(y0);
        free(x1);
        free(y1);
        return -1;
    }
    for (size_t i = 0; i < nr;) {
        int32_t cls = rd[i].cls;
        size_t n = 0;
        for (; i < nr && rd[i].cls == cls; i++, n++) {
            x0[n] = d->node_x_m[rd[i].a] / 1000;
            y0[n] = d->node_y_m[rd[i].a] / 1000;
            x1[n] = d->node_x_m[rd[i].b] / 1000;
            y1[n] = d->node_y_m[rd[i].b] / 1000;
        }
        const char *name = cls >= 0 && (size_t)cls < d->n_classes ? d->class_names[cls] : NULL;
        road_style st = style_of(name);
        char lab[80];
        snprintf(lab, sizeof lab, "%s", name ? name : "road");
        chart_series *ser = chart_segments(p, lab, x0, y0, x1, y1, n);
        chart_series_color(ser, (chart_rgba){st.grey, st.grey, st.grey, st.alpha});
        chart_series_width(ser, st.width);
    }
    free(rd);
    free(x0);
    free(y0);
    free(x1);
    free(y1);

    double *sx = malloc((d->n_stations + 1) * sizeof *sx);
    double *sy = malloc((d->n_stations + 1) * sizeof *sy);
    if (!sx || !sy) {
        free(sx);
        free(sy);
        return -1;
    }
    for (size_t i = 0; i < d->n_stations; i++) {
        sx[i] = d->station_x_m[i] / 1000;
        sy[i] = d->station_y_m[i] / 1000;
    }
    /* Posts of the operations model (garrisons, kiosks, checkpoints), unnamed: many. */
    if (d->n_posts) {
        double *px = malloc(d->n_posts * sizeof *px), *py = malloc(d->n_posts * sizeof *py);
        if (!px || !py) {
            free(px);
            free(py);
            free(sx);
            free(sy);
            return -1;
        }
        for (size_t i = 0; i < d->n_posts; i++) {
            px[i] = d->post_x_m[i] / 1000;
            py[i] = d->post_y_m[i] / 1000;
        }
        chart_series *ps =
            chart_markers(p, "post (garrison, kiosk, checkpoint)", px, py, NULL, d->n_posts);
        chart_series_color(ps, (chart_rgba){0.0, 0.6, 0.5, 1});
        free(px);
        free(py);
    }
    chart_series *st =
        chart_markers(p, "station", sx, sy, (const char *const *)d->station_name, d->n_stations);
    chart_series_color(st, (chart_rgba){0.05, 0.05, 0.35, 1});
    free(sx);
    free(sy);
    return 0;
}

/* The zone kind with the most answered calls (the city, in a district of city and
 * townships) and the box around the middle 96% of its calls in x and in y, widened by a cell,
 * when that box is less than a third of the map: the part worth enlarging. */
static bool city_box(const rdata *d, const rdata_grid *g, double box[4], char *kind, size_t len)
{
    size_t *per_kind = calloc(d->n_zones + 1, sizeof *per_kind);
    double *x = malloc((d->n_calls + 1) * sizeof *x), *y = malloc((d->n_calls + 1) * sizeof *y);
    bool ok = false;
    size_t best = 0, n = 0;
    if (!per_kind || !x || !y || d->n_zones == 0) goto out;
    /* Calls per zone kind, counted at the first zone of each kind. */
    for (size_t i = 0; i < d->n_calls; i++) {
        int32_t z = d->calls[i].zone;
        if (z < 0 || (size_t)z >= d->n_zones || !isfinite(d->calls[i].response_s)) continue;
        size_t first = 0;
        while (strcmp(d->zone_kind[first], d->zone_kind[z]) != 0)
            first++;
        per_kind[first]++;
    }
    for (size_t z = 1; z < d->n_zones; z++)
        if (per_kind[z] > per_kind[best]) best = z;
    for (size_t i = 0; i < d->n_calls; i++) {
        int32_t z = d->calls[i].zone, nd = d->calls[i].node;
        if (z < 0 || (size_t)z >= d->n_zones || !isfinite(d->calls[i].response_s) || nd < 0 ||
            (size_t)nd >= d->n_nodes || strcmp(d->zone_kind[z], d->zone_kind[best]) != 0)
            continue;
        x[n] = d->node_x_m[nd];
        y[n++] = d->node_y_m[nd];
    }
    if (n >= 20) {
        stats_sort(x, n);
        stats_sort(y, n);
        double c = g->cell_m;
        box[0] = floor(stats_quantile_sorted(x, n, 0.02) / c) * c - c;
        box[1] = ceil(stats_quantile_sorted(x, n, 0.98) / c) * c + c;
        box[2] = floor(stats_quantile_sorted(y, n, 0.02) / c) * c - c;
        box[3] = ceil(stats_quantile_sorted(y, n, 0.98) / c) * c + c;
        double whole = (double)g->nx * (double)g->ny * c * c;
        ok = (box[1] - box[0]) * (box[3] - box[2]) < whole / 3;
        snprintf(kind, len, "%s", d->zone_kind[best]);
    }
out:
    free(per_kind);
    free(x);
    free(y);
    return ok;
}

chart *rpt_chart_map(const rpt_set *s, size_t k, const rdata_grid *g, double vmin_s, double vmax_s)
{
    const rdata *d = &s->files[k];
    char title[600];
    snprintf(title, sizeof title, "Where calls wait: mean response time by %g m cell%s%s",
             g->cell_m, s->n > 1 ? " - " : "", s->n > 1 ? s->labels[k] : "");
    double box[4] = {0, 0, 0, 0};
    char kind[64] = "", zoom_title[128];
    bool zoom = city_box(d, g, box, kind, sizeof kind);
    snprintf(zoom_title, sizeof zoom_title, "The %s zones, enlarged", kind);
    chart *c = chart_create(zoom ? 1000 : 980, zoom ? 640 : 900, title);
    if (!c) return NULL;
    size_t answered = 0;
    for (size_t i = 0; i < g->nx * g->ny; i++)
        answered += g->calls[i];
    char buf[800];
    snprintf(buf, sizeof buf,
             "%zu answered calls after the warm-up in %zu replication%s, pooled, in %zu cells. "
             "Blank cells had no call; roads by class; dark squares are the stations%s.",
             answered, d->sum.n_reps, d->sum.n_reps == 1 ? "" : "s", g->cells_with_calls,
             d->n_posts ? ", green ones the posts" : "");
    chart_subtitle(c, buf);
    snprintf(buf, sizeof buf,
             "A cell's colour is the mean over the calls received in it (all priorities); "
             "cells with few calls vary more. The scale spans 90%% of the calls: cells under "
             "%.0f or over %.0f minutes take the end colours. x east, y north, in km from the "
             "network's origin.%s",
             vmin_s / MIN_S, vmax_s / MIN_S,
             zoom ? " Right: the middle 96% of the calls of its zones." : "");
    chart_note(c, buf);
    if (zoom) chart_grid(c, 1, 2, NULL);
    for (int panel = 0; panel < (zoom ? 2 : 1); panel++) {
        chart_panel *p = chart_panel_add(c, zoom ? (panel ? zoom_title : "The district") : NULL);
        chart_equal_aspect(p);
        chart_xlabel(p, "x (km)");
        chart_ylabel(p, "y (km)");
        /* One colour scale (on the right) and one legend (on the left) serve both panels. */
        chart_colorscale(p, !zoom || panel == 1 ? "mean response time (minutes)" : NULL,
                         vmin_s / MIN_S, vmax_s / MIN_S);
        chart_legend(p, zoom && panel == 1 ? CHART_LEGEND_NONE : CHART_LEGEND_BELOW);
        if (panel == 1) {
            chart_xrange(p, box[0] / 1000, box[1] / 1000);
            chart_yrange(p, box[2] / 1000, box[3] / 1000);
        }
        if (map_layers(p, d, g)) {
            chart_destroy(c);
            return NULL;
        }
    }
    if (chart_failed(c)) {
        chart_destroy(c);
        return NULL;
    }
    return c;
}

/* ---- 4. Units ------------------------------------------------------------------------------- */

/* "station_patrol" -> "station patrol". */
static void humanise(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src);
    for (char *p = dst; *p; p++)
        if (*p == '_') *p = ' ';
}

/* Work on calls in warm colours, preventive work in greens and blues, free time pale. */
static chart_rgba state_color(const char *state, size_t i)
{
    static const struct {
        const char *name;
        unsigned rgb;
    } known[] = {{"on calls", 0xD55E00},  {"on scene", 0xD55E00},   {"en route", 0xE69F00},
                 {"returning", 0xF0D442}, {"patrolling", 0x009E73}, {"at post", 0x56B4E9},
                 {"available", 0xD6E2EA}, {"idle", 0xD6E2EA},       {"other", 0xAAAAAA}};
    for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        if (strcmp(state, known[k].name) == 0)
            return (chart_rgba){(known[k].rgb >> 16) / 255.0, ((known[k].rgb >> 8) & 255) / 255.0,
                                (known[k].rgb & 255) / 255.0, 1};
    return chart_palette(i + 3);
}

chart *rpt_chart_util(const rpt_set *s, const rdata_util *u)
{
    /* One bar per (kind, file): kinds in the order of the first file, then any new ones. */
    size_t max_rows = 0;
    for (size_t i = 0; i < s->n; i++)
        max_rows += u[i].n_kinds;
    char **kinds = calloc(max_rows + 1, sizeof *kinds);
    size_t nk = 0;
    if (!kinds) return NULL;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < u[i].n_kinds; k++) {
            size_t j = 0;
            while (j < nk && strcmp(kinds[j], u[i].kinds[k]) != 0)
                j++;
            if (j == nk) kinds[nk++] = u[i].kinds[k];
        }
    /* The states: the union over files, in order of first appearance. */
    size_t max_states = 0;
    for (size_t i = 0; i < s->n; i++)
        max_states += u[i].n_states;
    char **states = calloc(max_states + 1, sizeof *states);
    size_t ns = 0;
    if (!states) {
        free(kinds);
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < u[i].n_states; k++) {
            size_t j = 0;
            while (j < ns && strcmp(states[j], u[i].states[k]) != 0)
                j++;
            if (j == ns) states[ns++] = u[i].states[k];
        }

    size_t rows = nk * s->n;
    double height = 170 + 44.0 * (double)(rows ? rows : 1) + 20.0 * (double)(ns / 4);
    chart *c = chart_create(1000, height, "How units spend their time on duty");
    char **rlabel = calloc(rows + 1, sizeof *rlabel);
    double *pos = malloc((rows + 1) * sizeof *pos), *from = malloc((rows + 1) * sizeof *from);
    double *to = malloc((rows + 1) * sizeof *to), *acc = calloc(rows + 1, sizeof *acc);
    char **texts = calloc(rows + 1, sizeof *texts);
    char *textbuf = malloc((rows + 1) * 64);
    bool ok = c && rlabel && pos && from && to && acc && texts && textbuf;
    for (size_t r = 0; ok && r < rows; r++) {
        size_t k = r / (s->n ? s->n : 1), i = r % (s->n ? s->n : 1);
        char kind[128];
        humanise(kind, sizeof kind, kinds[k]);
        size_t len = strlen(kind) + strlen(s->labels[i]) + 8;
        rlabel[r] = malloc(len);
        if (!rlabel[r]) {
            ok = false;
            break;
        }
        if (s->n > 1)
            snprintf(rlabel[r], len, "%s · %s", kind, s->labels[i]);
        else
            snprintf(rlabel[r], len, "%s", kind);
        pos[r] = (double)r;
    }
    if (ok) {
        char reps[64], buf[600];
        reps_text(s, reps, sizeof reps);
        bool by_state = s->n > 0 && u[0].by_state;
        snprintf(buf, sizeof buf,
                 "Share of on-duty time by unit kind%s: per replication, all units of a kind "
                 "together; mean across %s ± 95%% CI half-width on the bars.",
                 by_state ? " and state" : " (on calls: dispatched, travelling or on scene)", reps);
        chart_subtitle(c, buf);
        if (!by_state)
            chart_note(c, "These files record only the time on calls (busy_s) per unit; the "
                          "time patrolling, at posts and so on shows when /unit_reps has a "
                          "column per state.");
        chart_panel *p = chart_panel_add(c, NULL);
        chart_ycategories(p, (const char *const *)rlabel, rows);
        chart_xrange(p, 0, 100);
        chart_xstep(p, 10);
        chart_xlabel(p, "share of on-duty time (%)");
        chart_legend(p, CHART_LEGEND_BELOW);
        for (size_t st = 0; st < ns; st++) {
            for (size_t r = 0; r < rows; r++) {
                size_t k = r / s->n, i = r % s->n;
                double v = NAN, hw = NAN;
                size_t rep_n = 0;
                size_t ki = 0, si = 0;
                while (ki < u[i].n_kinds && strcmp(u[i].kinds[ki], kinds[k]) != 0)
                    ki++;
                while (si < u[i].n_states && strcmp(u[i].states[si], states[st]) != 0)
                    si++;
                if (ki < u[i].n_kinds && si < u[i].n_states) {
                    stats_ci ci = u[i].share[ki * u[i].n_states + si];
                    v = 100 * ci.mean;
                    hw = 100 * ci.half_width;
                    rep_n = ci.n;
                }
                from[r] = acc[r];
                to[r] = isfinite(v) ? acc[r] + v : acc[r];
                if (isfinite(v)) acc[r] = to[r];
                texts[r] = textbuf + r * 64;
                if (!isfinite(v))
                    texts[r] = NULL;
                else if (isfinite(hw) && rep_n > 1)
                    snprintf(texts[r], 64, "%.1f ± %.1f%%", v, hw);
                else
                    snprintf(texts[r], 64, "%.1f%%", v);
            }
            char lab[160];
            humanise(lab, sizeof lab, states[st]);
            chart_series *bar = chart_bars(p, lab, pos, from, to, rows, 0.62, true);
            chart_rgba col = state_color(states[st], st);
            chart_series_color(bar, col);
            chart_series_bar_labels(bar, (const char *const *)texts);
        }
    }
    if (rlabel)
        for (size_t r = 0; r < rows; r++)
            free(rlabel[r]);
    free(rlabel);
    free(pos);
    free(from);
    free(to);
    free(acc);
    free(texts);
    free(textbuf);
    free(kinds);
    free(states);
    if (!ok || chart_failed(c)) {
        chart_destroy(c);
        return NULL;
    }
    return c;
}

/* ---- 6. Comparison of files ------------------------------------------------------------------ */

/* The value of setting key in a file's overrides, into buf; false if it has none. */
static bool override_value(const char *ov, const char *key, char *buf, size_t len)
{
    size_t kl = strlen(key);
    for (const char *q = ov; q && *q;) {
        while (*q == ' ' || *q == '\t')
            q++;
        size_t n = strcspn(q, "\n");
        const char *eq = memchr(q, '=', n);
        if (eq) {
            size_t pl = (size_t)(eq - q);
            while (pl > 0 && (q[pl - 1] == ' ' || q[pl - 1] == '\t'))
                pl--;
            if (pl == kl && strncmp(q, key, kl) == 0) {
                const char *v = eq + 1;
                size_t vl = n - (size_t)(v - q);
                while (vl > 0 && (*v == ' ' || *v == '\t'))
                    v++, vl--;
                while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\r' || v[vl - 1] == '\t'))
                    vl--;
                snprintf(buf, len, "%.*s", (int)vl, v);
                return true;
            }
        }
        q += n;
        if (*q) q++;
    }
    return false;
}

char *rpt_sweep_axis(const rpt_set *s, double *x)
{
    if (s->n < 2) return NULL;
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->files[i].sum.scenario_name, s->files[0].sum.scenario_name) != 0) return NULL;
    /* Candidate keys: those of the first file. Exactly one must differ; all must be present
     * in every file and no file may have keys the first lacks. */
    char *found = NULL;
    const char *ov0 = s->files[0].overrides;
    size_t n_keys0 = 0;
    for (const char *q = ov0; q && *q;) {
        size_t n = strcspn(q, "\n");
        const char *eq = memchr(q, '=', n);
        if (eq) {
            n_keys0++;
            char key[256];
            const char *a = q;
            while (*a == ' ' || *a == '\t')
                a++;
            size_t kl = (size_t)(eq - a);
            while (kl > 0 && (a[kl - 1] == ' ' || a[kl - 1] == '\t'))
                kl--;
            snprintf(key, sizeof key, "%.*s", (int)kl, a);
            char v0[256], vi[256];
            override_value(ov0, key, v0, sizeof v0);
            bool differs = false, everywhere = true;
            for (size_t i = 1; i < s->n; i++) {
                if (!override_value(s->files[i].overrides, key, vi, sizeof vi))
                    everywhere = false;
                else if (strcmp(vi, v0) != 0)
                    differs = true;
            }
            if (!everywhere) {
                free(found);
                return NULL;
            }
            if (differs) {
                if (found) { /* a second varied setting: not a one-parameter sweep */
                    free(found);
                    return NULL;
                }
                found = strdup(key);
                if (!found) return NULL;
            }
        }
        q += n;
        if (*q) q++;
    }
    if (!found) return NULL;
    for (size_t i = 0; i < s->n; i++) {
        /* Same number of overrides everywhere, so no file varies something else too. */
        size_t nk = 0;
        for (const char *q = s->files[i].overrides; q && *q;) {
            size_t n = strcspn(q, "\n");
            if (memchr(q, '=', n)) nk++;
            q += n;
            if (*q) q++;
        }
        char v[256], *end;
        if (nk != n_keys0 || !override_value(s->files[i].overrides, found, v, sizeof v)) {
            free(found);
            return NULL;
        }
        x[i] = strtod(v, &end);
        if (end == v || *end != '\0' || !isfinite(x[i])) {
            free(found);
            return NULL;
        }
    }
    return found;
}

/* The paired difference b - a of summary column col (scaled) over the replications both
 * files have (matched by number); n = 0 when there are fewer than two. */
static stats_ci paired_diff(const rdata *a, const rdata *b, const char *col, double scale)
{
    stats_ci none = {NAN, NAN, NAN, NAN, NAN, 0};
    int ja = metrics_find(&a->sum.m, col), jb = metrics_find(&b->sum.m, col);
    if (ja < 0 || jb < 0) return none;
    double *d = malloc((a->sum.n_reps + 1) * sizeof *d);
    if (!d) return none;
    size_t n = 0;
    for (size_t r = 0; r < a->sum.n_reps; r++) {
        const double *ra = a->sum.rows + r * a->sum.m.n;
        for (size_t q = 0; q < b->sum.n_reps; q++) {
            const double *rb = b->sum.rows + q * b->sum.m.n;
            if (rb[0] == ra[0]) {
                d[n++] = (rb[jb] - ra[ja]) * scale;
                break;
            }
        }
    }
    stats_ci ci = n >= 2 ? stats_ci95(d, n) : none;
    free(d);
    return ci;
}

chart *rpt_chart_compare(const rpt_set *s)
{
    if (s->n < 2) return NULL;
    double *x = malloc(s->n * sizeof *x);
    size_t *ord = calloc(s->n, sizeof *ord);
    if (!x || !ord) {
        free(x);
        free(ord);
        return NULL;
    }
    char *key = rpt_sweep_axis(s, x);
    bool sweep = key != NULL;
    /* The order shown: the setting's for a sweep, the command line's otherwise; the first in
     * that order is the baseline of the paired differences. */
    for (size_t i = 0; i < s->n; i++)
        ord[i] = i;
    for (size_t i = 1; sweep && i < s->n; i++)
        for (size_t j = i; j > 0 && x[ord[j]] < x[ord[j - 1]]; j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1];
            ord[j - 1] = t;
        }
    const rdata *base = &s->files[ord[0]];
    /* Pairing replications needs the same seed (the same calls under the same call model). */
    bool paired = true;
    for (size_t i = 0; i < s->n; i++)
        paired = paired && s->files[i].sum.seed == base->sum.seed && s->files[i].sum.n_reps >= 2;
    int panels = paired ? 4 : 2;
    /* A sweep: 2 x 2 panels of points against the setting; files: one panel a row, full
     * width for the labels. */
    int rows = sweep ? panels / 2 : panels, ncols = sweep ? 2 : 1;
    double row_h = sweep ? 330 : 70 + 30.0 * (double)s->n;
    chart *c = chart_create(1000, 150 + row_h * rows,
                            sweep ? "Key figures against the varied setting"
                                  : "Key figures, file by file");
    if (!c) {
        free(x);
        free(ord);
        free(key);
        return NULL;
    }
    char reps[64], buf[900];
    reps_text(s, reps, sizeof reps);
    snprintf(buf, sizeof buf, "Mean across %s with the 95%% CI (error bars). %s", reps,
             sweep ? "The files differ only in the setting on the x axis."
                   : "Each row is one results file (the overrides that differ).");
    chart_subtitle(c, buf);
    if (paired)
        snprintf(buf, sizeof buf,
                 "Below, the difference from %s, replication by replication: the files share "
                 "the seed, so with the same call model they face the same calls (common random "
                 "numbers) and the paired interval is usually much narrower. `patrolsim compare` "
                 "checks that the calls are the same.",
                 s->labels[ord[0]]);
    else
        snprintf(buf, sizeof buf,
                 "The files have different seeds (or a single replication), so their "
                 "replications are not paired; `patrolsim compare A.h5 B.h5` tests "
                 "differences.");
    chart_note(c, buf);
    chart_grid(c, rows, ncols, NULL);
    static const char *const cols[2] = {"response_mean_s", "within_target"};
    static const char *const titles[4] = {"Mean response time", "Calls reached within target",
                                          "Difference in mean response time (paired)",
                                          "Difference within target (paired)"};
    static const char *const units[4] = {"mean response time (minutes)",
                                         "within target (% of answered calls)",
                                         "difference (minutes)", "difference (percentage points)"};
    double *v = malloc(s->n * sizeof *v), *lo = malloc(s->n * sizeof *lo);
    double *hi = malloc(s->n * sizeof *hi), *pos = malloc(s->n * sizeof *pos);
    double *lx = malloc(s->n * sizeof *lx), *ly = malloc(s->n * sizeof *ly);
    bool ok = v && lo && hi && pos && lx && ly;
    /* Category labels in the order shown. */
    const char **labels = malloc(s->n * sizeof *labels);
    ok = ok && labels;
    for (size_t k = 0; ok && k < s->n; k++)
        labels[k] = s->labels[ord[k]];
    double xlo = INFINITY, xhi = -INFINITY;
    for (size_t i = 0; sweep && i < s->n; i++) {
        xlo = fmin(xlo, x[i]);
        xhi = fmax(xhi, x[i]);
    }
    double pad = sweep ? (xhi > xlo ? 0.06 * (xhi - xlo) : 0.5) : 0;
    for (int f = 0; ok && f < panels; f++) {
        chart_panel *p = chart_panel_add(c, titles[f]);
        double scale = f % 2 == 0 ? 1 / MIN_S : 100;
        for (size_t k = 0; k < s->n; k++) {
            const rdata *d = &s->files[ord[k]];
            stats_ci ci =
                f < 2 ? rdata_figure(d, cols[f]) : paired_diff(base, d, cols[f - 2], scale);
            if (f < 2) {
                ci.mean *= scale;
                ci.lo *= scale;
                ci.hi *= scale;
            }
            if (f >= 2 && k == 0) ci.mean = 0, ci.lo = ci.hi = NAN; /* the baseline itself */
            v[k] = ci.mean;
            lo[k] = ci.lo;
            hi[k] = ci.hi;
            pos[k] = sweep ? x[ord[k]] : (double)k;
        }
        chart_legend(p, CHART_LEGEND_NONE);
        if (f >= 2)
            chart_series_color(chart_rule(p, NULL, 0, !sweep, NULL),
                               (chart_rgba){0.45, 0.45, 0.45, 1});
        if (sweep) {
            chart_xlabel(p, key);
            chart_ylabel(p, units[f]);
            chart_xrange(p, xlo - pad, xhi + pad);
            for (size_t k = 0; k < s->n; k++) {
                lx[k] = pos[k];
                ly[k] = v[k];
            }
            chart_series *ln = chart_line(p, NULL, lx, ly, s->n);
            chart_series_color(ln, (chart_rgba){0.6, 0.6, 0.6, 1});
            chart_series_width(ln, 1.2);
            chart_series_color(chart_errbars(p, titles[f], pos, v, lo, hi, s->n, false),
                               chart_palette(0));
        } else {
            chart_ycategories(p, labels, s->n);
            chart_xlabel(p, units[f]);
            /* One series per file, so each keeps its colour. */
            for (size_t k = 0; k < s->n; k++)
                chart_series_color(
                    chart_errbars(p, labels[k], &pos[k], &v[k], &lo[k], &hi[k], 1, true),
                    chart_palette(ord[k]));
        }
    }
    free(v);
    free(lo);
    free(hi);
    free(pos);
    free(lx);
    free(ly);
    free(labels);
    free(x);
    free(ord);
    free(key);
    if (!ok || chart_failed(c)) {
        chart_destroy(c);
        return NULL;
    }
    return c;
}

/* ---- 5. Major incidents -----------------------------------------------------------------------
 */

typedef struct tpt {
    double t_s;
    int32_t officers;
} tpt;

static int cmp_tpt(const void *a, const void *b)
{
    double x = ((const tpt *)a)->t_s, y = ((const tpt *)b)->t_s;
    return x < y ? -1 : x > y;
}

/* The distinct incident numbers over the files, ascending, at most max. */
static size_t major_incidents(const rpt_set *s, int32_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = 0; k < s->files[i].n_major; k++) {
            int32_t v = s->files[i].major[k].incident;
            size_t j = 0;
            while (j < n && out[j] != v)
                j++;
            if (j == n && n < max) out[n++] = v;
        }
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && out[b] < out[b - 1]; b--) {
            int32_t t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    return n;
}

/* Officers on scene of incident inc at the grid times t[0..ng) in each replication of d that
 * has it: val[r * ng + g], NaN rows for replications without it. 0 or -1. */
static int major_curves(const rdata *d, int32_t inc, const double *t, size_t ng, double *val)
{
    size_t R = d->sum.n_reps;
    for (size_t i = 0; i < R * ng; i++)
        val[i] = NAN;
    tpt *pts = malloc((d->n_curve + 1) * sizeof *pts);
    if (!pts) return -1;
    for (size_t m = 0; m < d->n_major; m++) {
        if (d->major[m].incident != inc) continue;
        uint32_t r = d->major[m].rep_row;
        size_t n = 0;
        for (size_t k = 0; k < d->n_curve; k++)
            if (d->curve[k].rep_row == r && d->curve[k].incident == inc)
                pts[n++] = (tpt){d->curve[k].t_s, d->curve[k].officers};
        qsort(pts, n, sizeof *pts, cmp_tpt);
        size_t q = 0;
        int32_t now = 0;
        for (size_t g = 0; g < ng; g++) {
            while (q < n && pts[q].t_s <= t[g])
                now = pts[q++].officers;
            val[(size_t)r * ng + g] = now;
        }
    }
    free(pts);
    return 0;
}

chart *rpt_chart_major(const rpt_set *s)
{
    int32_t inc[6];
    size_t ni = major_incidents(s, inc, 6);
    if (ni == 0) return NULL;
    int cols = ni > 1 ? 2 : 1, rows = (int)((ni + 1) / 2);
    double legend_h = 18.0 * (double)s->n + 12;
    chart *c = chart_create(1000, 130 + (330 + legend_h) * rows,
                            "Major incidents: officers on scene as the reserve arrives");
    if (!c) return NULL;
    char reps[64], buf[700];
    reps_text(s, reps, sizeof reps);
    snprintf(buf, sizeof buf,
             "Officers on scene after the incident began: mean across the replications that "
             "had the incident (of %s) with the 95%% CI (shaded). Dashed lines: each tier's "
             "cumulative strength (horizontal, labelled) and the mean time to reach it "
             "(vertical)%s; dotted: the officers the incident needs.",
             reps, s->n > 1 ? " (first file)" : "");
    chart_subtitle(c, buf);
    chart_note(c, "Tiers are called in order (scenario `reserve`); a tier that some replications "
                  "never reached is left out of those replications' mean time.");
    chart_grid(c, rows, cols, NULL);
    const size_t ng = 241;
    double *t = malloc(ng * sizeof *t), *m = malloc(ng * sizeof *m);
    double *lo = malloc(ng * sizeof *lo), *hi = malloc(ng * sizeof *hi);
    bool ok = t && m && lo && hi;
    for (size_t k = 0; ok && k < ni; k++) {
        /* Time axis: the build-up, a quarter beyond the latest time to full strength; to the
         * last step of any curve when some replication never got there. */
        double tmax = 0, tfull = 0;
        int need = 0;
        bool all_full = true;
        for (size_t i = 0; i < s->n; i++) {
            const rdata *d = &s->files[i];
            for (size_t q = 0; q < d->n_curve; q++)
                if (d->curve[q].incident == inc[k]) tmax = fmax(tmax, d->curve[q].t_s);
            for (size_t q = 0; q < d->n_major; q++)
                if (d->major[q].incident == inc[k]) {
                    if (isfinite(d->major[q].t_full_s))
                        tfull = fmax(tfull, d->major[q].t_full_s);
                    else
                        all_full = false;
                    if (d->major[q].officers > need) need = d->major[q].officers;
                }
        }
        /* A public event's time to full strength may be that of its first phase (fewer
         * officers before the event than during it): keep in view when each replication's
         * curve first reached what the incident needs. */
        for (size_t i = 0; need > 0 && i < s->n; i++) {
            const rdata *d = &s->files[i];
            for (size_t q = 0; q < d->n_major; q++) {
                if (d->major[q].incident != inc[k]) continue;
                double first = INFINITY;
                for (size_t p = 0; p < d->n_curve; p++)
                    if (d->curve[p].rep_row == d->major[q].rep_row &&
                        d->curve[p].incident == inc[k] && d->curve[p].officers >= need)
                        first = fmin(first, d->curve[p].t_s);
                if (isfinite(first)) tfull = fmax(tfull, first);
            }
        }
        if (all_full && tfull > 0) tmax = fmin(tmax, 1.25 * tfull);
        if (!(tmax > 0)) tmax = 3600;
        tmax *= 1.05;
        for (size_t g = 0; g < ng; g++)
            t[g] = tmax * (double)g / (double)(ng - 1);
        bool event = false;
        for (size_t i = 0; i < s->n && !event; i++)
            for (size_t q = 0; q < s->files[i].n_major && !event; q++)
                event = s->files[i].major[q].incident == inc[k] &&
                        s->files[i].major[q].random == 2;
        char title[64];
        snprintf(title, sizeof title, "Incident %d%s", (int)inc[k] + 1,
                 event ? " (planned public event)" : "");
        chart_panel *p = chart_panel_add(c, title);
        chart_xlabel(p, "minutes after the incident began");
        chart_ylabel(p, "officers on scene");
        chart_xrange(p, 0, tmax / MIN_S);
        chart_yrange(p, 0, NAN);
        chart_legend(p, CHART_LEGEND_BELOW);
        for (size_t i = 0; ok && i < s->n; i++) {
            const rdata *d = &s->files[i];
            size_t R = d->sum.n_reps;
            double *val = malloc((R * ng + 1) * sizeof *val);
            if (!val || major_curves(d, inc[k], t, ng, val)) {
                free(val);
                ok = false;
                break;
            }
            double x[241];
            for (size_t g = 0; g < ng; g++) {
                stats_ci ci = stats_ci95_strided(val + g, R, ng);
                x[g] = t[g] / MIN_S;
                m[g] = ci.mean;
                lo[g] = ci.lo;
                hi[g] = ci.hi;
            }
            free(val);
            /* Time to full strength, for the legend. */
            double *full = malloc((R + 1) * sizeof *full);
            size_t nf = 0, had = 0;
            for (size_t q = 0; full && q < d->n_major; q++)
                if (d->major[q].incident == inc[k]) {
                    had++;
                    full[nf++] = d->major[q].t_full_s / MIN_S;
                }
            stats_ci fc = full ? stats_ci95(full, nf) : (stats_ci){NAN, NAN, NAN, NAN, NAN, 0};
            free(full);
            chart_rgba col = chart_palette(i), band = col;
            band.a = 0.18;
            chart_series_color(chart_band(p, NULL, x, lo, hi, ng), band);
            char lab[700], fig[96];
            if (fc.n == 0)
                snprintf(fig, sizeof fig, "never at full strength");
            else if (isfinite(fc.half_width))
                snprintf(fig, sizeof fig, "full strength after %.1f ± %.1f min", fc.mean,
                         fc.half_width);
            else
                snprintf(fig, sizeof fig, "full strength after %.1f min", fc.mean);
            snprintf(lab, sizeof lab, "%s%s%s (%zu of %zu replications)",
                     s->n > 1 ? s->labels[i] : "", s->n > 1 ? ": " : "", fig, fc.n, had);
            chart_series_color(chart_line(p, lab, x, m, ng), col);
            if (i > 0) continue;
            /* Tier times of the first file. */
            for (int tier = 0; tier < 4; tier++) {
                double *tt = malloc((R + 1) * sizeof *tt);
                size_t n = 0;
                for (size_t q = 0; tt && q < d->n_major; q++)
                    if (d->major[q].incident == inc[k])
                        tt[n++] = d->major[q].t_tier_s[tier] / MIN_S;
                stats_ci tc = tt ? stats_ci95(tt, n) : (stats_ci){NAN, NAN, NAN, NAN, NAN, 0};
                free(tt);
                if (tc.n == 0 || !(tc.mean < tmax / MIN_S)) continue;
                char text[64];
                snprintf(text, sizeof text, "tier %d: %.1f min", tier + 1, tc.mean);
                chart_rule(p, NULL, tc.mean, true, text);
            }
        }
        /* The tiers' cumulative strengths (the first file's /reserve_tiers) up to what the
         * incident needs: the levels the vertical tier times refer to. A tier whose strength
         * is exactly the need says so instead of a second line on top of it. */
        const rdata *d0 = &s->files[0];
        bool need_drawn = false;
        for (size_t q = 0; ok && q < d0->n_tiers; q++) {
            int32_t cum = d0->tier_cum_officers[q];
            if (cum <= 0 || (need > 0 && cum > need)) continue;
            char text[128];
            snprintf(text, sizeof text, "tier %zu (%s): %d%s", q + 1, d0->tier_name[q],
                     (int)cum, cum == need ? " = needed" : "");
            need_drawn |= cum == need;
            chart_series *r = chart_rule(p, NULL, cum, false, text);
            chart_series_dash(r, 6, 3);
        }
        if (ok && need > 0 && !need_drawn) {
            char text[64];
            snprintf(text, sizeof text, "needed: %d", need);
            chart_series *r = chart_rule(p, NULL, need, false, text);
            chart_series_dash(r, 2, 3);
        }
    }
    free(t);
    free(m);
    free(lo);
    free(hi);
    if (!ok || chart_failed(c)) {
        chart_destroy(c);
        return NULL;
    }
    return c;
}
