#!/usr/bin/env python3
"""What `netsim sweep` adds to its runs (docs/performance.md, "Sweeps").

The budget: N runs of tests/bench/lossy.json with -j J must finish within 1.15 x
(N x the median whole-process wall time of sequential `netsim run`s) / J. Each round
times 5 sequential `netsim run`s (seeds 1-5, each writing its results directory as
the sweep's runs do), then `netsim sweep tests/bench/lossy.json --seeds 1-N -j J` into
a fresh directory, and prints the ratio sweep / ideal. As a control it also times the
same N runs as J plain loops of `netsim run` side by side (what -j J can reach on the
machine at that moment, with no sweep at all): on a shared machine the ideal assumes
J idle cores, the control does not. The last column compares CPU time, which a busy
machine hardly changes: the sweep's (its own and its runs') against the N runs'
of the loops. Several rounds show the spread.

Usage: sweep.py --netsim BUILD/netsim [--runs 200] [--jobs 2] [--rounds 5]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def loops_wall(args, scenario, tmp):
    """J shell loops side by side, each running its share of the N runs one by one."""
    share = [list(range(1 + j, args.runs + 1, args.jobs)) for j in range(args.jobs)]
    scripts = []
    for j, seeds in enumerate(share):
        cmds = "; ".join(f"'{args.netsim}' run '{scenario}' --seed {s} --out '{tmp}/loop{j}-{s}' "
                         f">/dev/null" for s in seeds)
        scripts.append(cmds)
    c0 = children_cpu()
    t0 = time.perf_counter()
    procs = [subprocess.Popen(["bash", "-c", c]) for c in scripts]
    for p in procs:
        p.wait()
    wall = time.perf_counter() - t0
    cpu = children_cpu() - c0
    for j, seeds in enumerate(share):
        for s in seeds:
            shutil.rmtree(f"{tmp}/loop{j}-{s}", ignore_errors=True)
    return wall, cpu


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", required=True)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    scenario = os.path.join(here, "lossy.json")
    tmp = tempfile.mkdtemp(prefix="netsim-bench-sweep-")
    print(f"{'round':>5} {'run median ms':>14} {'ideal s':>8} {'loops s':>8} {'sweep s':>8} "
          f"{'sweep/ideal':>11} {'sweep/loops':>11} {'cpu sweep/loops':>15}")
    ratios, controls, cpus = [], [], []
    try:
        for rnd in range(args.rounds):
            walls = []
            for seed in range(1, 6):
                out = os.path.join(tmp, f"run{seed}")
                t0 = time.perf_counter()
                subprocess.run([args.netsim, "run", scenario, "--seed", str(seed), "--out", out],
                               check=True, stdout=subprocess.DEVNULL)
                walls.append(time.perf_counter() - t0)
            one = statistics.median(walls)
            ideal = args.runs * one / args.jobs
            loops, loops_cpu = loops_wall(args, scenario, tmp)
            out = os.path.join(tmp, f"sweep{rnd}")
            c0 = children_cpu()
            t0 = time.perf_counter()
            subprocess.run([args.netsim, "sweep", scenario, "--seeds", f"1-{args.runs}",
                            "-j", str(args.jobs), "--out", out], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - t0
            cpu = children_cpu() - c0
            ratios.append(wall / ideal)
            controls.append(wall / loops)
            cpus.append(cpu / loops_cpu)
            print(f"{rnd + 1:>5} {one * 1e3:>14.2f} {ideal:>8.3f} {loops:>8.3f} {wall:>8.3f} "
                  f"{wall / ideal:>11.3f} {wall / loops:>11.3f} {cpu / loops_cpu:>15.3f}")
            shutil.rmtree(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"sweep/ideal: min {min(ratios):.3f}, median {statistics.median(ratios):.3f}, "
          f"max {max(ratios):.3f} (budget 1.15)")
    print(f"sweep/loops: min {min(controls):.3f}, median {statistics.median(controls):.3f}, "
          f"max {max(controls):.3f}")
    print(f"cpu sweep/loops: min {min(cpus):.3f}, median {statistics.median(cpus):.3f}, "
          f"max {max(cpus):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
