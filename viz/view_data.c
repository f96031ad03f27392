/* view_data.c - loading a replayed run from a results file and indexing it by time.
 * See view.h for what the indexes are and why.
 *
 * Loading reads the static tables (/network, /zones, /stations, /units, /types), this
 * replication's rows of /incidents and its /replay group (through replay_h5.h), checks every
 * index it will later follow, and builds the indexes. It reads whole tables with h5.h: the
 * default scenario's /incidents of 100 replications is under 30 MB and reads in a fraction of
 * a second, which is not worth a partial-read path.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5.h"
#include "replay_h5.h"
#include "replay_impl.h"
#include "results.h"
#include "view.h"

#define OPEN_STEP_S      1800.0
#define DIVERTED_SHOWN_S 600.0

/* ---- Small helpers ------------------------------------------------------------------------- */

static void copy_name(char *dst, const char *src)
{
    snprintf(dst, VIEW_NAME, "%s", src ? src : "");
}

typedef struct id_ix {
    int64_t id;
    uint32_t ix;
} id_ix;

static int cmp_id_ix(const void *a, const void *b)
{
    int64_t x = ((const id_ix *)a)->id, y = ((const id_ix *)b)->id;
    return (x > y) - (x < y);
}

static int32_t id_lookup(const id_ix *map, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (map[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && map[lo].id == id ? (int32_t)map[lo].ix : -1;
}

/* Index of the first element of the sorted array t[0..n) greater than x. */
static size_t upper_bound(const double *t, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- Queries -------------------------------------------------------------------------------- */

int32_t view_steps_at(const view_steps *s, double t_s)
{
    size_t i = upper_bound(s->t, s->n, t_s);
    return i ? s->value[i - 1] : 0;
}

bool view_unit_pos(const view_run *r, uint32_t u, double t_s, double *x_m, double *y_m)
{
    const view_unit *vu = &r->units[u];
    const view_leg *legs = r->legs + vu->leg0;
    size_t lo = 0, hi = vu->n_legs;
    while (lo < hi) { /* the first leg starting after t */
        size_t mid = (lo + hi) / 2;
        if (legs[mid].t0_s <= t_s)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) {
        int32_t h = vu->home_node;
        if (vu->n_legs) h = (int32_t)r->pt_node[legs[0].first];
        *x_m = h >= 0 ? r->x_m[h] : 0.5 * (r->min_x_m + r->max_x_m);
        *y_m = h >= 0 ? r->y_m[h] : 0.5 * (r->min_y_m + r->max_y_m);
        return false;
    }
    const view_leg *lg = &legs[lo - 1];
    const double *pt = r->pt_t + lg->first;
    const uint32_t *nd = r->pt_node + lg->first;
    size_t k = upper_bound(pt, lg->n, t_s); /* points reached by t */
    if (k == 0) k = 1;
    if (k >= lg->n) {
        *x_m = r->x_m[nd[lg->n - 1]];
        *y_m = r->y_m[nd[lg->n - 1]];
        return true;
    }
    double dt = pt[k] - pt[k - 1];
    double f = dt > 0 ? (t_s - pt[k - 1]) / dt : 1.0;
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    uint32_t a = nd[k - 1], b = nd[k];
    *x_m = r->x_m[a] + f * (r->x_m[b] - r->x_m[a]);
    *y_m = r->y_m[a] + f * (r->y_m[b] - r->y_m[a]);
    return true;
}

long view_unit_state_at(const view_run *r, uint32_t u, double t_s)
{
    const view_unit *vu = &r->units[u];
    const view_state *st = r->states + vu->st0;
    size_t lo = 0, hi = vu->n_states;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st[mid].t_s <= t_s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? (long)(vu->st0 + lo - 1) : -1;
}

const char *view_state_name(const view_run *r, int32_t state, char *buf, size_t len)
{
    if (state >= 0 && (size_t)state < r->n_state_names) return r->state_names[state];
    snprintf(buf, len, "state_%d", state);
    return buf;
}

size_t view_calls_open(const view_run *r, double t_s, uint32_t *out, size_t cap)
{
    if (!r->n_calls || !r->n_open_slots) return 0;
    double slot_f = floor(t_s / r->open_step_s);
    size_t n = 0;
    size_t from_call = 0;
    if (slot_f >= 0) {
        size_t slot = slot_f >= (double)r->n_open_slots ? r->n_open_slots - 1 : (size_t)slot_f;
        for (uint32_t k = r->open_start[slot]; k < r->open_start[slot + 1]; k++) {
            const view_call *c = &r->calls[r->open_ids[k]];
            if (c->t_call_s <= t_s && t_s < c->t_end_s) {
                if (n < cap) out[n] = c->id;
                n++;
            }
        }
        /* Then the calls received after the slot's time (binary search by arrival). */
        double ts = (double)slot * r->open_step_s;
        size_t lo = 0, hi = r->n_calls;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (r->calls[mid].t_call_s <= ts)
                lo = mid + 1;
            else
                hi = mid;
        }
        from_call = lo;
    }
    for (size_t i = from_call; i < r->n_calls && r->calls[i].t_call_s <= t_s; i++)
        if (t_s < r->calls[i].t_end_s) {
            if (n < cap) out[n] = r->calls[i].id;
            n++;
        }
    return n;
}

double view_rolling_response(const view_run *r, double t_s, double window_s)
{
    size_t b = upper_bound(r->resp_t, r->n_resp, t_s);
    size_t a = upper_bound(r->resp_t, r->n_resp, t_s - window_s);
    if (b <= a) return NAN;
    return (r->resp_cum[b] - r->resp_cum[a]) / (double)(b - a);
}

long view_next_call(const view_run *r, double t_s, bool major)
{
    if (major) {
        size_t lo = 0, hi = r->n_major;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (r->calls[r->major[mid]].t_call_s <= t_s)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < r->n_major ? (long)r->major[lo] : -1;
    }
    size_t lo = 0, hi = r->n_calls;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->calls[mid].t_call_s <= t_s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n_calls ? (long)lo : -1;
}

double view_next_major(const view_run *r, double t_s, long *call)
{
    *call = -1;
    if (r->n_majors) {
        for (size_t i = 0; i < r->n_majors; i++)
            if (r->majors[i].t_start_s > t_s) return r->majors[i].t_start_s;
        return NAN;
    }
    *call = view_next_call(r, t_s, true);
    return *call >= 0 ? r->calls[*call].t_call_s : NAN;
}

int32_t view_major_officers(const view_run *r, size_t m, double t_s)
{
    const view_major *mj = &r->majors[m];
    double dt = t_s - mj->t_start_s;
    int32_t v = 0;
    for (uint32_t k = 0; k < mj->n_pts && r->major_pt_t[mj->pt0 + k] <= dt; k++)
        v = r->major_pt_officers[mj->pt0 + k];
    return v;
}

void view_format_clock(const view_run *r, double t_s, char *buf, size_t len)
{
    static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    if (t_s < 0) t_s = 0;
    long day = (long)floor(t_s / 86400.0);
    long s = (long)floor(t_s - (double)day * 86400.0);
    if (r && r->start_weekday >= 0)
        snprintf(buf, len, "Day %ld %s %02ld:%02ld:%02ld", day, wd[(day + r->start_weekday) % 7],
                 s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "Day %ld %02ld:%02ld:%02ld", day, s / 3600, s / 60 % 60, s % 60);
}

int view_parse_time(const char *s, double *t_s)
{
    long d, h, m, sec = 0;
    char tail;
    int k = sscanf(s, "%ld:%ld:%ld%c", &d, &h, &m, &tail);
    if (k == 3 ||
        (k == 4 && tail == ':' && sscanf(s, "%ld:%ld:%ld:%ld%c", &d, &h, &m, &sec, &tail) == 4)) {
        if (d < 0 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59) return -1;
        *t_s = (double)d * 86400.0 + (double)h * 3600.0 + (double)m * 60.0 + (double)sec;
        return 0;
    }
    char *end;
    double v = strtod(s, &end);
    if (end != s && (*end == 0 || (end[0] == 's' && end[1] == 0)) && v >= 0 && isfinite(v)) {
        *t_s = v;
        return 0;
    }
    return -1;
}

/* ---- Indexing ------------------------------------------------------------------------------- */

typedef struct tdelta {
    double t;
    int32_t d;
} tdelta;

static int cmp_tdelta(const void *a, const void *b)
{
    double x = ((const tdelta *)a)->t, y = ((const tdelta *)b)->t;
    return (x > y) - (x < y);
}

/* Sorts the deltas and turns them into a step function (one entry per distinct time). */
static int steps_build(view_steps *s, tdelta *d, size_t n)
{
    free(s->t);
    free(s->value);
    s->t = malloc((n ? n : 1) * sizeof *s->t);
    s->value = malloc((n ? n : 1) * sizeof *s->value);
    s->n = 0;
    if (!s->t || !s->value) return -1;
    qsort(d, n, sizeof *d, cmp_tdelta);
    int32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v += d[i].d;
        if (s->n && s->t[s->n - 1] == d[i].t)
            s->value[s->n - 1] = v;
        else {
            s->t[s->n] = d[i].t;
            s->value[s->n++] = v;
        }
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct resp_pair {
    double t, v;
} resp_pair;

static int cmp_resp(const void *a, const void *b)
{
    return cmp_double(a, b);
}

static uint64_t seg_key(uint32_t a, uint32_t b)
{
    return a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
}

static long seg_find(const view_run *r, uint32_t a, uint32_t b)
{
    uint64_t k = seg_key(a, b);
    size_t lo = 0, hi = r->n_segs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (seg_key(r->seg_a[mid], r->seg_b[mid]) < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n_segs && seg_key(r->seg_a[lo], r->seg_b[lo]) == k ? (long)lo : -1;
}

static long name_index(char **names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], want) == 0) return (long)i;
    return -1;
}

int view_run_index(view_run *r)
{
    /* Legs: a leg recorded later overrides, from its start on, the unit's legs that start at
     * or after it; what is left is increasing in start time. */
    for (size_t u = 0; u < r->n_units; u++) {
        view_unit *vu = &r->units[u];
        view_leg *lg = r->legs + vu->leg0;
        uint32_t k = 0;
        for (uint32_t i = 0; i < vu->n_legs; i++) {
            while (k > 0 && lg[k - 1].t0_s >= lg[i].t0_s)
                k--;
            lg[k++] = lg[i];
        }
        vu->n_legs = k;
        /* States: a stable insertion sort by time (they come nearly sorted). */
        view_state *st = r->states + vu->st0;
        for (uint32_t i = 1; i < vu->n_states; i++) {
            view_state x = st[i];
            uint32_t j = i;
            while (j > 0 && st[j - 1].t_s > x.t_s) {
                st[j] = st[j - 1];
                j--;
            }
            st[j] = x;
        }
    }

    /* Which states count as free, by name. */
    free(r->state_free);
    r->state_free = calloc(r->n_state_names ? r->n_state_names : 1, sizeof *r->state_free);
    if (!r->state_free) return -1;
    static const char *const free_names[] = {"available", "returning", "patrolling", "at_post"};
    for (size_t i = 0; i < r->n_state_names; i++)
        for (size_t k = 0; k < sizeof free_names / sizeof *free_names; k++)
            if (strcmp(r->state_names[i], free_names[k]) == 0) r->state_free[i] = true;
    memset(r->state_seen, 0, sizeof r->state_seen);
    for (size_t i = 0; i < r->n_states; i++)
        if (r->states[i].state >= 0 && r->states[i].state < 64)
            r->state_seen[r->states[i].state] = true;
    long st_off = name_index(r->state_names, r->n_state_names, "off");
    long st_patrol = name_index(r->state_names, r->n_state_names, "patrolling");
    long ev_queued = name_index(r->cev_names, r->n_cev_names, "queued");
    long ev_disp = name_index(r->cev_names, r->n_cev_names, "dispatched");
    long ev_div = name_index(r->cev_names, r->n_cev_names, "diverted");

    /* Calls: when each leaves the map, whether it queued. */
    double t_end = r->horizon_s;
    for (size_t i = 0; i < r->n_states; i++)
        t_end = fmax(t_end, r->states[i].t_s);
    for (size_t i = 0; i < r->n_cevs; i++)
        t_end = fmax(t_end, r->cevs[i].t_s);
    for (size_t i = 0; i < r->n_pts; i++)
        t_end = fmax(t_end, r->pt_t[i]);
    r->t_end_s = t_end;
    size_t n_delta = 2 * r->n_calls + 2 * r->n_states + 4;
    tdelta *d_open = malloc(n_delta * sizeof *d_open);
    tdelta *d_queue = malloc(n_delta * sizeof *d_queue);
    tdelta *d_free = malloc(n_delta * sizeof *d_free);
    tdelta *d_on = malloc(n_delta * sizeof *d_on);
    size_t no = 0, nq = 0, nf = 0, non = 0;
    int rc = -1;
    if (!d_open || !d_queue || !d_free || !d_on) goto out;
    for (size_t i = 0; i < r->n_calls; i++) {
        view_call *c = &r->calls[i];
        double gone = isfinite(c->t_clear_s) ? c->t_clear_s : INFINITY;
        c->queued = false;
        double t_queued = NAN;
        for (uint32_t k = 0; k < c->n_ev; k++) {
            const view_cev *e = &r->cevs[c->ev0 + k];
            if (e->what == ev_div) gone = fmin(gone, e->t_s);
            if (e->what == ev_queued && !c->queued) {
                c->queued = true;
                t_queued = e->t_s;
            }
            if (e->what == ev_disp && c->queued && isfinite(t_queued)) {
                d_queue[nq++] = (tdelta){t_queued, 1};
                d_queue[nq++] = (tdelta){e->t_s, -1};
                t_queued = NAN;
            }
        }
        if (c->queued && isfinite(t_queued)) d_queue[nq++] = (tdelta){t_queued, 1};
        /* Open until cleared or diverted; a call still open at the end stays on the map. */
        c->t_end_s = isfinite(gone) ? gone : t_end;
        if (c->status == 1 && !isfinite(c->t_clear_s)) c->t_end_s = gone + DIVERTED_SHOWN_S;
        d_open[no++] = (tdelta){c->t_call_s, 1};
        if (isfinite(gone)) d_open[no++] = (tdelta){gone, -1};
    }
    for (size_t u = 0; u < r->n_units; u++) {
        const view_unit *vu = &r->units[u];
        bool was_free = false, was_on = false;
        for (uint32_t k = 0; k < vu->n_states; k++) {
            const view_state *s = &r->states[vu->st0 + k];
            bool fr =
                s->state >= 0 && (size_t)s->state < r->n_state_names && r->state_free[s->state];
            bool on = s->state != st_off;
            if (fr != was_free) d_free[nf++] = (tdelta){s->t_s, fr ? 1 : -1};
            if (on != was_on) d_on[non++] = (tdelta){s->t_s, on ? 1 : -1};
            was_free = fr;
            was_on = on;
        }
    }
    if (steps_build(&r->open_calls, d_open, no) || steps_build(&r->queue_len, d_queue, nq) ||
        steps_build(&r->units_free, d_free, nf) || steps_build(&r->units_on, d_on, non))
        goto out;

    /* Calls open at each half hour. */
    r->open_step_s = OPEN_STEP_S;
    r->n_open_slots = (size_t)ceil(t_end / OPEN_STEP_S) + 1;
    free(r->open_start);
    free(r->open_ids);
    r->open_ids = NULL;
    r->open_start = calloc(r->n_open_slots + 1, sizeof *r->open_start);
    if (!r->open_start) goto out;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *fill = NULL;
        if (pass == 1) {
            for (size_t s = 0; s < r->n_open_slots; s++)
                r->open_start[s + 1] += r->open_start[s];
            r->open_ids = malloc((r->open_start[r->n_open_slots] + 1) * sizeof *r->open_ids);
            fill = calloc(r->n_open_slots, sizeof *fill);
            if (!r->open_ids || !fill) {
                free(fill);
                goto out;
            }
        }
        for (size_t i = 0; i < r->n_calls; i++) {
            const view_call *c = &r->calls[i];
            double a = ceil(c->t_call_s / OPEN_STEP_S);
            for (double s = a; s * OPEN_STEP_S < c->t_end_s && s < (double)r->n_open_slots; s++) {
                size_t si = (size_t)s;
                if (pass == 0)
                    r->open_start[si + 1]++;
                else
                    r->open_ids[r->open_start[si] + fill[si]++] = (uint32_t)i;
            }
        }
        free(fill);
    }

    /* Response times by arrival, for the rolling mean. */
    resp_pair *rp = malloc((r->n_calls ? r->n_calls : 1) * sizeof *rp);
    if (!rp) goto out;
    size_t nr = 0;
    for (size_t i = 0; i < r->n_calls; i++)
        if (isfinite(r->calls[i].t_arrive_s) && isfinite(r->calls[i].response_s))
            rp[nr++] = (resp_pair){r->calls[i].t_arrive_s, r->calls[i].response_s};
    qsort(rp, nr, sizeof *rp, cmp_resp);
    free(r->resp_t);
    free(r->resp_cum);
    r->resp_t = malloc((nr ? nr : 1) * sizeof *r->resp_t);
    r->resp_cum = malloc((nr + 1) * sizeof *r->resp_cum);
    if (!r->resp_t || !r->resp_cum) {
        free(rp);
        goto out;
    }
    r->resp_cum[0] = 0;
    for (size_t i = 0; i < nr; i++) {
        r->resp_t[i] = rp[i].t;
        r->resp_cum[i + 1] = r->resp_cum[i] + rp[i].v;
    }
    r->n_resp = nr;
    free(rp);

    /* Major incidents: calls that needed more than one unit. */
    free(r->major);
    r->major = malloc((r->n_calls ? r->n_calls : 1) * sizeof *r->major);
    if (!r->major) goto out;
    r->n_major = 0;
    for (size_t i = 0; i < r->n_calls; i++)
        if (r->calls[i].units_sent > 1) r->major[r->n_major++] = (uint32_t)i;

    /* Road segments driven while patrolling: the patrol lines as they were driven. */
    free(r->seg_patrol);
    r->seg_patrol = calloc(r->n_segs ? r->n_segs : 1, 1);
    if (!r->seg_patrol) goto out;
    r->has_patrol = false;
    if (st_patrol >= 0)
        for (size_t u = 0; u < r->n_units; u++) {
            const view_unit *vu = &r->units[u];
            for (uint32_t k = 0; k < vu->n_legs; k++) {
                const view_leg *lg = &r->legs[vu->leg0 + k];
                long si = view_unit_state_at(r, (uint32_t)u, lg->t0_s);
                if (si < 0 || r->states[si].state != st_patrol) continue;
                for (uint32_t p = 1; p < lg->n; p++) {
                    long s = seg_find(r, r->pt_node[lg->first + p - 1], r->pt_node[lg->first + p]);
                    if (s >= 0) {
                        r->seg_patrol[s] = 1;
                        r->has_patrol = true;
                    }
                }
            }
        }
    rc = 0;
out:
    free(d_open);
    free(d_queue);
    free(d_free);
    free(d_on);
    return rc;
}

