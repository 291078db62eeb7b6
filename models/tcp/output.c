/* models/tcp/output.c — what TCP sends and when.
 *
 * Called after every input segment (input.c), every application write/read/close
 * (socket.c) and every timer (timer.c). Decides segmentation (the effective MSS),
 * obeys the send window min(cwnd, peer's window) (RFC 5681 §3.1, RFC 9293 §3.8.6),
 * Nagle (RFC 896, RFC 9293 §3.7.4), sender SWS avoidance (RFC 9293 §3.8.6.2.1),
 * and builds each segment into one pool packet by one copy out of the send ring,
 * with the window rcvwnd.c chooses; it tells ack.c of every ACK and data sent. During
 * SACK-based recovery (RFC 6675 §5 (C)) the scoreboard's NextSeg() decides between
 * retransmissions and new data, and cwnd is measured against pipe. Options come
 * from segopts.c; every segment sent is recorded in the scoreboard.
 */
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

/* Builds one segment and hands it to the lower edge. Payload bytes come from the
 * send ring at `seq`. An ACK acknowledges `ack`: rcv_nxt, except DCTCP's ACK of
 * earlier data (tcp_send_ack_at), which leaves the delayed-ACK state alone. */
static void xmit_ack(struct tcp_sock *c, uint32_t seq, uint32_t len, uint8_t flags, uint32_t ack)
{
	struct tcp_stack *st = c->stack;
	struct sim *sim = st->sim;
	struct tcp_repr r;
	memset(&r, 0, sizeof(r));
	r.src_port = c->t.lport;
	r.dst_port = c->t.rport;
	r.seq = seq;
	r.flags = flags;
	if (flags & TCP_FLAG_ACK)
		r.ack = ack;
	uint8_t tos = c->opt.tos;
	if ((flags & TCP_FLAG_SYN) || tcp_ecn_on(&c->ecn))
		tcp_ecn_xmit(c, &r, seq, len, &tos); /* ECE, CWR and ECT (ecn.c) */
	if (flags & TCP_FLAG_SYN) {
		/* RFC 9293 §3.7.1: MSS option on SYNs. RFC 7323 §2.2: the window of a SYN
		 * is never scaled; the scale option goes on our SYN when enabled, and on
		 * a SYN-ACK only when the peer's SYN carried it. */
		r.has_mss = true;
		r.mss = c->adv_mss;
		bool offer = (flags & TCP_FLAG_ACK) ? (c->flags & TF_WS_OK) != 0
						    : c->cfg->window_scaling;
		if (offer) {
			r.has_wscale = true;
			r.wscale = c->rcv_wscale;
		}
		r.window = tcp_rcvwnd_syn_field(c);
		if (flags & TCP_FLAG_ACK)
			c->rcv_adv = c->rcv_nxt + c->rcv_wnd;
		tcp_opts_syn(c, &r);
	} else {
		r.window = tcp_rcvwnd_select(c);
		if (c->flags & (TF_TS_OK | TF_SACK_OK))
			tcp_opts_established(c, &r, !(flags & TCP_FLAG_RST));
	}
	uint32_t hl = tcp_seg_hdr_len(&r);
	struct sim_packet *pkt = sim_packet_new(sim, SIM_PACKET_HEADROOM, len);
	/* One pass over the payload: copied out of the send ring and summed for the
	 * checksum at once; the header is summed when written. */
	uint32_t psum = 0;
	if (len)
		psum = tcp_sndbuf_fill(&c->sndbuf, seq - c->snd_buf_seq, len, pkt);
	uint8_t *h = sim_packet_push(pkt, hl);
	tcp_seg_write(h, &r);
	tcp_seg_set_csum_partial(pkt->data, hl, pkt->len, psum, c->t.laddr, c->t.raddr);
	if ((flags & TCP_FLAG_ACK) && ack == c->rcv_nxt) {
		/* Every segment with ACK acknowledges everything received so far: no ACK
		 * is owed any more (RFC 1122 §4.2.3.2, piggybacking). */
		c->rcv_wup = c->rcv_nxt;
		tcp_ack_sent(c);
		c->flags &= ~TF_ACK_NOW;
		sim_timer_cancel(sim, &c->t_delack);
	}
	if (len > 0)
		tcp_ack_data_sent(c);
	tcp_st(c)->segs_sent++;
	st->stats.segs_sent++;
	if (flags & TCP_FLAG_RST)
		st->stats.rst_sent++;
	int rc = st->lower.output(st->lower.ctx, pkt, c->t.laddr, c->t.raddr,
				  (uint8_t)c->cfg->ttl, tos, c->cfg->pmtud);
	/* A refused segment is lost as on a wire. -EMSGSIZE heals: the path MTU shrank
	 * and the retransmission is built for the new one. Any other refusal would meet
	 * the retransmission too; rtx_fire() fails the connection with it. */
	c->xmit_error = rc == -EMSGSIZE ? 0 : rc;
}

