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
 * The scripts used are copied into RESULTS_DIR/plots/gp/ and the kept driver
 * (plots/plot-all.gp) names everything relative to RESULTS_DIR, so the directory
 * redraws with `gnuplot plots/plot-all.gp` wherever it is copied.
 *
 * gnuplot is looked up in PATH (NETSIM_GNUPLOT overrides the program, which the tests
 * use to simulate its absence). The scripts are found beside the program: installed,
 * in PREFIX/share/netsim/plots; in a build directory, in BUILD/plots. The
 * environment variable NETSIM_PLOTS_DIR overrides (documented in netsim(1)).
 */
#ifndef SIM_CLI_PLOT_H
#define SIM_CLI_PLOT_H

#include <glib.h>

/* Draws every graph the results in `dir` allow, in `format` ("png" or "svg"), and
 * stores how many in *graphs (may be NULL; 0 when nothing was traced). Returns 0, or
 * -1 with *error set (gnuplot or the scripts missing, not a results directory, a
 * script failing). */
int plot_results(const char *dir, const char *format, unsigned *graphs, GError **error);

/* For other graph writers (sweep_plot.c, which plot_results() hands sweep
 * directories to): the gnuplot program and the scripts' directory (g_free; NULL
 * with *error when missing); copying the scripts into a plots folder's gp/; running
 * a driver script in dir; appending s to g as a single-quoted gnuplot string. */
char *plot_gnuplot(const char *dir, GError **error);
char *plot_scripts_dir(GError **error);
int plot_copy_scripts(const char *from, const char *to, GError **error);
int plot_run_driver(const char *dir, char *gnuplot, char *driver_path, GError **error);
void plot_gp_string(GString *g, const char *s);

#endif
