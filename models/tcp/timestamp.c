/* models/tcp/timestamp.c — TCP timestamps (RFC 7323 §3–5): the TSval clock, the
 * TS.Recent rules, PAWS and RTT measurement from TSecr.
 *
 * Where it sits: segopts.c writes TSval and TSecr into every segment of a connection
 * that negotiated timestamps; input.c asks PAWS about every segment before the
 * sequence check (§5.3 R1), updates TS.Recent after the ACK check (R3), and takes an
 * RTT sample from each ACK of new data here (§4.1).
 *
 * The clock ticks every millisecond, as Linux's (TCP_TS_HZ = 1000, tcp_clock_ms),
 * plus a per-connection offset that hides the host's uptime, as Linux's
 * secure_tcp_ts_off does: drawn once per connection from the stack's seeded RNG
 * stream ("host:<host>:tcp"), so runs stay reproducible. (Linux keys its offset by
 * the address pair with a siphash; a keyed hash here, HMAC-SHA-256 as for the ISN,
 * cost more than all of a connection's other setup.)
 */
#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "sim/core/sim.h"

/* RFC 7323 §5.5: a TS.Recent older than 24 days is no longer valid (Linux
 * TCP_PAWS_24DAYS). */
#define TS_RECENT_LIFETIME (SIM_S(60 * 60 * 24) * 24)

uint32_t tcp_ts_val(const struct tcp_sock *c)
{
	return (uint32_t)(sim_now(tcp_sim(c)) / SIM_MS(1)) + c->ts_off;
}

void tcp_ts_offset(struct tcp_sock *c)
{
	if (c->flags & TF_TS_OFF_SET)
		return;
	c->ts_off = (uint32_t)sim_rng_u64(&c->stack->rng);
	c->flags |= TF_TS_OFF_SET;
}

/* TS.Recent can be trusted for PAWS: set (Linux ignores a zero, which some stacks
 * send on SYNs) and not older than 24 days (§5.5). */
static bool ts_recent_valid(const struct tcp_sock *c)
{
	if (c->ts_recent == 0)
		return false;
	return sim_now(tcp_sim(c)) - c->ts_recent_time <= TS_RECENT_LIFETIME;
}

bool tcp_ts_paws_reject(const struct tcp_sock *c, const struct tcp_repr *seg)
{
	/* RFC 7323 §5.3 R1: "If there is a Timestamps option in the arriving segment,
	 * SEG.TSval < TS.Recent, TS.Recent is valid ..., and the RST bit is not set,
	 * then treat the arriving segment as not acceptable". Timestamps compare
	 * modulo 2^32 like sequence numbers (§5.2). Linux (tcp_paws_discard) lets a
	 * TSval one tick old through, and pure ACKs that look reordered; this follows
	 * the RFC. */
	if (!(c->flags & TF_TS_OK) || !seg->has_timestamp || (seg->flags & TCP_FLAG_RST))
		return false;
	return ts_recent_valid(c) && seq_lt(seg->ts_val, c->ts_recent);
}

void tcp_ts_update_recent(struct tcp_sock *c, const struct tcp_repr *seg)
{
	/* RFC 7323 §4.3 (2) and §5.3 R3: "If SEG.TSval >= TS.Recent and SEG.SEQ <=
	 * Last.ACK.sent, then SEG.TSval is copied to TS.Recent"; Last.ACK.sent is the
	 * RCV.NXT of our last ACK (rcv_wup). An invalid TS.Recent is replaced (§5.5). */
	if (!(c->flags & TF_TS_OK) || !seg->has_timestamp)
		return;
	if (!seq_leq(seg->seq, c->rcv_wup))
		return;
	if (ts_recent_valid(c) && seq_lt(seg->ts_val, c->ts_recent))
		return;
	c->ts_recent = seg->ts_val;
	c->ts_recent_time = sim_now(tcp_sim(c));
}

bool tcp_ts_rtt(const struct tcp_sock *c, const struct tcp_repr *seg, const struct tcp_sb_acked *sa,
		sim_time_t *rtt)
{
	/* RFC 7323 §4.1: with timestamps every ACK that acknowledges new data gives an
	 * RTT sample, retransmitted data included, since TSecr says which copy arrived
	 * (Karn's ambiguity is gone). As Linux (tcp_clean_rtx_queue, tcp_ack_update_rtt),
	 * when none of the acknowledged segments was retransmitted the sample is the
	 * earliest one's own transmit time — the segment whose TSval the receiver
	 * echoes (§4.3), at nanosecond instead of millisecond resolution; otherwise it
	 * is the TS clock minus TSecr, in whole milliseconds (at least one). */
	if (sa->have_first_tx && !sa->retrans_acked) {
		*rtt = sim_now(tcp_sim(c)) - sa->first_tx_time;
		return true;
	}
	if (!seg->has_timestamp || seg->ts_ecr == 0)
		return false;
	uint32_t delta = tcp_ts_val(c) - seg->ts_ecr;
	if (delta >= (1u << 31))
		return false; /* an echo from the future: not ours */
	*rtt = SIM_MS(delta ? delta : 1);
	return true;
}