static void xmit(struct tcp_sock *c, uint32_t seq, uint32_t len, uint8_t flags)
{
	xmit_ack(c, seq, len, flags, c->rcv_nxt);
}

/* What kind of segment send_segment() sends. */
enum xmit_kind {
	XMIT_DATA,   /* new data, or a retransmission */
	XMIT_PROBE,  /* a zero-window probe: no RTT timing, no retransmission timer */
	XMIT_RESCUE, /* RFC 6675 NextSeg rule 4, or a tail loss probe resending a
		      * segment: neither HighRxt nor pipe moves */
};

/* Sends sequence space [seq, seq + len (+FIN)) with ACK and the given extra flags;
 * bookkeeping for statistics, traces, snd_max, the scoreboard, RTT timing and the
 * timer. Returns false when the local queue refused it (nothing was sent). */
static bool send_segment(struct tcp_sock *c, uint32_t seq, uint32_t len, uint8_t extra,
			 enum xmit_kind kind)
{
	struct tcp_stats *s = tcp_st(c);
	if (c->stack->local_drop)
		return false; /* refused by the local queue: not sent (Linux NET_XMIT_DROP) */
	uint32_t end = seq + len + ((extra & TCP_FLAG_FIN) ? 1u : 0u);
	bool retx = seq_lt(seq, c->snd_max);
	uint32_t old = 0;
	if (retx) {
		uint32_t below = c->snd_max - seq;
		old = below < len ? below : len;
		s->segs_retransmitted++;
		s->bytes_retransmitted += old;
		/* Karn (RFC 6298 §3): a retransmission makes the running measurement
		 * ambiguous; stop it. */
		c->flags &= ~TF_TIMING;
	}
	s->bytes_sent += len - old;
	if (c->trace)
		tcp_trace_seq(c, retx ? "retransmit" : "send", seq, end, 0);
	/* recovery linux: whether this leaves an idle connection (Linux
	 * tcp_event_data_sent), and what was out before. */
	bool lx = tcp_lx(c);
	bool idle = lx && tcp_lx_in_flight(c) == 0;
	uint32_t prior_packets = tcp_sb_packets_out(&c->sb);
	xmit(c, seq, len, (uint8_t)(TCP_FLAG_ACK | extra));
	tcp_sb_sent(&c->sb, seq, end, (extra & TCP_FLAG_FIN) != 0, kind == XMIT_RESCUE,
		    sim_now(tcp_sim(c)));
	if (seq_gt(end, c->snd_max))
		c->snd_max = end;
	if (len > 0 && len < c->mss)
		c->snd_sml = seq + len; /* Nagle (Minshall): the last small segment */
	if (lx) {
		/* Linux times every segment from the scoreboard and arms its timers in
		 * output_linux.c. */
		static const enum tcp_lx_sent sent[] = { [XMIT_DATA] = TCP_LX_SENT_NEW,
							 [XMIT_PROBE] = TCP_LX_SENT_WINDOW_PROBE,
							 [XMIT_RESCUE] = TCP_LX_SENT_PROBE };
		enum tcp_lx_sent k = sent[kind];
		if (k == TCP_LX_SENT_NEW && retx)
			k = TCP_LX_SENT_RETRANS;
		tcp_lx_data_sent(c, k, idle, prior_packets);
		return true;
	}
	if (kind == XMIT_PROBE)
		return true;
	/* RFC 6298 §3 / Karn: time one segment carrying new data at a time. */
	if (!retx && !(c->flags & TF_TIMING) && end != seq) {
		c->flags |= TF_TIMING;
		c->rtt_seq = seq;
		c->rtt_time = sim_now(tcp_sim(c));
	}
	/* RFC 6298 (5.1): start the timer when data is sent and it is not running. */
	if (!sim_timer_pending(tcp_sim(c), &c->t_rtx))
		tcp_timer_rtx_arm(c);
	return true;
}

