# plots/goodput-overlay.gp — goodput over time of every flow on one graph. The driver
# sets `files` and `titles` (space-separated lists).
reset
load dir . "common.gp"
set ylabel "goodput (Mbit/s)"
set yrange [0:*]
plot for [i=1:words(files)] word(files, i) using "time_s":"goodput_mbps" with steps lw 1.3 title word(titles, i)
