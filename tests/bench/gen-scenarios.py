#!/usr/bin/env python3
"""Writes the benchmark scenarios of tests/bench/ (docs/performance.md).

    python3 tests/bench/gen-scenarios.py [OUTDIR]     (default: this folder)

The generated files are committed; this script documents how they were made and
rewrites them byte for byte (the large scenario's host pairs come from a fixed-seed
generator written out here, not from Python's `random`, so the file never depends on
the Python version).

lossy, dumbbell-8 and dumbbell-64 carry exactly the parameters of the ns-3.48 runs
netsim is compared against; docs/performance.md maps each ns-3 attribute onto the
knob set here (NS3_TCP below).
"""
import json
import os
import sys

# ns-3's TcpSocketBase / TcpSocketState / PointToPoint defaults of the reference runs,
# as netsim knobs. The rfc profile first (RFC values), then every parameter the
# reference runs fix, explicitly, so summary.json's "tcp" object can be checked knob by knob.
NS3_TCP = {
    "profile": "rfc",
    "cc": "newreno",                 # TcpNewReno + TcpClassicRecovery (RFC 6582)
    "cc_growth": "per_ack",          # ns-3: +1 MSS per ACK in slow start, MSS^2/cwnd in CA
    "rto_formula": "rfc",            # RFC 6298: max(MinRto, SRTT + max(G, 4 RTTVAR))
    "rto_min": "1s",                 # MinRto
    "rto_initial": "1s",             # InitialRtt-based RTO before the first sample
    "rto_syn_initial": "3s",         # ConnTimeout: SYN retransmission after 3 s
    "clock_granularity": "1ms",      # ClockGranularity
    "delayed_ack": True,
    "delack_timeout": "200ms",       # DelAckTimeout
    "delack_segments": 2,            # DelAckCount
    "initial_window": 10,            # InitialCwnd (segments)
    "sndbuf": 131072,                # SndBufSize
    "rcvbuf": 131072,                # RcvBufSize
    "window_scaling": True,          # WindowScaling
    "sack": False,                   # Sack: false in the reference runs
    "timestamps": False,             # Timestamp: false in the reference runs
    "mss": 1460,                     # SegmentSize
    "nagle": False,                  # TcpNoDelay (full-sized writes: no effect)
    "limited_transmit": True,        # LimitedTransmit
    "dupack_threshold": 3,           # ReTxThreshold
    "loss_flightsize": "pipe",       # BytesInFlight at the third dup ACK (emulated SACK)
    "recovery_exit": "ssthresh",     # TcpClassicRecovery: cwnd = ssthresh after recovery
    "ttl": 64,
}

BULK_WRITE = 1460


def bulk(name, src, dst, start_ms, stop="60s"):
    app = {"type": "bulk", "name": name, "from": src, "to": dst, "write": BULK_WRITE}
    if start_ms:
        app["start"] = "%dms" % start_ms
    app["stop"] = stop
    return app


def p2p(name, a, a_addr, b, b_addr, bw, delay, queue, extra=None):
    link = {"name": name,
            "ends": [{"node": a, "address": a_addr}, {"node": b, "address": b_addr}],
            "bandwidth": bw, "delay": delay, "mtu": 1500, "queue": queue, "framing": 2}
    if extra:
        link.update(extra)
    return link


def lossy():
    return {
        "name": "bench-lossy",
        "description": "Benchmark, the ns-3 'lossy' reference: A -100 Mbit/s, 5 ms- R "
                       "-10 Mbit/s, 20 ms- B, 1% Bernoulli loss on R->B applied on arrival at B, "
                       "one NewReno bulk flow A->B for 60 s with ns-3's TCP parameters "
                       "(docs/performance.md). Nothing traced. ns-3.48: 89 172 events, 23 788 "
                       "link transmissions, goodput 1.47 Mbit/s.",
        "seed": 1,
        "duration": "60s",
        "tcp": NS3_TCP,
        "nodes": [
            {"name": "A", "routes": [{"to": "0.0.0.0/0", "via": "10.0.1.2"}]},
            {"name": "R", "type": "router", "ttl": 64},
            {"name": "B", "routes": [{"to": "0.0.0.0/0", "via": "10.0.2.1"}]},
        ],
        "links": [
            p2p("access", "A", "10.0.1.1/24", "R", "10.0.1.2/24", "100Mbps", "5ms", 100),
            p2p("bottleneck", "R", "10.0.2.1/24", "B", "10.0.2.2/24", "10Mbps", "20ms", 100,
                {"forward": {"loss": "1%"}}),
        ],
        "apps": [bulk("flow1", "A", "B", 0)],
    }


