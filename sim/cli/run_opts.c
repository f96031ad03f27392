/* run_opts.c - the options "patrolsim run" and "patrolsim sweep" share. See run_opts.h. */
#include "run_opts.h"

#include <stdlib.h>

#include "batch.h"

int run_opts_take(run_opts *o, int c, const char *arg, FILE *say, const char *who)
{
    char *end;
    switch (c) {
    case 'o':
        o->output = arg;
        return 0;
    case 'r':
        snprintf(o->reps_kv, sizeof o->reps_kv, "run.replications=%s", arg);
        return args_sets_add(&o->sets, o->reps_kv) ? -2 : 0;
    case 's':
        snprintf(o->seed_kv, sizeof o->seed_kv, "run.seed=%s", arg);
        return args_sets_add(&o->sets, o->seed_kv) ? -2 : 0;
    case 'S':
        return args_sets_add(&o->sets, arg) ? -2 : 0;
    case 'j':
        o->threads = (int)strtol(arg, &end, 10);
        if (!*end && o->threads >= 0 && o->threads <= 1024) return 0;
        if (say) fprintf(say, "%s: -j: expected a thread count 0..1024 (got '%s')\n", who, arg);
        return -1;
    case 'q':
        o->quiet = true;
        return 0;
    case 'R':
        o->resume = true;
        return 0;
    case 'P':
        if (!batch_parse_precision(arg, &o->precision, &o->relative)) return 0;
        if (say)
            fprintf(say,
                    "%s: --precision: expected a positive number of seconds or a percentage, "
                    "e.g. 5 or 1%% (got '%s')\n",
                    who, arg);
        return -1;
    default:
        return 1;
    }
}

/* The one global, as a signal handler needs: set by Ctrl-C or SIGTERM while catching. */
static volatile sig_atomic_t run_opts_stop;

static void run_opts_on_signal(int sig)
{
    (void)sig;
    run_opts_stop = 1;
}

volatile sig_atomic_t *run_opts_catch(struct sigaction old[2])
{
    struct sigaction sa = {.sa_handler = run_opts_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
    run_opts_stop = 0;
    return &run_opts_stop;
}

void run_opts_release(const struct sigaction old[2])
{
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
}
