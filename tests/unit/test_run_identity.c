/* test_run_identity.c - what makes two results files the same run: results_overrides_key.
 *
 * Resume, merge, the ranks of an MPI job and sweep --resume all decide "same run" by the seed,
 * the scenario text, the input hashes and the overrides in this canonical form, so its rules
 * are pinned here: a later --set of a path wins, order does not matter otherwise, and the
 * settings that change a run's length but not what any replication holds are left out.
 */
#include "check.h"
#include "results.h"

#include <stdlib.h>

static void expect_key(const char *overrides, const char *want)
{
    char *k = results_overrides_key(overrides);
    CHECK_STR(k, want);
    free(k);
}

int main(void)
{
    expect_key(NULL, "");
    expect_key("", "");
    expect_key("run.seed=7\n", "run.seed=7\n");
    /* Sorted by path: the order of --set options does not make another run. */
    expect_key("units.b.count=2\nrun.horizon_days=3\n", "run.horizon_days=3\nunits.b.count=2\n");
    /* A later --set of the same path wins, as in the scenario loader. */
    expect_key("units.b.count=2\nrun.seed=1\nunits.b.count=5\n", "run.seed=1\nunits.b.count=5\n");
    /* -r and -j change how long a run is and how it is computed, not its replications. */
    expect_key("run.replications=30\nrun.threads=4\nrun.seed=9\n", "run.seed=9\n");
    expect_key("run.replications=30\n", "");
    /* Spaces around the path (--set 'run.seed = 9') name the same path. */
    char *a = results_overrides_key("run.seed=9\n units.x.count=1\n");
    char *b = results_overrides_key("units.x.count=1\nrun.seed=9\n");
    CHECK(a && b);
    if (a && b) CHECK_STR(a, b);
    free(a);
    free(b);
    /* Different values stay different. */
    a = results_overrides_key("units.x.count=1\n");
    b = results_overrides_key("units.x.count=2\n");
    CHECK(a && b && strcmp(a, b) != 0);
    free(a);
    free(b);
    return CHECK_DONE();
}
