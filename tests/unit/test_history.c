/* test_history.c - reading call histories: good files in every accepted form, and
 * bad rows, each reported at its own line and column.
 *
 * The network is tests/data/net/small.txt (nodes 1-5 at y = 100 in zone North,
 * 6-10 at y = 0 in South, 100 m apart) or the same with an origin record, so
 * that lon/lat positions can be placed.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "geo.h"
#include "history.h"
#include "net.h"

static void temp_write(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/test_history_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/* True when a message starts with "<path>:<line>: <rest>" (line 0: "<path>: <rest>"). */
static bool diag_has(const diag *d, const char *path, int line, const char *rest)
{
    char head[512];
    if (line > 0)
        snprintf(head, sizeof head, "%s:%d: %s", path, line, rest);
    else
        snprintf(head, sizeof head, "%s: %s", path, rest);
    for (size_t i = 0; i < diag_count(d); i++)
        if (strncmp(diag_message(d, i), head, strlen(head)) == 0) return true;
    fprintf(stderr, "  no message \"%s...\"; got:\n", head);
    diag_print(d, stderr);
    return false;
}

static net *small_net(void)
{
    diag *d = diag_create();
    net *g = net_load(PSIM_TEST_DATA "/net/small.txt", d);
    if (!g) diag_print(d, stderr);
    diag_destroy(d);
    return g;
}

static history *load(const char *text, const net *g, const history_opts *o, char path[64], diag **d)
{
    temp_write(path, text);
    *d = diag_create();
    history_opts def;
    history_opts_init(&def);
    return history_load(path, g, o ? o : &def, *d);
}

static void test_good(void)
{
    net *g = small_net();
    CHECK(g != NULL);
    char path[64];
    diag *d;
    /* Out of order, mixed position columns, quoted fields, comments, a BOM, CRLF. */
    const char *text = "\xEF\xBB\xBF# a comment\r\n"
                       "\r\n"
                       "Time,TYPE,node,x_m,y_m,priority,onscene_min,note\r\n"
                       "2016-03-02 10:00,dispute,3,,,2,35.5,\"said \"\"hello\"\", left\"\r\n"
                       "2016-03-01T23:59:59.5,theft,,205,92,,,\r\n"
                       "# another comment\r\n"
                       "2016-03-01T08:15,dispute,,398,3,1,,\"two\r\nlines\"\r\n"
                       "2016-03-03T00:00:00,theft,7,,,3,10,\r\n";
    history *h = load(text, g, NULL, path, &d);
    CHECK(h != NULL);
    if (h) {
        CHECK_EQ(h->n_calls, 4);
        CHECK(h->iso_times);
        CHECK_EQ(h->day0_year, 2016);
        CHECK_EQ(h->day0_month, 3);
        CHECK_EQ(h->day0_day, 1);
        CHECK_EQ(h->start_weekday, 1); /* 1 March 2016 was a Tuesday */
        CHECK_NEAR(h->days, 3, 0);
        CHECK_EQ(h->n_types, 2);
        CHECK_STR(h->type_names[0], "dispute"); /* in order of first appearance in the file */
        CHECK_STR(h->type_names[1], "theft");
        CHECK_STR(h->ignored, "note");
        CHECK(h->has_priority && h->has_onscene);
        /* Sorted by time. */
        CHECK_NEAR(h->calls[0].t_s, 8 * 3600 + 15 * 60, 1e-9);
        CHECK_EQ(h->calls[0].line, 7);
        CHECK_EQ(g->nodes[h->calls[0].node].id, 10); /* (398, 3) is 3.6 m from node 10 */
        CHECK_NEAR(h->calls[1].t_s, 86399.5, 1e-9);
        CHECK_EQ(g->nodes[h->calls[1].node].id, 3);
        CHECK_NEAR(h->calls[1].snap_m, hypot(5, 8), 1e-9);
        CHECK(isnan(h->calls[1].onscene_s));
        CHECK_EQ(h->calls[1].priority, 0);
        CHECK_NEAR(h->calls[2].t_s, 86400 + 36000, 1e-9);
        CHECK_EQ(h->calls[2].line, 4);
        CHECK_EQ(h->calls[2].type, 0);
        CHECK_EQ(h->calls[2].priority, 2);
        CHECK_NEAR(h->calls[2].onscene_s, 35.5 * 60, 1e-9);
        CHECK_EQ(g->nodes[h->calls[2].node].id, 3);
        CHECK_NEAR(h->calls[2].snap_m, 0, 0);
        /* The quoted line break: the next row is on line 9. */
        CHECK_EQ(h->calls[3].line, 9);
        CHECK_EQ(g->nodes[h->calls[3].node].id, 7);
    }
    history_destroy(h);
    diag_destroy(d);
    unlink(path);

    /* Seconds, the caller's types (indices follow them), a given weekday and length. */
    const char *types[] = {"theft", "dispute", "fire"};
    history_opts o;
    history_opts_init(&o);
    o.type_names = types;
    o.n_types = 3;
    o.start_weekday = 4;
    o.days = 7;
    h = load("time,type,node\n600,dispute,1\n0,fire,10\n604799,theft,2\n", g, &o, path, &d);
    CHECK(h != NULL);
    if (h) {
        CHECK(!h->iso_times);
        CHECK_EQ(h->start_weekday, 4);
        CHECK_NEAR(h->days, 7, 0);
        CHECK_EQ(h->n_types, 3);
        CHECK_EQ(h->calls[0].type, 2);
        CHECK_EQ(h->calls[1].type, 1);
        CHECK_EQ(h->calls[2].type, 0);
        CHECK(!h->has_priority && !h->has_onscene);
    }
    history_destroy(h);
    diag_destroy(d);
    unlink(path);

    /* Without a network positions are only checked for form. */
    h = load("time,type,lon,lat\n100,a,104.78,29.35\n", NULL, NULL, path, &d);
    CHECK(h != NULL && h->calls[0].node == -1 && isnan(h->calls[0].snap_m));
    history_destroy(h);
    diag_destroy(d);
    unlink(path);
    net_destroy(g);
}

