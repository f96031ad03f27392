/* chart.c - figures, panels and series drawn with cairo. See chart.h.
 *
 * Drawing goes in three steps each time a file is written: lay out the figure (title,
 * subtitle, footnote, then a grid of panel cells), resolve each panel's axes (data extents,
 * nice ticks, then the plot rectangle once the tick labels have been measured), and draw each
 * panel: grid, series in the order added (clipped to the plot), axes and labels, legend,
 * colour scale. PNG and SVG go through the same code with a different cairo surface.
 *
 * Every colour is set through rd_source, which rounds it to 8 bits per channel and records
 * which class of element it paints; a colour already taken by another class is moved one
 * 8-bit step (blue first, then green, then red) until it is free. chart_svg_classify uses
 * that record to put the class on each element of cairo's SVG. Text glyphs are not classed
 * (cairo writes them as <use> of glyph symbols).
 */
#include "chart.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"

typedef enum skind {
    K_LINE,
    K_STEP,
    K_BAND,
    K_ERRBAR,
    K_BAR,
    K_SEGMENTS,
    K_CELLS,
    K_MARKERS,
    K_RULE
} skind;

static const char *const kind_names[] = {"line",     "step",  "band",    "errbar", "bar",
                                         "segments", "cells", "markers", "rule"};

struct chart_series {
    skind kind;
    int index;             /* within its panel */
    char *label;           /* legend text, or NULL */
    size_t n;              /* points, bars, segments or markers */
    double *a, *b, *c, *d; /* the data: see the constructors for what each holds */
    char **names;          /* markers: text beside each; bars: text inside each; or NULL */
    double x0, y0, dx, dy; /* cells: origin and cell size */
    size_t nx, ny;         /* cells: raster size */
    double v;              /* rule: position */
    bool vertical;         /* rule: x = v */
    bool horizontal;       /* errbars, bars: the value runs along x */
    char *text;            /* rule: text along it */
    double thickness;      /* bars: in position units */
    chart_rgba color;
    bool color_set;
    double width; /* pixels; 0: the kind's default */
    double dash_on, dash_off;
};

typedef struct axis {
    char *label;
    double min, max; /* fixed ends, NaN: from the data */
    double step;     /* fixed tick step, 0: nice */
    char **cats;     /* categorical labels, or NULL */
    size_t n_cats;
    /* resolved when drawn */
    double lo, hi, first, tstep;
} axis;

struct chart_panel {
    chart *c;
    int index;
    char *title;
    axis x, y;
    bool equal;
    chart_legend_pos legend;
    bool has_scale;  /* cells are coloured by [vmin, vmax] */
    bool show_scale; /* and the scale is drawn */
    char *scale_label;
    double vmin, vmax;
    chart_series **s;
    size_t n, cap;
};

struct chart {
    double w, h;
    char *title, *subtitle, *note;
    int rows, cols;
    double *row_h;
    chart_panel **p;
    size_t n, cap;
    bool failed;
};

/* ---- Building ------------------------------------------------------------------------------ */

chart_rgba chart_palette(size_t i)
{
    static const unsigned rgb[] = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7,
                                   0xE69F00, 0x56B4E9, 0x444444, 0xB8A000};
    unsigned v = rgb[i % (sizeof rgb / sizeof rgb[0])];
    return (chart_rgba){((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0,
                        1.0};
}

static char *dup_or_null(chart *c, const char *s)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) c->failed = true;
    return d;
}

chart *chart_create(double width, double height, const char *title)
{
    chart *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->w = width > 50 ? width : 50;
    c->h = height > 50 ? height : 50;
    c->rows = c->cols = 1;
    c->title = dup_or_null(c, title);
    return c;
}

static void axis_fini(axis *a)
{
    free(a->label);
    for (size_t i = 0; i < a->n_cats; i++)
        free(a->cats[i]);
    free(a->cats);
}

static void series_free(chart_series *s)
{
    if (!s) return;
    free(s->label);
    free(s->a);
    free(s->b);
    free(s->c);
    free(s->d);
    if (s->names)
        for (size_t i = 0; i < s->n; i++)
            free(s->names[i]);
    free(s->names);
    free(s->text);
    free(s);
}

void chart_destroy(chart *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        chart_panel *p = c->p[i];
        for (size_t j = 0; j < p->n; j++)
            series_free(p->s[j]);
        free(p->s);
        free(p->title);
        free(p->scale_label);
        axis_fini(&p->x);
        axis_fini(&p->y);
        free(p);
    }
    free(c->p);
    free(c->row_h);
    free(c->title);
    free(c->subtitle);
    free(c->note);
    free(c);
}

bool chart_failed(const chart *c)
{
    return !c || c->failed;
}

void chart_subtitle(chart *c, const char *text)
{
    if (!c || c->failed) return;
    free(c->subtitle);
    c->subtitle = dup_or_null(c, text);
}

void chart_note(chart *c, const char *text)
{
    if (!c || c->failed) return;
    free(c->note);
    c->note = dup_or_null(c, text);
}

void chart_grid(chart *c, int rows, int cols, const double *row_heights)
{
    if (!c || c->failed || rows < 1 || cols < 1) return;
    c->rows = rows;
    c->cols = cols;
    free(c->row_h);
    c->row_h = NULL;
    if (row_heights) {
        c->row_h = malloc((size_t)rows * sizeof *c->row_h);
        if (!c->row_h) {
            c->failed = true;
            return;
        }
        memcpy(c->row_h, row_heights, (size_t)rows * sizeof *c->row_h);
    }
}

chart_panel *chart_panel_add(chart *c, const char *title)
{
    if (!c || c->failed || c->n >= (size_t)c->rows * (size_t)c->cols) return NULL;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 4;
        chart_panel **np = realloc(c->p, cap * sizeof *np);
        if (!np) {
            c->failed = true;
            return NULL;
        }
        c->p = np;
        c->cap = cap;
    }
    chart_panel *p = calloc(1, sizeof *p);
    if (!p) {
        c->failed = true;
        return NULL;
    }
    p->c = c;
    p->index = (int)c->n;
    p->title = dup_or_null(c, title);
    p->x.min = p->x.max = p->y.min = p->y.max = NAN;
    p->legend = CHART_LEGEND_UPPER_RIGHT;
    c->p[c->n++] = p;
    return p;
}

static bool usable(const chart_panel *p)
{
    return p && !p->c->failed;
}

void chart_xlabel(chart_panel *p, const char *label)
{
    if (!usable(p)) return;
    free(p->x.label);
    p->x.label = dup_or_null(p->c, label);
}

void chart_ylabel(chart_panel *p, const char *label)
{
    if (!usable(p)) return;
    free(p->y.label);
    p->y.label = dup_or_null(p->c, label);
}

void chart_xrange(chart_panel *p, double min, double max)
{
    if (!usable(p)) return;
    p->x.min = min;
    p->x.max = max;
}

void chart_yrange(chart_panel *p, double min, double max)
{
    if (!usable(p)) return;
    p->y.min = min;
    p->y.max = max;
}

void chart_xstep(chart_panel *p, double step)
{
    if (usable(p) && step >= 0) p->x.step = step;
}

void chart_ystep(chart_panel *p, double step)
{
    if (usable(p) && step >= 0) p->y.step = step;
}

