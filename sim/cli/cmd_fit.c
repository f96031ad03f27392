/* cmd_fit.c - `patrolsim fit HISTORY.csv`: the call model of a scenario from past calls.
 *
 *   patrolsim fit HISTORY.csv [-o FRAGMENT.cfg] [--network NETWORK.txt] [options]
 *
 * Reads a call history (history.h; format in scenarios/README.md, "Call history
 * files"), estimates the call generator's parameters (fit.h) and writes them as
 * a scenario fragment with 95% confidence intervals in comments: to standard
 * output, or to FRAGMENT.cfg with a short summary on standard output. With a
 * network, positions are snapped to it (a far one is an error) and zone
 * weights are estimated when its nodes have zones.
 *
 * Exit status: 0 written, 2 bad usage or bad input (every bad row reported as
 * file:line: column: what), 1 a failure while running (memory, a write).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "fit.h"
#include "history.h"
#include "net.h"

static void fit_usage(FILE *out)
{
    fprintf(
        out,
        "usage: patrolsim fit HISTORY.csv [-o FRAGMENT.cfg] [--network NETWORK.txt] [options]\n"
        "\n"
        "Estimates the call model from a history of calls: calls per day, the hourly and\n"
        "weekly profiles, the type mix and priorities, on-scene time distributions per type\n"
        "(exponential, lognormal or gamma, by BIC, checked with Kolmogorov-Smirnov) and,\n"
        "with a zoned network, zone weights. Writes a scenario fragment (the calls group,\n"
        "the incident_types list, the zones list) with 95%% confidence intervals in comments.\n"
        "See scenarios/README.md, \"Call history files\".\n"
        "\n"
        "  -o FILE             write the fragment there (default: standard output)\n"
        "  --network FILE      snap positions to this network; zone weights from its zones\n"
        "  --max-snap-m M      a position farther than M m from every node is an error (250)\n"
        "  --days D            the history covers D days from day 0 (default: to the last call)\n"
        "  --start-weekday W   weekday of day 0 when times are seconds, 0 = Monday (0)\n"
        "  --zone-kind NAME    the kind written for every zone (\"urban\")\n"
        "  --bootstrap B       resamples for the on-scene CIs (400)\n"
        "  --seed S            seed of the bootstrap (20161130)\n"
        "  -h, --help          print this help\n");
}

/* Parses a number option; reports into d. */
static double fit_arg_number(const char *opt, const char *s, double lo, double hi, diag *d)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < lo || v > hi) {
        diag_error(d, "<command line>", 0, opt, "expected a number in [%g, %g] (got '%s')", lo, hi,
                   s);
        return NAN;
    }
    return v;
}

int cmd_fit(int argc, char **argv)
{
    const char *in = NULL, *out_path = NULL, *net_path = NULL, *zone_kind = "urban";
    history_opts ho;
    history_opts_init(&ho);
    fit_opts fo;
    fit_opts_init(&fo);
    diag *d = diag_create();
    if (!d) {
        fprintf(stderr, "patrolsim fit: out of memory\n");
        return 1;
    }
    int rc = 2;
    net *g = NULL;
    history *h = NULL;
    fit_result r;
    bool have_result = false;
    FILE *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fit_usage(stdout);
            rc = 0;
            goto done;
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && has_val) {
            out_path = argv[++i];
        } else if (strcmp(a, "--network") == 0 && has_val) {
            net_path = argv[++i];
        } else if (strcmp(a, "--zone-kind") == 0 && has_val) {
            zone_kind = argv[++i];
        } else if (strcmp(a, "--max-snap-m") == 0 && has_val) {
            ho.max_snap_m = fit_arg_number(a, argv[++i], 0, 1e7, d);
        } else if (strcmp(a, "--days") == 0 && has_val) {
            ho.days = fit_arg_number(a, argv[++i], 1, 36600, d);
        } else if (strcmp(a, "--start-weekday") == 0 && has_val) {
            double w = fit_arg_number(a, argv[++i], 0, 6, d);
            if (isfinite(w) && w != floor(w))
                diag_error(d, "<command line>", 0, a, "expected an integer 0-6 (got '%s')",
                           argv[i]);
            ho.start_weekday = isfinite(w) ? (int)w : 0;
        } else if (strcmp(a, "--bootstrap") == 0 && has_val) {
            double b = fit_arg_number(a, argv[++i], 0, 1e6, d);
            fo.bootstrap = isfinite(b) ? (size_t)b : 0;
        } else if (strcmp(a, "--seed") == 0 && has_val) {
            double s = fit_arg_number(a, argv[++i], 0, 9007199254740992.0, d);
            fo.seed = isfinite(s) ? (uint64_t)s : 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "patrolsim fit: unknown option '%s'%s\n", a,
                    has_val ? "" : " (or it lacks its value)");
            fit_usage(stderr);
            goto done;
        } else if (in) {
            fprintf(stderr, "patrolsim fit: one history at a time (got '%s' and '%s')\n", in, a);
            goto done;
        } else {
            in = a;
        }
    }
    if (!in) {
        fprintf(stderr, "patrolsim fit: no call history given\n");
        fit_usage(stderr);
        goto done;
    }
    if (!*zone_kind) diag_error(d, "<command line>", 0, "--zone-kind", "the name is empty");
    if (isnan(ho.max_snap_m) || isnan(ho.days)) goto done;
    if (diag_count(d) > 0) goto done;
    if (net_path && !(g = net_load(net_path, d))) goto done;
    if (!(h = history_load(in, g, &ho, d))) goto done;
    if (fit_history(h, g, &fo, &r) < 0) {
        diag_error(d, in, 0, NULL, "out of memory fitting the history");
        rc = 1;
        goto done;
    }
    have_result = true;
    out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        diag_error(d, out_path, 0, NULL, "cannot create the fragment: %s", strerror(errno));
        rc = 1;
        goto done;
    }
    int wr = fit_fragment_write(&r, h, g, zone_kind, out);
    if (out != stdout) {
        if (fclose(out) != 0) wr = -1;
    } else if (fflush(out) != 0) {
        wr = -1;
    }
    out = NULL;
    if (wr < 0) {
        diag_error(d, out_path ? out_path : "<stdout>", 0, NULL, "cannot write the fragment");
        rc = 1;
        goto done;
    }
    if (out_path) {
        printf("read %s: %zu calls over %g days, %zu types%s%s\n", in, r.n_calls, r.days, r.n_types,
               *h->ignored ? "; ignored columns: " : "", h->ignored);
        printf("  calls per day %.2f (95%% CI %.2f-%.2f)\n", r.per_day.est, r.per_day.lo,
               r.per_day.hi);
        for (size_t t = 0; t < r.n_types; t++) {
            const fit_type *ft = &r.types[t];
            printf("  %-20s share %.4f, priority %d, on scene: ", ft->name, ft->share.est,
                   ft->priority);
            if (ft->best >= 0)
                printf("%s, mean %.0f s, KS p = %.2g\n", fit_dist_name((fit_dist_kind)ft->best),
                       ft->mean_s.est, ft->dist[ft->best].ks_p);
            else
                printf("%s\n", ft->fixed ? "fixed" : "no times");
        }
        if (r.zone_weight) printf("  zone weights for %zu zones\n", r.n_zones);
        printf("wrote %s\n", out_path);
    }
    rc = 0;
done:
    diag_print(d, stderr);
    if (out && out != stdout) fclose(out);
    if (have_result) fit_result_fini(&r);
    history_destroy(h);
    net_destroy(g);
    diag_destroy(d);
    return rc;
}
