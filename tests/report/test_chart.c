/* test_chart.c - the chart module: nice ticks, the colour scale, what the SVG says about its
 * series, and that the PNG shows them (read back with cairo). */
#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "check.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void test_ticks(void)
{
    double first, step;
    chart_ticks_nice(0, 17.3, 5, &first, &step);
    CHECK_NEAR(step, 5, 1e-12);
    CHECK_NEAR(first, 0, 1e-12);
    chart_ticks_nice(0.013, 0.087, 4, &first, &step);
    CHECK_NEAR(step, 0.02, 1e-12);
    CHECK_NEAR(first, 0.0, 1e-12);
    chart_ticks_nice(-3.2, 2.9, 6, &first, &step);
    CHECK_NEAR(step, 1, 1e-12);
    CHECK_NEAR(first, -4, 1e-12);
    chart_ticks_nice(1200, 86400, 8, &first, &step);
    CHECK_NEAR(step, 10000, 1e-9);
    CHECK_NEAR(first, 0, 1e-9);
    chart_ticks_nice(5, 5, 5, &first, &step); /* an empty range still gets a step */
    CHECK(step > 0 && isfinite(step));
}

static void test_scale(void)
{
    chart_rgba lo = chart_scale_color(2.385, 2.385, 9.1), hi = chart_scale_color(9.1, 2.385, 9.1);
    CHECK_NEAR(lo.r * 255, 0xFF, 1e-9);
    CHECK_NEAR(lo.g * 255, 0xFF, 1e-9);
    CHECK_NEAR(lo.b * 255, 0xCC, 1e-9);
    CHECK_NEAR(hi.r * 255, 0x80, 1e-9);
    CHECK_NEAR(hi.g * 255, 0x00, 1e-9);
    CHECK_NEAR(hi.b * 255, 0x26, 1e-9);
    chart_rgba below = chart_scale_color(-40, 2.385, 9.1),
               above = chart_scale_color(1e9, 2.385, 9.1);
    CHECK_NEAR(below.b, lo.b, 1e-12);
    CHECK_NEAR(above.r, hi.r, 1e-12);
    /* Darker as the value grows (luminance falls monotonically). */
    double last = 2;
    for (int i = 0; i <= 20; i++) {
        chart_rgba c = chart_scale_color(i / 20.0, 0, 1);
        double lum = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
        CHECK(lum <= last + 1e-12);
        last = lum;
    }
}

static void test_classify(void)
{
    const char *svg =
        "<svg width=\"10\">\n"
        "<path style=\"fill:none;stroke-width:2;stroke:rgb(0%,44.705882%,69.803922%);"
        "stroke-opacity:1;\" d=\"M 0 0 L 1 1\"/>\n"
        "<path style=\" stroke:none;fill-rule:nonzero;fill:rgb(100%,0%,0%);fill-opacity:0.2;\" "
        "d=\"M 0 0\"/>\n"
        "<rect x=\"0\" style=\"fill:rgb(100%,100%,100%);fill-opacity:1;\"/>\n"
        "<path style=\"fill:rgb(50%,50%,50%);stroke:rgb(100%,100%,100%);\" d=\"M 1 1\"/>\n"
        "<path style=\"stroke:none;\" d=\"M 2 2\"/>\n";
    unsigned keys[] = {0x0072B2FF, 0xFF000033, 0xFFFFFFFF, 0x808080FF};
    const char *cls[] = {"series p0 s0 line", "series p0 s1 band", "background",
                         "series p1 s0 markers"};
    char *out = chart_svg_classify(svg, strlen(svg), keys, cls, 4, "A <title> & more");
    CHECK(out != NULL);
    if (!out) return;
    CHECK(strstr(out, "<path class=\"series p0 s0 line\" style=\"fill:none;stroke-width:2;") !=
          NULL);
    CHECK(strstr(out, "<path class=\"series p0 s1 band\" ") != NULL);
    CHECK(strstr(out, "<rect class=\"background\" x=\"0\"") != NULL);
    /* A fill and a stroke in one element: the series wins over the white outline. */
    CHECK(strstr(out, "<path class=\"series p1 s0 markers\" style=\"fill:rgb(50%") != NULL);
    CHECK(strstr(out, "<path style=\"stroke:none;\" d=\"M 2 2\"/>") != NULL);
    CHECK(strstr(out, "<title>A &lt;title&gt; &amp; more</title>") != NULL);
    CHECK_EQ(count(out, "class="), 4);
    free(out);
}

