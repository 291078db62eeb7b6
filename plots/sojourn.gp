# plots/sojourn.gp — how long each packet waited in one link direction's queue
# (link.<link>.<direction>.queue.tsv: the sojourn_ms of every dequeue row), with the
# CE marks and the drops so far on the right axis.
reset
load dir . "common.gp"
set ylabel "sojourn time (ms)"
set yrange [0:*]
set offsets 0, 0, graph 0.06, 0
set y2label "marks, drops so far"
set y2tics
set y2range [0:*]
set ytics nomirror
deq(col) = strcol("event") eq "dequeue" ? column(col) : NaN
plot datafile using "time_s":(deq("sojourn_ms")) with points pt 7 ps 0.25 lc rgb "#1f77b4" title "sojourn of a dequeued packet", \
     '' using "time_s":"marks" axes x1y2 with steps lw 1.2 dt 2 lc rgb "#ff7f0e" title "CE marks (right axis)", \
     '' using "time_s":"drops" axes x1y2 with steps lw 1 dt 3 lc rgb "#7f7f7f" title "drops (right axis)"
