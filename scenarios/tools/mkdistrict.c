/* mkdistrict.c - writes the synthetic Ziliujing district map.
 *
 *     mkdistrict <output-directory>     (e.g. build/scenarios/mkdistrict scenarios/ziliujing)
 *
 * writes <dir>/network.txt (the road network, format in scenarios/README.md)
 * and <dir>/places.txt (named places: "<name> <node_id> <x_m> <y_m>"), and the
 * operations data on that map: <dir>/cells.txt (the 171 grid cells),
 * <dir>/cameras.txt (the 596 camera channels of 2016) and <dir>/routes.txt (the
 * patrol lines and the community patrol lines with their check-in points).
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
 *   7. The operations data, from a random stream of its own so that the map
 *      never depends on it: grid cells (k-means, then grown along roads),
 *      cameras (weighted draws near the places, on main roads, at
 *      intersections), patrol lines (drawn through anchors along roads, pinned
 *      by waypoints) and community lines (check-in points spread over each
 *      community, in walking order).
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
    int village[N_TOWNSHIPS][VILLAGES_PER_TOWNSHIP]; /* each village's centre node */
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
        m->village[t][k] = c;
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

/* ------------------------------------------------------------------------ */
/* 7: operations data: grid cells, cameras and patrol routes.                */
/*
 * Made after the map is written, from a stream of their own (the random state
 * is reseeded), so that network.txt and places.txt never depend on this part:
 * changing a camera cannot move a road. The three files are read by the
 * operations model (formats in scenarios/README.md, "Operations data: cells,
 * cameras, routes"); what follows makes them plausible, the article gives only
 * the counts.
 */

#define OPS_SEED          20160601 /* June 2016: the date of the camera estate */
#define N_URBAN_CELLS     129      /* the 23 communities' full-time grid workers */
#define N_COMMUNITY_LINES 56
#define N_CHECKINS        690
#define CHECKINS_MIN      10
#define CHECKINS_MAX      15
#define N_CELLS_MAX       (N_URBAN_CELLS + N_TOWNSHIPS * VILLAGES_PER_TOWNSHIP)
#define OPS_MAX_PATH      4096
#define OPS_MAX_WAYPOINTS 512
#define OPS_MAX_CAMERAS   1024
#define OPS_HEAP_CAP      (2 * MK_MAX_LINKS + MK_MAX_NODES)

/* What a path search minimises. COST_VEHICLE and COST_FOOT are the travel times
 * patrolsim's travel model minimises; the others are a planner's preferences,
 * used to draw a route's intended course (main roads for cars, back lanes for
 * the lane patrols) before waypoints pin it down. */
enum { COST_VEHICLE, COST_FOOT, COST_VEHICLE_MAIN, COST_FOOT_LANES, COST_LENGTH };

/* A patrol route's intended course: nodes along roads; link[i] joins node[i]
 * and node[i + 1]; a loop's course ends where it starts. Waypoints are indices
 * into node[]. */
typedef struct ops_route {
    int node[OPS_MAX_PATH], link[OPS_MAX_PATH], n;
    int wp[OPS_MAX_WAYPOINTS], n_wp;
    int n_added;  /* waypoints added so that the fastest path between waypoints is the course */
    int n_detour; /* one-link segments the fastest path would still avoid (should be 0) */
    double len_m; /* the course, one way */
} ops_route;

typedef struct ops_camera {
    int node, kind, year;
} ops_camera;

typedef struct ops {
    mk *m; /* the map; only its random state changes here */
    const community *cc;
    const place *pl;
    int n_places;
    /* both directions of every link: for node v, k = head[v]; k >= 0; k = next[k] */
    int head[MK_MAX_NODES], next[2 * MK_MAX_LINKS], to[2 * MK_MAX_LINKS], via[2 * MK_MAX_LINKS];
    double len_m[MK_MAX_LINKS];    /* each link's length as written in network.txt */
    int degree[MK_MAX_NODES];      /* links at the node */
    int main_degree[MK_MAX_NODES]; /* arterial and highway links at the node */
    /* search workspace */
    double dist[MK_MAX_NODES];
    int pred[MK_MAX_NODES]; /* previous node on the best path, -1 at a source */
    int pred_link[MK_MAX_NODES];
    int label[MK_MAX_NODES]; /* the source whose search reached the node first */
    double heap_key[OPS_HEAP_CAP];
    int heap_node[OPS_HEAP_CAP];
    int heap_n;
    /* results */
    int cell[MK_MAX_NODES]; /* cell index of each alive node */
    char cell_name[N_CELLS_MAX][40];
    int n_cells, n_split_cells; /* cells whose nodes are not connected inside the cell */
    ops_camera cam[OPS_MAX_CAMERAS];
    int n_cams;
    ops_route r;
} ops;

static void ops_init(ops *o, mk *m, const community *cc, const place *pl, int n_places)
{
    o->m = m;
    o->cc = cc;
    o->pl = pl;
    o->n_places = n_places;
    for (int v = 0; v < m->n_nodes; v++) {
        o->head[v] = -1;
        o->degree[v] = o->main_degree[v] = 0;
    }
    for (int l = 0; l < m->n_links; l++) {
        const mk_link *k = &m->link[l];
        int ends[2] = {k->a, k->b};
        for (int e = 0; e < 2; e++) {
            int s = 2 * l + e;
            o->to[s] = ends[1 - e];
            o->via[s] = l;
            o->next[s] = o->head[ends[e]];
            o->head[ends[e]] = s;
            o->degree[ends[e]]++;
            if (k->cls == CLS_ARTERIAL || k->cls == CLS_HIGHWAY) o->main_degree[ends[e]]++;
        }
        o->len_m[l] = link_length(m, k);
    }
}

static double link_cost(const ops *o, int l, int cost)
{
    int cls = o->m->link[l].cls;
    double len = o->len_m[l];
    switch (cost) {
    case COST_VEHICLE:
        return len / mk_class[cls].vehicle_mps;
    case COST_FOOT:
        return len / mk_class[cls].foot_mps;
    case COST_VEHICLE_MAIN:
        return len / mk_class[cls].vehicle_mps *
               (cls == CLS_ARTERIAL || cls == CLS_HIGHWAY ? 0.7 : 1.0);
    case COST_FOOT_LANES:
        return len / mk_class[cls].foot_mps *
               (cls == CLS_LANE       ? 0.5
                : cls == CLS_ARTERIAL ? 1.5
                                      : 1.0);
    default:
        return len;
    }
}

/* A binary heap of (key, node), ties broken by node so that every search is
 * reproducible; stale entries are skipped when popped (lazy deletion). */
static bool heap_less(const ops *o, int i, int j)
{
    return o->heap_key[i] < o->heap_key[j] ||
           (o->heap_key[i] == o->heap_key[j] && o->heap_node[i] < o->heap_node[j]);
}

static void heap_swap(ops *o, int i, int j)
{
    double k = o->heap_key[i];
    int v = o->heap_node[i];
    o->heap_key[i] = o->heap_key[j];
    o->heap_node[i] = o->heap_node[j];
    o->heap_key[j] = k;
    o->heap_node[j] = v;
}

