/* diag.c - a growable list of formatted messages. See diag.h. */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

struct diag {
    char **msg;   /* formatted messages, owned */
    size_t n;     /* how many */
    size_t cap;   /* allocated slots */
    int oom;      /* set when a message could not be stored */
};

diag *diag_create(void)
{
    return calloc(1, sizeof(diag));
}

void diag_destroy(diag *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) free(d->msg[i]);
    free(d->msg);
    free(d);
}

void diag_verror(diag *d, const char *file, int line, const char *path, const char *fmt,
                 va_list ap)
{
    char body[1024], head[512];
    vsnprintf(body, sizeof body, fmt, ap);
    if (!file) file = "<input>";
    if (line > 0)
        snprintf(head, sizeof head, "%s:%d: ", file, line);
    else
        snprintf(head, sizeof head, "%s: ", file);
    size_t len = strlen(head) + (path ? strlen(path) : 0) + strlen(body) + 4;
    char *m = malloc(len);
    if (!m) goto oom;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        char **grown = realloc(d->msg, cap * sizeof *grown);
        if (!grown) goto oom;
        d->msg = grown;
        d->cap = cap;
    }
    snprintf(m, len, "%s%s%s%s", head, path && *path ? path : "", path && *path ? ": " : "",
             body);
    d->msg[d->n++] = m;
    return;
oom:
    free(m);
    d->oom = 1;
}

void diag_error(diag *d, const char *file, int line, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(d, file, line, path, fmt, ap);
    va_end(ap);
}

size_t diag_count(const diag *d)
{
    return d->n + (size_t)d->oom;
}

const char *diag_message(const diag *d, size_t i)
{
    return i < d->n ? d->msg[i] : "out of memory while recording an error";
}

void diag_print(const diag *d, FILE *out)
{
    for (size_t i = 0; i < diag_count(d); i++) fprintf(out, "%s\n", diag_message(d, i));
}
