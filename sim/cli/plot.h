/* sim/cli/plot.h — gnuplot graphs of a results directory.
 *
 * Reads the traces a run wrote (docs/outputs.md) and draws, with the gnuplot
 * scripts in plots/, into RESULTS_DIR/plots/:
 *   <flow>.<side>.cwnd.<fmt>    cwnd and ssthresh over time, congestion events marked
 *   <flow>.<side>.rtt.<fmt>     RTT samples, SRTT and RTO
 *   <flow>.<side>.seq.<fmt>     tcptrace-style sequence plot (segments, ACKs, window)
 *   <flow>.goodput.<fmt>        goodput over time (from the sequence trace's ACKs)
 *   cwnd-overlay.<fmt>          every sender's cwnd on one graph (two or more flows)
 *   link.<link>.<dir>.queue.<fmt>  queue occupancy and drops
 *   <ping>.ping.<fmt>           ping RTTs
 * A sweep directory (sweep.json) gets its metrics against the varied parameters
 * instead (sweep_plot.c).
 * Derived data (binned goodput) goes beside them as *.tsv. Plots are derived: they are
 * never part of the trace hash, and the plots/ folder is replaced as a whole.
 *
 * gnuplot is looked up in PATH (NETSIM_GNUPLOT overrides the program, which the tests
 * use to simulate its absence); the scripts come from the source tree's plots/
 * (NETSIM_PLOTS_DIR overrides).
 */
#ifndef SIM_CLI_PLOT_H
#define SIM_CLI_PLOT_H

#include <glib.h>

/* Draws every graph the results in `dir` allow, in `format` ("png" or "svg").
 * Returns 0, or -1 with *error set (gnuplot missing, not a results directory, a
 * script failing). */
int plot_results(const char *dir, const char *format, GError **error);

/* For other graph writers (sweep_plot.c, which plot_results() hands sweep
 * directories to): the gnuplot program (g_free) and the scripts' directory, NULL
 * with *error when either is missing; running a driver script in dir; appending s
 * to g as a single-quoted gnuplot string. */
char *plot_gnuplot(const char *dir, const char **scripts, GError **error);
int plot_run_driver(const char *dir, char *gnuplot, char *driver_path, GError **error);
void plot_gp_string(GString *g, const char *s);

#endif
