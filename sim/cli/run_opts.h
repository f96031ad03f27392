/* run_opts.h - what "patrolsim run" and "patrolsim sweep" share: the options -o, -r, -s, -j,
 * --set, -q, --resume and --precision, and stopping on Ctrl-C.
 *
 * Each command lists RUN_OPTS_LONG among its long options, keeps its own getopt_long loop over
 * RUN_OPTS_SHORT and hands what it does not take itself to run_opts_take. -r and -s become the
 * overrides run.replications and run.seed in sets, pointing into the struct, which therefore
 * must not move while sets is in use.
 */
#ifndef PATROLSIM_RUN_OPTS_H
#define PATROLSIM_RUN_OPTS_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "args.h"

#define RUN_OPTS_SHORT "o:r:s:j:qh"
#define RUN_OPTS_LONG                                                                          \
    {"output", required_argument, NULL, 'o'}, {"reps", required_argument, NULL, 'r'},           \
        {"seed", required_argument, NULL, 's'}, {"threads", required_argument, NULL, 'j'},      \
        {"set", required_argument, NULL, 'S'}, {"quiet", no_argument, NULL, 'q'},               \
        {"resume", no_argument, NULL, 'R'}, {"precision", required_argument, NULL, 'P'},        \
        {"help", no_argument, NULL, 'h'}

typedef struct run_opts {
    args_sets sets;     /* --set in order, -r and -s among them; free with args_sets_fini */
    const char *output; /* -o: a file (run) or a directory (sweep); NULL when not given */
    int threads;        /* -j: 0..1024; start it at -1 for "not given" */
    bool quiet, resume; /* -q, --resume */
    double precision;   /* --precision: the CI half-width wanted (0: not given) ... */
    bool relative;      /* ... as a fraction of the mean */
    char reps_kv[64], seed_kv[64];
} run_opts;

/* Takes option c of getopt_long with its argument (optarg): 0 when taken, 1 when c is none of
 * these, -1 for a bad argument (said on say, when not NULL, after "who: "), -2 out of memory. */
int run_opts_take(run_opts *o, int c, const char *arg, FILE *say, const char *who);

/* Ctrl-C and SIGTERM ask for a stop after the replications in progress: run_opts_catch installs
 * the handler (the old ones into old), clears the flag and returns it for batch_opts.stop;
 * run_opts_release puts the old handlers back. */
volatile sig_atomic_t *run_opts_catch(struct sigaction old[2]);
void run_opts_release(const struct sigaction old[2]);

#endif
