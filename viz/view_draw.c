/* view_draw.c - drawing one pane of the replay: the map, units, calls, counters, chart,
 * legend, scale bar and the details of what is selected.
 *
 * Shapes (thick roads, discs, rings, diamonds) are triangles batched into one vertex buffer
 * per layer and drawn with one SDL_RenderGeometry call, so a frame of the default scenario is
 * a few dozen draw calls whatever the number of roads and units. The static layers are cached
 * in a texture (view_map_cache) by the window; screenshots draw them directly.
 *
 * Colours: a light paper background so that slides print; roads in greys with highways and
 * arterials warm; zones as soft tints along their roads; unit fill by kind, a ring by state;
 * calls as diamonds by priority (1 red, 2 orange, 3 yellow). Every colour is in the legend.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

#define PI       3.14159265358979323846
#define MAX_OPEN 4096

static const SDL_Color C_BG = {244, 241, 234, 255};
static const SDL_Color C_INK = {31, 41, 55, 255};
static const SDL_Color C_MUTED = {90, 98, 110, 255};
static const SDL_Color C_PANEL = {255, 255, 255, 228};
static const SDL_Color C_PANEL_EDGE = {170, 170, 170, 255};
static const SDL_Color C_STATION = {30, 58, 138, 255};
static const SDL_Color C_POST = {15, 118, 110, 255};
static const SDL_Color C_PATROL = {37, 99, 235, 70};
static const SDL_Color C_ENROUTE = {220, 38, 38, 200};

/* ---- Vertex batches -------------------------------------------------------------------------- */

typedef struct vbuf {
    SDL_Vertex *v;
    int *ix;
    int nv, ni, cap_v, cap_i;
} vbuf;

static bool vb_room(vbuf *b, int nv, int ni)
{
    if (b->nv + nv > b->cap_v) {
        int cap = b->cap_v ? b->cap_v : 1024;
        while (cap < b->nv + nv)
            cap *= 2;
        SDL_Vertex *p = realloc(b->v, (size_t)cap * sizeof *p);
        if (!p) return false;
        b->v = p;
        b->cap_v = cap;
    }
    if (b->ni + ni > b->cap_i) {
        int cap = b->cap_i ? b->cap_i : 2048;
        while (cap < b->ni + ni)
            cap *= 2;
        int *p = realloc(b->ix, (size_t)cap * sizeof *p);
        if (!p) return false;
        b->ix = p;
        b->cap_i = cap;
    }
    return true;
}

static int vb_vert(vbuf *b, float x, float y, SDL_Color c)
{
    b->v[b->nv] = (SDL_Vertex){{x, y}, c, {0, 0}};
    return b->nv++;
}

static void vb_tri(vbuf *b, int a, int c, int d)
{
    b->ix[b->ni++] = a;
    b->ix[b->ni++] = c;
    b->ix[b->ni++] = d;
}

static void vb_flush(vbuf *b, SDL_Renderer *ren)
{
    if (b->ni) SDL_RenderGeometry(ren, NULL, b->v, b->nv, b->ix, b->ni);
    b->nv = b->ni = 0;
}

static void vb_free(vbuf *b)
{
    free(b->v);
    free(b->ix);
}

/* A segment w pixels wide. */
static void vb_line(vbuf *b, float x0, float y0, float x1, float y1, float w, SDL_Color c)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 1e-3f || !vb_room(b, 4, 6)) return;
    float nx = -dy / len * w * 0.5f, ny = dx / len * w * 0.5f;
    int a = vb_vert(b, x0 + nx, y0 + ny, c), q = vb_vert(b, x1 + nx, y1 + ny, c);
    int r = vb_vert(b, x1 - nx, y1 - ny, c), s = vb_vert(b, x0 - nx, y0 - ny, c);
    vb_tri(b, a, q, r);
    vb_tri(b, a, r, s);
}

static void vb_dashed(vbuf *b, float x0, float y0, float x1, float y1, float w, float dash,
                      SDL_Color c)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 1) return;
    for (float s = 0; s < len; s += 2 * dash) {
        float e = fminf(s + dash, len);
        vb_line(b, x0 + dx * s / len, y0 + dy * s / len, x0 + dx * e / len, y0 + dy * e / len, w,
                c);
    }
}

static void vb_disc(vbuf *b, float x, float y, float r, SDL_Color c)
{
    const int n = 16;
    if (!vb_room(b, n + 1, 3 * n)) return;
    int ctr = vb_vert(b, x, y, c);
    for (int i = 0; i < n; i++) {
        double a = 2 * PI * i / n;
        vb_vert(b, x + r * (float)cos(a), y + r * (float)sin(a), c);
    }
    for (int i = 0; i < n; i++)
        vb_tri(b, ctr, ctr + 1 + i, ctr + 1 + (i + 1) % n);
}

static void vb_ring(vbuf *b, float x, float y, float r, float w, SDL_Color c)
{
    const int n = 20;
    if (!vb_room(b, 2 * n, 6 * n)) return;
    int base = b->nv;
    for (int i = 0; i < n; i++) {
        double a = 2 * PI * i / n;
        vb_vert(b, x + (r + w / 2) * (float)cos(a), y + (r + w / 2) * (float)sin(a), c);
        vb_vert(b, x + (r - w / 2) * (float)cos(a), y + (r - w / 2) * (float)sin(a), c);
    }
    for (int i = 0; i < n; i++) {
        int o0 = base + 2 * i, i0 = o0 + 1, o1 = base + 2 * ((i + 1) % n), i1 = o1 + 1;
        vb_tri(b, o0, o1, i1);
        vb_tri(b, o0, i1, i0);
    }
}

static void vb_poly(vbuf *b, const float *xy, int n, SDL_Color c)
{
    if (!vb_room(b, n, 3 * (n - 2))) return;
    int base = b->nv;
    for (int i = 0; i < n; i++)
        vb_vert(b, xy[2 * i], xy[2 * i + 1], c);
    for (int i = 1; i + 1 < n; i++)
        vb_tri(b, base, base + i, base + i + 1);
}

static void vb_diamond(vbuf *b, float x, float y, float r, SDL_Color c)
{
    float p[8] = {x, y - r, x + r, y, x, y + r, x - r, y};
    vb_poly(b, p, 4, c);
}

static void vb_square(vbuf *b, float x, float y, float r, SDL_Color c)
{
    float p[8] = {x - r, y - r, x + r, y - r, x + r, y + r, x - r, y + r};
    vb_poly(b, p, 4, c);
}

static void vb_triangle(vbuf *b, float x, float y, float r, SDL_Color c)
{
    float p[6] = {x, y - r, x + r * 0.95f, y + r * 0.7f, x - r * 0.95f, y + r * 0.7f};
    vb_poly(b, p, 3, c);
}

