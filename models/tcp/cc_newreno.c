/* models/tcp/cc_newreno.c — NewReno (RFC 6582): Reno's window arithmetic with
 * NewReno's recovery.
 *
 * RFC 6582 changes only fast recovery (§3.2 steps 1–2 defer to RFC 5681), so the
 * algorithm's arithmetic is Reno's; its published recovery is TCP_CC_RECOVERY_NEWRENO:
 * under `recovery: auto` without SACK, fast recovery continues through partial ACKs
 * until the ACK that covers "recover", each partial ACK deflating the window by what
 * it acknowledged and the full ACK setting cwnd = min(ssthresh, max(FlightSize, SMSS)
 * + SMSS) (cc.c, tcp_cc_on_partial_ack and tcp_cc_on_recovery_exit). `cc: "newreno"`
 * is thus Reno's arithmetic plus NewReno's recovery, the combination Linux's "reno"
 * module gives (tcp_config_apply_sysctl maps Linux's reno here).
 */
#include "models/tcp/cc.h"

const struct tcp_cc_ops tcp_cc_newreno = {
	.name = "newreno",
	.recovery = TCP_CC_RECOVERY_NEWRENO,
	.ssthresh = tcp_cc_reno_ssthresh,
	.cong_avoid = tcp_cc_reno_cong_avoid,
	.undo_cwnd = tcp_cc_reno_undo_cwnd,
};
