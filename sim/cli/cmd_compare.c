/* cmd_compare.c - `patrolsim compare A.h5 B.h5`: two deployments, replication by replication.
 *
 * Replication i of A and replication i of B form a pair; for every /summary figure the two
 * files share (by column name), the table shows A, B and the paired difference B - A with its
 * Student-t 95% CI on the per-replication differences (paired.h), its p-value, and what
 * pairing saved against independent runs. Tails (p90, p95, the fractions within target) are
 * per-replication figures like the means, so they are paired the same way.
 *
 * What "the same incidents" means here. Pairing is valid for any two runs (the pairs are
 * independent of one another), but it gains from common random numbers only when both runs
 * faced the same calls. That needs the same seed and the same call model (call volume and
 * rhythm, places, incident types and their on-scene times, warm-up), but the scenario text and
 * overrides are a poor test of it: deployments differ in text by design, and a call-model edit
 * can hide anywhere. So compare checks the outcome itself: the incidents recorded in
 * /incidents, replication by replication, one by one (when each happened, where, its type by
 * name, priority and time on scene; results_same_calls). When it was *reported* is left out on
 * purpose: cameras report sooner, and cameras are part of a deployment (the 2015 and 2016
 * scenarios differ in exactly that). It says which case holds:
 *   - same seed and the same incidents: common random numbers; the table is the sharpest answer;
 *   - different seeds: independent replications; the CIs are valid but wider (a warning);
 *   - same seed, different incidents: the call models differ (a warning naming the first
 *     incident that differs), so part of B - A comes from different demand, not deployment;
 *   - different warm-up or horizon: the figures cover different periods (a warning).
 * --strict turns the warnings into a refusal (exit status 2), for scripts that must only
 * compare deployments under one call model.
 *
 * --power D: the replications needed to detect a true difference D in mean response time
 * (response_mean_s) with a two-sided 5% test and 80% power, from the sd of the paired
 * differences (and what independent runs would need, from var(A) + var(B)).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "paired.h"
#include "report.h"
#include "results.h"
#include "stats.h"

#define CMP_POWER 0.8

static void compare_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim compare A.h5 B.h5 [--json] [--power D] [--strict]\n"
            "\n"
            "Compares two results files replication by replication (pairs: replication i of A\n"
            "and of B). For every figure of /summary: A, B, and the difference B - A with its\n"
            "paired 95%% confidence interval, p-value and significance, and the variance\n"
            "reduction pairing achieved against independent runs. Runs with the same seed and\n"
            "call model face the same incidents (common random numbers); compare checks the\n"
            "incidents themselves and warns when they differ.\n"
            "\n"
            "  --json      print the comparison as one JSON object (keys in docs/experiments.md)\n"
            "  --power D   replications needed to detect a difference D in mean response time\n"
            "              (seconds, or with a unit: 30s, 0.5min) at 5%% significance, 80%% power\n"
            "  --strict    refuse (exit status 2) when the runs did not face the same incidents\n"
            "  -h, --help  print this help\n");
}

/* "30", "30s", "0.5min", "2m" (minutes) as seconds. */
static int compare_parse_delta(const char *arg, double *s)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || !isfinite(v) || v <= 0) return -1;
    if (*end == '\0' || strcmp(end, "s") == 0)
        *s = v;
    else if (strcmp(end, "min") == 0 || strcmp(end, "m") == 0)
        *s = 60 * v;
    else
        return -1;
    return 0;
}

