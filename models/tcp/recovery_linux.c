/* models/tcp/recovery_linux.c — `recovery: linux`: loss recovery as Linux's
 * tcp_input.c does it.
 *
 * Where it sits: input.c hands every ACK in a synchronized state here (tcp_lx_ack,
 * Linux tcp_ack() from the window update on); timer.c hands the retransmission
 * timeout (tcp_lx_rto) and the early timers (tcp_lx_timer: RACK's reordering timer
 * and the tail loss probe, rack.c); output.c sends what the ACK asked for
 * (tcp_lx_xmit_recovery) and reports every transmission (tcp_lx_data_sent). The
 * algorithm in cc.h only answers ssthresh(), cong_avoid(), undo_cwnd() and hears the
 * state changes; how loss is detected is decided here and in rack.c.
 *
 * The machine, by Linux's names (cc.h enum tcp_ca_state):
 *   Open      nothing wrong; the window grows (tcp_cong_avoid).
 *   Disorder  duplicate ACKs or SACKs, no loss decided (tcp_try_keep_open).
 *   Recovery  fast recovery (tcp_enter_recovery): ssthresh from the algorithm, the
 *             window reduced by PRR (RFC 6937, tcp_cwnd_reduction) towards ssthresh,
 *             the segments marked lost retransmitted first (tcp_xmit_retransmit_queue);
 *             it ends when everything sent before it is acknowledged, at cwnd =
 *             ssthresh (tcp_end_cwnd_reduction). Loss is marked by RACK (rack.c) with
 *             SACK, by NewReno's rule without (tcp_newreno_mark_lost: the third
 *             duplicate ACK, then one hole per partial ACK).
 *   Loss      after a retransmission timeout (tcp_enter_loss): everything outstanding
 *             marked lost, cwnd = 1, slow start while the lost segments go out again
 *             from the scoreboard (go-back-N that skips SACKed data); F-RTO (RFC 5682)
 *             first sends new data to tell a spurious timeout.
 *   CWR       a reduction without retransmission: a tail loss probe repaired a loss.
 * Undo: a recovery or timeout shown spurious — by DSACKs for every retransmission,
 * by timestamps (Eifel, RFC 3522/4015), or by F-RTO — restores the window from before
 * it (tcp_try_undo_*). reordering adapts to the reordering seen (3 at first).
 *
 * Windows are packets here (cc.packets): cwnd against Linux's packets in flight,
 * packets_out − (sacked_out + lost_out) + retrans_out, from the scoreboard; without
 * SACK, sacked_out counts duplicate ACKs (tcp_add_reno_sack).
 */
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"


static struct sim *sim_of(const struct tcp_sock *c)
{
	return tcp_sim(c);
}

static sim_time_t now_of(const struct tcp_sock *c)
{
	return sim_now(sim_of(c));
}

/* ---- counters (Linux tcp_sock) ---- */

uint32_t tcp_lx_sacked_out(const struct tcp_sock *c)
{
	return (c->flags & TF_SACK_OK) ? c->sb.sacked_out : c->lx.reno_sacked;
}

uint32_t tcp_lx_in_flight(const struct tcp_sock *c)
{
	/* Linux tcp_packets_in_flight(): packets_out − left_out + retrans_out. */
	uint32_t out = tcp_sb_packets_out(&c->sb);
	uint32_t left = tcp_lx_sacked_out(c) + c->sb.lost_out;
	uint32_t in = out > left ? out - left : 0;
	return in + c->sb.retrans_out;
}

static enum tcp_ca_state ca_state(const struct tcp_sock *c)
{
	return c->cc.ca_state;
}


/* The inputs of struct tcp_cc before a hook (cc.h). */
void tcp_lx_cc_inputs(struct tcp_sock *c)
{
	struct tcp_cc *cc = &c->cc;
	cc->mss = c->mss;
	cc->flight = tcp_lx_in_flight(c);
	cc->now = now_of(c);
	cc->srtt = c->rtt.has_sample ? c->rtt.srtt : 0;
	cc->min_rtt = tcp_lx_min_rtt(c);
	cc->snd_una = c->snd_una;
	cc->snd_nxt = c->snd_nxt;
	cc->lsndtime = c->lx.lsndtime;
}

