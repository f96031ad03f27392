/* trace.c - reading a scenario's `incidents` group (a call history to replay)
 * and describing it for `patrolsim check`. See trace.h for what a trace-driven
 * run is; the replay itself is in calls.c.
 *
 * read_incidents runs inside the scenario loader, after the network and the
 * incident types (the history's types must be the scenario's, and its
 * positions snap to the scenario's network). The file is read twice: once
 * whole, to hash it into the scenario's inputs like every other input file,
 * and once by history_load, which reports bad rows by line. That costs a
 * second read of a file of a few hundred kilobytes, against a history reader
 * that stays independent of the loader.
 */
#include "trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "scen_loader.h"

static const char *const trace_day_name[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                             "Friday", "Saturday", "Sunday"};

void trace_destroy(scen_trace *t)
{
    if (!t) return;
    free(t->path);
    free(t->calls);
    free(t);
}

/* Copies the history's calls before the horizon into t, with each priority
 * resolved (the row's, else the type's) and checked against the priorities
 * the scenario has targets for. Returns false after reporting a bad row. */
static bool trace_take_calls(loader *L, scen_trace *t, const history *h)
{
    const scenario *s = L->s;
    bool ok = true;
    double sum_snap = 0;
    size_t n_snap = 0;
    t->snap_max_m = NAN;
    t->calls = malloc((h->n_calls ? h->n_calls : 1) * sizeof *t->calls);
    if (!t->calls) {
        diag_error(L->c.d, t->path, 0, NULL, "out of memory reading the call history");
        return false;
    }
    for (size_t i = 0; i < h->n_calls; i++) {
        const history_call *hc = &h->calls[i];
        if (L->priorities_ok && hc->priority > s->n_priorities) {
            diag_error(L->c.d, t->path, hc->line, "priority",
                       "%d, but the scenario's incident types go to priority %d (the zone kinds "
                       "give targets for priorities 1..%d): leave it empty to use the type's",
                       hc->priority, s->n_priorities, s->n_priorities);
            ok = false;
            continue;
        }
        if (hc->t_s >= s->horizon_s) {
            t->n_dropped++;
            continue;
        }
        const scen_itype *it = &s->types[hc->type];
        t->calls[t->n_calls++] =
            (trace_call){.t_s = hc->t_s,
                         .node = (uint32_t)hc->node,
                         .type = hc->type,
                         .priority = hc->priority ? hc->priority : it->priority,
                         .onscene_s = hc->onscene_s};
        t->n_onscene_known += !isnan(hc->onscene_s);
        t->n_priority_given += hc->priority != 0;
        if (!isnan(hc->snap_m)) {
            sum_snap += hc->snap_m;
            n_snap++;
            if (!(hc->snap_m <= t->snap_max_m)) t->snap_max_m = hc->snap_m;
        }
    }
    t->snap_mean_m = n_snap ? sum_snap / (double)n_snap : NAN;
    return ok;
}

/* The run's calendar from the history: day 0's weekday, and the horizon when
 * run.horizon_days is not given. */
static void trace_calendar(loader *L, scen_trace *t, const history *h)
{
    scenario *s = L->s;
    const config_setting_t *run = sc_member(L->root, "run");
    const config_setting_t *wd = sc_member(run, "start_weekday");
    long long v;
    if (h->iso_times) {
        if (wd && sc_get_int(run, "start_weekday", &v) == 1 && v >= 0 && v <= 6 &&
            v != h->start_weekday)
            sc_err(&L->c, wd,
                   "is %lld (%s), but the call history '%s' starts on %s %04d-%02d-%02d: leave "
                   "run.start_weekday out (a history with dates sets day 0) or make it %d",
                   v, trace_day_name[v], t->path, trace_day_name[h->start_weekday], h->day0_year,
                   h->day0_month, h->day0_day, h->start_weekday);
        s->start_weekday = h->start_weekday;
    }
    t->horizon_given = sc_member(run, "horizon_days") != NULL;
    if (!t->horizon_given) {
        s->horizon_s = h->days * DAY_S;
        const config_setting_t *wu = sc_member(run, "warmup_days");
        if (wu && s->warmup_s >= s->horizon_s)
            sc_err(&L->c, wu, "must be < the call history's %g days (got %g)", h->days,
                   s->warmup_s / DAY_S);
    }
}

