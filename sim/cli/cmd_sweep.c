/* cmd_sweep.c - `patrolsim sweep SCENARIO`: a set of variants of a scenario, one results file
 * each, an index, and a table across them.
 *
 * Variants come from a full factorial over --vary 'path=v1,v2,...' (every combination; the
 * first --vary changes slowest) or from a file of named variants (--variants; the format is in
 * sweep_usage and docs/experiments.md, read by sweep_read_variants). Each variant is the
 * scenario with the common --set overrides, then its own, applied in that order; all share the
 * seed, so they face the same incidents (common random numbers) and the table's last column,
 * the paired difference in mean response time against the first variant, is sharp.
 *
 * Output: DIR/<variant>.h5 per variant (DIR defaults to results/<scenario>-sweep), and
 * DIR/index.csv, one line per variant (columns in sweep_write_index), rewritten after every
 * variant so that an interrupted sweep still has an index of what is done. With --resume a
 * variant whose file is complete is not run again, and one interrupted is continued. Under
 * mpirun every variant's replications are spread over all ranks (batch.h), one variant after
 * another.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "args.h"
#include "batch.h"
#include "cli.h"
#include "cluster.h"
#include "diag.h"
#include "paired.h"
#include "report.h"
#include "results.h"
#include "rfile.h"
#include "run_opts.h"
#include "stats.h"

#define SWEEP_MAX_VARIANTS 10000
#define SWEEP_NAME_MAX     128

static void sweep_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim sweep SCENARIO (--vary 'path=v1,v2,...'... | --variants FILE)\n"
            "                       [options]\n"
            "Runs every variant of a scenario with the same seed (so the variants face the same\n"
            "calls), one results file each, and prints the key figures across variants.\n"
            "  --vary 'path=v1,v2'    a setting and its values; several --vary make a full\n"
            "                         factorial (every combination; the first changes slowest)\n"
            "  --variants FILE        named variants, one a line: NAME [path=value]...\n"
            "                         ('#' starts a comment; a line with a name only is the\n"
            "                         scenario as it is; values contain no spaces)\n"
            "  -o, --output DIR       where the files go (default: results/<scenario>-sweep):\n"
            "                         DIR/<variant>.h5 and DIR/index.csv\n"
            "  -r, --reps N           replications per variant (overrides run.replications)\n"
            "  -s, --seed N           master seed, the same for every variant\n"
            "  -j, --threads N        worker threads per process (0 = all cores)\n"
            "      --set path=value   an override for every variant (before the variant's own)\n"
            "      --resume           skip variants already complete, continue an interrupted one\n"
            "      --precision X[%%]   per variant, stop once the 95%% CI half-width of the mean\n"
            "                         response time is at most X seconds (or X%% of the mean)\n"
            "  -q, --quiet            no progress display and no table\n"
            "Under 'mpirun -np N patrolsim sweep ...' each variant's replications are spread over\n"
            "the ranks.\n");
}

/* One variant: its name and its own overrides (strings owned by the sweep). */
typedef struct sweep_variant {
    char name[SWEEP_NAME_MAX];
    char **sets;
    size_t n_sets;
    char settings[512]; /* the overrides as one line, for the index */
} sweep_variant;

typedef struct sweep_list {
    sweep_variant *v;
    size_t n, cap;
} sweep_list;

static void sweep_list_fini(sweep_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < l->v[i].n_sets; k++)
            free(l->v[i].sets[k]);
        free(l->v[i].sets);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static sweep_variant *sweep_list_add(sweep_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        sweep_variant *p = realloc(l->v, cap * sizeof *p);
        if (!p) return NULL;
        l->v = p;
        l->cap = cap;
    }
    sweep_variant *v = &l->v[l->n++];
    memset(v, 0, sizeof *v);
    return v;
}

static int sweep_variant_set(sweep_variant *v, const char *kv)
{
    char **p = realloc(v->sets, (v->n_sets + 1) * sizeof *p);
    if (!p) return -1;
    v->sets = p;
    if (!(v->sets[v->n_sets] = strdup(kv))) return -1;
    v->n_sets++;
    size_t used = strlen(v->settings);
    snprintf(v->settings + used, sizeof v->settings - used, "%s%s", used ? " " : "", kv);
    return 0;
}

/* Characters allowed in a variant name (it becomes a file name). */
static bool sweep_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.' || c == '+' || c == '=';
}