static void set_cwnd(struct tcp_sock *c, uint32_t cwnd)
{
	c->cc.cwnd = CLAMP(cwnd, 1u, TCP_CC_CWND_MAX);
}

/* Linux tcp_set_ca_state: the algorithm hears it first. */
void tcp_lx_set_state(struct tcp_sock *c, enum tcp_ca_state s)
{
	if (ca_state(c) == s)
		return;
	tcp_lx_cc_inputs(c);
	tcp_cc_set_state(&c->cc, s);
}

void tcp_lx_trace(struct tcp_sock *c, const char *event)
{
	if (c->trace)
		tcp_trace_endpoint(c, event);
}

sim_time_t tcp_lx_min_rtt(const struct tcp_sock *c)
{
	sim_time_t m = tcp_minmax_get(&c->lx.rtt_min);
	return m == INT64_MAX ? 0 : m;
}

/* The TSval our clock gave at time t (timestamp.c's clock: 1 ms + ts_off). */
static uint32_t tsval_at(const struct tcp_sock *c, sim_time_t t)
{
	return (uint32_t)(t / SIM_MS(1)) + c->ts_off;
}

/* The ACK echoes a TSval from before time t (Linux tcp_tsopt_ecr_before). */
bool tcp_lx_ecr_before(const struct tcp_sock *c, const struct tcp_repr *seg, sim_time_t t)
{
	return seg && (c->flags & TF_TS_OK) && seg->has_timestamp && seg->ts_ecr &&
	       seq_lt(seg->ts_ecr, tsval_at(c, t));
}

/* ---- start ---- */

void tcp_lx_start(struct tcp_sock *c)
{
	struct tcp_lx *lx = &c->lx;
	memset(lx, 0, sizeof *lx);
	lx->reordering = c->cfg->dupack_threshold; /* net.ipv4.tcp_reordering */
	lx->undo_retrans = -1;
	lx->rack.reo_wnd_steps = 1;
	lx->rack.reo_seq = c->snd_una;
	lx->high_seq = c->snd_una;
	lx->cwnd_usage_seq = c->snd_nxt;
	lx->lsndtime = now_of(c);
	lx->snd_cwnd_stamp = now_of(c);
	lx->rxt_hint = c->sb.head;
	/* The handshake's RTT sample, if any, is the first of the minimum (Linux takes
	 * it in tcp_ack_update_rtt for the SYN-ACK, or tcp_synack_rtt_meas). */
	tcp_minmax_reset(&lx->rtt_min, now_of(c), c->rtt.has_sample ? c->rtt.last : INT64_MAX);
}

/* ---- marking lost (Linux tcp_mark_skb_lost, tcp_newreno_mark_lost) ---- */

void tcp_lx_mark_lost(struct tcp_sock *c, uint64_t id)
{
	if (!tcp_sb_mark_lost(&c->sb, id))
		return;
	c->lx.lost++;
	/* Linux tcp_verify_retransmit_hint: the retransmission walk starts here now. */
	if (id < c->lx.rxt_hint)
		c->lx.rxt_hint = id;
}

/* Linux tcp_newreno_mark_lost: without SACK, the head is lost once reordering
 * duplicate ACKs arrived (outside recovery) or at each partial ACK (in it). */
static void newreno_mark_lost(struct tcp_sock *c, bool snd_una_advanced)
{
	enum tcp_ca_state s = ca_state(c);
	struct tcp_sb *sb = &c->sb;
	if (sb->head == sb->tail)
		return;
	if ((s < TCP_CA_RECOVERY && c->lx.reno_sacked >= c->lx.reordering) ||
	    (s == TCP_CA_RECOVERY && snd_una_advanced)) {
		if (tcp_sb_at(sb, sb->head)->flags & TCP_SB_LOST)
			return;
		tcp_lx_mark_lost(c, sb->head);
	}
}

/* Linux tcp_mark_head_lost, for the dupthresh rule when RACK is off: the first
 * `packets` SACKed segments' holes below them are lost (with mark_head, the first
 * hole only). */
