/* scenario.h - an immutable, validated scenario: network, forces, call model.
 *
 * A scenario is read from a libconfig file (the keys are documented in
 * scenarios/README.md), checked as a whole, and then never written again: all
 * replications and threads share it read-only. Loading reports every problem,
 * compiler-style, with file, line and the path of the offending setting:
 *
 *     scenarios/x.cfg:42: units.[3].crew: must be >= 1 (got 0)
 *
 * Unknown keys, wrong types, out-of-range or non-finite numbers, references to
 * things that do not exist (a station, a unit kind, a zone), duplicate names
 * and empty lists are all errors. Command-line overrides (--set path=value)
 * replace an existing scalar before checking; an override of a path that does
 * not exist, or with a value of the wrong type, is an error too.
 *
 * Units are listed in the file as groups (count x crew, a kind, a station, a
 * daily shift) and expanded here into individual units named "<group>-<i>".
 * Times of day are seconds from midnight; day 0 of a run starts at 00:00 on
 * the weekday run.start_weekday (0 = Monday).
 */
#ifndef PATROLSIM_SCENARIO_H
#define PATROLSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "coverage.h"
#include "net.h"
#include "route.h"
#include "travel.h"

#define SCEN_MAX_PRIORITIES 5

/* Bounds on what a scenario asks of memory. A replication's calls are all
 * drawn before it runs, about 200 bytes each (calls.c), so calls.per_day x
 * run.horizon_days may be at most 5 million (a year at 13,700 calls a day,
 * ~1 GB per replication in flight). Units hold per-replication state and every
 * dispatch looks at them; 100,000 is three times the largest police force. */
#define SCEN_MAX_CALLS_PER_REP 5000000
#define SCEN_MAX_UNITS         100000

/* Size limits on input files. A wrong file (a dump, a device) is refused at
 * once with its size rather than read until memory runs out; FIFOs, devices
 * and directories are refused whatever their size. A scenario is written by
 * hand or by a script (the Ziliujing one is 25 kB); a city's network with
 * every street of a province is a few hundred MB. */
#define SCEN_MAX_FILE_BYTES  ((size_t)16 << 20)  /* the scenario file, each @include'd file */
#define SCEN_MAX_NET_BYTES   ((size_t)1 << 30)   /* the network file */
#define SCEN_MAX_INPUT_BYTES ((size_t)256 << 20) /* places, routes, cameras, cells, zones, history */
#define SCEN_MAX_SLOTS      8  /* daily on-duty periods of one unit */

/* A positive random duration. One uniform per draw, inverted through the
 * distribution's quantile function, so that a call consumes the same number of
 * random numbers whatever its type (this keeps call streams aligned across
 * scenarios). The loader keeps a gamma's sd_s within 0.05..2 times mean_s, where
 * GSL's inverse converges, and a lognormal's at most 10 times mean_s: at 10 its
 * median is a tenth of the mean and one draw in a million takes 2,700 means;
 * past about 10^154 times, sd^2/mean^2 overflows and every draw is NaN.
 * u is clamped to [2^-53, 1 - 2^-53]. */
typedef enum scen_dist_kind {
    DIST_FIXED,       /* mean_s */
    DIST_EXPONENTIAL, /* mean_s */
    DIST_LOGNORMAL,   /* mean_s, sd_s */
    DIST_GAMMA,       /* mean_s, sd_s */
    DIST_UNIFORM      /* min_s, max_s */
} scen_dist_kind;

typedef struct scen_dist {
    scen_dist_kind kind;
    double mean_s, sd_s;  /* DIST_FIXED, _EXPONENTIAL, _LOGNORMAL, _GAMMA */
    double min_s, max_s;  /* DIST_UNIFORM */
} scen_dist;

/* The value of d at probability u in (0, 1). */
double scen_dist_quantile(const scen_dist *d, double u);
double scen_dist_mean(const scen_dist *d);

typedef struct scen_zone_kind {
    char *name;                             /* "urban", "township", ... */
    double target_s[SCEN_MAX_PRIORITIES];   /* response target per priority 1..n_priorities */
} scen_zone_kind;

typedef struct scen_zone {
    char *name;        /* as in the network file's node records */
    int kind;          /* index into zone_kinds */
    double weight;     /* relative share of calls placed in this zone */
    uint32_t *nodes;   /* nodes of the network in this zone */
    size_t n_nodes;
} scen_zone;

