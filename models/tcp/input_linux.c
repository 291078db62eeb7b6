/* models/tcp/input_linux.c — `recovery: linux`: an ACK as Linux's tcp_ack() takes it.
 *
 * Where it sits: input.c's ACK step, once the send window is updated, hands the ACK
 * here (tcp_lx_ack). In Linux's order: the SACK blocks tag the scoreboard
 * (tcp_sacktag_write_queue: RACK's newest delivered transmission, reordering, DSACKs
 * and the undo they allow), the cumulative ACK cleans it (tcp_clean_rtx_queue: the
 * RTT sample from the segments' own transmit times, the algorithm's pkts_acked), RACK's
 * reordering window adapts, a tail loss probe's fate is decided (rack.c), a dubious
 * ACK goes to the state machine (recovery_linux.c's tcp_lx_fastretrans_alert), the
 * timers are re-armed, and the window grows (cong_avoid) or is reduced (PRR) by the
 * packets newly delivered (tcp_cong_control). What to retransmit is left in
 * c->lx.rexmit for output (output_linux.c).
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

/* ---- the SACK blocks (Linux tcp_sacktag_write_queue) ---- */

/* Linux tcp_sacktag_one for an entry newly SACKed. */
static void sacktag_one(void *ctx, const struct tcp_sb_seg *s, bool partial)
{
	struct tcp_lx_ack *a = ctx;
	struct tcp_sock *c = a->c;
	(void)partial;
	if (seq_leq(s->end, c->snd_una))
		return;
	tcp_rack_advance(c, s->flags, s->end, s->last_tx);
	if (!(s->flags & TCP_SB_EVER_RETRANS)) {
		/* Data sent once, SACKed below the highest SACK: reordering. */
		if (seq_lt(s->seq, tcp_lx_highest_sack_seq(c)) && seq_lt(s->seq, a->reord))
			a->reord = s->seq;
		if (seq_leq(s->end, c->lx.high_seq))
			a->flag |= TCP_LX_F_ORIG_SACK_ACKED;
		if (!a->have_sackt) {
			a->have_sackt = true;
			a->first_sackt = s->last_tx;
		}
		a->last_sackt = s->last_tx;
	}
	a->flag |= TCP_LX_F_DATA_SACKED;
	c->lx.delivered++;
}

/* A DSACK block [start, end) (RFC 2883): Linux tcp_dsack_seen and the undo
 * accounting of tcp_check_dsack. Returns false for one that is ignored. */
static bool dsack_seen(struct tcp_sock *c, struct tcp_lx_ack *a, uint32_t start, uint32_t end)
{
	struct tcp_lx *lx = &c->lx;
	if (!seq_lt(start, end) || end - start > c->max_snd_wnd)
		return false;
	uint32_t len = end - start;
	uint32_t dup = len > c->mss ? (len + c->mss - 1) / c->mss : 1;
	if (len <= c->mss && lx->tlp && lx->tlp_high_seq == end)
		a->flag |= TCP_LX_F_DSACK_TLP; /* the probe itself was duplicated */
	lx->dsack_dups += dup;
	/* More DSACKed than ever retransmitted: dubious, ignored. */
	if (lx->dsack_dups > tcp_st(c)->segs_retransmitted)
		return false;
	/* RACK's reordering window grows with DSACKs, once per round trip: not for
	 * the probe's, nor for data sent before it last grew (Linux compares the
	 * delivery counts of the rate sample). */
	if (lx->reord_seen && !(a->flag & TCP_LX_F_DSACK_TLP) && seq_gt(end, lx->rack.reo_seq))
		lx->rack.dsack_seen = true;
	a->flag |= TCP_LX_F_DSACKING_ACK;
	lx->delivered += dup;
	/* The retransmissions of this episode shown unnecessary (tcp_sacktag_one's
	 * dup_sack accounting for data above snd_una comes to the same count). */
	if (lx->undo && lx->undo_retrans > 0 && seq_gt(end, lx->undo_marker))
		lx->undo_retrans = MAX(0, lx->undo_retrans - (int32_t)dup);
	return true;
}

