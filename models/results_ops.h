/* results_ops.h - the operations model's tables in a results file: patrol
 * lines, posts, grid cells and reserve tiers, described once (/lines, /posts,
 * /cells, /reserve_tiers) and measured per replication (/line_reps, /post_reps,
 * /cell_reps, /major_reps, /major_curve, /major_area_reps). The results
 * writer (results.c) creates, appends and closes them beside its own tables;
 * their layout is documented in results/README.md.
 *
 * Errors are HDF5 failures, returned as negative H5X codes with the message
 * in the file's error context (h5_file_error).
 */
#ifndef PATROLSIM_RESULTS_OPS_H
#define PATROLSIM_RESULTS_OPS_H

#include <stddef.h>

#include "h5.h"
#include "model.h"
#include "scenario.h"

typedef struct results_ops results_ops;

/* Writes the static tables and creates the empty per-replication ones. s is
 * borrowed and must outlive the returned object (appends derive /major_area_reps
 * from it). NULL on failure. */
results_ops *results_ops_create(h5_file *f, const scenario *s);

/* Reopens the per-replication tables of a file being resumed, cutting them to
 * the replications [rep_first, rep_end) that are complete. NULL on failure. */
results_ops *results_ops_open(h5_file *f, const scenario *s, size_t rep_first, size_t rep_end);

/* Lowers *k to the leading replications from `first` whose fixed-size tables
 * (/line_reps, /post_reps, /cell_reps: one row per line, post, cell) are whole
 * in f, for resuming a killed run. 0, or an h5 error code. */
int results_ops_whole(h5_file *f, const scenario *s, size_t first, size_t *k);

/* The number of leading replications first, first+1, ... (at most k) whose rows
 * in a table with rep column rep[n] (in rep order) number exactly want[i], or
 * `each` when want is NULL. */
size_t results_reps_whole(const int64_t *rep, size_t n, size_t first, size_t k,
                          const int64_t *want, int64_t each);

int results_ops_append(results_ops *o, const rep_result *r);
void results_ops_close(results_ops *o); /* NULL is a no-op */

/* The per-replication tables, for code that copies replications between files
 * (merging shards). */
typedef struct results_rep_table {
    const char *path;
    const h5_field *fields;
    size_t n_fields;
    size_t row_size;
} results_rep_table;

extern const results_rep_table results_ops_rep_tables[];
extern const size_t results_ops_n_rep_tables;

#endif
