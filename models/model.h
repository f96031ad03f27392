/* model.h - one replication of the police operations model.
 *
 * model_run_rep simulates replication `rep` of a scenario from scratch:
 *   1. it generates the replication's calls from the call streams (arrival,
 *      location, type, on-scene, handling), before and independently of any
 *      deployment decision, so two scenarios with the same call model face the
 *      same calls (common random numbers by construction);
 *   2. it runs the event loop: call received -> dispatch decision (after the
 *      handling time) -> units travel -> first arrival starts the on-scene time
 *      -> units clear, take the next queued call they may answer or head home;
 *      shifts start and end (a busy unit finishes its call first and the
 *      overtime is counted);
 *   3. it fills a rep_result with one record per call and per unit.
 *
 * The dispatch rule is in dispatch.c. Everything a replication mutates lives in
 * a model_ws owned by one thread; the scenario is only read. The result depends
 * only on (scenario, seed, rep).
 */
#ifndef PATROLSIM_MODEL_H
#define PATROLSIM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* Random-number sources, one stream each per replication (see rng.h). The
 * numbers are part of the results' reproducibility: never renumber them. */
enum model_source {
    SRC_ARRIVAL = 1,  /* call times */
    SRC_LOCATION = 2, /* call places */
    SRC_TYPE = 3,     /* incident types */
    SRC_ONSCENE = 4,  /* time on scene */
    SRC_HANDLING = 5, /* call-taking time */
    SRC_DETECTION = 6, /* camera detection and report delays */
    SRC_MAJOR = 7,    /* random major incidents: times and places */
    SRC_RESERVE = 8,  /* reserve pool assembly delays */
};

/* What a unit is doing; /unit_reps keeps the time spent in each state, and the
 * replay records every change. */
enum model_unit_state {
    UNIT_OFF = 0,        /* off duty */
    UNIT_AVAILABLE = 1,  /* on duty, free, at its base */
    UNIT_ENROUTE = 2,    /* travelling to a call */
    UNIT_ONSCENE = 3,    /* working at a call */
    UNIT_RETURNING = 4,  /* heading back to its base, post or route; free */
    UNIT_PATROLLING = 5, /* walking or driving its patrol line; free */
    UNIT_AT_POST = 6,    /* holding its post; free within the post's policy */
    UNIT_STATES = 7
};

enum call_status {
    CALL_ANSWERED = 0,   /* a unit reached the scene */
    CALL_DIVERTED = 1,   /* no unit free and the scenario diverts (lost) */
    CALL_UNANSWERED = 2, /* still waiting or travelling when the run ended */
};

/* One call for service, as written to /incidents. Times are seconds from the
 * start of day 0; NaN where the call never got that far. */
typedef struct call_rec {
    uint32_t rep;
    uint32_t id;            /* index in arrival order within the replication */
    int32_t type;           /* index into scenario types */
    int32_t priority;       /* 1 = most urgent */
    int32_t zone;           /* index into scenario zones, -1 outside any zone */
    int32_t node;           /* network node index */
    int32_t status;         /* enum call_status */
    int32_t counted;        /* 1 when after the warm-up (in the statistics) */
    double t_call_s;        /* received */
    double t_dispatch_s;    /* first unit assigned */
    double t_arrive_s;      /* first unit on scene */
    double t_clear_s;       /* last unit cleared */
    double wait_s;          /* t_dispatch - t_call - handling: time queued for a free unit */
    double travel_s;        /* first unit's travel time */
    double travel_m;        /* first unit's travel distance */
    double response_s;      /* t_arrive - t_call */
    double onscene_s;       /* drawn on-scene time */
    double target_s;        /* the response target that applies */
    int32_t unit;           /* first unit sent, -1 none */
    int32_t units_sent;     /* how many units were sent */
    int32_t officers_short; /* officers required but not available at dispatch */
    int32_t runner_up;      /* the next-best free unit at dispatch, -1 none */
    double runner_up_travel_s; /* its travel time, NaN when none */
    double t_incident_s;    /* when it happened; t_call_s is when it was reported */
    int32_t detected;       /* 1 when a camera and the command centre reported it */
    uint32_t kinds_sent;    /* bit k set: a unit of kind k was sent */
    double response_incident_s; /* t_arrive - t_incident: the victim's wait */
} call_rec;

/* One unit over one replication, as written to /unit_reps. */
typedef struct unit_rec {
    uint32_t rep;
    int32_t unit;           /* index into scenario units */
    int32_t calls;          /* calls it was sent to (counted or not) */
    double on_duty_s;       /* time on shift, or on overtime, within [warmup, horizon) */
    double busy_s;          /* time assigned to calls within [warmup, horizon) */
    double overtime_s;      /* time past the end of shift spent finishing calls */
    double travel_m;        /* distance driven or walked to and from calls */
    /* Time in each state within [warmup, horizon) (enum model_unit_state). */
    double off_s, available_s, enroute_s, onscene_s, returning_s, patrolling_s, at_post_s;
} unit_rec;

