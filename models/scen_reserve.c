/* scen_reserve.c - the scenario's major incidents (scheduled and random), the
 * tiers of the emergency reserve and the pull-back policy (scenario.h,
 * scen_reserve). Read after the units and lines, since a tier names unit kinds
 * and unit groups, and a pool names a station.
 *
 * A tier must be able to put somebody on scene: it needs `from` (on-duty units)
 * or a pool (off-duty officers) or both. Tiers are called in file order; the
 * first cannot wait for a previous one.
 */
#include <stdlib.h>
#include <string.h>

#include "scen_loader.h"

static const char *const call_up_names[] = {"immediate", "after_previous", "size_at_least"};

static int station_index(const scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_stations; i++)
        if (s->stations[i].name && strcmp(s->stations[i].name, name) == 0) return (int)i;
    return -1;
}

/* `from`: each name a unit kind or a unit group. */
static bool read_from(loader *L, const config_setting_t *e, scen_tier *t)
{
    scenario *s = L->s;
    const config_setting_t *fl = sc_member(e, "from");
    if (!fl || !config_setting_is_aggregate(fl) || config_setting_is_group(fl)) return true;
    size_t n = sc_length(fl);
    bool ok = true;
    if (n == 0) {
        sc_err(&L->c, fl, "must not be empty (leave it out for a tier with only a pool)");
        return false;
    }
    for (size_t j = 0; j < n; j++) {
        const char *name;
        if (sc_elem_string(elem(fl, j), &name) != 1) continue;
        int k = kind_index(s, name);
        if (k >= 0) {
            t->kind_mask |= 1u << k;
            continue;
        }
        int g = -1;
        for (size_t q = 0; q < s->n_unit_groups && g < 0; q++)
            if (s->unit_groups[q].name && strcmp(s->unit_groups[q].name, name) == 0) g = (int)q;
        if (g < 0) {
            char kinds[512];
            sc_join(kinds, sizeof kinds, (const char *const *)s->unit_kinds, s->n_unit_kinds,
                    NAMES_QUOTED);
            sc_err(&L->c, elem(fl, j), "no unit kind or unit group named '%s' (kinds: %s)", name,
                   kinds);
            ok = false;
            continue;
        }
        if (!t->group_ok && !(t->group_ok = calloc(s->n_unit_groups, 1))) return false;
        t->group_ok[g] = 1;
    }
    return ok;
}

static void read_tiers(loader *L)
{
    scenario *s = L->s;
    scen_reserve *r = &s->reserve;
    size_t n;
    const config_setting_t *list = top_list(L, "reserve", false, &n);
    if (n > SCEN_MAX_TIERS) {
        sc_err(&L->c, list, "at most %d tiers (got %zu)", SCEN_MAX_TIERS, n);
        n = SCEN_MAX_TIERS;
    }
    r->n_tiers = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        scen_tier *t = &r->tiers[i];
        const char *v;
        long long x;
        if (str_key(L, e, "name", &v)) t->name = xstrdup(v);
        if (int_key(L, e, "officers", REQ_INT, 1, 100000, &x)) t->officers = (int)x;
        read_from(L, e, t);
        t->pool_station = -1;
        t->vehicle_officers = 10;
        const config_setting_t *pool = sc_member(e, "pool");
        if (pool && config_setting_is_group(pool)) {
            if (int_key(L, pool, "officers", REQ_INT, 1, 100000, &x)) t->pool_officers = (int)x;
            if (int_key(L, pool, "vehicle_officers", 10, 1, 1000, &x)) t->vehicle_officers = (int)x;
            if (str_key(L, pool, "station", &v) && (t->pool_station = station_index(s, v)) < 0) {
                char names[512];
                list_names(sc_member(L->root, "stations"), "name", names, sizeof names);
                sc_err(&L->c, sc_member(pool, "station"), "no station named '%s' (stations: %s)",
                       v, names);
            }
        }
        if (!sc_member(e, "from") && !pool)
            sc_err(&L->c, e, "tier '%s' has neither 'from' (on-duty units) nor 'pool' "
                             "(off-duty officers): it could never put anybody on scene",
                   t->name ? t->name : "?");
        int cu = word_key(L, e, "call_up", CALLUP_IMMEDIATE, call_up_names, 3);
        t->call_up = cu < 0 ? CALLUP_IMMEDIATE : (scen_call_up)cu;
        if (cu == CALLUP_AFTER_PREVIOUS && i == 0)
            sc_err(&L->c, sc_member(e, "call_up"),
                   "the first tier cannot be called \"after_previous\": there is none before it");
        const config_setting_t *sz = sc_member(e, "size_at_least");
        if (cu == CALLUP_SIZE) {
            if (!sz)
                sc_err(&L->c, e, "missing required key 'size_at_least' (call_up \"size_at_least\")");
            else if (int_key(L, e, "size_at_least", REQ_INT, 1, 1000000, &x))
                t->size_at_least = (int)x;
        } else if (sz) {
            sc_err(&L->c, sz, "applies only to call_up \"size_at_least\"");
        }
        num_key(L, e, "delay_s", 0, 0, 7 * DAY_S, 0, &t->delay_s);
        const config_setting_t *as = sc_member(e, "assembly");
        t->assembly = (scen_dist){.kind = DIST_FIXED, .mean_s = 0};
        if (as) {
            if (!pool)
                sc_err(&L->c, as, "applies only to a tier with a pool (on-duty units leave "
                                  "from where they are)");
            read_dist(L, as, &t->assembly);
        }
        int m = word_key(L, e, "mode", NET_VEHICLE, (const char *const[]){"vehicle", "foot"}, 2);
        t->mode = m == NET_FOOT ? NET_FOOT : NET_VEHICLE;
    }
    check_unique(L, list, "name", "tier name");
}

