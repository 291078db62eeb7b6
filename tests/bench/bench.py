#!/usr/bin/env python3
"""The netsim benchmark (docs/performance.md): runs the scenarios of tests/bench/ and prints a table.

    meson compile -C build bench              (all but huge; large once)
    meson compile -C build bench-huge         (huge.json alone: 100 000 flows, about an hour)
    python3 tests/bench/bench.py --netsim build/netsim --runner build/tests/bench/bench_run
                                 [--runs 3] [--no-large]
                                 [--large-runs 1] [--only lossy,dumbbell-8] [--json FILE]

Each run is one whole `netsim run SCENARIO --out TMPDIR` process: start-up, loading
the scenario, building the world, simulating, writing summary.json and the trace hash
are all inside the measured wall time, as the targets of docs/performance.md ask. Peak RSS comes from
the kernel's rusage of the child (ru_maxrss), taken by the small C helper
bench_run (spawned from Python the figure would include Python's own memory). For each scenario the table shows the
median of the runs (wall time, and the run whose wall time is the median for peak
RSS); events, transmissions and goodput are the same in every run (a run is a pure
function of scenario and seed), which the script checks.

Goodput = bytes delivered to the receiving applications x 8 / the simulated duration,
summed over flows (the definition docs/performance.md uses; summary.json's per-flow goodput_bps divides
by each flow's own active time instead).

The ns-3.48 figures are the reference runs of docs/performance.md (optimised build,
same class of machine). Wall
ratio = ns-3 wall / netsim wall (the target is >= 10); the other ratios are netsim /
ns-3. Timing is never part of `meson test`: this is run by hand.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# name: (file, ns-3 wall s, ns-3 events, ns-3 link transmissions, ns-3 goodput Mbit/s,
#        ns-3 peak RSS MiB)
NS3 = {
    "lossy": ("lossy.json", 0.073, 89172, 23788, 1.47, None),
    "dumbbell-8": ("dumbbell-8.json", 0.58, 810317, 230244, 9.71, 18.1),
    "dumbbell-64": ("dumbbell-64.json", 12.3, 8.16e6, 2.34e6, 94.4, 24.4),
    "dumbbell-256": ("dumbbell-256.json", None, None, None, None, 45.9),
    "dumbbell-1024": ("dumbbell-1024.json", None, None, None, None, 140.0),
    "large": ("large.json", None, None, None, None, None),
    "huge": ("huge.json", None, None, None, None, None),
}
# Run only when named (--only huge): about an hour and up to 16 GiB.
ON_REQUEST = {"huge"}


def run_once(runner, netsim, scenario, extra):
    out = tempfile.mkdtemp(prefix="netsim-bench-")
    stderr = ""
    try:
        outdir = os.path.join(out, "r")
        proc = subprocess.run([runner, netsim, "run", scenario, "--out", outdir] + extra,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        stdout, stderr = proc.stdout.decode(), proc.stderr.decode()
        report = dict(kv.split("=") for kv in stderr.strip().splitlines()[-1].split())
        if proc.returncode != 0 or report.get("status") != "0":
            raise OSError("exit status %s" % report.get("status", proc.returncode))
        wall = int(report["wall_ns"]) / 1e9
        cpu = int(report["cpu_ns"]) / 1e9
        rss_kib = int(report["maxrss_kib"])
        with open(os.path.join(outdir, "summary.json"), encoding="utf-8") as f:
            summary = json.load(f)
    except (OSError, ValueError, IndexError, KeyError) as e:
        sys.exit("bench: %s failed: %s\n%s" % (scenario, e, stderr))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    hash_line = [l for l in stdout.splitlines() if l.startswith("trace-hash:")]
    delivered = sum(f["bytes_delivered"] for f in summary["flows"])
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_kib": rss_kib,
        "events": summary["events"],
        "tx": summary["link_transmissions"],
        "goodput_mbps": delivered * 8 / summary["sim_time_s"] / 1e6,
        "sim_s": summary["sim_time_s"],
        "flows": len(summary["flows"]),
        "delivering": sum(1 for f in summary["flows"] if f["bytes_delivered"] > 0),
        "intact": all(f["intact"] for f in summary["flows"]),
        "not_intact": sum(1 for f in summary["flows"] if not f["intact"]),
        "never_connected": sum(1 for f in summary["flows"] if not f.get("connected", True)),
        "hash": hash_line[0].split()[1] if hash_line else "",
    }


def si(v):
    if v is None:
        return "-"
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(v) >= div:
            return "%.3g %s" % (v / div, unit)
    return "%.3g" % v


def fmt_wall(s):
    return "%.1f ms" % (s * 1e3) if s < 1 else "%.2f s" % s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", default=os.path.join(HERE, "..", "..", "build", "netsim"))
    ap.add_argument("--runner", default=os.path.join(HERE, "..", "..", "build", "tests", "bench",
                                                     "bench_run"),
                    help="the bench_run helper (wall time and peak RSS of one process)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--large-runs", type=int, default=1)
    ap.add_argument("--no-large", action="store_true", help="skip the large scenario")
    ap.add_argument("--only", default="", help="comma-separated scenario names")
    ap.add_argument("--seed", type=int, default=None, help="override every scenario's seed")
    ap.add_argument("--json", default="", help="also write the raw results here")
    args = ap.parse_args()

    names = [n for n in NS3 if n not in ON_REQUEST and not (args.no_large and n == "large")]
    if args.only:
        names = [n for n in args.only.split(",") if n]
        for n in names:
            if n not in NS3:
                sys.exit("bench: unknown scenario %s (known: %s)" % (n, ", ".join(NS3)))
    extra = ["--seed", str(args.seed)] if args.seed is not None else []

    rows, raw = [], {}
    gen_dir = None
    for name in names:
        file, ns_wall, ns_ev, ns_tx, ns_gp, ns_rss = NS3[name]
        path = os.path.join(HERE, file)
        if name in ON_REQUEST:
            # Not committed (12 MB): written by gen-scenarios.py for this run.
            gen_dir = gen_dir or tempfile.mkdtemp(prefix="netsim-bench-scn-")
            path = os.path.join(gen_dir, file)
            subprocess.run([sys.executable, os.path.join(HERE, "gen-scenarios.py"), "--huge",
                            gen_dir], check=True)
        runs = args.large_runs if name in ("large", "huge") else args.runs
        results = []
        for i in range(runs):
            r = run_once(args.runner, args.netsim, path, extra)
            print("  %-12s run %d/%d: %s, %s events, peak RSS %.1f MiB" %
                  (name, i + 1, runs, fmt_wall(r["wall"]), si(r["events"]), r["rss_kib"] / 1024),
                  file=sys.stderr)
            results.append(r)
        for r in results[1:]:
            if (r["events"], r["tx"], r["hash"]) != (results[0]["events"], results[0]["tx"],
                                                     results[0]["hash"]):
                sys.exit("bench: %s is not deterministic across runs" % name)
        by_wall = sorted(results, key=lambda r: r["wall"])
        med = by_wall[(len(by_wall) - 1) // 2] if len(by_wall) % 2 else None
        wall = statistics.median(r["wall"] for r in results)
        rss = (med or by_wall[len(by_wall) // 2])["rss_kib"]
        r0 = results[0]
        cpu = statistics.median(r["cpu"] for r in results)
        raw[name] = {"runs": results, "wall_median": wall, "cpu_median": cpu}
        walls = sorted(r["wall"] for r in results)
        rows.append((name, runs, wall, walls[0], walls[-1], r0, rss, ns_wall, ns_ev, ns_tx, ns_gp,
                     ns_rss, cpu))

    print()
    print("| scenario | runs | wall (median) | wall (min-max) | events | events/s | link tx | "
          "tx/s | us per tx | CPU us per tx | peak RSS | ns-3 peak RSS | goodput | ns-3 wall / netsim | "
          "events vs ns-3 | tx vs ns-3 | goodput vs ns-3 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (name, runs, wall, wmin, wmax, r0, rss, ns_wall, ns_ev, ns_tx, ns_gp,
         ns_rss, cpu) in rows:
        print("| %s | %d | %s | %s-%s | %s | %s | %s | %s | %.3f | %.3f | %.1f MiB | %s | %.3g Mbit/s "
              "| %s | %s | %s | %s |" % (
            name, runs, fmt_wall(wall), fmt_wall(wmin), fmt_wall(wmax), si(r0["events"]),
            si(r0["events"] / wall), si(r0["tx"]), si(r0["tx"] / wall), wall / r0["tx"] * 1e6,
            cpu / r0["tx"] * 1e6, rss / 1024, "%.1f MiB" % ns_rss if ns_rss else "-", r0["goodput_mbps"],
            "%.1f×" % (ns_wall / wall) if ns_wall else "-",
            "%.2f" % (r0["events"] / ns_ev) if ns_ev else "-",
            "%.2f" % (r0["tx"] / ns_tx) if ns_tx else "-",
            "%+.1f %%" % (100 * (r0["goodput_mbps"] / ns_gp - 1)) if ns_gp else "-"))
    bad = ["%s (%d of %d; %d never connected)" % (row[0], row[5]["not_intact"], row[5]["flows"],
                                                   row[5]["never_connected"])
           for row in rows if not row[5]["intact"]]
    if bad:
        print("\nWARNING: flows not intact in: %s" % ", ".join(bad))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(raw, f, indent=1)
    if gen_dir:
        shutil.rmtree(gen_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