static void vb_rect(vbuf *b, float x, float y, float w, float h, SDL_Color c)
{
    float p[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
    vb_poly(b, p, 4, c);
}

/* ---- Colours ------------------------------------------------------------------------------- */

static SDL_Color rgba(int r, int g, int b, int a)
{
    return (SDL_Color){(Uint8)r, (Uint8)g, (Uint8)b, (Uint8)a};
}

static SDL_Color with_alpha(SDL_Color c, int a)
{
    c.a = (Uint8)a;
    return c;
}

SDL_Color view_kind_colour(int k)
{
    /* Dark, saturated and far apart, so that a bright state ring stands out around them. */
    static const SDL_Color pal[] = {
        {29, 78, 216, 255}, {4, 120, 87, 255},  {124, 58, 237, 255}, {180, 83, 9, 255},
        {190, 24, 93, 255}, {8, 145, 178, 255}, {77, 124, 15, 255},  {55, 65, 81, 255},
        {153, 27, 27, 255}, {67, 56, 202, 255}, {120, 53, 15, 255},  {13, 148, 136, 255},
    };
    return pal[(k < 0 ? 0 : k) % (int)(sizeof pal / sizeof *pal)];
}

SDL_Color view_state_colour(const char *s)
{
    if (!s) return rgba(156, 163, 175, 255);
    if (!strcmp(s, "available")) return rgba(255, 255, 255, 255);
    if (!strcmp(s, "enroute")) return rgba(239, 68, 68, 255);
    if (!strcmp(s, "onscene")) return rgba(217, 70, 239, 255);
    if (!strcmp(s, "returning")) return rgba(6, 182, 212, 255);
    if (!strcmp(s, "patrolling")) return rgba(250, 204, 21, 255);
    if (!strcmp(s, "at_post")) return rgba(74, 222, 128, 255);
    if (!strcmp(s, "off")) return rgba(156, 163, 175, 255);
    return rgba(107, 114, 128, 255);
}

SDL_Color view_priority_colour(int p)
{
    switch (p) {
    case 1:
        return rgba(220, 38, 38, 255);
    case 2:
        return rgba(249, 115, 22, 255);
    case 3:
        return rgba(234, 179, 8, 255);
    default:
        return rgba(120, 113, 108, 255);
    }
}

static SDL_Color zone_colour(int z, int alpha)
{
    /* Hues by the golden angle: neighbouring zone numbers (neighbouring communities) differ. */
    double h = fmod(z * 137.508, 360.0), s = 0.55, l = 0.62;
    double c = (1 - fabs(2 * l - 1)) * s, x = c * (1 - fabs(fmod(h / 60.0, 2) - 1)), m = l - c / 2;
    double r = 0, g = 0, b = 0;
    if (h < 60)
        r = c, g = x;
    else if (h < 120)
        r = x, g = c;
    else if (h < 180)
        g = c, b = x;
    else if (h < 240)
        g = x, b = c;
    else if (h < 300)
        r = x, b = c;
    else
        r = c, b = x;
    return rgba((int)((r + m) * 255), (int)((g + m) * 255), (int)((b + m) * 255), alpha);
}

/* A zone's tint, mixed with the background beforehand and drawn opaque: bands that overlap
 * then give one flat colour per zone instead of darker seams (and PNGs a third smaller). */
static SDL_Color zone_tint(int z)
{
    SDL_Color c = zone_colour(z, 255);
    const int a = 30; /* percent of the zone's colour */
    return rgba((C_BG.r * (100 - a) + c.r * a) / 100, (C_BG.g * (100 - a) + c.g * a) / 100,
                (C_BG.b * (100 - a) + c.b * a) / 100, 255);
}

typedef struct road_style {
    const char *name;
    SDL_Color c;
    float w;
} road_style;

static road_style road_style_of(const view_run *r, int32_t cls)
{
    static const road_style known[] = {
        {"highway", {226, 140, 50, 255}, 3.4f}, {"arterial", {205, 168, 92, 255}, 2.6f},
        {"street", {160, 160, 160, 255}, 1.4f}, {"lane", {192, 192, 192, 255}, 1.0f},
        {"rural", {168, 140, 104, 255}, 1.6f},  {"footpath", {170, 190, 170, 255}, 1.0f},
    };
    const char *name = cls >= 0 && (size_t)cls < r->n_classes ? r->class_names[cls] : "";
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcmp(name, known[i].name)) return known[i];
    return (road_style){name, {140, 140, 140, 255}, 1.3f};
}

/* ---- Camera -------------------------------------------------------------------------------- */

static void cam_fit_box(view_cam *c, SDL_Rect pane, double x0, double y0, double x1, double y1)
{
    c->pane = pane;
    double w = fmax(x1 - x0, 100), h = fmax(y1 - y0, 100);
    c->cx_m = 0.5 * (x0 + x1);
    c->cy_m = 0.5 * (y0 + y1);
    c->px_per_m = fmin(pane.w * 0.94 / w, pane.h * 0.90 / h);
}

void view_cam_fit_all(view_cam *c, const view_run *r, SDL_Rect pane)
{
    cam_fit_box(c, pane, r->min_x_m, r->min_y_m, r->max_x_m, r->max_y_m);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Where the calls are: the 10th to 90th percentiles of their x and y, widened by a quarter on
 * each side, so that a busy city with far-flung townships opens on the city. */
void view_cam_fit(view_cam *c, const view_run *r, SDL_Rect pane)
{
    size_t n = r->n_calls;
    double *xs = n >= 20 ? malloc(n * sizeof *xs) : NULL;
    double *ys = n >= 20 ? malloc(n * sizeof *ys) : NULL;
    if (!xs || !ys) {
        free(xs);
        free(ys);
        view_cam_fit_all(c, r, pane);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        xs[i] = r->x_m[r->calls[i].node];
        ys[i] = r->y_m[r->calls[i].node];
    }
    qsort(xs, n, sizeof *xs, cmp_dbl);
    qsort(ys, n, sizeof *ys, cmp_dbl);
    size_t lo = n / 10, hi = n - 1 - n / 10;
    double mx = 0.25 * (xs[hi] - xs[lo]), my = 0.25 * (ys[hi] - ys[lo]);
    cam_fit_box(c, pane, xs[lo] - mx, ys[lo] - my, xs[hi] + mx, ys[hi] + my);
    free(xs);
    free(ys);
}

void view_cam_to_px(const view_cam *c, double x_m, double y_m, float *px, float *py)
{
    *px = (float)(c->pane.x + c->pane.w * 0.5 + (x_m - c->cx_m) * c->px_per_m);
    *py = (float)(c->pane.y + c->pane.h * 0.5 - (y_m - c->cy_m) * c->px_per_m);
}

void view_cam_from_px(const view_cam *c, float px, float py, double *x_m, double *y_m)
{
    *x_m = c->cx_m + (px - c->pane.x - c->pane.w * 0.5) / c->px_per_m;
    *y_m = c->cy_m - (py - c->pane.y - c->pane.h * 0.5) / c->px_per_m;
}

void view_cam_zoom_at(view_cam *c, double factor, float px, float py)
{
    double x, y;
    view_cam_from_px(c, px, py, &x, &y);
    c->px_per_m = fmin(fmax(c->px_per_m * factor, 1e-4), 2.0);
    double x2, y2;
    view_cam_from_px(c, px, py, &x2, &y2);
    c->cx_m += x - x2;
    c->cy_m += y - y2;
}

/* ---- Helpers ------------------------------------------------------------------------------- */

static void panel(SDL_Renderer *ren, float x, float y, float w, float h)
{
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ren, C_PANEL.r, C_PANEL.g, C_PANEL.b, C_PANEL.a);
    SDL_FRect r = {x, y, w, h};
    SDL_RenderFillRectF(ren, &r);
    SDL_SetRenderDrawColor(ren, C_PANEL_EDGE.r, C_PANEL_EDGE.g, C_PANEL_EDGE.b, C_PANEL_EDGE.a);
    SDL_RenderDrawRectF(ren, &r);
}

/* Text with a light halo, readable on the map whatever is under it. */
static void halo_text(view_font *f, int size, float x, float y, SDL_Color c, const char *s)
{
    SDL_Color h = {255, 255, 255, 200};
    for (int dx = -1; dx <= 1; dx++)
        for (int dy = -1; dy <= 1; dy++)
            if (dx || dy) view_text(f, size, x + (float)dx, y + (float)dy, h, s);
    view_text(f, size, x, y, c, s);
}

