/* models/tcp/output_linux.c — `recovery: linux`: the sending side of Linux's recovery.
 *
 * Where it sits: output.c, under `recovery: linux`, first retransmits what the last
 * ACK marked lost (tcp_lx_retransmit_lost, Linux tcp_xmit_retransmit_queue), then new
 * data against cwnd in packets, reporting each segment (tcp_lx_data_sent: the idle
 * event, PRR's count, the timers, undo's count) and the window's use at the end
 * (tcp_lx_cwnd_validate, RFC 7661 / Linux tcp_cwnd_validate). timer.c hands the three
 * uses of the retransmission timer here: the RTO (tcp_lx_rto), RACK's reordering
 * timer and the tail loss probe (tcp_lx_timer, rack.c). Also slow start after idle
 * (RFC 5681 §4.1, Linux tcp_cwnd_restart) and the path MTU's retransmission.
 */
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

static sim_time_t now_of(const struct tcp_sock *c)
{
	return sim_now(tcp_sim(c));
}

static enum tcp_ca_state ca_state(const struct tcp_sock *c)
{
	return c->cc.ca_state;
}

static void set_cwnd(struct tcp_sock *c, uint32_t cwnd)
{
	c->cc.cwnd = CLAMP(cwnd, 1u, TCP_CC_CWND_MAX);
}

/* ---- sending (Linux tcp_xmit_recovery, tcp_xmit_retransmit_queue) ---- */

bool tcp_lx_retransmit_lost(struct tcp_sock *c)
{
	/* Linux tcp_xmit_retransmit_queue: the segments marked lost, in sequence
	 * order, while cwnd leaves room; the hint skips what cannot need it. */
	struct tcp_sb *sb = &c->sb;
	bool rearm = false, sent = false, hole = false;
	for (uint64_t id = MAX(c->lx.rxt_hint, sb->head); id < sb->tail; id++) {
		if (!hole)
			c->lx.rxt_hint = id;
		if (c->cc.cwnd <= tcp_lx_in_flight(c) || sb->retrans_out >= sb->lost_out)
			break;
		uint32_t f = tcp_sb_at(sb, id)->flags;
		sb->ops++;
		if (!(f & TCP_SB_LOST)) {
			if (!(f & (TCP_SB_RETRANS | TCP_SB_SACKED)))
				hole = true;
			continue;
		}
		if (f & (TCP_SB_SACKED | TCP_SB_RETRANS))
			continue;
		if (!tcp_retransmit_seg(c, id, false))
			break;
		sent = true;
		if (id == sb->head && c->lx.timer != TCP_LX_TIMER_REO)
			rearm = true;
	}
	if (rearm)
		tcp_lx_arm(c, TCP_LX_TIMER_RTO, tcp_current_rto(c));
	return sent;
}

bool tcp_lx_can_send_new(const struct tcp_sock *c)
{
	/* Unsent data (or the FIN) and the peer's window open beyond snd_nxt (Linux:
	 * the write queue is not empty and tcp_wnd_end is after snd_nxt). */
	bool data = seq_lt(c->snd_nxt, c->snd_buf_seq + c->sndbuf.len) ||
		    ((c->flags & TF_FIN_QUEUED) && seq_leq(c->snd_nxt, c->fin_seq));
	return data && seq_gt(c->snd_una + c->snd_wnd, c->snd_nxt);
}

void tcp_lx_data_sent(struct tcp_sock *c, enum tcp_lx_sent kind, bool idle, uint32_t prior_packets)
{
	struct tcp_lx *lx = &c->lx;
	if (kind == TCP_LX_SENT_WINDOW_PROBE)
		return;
	/* Linux tcp_event_data_sent: data after idle tells the algorithm. */
	if (idle) {
		tcp_lx_cc_inputs(c);
		tcp_cc_cwnd_event(&c->cc, TCP_CA_EVENT_TX_START);
	}
	lx->lsndtime = now_of(c);
	if (tcp_lx_in_cwnd_reduction(c) && kind != TCP_LX_SENT_PROBE)
		lx->prr_out++;
	switch (kind) {
	case TCP_LX_SENT_NEW:
		/* Linux tcp_event_new_data_sent: the timer starts with the first
		 * segment out, and a pending probe gives way to the RTO. */
		if (prior_packets == 0 || lx->timer == TCP_LX_TIMER_TLP)
			tcp_lx_rearm_rto(c);
		break;
	case TCP_LX_SENT_RETRANS:
		/* Linux tcp_retransmit_skb: the first retransmission's time (Eifel) and
		 * the retransmissions undo waits for. */
		if (!lx->retrans_stamp_set) {
			lx->retrans_stamp_set = true;
			lx->retrans_stamp = now_of(c);
		}
		if (lx->undo_retrans < 0)
			lx->undo_retrans = 0;
		lx->undo_retrans++;
		break;
	default:
		break;
	}
}

/* ---- window validation (Linux tcp_cwnd_validate, RFC 7661) ---- */

static uint32_t init_cwnd(const struct tcp_sock *c)
{
	return c->cfg->initial_window ? c->cfg->initial_window : 4;
}

/* Linux tcp_cwnd_application_limited (RFC 2861): a window unused for an RTO shrinks
 * halfway towards what was used. */
static void cwnd_application_limited(struct tcp_sock *c)
{
	struct tcp_lx *lx = &c->lx;
	if (ca_state(c) == TCP_CA_OPEN && c->sndbuf.len < c->opt.sndbuf) {
		uint32_t used = MAX(lx->snd_cwnd_used, init_cwnd(c));
		if (used < c->cc.cwnd) {
			c->cc.ssthresh = tcp_lx_current_ssthresh(c);
			set_cwnd(c, (c->cc.cwnd + used) >> 1);
			tcp_lx_trace(c, "cwnd_validation");
		}
		lx->snd_cwnd_used = 0;
	}
	lx->snd_cwnd_stamp = now_of(c);
}

