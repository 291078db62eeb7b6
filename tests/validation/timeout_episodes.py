#!/usr/bin/env python3
"""What a bulk sender does around its retransmission timeouts, read from captures.

    python3 tests/validation/timeout_episodes.py SENDER_ADDR CAPTURE...

Each CAPTURE is a pcap taken at the sender (netsim: "capture": ["A:eth0"]; Linux's
testbed: `./run.sh one reno 5 NAME pcap` captures vethA). Only the first 30 s after the
first packet are read (the runs' window). tshark does the parsing. For each capture, and
their mean, it prints:

  data       data segments sent by SENDER_ADDR
  retrans    segments whose end was at or below the highest sequence sent before
  timeouts   retransmissions that follow at least 150 ms of silence from the sender
             (no segment sent): a retransmission timeout (RTO min is 200 ms on both;
             fast retransmits and RACK/TLP come within an RTT, 25-40 ms here)
  after-RTO  retransmissions from a timeout until the sender next sends new data
  full       timeouts whose retransmission was answered by an ACK covering everything
             sent (only snd.una was missing)
  partial    timeouts answered by an ACK that leaves a hole: the sender then either
             retransmitted (partial->rexmit: conventional recovery) or sent new data
             (partial->new: F-RTO, RFC 5682 step 2b; Linux turns F-RTO off for a
             timeout that fires during fast recovery, tcp_input.c tcp_enter_loss)

It is how docs/validation.md §11 compares netsim's timeouts with Linux's at the point
where their counts differ most (Reno without SACK at 5 % loss).
"""
import subprocess
import sys

WINDOW_S = 30.0
SILENCE_S = 0.150


def packets(pcap):
    """(time, src, seq, len, ack) of every TCP packet, relative sequence numbers."""
    out = subprocess.run(
        ["tshark", "-r", pcap, "-o", "tcp.relative_sequence_numbers:TRUE", "-T", "fields",
         "-e", "frame.time_relative", "-e", "ip.src", "-e", "tcp.seq", "-e", "tcp.len",
         "-e", "tcp.ack", "-Y", "tcp"],
        capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        t, src, seq, ln, ack = line.split("\t")
        yield float(t), src, int(seq), int(ln or 0), int(ack or 0)


def episodes(pcap, sender):
    c = dict(data=0, retrans=0, timeouts=0, after_rto=0, full=0, partial_rexmit=0,
             partial_new=0)
    hi = una = 0
    last_tx = None
    ep = None          # the timeout being followed: {"una", "hi", "acked"}
    in_rto = False     # between a timeout and the next new data
    for t, src, seq, ln, ack in packets(pcap):
        if t > WINDOW_S:
            break
        if src != sender:
            una = max(una, ack)
            if ep and not ep["acked"] and ack > ep["una"]:
                ep["acked"] = True
                if ack >= ep["hi"]:
                    c["full"] += 1
                    ep = None
            continue
        if ln == 0:
            continue
        c["data"] += 1
        if seq + ln <= hi:
            c["retrans"] += 1
            if last_tx is not None and t - last_tx >= SILENCE_S:
                c["timeouts"] += 1
                in_rto = True
                ep = {"una": una, "hi": hi, "acked": False}
            elif ep and ep["acked"]:
                c["partial_rexmit"] += 1
                ep = None
            if in_rto:
                c["after_rto"] += 1
        else:
            if ep and ep["acked"]:
                c["partial_new"] += 1
            ep = None
            in_rto = False
            hi = seq + ln
        last_tx = t
    return c


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.split("\n\n")[1].strip())
    sender, pcaps = sys.argv[1], sys.argv[2:]
    keys = ("data", "retrans", "timeouts", "after_rto", "full", "partial_rexmit", "partial_new")
    print("capture\t" + "\t".join(keys))
    total = dict.fromkeys(keys, 0)
    for p in pcaps:
        c = episodes(p, sender)
        for k in keys:
            total[k] += c[k]
        print(p + "\t" + "\t".join(str(c[k]) for k in keys))
    n = len(pcaps)
    print(f"mean of {n}\t" + "\t".join(f"{total[k] / n:.1f}" for k in keys))


if __name__ == "__main__":
    main()
