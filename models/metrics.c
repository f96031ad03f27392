/* metrics.c - reduce one replication to its row of figures. See metrics.h. */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int metrics_add(metrics *m, size_t *cap, const char *name, metric_type type,
                       const char *unit, int priority)
{
    if (m->n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 32;
        metric_def *d = realloc(m->defs, ncap * sizeof *d);
        if (!d) return -1;
        m->defs = d;
        *cap = ncap;
    }
    metric_def *d = &m->defs[m->n++];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", name);
    d->type = type;
    d->unit = unit;
    d->priority = priority;
    return 0;
}

int metrics_init(metrics *m, int n_priorities)
{
    memset(m, 0, sizeof *m);
    if (n_priorities < 1 || n_priorities > SCEN_MAX_PRIORITIES) return -1;
    m->n_priorities = n_priorities;
    size_t cap = 0;
    static const struct { const char *name; metric_type type; const char *unit; } all[] = {
        {"rep", METRIC_INDEX, "index"},         {"calls", METRIC_COUNT, "count"},
        {"counted", METRIC_COUNT, "count"},     {"answered", METRIC_COUNT, "count"},
        {"diverted", METRIC_COUNT, "count"},    {"unanswered", METRIC_COUNT, "count"},
        {"response_mean_s", METRIC_REAL, "s"},  {"response_p50_s", METRIC_REAL, "s"},
        {"response_p90_s", METRIC_REAL, "s"},   {"response_p95_s", METRIC_REAL, "s"},
        {"within_target", METRIC_REAL, "1"},    {"wait_mean_s", METRIC_REAL, "s"},
        {"travel_mean_s", METRIC_REAL, "s"},    {"travel_mean_m", METRIC_REAL, "m"},
        {"utilisation", METRIC_REAL, "1"},      {"overtime_s", METRIC_REAL, "s"},
        {"response_incident_mean_s", METRIC_REAL, "s"},
        {"camera_detected", METRIC_REAL, "1"},  {"patrol_share", METRIC_REAL, "1"},
        {"post_gap", METRIC_REAL, "1"},         {"presence_mean", METRIC_REAL, "1"},
        {"checkin_completion", METRIC_REAL, "1"},
        {"unstable", METRIC_COUNT, "flag"},
        {"major_tier1_s", METRIC_REAL, "s"},    {"major_tier2_s", METRIC_REAL, "s"},
        {"major_tier3_s", METRIC_REAL, "s"},    {"major_tier4_s", METRIC_REAL, "s"},
        {"major_full_s", METRIC_REAL, "s"},     {"major_pool_officers", METRIC_REAL, "count"},
        {"calls_during_major", METRIC_REAL, "count"},
        {"response_during_major_s", METRIC_REAL, "s"},
        {"response_outside_major_s", METRIC_REAL, "s"},
        {"major_from_station", METRIC_REAL, "count"},
        {"major_from_post", METRIC_REAL, "count"},
        {"major_from_line", METRIC_REAL, "count"},
        {"major_from_call", METRIC_REAL, "count"},
        {"event_officers_at_start", METRIC_REAL, "count"},
        {"event_short_at_start", METRIC_REAL, "count"},
    };
    static const struct { const char *suffix; metric_type type; const char *unit; } per[] = {
        {"calls", METRIC_COUNT, "count"},      {"response_mean_s", METRIC_REAL, "s"},
        {"response_p50_s", METRIC_REAL, "s"},  {"response_p90_s", METRIC_REAL, "s"},
        {"response_p95_s", METRIC_REAL, "s"},  {"within_target", METRIC_REAL, "1"},
        {"wait_mean_s", METRIC_REAL, "s"},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (metrics_add(m, &cap, all[i].name, all[i].type, all[i].unit, 0)) goto err;
    for (int k = 1; k <= n_priorities; k++)
        for (size_t i = 0; i < sizeof per / sizeof per[0]; i++) {
            char name[40];
            snprintf(name, sizeof name, "p%d_%s", k, per[i].suffix);
            if (metrics_add(m, &cap, name, per[i].type, per[i].unit, k)) goto err;
        }
    return 0;
err:
    metrics_fini(m);
    return -1;
}

void metrics_fini(metrics *m)
{
    free(m->defs);
    memset(m, 0, sizeof *m);
}

int metrics_find(const metrics *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->defs[i].name, name) == 0) return (int)i;
    return -1;
}