/* Nagle (RFC 896, RFC 9293 §3.7.4): hold a small segment while data is
 * unacknowledged. Linux's variant (Minshall) holds only while a previous small
 * segment is unacknowledged (at most one small segment unacknowledged; Linux
 * tcp_output.c tcp_nagle_check() / tcp_minshall_check()); the rfc profile uses the
 * classic rule. */
static bool nagle_holds(const struct tcp_sock *c)
{
	if (c->opt.nodelay || (c->flags & TF_FIN_QUEUED))
		return false; /* TCP_NODELAY; and closing pushes everything (Linux) */
	if (c->cfg->nagle_minshall)
		return seq_gt(c->snd_sml, c->snd_una);
	return c->snd_max != c->snd_una;
}

/* TCP_CORK, or a MSG_MORE send in progress: a partial segment waits for more data
 * (Linux TCP_NAGLE_CORK), unless TCP_NODELAY was just set (TCP_NAGLE_PUSH) or the
 * connection is closing. */
static bool cork_holds(const struct tcp_sock *c)
{
	if (c->flags & (TF_PUSH_ONCE | TF_FIN_QUEUED))
		return false;
	return c->opt.cork || (c->flags & TF_MORE);
}

static bool data_state(enum tcp_state s)
{
	return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT || s == TCP_FIN_WAIT_1 ||
	       s == TCP_CLOSING || s == TCP_LAST_ACK;
}

/* Bytes from snd_nxt to the end of the buffered data. */
static uint32_t unsent_bytes(const struct tcp_sock *c)
{
	int32_t off = seq_diff(c->snd_nxt, c->snd_buf_seq);
	if (off < 0)
		off = 0;
	return (uint32_t)off < c->sndbuf.len ? c->sndbuf.len - (uint32_t)off : 0;
}

static bool fin_unsent(const struct tcp_sock *c)
{
	return (c->flags & TF_FIN_QUEUED) && seq_leq(c->snd_nxt, c->fin_seq);
}

/* RFC 3042 limited transmit: on each of the first two duplicate ACKs one new
 * segment may go out beyond cwnd (FlightSize <= cwnd + 2·SMSS). */
static uint32_t limited_transmit_allowance(const struct tcp_sock *c)
{
	/* (Under RFC 6675 pipe does this: SACKed segments leave it.) */
	if (!c->cfg->limited_transmit || (c->flags & TF_IN_RECOVERY) || c->dupacks == 0 ||
	    tcp_sack_recovery(c) ||
	    c->dupacks >= c->cfg->dupack_threshold || c->snd_nxt != c->snd_max)
		return 0;
	uint32_t n = c->dupacks < 2 ? c->dupacks : 2;
	return n * c->mss;
}

/* Linux tcp_cwnd_validate: remember per window whether the sender used its cwnd,
 * for the cwnd_limited input of the congestion-control hooks (RFC 7661 §4.2). */
