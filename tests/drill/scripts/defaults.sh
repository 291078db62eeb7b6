#!/bin/sh
# The Linux settings the scripts of this folder assume. netsim models neither SACK,
# timestamps nor D-SACK, nor RACK/TLP, F-RTO, slow start after idle or autocorking:
# they are off here, so Linux does what netsim's linux profile models. netsim reads
# this file too and ignores what it does not model (netsim drill --verbose lists it).
sysctl -q net.ipv4.tcp_sack=0 net.ipv4.tcp_timestamps=0 net.ipv4.tcp_dsack=0
sysctl -q net.ipv4.tcp_early_retrans=0 net.ipv4.tcp_recovery=0 net.ipv4.tcp_frto=0
sysctl -q net.ipv4.tcp_slow_start_after_idle=0 net.ipv4.tcp_autocorking=0
# Receive buffer 128 KiB, window scale 10 (Linux 6.18's defaults, pinned).
sysctl -q net.ipv4.tcp_rmem="4096 131072 33554432"
