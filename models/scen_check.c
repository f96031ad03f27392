/* scen_check.c - scen_print_check: a loaded scenario at a glance, for a planner.
 *
 * Everything printed is computed from the scenario alone, without simulating:
 * forces on duty by time of day, expected calls, and an offered-load estimate
 * that says whether the forces can keep up at all. The estimate is deliberately
 * simple and says so: work per call = units sent x (mean on-scene time + twice
 * the mean travel time), with units sent = ceil(officers / mean crew of the
 * units that may answer), and the mean travel time taken from the nearest
 * station by vehicle (units on patrol are usually nearer, units coming back
 * from a call often farther). Queueing delays start well before utilisation
 * reaches 1, hence the warning at 0.9.
 *
 * The travel sample (up to TRAVEL_SAMPLE nodes per zone or hotspot, evenly
 * spaced in node order) keeps "patrolsim check" fast on large networks.
 */
#include "scenario.h"
#include "trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S         86400.0
#define TRAVEL_SAMPLE 200

static const char *const weekday[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/* "08:00", or "08:30:15" when the seconds matter. */
static const char *clock_str(double t_s, char *buf, size_t n)
{
    /* Times of day and slot lengths are within a few days: int keeps the compiler's
     * worst case within the buffer (-Wformat-truncation at -O3). */
    int s = (int)fmin(fmax(lround(t_s), 0), 999999.0);
    if (s % 60)
        snprintf(buf, n, "%02d:%02d:%02d", s / 3600 % 1000, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%02d:%02d", s / 3600 % 1000, s / 60 % 60);
    return buf;
}

static const char *shift_str(const scen_unit *u, char *buf, size_t n)
{
    char a[16], b[16];
    if (u->shift_len_s >= DAY_S)
        snprintf(buf, n, "round the clock");
    else
        snprintf(buf, n, "%s-%s", clock_str(u->shift_start_s, a, sizeof a),
                 clock_str(fmod(u->shift_start_s + u->shift_len_s, DAY_S) == 0
                               ? 24 * 3600.0
                               : fmod(u->shift_start_s + u->shift_len_s, DAY_S),
                           b, sizeof b));
    return buf;
}

/* Seconds of [a, b) (within one day) that unit u is in one of its slots. */
static double on_duty_within(const scen_unit *u, double a, double b)
{
    double sum = 0;
    for (int j = 0; j < u->n_slots; j++) {
        if (u->slots[j].len_s >= DAY_S) return b - a;
        for (int k = -1; k <= 0; k++) {
            double lo = u->slots[j].start_s + k * DAY_S, hi = lo + u->slots[j].len_s;
            double o = fmin(b, hi) - fmax(a, lo);
            if (o > 0) sum += o;
        }
    }
    return sum;
}

/* Units on duty at time of day t (seconds), counting those of kind mask. */
static size_t on_duty_at(const scenario *s, double t, uint32_t mask)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_units; i++)
        if ((mask >> s->units[i].kind & 1) && scen_unit_on_shift(s, &s->units[i], t)) n++;
    return n;
}

/* The times of day at which the number of units on duty is looked at: every
 * quarter hour, where slots begin and end in practice. t has room for 96. */
#define CHANGE_TIMES 96
static size_t change_times(const scenario *s, double *t)
{
    (void)s;
    for (size_t k = 0; k < CHANGE_TIMES; k++) t[k] = (double)k * 900.0;
    return CHANGE_TIMES;
}

/* Expected calls in [t0, t1), integrating the hourly and weekly profile. */
static double expected_calls(const scenario *s, double t0, double t1)
{
    double sum = 0;
    for (double h = floor(t0 / 3600) * 3600; h < t1; h += 3600) {
        double a = fmax(h, t0), b = fmin(h + 3600, t1);
        if (b > a) sum += scen_call_rate(s, h) * (b - a);
    }
    return sum;
}

/* The mean over (a sample of) nodes of the vehicle travel time from the
 * nearest station. */
