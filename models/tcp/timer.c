/* models/tcp/timer.c — the connection's timers.
 *
 * Each is a struct sim_timer embedded in the connection: arming re-arms (O(1) when
 * later, so restarting the retransmission timer on every ACK is cheap), and every
 * handler first checks that it is still relevant (the state may have moved on), as
 * STYLE.md asks. Handlers end by calling into output.c or input.c's teardown.
 *
 *   t_rtx        SYN / SYN-ACK / data / FIN retransmission (RFC 6298 §5, RFC 9293 §3.8.1)
 *   t_persist    zero-window probes (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17)
 *   t_delack     delayed ACK (RFC 1122 §4.2.3.2, RFC 5681 §4.2)
 *   t_keepalive  keepalive (RFC 1122 §4.2.3.6)
 *   t_wait       TIME-WAIT 2·MSL (RFC 9293 §3.6.1) and orphaned FIN-WAIT-2 (Linux)
 */
#include <errno.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

sim_time_t tcp_current_rto(const struct tcp_sock *c)
{
	return tcp_rtt_rto(&c->rtt, c->cfg);
}

/* ---- retransmission ---- */

static void fail_timeout(struct tcp_sock *c)
{
	/* RFC 1122 §4.2.3.9: report a remembered soft error rather than a bare timeout
	 * when there is one (Linux does the same with sk_err_soft). */
	tcp_conn_fail(c, c->soft_error ? c->soft_error : -ETIMEDOUT);
}

/* Linux tcp_write_timeout() also ends an active open by time: once a SYN was
 * retransmitted, when the first SYN is older than syn_retries exponentially
 * backed-off timeouts from the initial RTO would take (tcp_model_timeout(): doublings
 * up to rto_max, then rto_max each). With linear timeouts this comes first:
 * syn_retries 1 gives SYNs at 0, 1, 2 s and ETIMEDOUT at 3 s. */
static bool syn_time_out(const struct tcp_sock *c)
{
	const struct tcp_config *cfg = c->cfg;
	if (c->retries == 0)
		return false;
	sim_time_t timeout = 0, rto = cfg->rto_initial;
	for (uint32_t i = 0; i <= cfg->syn_retries; i++) {
		timeout += rto;
		rto = rto * 2 < cfg->rto_max ? rto * 2 : cfg->rto_max;
	}
	return sim_now(tcp_sim(c)) - c->rtt_time >= timeout;
}

/* The SYN or SYN-ACK timed out: retransmission with exponential backoff (RFC 6298
 * (5.5), RFC 1122 §4.2.3.5), then give up. */
static void syn_timeout(struct tcp_sock *c)
{
	const struct tcp_config *cfg = c->cfg;
	bool passive = (c->flags & TF_PASSIVE) != 0;
	/* Linux (tcp_write_timeout, tcp_retransmit_timer): an active open's first
	 * syn_linear_timeouts expiries keep the RTO (no backoff) and add to the
	 * retransmissions allowed. */
	uint32_t linear = passive ? 0 : cfg->syn_linear_timeouts;
	uint32_t limit = passive ? cfg->synack_retries : cfg->syn_retries + linear;
	/* Every expiry counts, the last one that gives up too (Linux counts TCPTimeouts
	 * before tcp_write_timeout decides): syn_retries retransmissions, syn_retries +
	 * 1 expirations. */
	tcp_st(c)->rto_expirations++;
	/* TCP_USER_TIMEOUT replaces the time bound (Linux tcp_write_timeout). */
	bool by_time = linear > 0 && syn_time_out(c);
	if (c->opt.user_timeout)
		by_time = c->retries > 0 && tcp_user_timed_out(c, c->rtx_stamp);
	if (c->retries >= limit || (!passive && by_time)) {
		if (passive) {
			/* The half-open child simply disappears (Linux: the request socket
			 * expires); the listener is unaffected. */
			tcp_conn_fail(c, 0);
		} else {
			fail_timeout(c);
		}
		return;
	}
	if (c->retries++ == 0)
		c->rtx_stamp = c->rtt_time; /* the first SYN's (Linux retrans_stamp) */
	if (c->retries > linear)
		tcp_rtt_backoff(&c->rtt, cfg);
	tcp_send_syn(c, true);
	tcp_timer_rtx_arm(c);
	if (c->trace)
		tcp_trace_endpoint(c, "rto");
}

