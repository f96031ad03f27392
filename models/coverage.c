/* coverage.c - cell maps and the presence accumulator. See coverage.h.
 *
 * The cells file is read line by line like the network file: every bad line
 * is reported and reading goes on, so one run shows every mistake. A line
 * whose node is bad still defines its cell name, so a typo in a node id does
 * not also produce "cell has no nodes" echoes. Cell names are looked up by a
 * linear scan: a district has a few hundred cells and the file is read once.
 *
 * The grid builder never allocates rows x cols: it keys each node by its
 * (row, col), sorts the keys and numbers the distinct ones, so memory is
 * linear in the nodes whatever the cell size.
 *
 * Presence: each cell holds its union of intervals as a sorted array of
 * disjoint closed intervals. An insertion scans from the end for the first
 * interval that ends at or after the new start (visits arrive almost in time
 * order, so that is one or two steps), merges every interval it overlaps or
 * touches, and shifts the tail. The arrays keep their capacity across
 * coverage_reset, so after the first replication a workspace does not
 * allocate.
 */
#include "coverage.h"
#include "rfile.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELLS_FORMAT_VERSION 1
#define CELLS_MAX_ERRORS     100 /* after this many, stop: the rest is usually noise */
#define CELLS_MAX_TOKENS     4   /* more than a record has; counted beyond, not kept */
#define CELLS_MAX_NAME       64  /* bytes in a cell name */

/* ------------------------------------------------------------------------ */
/* The cells file.                                                           */

typedef struct cells_loader {
    const char *path;
    const net *g;
    diag *d;
    int line;
    int n_err;
    bool stop;
    cell_map *m;
    size_t cap_cells;
    int *node_line; /* [n_nodes] line that put the node in a cell, 0 none */
} cells_loader;

static void cells_error(cells_loader *ld, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records one error at the current line; after CELLS_MAX_ERRORS, says so once and stops. */
static void cells_error(cells_loader *ld, const char *field, const char *fmt, ...)
{
    if (ld->n_err >= CELLS_MAX_ERRORS) return;
    va_list ap;
    va_start(ap, fmt);
    diag_verror(ld->d, ld->path, ld->line, field, fmt, ap);
    va_end(ap);
    if (++ld->n_err == CELLS_MAX_ERRORS) {
        diag_error(ld->d, ld->path, ld->line, NULL, "too many errors (%d); stopped reading here",
                   CELLS_MAX_ERRORS);
        ld->stop = true;
    }
}

static void cells_oom(cells_loader *ld)
{
    diag_error(ld->d, ld->path, ld->line, NULL, "out of memory reading the cells file");
    ld->n_err++;
    ld->stop = true;
}

/* Splits line in place into blank-separated tokens, cutting at '#'. Returns the
 * number of tokens (which may exceed max; only the first max are stored). */
static int cells_tokens_split(char *line, char **tok, int max)
{
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\v' || *p == '\f')
            p++;
        if (!*p) break;
        char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '\v' &&
               *p != '\f')
            p++;
        if (n < max) tok[n] = start;
        n++;
        if (*p) *p++ = '\0';
    }
    return n;
}

/* The index of cell `name`, added if new; -1 when out of memory. */
static int32_t cells_name_index(cells_loader *ld, const char *name)
{
    cell_map *m = ld->m;
    for (size_t c = 0; c < m->n_cells; c++)
        if (strcmp(m->names[c], name) == 0) return (int32_t)c;
    if (m->n_cells == ld->cap_cells) {
        size_t cap = ld->cap_cells ? 2 * ld->cap_cells : 64;
        char **names = realloc(m->names, cap * sizeof *names);
        if (!names) return -1;
        m->names = names;
        ld->cap_cells = cap;
    }
    char *copy = strdup(name);
    if (!copy) return -1;
    m->names[m->n_cells] = copy;
    return (int32_t)m->n_cells++;
}

