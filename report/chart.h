/* chart.h - small statistical charts drawn with cairo and written as PNG and SVG.
 *
 * A chart is a figure (title, subtitle, footnote) holding panels laid out on a grid; each
 * panel has two axes and a list of series drawn in the order they were added: lines, CDF
 * steps, confidence bands, points with error bars, bars, line segments (roads), a raster of
 * coloured cells with its colour scale (a map), labelled markers, and reference lines. The
 * chart knows nothing of police or of results files: the caller converts its data to the
 * units it wants shown (minutes, percent, km) and names the axes with those units.
 *
 * The chart is a description, not a drawing: series data are copied when added, and
 * chart_write_png / chart_write_svg lay it out and draw it afresh each time, so both files
 * show exactly the same picture. Axis ranges not fixed by the caller come from the data and
 * are widened to "nice" tick values (1, 2 or 5 times a power of ten). Text uses cairo's toy
 * font API with DejaVu Sans (fontconfig substitutes another sans font if it is missing).
 *
 * What the SVG says about itself. Each element the chart draws carries a class naming what
 * it shows, so that a test (or a browser's style sheet) can find the data in the picture:
 *     class="series p<P> s<S> <kind>"  the data of series S (0-based, in the order added) of
 *                                       panel P; kind is line, step, band, errbar, bar,
 *                                       segments, cells, markers or rule
 *     class="legend"                    legend swatches     class="colorbar"  colour scale
 *     class="frame"                     axes, grid, boxes   class="background"
 * cairo's SVG writer has no way to name elements, so the chart gives every class a colour of
 * its own (two classes that would share a colour get colours one 8-bit step apart, which no
 * eye sees) and, after cairo has written the SVG, adds the class to each <path> and <rect>
 * by its colour. The SVG also gets a <title> (the chart title). Text is drawn as glyph
 * outlines, as cairo does; it is not searchable in the SVG.
 *
 * Ownership and errors: chart_create returns a chart freed with chart_destroy (NULL is a
 * no-op); panels and series belong to their chart. Out of memory while building makes the
 * chart "failed": later calls do nothing and the writers return -1 with a message. The
 * writers return 0, or -1 with a message in err ("cdf.png: cannot write: ...").
 * Not thread-safe per chart; separate charts may be drawn in separate threads.
 */
#ifndef PATROLSIM_CHART_H
#define PATROLSIM_CHART_H

#include <stdbool.h>
#include <stddef.h>

/* A colour with alpha, each channel 0..1. */
typedef struct chart_rgba {
    double r, g, b, a;
} chart_rgba;

/* The i-th colour of a palette of eight that stay apart for colour-blind readers
 * (Okabe and Ito); cycles after eight. */
chart_rgba chart_palette(size_t i);

/* Where a panel's legend goes: inside the plot at a corner, or below the plot. */
typedef enum chart_legend_pos {
    CHART_LEGEND_NONE,
    CHART_LEGEND_UPPER_LEFT,
    CHART_LEGEND_UPPER_RIGHT,
    CHART_LEGEND_LOWER_LEFT,
    CHART_LEGEND_LOWER_RIGHT,
    CHART_LEGEND_BELOW
} chart_legend_pos;

typedef struct chart chart;
typedef struct chart_panel chart_panel;
typedef struct chart_series chart_series;

/* ---- The figure --------------------------------------------------------------------------- */

/* A figure of width x height pixels (PNG) or points (SVG) with a title (may be NULL) and one
 * panel slot (change with chart_grid). NULL when out of memory. */
chart *chart_create(double width, double height, const char *title);
void chart_destroy(chart *c); /* NULL is a no-op */

/* A smaller line under the title, and a footnote under the panels (both may hold '\n' and
 * are wrapped to the width). Replace any earlier text. */
void chart_subtitle(chart *c, const char *text);
void chart_note(chart *c, const char *text);

/* Panels are placed row by row on a rows x cols grid; row_heights (may be NULL: equal) gives
 * the relative height of each row. Set before adding panels. */
void chart_grid(chart *c, int rows, int cols, const double *row_heights);

/* Adds the next panel (title may be NULL). NULL when the grid is full or out of memory. */
chart_panel *chart_panel_add(chart *c, const char *title);

/* Whether the chart ran out of memory while it was built. */
bool chart_failed(const chart *c);

/* ---- Axes --------------------------------------------------------------------------------- */

void chart_xlabel(chart_panel *p, const char *label);
void chart_ylabel(chart_panel *p, const char *label);

/* Fixes an axis' ends; NaN leaves that end to the data (widened to a tick). */
void chart_xrange(chart_panel *p, double min, double max);
void chart_yrange(chart_panel *p, double min, double max);

/* Ticks every step data units from a multiple of step (0: chosen from the range). */
void chart_xstep(chart_panel *p, double step);
void chart_ystep(chart_panel *p, double step);

/* Makes an axis categorical: position i (0..n-1) is labelled labels[i]. A categorical y
 * axis reads from the top (position 0 at the top). Labels are copied. */
void chart_xcategories(chart_panel *p, const char *const *labels, size_t n);
void chart_ycategories(chart_panel *p, const char *const *labels, size_t n);

