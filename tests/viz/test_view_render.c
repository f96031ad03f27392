/* test_view_render.c - frames rendered without a screen, checked pixel by pixel.
 *
 *   test_view_render PATROLVIEW A.h5 B.h5 OUTDIR
 *
 * A.h5 and B.h5 are results files of two runs with a replay of replication 0 (the CTest
 * fixture makes them). Checks:
 *   - a frame is not blank: most of it is map, in many colours;
 *   - a unit on its way to a call is drawn where the data says: its position is worked out
 *     here from the raw /replay tables (the last leg recorded that started by then, linear
 *     between nodes; independent of the viewer's index), mapped to pixels with the viewer's
 *     camera, and the pixels there have the unit kind's colour; with the units layer hidden
 *     they do not;
 *   - the program's --screenshot writes a PNG of the asked size, and with two files draws two
 *     panes with the dark divider between them, both non-blank and different;
 *   - --frames writes one PNG per frame.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "check.h"
#include "h5.h"
#include "replay_h5.h"
#include "replay_impl.h"
#include "view.h"

#define FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

static Uint32 px_at(SDL_Surface *s, int x, int y)
{
    return ((Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch))[x] & 0xffffff;
}

static Uint32 rgb(SDL_Color c)
{
    return (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
}

/* Share of pixels in a rectangle that differ from the background, and distinct colours. */
static void coverage(SDL_Surface *s, int x0, int y0, int x1, int y1, double *share, int *colours)
{
    const Uint32 bg = 0xF4F1EA;
    long diff = 0, n = 0;
    Uint32 seen[256];
    int ns = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            Uint32 p = px_at(s, x, y);
            n++;
            diff += p != bg;
            int k = 0;
            while (k < ns && seen[k] != p)
                k++;
            if (k == ns && ns < 256) seen[ns++] = p;
        }
    *share = n ? (double)diff / (double)n : 0;
    *colours = ns;
}

/* The position of unit u at t from the raw replay: the last leg recorded with t0 <= t. */
static bool raw_pos(const replay *rp, const view_run *r, uint32_t u, double t, double *x, double *y)
{
    long leg = -1;
    for (size_t i = 0; i < rp->n_legs; i++)
        if (rp->legs[i].unit == u && rp->legs[i].t0_s <= t) leg = (long)i;
    if (leg < 0) return false;
    const replay_leg_rec *l = &rp->legs[leg];
    size_t k = 0;
    while (k + 1 < l->n && rp->leg_t[l->first + k + 1] <= t)
        k++;
    uint32_t a = rp->leg_node[l->first + k];
    if (k + 1 >= l->n) {
        *x = r->x_m[a];
        *y = r->y_m[a];
        return true;
    }
    uint32_t b = rp->leg_node[l->first + k + 1];
    double t0 = rp->leg_t[l->first + k], t1 = rp->leg_t[l->first + k + 1];
    double f = (t - t0) / (t1 - t0);
    *x = r->x_m[a] + f * (r->x_m[b] - r->x_m[a]);
    *y = r->y_m[a] + f * (r->y_m[b] - r->y_m[a]);
    return true;
}

static void render(SDL_Renderer *ren, view_font *font, const view_frame *fr)
{
    view_draw_pane(ren, font, fr);
    SDL_RenderFlush(ren);
}

