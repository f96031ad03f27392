/* test_net_files.c - net_load on files that are not network files: a FIFO (an open would block
 * until someone writes), an endless device (/dev/zero), a directory, and a regular file of
 * binary data with no newline. Each must fail at once with a message naming the file, in
 * bounded memory. (The byte-level cases, long lines, NUL bytes, bad numbers, are in
 * the .net files of tests/data/bad, checked through the program.)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "diag.h"
#include "net.h"

static char dir[256];

/* A hang is a failure with a message, not a CTest timeout without one. */
static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "test_net_files: net_load did not return within 20 s (a hang)\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(1);
}

/* net_load(path) fails with exactly one message that starts "path: " and holds want. */
static void expect_refused(const char *path, const char *want)
{
    diag *d = diag_create();
    alarm(20);
    net *g = net_load(path, d);
    alarm(0);
    CHECK(g == NULL);
    CHECK_EQ(diag_count(d), 1);
    const char *m = diag_count(d) ? diag_message(d, 0) : "";
    if (strncmp(m, path, strlen(path)) != 0 || !strstr(m, want)) {
        fprintf(stderr, "%s: expected a message with '%s', got '%s'\n", path, want, m);
        check_failures++;
    }
    net_destroy(g);
    diag_destroy(d);
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/test_net_files.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        perror(dir);
        return 1;
    }
    char fifo[300], bin[300];
    snprintf(fifo, sizeof fifo, "%s/network.fifo", dir);
    snprintf(bin, sizeof bin, "%s/binary.txt", dir);

    CHECK(mkfifo(fifo, 0600) == 0);
    expect_refused(fifo, "not a regular file (a pipe, socket or device)");
    expect_refused("/dev/zero", "not a regular file");
    expect_refused(dir, "it is a directory");

    /* 8 MB of bytes with no newline: one "line" read in bounded memory, refused at once. */
    long before = peak_rss_kb();
    FILE *f = fopen(bin, "wb");
    CHECK(f != NULL);
    if (f) {
        static unsigned char block[1 << 16];
        for (size_t i = 0; i < sizeof block; i++) block[i] = (unsigned char)('A' + i % 26);
        for (int k = 0; k < 128; k++) fwrite(block, 1, sizeof block, f);
        fclose(f);
    }
    expect_refused(bin, "line longer than 4096 characters");
    long grew_kb = peak_rss_kb() - before;
    if (grew_kb > 4096) {
        fprintf(stderr, "reading one 8 MB line raised the peak memory by %ld kB\n", grew_kb);
        check_failures++;
    }

    unlink(fifo);
    unlink(bin);
    rmdir(dir);
    return CHECK_DONE();
}
