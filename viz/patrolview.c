/* patrolview.c - the replay viewer: a window, or frames rendered without a screen.
 *
 *   patrolview FILE.h5 [B.h5] [--rep N] [--at DAY:HH:MM] [--speed X]     the window
 *   patrolview FILE.h5 [B.h5] --screenshot OUT.png --at DAY:HH:MM        one frame
 *   patrolview FILE.h5 --frames DIR --from T --to T [--fps N] [--speed X] a sequence
 *   patrolview FILE.h5 --video OUT.mp4 --from T --to T [--fps N]          through ffmpeg
 *
 * Two files are shown side by side on one clock and one camera (with common random numbers
 * they face the same calls). Frames without a screen use SDL's software renderer on a memory
 * surface: no display, no SDL_VIDEODRIVER needed. Exit status: 0 done, 2 bad arguments or a
 * file that cannot be shown (the message names it), 1 a failure while running (SDL, disk).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "view.h"

#define DEFAULT_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define TIMEBAR_H    46
#define MAX_RUNS     2

static const double speeds[] = {1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 3600};
#define N_SPEEDS (sizeof speeds / sizeof speeds[0])

typedef struct opts {
    const char *files[MAX_RUNS];
    int n_files;
    int rep;
    double at_s;
    bool have_at;
    double speed;
    int width, height;
    const char *screenshot, *frames_dir, *video;
    double from_s, to_s;
    bool have_from, have_to;
    double fps;
    const char *select;
    const char *font;
    unsigned hide;
    int bench;
} opts;

typedef struct app {
    opts o;
    view_run *runs[MAX_RUNS];
    int n_runs;
    view_sel sel[MAX_RUNS];
    view_cam cam; /* shared centre and zoom; each pane has its own rect */
    unsigned layers;
    double t_s, t_end_s;
} app;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: patrolview FILE.h5 [OTHER.h5] [options]\n"
            "Replays a replication recorded with 'patrolsim run SCENARIO --replay N'. With two\n"
            "files, shows them side by side on one clock.\n"
            "  --rep N               replication to show (default: the first one recorded)\n"
            "  --at DAY:HH:MM        start at this time (default: the end of the warm-up)\n"
            "  --speed X             play speed, simulated seconds per second (default 60)\n"
            "  --size WxH            window or image size (default 1600x900)\n"
            "  --select unit:NAME | call:ID   show the details of a unit or call\n"
            "  --hide LIST           layers to hide: zones,roads,stations,units,calls,labels,\n"
            "                        chart,patrol,legend\n"
            "  --font FILE.ttf       the font (default " DEFAULT_FONT ")\n"
            "Without a screen:\n"
            "  --screenshot OUT.png  render the frame at --at and exit\n"
            "  --frames DIR          render frames DIR/frame_00000.png ... from --from to --to\n"
            "  --video OUT.mp4       the same frames encoded by ffmpeg (when installed)\n"
            "  --from T --to T       the time range of --frames and --video (DAY:HH:MM)\n"
            "  --fps N               frames per second of --frames and --video (default 30)\n"
            "  --bench N             render N frames off screen and print the time per frame\n"
            "Keys in the window: F1 shows them all.\n");
}

