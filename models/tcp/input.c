/* models/tcp/input.c — SEGMENT ARRIVES (RFC 9293 §3.10.7).
 *
 * stack.c demultiplexes a verified segment to one of three entry points here:
 * tcp_input_closed (no TCB, §3.10.7.1), tcp_input_listen (§3.10.7.2) and tcp_input
 * (SYN-SENT §3.10.7.3 and every other state §3.10.7.4). tcp_input reads as the RFC's
 * list — sequence number check, RST, security, SYN, ACK, URG, segment text, FIN —
 * with one helper per step, each a switch on the state where the state matters and
 * one commented arm per transition. The parsed header stays as it arrived (const);
 * trimming to the window works on a local view (struct seg_view), so a later step
 * that must see the received sequence number (RFC 5961's RST check) still can. State
 * changes and congestion-control calls go through conn.c (tcp_set_state,
 * tcp_conn_cc_hook), which write the trace rows.
 *
 * The ACK step hands the sender's loss detection and recovery to recovery.c, as
 * Linux's tcp_ack hands it to tcp_fastretrans_alert (models/tcp/cc.h explains the
 * division of labour with congestion control). Timestamps (RFC 7323) add PAWS before
 * the sequence check and TS.Recent after the ACK check (timestamp.c); a receiver
 * that negotiated SACK reports out-of-order and duplicate data (sackrcv.c).
 */
#include <errno.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

/* ---- helpers ---- */

static void set_eff_mss(struct tcp_sock *c)
{
	/* RFC 9293 §3.7.1: Eff.snd.MSS = min(SendMSS, MMS_S − 20) with MMS_S the
	 * path MTU − 20; a configured MSS caps it too. */
	uint32_t m = c->peer_mss;
	uint32_t path = c->mtu - 40;
	if (m > path)
		m = path;
	if (c->cfg->mss && m > c->cfg->mss)
		m = c->cfg->mss;
	if (c->opt.maxseg && m > c->opt.maxseg)
		m = c->opt.maxseg; /* TCP_MAXSEG: Linux clamps mss_clamp to user_mss */
	/* Linux tcp_sync_mss: the options every segment carries come out of it, after the
	 * clamps (the timestamps' 12 bytes: 1448 on a 1500-byte MTU); RFC 6691 §2. */
	m -= m > tcp_opts_ts_len(c) ? tcp_opts_ts_len(c) : 0;
	if (m < TCP_MSS_MIN)
		m = TCP_MSS_MIN;
	c->mss = m;
	tcp_st(c)->mss = m;
}

/* Options of a received SYN (RFC 9293 §3.7.1, RFC 7323 §2.2). */
static void take_syn_options(struct tcp_sock *c, const struct tcp_repr *seg)
{
	c->peer_mss = seg->has_mss && seg->mss > 0 ? seg->mss : TCP_MSS_DEFAULT;
	if (seg->has_wscale && c->cfg->window_scaling) {
		c->flags |= TF_WS_OK;
		/* RFC 7323 §2.3: a shift above 14 is used as 14 (and logged). */
		c->snd_wscale = seg->wscale > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : seg->wscale;
	} else {
		c->flags &= ~TF_WS_OK;
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
		/* Linux tcp_rcv_synsent_state_process: without scaling, no window above
		 * 65535. */
		if (c->rw.clamp > 65535)
			c->rw.clamp = 65535;
	}
	tcp_opts_take_syn(c, seg); /* SACK-permitted, timestamps */
	tcp_ecn_take_syn(c, seg);  /* ECN (RFC 3168 §6.1.1) */
	set_eff_mss(c);
}

/* RFC 7323 §4.1: with timestamps, the handshake's RTT is measured from TSecr even
 * when the SYN was retransmitted (Karn's ambiguity is gone). */
static void handshake_ts_rtt(struct tcp_sock *c, const struct tcp_repr *seg)
{
	if (!(c->flags & TF_TS_OK) || (c->flags & TF_TIMING) || !seg->has_timestamp ||
	    !seg->ts_ecr)
		return;
	struct tcp_sb_acked none = { 0 };
	sim_time_t rtt;
	if (tcp_ts_rtt(c, seg, &none, &rtt))
		tcp_conn_rtt_sample(c, rtt);
}

static bool fin_acked(const struct tcp_sock *c)
{
	return (c->flags & TF_FIN_QUEUED) && seq_gt(c->snd_una, c->fin_seq);
}

/* The segment as the steps after the first see it: RFC 9293's "idealized segment
 * that begins at RCV.NXT and does not exceed the window". The received header
 * (struct tcp_repr) stays as it arrived; these are its trimmed copies. */
struct seg_view {
	uint32_t seq;     /* sequence number of the first byte (or SYN/FIN) kept */
	uint32_t len;     /* payload bytes kept */
	uint8_t flags;    /* the received flags, less a SYN or FIN trimmed away */
	bool zero_window; /* accepted on a zero window for its ACK only: text dropped */
};

/* ---- §3.10.7.1: no TCB ---- */

void tcp_input_closed(struct tcp_stack *st, const struct tcp_repr *seg, ipv4_addr_t src,
		      ipv4_addr_t dst)
{
	/* "An incoming segment containing a RST is discarded. An incoming segment not
	 * containing a RST causes a RST to be sent in response." */
	tcp_send_rst_reply(st, seg, src, dst);
}

/* ---- §3.10.7.2: LISTEN ---- */

