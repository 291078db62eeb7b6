# plots/queue.gp — occupancy of one link direction's queue
# (link.<link>.<direction>.queue.tsv), with drops and CE marks shown.
reset
load dir . "common.gp"
set ylabel "packets waiting"
set yrange [0:*]
set offsets 0, 0, graph 0.06, 0
set y2label "drops so far"
set y2tics
set y2range [0:*]
set ytics nomirror
ev(name, col) = strcol("event") eq name ? column(col) : NaN
plot datafile using "time_s":"queue_packets" with steps lw 1.2 lc rgb "#1f77b4" title "queue", \
     '' using "time_s":(ev("drop", "queue_packets")) with points pt 2 ps 0.8 lc rgb "#d62728" title "drop", \
     '' using "time_s":(ev("mark", "queue_packets")) with points pt 1 ps 0.5 lc rgb "#ff7f0e" title "CE mark", \
     '' using "time_s":"drops" axes x1y2 with steps lw 1 dt 2 lc rgb "#7f7f7f" title "drops (right axis)"