static void track_cwnd_use(struct tcp_sock *c, bool stopped_by_cwnd)
{
	uint32_t flight = tcp_flight(c);
	bool lim = stopped_by_cwnd || (uint64_t)flight + c->mss > c->cc.cwnd;
	if (seq_geq(c->snd_una, c->cwnd_lim_seq) || lim ||
	    (!(c->flags & TF_CWND_LIMITED) && flight > c->max_flight)) {
		if (lim)
			c->flags |= TF_CWND_LIMITED;
		else
			c->flags &= ~TF_CWND_LIMITED;
		c->max_flight = flight;
		c->cwnd_lim_seq = c->snd_nxt;
	}
}

/* The room cwnd leaves: cwnd − FlightSize (RFC 5681, with limited transmit's
 * allowance), or under RFC 6675 cwnd − pipe — in recovery and after a timeout (§5
 * (C)), and before recovery as its limited transmit when that is on (§5 step (3)). */
static int64_t cwnd_room(const struct tcp_sock *c, uint32_t flight)
{
	/* recovery linux: cwnd counts packets against Linux's packets in flight; a
	 * segment may go while one packet's room is left (Linux tcp_cwnd_test). */
	if (tcp_lx(c))
		return c->cc.cwnd > tcp_lx_in_flight(c) ? INT64_MAX / 2 : 0;
	if (tcp_sack_recovery(c) &&
	    (c->cfg->limited_transmit || (c->flags & (TF_IN_RECOVERY | TF_LOSS))))
		return (int64_t)c->cc.cwnd - tcp_sb_pipe(&c->sb);
	return (int64_t)c->cc.cwnd + limited_transmit_allowance(c) - flight;
}

/* Tries to send one segment of new data (or the FIN) as the windows, sender SWS
 * avoidance and Nagle allow. Sets *cwnd_stop when cwnd alone held it back. */
static bool send_new_segment(struct tcp_sock *c, bool *cwnd_stop)
{
	uint32_t avail = unsent_bytes(c);
	bool fin = fin_unsent(c);
	if (avail == 0 && !fin)
		return false;
	uint32_t mss = tcp_current_mss(c);
	uint32_t flight = tcp_flight(c);
	int64_t wnd_room = (int64_t)c->snd_wnd - flight;
	int64_t cwnd_left = cwnd_room(c, flight);
	uint32_t len = avail < mss ? avail : mss;
	uint8_t extra = 0;
	if (len > 0) {
		int64_t room = wnd_room < cwnd_left ? wnd_room : cwnd_left;
		if ((int64_t)len > room) {
			/* Sender SWS avoidance (RFC 9293 §3.8.6.2.1): a partial segment
			 * only when the peer's window is what limits and it is at least
			 * half the largest it ever offered. Never split a segment to fit
			 * cwnd. */
			if (wnd_room > 0 && wnd_room <= cwnd_left &&
			    wnd_room >= (int64_t)(c->max_snd_wnd / 2)) {
				len = (uint32_t)wnd_room;
			} else {
				if (cwnd_left < (int64_t)len && wnd_room >= (int64_t)len)
					*cwnd_stop = true;
				/* Linux tcp_write_xmit: cwnd allowed it, the peer's
				 * window did not (tcp_snd_wnd_test). */
				if (cwnd_left >= (int64_t)len && wnd_room < (int64_t)len)
					c->chrono.rwnd_blocked = true;
				return false;
			}
		}
		/* Nagle applies to new data; a retransmission (go-back-N after an RTO
		 * or a PMTU change) is never held. */
		if (len < mss && len == avail && seq_geq(c->snd_nxt, c->snd_max) &&
		    (cork_holds(c) || nagle_holds(c)))
			return false;
		if (len == avail) {
			/* The end of what the application wrote, unless it said more
			 * follows (MSG_MORE: Linux tcp_push marks no PSH). */
			if (!(c->flags & TF_MORE_TAIL))
				extra |= TCP_FLAG_PSH;
			if (fin && wnd_room >= (int64_t)len + 1)
				extra |= TCP_FLAG_FIN;
		}
	} else {
		/* The FIN alone: it needs one sequence number of the peer's window (the
		 * receiver would drop it otherwise), not cwnd. */
		if (wnd_room < 1) {
			c->chrono.rwnd_blocked = true;
			return false;
		}
		extra = TCP_FLAG_FIN;
	}
	/* A segment that does not fit in cwnd goes out only through limited transmit's
	 * allowance: remember it, since FlightSize for the coming fast retransmit
	 * excludes it (RFC 5681 §3.2 step 2). Whole segments: cwnd, not a multiple of
	 * SMSS, never sends a partial one. */
	if (!send_segment(c, c->snd_nxt, len, extra, XMIT_DATA))
		return false;
	if ((uint64_t)flight + len > c->cc.cwnd)
		c->lt_bytes += len;
	c->snd_nxt += len + ((extra & TCP_FLAG_FIN) ? 1u : 0u);
	return true;
}