/* The override lines of one file that the other lacks, as "a=1, b=2" ("" when none). */
static void compare_overrides_only(const char *mine, const char *other, char *buf, size_t len)
{
    buf[0] = '\0';
    char *km = results_overrides_key(mine), *ko = results_overrides_key(other);
    if (!km || !ko) {
        free(km);
        free(ko);
        return;
    }
    size_t used = 0;
    for (char *save = NULL, *l = strtok_r(km, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        /* Whole-line match within the other key. */
        bool found = false;
        size_t ll = strlen(l);
        for (const char *p = ko; (p = strstr(p, l)) != NULL; p += ll)
            if ((p == ko || p[-1] == '\n') && (p[ll] == '\n' || p[ll] == '\0')) {
                found = true;
                break;
            }
        if (found) continue;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", l);
        if (w < 0 || (size_t)w >= len - used) break;
        used += (size_t)w;
    }
    free(km);
    free(ko);
}

typedef struct compare_file {
    const char *path;
    results_summary s;
    char only[1024]; /* its overrides the other lacks */
} compare_file;

int cmd_compare(int argc, char **argv)
{
    const char *paths[2] = {NULL, NULL};
    bool json = false, strict = false, options_done = false;
    double delta = 0;
    int n_paths = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            compare_usage(stdout);
            return 0;
        } else if (!options_done && strcmp(a, "--json") == 0) {
            json = true;
        } else if (!options_done && strcmp(a, "--strict") == 0) {
            strict = true;
        } else if (!options_done && strcmp(a, "--power") == 0) {
            if (i + 1 >= argc || compare_parse_delta(argv[i + 1], &delta)) {
                fprintf(stderr,
                        "patrolsim compare: --power: expected a positive difference in "
                        "seconds, e.g. 30 or 0.5min (got '%s')\n",
                        i + 1 < argc ? argv[i + 1] : "");
                return 2;
            }
            i++;
        } else if (!options_done && strcmp(a, "--") == 0) {
            options_done = true;
        } else if (!options_done && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "patrolsim compare: unknown option '%s'\n", a);
            compare_usage(stderr);
            return 2;
        } else if (n_paths == 2) {
            fprintf(stderr, "patrolsim compare: two files, A and B (got a third, '%s')\n", a);
            return 2;
        } else {
            paths[n_paths++] = a;
        }
    }
    if (n_paths != 2) {
        fprintf(stderr, "patrolsim compare: needs two results files, A and B\n");
        compare_usage(stderr);
        return 2;
    }

    compare_file f[2] = {{.path = paths[0]}, {.path = paths[1]}};
    char err[1024];
    int rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        int r = results_read_summary(f[k].path, &f[k].s, err, sizeof err);
        if (r) {
            fprintf(stderr, "%s\n", err);
            rc = r == RESULTS_ENOMEM ? 1 : 2;
        }
    }
    report_cmp_row *rows = NULL;
    if (rc) goto out;
    compare_overrides_only(f[0].s.overrides, f[1].s.overrides, f[0].only, sizeof f[0].only);
    compare_overrides_only(f[1].s.overrides, f[0].s.overrides, f[1].only, sizeof f[1].only);

    /* Pairs, and whether they share their calls. */
    size_t na = f[0].s.n_reps, nb = f[1].s.n_reps, np = na < nb ? na : nb;
    char warn[4][600];
    int n_warn = 0;
    bool same_seed = f[0].s.seed == f[1].s.seed;
    int same_calls = -1; /* -1 not checked (seeds differ), 0 no, 1 yes */
    char why[512] = "";
    if (f[0].s.rep_first != 0 || f[1].s.rep_first != 0) {
        fprintf(stderr,
                "patrolsim compare: %s starts at replication %d and %s at %d: compare "
                "whole runs (merge shards first with 'patrolsim merge')\n",
                f[0].path, f[0].s.rep_first, f[1].path, f[1].s.rep_first);
        rc = 2;
        goto out;
    }
    if (np == 0) {
        fprintf(stderr, "patrolsim compare: %s has no replication to compare\n",
                na == 0 ? f[0].path : f[1].path);
        rc = 2;
        goto out;
    }
    if (!same_seed) {
        snprintf(warn[n_warn++], sizeof warn[0],
                 "the seeds differ (%llu and %llu): the replications are independent, not "
                 "common random numbers; the paired CIs are valid but gain nothing from pairing",
                 (unsigned long long)f[0].s.seed, (unsigned long long)f[1].s.seed);
    } else {
        same_calls = results_same_calls(f[0].path, f[1].path, np, why, sizeof why, err, sizeof err);
        if (same_calls < 0) {
            fprintf(stderr, "%s\n", err);
            rc = same_calls == RESULTS_ENOMEM ? 1 : 2;
            goto out;
        }
        if (!same_calls)
            snprintf(warn[n_warn++], sizeof warn[0],
                     "same seed, but the runs did not face the same incidents (%s): their call "
                     "models differ, so B - A mixes the effect of deployment with that of "
                     "different demand",
                     why);
    }
    if (!(f[0].s.warmup_s == f[1].s.warmup_s && f[0].s.horizon_s == f[1].s.horizon_s))
        snprintf(warn[n_warn++], sizeof warn[0],
                 "the runs cover different periods (warm-up %.0f s and %.0f s, horizon %.0f s "
                 "and %.0f s): the figures are not like for like",
                 f[0].s.warmup_s, f[1].s.warmup_s, f[0].s.horizon_s, f[1].s.horizon_s);
    if (strict && n_warn) {
        for (int w = 0; w < n_warn; w++)
            fprintf(stderr, "patrolsim compare: %s\n", warn[w]);
        fprintf(stderr, "patrolsim compare: refused (--strict): the runs are not a comparison "
                        "under common random numbers\n");
        rc = 2;
        goto out;
    }

    /* Figures: every column of A that B has too, in A's order. */
    const metrics *ma = &f[0].s.m, *mb = &f[1].s.m;
    rows = calloc(ma->n, sizeof *rows);
    if (!rows) {
        fprintf(stderr, "patrolsim compare: out of memory\n");
        rc = 1;
        goto out;
    }
    size_t nr = 0, only_a = 0;
    int main_col = -1;
    for (size_t j = 0; j < ma->n; j++) {
        const metric_def *d = &ma->defs[j];
        if (d->type == METRIC_INDEX) continue;
        int jb = metrics_find(mb, d->name);
        if (jb < 0) {
            only_a++;
            continue;
        }
        report_cmp_row *r = &rows[nr];
        r->name = d->name;
        r->unit = d->unit;
        r->a = stats_ci95_strided(f[0].s.rows + j, np, ma->n);
        r->b = stats_ci95_strided(f[1].s.rows + jb, np, mb->n);
        r->d = paired_compare(f[0].s.rows + j, ma->n, f[1].s.rows + jb, mb->n, np);
        if (strcmp(d->name, "response_mean_s") == 0) main_col = (int)nr;
        nr++;
    }
    size_t only_b = 0;
    for (size_t j = 0; j < mb->n; j++)
        if (mb->defs[j].type != METRIC_INDEX && metrics_find(ma, mb->defs[j].name) < 0) only_b++;

    /* The power question, on the main figure. */
    size_t need_paired = 0, need_indep = 0;
    double sd_indep = NAN;
    const paired_cmp *pm = main_col >= 0 ? &rows[main_col].d : NULL;
    if (delta > 0 && pm) {
        need_paired = paired_reps_needed(pm->sd_diff, delta, CMP_POWER);
        sd_indep = sqrt(pm->sd_a * pm->sd_a + pm->sd_b * pm->sd_b);
        need_indep = paired_reps_needed(sd_indep, delta, CMP_POWER);
    }

    if (json) {
        printf("{\"layout_version\":1,\"a\":{\"file\":");
        for (int k = 0; k < 2; k++) {
            if (k) printf(",\"b\":{\"file\":");
            report_json_string(stdout, f[k].path);
            printf(",\"scenario\":");
            report_json_string(stdout, f[k].s.scenario_name);
            printf(",\"seed\":%llu,\"replications\":%zu,\"overrides\":",
                   (unsigned long long)f[k].s.seed, f[k].s.n_reps);
            report_json_string(stdout, f[k].s.overrides);
            printf("}");
        }
        printf(",\"pairs\":%zu,\"same_seed\":%s,\"same_incidents\":%s,\"warnings\":[", np,
               same_seed ? "true" : "false",
               same_calls < 0 ? "null"
               : same_calls   ? "true"
                              : "false");
        for (int w = 0; w < n_warn; w++) {
            if (w) putchar(',');
            report_json_string(stdout, warn[w]);
        }
        printf("],\"figures\":{");
        report_print_compare_json(stdout, rows, nr);
        printf("}");
        if (delta > 0) {
            printf(",\"power\":{\"figure\":\"response_mean_s\",\"delta_s\":");
            report_json_number(stdout, delta);
            printf(",\"alpha\":0.05,\"power\":%g,\"sd_diff_s\":", CMP_POWER);
            report_json_number(stdout, pm ? pm->sd_diff : NAN);
            printf(",\"replications_paired\":");
            if (need_paired && need_paired != SIZE_MAX)
                printf("%zu", need_paired);
            else
                printf("null");
            printf(",\"replications_independent\":");
            if (need_indep && need_indep != SIZE_MAX)
                printf("%zu", need_indep);
            else
                printf("null");
            printf("}");
        }
        printf("}\n");
    } else {
        for (int k = 0; k < 2; k++) {
            printf("%s: %s (scenario %s, %zu replications, seed %llu%s%s)\n", k ? "B" : "A",
                   f[k].path, f[k].s.scenario_name, f[k].s.n_reps, (unsigned long long)f[k].s.seed,
                   f[k].only[0] ? "; " : "", f[k].only);
        }
        printf("Pairs: replications 0..%zu (%zu pairs)", np - 1, np);
        if (na != nb)
            printf("; the last %zu of %s are left out", na > nb ? na - nb : nb - na,
                   na > nb ? "A" : "B");
        printf(".\n");
        if (same_calls == 1)
            printf("Common random numbers: both runs faced the same incidents, replication by "
                   "replication (same seed, same call model).\n");
        for (int w = 0; w < n_warn; w++)
            printf("WARNING: %s.\n", warn[w]);
        if (only_a || only_b)
            printf("Figures in one file only (another number of priorities): %zu in A, %zu in "
                   "B; left out.\n",
                   only_a, only_b);
        putchar('\n');
        report_print_compare(stdout, rows, nr);
        if (delta > 0) {
            printf("\nTo detect a true difference of %g s (%.2f min) in mean response time with a "
                   "two-sided 5%% test and 80%% power:\n",
                   delta, delta / 60);
            if (!pm || !isfinite(pm->sd_diff))
                printf("  cannot say: it needs the sd of at least 2 paired replications.\n");
            else {
                if (need_paired == SIZE_MAX)
                    printf("  paired (as here): more than 10^9 replications");
                else
                    printf("  paired (as here): %zu replications", need_paired);
                printf(" (sd of the differences %.2f s over %zu pairs)\n", pm->sd_diff, pm->n);
                if (need_indep == SIZE_MAX)
                    printf("  independent runs: more than 10^9 replications each\n");
                else
                    printf("  independent runs: %zu replications each (sd %.2f s)\n", need_indep,
                           sd_indep);
            }
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "patrolsim compare: cannot write to standard output\n");
        rc = 1;
    }
out:
    free(rows);
    results_summary_fini(&f[0].s);
    results_summary_fini(&f[1].s);
    return rc;
}