/* A hotspot is an extra place where calls concentrate: the nodes within
 * radius_m of a centre. A call placed there still belongs to the zone of its
 * node for targets and reporting. */
typedef struct scen_hotspot {
    char *name;
    uint32_t node;     /* centre */
    double radius_m;
    double weight;     /* relative share of calls, on the same scale as zone weights */
    uint32_t *nodes;
    size_t n_nodes;
} scen_hotspot;

typedef struct scen_itype {
    char *name;
    int priority;           /* 1 = most urgent .. n_priorities */
    double share;           /* fraction of calls, normalised over all types */
    int officers;           /* officers required on scene (units sent until crews cover it) */
    scen_dist onscene;      /* time on scene from first arrival */
    uint32_t kind_mask;     /* bit k set: unit kind k may answer; all kinds when none listed */
} scen_itype;

typedef struct scen_station {
    char *name;
    uint32_t node;
    int squad;              /* officers on the station's books (article figure), for reporting */
} scen_station;

/* A daily on-duty period: [start_s, start_s + len_s) every day, seconds from
 * midnight; it may run past midnight. */
typedef struct scen_slot {
    double start_s;         /* [0, 86400) */
    double len_s;           /* (0, 86400]; 86400 is round the clock */
    int flexible;           /* placed by the loader at the busiest hours */
} scen_slot;

/* A fixed post: a garrison point, a police kiosk or a checkpoint. Its units
 * wait there; the policy says how many may leave at once and how far from the
 * post they may answer ("checkpoint officers radiate around them"). */
typedef struct scen_post {
    char *name;
    char *kind;             /* "garrison", "kiosk", "checkpoint", ... (free text) */
    uint32_t node;
    int max_away;           /* units that may be away answering calls at once */
    double radius_m;        /* answers only calls within this straight-line distance */
} scen_post;

/* A patrol line: a route patrolled in daily slots by the units it puts out. A
 * community line's waypoints are its check-in points. */
typedef struct scen_line {
    char *name;
    route route;            /* built from the route file's waypoints */
    int community;          /* zone of a community patrol line, -1 for street lines */
    size_t *checkin_pos;    /* cycle positions of the check-in points (community lines) */
    size_t n_checkins;
    int roster[3];          /* staffing on its books: patrol, city management, municipal */
} scen_line;

typedef struct scen_unit {
    char *name;             /* "<group>-<i>", or "<line>-<i>" for line units */
    int group;              /* index into unit_groups (line units: -1) */
    int kind;               /* index into unit_kinds */
    int station;            /* home station, or -1 for a unit based at a post */
    int post;               /* the post it holds, or -1 */
    int line;               /* the line it patrols in its slots, or -1 */
    uint32_t base_node;     /* where it starts and ends its slots, and waits when free */
    int crew;               /* sworn officers: they answer calls */
    int presence;           /* everybody it puts on the street (crew + others) */
    net_mode mode;
    double shift_start_s;   /* first slot's start, for display */
    double shift_len_s;     /* first slot's length, for display */
    scen_slot slots[SCEN_MAX_SLOTS]; /* sorted by start, disjoint */
    int n_slots;
    int hand_over;          /* at a slot's end, hand a call over rather than finish it */
    double max_travel_s;    /* answers only calls it reaches within this (INFINITY: any) */
    double phase_s;         /* line units: where on the route the first slot starts */
} scen_unit;

typedef struct scen_unit_group {
    char *name;
    int count;
    int line;               /* line in the scenario file, for messages */
} scen_unit_group;

typedef struct scen_trace scen_trace; /* a call history to replay: trace.h */

typedef enum scen_policy { POLICY_NEAREST, POLICY_PLAN } scen_policy;
typedef enum scen_overflow { OVERFLOW_QUEUE, OVERFLOW_DIVERT } scen_overflow;

/* A response plan: for one zone, the units to try in order. */
typedef struct scen_plan {
    int zone;
    int *units;
    size_t n_units;
} scen_plan;

/* Major incidents and the tiered emergency reserve (scen_reserve.c; the model's
 * side is in model.c). A major incident needs `officers` on scene at a place
 * from a start time for a duration; the reserve's tiers are called in order:
 * each takes free on-duty units of its listed kinds or groups (they leave from
 * where they are, nearest first, within the pull-back policy), then fills the
 * rest of its strength from an off-duty pool that assembles at a station
 * (assembly delay per vehicle) and travels as vehicles of vehicle_officers. */