struct tcp_sock *tcp_input_listen_child(struct tcp_sock *l, const struct tcp_repr *seg,
					ipv4_addr_t src, ipv4_addr_t dst, uint32_t iss)
{
	struct tcp_stack *st = l->stack;
	struct tcp_sock *c = tcp_conn_alloc(st, l->cfg);
	c->opt = l->opt; /* the listener's socket options, as Linux's accept() inherits */
	c->t.laddr = dst;
	c->t.raddr = src;
	c->t.lport = seg->dst_port;
	c->t.rport = seg->src_port;
	c->flags |= TF_PASSIVE;
	if (tcp_conn_route(c) < 0) {
		/* No route back (a one-way test topology): RFC 9293's defaults. */
		c->mtu = 576;
		c->adv_mss = TCP_MSS_DEFAULT;
	}
	/* LISTEN → SYN-RECEIVED (the new connection): RCV.NXT = SEG.SEQ + 1, IRS =
	 * SEG.SEQ, ISS selected, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> sent (by the
	 * caller). Data in the SYN is not kept (no TCP Fast Open): the peer retransmits
	 * it. */
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->rcv_wup = c->rcv_nxt;
	take_syn_options(c, seg);
	tcp_rcvwnd_syn(c, (c->flags & TF_WS_OK) != 0);
	c->iss = iss;
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->recover = c->snd_sml = c->iss;
	c->snd_buf_seq = c->iss + 1;
	c->snd_wnd = seg->window; /* RFC 7323 §2.2: a SYN's window is not scaled */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = 0;
	c->last_rcv = sim_now(st->sim);
	tcp_rtt_init(&c->rtt, c->cfg->rto_syn_initial);
	tcp_listen_child_born(l, c);
	tcp_conn_hash_add(c);
	st->stats.conns_opened++;
	tcp_conn_cc_start(c);
	tcp_set_state(c, TCP_SYN_RECEIVED);
	return c;
}

void tcp_input_listen(struct tcp_sock *l, const struct tcp_repr *seg, ipv4_addr_t src,
		      ipv4_addr_t dst)
{
	struct tcp_stack *st = l->stack;
	/* First: a RST is ignored. */
	if (seg->flags & TCP_FLAG_RST)
		return;
	/* Second: an ACK in LISTEN is bad: <SEQ=SEG.ACK><CTL=RST>. (One carrying a valid
	 * SYN cookie made a connection before reaching here: listen.c.) */
	if (seg->flags & TCP_FLAG_ACK) {
		tcp_send_rst_reply(st, seg, src, dst);
		return;
	}
	/* Third: a SYN (its security check is not modelled); fourth: anything else is
	 * dropped. */
	if (!(seg->flags & TCP_FLAG_SYN))
		return;
	/* The listener's queues decide (listen.c, Linux tcp_conn_request()): a new
	 * connection, a cookie, or a drop the client recovers from by retrying. */
	switch (tcp_listen_admit(l)) {
	case TCP_SYN_DROP:
		st->stats.syn_dropped++;
		return;
	case TCP_SYN_COOKIE:
		tcp_listen_send_cookie(l, seg, src, dst);
		return;
	case TCP_SYN_QUEUE:
		break;
	}
	struct tcp_tuple t = {.laddr = dst, .raddr = src, .lport = seg->dst_port,
			      .rport = seg->src_port};
	uint32_t iss = (l->flags & TF_ISN_FIXED) ? l->isn_fixed : tcp_isn(st, &t);
	struct tcp_sock *c = tcp_input_listen_child(l, seg, src, dst, iss);
	tcp_send_syn(c, false);
	tcp_timer_rtx_arm(c);
}

/* ---- §3.10.7.3: SYN-SENT ---- */

static void input_syn_sent(struct tcp_sock *c, const struct tcp_repr *seg)
{
	bool ack = (seg->flags & TCP_FLAG_ACK) != 0;
	/* First: the ACK must acknowledge our SYN: ISS < SEG.ACK =< SND.NXT. */
	if (ack && (seq_leq(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_max))) {
		/* <SEQ=SEG.ACK><CTL=RST>, unless the segment is a RST itself. */
		if (!(seg->flags & TCP_FLAG_RST))
			tcp_send_rst_reply(c->stack, seg, c->t.raddr, c->t.laddr);
		return;
	}
	/* Second: RST. Acceptable only with an acceptable ACK (RFC 9293 §3.5.3; RFC
	 * 5961 §3 leaves SYN-SENT as it is). */
	if (seg->flags & TCP_FLAG_RST) {
		if (ack)
			tcp_conn_fail(c, -ECONNREFUSED); /* SYN-SENT → CLOSED: refused */
		return;
	}
	/* Third: security and compartment — not modelled (no IP security option).
	 * Fourth: SYN. */
	if (!(seg->flags & TCP_FLAG_SYN))
		return; /* fifth: neither SYN nor RST: drop */
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->rcv_wup = c->rcv_nxt;
	take_syn_options(c, seg);
	if (ack) {
		/* SYN-SENT → ESTABLISHED: our SYN is acknowledged. The window of a
		 * SYN-ACK is not scaled (RFC 7323 §2.2). */
		c->snd_una = seg->ack;
		c->snd_wnd = seg->window;
		c->max_snd_wnd = c->snd_wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		c->flags &= ~TF_CONNECTING;
		handshake_ts_rtt(c, seg);
		tcp_conn_established(c);
		c->flags |= TF_ACK_NOW; /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
		tcp_sock_wake(c, TCP_EV_WRITABLE);
		tcp_output(c);
		return;
	}
	/* SYN-SENT → SYN-RECEIVED: simultaneous open. <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>;
	 * our SYN's timer keeps running for the SYN-ACK. */
	c->snd_wnd = seg->window;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = c->iss;
	tcp_set_state(c, TCP_SYN_RECEIVED);
	c->snd_nxt = c->iss; /* the SYN-ACK carries the SYN again */
	tcp_send_syn(c, false);
}

/* ---- §3.10.7.4 fifth step: the ACK field, sender side ---- */