/* RFC 6675 §5 (C), one round: "If cwnd - pipe >= 1 SMSS", NextSeg() says what to
 * send — a lost segment (rule 1), new data (rule 2), an unSACKed one below the
 * highest SACK (rule 3, in recovery), the rescue retransmission (rule 4, once per
 * recovery). After a timeout (TF_LOSS) only rules 1 and 2 apply: the lost segments
 * in order, then new data. Returns true when it sent something. */
static bool sack_recovery_step(struct tcp_sock *c, bool *cwnd_stop)
{
	if ((int64_t)c->cc.cwnd - (int64_t)tcp_sb_pipe(&c->sb) < (int64_t)c->mss) {
		*cwnd_stop = true;
		return false;
	}
	bool recovery = (c->flags & TF_IN_RECOVERY) != 0;
	bool rescue = recovery && tcp_recovery_rescue_ok(c);
	bool new_data = unsent_bytes(c) > 0 || fin_unsent(c);
	uint64_t id = 0;
	enum tcp_sb_rule rule = tcp_sb_next_seg(&c->sb, new_data, recovery, rescue, &id);
	if (rule == TCP_SB_RULE2) {
		if (send_new_segment(c, cwnd_stop))
			return true;
		/* The receiver's window, Nagle or SWS avoidance held the new data back:
		 * rules 3 and 4 then. */
		rule = tcp_sb_next_seg(&c->sb, false, recovery, rescue, &id);
	}
	switch (rule) {
	case TCP_SB_RULE1:
	case TCP_SB_RULE3:
		/* (C.2): HighRxt moves, (C.4) pipe grows */
		return tcp_retransmit_seg(c, id, false);
	case TCP_SB_RULE4:
		if (!tcp_retransmit_seg(c, id, true))
			return false;
		tcp_recovery_rescued(c);
		return true;
	default:
		return false;
	}
}

/* recovery linux (Linux tcp_xmit_recovery, then tcp_write_xmit): what the last ACK
 * asked for first — the segments marked lost, or for F-RTO new data instead — then
 * new data as cwnd allows; window validation; a tail loss probe after new data. */
static bool output_linux(struct tcp_sock *c, bool *validate)
{
	bool sent = false, cwnd_stop = false;
	uint8_t rexmit = c->lx.rexmit;
	c->lx.rexmit = TCP_LX_REXMIT_NONE;
	if (rexmit == TCP_LX_REXMIT_NEW) {
		/* RFC 5682 step 2b: new data, Nagle off; retransmit only if none went. */
		c->flags |= TF_PUSH_ONCE;
		while (send_new_segment(c, &cwnd_stop))
			sent = true;
		c->flags &= ~TF_PUSH_ONCE;
		if (!seq_gt(c->snd_nxt, c->lx.high_seq)) {
			c->lx.frto = false;
			rexmit = TCP_LX_REXMIT_LOST;
		}
	}
	if (rexmit == TCP_LX_REXMIT_LOST)
		tcp_lx_retransmit_lost(c);
	bool sent_new = false;
	while (send_new_segment(c, &cwnd_stop))
		sent_new = true;
	bool limited = c->cc.cwnd <= tcp_lx_in_flight(c);
	*validate = sent || sent_new || limited;
	if (*validate)
		tcp_lx_cwnd_validate(c, limited);
	if (sent || sent_new)
		tcp_tlp_schedule(c, false);
	return sent || sent_new;
}

