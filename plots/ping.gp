# plots/ping.gp — round-trip times of one ping application (<app>.ping.tsv).
reset
load dir . "common.gp"
set ylabel "round-trip time (ms)"
set yrange [0:*]
plot datafile using "time_s":"rtt_ms" with linespoints pt 7 ps 0.8 lw 1.2 lc rgb "#1f77b4" title "RTT"
