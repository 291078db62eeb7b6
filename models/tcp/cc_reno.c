/* models/tcp/cc_reno.c — Reno congestion control (RFC 5681 §3.1; Linux tcp_cong.c's
 * tcp_reno_congestion_ops).
 *
 * Window arithmetic only: slow start and congestion avoidance (tcp_cc_reno_cong_avoid,
 * in bytes with RFC 3465 byte counting or the classic per-ACK rule, in packets as
 * Linux counts them), ssthresh = half the window (RFC 5681 eqn. 4 from FlightSize in
 * bytes; Linux's cwnd/2 in packets), undo to the window before the reduction.
 *
 * Its published recovery is RFC 5681's (TCP_CC_RECOVERY_RENO): under `recovery:
 * auto` without SACK any ACK of new data ends fast recovery, which is what makes Reno
 * lose its window to several losses in one window — each partial ACK ends recovery,
 * the next three duplicate ACKs halve ssthresh again, or the sender runs out of ACKs
 * and times out. Under `recovery: linux` Linux's own recovery runs instead (as the
 * kernel's "reno" module leaves recovery to tcp_input.c).
 */
#include "models/tcp/cc.h"

const struct tcp_cc_ops tcp_cc_reno = {
	.name = "reno",
	.recovery = TCP_CC_RECOVERY_RENO,
	.ssthresh = tcp_cc_reno_ssthresh,
	.cong_avoid = tcp_cc_reno_cong_avoid,
	.undo_cwnd = tcp_cc_reno_undo_cwnd,
};
