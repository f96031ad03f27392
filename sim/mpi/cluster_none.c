/* cluster_none.c - a cluster of one, for builds without MPI. See cluster.h.
 *
 * Point-to-point calls have no other rank to talk to and fail; collectives are what they are
 * for one process.
 */
#include "cluster.h"

#include <stdlib.h>

struct cluster {
    int unused;
};

cluster *cluster_start(int *argc, char ***argv, char *err, size_t errlen)
{
    (void)argc;
    (void)argv;
    (void)err;
    (void)errlen;
    return calloc(1, sizeof(cluster));
}

void cluster_stop(cluster *c)
{
    free(c);
}

int cluster_rank(const cluster *c)
{
    (void)c;
    return 0;
}

int cluster_size(const cluster *c)
{
    (void)c;
    return 1;
}

int cluster_local_size(const cluster *c)
{
    (void)c;
    return 1;
}

bool cluster_is_mpi(const cluster *c)
{
    (void)c;
    return false;
}

const char *cluster_library(const cluster *c)
{
    (void)c;
    return "built without MPI";
}

int cluster_send(cluster *c, int dest, int tag, const void *buf, size_t n)
{
    (void)c, (void)dest, (void)tag, (void)buf, (void)n;
    return -1;
}

int cluster_recv(cluster *c, int src, int tag, void **buf, size_t *n)
{
    (void)c, (void)src, (void)tag;
    *buf = NULL;
    *n = 0;
    return -1;
}

int cluster_all_ok(cluster *c, int ok, int *all_ok)
{
    (void)c;
    *all_ok = ok != 0;
    return 0;
}

int cluster_gather_int(cluster *c, int v, int *out)
{
    (void)c;
    out[0] = v;
    return 0;
}

int cluster_bcast_u64(cluster *c, uint64_t *v)
{
    (void)c;
    (void)v;
    return 0;
}