static bool is_dsack(const struct tcp_repr *seg)
{
	/* RFC 2883 §4 (Linux tcp_check_dsack). */
	const struct tcp_sack_block *b = seg->sack;
	if (seq_lt(b[0].start, seg->ack))
		return true;
	return seg->sack_count > 1 && !seq_gt(b[0].end, b[1].end) && !seq_lt(b[0].start, b[1].start);
}

static void sacktag(struct tcp_sock *c, struct tcp_lx_ack *a, const struct tcp_repr *seg)
{
	struct tcp_stats *st = tcp_st(c);
	bool dsack = is_dsack(seg);
	/* Linux walks the blocks in sequence order (the DSACK stays first). */
	struct tcp_sack_block b[TCP_SACK_MAX_BLOCKS];
	uint32_t n = MIN(seg->sack_count, (uint32_t)TCP_SACK_MAX_BLOCKS);
	memcpy(b, seg->sack, n * sizeof b[0]);
	for (uint32_t i = dsack ? 2 : 1; i < n; i++)
		for (uint32_t j = i; j > (dsack ? 1u : 0u) && seq_lt(b[j].start, b[j - 1].start); j--) {
			struct tcp_sack_block t = b[j];
			b[j] = b[j - 1];
			b[j - 1] = t;
		}
	st->sack_blocks_received += seg->sack_count;
	if (dsack) {
		st->dsacks_received++;
		if (!dsack_seen(c, a, seg->sack[0].start, seg->sack[0].end))
			dsack = false;
	}
	a->reord = c->snd_nxt;
	for (uint32_t i = 0; i < n; i++) {
		bool dup = dsack && i == 0;
		/* Linux tcp_is_sackblock_valid: within what was sent, above snd_una
		 * unless a DSACK. */
		if (!seq_lt(b[i].start, b[i].end) || seq_gt(b[i].end, c->snd_max))
			continue;
		if (!dup && !seq_gt(b[i].start, c->snd_una))
			continue;
		struct tcp_sb_sacked out;
		tcp_sb_sack_visit(&c->sb, b[i].start, b[i].end, dup, &out, sacktag_one, a);
		st->spurious_retransmits += out.spurious;
		if (c->trace)
			tcp_trace_seq(c, "sack", b[i].start, b[i].end, 0);
	}
	if (ca_state(c) != TCP_CA_LOSS || c->lx.undo)
		tcp_lx_check_reordering(c, a->reord);
}

/* ---- the cumulative ACK (Linux tcp_clean_rtx_queue) ---- */

static void clean_one(void *ctx, const struct tcp_sb_seg *s, bool partial)
{
	struct tcp_lx_ack *a = ctx;
	struct tcp_sock *c = a->c;
	if (partial)
		return; /* part of one segment: Linux acknowledges whole packets only */
	if (s->flags & TCP_SB_EVER_RETRANS) {
		a->flag |= TCP_LX_F_RETRANS_DATA_ACKED;
	} else if (!(s->flags & TCP_SB_SACKED)) {
		a->last_ackt = s->last_tx;
		if (!a->have_ackt) {
			a->have_ackt = true;
			a->first_ackt = s->last_tx;
		}
		if (seq_lt(s->seq, a->reord))
			a->reord = s->seq;
		if (seq_leq(s->end, c->lx.high_seq))
			a->flag |= TCP_LX_F_ORIG_SACK_ACKED;
	}
	if (!(s->flags & TCP_SB_SACKED) && (c->flags & TF_SACK_OK)) {
		c->lx.delivered++;
		/* Not when timestamps show the retransmission was not what arrived. */
		if (!((s->flags & TCP_SB_EVER_RETRANS) && tcp_lx_ecr_before(c, a->seg, s->last_tx)))
			tcp_rack_advance(c, s->flags, s->end, s->last_tx);
	}
	a->pkts_acked++;
	a->flag |= TCP_LX_F_DATA_ACKED;
}

/* Linux tcp_ack_update_rtt: an RTT sample from the segments (or SACKs) acknowledged,
 * else from the timestamp echo; the estimator, the windowed minimum and the RTO.
 * Returns the sample for the algorithm (rs->rtt_us), < 0 for none. */