static void set_categories(chart_panel *p, axis *a, const char *const *labels, size_t n)
{
    if (!usable(p) || n == 0) return;
    char **cats = calloc(n, sizeof *cats);
    if (!cats) {
        p->c->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        cats[i] = dup_or_null(p->c, labels[i] ? labels[i] : "");
    for (size_t i = 0; i < a->n_cats; i++)
        free(a->cats[i]);
    free(a->cats);
    a->cats = cats;
    a->n_cats = n;
}

void chart_xcategories(chart_panel *p, const char *const *labels, size_t n)
{
    if (p) set_categories(p, &p->x, labels, n);
}

void chart_ycategories(chart_panel *p, const char *const *labels, size_t n)
{
    if (p) set_categories(p, &p->y, labels, n);
}

void chart_equal_aspect(chart_panel *p)
{
    if (usable(p)) p->equal = true;
}

void chart_legend(chart_panel *p, chart_legend_pos where)
{
    if (usable(p)) p->legend = where;
}

void chart_colorscale(chart_panel *p, const char *label, double vmin, double vmax)
{
    if (!usable(p)) return;
    free(p->scale_label);
    p->scale_label = dup_or_null(p->c, label);
    p->has_scale = true;
    p->show_scale = label != NULL;
    p->vmin = vmin;
    p->vmax = vmax > vmin ? vmax : vmin + 1;
}

chart_rgba chart_scale_color(double v, double vmin, double vmax)
{
    /* ColorBrewer YlOrRd (9 classes), interpolated: light is quick, dark red is slow. */
    static const unsigned ramp[] = {0xFFFFCC, 0xFFEDA0, 0xFED976, 0xFEB24C, 0xFD8D3C,
                                    0xFC4E2A, 0xE31A1C, 0xBD0026, 0x800026};
    const int last = (int)(sizeof ramp / sizeof ramp[0]) - 1;
    double t = vmax > vmin ? (v - vmin) / (vmax - vmin) : 0;
    if (!(t > 0)) t = 0;
    if (t > 1) t = 1;
    double pos = t * last;
    int i = (int)floor(pos);
    if (i >= last) i = last - 1;
    double f = pos - i;
    chart_rgba c = {0, 0, 0, 1};
    double *ch[3] = {&c.r, &c.g, &c.b};
    for (int k = 0; k < 3; k++) {
        int sh = 16 - 8 * k;
        double a = (ramp[i] >> sh) & 255, b = (ramp[i + 1] >> sh) & 255;
        *ch[k] = (a + (b - a) * f) / 255.0;
    }
    return c;
}

/* A new series of the given kind with n points, each array copied (NULL arrays stay NULL). */
static chart_series *series_new(chart_panel *p, skind kind, const char *label, size_t n,
                                const double *a, const double *b, const double *c, const double *d)
{
    if (!usable(p)) return NULL;
    chart *ch = p->c;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        chart_series **ns = realloc(p->s, cap * sizeof *ns);
        if (!ns) {
            ch->failed = true;
            return NULL;
        }
        p->s = ns;
        p->cap = cap;
    }
    chart_series *s = calloc(1, sizeof *s);
    if (!s) {
        ch->failed = true;
        return NULL;
    }
    s->kind = kind;
    s->index = (int)p->n;
    s->n = n;
    s->label = dup_or_null(ch, label);
    const double *src[4] = {a, b, c, d};
    double **dst[4] = {&s->a, &s->b, &s->c, &s->d};
    for (int k = 0; k < 4; k++) {
        if (!src[k] || n == 0) continue;
        *dst[k] = malloc(n * sizeof(double));
        if (!*dst[k]) {
            ch->failed = true;
            series_free(s);
            return NULL;
        }
        memcpy(*dst[k], src[k], n * sizeof(double));
    }
    s->color = chart_palette((size_t)s->index);
    p->s[p->n++] = s;
    return s;
}

chart_series *chart_line(chart_panel *p, const char *label, const double *x, const double *y,
                         size_t n)
{
    return series_new(p, K_LINE, label, n, x, y, NULL, NULL);
}

chart_series *chart_step(chart_panel *p, const char *label, const double *x, const double *y,
                         size_t n)
{
    return series_new(p, K_STEP, label, n, x, y, NULL, NULL);
}

chart_series *chart_band(chart_panel *p, const char *label, const double *x, const double *lo,
                         const double *hi, size_t n)
{
    chart_series *s = series_new(p, K_BAND, label, n, x, lo, hi, NULL);
    if (s) s->color.a = 0.2;
    return s;
}

chart_series *chart_errbars(chart_panel *p, const char *label, const double *pos, const double *v,
                            const double *lo, const double *hi, size_t n, bool horizontal)
{
    chart_series *s = series_new(p, K_ERRBAR, label, n, pos, v, lo, hi);
    if (s) s->horizontal = horizontal;
    return s;
}

chart_series *chart_bars(chart_panel *p, const char *label, const double *pos, const double *from,
                         const double *to, size_t n, double thickness, bool horizontal)
{
    chart_series *s = series_new(p, K_BAR, label, n, pos, from, to, NULL);
    if (s) {
        s->thickness = thickness > 0 ? thickness : 0.6;
        s->horizontal = horizontal;
    }
    return s;
}

chart_series *chart_segments(chart_panel *p, const char *label, const double *x0, const double *y0,
                             const double *x1, const double *y1, size_t n)
{
    return series_new(p, K_SEGMENTS, label, n, x0, y0, x1, y1);
}

chart_series *chart_cells(chart_panel *p, const char *label, double x0, double y0, double dx,
                          double dy, size_t nx, size_t ny, const double *v)
{
    if (nx && ny > SIZE_MAX / nx) return NULL;
    chart_series *s = series_new(p, K_CELLS, label, nx * ny, v, NULL, NULL, NULL);
    if (s) {
        s->x0 = x0;
        s->y0 = y0;
        s->dx = dx;
        s->dy = dy;
        s->nx = nx;
        s->ny = ny;
    }
    return s;
}

chart_series *chart_markers(chart_panel *p, const char *label, const double *x, const double *y,
                            const char *const *names, size_t n)
{
    chart_series *s = series_new(p, K_MARKERS, label, n, x, y, NULL, NULL);
    if (s && names && n) {
        s->names = calloc(n, sizeof *s->names);
        if (!s->names) {
            p->c->failed = true;
            return NULL;
        }
        for (size_t i = 0; i < n; i++)
            s->names[i] = dup_or_null(p->c, names[i]);
    }
    return s;
}

chart_series *chart_rule(chart_panel *p, const char *label, double v, bool vertical,
                         const char *text)
{
    chart_series *s = series_new(p, K_RULE, label, 0, NULL, NULL, NULL, NULL);
    if (s) {
        s->v = v;
        s->vertical = vertical;
        s->text = dup_or_null(p->c, text);
        s->color = (chart_rgba){0.25, 0.25, 0.25, 1};
        s->dash_on = 6;
        s->dash_off = 4;
        s->width = 1.5;
    }
    return s;
}

void chart_series_color(chart_series *s, chart_rgba color)
{
    if (!s) return;
    s->color = color;
    s->color_set = true;
}

void chart_series_width(chart_series *s, double width)
{
    if (s && width > 0) s->width = width;
}

void chart_series_dash(chart_series *s, double on, double off)
{
    if (!s) return;
    s->dash_on = on > 0 ? on : 0;
    s->dash_off = off > 0 ? off : 0;
}

void chart_series_bar_labels(chart_series *s, const char *const *labels)
{
    if (!s || s->kind != K_BAR || s->n == 0) return;
    if (s->names)
        for (size_t i = 0; i < s->n; i++)
            free(s->names[i]);
    free(s->names);
    s->names = NULL;
    if (!labels) return;
    s->names = calloc(s->n, sizeof *s->names);
    if (!s->names) return; /* the bars stay unlabelled */
    for (size_t i = 0; i < s->n; i++)
        s->names[i] = labels[i] ? strdup(labels[i]) : NULL;
}

/* ---- Ticks --------------------------------------------------------------------------------- */

void chart_ticks_nice(double lo, double hi, int target, double *first, double *step)
{
    if (target < 2) target = 2;
    double span = hi - lo;
    if (!(span > 0)) span = fabs(lo) > 0 ? fabs(lo) : 1;
    double raw = span / target;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag, nice;
    if (f < 1.5) /* Heckbert's thresholds ("Nice numbers for graph labels") */
        nice = 1;
    else if (f < 3)
        nice = 2;
    else if (f < 7)
        nice = 5;
    else
        nice = 10;
    *step = nice * mag;
    *first = floor(lo / *step + 1e-9) * *step;
}