/* ---- Loading -------------------------------------------------------------------------------- */

void view_run_free(view_run *r)
{
    if (!r) return;
    free(r->path);
    free(r->title);
    free(r->scenario_name);
    free(r->x_m);
    free(r->y_m);
    free(r->node_zone);
    free(r->seg_a);
    free(r->seg_b);
    free(r->seg_cls);
    h5_strv_free(r->class_names, r->n_classes);
    free(r->zone_name);
    free(r->zone_x_m);
    free(r->zone_y_m);
    free(r->stations);
    free(r->type_name);
    free(r->units);
    free(r->kinds);
    free(r->legs);
    free(r->pt_node);
    free(r->pt_t);
    free(r->states);
    h5_strv_free(r->state_names, r->n_state_names);
    free(r->state_free);
    h5_strv_free(r->cev_names, r->n_cev_names);
    free(r->calls);
    free(r->cevs);
    free(r->cands);
    free(r->open_start);
    free(r->open_ids);
    view_steps *st[] = {&r->open_calls, &r->queue_len, &r->units_free, &r->units_on};
    for (size_t i = 0; i < 4; i++) {
        free(st[i]->t);
        free(st[i]->value);
    }
    free(r->resp_t);
    free(r->resp_cum);
    free(r->major);
    free(r->majors);
    free(r->major_pt_t);
    free(r->major_pt_officers);
    free(r->seg_patrol);
    free(r);
}