static sim_time_t update_rtt(struct tcp_sock *c, struct tcp_lx_ack *a, sim_time_t *seq_rtt_out)
{
	sim_time_t now = now_of(c);
	sim_time_t seq_rtt = -1, ca_rtt = -1;
	if (a->have_ackt && !(a->flag & TCP_LX_F_RETRANS_DATA_ACKED)) {
		seq_rtt = now - a->first_ackt;
		ca_rtt = now - a->last_ackt;
	}
	if (a->have_sackt) {
		if (seq_rtt < 0)
			seq_rtt = now - a->first_sackt;
		ca_rtt = now - a->last_sackt;
	}
	if (seq_rtt < 0 && (c->flags & TF_TS_OK) && a->seg->has_timestamp && a->seg->ts_ecr &&
	    (a->flag & TCP_LX_F_DATA_ACKED)) {
		uint32_t d = tcp_ts_val(c) - a->seg->ts_ecr;
		if (d < INT32_MAX / 1000) {
			seq_rtt = SIM_MS(d ? d : 1);
			ca_rtt = seq_rtt;
		}
	}
	*seq_rtt_out = seq_rtt;
	if (seq_rtt < 0)
		return ca_rtt;
	/* Linux tcp_update_rtt_min: a possibly delayed ACK may not raise it. */
	if (!((a->flag & TCP_LX_F_ACK_MAYBE_DELAYED) && ca_rtt > tcp_lx_min_rtt(c)))
		tcp_minmax_running_min(&c->lx.rtt_min, c->cfg->min_rtt_wlen, now,
				       ca_rtt > 0 ? ca_rtt : 1);
	tcp_conn_rtt_sample(c, seq_rtt);
	a->rtt_sampled = true;
	return ca_rtt;
}

/* After the cumulative ACK: RTT, timers' flag, reordering, the algorithm's sample. */
static void after_clean(struct tcp_sock *c, struct tcp_lx_ack *a, uint32_t prior_delivered,
			uint32_t prior_in_flight)
{
	if (a->pkts_acked == 1 && !a->prior_sacked && c->snd_una - a->prior_snd_una < c->mss &&
	    prior_delivered + 1 == c->lx.delivered && a->have_ackt &&
	    !(a->flag & (TCP_LX_F_RETRANS_DATA_ACKED | TCP_LX_F_CA_ALERT)))
		a->flag |= TCP_LX_F_ACK_MAYBE_DELAYED; /* one small segment: maybe delayed */
	sim_time_t seq_rtt;
	sim_time_t ca_rtt = update_rtt(c, a, &seq_rtt);
	if (a->flag & TCP_LX_F_DATA_ACKED) {
		a->flag |= TCP_LX_F_SET_XMIT_TIMER; /* new data acknowledged: re-arm */
		if (!(c->flags & TF_SACK_OK)) {
			tcp_lx_remove_reno_sacks(c, a->pkts_acked);
			/* Without SACK a retransmission acknowledged cannot tell which
			 * copy arrived. */
			if (a->flag & TCP_LX_F_RETRANS_DATA_ACKED)
				a->flag &= ~TCP_LX_F_ORIG_SACK_ACKED;
		} else if (seq_lt(a->reord, a->prior_fack)) {
			tcp_lx_check_reordering(c, a->reord);
		}
	} else if (c->sb.head < c->sb.tail && seq_rtt >= 0 && a->have_sackt &&
		   now_of(c) - a->first_sackt > now_of(c) - tcp_sb_at(&c->sb, c->sb.head)->last_tx) {
		/* Only SACKs, from data sent after the head: the head's timer may move. */
		a->flag |= TCP_LX_F_SET_XMIT_TIMER;
	}
	struct tcp_cc_sample smp = { .pkts_acked = a->pkts_acked, .rtt = ca_rtt,
				     .in_flight = prior_in_flight };
	tcp_lx_cc_inputs(c);
	tcp_cc_pkts_acked(&c->cc, &smp);
}

/* ---- window growth and reduction per ACK (Linux tcp_cong_control) ---- */

