#!/usr/bin/env python3
"""The queue-discipline figures of docs/validation.md: runs the scenarios and draws
with gnuplot.

  docs/images/validation-bufferbloat-cdf.png   sojourn-time CDFs of drop-tail, CoDel
                                               and FQ-CoDel (scenarios/bufferbloat.json)
  docs/images/validation-bufferbloat-ping.png  the three paths' ping RTTs over time
  docs/images/validation-red.png               RED's queue and average, and the drop
                                               probability against the average
                                               (scenarios/red.json)
  docs/images/validation-pie.png               PIE's sojourn times under varying load
                                               (tests/validation/pie-load.json)

Run it as `meson compile -C BUILD validate-aqm-figures`.
"""
import argparse
import os
import shutil
import subprocess

CDF = r'''
set terminal pngcairo size 900,540 font ",11"
set output "{out}"
set datafile separator "\t"
set title "bufferbloat.json: sojourn time of every packet at the 10 Mbit/s bottleneck" noenhanced
set xlabel "sojourn time (ms, log scale; 0 drawn at 1 µs)"
set ylabel "fraction of packets"
set logscale x
set xrange [0.001:3000]
set yrange [0:1.02]
set grid lc rgb "#dddddd"
set key left top
set arrow from 5, graph 0 to 5, graph 1 nohead dt 2 lc rgb "#555555"
set label "CoDel target 5 ms" at 5.5, graph 0.05
plot "{dt}" using 1:2 with steps lw 2 lc rgb "#d62728" title "drop-tail, 1000 packets", \
     "{codel}" using 1:2 with steps lw 2 lc rgb "#1f77b4" title "CoDel", \
     "{fq}" using 1:2 with steps lw 2 lc rgb "#2ca02c" title "FQ-CoDel"
'''

PING = r'''
set terminal pngcairo size 900,480 font ",11"
set output "{out}"
set datafile separator "\t"
set datafile columnheaders
set title "bufferbloat.json: ping every 100 ms beside four bulk flows (base RTT 42 ms)" noenhanced
set xlabel "simulated time (s)"
set ylabel "RTT (ms, log scale)"
set logscale y
set grid lc rgb "#dddddd"
set key right center
plot "{dt}" using "time_s":"rtt_ms" with lines lw 1.5 lc rgb "#d62728" title "drop-tail", \
     "{codel}" using "time_s":"rtt_ms" with lines lw 1.5 lc rgb "#1f77b4" title "CoDel", \
     "{fq}" using "time_s":"rtt_ms" with lines lw 1.5 lc rgb "#2ca02c" title "FQ-CoDel"
'''

RED = r'''
set terminal pngcairo size 900,800 font ",11"
set output "{out}"
set datafile separator "\t"
set datafile columnheaders
set multiplot layout 2,1
set title "red.json: the gateway's queue (packets) and RED's average, as in Floyd & Jacobson's Figure 4" noenhanced
set xlabel "simulated time (s)"
set ylabel "packets"
set grid lc rgb "#dddddd"
set key right top
set yrange [0:*]
plot "{q}" using "time_s":"queue_packets" with steps lw 0.6 lc rgb "#9ecae1" title "queue", \
     "" using "time_s":"aqm_avg" with lines lw 2 lc rgb "#08519c" title "average (w_q = 0.002)", \
     5 with lines dt 2 lc rgb "#555555" title "min, max", 15 with lines dt 2 lc rgb "#555555" notitle
set title "drop probability p_b at each arrival against the average; line: max_p·(avg − 5)/(15 − 5)"
set xlabel "average queue (packets)"
set ylabel "p_b (1 above max: every arrival dropped)"
set xrange [0:25]
set yrange [0:0.03]
rl(x) = x < 5 ? 0 : (x < 15 ? 0.02 * (x - 5) / 10 : 1)
set samples 1000
plot "{q}" using "aqm_avg":"aqm_prob" with points pt 7 ps 0.3 lc rgb "#08519c" title "trace", \
     rl(x) with lines lw 1 lc rgb "#d62728" title "RED (not gentle)"
unset multiplot
'''