static void fmt_hms(double t_s, char *buf, size_t len)
{
    int s = (int)floor(fmod(fmax(t_s, 0), 86400.0)) % 86400;
    snprintf(buf, len, "%02d:%02d:%02d", s / 3600 % 24, s / 60 % 60, s % 60);
}

static void fmt_min(double s, char *buf, size_t len)
{
    if (!isfinite(s))
        snprintf(buf, len, "–");
    else if (s < 3600)
        snprintf(buf, len, "%.1f min", s / 60.0);
    else
        snprintf(buf, len, "%.1f h", s / 3600.0);
}

static bool pane_has(const SDL_Rect *p, float x, float y, float margin)
{
    return x >= (float)p->x - margin && x <= (float)(p->x + p->w) + margin &&
           y >= (float)p->y - margin && y <= (float)(p->y + p->h) + margin;
}

/* ---- Static layers ------------------------------------------------------------------------- */

static void draw_map(SDL_Renderer *ren, view_font *font, const view_frame *fr)
{
    const view_run *r = fr->run;
    const view_cam *cam = &fr->cam;
    vbuf b = {0};
    float zoomw = (float)fmin(fmax(cam->px_per_m / 0.08, 0.8), 2.2);
    /* Zones: a wide soft band along every road inside a zone. */
    if (fr->layers & VIEW_L_ZONES) {
        float w = (float)fmax(200.0 * cam->px_per_m, 5.0);
        for (size_t i = 0; i < r->n_segs; i++) {
            int32_t za = r->node_zone[r->seg_a[i]], zb = r->node_zone[r->seg_b[i]];
            if (za < 0 || za != zb) continue;
            float x0, y0, x1, y1;
            view_cam_to_px(cam, r->x_m[r->seg_a[i]], r->y_m[r->seg_a[i]], &x0, &y0);
            view_cam_to_px(cam, r->x_m[r->seg_b[i]], r->y_m[r->seg_b[i]], &x1, &y1);
            if (!pane_has(&cam->pane, x0, y0, w) && !pane_has(&cam->pane, x1, y1, w)) continue;
            vb_line(&b, x0, y0, x1, y1, w, zone_tint(za));
        }
        vb_flush(&b, ren);
    }
    if (fr->layers & VIEW_L_ROADS) {
        /* Minor classes first, so highways and arterials stay on top. */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t i = 0; i < r->n_segs; i++) {
                road_style st = road_style_of(r, r->seg_cls[i]);
                bool major = st.w >= 2.5f;
                if (major != (pass == 1)) continue;
                float x0, y0, x1, y1;
                view_cam_to_px(cam, r->x_m[r->seg_a[i]], r->y_m[r->seg_a[i]], &x0, &y0);
                view_cam_to_px(cam, r->x_m[r->seg_b[i]], r->y_m[r->seg_b[i]], &x1, &y1);
                if (!pane_has(&cam->pane, x0, y0, 50) && !pane_has(&cam->pane, x1, y1, 50))
                    continue;
                vb_line(&b, x0, y0, x1, y1, st.w * zoomw, st.c);
            }
            vb_flush(&b, ren);
        }
    }
    if ((fr->layers & VIEW_L_PATROL) && r->has_patrol) {
        for (size_t i = 0; i < r->n_segs; i++) {
            if (!r->seg_patrol[i]) continue;
            float x0, y0, x1, y1;
            view_cam_to_px(cam, r->x_m[r->seg_a[i]], r->y_m[r->seg_a[i]], &x0, &y0);
            view_cam_to_px(cam, r->x_m[r->seg_b[i]], r->y_m[r->seg_b[i]], &x1, &y1);
            vb_line(&b, x0, y0, x1, y1, 3.0f * zoomw, C_PATROL);
        }
        vb_flush(&b, ren);
    }
    if (fr->layers & VIEW_L_LABELS && fr->layers & VIEW_L_ZONES) {
        for (size_t z = 0; z < r->n_zones; z++) {
            if (!isfinite(r->zone_x_m[z])) continue;
            float x, y;
            view_cam_to_px(cam, r->zone_x_m[z], r->zone_y_m[z], &x, &y);
            if (!pane_has(&cam->pane, x, y, 0)) continue;
            int w = view_text_width(font, VIEW_T_SMALL, r->zone_name[z]);
            SDL_Color c = zone_colour((int)z, 255);
            c = rgba(c.r * 6 / 10, c.g * 6 / 10, c.b * 6 / 10, 230);
            halo_text(font, VIEW_T_SMALL, x - (float)w / 2, y - 6, c, r->zone_name[z]);
        }
    }
    if (fr->layers & VIEW_L_STATIONS) {
        for (size_t i = 0; i < r->n_stations; i++) {
            const view_station *s = &r->stations[i];
            float x, y;
            view_cam_to_px(cam, r->x_m[s->node], r->y_m[s->node], &x, &y);
            if (s->is_post) {
                vb_triangle(&b, x, y, 9, rgba(255, 255, 255, 255));
                vb_triangle(&b, x, y, 7, C_POST);
            } else {
                vb_square(&b, x, y, 8, rgba(255, 255, 255, 255));
                vb_square(&b, x, y, 6.5f, C_STATION);
            }
        }
        vb_flush(&b, ren);
        if (fr->layers & VIEW_L_LABELS)
            for (size_t i = 0; i < r->n_stations; i++) {
                const view_station *s = &r->stations[i];
                float x, y;
                view_cam_to_px(cam, r->x_m[s->node], r->y_m[s->node], &x, &y);
                if (!pane_has(&cam->pane, x, y, 0)) continue;
                /* Several posts on one node (a garrison and a kiosk): one label under another. */
                int above = 0;
                for (size_t k = 0; k < i; k++)
                    above += r->stations[k].node == s->node;
                float ly = y - 20 + (float)(above * view_text_height(font, VIEW_T_NORMAL));
                halo_text(font, VIEW_T_NORMAL, x + 11, ly, s->is_post ? C_POST : C_STATION,
                          s->name);
            }
    }
    vb_free(&b);
}

void view_map_cache_fini(view_map_cache *c)
{
    if (c && c->tex) SDL_DestroyTexture(c->tex);
    if (c) memset(c, 0, sizeof *c);
}

static bool cam_same(const view_cam *a, const view_cam *b)
{
    return a->cx_m == b->cx_m && a->cy_m == b->cy_m && a->px_per_m == b->px_per_m &&
           a->pane.x == b->pane.x && a->pane.y == b->pane.y && a->pane.w == b->pane.w &&
           a->pane.h == b->pane.h;
}

static void draw_map_cached(SDL_Renderer *ren, view_font *font, const view_frame *fr)
{
    view_map_cache *c = fr->cache;
    unsigned static_layers = fr->layers & (VIEW_L_ZONES | VIEW_L_ROADS | VIEW_L_PATROL |
                                           VIEW_L_STATIONS | VIEW_L_LABELS);
    if (!c || !SDL_RenderTargetSupported(ren)) {
        draw_map(ren, font, fr);
        return;
    }
    if (!c->valid || !cam_same(&c->cam, &fr->cam) || c->layers != static_layers) {
        int w = fr->cam.pane.w, h = fr->cam.pane.h, tw = 0, th = 0;
        if (c->tex) SDL_QueryTexture(c->tex, NULL, NULL, &tw, &th);
        if (!c->tex || tw != w || th != h) {
            if (c->tex) SDL_DestroyTexture(c->tex);
            c->tex =
                SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
            if (!c->tex) {
                draw_map(ren, font, fr);
                return;
            }
        }
        SDL_Texture *old = SDL_GetRenderTarget(ren);
        SDL_SetRenderTarget(ren, c->tex);
        SDL_SetRenderDrawColor(ren, C_BG.r, C_BG.g, C_BG.b, 255);
        SDL_RenderClear(ren);
        view_frame local = *fr;
        local.cam.pane.x = local.cam.pane.y = 0;
        draw_map(ren, font, &local);
        SDL_SetRenderTarget(ren, old);
        c->cam = fr->cam;
        c->layers = static_layers;
        c->valid = true;
    }
    SDL_Rect dst = fr->cam.pane;
    SDL_RenderCopy(ren, c->tex, NULL, &dst);
}

