/* h5.c - checked helpers over the HDF5 C library. See h5.h for the contract.
 *
 * Every HDF5 call is checked. On failure we format the message at once, before any clean-up
 * call can clear HDF5's error stack, and append the innermost entry of that stack (the most
 * specific one: "truncated file: eof = ...", "unable to lock file, errno = 11 ..."). Clean-up
 * then closes whatever was opened, ignoring its own errors: a close after a failure must not
 * hide the first problem.
 *
 * Objects are addressed by absolute path and opened per call (H5Oopen, H5Dopen2). That costs
 * a name lookup per attribute, which is nothing next to a replication, and means no handle
 * outlives the call except those inside an h5_table.
 *
 * Creation properties: no timestamps on objects (H5Pset_obj_track_times false), so that two
 * runs of the same scenario differ only in the attributes that say when they ran; and the
 * H5F_FSPACE_STRATEGY_NONE file-space strategy explained in h5.h. That choice was measured:
 * a writer appending replications of ~3,000 rows, SIGKILLed at random moments 60 times, left
 * 10 files whose flushed /incidents no longer decompressed ("inflate() failed") under the
 * default strategy, where the freed old copy of a rewritten chunk is reused before the next
 * flush; under NONE, none. It costs ~15% of file size for 100 such appends (h5repack gives it
 * back) and nothing measurable in time. Files close with
 * H5F_CLOSE_STRONG so that a handle forgotten on an error path cannot keep a file open.
 *
 * Existing files are opened through a thin file driver of our own (h5_chk) that passes every
 * call to HDF5's default POSIX driver and looks at one thing on the way: global heap
 * collections, where variable-length strings live. HDF5 1.10.8 decodes a collection in a loop
 * that advances by each object's size; an object of size 0 (or one so large that the pointer
 * wraps) makes it loop forever, and `patrolsim summary` (or h5dump) hangs on such a file.
 * fuzz_results found that within minutes. The driver walks each collection HDF5 reads the way
 * HDF5 will and refuses the read when the walk would not end, so a damaged file is an error.
 */
#include "h5.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deflate level and the target size of a chunk when the caller lets us choose. Deflating is
 * most of the cost of writing a replication (the per-call /incidents table above all), so the
 * fastest level: against level 4 it cut that cost by a fifth to a quarter and the file grew by
 * 2-4%. A partial last chunk is rewritten (and recompressed) by every append, and under
 * H5F_FSPACE_STRATEGY_NONE its old copy stays in the file: 32 KiB chunks halve both against
 * 64 KiB, which more than gives the size back (files 1-9% smaller than level 4 in 64 KiB
 * chunks; bench/README.md has the figures). Writing without compression was 3 times faster
 * still but made files 2.5 to 4.5 times larger. */
#define H5X_DEFLATE_LEVEL 1
#define H5X_CHUNK_BYTES 32768
/* The largest global heap collection (where variable-length strings live) an existing file may
 * have. A collection is 4 KiB or the size of its largest string, and the largest string we
 * write is the scenario file's text: 64 MiB is far beyond any real one. */
#define H5X_MAX_GHEAP_BYTES (64u << 20)

struct h5_file {
    hid_t id;          /* the HDF5 file, H5I_INVALID_HID once closed */
    char *path;        /* the final path (messages use it) */
    char *tmp_path;    /* "<path>.tmp" for a created file, NULL for an opened one; while
                        * staged, "<path>.tmp.part" */
    char *publish_path; /* staged: "<path>.tmp", where h5_file_publish puts it */
    bool committed;    /* h5_file_commit succeeded */
    char err[1024];    /* the last failure */
};

struct h5_table {
    h5_file *f;        /* borrowed */
    char *path;        /* the dataset */
    hid_t ds;          /* the open dataset */
    hid_t mtype;       /* memory compound type of the caller's rows */
    size_t row_size;   /* stride of the caller's rows */
    size_t rows;       /* rows in the dataset */
    void *conv, *bkg;  /* type-conversion and background buffers for appends (see there) */
    size_t conv_size;
};

const char *h5_strerror(int code)
{
    switch (code) {
    case H5X_OK: return "success";
    case H5X_EIO: return "input/output error";
    case H5X_ENOMEM: return "out of memory";
    case H5X_ENOTHDF5: return "not a readable HDF5 file";
    case H5X_ENOTFOUND: return "not found";
    case H5X_ETYPE: return "wrong type or shape";
    case H5X_EINVAL: return "invalid argument";
    default: return "unknown error";
    }
}

/* ---- Error messages ----------------------------------------------------------------------- */

/* Keeps the innermost entry of the error stack (the walk goes upward, innermost first). */
static herr_t h5_walk_innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    char *buf = data;
    if (n != 0 || !e->desc) return 0;
    /* An operating-system failure comes as "file write failed: time = <ctime with its
     * newline>, filename = ..., errno = 28, error message = 'No space left on device', buf =
     * ..." (or "unable to lock file, errno = 11, error message = ..."): keep what failed and
     * the system's words, which are what a user can act on. */
    const char *os = strstr(e->desc, "error message = '");
    const char *cut = strstr(e->desc, ": time =");
    if (!cut) cut = strstr(e->desc, ", errno =");
    if (os && cut) {
        os += strlen("error message = '");
        const char *end = strchr(os, '\'');
        snprintf(buf, 256, "%.*s: %.*s", (int)(cut - e->desc), e->desc,
                 (int)(end ? end - os : 120), os);
    } else {
        snprintf(buf, 256, "%s", e->desc);
    }
    for (char *p = buf; *p; p++)
        if (*p == '\n') *p = ' ';
    return 0;
}

/* Keeps the first entry of the error stack that says the file is truncated. */
static herr_t h5_walk_truncated(unsigned n, const H5E_error2_t *e, void *data)
{
    (void)n;
    char *buf = data;
    if (!buf[0] && e->desc && strstr(e->desc, "truncated")) snprintf(buf, 256, "%s", e->desc);
    return 0;
}

/* Formats "<file>: <message>[ (HDF5: <innermost error>)]" into buf. Reads the error stack,
 * so it must run right after the failing HDF5 call. */
static void h5_vformat(char *buf, size_t len, const char *file, bool hdf5, const char *fmt,
                       va_list ap)
{
    if (!buf || len == 0) return;
    int used = snprintf(buf, len, "%s: ", file ? file : "<hdf5>");
    if (used < 0 || (size_t)used >= len) return;
    int more = vsnprintf(buf + used, len - (size_t)used, fmt, ap);
    if (more < 0) return;
    used += more;
    if (!hdf5 || (size_t)used >= len) return;
    char inner[256] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_walk_innermost, inner);
    if (inner[0]) snprintf(buf + used, len - (size_t)used, " (HDF5: %s)", inner);
}