static void mark_head_lost(struct tcp_sock *c, uint32_t packets, bool mark_head)
{
	struct tcp_sb *sb = &c->sb;
	uint32_t cnt = 0;
	for (uint64_t id = sb->head; id < sb->tail; id++) {
		const struct tcp_sb_seg *s = tcp_sb_at(sb, id);
		if (seq_gt(s->end, c->snd_nxt))
			break;
		if (s->flags & TCP_SB_SACKED)
			cnt++;
		if (cnt > packets)
			break;
		if (!(s->flags & TCP_SB_LOST))
			tcp_lx_mark_lost(c, id);
		if (mark_head)
			break;
	}
}

/* Linux tcp_update_scoreboard (SACK without RACK): sacked_out − reordering holes. */
static void update_scoreboard(struct tcp_sock *c, bool fast_rexmit)
{
	if (!(c->flags & TF_SACK_OK))
		return;
	int32_t upto = (int32_t)c->sb.sacked_out - (int32_t)c->lx.reordering;
	if (upto >= 0)
		mark_head_lost(c, (uint32_t)upto, false);
	else if (fast_rexmit)
		mark_head_lost(c, 1, true);
}

bool tcp_lx_rack_on(const struct tcp_sock *c)
{
	return (c->cfg->rack & TCP_RACK_LOSS_DETECTION) != 0;
}

/* ---- reordering (Linux tcp_check_sack_reordering, tcp_check_reno_reordering) ---- */


void tcp_lx_check_reordering(struct tcp_sock *c, uint32_t low_seq)
{
	uint32_t fack = tcp_lx_highest_sack_seq(c);
	if (!seq_lt(low_seq, fack))
		return;
	uint32_t metric = fack - low_seq;
	if (metric > c->lx.reordering * c->mss) {
		uint32_t r = (metric + c->mss - 1) / c->mss;
		c->lx.reordering = MIN(r, c->cfg->max_reordering);
	}
	c->lx.reord_seen++;
}

/* Without SACK, more duplicate ACKs than holes mean reordering (Linux
 * tcp_limit_reno_sacked / tcp_check_reno_reordering). */
bool tcp_lx_limit_reno_sacked(struct tcp_sock *c)
{
	uint32_t out = tcp_sb_packets_out(&c->sb);
	uint32_t holes = MIN(MAX(c->sb.lost_out, 1u), out);
	if (c->lx.reno_sacked + holes > out) {
		c->lx.reno_sacked = out - holes;
		return true;
	}
	return false;
}

static void check_reno_reordering(struct tcp_sock *c, uint32_t addend)
{
	if (!tcp_lx_limit_reno_sacked(c))
		return;
	c->lx.reordering = MIN(tcp_sb_packets_out(&c->sb) + addend, c->cfg->max_reordering);
	c->lx.reord_seen++;
}

/* Linux tcp_add_reno_sack: each duplicate ACK says a segment left the network. */
static void add_reno_sack(struct tcp_sock *c, uint32_t num_dupack)
{
	if (!num_dupack)
		return;
	uint32_t prior = c->lx.reno_sacked;
	c->lx.reno_sacked += num_dupack;
	check_reno_reordering(c, 0);
	if (c->lx.reno_sacked > prior)
		c->lx.delivered += c->lx.reno_sacked - prior;
}

/* Linux tcp_remove_reno_sacks: a cumulative ACK of `acked` packets accounts for the
 * duplicate ACKs that came before it (all but one of them). */
void tcp_lx_remove_reno_sacks(struct tcp_sock *c, uint32_t acked)
{
	if (acked > 0) {
		c->lx.delivered += acked > c->lx.reno_sacked ? acked - c->lx.reno_sacked : 1;
		if (acked - 1 >= c->lx.reno_sacked)
			c->lx.reno_sacked = 0;
		else
			c->lx.reno_sacked -= acked - 1;
	}
	check_reno_reordering(c, acked);
}

/* ---- window reduction (Linux tcp_init_cwnd_reduction, tcp_cwnd_reduction: PRR) ---- */

