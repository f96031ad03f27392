/* view_text.c - text from glyph atlases.
 *
 * SDL_ttf renders a string to a new surface, which then has to become a texture: fine once,
 * too slow for the hundred labels of every frame at 60 fps. So each size of the font is
 * rendered once, glyph by glyph, into one white atlas texture, and a string is drawn as one
 * textured rectangle per character, tinted with SDL_SetTextureColorMod. Only the characters
 * the viewer uses are in the atlas (printable ASCII and a few symbols); others show as '?'.
 * Kerning is ignored, which at these sizes nobody sees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

static const uint32_t extra_cps[] = {
    0x00B7, /* · */ 0x00D7, /* × */ 0x00B1, /* ± */ 0x00B0, /* ° */ 0x2013, /* – */
    0x2014, /* — */ 0x2026, /* … */ 0x2192, /* → */ 0x25B6, /* ▶ */ 0x2016, /* ‖ */
    0x2713, /* ✓ */ 0x25CF, /* ● */ 0x25C6, /* ◆ */ 0x25A0, /* ■ */ 0x25B2, /* ▲ */
    0x2190, /* ← */ 0x2191, /* ↑ */ 0x2193, /* ↓ */ 0x00E9,                 /* é */
};
#define N_EXTRA  (sizeof extra_cps / sizeof extra_cps[0])
#define N_GLYPHS (95 + N_EXTRA)

typedef struct glyph {
    uint32_t cp;
    SDL_Rect src;
    int advance;
} glyph;

typedef struct atlas {
    SDL_Texture *tex;
    glyph g[N_GLYPHS];
    int height;
} atlas;

struct view_font {
    SDL_Renderer *ren;
    atlas a[3];
};

static int atlas_build(atlas *a, SDL_Renderer *ren, const char *path, int ptsize, char *err,
                       size_t errlen)
{
    TTF_Font *font = TTF_OpenFont(path, ptsize);
    if (!font) {
        snprintf(err, errlen, "%s: cannot open the font: %s", path, TTF_GetError());
        return -1;
    }
    a->height = TTF_FontHeight(font);
    SDL_Surface *glyphs[N_GLYPHS] = {0};
    int x = 0, y = 0, row_h = 0, width = 512;
    SDL_Color white = {255, 255, 255, 255};
    for (size_t i = 0; i < N_GLYPHS; i++) {
        uint32_t cp = i < 95 ? (uint32_t)(32 + i) : extra_cps[i - 95];
        a->g[i].cp = cp;
        int minx, maxx, miny, maxy, adv = 0;
        if (!TTF_GlyphIsProvided32(font, cp) ||
            TTF_GlyphMetrics32(font, cp, &minx, &maxx, &miny, &maxy, &adv) < 0) {
            a->g[i].advance = -1; /* not in the font: drawn as '?' */
            continue;
        }
        a->g[i].advance = adv;
        glyphs[i] = TTF_RenderGlyph32_Blended(font, cp, white);
        if (!glyphs[i]) continue;
        if (x + glyphs[i]->w > width) {
            x = 0;
            y += row_h + 1;
            row_h = 0;
        }
        a->g[i].src = (SDL_Rect){x, y, glyphs[i]->w, glyphs[i]->h};
        x += glyphs[i]->w + 1;
        if (glyphs[i]->h > row_h) row_h = glyphs[i]->h;
    }
    TTF_CloseFont(font);
    int height = y + row_h + 1;
    SDL_Surface *sheet =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    int rc = -1;
    if (!sheet) {
        snprintf(err, errlen, "cannot make the glyph atlas: %s", SDL_GetError());
        goto out;
    }
    SDL_FillRect(sheet, NULL, SDL_MapRGBA(sheet->format, 255, 255, 255, 0));
    for (size_t i = 0; i < N_GLYPHS; i++) {
        if (!glyphs[i]) continue;
        SDL_SetSurfaceBlendMode(glyphs[i], SDL_BLENDMODE_NONE);
        SDL_Rect dst = a->g[i].src;
        SDL_BlitSurface(glyphs[i], NULL, sheet, &dst);
    }
    a->tex = SDL_CreateTextureFromSurface(ren, sheet);
    if (!a->tex) {
        snprintf(err, errlen, "cannot make the glyph texture: %s", SDL_GetError());
        goto out;
    }
    SDL_SetTextureBlendMode(a->tex, SDL_BLENDMODE_BLEND);
    rc = 0;
out:
    SDL_FreeSurface(sheet);
    for (size_t i = 0; i < N_GLYPHS; i++)
        SDL_FreeSurface(glyphs[i]);
    return rc;
}

view_font *view_font_create(SDL_Renderer *ren, const char *ttf_path, float scale, char *err,
                            size_t errlen)
{
    if (!TTF_WasInit() && TTF_Init() < 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    view_font *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->ren = ren;
    static const int sizes[3] = {11, 13, 20};
    for (int i = 0; i < 3; i++)
        if (atlas_build(&f->a[i], ren, ttf_path, (int)((float)sizes[i] * scale + 0.5f), err,
                        errlen)) {
            view_font_destroy(f);
            return NULL;
        }
    return f;
}

void view_font_destroy(view_font *f)
{
    if (!f) return;
    for (int i = 0; i < 3; i++)
        if (f->a[i].tex) SDL_DestroyTexture(f->a[i].tex);
    free(f);
}

/* Decodes one UTF-8 character; advances *s. Malformed bytes give '?'. */
static uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t cp;
    int n;
    if (p[0] < 0x80)
        cp = p[0], n = 1;
    else if ((p[0] & 0xE0) == 0xC0)
        cp = p[0] & 0x1F, n = 2;
    else if ((p[0] & 0xF0) == 0xE0)
        cp = p[0] & 0x0F, n = 3;
    else if ((p[0] & 0xF8) == 0xF0)
        cp = p[0] & 0x07, n = 4;
    else {
        *s += 1;
        return '?';
    }
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += i;
            return '?';
        }
        cp = cp << 6 | (p[i] & 0x3F);
    }
    *s += n;
    return cp;
}

static const glyph *glyph_find(const atlas *a, uint32_t cp)
{
    const glyph *g = NULL;
    if (cp >= 32 && cp < 127)
        g = &a->g[cp - 32];
    else
        for (size_t i = 95; i < N_GLYPHS; i++)
            if (a->g[i].cp == cp) g = &a->g[i];
    if (!g || g->advance < 0) g = &a->g['?' - 32];
    return g;
}

int view_text(view_font *f, int size, float x, float y, SDL_Color c, const char *s)
{
    if (!f || !s) return 0;
    atlas *a = &f->a[size < 0 ? 0 : size > 2 ? 2 : size];
    SDL_SetTextureColorMod(a->tex, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(a->tex, c.a);
    float x0 = x;
    while (*s) {
        const glyph *g = glyph_find(a, utf8_next(&s));
        SDL_FRect dst = {x, y, (float)g->src.w, (float)g->src.h};
        if (g->src.w) SDL_RenderCopyF(f->ren, a->tex, &g->src, &dst);
        x += (float)g->advance;
    }
    return (int)(x - x0 + 0.5f);
}

int view_text_width(view_font *f, int size, const char *s)
{
    if (!f || !s) return 0;
    const atlas *a = &f->a[size < 0 ? 0 : size > 2 ? 2 : size];
    int w = 0;
    while (*s)
        w += glyph_find(a, utf8_next(&s))->advance;
    return w;
}

int view_text_height(view_font *f, int size)
{
    return f ? f->a[size < 0 ? 0 : size > 2 ? 2 : size].height : 0;
}