static void rtx_fire(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_sock *c = ctx;
	(void)sim;
	(void)arg;
	const struct tcp_config *cfg = c->cfg;
	if (c->xmit_error) {
		/* The network layer refused the last segment for good (see xmit()): the
		 * retransmission would be refused too, so fail now with the error rather
		 * than retry until the retries run out. A half-open child just goes. */
		tcp_conn_fail(c, c->state == TCP_SYN_RECEIVED && (c->flags & TF_PASSIVE)
					 ? 0
					 : c->xmit_error);
		return;
	}
	switch (c->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
		syn_timeout(c);
		return;
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
	case TCP_FIN_WAIT_1:
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		break;
	default:
		return; /* FIN-WAIT-2, TIME-WAIT, CLOSED: nothing outstanding */
	}
	if (c->snd_una == c->snd_max)
		return; /* everything was acknowledged meanwhile */
	if (tcp_lx(c)) {
		/* recovery linux: one timer serves the RTO, RACK's reordering timer and
		 * the tail loss probe (Linux icsk_pending). */
		if (c->lx.timer == TCP_LX_TIMER_REO || c->lx.timer == TCP_LX_TIMER_TLP) {
			tcp_lx_timer(c);
			return;
		}
		c->lx.timer = TCP_LX_TIMER_NONE;
	}
	/* Counted like a SYN timeout: every expiry, the one that gives up too. */
	tcp_st(c)->rto_expirations++;
	/* RFC 1122 §4.2.3.5 R2; TCP_USER_TIMEOUT replaces the count by a time since the
	 * head segment went out (Linux tcp_write_timeout, retransmits_timed_out). */
	bool give_up = c->retries >= cfg->data_retries;
	if (c->opt.user_timeout)
		give_up = c->retries > 0 && tcp_user_timed_out(c, c->rtx_stamp);
	if (give_up) {
		fail_timeout(c);
		return;
	}
	if (c->retries == 0)
		c->rtx_stamp = c->rtx_armed_at; /* Linux retrans_stamp */
	if (c->stack->local_drop) {
		/* The local queue refuses the retransmission: try again soon, without
		 * backing off (Linux tcp_retransmit_timer, TCP_RESOURCE_PROBE_INTERVAL). */
		c->retries++;
		sim_time_t t = tcp_user_timeout_clamp(c, c->rtx_stamp, TCP_RESOURCE_PROBE_INTERVAL);
		sim_timer_arm_in(sim, &c->t_rtx, t, rtx_fire, c, NULL);
		return;
	}
	if (tcp_lx(c)) {
		/* Linux tcp_retransmit_timer: Loss and the first segment again, then the
		 * backoff (icsk_rto doubled) and the timer. */
		tcp_lx_rto(c);
		c->retries++;
		tcp_rtt_backoff(&c->rtt, cfg);
		tcp_lx_arm(c, TCP_LX_TIMER_RTO, tcp_current_rto(c));
		return;
	}
	/* RFC 6298 (5.5): back off the timer. */
	tcp_rtt_backoff(&c->rtt, cfg);
	/* RFC 5681 §3.1 eqn. 4 and the loss window, on every expiry (cc.h): the
	 * wrappers count consecutive timeouts in rto_streak, and the algorithm holds
	 * ssthresh on a repeated timeout of the same segment (RFC 5681 §3.1, Linux
	 * tcp_enter_loss). FlightSize is read before go-back-N resets snd_nxt; the
	 * trace row shows it with the new ssthresh, cwnd and the backed-off RTO. */
	tcp_conn_cc_hook(c, TCP_CONN_CC_RTO, NULL);
	c->retries++;
	/* "recover", the scoreboard and the first retransmission (recovery.c): RFC
	 * 6298 (5.4)–(5.6) and RFC 6582 §3.2 step 4, or RFC 6675 §5.1 with SACK. */
	tcp_recovery_timeout(c);
	tcp_timer_rtx_arm(c);
}

