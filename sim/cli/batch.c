/* batch.c - one batch of replications over threads and ranks. See batch.h.
 *
 * What travels between ranks. Rank 0 sends a replication index (4 bytes; BATCH_STOP ends the
 * serving thread); the serving thread replies with one message: a header, each record array of
 * the rep_result (calls, units, lines, posts, cells: batch_arrays) and the /summary row, copied
 * as bytes. The ranks run the same binary on the same architecture, so the records need no
 * conversion and rank 0 writes exactly the bytes a local worker would have produced. A new
 * array in rep_result must be added to batch_arrays; the _Static_asserts below fail the build
 * until it is (and the MPI test compares the files table by table).
 *
 * Tags keep the conversations apart: thread t of a rank receives indices with tag
 * BATCH_TAG_WORK + t and replies with BATCH_TAG_RESULT + t, and rank 0 has one proxy worker per
 * (rank, thread), so no two threads ever wait for the same message.
 */
#include "batch.h"

#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "paired.h"
#include "progress.h"
#include "replay_h5.h"
#include "results.h"
#include "runner.h"
#include "stats.h"

#define BATCH_STOP            0xFFFFFFFFu
#define BATCH_TAG_WORK        1000
#define BATCH_TAG_RESULT      20000
#define BATCH_MAGIC           0x31525350u /* "PSR1" */
#define BATCH_MAX_THREADS     1024
#define BATCH_PRECISION_FIRST 10 /* replications before the stopping rule is first checked */

/* ---- Agreement between ranks ---------------------------------------------------------------- */

static uint64_t batch_fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* What makes two ranks' scenarios the same run: the identity results.h defines. */
static uint64_t batch_fingerprint(const scenario *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    char *key = results_overrides_key(s->overrides);
    h = batch_fnv(h, &s->seed, sizeof s->seed);
    h = batch_fnv(h, s->text, strlen(s->text) + 1);
    if (key) h = batch_fnv(h, key, strlen(key) + 1);
    free(key);
    h = batch_fnv(h, s->input_hashes, s->n_inputs * sizeof *s->input_hashes);
    return h;
}

int batch_agree(cluster *cl, const scenario *s, int ok, char *err, size_t errlen)
{
    int all;
    if (cluster_all_ok(cl, s != NULL && ok, &all)) goto mpi;
    if (!all) {
        if (s && ok && err && errlen)
            snprintf(err, errlen, "another rank could not load the scenario (see its messages)");
        return -1;
    }
    uint64_t mine = batch_fingerprint(s), root = mine;
    if (cluster_bcast_u64(cl, &root)) goto mpi;
    if (cluster_all_ok(cl, mine == root, &all)) goto mpi;
    if (!all) {
        if (err && errlen)
            snprintf(err, errlen,
                     "the ranks read different scenarios or input files (is %s "
                     "the same file on every node?)",
                     s->path);
        return -2;
    }
    return 0;
mpi:
    if (err && errlen) snprintf(err, errlen, "MPI failed while the ranks compared scenarios");
    return -3;
}

/* ---- One replication's records, here and on the wire ---------------------------------------- */

typedef struct batch_item {
    rep_result r;
    replay *rec;  /* its replay (--replay), written under /replay before the row; or NULL */
    double row[]; /* the /summary row */
} batch_item;

/* The record arrays of a rep_result: where its pointer and count are, and the record size. */
typedef struct batch_array {
    size_t ptr, count, size;
} batch_array;

#define BATCH_ARRAY(p, n, t)                                                                       \
    {                                                                                              \
        offsetof(rep_result, p), offsetof(rep_result, n), sizeof(t)                                \
    }
static const batch_array batch_arrays[] = {
    BATCH_ARRAY(calls, n_calls, call_rec), BATCH_ARRAY(units, n_units, unit_rec),
    BATCH_ARRAY(lines, n_lines, line_rec), BATCH_ARRAY(posts, n_posts, post_rec),
    BATCH_ARRAY(cells, n_cells, cell_rec), BATCH_ARRAY(majors, n_majors, major_rec),
    BATCH_ARRAY(curve, n_curve, major_pt), BATCH_ARRAY(mj_units, n_mj_units, major_unit),
};
#undef BATCH_ARRAY
#define BATCH_N_ARRAYS (sizeof batch_arrays / sizeof batch_arrays[0])
_Static_assert(offsetof(rep_result, events) == offsetof(rep_result, n_mj_units) + sizeof(size_t),
               "rep_result has a new member before events: add it to batch_arrays");
