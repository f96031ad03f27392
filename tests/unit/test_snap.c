/* test_snap.c - nearest-node queries against brute force; the local projection; the
 * network file's origin record.
 *
 * The grid index must give exactly the brute-force answer, ties included (the
 * lower index wins), for points on the map, between its nodes, far outside it,
 * and for degenerate sets (one point, points on a line, duplicates).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "geo.h"
#include "net.h"
#include "snap.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static double rnd(void) /* splitmix64 -> [0, 1) */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static long brute(size_t n, const double *x, const double *y, double qx, double qy, double *d)
{
    long best = -1;
    double bd = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double dd = hypot(x[i] - qx, y[i] - qy);
        if (dd < bd) {
            bd = dd;
            best = (long)i;
        }
    }
    *d = bd;
    return best;
}

/* Compares the index with brute force on `queries` points spread over
 * [lo, hi]^2; returns the number of mismatches. */
static int compare(size_t n, const double *x, const double *y, int queries, double lo, double hi)
{
    snap_index *s = snap_create_points(n, x, y, sizeof x[0]);
    CHECK(s != NULL);
    int bad = 0;
    for (int q = 0; q < queries; q++) {
        double qx = lo + (hi - lo) * rnd(), qy = lo + (hi - lo) * rnd();
        if (q % 7 == 0 && n > 0) { /* exactly on a node, or half-way between two */
            size_t i = (size_t)(rnd() * (double)n), j = (size_t)(rnd() * (double)n);
            qx = q % 14 ? x[i] : (x[i] + x[j]) / 2;
            qy = q % 14 ? y[i] : (y[i] + y[j]) / 2;
        }
        double d1, d2;
        long a = snap_nearest(s, qx, qy, &d1), b = brute(n, x, y, qx, qy, &d2);
        /* Brute force scans in index order with '<': it keeps the lowest index of a tie. */
        if (a != b || fabs(d1 - d2) > 1e-9 * (1 + d2)) {
            if (bad < 5)
                fprintf(stderr,
                        "  query (%g, %g): index %ld at %.9g m, brute force %ld at %.9g m\n", qx,
                        qy, a, d1, b, d2);
            bad++;
        }
    }
    snap_destroy(s);
    return bad;
}

