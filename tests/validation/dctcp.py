#!/usr/bin/env python3
"""DCTCP against its paper (docs/validation.md §8): runs scenarios/dctcp.json, measures
from its traces and compares with the steady-state analysis of Alizadeh et al., "Data
Center TCP (DCTCP)", SIGCOMM 2010, §3.3 (N synchronised flows, one bottleneck of C
packets per second, base round trip RTT, marking threshold K):

  W*   = (C·RTT + K) / N          the window at which the queue reaches K
  α    ≈ sqrt(2 / W*)             the fraction of packets marked, in steady state
  D    = (W* + 1)·α / 2           each flow's window reduction, packets
  A    = N·D                      the queue's peak-to-peak amplitude, packets
  Qmax = K + N,  Qmin = Qmax − A  the queue's range

Measured, after `--skip` seconds of start-up:
  - the bottleneck queue (`queue_packets` at every enqueue and dequeue): mean, 5th and
    95th percentiles, and the time the link had no packet waiting or in service;
  - α: from every `cwr` row of the senders' endpoint traces, where cwnd is still the
    window before the reduction and ssthresh = cwnd − ⌊cwnd·α/2⌋ (Linux's integers),
    so 2·(1 − ssthresh / cwnd) is α rounded down to a multiple of 2/cwnd; α itself at
    the end (summary.json's flows[].ecn.dctcp_alpha); and F, the fraction of
    dequeued packets that were marked, which α averages;
  - the window at each reduction (cwnd of the `cwr` rows) against W* + 1, and after it
    (ssthresh) against (W* + 1)(1 − α/2);
  - goodput of both flows together against the link rate.
The same for the Reno + ECN path (bneck_reno) on the same marking.

Prints a table and draws docs/images/validation-dctcp.png: the two queues and the
windows over one half-second of steady state. Run it as
`meson compile -C BUILD validate-dctcp`.
"""
import argparse
import json
import math
import os
import shutil
import subprocess

FIG = r'''
set terminal pngcairo size 1000,760 font ",11"
set output "{out}"
set datafile separator "\t"
set datafile columnheaders
set multiplot layout 2,1
set xrange [{t0}:{t1}]
set grid lc rgb "#dddddd"
set key outside right top
set title "dctcp.json: bottleneck queue, 100 Mbit/s, 4 ms, step marking K = {k} (dashed), 2 flows each" noenhanced
set ylabel "packets waiting"
set yrange [0:*]
plot "{qd}" using "time_s":"queue_packets" with steps lw 1.2 lc rgb "#1f77b4" title "DCTCP", \
     "{qr}" using "time_s":"queue_packets" with steps lw 1.2 lc rgb "#d62728" title "Reno + ECN", \
     {k} with lines dt 2 lc rgb "#555555" title "K", \
     {qmax} with lines dt 3 lc rgb "#1f77b4" title "paper Qmax, Qmin", \
     {qmin} with lines dt 3 lc rgb "#1f77b4" notitle
set title "congestion windows (packets)"
set xlabel "simulated time (s)"
set ylabel "cwnd (packets)"
plot "{d0}" using "time_s":(column("cwnd_bytes")/{mss}) with steps lw 1.2 lc rgb "#1f77b4" title "DCTCP flow 0", \
     "{d1}" using "time_s":(column("cwnd_bytes")/{mss}) with steps lw 1.2 lc rgb "#6baed6" title "DCTCP flow 1", \
     "{r0}" using "time_s":(column("cwnd_bytes")/{mss}) with steps lw 1.2 lc rgb "#d62728" title "Reno flow 0", \
     "{r1}" using "time_s":(column("cwnd_bytes")/{mss}) with steps lw 1.2 lc rgb "#fc9272" title "Reno flow 1", \
     {wstar1} with lines dt 3 lc rgb "#1f77b4" title "paper W*+1, (W*+1)(1-α/2)", \
     {wlow} with lines dt 3 lc rgb "#1f77b4" notitle
unset multiplot
'''


def rows(path):
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            yield dict(zip(head, line.rstrip("\n").split("\t")))


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * len(v)))]


def queue_stats(path, skip, end):
    """Time-weighted queue statistics, the link's idle time, marks per dequeue, and the
    service time of one full packet (the most common gap between back-to-back
    dequeues)."""
    last_t, last_q, busy_until = skip, 0, 0.0
    area, span, idle = 0.0, 0.0, 0.0
    samples, deq, marks = [], 0, 0
    gaps = {}
    prev_deq = None
    for r in rows(path):
        t = float(r["time_s"])
        q = int(r["queue_packets"])
        ev = r["event"]
        if ev == "dequeue":
            if prev_deq is not None and q > 0:
                g = round(t - prev_deq, 7)
                gaps[g] = gaps.get(g, 0) + 1
            prev_deq = t
        if t < skip:
            last_q = q
            if ev == "dequeue":
                busy_until = t + 0.0
            continue
        area += last_q * (t - last_t)
        span += t - last_t
        samples.append(q)
        if ev == "dequeue":
            deq += 1
        elif ev == "mark":
            marks += 1
        last_t, last_q = t, q
    service = max(gaps, key=gaps.get)
    return {"mean": area / span, "p5": pct(samples, 5), "p95": pct(samples, 95),
            "min": min(samples), "max": max(samples), "F": marks / deq, "service": service,
            "deq": deq}