bool tcp_lx_is_cwnd_limited(const struct tcp_sock *c)
{
	/* Linux tcp_is_cwnd_limited: cwnd limited sending in this window; in slow
	 * start, also while cwnd is below twice what was in flight (so it grows to
	 * twice what was ACKed). */
	if (c->lx.is_cwnd_limited)
		return true;
	if (tcp_cc_in_slow_start(&c->cc))
		return c->cc.cwnd < 2 * c->lx.max_packets_out;
	return false;
}

static bool may_raise_cwnd(const struct tcp_sock *c, int flag)
{
	/* Linux tcp_may_raise_cwnd: with reordering above the default, any forward
	 * progress; otherwise only new data cumulatively acknowledged. */
	if (c->lx.reordering > c->cfg->dupack_threshold)
		return (flag & TCP_LX_F_FORWARD_PROGRESS) != 0;
	return (flag & TCP_LX_F_DATA_ACKED) != 0;
}

static void cong_control(struct tcp_sock *c, uint32_t acked_sacked, uint32_t newly_lost, int flag)
{
	uint32_t ow = c->cc.cwnd, os = c->cc.ssthresh;
	bool ss = tcp_cc_in_slow_start(&c->cc);
	if (tcp_lx_in_cwnd_reduction(c)) {
		tcp_lx_cwnd_reduction(c, acked_sacked, newly_lost, flag);
		/* A row per PRR step, in Recovery and in CWR (an ECN echo, a TLP that
		 * repaired a loss) alike. */
		if (c->trace && (ca_state(c) == TCP_CA_RECOVERY || ca_state(c) == TCP_CA_CWR))
			tcp_lx_trace(c, "recovery");
		return;
	}
	if (!may_raise_cwnd(c, flag))
		return;
	struct tcp_cc_ack ack = { .acked = acked_sacked, .rtt = c->rtt.last,
				  .cwnd_limited = tcp_lx_is_cwnd_limited(c) };
	tcp_lx_cc_inputs(c);
	tcp_cc_cong_avoid(&c->cc, &ack);
	c->lx.snd_cwnd_stamp = now_of(c);
	if (c->trace && (c->cc.cwnd != ow || c->cc.ssthresh != os))
		tcp_lx_trace(c, ss ? "slow_start" : "congestion_avoidance");
}

/* Linux tcp_set_xmit_timer: a tail loss probe if one is due, else the RTO. */
static void set_xmit_timer(struct tcp_sock *c)
{
	if (!tcp_tlp_schedule(c, true))
		tcp_lx_rearm_rto(c);
}

/* An ACK with nothing outstanding (Linux tcp_ack's no_queue): a DSACK may still undo;
 * a zero-window probe's answer. */
static void ack_no_queue(struct tcp_sock *c, struct tcp_lx_ack *a)
{
	if (a->flag & TCP_LX_F_DSACKING_ACK)
		tcp_lx_fastretrans_alert(c, a, 0);
	if (c->lx.tlp)
		tcp_tlp_process_ack(c, a->seg->ack, a->flag);
}

/* The flags of the ACK's header (Linux tcp_ack before tcp_sacktag_write_queue). */
static void ack_prologue(struct tcp_sock *c, struct tcp_lx_ack *a, const struct tcp_repr *seg,
			 bool data, bool win_update)
{
	memset(a, 0, sizeof *a);
	a->c = c;
	a->seg = seg;
	a->prior_snd_una = c->snd_una;
	a->prior_fack = (c->flags & TF_SACK_OK) ? tcp_lx_highest_sack_seq(c) : c->snd_una;
	if (seq_gt(seg->ack, c->snd_una))
		a->flag |= TCP_LX_F_SND_UNA_ADVANCED;
	if (data)
		a->flag |= TCP_LX_F_DATA;
	if (win_update)
		a->flag |= TCP_LX_F_WIN_UPDATE;
}

