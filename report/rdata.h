/* rdata.h - what the report's charts show, read from a results file and reduced.
 *
 * rdata_load reads from one results file (results/README.md) the parts the charts need: the
 * summary (through results_read_summary, which checks the layout), the run's identity
 * (scenario name, overrides, horizon, warm-up), the counted calls of the finished
 * replications from /incidents, the zones' response targets, the network's nodes and edges,
 * the stations, the units and /unit_reps. Calls of a replication that has no /summary row
 * (the tail of an interrupted run) and calls received during the warm-up are left out, so
 * every figure here rests on the same calls as the summary table.
 *
 * The reductions follow the statistical convention of the project: a figure is computed per
 * replication, then reported across replications as a mean with its Student-t 95% CI and the
 * number of replications (stats_ci). Pooled figures (a distribution function, a map cell's
 * mean) say so where they are shown.
 *
 * Ownership: an rdata is caller-owned memory; rdata_load fills it and rdata_fini frees what
 * it holds (also after a failed load). The reductions fill caller-owned structs with their
 * own _fini. Errors: RESULTS_E* codes (results.h) with a message naming the file in err.
 */
#ifndef PATROLSIM_RDATA_H
#define PATROLSIM_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "results.h"
#include "stats.h"

/* One counted call of a finished replication. */
typedef struct rdata_call {
    uint32_t rep;      /* replication index as in the file */
    uint32_t rep_row;  /* its row in /summary (0..n_reps-1) */
    int32_t priority;  /* 1 = most urgent */
    int32_t status;    /* 0 answered, 1 diverted, 2 unanswered */
    int32_t node;      /* row of /network/nodes */
    int32_t zone;      /* row of /zones, -1 outside every zone */
    double t_call_s;   /* received, seconds from 00:00 of day 0 */
    double response_s; /* call to first unit on scene; NaN unless answered */
    double target_s;   /* the target that applied */
} rdata_call;

/* A major incident in one replication (/major_reps): times from its start until the officers
 * on scene first reached each tier's cumulative strength (NaN: never, or no such tier). */
typedef struct rdata_major {
    uint32_t rep_row;
    int32_t incident;   /* the same number for the same incident in every replication */
    int32_t officers;   /* officers it needs */
    int32_t random;     /* 0 scheduled, 1 drawn at random, 2 a planned public event (0 when the
                         * file does not say) */
    double t_tier_s[4]; /* to tiers 1..4 */
    double t_full_s;    /* to `officers` */
} rdata_major;

/* One step of an officers-on-scene curve (/major_curve): from t_s after the incident began,
 * `officers` are on scene. */
typedef struct rdata_major_pt {
    uint32_t rep_row;
    int32_t incident;
    double t_s;
    int32_t officers;
} rdata_major_pt;

typedef struct rdata {
    char *path;
    results_summary sum; /* /summary and the run's identity */
    char *overrides;     /* the --set overrides, one "path=value" per line ("" none) */
    double horizon_s;    /* calls arrive in [0, horizon_s) */
    double warmup_s;     /* calls before this are not counted */
    int n_priorities;

    rdata_call *calls; /* counted calls of finished replications, in file order */
    size_t n_calls;

    size_t n_zones;
    char **zone_kind;      /* [n_zones] */
    double *zone_target_s; /* [zone * n_priorities + (k - 1)]: target of priority k */

    size_t n_nodes;
    double *node_x_m, *node_y_m; /* [n_nodes], x east, y north */
    size_t n_edges;
    int32_t *edge_a, *edge_b; /* [n_edges] node rows (-1: id not in /network/nodes) */
    int32_t *edge_class;      /* [n_edges] index into class_names */
    char **class_names;       /* [n_classes] road classes ("highway", ...) */
    size_t n_classes;

    size_t n_stations;
    char **station_name;               /* [n_stations] */
    double *station_x_m, *station_y_m; /* NaN when the node is not in the network */

    size_t n_posts;              /* /posts of the operations model (0 when the file has none) */
    char **post_kind;            /* [n_posts] garrison, kiosk, checkpoint, ... */
    double *post_x_m, *post_y_m; /* NaN when the node is not in the network */

    size_t n_units;
    char **unit_kind; /* [n_units] */

    size_t n_unit_reps;   /* rows of /unit_reps of finished replications */
    int32_t *ur_unit;     /* [n_unit_reps] row of /units */
    uint32_t *ur_rep_row; /* [n_unit_reps] row in /summary */
    double *ur_on_duty_s, *ur_busy_s;
    size_t n_states;    /* per-state time columns found in /unit_reps (0: none) */
    char **state_name;  /* [n_states] column names */
    double *ur_state_s; /* [row * n_states + k] */

    size_t n_major; /* rows of /major_reps of finished replications (0: none) */
    rdata_major *major;
    size_t n_curve; /* rows of /major_curve of finished replications */
    rdata_major_pt *curve;
    bool has_major; /* n_major > 0 */
    /* The reserve's tiers in call-up order (/reserve_tiers; none in files written before it):
     * the cumulative strength of tiers 1..k (30, 110, 230 by default) and each tier's name. */
    size_t n_tiers;
    int32_t tier_cum_officers[4];
    char tier_name[4][64];
} rdata;

