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
	case TCP_SYN_RECEIVED: {
		/* SYN / SYN-ACK retransmission with exponential backoff (RFC 6298 (5.5),
		 * RFC 1122 §4.2.3.5), then give up. */
		bool passive = (c->flags & TF_PASSIVE) != 0;
		uint32_t limit = passive ? cfg->synack_retries : cfg->syn_retries;
		/* Every expiry counts, the last one that gives up too (Linux counts
		 * TCPTimeouts before tcp_write_timeout decides): syn_retries
		 * retransmissions, syn_retries + 1 expirations. */
		tcp_st(c)->rto_expirations++;
		if (c->retries >= limit) {
			if (passive) {
				/* The half-open child simply disappears (Linux: the request
				 * socket expires); the listener is unaffected. */
				tcp_conn_fail(c, 0);
			} else {
				fail_timeout(c);
			}
			return;
		}
		c->retries++;
		tcp_rtt_backoff(&c->rtt, cfg);
		tcp_send_syn(c, true);
		tcp_timer_rtx_arm(c);
		if (c->trace)
			tcp_trace_endpoint(c, "rto");
		return;
	}
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
	/* Counted like a SYN timeout: every expiry, the one that gives up too. */
	tcp_st(c)->rto_expirations++;
	if (c->retries >= cfg->data_retries) {
		fail_timeout(c); /* RFC 1122 §4.2.3.5 R2 */
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
	/* RFC 6582 §3.2 step 4: after a timeout, recover = the highest sequence number sent,
	 * and fast recovery (if any) ends. */
	c->recover = c->snd_max;
	c->flags &= ~(TF_IN_RECOVERY | TF_PARTIAL_SEEN | TF_TIMING);
	c->dupacks = 0;
	/* RFC 6298 (5.4)–(5.6): retransmit the earliest unacknowledged segment and
	 * restart the timer. Go-back-N from snd_una afterwards, as cwnd allows. */
	c->snd_nxt = c->snd_una;
	tcp_retransmit_first(c);
	tcp_timer_rtx_arm(c);
}

void tcp_timer_rtx_arm(struct tcp_sock *c)
{
	sim_timer_arm_in(tcp_sim(c), &c->t_rtx, tcp_current_rto(c), rtx_fire, c, NULL);
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
	/* A peer that answers no probe at all is gone: give up after as many probes
	 * as data retransmissions (Linux tcp_probe_timer with tcp_retries2). */
	if (c->probes_out >= c->cfg->data_retries) {
		fail_timeout(c);
		return;
	}
	c->probes_out++;
	tcp_send_window_probe(c);
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
	tcp_send_ack(c);
}

void tcp_timer_delack_arm(struct tcp_sock *c)
{
	/* The bound runs from the first unacknowledged segment: an armed timer is not
	 * pushed back by later segments (RFC 1122 §4.2.3.2: "MUST be less than 0.5 s"). */
	if (!sim_timer_pending(tcp_sim(c), &c->t_delack))
		sim_timer_arm_in(tcp_sim(c), &c->t_delack, c->cfg->delack_timeout, delack_fire, c,
				 NULL);
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
		if (c->keepalive_sent >= c->opt.keepcnt) {
			fail_timeout(c); /* the peer is dead: ETIMEDOUT (Linux) */
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

static void wait_fire(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_sock *c = ctx;
	(void)sim;
	(void)arg;
	if (c->state == TCP_TIME_WAIT) {
		/* RFC 9293 §3.10.8: TIME-WAIT timeout → delete the TCB (CLOSED). */
		tcp_conn_closed(c);
	} else if (c->state == TCP_FIN_WAIT_2 && !c->app_ref) {
		/* Linux tcp_fin_timeout for orphaned connections (not in RFC 9293): the
		 * peer never sent its FIN; reset and forget the connection. */
		tcp_send_rst(c);
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
	if (!sim_timer_pending(tcp_sim(c), &c->t_wait))
		sim_timer_arm_in(tcp_sim(c), &c->t_wait, c->cfg->fin_wait2_timeout, wait_fire, c,
				 NULL);
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
