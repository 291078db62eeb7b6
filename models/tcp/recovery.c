/* models/tcp/recovery.c — the sender's loss detection and recovery.
 *
 * Where it sits: input.c's ACK step hands each ACK here — its SACK blocks
 * (tcp_recovery_sack), the acknowledgment of new data (tcp_recovery_new_ack) and the
 * duplicate-ACK half (tcp_recovery_dupack); timer.c hands the retransmission timeout
 * (tcp_recovery_timeout); output.c asks the scoreboard's NextSeg() what to send while
 * SACK-based recovery runs. Congestion control only ever sees the events, through
 * conn.c's tcp_conn_cc_hook(): how loss was detected is decided here (as Linux's
 * tcp_input.c tcp_fastretrans_alert decides it apart from the tcp_cong.c modules).
 *
 * The algorithms, chosen by the `recovery` knob (resolved in tcp_recovery_init):
 *   reno      RFC 5681 §3.2: fast retransmit at the third duplicate ACK, window
 *             inflation, any ACK of new data ends recovery;
 *   newreno   RFC 6582 §3.2: the same, but partial ACKs retransmit the next hole
 *             and recovery lasts until "recover" is acknowledged;
 *   rfc6675   RFC 6675 §5: the SACK scoreboard (scoreboard.h): DupAcks count ACKs
 *             with new SACK information, IsLost(), pipe instead of inflation,
 *             NextSeg() retransmits every hole in one round trip; after a timeout
 *             the scoreboard is kept and the lost segments are resent from it
 *             (§5.1), unless the receiver reneged (RFC 2018 §8).
 * Without SACK the scoreboard is still kept (its counters are the trace's
 * sacked/lost/retrans columns, as Linux's tcp_info reports them for Reno too).
 */
#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

void tcp_recovery_init(struct tcp_sock *c)
{
	enum tcp_recovery r = c->cfg->recovery;
	bool sack = (c->flags & TF_SACK_OK) != 0;
	if (r == TCP_RECOVERY_AUTO && sack) {
		r = TCP_RECOVERY_RFC6675;
	} else if (r == TCP_RECOVERY_AUTO) {
		/* The algorithm's own: Reno's or NewReno's (cc.h). */
		const struct tcp_cc_ops *ops = tcp_cc_find(c->cfg->cc);
		r = ops && ops->recovery == TCP_CC_RECOVERY_RENO ? TCP_RECOVERY_RENO
								 : TCP_RECOVERY_NEWRENO;
	} else if (r == TCP_RECOVERY_RFC6675 && !sack) {
		r = TCP_RECOVERY_NEWRENO; /* the peer did not agree to SACK */
	}
	/* TCP_RECOVERY_LINUX stays: it runs with SACK (RACK) and without (NewReno's
	 * rule), as Linux does. */
	c->rec = r;
}

/* ---- SACK information (RFC 6675 Update(), DSACK) ---- */

/* RFC 2883 §4: the first block is a DSACK when it lies below the cumulative ACK, or
 * within the second block (Linux tcp_check_dsack). */
static bool is_dsack(const struct tcp_repr *seg)
{
	const struct tcp_sack_block *b = seg->sack;
	if (seq_lt(b[0].start, seg->ack))
		return true;
	return seg->sack_count > 1 && seq_geq(b[0].start, b[1].start) &&
	       seq_leq(b[0].end, b[1].end);
}

bool tcp_recovery_sack(struct tcp_sock *c, const struct tcp_repr *seg)
{
	if (!(c->flags & TF_SACK_OK) || seg->sack_count == 0)
		return false;
	struct tcp_stats *st = tcp_st(c);
	bool dsack = is_dsack(seg);
	bool new_info = false;
	st->sack_blocks_received += seg->sack_count;
	if (dsack)
		st->dsacks_received++;
	for (uint32_t i = 0; i < seg->sack_count; i++) {
		const struct tcp_sack_block *b = &seg->sack[i];
		/* Blocks naming data never sent, or reversed, are ignored (Linux
		 * tcp_is_sackblock_valid). */
		if (!seq_lt(b->start, b->end) || seq_gt(b->end, c->snd_max))
			continue;
		struct tcp_sb_sacked out;
		tcp_sb_sack(&c->sb, b->start, b->end, dsack && i == 0, &out);
		st->spurious_retransmits += out.spurious;
		if (out.segs && !(dsack && i == 0))
			new_info = true;
		if (c->trace)
			tcp_trace_seq(c, "sack", b->start, b->end, 0);
	}
	/* RFC 6675 §4 IsLost() moves with every Update(). */
	tcp_sb_update_lost(&c->sb, c->cfg->dupack_threshold, c->mss);
	return new_info;
}