static int parse_opts(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {{"rep", required_argument, NULL, 'r'},
                                       {"at", required_argument, NULL, 'a'},
                                       {"speed", required_argument, NULL, 's'},
                                       {"size", required_argument, NULL, 'z'},
                                       {"screenshot", required_argument, NULL, 'S'},
                                       {"frames", required_argument, NULL, 'F'},
                                       {"video", required_argument, NULL, 'V'},
                                       {"from", required_argument, NULL, 'f'},
                                       {"to", required_argument, NULL, 't'},
                                       {"fps", required_argument, NULL, 'p'},
                                       {"select", required_argument, NULL, 'e'},
                                       {"font", required_argument, NULL, 'n'},
                                       {"hide", required_argument, NULL, 'H'},
                                       {"bench", required_argument, NULL, 'B'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0}};
    *o = (opts){
        .rep = -1, .speed = 60, .width = 1600, .height = 900, .fps = 30, .font = DEFAULT_FONT};
    const char *env_font = getenv("PATROLVIEW_FONT");
    if (env_font && *env_font) o->font = env_font;
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'r':
            o->rep = (int)strtol(optarg, &end, 10);
            if (*end || o->rep < 0) {
                fprintf(stderr, "patrolview: --rep: expected a replication number (got '%s')\n",
                        optarg);
                return 2;
            }
            break;
        case 'a':
        case 'f':
        case 't': {
            double v;
            if (view_parse_time(optarg, &v)) {
                fprintf(stderr, "patrolview: --%s: expected DAY:HH:MM[:SS] or seconds (got '%s')\n",
                        c == 'a'   ? "at"
                        : c == 'f' ? "from"
                                   : "to",
                        optarg);
                return 2;
            }
            if (c == 'a') o->at_s = v, o->have_at = true;
            if (c == 'f') o->from_s = v, o->have_from = true;
            if (c == 't') o->to_s = v, o->have_to = true;
            break;
        }
        case 's':
            o->speed = strtod(optarg, &end);
            if (*end || !(o->speed >= 1 && o->speed <= 3600)) {
                fprintf(stderr, "patrolview: --speed: expected 1 to 3600 (got '%s')\n", optarg);
                return 2;
            }
            break;
        case 'z':
            if (sscanf(optarg, "%dx%d", &o->width, &o->height) != 2 || o->width < 320 ||
                o->height < 240 || o->width > 8192 || o->height > 8192) {
                fprintf(stderr, "patrolview: --size: expected WxH, at least 320x240 (got '%s')\n",
                        optarg);
                return 2;
            }
            break;
        case 'S':
            o->screenshot = optarg;
            break;
        case 'F':
            o->frames_dir = optarg;
            break;
        case 'V':
            o->video = optarg;
            break;
        case 'p':
            o->fps = strtod(optarg, &end);
            if (*end || !(o->fps >= 1 && o->fps <= 120)) {
                fprintf(stderr, "patrolview: --fps: expected 1 to 120 (got '%s')\n", optarg);
                return 2;
            }
            break;
        case 'e':
            o->select = optarg;
            break;
        case 'n':
            o->font = optarg;
            break;
        case 'H': {
            static const char *const names[] = {"zones",  "roads", "stations", "units", "calls",
                                                "labels", "chart", "patrol",   "legend"};
            char buf[256];
            snprintf(buf, sizeof buf, "%s", optarg);
            for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
                size_t k = 0;
                while (k < 9 && strcmp(tok, names[k]))
                    k++;
                if (k == 9) {
                    fprintf(stderr,
                            "patrolview: --hide: unknown layer '%s' (expected zones, "
                            "roads, stations, units, calls, labels, chart, patrol, "
                            "legend)\n",
                            tok);
                    return 2;
                }
                o->hide |= 1u << k;
            }
            break;
        }
        case 'B':
            o->bench = (int)strtol(optarg, &end, 10);
            if (*end || o->bench < 1) {
                fprintf(stderr, "patrolview: --bench: expected a frame count (got '%s')\n", optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (o->n_files == MAX_RUNS) {
            fprintf(stderr, "patrolview: at most two files (side by side); got '%s' as a third\n",
                    argv[i]);
            return 2;
        }
        o->files[o->n_files++] = argv[i];
    }
    if (o->n_files == 0) {
        usage(stderr);
        return 2;
    }
    if ((o->frames_dir || o->video) && !(o->have_from && o->have_to && o->to_s > o->from_s)) {
        fprintf(stderr, "patrolview: --frames and --video need --from and --to, with --to after "
                        "--from\n");
        return 2;
    }
    return -1;
}

/* ---- Shared set-up ------------------------------------------------------------------------- */