static bool output_data(struct tcp_sock *c)
{
	bool sent = false;
	bool cwnd_stop = false;
	bool sack_driven = tcp_sack_recovery(c) && (c->flags & (TF_IN_RECOVERY | TF_LOSS));
	c->chrono.rwnd_blocked = false;
	bool validate, cwnd_limited;
	if (tcp_lx(c)) {
		sent = output_linux(c, &validate);
		cwnd_limited = tcp_lx_is_cwnd_limited(c);
	} else {
		while (sack_driven ? sack_recovery_step(c, &cwnd_stop)
				   : send_new_segment(c, &cwnd_stop))
			sent = true;
		track_cwnd_use(c, cwnd_stop);
		validate = sent || cwnd_stop;
		cwnd_limited = (c->flags & TF_CWND_LIMITED) != 0;
	}
	tcp_chrono_after_xmit(c, validate, cwnd_limited);
	struct sim *sim = tcp_sim(c);
	if (sent) {
		sim_timer_cancel(sim, &c->t_persist);
		c->persist_backoff = 0;
	} else if ((unsent_bytes(c) > 0 || fin_unsent(c)) && c->snd_max == c->snd_una &&
		   !sim_timer_pending(sim, &c->t_rtx) && !sim_timer_pending(sim, &c->t_persist)) {
		/* RFC 9293 §3.8.6.1: data waits, nothing is in flight and the window
		 * does not allow sending: probe it on the persist timer. */
		tcp_timer_persist_arm(c);
	}
	return sent;
}

void tcp_output(struct tcp_sock *c)
{
	if (data_state(c->state))
		output_data(c);
	if ((c->flags & TF_ACK_NOW) && c->state != TCP_CLOSED && c->state != TCP_LISTEN &&
	    c->state != TCP_SYN_SENT)
		tcp_send_ack(c);
}

void tcp_send_ack(struct tcp_sock *c)
{
	xmit(c, c->snd_nxt, 0, TCP_FLAG_ACK);
}

void tcp_send_ack_at(struct tcp_sock *c, uint32_t ack)
{
	xmit_ack(c, c->snd_nxt, 0, TCP_FLAG_ACK, ack);
}

void tcp_send_syn(struct tcp_sock *c, bool retx)
{
	uint8_t flags = c->state == TCP_SYN_RECEIVED ? TCP_FLAG_SYN | TCP_FLAG_ACK : TCP_FLAG_SYN;
	if (retx) {
		tcp_st(c)->segs_retransmitted++;
		c->flags |= TF_SYN_RETX;
		c->flags &= ~TF_TIMING; /* Karn */
	} else {
		c->flags |= TF_TIMING;
		c->rtt_seq = c->iss;
		c->rtt_time = sim_now(tcp_sim(c));
	}
	if (c->trace)
		tcp_trace_seq(c, retx ? "retransmit" : "send", c->iss, c->iss + 1, 0);
	xmit(c, c->iss, 0, flags);
	if (seq_lt(c->snd_max, c->iss + 1))
		c->snd_max = c->iss + 1;
	c->snd_nxt = c->iss + 1;
}

void tcp_send_rst(struct tcp_sock *c)
{
	/* RFC 9293 §3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>; with ACK and the window as
	 * Linux's tcp_send_active_reset writes it (tests/vectors, exchange 4). */
	xmit(c, c->snd_nxt, 0, TCP_FLAG_RST | TCP_FLAG_ACK);
}

