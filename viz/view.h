/* view.h - patrolview's model of a replayed run, its camera and its drawing.
 *
 * A view_run is one replication of one results file, loaded whole and indexed so that any
 * moment can be drawn in O(units + visible calls) with binary searches by time:
 *
 *   - each unit's legs, sorted by start time, with the legs that a later decision overtook
 *     removed (a leg recorded later wins from its own start on: a unit sent home while still
 *     on its way to a call that was already cleared); its position at t is the latest leg
 *     started at or before t, interpolated linearly between the leg's nodes;
 *   - each unit's state changes, sorted by time (at equal times the last recorded wins);
 *   - the calls, in order of arrival, each with its own events and dispatch candidates;
 *   - the calls open at every half hour, so the calls open at t are that list plus the calls
 *     received since, filtered;
 *   - step functions for the counters (open calls, queue length, units free, units on duty)
 *     and prefix sums of response times by arrival time for the rolling mean.
 *
 * Nothing in a view_run depends on the simulator's enums: unit states come with their names
 * from the file (state_names), and a state the viewer does not know is drawn in grey under its
 * own name. Units count as free in the states "available", "returning", "patrolling" and
 * "at_post".
 *
 * Loading never trusts the file: every index read from it is range-checked, and a file that
 * is not a patrolsim results file, is truncated, or has no replay gives a message naming the
 * file (view_run_load's err), never a crash.
 *
 * Drawing (view_draw_*) works on any SDL_Renderer: a window's, or a software renderer on a
 * surface for screenshots and frame sequences (no display needed). The camera maps metres (x
 * east, y north) to pixels; view_cam_to_px is what the tests use to find a unit's marker.
 */
#ifndef PATROLSIM_VIEW_H
#define PATROLSIM_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

/* ---- The run -------------------------------------------------------------------------------- */

#define VIEW_NAME 48

typedef struct view_leg {
    double t0_s;       /* start */
    uint32_t first, n; /* points pt_node/pt_t[first .. first+n) */
} view_leg;

typedef struct view_state {
    double t_s;
    int32_t state; /* index into state_names (may exceed n_state_names: unknown) */
    int32_t call;  /* call served, -1 */
} view_state;

typedef struct view_unit {
    char name[VIEW_NAME], group[VIEW_NAME], kind[VIEW_NAME], station[VIEW_NAME], mode[16];
    int kind_idx; /* index into view_run.kinds */
    int crew;
    int32_t home_node;      /* node index, -1 unknown */
    uint32_t leg0, n_legs;  /* its legs: view_run.legs[leg0 .. leg0+n_legs) */
    uint32_t st0, n_states; /* its states: view_run.states[st0 .. st0+n_states) */
} view_unit;

typedef struct view_cand {
    double t_s;
    int32_t rank;
    uint32_t unit;
    double travel_s;
    int32_t sent;
} view_cand;

typedef struct view_cev {
    double t_s;
    int32_t what; /* index into call_event_names */
    int32_t unit;
} view_cev;

typedef struct view_call {
    uint32_t id;
    int32_t type, priority, node, zone, status, unit, units_sent, counted;
    double t_call_s, t_dispatch_s, t_arrive_s, t_clear_s, response_s, target_s, wait_s;
    double t_end_s;         /* when it leaves the map: cleared, diverted (+10 min) or end of run */
    bool queued;            /* it waited for a free unit */
    uint32_t ev0, n_ev;     /* events: view_run.cevs[ev0 .. ev0+n_ev) */
    uint32_t cand0, n_cand; /* candidates: view_run.cands[cand0 .. cand0+n_cand) */
} view_call;

/* A piecewise-constant count: value[i] holds from t[i] on; 0 before t[0]. */
typedef struct view_steps {
    double *t;
    int32_t *value;
    size_t n;
} view_steps;

/* A major incident (/major_reps, when the model has them): where, when, the officers it
 * needs, and its officers-on-scene curve (/major_curve) as steps from its start. */
typedef struct view_major {
    int32_t node;
    double t_start_s, t_end_s;
    int32_t officers, peak_officers;
    bool planned; /* a planned public event (/major_reps random = 2), not an incident */
    uint32_t pt0, n_pts; /* view_run.major_pt_t / major_pt_officers [pt0 .. pt0+n_pts) */
} view_major;

typedef struct view_station {
    char name[VIEW_NAME], kind[VIEW_NAME];
    int32_t node;
    bool is_post; /* a post (garrison, kiosk, checkpoint), not a station */
} view_station;

