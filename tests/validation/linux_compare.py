#!/usr/bin/env python3
"""netsim beside the real Linux kernel on the same path (docs/validation.md §11).

tests/validation/linux/ holds bulk transfers by Linux 6.18 on a namespace testbed: A -> R
-> B, 10 Mbit/s bottleneck with a 100-packet FIFO, 25 ms one way on the data path, random
loss p on the data direction, 30 s from connect(), Reno and CUBIC, SACK and timestamps
both off or both on, 10 runs per point (linux.tsv). linux-path.json mirrors that path and
linux-sweep.json sweeps it (10 seeds per point). This script runs the sweep with the
netsim given, reduces every run as the Linux runs were reduced:

  goodput    bytes delivered to the receiving application x 8 / 30 s
  cwnd 5-30  the sender's congestion window in packets, time-weighted over 5-30 s
             (Linux: `ss -tin` every 20 ms; netsim: every change, from the trace)
  cwnd->1    Linux's `rto_events_cwnd_to_1`: cwnd sampled every 20 ms as `ss -tin`
             was, counting samples of 1 packet after one above 1. It counts every drop
             to one packet: a timeout's, and PRR's when a recovery finds nearly the
             whole window lost (cwnd = packets in flight + sndcnt), which is why it is
             the runs' "RTO episodes" and the target's measure
  RTOs       netsim's timeouts proper, a timeout and its backoffs once (shown beside)
  retrans    segments retransmitted

and prints the table with the targets of the Linux-parity work: goodput within +-10 %
of Linux's mean, cwnd 5-30 s within +-15 %, RTO episodes within Linux's run-to-run
range. Run it as `meson compile -C BUILD validate-linux`; the sweep directory is kept,
so a second run only re-reads it (delete OUT/sweep to rerun).
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys

DURATION_S = 30.0
CWND_FROM, CWND_TO = 5.0, 30.0


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def drops_to_one(samples):
    """(t, cwnd) rows sampled every 20 ms: samples of 1 after one above 1."""
    out, i, cur, prev = 0, 0, None, None
    for k in range(int(DURATION_S / 0.02) + 1):
        t = k * 0.02
        while i < len(samples) and samples[i][0] <= t:
            cur = samples[i][1]
            i += 1
        if cur is not None and prev is not None and cur == 1 and prev > 1:
            out += 1
        prev = cur
    return out


def reduce_trace(path, mss):
    """Time-weighted mean cwnd (packets) over [CWND_FROM, CWND_TO], RTO episodes and
    drops of cwnd to 1 in 20 ms samples."""
    with open(path) as f:
        head = f.readline().rstrip("\n").split("\t")
        i_t, i_cw, i_ev = head.index("time_s"), head.index("cwnd_bytes"), head.index("event")
        i_cp = head.index("cwnd_packets") if "cwnd_packets" in head else None
        area, last_t, last_w = 0.0, None, None
        episodes, prev_w = 0, None
        samples = []
        for line in f:
            c = line.rstrip("\n").split("\t")
            t = float(c[i_t])
            w = float(c[i_cp]) if i_cp is not None else float(c[i_cw]) / mss
            if c[i_ev] == "rto" and (prev_w is None or prev_w > 1.0):
                episodes += 1
            prev_w = w
            samples.append((t, w))
            if last_t is not None:
                a, b = max(last_t, CWND_FROM), min(t, CWND_TO)
                if b > a:
                    area += last_w * (b - a)
            last_t, last_w = t, w
        if last_t is not None and last_t < CWND_TO:
            area += last_w * (CWND_TO - max(last_t, CWND_FROM))
    return area / (CWND_TO - CWND_FROM), episodes, drops_to_one(samples)


def netsim_points(sweep_dir):
    """{(cc, sack_ts, loss_pct): [per-run dicts]} from the sweep's runs."""
    points = {}
    for r in read_tsv(os.path.join(sweep_dir, "runs.tsv")):
        if r["status"] != "ok":
            sys.exit(f"validate-linux: run {r['dir']} failed: {r.get('error', r['status'])}")
        run_dir = os.path.join(sweep_dir, r["dir"])
        mss = 1460
        with open(os.path.join(run_dir, "summary.json")) as f:
            mss = json.load(f)["flows"][0]["mss_bytes"]
        cwnd, rtos, to1 = reduce_trace(os.path.join(run_dir, "flow1.sender.tsv"), mss)
        key = (r["tcp.cc"], "on" if r["tcp.sack"] == "true" else "off",
               r["links[0].forward.loss"].rstrip("%"))
        points.setdefault(key, []).append({
            "goodput": float(r["flows[0].bytes_delivered"]) * 8 / DURATION_S / 1e6,
            "cwnd": cwnd, "rto": rtos, "to1": to1,
            "retrans": float(r["flows[0].retransmits"])})
    return points


def fmt_ms(xs, digits=2):
    m = statistics.fmean(xs)
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    return f"{m:.{digits}f} ± {sd:.{digits}f}", m