void tcp_send_rst_reply(struct tcp_stack *st, const struct tcp_repr *seg, ipv4_addr_t src,
			ipv4_addr_t dst)
{
	/* RFC 9293 §3.10.7.1: never a RST in reply to a RST. If the segment has an ACK,
	 * <SEQ=SEG.ACK><CTL=RST>; else <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
	if (seg->flags & TCP_FLAG_RST)
		return;
	struct tcp_repr r;
	memset(&r, 0, sizeof(r));
	r.src_port = seg->dst_port;
	r.dst_port = seg->src_port;
	if (seg->flags & TCP_FLAG_ACK) {
		r.seq = seg->ack;
		r.flags = TCP_FLAG_RST;
	} else {
		r.seq = 0;
		r.ack = seg->seq + tcp_repr_seg_len(seg);
		r.flags = TCP_FLAG_RST | TCP_FLAG_ACK;
	}
	struct sim_packet *pkt = sim_packet_new(st->sim, SIM_PACKET_HEADROOM, 0);
	uint8_t *h = sim_packet_push(pkt, TCP_HDR_MIN);
	tcp_seg_write(h, &r);
	tcp_seg_set_csum(pkt->data, pkt->len, dst, src);
	st->stats.segs_sent++;
	st->stats.rst_sent++;
	st->lower.output(st->lower.ctx, pkt, dst, src, (uint8_t)st->cfg.ttl, 0, st->cfg.pmtud);
}

void tcp_retransmit_first(struct tcp_sock *c)
{
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED) {
		tcp_send_syn(c, true);
		return;
	}
	/* Previously sent data from snd_una, one MSS at most, with the FIN if it was
	 * sent and directly follows. */
	uint32_t data_end = c->snd_buf_seq + c->sndbuf.len;
	uint32_t sent_end = seq_min(c->snd_max, data_end);
	int32_t out = seq_diff(sent_end, c->snd_una);
	uint32_t len = out > 0 ? (uint32_t)out : 0;
	if (len > c->mss)
		len = c->mss;
	uint8_t extra = 0;
	if ((c->flags & TF_FIN_QUEUED) && seq_lt(c->fin_seq, c->snd_max) &&
	    c->snd_una + len == c->fin_seq)
		extra |= TCP_FLAG_FIN;
	if (len == 0 && !extra)
		return;
	if (len > 0 && c->snd_una + len == data_end)
		extra |= TCP_FLAG_PSH;
	if (!send_segment(c, c->snd_una, len, extra, XMIT_DATA))
		return;
	uint32_t end = c->snd_una + len + ((extra & TCP_FLAG_FIN) ? 1u : 0u);
	if (seq_lt(c->snd_nxt, end))
		c->snd_nxt = end;
}

bool tcp_retransmit_seg(struct tcp_sock *c, uint64_t id, bool rescue)
{
	/* The segment as it was first sent, in pieces of the current MSS when that is
	 * smaller now (Linux tcp_retransmit_skb fragments: a lower path MTU, or SACK
	 * blocks this segment also carries). */
	const struct tcp_sb_seg *e = tcp_sb_at(&c->sb, id);
	bool fin = (e->flags & TCP_SB_FIN) != 0;
	uint32_t start = e->seq, seq = start;
	uint32_t data_end = e->end - (fin ? 1u : 0u);
	uint32_t buf_end = c->snd_buf_seq + c->sndbuf.len;
	uint32_t mss = tcp_current_mss(c);
	do {
		uint32_t len = data_end - seq < mss ? data_end - seq : mss;
		uint8_t extra = 0;
		if (seq + len == data_end) {
			if (fin)
				extra |= TCP_FLAG_FIN;
			if (len > 0 && data_end == buf_end)
				extra |= TCP_FLAG_PSH;
		}
		if (!send_segment(c, seq, len, extra, rescue ? XMIT_RESCUE : XMIT_DATA))
			return seq != start; /* the local queue refused it */
		seq += len;
	} while (seq != data_end);
	return true;
}

