/* models/tcp/rack.c — `recovery: linux`: RACK-TLP (RFC 8985) as Linux's tcp_recovery.c
 * and tcp_output.c do it.
 *
 * Where it sits: input_linux.c tells RACK of every segment (S)ACKed
 * (tcp_rack_advance) and, on a dubious ACK, recovery_linux.c asks it what is lost
 * (tcp_rack_mark_lost); the reordering timer and the tail loss probe run on the
 * connection's retransmission timer (output_linux.c's tcp_lx_timer).
 *
 * RACK (RFC 8985 §6; Linux tcp_rack_detect_loss): a segment is lost once a segment
 * sent after it has been delivered and more than RACK.rtt + reo_wnd has passed since
 * it was sent — time, not three duplicate ACKs, decides; a retransmission is judged
 * the same way (lost retransmissions are found). reo_wnd is min_rtt/4 (Linux: 0 while
 * no reordering was seen and in recovery or past reordering SACKs, so that losses are
 * marked at once as the duplicate-ACK threshold would), times a step count that grows
 * by one per round trip with DSACKs (spurious retransmissions) and falls back after
 * 16 recoveries without, never above SRTT. What is not lost yet arms the reordering
 * timer for when it will be.
 *
 * TLP (RFC 8985 §7; Linux tcp_schedule_loss_probe, tcp_send_loss_probe,
 * tcp_process_tlp_ack): in Open or CWR with SACK, PTO = 2·SRTT plus, with a single
 * segment out, rto_min (200 ms; Linux tcp_rto_min) for the peer's delayed ACK, else 2
 * jiffies; at most the time left to the RTO; on expiry one probe: new data if the window allows, else
 * the last segment again. If the probe's ACK shows it repaired a loss, cwnd is
 * reduced (CWR); a DSACK of the probe or a plain duplicate ACK means nothing was lost.
 * tcp_early_retrans (the `early_retrans` knob) 3 or 4 turns TLP on.
 */
#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

/* Linux TCP_TIMEOUT_MIN_US: a floor of 2 ms on RACK's timer. */
#define RACK_TIMEOUT_MIN SIM_MS(2)
/* Linux TCP_TIMEOUT_INIT: the probe timeout before any RTT sample. */
#define TLP_NO_RTT_TIMEOUT SIM_S(1)

static sim_time_t now_of(const struct tcp_sock *c)
{
	return sim_now(tcp_sim(c));
}

/* Linux usecs_to_jiffies() at cc_cfg.hz: rounded up to the jiffy. */
static sim_time_t to_jiffies(const struct tcp_sock *c, sim_time_t d)
{
	uint32_t hz = c->cfg->cc_cfg.hz;
	if (!hz)
		return d;
	sim_time_t j = SIM_S(1) / hz;
	return (d + j - 1) / j * j;
}

/* Linux tcp_skb_sent_after: later in time, or at the same time later in sequence. */
static bool sent_after(sim_time_t t1, sim_time_t t2, uint32_t seq1, uint32_t seq2)
{
	return t1 > t2 || (t1 == t2 && seq_gt(seq1, seq2));
}

/* ---- RACK ---- */

void tcp_rack_advance(struct tcp_sock *c, uint32_t sb_flags, uint32_t end_seq, sim_time_t xmit_time)
{
	struct tcp_rack *r = &c->lx.rack;
	sim_time_t rtt = now_of(c) - xmit_time;
	/* RFC 8985 §6.2 step 2: a retransmitted segment (S)ACKed sooner than min_rtt
	 * after its retransmission was the original: no sample. */
	sim_time_t min_rtt = tcp_lx_min_rtt(c);
	if ((sb_flags & TCP_SB_EVER_RETRANS) && (min_rtt == 0 || rtt < min_rtt))
		return;
	r->advanced = true;
	r->rtt = rtt;
	if (!r->valid || sent_after(xmit_time, r->xmit_time, end_seq, r->end_seq)) {
		r->xmit_time = xmit_time;
		r->end_seq = end_seq;
		r->valid = true;
	}
}

sim_time_t tcp_rack_reo_wnd(const struct tcp_sock *c)
{
	const struct tcp_lx *lx = &c->lx;
	if (!lx->reord_seen) {
		/* No reordering seen: in recovery, or once as many segments are SACKed
		 * as the duplicate-ACK threshold, losses are marked at once (RFC 8985
		 * §6.2 step 4). */
		if (c->cc.ca_state >= TCP_CA_RECOVERY)
			return 0;
		if (tcp_lx_sacked_out(c) >= lx->reordering && !(c->cfg->rack & TCP_RACK_NO_DUPTHRESH))
			return 0;
	}
	sim_time_t min_rtt = tcp_lx_min_rtt(c);
	sim_time_t srtt = c->rtt.has_sample ? c->rtt.srtt : 0;
	if (min_rtt == 0)
		return srtt;
	sim_time_t w = (min_rtt / 4) * lx->rack.reo_wnd_steps;
	return w < srtt ? w : srtt;
}

