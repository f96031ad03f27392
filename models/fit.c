/* fit.c - estimating the call model from a history. See fit.h for the methods.
 *
 * Everything is counting except the on-scene fits: those use GSL for the
 * distribution functions (gsl_cdf_*), the digamma and trigamma functions of the
 * gamma MLE and the bootstrap's random indices (a project stream, rng.h, so a
 * given seed gives the same intervals on every machine).
 */
#include "fit.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "stats.h"

#define FIT_Z95 1.959963984540054

void fit_opts_init(fit_opts *o)
{
    o->bootstrap = 400;
    o->seed = 20161130;
}

const char *fit_dist_name(fit_dist_kind k)
{
    static const char *const names[FIT_N_DISTS] = {"exponential", "lognormal", "gamma"};
    return names[k];
}

/* Wilson score interval of a proportion k / n, scaled by `scale`. */
static fit_ci fit_wilson(size_t k, size_t n, double scale)
{
    fit_ci c = {NAN, NAN, NAN};
    if (n == 0) return c;
    double p = (double)k / (double)n, z2 = FIT_Z95 * FIT_Z95, nn = (double)n;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = FIT_Z95 * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    c.est = scale * p;
    c.lo = scale * fmax(0, centre - half);
    c.hi = scale * fmin(1, centre + half);
    return c;
}

/* ------------------------------------------------------------------------ */
/* On-scene distributions.                                                   */

/* Solves ln k - psi(k) = s for the gamma shape (s > 0): Newton from the
 * closed-form approximation of Minka (2002), kept positive. */
static double fit_gamma_shape(double s)
{
    double k = (3 - s + sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
    for (int it = 0; it < 100; it++) {
        double f = log(k) - gsl_sf_psi(k) - s;
        double df = 1 / k - gsl_sf_psi_1(k);
        double next = k - f / df;
        if (!(next > 0)) next = k / 2;
        if (fabs(next - k) <= 1e-12 * k) {
            k = next;
            break;
        }
        k = next;
    }
    return k;
}

/* The asymptotic Kolmogorov distribution, with Stephens' small-sample factor. */
static double fit_ks_pvalue(double d, size_t n)
{
    double sn = sqrt((double)n), lam = (sn + 0.12 + 0.11 / sn) * d;
    if (lam < 0.2) return 1;
    double sum = 0;
    for (int j = 1; j <= 100; j++) {
        double term = 2 * ((j % 2) ? 1 : -1) * exp(-2.0 * j * j * lam * lam);
        sum += term;
        if (fabs(term) < 1e-14) break;
    }
    return fmin(1, fmax(0, sum));
}

static double fit_cdf(fit_dist_kind k, const fit_dist *f, double x)
{
    switch (k) {
    case FIT_EXPONENTIAL:
        return gsl_cdf_exponential_P(x, f->p1);
    case FIT_LOGNORMAL:
        return gsl_cdf_lognormal_P(x, f->p1, f->p2);
    default:
        return gsl_cdf_gamma_P(x, f->p1, f->p2);
    }
}

static double fit_ks(fit_dist_kind k, const fit_dist *f, const double *sorted, size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double F = fit_cdf(k, f, sorted[i]);
        double a = (double)(i + 1) / (double)n - F, b = F - (double)i / (double)n;
        if (a > d) d = a;
        if (b > d) d = b;
    }
    return d;
}

/* Sums for the fits: mean, mean of logs, variance of logs (MLE). */
typedef struct fit_sums {
    double mean, mlog, vlog, slog;
} fit_sums;

/* The sums over x[idx[i]] (all of x when idx is NULL); lx holds log(x), computed
 * once, so that a bootstrap resample costs no logarithm. */
static fit_sums fit_sums_of(const double *x, const double *lx, size_t n, const size_t *idx)
{
    fit_sums s = {0, 0, 0, 0};
    double sq = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = idx ? idx[i] : i;
        s.mean += x[j];
        s.slog += lx[j];
    }
    s.mean /= (double)n;
    s.mlog = s.slog / (double)n;
    /* Two passes for the variance: logs of times cluster, one pass would cancel. */
    for (size_t i = 0; i < n; i++) {
        double e = lx[idx ? idx[i] : i] - s.mlog;
        sq += e * e;
    }
    s.vlog = sq / (double)n;
    return s;
}