/* ---- Drawing context and the colour record -------------------------------------------------- */

typedef struct ckey {
    unsigned key; /* 0xRRGGBBAA */
    char cls[48];
} ckey;

typedef struct rd {
    cairo_t *cr;
    ckey *keys;
    size_t n, cap;
    bool failed;
} rd;

static unsigned to8(double v)
{
    if (!(v > 0)) return 0;
    if (v >= 1) return 255;
    return (unsigned)lround(v * 255.0);
}

static const char *key_class(const rd *d, unsigned key)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->keys[i].key == key) return d->keys[i].cls;
    return NULL;
}

/* Sets the cairo source to c, moved as little as needed to be a colour no other class uses,
 * and records it for cls. */
static void rd_source(rd *d, chart_rgba c, const char *cls)
{
    unsigned r = to8(c.r), g = to8(c.g), b = to8(c.b), a = to8(c.a);
    unsigned key = r << 24 | g << 16 | b << 8 | a;
    const char *owner = key_class(d, key);
    for (int step = 1; owner && strcmp(owner, cls) != 0 && step < 64; step++) {
        /* Try blue, green, red, each up then down by `step`. */
        int ch[3] = {(int)b, (int)g, (int)r};
        for (int k = 0; k < 6; k++) {
            int cc[3] = {ch[0], ch[1], ch[2]};
            cc[k / 2] += (k % 2) ? -step : step;
            if (cc[k / 2] < 0 || cc[k / 2] > 255) continue;
            unsigned cand =
                (unsigned)cc[2] << 24 | (unsigned)cc[1] << 16 | (unsigned)cc[0] << 8 | a;
            const char *o = key_class(d, cand);
            if (!o || strcmp(o, cls) == 0) {
                key = cand;
                owner = o;
                break;
            }
        }
    }
    if (!owner) {
        if (d->n == d->cap) {
            size_t cap = d->cap ? 2 * d->cap : 64;
            ckey *nk = realloc(d->keys, cap * sizeof *nk);
            if (!nk) {
                d->failed = true;
            } else {
                d->keys = nk;
                d->cap = cap;
            }
        }
        if (d->n < d->cap) {
            d->keys[d->n].key = key;
            snprintf(d->keys[d->n].cls, sizeof d->keys[d->n].cls, "%s", cls);
            d->n++;
        }
    }
    cairo_set_source_rgba(d->cr, (key >> 24) / 255.0, ((key >> 16) & 255) / 255.0,
                          ((key >> 8) & 255) / 255.0, (key & 255) / 255.0);
}

/* ---- Text ---------------------------------------------------------------------------------- */