/* Figures of one group of calls (all, or one priority): response times sorted
 * into scratch, the rest accumulated. */
typedef struct group_acc {
    size_t calls, answered, within;
    double sum_response, sum_wait, sum_travel_s, sum_travel_m;
} group_acc;

static void metrics_set(const metrics *m, double *out, const char *name, double v)
{
    int i = metrics_find(m, name);
    if (i >= 0) out[i] = v;
}

static void metrics_set_group(const metrics *m, double *out, const char *prefix,
                              const group_acc *g, double *resp, size_t n_resp)
{
    char name[48];
    double na = (double)g->answered;
    stats_sort(resp, n_resp);
#define SETG(suffix, v)                                                                    \
    do {                                                                                   \
        snprintf(name, sizeof name, "%s%s", prefix, suffix);                               \
        metrics_set(m, out, name, v);                                                      \
    } while (0)
    SETG("calls", (double)g->calls);
    SETG("response_mean_s", g->answered ? g->sum_response / na : NAN);
    SETG("response_p50_s", stats_quantile_sorted(resp, n_resp, 0.50));
    SETG("response_p90_s", stats_quantile_sorted(resp, n_resp, 0.90));
    SETG("response_p95_s", stats_quantile_sorted(resp, n_resp, 0.95));
    SETG("within_target", g->answered ? (double)g->within / na : NAN);
    SETG("wait_mean_s", g->answered ? g->sum_wait / na : NAN);
#undef SETG
}

static void group_add(group_acc *g, const call_rec *c, double *resp)
{
    g->calls++;
    if (c->status != CALL_ANSWERED) return;
    resp[g->answered++] = c->response_s;
    g->sum_response += c->response_s;
    g->sum_wait += c->wait_s;
    g->sum_travel_s += c->travel_s;
    g->sum_travel_m += c->travel_m;
    if (c->response_s <= c->target_s) g->within++;
}

/* Whether call c was received while a major incident (not a public event) was on. */
static int metrics_call_during_major(const rep_result *r, const call_rec *c)
{
    for (size_t k = 0; k < r->n_majors; k++)
        if (r->majors[k].random != 2 && c->t_call_s >= r->majors[k].t_start_s &&
            c->t_call_s < r->majors[k].t_end_s)
            return 1;
    return 0;
}