/* Mean and sd of distribution k fitted to sums s. */
static void fit_moments(fit_dist_kind k, const fit_sums *s, double *mean, double *sd)
{
    if (k == FIT_EXPONENTIAL) {
        *mean = *sd = s->mean;
    } else if (k == FIT_LOGNORMAL) {
        double s2 = s->vlog;
        *mean = exp(s->mlog + s2 / 2);
        *sd = *mean * sqrt(expm1(s2));
    } else {
        double g = log(s->mean) - s->mlog;
        double shape = g > 0 ? fit_gamma_shape(g) : INFINITY;
        *mean = s->mean;
        *sd = s->mean / sqrt(shape);
    }
}

int fit_onscene(double *x, size_t n, fit_dist dist[FIT_N_DISTS], int *best)
{
    memset(dist, 0, FIT_N_DISTS * sizeof *dist);
    *best = -1;
    if (n < 2) return 0;
    stats_sort(x, n);
    if (x[0] == x[n - 1]) return 0;
    double *lx = malloc(n * sizeof *lx);
    if (!lx) return -1;
    for (size_t i = 0; i < n; i++)
        lx[i] = log(x[i]);
    fit_sums s = fit_sums_of(x, lx, n, NULL);
    free(lx);
    double nn = (double)n, sumx = s.mean * nn;
    /* Exponential. */
    fit_dist *e = &dist[FIT_EXPONENTIAL];
    e->p1 = s.mean;
    e->loglik = -nn * log(s.mean) - nn;
    e->bic = 1 * log(nn) - 2 * e->loglik;
    /* Lognormal: mu and sigma by MLE on the logs. */
    fit_dist *l = &dist[FIT_LOGNORMAL];
    l->p1 = s.mlog;
    l->p2 = sqrt(s.vlog);
    l->loglik = -s.slog - nn * log(l->p2) - nn / 2 * log(2 * M_PI) - nn / 2;
    l->bic = 2 * log(nn) - 2 * l->loglik;
    /* Gamma: the shape from ln(mean) - mean(ln x), the scale from the mean. */
    fit_dist *g = &dist[FIT_GAMMA];
    double gs = log(s.mean) - s.mlog;
    g->p1 = fit_gamma_shape(gs);
    g->p2 = s.mean / g->p1;
    g->loglik =
        (g->p1 - 1) * s.slog - sumx / g->p2 - nn * g->p1 * log(g->p2) - nn * gsl_sf_lngamma(g->p1);
    g->bic = 2 * log(nn) - 2 * g->loglik;
    for (int k = 0; k < FIT_N_DISTS; k++) {
        fit_dist *f = &dist[k];
        fit_moments((fit_dist_kind)k, &s, &f->mean_s, &f->sd_s);
        f->ok = isfinite(f->loglik) && f->mean_s > 0;
        /* A gamma outside sd in [0.05, 2] x mean cannot be inverted by GSL (scenario.h). */
        f->usable =
            f->ok && (k != FIT_GAMMA || (f->sd_s >= 0.05 * f->mean_s && f->sd_s <= 2 * f->mean_s));
        if (!f->ok) continue;
        f->ks_d = fit_ks((fit_dist_kind)k, f, x, n);
        f->ks_p = fit_ks_pvalue(f->ks_d, n);
        if (f->usable && (*best < 0 || f->bic < dist[*best].bic)) *best = k;
    }
    return 0;
}

