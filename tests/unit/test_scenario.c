/* test_scenario.c - the scenario loader: expansion, normalisation, overrides, error reports,
 * and the helper functions (durations, call rate, shifts, targets).
 *
 * The good scenario is tests/data/scen/small.cfg on tests/data/net/small.txt; variants of it
 * and files with errors are written to a temporary directory, with the network given by its
 * absolute path. Error tests check whole messages, line numbers included, because the line
 * is what an editor jumps to.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "check.h"
#include "scenario.h"

#define SMALL_CFG PSIM_TEST_DATA "/scen/small.cfg"
#define SMALL_NET PSIM_TEST_DATA "/net/small.txt"
#define DAY       86400.0

static char tmpdir[64];

/* ------------------------------------------------------------------------ */
/* Helpers.                                                                  */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
    if (buf) buf[n] = '\0';
    fclose(f);
    return buf;
}

/* text with the first occurrence of `from` replaced by `to` (the text must hold it). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at) {
        fprintf(stderr, "test bug: '%s' not in the text\n", from);
        exit(1);
    }
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    return out;
}

/* small.cfg with one replacement, its relative paths made absolute (it is written elsewhere). */
static char *small_with(const char *from, const char *to)
{
    char *text = slurp(SMALL_CFG);
    char *a = replace(text, "\"../net/small.txt\"", "\"" SMALL_NET "\"");
    char *b =
        replace(a, "\"../net/small-places.txt\"", "\"" PSIM_TEST_DATA "/net/small-places.txt\"");
    char *c = from ? replace(b, from, to) : strdup(b);
    free(text);
    free(a);
    free(b);
    return c;
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text written to a temporary file; *d receives the diagnostics. */
static scenario *load_text(const char *text, const char *const *sets, size_t n, diag **d)
{
    *d = diag_create();
    return scen_load(write_tmp("t.cfg", text), sets, n, *d);
}

/* Whether some message contains `want`; prints all messages when none does. */
static int has_msg(const diag *d, const char *want)
{
    for (size_t i = 0; i < diag_count(d); i++)
        if (strstr(diag_message(d, i), want)) return 1;
    fprintf(stderr, "  no message contains: %s\n  messages:\n", want);
    for (size_t i = 0; i < diag_count(d); i++)
        fprintf(stderr, "    %s\n", diag_message(d, i));
    return 0;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int find_unit(const scenario *s, const char *name)
{
    for (size_t i = 0; i < s->n_units; i++)
        if (strcmp(s->units[i].name, name) == 0) return (int)i;
    return -1;
}

/* ------------------------------------------------------------------------ */
/* A good scenario.                                                          */

static void test_good(void)
{
    diag *d = diag_create();
    scenario *s = scen_load(SMALL_CFG, NULL, 0, d);
    CHECK(s != NULL);
    CHECK_EQ(diag_count(d), 0);
    diag_print(d, stderr);
    if (!s) {
        diag_destroy(d);
        return;
    }
    CHECK_STR(s->name, "small");
    CHECK_STR(s->description, "Ten nodes, two zones, three unit groups");
    CHECK_STR(s->path, SMALL_CFG);
    CHECK_STR(s->overrides, "");
    char *text = slurp(SMALL_CFG);
    CHECK_STR(s->text, text);

    /* Inputs: the scenario, the network and the places file, with their hashes. */
    CHECK_EQ(s->n_inputs, 3);
    if (s->n_inputs == 3) {
        CHECK(s->input_hashes[0] == fnv1a(text));
        CHECK_STR(s->input_paths[1], PSIM_TEST_DATA "/scen/../net/small.txt");
        char *net_text = slurp(SMALL_NET);
        CHECK(s->input_hashes[1] == fnv1a(net_text));
        free(net_text);
        CHECK(strstr(s->input_paths[2], "small-places.txt") != NULL);
    }
    free(text);

    CHECK(s->seed == 7);
    CHECK_EQ(s->replications, 3);
    CHECK_NEAR(s->horizon_s, 7 * DAY, 0);
    CHECK_NEAR(s->warmup_s, DAY, 0);
    CHECK_NEAR(s->drain_s, 24 * 3600, 0);
    CHECK_EQ(s->start_weekday, 2);
    CHECK_EQ(s->threads, 0);
    CHECK(s->travel_enabled);
    CHECK(s->travel != NULL);
    CHECK(travel_has_table(s->travel));
    CHECK_EQ(s->net->n_nodes, 10);

    /* Geography. */
    CHECK_EQ(s->n_zone_kinds, 2);
    CHECK_EQ(s->n_zones, 2);
    CHECK_STR(s->zones[0].name, "North");
    CHECK_EQ(s->zones[0].kind, 0);
    CHECK_EQ(s->zones[1].kind, 1);
    CHECK_NEAR(s->zones[0].weight, 3.0, 0);
    CHECK_EQ(s->zones[0].n_nodes, 5);
    CHECK_EQ(s->zones[1].n_nodes, 5);
    for (size_t v = 0; v < 10; v++) {
        int want = s->net->nodes[v].id <= 5 ? 0 : 1;
        CHECK_EQ(s->node_zone[v], want);
    }
    for (size_t k = 0; k < s->zones[1].n_nodes; k++)
        CHECK(s->net->nodes[s->zones[1].nodes[k]].id >= 6);
    CHECK_EQ(s->n_priorities, 2);
    CHECK_NEAR(scen_target_s(s, 0, 1), 180, 0);
    CHECK_NEAR(scen_target_s(s, 1, 2), 1800, 0);
    CHECK(isinf(scen_target_s(s, 1, 3)));

    CHECK_EQ(s->n_hotspots, 1);
    CHECK_EQ(s->net->nodes[s->hotspots[0].node].id, 3);
    CHECK_EQ(s->hotspots[0].n_nodes, 4);
    int64_t sum_ids = 0;
    for (size_t k = 0; k < s->hotspots[0].n_nodes; k++)
        sum_ids += s->net->nodes[s->hotspots[0].nodes[k]].id;
    CHECK_EQ(sum_ids, 2 + 3 + 4 + 8);

    /* The call model, normalised. */
    CHECK_NEAR(s->calls_per_day, 48, 0);
    CHECK_NEAR(s->hourly[0], 0.5, 1e-12);
    CHECK_NEAR(s->hourly[23], 1.5, 1e-12);
    CHECK_NEAR(s->weekly[0], 7.0 / 8, 1e-12);
    CHECK_NEAR(s->weekly[5], 14.0 / 8, 1e-12);
    CHECK_NEAR(s->weekly[6], 0, 0);
    CHECK_EQ(s->handling.kind, DIST_EXPONENTIAL);
    CHECK_NEAR(s->handling.mean_s, 30, 0);

    CHECK_EQ(s->n_types, 3);
    CHECK_NEAR(s->types[0].share, 1.0 / 8, 1e-12);
    CHECK_NEAR(s->types[1].share, 3.0 / 8, 1e-12);
    CHECK_NEAR(s->types[2].share, 4.0 / 8, 1e-12);
    CHECK_EQ(s->types[0].officers, 3);
    CHECK_EQ(s->types[1].officers, 1);
    CHECK_EQ(s->types[0].onscene.kind, DIST_GAMMA);
    CHECK_EQ(s->types[2].onscene.kind, DIST_UNIFORM);
    CHECK_NEAR(scen_dist_mean(&s->types[2].onscene), 600, 0);

    /* Forces: kinds in order of first appearance, masks, expanded units. */
    CHECK_EQ(s->n_unit_kinds, 2);
    CHECK_STR(s->unit_kinds[0], "car");
    CHECK_STR(s->unit_kinds[1], "foot_patrol");
    CHECK_EQ(s->types[0].kind_mask, 1);
    CHECK_EQ(s->types[1].kind_mask, 3); /* no unit_kinds: every kind */
    CHECK_EQ(s->types[2].kind_mask, 3);

    CHECK_EQ(s->n_stations, 2);
    CHECK_EQ(s->net->nodes[s->stations[0].node].id, 1); /* place North-station */
    CHECK_EQ(s->net->nodes[s->stations[1].node].id, 10);
    CHECK_EQ(s->stations[0].squad, 8);
    CHECK_EQ(s->stations[1].squad, 0);

    CHECK_EQ(s->n_unit_groups, 3);
    CHECK_EQ(s->n_units, 6);
    const char *names[] = {"north-day-1",  "north-day-2",  "north-night-1",
                           "south-foot-1", "south-foot-2", "south-foot-3"};
    for (size_t i = 0; i < 6 && i < s->n_units; i++)
        CHECK_STR(s->units[i].name, names[i]);
    if (s->n_units == 6) {
        CHECK_EQ(s->units[1].group, 0);
        CHECK_EQ(s->units[2].group, 1);
        CHECK_EQ(s->units[5].group, 2);
        CHECK_EQ(s->units[5].kind, 1);
        CHECK_EQ(s->units[5].station, 1);
        CHECK_EQ(s->units[5].crew, 1);
        CHECK_EQ(s->units[5].mode, NET_FOOT);
        CHECK_EQ(s->units[0].mode, NET_VEHICLE);
        CHECK_NEAR(s->units[0].shift_start_s, 8 * 3600, 0);
        CHECK_NEAR(s->units[0].shift_len_s, 12 * 3600, 0);
        CHECK_NEAR(s->units[5].shift_start_s, 0, 0);
        CHECK_NEAR(s->units[5].shift_len_s, DAY, 0);
    }

    /* Plans: groups stand for their units in order. */
    CHECK_EQ(s->policy, POLICY_PLAN);
    CHECK_EQ(s->overflow, OVERFLOW_DIVERT);
    CHECK_EQ(s->n_plans, 2);
    if (s->n_plans == 2) {
        int north[] = {0, 1, 2, 4}, south[] = {3, 4, 5, 1};
        CHECK_EQ(s->plans[0].zone, 0);
        CHECK_EQ(s->plans[0].n_units, 4);
        CHECK_EQ(s->plans[1].n_units, 4);
        for (size_t k = 0; k < 4 && k < s->plans[0].n_units; k++)
            CHECK_EQ(s->plans[0].units[k], north[k]);
        for (size_t k = 0; k < 4 && k < s->plans[1].n_units; k++)
            CHECK_EQ(s->plans[1].units[k], south[k]);
    }

    /* The check report mentions the essentials and no warning at this load. */
    FILE *f = tmpfile();
    scen_print_check(s, f);
    rewind(f);
    char report[16384];
    size_t n = fread(report, 1, sizeof report - 1, f);
    report[n] = '\0';
    fclose(f);
    CHECK(strstr(report, "Scenario small") != NULL);
    CHECK(strstr(report, "10 nodes") != NULL);
    CHECK(strstr(report, "on duty over a day: 4 to 5 of 6 units") != NULL);
    CHECK(strstr(report, "294.0") != NULL); /* calls per replication after warm-up */
    CHECK(strstr(report, "utilisation") != NULL);
    CHECK(strstr(report, "WARNING") == NULL);

    scen_destroy(s);
    diag_destroy(d);
}

/* ------------------------------------------------------------------------ */
/* Helpers on a loaded scenario.                                             */

static void test_call_rate_and_shifts(void)
{
    diag *d = diag_create();
    scenario *s = scen_load(SMALL_CFG, NULL, 0, d);
    CHECK(s != NULL);
    if (!s) {
        diag_print(d, stderr);
        diag_destroy(d);
        return;
    }
    double base = 48.0 / DAY;
    /* Day 0 is a Wednesday (weekly 7/8); 13:00 is in the afternoon (hourly 1.5). */
    CHECK_NEAR(scen_call_rate(s, 13 * 3600.0), base * 1.5 * 7 / 8, 1e-15);
    CHECK_NEAR(scen_call_rate(s, 3 * 3600.0), base * 0.5 * 7 / 8, 1e-15);
    CHECK_NEAR(scen_call_rate(s, 2 * DAY + 100), base * 0.5 * 14 / 8, 1e-15); /* Friday */
    CHECK_NEAR(scen_call_rate(s, 4 * DAY + 50000), 0, 0);                     /* Sunday */
    CHECK_NEAR(scen_call_rate(s, 5 * DAY - 1), 0, 0);                   /* Sunday's last second */
    CHECK_NEAR(scen_call_rate(s, 12 * DAY), base * 0.5 * 7 / 8, 1e-15); /* next Monday */

    /* north-night: 20:00 to 08:00, wrapping midnight. */
    const scen_unit *night = &s->units[find_unit(s, "north-night-1")];
    CHECK(scen_unit_on_shift(s, night, 3 * 3600.0)); /* 03:00 day 0: the shift of day -1 */
    CHECK_NEAR(scen_unit_next_change_s(s, night, 3 * 3600.0), 8 * 3600.0, 0);
    CHECK(!scen_unit_on_shift(s, night, 8 * 3600.0)); /* ends at 08:00 exactly */
    CHECK_NEAR(scen_unit_next_change_s(s, night, 8 * 3600.0), 20 * 3600.0, 0);
    CHECK(!scen_unit_on_shift(s, night, 12 * 3600.0));
    CHECK(scen_unit_on_shift(s, night, 20 * 3600.0)); /* starts at 20:00 exactly */
    CHECK_NEAR(scen_unit_next_change_s(s, night, 21 * 3600.0), DAY + 8 * 3600.0, 0);
    CHECK(scen_unit_on_shift(s, night, DAY + 7.5 * 3600));
    CHECK(!scen_unit_on_shift(s, night, 3 * DAY + 19.99 * 3600));
    CHECK_NEAR(scen_unit_next_change_s(s, night, 3 * DAY + 19 * 3600.0), 3 * DAY + 20 * 3600.0, 0);
    /* The change time is exactly where on_shift flips, day after day. */
    double t = 0;
    bool on = scen_unit_on_shift(s, night, t);
    for (int k = 0; k < 40; k++) {
        double next = scen_unit_next_change_s(s, night, t);
        CHECK(next > t);
        CHECK(scen_unit_on_shift(s, night, next) != on);
        CHECK(scen_unit_on_shift(s, night, nextafter(next, 0)) == on);
        on = !on;
        t = next;
    }
    CHECK_NEAR(t, 19 * DAY + 20 * 3600, 0); /* 40 changes: 08:00 and 20:00 of days 0..19 */

    /* north-day: 08:00 to 20:00. */
    const scen_unit *day = &s->units[find_unit(s, "north-day-1")];
    CHECK(!scen_unit_on_shift(s, day, 7.99 * 3600));
    CHECK(scen_unit_on_shift(s, day, 8 * 3600.0));
    CHECK(!scen_unit_on_shift(s, day, 20 * 3600.0));
    CHECK_NEAR(scen_unit_next_change_s(s, day, 0), 8 * 3600.0, 0);
    CHECK_NEAR(scen_unit_next_change_s(s, day, 8 * 3600.0), 20 * 3600.0, 0);
    CHECK_NEAR(scen_unit_next_change_s(s, day, 22 * 3600.0), DAY + 8 * 3600.0, 0);

    /* Round the clock: always on, never changes. */
    const scen_unit *foot = &s->units[find_unit(s, "south-foot-2")];
    CHECK(scen_unit_on_shift(s, foot, 0));
    CHECK(scen_unit_on_shift(s, foot, 5.5 * DAY));
    CHECK(isinf(scen_unit_next_change_s(s, foot, 1000)));

    scen_destroy(s);
    diag_destroy(d);
}

static void test_quantiles(void)
{
    scen_dist fixed = {DIST_FIXED, 42.5, 0, 0, 0};
    CHECK_NEAR(scen_dist_quantile(&fixed, 0.123), 42.5, 0);
    CHECK_NEAR(scen_dist_mean(&fixed), 42.5, 0);

    scen_dist ex = {DIST_EXPONENTIAL, 238.5, 0, 0, 0};
    CHECK_NEAR(scen_dist_quantile(&ex, 0.5), 238.5 * log(2), 1e-9);
    CHECK_NEAR(scen_dist_quantile(&ex, 0.9), -238.5 * log(0.1), 1e-9);

    scen_dist un = {DIST_UNIFORM, 0, 0, 120, 480};
    CHECK_NEAR(scen_dist_quantile(&un, 0.25), 210, 1e-12);
    CHECK_NEAR(scen_dist_mean(&un), 300, 0);

    /* Lognormal from mean and sd: the median is mean / sqrt(1 + cv^2), and the mean of
     * the quantiles over 1e5 evenly spaced probabilities recovers the mean (the grid
     * misses a little of the far tail, hence the tolerance). */
    scen_dist ln = {DIST_LOGNORMAL, 1238.5, 713.0, 0, 0};
    double cv2 = (713.0 / 1238.5) * (713.0 / 1238.5);
    CHECK_NEAR(scen_dist_quantile(&ln, 0.5), 1238.5 / sqrt(1 + cv2), 1e-6);
    double sum = 0, sum2 = 0;
    int n = 100000;
    for (int i = 0; i < n; i++) {
        double x = scen_dist_quantile(&ln, (i + 0.5) / n);
        sum += x;
        sum2 += x * x;
    }
    double mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
    CHECK_NEAR(mean, 1238.5, 1238.5 * 1e-3);
    CHECK_NEAR(sd, 713.0, 713.0 * 2e-2);

    /* Gamma: quantiles invert the CDF, and the mean and sd come back. */
    scen_dist ga = {DIST_GAMMA, 1813.0, 947.0, 0, 0};
    double shape = 1813.0 * 1813.0 / (947.0 * 947.0), scale = 947.0 * 947.0 / 1813.0;
    double q = scen_dist_quantile(&ga, 0.3);
    CHECK_NEAR(gsl_cdf_gamma_P(q, shape, scale), 0.3, 1e-9);
    sum = sum2 = 0;
    for (int i = 0; i < n; i++) {
        double x = scen_dist_quantile(&ga, (i + 0.5) / n);
        sum += x;
        sum2 += x * x;
    }
    mean = sum / n;
    sd = sqrt(sum2 / n - mean * mean);
    CHECK_NEAR(mean, 1813.0, 1813.0 * 1e-3);
    CHECK_NEAR(sd, 947.0, 947.0 * 2e-2);

    /* The loader's gamma limits (cv 0.05 .. 2) stay inside what GSL inverts, down to the
     * most extreme probabilities the random streams give; 0 and 1 are clamped. */
    double cvs[] = {0.05, 0.3, 1.0, 2.0};
    for (int k = 0; k < 4; k++) {
        scen_dist g = {DIST_GAMMA, 600, 600 * cvs[k], 0, 0};
        double us[] = {0, 0x1p-53, 1e-9, 0.5, 1 - 1e-9, 1 - 0x1p-53, 1};
        for (int j = 0; j < 7; j++) {
            double x = scen_dist_quantile(&g, us[j]);
            CHECK(isfinite(x) && x >= 0);
        }
    }
    scen_dist ln0 = {DIST_LOGNORMAL, 60, 30, 0, 0};
    CHECK(isfinite(scen_dist_quantile(&ln0, 1)) && scen_dist_quantile(&ln0, 0) >= 0);
}

/* ------------------------------------------------------------------------ */
/* Overrides.                                                                */

static void test_overrides(void)
{
    char *text = small_with(NULL, NULL);
    diag *d;
    const char *sets[] = {"units.[2].count=5",              /* by index in brackets */
                          "units.0.crew=3",                 /* by plain index */
                          "units.north-night.crew=4",       /* by name */
                          "incident_types.assault.share=3", /* an integer for a float */
                          "run.threads=4",                  /* not in the file: created */
                          "run.horizon_days=10.5",
                          "name=\"renamed\"", /* quotes are optional */
                          "description=no quotes here",
                          "calls.hourly.[0]=2.5", /* an element of a list */
                          "calls.weekly.[6]=1.5", /* an element of an integer-free array */
                          "travel.enabled=false",
                          "stations.South.node=Market", /* a node reference, by place name */
                          "dispatch.policy=nearest"};
    size_t n = sizeof sets / sizeof *sets;
    scenario *s = load_text(text, sets, n, &d);
    CHECK(s != NULL);
    diag_print(d, stderr);
    if (s) {
        CHECK_EQ(s->n_units, 2 + 1 + 5);
        CHECK_EQ(s->units[0].crew, 3);
        CHECK_EQ(s->units[1].crew, 3);
        CHECK_EQ(s->units[2].crew, 4);
        CHECK_STR(s->units[7].name, "south-foot-5");
        CHECK_NEAR(s->types[0].share, 3.0 / 10, 1e-12);
        CHECK_EQ(s->threads, 4);
        CHECK_NEAR(s->horizon_s, 10.5 * DAY, 0);
        CHECK_STR(s->name, "renamed");
        CHECK_STR(s->description, "no quotes here");
        CHECK(!s->travel_enabled);
        CHECK_EQ(s->net->nodes[s->stations[1].node].id, 3);
        CHECK_EQ(s->policy, POLICY_NEAREST);
        CHECK_EQ(s->n_plans, 0);
        /* hourly: 2.5 + 11 x 1 + 12 x 3 = 49.5 over 24 hours. */
        CHECK_NEAR(s->hourly[0], 2.5 * 24 / 49.5, 1e-12);
        CHECK_NEAR(s->weekly[6], 1.5 * 7 / 9.5, 1e-12);
        CHECK(strncmp(s->overrides, "units.[2].count=5\nunits.0.crew=3\n", 33) == 0);
        CHECK(strstr(s->overrides, "dispatch.policy=nearest\n") != NULL);
        /* The text is the file's, not the overridden tree's. */
        CHECK(strstr(s->text, "name = \"small\"") != NULL);
    }
    scen_destroy(s);
    diag_destroy(d);

    /* Bad overrides: each reported against the command line, all of them. */
    const char *bad[] = {"units.[2].count=abc", "run.replications=2.5", "run.horizon_days=inf",
                         "travel.enabled=yes",  "run.nosuch=1",         "units.nobody.count=2",
                         "units.[9].count=2",   "run.seed.x=1",         "run=3",
                         "calls.hourly=3",      "no_equals_sign",       "hotspots.Market.radius=3",
                         "run.replications=0"};
    n = sizeof bad / sizeof *bad;
    s = load_text(text, bad, n, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "<command line>: --set units.[2].count=abc: expected an integer, got 'abc'"));
    CHECK(has_msg(d, "<command line>: --set run.replications=2.5: expected an integer, got '2.5'"));
    CHECK(has_msg(d, "--set run.horizon_days=inf: expected a finite number, got 'inf'"));
    CHECK(has_msg(d, "--set travel.enabled=yes: expected true or false, got 'yes'"));
    CHECK(has_msg(d, "--set run.nosuch=1: 'run' has no key 'nosuch' (expected one of: seed, "));
    CHECK(has_msg(d, "--set units.nobody.count=2: 'units' has no element with name 'nobody' "
                     "(there: north-day, north-night, south-foot)"));
    CHECK(has_msg(d, "--set units.[9].count=2: 'units' has 3 element(s): index 9 is out of range"));
    CHECK(has_msg(d, "--set run.seed.x=1: 'run.seed' is a single value: it has no 'x'"));
    CHECK(has_msg(d, "--set run=3: 'run' is not a single value"));
    CHECK(has_msg(d, "--set calls.hourly=3: 'calls.hourly' is not a single value"));
    CHECK(has_msg(d, "--set no_equals_sign: expected path=value"));
    CHECK(has_msg(d, "--set hotspots.Market.radius=3: 'hotspots.[0]' has no key 'radius'"));
    /* A good override with a bad value is reported by the check, against the command line. */
    CHECK(has_msg(d, "<command line>: --set run.replications=0: run.replications: must be an "
                     "integer >= 1 (got 0)"));
    CHECK_EQ(diag_count(d), n);
    diag_destroy(d);

    /* Creating: optional keys of existing groups only. */
    const char *create[] = {"dispatch.plans.[0].zone=South", /* a duplicate plan */
                            "run.seed=5"};                   /* exists: fine */
    s = load_text(text, create, 2, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "dispatch.plans.[1].zone: zone 'South' already has a plan (line "));
    CHECK(has_msg(d, "needs a plan for every zone; 1 zone has none: North"));
    diag_destroy(d);
    free(text);

    /* Without the optional travel group and run.warmup_days. */
    text = small_with("  warmup_days = 1;", "");
    char *t2 = replace(text, "travel : { enabled = true; };\n", "");
    const char *req[] = {"travel.enabled=false", "run.warmup_days=2", "units.[0].shift_hours=6"};
    s = load_text(t2, req, 3, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "--set travel.enabled=false: 'travel' is not in the scenario file"));
    CHECK_EQ(diag_count(d), 1);
    diag_destroy(d);
    const char *ok[] = {"run.warmup_days=2", "units.[0].shift_hours=6"};
    s = load_text(t2, ok, 2, &d);
    CHECK(s != NULL);
    if (s) {
        CHECK_NEAR(s->warmup_s, 2 * DAY, 0);
        CHECK_NEAR(s->units[0].shift_len_s, 6 * 3600, 0);
    }
    scen_destroy(s);
    diag_destroy(d);
    free(t2);
    free(text);

    text = small_with("  seed = 7;\n", "");
    const char *seed[] = {"run.seed=5"};
    s = load_text(text, seed, 1, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "--set run.seed=5: 'run.seed' is not in the scenario file, and it is "
                     "required"));
    diag_destroy(d);
    free(text);
}

