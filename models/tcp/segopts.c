/* models/tcp/segopts.c — which TCP options a connection uses and what each segment
 * it sends carries: SACK-permitted and SACK blocks (RFC 2018, DSACK RFC 2883) and
 * timestamps (RFC 7323), beside the MSS and window scale that input.c and output.c
 * handle.
 *
 * Where it sits: input.c hands every SYN or SYN-ACK received to tcp_opts_take_syn();
 * output.c's xmit() asks tcp_opts_syn() or tcp_opts_established() for the options of
 * each segment, and segments data by tcp_current_mss(). seg.c lays the options out
 * on the wire as Linux does.
 */
#include "models/tcp/conn.h"
#include "sim/core/sim.h"

void tcp_opts_take_syn(struct tcp_sock *c, const struct tcp_repr *seg)
{
	/* RFC 2018 §2: SACK may be used only when both SYNs carried SACK-permitted. A
	 * SYN-ACK's is an answer: taken only if our SYN offered it (cfg->sack). */
	if (seg->has_sack_perm && c->cfg->sack)
		c->flags |= TF_SACK_OK;
	else
		c->flags &= ~TF_SACK_OK;
	/* RFC 7323 §3.2: timestamps are used when both SYNs carried the option; TS.Recent
	 * starts as the peer's SYN TSval (§4.3). */
	if (seg->has_timestamp && c->cfg->timestamps) {
		c->flags |= TF_TS_OK;
		c->ts_recent = seg->ts_val;
		c->ts_recent_time = sim_now(tcp_sim(c));
	} else {
		c->flags &= ~TF_TS_OK;
	}
}

void tcp_opts_syn(struct tcp_sock *c, struct tcp_repr *r)
{
	bool synack = (r->flags & TCP_FLAG_ACK) != 0;
	/* On a SYN, what we offer; on a SYN-ACK, what the peer offered and we accept. */
	r->has_sack_perm = synack ? (c->flags & TF_SACK_OK) != 0 : c->cfg->sack;
	bool ts = synack ? (c->flags & TF_TS_OK) != 0 : c->cfg->timestamps;
	if (!ts)
		return;
	tcp_ts_offset(c);
	r->has_timestamp = true;
	r->ts_val = tcp_ts_val(c);
	/* RFC 7323 §3.2: TSecr is zero when the ACK bit is off; a SYN-ACK echoes the
	 * SYN's TSval. */
	r->ts_ecr = synack ? c->ts_recent : 0;
}

/* The number of SACK blocks room is left for: 3 beside timestamps, else 4 (RFC 2018
 * §3; Linux tcp_established_options). */
static uint32_t sack_room(const struct tcp_sock *c)
{
	uint32_t space = TCP_OPT_SPACE - tcp_opts_ts_len(c) - TCP_OPTLEN_SACK_BASE;
	return space / TCP_OPTLEN_SACK_BLOCK;
}

void tcp_opts_established(struct tcp_sock *c, struct tcp_repr *r, bool sack)
{
	if (c->flags & TF_TS_OK) {
		/* RFC 7323 §3.2: once negotiated, a TSopt in every segment; TSecr = TS.Recent
		 * (§4.3 (1)). */
		r->has_timestamp = true;
		r->ts_val = tcp_ts_val(c);
		r->ts_ecr = c->ts_recent;
	}
	/* RFC 2018 §4: a SACK option in every ACK while out-of-order data is held; RFC
	 * 2883: a duplicate's DSACK once, first. Data segments carry them too (Linux). */
	if (sack && (c->flags & TF_SACK_OK) && (r->flags & TCP_FLAG_ACK)) {
		bool dsack = c->sackrcv.dsack_pending;
		if (tcp_sackrcv_fill(&c->sackrcv, r, sack_room(c)) && dsack)
			tcp_st(c)->dsacks_sent++;
	}
}

uint32_t tcp_opts_ts_len(const struct tcp_sock *c)
{
	return (c->flags & TF_TS_OK) ? TCP_OPTLEN_TS_ALIGNED : 0;
}

uint32_t tcp_opts_sack_mss(const struct tcp_sock *c)
{
	/* Linux tcp_current_mss: the options a segment carries now beyond those the
	 * MSS already allows for (tcp_header_len, the timestamps) shorten its payload,
	 * so the IP packet still fits the path MTU. */
	uint32_t n = tcp_sackrcv_count(&c->sackrcv, sack_room(c));
	if (n == 0)
		return c->mss;
	uint32_t opt = TCP_OPTLEN_SACK_BASE + TCP_OPTLEN_SACK_BLOCK * n;
	return c->mss > opt + TCP_MSS_MIN ? c->mss - opt : TCP_MSS_MIN;
}