static void layout_panes(app *a, int w, int h, SDL_Rect *panes)
{
    int ph = h - TIMEBAR_H;
    if (a->n_runs == 1)
        panes[0] = (SDL_Rect){0, 0, w, ph};
    else {
        panes[0] = (SDL_Rect){0, 0, w / 2 - 1, ph};
        panes[1] = (SDL_Rect){w / 2 + 1, 0, w - w / 2 - 1, ph};
    }
}

static view_frame frame_for(const app *a, int i, SDL_Rect pane, double anim_s,
                            view_map_cache *cache)
{
    view_frame fr = {.run = a->runs[i],
                     .cam = a->cam,
                     .t_s = a->t_s,
                     .anim_s = anim_s,
                     .layers = a->layers,
                     .sel = a->sel[i],
                     .cache = cache};
    fr.cam.pane = pane;
    fr.heading = a->n_runs > 1 ? a->runs[i]->title : NULL;
    fr.no_legend = a->n_runs > 1 && i == 0;
    return fr;
}

static void draw_all(app *a, SDL_Renderer *ren, view_font *font, int w, int h, double anim_s,
                     view_map_cache *caches, double speed, bool paused)
{
    SDL_Rect panes[MAX_RUNS];
    layout_panes(a, w, h, panes);
    SDL_SetRenderDrawColor(ren, 31, 41, 55, 255);
    SDL_RenderClear(ren);
    for (int i = 0; i < a->n_runs; i++) {
        view_frame fr = frame_for(a, i, panes[i], anim_s, caches ? &caches[i] : NULL);
        view_draw_pane(ren, font, &fr);
    }
    SDL_Rect bar = {0, h - TIMEBAR_H, w, TIMEBAR_H};
    const view_run *longest = a->runs[0];
    for (int i = 1; i < a->n_runs; i++)
        if (a->runs[i]->t_end_s > longest->t_end_s) longest = a->runs[i];
    view_draw_timebar(ren, font, longest, bar, a->t_s, speed, paused);
}

/* Applies --select to every pane (a unit by name, a call by number). */
static int apply_select(app *a, const char *spec)
{
    for (int i = 0; i < a->n_runs; i++) {
        const view_run *r = a->runs[i];
        if (!strncmp(spec, "unit:", 5)) {
            size_t u = 0;
            while (u < r->n_units && strcmp(r->units[u].name, spec + 5))
                u++;
            if (u == r->n_units) {
                fprintf(stderr, "patrolview: --select: %s has no unit '%s'\n", r->path, spec + 5);
                return 2;
            }
            a->sel[i] = (view_sel){1, (uint32_t)u};
        } else if (!strncmp(spec, "call:", 5)) {
            char *end;
            long c = strtol(spec + 5, &end, 10);
            if (*end || c < 0 || (size_t)c >= r->n_calls) {
                fprintf(stderr, "patrolview: --select: %s has no call '%s' (0 to %zu)\n", r->path,
                        spec + 5, r->n_calls ? r->n_calls - 1 : 0);
                return 2;
            }
            a->sel[i] = (view_sel){2, (uint32_t)c};
        } else {
            fprintf(stderr, "patrolview: --select: expected unit:NAME or call:ID (got '%s')\n",
                    spec);
            return 2;
        }
    }
    return 0;
}

/* ---- Without a screen ---------------------------------------------------------------------- */

typedef struct offscreen {
    SDL_Surface *surf;
    SDL_Renderer *ren;
    view_font *font;
    view_map_cache caches[MAX_RUNS]; /* the map, drawn once for a whole frame sequence */
} offscreen;

static int offscreen_open(offscreen *off, int w, int h, const char *font_path)
{
    char err[512];
    off->surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    off->ren = off->surf ? SDL_CreateSoftwareRenderer(off->surf) : NULL;
    if (!off->ren) {
        fprintf(stderr, "patrolview: cannot make an off-screen renderer: %s\n", SDL_GetError());
        return 1;
    }
    off->font = view_font_create(off->ren, font_path, 1.0f, err, sizeof err);
    if (!off->font) {
        fprintf(stderr, "patrolview: %s\n", err);
        return 2;
    }
    return 0;
}

