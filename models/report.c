/* report.c - the summary table and its JSON twin. See report.h.
 *
 * Cells are formatted into strings first and the columns sized to their widest cell, so the
 * table stays aligned whatever the magnitudes (12 calls or 12000) and only as wide as it needs
 * to be. Widths count characters, not bytes: "±" is two bytes of UTF-8.
 *
 * Columns are looked up by name (metrics_find), never by position, so a figure the table does
 * not show costs nothing and a figure missing from the metrics prints as "-".
 */
#include "report.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

#define CELL_LEN 64

/* The interval of one column, or an empty one (n = 0) when the column is unknown. */
static stats_ci column_ci(const metrics *m, const double *rows, size_t n_reps, const char *name)
{
    int j = metrics_find(m, name);
    if (j < 0 || !rows || n_reps == 0) {
        stats_ci none = {.mean = NAN, .half_width = NAN, .lo = NAN, .hi = NAN, .sd = NAN, .n = 0};
        return none;
    }
    return stats_ci95_strided(rows + j, n_reps, m->n);
}

/* "value[suffix] ± half-width[ (n=k)]", scaled; "-" when nothing to show. Sets *partial
 * when the cell rests on fewer replications than the run has. */
static void format_cell(char *buf, const metrics *m, const double *rows, size_t n_reps,
                        const char *name, double scale, int decimals, const char *suffix,
                        bool *partial)
{
    stats_ci ci = column_ci(m, rows, n_reps, name);
    if (ci.n == 0 || !isfinite(ci.mean)) {
        snprintf(buf, CELL_LEN, "-");
        return;
    }
    int used;
    if (isfinite(ci.half_width))
        used = snprintf(buf, CELL_LEN, "%.*f%s ± %.*f", decimals, ci.mean * scale, suffix,
                        decimals, ci.half_width * scale);
    else
        used = snprintf(buf, CELL_LEN, "%.*f%s", decimals, ci.mean * scale, suffix);
    if (ci.n < n_reps && used > 0 && used < CELL_LEN) {
        snprintf(buf + used, CELL_LEN - (size_t)used, " (n=%zu)", ci.n);
        *partial = true;
    }
}

/* Characters in a UTF-8 string (continuation bytes do not count). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

/* Prints s padded to width characters, right-aligned or left-aligned. */
static void print_padded(FILE *out, const char *s, int width, bool right)
{
    int pad = width - text_width(s);
    if (right)
        fprintf(out, "%*s%s", pad > 0 ? pad : 0, "", s);
    else
        fprintf(out, "%s%*s", s, pad > 0 ? pad : 0, "");
}

static const char *or_unknown(const char *s)
{
    return s && s[0] ? s : "?";
}

/* The response-time table: "all" and one row per priority. */
enum { RESP_COLS = 6 };

