# plots/common.gp — settings every netsim graph shares. Loaded by the other scripts
# after `reset`; the driver (RESULTS_DIR/plots/plot-all.gp) sets datafile, outfile and
# plottitle before loading a script, and for byte axes yscale and yunit: the data
# divided by yscale reads in yunit ("MB"), so tick labels are exact ("1.5", not the
# "2M" a "%.0s%c" format would round 1.5 million to).
set datafile separator "\t"
set datafile columnheaders
set output outfile
set title plottitle noenhanced font ",13"
set xlabel "simulated time (s)"
set grid lc rgb "#dddddd"
set border lc rgb "#555555"
set key outside right top noenhanced
set xrange [0:*]
if (!exists("yscale")) { yscale = 1; yunit = "bytes" }
