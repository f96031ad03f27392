/* test_net.c - net_load on small good and bad networks.
 *
 * Each case writes its network to a temporary file, loads it, and checks the
 * result: counts, ids, zones, the CSR indices and one-way handling for good
 * files; for bad files, that every problem is reported at its own file:line
 * with the right field, and that a file with many problems gets them all.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "net.h"

/* Writes text to a fresh temporary file; the name goes into path[64]. */
static void temp_write(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/test_net_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        exit(1);
    }
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/* Loads text as a network; the diag is returned in *d (caller destroys). */
static net *text_load(const char *text, char path[64], diag **d)
{
    temp_write(path, text);
    *d = diag_create();
    net *g = net_load(path, *d);
    return g;
}

/* True when some message starts with "<path>:<line>: <rest>" (line 0: "<path>: <rest>")
 * where rest is matched as a prefix, and also contains `also` when given. */
static bool diag_has(const diag *d, const char *path, int line, const char *rest,
                     const char *also)
{
    char head[256];
    if (line > 0)
        snprintf(head, sizeof head, "%s:%d: %s", path, line, rest);
    else
        snprintf(head, sizeof head, "%s: %s", path, rest);
    for (size_t i = 0; i < diag_count(d); i++) {
        const char *m = diag_message(d, i);
        if (strncmp(m, head, strlen(head)) == 0 && (!also || strstr(m, also))) return true;
    }
    fprintf(stderr, "  no message \"%s...\"%s%s%s; got:\n", head, also ? " with \"" : "",
            also ? also : "", also ? "\"" : "");
    diag_print(d, stderr);
    return false;
}