static double mean_from_stations(const scenario *s, travel_ws *w, const uint32_t *from,
                                 size_t n_from, const uint32_t *nodes, size_t n, double *tmp)
{
    if (n == 0 || n_from == 0) return 0;
    size_t m = n < TRAVEL_SAMPLE ? n : TRAVEL_SAMPLE;
    double sum = 0;
    for (size_t k = 0; k < m; k++) {
        uint32_t to = nodes[k * n / m];
        travel_times_to(s->travel, w, NET_VEHICLE, to, from, n_from, tmp);
        double best = INFINITY;
        for (size_t j = 0; j < n_from; j++)
            best = fmin(best, tmp[j]);
        sum += best;
    }
    return sum / (double)m;
}

/* Mean travel to a call, weighted by where calls are placed; 0 without travel.
 * NAN when out of memory. */
static double mean_travel(const scenario *s)
{
    if (!s->travel_enabled || !s->travel || s->n_stations == 0) return 0;
    uint32_t *from = malloc(s->n_stations * sizeof *from);
    double *tmp = malloc(s->n_stations * sizeof *tmp);
    travel_ws *w = travel_ws_create(s->travel);
    double total = NAN;
    if (from && tmp && w) {
        for (size_t i = 0; i < s->n_stations; i++)
            from[i] = s->stations[i].node;
        double wsum = 0, acc = 0;
        for (size_t z = 0; z < s->n_zones; z++) {
            if (!(s->zones[z].weight > 0)) continue;
            acc += s->zones[z].weight * mean_from_stations(s, w, from, s->n_stations,
                                                           s->zones[z].nodes, s->zones[z].n_nodes,
                                                           tmp);
            wsum += s->zones[z].weight;
        }
        for (size_t h = 0; h < s->n_hotspots; h++) {
            if (!(s->hotspots[h].weight > 0)) continue;
            acc += s->hotspots[h].weight * mean_from_stations(s, w, from, s->n_stations,
                                                              s->hotspots[h].nodes,
                                                              s->hotspots[h].n_nodes, tmp);
            wsum += s->hotspots[h].weight;
        }
        total = wsum > 0 ? acc / wsum : 0;
    }
    travel_ws_destroy(w);
    free(tmp);
    free(from);
    return total;
}

/* Mean crew of the units of kinds in mask; 0 when there are none. */
static double mean_crew(const scenario *s, uint32_t mask)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->n_units; i++)
        if (mask >> s->units[i].kind & 1) sum += s->units[i].crew, n++;
    return n ? sum / (double)n : 0;
}