/* "<node_id> <cell_name>" */
static void cells_record(cells_loader *ld, char **tok, int ntok)
{
    if (ntok < 2) {
        cells_error(ld, "cell", "the cell name is missing: expected '<node_id> <cell_name>'");
        return;
    }
    if (ntok > 2) {
        cells_error(ld, NULL,
                    "%d fields where 2 were expected: '<node_id> <cell_name>' (cell "
                    "names cannot contain blanks)",
                    ntok);
        return;
    }
    const char *name = tok[1];
    bool name_ok = strlen(name) <= CELLS_MAX_NAME;
    if (!name_ok)
        cells_error(ld, "cell", "cell names are at most %d bytes (got '%.40s...')", CELLS_MAX_NAME,
                    name);
    int32_t cell = -1;
    if (name_ok && (cell = cells_name_index(ld, name)) < 0) {
        cells_oom(ld);
        return;
    }

    char *end;
    errno = 0;
    long long id = strtoll(tok[0], &end, 10);
    if (end == tok[0] || *end != '\0') {
        cells_error(ld, "node", "node ids are integers (got '%.40s')", tok[0]);
        return;
    }
    if (errno == ERANGE) {
        cells_error(ld, "node", "node id out of the 64-bit range (got '%.40s')", tok[0]);
        return;
    }
    int32_t v = net_node_index(ld->g, (int64_t)id);
    if (v < 0) {
        cells_error(ld, "node", "node %lld is not in the network %s", id,
                    ld->g->path ? ld->g->path : "");
        return;
    }
    if (ld->node_line[v]) {
        int32_t was = ld->m->node_cell[v];
        cells_error(ld, "node", "node %lld is listed twice: line %d put it in cell '%s'", id,
                    ld->node_line[v], was >= 0 ? ld->m->names[was] : "?");
        return;
    }
    if (cell < 0) return;
    ld->node_line[v] = ld->line;
    ld->m->node_cell[v] = cell;
}

int cell_map_load(cell_map *m, const char *path, const net *g, diag *d)
{
    memset(m, 0, sizeof *m);
    cells_loader ld = {.path = path, .g = g, .d = d, .m = m};
    char why[160];
    FILE *f = rfile_open(path, "r", why, sizeof why); /* a FIFO would hang an fopen */
    if (!f) {
        diag_error(d, path, 0, NULL, "cannot open the cells file: %s", why);
        return -1;
    }
    m->node_cell = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof *m->node_cell);
    ld.node_line = calloc(g->n_nodes ? g->n_nodes : 1, sizeof *ld.node_line);
    if (!m->node_cell || !ld.node_line) {
        diag_error(d, path, 0, NULL, "out of memory reading the cells file");
        fclose(f);
        free(ld.node_line);
        cell_map_fini(m);
        return -1;
    }
    for (size_t v = 0; v < g->n_nodes; v++)
        m->node_cell[v] = -1;

    char *buf = NULL;
    size_t cap = 0;
    bool header_seen = false;
    char *tok[CELLS_MAX_TOKENS];
    while (!ld.stop && getline(&buf, &cap, f) >= 0) {
        if (ld.line < INT32_MAX) ld.line++;
        int ntok = cells_tokens_split(buf, tok, CELLS_MAX_TOKENS);
        if (ntok == 0) continue;
        if (!header_seen) {
            header_seen = true;
            if (strcmp(tok[0], "patrolsim-cells") == 0) {
                if (ntok != 2 || strcmp(tok[1], "1") != 0) {
                    cells_error(&ld, "header",
                                "this program reads version %d of the cells "
                                "format ('patrolsim-cells %d'); the file says '%.40s%s%.40s'",
                                CELLS_FORMAT_VERSION, CELLS_FORMAT_VERSION, tok[0],
                                ntok > 1 ? " " : "", ntok > 1 ? tok[1] : "");
                    ld.stop = true;
                }
                continue;
            }
            cells_error(&ld, "header",
                        "the first record must be the header 'patrolsim-cells "
                        "%d' (got '%.40s')",
                        CELLS_FORMAT_VERSION, tok[0]);
            /* Two fields that start with a number look like a cells file without its
             * header: check the rest; anything else is another kind of file. */
            char *end;
            (void)strtoll(tok[0], &end, 10);
            if (ntok != 2 || end == tok[0] || *end != '\0') {
                ld.stop = true;
                continue;
            }
        }
        cells_record(&ld, tok, ntok);
    }
    if (ferror(f)) {
        diag_error(d, path, 0, NULL, "read error: %s", strerror(errno));
        ld.n_err++;
    } else if (!header_seen) {
        diag_error(d, path, 0, "header",
                   "the file has no records: expected the header "
                   "'patrolsim-cells %d' and then '<node_id> <cell_name>' lines",
                   CELLS_FORMAT_VERSION);
        ld.n_err++;
    } else if (ld.n_err == 0 && m->n_cells == 0) {
        diag_error(d, path, 0, NULL, "the file defines no cells");
        ld.n_err++;
    }
    free(buf);
    free(ld.node_line);
    fclose(f);
    if (ld.n_err > 0) {
        cell_map_fini(m);
        return -1;
    }
    return 0;
}

