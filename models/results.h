/* results.h - the patrolsim results file (layout version 1), written and read back.
 *
 * One HDF5 file per run, documented dataset by dataset in results/README.md: root attributes
 * that make the run reproducible (scenario text, input hashes, seed, program version and git
 * revision, command line), the static description of the scenario (/types, /zones, /stations,
 * /units, /network/nodes, /network/edges, /inputs), and three tables that grow by one
 * replication at a time: /summary (one row of metrics.h figures per replication), /incidents
 * (one row per call) and /unit_reps (one row per unit and replication). Every table is a 1-D
 * compound dataset with "field_names" and "units" attributes, so h5py and pandas read it as a
 * table. Built on h5.h, which owns the HDF5 details.
 *
 * Writing. results_create makes "<path>.tmp" and writes the static parts; the caller then
 * appends replications strictly in rep order (0, 1, 2, ...: the writer refuses anything else)
 * with results_append_rep, which writes /incidents, /unit_reps and, last, the /summary row,
 * updates the replications_done attribute and flushes: a run killed between replications
 * keeps every finished one in the .tmp. A writer ends with exactly one of
 *   results_commit  status = "complete", close, fsync, rename "<path>.tmp" -> path;
 *   results_abort   close quietly, keep "<path>.tmp" (status stays "incomplete").
 * Both free the writer. results_resume reopens a kept .tmp to continue the same run.
 * The writer holds no global state; one writer per file, used from one thread.
 *
 * Reading. results_read_summary returns what `patrolsim summary` and `compare` need: the
 * metric columns (rebuilt from n_priorities with metrics_init and checked name by name against
 * the file, so a reader never misplaces a column) and every /summary row as doubles. It
 * accepts a .tmp of an interrupted run (status "incomplete").
 *
 * Errors: negative RESULTS_E* codes, with a message that starts with the file's path in the
 * writer (results_error) or in the caller's buffer (err, errlen). Nothing is printed.
 */
#ifndef PATROLSIM_RESULTS_H
#define PATROLSIM_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "model.h"
#include "scenario.h"

#define RESULTS_LAYOUT_VERSION 1

enum results_status {
    RESULTS_OK = 0,
    RESULTS_EIO = -1,     /* the file could not be written, flushed, renamed or read */
    RESULTS_ENOMEM = -2,  /* out of memory */
    RESULTS_EFORMAT = -3, /* not HDF5, truncated, not patrolsim, another layout version,
                           * something missing or columns that do not match */
    RESULTS_EINVAL = -4,  /* a bug in the caller: a replication out of order, a bad argument */
    RESULTS_EMISMATCH = -5 /* results_resume: the .tmp belongs to another scenario or seed */
};

/* What the program knows about itself, recorded in the root attributes. The strings are
 * borrowed for the duration of the call; NULL is written as "". */
typedef struct results_meta {
    const char *program_version; /* PATROLSIM_VERSION */
    const char *git_revision;    /* PATROLSIM_GIT_REV */
    const char *command_line;    /* cli_command_line */
} results_meta;

/* ---- Writing ------------------------------------------------------------------------------ */

typedef struct results_writer results_writer;

/* Creates "<path>.tmp" (replacing a stale one) with the root attributes, /inputs, /types,
 * /zones, /stations, /units, /network and empty /summary, /incidents, /unit_reps. s and m are
 * borrowed and must outlive the writer. NULL on failure, with the message in err. */
results_writer *results_create(const char *path, const scenario *s, const metrics *m,
                               const results_meta *meta, char *err, size_t errlen);

/* Reopens "<path>.tmp" left by results_abort or a killed run of the same scenario (same
 * scenario text, overrides, seed, input hashes, priorities) to append the replications not yet
 * done; *reps_done receives how many are (the next rep to append). Rows of a replication whose
 * append was cut short are removed. RESULTS_EMISMATCH (with the reason in err) when the .tmp
 * belongs to something else; NULL on any failure. replications_planned becomes
 * s->replications. */
results_writer *results_resume(const char *path, const scenario *s, const metrics *m,
                               const results_meta *meta, size_t *reps_done, int *code,
                               char *err, size_t errlen);

/* Appends replication r->rep, which must equal the number done so far, with its summary row
 * (m->n doubles from metrics_compute; row[0] is the rep). Flushes the file. On failure the
 * writer is unusable except for results_error and results_abort. */
int results_append_rep(results_writer *w, const rep_result *r, const double *summary_row);

/* Replications appended so far (including those found by results_resume). */
size_t results_reps_done(const results_writer *w);

/* The message of the last failure, starting with the file's path. */
const char *results_error(const results_writer *w);

/* The writer's HDF5 file, for parts stored beside the tables (/replay: replay_h5.h), written
 * from the same thread between appends. Borrowed; NULL when w is NULL. */
struct h5_file *results_h5(results_writer *w);

/* Sets status = "complete" and the final attributes, closes, fsyncs and renames the .tmp to
 * the final path (replacing an existing file), fsyncs the directory. Frees w. On failure the
 * message is in err and the .tmp is left in place. */
int results_commit(results_writer *w, char *err, size_t errlen);

/* Closes without committing and frees w; the .tmp stays with the replications appended so
 * far. Prints nothing. NULL is a no-op. */
void results_abort(results_writer *w);

/* ---- Reading ------------------------------------------------------------------------------ */

typedef struct results_summary {
    metrics m;                 /* the /summary columns (metrics_init(n_priorities), checked) */
    double *rows;              /* [n_reps * m.n], row-major; rep and counts as exact doubles */
    size_t n_reps;             /* rows in /summary (finished replications) */
    int layout_version;
    int replications_planned;
    uint64_t seed;
    char *scenario_name;
    char *program_version;
    char *git_revision;
    char *status;              /* "complete", or "incomplete" for a .tmp */
} results_summary;

/* Reads the summary of a results file into out (caller-owned; release with
 * results_summary_fini, also after a failure). RESULTS_EFORMAT with a message naming the file
 * for: not an HDF5 file, a truncated one, not a patrolsim file (no layout_version), another
 * layout version ("needs layout version 1, file has 2"), no /summary, columns that do not
 * match. */
int results_read_summary(const char *path, results_summary *out, char *err, size_t errlen);
void results_summary_fini(results_summary *s);

#endif