static void h5_format(char *buf, size_t len, const char *file, bool hdf5, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void h5_format(char *buf, size_t len, const char *file, bool hdf5, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    h5_vformat(buf, len, file, hdf5, fmt, ap);
    va_end(ap);
}

/* Records a failure of an HDF5 call (with the stack's detail) or of our own checks. */
static int h5_fail_hdf5(h5_file *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int h5_fail_hdf5(h5_file *f, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    h5_vformat(f->err, sizeof f->err, f->path, true, fmt, ap);
    va_end(ap);
    return code;
}

int h5_file_fail(h5_file *f, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    h5_vformat(f->err, sizeof f->err, f->path, false, fmt, ap);
    va_end(ap);
    return code;
}

/* Once per process, before HDF5's first call: no clean-up at exit. HDF5 closes at exit the
 * files still open, and a file it failed to write (a full disk) is one it can no longer close:
 * 1.10.8 leaves its metadata cache half flushed ("slist already enabled?"), every later close
 * fails, and the one at exit crashes the process after our message has been printed. Files
 * are always closed explicitly here, so the exit-time pass has nothing else to do. */
static pthread_once_t h5_init_once = PTHREAD_ONCE_INIT;

static void h5_init(void)
{
    H5dont_atexit();
}

/* HDF5 prints its error stack to stderr by default; we report through our own messages. */
static void h5_quiet(void)
{
    pthread_once(&h5_init_once, h5_init);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

static char *h5_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Closes an id if valid, ignoring errors (clean-up paths only). */
static void h5_close_id(hid_t id)
{
    if (id < 0) return;
    switch (H5Iget_type(id)) {
    case H5I_FILE: H5Fclose(id); break;
    case H5I_GROUP: H5Gclose(id); break;
    case H5I_DATASET: H5Dclose(id); break;
    case H5I_ATTR: H5Aclose(id); break;
    case H5I_DATATYPE: H5Tclose(id); break;
    case H5I_DATASPACE: H5Sclose(id); break;
    case H5I_GENPROP_LST: H5Pclose(id); break;
    default: break;
    }
}

/* ---- Files ---------------------------------------------------------------------------------- */

static h5_file *h5_file_alloc(const char *path, bool tmp)
{
    h5_file *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->id = H5I_INVALID_HID;
    f->path = h5_strdup(path);
    if (!f->path) goto err;
    if (tmp) {
        size_t n = strlen(path) + sizeof ".tmp";
        f->tmp_path = malloc(n);
        if (!f->tmp_path) goto err;
        snprintf(f->tmp_path, n, "%s.tmp", path);
    }
    return f;
err:
    free(f->path);
    free(f);
    return NULL;
}

static hid_t h5_fapl(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return fapl;
    if (H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    return fapl;
}

/* ---- The checking driver for existing files (see the top of the file) -------------------- */

typedef struct h5_chk {
    H5FD_t pub;    /* first: HDF5 fills it in and hands it back to every callback */
    H5FD_t *inner; /* the same file opened with the POSIX (sec2) driver */
} h5_chk;

#define H5_CHK_INNER(f) (((h5_chk *)(void *)(f))->inner)

static uint64_t h5_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* Whether HDF5's decoding of the global heap collection at the start of buf (n bytes read)
 * would end, in reasonable memory: a collection claiming more than H5X_MAX_GHEAP_BYTES is
 * refused on HDF5's first, 4 KiB read of it, before HDF5 allocates what it claims. Mirrors H5HG__cache_heap_deserialize of HDF5 1.10 for 8-byte lengths: after the
 * 16-byte header ("GCOL", version, 3 reserved, size) come objects of index (2), reference
 * count (2), reserved (4), size (8) and data; object 0 is free space whose size covers its own
 * header; the others are followed by their data rounded up to 8 bytes. An advance of 0, or
 * one past the collection's end (where the pointer arithmetic may wrap), is damage. A buffer
 * that is not a collection, or that holds only its start, passes. */
static bool h5_gheap_walk_ends(const unsigned char *buf, size_t n)
{
    if (n < 16 || memcmp(buf, "GCOL", 4) != 0) return true;
    uint64_t size = h5_le(buf + 8, 8);
    if (size < 16 || size > H5X_MAX_GHEAP_BYTES) return false;
    uint64_t have = size < n ? size : n;
    for (uint64_t q = 16; q + 16 <= have;) {
        uint64_t idx = h5_le(buf + q, 2), obj = h5_le(buf + q + 8, 8);
        uint64_t need = idx > 0 ? 16 + 8 * ((obj + 7) / 8) : obj; /* wraps as HDF5's does */
        if (need == 0 || need > size - q) return false;
        q += need;
    }
    return true;
}

/* The callbacks call sec2's own callbacks on the inner file rather than the public H5FD*
 * functions: a public function clears HDF5's error stack on entry, and the close that HDF5
 * makes while failing to open a file would wipe the message that says why ("truncated file").
 * Only open and close go through the public functions, which keep the inner file's driver
 * reference counted; close saves and restores the error stack around it. */
static H5FD_t *h5_chk_open(const char *name, unsigned flags, hid_t fapl, haddr_t maxaddr)
{
    (void)fapl;
    hid_t sec2 = H5Pcreate(H5P_FILE_ACCESS);
    if (sec2 < 0) return NULL;
    H5FD_t *inner = H5Pset_fapl_sec2(sec2) < 0 ? NULL : H5FDopen(name, flags, sec2, maxaddr);
    H5Pclose(sec2);
    if (!inner) return NULL;
    h5_chk *c = calloc(1, sizeof *c);
    if (!c) {
        H5FDclose(inner);
        return NULL;
    }
    c->inner = inner;
    return &c->pub;
}

static herr_t h5_chk_close(H5FD_t *f)
{
    hid_t pending = H5Eget_current_stack();
    herr_t rc = H5FDclose(H5_CHK_INNER(f));
    if (pending >= 0) H5Eset_current_stack(pending);
    free(f);
    return rc;
}

#define H5_CHK_CALL(f, fn, ...) (H5_CHK_INNER(f)->cls->fn(H5_CHK_INNER(f), __VA_ARGS__))

static int h5_chk_cmp(const H5FD_t *a, const H5FD_t *b)
{
    const H5FD_t *ia = H5_CHK_INNER(a), *ib = H5_CHK_INNER(b);
    return ia->cls->cmp(ia, ib);
}

static herr_t h5_chk_query(const H5FD_t *f, unsigned long *flags)
{
    /* Called on a NULL file to learn the driver's features: answer as sec2 does. */
    if (!f) {
        *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA |
                 H5FD_FEAT_DATA_SIEVE | H5FD_FEAT_AGGREGATE_SMALLDATA |
                 H5FD_FEAT_POSIX_COMPAT_HANDLE | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
        return 0;
    }
    return H5_CHK_CALL(f, query, flags);
}

static haddr_t h5_chk_get_eoa(const H5FD_t *f, H5FD_mem_t type)
{
    return H5_CHK_CALL(f, get_eoa, type);
}

static herr_t h5_chk_set_eoa(H5FD_t *f, H5FD_mem_t type, haddr_t addr)
{
    return H5_CHK_CALL(f, set_eoa, type, addr);
}

static haddr_t h5_chk_get_eof(const H5FD_t *f, H5FD_mem_t type)
{
    return H5_CHK_CALL(f, get_eof, type);
}

static herr_t h5_chk_get_handle(H5FD_t *f, hid_t fapl, void **handle)
{
    return H5_CHK_CALL(f, get_handle, fapl, handle);
}

static herr_t h5_chk_read(H5FD_t *f, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                          void *buf)
{
    if (H5_CHK_CALL(f, read, type, dxpl, addr, size, buf) < 0) return -1;
    /* HDF5 reads a global heap as raw data (type H5FD_MEM_DRAW), always from its start. */
    if ((type == H5FD_MEM_DRAW || type == H5FD_MEM_GHEAP) && !h5_gheap_walk_ends(buf, size)) {
        H5Epush2(H5E_DEFAULT, __FILE__, __func__, __LINE__, H5E_ERR_CLS, H5E_HEAP, H5E_BADVALUE,
                 "damaged global heap collection at byte %llu: its size, or an object's, "
                 "would make the decoder loop forever or allocate without bound",
                 (unsigned long long)addr);
        return -1;
    }
    return 0;
}

static herr_t h5_chk_write(H5FD_t *f, H5FD_mem_t type, hid_t dxpl, haddr_t addr, size_t size,
                           const void *buf)
{
    return H5_CHK_CALL(f, write, type, dxpl, addr, size, buf);
}

static herr_t h5_chk_flush(H5FD_t *f, hid_t dxpl, hbool_t closing)
{
    H5FD_t *in = H5_CHK_INNER(f);
    return in->cls->flush ? in->cls->flush(in, dxpl, closing) : 0;
}

static herr_t h5_chk_truncate(H5FD_t *f, hid_t dxpl, hbool_t closing)
{
    H5FD_t *in = H5_CHK_INNER(f);
    return in->cls->truncate ? in->cls->truncate(in, dxpl, closing) : 0;
}

static herr_t h5_chk_lock(H5FD_t *f, hbool_t rw)
{
    H5FD_t *in = H5_CHK_INNER(f);
    return in->cls->lock ? in->cls->lock(in, rw) : 0;
}

static herr_t h5_chk_unlock(H5FD_t *f)
{
    H5FD_t *in = H5_CHK_INNER(f);
    return in->cls->unlock ? in->cls->unlock(in) : 0;
}

static const H5FD_class_t h5_chk_class = {
    .name = "patrolsim-checked-sec2",
    .maxaddr = (haddr_t)INT64_MAX, /* sec2's: the largest off_t */
    .fc_degree = H5F_CLOSE_WEAK,
    .open = h5_chk_open,
    .close = h5_chk_close,
    .cmp = h5_chk_cmp,
    .query = h5_chk_query,
    .get_eoa = h5_chk_get_eoa,
    .set_eoa = h5_chk_set_eoa,
    .get_eof = h5_chk_get_eof,
    .get_handle = h5_chk_get_handle,
    .read = h5_chk_read,
    .write = h5_chk_write,
    .flush = h5_chk_flush,
    .truncate = h5_chk_truncate,
    .lock = h5_chk_lock,
    .unlock = h5_chk_unlock,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

/* The driver's id, registered once per process. This is the one piece of process-wide state
 * here, and it has to be: HDF5 drops a file's reference to its driver before calling the
 * driver's close, so a driver unregistered while files are open is freed under them (valgrind
 * saw exactly that). HDF5's own drivers live the same way. */
static hid_t h5_chk_id = H5I_INVALID_HID;
static pthread_once_t h5_chk_once = PTHREAD_ONCE_INIT;

static void h5_chk_register(void)
{
    h5_chk_id = H5FDregister(&h5_chk_class);
}

/* A file access list for an existing file, through the checking driver. */
static hid_t h5_fapl_checked(void)
{
    pthread_once(&h5_chk_once, h5_chk_register);
    hid_t fapl = h5_fapl();
    if (fapl < 0) return fapl;
    if (h5_chk_id < 0 || H5Pset_driver(fapl, h5_chk_id, NULL) < 0) {
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    return fapl;
}

static h5_file *h5_file_create_as(const char *path, bool staged, char *err, size_t errlen)
{
    h5_quiet();
    if (err && errlen) err[0] = '\0';
    h5_file *f = h5_file_alloc(path, true);
    if (!f) {
        h5_format(err, errlen, path, false, "out of memory");
        return NULL;
    }
    if (staged) {
        size_t n = strlen(f->tmp_path) + sizeof ".part";
        char *part = malloc(n);
        if (!part) {
            h5_format(err, errlen, path, false, "out of memory");
            h5_file_close(f);
            return NULL;
        }
        snprintf(part, n, "%s.part", f->tmp_path);
        f->publish_path = f->tmp_path;
        f->tmp_path = part;
    }
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = h5_fapl();
    if (fcpl < 0 || fapl < 0 ||
        H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, false, 1) < 0) {
        h5_format(err, errlen, path, true, "cannot set up file properties");
        goto err;
    }
    f->id = H5Fcreate(f->tmp_path, H5F_ACC_TRUNC, fcpl, fapl);
    if (f->id < 0) {
        h5_format(err, errlen, path, true, "cannot create %s", f->tmp_path);
        goto err;
    }
    H5Pclose(fcpl);
    H5Pclose(fapl);
    return f;
err:
    h5_close_id(fcpl);
    h5_close_id(fapl);
    h5_file_close(f);
    return NULL;
}

h5_file *h5_file_create(const char *path, char *err, size_t errlen)
{
    return h5_file_create_as(path, false, err, errlen);
}

h5_file *h5_file_create_staged(const char *path, char *err, size_t errlen)
{
    return h5_file_create_as(path, true, err, errlen);
}

int h5_file_publish(h5_file *f)
{
    if (!f || !f->publish_path || f->id < 0) return H5X_EINVAL;
    if (H5Fflush(f->id, H5F_SCOPE_GLOBAL) < 0) return h5_fail_hdf5(f, H5X_EIO, "cannot flush");
    /* The file stays open: the rename moves the name, not the open file. */
    if (rename(f->tmp_path, f->publish_path) != 0)
        return h5_file_fail(f, H5X_EIO, "cannot rename %s to %s: %s", f->tmp_path,
                            f->publish_path, strerror(errno));
    free(f->tmp_path);
    f->tmp_path = f->publish_path;
    f->publish_path = NULL;
    return H5X_OK;
}

h5_file *h5_file_open(const char *path, bool writable, int *code, char *err, size_t errlen)
{
    h5_quiet();
    int dummy;
    if (!code) code = &dummy;
    if (err && errlen) err[0] = '\0';

    /* The operating system's view first: its messages are clearer than HDF5's. */
    struct stat st;
    if (stat(path, &st) != 0) {
        *code = errno == ENOENT ? H5X_ENOTFOUND : H5X_EIO;
        h5_format(err, errlen, path, false, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        *code = H5X_ETYPE;
        h5_format(err, errlen, path, false, "is a directory, not a results file");
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        /* A FIFO would block the open below until someone writes to it. */
        *code = H5X_ETYPE;
        h5_format(err, errlen, path, false, "not a regular file (a pipe, socket or device)");
        return NULL;
    }
    if (access(path, writable ? R_OK | W_OK : R_OK) != 0) {
        *code = H5X_EIO;
        h5_format(err, errlen, path, false, "cannot open: %s", strerror(errno));
        return NULL;
    }
    /* H5Fis_hdf5 only looks for the signature (at 0, 512, 1024, ...); a file that has it but
     * was cut short fails in H5Fopen below, which checks the stored end of file. */
    htri_t is = H5Fis_hdf5(path);
    if (is == 0) {
        *code = H5X_ENOTHDF5;
        h5_format(err, errlen, path, false, "not an HDF5 file");
        return NULL;
    }
    if (is < 0) {
        *code = H5X_EIO;
        h5_format(err, errlen, path, true, "cannot read");
        return NULL;
    }

    h5_file *f = h5_file_alloc(path, false);
    hid_t fapl = f ? h5_fapl_checked() : H5I_INVALID_HID;
    if (!f || fapl < 0) {
        *code = H5X_ENOMEM;
        h5_format(err, errlen, path, false, "out of memory");
        h5_file_close(f);
        return NULL;
    }
    f->id = H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
    if (f->id < 0) {
        char inner[256] = "", cut[256] = "";
        H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_walk_innermost, inner);
        /* HDF5 1.10.8 says "truncated file" a few levels up the stack, not innermost. */
        H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_walk_truncated, cut);
        /* "unable to lock file" in some HDF5 versions, "unable to lock the file" in others
         * (and "sblock" in a truncation message is no lock). */
        bool locked = strstr(inner, "unable to lock") != NULL;
        *code = locked ? H5X_EIO : H5X_ENOTHDF5;
        if (cut[0] || strstr(inner, "truncated"))
            h5_format(err, errlen, path, false, "truncated or damaged HDF5 file (HDF5: %s)",
                      cut[0] ? cut : inner);
        else if (locked)
            h5_format(err, errlen, path, false,
                      "locked by a process writing it (HDF5: %s)", inner);
        else
            h5_format(err, errlen, path, false, "cannot open as HDF5 (HDF5: %s)", inner);
        H5Pclose(fapl);
        h5_file_close(f);
        return NULL;
    }
    H5Pclose(fapl);
    *code = H5X_OK;
    return f;
}

h5_file *h5_file_reopen_tmp(const char *path, int *code, char *err, size_t errlen)
{
    size_t n = strlen(path) + sizeof ".tmp";
    char *tmp = malloc(n);
    if (!tmp) {
        if (code) *code = H5X_ENOMEM;
        h5_format(err, errlen, path, false, "out of memory");
        return NULL;
    }
    snprintf(tmp, n, "%s.tmp", path);
    h5_file *f = h5_file_open(tmp, true, code, err, errlen);
    if (!f) {
        free(tmp);
        return NULL;
    }
    /* From here on it is the file being written to path, as after h5_file_create. */
    char *final = h5_strdup(path);
    if (!final) {
        if (code) *code = H5X_ENOMEM;
        h5_format(err, errlen, path, false, "out of memory");
        free(tmp);
        h5_file_close(f);
        return NULL;
    }
    free(f->path);
    f->path = final;
    f->tmp_path = tmp;
    return f;
}

int h5_file_flush(h5_file *f)
{
    if (!f || f->id < 0) return H5X_EINVAL;
    if (H5Fflush(f->id, H5F_SCOPE_GLOBAL) < 0) return h5_fail_hdf5(f, H5X_EIO, "cannot flush");
    return H5X_OK;
}

/* fsync of a path; a directory that cannot be synced (EINVAL: the file system does not
 * support it) is not an error. */
static int h5_fsync_path(h5_file *f, const char *p, bool dir)
{
    int fd = open(p, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
    if (fd < 0) return h5_file_fail(f, H5X_EIO, "cannot open %s to sync it: %s", p, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    if (rc != 0 && !(dir && (e == EINVAL || e == EROFS)))
        return h5_file_fail(f, H5X_EIO, "cannot sync %s: %s", p, strerror(e));
    return H5X_OK;
}

int h5_file_commit(h5_file *f)
{
    if (!f || !f->tmp_path || f->id < 0 || f->committed) return H5X_EINVAL;
    if (H5Fflush(f->id, H5F_SCOPE_GLOBAL) < 0) return h5_fail_hdf5(f, H5X_EIO, "cannot flush");
    herr_t rc = H5Fclose(f->id);
    f->id = H5I_INVALID_HID;
    if (rc < 0) return h5_fail_hdf5(f, H5X_EIO, "cannot close %s", f->tmp_path);
    int s = h5_fsync_path(f, f->tmp_path, false);
    if (s) return s;
    if (rename(f->tmp_path, f->path) != 0)
        return h5_file_fail(f, H5X_EIO, "cannot rename %s to %s: %s", f->tmp_path, f->path,
                            strerror(errno));
    /* The rename is durable once the directory entry is. */
    char *dir = h5_strdup(f->path);
    if (!dir) return h5_file_fail(f, H5X_ENOMEM, "out of memory");
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, strlen(dir) + 1, ".");
    else if (slash == dir) slash[1] = '\0';
    else *slash = '\0';
    s = h5_fsync_path(f, dir, true);
    free(dir);
    if (s) return s;
    f->committed = true;
    return H5X_OK;
}

void h5_file_close(h5_file *f)
{
    if (!f) return;
    if (f->id >= 0) H5Fclose(f->id);
    free(f->path);
    free(f->tmp_path);
    free(f->publish_path);
    free(f);
}

const char *h5_file_error(const h5_file *f)
{
    return f ? f->err : "";
}

const char *h5_file_path(const h5_file *f)
{
    return f ? f->path : "";
}

hid_t h5_file_id(const h5_file *f)
{
    return f ? f->id : H5I_INVALID_HID;
}

/* ---- Groups and links ----------------------------------------------------------------------- */

bool h5_exists(h5_file *f, const char *path)
{
    if (!f || f->id < 0 || !path || path[0] != '/') return false;
    if (path[1] == '\0') return true;
    /* H5Lexists fails rather than answering false when a parent is missing, so walk down. */
    size_t n = strlen(path);
    char *p = h5_strdup(path);
    if (!p) return false;
    bool ok = true;
    for (size_t i = 1; i <= n && ok; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char c = p[i];
        p[i] = '\0';
        ok = H5Lexists(f->id, p, H5P_DEFAULT) > 0;
        p[i] = c;
    }
    free(p);
    return ok;
}

int h5_group_create(h5_file *f, const char *path)
{
    if (!f || f->id < 0 || !path || path[0] != '/') return H5X_EINVAL;
    size_t n = strlen(path);
    char *p = h5_strdup(path);
    if (!p) return h5_file_fail(f, H5X_ENOMEM, "out of memory");
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    int rc = H5X_OK;
    if (gcpl < 0 || H5Pset_obj_track_times(gcpl, false) < 0) {
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: cannot set up group properties", path);
        goto out;
    }
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char c = p[i];
        p[i] = '\0';
        htri_t e = H5Lexists(f->id, p, H5P_DEFAULT);
        if (e < 0) {
            rc = h5_fail_hdf5(f, H5X_EIO, "%s: cannot look up", p);
            goto out;
        }
        if (e == 0) {
            hid_t g = H5Gcreate2(f->id, p, H5P_DEFAULT, gcpl, H5P_DEFAULT);
            if (g < 0) {
                rc = h5_fail_hdf5(f, H5X_EIO, "%s: cannot create group", p);
                goto out;
            }
            H5Gclose(g);
        }
        p[i] = c;
    }
out:
    h5_close_id(gcpl);
    free(p);
    return rc;
}

/* ---- Attributes ----------------------------------------------------------------------------- */

static hid_t h5_vlstr_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

bool h5_attr_exists(h5_file *f, const char *obj, const char *name)
{
    if (!h5_exists(f, obj)) return false;
    return H5Aexists_by_name(f->id, obj, name, H5P_DEFAULT) > 0;
}

/* Writes an attribute of file type ftype and shape space from buf (memory type mtype). An
 * existing attribute of the same class and size is written in place; any other is replaced. */
static int h5_attr_write(h5_file *f, const char *obj, const char *name, hid_t ftype, hid_t mtype,
                         hid_t space, const void *buf)
{
    int rc = H5X_OK;
    hid_t o = H5I_INVALID_HID, a = H5I_INVALID_HID, at = H5I_INVALID_HID,
          as = H5I_INVALID_HID;
    o = H5Oopen(f->id, obj, H5P_DEFAULT);
    if (o < 0) return h5_fail_hdf5(f, H5X_ENOTFOUND, "%s: cannot open", obj);
    htri_t e = H5Aexists(o, name);
    if (e < 0) {
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot look up", obj, name);
        goto out;
    }
    if (e > 0) {
        a = H5Aopen(o, name, H5P_DEFAULT);
        if (a < 0) {
            rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot open", obj, name);
            goto out;
        }
        at = H5Aget_type(a);
        as = H5Aget_space(a);
        bool same = at >= 0 && as >= 0 && H5Tequal(at, ftype) > 0 &&
                    H5Sget_simple_extent_npoints(as) == H5Sget_simple_extent_npoints(space);
        if (!same) {
            H5Aclose(a);
            a = H5I_INVALID_HID;
            if (H5Adelete(o, name) < 0) {
                rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot replace", obj, name);
                goto out;
            }
        }
    }
    if (a < 0) {
        a = H5Acreate2(o, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
        if (a < 0) {
            rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot create", obj, name);
            goto out;
        }
    }
    if (H5Awrite(a, mtype, buf) < 0)
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot write", obj, name);
out:
    h5_close_id(as);
    h5_close_id(at);
    h5_close_id(a);
    h5_close_id(o);
    return rc;
}

static int h5_attr_set_scalar(h5_file *f, const char *obj, const char *name, hid_t ftype,
                              hid_t mtype, const void *buf)
{
    if (!f || f->id < 0 || !obj || !name) return H5X_EINVAL;
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0) return h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: no dataspace", obj, name);
    int rc = h5_attr_write(f, obj, name, ftype, mtype, space, buf);
    H5Sclose(space);
    return rc;
}

int h5_attr_set_str(h5_file *f, const char *obj, const char *name, const char *value)
{
    hid_t t = h5_vlstr_type();
    if (t < 0) return h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: no string type", obj, name);
    const char *v = value ? value : "";
    int rc = h5_attr_set_scalar(f, obj, name, t, t, &v);
    H5Tclose(t);
    return rc;
}

int h5_attr_set_int(h5_file *f, const char *obj, const char *name, int value)
{
    return h5_attr_set_scalar(f, obj, name, H5T_STD_I32LE, H5T_NATIVE_INT, &value);
}

int h5_attr_set_u64(h5_file *f, const char *obj, const char *name, uint64_t value)
{
    return h5_attr_set_scalar(f, obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

int h5_attr_set_f64(h5_file *f, const char *obj, const char *name, double value)
{
    return h5_attr_set_scalar(f, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

int h5_attr_set_strv(h5_file *f, const char *obj, const char *name, const char *const *v,
                     size_t n)
{
    if (!f || f->id < 0 || !obj || !name || (n && !v)) return H5X_EINVAL;
    /* HDF5 takes NULL for an empty string badly; give it "" instead. */
    const char **vv = malloc((n ? n : 1) * sizeof *vv);
    if (!vv) return h5_file_fail(f, H5X_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) vv[i] = v[i] ? v[i] : "";
    hsize_t dim = n;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    hid_t t = h5_vlstr_type();
    int rc;
    if (space < 0 || t < 0)
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot set up", obj, name);
    else
        rc = h5_attr_write(f, obj, name, t, t, space, vv);
    h5_close_id(t);
    h5_close_id(space);
    free(vv);
    return rc;
}

/* Opens attribute name of obj, with its type and space; H5X_ENOTFOUND when either is missing. */
static int h5_attr_open(h5_file *f, const char *obj, const char *name, hid_t *a, hid_t *t,
                        hid_t *s)
{
    *a = *t = *s = H5I_INVALID_HID;
    if (!f || f->id < 0 || !obj || !name) return H5X_EINVAL;
    if (!h5_exists(f, obj)) return h5_file_fail(f, H5X_ENOTFOUND, "%s: not found", obj);
    htri_t e = H5Aexists_by_name(f->id, obj, name, H5P_DEFAULT);
    if (e < 0) return h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot look up", obj, name);
    if (e == 0)
        return h5_file_fail(f, H5X_ENOTFOUND, "%s: attribute %s not found", obj, name);
    *a = H5Aopen_by_name(f->id, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (*a < 0) return h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot open", obj, name);
    *t = H5Aget_type(*a);
    *s = H5Aget_space(*a);
    if (*t < 0 || *s < 0) {
        int rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot read type", obj, name);
        h5_close_id(*s);
        h5_close_id(*t);
        h5_close_id(*a);
        *a = *t = *s = H5I_INVALID_HID;
        return rc;
    }
    return H5X_OK;
}

static void h5_attr_close(hid_t a, hid_t t, hid_t s)
{
    h5_close_id(s);
    h5_close_id(t);
    h5_close_id(a);
}

/* A scalar number attribute read into mtype (an integer or float native type). */
static int h5_attr_get_number(h5_file *f, const char *obj, const char *name, hid_t mtype,
                              void *out)
{
    hid_t a, t, s;
    int rc = h5_attr_open(f, obj, name, &a, &t, &s);
    if (rc) return rc;
    H5T_class_t c = H5Tget_class(t);
    if ((c != H5T_INTEGER && c != H5T_FLOAT) || H5Sget_simple_extent_npoints(s) != 1)
        rc = h5_file_fail(f, H5X_ETYPE, "%s: attribute %s is not a single number", obj, name);
    else if (H5Aread(a, mtype, out) < 0)
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot read", obj, name);
    h5_attr_close(a, t, s);
    return rc;
}

int h5_attr_get_int(h5_file *f, const char *obj, const char *name, int *out)
{
    return h5_attr_get_number(f, obj, name, H5T_NATIVE_INT, out);
}

int h5_attr_get_u64(h5_file *f, const char *obj, const char *name, uint64_t *out)
{
    return h5_attr_get_number(f, obj, name, H5T_NATIVE_UINT64, out);
}

int h5_attr_get_f64(h5_file *f, const char *obj, const char *name, double *out)
{
    return h5_attr_get_number(f, obj, name, H5T_NATIVE_DOUBLE, out);
}

void h5_strv_free(char **v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* Reads the n strings of a string attribute (variable- or fixed-length) into malloc'd copies. */
static int h5_attr_read_strings(h5_file *f, const char *obj, const char *name, hid_t a, hid_t t,
                                hid_t s, char **out, size_t n)
{
    int rc = H5X_OK;
    htri_t vl = H5Tis_variable_str(t);
    if (vl < 0) return h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: bad type", obj, name);
    if (vl) {
        hid_t m = h5_vlstr_type();
        char **raw = calloc(n ? n : 1, sizeof *raw);
        if (m < 0 || !raw) {
            h5_close_id(m);
            free(raw);
            return h5_file_fail(f, H5X_ENOMEM, "out of memory");
        }
        if (H5Aread(a, m, raw) < 0) {
            rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot read", obj, name);
        } else {
            for (size_t i = 0; i < n && rc == H5X_OK; i++) {
                out[i] = h5_strdup(raw[i] ? raw[i] : "");
                if (!out[i]) rc = h5_file_fail(f, H5X_ENOMEM, "out of memory");
            }
            H5Dvlen_reclaim(m, s, H5P_DEFAULT, raw);
        }
        H5Tclose(m);
        free(raw);
        return rc;
    }
    size_t len = H5Tget_size(t);
    if (len == 0) return h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: bad type", obj, name);
    hid_t m = H5Tcopy(H5T_C_S1);
    char *raw = malloc((n ? n : 1) * (len + 1));
    if (m < 0 || !raw || H5Tset_size(m, len + 1) < 0 ||
        H5Tset_strpad(m, H5T_STR_NULLTERM) < 0) {
        h5_close_id(m);
        free(raw);
        return h5_file_fail(f, H5X_ENOMEM, "out of memory");
    }
    if (H5Aread(a, m, raw) < 0) {
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: attribute %s: cannot read", obj, name);
    } else {
        for (size_t i = 0; i < n && rc == H5X_OK; i++) {
            raw[i * (len + 1) + len] = '\0';
            out[i] = h5_strdup(raw + i * (len + 1));
            if (!out[i]) rc = h5_file_fail(f, H5X_ENOMEM, "out of memory");
        }
    }
    H5Tclose(m);
    free(raw);
    return rc;
}

int h5_attr_get_str(h5_file *f, const char *obj, const char *name, char **out)
{
    *out = NULL;
    hid_t a, t, s;
    int rc = h5_attr_open(f, obj, name, &a, &t, &s);
    if (rc) return rc;
    if (H5Tget_class(t) != H5T_STRING || H5Sget_simple_extent_npoints(s) != 1)
        rc = h5_file_fail(f, H5X_ETYPE, "%s: attribute %s is not a single string", obj, name);
    else
        rc = h5_attr_read_strings(f, obj, name, a, t, s, out, 1);
    h5_attr_close(a, t, s);
    return rc;
}

int h5_attr_get_strv(h5_file *f, const char *obj, const char *name, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    hid_t a, t, s;
    int rc = h5_attr_open(f, obj, name, &a, &t, &s);
    if (rc) return rc;
    hssize_t np = H5Sget_simple_extent_npoints(s);
    if (H5Tget_class(t) != H5T_STRING || np < 0 || H5Sget_simple_extent_ndims(s) > 1) {
        rc = h5_file_fail(f, H5X_ETYPE, "%s: attribute %s is not a list of strings", obj,
                          name);
        goto out;
    }
    char **v = calloc(np ? (size_t)np : 1, sizeof *v);
    if (!v) {
        rc = h5_file_fail(f, H5X_ENOMEM, "out of memory");
        goto out;
    }
    rc = h5_attr_read_strings(f, obj, name, a, t, s, v, (size_t)np);
    if (rc) {
        h5_strv_free(v, (size_t)np);
        goto out;
    }
    *out = v;
    *n = (size_t)np;
out:
    h5_attr_close(a, t, s);
    return rc;
}

/* ---- Tables --------------------------------------------------------------------------------- */

/* The HDF5 type of a field, in the file (little-endian, fixed) or in memory (native). For
 * strings the caller closes the returned copy; for numbers the predefined type is returned and
 * must not be closed, hence *owned. */
static hid_t h5_field_type(const h5_field *fd, bool file, bool *owned)
{
    *owned = false;
    switch (fd->type) {
    case H5X_U32: return file ? H5T_STD_U32LE : H5T_NATIVE_UINT32;
    case H5X_I32: return file ? H5T_STD_I32LE : H5T_NATIVE_INT32;
    case H5X_I64: return file ? H5T_STD_I64LE : H5T_NATIVE_INT64;
    case H5X_U64: return file ? H5T_STD_U64LE : H5T_NATIVE_UINT64;
    case H5X_F64: return file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
    case H5X_STR: {
        if (fd->size < 1) return H5I_INVALID_HID;
        hid_t t = H5Tcopy(H5T_C_S1);
        if (t < 0) return t;
        if (H5Tset_size(t, fd->size) < 0 || H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 ||
            H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
            H5Tclose(t);
            return H5I_INVALID_HID;
        }
        *owned = true;
        return t;
    }
    }
    return H5I_INVALID_HID;
}

/* A compound type of the fields: in memory at the caller's offsets within row_size bytes, or
 * in the file packed in field order. */
static hid_t h5_compound(h5_file *f, const char *path, const h5_field *fields, size_t n,
                         size_t row_size, bool file)
{
    size_t size = 0;
    for (size_t i = 0; i < n; i++) {
        bool owned;
        hid_t t = h5_field_type(&fields[i], file, &owned);
        if (t < 0) {
            h5_fail_hdf5(f, H5X_EINVAL, "%s: field %s: bad type", path, fields[i].name);
            return H5I_INVALID_HID;
        }
        size_t tsize = H5Tget_size(t);
        if (owned) H5Tclose(t);
        size += tsize;
        if (!file && (fields[i].offset > row_size || tsize > row_size - fields[i].offset)) {
            h5_file_fail(f, H5X_EINVAL, "%s: field %s lies outside the row", path,
                         fields[i].name);
            return H5I_INVALID_HID;
        }
    }
    hid_t c = H5Tcreate(H5T_COMPOUND, file ? size : row_size);
    if (c < 0) {
        h5_fail_hdf5(f, H5X_EIO, "%s: cannot create a compound type", path);
        return c;
    }
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        bool owned;
        hid_t t = h5_field_type(&fields[i], file, &owned);
        herr_t rc = H5Tinsert(c, fields[i].name, file ? off : fields[i].offset, t);
        off += H5Tget_size(t);
        if (owned) H5Tclose(t);
        if (rc < 0) {
            h5_fail_hdf5(f, H5X_EINVAL, "%s: field %s: cannot add (duplicate name?)", path,
                         fields[i].name);
            H5Tclose(c);
            return H5I_INVALID_HID;
        }
    }
    return c;
}

/* Opens the dataset at path into *ds and checks that it is a 1-D table; its row count in *rows.
 * H5X_ENOTFOUND when nothing is there, H5X_ETYPE when something else is. */
static int h5_table_dataset(h5_file *f, const char *path, hid_t *ds, size_t *rows)
{
    *ds = H5I_INVALID_HID;
    *rows = 0;
    if (!h5_exists(f, path)) return h5_file_fail(f, H5X_ENOTFOUND, "%s: not found", path);
    hid_t d = H5Dopen2(f->id, path, H5P_DEFAULT);
    if (d < 0) return h5_fail_hdf5(f, H5X_ETYPE, "%s: not a dataset", path);
    hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    hsize_t dim = 0;
    bool ok = t >= 0 && s >= 0 && H5Tget_class(t) == H5T_COMPOUND &&
              H5Sget_simple_extent_ndims(s) == 1 &&
              H5Sget_simple_extent_dims(s, &dim, NULL) == 1;
    h5_close_id(t);
    h5_close_id(s);
    if (!ok) {
        H5Dclose(d);
        return h5_file_fail(f, H5X_ETYPE, "%s: not a table (a 1-D compound dataset)", path);
    }
    *ds = d;
    *rows = (size_t)dim;
    return H5X_OK;
}

/* Checks that every field exists in the dataset's type with a class the field can take. */
static int h5_table_check_fields(h5_file *f, const char *path, hid_t ds, const h5_field *fields,
                                 size_t n)
{
    hid_t t = H5Dget_type(ds);
    if (t < 0) return h5_fail_hdf5(f, H5X_EIO, "%s: cannot read its type", path);
    int rc = H5X_OK;
    for (size_t i = 0; i < n && rc == H5X_OK; i++) {
        int idx = H5Tget_member_index(t, fields[i].name);
        if (idx < 0) {
            rc = h5_file_fail(f, H5X_ENOTFOUND, "%s: field %s not found", path, fields[i].name);
            break;
        }
        H5T_class_t c = H5Tget_member_class(t, (unsigned)idx);
        bool want_str = fields[i].type == H5X_STR;
        bool ok = want_str ? c == H5T_STRING : (c == H5T_INTEGER || c == H5T_FLOAT);
        if (!ok)
            rc = h5_file_fail(f, H5X_ETYPE, "%s: field %s is %s in the file", path,
                              fields[i].name, want_str ? "not a string" : "not a number");
    }
    H5Tclose(t);
    return rc;
}

/* The strings of one attribute per table: names or units, parallel to the fields. */
static int h5_table_describe(h5_file *f, const char *path, const h5_field *fields, size_t n)
{
    const char **v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return h5_file_fail(f, H5X_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) v[i] = fields[i].name;
    int rc = h5_attr_set_strv(f, path, "field_names", v, n);
    for (size_t i = 0; i < n && rc == H5X_OK; i++) v[i] = fields[i].unit ? fields[i].unit : "";
    if (rc == H5X_OK) rc = h5_attr_set_strv(f, path, "units", v, n);
    free(v);
    return rc;
}

static h5_table *h5_table_alloc(h5_file *f, const char *path, size_t row_size)
{
    h5_table *t = calloc(1, sizeof *t);
    if (!t || !(t->path = h5_strdup(path))) {
        free(t);
        h5_file_fail(f, H5X_ENOMEM, "out of memory");
        return NULL;
    }
    t->f = f;
    t->ds = t->mtype = H5I_INVALID_HID;
    t->row_size = row_size;
    return t;
}

h5_table *h5_table_create(h5_file *f, const char *path, const h5_field *fields, size_t n_fields,
                          size_t row_size, size_t chunk_rows)
{
    if (!f || f->id < 0 || !path || !fields || n_fields == 0 || row_size == 0) {
        if (f) h5_file_fail(f, H5X_EINVAL, "%s: bad table description", path ? path : "?");
        return NULL;
    }
    h5_table *t = h5_table_alloc(f, path, row_size);
    if (!t) return NULL;
    hid_t ftype = H5I_INVALID_HID, space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID;
    ftype = h5_compound(f, path, fields, n_fields, row_size, true);
    if (ftype < 0) goto err;
    t->mtype = h5_compound(f, path, fields, n_fields, row_size, false);
    if (t->mtype < 0) goto err;
    if (chunk_rows == 0) {
        size_t per = H5X_CHUNK_BYTES / H5Tget_size(ftype);
        chunk_rows = per ? per : 1;
    }
    hsize_t dim = 0, maxdim = H5S_UNLIMITED, chunk = chunk_rows;
    space = H5Screate_simple(1, &dim, &maxdim);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, 1, &chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
        H5Pset_deflate(dcpl, H5X_DEFLATE_LEVEL) < 0 || H5Pset_obj_track_times(dcpl, false) < 0) {
        h5_fail_hdf5(f, H5X_EIO, "%s: cannot set up dataset properties", path);
        goto err;
    }
    t->ds = H5Dcreate2(f->id, path, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (t->ds < 0) {
        h5_fail_hdf5(f, H5X_EIO, "%s: cannot create the table", path);
        goto err;
    }
    if (h5_table_describe(f, path, fields, n_fields)) goto err;
    H5Tclose(ftype);
    H5Sclose(space);
    H5Pclose(dcpl);
    return t;
err:
    h5_close_id(ftype);
    h5_close_id(space);
    h5_close_id(dcpl);
    h5_table_close(t);
    return NULL;
}

h5_table *h5_table_open(h5_file *f, const char *path, const h5_field *fields, size_t n_fields,
                        size_t row_size)
{
    if (!f || f->id < 0 || !path || !fields || n_fields == 0 || row_size == 0) return NULL;
    h5_table *t = h5_table_alloc(f, path, row_size);
    if (!t) return NULL;
    if (h5_table_dataset(f, path, &t->ds, &t->rows) ||
        h5_table_check_fields(f, path, t->ds, fields, n_fields)) goto err;
    t->mtype = h5_compound(f, path, fields, n_fields, row_size, false);
    if (t->mtype < 0) goto err;
    return t;
err:
    h5_table_close(t);
    return NULL;
}

int h5_table_append(h5_table *t, const void *rows, size_t n)
{
    if (!t || (n && !rows)) return H5X_EINVAL;
    if (n == 0) return H5X_OK;
    h5_file *f = t->f;
    hsize_t start = t->rows, count = n, total = t->rows + n;
    if (H5Dset_extent(t->ds, &total) < 0)
        return h5_fail_hdf5(f, H5X_EIO, "%s: cannot extend to %zu rows", t->path, t->rows + n);
    int rc = H5X_OK;
    hid_t fs = H5Dget_space(t->ds), ms = H5Screate_simple(1, &count, NULL);
    if (fs < 0 || ms < 0 ||
        H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0) {
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: cannot select rows", t->path);
    } else {
        /* The table's own conversion buffers: by default HDF5 callocs two 1 MiB buffers on
         * every H5Dwrite, and zeroing them was a third of the CPU of appending a replication
         * (two thirds for a short one). n rows of the larger of the caller's and the file's
         * row hold the whole request (the caller may write only some of the columns); beyond
         * 8 MiB HDF5 converts in pieces. A failed allocation leaves HDF5 its own buffers. */
        hid_t ftype = H5Dget_type(t->ds);
        size_t fsize = ftype >= 0 ? H5Tget_size(ftype) : 0;
        h5_close_id(ftype);
        size_t elem = fsize > t->row_size ? fsize : t->row_size;
        size_t want = n * elem;
        if (want > ((size_t)8 << 20)) want = elem > ((size_t)8 << 20) ? elem : (size_t)8 << 20;
        if (want > t->conv_size) {
            void *c = realloc(t->conv, want), *b = c ? realloc(t->bkg, want) : NULL;
            if (c) t->conv = c;
            if (b) t->bkg = b;
            if (c && b) t->conv_size = want;
        }
        hid_t dxpl = t->conv_size >= want ? H5Pcreate(H5P_DATASET_XFER) : H5P_DEFAULT;
        if (dxpl != H5P_DEFAULT && (dxpl < 0 || H5Pset_buffer(dxpl, t->conv_size, t->conv,
                                                              t->bkg) < 0)) {
            h5_close_id(dxpl);
            dxpl = H5P_DEFAULT;
        }
        if (H5Dwrite(t->ds, t->mtype, ms, fs, dxpl, rows) < 0)
            rc = h5_fail_hdf5(f, H5X_EIO, "%s: cannot write %zu rows", t->path, n);
        if (dxpl != H5P_DEFAULT) h5_close_id(dxpl);
    }
    h5_close_id(ms);
    h5_close_id(fs);
    if (rc) {
        /* Give back the rows we could not fill, so the table never shows fill values as
         * data; if even that fails the file is as broken as the write said. */
        hsize_t back = t->rows;
        H5Dset_extent(t->ds, &back);
        return rc;
    }
    t->rows += n;
    if (H5Fflush(f->id, H5F_SCOPE_GLOBAL) < 0)
        return h5_fail_hdf5(f, H5X_EIO, "%s: cannot flush after appending", t->path);
    return H5X_OK;
}

int h5_table_truncate(h5_table *t, size_t n)
{
    if (!t || n > t->rows) return H5X_EINVAL;
    if (n == t->rows) return H5X_OK;
    hsize_t dim = n;
    if (H5Dset_extent(t->ds, &dim) < 0)
        return h5_fail_hdf5(t->f, H5X_EIO, "%s: cannot cut to %zu rows", t->path, n);
    t->rows = n;
    if (H5Fflush(t->f->id, H5F_SCOPE_GLOBAL) < 0)
        return h5_fail_hdf5(t->f, H5X_EIO, "%s: cannot flush", t->path);
    return H5X_OK;
}

size_t h5_table_rows(const h5_table *t)
{
    return t ? t->rows : 0;
}

void h5_table_close(h5_table *t)
{
    if (!t) return;
    h5_close_id(t->ds);
    h5_close_id(t->mtype);
    free(t->conv);
    free(t->bkg);
    free(t->path);
    free(t);
}

int h5_table_nrows(h5_file *f, const char *path, size_t *out)
{
    *out = 0;
    if (!f || f->id < 0 || !path) return H5X_EINVAL;
    hid_t ds;
    int rc = h5_table_dataset(f, path, &ds, out);
    if (rc) return rc;
    H5Dclose(ds);
    return H5X_OK;
}

int h5_table_field_names(h5_file *f, const char *path, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t rows;
    if (!f || f->id < 0 || !path) return H5X_EINVAL;
    hid_t ds;
    int rc = h5_table_dataset(f, path, &ds, &rows);
    if (rc) return rc;
    hid_t t = H5Dget_type(ds);
    int nm = t >= 0 ? H5Tget_nmembers(t) : -1;
    char **v = NULL;
    if (nm < 0) {
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: cannot read its type", path);
        goto out;
    }
    v = calloc(nm ? (size_t)nm : 1, sizeof *v);
    if (!v) {
        rc = h5_file_fail(f, H5X_ENOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < nm; i++) {
        char *name = H5Tget_member_name(t, (unsigned)i);
        if (!name) {
            rc = h5_fail_hdf5(f, H5X_EIO, "%s: cannot read field %d's name", path, i);
            break;
        }
        v[i] = h5_strdup(name);
        H5free_memory(name);
        if (!v[i]) {
            rc = h5_file_fail(f, H5X_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc) {
        h5_strv_free(v, (size_t)nm);
        goto out;
    }
    *out = v;
    *n = (size_t)nm;
out:
    h5_close_id(t);
    H5Dclose(ds);
    return rc;
}

int h5_table_read(h5_file *f, const char *path, const h5_field *fields, size_t n_fields,
                  size_t row_size, void **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!f || f->id < 0 || !path || !fields || n_fields == 0 || row_size == 0) return H5X_EINVAL;
    size_t rows;
    hid_t ds;
    int rc = h5_table_dataset(f, path, &ds, &rows);
    if (rc) return rc;
    rc = h5_table_check_fields(f, path, ds, fields, n_fields);
    hid_t m = H5I_INVALID_HID;
    void *buf = NULL;
    if (rc) goto out;
    if (rows == 0) goto out;
    if (rows > SIZE_MAX / row_size) {
        rc = h5_file_fail(f, H5X_ENOMEM, "%s: too many rows (%zu)", path, rows);
        goto out;
    }
    m = h5_compound(f, path, fields, n_fields, row_size, false);
    if (m < 0) {
        rc = H5X_EINVAL;
        goto out;
    }
    buf = calloc(rows, row_size);
    if (!buf) {
        rc = h5_file_fail(f, H5X_ENOMEM, "%s: out of memory for %zu rows", path, rows);
        goto out;
    }
    if (H5Dread(ds, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        rc = h5_fail_hdf5(f, H5X_EIO, "%s: cannot read", path);
        free(buf);
        goto out;
    }
    /* HDF5 null-terminates converted strings, but a caller's struct deserves the guarantee
     * whatever the file's padding said. */
    for (size_t i = 0; i < n_fields; i++)
        if (fields[i].type == H5X_STR)
            for (size_t r = 0; r < rows; r++)
                ((char *)buf)[r * row_size + fields[i].offset + fields[i].size - 1] = '\0';
    *out = buf;
    *n = rows;
out:
    h5_close_id(m);
    H5Dclose(ds);
    return rc;
}

int h5_table_read_f64(h5_file *f, const char *path, const char *field, double **out, size_t *n)
{
    h5_field fd = {.name = field, .type = H5X_F64, .offset = 0};
    void *buf;
    int rc = h5_table_read(f, path, &fd, 1, sizeof(double), &buf, n);
    *out = buf;
    return rc;
}

int h5_table_read_i64(h5_file *f, const char *path, const char *field, int64_t **out,
                      size_t *n)
{
    h5_field fd = {.name = field, .type = H5X_I64, .offset = 0};
    void *buf;
    int rc = h5_table_read(f, path, &fd, 1, sizeof(int64_t), &buf, n);
    *out = buf;
    return rc;
}

int h5_table_read_u64(h5_file *f, const char *path, const char *field, uint64_t **out,
                      size_t *n)
{
    h5_field fd = {.name = field, .type = H5X_U64, .offset = 0};
    void *buf;
    int rc = h5_table_read(f, path, &fd, 1, sizeof(uint64_t), &buf, n);
    *out = buf;
    return rc;
}