_Static_assert(sizeof(rep_result) == offsetof(rep_result, queue_at_stop) + sizeof(int32_t) + 4,
               "rep_result has a new member after queue_at_stop: add it to batch_head");

static void **batch_array_ptr(rep_result *r, size_t i)
{
    return (void **)((char *)r + batch_arrays[i].ptr);
}

static size_t *batch_array_count(rep_result *r, size_t i)
{
    return (size_t *)((char *)r + batch_arrays[i].count);
}

typedef struct batch_head {
    uint32_t magic;
    uint32_t rep;
    int32_t ok; /* 0: the replication failed on the serving rank */
    uint32_t n_row;
    uint64_t events;
    int32_t unstable, queue_at_stop; /* rep_result's stop of an unstable replication */
    double t_unstable_s;
    uint64_t count[BATCH_N_ARRAYS];
} batch_head;

static void batch_item_free(void *ctx, void *p)
{
    (void)ctx;
    batch_item *it = p;
    if (!it) return;
    rep_result_fini(&it->r);
    replay_destroy(it->rec);
    free(it);
}

/* Runs one replication with a workspace into a new item; NULL on failure. */
static batch_item *batch_compute(model_ws *ws, const scenario *s, const metrics *m, uint32_t rep)
{
    batch_item *it = calloc(1, sizeof *it + m->n * sizeof(double));
    if (!it) return NULL;
    if (model_run_rep(ws, rep, &it->r) || metrics_compute(m, s, &it->r, it->row)) {
        batch_item_free(NULL, it);
        return NULL;
    }
    return it;
}

/* The message for an item (or a failure when it is NULL); free(). */
static void *batch_pack(batch_item *it, uint32_t rep, size_t n_row, size_t *len)
{
    batch_head h = {.magic = BATCH_MAGIC, .rep = rep, .ok = it != NULL, .n_row = (uint32_t)n_row};
    *len = sizeof h;
    if (it) {
        h.events = it->r.events;
        h.unstable = it->r.unstable;
        h.queue_at_stop = it->r.queue_at_stop;
        h.t_unstable_s = it->r.t_unstable_s;
        for (size_t i = 0; i < BATCH_N_ARRAYS; i++) {
            h.count[i] = *batch_array_count(&it->r, i);
            *len += (size_t)h.count[i] * batch_arrays[i].size;
        }
        *len += n_row * sizeof(double);
    }
    unsigned char *b = malloc(*len), *p = b;
    if (!b) return NULL;
    memcpy(p, &h, sizeof h);
    p += sizeof h;
    if (it) {
        for (size_t i = 0; i < BATCH_N_ARRAYS; i++) {
            size_t n = (size_t)h.count[i] * batch_arrays[i].size;
            if (n) memcpy(p, *batch_array_ptr(&it->r, i), n);
            p += n;
        }
        memcpy(p, it->row, n_row * sizeof(double));
    }
    return b;
}

/* The item a message carries; NULL when it reports a failure or is malformed. */
static batch_item *batch_unpack(const void *msg, size_t len, uint32_t rep, size_t n_row)
{
    batch_head h;
    if (len < sizeof h) return NULL;
    memcpy(&h, msg, sizeof h);
    if (h.magic != BATCH_MAGIC || h.rep != rep || !h.ok || h.n_row != n_row) return NULL;
    size_t want = sizeof h + n_row * sizeof(double);
    for (size_t i = 0; i < BATCH_N_ARRAYS; i++)
        want += (size_t)h.count[i] * batch_arrays[i].size;
    if (len != want) return NULL;
    batch_item *it = calloc(1, sizeof *it + n_row * sizeof(double));
    if (!it) return NULL;
    it->r.rep = rep;
    it->r.events = h.events;
    it->r.unstable = h.unstable;
    it->r.queue_at_stop = h.queue_at_stop;
    it->r.t_unstable_s = h.t_unstable_s;
    const unsigned char *p = (const unsigned char *)msg + sizeof h;
    for (size_t i = 0; i < BATCH_N_ARRAYS; i++) {
        size_t n = (size_t)h.count[i] * batch_arrays[i].size;
        void *a = malloc(n ? n : 1);
        if (!a) {
            batch_item_free(NULL, it);
            return NULL;
        }
        memcpy(a, p, n);
        p += n;
        *batch_array_ptr(&it->r, i) = a;
        *batch_array_count(&it->r, i) = (size_t)h.count[i];
    }
    it->r.cap_calls = it->r.n_calls;
    memcpy(it->row, p, n_row * sizeof(double));
    return it;
}

