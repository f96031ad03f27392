/* scen_schema.c - the key tables of a scenario file, the structural check, and
 * --set overrides. See scen_schema.h.
 *
 * libconfig 1.5 offers no way to change a setting's type, yet an override must
 * be able to turn "horizon_days = 28" (an int) into 28.5, and a string into a
 * number. The struct is public in 1.5 and its setters adopt the requested type
 * when the setting's type is CONFIG_TYPE_NONE, so retype() frees a string value,
 * marks the setting NONE and lets the setter take over; the setting keeps its
 * place, name and line. That is the one place that relies on libconfig's
 * internals.
 */
#include "scen_schema.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------ */
/* The schema: tables end with {0}. Keep scenarios/README.md in step.        */

/* A random duration: which of mean_s, sd_s, min_s, max_s are needed depends on
 * dist, so the loader checks presence; here they are all optional. */
static const sk_key dist_keys[] = {
    {"dist", SK_STRING, true, NULL, NULL},  {"mean_s", SK_FLOAT, false, NULL, NULL},
    {"sd_s", SK_FLOAT, false, NULL, NULL},  {"min_s", SK_FLOAT, false, NULL, NULL},
    {"max_s", SK_FLOAT, false, NULL, NULL}, {0}};

static const sk_key run_keys[] = {
    {"seed", SK_INT64, true, NULL, NULL},         {"replications", SK_INT, true, NULL, NULL},
    {"horizon_days", SK_FLOAT, false, NULL, NULL}, {"warmup_days", SK_FLOAT, false, NULL, NULL},
    {"drain_hours", SK_FLOAT, false, NULL, NULL}, {"start_weekday", SK_INT, false, NULL, NULL},
    {"threads", SK_INT, false, NULL, NULL},       {"max_queue", SK_INT, false, NULL, NULL},
    {"max_wait_hours", SK_FLOAT, false, NULL, NULL}, {0}};

/* A node reference: one of a node id or place name, a lon/lat or an x/y
 * position (scen_geo.c checks that exactly one is given). */
#define NODE_REF_KEYS                                                                      \
    {"node", SK_NODE, false, NULL, NULL}, {"lonlat", SK_NUMS, false, NULL, NULL},          \
        {"xy_m", SK_NUMS, false, NULL, NULL}

static const sk_key network_keys[] = {{"file", SK_STRING, true, NULL, NULL},
                                      {"places", SK_STRING, false, NULL, NULL},
                                      {"table_max_nodes", SK_INT64, false, NULL, NULL},
                                      {"cells", SK_STRING, false, NULL, NULL},
                                      {"routes", SK_STRING, false, NULL, NULL},
                                      {"cameras", SK_STRING, false, NULL, NULL},
                                      {"max_snap_m", SK_FLOAT, false, NULL, NULL},
                                      {"zones_geojson", SK_STRING, false, NULL, NULL},
                                      {"zones_property", SK_STRING, false, NULL, NULL},
                                      {"zones_outside", SK_STRING, false, NULL, NULL},
                                      {"cells_geojson", SK_STRING, false, NULL, NULL},
                                      {"cells_property", SK_STRING, false, NULL, NULL},
                                      {0}};

static const sk_key travel_keys[] = {{"enabled", SK_BOOL, false, NULL, NULL}, {0}};

static const sk_key zone_kind_keys[] = {
    {"name", SK_STRING, true, NULL, NULL}, {"target_s", SK_NUMS, true, NULL, NULL}, {0}};

static const sk_key zone_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                   {"kind", SK_STRING, true, NULL, NULL},
                                   {"weight", SK_FLOAT, true, NULL, NULL},
                                   {0}};

static const sk_key hotspot_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                      NODE_REF_KEYS,
                                      {"radius_m", SK_FLOAT, true, NULL, NULL},
                                      {"weight", SK_FLOAT, true, NULL, NULL},
                                      {0}};

static const sk_key calls_keys[] = {{"per_day", SK_FLOAT, true, NULL, NULL},
                                    {"hourly", SK_NUMS, false, NULL, NULL},
                                    {"weekly", SK_NUMS, false, NULL, NULL},
                                    {"handling", SK_GROUP, false, dist_keys, NULL},
                                    {"report_delay", SK_GROUP, false, dist_keys, NULL},
                                    {0}};

/* A call history to replay (trace.c); horizon_days is then optional. */
static const sk_key incidents_keys[] = {
    {"source", SK_STRING, true, NULL, NULL}, {"max_snap_m", SK_FLOAT, false, NULL, NULL}, {0}};

static const sk_key itype_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                    {"priority", SK_INT, true, NULL, NULL},
                                    {"share", SK_FLOAT, true, NULL, NULL},
                                    {"officers", SK_INT, false, NULL, NULL},
                                    {"onscene", SK_GROUP, true, dist_keys, NULL},
                                    {"unit_kinds", SK_STRS, false, NULL, NULL},
                                    {0}};

