/* h5.h - checked helpers over the HDF5 C library: atomic files, attributes, tables.
 *
 * Three things, none of which knows what is stored:
 *
 *   files       h5_file_create writes to "<path>.tmp"; h5_file_commit flushes, closes, fsyncs
 *               the file, renames it to <path> and fsyncs the directory, so <path> either does
 *               not exist or is complete. h5_file_close without a commit leaves the .tmp (a
 *               killed or aborted run keeps what it flushed). h5_file_open opens an existing
 *               file and says plainly when it is missing, not HDF5, truncated or locked.
 *   attributes  scalar string (variable-length UTF-8), int (32-bit), u64 and double attributes,
 *               and 1-D arrays of strings, on any object named by path ("/" is the root).
 *               Setting an attribute that exists overwrites it.
 *   tables      1-D compound datasets, chunked, shuffled and deflated (level 1), extendible
 *               along rows. The columns come from a runtime list of h5_field descriptors that
 *               map a C row struct (or any packed buffer) to named, typed members; HDF5 stores
 *               them packed in the descriptor order. Each table carries two attributes parallel
 *               to its columns: "field_names" and "units" (arrays of strings). Appending
 *               extends, writes and flushes the whole file. Reading goes by field name: the
 *               memory type holds only the fields asked for and HDF5 matches them by name,
 *               converting numbers (an i64 column reads fine into a double).
 *
 * Files written here are readable by HDF5 1.8 and later, h5py and h5dump. They use the
 * "no free-space reuse" strategy (H5F_FSPACE_STRATEGY_NONE): space freed while writing (an
 * old copy of a rewritten compressed chunk) is never handed out again before the file is
 * closed. That costs a little space per append and buys crash safety: after an append has
 * flushed, later writes only go to new space, so if the process is killed the flushed
 * metadata still points at intact data. (Without SWMR HDF5 promises nothing for a kill in the
 * middle of a write or flush itself; that window is milliseconds per replication.)
 *
 * Errors: a function that can fail returns a negative H5X_ code (or NULL) and leaves a message
 * in the file's error context, h5_file_error(f), of the form
 *     "results/run.h5: /summary: field 'foo' not found"
 * with the innermost message of HDF5's error stack appended where HDF5 failed. Functions that
 * create or open a file, which have no context yet, write the message into a caller buffer
 * (err, errlen; either may be NULL/0). Nothing is ever printed: every entry point that opens
 * a file turns HDF5's automatic error printing off (H5Eset_auto2, which is per thread in a
 * thread-safe HDF5 build and per process otherwise). The codes are named H5X_ because HDF5
 * owns the H5_ prefix.
 *
 * Ownership: an h5_file owns its HDF5 handle; an h5_table borrows its file and must be closed
 * before it. Strings and arrays returned by the read functions are malloc'd; each says how to
 * free it. Not thread-safe: one thread per h5_file, and a serial HDF5 build allows only one
 * thread in the library at a time anyway.
 */
#ifndef PATROLSIM_H5_H
#define PATROLSIM_H5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

/* Status codes; 0 is success. */
enum h5_status {
    H5X_OK = 0,
    H5X_EIO = -1,       /* HDF5 or the operating system failed (write, flush, rename, fsync) */
    H5X_ENOMEM = -2,    /* out of memory */
    H5X_ENOTHDF5 = -3,  /* the file is not HDF5, or is truncated or damaged */
    H5X_ENOTFOUND = -4, /* a file, group, dataset, attribute or field does not exist */
    H5X_ETYPE = -5,     /* it exists but has the wrong type, rank or shape */
    H5X_EINVAL = -6,    /* a bad argument: a bug in the caller */
};

/* A short fixed description of a code ("not found"). */
const char *h5_strerror(int code);

/* ---- Files ------------------------------------------------------------------------------ */

typedef struct h5_file h5_file;

/* Creates "<path>.tmp" for writing, replacing a stale one. NULL on failure, with the reason
 * in err. Free with h5_file_commit + h5_file_close, or h5_file_close alone to keep the .tmp. */
