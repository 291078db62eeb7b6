#!/usr/bin/env python3
"""tests/fuzz/seed-corpus.py — (re)generates the seed corpora in tests/fuzz/corpus/.

  scenario      every scenario of scenarios/ and tests/bench/ (not large.json)
  ipv4_host     every frame of tests/vectors/linux-{a,b}.pcap as an IPv4 datagram
  ipv4_router   (one record each, addresses patched and checksums fixed, and as
                captured), plus the fragment trains and whole exchanges as
                multi-record inputs
  tcp           the server side of every TCP exchange in the captures, sequence and
                acknowledgment numbers made relative, plus hand-made segments with
                each option kind (MSS, window scale, SACK-permitted, SACK blocks,
                timestamps, NOP/EOL padding, a bad length)
  http          requests and responses of every framing, and writer parameters
  drill         the packetdrill scripts of tests/drill/scripts (this repository's own)
  drill_py      the %{ }% blocks of those scripts, and hand-made blocks using every
                construct of the Python subset (sim/drill/py.h)

File names are the SHA-1 of the contents, as libFuzzer names corpus files, so
running the script again changes nothing unless a source changed. The record
formats are described at the top of each harness (fuzz_ipv4.c, fuzz_tcp.c,
fuzz_http.c).

Usage: tests/fuzz/seed-corpus.py [SOURCE_ROOT]
"""
import hashlib
import os
import re
import struct
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")