/* ---- Units and calls ---------------------------------------------------------------------- */

typedef struct unit_mark {
    float x, y;    /* where it is drawn */
    int32_t state; /* -1: not on the map (off duty, or before its first record) */
    int32_t call;
} unit_mark;

static int cmp_mark(const void *a, const void *b, const unit_mark *m)
{
    const unit_mark *x = &m[*(const uint32_t *)a], *y = &m[*(const uint32_t *)b];
    if (x->x != y->x) return x->x < y->x ? -1 : 1;
    if (x->y != y->y) return x->y < y->y ? -1 : 1;
    return (*(const uint32_t *)a > *(const uint32_t *)b) -
           (*(const uint32_t *)a < *(const uint32_t *)b);
}

/* Screen positions of every unit at fr->t_s; units that stand on the same spot (a station's
 * free cars) are fanned out around it so that each can be seen and clicked. */
static unit_mark *unit_marks(const view_frame *fr)
{
    const view_run *r = fr->run;
    unit_mark *m = calloc(r->n_units ? r->n_units : 1, sizeof *m);
    uint32_t *ord = calloc(r->n_units ? r->n_units : 1, sizeof *ord);
    if (!m || !ord) {
        free(m);
        free(ord);
        return NULL;
    }
    size_t n = 0;
    for (uint32_t u = 0; u < r->n_units; u++) {
        long si = view_unit_state_at(r, u, fr->t_s);
        m[u].state = -1;
        m[u].call = -1;
        if (si < 0) continue;
        const view_state *s = &r->states[si];
        char buf[32];
        if (!strcmp(view_state_name(r, s->state, buf, sizeof buf), "off")) continue;
        double x, y;
        view_unit_pos(r, u, fr->t_s, &x, &y);
        view_cam_to_px(&fr->cam, x, y, &m[u].x, &m[u].y);
        m[u].state = s->state;
        m[u].call = s->call;
        ord[n++] = u;
    }
    /* Insertion sort by position (a few dozen units). */
    for (size_t i = 1; i < n; i++) {
        uint32_t k = ord[i];
        size_t j = i;
        while (j > 0 && cmp_mark(&ord[j - 1], &k, m) > 0) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = k;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && m[ord[j]].x == m[ord[i]].x && m[ord[j]].y == m[ord[i]].y)
            j++;
        size_t k = j - i;
        if (k > 1) {
            float rad = 9.0f + 1.6f * (float)k;
            for (size_t q = 0; q < k; q++) {
                double a = -PI / 2 + 2 * PI * (double)q / (double)k;
                m[ord[i + q]].x += rad * (float)cos(a);
                m[ord[i + q]].y += rad * (float)sin(a);
            }
        }
        i = j;
    }
    free(ord);
    return m;
}

view_sel view_pick(const view_frame *fr, float px, float py)
{
    view_sel sel = {0, 0};
    const view_run *r = fr->run;
    float best = 10.0f * 10.0f;
    unit_mark *m = (fr->layers & VIEW_L_UNITS) ? unit_marks(fr) : NULL;
    for (uint32_t u = 0; m && u < r->n_units; u++) {
        if (m[u].state < 0) continue;
        float d = (m[u].x - px) * (m[u].x - px) + (m[u].y - py) * (m[u].y - py);
        if (d < best) {
            best = d;
            sel = (view_sel){1, u};
        }
    }
    free(m);
    if (sel.kind || !(fr->layers & VIEW_L_CALLS)) return sel;
    uint32_t ids[MAX_OPEN];
    size_t n = view_calls_open(r, fr->t_s, ids, MAX_OPEN);
    if (n > MAX_OPEN) n = MAX_OPEN;
    for (size_t i = 0; i < n; i++) {
        const view_call *c = &r->calls[ids[i]];
        float x, y;
        view_cam_to_px(&fr->cam, r->x_m[c->node], r->y_m[c->node], &x, &y);
        float d = (x - px) * (x - px) + (y - py) * (y - py);
        if (d < best) {
            best = d;
            sel = (view_sel){2, c->id};
        }
    }
    return sel;
}

static void draw_calls(SDL_Renderer *ren, view_font *font, const view_frame *fr, vbuf *b)
{
    const view_run *r = fr->run;
    uint32_t ids[MAX_OPEN];
    size_t n = view_calls_open(r, fr->t_s, ids, MAX_OPEN);
    if (n > MAX_OPEN) n = MAX_OPEN;
    double pulse = fmod(fr->anim_s, 1.2) / 1.2;
    for (size_t i = 0; i < n; i++) {
        const view_call *c = &r->calls[ids[i]];
        float x, y;
        view_cam_to_px(&fr->cam, r->x_m[c->node], r->y_m[c->node], &x, &y);
        if (!pane_has(&fr->cam.pane, x, y, 20)) continue;
        SDL_Color col = view_priority_colour(c->priority);
        float rad = c->priority == 1 ? 8.5f : 7.0f;
        bool waiting = !(fr->t_s >= c->t_arrive_s); /* NaN: never reached */
        bool diverted = c->status == 1 && !isfinite(c->t_arrive_s);
        if (diverted) {
            vb_line(b, x - rad, y - rad, x + rad, y + rad, 3, col);
            vb_line(b, x - rad, y + rad, x + rad, y - rad, 3, col);
            continue;
        }
        if (waiting) {
            float pr = rad + 4 + 14 * (float)pulse;
            vb_ring(b, x, y, pr, 2.5f, with_alpha(col, (int)(220 * (1 - pulse))));
        }
        vb_diamond(b, x, y, rad + 1.5f, rgba(40, 40, 40, 255));
        vb_diamond(b, x, y, rad, col);
        if (!waiting) vb_diamond(b, x, y, rad * 0.45f, rgba(255, 255, 255, 230));
    }
    vb_flush(b, ren);
    /* Waiting times beside the calls still waiting for a unit. */
    for (size_t i = 0; i < n; i++) {
        const view_call *c = &r->calls[ids[i]];
        if (fr->t_s >= c->t_arrive_s || (c->status == 1 && !isfinite(c->t_arrive_s))) continue;
        float x, y;
        view_cam_to_px(&fr->cam, r->x_m[c->node], r->y_m[c->node], &x, &y);
        if (!pane_has(&fr->cam.pane, x, y, 0)) continue;
        char buf[32];
        double w = fr->t_s - c->t_call_s;
        bool queued = !(fr->t_s >= c->t_dispatch_s);
        snprintf(buf, sizeof buf, "P%d %.0fm%s", c->priority, floor(w / 60.0),
                 queued && c->queued && w > 120 ? " queued" : "");
        halo_text(font, VIEW_T_SMALL, x + 10, y + 2, queued ? rgba(153, 27, 27, 255) : C_INK, buf);
    }
}