bool tcp_take_ack(struct tcp_sock *c, uint32_t ack, struct tcp_sb_acked *sa, tcp_sb_visit_fn visit,
		  void *ctx)
{
	uint32_t acked = ack - c->snd_una;
	/* Drop acknowledged data (the FIN, if acknowledged, is not in the ring). */
	uint32_t data_acked = acked < c->sndbuf.len ? acked : c->sndbuf.len;
	bool was_full = c->sndbuf.len >= c->opt.sndbuf;
	tcp_sndbuf_drop(&c->sndbuf, data_acked);
	c->snd_buf_seq += data_acked;
	tcp_st(c)->bytes_acked += data_acked;
	c->snd_una_rel += acked;
	c->snd_una = ack;
	/* RFC 2018 §8: SACKed data leaves the queue only now, cumulatively acked. */
	tcp_sb_ack_visit(&c->sb, ack, sa, visit, ctx);
	if (fin_acked(c)) {
		tcp_sndbuf_free(&c->sndbuf); /* nothing can be written after our FIN */
		tcp_sb_free(&c->sb);
	}
	/* After go-back-N (an RTO), an ACK may cover more than was sent again. (It
	 * never covers more than snd_max: process_ack drops such ACKs.) */
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	c->retries = 0;
	return was_full;
}

/* The RTT sample of an ACK of new data, or 0. */
static sim_time_t ack_rtt(struct tcp_sock *c, uint32_t ack, const struct tcp_repr *seg,
			  const struct tcp_sb_acked *sa)
{
	sim_time_t rtt;
	if (c->flags & TF_TS_OK) {
		/* RFC 7323 §4.1: a sample from every such ACK (timestamp.c). */
		if (!tcp_ts_rtt(c, seg, sa, &rtt))
			return 0;
	} else if ((c->flags & TF_TIMING) && seq_gt(ack, c->rtt_seq)) {
		/* RFC 6298 §3 with Karn's algorithm: one timed segment, no sample from
		 * retransmissions (output.c stops the timing when it retransmits). */
		c->flags &= ~TF_TIMING;
		rtt = sim_now(tcp_sim(c)) - c->rtt_time;
	} else {
		return 0;
	}
	tcp_conn_rtt_sample(c, rtt);
	return c->rtt.last;
}

/* After SND.UNA advanced: the RTT sample, recovery and congestion control, the
 * retransmission timer and the application's WRITABLE. */
static void new_ack(struct tcp_sock *c, uint32_t ack, uint32_t acked, const struct tcp_repr *seg,
		    const struct tcp_sb_acked *sa, bool was_full)
{
	struct sim *sim = tcp_sim(c);
	struct tcp_cc_ack a = { .acked = acked };
	a.rtt = ack_rtt(c, ack, seg, sa);
	bool traced = false;
	bool restart_timer = tcp_recovery_new_ack(c, ack, &a, &traced);
	if (a.rtt && !traced && c->trace)
		tcp_trace_endpoint(c, "rtt_sample");

	/* RFC 6298 (5.2)/(5.3): stop the timer when everything is acknowledged,
	 * restart it otherwise. Linux tcp_check_sack_reneging: when the ACK stops
	 * at a segment the receiver had SACKed, it has dropped that data (RFC 2018
	 * §8); rather than wait a whole RTO, time out after max(SRTT/2, 10 ms). */
	if (c->snd_una == c->snd_max) {
		sim_timer_cancel(sim, &c->t_rtx);
		tcp_chrono_stop(c, TCP_CHRONO_BUSY); /* Linux tcp_clean_rtx_queue */
	} else if (tcp_sack_recovery(c) && c->sb.head < c->sb.tail &&
		   (tcp_sb_at(&c->sb, c->sb.head)->flags & TCP_SB_SACKED)) {
		sim_time_t d = c->rtt.srtt / 2 > SIM_MS(10) ? c->rtt.srtt / 2 : SIM_MS(10);
		tcp_timer_rtx_arm_in(c, d);
	} else if (restart_timer) {
		tcp_timer_rtx_arm(c);
	}

	/* Space opened in a buffer that was full (however it got full: writes that
	 * filled it exactly, a short write, SO_SNDBUF lowered below what is queued):
	 * WRITABLE arises (socket.h; Linux tcp_check_space → sk_write_space). */
	if (was_full && c->sndbuf.len < c->opt.sndbuf) {
		tcp_chrono_space(c);
		tcp_sock_wake(c, TCP_EV_WRITABLE);
	}
}

/* The ACK step under `recovery: linux` (Linux tcp_ack): the window update by Linux's
 * rule (tcp_may_update_window: the peer's segment is newer, or the same with a larger
 * or zero window — a window that shrinks on a duplicate ACK is not taken, and such an
 * ACK stays a duplicate), then recovery_linux.c. */
static bool linux_ack(struct tcp_sock *c, const struct tcp_repr *seg, const struct seg_view *v,
		      uint32_t win)
{
	uint32_t seq = v->seq, ack = seg->ack;
	bool update = seq_gt(ack, c->snd_una) || seq_gt(seq, c->snd_wl1) ||
		      (seq == c->snd_wl1 && (win > c->snd_wnd || win == 0));
	if (update && seq_geq(ack, c->snd_una)) {
		if (win > 0 && c->snd_wnd == 0)
			c->persist_backoff = 0;
		bool changed = win != c->snd_wnd;
		c->snd_wnd = win;
		c->snd_wl1 = seq;
		c->snd_wl2 = ack;
		if (win > c->max_snd_wnd)
			c->max_snd_wnd = win;
		/* Linux tcp_ack_update_window: a new window with data waiting may
		 * restart an idle window. */
		if (changed && seq_lt(c->snd_nxt, c->snd_buf_seq + c->sndbuf.len))
			tcp_lx_idle_check(c);
	}
	bool was_full = c->sndbuf.len >= c->opt.sndbuf;
	bool data = v->len > 0 || (v->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN));
	tcp_lx_ack(c, seg, data, update);
	if (was_full && c->sndbuf.len < c->opt.sndbuf)
		tcp_sock_wake(c, TCP_EV_WRITABLE);
	return true;
}

/* The ACK field in a synchronized state, for the segment seg trimmed to v (RFC 9293
 * §3.10.7.4 fifth step, ESTABLISHED's rules that the other states share). Returns
 * false when the segment must be dropped (an ACK of something not yet sent). */