typedef struct view_run {
    char *path;
    char *title; /* the scenario name and replication, for the pane's heading */
    char *scenario_name;
    uint32_t rep;
    double warmup_s, horizon_s, t_end_s; /* t_end_s: the last recorded moment */
    int start_weekday;                   /* 0 = Monday, -1 unknown */

    /* network */
    size_t n_nodes;
    double *x_m, *y_m;
    int32_t *node_zone; /* scenario zone per node, -1 */
    size_t n_segs;      /* undirected road segments */
    uint32_t *seg_a, *seg_b;
    int32_t *seg_cls;
    char **class_names;
    size_t n_classes;
    double min_x_m, min_y_m, max_x_m, max_y_m;

    /* zones */
    size_t n_zones;
    char (*zone_name)[VIEW_NAME];
    double *zone_x_m, *zone_y_m; /* label position: the node nearest the zone's mean */

    size_t n_stations; /* stations, then posts */
    view_station *stations;

    size_t n_types;
    char (*type_name)[VIEW_NAME];

    size_t n_units;
    view_unit *units;
    char (*kinds)[VIEW_NAME];
    size_t n_kinds;

    /* replay */
    view_leg *legs; /* grouped by unit, by start */
    size_t n_legs;
    uint32_t *pt_node;
    double *pt_t;
    size_t n_pts;
    view_state *states; /* grouped by unit, by time */
    size_t n_states;
    char **state_names;
    size_t n_state_names;
    bool *state_free; /* [n_state_names] */
    char **cev_names;
    size_t n_cev_names;

    size_t n_calls;
    view_call *calls; /* by id = arrival order */
    view_cev *cevs;
    size_t n_cevs;
    view_cand *cands;
    size_t n_cands;

    /* indexes */
    double open_step_s;
    size_t n_open_slots;
    uint32_t *open_start; /* [n_open_slots + 1] into open_ids */
    uint32_t *open_ids;
    view_steps open_calls, queue_len, units_free, units_on;
    double *resp_t;   /* answered calls by arrival time */
    double *resp_cum; /* [n_resp + 1] prefix sums of response_s */
    size_t n_resp;
    uint32_t *major; /* calls that needed more than one unit, by time */
    size_t n_major;
    view_major *majors; /* major incidents of this replication, by start; may be none */
    size_t n_majors;
    double *major_pt_t; /* their officers-on-scene steps, seconds from the start */
    int32_t *major_pt_officers;
    bool state_seen[64]; /* states 0..63 that occur, for the legend */
    uint8_t *seg_patrol; /* [n_segs] 1 when a unit drove it while patrolling */
    bool has_patrol;
} view_run;

/* Loads replication rep of the results file at path (rep < 0: the first one recorded).
 * NULL with a message in err ("FILE: ...") when the file cannot be used. */
view_run *view_run_load(const char *path, int rep, char *err, size_t errlen);
void view_run_free(view_run *r); /* NULL is a no-op */

/* Builds every index from the arrays above (view_run_load calls it; tests that fill a run by
 * hand call it too). The legs and states must already be grouped by unit, each group in the
 * order recorded; this sorts them and removes overtaken legs. 0, or -1 when out of memory. */
int view_run_index(view_run *r);

/* Where unit u is at time t (metres). False when it has no leg at t (then *x, *y are its home
 * or the map's centre). */
bool view_unit_pos(const view_run *r, uint32_t u, double t_s, double *x_m, double *y_m);

/* Unit u's state at t: the index of its state record in r->states, or -1 before its first. */
long view_unit_state_at(const view_run *r, uint32_t u, double t_s);

/* The state's name, "state_<n>" for a number the file does not name (buf holds it). */
const char *view_state_name(const view_run *r, int32_t state, char *buf, size_t len);

/* Value of a step function at t. */
int32_t view_steps_at(const view_steps *s, double t_s);

/* The calls on the map at t (received, not yet gone), ascending ids, into out (cap entries);
 * returns how many there are (may exceed cap). */
size_t view_calls_open(const view_run *r, double t_s, uint32_t *out, size_t cap);

/* Mean response time (s) of the calls first reached within (t - window, t]; NaN when none. */
double view_rolling_response(const view_run *r, double t_s, double window_s);

/* The first call received after t (-1 none); major: only calls that needed several units. */
long view_next_call(const view_run *r, double t_s, bool major);

/* When the next major incident after t starts: one of /major_reps when the file has them,
 * else a call that needed several units (*call is then its id, else -1). NaN when none. */
double view_next_major(const view_run *r, double t_s, long *call);

/* Officers on scene at major incident m at time t. */
int32_t view_major_officers(const view_run *r, size_t m, double t_s);

/* "Day 3 Thu 14:05:09" for t. */
void view_format_clock(const view_run *r, double t_s, char *buf, size_t len);

/* Parses "DAY:HH:MM[:SS]" or seconds ("12345s" or a bare number) into seconds. -1 on error. */
int view_parse_time(const char *s, double *t_s);

/* ---- Camera --------------------------------------------------------------------------------- */

