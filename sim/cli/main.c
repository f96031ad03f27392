/* main.c - the patrolsim program: picks the subcommand. Only main() exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_command_line = "";

static void usage(FILE *out)
{
    fprintf(out,
            "usage: patrolsim <command> [options]\n"
            "\n"
            "commands:\n"
            "  run SCENARIO [-o OUT.h5] [-r REPS] [-s SEED] [-j THREADS] [--set path=value]...\n"
            "      [--resume] [--rep-range A:B] [--precision X[%%]]\n"
            "                       run Monte Carlo replications, print the summary, write results\n"
            "                       (under 'mpirun -np N' the replications spread over the ranks)\n"
            "  compare A.h5 B.h5 [--json] [--power D] [--strict]\n"
            "                       paired differences B - A with 95%% CIs (common random numbers)\n"
            "  sweep SCENARIO --vary 'path=v1,v2,...'... | --variants FILE [-o DIR] [run options]\n"
            "                       run variants of a scenario (same seed), one file each, a table\n"
            "  merge OUT.h5 SHARD.h5...\n"
            "                       join the shards of a run (run --rep-range) into one file\n"
            "  check SCENARIO [--set path=value]...\n"
            "                       validate a scenario without running it and describe it\n"
            "  summary FILE.h5 [--json]\n"
            "                       print the summary table of a results file\n"
            "  report FILE.h5 [MORE.h5 ...] [-o DIR]\n"
            "                       charts and a page (DIR/index.html) for planners\n"
            "  map import FILE.osm|FILE.osm.pbf -o NETWORK.txt [--places-out F] [--zones F]\n"
            "                       make a network file from an OpenStreetMap extract\n"
            "  fit HISTORY.csv [-o FRAGMENT.cfg] [--network NETWORK.txt]\n"
            "                       estimate the call model from past calls (a scenario fragment)\n"
            "  version              print the program version\n"
            "\n"
            "'patrolsim <command> --help' describes a command. Exit status: 0 success,\n"
            "1 failure while running, 2 bad input or usage.\n");
}

/* Joins argv into one string for the results file's command_line attribute. */
static char *join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 3;
    char *s = malloc(len), *p = s;
    if (!s) return NULL;
    for (int i = 0; i < argc; i++) {
        int quote = strchr(argv[i], ' ') != NULL;
        p += sprintf(p, "%s%s%s%s", i ? " " : "", quote ? "'" : "", argv[i], quote ? "'" : "");
    }
    *p = 0;
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    char *cmdline = join_args(argc, argv);
    if (cmdline) cli_command_line = cmdline;
    const char *cmd = argv[1];
    int rc;
    if (strcmp(cmd, "run") == 0)
        rc = cmd_run(argc - 1, argv + 1);
    else if (strcmp(cmd, "check") == 0)
        rc = cmd_check(argc - 1, argv + 1);
    else if (strcmp(cmd, "summary") == 0)
        rc = cmd_summary(argc - 1, argv + 1);
    else if (strcmp(cmd, "compare") == 0)
        rc = cmd_compare(argc - 1, argv + 1);
    else if (strcmp(cmd, "sweep") == 0)
        rc = cmd_sweep(argc - 1, argv + 1);
    else if (strcmp(cmd, "merge") == 0)
        rc = cmd_merge(argc - 1, argv + 1);
    else if (strcmp(cmd, "report") == 0)
        rc = cmd_report(argc - 1, argv + 1);
    else if (strcmp(cmd, "map") == 0)
        rc = cmd_map(argc - 1, argv + 1);
    else if (strcmp(cmd, "fit") == 0)
        rc = cmd_fit(argc - 1, argv + 1);
    else if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("patrolsim %s (%s)\n", PATROLSIM_VERSION, PATROLSIM_GIT_REV);
        rc = 0;
    } else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        rc = 0;
    } else {
        fprintf(stderr, "patrolsim: unknown command '%s'\n\n", cmd);
        usage(stderr);
        rc = 2;
    }
    free(cmdline);
    return rc;
}
