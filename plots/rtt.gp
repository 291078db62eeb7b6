# plots/rtt.gp — RTT samples and smoothed RTT of one TCP endpoint (<flow>.<side>.tsv)
# in the upper panel, the retransmission timeout in the lower one. Each panel has its
# own scale: the RTO before the first sample (1 s) and its backoffs would otherwise
# squash samples of a few milliseconds into the bottom line. The driver sets xend
# (the trace's last time) so both panels share the time axis.
reset
load dir . "common.gp"
unset title
set multiplot title plottitle noenhanced font ",13"
set lmargin at screen 0.08
set rmargin at screen 0.84
set xrange [0:(xend > 0 ? xend : 1)]
set yrange [0:*]
ev(name, col) = strcol("event") eq name ? column(col) : NaN
# Upper panel: what the network did.
set origin 0, 0.36
set size 1, 0.58
set tmargin 0
set bmargin 0
set format x ""
unset xlabel
set ylabel "RTT (ms)"
plot datafile using "time_s":(ev("rtt_sample", "rtt_ms")) with points pt 7 ps 0.35 lc rgb "#1f77b4" title "RTT sample", \
     '' using "time_s":"srtt_ms" with steps lw 1.6 lc rgb "#2ca02c" title "SRTT"
# Lower panel: the timer TCP derived from it (backoff included).
set origin 0, 0.0
set size 1, 0.34
set tmargin 0
set bmargin 3
set format x "%g"
set xlabel "simulated time (s)"
set ylabel "RTO (ms)"
plot datafile using "time_s":"rto_ms" with steps lw 1.2 lc rgb "#d62728" title "RTO"
unset multiplot