static const sk_key station_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                      NODE_REF_KEYS,
                                      {"squad", SK_INT, false, NULL, NULL},
                                      {0}};

/* A daily on-duty period. */
static const sk_key slot_keys[] = {
    {"start_h", SK_FLOAT, true, NULL, NULL}, {"hours", SK_FLOAT, true, NULL, NULL}, {0}};

static const sk_key unit_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                   {"station", SK_STRING, false, NULL, NULL},
                                   {"post", SK_STRING, false, NULL, NULL},
                                   {"kind", SK_STRING, true, NULL, NULL},
                                   {"count", SK_INT, true, NULL, NULL},
                                   {"crew", SK_INT, true, NULL, NULL},
                                   {"mode", SK_STRING, true, NULL, NULL},
                                   {"shift_start_h", SK_FLOAT, false, NULL, NULL},
                                   {"shift_hours", SK_FLOAT, false, NULL, NULL},
                                   {"slots", SK_LIST, false, slot_keys, NULL},
                                   {"at_shift_end", SK_STRING, false, NULL, NULL},
                                   {"max_travel_s", SK_FLOAT, false, NULL, NULL},
                                   {"others", SK_INT, false, NULL, NULL},
                                   {0}};

static const sk_key post_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                   {"kind", SK_STRING, true, NULL, NULL},
                                   NODE_REF_KEYS,
                                   {"max_away", SK_INT, false, NULL, NULL},
                                   {"radius_m", SK_FLOAT, false, NULL, NULL},
                                   {0}};

/* Staffing of a line: on its books (roster) and out per slot (team). */
static const sk_key staff_keys[] = {{"patrol", SK_INT, true, NULL, NULL},
                                    {"city_management", SK_INT, false, NULL, NULL},
                                    {"municipal", SK_INT, false, NULL, NULL},
                                    {0}};

static const sk_key flexible_keys[] = {
    {"count", SK_INT, true, NULL, NULL}, {"hours", SK_FLOAT, true, NULL, NULL}, {0}};

static const sk_key line_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                   {"route", SK_STRING, true, NULL, NULL},
                                   {"kind", SK_STRING, true, NULL, NULL},
                                   {"station", SK_STRING, true, NULL, NULL},
                                   {"teams", SK_INT, false, NULL, NULL},
                                   {"team", SK_GROUP, true, staff_keys, NULL},
                                   {"roster", SK_GROUP, false, staff_keys, NULL},
                                   {"speed_factor", SK_FLOAT, false, NULL, NULL},
                                   {"slots", SK_LIST, false, slot_keys, NULL},
                                   {"flexible", SK_GROUP, false, flexible_keys, NULL},
                                   {"at_shift_end", SK_STRING, false, NULL, NULL},
                                   {"max_travel_s", SK_FLOAT, false, NULL, NULL},
                                   {0}};

static const sk_key community_team_keys[] = {{"police", SK_INT, true, NULL, NULL},
                                             {"auxiliaries", SK_INT, false, NULL, NULL},
                                             {"volunteers", SK_INT, false, NULL, NULL},
                                             {0}};

static const sk_key community_keys[] = {{"kind", SK_STRING, true, NULL, NULL},
                                        {"team", SK_GROUP, true, community_team_keys, NULL},
                                        {"slots", SK_LIST, true, slot_keys, NULL},
                                        {"speed_factor", SK_FLOAT, false, NULL, NULL},
                                        {"max_travel_s", SK_FLOAT, false, NULL, NULL},
                                        {0}};

static const sk_key camera_keys[] = {{"year", SK_INT, true, NULL, NULL},
                                     {"detect_prob", SK_FLOAT, true, NULL, NULL},
                                     {"delay", SK_GROUP, true, dist_keys, NULL},
                                     {0}};

static const sk_key coverage_keys[] = {{"window_s", SK_FLOAT, false, NULL, NULL},
                                       {"cell_m", SK_FLOAT, false, NULL, NULL},
                                       {0}};

static const sk_key plan_keys[] = {
    {"zone", SK_STRING, true, NULL, NULL}, {"units", SK_STRS, true, NULL, NULL}, {0}};

static const sk_key dispatch_keys[] = {{"policy", SK_STRING, false, NULL, NULL},
                                       {"when_none_free", SK_STRING, false, NULL, NULL},
                                       {"plans", SK_LIST, false, plan_keys, "zone"},
                                       {0}};

/* Major incidents and the emergency reserve (scen_reserve.c). */
static const sk_key need_keys[] = {{"after_hours", SK_FLOAT, true, NULL, NULL},
                                   {"officers", SK_INT, true, NULL, NULL},
                                   {0}};

