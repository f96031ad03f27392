/* rfile.h - reading input files that may not be what they claim.
 *
 * Every input a user names (a scenario, a network, a places or history file)
 * might be a FIFO, a device or a directory: an ordinary open of a FIFO blocks
 * until someone writes to it, and /dev/zero never ends, so a reader that grows
 * its buffer until end of file eats memory until the machine gives out. These
 * functions open without waiting, refuse anything but a regular file before
 * reading a byte, and read at most a stated number of bytes.
 *
 * Errors come back as a short reason in the caller's buffer (the caller adds
 * the path and what the file was for): "No such file or directory", "it is a
 * directory", "not a regular file (a pipe, socket or device)", "larger than
 * the 16 MiB limit for this file". Nothing is kept between calls.
 */
#ifndef PATROLSIM_RFILE_H
#define PATROLSIM_RFILE_H

#include <stddef.h>
#include <stdio.h>

/* Opens path for reading ("r" or "rb") if it is a regular file; NULL with the
 * reason in why. The stream blocks normally once open. */
FILE *rfile_open(const char *path, const char *mode, char *why, size_t why_n);

/* The whole of a regular file of at most max_bytes, NUL-terminated (the NUL is
 * not counted in *len); free() it. NULL with the reason in why. A file that
 * grows past max_bytes while being read is refused too. */
char *rfile_read_all(const char *path, size_t max_bytes, size_t *len, char *why, size_t why_n);

/* "16 MiB", "1 GiB", "512 kB": a byte count for messages. */
void rfile_size_text(char *buf, size_t n, size_t bytes);

#endif