/* Major incidents under way: a large pulsing marker and how many officers are there. */
static void draw_majors(SDL_Renderer *ren, view_font *font, const view_frame *fr, vbuf *b)
{
    const view_run *r = fr->run;
    double pulse = fmod(fr->anim_s, 1.6) / 1.6;
    for (size_t i = 0; i < r->n_majors; i++) {
        const view_major *m = &r->majors[i];
        if (!(fr->t_s >= m->t_start_s && fr->t_s < m->t_end_s)) continue;
        float x, y;
        view_cam_to_px(&fr->cam, r->x_m[m->node], r->y_m[m->node], &x, &y);
        vb_ring(b, x, y, 18 + 16 * (float)pulse, 4, rgba(185, 28, 28, (int)(200 * (1 - pulse))));
        vb_disc(b, x, y, 14, rgba(255, 255, 255, 255));
        vb_disc(b, x, y, 12, rgba(153, 27, 27, 255));
        vb_disc(b, x, y, 5, rgba(255, 255, 255, 255));
    }
    vb_flush(b, ren);
    for (size_t i = 0; i < r->n_majors; i++) {
        const view_major *m = &r->majors[i];
        if (!(fr->t_s >= m->t_start_s && fr->t_s < m->t_end_s)) continue;
        float x, y;
        view_cam_to_px(&fr->cam, r->x_m[m->node], r->y_m[m->node], &x, &y);
        /* The label in a box above and to the right, clear of the units gathered there. */
        char buf[96];
        if (m->planned) /* its need changes by phase: say what it needs at its height */
            snprintf(buf, sizeof buf, "Public event: %d officers on scene (up to %d needed)",
                     view_major_officers(r, i, fr->t_s), m->officers);
        else
            snprintf(buf, sizeof buf, "Major incident: %d of %d officers on scene",
                     view_major_officers(r, i, fr->t_s), m->officers);
        float lx = x + 80, ly = y - 110;
        int tw = view_text_width(font, VIEW_T_NORMAL, buf);
        vb_line(b, x, y, lx, ly + 10, 2, rgba(153, 27, 27, 255));
        vb_flush(b, ren);
        panel(ren, lx, ly, (float)tw + 16, (float)view_text_height(font, VIEW_T_NORMAL) + 6);
        view_text(font, VIEW_T_NORMAL, lx + 8, ly + 3, rgba(153, 27, 27, 255), buf);
    }
}

static void draw_units(SDL_Renderer *ren, view_font *font, const view_frame *fr, vbuf *b,
                       unit_mark *m)
{
    const view_run *r = fr->run;
    char buf[32];
    /* Lines to the calls of the units on their way. */
    for (uint32_t u = 0; u < r->n_units; u++) {
        if (m[u].state < 0 || m[u].call < 0) continue;
        if (strcmp(view_state_name(r, m[u].state, buf, sizeof buf), "enroute")) continue;
        const view_call *c = &r->calls[m[u].call];
        float cx, cy;
        view_cam_to_px(&fr->cam, r->x_m[c->node], r->y_m[c->node], &cx, &cy);
        vb_dashed(b, m[u].x, m[u].y, cx, cy, 2.0f, 6.0f, C_ENROUTE);
    }
    vb_flush(b, ren);
    for (uint32_t u = 0; u < r->n_units; u++) {
        if (m[u].state < 0 || !pane_has(&fr->cam.pane, m[u].x, m[u].y, 12)) continue;
        SDL_Color ring = view_state_colour(view_state_name(r, m[u].state, buf, sizeof buf));
        bool sel = fr->sel.kind == 1 && fr->sel.index == u;
        if (sel) vb_ring(b, m[u].x, m[u].y, 13, 3, rgba(17, 24, 39, 255));
        vb_disc(b, m[u].x, m[u].y, 8.5f, rgba(30, 30, 30, 255));
        vb_disc(b, m[u].x, m[u].y, 7.5f, ring);
        vb_disc(b, m[u].x, m[u].y, 5.0f, view_kind_colour(r->units[u].kind_idx));
    }
    vb_flush(b, ren);
    if (fr->layers & VIEW_L_LABELS && fr->cam.px_per_m > 0.3)
        for (uint32_t u = 0; u < r->n_units; u++) {
            if (m[u].state < 0 || !pane_has(&fr->cam.pane, m[u].x, m[u].y, 0)) continue;
            halo_text(font, VIEW_T_SMALL, m[u].x + 9, m[u].y - 16, C_MUTED, r->units[u].name);
        }
}

/* ---- Panels -------------------------------------------------------------------------------- */

static void draw_counters(SDL_Renderer *ren, view_font *font, const view_frame *fr)
{
    const view_run *r = fr->run;
    const SDL_Rect *p = &fr->cam.pane;
    char clock[64], line[160];
    view_format_clock(r, fr->t_s, clock, sizeof clock);
    int n_open = view_steps_at(&r->open_calls, fr->t_s);
    int n_queue = view_steps_at(&r->queue_len, fr->t_s);
    int n_free = view_steps_at(&r->units_free, fr->t_s);
    int n_on = view_steps_at(&r->units_on, fr->t_s);
    snprintf(line, sizeof line, "Open calls %d   ·   Queued %d   ·   Units free %d of %d on duty",
             n_open, n_queue, n_free, n_on);
    const char *warm = fr->t_s < r->warmup_s ? "  (warm-up, not in the statistics)" : "";
    int lh = view_text_height(font, VIEW_T_NORMAL);
    int w = view_text_width(font, VIEW_T_NORMAL, line) + 24;
    int wh = fr->heading ? view_text_width(font, VIEW_T_NORMAL, fr->heading) + 24 : 0;
    int wc =
        view_text_width(font, VIEW_T_LARGE, clock) + view_text_width(font, VIEW_T_SMALL, warm) + 24;
    if (wh > w) w = wh;
    if (wc > w) w = wc;
    float x = (float)p->x + 10, y = (float)p->y + 10;
    float h = (float)(view_text_height(font, VIEW_T_LARGE) + lh + 16 + (fr->heading ? lh : 0));
    panel(ren, x, y, (float)w, h);
    float ty = y + 6;
    if (fr->heading) {
        view_text(font, VIEW_T_NORMAL, x + 12, ty, C_STATION, fr->heading);
        ty += (float)lh;
    }
    int cw = view_text(font, VIEW_T_LARGE, x + 12, ty, C_INK, clock);
    view_text(font, VIEW_T_SMALL, x + 12 + (float)cw, ty + 7, C_MUTED, warm);
    ty += (float)view_text_height(font, VIEW_T_LARGE);
    view_text(font, VIEW_T_NORMAL, x + 12, ty, n_queue > 0 ? rgba(153, 27, 27, 255) : C_INK, line);
}