void read_incidents(loader *L)
{
    const config_setting_t *in = sc_member(L->root, "incidents");
    scenario *s = L->s;
    const char *rel;
    if (!in) return;
    /* Unless the history says otherwise, its rows snap as far as the scenario's
     * own positions may (network.max_snap_m, read before this). */
    double snap_default = L->max_snap_ok ? L->max_snap_m : 250, max_snap_m = snap_default;
    bool snap_ok = num_key(L, in, "max_snap_m", snap_default, 0, INFINITY, OPEN_LO, &max_snap_m);
    if (!str_key(L, in, "source", &rel)) return;
    scen_trace *t = s->trace = calloc(1, sizeof *t);
    if (!t || !(t->path = resolve(L, rel))) {
        diag_error(L->c.d, L->c.file, 0, NULL, "out of memory reading the call history");
        return;
    }
    t->max_snap_m = max_snap_m;
    size_t len;
    char *bytes = read_input(L, sc_member(in, "source"), t->path, SCEN_MAX_INPUT_BYTES, &len);
    if (!bytes) return;
    free(bytes);

    /* The calls need the network to be placed on and named types to be typed
     * by; when either failed, that was reported and a second message here
     * would only repeat it. */
    bool named = s->types && s->n_types > 0;
    for (size_t k = 0; named && k < s->n_types; k++)
        named = s->types[k].name != NULL;
    if (!s->net || !named || !snap_ok) return;
    const char **names = malloc(s->n_types * sizeof *names);
    if (!names) {
        diag_error(L->c.d, L->c.file, 0, NULL, "out of memory reading the call history");
        return;
    }
    for (size_t k = 0; k < s->n_types; k++)
        names[k] = s->types[k].name;
    history_opts o;
    history_opts_init(&o);
    o.type_names = names;
    o.n_types = s->n_types;
    o.max_snap_m = max_snap_m;
    o.start_weekday = s->start_weekday; /* what day 0 is when the times are seconds */
    history *h = history_load(t->path, s->net, &o, L->c.d);
    free(names);
    if (!h) return;
    t->n_rows = h->n_calls;
    t->days = h->days;
    t->iso_times = h->iso_times;
    t->day0_year = h->day0_year;
    t->day0_month = h->day0_month;
    t->day0_day = h->day0_day;
    trace_calendar(L, t, h);
    if (trace_take_calls(L, t, h) && t->n_calls == 0 && s->horizon_s > 0)
        sc_err(&L->c, sc_member(sc_member(L->root, "run"), "horizon_days"),
               "ends (day %g) before the call history's first call: nothing to replay",
               s->horizon_s / DAY_S);
    /* Each replication holds its calls in memory, as generated ones (calls.c). */
    if (t->n_calls > SCEN_MAX_CALLS_PER_REP)
        sc_err(&L->c, sc_member(in, "source"),
               "the history holds %zu calls before the horizon, more than the %.3g a "
               "replication may hold: replay a part of it (run.horizon_days)",
               t->n_calls, (double)SCEN_MAX_CALLS_PER_REP);
    history_destroy(h);
}

/* Days of the run that the replayed calls cover: the horizon, or the history
 * when it ends sooner. */
static double trace_span_days(const scenario *s)
{
    double h = s->horizon_s / DAY_S;
    return s->trace->days < h ? s->trace->days : h;
}

double trace_type_per_day(const scenario *s, size_t k)
{
    const scen_trace *t = s->trace;
    size_t n = 0;
    for (size_t i = 0; i < t->n_calls; i++)
        n += t->calls[i].type == (int32_t)k;
    double span = trace_span_days(s);
    return span > 0 ? (double)n / span : 0;
}

double trace_calls_in_hour(const scenario *s, int wd, int h)
{
    const scen_trace *t = s->trace;
    size_t n = 0, days = 0;
    long span = (long)ceil(trace_span_days(s));
    for (long d = 0; d < span; d++)
        days += (s->start_weekday + d) % 7 == wd;
    for (size_t i = 0; i < t->n_calls; i++) {
        long d = (long)floor(t->calls[i].t_s / DAY_S);
        int hour = (int)floor(fmod(t->calls[i].t_s, DAY_S) / 3600);
        n += (s->start_weekday + d) % 7 == wd && hour == h;
    }
    return days ? (double)n / (double)days : 0;
}