/* Orders (key, node) pairs by key, then node. */
static int cells_key_cmp(const void *pa, const void *pb)
{
    const uint64_t *a = pa, *b = pb;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return (a[1] > b[1]) - (a[1] < b[1]);
}

int cell_map_grid(cell_map *m, const net *g, double cell_m)
{
    memset(m, 0, sizeof *m);
    if (!(cell_m > 0) || !isfinite(cell_m)) return -1;
    size_t n = g->n_nodes;
    double cols_d = floor((g->max_x_m - g->min_x_m) / cell_m) + 1;
    double rows_d = floor((g->max_y_m - g->min_y_m) / cell_m) + 1;
    if (!(rows_d * cols_d < 4e18)) return -1; /* keys must fit in 64 bits */
    uint64_t cols = (uint64_t)cols_d, rows = (uint64_t)rows_d;
    uint64_t(*key)[2] = malloc((n ? n : 1) * sizeof *key);
    m->node_cell = malloc((n ? n : 1) * sizeof *m->node_cell);
    if (!key || !m->node_cell) goto fail;
    for (size_t v = 0; v < n; v++) {
        /* Clamped: a node on the far edge of the box belongs to the last cell. */
        double c = floor((g->nodes[v].x_m - g->min_x_m) / cell_m);
        double r = floor((g->nodes[v].y_m - g->min_y_m) / cell_m);
        uint64_t ci = c < 0 ? 0 : (uint64_t)c >= cols ? cols - 1 : (uint64_t)c;
        uint64_t ri = r < 0 ? 0 : (uint64_t)r >= rows ? rows - 1 : (uint64_t)r;
        key[v][0] = ri * cols + ci;
        key[v][1] = v;
    }
    qsort(key, n, sizeof *key, cells_key_cmp);
    size_t n_cells = 0;
    for (size_t k = 0; k < n; k++)
        if (k == 0 || key[k][0] != key[k - 1][0]) n_cells++;
    m->names = calloc(n_cells ? n_cells : 1, sizeof *m->names);
    if (!m->names) goto fail;
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || key[k][0] != key[k - 1][0]) {
            char name[48];
            snprintf(name, sizeof name, "r%lluc%llu", (unsigned long long)(key[k][0] / cols),
                     (unsigned long long)(key[k][0] % cols));
            if (!(m->names[m->n_cells++] = strdup(name))) goto fail;
        }
        m->node_cell[key[k][1]] = (int32_t)(m->n_cells - 1);
    }
    free(key);
    return 0;
fail:
    free(key);
    cell_map_fini(m);
    return -1;
}