static const sk_key major_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                    NODE_REF_KEYS,
                                    {"day", SK_INT, false, NULL, NULL},
                                    {"start_h", SK_FLOAT, true, NULL, NULL},
                                    {"officers", SK_INT, true, NULL, NULL},
                                    {"duration_hours", SK_FLOAT, true, NULL, NULL},
                                    {"needs", SK_LIST, false, need_keys, NULL},
                                    {0}};

static const sk_key event_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                    NODE_REF_KEYS,
                                    {"day", SK_INT, false, NULL, NULL},
                                    {"start_h", SK_FLOAT, true, NULL, NULL},
                                    {"officers", SK_INT, true, NULL, NULL},
                                    {"duration_hours", SK_FLOAT, true, NULL, NULL},
                                    {"before_hours", SK_FLOAT, false, NULL, NULL},
                                    {"after_hours", SK_FLOAT, false, NULL, NULL},
                                    {"officers_before", SK_INT, false, NULL, NULL},
                                    {"officers_after", SK_INT, false, NULL, NULL},
                                    {"lead_minutes", SK_FLOAT, false, NULL, NULL},
                                    {0}};

static const sk_key major_random_keys[] = {{"per_day", SK_FLOAT, true, NULL, NULL},
                                           {"officers", SK_INT, true, NULL, NULL},
                                           {"duration_hours", SK_FLOAT, true, NULL, NULL},
                                           {"needs", SK_LIST, false, need_keys, NULL},
                                           {0}};

static const sk_key pool_keys[] = {{"officers", SK_INT, true, NULL, NULL},
                                   {"station", SK_STRING, true, NULL, NULL},
                                   {"vehicle_officers", SK_INT, false, NULL, NULL},
                                   {0}};

static const sk_key tier_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                                   {"officers", SK_INT, true, NULL, NULL},
                                   {"from", SK_STRS, false, NULL, NULL},
                                   {"pool", SK_GROUP, false, pool_keys, NULL},
                                   {"call_up", SK_STRING, false, NULL, NULL},
                                   {"size_at_least", SK_INT, false, NULL, NULL},
                                   {"delay_s", SK_FLOAT, false, NULL, NULL},
                                   {"assembly", SK_GROUP, false, dist_keys, NULL},
                                   {"mode", SK_STRING, false, NULL, NULL},
                                   {0}};

static const sk_key keep_kind_keys[] = {{"kind", SK_STRING, true, NULL, NULL},
                                        {"keep", SK_INT, true, NULL, NULL},
                                        {0}};

static const sk_key pull_back_keys[] = {{"patrol_lines", SK_BOOL, false, NULL, NULL},
                                        {"posts_keep", SK_INT, false, NULL, NULL},
                                        {"posts_keep_by_kind", SK_LIST, false, keep_kind_keys, "kind"},
                                        {"first", SK_STRS, false, NULL, NULL},
                                        {0}};

const sk_key sc_root_keys[] = {{"name", SK_STRING, true, NULL, NULL},
                               {"description", SK_STRING, false, NULL, NULL},
                               {"run", SK_GROUP, true, run_keys, NULL},
                               {"network", SK_GROUP, true, network_keys, NULL},
                               {"travel", SK_GROUP, false, travel_keys, NULL},
                               {"zone_kinds", SK_LIST, true, zone_kind_keys, "name"},
                               {"zones", SK_LIST, true, zone_keys, "name"},
                               {"hotspots", SK_LIST, false, hotspot_keys, "name"},
                               {"calls", SK_GROUP, true, calls_keys, NULL},
                               {"incident_types", SK_LIST, true, itype_keys, "name"},
                               {"incidents", SK_GROUP, false, incidents_keys, NULL},
                               {"stations", SK_LIST, true, station_keys, "name"},
                               {"posts", SK_LIST, false, post_keys, "name"},
                               {"units", SK_LIST, true, unit_keys, "name"},
                               {"lines", SK_LIST, false, line_keys, "name"},
                               {"community_patrols", SK_GROUP, false, community_keys, NULL},
                               {"cameras", SK_GROUP, false, camera_keys, NULL},
                               {"coverage", SK_GROUP, false, coverage_keys, NULL},
                               {"dispatch", SK_GROUP, false, dispatch_keys, NULL},
                               {"major_incidents", SK_LIST, false, major_keys, "name"},
                               {"major_random", SK_GROUP, false, major_random_keys, NULL},
                               {"public_events", SK_LIST, false, event_keys, "name"},
                               {"reserve", SK_LIST, false, tier_keys, "name"},
                               {"pull_back", SK_GROUP, false, pull_back_keys, NULL},
                               {0}};

/* The root as a key, so that the walkers need no special case for it. */
static const sk_key root_key = {"", SK_GROUP, true, sc_root_keys, NULL};

