/* models/tcp/cc_reno.c — Reno congestion control (RFC 5681 §3.1–3.2).
 *
 * Slow start and congestion avoidance (tcp_cc_reno_cong_avoid, with RFC 3465 byte
 * counting or the classic per-ACK rule per the configuration), fast retransmit and
 * fast recovery with window inflation. Any ACK of new data ends fast recovery
 * (TCP_CC_RECOVERY_RENO), which is what makes Reno lose its window to several
 * losses in one window: each partial ACK ends recovery, the next three duplicate
 * ACKs halve ssthresh again, or the sender runs out of ACKs and times out.
 */
#include "models/tcp/cc.h"

#include <glib.h>

static void reno_on_loss(struct tcp_cc *cc)
{
	/* RFC 5681 §3.2 step 2: ssthresh = max(FlightSize / 2, 2·SMSS) (eqn. 4). */
	cc->ssthresh = tcp_cc_reno_ssthresh(cc);
	/* Step 3: cwnd = ssthresh + 3·SMSS, inflating the window by the three
	 * segments the duplicate ACKs say have left the network. */
	cc->cwnd = MIN(cc->ssthresh + (uint64_t)3 * cc->mss, (uint64_t)TCP_CC_CWND_MAX);
}

static void reno_on_recovery_exit(struct tcp_cc *cc)
{
	/* RFC 5681 §3.2 step 6: on the ACK of new data, "set cwnd to the value of
	 * ssthresh" — deflating the window inflated during recovery. */
	cc->cwnd = MIN(cc->ssthresh, TCP_CC_CWND_MAX);
}

const struct tcp_cc_ops tcp_cc_reno = {
	.name = "reno",
	.recovery = TCP_CC_RECOVERY_RENO,
	.on_ack = tcp_cc_reno_cong_avoid,
	.on_loss = reno_on_loss,
	.on_dupack = tcp_cc_reno_inflate,
	.on_recovery_exit = reno_on_recovery_exit,
	.on_rto = tcp_cc_reno_timeout,
};