sim_time_t tcp_rack_skb_timeout(const struct tcp_sock *c, const struct tcp_sb_seg *s,
				sim_time_t reo_wnd)
{
	return c->lx.rack.rtt + reo_wnd - (now_of(c) - s->last_tx);
}

/* RFC 8985 §6.2 step 5 (Linux tcp_rack_detect_loss): marks lost every segment sent
 * before RACK.xmit_ts that is overdue; returns the longest wait of the others. The
 * walk is in sequence order: segments sent once are in transmit order, so the first
 * of them sent after RACK.xmit_ts ends it; retransmitted ones are judged each. */
static sim_time_t detect_loss(struct tcp_sock *c)
{
	struct tcp_sb *sb = &c->sb;
	const struct tcp_rack *r = &c->lx.rack;
	sim_time_t reo_wnd = tcp_rack_reo_wnd(c), wait = 0;
	for (uint64_t id = tcp_sb_next_unsacked(sb, sb->head); id < sb->tail;
	     id = tcp_sb_next_unsacked(sb, id + 1)) {
		const struct tcp_sb_seg *s = tcp_sb_at(sb, id);
		sb->ops++;
		/* Marked lost and not retransmitted yet: nothing to decide. */
		if ((s->flags & TCP_SB_LOST) && !(s->flags & TCP_SB_RETRANS))
			continue;
		if (!sent_after(r->xmit_time, s->last_tx, r->end_seq, s->end)) {
			if (s->flags & TCP_SB_EVER_RETRANS)
				continue;
			break;
		}
		sim_time_t remaining = tcp_rack_skb_timeout(c, s, reo_wnd);
		if (remaining <= 0)
			tcp_lx_mark_lost(c, id);
		else if (remaining > wait)
			wait = remaining;
	}
	return wait;
}

bool tcp_rack_mark_lost(struct tcp_sock *c)
{
	struct tcp_rack *r = &c->lx.rack;
	if (!r->advanced)
		return false;
	r->advanced = false; /* no need to look again until something new is (S)ACKed */
	sim_time_t wait = detect_loss(c);
	if (wait <= 0)
		return false;
	/* RFC 8985 §6.3: the reordering timer, for when the next one is overdue. */
	tcp_lx_arm(c, TCP_LX_TIMER_REO, to_jiffies(c, wait + RACK_TIMEOUT_MIN));
	return true;
}

void tcp_rack_reo_timeout(struct tcp_sock *c)
{
	/* Linux tcp_rack_reo_timeout: mark what is overdue now; a loss found outside
	 * recovery starts one (with one packet's PRR), and the lost go out. */
	uint32_t lost = c->lx.lost;
	uint32_t prior_inflight = tcp_lx_in_flight(c);
	detect_loss(c);
	if (prior_inflight != tcp_lx_in_flight(c)) {
		if (c->cc.ca_state != TCP_CA_RECOVERY) {
			tcp_lx_enter_recovery(c);
			tcp_lx_cwnd_reduction(c, 1, c->lx.lost - lost, 0);
		}
		tcp_lx_retransmit_lost(c);
	}
	if (c->lx.timer != TCP_LX_TIMER_RTO)
		tcp_lx_rearm_rto(c);
}

void tcp_rack_update_reo_wnd(struct tcp_sock *c, uint32_t prior_delivered)
{
	/* Linux tcp_rack_update_reo_wnd (RFC 8985 §6.2 step 4): one more min_rtt/4 per
	 * round trip with a DSACK (a retransmission was spurious: reordering, not
	 * loss), kept for 16 recoveries, back to one after. A DSACK for data sent
	 * before the last increase does not count (input_linux.c checks the block). */
	struct tcp_rack *r = &c->lx.rack;
	if ((c->cfg->rack & TCP_RACK_STATIC_REO_WND) || c->lx.delivered == prior_delivered)
		return;
	if (r->dsack_seen) {
		r->reo_wnd_steps = (uint8_t)MIN(0xffu, r->reo_wnd_steps + 1u);
		r->dsack_seen = false;
		r->reo_seq = c->snd_nxt;
		r->reo_wnd_persist = TCP_RACK_RECOVERY_THRESH;
	} else if (!r->reo_wnd_persist) {
		r->reo_wnd_steps = 1;
	}
}