void tcp_timer_rtx_arm(struct tcp_sock *c)
{
	sim_time_t rto = tcp_current_rto(c);
	if (c->retries > 0) /* TCP_USER_TIMEOUT: not beyond it */
		rto = tcp_user_timeout_clamp(c, c->rtx_stamp, rto);
	else
		c->rtx_armed_at = sim_now(tcp_sim(c));
	sim_timer_arm_in(tcp_sim(c), &c->t_rtx, rto, rtx_fire, c, NULL);
}

void tcp_timer_rtx_arm_in(struct tcp_sock *c, sim_time_t d)
{
	sim_timer_arm_in(tcp_sim(c), &c->t_rtx, d, rtx_fire, c, NULL);
}

void tcp_lx_arm(struct tcp_sock *c, enum tcp_lx_timer kind, sim_time_t d)
{
	c->lx.timer = (uint8_t)kind;
	if (kind == TCP_LX_TIMER_RTO) {
		/* As tcp_timer_rtx_arm: TCP_USER_TIMEOUT bounds it, and the first arming
		 * of an episode is when the head's retrans_stamp counts from. */
		if (c->retries > 0)
			d = tcp_user_timeout_clamp(c, c->rtx_stamp, d);
		else
			c->rtx_armed_at = sim_now(tcp_sim(c));
	}
	sim_timer_arm_in(tcp_sim(c), &c->t_rtx, d, rtx_fire, c, NULL);
}

void tcp_timer_rtx_restart_if_idle(struct tcp_sock *c)
{
	if (!sim_timer_pending(tcp_sim(c), &c->t_rtx))
		tcp_timer_rtx_arm(c);
}

/* ---- persist ---- */

static void persist_fire(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_sock *c = ctx;
	(void)arg;
	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT &&
	    c->state != TCP_FIN_WAIT_1 && c->state != TCP_CLOSING && c->state != TCP_LAST_ACK)
		return;
	if (sim_timer_pending(sim, &c->t_rtx))
		return; /* data in flight: the retransmission timer is in charge */
	/* TCP_USER_TIMEOUT counts from the first probe of a run no ACK answered
	 * (Linux tcp_probe_timer, icsk_probes_tstamp). */
	if (c->probes_stamp == 0) {
		c->probes_stamp = sim_now(sim);
	} else if (tcp_user_timed_out(c, c->probes_stamp)) {
		fail_timeout(c);
		return;
	}
	/* A peer that answers no probe at all is gone: give up after as many probes
	 * as data retransmissions (Linux tcp_probe_timer with tcp_retries2). */
	if (c->probes_out >= c->cfg->data_retries) {
		fail_timeout(c);
		return;
	}
	c->probes_out++;
	if (!tcp_send_window_probe(c)) {
		/* The local queue refused it: retry soon, no backoff (Linux
		 * tcp_send_probe0 with TCP_RESOURCE_PROBE_INTERVAL). */
		sim_time_t t = TCP_RESOURCE_PROBE_INTERVAL;
		t = tcp_user_timeout_clamp(c, c->probes_stamp, t);
		sim_timer_arm_in(sim, &c->t_persist, t, persist_fire, c, NULL);
		return;
	}
	/* RFC 1122 §4.2.2.17: exponential backoff between probes; probing goes on as
	 * long as the peer answers (any ACK resets probes_out), so a lost window
	 * update costs at most one probe interval, never a deadlock. */
	if (c->persist_backoff < 31)
		c->persist_backoff++;
	if (!sim_timer_pending(sim, &c->t_rtx))
		tcp_timer_persist_arm(c);
}