static void offscreen_close(offscreen *off)
{
    for (int i = 0; i < MAX_RUNS; i++)
        view_map_cache_fini(&off->caches[i]);
    view_font_destroy(off->font);
    if (off->ren) SDL_DestroyRenderer(off->ren);
    SDL_FreeSurface(off->surf);
}

static void offscreen_draw(app *a, offscreen *off)
{
    /* A fixed pulse phase: the same frame for the same time, every run. */
    draw_all(a, off->ren, off->font, off->surf->w, off->surf->h, 0.3, off->caches, a->o.speed,
             true);
    SDL_RenderFlush(off->ren);
}

static bool find_in_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path) return false;
    char buf[4096];
    for (const char *p = path; *p;) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
        if (access(buf, X_OK) == 0) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

static int run_headless(app *a)
{
    const opts *o = &a->o;
    int w = o->width, h = o->height;
    if (o->video) {
        w &= ~1; /* yuv420p needs even sizes */
        h &= ~1;
        if (!find_in_path("ffmpeg")) {
            fprintf(stderr, "patrolview: --video needs ffmpeg, which is not installed (Debian: "
                            "apt-get install ffmpeg); --frames DIR writes the same frames as "
                            "PNG files\n");
            return 2;
        }
    }
    offscreen off = {0};
    int rc = offscreen_open(&off, w, h, o->font);
    if (rc) {
        offscreen_close(&off);
        return rc;
    }
    char err[512];
    if (o->bench) {
        /* As the window draws: the static map from its cache, redrawn only when the view
         * changes; the first frame pays for the map. */
        view_map_cache caches[MAX_RUNS] = {0};
        struct timespec t0, t1, t2;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int i = 0; i < o->bench; i++) {
            a->t_s = a->runs[0]->warmup_s + 3600.0 * 10 + 20.0 * i; /* 20 s per frame: 1200x */
            draw_all(a, off.ren, off.font, w, h, 0.3, caches, o->speed, false);
            SDL_RenderFlush(off.ren);
            if (i == 0) clock_gettime(CLOCK_MONOTONIC, &t1);
        }
        clock_gettime(CLOCK_MONOTONIC, &t2);
        double first =
            (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-6;
        double ms =
            ((double)(t2.tv_sec - t1.tv_sec) * 1e3 + (double)(t2.tv_nsec - t1.tv_nsec) * 1e-6) /
            (o->bench > 1 ? o->bench - 1 : 1);
        printf("patrolview: %d frames of %dx%d, %zu units, software renderer: first frame "
               "(with the map) %.1f ms, then %.2f ms per frame (%.0f frames/s)\n",
               o->bench, w, h, a->runs[0]->n_units, first, ms, 1000.0 / ms);
        for (int i = 0; i < MAX_RUNS; i++)
            view_map_cache_fini(&caches[i]);
    } else if (o->screenshot) {
        offscreen_draw(a, &off);
        if (view_png_write(o->screenshot, off.surf, err, sizeof err)) {
            fprintf(stderr, "patrolview: %s\n", err);
            rc = 1;
        }
    } else {
        FILE *pipe = NULL;
        if (o->video) {
            char cmd[8192], q[4096];
            size_t k = 0;
            for (const char *p = o->video; *p && k + 5 < sizeof q; p++) {
                if (*p == '\'') {
                    memcpy(q + k, "'\\''", 4);
                    k += 4;
                } else
                    q[k++] = *p;
            }
            q[k] = 0;
            snprintf(cmd, sizeof cmd,
                     "ffmpeg -loglevel error -y -f rawvideo -pix_fmt bgra -s %dx%d -r %g -i - "
                     "-c:v libx264 -pix_fmt yuv420p -movflags +faststart '%s'",
                     w, h, o->fps, q);
            pipe = popen(cmd, "w");
            if (!pipe) {
                fprintf(stderr, "patrolview: cannot start ffmpeg: %s\n", strerror(errno));
                offscreen_close(&off);
                return 1;
            }
        } else if (mkdir(o->frames_dir, 0777) && errno != EEXIST) {
            fprintf(stderr, "patrolview: %s: cannot create: %s\n", o->frames_dir, strerror(errno));
            offscreen_close(&off);
            return 1;
        }
        double step = o->speed / o->fps;
        long n = (long)floor((o->to_s - o->from_s) / step) + 1;
        for (long i = 0; i < n && !rc; i++) {
            a->t_s = o->from_s + step * (double)i;
            offscreen_draw(a, &off);
            if (pipe) {
                for (int y = 0; y < h && !rc; y++)
                    if (fwrite((char *)off.surf->pixels + (size_t)y * (size_t)off.surf->pitch, 4,
                               (size_t)w, pipe) != (size_t)w)
                        rc = 1;
                if (rc) fprintf(stderr, "patrolview: ffmpeg stopped reading frames\n");
            } else {
                char path[4096];
                snprintf(path, sizeof path, "%s/frame_%05ld.png", o->frames_dir, i);
                if (view_png_write(path, off.surf, err, sizeof err)) {
                    fprintf(stderr, "patrolview: %s\n", err);
                    rc = 1;
                }
            }
        }
        if (pipe) {
            int st = pclose(pipe);
            if (st != 0 && !rc) {
                fprintf(stderr, "patrolview: ffmpeg failed (status %d) writing %s\n", st, o->video);
                rc = 1;
            }
        }
        if (!rc)
            printf("patrolview: %ld frames (%g fps, %gx) written to %s\n", n, o->fps, o->speed,
                   o->video ? o->video : o->frames_dir);
    }
    offscreen_close(&off);
    return rc;
}