def dumbbell(n, bottleneck_bw, ns3_note):
    nodes, links, apps = [], [], []
    for i in range(n):
        nodes.append({"name": "S%d" % i,
                      "routes": [{"to": "0.0.0.0/0", "via": "10.1.%d.2" % i}]})
    nodes.append({"name": "R1", "type": "router",
                  "routes": [{"to": "10.2.0.0/16", "via": "10.0.0.2"}]})
    nodes.append({"name": "R2", "type": "router",
                  "routes": [{"to": "10.1.0.0/16", "via": "10.0.0.1"}]})
    for i in range(n):
        nodes.append({"name": "D%d" % i,
                      "routes": [{"to": "0.0.0.0/0", "via": "10.2.%d.1" % i}]})
    for i in range(n):
        links.append(p2p("s%d" % i, "S%d" % i, "10.1.%d.1/24" % i, "R1", "10.1.%d.2/24" % i,
                         "100Mbps", "2ms", 100))
    links.append(p2p("bottleneck", "R1", "10.0.0.1/24", "R2", "10.0.0.2/24", bottleneck_bw,
                     "20ms", 100))
    for i in range(n):
        links.append(p2p("d%d" % i, "R2", "10.2.%d.1/24" % i, "D%d" % i, "10.2.%d.2/24" % i,
                         "100Mbps", "2ms", 100))
    for i in range(n):
        apps.append(bulk("flow%d" % i, "S%d" % i, "D%d" % i, 10 * i))
    return {
        "name": "bench-dumbbell-%d" % n,
        "description": "Benchmark, the ns-3 'dumbbell-%d' reference: S0..S%d -100 Mbit/s, "
                       "2 ms- R1 -%s, 20 ms- R2 -100 Mbit/s, 2 ms- D0..D%d, flow i from Si to Di "
                       "starting at i x 10 ms, NewReno with ns-3's TCP parameters "
                       "(docs/performance.md), 60 s, no random loss, nothing traced. %s"
                       % (n, n - 1, bottleneck_bw.replace("Mbps", " Mbit/s"), n - 1, ns3_note),
        "seed": 1,
        "duration": "60s",
        "tcp": NS3_TCP,
        "nodes": nodes,
        "links": links,
        "apps": apps,
    }


class SplitMix64:
    """A fixed generator for the large scenario's host pairs (seed 1)."""

    def __init__(self, seed):
        self.x = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.x = (self.x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        # Rejection sampling: uniform in [0, n).
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            v = self.next()
            if v < limit:
                return v % n


def large(racks=20, per_rack=50, flows=10000, seed=1):
    nodes, links, apps = [], [], []

    def host(r, h):
        return "h%02d-%02d" % (r, h)

    for r in range(racks):
        for h in range(per_rack):
            nodes.append({"name": host(r, h),
                          "routes": [{"to": "0.0.0.0/0", "via": "10.%d.%d.1" % (r + 1, h)}]})
    for r in range(racks):
        nodes.append({"name": "rack%02d" % r, "type": "router",
                      "routes": [{"to": "0.0.0.0/0", "via": "10.0.%d.1" % r}]})
    nodes.append({"name": "core", "type": "router",
                  "routes": [{"to": "10.%d.0.0/16" % (r + 1), "via": "10.0.%d.2" % r}
                             for r in range(racks)]})
    for r in range(racks):
        for h in range(per_rack):
            links.append({"name": "%s" % host(r, h),
                          "ends": [{"node": host(r, h), "address": "10.%d.%d.2/24" % (r + 1, h)},
                                   {"node": "rack%02d" % r, "address": "10.%d.%d.1/24" % (r + 1, h)}],
                          "bandwidth": "1Gbps", "delay": "5us", "queue": 1000})
    for r in range(racks):
        links.append({"name": "up%02d" % r,
                      "ends": [{"node": "core", "address": "10.0.%d.1/24" % r},
                               {"node": "rack%02d" % r, "address": "10.0.%d.2/24" % r}],
                      "bandwidth": "10Gbps", "delay": "50us", "queue": 1000})
    rng = SplitMix64(seed)
    n_hosts = racks * per_rack
    for i in range(flows):
        a = rng.below(n_hosts)
        b = rng.below(n_hosts - 1)
        if b >= a:
            b += 1  # a different host
        # Flows to one host share its listener on port 5001, as servers do.
        apps.append({"type": "bulk", "name": "f%05d" % i,
                     "from": host(a // per_rack, a % per_rack),
                     "to": host(b // per_rack, b % per_rack),
                     "start": "%dus" % (10 * i)})
    return {
        "name": "bench-large",
        "description": "Benchmark beyond ns-3's reach: 1 000 hosts in 20 racks of 50 "
                       "(1 Gbit/s, 5 us to a rack router), rack routers to one core router "
                       "(10 Gbit/s, 50 us), queues of 1 000 packets, 10 000 concurrent CUBIC bulk "
                       "flows between host pairs drawn from a fixed-seed generator "
                       "(tests/bench/gen-scenarios.py), flow i starting at i x 10 us, send and "
                       "receive buffers of 64 KiB, 10 s simulated, nothing traced.",
        "seed": 1,
        "duration": "10s",
        "tcp": {"profile": "linux", "cc": "cubic", "sndbuf": "64KiB", "rcvbuf": "64KiB"},
        "nodes": nodes,
        "links": links,
        "apps": apps,
    }


def write(path, scn, compact=False):
    with open(path, "w", encoding="utf-8") as f:
        if compact:
            # One key per line would make the large file ~40 MB: one object per line.
            f.write("{\n")
            keys = list(scn.keys())
            for k in keys:
                v = scn[k]
                sep = "," if k != keys[-1] else ""
                if isinstance(v, list):
                    f.write("  %s: [\n" % json.dumps(k))
                    for j, item in enumerate(v):
                        f.write("    %s%s\n" % (json.dumps(item), "," if j + 1 < len(v) else ""))
                    f.write("  ]%s\n" % sep)
                else:
                    f.write("  %s: %s%s\n" % (json.dumps(k), json.dumps(v), sep))
            f.write("}\n")
        else:
            json.dump(scn, f, indent=2)
            f.write("\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(out, "lossy.json"), lossy())
    write(os.path.join(out, "dumbbell-8.json"),
          dumbbell(8, "10Mbps", "ns-3.48: 810 317 events, 230 244 link transmissions, "
                   "goodput 9.71 Mbit/s."), compact=True)
    write(os.path.join(out, "dumbbell-64.json"),
          dumbbell(64, "100Mbps", "Routers with 65 interfaces each. ns-3.48: 8.16 M events, "
                   "2.34 M link transmissions, goodput 94.4 Mbit/s."), compact=True)
    write(os.path.join(out, "large.json"), large(), compact=True)


if __name__ == "__main__":
    main()
