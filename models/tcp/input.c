/* models/tcp/input.c — SEGMENT ARRIVES (RFC 9293 §3.10.7).
 *
 * stack.c demultiplexes a verified segment to one of three entry points here:
 * tcp_input_closed (no TCB, §3.10.7.1), tcp_input_listen (§3.10.7.2) and tcp_input
 * (SYN-SENT §3.10.7.3 and every other state §3.10.7.4). tcp_input walks the RFC's
 * order — sequence number check, RST, SYN, ACK, URG, segment text, FIN — with a
 * switch on the state at each step and one commented arm per transition. Every state
 * change goes through tcp_set_state(), which records old → new in the trace.
 *
 * The ACK step also runs the sender's loss detection and recovery, as Linux's
 * tcp_input.c does (models/tcp/cc.h explains the division of labour): duplicate ACK
 * counting (RFC 5681 §2), fast retransmit and fast recovery (RFC 5681 §3.2) with
 * NewReno's partial ACKs and "recover" (RFC 6582), and calls into the congestion-
 * control module, whose cwnd/ssthresh changes are traced right after each hook.
 */
#include <errno.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

void tcp_set_state(struct tcp_sock *c, enum tcp_state st)
{
	if (c->state == st)
		return;
	c->state = st;
	tcp_st(c)->state = st;
	if (c->trace)
		tcp_trace_endpoint(c, "state");
}

/* ---- congestion-control glue ---- */

void tcp_conn_cc_prepare(struct tcp_sock *c)
{
	struct tcp_cc *cc = &c->cc;
	cc->mss = c->mss;
	/* FlightSize (RFC 5681 §2): the data actually outstanding, snd.nxt − snd.una,
	 * the same amount the sender holds against cwnd. After an RTO, go-back-N sets
	 * snd.nxt back to snd.una and what lay beyond is sent again as cwnd allows, so
	 * the abandoned window up to snd.max is not in flight (a fast retransmit then
	 * must not take half of it as ssthresh). */
	cc->flight = tcp_flight(c);
	cc->now = sim_now(tcp_sim(c));
	cc->srtt = c->rtt.has_sample ? c->rtt.srtt : 0;
	cc->min_rtt = tcp_st(c)->rtt_min;
}

static uint32_t initial_window(const struct tcp_sock *c)
{
	uint32_t mss = c->mss;
	/* RFC 5681 §3.1: if the SYN or SYN-ACK was lost, the initial window is one
	 * segment (Linux: tcp_init_transfer with retransmitted SYNs). */
	if (c->flags & TF_SYN_RETX)
		return mss;
	if (c->cfg->initial_window > 0)
		return c->cfg->initial_window * mss; /* RFC 6928 (10 by default) */
	/* RFC 5681 §3.1 eqn. 3. */
	if (mss > 2190)
		return 2 * mss;
	if (mss > 1095)
		return 3 * mss;
	return 4 * mss;
}

void tcp_conn_cc_start(struct tcp_sock *c)
{
	const struct tcp_cc_ops *ops = tcp_cc_find(c->cfg->cc);
	if (!ops)
		g_error("tcp: unknown congestion control \"%s\" (configuration not validated)",
			c->cfg->cc);
	tcp_cc_init(&c->cc, ops, &c->cfg->cc_cfg, c->mss, initial_window(c));
}

/* Traces a congestion-control hook's effect: a row when cwnd or ssthresh changed
 * (or always, for the events that matter whatever their arithmetic). */
static void cc_traced(struct tcp_sock *c, uint32_t old_cwnd, uint32_t old_ssthresh,
		      const char *event, bool always)
{
	if (c->trace && (always || c->cc.cwnd != old_cwnd || c->cc.ssthresh != old_ssthresh))
		tcp_trace_endpoint(c, event);
}

/* ---- teardown ---- */

static void synq_remove(struct tcp_sock *c)
{
	struct tcp_sock *l = c->parent;
	for (struct tcp_sock **pp = &l->synq_head; *pp; pp = &(*pp)->q_next)
		if (*pp == c) {
			*pp = c->q_next;
			l->synq_len--;
			c->q_next = NULL;
			c->parent = NULL;
			return;
		}
}

static void release(struct tcp_sock *c)
{
	tcp_timers_cancel_all(c);
	tcp_conn_hash_del(c);
	tcp_port_unbind(c);
	tcp_ooo_clear(&c->ooo);
	/* A child still in the SYN queue goes; one in the accept queue stays there for
	 * the application to accept and see its error (as in Linux). */
	if (c->parent && !(c->flags & TF_ESTABLISHED_ONCE))
		synq_remove(c);
}

void tcp_conn_fail(struct tcp_sock *c, int err)
{
	tcp_set_state(c, TCP_CLOSED);
	release(c);
	if (err)
		tcp_sock_set_error(c, err);
	tcp_sock_wake(c, TCP_EV_HUP | TCP_EV_READABLE | (err ? TCP_EV_ERROR : 0));
	tcp_conn_maybe_free(c);
}