/* ---- Serving (ranks other than 0) ----------------------------------------------------------- */

typedef struct batch_slot {
    cluster *cl;
    const scenario *s;
    const metrics *m;
    int index;  /* the thread's number on this rank: its tags */
    int failed; /* MPI failed */
    pthread_t tid;
} batch_slot;

/* One serving thread: index in, records out, until BATCH_STOP. A replication that fails here
 * is reported to rank 0, which stops the run; the thread keeps serving until told to stop. */
static void *batch_slot_main(void *arg)
{
    batch_slot *sl = arg;
    model_ws *ws = model_ws_create(sl->s);
    for (;;) {
        void *msg;
        size_t len;
        if (cluster_recv(sl->cl, 0, BATCH_TAG_WORK + sl->index, &msg, &len)) {
            sl->failed = 1;
            break;
        }
        uint32_t rep = BATCH_STOP;
        if (len == sizeof rep) memcpy(&rep, msg, sizeof rep);
        free(msg);
        if (rep == BATCH_STOP) break;
        batch_item *it = ws ? batch_compute(ws, sl->s, sl->m, rep) : NULL;
        size_t n;
        void *reply = batch_pack(it, rep, sl->m->n, &n);
        batch_item_free(NULL, it);
        if (!reply) {
            /* Out of memory for the reply: send a bare failure header. */
            batch_head h = {.magic = BATCH_MAGIC, .rep = rep, .ok = 0};
            if (cluster_send(sl->cl, 0, BATCH_TAG_RESULT + sl->index, &h, sizeof h)) sl->failed = 1;
            continue;
        }
        int rc = cluster_send(sl->cl, 0, BATCH_TAG_RESULT + sl->index, reply, n);
        free(reply);
        if (rc) {
            sl->failed = 1;
            break;
        }
    }
    model_ws_destroy(ws);
    return NULL;
}

/* The serving threads of this rank: thread 0 is the calling one, the others start here (they
 * wait for their first index at once). Returns how many there are: rank 0 is told this count,
 * so a thread that could not start is never sent work. */
static int batch_serve_start(batch_slot *sl, cluster *cl, const scenario *s, const metrics *m,
                             int threads)
{
    int n = 0;
    for (int t = 0; t < threads; t++) {
        sl[t] = (batch_slot){.cl = cl, .s = s, .m = m, .index = t};
        if (t > 0 && pthread_create(&sl[t].tid, NULL, batch_slot_main, &sl[t]) != 0) break;
        n++;
    }
    return n;
}

static int batch_serve_finish(batch_slot *sl, int n)
{
    batch_slot_main(&sl[0]);
    int failed = sl[0].failed;
    for (int t = 1; t < n; t++) {
        pthread_join(sl[t].tid, NULL);
        failed |= sl[t].failed;
    }
    return failed ? BATCH_FAILED : BATCH_DONE;
}

/* ---- Rank 0 --------------------------------------------------------------------------------- */

static double batch_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

enum { ROLE_LOCAL, ROLE_PROXY };

typedef struct batch_role {
    int kind;
    model_ws *ws;     /* ROLE_LOCAL */
    int rank, thread; /* ROLE_PROXY: whom it speaks for */
    double typical_s; /* ROLE_PROXY: a moving average of its round trips, 0 before the first */
} batch_role;

typedef struct batch_ctx {
    cluster *cl;
    const scenario *s;
    const metrics *m;
    results_writer *w;
    batch_out *out;
    size_t cap_rows;
    progress prog;
    size_t total; /* for the progress display */

    pthread_mutex_t mu;           /* guards the role pool */
    int local_left;               /* local roles not taken */
    int *pool_rank, *pool_thread; /* remote threads without a proxy */
    size_t pool_n;
    char fail_msg[512];          /* the first failure, written under mu */
    const uint32_t *replay_reps; /* batch_opts.replay_reps */
    size_t n_replay_reps;
} batch_ctx;