/* ---- The window ---------------------------------------------------------------------------- */

static size_t speed_index(double s)
{
    size_t best = 0;
    for (size_t i = 0; i < N_SPEEDS; i++)
        if (fabs(log(speeds[i] / s)) < fabs(log(speeds[best] / s))) best = i;
    return best;
}

static void save_window_png(app *a, SDL_Renderer *ren)
{
    int w, h;
    SDL_GetRendererOutputSize(ren, &w, &h);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) return;
    char path[128], err[512];
    long t = (long)a->t_s;
    snprintf(path, sizeof path, "patrolview-d%ld-%02ld%02ld%02ld.png", t / 86400, t % 86400 / 3600,
             t % 3600 / 60, t % 60);
    for (int k = 2; access(path, F_OK) == 0 && k < 1000; k++) /* never overwrite one */
        snprintf(path, sizeof path, "patrolview-d%ld-%02ld%02ld%02ld-%d.png", t / 86400,
                 t % 86400 / 3600, t % 3600 / 60, t % 60, k);
    if (SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch) == 0 &&
        view_png_write(path, s, err, sizeof err) == 0)
        printf("patrolview: saved %s\n", path);
    else
        fprintf(stderr, "patrolview: cannot save the screenshot: %s\n", SDL_GetError());
    SDL_FreeSurface(s);
}

static int pane_at(app *a, int w, int h, int x, int y)
{
    SDL_Rect panes[MAX_RUNS];
    layout_panes(a, w, h, panes);
    SDL_Point p = {x, y};
    for (int i = 0; i < a->n_runs; i++)
        if (SDL_PointInRect(&p, &panes[i])) return i;
    return -1;
}

