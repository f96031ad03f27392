/* scen_forces.c - the operations model's part of a scenario: fixed posts,
 * unit slots and shift rules, patrol lines and community patrols (from a routes
 * file), cameras and report delays, and the grid cells of the presence figures.
 *
 * The loader (scenario.c) calls these in file order after the stations; the
 * line units are appended after the unit groups' units, so plans and indices of
 * group units do not move when lines are added. Routes need paths, so they are
 * built last, once the travel model exists (build_routes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scen_loader.h"

#define ROUTE_SPEED_DEFAULT   0.5  /* patrols move at half the travel speed */
#define COMMUNITY_SPEED       0.6  /* walking with stops at check-in points */
#define PRESENCE_WINDOW_S     3600.0
#define GRID_CELL_M           500.0

/* ------------------------------------------------------------------------ */
/* Posts.                                                                    */

void read_posts(loader *L)
{
    size_t n;
    const config_setting_t *list = top_list(L, "posts", false, &n);
    scenario *s = L->s;
    if (n == 0) return;
    if (!(s->posts = calloc(n, sizeof *s->posts))) return;
    s->n_posts = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        scen_post *p = &s->posts[i];
        const char *v;
        long long x;
        if (str_key(L, e, "name", &v)) p->name = strdup(v);
        if (str_key(L, e, "kind", &v)) p->kind = strdup(v);
        read_node(L, e, &p->node);
        p->max_away = 1;
        if (int_key(L, e, "max_away", 1, 0, 1000, &x)) p->max_away = (int)x;
        num_key(L, e, "radius_m", INFINITY, 0, INFINITY, OPEN_LO, &p->radius_m);
    }
    check_unique(L, list, "name", "post name");
}

/* ------------------------------------------------------------------------ */
/* Slots.                                                                    */

/* Whether [a, a+la) and [b, b+lb), both repeating daily, overlap. */
static bool slots_overlap(double a, double la, double b, double lb)
{
    for (int k = -1; k <= 1; k++) {
        double bb = b + k * DAY_S;
        if (a < bb + lb && bb < a + la) return true;
    }
    return false;
}

static int slot_cmp(const void *x, const void *y)
{
    const scen_slot *a = x, *b = y;
    return (a->start_s > b->start_s) - (a->start_s < b->start_s);
}

/* Reads a list of { start_h; hours; } into u's slots, after any it has. */
static void read_slot_list(loader *L, const config_setting_t *list, scen_unit *u)
{
    size_t n = sc_length(list);
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        double st, h;
        bool ok = num_key(L, e, "start_h", REQ, 0, 24, OPEN_HI, &st);
        ok = num_key(L, e, "hours", REQ, 0, 24, OPEN_LO, &h) && ok;
        if (!ok) continue;
        if (u->n_slots == SCEN_MAX_SLOTS) {
            sc_err(&L->c, e, "too many slots: at most %d a day", SCEN_MAX_SLOTS);
            return;
        }
        for (int k = 0; k < u->n_slots; k++)
            if (slots_overlap(st * 3600, h * 3600, u->slots[k].start_s, u->slots[k].len_s)) {
                sc_err(&L->c, e, "overlaps another slot of the same unit");
                ok = false;
                break;
            }
        if (ok) u->slots[u->n_slots++] = (scen_slot){st * 3600, h * 3600, 0};
    }
}

/* Places `count` flexible slots of `hours` at the hours with the most calls
 * (the hourly profile), where they do not overlap u's other slots: the
 * article's "mobile" slots, put where and when incidents concentrate. */
static void place_flexible(loader *L, const config_setting_t *at, scen_unit *u, int count,
                           double hours)
{
    const double *rate = L->s->hourly;
    for (int k = 0; k < count; k++) {
        int best = -1;
        double best_sum = -1;
        for (int h = 0; h < 24; h++) {
            bool clash = false;
            for (int j = 0; j < u->n_slots && !clash; j++)
                clash = slots_overlap(h * 3600.0, hours * 3600, u->slots[j].start_s,
                                      u->slots[j].len_s);
            if (clash) continue;
            double sum = 0;
            for (double x = 0; x < hours; x += 1.0) {
                double w = hours - x < 1.0 ? hours - x : 1.0;
                sum += w * rate[(h + (int)x) % 24];
            }
            if (sum > best_sum) {
                best_sum = sum;
                best = h;
            }
        }
        if (best < 0 || u->n_slots == SCEN_MAX_SLOTS) {
            sc_err(&L->c, at, "no room for flexible slot %d of %g h beside the other slots",
                   k + 1, hours);
            return;
        }
        u->slots[u->n_slots++] = (scen_slot){best * 3600.0, hours * 3600, 1};
    }
}