void cell_map_fini(cell_map *m)
{
    if (!m) return;
    for (size_t c = 0; c < m->n_cells; c++)
        free(m->names[c]);
    free(m->names);
    free(m->node_cell);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------------ */
/* Presence.                                                                 */

typedef struct cov_iv {
    double a_s, b_s; /* closed, a_s <= b_s */
} cov_iv;

typedef struct cov_cell {
    cov_iv *iv; /* sorted by a_s, disjoint and not touching */
    size_t n, cap;
} cov_cell;

struct coverage {
    const cell_map *m; /* borrowed */
    double window_s;
    cov_cell *cell; /* [m->n_cells] */
};

coverage *coverage_create(const cell_map *m, double window_s)
{
    assert(window_s >= 0);
    coverage *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->m = m;
    c->window_s = window_s;
    c->cell = calloc(m->n_cells ? m->n_cells : 1, sizeof *c->cell);
    if (!c->cell) {
        free(c);
        return NULL;
    }
    return c;
}

void coverage_destroy(coverage *c)
{
    if (!c) return;
    for (size_t k = 0; k < c->m->n_cells; k++)
        free(c->cell[k].iv);
    free(c->cell);
    free(c);
}

void coverage_reset(coverage *c)
{
    for (size_t k = 0; k < c->m->n_cells; k++)
        c->cell[k].n = 0;
}

/* Adds [a, b] to the cell's union. */
static int cov_cell_add(cov_cell *cl, double a, double b)
{
    /* j: the first interval that ends at or after a (ends ascend, so scan back). */
    size_t j = cl->n;
    while (j > 0 && cl->iv[j - 1].b_s >= a)
        j--;
    /* [j, e): the intervals that overlap or touch [a, b] (starts ascend). */
    size_t e = j;
    while (e < cl->n && cl->iv[e].a_s <= b)
        e++;
    if (e > j) {
        if (cl->iv[j].a_s < a) a = cl->iv[j].a_s;
        if (cl->iv[e - 1].b_s > b) b = cl->iv[e - 1].b_s;
        cl->iv[j] = (cov_iv){a, b};
        memmove(cl->iv + j + 1, cl->iv + e, (cl->n - e) * sizeof *cl->iv);
        cl->n -= e - j - 1;
        return 0;
    }
    if (cl->n == cl->cap) {
        size_t cap = cl->cap ? 2 * cl->cap : 16;
        cov_iv *iv = realloc(cl->iv, cap * sizeof *iv);
        if (!iv) return -1;
        cl->iv = iv;
        cl->cap = cap;
    }
    memmove(cl->iv + j + 1, cl->iv + j, (cl->n - j) * sizeof *cl->iv);
    cl->iv[j] = (cov_iv){a, b};
    cl->n++;
    return 0;
}

int coverage_visit(coverage *c, uint32_t node, double t_s)
{
    return coverage_stay(c, node, t_s, t_s);
}

int coverage_stay(coverage *c, uint32_t node, double a_s, double b_s)
{
    assert(a_s <= b_s);
    int32_t k = c->m->node_cell[node];
    if (k < 0) return 0;
    return cov_cell_add(&c->cell[k], a_s, b_s + c->window_s);
}

void coverage_fractions(const coverage *c, double from_s, double to_s, double *out)
{
    double len = to_s - from_s;
    for (size_t k = 0; k < c->m->n_cells; k++) {
        const cov_cell *cl = &c->cell[k];
        double sum = 0;
        for (size_t i = 0; i < cl->n && len > 0 && cl->iv[i].a_s < to_s; i++) {
            double a = cl->iv[i].a_s > from_s ? cl->iv[i].a_s : from_s;
            double b = cl->iv[i].b_s < to_s ? cl->iv[i].b_s : to_s;
            if (b > a) sum += b - a;
        }
        out[k] = len > 0 ? (sum < len ? sum / len : 1.0) : 0;
    }
}