static bool process_ack(struct tcp_sock *c, const struct tcp_repr *seg, const struct seg_view *v)
{
	uint32_t seq = v->seq;
	uint32_t ack = seg->ack;
	/* "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an
	 * ACK, drop the segment, and return." (snd_max: our highest sequence number
	 * sent, which SND.NXT is in the RFC's model.) */
	if (seq_gt(ack, c->snd_max)) {
		c->flags |= TF_ACK_NOW;
		return false;
	}
	/* RFC 7323 §5.3 R3: TS.Recent, once the ACK is known to be good (as Linux's
	 * tcp_ack: a segment acknowledging unsent data must not move it). */
	if (c->flags & TF_TS_OK)
		tcp_ts_update_recent(c, seg);
	uint32_t win = (uint32_t)seg->window << c->snd_wscale;
	if (tcp_ecn_on(&c->ecn))
		tcp_ecn_rcv_ack(c, seg); /* CWR ends the echo (RFC 3168 §6.1.3) */
	c->probes_out = 0; /* the peer is alive (persist timer) */
	c->probes_stamp = 0;
	if (c->trace)
		tcp_trace_seq(c, "ack", ack, ack, win);
	uint32_t acked = seq_gt(ack, c->snd_una) ? ack - c->snd_una : 0;
	/* RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT: (a) data outstanding, (b) no data,
	 * (c) no SYN/FIN, (d) SEG.ACK = SND.UNA, (e) the same window. Answers to
	 * zero-window probes are not duplicates (BSD: no retransmission timer). */
	bool dup = acked == 0 && ack == c->snd_una && c->snd_max != c->snd_una &&
		   v->len == 0 && !(v->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) && win == c->snd_wnd &&
		   !sim_timer_pending(tcp_sim(c), &c->t_persist);
	if (tcp_lx(c))
		return linux_ack(c, seg, v, win);
	/* Send window update: if SND.UNA =< SEG.ACK =< SND.NXT and (SND.WL1 < SEG.SEQ or
	 * (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)). */
	if (seq_geq(ack, c->snd_una) &&
	    (seq_lt(c->snd_wl1, seq) || (c->snd_wl1 == seq && seq_leq(c->snd_wl2, ack)))) {
		if (win > 0 && c->snd_wnd == 0)
			c->persist_backoff = 0;
		c->snd_wnd = win;
		c->snd_wl1 = seq;
		c->snd_wl2 = ack;
		if (win > c->max_snd_wnd)
			c->max_snd_wnd = win;
	}
	/* The cumulative ACK first, then the SACK blocks for what remains (RFC 6675
	 * Update()), then the rest of the ACK's consequences, then the duplicate-ACK
	 * rules (RFC 5681 §3.2; RFC 6675 §5, for which an ACK of new data can be a
	 * duplicate too). */
	struct tcp_sb_acked sa = { 0 };
	bool was_full = acked ? tcp_take_ack(c, ack, &sa, NULL, NULL) : false;
	bool new_sack = seg->sack_count && tcp_recovery_sack(c, seg);
	if (acked)
		new_ack(c, ack, acked, seg, &sa, was_full);
	if (tcp_ecn_on(&c->ecn))
		tcp_ecn_rfc_ack(c, seg, acked); /* ECE: RFC 3168 §6.1.2 */
	if (dup || new_sack)
		tcp_recovery_dupack(c, acked != 0, dup, new_sack);
	return true;
}

/* ---- §3.10.7.4 seventh and eighth steps: segment text and FIN ---- */

/* The peer's FIN is next in sequence (RFC 9293 §3.10.7.4, eighth step). Only the
 * states that take segment text get here (process_text). */