void tcp_timer_persist_arm(struct tcp_sock *c)
{
	/* Linux tcp_probe0_when: max(RTO, rto_min) · 2^backoff, at most rto_max. */
	const struct tcp_config *cfg = c->cfg;
	sim_time_t t = c->rtt.rto > cfg->rto_min ? c->rtt.rto : cfg->rto_min;
	for (uint32_t i = 0; i < c->persist_backoff && t < cfg->rto_max; i++)
		t *= 2;
	if (t > cfg->rto_max)
		t = cfg->rto_max;
	if (c->probes_stamp) /* Linux tcp_clamp_probe0_to_user_timeout */
		t = tcp_user_timeout_clamp(c, c->probes_stamp, t);
	sim_timer_arm_in(tcp_sim(c), &c->t_persist, t, persist_fire, c, NULL);
}

/* ---- delayed ACK ---- */

static void delack_fire(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_sock *c = ctx;
	(void)sim;
	(void)arg;
	if (c->state == TCP_CLOSED || c->state == TCP_LISTEN || c->state == TCP_SYN_SENT)
		return;
	tcp_ack_delack_expired(c); /* ack.c: adapts the timeout, sends the ACK */
}

void tcp_timer_delack_arm(struct tcp_sock *c)
{
	/* The bound runs from the first unacknowledged segment: an armed timer is not
	 * pushed back by later segments (RFC 1122 §4.2.3.2: "MUST be less than 0.5 s"). */
	if (!sim_timer_pending(tcp_sim(c), &c->t_delack))
		sim_timer_arm_in(tcp_sim(c), &c->t_delack, c->cfg->delack_timeout, delack_fire, c,
				 NULL);
}

void tcp_timer_delack_arm_at(struct tcp_sock *c, sim_time_t when)
{
	sim_timer_arm_at(tcp_sim(c), &c->t_delack, when, delack_fire, c, NULL);
}

/* ---- keepalive ---- */

static bool keepalive_state(enum tcp_state s)
{
	return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT || s == TCP_FIN_WAIT_1 ||
	       s == TCP_FIN_WAIT_2 || s == TCP_CLOSING || s == TCP_LAST_ACK;
}

static void keepalive_fire(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_sock *c = ctx;
	(void)arg;
	if (!c->opt.keepalive || !keepalive_state(c->state))
		return;
	sim_time_t now = sim_now(sim);
	/* RFC 1122 §4.2.3.6: probe only an idle connection: nothing in flight and
	 * nothing waiting to be sent (the retransmission timer covers those). */
	if (c->snd_max != c->snd_una ||
	    (c->sndbuf.len > 0 && seq_lt(c->snd_max, c->snd_buf_seq + c->sndbuf.len))) {
		sim_timer_arm_in(sim, &c->t_keepalive, c->opt.keepidle, keepalive_fire, c, NULL);
		return;
	}
	sim_time_t idle = now - c->last_rcv;
	if (idle >= c->opt.keepidle) {
		/* With TCP_USER_TIMEOUT, the idle time decides once a probe went
		 * unanswered, not the count (Linux tcp_keepalive_timer). */
		bool dead = c->keepalive_sent >= c->opt.keepcnt;
		if (c->opt.user_timeout)
			dead = c->keepalive_sent > 0 && idle >= c->opt.user_timeout;
		if (dead) {
			/* The peer is dead: ETIMEDOUT; Linux tcp_keepalive_timer resets the
			 * connection (tcp_send_active_reset) before tcp_write_err, in case
			 * the peer is alive after all and only the probes were lost (BSD's
			 * tcp_drop too); knob keepalive_rst. */
			if (c->cfg->keepalive_rst)
				tcp_send_rst(c);
			fail_timeout(c);
			return;
		}
		tcp_send_keepalive(c);
		c->keepalive_sent++;
		sim_timer_arm_in(sim, &c->t_keepalive, c->opt.keepintvl, keepalive_fire, c, NULL);
	} else {
		sim_timer_arm_at(sim, &c->t_keepalive, c->last_rcv + c->opt.keepidle, keepalive_fire, c,
				 NULL);
	}
}

void tcp_timer_keepalive_reset(struct tcp_sock *c)
{
	struct sim *sim = tcp_sim(c);
	if (!c->opt.keepalive || !keepalive_state(c->state)) {
		sim_timer_cancel(sim, &c->t_keepalive);
		return;
	}
	/* The handler recomputes the idle time from last_rcv, so arriving segments
	 * need not touch the timer. */
	sim_time_t when = c->last_rcv + c->opt.keepidle;
	if (when < sim_now(sim))
		when = sim_now(sim);
	sim_timer_arm_at(sim, &c->t_keepalive, when, keepalive_fire, c, NULL);
}