#define SCEN_MAX_TIERS 4

typedef enum scen_call_up {
    CALLUP_IMMEDIATE,      /* at the incident's start (+ delay_s) */
    CALLUP_AFTER_PREVIOUS, /* when the previous tier is all on scene (+ delay_s) */
    CALLUP_SIZE            /* at the start, only for incidents of size_at_least officers */
} scen_call_up;

typedef struct scen_tier {
    char *name;
    int officers;           /* the tier's strength */
    uint32_t kind_mask;     /* bit k: on-duty units of kind k belong to the tier */
    uint8_t *group_ok;      /* [n_unit_groups] 1: units of the group belong to it (NULL: none) */
    int pool_officers;      /* off-duty officers called in (0: none) */
    int pool_station;       /* where they assemble */
    int vehicle_officers;   /* officers per pool vehicle */
    net_mode mode;          /* the pool vehicles' mode */
    scen_call_up call_up;
    int size_at_least;      /* CALLUP_SIZE */
    double delay_s;         /* from the call-up condition to the order */
    scen_dist assembly;     /* pool: order -> vehicle leaves the station */
} scen_tier;

/* What a major incident needs over time: from after_s after its start (the
 * order, for a public event) on, `officers` on scene. The first step is at 0. */
#define SCEN_MAX_NEEDS 16
typedef struct scen_need {
    double after_s;
    int officers;
} scen_need;

typedef struct scen_major {
    char *name;
    uint32_t node;
    double start_s;         /* from the start of day 0 */
    double duration_s;
    int officers;           /* the most it needs on scene at once (its size) */
    int planned;            /* a large public event: start_s is when its officers are
                             * ordered out (before_hours ahead of the event itself) */
    scen_need needs[SCEN_MAX_NEEDS]; /* over time; a public event: before, during, after */
    size_t n_needs;
    int event_step;         /* public event: the step at which the event itself starts;
                             * -1 for an incident */
    double event_s;         /* public event: when the event itself starts (others: start_s) */
    double lead_s;          /* public event: a step's extra officers are ordered this long
                             * before it begins (others: 0) */
} scen_major;

/* Which ordinary duties the reserve may strip. */
typedef struct scen_pull_back {
    bool patrol_lines;      /* units on patrol lines may be taken */
    int posts_keep;         /* units each post keeps (those at it); the rest may go */
    int *post_keep;         /* [n_posts] the same per post: posts_keep, or its kind's
                             * posts_keep_by_kind (NULL without posts) */
    uint32_t first_mask;    /* kinds taken before the others (rapid squads) */
} scen_pull_back;

typedef struct scen_reserve {
    scen_tier tiers[SCEN_MAX_TIERS]; size_t n_tiers;
    scen_major *majors;     size_t n_majors;      /* scheduled, then public events */
    double random_per_day;  /* random major incidents: rate (0: none) */
    int random_officers;    /* ... their size (the most they need at once) */
    double random_duration_s;
    scen_need random_needs[SCEN_MAX_NEEDS]; /* ... what they need over time */
    size_t n_random_needs;
    scen_pull_back pull_back;
} scen_reserve;

/* A node reference given as a position (lonlat, xy_m) and where it snapped. */
typedef struct scen_snap {
    char *path;      /* the setting, "posts.[0].lonlat" */
    int64_t node_id; /* the nearest node's id */
    double dist_m;   /* from the position to it */
} scen_snap;

