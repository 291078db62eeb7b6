/* models/tcp/ecn.c — ECN in TCP (RFC 3168 §6.1) and DCTCP's receiver (RFC 8257 §3.2),
 * as Linux implements them (net/ipv4/tcp_input.c, tcp_output.c, tcp_dctcp.h).
 *
 * Negotiation (RFC 3168 §6.1.1): an ECN-setup SYN carries ECE and CWR, an ECN-setup
 * SYN-ACK ECE only. The sender then marks new data ECT(0) — not pure ACKs, not
 * retransmissions (§6.1.4, §6.1.5) — and answers an echo (ECE) with one window
 * reduction per window of data (§6.1.2), announcing it with CWR on the next new data
 * segment. The receiver, on a CE data segment, sets ECE on every ACK until a CWR
 * arrives (§6.1.3). A DCTCP receiver instead echoes exactly the CE state of the data
 * (ECE while the last data segment was CE), sending at once the ACK it was delaying
 * when that state changes, so the sender can count the marks (RFC 8257 §3.2).
 */
#include "models/tcp/ecn.h"

#include "models/ip/ecn.h"
#include "models/tcp/cc_dctcp.h"
#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "sim/core/sim.h"

static bool ecn_ok(const struct tcp_sock *c)
{
	return (c->ecn.flags & TCP_ECN_OK) != 0;
}

bool tcp_ecn_ca_needs(const struct tcp_sock *c)
{
	const struct tcp_cc_ops *ops = c->cc.ops ? c->cc.ops : tcp_cc_find(c->cfg->cc);
	return ops && ops->needs_ecn;
}

/* The ECN bits of a SYN or SYN-ACK. */
static void syn_out(struct tcp_sock *c, struct tcp_repr *r, uint8_t *tos)
{
	bool needs = tcp_ecn_ca_needs(c);
	if (!(r->flags & TCP_FLAG_ACK)) {
		/* Our SYN: request ECN with `ecn` 1 or an algorithm that needs it (Linux
		 * tcp_ecn_send_syn). A retransmitted SYN goes without ECE and CWR, in
		 * case a middlebox dropped the first for them (Linux tcp_ecn_clear_syn,
		 * tcp_ecn_fallback 1); a SYN-ACK without ECE then ends ECN. */
		if (!(c->flags & TF_SYN_RETX))
			c->ecn.flags = (c->cfg->ecn == TCP_ECN_MODE_ON || needs) ? TCP_ECN_OK : 0;
		if (ecn_ok(c) && !(c->flags & TF_SYN_RETX))
			r->flags |= TCP_FLAG_ECE | TCP_FLAG_CWR; /* RFC 3168 §6.1.1 */
	} else if (ecn_ok(c)) {
		r->flags |= TCP_FLAG_ECE; /* RFC 3168 §6.1.1: ECN-setup SYN-ACK */
	}
	/* RFC 3168 §6.1.1: "A host MUST NOT set ECT on SYN or SYN-ACK packets." DCTCP
	 * does, as Linux marks the whole socket ECT for an algorithm that needs ECN
	 * (tcp_assign_congestion_control: INET_ECN_xmit). */
	if (needs)
		*tos |= IPV4_ECN_ECT0;
}

void tcp_ecn_xmit(struct tcp_sock *c, struct tcp_repr *r, uint32_t seq, uint32_t len, uint8_t *tos)
{
	if (r->flags & TCP_FLAG_SYN) {
		syn_out(c, r, tos);
		return;
	}
	if (!ecn_ok(c))
		return; /* (callers test tcp_ecn_on() first; kept for direct calls) */
	/* Linux tcp_ecn_send. */
	if (len > 0 && !seq_lt(seq, c->snd_max)) {
		/* RFC 3168 §6.1.2: new data is ECT(0); the first after a reduction
		 * carries CWR. */
		*tos |= IPV4_ECN_ECT0;
		if (c->ecn.flags & TCP_ECN_QUEUE_CWR) {
			c->ecn.flags &= ~TCP_ECN_QUEUE_CWR;
			r->flags |= TCP_FLAG_CWR;
			tcp_st(c)->ecn_cwr_sent++;
		}
	} else if (tcp_ecn_ca_needs(c)) {
		/* DCTCP: pure ACKs and retransmissions are ECT too (RFC 8257 §3.1 leaves
		 * it open; Linux's tcp_dctcp.c sends them so, so that they are marked
		 * rather than dropped by a step-marking switch). */
		*tos |= IPV4_ECN_ECT0;
	}
	/* RFC 3168 §6.1.4 / §6.1.5: pure ACKs and retransmissions are Not-ECT. */
	if (c->ecn.flags & TCP_ECN_DEMAND_CWR)
		r->flags |= TCP_FLAG_ECE; /* RFC 3168 §6.1.3: echo until CWR */
}