/* One patrol line over one replication (/line_reps). */
typedef struct line_rec {
    uint32_t rep;
    int32_t line;           /* index into scenario lines */
    int32_t slots;          /* slots begun within [warmup, horizon) */
    int32_t checkins;       /* check-in points tapped within [warmup, horizon) */
    double completion;      /* community lines: mean over those slots of the share of
                             * check-in points visited; NaN for street lines */
} line_rec;

/* One post over one replication (/post_reps). */
typedef struct post_rec {
    uint32_t rep;
    int32_t post;           /* index into scenario posts */
    int32_t calls;          /* calls its units were sent to */
    double staffed_s;       /* time some unit of the post was on duty */
    double gap_s;           /* of which time no unit of the post was at the post */
} post_rec;

/* One grid cell over one replication (/cell_reps). */
typedef struct cell_rec {
    uint32_t rep;
    int32_t cell;           /* index into the scenario's cells */
    int32_t calls;          /* answered counted calls in the cell */
    double response_mean_s; /* their mean response, NaN without calls */
    double presence;        /* fraction of the time with police presence in the last hour */
} cell_rec;

/* One major incident over one replication (/major_reps). Times to strength are
 * from the incident's start: the first moment the officers on scene reached
 * the cumulative strength of tiers 1..k (30, 110, 230 by default), NaN when
 * never reached (or no such tier). */
typedef struct major_rec {
    uint32_t rep;
    int32_t incident;       /* scheduled ones first (scenario order), then random ones */
    int32_t random;         /* 1 when drawn at random, 2 a planned public event */
    int32_t node;           /* network node index */
    int32_t officers;       /* officers it needs */
    int32_t peak_officers;  /* most on scene at once */
    int32_t units;          /* on-duty units sent */
    int32_t pool_officers;  /* off-duty officers sent */
    double t_start_s, t_end_s;
    double t_tier1_s, t_tier2_s, t_tier3_s, t_tier4_s;
    double t_full_s;        /* time to `officers` on scene (a public event: its largest phase) */
    double t_event_s;       /* a public event: when the event itself starts (others: t_start_s) */
    int32_t event_officers;     /* ... the officers it needs during the event (others: officers) */
    int32_t officers_at_event;  /* ... and those on scene when it starts (others: 0) */
} major_rec;

/* One step of an officers-on-scene curve (/major_curve): from t_s after the
 * incident's start, `officers` are on scene. */
typedef struct major_pt {
    uint32_t rep;
    int32_t incident;
    double t_s;
    int32_t officers;
} major_pt;

/* One commitment to a major incident (/major_units): an on-duty unit a reserve
 * tier took, or a pool vehicle of off-duty officers; who, from where, when.
 * Times are from the incident's start. This is "who is pulled from where". */
typedef struct major_unit {
    uint32_t rep;
    int32_t incident;
    int32_t tier;           /* reserve tier, 0-based */
    int32_t unit;           /* unit index, -1 for a pool vehicle */
    int32_t officers;       /* the unit's crew, or the vehicle's officers */
    int32_t from_state;     /* the unit's state when taken (enum model_unit_state: at its
                             * station, post or line, or on its way back from a call); -1 pool */
    int32_t from_node;      /* node index it left from (a pool vehicle: its station) */
    double t_order_s;       /* when it was ordered */
    double t_arrive_s;      /* when it reached the scene; NaN when sent back before */
    double t_release_s;     /* when it was let go (a unit: a phase that needs fewer, or the
                             * end; a pool vehicle: the end); NaN when the run ended first */
} major_unit;

typedef struct rep_result {
    uint32_t rep;
    call_rec *calls; size_t n_calls, cap_calls;
    unit_rec *units; size_t n_units;
    line_rec *lines; size_t n_lines;
    post_rec *posts; size_t n_posts;
    cell_rec *cells; size_t n_cells;
    major_rec *majors; size_t cap_majors, n_majors;
    major_pt *curve; size_t cap_curve, n_curve;
    major_unit *mj_units; size_t cap_mj_units, n_mj_units;
    uint64_t events;        /* events processed, for speed figures */
    /* An unstable system (calls arrive faster than units serve them) is stopped
     * when the queue passes run.max_queue or a wait passes run.max_wait_hours;
     * the calls still open are then unanswered. */
    int32_t unstable;       /* 1 when this replication was stopped so */
    double t_unstable_s;    /* when */
    int32_t queue_at_stop;  /* calls waiting then */
} rep_result;

typedef struct model_ws model_ws;
struct replay;

/* A workspace for running replications of s on one thread; reused between
 * replications so that the event loop does not allocate in steady state. */
model_ws *model_ws_create(const scenario *s); /* NULL when out of memory */
void model_ws_destroy(model_ws *w);           /* NULL is a no-op */

/* Runs replication rep into out (whose arrays it grows as needed; initialise
 * with {0} and free with rep_result_fini). Returns 0, or -1 when out of memory. */
int model_run_rep(model_ws *w, uint32_t rep, rep_result *out);
void rep_result_fini(rep_result *r);

/* Records the next replications run in w into rec (borrowed; replay.h), or stops
 * recording when rec is NULL. Recording changes no result. */
void model_ws_set_replay(model_ws *w, struct replay *rec);

#endif
