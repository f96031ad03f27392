/* fuzz_net.c - libFuzzer harness for the network reader (net_load).
 *
 * Each input is a network file. Whatever it holds, net_load must return a net or NULL with
 * messages, without a crash, a leak or undefined behaviour; a net it returns must answer the
 * queries the rest of the program makes.
 */
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "fuzz_util.h"
#include "net.h"

static const char *net_path;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_dir_init("fuzz_net");
    net_path = fuzz_file("network.txt");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_write(net_path, data, size)) return 0;
    diag *d = diag_create();
    if (!d) return 0;
    net *g = net_load(net_path, d);
    if (g) {
        /* A loaded net is sound: every query works and agrees with the node table. */
        if (g->n_nodes == 0 || diag_count(d) != 0) __builtin_trap();
        for (size_t v = 0; v < g->n_nodes; v++)
            if (net_node_index(g, g->nodes[v].id) != (int32_t)v) __builtin_trap();
        uint32_t near = net_nearest_node(g, g->nodes[0].x_m, g->nodes[0].y_m);
        if (near >= g->n_nodes) __builtin_trap();
        for (size_t z = 0; z < g->n_zones; z++)
            if (net_zone_index(g, g->zone_names[z]) != (int32_t)z) __builtin_trap();
    } else if (diag_count(d) == 0) {
        __builtin_trap(); /* a failure must say why */
    }
    for (size_t i = 0; i < diag_count(d); i++) (void)diag_message(d, i);
    net_destroy(g);
    diag_destroy(d);
    return 0;
}