static void font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_w(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Text at (x, y): align 0 left, 0.5 centre, 1 right of x; y is the vertical centre. */
static void text_at(cairo_t *cr, double x, double y, double align, const char *s)
{
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    double w = text_w(cr, s);
    cairo_move_to(cr, x - align * w, y + (fe.ascent - fe.descent) / 2);
    cairo_show_text(cr, s);
}

static const chart_rgba INK = {0.13, 0.13, 0.13, 1}, INK2 = {0.33, 0.33, 0.33, 1};

static void ink(cairo_t *cr, chart_rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

/* Splits text into lines no wider than width (at spaces; '\n' always breaks). Calls emit for
 * each line; returns the number of lines. */
static int wrap_lines(cairo_t *cr, const char *text, double width,
                      void (*emit)(void *, const char *), void *arg)
{
    int lines = 0;
    char line[1024];
    const char *p = text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t plen = nl ? (size_t)(nl - p) : strlen(p);
        /* Greedy word wrap of the paragraph p[0..plen). */
        size_t start = 0;
        while (start < plen || (plen == 0 && start == 0)) {
            size_t best = 0, i = start;
            line[0] = 0;
            while (i <= plen) {
                size_t end = i;
                while (end < plen && p[end] != ' ')
                    end++;
                size_t len = end - start;
                if (len >= sizeof line) len = sizeof line - 1;
                char cand[1024];
                memcpy(cand, p + start, len);
                cand[len] = 0;
                if (best > 0 && text_w(cr, cand) > width) break;
                memcpy(line, cand, len + 1);
                best = end - start;
                i = end + 1;
                if (end >= plen) break;
            }
            if (best == 0 && plen > start) { /* one word wider than the width */
                size_t end = start;
                while (end < plen && p[end] != ' ')
                    end++;
                best = end - start;
            }
            lines++;
            if (emit) emit(arg, line);
            start += best + 1;
            if (plen == 0) break;
        }
        p = nl ? nl + 1 : NULL;
    }
    return lines;
}

typedef struct text_pen {
    cairo_t *cr;
    double x, y, dy, align;
} text_pen;

static void pen_emit(void *arg, const char *line)
{
    text_pen *t = arg;
    text_at(t->cr, t->x, t->y, t->align, line);
    t->y += t->dy;
}

/* Shortens s with an ellipsis to fit width; writes into buf. */
static const char *fit_text(cairo_t *cr, const char *s, double width, char *buf, size_t len)
{
    if (text_w(cr, s) <= width) return s;
    size_t n = strlen(s);
    if (n >= len) n = len - 4;
    while (n > 0) {
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* whole characters */
        snprintf(buf, len, "%.*s…", (int)n, s);
        if (text_w(cr, buf) <= width) return buf;
        n--;
    }
    return "…";
}

/* ---- Layout --------------------------------------------------------------------------------- */

typedef struct frame {
    double x, y, w, h;
} frame;

/* Data extents of one series along x and y (NaNs skipped). */
static void grow(double *lo, double *hi, double v)
{
    if (!isfinite(v)) return;
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

static void series_extent(const chart_series *s, double *xl, double *xh, double *yl, double *yh)
{
    for (size_t i = 0; i < s->n; i++) {
        switch (s->kind) {
        case K_LINE:
        case K_STEP:
        case K_MARKERS:
            grow(xl, xh, s->a[i]);
            grow(yl, yh, s->b[i]);
            break;
        case K_BAND:
            grow(xl, xh, s->a[i]);
            grow(yl, yh, s->b[i]);
            grow(yl, yh, s->c[i]);
            break;
        case K_ERRBAR:
        case K_BAR: {
            double *pl = s->horizontal ? yl : xl, *ph = s->horizontal ? yh : xh;
            double *vl = s->horizontal ? xl : yl, *vh = s->horizontal ? xh : yh;
            double half = s->kind == K_BAR ? s->thickness / 2 : 0;
            grow(pl, ph, s->a[i] - half);
            grow(pl, ph, s->a[i] + half);
            grow(vl, vh, s->b[i]);
            grow(vl, vh, s->c[i]);
            if (s->kind == K_ERRBAR) grow(vl, vh, s->d[i]);
            break;
        }
        case K_SEGMENTS:
            grow(xl, xh, s->a[i]);
            grow(yl, yh, s->b[i]);
            grow(xl, xh, s->c[i]);
            grow(yl, yh, s->d[i]);
            break;
        case K_CELLS:
        case K_RULE:
            break;
        }
    }
    if (s->kind == K_CELLS && s->nx && s->ny) {
        grow(xl, xh, s->x0);
        grow(xl, xh, s->x0 + (double)s->nx * s->dx);
        grow(yl, yh, s->y0);
        grow(yl, yh, s->y0 + (double)s->ny * s->dy);
    }
    if (s->kind == K_RULE) {
        if (s->vertical)
            grow(xl, xh, s->v);
        else
            grow(yl, yh, s->v);
    }
}

/* Resolves an axis: its ends (fixed or from the data, widened to ticks) and its ticks. */
static void axis_resolve(axis *a, double dlo, double dhi, int target)
{
    if (a->cats) {
        a->lo = -0.5;
        a->hi = (double)a->n_cats - 0.5;
        a->first = 0;
        a->tstep = 1;
        return;
    }
    double lo = isnan(a->min) ? dlo : a->min, hi = isnan(a->max) ? dhi : a->max;
    if (!isfinite(lo) && !isfinite(hi)) lo = 0, hi = 1;
    if (!isfinite(lo)) lo = hi - 1;
    if (!isfinite(hi)) hi = lo + 1;
    if (hi <= lo) {
        double pad = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
        if (isnan(a->min)) lo -= pad;
        if (isnan(a->max) || hi <= lo) hi = lo + 2 * pad;
    }
    double first, step;
    chart_ticks_nice(lo, hi, target, &first, &step);
    if (a->step > 0) step = a->step;
    if (isnan(a->min)) lo = floor(lo / step + 1e-9) * step;
    if (isnan(a->max)) hi = ceil(hi / step - 1e-9) * step;
    if (hi <= lo) hi = lo + step;
    a->lo = lo;
    a->hi = hi;
    a->tstep = step;
    a->first = ceil(lo / step - 1e-9) * step;
}

/* The text of a tick at v: as many decimals as the step needs. */
static void tick_text(const axis *a, double v, char *buf, size_t len)
{
    if (a->cats) {
        long i = lround(v);
        snprintf(buf, len, "%s", i >= 0 && (size_t)i < a->n_cats ? a->cats[i] : "");
        return;
    }
    int dec = 0;
    double s = a->tstep;
    while (dec < 6 && fabs(s - round(s)) > 1e-9 * fmax(1, fabs(s))) {
        s *= 10;
        dec++;
    }
    if (fabs(v) < a->tstep * 1e-9) v = 0; /* no "-0" */
    snprintf(buf, len, "%.*f", dec, v);
}

typedef struct plot {
    frame f; /* the plot rectangle */
    axis *x, *y;
} plot;

static double px_x(const plot *pl, double v)
{
    return pl->f.x + (v - pl->x->lo) / (pl->x->hi - pl->x->lo) * pl->f.w;
}

static double px_y(const plot *pl, double v)
{
    double t = (v - pl->y->lo) / (pl->y->hi - pl->y->lo);
    if (pl->y->cats) return pl->f.y + t * pl->f.h; /* categories read from the top */
    return pl->f.y + pl->f.h - t * pl->f.h;
}

/* ---- Legend --------------------------------------------------------------------------------- */

#define LEG_FONT 11.5
#define LEG_ROW  18.0
#define LEG_SW   26.0

static size_t legend_count(const chart_panel *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += p->s[i]->label != NULL;
    return n;
}

static void stroke_style(rd *d, const chart_series *s, double def_width)
{
    cairo_set_line_width(d->cr, s->width > 0 ? s->width : def_width);
    if (s->dash_on > 0) {
        double dash[2] = {s->dash_on, s->dash_off > 0 ? s->dash_off : s->dash_on};
        cairo_set_dash(d->cr, dash, 2, 0);
    } else {
        cairo_set_dash(d->cr, NULL, 0, 0);
    }
}

static void swatch(rd *d, const chart_series *s, double x, double y)
{
    cairo_t *cr = d->cr;
    chart_rgba c = s->color;
    switch (s->kind) {
    case K_BAND:
    case K_BAR:
    case K_CELLS:
        if (s->kind == K_CELLS) c = chart_scale_color(0.7, 0, 1);
        rd_source(d, c, "legend");
        cairo_rectangle(cr, x + 4, y - 6, LEG_SW - 8, 12);
        cairo_fill(cr);
        break;
    case K_ERRBAR:
    case K_MARKERS:
        rd_source(d, c, "legend");
        if (s->kind == K_MARKERS)
            cairo_rectangle(cr, x + LEG_SW / 2 - 4.5, y - 4.5, 9, 9);
        else
            cairo_arc(cr, x + LEG_SW / 2, y, 4.5, 0, 2 * M_PI);
        cairo_fill(cr);
        if (s->kind == K_ERRBAR) {
            cairo_set_line_width(cr, 1.5);
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_move_to(cr, x + 2, y);
            cairo_line_to(cr, x + LEG_SW - 2, y);
            cairo_stroke(cr);
        }
        break;
    default:
        if (c.a < 0.6) c.a = 0.6; /* faint lines still need a visible swatch */
        rd_source(d, c, "legend");
        stroke_style(d, s, 2);
        if (s->width > 0 && s->width < 1.5) cairo_set_line_width(cr, 1.5);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + LEG_SW, y);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
}

/* Size of the legend box drawn inside the plot, or of the rows below it for max_w. */
static void legend_size(cairo_t *cr, const chart_panel *p, double max_w, bool below, double *w,
                        double *h)
{
    font(cr, LEG_FONT, false);
    *w = *h = 0;
    if (!below) {
        for (size_t i = 0; i < p->n; i++)
            if (p->s[i]->label) *w = fmax(*w, text_w(cr, p->s[i]->label));
        *w = fmin(*w + LEG_SW + 20, max_w);
        *h = (double)legend_count(p) * LEG_ROW + 8;
        return;
    }
    double x = 0;
    int rows = legend_count(p) ? 1 : 0;
    for (size_t i = 0; i < p->n; i++) {
        if (!p->s[i]->label) continue;
        double ew = LEG_SW + 6 + text_w(cr, p->s[i]->label) + 18;
        if (x > 0 && x + ew > max_w) {
            rows++;
            x = 0;
        }
        x += ew;
    }
    *w = max_w;
    *h = rows * LEG_ROW + (rows ? 6 : 0);
}

static void draw_legend(rd *d, const chart_panel *p, const frame *pf, const frame *below)
{
    cairo_t *cr = d->cr;
    if (p->legend == CHART_LEGEND_NONE || legend_count(p) == 0) return;
    char buf[512];
    if (p->legend == CHART_LEGEND_BELOW) {
        font(cr, LEG_FONT, false);
        double x = below->x, y = below->y + LEG_ROW / 2 + 3;
        for (size_t i = 0; i < p->n; i++) {
            const chart_series *s = p->s[i];
            if (!s->label) continue;
            double ew = LEG_SW + 6 + text_w(cr, s->label) + 18;
            if (x > below->x && x + ew > below->x + below->w) {
                x = below->x;
                y += LEG_ROW;
            }
            swatch(d, s, x, y);
            ink(cr, INK);
            font(cr, LEG_FONT, false);
            text_at(cr, x + LEG_SW + 6, y, 0,
                    fit_text(cr, s->label, below->w - LEG_SW - 6, buf, sizeof buf));
            x += ew;
        }
        return;
    }
    double w, h;
    legend_size(cr, p, pf->w * 0.9, false, &w, &h);
    double x = (p->legend == CHART_LEGEND_UPPER_LEFT || p->legend == CHART_LEGEND_LOWER_LEFT)
                   ? pf->x + 8
                   : pf->x + pf->w - w - 8;
    double y = (p->legend == CHART_LEGEND_UPPER_LEFT || p->legend == CHART_LEGEND_UPPER_RIGHT)
                   ? pf->y + 8
                   : pf->y + pf->h - h - 8;
    rd_source(d, (chart_rgba){1, 1, 1, 0.88}, "frame");
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    rd_source(d, (chart_rgba){0.75, 0.75, 0.75, 1}, "frame");
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1);
    cairo_stroke(cr);
    double yy = y + 4 + LEG_ROW / 2;
    for (size_t i = 0; i < p->n; i++) {
        const chart_series *s = p->s[i];
        if (!s->label) continue;
        swatch(d, s, x + 6, yy);
        ink(cr, INK);
        font(cr, LEG_FONT, false);
        text_at(cr, x + 6 + LEG_SW + 6, yy, 0,
                fit_text(cr, s->label, w - LEG_SW - 20, buf, sizeof buf));
        yy += LEG_ROW;
    }
}

/* ---- Series --------------------------------------------------------------------------------- */

static void series_class(const chart_series *s, int panel, char *buf, size_t len)
{
    snprintf(buf, len, "series p%d s%d %s", panel, s->index, kind_names[s->kind]);
}

static void draw_polyline(cairo_t *cr, const plot *pl, const double *x, const double *y, size_t n)
{
    bool pen = false;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) {
            pen = false;
            continue;
        }
        if (pen)
            cairo_line_to(cr, px_x(pl, x[i]), px_y(pl, y[i]));
        else
            cairo_move_to(cr, px_x(pl, x[i]), px_y(pl, y[i]));
        pen = true;
    }
}