typedef struct node_row {
    int64_t id;
    double x, y;
    int32_t zone;
} node_row;

typedef struct edge_row {
    int64_t from, to;
    int32_t cls;
} edge_row;

typedef struct name_row {
    char name[VIEW_NAME];
} name_row;

typedef struct station_row {
    char name[VIEW_NAME];
    char kind[VIEW_NAME];
    int64_t node_id;
} station_row;

typedef struct unit_row {
    char name[VIEW_NAME], group[VIEW_NAME], kind[VIEW_NAME], station[VIEW_NAME], mode[16];
    int32_t crew;
    int64_t home;
} unit_row;

typedef struct inc_row {
    uint32_t rep, id;
    int32_t type, priority, zone, node, status, counted, unit, units_sent;
    double t_call, t_dispatch, t_arrive, t_clear, wait, response, target;
} inc_row;

typedef struct loader {
    h5_file *f;
    view_run *r;
    char *err;
    size_t errlen;
} loader;

/* Records the file's message (or a formatted one) and returns -1. */
static int ld_fail(loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int ld_fail(loader *L, const char *fmt, ...)
{
    char msg[768];
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        snprintf(L->err, L->errlen, "%s: %s", L->r->path, msg);
    } else {
        snprintf(L->err, L->errlen, "%s", h5_file_error(L->f));
    }
    return -1;
}

