/* cmd_check.c - "patrolsim check SCENARIO [--set path=value]...": validate and describe. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "scenario.h"

static void check_usage(FILE *out)
{
    fprintf(out, "usage: patrolsim check SCENARIO [--set path=value]...\n"
                 "Checks a scenario file and its network without running it, reports every\n"
                 "problem as file:line: setting: message, and otherwise prints what it holds\n"
                 "(forces, network, expected calls, offered load against capacity).\n");
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"set", required_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'}, {0}};
    args_sets sets = {0};
    int c, rc = 2;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'S' && args_sets_add(&sets, optarg) == 0) continue;
        if (c == 'h') {
            check_usage(stdout);
            rc = 0;
        } else {
            check_usage(stderr);
        }
        goto out;
    }
    if (optind != argc - 1) {
        check_usage(stderr);
        goto out;
    }
    diag *d = diag_create();
    if (!d) {
        fprintf(stderr, "patrolsim: out of memory\n");
        rc = 1;
        goto out;
    }
    scenario *s = scen_load(argv[optind], sets.kv, sets.n, d);
    if (!s) {
        diag_print(d, stderr);
        fprintf(stderr, "patrolsim: %zu error%s in %s\n", diag_count(d),
                diag_count(d) == 1 ? "" : "s", argv[optind]);
    } else {
        scen_print_check(s, stdout);
        rc = 0;
    }
    scen_destroy(s);
    diag_destroy(d);
out:
    args_sets_fini(&sets);
    return rc;
}