static int run_window(app *a)
{
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        fprintf(stderr,
                "patrolview: cannot open a window: %s (no display? use --screenshot "
                "or --frames, which need none)\n",
                SDL_GetError());
        return 1;
    }
    char title[512];
    snprintf(title, sizeof title, "patrolview — %s%s%s", a->runs[0]->title,
             a->n_runs > 1 ? " | " : "", a->n_runs > 1 ? a->runs[1]->title : "");
    SDL_Window *win = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                       a->o.width, a->o.height, SDL_WINDOW_RESIZABLE);
    if (!win) {
        fprintf(stderr, "patrolview: cannot open a window: %s\n", SDL_GetError());
        SDL_Quit();
        return 1;
    }
    SDL_Renderer *ren = SDL_CreateRenderer(
        win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC | SDL_RENDERER_TARGETTEXTURE);
    if (!ren) ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    char err[512];
    view_font *font = ren ? view_font_create(ren, a->o.font, 1.0f, err, sizeof err) : NULL;
    if (!font) {
        fprintf(stderr, "patrolview: %s\n", ren ? err : SDL_GetError());
        if (ren) SDL_DestroyRenderer(ren);
        SDL_DestroyWindow(win);
        SDL_Quit();
        return ren ? 2 : 1;
    }
    SDL_RendererInfo info;
    SDL_GetRendererInfo(ren, &info);
    bool vsync = info.flags & SDL_RENDERER_PRESENTVSYNC;

    view_map_cache caches[MAX_RUNS] = {0};
    size_t si = speed_index(a->o.speed);
    bool paused = false, help = false, quit = false, full = false, want_shot = false;
    bool drag_map = false, drag_bar = false;
    int drag_x = 0, drag_y = 0, moved = 0;
    int w, h;
    SDL_GetRendererOutputSize(ren, &w, &h);
    SDL_Rect panes[MAX_RUNS];
    layout_panes(a, w, h, panes);
    view_cam_fit(&a->cam, a->runs[0], panes[0]);
    Uint64 freq = SDL_GetPerformanceFrequency(), last = SDL_GetPerformanceCounter();
    Uint64 start = last;
    long frames = 0;
    double frame_s_sum = 0;
    while (!quit) {
        SDL_Event e;
        SDL_GetRendererOutputSize(ren, &w, &h);
        while (SDL_PollEvent(&e)) {
            switch (e.type) {
            case SDL_QUIT:
                quit = true;
                break;
            case SDL_KEYDOWN: {
                SDL_Keycode k = e.key.keysym.sym;
                bool shift = e.key.keysym.mod & KMOD_SHIFT;
                if (k == SDLK_q)
                    quit = true;
                else if (k == SDLK_ESCAPE) {
                    bool any = help;
                    for (int i = 0; i < a->n_runs; i++)
                        any = any || a->sel[i].kind;
                    if (!any) quit = true;
                    help = false;
                    for (int i = 0; i < a->n_runs; i++)
                        a->sel[i].kind = 0;
                } else if (k == SDLK_SPACE)
                    paused = !paused;
                else if (k == SDLK_PLUS || k == SDLK_EQUALS || k == SDLK_KP_PLUS ||
                         k == SDLK_RIGHTBRACKET || k == SDLK_UP) {
                    if (si + 1 < N_SPEEDS) si++;
                } else if (k == SDLK_MINUS || k == SDLK_KP_MINUS || k == SDLK_LEFTBRACKET ||
                           k == SDLK_DOWN) {
                    if (si > 0) si--;
                } else if (k == SDLK_RIGHT)
                    a->t_s += shift ? 3600 : 60;
                else if (k == SDLK_LEFT)
                    a->t_s -= shift ? 3600 : 60;
                else if (k == SDLK_HOME)
                    a->t_s = 0;
                else if (k == SDLK_END)
                    a->t_s = a->t_end_s;
                else if (k == SDLK_m) {
                    long c;
                    double t = view_next_major(a->runs[0], a->t_s, &c);
                    if (isfinite(t)) {
                        a->t_s = t;
                        for (int i = 0; i < a->n_runs; i++)
                            if (c >= 0 && (size_t)c < a->runs[i]->n_calls)
                                a->sel[i] = (view_sel){2, (uint32_t)c};
                        paused = true;
                    }
                } else if (k == SDLK_n) {
                    long c = view_next_call(a->runs[0], a->t_s, false);
                    if (c >= 0) {
                        a->t_s = a->runs[0]->calls[c].t_call_s;
                        for (int i = 0; i < a->n_runs; i++)
                            if ((size_t)c < a->runs[i]->n_calls)
                                a->sel[i] = (view_sel){2, (uint32_t)c};
                        paused = true;
                    }
                } else if (k == SDLK_r)
                    view_cam_fit(&a->cam, a->runs[0], panes[0]);
                else if (k == SDLK_a)
                    view_cam_fit_all(&a->cam, a->runs[0], panes[0]);
                else if (k == SDLK_F1)
                    help = !help;
                else if (k == SDLK_f || k == SDLK_F11) {
                    full = !full;
                    SDL_SetWindowFullscreen(win, full ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
                } else if (k == SDLK_p)
                    want_shot = true;
                else {
                    static const SDL_Keycode keys[] = {SDLK_z, SDLK_s, SDLK_u, SDLK_c,
                                                       SDLK_l, SDLK_g, SDLK_t, SDLK_k};
                    static const unsigned bits[] = {VIEW_L_ZONES,  VIEW_L_STATIONS, VIEW_L_UNITS,
                                                    VIEW_L_CALLS,  VIEW_L_LABELS,   VIEW_L_CHART,
                                                    VIEW_L_PATROL, VIEW_L_LEGEND};
                    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
                        if (k == keys[i]) a->layers ^= bits[i];
                }
                break;
            }
            case SDL_MOUSEWHEEL: {
                int mx, my;
                SDL_GetMouseState(&mx, &my);
                int p = pane_at(a, w, h, mx, my);
                if (p < 0) break;
                a->cam.pane = panes[p];
                view_cam_zoom_at(&a->cam, pow(1.2, e.wheel.preciseY), (float)mx, (float)my);
                break;
            }
            case SDL_MOUSEBUTTONDOWN:
                if (e.button.button == SDL_BUTTON_RIGHT) {
                    for (int i = 0; i < a->n_runs; i++)
                        a->sel[i].kind = 0;
                } else if (e.button.button == SDL_BUTTON_LEFT) {
                    if (e.button.y >= h - TIMEBAR_H) {
                        drag_bar = true;
                        a->t_s = view_timebar_time(
                            a->runs[0], (SDL_Rect){0, h - TIMEBAR_H, w, TIMEBAR_H}, e.button.x);
                    } else {
                        drag_map = true;
                        drag_x = e.button.x;
                        drag_y = e.button.y;
                        moved = 0;
                    }
                }
                break;
            case SDL_MOUSEMOTION:
                if (drag_bar)
                    a->t_s = view_timebar_time(
                        a->runs[0], (SDL_Rect){0, h - TIMEBAR_H, w, TIMEBAR_H}, e.motion.x);
                else if (drag_map) {
                    a->cam.cx_m -= e.motion.xrel / a->cam.px_per_m;
                    a->cam.cy_m += e.motion.yrel / a->cam.px_per_m;
                    moved += abs(e.motion.xrel) + abs(e.motion.yrel);
                }
                break;
            case SDL_MOUSEBUTTONUP:
                if (e.button.button == SDL_BUTTON_LEFT && drag_map && moved < 4) {
                    int p = pane_at(a, w, h, drag_x, drag_y);
                    if (p >= 0) {
                        view_frame fr = frame_for(a, p, panes[p], 0, NULL);
                        a->sel[p] = view_pick(&fr, (float)drag_x, (float)drag_y);
                        /* The same call in the other pane, to compare how it was answered. */
                        for (int i = 0; i < a->n_runs; i++)
                            if (i != p && a->sel[p].kind == 2 &&
                                a->sel[p].index < a->runs[i]->n_calls)
                                a->sel[i] = a->sel[p];
                    }
                }
                drag_map = drag_bar = false;
                break;
            }
        }
        layout_panes(a, w, h, panes);
        Uint64 now = SDL_GetPerformanceCounter();
        double dt = (double)(now - last) / (double)freq;
        last = now;
        if (!paused) a->t_s += dt * speeds[si];
        if (a->t_s < 0) a->t_s = 0;
        if (a->t_s >= a->t_end_s) {
            a->t_s = a->t_end_s;
            paused = true;
        }
        double anim = (double)(now - start) / (double)freq;
        Uint64 f0 = SDL_GetPerformanceCounter();
        draw_all(a, ren, font, w, h, anim, caches, speeds[si], paused);
        if (help) view_draw_help(ren, font, (SDL_Rect){0, 0, w, h});
        frame_s_sum += (double)(SDL_GetPerformanceCounter() - f0) / (double)freq;
        frames++;
        /* Read back before presenting: after it the back buffer's content is undefined. */
        if (want_shot) save_window_png(a, ren);
        want_shot = false;
        SDL_RenderPresent(ren);
        if (!vsync) {
            double spent = (double)(SDL_GetPerformanceCounter() - now) / (double)freq;
            if (spent < 1.0 / 60) SDL_Delay((Uint32)((1.0 / 60 - spent) * 1000));
        }
    }
    if (getenv("PATROLVIEW_STATS"))
        fprintf(stderr, "patrolview: %ld frames, %.2f ms drawing per frame (%s renderer)\n", frames,
                frames ? 1e3 * frame_s_sum / (double)frames : 0.0, info.name);
    for (int i = 0; i < MAX_RUNS; i++)
        view_map_cache_fini(&caches[i]);
    view_font_destroy(font);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

int main(int argc, char **argv)
{
    app a = {.layers = VIEW_L_ALL};
    int rc = parse_opts(argc, argv, &a.o);
    if (rc >= 0) return rc;
    a.layers &= ~a.o.hide;
    char err[1024];
    for (int i = 0; i < a.o.n_files; i++) {
        a.runs[i] = view_run_load(a.o.files[i], a.o.rep, err, sizeof err);
        if (!a.runs[i]) {
            fprintf(stderr, "patrolview: %s\n", err);
            for (int k = 0; k < i; k++)
                view_run_free(a.runs[k]);
            return 2;
        }
        a.n_runs++;
    }
    rc = 0;
    if (a.n_runs == 2 && a.runs[0]->n_nodes != a.runs[1]->n_nodes)
        fprintf(stderr,
                "patrolview: note: %s and %s have different networks; both are drawn "
                "with one camera\n",
                a.o.files[0], a.o.files[1]);
    for (int i = 0; i < a.n_runs; i++)
        a.t_end_s = fmax(a.t_end_s, a.runs[i]->t_end_s);
    a.t_s = a.o.have_at ? a.o.at_s : a.runs[0]->warmup_s;
    if (a.t_s > a.t_end_s) {
        char c[64];
        view_format_clock(a.runs[0], a.t_end_s, c, sizeof c);
        fprintf(stderr, "patrolview: --at is after the end of the run (%s)\n", c);
        rc = 2;
    }
    if (!rc && a.o.select) rc = apply_select(&a, a.o.select);
    if (!rc) {
        if (a.o.screenshot || a.o.frames_dir || a.o.video || a.o.bench) {
            int w = a.o.width, h = a.o.height;
            SDL_Rect panes[MAX_RUNS];
            layout_panes(&a, w, h, panes);
            view_cam_fit(&a.cam, a.runs[0], panes[0]);
            rc = run_headless(&a);
            TTF_Quit();
        } else {
            rc = run_window(&a);
        }
    }
    for (int i = 0; i < a.n_runs; i++)
        view_run_free(a.runs[i]);
    return rc;
}