void tcp_ecn_take_syn(struct tcp_sock *c, const struct tcp_repr *seg)
{
	bool ece = (seg->flags & TCP_FLAG_ECE) != 0, cwr = (seg->flags & TCP_FLAG_CWR) != 0;
	c->ecn.prior_rcv_nxt = seg->seq + 1;
	if (c->state == TCP_SYN_SENT) {
		if (seg->flags & TCP_FLAG_ACK) {
			/* RFC 3168 §6.1.1: an ECN-setup SYN-ACK has ECE and not CWR (Linux
			 * tcp_ecn_rcv_synack). */
			if (ece && !cwr)
				goto out;
		} else if (ece && cwr) {
			goto out; /* simultaneous open: the peer's SYN asked too
				   * (Linux tcp_ecn_rcv_syn) */
		}
		c->ecn.flags &= ~TCP_ECN_OK;
		goto out;
	}
	/* A listener's new connection (Linux tcp_ecn_create_request): the SYN asks with
	 * ECE and CWR; `ecn` 1 or 2 accepts it if the SYN itself is Not-ECT (an ECT SYN
	 * is taken for a network that mangles the TOS byte); an algorithm that needs
	 * ECN accepts it always. */
	c->ecn.flags = 0;
	if (ece && cwr &&
	    ((seg->ip_ecn == IPV4_ECN_NOT_ECT && c->cfg->ecn != TCP_ECN_MODE_OFF) ||
	     tcp_ecn_ca_needs(c)))
		c->ecn.flags = TCP_ECN_OK;
out:
	c->cc.ecn_ok = ecn_ok(c);
	tcp_st(c)->ecn = ecn_ok(c);
}

void tcp_ecn_rcv_ack(struct tcp_sock *c, const struct tcp_repr *seg)
{
	/* Linux tcp_ecn_accept_cwr, which takes CWR from pure ACKs too (a deviation
	 * from RFC 3168 §6.1.2's "only on the first new data packet", for peers that
	 * send it so). A CWR on data is ACKed at once: the sender's window may be
	 * very small. */
	if (!(seg->flags & TCP_FLAG_CWR) || !ecn_ok(c))
		return;
	c->ecn.flags &= ~TCP_ECN_DEMAND_CWR;
	if (tcp_repr_seg_len(seg) > 0)
		c->flags |= TF_ACK_NOW;
}

bool tcp_ecn_echo(struct tcp_sock *c, const struct tcp_repr *seg)
{
	if (!(seg->flags & TCP_FLAG_ECE) || (seg->flags & TCP_FLAG_SYN) || !ecn_ok(c))
		return false;
	tcp_st(c)->ecn_ece_received++;
	return true;
}

/* The inputs in_ack_event reads, beside those the recovery fills. */
static void in_ack_event(struct tcp_sock *c, uint32_t delivered, bool ece)
{
	c->cc.ecn_ok = ecn_ok(c);
	c->cc.delivered = delivered;
	c->cc.delivered_ce = c->ecn.delivered_ce;
	c->cc.snd_una = c->snd_una;
	c->cc.snd_nxt = c->snd_nxt;
	tcp_cc_in_ack_event(&c->cc, ece);
	if (c->cc.ops == &tcp_cc_dctcp && delivered > 0) {
		struct tcp_cc_dctcp_info info;
		tcp_cc_dctcp_get_info(&c->cc, &info);
		tcp_st(c)->dctcp_alpha = info.alpha;
	}
}

void tcp_ecn_rfc_ack(struct tcp_sock *c, const struct tcp_repr *seg, uint32_t acked)
{
	if (!ecn_ok(c))
		return;
	bool ece = tcp_ecn_echo(c, seg);
	if (ece)
		c->ecn.delivered_ce += acked;
	if (c->ecn.cwr_window && seq_gt(c->snd_una, c->ecn.high_seq)) {
		/* The window that was reduced is acknowledged. */
		c->ecn.cwr_window = false;
		if (c->cc.ca_state == TCP_CA_CWR)
			tcp_cc_set_state(&c->cc, TCP_CA_OPEN);
	}
	in_ack_event(c, (uint32_t)c->snd_una_rel, ece);
	/* RFC 3168 §6.1.2: at most one reduction per window of data, and none for a
	 * window a loss reduced already (fast recovery, or after a timeout until
	 * "recover" is acknowledged). */
	if (!ece || c->ecn.cwr_window || (c->flags & (TF_IN_RECOVERY | TF_LOSS)) ||
	    seq_lt(c->snd_una, c->recover))
		return;
	tcp_conn_cc_hook(c, TCP_CONN_CC_ECE, NULL);
	c->ecn.cwr_window = true;
	c->ecn.high_seq = c->snd_max;
	tcp_st(c)->ecn_reductions++;
	tcp_ecn_queue_cwr(c);
}