/* Counts pixels within 3 of colour c in each channel, and pixels that are not white. */
static void png_counts(const char *path, chart_rgba c, int *w, int *h, long *match, long *ink)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    *w = *h = 0;
    *match = *ink = 0;
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return;
    }
    *w = cairo_image_surface_get_width(s);
    *h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int cr = (int)lround(c.r * 255), cg = (int)lround(c.g * 255), cb = (int)lround(c.b * 255);
    for (int y = 0; y < *h; y++)
        for (int x = 0; x < *w; x++) {
            uint32_t v = *(const uint32_t *)(px + y * stride + 4 * x);
            int r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
            if (r < 250 || g < 250 || b < 250) (*ink)++;
            if (abs(r - cr) <= 3 && abs(g - cg) <= 3 && abs(b - cb) <= 3) (*match)++;
        }
    cairo_surface_destroy(s);
}

static void test_render(const char *dir)
{
    chart *c = chart_create(640, 480, "Three lines and a band");
    chart_subtitle(c, "A test chart with a subtitle long enough to be wrapped onto a second "
                      "line by the layout, which measures its words with cairo");
    chart_note(c, "A footnote.");
    chart_grid(c, 1, 2, NULL);
    chart_panel *p = chart_panel_add(c, "Lines");
    chart_panel *q = chart_panel_add(c, "Bars and points");
    CHECK(chart_panel_add(c, "one too many") == NULL);
    chart_xlabel(p, "x (units)");
    chart_ylabel(p, "y (units)");
    double x[50], y0[50], y1[50], y2[50], lo[50], hi[50];
    for (int i = 0; i < 50; i++) {
        x[i] = i * 0.3;
        y0[i] = sin(x[i]);
        y1[i] = 0.5 * cos(x[i]) + 2;
        y2[i] = i == 25 ? NAN : x[i] / 5 - 1; /* a gap */
        lo[i] = y0[i] - 0.2;
        hi[i] = y0[i] + 0.2;
    }
    chart_band(p, NULL, x, lo, hi, 50);
    chart_series *a = chart_line(p, "sine", x, y0, 50);
    chart_series_width(a, 6);
    chart_series *b = chart_line(p, "cosine", x, y1, 50);
    chart_series_width(b, 6);
    chart_line(p, "straight, with a gap", x, y2, 50);
    chart_rule(p, "a rule", 1.0, false, "y = 1");
    double pos[3] = {0, 1, 2}, from[3] = {0, 0, 0}, to[3] = {3.5, 2.25, 1}, v[3] = {1, 2, 3};
    const char *cats[3] = {"first", "second", "third"};
    chart_ycategories(q, cats, 3);
    chart_bars(q, "bars", pos, from, to, 3, 0.6, true);
    chart_errbars(q, "points", pos, v, from, to, 3, true);
    CHECK(!chart_failed(c));

    char png[512], svg[512], err[512];
    snprintf(png, sizeof png, "%s/test_chart.png", dir);
    snprintf(svg, sizeof svg, "%s/test_chart.svg", dir);
    CHECK_EQ(chart_write_png(c, png, err, sizeof err), 0);
    CHECK_EQ(chart_write_svg(c, svg, err, sizeof err), 0);

    /* The SVG names each series once per element drawn: 4 + rule in panel 0, 2 in panel 1. */
    char *s = slurp(svg);
    CHECK(s != NULL);
    if (s) {
        CHECK(strstr(s, "<title>Three lines and a band</title>") != NULL);
        CHECK_EQ(count(s, "class=\"series p0 s0 band\""), 1);
        CHECK_EQ(count(s, "class=\"series p0 s1 line\""), 1);
        CHECK_EQ(count(s, "class=\"series p0 s2 line\""), 1);
        CHECK_EQ(count(s, "class=\"series p0 s3 line\""), 1);
        CHECK_EQ(count(s, "class=\"series p0 s4 rule\""), 1);
        CHECK_EQ(count(s, "class=\"series p1 s0 bar\""), 1);
        CHECK(count(s, "class=\"series p1 s1 errbar\"") >= 1);
        CHECK_EQ(count(s, "class=\"series "), 6 + count(s, "class=\"series p1 s1 errbar\""));
        /* Legend swatches are classed apart from the data: one per labelled series, two for
         * the points (a dot and a whisker). */
        CHECK_EQ(count(s, "class=\"legend\""), 7);
        /* The line with a gap is drawn as two pieces: two moves in one path. */
        const char *l = strstr(s, "class=\"series p0 s3 line\"");
        const char *d = l ? strstr(l, " d=\"") : NULL;
        const char *e = d ? strchr(d + 4, '"') : NULL;
        int moves = 0;
        for (const char *t = d; t && t < e; t++)
            moves += *t == 'M';
        CHECK_EQ(moves, 2);
        free(s);
    }

    /* The PNG decodes, has the size asked for, and shows the thick lines in their colours. */
    int w, h;
    long match, ink;
    png_counts(png, chart_palette(1), &w, &h, &match, &ink);
    CHECK_EQ(w, 640);
    CHECK_EQ(h, 480);
    CHECK(ink > 640 * 480 / 30);
    CHECK(match > 300); /* "sine", series 1 of its panel: palette colour 1 */
    png_counts(png, chart_palette(2), &w, &h, &match, &ink);
    CHECK(match > 300);
    png_counts(png, chart_palette(5), &w, &h, &match, &ink); /* no series has it */
    CHECK(match < 20);

    /* A chart that cannot be written says where. */
    CHECK_EQ(chart_write_png(c, "/nonexistent-dir/x.png", err, sizeof err), -1);
    CHECK(strstr(err, "/nonexistent-dir/x.png") != NULL);
    CHECK_EQ(chart_write_svg(c, "/nonexistent-dir/x.svg", err, sizeof err), -1);
    CHECK(strstr(err, "/nonexistent-dir/x.svg") != NULL);
    chart_destroy(c);
    chart_destroy(NULL);
}

/* Series that share a colour in different panels (one file's colour in every panel) still
 * get classes of their own. */
static void test_shared_colours(const char *dir)
{
    chart *c = chart_create(500, 400, "Shared colours");
    chart_grid(c, 2, 1, NULL);
    double x[3] = {0, 1, 2}, y[3] = {1, 3, 2};
    for (int k = 0; k < 2; k++) {
        chart_panel *p = chart_panel_add(c, NULL);
        chart_series_color(chart_step(p, "same", x, y, 3), chart_palette(0));
    }
    char svg[512], err[256];
    snprintf(svg, sizeof svg, "%s/test_chart_shared.svg", dir);
    CHECK_EQ(chart_write_svg(c, svg, err, sizeof err), 0);
    char *s = slurp(svg);
    if (s) {
        CHECK_EQ(count(s, "class=\"series p0 s0 step\""), 1);
        CHECK_EQ(count(s, "class=\"series p1 s0 step\""), 1);
        free(s);
    }
    chart_destroy(c);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    test_ticks();
    test_scale();
    test_classify();
    test_render(dir);
    test_shared_colours(dir);
    chart_release_caches();
    return CHECK_DONE();
}
