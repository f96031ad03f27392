/* progress.h - how far a long command has come, on stderr.
 *
 * On a terminal: one line redrawn in place (at most ten times a second), with a bar, the
 * replications done of the total, the rate and the time left:
 *     ziliujing [##########..........]  52/100 reps  57.3 reps/s  ~1 s left
 * The last drawing stays on screen with the elapsed time. Elsewhere (a log file, a pipe, a
 * batch job's output): a plain line every 5 seconds at most, and nothing at all for a command
 * that ends sooner, so short runs and tests print nothing.
 *
 * The rate counts only replications run by this command (those read back by --resume were
 * not), so the time left is honest. A progress is caller-owned memory; nothing allocates.
 */
#ifndef PATROLSIM_PROGRESS_H
#define PATROLSIM_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

typedef struct progress {
    FILE *out;
    bool enabled; /* false: every call is a no-op */
    bool tty;     /* redraw in place, else sparse lines */
    char label[64];
    size_t total; /* replications the command may run, resumed ones included */
    size_t start; /* replications done before this command (resumed) */
    size_t done;
    struct timespec t0, last; /* start, and the last drawing or line */
    bool drawn;               /* something is on the current line (tty) */
} progress;

/* Starts counting: total replications, of which already_done were done before. enabled false
 * makes a silent progress (-q, or a rank other than 0). */
void progress_begin(progress *p, FILE *out, bool enabled, const char *label, size_t total,
                    size_t already_done);

/* Reports that done replications (resumed ones included) are finished. */
void progress_update(progress *p, size_t done);

/* Ends the line on a terminal (with the elapsed time); nothing elsewhere. */
void progress_end(progress *p);

#endif
