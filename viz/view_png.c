/* view_png.c - PNG files, through libpng.
 *
 * SDL2 writes only BMP. libpng rather than a hand-made encoder over zlib: it is the reference
 * implementation (CRCs, chunk order, filters are its problem, not ours), its adaptive per-row
 * filtering makes map screenshots about half the size of unfiltered deflate (which matters for
 * the README's images and frame sequences), and it is a Debian package (libpng-dev) every
 * desktop already has. Errors come back through setjmp, which libpng requires; nothing
 * between setjmp and the calls it guards keeps state in automatic variables that change.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

int view_png_write(const char *path, SDL_Surface *s, char *err, size_t errlen)
{
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB24, 0);
    if (!rgb) {
        snprintf(err, errlen, "%s: cannot convert the frame: %s", path, SDL_GetError());
        return -1;
    }
    FILE *fp = fopen(path, "wb");
    if (!fp) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        SDL_FreeSurface(rgb);
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *volatile rows = NULL;
    volatile int rc = -1;
    if (!png || !info) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    if (setjmp(png_jmpbuf(png))) {
        snprintf(err, errlen, "%s: cannot write the PNG (disk full?)", path);
        goto out;
    }
    rows = malloc((size_t)rgb->h * sizeof *rows);
    if (!rows) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out;
    }
    for (int y = 0; y < rgb->h; y++)
        rows[y] = (png_bytep)rgb->pixels + (size_t)y * rgb->pitch;
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)rgb->w, (png_uint_32)rgb->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    rc = 0;
out:
    png_destroy_write_struct(&png, &info);
    free(rows);
    if (fclose(fp) != 0 && rc == 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc) remove(path);
    SDL_FreeSurface(rgb);
    return rc;
}

SDL_Surface *view_png_read(const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    SDL_Surface *volatile out = NULL;
    png_bytep *volatile rows = NULL;
    if (!png || !info) goto fail;
    if (setjmp(png_jmpbuf(png))) goto fail;
    png_init_io(png, fp);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    int ct = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    if (depth != 8 || (ct != PNG_COLOR_TYPE_RGB && ct != PNG_COLOR_TYPE_RGBA)) goto fail;
    if (ct == PNG_COLOR_TYPE_RGB) png_set_filler(png, 0xff, PNG_FILLER_AFTER);
    png_read_update_info(png, info);
    out = SDL_CreateRGBSurfaceWithFormat(0, (int)w, (int)h, 32, SDL_PIXELFORMAT_RGBA32);
    rows = malloc(h * sizeof *rows);
    if (!out || !rows) goto fail;
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = (png_bytep)out->pixels + (size_t)y * (size_t)out->pitch;
    png_read_image(png, rows);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    fclose(fp);
    SDL_Surface *argb = SDL_ConvertSurfaceFormat(out, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(out);
    return argb;
fail:
    snprintf(err, errlen, "%s: not an 8-bit RGB PNG, or damaged", path);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    SDL_FreeSurface(out);
    fclose(fp);
    return NULL;
}
