/* models/tcp/conn.c — the life of a connection object (conn.h): allocation and
 * configuration, state changes, the handshake's completion, TIME-WAIT, failure and
 * normal close, release from the tables and the listener's queues, and freeing; and
 * the glue to congestion control (starting it, and calling its hooks).
 *
 * Where it sits: socket.c (connect, listen, close), input.c (segments) and timer.c
 * (timeouts) decide *when* a connection changes; this file does the change the same
 * way for all of them, so a state is never entered without its trace row and a
 * connection never leaves the tables without its timers cancelled.
 */
#include <errno.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

/* ---- the object ---- */

void tcp_sockopts_from_config(struct tcp_sockopts *o, const struct tcp_config *cfg)
{
	*o = (struct tcp_sockopts){
		.nodelay = !cfg->nagle,
		.keepalive = cfg->keepalive,
		.linger0 = false,
		.keepidle = cfg->keepalive_idle,
		.keepintvl = cfg->keepalive_interval,
		.keepcnt = cfg->keepalive_probes,
		.sndbuf = cfg->sndbuf,
		.rcvbuf = cfg->rcvbuf,
	};
}

void tcp_conn_set_config(struct tcp_sock *c, const struct tcp_config *cfg)
{
	if (cfg == &c->stack->cfg) {
		c->cfg = cfg;
	} else {
		if (!c->cfg_own)
			c->cfg_own = g_new(struct tcp_config, 1);
		*c->cfg_own = *cfg;
		c->cfg = c->cfg_own;
		c->flags |= TF_CFG_OWNED;
	}
	/* The socket options start from the configuration. */
	tcp_sockopts_from_config(&c->opt, cfg);
	tcp_rtt_init(&c->rtt, cfg->rto_initial);
}

struct tcp_sock *tcp_conn_alloc(struct tcp_stack *st, const struct tcp_config *cfg)
{
	struct tcp_sock *c = g_new0(struct tcp_sock, 1);
	c->stack = st;
	c->state = TCP_CLOSED;
	tcp_conn_set_config(c, cfg);
	/* Placeholders until the route is known (connect, SYN): an Ethernet MTU. The
	 * peer's MSS stays RFC 9293's 536 until its SYN says otherwise. */
	c->peer_mss = TCP_MSS_DEFAULT;
	c->adv_mss = (uint16_t)(cfg->mss && cfg->mss < 1460 ? cfg->mss : 1460);
	c->mss = c->adv_mss;
	c->mtu = 1500;
	c->rcv_mss = TCP_MSS_DEFAULT;
	tcp_sndbuf_init(&c->sndbuf);
	tcp_rcvq_init(&c->rcvq);
	tcp_ooo_init(&c->ooo);
	tcp_sb_init(&c->sb);
	tcp_sackrcv_init(&c->sackrcv);
	tcp_recovery_init(c);
	c->stats = g_new0(struct tcp_stats_block, 1);
	c->stats->refs = 1;
	c->stats->st.state = TCP_CLOSED;
	/* Congestion control holds sensible values from the start (a trace opened
	 * before connect() shows them); it is re-initialised with the real MSS when
	 * the connection is established. */
	tcp_conn_cc_start(c);
	/* Append to the creation-order list. */
	c->all_prev = st->all_tail;
	if (st->all_tail)
		st->all_tail->all_next = c;
	else
		st->all_head = c;
	st->all_tail = c;
	st->stats.conns_live++;
	return c;
}

void tcp_conn_destroy(struct tcp_sock *c)
{
	struct tcp_stack *st = c->stack;
	tcp_timers_cancel_all(c);
	sim_timer_cancel(st->sim, &c->t_notify);
	if (c->in_conns)
		tcp_conn_hash_del(c);
	if (c->in_listeners)
		tcp_listener_del(c);
	if (c->bound)
		tcp_port_unbind(c);
	/* Children still queued on a listener lose their parent. */
	for (struct tcp_sock *ch = c->acceptq_head; ch; ch = ch->q_next)
		ch->parent = NULL;
	c->acceptq_head = c->acceptq_tail = NULL;
	tcp_sndbuf_free(&c->sndbuf);
	tcp_sb_free(&c->sb);
	tcp_rcvq_clear(&c->rcvq);
	tcp_ooo_clear(&c->ooo);
	tcp_trace_close(c);
	tcp_listen_free(c);
	tcp_stats_unref(&c->stats->st);
	if (c->all_prev)
		c->all_prev->all_next = c->all_next;
	else
		st->all_head = c->all_next;
	if (c->all_next)
		c->all_next->all_prev = c->all_prev;
	else
		st->all_tail = c->all_prev;
	st->stats.conns_live--;
	g_free(c->cfg_own);
	g_free(c);
}

bool tcp_conn_maybe_free(struct tcp_sock *c)
{
	if (c->state != TCP_CLOSED || c->app_ref || c->parent || c->in_callback)
		return false;
	tcp_conn_destroy(c);
	return true;
}

