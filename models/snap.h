/* snap.h - the nearest network node to a point: placing positions on the map.
 *
 * Calls of a history, places and scenario positions (scen_geo.c) given as x/y
 * or lon/lat go to the node nearest in a straight line. The index buckets the
 * nodes in a uniform grid of about two nodes per cell over their bounding box,
 * and a query scans rings of cells outwards from the point's cell until no
 * unseen cell can hold anything nearer: a few dozen distance computations for
 * a point on the map, more for one far outside it. Ties go to the lower node
 * index, so the answer never depends on the order of the scan.
 *
 * Whether a snap is too far is the caller's decision (a far snap is an input
 * error there, with the distance in the message): snap_nearest always returns
 * the nearest node and its distance.
 *
 * The index copies the coordinates; it is immutable and may be shared by
 * threads once built.
 */
#ifndef PATROLSIM_SNAP_H
#define PATROLSIM_SNAP_H

#include <stddef.h>

#include "net.h"

typedef struct snap_index snap_index;

/* An index of the n points (x[i], y[i]), where x and y step by stride_bytes
 * (so that a field of an array of structs can be given directly). NULL when out
 * of memory. n may be 0 (every query then returns -1). */
snap_index *snap_create_points(size_t n, const double *x_m, const double *y_m, size_t stride_bytes);
/* An index of a network's nodes (indices are node indices). */
snap_index *snap_create(const net *g);
void snap_destroy(snap_index *s); /* NULL is a no-op */

/* The index of the point nearest (x, y), its distance in *dist_m; -1 (and
 * INFINITY) when the index is empty or the query is not finite. */
long snap_nearest(const snap_index *s, double x_m, double y_m, double *dist_m);

#endif
