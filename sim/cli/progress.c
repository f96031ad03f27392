/* progress.c - the progress bar and its plain-text twin. See progress.h. */
#include "progress.h"

#include <string.h>
#include <unistd.h>

#define PROGRESS_BAR    20
#define PROGRESS_TTY_S  0.1 /* redraw period on a terminal */
#define PROGRESS_LINE_S 5.0 /* line period elsewhere */

static double progress_since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

/* "1:05", "12 s": the time left, for humans. */
static void progress_duration(char *buf, size_t len, double s)
{
    if (!(s >= 0) || s > 1e7)
        snprintf(buf, len, "?");
    else if (s < 60)
        snprintf(buf, len, "%.0f s", s);
    else if (s < 3600)
        snprintf(buf, len, "%d:%02d", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, len, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60) % 60, (int)s % 60);
}

void progress_begin(progress *p, FILE *out, bool enabled, const char *label, size_t total,
                    size_t already_done)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->enabled = enabled && out;
    p->tty = p->enabled && isatty(fileno(out));
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
    p->total = total;
    p->start = p->done = already_done;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    p->last = p->t0;
}

/* Rate (replications per second run now) and time left, from the elapsed time. */
static void progress_rate(const progress *p, double el, double *rate, double *left)
{
    size_t now = p->done > p->start ? p->done - p->start : 0;
    *rate = el > 0 && now ? (double)now / el : 0;
    if (*rate <= 0)
        *left = -1;
    else
        *left = p->total > p->done ? (double)(p->total - p->done) / *rate : 0;
}

static void progress_draw(progress *p, double el, bool final)
{
    double rate, left;
    progress_rate(p, el, &rate, &left);
    char bar[PROGRESS_BAR + 1], tail[48];
    size_t fill = p->total ? p->done * PROGRESS_BAR / p->total : 0;
    for (size_t i = 0; i < PROGRESS_BAR; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[PROGRESS_BAR] = '\0';
    if (final) {
        char d[24];
        progress_duration(d, sizeof d, el);
        snprintf(tail, sizeof tail, "in %s", d);
    } else if (left >= 0) {
        char d[24];
        progress_duration(d, sizeof d, left);
        snprintf(tail, sizeof tail, "~%s left", d);
    } else {
        snprintf(tail, sizeof tail, "starting");
    }
    /* \033[K clears what a longer earlier drawing left at the end of the line. */
    fprintf(p->out, "\r%s [%s] %zu/%zu reps  %.1f reps/s  %s\033[K%s", p->label, bar, p->done,
            p->total, rate, tail, final ? "\n" : "");
    fflush(p->out);
    p->drawn = !final;
}

void progress_update(progress *p, size_t done)
{
    if (!p->enabled) return;
    p->done = done;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = progress_since(&p->t0, &now), since = progress_since(&p->last, &now);
    if (p->tty) {
        if (since < PROGRESS_TTY_S && done < p->total) return;
        progress_draw(p, el, false);
    } else {
        if (since < PROGRESS_LINE_S) return;
        double rate, left;
        progress_rate(p, el, &rate, &left);
        char d[24];
        progress_duration(d, sizeof d, left);
        fprintf(p->out, "patrolsim: %s: %zu of %zu replications, %.1f per second, ~%s left\n",
                p->label, p->done, p->total, rate, d);
        fflush(p->out);
    }
    p->last = now;
}

void progress_end(progress *p)
{
    if (!p->enabled || !p->tty) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    progress_draw(p, progress_since(&p->t0, &now), true);
}
