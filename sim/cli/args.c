/* args.c - collecting --set overrides. See args.h. */
#include "args.h"

#include <stdlib.h>

int args_sets_add(args_sets *a, const char *kv)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 8;
        const char **p = realloc(a->kv, cap * sizeof *p);
        if (!p) return -1;
        a->kv = p;
        a->cap = cap;
    }
    a->kv[a->n++] = kv;
    return 0;
}

void args_sets_fini(args_sets *a)
{
    free(a->kv);
    a->kv = NULL;
    a->n = a->cap = 0;
}