static void print_response_table(FILE *out, const metrics *m, const double *rows, size_t n_reps,
                                 bool *partial)
{
    static const char *const heads[RESP_COLS] = {"calls/rep", "mean", "p50",
                                                 "p90", "p95", "within target"};
    static const char *const suffixes[RESP_COLS] = {"calls", "response_mean_s",
                                                    "response_p50_s", "response_p90_s",
                                                    "response_p95_s", "within_target"};
    size_t n_lines = 1 + (size_t)(m->n_priorities > 0 ? m->n_priorities : 0);
    char(*cells)[RESP_COLS][CELL_LEN] = calloc(n_lines, sizeof *cells);
    char(*labels)[32] = calloc(n_lines, sizeof *labels);
    if (!cells || !labels) {
        free(cells);
        free(labels);
        fprintf(out, "(out of memory for the response table)\n");
        return;
    }
    int width[RESP_COLS], label_w = 0;
    for (int c = 0; c < RESP_COLS; c++) width[c] = text_width(heads[c]);
    for (size_t l = 0; l < n_lines; l++) {
        char prefix[24] = "";
        if (l == 0)
            snprintf(labels[l], sizeof labels[l], "all");
        else {
            snprintf(labels[l], sizeof labels[l], "priority %zu", l);
            snprintf(prefix, sizeof prefix, "p%zu_", l);
        }
        for (int c = 0; c < RESP_COLS; c++) {
            char name[48];
            /* The all-calls row counts calls after warm-up, as the per-priority rows do. */
            snprintf(name, sizeof name, "%s%s", prefix,
                     (l == 0 && c == 0) ? "counted" : suffixes[c]);
            if (c == 0)
                format_cell(cells[l][c], m, rows, n_reps, name, 1.0, 1, "", partial);
            else if (c == RESP_COLS - 1)
                format_cell(cells[l][c], m, rows, n_reps, name, 100.0, 1, "%", partial);
            else
                format_cell(cells[l][c], m, rows, n_reps, name, 1.0 / 60.0, 2, "", partial);
            int w = text_width(cells[l][c]);
            if (w > width[c]) width[c] = w;
        }
        int w = text_width(labels[l]);
        if (w > label_w) label_w = w;
    }
    fprintf(out, "Response time by priority (minutes; calls after warm-up; "
                 "mean across replications ± 95%% CI half-width)\n");
    print_padded(out, "", label_w, false);
    for (int c = 0; c < RESP_COLS; c++) {
        fputs("   ", out);
        print_padded(out, heads[c], width[c], true);
    }
    fputc('\n', out);
    for (size_t l = 0; l < n_lines; l++) {
        print_padded(out, labels[l], label_w, false);
        for (int c = 0; c < RESP_COLS; c++) {
            fputs("   ", out);
            print_padded(out, cells[l][c], width[c], true);
        }
        fputc('\n', out);
    }
    free(cells);
    free(labels);
}

/* One line of the other figures. */
static void print_figure(FILE *out, const metrics *m, const double *rows, size_t n_reps,
                         const char *label, const char *name, double scale, int decimals,
                         bool *partial)
{
    char cell[CELL_LEN];
    format_cell(cell, m, rows, n_reps, name, scale, decimals, "", partial);
    fputs("  ", out);
    print_padded(out, label, 46, false);
    fprintf(out, "%s\n", cell);
}

static void print_major_area(FILE *out, const report_major_area *a, bool header);