static int ld_nodes(loader *L, id_ix **map)
{
    view_run *r = L->r;
    static const h5_field nf[] = {
        {"id", H5X_I64, offsetof(node_row, id), 0, ""},
        {"x_m", H5X_F64, offsetof(node_row, x), 0, ""},
        {"y_m", H5X_F64, offsetof(node_row, y), 0, ""},
        {"scenario_zone", H5X_I32, offsetof(node_row, zone), 0, ""},
    };
    node_row *rows = NULL;
    size_t n = 0;
    if (h5_table_read(L->f, "/network/nodes", nf, 4, sizeof *rows, (void **)&rows, &n))
        return ld_fail(L, NULL);
    if (n == 0) {
        free(rows);
        return ld_fail(L, "/network/nodes: the network has no nodes");
    }
    r->n_nodes = n;
    r->x_m = malloc(n * sizeof *r->x_m);
    r->y_m = malloc(n * sizeof *r->y_m);
    r->node_zone = malloc(n * sizeof *r->node_zone);
    *map = malloc(n * sizeof **map);
    if (!r->x_m || !r->y_m || !r->node_zone || !*map) {
        free(rows);
        return ld_fail(L, "out of memory");
    }
    r->min_x_m = r->min_y_m = INFINITY;
    r->max_x_m = r->max_y_m = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(rows[i].x) || !isfinite(rows[i].y)) {
            free(rows);
            return ld_fail(L, "/network/nodes: row %zu: coordinates are not finite", i);
        }
        r->x_m[i] = rows[i].x;
        r->y_m[i] = rows[i].y;
        r->node_zone[i] = rows[i].zone;
        (*map)[i] = (id_ix){rows[i].id, (uint32_t)i};
        r->min_x_m = fmin(r->min_x_m, rows[i].x);
        r->max_x_m = fmax(r->max_x_m, rows[i].x);
        r->min_y_m = fmin(r->min_y_m, rows[i].y);
        r->max_y_m = fmax(r->max_y_m, rows[i].y);
    }
    free(rows);
    qsort(*map, n, sizeof **map, cmp_id_ix);
    return 0;
}

static int cmp_seg(const void *a, const void *b)
{
    const uint64_t x = ((const uint64_t *)a)[0], y = ((const uint64_t *)b)[0];
    return (x > y) - (x < y);
}