void tcp_stats_unref(const struct tcp_stats *stats)
{
	if (!stats)
		return;
	/* The block starts with the stats (struct tcp_stats_block). */
	struct tcp_stats_block *b = (struct tcp_stats_block *)(uintptr_t)stats;
	g_assert(b->refs > 0);
	if (--b->refs == 0)
		g_free(b);
}

/* ---- states ---- */

void tcp_set_state(struct tcp_sock *c, enum tcp_state st)
{
	if (c->state == st)
		return;
	c->state = st;
	tcp_st(c)->state = st;
	if (c->trace)
		tcp_trace_endpoint(c, "state");
}

void tcp_conn_rtt_sample(struct tcp_sock *c, sim_time_t rtt)
{
	tcp_rtt_sample(&c->rtt, rtt, c->cfg, c->snd_una, c->snd_nxt);
	struct tcp_stats *s = tcp_st(c);
	rtt = c->rtt.last;
	if (s->rtt_samples == 0 || rtt < s->rtt_min)
		s->rtt_min = rtt;
	if (rtt > s->rtt_max)
		s->rtt_max = rtt;
	s->rtt_sum += rtt;
	s->rtt_samples++;
}

void tcp_conn_established(struct tcp_sock *c)
{
	struct sim *sim = tcp_sim(c);
	/* RFC 6298 §3 (Karn's algorithm) and (2.2): the SYN exchange gives the first
	 * RTT sample unless the SYN (or SYN-ACK) was retransmitted. */
	if ((c->flags & TF_TIMING) && seq_gt(c->snd_una, c->rtt_seq))
		tcp_conn_rtt_sample(c, sim_now(sim) - c->rtt_time);
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
	/* Linux tcp_finish_connect() and tcp_create_openreq_child(): the last data
	 * "received" is the connection's establishment until data arrives (what
	 * tcpi_last_data_recv counts from; the delayed-ACK engine starts only with
	 * the first data, ack.ato still 0). */
	c->ack.lrcvtime = sim_now(sim);
	sim_timer_cancel(sim, &c->t_rtx);
	c->snd_buf_seq = c->iss + 1;
	c->snd_una_rel = 1;
	c->flags |= TF_ESTABLISHED_ONCE;
	struct tcp_stats *s = tcp_st(c);
	s->sack = (c->flags & TF_SACK_OK) != 0;
	s->timestamps = (c->flags & TF_TS_OK) != 0;
	s->wscale = (c->flags & TF_WS_OK) != 0;
	tcp_recovery_init(c); /* SACK is known now */
	tcp_rcvwnd_established(c); /* Linux tcp_init_buffer_space */
	tcp_conn_cc_start(c);
	c->cwnd_lim_seq = c->snd_nxt;
	if (tcp_lx(c))
		tcp_lx_start(c);
	/* One trace row for the transition, with the sample and the initial window. */
	tcp_set_state(c, TCP_ESTABLISHED);
	tcp_timer_keepalive_reset(c);
}

void tcp_conn_time_wait(struct tcp_sock *c)
{
	tcp_set_state(c, TCP_TIME_WAIT);
	sim_timer_cancel(tcp_sim(c), &c->t_delack);
	tcp_timer_time_wait(c); /* RFC 9293 §3.10.7.4: start the 2·MSL timer */
	tcp_sock_wake(c, TCP_EV_HUP);
}

/* ---- the listener's queues ---- */

void tcp_conn_synq_add(struct tcp_sock *l, struct tcp_sock *c)
{
	c->parent = l;
	c->q_next = l->synq_head;
	l->synq_head = c;
	l->synq_len++;
}

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

void tcp_conn_acceptq_add(struct tcp_sock *c)
{
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
}

/* ---- the end ---- */

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

/* ---- congestion control ---- */

/* Fills the inputs of struct tcp_cc (cc.h) before a hook is called. */
static void cc_prepare(struct tcp_sock *c)
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
	cc->snd_una = c->snd_una;
	cc->snd_nxt = c->snd_nxt;
}

/* The initial window in segments. */
static uint32_t initial_segments(const struct tcp_sock *c)
{
	uint32_t mss = c->mss;
	/* RFC 5681 §3.1: if the SYN or SYN-ACK was lost, the initial window is one
	 * segment (Linux: tcp_init_transfer with retransmitted SYNs). */
	if (c->flags & TF_SYN_RETX)
		return 1;
	if (c->cfg->initial_window > 0)
		/* RFC 6928 §2 allows min(10·MSS, max(2·MSS, 14600)); Linux sets 10
		 * segments whatever the MSS (TCP_INIT_CWND, tcp_init_cwnd()), and so
		 * does initial_window = 10. */
		return c->cfg->initial_window;
	/* RFC 5681 §3.1: IW = 2, 3 or 4 segments by SMSS (the upper bounds of its
	 * table; RFC 3390). */
	if (mss > 2190)
		return 2;
	if (mss > 1095)
		return 3;
	return 4;
}

