/* fuzz_results.c - libFuzzer harness for the results reader (results_read_summary) and the
 * summary report printed from what it read (`patrolsim summary`, text and JSON).
 *
 * Each input is a would-be results file. The reader must accept it or refuse it with a
 * message naming the file, without a crash, a leak or undefined behaviour in our code. HDF5
 * itself is not instrumented: the fuzzer finds our mistakes in handling what HDF5 returns,
 * and crashes inside HDF5 show up as crashes all the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "report.h"
#include "results.h"

static const char *h5_path;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_dir_init("fuzz_results");
    h5_path = fuzz_file("results.h5");
    devnull = fopen("/dev/null", "w");
    if (!devnull) exit(1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_write(h5_path, data, size)) return 0;
    results_summary s;
    char err[1024];
    int rc = results_read_summary(h5_path, &s, err, sizeof err);
    if (rc == RESULTS_OK) {
        report_info info = {.scenario = s.scenario_name, .source = h5_path, .seed = s.seed,
                            .replications_planned = s.replications_planned > 0
                                                        ? (size_t)s.replications_planned
                                                        : 0};
        report_print(devnull, &info, &s.m, s.rows, s.n_reps);
        info.source = NULL;
        report_print_json(devnull, &info, &s.m, s.rows, s.n_reps);
    } else if (strncmp(err, h5_path, strlen(h5_path)) != 0) {
        __builtin_trap(); /* a refusal names the file */
    }
    results_summary_fini(&s);
    return 0;
}
