/* mkhistory.c - writes a synthetic call history over the Ziliujing map.
 *
 *     mkhistory <network.txt> <places.txt> <output.csv>
 *     (e.g. build/scenarios/mkhistory scenarios/ziliujing/network.txt
 *           scenarios/ziliujing/places.txt scenarios/ziliujing/history-2016-sample.csv)
 *
 * No real call data of the district are public, so this program makes the kind
 * of export a dispatch system gives, for the walk-through of scenarios/README.md
 * ("Call history files"): 28 days of calls, 1-28 March 2016, drawn from the call
 * model of scenarios/ziliujing.cfg as it stood when the file was made:
 *
 *   - 160 calls a day on average, rate by hour of day and weekday (the arrays
 *     below), a Poisson process constant within each hour;
 *   - places: a zone or a hotspot by weight (the 26 zones and 4 hotspots of the
 *     scenario), then a node uniformly among the zone's nodes or those within
 *     the hotspot's radius; the position written is the node's moved by up to
 *     30 m in a random direction (a geocoded address is not a street corner);
 *   - 7 incident types by share, with their priority, and a time on scene drawn
 *     from the type's distribution (gamma or lognormal), written in minutes
 *     with one decimal; 4% of the rows leave it empty (not recorded).
 *
 * Columns: id (a call number), time (ISO 8601 local time, to the second), x_m,
 * y_m, type, priority, onscene_min, station (the subdistrict, from the zone's
 * name): id and station are there to show that `patrolsim fit` ignores columns
 * it does not know.
 *
 * Deterministic: one random stream (rng.h) with a fixed seed, draws in a fixed
 * order, values rounded before they are printed; the same bytes on every run.
 * Change this program, never the generated file (a test regenerates it).
 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "history.h"
#include "net.h"
#include "rng.h"

#define MKH_SEED     20160301ULL
#define MKH_DAYS     28
#define MKH_PER_DAY  160.0
#define MKH_JITTER_M 30.0
#define MKH_NO_SCENE 0.04

static const double mkh_hourly[24] = {0.75, 0.60, 0.45, 0.35, 0.30, 0.35, 0.55, 0.80,
                                      1.00, 1.10, 1.15, 1.20, 1.20, 1.15, 1.15, 1.20,
                                      1.25, 1.30, 1.40, 1.50, 1.50, 1.45, 1.25, 1.00};
static const double mkh_weekly[7] = {0.95, 0.93, 0.95, 0.97, 1.07, 1.12, 1.01};

static const struct {
    const char *name;
    double weight;
} mkh_zones[] = {
    {"Wuxingjie-1", 1.6},  {"Wuxingjie-2", 1.5},  {"Wuxingjie-3", 1.4},  {"Wuxingjie-4", 1.3},
    {"Wuxingjie-5", 1.2},  {"Wuxingjie-6", 1.1},  {"Wuxingjie-7", 1.0},  {"Xinjie-1", 1.2},
    {"Xinjie-2", 1.1},     {"Xinjie-3", 1.0},     {"Xinjie-4", 0.9},     {"Dongxingsi-1", 1.0},
    {"Dongxingsi-2", 0.9}, {"Dongxingsi-3", 0.8}, {"Dongxingsi-4", 0.8}, {"Guojiaao-1", 1.0},
    {"Guojiaao-2", 0.9},   {"Guojiaao-3", 0.8},   {"Guojiaao-4", 0.7},   {"Tanmulin-1", 1.0},
    {"Tanmulin-2", 0.9},   {"Tanmulin-3", 0.8},   {"Tanmulin-4", 0.7},   {"Zhongquan", 0.9},
    {"Rongbian", 0.8},     {"Qishu", 0.6},
};
enum { MKH_N_ZONES = sizeof mkh_zones / sizeof mkh_zones[0] };

static const struct {
    const char *place;
    double radius_m, weight;
} mkh_hotspots[] = {
    {"Dongfang-Square", 300, 1.5},
    {"Railway-Station", 400, 1.5},
    {"Tanmulin-Stadium", 300, 0.8},
    {"Guangda-Street", 250, 0.8},
};
enum { MKH_N_HOT = sizeof mkh_hotspots / sizeof mkh_hotspots[0] };

static const struct {
    const char *name;
    int priority;
    double share;
    int gamma; /* else lognormal */
    double mean_s, sd_s;
} mkh_types[] = {
    {"violence", 1, 0.07, 1, 3600, 1800},         {"theft_in_progress", 1, 0.05, 0, 2400, 1200},
    {"traffic_accident", 2, 0.20, 0, 2700, 1500}, {"dispute", 2, 0.25, 0, 2400, 1200},
    {"theft_report", 3, 0.18, 0, 1800, 900},      {"public_order", 3, 0.15, 0, 1200, 600},
    {"assistance", 3, 0.10, 0, 1500, 900},
};
enum { MKH_N_TYPES = sizeof mkh_types / sizeof mkh_types[0] };

