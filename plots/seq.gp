# plots/seq.gp — tcptrace-style time/sequence graph of one sender: every segment as a
# vertical bar from its first to one past its last sequence number (retransmissions
# in red), the cumulative ACK, the right edge of the advertised window, and the SACK
# blocks each ACK carried (purple bars beside the ACK, as tcptrace draws them).
# `datafile` is the stem of the files plot.c split from <flow>.<side>.seq.tsv; sequence
# numbers are divided by yscale (read in yunit).
reset
load dir . "common.gp"
set ylabel "sequence number (" . yunit . " from the ISN)"
set format y "%g"
# A zoomed copy (the first loss episode) sets xmin/xmax.
if (exists("xmin")) { set xrange [xmin:xmax] }
b(col) = column(col) / yscale
len = '(column("end") - column("seq")) / yscale'
plot datafile . ".send.tsv" using "time_s":(b("seq")):(0):@len with vectors nohead lw 1 lc rgb "#202020" title "segment sent", \
     datafile . ".retransmit.tsv" using "time_s":(b("seq")):(0):@len with vectors nohead lw 2 lc rgb "#d62728" notitle, \
     datafile . ".retransmit.tsv" using "time_s":(b("seq")) with points pt 7 ps 0.9 lc rgb "#d62728" title "retransmission", \
     datafile . ".ack.tsv" using "time_s":(b("end")) with steps lw 1.2 lc rgb "#2ca02c" title "ACK", \
     datafile . ".ack.tsv" using "time_s":((column("end") + column("win_bytes")) / yscale) with steps lw 1 lc rgb "#e6a000" title "ACK + window", \
     datafile . ".sack.tsv" using "time_s":(b("seq")):(0):@len with vectors nohead lw 1.5 lc rgb "#9467bd" title "SACK block"