static void test_good(void)
{
    const char *text = "# a small town\n"
                       "\n"
                       "patrolsim-network 1   # the header\n"
                       "class main 13.9 1.4\n"
                       "class lane 4.2 1.3\n"
                       "node 10 0 0 North\n"
                       "node -3 100 0 North\n"
                       "node 7 100 100 South\n"
                       "node 99 0 100\n"
                       "\t node 5 50 -20 South  \n"
                       "road 10 -3 100 main\n"
                       "road -3 7 105.5 lane 5.5 1.1\n"
                       "edge 7 99 100 lane\n"
                       "edge 99 10 120 main\n"
                       "road 5 10 60 lane\n";
    char path[64];
    diag *d;
    net *g = text_load(text, path, &d);
    CHECK(g != NULL);
    CHECK_EQ(diag_count(d), 0);
    if (!g) {
        diag_print(d, stderr);
        diag_destroy(d);
        unlink(path);
        return;
    }
    CHECK_STR(g->path, path);
    CHECK_EQ(g->n_nodes, 5);
    CHECK_EQ(g->n_edges, 8);
    CHECK_EQ(g->n_classes, 2);
    CHECK_STR(g->class_names[0], "main");
    CHECK_STR(g->class_names[1], "lane");
    /* Nodes keep file order. */
    CHECK_EQ(g->nodes[0].id, 10);
    CHECK_EQ(g->nodes[1].id, -3);
    CHECK_EQ(g->nodes[4].id, 5);
    CHECK_NEAR(g->nodes[4].y_m, -20, 0);
    CHECK_EQ(net_node_index(g, 10), 0);
    CHECK_EQ(net_node_index(g, -3), 1);
    CHECK_EQ(net_node_index(g, 7), 2);
    CHECK_EQ(net_node_index(g, 99), 3);
    CHECK_EQ(net_node_index(g, 5), 4);
    CHECK_EQ(net_node_index(g, 6), -1);
    CHECK_EQ(net_node_index(g, 1000), -1);
    CHECK_EQ(net_node_index(g, -1000), -1);
    /* Zones in order of first appearance; a node without one has -1. */
    CHECK_EQ(g->n_zones, 2);
    CHECK_STR(g->zone_names[0], "North");
    CHECK_STR(g->zone_names[1], "South");
    CHECK_EQ(g->nodes[0].zone, 0);
    CHECK_EQ(g->nodes[2].zone, 1);
    CHECK_EQ(g->nodes[3].zone, -1);
    CHECK_EQ(net_zone_index(g, "South"), 1);
    CHECK_EQ(net_zone_index(g, "West"), -1);
    /* Bounding box. */
    CHECK_NEAR(g->min_x_m, 0, 0);
    CHECK_NEAR(g->max_x_m, 100, 0);
    CHECK_NEAR(g->min_y_m, -20, 0);
    CHECK_NEAR(g->max_y_m, 100, 0);
    /* Edges sorted by (from, to); the one-way edges exist in one direction only. */
    for (size_t i = 1; i < g->n_edges; i++) {
        const net_edge *a = &g->edges[i - 1], *b = &g->edges[i];
        CHECK(a->from < b->from || (a->from == b->from && a->to <= b->to));
    }
    uint32_t n10 = 0, nm3 = 1, n7 = 2, n99 = 3, n5 = 4;
    int found_7_99 = 0, found_99_7 = 0, found_99_10 = 0, found_10_99 = 0;
    for (size_t i = 0; i < g->n_edges; i++) {
        const net_edge *e = &g->edges[i];
        if (e->from == n7 && e->to == n99) found_7_99++;
        if (e->from == n99 && e->to == n7) found_99_7++;
        if (e->from == n99 && e->to == n10) found_99_10++;
        if (e->from == n10 && e->to == n99) found_10_99++;
        if (e->from == nm3 && e->to == n7) {
            /* Per-edge speeds override the class. */
            CHECK_NEAR(e->speed_mps[NET_VEHICLE], 5.5, 0);
            CHECK_NEAR(e->speed_mps[NET_FOOT], 1.1, 0);
            CHECK_NEAR(e->length_m, 105.5, 0);
            CHECK_EQ(e->cls, 1);
        }
        if (e->from == n10 && e->to == nm3) {
            CHECK_NEAR(e->speed_mps[NET_VEHICLE], 13.9, 0);
            CHECK_NEAR(e->speed_mps[NET_FOOT], 1.4, 0);
            CHECK_EQ(e->cls, 0);
        }
    }
    CHECK_EQ(found_7_99, 1);
    CHECK_EQ(found_99_7, 0);
    CHECK_EQ(found_99_10, 1);
    CHECK_EQ(found_10_99, 0);
    /* CSR: every edge appears once in its tail's out-list and its head's in-list. */
    CHECK_EQ(g->out_start[0], 0);
    CHECK_EQ(g->out_start[g->n_nodes], g->n_edges);
    CHECK_EQ(g->in_start[g->n_nodes], g->n_edges);
    size_t seen_out = 0, seen_in = 0;
    for (uint32_t v = 0; v < g->n_nodes; v++) {
        for (uint32_t k = g->out_start[v]; k < g->out_start[v + 1]; k++) {
            CHECK_EQ(g->edges[g->out_edge[k]].from, v);
            seen_out++;
        }
        for (uint32_t k = g->in_start[v]; k < g->in_start[v + 1]; k++) {
            CHECK_EQ(g->edges[g->in_edge[k]].to, v);
            seen_in++;
        }
    }
    CHECK_EQ(seen_out, g->n_edges);
    CHECK_EQ(seen_in, g->n_edges);
    /* Node 10 (index 0): out to -3 and 5; in from -3, 99 and 5. */
    CHECK_EQ(g->out_start[n10 + 1] - g->out_start[n10], 2);
    CHECK_EQ(g->in_start[n10 + 1] - g->in_start[n10], 3);
    CHECK_EQ(g->out_start[n5 + 1] - g->out_start[n5], 1);
    CHECK_EQ(net_nearest_node(g, 95, 98), n7);
    CHECK_EQ(net_nearest_node(g, 60, -1e3), n5);
    CHECK_STR(net_mode_name(NET_VEHICLE), "vehicle");
    CHECK_STR(net_mode_name(NET_FOOT), "foot");
    CHECK_EQ(net_mode_parse("vehicle"), NET_VEHICLE);
    CHECK_EQ(net_mode_parse("foot"), NET_FOOT);
    CHECK_EQ(net_mode_parse("bicycle"), -1);
    net_destroy(g);
    net_destroy(NULL);
    diag_destroy(d);
    unlink(path);
}

