# plots/overlay.gp — congestion windows of every traced flow on one graph. The driver
# sets `files` and `titles` (space-separated lists of endpoint traces), and yscale and
# yunit for the byte axis.
reset
load dir . "common.gp"
set ylabel "cwnd (" . yunit . ")"
set format y "%g"
set yrange [0:*]
plot for [i=1:words(files)] word(files, i) using "time_s":(column("cwnd_bytes") / yscale) with steps lw 1.3 title word(titles, i)
