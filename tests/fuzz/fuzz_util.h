/* fuzz_util.h - what the libFuzzer harnesses share: a private scratch directory and a way to
 * put a fuzz input into a file there.
 *
 * The readers under test take paths, not buffers, so each input is written to a file first.
 * The directory is made once per process (mkdtemp under $TMPDIR or /tmp) and removed at exit
 * together with the files the harness registered; a crashed run leaves it behind, which is
 * what one wants when looking at the crash. Header-only: each harness is one executable.
 */
#ifndef PATROLSIM_FUZZ_UTIL_H
#define PATROLSIM_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_MAX_FILES 16

typedef struct fuzz_dir {
    char path[512];
    char files[FUZZ_MAX_FILES][600]; /* removed at exit, then the subdirectories, then path */
    int n_files;
    char subdirs[4][600];
    int n_subdirs;
} fuzz_dir;

/* One per harness process; libFuzzer gives no context pointer to its callbacks. */
static fuzz_dir fuzz_scratch;

static inline void fuzz_dir_remove(void)
{
    for (int i = 0; i < fuzz_scratch.n_files; i++) unlink(fuzz_scratch.files[i]);
    for (int i = fuzz_scratch.n_subdirs; i-- > 0;) rmdir(fuzz_scratch.subdirs[i]);
    if (fuzz_scratch.path[0]) rmdir(fuzz_scratch.path);
}

/* Makes the scratch directory; exits the process when it cannot (nothing can be fuzzed). */
static inline const char *fuzz_dir_init(const char *name)
{
    const char *t = getenv("TMPDIR");
    snprintf(fuzz_scratch.path, sizeof fuzz_scratch.path, "%s/%s.XXXXXX", t && *t ? t : "/tmp",
             name);
    if (!mkdtemp(fuzz_scratch.path)) {
        perror(fuzz_scratch.path);
        exit(1);
    }
    atexit(fuzz_dir_remove);
    return fuzz_scratch.path;
}

/* Makes dir/rel as a subdirectory removed at exit; returns its path (static storage). */
static inline const char *fuzz_subdir(const char *rel)
{
    if (fuzz_scratch.n_subdirs == 4) exit(1);
    char *p = fuzz_scratch.subdirs[fuzz_scratch.n_subdirs];
    snprintf(p, sizeof fuzz_scratch.subdirs[0], "%s/%s", fuzz_scratch.path, rel);
    if (mkdir(p, 0700) != 0) {
        perror(p);
        exit(1);
    }
    fuzz_scratch.n_subdirs++;
    return p;
}

/* Registers scratch-relative path rel for removal at exit and returns its full path. */
static inline const char *fuzz_file(const char *rel)
{
    if (fuzz_scratch.n_files == FUZZ_MAX_FILES) exit(1);
    char *p = fuzz_scratch.files[fuzz_scratch.n_files++];
    snprintf(p, sizeof fuzz_scratch.files[0], "%s/%s", fuzz_scratch.path, rel);
    return p;
}

/* Writes size bytes to path, replacing it. 0, or -1 (the input is then skipped). */
static inline int fuzz_write(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = size ? fwrite(data, 1, size, f) : 0;
    return (fclose(f) == 0 && n == size) ? 0 : -1;
}

/* Copies a fixed input file (test data) into the scratch directory; exits when it cannot. */
static inline void fuzz_copy(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in) {
        perror(from);
        exit(1);
    }
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, in);
    fclose(in);
    if (n == sizeof buf || fuzz_write(to, buf, n) != 0) {
        fprintf(stderr, "fuzz: cannot copy %s to %s\n", from, to);
        exit(1);
    }
}

#endif
