/* travel.h - shortest travel times and paths on the road network, by mode.
 *
 * Dispatch needs, for each call, the travel time from every candidate unit to
 * the call; returning units and the replay need paths. Three methods sit behind
 * one interface:
 *
 *   - a precomputed table per mode (float seconds, n x n, built once with one
 *     reverse Dijkstra per destination, in parallel). A dispatch decision is
 *     then a handful of look-ups. Used when n_nodes <= table_max_nodes, since
 *     memory grows with n^2 (5,000 nodes: 100 MB per mode).
 *   - otherwise hub labels per mode (hublabel.h: a contraction hierarchy, then
 *     for every node the distances to and from its few hundred "hubs"): a time
 *     is the least sum over the hubs two labels share, a dispatch decision one
 *     label scan per candidate, a few microseconds on a 100,000-node network.
 *     Memory is linear in n times the label size (1-2 kB a node and mode).
 *     Each mode's labels are built on first use (seconds at 20,000 nodes).
 *   - or, from travel_create_plain, no preprocessing: a Dijkstra per query that
 *     stops once every node asked for is settled (the reference the labels are
 *     tested against; memory linear in the network).
 *
 * Exactness. Without tables every time is computed in fixed point: each edge's
 * time is rounded once to a multiple of 2^-k s (k <= 40, chosen so that no path
 * can overflow; 2^-40 s is a picosecond) and sums of those are exact integers.
 * So hub labels and Dijkstra, forward and reverse searches, one-to-many and
 * many-to-one queries and the cumulative times of paths all give the same
 * value for the same pair, bit for bit, whatever the order of the additions.
 * With tables nothing changed: the table stores the double-precision reverse
 * Dijkstra result rounded to float (within 1e-12 s of the fixed-point time
 * before that rounding), and paths come from the table (from each node, the
 * arc that minimises arc time + table time onwards: no search), with a forward
 * Dijkstra if that walk fails; either is a fastest path up to float rounding.
 *
 * A travel object is immutable after creation and shared by all threads; each
 * thread owns a travel_ws. Times never come out infinite: net_load has already
 * refused networks that are not strongly connected.
 */
#ifndef PATROLSIM_TRAVEL_H
#define PATROLSIM_TRAVEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"

typedef struct travel travel;
typedef struct travel_ws travel_ws;

typedef struct travel_opts {
    size_t table_max_nodes; /* tables when n_nodes <= this; 0 never */
    int threads;            /* threads used to build tables or labels; <= 0 means all cores */
} travel_opts;

/* A path from one node to another: nodes visited and the cumulative time and
 * distance on arrival at each. Points into the workspace; valid until the next
 * call that uses it. */
typedef struct travel_path {
    const uint32_t *node; /* [n] node indices, node[0] = from, node[n-1] = to */
    const double *t_s;    /* [n] cumulative travel time, t_s[0] = 0 */
    const double *d_m;    /* [n] cumulative distance, d_m[0] = 0 */
    size_t n;
    double time_s;        /* t_s[n-1] */
    double length_m;      /* d_m[n-1] */
} travel_path;

/* Builds the travel model of g (borrowed: it must outlive the travel object).
 * NULL when out of memory. */
travel *travel_create(const net *g, const travel_opts *opts);
/* The same, but without tables a Dijkstra per query instead of hub labels: no
 * preprocessing (the reference the labels are tested against; benchmarks). */
travel *travel_create_plain(const net *g, const travel_opts *opts);
void travel_destroy(travel *t);  /* NULL is a no-op */
bool travel_has_table(const travel *t);
size_t travel_table_bytes(const travel *t); /* 0 without tables */
size_t travel_bytes(const travel *t);       /* everything the object holds: arcs, tables, labels */
const char *travel_method(const travel *t); /* "tables", "hub labels" or "Dijkstra per query" */
struct hl;
const struct hl *travel_labels(const travel *t, net_mode m); /* NULL unless hub labels;
                                                                builds them if not yet */

travel_ws *travel_ws_create(const travel *t); /* NULL when out of memory */
void travel_ws_destroy(travel_ws *w);         /* NULL is a no-op */

/* Travel time, seconds, from node `from` to node `to` by mode m. */
double travel_time_s(const travel *t, travel_ws *w, net_mode m, uint32_t from, uint32_t to);

/* Travel times from each of n source nodes to one destination, into out_s[n].
 * With tables: n look-ups. With labels: `to`'s in-label spread once, then one
 * out-label scan per source. Plain: one reverse search from `to` that stops
 * when all sources are settled. */
void travel_times_to(const travel *t, travel_ws *w, net_mode m, uint32_t to,
                     const uint32_t *from, size_t n, double *out_s);

/* Travel times from one source to each of n destination nodes, into out_s[n]:
 * the converse of travel_times_to, for a unit choosing where to go (rejoining
 * its route). With tables: n look-ups. With labels: the converse label scans.
 * Plain: one forward search from `from` that stops when all destinations are
 * settled. Without tables the times equal travel_time_s bit for bit. */
void travel_times_from(const travel *t, travel_ws *w, net_mode m, uint32_t from,
                       const uint32_t *to, size_t n, double *out_s);

/* The fastest path from -> to by mode m, into *out (see travel_path). With
 * labels, a walk that takes at each node the first arc whose time plus the
 * label distance onwards equals the distance from the node (exact integers: no
 * search, no tie trouble); plain, a forward Dijkstra. Without tables time_s
 * equals travel_time_s bit for bit. Returns 0, or -1 when out of memory. */
int travel_path_find(const travel *t, travel_ws *w, net_mode m, uint32_t from, uint32_t to,
                     travel_path *out);

#endif