/* ------------------------------------------------------------------------ */
/* Errors.                                                                   */

/* Several errors in one file: every one reported, at its line. */
static void test_many_errors(void)
{
    const char *text =
        "name = \"multi\";\n"                                                  /* 1 */
        "run : { seed = 1; replications = 0; horizon_days = 7.0; };\n"         /* 2 */
        "network : { file = \"" SMALL_NET "\"; };\n"                           /* 3 */
        "zone_kinds = ( { name = \"urban\"; target_s = [ 60.0 ]; } );\n"       /* 4 */
        "zones = ( { name = \"North\"; kind = \"urban\"; weight = 1.0; },\n"   /* 5 */
        "          { name = \"South\"; kind = \"urbn\"; weight = -1.0; } );\n" /* 6 */
        "calls : { };\n"                                                       /* 7 */
        "incident_types = ( { name = \"a\"; priority = 1; share = 1.0;\n"      /* 8 */
        "  onscene = { dist = \"fixed\"; mean_s = 60.0; }; unit_kinds = [ \"swat\" ]; } );\n"
        "stations = ( { name = \"S\"; node = 1; } );\n" /* 10 */
        "units = ( { name = \"u\"; station = \"T\"; kind = \"car\"; count = 1; crew = 0;\n"
        "            mode = \"vehicle\"; crewe = 2; } );\n" /* 12 */
        "colour = \"blue\";\n";                             /* 13 */
    diag *d;
    scenario *s = load_text(text, NULL, 0, &d);
    CHECK(s == NULL);
    char want[512];
#define WANT(line, msg)                                                                            \
    do {                                                                                           \
        snprintf(want, sizeof want, "%s/t.cfg:%d: %s", tmpdir, line, msg);                         \
        CHECK(has_msg(d, want));                                                                   \
    } while (0)
    WANT(2, "run.replications: must be an integer >= 1 (got 0)");
    WANT(6, "zones.[1].kind: no zone kind named 'urbn' (zone_kinds: urban)");
    WANT(6, "zones.[1].weight: must be >= 0 (got -1)");
    WANT(7, "calls: missing required key 'per_day'");
    WANT(9, "incident_types.[0].unit_kinds.[0]: no unit has kind 'swat' (kinds: car)");
    WANT(11, "units.[0].station: no station named 'T' (stations: S)");
    WANT(11, "units.[0].crew: must be an integer >= 1 (got 0)");
    WANT(12, "units.[0].crewe: unknown key (expected one of: name, station, post, kind, count, "
             "crew, mode, shift_start_h, shift_hours, slots, at_shift_end, max_travel_s, "
             "others); did you mean 'crew'?");
    WANT(13, "colour: unknown key (expected one of: name, description, run, network, travel, "
             "zone_kinds, zones, hotspots, calls, incident_types, incidents, stations, posts, "
             "units, lines, community_patrols, cameras, coverage, dispatch, major_incidents, "
             "major_random, "
             "public_events, reserve, "
             "pull_back)");
    CHECK_EQ(diag_count(d), 9);
    diag_destroy(d);

    /* A missing top-level key, and wrong types. */
    char *t = small_with("  replications = 3;", "  replications = \"three\"; threads = 2.0;");
    char *t2 = replace(t, "name = \"small\";", "");
    s = load_text(t2, NULL, 0, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "t.cfg: missing required key 'name'"));
    CHECK(has_msg(d, "run.replications: must be an integer (got \"three\")"));
    CHECK(has_msg(d, "run.threads: must be an integer (got 2.0)"));
    CHECK_EQ(diag_count(d), 3);
    diag_destroy(d);
    free(t);
    free(t2);
}