int metrics_compute(const metrics *m, const scenario *s, const rep_result *r, double *out)
{
    double *resp = malloc((r->n_calls ? r->n_calls : 1) * sizeof *resp);
    if (!resp) return -1;
    for (size_t i = 0; i < m->n; i++) out[i] = NAN;
    out[0] = (double)r->rep;

    /* All counted calls first, then one pass per priority reusing the buffer. */
    group_acc all = {0};
    size_t counted = 0, answered = 0, diverted = 0, unanswered = 0;
    for (size_t i = 0; i < r->n_calls; i++) {
        const call_rec *c = &r->calls[i];
        if (!c->counted) continue;
        counted++;
        answered += c->status == CALL_ANSWERED;
        diverted += c->status == CALL_DIVERTED;
        unanswered += c->status == CALL_UNANSWERED;
        group_add(&all, c, resp);
    }
    metrics_set(m, out, "calls", (double)r->n_calls);
    metrics_set(m, out, "counted", (double)counted);
    metrics_set(m, out, "answered", (double)answered);
    metrics_set(m, out, "diverted", (double)diverted);
    metrics_set(m, out, "unanswered", (double)unanswered);
    metrics_set(m, out, "travel_mean_s", all.answered ? all.sum_travel_s / (double)all.answered : NAN);
    metrics_set(m, out, "travel_mean_m", all.answered ? all.sum_travel_m / (double)all.answered : NAN);
    /* The all-calls group shares the per-priority names without the "pk_" prefix,
     * except "calls", which above already holds every call of the replication. */
    metrics_set_group(m, out, "", &all, resp, all.answered);
    metrics_set(m, out, "calls", (double)r->n_calls);

    for (int k = 1; k <= m->n_priorities; k++) {
        group_acc g = {0};
        for (size_t i = 0; i < r->n_calls; i++) {
            const call_rec *c = &r->calls[i];
            if (c->counted && c->priority == k) group_add(&g, c, resp);
        }
        char prefix[16];
        snprintf(prefix, sizeof prefix, "p%d_", k);
        metrics_set_group(m, out, prefix, &g, resp, g.answered);
    }

    double on_duty = 0, busy = 0, overtime = 0;
    for (size_t u = 0; u < r->n_units; u++) {
        on_duty += r->units[u].on_duty_s;
        busy += r->units[u].busy_s;
        overtime += r->units[u].overtime_s;
    }
    metrics_set(m, out, "utilisation", on_duty > 0 ? busy / on_duty : NAN);
    metrics_set(m, out, "overtime_s", overtime);

    /* The operations model's figures: from the incident, cameras, patrols,
     * posts, presence and check-ins. NaN where the scenario has none of it. */
    double inc = 0, det = 0;
    size_t n_inc = 0, n_cnt = 0;
    for (size_t i = 0; i < r->n_calls; i++) {
        const call_rec *c = &r->calls[i];
        if (!c->counted) continue;
        n_cnt++;
        det += c->detected;
        if (c->status == CALL_ANSWERED) {
            inc += c->response_incident_s;
            n_inc++;
        }
    }
    metrics_set(m, out, "response_incident_mean_s", n_inc ? inc / (double)n_inc : NAN);
    metrics_set(m, out, "camera_detected", s->node_camera && n_cnt ? det / (double)n_cnt : NAN);
    double patrol = 0;
    for (size_t u = 0; u < r->n_units; u++) patrol += r->units[u].patrolling_s;
    metrics_set(m, out, "patrol_share", s->n_lines && on_duty > 0 ? patrol / on_duty : NAN);
    double staffed = 0, gap = 0;
    for (size_t p = 0; p < r->n_posts; p++) {
        staffed += r->posts[p].staffed_s;
        gap += r->posts[p].gap_s;
    }
    metrics_set(m, out, "post_gap", staffed > 0 ? gap / staffed : NAN);
    double pres = 0, comp = 0;
    size_t n_comp = 0;
    for (size_t c = 0; c < r->n_cells; c++) pres += r->cells[c].presence;
    metrics_set(m, out, "presence_mean", r->n_cells ? pres / (double)r->n_cells : NAN);
    for (size_t l = 0; l < r->n_lines; l++)
        if (!isnan(r->lines[l].completion)) {
            comp += r->lines[l].completion;
            n_comp++;
        }
    metrics_set(m, out, "checkin_completion", n_comp ? comp / (double)n_comp : NAN);
    metrics_set(m, out, "unstable", r->unstable);

    /* Major incidents: the first one's build-up, and ordinary calls received
     * while any incident was on against the others (NaN without incidents). */
    size_t first = 0; /* the first that is not a planned public event */
    while (first < r->n_majors && r->majors[first].random == 2) first++;
    if (first < r->n_majors) {
        const major_rec *mj = &r->majors[first];
        metrics_set(m, out, "major_tier1_s", mj->t_tier1_s);
        metrics_set(m, out, "major_tier2_s", mj->t_tier2_s);
        metrics_set(m, out, "major_tier3_s", mj->t_tier3_s);
        metrics_set(m, out, "major_tier4_s", mj->t_tier4_s);
        metrics_set(m, out, "major_full_s", mj->t_full_s);
        metrics_set(m, out, "major_pool_officers", mj->pool_officers);
        /* Who was pulled from where: on-duty officers by the duty they left. */
        double from[UNIT_STATES] = {0};
        for (size_t i = 0; i < r->n_mj_units; i++) {
            const major_unit *mu = &r->mj_units[i];
            if (mu->incident == (int32_t)first && mu->unit >= 0 && mu->from_state >= 0 &&
                mu->from_state < UNIT_STATES)
                from[mu->from_state] += mu->officers;
        }
        metrics_set(m, out, "major_from_station", from[UNIT_AVAILABLE]);
        metrics_set(m, out, "major_from_post", from[UNIT_AT_POST]);
        metrics_set(m, out, "major_from_line", from[UNIT_PATROLLING]);
        metrics_set(m, out, "major_from_call", from[UNIT_RETURNING]);
        double sum_in = 0, sum_out = 0;
        size_t n_in = 0, n_out = 0, calls_in = 0;
        for (size_t i = 0; i < r->n_calls; i++) {
            const call_rec *c = &r->calls[i];
            if (!c->counted) continue;
            int during = metrics_call_during_major(r, c);
            calls_in += (size_t)during;
            if (c->status != CALL_ANSWERED) continue;
            if (during) {
                sum_in += c->response_s;
                n_in++;
            } else {
                sum_out += c->response_s;
                n_out++;
            }
        }
        metrics_set(m, out, "calls_during_major", (double)calls_in);
        metrics_set(m, out, "response_during_major_s", n_in ? sum_in / (double)n_in : NAN);
        metrics_set(m, out, "response_outside_major_s", n_out ? sum_out / (double)n_out : NAN);
    }
    /* The first public event: who is there when it starts, against its need. */
    for (size_t i = 0; i < r->n_majors; i++) {
        const major_rec *ev = &r->majors[i];
        if (ev->random != 2) continue;
        int short_by = ev->event_officers - ev->officers_at_event;
        metrics_set(m, out, "event_officers_at_start", ev->officers_at_event);
        metrics_set(m, out, "event_short_at_start", short_by > 0 ? short_by : 0);
        break;
    }
    free(resp);
    return 0;
}