static void finish_slots(scen_unit *u)
{
    qsort(u->slots, (size_t)u->n_slots, sizeof *u->slots, slot_cmp);
    u->shift_start_s = u->n_slots ? u->slots[0].start_s : 0;
    u->shift_len_s = u->n_slots ? u->slots[0].len_s : DAY_S;
}

static const char *const shift_end_rules[] = {"finish", "hand_over"};

/* The unit-group keys beyond issue 2's: a post instead of a station, slots,
 * the shift-end rule, a travel limit and people who come along. */
void read_unit_extras(loader *L, const config_setting_t *e, scen_unit *u)
{
    scenario *s = L->s;
    const char *v;
    long long x;
    u->post = -1;
    u->line = -1;
    if (sc_get_string(e, "post", &v) == 1) {
        int p = -1;
        for (size_t i = 0; i < s->n_posts; i++)
            if (s->posts[i].name && strcmp(s->posts[i].name, v) == 0) p = (int)i;
        if (p < 0)
            sc_err(&L->c, sc_member(e, "post"), "no post named '%s'", v);
        u->post = p;
        if (sc_member(e, "station"))
            sc_err(&L->c, sc_member(e, "post"), "give a station or a post, not both");
    } else if (!sc_member(e, "station")) {
        sc_err(&L->c, e, "needs a station or a post to be based at");
    }
    const config_setting_t *sl = sc_member(e, "slots");
    if (sl) {
        if (sc_member(e, "shift_start_h") || sc_member(e, "shift_hours"))
            sc_err(&L->c, sl, "give slots or shift_start_h/shift_hours, not both");
        u->n_slots = 0;
        read_slot_list(L, sl, u);
        if (u->n_slots == 0 && sc_length(sl) == 0) sc_err(&L->c, sl, "must not be empty");
    } else {
        u->n_slots = 1;
        u->slots[0] = (scen_slot){u->shift_start_s, u->shift_len_s, 0};
    }
    finish_slots(u);
    int r = word_key(L, e, "at_shift_end", 0, shift_end_rules, 2);
    u->hand_over = r == 1;
    u->max_travel_s = INFINITY;
    num_key(L, e, "max_travel_s", INFINITY, 0, INFINITY, OPEN_LO, &u->max_travel_s);
    u->presence = u->crew;
    if (int_key(L, e, "others", 0, 0, 1000, &x)) u->presence = u->crew + (int)x;
}

/* ------------------------------------------------------------------------ */
/* The routes file.                                                          */

static void route_defs_free(loader *L)
{
    for (size_t i = 0; i < L->n_routes; i++) {
        free(L->routes[i].name);
        free(L->routes[i].zone);
        free(L->routes[i].wp);
    }
    free(L->routes);
    L->routes = NULL;
    L->n_routes = 0;
}

/* Reads "patrolsim-routes 1" then records
 *   line <name> <vehicle|foot> <loop|out_and_back> <node_id>...
 *   community <name> <zone> <node_id>...            (foot, loop; check-in points)
 * reporting every problem with its line. */
