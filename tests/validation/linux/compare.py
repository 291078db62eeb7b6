#!/usr/bin/env python3
"""tests/validation/linux/compare.py NETSIM [SWEEP_DIR]

netsim's linux profile beside the real Linux kernel on the same path
(tests/validation/linux/README.md). Runs `NETSIM sweep sweeps/linux.json` into SWEEP_DIR
(default results/sweeps/linux; resumed if it is there already), then prints one markdown
row per (cc, SACK+TS, loss): Linux's mean of 3 runs (linux.tsv) and netsim's mean ± sd
over 10 seeds of goodput (Mbit/s, 0-30 s), the time-weighted mean cwnd over 5-30 s
(packets, from the sender's endpoint trace), drops of cwnd to 1 packet in 20 ms samples
(the runs' "RTO episodes", measured as Linux's were), and netsim's RTO episodes proper
(timeouts not following another without an ACK of new data between), with the ratios
and whether each meets the targets (goodput within +-10 %, cwnd within +-15 %, drops to
1 within Linux's run-to-run range).
"""
import csv
import os
import statistics as st
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def linux_table():
    rows = {}
    with open(os.path.join(HERE, "linux.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            key = (r["cc"], r["sack_ts"] == "on", float(r["loss_pct"]))
            rows[key] = {
                "goodput": [float(x) for x in r["goodput_mbps_runs"].split(",")],
                "cwnd": [float(x) for x in r["cwnd_5_30_pkts_runs"].split(",")],
                "rto": [int(x) for x in r["rto_episodes_runs"].split(",")],
            }
    return rows


def cwnd_to_1(rows):
    """Linux's metric (rto_events_cwnd_to_1 of the runs' parse.py): cwnd sampled every
    20 ms, as `ss -tin` did, counting samples of 1 after one above 1. It counts any
    drop to 1 packet: a timeout's, and PRR's when a recovery finds nearly everything
    in flight lost (cwnd = in flight + sndcnt)."""
    out, i, prev, cur = 0, 0, None, None
    for k in range(0, 1501):
        t = k * 0.02
        while i < len(rows) and float(rows[i]["time_s"]) <= t:
            cur = float(rows[i]["cwnd_packets"])
            i += 1
        if cur is not None and prev is not None and cur == 1 and prev > 1:
            out += 1
        prev = cur
    return out


def trace_stats(path):
    """Mean cwnd (packets, time-weighted over 5-30 s), RTO episodes and drops of cwnd to
    1 packet (Linux's metric) of one trace."""
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    area, last_t, last_c = 0.0, None, None
    episodes, in_rto = 0, False
    for r in rows:
        t = float(r["time_s"])
        c = float(r["cwnd_packets"])
        if last_t is not None:
            a, b = max(last_t, 5.0), min(t, 30.0)
            if b > a:
                area += last_c * (b - a)
        last_t, last_c = t, c
        ev = r["event"]
        if ev == "rto" and not r["state"].startswith("SYN"):
            if not in_rto:
                episodes += 1
            in_rto = True
        elif ev in ("slow_start", "congestion_avoidance", "frto_undo", "undo"):
            in_rto = False
    if last_t is not None and last_t < 30.0:
        area += last_c * (30.0 - max(last_t, 5.0))
    return area / 25.0, episodes, cwnd_to_1(rows)


def netsim_table(sweep_dir):
    pts = {}
    with open(os.path.join(sweep_dir, "runs.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            if r["status"] != "ok":
                continue
            key = (r["tcp.cc"], r["tcp.sack"] == "true",
                   round(float(r["links[1].forward.loss_ratio"]) * 100, 3))
            cwnd, rto, to1 = trace_stats(os.path.join(sweep_dir, r["dir"], "flow.sender.tsv"))
            p = pts.setdefault(key, {"goodput": [], "cwnd": [], "rto": [], "to1": []})
            p["to1"].append(to1)
            p["goodput"].append(float(r["flows[0].goodput_bps"]) / 1e6)
            p["cwnd"].append(cwnd)
            p["rto"].append(rto)
    return pts


def ms(xs):
    return st.mean(xs), (st.stdev(xs) if len(xs) > 1 else 0.0)


def main():
    netsim = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "netsim")
    sweep_dir = sys.argv[2] if len(sys.argv) > 2 else os.path.join("results", "sweeps", "linux")
    subprocess.run([netsim, "sweep", os.path.join(ROOT, "sweeps", "linux.json"), "--out",
                    sweep_dir], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lx, ns = linux_table(), netsim_table(sweep_dir)
    print("| cc | SACK+TS | loss | goodput Linux | goodput netsim | ratio | cwnd 5-30 s Linux "
          "| cwnd netsim | ratio | cwnd->1 Linux | cwnd->1 netsim | RTO episodes netsim | targets |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    met = total = 0
    for key in sorted(lx, key=lambda k: (k[0] != "reno", k[1], k[2])):
        if key not in ns:
            continue
        l, n = lx[key], ns[key]
        lg, ng = st.mean(l["goodput"]), ms(n["goodput"])
        lc, nc = st.mean(l["cwnd"]), ms(n["cwnd"])
        nr = ms(n["rto"])
        n1 = ms(n["to1"])
        ok_g = abs(ng[0] / lg - 1) <= 0.10
        ok_c = abs(nc[0] / lc - 1) <= 0.15
        ok_r = min(l["rto"]) <= n1[0] <= max(l["rto"])
        total += 3
        met += ok_g + ok_c + ok_r
        flags = "".join(("G" if ok_g else "g", "C" if ok_c else "c", "R" if ok_r else "r"))
        print(f"| {key[0]} | {'on' if key[1] else 'off'} | {key[2]:g} % | {lg:.2f} "
              f"| {ng[0]:.2f} ± {ng[1]:.2f} | {ng[0] / lg:.2f} | {lc:.1f} "
              f"| {nc[0]:.1f} ± {nc[1]:.1f} | {nc[0] / lc:.2f} "
              f"| {','.join(str(x) for x in l['rto'])} | {n1[0]:.1f} ± {n1[1]:.1f} "
              f"| {nr[0]:.1f} ± {nr[1]:.1f} | {flags} |")
    print(f"\ntargets met: {met} of {total} (G/C/R: goodput +-10 %, cwnd +-15 %, drops of cwnd "
          f"to 1 within Linux's runs' range; lower case: missed)")


if __name__ == "__main__":
    main()
