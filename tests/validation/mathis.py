#!/usr/bin/env python3
"""Reno goodput against Mathis et al. 1997 and Padhye et al. 1998 (docs/validation.md §3).

Runs `netsim sweep sweeps/mathis.json`: lossy.json's path (A -100 Mbit/s, 5 ms- R
-10 Mbit/s, 20 ms- B), one Reno flow with the linux profile (delayed ACK on, RFC 3465
byte counting), Bernoulli loss p on R->B for p in {0.1, 0.5, 1, 2, 5} %, 20 seeds,
300 s each. The sweep's aggregate.tsv gives the measured goodput with its 95 %
confidence interval; for every run the models get that run's own measured loss rate
p (bottleneck lost / tx_packets), mean RTT (rtt_ms.mean) and T0 (the median RTO of
the sender's trace), from runs.tsv and the run's directory:

  Mathis et al. 1997:  B = MSS/RTT * C/sqrt(p),   C = sqrt(3/(2b))
  Padhye et al. 1998:  B = min(Wmax/RTT, 1 / (RTT*sqrt(2bp/3)
                                 + T0*min(1, 3*sqrt(3bp/8))*p*(1 + 32p^2)))  [packets/s]

with b = 1 (byte counting grows the window by one SMSS per window of data acknowledged
however many segments an ACK covers) and Wmax the receive window in segments.
Padhye's B counts every segment sent, retransmissions included, so its goodput is
B*(1 - p).

The models describe Reno's window and the timeouts of its recovery, so the sweep turns
SACK and timestamps off (the linux profile negotiates both): the sender recovers as Reno
does on cumulative ACKs alone. --sack runs it with both on (RFC 6675 recovery, MSS
1448) for the comparison docs/validation.md shows beside the main table.

Writes OUT/mathis-table.md (and prints it) and the figure (--figure, default
docs/images/validation-mathis.png; none with --sack unless --figure is given). Run it
as `meson compile -C BUILD validate-mathis`. The sweep directory OUT/sweep is kept: a
second run only redraws.
"""
import argparse
import csv
import math
import os
import shutil
import statistics
import subprocess
import sys

MSS = 1460
# Padhye's Wmax: the linux profile's first window (its 128 KiB buffer's 64240 bytes in
# the SYN); autotuning only grows it, and it does not bind at these loss rates.
RCV_WINDOW = 64240
B = 1
T975_19 = 2.0930240544083098  # Student's t(0.975, 19): 20 seeds


def mathis(rtt, p, mss=MSS):
    """Mathis et al. 1997, bits/s."""
    return mss * 8 / rtt * math.sqrt(3.0 / (2.0 * B)) / math.sqrt(p)


def padhye(rtt, p, t0, mss=MSS):
    """Padhye et al. 1998 (the 'full' approximate model, eqn. 33), goodput in bits/s."""
    denom = rtt * math.sqrt(2 * B * p / 3) + t0 * min(1.0, 3 * math.sqrt(3 * B * p / 8)) * p * (
        1 + 32 * p * p)
    return mss * 8 * min(RCV_WINDOW / mss / rtt, 1.0 / denom) * (1 - p)


def median_rto(run_dir):
    """The median RTO (s) of the sender's ESTABLISHED rows, timeouts themselves left out."""
    rtos = []
    with open(os.path.join(run_dir, "flow1.sender.tsv")) as f:
        head = f.readline().rstrip("\n").split("\t")
        i_rto, i_state, i_event = head.index("rto_ms"), head.index("state"), head.index("event")
        for line in f:
            c = line.rstrip("\n").split("\t")
            if c[i_state] == "ESTABLISHED" and c[i_event] != "rto":
                rtos.append(float(c[i_rto]))
    return statistics.median(rtos) / 1e3


