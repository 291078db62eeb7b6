#!/bin/sh
# tests/net/pcap-check.sh FILE... — what Wireshark's dissectors say about captures.
#
# For each file: the number of packets, of malformed packets, and of bad checksums
# (IPv4 header, ICMP, and TCP/UDP outside ICMP errors: the transport checksum quoted
# inside an ICMP error covers a truncated segment and cannot verify), plus TCP
# analysis notes for information. Exits 0 when every file is clean, 1 when any packet
# is malformed or has a bad checksum, 2 when tshark is missing or no file was given.
# Checksum validation is forced on, since Wireshark leaves it off by default.
set -u

if ! command -v tshark >/dev/null 2>&1; then
	echo "pcap-check: tshark not found (Debian: apt-get install tshark)" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	echo "usage: pcap-check.sh FILE..." >&2
	exit 2
fi

validate="-o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
bad_filter='_ws.malformed || ip.checksum.status#1 == "Bad" || icmp.checksum.status == "Bad" || ((tcp.checksum.status == "Bad" || udp.checksum.status == "Bad") && !icmp)'

# count FILE FILTER [OPTIONS...]: packets matching a display filter.
count() {
	f=$1
	filter=$2
	shift 2
	tshark -n -r "$f" "$@" -Y "$filter" 2>/dev/null | wc -l | tr -d ' '
}

status=0
for f in "$@"; do
	if [ ! -r "$f" ]; then
		echo "$f: cannot read" >&2
		status=1
		continue
	fi
	if ! tshark -n -r "$f" >/dev/null 2>&1; then
		echo "$f: tshark cannot read it:" >&2
		tshark -n -r "$f" 2>&1 >/dev/null | head -n 3 | sed 's/^/    /' >&2
		status=1
		continue
	fi
	total=$(tshark -n -r "$f" 2>/dev/null | wc -l | tr -d ' ')
	# shellcheck disable=SC2086
	malformed=$(count "$f" '_ws.malformed' $validate)
	# shellcheck disable=SC2086
	bad=$(count "$f" "$bad_filter" $validate)
	rtx=$(count "$f" 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission')
	dup=$(count "$f" 'tcp.analysis.duplicate_ack')
	zwin=$(count "$f" 'tcp.analysis.zero_window')
	echo "$f: $total packets, $malformed malformed, $bad bad checksums;" \
		"tcp: $rtx retransmissions, $dup dup acks, $zwin zero windows"
	if [ "$malformed" -ne 0 ] || [ "$bad" -ne 0 ]; then
		status=1
		# shellcheck disable=SC2086
		tshark -n -r "$f" $validate -Y "$bad_filter" 2>/dev/null | head -n 5 | sed 's/^/    /'
	fi
done
exit $status
