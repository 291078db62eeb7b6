# plots/goodput.gp — goodput over time of one flow: bytes newly acknowledged per time
# bin (computed by plot.c from the sequence trace).
reset
load dir . "common.gp"
set ylabel "goodput (Mbit/s)"
set yrange [0:*]
plot datafile using "time_s":"goodput_mbps" with steps lw 1.6 lc rgb "#9467bd" title "goodput"