static void print_forces(const scenario *s, FILE *out)
{
    char a[32], b[32];
    fprintf(out, "\nStations (officers of their units on duty, by shift)\n");
    for (size_t i = 0; i < s->n_stations; i++) {
        const scen_station *st = &s->stations[i];
        fprintf(out, "  %-20s node %-8lld squad %-4d", st->name,
                (long long)s->net->nodes[st->node].id, st->squad);
        /* Distinct shifts of this station's units, in order of first appearance. */
        size_t shown = 0;
        for (size_t u = 0; u < s->n_units; u++) {
            const scen_unit *x = &s->units[u];
            if (x->station != (int)i) continue;
            bool seen = false;
            for (size_t v = 0; v < u && !seen; v++)
                seen = s->units[v].station == (int)i &&
                       s->units[v].shift_start_s == x->shift_start_s &&
                       s->units[v].shift_len_s == x->shift_len_s;
            if (seen) continue;
            int officers = 0, units = 0;
            for (size_t v = u; v < s->n_units; v++)
                if (s->units[v].station == (int)i &&
                    s->units[v].shift_start_s == x->shift_start_s &&
                    s->units[v].shift_len_s == x->shift_len_s)
                    officers += s->units[v].crew, units++;
            fprintf(out, "%s%s: %d officers in %d unit%s", shown++ ? "; " : "",
                    shift_str(x, a, sizeof a), officers, units, units == 1 ? "" : "s");
        }
        fprintf(out, "%s\n", shown ? "" : "no units");
    }

    fprintf(out, "\nUnit groups\n");
    for (size_t g = 0; g < s->n_unit_groups; g++) {
        const scen_unit *u = NULL;
        for (size_t i = 0; i < s->n_units && !u; i++)
            if (s->units[i].group == (int)g) u = &s->units[i];
        if (!u) continue;
        fprintf(out, "  %-20s %4d x %-3d %-16s %-8s %-16s %s%s\n", s->unit_groups[g].name,
                s->unit_groups[g].count, u->crew, s->unit_kinds[u->kind], net_mode_name(u->mode),
                shift_str(u, a, sizeof a), u->post >= 0 ? "post " : "",
                u->post >= 0 ? s->posts[u->post].name : s->stations[u->station].name);
    }
    if (s->n_posts) {
        fprintf(out, "\nPosts (how many units may leave at once, and how far they answer)\n");
        for (size_t p = 0; p < s->n_posts; p++) {
            const scen_post *ps = &s->posts[p];
            int units = 0;
            for (size_t i = 0; i < s->n_units; i++) units += s->units[i].post == (int)p;
            char radius[32];
            if (isfinite(ps->radius_m))
                snprintf(radius, sizeof radius, "within %.0f m", ps->radius_m);
            else
                snprintf(radius, sizeof radius, "anywhere");
            fprintf(out, "  %-28s %-10s node %-6lld %d unit%s, %d may leave, %s\n", ps->name,
                    ps->kind, (long long)s->net->nodes[ps->node].id, units, units == 1 ? "" : "s",
                    ps->max_away, radius);
        }
    }
    size_t n_comm = 0, n_checkins = 0;
    for (size_t l = 0; l < s->n_lines; l++) {
        if (s->lines[l].community >= 0) {
            n_comm++;
            n_checkins += s->lines[l].n_checkins;
            continue;
        }
        if (l == 0 || s->lines[l - 1].community >= 0)
            fprintf(out, "\nPatrol lines (route, team per slot, slots a day)\n");
        const scen_line *ln = &s->lines[l];
        const scen_unit *u = NULL;
        int teams = 0;
        for (size_t i = 0; i < s->n_units; i++)
            if (s->units[i].line == (int)l) {
                if (!u) u = &s->units[i];
                teams++;
            }
        if (!u) continue;
        fprintf(out, "  %-6s %-8s %5.1f km, %3.0f min a round; %d team%s of %d sworn + %d; "
                     "roster %d+%d+%d; slots",
                ln->name, net_mode_name(u->mode), ln->route.d_m[ln->route.n] / 1000.0,
                ln->route.cycle_s / 60.0, teams, teams == 1 ? "" : "s", u->crew,
                u->presence - u->crew, ln->roster[0], ln->roster[1], ln->roster[2]);
        for (int k = 0; k < u->n_slots; k++) {
            scen_unit one = *u;
            one.shift_start_s = u->slots[k].start_s;
            one.shift_len_s = u->slots[k].len_s;
            fprintf(out, " %s%s", shift_str(&one, a, sizeof a), u->slots[k].flexible ? "*" : "");
        }
        fprintf(out, "\n");
    }
    if (s->n_lines > n_comm) fprintf(out, "  (* flexible slot, placed at the busiest hours)\n");
    if (n_comm)
        fprintf(out, "\nCommunity patrols: %zu lines with %zu check-in points\n", n_comm,
                n_checkins);
    if (s->node_camera) {
        size_t seen = 0;
        for (size_t v = 0; v < s->net->n_nodes; v++) seen += s->node_camera[v];
        fprintf(out, "\nCameras: %zu in use, seeing %zu of %zu nodes; the command centre notices "
                     "%.0f%% of what they see after %.0f s on average\n",
                s->n_cameras, seen, s->net->n_nodes, 100 * s->camera_detect_prob,
                scen_dist_mean(&s->camera_delay));
    }
    if (scen_dist_mean(&s->report_delay) > 0)
        fprintf(out, "Reports: citizens call %.0f s after an incident on average\n",
                scen_dist_mean(&s->report_delay));
    fprintf(out, "Presence: %zu grid cells, presence window %.0f min\n", s->cells.n_cells,
            s->presence_window_s / 60.0);

    double t0 = 0, *t = malloc(CHANGE_TIMES * sizeof *t);
    size_t nt = t ? change_times(s, t) : 1;
    if (!t) t = &t0; /* out of memory: look at midnight only */
    size_t lo = SIZE_MAX, hi = 0;
    double t_lo = 0, t_hi = 0;
    for (size_t k = 0; k < nt; k++) {
        size_t n = on_duty_at(s, t[k], UINT32_MAX);
        if (n < lo || (n == lo && t[k] < t_lo)) lo = n, t_lo = t[k];
        if (n > hi || (n == hi && t[k] < t_hi)) hi = n, t_hi = t[k];
    }
    fprintf(out, "  on duty over a day: %zu to %zu of %zu units (fewest from %s, most from %s)\n",
            lo, hi, s->n_units, clock_str(t_lo, a, sizeof a), clock_str(t_hi, b, sizeof b));
    for (size_t i = 0; i < s->n_types; i++) {
        for (size_t k = 0; k < nt; k++) {
            if (on_duty_at(s, t[k], s->types[i].kind_mask) > 0) continue;
            fprintf(out, "  note: no unit that may answer '%s' is on duty from %s\n",
                    s->types[i].name, clock_str(t[k], a, sizeof a));
            break;
        }
    }
    if (t != &t0) free(t);
}

