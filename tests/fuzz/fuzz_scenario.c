/* fuzz_scenario.c - libFuzzer harness for the scenario loader (scen_load, --set overrides,
 * scen_print_check).
 *
 * Each input is a scenario file, written to <scratch>/scen/input.cfg. Its lines of the form
 * "# set: path=value" (the convention of the bad-input cases in tests/data/bad) are also passed as --set
 * overrides, so the override parser is fuzzed with the file. The networks it may reference
 * are fixed small files: ../net/small.txt and ../net/small-places.txt (what the test
 * scenarios use), grid.txt (tests/data/model), and ziliujing/network.txt and places.txt (the
 * default scenario's names, holding the small network: the real map would make every input
 * that loads spend its time building travel tables).
 *
 * Whatever the input, scen_load must return a scenario or NULL with messages, without a
 * crash, a leak, a hang or undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fuzz_util.h"
#include "scenario.h"

#define MAX_OVERRIDES 8

static const char *scen_path;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_dir_init("fuzz_scenario");
    fuzz_subdir("scen");
    fuzz_subdir("net");
    fuzz_subdir("scen/ziliujing");
    const char *data = PSIM_TEST_DATA;
    char from[600];
    snprintf(from, sizeof from, "%s/net/small.txt", data);
    fuzz_copy(from, fuzz_file("net/small.txt"));
    fuzz_copy(from, fuzz_file("scen/ziliujing/network.txt"));
    snprintf(from, sizeof from, "%s/net/small-places.txt", data);
    fuzz_copy(from, fuzz_file("net/small-places.txt"));
    fuzz_copy(from, fuzz_file("scen/ziliujing/places.txt"));
    snprintf(from, sizeof from, "%s/model/grid.txt", data);
    fuzz_copy(from, fuzz_file("scen/grid.txt"));
    scen_path = fuzz_file("scen/input.cfg");
    devnull = fopen("/dev/null", "w");
    if (!devnull) exit(1);
    return 0;
}

/* Collects the "# set: path=value" lines of text (NUL-terminated, modified) into ov. */
static size_t collect_overrides(char *text, const char **ov)
{
    size_t n = 0;
    for (char *line = text; line && n < MAX_OVERRIDES;) {
        char *next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (strncmp(line, "# set: ", 7) == 0) ov[n++] = line + 7;
        line = next;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_write(scen_path, data, size)) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *ov[MAX_OVERRIDES];
    size_t n_ov = collect_overrides(text, ov);

    diag *d = diag_create();
    if (d) {
        scenario *s = scen_load(scen_path, ov, n_ov, d);
        if (s) {
            if (diag_count(d) != 0) __builtin_trap();
            scen_print_check(s, devnull);
        } else if (diag_count(d) == 0) {
            __builtin_trap(); /* a failure must say why */
        }
        diag_print(d, devnull);
        scen_destroy(s);
        diag_destroy(d);
    }
    free(text);
    return 0;
}