static void process_fin(struct tcp_sock *c)
{
	c->rcv_nxt++;
	c->flags |= TF_FIN_RCVD;
	uint32_t wake = TCP_EV_READABLE;
	switch (c->state) {
	case TCP_ESTABLISHED:
		/* ESTABLISHED → CLOSE-WAIT. The FIN's ACK is delayed like data (ack.c;
		 * Linux enters interactive mode here), so an application that answers at
		 * once carries it on its data or its own FIN (tests/vectors exchange 1). */
		tcp_set_state(c, TCP_CLOSE_WAIT);
		tcp_ack_fin(c);
		break;
	case TCP_FIN_WAIT_1:
		/* FIN-WAIT-1 → CLOSING: simultaneous close. (Had this segment or an
		 * earlier one acknowledged our FIN, the ACK step would have moved us to
		 * FIN-WAIT-2 already, and the RFC's "FIN-WAIT-1 → TIME-WAIT" is the
		 * FIN-WAIT-2 arm below.) */
		c->flags |= TF_ACK_NOW | TF_ACK_SCHED;
		tcp_set_state(c, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		c->flags |= TF_ACK_NOW | TF_ACK_SCHED;
		tcp_conn_time_wait(c); /* FIN-WAIT-2 → TIME-WAIT */
		break;
	default:
		g_error("tcp: FIN processed in %s", tcp_state_str(c->state));
	}
	if (c->flags & TF_FIN_QUEUED)
		wake |= TCP_EV_HUP; /* both directions are finished */
	tcp_sock_wake(c, wake);
}

/* Appends in-order data charged mem (and handles a FIN after it). Takes pkt. seg is
 * the segment that arrived, NULL for one taken from the out-of-order queue. */
static void deliver(struct tcp_sock *c, struct sim_packet *pkt, bool fin, uint32_t mem,
		    const struct tcp_repr *seg)
{
	uint32_t len = pkt->len;
	c->rcv_nxt += len;
	tcp_st(c)->bytes_received += len;
	if ((c->flags & TF_SHUT_RD) && (c->cfg->shut_rd_discard || !c->app_ref))
		sim_packet_free(pkt); /* acknowledged and discarded: nobody reads it */
	else
		tcp_rcvq_append(&c->rcvq, pkt, mem);
	if (seg && len > 0) {
		tcp_ack_data_recv(c, len, seg->hdr_len, seg->flags, mem);
		if (tcp_ecn_on(&c->ecn))
			tcp_ecn_rcv_data(c, seg); /* CE (RFC 3168 §6.1.3, RFC 8257 §3.2) */
	}
	if (fin)
		process_fin(c);
}

/* RFC 2018 §4 and RFC 2883 §4 at the receiver: out-of-order data [seq, end) arrived,
 * of which dup was held already. */
static void sack_report_ooo(struct tcp_sock *c, uint32_t seq, uint32_t end,
			    const struct tcp_ooo_dup *dup)
{
	if (!(c->flags & TF_SACK_OK))
		return;
	tcp_sackrcv_ooo(&c->sackrcv, seq, end);
	if (c->cfg->dsack)
		tcp_sackrcv_dup(&c->sackrcv, dup->start, dup->end);
}

/* RFC 2883 §4: a segment (or its first part) below RCV.NXT is a duplicate, reported
 * as a DSACK block on the next ACK: its data and FIN up to RCV.NXT (Linux
 * tcp_send_dupack, tcp_data_queue). Not from TIME-WAIT, as Linux's timewait socket
 * keeps no SACK state. */
static void dsack_old(struct tcp_sock *c, const struct tcp_repr *seg)
{
	if (!(c->flags & TF_SACK_OK) || !c->cfg->dsack || c->state == TCP_TIME_WAIT)
		return;
	uint32_t start = seg->seq + ((seg->flags & TCP_FLAG_SYN) ? 1u : 0u);
	uint32_t end = seg->seq + tcp_repr_seg_len(seg);
	if (seq_lt(start, c->rcv_nxt))
		tcp_sackrcv_dup(&c->sackrcv, start, seq_min(end, c->rcv_nxt));
}

/* Memory cannot take the segment (rcvwnd.c): as Linux tcp_data_queue, in-order data is
 * still taken into an empty queue, else dropped; either way the next ACK, at once,
 * offers a zero window. Returns true when pkt was dropped (and freed). */
static bool no_memory(struct tcp_sock *c, struct sim_packet *pkt)
{
	c->flags |= TF_ACK_NOMEM | TF_ACK_NOW | TF_ACK_SCHED;
	if (c->rcvq.bytes == 0 || pkt->len == 0)
		return false;
	sim_packet_free(pkt);
	return true;
}

/* Keeps a segment beyond RCV.NXT for later (RFC 9293 §3.10.7.4 first step, "Segments
 * with higher beginning sequence numbers SHOULD be held"; RFC 1122 §4.2.2.20) and
 * sends an immediate duplicate ACK (RFC 5681 §4.2: "a TCP receiver SHOULD send an
 * immediate duplicate ACK when an out-of-order segment arrives"). Takes pkt. */
static void receive_ooo(struct tcp_sock *c, struct sim_packet *pkt, uint32_t seq, bool fin,
			uint32_t mem, const struct tcp_repr *seg)
{
	if (pkt->len > 0 && tcp_ecn_on(&c->ecn))
		tcp_ecn_rcv_data(c, seg); /* Linux tcp_data_queue_ofo: CE counts here too */
	if (!tcp_rcvwnd_admit(c, mem)) {
		sim_packet_free(pkt); /* Linux tcp_data_queue_ofo: dropped, no ACK */
		return;
	}
	uint32_t len = pkt->len;
	struct tcp_ooo_dup dup;
	tcp_ooo_insert(&c->ooo, pkt, seq, fin, mem, &dup);
	sack_report_ooo(c, seq, seq + len + (fin ? 1u : 0u), &dup);
	tcp_rcvwnd_ooo(c, len, mem);
	tcp_st(c)->ooo_segments++;
	tcp_st(c)->dupacks_sent++;
	c->flags |= TF_ACK_NOW | TF_ACK_SCHED;
}

/* The seventh and eighth steps: segment text and FIN, for a segment already trimmed
 * to the window (pkt->data = payload); seg is its header as received. Takes pkt. */
static void receive_text(struct tcp_sock *c, struct sim_packet *pkt, uint32_t seq, bool fin,
			 const struct tcp_repr *seg)
{
	uint32_t len = pkt->len;
	uint32_t mem = tcp_rcvwnd_truesize(c, len, 20 + seg->hdr_len + seg->payload_len);
	if (c->cfg->delack_count == TCP_DELACK_COUNT_SEGMENTS && len > c->rcv_mss) {
		/* The largest segment seen is "full-sized" (RFC 1122 §4.2.3.2). */
		tcp_rcvwnd_ratio(c, len, mem);
		c->rcv_mss = len < c->adv_mss ? len : c->adv_mss;
	}
	if (seq != c->rcv_nxt) {
		receive_ooo(c, pkt, seq, fin, mem, seg);
		return;
	}
	if (!tcp_rcvwnd_admit(c, mem) && no_memory(c, pkt))
		return;
	bool had_gap = c->ooo.count > 0;
	deliver(c, pkt, fin, mem, seg);
	struct sim_packet *p;
	while (!(c->flags & TF_FIN_RCVD) && (p = tcp_ooo_pop(&c->ooo, c->rcv_nxt)))
		deliver(c, p, tcp_pkt_fin(p), tcp_pkt_mem(p), NULL);
	if (len > 0)
		tcp_sock_wake(c, TCP_EV_READABLE);
	if (c->flags & TF_FIN_RCVD) {
		tcp_ooo_clear(&c->ooo); /* nothing can follow the FIN */
		tcp_sackrcv_clear(&c->sackrcv);
	} else if (had_gap) {
		tcp_sackrcv_advance(&c->sackrcv, c->rcv_nxt);
	}
	/* A segment that fills the gap: ACK at once (RFC 5681 §4.2); one that fills part
	 * of it leaves out-of-order data, which tcp_ack_check ACKs at once too. */
	if (had_gap && c->ooo.count == 0)
		c->flags |= TF_ACK_NOW;
	tcp_ack_check(c); /* ack.c: RFC 1122 §4.2.3.2, RFC 5681 §4.2, Linux's rules */
}

/* ---- §3.10.7.4: every state but CLOSED, LISTEN and SYN-SENT ---- */

/* What a step decided about the segment. */
enum verdict {
	NEXT,  /* go on to the next step */
	DROP,  /* done: free the segment, send nothing more (c may be gone) */
	REPLY, /* done: free the segment, then send what is owed (tcp_output) */
};

/* Before the RFC's steps: in SYN-RECEIVED, the peer's SYN again (without ACK) means
 * our SYN-ACK was lost. It is answered with the SYN-ACK at once, as Linux's
 * tcp_check_req does; §3.10.7.4 would find it unacceptable (SEG.SEQ < RCV.NXT) and
 * answer with a bare ACK, which the peer, still in SYN-SENT, would reject. */
static enum verdict syn_received_dup_syn(struct tcp_sock *c, const struct tcp_repr *seg)
{
	if (c->state != TCP_SYN_RECEIVED ||
	    (seg->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) != TCP_FLAG_SYN || seg->seq != c->irs)
		return NEXT;
	if (c->flags & TF_PASSIVE)
		tcp_send_syn(c, true);
	/* Simultaneous open: our SYN-ACK is already on its way (or retransmitted by the
	 * timer); the peer's SYN alone adds nothing. */
	return DROP;
}

static bool acceptable(uint32_t seq, uint32_t len, uint32_t rcv_nxt, uint32_t wnd)
{
	/* The four cases of RFC 9293 §3.10.7.4's acceptability table. */
	if (len == 0)
		return wnd == 0 ? seq == rcv_nxt : seq_in_window(rcv_nxt, seq, rcv_nxt + wnd);
	if (wnd == 0)
		return false;
	return seq_in_window(rcv_nxt, seq, rcv_nxt + wnd) ||
	       seq_in_window(rcv_nxt, seq + len - 1, rcv_nxt + wnd);
}

/* RCV.WND: the window we advertised, from RCV.NXT. */
static uint32_t rcv_wnd(const struct tcp_sock *c)
{
	int32_t w = seq_diff(c->rcv_adv, c->rcv_nxt);
	return w > 0 ? (uint32_t)w : 0;
}

/* An unacceptable segment is answered with an immediate ACK, which reports it as a
 * duplicate when it lies below RCV.NXT. */
static enum verdict dup_ack_reply(struct tcp_sock *c, const struct tcp_repr *seg)
{
	/* Data before RCV.NXT means our ACK was lost: quick ACKs again (Linux
	 * tcp_send_dupack). */
	c->flags |= TF_ACK_NOW;
	if (seg->payload_len > 0) {
		tcp_st(c)->dupacks_sent++;
		if (seq_lt(seg->seq, c->rcv_nxt))
			tcp_ack_enter_quickack(c);
	}
	dsack_old(c, seg);
	return REPLY;
}

/* Before the first step, with timestamps: PAWS (RFC 7323 §5.3 R1). A segment older
 * than TS.Recent is "not acceptable: Send an acknowledgment in reply ... and drop the
 * segment" (a RST is exempt). */
static enum verdict check_paws(struct tcp_sock *c, const struct tcp_repr *seg)
{
	if (!(c->flags & TF_TS_OK) || !tcp_ts_paws_reject(c, seg))
		return NEXT;
	tcp_st(c)->paws_rejected++;
	return dup_ack_reply(c, seg);
}

/* First step: the sequence number check. Sets v->zero_window for a segment accepted
 * only for its ACK; answers an unacceptable one. */
static enum verdict check_sequence(struct tcp_sock *c, const struct tcp_repr *seg,
				   struct seg_view *v)
{
	uint32_t wnd = rcv_wnd(c);
	uint32_t seg_len = tcp_repr_seg_len(seg);
	if (acceptable(seg->seq, seg_len, c->rcv_nxt, wnd))
		return NEXT;
	/* Simultaneous open: in SYN-RECEIVED the peer's SYN-ACK repeats the SYN we
	 * already took (SEG.SEQ = IRS < RCV.NXT); its ACK completes the handshake
	 * (RFC 9293 Figure 7, line 6; Linux tcp_validate_incoming). The SYN is
	 * trimmed off like old data. */
	if (c->state == TCP_SYN_RECEIVED && (seg->flags & TCP_FLAG_SYN) && seg->seq == c->irs &&
	    seg_len == 1)
		return NEXT;
	/* "If the RCV.WND is zero, no segments will be acceptable, but special
	 * allowance should be made to accept valid ACKs, URGs, and RSTs": a zero-window
	 * probe's ACK is processed, its data dropped. */
	if (wnd == 0 && seg->seq == c->rcv_nxt) {
		v->zero_window = true;
		return NEXT;
	}
	if (seg->flags & TCP_FLAG_RST)
		return DROP; /* "If the RST bit is set, drop the segment and return." */
	/* A retransmitted FIN in TIME-WAIT is re-acknowledged and restarts the 2·MSL
	 * timer (eighth step; Linux tcp_timewait_state_process). */
	if (c->state == TCP_TIME_WAIT && (seg->flags & TCP_FLAG_FIN) &&
	    seg->seq + seg_len == c->rcv_nxt)
		tcp_timer_time_wait(c);
	/* A retransmission of data whose ACK was lost ends at Last.ACK.sent: its TSval
	 * becomes TS.Recent, so the ACK below echoes the retransmission and the sender's
	 * RTT sample is not inflated by its timeout. RFC 7323 §5.3 puts R3 after R2;
	 * Linux (tcp_sequence tests end_seq against rcv_wup) and BSD (Stevens vol. 2,
	 * p. 869) take such a segment's timestamp, and so does this. */
	if (seq_geq(seg->seq + seg_len, c->rcv_wup))
		tcp_ts_update_recent(c, seg);
	/* "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>", an immediate duplicate ACK. */
	return dup_ack_reply(c, seg);
}

/* Second step: the RST bit (RFC 9293 §3.10.7.4 with RFC 5961 §3.2). Only a RST
 * exactly at RCV.NXT resets; one elsewhere in the window draws a challenge ACK. The
 * test is on the sequence number the RST arrived with: a RST whose data starts
 * before RCV.NXT is not an exact match (Linux tcp_validate_incoming compares the
 * segment's own sequence number, TCP_SKB_CB(skb)->seq). */
static enum verdict check_rst(struct tcp_sock *c, const struct tcp_repr *seg)
{
	if (!(seg->flags & TCP_FLAG_RST))
		return NEXT;
	if (seg->seq != c->rcv_nxt) {
		c->flags |= TF_ACK_NOW; /* RFC 5961 §3.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
		return REPLY;
	}
	switch (c->state) {
	case TCP_SYN_RECEIVED:
		if (c->flags & TF_PASSIVE)
			tcp_conn_fail(c, 0); /* SYN-RECEIVED → (LISTEN): the child goes */
		else
			tcp_conn_fail(c, -ECONNREFUSED); /* active open refused */
		break;
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		tcp_conn_fail(c, -ECONNRESET); /* → CLOSED: connection reset */
		break;
	default:
		tcp_conn_closed(c); /* CLOSING, LAST-ACK, TIME-WAIT → CLOSED */
		break;
	}
	return DROP;
}

/* The rest of the first step: RFC 9293's "idealized segment that begins at RCV.NXT
 * and does not exceed the window" — data before RCV.NXT (an old SYN counts as one)
 * and beyond RCV.NXT + RCV.WND (with a FIN beyond it) are cut off pkt, and v
 * describes what is left. */
static void trim_to_window(struct tcp_sock *c, const struct tcp_repr *seg, struct sim_packet *pkt,
			   struct seg_view *v)
{
	if (seq_lt(v->seq, c->rcv_nxt)) {
		uint32_t d = c->rcv_nxt - v->seq;
		dsack_old(c, seg); /* RFC 2883 §4: the duplicated part only */
		if (v->flags & TCP_FLAG_SYN) {
			v->flags &= (uint8_t)~TCP_FLAG_SYN;
			v->seq++;
			d--;
		}
		/* An acceptable segment ends at or beyond RCV.NXT (check_sequence), so
		 * something new is always left: data, or the FIN. */
		if (d > pkt->len || (d == pkt->len && d > 0 && !(v->flags & TCP_FLAG_FIN)))
			g_error("tcp: acceptable segment entirely before RCV.NXT (%u of %u bytes old)",
				d, pkt->len);
		sim_packet_pull(pkt, d);
		v->seq += d;
	}
	uint32_t wnd = rcv_wnd(c);
	if (v->zero_window) {
		/* A zero-window probe: ACKed at once, and quick ACKs again for when the
		 * window opens (Linux tcp_data_queue, out_of_window). */
		if (pkt->len > 0)
			tcp_ack_enter_quickack(c);
		sim_packet_trim(pkt, 0);
		v->flags &= (uint8_t)~(TCP_FLAG_FIN | TCP_FLAG_SYN);
		c->flags |= TF_ACK_NOW;
	} else if (seq_gt(v->seq + pkt->len, c->rcv_nxt + wnd)) {
		int32_t keep = seq_diff(c->rcv_nxt + wnd, v->seq);
		sim_packet_trim(pkt, keep > 0 ? (uint32_t)keep : 0);
		v->flags &= (uint8_t)~TCP_FLAG_FIN;
		c->flags |= TF_ACK_NOW;
	}
	v->len = pkt->len;
}

/* Fourth step: a SYN in a synchronized state (RFC 9293 §3.10.7.4, RFC 5961 §4.2):
 * a challenge ACK, except that a passive SYN-RECEIVED goes back to LISTEN. */
static enum verdict check_syn(struct tcp_sock *c, const struct seg_view *v)
{
	if (!(v->flags & TCP_FLAG_SYN))
		return NEXT;
	if (c->state == TCP_SYN_RECEIVED && (c->flags & TF_PASSIVE)) {
		tcp_conn_fail(c, 0); /* SYN-RECEIVED → (LISTEN): the child goes */
		return DROP;
	}
	c->flags |= TF_ACK_NOW; /* RFC 5961 §4.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	return REPLY;
}

/* Fifth step in SYN-RECEIVED: an acceptable ACK completes the handshake. */
static enum verdict syn_received_ack(struct tcp_sock *c, const struct tcp_repr *seg,
				     const struct seg_view *v)
{
	if (!(seq_lt(c->snd_una, seg->ack) && seq_leq(seg->ack, c->snd_max))) {
		/* Unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>. */
		tcp_send_rst_reply(c->stack, seg, c->t.raddr, c->t.laddr);
		return DROP;
	}
	if (c->parent && tcp_listen_acceptq_full(c->parent)) {
		/* Accept queue full: drop the ACK and stay in SYN-RECEIVED (Linux
		 * tcp_v4_syn_recv_sock(): ListenOverflows); the SYN-ACK is retransmitted
		 * and the client's ACK comes again. */
		c->stack->stats.syn_dropped++;
		return DROP;
	}
	/* SYN-RECEIVED → ESTABLISHED. The window of this first non-SYN segment is
	 * scaled (RFC 7323 §2.2). */
	c->snd_una = seg->ack;
	c->snd_wnd = (uint32_t)seg->window << c->snd_wscale;
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = v->seq;
	c->snd_wl2 = seg->ack;
	handshake_ts_rtt(c, seg);
	tcp_conn_established(c);
	if (c->parent) {
		tcp_conn_acceptq_add(c);
		tcp_listen_established(c->parent);
	} else {
		c->flags &= ~TF_CONNECTING;
		tcp_sock_wake(c, TCP_EV_WRITABLE); /* simultaneous open completed */
	}
	return NEXT;
}

/* Fifth step: the ACK field, then what an acknowledged FIN means in each state. */
static enum verdict check_ack(struct tcp_sock *c, const struct tcp_repr *seg,
			      const struct seg_view *v)
{
	/* "If the ACK bit is off, drop the segment and return." */
	if (!(seg->flags & TCP_FLAG_ACK))
		return DROP;
	if (c->state == TCP_SYN_RECEIVED) {
		enum verdict r = syn_received_ack(c, seg, v);
		if (r != NEXT)
			return r;
	}
	/* TIME-WAIT: "The only thing that can arrive in this state is a retransmission
	 * of the remote FIN" — handled by the FIN step; the ACK field is not looked at. */
	if (c->state == TCP_TIME_WAIT)
		return NEXT;
	if (!process_ack(c, seg, v))
		return REPLY;
	if (!fin_acked(c))
		return NEXT;
	switch (c->state) {
	case TCP_FIN_WAIT_1:
		tcp_set_state(c, TCP_FIN_WAIT_2); /* FIN-WAIT-1 → FIN-WAIT-2: our FIN acked */
		tcp_timer_fin_wait2(c);
		return NEXT;
	case TCP_CLOSING:
		tcp_conn_time_wait(c); /* CLOSING → TIME-WAIT */
		return NEXT;
	case TCP_LAST_ACK:
		tcp_conn_closed(c); /* LAST-ACK → CLOSED */
		return DROP;
	default:
		return NEXT; /* ESTABLISHED, CLOSE-WAIT, FIN-WAIT-2: nothing more */
	}
}

/* Seventh and eighth steps: segment text and FIN. Takes pkt. */
static enum verdict process_text(struct tcp_sock *c, struct sim_packet *pkt,
				 const struct tcp_repr *seg, const struct seg_view *v)
{
	bool fin = (v->flags & TCP_FLAG_FIN) != 0;
	if (pkt->len == 0 && !fin) {
		sim_packet_free(pkt);
		return REPLY;
	}
	switch (c->state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
		if (!c->app_ref && pkt->len > 0 && (c->flags & TF_FIN_QUEUED)) {
			/* New data for a connection the application closed: nobody will
			 * read it, so reset (RFC 1122 §4.2.2.13, RFC 2525 §2.17). Linux
			 * tcp_rcv_state_process() resets the socket and answers the
			 * segment itself (tcp_v4_send_reset): <SEQ=SEG.ACK><CTL=RST>. */
			sim_packet_free(pkt);
			tcp_send_rst_reply(c->stack, seg, c->t.raddr, c->t.laddr);
			tcp_conn_fail(c, 0);
			return DROP;
		}
		receive_text(c, pkt, v->seq, fin, seg);
		return REPLY;
	default:
		/* CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent its FIN,
		 * so anything acceptable here is beyond it and ignored (a retransmitted
		 * FIN was handled by the sequence check). */
		sim_packet_free(pkt);
		return REPLY;
	}
}

void tcp_input(struct tcp_sock *c, struct sim_packet *pkt, const struct tcp_repr *seg)
{
	/* Only connections in the 4-tuple table get here: never CLOSED (release takes
	 * them out) nor LISTEN (in the listener table). */
	if (c->state == TCP_CLOSED || c->state == TCP_LISTEN)
		g_error("tcp: segment for a %s connection", tcp_state_str(c->state));
	tcp_st(c)->segs_received++;
	sim_packet_pull(pkt, seg->hdr_len); /* pkt->data = payload from here on */
	if (c->state == TCP_SYN_SENT) {
		c->last_rcv = sim_now(tcp_sim(c));
		input_syn_sent(c, seg); /* §3.10.7.3 */
		sim_packet_free(pkt);
		return;
	}

	/* §3.10.7.4, in order. */
	struct seg_view v = { .seq = seg->seq, .len = pkt->len, .flags = seg->flags };
	enum verdict r = syn_received_dup_syn(c, seg);
	if (r == NEXT)
		r = check_paws(c, seg); /* RFC 7323 §5.3 R1, before R2 */
	if (r == NEXT)
		r = check_sequence(c, seg, &v); /* first: sequence number */
	if (r == NEXT) {
		c->last_rcv = sim_now(tcp_sim(c));
		c->keepalive_sent = 0;
		r = check_rst(c, seg); /* second: RST, on the segment as received */
	}
	/* Third: security and compartment — not modelled (no IP security option, so
	 * no mismatch can arise). */
	if (r == NEXT) {
		trim_to_window(c, seg, pkt, &v); /* the rest of the first step */
		r = check_syn(c, &v);       /* fourth: SYN */
	}
	if (r == NEXT)
		r = check_ack(c, seg, &v); /* fifth: ACK */
	/* Sixth: URG. Urgent data is delivered inline like any other (RFC 6093 §5:
	 * applications should not rely on it; §6: inline delivery); the pointer is not acted upon. */
	if (r == NEXT) {
		r = process_text(c, pkt, seg, &v); /* seventh and eighth: text, FIN */
		pkt = NULL;
	}
	sim_packet_free(pkt);
	if (r == REPLY)
		tcp_output(c);
}

/* ---- PMTUD (RFC 1191) ---- */

void tcp_pmtu_update(struct tcp_sock *c, uint32_t mtu)
{
	/* RFC 1191 §3 and §6.4 (TCP layer actions): lower the path MTU and the effective MSS (MTU − 40), and
	 * retransmit what was sent in larger segments; not a congestion signal. */
	if (mtu < 68)
		mtu = 68;
	if (mtu >= c->mtu)
		return;
	c->mtu = mtu;
	uint32_t old = c->mss;
	set_eff_mss(c);
	if (c->mss >= old)
		return;
	c->cc.mss = c->mss;
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED)
		return; /* nothing but the SYN is in flight */
	/* Linux tcp_simple_retransmit: resend everything outstanding at the new size. */
	tcp_recovery_pmtu(c);
}