static void draw_bar_text(rd *d, const chart_series *s, double x, double y, double w, double h,
                          const char *text)
{
    cairo_t *cr = d->cr;
    font(cr, 11, false);
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    if (e.x_advance + 6 > fabs(w) || e.height + 4 > fabs(h)) return;
    double lum = 0.299 * s->color.r + 0.587 * s->color.g + 0.114 * s->color.b;
    ink(cr, lum < 0.6 ? (chart_rgba){1, 1, 1, 1} : INK);
    text_at(cr, x + w / 2, y + h / 2, 0.5, text);
}

static void draw_series(rd *d, const chart_panel *p, const chart_series *s, const plot *pl)
{
    cairo_t *cr = d->cr;
    char cls[48];
    series_class(s, p->index, cls, sizeof cls);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    switch (s->kind) {
    case K_LINE:
        rd_source(d, s->color, cls);
        stroke_style(d, s, 2);
        draw_polyline(cr, pl, s->a, s->b, s->n);
        cairo_stroke(cr);
        break;
    case K_STEP: {
        rd_source(d, s->color, cls);
        stroke_style(d, s, 2);
        bool pen = false;
        double last = NAN;
        for (size_t i = 0; i < s->n; i++) {
            if (!isfinite(s->a[i]) || !isfinite(s->b[i])) continue;
            double X = px_x(pl, s->a[i]), Y = px_y(pl, s->b[i]);
            if (!pen) {
                cairo_move_to(cr, X, Y);
                pen = true;
            } else {
                cairo_line_to(cr, X, px_y(pl, last));
                cairo_line_to(cr, X, Y);
            }
            last = s->b[i];
        }
        if (pen) cairo_line_to(cr, pl->f.x + pl->f.w, px_y(pl, last));
        cairo_stroke(cr);
        break;
    }
    case K_BAND: {
        rd_source(d, s->color, cls);
        size_t i = 0;
        while (i < s->n) {
            while (i < s->n && !(isfinite(s->a[i]) && isfinite(s->b[i]) && isfinite(s->c[i])))
                i++;
            size_t j = i;
            while (j < s->n && isfinite(s->a[j]) && isfinite(s->b[j]) && isfinite(s->c[j]))
                j++;
            if (j > i) {
                for (size_t k = i; k < j; k++) {
                    if (k == i)
                        cairo_move_to(cr, px_x(pl, s->a[k]), px_y(pl, s->c[k]));
                    else
                        cairo_line_to(cr, px_x(pl, s->a[k]), px_y(pl, s->c[k]));
                }
                for (size_t k = j; k-- > i;)
                    cairo_line_to(cr, px_x(pl, s->a[k]), px_y(pl, s->b[k]));
                cairo_close_path(cr);
            }
            i = j;
        }
        cairo_fill(cr);
        break;
    }
    case K_ERRBAR:
        rd_source(d, s->color, cls);
        stroke_style(d, s, 1.8);
        for (size_t i = 0; i < s->n; i++) {
            if (!isfinite(s->c[i]) || !isfinite(s->d[i]) || !isfinite(s->a[i])) continue;
            double cap = 5;
            if (s->horizontal) {
                double y = px_y(pl, s->a[i]), x0 = px_x(pl, s->c[i]), x1 = px_x(pl, s->d[i]);
                cairo_move_to(cr, x0, y);
                cairo_line_to(cr, x1, y);
                cairo_move_to(cr, x0, y - cap);
                cairo_line_to(cr, x0, y + cap);
                cairo_move_to(cr, x1, y - cap);
                cairo_line_to(cr, x1, y + cap);
            } else {
                double x = px_x(pl, s->a[i]), y0 = px_y(pl, s->c[i]), y1 = px_y(pl, s->d[i]);
                cairo_move_to(cr, x, y0);
                cairo_line_to(cr, x, y1);
                cairo_move_to(cr, x - cap, y0);
                cairo_line_to(cr, x + cap, y0);
                cairo_move_to(cr, x - cap, y1);
                cairo_line_to(cr, x + cap, y1);
            }
        }
        cairo_stroke(cr);
        for (size_t i = 0; i < s->n; i++) {
            if (!isfinite(s->a[i]) || !isfinite(s->b[i])) continue;
            double x = s->horizontal ? px_x(pl, s->b[i]) : px_x(pl, s->a[i]);
            double y = s->horizontal ? px_y(pl, s->a[i]) : px_y(pl, s->b[i]);
            cairo_new_sub_path(cr);
            cairo_arc(cr, x, y, 4.5, 0, 2 * M_PI);
        }
        cairo_fill(cr);
        break;
    case K_BAR:
        rd_source(d, s->color, cls);
        for (size_t i = 0; i < s->n; i++) {
            if (!isfinite(s->a[i]) || !isfinite(s->b[i]) || !isfinite(s->c[i])) continue;
            double t = s->thickness / 2, x, y, w, h;
            if (s->horizontal) {
                x = px_x(pl, s->b[i]);
                w = px_x(pl, s->c[i]) - x;
                y = px_y(pl, s->a[i] - t);
                h = px_y(pl, s->a[i] + t) - y;
            } else {
                x = px_x(pl, s->a[i] - t);
                w = px_x(pl, s->a[i] + t) - x;
                y = px_y(pl, s->b[i]);
                h = px_y(pl, s->c[i]) - y;
            }
            cairo_rectangle(cr, x, y, w, h);
        }
        cairo_fill(cr);
        if (s->names) {
            for (size_t i = 0; i < s->n; i++) {
                if (!s->names[i] || !isfinite(s->a[i]) || !isfinite(s->b[i]) || !isfinite(s->c[i]))
                    continue;
                double t = s->thickness / 2, x, y, w, h;
                if (s->horizontal) {
                    x = px_x(pl, s->b[i]);
                    w = px_x(pl, s->c[i]) - x;
                    y = px_y(pl, s->a[i] - t);
                    h = px_y(pl, s->a[i] + t) - y;
                } else {
                    x = px_x(pl, s->a[i] - t);
                    w = px_x(pl, s->a[i] + t) - x;
                    y = px_y(pl, s->b[i]);
                    h = px_y(pl, s->c[i]) - y;
                }
                draw_bar_text(d, s, x, y, w, h, s->names[i]);
            }
        }
        break;
    case K_SEGMENTS:
        rd_source(d, s->color, cls);
        stroke_style(d, s, 1);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        for (size_t i = 0; i < s->n; i++) {
            if (!isfinite(s->a[i]) || !isfinite(s->b[i]) || !isfinite(s->c[i]) ||
                !isfinite(s->d[i]))
                continue;
            cairo_move_to(cr, px_x(pl, s->a[i]), px_y(pl, s->b[i]));
            cairo_line_to(cr, px_x(pl, s->c[i]), px_y(pl, s->d[i]));
        }
        cairo_stroke(cr);
        break;
    case K_CELLS:
        for (size_t j = 0; j < s->ny; j++) {
            for (size_t i = 0; i < s->nx; i++) {
                double v = s->a[j * s->nx + i];
                if (!isfinite(v)) continue;
                double x0 = px_x(pl, s->x0 + (double)i * s->dx);
                double x1 = px_x(pl, s->x0 + (double)(i + 1) * s->dx);
                double y0 = px_y(pl, s->y0 + (double)j * s->dy);
                double y1 = px_y(pl, s->y0 + (double)(j + 1) * s->dy);
                rd_source(d, chart_scale_color(v, p->vmin, p->vmax), cls);
                /* A quarter pixel of overlap hides the seams antialiasing leaves. */
                cairo_rectangle(cr, fmin(x0, x1) - 0.25, fmin(y0, y1) - 0.25, fabs(x1 - x0) + 0.5,
                                fabs(y1 - y0) + 0.5);
                cairo_fill(cr);
            }
        }
        break;
    case K_MARKERS:
        for (size_t i = 0; i < s->n; i++) {
            if (!isfinite(s->a[i]) || !isfinite(s->b[i])) continue;
            cairo_new_sub_path(cr);
            cairo_rectangle(cr, px_x(pl, s->a[i]) - 4.5, px_y(pl, s->b[i]) - 4.5, 9, 9);
        }
        rd_source(d, s->color, cls);
        cairo_fill_preserve(cr);
        rd_source(d, (chart_rgba){1, 1, 1, 1}, "frame");
        cairo_set_line_width(cr, 1.5);
        cairo_stroke(cr);
        if (s->names) {
            font(cr, 11, true);
            for (size_t i = 0; i < s->n; i++) {
                if (!s->names[i] || !isfinite(s->a[i]) || !isfinite(s->b[i])) continue;
                double x = px_x(pl, s->a[i]) + 8, y = px_y(pl, s->b[i]);
                cairo_font_extents_t fe;
                cairo_font_extents(cr, &fe);
                cairo_move_to(cr, x, y + (fe.ascent - fe.descent) / 2);
                cairo_text_path(cr, s->names[i]);
                rd_source(d, (chart_rgba){1, 1, 1, 0.85}, "frame");
                cairo_set_line_width(cr, 3);
                cairo_stroke_preserve(cr);
                ink(cr, INK);
                cairo_fill(cr);
            }
        }
        break;
    case K_RULE: {
        rd_source(d, s->color, cls);
        stroke_style(d, s, 1.5);
        double at;
        if (s->vertical) {
            at = px_x(pl, s->v);
            cairo_move_to(cr, at, pl->f.y);
            cairo_line_to(cr, at, pl->f.y + pl->f.h);
        } else {
            at = px_y(pl, s->v);
            cairo_move_to(cr, pl->f.x, at);
            cairo_line_to(cr, pl->f.x + pl->f.w, at);
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        if (s->text) {
            font(cr, 10.5, false);
            ink(cr, s->color);
            if (s->vertical) {
                /* Right of the line (glyph tops face right), or left of it near the edge. */
                cairo_font_extents_t fe;
                cairo_font_extents(cr, &fe);
                double bx = at + 5 + fe.ascent > pl->f.x + pl->f.w ? at - 5 - fe.ascent : at + 5;
                cairo_save(cr);
                cairo_translate(cr, bx, pl->f.y + 6);
                cairo_rotate(cr, M_PI / 2);
                cairo_move_to(cr, 0, 0);
                /* A white halo keeps the text readable where it crosses a curve. */
                cairo_text_path(cr, s->text);
                rd_source(d, (chart_rgba){1, 1, 1, 0.85}, "frame");
                cairo_set_line_width(cr, 3);
                cairo_stroke_preserve(cr);
                ink(cr, s->color);
                cairo_fill(cr);
                cairo_restore(cr);
            } else {
                text_at(cr, pl->f.x + pl->f.w - 4 - text_w(cr, s->text), at - 8, 0, s->text);
            }
        }
        break;
    }
    }
    cairo_set_dash(cr, NULL, 0, 0);
}

/* ---- Panels --------------------------------------------------------------------------------- */

#define TICK_FONT   11.0
#define LABEL_FONT  12.5
#define PTITLE_FONT 13.5
#define SCALE_W     84.0

static void draw_scale(rd *d, const chart_panel *p, const frame *pf)
{
    cairo_t *cr = d->cr;
    double x = pf->x + pf->w + 14, y = pf->y + pf->h * 0.1, h = pf->h * 0.8, w = 14;
    const int slices = 64;
    for (int i = 0; i < slices; i++) {
        double v = p->vmin + (p->vmax - p->vmin) * (i + 0.5) / slices;
        rd_source(d, chart_scale_color(v, p->vmin, p->vmax), "colorbar");
        double y0 = y + h - h * (i + 1) / slices;
        cairo_rectangle(cr, x, y0 - 0.25, w, h / slices + 0.5);
        cairo_fill(cr);
    }
    rd_source(d, (chart_rgba){0.4, 0.4, 0.4, 1}, "frame");
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, x + 0.5, y + 0.5, w - 1, h - 1);
    cairo_stroke(cr);
    double first, step;
    chart_ticks_nice(p->vmin, p->vmax, 5, &first, &step);
    axis a = {.tstep = step};
    font(cr, TICK_FONT, false);
    for (double v = ceil(p->vmin / step - 1e-9) * step; v <= p->vmax + step * 1e-9; v += step) {
        double yy = y + h - (v - p->vmin) / (p->vmax - p->vmin) * h;
        rd_source(d, (chart_rgba){0.4, 0.4, 0.4, 1}, "frame");
        cairo_move_to(cr, x + w, yy);
        cairo_line_to(cr, x + w + 4, yy);
        cairo_stroke(cr);
        char buf[32];
        tick_text(&a, v, buf, sizeof buf);
        ink(cr, INK2);
        text_at(cr, x + w + 6, yy, 0, buf);
    }
    if (p->scale_label) {
        font(cr, LABEL_FONT, false);
        ink(cr, INK);
        cairo_save(cr);
        cairo_translate(cr, x + w + 46, y + h / 2);
        cairo_rotate(cr, -M_PI / 2);
        text_at(cr, 0, 0, 0.5, p->scale_label);
        cairo_restore(cr);
    }
}

