#!/usr/bin/env python3
"""How netsim's memory grows with the number of TCP connections (docs/performance.md).

    meson compile -C build bench-memory
    python3 tests/bench/memory.py [--netsim build/netsim] [--runner build/tests/bench/bench_run]
                                  [--topology dumbbell,large]
                                  [--dumbbell-flows 256,512,1024]
                                  [--flows 1250,2500,5000,10000] [--until 300ms]

Two sweeps, each fitted with a least-squares line whose slope is the memory one more
flow costs.

dumbbell: the dumbbells of tests/bench/dumbbell-256.json and dumbbell-1024.json (and
one of 512 flows between them: 10 s, flow i starting at i x 1 ms, ns-3's TCP
parameters; 100 Mbit/s bottleneck up to 256 flows, 1 Gbit/s above), each run whole.
Here a flow brings its own two hosts and two access links, as in the ns-3 reference
runs, so the slope is what ns-3's per-flow figure is compared with.

large: the `large` topology of tests/bench/gen-scenarios.py (1 000 hosts, 20 racks, CUBIC,
64 KiB send and receive buffers) with a varying number of bulk flows, each for the
same simulated time (long enough that every flow has started and filled its send
buffer: flow i starts at i x 10 us), and prints the peak RSS of each run and the
least-squares line through them. The slope is the memory one more connection costs
(both ends: the sender's and the receiver's TCB, socket, application state, send
buffer, receive queue, and its share of the packets in flight and queued); the
intercept is the topology, the parsed scenario and the process itself.

Memory only: the wall times printed are for orientation, not a benchmark.
"""
import argparse
import importlib.util
import os
import sys
import tempfile
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def load(module, file):
    spec = importlib.util.spec_from_file_location(module, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--netsim", default=os.path.join(HERE, "..", "..", "build", "netsim"))
    ap.add_argument("--runner", default=os.path.join(HERE, "..", "..", "build", "tests", "bench",
                                                     "bench_run"))
    ap.add_argument("--topology", default="dumbbell,large")
    ap.add_argument("--dumbbell-flows", default="256,512,1024")
    ap.add_argument("--flows", default="1250,2500,5000,10000")
    ap.add_argument("--until", default="300ms")
    args = ap.parse_args()

    gen = load("gen_scenarios", "gen-scenarios.py")
    bench = load("bench", "bench.py")
    for topo in [t for t in args.topology.split(",") if t]:
        if topo == "dumbbell":
            counts = [int(x) for x in args.dumbbell_flows.split(",") if x]
            make = lambda n: gen.dumbbell(n, "100Mbps" if n <= 256 else "1Gbps", "",
                                          start_step_ms=1, duration="10s", stop="10s")
            sweep(args, bench, gen, "dumbbell", counts, make, [], "10s (whole runs)")
        elif topo == "large":
            counts = [int(x) for x in args.flows.split(",") if x]
            sweep(args, bench, gen, "large", counts, lambda n: gen.large(flows=n),
                  ["--until", args.until], args.until)
        else:
            sys.exit("bench-memory: unknown topology %s (dumbbell, large)" % topo)


def sweep(args, bench, gen, topo, counts, make, extra, simulated):
    if len(counts) < 2:
        sys.exit("bench-memory: %s needs at least two flow counts" % topo)
    tmp = tempfile.mkdtemp(prefix="netsim-mem-scn-")
    points = []
    try:
        for n in counts:
            path = os.path.join(tmp, "%s-%d.json" % (topo, n))
            gen.write(path, make(n), compact=True)
            r = bench.run_once(args.runner, args.netsim, path, extra)
            rss, wall, started = r["rss_kib"] * 1024, r["wall"], r["delivering"]
            print("  %s %6d flows: peak RSS %7.1f MiB, %d flows delivering, %.1f s wall" %
                  (topo, n, rss / 2**20, started, wall), file=sys.stderr)
            points.append((n, rss, wall, started))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = (sum((x - mx) * (y - my) for x, y in zip(xs, ys)) /
             sum((x - mx) ** 2 for x in xs))
    icpt = my - slope * mx
    worst = max(abs(y - (icpt + slope * x)) / y for x, y in zip(xs, ys))

    print()
    print("%s:" % topo)
    print("| flows | peak RSS | per flow (RSS / flows) | fit |")
    print("|---:|---:|---:|---:|")
    for n, rss, _, _ in points:
        print("| %d | %.1f MiB | %.1f KiB | %.1f MiB |" %
              (n, rss / 2**20, rss / n / 1024, (icpt + slope * n) / 2**20))
    print()
    print("simulated %s; least squares: %.1f KiB per connection + %.1f MiB "
          "(largest deviation from the line %.1f %%)" %
          (simulated, slope / 1024, icpt / 2**20, 100 * worst))


if __name__ == "__main__":
    main()