/* Index drawn from weights w[0..n) with one uniform. */
static int mkh_pick(const double *w, int n, double u)
{
    double total = 0, acc = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    for (int i = 0; i < n; i++) {
        acc += w[i];
        if (u * total < acc) return i;
    }
    return n - 1;
}

/* The node of a place in places.txt, or -1. */
static int64_t mkh_place_node(const char *path, const char *name)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512], pname[256];
    long long id;
    int64_t found = -1;
    while (fgets(line, sizeof line, f))
        if (line[0] != '#' && sscanf(line, "%255s %lld", pname, &id) == 2 &&
            strcmp(pname, name) == 0)
            found = id;
    fclose(f);
    return found;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mkhistory <network.txt> <places.txt> <output.csv>\n");
        return 2;
    }
    diag *d = diag_create();
    net *g = net_load(argv[1], d);
    if (!g) {
        diag_print(d, stderr);
        return 2;
    }
    /* The nodes of each source: zones, then hotspots. */
    int n_src = MKH_N_ZONES + MKH_N_HOT;
    double w[MKH_N_ZONES + MKH_N_HOT];
    uint32_t *nodes[MKH_N_ZONES + MKH_N_HOT];
    size_t n_nodes[MKH_N_ZONES + MKH_N_HOT];
    for (int s = 0; s < n_src; s++) {
        nodes[s] = malloc(g->n_nodes * sizeof *nodes[s]);
        n_nodes[s] = 0;
        int32_t zone = -1;
        int64_t centre = -1;
        if (s < MKH_N_ZONES) {
            w[s] = mkh_zones[s].weight;
            zone = net_zone_index(g, mkh_zones[s].name);
        } else {
            w[s] = mkh_hotspots[s - MKH_N_ZONES].weight;
            centre = mkh_place_node(argv[2], mkh_hotspots[s - MKH_N_ZONES].place);
        }
        int32_t c = centre >= 0 ? net_node_index(g, centre) : -1;
        for (uint32_t v = 0; v < g->n_nodes; v++) {
            bool in = zone >= 0 ? g->nodes[v].zone == zone
                      : c >= 0  ? hypot(g->nodes[v].x_m - g->nodes[c].x_m,
                                        g->nodes[v].y_m - g->nodes[c].y_m) <=
                                     mkh_hotspots[s - MKH_N_ZONES].radius_m
                               : false;
            if (in) nodes[s][n_nodes[s]++] = v;
        }
        if (n_nodes[s] == 0) {
            fprintf(stderr, "mkhistory: %s has no nodes in %s\n",
                    s < MKH_N_ZONES ? mkh_zones[s].name : mkh_hotspots[s - MKH_N_ZONES].place,
                    argv[1]);
            return 2;
        }
    }
    double tw[MKH_N_TYPES];
    for (int t = 0; t < MKH_N_TYPES; t++)
        tw[t] = mkh_types[t].share;
    double mean_h = 0, mean_w = 0;
    for (int k = 0; k < 24; k++)
        mean_h += mkh_hourly[k] / 24;
    for (int k = 0; k < 7; k++)
        mean_w += mkh_weekly[k] / 7;

    FILE *f = fopen(argv[3], "w");
    if (!f) {
        perror(argv[3]);
        return 1;
    }
    fprintf(f, "# history-2016-sample.csv - a SYNTHETIC call history of Ziliujing district, 1-28 "
               "March 2016,\n# made by scenarios/tools/mkhistory.c from the call model of "
               "scenarios/ziliujing.cfg (no real\n# call data are public). Do not edit: "
               "regenerate. Format: scenarios/README.md, \"Call history files\".\n");
    fprintf(f, "id,time,x_m,y_m,type,priority,onscene_min,station\n");
    gsl_rng *r = rng_stream_create(MKH_SEED, 0, 0);
    const int y0 = 2016, m0 = 3, d0 = 1;
    int wd0 = history_weekday(y0, m0, d0);
    long id = 0;
    for (int day = 0; day < MKH_DAYS; day++) {
        int wd = (wd0 + day) % 7;
        for (int hour = 0; hour < 24; hour++) {
            double mu = MKH_PER_DAY / 24 * mkh_hourly[hour] / mean_h * mkh_weekly[wd] / mean_w;
            unsigned n = gsl_ran_poisson(r, mu);
            double *t = malloc((n ? n : 1) * sizeof *t);
            for (unsigned i = 0; i < n; i++)
                t[i] = floor(3600 * gsl_rng_uniform(r));
            /* Calls within the hour in time order (an insertion sort: n is small). */
            for (unsigned i = 1; i < n; i++)
                for (unsigned j = i; j > 0 && t[j - 1] > t[j]; j--) {
                    double x = t[j];
                    t[j] = t[j - 1];
                    t[j - 1] = x;
                }
            for (unsigned i = 0; i < n; i++) {
                int s = mkh_pick(w, n_src, gsl_rng_uniform(r));
                uint32_t v = nodes[s][(size_t)(gsl_rng_uniform(r) * (double)n_nodes[s])];
                double ang = 2 * M_PI * gsl_rng_uniform(r);
                double rad = MKH_JITTER_M * sqrt(gsl_rng_uniform(r));
                double x = round((g->nodes[v].x_m + rad * cos(ang)) * 10) / 10;
                double y = round((g->nodes[v].y_m + rad * sin(ang)) * 10) / 10;
                int ty = mkh_pick(tw, MKH_N_TYPES, gsl_rng_uniform(r));
                double u = rng_uniform_pos(r), m = mkh_types[ty].mean_s, sd = mkh_types[ty].sd_s;
                double scene_s;
                if (mkh_types[ty].gamma) {
                    scene_s = gsl_cdf_gamma_Pinv(u, m * m / (sd * sd), sd * sd / m);
                } else {
                    double s2 = log(1 + sd * sd / (m * m));
                    scene_s = gsl_cdf_lognormal_Pinv(u, log(m) - s2 / 2, sqrt(s2));
                }
                bool recorded = gsl_rng_uniform(r) >= MKH_NO_SCENE;
                int sec = (int)t[i];
                int32_t z = g->nodes[v].zone;
                char station[64];
                snprintf(station, sizeof station, "%s", z >= 0 ? g->zone_names[z] : "");
                char *dash = strchr(station, '-');
                if (dash) *dash = '\0';
                fprintf(f, "ZLJ-2016-%06ld,%04d-%02d-%02dT%02d:%02d:%02d,%.1f,%.1f,%s,%d,", ++id,
                        y0, m0, d0 + day, hour, sec / 60, sec % 60, x, y, mkh_types[ty].name,
                        mkh_types[ty].priority);
                if (recorded) fprintf(f, "%.1f", fmax(0.1, round(scene_s / 6) / 10));
                fprintf(f, ",%s\n", station);
            }
            free(t);
        }
    }
    gsl_rng_free(r);
    int bad = ferror(f) | fclose(f);
    for (int s = 0; s < n_src; s++)
        free(nodes[s]);
    net_destroy(g);
    diag_destroy(d);
    if (bad) {
        perror(argv[3]);
        return 1;
    }
    printf("mkhistory: wrote %ld calls to %s\n", id, argv[3]);
    return 0;
}