static void test_error_kinds(void)
{
    struct {
        const char *from, *to, *want;
    } cases[] = {
        {"seed = 7;", "seed = 3000000000;", "integer 3000000000 does not fit in 32 bits"},
        {"per_day = 48.0;", "per_day = 1e999;", "calls.per_day: must be a finite number (got inf)"},
        {"per_day = 48.0;", "per_day = 0;", "calls.per_day: must be > 0 (got 0)"},
        {"warmup_days = 1;", "warmup_days = 7;",
         "run.warmup_days: must be < horizon_days (7) (got 7)"},
        {"start_weekday = 2;", "start_weekday = 7;",
         "run.start_weekday: must be an integer <= 6 (got 7)"},
        {"weekly = [ 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 0.0 ];",
         "weekly = [ 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0 ];", "calls.weekly: must not be all 0"},
        {"weekly = [ 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 0.0 ];", "weekly = [ 1.0, 1.0 ];",
         "calls.weekly: must have 7 values, one per weekday from Monday (got 2)"},
        {"weekly = [ 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 0.0 ];",
         "weekly = [ 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 0.5 ", "syntax error"},
        {"weekly = [ 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 0.0 ];", "weekly = [ 1, 1, 1, 1, 2, 2.0, 0 ];",
         "syntax error: mismatched element type in array"},
        {"hourly = ( 1,", "hourly = ( -1,", "calls.hourly.[0]: must be >= 0 (got -1)"},
        {"priority = 1;", "priority = 3;",
         "zone_kinds.[0].target_s: has 2 values, but incident type 'assault' has priority 3"},
        {"priority = 1;", "priority = 6;",
         "incident_types.[0].priority: must be an integer <= 5 (got 6)"},
        {"\"foot_patrol\", \"car\"", "\"foot_patrol\", \"foot_patrol\"",
         "incident_types.[2].unit_kinds.[1]: kind 'foot_patrol' is listed twice"},
        {"mean_s = 1800.0; sd_s = 900.0;", "mean_s = 1800.0; sd_s = 9000.0;",
         "incident_types.[0].onscene.sd_s: for dist \"gamma\", sd_s must be between 0.05 and 2 "
         "times mean_s"},
        {"dist = \"uniform\"; min_s = 300.0; max_s = 900.0;",
         "dist = \"uniform\"; min_s = 300.0; max_s = 200.0;",
         "incident_types.[2].onscene.max_s: must be > min_s (300) (got 200)"},
        {"dist = \"exponential\"; mean_s = 30.0;",
         "dist = \"exponential\"; mean_s = 30.0; sd_s = 3.0;",
         "calls.handling.sd_s: does not apply to dist \"exponential\" (it takes mean_s)"},
        {"dist = \"lognormal\"; mean_s = 1200.0; sd_s = 600.0;",
         "dist = \"lognormal\"; mean_s = 1200.0;",
         "incident_types.[1].onscene: missing required key 'sd_s' (dist \"lognormal\" takes mean_s "
         "and sd_s)"},
        {"dist = \"lognormal\"", "dist = \"normal\"",
         "incident_types.[1].onscene.dist: must be \"fixed\", \"exponential\", \"lognormal\", "
         "\"gamma\" or \"uniform\" (got \"normal\")"},
        {"node = 10;", "node = 99;", "stations.[1].node: node 99 is not in the network file"},
        {"node = 10;", "node = \"Nowhere\";", "stations.[1].node: no place named 'Nowhere' in"},
        {"node = 10;", "node = 1.5;",
         "stations.[1].node: must be a node id (an integer) or a place name"},
        {"radius_m = 120.0;", "radius_m = 0.0;", "hotspots.[0].radius_m: must be > 0 (got 0)"},
        {"{ name = \"South\"; kind = \"rural\"; weight = 1.0; }",
         "{ name = \"South\"; kind = \"rural\"; weight = 1.0; }, { name = \"East\"; kind = "
         "\"rural\"; weight = 1.0; }",
         "zones.[2].name: zone 'East' does not occur in the network file (zones there: North, "
         "South)"},
        {"{ name = \"South\"; kind = \"rural\"; weight = 1.0; }",
         "{ name = \"North\"; kind = \"rural\"; weight = 1.0; }",
         "zones.[1].name: duplicate zone name 'North' (first at line"},
        {"{ name = \"South\"; kind = \"rural\"; weight = 1.0; }",
         "{ name = \"North\"; kind = \"rural\"; weight = 1.0; }",
         "zones: zone 'South' of the network file is not listed"},
        {"weight = 3.0;", "weight = 0.0;", "zones.[0].weight"}, /* placeholder, replaced below */
        {"mode = \"foot\"; }", "mode = \"bike\"; }",
         "units.[2].mode: must be \"vehicle\" or \"foot\" (got \"bike\")"},
        {"shift_start_h = 8.0;", "shift_start_h = 24.0;",
         "units.[0].shift_start_h: must be < 24 (got 24)"},
        {"shift_start_h = 20.0; shift_hours = 12.0;", "shift_start_h = 20.0; shift_hours = 0;",
         "units.[1].shift_hours: must be > 0 (got 0)"},
        {"count = 3;", "count = 10001;",
         "units.[2].count: must be an integer <= 10000 (got 10001)"},
        {"name = \"north-night\";", "name = \"north-day-1\";",
         "units.[1].name: 'north-day-1' is also the name of a unit of another group"},
        {"name = \"north-night\";", "name = \"north-day\";",
         "units.[1].name: duplicate unit group name 'north-day' (first at line"},
        {"\"north-night-1\", \"south-foot-2\"", "\"north-night-1\", \"north-day-1\"",
         "dispatch.plans.[0].units.[2]: unit 'north-day-1' is already in this plan"},
        {"\"north-night-1\", \"south-foot-2\"", "\"north-night-2\", \"south-foot-0\"",
         "dispatch.plans.[0].units.[1]: no unit or unit group named 'north-night-2'"},
        {"{ zone = \"South\";", "{ zone = \"Nowhere\";",
         "dispatch.plans.[1].zone: no zone named 'Nowhere' (zones: North, South)"},
        {"{ zone = \"South\";", "{ zone = \"Nowhere\";",
         "dispatch.plans: policy \"plan\" needs a plan for every zone; 1 zone has none: South"},
        {"policy = \"plan\";", "policy = \"best\";",
         "dispatch.policy: must be \"nearest\" or \"plan\" (got \"best\")"},
        {"units = [ \"south-foot\", \"north-day-2\" ];", "units = [ ];",
         "dispatch.plans.[1].units: must not be empty"},
        {"file = \"" SMALL_NET "\";", "file = \"nope.txt\";", "network.file: cannot open '"},
        {"travel : { enabled = true; };", "travel : { enabled = 1; };",
         "travel.enabled: must be true or false (got 1)"},
        {"incident_types = (", "incident_types = ();\nold_types = (",
         "incident_types: must not be empty"},
    };
    size_t n = sizeof cases / sizeof *cases;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cases[i].from, "weight = 3.0;") == 0) {
            /* Every weight 0 (the hotspot's too): calls have nowhere to go. */
            char *a = small_with("weight = 3.0;", "weight = 0.0;");
            char *b =
                replace(a, "kind = \"rural\"; weight = 1.0;", "kind = \"rural\"; weight = 0;");
            char *c =
                replace(b, "radius_m = 120.0; weight = 1.0;", "radius_m = 120.0; weight = 0.0;");
            diag *d;
            scenario *s = load_text(c, NULL, 0, &d);
            CHECK(s == NULL);
            CHECK(has_msg(d, "zones: every zone and hotspot weight is 0"));
            scen_destroy(s);
            diag_destroy(d);
            free(a);
            free(b);
            free(c);
            continue;
        }
        char *text = small_with(cases[i].from, cases[i].to);
        diag *d;
        scenario *s = load_text(text, NULL, 0, &d);
        CHECK(s == NULL);
        if (!has_msg(d, cases[i].want)) {
            fprintf(stderr, "%s:%d: check failed for case %zu (%s -> %s)\n", __FILE__, __LINE__, i,
                    cases[i].from, cases[i].to);
            check_failures++;
        }
        scen_destroy(s);
        diag_destroy(d);
        free(text);
    }

    /* A missing scenario file. */
    diag *d = diag_create();
    CHECK(scen_load(PSIM_TEST_DATA "/no/such.cfg", NULL, 0, d) == NULL);
    CHECK(has_msg(d, "no/such.cfg: cannot open the scenario file: No such file or directory"));
    diag_destroy(d);

    /* A place name without a places file. */
    char *t = small_with("  places = \"" PSIM_TEST_DATA "/net/small-places.txt\";\n", "");
    scenario *s = load_text(t, NULL, 0, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "stations.[0].node: 'North-station' is a place name, but network.places is "
                     "not set"));
    CHECK(has_msg(d, "hotspots.[0].node: 'Market' is a place name"));
    diag_destroy(d);
    free(t);

    /* Errors in the places file carry its own name and line. */
    const char *places = "# test places\nA 1 0 100\nB x 0 0\nA 2 100 100\nC 99 0 0\nD 1 2\n";
    char ppath[128];
    snprintf(ppath, sizeof ppath, "%s", write_tmp("places.txt", places));
    char to[256];
    snprintf(to, sizeof to, "  places = \"%s\";\n", ppath);
    t = small_with("  places = \"" PSIM_TEST_DATA "/net/small-places.txt\";\n", to);
    s = load_text(t, NULL, 0, &d);
    CHECK(s == NULL);
    char want[256];
    snprintf(want, sizeof want, "%s:3: node_id: must be an integer node id (got 'x')", ppath);
    CHECK(has_msg(d, want));
    snprintf(want, sizeof want, "%s:4: place 'A' is defined twice", ppath);
    CHECK(has_msg(d, want));
    snprintf(want, sizeof want, "%s:5: node_id: node 99 is not in the network file", ppath);
    CHECK(has_msg(d, want));
    snprintf(want, sizeof want, "%s:6: expected '<name> <node_id> <x_m> <y_m>' (got 3 fields)",
             ppath);
    CHECK(has_msg(d, want));
    diag_destroy(d);
    free(t);
}