int report_print(FILE *out, const report_info *info, const metrics *m, const double *rows,
                 size_t n_reps)
{
    report_info none = {0};
    if (!info) info = &none;
    fprintf(out, "Scenario %s, ", or_unknown(info->scenario));
    if (info->replications_planned > n_reps)
        fprintf(out, "%zu of %zu replications (run incomplete)", n_reps,
                info->replications_planned);
    else
        fprintf(out, "%zu replication%s", n_reps, n_reps == 1 ? "" : "s");
    fprintf(out, ", seed %llu\n", (unsigned long long)info->seed);
    if (info->source) fprintf(out, "Results file %s\n", info->source);
    fputc('\n', out);

    bool partial = false;
    print_response_table(out, m, rows, n_reps, &partial);

    fprintf(out, "\nPer replication (mean across replications ± 95%% CI half-width)\n");
    static const struct {
        const char *label, *name;
        double scale;
        int decimals;
    } figures[] = {
        {"calls received", "calls", 1.0, 1},
        {"calls after warm-up", "counted", 1.0, 1},
        {"answered", "answered", 1.0, 1},
        {"diverted (no unit free)", "diverted", 1.0, 1},
        {"unanswered at end of run", "unanswered", 1.0, 1},
        {"queue wait, mean (min)", "wait_mean_s", 1.0 / 60.0, 2},
    };
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
        print_figure(out, m, rows, n_reps, figures[i].label, figures[i].name, figures[i].scale,
                     figures[i].decimals, &partial);
    for (int k = 1; k <= m->n_priorities; k++) {
        char label[48], name[48];
        snprintf(label, sizeof label, "queue wait, priority %d (min)", k);
        snprintf(name, sizeof name, "p%d_wait_mean_s", k);
        print_figure(out, m, rows, n_reps, label, name, 1.0 / 60.0, 2, &partial);
    }
    print_figure(out, m, rows, n_reps, "travel time, mean (min)", "travel_mean_s", 1.0 / 60.0, 2,
                 &partial);
    print_figure(out, m, rows, n_reps, "travel distance, mean (km)", "travel_mean_m", 1e-3, 2,
                 &partial);
    print_figure(out, m, rows, n_reps, "utilisation (%)", "utilisation", 100.0, 1, &partial);
    print_figure(out, m, rows, n_reps, "overtime, all units (hours)", "overtime_s",
                 1.0 / 3600.0, 1, &partial);

    /* The operations model's figures, where the scenario has what they measure
     * (files of an older run lack the columns, a scenario without posts has no
     * post gap: both are left out rather than shown empty). */
    static const struct {
        const char *label, *name;
        double scale;
        int decimals;
    } ops[] = {
        {"response from the incident, mean (min)", "response_incident_mean_s", 1.0 / 60.0, 2},
        {"reported through a camera (%)", "camera_detected", 100.0, 1},
        {"time on patrol, of on-duty time (%)", "patrol_share", 100.0, 1},
        {"posts left empty, of staffed time (%)", "post_gap", 100.0, 1},
        {"grid cells with presence in the last hour (%)", "presence_mean", 100.0, 1},
        {"community check-in points visited (%)", "checkin_completion", 100.0, 1},
    };
    bool ops_header = false;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        int col = metrics_find(m, ops[i].name);
        bool any = false;
        for (size_t r = 0; col >= 0 && r < n_reps && !any; r++)
            any = isfinite(rows[r * m->n + (size_t)col]);
        if (!any) continue;
        if (!ops_header) {
            fprintf(out, "\nOperations (mean across replications ± 95%% CI half-width)\n");
            ops_header = true;
        }
        print_figure(out, m, rows, n_reps, ops[i].label, ops[i].name, ops[i].scale,
                     ops[i].decimals, &partial);
    }

    /* Major incidents: the first incident's build-up to the reserve tiers'
     * cumulative strengths, and ordinary calls while incidents were on. */
    static const struct {
        const char *label, *name;
        double scale;
        int decimals;
    } major[] = {
        {"1st incident: tier 1 on scene (min)", "major_tier1_s", 1.0 / 60.0, 1},
        {"1st incident: tiers 1-2 on scene (min)", "major_tier2_s", 1.0 / 60.0, 1},
        {"1st incident: tiers 1-3 on scene (min)", "major_tier3_s", 1.0 / 60.0, 1},
        {"1st incident: tiers 1-4 on scene (min)", "major_tier4_s", 1.0 / 60.0, 1},
        {"1st incident: all it needs on scene (min)", "major_full_s", 1.0 / 60.0, 1},
        {"1st incident: off-duty officers called", "major_pool_officers", 1.0, 1},
        {"1st incident: on-duty officers from stations", "major_from_station", 1.0, 1},
        {"1st incident: ... from posts", "major_from_post", 1.0, 1},
        {"1st incident: ... from patrol lines", "major_from_line", 1.0, 1},
        {"1st incident: ... on the way to their duty", "major_from_call", 1.0, 1},
        {"1st public event: officers there at its start", "event_officers_at_start", 1.0, 1},
        {"1st public event: officers short at its start", "event_short_at_start", 1.0, 1},
        {"calls during major incidents", "calls_during_major", 1.0, 1},
        {"response during them, mean (min)", "response_during_major_s", 1.0 / 60.0, 2},
        {"response outside them, mean (min)", "response_outside_major_s", 1.0 / 60.0,
         2},
    };
    bool major_header = false;
    for (size_t i = 0; i < sizeof major / sizeof major[0]; i++) {
        int col = metrics_find(m, major[i].name);
        bool any = false;
        for (size_t r = 0; col >= 0 && r < n_reps && !any; r++)
            any = isfinite(rows[r * m->n + (size_t)col]);
        if (!any) continue;
        if (!major_header) {
            fprintf(out, "\nMajor incidents and the reserve (mean across replications ± 95%% CI "
                         "half-width)\n");
            major_header = true;
        }
        print_figure(out, m, rows, n_reps, major[i].label, major[i].name, major[i].scale,
                     major[i].decimals, &partial);
    }
    if (info->major_area && info->major_area->n_rows)
        print_major_area(out, info->major_area, !major_header);

    int ucol = metrics_find(m, "unstable");
    size_t n_unstable = 0;
    for (size_t r = 0; ucol >= 0 && r < n_reps; r++)
        n_unstable += rows[r * m->n + (size_t)ucol] > 0.5;
    if (n_unstable)
        fprintf(out,
                "\nWARNING: %zu of %zu replications were stopped as unstable: calls waited "
                "beyond run.max_queue or run.max_wait_hours, so calls arrive faster than the "
                "units can serve them. The figures above cover those replications only up to "
                "the stop; their remaining calls count as unanswered.\n",
                n_unstable, n_reps);

    if (partial || n_reps < 2) fputc('\n', out);
    if (partial)
        fprintf(out, "(n=K): the figure rests on the K replications that had answered calls "
                     "to measure.\n");
    if (n_reps < 2)
        fprintf(out, "A confidence interval needs at least 2 replications; none is shown.\n");
    return ferror(out) ? -1 : 0;
}

