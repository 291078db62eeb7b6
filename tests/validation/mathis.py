#!/usr/bin/env python3
"""The Mathis/Padhye sweep on scenarios/lossy.json (docs/validation.md).

One Reno flow on A -100 Mbit/s, 5 ms- R -10 Mbit/s, 20 ms- B with Bernoulli loss p on
R->B. For every p in {0.1, 0.5, 1, 2, 5} %, delayed ACK on and off, and both window
growth rules (RFC 3465 byte counting, netsim's default, and the classic per-ACK
increase), several seeds; each run is `netsim run scenarios/lossy.json --set ...`
(no copies of the scenario). Measured goodput beside

  Mathis et al. 1997:  B = MSS/RTT * C/sqrt(p),   C = sqrt(3/(2b))
  Padhye et al. 1998:  B = min(Wmax/RTT, 1 / (RTT*sqrt(2bp/3)
                                 + T0*min(1, 3*sqrt(3bp/8))*p*(1 + 32p^2)))  [packets/s]

with b the number of packets whose ACK grows the window by 1/cwnd (b = 2 only for
per-ACK growth with delayed ACKs: byte counting grows by one SMSS per window of data
acknowledged however many segments an ACK covers), RTT the flow's mean RTT sample,
T0 the median RTO of its trace, p the measured loss rate of the bottleneck's data
direction, Wmax the receive window in segments. Padhye's B counts every segment sent,
retransmissions included, so its goodput is B*(1 - p).

Writes OUT/mathis.tsv (one row per run), OUT/mathis-summary.tsv, OUT/mathis-table.md
and the figure (--figure, default docs/images/validation-mathis.png), and prints the
table. Run it as `meson compile -C BUILD validate-mathis`.
"""
import argparse
import concurrent.futures
import json
import math
import os
import shutil
import statistics
import subprocess
import sys

P_VALUES = [0.001, 0.005, 0.01, 0.02, 0.05]
MSS = 1460
RCVBUF = 131072  # linux profile receive buffer: Wmax = RCVBUF / MSS segments


def mathis(mss, rtt, p, b):
    """Mathis et al. 1997, bits/s."""
    c = math.sqrt(3.0 / (2.0 * b))
    return mss * 8 / rtt * c / math.sqrt(p)


def padhye(mss, rtt, p, b, t0, wmax):
    """Padhye et al. 1998 (the 'full' approximate model, eqn. 33), sending rate in bits/s."""
    denom = rtt * math.sqrt(2 * b * p / 3) + t0 * min(1.0, 3 * math.sqrt(3 * b * p / 8)) * p * (
        1 + 32 * p * p)
    return mss * 8 * min(wmax / rtt, 1.0 / denom)