/* A network node outside every zone, and a network that fails to load: its own errors, and
 * no follow-on errors from the stages that need it. */
static void test_network_problems(void)
{
    const char *netx = "patrolsim-network 1\nclass s 10 1.5\nnode 1 0 0 North\nnode 2 100 0 South\n"
                       "node 3 200 0\nroad 1 2 100 s\nroad 2 3 100 s\n";
    char npath[128];
    snprintf(npath, sizeof npath, "%s", write_tmp("orphan.txt", netx));
    char to[256];
    snprintf(to, sizeof to, "\"%s\"", npath);
    char *t = small_with("\"" SMALL_NET "\"", to);
    char *t2 = replace(t, "node = 10;", "node = 2;");
    char *t3 = replace(t2, "  places = \"" PSIM_TEST_DATA "/net/small-places.txt\";\n", "");
    char *t4 = replace(t3, "node = \"North-station\";", "node = 1;");
    char *t5 = replace(t4, "node = \"Market\";", "node = 2;");
    diag *d;
    scenario *s = load_text(t5, NULL, 0, &d);
    CHECK(s == NULL);
    CHECK(has_msg(d, "network.file: 1 node of the network has no zone (ids: 3): every node must be "
                     "in a listed zone"));
    CHECK_EQ(diag_count(d), 1);
    diag_destroy(d);
    free(t);
    free(t2);
    free(t3);
    free(t4);
    free(t5);

    /* A broken network: net_load's messages, nothing about nodes or zones. */
    snprintf(npath, sizeof npath, "%s",
             write_tmp("broken.txt", "patrolsim-network 1\nclass s 10 1.5\nnode 1 0 0 North\n"
                                     "road 1 7 100 s\n"));
    snprintf(to, sizeof to, "\"%s\"", npath);
    t = small_with("\"" SMALL_NET "\"", to);
    s = load_text(t, NULL, 0, &d);
    CHECK(s == NULL);
    CHECK(diag_count(d) >= 1);
    for (size_t i = 0; i < diag_count(d); i++)
        CHECK(strstr(diag_message(d, i), "broken.txt"));
    diag_destroy(d);
    free(t);
}

