/* test_major_area.c - ordinary calls during major incidents vs outside, by area: the rows of one
 * replication (metrics_major_area) for hand-made calls whose split is known, and the summary's
 * table and JSON of them across replications (the paired difference). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "metrics.h"
#include "model.h"
#include "report.h"
#include "scenario.h"

static scen_zone_kind kinds[2] = {{.name = "urban"}, {.name = "township"}};
static scen_zone zones[3] = {
    {.name = "A", .kind = 0}, {.name = "B", .kind = 1}, {.name = "C", .kind = 0}};

static call_rec call(double t, int zone, int status, double resp, int prio, double target,
                     int counted)
{
    return (call_rec){.t_call_s = t,
                      .zone = zone,
                      .status = status,
                      .response_s = resp,
                      .priority = prio,
                      .target_s = target,
                      .counted = counted};
}

/* Calls of one replication: a major incident [1000, 2000) and a public event [3000, 4000). */
static void check_rows(void)
{
    scenario s;
    memset(&s, 0, sizeof s);
    s.zone_kinds = kinds;
    s.n_zone_kinds = 2;
    s.zones = zones;
    s.n_zones = 3;
    call_rec calls[] = {
        call(1100, 0, CALL_ANSWERED, 300, 1, 240, 1),   /* during, A, P1 late */
        call(1500, 1, CALL_ANSWERED, 100, 2, 600, 1),   /* during, B */
        call(1999, 2, CALL_UNANSWERED, NAN, 1, 240, 1), /* during, C, never reached */
        call(2000, 0, CALL_ANSWERED, 60, 1, 240, 1),    /* outside: the end is exclusive */
        call(3500, 1, CALL_ANSWERED, 200, 1, 600, 1),   /* outside: a public event */
        call(500, -1, CALL_ANSWERED, 50, 2, 600, 1),    /* outside, in no zone */
        call(1200, 0, CALL_ANSWERED, 999, 1, 240, 0),   /* warm-up: not counted */
    };
    major_rec majors[] = {{.rep = 4, .random = 0, .t_start_s = 1000, .t_end_s = 2000},
                          {.rep = 4, .random = 2, .t_start_s = 3000, .t_end_s = 4000}};
    rep_result r = {.rep = 4,
                    .calls = calls,
                    .n_calls = sizeof calls / sizeof calls[0],
                    .majors = majors,
                    .n_majors = 2};
    CHECK_EQ(metrics_major_area_rows(&s), 6);
    major_area_rec a[6];
    CHECK_EQ(metrics_major_area(&s, &r, a), 6);

    /* district */
    CHECK_EQ(a[0].rep, 4);
    CHECK_EQ(a[0].area_kind, AREA_DISTRICT);
    CHECK_EQ(a[0].calls_during, 3);
    CHECK_EQ(a[0].n_during, 2);
    CHECK_NEAR(a[0].response_during_s, 200, 1e-12);
    CHECK_EQ(a[0].p1_during, 1);
    CHECK_NEAR(a[0].p1_within_during, 0, 0);
    CHECK_EQ(a[0].calls_outside, 3);
    CHECK_EQ(a[0].n_outside, 3);
    CHECK_NEAR(a[0].response_outside_s, 310.0 / 3.0, 1e-12);
    CHECK_EQ(a[0].p1_outside, 2);
    CHECK_NEAR(a[0].p1_within_outside, 1, 0);
    /* urban (A and C) */
    CHECK_EQ(a[1].area_kind, AREA_ZONE_KIND);
    CHECK_EQ(a[1].area, 0);
    CHECK_EQ(a[1].calls_during, 2);
    CHECK_EQ(a[1].n_during, 1);
    CHECK_NEAR(a[1].response_during_s, 300, 0);
    CHECK_NEAR(a[1].response_outside_s, 60, 0);
    /* township (B): no priority-1 call during */
    CHECK_EQ(a[2].area, 1);
    CHECK_NEAR(a[2].response_during_s, 100, 0);
    CHECK(isnan(a[2].p1_within_during));
    CHECK_NEAR(a[2].p1_within_outside, 1, 0);
    /* zones A, B, C */
    CHECK_EQ(a[3].area_kind, AREA_ZONE);
    CHECK_EQ(a[3].area, 0);
    CHECK_NEAR(a[3].response_during_s, 300, 0);
    CHECK_NEAR(a[3].response_outside_s, 60, 0);
    CHECK_EQ(a[4].area, 1);
    CHECK_EQ(a[4].calls_outside, 1);
    CHECK_EQ(a[5].area, 2);
    CHECK_EQ(a[5].calls_during, 1);
    CHECK_EQ(a[5].n_during, 0);
    CHECK(isnan(a[5].response_during_s));
    CHECK_EQ(a[5].calls_outside, 0);
    CHECK(isnan(a[5].response_outside_s));

    /* A public event alone is no major incident: no rows. */
    r.majors = majors + 1;
    r.n_majors = 1;
    CHECK_EQ(metrics_major_area(&s, &r, a), 0);
}

