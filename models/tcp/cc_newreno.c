/* models/tcp/cc_newreno.c — NewReno congestion control (RFC 6582).
 *
 * Reno's growth, loss response and timeout (RFC 6582 §3.2 steps 1–2 defer to RFC
 * 5681), but fast recovery continues through partial ACKs until the ACK that covers
 * "recover" (TCP_CC_RECOVERY_NEWRENO; TCP keeps "recover", retransmits on each
 * partial ACK and resets the retransmission timer per RFC 6582 §3.2 step 3 and Appendix A). Each partial
 * ACK deflates the window by what it acknowledged (tcp_cc_newreno_deflate); the full
 * ACK sets cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) (tcp_cc_newreno_exit,
 * option 1 of step 3; see cc.c for why).
 */
#include "models/tcp/cc.h"

#include <glib.h>

static void newreno_on_loss(struct tcp_cc *cc)
{
	/* RFC 6582 §3.2 step 2 → RFC 5681 §3.2 step 2: ssthresh = max(FlightSize / 2,
	 * 2·SMSS); step 3: cwnd = ssthresh + 3·SMSS. */
	cc->ssthresh = tcp_cc_reno_ssthresh(cc);
	cc->cwnd = MIN(cc->ssthresh + (uint64_t)3 * cc->mss, (uint64_t)TCP_CC_CWND_MAX);
}

const struct tcp_cc_ops tcp_cc_newreno = {
	.name = "newreno",
	.recovery = TCP_CC_RECOVERY_NEWRENO,
	.on_ack = tcp_cc_reno_cong_avoid,
	.on_loss = newreno_on_loss,
	.on_dupack = tcp_cc_reno_inflate,
	.on_partial_ack = tcp_cc_newreno_deflate,
	.on_recovery_exit = tcp_cc_newreno_exit,
	.on_rto = tcp_cc_reno_timeout, /* RFC 6582 changes only fast recovery */
};
