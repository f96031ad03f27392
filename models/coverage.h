/* coverage.h - police presence by grid cell, and check-in completion.
 *
 * The article's grid cells (171 in Ziliujing) are sets of network nodes. A cell
 * has "police presence in the last hour" at time t when some on-duty unit was
 * at one of its nodes at some time in [t - window_s, t]. For each cell we keep
 * the union of the intervals [visit, visit + window_s] (a stay from a to b
 * gives [a, b + window_s]) and report the fraction of the statistics window
 * [warmup_s, horizon_s) it covers. Visits arrive per unit in time order but
 * interleaved across units, so the union is kept as a sorted list of disjoint
 * intervals per cell with insertion near its end; consecutive visits within
 * the window merge, so a cell's list stays as short as its gaps are many.
 *
 * One coverage object per replication workspace (one thread); the cell map is
 * shared and read-only.
 */
#ifndef PATROLSIM_COVERAGE_H
#define PATROLSIM_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "net.h"

/* Which cell each node belongs to. */
typedef struct cell_map {
    char **names;        /* [n_cells] */
    size_t n_cells;
    int32_t *node_cell;  /* [n_nodes] cell index, -1 outside every cell */
} cell_map;

/* Reads a cells file: first record "patrolsim-cells 1", then one line per node,
 * "<node_id> <cell_name>" ('#' comments, blank lines ignored; names are one
 * word of at most 64 bytes); nodes not listed are outside every cell. Cells are
 * numbered in order of first appearance. Every problem is reported as
 * file:line: field: message (bad header, unknown or duplicate node, missing
 * name, id not an integer, extra fields, a file without cells). 0, or -1 with
 * the errors in d (m then holds nothing; cell_map_fini is safe). */
int cell_map_load(cell_map *m, const char *path, const net *g, diag *d);

/* A regular square grid of cell_m over the network's bounding box, from its
 * south-west corner (row 0 is the southernmost, column 0 the westernmost; a
 * node on the box's far edge is in the last row or column), cells without any
 * node dropped; names "r<row>c<col>", numbered row by row. 0, or -1 when out
 * of memory or cell_m is not a positive finite number. */
int cell_map_grid(cell_map *m, const net *g, double cell_m);
void cell_map_fini(cell_map *m); /* frees and zeroes; NULL is a no-op */

typedef struct coverage coverage;

/* m is borrowed and must outlive c; window_s >= 0. */
coverage *coverage_create(const cell_map *m, double window_s); /* NULL when out of memory */
void coverage_destroy(coverage *c);                            /* NULL is a no-op */
void coverage_reset(coverage *c); /* forgets every visit, keeps the memory */

/* A unit passed node at t_s. 0, or -1 when out of memory; a node outside
 * every cell is ignored (0). */
int coverage_visit(coverage *c, uint32_t node, double t_s);
/* A unit stood at node over [a_s, b_s] (a_s <= b_s). As coverage_visit. */
int coverage_stay(coverage *c, uint32_t node, double a_s, double b_s);

/* The fraction of [from_s, to_s) during which each cell had presence, into
 * out[n_cells], each in [0, 1]; 0 for an empty window. O(intervals). */
void coverage_fractions(const coverage *c, double from_s, double to_s, double *out);

#endif
