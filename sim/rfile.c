/* rfile.c - reading input files that may not be what they claim. See rfile.h. */
#include "rfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The descriptor of a regular file opened for reading, -1 with the reason. The open does not
 * wait (O_NONBLOCK), so a FIFO with no writer cannot hang it; the flag is cleared again once
 * the type is known, since a regular file never blocks anyway. */
static int rfile_fd(const char *path, char *why, size_t why_n)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, why_n, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(why, why_n, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_n, "%s",
                 S_ISDIR(st.st_mode) ? "it is a directory"
                                     : "not a regular file (a pipe, socket or device)");
        close(fd);
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        snprintf(why, why_n, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

FILE *rfile_open(const char *path, const char *mode, char *why, size_t why_n)
{
    int fd = rfile_fd(path, why, why_n);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, mode);
    if (!f) {
        snprintf(why, why_n, "%s", strerror(errno));
        close(fd);
    }
    return f;
}

void rfile_size_text(char *buf, size_t n, size_t bytes)
{
    static const char *const units[] = {"bytes", "kB", "MiB", "GiB", "TiB"};
    double x = (double)bytes;
    int u = 0;
    while (x >= 1024 && u < 4) {
        x /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%zu bytes", bytes);
    else
        snprintf(buf, n, x == (double)(long long)x ? "%.0f %s" : "%.1f %s", x, units[u]);
}

/* Reads in steps that follow the file's stated size, but trusts only what read() returns: the
 * size may change under us, and a file in /proc states 0. */
char *rfile_read_all(const char *path, size_t max_bytes, size_t *len, char *why, size_t why_n)
{
    int fd = rfile_fd(path, why, why_n);
    if (fd < 0) return NULL;
    char limit[32];
    rfile_size_text(limit, sizeof limit, max_bytes);
    struct stat st;
    if (fstat(fd, &st) == 0 && (unsigned long long)st.st_size > max_bytes) {
        char size[64];
        rfile_size_text(size, sizeof size, (size_t)st.st_size);
        if (st.st_size >= 1024) /* "16.0 MiB" alone would not say why 16 MiB is too much */
            snprintf(size + strlen(size), sizeof size - strlen(size), " (%lld bytes)",
                     (long long)st.st_size);
        snprintf(why, why_n, "it is %s, larger than the %s limit for this file", size, limit);
        close(fd);
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    if (cap < 4096) cap = 4096;
    if (cap > max_bytes + 1) cap = max_bytes + 1;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) {
            snprintf(why, why_n, "out of memory");
            close(fd);
            return NULL;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            snprintf(why, why_n, "%s", strerror(errno));
            break;
        }
        if (got == 0) {
            close(fd);
            buf[n] = '\0';
            *len = n;
            return buf;
        }
        n += (size_t)got;
        if (n > max_bytes) {
            snprintf(why, why_n, "it is larger than the %s limit for this file", limit);
            break;
        }
        if (n == cap) {
            size_t grown_cap = cap > max_bytes / 2 ? max_bytes + 1 : 2 * cap;
            char *grown = realloc(buf, grown_cap + 1);
            if (!grown) free(buf);
            buf = grown;
            cap = grown_cap;
        }
    }
    free(buf);
    close(fd);
    return NULL;
}
