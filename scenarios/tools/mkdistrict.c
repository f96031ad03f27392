/* mkdistrict.c - writes the synthetic Ziliujing district map.
 *
 *     mkdistrict <output-directory>     (e.g. build/scenarios/mkdistrict scenarios/ziliujing)
 *
 * writes <dir>/network.txt (the road network, format in scenarios/README.md)
 * and <dir>/places.txt (named places: "<name> <node_id> <x_m> <y_m>").
 *
 * No map of the district comes with the source article, so this program makes
 * a plausible one: Ziliujing is the old centre of Zigong, on the Fuxi river,
 * hilly, with three townships out in the countryside. Coordinates are metres
 * east (x) and north (y) of the city centre. What it builds, in order:
 *
 *   1. The urban core, about 7.2 x 6.2 km with rounded corners: a street grid
 *      whose lines are 150-230 m apart, every line nearest a multiple of 700 m
 *      an arterial; warped and jittered so streets bend with the hills. A few
 *      hills and parks leave holes in the side streets (arterials go through).
 *   2. The Fuxi river across the core from west to east, meandering: nodes
 *      within 50 m of it are dropped and no edge crosses it except 7 bridges.
 *   3. Lanes: within 2.2 km of the centre (the old town) 60% of the blocks,
 *      elsewhere 28%, get one or two inner nodes joined to some of their
 *      corners (alleys, dead ends).
 *   4. Three townships (Zhongquan, Rongbian, Qishu) 10-12 km out, each a small
 *      rotated grid with a main street, 14 villages around it on winding rural
 *      spurs (the article's 42 villages), and highways to the core: two for
 *      Zhongquan, one each for the others, plus rural roads between them.
 *   5. Zones: core nodes belong to the nearest of 23 community centres (7 in
 *      Wuxingjie, the centre; 4 each in Xinjie west, Dongxingsi east, Guojiaao
 *      north, Tanmulin south); township and village nodes to their township;
 *      highway nodes to the nearest community within 1 km of the core, else to
 *      the nearest township.
 *   6. Whatever the river and the holes cut off is dropped (every road is
 *      two-way and open to both modes, so one connected piece is strongly
 *      connected for both), then the places are picked and both files written.
 *
 * Deterministic: a fixed-seed splitmix64, and coordinates rounded to 0.1 m
 * before lengths are computed (lengths are rounded up, so a road is never
 * shorter than the straight line between its ends). The same binary gives the
 * same bytes on every run.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MK_PI 3.14159265358979323846 /* M_PI is POSIX, not C17 */
#define MK_MAX_NODES 6000
#define MK_MAX_LINKS 16000
#define MK_MAX_LINES 64

#define CORE_HALF_X_M  3600.0 /* the core's half width */
#define CORE_HALF_Y_M  3100.0 /* and half height */
#define ARTERIAL_EVERY_M 700.0
#define RIVER_HALF_W_M 50.0
#define N_COMMUNITIES  23
#define N_TOWNSHIPS    3
#define N_ZONES        (N_COMMUNITIES + N_TOWNSHIPS)
#define VILLAGES_PER_TOWNSHIP 14

/* Road classes: name, vehicle and foot speeds (m/s). Urban speeds are typical
 * of a crowded hilly old town (arterial 40 km/h, street 30, lane 15); rural
 * roads wind up and down hills (35 km/h); walking 1.3 m/s, 1.2 on rural climbs. */
enum { CLS_HIGHWAY, CLS_ARTERIAL, CLS_STREET, CLS_LANE, CLS_RURAL, N_CLASSES };
static const struct {
    const char *name;
    double vehicle_mps, foot_mps;
    const char *what;
} mk_class[N_CLASSES] = {
    {"highway", 16.7, 1.3, "60 km/h: the roads out to the townships"},
    {"arterial", 11.1, 1.3, "40 km/h: main roads of the core, township main streets"},
    {"street", 8.3, 1.3, "30 km/h: side streets"},
    {"lane", 4.2, 1.3, "15 km/h: lanes and alleys of the old town and the villages"},
    {"rural", 9.7, 1.2, "35 km/h: winding rural roads to and between villages"},
};

enum node_kind { K_CORE, K_LANE, K_TOWNSHIP, K_VILLAGE, K_HIGHWAY, K_RURAL };

typedef struct mk_node {
    double x, y;
    enum node_kind kind;
    int township;  /* for K_TOWNSHIP and K_VILLAGE */
    int zone;      /* index into zone_name */
    bool alive;    /* survives the connectivity pruning */
    bool arterial; /* on an arterial or highway: where stations and checkpoints go */
    int id;        /* file id, 1.. in output order */
} mk_node;

typedef struct mk_link {
    int a, b;
    int cls;
    double factor; /* length / straight line: bends, slopes */
    int group;     /* which comment heading it is written under */
} mk_link;

enum { G_CORE, G_BRIDGE, G_LANE, G_TOWNSHIP, G_HIGHWAY, G_RURAL, G_VILLAGE, N_GROUPS };
static const char *group_title[N_GROUPS] = {
    "urban core: arterials and streets",
    "bridges over the Fuxi river",
    "lanes and alleys of the urban core",
    "township streets",
    "highways from the core to the townships",
    "rural roads between townships and to the core",
    "villages and their rural spur roads",
};

