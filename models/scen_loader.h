/* scen_loader.h - internal to the scenario loader: the state shared by its
 * files (scenario.c reads the calls, zones and forces of issue 2; scen_forces.c
 * the posts, patrol lines, community patrols, cameras and grid cells) and the
 * checked readers they all use. Each reader reports what is wrong with a value
 * and returns false; a value that is missing or of the wrong type was already
 * reported by the structural check (scen_schema.c) and only returns false.
 */
#ifndef PATROLSIM_SCEN_LOADER_H
#define PATROLSIM_SCEN_LOADER_H

#include <libconfig.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>

#include "scen_schema.h"
#include "scenario.h"

#define DAY_S          86400.0
#define MAX_UNIT_KINDS 32
#define NAMES_QUOTED   12  /* names listed in "(kinds: a, b, ...)" hints */
#define REQ            NAN /* num_key: no default, the key is required */
#define REQ_INT        LLONG_MIN
#define GAMMA_MIN_CV   0.05 /* GSL's gamma inverse fails to converge outside */
#define GAMMA_MAX_CV   2.0  /* shape 1/cv^2 in [0.25, 400]; see scen_dist_quantile */
#define LOGNORMAL_MAX_CV 10.0 /* see scenario.h, scen_dist */

/* A named node from the places file. */
typedef struct place {
    char *name;
    int64_t id;
} place;

/* A route from the routes file: a street line or a community patrol line. */
typedef struct route_def {
    char *name;
    int community;     /* 1: a community line (its waypoints are check-in points) */
    char *zone;        /* community lines: the community's zone name */
    net_mode mode;
    int loop;
    uint32_t *wp;      /* waypoints, node indices */
    size_t n_wp;
    int line;          /* line in the file */
} route_def;

typedef struct loader {
    sc_ctx c;
    scenario *s;
    const config_setting_t *root;
    char *dir;         /* the scenario file's directory, "" for the current one */
    bool places_given; /* network.places is set */
    bool places_ok;    /* ... and the file loaded without errors */
    char *places_path;
    place *places;
    size_t n_places;
    int *zk_targets;    /* [n_zone_kinds] values in target_s, -1 when unusable */
    bool priorities_ok; /* every incident type has a valid priority */
    bool zones_ok;      /* every zone has a usable name */
    route_def *routes;  /* network.routes, when given */
    size_t n_routes;
    bool routes_given, routes_ok;
    char *routes_path;
    int *line_route;    /* [s->n_lines] index into routes */
    double *line_speed; /* [s->n_lines] patrol speed factor */
    /* Positions (scen_geo.c): node references given as lon/lat or x/y snap to
     * the nearest node, at most max_snap_m away; the index is built on first use. */
    struct snap_index *snap;
    double max_snap_m;
    bool max_snap_ok;   /* network.max_snap_m is usable */
    bool zones_geo_bad; /* network.zones_geojson failed (reported): zones are not matched */
} loader;

enum { OPEN_LO = 1, OPEN_HI = 2 }; /* in_range, num_key: exclude the bound */

char *xstrdup(const char *s);
char *resolve(const loader *L, const char *rel);
void add_input(loader *L, const char *path, const char *bytes, size_t len);
char *read_input(loader *L, const config_setting_t *at, const char *path, size_t max_bytes,
                 size_t *len);
const config_setting_t *elem(const config_setting_t *list, size_t i);
void list_names(const config_setting_t *list, const char *key, char *buf, size_t n);
int find_named(const config_setting_t *list, const char *key, const char *name);
void check_unique(loader *L, const config_setting_t *list, const char *key, const char *what);
bool in_range(loader *L, const config_setting_t *at, double x, double lo, double hi,
                     int open);
bool num_key(loader *L, const config_setting_t *g, const char *key, double def, double lo,
                    double hi, int open, double *out);
bool int_key(loader *L, const config_setting_t *g, const char *key, long long def,
                    long long lo, long long hi, long long *out);
bool str_key(loader *L, const config_setting_t *g, const char *key, const char **out);
int word_key(loader *L, const config_setting_t *g, const char *key, int def,
                    const char *const *words, size_t n);
const config_setting_t *top_list(loader *L, const char *key, bool nonempty, size_t *n);
bool read_dist(loader *L, const config_setting_t *g, scen_dist *out);
int kind_index(const scenario *s, const char *k);

/* scen_geo.c: where things are. read_network_geo reads network.max_snap_m and
 * the GeoJSON zones (which replace the network file's zone labels) right after
 * the network; read_node resolves a node reference (`node` = an id or a place
 * name, or `lonlat` / `xy_m` = a position snapped to the nearest node);
 * read_cells_geojson makes the grid cells of network.cells_geojson. */
void read_network_geo(loader *L);
bool read_node(loader *L, const config_setting_t *g, uint32_t *out);
void read_cells_geojson(loader *L, const config_setting_t *at, const char *rel);
void loader_geo_fini(loader *L);

/* scen_forces.c: read after the units (they append line units) and, for the
 * routes, after the travel model is built. */
void read_posts(loader *L);
void read_unit_extras(loader *L, const config_setting_t *e, scen_unit *u);
void read_lines(loader *L);
void read_cameras(loader *L);
void read_coverage(loader *L);
int build_routes(loader *L);
void collect_line_kinds(loader *L);
void loader_forces_fini(loader *L);

/* trace.c: the `incidents` group, a call history to replay; read after the
 * network and the incident types. It may set run's horizon and start weekday. */
void read_incidents(loader *L);

/* scen_reserve.c: major incidents, reserve tiers, pull-back policy; read after
 * the lines (tiers name unit kinds and groups). */
void read_reserve(loader *L);
void scen_reserve_fini(scen_reserve *r);

#endif