/* ------------------------------------------------------------------------ */
/* Naming settings in messages.                                              */

void sc_path(const config_setting_t *s, char *buf, size_t n)
{
    /* Collect the chain root..s (paths are short: a few levels). */
    const config_setting_t *chain[32];
    size_t depth = 0;
    for (const config_setting_t *p = s; p && config_setting_parent(p) && depth < 32;
         p = config_setting_parent(p))
        chain[depth++] = p;
    size_t used = 0;
    buf[0] = '\0';
    while (depth-- > 0 && used < n) {
        const config_setting_t *p = chain[depth];
        const char *sep = used ? "." : "";
        int w;
        if (config_setting_name(p))
            w = snprintf(buf + used, n - used, "%s%s", sep, config_setting_name(p));
        else
            w = snprintf(buf + used, n - used, "%s[%d]", sep, config_setting_index(p));
        if (w < 0) break;
        used += (size_t)w;
    }
}

void sc_err(sc_ctx *c, const config_setting_t *s, const char *fmt, ...)
{
    char path[512], body[1024];
    if (s)
        sc_path(s, path, sizeof path);
    else
        path[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    const char *over = s ? config_setting_get_hook(s) : NULL;
    if (over) {
        char head[600];
        snprintf(head, sizeof head, "--set %s", over);
        diag_error(c->d, "<command line>", 0, head, "%s%s%s", path, *path ? ": " : "", body);
    } else {
        diag_error(c->d, c->file, s ? (int)config_setting_source_line(s) : 0, path, "%s", body);
    }
}

void sc_join(char *buf, size_t n, const char *const *names, size_t count, size_t max)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < n; i++) {
        int w = i < max ? snprintf(buf + used, n - used, "%s%s", i ? ", " : "", names[i])
                        : snprintf(buf + used, n - used, ", ...");
        if (w < 0) break;
        used += (size_t)w;
        if (i >= max) break;
    }
}

/* The names of a key table, joined. */
static void key_names(char *buf, size_t n, const sk_key *keys)
{
    const char *names[32];
    size_t k = 0;
    for (; keys[k].name && k < 32; k++)
        names[k] = keys[k].name;
    sc_join(buf, n, names, k, 32);
}

/* A short rendering of a scalar's value, or what kind of thing it is. */
static void describe(const config_setting_t *s, char *buf, size_t n)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        snprintf(buf, n, "%d", config_setting_get_int(s));
        break;
    case CONFIG_TYPE_INT64:
        snprintf(buf, n, "%lld", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT: {
        double v = config_setting_get_float(s);
        /* 3.0 must not print as "3", or "must be an integer (got 3)" reads as nonsense. */
        if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
            snprintf(buf, n, "%.1f", v);
        else
            snprintf(buf, n, "%g", v);
        break;
    }
    case CONFIG_TYPE_BOOL:
        snprintf(buf, n, "%s", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_STRING:
        snprintf(buf, n, "\"%s\"", config_setting_get_string(s));
        break;
    case CONFIG_TYPE_GROUP:
        snprintf(buf, n, "a group");
        break;
    case CONFIG_TYPE_ARRAY:
        snprintf(buf, n, "an array");
        break;
    case CONFIG_TYPE_LIST:
        snprintf(buf, n, "a list");
        break;
    default:
        snprintf(buf, n, "nothing");
        break;
    }
}

/* ------------------------------------------------------------------------ */
/* Integer literals that libconfig 1.5 would truncate.                       */

static bool is_name_char(int ch)
{
    return isalnum(ch) || ch == '_' || ch == '-' || ch == '*';
}