typedef struct view_cam {
    double cx_m, cy_m; /* map point at the centre of the pane */
    double px_per_m;   /* zoom */
    SDL_Rect pane;     /* the pane on screen */
} view_cam;

/* Fits where the calls are (their 10th to 90th percentiles, widened) into the pane;
 * _all fits the whole network. */
void view_cam_fit(view_cam *c, const view_run *r, SDL_Rect pane);
void view_cam_fit_all(view_cam *c, const view_run *r, SDL_Rect pane);
void view_cam_to_px(const view_cam *c, double x_m, double y_m, float *px, float *py);
void view_cam_from_px(const view_cam *c, float px, float py, double *x_m, double *y_m);
/* Zooms by factor keeping the map point under (px, py) where it is. */
void view_cam_zoom_at(view_cam *c, double factor, float px, float py);

/* ---- Drawing -------------------------------------------------------------------------------- */

enum view_layer {
    VIEW_L_ZONES = 1 << 0,
    VIEW_L_ROADS = 1 << 1,
    VIEW_L_STATIONS = 1 << 2,
    VIEW_L_UNITS = 1 << 3,
    VIEW_L_CALLS = 1 << 4,
    VIEW_L_LABELS = 1 << 5,
    VIEW_L_CHART = 1 << 6,
    VIEW_L_PATROL = 1 << 7,
    VIEW_L_LEGEND = 1 << 8,
    VIEW_L_ALL = 0x1ff,
};

/* Glyph atlases of one font in three sizes. */
typedef struct view_font view_font;
view_font *view_font_create(SDL_Renderer *ren, const char *ttf_path, float scale, char *err,
                            size_t errlen);
void view_font_destroy(view_font *f); /* NULL is a no-op */

enum view_text_size { VIEW_T_SMALL = 0, VIEW_T_NORMAL = 1, VIEW_T_LARGE = 2 };

/* Draws UTF-8 text with its top-left at (x, y); returns its width in pixels. Characters
 * outside the atlas show as '?'. */
int view_text(view_font *f, int size, float x, float y, SDL_Color c, const char *s);
int view_text_width(view_font *f, int size, const char *s);
int view_text_height(view_font *f, int size);

/* What is selected in a pane. */
typedef struct view_sel {
    int kind; /* 0 none, 1 unit, 2 call */
    uint32_t index;
} view_sel;

/* The static map layers (zones, roads, patrol lines, stations) of a pane, drawn into a texture
 * and redrawn only when the camera, the layers or the pane change. */
typedef struct view_map_cache {
    SDL_Texture *tex;
    view_cam cam;
    unsigned layers;
    bool valid;
} view_map_cache;
void view_map_cache_fini(view_map_cache *c);

/* Everything drawn in one pane at one moment. anim_s drives the pulse of waiting calls
 * (wall-clock time in the window, a fixed value for reproducible screenshots). */
typedef struct view_frame {
    const view_run *run;
    view_cam cam;
    double t_s;
    double anim_s;
    unsigned layers;
    view_sel sel;
    const char *heading;   /* shown at the top of the pane, NULL for none */
    view_map_cache *cache; /* NULL: draw the map directly (screenshots) */
    bool no_legend;        /* side by side, the left pane leaves the legend to the right one */
} view_frame;

/* Draws the pane: map layers, units, calls, counters, chart, legend, scale bar, details of
 * the selection. */
void view_draw_pane(SDL_Renderer *ren, view_font *font, const view_frame *fr);

/* The seek bar, clock and speed across the bottom strip (rect); speed_x 0 draws "paused". */
void view_draw_timebar(SDL_Renderer *ren, view_font *font, const view_run *r, SDL_Rect rect,
                       double t_s, double speed_x, bool paused);
/* The time the seek bar maps pixel x to. */
double view_timebar_time(const view_run *r, SDL_Rect rect, int x);

/* The help overlay (F1). */
void view_draw_help(SDL_Renderer *ren, view_font *font, SDL_Rect screen);

/* What is under pixel (px, py) in the pane: a unit (preferred) or a call within a few pixels. */
view_sel view_pick(const view_frame *fr, float px, float py);

/* Fill colour of unit kind k (by index), of state name, and of priority p. */
SDL_Color view_kind_colour(int k);
SDL_Color view_state_colour(const char *state_name);
SDL_Color view_priority_colour(int p);

/* ---- PNG ------------------------------------------------------------------------------------ */

/* Writes the surface as an 8-bit RGB PNG. 0, or -1 with a message in err. */
int view_png_write(const char *path, SDL_Surface *s, char *err, size_t errlen);

/* Reads an 8-bit RGB or RGBA PNG into a new ARGB8888 surface (tests). NULL on error. */
SDL_Surface *view_png_read(const char *path, char *err, size_t errlen);

#endif
