# plots/rtt.gp — RTT samples, smoothed RTT and the retransmission timeout of one TCP
# endpoint (<flow>.<side>.tsv).
reset
load dir . "common.gp"
set ylabel "milliseconds"
set yrange [0:*]
ev(name, col) = strcol("event") eq name ? column(col) : NaN
plot datafile using "time_s":(ev("rtt_sample", "rtt_ms")) with points pt 7 ps 0.35 lc rgb "#1f77b4" title "RTT sample", \
     '' using "time_s":"srtt_ms" with steps lw 1.6 lc rgb "#2ca02c" title "SRTT", \
     '' using "time_s":"rto_ms" with steps lw 1.2 lc rgb "#d62728" title "RTO"