void sc_check_int_literals(sc_ctx *c, const char *text)
{
    int line = 1;
    const char *p = text;
    while (*p) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\n') {
            line++;
            p++;
        } else if (ch == '#' || (ch == '/' && p[1] == '/')) {
            while (*p && *p != '\n')
                p++;
        } else if (ch == '/' && p[1] == '*') {
            p += 2;
            while (*p && !(p[0] == '*' && p[1] == '/'))
                line += *p++ == '\n';
            if (*p) p += 2;
        } else if (ch == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1]) p++;
                line += *p == '\n';
            }
            if (*p) p++;
        } else if (isalpha(ch) || ch == '_' || ch == '*') {
            while (*p && is_name_char((unsigned char)*p))
                p++;
        } else if (isdigit(ch) || ((ch == '-' || ch == '+') && isdigit((unsigned char)p[1]))) {
            const char *start = p;
            if (!isdigit(ch)) p++;
            bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
            if (hex) {
                p += 2;
                while (isxdigit((unsigned char)*p))
                    p++;
            } else {
                while (isdigit((unsigned char)*p))
                    p++;
            }
            if (!hex && (*p == '.' || *p == 'e' || *p == 'E')) {
                /* A float: skip its fraction and exponent. */
                while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' || *p == 'E' ||
                       ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')))
                    p++;
                continue;
            }
            if (*p == 'L') {
                while (*p == 'L')
                    p++;
                continue;
            }
            errno = 0;
            char lit[64];
            size_t len =
                (size_t)(p - start) < sizeof lit - 1 ? (size_t)(p - start) : sizeof lit - 1;
            memcpy(lit, start, len);
            lit[len] = '\0';
            long long v =
                hex ? (long long)strtoull(lit + (lit[0] == '-' || lit[0] == '+'), NULL, 16)
                    : strtoll(lit, NULL, 10);
            if (errno == ERANGE || v > INT_MAX || v < INT_MIN)
                diag_error(c->d, c->file, line, NULL,
                           "integer %s does not fit in 32 bits, and libconfig would silently "
                           "change its value: write %sL",
                           lit, lit);
        } else {
            p++;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* The structural check.                                                     */

/* Edit distance, for "did you mean" on unknown keys. Names are short. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return 99;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag_prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag_prev + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag_prev = up;
        }
    }
    return row[lb];
}

static const sk_key *find_key(const sk_key *keys, const char *name)
{
    for (size_t i = 0; keys[i].name; i++)
        if (strcmp(keys[i].name, name) == 0) return &keys[i];
    return NULL;
}

static void check_value(sc_ctx *c, const config_setting_t *s, const sk_key *k);

static void check_group(sc_ctx *c, const config_setting_t *g, const sk_key *keys)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(m);
        const sk_key *k = find_key(keys, name);
        if (k) {
            check_value(c, m, k);
            continue;
        }
        char expected[512];
        key_names(expected, sizeof expected, keys);
        const char *close = NULL;
        size_t best = 3;
        for (size_t j = 0; keys[j].name; j++) {
            size_t dist = edit_distance(name, keys[j].name);
            if (dist < best) best = dist, close = keys[j].name;
        }
        if (close)
            sc_err(c, m, "unknown key (expected one of: %s); did you mean '%s'?", expected, close);
        else
            sc_err(c, m, "unknown key (expected one of: %s)", expected);
    }
    for (size_t j = 0; keys[j].name; j++)
        if (keys[j].required && !config_setting_get_member(g, keys[j].name))
            sc_err(c, g, "missing required key '%s'", keys[j].name);
}

static bool is_int(const config_setting_t *s)
{
    return config_setting_type(s) == CONFIG_TYPE_INT || config_setting_type(s) == CONFIG_TYPE_INT64;
}

/* Checks that s is a finite number; reports and returns false otherwise. */
static bool check_number(sc_ctx *c, const config_setting_t *s)
{
    char got[300];
    describe(s, got, sizeof got);
    if (config_setting_type(s) == CONFIG_TYPE_FLOAT) {
        if (isfinite(config_setting_get_float(s))) return true;
        sc_err(c, s, "must be a finite number (got %s)", got);
        return false;
    }
    if (is_int(s)) return true;
    sc_err(c, s, "must be a number (got %s)", got);
    return false;
}

static void check_value(sc_ctx *c, const config_setting_t *s, const sk_key *k)
{
    char got[300];
    describe(s, got, sizeof got);
    int t = config_setting_type(s);
    switch (k->type) {
    case SK_INT:
    case SK_INT64:
        if (!is_int(s)) sc_err(c, s, "must be an integer (got %s)", got);
        break;
    case SK_FLOAT:
        check_number(c, s);
        break;
    case SK_BOOL:
        if (t != CONFIG_TYPE_BOOL) sc_err(c, s, "must be true or false (got %s)", got);
        break;
    case SK_STRING:
        if (t != CONFIG_TYPE_STRING) sc_err(c, s, "must be a string (got %s)", got);
        break;
    case SK_NODE:
        if (!is_int(s) && t != CONFIG_TYPE_STRING)
            sc_err(c, s, "must be a node id (an integer) or a place name (a string) (got %s)", got);
        break;
    case SK_GROUP:
        if (t != CONFIG_TYPE_GROUP)
            sc_err(c, s, "must be a group { ... } (got %s)", got);
        else
            check_group(c, s, k->sub);
        break;
    case SK_LIST:
        /* An empty [] is an empty list to a reader; the loader says "must not be empty". */
        if (t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0) break;
        if (t != CONFIG_TYPE_LIST) {
            sc_err(c, s, "must be a list ( { ... }, ... ) (got %s)", got);
            break;
        }
        for (int i = 0; i < config_setting_length(s); i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            if (config_setting_type(e) == CONFIG_TYPE_GROUP) {
                check_group(c, e, k->sub);
            } else {
                describe(e, got, sizeof got);
                sc_err(c, e, "must be a group { ... } (got %s)", got);
            }
        }
        break;
    case SK_NUMS:
    case SK_STRS:
        if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST) {
            sc_err(c, s, "must be an array [ ... ] of %s (got %s)",
                   k->type == SK_NUMS ? "numbers" : "strings", got);
            break;
        }
        for (int i = 0; i < config_setting_length(s); i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            if (k->type == SK_NUMS) {
                check_number(c, e);
            } else if (config_setting_type(e) != CONFIG_TYPE_STRING) {
                describe(e, got, sizeof got);
                sc_err(c, e, "must be a string (got %s)", got);
            }
        }
        break;
    }
}

