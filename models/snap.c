/* snap.c - grid buckets for nearest-node queries. See snap.h. */
#include "snap.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct snap_index {
    size_t n;
    double *x, *y;        /* [n] copies of the coordinates */
    double min_x, min_y;  /* grid origin */
    double cell_m;        /* cell side */
    long nx, ny;          /* cells per axis */
    uint32_t *cell_start; /* [nx * ny + 1] into pts */
    uint32_t *pts;        /* [n] point indices, by cell, ascending within a cell */
};

snap_index *snap_create_points(size_t n, const double *x_m, const double *y_m, size_t stride_bytes)
{
    snap_index *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->n = n;
    if (n == 0) return s;
    if (n > UINT32_MAX) goto fail;
    s->x = malloc(n * sizeof *s->x);
    s->y = malloc(n * sizeof *s->y);
    if (!s->x || !s->y) goto fail;
    double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY, max_y = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        s->x[i] = *(const double *)((const char *)x_m + i * stride_bytes);
        s->y[i] = *(const double *)((const char *)y_m + i * stride_bytes);
        if (s->x[i] < min_x) min_x = s->x[i];
        if (s->x[i] > max_x) max_x = s->x[i];
        if (s->y[i] < min_y) min_y = s->y[i];
        if (s->y[i] > max_y) max_y = s->y[i];
    }
    double w = max_x - min_x, h = max_y - min_y;
    /* About two points per cell over the bounding box; a degenerate box (one
     * point, a straight line) still gets sensible cells. */
    double cell = sqrt(fmax(w, 1.0) * fmax(h, 1.0) * 2.0 / (double)n);
    if (!(cell >= 1.0)) cell = 1.0;
    long nx = (long)(w / cell) + 1, ny = (long)(h / cell) + 1;
    while ((double)nx * (double)ny > 4.0 * (double)n + 16) {
        cell *= 1.5;
        nx = (long)(w / cell) + 1;
        ny = (long)(h / cell) + 1;
    }
    s->min_x = min_x;
    s->min_y = min_y;
    s->cell_m = cell;
    s->nx = nx;
    s->ny = ny;
    size_t nc = (size_t)(nx * ny);
    s->cell_start = calloc(nc + 1, sizeof *s->cell_start);
    s->pts = malloc(n * sizeof *s->pts);
    uint32_t *fill = malloc((nc + 1) * sizeof *fill);
    if (!s->cell_start || !s->pts || !fill) {
        free(fill);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        long cx = (long)((s->x[i] - min_x) / cell), cy = (long)((s->y[i] - min_y) / cell);
        if (cx >= nx) cx = nx - 1;
        if (cy >= ny) cy = ny - 1;
        s->cell_start[(size_t)(cy * nx + cx) + 1]++;
    }
    for (size_t c = 0; c < nc; c++)
        s->cell_start[c + 1] += s->cell_start[c];
    memcpy(fill, s->cell_start, (nc + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
        long cx = (long)((s->x[i] - min_x) / cell), cy = (long)((s->y[i] - min_y) / cell);
        if (cx >= nx) cx = nx - 1;
        if (cy >= ny) cy = ny - 1;
        s->pts[fill[(size_t)(cy * nx + cx)]++] = (uint32_t)i;
    }
    free(fill);
    return s;
fail:
    snap_destroy(s);
    return NULL;
}

snap_index *snap_create(const net *g)
{
    return snap_create_points(g->n_nodes, &g->nodes[0].x_m, &g->nodes[0].y_m, sizeof g->nodes[0]);
}

void snap_destroy(snap_index *s)
{
    if (!s) return;
    free(s->x);
    free(s->y);
    free(s->cell_start);
    free(s->pts);
    free(s);
}

/* Scans cell (cx, cy) when it is in the grid. */
static void snap_cell_scan(const snap_index *s, long cx, long cy, double x, double y, long *best,
                           double *best_d2)
{
    if (cx < 0 || cy < 0 || cx >= s->nx || cy >= s->ny) return;
    size_t c = (size_t)(cy * s->nx + cx);
    for (uint32_t k = s->cell_start[c]; k < s->cell_start[c + 1]; k++) {
        uint32_t i = s->pts[k];
        double dx = s->x[i] - x, dy = s->y[i] - y, d2 = dx * dx + dy * dy;
        if (d2 < *best_d2 || (d2 == *best_d2 && (long)i < *best)) {
            *best_d2 = d2;
            *best = (long)i;
        }
    }
}

long snap_nearest(const snap_index *s, double x_m, double y_m, double *dist_m)
{
    *dist_m = INFINITY;
    if (!s || s->n == 0 || !isfinite(x_m) || !isfinite(y_m)) return -1;
    double fx = floor((x_m - s->min_x) / s->cell_m), fy = floor((y_m - s->min_y) / s->cell_m);
    long best = -1;
    double best_d2 = INFINITY;
    if (fx < -2 || fy < -2 || fx > (double)s->nx + 1 || fy > (double)s->ny + 1) {
        /* Far outside the map: rings would be mostly empty; look at every point. */
        for (size_t i = 0; i < s->n; i++) {
            double dx = s->x[i] - x_m, dy = s->y[i] - y_m, d2 = dx * dx + dy * dy;
            if (d2 < best_d2) {
                best_d2 = d2;
                best = (long)i;
            }
        }
        *dist_m = sqrt(best_d2);
        return best;
    }
    /* The point lies in cell (cx, cy), perhaps one just outside the grid, so the
     * points of ring r are at least (r - 1) cells away: once that exceeds the best
     * distance, nothing further out can be nearer (or tie). */
    long cx = (long)fx, cy = (long)fy;
    long r_max = (s->nx > s->ny ? s->nx : s->ny) + 4;
    for (long r = 0; r <= r_max; r++) {
        if (best >= 0) {
            double reach = (double)(r - 1) * s->cell_m;
            if (reach > 0 && reach * reach > best_d2) break;
        }
        if (r == 0) {
            snap_cell_scan(s, cx, cy, x_m, y_m, &best, &best_d2);
            continue;
        }
        for (long k = -r; k <= r; k++) {
            snap_cell_scan(s, cx + k, cy - r, x_m, y_m, &best, &best_d2);
            snap_cell_scan(s, cx + k, cy + r, x_m, y_m, &best, &best_d2);
        }
        for (long k = -r + 1; k <= r - 1; k++) {
            snap_cell_scan(s, cx - r, cy + k, x_m, y_m, &best, &best_d2);
            snap_cell_scan(s, cx + r, cy + k, x_m, y_m, &best, &best_d2);
        }
    }
    *dist_m = sqrt(best_d2);
    return best;
}