typedef struct mk {
    uint64_t rng;
    mk_node node[MK_MAX_NODES];
    int n_nodes;
    mk_link link[MK_MAX_LINKS];
    int n_links;
    int n_bridges;
} mk;

static const char *zone_name[N_ZONES] = {
    "Wuxingjie-1",  "Wuxingjie-2",  "Wuxingjie-3",  "Wuxingjie-4", "Wuxingjie-5",
    "Wuxingjie-6",  "Wuxingjie-7",  "Xinjie-1",     "Xinjie-2",    "Xinjie-3",
    "Xinjie-4",     "Dongxingsi-1", "Dongxingsi-2", "Dongxingsi-3", "Dongxingsi-4",
    "Guojiaao-1",   "Guojiaao-2",   "Guojiaao-3",   "Guojiaao-4",  "Tanmulin-1",
    "Tanmulin-2",   "Tanmulin-3",   "Tanmulin-4",   "Zhongquan",   "Rongbian",
    "Qishu",
};

/* The five station subdistricts: name, centre, and their first community. */
static const struct {
    const char *name;
    double x, y;
    int first, count;
} subdistrict[5] = {
    {"Wuxingjie", 0, 0, 0, 7},     /* the old centre */
    {"Xinjie", -2500, 250, 7, 4},  /* west */
    {"Dongxingsi", 2450, -300, 11, 4}, /* east */
    {"Guojiaao", 350, 2250, 15, 4},    /* north */
    {"Tanmulin", -250, -2250, 19, 4},  /* south */
};

static const struct {
    const char *name;
    double x, y;     /* centre */
    int nx, ny;      /* street grid */
    double step_m;   /* grid spacing */
    double angle;    /* grid rotation, radians */
} township[N_TOWNSHIPS] = {
    {"Zhongquan", 3900, 11400, 9, 7, 135, 0.35},
    {"Rongbian", -7300, 8700, 8, 7, 130, -0.25},
    {"Qishu", -10100, -1700, 8, 6, 125, 0.15},
};

/* Hills and parks: side streets stop at their edge. */
static const struct {
    double x, y, r;
} hole[] = {
    {-1500, 1550, 260}, {1850, 1350, 300}, {1250, -1850, 230}, {-2250, -1600, 260},
    {2900, -2300, 220}, {-3000, 2000, 200},
};

/* ------------------------------------------------------------------------ */