void sc_check_tree(sc_ctx *c, const config_setting_t *root)
{
    check_value(c, root, &root_key);
}

/* ------------------------------------------------------------------------ */
/* Quiet getters.                                                            */

const config_setting_t *sc_member(const config_setting_t *g, const char *key)
{
    if (!g || config_setting_type(g) != CONFIG_TYPE_GROUP) return NULL;
    return config_setting_get_member(g, key);
}

size_t sc_length(const config_setting_t *s)
{
    if (!s || !config_setting_is_aggregate(s)) return 0;
    return (size_t)config_setting_length(s);
}

int sc_get_int(const config_setting_t *g, const char *key, long long *out)
{
    const config_setting_t *m = sc_member(g, key);
    if (!m) return 0;
    if (!is_int(m)) return -1;
    *out = config_setting_get_int64(m);
    if (config_setting_type(m) == CONFIG_TYPE_INT) *out = config_setting_get_int(m);
    return 1;
}

int sc_elem_float(const config_setting_t *e, double *out)
{
    if (!e) return 0;
    switch (config_setting_type(e)) {
    case CONFIG_TYPE_INT:
        *out = config_setting_get_int(e);
        return 1;
    case CONFIG_TYPE_INT64:
        *out = (double)config_setting_get_int64(e);
        return 1;
    case CONFIG_TYPE_FLOAT:
        *out = config_setting_get_float(e);
        return isfinite(*out) ? 1 : -1;
    default:
        return -1;
    }
}

int sc_get_float(const config_setting_t *g, const char *key, double *out)
{
    const config_setting_t *m = sc_member(g, key);
    return m ? sc_elem_float(m, out) : 0;
}

int sc_get_bool(const config_setting_t *g, const char *key, bool *out)
{
    const config_setting_t *m = sc_member(g, key);
    if (!m) return 0;
    if (config_setting_type(m) != CONFIG_TYPE_BOOL) return -1;
    *out = config_setting_get_bool(m) != 0;
    return 1;
}

int sc_elem_string(const config_setting_t *e, const char **out)
{
    if (!e) return 0;
    if (config_setting_type(e) != CONFIG_TYPE_STRING) return -1;
    *out = config_setting_get_string(e);
    return 1;
}

int sc_get_string(const config_setting_t *g, const char *key, const char **out)
{
    const config_setting_t *m = sc_member(g, key);
    return m ? sc_elem_string(m, out) : 0;
}

/* ------------------------------------------------------------------------ */
/* Overrides.                                                                */

#define OV_MAX_SEGS 16

/* Gives a scalar setting a new type, keeping its place and line (see the top). */
static void retype(config_setting_t *s)
{
    if (config_setting_type(s) == CONFIG_TYPE_STRING) free(s->value.sval);
    memset(&s->value, 0, sizeof s->value);
    s->type = CONFIG_TYPE_NONE;
}

static const char *skip_sign(const char *v)
{
    return (*v == '-' || *v == '+') ? v + 1 : v;
}

/* Parses a whole string as an integer (decimal, or hex with 0x). */
static bool parse_int(const char *v, long long *out)
{
    const char *digits = skip_sign(v);
    bool hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
    if (!isdigit((unsigned char)digits[0])) return false;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, hex ? 16 : 10);
    if (*end || end == v || errno == ERANGE) return false;
    *out = x;
    return true;
}

/* Writes value v (text) into s as the type the schema wants. Returns NULL, or
 * the reason it cannot. */
