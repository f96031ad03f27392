/* hublabel.h - exact shortest distances on a large directed graph from hub labels.
 *
 * The travel model (travel.c) needs, per dispatch decision, the times from a dozen or more
 * unit positions to one call, on networks too large for an n x n table. Hub labels answer
 * that with a few hundred memory reads and no search (Abraham, Delling, Goldberg and
 * Werneck, "A hub-based labeling algorithm for shortest paths in road networks", SEA 2011;
 * "Hierarchical hub labelings for shortest paths", ESA 2012):
 *
 *   every node v gets an out-label, a list of (hub h, dist(v, h)), and an in-label, a list
 *   of (hub h, dist(h, v)), such that for every pair s, t some hub on a shortest s-t path is
 *   in both L_out(s) and L_in(t); then dist(s, t) = min over common hubs of the two sums.
 *
 * The labels come from a contraction hierarchy (Geisberger, Sanders, Schultes and Delling,
 * "Contraction hierarchies", WEA 2008): nodes are contracted one by one, least important
 * first, adding shortcut arcs that keep the distances among the remaining nodes; a node's
 * label is then its upward search space, computed top-down from its upward neighbours'
 * labels, with the entries that are not true distances pruned.
 *
 * Distances are unsigned 64-bit integers (the caller's fixed-point units): sums are exact,
 * so a label query returns exactly what Dijkstra returns on the same weights, whatever the
 * order of additions. The caller keeps every path below 2^61 units, so a sum of two label
 * distances never overflows. Building is deterministic: the same graph gives the same
 * labels whatever the thread count.
 *
 * Cost: memory is linear in n times the mean label size (12 bytes an entry); the mean label
 * size grows slowly with n on road-like networks (about 70 at 100,000 nodes). A
 * query costs the two labels' lengths; a many-to-one query spreads the target's label once
 * into a dense array of the workspace and then costs one source label's length per source.
 * An hl is immutable once built and may be shared by threads; each thread owns an hl_ws.
 */
#ifndef PATROLSIM_HUBLABEL_H
#define PATROLSIM_HUBLABEL_H

#include <stddef.h>
#include <stdint.h>

#define HL_INF (UINT64_C(1) << 63) /* "no path"; every real distance is below 2^61 */

typedef struct hl hl;
typedef struct hl_ws hl_ws;

typedef struct hl_stats {
    size_t shortcuts;         /* arcs the contraction added */
    double mean_out, mean_in; /* mean label lengths */
    size_t max_label;         /* longest label */
    double contract_s;        /* CPU seconds of the contraction (one thread) */
    double label_s;           /* wall seconds of the labelling (opts threads) */
} hl_stats;

/* Builds labels for the graph of n nodes whose arcs leave node v at head[start[v] ..
 * start[v+1]) with weights w[...] (borrowed, read only during the call). Parallel arcs and
 * self-loops are fine. threads <= 0: all cores (labelling only; contraction is sequential).
 * NULL when out of memory. */
hl *hl_build(size_t n, const uint32_t *start, const uint32_t *head, const uint64_t *w, int threads);
void hl_destroy(hl *h);                        /* NULL is a no-op */
size_t hl_bytes(const hl *h);                  /* memory held by the labels */
void hl_stats_get(const hl *h, hl_stats *out); /* how the build went */

hl_ws *hl_ws_create(size_t n); /* for labels of n nodes (any); NULL when out of memory */
void hl_ws_destroy(hl_ws *w);  /* NULL is a no-op */

/* dist(s, t), or HL_INF when t cannot be reached from s. */
uint64_t hl_dist(const hl *h, uint32_t s, uint32_t t);

/* dist(s[i], t) for i < n into out[i] (many sources, one target). */
void hl_dist_to(const hl *h, hl_ws *w, uint32_t t, const uint32_t *s, size_t n, uint64_t *out);

/* dist(s, t[i]) for i < n into out[i] (one source, many targets). */
void hl_dist_from(const hl *h, hl_ws *w, uint32_t s, const uint32_t *t, size_t n, uint64_t *out);

/* For walking a path towards one target: hl_target_set spreads t's in-label into the
 * workspace; hl_target_dist(v) is then dist(v, t) at the cost of v's out-label; and
 * hl_target_clear(t) must be called before the workspace is used for anything else. */
void hl_target_set(const hl *h, hl_ws *w, uint32_t t);
uint64_t hl_target_dist(const hl *h, const hl_ws *w, uint32_t v);
void hl_target_clear(const hl *h, hl_ws *w, uint32_t t);

#endif