static void draw_chart(SDL_Renderer *ren, view_font *font, const view_frame *fr, vbuf *b)
{
    const view_run *r = fr->run;
    const SDL_Rect *p = &fr->cam.pane;
    const double window = 7200, span = 86400;
    const int n = 97;
    float w = 330, h = 128, x = (float)p->x + 10, y = (float)(p->y + p->h) - h - 10;
    panel(ren, x, y, w, h);
    double v[97], vmax = 0;
    for (int i = 0; i < n; i++) {
        double t = fr->t_s - span + span * i / (n - 1);
        v[i] = t < 0 ? NAN : view_rolling_response(r, t, window) / 60.0;
        if (isfinite(v[i])) vmax = fmax(vmax, v[i]);
    }
    double ymax = vmax <= 5 ? 5 : vmax <= 10 ? 10 : vmax <= 20 ? 20 : ceil(vmax / 10) * 10;
    float gx = x + 34, gy = y + 24, gw = w - 46, gh = h - 44;
    for (int k = 0; k <= 2; k++) {
        float yy = gy + gh - gh * (float)k / 2;
        vb_line(b, gx, yy, gx + gw, yy, 1, rgba(215, 215, 215, 255));
    }
    float px = 0, py = 0;
    bool have = false;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            have = false;
            continue;
        }
        float qx = gx + gw * (float)i / (float)(n - 1);
        float qy = gy + gh - gh * (float)(v[i] / ymax);
        if (have) vb_line(b, px, py, qx, qy, 2.2f, rgba(29, 78, 216, 255));
        px = qx;
        py = qy;
        have = true;
    }
    vb_flush(b, ren);
    char buf[96];
    double now = view_rolling_response(r, fr->t_s, window) / 60.0;
    if (isfinite(now))
        snprintf(buf, sizeof buf, "Response time (min), mean of the last 2 h: %.1f", now);
    else
        snprintf(buf, sizeof buf, "Response time (min), mean of the last 2 h: –");
    view_text(font, VIEW_T_SMALL, x + 8, y + 5, C_INK, buf);
    for (int k = 0; k <= 2; k++) {
        snprintf(buf, sizeof buf, "%g", ymax * k / 2);
        float yy = gy + gh - gh * (float)k / 2;
        view_text(font, VIEW_T_SMALL, gx - 6 - (float)view_text_width(font, VIEW_T_SMALL, buf),
                  yy - 7, C_MUTED, buf);
    }
    view_text(font, VIEW_T_SMALL, gx, gy + gh + 2, C_MUTED, "-24 h");
    view_text(font, VIEW_T_SMALL, gx + gw - 24, gy + gh + 2, C_MUTED, "now");
}

static void draw_scale(SDL_Renderer *ren, view_font *font, const view_frame *fr, vbuf *b, float x,
                       float y)
{
    static const double nice[] = {50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000};
    double len = nice[0];
    for (size_t i = 0; i < sizeof nice / sizeof *nice; i++)
        if (nice[i] * fr->cam.px_per_m <= 160) len = nice[i];
    float px = (float)(len * fr->cam.px_per_m);
    panel(ren, x, y, px + 90, 30);
    float bx = x + 10, by = y + 18;
    vb_rect(b, bx, by, px / 2, 5, C_INK);
    vb_rect(b, bx + px / 2, by, px / 2, 5, rgba(255, 255, 255, 255));
    vb_line(b, bx, by, bx + px, by, 1, C_INK);
    vb_line(b, bx, by + 5, bx + px, by + 5, 1, C_INK);
    vb_line(b, bx + px, by, bx + px, by + 5, 1, C_INK);
    vb_flush(b, ren);
    char buf[32];
    if (len >= 1000)
        snprintf(buf, sizeof buf, "%g km", len / 1000);
    else
        snprintf(buf, sizeof buf, "%g m", len);
    view_text(font, VIEW_T_SMALL, bx, y + 2, C_INK, buf);
    view_text(font, VIEW_T_SMALL, bx + px + 8, y + 12, C_MUTED, "N ↑");
}

static void draw_legend(SDL_Renderer *ren, view_font *font, const view_frame *fr, vbuf *b)
{
    const view_run *r = fr->run;
    const SDL_Rect *p = &fr->cam.pane;
    int lh = 17;
    /* States that occur in this run (found once, by view_run_index). */
    const bool *seen = r->state_seen;
    char buf[32];
    int n_states = 0;
    for (int s = 0; s < 64; s++)
        if (seen[s] && strcmp(view_state_name(r, s, buf, sizeof buf), "off")) n_states++;
    bool has_post = false;
    for (size_t i = 0; i < r->n_stations; i++)
        has_post = has_post || r->stations[i].is_post;
    int rows = 1 + (int)r->n_kinds + 1 + n_states + 1 + 1 + 3 + 1 + (int)r->n_classes + 3 +
               (has_post ? 1 : 0) + (r->has_patrol ? 1 : 0) + (r->n_majors ? 1 : 0);
    float w = 200, h = (float)(rows * lh + 12);
    float x = (float)(p->x + p->w) - w - 10, y = (float)(p->y + p->h) - h - 10;
    panel(ren, x, y, w, h);
    float ty = y + 6, sx = x + 18, tx = x + 34;
    typedef struct item {
        int shape; /* 0 unit kind, 1 unit state, 2 call, 3 road, 4 station, 5 post, 6 patrol,
                    * 7 en-route line, 8 zone, 9 major incident */
        SDL_Color c;
        float w;
        char text[64];
        bool head;
    } item;
    item items[128];
    int ni = 0;
#define HEAD(s) items[ni++] = (item){0, C_INK, 0, s, true}
    HEAD("Units (fill: kind)");
    for (size_t k = 0; k < r->n_kinds && ni < 100; k++) {
        items[ni] = (item){0, view_kind_colour((int)k), 0, "", false};
        snprintf(items[ni++].text, 64, "%s", r->kinds[k]);
    }
    HEAD("Unit state (ring)");
    for (int s = 0; s < 64 && ni < 110; s++) {
        const char *nm = view_state_name(r, s, buf, sizeof buf);
        if (!seen[s] || !strcmp(nm, "off")) continue;
        items[ni] = (item){1, view_state_colour(nm), 0, "", false};
        snprintf(items[ni++].text, 64, "%s", nm);
    }
    items[ni++] = (item){7, C_ENROUTE, 0, "en route: line to its call", false};
    HEAD("Calls (pulse: waiting)");
    for (int pr = 1; pr <= 3; pr++) {
        items[ni] = (item){2, view_priority_colour(pr), 0, "", false};
        snprintf(items[ni++].text, 64, "priority %d", pr);
    }
    if (r->n_majors) items[ni++] = (item){9, rgba(153, 27, 27, 255), 0, "major incident", false};
    HEAD("Roads");
    for (size_t c = 0; c < r->n_classes && ni < 120; c++) {
        road_style st = road_style_of(r, (int32_t)c);
        items[ni] = (item){3, st.c, st.w, "", false};
        snprintf(items[ni++].text, 64, "%s", r->class_names[c]);
    }
    items[ni++] = (item){4, C_STATION, 0, "police station", false};
    items[ni++] = (item){8, zone_tint(3), 0, "zone (tint; label)", false};
    if (has_post) items[ni++] = (item){5, C_POST, 0, "post", false};
    if (r->has_patrol) items[ni++] = (item){6, C_PATROL, 0, "patrol lines (as driven)", false};
#undef HEAD
    for (int i = 0; i < ni; i++) {
        const item *it = &items[i];
        float cy = ty + (float)lh / 2;
        if (it->head) {
            view_text(font, VIEW_T_SMALL, x + 8, ty, C_MUTED, it->text);
            ty += (float)lh;
            continue;
        }
        switch (it->shape) {
        case 0:
            vb_disc(b, sx, cy, 6.5f, rgba(30, 30, 30, 255));
            vb_disc(b, sx, cy, 5.5f, it->c);
            break;
        case 1:
            vb_disc(b, sx, cy, 7.5f, rgba(30, 30, 30, 255));
            vb_disc(b, sx, cy, 6.5f, it->c);
            vb_disc(b, sx, cy, 3.5f, rgba(150, 150, 150, 255));
            break;
        case 2:
            vb_diamond(b, sx, cy, 7, rgba(40, 40, 40, 255));
            vb_diamond(b, sx, cy, 5.5f, it->c);
            break;
        case 3:
            vb_line(b, sx - 10, cy, sx + 10, cy, it->w, it->c);
            break;
        case 4:
            vb_square(b, sx, cy, 6, rgba(255, 255, 255, 255));
            vb_square(b, sx, cy, 5, it->c);
            break;
        case 5:
            vb_triangle(b, sx, cy, 7, it->c);
            break;
        case 6:
            vb_line(b, sx - 10, cy, sx + 10, cy, 4, it->c);
            break;
        case 7:
            vb_dashed(b, sx - 10, cy, sx + 10, cy, 2, 4, it->c);
            break;
        case 8:
            vb_rect(b, sx - 9, cy - 6, 18, 12, it->c);
            break;
        case 9:
            vb_disc(b, sx, cy, 7, it->c);
            vb_disc(b, sx, cy, 3, rgba(255, 255, 255, 255));
            break;
        }
        view_text(font, VIEW_T_SMALL, tx, ty, C_INK, it->text);
        ty += (float)lh;
    }
    vb_flush(b, ren);
}

