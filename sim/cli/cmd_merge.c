/* cmd_merge.c - `patrolsim merge OUT.h5 SHARD.h5...`: the shards of one run into one file.
 *
 * Shards come from `patrolsim run ... --rep-range A:B` (a job array, or runs on machines that
 * share no MPI job). The merged file is the file one run would have written: the same static
 * tables and attributes, the same rows in replication order (results_merge), plus merged_from
 * and merged_command_line. Everything wrong is reported before anything is written: a shard of
 * another scenario, seed, override set or replication count; an incomplete shard; a
 * replication held by two shards or by none. Exit status 2 for those, 1 for I/O failures.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "results.h"

static void merge_usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim merge OUT.h5 SHARD.h5 [SHARD.h5...]\n"
            "\n"
            "Joins the shards of one run (written by 'patrolsim run ... --rep-range A:B') into\n"
            "OUT.h5, which then holds what a single run would have written. Every shard must be\n"
            "complete and of the same scenario, overrides, seed and replication count (-r), and\n"
            "together they must hold each replication exactly once; the shards may be given in\n"
            "any order.\n");
}

int cmd_merge(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        merge_usage(stdout);
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "patrolsim merge: needs the output file and at least one shard\n");
        merge_usage(stderr);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-') {
            fprintf(stderr, "patrolsim merge: unknown option '%s'\n", argv[i]);
            merge_usage(stderr);
            return 2;
        }
    const char *out = argv[1];
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], out) == 0) {
            fprintf(stderr, "patrolsim merge: %s is both the output and a shard\n", out);
            return 2;
        }
    char err[8192];
    results_meta meta = {PATROLSIM_VERSION, PATROLSIM_GIT_REV, cli_command_line};
    int rc = results_merge(out, (const char *const *)(argv + 2), (size_t)(argc - 2), &meta, err,
                           sizeof err);
    if (rc) {
        /* One problem per line, each naming its file(s). */
        for (char *save = NULL, *l = strtok_r(err, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
            fprintf(stderr, "patrolsim merge: %s\n", l);
        fprintf(stderr, "patrolsim merge: nothing written\n");
        return rc == RESULTS_EMISMATCH || rc == RESULTS_EFORMAT ? 2 : 1;
    }
    results_summary s;
    if (results_read_summary(out, &s, err, sizeof err) == 0)
        printf("%s: %zu replications of %s (seed %llu) from %d shard%s\n", out, s.n_reps,
               s.scenario_name, (unsigned long long)s.seed, argc - 2, argc == 3 ? "" : "s");
    results_summary_fini(&s);
    return 0;
}