void tcp_conn_closed(struct tcp_sock *c)
{
	tcp_set_state(c, TCP_CLOSED);
	release(c);
	tcp_sock_wake(c, TCP_EV_HUP);
	tcp_conn_maybe_free(c);
}

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
	}
	set_eff_mss(c);
}

static void rtt_sample(struct tcp_sock *c, sim_time_t rtt)
{
	tcp_rtt_sample(&c->rtt, rtt, c->cfg);
	struct tcp_stats *s = tcp_st(c);
	rtt = c->rtt.last;
	if (s->rtt_samples == 0 || rtt < s->rtt_min)
		s->rtt_min = rtt;
	if (rtt > s->rtt_max)
		s->rtt_max = rtt;
	s->rtt_sum += rtt;
	s->rtt_samples++;
}

/* The handshake completed: SYN-SENT or SYN-RECEIVED → ESTABLISHED. */
static void established(struct tcp_sock *c)
{
	struct sim *sim = tcp_sim(c);
	/* RFC 6298 §3 / RFC 6298 (2.2): the SYN exchange gives the first RTT sample
	 * unless the SYN (or SYN-ACK) was retransmitted (Karn). */
	if ((c->flags & TF_TIMING) && seq_gt(c->snd_una, c->rtt_seq))
		rtt_sample(c, sim_now(sim) - c->rtt_time);
	c->flags &= ~TF_TIMING;
	if (!c->rtt.has_sample) {
		/* RFC 6298 (5.7): after a SYN timeout, data transmission starts with an
		 * RTO of 3 s (Linux TCP_TIMEOUT_FALLBACK); otherwise the initial RTO. */
		sim_time_t rto = c->cfg->rto_initial;
		if ((c->flags & TF_SYN_RETX) && rto < SIM_S(3))
			rto = SIM_S(3);
		tcp_rtt_init(&c->rtt, rto);
	}
	c->rtt.backoff = 0;
	c->retries = 0;
	sim_timer_cancel(sim, &c->t_rtx);
	c->snd_buf_seq = c->iss + 1;
	c->snd_una_rel = 1;
	c->flags |= TF_ESTABLISHED_ONCE;
	tcp_conn_cc_start(c);
	c->cwnd_lim_seq = c->snd_nxt;
	/* One trace row for the transition, with the sample and the initial window. */
	tcp_set_state(c, TCP_ESTABLISHED);
	tcp_timer_keepalive_reset(c);
}

static void enter_time_wait(struct tcp_sock *c)
{
	tcp_set_state(c, TCP_TIME_WAIT);
	sim_timer_cancel(tcp_sim(c), &c->t_delack);
	tcp_timer_time_wait(c); /* RFC 9293 §3.10.7.4: start the 2·MSL timer */
	tcp_sock_wake(c, TCP_EV_HUP);
}

static bool fin_acked(const struct tcp_sock *c)
{
	return (c->flags & TF_FIN_QUEUED) && seq_gt(c->snd_una, c->fin_seq);
}

/* ---- §3.10.7.1: no TCB ---- */

void tcp_input_closed(struct tcp_stack *st, const struct tcp_repr *seg, ipv4_addr_t src,
		      ipv4_addr_t dst)
{
	/* "An incoming segment containing a RST is discarded. An incoming segment not
	 * containing a RST causes a RST to be sent in response." */
	tcp_send_rst_reply(st, seg, src, dst);
}

/* ---- §3.10.7.2: LISTEN ---- */

