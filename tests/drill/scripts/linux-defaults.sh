#!/bin/sh
# Linux 6.18's loss recovery as the linux profile models it: SACK and D-SACK, RACK
# (tcp_recovery=1), tail loss probes (tcp_early_retrans=3), F-RTO (tcp_frto=2);
# timestamps off (sequence numbers only in the scripts), no slow start after idle.
sysctl -q net.ipv4.tcp_sack=1 net.ipv4.tcp_timestamps=0 net.ipv4.tcp_dsack=1
sysctl -q net.ipv4.tcp_early_retrans=3 net.ipv4.tcp_recovery=1 net.ipv4.tcp_frto=2
sysctl -q net.ipv4.tcp_slow_start_after_idle=0 net.ipv4.tcp_autocorking=0
sysctl -q net.ipv4.tcp_reordering=3
sysctl -q net.ipv4.tcp_rmem="4096 131072 33554432"