/* A single node is a (trivially connected) network; parallel edges are kept. */
static void test_small_cases(void)
{
    char path[64];
    diag *d;
    net *g = text_load("patrolsim-network 1\nnode 1 0 0\n", path, &d);
    CHECK(g != NULL);
    if (g) CHECK_EQ(g->n_edges, 0);
    net_destroy(g);
    diag_destroy(d);
    unlink(path);

    g = text_load("patrolsim-network 1\nclass a 10 1\nclass b 5 1\nnode 1 0 0\nnode 2 0 50\n"
                  "road 1 2 80 b\nroad 1 2 50 a\n",
                  path, &d);
    CHECK(g != NULL);
    if (g) {
        CHECK_EQ(g->n_edges, 4);
        /* Equal (from, to): file order decides. */
        CHECK_EQ(g->edges[0].cls, 1);
        CHECK_EQ(g->edges[1].cls, 0);
    }
    net_destroy(g);
    diag_destroy(d);
    unlink(path);
}

/* One file, one problem per line; every one must be reported at its line. */
static void test_bad_all_reported(void)
{
    const char *text = "patrolsim-network 1\n"                 /* 1 */
                       "class street 8.3 1.3\n"                /* 2 */
                       "class street 9 1\n"                    /* 3 duplicate class */
                       "class fast 80 1.3\n"                   /* 4 speed > 70 */
                       "class none 0 0\n"                      /* 5 no mode */
                       "node 1 0 0 A\n"                        /* 6 */
                       "node 2 100 0 A\n"                      /* 7 */
                       "node 1 5 5\n"                          /* 8 duplicate node */
                       "node 3 nan 0\n"                        /* 9 non-finite */
                       "node 4 0 inf\n"                        /* 10 non-finite */
                       "node 5 2e7 0\n"                        /* 11 absurd coordinate */
                       "node 6 abc 0\n"                        /* 12 not a number */
                       "node 7.5 0 0\n"                        /* 13 id not an integer */
                       "road 1 2 0 street\n"                   /* 14 zero length */
                       "road 1 2 -5 street\n"                  /* 15 negative length */
                       "road 1 2 90 street\n"                  /* 16 shorter than 100 m line */
                       "road 1 77 100 street\n"                /* 17 undefined node */
                       "edge 2 2 10 street\n"                  /* 18 self-loop */
                       "road 1 2 100 avenue\n"                 /* 19 unknown class */
                       "road 1 2 100 street 5\n"               /* 20 field count */
                       "bridge 1 2\n"                          /* 21 unknown record */
                       "road 1 2 100 street -1 1.3\n"          /* 22 negative speed */
                       "road 1 2 1e999 street\n"               /* 23 overflow: non-finite */
                       "node 8\n"                              /* 24 field count */
                       "edge 1 99 100 street\n"                /* 25 undefined 'to' */
                       "road 1 2 100 street 0 0\n"             /* 26 both speeds 0 */
                       "node 9 0 1e7\n"                        /* 27 fine: exactly the limit */
                       "road 1 2 99.5 street\n"                /* 28 fine: within 1% */
                       "road 1 2 100 street\n";                /* 29 fine */
    char path[64];
    diag *d;
    net *g = text_load(text, path, &d);
    CHECK(g == NULL);
    CHECK(diag_has(d, path, 3, "class.name: class 'street' is already defined", NULL));
    CHECK(diag_has(d, path, 4, "class.vehicle_mps: must be in [0, 70] m/s (got 80)", NULL));
    CHECK(diag_has(d, path, 5, "class: class 'none' is usable by no mode", NULL));
    CHECK(diag_has(d, path, 8, "node.id: node 1 is already defined", NULL));
    CHECK(diag_has(d, path, 9, "node.x_m: must be a finite number (got 'nan')", NULL));
    CHECK(diag_has(d, path, 10, "node.y_m: must be a finite number (got 'inf')", NULL));
    CHECK(diag_has(d, path, 11, "node.x_m: |coordinate| must be <= ", NULL));
    CHECK(diag_has(d, path, 12, "node.x_m: not a number: 'abc'", NULL));
    CHECK(diag_has(d, path, 13, "node.id: node ids are integers (got '7.5')", NULL));
    CHECK(diag_has(d, path, 14, "road.length_m: must be > 0 m (got 0)", NULL));
    CHECK(diag_has(d, path, 15, "road.length_m: must be > 0 m (got -5)", NULL));
    CHECK(diag_has(d, path, 16, "road.length_m: 90 m is shorter than the straight line",
                   "(100.0 m)"));
    CHECK(diag_has(d, path, 17, "road.b: node 77 is not defined", "defined before"));
    CHECK(diag_has(d, path, 18, "edge.to: both ends are node 2 (a self-loop)", NULL));
    CHECK(diag_has(d, path, 19, "road.class: unknown class 'avenue'", NULL));
    CHECK(diag_has(d, path, 20, "road: expected <a> <b> <length_m> <class>", "got 5 fields"));
    CHECK(diag_has(d, path, 21, "unknown record 'bridge'", NULL));
    CHECK(diag_has(d, path, 22, "road.vehicle_mps: must be in [0, 70] m/s (got -1)", NULL));
    CHECK(diag_has(d, path, 23, "road.length_m: must be a finite number (got '1e999')", NULL));
    CHECK(diag_has(d, path, 24, "node: expected <id> <x_m> <y_m> [<zone>] (got 1 field)", NULL));
    CHECK(diag_has(d, path, 25, "edge.to: node 99 is not defined", NULL));
    CHECK(diag_has(d, path, 26, "road: usable by no mode (both speeds are 0)", NULL));
    /* Exactly these 22 and nothing for the good lines, nor for node 3's roads etc. */
    CHECK_EQ(diag_count(d), 22);
    for (size_t i = 0; i < diag_count(d); i++) {
        char tail[32];
        for (int line = 27; line <= 29; line++) {
            snprintf(tail, sizeof tail, ":%d: ", line);
            CHECK(strstr(diag_message(d, i), tail) == NULL);
        }
    }
    diag_destroy(d);
    unlink(path);
}