void tcp_input_listen(struct tcp_sock *l, const struct tcp_repr *seg, ipv4_addr_t src,
		      ipv4_addr_t dst)
{
	struct tcp_stack *st = l->stack;
	/* First: a RST is ignored. */
	if (seg->flags & TCP_FLAG_RST)
		return;
	/* Second: an ACK in LISTEN is bad: <SEQ=SEG.ACK><CTL=RST>. */
	if (seg->flags & TCP_FLAG_ACK) {
		tcp_send_rst_reply(st, seg, src, dst);
		return;
	}
	/* Fourth: anything but a SYN is dropped. */
	if (!(seg->flags & TCP_FLAG_SYN))
		return;
	/* Listen backlog: a SYN arriving while the queues are full is dropped, as Linux
	 * does (without syncookies), so the client retries. */
	if (l->acceptq_len >= l->backlog || l->synq_len >= l->backlog) {
		st->stats.syn_dropped++;
		return;
	}
	struct tcp_sock *c = tcp_conn_alloc(st, l->cfg);
	c->nodelay = l->nodelay;
	c->keepalive = l->keepalive;
	c->keepidle = l->keepidle;
	c->keepintvl = l->keepintvl;
	c->keepcnt = l->keepcnt;
	c->linger0 = l->linger0;
	c->sndbuf_max = l->sndbuf_max;
	c->rcvbuf_max = l->rcvbuf_max;
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
	 * SEG.SEQ, ISS selected, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> sent. Data in the
	 * SYN is not kept (no TCP Fast Open): the peer retransmits it. */
	c->irs = seg->seq;
	c->rcv_nxt = seg->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->rcv_wup = c->rcv_nxt;
	c->rcv_wscale = l->cfg->window_scaling ? tcp_choose_wscale(c->rcvbuf_max) : 0;
	take_syn_options(c, seg);
	c->iss = (l->flags & TF_ISN_FIXED) ? l->isn_fixed : tcp_isn(st, &c->t);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->recover = c->snd_sml = c->iss;
	c->snd_buf_seq = c->iss + 1;
	c->snd_wnd = seg->window; /* RFC 7323 §2.2: a SYN's window is not scaled */
	c->max_snd_wnd = c->snd_wnd;
	c->snd_wl1 = seg->seq;
	c->snd_wl2 = 0;
	c->last_rcv = sim_now(st->sim);
	tcp_rtt_init(&c->rtt, c->cfg->rto_syn_initial);
	c->parent = l;
	c->q_next = l->synq_head;
	l->synq_head = c;
	l->synq_len++;
	tcp_conn_hash_add(c);
	st->stats.conns_opened++;
	tcp_conn_cc_start(c);
	tcp_set_state(c, TCP_SYN_RECEIVED);
	tcp_send_syn(c, false);
	tcp_timer_rtx_arm(c);
}

/* ---- §3.10.7.3: SYN-SENT ---- */