void trace_print_check(const scenario *s, FILE *out)
{
    const scen_trace *t = s->trace;
    double horizon = s->horizon_s / DAY_S, span = trace_span_days(s);
    fprintf(out, "\nCalls: replayed from a call history (a trace-driven run)\n");
    fprintf(out, "  history %s: %zu call%s over %g day%s", t->path, t->n_rows,
            t->n_rows == 1 ? "" : "s", t->days, t->days == 1 ? "" : "s");
    if (t->iso_times)
        fprintf(out, " from %s %04d-%02d-%02d (day 0)\n", trace_day_name[s->start_weekday],
                t->day0_year, t->day0_month, t->day0_day);
    else
        fprintf(out, " (times in seconds; day 0 is a %s, run.start_weekday)\n",
                trace_day_name[s->start_weekday]);
    if (!t->horizon_given)
        fprintf(out, "  horizon: the history's %g days (run.horizon_days is not set)\n", t->days);
    else
        fprintf(out, "  horizon: run.horizon_days = %g\n", horizon);
    if (t->n_dropped)
        fprintf(out, "  dropped: %zu call%s at or after day %g (run.horizon_days); %zu replayed\n",
                t->n_dropped, t->n_dropped == 1 ? "" : "s", horizon, t->n_calls);
    if (horizon > t->days)
        fprintf(out, "  note: the run is %g days longer than the history: no calls then\n",
                horizon - t->days);
    if (isnan(t->snap_mean_m))
        fprintf(out, "  positions: node ids (no snapping)\n");
    else
        fprintf(out,
                "  positions snapped to the nearest node: mean %.0f m, farthest %.0f m (limit "
                "incidents.max_snap_m = %g m)\n",
                t->snap_mean_m, t->snap_max_m, t->max_snap_m);
    fprintf(out,
            "  the same in every replication (from the history): incident time, node, type; "
            "priority (%zu of %zu from the file, the others the type's); on-scene time for %zu "
            "of %zu calls\n",
            t->n_priority_given, t->n_calls, t->n_onscene_known, t->n_calls);
    fprintf(out,
            "  drawn per replication: on-scene time of the other %zu calls (the type's "
            "distribution), call handling, report delay and camera detection; replications "
            "differ only by these draws, and the 95%% CIs are over them\n",
            t->n_calls - t->n_onscene_known);
    fprintf(out, "  unused in trace mode (they generate no calls): calls.per_day, calls.hourly, "
                 "calls.weekly, zone and hotspot weights, incident type shares (calls.hourly still "
                 "places flexible slots)\n");

    size_t counted = 0;
    for (size_t i = 0; i < t->n_calls; i++)
        counted += t->calls[i].t_s >= s->warmup_s;
    fprintf(out,
            "\nCalls per day in the history (the %g days replayed) and per replication "
            "(counted: incidents after the %g-day warm-up)\n",
            span, s->warmup_s / DAY_S);
    fprintf(out, "  %-10s %12s %16s\n", "priority", "per day", "per replication");
    for (int p = 1; p <= s->n_priorities; p++) {
        size_t n = 0, c = 0;
        for (size_t i = 0; i < t->n_calls; i++)
            if (t->calls[i].priority == p) n++, c += t->calls[i].t_s >= s->warmup_s;
        fprintf(out, "  P%-9d %12.1f %16zu\n", p, span > 0 ? (double)n / span : 0, c);
    }
    fprintf(out, "  %-10s %12.1f %16zu\n", "all", span > 0 ? (double)t->n_calls / span : 0,
            counted);
    fprintf(out, "  %-20s %8s %7s  %s\n", "by type", "per day", "share", "on-scene time given");
    for (size_t k = 0; k < s->n_types; k++) {
        size_t n = 0, known = 0;
        for (size_t i = 0; i < t->n_calls; i++)
            if (t->calls[i].type == (int32_t)k) n++, known += !isnan(t->calls[i].onscene_s);
        fprintf(out, "  %-20s %8.1f %6.1f%%  %zu of %zu\n", s->types[k].name,
                span > 0 ? (double)n / span : 0,
                t->n_calls ? 100.0 * (double)n / (double)t->n_calls : 0, known, n);
    }
    /* Where the calls fall, against the zone weights above (which place nothing here). */
    fprintf(out, "  by zone kind:");
    for (size_t zk = 0; zk < s->n_zone_kinds; zk++) {
        size_t n = 0;
        for (size_t i = 0; i < t->n_calls; i++) {
            int z = s->node_zone[t->calls[i].node];
            n += z >= 0 && s->zones[z].kind == (int)zk;
        }
        fprintf(out, "%s %s %.1f%%", zk ? "," : "", s->zone_kinds[zk].name,
                t->n_calls ? 100.0 * (double)n / (double)t->n_calls : 0);
    }
    fprintf(out, " of the calls\n");
    fprintf(out, "  call handling before dispatch: %.0f s on average\n",
            scen_dist_mean(&s->handling));
}