def run_one(args, p, delack, growth, seed, periodic=False):
    name = f"p{p * 100:g}-{'dack' if delack else 'nodack'}-{growth}-s{seed}{'-periodic' if periodic else ''}"
    out = os.path.join(args.out, "runs", name)
    if os.path.exists(out):
        shutil.rmtree(out)
    if periodic:
        # Mathis's own assumption: exactly every (1/p)-th packet of the data direction
        # is lost (a drop list long enough for the whole run at line rate, 833 packets/s).
        n = round(1 / p)
        packets = ",".join(str(i) for i in range(n, 834 * int(args.duration.rstrip("s")) + 1000, n))
        loss = f'{{"model": "drop-list", "packets": [{packets}]}}'
    else:
        loss = f"{p * 100:g}%"
    cmd = [args.netsim, "run", args.scenario, "--out", out, "--seed", str(seed),
           "--until", args.duration,
           "--set", f"links[1].forward.loss={loss}",
           "--set", f"tcp.delayed_ack={'true' if delack else 'false'}",
           "--set", f'tcp.cc_growth="{growth}"',
           "--set", 'apps[0].trace=["endpoint"]']
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    flow = s["flows"][0]
    link = next(l for l in s["links"] if l["name"] == "bottleneck" and l["direction"] == "forward")
    rtos = []
    with open(os.path.join(out, "flow1.sender.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        i_rto, i_state = header.index("rto_ms"), header.index("state")
        i_event = header.index("event")
        for line in f:
            c = line.rstrip("\n").split("\t")
            if c[i_state] == "ESTABLISHED" and c[i_event] != "rto":
                rtos.append(float(c[i_rto]))
    shutil.rmtree(out)  # keep only the numbers
    p_meas = link["lost"] / link["tx_packets"]
    rtt = flow["rtt_ms"]["mean"] / 1e3
    t0 = statistics.median(rtos) / 1e3
    b = 2 if (delack and growth == "per_ack") else 1
    wmax = RCVBUF / MSS
    return {
        "p": p, "delack": delack, "growth": growth, "seed": seed,
        "goodput": flow["goodput_bps"], "p_meas": p_meas, "rtt": rtt, "t0": t0, "b": b,
        "fast": flow["fast_retransmits"], "rto": flow["rto_count"],
        "mathis": mathis(MSS, rtt, p_meas, b),
        "padhye": padhye(MSS, rtt, p_meas, b, t0, wmax) * (1 - p_meas),
        "intact": flow["intact"],
    }


def mean_sd(xs):
    return statistics.fmean(xs), (statistics.stdev(xs) if len(xs) > 1 else 0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--out", required=True, help="directory for the runs and tables")
    ap.add_argument("--figure", help="PNG to write (default SOURCE/docs/images/validation-mathis.png)")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--duration", default="300s")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    args.scenario = os.path.join(args.source_root, "scenarios", "lossy.json")
    figure = args.figure or os.path.join(args.source_root, "docs", "images", "validation-mathis.png")
    os.makedirs(args.out, exist_ok=True)

    configs = [(d, g) for g in ("bytes", "per_ack") for d in (False, True)]
    jobs = [(p, d, g, s) for (d, g) in configs for p in P_VALUES for s in range(1, args.seeds + 1)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        rows = list(ex.map(lambda j: run_one(args, *j), jobs))
        periodic = list(ex.map(lambda p: run_one(args, p, False, "bytes", 1, True), P_VALUES))

    cols = ["p", "delack", "growth", "seed", "goodput", "p_meas", "rtt", "t0", "b", "fast",
            "rto", "mathis", "padhye", "intact"]
    with open(os.path.join(args.out, "mathis.tsv"), "w") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join(str(r[c]) for c in cols) + "\n")

    # One line per (config, p): means over seeds, spread of the goodput and of the
    # ratios measured/model.
    summary = []
    for (d, g) in configs:
        for p in P_VALUES:
            rs = [r for r in rows if r["p"] == p and r["delack"] == d and r["growth"] == g]
            gp, gsd = mean_sd([r["goodput"] for r in rs])
            rm, rmsd = mean_sd([r["goodput"] / r["mathis"] for r in rs])
            rp, rpsd = mean_sd([r["goodput"] / r["padhye"] for r in rs])
            summary.append({
                "delack": d, "growth": g, "b": rs[0]["b"], "p": p,
                "p_meas": statistics.fmean(r["p_meas"] for r in rs),
                "rtt": statistics.fmean(r["rtt"] for r in rs),
                "t0": statistics.fmean(r["t0"] for r in rs),
                "fast": statistics.fmean(r["fast"] for r in rs),
                "rto": statistics.fmean(r["rto"] for r in rs),
                "goodput": gp, "goodput_sd": gsd,
                "mathis": statistics.fmean(r["mathis"] for r in rs),
                "padhye": statistics.fmean(r["padhye"] for r in rs),
                "r_mathis": rm, "r_mathis_sd": rmsd, "r_padhye": rp, "r_padhye_sd": rpsd,
                "intact": all(r["intact"] for r in rs), "n": len(rs),
            })
    scols = list(summary[0].keys())
    spath = os.path.join(args.out, "mathis-summary.tsv")
    with open(spath, "w") as f:
        f.write("\t".join(scols) + "\n")
        for s in summary:
            f.write("\t".join(str(s[c]) for c in scols) + "\n")

    lines = [
        f"| delayed ACK | growth | b | p | measured p | mean RTT ms | T0 ms | fast retx | RTOs "
        f"| goodput Mbit/s (mean ± sd, {args.seeds} seeds) | Mathis | meas./Mathis | Padhye | meas./Padhye |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summary:
        lines.append(
            f"| {'on' if s['delack'] else 'off'} | {s['growth']} | {s['b']} | {s['p'] * 100:g}% "
            f"| {s['p_meas'] * 100:.2f}% | {s['rtt'] * 1e3:.1f} | {s['t0'] * 1e3:.0f} "
            f"| {s['fast']:.0f} | {s['rto']:.0f} "
            f"| {s['goodput'] / 1e6:.3f} ± {s['goodput_sd'] / 1e6:.3f} "
            f"| {s['mathis'] / 1e6:.3f} | {s['r_mathis']:.2f} ± {s['r_mathis_sd']:.2f} "
            f"| {s['padhye'] / 1e6:.3f} | {s['r_padhye']:.2f} ± {s['r_padhye_sd']:.2f} |")
    lines += [
        "",
        "Periodic loss (every (1/p)-th packet dropped; delayed ACK off, byte counting, b = 1; deterministic, one run):",
        "",
        "| p | measured p | mean RTT ms | fast retx | RTOs | goodput Mbit/s | Mathis | meas./Mathis | Padhye | meas./Padhye |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in periodic:
        lines.append(
            f"| {r['p'] * 100:g}% | {r['p_meas'] * 100:.2f}% | {r['rtt'] * 1e3:.1f} | {r['fast']} | {r['rto']} "
            f"| {r['goodput'] / 1e6:.3f} | {r['mathis'] / 1e6:.3f} | {r['goodput'] / r['mathis']:.2f} "
            f"| {r['padhye'] / 1e6:.3f} | {r['goodput'] / r['padhye']:.2f} |")
    ppath = os.path.join(args.out, "mathis-periodic.tsv")
    with open(ppath, "w") as f:
        f.write("\t".join(cols) + "\n")
        for r in periodic:
            f.write("\t".join(str(r[c]) for c in cols) + "\n")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "mathis-table.md"), "w") as f:
        f.write(table)
    print(table)
    if not all(s["intact"] for s in summary) or not all(r["intact"] for r in periodic):
        print("error: a flow did not arrive intact", file=sys.stderr)
        return 1

    # The figure: goodput against p (log-log) with the models, and measured/model.
    gp = os.path.join(args.out, "mathis.gp")
    with open(gp, "w") as f:
        f.write(f"""set terminal pngcairo size 1100,1000 font ",11"
set output "{figure}"
set datafile separator "\\t"
set multiplot layout 2,1 title "Reno on lossy.json (10 Mbit/s bottleneck, 50 ms, Bernoulli loss p on the data direction)\\n{args.seeds} seeds per point, {args.duration} each; models at the measured p, RTT and RTO"
set logscale xy
set xrange [0.0008:0.065]
set yrange [0.3:12]
set xlabel "loss probability p (points of one p drawn side by side)"
set ylabel "goodput (Mbit/s)"
set key bottom left
set grid
f(d,g) = (strcol(1) eq d && strcol(2) eq g)
plot "{spath}" using ($4):(f("False","bytes") ? $10/1e6 : NaN):($11/1e6) with yerrorbars pt 7 lc rgb "#1f77b4" title "measured, byte counting, no delayed ACK", \\
     "" using ($4*1.06):(f("True","bytes") ? $10/1e6 : NaN):($11/1e6) with yerrorbars pt 5 lc rgb "#ff7f0e" title "measured, byte counting, delayed ACK", \\
     "" using ($4*0.94):(f("False","per_ack") ? $10/1e6 : NaN):($11/1e6) with yerrorbars pt 9 lc rgb "#2ca02c" title "measured, per-ACK, no delayed ACK", \\
     "" using ($4*1.12):(f("True","per_ack") ? $10/1e6 : NaN):($11/1e6) with yerrorbars pt 11 lc rgb "#d62728" title "measured, per-ACK, delayed ACK (b = 2)", \\
     "{ppath}" using 1:($5/1e6) with points pt 6 ps 1.5 lc rgb "#000000" title "measured, periodic loss, byte counting, no delayed ACK", \\
     "{spath}" using 4:(f("False","bytes") ? $12/1e6 : NaN) with lines dt 2 lw 2 lc rgb "#555555" title "Mathis, C = sqrt(3/2) (b = 1)", \\
     "" using 4:(f("True","per_ack") ? $12/1e6 : NaN) with lines dt 2 lw 2 lc rgb "#d62728" title "Mathis, C = sqrt(3/4) (b = 2)", \\
     "" using 4:(f("False","bytes") ? $13/1e6 : NaN) with lines lw 2 lc rgb "#000000" title "Padhye, b = 1, T0 = RTO", \\
     "" using 4:(f("True","per_ack") ? $13/1e6 : NaN) with lines lw 2 lc rgb "#9467bd" title "Padhye, b = 2, T0 = RTO"
unset logscale y
set yrange [0.4:1.6]
set ylabel "measured / model (band: ±15%)"
set key top left maxrows 3
set object 1 rect from graph 0, first 0.85 to graph 1, first 1.15 fc rgb "#e8f5e9" fs solid 1.0 behind
plot "{spath}" using ($4):(f("False","bytes") ? $14 : NaN):15 with yerrorlines pt 7 dt 2 lc rgb "#1f77b4" title "Mathis, byte counting, no delayed ACK", \\
     "" using ($4*1.06):(f("True","bytes") ? $14 : NaN):15 with yerrorlines pt 5 dt 2 lc rgb "#ff7f0e" title "Mathis, byte counting, delayed ACK", \\
     "" using ($4*1.12):(f("True","per_ack") ? $14 : NaN):15 with yerrorlines pt 11 dt 2 lc rgb "#d62728" title "Mathis, per-ACK, delayed ACK", \\
     "" using ($4):(f("False","bytes") ? $16 : NaN):17 with yerrorlines pt 7 lc rgb "#1f77b4" title "Padhye, byte counting, no delayed ACK", \\
     "" using ($4*1.06):(f("True","bytes") ? $16 : NaN):17 with yerrorlines pt 5 lc rgb "#ff7f0e" title "Padhye, byte counting, delayed ACK", \\
     "" using ($4*1.12):(f("True","per_ack") ? $16 : NaN):17 with yerrorlines pt 11 lc rgb "#d62728" title "Padhye, per-ACK, delayed ACK", \\
     "{ppath}" using 1:($5/$12) with linespoints pt 6 ps 1.5 dt 3 lc rgb "#000000" title "Mathis, periodic loss", \\
     1 with lines lc rgb "#888888" notitle
unset multiplot
""")
    g = shutil.which("gnuplot")
    if not g:
        print("gnuplot not found: no figure", file=sys.stderr)
        return 1
    subprocess.run([g, gp], check=True)
    print(f"figure: {figure}\ntables: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