static void test_lonlat(void)
{
    /* The small network with an origin: lon/lat positions are projected and snapped. */
    char npath[64];
    temp_write(npath, "patrolsim-network 1\norigin 104.78 29.35\nclass s 10 1.5\n"
                      "node 1 0 0\nnode 2 100 0\nnode 3 100 100\nroad 1 2 100 s\n"
                      "road 2 3 100 s\nroad 3 1 142 s\n");
    diag *d = diag_create();
    net *g = net_load(npath, d);
    CHECK(g != NULL);
    if (!g) {
        diag_print(d, stderr);
        diag_destroy(d);
        return;
    }
    geo_proj p;
    geo_proj_init(&p, 104.78, 29.35);
    double lon, lat;
    geo_proj_inverse(&p, 95, 90, &lon, &lat);
    char text[256], path[64];
    snprintf(text, sizeof text, "time,type,lon,lat\n5,a,%.7f,%.7f\n6,a,%.7f,%.7f\n", lon, lat, lat,
             lon);
    diag *d2;
    history *h = load(text, g, NULL, path, &d2);
    CHECK(h == NULL); /* the second row has lon and lat swapped */
    CHECK(diag_has(d2, path, 3, "lon, lat: not a longitude and latitude in degrees"));
    CHECK_EQ(diag_count(d2), 1);
    diag_destroy(d2);
    unlink(path);
    snprintf(text, sizeof text, "time,type,lon,lat\n5,a,%.7f,%.7f\n", lon, lat);
    h = load(text, g, NULL, path, &d2);
    CHECK(h != NULL);
    if (h) {
        CHECK_EQ(g->nodes[h->calls[0].node].id, 3);
        CHECK_NEAR(h->calls[0].snap_m, hypot(5, 10), 0.01);
    }
    history_destroy(h);
    diag_destroy(d2);
    unlink(path);
    /* Far from the map. */
    geo_proj_inverse(&p, 2000, 30, &lon, &lat);
    snprintf(text, sizeof text, "time,type,lon,lat\n5,a,%.7f,%.7f\n", lon, lat);
    h = load(text, g, NULL, path, &d2);
    CHECK(h == NULL);
    CHECK(diag_has(d2, path, 2, "lon, lat: the nearest node (2) is 1900 m away, more than 250 m"));
    diag_destroy(d2);
    unlink(path);
    net_destroy(g);
    diag_destroy(d);
    unlink(npath);
}