void tcp_conn_cc_start(struct tcp_sock *c)
{
	const struct tcp_cc_ops *ops = tcp_cc_find(c->cfg->cc);
	if (!ops)
		g_error("tcp: unknown congestion control \"%s\" (configuration not validated)",
			c->cfg->cc);
	/* recovery linux counts windows in packets (Linux snd_cwnd), the RFC
	 * recoveries in bytes. */
	bool packets = tcp_lx(c);
	uint32_t iw = initial_segments(c);
	tcp_cc_init(&c->cc, ops, &c->cfg->cc_cfg, tcp_config_cc_params(c->cfg, ops), c->mss,
		    packets ? iw : iw * c->mss, packets);
	c->cc.ecn_ok = (c->ecn.flags & TCP_ECN_OK) != 0;
}

/* FlightSize for ssthresh at the third duplicate ACK (loss_flightsize, tcp.h). */
static uint32_t loss_flight(const struct tcp_sock *c, uint32_t flight)
{
	/* RFC 5681 §3.2 step 2: "additional data sent in limited transmit MUST NOT be
	 * included in this calculation". The pipe estimate discounts one segment per
	 * duplicate ACK instead. */
	uint64_t gone = c->cfg->loss_flightsize == TCP_LOSS_FLIGHTSIZE_PIPE
				? (uint64_t)c->dupacks * c->mss
				: c->lt_bytes;
	return flight - (uint32_t)MIN(gone, (uint64_t)flight);
}

bool tcp_conn_cc_hook(struct tcp_sock *c, enum tcp_conn_cc_hook hook, const struct tcp_cc_ack *ack)
{
	uint32_t ow = c->cc.cwnd, os = c->cc.ssthresh;
	bool slow_start = tcp_cc_in_slow_start(&c->cc);
	const char *row = NULL; /* the trace row every call writes; NULL: only on change */
	cc_prepare(c);
	switch (hook) {
	case TCP_CONN_CC_ACK:
		tcp_cc_on_ack(&c->cc, ack);
		break;
	case TCP_CONN_CC_LOSS:
		c->cc.flight = loss_flight(c, c->cc.flight);
		tcp_cc_on_loss(&c->cc);
		/* RFC 6675 §5 (4.2): "ssthresh = cwnd = (FlightSize / 2)": the algorithm
		 * chose ssthresh (Reno: FlightSize/2; CUBIC: β·cwnd); the window is not
		 * inflated, pipe does what inflation did for Reno. */
		if (tcp_sack_recovery(c))
			c->cc.cwnd = c->cc.ssthresh;
		/* The row shows the FlightSize the algorithm was given as inflight_bytes,
		 * so ssthresh = max(inflight/2, 2·SMSS) reads off it. */
		if (c->trace)
			tcp_trace_endpoint_flight(c, "fast_retransmit", c->cc.flight);
		return c->trace != NULL;
	case TCP_CONN_CC_DUPACK:
		tcp_cc_on_dupack(&c->cc);
		row = "recovery"; /* a row for every one */
		break;
	case TCP_CONN_CC_PARTIAL_ACK:
		tcp_cc_on_partial_ack(&c->cc, ack->acked);
		row = "recovery";
		break;
	case TCP_CONN_CC_RECOVERY_EXIT:
		tcp_cc_on_recovery_exit(&c->cc);
		row = "recovery_exit";
		break;
	case TCP_CONN_CC_RTO:
		/* With the scoreboard the sender holds pipe against cwnd, not snd.nxt −
		 * snd.una: after an earlier timeout everything not yet resent is marked
		 * lost and is no more in flight than go-back-N's abandoned window (which
		 * snd.nxt leaves out). So RFC 5681 eqn. 4's FlightSize is RFC 6675's pipe
		 * here; taking snd.nxt − snd.una would set ssthresh from data long lost. */
		if (tcp_sack_recovery(c))
			c->cc.flight = tcp_sb_pipe(&c->sb);
		tcp_cc_on_rto(&c->cc);
		/* FlightSize before go-back-N, the new ssthresh, cwnd = loss window and
		 * the backed-off RTO. */
		if (c->trace)
			tcp_trace_endpoint_flight(c, "rto", c->cc.flight);
		return c->trace != NULL;
	case TCP_CONN_CC_SACK_RECOVERY:
		row = "recovery";
		break;
	case TCP_CONN_CC_ECE:
		tcp_cc_on_ece(&c->cc);
		row = "cwr";
		break;
	}
	if (!c->trace)
		return false;
	if (!row) {
		if (c->cc.cwnd == ow && c->cc.ssthresh == os)
			return false;
		row = slow_start ? "slow_start" : "congestion_avoidance";
	}
	tcp_trace_endpoint(c, row);
	return true;
}