PIE = r'''
set terminal pngcairo size 900,480 font ",11"
set output "{out}"
set datafile separator "\t"
set datafile columnheaders
set title "pie-load.json: PIE sojourn times; 1 TCP flow, 5 from 20 s, + 6 Mbit/s UDP 40-60 s" noenhanced
set xlabel "simulated time (s)"
set ylabel "sojourn time (ms)"
set yrange [0:100]
set grid lc rgb "#dddddd"
set key right top
set arrow from 20, graph 0 to 20, graph 1 nohead dt 3 lc rgb "#888888"
set arrow from 40, graph 0 to 40, graph 1 nohead dt 3 lc rgb "#888888"
set arrow from 60, graph 0 to 60, graph 1 nohead dt 3 lc rgb "#888888"
s(x) = strcol("event") eq "dequeue" ? column("sojourn_ms") : NaN
plot "{q}" using "time_s":(s(0)) with dots lc rgb "#9ecae1" title "each packet", \
     "{mean}" using 1:2 with steps lw 2 lc rgb "#08519c" title "mean per second", \
     15 with lines dt 2 lw 1.5 lc rgb "#d62728" title "target 15 ms"
'''


def run(netsim, scenario, out):
    if os.path.exists(out):
        shutil.rmtree(out)
    r = subprocess.run([netsim, "run", scenario, "--out", out], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"netsim run {scenario}: exit {r.returncode}\n{r.stderr}")


def cdf(queue_tsv, out):
    """The empirical CDF of the dequeue rows' sojourn_ms (0 drawn at 1 µs)."""
    with open(queue_tsv) as f:
        head = f.readline().rstrip("\n").split("\t")
        ev, so = head.index("event"), head.index("sojourn_ms")
        v = sorted(max(float(r[so]), 0.001) for r in (l.rstrip("\n").split("\t") for l in f)
                   if r[ev] == "dequeue")
    with open(out, "w") as f:
        for i, x in enumerate(v):
            f.write(f"{x}\t{(i + 1) / len(v)}\n")
    return out


def per_second(queue_tsv, out):
    """Mean sojourn_ms of the dequeue rows in each second."""
    sums, ns = {}, {}
    with open(queue_tsv) as f:
        head = f.readline().rstrip("\n").split("\t")
        ev, so = head.index("event"), head.index("sojourn_ms")
        for l in f:
            r = l.rstrip("\n").split("\t")
            if r[ev] == "dequeue":
                b = int(float(r[0]))
                sums[b] = sums.get(b, 0.0) + float(r[so])
                ns[b] = ns.get(b, 0) + 1
    with open(out, "w") as f:
        for b in sorted(sums):
            f.write(f"{b}\t{sums[b] / ns[b]}\n")
    return out


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    img = os.path.join(a.source_root, "docs", "images")
    os.makedirs(a.out, exist_ok=True)
    bb = os.path.join(a.out, "bufferbloat")
    run(a.netsim, os.path.join(a.source_root, "scenarios", "bufferbloat.json"), bb)
    q = {k: cdf(os.path.join(bb, f"link.bneck_{k}.forward.queue.tsv"),
                os.path.join(a.out, f"cdf-{k}.tsv")) for k in ("dt", "codel", "fq")}
    gnuplot(CDF.format(out=os.path.join(img, "validation-bufferbloat-cdf.png"), **q))
    p = {k: os.path.join(bb, f"ping_{k}.ping.tsv") for k in ("dt", "codel", "fq")}
    gnuplot(PING.format(out=os.path.join(img, "validation-bufferbloat-ping.png"), **p))
    red = os.path.join(a.out, "red")
    run(a.netsim, os.path.join(a.source_root, "scenarios", "red.json"), red)
    gnuplot(RED.format(out=os.path.join(img, "validation-red.png"),
                       q=os.path.join(red, "link.gateway.forward.queue.tsv")))
    pie = os.path.join(a.out, "pie")
    run(a.netsim, os.path.join(a.source_root, "tests", "validation", "pie-load.json"), pie)
    pq = os.path.join(pie, "link.bneck.forward.queue.tsv")
    gnuplot(PIE.format(out=os.path.join(img, "validation-pie.png"), q=pq,
                       mean=per_second(pq, os.path.join(a.out, "pie-mean.tsv"))))


if __name__ == "__main__":
    main()
