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
 * Shards. A file may hold a contiguous part [rep_first, rep_end) of a run's replications
 * (results_create_range; root attributes rep_first and rep_end, which a whole run has as 0 and
 * replications_planned). results_merge joins the shards of one run into the file a single run
 * would have written: the same static tables and attributes and the same rows, in order.
 *
 * The identity of a run: the seed, the scenario text, the input hashes and the overrides as
 * results_overrides_key normalises them (each path's last value, sorted, without
 * run.replications and run.threads, which change how long a run is but not what any of its
 * replications holds). Resume, merge and results_check_run compare exactly these.
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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "model.h"
#include "scenario.h"

/* 2: /summary gained the operations, stability and major-incident columns and /incidents the
 * incident time (results/README.md, "Layout versions"). */
#define RESULTS_LAYOUT_VERSION 2

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

/* As results_create, for the replications [rep_first, rep_end) only (a shard of a run of
 * s->replications); results_create is (0, s->replications). */
results_writer *results_create_range(const char *path, const scenario *s, const metrics *m,
                                     const results_meta *meta, uint32_t rep_first,
                                     uint32_t rep_end, char *err, size_t errlen);

/* Reopens "<path>.tmp" left by results_abort or a killed run of the same run (the identity
 * above, and the same priorities) to append the replications not yet done; *reps_done
 * receives how many are (the next rep to append is 0 + *reps_done). Rows of a replication
 * whose append was cut short are removed. RESULTS_EMISMATCH (with the reason in err) when the
 * .tmp belongs to something else or already holds more replications than s->replications;
 * NULL on any failure. replications_planned becomes s->replications, the overrides attribute
 * s->overrides (they may differ in run.replications), and resumed_command_line is set. */
results_writer *results_resume(const char *path, const scenario *s, const metrics *m,
                               const results_meta *meta, size_t *reps_done, int *code,
                               char *err, size_t errlen);

/* The same for a shard [rep_first, rep_end): the .tmp must start at rep_first; the next rep
 * to append is rep_first + *reps_done. */
results_writer *results_resume_range(const char *path, const scenario *s, const metrics *m,
                                     const results_meta *meta, uint32_t rep_first,
                                     uint32_t rep_end, size_t *reps_done, int *code, char *err,
                                     size_t errlen);

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

/* For a run that ends before replications_planned because a stopping rule was met: records
 * the rule (attribute stopping_rule, e.g. "precision: 95% half-width of response_mean_s <=
 * 5 s"), the maximum that was allowed (replications_max) and sets replications_planned and
 * rep_end to the replications done, so that readers see a complete run. Call before commit. */
int results_end_early(results_writer *w, const char *rule);

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
    char *overrides;           /* as recorded ("" when none) */
    char *scenario_text;
    double horizon_s, warmup_s;/* NaN when absent */
    int rep_first, rep_end;    /* the replications the file is meant to hold (a shard: part) */
} results_summary;

/* Reads the summary of a results file into out (caller-owned; release with
 * results_summary_fini, also after a failure). RESULTS_EFORMAT with a message naming the file
 * for: not an HDF5 file, a truncated one, not a patrolsim file (no layout_version), another
 * layout version (results_version_message), no /summary, columns that do not match. */
int results_read_summary(const char *path, results_summary *out, char *err, size_t errlen);
void results_summary_fini(results_summary *s);

/* What to tell a user whose file has layout version file_version, not RESULTS_LAYOUT_VERSION:
 * "this results file has layout version 1; this patrolsim reads version 2: re-run it ...",
 * or, for a newer file, to read it with the patrolsim that wrote it. Every reader says this
 * before it looks at a column, so that an old file is not reported as a column mismatch. */
void results_version_message(char *buf, size_t n, int file_version);

/* Ordinary calls during major incidents by area (/major_area_reps, metrics.h), with the names
 * of the zones (/zones) and zone kinds (the table's zone_kind_names attribute) its indices
 * refer to. */
typedef struct results_major_area {
    major_area_rec *rows;  /* of the replications in /summary only, in file order */
    size_t n_rows;
    char **zone_names;     /* [n_zones] */
    size_t n_zones;
    char **kind_names;     /* [n_kinds] */
    size_t n_kinds;
} results_major_area;

/* Reads them for the replications sum holds (results_read_summary of the same file: rows of a
 * replication whose append was cut short in a .tmp are left out). A file without the table
 * (no major incidents were modelled) gives n_rows 0 and RESULTS_OK. RESULTS_EFORMAT when a row
 * names an area that does not exist. Release with results_major_area_fini, also after a
 * failure. */
int results_read_major_area(const char *path, const results_summary *sum,
                            results_major_area *out, char *err, size_t errlen);
void results_major_area_fini(results_major_area *a);

/* ---- Runs, shards and comparisons ------------------------------------------------------- */

/* The overrides text in the canonical form the identity of a run uses: one "path=value" line
 * per path (its last value), sorted by path, without run.replications and run.threads. NULL
 * when out of memory; free(). */
char *results_overrides_key(const char *overrides);

/* Whether the (complete or .tmp) file at path holds replications of the same run as s from
 * rep_first on: RESULTS_OK, with *n_reps the replications in it and *complete whether it was
 * committed; RESULTS_EMISMATCH with the reason in err; other codes when it cannot be read.
 * Where it ends is not checked: a run may have ended early by a stopping rule, or be extended. */
int results_check_run(const char *path, const scenario *s, uint32_t rep_first,
                      size_t *n_reps, bool *complete, char *err, size_t errlen);

/* Whether replications 0..n_reps-1 of two files faced the same incidents: the same number in
 * each replication and, one by one, the same time of the incident (t_incident_s; when it was
 * reported may differ, since cameras are part of a deployment), node, type (by name), priority
 * and time on scene. 1 same; 0 different, with the first difference in why ("replication 3,
 * incident 12: time 3611.2 s in A, 3600.5 s in B"); a negative code when a file cannot be
 * read (err). */
int results_same_calls(const char *path_a, const char *path_b, size_t n_reps, char *why,
                       size_t whylen, char *err, size_t errlen);

/* Joins shards of one run into out_path (written as out_path.tmp and renamed, as a run is).
 * Every shard must be complete and of the same run (identity, priorities, replication count),
 * and together they must hold each replication 0..replications_planned-1 exactly once; every
 * problem found is reported, one per line, in err ("a.h5 and b.h5 both hold replications
 * 40..49", "replications 50..59 are missing (in no shard)"), with RESULTS_EMISMATCH. The
 * merged file is the first shard's static content and attributes with every shard's rows
 * appended in replication order; merged_from lists the shards, merged_command_line says how. */
int results_merge(const char *out_path, const char *const *shards, size_t n,
                  const results_meta *meta, char *err, size_t errlen);

#endif