static void test_random(void)
{
    enum { N = 5000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    /* A city: clustered points, some on a coarse 10 m lattice to make ties. */
    for (int i = 0; i < N; i++) {
        double cx = (i % 5) * 2000.0, cy = (i % 3) * 1500.0;
        x[i] = cx + 800 * (rnd() - 0.5);
        y[i] = cy + 800 * (rnd() - 0.5);
        if (i % 4 == 0) {
            x[i] = 10 * round(x[i] / 10);
            y[i] = 10 * round(y[i] / 10);
        }
    }
    CHECK_EQ(compare(N, x, y, 20000, -500, 9000), 0);
    CHECK_EQ(compare(N, x, y, 2000, -1e6, 1e6), 0); /* mostly far outside */
    CHECK_EQ(compare(50, x, y, 2000, -1000, 9000), 0);
    /* Degenerate sets. */
    double lx[100], ly[100];
    for (int i = 0; i < 100; i++) {
        lx[i] = i * 7.5;
        ly[i] = 3.0;
    }
    CHECK_EQ(compare(100, lx, ly, 2000, -100, 900), 0);
    for (int i = 0; i < 100; i++)
        lx[i] = ly[i] = 1.0; /* all the same point: index 0 wins */
    CHECK_EQ(compare(100, lx, ly, 500, -10, 10), 0);
    CHECK_EQ(compare(1, x, y, 500, -1e4, 1e4), 0);
    free(x);
    free(y);

    snap_index *s = snap_create_points(0, NULL, NULL, sizeof(double));
    double d;
    CHECK_EQ(snap_nearest(s, 1, 2, &d), -1);
    CHECK(isinf(d));
    snap_destroy(s);
    snap_destroy(NULL);
    double one = 5;
    s = snap_create_points(1, &one, &one, sizeof one);
    CHECK_EQ(snap_nearest(s, NAN, 2, &d), -1);
    CHECK_EQ(snap_nearest(s, 8, 9, &d), 0);
    CHECK_NEAR(d, 5, 1e-12);
    snap_destroy(s);
}

static void test_net(void)
{
    diag *d = diag_create();
    net *g = net_load(PSIM_TEST_DATA "/net/small.txt", d);
    CHECK(g != NULL);
    if (g) {
        snap_index *s = snap_create(g);
        double dist;
        long v = snap_nearest(s, 210, 95, &dist);
        CHECK(v >= 0 && g->nodes[v].id == 3);
        CHECK_NEAR(dist, hypot(10, 5), 1e-9);
        v = snap_nearest(s, 150, 50, &dist); /* equidistant from 2, 3, 7, 8: the first */
        CHECK(v >= 0 && g->nodes[v].id == 2);
        snap_destroy(s);
    }
    net_destroy(g);
    diag_destroy(d);
}

/* The WGS84 distance of two nearby points by the mid-latitude formula: radii of
 * curvature at the mean latitude. Its own error is of the second order in the
 * separation (about 1e-6 at 10 km), far below what is checked here. */
static double ellipsoid_distance_m(double lon1, double lat1, double lon2, double lat2)
{
    double f = 1 / 298.257223563, e2 = f * (2 - f), a = 6378137.0, rad = M_PI / 180;
    double s = sin((lat1 + lat2) / 2 * rad), w = sqrt(1 - e2 * s * s);
    double n = a / w, m = a * (1 - e2) / (w * w * w);
    double dy = m * (lat2 - lat1) * rad,
           dx = n * cos((lat1 + lat2) / 2 * rad) * (lon2 - lon1) * rad;
    return hypot(dx, dy);
}

static void test_geo(void)
{
    /* Round trips, and distances from the origin against the ellipsoid: the error
     * claimed in geo.h (under 0.1% within 10 km at 30 degrees, 0.14% at 40). */
    const double lats[] = {29.35, 40.0, -33.9};
    const double lims[] = {0.001, 0.0015, 0.0012};
    for (int k = 0; k < 3; k++) {
        geo_proj p;
        geo_proj_init(&p, 104.78, lats[k]);
        double worst = 0;
        for (int i = 0; i < 400; i++) {
            double ang = rnd() * 2 * M_PI, r = 10000 * sqrt(rnd());
            double x = r * cos(ang), y = r * sin(ang), lon, lat, x2, y2;
            geo_proj_inverse(&p, x, y, &lon, &lat);
            geo_proj_forward(&p, lon, lat, &x2, &y2);
            CHECK_NEAR(x2, x, 1e-6);
            CHECK_NEAR(y2, y, 1e-6);
            if (r < 100) continue;
            double gc = ellipsoid_distance_m(104.78, lats[k], lon, lat);
            double err = fabs(r - gc) / gc;
            if (err > worst) worst = err;
        }
        /* East-west, 10 km from the origin's parallel: the worst case. */
        double lon1, lat1, lon2, lat2;
        geo_proj_inverse(&p, -500, 10000, &lon1, &lat1);
        geo_proj_inverse(&p, 500, 10000, &lon2, &lat2);
        double ew = fabs(1000 - ellipsoid_distance_m(lon1, lat1, lon2, lat2)) / 1000;
        CHECK(ew > 0.5 * lims[k]); /* the error is real, and of the size claimed */
        if (ew > worst) worst = ew;
        if (!(worst < lims[k]))
            fprintf(stderr, "  lat %g: worst relative error %g\n", lats[k], worst);
        CHECK(worst < lims[k]);
    }
    /* The antimeridian: continuous across it. */
    geo_proj p;
    geo_proj_init(&p, 179.999, 10);
    double x, y;
    geo_proj_forward(&p, -179.999, 10, &x, &y);
    CHECK_NEAR(x, 0.002 * p.m_per_deg_lon, 1e-6);
    CHECK(geo_lonlat_is_valid(104.7, 29.3));
    CHECK(!geo_lonlat_is_valid(29.3, 104.7));
    CHECK(!geo_lonlat_is_valid(NAN, 0));
}

static net *text_load(const char *text, char path[64], diag *d)
{
    snprintf(path, 64, "/tmp/test_snap_XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return net_load(path, d);
}

static void test_origin_record(void)
{
    char path[64];
    diag *d = diag_create();
    net *g = text_load("patrolsim-network 1\norigin 104.78 29.35\nclass s 10 1\nnode 1 0 0\n"
                       "node 2 100 0\nroad 1 2 100 s\n",
                       path, d);
    CHECK(g != NULL);
    if (g) {
        CHECK_NEAR(g->origin_lon_deg, 104.78, 1e-12);
        CHECK_NEAR(g->origin_lat_deg, 29.35, 1e-12);
    }
    net_destroy(g);
    unlink(path);
    g = text_load("patrolsim-network 1\nclass s 10 1\nnode 1 0 0\nnode 2 100 0\nroad 1 2 100 s\n",
                  path, d);
    CHECK(g && isnan(g->origin_lon_deg) && isnan(g->origin_lat_deg));
    net_destroy(g);
    unlink(path);
    CHECK_EQ(diag_count(d), 0);
    g = text_load("patrolsim-network 1\norigin 29.35 104.78\norigin 1 2\norigin 1\nclass s 10 1\n"
                  "node 1 0 0\nnode 2 100 0\nroad 1 2 100 s\n",
                  path, d);
    CHECK(g == NULL);
    char want[3][160];
    snprintf(want[0], 160, "%s:2: origin.lat_deg: must be in [-85, 85] degrees (got 104.78)", path);
    snprintf(want[1], 160, "%s:3: origin: the origin is already given", path);
    snprintf(want[2], 160, "%s:4: origin: expected <lon_deg> <lat_deg> (got 1 field)", path);
    for (int k = 0; k < 3; k++) {
        int found = 0;
        for (size_t i = 0; i < diag_count(d); i++)
            found += strncmp(diag_message(d, i), want[k], strlen(want[k])) == 0;
        if (!found) {
            fprintf(stderr, "  missing: %s\n", want[k]);
            diag_print(d, stderr);
        }
        CHECK_EQ(found, 1);
    }
    unlink(path);
    diag_destroy(d);
}

int main(void)
{
    test_random();
    test_net();
    test_geo();
    test_origin_record();
    return CHECK_DONE();
}