int report_print_table(FILE *out, const char *title, uint64_t seed, const metrics *m,
                       const double *rows, size_t n_reps)
{
    report_info info = {.scenario = title, .seed = seed};
    return report_print(out, &info, m, rows, n_reps);
}

/* ---- JSON ----------------------------------------------------------------------------------- */

void report_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* The shortest of %.15g / %.17g that reads back exactly; null for NaN and infinities (JSON has
 * no such numbers). */
void report_json_number(FILE *out, double v)
{
    if (!isfinite(v)) {
        fputs("null", out);
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, sizeof buf, "%.17g", v);
    fputs(buf, out);
}

/* "mean":..,"ci95_low":..,"ci95_high":..,"half_width":..,"n":N: one figure's CI in JSON. */
static void json_ci_fields(FILE *out, stats_ci ci)
{
    fputs("\"mean\":", out);
    report_json_number(out, ci.mean);
    fputs(",\"ci95_low\":", out);
    report_json_number(out, ci.lo);
    fputs(",\"ci95_high\":", out);
    report_json_number(out, ci.hi);
    fputs(",\"half_width\":", out);
    report_json_number(out, ci.half_width);
    fprintf(out, ",\"n\":%zu", ci.n);
}

static void print_major_area_json(FILE *out, const report_major_area *a);

int report_print_json(FILE *out, const report_info *info, const metrics *m, const double *rows,
                      size_t n_reps)
{
    report_info none = {0};
    if (!info) info = &none;
    fprintf(out, "{\"layout_version\":1,\"scenario\":");
    report_json_string(out, info->scenario);
    fprintf(out, ",\"seed\":%llu,\"replications\":%zu,\"replications_planned\":",
            (unsigned long long)info->seed, n_reps);
    if (info->replications_planned)
        fprintf(out, "%zu", info->replications_planned);
    else
        fputs("null", out);
    fputs(",\"figures\":{", out);
    bool first = true;
    for (size_t j = 0; j < m->n; j++) {
        const metric_def *d = &m->defs[j];
        if (d->type == METRIC_INDEX) continue; /* rep: an index, not a figure */
        stats_ci ci = column_ci(m, rows, n_reps, d->name);
        if (!first) fputc(',', out);
        first = false;
        report_json_string(out, d->name);
        fputc(':', out);
        fputc('{', out);
        json_ci_fields(out, ci);
        fputs(",\"unit\":", out);
        report_json_string(out, d->unit);
        fputc('}', out);
    }
    fputc('}', out);
    if (info->major_area) print_major_area_json(out, info->major_area);
    fputs("}\n", out);
    return ferror(out) ? -1 : 0;
}

/* ---- Comparisons and sweeps ----------------------------------------------------------------- */

/* How a figure stored in unit is shown: minutes, km, percent, counts as they are. */
static void unit_display(const char *unit, double *scale, int *decimals, const char **shown)
{
    *scale = 1;
    *decimals = 1;
    *shown = "";
    if (!unit) return;
    if (strcmp(unit, "s") == 0) {
        *scale = 1.0 / 60.0;
        *decimals = 2;
        *shown = "min";
    } else if (strcmp(unit, "m") == 0) {
        *scale = 1e-3;
        *decimals = 2;
        *shown = "km";
    } else if (strcmp(unit, "1") == 0) {
        *scale = 100;
        *shown = "%";
    }
}