/* One x unit as long on the page as one y unit (maps). */
void chart_equal_aspect(chart_panel *p);

/* Where the legend goes; the default is the upper right corner inside the plot. */
void chart_legend(chart_panel *p, chart_legend_pos where);

/* The colour scale of the panel's cells series: values from vmin to vmax map onto a
 * light-yellow-to-dark-red ramp; values beyond the ends take the end colours. The scale is
 * drawn at the right of the plot with its label; with label NULL it colours the cells but is
 * not drawn (another panel shows it). */
void chart_colorscale(chart_panel *p, const char *label, double vmin, double vmax);

/* The colour of value v on the panel's scale (what a cell of value v is filled with). */
chart_rgba chart_scale_color(double v, double vmin, double vmax);

/* ---- Series (data are copied; label NULL keeps the series out of the legend) --------------- */

/* A polyline through (x[i], y[i]); a NaN breaks it. */
chart_series *chart_line(chart_panel *p, const char *label, const double *x, const double *y,
                         size_t n);

/* A right-continuous step function through sorted x: y[i] holds on [x[i], x[i+1]); the last
 * step runs to the right edge of the plot. For empirical distribution functions. */
chart_series *chart_step(chart_panel *p, const char *label, const double *x, const double *y,
                         size_t n);

/* A filled band between lo[i] and hi[i] over x[i] (a confidence band); NaN breaks it. */
chart_series *chart_band(chart_panel *p, const char *label, const double *x, const double *lo,
                         const double *hi, size_t n);

/* Points (pos[i], v[i]) with error bars from lo[i] to hi[i] (NaN: no bar). horizontal: the
 * value runs along x and pos along y (a dot plot with category rows). */
chart_series *chart_errbars(chart_panel *p, const char *label, const double *pos, const double *v,
                            const double *lo, const double *hi, size_t n, bool horizontal);

/* Bars at positions pos[i] spanning values from[i]..to[i] (stack bars by starting one where
 * the previous ended), thickness in position units (0.6 is usual for categories).
 * horizontal: the value runs along x. */
chart_series *chart_bars(chart_panel *p, const char *label, const double *pos, const double *from,
                         const double *to, size_t n, double thickness, bool horizontal);

/* n line segments (x0,y0)-(x1,y1), stroked as one path (a road network by class). */
chart_series *chart_segments(chart_panel *p, const char *label, const double *x0, const double *y0,
                             const double *x1, const double *y1, size_t n);

/* A raster of nx * ny cells, cell (i, j) covering [x0 + i dx, x0 + (i+1) dx] x
 * [y0 + j dy, y0 + (j+1) dy], filled with the colour of value v[j * nx + i] on the panel's
 * colour scale (chart_colorscale); NaN cells are left blank. */
chart_series *chart_cells(chart_panel *p, const char *label, double x0, double y0, double dx,
                          double dy, size_t nx, size_t ny, const double *v);

/* Markers at (x[i], y[i]), with names[i] written beside them (names may be NULL). */
chart_series *chart_markers(chart_panel *p, const char *label, const double *x, const double *y,
                            const char *const *names, size_t n);

/* A reference line across the plot at x = v (vertical) or y = v, with text written along
 * it (may be NULL) besides the legend label. */
chart_series *chart_rule(chart_panel *p, const char *label, double v, bool vertical,
                         const char *text);

/* ---- Series style ------------------------------------------------------------------------- */

/* Colour (default: palette colour of the series' index in its panel; bands default to 20%
 * alpha, cells to the colour scale). */
void chart_series_color(chart_series *s, chart_rgba color);
void chart_series_width(chart_series *s, double width);         /* line width in pixels */
void chart_series_dash(chart_series *s, double on, double off); /* 0, 0: solid */
/* Bars: text written inside each bar when it fits (labels[i] for bar i; NULL entries and a
 * NULL array write nothing). Copied. */
void chart_series_bar_labels(chart_series *s, const char *const *labels);

/* ---- Output ------------------------------------------------------------------------------- */

int chart_write_png(chart *c, const char *path, char *err, size_t errlen);
int chart_write_svg(chart *c, const char *path, char *err, size_t errlen);

/* Frees the fonts cairo and fontconfig keep for the life of the process, so that leak
 * checkers (valgrind, LeakSanitizer) see a clean exit. Call only at the end, when no chart is
 * being drawn and nothing else in the process uses cairo. */
void chart_release_caches(void);

/* ---- Helpers, exposed for tests ----------------------------------------------------------- */

/* Nice ticks for [lo, hi] with about target ticks: *step is 1, 2 or 5 times a power of ten and
 * *first the largest multiple of step <= lo. lo < hi; both finite. */
void chart_ticks_nice(double lo, double hi, int target, double *first, double *step);

/* Adds class attributes to cairo's SVG text by colour (see the header); for tests of the
 * mapping. keys are 0xRRGGBBAA colours, classes their class strings. Returns a malloc'd
 * string (free()) or NULL when out of memory. */
char *chart_svg_classify(const char *svg, size_t len, const unsigned *keys,
                         const char *const *classes, size_t n, const char *title);

#endif