static void test_bad_header(void)
{
    char path[64];
    diag *d;
    net *g = text_load("# comment\npatrolsim-network 2\nnode 1 0 0\n", path, &d);
    CHECK(g == NULL);
    CHECK(diag_has(d, path, 2, "header: this program reads version 1 of the network format",
                   "'patrolsim-network 1'"));
    CHECK_EQ(diag_count(d), 1);
    diag_destroy(d);
    unlink(path);

    /* A missing header over real records: say so, and go on checking the records. */
    g = text_load("\nnode 1 0 0\nnode 1 0 0\n", path, &d);
    CHECK(g == NULL);
    CHECK(diag_has(d, path, 2, "header: the first record must be the header "
                               "'patrolsim-network 1'", "(got 'node')"));
    CHECK(diag_has(d, path, 3, "node.id: node 1 is already defined", NULL));
    CHECK_EQ(diag_count(d), 2);
    diag_destroy(d);
    unlink(path);

    /* Not a network file at all: one message, not one per line. */
    g = text_load("hello world\nfoo bar\nbaz\n", path, &d);
    CHECK(g == NULL);
    CHECK(diag_has(d, path, 1, "header: the first record must be the header", NULL));
    CHECK_EQ(diag_count(d), 1);
    diag_destroy(d);
    unlink(path);

    g = text_load("# nothing\n\n", path, &d);
    CHECK(g == NULL);
    CHECK(diag_has(d, path, 0, "header: the file has no records", NULL));
    CHECK_EQ(diag_count(d), 1);
    diag_destroy(d);
    unlink(path);

    g = text_load("patrolsim-network 1\nclass a 1 1\n", path, &d);
    CHECK(g == NULL);
    CHECK(diag_has(d, path, 0, "the network is empty", NULL));
    diag_destroy(d);
    unlink(path);

    d = diag_create();
    CHECK(net_load("/nonexistent/network.txt", d) == NULL);
    CHECK(diag_has(d, "/nonexistent/network.txt", 0, "cannot open the network file", NULL));
    diag_destroy(d);
}