static const char *assign(config_setting_t *s, sk_type want, const char *v, char *why, size_t n)
{
    long long i;
    double f;
    char *end;
    switch (want) {
    case SK_INT:
    case SK_INT64:
        if (!parse_int(v, &i)) {
            snprintf(why, n, "expected an integer, got '%s'", v);
            return why;
        }
        retype(s);
        if (i >= INT_MIN && i <= INT_MAX)
            config_setting_set_int(s, (int)i);
        else
            config_setting_set_int64(s, i);
        return NULL;
    case SK_FLOAT:
        errno = 0;
        f = strtod(v, &end);
        if (end == v || *end || isspace((unsigned char)*v)) {
            snprintf(why, n, "expected a number, got '%s'", v);
            return why;
        }
        if (!isfinite(f)) {
            snprintf(why, n, "expected a finite number, got '%s'", v);
            return why;
        }
        /* Array elements must share a type: turn an integer array into floats. */
        config_setting_t *parent = config_setting_parent(s);
        if (parent && config_setting_type(parent) == CONFIG_TYPE_ARRAY) {
            for (int k = 0; k < config_setting_length(parent); k++) {
                config_setting_t *e = config_setting_get_elem(parent, (unsigned)k);
                double x = 0;
                if (sc_elem_float(e, &x) != 1) x = 0;
                retype(e);
                config_setting_set_float(e, x);
            }
        }
        retype(s);
        config_setting_set_float(s, f);
        return NULL;
    case SK_BOOL:
        if (strcasecmp(v, "true") != 0 && strcasecmp(v, "false") != 0) {
            snprintf(why, n, "expected true or false, got '%s'", v);
            return why;
        }
        retype(s);
        config_setting_set_bool(s, strcasecmp(v, "true") == 0);
        return NULL;
    case SK_NODE:
        if (*v != '"' && parse_int(v, &i)) return assign(s, SK_INT64, v, why, n);
        /* Otherwise a place name. */
        __attribute__((fallthrough));
    case SK_STRING: {
        size_t len = strlen(v);
        char *copy = strdup(v);
        if (!copy) {
            snprintf(why, n, "out of memory");
            return why;
        }
        if (len >= 2 &&
            ((v[0] == '"' && v[len - 1] == '"') || (v[0] == '\'' && v[len - 1] == '\''))) {
            memmove(copy, copy + 1, len - 2);
            copy[len - 2] = '\0';
        }
        retype(s);
        config_setting_set_string(s, copy);
        free(copy);
        return NULL;
    }
    default:
        snprintf(why, n, "cannot set a value of this kind");
        return why;
    }
}

/* The element type of a container key, as a key of its own. */
static sk_key elem_key(const sk_key *k)
{
    sk_key e = {"", SK_GROUP, false, k->sub, NULL};
    if (k->type == SK_NUMS) e.type = SK_FLOAT;
    if (k->type == SK_STRS) e.type = SK_STRING;
    return e;
}

/* "[3]" or "3" -> 3; -1 when the segment is not an index. */
static long seg_index(const char *seg)
{
    const char *p = seg;
    bool bracket = *p == '[';
    if (bracket) p++;
    if (!isdigit((unsigned char)*p)) return -1;
    char *end;
    long i = strtol(p, &end, 10);
    if (bracket ? !(end[0] == ']' && end[1] == '\0') : *end != '\0') return -1;
    return i;
}

/* The element of list s whose `name_key` is name, or NULL. */
static config_setting_t *elem_named(config_setting_t *s, const char *name_key, const char *name)
{
    for (int i = 0; i < config_setting_length(s); i++) {
        config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *v;
        if (sc_get_string(e, name_key, &v) == 1 && strcmp(v, name) == 0) return e;
    }
    return NULL;
}