/* ---- By area -------------------------------------------------------------------------------- */

size_t metrics_major_area_rows(const scenario *s)
{
    return 1 + s->n_zone_kinds + s->n_zones;
}

/* Adds call c to one side (during or outside) of row a; the means are sums until the end. */
static void area_add(major_area_rec *a, const call_rec *c, int during)
{
    int32_t *calls = during ? &a->calls_during : &a->calls_outside;
    int32_t *n = during ? &a->n_during : &a->n_outside;
    int32_t *p1 = during ? &a->p1_during : &a->p1_outside;
    double *resp = during ? &a->response_during_s : &a->response_outside_s;
    double *within = during ? &a->p1_within_during : &a->p1_within_outside;
    (*calls)++;
    if (c->status != CALL_ANSWERED) return;
    (*n)++;
    *resp += c->response_s;
    if (c->priority == 1) {
        (*p1)++;
        *within += c->response_s <= c->target_s;
    }
}

size_t metrics_major_area(const scenario *s, const rep_result *r, major_area_rec *out)
{
    size_t has = 0;
    for (size_t k = 0; k < r->n_majors && !has; k++) has = r->majors[k].random != 2;
    if (!has) return 0;
    size_t n = metrics_major_area_rows(s), kinds = 1, zones = 1 + s->n_zone_kinds;
    for (size_t i = 0; i < n; i++) {
        out[i] = (major_area_rec){.rep = r->rep};
        out[i].area_kind = i == 0 ? AREA_DISTRICT : i < zones ? AREA_ZONE_KIND : AREA_ZONE;
        out[i].area = (int32_t)(i == 0 ? 0 : i < zones ? i - kinds : i - zones);
    }
    for (size_t i = 0; i < r->n_calls; i++) {
        const call_rec *c = &r->calls[i];
        if (!c->counted) continue;
        int during = metrics_call_during_major(r, c);
        area_add(&out[0], c, during);
        if (c->zone < 0 || (size_t)c->zone >= s->n_zones) continue;
        area_add(&out[zones + (size_t)c->zone], c, during);
        int kind = s->zones[c->zone].kind;
        if (kind >= 0 && (size_t)kind < s->n_zone_kinds)
            area_add(&out[kinds + (size_t)kind], c, during);
    }
    for (size_t i = 0; i < n; i++) {
        major_area_rec *a = &out[i];
        a->response_during_s = a->n_during ? a->response_during_s / (double)a->n_during : NAN;
        a->response_outside_s = a->n_outside ? a->response_outside_s / (double)a->n_outside : NAN;
        a->p1_within_during = a->p1_during ? a->p1_within_during / (double)a->p1_during : NAN;
        a->p1_within_outside = a->p1_outside ? a->p1_within_outside / (double)a->p1_outside : NAN;
    }
    return n;
}
