/* diag.h - collected, compiler-style diagnostics for bad input.
 *
 * Input checking must report every problem, not just the first, in a form that
 * editors can jump to:
 *
 *     scenarios/city.cfg:42: units.[3].crew: must be >= 1 (got 0)
 *     scenarios/city/network.txt:17: edge: node 99 is not defined
 *
 * A diag collects such messages while a loader keeps going, then the caller
 * prints them all and fails. Where there is no line (a whole-file problem, a
 * --set override), line is 0 and the message reads "file: path: message".
 *
 * The diag owns copies of every string it is given. Not thread-safe; loaders
 * run before the workers start.
 */
#ifndef PATROLSIM_DIAG_H
#define PATROLSIM_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef struct diag diag;

diag *diag_create(void);  /* NULL when out of memory */
void diag_destroy(diag *d); /* NULL is a no-op */

/* Records an error. file may be NULL ("<input>"), path may be NULL or "" (no
 * field), line 0 means none. */
void diag_error(diag *d, const char *file, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void diag_verror(diag *d, const char *file, int line, const char *path, const char *fmt,
                 va_list ap);

size_t diag_count(const diag *d);              /* errors recorded so far */
const char *diag_message(const diag *d, size_t i); /* the i-th formatted message */

/* Prints every message, one per line, in the order recorded. */
void diag_print(const diag *d, FILE *out);

#endif