static uint64_t rng_next(mk *m)
{
    uint64_t z = (m->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform on [lo, hi). */
static double rng_range(mk *m, double lo, double hi)
{
    return lo + (hi - lo) * (double)(rng_next(m) >> 11) * 0x1.0p-53;
}

static int rng_below(mk *m, int n)
{
    return (int)(rng_next(m) % (uint64_t)n);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mkdistrict: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

/* The river's centre line: y as a function of x, a meander drifting south-east. */
static double river_y(double x)
{
    return 250.0 + 600.0 * sin(x / 1250.0 + 0.6) - 0.12 * x;
}

/* -1 south of the river, +1 north. */
static int river_side(double x, double y)
{
    return y < river_y(x) ? -1 : 1;
}

/* Vertical distance to the river: close enough to its true distance for a gentle meander. */
static bool river_is_near(double x, double y)
{
    return fabs(y - river_y(x)) < RIVER_HALF_W_M;
}

static bool core_contains(double x, double y)
{
    /* A superellipse (nearly a rectangle, rounded corners) with a wobbly edge. */
    double th = atan2(y, x);
    double wobble = 0.06 * sin(3 * th + 1.0) + 0.04 * sin(5 * th + 2.0);
    double r = pow(fabs(x) / CORE_HALF_X_M, 4) + pow(fabs(y) / CORE_HALF_Y_M, 4);
    return r <= 1.0 + wobble;
}

static bool hole_contains(double x, double y)
{
    for (size_t i = 0; i < sizeof hole / sizeof hole[0]; i++)
        if (hypot(x - hole[i].x, y - hole[i].y) < hole[i].r) return true;
    return false;
}

static int node_add(mk *m, double x, double y, enum node_kind kind, int twp)
{
    if (m->n_nodes == MK_MAX_NODES) die("more than %d nodes", MK_MAX_NODES);
    mk_node *nd = &m->node[m->n_nodes];
    /* Round now so that lengths are computed from the coordinates as written. */
    nd->x = round(x * 10) / 10;
    nd->y = round(y * 10) / 10;
    nd->kind = kind;
    nd->township = twp;
    nd->zone = -1;
    nd->alive = true;
    nd->arterial = false;
    return m->n_nodes++;
}

static void link_add(mk *m, int a, int b, int cls, double factor, int group)
{
    if (m->n_links == MK_MAX_LINKS) die("more than %d links", MK_MAX_LINKS);
    if (a == b) die("self-loop at node %d", a);
    m->link[m->n_links++] = (mk_link){a, b, cls, factor, group};
    if (cls == CLS_ARTERIAL || cls == CLS_HIGHWAY) {
        m->node[a].arterial = true;
        m->node[b].arterial = true;
    }
}

/* Grid line positions from -half to +half, gaps lo..hi; marks as arterial the line
 * nearest each multiple of ARTERIAL_EVERY_M. Returns the count. */
static int grid_lines_make(mk *m, double half, double lo, double hi, double *pos, bool *art)
{
    int n = 0;
    for (double p = -half; p <= half && n < MK_MAX_LINES; p += rng_range(m, lo, hi)) {
        pos[n] = p;
        art[n] = false;
        n++;
    }
    for (double a = -ARTERIAL_EVERY_M * floor(half / ARTERIAL_EVERY_M); a <= half;
         a += ARTERIAL_EVERY_M) {
        int best = 0;
        for (int i = 1; i < n; i++)
            if (fabs(pos[i] - a) < fabs(pos[best] - a)) best = i;
        art[best] = true;
    }
    return n;
}

/* ------------------------------------------------------------------------ */
/* 1-3: the urban core.                                                      */

static void core_build(mk *m)
{
    double xs[MK_MAX_LINES], ys[MK_MAX_LINES];
    bool xa[MK_MAX_LINES], ya[MK_MAX_LINES];
    int nx = grid_lines_make(m, CORE_HALF_X_M, 150, 230, xs, xa);
    int ny = grid_lines_make(m, CORE_HALF_Y_M, 150, 230, ys, ya);
    static int at[MK_MAX_LINES][MK_MAX_LINES];
    for (int i = 0; i < nx; i++) {
        for (int j = 0; j < ny; j++) {
            at[i][j] = -1;
            bool art = xa[i] || ya[j];
            /* Arterials are surveyed roads and jitter less than side streets. */
            double jit = art ? 8 : 22;
            double x = xs[i] + 45 * sin(ys[j] / 700 + 0.3) + rng_range(m, -jit, jit);
            double y = ys[j] + 40 * sin(xs[i] / 800 + 1.1) + rng_range(m, -jit, jit);
            if (!core_contains(x, y) || river_is_near(x, y)) continue;
            if (!art && hole_contains(x, y)) continue;
            at[i][j] = node_add(m, x, y, K_CORE, -1);
        }
    }
    /* Bridges: the columns nearest these x positions (arterials where one is near). */
    static const double bridge_x[] = {-2900, -1850, -950, -100, 800, 1750, 2750};
    int n_bridge_cols = (int)(sizeof bridge_x / sizeof bridge_x[0]);
    bool bridge_col[MK_MAX_LINES] = {false};
    for (int k = 0; k < n_bridge_cols; k++) {
        int best = -1;
        for (int i = 0; i < nx; i++) {
            /* Prefer an arterial within 250 m; otherwise the nearest street. */
            double d = fabs(xs[i] - bridge_x[k]) - (xa[i] ? 250 : 0);
            if (best < 0 || d < fabs(xs[best] - bridge_x[k]) - (xa[best] ? 250 : 0)) best = i;
        }
        bridge_col[best] = true;
    }
    for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
            int v = at[i][j];
            if (v < 0) continue;
            const mk_node *p = &m->node[v];
            if (i + 1 < nx && at[i + 1][j] >= 0) {
                const mk_node *q = &m->node[at[i + 1][j]];
                bool cross = river_side(p->x, p->y) != river_side(q->x, q->y);
                /* A few side streets are missing: steps, a wall, a building across. */
                if (!cross && (ya[j] || rng_range(m, 0, 1) > 0.05))
                    link_add(m, v, at[i + 1][j], ya[j] ? CLS_ARTERIAL : CLS_STREET,
                             ya[j] ? rng_range(m, 1.01, 1.04) : rng_range(m, 1.02, 1.08),
                             G_CORE);
            }
            if (j + 1 < ny && at[i][j + 1] >= 0) {
                const mk_node *q = &m->node[at[i][j + 1]];
                bool cross = river_side(p->x, p->y) != river_side(q->x, q->y);
                if (!cross && (xa[i] || rng_range(m, 0, 1) > 0.05))
                    link_add(m, v, at[i][j + 1], xa[i] ? CLS_ARTERIAL : CLS_STREET,
                             xa[i] ? rng_range(m, 1.01, 1.04) : rng_range(m, 1.02, 1.08),
                             G_CORE);
            }
        }
    }
    /* Each bridge joins the nodes of its column nearest the river on either side. */
    for (int i = 0; i < nx; i++) {
        if (!bridge_col[i]) continue;
        int south = -1, north = -1;
        for (int j = 0; j < ny; j++) {
            int v = at[i][j];
            if (v < 0) continue;
            if (river_side(m->node[v].x, m->node[v].y) < 0)
                south = v;
            else if (north < 0)
                north = v;
        }
        if (south < 0 || north < 0) die("bridge column %d does not cross the river", i);
        link_add(m, south, north, xa[i] ? CLS_ARTERIAL : CLS_STREET, rng_range(m, 1.02, 1.05),
                 G_BRIDGE);
        m->n_bridges++;
    }
    /* Lanes inside blocks. */
    for (int j = 0; j + 1 < ny; j++) {
        for (int i = 0; i + 1 < nx; i++) {
            int c[4] = {at[i][j], at[i + 1][j], at[i + 1][j + 1], at[i][j + 1]}; /* SW SE NE NW */
            if (c[0] < 0 || c[1] < 0 || c[2] < 0 || c[3] < 0) continue;
            double cx = 0, cy = 0;
            for (int k = 0; k < 4; k++) {
                cx += m->node[c[k]].x / 4;
                cy += m->node[c[k]].y / 4;
            }
            double p = hypot(cx, cy) < 2200 ? 0.6 : 0.28;
            if (rng_range(m, 0, 1) >= p) continue;
            if (river_is_near(cx, cy) || hole_contains(cx, cy)) continue;
            int side = river_side(cx, cy);
            if (rng_range(m, 0, 1) < 0.7) {
                /* One inner node, joined to one to three corners. */
                /* One draw per statement: the order in which a call's arguments are
                 * evaluated is unspecified (gcc and clang differ), and the committed map
                 * was made with the y offset drawn first. */
                double dy = rng_range(m, -15, 15), dx = rng_range(m, -15, 15);
                int v = node_add(m, cx + dx, cy + dy, K_LANE, -1);
                int k0 = rng_below(m, 4), nk = 1 + rng_below(m, 3);
                for (int k = 0; k < nk; k++) {
                    int w = c[(k0 + k) % 4];
                    if (river_side(m->node[w].x, m->node[w].y) == side)
                        link_add(m, v, w, CLS_LANE, rng_range(m, 1.05, 1.25), G_LANE);
                }
            } else {
                /* An alley across the block: west half node, east half node. */
                double wx = (m->node[c[0]].x + m->node[c[3]].x) / 2;
                double ex = (m->node[c[1]].x + m->node[c[2]].x) / 2;
                int a = node_add(m, cx - (cx - wx) / 2, cy + rng_range(m, -20, 20), K_LANE, -1);
                int b = node_add(m, cx + (ex - cx) / 2, cy + rng_range(m, -20, 20), K_LANE, -1);
                if (river_side(m->node[a].x, m->node[a].y) != side ||
                    river_side(m->node[b].x, m->node[b].y) != side)
                    continue; /* dropped by the pruning: they have no links */
                link_add(m, a, b, CLS_LANE, rng_range(m, 1.05, 1.2), G_LANE);
                int wa = c[rng_below(m, 2) ? 0 : 3], wb = c[rng_below(m, 2) ? 1 : 2];
                if (river_side(m->node[wa].x, m->node[wa].y) == side)
                    link_add(m, a, wa, CLS_LANE, rng_range(m, 1.05, 1.25), G_LANE);
                if (river_side(m->node[wb].x, m->node[wb].y) == side)
                    link_add(m, b, wb, CLS_LANE, rng_range(m, 1.05, 1.25), G_LANE);
            }
        }
    }
}

/* The alive core node nearest (x, y); arterial_only restricts to arterial nodes. */
static int core_nearest(const mk *m, double x, double y, bool arterial_only)
{
    int best = -1;
    double best_d = INFINITY;
    for (int v = 0; v < m->n_nodes; v++) {
        const mk_node *nd = &m->node[v];
        if (!nd->alive || nd->kind != K_CORE || (arterial_only && !nd->arterial)) continue;
        double d = hypot(nd->x - x, nd->y - y);
        if (d < best_d) {
            best_d = d;
            best = v;
        }
    }
    if (best < 0) die("no core node near (%.0f, %.0f)", x, y);
    return best;
}

/* ------------------------------------------------------------------------ */
/* 4: townships, villages, highways, rural roads.                            */

typedef struct twp_grid {
    int first, count; /* its nodes are first .. first + count - 1 (some may be -1 holes) */
    int centre;       /* node nearest the centre: the police post */
} twp_grid;

static twp_grid township_build(mk *m, int t)
{
    int nx = township[t].nx, ny = township[t].ny;
    double c = cos(township[t].angle), s = sin(township[t].angle), st = township[t].step_m;
    int at[16][16];
    twp_grid tg = {m->n_nodes, 0, -1};
    int main_row = ny / 2;
    for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
            double u = (i - (nx - 1) / 2.0) * st + rng_range(m, -18, 18);
            double w = (j - (ny - 1) / 2.0) * st + rng_range(m, -18, 18);
            /* Settlements thin out at their corners. */
            bool corner = (i == 0 || i == nx - 1) && (j == 0 || j == ny - 1);
            if (corner && j != main_row) {
                at[i][j] = -1;
                continue;
            }
            at[i][j] = node_add(m, township[t].x + c * u - s * w, township[t].y + s * u + c * w,
                                K_TOWNSHIP, t);
        }
    }
    for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
            if (at[i][j] < 0) continue;
            if (i + 1 < nx && at[i + 1][j] >= 0)
                link_add(m, at[i][j], at[i + 1][j], j == main_row ? CLS_ARTERIAL : CLS_STREET,
                         rng_range(m, 1.02, 1.08), G_TOWNSHIP);
            if (j + 1 < ny && at[i][j + 1] >= 0 && (i % 2 == 0 || rng_range(m, 0, 1) < 0.6))
                link_add(m, at[i][j], at[i][j + 1], CLS_LANE, rng_range(m, 1.03, 1.15),
                         G_TOWNSHIP);
        }
    }
    tg.count = m->n_nodes - tg.first;
    tg.centre = at[nx / 2][main_row];
    return tg;
}