/* Three replications, the district's responses during 200, 300, 400 s and outside 100, 150,
 * 200 s: differences 100, 150, 200, mean 150, sd 50, half-width t(0.975, 2) 50 / sqrt(3). Zone
 * A has a during-call in two of them only: its difference rests on 2. */
static void check_report(void)
{
    major_area_rec rows[3 * 6];
    memset(rows, 0, sizeof rows);
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 6; k++) {
            major_area_rec *a = &rows[r * 6 + k];
            a->rep = (uint32_t)r;
            a->area_kind = k == 0 ? AREA_DISTRICT : k < 3 ? AREA_ZONE_KIND : AREA_ZONE;
            a->area = k == 0 ? 0 : k < 3 ? k - 1 : k - 3;
            a->response_during_s = a->response_outside_s = NAN;
            a->p1_within_during = a->p1_within_outside = NAN;
        }
    for (int r = 0; r < 3; r++) {
        rows[r * 6].calls_during = 10 + r;
        rows[r * 6].response_during_s = 200 + 100 * r;
        rows[r * 6].response_outside_s = 100 + 50 * r;
        rows[r * 6 + 3].response_outside_s = 60;
        if (r > 0) rows[r * 6 + 3].response_during_s = 600 * r; /* zone A: 600, 1200 */
    }
    const char *zn[] = {"A", "B", "C"}, *kn[] = {"urban", "township"};
    report_major_area ma = {rows, 18, zn, 3, kn, 2, 1};
    metrics m;
    CHECK_EQ(metrics_init(&m, 1), 0);
    double *sum = calloc(3 * m.n, sizeof *sum);
    CHECK(sum != NULL);
    if (!sum) return;
    for (int r = 0; r < 3; r++)
        sum[(size_t)r * m.n] = r;
    report_info info = {.scenario = "t", .seed = 1, .replications_planned = 3, .major_area = &ma};

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(report_print_json(f, &info, &m, sum, 3), 0);
    fclose(f);
    double hw = 4.302652729749464 * 50 / sqrt(3);
    char want[256];
    CHECK(strstr(buf, "\"major_area\":{\"replications\":3,\"areas\":[{\"area_kind\":"
                      "\"district\",\"area\":0,\"name\":\"district\"") != NULL);
    const char *d = strstr(buf, "\"difference_s\":{\"mean\":150,\"ci95_low\":");
    CHECK(d != NULL);
    if (d) CHECK_NEAR(strtod(strchr(d + 30, ':') + 1, NULL), 150 - hw, 1e-9);
    const char *za = strstr(buf, "\"name\":\"A\"");
    CHECK(za && strstr(za, "\"difference_s\":{\"mean\":840,") != NULL); /* 540, 1140 */
    CHECK(za && strstr(za, "\"p_value\"") && strstr(strstr(za, "\"p_value\""), ",\"n\":2}"));
    free(buf);

    buf = NULL;
    f = open_memstream(&buf, &len);
    CHECK_EQ(report_print(f, &info, &m, sum, 3), 0);
    fclose(f);
    CHECK(strstr(buf, "over the 3 replications with a major incident") != NULL);
    snprintf(want, sizeof want, "+2.50 ± %.2f", hw / 60);
    CHECK(strstr(buf, want) != NULL);
    CHECK(strstr(buf, "  zone A ") != NULL); /* the largest difference */
    CHECK(strstr(buf, "  zone B ") == NULL); /* only 1 zone shown */
    CHECK(strstr(buf, "Zones: the 1 of 3") != NULL);
    CHECK(strstr(buf, "2 of 3") != NULL); /* zone A's n */
    if (check_failures) fputs(buf, stderr);
    free(buf);
    free(sum);
    metrics_fini(&m);
}

int main(void)
{
    check_rows();
    check_report();
    return CHECK_DONE();
}