h5_file *h5_file_create(const char *path, char *err, size_t errlen);

/* As h5_file_create, but the file is made as "<path>.tmp.part" and becomes "<path>.tmp"
 * only at h5_file_publish (flushed first): a process killed while it set the file up leaves
 * no .tmp to be resumed, only a .part that the next create replaces. h5_file_commit of a
 * file never published renames the .part to <path>. */
h5_file *h5_file_create_staged(const char *path, char *err, size_t errlen);
int h5_file_publish(h5_file *f);

/* Opens an existing HDF5 file, read-only or for appending. NULL with a message in err, and
 * the H5X_ code in *code (code may be NULL), when the file is missing (H5X_ENOTFOUND), cannot
 * be read or is locked by a process writing it (H5X_EIO), or is not HDF5 or is truncated or
 * damaged (H5X_ENOTHDF5). Free with h5_file_close. */
h5_file *h5_file_open(const char *path, bool writable, int *code, char *err, size_t errlen);

/* Reopens "<path>.tmp", left by a writer that did not commit, for appending; h5_file_commit
 * then renames it to path as if h5_file_create had made it. Fails as h5_file_open does. */
h5_file *h5_file_reopen_tmp(const char *path, int *code, char *err, size_t errlen);

/* Flushes everything written so far to the operating system (H5Fflush). */
int h5_file_flush(h5_file *f);

/* For a file from h5_file_create: closes it, fsyncs "<path>.tmp", renames it to <path>
 * (replacing an existing file) and fsyncs the directory. Afterwards only h5_file_error,
 * h5_file_path and h5_file_close may be called. On failure the .tmp is left in place. */
int h5_file_commit(h5_file *f);

/* Closes the file if still open and frees f. A created file that was not committed stays
 * on disk as "<path>.tmp". NULL is a no-op. Never prints. */
void h5_file_close(h5_file *f);

/* The message of the last failure ("" when none). Valid until the next call on f. */
const char *h5_file_error(const h5_file *f);

/* The path the file is known by in messages: the final path for a created file. */
const char *h5_file_path(const h5_file *f);

/* The HDF5 file id, for what these helpers do not cover (tests, tools). Borrowed. */
hid_t h5_file_id(const h5_file *f);

/* Records a message in f's error context and returns code; for callers that build on these
 * helpers and find a problem of their own ("needs layout version 1"). printf-style. */