static void read_routes_file(loader *L, const config_setting_t *at, const char *rel)
{
    const net *g = L->s->net;
    char *path = resolve(L, rel);
    size_t len;
    char *text = read_input(L, at, path, SCEN_MAX_INPUT_BYTES, &len);
    L->routes_given = true;
    L->routes_path = path;
    if (!text) return;
    size_t errs = diag_count(L->c.d);
    bool header = false;
    int lineno = 0;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *hash = strchr(ln, '#');
        if (hash) *hash = '\0';
        char *tok[4096];
        size_t nt = 0;
        char *s2 = NULL;
        for (char *t = strtok_r(ln, " \t\r", &s2); t && nt < 4096; t = strtok_r(NULL, " \t\r", &s2))
            tok[nt++] = t;
        if (nt == 0) continue;
        if (!header) {
            if (nt != 2 || strcmp(tok[0], "patrolsim-routes") != 0 || strcmp(tok[1], "1") != 0)
                diag_error(L->c.d, path, lineno, "header",
                           "expected 'patrolsim-routes 1' as the first record");
            header = true;
            continue;
        }
        bool is_line = strcmp(tok[0], "line") == 0, is_comm = strcmp(tok[0], "community") == 0;
        if (!is_line && !is_comm) {
            diag_error(L->c.d, path, lineno, "record", "unknown record '%s' (expected line or "
                       "community)", tok[0]);
            continue;
        }
        size_t first = is_line ? 4 : 3;
        if (nt < first + 1) {
            diag_error(L->c.d, path, lineno, tok[0], "needs a name, %sand at least one node",
                       is_line ? "a mode, loop or out_and_back, " : "a zone ");
            continue;
        }
        route_def d = {.community = is_comm, .loop = 1, .mode = is_comm ? NET_FOOT : NET_VEHICLE,
                       .line = lineno};
        bool ok = true;
        if (is_line) {
            int m = net_mode_parse(tok[2]);
            if (m < 0) {
                diag_error(L->c.d, path, lineno, "line.mode",
                           "must be vehicle or foot (got '%s')", tok[2]);
                ok = false;
            }
            d.mode = m == 1 ? NET_FOOT : NET_VEHICLE;
            if (strcmp(tok[3], "loop") != 0 && strcmp(tok[3], "out_and_back") != 0) {
                diag_error(L->c.d, path, lineno, "line.shape",
                           "must be loop or out_and_back (got '%s')", tok[3]);
                ok = false;
            }
            d.loop = strcmp(tok[3], "loop") == 0;
        } else if (g && net_zone_index(g, tok[2]) < 0) {
            diag_error(L->c.d, path, lineno, "community.zone", "no zone '%s' in the network",
                       tok[2]);
            ok = false;
        }
        d.n_wp = nt - first;
        d.wp = malloc(d.n_wp * sizeof *d.wp);
        for (size_t k = 0; d.wp && g && k < d.n_wp; k++) {
            char *end;
            errno = 0;
            long long id = strtoll(tok[first + k], &end, 10);
            int32_t idx = (*end || errno) ? -1 : net_node_index(g, id);
            if (idx < 0) {
                diag_error(L->c.d, path, lineno, is_line ? "line.node" : "community.node",
                           "'%s' is not a node id of the network", tok[first + k]);
                ok = false;
                break;
            }
            d.wp[k] = (uint32_t)idx;
        }
        for (size_t i = 0; i < L->n_routes && ok; i++)
            if (strcmp(L->routes[i].name, tok[1]) == 0) {
                diag_error(L->c.d, path, lineno, "name", "duplicate route '%s' (first at line "
                           "%d)", tok[1], L->routes[i].line);
                ok = false;
            }
        route_def *grown = ok ? realloc(L->routes, (L->n_routes + 1) * sizeof *grown) : NULL;
        if (!grown) {
            free(d.wp);
            continue;
        }
        L->routes = grown;
        d.name = strdup(tok[1]);
        d.zone = is_comm ? strdup(tok[2]) : NULL;
        L->routes[L->n_routes++] = d;
    }
    if (!header) diag_error(L->c.d, path, 0, NULL, "empty routes file");
    free(text);
    L->routes_ok = diag_count(L->c.d) == errs && g;
}

static const route_def *find_route(const loader *L, const char *name)
{
    for (size_t i = 0; i < L->n_routes; i++)
        if (strcmp(L->routes[i].name, name) == 0) return &L->routes[i];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Patrol lines and community patrols: each becomes a scen_line and the      */
/* units that patrol it, appended to s->units.                               */

static int add_line(loader *L, const char *name, int route_idx, int community, double speed)
{
    scenario *s = L->s;
    scen_line *lines = realloc(s->lines, (s->n_lines + 1) * sizeof *lines);
    int *lr = realloc(L->line_route, (s->n_lines + 1) * sizeof *lr);
    if (lines) s->lines = lines;
    if (lr) L->line_route = lr;
    double *ls = realloc(L->line_speed, (s->n_lines + 1) * sizeof *ls);
    if (ls) L->line_speed = ls;
    if (!lines || !lr || !ls) return -1;
    memset(&s->lines[s->n_lines], 0, sizeof *s->lines);
    s->lines[s->n_lines].name = strdup(name);
    s->lines[s->n_lines].community = community;
    L->line_route[s->n_lines] = route_idx;
    L->line_speed[s->n_lines] = speed;
    return (int)s->n_lines++;
}

static int add_unit(loader *L, const scen_unit *proto, const char *name)
{
    scenario *s = L->s;
    scen_unit *u = realloc(s->units, (s->n_units + 1) * sizeof *u);
    if (!u) return -1;
    s->units = u;
    u = &s->units[s->n_units];
    *u = *proto;
    u->name = strdup(name);
    return (int)s->n_units++;
}

static int station_by_name(const scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_stations; i++)
        if (s->stations[i].name && strcmp(s->stations[i].name, name) == 0) return (int)i;
    return -1;
}