static void test_bad_rows(void)
{
    net *g = small_net();
    char path[64];
    diag *d;
    const char *types[] = {"theft", "dispute"};
    history_opts o;
    history_opts_init(&o);
    o.type_names = types;
    o.n_types = 2;
    const char *text = "time,type,node,x_m,y_m,lon,lat,priority,onscene_min\n" /* 1 */
                       "2016-03-01T08:00,theft,1,,,,,1,10\n"                   /* 2 good */
                       "2016-02-30T08:00,theft,1,,,,,1,10\n"                   /* 3 no such day */
                       "2016-03-01T25:00,theft,1,,,,,1,10\n"                   /* 4 hour */
                       "2016-03-01T08:00+08:00,theft,1,,,,,1,10\n"             /* 5 offset */
                       "3600,theft,1,,,,,1,10\n"                               /* 6 seconds */
                       "2016-03-01,theft,1,,,,,1,10\n"                         /* 7 no time */
                       "2016-03-01T08:00,fire,1,,,,,1,10\n"                    /* 8 unknown type */
                       "2016-03-01T08:00,,1,,,,,1,10\n"                        /* 9 no type */
                       "2016-03-01T08:00,theft,1,,,,,7,10\n"                   /* 10 priority */
                       "2016-03-01T08:00,theft,1,,,,,1.5,10\n"                 /* 11 priority */
                       "2016-03-01T08:00,theft,1,,,,,1,-3\n"                   /* 12 onscene */
                       "2016-03-01T08:00,theft,1,,,,,1,20000\n"                /* 13 onscene */
                       "2016-03-01T08:00,theft,99,,,,,1,10\n"                  /* 14 node */
                       "2016-03-01T08:00,theft,1.5,,,,,1,10\n"                 /* 15 node */
                       "2016-03-01T08:00,theft,,100,,,,1,10\n"                 /* 16 half x/y */
                       "2016-03-01T08:00,theft,,5000,100,,,1,10\n"             /* 17 far */
                       "2016-03-01T08:00,theft,,,,,,1,10\n"                    /* 18 no position */
                       "2016-03-01T08:00,theft,,,,104.7,29.3,1,10\n"           /* 19 no origin */
                       "2016-03-01T08:00,theft,1\n"                            /* 20 fields */
                       "2016-03-01T08:00,fire,1,,,,,9,-1\n";                   /* 21 three */
    history *h = load(text, g, &o, path, &d);
    CHECK(h == NULL);
    CHECK(diag_has(d, path, 3, "time: no such day in that month (got '2016-02-30T08:00')"));
    CHECK(diag_has(d, path, 4, "time: the time of day must be 00:00:00-23:59:59"));
    CHECK(diag_has(d, path, 5, "time: a time-zone offset is not accepted"));
    CHECK(diag_has(d, path, 6, "time: this file's times are dates (from line 2); got '3600'"));
    CHECK(diag_has(d, path, 7, "time: a date needs a time of day"));
    CHECK(diag_has(d, path, 8,
                   "type: unknown incident type 'fire' (the types are: theft, "
                   "dispute)"));
    CHECK(diag_has(d, path, 9, "type: missing"));
    CHECK(diag_has(d, path, 10, "priority: must be an integer 1-5 (got '7')"));
    CHECK(diag_has(d, path, 11, "priority: must be an integer 1-5 (got '1.5')"));
    CHECK(diag_has(d, path, 12, "onscene_min: must be minutes > 0"));
    CHECK(diag_has(d, path, 13, "onscene_min: must be minutes > 0 and <= 10080"));
    CHECK(diag_has(d, path, 14, "node: node 99 is not in the network"));
    CHECK(diag_has(d, path, 15, "node: node ids are integers (got '1.5')"));
    CHECK(diag_has(d, path, 16, "y_m: missing (x_m and y_m come together)"));
    CHECK(diag_has(d, path, 17, "x_m, y_m: the nearest node (5) is 4600 m away, more than 250 m"));
    CHECK(diag_has(d, path, 18, "no position: give node, x_m and y_m, or lon and lat"));
    CHECK(diag_has(d, path, 19, "lon, lat: positions in lon/lat need a network with an origin"));
    CHECK(diag_has(d, path, 20, "expected 9 fields as in the header (got 3)"));
    CHECK(diag_has(d, path, 21, "type: unknown incident type 'fire'"));
    CHECK(diag_has(d, path, 21, "priority: must be an integer 1-5 (got '9')"));
    CHECK(diag_has(d, path, 21, "onscene_min: must be minutes > 0"));
    CHECK_EQ(diag_count(d), 21);
    diag_destroy(d);
    unlink(path);

    /* Headers. */
    struct {
        const char *text, *want;
        int line;
    } hdr[] = {
        {"type,node\n1,a,1\n", "header: no 'time' column", 1},
        {"time,node\n1,1\n", "header: no 'type' column", 1},
        {"time,type,note\n1,a,x\n", "header: no position column", 1},
        {"time,type,x_m\n1,a,5\n", "header: x_m and y_m come together", 1},
        {"time,type,node,Node\n1,a,1,1\n", "node: the column appears twice (fields 3 and 4)", 1},
        {"# only a comment\n", "the call history is empty", 0},
        {"time,type,node\n", "the call history has a header but no calls", 0},
        {"time,type,node\n1,a,\"1\n", "a quoted field is not closed", 2},
    };
    for (size_t i = 0; i < sizeof hdr / sizeof hdr[0]; i++) {
        h = load(hdr[i].text, g, NULL, path, &d);
        CHECK(h == NULL);
        CHECK(diag_has(d, path, hdr[i].line, hdr[i].want));
        diag_destroy(d);
        unlink(path);
    }
    d = diag_create();
    history_opts_init(&o);
    CHECK(history_load("/nonexistent/h.csv", g, &o, d) == NULL);
    CHECK(diag_has(d, "/nonexistent/h.csv", 0, "cannot open the call history: No such file"));
    diag_destroy(d);

    /* The cap: 150 bad rows give 100 messages and a count. */
    size_t cap = 64 + 150 * 32;
    char *many = malloc(cap);
    size_t len = (size_t)snprintf(many, cap, "time,type,node\n");
    for (int i = 0; i < 150; i++)
        len += (size_t)snprintf(many + len, cap - len, "%d,a,77\n", i);
    h = load(many, g, NULL, path, &d);
    CHECK(h == NULL);
    CHECK_EQ(diag_count(d), 101);
    CHECK(diag_has(d, path, 0, "150 errors in all; the first 100 are shown"));
    diag_destroy(d);
    unlink(path);
    free(many);
    /* A call after the given length of the history. */
    history_opts_init(&o);
    o.days = 1;
    h = load("time,type,node\n100,a,1\n90000,a,2\n", g, &o, path, &d);
    CHECK(h == NULL);
    CHECK(diag_has(d, path, 3, "time: after the end of the history's 1 days"));
    diag_destroy(d);
    unlink(path);
    net_destroy(g);
}

static void test_weekday(void)
{
    CHECK_EQ(history_weekday(1970, 1, 1), 3);
    CHECK_EQ(history_weekday(2016, 11, 30), 2); /* the article's date: a Wednesday */
    CHECK_EQ(history_weekday(2000, 2, 29), 1);
    CHECK_EQ(history_weekday(2024, 1, 1), 0);
}

int main(void)
{
    test_good();
    test_lonlat();
    test_bad_rows();
    test_weekday();
    return CHECK_DONE();
}