void tcp_lx_cwnd_validate(struct tcp_sock *c, bool is_cwnd_limited)
{
	struct tcp_lx *lx = &c->lx;
	uint32_t out = tcp_sb_packets_out(&c->sb);
	/* The strongest signal of this window of data: cwnd-limited once is enough;
	 * otherwise the most that was in flight. */
	if (!seq_lt(c->snd_una, lx->cwnd_usage_seq) || is_cwnd_limited ||
	    (!lx->is_cwnd_limited && out > lx->max_packets_out)) {
		lx->is_cwnd_limited = is_cwnd_limited;
		lx->max_packets_out = out;
		lx->cwnd_usage_seq = c->snd_nxt;
	}
	if (tcp_lx_is_cwnd_limited(c)) {
		lx->snd_cwnd_used = 0;
		lx->snd_cwnd_stamp = now_of(c);
		return;
	}
	if (out > lx->snd_cwnd_used)
		lx->snd_cwnd_used = out;
	if (c->cfg->slow_start_after_idle && now_of(c) - lx->snd_cwnd_stamp >= tcp_current_rto(c))
		cwnd_application_limited(c);
}

/* Linux tcp_slow_start_after_idle_check / tcp_cwnd_restart (RFC 5681 §4.1): after
 * more than an RTO without sending, cwnd halves per RTO idle, down to the initial
 * window. */
void tcp_lx_idle_check(struct tcp_sock *c)
{
	struct tcp_lx *lx = &c->lx;
	if (!tcp_lx(c) || !c->cfg->slow_start_after_idle || tcp_sb_packets_out(&c->sb))
		return;
	sim_time_t rto = tcp_current_rto(c);
	sim_time_t delta = now_of(c) - lx->lsndtime;
	if (delta <= rto)
		return;
	uint32_t restart = MIN(init_cwnd(c), c->cc.cwnd);
	uint32_t cwnd = c->cc.cwnd;
	tcp_lx_cc_inputs(c);
	tcp_cc_cwnd_event(&c->cc, TCP_CA_EVENT_CWND_RESTART);
	c->cc.ssthresh = tcp_lx_current_ssthresh(c);
	while ((delta -= rto) > 0 && cwnd > restart)
		cwnd >>= 1;
	set_cwnd(c, MAX(cwnd, restart));
	lx->snd_cwnd_stamp = now_of(c);
	lx->snd_cwnd_used = 0;
	tcp_lx_trace(c, "idle_restart");
}

/* ---- timers ---- */

void tcp_lx_rearm_rto(struct tcp_sock *c)
{
	/* Linux tcp_rearm_rto: nothing out, no timer; otherwise the RTO from now — or,
	 * replacing a reordering timer or a probe, from the first segment's last
	 * transmission. */
	if (tcp_sb_packets_out(&c->sb) == 0) {
		sim_timer_cancel(tcp_sim(c), &c->t_rtx);
		c->lx.timer = TCP_LX_TIMER_NONE;
		return;
	}
	sim_time_t rto = tcp_current_rto(c);
	if (c->lx.timer == TCP_LX_TIMER_REO || c->lx.timer == TCP_LX_TIMER_TLP) {
		sim_time_t due = tcp_sb_at(&c->sb, c->sb.head)->last_tx + rto - now_of(c);
		rto = MAX(due, SIM_US(1));
	}
	tcp_lx_arm(c, TCP_LX_TIMER_RTO, rto);
}

void tcp_lx_rto(struct tcp_sock *c)
{
	/* Linux tcp_retransmit_timer (after tcp_write_timeout let it go on): the
	 * probe is forgotten, Loss entered, the first segment resent. */
	c->lx.tlp = false;
	tcp_lx_enter_loss(c);
	tcp_lx_trace(c, "rto");
	if (c->sb.head < c->sb.tail)
		tcp_retransmit_seg(c, c->sb.head, false);
	else
		tcp_retransmit_first(c); /* a FIN or probe state: nothing in the queue */
}

void tcp_lx_timer(struct tcp_sock *c)
{
	switch (c->lx.timer) {
	case TCP_LX_TIMER_REO:
		tcp_rack_reo_timeout(c);
		break;
	case TCP_LX_TIMER_TLP:
		tcp_tlp_send(c);
		break;
	default:
		break;
	}
}

/* ---- path MTU (Linux tcp_simple_retransmit) ---- */

void tcp_lx_pmtu(struct tcp_sock *c)
{
	struct tcp_sb *sb = &c->sb;
	uint32_t mss = tcp_current_mss(c);
	for (uint64_t id = sb->head; id < sb->tail; id++) {
		const struct tcp_sb_seg *s = tcp_sb_at(sb, id);
		if (s->end - s->seq - ((s->flags & TCP_SB_FIN) ? 1u : 0u) > mss)
			tcp_lx_mark_lost(c, id);
	}
	c->lx.rxt_hint = sb->head;
	if (!sb->lost_out)
		return;
	if (!(c->flags & TF_SACK_OK))
		tcp_lx_limit_reno_sacked(c);
	/* A smaller MTU is not congestion (RFC 1191 §6.4): Loss without a reduction. */
	if (ca_state(c) != TCP_CA_LOSS) {
		c->lx.high_seq = c->snd_nxt;
		c->cc.ssthresh = tcp_lx_current_ssthresh(c);
		c->lx.prior_ssthresh = 0;
		c->lx.undo = false;
		tcp_lx_set_state(c, TCP_CA_LOSS);
	}
	tcp_lx_retransmit_lost(c);
}
