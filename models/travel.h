/* travel.h - shortest travel times and paths on the road network, by mode.
 *
 * Dispatch needs, for each call, the travel time from every candidate unit to
 * the call; returning units and the replay need paths. Two methods sit behind
 * one interface:
 *
 *   - a precomputed table per mode (float seconds, n x n, built once with one
 *     reverse Dijkstra per destination, in parallel). A dispatch decision is
 *     then a handful of look-ups. Used when n_nodes <= table_max_nodes, since
 *     memory grows with n^2 (5,000 nodes: 100 MB per mode).
 *   - otherwise, a reverse Dijkstra from the call's node that stops as soon as
 *     every candidate's node is settled (one-to-many), in a per-thread
 *     workspace. Memory stays linear in the network size.
 *
 * Both give the same times (the table stores the same Dijkstra result rounded
 * to float). Paths come from the table when there is one (from each node, the arc
 * that minimises arc time + table time onwards: no search), otherwise from a forward
 * Dijkstra with early exit; either is a fastest path, up to float rounding in ties.
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
    int threads;            /* threads used to build tables; <= 0 means all cores */
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
void travel_destroy(travel *t);  /* NULL is a no-op */
bool travel_has_table(const travel *t);
size_t travel_table_bytes(const travel *t); /* 0 without tables */

travel_ws *travel_ws_create(const travel *t); /* NULL when out of memory */
void travel_ws_destroy(travel_ws *w);         /* NULL is a no-op */

/* Travel time, seconds, from node `from` to node `to` by mode m. */
double travel_time_s(const travel *t, travel_ws *w, net_mode m, uint32_t from, uint32_t to);

/* Travel times from each of n source nodes to one destination, into out_s[n].
 * With tables: n look-ups. Without: one reverse search from `to` that stops
 * when all sources are settled. */
void travel_times_to(const travel *t, travel_ws *w, net_mode m, uint32_t to,
                     const uint32_t *from, size_t n, double *out_s);

/* Travel times from one source to each of n destination nodes, into out_s[n]:
 * the converse of travel_times_to, for a unit choosing where to go (rejoining
 * its route). With tables: n look-ups. Without: one forward search from
 * `from` that stops when all destinations are settled; its times sum the edge
 * times in path order, so they may differ from travel_time_s in the last bits. */
void travel_times_from(const travel *t, travel_ws *w, net_mode m, uint32_t from,
                       const uint32_t *to, size_t n, double *out_s);

/* The fastest path from -> to by mode m, into *out (see travel_path). Returns 0,
 * or -1 when out of memory. */
int travel_path_find(const travel *t, travel_ws *w, net_mode m, uint32_t from, uint32_t to,
                     travel_path *out);

#endif