void tcp_lx_init_cwnd_reduction(struct tcp_sock *c)
{
	struct tcp_lx *lx = &c->lx;
	lx->high_seq = c->snd_nxt;
	lx->tlp = false;
	c->cc.cwnd_cnt = 0;
	c->cc.prior_cwnd = c->cc.cwnd;
	lx->prr_delivered = 0;
	lx->prr_out = 0;
	tcp_lx_cc_inputs(c);
	c->cc.ssthresh = tcp_cc_ssthresh(&c->cc);
	tcp_ecn_queue_cwr(c); /* the next new data says so (RFC 3168 §6.1.2) */
}

/* RFC 6937 PRR as Linux computes it (tcp_cwnd_reduction): while more is in flight
 * than ssthresh, send in proportion to what is delivered, ssthresh/prior_cwnd of it
 * (proportional rate reduction); below ssthresh, catch up by what was delivered and
 * one more when the ACK advanced snd_una without new loss (slow-start reduction
 * bound, PRR-SSRB), never beyond ssthresh. cwnd = in flight + what may be sent. */
void tcp_lx_cwnd_reduction(struct tcp_sock *c, uint32_t newly_acked_sacked, uint32_t newly_lost,
			   int flag)
{
	struct tcp_lx *lx = &c->lx;
	if (newly_acked_sacked == 0 || c->cc.prior_cwnd == 0)
		return;
	uint32_t in_flight = tcp_lx_in_flight(c);
	int64_t delta = (int64_t)c->cc.ssthresh - in_flight;
	int64_t sndcnt;
	lx->prr_delivered += newly_acked_sacked;
	if (delta < 0) {
		uint64_t dividend = (uint64_t)c->cc.ssthresh * lx->prr_delivered + c->cc.prior_cwnd - 1;
		sndcnt = (int64_t)(dividend / c->cc.prior_cwnd) - lx->prr_out;
	} else {
		sndcnt = MAX((int64_t)lx->prr_delivered - lx->prr_out, (int64_t)newly_acked_sacked);
		if ((flag & TCP_LX_F_SND_UNA_ADVANCED) && !newly_lost)
			sndcnt++;
		sndcnt = MIN(delta, sndcnt);
	}
	/* Force a fast retransmit at once (at least one packet when nothing went out
	 * in this reduction yet). */
	sndcnt = MAX(sndcnt, (int64_t)(lx->prr_out ? 0 : 1));
	set_cwnd(c, (uint32_t)MAX((int64_t)in_flight + sndcnt, 1));
}

/* Linux tcp_end_cwnd_reduction: the window ends at ssthresh (RFC 6937 §3: "cwnd =
 * ssthresh" on leaving recovery). */
void tcp_lx_end_cwnd_reduction(struct tcp_sock *c)
{
	if (c->cc.ssthresh < TCP_CC_INFINITE && (ca_state(c) == TCP_CA_CWR || c->lx.undo)) {
		set_cwnd(c, c->cc.ssthresh);
		c->lx.snd_cwnd_stamp = now_of(c);
	}
	tcp_lx_cc_inputs(c);
	tcp_cc_cwnd_event(&c->cc, TCP_CA_EVENT_COMPLETE_CWR);
}

/* Linux tcp_current_ssthresh: at least 3/4 of cwnd outside a reduction. */
uint32_t tcp_lx_current_ssthresh(const struct tcp_sock *c)
{
	if (tcp_lx_in_cwnd_reduction(c))
		return c->cc.ssthresh;
	return MAX(c->cc.ssthresh, (c->cc.cwnd >> 1) + (c->cc.cwnd >> 2));
}

/* ---- undo (Linux tcp_undo_cwnd_reduction, tcp_try_undo_*) ---- */

static void init_undo(struct tcp_sock *c)
{
	/* Linux tcp_init_undo: retransmissions since snd_una count towards undo. */
	c->lx.undo = true;
	c->lx.undo_marker = c->snd_una;
	c->lx.undo_retrans = c->sb.retrans_out ? (int32_t)c->sb.retrans_out : -1;
}

static bool any_retrans_done(const struct tcp_sock *c)
{
	/* Linux tcp_any_retrans_done. */
	if (c->sb.retrans_out)
		return true;
	return c->sb.head < c->sb.tail && (tcp_sb_at(&c->sb, c->sb.head)->flags & TCP_SB_EVER_RETRANS);
}