def link_idle(path, skip, end, service):
    """Seconds in [skip, end) the link sent nothing: a dequeue starts a service of
    `service` s; an enqueue into an empty queue is dequeued at once."""
    busy = 0.0
    free_at = skip
    for r in rows(path):
        if r["event"] != "dequeue":
            continue
        t = float(r["time_s"])
        if t < skip:
            continue
        start = max(t, free_at)
        busy += service
        free_at = start + service
    return (end - skip) - busy


def cwr_stats(paths, skip):
    alphas, wmax, wmin = [], [], []
    mss = None
    for p in paths:
        for r in rows(p):
            if r["event"] != "cwr" or float(r["time_s"]) < skip:
                continue
            cw, st = float(r["cwnd_bytes"]), float(r["ssthresh_bytes"])
            if "cwnd_packets" in r:
                mss = cw / float(r["cwnd_packets"])
            alphas.append(2 * (1 - st / cw))
            wmax.append(cw)
            wmin.append(st)
    mss = mss or 1448.0
    n = len(alphas)
    return {"alpha": sum(alphas) / n, "wmax": sum(wmax) / n / mss, "wmin": sum(wmin) / n / mss,
            "n": n, "mss": mss}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--skip", type=float, default=5.0)
    a = ap.parse_args()
    out = os.path.join(a.out, "dctcp")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(a.out, exist_ok=True)
    sc = os.path.join(a.source_root, "scenarios", "dctcp.json")
    r = subprocess.run([a.netsim, "run", sc, "--out", out], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"netsim run: exit {r.returncode}\n{r.stderr}")
    with open(sc) as f:
        scen = json.load(f)
    end = float(scen["duration"].rstrip("s"))
    link = {l["name"]: l for l in scen["links"]}
    k = link["bneck_dctcp"]["forward"]["queue"]["k"]
    n = 2
    with open(os.path.join(out, "summary.json")) as f:
        summ = json.load(f)
    goodput, alpha_end = {}, {}
    for fl in summ["flows"]:
        goodput[fl["name"]] = fl["goodput_bps"]
        alpha_end[fl["name"]] = (fl.get("ecn") or {}).get("dctcp_alpha")
    res = {}
    for tag in ("dctcp", "reno"):
        qp = os.path.join(out, f"link.bneck_{tag}.forward.queue.tsv")
        q = queue_stats(qp, a.skip, end)
        q["idle"] = link_idle(qp, a.skip, end, q["service"])
        q.update(cwr_stats([os.path.join(out, f"{tag}{i}.sender.tsv") for i in range(n)], a.skip))
        q["goodput"] = sum(goodput.get(f"{tag}{i}", 0) for i in range(n))
        q["alpha_end"] = [alpha_end.get(f"{tag}{i}") for i in range(n)]
        res[tag] = q
    d = res["dctcp"]
    # The paper's model: C in packets per second from the service time, RTT the base
    # round trip (propagation 2·(0.1 + 1.9) ms plus the data packet's and the ACK's
    # serialisation on both hops).
    c = 1 / d["service"]
    rtt = 2 * (0.0001 + 0.0019) + d["service"] + 2 * 1514 * 8 / 1e9 + 2 * 66 * 8 / 1e9 + 66 * 8 / 1e8
    w_star = (c * rtt + k) / n
    alpha = math.sqrt(2 / w_star)
    dd = (w_star + 1) * alpha / 2
    amp = n * dd
    qmax = k + n
    qmin = qmax - amp
    print(f"model: C = {c:.0f} packets/s, RTT = {rtt * 1e3:.3f} ms, C·RTT = {c * rtt:.1f} packets,"
          f" K = {k}, N = {n}")
    print(f"model: W* = {w_star:.2f}, alpha = {alpha:.3f}, D = {dd:.2f}, A = {amp:.2f},"
          f" Qmax = {qmax}, Qmin = {qmin:.2f}, window {w_star + 1:.2f} -> {(w_star + 1) * (1 - alpha / 2):.2f}")
    for tag, q in res.items():
        print(f"{tag}: queue mean {q['mean']:.2f}, p5 {q['p5']}, p95 {q['p95']}, min {q['min']},"
              f" max {q['max']}; link idle {q['idle'] * 1e3:.1f} ms of {(end - a.skip):.0f} s"
              f" ({100 * q['idle'] / (end - a.skip):.2f} %); goodput {q['goodput'] / 1e6:.2f} Mbit/s;"
              f" F (marks/dequeues) {q['F']:.3f}; cwr rows {q['n']}: alpha {q['alpha']:.3f},"
              f" window at reduction {q['wmax']:.2f}, after {q['wmin']:.2f};"
              f" alpha at the end (summary.json) {q['alpha_end']}")
    img = os.path.join(a.source_root, "docs", "images", "validation-dctcp.png")
    t0 = 10.0
    fig = FIG.format(out=img, t0=t0, t1=t0 + 0.5, k=k, qmax=qmax, qmin=f"{qmin:.3f}",
                     qd=os.path.join(out, "link.bneck_dctcp.forward.queue.tsv"),
                     qr=os.path.join(out, "link.bneck_reno.forward.queue.tsv"),
                     d0=os.path.join(out, "dctcp0.sender.tsv"), d1=os.path.join(out, "dctcp1.sender.tsv"),
                     r0=os.path.join(out, "reno0.sender.tsv"), r1=os.path.join(out, "reno1.sender.tsv"),
                     mss=d["mss"], wstar1=f"{w_star + 1:.3f}",
                     wlow=f"{(w_star + 1) * (1 - alpha / 2):.3f}")
    subprocess.run(["gnuplot"], input=fig, text=True, check=True)
    print(f"figure: {img}")


if __name__ == "__main__":
    main()
