# plots/overlay.gp — congestion windows of every traced flow on one graph. The driver
# sets `files` and `titles` (space-separated lists of endpoint traces).
reset
load dir . "common.gp"
set ylabel "cwnd (bytes)"
set format y "%.0s%c"
set yrange [0:*]
plot for [i=1:words(files)] word(files, i) using "time_s":"cwnd_bytes" with steps lw 1.3 title word(titles, i)