/* Timestamps show the original segment arrived: the ACK echoes a TSval from before
 * the first retransmission (Eifel, RFC 3522; Linux tcp_packet_delayed). */
static bool packet_delayed(const struct tcp_sock *c, const struct tcp_repr *seg)
{
	return c->lx.retrans_stamp_set && tcp_lx_ecr_before(c, seg, c->lx.retrans_stamp);
}

static bool may_undo(const struct tcp_sock *c, const struct tcp_repr *seg)
{
	return c->lx.undo && (c->lx.undo_retrans == 0 || packet_delayed(c, seg));
}

static void undo_cwnd_reduction(struct tcp_sock *c, bool unmark_loss)
{
	struct tcp_lx *lx = &c->lx;
	if (unmark_loss) {
		tcp_sb_clear_lost(&c->sb);
		lx->rxt_hint = c->sb.head;
	}
	if (lx->prior_ssthresh) {
		tcp_lx_cc_inputs(c);
		set_cwnd(c, tcp_cc_undo_cwnd(&c->cc));
		if (lx->prior_ssthresh > c->cc.ssthresh)
			c->cc.ssthresh = lx->prior_ssthresh;
	}
	lx->snd_cwnd_stamp = now_of(c);
	lx->undo = false;
	lx->rack.advanced = true; /* losses may be found anew */
	tcp_st(c)->undos++;
}

/* Without SACK, an ACK exactly at high_seq keeps the state until something above it
 * is acknowledged (Linux tcp_is_non_sack_preventing_reopen): the receiver may hold a
 * hole only a later ACK reveals. */
static bool non_sack_preventing_reopen(struct tcp_sock *c)
{
	if (c->snd_una == c->lx.high_seq && !(c->flags & TF_SACK_OK)) {
		if (!any_retrans_done(c))
			c->lx.retrans_stamp_set = false;
		return true;
	}
	return false;
}

/* Linux tcp_try_undo_recovery: everything sent before the episode is acknowledged. */
static bool try_undo_recovery(struct tcp_sock *c, const struct tcp_repr *seg)
{
	bool undo = may_undo(c, seg);
	if (undo)
		undo_cwnd_reduction(c, false);
	else if (c->lx.rack.reo_wnd_persist)
		c->lx.rack.reo_wnd_persist--;
	bool hold = non_sack_preventing_reopen(c);
	if (!hold) {
		tcp_lx_set_state(c, TCP_CA_OPEN);
		c->lx.is_sack_reneg = false;
	}
	if (undo)
		tcp_lx_trace(c, "undo"); /* the row after the state it leads to */
	return hold;
}

/* Linux tcp_try_undo_dsack: DSACKs showed every retransmission unnecessary. */
static bool try_undo_dsack(struct tcp_sock *c)
{
	struct tcp_lx *lx = &c->lx;
	if (lx->undo && lx->undo_retrans == 0) {
		lx->rack.reo_wnd_persist = (uint8_t)MIN(TCP_RACK_RECOVERY_THRESH, lx->rack.reo_wnd_persist + 1u);
		undo_cwnd_reduction(c, false);
		tcp_lx_trace(c, "undo");
		return true;
	}
	return false;
}

/* Linux tcp_try_undo_loss: a spurious timeout (timestamps, DSACKs, or F-RTO). */
static bool try_undo_loss(struct tcp_sock *c, const struct tcp_repr *seg, bool frto_undo)
{
	if (!frto_undo && !may_undo(c, seg))
		return false;
	undo_cwnd_reduction(c, true);
	if (frto_undo)
		tcp_st(c)->spurious_rtos++;
	c->retries = 0;
	if (!non_sack_preventing_reopen(c) && (frto_undo || (c->flags & TF_SACK_OK))) {
		tcp_lx_set_state(c, TCP_CA_OPEN);
		c->lx.is_sack_reneg = false;
	}
	tcp_lx_trace(c, frto_undo ? "frto_undo" : "undo");
	return true;
}

/* ---- entering and leaving states ---- */