/* "4.34 ± 0.27", "+0.57 ± 0.05", "4.34" (one value), "-" (none). */
static void format_ci(char *buf, double mean, double hw, double scale, int decimals, bool sign)
{
    if (!isfinite(mean)) {
        snprintf(buf, CELL_LEN, "-");
        return;
    }
    double v = mean * scale;
    if (v == 0) v = 0; /* no "-0.00" */
    if (isfinite(hw))
        snprintf(buf, CELL_LEN, sign ? "%+.*f ± %.*f" : "%.*f ± %.*f", decimals, v, decimals,
                 hw * scale);
    else
        snprintf(buf, CELL_LEN, sign ? "%+.*f" : "%.*f", decimals, v);
}

/* Prints a table of cells[n_lines][n_cols], columns sized to fit, the first left-aligned. */
static void print_grid(FILE *out, const char *const *heads, char (*cells)[CELL_LEN],
                       size_t n_lines, size_t n_cols)
{
    int width[16] = {0};
    for (size_t c = 0; c < n_cols && c < 16; c++) {
        width[c] = text_width(heads[c]);
        for (size_t l = 0; l < n_lines; l++) {
            int w = text_width(cells[l * n_cols + c]);
            if (w > width[c]) width[c] = w;
        }
    }
    for (size_t c = 0; c < n_cols && c < 16; c++) {
        if (c) fputs("   ", out);
        print_padded(out, heads[c], width[c], c > 0);
    }
    fputc('\n', out);
    for (size_t l = 0; l < n_lines; l++) {
        for (size_t c = 0; c < n_cols && c < 16; c++) {
            if (c) fputs("   ", out);
            print_padded(out, cells[l * n_cols + c], width[c], c > 0);
        }
        fputc('\n', out);
    }
}

enum { CMP_COLS = 7 };

int report_print_compare(FILE *out, const report_cmp_row *rows, size_t n)
{
    static const char *const heads[CMP_COLS] = {"figure", "A", "B", "B - A (paired)",
                                                "p-value", "significant", "variance reduction"};
    char(*cells)[CELL_LEN] = calloc((n ? n : 1) * CMP_COLS, sizeof *cells);
    if (!cells) {
        fprintf(out, "(out of memory for the comparison table)\n");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const report_cmp_row *r = &rows[i];
        char(*c)[CELL_LEN] = &cells[i * CMP_COLS];
        double scale;
        int dec;
        const char *shown;
        unit_display(r->unit, &scale, &dec, &shown);
        size_t len = strlen(r->name);
        int stem = (int)len;
        if (len > 2 && (strcmp(r->name + len - 2, "_s") == 0 || strcmp(r->name + len - 2, "_m") == 0))
            stem -= 2;
        if (shown[0])
            snprintf(c[0], CELL_LEN, "%.*s (%s)", stem, r->name, shown);
        else
            snprintf(c[0], CELL_LEN, "%.*s", stem, r->name);
        format_ci(c[1], r->a.mean, r->a.half_width, scale, dec, false);
        format_ci(c[2], r->b.mean, r->b.half_width, scale, dec, false);
        format_ci(c[3], r->d.diff, r->d.half_width, scale, dec, true);
        if (!isfinite(r->d.p_value))
            snprintf(c[4], CELL_LEN, "-");
        else if (r->d.p_value < 0.001)
            snprintf(c[4], CELL_LEN, "<0.001");
        else
            snprintf(c[4], CELL_LEN, "%.3f", r->d.p_value);
        snprintf(c[5], CELL_LEN, "%s", !isfinite(r->d.p_value) ? "-"
                                       : r->d.significant   ? "yes" : "no");
        if (isfinite(r->d.var_ratio))
            snprintf(c[6], CELL_LEN, "%.0f%%", 100 * (1 - r->d.var_ratio));
        else
            snprintf(c[6], CELL_LEN, "-");
    }
    fprintf(out, "Paired differences B - A (mean across replications ± 95%% CI half-width; "
                 "times in minutes, fractions in percent)\n");
    print_grid(out, heads, cells, n, CMP_COLS);
    free(cells);
    fprintf(out, "\nsignificant: the 95%% CI of B - A excludes 0 (two-sided paired t-test, "
                 "p < 0.05).\nvariance reduction: 1 - var(B - A) / (var(A) + var(B)), what "
                 "pairing saves against independent runs\n(90%% means independent runs would "
                 "need 10 times the replications for the same CI).\n");
    return ferror(out) ? -1 : 0;
}

