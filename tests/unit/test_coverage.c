/* test_coverage.c - cell maps and presence by cell.
 *
 * A 4 x 3 town with uneven spacing for the cells file (good and bad) and the
 * grid builder; hand-computed unions for the presence accumulator (overlaps,
 * touching ends, out-of-order visits, stays, windows that clip), then random
 * visits checked against a brute-force union that sorts and merges everything.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "coverage.h"
#include "diag.h"
#include "net.h"

/* Node ids 1..12, row by row from the south-west; x in {0, 100, 250, 400},
 * y in {0, 120, 300}. */
static const char *town = "patrolsim-network 1\n"
                          "class street 8 1.3\n"
                          "node 1 0 0\nnode 2 100 0\nnode 3 250 0\nnode 4 400 0\n"
                          "node 5 0 120\nnode 6 100 120\nnode 7 250 120\nnode 8 400 120\n"
                          "node 9 0 300\nnode 10 100 300\nnode 11 250 300\nnode 12 400 300\n"
                          "road 1 2 100 street\nroad 2 3 150 street\nroad 3 4 150 street\n"
                          "road 5 6 100 street\nroad 6 7 150 street\nroad 7 8 150 street\n"
                          "road 9 10 100 street\nroad 10 11 150 street\nroad 11 12 150 street\n"
                          "road 1 5 120 street\nroad 5 9 180 street\nroad 4 8 120 street\n";

static uint64_t rng_state = 0xce11c0feu;

static uint64_t rand_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double rand_unit(void)
{
    return (double)(rand_next() >> 11) * 0x1.0p-53;
}