/* Appends text to a name, replacing what a file name should not hold by '_'. */
static void sweep_name_append(char *name, const char *text)
{
    size_t n = strlen(name);
    for (; *text && n + 1 < SWEEP_NAME_MAX; text++)
        name[n++] = sweep_name_char(*text) ? *text : '_';
    name[n] = '\0';
}

/* ---- --vary: a full factorial ---------------------------------------------------------------- */

typedef struct sweep_factor {
    char path[256];
    char short_name[256]; /* the last part of the path, or the whole when two would clash */
    char **values;
    size_t n_values;
} sweep_factor;

static void sweep_factors_fini(sweep_factor *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < f[i].n_values; k++)
            free(f[i].values[k]);
        free(f[i].values);
    }
    free(f);
}

/* Parses "path=v1,v2,..." into f. A message and -1 for a bad one. */
static int sweep_factor_parse(const char *arg, sweep_factor *f)
{
    memset(f, 0, sizeof *f);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof f->path || !eq[1]) {
        fprintf(stderr, "patrolsim sweep: --vary '%s': expected path=value1,value2,...\n", arg);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%.*s", (int)(eq - arg), arg);
    const char *dot = strrchr(f->path, '.');
    snprintf(f->short_name, sizeof f->short_name, "%s", dot ? dot + 1 : f->path);
    char *vals = strdup(eq + 1);
    if (!vals) return -1;
    int rc = 0;
    for (char *save = NULL, *t = strtok_r(vals, ",", &save); t && !rc;
         t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        size_t len = strlen(t);
        while (len && t[len - 1] == ' ')
            t[--len] = '\0';
        if (!len) continue;
        char **p = realloc(f->values, (f->n_values + 1) * sizeof *p);
        if (!p || !(p[f->n_values] = strdup(t))) {
            if (p) f->values = p;
            rc = -1;
            break;
        }
        f->values = p;
        f->n_values++;
    }
    free(vals);
    if (!rc && f->n_values == 0) {
        fprintf(stderr, "patrolsim sweep: --vary '%s': no values\n", arg);
        rc = -1;
    }
    return rc;
}

/* Every combination of the factors' values, the first factor slowest. */
static int sweep_factorial(sweep_factor *f, size_t nf, sweep_list *out)
{
    size_t total = 1;
    for (size_t i = 0; i < nf; i++) {
        total *= f[i].n_values;
        if (total > SWEEP_MAX_VARIANTS) {
            fprintf(stderr, "patrolsim sweep: more than %d variants\n", SWEEP_MAX_VARIANTS);
            return -1;
        }
    }
    /* Short names must tell the factors apart; fall back to full paths when two clash. */
    for (size_t i = 0; i < nf; i++)
        for (size_t j = 0; j < nf; j++)
            if (i != j && strcmp(f[i].short_name, f[j].short_name) == 0)
                snprintf(f[i].short_name, sizeof f[i].short_name, "%s", f[i].path);
    for (size_t c = 0; c < total; c++) {
        sweep_variant *v = sweep_list_add(out);
        if (!v) return -1;
        size_t rest = c, stride = total;
        for (size_t i = 0; i < nf; i++) {
            stride /= f[i].n_values;
            const char *val = f[i].values[rest / stride];
            rest %= stride;
            char kv[512];
            snprintf(kv, sizeof kv, "%s=%s", f[i].path, val);
            if (sweep_variant_set(v, kv)) return -1;
            if (i) sweep_name_append(v->name, "+");
            sweep_name_append(v->name, f[i].short_name);
            sweep_name_append(v->name, "=");
            sweep_name_append(v->name, val);
        }
    }
    return 0;
}

/* ---- --variants FILE ------------------------------------------------------------------------- */

