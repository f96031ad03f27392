/* png_stats - what a PNG shows, for the report's integration test: decodes it with cairo
 * (libpng underneath, independent of the code that drew it) and prints
 *     <width> <height> <share of pixels that are not white> <distinct colours>
 * Exit status 1 when the file does not decode. */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: png_stats FILE.png\n");
        return 2;
    }
    cairo_surface_t *s = cairo_image_surface_create_from_png(argv[1]);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s\n", argv[1], cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return 1;
    }
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    uint32_t *all = malloc((size_t)w * (size_t)h * sizeof *all + 1);
    long ink = 0;
    size_t n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v = *(const uint32_t *)(px + (size_t)y * (size_t)stride + 4 * (size_t)x);
            if ((v & 0xFFFFFF) != 0xFFFFFF) ink++;
            if (all) all[n++] = v & 0xFFFFFF;
        }
    size_t distinct = 0;
    if (all && n) {
        qsort(all, n, sizeof *all, cmp_u32);
        distinct = 1;
        for (size_t i = 1; i < n; i++)
            distinct += all[i] != all[i - 1];
    }
    printf("%d %d %.6f %zu\n", w, h, w && h ? (double)ink / ((double)w * h) : 0.0, distinct);
    free(all);
    cairo_surface_destroy(s);
    return 0;
}