static void draw_details(SDL_Renderer *ren, view_font *font, const view_frame *fr)
{
    const view_run *r = fr->run;
    const SDL_Rect *p = &fr->cam.pane;
    char lines[40][160];
    int kind[40]; /* 0 normal, 1 title, 2 muted, 3 heading */
    int n = 0;
#define LINE(k, ...)                                                                               \
    do {                                                                                           \
        if (n < 40) {                                                                              \
            snprintf(lines[n], sizeof lines[n], __VA_ARGS__);                                      \
            kind[n++] = (k);                                                                       \
        }                                                                                          \
    } while (0)
    char hms[32], buf[32], m1[32];
    if (fr->sel.kind == 1 && fr->sel.index < r->n_units) {
        uint32_t u = fr->sel.index;
        const view_unit *vu = &r->units[u];
        LINE(1, "%s", vu->name);
        LINE(2, "%s · %s · crew %d · %s", vu->kind, vu->station, vu->crew, vu->mode);
        long si = view_unit_state_at(r, u, fr->t_s);
        if (si >= 0) {
            const view_state *s = &r->states[si];
            fmt_hms(s->t_s, hms, sizeof hms);
            fmt_min(fr->t_s - s->t_s, m1, sizeof m1);
            LINE(0, "Now %s since %s (%s)", view_state_name(r, s->state, buf, sizeof buf), hms, m1);
            if (s->call >= 0) {
                const view_call *c = &r->calls[s->call];
                LINE(0, "Call %u: P%d %s", c->id, c->priority,
                     c->type >= 0 ? r->type_name[c->type] : "?");
            }
        }
        LINE(3, "Last changes");
        long first = si - 7 < (long)vu->st0 ? (long)vu->st0 : si - 7;
        for (long k = first; si >= 0 && k <= si; k++) {
            const view_state *s = &r->states[k];
            fmt_hms(s->t_s, hms, sizeof hms);
            if (s->call >= 0)
                LINE(0, "Day %ld %s  %s (call %d)", (long)(s->t_s / 86400), hms,
                     view_state_name(r, s->state, buf, sizeof buf), s->call);
            else
                LINE(0, "Day %ld %s  %s", (long)(s->t_s / 86400), hms,
                     view_state_name(r, s->state, buf, sizeof buf));
        }
    } else if (fr->sel.kind == 2 && fr->sel.index < r->n_calls) {
        const view_call *c = &r->calls[fr->sel.index];
        LINE(1, "Call %u · priority %d · %s", c->id, c->priority,
             c->type >= 0 ? r->type_name[c->type] : "?");
        fmt_min(c->target_s, m1, sizeof m1);
        LINE(2, "Zone %s · target %s%s",
             c->zone >= 0 && (size_t)c->zone < r->n_zones ? r->zone_name[c->zone] : "–", m1,
             c->counted ? "" : " · warm-up");
        LINE(3, "Timeline");
        for (uint32_t k = 0; k < c->n_ev; k++) {
            const view_cev *e = &r->cevs[c->ev0 + k];
            fmt_hms(e->t_s, hms, sizeof hms);
            const char *what =
                e->what >= 0 && (size_t)e->what < r->n_cev_names ? r->cev_names[e->what] : "?";
            double dt = e->t_s - c->t_call_s;
            LINE(e->t_s <= fr->t_s ? 0 : 2, "%s\t+%02d:%02d\t%s\t%s", hms, (int)(dt / 60),
                 (int)fmod(dt, 60), what, e->unit >= 0 ? r->units[e->unit].name : "");
        }
        fmt_min(c->response_s, m1, sizeof m1);
        if (isfinite(c->response_s))
            LINE(0, "Response %s%s", m1,
                 c->response_s <= c->target_s ? " (within target)" : " (late)");
        if (c->n_cand) {
            const view_cand *c0 = &r->cands[c->cand0];
            fmt_hms(c0->t_s, hms, sizeof hms);
            LINE(3, "Why: free units ranked by travel time at %s", hms);
            for (uint32_t k = 0; k < c->n_cand && k < 9; k++) {
                const view_cand *d = &r->cands[c->cand0 + k];
                fmt_min(d->travel_s, m1, sizeof m1);
                LINE(d->sent ? 0 : 2, "%d.\t%s\t%s\t%s", d->rank + 1, r->units[d->unit].name, m1,
                     d->sent ? "✓ sent" : "");
            }
            if (c->n_cand > 9) LINE(2, "… and %u more", c->n_cand - 9);
        } else if (c->n_ev) {
            LINE(2, "No unit was ever chosen for it");
        }
    } else {
        return;
    }
#undef LINE
    /* Columns: each run of lines with tabs (a table) gets columns as wide as its widest
     * cells. */
    int lh = view_text_height(font, VIEW_T_NORMAL);
    int colw[40][6] = {{0}}, grp[40], w = 0, g = 0;
    for (int i = 0; i < n; i++)
        grp[i] = strchr(lines[i], '\t') ? g : ++g;
    for (int i = 0; i < n; i++) {
        if (!strchr(lines[i], '\t')) continue;
        char tmp[160];
        memcpy(tmp, lines[i], sizeof tmp);
        int k = 0;
        for (char *save = NULL, *cell = strtok_r(tmp, "\t", &save); cell && k < 6;
             cell = strtok_r(NULL, "\t", &save), k++) {
            int cw = view_text_width(font, VIEW_T_NORMAL, cell) + 10;
            if (cw > colw[grp[i]][k]) colw[grp[i]][k] = cw;
        }
    }
    for (int i = 0; i < n; i++) {
        int tabbed = 0;
        for (int k = 0; k < 6; k++)
            tabbed += colw[grp[i]][k];
        int tw = strchr(lines[i], '\t')
                     ? tabbed
                     : view_text_width(font, kind[i] == 1 ? VIEW_T_LARGE : VIEW_T_NORMAL, lines[i]);
        if (tw > w) w = tw;
    }
    w += 24;
    float h = (float)(n * lh + view_text_height(font, VIEW_T_LARGE) - lh + 16);
    /* Beside the legend, not over it. */
    float right =
        (float)(p->x + p->w) - 10 - (fr->layers & VIEW_L_LEGEND && !fr->no_legend ? 210.0f : 0.0f);
    float x = right - (float)w, y = (float)p->y + 10;
    panel(ren, x, y, (float)w, h);
    float ty = y + 6;
    for (int i = 0; i < n; i++) {
        int size = kind[i] == 1 ? VIEW_T_LARGE : VIEW_T_NORMAL;
        SDL_Color c = kind[i] == 2 ? C_MUTED : kind[i] == 3 ? C_STATION : C_INK;
        if (strchr(lines[i], '\t')) {
            float cx = x + 12;
            int k = 0;
            for (char *save = NULL, *cell = strtok_r(lines[i], "\t", &save); cell && k < 6;
                 cell = strtok_r(NULL, "\t", &save), k++) {
                view_text(font, size, cx, ty, c, cell);
                cx += (float)colw[grp[i]][k];
            }
        } else {
            view_text(font, size, x + 12, ty, c, lines[i]);
        }
        ty += (float)view_text_height(font, size);
    }
}