/* Reads path into d (caller-owned; rdata_fini afterwards in every case). */
int rdata_load(const char *path, rdata *d, char *err, size_t errlen);
void rdata_fini(rdata *d);

/* The summary figure named col (a /summary column) across replications; n = 0 when the file
 * has no such column. */
stats_ci rdata_figure(const rdata *d, const char *col);

/* ---- By hour of day ------------------------------------------------------------------------ */

/* For each hour of the day h (calls received between h:00 and h+1:00, any day), per
 * replication: the mean and the 90th percentile (type 7) of the response times of its
 * answered calls, and its calls per hour (counted calls divided by the hours of that hour of
 * day within [warm-up, horizon)); then each across replications. A replication without an
 * answered call in an hour is left out of that hour's response figures. */
typedef struct rdata_hourly {
    stats_ci mean_s[24], p90_s[24], calls_per_h[24];
} rdata_hourly;

int rdata_hourly_compute(const rdata *d, rdata_hourly *out); /* 0, or RESULTS_ENOMEM */

/* ---- On the map ---------------------------------------------------------------------------- */

/* A regular grid of cell_m cells over the bounding box of the network's nodes (its origin
 * a multiple of cell_m), with the mean response time of the answered calls in each cell,
 * pooled over all replications, and their number. */
typedef struct rdata_grid {
    double x0_m, y0_m, cell_m;
    size_t nx, ny;
    double *mean_s; /* [j * nx + i]; NaN where no answered call */
    size_t *calls;  /* [j * nx + i] answered calls pooled over replications */
    size_t cells_with_calls;
} rdata_grid;

/* 0, RESULTS_EINVAL (no nodes, cell_m not positive, or a grid over 4 million cells) or
 * RESULTS_ENOMEM. */
int rdata_grid_compute(const rdata *d, double cell_m, rdata_grid *g);
void rdata_grid_fini(rdata_grid *g);

/* ---- Units --------------------------------------------------------------------------------- */

/* Shares of on-duty time by unit kind and state: per replication, the time all units of a
 * kind spent in a state over their on-duty time; then across replications. The states are
 * the per-state time columns of /unit_reps (off_s, the time off shift, left out) when the
 * file has them and they fit within the on-duty time (a remainder above 0.5% becomes
 * "other"), shown work on calls first (on scene, en route, returning), then patrolling, at
 * post, available, others; otherwise "on calls" (busy_s) and "available". */
typedef struct rdata_util {
    size_t n_kinds;
    char **kinds; /* [n_kinds], in order of first appearance in /units */
    size_t n_states;
    char **states;   /* [n_states] display names */
    stats_ci *share; /* [kind * n_states + state], fractions 0..1 */
    bool by_state;   /* true: from per-state columns */
} rdata_util;

int rdata_util_compute(const rdata *d, rdata_util *u); /* 0, or RESULTS_ENOMEM */
void rdata_util_fini(rdata_util *u);

#endif