/* ---- classic recovery: RFC 5681 §3.2, RFC 6582 ---- */

static bool cwnd_limited(const struct tcp_sock *c)
{
	/* Linux tcp_is_cwnd_limited: in slow start, growth while cwnd is below twice
	 * what was in flight; otherwise only when the sender was limited by cwnd. */
	if (tcp_cc_in_slow_start(&c->cc))
		return c->cc.cwnd < 2 * (uint64_t)c->max_flight;
	return (c->flags & TF_CWND_LIMITED) != 0;
}

static void enter_recovery(struct tcp_sock *c)
{
	/* RFC 5681 §3.2 steps 2–3 / RFC 6582 §3.2 step 2: record recover, set
	 * ssthresh and cwnd (the algorithm's on_loss, whose trace row comes before
	 * the retransmission), retransmit the lost segment. */
	c->recover = c->snd_max;
	c->flags |= TF_IN_RECOVERY;
	c->flags &= ~TF_PARTIAL_SEEN;
	tcp_st(c)->fast_retransmits++;
	tcp_conn_cc_hook(c, TCP_CONN_CC_LOSS, NULL);
	tcp_sb_mark_head_lost(&c->sb); /* Linux tcp_mark_head_lost: for the counters */
	tcp_retransmit_first(c);
}

static void dup_ack(struct tcp_sock *c)
{
	tcp_st(c)->dupacks_received++;
	if (++c->dupacks == 1)
		c->lt_bytes = 0; /* a new run of duplicate ACKs */
	if (c->flags & TF_IN_RECOVERY) {
		/* RFC 5681 §3.2 step 4: window inflation (RFC 6582 keeps it). */
		tcp_conn_cc_hook(c, TCP_CONN_CC_DUPACK, NULL);
		return;
	}
	if (c->dupacks != c->cfg->dupack_threshold)
		return; /* below: limited transmit (output.c); above: nothing new */
	/* RFC 6582 §3.2 step 2: NewReno enters fast retransmit only when the ACK covers
	 * more than "recover" (no second reduction for losses of one window). Reno
	 * (RFC 5681) has no such check. */
	if (c->rec == TCP_RECOVERY_NEWRENO && seq_lt(c->snd_una, c->recover))
		return;
	enter_recovery(c);
}

/* New data acknowledged during fast recovery (RFC 6582 §3.2 step 3; for Reno, RFC
 * 5681 §3.2 step 6). Returns whether the retransmission timer is to be restarted. */
static bool recovery_ack(struct tcp_sock *c, uint32_t ack, const struct tcp_cc_ack *a)
{
	if (c->rec == TCP_RECOVERY_RENO || seq_geq(ack, c->recover)) {
		/* Full acknowledgment: recovery ends; the algorithm deflates the window. */
		c->flags &= ~(TF_IN_RECOVERY | TF_PARTIAL_SEEN);
		c->dupacks = 0;
		tcp_conn_cc_hook(c, TCP_CONN_CC_RECOVERY_EXIT, NULL);
		return true;
	}
	/* Partial acknowledgment: retransmit the first unacknowledged segment, deflate
	 * by the amount acknowledged, stay in recovery. The timer is reset on the
	 * first partial ACK only (step 3, "Impatient") or on each (Appendix A,
	 * "Slow-but-Steady"). */
	tcp_sb_mark_head_lost(&c->sb);
	tcp_retransmit_first(c);
	tcp_conn_cc_hook(c, TCP_CONN_CC_PARTIAL_ACK, a);
	bool restart = !(c->flags & TF_PARTIAL_SEEN) ||
		       c->cfg->partial_ack_timer != TCP_PARTIAL_ACK_IMPATIENT;
	c->flags |= TF_PARTIAL_SEEN;
	return restart;
}

/* ---- SACK-based recovery: RFC 6675 §5 ---- */

