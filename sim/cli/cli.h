/* cli.h - the subcommands of the patrolsim program, one file each.
 *
 * Each takes the arguments after its name (argv[0] is the subcommand) and
 * returns the process exit status: 0 success, 1 a failure while running
 * (I/O, memory), 2 bad input or bad usage. Only main() exits.
 */
#ifndef PATROLSIM_CLI_H
#define PATROLSIM_CLI_H

int cmd_run(int argc, char **argv);     /* cmd_run.c: Monte Carlo replications -> results file */
int cmd_check(int argc, char **argv);   /* cmd_check.c: validate a scenario and describe it */
int cmd_summary(int argc, char **argv); /* cmd_summary.c: the summary table of a results file */
int cmd_compare(int argc, char **argv); /* cmd_compare.c: two runs, replication by replication */
int cmd_sweep(int argc, char **argv);   /* cmd_sweep.c: variants of a scenario, one file each */
int cmd_merge(int argc, char **argv);   /* cmd_merge.c: shards of a run into one file */
int cmd_report(int argc, char **argv);  /* cmd_report.c: charts and a page for planners */
int cmd_map(int argc, char **argv);     /* cmd_map.c: networks from OpenStreetMap */
int cmd_fit(int argc, char **argv);     /* cmd_fit.c: call model parameters from a call history */

/* The command line as one string, recorded in results files (set by main). */
extern const char *cli_command_line;

#endif