/* Percentile bootstrap of the chosen distribution's mean and sd. */
static void fit_bootstrap(const double *x, size_t n, fit_dist_kind k, const fit_opts *o,
                          uint32_t stream, fit_ci *mean, fit_ci *sd, int *oom)
{
    size_t b = o->bootstrap;
    if (b < 10) return;
    gsl_rng *r = rng_stream_create(o->seed, 0, stream);
    size_t *idx = malloc(n * sizeof *idx);
    double *bm = malloc(b * sizeof *bm), *bs = malloc(b * sizeof *bs);
    double *lx = malloc(n * sizeof *lx);
    if (!r || !idx || !bm || !bs || !lx) {
        *oom = 1;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        lx[i] = log(x[i]);
    for (size_t j = 0; j < b; j++) {
        for (size_t i = 0; i < n; i++)
            idx[i] = (size_t)gsl_rng_uniform_int(r, n);
        fit_sums s = fit_sums_of(x, lx, n, idx);
        fit_moments(k, &s, &bm[j], &bs[j]);
        if (!isfinite(bs[j])) bs[j] = 0; /* a resample of equal values */
    }
    stats_sort(bm, b);
    stats_sort(bs, b);
    mean->lo = stats_quantile_sorted(bm, b, 0.025);
    mean->hi = stats_quantile_sorted(bm, b, 0.975);
    sd->lo = stats_quantile_sorted(bs, b, 0.025);
    sd->hi = stats_quantile_sorted(bs, b, 0.975);
done:
    if (r) gsl_rng_free(r);
    free(lx);
    free(idx);
    free(bm);
    free(bs);
}

/* ------------------------------------------------------------------------ */
/* The whole fit.                                                            */

int fit_history(const history *h, const net *g, const fit_opts *o, fit_result *out)
{
    memset(out, 0, sizeof *out);
    size_t n = h->n_calls;
    double days = h->days;
    long nd = (long)ceil(days);
    out->n_calls = n;
    out->days = days;
    out->start_weekday = h->start_weekday;
    double *daily = calloc((size_t)(nd > 0 ? nd : 1), sizeof *daily);
    double *x = malloc((n ? n : 1) * sizeof *x);
    out->types = calloc(h->n_types ? h->n_types : 1, sizeof *out->types);
    int oom = !daily || !x || !out->types;
    if (oom) goto done;

    /* Days of each weekday: whole days, plus a part day at the end. */
    double wdays[7] = {0};
    for (long j = 0; j < nd; j++) {
        double len = fmin(1.0, days - (double)j);
        wdays[(h->start_weekday + j) % 7] += len;
        out->weekday_days[(h->start_weekday + j) % 7]++;
    }
    size_t hour_n[24] = {0}, wd_n[7] = {0};
    for (size_t i = 0; i < n; i++) {
        const history_call *c = &h->calls[i];
        long day = (long)floor(c->t_s / 86400.0);
        int hour = (int)floor(fmod(c->t_s, 86400.0) / 3600.0);
        if (hour > 23) hour = 23;
        hour_n[hour]++;
        wd_n[(h->start_weekday + day) % 7]++;
        if (day < nd) daily[day] += 1;
    }
    /* Weekly profile and the rate. */
    out->weekly_fitted = true;
    for (int d = 0; d < 7; d++)
        out->weekly_fitted = out->weekly_fitted && wdays[d] >= 1;
    double r[7], v[7], S = 0;
    if (out->weekly_fitted) {
        for (int d = 0; d < 7; d++) {
            r[d] = (double)wd_n[d] / wdays[d];
            v[d] = (double)wd_n[d] / (wdays[d] * wdays[d]);
            S += r[d];
        }
        out->per_day.est = S / 7;
    } else {
        out->per_day.est = (double)n / days;
    }
    /* Dispersion of the daily counts around the fitted profile. */
    double chi2 = 0;
    long df = 0;
    for (long j = 0; j < nd; j++) {
        double len = fmin(1.0, days - (double)j);
        int wd = (int)((h->start_weekday + j) % 7);
        double e = out->per_day.est * len * (out->weekly_fitted ? 7 * r[wd] / S : 1);
        if (e > 0) {
            chi2 += (daily[j] - e) * (daily[j] - e) / e;
            df++;
        }
    }
    df -= out->weekly_fitted ? 7 : 1;
    out->dispersion = df > 0 ? chi2 / (double)df : NAN;
    double infl = isfinite(out->dispersion) && out->dispersion > 1 ? out->dispersion : 1;
    double se;
    if (out->weekly_fitted) {
        double sv = 0;
        for (int d = 0; d < 7; d++)
            sv += v[d];
        se = sqrt(sv * infl) / 7;
        for (int d = 0; d < 7; d++) {
            double a = 7 * (S - r[d]) / (S * S), b = 7 * r[d] / (S * S), var = a * a * v[d];
            for (int j = 0; j < 7; j++)
                if (j != d) var += b * b * v[j];
            double w = 7 * r[d] / S, sw = sqrt(var * infl);
            out->weekly[d] = (fit_ci){w, fmax(0, w - FIT_Z95 * sw), w + FIT_Z95 * sw};
        }
    } else {
        se = sqrt((double)n * infl) / days;
        for (int d = 0; d < 7; d++)
            out->weekly[d] = (fit_ci){1, NAN, NAN};
    }
    out->per_day.lo = fmax(0, out->per_day.est - FIT_Z95 * se);
    out->per_day.hi = out->per_day.est + FIT_Z95 * se;
    for (int k = 0; k < 24; k++)
        out->hourly[k] = fit_wilson(hour_n[k], n, 24);

    /* Zones. */
    if (g && g->n_zones > 0) {
        out->n_zones = g->n_zones;
        out->zone_weight = calloc(g->n_zones, sizeof *out->zone_weight);
        out->zone_calls = calloc(g->n_zones, sizeof *out->zone_calls);
        if (!out->zone_weight || !out->zone_calls) {
            oom = 1;
            goto done;
        }
        size_t with_zone = 0;
        for (size_t i = 0; i < n; i++) {
            int32_t v2 = h->calls[i].node;
            int32_t z = v2 >= 0 ? g->nodes[v2].zone : -1;
            if (z < 0) {
                out->n_no_zone++;
                continue;
            }
            out->zone_calls[z]++;
            with_zone++;
        }
        for (size_t z = 0; z < g->n_zones; z++)
            out->zone_weight[z] = fit_wilson(out->zone_calls[z], with_zone, 1);
    }

    /* Types, priorities and on-scene times. */
    out->n_types = h->n_types;
    size_t n_all = 0;
    for (size_t t = 0; t < h->n_types; t++) {
        fit_type *ft = &out->types[t];
        ft->name = h->type_names[t];
        size_t prio_n[6] = {0}, k = 0;
        for (size_t i = 0; i < n; i++) {
            const history_call *c = &h->calls[i];
            if (c->type != (int32_t)t) continue;
            ft->n++;
            prio_n[c->priority]++;
            if (!isnan(c->onscene_s)) x[k++] = c->onscene_s;
        }
        ft->share = fit_wilson(ft->n, n, 1);
        for (int p = 1; p <= 5; p++)
            if (prio_n[p] > prio_n[ft->priority]) ft->priority = p;
        for (int p = 1; p <= 5; p++)
            if (p != ft->priority) ft->n_priority_other += prio_n[p];
        ft->n_onscene = k;
        ft->mean_s = ft->sd_s = (fit_ci){NAN, NAN, NAN};
        if (fit_onscene(x, k, ft->dist, &ft->best) < 0) oom = 1;
        if (ft->best >= 0) {
            const fit_dist *f = &ft->dist[ft->best];
            ft->mean_s.est = f->mean_s;
            ft->sd_s.est = f->sd_s;
            fit_bootstrap(x, k, (fit_dist_kind)ft->best, o, (uint32_t)t, &ft->mean_s, &ft->sd_s,
                          &oom);
        } else if (k > 0) {
            /* One value, or all equal: "fixed". */
            ft->fixed = true;
            ft->mean_s.est = x[0];
        }
        n_all += k;
    }
    /* Pooled over the types, for a type without times. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(h->calls[i].onscene_s)) x[k++] = h->calls[i].onscene_s;
    if (fit_onscene(x, k, out->pooled, &out->pooled_best) < 0) oom = 1;
    (void)n_all;
done:
    free(daily);
    free(x);
    if (oom) {
        fit_result_fini(out);
        return -1;
    }
    return 0;
}

void fit_result_fini(fit_result *r)
{
    free(r->types);
    free(r->zone_weight);
    free(r->zone_calls);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------------ */
/* The fragment.                                                             */

/* A libconfig string literal. */
static void fit_put_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* A number that libconfig reads as a float: always with a point or an exponent. */
static void fit_put_float(FILE *f, double v, int digits)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    fputs(buf, f);
    if (!strpbrk(buf, ".eEn")) fputs(".0", f);
}

static const char *const fit_weekday[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const fit_weekday_long[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};

/* The on-scene line and its comments, for distribution k of f. */
static void fit_put_onscene(FILE *out, const fit_type *t, const fit_dist *dist, int best,
                            bool pooled)
{
    fprintf(out, "    onscene = { dist = \"%s\"; ", fit_dist_name((fit_dist_kind)best));
    const fit_dist *b = &dist[best];
    fprintf(out, "mean_s = ");
    fit_put_float(out, round(b->mean_s * 10) / 10, 8);
    fprintf(out, ";");
    if (best != FIT_EXPONENTIAL) {
        fprintf(out, " sd_s = ");
        fit_put_float(out, round(b->sd_s * 10) / 10, 8);
        fprintf(out, ";");
    }
    fprintf(out, " };\n");
    if (pooled) {
        fprintf(out, "    # no call of this type gives its time on scene: the fit of all types "
                     "together\n");
    } else {
        fprintf(out, "    # on scene, %zu times: mean %.0f s (95%% CI %.0f-%.0f)", t->n_onscene,
                t->mean_s.est, t->mean_s.lo, t->mean_s.hi);
        if (best != FIT_EXPONENTIAL)
            fprintf(out, ", sd %.0f s (%.0f-%.0f)", t->sd_s.est, t->sd_s.lo, t->sd_s.hi);
        fprintf(out, "\n");
    }
    fprintf(out, "    #   BIC:");
    for (int k = 0; k < FIT_N_DISTS; k++) {
        if (!dist[k].ok) continue;
        fprintf(out, " %s %.1f", fit_dist_name((fit_dist_kind)k), dist[k].bic);
        if (k != best) fprintf(out, " (%+.1f)", dist[k].bic - b->bic);
        if (!dist[k].usable) fprintf(out, " [sd outside 0.05-2 x mean: not usable]");
        fprintf(out, k + 1 < FIT_N_DISTS ? ";" : "");
    }
    fprintf(out, "\n    #   Kolmogorov-Smirnov: D = %.4f, p = %.3g%s\n", b->ks_d, b->ks_p,
            b->ks_p < 0.01 ? " - A POOR FIT: look at the times of this type"
                           : " (optimistic: parameters fitted to these data)");
}

int fit_fragment_write(const fit_result *r, const history *h, const net *g, const char *zone_kind,
                       FILE *out)
{
    fprintf(out, "# Call model fitted by 'patrolsim fit' from %s:\n", h->path);
    fprintf(out, "# %zu calls over %g days", r->n_calls, r->days);
    if (h->iso_times)
        fprintf(out, " from %04d-%02d-%02d", h->day0_year, h->day0_month, h->day0_day);
    fprintf(out, ";\n# day 0 is a %s (run.start_weekday = %d replays the same weekdays).\n",
            fit_weekday_long[r->start_weekday], r->start_weekday);
    fprintf(out, "# Each estimate has its 95%% confidence interval in a comment. Put the groups\n"
                 "# below in a scenario in place of its own (scenarios/README.md, \"Scenario "
                 "files\").\n# Not in a history, so keep the scenario's: calls.handling, and "
                 "each type's\n# officers and unit_kinds.\n");
    fprintf(out, "calls : {\n  per_day = ");
    fit_put_float(out, round(r->per_day.est * 100) / 100, 10);
    fprintf(out, ";   # 95%% CI %.2f-%.2f", r->per_day.lo, r->per_day.hi);
    if (isfinite(r->dispersion))
        fprintf(out, "; daily counts' dispersion %.2f%s", r->dispersion,
                r->dispersion > 1.5 ? " (burstier than Poisson: CI widened)" : "");
    fprintf(out, "\n  hourly = [");
    for (int k = 0; k < 24; k++)
        fprintf(out, "%s%.4f",
                k == 0       ? " "
                : k % 8 == 0 ? ",\n             "
                             : ", ",
                r->hourly[k].est);
    fprintf(out, " ];\n  # by hour, 00-01 first, mean 1; 95%% CIs:");
    for (int k = 0; k < 24; k++)
        fprintf(out, "%s%02d %.2f-%.2f", k % 6 == 0 ? "\n  #  " : ", ", k, r->hourly[k].lo,
                r->hourly[k].hi);
    fprintf(out, "\n  weekly = [");
    for (int d = 0; d < 7; d++)
        fprintf(out, "%s%.4f", d ? ", " : " ", r->weekly[d].est);
    fprintf(out, " ];\n");
    if (r->weekly_fitted) {
        fprintf(out, "  # Monday first, mean 1; 95%% CIs:");
        for (int d = 0; d < 7; d++)
            fprintf(out, "%s%s %.2f-%.2f", d == 0 ? " " : ", ", fit_weekday[d], r->weekly[d].lo,
                    r->weekly[d].hi);
        fprintf(out, "\n");
    } else {
        fprintf(out, "  # the history is shorter than a week: no weekly profile\n");
    }
    fprintf(out, "};\n");

    fprintf(out, "incident_types = (\n");
    for (size_t t = 0; t < r->n_types; t++) {
        const fit_type *ft = &r->types[t];
        fprintf(out, "  { name = ");
        fit_put_string(out, ft->name);
        fprintf(out, "; priority = %d; share = ", ft->priority ? ft->priority : 3);
        fit_put_float(out, ft->share.est, 6);
        fprintf(out, ";   # 95%% CI %.4f-%.4f, %zu calls\n", ft->share.lo, ft->share.hi, ft->n);
        if (ft->priority == 0)
            fprintf(out, "    # NO PRIORITY in the history for this type: 3 is a placeholder, "
                         "set it\n");
        else if (ft->n_priority_other)
            fprintf(out, "    # %zu of its calls give another priority than %d\n",
                    ft->n_priority_other, ft->priority);
        if (ft->best >= 0) {
            fit_put_onscene(out, ft, ft->dist, ft->best, false);
        } else if (ft->fixed) {
            fprintf(out, "    onscene = { dist = \"fixed\"; mean_s = ");
            fit_put_float(out, round(ft->mean_s.est * 10) / 10, 8);
            fprintf(out, "; };\n    # on scene: %zu time%s, all equal\n", ft->n_onscene,
                    ft->n_onscene == 1 ? "" : "s");
        } else if (r->pooled_best >= 0) {
            fit_put_onscene(out, ft, r->pooled, r->pooled_best, true);
        } else {
            fprintf(out, "    onscene = { dist = \"fixed\"; mean_s = 1800.0; };\n"
                         "    # NO ON-SCENE TIMES in the history: 30 minutes is a placeholder, "
                         "set it\n");
        }
        fprintf(out, "  }%s\n", t + 1 < r->n_types ? "," : "");
    }
    fprintf(out, ");\n");

    if (r->zone_weight && g) {
        fprintf(out,
                "# Zone weights: each zone's share of the calls. The history cannot tell a "
                "zone's kind:\n# every zone is given kind \"%s\"; set each one's.\n",
                zone_kind);
        if (r->n_no_zone)
            fprintf(out, "# %zu calls are on nodes without a zone and are left out.\n",
                    r->n_no_zone);
        fprintf(out, "zones = (\n");
        for (size_t z = 0; z < r->n_zones; z++) {
            fprintf(out, "  { name = ");
            fit_put_string(out, g->zone_names[z]);
            fprintf(out, "; kind = ");
            fit_put_string(out, zone_kind);
            fprintf(out, "; weight = ");
            fit_put_float(out, round(r->zone_weight[z].est * 1e5) / 1e5, 6);
            fprintf(out, "; }%s   # 95%% CI %.4f-%.4f, %zu calls\n", z + 1 < r->n_zones ? "," : "",
                    r->zone_weight[z].lo, r->zone_weight[z].hi, r->zone_calls[z]);
        }
        fprintf(out, ");\n");
    }
    return ferror(out) ? -1 : 0;
}