/* The station nearest (straight line) to node v: the base of a community line. */
static int nearest_station(const scenario *s, uint32_t v)
{
    const net *g = s->net;
    int best = -1;
    double bd = INFINITY;
    for (size_t i = 0; i < s->n_stations; i++) {
        const net_node *a = &g->nodes[v], *b = &g->nodes[s->stations[i].node];
        double d = hypot(a->x_m - b->x_m, a->y_m - b->y_m);
        if (d < bd) {
            bd = d;
            best = (int)i;
        }
    }
    return best;
}

static void read_staff(loader *L, const config_setting_t *g, int out[3])
{
    long long x;
    out[0] = out[1] = out[2] = 0;
    if (int_key(L, g, "patrol", REQ_INT, 0, 10000, &x)) out[0] = (int)x;
    if (int_key(L, g, "city_management", 0, 0, 10000, &x)) out[1] = (int)x;
    if (int_key(L, g, "municipal", 0, 0, 10000, &x)) out[2] = (int)x;
}

static void read_street_lines(loader *L)
{
    size_t n;
    const config_setting_t *list = top_list(L, "lines", false, &n);
    scenario *s = L->s;
    if (n == 0) return;
    if (!L->routes_given) {
        sc_err(&L->c, list, "patrol lines need a routes file: set network.routes");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *e = elem(list, i);
        const char *name = NULL, *v;
        long long x;
        bool ok = str_key(L, e, "name", &name);
        int route_idx = -1;
        if (str_key(L, e, "route", &v) && L->routes_ok) {
            const route_def *d = find_route(L, v);
            if (!d || d->community)
                sc_err(&L->c, sc_member(e, "route"), "no street line '%s' in '%s'", v,
                       L->routes_path);
            else
                route_idx = (int)(d - L->routes);
        }
        scen_unit proto = {.group = -1, .post = -1, .station = -1, .max_travel_s = INFINITY};
        if (str_key(L, e, "kind", &v)) proto.kind = kind_index(s, v);
        if (str_key(L, e, "station", &v)) {
            proto.station = station_by_name(s, v);
            if (proto.station < 0) sc_err(&L->c, sc_member(e, "station"), "no station '%s'", v);
        }
        int teams = 1;
        if (int_key(L, e, "teams", 1, 1, 100, &x)) teams = (int)x;
        int team[3], roster[3] = {0, 0, 0};
        read_staff(L, sc_member(e, "team"), team);
        if (sc_member(e, "roster")) read_staff(L, sc_member(e, "roster"), roster);
        if (team[0] < 1)
            sc_err(&L->c, sc_member(e, "team"), "needs at least one patrol officer per team: "
                                                "only sworn patrol staff answer calls");
        proto.crew = team[0];
        proto.presence = team[0] + team[1] + team[2];
        double speed = ROUTE_SPEED_DEFAULT;
        num_key(L, e, "speed_factor", ROUTE_SPEED_DEFAULT, 0, 1, OPEN_LO, &speed);
        const config_setting_t *sl = sc_member(e, "slots");
        if (sl) read_slot_list(L, sl, &proto);
        const config_setting_t *fx = sc_member(e, "flexible");
        if (fx) {
            long long cnt;
            double hrs;
            bool fok = int_key(L, fx, "count", REQ_INT, 0, SCEN_MAX_SLOTS, &cnt);
            fok = num_key(L, fx, "hours", REQ, 0, 24, OPEN_LO, &hrs) && fok;
            if (fok) place_flexible(L, fx, &proto, (int)cnt, hrs);
        }
        if (proto.n_slots == 0) sc_err(&L->c, e, "needs slots or flexible slots: when is it patrolled?");
        finish_slots(&proto);
        proto.hand_over = word_key(L, e, "at_shift_end", 0, shift_end_rules, 2) == 1;
        num_key(L, e, "max_travel_s", INFINITY, 0, INFINITY, OPEN_LO, &proto.max_travel_s);
        if (!ok || route_idx < 0 || proto.station < 0 || proto.kind < 0) continue;
        proto.mode = L->routes[route_idx].mode;
        proto.base_node = s->stations[proto.station].node;
        int li = add_line(L, name, route_idx, -1, speed);
        if (li < 0) return;
        memcpy(s->lines[li].roster, roster, sizeof roster);
        proto.line = li;
        for (int k = 0; k < teams; k++) {
            char un[256];
            snprintf(un, sizeof un, "%s-%d", name, k + 1);
            /* Teams share the route, evenly spaced: the phase is set once the
             * route's cycle time is known (build_routes). */
            proto.phase_s = k;
            if (add_unit(L, &proto, un) < 0) return;
        }
    }
    check_unique(L, list, "name", "line name");
}