static void draw_panel(rd *d, chart_panel *p, const frame *cell)
{
    cairo_t *cr = d->cr;
    frame area = *cell;
    char buf[256];

    /* Title. */
    if (p->title) {
        font(cr, PTITLE_FONT, true);
        ink(cr, INK);
        text_at(cr, area.x, area.y + 9, 0, fit_text(cr, p->title, area.w, buf, sizeof buf));
        area.y += 24;
        area.h -= 24;
    } else {
        area.y += 6;
        area.h -= 6;
    }

    /* Data extents and a first resolution of the axes to measure the tick labels. */
    double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
    for (size_t i = 0; i < p->n; i++)
        series_extent(p->s[i], &xl, &xh, &yl, &yh);
    int xt = (int)fmax(3, area.w / 95), yt = (int)fmax(3, area.h / 55);
    axis_resolve(&p->x, xl, xh, xt);
    axis_resolve(&p->y, yl, yh, yt);

    double right = p->show_scale ? SCALE_W : 8;
    font(cr, TICK_FONT, false);
    double ytw = 0;
    for (double v = p->y.first; v <= p->y.hi + p->y.tstep * 1e-9; v += p->y.tstep) {
        tick_text(&p->y, v, buf, sizeof buf);
        ytw = fmax(ytw, text_w(cr, buf));
    }
    ytw = fmin(ytw, area.w * 0.4);
    double left = ytw + 10 + (p->y.label ? 22 : 0);
    /* The legend below gets the width it is drawn in (right of the y axis' labels). */
    double legend_h = 0, lw = 0;
    if (p->legend == CHART_LEGEND_BELOW) legend_size(cr, p, area.w - left, true, &lw, &legend_h);
    double bottom = 20 + (p->x.label ? 20 : 0) + legend_h;
    frame pf = {area.x + left, area.y, area.w - left - right, area.h - bottom};
    if (pf.w < 20) pf.w = 20;
    if (pf.h < 20) pf.h = 20;

    if (p->equal && !p->x.cats && !p->y.cats) {
        double rx = p->x.hi - p->x.lo, ry = p->y.hi - p->y.lo;
        if (pf.w / pf.h > rx / ry) {
            double w = pf.h * rx / ry;
            pf.x += (pf.w - w) / 2;
            pf.w = w;
        } else {
            double h = pf.w * ry / rx;
            pf.y += (pf.h - h) / 2;
            pf.h = h;
        }
    }
    plot pl = {pf, &p->x, &p->y};

    /* Grid lines at the ticks of numeric axes. */
    cairo_set_line_width(cr, 1);
    rd_source(d, (chart_rgba){0.9, 0.9, 0.9, 1}, "frame");
    if (!p->x.cats)
        for (double v = p->x.first; v <= p->x.hi + p->x.tstep * 1e-9; v += p->x.tstep) {
            double X = round(px_x(&pl, v)) + 0.5;
            cairo_move_to(cr, X, pf.y);
            cairo_line_to(cr, X, pf.y + pf.h);
        }
    if (!p->y.cats)
        for (double v = p->y.first; v <= p->y.hi + p->y.tstep * 1e-9; v += p->y.tstep) {
            double Y = round(px_y(&pl, v)) + 0.5;
            cairo_move_to(cr, pf.x, Y);
            cairo_line_to(cr, pf.x + pf.w, Y);
        }
    cairo_stroke(cr);

    /* Series, clipped to the plot. */
    cairo_save(cr);
    cairo_rectangle(cr, pf.x, pf.y, pf.w, pf.h);
    cairo_clip(cr);
    for (size_t i = 0; i < p->n; i++)
        draw_series(d, p, p->s[i], &pl);
    cairo_restore(cr);

    /* Axes, ticks and their labels. */
    rd_source(d, (chart_rgba){0.4, 0.4, 0.4, 1}, "frame");
    cairo_set_line_width(cr, 1);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_move_to(cr, pf.x + 0.5, pf.y);
    cairo_line_to(cr, pf.x + 0.5, pf.y + pf.h + 0.5);
    cairo_line_to(cr, pf.x + pf.w, pf.y + pf.h + 0.5);
    if (p->equal) { /* maps get a full frame */
        cairo_line_to(cr, pf.x + pf.w, pf.y);
        cairo_close_path(cr);
    }
    for (double v = p->x.first; v <= p->x.hi + p->x.tstep * 1e-9; v += p->x.tstep) {
        double X = round(px_x(&pl, v)) + 0.5;
        cairo_move_to(cr, X, pf.y + pf.h);
        cairo_line_to(cr, X, pf.y + pf.h + 4);
    }
    for (double v = p->y.first; v <= p->y.hi + p->y.tstep * 1e-9; v += p->y.tstep) {
        double Y = round(px_y(&pl, v)) + 0.5;
        cairo_move_to(cr, pf.x - 4, Y);
        cairo_line_to(cr, pf.x, Y);
    }
    cairo_stroke(cr);
    font(cr, TICK_FONT, false);
    ink(cr, INK2);
    double xcat_w = p->x.cats ? pf.w / (double)p->x.n_cats - 4 : 200;
    for (double v = p->x.first; v <= p->x.hi + p->x.tstep * 1e-9; v += p->x.tstep) {
        char fit[256];
        tick_text(&p->x, v, buf, sizeof buf);
        text_at(cr, px_x(&pl, v), pf.y + pf.h + 13, 0.5,
                fit_text(cr, buf, xcat_w, fit, sizeof fit));
    }
    for (double v = p->y.first; v <= p->y.hi + p->y.tstep * 1e-9; v += p->y.tstep) {
        char fit[256];
        tick_text(&p->y, v, buf, sizeof buf);
        text_at(cr, pf.x - 7, px_y(&pl, v), 1, fit_text(cr, buf, ytw, fit, sizeof fit));
    }
    font(cr, LABEL_FONT, false);
    ink(cr, INK);
    if (p->x.label)
        text_at(cr, pf.x + pf.w / 2, pf.y + pf.h + 33, 0.5,
                fit_text(cr, p->x.label, area.w, buf, sizeof buf));
    if (p->y.label) {
        cairo_save(cr);
        cairo_translate(cr, fmax(area.x + 8, pf.x - ytw - 20), pf.y + pf.h / 2);
        cairo_rotate(cr, -M_PI / 2);
        text_at(cr, 0, 0, 0.5, fit_text(cr, p->y.label, pf.h + 40, buf, sizeof buf));
        cairo_restore(cr);
    }

    if (p->show_scale) draw_scale(d, p, &pf);
    frame below = {area.x + left, area.y + area.h - legend_h, area.w - left, legend_h};
    draw_legend(d, p, &pf, &below);
}

