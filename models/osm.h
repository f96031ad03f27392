/* osm.h - OpenStreetMap import: roads of an .osm or .osm.pbf extract as a network.
 *
 * osm_import reads an extract with Debian's libreadosm (XML or PBF, chosen by
 * the file's suffix) and builds, in memory, a network that net_load accepts:
 * every node reachable from every other, by vehicle and on foot. The steps,
 * each reported in osm_stats:
 *
 *  1. Ways. A way with a `highway` tag whose value is a class of the speed table
 *     (osm_opts; defaults in osm_class_defaults, documented in scenarios/README.md
 *     "Importing OpenStreetMap") becomes road segments between consecutive nodes,
 *     with the class's speed per mode. Areas (area=yes), other highway values
 *     (construction, proposed, platform, ...) and classes whose two speeds are 0
 *     are skipped. Access tags can only take a mode away: access=no,
 *     vehicle/motor_vehicle/motorcar=no close a way to vehicles (the most specific
 *     tag wins, and =yes/designated/permissive/destination reopens it), foot=no (or
 *     access=no without foot=yes) to walkers; access=private is ignored (police go
 *     into compounds and campuses). One-way for vehicles: oneway=yes/true/1 (along
 *     the way), -1/reverse (against it), implied by junction=roundabout/circular and
 *     by the classes motorway and motorway_link unless oneway=no/false/0;
 *     oneway=reversible/alternating closes the way to vehicles (its direction
 *     changes by the hour). Walkers use every way both ways. maxspeed is not used:
 *     class speeds are typical driving speeds of a response, not limits. A way
 *     node missing from the file (a clipped extract) cuts the way there.
 *  2. Projection: lon/lat to metres with geo.h around the centre of the imported
 *     road nodes' bounding box (rounded to 1e-6 degrees), or opts.origin; x and y
 *     are rounded to 1 cm and segment lengths are the straight lines between them.
 *  3. Simplification (opts.simplify): a node that only shapes a way - exactly two
 *     neighbours, and the same class and speeds on both sides in each direction -
 *     is merged into one longer edge whose length is the sum of its parts, so
 *     lengths and travel times are exact. A closed ring keeps two nodes.
 *  4. Connectivity. The file format needs every node strongly connected for
 *     each mode, but vehicles and walkers use different ways (motorways, footways).
 *     The kept nodes K are those in both the largest strongly connected part of
 *     the vehicle graph (V) and that of the foot graph (F). Nodes in neither are
 *     dropped (disconnected pieces). Nodes in V but not F (motorways and their
 *     links) and in F but not V (footways, paths, steps, pedestrian streets) are
 *     contracted: for each kept node a with an edge into such a region, a fastest
 *     search through the region finds each kept node b it leads to, and a
 *     shortcut edge a->b for that mode only (length of the region path, speed
 *     length/time, class of the longest part) is added unless a path among kept
 *     nodes is as fast (a witness search). Fastest times between kept nodes are
 *     then exactly those of the whole network, for both modes; calls can only be
 *     placed on kept nodes, and a shortcut is drawn as a straight line.
 *  5. A second simplification over the kept nodes (a junction with a contracted
 *     footway may now only shape a street).
 *
 * Zones (osm_map_zones_assign) and places (collected in step 1, placed by
 * osm_map_places_snap) are optional extras; osm_map_write and
 * osm_map_places_write write the documented formats.
 *
 * Errors: an unreadable or malformed file, or one with no usable roads, is
 * reported into the diag ("file:line: OSM: what", the line when the XML parser
 * knows it) and osm_import returns NULL. Out of memory: NULL with a message.
 */
#ifndef PATROLSIM_OSM_H
#define PATROLSIM_OSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "geo.h"
#include "geojson.h"
#include "net.h"

#define OSM_CLASS_NAME_MAX 32

/* One road class: an OSM highway value and its speed per mode, m/s (0: that mode
 * cannot use it; both 0: the class is not imported). */
typedef struct osm_class {
    char name[OSM_CLASS_NAME_MAX];
    double speed_mps[NET_MODES];
} osm_class;

typedef struct osm_opts {
    osm_class *classes; /* the speed table, owned; osm_opts_init fills the defaults */
    size_t n_classes, cap_classes;
    bool simplify;         /* merge nodes that only shape a way (default true) */
    bool raw;              /* stop after step 2: the whole graph, lengths not rounded (tests) */
    double origin_lon_deg; /* projection origin; NaN (default): the extract's centre */
    double origin_lat_deg;
} osm_opts;

/* The default speed table (also what `patrolsim map speeds` prints). */
extern const osm_class osm_class_defaults[];
extern const size_t osm_n_class_defaults;

/* Fills the defaults. -1 when out of memory. */
int osm_opts_init(osm_opts *o);
void osm_opts_fini(osm_opts *o);

/* Sets the speeds of a class, adding it when it is new (any highway value can be
 * imported). Speeds must be in [0, 70] m/s: the caller checks. -1 out of memory. */
int osm_opts_speed_set(osm_opts *o, const char *name, double vehicle_mps, double foot_mps);