static void input_syn_sent(struct tcp_sock *c, const struct tcp_repr *seg)
{
	bool ack = (seg->flags & TCP_FLAG_ACK) != 0;
	/* First: the ACK must acknowledge our SYN: ISS < SEG.ACK =< SND.NXT. */
	if (ack && (seq_leq(seg->ack, c->iss) || seq_gt(seg->ack, c->snd_max))) {
		if (!(seg->flags & TCP_FLAG_RST)) {
			struct tcp_repr r = *seg;
			tcp_send_rst_reply(c->stack, &r, c->t.raddr, c->t.laddr);
		}
		return;
	}
	/* Second: RST. Acceptable only with an acceptable ACK (RFC 5961 §3.2). */
	if (seg->flags & TCP_FLAG_RST) {
		if (ack)
			tcp_conn_fail(c, -ECONNREFUSED); /* SYN-SENT → CLOSED: refused */
		return;
	}
	/* Fourth: SYN. */
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
		established(c);
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

/* ---- §3.10.7.4: the ACK step's sender side ---- */

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
	 * ssthresh and cwnd (the algorithm's on_loss), retransmit the lost segment. */
	c->recover = c->snd_max;
	c->flags |= TF_IN_RECOVERY;
	c->flags &= ~TF_PARTIAL_SEEN;
	tcp_st(c)->fast_retransmits++;
	tcp_conn_cc_prepare(c);
	/* RFC 5681 §3.2 step 2: "additional data sent in limited transmit MUST NOT be
	 * included in this calculation" (of FlightSize for ssthresh). The pipe estimate
	 * (loss_flightsize, tcp.h) discounts one segment per duplicate ACK instead. */
	if (c->cfg->loss_flightsize == TCP_LOSS_FLIGHTSIZE_PIPE) {
		uint64_t left = (uint64_t)c->dupacks * c->mss;
		c->cc.flight -= (uint32_t)MIN(left, (uint64_t)c->cc.flight);
	} else {
		c->cc.flight -= MIN(c->lt_bytes, c->cc.flight);
	}
	tcp_cc_on_loss(&c->cc);
	/* The row before the retransmission, with the FlightSize the algorithm was
	 * given as inflight_bytes, so ssthresh = max(inflight/2, 2·SMSS) reads off it. */
	if (c->trace)
		tcp_trace_endpoint_flight(c, "fast_retransmit", c->cc.flight);
	tcp_retransmit_first(c);
}

static void dup_ack(struct tcp_sock *c)
{
	tcp_st(c)->dupacks_received++;
	if (++c->dupacks == 1)
		c->lt_bytes = 0; /* a new run of duplicate ACKs */
	if (c->flags & TF_IN_RECOVERY) {
		/* RFC 5681 §3.2 step 4 / RFC 6582 step 3: window inflation. */
		uint32_t ow = c->cc.cwnd, os = c->cc.ssthresh;
		tcp_conn_cc_prepare(c);
		tcp_cc_on_dupack(&c->cc);
		cc_traced(c, ow, os, "recovery", true); /* a row for every one */
		return;
	}
	if (c->dupacks != c->cfg->dupack_threshold)
		return; /* below: limited transmit (output.c); above: nothing new */
	/* RFC 6582 §3.2 step 2: NewReno enters fast retransmit only when the ACK covers
	 * more than "recover" (no second reduction for losses of one window). Reno
	 * (RFC 5681) has no such check. */
	if (c->cc.ops->recovery == TCP_CC_RECOVERY_NEWRENO && seq_lt(c->snd_una, c->recover))
		return;
	enter_recovery(c);
}

static void new_ack(struct tcp_sock *c, uint32_t ack, uint32_t acked)
{
	struct sim *sim = tcp_sim(c);
	struct tcp_stats *s = tcp_st(c);
	/* Drop acknowledged data (the FIN, if acknowledged, is not in the ring). */
	uint32_t data_acked = acked < c->sndbuf.len ? acked : c->sndbuf.len;
	bool was_full = c->sndbuf.len >= c->sndbuf_max;
	tcp_sndbuf_drop(&c->sndbuf, data_acked);
	c->snd_buf_seq += data_acked;
	s->bytes_acked += data_acked;
	c->snd_una_rel += acked;
	c->snd_una = ack;
	if (fin_acked(c))
		tcp_sndbuf_free(&c->sndbuf); /* nothing can be written after our FIN */
	if (seq_lt(c->snd_nxt, c->snd_una))
		c->snd_nxt = c->snd_una;
	if (seq_lt(c->snd_max, c->snd_una))
		c->snd_max = c->snd_una;
	c->retries = 0;

	/* RFC 6298 §3 with Karn's algorithm: one timed segment, no sample from
	 * retransmissions (output.c stops the timing when it retransmits). */
	sim_time_t rtt = 0;
	if ((c->flags & TF_TIMING) && seq_gt(ack, c->rtt_seq)) {
		rtt = sim_now(sim) - c->rtt_time;
		c->flags &= ~TF_TIMING;
		rtt_sample(c, rtt);
		rtt = c->rtt.last;
	}

	uint32_t ow = c->cc.cwnd, os = c->cc.ssthresh;
	bool traced = false;
	bool restart_timer = true;
	if (c->flags & TF_IN_RECOVERY) {
		bool full = c->cc.ops->recovery == TCP_CC_RECOVERY_RENO || seq_geq(ack, c->recover);
		if (full) {
			/* RFC 6582 §3.2 step 4 full ACK / RFC 5681 §3.2 step 6: recovery
			 * ends; the algorithm deflates the window. */
			c->flags &= ~(TF_IN_RECOVERY | TF_PARTIAL_SEEN);
			c->dupacks = 0;
			tcp_conn_cc_prepare(c);
			tcp_cc_on_recovery_exit(&c->cc);
			cc_traced(c, ow, os, "recovery_exit", true);
			traced = true;
		} else {
			/* RFC 6582 §3.2 step 4 partial ACK: retransmit the first
			 * unacknowledged segment, deflate by the amount acknowledged,
			 * stay in recovery. §4: the timer is reset on the first partial
			 * ACK only (Impatient) or on each (Slow-but-Steady). */
			tcp_retransmit_first(c);
			tcp_conn_cc_prepare(c);
			tcp_cc_on_partial_ack(&c->cc, acked);
			cc_traced(c, ow, os, "recovery", true);
			traced = true;
			if ((c->flags & TF_PARTIAL_SEEN) &&
			    c->cfg->partial_ack_timer == TCP_PARTIAL_ACK_IMPATIENT)
				restart_timer = false;
			c->flags |= TF_PARTIAL_SEEN;
		}
	} else {
		c->dupacks = 0;
		struct tcp_cc_ack a = { .acked = acked, .rtt = rtt, .cwnd_limited = cwnd_limited(c) };
		bool ss = tcp_cc_in_slow_start(&c->cc);
		tcp_conn_cc_prepare(c);
		tcp_cc_on_ack(&c->cc, &a);
		if (c->trace && (c->cc.cwnd != ow || c->cc.ssthresh != os)) {
			tcp_trace_endpoint(c, ss ? "slow_start" : "congestion_avoidance");
			traced = true;
		}
	}
	if (rtt && !traced && c->trace)
		tcp_trace_endpoint(c, "rtt_sample");

	/* RFC 6298 (5.2)/(5.3): stop the timer when everything is acknowledged,
	 * restart it otherwise. */
	if (c->snd_una == c->snd_max)
		sim_timer_cancel(sim, &c->t_rtx);
	else if (restart_timer)
		tcp_timer_rtx_arm(c);

	/* Space opened in a buffer that was full (however it got full: writes that
	 * filled it exactly, a short write, SO_SNDBUF lowered below what is queued):
	 * WRITABLE arises (socket.h; Linux tcp_check_space → sk_write_space). */
	if (was_full && c->sndbuf.len < c->sndbuf_max)
		tcp_sock_wake(c, TCP_EV_WRITABLE);
}

/* The ACK step for synchronized states. Returns false when the segment must be
 * dropped (an ACK of something not yet sent). */
static bool process_ack(struct tcp_sock *c, const struct tcp_repr *seg)
{
	uint32_t ack = seg->ack;
	/* RFC 9293 §3.10.7.4: "If the ACK acks something not yet sent (SEG.ACK >
	 * SND.NXT), then send an ACK, drop the segment, and return." (snd_max: our
	 * highest sequence number sent, which SND.NXT is in the RFC's model.) */
	if (seq_gt(ack, c->snd_max)) {
		c->flags |= TF_ACK_NOW;
		return false;
	}
	uint32_t win = (uint32_t)seg->window << c->snd_wscale;
	c->probes_out = 0; /* the peer is alive (persist timer) */
	if (c->trace)
		tcp_trace_seq(c, "ack", ack, ack, win);
	uint32_t acked = seq_gt(ack, c->snd_una) ? ack - c->snd_una : 0;
	/* RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT: (a) data outstanding, (b) no data,
	 * (c) no SYN/FIN, (d) SEG.ACK = SND.UNA, (e) the same window. Answers to
	 * zero-window probes are not duplicates (BSD: no retransmission timer). */
	bool dup = acked == 0 && ack == c->snd_una && c->snd_max != c->snd_una &&
		   seg->payload_len == 0 && !(seg->flags & (TCP_FLAG_SYN | TCP_FLAG_FIN)) &&
		   win == c->snd_wnd && !sim_timer_pending(tcp_sim(c), &c->t_persist);
	/* Send window update: if SND.UNA =< SEG.ACK =< SND.NXT and (SND.WL1 < SEG.SEQ or
	 * (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)). */
	if (seq_geq(ack, c->snd_una) &&
	    (seq_lt(c->snd_wl1, seg->seq) || (c->snd_wl1 == seg->seq && seq_leq(c->snd_wl2, ack)))) {
		if (win > 0 && c->snd_wnd == 0)
			c->persist_backoff = 0;
		c->snd_wnd = win;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = ack;
		if (win > c->max_snd_wnd)
			c->max_snd_wnd = win;
	}
	if (acked)
		new_ack(c, ack, acked);
	else if (dup)
		dup_ack(c);
	return true;
}

/* ---- segment text and FIN ---- */

/* The peer's FIN is next in sequence (RFC 9293 §3.10.7.4, eighth step). */
static void process_fin(struct tcp_sock *c)
{
	c->rcv_nxt++;
	c->flags |= TF_FIN_RCVD;
	uint32_t wake = TCP_EV_READABLE;
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		/* ESTABLISHED → CLOSE-WAIT. The FIN's ACK is delayed like data (Linux
		 * enters "pingpong" mode here), so an application that answers at once
		 * carries it on its data or its own FIN (tests/vectors exchange 1). */
		tcp_set_state(c, TCP_CLOSE_WAIT);
		if (c->cfg->delayed_ack)
			tcp_timer_delack_arm(c);
		else
			c->flags |= TF_ACK_NOW;
		break;
	case TCP_FIN_WAIT_1:
		c->flags |= TF_ACK_NOW;
		if (fin_acked(c)) {
			enter_time_wait(c); /* FIN-WAIT-1 → TIME-WAIT: our FIN acked too */
		} else {
			tcp_set_state(c, TCP_CLOSING); /* FIN-WAIT-1 → CLOSING: simultaneous close */
		}
		break;
	case TCP_FIN_WAIT_2:
		c->flags |= TF_ACK_NOW;
		enter_time_wait(c); /* FIN-WAIT-2 → TIME-WAIT */
		break;
	case TCP_TIME_WAIT:
		c->flags |= TF_ACK_NOW;
		tcp_timer_time_wait(c); /* remain; restart 2·MSL */
		break;
	default:
		break; /* CLOSE-WAIT, CLOSING, LAST-ACK: remain */
	}
	if (c->flags & TF_FIN_QUEUED)
		wake |= TCP_EV_HUP; /* both directions are finished */
	tcp_sock_wake(c, wake);
}

