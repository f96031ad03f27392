/* cluster_mpi.c - the cluster over MPI. See cluster.h.
 *
 * Every MPI call is made under one mutex (MPI_THREAD_SERIALIZED asks no more of the library
 * than that, and Open MPI's THREAD_MULTIPLE path is slower). Point-to-point waits never hold
 * the mutex while sleeping: a send is MPI_Isend then MPI_Test polls, a receive MPI_Improbe
 * polls, then MPI_Imrecv and MPI_Test polls. Matched probes (Improbe/Imrecv) make "probe, size
 * the buffer, receive" safe with several threads, though the tags used here already keep
 * threads' messages apart.
 */
#include "cluster.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

struct cluster {
    int rank, size, local_size;
    bool mpi;           /* MPI_Init_thread was called (and MPI_Finalize is due) */
    pthread_mutex_t mu; /* serialises every MPI call */
    char library[128];
};

/* Whether an MPI launcher started this process: the variables Open MPI's mpirun, PMIx
 * launchers (Slurm's srun --mpi=pmix, prterun) and PMI-1/2 launchers set. */
static bool cluster_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i])) return true;
    return false;
}

static void cluster_set_library(cluster *c)
{
    char v[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    if (MPI_Get_library_version(v, &len) != MPI_SUCCESS) len = 0;
    v[len > 0 && len < (int)sizeof v ? len : 0] = '\0';
    size_t n = strcspn(v, ",\n");
    snprintf(c->library, sizeof c->library, "%.*s", (int)n, v);
}

cluster *cluster_start(int *argc, char ***argv, char *err, size_t errlen)
{
    cluster *c = calloc(1, sizeof *c);
    if (!c) {
        if (err && errlen) snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->size = c->local_size = 1;
    snprintf(c->library, sizeof c->library, "no MPI (not started by an MPI launcher)");
    pthread_mutex_init(&c->mu, NULL);
    if (!cluster_launched()) return c;

    int provided = MPI_THREAD_SINGLE;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        if (err && errlen) snprintf(err, errlen, "MPI_Init_thread failed");
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    c->mpi = true;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (provided < MPI_THREAD_SERIALIZED) {
        if (err && errlen)
            snprintf(err, errlen,
                     "the MPI library offers thread level %d; patrolsim needs "
                     "MPI_THREAD_SERIALIZED (%d) or more",
                     provided, MPI_THREAD_SERIALIZED);
        cluster_stop(c);
        return NULL;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size);
    MPI_Comm local;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local) ==
        MPI_SUCCESS) {
        MPI_Comm_size(local, &c->local_size);
        MPI_Comm_free(&local);
    }
    cluster_set_library(c);
    return c;
}

void cluster_stop(cluster *c)
{
    if (!c) return;
    if (c->mpi) MPI_Finalize();
    pthread_mutex_destroy(&c->mu);
    free(c);
}

int cluster_rank(const cluster *c)
{
    return c->rank;
}

int cluster_size(const cluster *c)
{
    return c->size;
}

int cluster_local_size(const cluster *c)
{
    return c->local_size;
}

bool cluster_is_mpi(const cluster *c)
{
    return c->mpi;
}

const char *cluster_library(const cluster *c)
{
    return c->library;
}

/* A short sleep that grows from 20 to 200 microseconds while a wait goes on. */
static void cluster_nap(long *ns)
{
    struct timespec t = {0, *ns};
    nanosleep(&t, NULL);
    *ns = *ns * 2 > 200000 ? 200000 : *ns * 2;
}

/* Polls a request to completion, holding the mutex only for each MPI_Test. */
static int cluster_wait(cluster *c, MPI_Request *req)
{
    long ns = 20000;
    for (;;) {
        int done = 0;
        pthread_mutex_lock(&c->mu);
        int rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
        pthread_mutex_unlock(&c->mu);
        if (rc != MPI_SUCCESS) return -1;
        if (done) return 0;
        cluster_nap(&ns);
    }
}

int cluster_send(cluster *c, int dest, int tag, const void *buf, size_t n)
{
    if (!c->mpi || n > INT_MAX) return -1;
    MPI_Request req;
    pthread_mutex_lock(&c->mu);
    int rc = MPI_Isend(buf, (int)n, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &req);
    pthread_mutex_unlock(&c->mu);
    if (rc != MPI_SUCCESS) return -1;
    return cluster_wait(c, &req);
}

int cluster_recv(cluster *c, int src, int tag, void **buf, size_t *n)
{
    *buf = NULL;
    *n = 0;
    if (!c->mpi) return -1;
    long ns = 20000;
    MPI_Message msg;
    MPI_Status st;
    int count = 0;
    for (;;) {
        int found = 0;
        pthread_mutex_lock(&c->mu);
        int rc = MPI_Improbe(src, tag, MPI_COMM_WORLD, &found, &msg, &st);
        pthread_mutex_unlock(&c->mu);
        if (rc != MPI_SUCCESS) return -1;
        if (found) break;
        cluster_nap(&ns);
    }
    if (MPI_Get_count(&st, MPI_BYTE, &count) != MPI_SUCCESS || count < 0) return -1;
    void *p = malloc(count ? (size_t)count : 1);
    MPI_Request req;
    /* The message was matched: it must be received even when out of memory, so take it into
     * a scrap byte (MPI_Mrecv of a short count fails cleanly with MPI_ERR_TRUNCATE). */
    char scrap;
    pthread_mutex_lock(&c->mu);
    int rc = MPI_Imrecv(p ? p : &scrap, p ? count : 0, MPI_BYTE, &msg, &req);
    pthread_mutex_unlock(&c->mu);
    if (rc != MPI_SUCCESS || cluster_wait(c, &req) || !p) {
        free(p);
        return -1;
    }
    *buf = p;
    *n = (size_t)count;
    return 0;
}

int cluster_all_ok(cluster *c, int ok, int *all_ok)
{
    *all_ok = ok != 0;
    if (!c->mpi) return 0;
    int in = ok != 0, out = 0;
    pthread_mutex_lock(&c->mu);
    int rc = MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    pthread_mutex_unlock(&c->mu);
    *all_ok = out;
    return rc == MPI_SUCCESS ? 0 : -1;
}

int cluster_gather_int(cluster *c, int v, int *out)
{
    if (!c->mpi) {
        out[0] = v;
        return 0;
    }
    pthread_mutex_lock(&c->mu);
    int rc = MPI_Gather(&v, 1, MPI_INT, out, 1, MPI_INT, 0, MPI_COMM_WORLD);
    pthread_mutex_unlock(&c->mu);
    return rc == MPI_SUCCESS ? 0 : -1;
}

int cluster_bcast_u64(cluster *c, uint64_t *v)
{
    if (!c->mpi) return 0;
    pthread_mutex_lock(&c->mu);
    int rc = MPI_Bcast(v, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    pthread_mutex_unlock(&c->mu);
    return rc == MPI_SUCCESS ? 0 : -1;
}