/* Parses "class=vehicle_mps,foot_mps" (as given to --speed) into o. A bad value
 * is reported into d against `where` and line (0: none); returns 0, -1 bad, -2 OOM. */
int osm_opts_speed_parse(osm_opts *o, const char *arg, const char *where, int line, diag *d);

/* Reads a speeds file: lines "<class> <vehicle_mps> <foot_mps>", '#' comments.
 * Every bad line is reported; returns 0, -1 bad input, -2 out of memory. */
int osm_opts_speeds_load(osm_opts *o, const char *path, diag *d);

/* A named place of the extract: a police station, a railway station, a square. */
typedef struct osm_place {
    char *name;       /* blank-free (blanks and '#' become '-'), unique (-2, -3 appended) */
    const char *kind; /* "police", "railway_station", "square" (static strings) */
    char osm_type;    /* 'n' node or 'w' way (then the mean of its nodes) */
    int64_t osm_id;
    double lon_deg, lat_deg, x_m, y_m;
    int32_t node;  /* nearest map node after osm_map_places_snap, -1 before or too far */
    double snap_m; /* distance to it */
} osm_place;

/* What the import kept and dropped, for the report. */
typedef struct osm_stats {
    size_t osm_nodes, osm_ways;        /* read from the file */
    size_t ways_imported;              /* highway ways that became segments */
    size_t ways_other_highway;         /* highway values not in the table */
    size_t ways_area;                  /* area=yes */
    size_t ways_no_mode;               /* closed to both modes by tags or speeds */
    size_t ways_oneway;                /* imported ways one-way for vehicles */
    size_t ways_reversible;            /* oneway=reversible/alternating: closed to vehicles */
    size_t refs_missing;               /* way node references absent from the file */
    size_t *ways_per_class;            /* [n_classes of the opts], owned by the map */
    char other_values[160];            /* the most frequent skipped highway values */
    size_t n_other_values;             /* how many distinct values were skipped */
    size_t graph_nodes, graph_edges;   /* after step 2 (directed edges) */
    size_t simple_nodes, simple_edges; /* after step 3 */
    size_t scc_vehicle, scc_foot;      /* sizes of the largest parts (after step 3) */
    size_t n_scc_vehicle, n_scc_foot;  /* numbers of parts */
    size_t dropped_disconnected;       /* in neither V nor F */
    size_t contracted_vehicle_only;    /* in V only: e.g. motorways */
    size_t contracted_foot_only;       /* in F only: e.g. footways */
    size_t shortcuts[NET_MODES];       /* shortcut edges added per mode */
    size_t witness_pruned;             /* candidate shortcuts a path among kept nodes beat */
} osm_stats;

/* An imported map. Nodes are in ascending OSM id order; edges are directed
 * (a two-way street is two edges) and index the nodes. */
typedef struct osm_map {
    char *source; /* the file it came from */
    geo_proj proj;
    size_t n_nodes;
    net_node *nodes; /* id = OSM node id; zone -1 until zones are assigned */
    size_t n_edges;
    net_edge *edges;    /* cls indexes the opts' class table */
    osm_class *classes; /* a copy of the speed table used */
    size_t n_classes;
    char **zone_names; /* after osm_map_zones_assign */
    size_t n_zones;
    osm_place *places;
    size_t n_places;
    osm_stats stats;
} osm_map;

/* Imports path (.osm or .pbf) with the options. NULL on error, with every
 * problem in d. Free with osm_map_destroy. */
osm_map *osm_import(const char *path, const osm_opts *o, diag *d);
void osm_map_destroy(osm_map *m); /* NULL is a no-op */

/* Gives every node the zone of the feature that contains it (geojson.h), or
 * the zone `outside` (e.g. "outside") when none does; *n_outside receives how
 * many. Zone names are written in the network file, where blanks separate
 * fields: blanks and '#' in names become '-'. -1 when out of memory. */
int osm_map_zones_assign(osm_map *m, const geojson_zones *z, const char *outside,
                         size_t *n_outside);

/* Snaps each place to its nearest map node; places farther than max_m keep
 * node -1 (snap_m still says how far the nearest is). Returns how many were placed, -1 when out of
 * memory. */
long osm_map_places_snap(osm_map *m, double max_m);

/* Prints the import report (what was kept, dropped, contracted) to out. */
void osm_map_report(const osm_map *m, FILE *out);

/* Writes the network file (format: scenarios/README.md "Network files"), with
 * an origin record and, when zones were assigned, a zone per node. Two-way
 * streets with equal attributes both ways are written as roads. Lengths are
 * rounded up to 1 cm, so none is shorter than the straight line. Writes
 * path.tmp and renames it. 0, or -1 with a message in d. */
int osm_map_write(const osm_map *m, const char *path, diag *d);

/* Writes the places file: "<name> <node_id> <x_m> <y_m>" of the snapped places
 * (those with a node), with the kind and OSM object in a comment. */
int osm_map_places_write(const osm_map *m, const char *path, diag *d);

#endif