def save(harness, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def pcap_frames(path):
    """IPv4 datagrams of an Ethernet pcap (micro- or nanosecond)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    frames = []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        frame = data[off:off + incl]
        off += incl
        if len(frame) > 14 and frame[12:14] == b"\x08\x00":
            frames.append(frame[14:])
    return frames


def record(ctl, payload):
    return struct.pack(">BH", ctl, len(payload)) + payload


# ---- scenarios ----------------------------------------------------------------------

def scenarios():
    for folder in ("scenarios", os.path.join("tests", "bench")):
        d = os.path.join(ROOT, folder)
        for n in sorted(os.listdir(d)):
            if n.endswith(".json") and n != "large.json":
                with open(os.path.join(d, n), "rb") as f:
                    save("scenario", f.read())


# ---- IPv4 -----------------------------------------------------------------------------

def ipv4(frames):
    for h in ("ipv4_host", "ipv4_router"):
        for dg in frames:
            # patched and fixed, arriving where it belongs; and exactly as captured
            save(h, record(0x0C, dg))
            save(h, record(0x00, dg))
        # fragment trains: consecutive fragments of one datagram as one input
        train = []
        for dg in frames + [b""]:
            frag = len(dg) >= 20 and (struct.unpack(">H", dg[6:8])[0] & 0x3FFF) != 0
            if frag:
                train.append(dg)
                continue
            if len(train) > 1:
                save(h, b"".join(record(0x0C, f) for f in train))
                save(h, b"".join(record(0x0C, f) for f in reversed(train)))
            train = []
        # ICMP errors (time exceeded, unreachable, fragmentation needed) on the router's
        # other side, and a router-bound datagram
        for dg in frames:
            if len(dg) >= 20 and dg[9] == 1 and len(dg) > 28 and dg[20] in (3, 11):
                save(h, record(0x0D, dg) + record(0x1E, dg))
    # whole exchanges, a few packets each
    for i in range(0, len(frames) - 4, 4):
        save("ipv4_host", b"".join(record(0x0C, f) for f in frames[i:i + 4]))


# ---- TCP ------------------------------------------------------------------------------

def tcp_segments(frames):
    """(src, dst, tcp bytes) of every TCP segment."""
    segs = []
    for dg in frames:
        if len(dg) < 20 or dg[9] != 6:
            continue
        ihl = (dg[0] & 15) * 4
        total = struct.unpack(">H", dg[2:4])[0]
        segs.append((dg[12:16], dg[16:20], dg[ihl:total]))
    return segs


def tcp_from_captures(frames):
    """The server's side of every connection (B's role), numbers made relative."""
    segs = tcp_segments(frames)
    client = {}  # (client addr, port, server addr, port) -> client ISN
    server = {}  # the same key -> server ISN
    for src, dst, t in segs:
        sport, dport, seq = struct.unpack(">HHI", t[:8])
        if t[13] & 0x12 == 0x02:
            client[(src, sport, dst, dport)] = seq
    for src, dst, t in segs:
        sport, dport, seq = struct.unpack(">HHI", t[:8])
        if t[13] & 0x12 == 0x12 and (dst, dport, src, sport) in client:
            server[(dst, dport, src, sport)] = seq
    for key, cisn in sorted(client.items()):
        if key not in server:
            continue
        caddr, cport, saddr, sport_ = key
        out = []
        for src, dst, t in segs:
            sp, dp, seq, ack = struct.unpack(">HHII", t[:12])
            if (src, sp, dst, dp) != (saddr, sport_, caddr, cport) or t[13] & 0x02:
                continue
            rel = bytearray(t)
            struct.pack_into(">II", rel, 4, (seq - server[key] - 1) & 0xFFFFFFFF,
                             (ack - cisn - 1) & 0xFFFFFFFF)
            out.append(record(0x0F, bytes(rel)))
            save("tcp", bytes([0x03]) + out[-1])
        if out:
            save("tcp", bytes([0x01]) + b"".join(out))
            save("tcp", bytes([0x07]) + b"".join(out))


def tcp_header(flags, seq, ack, win, opts=b"", payload=b""):
    while len(opts) % 4:
        opts += b"\x00"
    doff = (20 + len(opts)) // 4
    return struct.pack(">HHIIBBHHH", 80, 40000, seq, ack, doff << 4, flags, win, 0, 0) + opts + payload


def tcp_synthetic():
    ACK, PSH, FIN, RST, SYN = 0x10, 0x08, 0x01, 0x04, 0x02
    ts = b"\x01\x01\x08\x0a" + struct.pack(">II", 12346, 1)
    sack = lambda blocks: b"\x01\x01\x05" + bytes([2 + 8 * len(blocks)]) + b"".join(
        struct.pack(">II", l, r) for l, r in blocks)
    cases = [
        # plain ACKs of A's data, a window update, duplicate ACKs with SACK blocks
        [tcp_header(ACK, 0, 1460, 65535)],
        [tcp_header(ACK, 0, 0, 0), tcp_header(ACK, 0, 0, 65535)],
        [tcp_header(ACK, 0, 0, 65535, sack([(1460, 2920)])),
         tcp_header(ACK, 0, 0, 65535, sack([(1460, 4380)])),
         tcp_header(ACK, 0, 0, 65535, sack([(1460, 4380), (5840, 7300), (8760, 10220)]))],
        [tcp_header(ACK, 0, 2920, 65535, ts), tcp_header(ACK, 0, 5840, 65535, ts)],
        # data from B, in order and out of order, with PSH and FIN
        [tcp_header(ACK | PSH, 0, 0, 65535, b"", b"x" * 100)],
        [tcp_header(ACK, 100, 0, 65535, b"", b"y" * 100), tcp_header(ACK, 0, 0, 65535, b"", b"x" * 100)],
        [tcp_header(ACK | FIN, 0, 0, 65535)],
        [tcp_header(RST, 0, 0, 0)],
        [tcp_header(SYN, 0, 0, 65535, b"\x02\x04\x05\xb4")],
        # odd options: a zero length, one running past the header, EOL then junk
        [tcp_header(ACK, 0, 0, 65535, b"\x02\x00\x05\xb4")],
        [tcp_header(ACK, 0, 0, 65535, b"\x08\x0a\x00\x00")],
        [tcp_header(ACK, 0, 0, 65535, b"\x00\xff\xff\xff")],
        [tcp_header(ACK, 0, 0, 65535, b"\x03\x03\x0e\x01")],
    ]
    for segs in cases:
        for setup in (0x01, 0x07, 0x7F):
            save("tcp", bytes([setup]) + b"".join(record(0x0F, s) for s in segs))
    # an ICMP fragmentation-needed and a port unreachable about A's segment
    quoted = bytes([0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0]) + bytes(8) + \
        tcp_header(ACK, 1, 1, 65535)[:20]
    save("tcp", b"\x01" + record(0x80, bytes([3, 4]) + struct.pack(">H", 1000) + quoted))
    save("tcp", b"\x01" + record(0x80, bytes([3, 3, 0, 0]) + quoted))


# ---- HTTP -----------------------------------------------------------------------------

def http():
    msgs = [
        (0x00, b"GET / HTTP/1.1\r\nHost: b\r\n\r\n"),
        (0x02, b"GET /a HTTP/1.1\r\nHost: b\r\n\r\nGET /b HTTP/1.0\r\n\r\n"),
        (0x04, b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"),
        (0x06, b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
        (0x01, b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"),
        (0x03, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"4;a=b\r\nwxyz\r\n2;n=\"q v\";m\r\nab\r\n0\r\nX-T: 1\r\n\r\n"),
        (0x05, b"HTTP/1.0 200 OK\r\n\r\nuntil close"),
        (0x07, b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"),
        (0x09, b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nx"),
        (0x0B, b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"),
        (0x0D, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
        (0x0F, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n"),
    ]
    for mode, m in msgs:
        save("http", bytes([mode]) + m)
    # writer: body length, chunk sizes (0 ends), extension length and text, trailer
    writers = [
        (0x80, 10, [4], b"a=b", b"X-T: 1\r\n"),
        (0x81, 0, [1], b"", b""),
        (0x8F, 1000, [7, 100, 3], b"n=\"q v\";m", b"A: 1\r\nB: 2\r\n"),
        (0xBF, 65535, [65535], b"", b""),
    ]
    for mode, blen, sizes, ext, trailer in writers:
        s = sizes + [0] * (4 - len(sizes))
        body = struct.pack(">H", blen) + b"".join(struct.pack(">H", x) for x in s)
        save("http", bytes([mode]) + body + bytes([len(ext)]) + ext + trailer)


# ---- packetdrill scripts ----------------------------------------------------------------

# Blocks covering the Python subset of sim/drill/py.h, one construct or more each.
PY_BLOCKS = [
    "assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd",
    "assert 1000 <= tcpi_snd_mss <= 1460 and tcpi_state == TCP_ESTABLISHED",
    "assert tcpi_options & TCPI_OPT_WSCALE != 0, 'options %x' % tcpi_options",
    "x = 7; x += 3; x -= 1; x *= 2; x //= 4; x %= 3; x **= 2; x <<= 2; x >>= 1\n"
    "x &= 12; x |= 1; x ^= 3; print(x)",
    "print(1 + 2 * 3 - 4 / 5, 7 // -2, -7 % 3, 2 ** 62, ~5, -(-3), +4)",
    "print(0x7fffffff << 1, 255 >> 3, 6 & 3 | 8 ^ 1)",
    "print(1.5e3, .25, 3 / 2, float(7), int(-2.5), abs(-9), min(3, 1, 2), max((4, 8)))",
    "print('%d %i %u %s %r %x %X %o %f %g' % (1, 2, 3, 'a', 'b', 255, 255, 8, 0.5, 1e-5))",
    "print('%5d|%-5d|%05.1f|%%' % (42, 42, 3.14159))",
    "s = 'ab' 'cd' + \"ef\"; print(s, len(s), str(12) + s, s == 'abcdef')",
    "t = (1, 'two', 3.0, None, True, False); print(t, len(t))",
    "print(1 if tcpi_backoff else 2, not tcpi_retransmits, tcpi_probes or 'none')",
    "print(TCP_CA_Open, TCP_CA_Disorder, TCP_CA_CWR, TCP_CA_Recovery, TCP_CA_Loss)",
    "print(TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT,\n"
    "      TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING)",
    "print(TCPI_OPT_TIMESTAMPS, TCPI_OPT_SACK, TCPI_OPT_WSCALE, TCPI_OPT_ECN)",
    "assert 1 < 2 <= 2 != 3 > 0 >= 0, \\\n  'chained'; pass  # comment",
    "rto = tcpi_rto; assert rto // 1000 >= 200, 'rto=%d us' % rto",
    "assert tcpi_lost == 0",
    "y = 9223372036854775807; y += 1",
    "print(1 // 0)",
    "print('%d' % 'x')",
    "z = undefined_name",
]


def drill():
    d = os.path.join(ROOT, "tests", "drill", "scripts")
    for n in sorted(os.listdir(d)):
        if not n.endswith(".pkt"):
            continue
        with open(os.path.join(d, n), "rb") as f:
            text = f.read()
        save("drill", text)
        for m in re.finditer(rb"%\{(.*?)\}%", text, re.S):
            save("drill_py", m.group(1))
    for b in PY_BLOCKS:
        save("drill_py", b.encode())


def main():
    scenarios()
    frames = []
    for n in ("linux-a.pcap", "linux-b.pcap"):
        frames += pcap_frames(os.path.join(ROOT, "tests", "vectors", n))
    ipv4(frames)
    tcp_from_captures(frames)
    tcp_synthetic()
    http()
    drill()
    for h in sorted(os.listdir(OUT)):
        print(f"{h}: {len(os.listdir(os.path.join(OUT, h)))} files")


if __name__ == "__main__":
    main()