/* Reads named variants; every problem as "FILE:LINE: message" into d. */
static int sweep_read_variants(const char *path, sweep_list *out, diag *d)
{
    char why[128];
    FILE *fp = rfile_open(path, "r", why, sizeof why); /* a FIFO would block a plain fopen */
    if (!fp) {
        diag_error(d, path, 0, "", "cannot open: %s", why);
        return -1;
    }
    char line[4096];
    int ln = 0, rc = 0;
    while (fgets(line, sizeof line, fp)) {
        ln++;
        if (!strchr(line, '\n') && !feof(fp)) {
            diag_error(d, path, ln, "", "line longer than %zu characters", sizeof line - 2);
            rc = -1;
            int ch;
            while ((ch = fgetc(fp)) != EOF && ch != '\n') {
            }
            continue;
        }
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *save = NULL, *name = strtok_r(line, " \t\r\n", &save);
        if (!name) continue;
        bool bad = false;
        for (const char *p = name; *p; p++)
            bad |= !sweep_name_char(*p);
        if (bad || strlen(name) >= SWEEP_NAME_MAX) {
            diag_error(d, path, ln, name,
                       "a variant name is letters, digits and - _ . + = only "
                       "(at most %d characters): it becomes a file name",
                       SWEEP_NAME_MAX - 1);
            rc = -1;
            continue;
        }
        for (size_t i = 0; i < out->n; i++)
            if (strcmp(out->v[i].name, name) == 0) {
                diag_error(d, path, ln, name, "a second variant of that name");
                rc = -1;
            }
        sweep_variant *v = sweep_list_add(out);
        if (!v) {
            fclose(fp);
            return -1;
        }
        snprintf(v->name, sizeof v->name, "%s", name);
        for (char *t = strtok_r(NULL, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
            char *eq = strchr(t, '=');
            if (!eq || eq == t || !eq[1]) {
                diag_error(d, path, ln, name, "expected path=value (got '%s')", t);
                rc = -1;
            } else if (sweep_variant_set(v, t)) {
                fclose(fp);
                return -1;
            }
        }
        if (out->n > SWEEP_MAX_VARIANTS) {
            diag_error(d, path, ln, "", "more than %d variants", SWEEP_MAX_VARIANTS);
            rc = -1;
            break;
        }
    }
    if (ferror(fp)) {
        diag_error(d, path, ln, "", "read error");
        rc = -1;
    }
    fclose(fp);
    if (rc == 0 && out->n == 0) {
        diag_error(d, path, 0, "", "no variants (one a line: NAME [path=value]...)");
        rc = -1;
    }
    return rc;
}

/* ---- Output ---------------------------------------------------------------------------------- */

/* mkdir -p. */
static int sweep_mkdirs(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) return -1;
            *s = '/';
        }
    return mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* What the index and the table need of one variant after it ran. */
typedef struct sweep_done {
    bool ran; /* complete (run now or found complete) */
    metrics m;
    double *rows;
    size_t n_reps;
    uint64_t seed;
} sweep_done;

/* A CSV field: quoted when it holds a comma, quote or space. */
static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\" \n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static void csv_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.10g", v);
    else
        fputs(",", f);
}

static const char *const sweep_index_figures[] = {
    "response_mean_s",    "response_p90_s",   "response_p95_s", "within_target",
    "p1_response_mean_s", "p1_within_target", "wait_mean_s",    "utilisation",
};
#define SWEEP_N_FIG (sizeof sweep_index_figures / sizeof sweep_index_figures[0])

/* DIR/index.csv: one line per variant (done or not), written to a temporary name and renamed.
 * Columns: variant, file, settings, status, replications, seed, then for each figure its
 * mean and 95% half-width (<figure>, <figure>_hw), then the paired difference in
 * response_mean_s against the first variant (diff_response_mean_s, diff_response_mean_s_hw,
 * diff_response_mean_s_p). Empty cells: not available. */