/* Appends in-order data (and handles a FIN after it). Takes pkt. */
static void deliver(struct tcp_sock *c, struct sim_packet *pkt, bool fin)
{
	uint32_t len = pkt->len;
	c->rcv_nxt += len;
	tcp_st(c)->bytes_received += len;
	if (c->flags & TF_SHUT_RD)
		sim_packet_free(pkt); /* shutdown(SHUT_RD): acknowledged and discarded */
	else
		tcp_rcvq_append(&c->rcvq, pkt);
	if (fin)
		process_fin(c);
}

/* The seventh and eighth steps: segment text and FIN, for a segment already trimmed
 * to the window (pkt->data = payload). Takes pkt. */
static void receive_text(struct tcp_sock *c, struct sim_packet *pkt, uint32_t seq, bool fin)
{
	uint32_t len = pkt->len;
	if (len > c->rcv_mss)
		c->rcv_mss = len < c->adv_mss ? len : c->adv_mss;
	if (seq != c->rcv_nxt) {
		/* Beyond RCV.NXT: keep it for later (RFC 9293 §3.10.7.4 seventh step,
		 * RFC 1122 §4.2.2.20) and send an immediate duplicate ACK (RFC 5681
		 * §4.2: "a TCP receiver SHOULD send an immediate duplicate ACK when an
		 * out-of-order segment arrives"). */
		tcp_ooo_insert(&c->ooo, pkt, seq, fin);
		tcp_st(c)->ooo_segments++;
		tcp_st(c)->dupacks_sent++;
		c->flags |= TF_ACK_NOW;
		return;
	}
	bool had_gap = c->ooo.count > 0;
	deliver(c, pkt, fin);
	struct sim_packet *p;
	while (!(c->flags & TF_FIN_RCVD) && (p = tcp_ooo_pop(&c->ooo, c->rcv_nxt)))
		deliver(c, p, tcp_pkt_fin(p));
	if (len > 0)
		tcp_sock_wake(c, TCP_EV_READABLE);
	if (c->flags & TF_FIN_RCVD)
		tcp_ooo_clear(&c->ooo); /* nothing can follow the FIN */
	/* ACK policy (RFC 1122 §4.2.3.2, RFC 5681 §4.2). */
	if (had_gap)
		c->flags |= TF_ACK_NOW; /* a segment that fills (part of) a gap: ACK at once */
	else if (!c->cfg->delayed_ack)
		c->flags |= TF_ACK_NOW;
	else if ((uint64_t)(c->rcv_nxt - c->rcv_wup) >=
		 (uint64_t)c->cfg->delack_segments * c->rcv_mss)
		c->flags |= TF_ACK_NOW; /* at least every second full-sized segment */
	else if (len > 0)
		tcp_timer_delack_arm(c);
}