/* The `needs` list of an incident that needs `officers` from its start and lasts duration_s:
 * steps (after_hours, officers) at increasing times within it. Fills needs[0..*n) with the
 * start first; returns the most it ever needs. */
static int read_needs(loader *L, const config_setting_t *e, int officers, double duration_s,
                      scen_need *needs, size_t *n)
{
    needs[0] = (scen_need){0, officers};
    *n = 1;
    int most = officers;
    const config_setting_t *list = sc_member(e, "needs");
    if (!list || !config_setting_is_list(list)) return most;
    size_t len = (size_t)config_setting_length(list);
    if (len + 1 > SCEN_MAX_NEEDS) {
        sc_err(&L->c, list, "at most %d steps (got %zu)", SCEN_MAX_NEEDS - 1, len);
        return most;
    }
    for (size_t j = 0; j < len; j++) {
        const config_setting_t *st = config_setting_get_elem(list, (unsigned)j);
        double h = 0;
        long long x = 0;
        if (!num_key(L, st, "after_hours", REQ, 0, duration_s / 3600, OPEN_LO | OPEN_HI, &h) ||
            !int_key(L, st, "officers", REQ_INT, 0, 100000, &x))
            continue;
        if (h * 3600 <= needs[*n - 1].after_s) {
            sc_err(&L->c, sc_member(st, "after_hours"),
                   "steps must come in order of time (%g h is not after %g h)", h,
                   needs[*n - 1].after_s / 3600);
            continue;
        }
        needs[(*n)++] = (scen_need){h * 3600, (int)x};
        if ((int)x > most) most = (int)x;
    }
    return most;
}

static void read_majors(loader *L)
{
    scenario *s = L->s;
    scen_reserve *r = &s->reserve;
    size_t n, n_ev;
    const config_setting_t *list = top_list(L, "major_incidents", false, &n);
    const config_setting_t *evl = top_list(L, "public_events", false, &n_ev);
    if (n + n_ev && !(r->majors = calloc(n + n_ev, sizeof *r->majors))) return;
    r->n_majors = n + n_ev;
    for (size_t i = 0; i < n + n_ev; i++) {
        const config_setting_t *e = i < n ? elem(list, i) : elem(evl, i - n);
        scen_major *m = &r->majors[i];
        const char *v;
        long long day = 0, x;
        double h = 0, d = 0;
        if (str_key(L, e, "name", &v)) m->name = xstrdup(v);
        read_node(L, e, &m->node);
        int_key(L, e, "day", 0, 0, 100000, &day);
        num_key(L, e, "start_h", REQ, 0, 24, OPEN_HI, &h);
        /* One that starts after the run's horizon is not simulated (a shortened
         * run, --set run.horizon_days, stays valid). */
        m->start_s = (double)day * DAY_S + h * 3600.0;
        if (num_key(L, e, "duration_hours", REQ, 0, 24 * 30, OPEN_LO, &d)) m->duration_s = d * 3600;
        if (int_key(L, e, "officers", REQ_INT, 1, 100000, &x)) m->officers = (int)x;
        m->event_s = m->start_s;
        m->event_step = -1;
        if (i < n) {
            m->officers = read_needs(L, e, m->officers, m->duration_s, m->needs, &m->n_needs);
            continue;
        }
        /* A public event: its officers are ordered out before_hours ahead and stay
         * after_hours after it. Each phase may need its own number (setting up
         * and clearing a stadium takes fewer than the match); the reserve adds
         * or sends back the difference when a phase begins. */
        double before = 0, after = 0;
        m->planned = 1;
        num_key(L, e, "before_hours", 0, 0, 24 * 30, 0, &before);
        num_key(L, e, "after_hours", 0, 0, 24 * 30, 0, &after);
        static const char *const phase_key[3] = {"officers_before", NULL, "officers_after"};
        static const char *const hours_key[3] = {"before_hours", NULL, "after_hours"};
        double hours[3] = {before, 0, after};
        int phase[3] = {m->officers, m->officers, m->officers};
        for (int p = 0; p < 3; p += 2) {
            const config_setting_t *k = sc_member(e, phase_key[p]);
            if (!k) continue;
            if (!(hours[p] > 0))
                sc_err(&L->c, k, "applies only with %s > 0 (there is no such phase)", hours_key[p]);
            else if (int_key(L, e, phase_key[p], REQ_INT, 0, 100000, &x))
                phase[p] = (int)x;
        }
        /* The steps, from the order: before (if any), the event, after (if any). */
        m->n_needs = 0;
        if (before > 0) m->needs[m->n_needs++] = (scen_need){0, phase[0]};
        m->event_step = (int)m->n_needs;
        m->needs[m->n_needs++] = (scen_need){before * 3600, phase[1]};
        if (after > 0) m->needs[m->n_needs++] = (scen_need){(before * 3600 + m->duration_s), phase[2]};
        for (int p = 0; p < 3; p += 2)
            if (phase[p] > m->officers) m->officers = phase[p];
        double lead_min = 0;
        num_key(L, e, "lead_minutes", 0, 0, 24 * 60, 0, &lead_min);
        m->lead_s = lead_min * 60;
        m->start_s -= before * 3600;
        if (m->start_s < 0) {
            sc_err(&L->c, sc_member(e, "before_hours"),
                   "the officers would be ordered out before the run starts (%g h before day 0)",
                   -m->start_s / 3600);
            m->start_s = 0;
        }
        m->duration_s += (before + after) * 3600;
    }
    check_unique(L, list, "name", "major incident name");
    check_unique(L, evl, "name", "public event name");
    const config_setting_t *g = sc_member(L->root, "major_random");
    if (g && config_setting_is_group(g)) {
        long long x;
        double d = 0;
        num_key(L, g, "per_day", REQ, 0, 100, 0, &r->random_per_day);
        if (int_key(L, g, "officers", REQ_INT, 1, 100000, &x)) r->random_officers = (int)x;
        if (num_key(L, g, "duration_hours", REQ, 0, 24 * 30, OPEN_LO, &d))
            r->random_duration_s = d * 3600;
        r->random_officers = read_needs(L, g, r->random_officers, r->random_duration_s,
                                        r->random_needs, &r->n_random_needs);
    }
    if ((n || n_ev || (g && r->random_per_day > 0)) && r->n_tiers == 0)
        sc_err(&L->c, list ? list : evl ? evl : g,
               "major incidents need a 'reserve' with at least one tier to answer them");
}