/* The node of township t's grid nearest (x, y). */
static int township_nearest(const mk *m, const twp_grid *tg, double x, double y)
{
    int best = -1;
    double best_d = INFINITY;
    for (int v = tg->first; v < tg->first + tg->count; v++) {
        double d = hypot(m->node[v].x - x, m->node[v].y - y);
        if (d < best_d) {
            best_d = d;
            best = v;
        }
    }
    return best;
}

/* A road from node a to node b through intermediate nodes about every step_m,
 * bowed sideways by up to `bow` metres (a sine), so it winds like a hill road.
 * Returns the node near the given fraction of the way (for checkpoints), or -1. */
static int road_build(mk *m, int a, int b, int cls, double step_m, double bow, double factor_lo,
                      double factor_hi, enum node_kind kind, int twp, int group, double mark_at)
{
    double ax = m->node[a].x, ay = m->node[a].y, bx = m->node[b].x, by = m->node[b].y;
    double len = hypot(bx - ax, by - ay);
    int k = (int)ceil(len / step_m);
    if (k < 1) k = 1;
    double px = -(by - ay) / len, py = (bx - ax) / len; /* unit normal */
    double b1 = rng_range(m, -bow, bow), b3 = rng_range(m, -bow / 3, bow / 3);
    int prev = a, mark = -1;
    for (int i = 1; i < k; i++) {
        double f = (double)i / k;
        double off = b1 * sin(MK_PI * f) + b3 * sin(3 * MK_PI * f);
        int v = node_add(m, ax + f * (bx - ax) + off * px, ay + f * (by - ay) + off * py, kind,
                         twp);
        link_add(m, prev, v, cls, rng_range(m, factor_lo, factor_hi), group);
        if (mark < 0 && f >= mark_at) mark = v;
        prev = v;
    }
    link_add(m, prev, b, cls, rng_range(m, factor_lo, factor_hi), group);
    return mark;
}

