# plots/sweep.gp — one metric of a sweep against its first varied parameter, the mean
# of each point with its 95% confidence interval, one line per value of the other
# parameters (netsim plot SWEEP_DIR). The driver (SWEEP_DIR/plots/plot-sweep.gp) sets
# datafile (one block per line, each headed by its title), nlines, xlab, ylab, xlog
# (1: logarithmic x axis) and xticlist (tic labels of a parameter without numbers).
reset
load dir . "common.gp"
set xlabel xlab noenhanced
set ylabel ylab noenhanced
set xrange [*:*]
set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.06
if (xlog) set logscale x
if (strlen(xticlist) > 0) eval("set xtics (" . xticlist . ")")
set key below
plot for [i=0:nlines-1] datafile index i using 1:2:3 with yerrorlines pt 7 ps 0.9 lw 1.4 \
     title columnheader(1)