void report_print_compare_json(FILE *out, const report_cmp_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const report_cmp_row *r = &rows[i];
        if (i) fputc(',', out);
        report_json_string(out, r->name);
        fputs(":{\"unit\":", out);
        report_json_string(out, r->unit);
        fprintf(out, ",\"n\":%zu,\"a\":", r->d.n);
        report_json_number(out, r->a.mean);
        fputs(",\"a_half_width\":", out);
        report_json_number(out, r->a.half_width);
        fputs(",\"b\":", out);
        report_json_number(out, r->b.mean);
        fputs(",\"b_half_width\":", out);
        report_json_number(out, r->b.half_width);
        fputs(",\"diff\":", out);
        report_json_number(out, r->d.diff);
        fputs(",\"ci95_low\":", out);
        report_json_number(out, r->d.lo);
        fputs(",\"ci95_high\":", out);
        report_json_number(out, r->d.hi);
        fputs(",\"half_width\":", out);
        report_json_number(out, r->d.half_width);
        fputs(",\"p_value\":", out);
        report_json_number(out, r->d.p_value);
        fprintf(out, ",\"significant\":%s,\"var_ratio\":", r->d.significant ? "true" : "false");
        report_json_number(out, r->d.var_ratio);
        fputs(",\"variance_reduction\":", out);
        report_json_number(out, 1 - r->d.var_ratio);
        fputs(",\"corr\":", out);
        report_json_number(out, r->d.corr);
        fputc('}', out);
    }
}

enum { SWEEP_COLS = 9 };

int report_print_sweep(FILE *out, const report_variant *v, size_t n)
{
    static const char *const heads[SWEEP_COLS] = {
        "variant", "reps", "mean", "p90", "within target", "p1 mean", "p1 within target",
        "utilisation", "mean - first (paired)"};
    static const struct {
        const char *name;
        double scale;
        int decimals;
    } cols[6] = {{"response_mean_s", 1.0 / 60.0, 2}, {"response_p90_s", 1.0 / 60.0, 2},
                 {"within_target", 100, 1},          {"p1_response_mean_s", 1.0 / 60.0, 2},
                 {"p1_within_target", 100, 1},       {"utilisation", 100, 1}};
    char(*cells)[CELL_LEN] = calloc((n ? n : 1) * SWEEP_COLS, sizeof *cells);
    if (!cells) {
        fprintf(out, "(out of memory for the sweep table)\n");
        return -1;
    }
    bool partial = false;
    for (size_t i = 0; i < n; i++) {
        char(*c)[CELL_LEN] = &cells[i * SWEEP_COLS];
        snprintf(c[0], CELL_LEN, "%s", v[i].name);
        snprintf(c[1], CELL_LEN, "%zu", v[i].n_reps);
        for (int k = 0; k < 6; k++)
            format_cell(c[2 + k], v[i].m, v[i].rows, v[i].n_reps, cols[k].name, cols[k].scale,
                        cols[k].decimals, "", &partial);
        int ja = metrics_find(v[0].m, "response_mean_s"), jb = metrics_find(v[i].m,
                                                                             "response_mean_s");
        size_t np = v[i].n_reps < v[0].n_reps ? v[i].n_reps : v[0].n_reps;
        if (i == 0 || ja < 0 || jb < 0) {
            snprintf(c[8], CELL_LEN, i == 0 ? "(baseline)" : "-");
        } else {
            paired_cmp d = paired_compare(v[0].rows + ja, v[0].m->n, v[i].rows + jb, v[i].m->n,
                                          np);
            format_ci(c[8], d.diff, d.half_width, 1.0 / 60.0, 2, true);
            if (isfinite(d.p_value)) {
                size_t len = strlen(c[8]);
                snprintf(c[8] + len, CELL_LEN - len, d.significant ? " *" : "  ");
            }
        }
    }
    fprintf(out, "Variants (mean across replications ± 95%% CI half-width; times in minutes, "
                 "fractions in percent)\n");
    print_grid(out, heads, cells, n, SWEEP_COLS);
    free(cells);
    fprintf(out, "\nmean - first: the paired difference in mean response time against the "
                 "first variant\n(same seed: the same calls replication by replication); "
                 "* significant at 5%%.\n");
    if (partial)
        fprintf(out, "(n=K): the figure rests on the K replications that had answered calls "
                     "to measure.\n");
    return ferror(out) ? -1 : 0;
}