void tcp_lx_try_keep_open(struct tcp_sock *c)
{
	/* Linux tcp_try_keep_open: Disorder while anything is SACKed, lost or was
	 * retransmitted, Open otherwise. */
	enum tcp_ca_state s = TCP_CA_OPEN;
	if (tcp_lx_sacked_out(c) + c->sb.lost_out || any_retrans_done(c))
		s = TCP_CA_DISORDER;
	if (ca_state(c) != s) {
		tcp_lx_set_state(c, s);
		c->lx.high_seq = c->snd_nxt;
	}
}

static void try_to_open(struct tcp_sock *c, int flag)
{
	if (!any_retrans_done(c))
		c->lx.retrans_stamp_set = false;
	if (flag & TCP_LX_F_ECE)
		tcp_lx_enter_cwr(c); /* an echoed mark: CWR (ecn.c) */
	if (ca_state(c) != TCP_CA_CWR)
		tcp_lx_try_keep_open(c);
}

void tcp_lx_enter_recovery(struct tcp_sock *c)
{
	/* Linux tcp_enter_recovery. */
	struct tcp_lx *lx = &c->lx;
	tcp_st(c)->fast_retransmits++;
	lx->prior_ssthresh = 0;
	init_undo(c);
	if (!tcp_lx_in_cwnd_reduction(c)) {
		lx->prior_ssthresh = tcp_lx_current_ssthresh(c);
		tcp_lx_init_cwnd_reduction(c);
	}
	tcp_lx_set_state(c, TCP_CA_RECOVERY);
	tcp_lx_trace(c, "fast_retransmit");
}

/* Linux tcp_timeout_mark_lost: everything outstanding is lost, but with RACK a
 * segment sent within the last RACK.rtt (not the first) is left for RACK to judge;
 * the receiver reneged if the first segment is SACKed, and every SACK mark goes. */
static void timeout_mark_lost(struct tcp_sock *c)
{
	struct tcp_sb *sb = &c->sb;
	if (sb->head == sb->tail)
		return;
	bool reneg = (tcp_sb_at(sb, sb->head)->flags & TCP_SB_SACKED) != 0;
	if (reneg) {
		tcp_st(c)->sack_reneging++;
		c->lx.is_sack_reneg = true;
	} else if (!(c->flags & TF_SACK_OK)) {
		c->lx.reno_sacked = 0;
	}
	for (uint64_t id = sb->head; id < sb->tail; id++) {
		if (reneg)
			tcp_sb_unsack(sb, id);
		else if (tcp_lx_rack_on(c) && id != sb->head &&
			 tcp_rack_skb_timeout(c, tcp_sb_at(sb, id), 0) > 0)
			continue;
		tcp_lx_mark_lost(c, id);
	}
	c->lx.rxt_hint = sb->head;
}

/* Linux tcp_enter_loss: the retransmission timer expired. */
void tcp_lx_enter_loss(struct tcp_sock *c)
{
	struct tcp_lx *lx = &c->lx;
	enum tcp_ca_state s = ca_state(c);
	bool new_recovery = s < TCP_CA_RECOVERY;
	timeout_mark_lost(c);
	/* A new episode: ssthresh from the algorithm (not again for a timeout during
	 * recovery, whose loss reduced it already, nor for a repeated timeout). */
	if (s <= TCP_CA_DISORDER || !seq_gt(lx->high_seq, c->snd_una) ||
	    (s == TCP_CA_LOSS && c->retries == 0)) {
		lx->prior_ssthresh = tcp_lx_current_ssthresh(c);
		c->cc.prior_cwnd = c->cc.cwnd;
		tcp_lx_cc_inputs(c);
		c->cc.ssthresh = tcp_cc_ssthresh(&c->cc);
		tcp_cc_cwnd_event(&c->cc, TCP_CA_EVENT_LOSS);
		init_undo(c);
	}
	set_cwnd(c, tcp_lx_in_flight(c) + 1);
	c->cc.cwnd_cnt = 0;
	lx->snd_cwnd_stamp = now_of(c);
	/* Reordering beyond the default needs SACK evidence again. */
	if (s <= TCP_CA_DISORDER && tcp_lx_sacked_out(c) >= c->cfg->dupack_threshold)
		lx->reordering = MIN(lx->reordering, c->cfg->dupack_threshold);
	tcp_lx_set_state(c, TCP_CA_LOSS);
	lx->high_seq = c->snd_nxt;
	tcp_ecn_queue_cwr(c); /* Linux tcp_enter_loss */
	/* RFC 5682 (tcp_frto): F-RTO for a first timeout outside recovery, or a repeated
	 * one. */
	lx->frto = c->cfg->frto && (new_recovery || c->retries);
	if (lx->frto)
		tcp_st(c)->frto++;
}

