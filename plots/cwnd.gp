# plots/cwnd.gp — congestion window and slow-start threshold of one TCP endpoint
# (columns of <flow>.<side>.tsv, docs/outputs.md), with congestion events marked. The
# left axis is in bytes (scaled by yscale); when the driver sets mss, the right axis
# reads the same window in segments of mss bytes: both ranges are fixed from the
# driver's ymax so the two axes line up, each with its own round ticks.
reset
load dir . "common.gp"
set ylabel yunit
set format y "%g"
set yrange [0:*]
if (exists("mss") && mss > 0) {
    set yrange [0:ymax]
    set y2range [0:ymax * yscale / mss]
    set ytics nomirror
    set y2tics
    set format y2 "%g"
    set y2label sprintf("segments of %d bytes", mss)
}
b(col) = column(col) / yscale
ev(name, col) = strcol("event") eq name ? column(col) / yscale : NaN
plot datafile using "time_s":(b("cwnd_bytes")) with steps lw 1.6 lc rgb "#1f77b4" title "cwnd", \
     '' using "time_s":(b("ssthresh_bytes")) with steps lw 1.2 dt 2 lc rgb "#ff7f0e" title "ssthresh", \
     '' using "time_s":(b("inflight_bytes")) with steps lw 0.6 lc rgb "#b0b0b0" title "in flight", \
     '' using "time_s":(ev("fast_retransmit", "cwnd_bytes")) with points pt 9 ps 1.1 lc rgb "#d62728" title "fast retransmit", \
     '' using "time_s":(ev("rto", "cwnd_bytes")) with points pt 2 ps 1.6 lw 2 lc rgb "black" title "RTO"