/* Community patrols: one line per community route of the routes file, each
 * walked by a "1+2+n" team in the given slots ("365 x 2": twice a day). */
static void read_community(loader *L)
{
    const config_setting_t *g = sc_member(L->root, "community_patrols");
    scenario *s = L->s;
    if (!g) return;
    if (!L->routes_given) {
        sc_err(&L->c, g, "community patrols need a routes file: set network.routes");
        return;
    }
    scen_unit proto = {.group = -1, .post = -1, .max_travel_s = INFINITY, .mode = NET_FOOT};
    const char *v;
    long long x;
    bool ok = true;
    if (str_key(L, g, "kind", &v)) proto.kind = kind_index(s, v);
    else ok = false;
    const config_setting_t *t = sc_member(g, "team");
    int police = 0, aux = 0, vol = 0;
    if (int_key(L, t, "police", REQ_INT, 1, 100, &x)) police = (int)x;
    else ok = false;
    if (int_key(L, t, "auxiliaries", 0, 0, 100, &x)) aux = (int)x;
    if (int_key(L, t, "volunteers", 0, 0, 1000, &x)) vol = (int)x;
    proto.crew = police;
    proto.presence = police + aux + vol;
    read_slot_list(L, sc_member(g, "slots"), &proto);
    if (proto.n_slots == 0) ok = false;
    finish_slots(&proto);
    double speed = COMMUNITY_SPEED;
    num_key(L, g, "speed_factor", COMMUNITY_SPEED, 0, 1, OPEN_LO, &speed);
    num_key(L, g, "max_travel_s", INFINITY, 0, INFINITY, OPEN_LO, &proto.max_travel_s);
    if (!ok || !L->routes_ok || proto.kind < 0) return;
    size_t found = 0;
    for (size_t r = 0; r < L->n_routes; r++) {
        const route_def *d = &L->routes[r];
        if (!d->community) continue;
        found++;
        proto.station = nearest_station(s, d->wp[0]);
        if (proto.station < 0) return;
        proto.base_node = s->stations[proto.station].node;
        int li = add_line(L, d->name, (int)r, s->net ? net_zone_index(s->net, d->zone) : -1,
                          speed);
        if (li < 0) return;
        proto.line = li;
        proto.phase_s = 0;
        char un[256];
        snprintf(un, sizeof un, "%s-1", d->name);
        if (add_unit(L, &proto, un) < 0) return;
    }
    if (found == 0)
        sc_err(&L->c, g, "the routes file '%s' has no community line", L->routes_path);
}

/* A post nobody holds is a mistake in the file (its gap would be meaningless). */
static void check_posts_staffed(loader *L)
{
    const scenario *s = L->s;
    const config_setting_t *list = sc_member(L->root, "posts");
    for (size_t p = 0; p < s->n_posts; p++) {
        bool staffed = false;
        for (size_t u = 0; u < s->n_units && !staffed; u++) staffed = s->units[u].post == (int)p;
        if (!staffed && s->posts[p].name)
            sc_err(&L->c, elem(list, p), "post '%s' has no staff: no unit group names it as its post",
                   s->posts[p].name);
    }
}

void read_lines(loader *L)
{
    check_posts_staffed(L);
    const char *rel;
    const config_setting_t *nw = sc_member(L->root, "network");
    if (sc_get_string(nw, "routes", &rel) == 1 && L->s->net)
        read_routes_file(L, sc_member(nw, "routes"), rel);
    read_street_lines(L);
    read_community(L);
}