/* ---- The figure ----------------------------------------------------------------------------- */

#define MARGIN 14.0

static void draw_chart(rd *d, chart *c)
{
    cairo_t *cr = d->cr;
    rd_source(d, (chart_rgba){1, 1, 1, 1}, "background");
    cairo_paint(cr);
    double y = MARGIN, w = c->w - 2 * MARGIN;
    if (c->title) {
        font(cr, 17, true);
        ink(cr, INK);
        text_pen t = {cr, MARGIN, y + 10, 22, 0};
        int lines = wrap_lines(cr, c->title, w, pen_emit, &t);
        y += 22.0 * lines + 2;
    }
    if (c->subtitle) {
        font(cr, 12.5, false);
        ink(cr, INK2);
        text_pen t = {cr, MARGIN, y + 8, 17, 0};
        int lines = wrap_lines(cr, c->subtitle, w, pen_emit, &t);
        y += 17.0 * lines;
    }
    y += 8;
    double bottom = c->h - MARGIN;
    if (c->note) {
        font(cr, 11, false);
        int lines = wrap_lines(cr, c->note, w, NULL, NULL);
        bottom -= 15.0 * lines;
        ink(cr, INK2);
        text_pen t = {cr, MARGIN, bottom + 10, 15, 0};
        wrap_lines(cr, c->note, w, pen_emit, &t);
        bottom -= 6;
    }
    double total = 0;
    for (int r = 0; r < c->rows; r++)
        total += c->row_h ? c->row_h[r] : 1;
    double gap = 18, gh = bottom - y - gap * (c->rows - 1), gw = w - gap * (c->cols - 1);
    double ry = y;
    for (int r = 0; r < c->rows; r++) {
        double rh = gh * (c->row_h ? c->row_h[r] : 1) / total;
        for (int k = 0; k < c->cols; k++) {
            size_t i = (size_t)r * (size_t)c->cols + (size_t)k;
            if (i >= c->n) break;
            frame cell = {MARGIN + k * (gw / c->cols + gap), ry, gw / c->cols, rh};
            draw_panel(d, c->p[i], &cell);
        }
        ry += rh + gap;
    }
}

/* ---- Output --------------------------------------------------------------------------------- */

static int fail(char *err, size_t errlen, const char *path, const char *what)
{
    if (err && errlen) snprintf(err, errlen, "%s: %s", path, what);
    return -1;
}

int chart_write_png(chart *c, const char *path, char *err, size_t errlen)
{
    if (!c || c->failed) return fail(err, errlen, path, "out of memory while building the chart");
    int w = (int)ceil(c->w), h = (int)ceil(c->h);
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(sf);
    rd d = {.cr = cr};
    draw_chart(&d, c);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    free(d.keys);
    if (st == CAIRO_STATUS_SUCCESS && d.failed) st = CAIRO_STATUS_NO_MEMORY;
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_write_to_png(sf, path);
    cairo_surface_destroy(sf);
    if (st != CAIRO_STATUS_SUCCESS) {
        char what[256];
        snprintf(what, sizeof what, "cannot write the PNG: %s%s%s", cairo_status_to_string(st),
                 st == CAIRO_STATUS_WRITE_ERROR && errno ? ": " : "",
                 st == CAIRO_STATUS_WRITE_ERROR && errno ? strerror(errno) : "");
        return fail(err, errlen, path, what);
    }
    return 0;
}