/* ---- TIME-WAIT and FIN-WAIT-2 ---- */

/* Linux tcp_fin_time: the orphaned FIN-WAIT-2 lasts tcp_fin_timeout, at least 3.5
 * RTO. */
static sim_time_t fin_time(const struct tcp_sock *c)
{
	sim_time_t rto = tcp_current_rto(c);
	sim_time_t t = c->cfg->fin_wait2_timeout;
	sim_time_t floor = 4 * rto - rto / 2;
	return t > floor ? t : floor;
}

static void wait_fire(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_sock *c = ctx;
	(void)arg;
	bool first_phase = (c->flags & TF_FW2_FIRST) != 0;
	c->flags &= ~TF_FW2_FIRST;
	if (c->state == TCP_TIME_WAIT) {
		/* RFC 9293 §3.10.8: TIME-WAIT timeout → delete the TCB (CLOSED). */
		tcp_conn_closed(c);
	} else if (c->state == TCP_FIN_WAIT_2 && !c->app_ref) {
		sim_time_t rest = fin_time(c) - 2 * c->cfg->msl;
		if (first_phase && rest > 0) {
			/* Linux tcp_keepalive_timer: the first part of a timeout longer
			 * than TIME-WAIT is over; the connection becomes a time-wait
			 * socket in FIN-WAIT-2 for what fin_time says is left now (at
			 * least 3.5 RTO, tcp_time_wait). */
			sim_time_t rto = tcp_current_rto(c);
			sim_time_t floor = 4 * rto - rto / 2;
			sim_timer_arm_in(sim, &c->t_wait, rest > floor ? rest : floor, wait_fire, c,
					 NULL);
			return;
		}
		/* The peer never sent its FIN: Linux forgets the connection without a
		 * word (the time-wait socket expires; a later segment from the peer
		 * draws a RST as for any unknown connection). Not in RFC 9293. */
		tcp_conn_closed(c);
	}
}

void tcp_timer_time_wait(struct tcp_sock *c)
{
	struct sim *sim = tcp_sim(c);
	sim_timer_cancel(sim, &c->t_rtx);
	sim_timer_cancel(sim, &c->t_persist);
	sim_timer_cancel(sim, &c->t_keepalive);
	sim_timer_arm_in(sim, &c->t_wait, 2 * c->cfg->msl, wait_fire, c, NULL);
}

void tcp_timer_fin_wait2(struct tcp_sock *c)
{
	if (c->state != TCP_FIN_WAIT_2 || c->app_ref || c->cfg->fin_wait2_timeout == 0)
		return;
	if (sim_timer_pending(tcp_sim(c), &c->t_wait))
		return;
	/* Linux tcp_close / tcp_rcv_state_process (FIN-WAIT-1 → FIN-WAIT-2 of an
	 * orphan): a timeout up to TIME-WAIT's length (2·MSL, TCP_TIMEWAIT_LEN) runs
	 * whole; a longer one first runs its excess on the keepalive timer, then
	 * starts again (wait_fire). */
	sim_time_t tmo = fin_time(c);
	sim_time_t twlen = 2 * c->cfg->msl;
	if (tmo > twlen) {
		c->flags |= TF_FW2_FIRST;
		tmo -= twlen;
	}
	sim_timer_arm_in(tcp_sim(c), &c->t_wait, tmo, wait_fire, c, NULL);
}

void tcp_timers_cancel_all(struct tcp_sock *c)
{
	struct sim *sim = tcp_sim(c);
	sim_timer_cancel(sim, &c->t_rtx);
	sim_timer_cancel(sim, &c->t_persist);
	sim_timer_cancel(sim, &c->t_delack);
	sim_timer_cancel(sim, &c->t_keepalive);
	sim_timer_cancel(sim, &c->t_wait);
}