/* The villages of township t: each a cluster of 2-3 nodes, reached by a rural spur
 * from the nearest node already in the township's countryside. */
static void villages_build(mk *m, int t, const twp_grid *tg)
{
    int placed[VILLAGES_PER_TOWNSHIP];
    int first_rural = m->n_nodes;
    for (int k = 0; k < VILLAGES_PER_TOWNSHIP; k++) {
        double x = 0, y = 0;
        for (int tries = 0;; tries++) {
            if (tries > 1000) die("no room for a village of %s", township[t].name);
            double ang = rng_range(m, 0, 2 * MK_PI), r = rng_range(m, 1100, 4200);
            x = township[t].x + r * cos(ang);
            y = township[t].y + r * sin(ang);
            /* Keep villages out of the city and out of the other townships' country. */
            bool ok = hypot(x, y) > 6000;
            for (int u = 0; u < N_TOWNSHIPS && ok; u++)
                if (u != t && hypot(x - township[u].x, y - township[u].y) <
                                  hypot(x - township[t].x, y - township[t].y) + 500)
                    ok = false;
            for (int q = 0; q < k && ok; q++)
                if (hypot(x - m->node[placed[q]].x, y - m->node[placed[q]].y) < 900) ok = false;
            if (ok) break;
        }
        /* Join it to the nearest node of this township's country built so far. */
        int near = -1;
        double near_d = INFINITY;
        for (int v = tg->first; v < m->n_nodes; v++) {
            if (v >= tg->first + tg->count && v < first_rural) continue;
            double d = hypot(m->node[v].x - x, m->node[v].y - y);
            if (d < near_d) {
                near_d = d;
                near = v;
            }
        }
        int c = node_add(m, x, y, K_VILLAGE, t);
        placed[k] = c;
        road_build(m, near, c, CLS_RURAL, 600, 150, 1.12, 1.3, K_VILLAGE, t, G_VILLAGE, 2);
        int extra = 1 + rng_below(m, 2);
        for (int e = 0; e < extra; e++) {
            double ang = rng_range(m, 0, 2 * MK_PI), r = rng_range(m, 90, 220);
            int h = node_add(m, x + r * cos(ang), y + r * sin(ang), K_VILLAGE, t);
            link_add(m, c, h, CLS_LANE, rng_range(m, 1.05, 1.2), G_VILLAGE);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* 5-6: zones, pruning, places, output.                                      */

typedef struct community {
    double x, y;
} community;

/* Community centres: Wuxingjie's seven as a centre and a ring, the others as a
 * 2 x 2 block around their subdistrict centre, all nudged a little. */
static void communities_place(mk *m, community *cc)
{
    for (int s = 0; s < 5; s++) {
        for (int k = 0; k < subdistrict[s].count; k++) {
            double x, y;
            if (s == 0) {
                double ang = 2 * MK_PI * (k - 1) / 6 + 0.3;
                x = k == 0 ? 0 : 1100 * cos(ang);
                y = k == 0 ? 0 : 1000 * sin(ang);
            } else {
                x = (k % 2 ? 600 : -600);
                y = (k / 2 ? -650 : 650);
            }
            cc[subdistrict[s].first + k].x = subdistrict[s].x + x + rng_range(m, -120, 120);
            cc[subdistrict[s].first + k].y = subdistrict[s].y + y + rng_range(m, -120, 120);
        }
    }
}

static int community_nearest(const community *cc, double x, double y)
{
    int best = 0;
    for (int k = 1; k < N_COMMUNITIES; k++)
        if (hypot(cc[k].x - x, cc[k].y - y) < hypot(cc[best].x - x, cc[best].y - y)) best = k;
    return best;
}

static void zones_assign(mk *m, const community *cc)
{
    for (int v = 0; v < m->n_nodes; v++) {
        mk_node *nd = &m->node[v];
        switch (nd->kind) {
        case K_CORE:
        case K_LANE: nd->zone = community_nearest(cc, nd->x, nd->y); break;
        case K_TOWNSHIP:
        case K_VILLAGE: nd->zone = N_COMMUNITIES + nd->township; break;
        case K_HIGHWAY:
        case K_RURAL: {
            double d_core = INFINITY;
            for (int u = 0; u < m->n_nodes; u++)
                if (m->node[u].kind == K_CORE)
                    d_core = fmin(d_core, hypot(m->node[u].x - nd->x, m->node[u].y - nd->y));
            if (d_core < 1000) {
                nd->zone = community_nearest(cc, nd->x, nd->y);
            } else {
                int best = 0;
                for (int t = 1; t < N_TOWNSHIPS; t++)
                    if (hypot(township[t].x - nd->x, township[t].y - nd->y) <
                        hypot(township[best].x - nd->x, township[best].y - nd->y))
                        best = t;
                nd->zone = N_COMMUNITIES + best;
            }
            break;
        }
        }
    }
}

/* Keeps the connected piece that holds `root`; drops the rest and their links. */
static void prune(mk *m, int root)
{
    static int head[MK_MAX_NODES], next[2 * MK_MAX_LINKS], to[2 * MK_MAX_LINKS];
    static int queue[MK_MAX_NODES];
    static bool seen[MK_MAX_NODES];
    for (int v = 0; v < m->n_nodes; v++) {
        head[v] = -1;
        seen[v] = false;
    }
    for (int l = 0; l < m->n_links; l++) {
        int a = m->link[l].a, b = m->link[l].b;
        to[2 * l] = b;
        next[2 * l] = head[a];
        head[a] = 2 * l;
        to[2 * l + 1] = a;
        next[2 * l + 1] = head[b];
        head[b] = 2 * l + 1;
    }
    int qh = 0, qt = 0;
    queue[qt++] = root;
    seen[root] = true;
    while (qh < qt) {
        int v = queue[qh++];
        for (int k = head[v]; k >= 0; k = next[k])
            if (!seen[to[k]]) {
                seen[to[k]] = true;
                queue[qt++] = to[k];
            }
    }
    for (int v = 0; v < m->n_nodes; v++) m->node[v].alive = seen[v];
    int kept = 0;
    for (int l = 0; l < m->n_links; l++)
        if (seen[m->link[l].a]) m->link[kept++] = m->link[l];
    m->n_links = kept;
}

/* The alive node nearest (x, y) satisfying the filter and not yet taken. */
static int place_pick(const mk *m, double x, double y, bool arterial_only, int kind,
                      const int *taken, int n_taken)
{
    int best = -1;
    double best_d = INFINITY;
    for (int v = 0; v < m->n_nodes; v++) {
        const mk_node *nd = &m->node[v];
        if (!nd->alive || (arterial_only && !nd->arterial) || (kind >= 0 && (int)nd->kind != kind))
            continue;
        bool used = false;
        for (int i = 0; i < n_taken; i++) used = used || taken[i] == v;
        if (used) continue;
        double d = hypot(nd->x - x, nd->y - y);
        if (d < best_d) {
            best_d = d;
            best = v;
        }
    }
    if (best < 0) die("no node for a place near (%.0f, %.0f)", x, y);
    return best;
}

typedef struct place {
    char name[32];
    int node;
    const char *why;
} place;

static FILE *file_open(const char *dir, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) die("cannot write %s: %s", path, strerror(errno));
    return f;
}

static void file_close(FILE *f, const char *path)
{
    if (ferror(f) || fclose(f) != 0) die("error writing %s", path);
}

static double link_length(const mk *m, const mk_link *l)
{
    const mk_node *a = &m->node[l->a], *b = &m->node[l->b];
    /* Round up to 0.1 m: never shorter than the straight line, never below 1 m. */
    double len = ceil(hypot(b->x - a->x, b->y - a->y) * l->factor * 10) / 10;
    return len < 1 ? 1 : len;
}

static const char *file_header =
    "# Generated by scenarios/tools/mkdistrict.c; do not edit by hand. To regenerate:\n"
    "#     cmake --build build --target mkdistrict && build/scenarios/mkdistrict "
    "scenarios/ziliujing\n"
    "# A synthetic map of Ziliujing district (Zigong, Sichuan): no real map comes with the\n"
    "# source article, so the layout is made up to be plausible (see scenarios/README.md,\n"
    "# \"The Ziliujing district map\"). Coordinates are metres east (x) and north (y) of the\n"
    "# city centre.\n";

static void network_write(const mk *m, const char *dir, int n_alive, const int *zone_count)
{
    char path[4096];
    FILE *f = file_open(dir, "network.txt", path, sizeof path);
    fputs(file_header, f);
    fprintf(f, "#\n# %d nodes, %d two-way roads (%d directed edges), %d bridges; zones: 23 urban\n"
               "# communities in 5 station subdistricts, and 3 townships.\n",
            n_alive, m->n_links, 2 * m->n_links, m->n_bridges);
    fprintf(f, "#\n# Nodes per zone:");
    for (int z = 0; z < N_ZONES; z++)
        fprintf(f, "%s %s %d", z % 5 == 0 ? "\n#  " : ",", zone_name[z], zone_count[z]);
    fprintf(f, "\n\npatrolsim-network 1\n\n# class <name> <vehicle_mps> <foot_mps>\n");
    for (int c = 0; c < N_CLASSES; c++)
        fprintf(f, "class %-8s %4.1f %.1f   # %s\n", mk_class[c].name, mk_class[c].vehicle_mps,
                mk_class[c].foot_mps, mk_class[c].what);
    fprintf(f, "\n# node <id> <x_m> <y_m> <zone>\n");
    for (int v = 0; v < m->n_nodes; v++) {
        const mk_node *nd = &m->node[v];
        if (nd->alive)
            fprintf(f, "node %d %.1f %.1f %s\n", nd->id, nd->x, nd->y, zone_name[nd->zone]);
    }
    fprintf(f, "\n# road <a> <b> <length_m> <class>   (two-way)\n");
    for (int g = 0; g < N_GROUPS; g++) {
        fprintf(f, "\n# %s\n", group_title[g]);
        for (int l = 0; l < m->n_links; l++) {
            const mk_link *k = &m->link[l];
            if (k->group != g) continue;
            fprintf(f, "road %d %d %.1f %s\n", m->node[k->a].id, m->node[k->b].id,
                    link_length(m, k), mk_class[k->cls].name);
        }
    }
    file_close(f, path);
}

static void places_write(const mk *m, const char *dir, const place *pl, int n)
{
    char path[4096];
    FILE *f = file_open(dir, "places.txt", path, sizeof path);
    fputs(file_header, f);
    fprintf(f, "#\n# Named places on network.txt: <name> <node_id> <x_m> <y_m>. The node is the\n"
               "# place; x and y repeat its coordinates for readers of this file.\n\n");
    for (int i = 0; i < n; i++) {
        const mk_node *nd = &m->node[pl[i].node];
        fprintf(f, "%-20s %5d %8.1f %8.1f   # %s\n", pl[i].name, nd->id, nd->x, nd->y, pl[i].why);
    }
    file_close(f, path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkdistrict <output-directory>\n"
                        "writes <dir>/network.txt and <dir>/places.txt (the Ziliujing map)\n");
        return 2;
    }
    const char *dir = argv[1];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) die("cannot create %s: %s", dir, strerror(errno));

    static mk m;
    m.rng = 20161130; /* the article's date */

    core_build(&m);
    twp_grid tg[N_TOWNSHIPS];
    for (int t = 0; t < N_TOWNSHIPS; t++) tg[t] = township_build(&m, t);

    /* Highways leave the core from arterial nodes near these points. A checkpoint
     * goes at the core exit and another about 1.5 km before the township. */
    static const struct {
        int township;
        double x, y;
        bool checkpoints;
    } hw[] = {
        {0, 500, 3300, true},     /* north, to Zhongquan */
        {0, 3000, 2700, false},   /* north-east, Zhongquan's second road */
        {1, -2800, 2700, true},   /* north-west, to Rongbian */
        {2, -3800, -900, true},   /* west, to Qishu */
    };
    int hw_exit[4], hw_mark[4];
    for (int h = 0; h < 4; h++) {
        int t = hw[h].township;
        int from = core_nearest(&m, hw[h].x, hw[h].y, true);
        int to = township_nearest(&m, &tg[t], m.node[from].x, m.node[from].y);
        double len = hypot(m.node[to].x - m.node[from].x, m.node[to].y - m.node[from].y);
        hw_exit[h] = from;
        hw_mark[h] = road_build(&m, from, to, CLS_HIGHWAY, 500, 450, 1.04, 1.10, K_HIGHWAY, -1,
                                G_HIGHWAY, 1.0 - 1500.0 / len);
    }
    /* Rural roads: Rongbian to Zhongquan and to Qishu, and Qishu to the core's south-west. */
    int rz_a = township_nearest(&m, &tg[1], township[0].x, township[0].y);
    int rz_b = township_nearest(&m, &tg[0], township[1].x, township[1].y);
    road_build(&m, rz_a, rz_b, CLS_RURAL, 600, 600, 1.12, 1.3, K_RURAL, -1, G_RURAL, 2);
    int rq_a = township_nearest(&m, &tg[1], township[2].x, township[2].y);
    int rq_b = township_nearest(&m, &tg[2], township[1].x, township[1].y);
    road_build(&m, rq_a, rq_b, CLS_RURAL, 600, 500, 1.12, 1.3, K_RURAL, -1, G_RURAL, 2);
    int sw = core_nearest(&m, -3300, -2600, false);
    int qs = township_nearest(&m, &tg[2], m.node[sw].x, m.node[sw].y);
    road_build(&m, sw, qs, CLS_RURAL, 600, 400, 1.12, 1.3, K_RURAL, -1, G_RURAL, 2);

    for (int t = 0; t < N_TOWNSHIPS; t++) villages_build(&m, t, &tg[t]);

    prune(&m, core_nearest(&m, 0, 0, true));

    community cc[N_COMMUNITIES];
    communities_place(&m, cc);
    zones_assign(&m, cc);

    int n_alive = 0, zone_count[N_ZONES] = {0};
    for (int v = 0; v < m.n_nodes; v++) {
        if (!m.node[v].alive) continue;
        m.node[v].id = ++n_alive;
        zone_count[m.node[v].zone]++;
    }
    for (int z = 0; z < N_ZONES; z++)
        if (zone_count[z] == 0) die("zone %s has no nodes", zone_name[z]);
    for (int t = 0; t < N_TOWNSHIPS; t++)
        if (!m.node[tg[t].centre].alive) die("%s is cut off", township[t].name);

    /* Places. Stations sit on an arterial near the middle of their subdistrict's nodes. */
    place pl[32];
    int taken[32], n = 0;
#define PLACE_ADD(v, why_)                                                                         \
    do {                                                                                           \
        pl[n].node = (v);                                                                          \
        pl[n].why = (why_);                                                                        \
        taken[n] = (v);                                                                            \
        n++;                                                                                       \
    } while (0)
    for (int s = 0; s < 5; s++) {
        double sx = 0, sy = 0;
        int cnt = 0;
        for (int v = 0; v < m.n_nodes; v++) {
            const mk_node *nd = &m.node[v];
            if (!nd->alive || nd->zone < subdistrict[s].first ||
                nd->zone >= subdistrict[s].first + subdistrict[s].count)
                continue;
            sx += nd->x;
            sy += nd->y;
            cnt++;
        }
        snprintf(pl[n].name, sizeof pl[n].name, "%s-station", subdistrict[s].name);
        PLACE_ADD(place_pick(&m, sx / cnt, sy / cnt, true, K_CORE, taken, n),
                  "police station, on an arterial near the middle of its subdistrict");
    }
    static const struct {
        const char *name;
        double x, y;
        bool arterial;
        const char *why;
    } landmark[] = {
        {"Dongfang-Square", 350, -300, false, "garrison point and police kiosk, city centre"},
        {"Railway-Station", 1150, -850, true, "garrison point and police kiosk"},
        {"Tanmulin-Stadium", 350, -1900, false, "police kiosk"},
        {"Guangda-Street", -800, 350, true, "police kiosk, a main shopping street"},
    };
    for (size_t i = 0; i < sizeof landmark / sizeof landmark[0]; i++) {
        snprintf(pl[n].name, sizeof pl[n].name, "%s", landmark[i].name);
        PLACE_ADD(place_pick(&m, landmark[i].x, landmark[i].y, landmark[i].arterial, K_CORE,
                             taken, n),
                  landmark[i].why);
    }
    /* Checkpoints 1-5 at the core's edge (three highway exits, the east and south
     * arterial exits), 6-8 on the township highways before each township. */
    int cp = 0;
    for (int h = 0; h < 4; h++) {
        if (!hw[h].checkpoints) continue;
        snprintf(pl[n].name, sizeof pl[n].name, "Checkpoint-%d", ++cp);
        PLACE_ADD(hw_exit[h], "checkpoint: highway exit at the edge of the urban core");
    }
    snprintf(pl[n].name, sizeof pl[n].name, "Checkpoint-%d", ++cp);
    PLACE_ADD(place_pick(&m, 3900, -1200, true, K_CORE, taken, n),
              "checkpoint: east arterial exit of the urban core");
    snprintf(pl[n].name, sizeof pl[n].name, "Checkpoint-%d", ++cp);
    PLACE_ADD(place_pick(&m, -600, -3400, true, K_CORE, taken, n),
              "checkpoint: south arterial exit of the urban core");
    for (int h = 0; h < 4; h++) {
        if (!hw[h].checkpoints) continue;
        snprintf(pl[n].name, sizeof pl[n].name, "Checkpoint-%d", ++cp);
        if (hw_mark[h] < 0) die("highway %d too short for a checkpoint", h);
        PLACE_ADD(hw_mark[h], "checkpoint: on the township highway, ~1.5 km before the township");
    }
    for (int t = 0; t < N_TOWNSHIPS; t++) {
        snprintf(pl[n].name, sizeof pl[n].name, "%s-post", township[t].name);
        PLACE_ADD(tg[t].centre, "township police post, on the main street");
    }
#undef PLACE_ADD
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (pl[i].node == pl[j].node) die("%s and %s share a node", pl[i].name, pl[j].name);

    network_write(&m, dir, n_alive, zone_count);
    places_write(&m, dir, pl, n);

    fprintf(stderr, "mkdistrict: %s: %d nodes, %d roads (%d edges), %d bridges, %d places\n", dir,
            n_alive, m.n_links, 2 * m.n_links, m.n_bridges, n);
    return 0;
}