bool sc_apply_override(sc_ctx *c, config_t *cfg, const char *text)
{
    char head[600], why[600], pathbuf[512];
    snprintf(head, sizeof head, "--set %s", text);
    const char *eq = strchr(text, '=');
    if (!eq || eq == text) {
        diag_error(c->d, "<command line>", 0, head,
                   "expected path=value (e.g. run.replications=5)");
        return false;
    }
    size_t plen = (size_t)(eq - text);
    if (plen >= sizeof pathbuf) {
        diag_error(c->d, "<command line>", 0, head, "the path is too long");
        return false;
    }
    memcpy(pathbuf, text, plen);
    pathbuf[plen] = '\0';
    const char *value = eq + 1;

    char *seg[OV_MAX_SEGS];
    size_t nseg = 0;
    for (char *p = pathbuf;;) {
        if (nseg == OV_MAX_SEGS) {
            diag_error(c->d, "<command line>", 0, head, "the path has too many parts");
            return false;
        }
        seg[nseg++] = p;
        char *dot = strchr(p, '.');
        if (!dot) break;
        *dot = '\0';
        p = dot + 1;
    }
    for (size_t i = 0; i < nseg; i++)
        if (!*seg[i]) {
            diag_error(c->d, "<command line>", 0, head, "the path has an empty part");
            return false;
        }

    /* Walk the file and the schema side by side. `where` is the part of the path
     * resolved so far, for messages. */
    config_setting_t *s = config_root_setting(cfg);
    sk_key k = root_key, ek;
    char where[512] = "";
    for (size_t i = 0; i < nseg; i++) {
        bool last = i + 1 == nseg;
        const char *name = seg[i];
        size_t used = strlen(where);
        int t = config_setting_type(s);
        if (k.type == SK_GROUP) {
            if (t != CONFIG_TYPE_GROUP) {
                diag_error(c->d, "<command line>", 0, head, "'%s' is not a group in the file",
                           where);
                return false;
            }
            const sk_key *mk = find_key(k.sub, name);
            if (!mk) {
                char names[512];
                key_names(names, sizeof names, k.sub);
                diag_error(c->d, "<command line>", 0, head,
                           "%s%s%shas no key '%s' (expected one of: %s)", *where ? "'" : "", where,
                           *where ? "' " : "the file ", name, names);
                return false;
            }
            snprintf(where + used, sizeof where - used, "%s%s", used ? "." : "", name);
            config_setting_t *m = config_setting_get_member(s, name);
            if (!m) {
                bool scalar = mk->type != SK_GROUP && mk->type != SK_LIST && mk->type != SK_NUMS &&
                              mk->type != SK_STRS;
                if (!last || !scalar) {
                    diag_error(c->d, "<command line>", 0, head,
                               "'%s' is not in the scenario file (--set creates only single "
                               "optional values in groups that are there)",
                               where);
                    return false;
                }
                if (mk->required) {
                    diag_error(c->d, "<command line>", 0, head,
                               "'%s' is not in the scenario file, and it is required: add it to "
                               "the file (--set creates only optional values)",
                               where);
                    return false;
                }
                /* The type is provisional: assign() sets the real one. */
                m = config_setting_add(s, name, CONFIG_TYPE_STRING);
                if (!m) {
                    diag_error(c->d, "<command line>", 0, head, "cannot add '%s'", where);
                    return false;
                }
            }
            s = m;
            k = *mk;
        } else if (k.type == SK_LIST || k.type == SK_NUMS || k.type == SK_STRS) {
            if (t != CONFIG_TYPE_LIST && t != CONFIG_TYPE_ARRAY) {
                diag_error(c->d, "<command line>", 0, head, "'%s' is not a list in the file",
                           where);
                return false;
            }
            long idx = seg_index(name);
            config_setting_t *e = NULL;
            if (idx >= 0) {
                if (idx >= config_setting_length(s)) {
                    diag_error(c->d, "<command line>", 0, head,
                               "'%s' has %d element(s): index %ld is out of range (counting "
                               "from 0)",
                               where, config_setting_length(s), idx);
                    return false;
                }
                e = config_setting_get_elem(s, (unsigned)idx);
                snprintf(where + used, sizeof where - used, ".[%ld]", idx);
            } else if (k.type == SK_LIST) {
                /* A name may itself contain dots: take the longest run of parts
                 * that names an element. */
                char joined[512];
                for (size_t j = nseg; j > i && !e; j--) {
                    size_t w = 0;
                    for (size_t q = i; q < j; q++)
                        w += (size_t)snprintf(joined + w, sizeof joined - w, "%s%s",
                                              q > i ? "." : "", seg[q]);
                    e = elem_named(s, k.elem_name, joined);
                    if (e) i = j - 1;
                }
                if (!e) {
                    const char *names[64];
                    size_t nn = 0;
                    for (int q = 0; q < config_setting_length(s) && nn < 64; q++)
                        if (sc_get_string(config_setting_get_elem(s, (unsigned)q), k.elem_name,
                                          &names[nn]) == 1)
                            nn++;
                    char list[512];
                    sc_join(list, sizeof list, names, nn, 12);
                    diag_error(c->d, "<command line>", 0, head,
                               "'%s' has no element with %s '%s' (there: %s)", where, k.elem_name,
                               name, nn ? list : "none");
                    return false;
                }
                snprintf(where + used, sizeof where - used, ".[%d]", config_setting_index(e));
            } else {
                diag_error(c->d, "<command line>", 0, head,
                           "'%s' is an array: select an element by its index, e.g. %s.[0]", where,
                           where);
                return false;
            }
            ek = elem_key(&k);
            s = e;
            k = ek;
        } else {
            diag_error(c->d, "<command line>", 0, head, "'%s' is a single value: it has no '%s'",
                       where, name);
            return false;
        }
    }

    if (config_setting_is_aggregate(s) || k.type == SK_GROUP || k.type == SK_LIST ||
        k.type == SK_NUMS || k.type == SK_STRS) {
        diag_error(c->d, "<command line>", 0, head,
                   "'%s' is not a single value: --set changes one value at a time (e.g. %s.%s)",
                   where, where, k.type == SK_GROUP && k.sub ? k.sub[0].name : "[0]");
        return false;
    }
    if (assign(s, k.type, value, why, sizeof why)) {
        diag_error(c->d, "<command line>", 0, head, "%s", why);
        return false;
    }
    config_setting_set_hook(s, (void *)text);
    return true;
}