static int ld_edges(loader *L, const id_ix *map)
{
    view_run *r = L->r;
    static const h5_field ef[] = {
        {"from_id", H5X_I64, offsetof(edge_row, from), 0, ""},
        {"to_id", H5X_I64, offsetof(edge_row, to), 0, ""},
        {"class", H5X_I32, offsetof(edge_row, cls), 0, ""},
    };
    edge_row *rows = NULL;
    size_t n = 0;
    if (h5_table_read(L->f, "/network/edges", ef, 3, sizeof *rows, (void **)&rows, &n))
        return ld_fail(L, NULL);
    if (h5_attr_get_strv(L->f, "/network/edges", "class_names", &r->class_names, &r->n_classes)) {
        free(rows);
        return ld_fail(L, NULL);
    }
    /* One segment per unordered pair: key, class. */
    uint64_t(*seg)[2] = malloc((n ? n : 1) * sizeof *seg);
    if (!seg) {
        free(rows);
        return ld_fail(L, "out of memory");
    }
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t a = id_lookup(map, r->n_nodes, rows[i].from);
        int32_t b = id_lookup(map, r->n_nodes, rows[i].to);
        if (a < 0 || b < 0) {
            free(rows);
            free(seg);
            return ld_fail(L, "/network/edges: row %zu: node id %lld is not in /network/nodes", i,
                           (long long)(a < 0 ? rows[i].from : rows[i].to));
        }
        if (a == b) continue;
        seg[ns][0] = seg_key((uint32_t)a, (uint32_t)b);
        seg[ns++][1] = (uint64_t)(uint32_t)rows[i].cls;
    }
    free(rows);
    qsort(seg, ns, sizeof *seg, cmp_seg);
    r->seg_a = malloc((ns ? ns : 1) * sizeof *r->seg_a);
    r->seg_b = malloc((ns ? ns : 1) * sizeof *r->seg_b);
    r->seg_cls = malloc((ns ? ns : 1) * sizeof *r->seg_cls);
    if (!r->seg_a || !r->seg_b || !r->seg_cls) {
        free(seg);
        return ld_fail(L, "out of memory");
    }
    r->n_segs = 0;
    for (size_t i = 0; i < ns; i++) {
        if (r->n_segs && seg_key(r->seg_a[r->n_segs - 1], r->seg_b[r->n_segs - 1]) == seg[i][0])
            continue;
        r->seg_a[r->n_segs] = (uint32_t)(seg[i][0] >> 32);
        r->seg_b[r->n_segs] = (uint32_t)(seg[i][0] & 0xffffffffu);
        int32_t cls = (int32_t)(uint32_t)seg[i][1];
        r->seg_cls[r->n_segs++] = cls >= 0 && (size_t)cls < r->n_classes ? cls : -1;
    }
    free(seg);
    return 0;
}