static void test_disconnected(void)
{
    /* Nodes 101, 102, 340 form an island joined to the rest by a one-way edge:
     * reachable from the main part but unable to return. */
    const char *text = "patrolsim-network 1\n"
                       "class s 10 1.3\n"
                       "node 1 0 0\nnode 2 100 0\nnode 101 0 100\nnode 3 200 0\n"
                       "node 102 100 100\nnode 340 200 100\n"
                       "road 1 2 100 s\nroad 2 3 100 s\nroad 3 1 200 s\n"
                       "road 101 102 100 s\nroad 102 340 100 s\n"
                       "edge 1 101 100 s\n";
    char path[64];
    diag *d;
    net *g = text_load(text, path, &d);
    CHECK(g == NULL);
    CHECK(diag_has(d, path, 0, "vehicle: 3 nodes cannot be reached from (or cannot reach) the "
                               "rest; first: 101, 102, 340 ", NULL));
    CHECK(diag_has(d, path, 0, "foot: 3 nodes cannot be reached", "first: 101, 102, 340 "));
    CHECK_EQ(diag_count(d), 2);
    diag_destroy(d);
    unlink(path);

    /* Connected by car, but a motorway (foot speed 0) is the only way to node 4. */
    text = "patrolsim-network 1\n"
           "class s 10 1.3\nclass motorway 30 0\n"
           "node 1 0 0\nnode 2 100 0\nnode 3 100 100\nnode 4 5000 0\n"
           "road 1 2 100 s\nroad 2 3 100 s\nroad 3 1 150 s\nroad 2 4 4900 motorway\n";
    g = text_load(text, path, &d);
    CHECK(g == NULL);
    CHECK(diag_has(d, path, 0, "foot: 1 node cannot be reached from (or cannot reach) the rest;"
                               " first: 4 ", NULL));
    CHECK_EQ(diag_count(d), 1);
    diag_destroy(d);
    unlink(path);

    /* A long chain: the SCC pass must not recurse (this would overflow a recursive one
     * with a small stack) and must find the chain connected. */
    size_t n = 300000;
    size_t cap = 64 + n * 64;
    char *big = malloc(cap);
    size_t len = (size_t)snprintf(big, cap, "patrolsim-network 1\nclass s 10 1.3\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(big + len, cap - len, "node %zu %zu 0\n", i, i * 10);
    for (size_t i = 0; i + 1 < n; i++)
        len += (size_t)snprintf(big + len, cap - len, "road %zu %zu 10 s\n", i, i + 1);
    g = text_load(big, path, &d);
    CHECK(g != NULL);
    if (g) CHECK_EQ(g->n_edges, 2 * (n - 1));
    net_destroy(g);
    diag_destroy(d);
    unlink(path);
    free(big);
}

static void test_too_many_errors(void)
{
    size_t cap = 200 * 32 + 64;
    char *text = malloc(cap);
    size_t len = (size_t)snprintf(text, cap, "patrolsim-network 1\n");
    for (int i = 0; i < 200; i++) len += (size_t)snprintf(text + len, cap - len, "node x 0 0\n");
    char path[64];
    diag *d;
    net *g = text_load(text, path, &d);
    CHECK(g == NULL);
    CHECK_EQ(diag_count(d), 101);
    CHECK(diag_has(d, path, 101, "too many errors (100); stopped reading here", NULL));
    diag_destroy(d);
    unlink(path);
    free(text);
}

int main(void)
{
    test_good();
    test_small_cases();
    test_bad_all_reported();
    test_bad_header();
    test_disconnected();
    test_too_many_errors();
    return CHECK_DONE();
}