double scen_offered_load(const scenario *s, double *work_s, double *capacity_s,
                         double *travel_s)
{
    double trav = mean_travel(s), work = 0, capacity = 0;
    for (size_t i = 0; i < s->n_types; i++) {
        const scen_itype *t = &s->types[i];
        double crew = mean_crew(s, t->kind_mask);
        double units = crew > 0 ? ceil(t->officers / crew) : 0;
        double per_day = s->trace ? trace_type_per_day(s, i) : s->calls_per_day * t->share;
        work += per_day * units * (scen_dist_mean(&t->onscene) + 2 * trav);
    }
    for (size_t i = 0; i < s->n_units; i++) capacity += on_duty_within(&s->units[i], 0, DAY_S);
    if (work_s) *work_s = work;
    if (capacity_s) *capacity_s = capacity;
    if (travel_s) *travel_s = trav;
    return capacity > 0 ? work / capacity : INFINITY;
}

void scen_print_check(const scenario *s, FILE *out)
{
    char a[32], b[32];
    fprintf(out, "Scenario %s\n", s->name);
    if (s->description && *s->description) fprintf(out, "  %s\n", s->description);
    fprintf(out, "  file %s\n", s->path);
    if (s->overrides && *s->overrides) {
        fprintf(out, "  overrides:");
        for (const char *p = s->overrides; *p;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(out, " %.*s", (int)n, p);
            p += n + (nl != NULL);
        }
        fprintf(out, "\n");
    }
    char threads[32] = "all cores";
    if (s->threads) snprintf(threads, sizeof threads, "%d", s->threads);
    static const char *const day_name[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};
    double horizon = s->horizon_s / DAY_S, warmup = s->warmup_s / DAY_S;
    fprintf(out,
            "  seed %llu, %d replication%s of %g day%s starting on a %s (warm-up %g day%s, "
            "drain %g h), threads: %s\n",
            (unsigned long long)s->seed, s->replications, s->replications == 1 ? "" : "s", horizon,
            horizon == 1 ? "" : "s", day_name[s->start_weekday], warmup, warmup == 1 ? "" : "s",
            s->drain_s / 3600, threads);

    const net *g = s->net;
    fprintf(out, "\nNetwork %s\n  %zu nodes, %zu edges, %zu zones; travel: ", g->path, g->n_nodes,
            g->n_edges, g->n_zones);
    if (!s->travel_enabled)
        fprintf(out, "disabled (every trip takes 0 s)\n");
    else if (travel_has_table(s->travel))
        fprintf(out, "precomputed tables (%.1f MB)\n", (double)travel_table_bytes(s->travel) / 1e6);
    else
        fprintf(out, "%s (no table: more nodes than table_max_nodes)\n",
                travel_method(s->travel));
    /* Positions given as lon/lat or x/y, and the node each went to: a planner
     * sees at once a post that landed on the wrong street. */
    if (s->n_snaps) {
        double far_m = 0;
        for (size_t i = 0; i < s->n_snaps; i++)
            far_m = fmax(far_m, s->snaps[i].dist_m);
        fprintf(out, "  %zu position%s snapped to the nearest node (farthest %.0f m):\n",
                s->n_snaps, s->n_snaps == 1 ? "" : "s", far_m);
        for (size_t i = 0; i < s->n_snaps && i < 12; i++)
            fprintf(out, "    %-32s node %-10lld %5.0f m\n", s->snaps[i].path,
                    (long long)s->snaps[i].node_id, s->snaps[i].dist_m);
        if (s->n_snaps > 12) fprintf(out, "    ... and %zu more\n", s->n_snaps - 12);
    }

    double wsum = 0;
    for (size_t z = 0; z < s->n_zones; z++)
        wsum += s->zones[z].weight;
    for (size_t h = 0; h < s->n_hotspots; h++)
        wsum += s->hotspots[h].weight;
    fprintf(out, "\nZones by kind (weight = relative share of calls; targets by priority)\n");
    for (size_t k = 0; k < s->n_zone_kinds; k++) {
        double kw = 0;
        size_t nz = 0;
        for (size_t z = 0; z < s->n_zones; z++)
            if (s->zones[z].kind == (int)k) kw += s->zones[z].weight, nz++;
        fprintf(out, "  %s: %zu zone%s, %.1f%% of calls; targets", s->zone_kinds[k].name, nz,
                nz == 1 ? "" : "s", 100 * kw / wsum);
        for (int p = 0; p < s->n_priorities; p++)
            fprintf(out, " P%d %g s%s", p + 1, s->zone_kinds[k].target_s[p],
                    p + 1 < s->n_priorities ? "," : "");
        fprintf(out, "\n");
        for (size_t z = 0; z < s->n_zones; z++)
            if (s->zones[z].kind == (int)k)
                fprintf(out, "    %-24s weight %-8g %5.1f%%  %zu nodes\n", s->zones[z].name,
                        s->zones[z].weight, 100 * s->zones[z].weight / wsum, s->zones[z].n_nodes);
    }
    if (s->n_hotspots) fprintf(out, "  hotspots (calls on top of the zones'):\n");
    for (size_t h = 0; h < s->n_hotspots; h++)
        fprintf(out, "    %-24s weight %-8g %5.1f%%  %zu nodes within %g m of node %lld\n",
                s->hotspots[h].name, s->hotspots[h].weight, 100 * s->hotspots[h].weight / wsum,
                s->hotspots[h].n_nodes, s->hotspots[h].radius_m,
                (long long)g->nodes[s->hotspots[h].node].id);

    print_forces(s, out);

    fprintf(out, "\nIncident types\n  %-20s %8s %7s %8s %15s  %s\n", "name", "priority", "share",
            "officers", "mean on-scene", "answered by");
    for (size_t i = 0; i < s->n_types; i++) {
        const scen_itype *t = &s->types[i];
        char kinds[256];
        size_t used = 0;
        kinds[0] = '\0';
        if (t->kind_mask == (s->n_unit_kinds >= 32 ? UINT32_MAX : (1u << s->n_unit_kinds) - 1))
            snprintf(kinds, sizeof kinds, "any unit");
        else
            for (size_t k = 0; k < s->n_unit_kinds && used < sizeof kinds; k++)
                if (t->kind_mask >> k & 1)
                    used += (size_t)snprintf(kinds + used, sizeof kinds - used, "%s%s",
                                             used ? ", " : "", s->unit_kinds[k]);
        fprintf(out, "  %-20s %8d %6.1f%% %8d %13.0f s  %s\n", t->name, t->priority, 100 * t->share,
                t->officers, scen_dist_mean(&t->onscene), kinds);
    }

    /* A trace-driven run: what the history holds instead of what the
     * generator would draw (trace.c). */
    double calls_per_day = s->calls_per_day;
    if (s->trace) {
        trace_print_check(s, out);
        calls_per_day = 0;
        for (size_t i = 0; i < s->n_types; i++)
            calls_per_day += trace_type_per_day(s, i);
    } else {
        double counted = expected_calls(s, s->warmup_s, s->horizon_s);
        fprintf(out,
                "\nExpected calls per day (an average day) and per replication (counted: the %g "
                "days after warm-up)\n",
                (s->horizon_s - s->warmup_s) / DAY_S);
        fprintf(out, "  %-10s %12s %16s\n", "priority", "per day", "per replication");
        for (int p = 1; p <= s->n_priorities; p++) {
            double share = 0;
            for (size_t i = 0; i < s->n_types; i++)
                if (s->types[i].priority == p) share += s->types[i].share;
            fprintf(out, "  P%-9d %12.1f %16.1f\n", p, s->calls_per_day * share, counted * share);
        }
        fprintf(out, "  %-10s %12.1f %16.1f\n", "all", s->calls_per_day, counted);
        fprintf(out, "  call handling before dispatch: %.0f s on average\n",
                scen_dist_mean(&s->handling));
    }

    /* The offered load. */
    double travel_s, work, capacity;
    double util = scen_offered_load(s, &work, &capacity, &travel_s);
    fprintf(out, "\nLoad (estimate: units sent x (mean on-scene + 2 x mean travel))\n");
    if (isnan(travel_s))
        fprintf(out, "  mean travel to a call: not computed (out of memory)\n");
    else
        fprintf(out, "  mean travel to a call: %.0f s (by vehicle from the nearest station%s)\n",
                travel_s, s->travel_enabled ? "" : "; travel is disabled");
    fprintf(out, "  work offered: %.0f unit-hours per day; on duty: %.0f unit-hours per day\n",
            work / 3600, capacity / 3600);
    fprintf(out, "  utilisation: %.2f\n", util);
    if (util >= 1)
        fprintf(out,
                "  WARNING: utilisation %.2f >= 1: the system is unstable: calls arrive faster "
                "than units can serve them\n",
                util);
    else if (util >= 0.9)
        fprintf(out, "  WARNING: utilisation %.2f >= 0.9: expect long queues for free units\n",
                util);

    /* The busiest hour of the week against the units on duty in that hour. */
    double per_call = calls_per_day > 0 ? work / calls_per_day : 0, worst = 0;
    int worst_d = 0, worst_h = 0;
    for (int d = 0; d < 7; d++)
        for (int h = 0; h < 24; h++) {
            double duty = 0;
            for (size_t i = 0; i < s->n_units; i++)
                duty += on_duty_within(&s->units[i], h * 3600.0, (h + 1) * 3600.0);
            double rate = s->trace ? trace_calls_in_hour(s, d, h) / 3600
                                   : s->calls_per_day / DAY_S * s->hourly[h] * s->weekly[d];
            double load = duty > 0 ? rate * 3600 * per_call / duty : INFINITY;
            if (load > worst) worst = load, worst_d = d, worst_h = h;
        }
    fprintf(out, "  busiest hour: %s %s-%s, load %.2f of the units on duty then%s\n",
            weekday[worst_d], clock_str(worst_h * 3600.0, a, sizeof a),
            clock_str((worst_h + 1) * 3600.0, b, sizeof b), worst,
            worst >= 1 ? " (calls will queue in that hour)" : "");
}