void tcp_ecn_lx_ack(struct tcp_sock *c, uint32_t newly_delivered, bool ece)
{
	/* Linux tcp_count_delivered: delivered_ce counts what ECE ACKs delivered. */
	if (ece)
		c->ecn.delivered_ce += newly_delivered;
	if (!c->cc.ops->in_ack_event)
		return; /* nothing to tell (every algorithm but DCTCP): no cost per ACK */
	tcp_lx_cc_inputs(c);
	in_ack_event(c, c->lx.delivered, ece);
}

/* Linux tcp_enter_quickack_mode(sk, 2): at most two quick ACKs for this. */
static void quickack_2(struct tcp_sock *c)
{
	uint8_t before = c->ack.quick;
	tcp_ack_enter_quickack(c);
	if (c->ack.quick > before)
		c->ack.quick = MAX(before, MIN(c->ack.quick, 2));
}

/* RFC 8257 §3.2 (Linux dctcp_ece_ack_update): the receiver's two states, "the last
 * data segment was CE" or not. ECE mirrors the state. On a change, the ACK being
 * delayed (for data that arrived in the old state) goes out first with the old ECE and
 * acknowledging only that data; then the segment that changed the state is ACKed at
 * once. */
static void dctcp_ce(struct tcp_sock *c, bool ce)
{
	struct tcp_ecn *e = &c->ecn;
	if (e->ce_state != ce) {
		if (sim_timer_pending(tcp_sim(c), &c->t_delack)) {
			if (e->ce_state)
				e->flags |= TCP_ECN_DEMAND_CWR;
			else
				e->flags &= ~TCP_ECN_DEMAND_CWR;
			tcp_send_ack_at(c, e->prior_rcv_nxt);
		}
		c->flags |= TF_ACK_NOW;
	}
	e->prior_rcv_nxt = c->rcv_nxt;
	e->ce_state = ce;
	if (ce)
		e->flags |= TCP_ECN_DEMAND_CWR;
	else
		e->flags &= ~TCP_ECN_DEMAND_CWR;
}

void tcp_ecn_rcv_data(struct tcp_sock *c, const struct tcp_repr *seg)
{
	if (!ecn_ok(c))
		return;
	bool needs = tcp_ecn_ca_needs(c);
	/* Linux __tcp_ecn_check_ce. */
	switch (seg->ip_ecn) {
	case IPV4_ECN_NOT_ECT:
		/* Not-ECT after ECT data: most likely a retransmission (RFC 3168 §6.1.5),
		 * which is ACKed quickly. */
		if (c->ecn.flags & TCP_ECN_SEEN)
			quickack_2(c);
		break;
	case IPV4_ECN_CE:
		tcp_st(c)->ecn_ce_received++;
		if (needs)
			dctcp_ce(c, true);
		if (!(c->ecn.flags & TCP_ECN_DEMAND_CWR)) {
			/* RFC 3168 §6.1.3: echo from now on; ACK quickly, the sender's
			 * window may be small. */
			quickack_2(c);
			c->ecn.flags |= TCP_ECN_DEMAND_CWR;
		}
		c->ecn.flags |= TCP_ECN_SEEN;
		break;
	default:
		if (needs)
			dctcp_ce(c, false);
		c->ecn.flags |= TCP_ECN_SEEN;
		break;
	}
}

void tcp_ecn_queue_cwr(struct tcp_sock *c)
{
	if (ecn_ok(c))
		c->ecn.flags |= TCP_ECN_QUEUE_CWR;
}

void tcp_lx_enter_cwr(struct tcp_sock *c)
{
	/* Linux tcp_enter_cwr: a reduction without loss, unless one (CWR, fast
	 * recovery, Loss) is running; no undo for it. */
	c->lx.prior_ssthresh = 0;
	if (c->cc.ca_state >= TCP_CA_CWR)
		return;
	c->lx.undo = false;
	tcp_lx_init_cwnd_reduction(c);
	tcp_lx_set_state(c, TCP_CA_CWR);
	tcp_st(c)->ecn_reductions++;
	tcp_lx_trace(c, "cwr");
}
