/* net.h - the road network: a directed graph with node coordinates in metres.
 *
 * Nodes carry planar coordinates (x east, y north, metres) and optionally the
 * name of the zone they belong to (a community, a township, ...). Edges are
 * directed and carry a length, a road class and a speed per travel mode; a
 * speed of 0 means that mode cannot use the edge. A two-way street is two
 * edges.
 *
 * The file format (one record per line, '#' starts a comment, fields separated
 * by blanks) is documented in scenarios/README.md:
 *
 *     patrolsim-network 1
 *     class <name> <vehicle_mps> <foot_mps>
 *     node  <id> <x_m> <y_m> [<zone>]
 *     road  <a> <b> <length_m> <class> [<vehicle_mps> <foot_mps>]   two-way
 *     edge  <from> <to> <length_m> <class> [<vehicle_mps> <foot_mps>]  one-way
 *     origin <lon_deg> <lat_deg>    optional: where x = y = 0 in WGS84 (see geo.h)
 *
 * net_load checks everything and reports every problem into a diag
 * ("file:line: field: what"): unknown records, bad numbers, duplicate or
 * undefined nodes, non-positive lengths, lengths shorter than the straight
 * line between the ends, unknown classes, absurd coordinates, and a graph that
 * is not strongly connected for each mode (an unreachable node is an error at
 * load, never a silent infinity at run time).
 *
 * A loaded net is immutable and shared read-only by all replications.
 */
#ifndef PATROLSIM_NET_H
#define PATROLSIM_NET_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef enum net_mode {
    NET_VEHICLE = 0,
    NET_FOOT = 1,
    NET_MODES = 2
} net_mode;

typedef struct net_node {
    int64_t id;      /* the id in the file, for messages and results */
    double x_m, y_m; /* planar coordinates, metres */
    int32_t zone;    /* index into net.zone_names, -1 when the file gave none */
} net_node;

typedef struct net_edge {
    uint32_t from, to;             /* dense node indices */
    double length_m;               /* > 0 */
    uint16_t cls;                  /* index into net.class_names */
    double speed_mps[NET_MODES];   /* 0: this mode cannot use the edge */
} net_edge;

typedef struct net {
    char *path;                    /* the file it came from */
    size_t n_nodes, n_edges;
    net_node *nodes;               /* [n_nodes], in file order */
    net_edge *edges;               /* [n_edges], sorted by (from, to) */
    /* Adjacency in compressed-sparse-row form, by edge index:
     * out-edges of v are out_edge[out_start[v] .. out_start[v+1]),
     * in-edges of v are in_edge[in_start[v] .. in_start[v+1]). */
    uint32_t *out_start, *out_edge;
    uint32_t *in_start, *in_edge;
    char **class_names;            /* [n_classes] */
    size_t n_classes;
    char **zone_names;             /* [n_zones], in order of first appearance */
    size_t n_zones;
    double min_x_m, min_y_m, max_x_m, max_y_m; /* bounding box */
    /* The lon/lat of x = y = 0 for the local projection of geo.h, from the
     * file's `origin` record (imported maps have one); NaN when it has none. */
    double origin_lon_deg, origin_lat_deg;
} net;

/* Reads and checks a network file. NULL on any error, with every problem
 * recorded in d. Free with net_destroy. */
net *net_load(const char *path, diag *d);
void net_destroy(net *g); /* NULL is a no-op */

/* Dense index of the node with file id `id`, or -1. O(log n). */
int32_t net_node_index(const net *g, int64_t id);

/* Index of the node nearest to (x, y), straight-line. O(n). */
uint32_t net_nearest_node(const net *g, double x_m, double y_m);

/* Index of a zone name in g->zone_names, or -1. */
int32_t net_zone_index(const net *g, const char *name);

/* "vehicle" or "foot"; net_mode_parse returns -1 for anything else. */
const char *net_mode_name(net_mode m);
int net_mode_parse(const char *s);

#endif
