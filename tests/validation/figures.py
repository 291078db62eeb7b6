#!/usr/bin/env python3
"""The figures of docs/validation.md besides the Mathis sweep's: runs the shipped
scenarios and draws with gnuplot.

  docs/images/validation-cubic-vs-reno.png   cwnd of both flows of cubic-vs-reno.json
  docs/images/validation-fall-floyd-cwnd.png cwnd of the three flows of fall-floyd-1..4
  docs/images/validation-fall-floyd-seq.png  sequence plots of Reno and NewReno, k = 3
  docs/images/validation-fall-floyd-sack-seq.png  sequence plots of NewReno (fall-floyd-K)
                                             and SACK (fall-floyd-sack-K), k = 1..4
  docs/images/validation-lossy-cwnd.png      cwnd/ssthresh of lossy.json's Reno flow

Run it as `meson compile -C BUILD validate-figures`.
"""
import argparse
import os
import shutil
import subprocess
import sys


def run(netsim, scenario, out):
    if os.path.exists(out):
        shutil.rmtree(out)
    r = subprocess.run([netsim, "run", scenario, "--out", out], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"netsim run {scenario}: exit {r.returncode}\n{r.stderr}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--out", required=True, help="directory for the runs")
    args = ap.parse_args()
    src = args.source_root
    img = os.path.join(src, "docs", "images")
    os.makedirs(args.out, exist_ok=True)
    sc = lambda n: os.path.join(src, "scenarios", n + ".json")
    res = lambda n: os.path.join(args.out, n)
    for n in (["lossy", "cubic-vs-reno"] + [f"fall-floyd-{k}" for k in range(1, 5)]
              + [f"fall-floyd-sack-{k}" for k in range(1, 5)]):
        run(args.netsim, sc(n), res(n))

    gp = f"""set terminal pngcairo size 1100,500 font ",11"
set datafile separator "\\t"
set key autotitle columnhead
set grid

set output "{img}/validation-lossy-cwnd.png"
set title "lossy.json, Reno, seed 1: the first 20 s of the sender's trace"
set xlabel "time (s)"
set ylabel "segments (1448 bytes)"
set xrange [0:20]
set yrange [0:45]
plot "{res('lossy')}/flow1.sender.tsv" using 1:($2/1448) with steps lw 1.5 lc rgb "#1f77b4" title "cwnd", \\
     "" using 1:(column(3) == column(3) ? $3/1448 : NaN) with steps dt 2 lc rgb "#555555" title "ssthresh", \\
     "" using 1:(strcol(10) eq "fast_retransmit" ? $2/1448 : NaN) with points pt 9 ps 1.2 lc rgb "#d62728" title "fast retransmit", \\
     "" using 1:(strcol(10) eq "rto" ? $2/1448 : NaN) with points pt 7 ps 1.2 lc rgb "#000000" title "RTO"

set output "{img}/validation-cubic-vs-reno.png"
set title "cubic-vs-reno.json, seed 1: one CUBIC and one Reno flow through one 10 Mbit/s bottleneck (queue 100)"
set xrange [0:60]
set yrange [0:160]
plot "{res('cubic-vs-reno')}/cubic.sender.tsv" using 1:($2/1448) with steps lw 1.5 lc rgb "#9467bd" title "CUBIC cwnd", \\
     "{res('cubic-vs-reno')}/reno.sender.tsv" using 1:($2/1448) with steps lw 1.5 lc rgb "#2ca02c" title "Reno cwnd"

set terminal pngcairo size 1100,800 font ",11"
set output "{img}/validation-fall-floyd-cwnd.png"
set multiplot layout 2,2 title "Fall and Floyd 1996 on netsim: cwnd (segments of 1000 bytes) with k consecutive drops in one window"
set xrange [0:6]
set yrange [0:30]
set ylabel "cwnd (segments)"
"""
    for k in range(1, 5):
        d = res(f"fall-floyd-{k}")
        gp += f"""set title "k = {k}"
plot "{d}/reno.sender.tsv" using 1:($2/1000) with steps lw 2 lc rgb "#2ca02c" title "Reno", \\
     "{d}/newreno.sender.tsv" using 1:($2/1000) with steps lw 1.5 lc rgb "#1f77b4" title "NewReno (impatient)", \\
     "{d}/newreno-sbs.sender.tsv" using 1:($2/1000) with steps dt 2 lw 1.5 lc rgb "#d62728" title "NewReno (slow-but-steady)", \\
     "{d}/reno.sender.tsv" using 1:(strcol(10) eq "rto" ? $2/1000 : NaN) with points pt 7 ps 1.5 lc rgb "#000000" title "Reno RTO"
"""
    d = res("fall-floyd-3")
    gp += f"""unset multiplot
set output "{img}/validation-fall-floyd-seq.png"
set multiplot layout 1,2 title "Fall and Floyd, k = 3: segments sent (blue), retransmissions (red), cumulative ACKs (green)"
set xrange [0.6:3.6]
set yrange [10:70]
set ylabel "sequence number (kB)"
"""
    for flow, title in (("reno", "Reno"), ("newreno-sbs", "NewReno (slow-but-steady)")):
        gp += f"""set title "{title}"
plot "{d}/{flow}.sender.seq.tsv" using 1:(strcol(2) eq "send" ? $3/1000 : NaN) with points pt 7 ps 0.4 lc rgb "#1f77b4" title "send", \\
     "" using 1:(strcol(2) eq "retransmit" ? $3/1000 : NaN) with points pt 5 ps 1 lc rgb "#d62728" title "retransmit", \\
     "" using 1:(strcol(2) eq "ack" ? $4/1000 : NaN) with points pt 1 ps 0.6 lc rgb "#2ca02c" title "ACK"
"""
    gp += f"""unset multiplot
set terminal pngcairo size 1100,1500 font ",11"
set output "{img}/validation-fall-floyd-sack-seq.png"
set multiplot layout 4,2 title "Fall and Floyd, k = 1..4 drops: NewReno (left) and SACK (right); sends (blue), retransmissions (red), ACKs (green), SACK blocks (purple)"
set xrange [0.6:2.2]
set yrange [10:50]
set ylabel "sequence number (kB)"
"""
    for k in range(1, 5):
        for flow, d, title in (("newreno-sbs", res(f"fall-floyd-{k}"), "NewReno"),
                               ("sack", res(f"fall-floyd-sack-{k}"), "SACK")):
            gp += f"""set title "{title}, k = {k}"
plot "{d}/{flow}.sender.seq.tsv" using 1:(strcol(2) eq "send" ? $3/1000 : NaN) with points pt 7 ps 0.4 lc rgb "#1f77b4" notitle, \\
     "" using 1:(strcol(2) eq "retransmit" ? $3/1000 : NaN) with points pt 5 ps 1 lc rgb "#d62728" notitle, \\
     "" using 1:(strcol(2) eq "ack" ? $4/1000 : NaN) with points pt 1 ps 0.6 lc rgb "#2ca02c" notitle, \\
     "" using 1:(strcol(2) eq "sack" ? $3/1000 : NaN):(0):(($4 - $3)/1000) with vectors nohead lw 1 lc rgb "#9467bd" notitle
"""
    gp += "unset multiplot\n"
    path = os.path.join(args.out, "figures.gp")
    with open(path, "w") as f:
        f.write(gp)
    g = shutil.which("gnuplot")
    if not g:
        print("gnuplot not found", file=sys.stderr)
        return 1
    subprocess.run([g, path], check=True)
    print(f"figures in {img}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