/* Linux tcp_process_loss: an ACK in CA_Loss. */
static void process_loss(struct tcp_sock *c, struct tcp_lx_ack *a, uint32_t num_dupack)
{
	struct tcp_lx *lx = &c->lx;
	int flag = a->flag;
	bool recovered = !seq_lt(c->snd_una, lx->high_seq);
	if ((flag & TCP_LX_F_SND_UNA_ADVANCED) && try_undo_loss(c, a->seg, false))
		return;
	if (lx->frto) {
		/* RFC 5682 step 3.b (SACK-enhanced, §3.1): data sent before the timeout
		 * and never retransmitted is acknowledged: the timeout was spurious. */
		if ((flag & TCP_LX_F_ORIG_SACK_ACKED) && try_undo_loss(c, a->seg, true))
			return;
		if (seq_gt(c->snd_nxt, lx->high_seq)) {
			/* Step 3.a: a duplicate ACK or SACK after new data went: a real
			 * loss; recover as usual. */
			if ((flag & TCP_LX_F_DATA_SACKED) || num_dupack)
				lx->frto = false;
		} else if ((flag & TCP_LX_F_SND_UNA_ADVANCED) && !recovered) {
			/* Step 2.b: the retransmission is acknowledged: send new data, two
			 * segments, before anything else is resent. */
			lx->high_seq = c->snd_nxt;
			if (tcp_lx_can_send_new(c)) {
				lx->rexmit = TCP_LX_REXMIT_NEW;
				return;
			}
			lx->frto = false;
		}
	}
	if (recovered) {
		/* Everything outstanding at the timeout is through. */
		try_undo_recovery(c, a->seg);
		return;
	}
	if (!(c->flags & TF_SACK_OK)) {
		/* A duplicate ACK after new data went counts as SACKed data. */
		if (seq_gt(c->snd_nxt, lx->high_seq) && num_dupack)
			add_reno_sack(c, num_dupack);
		else if (flag & TCP_LX_F_SND_UNA_ADVANCED)
			c->lx.reno_sacked = 0;
	}
	lx->rexmit = TCP_LX_REXMIT_LOST;
}

static bool force_fast_retransmit(const struct tcp_sock *c)
{
	/* Linux tcp_force_fast_retransmit: SACKs beyond reordering segments. */
	return seq_gt(tcp_lx_highest_sack_seq(c), c->snd_una + c->lx.reordering * c->mss);
}

/* Linux tcp_try_undo_partial: a partial ACK in recovery with timestamps that show
 * the original arrived: reordering, not loss. */
static bool try_undo_partial(struct tcp_sock *c, struct tcp_lx_ack *a, bool *do_lost)
{
	struct tcp_lx *lx = &c->lx;
	if (lx->undo && packet_delayed(c, a->seg)) {
		tcp_lx_check_reordering(c, a->prior_snd_una);
		/* Retransmissions still out: wait for their ACKs or DSACKs. */
		if (c->sb.retrans_out)
			return true;
		if (!any_retrans_done(c))
			lx->retrans_stamp_set = false;
		undo_cwnd_reduction(c, true);
		tcp_lx_try_keep_open(c);
		tcp_lx_trace(c, "undo");
	} else {
		*do_lost = force_fast_retransmit(c);
	}
	return false;
}

/* Linux tcp_identify_packet_loss. */
static void identify_packet_loss(struct tcp_sock *c, struct tcp_lx_ack *a)
{
	if (c->sb.head == c->sb.tail)
		return;
	if (!(c->flags & TF_SACK_OK)) {
		newreno_mark_lost(c, (a->flag & TCP_LX_F_SND_UNA_ADVANCED) != 0);
	} else if (tcp_lx_rack_on(c)) {
		uint32_t prior_retrans = c->sb.retrans_out;
		if (tcp_rack_mark_lost(c))
			a->flag &= ~TCP_LX_F_SET_XMIT_TIMER;
		if (prior_retrans > c->sb.retrans_out)
			a->flag |= TCP_LX_F_LOST_RETRANS;
	}
}