static void read_pull_back(loader *L)
{
    scenario *s = L->s;
    scen_pull_back *p = &s->reserve.pull_back;
    p->patrol_lines = true;
    p->posts_keep = 1;
    if (s->n_posts && !(p->post_keep = calloc(s->n_posts, sizeof *p->post_keep))) {
        diag_error(L->c.d, L->c.file, 0, NULL, "out of memory for the pull-back policy");
        return;
    }
    for (size_t i = 0; i < s->n_posts; i++) p->post_keep[i] = p->posts_keep;
    const config_setting_t *g = sc_member(L->root, "pull_back");
    if (!g || !config_setting_is_group(g)) return;
    long long x;
    sc_get_bool(g, "patrol_lines", &p->patrol_lines);
    if (int_key(L, g, "posts_keep", 1, 0, 1000, &x)) p->posts_keep = (int)x;
    for (size_t i = 0; i < s->n_posts; i++) p->post_keep[i] = p->posts_keep;
    /* "Checkpoints must keep two": a kind's own rule over the general one. */
    const config_setting_t *bk = sc_member(g, "posts_keep_by_kind");
    for (size_t j = 0; bk && config_setting_is_list(bk) && j < sc_length(bk); j++) {
        const config_setting_t *e = elem(bk, j);
        const char *kind;
        if (!str_key(L, e, "kind", &kind) || !int_key(L, e, "keep", REQ_INT, 0, 1000, &x)) continue;
        size_t hit = 0;
        for (size_t i = 0; i < s->n_posts; i++)
            if (strcmp(s->posts[i].kind, kind) == 0) {
                p->post_keep[i] = (int)x;
                hit++;
            }
        if (!hit) sc_err(&L->c, sc_member(e, "kind"), "no post is of kind '%s'", kind);
    }
    check_unique(L, bk, "kind", "post kind");
    const config_setting_t *fl = sc_member(g, "first");
    if (!fl || !config_setting_is_aggregate(fl) || config_setting_is_group(fl)) return;
    for (size_t j = 0; j < sc_length(fl); j++) {
        const char *name;
        if (sc_elem_string(elem(fl, j), &name) != 1) continue;
        int k = kind_index(s, name);
        if (k < 0)
            sc_err(&L->c, elem(fl, j), "no unit kind named '%s'", name);
        else
            p->first_mask |= 1u << k;
    }
}

void read_reserve(loader *L)
{
    read_tiers(L);
    read_majors(L);
    read_pull_back(L);
}

void scen_reserve_fini(scen_reserve *r)
{
    for (size_t i = 0; i < r->n_tiers; i++) {
        free(r->tiers[i].name);
        free(r->tiers[i].group_ok);
    }
    for (size_t i = 0; i < r->n_majors; i++) free(r->majors[i].name);
    free(r->majors);
    free(r->pull_back.post_keep);
    memset(r, 0, sizeof *r);
}