static int ld_zones(loader *L)
{
    view_run *r = L->r;
    static const h5_field zf[] = {{"name", H5X_STR, offsetof(name_row, name), VIEW_NAME, ""}};
    name_row *rows = NULL;
    size_t n = 0;
    if (h5_exists(L->f, "/zones") &&
        h5_table_read(L->f, "/zones", zf, 1, sizeof *rows, (void **)&rows, &n))
        return ld_fail(L, NULL);
    r->n_zones = n;
    r->zone_name = calloc(n ? n : 1, sizeof *r->zone_name);
    r->zone_x_m = calloc(n ? n : 1, sizeof *r->zone_x_m);
    r->zone_y_m = calloc(n ? n : 1, sizeof *r->zone_y_m);
    double *cnt = calloc(n ? n : 1, sizeof *cnt);
    if (!r->zone_name || !r->zone_x_m || !r->zone_y_m || !cnt) {
        free(rows);
        free(cnt);
        return ld_fail(L, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        copy_name(r->zone_name[i], rows[i].name);
    free(rows);
    for (size_t i = 0; i < r->n_nodes; i++) {
        int32_t z = r->node_zone[i];
        if (z < 0 || (size_t)z >= n) {
            r->node_zone[i] = -1;
            continue;
        }
        r->zone_x_m[z] += r->x_m[i];
        r->zone_y_m[z] += r->y_m[i];
        cnt[z]++;
    }
    /* The label goes on the zone's node nearest its mean (a mean can fall outside). */
    for (size_t z = 0; z < n; z++) {
        if (!cnt[z]) {
            r->zone_x_m[z] = r->zone_y_m[z] = NAN;
            continue;
        }
        double mx = r->zone_x_m[z] / cnt[z], my = r->zone_y_m[z] / cnt[z], best = INFINITY;
        for (size_t i = 0; i < r->n_nodes; i++) {
            if (r->node_zone[i] != (int32_t)z) continue;
            double d = hypot(r->x_m[i] - mx, r->y_m[i] - my);
            if (d < best) {
                best = d;
                r->zone_x_m[z] = r->x_m[i];
                r->zone_y_m[z] = r->y_m[i];
            }
        }
    }
    free(cnt);
    return 0;
}

/* Stations, then posts when the file has them (a later layout adds /posts). */
static int ld_stations(loader *L, const id_ix *map)
{
    view_run *r = L->r;
    static const h5_field sf[] = {
        {"name", H5X_STR, offsetof(station_row, name), VIEW_NAME, ""},
        {"node_id", H5X_I64, offsetof(station_row, node_id), 0, ""},
    };
    static const h5_field pf[] = {
        {"name", H5X_STR, offsetof(station_row, name), VIEW_NAME, ""},
        {"kind", H5X_STR, offsetof(station_row, kind), VIEW_NAME, ""},
        {"node_id", H5X_I64, offsetof(station_row, node_id), 0, ""},
    };
    station_row *st = NULL, *po = NULL;
    size_t ns = 0, np = 0;
    if (h5_table_read(L->f, "/stations", sf, 2, sizeof *st, (void **)&st, &ns))
        return ld_fail(L, NULL);
    /* Posts are optional, and a reader of an older or newer layout must not fail on them. */
    if (h5_exists(L->f, "/posts") &&
        h5_table_read(L->f, "/posts", pf, 3, sizeof *po, (void **)&po, &np)) {
        po = NULL;
        np = 0;
    }
    r->stations = calloc(ns + np + 1, sizeof *r->stations);
    if (!r->stations) {
        free(st);
        free(po);
        return ld_fail(L, "out of memory");
    }
    for (size_t i = 0; i < ns + np; i++) {
        const station_row *s = i < ns ? &st[i] : &po[i - ns];
        view_station *v = &r->stations[r->n_stations];
        copy_name(v->name, s->name);
        copy_name(v->kind, i < ns ? "station" : s->kind);
        v->is_post = i >= ns;
        v->node = id_lookup(map, r->n_nodes, s->node_id);
        if (v->node >= 0) r->n_stations++;
    }
    free(st);
    free(po);
    return 0;
}

static int ld_units(loader *L, const id_ix *map)
{
    view_run *r = L->r;
    static const h5_field uf[] = {
        {"name", H5X_STR, offsetof(unit_row, name), VIEW_NAME, ""},
        {"group", H5X_STR, offsetof(unit_row, group), VIEW_NAME, ""},
        {"kind", H5X_STR, offsetof(unit_row, kind), VIEW_NAME, ""},
        {"station", H5X_STR, offsetof(unit_row, station), VIEW_NAME, ""},
        {"mode", H5X_STR, offsetof(unit_row, mode), 16, ""},
        {"crew", H5X_I32, offsetof(unit_row, crew), 0, ""},
        {"home_node_id", H5X_I64, offsetof(unit_row, home), 0, ""},
    };
    unit_row *rows = NULL;
    size_t n = 0;
    if (h5_table_read(L->f, "/units", uf, 7, sizeof *rows, (void **)&rows, &n))
        return ld_fail(L, NULL);
    r->n_units = n;
    r->units = calloc(n ? n : 1, sizeof *r->units);
    r->kinds = calloc(n ? n : 1, sizeof *r->kinds);
    if (!r->units || !r->kinds) {
        free(rows);
        return ld_fail(L, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        view_unit *u = &r->units[i];
        copy_name(u->name, rows[i].name);
        copy_name(u->group, rows[i].group);
        copy_name(u->kind, rows[i].kind);
        copy_name(u->station, rows[i].station);
        snprintf(u->mode, sizeof u->mode, "%s", rows[i].mode);
        u->crew = rows[i].crew;
        u->home_node = id_lookup(map, r->n_nodes, rows[i].home);
        size_t k = 0;
        while (k < r->n_kinds && strcmp(r->kinds[k], u->kind) != 0)
            k++;
        if (k == r->n_kinds) copy_name(r->kinds[r->n_kinds++], u->kind);
        u->kind_idx = (int)k;
    }
    free(rows);
    return 0;
}

static int ld_types(loader *L)
{
    view_run *r = L->r;
    static const h5_field tf[] = {{"name", H5X_STR, offsetof(name_row, name), VIEW_NAME, ""}};
    name_row *rows = NULL;
    size_t n = 0;
    if (h5_table_read(L->f, "/types", tf, 1, sizeof *rows, (void **)&rows, &n))
        return ld_fail(L, NULL);
    r->n_types = n;
    r->type_name = calloc(n ? n : 1, sizeof *r->type_name);
    if (!r->type_name) {
        free(rows);
        return ld_fail(L, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        copy_name(r->type_name[i], rows[i].name);
    free(rows);
    return 0;
}

static int ld_calls(loader *L)
{
    view_run *r = L->r;
#define IF(m, t)                                                                                   \
    {                                                                                              \
#m, t, offsetof(inc_row, m), 0, ""                                                         \
    }
    static const h5_field cf[] = {
        IF(rep, H5X_U32),
        IF(id, H5X_U32),
        IF(type, H5X_I32),
        IF(priority, H5X_I32),
        IF(zone, H5X_I32),
        IF(node, H5X_I32),
        IF(status, H5X_I32),
        IF(counted, H5X_I32),
        IF(unit, H5X_I32),
        IF(units_sent, H5X_I32),
        {"t_call_s", H5X_F64, offsetof(inc_row, t_call), 0, ""},
        {"t_dispatch_s", H5X_F64, offsetof(inc_row, t_dispatch), 0, ""},
        {"t_arrive_s", H5X_F64, offsetof(inc_row, t_arrive), 0, ""},
        {"t_clear_s", H5X_F64, offsetof(inc_row, t_clear), 0, ""},
        {"wait_s", H5X_F64, offsetof(inc_row, wait), 0, ""},
        {"response_s", H5X_F64, offsetof(inc_row, response), 0, ""},
        {"target_s", H5X_F64, offsetof(inc_row, target), 0, ""},
    };
#undef IF
    inc_row *rows = NULL;
    size_t n = 0;
    if (h5_table_read(L->f, "/incidents", cf, sizeof cf / sizeof *cf, sizeof *rows, (void **)&rows,
                      &n))
        return ld_fail(L, NULL);
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        cnt += rows[i].rep == r->rep;
    r->calls = calloc(cnt ? cnt : 1, sizeof *r->calls);
    if (!r->calls) {
        free(rows);
        return ld_fail(L, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const inc_row *x = &rows[i];
        if (x->rep != r->rep) continue;
        if (x->id != r->n_calls || x->node < 0 || (size_t)x->node >= r->n_nodes) {
            free(rows);
            return ld_fail(L,
                           "/incidents: row %zu: call %u of replication %u is out of order or "
                           "at node %d, outside the network",
                           i, x->id, x->rep, x->node);
        }
        view_call *c = &r->calls[r->n_calls++];
        *c = (view_call){.id = x->id,
                         .type = x->type,
                         .priority = x->priority,
                         .node = x->node,
                         .zone = x->zone,
                         .status = x->status,
                         .unit = x->unit,
                         .units_sent = x->units_sent,
                         .counted = x->counted,
                         .t_call_s = x->t_call,
                         .t_dispatch_s = x->t_dispatch,
                         .t_arrive_s = x->t_arrive,
                         .t_clear_s = x->t_clear,
                         .response_s = x->response,
                         .target_s = x->target,
                         .wait_s = x->wait};
        if (c->unit >= 0 && (size_t)c->unit >= r->n_units) c->unit = -1;
    }
    free(rows);
    return 0;
}

/* Turns the recorder's arrays into the run's, grouped by unit and by call, checking every
 * index. */
static int ld_replay(loader *L, replay *rp)
{
    view_run *r = L->r;
    const char *g = "/replay";
    for (size_t i = 0; i < rp->n_leg_points; i++)
        if (rp->leg_node[i] >= r->n_nodes)
            return ld_fail(L, "%s/rep_%u/leg_points: row %zu: node %u is not in the network", g,
                           r->rep, i, rp->leg_node[i]);
    for (size_t i = 0; i < rp->n_legs; i++)
        if (rp->legs[i].unit >= r->n_units)
            return ld_fail(L, "%s/rep_%u/legs: row %zu: unit %u is not in /units", g, r->rep, i,
                           rp->legs[i].unit);
    for (size_t i = 0; i < rp->n_states; i++)
        if (rp->states[i].unit >= r->n_units)
            return ld_fail(L, "%s/rep_%u/unit_states: row %zu: unit %u is not in /units", g, r->rep,
                           i, rp->states[i].unit);
    for (size_t i = 0; i < rp->n_call_events; i++)
        if (rp->call_events[i].call >= r->n_calls)
            return ld_fail(L, "%s/rep_%u/call_events: row %zu: call %u is not in /incidents", g,
                           r->rep, i, rp->call_events[i].call);
    for (size_t i = 0; i < rp->n_cands; i++)
        if (rp->cands[i].call >= r->n_calls || rp->cands[i].unit >= r->n_units)
            return ld_fail(L, "%s/rep_%u/candidates: row %zu: call %u or unit %u is unknown", g,
                           r->rep, i, rp->cands[i].call, rp->cands[i].unit);

    r->legs = malloc((rp->n_legs ? rp->n_legs : 1) * sizeof *r->legs);
    r->states = malloc((rp->n_states ? rp->n_states : 1) * sizeof *r->states);
    r->cevs = malloc((rp->n_call_events ? rp->n_call_events : 1) * sizeof *r->cevs);
    r->cands = malloc((rp->n_cands ? rp->n_cands : 1) * sizeof *r->cands);
    if (!r->legs || !r->states || !r->cevs || !r->cands) return ld_fail(L, "out of memory");
    r->n_legs = rp->n_legs;
    r->n_states = rp->n_states;
    r->n_cevs = rp->n_call_events;
    r->n_cands = rp->n_cands;
    /* Counting sorts, stable: grouped by owner, each group in recorded order. */
    for (size_t i = 0; i < rp->n_legs; i++)
        r->units[rp->legs[i].unit].n_legs++;
    for (size_t i = 0; i < rp->n_states; i++)
        r->units[rp->states[i].unit].n_states++;
    uint32_t lsum = 0, ssum = 0;
    for (size_t u = 0; u < r->n_units; u++) {
        r->units[u].leg0 = lsum;
        r->units[u].st0 = ssum;
        lsum += r->units[u].n_legs;
        ssum += r->units[u].n_states;
        r->units[u].n_legs = r->units[u].n_states = 0;
    }
    for (size_t i = 0; i < rp->n_legs; i++) {
        view_unit *u = &r->units[rp->legs[i].unit];
        r->legs[u->leg0 + u->n_legs++] =
            (view_leg){rp->legs[i].t0_s, (uint32_t)rp->legs[i].first, rp->legs[i].n};
    }
    for (size_t i = 0; i < rp->n_states; i++) {
        view_unit *u = &r->units[rp->states[i].unit];
        int32_t call = rp->states[i].call;
        if (call >= 0 && (size_t)call >= r->n_calls) call = -1;
        r->states[u->st0 + u->n_states++] =
            (view_state){rp->states[i].t_s, rp->states[i].state, call};
    }
    for (size_t i = 0; i < rp->n_call_events; i++)
        r->calls[rp->call_events[i].call].n_ev++;
    for (size_t i = 0; i < rp->n_cands; i++)
        r->calls[rp->cands[i].call].n_cand++;
    uint32_t esum = 0, csum = 0;
    for (size_t c = 0; c < r->n_calls; c++) {
        r->calls[c].ev0 = esum;
        r->calls[c].cand0 = csum;
        esum += r->calls[c].n_ev;
        csum += r->calls[c].n_cand;
        r->calls[c].n_ev = r->calls[c].n_cand = 0;
    }
    for (size_t i = 0; i < rp->n_call_events; i++) {
        view_call *c = &r->calls[rp->call_events[i].call];
        int32_t unit = rp->call_events[i].unit;
        if (unit >= 0 && (size_t)unit >= r->n_units) unit = -1;
        r->cevs[c->ev0 + c->n_ev++] =
            (view_cev){rp->call_events[i].t_s, rp->call_events[i].what, unit};
    }
    for (size_t i = 0; i < rp->n_cands; i++) {
        const replay_cand_rec *x = &rp->cands[i];
        view_call *c = &r->calls[x->call];
        r->cands[c->cand0 + c->n_cand++] =
            (view_cand){x->t_s, x->rank, x->unit, x->travel_s, x->sent};
    }
    /* The points are taken over as they are. */
    r->pt_node = rp->leg_node;
    r->pt_t = rp->leg_t;
    r->n_pts = rp->n_leg_points;
    rp->leg_node = NULL;
    rp->leg_t = NULL;
    rp->n_leg_points = rp->cap_leg_points = rp->cap_leg_points_t = 0;
    return 0;
}

typedef struct major_row {
    uint32_t rep;
    int32_t incident, node, officers, peak, random;
    double t_start, t_end;
} major_row;

typedef struct major_pt_row {
    uint32_t rep;
    int32_t incident;
    double t;
    int32_t officers;
} major_pt_row;

static int cmp_major(const void *a, const void *b)
{
    double x = ((const view_major *)a)->t_start_s, y = ((const view_major *)b)->t_start_s;
    return (x > y) - (x < y);
}

/* Major incidents, when the file has them: optional, so a file without them (or of a layout
 * whose columns differ) simply shows none. */
static void ld_majors(loader *L)
{
    view_run *r = L->r;
    static const h5_field mf[] = {
        {"rep", H5X_U32, offsetof(major_row, rep), 0, ""},
        {"incident", H5X_I32, offsetof(major_row, incident), 0, ""},
        {"node", H5X_I32, offsetof(major_row, node), 0, ""},
        {"officers", H5X_I32, offsetof(major_row, officers), 0, ""},
        {"peak_officers", H5X_I32, offsetof(major_row, peak), 0, ""},
        {"t_start_s", H5X_F64, offsetof(major_row, t_start), 0, ""},
        {"t_end_s", H5X_F64, offsetof(major_row, t_end), 0, ""},
        {"random", H5X_I32, offsetof(major_row, random), 0, ""},
    };
    static const h5_field pf[] = {
        {"rep", H5X_U32, offsetof(major_pt_row, rep), 0, ""},
        {"incident", H5X_I32, offsetof(major_pt_row, incident), 0, ""},
        {"t_s", H5X_F64, offsetof(major_pt_row, t), 0, ""},
        {"officers", H5X_I32, offsetof(major_pt_row, officers), 0, ""},
    };
    major_row *m = NULL;
    major_pt_row *p = NULL;
    size_t nm = 0, np = 0;
    if (!h5_exists(L->f, "/major_reps") ||
        h5_table_read(L->f, "/major_reps", mf, sizeof mf / sizeof mf[0], sizeof *m, (void **)&m,
                      &nm))
        return;
    if (!h5_exists(L->f, "/major_curve") ||
        h5_table_read(L->f, "/major_curve", pf, 4, sizeof *p, (void **)&p, &np)) {
        p = NULL;
        np = 0;
    }
    r->majors = calloc(nm ? nm : 1, sizeof *r->majors);
    r->major_pt_t = malloc((np ? np : 1) * sizeof *r->major_pt_t);
    r->major_pt_officers = malloc((np ? np : 1) * sizeof *r->major_pt_officers);
    if (!r->majors || !r->major_pt_t || !r->major_pt_officers) goto out;
    size_t used = 0;
    for (size_t i = 0; i < nm; i++) {
        if (m[i].rep != r->rep || m[i].node < 0 || (size_t)m[i].node >= r->n_nodes ||
            !isfinite(m[i].t_start))
            continue;
        view_major *v = &r->majors[r->n_majors++];
        *v = (view_major){.node = m[i].node,
                          .t_start_s = m[i].t_start,
                          .t_end_s = isfinite(m[i].t_end) ? m[i].t_end : r->horizon_s,
                          .officers = m[i].officers,
                          .peak_officers = m[i].peak,
                          .planned = m[i].random == 2,
                          .pt0 = (uint32_t)used};
        for (size_t k = 0; k < np; k++)
            if (p[k].rep == r->rep && p[k].incident == m[i].incident) {
                r->major_pt_t[used] = p[k].t;
                r->major_pt_officers[used++] = p[k].officers;
                v->n_pts++;
            }
    }
    qsort(r->majors, r->n_majors, sizeof *r->majors, cmp_major);
out:
    free(m);
    free(p);
}

static int ld_weekday(loader *L)
{
    char *text = NULL;
    L->r->start_weekday = -1;
    if (h5_attr_get_str(L->f, "/", "scenario_text", &text)) return 0;
    /* The scenario's run.start_weekday; 0 (Monday) when the scenario leaves it out. */
    const char *p = strstr(text, "start_weekday");
    int wd = 0;
    if (p && sscanf(p, "start_weekday = %d", &wd) == 1 && wd >= 0 && wd <= 6)
        L->r->start_weekday = wd;
    else if (!p)
        L->r->start_weekday = 0;
    free(text);
    return 0;
}

view_run *view_run_load(const char *path, int rep, char *err, size_t errlen)
{
    view_run *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(r);
        return NULL;
    }
    int code = 0;
    h5_file *f = h5_file_open(path, false, &code, err, errlen);
    if (!f) {
        view_run_free(r);
        return NULL;
    }
    loader L = {f, r, err, errlen};
    id_ix *map = NULL;
    replay *rp = NULL;
    uint32_t *reps = NULL;
    size_t n_reps = 0;
    int version = 0;
    int rc = -1;
    if (h5_attr_get_int(f, "/", "layout_version", &version)) {
        ld_fail(&L, "not a patrolsim results file (no layout_version attribute)");
        goto out;
    }
    if (version != RESULTS_LAYOUT_VERSION) {
        char why[256];
        results_version_message(why, sizeof why, version);
        ld_fail(&L, "%s", why);
        goto out;
    }
    h5_attr_get_str(f, "/", "scenario_name", &r->scenario_name);
    if (h5_attr_get_f64(f, "/", "warmup_s", &r->warmup_s) ||
        h5_attr_get_f64(f, "/", "horizon_s", &r->horizon_s)) {
        ld_fail(&L, NULL);
        goto out;
    }
    if (replay_h5_list(f, &reps, &n_reps)) {
        ld_fail(&L, NULL);
        goto out;
    }
    if (n_reps == 0) {
        ld_fail(&L, "no replay recorded in this file (record one with 'patrolsim run SCENARIO "
                    "--replay 0')");
        goto out;
    }
    if (rep < 0) rep = (int)reps[0];
    bool found = false;
    for (size_t i = 0; i < n_reps; i++)
        found = found || reps[i] == (uint32_t)rep;
    if (!found) {
        char list[256] = "";
        for (size_t i = 0; i < n_reps && strlen(list) < 200; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%u", i ? ", " : "",
                     reps[i]);
        ld_fail(&L, "replication %d was not recorded (recorded: %s)", rep, list);
        goto out;
    }
    r->rep = (uint32_t)rep;
    if (ld_weekday(&L) || ld_nodes(&L, &map) || ld_edges(&L, map) || ld_zones(&L) ||
        ld_stations(&L, map) || ld_units(&L, map) || ld_types(&L) || ld_calls(&L))
        goto out;
    for (size_t i = 0; i < r->n_calls; i++)
        if (r->calls[i].type < 0 || (size_t)r->calls[i].type >= r->n_types) r->calls[i].type = -1;
    ld_majors(&L);
    rp = replay_create();
    if (!rp) {
        ld_fail(&L, "out of memory");
        goto out;
    }
    char grp[64];
    snprintf(grp, sizeof grp, "/replay/rep_%u", r->rep);
    if (replay_h5_read(f, r->rep, rp) ||
        h5_attr_get_strv(f, grp, "state_names", &r->state_names, &r->n_state_names) ||
        h5_attr_get_strv(f, grp, "call_event_names", &r->cev_names, &r->n_cev_names)) {
        ld_fail(&L, NULL);
        goto out;
    }
    if (ld_replay(&L, rp)) goto out;
    if (view_run_index(r)) {
        ld_fail(&L, "out of memory");
        goto out;
    }
    char title[256];
    const char *base = strrchr(path, '/');
    snprintf(title, sizeof title, "%s · %s, replication %u", base ? base + 1 : path,
             r->scenario_name ? r->scenario_name : "?", r->rep);
    r->title = strdup(title);
    rc = 0;
out:
    free(map);
    free(reps);
    replay_destroy(rp);
    h5_file_close(f);
    if (rc) {
        view_run_free(r);
        return NULL;
    }
    return r;
}