static bool time_to_recover(const struct tcp_sock *c)
{
	/* Linux tcp_time_to_recover: a loss is marked; without RACK, also more
	 * duplicates than reordering (tcp_dupack_heuristics). */
	if (c->sb.lost_out)
		return true;
	return !tcp_lx_rack_on(c) && tcp_lx_sacked_out(c) + 1 > c->lx.reordering;
}

/* Recovery or CWR ends: everything sent before it is acknowledged. Returns true
 * when the ACK's processing stops here. */
static bool end_of_episode(struct tcp_sock *c, struct tcp_lx_ack *a)
{
	switch (ca_state(c)) {
	case TCP_CA_CWR:
		/* CWR ends only above high_seq, so a later loss in this window is not
		 * taken for a new episode. */
		if (c->snd_una != c->lx.high_seq) {
			tcp_lx_end_cwnd_reduction(c);
			tcp_lx_set_state(c, TCP_CA_OPEN);
		}
		return false;
	case TCP_CA_RECOVERY:
		if (!(c->flags & TF_SACK_OK))
			c->lx.reno_sacked = 0;
		if (try_undo_recovery(c, a->seg))
			return true;
		tcp_lx_end_cwnd_reduction(c);
		tcp_lx_trace(c, "recovery_exit");
		return false;
	default:
		return false;
	}
}

/* Linux tcp_fastretrans_alert: a "dubious" ACK — duplicate, SACKing, or in a state
 * other than Open. */
void tcp_lx_fastretrans_alert(struct tcp_sock *c, struct tcp_lx_ack *a, uint32_t num_dupack)
{
	struct tcp_lx *lx = &c->lx;
	int flag = a->flag;
	bool fast_rexmit = false;
	bool do_lost = num_dupack || ((flag & TCP_LX_F_DATA_SACKED) && force_fast_retransmit(c));
	if (tcp_sb_packets_out(&c->sb) == 0 && !(c->flags & TF_SACK_OK))
		lx->reno_sacked = 0;
	if (ca_state(c) == TCP_CA_OPEN)
		lx->retrans_stamp_set = false;
	else if (!seq_lt(c->snd_una, lx->high_seq) && end_of_episode(c, a))
		return;
	switch (ca_state(c)) {
	case TCP_CA_RECOVERY:
		if (!(flag & TCP_LX_F_SND_UNA_ADVANCED)) {
			if (!(c->flags & TF_SACK_OK))
				add_reno_sack(c, num_dupack);
		} else if (try_undo_partial(c, a, &do_lost)) {
			return;
		}
		if (try_undo_dsack(c))
			tcp_lx_try_keep_open(c);
		identify_packet_loss(c, a);
		if (ca_state(c) != TCP_CA_RECOVERY) {
			if (!time_to_recover(c))
				return;
			tcp_lx_enter_recovery(c); /* undo found reordering, then a loss */
		}
		break;
	case TCP_CA_LOSS:
		process_loss(c, a, num_dupack);
		identify_packet_loss(c, a);
		if (!(ca_state(c) == TCP_CA_OPEN || (a->flag & TCP_LX_F_LOST_RETRANS)))
			return;
		/* A lost retransmission or a finished Loss: on to the usual checks. */
		/* fall through */
	default:
		if (!(c->flags & TF_SACK_OK)) {
			if (flag & TCP_LX_F_SND_UNA_ADVANCED)
				lx->reno_sacked = 0;
			add_reno_sack(c, num_dupack);
		}
		if (ca_state(c) <= TCP_CA_DISORDER)
			try_undo_dsack(c);
		identify_packet_loss(c, a);
		if (!time_to_recover(c)) {
			try_to_open(c, flag);
			return;
		}
		tcp_lx_enter_recovery(c);
		fast_rexmit = true;
	}
	if (!tcp_lx_rack_on(c) && do_lost)
		update_scoreboard(c, fast_rexmit);
	lx->rexmit = TCP_LX_REXMIT_LOST;
}

