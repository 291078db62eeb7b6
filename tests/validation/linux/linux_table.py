#!/usr/bin/env python3
"""Summarise the real-kernel measurements in runs/ into linux.tsv.

Each runs/rN_CC_MODE_LOSSpct.summary.json is one 30 s bulk transfer on the mirrored path
(README.md): CC reno or cubic, MODE nosack (SACK and timestamps off) or sack (both on, a
default host), N the repetition. Prints one row per (cc, sack_ts, loss): the mean and sample
standard deviation of goodput over the runs, the per-run values, the time-weighted mean cwnd
over 5-30 s, RTO episodes (cwnd -> 1) and retransmitted segments per run.
"""
import glob
import json
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LOSSES = ("0.1", "0.5", "1", "2", "5")


def load(cc, mode, loss):
    out = []
    paths = glob.glob(os.path.join(HERE, "runs", f"r*_{cc}_{mode}_{loss}pct.summary.json"))
    # r1, r2, ..., r10: by repetition number, not by name.
    rep = lambda p: int(re.match(r"r(\d+)_", os.path.basename(p)).group(1))
    for path in sorted(paths, key=rep):
        with open(path) as f:
            out.append(json.load(f))
    return out


def main():
    w = sys.stdout
    w.write("cc\tsack_ts\tloss_pct\truns\tgoodput_mbps_mean\tgoodput_mbps_sd\tgoodput_mbps_runs\t"
            "cwnd_5_30_pkts_mean\tcwnd_5_30_pkts_runs\trto_episodes_runs\tretrans_segs_runs\n")
    for cc in ("reno", "cubic"):
        for mode in ("nosack", "sack"):
            for loss in LOSSES:
                runs = load(cc, mode, loss)
                if not runs:
                    continue
                g = [r["goodput_mbps_rx"] for r in runs]
                c = [r["mean_cwnd_5_30"] for r in runs]
                sd = statistics.stdev(g) if len(g) > 1 else 0.0
                w.write("%s\t%s\t%s\t%d\t%.3f\t%.3f\t%s\t%.2f\t%s\t%s\t%s\n" % (
                    cc, "off" if mode == "nosack" else "on", loss, len(runs), statistics.mean(g), sd,
                    ",".join("%.3f" % x for x in g), statistics.mean(c), ",".join("%.2f" % x for x in c),
                    ",".join(str(r["rto_events_cwnd_to_1"]) for r in runs),
                    ",".join(str(r["retrans_total"]) for r in runs)))


if __name__ == "__main__":
    main()