static void heap_push(ops *o, double key, int v)
{
    if (o->heap_n == OPS_HEAP_CAP) die("search heap full");
    int i = o->heap_n++;
    o->heap_key[i] = key;
    o->heap_node[i] = v;
    while (i > 0 && heap_less(o, i, (i - 1) / 2)) {
        heap_swap(o, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static int heap_pop(ops *o, double *key)
{
    int v = o->heap_node[0];
    *key = o->heap_key[0];
    o->heap_n--;
    o->heap_key[0] = o->heap_key[o->heap_n];
    o->heap_node[0] = o->heap_node[o->heap_n];
    for (int i = 0;;) {
        int c = 2 * i + 1, best = i;
        if (c < o->heap_n && heap_less(o, c, best)) best = c;
        if (c + 1 < o->heap_n && heap_less(o, c + 1, best)) best = c + 1;
        if (best == i) break;
        heap_swap(o, i, best);
        i = best;
    }
    return v;
}

/* Dijkstra from the sources src[0..n_src) by `cost` into dist, pred, pred_link and
 * label. zone >= 0 keeps the search inside that zone's nodes; target >= 0 stops it
 * once the target's distance is final. */
static void ops_search(ops *o, const int *src, int n_src, int cost, int zone, int target)
{
    const mk *m = o->m;
    for (int v = 0; v < m->n_nodes; v++) {
        o->dist[v] = INFINITY;
        o->pred[v] = o->pred_link[v] = o->label[v] = -1;
    }
    o->heap_n = 0;
    for (int i = 0; i < n_src; i++) {
        if (o->dist[src[i]] == 0) continue;
        o->dist[src[i]] = 0;
        o->label[src[i]] = i;
        heap_push(o, 0, src[i]);
    }
    while (o->heap_n > 0) {
        double d;
        int v = heap_pop(o, &d);
        if (d > o->dist[v]) continue;
        if (v == target) return;
        for (int k = o->head[v]; k >= 0; k = o->next[k]) {
            int w = o->to[k];
            if (zone >= 0 && m->node[w].zone != zone) continue;
            double nd = d + link_cost(o, o->via[k], cost);
            if (nd < o->dist[w]) {
                o->dist[w] = nd;
                o->pred[w] = v;
                o->pred_link[w] = o->via[k];
                o->label[w] = o->label[v];
                heap_push(o, nd, w);
            }
        }
    }
}

/* Appends the best path from a to b by `cost` to the route's course (a is its
 * last node already). */
static void course_extend(ops *o, int a, int b, int cost)
{
    ops_route *r = &o->r;
    ops_search(o, &a, 1, cost, -1, b);
    if (!isfinite(o->dist[b])) die("no path from node %d to node %d", a, b);
    int n = 0;
    for (int v = b; v != a; v = o->pred[v])
        n++;
    if (r->n + n > OPS_MAX_PATH) die("a route's course is longer than %d nodes", OPS_MAX_PATH);
    int i = r->n + n;
    for (int v = b; v != a; v = o->pred[v]) {
        i--;
        r->node[i] = v;
        r->link[i - 1] = o->pred_link[v];
    }
    r->n += n;
}

static double course_cost(const ops *o, int from, int to, int cost)
{
    double c = 0;
    for (int i = from; i < to; i++)
        c += link_cost(o, o->r.link[i], cost);
    return c;
}

static int place_find(const ops *o, const char *name)
{
    for (int i = 0; i < o->n_places; i++)
        if (strcmp(o->pl[i].name, name) == 0) return o->pl[i].node;
    die("no place named %s", name);
}

/* Where a route passes: a named place, or the street corner nearest (x, y) (on
 * an arterial for vehicle routes; never a lane's node, which may be a dead end). */
typedef struct anchor {
    const char *place;
    double x, y;
} anchor;

static int anchor_node(const ops *o, const anchor *a, bool arterial)
{
    if (a->place) return place_find(o, a->place);
    int best = -1;
    double best_d = INFINITY;
    for (int v = 0; v < o->m->n_nodes; v++) {
        const mk_node *nd = &o->m->node[v];
        if (!nd->alive || nd->kind != K_CORE || (arterial && !nd->arterial)) continue;
        double d = hypot(nd->x - a->x, nd->y - a->y);
        if (d < best_d) {
            best_d = d;
            best = v;
        }
    }
    if (best < 0) die("no node near (%.0f, %.0f)", a->x, a->y);
    return best;
}

/* One patrol line of the main streets (or the plain-clothes squad's hotspot round). */
typedef struct line_spec {
    const char *name;
    const char *what;
    bool foot;
    bool loop;  /* false: out and back along the same streets */
    int prefer; /* the cost that draws the intended course */
    int n;
    anchor a[12];
} line_spec;

#define AT(x, y)                                                                                   \
    {                                                                                              \
        NULL, x, y                                                                                 \
    }
#define PLACE(p)                                                                                   \
    {                                                                                              \
        p, 0, 0                                                                                    \
    }
static const line_spec line_specs[] = {
    {"V1",
     "old centre on both banks: Guangda Street, over the river and back by the x=-50 "
     "bridge, south to Tanmulin's edge, the Railway Station",
     false,
     true,
     COST_VEHICLE_MAIN,
     10,
     {PLACE("Wuxingjie-station"), AT(-620, -80), PLACE("Guangda-Street"), AT(-620, 1350),
      AT(-50, 1350), AT(-50, -1450), AT(1430, -1450), PLACE("Railway-Station"), AT(720, -600),
      AT(720, -80)}},
    {"V2",
     "west: over the river into Xinjie and back, Tanmulin, the stadium",
     false,
     true,
     COST_VEHICLE_MAIN,
     12,
     {PLACE("Guangda-Street"), AT(-1450, -100), AT(-2170, -130), AT(-2170, 650),
      PLACE("Xinjie-station"), AT(-2730, -130), AT(-2730, -1450), AT(-1450, -2150),
      PLACE("Tanmulin-station"), PLACE("Tanmulin-Stadium"), AT(-50, -1450), AT(-620, -600)}},
    {"V3",
     "east and north: Railway Station, Dongxingsi, over the river to Guojiaao and back "
     "by the x=720 bridge",
     false,
     true,
     COST_VEHICLE_MAIN,
     7,
     {PLACE("Dongfang-Square"), PLACE("Railway-Station"), AT(2740, -600), AT(2740, 1350),
      AT(1430, 1350), AT(1430, 2100), PLACE("Guojiaao-station")}},
    {"F1",
     "round Dongfang Square",
     true,
     true,
     COST_FOOT,
     6,
     {PLACE("Dongfang-Square"), AT(650, -150), AT(650, -500), AT(100, -500), AT(100, 100),
      AT(350, 100)}},
    {"F2",
     "round the Railway Station",
     true,
     true,
     COST_FOOT,
     6,
     {PLACE("Railway-Station"), AT(1750, -800), AT(1750, -1200), AT(1100, -1200), AT(1050, -500),
      AT(1400, -450)}},
    {"F3",
     "Guangda Street: from Wuxingjie station over the river and back",
     true,
     false,
     COST_FOOT,
     4,
     {PLACE("Wuxingjie-station"), AT(-620, -80), PLACE("Guangda-Street"), AT(-620, 1000)}},
    {"F4",
     "round Tanmulin Stadium",
     true,
     true,
     COST_FOOT,
     6,
     {PLACE("Tanmulin-Stadium"), AT(700, -1900), AT(700, -1500), AT(0, -1500), AT(-50, -2100),
      AT(300, -2250)}},
    {"F5",
     "back lanes of Wuxingjie, south bank",
     true,
     true,
     COST_FOOT_LANES,
     5,
     {AT(-400, -300), AT(-400, 200), AT(200, 250), AT(250, -350), AT(-100, -400)}},
    {"F6",
     "back lanes of Xinjie, round Xinjie station",
     true,
     true,
     COST_FOOT_LANES,
     5,
     {PLACE("Xinjie-station"), AT(-2300, 500), AT(-2300, 1100), AT(-3000, 1100), AT(-3000, 500)}},
    {"F7",
     "Dongfang Square to the Railway Station and back",
     true,
     false,
     COST_FOOT,
     3,
     {PLACE("Dongfang-Square"), AT(900, -450), PLACE("Railway-Station")}},
    {"F8",
     "back lanes of Wuxingjie, north bank (the old town over the river)",
     true,
     true,
     COST_FOOT_LANES,
     5,
     {AT(-20, 750), AT(400, 900), AT(400, 1300), AT(-400, 1300), AT(-400, 900)}},
    {"PC1",
     "plain-clothes round: Dongfang Square, Guangda Street, Wuxingjie station, by "
     "side streets and lanes",
     true,
     true,
     COST_FOOT_LANES,
     3,
     {PLACE("Dongfang-Square"), PLACE("Guangda-Street"), PLACE("Wuxingjie-station")}},
    {"PC2",
     "plain-clothes round: Railway Station and Tanmulin Stadium, down one street and "
     "back up another",
     true,
     true,
     COST_FOOT,
     4,
     {PLACE("Railway-Station"), AT(1150, -1450), PLACE("Tanmulin-Stadium"), AT(750, -1100)}},
};
#undef AT
#undef PLACE

/* Draws the line's intended course through its anchors by its preferred cost,
 * puts waypoints on the anchors and then every spacing_m along the course, and
 * adds waypoints until the fastest path (by the line's mode, what patrolsim
 * follows between waypoints) from each waypoint to the next is the course
 * itself: the route patrolsim builds is then exactly the one drawn here. */
static void line_build(ops *o, const line_spec *ls)
{
    ops_route *r = &o->r;
    int mode_cost = ls->foot ? COST_FOOT : COST_VEHICLE;
    double spacing_m = ls->foot ? 250 : 500;
    bool is_anchor[OPS_MAX_PATH] = {false};
    int first = anchor_node(o, &ls->a[0], !ls->foot);
    r->n = 1;
    r->node[0] = first;
    is_anchor[0] = true;
    int prev = first;
    for (int i = 1; i <= ls->n; i++) {
        if (i == ls->n && !ls->loop) break;
        int next = i < ls->n ? anchor_node(o, &ls->a[i], !ls->foot) : first;
        if (next == prev) die("%s: anchors %d and %d are the same node", ls->name, i - 1, i);
        course_extend(o, prev, next, ls->prefer);
        is_anchor[r->n - 1] = true;
        prev = next;
    }
    r->len_m = 0;
    for (int i = 0; i + 1 < r->n; i++)
        r->len_m += o->len_m[r->link[i]];
    /* A loop's last course node is its first: not a waypoint of its own. */
    int last = ls->loop ? r->n - 2 : r->n - 1;
    r->n_wp = 0;
    double since_m = 0;
    for (int i = 0; i <= last; i++) {
        if (i > 0) since_m += o->len_m[r->link[i - 1]];
        if (i == 0 || is_anchor[i] || since_m >= spacing_m || i == last) {
            if (r->n_wp == OPS_MAX_WAYPOINTS) die("%s: too many waypoints", ls->name);
            r->wp[r->n_wp++] = i;
            since_m = 0;
        }
    }
    r->n_added = r->n_detour = 0;
    for (int i = 0; i < r->n_wp;) {
        int a = r->wp[i];
        int b = i + 1 < r->n_wp ? r->wp[i + 1] : ls->loop ? r->n - 1 : -1;
        if (b < 0) break;
        double planned = course_cost(o, a, b, mode_cost);
        ops_search(o, &r->node[a], 1, mode_cost, -1, r->node[b]);
        if (planned <= o->dist[r->node[b]] * (1 + 1e-9)) {
            i++;
            continue;
        }
        if (b - a < 2) {
            r->n_detour++;
            i++;
            continue;
        }
        if (r->n_wp == OPS_MAX_WAYPOINTS) die("%s: too many waypoints", ls->name);
        memmove(&r->wp[i + 2], &r->wp[i + 1], (size_t)(r->n_wp - i - 1) * sizeof r->wp[0]);
        r->wp[i + 1] = (a + b) / 2;
        r->n_wp++;
        r->n_added++;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Compass bearing of (x, y) from (ox, oy), clockwise from north, in [0, 2 pi). */
static double bearing(double ox, double oy, double x, double y)
{
    double a = atan2(x - ox, y - oy);
    return a < 0 ? a + 2 * MK_PI : a;
}

/* Splits the nodes mem[0..n) of zone `zone` into k parts; part[i] receives the
 * part of mem[i]. Unless seeds are given, k-means on the coordinates (k-means++
 * start from the ops stream, then Lloyd's iterations) finds k centres, and each
 * part's seed is its member nearest its centroid. Then every part is regrown
 * from its seed along roads: a node joins the seed it is nearest to by road
 * inside the zone, so that parts are contiguous wherever the zone is; nodes the
 * zone's own roads do not reach (a piece cut off by the river) join the seed
 * nearest by any road. Parts are then numbered by their centroid's bearing from
 * (ox, oy), clockwise from north. */
static void ops_partition(ops *o, const int *mem, int n, int k, int zone, int *seeds,
                          bool seeds_given, double ox, double oy, int *part)
{
    mk *m = o->m;
    if (k < 1 || k > n) die("cannot split %d nodes into %d parts", n, k);
    if (!seeds_given) {
        double cx[64], cy[64];
        static double d2[MK_MAX_NODES];
        static int assign[MK_MAX_NODES];
        if (k > 64) die("too many parts");
        /* Centres come from the street grid's nodes only: the odd highway node out
         * in the country would otherwise pull a centre, and a part, to itself. */
        static int km[MK_MAX_NODES];
        int nk = 0;
        for (int i = 0; i < n; i++)
            if (m->node[mem[i]].kind == K_CORE || m->node[mem[i]].kind == K_LANE) km[nk++] = mem[i];
        if (nk < k) {
            memcpy(km, mem, (size_t)n * sizeof mem[0]);
            nk = n;
        }
        int f = km[rng_below(m, nk)];
        cx[0] = m->node[f].x;
        cy[0] = m->node[f].y;
        for (int c = 1; c < k; c++) {
            double sum = 0;
            for (int i = 0; i < nk; i++) {
                const mk_node *nd = &m->node[km[i]];
                d2[i] = INFINITY;
                for (int j = 0; j < c; j++)
                    d2[i] = fmin(d2[i], (nd->x - cx[j]) * (nd->x - cx[j]) +
                                            (nd->y - cy[j]) * (nd->y - cy[j]));
                sum += d2[i];
            }
            double u = rng_range(m, 0, sum);
            int pick = nk - 1;
            for (int i = 0; i < nk; i++) {
                if (u < d2[i]) {
                    pick = i;
                    break;
                }
                u -= d2[i];
            }
            cx[c] = m->node[km[pick]].x;
            cy[c] = m->node[km[pick]].y;
        }
        for (int iter = 0; iter < 200; iter++) {
            bool changed = false;
            for (int i = 0; i < nk; i++) {
                const mk_node *nd = &m->node[km[i]];
                int best = 0;
                for (int c = 1; c < k; c++)
                    if (hypot(nd->x - cx[c], nd->y - cy[c]) <
                        hypot(nd->x - cx[best], nd->y - cy[best]))
                        best = c;
                if (iter == 0 || assign[i] != best) changed = true;
                assign[i] = best;
            }
            if (!changed) break;
            for (int c = 0; c < k; c++) {
                double sx = 0, sy = 0;
                int cnt = 0;
                for (int i = 0; i < nk; i++)
                    if (assign[i] == c) {
                        sx += m->node[km[i]].x;
                        sy += m->node[km[i]].y;
                        cnt++;
                    }
                if (cnt > 0) {
                    cx[c] = sx / cnt;
                    cy[c] = sy / cnt;
                } else {
                    /* An empty cluster restarts at the member farthest from its centre. */
                    int far = 0;
                    double far_d = -1;
                    for (int i = 0; i < nk; i++) {
                        const mk_node *nd = &m->node[km[i]];
                        double d = hypot(nd->x - cx[assign[i]], nd->y - cy[assign[i]]);
                        if (d > far_d) {
                            far_d = d;
                            far = i;
                        }
                    }
                    cx[c] = m->node[km[far]].x;
                    cy[c] = m->node[km[far]].y;
                }
            }
        }
        for (int c = 0; c < k; c++) {
            int best = -1;
            double best_d = INFINITY;
            for (int i = 0; i < nk; i++) {
                bool used = false;
                for (int j = 0; j < c; j++)
                    used = used || seeds[j] == km[i];
                double d = hypot(m->node[km[i]].x - cx[c], m->node[km[i]].y - cy[c]);
                if (!used && d < best_d) {
                    best_d = d;
                    best = km[i];
                }
            }
            seeds[c] = best;
        }
        /* Lloyd's iterations again, by road: grow the parts from the seeds, then
         * move each seed to its part's member nearest the part's centroid. This
         * evens out parts that the straight-line clusters left small. */
        for (int iter = 0; iter < 50; iter++) {
            ops_search(o, seeds, k, COST_LENGTH, zone, -1);
            bool moved = false;
            for (int c = 0; c < k; c++) {
                double sx = 0, sy = 0;
                int cnt = 0;
                for (int i = 0; i < nk; i++)
                    if (o->label[km[i]] == c) {
                        sx += m->node[km[i]].x;
                        sy += m->node[km[i]].y;
                        cnt++;
                    }
                int best = seeds[c];
                double best_d = hypot(m->node[best].x - sx / cnt, m->node[best].y - sy / cnt);
                for (int i = 0; i < nk; i++) {
                    if (o->label[km[i]] != c) continue;
                    double d = hypot(m->node[km[i]].x - sx / cnt, m->node[km[i]].y - sy / cnt);
                    if (d < best_d) {
                        best_d = d;
                        best = km[i];
                    }
                }
                moved = moved || best != seeds[c];
                seeds[c] = best;
            }
            if (!moved) break;
        }
    }
    ops_search(o, seeds, k, COST_LENGTH, zone, -1);
    bool missing = false;
    for (int i = 0; i < n; i++) {
        part[i] = o->label[mem[i]];
        missing = missing || part[i] < 0;
    }
    if (missing) {
        ops_search(o, seeds, k, COST_LENGTH, -1, -1);
        for (int i = 0; i < n; i++)
            if (part[i] < 0) part[i] = o->label[mem[i]];
    }
    /* Number the parts by bearing. */
    double key[64];
    int order[64];
    for (int c = 0; c < k; c++) {
        double sx = 0, sy = 0;
        int cnt = 0;
        for (int i = 0; i < n; i++)
            if (part[i] == c) {
                sx += m->node[mem[i]].x;
                sy += m->node[mem[i]].y;
                cnt++;
            }
        if (cnt == 0) die("an empty part");
        key[c] = bearing(ox, oy, sx / cnt, sy / cnt);
    }
    for (int c = 0; c < k; c++) {
        order[c] = 0;
        for (int j = 0; j < k; j++)
            if (key[j] < key[c] || (key[j] == key[c] && j < c)) order[c]++;
    }
    for (int i = 0; i < n; i++)
        part[i] = order[part[i]];
    int tmp[64];
    for (int c = 0; c < k; c++)
        tmp[order[c]] = seeds[c];
    for (int c = 0; c < k; c++)
        seeds[c] = tmp[c];
}

/* Largest-remainder apportionment of `total` seats by weight[0..n), at least
 * `min_each`; ties go to the lower index. */
static void apportion(const int *weight, int n, int total, int min_each, int *seats)
{
    long sum_w = 0;
    for (int i = 0; i < n; i++)
        sum_w += weight[i];
    int given = 0;
    double rem[64];
    for (int i = 0; i < n; i++) {
        double q = (double)total * weight[i] / (double)sum_w;
        seats[i] = (int)floor(q);
        rem[i] = q - seats[i];
        if (seats[i] < min_each) {
            seats[i] = min_each;
            rem[i] = -1;
        }
        given += seats[i];
    }
    while (given < total) {
        int best = 0;
        for (int i = 1; i < n; i++)
            if (rem[i] > rem[best]) best = i;
        seats[best]++;
        rem[best] = -2;
        given++;
    }
    if (given != total) die("apportionment overshoots (%d of %d)", given, total);
}

/* The zone's alive nodes, in node order, into mem; returns the count. */
static int zone_members(const mk *m, int zone, int *mem)
{
    int n = 0;
    for (int v = 0; v < m->n_nodes; v++)
        if (m->node[v].alive && m->node[v].zone == zone) mem[n++] = v;
    return n;
}

/* The 171 grid cells: 129 urban cells over the 23 communities in proportion to
 * their nodes, and 14 village cells per township, one around each village. */
static void cells_make(ops *o, const int *zone_count)
{
    mk *m = o->m;
    static int mem[MK_MAX_NODES], part[MK_MAX_NODES];
    int seeds[64], per_comm[N_COMMUNITIES];
    apportion(zone_count, N_COMMUNITIES, N_URBAN_CELLS, 2, per_comm);
    o->n_cells = 0;
    for (int z = 0; z < N_ZONES; z++) {
        int n = zone_members(m, z, mem);
        int k;
        double ox, oy;
        if (z < N_COMMUNITIES) {
            k = per_comm[z];
            ox = o->cc[z].x;
            oy = o->cc[z].y;
            ops_partition(o, mem, n, k, z, seeds, false, ox, oy, part);
        } else {
            int t = z - N_COMMUNITIES;
            k = VILLAGES_PER_TOWNSHIP;
            ox = township[t].x;
            oy = township[t].y;
            for (int c = 0; c < k; c++) {
                seeds[c] = m->village[t][c];
                if (!m->node[seeds[c]].alive || m->node[seeds[c]].zone != z)
                    die("village %d of %s is not in its township", c, township[t].name);
            }
            ops_partition(o, mem, n, k, z, seeds, true, ox, oy, part);
        }
        for (int c = 0; c < k; c++) {
            if (z < N_COMMUNITIES)
                snprintf(o->cell_name[o->n_cells + c], sizeof o->cell_name[0], "%s/c%d",
                         zone_name[z], c + 1);
            else
                snprintf(o->cell_name[o->n_cells + c], sizeof o->cell_name[0], "%s/v%02d",
                         zone_name[z], c + 1);
        }
        for (int i = 0; i < n; i++)
            o->cell[mem[i]] = o->n_cells + part[i];
        o->n_cells += k;
    }
    /* Contiguity: a cell is split when its nodes are not connected by roads inside it. */
    static int queue[MK_MAX_NODES];
    static bool seen[MK_MAX_NODES];
    int pieces[N_CELLS_MAX] = {0};
    for (int v = 0; v < m->n_nodes; v++)
        seen[v] = false;
    for (int v = 0; v < m->n_nodes; v++) {
        if (!m->node[v].alive || seen[v]) continue;
        pieces[o->cell[v]]++;
        int qh = 0, qt = 0;
        queue[qt++] = v;
        seen[v] = true;
        while (qh < qt) {
            int u = queue[qh++];
            for (int k = o->head[u]; k >= 0; k = o->next[k]) {
                int w = o->to[k];
                if (!seen[w] && o->cell[w] == o->cell[v]) {
                    seen[w] = true;
                    queue[qt++] = w;
                }
            }
        }
    }
    o->n_split_cells = 0;
    for (int c = 0; c < o->n_cells; c++)
        o->n_split_cells += pieces[c] > 1;
}

/* How much a node is a hotspot: the named places' pull, fading over ~350 m. */
static double hot(const ops *o, int v)
{
    static const struct {
        const char *name;
        double pull;
    } spot[] = {
        {"Dongfang-Square", 1.0},    {"Railway-Station", 1.0},   {"Guangda-Street", 1.0},
        {"Tanmulin-Stadium", 0.8},   {"Wuxingjie-station", 0.5}, {"Xinjie-station", 0.5},
        {"Dongxingsi-station", 0.5}, {"Guojiaao-station", 0.5},  {"Tanmulin-station", 0.5},
    };
    const mk_node *nd = &o->m->node[v];
    double h = 0;
    for (size_t i = 0; i < sizeof spot / sizeof spot[0]; i++) {
        const mk_node *p = &o->m->node[place_find(o, spot[i].name)];
        double d = hypot(nd->x - p->x, nd->y - p->y) / 350.0;
        h += spot[i].pull * exp(-d * d);
    }
    return h;
}

/* Camera kinds: the article's counts of June 2016 (596 channels), and the radius
 * within which a camera is taken to see an incident. */
enum {
    CAM_BULLET,
    CAM_DOME,
    CAM_LOOKOUT,
    CAM_PANORAMIC,
    CAM_TRAFFIC,
    CAM_CHECKPOINT,
    CAM_HD,
    N_CAM_KINDS
};
static const struct {
    const char *name;
    int count;
    int radius_m;
    const char *what;
} cam_kind[N_CAM_KINDS] = {
    {"bullet", 240, 60, "starlight bullet camera along a street: arterials, streets near places"},
    {"dome", 108, 90, "starlight dome (pan-tilt-zoom) at an intersection"},
    {"lookout", 20, 400, "semi-high lookout: on a hill, a tall building by a place, a township"},
    {"panoramic", 2, 300, "panoramic camera over Dongfang Square and the Railway Station"},
    {"traffic", 32, 50, "traffic enforcement at a main intersection (arterials crossing)"},
    {"vehicle_checkpoint", 78, 40,
     "vehicle checkpoint (plates): the 8 checkpoints, the other "
     "highway exit, bridge ends, township posts"},
    {"hd", 116, 70, "older sky-net camera upgraded to HD: main intersections near the places"},
};
#define CAMS_2015_TRAFFIC 22 /* with the 116 hd: the 138 upgraded by March 2016 */
#define CAMS_PER_NODE_MAX 4  /* bullets, domes and hd at one node */

static void cam_add(ops *o, int v, int kind, int year)
{
    if (o->n_cams == OPS_MAX_CAMERAS) die("too many cameras");
    o->cam[o->n_cams++] = (ops_camera){v, kind, year};
}

/* Draws `count` cameras of `kind` at nodes by weight w (changed: a node's weight
 * drops by `damp` after each pick, and to 0 at CAMS_PER_NODE_MAX). */
static void cam_draw(ops *o, double *w, int *at_node, int count, int kind, int year, double damp)
{
    mk *m = o->m;
    for (int c = 0; c < count; c++) {
        double sum = 0;
        for (int v = 0; v < m->n_nodes; v++)
            sum += w[v];
        if (!(sum > 0)) die("no node left for a %s camera", cam_kind[kind].name);
        double u = rng_range(m, 0, sum);
        int pick = -1;
        for (int v = 0; v < m->n_nodes; v++) {
            if (w[v] <= 0) continue;
            pick = v;
            if (u < w[v]) break;
            u -= w[v];
        }
        cam_add(o, pick, kind, year);
        w[pick] *= damp;
        if (++at_node[pick] >= CAMS_PER_NODE_MAX) w[pick] = 0;
    }
}

static bool is_urban(const mk_node *nd)
{
    return nd->alive && nd->zone < N_COMMUNITIES && (nd->kind == K_CORE || nd->kind == K_LANE);
}

/* The camera estate of June 2016. hub_exit: the core end of the north-east highway
 * (no checkpoint place there); sw_exit: the core end of the rural road to Qishu. */
static void cameras_make(ops *o, int hub_exit, int sw_exit)
{
    mk *m = o->m;
    static double w[MK_MAX_NODES];
    static int at_node[MK_MAX_NODES];
    o->n_cams = 0;
    for (int v = 0; v < m->n_nodes; v++)
        at_node[v] = 0;

    /* Vehicle checkpoints: 6 lanes' cameras at each checkpoint and at the second
     * highway's exit, one at each end of the 7 bridges, 2 at each township post,
     * 4 where the rural road from Qishu enters the core. */
    char name[32];
    for (int k = 1; k <= 8; k++) {
        snprintf(name, sizeof name, "Checkpoint-%d", k);
        for (int j = 0; j < 6; j++)
            cam_add(o, place_find(o, name), CAM_CHECKPOINT, 2016);
    }
    for (int j = 0; j < 6; j++)
        cam_add(o, hub_exit, CAM_CHECKPOINT, 2016);
    for (int l = 0; l < m->n_links; l++)
        if (m->link[l].group == G_BRIDGE) {
            cam_add(o, m->link[l].a, CAM_CHECKPOINT, 2016);
            cam_add(o, m->link[l].b, CAM_CHECKPOINT, 2016);
        }
    for (int t = 0; t < N_TOWNSHIPS; t++) {
        snprintf(name, sizeof name, "%s-post", township[t].name);
        for (int j = 0; j < 2; j++)
            cam_add(o, place_find(o, name), CAM_CHECKPOINT, 2016);
    }
    for (int j = 0; j < 4; j++)
        cam_add(o, sw_exit, CAM_CHECKPOINT, 2016);

    /* Panoramic over the two garrison points; lookouts on the hills (2 each: the
     * nodes nearest the hilltop), on tall buildings by the four landmarks and
     * Wuxingjie station (the command centre), and at the township posts. */
    cam_add(o, place_find(o, "Dongfang-Square"), CAM_PANORAMIC, 2016);
    cam_add(o, place_find(o, "Railway-Station"), CAM_PANORAMIC, 2016);
    for (size_t h = 0; h < sizeof hole / sizeof hole[0]; h++) {
        int a = -1, b = -1;
        double da = INFINITY, db = INFINITY;
        for (int v = 0; v < m->n_nodes; v++) {
            if (!m->node[v].alive) continue;
            double d = hypot(m->node[v].x - hole[h].x, m->node[v].y - hole[h].y);
            if (d < da) {
                b = a;
                db = da;
                a = v;
                da = d;
            } else if (d < db) {
                b = v;
                db = d;
            }
        }
        cam_add(o, a, CAM_LOOKOUT, 2016);
        cam_add(o, b, CAM_LOOKOUT, 2016);
    }
    static const char *tall[] = {"Dongfang-Square", "Railway-Station",   "Tanmulin-Stadium",
                                 "Guangda-Street",  "Wuxingjie-station", "Zhongquan-post",
                                 "Rongbian-post",   "Qishu-post"};
    for (size_t i = 0; i < sizeof tall / sizeof tall[0]; i++)
        cam_add(o, place_find(o, tall[i]), CAM_LOOKOUT, 2016);

    /* Traffic enforcement at the 32 main intersections (arterials crossing) nearest
     * the centre, distance shrunk near the places; the 22 most central were there
     * in 2015. */
    static double key[MK_MAX_NODES];
    static int cand[MK_MAX_NODES];
    int n_cand = 0;
    for (int v = 0; v < m->n_nodes; v++) {
        const mk_node *nd = &m->node[v];
        if (!is_urban(nd) || nd->kind != K_CORE || o->main_degree[v] < 3) continue;
        key[n_cand] = hypot(nd->x, nd->y) / (1 + hot(o, v)) + 1e-6 * v;
        cand[n_cand++] = v;
    }
    if (n_cand < cam_kind[CAM_TRAFFIC].count) die("too few main intersections");
    double sorted[MK_MAX_NODES];
    memcpy(sorted, key, (size_t)n_cand * sizeof key[0]);
    qsort(sorted, (size_t)n_cand, sizeof sorted[0], cmp_double);
    for (int rank = 0; rank < cam_kind[CAM_TRAFFIC].count; rank++)
        for (int i = 0; i < n_cand; i++)
            if (key[i] == sorted[rank])
                cam_add(o, cand[i], CAM_TRAFFIC, rank < CAMS_2015_TRAFFIC ? 2015 : 2016);

    /* hd: the old sky net, at intersections of main roads near the places and in
     * the old centre. */
    for (int v = 0; v < m->n_nodes; v++) {
        const mk_node *nd = &m->node[v];
        w[v] = is_urban(nd) && nd->arterial && o->degree[v] >= 3
                   ? (1 + 12 * hot(o, v)) * exp(-hypot(nd->x, nd->y) / 900)
                   : 0;
    }
    cam_draw(o, w, at_node, cam_kind[CAM_HD].count, CAM_HD, 2015, 0.5);

    /* Domes at intersections, more at crossings of main roads and near the places;
     * 2 per township near its post. */
    int per_township_dome = 2, per_township_bullet = 8;
    for (int v = 0; v < m->n_nodes; v++) {
        const mk_node *nd = &m->node[v];
        w[v] = is_urban(nd) && o->degree[v] >= 3
                   ? (o->degree[v] >= 4 ? 2 : 1) * (nd->arterial ? 2 : 1) * (1 + 8 * hot(o, v)) *
                         exp(-hypot(nd->x, nd->y) / 2500)
                   : 0;
        if (at_node[v] >= CAMS_PER_NODE_MAX) w[v] = 0;
    }
    cam_draw(o, w, at_node, cam_kind[CAM_DOME].count - N_TOWNSHIPS * per_township_dome, CAM_DOME,
             2016, 0.3);
    for (int t = 0; t < N_TOWNSHIPS; t++) {
        snprintf(name, sizeof name, "%s-post", township[t].name);
        const mk_node *post = &m->node[place_find(o, name)];
        for (int v = 0; v < m->n_nodes; v++) {
            const mk_node *nd = &m->node[v];
            w[v] = nd->alive && nd->kind == K_TOWNSHIP && nd->township == t && o->degree[v] >= 3
                       ? exp(-hypot(nd->x - post->x, nd->y - post->y) / 250)
                       : 0;
            if (at_node[v] >= CAMS_PER_NODE_MAX) w[v] = 0;
        }
        cam_draw(o, w, at_node, per_township_dome, CAM_DOME, 2016, 0.1);
    }

    /* Bullets along streets: arterials most, lanes least, many near the places;
     * 8 per township on its main street and near its post. */
    for (int v = 0; v < m->n_nodes; v++) {
        const mk_node *nd = &m->node[v];
        double road = nd->arterial ? 3 : nd->kind == K_LANE ? 0.4 : 1;
        w[v] = is_urban(nd) ? road * (1 + 6 * hot(o, v)) * exp(-hypot(nd->x, nd->y) / 3000) : 0;
        if (at_node[v] >= CAMS_PER_NODE_MAX) w[v] = 0;
    }
    cam_draw(o, w, at_node, cam_kind[CAM_BULLET].count - N_TOWNSHIPS * per_township_bullet,
             CAM_BULLET, 2016, 0.35);
    for (int t = 0; t < N_TOWNSHIPS; t++) {
        snprintf(name, sizeof name, "%s-post", township[t].name);
        const mk_node *post = &m->node[place_find(o, name)];
        for (int v = 0; v < m->n_nodes; v++) {
            const mk_node *nd = &m->node[v];
            w[v] =
                nd->alive && nd->kind == K_TOWNSHIP && nd->township == t
                    ? (nd->arterial ? 3 : 1) * exp(-hypot(nd->x - post->x, nd->y - post->y) / 300)
                    : 0;
            if (at_node[v] >= CAMS_PER_NODE_MAX) w[v] = 0;
        }
        cam_draw(o, w, at_node, per_township_bullet, CAM_BULLET, 2016, 0.35);
    }

    int count[N_CAM_KINDS] = {0};
    for (int i = 0; i < o->n_cams; i++)
        count[o->cam[i].kind]++;
    for (int k = 0; k < N_CAM_KINDS; k++)
        if (count[k] != cam_kind[k].count)
            die("%d %s cameras, want %d", count[k], cam_kind[k].name, cam_kind[k].count);
}

static const char *ops_header =
    "# Generated by scenarios/tools/mkdistrict.c; do not edit by hand. To regenerate:\n"
    "#     cmake --build build --target mkdistrict && build/scenarios/mkdistrict "
    "scenarios/ziliujing\n"
    "# Synthetic operations data for the map in network.txt (scenarios/README.md, \"Operations\n"
    "# data: cells, cameras, routes\"): the source article gives the counts, not the places.\n";

static void cells_write(const ops *o, const char *dir)
{
    const mk *m = o->m;
    char path[4096];
    FILE *f = file_open(dir, "cells.txt", path, sizeof path);
    int size[N_CELLS_MAX] = {0};
    for (int v = 0; v < m->n_nodes; v++)
        if (m->node[v].alive) size[o->cell[v]]++;
    int lo = 1 << 30, hi = 0;
    for (int c = 0; c < N_URBAN_CELLS; c++) {
        lo = size[c] < lo ? size[c] : lo;
        hi = size[c] > hi ? size[c] : hi;
    }
    fputs(ops_header, f);
    fprintf(
        f,
        "#\n# The article's %d grid cells: %d urban cells, each a full-time grid worker's beat,\n"
        "# and %d village cells (14 villages in each of the 3 townships, one part-time\n"
        "# worker each). Each of the 23 communities gets cells in proportion to its nodes\n"
        "# (largest remainder, at least 2): k-means on its street nodes' coordinates\n"
        "# (k-means++ start, fixed seed) gives centres; then each node joins the seed\n"
        "# nearest by the community's roads, and seeds move to their cell's middle until\n"
        "# they settle. Village cells grow the same way from each village's centre over\n"
        "# the township's nodes, so the township's own streets are shared among the\n"
        "# villages nearest by road.\n"
        "# Cells are numbered by bearing from their community's centre (or township's),\n"
        "# clockwise from north. Urban cells have %d to %d nodes. %d of the %d cells are not\n"
        "# connected by roads inside themselves: each holds a few border nodes that its\n"
        "# community's own roads do not reach (zones go by the nearest community centre).\n"
        "#\n# <node_id> <cell>: every node of network.txt, in one cell.\n\n",
        o->n_cells, N_URBAN_CELLS, o->n_cells - N_URBAN_CELLS, lo, hi, o->n_split_cells,
        o->n_cells);
    fprintf(f, "patrolsim-cells 1\n\n");
    for (int v = 0; v < m->n_nodes; v++)
        if (m->node[v].alive) fprintf(f, "%d %s\n", m->node[v].id, o->cell_name[o->cell[v]]);
    file_close(f, path);
}

static int cmp_camera(const void *a, const void *b)
{
    const ops_camera *x = a, *y = b;
    if (x->kind != y->kind) return x->kind - y->kind;
    if (x->year != y->year) return x->year - y->year;
    return x->node - y->node; /* node index order is id order */
}

static void cameras_write(ops *o, const char *dir)
{
    const mk *m = o->m;
    char path[4096];
    FILE *f = file_open(dir, "cameras.txt", path, sizeof path);
    qsort(o->cam, (size_t)o->n_cams, sizeof o->cam[0], cmp_camera);
    int n2015 = 0;
    for (int i = 0; i < o->n_cams; i++)
        n2015 += o->cam[i].year == 2015;
    fputs(ops_header, f);
    fprintf(f,
            "#\n# The \"sky net\" of June 2016: %d video channels. since_year 2015 marks the %d\n"
            "# upgraded to HD by March 2016 (the hd channels and the %d most central traffic\n"
            "# cameras): the 2015 scenario uses those, the 2016 one all. Several cameras may\n"
            "# share a node. A camera sees the nodes within radius_m of its node.\n"
            "#\n#   kind               count radius_m  where\n",
            o->n_cams, n2015, CAMS_2015_TRAFFIC);
    for (int k = 0; k < N_CAM_KINDS; k++)
        fprintf(f, "#   %-18s %5d %8d  %s\n", cam_kind[k].name, cam_kind[k].count,
                cam_kind[k].radius_m, cam_kind[k].what);
    fprintf(f, "#\n# Placed by weighted draws (fixed seed): near the places and the centre, on\n"
               "# main roads and at intersections; see mkdistrict.c, cameras_make.\n\n");
    fprintf(f, "patrolsim-cameras 1\n\n# camera <node_id> <kind> <since_year> <radius_m>\n");
    for (int i = 0; i < o->n_cams; i++) {
        const ops_camera *c = &o->cam[i];
        if (i == 0 || c->kind != o->cam[i - 1].kind)
            fprintf(f, "\n# %s: %s\n", cam_kind[c->kind].name, cam_kind[c->kind].what);
        fprintf(f, "camera %d %s %d %d\n", m->node[c->node].id, cam_kind[c->kind].name, c->year,
                cam_kind[c->kind].radius_m);
    }
    file_close(f, path);
}

/* The 56 community patrol lines and their 690 check-in points. */
typedef struct comm_line {
    int community, region, size, points;
} comm_line;

static void community_lines_write(ops *o, FILE *f)
{
    mk *m = o->m;
    static int mem[MK_MAX_NODES], part[MK_MAX_NODES];
    int zone_count[N_COMMUNITIES], n_lines[N_COMMUNITIES];
    for (int z = 0; z < N_COMMUNITIES; z++) {
        zone_count[z] = zone_members(m, z, mem);
        n_lines[z] = 2;
    }
    /* 2 lines each, 3 for the largest communities, 56 in all. */
    for (int extra = 0; extra < N_COMMUNITY_LINES - 2 * N_COMMUNITIES; extra++) {
        int best = -1;
        for (int z = 0; z < N_COMMUNITIES; z++)
            if (n_lines[z] == 2 && (best < 0 || zone_count[z] > zone_count[best])) best = z;
        n_lines[best] = 3;
    }
    comm_line ln[N_COMMUNITY_LINES];
    static int region_of[MK_MAX_NODES];
    int n_ln = 0;
    for (int z = 0; z < N_COMMUNITIES; z++) {
        int n = zone_members(m, z, mem);
        int seeds[8];
        ops_partition(o, mem, n, n_lines[z], z, seeds, false, o->cc[z].x, o->cc[z].y, part);
        for (int i = 0; i < n; i++)
            region_of[mem[i]] = part[i];
        for (int r = 0; r < n_lines[z]; r++) {
            int size = 0; /* the area's street and lane nodes: where points may go */
            for (int i = 0; i < n; i++)
                size += part[i] == r &&
                        (m->node[mem[i]].kind == K_CORE || m->node[mem[i]].kind == K_LANE);
            ln[n_ln++] = (comm_line){z, r, size, CHECKINS_MIN};
        }
    }
    /* Points: 10 a line, then one at a time to the line with the most nodes per
     * point, up to 15 (and never more than its nodes). */
    int given = CHECKINS_MIN * n_ln;
    while (given < N_CHECKINS) {
        int best = -1;
        for (int i = 0; i < n_ln; i++) {
            if (ln[i].points >= CHECKINS_MAX || ln[i].points >= ln[i].size) continue;
            if (best < 0 || (double)ln[i].size / (ln[i].points + 1) >
                                (double)ln[best].size / (ln[best].points + 1))
                best = i;
        }
        if (best < 0) die("no room for %d check-in points", N_CHECKINS);
        ln[best].points++;
        given++;
    }
    fprintf(f,
            "\n# Community patrol lines (\"1+2+n\", twice a day): %d lines, %d check-in points.\n"
            "# Each community gets 2 lines (the %d largest 3); its nodes are split into one\n"
            "# area per line as the cells are (k-means, then grown by road). Points: 10 a\n"
            "# line, the rest one at a time to the line with the most nodes per point, up to\n"
            "# 15. In its area a line's points are spread over the street and lane nodes (not\n"
            "# the highways): the node nearest the community's centre first, then each time\n"
            "# the node farthest from those chosen.\n"
            "# They are listed in walking order, a nearest-neighbour tour by road from the\n"
            "# first; the patrol walks them in that order and back to the first.\n"
            "# community <name> <community_zone> <checkin_node_id> ...\n",
            n_ln, N_CHECKINS, N_COMMUNITY_LINES - 2 * N_COMMUNITIES);
    for (int i = 0; i < n_ln; i++) {
        int z = ln[i].community;
        int n = zone_members(m, z, mem);
        int area[MK_MAX_NODES / 4], n_area = 0;
        for (int j = 0; j < n; j++)
            if (region_of[mem[j]] == ln[i].region &&
                (m->node[mem[j]].kind == K_CORE || m->node[mem[j]].kind == K_LANE)) {
                if (n_area == MK_MAX_NODES / 4) die("a line's area is too large");
                area[n_area++] = mem[j];
            }
        if (n_area == 0) die("%s: a line with an empty area", zone_name[z]);
        int pt[CHECKINS_MAX], n_pt = 0;
        int first = area[0];
        for (int j = 1; j < n_area; j++)
            if (hypot(m->node[area[j]].x - o->cc[z].x, m->node[area[j]].y - o->cc[z].y) <
                hypot(m->node[first].x - o->cc[z].x, m->node[first].y - o->cc[z].y))
                first = area[j];
        pt[n_pt++] = first;
        while (n_pt < ln[i].points) {
            int best = -1;
            double best_d = -1;
            for (int j = 0; j < n_area; j++) {
                double d = INFINITY;
                for (int q = 0; q < n_pt; q++)
                    d = fmin(d, hypot(m->node[area[j]].x - m->node[pt[q]].x,
                                      m->node[area[j]].y - m->node[pt[q]].y));
                if (d > best_d) {
                    best_d = d;
                    best = area[j];
                }
            }
            pt[n_pt++] = best;
        }
        /* Walking order. */
        int tour[CHECKINS_MAX];
        bool used[CHECKINS_MAX] = {false};
        tour[0] = pt[0];
        used[0] = true;
        double walk_m = 0;
        for (int s = 1; s < n_pt; s++) {
            ops_search(o, &tour[s - 1], 1, COST_LENGTH, -1, -1);
            int best = -1;
            for (int q = 0; q < n_pt; q++)
                if (!used[q] && (best < 0 || o->dist[pt[q]] < o->dist[pt[best]])) best = q;
            used[best] = true;
            tour[s] = pt[best];
            walk_m += o->dist[pt[best]];
        }
        ops_search(o, &tour[n_pt - 1], 1, COST_LENGTH, -1, tour[0]);
        walk_m += o->dist[tour[0]];
        fprintf(f, "\n# %s/cp%d: %d points in an area of %d nodes, %.1f km round\n", zone_name[z],
                ln[i].region + 1, n_pt, ln[i].size, walk_m / 1000);
        fprintf(f, "community %s/cp%d %s", zone_name[z], ln[i].region + 1, zone_name[z]);
        for (int s = 0; s < n_pt; s++)
            fprintf(f, " %d", m->node[tour[s]].id);
        fprintf(f, "\n");
    }
}

static void routes_write(ops *o, const char *dir)
{
    const mk *m = o->m;
    char path[4096];
    FILE *f = file_open(dir, "routes.txt", path, sizeof path);
    fputs(ops_header, f);
    fprintf(f,
            "#\n# Patrol routes as waypoint lists; patrolsim follows the fastest path of the\n"
            "# route's mode from each waypoint to the next (and from the last back to the first\n"
            "# on a loop; an out-and-back returns the same way).\n"
            "#\n# The article's 11 patrol lines of the main streets, 3 by vehicle (V) and 8 on\n"
            "# foot (F), and the plain-clothes squad's two hotspot rounds (PC). Each is drawn\n"
            "# through a few anchors (places, street corners) along main roads (vehicle), the\n"
            "# shortest walk (foot) or back lanes (F5, F6, F8, PC); waypoints sit on the anchors\n"
            "# and every 500 m (vehicle) or 250 m (foot) along the way, plus where needed for\n"
            "# the fastest path between waypoints to be the drawn course. Lengths are a full\n"
            "# cycle (out and back counted twice).\n"
            "\npatrolsim-routes 1\n\n"
            "# line <name> <vehicle|foot> <loop|out_and_back> <node_id> ...\n");
    int n_specs = (int)(sizeof line_specs / sizeof line_specs[0]);
    for (int i = 0; i < n_specs; i++) {
        const line_spec *ls = &line_specs[i];
        line_build(o, ls);
        const ops_route *r = &o->r;
        if (r->n_detour > 0)
            fprintf(stderr, "mkdistrict: %s: %d one-link segments are not the fastest path\n",
                    ls->name, r->n_detour);
        double cycle_m = ls->loop ? r->len_m : 2 * r->len_m;
        fprintf(f, "\n# %s: %s; %.1f km, %d waypoints\n", ls->name, ls->what, cycle_m / 1000,
                r->n_wp);
        fprintf(f, "line %s %s %s", ls->name, ls->foot ? "foot" : "vehicle",
                ls->loop ? "loop" : "out_and_back");
        for (int k = 0; k < r->n_wp; k++)
            fprintf(f, " %d", m->node[r->node[r->wp[k]]].id);
        fprintf(f, "\n");
        fprintf(stderr, "mkdistrict: %s %.1f km, %d waypoints (%d added)\n", ls->name,
                cycle_m / 1000, r->n_wp, r->n_added);
    }
    community_lines_write(o, f);
    file_close(f, path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mkdistrict <output-directory>\n"
                        "writes <dir>/network.txt and <dir>/places.txt (the Ziliujing map)\n"
                        "and cells.txt, cameras.txt, routes.txt (its operations data)\n");
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

    /* 7: the operations data, from a fresh stream so that the map above never
     * depends on it. */
    m.rng = OPS_SEED;
    static ops o;
    ops_init(&o, &m, cc, pl, n);
    cells_make(&o, zone_count);
    cameras_make(&o, hw_exit[1], sw);
    cells_write(&o, dir);
    cameras_write(&o, dir);
    routes_write(&o, dir);

    fprintf(stderr, "mkdistrict: %s: %d nodes, %d roads (%d edges), %d bridges, %d places\n", dir,
            n_alive, m.n_links, 2 * m.n_links, m.n_bridges, n);
    fprintf(stderr, "mkdistrict: %d cells (%d not connected inside), %d cameras\n", o.n_cells,
            o.n_split_cells, o.n_cams);
    return 0;
}