void tcp_lx_ack(struct tcp_sock *c, const struct tcp_repr *seg, bool data, bool win_update)
{
	struct tcp_lx *lx = &c->lx;
	struct tcp_lx_ack a;
	uint32_t ack = seg->ack;
	ack_prologue(c, &a, seg, data, win_update);
	if (seq_lt(ack, c->snd_una)) {
		/* An old ACK: only its SACK blocks count (Linux tcp_ack's old_ack). */
		if (seg->sack_count && (c->flags & TF_SACK_OK)) {
			sacktag(c, &a, seg);
			tcp_lx_fastretrans_alert(c, &a, 0);
		}
		return;
	}
	if (tcp_ecn_on(&c->ecn) && tcp_ecn_echo(c, seg))
		a.flag |= TCP_LX_F_ECE; /* Linux tcp_ecn_rcv_ecn_echo */
	uint32_t prior_packets = tcp_sb_packets_out(&c->sb);
	uint32_t prior_delivered = lx->delivered, prior_lost = lx->lost;
	uint32_t prior_in_flight = tcp_lx_in_flight(c);
	uint64_t prior_rows = c->trace ? c->trace->ep_rows : 0;
	lx->rexmit = TCP_LX_REXMIT_NONE;
	if (seg->sack_count && (c->flags & TF_SACK_OK))
		sacktag(c, &a, seg);
	if (prior_packets == 0) {
		if (tcp_ecn_on(&c->ecn))
			tcp_ecn_lx_ack(c, lx->delivered - prior_delivered, a.flag & TCP_LX_F_ECE);
		ack_no_queue(c, &a);
		return;
	}
	a.prior_sacked = tcp_lx_sacked_out(c);
	a.reord = c->snd_nxt;
	struct tcp_sb_acked sa = { 0 };
	if (a.flag & TCP_LX_F_SND_UNA_ADVANCED)
		tcp_take_ack(c, ack, &sa, clean_one, &a);
	if (sa.head_sacked)
		a.flag |= TCP_LX_F_SACK_RENEGING;
	after_clean(c, &a, prior_delivered, prior_in_flight);
	tcp_rack_update_reo_wnd(c, prior_delivered);
	/* Linux tcp_in_ack_event, with delivered_ce counted (DCTCP's α). */
	if (tcp_ecn_on(&c->ecn))
		tcp_ecn_lx_ack(c, lx->delivered - prior_delivered, a.flag & TCP_LX_F_ECE);
	if (lx->tlp)
		tcp_tlp_process_ack(c, ack, a.flag);
	/* Linux tcp_ack_is_dubious: not clearly good news. */
	if (!(a.flag & TCP_LX_F_NOT_DUP) || (a.flag & TCP_LX_F_CA_ALERT) ||
	    ca_state(c) != TCP_CA_OPEN) {
		uint32_t num_dupack = 0;
		if (!(a.flag & (TCP_LX_F_SND_UNA_ADVANCED | TCP_LX_F_NOT_DUP | TCP_LX_F_DSACKING_ACK)))
			num_dupack = 1;
		if (!tcp_lx_check_sack_reneging(c, &a.flag))
			tcp_lx_fastretrans_alert(c, &a, num_dupack);
	}
	if (a.flag & TCP_LX_F_SET_XMIT_TIMER)
		set_xmit_timer(c);
	cong_control(c, lx->delivered - prior_delivered, lx->lost - prior_lost, a.flag);
	/* A row for the RTT sample unless the ACK wrote one already (as input.c). */
	if (a.rtt_sampled && c->trace && c->trace->ep_rows == prior_rows)
		tcp_trace_endpoint(c, "rtt_sample");
}

/* Linux tcp_check_sack_reneging: the ACK stops at a segment the receiver had SACKed:
 * it dropped that data (RFC 2018 §8). Rather than wait a whole RTO, time out after
 * max(SRTT/2, 10 ms). */
bool tcp_lx_check_sack_reneging(struct tcp_sock *c, int *flag)
{
	if (!((*flag & TCP_LX_F_SACK_RENEGING) && (*flag & TCP_LX_F_SND_UNA_ADVANCED)))
		return false;
	sim_time_t d = MAX(c->rtt.srtt / 2, SIM_MS(10));
	c->lx.timer = TCP_LX_TIMER_RTO;
	tcp_timer_rtx_arm_in(c, d);
	*flag &= ~TCP_LX_F_SET_XMIT_TIMER;
	return true;
}