/* Writes text to a new temporary file; path receives its name. */
static void text_write(char *path, const char *text)
{
    strcpy(path, "/tmp/test_coverage_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static net *town_load(void)
{
    char path[64];
    text_write(path, town);
    diag *d = diag_create();
    net *g = net_load(path, d);
    if (!g) diag_print(d, stderr);
    diag_destroy(d);
    unlink(path);
    return g;
}

static uint32_t node(const net *g, int64_t id)
{
    int32_t v = net_node_index(g, id);
    CHECK(v >= 0);
    return (uint32_t)(v < 0 ? 0 : v);
}

/* Loads text as a cells file; returns the result code and leaves the messages in d. */
static int cells_text_load(cell_map *m, const net *g, const char *text, diag *d, char *path)
{
    text_write(path, text);
    int rc = cell_map_load(m, path, g, d);
    unlink(path);
    return rc;
}

/* True when some message in d starts with "<path>:<line>: " and contains want. */
static bool diag_has(const diag *d, const char *path, int line, const char *want)
{
    char head[128];
    if (line > 0)
        snprintf(head, sizeof head, "%s:%d: ", path, line);
    else
        snprintf(head, sizeof head, "%s: ", path);
    for (size_t i = 0; i < diag_count(d); i++) {
        const char *msg = diag_message(d, i);
        if (strncmp(msg, head, strlen(head)) == 0 && strstr(msg, want)) return true;
    }
    fprintf(stderr, "expected a message '%s...%s' among:\n", head, want);
    diag_print(d, stderr);
    return false;
}

static void test_cells_good(const net *g)
{
    cell_map m;
    diag *d = diag_create();
    char path[64];
    int rc = cells_text_load(&m, g,
                             "# cells of the town\n\n"
                             "patrolsim-cells 1   # version\n"
                             "1 south-west\n"
                             "2 south-west\t\n"
                             "  12 north-east # the corner\n"
                             "5 south-west\n"
                             "11 north-east\n"
                             "7 middle\n",
                             d, path);
    CHECK_EQ(rc, 0);
    CHECK_EQ(diag_count(d), 0);
    diag_print(d, stderr);
    CHECK_EQ(m.n_cells, 3);
    if (m.n_cells == 3) {
        CHECK_STR(m.names[0], "south-west"); /* in order of first appearance */
        CHECK_STR(m.names[1], "north-east");
        CHECK_STR(m.names[2], "middle");
    }
    const int want[13] = {0, 0, 0, -1, -1, 0, -1, 2, -1, -1, -1, 1, 1};
    for (int64_t id = 1; id <= 12; id++)
        CHECK_EQ(m.node_cell[node(g, id)], want[id]);
    cell_map_fini(&m);
    CHECK(m.names == NULL && m.node_cell == NULL && m.n_cells == 0);
    cell_map_fini(&m);
    diag_destroy(d);
}

/* One bad file: the load fails, every expected message is there with its line,
 * and nothing else is reported. */
static void cells_bad_check(const net *g, const char *text, size_t n_msgs, const int *lines,
                            const char *const *wants)
{
    cell_map m;
    diag *d = diag_create();
    char path[64];
    CHECK_EQ(cells_text_load(&m, g, text, d, path), -1);
    CHECK_EQ(diag_count(d), n_msgs);
    for (size_t k = 0; k < n_msgs; k++)
        CHECK(diag_has(d, path, lines[k], wants[k]));
    CHECK(m.names == NULL && m.node_cell == NULL && m.n_cells == 0);
    diag_destroy(d);
}

static void test_cells_bad(const net *g)
{
    {
        const char *text = "patrolsim-cells 1\n"
                           "1 north\n"
                           "2 north\n"
                           "2 south\n"                    /* 4: listed twice */
                           "99 south\n"                   /* 5: not in the network */
                           "x7 south\n"                   /* 6: not a number */
                           "3\n"                          /* 7: no name */
                           "4 a b\n"                      /* 8: a blank in the name */
                           "5 south # ok\n"               /* 9 */
                           "1.5 south\n"                  /* 10: not an integer */
                           "99999999999999999999 south\n" /* 11: out of range */
                           "6 abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij12345\n";
        const int lines[] = {4, 5, 6, 7, 8, 10, 11, 12};
        const char *wants[] = {"node: node 2 is listed twice: line 3 put it in cell 'north'",
                               "node: node 99 is not in the network",
                               "node: node ids are integers (got 'x7')",
                               "cell: the cell name is missing",
                               "3 fields where 2 were expected",
                               "node: node ids are integers (got '1.5')",
                               "node: node id out of the 64-bit range",
                               "cell: cell names are at most 64 bytes"};
        cells_bad_check(g, text, 8, lines, wants);
    }
    { /* another version of the format: stop at once */
        const int lines[] = {2};
        const char *wants[] = {"header: this program reads version 1 of the cells format "
                               "('patrolsim-cells 1'); the file says 'patrolsim-cells 2'"};
        cells_bad_check(g, "# new\npatrolsim-cells 2\n1 a\n99 b\n", 1, lines, wants);
    }
    { /* another kind of file: one message, not one per line */
        const int lines[] = {1};
        const char *wants[] = {"header: the first record must be the header 'patrolsim-cells "
                               "1' (got 'patrolsim-network')"};
        cells_bad_check(g, town, 1, lines, wants);
    }
    { /* the header forgotten: say so, and still check the records */
        const int lines[] = {1, 2};
        const char *wants[] = {"header: the first record must be the header", "node 42 is not"};
        cells_bad_check(g, "1 a\n42 b\n3 b\n", 2, lines, wants);
    }
    { /* nothing at all */
        const int lines[] = {0};
        const char *wants[] = {"header: the file has no records"};
        cells_bad_check(g, "# only a comment\n\n", 1, lines, wants);
    }
    { /* a header and no cells */
        const int lines[] = {0};
        const char *wants[] = {"the file defines no cells"};
        cells_bad_check(g, "patrolsim-cells 1\n", 1, lines, wants);
    }
    { /* no such file */
        cell_map m;
        diag *d = diag_create();
        CHECK_EQ(cell_map_load(&m, "/nonexistent/cells.txt", g, d), -1);
        CHECK_EQ(diag_count(d), 1);
        CHECK(diag_has(d, "/nonexistent/cells.txt", 0, "cannot open the cells file"));
        diag_destroy(d);
    }
}

static void test_grid(const net *g)
{
    cell_map m;
    /* 200 m: 3 columns (0-200, 200-400, and x = 400 itself), 2 rows. */
    CHECK_EQ(cell_map_grid(&m, g, 200), 0);
    CHECK_EQ(m.n_cells, 6);
    const char *names200[6] = {"r0c0", "r0c1", "r0c2", "r1c0", "r1c1", "r1c2"};
    for (size_t c = 0; c < m.n_cells && c < 6; c++)
        CHECK_STR(m.names[c], names200[c]);
    /* node id -> cell name */
    const char *want200[13] = {"",     "r0c0", "r0c0", "r0c1", "r0c2", "r0c0", "r0c0",
                               "r0c1", "r0c2", "r1c0", "r1c0", "r1c1", "r1c2"};
    for (int64_t id = 1; id <= 12; id++) {
        int32_t c = m.node_cell[node(g, id)];
        CHECK(c >= 0 && (size_t)c < m.n_cells);
        if (c >= 0 && (size_t)c < m.n_cells) CHECK_STR(m.names[c], want200[id]);
    }
    cell_map_fini(&m);

    /* 110 m: a 4 x 3 grid of which only the cells with a node remain, row by row. */
    CHECK_EQ(cell_map_grid(&m, g, 110), 0);
    const char *want110[13] = {"",     "r0c0", "r0c0", "r0c2", "r0c3", "r1c0", "r1c0",
                               "r1c2", "r1c3", "r2c0", "r2c0", "r2c2", "r2c3"};
    CHECK_EQ(m.n_cells, 9);
    for (int64_t id = 1; id <= 12; id++) {
        int32_t c = m.node_cell[node(g, id)];
        CHECK(c >= 0 && (size_t)c < m.n_cells);
        if (c >= 0 && (size_t)c < m.n_cells) CHECK_STR(m.names[c], want110[id]);
    }
    for (size_t c = 1; c < m.n_cells; c++) { /* row-major order, by number not by text */
        unsigned r0, c0, r1, c1;
        CHECK(sscanf(m.names[c - 1], "r%uc%u", &r0, &c0) == 2);
        CHECK(sscanf(m.names[c], "r%uc%u", &r1, &c1) == 2);
        CHECK(r0 < r1 || (r0 == r1 && c0 < c1));
    }
    cell_map_fini(&m);

    /* One cell holds everything; tiny cells give one cell per node. */
    CHECK_EQ(cell_map_grid(&m, g, 1e4), 0);
    CHECK_EQ(m.n_cells, 1);
    cell_map_fini(&m);
    CHECK_EQ(cell_map_grid(&m, g, 0.001), 0);
    CHECK_EQ(m.n_cells, 12);
    cell_map_fini(&m);
    CHECK_EQ(cell_map_grid(&m, g, 0), -1);
    CHECK_EQ(cell_map_grid(&m, g, -5), -1);
}

/* A hand-made map: nodes 0-2 in cell 0, 3 in cell 1, 4 outside. */
static int32_t hand_node_cell[5] = {0, 0, 0, 1, -1};
static char *hand_names[2] = {"a", "b"};

static void test_presence_hand(void)
{
    cell_map m = {hand_names, 2, hand_node_cell};
    coverage *c = coverage_create(&m, 100);
    CHECK(c != NULL);
    if (!c) return;
    double f[2];
    CHECK_EQ(coverage_visit(c, 0, 0), 0);   /* [0, 100] */
    CHECK_EQ(coverage_visit(c, 1, 50), 0);  /* overlaps: [0, 150] */
    CHECK_EQ(coverage_visit(c, 2, 250), 0); /* apart: [250, 350] */
    CHECK_EQ(coverage_visit(c, 0, 350), 0); /* touches: [250, 450] */
    coverage_fractions(c, 0, 1000, f);
    CHECK_NEAR(f[0], (150.0 + 200.0) / 1000, 1e-15);
    CHECK_NEAR(f[1], 0, 0);
    CHECK_EQ(coverage_visit(c, 1, 200), 0); /* out of order: [200, 450] */
    coverage_fractions(c, 0, 1000, f);
    CHECK_NEAR(f[0], (150.0 + 250.0) / 1000, 1e-15);
    CHECK_EQ(coverage_visit(c, 0, 140), 0); /* bridges the gap: [0, 450] */
    coverage_fractions(c, 0, 1000, f);
    CHECK_NEAR(f[0], 450.0 / 1000, 1e-15);
    CHECK_EQ(coverage_stay(c, 2, 1000, 1500), 0); /* a stay: [1000, 1600] */
    CHECK_EQ(coverage_visit(c, 1, 1450), 0);      /* inside it, window and all: no change */
    CHECK_EQ(coverage_visit(c, 4, 800), 0);       /* outside every cell: ignored */
    CHECK_EQ(coverage_stay(c, 3, 700, 700), 0);   /* cell b: [700, 800] */
    CHECK_EQ(coverage_visit(c, 3, 20), 0);        /* cell b, earlier: [20, 120] */
    coverage_fractions(c, 0, 2000, f);
    CHECK_NEAR(f[0], (450.0 + 600.0) / 2000, 1e-15);
    CHECK_NEAR(f[1], 200.0 / 2000, 1e-15);
    /* Windows that clip. */
    coverage_fractions(c, 100, 1100, f);
    CHECK_NEAR(f[0], (350.0 + 100.0) / 1000, 1e-15);
    CHECK_NEAR(f[1], (20.0 + 100.0) / 1000, 1e-15);
    coverage_fractions(c, 500, 700, f); /* in a gap of both */
    CHECK_NEAR(f[0], 0, 0);
    CHECK_NEAR(f[1], 0, 0);
    coverage_fractions(c, 1100, 1200, f); /* inside a stay */
    CHECK_NEAR(f[0], 1, 0);
    coverage_fractions(c, 1200, 1200, f); /* an empty window */
    CHECK_NEAR(f[0], 0, 0);
    coverage_fractions(c, -500, 0, f); /* before anything; ends at a visit */
    CHECK_NEAR(f[0], 0, 0);
    /* A stay that swallows several intervals at once. */
    CHECK_EQ(coverage_stay(c, 1, 300, 950), 0); /* [300, 1050] joins [0, 450] and [1000, 1600] */
    coverage_fractions(c, 0, 2000, f);
    CHECK_NEAR(f[0], 1600.0 / 2000, 1e-15);
    /* Reset: nothing is left. */
    coverage_reset(c);
    coverage_fractions(c, 0, 2000, f);
    CHECK_NEAR(f[0], 0, 0);
    CHECK_NEAR(f[1], 0, 0);
    CHECK_EQ(coverage_visit(c, 3, 1950), 0);
    coverage_fractions(c, 0, 2000, f);
    CHECK_NEAR(f[1], 50.0 / 2000, 1e-15);
    coverage_destroy(c);
    coverage_destroy(NULL);

    /* A window of 0: visits have no length, stays count as they are. */
    c = coverage_create(&m, 0);
    CHECK(c != NULL);
    if (!c) return;
    coverage_visit(c, 0, 10);
    coverage_stay(c, 0, 20, 30);
    coverage_fractions(c, 0, 100, f);
    CHECK_NEAR(f[0], 0.1, 1e-15);
    coverage_destroy(c);
}

typedef struct iv {
    double a, b;
} iv;

static int iv_cmp(const void *pa, const void *pb)
{
    const iv *x = pa, *y = pb;
    return (x->a > y->a) - (x->a < y->a);
}

/* Brute force: sort every interval of the cell, merge, measure within [from, to). */
static double union_fraction(iv *v, size_t n, double from, double to)
{
    qsort(v, n, sizeof *v, iv_cmp);
    double sum = 0, a = 0, b = -INFINITY;
    for (size_t k = 0; k <= n; k++) {
        if (k < n && v[k].a <= b) {
            if (v[k].b > b) b = v[k].b;
            continue;
        }
        if (b > a) {
            double lo = a > from ? a : from, hi = b < to ? b : to;
            if (hi > lo) sum += hi - lo;
        }
        if (k < n) {
            a = v[k].a;
            b = v[k].b;
        }
    }
    return sum / (to - from);
}

/* Several units, each visiting in time order, interleaved: the accumulator
 * against the brute force for random windows. */
static void test_presence_random(void)
{
    enum { UNITS = 4, STEPS = 500, CELLS = 2 };
    const double window_s = 3600;
    cell_map m = {hand_names, CELLS, hand_node_cell};
    coverage *c = coverage_create(&m, window_s);
    CHECK(c != NULL);
    if (!c) return;
    iv *all[CELLS];
    size_t n_all[CELLS] = {0};
    for (int k = 0; k < CELLS; k++)
        all[k] = malloc(UNITS * STEPS * sizeof(iv));
    double clock[UNITS] = {0};
    for (int s = 0; s < UNITS * STEPS; s++) {
        int u = (int)(rand_next() % UNITS);
        clock[u] += rand_unit() * 4 * window_s;
        uint32_t v = (uint32_t)(rand_next() % 5);
        double a = clock[u], b = a;
        if (rand_unit() < 0.3) b = a + rand_unit() * window_s; /* a stay */
        CHECK_EQ(b > a ? coverage_stay(c, v, a, b) : coverage_visit(c, v, a), 0);
        clock[u] = b;
        int32_t cell = hand_node_cell[v];
        if (cell >= 0) all[cell][n_all[cell]++] = (iv){a, b + window_s};
    }
    size_t bad = 0;
    double f[CELLS];
    double end = 0;
    for (int u = 0; u < UNITS; u++)
        end = clock[u] > end ? clock[u] : end;
    for (int k = 0; k < 200; k++) {
        double from = rand_unit() * end, to = from + rand_unit() * (end - from) + 1;
        if (k == 0) from = 0, to = end + window_s;
        coverage_fractions(c, from, to, f);
        for (int cell = 0; cell < CELLS; cell++) {
            double want = union_fraction(all[cell], n_all[cell], from, to);
            if (!(fabs(f[cell] - want) <= 1e-9) || f[cell] < 0 || f[cell] > 1) bad++;
        }
    }
    CHECK_EQ(bad, 0);
    coverage_fractions(c, 0, end + window_s, f);
    printf("random presence: %zu + %zu intervals, fractions %.3f and %.3f\n", n_all[0], n_all[1],
           f[0], f[1]);
    CHECK(f[0] > 0.05 && f[0] < 0.999); /* the test means something: gaps and cover */
    for (int k = 0; k < CELLS; k++)
        free(all[k]);
    coverage_destroy(c);
}

int main(void)
{
    net *g = town_load();
    CHECK(g != NULL);
    if (g) {
        CHECK_EQ(g->n_nodes, 12);
        test_cells_good(g);
        test_cells_bad(g);
        test_grid(g);
        net_destroy(g);
    }
    test_presence_hand();
    test_presence_random();
    return CHECK_DONE();
}