static void enter_sack_recovery(struct tcp_sock *c)
{
	/* (4.1) RecoveryPoint = HighData ("recover" is one past it). */
	c->recover = c->snd_max;
	c->flags |= TF_IN_RECOVERY;
	c->flags &= ~(TF_PARTIAL_SEEN | TF_RESCUE_SET);
	tcp_st(c)->fast_retransmits++;
	/* (4.2) ssthresh = cwnd = FlightSize / 2, without what limited transmit sent
	 * (conn.c sets cwnd = ssthresh for RFC 6675). */
	tcp_conn_cc_hook(c, TCP_CONN_CC_LOSS, NULL);
	/* (4.3) retransmit the segment starting at HighACK + 1; HighRxt and RescueRxt
	 * become its last sequence number. It is lost whether or not IsLost() said so
	 * (it may have been the third duplicate ACK), as Linux marks the head. */
	tcp_sb_reset_hint(&c->sb);
	tcp_sb_mark_head_lost(&c->sb);
	if (c->sb.head == c->sb.tail)
		return;
	c->rescue_rxt = tcp_sb_at(&c->sb, c->sb.head)->end;
	c->flags |= TF_RESCUE_SET;
	tcp_retransmit_seg(c, c->sb.head, false);
	/* (4.4) SetPipe and (4.5) step (C): tcp_output, after this ACK. */
}

bool tcp_recovery_rescue_ok(const struct tcp_sock *c)
{
	/* NextSeg rule 4: "If HighACK is greater than RescueRxt (or RescueRxt is
	 * undefined)"; HighACK = snd_una − 1, RescueRxt = rescue_rxt − 1. The rescue
	 * guards the end of the window that was outstanding at the loss against a tail
	 * loss nothing would reveal; read literally it would also resend new data sent
	 * a moment ago by rule 2. Here it applies only while this recovery has sent no
	 * new data (snd.max = RecoveryPoint): new data draws ACKs whose SACKs reveal
	 * any loss at the tail (rules 1 and 3). */
	if (seq_gt(c->snd_max, c->recover))
		return false;
	return !(c->flags & TF_RESCUE_SET) || seq_gt(c->snd_una, c->rescue_rxt);
}

void tcp_recovery_rescued(struct tcp_sock *c)
{
	/* Rule 4: "RescueRxt set to RecoveryPoint": one rescue per recovery. */
	c->rescue_rxt = c->recover;
	c->flags |= TF_RESCUE_SET;
}

static bool sack_new_ack(struct tcp_sock *c, uint32_t ack, struct tcp_cc_ack *a, bool *traced)
{
	/* §5: "If the incoming ACK is a cumulative acknowledgment, the TCP MUST reset
	 * DupAcks to zero." */
	c->dupacks = 0;
	if ((c->flags & TF_LOSS) && seq_geq(ack, c->recover))
		c->flags &= ~TF_LOSS; /* every segment lost to the timeout is through */
	if (c->flags & TF_IN_RECOVERY) {
		if (seq_geq(ack, c->recover)) {
			/* (A) a cumulative ACK beyond RecoveryPoint ends recovery. */
			c->flags &= ~(TF_IN_RECOVERY | TF_PARTIAL_SEEN);
			*traced = tcp_conn_cc_hook(c, TCP_CONN_CC_RECOVERY_EXIT, NULL);
			return true;
		}
		/* (B) Update() and SetPipe() (the scoreboard keeps both current); the
		 * window stays. RFC 6298 (5.3): the timer restarts on new data acked. */
		*traced = tcp_conn_cc_hook(c, TCP_CONN_CC_SACK_RECOVERY, a);
		return true;
	}
	a->cwnd_limited = cwnd_limited(c);
	*traced = tcp_conn_cc_hook(c, TCP_CONN_CC_ACK, a);
	return true;
}

bool tcp_recovery_new_ack(struct tcp_sock *c, uint32_t ack, struct tcp_cc_ack *a, bool *traced)
{
	if (tcp_sack_recovery(c))
		return sack_new_ack(c, ack, a, traced);
	if (c->flags & TF_IN_RECOVERY) {
		*traced = true;
		return recovery_ack(c, ack, a);
	}
	c->dupacks = 0;
	a->cwnd_limited = cwnd_limited(c);
	*traced = tcp_conn_cc_hook(c, TCP_CONN_CC_ACK, a);
	return true;
}