typedef struct membuf {
    char *p;
    size_t n, cap;
    bool failed;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data, unsigned int len)
{
    membuf *m = closure;
    if (m->n + len + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 65536;
        while (cap < m->n + len + 1)
            cap *= 2;
        char *np = realloc(m->p, cap);
        if (!np) {
            m->failed = true;
            return CAIRO_STATUS_NO_MEMORY;
        }
        m->p = np;
        m->cap = cap;
    }
    memcpy(m->p + m->n, data, len);
    m->n += len;
    m->p[m->n] = 0;
    return CAIRO_STATUS_SUCCESS;
}

static int cmp_key(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Reads "rgb(R%,G%,B%)" at s into 8-bit channels. */
static bool parse_rgb(const char *s, unsigned *r, unsigned *g, unsigned *b)
{
    double v[3];
    if (sscanf(s, "rgb(%lf%%,%lf%%,%lf%%)", &v[0], &v[1], &v[2]) != 3) return false;
    *r = to8(v[0] / 100);
    *g = to8(v[1] / 100);
    *b = to8(v[2] / 100);
    return true;
}

/* The colour key of the stroke (which 0) or the fill (which 1) of the element whose style
 * attribute is style[0..len); *ok false when it has none. */
static unsigned style_key(const char *style, size_t len, int which, bool *ok)
{
    char buf[512];
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, style, len);
    buf[len] = 0;
    static const char *const names[2] = {"stroke", "fill"};
    char pat[32];
    snprintf(pat, sizeof pat, "%s:rgb(", names[which]);
    const char *at = buf;
    /* "fill:" must not match inside "-fill:"; a property starts the style or follows ';' or
     * a space. */
    while ((at = strstr(at, pat)) && at > buf && at[-1] != ';' && at[-1] != ' ')
        at++;
    unsigned r, g, b;
    *ok = false;
    if (!at || !parse_rgb(at + strlen(names[which]) + 1, &r, &g, &b)) return 0;
    double op = 1;
    snprintf(pat, sizeof pat, "%s-opacity:", names[which]);
    const char *o = strstr(buf, pat);
    if (o) op = atof(o + strlen(pat));
    *ok = true;
    return r << 24 | g << 16 | b << 8 | to8(op);
}

static bool sb_add(membuf *m, const char *s, size_t n)
{
    return membuf_write(m, (const unsigned char *)s, (unsigned)n) == CAIRO_STATUS_SUCCESS;
}

static bool sb_escaped(membuf *m, const char *s)
{
    for (; *s; s++) {
        const char *rep = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : NULL;
        if (!(rep ? sb_add(m, rep, strlen(rep)) : sb_add(m, s, 1))) return false;
    }
    return true;
}

char *chart_svg_classify(const char *svg, size_t len, const unsigned *keys,
                         const char *const *classes, size_t n, const char *title)
{
    /* Sort the keys (carrying their classes) for binary search. */
    typedef struct kc {
        unsigned key;
        const char *cls;
    } kc;
    kc *t = n ? malloc(n * sizeof *t) : NULL;
    if (n && !t) return NULL;
    for (size_t i = 0; i < n; i++)
        t[i] = (kc){keys[i], classes[i]};
    qsort(t, n, sizeof *t, cmp_key);
    membuf m = {0};
    size_t i = 0;
    bool titled = !title;
    while (i < len && !m.failed) {
        const char *lt = memchr(svg + i, '<', len - i);
        if (!lt) {
            sb_add(&m, svg + i, len - i);
            break;
        }
        size_t at = (size_t)(lt - svg);
        sb_add(&m, svg + i, at - i);
        const char *gt = memchr(lt, '>', len - at);
        size_t end = gt ? (size_t)(gt - svg) + 1 : len;
        bool shape = strncmp(lt, "<path ", 6) == 0 || strncmp(lt, "<rect ", 6) == 0;
        const char *st = shape ? strstr(lt, "style=\"") : NULL;
        const char *cls = NULL;
        if (st && (size_t)(st - svg) < end) {
            /* cairo writes a fill followed by a stroke of the same path as one element:
             * a series' class wins over the frame's (a marker's white outline). */
            const char *q = strchr(st + 7, '"');
            const char *found[2] = {NULL, NULL};
            for (int w = 0; q && w < 2; w++) {
                bool ok;
                kc probe = {style_key(st + 7, (size_t)(q - st - 7), w, &ok), NULL};
                kc *hit = ok && n ? bsearch(&probe, t, n, sizeof *t, cmp_key) : NULL;
                if (hit) found[w] = hit->cls;
            }
            cls = found[1] && strncmp(found[1], "series", 6) == 0 ? found[1]
                  : found[0]                                      ? found[0]
                                                                  : found[1];
        }
        if (cls) {
            sb_add(&m, lt, 6);
            sb_add(&m, "class=\"", 7);
            sb_escaped(&m, cls);
            sb_add(&m, "\" ", 2);
            sb_add(&m, lt + 6, end - at - 6);
        } else {
            sb_add(&m, lt, end - at);
        }
        if (!titled && strncmp(lt, "<svg", 4) == 0) {
            sb_add(&m, "\n<title>", 8);
            sb_escaped(&m, title);
            sb_add(&m, "</title>", 8);
            titled = true;
        }
        i = end;
    }
    free(t);
    if (m.failed) {
        free(m.p);
        return NULL;
    }
    if (!m.p) return strdup("");
    return m.p;
}

int chart_write_svg(chart *c, const char *path, char *err, size_t errlen)
{
    if (!c || c->failed) return fail(err, errlen, path, "out of memory while building the chart");
    membuf m = {0};
    cairo_surface_t *sf = cairo_svg_surface_create_for_stream(membuf_write, &m, c->w, c->h);
    cairo_svg_surface_restrict_to_version(sf, CAIRO_SVG_VERSION_1_1);
    cairo_t *cr = cairo_create(sf);
    rd d = {.cr = cr};
    draw_chart(&d, c);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
    if (st == CAIRO_STATUS_SUCCESS && (d.failed || m.failed)) st = CAIRO_STATUS_NO_MEMORY;
    char *out = NULL;
    if (st == CAIRO_STATUS_SUCCESS) {
        unsigned *keys = malloc((d.n ? d.n : 1) * sizeof *keys);
        const char **cls = malloc((d.n ? d.n : 1) * sizeof *cls);
        if (keys && cls) {
            for (size_t i = 0; i < d.n; i++) {
                keys[i] = d.keys[i].key;
                cls[i] = d.keys[i].cls;
            }
            out = chart_svg_classify(m.p ? m.p : "", m.n, keys, cls, d.n, c->title);
        }
        free(keys);
        free(cls);
        if (!out) st = CAIRO_STATUS_NO_MEMORY;
    }
    free(d.keys);
    free(m.p);
    if (st != CAIRO_STATUS_SUCCESS) {
        char what[256];
        snprintf(what, sizeof what, "cannot draw the SVG: %s", cairo_status_to_string(st));
        return fail(err, errlen, path, what);
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        int e = errno;
        free(out);
        char what[256];
        snprintf(what, sizeof what, "cannot write: %s", strerror(e));
        return fail(err, errlen, path, what);
    }
    size_t len = strlen(out);
    bool ok = fwrite(out, 1, len, f) == len;
    int e = errno;
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    free(out);
    if (!ok) {
        char what[256];
        snprintf(what, sizeof what, "cannot write: %s", strerror(e));
        return fail(err, errlen, path, what);
    }
    return 0;
}

void chart_release_caches(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