/* Utilisation and its warnings. small.cfg's forces are on duty 108 unit-hours a day; a call
 * takes 1200 unit-seconds on average (an assault needs 2 cars of 2 for 3 officers), and with
 * travel disabled nothing more: 300 calls a day give 0.93, 400 give 1.23. */
static void print_report(const char *per_day, char *report, size_t size)
{
    char *t = small_with("travel : { enabled = true; };", "travel : { enabled = false; };");
    const char *sets[] = {per_day};
    diag *d;
    scenario *s = load_text(t, sets, 1, &d);
    diag_print(d, stderr);
    CHECK(s != NULL);
    report[0] = '\0';
    if (s) {
        FILE *f = tmpfile();
        scen_print_check(s, f);
        rewind(f);
        size_t n = fread(report, 1, size - 1, f);
        report[n] = '\0';
        fclose(f);
    }
    scen_destroy(s);
    diag_destroy(d);
    free(t);
}

static void test_check_warning(void)
{
    char report[16384];
    print_report("calls.per_day=300", report, sizeof report);
    CHECK(strstr(report, "travel: disabled") != NULL);
    CHECK(strstr(report, "mean travel to a call: 0 s") != NULL);
    CHECK(strstr(report, "work offered: 100 unit-hours per day; on duty: 108 unit-hours") != NULL);
    CHECK(strstr(report, "utilisation: 0.93") != NULL);
    CHECK(strstr(report, "WARNING: utilisation 0.93 >= 0.9") != NULL);
    CHECK(strstr(report, "unstable") == NULL);
    print_report("calls.per_day=400", report, sizeof report);
    CHECK(strstr(report, "utilisation: 1.23") != NULL);
    CHECK(strstr(report, "the system is unstable: calls arrive faster than units can serve "
                         "them") != NULL);
    if (check_failures) fputs(report, stderr);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_scenario.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_good();
    test_call_rate_and_shifts();
    test_quantiles();
    test_overrides();
    test_many_errors();
    test_error_kinds();
    test_network_problems();
    test_check_warning();
    const char *files[] = {"t.cfg", "places.txt", "orphan.txt", "broken.txt"};
    for (size_t i = 0; i < 4; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    return CHECK_DONE();
}