void tcp_recovery_dupack(struct tcp_sock *c, bool acked, bool dup, bool new_sack)
{
	if (!tcp_sack_recovery(c)) {
		if (!acked && dup)
			dup_ack(c);
		return;
	}
	if (dup)
		tcp_st(c)->dupacks_received++;
	/* RFC 6675 §5: a duplicate ACK (new SACK information, "regardless of its
	 * status as a cumulative acknowledgment") outside loss recovery. */
	if (!new_sack || (c->flags & (TF_IN_RECOVERY | TF_LOSS)))
		return;
	if (++c->dupacks == 1)
		c->lt_bytes = 0;
	/* No new recovery before the last RecoveryPoint is acknowledged (RFC 6675
	 * §5.1 after a timeout; one reduction per window of losses). */
	if (seq_lt(c->snd_una, c->recover))
		return;
	/* (1) DupAcks >= DupThresh, or (2) IsLost(HighACK + 1): enter recovery (4).
	 * Otherwise (3): limited transmit, governed by cwnd − pipe (output.c). */
	if (c->dupacks >= c->cfg->dupack_threshold || tcp_sb_head_lost(&c->sb))
		enter_sack_recovery(c);
}

/* ---- timeouts and path MTU ---- */

void tcp_recovery_timeout(struct tcp_sock *c)
{
	/* RFC 6582 §3.2 step 4 / RFC 6675 §5.1: after a timeout, recover (RecoveryPoint)
	 * = the highest sequence number sent, and fast recovery (if any) ends; no new
	 * one begins until it is acknowledged. */
	c->recover = c->snd_max;
	c->flags &= ~(TF_IN_RECOVERY | TF_PARTIAL_SEEN | TF_TIMING);
	c->dupacks = 0;
	if (!tcp_sack_recovery(c)) {
		/* RFC 6298 (5.4)–(5.6): retransmit the earliest unacknowledged segment;
		 * go-back-N from snd_una afterwards, as cwnd allows. */
		tcp_sb_timeout(&c->sb, false);
		c->snd_nxt = c->snd_una;
		tcp_retransmit_first(c);
		return;
	}
	/* RFC 6675 §5.1: the scoreboard is kept and SACKed data is not resent; every
	 * other segment is lost (Linux tcp_timeout_mark_lost). RFC 2018 §8: unless the
	 * first outstanding segment is SACKed — the receiver dropped data it had
	 * SACKed, so every SACK mark goes (Linux tcp_enter_loss, is_reneg). */
	bool reneged = c->sb.head < c->sb.tail &&
		       (tcp_sb_at(&c->sb, c->sb.head)->flags & TCP_SB_SACKED);
	if (reneged)
		tcp_st(c)->sack_reneging++;
	tcp_sb_timeout(&c->sb, reneged);
	c->flags |= TF_LOSS;
	if (c->sb.head < c->sb.tail)
		tcp_retransmit_seg(c, c->sb.head, false);
	else
		tcp_retransmit_first(c); /* nothing in the queue: a FIN or probe state */
}

void tcp_recovery_pmtu(struct tcp_sock *c)
{
	c->flags &= ~TF_TIMING;
	if (tcp_lx(c)) {
		tcp_lx_pmtu(c);
		tcp_output(c);
		return;
	}
	if (!tcp_sack_recovery(c)) {
		/* Linux tcp_simple_retransmit: resend everything outstanding at the new
		 * size (go-back-N from snd_una). */
		tcp_sb_timeout(&c->sb, false);
		c->snd_nxt = c->snd_una;
		tcp_output(c);
		if (c->snd_nxt == c->snd_una)
			tcp_retransmit_first(c);
		return;
	}
	/* The same from the scoreboard: every unSACKed segment is resent (in pieces of
	 * the new MSS), without a window reduction — a smaller MTU is not congestion
	 * (RFC 1191 §6.4; Linux tcp_simple_retransmit enters Loss without one). */
	tcp_sb_timeout(&c->sb, false);
	if (!(c->flags & TF_IN_RECOVERY)) {
		c->recover = c->snd_max;
		c->flags |= TF_LOSS;
	}
	tcp_output(c);
}