/* Adds the kinds of lines and community patrols to the unit kinds, so that
 * incident types may name them (called right after the unit groups' kinds). */
void collect_line_kinds(loader *L)
{
    scenario *s = L->s;
    const char *k[1 + 64];
    size_t nk = 0, n;
    const config_setting_t *list = top_list(L, "lines", false, &n);
    for (size_t i = 0; i < n && nk < 64; i++)
        if (sc_get_string(elem(list, i), "kind", &k[nk]) == 1 && *k[nk]) nk++;
    if (sc_get_string(sc_member(L->root, "community_patrols"), "kind", &k[nk]) == 1 && *k[nk])
        nk++;
    if (!s->unit_kinds) return;
    for (size_t i = 0; i < nk; i++) {
        size_t j = 0;
        while (j < s->n_unit_kinds && strcmp(s->unit_kinds[j], k[i]) != 0) j++;
        if (j == s->n_unit_kinds && j < MAX_UNIT_KINDS && (s->unit_kinds[j] = strdup(k[i])))
            s->n_unit_kinds++;
    }
}

/* Routes need paths: built once the travel model exists. Then the check-in
 * positions of community lines and the phases of teams sharing a route. */
int build_routes(loader *L)
{
    scenario *s = L->s;
    if (s->n_lines == 0) return 0;
    travel_ws *w = travel_ws_create(s->travel);
    if (!w) return -1;
    int rc = 0;
    for (size_t i = 0; i < s->n_lines && rc == 0; i++) {
        scen_line *ln = &s->lines[i];
        const route_def *d = &L->routes[L->line_route[i]];
        rc = route_build(&ln->route, s->travel, w, s->net, d->mode, d->loop, L->line_speed[i],
                         d->wp, d->n_wp);
        if (rc) break;
        ln->route.name = strdup(d->name);
        if (!(ln->route.cycle_s > 0)) {
            diag_error(L->c.d, L->routes_path, d->line, d->name,
                       "the route stands still: it needs two different nodes");
            continue;
        }
        if (!d->community) continue;
        ln->checkin_pos = malloc(d->n_wp * sizeof *ln->checkin_pos);
        if (!ln->checkin_pos) {
            rc = -1;
            break;
        }
        /* The cycle visits the waypoints in order; find each one's position. */
        size_t pos = 0;
        for (size_t k = 0; k < d->n_wp; k++) {
            while (pos < ln->route.n && ln->route.node[pos] != d->wp[k]) pos++;
            if (pos == ln->route.n) break;
            ln->checkin_pos[ln->n_checkins++] = pos;
        }
    }
    /* Teams of one line spread evenly over its cycle. */
    for (size_t u = 0; u < s->n_units && rc == 0; u++) {
        scen_unit *un = &s->units[u];
        if (un->line < 0) continue;
        int teams = 0;
        for (size_t v = 0; v < s->n_units; v++) teams += s->units[v].line == un->line;
        un->phase_s = un->phase_s * s->lines[un->line].route.cycle_s / (teams ? teams : 1);
    }
    travel_ws_destroy(w);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Cameras, report delays and grid cells (from polygons: scen_geo.c).       */

/* Reads "patrolsim-cameras 1" then "camera <node_id> <kind> <since_year> <radius_m>"
 * and marks the nodes that the cameras in use (since_year <= year) see. */
static void read_camera_file(loader *L, const config_setting_t *at, const char *rel, long year)
{
    scenario *s = L->s;
    const net *g = s->net;
    char *path = resolve(L, rel);
    size_t len;
    char *text = read_input(L, at, path, SCEN_MAX_INPUT_BYTES, &len);
    if (!text) {
        free(path);
        return;
    }
    s->node_camera = calloc(g->n_nodes, 1);
    bool header = false;
    int lineno = 0;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln && s->node_camera;
         ln = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *hash = strchr(ln, '#');
        if (hash) *hash = '\0';
        char rec[32], kind[64], extra[8];
        long long id;
        long since;
        double radius;
        int nf = sscanf(ln, "%31s", rec);
        if (nf != 1) continue;
        if (!header) {
            if (strcmp(rec, "patrolsim-cameras") != 0 || sscanf(ln, "%*s %ld", &since) != 1 ||
                since != 1)
                diag_error(L->c.d, path, lineno, "header",
                           "expected 'patrolsim-cameras 1' as the first record");
            header = true;
            continue;
        }
        nf = sscanf(ln, "%31s %lld %63s %ld %lf %7s", rec, &id, kind, &since, &radius, extra);
        if (strcmp(rec, "camera") != 0 || nf != 5) {
            diag_error(L->c.d, path, lineno, "camera",
                       "expected 'camera <node_id> <kind> <since_year> <radius_m>'");
            continue;
        }
        int32_t v = net_node_index(g, id);
        if (v < 0) {
            diag_error(L->c.d, path, lineno, "camera.node", "node %lld is not in the network", id);
            continue;
        }
        if (!(radius > 0 && radius < 5000)) {
            diag_error(L->c.d, path, lineno, "camera.radius_m",
                       "must be > 0 and < 5000 (got %g)", radius);
            continue;
        }
        if (since > year) continue;
        s->n_cameras++;
        const net_node *c = &g->nodes[v];
        for (size_t k = 0; k < g->n_nodes; k++)
            if (hypot(g->nodes[k].x_m - c->x_m, g->nodes[k].y_m - c->y_m) <= radius)
                s->node_camera[k] = 1;
    }
    if (!header) diag_error(L->c.d, path, 0, NULL, "empty cameras file");
    free(text);
    free(path);
}