/* ---- Ordinary calls during major incidents, by area ------------------------------------------ */

/* One area's figures across the replications that had a major incident. */
typedef struct area_fig {
    int32_t kind, area;
    stats_ci calls;          /* counted calls received during, per replication */
    stats_ci during, outside;/* mean response, each over the replications that had calls */
    stats_ci p1_during, p1_outside; /* share of priority-1 calls within target */
    paired_cmp d;            /* response: during - outside, paired by replication */
} area_fig;

/* The areas in file order (district, kinds, zones), *n of them, and the replications with a
 * major incident in *reps. NULL when out of memory or no rows. free(). */
static area_fig *area_figures(const report_major_area *a, size_t *n, size_t *reps)
{
    size_t na = 1 + a->n_kinds + a->n_zones, R = 0;
    for (size_t i = 0; i < a->n_rows; i++) R += a->rows[i].area_kind == AREA_DISTRICT;
    *n = 0;
    *reps = R;
    if (R == 0) return NULL;
    area_fig *f = calloc(na, sizeof *f);
    double *v = malloc(6 * R * sizeof *v);
    if (!f || !v) {
        free(f);
        free(v);
        return NULL;
    }
    double *calls = v, *din = v + R, *dout = v + 2 * R, *p1in = v + 3 * R, *p1out = v + 4 * R;
    for (size_t k = 0; k < na; k++) {
        int32_t kind = k == 0 ? AREA_DISTRICT : k <= a->n_kinds ? AREA_ZONE_KIND : AREA_ZONE;
        int32_t area = (int32_t)(k == 0 ? 0 : k <= a->n_kinds ? k - 1 : k - 1 - a->n_kinds);
        size_t m = 0;
        for (size_t i = 0; i < a->n_rows && m < R; i++) {
            const major_area_rec *r = &a->rows[i];
            if (r->area_kind != kind || r->area != area) continue;
            calls[m] = r->calls_during;
            din[m] = r->response_during_s;
            dout[m] = r->response_outside_s;
            p1in[m] = r->p1_within_during;
            p1out[m] = r->p1_within_outside;
            m++;
        }
        area_fig *g = &f[k];
        g->kind = kind;
        g->area = area;
        g->calls = stats_ci95(calls, m);
        g->during = stats_ci95(din, m);
        g->outside = stats_ci95(dout, m);
        g->p1_during = stats_ci95(p1in, m);
        g->p1_outside = stats_ci95(p1out, m);
        g->d = paired_compare(dout, 1, din, 1, m);
    }
    free(v);
    *n = na;
    return f;
}

static const char *area_name(const report_major_area *a, const area_fig *g)
{
    if (g->kind == AREA_DISTRICT) return "district";
    const char *const *names = g->kind == AREA_ZONE_KIND ? a->kind_names : a->zone_names;
    const char *s = names ? names[g->area] : NULL;
    return s && s[0] ? s : "?";
}

/* Zones by their difference, largest first; those without one last, in scenario order. */
static int cmp_zone_diff(const void *x, const void *y)
{
    const area_fig *a = x, *b = y;
    bool fa = isfinite(a->d.diff), fb = isfinite(b->d.diff);
    if (fa != fb) return fa ? -1 : 1;
    if (fa && a->d.diff != b->d.diff) return a->d.diff > b->d.diff ? -1 : 1;
    return (a->area > b->area) - (a->area < b->area);
}

enum { AREA_COLS = 6 };

