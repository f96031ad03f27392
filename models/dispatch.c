/* dispatch.c - ranking candidate units for a call. See dispatch.h for the rule. */
#include "dispatch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool dispatch_may_answer(const scenario *s, uint32_t u, int type, int zone, int *plan_pos)
{
    const scen_unit *unit = &s->units[u];
    if (!(s->types[type].kind_mask & (1u << unit->kind))) return false;
    *plan_pos = 0;
    if (s->policy != POLICY_PLAN) return true;
    if (zone < 0 || (size_t)zone >= s->n_plans) return false;
    const scen_plan *p = &s->plans[zone];
    for (size_t i = 0; i < p->n_units; i++)
        if (p->units[i] == (int)u) {
            *plan_pos = (int)i;
            return true;
        }
    return false;
}

bool dispatch_post_allows(const scenario *s, int post, int away, uint32_t call_node)
{
    const scen_post *p = &s->posts[post];
    if (away >= p->max_away) return false;
    if (!isfinite(p->radius_m)) return true;
    const net_node *a = &s->net->nodes[p->node], *b = &s->net->nodes[call_node];
    return hypot(a->x_m - b->x_m, a->y_m - b->y_m) <= p->radius_m;
}

static int dispatch_cmp_nearest(const void *a, const void *b)
{
    const dispatch_cand *x = a, *y = b;
    if (x->travel_s != y->travel_s) return x->travel_s < y->travel_s ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

static int dispatch_cmp_plan(const void *a, const void *b)
{
    const dispatch_cand *x = a, *y = b;
    if (x->plan_pos != y->plan_pos) return x->plan_pos < y->plan_pos ? -1 : 1;
    return (x->unit > y->unit) - (x->unit < y->unit);
}

/* Travel times of every candidate, one search per mode: the candidates of one
 * mode are gathered so that a network without tables is searched once. */
static void dispatch_travel(const scenario *s, travel_ws *w, uint32_t call_node,
                            dispatch_cand *c, size_t n)
{
    if (!s->travel_enabled) {
        for (size_t i = 0; i < n; i++) c[i].travel_s = 0;
        return;
    }
    uint32_t from[n ? n : 1];
    double t[n ? n : 1];
    size_t idx[n ? n : 1];
    for (int m = 0; m < NET_MODES; m++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (s->units[c[i].unit].mode == (net_mode)m) {
                idx[k] = i;
                from[k++] = c[i].node;
            }
        if (!k) continue;
        travel_times_to(s->travel, w, (net_mode)m, call_node, from, k, t);
        for (size_t j = 0; j < k; j++) c[idx[j]].travel_s = c[idx[j]].offset_s + t[j];
    }
}

size_t dispatch_rank(const scenario *s, travel_ws *w, uint32_t call_node, int officers,
                     const int *post_away, dispatch_cand *c, size_t *n_io)
{
    size_t n = *n_io;
    if (n == 0) return 0;
    dispatch_travel(s, w, call_node, c, n);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].travel_s <= s->units[c[i].unit].max_travel_s) c[kept++] = c[i];
    *n_io = n = kept;
    if (n == 0) return 0;
    qsort(c, n, sizeof *c, s->policy == POLICY_PLAN ? dispatch_cmp_plan : dispatch_cmp_nearest);
    /* Take in rank order; a unit whose post is already at its limit (counting
     * the units taken here) is passed over. Taken ones move to the front. */
    size_t take = 0;
    int crew = 0;
    int extra[s->n_posts ? s->n_posts : 1];
    for (size_t p = 0; p < s->n_posts; p++) extra[p] = 0;
    for (size_t i = 0; i < n && crew < officers; i++) {
        if (c[i].post >= 0 && c[i].leaves_post) {
            int away = (post_away ? post_away[c[i].post] : 0) + extra[c[i].post];
            if (away >= s->posts[c[i].post].max_away) continue;
            extra[c[i].post]++;
        }
        dispatch_cand x = c[i];
        memmove(&c[take + 1], &c[take], (i - take) * sizeof *c);
        c[take++] = x;
        crew += s->units[x.unit].crew;
    }
    return take;
}