/* ---- TLP ---- */

bool tcp_tlp_schedule(struct tcp_sock *c, bool advancing_rto)
{
	uint32_t er = c->cfg->early_retrans;
	uint32_t out = tcp_sb_packets_out(&c->sb);
	enum tcp_ca_state s = c->cc.ca_state;
	/* RFC 8985 §7.2: SACK connections, not in loss recovery. */
	if ((er != 3 && er != 4) || !out || !(c->flags & TF_SACK_OK) ||
	    (s != TCP_CA_OPEN && s != TCP_CA_CWR))
		return false;
	/* RFC 8985 §7.2: PTO = 2·SRTT, plus the delayed-ACK allowance when one segment
	 * is out (Linux: 200 ms; 2 jiffies otherwise); 1 s before any RTT sample. */
	sim_time_t timeout;
	if (c->rtt.has_sample) {
		timeout = to_jiffies(c, 2 * c->rtt.srtt);
		uint32_t hz = c->cfg->cc_cfg.hz ? c->cfg->cc_cfg.hz : 1000;
		/* Linux tcp_rto_min(sk), the rto_min knob: the allowance for a delayed ACK. */
		timeout += out == 1 ? to_jiffies(c, c->cfg->rto_min) : 2 * (SIM_S(1) / hz);
	} else {
		timeout = TLP_NO_RTT_TIMEOUT;
	}
	/* Not later than the RTO would fire. */
	sim_time_t rto = tcp_current_rto(c);
	sim_time_t rto_delta = advancing_rto ? rto
					     : tcp_sb_at(&c->sb, c->sb.head)->last_tx + rto - now_of(c);
	if (rto_delta > 0 && to_jiffies(c, rto_delta) < timeout)
		timeout = to_jiffies(c, rto_delta);
	tcp_lx_arm(c, TCP_LX_TIMER_TLP, timeout);
	return true;
}

void tcp_tlp_send(struct tcp_sock *c)
{
	struct tcp_lx *lx = &c->lx;
	struct tcp_sb *sb = &c->sb;
	/* At most one probe out (RFC 8985 §7.3). */
	if (lx->tlp)
		goto rearm;
	lx->tlp_retrans = false;
	if (tcp_lx_can_send_new(c)) {
		/* New data, Nagle and cwnd aside (Linux tcp_write_xmit push_one = 2). */
		if (!tcp_output_probe_new(c))
			goto rearm;
	} else {
		if (sb->head == sb->tail)
			goto rearm;
		/* The last segment again, without the marks of a retransmission
		 * (Linux __tcp_retransmit_skb). */
		if (!tcp_retransmit_probe(c, sb->tail - 1))
			goto rearm;
		lx->tlp_retrans = true;
	}
	lx->tlp_high_seq = c->snd_nxt;
	lx->tlp = true;
	tcp_st(c)->tlp_probes++;
	tcp_lx_trace(c, "tlp");
	lx->timer = TCP_LX_TIMER_NONE; /* the RTO runs anew from now */
rearm:
	tcp_lx_rearm_rto(c);
}

void tcp_tlp_process_ack(struct tcp_sock *c, uint32_t ack, int flag)
{
	struct tcp_lx *lx = &c->lx;
	if (seq_lt(ack, lx->tlp_high_seq))
		return;
	if (!lx->tlp_retrans) {
		lx->tlp = false; /* new data probed: acknowledged, nothing to do */
	} else if (flag & TCP_LX_F_DSACK_TLP) {
		lx->tlp = false; /* the probe was a duplicate: no loss */
	} else if (seq_gt(ack, lx->tlp_high_seq)) {
		/* RFC 8985 §7.4.2: the probe repaired a loss: reduce the window as for a
		 * recovery (Linux: through CWR at once). */
		tcp_lx_init_cwnd_reduction(c);
		tcp_lx_set_state(c, TCP_CA_CWR);
		tcp_lx_end_cwnd_reduction(c);
		tcp_lx_try_keep_open(c);
		tcp_st(c)->tlp_recoveries++;
		tcp_lx_trace(c, "tlp_recovery");
	} else if (!(flag & (TCP_LX_F_SND_UNA_ADVANCED | TCP_LX_F_NOT_DUP | TCP_LX_F_DATA_SACKED))) {
		lx->tlp = false; /* a pure duplicate ACK: the original arrived too */
	}
}