bool tcp_output_probe_new(struct tcp_sock *c)
{
	uint32_t avail = unsent_bytes(c);
	bool fin = fin_unsent(c);
	uint32_t mss = tcp_current_mss(c);
	uint32_t len = avail < mss ? avail : mss;
	int64_t wnd_room = (int64_t)c->snd_wnd - tcp_flight(c);
	if ((avail == 0 && !fin) || wnd_room < (int64_t)(len ? len : 1))
		return false;
	uint8_t extra = 0;
	if (len == avail) {
		if (!(c->flags & TF_MORE_TAIL) && len > 0)
			extra |= TCP_FLAG_PSH;
		if (fin && wnd_room >= (int64_t)len + 1)
			extra |= TCP_FLAG_FIN;
	}
	if (!send_segment(c, c->snd_nxt, len, extra, XMIT_DATA))
		return false;
	c->snd_nxt += len + ((extra & TCP_FLAG_FIN) ? 1u : 0u);
	return true;
}

bool tcp_retransmit_probe(struct tcp_sock *c, uint64_t id)
{
	return tcp_retransmit_seg(c, id, true);
}

bool tcp_send_window_probe(struct tcp_sock *c)
{
	uint32_t flight = tcp_flight(c);
	int64_t wnd_room = (int64_t)c->snd_wnd - flight;
	uint32_t avail = unsent_bytes(c);
	if (wnd_room > 0 && (avail > 0 || fin_unsent(c))) {
		/* The window is open but too small for sender SWS avoidance: RFC 9293
		 * §3.8.6.2.1's override timeout sends what fits. */
		uint32_t len = avail < c->mss ? avail : c->mss;
		if ((int64_t)len > wnd_room)
			len = (uint32_t)wnd_room;
		uint8_t extra = len == avail ? TCP_FLAG_PSH : 0;
		if (len == avail && fin_unsent(c) && wnd_room > (int64_t)len)
			extra |= TCP_FLAG_FIN;
		if (len == 0)
			extra = TCP_FLAG_FIN;
		if (!send_segment(c, c->snd_nxt, len, extra, XMIT_DATA))
			return false;
		c->snd_nxt += len + ((extra & TCP_FLAG_FIN) ? 1u : 0u);
		return true;
	}
	if (avail == 0 && !fin_unsent(c))
		return true;
	if (c->stack->local_drop)
		return false;
	tcp_st(c)->zero_window_probes++;
	if (c->cfg->window_probe == TCP_WINDOW_PROBE_ACK) {
		/* Linux tcp_write_wakeup: nothing fits the window, so a segment the peer
		 * finds old (SEG.SEQ = SND.UNA - 1, no data) draws its ACK with the
		 * current window. */
		xmit(c, c->snd_una - 1, 0, TCP_FLAG_ACK);
		return true;
	}
	/* Zero window (RFC 9293 §3.8.6.1): one byte beyond the window, i.e. the next
	 * byte at snd_una, which the receiver drops while its window is closed and
	 * answers with an ACK carrying its current window. Wireshark labels it "TCP
	 * ZeroWindowProbe". snd_nxt stays; snd_max covers the byte so that an ACK for it
	 * is acceptable (BSD's persist mode). Only a FIN left: the FIN. */
	uint32_t len = avail > 0 ? 1 : 0;
	return send_segment(c, c->snd_una, len, len ? 0 : TCP_FLAG_FIN, XMIT_PROBE);
}

void tcp_send_keepalive(struct tcp_sock *c)
{
	/* RFC 1122 §4.2.3.6: a segment with SEG.SEQ = SND.NXT − 1 and no data (Linux
	 * tcp_write_wakeup's probe); the peer answers with an ACK. */
	tcp_st(c)->keepalive_probes++;
	xmit(c, c->snd_una - 1, 0, TCP_FLAG_ACK);
}