void read_cameras(loader *L)
{
    scenario *s = L->s;
    const config_setting_t *calls = sc_member(L->root, "calls");
    s->report_delay = (scen_dist){.kind = DIST_FIXED, .mean_s = 0};
    if (sc_member(calls, "report_delay")) read_dist(L, sc_member(calls, "report_delay"),
                                                    &s->report_delay);
    const config_setting_t *cg = sc_member(L->root, "cameras");
    if (!cg) return;
    long long year = 0;
    bool ok = int_key(L, cg, "year", REQ_INT, 1900, 2100, &year);
    ok = num_key(L, cg, "detect_prob", REQ, 0, 1, 0, &s->camera_detect_prob) && ok;
    ok = read_dist(L, sc_member(cg, "delay"), &s->camera_delay) && ok;
    const char *rel;
    if (sc_get_string(sc_member(L->root, "network"), "cameras", &rel) != 1) {
        sc_err(&L->c, cg, "cameras need a camera file: set network.cameras");
        return;
    }
    if (ok && s->net) read_camera_file(L, sc_member(sc_member(L->root, "network"), "cameras"),
                                       rel, (long)year);
}

void read_coverage(loader *L)
{
    scenario *s = L->s;
    const config_setting_t *cg = sc_member(L->root, "coverage");
    s->presence_window_s = PRESENCE_WINDOW_S;
    num_key(L, cg, "window_s", PRESENCE_WINDOW_S, 0, DAY_S, OPEN_LO, &s->presence_window_s);
    double cell_m = GRID_CELL_M;
    num_key(L, cg, "cell_m", GRID_CELL_M, 10, 1e6, 0, &cell_m);
    if (!s->net) return;
    const char *rel;
    const config_setting_t *nw = sc_member(L->root, "network");
    if (sc_member(nw, "cells") && sc_member(nw, "cells_geojson")) {
        sc_err(&L->c, sc_member(nw, "cells_geojson"),
               "give one of network.cells and network.cells_geojson");
    } else if (sc_member(nw, "cells_property") && !sc_member(nw, "cells_geojson")) {
        sc_err(&L->c, sc_member(nw, "cells_property"),
               "applies to the cells of network.cells_geojson, which is not set");
    } else if (str_key(L, nw, "cells_geojson", &rel)) {
        read_cells_geojson(L, sc_member(nw, "cells_geojson"), rel);
    } else if (sc_member(nw, "cells_geojson")) {
        return; /* reported */
    } else if (sc_get_string(nw, "cells", &rel) == 1) {
        char *path = resolve(L, rel);
        size_t len;
        char *bytes = read_input(L, sc_member(nw, "cells"), path, SCEN_MAX_INPUT_BYTES, &len);
        if (bytes) cell_map_load(&s->cells, path, s->net, L->c.d);
        free(bytes);
        free(path);
    } else {
        cell_map_grid(&s->cells, s->net, cell_m);
    }
}

void loader_forces_fini(loader *L)
{
    loader_geo_fini(L);
    route_defs_free(L);
    free(L->routes_path);
    free(L->line_route);
    free(L->line_speed);
}