static int run(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_marker(const char *a_path)
{
    char err[1024];
    view_run *r = view_run_load(a_path, -1, err, sizeof err);
    CHECK(r != NULL);
    if (!r) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    h5_file *f = h5_file_open(a_path, false, NULL, err, sizeof err);
    replay *rp = replay_create();
    CHECK(f && replay_h5_read(f, r->rep, rp) == 0);
    h5_file_close(f);

    const int W = 1200, H = 800;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *ren = SDL_CreateSoftwareRenderer(s);
    view_font *font = view_font_create(ren, FONT, 1.0f, err, sizeof err);
    CHECK(font != NULL);
    view_frame fr = {.run = r, .anim_s = 0.3, .layers = VIEW_L_ALL};
    view_cam_fit(&fr.cam, r, (SDL_Rect){0, 0, W, H});

    /* Not blank. */
    fr.t_s = r->warmup_s + 12 * 3600.0;
    render(ren, font, &fr);
    double share;
    int colours;
    coverage(s, 0, 0, W, H, &share, &colours);
    CHECK(share > 0.25);
    CHECK(colours > 40);

    /* A unit on its way to a call, away from the panels and from other units. */
    int checked = 0;
    for (double t = r->warmup_s + 8 * 3600.0; t < r->t_end_s && checked < 3; t += 397) {
        fr.t_s = t;
        for (uint32_t u = 0; u < r->n_units && checked < 3; u++) {
            long si = view_unit_state_at(r, u, t);
            char buf[32];
            if (si < 0 ||
                strcmp(view_state_name(r, r->states[si].state, buf, sizeof buf), "enroute"))
                continue;
            double x, y;
            if (!raw_pos(rp, r, u, t, &x, &y)) continue;
            float px, py;
            view_cam_to_px(&fr.cam, x, y, &px, &py);
            if (px < W * 0.3f || px > W * 0.7f || py < H * 0.2f || py > H * 0.65f) continue;
            bool alone = true;
            for (uint32_t v = 0; v < r->n_units; v++) {
                long sv = view_unit_state_at(r, v, t);
                if (v == u || sv < 0 || r->states[sv].state == 0) continue;
                double vx, vy;
                view_unit_pos(r, v, t, &vx, &vy);
                float qx, qy;
                view_cam_to_px(&fr.cam, vx, vy, &qx, &qy);
                if (fabsf(qx - px) < 30 && fabsf(qy - py) < 30) alone = false;
            }
            if (!alone) continue;
            fr.layers = VIEW_L_ALL;
            render(ren, font, &fr);
            Uint32 want = rgb(view_kind_colour(r->units[u].kind_idx));
            int ix = (int)floorf(px), iy = (int)floorf(py), good = 0;
            for (int dy = -2; dy <= 2; dy++)
                for (int dx = -2; dx <= 2; dx++)
                    good += px_at(s, ix + dx, iy + dy) == want;
            if (good != 25)
                fprintf(stderr, "unit %s at t=%.0f: %d of 25 pixels around (%d, %d) are %06x\n",
                        r->units[u].name, t, good, ix, iy, want);
            CHECK_EQ(good, 25);
            fr.layers = VIEW_L_ALL & ~VIEW_L_UNITS;
            render(ren, font, &fr);
            CHECK(px_at(s, ix, iy) != want);
            checked++;
        }
    }
    CHECK_EQ(checked, 3);
    view_font_destroy(font);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(s);
    replay_destroy(rp);
    view_run_free(r);
}

static void test_program(const char *pv, const char *a, const char *b, const char *out)
{
    char cmd[4096], path[1024], err[512];
    snprintf(cmd, sizeof cmd, "'%s' '%s' --screenshot '%s/one.png' --at 1:18:30 --size 1000x700",
             pv, a, out);
    CHECK_EQ(run(cmd), 0);
    snprintf(path, sizeof path, "%s/one.png", out);
    SDL_Surface *one = view_png_read(path, err, sizeof err);
    CHECK(one != NULL);
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' --screenshot '%s/two.png' --at 1:18:30", pv, a, b,
             out);
    CHECK_EQ(run(cmd), 0);
    snprintf(path, sizeof path, "%s/two.png", out);
    SDL_Surface *two = view_png_read(path, err, sizeof err);
    CHECK(two != NULL);
    if (!one || !two) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_EQ(one->w, 1000);
    CHECK_EQ(one->h, 700);
    CHECK_EQ(two->w, 1600);
    CHECK_EQ(two->h, 900);
    /* Two panes: a dark divider down the middle, above the time bar (46 px). */
    const Uint32 divider = 0x1F2937;
    int dark = 0, rows = two->h - 46;
    for (int y = 0; y < rows; y++)
        dark += px_at(two, two->w / 2, y) == divider;
    CHECK_EQ(dark, rows);
    int dark_one = 0;
    for (int y = 0; y < one->h - 46; y++)
        dark_one += px_at(one, one->w / 2, y) == divider;
    CHECK(dark_one < (one->h - 46) / 4);
    double sl, sr;
    int cl, cr;
    coverage(two, 0, 0, two->w / 2 - 1, rows, &sl, &cl);
    coverage(two, two->w / 2 + 1, 0, two->w, rows, &sr, &cr);
    CHECK(sl > 0.25 && sr > 0.25);
    CHECK(cl > 40 && cr > 40);
    long differ = 0;
    for (int y = 0; y < rows; y++)
        for (int x = 0; x < two->w / 2 - 1; x++)
            differ += px_at(two, x, y) != px_at(two, x + two->w / 2 + 1, y);
    CHECK(differ > 500); /* two runs, two pictures */
    SDL_FreeSurface(one);
    SDL_FreeSurface(two);

    snprintf(cmd, sizeof cmd,
             "'%s' '%s' --frames '%s/frames' --from 1:10:00:00 --to 1:10:00:02 --fps 1 "
             "--speed 1 "
             "--size 640x400 > /dev/null",
             pv, a, out);
    CHECK_EQ(run(cmd), 0);
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/frames/frame_%05d.png", out, i);
        FILE *fp = fopen(path, "rb");
        CHECK((fp != NULL) == (i < 3)); /* 0 s, 1 s, 2 s */
        if (fp) fclose(fp);
    }
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s PATROLVIEW A.h5 B.h5 OUTDIR\n", argv[0]);
        return 2;
    }
    test_marker(argv[2]);
    test_program(argv[1], argv[2], argv[3], argv[4]);
    TTF_Quit();
    return CHECK_DONE();
}