typedef struct scenario {
    char *path;             /* the scenario file as given */
    char *name;
    char *description;      /* "" when the file has none */
    char *text;             /* the file's full text, recorded in results */
    char *overrides;        /* the --set overrides applied, one per line ("" if none) */

    /* Inputs read, with a 64-bit FNV-1a hash of each (identity, not security). */
    char **input_paths;
    uint64_t *input_hashes;
    size_t n_inputs;
    scen_snap *snaps;       /* [n_snaps] positions, in the order read (patrolsim check lists them) */
    size_t n_snaps;

    /* run */
    uint64_t seed;
    int replications;
    double horizon_s;       /* calls arrive in [0, horizon_s) */
    double warmup_s;        /* calls before this are simulated but not counted */
    double drain_s;         /* after the horizon, time allowed for open calls to finish */
    int max_queue;          /* calls waiting at once beyond which a replication is unstable */
    double max_wait_s;      /* a wait beyond which a replication is unstable */
    int start_weekday;      /* weekday of day 0, 0 = Monday */
    int threads;            /* 0: all cores */

    /* network and travel */
    net *net;
    travel *travel;         /* built even when !travel_enabled (paths, distances) */
    bool travel_enabled;    /* false: every travel takes 0 s (validation scenarios) */

    /* geography */
    scen_zone_kind *zone_kinds; size_t n_zone_kinds;
    scen_zone *zones;       size_t n_zones;
    scen_hotspot *hotspots; size_t n_hotspots;
    int *node_zone;         /* [net->n_nodes] zone index of each node, -1 none */

    /* call model; with trace non-NULL (a scenario's `incidents` group, trace.h)
     * the calls are replayed from a history and the generator's settings below
     * (calls_per_day, hourly, weekly, zone and hotspot weights, type shares)
     * generate nothing */
    scen_trace *trace;      /* NULL: calls come from the generator (calls.h) */
    double calls_per_day;   /* mean over the week */
    double hourly[24];      /* rate multipliers by hour of day, mean 1 */
    double weekly[7];       /* rate multipliers by weekday (Monday first), mean 1 */
    scen_dist handling;     /* call taking: call received -> dispatch decision */
    scen_itype *types;      size_t n_types;
    int n_priorities;       /* highest priority number used by a type */

    /* forces */
    scen_station *stations; size_t n_stations;
    char **unit_kinds;      size_t n_unit_kinds;   /* at most 32 */
    scen_unit_group *unit_groups; size_t n_unit_groups;
    scen_unit *units;       size_t n_units;

    /* fixed posts and patrol lines */
    scen_post *posts;       size_t n_posts;
    scen_line *lines;       size_t n_lines;

    /* cameras and detection: a call is reported after a delay from the
     * incident; a camera sees nodes within its radius and the command centre
     * notices with probability camera_detect_prob after camera_delay. */
    uint8_t *node_camera;   /* [net->n_nodes] 1 when a camera covers the node */
    size_t n_cameras;       /* cameras in use */
    double camera_detect_prob;
    scen_dist camera_delay;
    scen_dist report_delay; /* a citizen's report, from the incident */

    /* presence by grid cell */
    cell_map cells;
    double presence_window_s;

    /* dispatch */
    scen_policy policy;
    scen_overflow overflow;
    scen_plan *plans;       size_t n_plans;   /* POLICY_PLAN: indexed by zone, n_plans == n_zones */

    /* major incidents and the emergency reserve */
    scen_reserve reserve;
} scenario;

/* Loads, expands and checks a scenario, including its network, and builds the
 * travel model. overrides are "path=value" strings (may be NULL when n == 0).
 * NULL on any error, with every problem in d. Free with scen_destroy. */
scenario *scen_load(const char *path, const char *const *overrides, size_t n_overrides,
                    diag *d);
void scen_destroy(scenario *s); /* NULL is a no-op */

/* Rate of calls (per second) at time t_s, from calls_per_day, hourly, weekly. */
double scen_call_rate(const scenario *s, double t_s);

/* Whether unit u is in one of its slots at time t_s, and the end of the slot
 * that contains t_s (or the start of the next one when off). INFINITY when
 * nothing ever changes (round the clock). */
bool scen_unit_on_shift(const scenario *s, const scen_unit *u, double t_s);
double scen_unit_next_change_s(const scenario *s, const scen_unit *u, double t_s);

/* The target response time of a call of priority p (1-based) in zone z. */
double scen_target_s(const scenario *s, int zone, int priority);

/* The offered load against capacity, estimated: expected unit-seconds of work a
 * day (units sent x (mean on-scene + 2 x mean travel to a call)) over on-duty
 * unit-seconds a day. >= 1 means calls arrive faster than units can serve them.
 * The parts go to the pointers that are not NULL. */
double scen_offered_load(const scenario *s, double *work_s, double *capacity_s,
                         double *travel_s);

/* Prints what the scenario holds: forces, network size, expected calls per
 * day, offered load against capacity ("patrolsim check"). */
void scen_print_check(const scenario *s, FILE *out);

#endif