/* ---- §3.10.7.4: every state but CLOSED, LISTEN and SYN-SENT ---- */

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

void tcp_input(struct tcp_sock *c, struct sim_packet *pkt, const struct tcp_repr *rcvd)
{
	/* The segment as trimmed to the window; rcvd stays as it arrived (RFC 5961 §3.2
	 * compares the RST's own sequence number). */
	struct tcp_repr trimmed = *rcvd;
	struct tcp_repr *seg = &trimmed;
	struct sim *sim = tcp_sim(c);
	tcp_st(c)->segs_received++;
	sim_packet_pull(pkt, seg->hdr_len); /* pkt->data = payload from here on */

	switch (c->state) {
	case TCP_CLOSED:
	case TCP_LISTEN:
		/* Not reachable through the 4-tuple table; treat as no TCB. */
		sim_packet_free(pkt);
		return;
	case TCP_SYN_SENT:
		c->last_rcv = sim_now(sim);
		input_syn_sent(c, seg);
		sim_packet_free(pkt);
		return;
	default:
		break;
	}

	if (c->state == TCP_SYN_RECEIVED && (seg->flags & TCP_FLAG_SYN) && seg->seq == c->irs) {
		if (!(seg->flags & TCP_FLAG_ACK)) {
			/* The peer retransmitted its SYN: our SYN-ACK was lost. Send it
			 * again now (Linux tcp_check_req) rather than a bare ACK. */
			if (c->flags & TF_PASSIVE)
				tcp_send_syn(c, true);
			sim_packet_free(pkt);
			return;
		}
		/* Simultaneous open: the peer's SYN-ACK repeats the SYN we already
		 * took; its ACK completes the handshake (RFC 9293 Figure 8, line 6;
		 * Linux tcp_validate_incoming). The SYN is trimmed below. */
	}

	/* First: sequence number check. RCV.WND is what we advertised. */
	int32_t wnd_i = seq_diff(c->rcv_adv, c->rcv_nxt);
	uint32_t rcv_wnd = wnd_i > 0 ? (uint32_t)wnd_i : 0;
	uint32_t seg_len = tcp_repr_seg_len(seg);
	bool ok = acceptable(seg->seq, seg_len, c->rcv_nxt, rcv_wnd) ||
		  (c->state == TCP_SYN_RECEIVED && (seg->flags & TCP_FLAG_SYN) &&
		   seg->seq == c->irs && seg_len == 1);
	bool zero_window_only = false;
	if (!ok && rcv_wnd == 0 && seg->seq == c->rcv_nxt) {
		/* "If the RCV.WND is zero, no segments will be acceptable, but special
		 * allowance should be made to accept valid ACKs, URGs, and RSTs": a
		 * zero-window probe's ACK is processed, its data dropped. */
		ok = true;
		zero_window_only = true;
	}
	if (!ok) {
		if (!(seg->flags & TCP_FLAG_RST)) {
			/* A retransmitted FIN in TIME-WAIT is re-acknowledged and restarts
			 * the 2·MSL timer (RFC 9293 §3.10.7.4 eighth step; Linux
			 * tcp_timewait_state_process). */
			if (c->state == TCP_TIME_WAIT && (seg->flags & TCP_FLAG_FIN) &&
			    seg->seq + seg_len == c->rcv_nxt)
				tcp_timer_time_wait(c);
			/* "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>", an immediate duplicate ACK. */
			c->flags |= TF_ACK_NOW;
			if (seg->payload_len > 0)
				tcp_st(c)->dupacks_sent++;
			tcp_output(c);
		}
		sim_packet_free(pkt);
		return;
	}
	c->last_rcv = sim_now(sim);
	c->keepalive_sent = 0;

	/* Trim to the window: data before RCV.NXT (an old SYN counts as one), data
	 * beyond RCV.NXT + RCV.WND (with a FIN beyond it). */
	if (seq_lt(seg->seq, c->rcv_nxt)) {
		uint32_t d = c->rcv_nxt - seg->seq;
		if (seg->flags & TCP_FLAG_SYN) {
			seg->flags &= (uint8_t)~TCP_FLAG_SYN;
			seg->seq++;
			d--;
		}
		if (d >= pkt->len + ((seg->flags & TCP_FLAG_FIN) ? 1u : 0u) && d > 0) {
			/* Everything was seen before: acknowledge (RFC 5681 §4.2: a
			 * duplicate segment gets an immediate ACK). */
			if (pkt->len > 0 || (seg->flags & TCP_FLAG_FIN)) {
				c->flags |= TF_ACK_NOW;
				tcp_st(c)->dupacks_sent++;
			}
			seg->flags &= (uint8_t)~TCP_FLAG_FIN;
			d = pkt->len;
		}
		if (d > pkt->len)
			d = pkt->len;
		sim_packet_pull(pkt, d);
		seg->seq += d;
		seg->payload_len = pkt->len;
	}
	if (zero_window_only) {
		sim_packet_trim(pkt, 0);
		seg->payload_len = 0;
		seg->flags &= (uint8_t)~(TCP_FLAG_FIN | TCP_FLAG_SYN);
		c->flags |= TF_ACK_NOW;
	} else if (seq_gt(seg->seq + pkt->len, c->rcv_nxt + rcv_wnd)) {
		int32_t keep = seq_diff(c->rcv_nxt + rcv_wnd, seg->seq);
		sim_packet_trim(pkt, keep > 0 ? (uint32_t)keep : 0);
		seg->payload_len = pkt->len;
		seg->flags &= (uint8_t)~TCP_FLAG_FIN;
		c->flags |= TF_ACK_NOW;
	}

	/* Second: RST. RFC 9293 §3.10.7.4 with RFC 5961 §3.2: only a RST exactly at
	 * RCV.NXT resets; one elsewhere in the window draws a challenge ACK. The test
	 * is on the sequence number the RST arrived with, not the trimmed one: a RST
	 * whose data starts before RCV.NXT is not an exact match (Linux
	 * tcp_validate_incoming compares TCP_SKB_CB(skb)->seq). */
	if (seg->flags & TCP_FLAG_RST) {
		sim_packet_free(pkt);
		if (rcvd->seq != c->rcv_nxt) {
			c->flags |= TF_ACK_NOW;
			tcp_output(c);
			return;
		}
		switch (c->state) {
		case TCP_SYN_RECEIVED:
			if (c->flags & TF_PASSIVE)
				tcp_conn_fail(c, 0); /* SYN-RECEIVED → (LISTEN): the child goes */
			else
				tcp_conn_fail(c, -ECONNREFUSED); /* active open refused */
			return;
		case TCP_ESTABLISHED:
		case TCP_FIN_WAIT_1:
		case TCP_FIN_WAIT_2:
		case TCP_CLOSE_WAIT:
			tcp_conn_fail(c, -ECONNRESET); /* → CLOSED: connection reset */
			return;
		default:
			tcp_conn_closed(c); /* CLOSING, LAST-ACK, TIME-WAIT → CLOSED */
			return;
		}
	}

	/* Fourth: SYN in a synchronized state (RFC 9293 §3.10.7.4, RFC 5961 §4.2): a
	 * challenge ACK, except that a passive SYN-RECEIVED goes back to LISTEN. */
	if (seg->flags & TCP_FLAG_SYN) {
		sim_packet_free(pkt);
		if (c->state == TCP_SYN_RECEIVED && (c->flags & TF_PASSIVE)) {
			tcp_conn_fail(c, 0);
			return;
		}
		c->flags |= TF_ACK_NOW;
		tcp_output(c);
		return;
	}

	/* Fifth: ACK. Without it the segment is dropped. */
	if (!(seg->flags & TCP_FLAG_ACK)) {
		sim_packet_free(pkt);
		return;
	}
	switch (c->state) {
	case TCP_SYN_RECEIVED:
		if (!(seq_lt(c->snd_una, seg->ack) && seq_leq(seg->ack, c->snd_max))) {
			/* Unacceptable ACK: <SEQ=SEG.ACK><CTL=RST>. */
			tcp_send_rst_reply(c->stack, seg, c->t.raddr, c->t.laddr);
			sim_packet_free(pkt);
			return;
		}
		if (c->parent && c->parent->acceptq_len >= c->parent->backlog) {
			/* Accept queue full: drop the ACK and stay in SYN-RECEIVED (Linux);
			 * the SYN-ACK is retransmitted and the client's ACK comes again. */
			c->stack->stats.syn_dropped++;
			sim_packet_free(pkt);
			return;
		}
		/* SYN-RECEIVED → ESTABLISHED. The window of this first non-SYN segment
		 * is scaled (RFC 7323 §2.2). */
		c->snd_una = seg->ack;
		c->snd_wnd = (uint32_t)seg->window << c->snd_wscale;
		c->max_snd_wnd = c->snd_wnd;
		c->snd_wl1 = seg->seq;
		c->snd_wl2 = seg->ack;
		established(c);
		if (c->parent) {
			struct tcp_sock *l = c->parent;
			synq_remove(c);
			c->parent = l;
			if (l->acceptq_tail)
				l->acceptq_tail->q_next = c;
			else
				l->acceptq_head = c;
			l->acceptq_tail = c;
			c->q_next = NULL;
			l->acceptq_len++;
			tcp_sock_wake(l, TCP_EV_READABLE);
		} else {
			c->flags &= ~TF_CONNECTING;
			tcp_sock_wake(c, TCP_EV_WRITABLE); /* simultaneous open completed */
		}
		if (!process_ack(c, seg)) {
			sim_packet_free(pkt);
			tcp_output(c);
			return;
		}
		break;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_2:
		if (!process_ack(c, seg)) {
			sim_packet_free(pkt);
			tcp_output(c);
			return;
		}
		break;
	case TCP_FIN_WAIT_1:
		if (!process_ack(c, seg)) {
			sim_packet_free(pkt);
			tcp_output(c);
			return;
		}
		if (fin_acked(c)) {
			tcp_set_state(c, TCP_FIN_WAIT_2); /* FIN-WAIT-1 → FIN-WAIT-2 */
			tcp_timer_fin_wait2(c);
		}
		break;
	case TCP_CLOSING:
		if (!process_ack(c, seg)) {
			sim_packet_free(pkt);
			tcp_output(c);
			return;
		}
		if (fin_acked(c))
			enter_time_wait(c); /* CLOSING → TIME-WAIT */
		break;
	case TCP_LAST_ACK:
		if (!process_ack(c, seg)) {
			sim_packet_free(pkt);
			tcp_output(c);
			return;
		}
		if (fin_acked(c)) {
			sim_packet_free(pkt);
			tcp_conn_closed(c); /* LAST-ACK → CLOSED */
			return;
		}
		break;
	case TCP_TIME_WAIT:
		/* Only a retransmitted FIN can arrive; the FIN step handles it. */
		break;
	default:
		break;
	}

	/* Sixth: URG. Urgent data is delivered inline like any other (RFC 6093 §6:
	 * applications should not rely on it); the pointer is not acted upon. */

	/* Seventh and eighth: segment text and FIN. */
	bool fin = (seg->flags & TCP_FLAG_FIN) != 0;
	if (pkt->len > 0 || fin) {
		switch (c->state) {
		case TCP_ESTABLISHED:
		case TCP_FIN_WAIT_1:
		case TCP_FIN_WAIT_2:
			if (!c->app_ref && pkt->len > 0 && (c->flags & TF_FIN_QUEUED)) {
				/* New data for a connection the application closed: nobody
				 * will read it, so reset (Linux tcp_rcv_state_process;
				 * RFC 9293 §3.6.1 / RFC 2525 §2.17). */
				sim_packet_free(pkt);
				tcp_send_rst(c);
				tcp_conn_fail(c, 0);
				return;
			}
			receive_text(c, pkt, seg->seq, fin);
			pkt = NULL;
			break;
		default:
			/* CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: the peer already sent
			 * its FIN, so anything acceptable here is beyond it and ignored
			 * (a retransmitted FIN was handled by the sequence check). */
			break;
		}
	}
	sim_packet_free(pkt);
	if (c->state == TCP_CLOSED)
		return;
	tcp_output(c);
}

/* ---- PMTUD (RFC 1191) ---- */

void tcp_pmtu_update(struct tcp_sock *c, uint32_t mtu)
{
	/* RFC 1191 §6.1–6.3: lower the path MTU and the effective MSS (MTU − 40), and
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
	c->flags &= ~TF_TIMING;
	c->snd_nxt = c->snd_una;
	tcp_output(c);
	if (c->snd_nxt == c->snd_una)
		tcp_retransmit_first(c);
}