def mean_ci(xs):
    m = statistics.fmean(xs)
    return m, T975_19 * statistics.stdev(xs) / math.sqrt(len(xs))


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--out", required=True, help="directory for the sweep and the table")
    ap.add_argument("--figure", help="PNG to write (default SOURCE/docs/images/validation-mathis.png)")
    ap.add_argument("--sack", action="store_true",
                    help="SACK and timestamps on (MSS 1448); no figure unless --figure")
    args = ap.parse_args()
    figure = args.figure
    if not figure and not args.sack:
        figure = os.path.join(args.source_root, "docs", "images", "validation-mathis.png")
    mss = 1448 if args.sack else MSS  # the timestamps take 12 bytes of each segment
    os.makedirs(args.out, exist_ok=True)
    sweep_dir = os.path.join(args.out, "sweep")
    extra = ["--set", "tcp.sack=true", "--set", "tcp.timestamps=true"] if args.sack else []
    r = subprocess.run([args.netsim, "sweep", os.path.join(args.source_root, "sweeps", "mathis.json"),
                        "--out", sweep_dir] + extra)
    if r.returncode != 0:
        return r.returncode

    runs = read_tsv(os.path.join(sweep_dir, "runs.tsv"))
    agg = {(a["point"], a["metric"]): a for a in read_tsv(os.path.join(sweep_dir, "aggregate.tsv"))}
    points = []
    for point in sorted({r["point"] for r in runs}):
        rs = [r for r in runs if r["point"] == point and r["status"] == "ok"]
        per_run = []
        for r in rs:
            p = float(r["links[2].lost"]) / float(r["links[2].tx_packets"])
            rtt = float(r["flows[0].rtt_ms.mean"]) / 1e3
            t0 = median_rto(os.path.join(sweep_dir, r["dir"]))
            g = float(r["flows[0].goodput_bps"])
            per_run.append({"p": p, "rtt": rtt, "t0": t0, "g": g,
                            "mathis": mathis(rtt, p, mss), "padhye": padhye(rtt, p, t0, mss)})
        a = agg[(point, "flows[0].goodput_bps")]
        rm, rmci = mean_ci([x["g"] / x["mathis"] for x in per_run])
        rp, rpci = mean_ci([x["g"] / x["padhye"] for x in per_run])
        points.append({
            "p": float(rs[0]["links[1].forward.loss_ratio"]), "n": int(a["n"]),
            "p_meas": statistics.fmean(x["p"] for x in per_run),
            "rtt": statistics.fmean(x["rtt"] for x in per_run),
            "t0": statistics.fmean(x["t0"] for x in per_run),
            "fast": float(agg[(point, "flows[0].fast_retransmits")]["mean"]),
            "rto": float(agg[(point, "flows[0].rto_count")]["mean"]),
            "goodput": float(a["mean"]), "goodput_ci": float(a["ci95"]),
            "mathis": statistics.fmean(x["mathis"] for x in per_run),
            "padhye": statistics.fmean(x["padhye"] for x in per_run),
            "r_mathis": rm, "r_mathis_ci": rmci, "r_padhye": rp, "r_padhye_ci": rpci,
        })

    lines = [
        "| p | measured p | mean RTT ms | T0 ms | fast retx | RTOs "
        "| goodput Mbit/s (mean ± 95% CI, 20 seeds) | Mathis | meas./Mathis | Padhye | meas./Padhye |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in points:
        lines.append(
            f"| {s['p'] * 100:g}% | {s['p_meas'] * 100:.2f}% | {s['rtt'] * 1e3:.1f} | {s['t0'] * 1e3:.0f} "
            f"| {s['fast']:.0f} | {s['rto']:.1f} "
            f"| {s['goodput'] / 1e6:.3f} ± {s['goodput_ci'] / 1e6:.3f} "
            f"| {s['mathis'] / 1e6:.3f} | {s['r_mathis']:.3f} ± {s['r_mathis_ci']:.3f} "
            f"| {s['padhye'] / 1e6:.3f} | {s['r_padhye']:.3f} ± {s['r_padhye_ci']:.3f} |")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "mathis-table.md"), "w") as f:
        f.write(table)
    print(table)

    data = os.path.join(args.out, "mathis-models.tsv")
    with open(data, "w") as f:
        f.write("p\tgoodput\tci95\tmathis\tpadhye\tr_mathis\tr_mathis_ci\tr_padhye\tr_padhye_ci\n")
        for s in points:
            f.write(f"{s['p']}\t{s['goodput']}\t{s['goodput_ci']}\t{s['mathis']}\t{s['padhye']}"
                    f"\t{s['r_mathis']}\t{s['r_mathis_ci']}\t{s['r_padhye']}\t{s['r_padhye_ci']}\n")
    if not figure:
        print(f"tables: {args.out}, sweep: {sweep_dir}")
        return 0
    gp = os.path.join(args.out, "mathis.gp")
    with open(gp, "w") as f:
        f.write(f"""set terminal pngcairo size 1000,900 font ",11"
set output "{figure}"
set datafile separator "\\t"
set datafile columnheaders
set multiplot layout 2,1 title "Reno on lossy.json (10 Mbit/s bottleneck, 50 ms): netsim sweep sweeps/mathis.json, 20 seeds per p\\nmeans with 95% confidence intervals; the models at each run's measured p, RTT and RTO" noenhanced
set logscale x
set xrange [0.0008:0.065]
set xtics ("0.1%%" 0.001, "0.2%%" 0.002, "0.5%%" 0.005, "1%%" 0.01, "2%%" 0.02, "5%%" 0.05)
set xlabel "loss probability p on the data direction"
set grid
set logscale y
set yrange [0.5:10]
set ylabel "goodput (Mbit/s)"
set key bottom left
plot "{data}" using 1:($2/1e6):($3/1e6) with yerrorbars pt 7 ps 1.1 lw 1.5 lc rgb "#1f77b4" title "netsim, Reno (linux profile: delayed ACK, byte counting)", \\
     "" using 1:($4/1e6) with linespoints dt 2 lw 2 pt 6 lc rgb "#555555" title "Mathis et al. 1997, C = sqrt(3/2)", \\
     "" using 1:($5/1e6) with linespoints lw 2 pt 4 lc rgb "#d62728" title "Padhye et al. 1998, with timeouts (T0 = RTO)"
unset logscale y
set yrange [0.5:1.1]
set ylabel "measured / model"
set key bottom left
plot "{data}" using 1:6:7 with yerrorlines dt 2 lw 2 pt 6 lc rgb "#555555" title "measured / Mathis", \\
     "" using 1:8:9 with yerrorlines lw 2 pt 4 lc rgb "#d62728" title "measured / Padhye", \\
     1 with lines lc rgb "#888888" notitle
unset multiplot
""")
    g = shutil.which("gnuplot")
    if not g:
        print("gnuplot not found: no figure", file=sys.stderr)
        return 1
    subprocess.run([g, gp], check=True)
    print(f"figure: {figure}\ntables: {args.out}, sweep: {sweep_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