static int sweep_write_index(const char *dir, const sweep_list *l, const sweep_done *done)
{
    char path[4200], tmp[4210];
    snprintf(path, sizeof path, "%s/index.csv", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fputs("variant,file,settings,status,replications,seed", f);
    for (size_t k = 0; k < SWEEP_N_FIG; k++)
        fprintf(f, ",%s,%s_hw", sweep_index_figures[k], sweep_index_figures[k]);
    fputs(",diff_response_mean_s,diff_response_mean_s_hw,diff_response_mean_s_p\n", f);
    int ja = done[0].ran ? metrics_find(&done[0].m, "response_mean_s") : -1;
    for (size_t i = 0; i < l->n; i++) {
        const sweep_done *d = &done[i];
        char file[SWEEP_NAME_MAX + 8];
        snprintf(file, sizeof file, "%s.h5", l->v[i].name);
        csv_field(f, l->v[i].name);
        fputc(',', f);
        csv_field(f, file);
        fputc(',', f);
        csv_field(f, l->v[i].settings);
        fprintf(f, ",%s", d->ran ? "complete" : "not run");
        if (d->ran)
            fprintf(f, ",%zu,%llu", d->n_reps, (unsigned long long)d->seed);
        else
            fputs(",,", f);
        for (size_t k = 0; k < SWEEP_N_FIG; k++) {
            int j = d->ran ? metrics_find(&d->m, sweep_index_figures[k]) : -1;
            stats_ci ci = j >= 0 ? stats_ci95_strided(d->rows + j, d->n_reps, d->m.n)
                                 : (stats_ci){.mean = NAN, .half_width = NAN};
            csv_number(f, ci.mean);
            csv_number(f, ci.half_width);
        }
        int jb = d->ran ? metrics_find(&d->m, "response_mean_s") : -1;
        if (i > 0 && ja >= 0 && jb >= 0) {
            size_t np = d->n_reps < done[0].n_reps ? d->n_reps : done[0].n_reps;
            paired_cmp c = paired_compare(done[0].rows + ja, done[0].m.n, d->rows + jb, d->m.n, np);
            csv_number(f, c.diff);
            csv_number(f, c.half_width);
            csv_number(f, c.p_value);
        } else {
            fputs(",,,", f);
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    static const struct option opts[] = {RUN_OPTS_LONG,
                                         {"vary", required_argument, NULL, 'V'},
                                         {"variants", required_argument, NULL, 'F'},
                                         {0}};
    char err[2048];
    cluster *cl = cluster_start(&argc, &argv, err, sizeof err);
    if (!cl) {
        fprintf(stderr, "patrolsim sweep: %s\n", err);
        return 1;
    }
    bool lead = cluster_rank(cl) == 0;
    FILE *say = lead ? stderr : NULL;

    run_opts o = {.threads = -1};
    sweep_list list = {0};
    sweep_factor *factors = NULL;
    size_t n_factors = 0;
    sweep_done *done = NULL;
    const char *variants_file = NULL;
    char default_dir[4096];
    int c, rc = 2;
    optind = 1;
    opterr = lead;
    while ((c = getopt_long(argc, argv, RUN_OPTS_SHORT, opts, NULL)) != -1) {
        switch (c) {
        case 'V': {
            sweep_factor *p = realloc(factors, (n_factors + 1) * sizeof *p);
            if (!p) goto oom;
            factors = p;
            if (sweep_factor_parse(optarg, &factors[n_factors])) {
                sweep_factors_fini(factors, n_factors + 1);
                factors = NULL;
                n_factors = 0;
                goto out;
            }
            n_factors++;
            break;
        }
        case 'F':
            variants_file = optarg;
            break;
        case 'h':
            if (lead) sweep_usage(stdout);
            rc = 0;
            goto out;
        default: {
            int took = run_opts_take(&o, c, optarg, say, "patrolsim sweep");
            if (took == -2) goto oom;
            if (took == 1 && say) sweep_usage(say);
            if (took) goto out;
        }
        }
    }
    const char *dir = o.output;
    if (optind != argc - 1) {
        if (say) sweep_usage(say);
        goto out;
    }
    if ((n_factors > 0) == (variants_file != NULL)) {
        if (say)
            fprintf(say, "patrolsim sweep: give the variants either by --vary (one or more) or "
                         "by --variants FILE\n");
        goto out;
    }
    if (n_factors) {
        if (sweep_factorial(factors, n_factors, &list)) goto out;
    } else {
        diag *d = diag_create();
        if (!d) goto oom;
        int r = sweep_read_variants(variants_file, &list, d);
        if (r && say) diag_print(d, say);
        diag_destroy(d);
        if (r) goto out;
    }
    done = calloc(list.n, sizeof *done);
    if (!done) goto oom;

    struct sigaction old_sig[2];
    volatile sig_atomic_t *stop = run_opts_catch(old_sig);

    rc = 0;
    const char *base = argv[optind];
    for (size_t i = 0; i < list.n && rc == 0; i++) {
        sweep_variant *v = &list.v[i];
        /* The common overrides, then the variant's: a later --set of a path wins. */
        args_sets all = {0};
        for (size_t k = 0; k < o.sets.n; k++)
            if (args_sets_add(&all, o.sets.kv[k])) rc = 1;
        for (size_t k = 0; k < v->n_sets; k++)
            if (args_sets_add(&all, v->sets[k])) rc = 1;
        diag *d = diag_create();
        scenario *s = d && !rc ? scen_load(base, all.kv, all.n, d) : NULL;
        if (!s && lead && d && !rc) {
            fprintf(stderr, "patrolsim sweep: variant %s (%s):\n", v->name,
                    v->settings[0] ? v->settings : "no settings");
            diag_print(d, stderr);
        }
        diag_destroy(d);
        int ok = 1;
        char out_path[4400];
        if (s && !dir) {
            snprintf(default_dir, sizeof default_dir, "results/%s-sweep", s->name);
            dir = default_dir;
        }
        if (s) {
            snprintf(out_path, sizeof out_path, "%s/%s.h5", dir, v->name);
            if (lead && sweep_mkdirs(dir)) {
                fprintf(stderr, "patrolsim sweep: cannot create directory '%s': %s\n", dir,
                        strerror(errno));
                ok = 0;
            }
        }
        int agreed = batch_agree(cl, s, ok, err, sizeof err);
        if (agreed) {
            if (lead && err[0]) fprintf(stderr, "patrolsim sweep: %s\n", err);
            rc = agreed == -3 ? 1 : 2;
            scen_destroy(s);
            args_sets_fini(&all);
            break;
        }
        int th = batch_threads(cl, o.threads, s);
        metrics m;
        if (metrics_init(&m, s->n_priorities)) {
            scen_destroy(s);
            args_sets_fini(&all);
            rc = 1;
            break;
        }
        if (lead && !o.quiet) {
            printf("variant %zu of %zu: %s (%s)\n", i + 1, list.n, v->name,
                   v->settings[0] ? v->settings : "the scenario as it is");
            fflush(stdout);
        }
        batch_opts bo = {
            .threads = th,
            .rep_first = 0,
            .rep_end = (uint32_t)s->replications,
            .resume = o.resume,
            .precision = o.precision,
            .precision_relative = o.relative,
            .progress = lead && !o.quiet,
            .label = v->name,
            .stop = stop,
        };
        batch_out b;
        int st = batch_run(cl, s, &m, out_path, &bo, cli_command_line, &b, err, sizeof err);
        if (!lead) {
            if (st) fprintf(stderr, "patrolsim sweep: %s\n", err);
            rc = st ? 1 : 0;
            batch_out_fini(&b);
            metrics_fini(&m);
        } else if (st == BATCH_DONE) {
            done[i].ran = true;
            done[i].m = m;
            done[i].rows = b.rows;
            done[i].n_reps = b.n_rows;
            done[i].seed = s->seed;
            b.rows = NULL;
            if (!o.quiet) {
                int j = metrics_find(&m, "response_mean_s");
                stats_ci ci = stats_ci95_strided(done[i].rows + j, done[i].n_reps, m.n);
                printf("  %zu replications%s, mean response %.2f ± %.2f min -> %s\n\n",
                       done[i].n_reps, b.already_complete ? " (already complete)" : "",
                       ci.mean / 60, ci.half_width / 60, out_path);
                fflush(stdout);
            }
            batch_out_fini(&b);
            if (sweep_write_index(dir, &list, done))
                fprintf(stderr, "patrolsim sweep: cannot write %s/index.csv: %s\n", dir,
                        strerror(errno));
        } else {
            if (st == BATCH_STOPPED) {
                fprintf(stderr,
                        "patrolsim sweep: stopped in variant %s after %zu of %d "
                        "replications; they are kept in %s.tmp\n",
                        v->name, b.n_rows, s->replications, out_path);
                batch_print_resume_hint(stderr, cli_command_line, cluster_size(cl));
                rc = 130;
            } else {
                fprintf(stderr, "patrolsim sweep: variant %s: %s\n", v->name, err);
                rc = st == BATCH_REFUSED ? 2 : 1;
            }
            batch_out_fini(&b);
            metrics_fini(&m);
        }
        scen_destroy(s);
        args_sets_fini(&all);
    }
    run_opts_release(old_sig);

    if (lead && rc == 0 && !o.quiet) {
        report_variant *rv = calloc(list.n, sizeof *rv);
        if (rv) {
            for (size_t i = 0; i < list.n; i++)
                rv[i] = (report_variant){list.v[i].name, &done[i].m, done[i].rows, done[i].n_reps};
            printf("Sweep of %s: %zu variant%s, seed %llu, results in %s (index.csv)\n\n", base,
                   list.n, list.n == 1 ? "" : "s", (unsigned long long)done[0].seed, dir);
            report_print_sweep(stdout, rv, list.n);
            free(rv);
        }
    }
out:
    if (done)
        for (size_t i = 0; i < list.n; i++)
            if (done[i].ran) {
                metrics_fini(&done[i].m);
                free(done[i].rows);
            }
    free(done);
    sweep_factors_fini(factors, n_factors);
    sweep_list_fini(&list);
    args_sets_fini(&o.sets);
    cluster_stop(cl);
    return rc;
oom:
    fprintf(stderr, "patrolsim sweep: out of memory\n");
    rc = 1;
    goto out;
}