static void print_major_area(FILE *out, const report_major_area *a, bool header)
{
    size_t n, R;
    area_fig *f = area_figures(a, &n, &R);
    if (!f) return;
    size_t zones = a->n_zones, first_zone = 1 + a->n_kinds;
    qsort(f + first_zone, zones, sizeof *f, cmp_zone_diff);
    size_t shown_zones = a->max_zones && a->max_zones < zones ? a->max_zones : zones;
    size_t lines = first_zone + shown_zones;
    char(*cells)[CELL_LEN] = calloc(lines * AREA_COLS, sizeof *cells);
    if (!cells) {
        free(f);
        return;
    }
    for (size_t l = 0; l < lines; l++) {
        const area_fig *g = &f[l];
        char(*c)[CELL_LEN] = cells + l * AREA_COLS;
        snprintf(c[0], CELL_LEN, "%s%s%s", g->kind == AREA_ZONE ? "  zone " : "",
                 area_name(a, g), g->kind == AREA_ZONE_KIND ? " zones" : "");
        format_ci(c[1], g->calls.mean, g->calls.half_width, 1.0, 1, false);
        format_ci(c[2], g->during.mean, g->during.half_width, 1.0 / 60.0, 2, false);
        format_ci(c[3], g->outside.mean, g->outside.half_width, 1.0 / 60.0, 2, false);
        format_ci(c[4], g->d.diff, g->d.half_width, 1.0 / 60.0, 2, true);
        snprintf(c[5], CELL_LEN, "%zu of %zu", g->d.n, R);
    }
    if (header)
        fprintf(out, "\nMajor incidents and the reserve (mean across replications ± 95%% CI "
                     "half-width)\n");
    fprintf(out, "\nOrdinary calls during major incidents vs outside, by area (response time, "
                 "mean in minutes\n± 95%% CI half-width, over the %zu replication%s with a major "
                 "incident)\n",
            R, R == 1 ? "" : "s");
    static const char *const heads[AREA_COLS] = {"area", "calls during/rep", "during",
                                                 "outside", "during - outside", "n"};
    print_grid(out, heads, cells, lines, AREA_COLS);
    fprintf(out, "during - outside: paired by replication. n: replications with answered calls "
                 "in the area\nduring an incident; the others drop out of that area's figures.\n");
    if (shown_zones < zones)
        fprintf(out, "Zones: the %zu of %zu with the largest differences (`patrolsim summary "
                     "--all` lists\nevery zone; --json has them all).\n", shown_zones, zones);
    free(cells);
    free(f);
}

static void json_ci(FILE *out, const char *key, stats_ci ci)
{
    fprintf(out, ",\"%s\":{", key);
    json_ci_fields(out, ci);
    fputc('}', out);
}

static void print_major_area_json(FILE *out, const report_major_area *a)
{
    size_t n = 0, R = 0;
    area_fig *f = a->n_rows ? area_figures(a, &n, &R) : NULL;
    fprintf(out, ",\"major_area\":{\"replications\":%zu,\"areas\":[", R);
    static const char *const kinds[] = {"district", "zone_kind", "zone"};
    for (size_t k = 0; k < n; k++) {
        const area_fig *g = &f[k];
        if (k) fputc(',', out);
        fprintf(out, "{\"area_kind\":\"%s\",\"area\":%d,\"name\":", kinds[g->kind], (int)g->area);
        report_json_string(out, area_name(a, g));
        json_ci(out, "calls_during", g->calls);
        json_ci(out, "response_during_s", g->during);
        json_ci(out, "response_outside_s", g->outside);
        json_ci(out, "p1_within_during", g->p1_during);
        json_ci(out, "p1_within_outside", g->p1_outside);
        fputs(",\"difference_s\":{\"mean\":", out);
        report_json_number(out, g->d.diff);
        fputs(",\"ci95_low\":", out);
        report_json_number(out, g->d.lo);
        fputs(",\"ci95_high\":", out);
        report_json_number(out, g->d.hi);
        fputs(",\"half_width\":", out);
        report_json_number(out, g->d.half_width);
        fputs(",\"p_value\":", out);
        report_json_number(out, g->d.p_value);
        fprintf(out, ",\"n\":%zu}}", g->d.n);
    }
    fputs("]}", out);
    free(f);
}
