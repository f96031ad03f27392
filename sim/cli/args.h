/* args.h - the options shared by the subcommands that load a scenario.
 *
 * "--set path=value" may be given any number of times (also as "--set=path=value");
 * they are collected in order for scen_load. Other options are each command's own.
 */
#ifndef PATROLSIM_ARGS_H
#define PATROLSIM_ARGS_H

#include <stddef.h>

typedef struct args_sets {
    const char **kv; /* "path=value" strings, borrowed from argv or owned literals */
    size_t n, cap;
} args_sets;

/* Appends one override; 0, or -1 when out of memory. */
int args_sets_add(args_sets *a, const char *kv);
void args_sets_fini(args_sets *a);

#endif