/* ---- The pane ------------------------------------------------------------------------------ */

void view_draw_pane(SDL_Renderer *ren, view_font *font, const view_frame *fr)
{
    const SDL_Rect *p = &fr->cam.pane;
    SDL_RenderSetClipRect(ren, p);
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ren, C_BG.r, C_BG.g, C_BG.b, 255);
    SDL_RenderFillRect(ren, p);
    if (fr->cache)
        draw_map_cached(ren, font, fr);
    else
        draw_map(ren, font, fr);
    vbuf b = {0};
    unit_mark *m = unit_marks(fr);
    /* The selected call's units, highlighted by a line from the call to each. */
    if (fr->sel.kind == 2 && fr->sel.index < fr->run->n_calls && m) {
        const view_call *c = &fr->run->calls[fr->sel.index];
        float cx, cy;
        view_cam_to_px(&fr->cam, fr->run->x_m[c->node], fr->run->y_m[c->node], &cx, &cy);
        vb_ring(&b, cx, cy, 15, 3, rgba(17, 24, 39, 255));
        for (uint32_t u = 0; u < fr->run->n_units; u++)
            if (m[u].state >= 0 && m[u].call == (int32_t)c->id)
                vb_line(&b, cx, cy, m[u].x, m[u].y, 2, rgba(17, 24, 39, 160));
        vb_flush(&b, ren);
    }
    if (fr->layers & VIEW_L_CALLS) draw_calls(ren, font, fr, &b);
    if ((fr->layers & VIEW_L_UNITS) && m) draw_units(ren, font, fr, &b, m);
    if (fr->layers & VIEW_L_CALLS) draw_majors(ren, font, fr, &b);
    free(m);
    draw_counters(ren, font, fr);
    float sy = (float)(p->y + p->h) - 10 - 30;
    if (fr->layers & VIEW_L_CHART) {
        draw_chart(ren, font, fr, &b);
        sy -= 128 + 8;
    }
    draw_scale(ren, font, fr, &b, (float)p->x + 10, sy);
    if ((fr->layers & VIEW_L_LEGEND) && !fr->no_legend) draw_legend(ren, font, fr, &b);
    draw_details(ren, font, fr);
    vb_free(&b);
    SDL_RenderSetClipRect(ren, NULL);
}

/* ---- Time bar and help --------------------------------------------------------------------- */

double view_timebar_time(const view_run *r, SDL_Rect rect, int x)
{
    float bx = (float)rect.x + 300, bw = (float)rect.w - 320;
    double f = ((double)x - bx) / bw;
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    return f * r->t_end_s;
}

void view_draw_timebar(SDL_Renderer *ren, view_font *font, const view_run *r, SDL_Rect rect,
                       double t_s, double speed_x, bool paused)
{
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ren, 31, 41, 55, 255);
    SDL_RenderFillRect(ren, &rect);
    vbuf b = {0};
    float bx = (float)rect.x + 300, bw = (float)rect.w - 320, by = (float)rect.y + 14, bh = 14;
    double T = r->t_end_s > 0 ? r->t_end_s : 1;
    vb_rect(&b, bx, by, bw, bh, rgba(75, 85, 99, 255));
    vb_rect(&b, bx, by, bw * (float)(r->warmup_s / T), bh, rgba(55, 65, 81, 255));
    vb_rect(&b, bx, by, bw * (float)(fmin(t_s, T) / T), bh, rgba(96, 165, 250, 255));
    for (double d = 86400; d < T; d += 86400) {
        float x = bx + bw * (float)(d / T);
        vb_line(&b, x, by, x, by + bh, 1, rgba(31, 41, 55, 255));
    }
    /* Major incidents as red ticks under the bar (or, without them, calls that needed
     * several units). */
    for (size_t i = 0; i < (r->n_majors ? r->n_majors : r->n_major); i++) {
        double t = r->n_majors ? r->majors[i].t_start_s : r->calls[r->major[i]].t_call_s;
        float x = bx + bw * (float)(t / T);
        vb_line(&b, x, by + bh + 1, x, by + bh + (r->n_majors ? 9 : 5), r->n_majors ? 2 : 1,
                rgba(248, 113, 113, 255));
    }
    float cx = bx + bw * (float)(fmin(t_s, T) / T);
    vb_rect(&b, cx - 2, by - 4, 4, bh + 8, rgba(255, 255, 255, 255));
    vb_flush(&b, ren);
    vb_free(&b);
    char buf[96], clock[64];
    view_format_clock(r, t_s, clock, sizeof clock);
    if (paused)
        snprintf(buf, sizeof buf, "‖ paused   %s", clock);
    else
        snprintf(buf, sizeof buf, "▶ %gx   %s", speed_x, clock);
    SDL_Color w = {243, 244, 246, 255};
    view_text(font, VIEW_T_NORMAL, (float)rect.x + 12, (float)rect.y + 12, w, buf);
    int days = (int)(T / 86400);
    int step = days > 20 ? 7 : days > 8 ? 2 : 1;
    for (int d = 0; d <= days; d += step) {
        snprintf(buf, sizeof buf, "%d", d);
        view_text(font, VIEW_T_SMALL, bx + bw * (float)(d * 86400.0 / T) + 2, by + bh + 3,
                  rgba(156, 163, 175, 255), buf);
    }
}

void view_draw_help(SDL_Renderer *ren, view_font *font, SDL_Rect screen)
{
    static const char *const lines[] = {
        "patrolview — keys and mouse",
        "",
        "Space            play / pause",
        "+  or  ]         faster (up to 3600x)",
        "-  or  [         slower (down to 1x)",
        "←  →             back / forward 1 minute (Shift: 1 hour)",
        "Home  End        start / end of the run",
        "N                next call",
        "M                next major incident (without any: a call that needed several units)",
        "Mouse wheel      zoom at the pointer",
        "Drag             pan",
        "Click            details of a unit or call (a call: timeline, candidates)",
        "Right click, Esc clear the selection",
        "Seek bar         click or drag to jump in time",
        "R  /  A          reset the view: where the calls are / the whole district",
        "Z S U C L G T K  toggle zones, stations, units, calls, labels, chart,",
        "                 patrol lines, legend",
        "F  or  F11       full screen",
        "P                save a screenshot (patrolview-<time>.png)",
        "F1               this help",
        "Q  or  Esc       quit",
    };
    size_t n = sizeof lines / sizeof *lines;
    int lh = view_text_height(font, VIEW_T_NORMAL) + 2;
    int w = 0;
    for (size_t i = 0; i < n; i++) {
        int tw = view_text_width(font, VIEW_T_NORMAL, lines[i]);
        if (tw > w) w = tw;
    }
    w += 48;
    int h = (int)n * lh + 36;
    float x = (float)(screen.x + (screen.w - w) / 2), y = (float)(screen.y + (screen.h - h) / 2);
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(ren, 17, 24, 39, 235);
    SDL_FRect rr = {x, y, (float)w, (float)h};
    SDL_RenderFillRectF(ren, &rr);
    for (size_t i = 0; i < n; i++) {
        SDL_Color c = i == 0 ? (SDL_Color){147, 197, 253, 255} : (SDL_Color){243, 244, 246, 255};
        view_text(font, VIEW_T_NORMAL, x + 24, y + 18 + (float)(i * (size_t)lh), c, lines[i]);
    }
}