static void batch_fail(batch_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void batch_fail(batch_ctx *c, const char *fmt, ...)
{
    pthread_mutex_lock(&c->mu);
    if (!c->fail_msg[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->fail_msg, sizeof c->fail_msg, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&c->mu);
}

static void *batch_worker_init(void *ctx)
{
    batch_ctx *c = ctx;
    batch_role *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    pthread_mutex_lock(&c->mu);
    if (c->local_left > 0) {
        c->local_left--;
        r->kind = ROLE_LOCAL;
    } else if (c->pool_n > 0) {
        c->pool_n--;
        r->kind = ROLE_PROXY;
        r->rank = c->pool_rank[c->pool_n];
        r->thread = c->pool_thread[c->pool_n];
    } else {
        free(r);
        r = NULL;
    }
    pthread_mutex_unlock(&c->mu);
    if (r && r->kind == ROLE_LOCAL && !(r->ws = model_ws_create(c->s))) {
        pthread_mutex_lock(&c->mu);
        c->local_left++;
        pthread_mutex_unlock(&c->mu);
        free(r);
        return NULL;
    }
    return r;
}

static void batch_worker_fini(void *ctx, void *state)
{
    batch_ctx *c = ctx;
    batch_role *r = state;
    if (!r) return;
    pthread_mutex_lock(&c->mu);
    if (r->kind == ROLE_LOCAL) {
        c->local_left++;
    } else {
        c->pool_rank[c->pool_n] = r->rank;
        c->pool_thread[c->pool_n] = r->thread;
        c->pool_n++;
    }
    pthread_mutex_unlock(&c->mu);
    model_ws_destroy(r->ws);
    free(r);
}

static int batch_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A replication chosen with --replay, recorded. It runs here on rank 0 whatever the worker's
 * role (a proxy borrows a workspace for it), so a replay never has to cross ranks; recording
 * changes no result, so the data are those any rank would compute. */
static batch_item *batch_compute_replay(batch_ctx *c, batch_role *r, uint32_t rep)
{
    model_ws *ws = r->kind == ROLE_LOCAL ? r->ws : model_ws_create(c->s);
    replay *rec = replay_create();
    batch_item *it = NULL;
    if (ws && rec) {
        model_ws_set_replay(ws, rec);
        it = batch_compute(ws, c->s, c->m, rep);
        model_ws_set_replay(ws, NULL);
    }
    if (ws != r->ws) model_ws_destroy(ws);
    if (it)
        it->rec = rec;
    else
        replay_destroy(rec);
    return it;
}

static void *batch_worker_rep(void *ctx, void *state, uint32_t rep)
{
    batch_ctx *c = ctx;
    batch_role *r = state;
    if (c->n_replay_reps &&
        bsearch(&rep, c->replay_reps, c->n_replay_reps, sizeof rep, batch_cmp_u32)) {
        batch_item *it = batch_compute_replay(c, r, rep);
        if (!it) batch_fail(c, "replication %u (recording its replay): out of memory", rep);
        return it;
    }
    if (r->kind == ROLE_LOCAL) {
        batch_item *it = batch_compute(r->ws, c->s, c->m, rep);
        if (!it) batch_fail(c, "replication %u: out of memory", rep);
        return it;
    }
    void *msg = NULL;
    size_t len = 0;
    batch_item *it = NULL;
    double t0 = batch_now_s();
    int sent = cluster_send(c->cl, r->rank, BATCH_TAG_WORK + r->thread, &rep, sizeof rep);
    /* The reply cannot come before the replication is computed: sleep through most of a
     * typical round trip before polling for it. Polling all along (every 200 us at most) cost
     * rank 0 about a fifth of a replication's CPU per replication in probes (Open MPI's
     * progress engine walks every transport each time); a result that comes sooner than
     * expected waits at most the rest of this sleep, on the remote side. */
    if (sent == 0 && r->typical_s > 0) {
        double nap = 0.7 * r->typical_s;
        struct timespec ts = {(time_t)nap, (long)((nap - (double)(time_t)nap) * 1e9)};
        nanosleep(&ts, NULL);
    }
    if (sent == 0 && cluster_recv(c->cl, r->rank, BATCH_TAG_RESULT + r->thread, &msg, &len) == 0) {
        double rtt = batch_now_s() - t0;
        r->typical_s = r->typical_s > 0 ? 0.7 * r->typical_s + 0.3 * rtt : rtt;
        it = batch_unpack(msg, len, rep, c->m->n);
        if (!it)
            batch_fail(c,
                       "replication %u failed on rank %d (out of memory there, or a "
                       "malformed reply)",
                       rep, r->rank);
    } else {
        batch_fail(c, "replication %u: MPI failed talking to rank %d", rep, r->rank);
    }
    free(msg);
    return it;
}

static int batch_deliver(void *ctx, uint32_t rep, void *p)
{
    batch_ctx *c = ctx;
    batch_item *it = p;
    batch_out *o = c->out;
    /* The replay first: a replication counts as done once its /summary row is in. */
    int rc = it->rec ? replay_h5_write(results_h5(c->w), it->rec) : 0;
    if (!rc) rc = results_append_rep(c->w, &it->r, it->row);
    if (rc) {
        batch_fail(c, "replication %u: %s", rep, results_error(c->w));
    } else {
        if (o->n_rows == c->cap_rows) {
            size_t cap = c->cap_rows ? 2 * c->cap_rows : 64;
            double *nr = realloc(o->rows, cap * c->m->n * sizeof *nr);
            if (!nr) {
                batch_fail(c, "out of memory");
                batch_item_free(NULL, it);
                return -1;
            }
            o->rows = nr;
            c->cap_rows = cap;
        }
        memcpy(&o->rows[o->n_rows++ * c->m->n], it->row, c->m->n * sizeof(double));
        o->run_now++;
        o->events += it->r.events;
        o->calls += it->r.n_calls;
        progress_update(&c->prog, o->n_rows);
    }
    batch_item_free(NULL, it);
    return rc;
}

/* CPU seconds of this thread or this process. */
static double batch_cpu_s(clockid_t which)
{
    struct timespec t;
    if (clock_gettime(which, &t) != 0) return NAN;
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static bool batch_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The 95% interval of response_mean_s over the rows so far. */
static stats_ci batch_main_ci(const batch_ctx *c)
{
    int j = metrics_find(c->m, "response_mean_s");
    if (j < 0 || c->out->n_rows == 0) return (stats_ci){.mean = NAN, .half_width = NAN, .sd = NAN};
    return stats_ci95_strided(c->out->rows + j, c->out->n_rows, c->m->n);
}

/* How many replications the file should hold after the next batch: everything when there is
 * no stopping rule; with one, the count its figures ask for (see batch.h), or n (stop) once
 * the rule is met. Depends on nothing but the rows and the options. */
static size_t batch_next_target(const batch_ctx *c, const batch_opts *o, size_t n, size_t n_max,
                                bool *reached)
{
    *reached = false;
    if (o->precision <= 0) return n_max;
    if (n < BATCH_PRECISION_FIRST)
        return BATCH_PRECISION_FIRST < n_max ? BATCH_PRECISION_FIRST : n_max;
    stats_ci ci = batch_main_ci(c);
    double target = o->precision_relative ? o->precision * fabs(ci.mean) : o->precision;
    if (ci.half_width <= target) {
        *reached = true;
        return n;
    }
    size_t need = paired_reps_for_half_width(ci.sd, target);
    size_t cap = 2 * n > n + 10 ? 2 * n : n + 10;
    if (need == 0 || need > cap) need = cap;
    if (need <= n) need = n + 1;
    return need < n_max ? need : n_max;
}

/* Opens the file as o says; on resume, reads back the rows already in it. */
static int batch_open(batch_ctx *c, const char *out_path, const batch_opts *o,
                      const char *command_line, char *err, size_t errlen)
{
    const scenario *s = c->s;
    results_meta meta = {PATROLSIM_VERSION, PATROLSIM_GIT_REV, command_line};
    char tmp[4200], e[1024];
    snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
    bool from_tmp = o->resume && batch_exists(tmp);
    if (!from_tmp && o->resume && batch_exists(out_path)) {
        size_t n;
        bool complete;
        int rc = results_check_run(out_path, s, o->rep_first, &n, &complete, e, sizeof e);
        if (rc) {
            snprintf(err, errlen,
                     "%s\n(--resume continues a run of the same scenario, "
                     "overrides and seed; remove the file or choose another -o)",
                     e);
            return rc == RESULTS_EMISMATCH ? BATCH_REFUSED : BATCH_FAILED;
        }
        results_summary sum;
        if (complete && n >= (size_t)(o->rep_end - o->rep_first) &&
            results_read_summary(out_path, &sum, e, sizeof e) == 0) {
            /* Nothing to run: hand back the rows for the table. */
            c->out->rows = sum.rows;
            c->out->n_rows = c->out->resumed = sum.n_reps;
            sum.rows = NULL;
            results_summary_fini(&sum);
            c->out->already_complete = true;
            return BATCH_DONE;
        }
        /* A finished file to extend (a larger -r, or a stopping rule not met yet): it becomes
         * the .tmp again and is resumed like one. */
        if (rename(out_path, tmp) != 0) {
            snprintf(err, errlen, "%s: cannot rename it to %s to continue it: %s", out_path, tmp,
                     strerror(errno));
            return BATCH_FAILED;
        }
        from_tmp = true;
    }
    if (!from_tmp) {
        c->w =
            results_create_range(out_path, s, c->m, &meta, o->rep_first, o->rep_end, e, sizeof e);
        if (!c->w) {
            snprintf(err, errlen, "%s", e);
            return BATCH_FAILED;
        }
        return BATCH_DONE;
    }
    results_summary sum;
    int rc = results_read_summary(tmp, &sum, e, sizeof e);
    if (rc) {
        snprintf(err, errlen, "%s\n(cannot continue it; remove it to start afresh)", e);
        results_summary_fini(&sum);
        return BATCH_FAILED;
    }
    size_t done;
    int code;
    c->w = results_resume_range(out_path, s, c->m, &meta, o->rep_first, o->rep_end, &done, &code, e,
                                sizeof e);
    if (!c->w) {
        results_summary_fini(&sum);
        snprintf(err, errlen,
                 "%s\n(--resume continues a run of the same scenario, overrides "
                 "and seed; remove %s or run without --resume)",
                 e, tmp);
        return code == RESULTS_EMISMATCH ? BATCH_REFUSED : BATCH_FAILED;
    }
    if (done > sum.n_reps || sum.m.n != c->m->n) {
        results_summary_fini(&sum);
        snprintf(err, errlen, "%s: holds %zu replications but /summary read %zu", tmp, done,
                 sum.n_reps);
        return BATCH_FAILED;
    }
    c->out->rows = sum.rows;
    c->out->n_rows = c->out->resumed = done;
    c->cap_rows = sum.n_reps;
    sum.rows = NULL;
    results_summary_fini(&sum);
    return BATCH_DONE;
}

static int batch_lead(cluster *cl, const scenario *s, const metrics *m, const char *out_path,
                      const batch_opts *o, const char *command_line, const int *threads_of,
                      batch_out *out, char *err, size_t errlen)
{
    int size = cluster_size(cl), remote = 0;
    for (int k = 1; k < size; k++)
        remote += threads_of[k];
    batch_ctx c = {.cl = cl,
                   .s = s,
                   .m = m,
                   .out = out,
                   .local_left = o->threads,
                   .replay_reps = o->replay_reps,
                   .n_replay_reps = o->n_replay_reps};
    pthread_mutex_init(&c.mu, NULL);
    c.pool_rank = calloc((size_t)remote + 1, sizeof *c.pool_rank);
    c.pool_thread = calloc((size_t)remote + 1, sizeof *c.pool_thread);
    if (!c.pool_rank || !c.pool_thread) {
        snprintf(err, errlen, "out of memory");
        free(c.pool_rank);
        free(c.pool_thread);
        pthread_mutex_destroy(&c.mu);
        return BATCH_FAILED;
    }
    /* Proxies are taken from the end: interleave ranks so that a small batch spreads out. */
    int most = 0;
    for (int k = 1; k < size; k++)
        most = threads_of[k] > most ? threads_of[k] : most;
    for (int t = most - 1; t >= 0; t--)
        for (int k = size - 1; k >= 1; k--)
            if (t < threads_of[k]) {
                c.pool_rank[c.pool_n] = k;
                c.pool_thread[c.pool_n] = t;
                c.pool_n++;
            }
    out->ranks = size;
    out->workers = o->threads + remote;
    out->half_width_s = NAN;

    int status = batch_open(&c, out_path, o, command_line, err, errlen);
    size_t n_max = o->rep_end - o->rep_first;
    if (status == BATCH_DONE && !out->already_complete) {
        progress_begin(&c.prog, stderr, o->progress, o->label, n_max, out->n_rows);
        double t0 = batch_now_s(), w0 = batch_cpu_s(CLOCK_THREAD_CPUTIME_ID),
               p0 = batch_cpu_s(CLOCK_PROCESS_CPUTIME_ID);
        bool reached = false;
        for (;;) {
            size_t n = out->n_rows, target = batch_next_target(&c, o, n, n_max, &reached);
            if (target <= n) break;
            runner_job job = {
                .threads = o->threads + remote,
                .first_rep = o->rep_first + (uint32_t)n,
                .n_reps = (uint32_t)(target - n),
                .ctx = &c,
                .worker_init = batch_worker_init,
                .worker_fini = batch_worker_fini,
                .run_rep = batch_worker_rep,
                .deliver = batch_deliver,
                .result_free = batch_item_free,
                .stop = o->stop,
            };
            int failed = 0;
            long done = runner_run(&job, &failed);
            if (done < 0 && !c.fail_msg[0]) batch_fail(&c, "cannot start worker threads");
            if (failed || done < 0 || c.fail_msg[0]) {
                status = BATCH_FAILED;
                break;
            }
            if ((size_t)done < target - n) {
                status = BATCH_STOPPED;
                break;
            }
        }
        out->wall_s = batch_now_s() - t0;
        out->writer_cpu_s = batch_cpu_s(CLOCK_THREAD_CPUTIME_ID) - w0;
        out->cpu_s = batch_cpu_s(CLOCK_PROCESS_CPUTIME_ID) - p0;
        progress_end(&c.prog);
        out->precision_reached = reached;
        stats_ci ci = batch_main_ci(&c);
        out->half_width_s = ci.half_width;
        if (status == BATCH_FAILED && c.fail_msg[0]) snprintf(err, errlen, "%s", c.fail_msg);
        char e[1024];
        if (status == BATCH_DONE && reached && out->n_rows < n_max) {
            char rule[160];
            snprintf(rule, sizeof rule, "precision: 95%% half-width of response_mean_s <= %g%s",
                     o->precision_relative ? 100 * o->precision : o->precision,
                     o->precision_relative ? "% of the mean" : " s");
            if (results_end_early(c.w, rule)) {
                snprintf(err, errlen, "%s", results_error(c.w));
                status = BATCH_FAILED;
            }
        }
        if (status == BATCH_DONE) {
            if (results_commit(c.w, e, sizeof e)) {
                snprintf(err, errlen, "%s", e);
                status = BATCH_FAILED;
            }
        } else {
            results_abort(c.w);
        }
        c.w = NULL;
    } else if (c.w) {
        results_abort(c.w);
    }

    /* Release the other ranks' threads, whatever happened. */
    uint32_t stop = BATCH_STOP;
    for (int k = 1; k < size; k++)
        for (int t = 0; t < threads_of[k]; t++)
            if (cluster_send(cl, k, BATCH_TAG_WORK + t, &stop, sizeof stop) &&
                status == BATCH_DONE) {
                snprintf(err, errlen, "MPI failed while releasing rank %d", k);
                status = BATCH_FAILED;
            }
    free(c.pool_rank);
    free(c.pool_thread);
    pthread_mutex_destroy(&c.mu);
    return status;
}

int batch_run(cluster *cl, const scenario *s, const metrics *m, const char *out_path,
              const batch_opts *o, const char *command_line, batch_out *out, char *err,
              size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = '\0';
    int threads = o->threads < 1                   ? 1
                  : o->threads > BATCH_MAX_THREADS ? BATCH_MAX_THREADS
                                                   : o->threads;
    int size = cluster_size(cl), rank = cluster_rank(cl);
    int *threads_of = calloc((size_t)size, sizeof *threads_of);
    batch_slot *sl = rank ? calloc((size_t)threads, sizeof *sl) : NULL;
    /* Every rank must reach the gather, even one out of memory: it then offers no thread, and
     * rank 0 fails the batch (a batch without a thread on some rank is not what was asked). */
    int offered = rank == 0 ? threads : sl ? batch_serve_start(sl, cl, s, m, threads) : 0;
    int dummy = 0;
    if (rank == 0 && !threads_of) {
        /* A few bytes could not be had: the others wait in the gather until mpirun ends the
         * job, which is all that can be done this far gone. */
        snprintf(err, errlen, "out of memory");
        free(sl);
        return BATCH_FAILED;
    }
    if (cluster_gather_int(cl, offered, threads_of ? threads_of : &dummy)) {
        snprintf(err, errlen, "MPI failed while the ranks counted their threads");
        free(threads_of);
        free(sl);
        return BATCH_FAILED; /* MPI is broken: the job cannot go on (mpirun ends it) */
    }
    int rc;
    if (rank == 0) {
        bool short_of = false;
        for (int k = 1; k < size && !short_of; k++)
            short_of = threads_of[k] < 1;
        batch_opts lo = *o;
        lo.threads = threads;
        if (short_of) {
            snprintf(err, errlen, "out of memory here or on another rank");
            rc = BATCH_FAILED;
            /* Release those that did start. */
            uint32_t stop = BATCH_STOP;
            for (int k = 1; k < size; k++)
                for (int t = 0; t < threads_of[k]; t++)
                    cluster_send(cl, k, BATCH_TAG_WORK + t, &stop, sizeof stop);
        } else {
            rc = batch_lead(cl, s, m, out_path, &lo, command_line, threads_of, out, err, errlen);
        }
    } else if (sl && offered > 0) {
        rc = batch_serve_finish(sl, offered);
        if (rc) snprintf(err, errlen, "rank %d: MPI failed while serving rank 0", rank);
    } else {
        rc = BATCH_FAILED;
        snprintf(err, errlen, "rank %d: out of memory", rank);
    }
    free(threads_of);
    free(sl);
    return rc;
}

/* ---- For the commands ----------------------------------------------------------------------- */

int batch_parse_precision(const char *arg, double *x, bool *relative)
{
    char *end;
    *x = strtod(arg, &end);
    *relative = false;
    if (end == arg) return -1;
    if (*end == '%') {
        *relative = true;
        end++;
        *x /= 100;
    } else if (*end == 's') {
        end++;
    }
    return *end == '\0' && isfinite(*x) && *x > 0 ? 0 : -1;
}

int batch_threads(const cluster *cl, int requested, const scenario *s)
{
    int threads = requested >= 0 ? requested : s->threads;
    if (threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        int local = cluster_local_size(cl);
        threads = (int)(cores / (local > 0 ? local : 1));
    }
    return threads < 1 ? 1 : threads > 1024 ? 1024 : threads;
}

void batch_print_footer(FILE *out, const batch_out *b, const char *out_path, int threads_here)
{
    if (b->already_complete) {
        fprintf(out, "\n%s was already complete (%zu replications); nothing was run\n", out_path,
                b->n_rows);
        return;
    }
    if (b->run_now > 0) {
        double wall = b->wall_s > 0 ? b->wall_s : 1e-9;
        fprintf(out, "\n%zu calls in %zu replications (%.0f per replication), %llu events\n",
                b->calls, b->run_now, (double)b->calls / (double)b->run_now,
                (unsigned long long)b->events);
        fprintf(out,
                "%zu replications in %.2f s: %.2f replications/s, %.0f events/s, on %d "
                "rank%s with %d worker thread%s in all (%d here)\n",
                b->run_now, wall, (double)b->run_now / wall, (double)b->events / wall, b->ranks,
                b->ranks == 1 ? "" : "s", b->workers, b->workers == 1 ? "" : "s", threads_here);
        /* The writer is the one serial part: what it costs says how far threads can scale. */
        fprintf(out,
                "CPU per replication: %.1f ms in all on %s, of which %.1f ms writing the "
                "file (one thread)\n",
                1000 * b->cpu_s / (double)b->run_now, b->ranks == 1 ? "this process" : "rank 0",
                1000 * b->writer_cpu_s / (double)b->run_now);
    }
    if (b->resumed)
        fprintf(out,
                "%zu replication%s already in the file (--resume); the table covers "
                "all %zu\n",
                b->resumed, b->resumed == 1 ? " was" : "s were", b->n_rows);
    fprintf(out, "results: %s\n", out_path);
}

void batch_print_precision(FILE *out, const batch_out *b, double precision, bool relative,
                           size_t n_max)
{
    char want[64];
    if (relative)
        snprintf(want, sizeof want, "%g%% of the mean", 100 * precision);
    else
        snprintf(want, sizeof want, "%g s", precision);
    if (b->precision_reached)
        fprintf(out,
                "stopping rule met: the 95%% CI half-width of the mean response time is "
                "%.2f s (wanted at most %s) after %zu replications\n",
                b->half_width_s, want, b->n_rows);
    else
        fprintf(out,
                "stopping rule NOT met: the 95%% CI half-width of the mean response time "
                "is %.2f s (wanted at most %s) after the maximum of %zu replications (-r)\n",
                b->half_width_s, want, n_max);
}

void batch_print_resume_hint(FILE *out, const char *command_line, int ranks)
{
    fprintf(out, "patrolsim: to finish it, run the same command with --resume:\n  %s%s\n",
            command_line, strstr(command_line, "--resume") ? "" : " --resume");
    if (ranks > 1)
        fprintf(out, "(under mpirun as this run was, with any number of ranks, or without it: "
                     "the data are the same)\n");
}

void batch_out_fini(batch_out *o)
{
    if (!o) return;
    free(o->rows);
    memset(o, 0, sizeof *o);
}
