/* cluster.h - the processes of an MPI job, as far as running replications needs them.
 *
 * patrolsim runs as one process, or as N ranks started by mpirun or srun. This module is the
 * only one that includes mpi.h: it is built from cluster_mpi.c when CMake finds MPI and the
 * option PATROLSIM_MPI is on, and from cluster_none.c (a cluster of one) otherwise, so the rest
 * of the program has no #ifdef.
 *
 * Starting. cluster_start initialises MPI only when an MPI launcher started the process (it
 * sets OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_SIZE in the environment); a plain `patrolsim
 * run` never touches MPI, starts as fast as a build without it and is a cluster of one. MPI is
 * initialised at MPI_THREAD_SERIALIZED: several threads call in, but one at a time, under the
 * cluster's mutex.
 *
 * Waiting. Open MPI's blocking calls spin a core while they wait. A thread of rank 0 that waits
 * for a result from another rank would take a core from the threads computing replications,
 * so point-to-point waits here poll (a non-blocking call under the mutex, then a sleep of
 * 20 to 200 microseconds outside it). A replication takes milliseconds or more, so the polling
 * costs well under 1% of a core and adds at most 0.2 ms per message. Collective calls
 * (cluster_all_ok, cluster_gather_int, cluster_bcast_u64) block and spin; they are used only
 * at the start and end of a job, from the main thread.
 *
 * Messages are byte strings (the ranks of a job run the same binary on the same architecture,
 * so structs travel as bytes) of at most INT_MAX bytes, matched by source rank and tag.
 *
 * Errors: negative return values; the message, if any, in the err buffer given. Nothing is
 * printed, and nothing here ends a process.
 */
#ifndef PATROLSIM_CLUSTER_H
#define PATROLSIM_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cluster cluster;

/* Joins the MPI job when there is one, else makes a cluster of one. NULL on failure (MPI could
 * not start or gives no thread support), with the reason in err. argc/argv as main had them.
 * Free with cluster_stop. */
cluster *cluster_start(int *argc, char ***argv, char *err, size_t errlen);

/* Leaves the job (MPI_Finalize) and frees c. NULL is a no-op. */
void cluster_stop(cluster *c);

int cluster_rank(const cluster *c);            /* 0 .. size-1; 0 for a cluster of one */
int cluster_size(const cluster *c);            /* ranks in the job; 1 without MPI */
int cluster_local_size(const cluster *c);      /* ranks on this node (they share its cores) */
bool cluster_is_mpi(const cluster *c);         /* whether MPI was initialised */
const char *cluster_library(const cluster *c); /* "Open MPI v4.1.4..." or "no MPI" */

/* Sends n bytes to rank dest with a tag; returns once the buffer may be reused. 0 or -1. */
int cluster_send(cluster *c, int dest, int tag, const void *buf, size_t n);

/* Receives the next message from rank src with the tag into a new buffer (*buf, malloc'd,
 * *n bytes; free()). Waits as long as it takes. 0 or -1. */
int cluster_recv(cluster *c, int src, int tag, void **buf, size_t *n);

/* Collective: *all_ok = 1 when every rank passed ok != 0. 0 or -1. */
int cluster_all_ok(cluster *c, int ok, int *all_ok);

/* Collective: rank 0 receives every rank's v in out[0..size-1] (out is ignored elsewhere). */
int cluster_gather_int(cluster *c, int v, int *out);

/* Collective: every rank gets rank 0's *v. */
int cluster_bcast_u64(cluster *c, uint64_t *v);

#endif