def t975(df):
    """Student's t 0.975 quantile for df degrees of freedom (Cornish-Fisher series
    about the normal quantile: within 0.01 of the table for df >= 4, 0.001 for df >= 9)."""
    z = 1.959964
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


def welch_diff(a, b):
    """mean(a) - mean(b) and the half-width of its 95 % interval (Welch)."""
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    d = statistics.fmean(a) - statistics.fmean(b)
    if va + vb == 0:
        return d, 0.0
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return d, t975(df) * (va + vb) ** 0.5


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--out", required=True, help="directory for the sweep and the table")
    ap.add_argument("--seeds", help="seeds of every point (default: the sweep file's 1-10)")
    ap.add_argument("-j", "--jobs", help="runs at once (default: the number of cores)")
    args = ap.parse_args()
    here = os.path.join(args.source_root, "tests", "validation")
    sweep_dir = os.path.join(args.out, "sweep")
    cmd = [args.netsim, "sweep", os.path.join(here, "linux-sweep.json"), "--out", sweep_dir]
    if args.seeds:
        cmd += ["--seeds", args.seeds]
    if args.jobs:
        cmd += ["-j", args.jobs]
    if not os.path.exists(os.path.join(sweep_dir, "runs.tsv")):
        r = subprocess.run(cmd)
        if r.returncode != 0:
            sys.exit(f"validate-linux: {' '.join(cmd)} exited {r.returncode}")
    ours = netsim_points(sweep_dir)
    linux = read_tsv(os.path.join(here, "linux", "linux.tsv"))

    rows = ["| cc | SACK+TS | p % | goodput Linux | goodput netsim | ratio | "
            "cwnd 5-30 Linux | cwnd 5-30 netsim | ratio | cwnd->1 Linux | netsim | "
            "netsim − Linux (95 % CI) | netsim's RTO episodes | retrans Linux | netsim |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    met = {"goodput": 0, "cwnd": 0, "rto": 0}
    n_differ = 0
    for l in linux:
        key = (l["cc"], l["sack_ts"], l["loss_pct"])
        runs = ours.get(key)
        if not runs:
            sys.exit(f"validate-linux: no netsim runs for {key}")
        g_txt, g = fmt_ms([x["goodput"] for x in runs])
        c_txt, c = fmt_ms([x["cwnd"] for x in runs], 1)
        r_txt, r = fmt_ms([x["to1"] for x in runs], 1)
        e_txt, _ = fmt_ms([x["rto"] for x in runs], 1)
        t_txt, _ = fmt_ms([x["retrans"] for x in runs], 0)
        lg, lc = float(l["goodput_mbps_mean"]), float(l["cwnd_5_30_pkts_mean"])
        lr = [int(v) for v in l["rto_episodes_runs"].split(",")]
        lt = [int(v) for v in l["retrans_segs_runs"].split(",")]
        ok_g, ok_c = abs(g / lg - 1) <= 0.10, abs(c / lc - 1) <= 0.15
        ok_r = min(lr) <= r <= max(lr)
        dr, hw = welch_diff([x["to1"] for x in runs], lr)
        differ = abs(dr) > hw
        n_differ += differ
        met["goodput"] += ok_g
        met["cwnd"] += ok_c
        met["rto"] += ok_r
        mark = lambda ok: "" if ok else " ✗"
        rows.append(
            f"| {l['cc']} | {l['sack_ts']} | {l['loss_pct']} | "
            f"{lg:.2f} ± {float(l['goodput_mbps_sd']):.2f} | {g_txt} | {g / lg:.2f}{mark(ok_g)} | "
            f"{lc:.1f} | {c_txt} | {c / lc:.2f}{mark(ok_c)} | "
            f"{min(lr)}–{max(lr)} ({statistics.fmean(lr):.1f}) | {r_txt}{mark(ok_r)} | "
            f"{dr:+.1f} ± {hw:.1f}{' *' if differ else ''} | {e_txt} | "
            f"{statistics.fmean(lt):.0f} | {t_txt} |")
    n = len(linux)
    seeds = len(next(iter(ours.values())))
    lruns = sorted({int(l["runs"]) for l in linux})
    lruns_txt = f"{lruns[0]}–{lruns[-1]}" if len(lruns) > 1 else str(lruns[0])
    rows.append("")
    rows.append(f"Within target ({seeds} seeds per point against Linux's {lruns_txt} runs): goodput "
                f"±10 % at {met['goodput']} of {n} points, cwnd 5-30 s ±15 % at {met['cwnd']} "
                f"of {n}, drops of cwnd to 1 within Linux's range at {met['rto']} of {n} (✗: outside). "
                f"Mean drops to 1 differ (Welch's 95 % interval of netsim − Linux excludes 0, *) "
                f"at {n_differ} of {n}.")
    table = "\n".join(rows) + "\n"
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "linux-table.md"), "w") as f:
        f.write(table)
    sys.stdout.write(table)


if __name__ == "__main__":
    main()