int h5_file_fail(h5_file *f, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- Groups and links ------------------------------------------------------------------- */

/* Whether the object at an absolute path ("/network/nodes") exists; every intermediate
 * group is checked in turn, so a missing parent is simply false. */
bool h5_exists(h5_file *f, const char *path);

/* Creates the group at path, and any missing parents. Existing groups are fine. */
int h5_group_create(h5_file *f, const char *path);

/* ---- Attributes (obj is the path of a group or dataset, "/" for the root) ---------------- */

bool h5_attr_exists(h5_file *f, const char *obj, const char *name);

int h5_attr_set_str(h5_file *f, const char *obj, const char *name, const char *value);
int h5_attr_set_int(h5_file *f, const char *obj, const char *name, int value);
int h5_attr_set_u64(h5_file *f, const char *obj, const char *name, uint64_t value);
int h5_attr_set_f64(h5_file *f, const char *obj, const char *name, double value);
/* A 1-D array of n variable-length strings; n may be 0 (an empty array). */
int h5_attr_set_strv(h5_file *f, const char *obj, const char *name, const char *const *v,
                     size_t n);

/* Readers. A missing attribute is H5X_ENOTFOUND; one of another class (a string where a
 * number is wanted) is H5X_ETYPE. Integer and float attributes convert to the type asked for,
 * as HDF5 converts. Strings may be variable- or fixed-length in the file. */
int h5_attr_get_str(h5_file *f, const char *obj, const char *name, char **out); /* free() */
int h5_attr_get_int(h5_file *f, const char *obj, const char *name, int *out);
int h5_attr_get_u64(h5_file *f, const char *obj, const char *name, uint64_t *out);
int h5_attr_get_f64(h5_file *f, const char *obj, const char *name, double *out);
/* *out is an array of *n strings; free with h5_strv_free(*out, *n). */
int h5_attr_get_strv(h5_file *f, const char *obj, const char *name, char ***out, size_t *n);
void h5_strv_free(char **v, size_t n); /* NULL is a no-op */

/* ---- Tables ----------------------------------------------------------------------------- */

typedef enum h5_ftype {
    H5X_U32, /* uint32_t */
    H5X_I32, /* int32_t */
    H5X_I64, /* int64_t */
    H5X_U64, /* uint64_t */
    H5X_F64, /* double */
    H5X_STR  /* char[size]: a fixed-length, NUL-padded UTF-8 string (h5py reads bytes) */
} h5_ftype;

/* One column: how to find it in a row of the caller's buffer and what to call it. */
typedef struct h5_field {
    const char *name;   /* the compound member name; unique within the table */
    h5_ftype type;
    size_t offset;      /* offsetof the value within the caller's row */
    size_t size;        /* H5X_STR: bytes of the char array, including room for a NUL; else 0 */
    const char *unit;   /* recorded in the "units" attribute: "s", "m", "1", "count", "" ... */
} h5_field;

typedef struct h5_table h5_table;

/* Creates an empty table at path (parent groups must exist). row_size is the stride of the
 * caller's rows (sizeof the row struct). chunk_rows is the rows per chunk; 0 picks about
 * 32 KiB per chunk, and a table written once is best given its row count. The descriptors
 * are copied. Writes the "field_names" and "units" attributes. Close with h5_table_close. */
h5_table *h5_table_create(h5_file *f, const char *path, const h5_field *fields, size_t n_fields,
                          size_t row_size, size_t chunk_rows);

/* Opens an existing table for appending with the caller's descriptors; every field must exist
 * in the file (the file may have more, which are left as HDF5's fill value). */
h5_table *h5_table_open(h5_file *f, const char *path, const h5_field *fields, size_t n_fields,
                        size_t row_size);

/* Appends n rows (row_size bytes apart) and flushes the file. n == 0 is a no-op. */
int h5_table_append(h5_table *t, const void *rows, size_t n);

/* Cuts the table to its first n rows (n <= rows). For resuming after a partial append. */
int h5_table_truncate(h5_table *t, size_t n);

size_t h5_table_rows(const h5_table *t);
void h5_table_close(h5_table *t); /* NULL is a no-op */

/* The number of rows of the table at path. */
int h5_table_nrows(h5_file *f, const char *path, size_t *out);

/* The member names of the table's compound type, in file order; free with h5_strv_free. */
int h5_table_field_names(h5_file *f, const char *path, char ***out, size_t *n);

/* Reads the given fields of every row into a new buffer of *n rows, row_size bytes apart,
 * matched by name (H5X_ENOTFOUND names the first missing field). Strings are NUL-terminated
 * (truncated to size - 1 if the file's are longer). *out is malloc'd (free()); it is NULL
 * when the table is empty. */
int h5_table_read(h5_file *f, const char *path, const h5_field *fields, size_t n_fields,
                  size_t row_size, void **out, size_t *n);

/* Convenience: one numeric field of every row as doubles, int64s or uint64s, *out malloc'd
 * (free()). Integer fields read as doubles exactly up to 2^53. HDF5 clamps values that do not
 * fit the type asked for (a u64 above INT64_MAX read as i64), so read hashes with _u64. */
int h5_table_read_f64(h5_file *f, const char *path, const char *field, double **out, size_t *n);
int h5_table_read_i64(h5_file *f, const char *path, const char *field, int64_t **out,
                      size_t *n);
int h5_table_read_u64(h5_file *f, const char *path, const char *field, uint64_t **out,
                      size_t *n);

#endif
