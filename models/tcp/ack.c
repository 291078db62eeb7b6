/* models/tcp/ack.c — the receiver's ACK policy: whether data that arrived is
 * acknowledged at once or after a delay, and how long the delay is.
 *
 * Where it sits: input.c reports in-order data (tcp_ack_data_recv), a FIN
 * (tcp_ack_fin) and segments retransmitted or beyond the window
 * (tcp_ack_enter_quickack), then asks tcp_ack_check whether to ACK now; output.c
 * reports every segment with ACK or data it sends (tcp_ack_sent, tcp_ack_data_sent);
 * timer.c the delayed-ACK timeout; socket.c each read (tcp_ack_after_read).
 *
 * The RFC rule (RFC 1122 §4.2.3.2, RFC 5681 §4.2): ACK at least every second
 * full-sized segment, otherwise within delack_timeout of the first unacknowledged
 * one; out-of-order data and the data that fills a gap at once. Linux 6.18
 * (tcp_input.c, tcp_output.c, tcp_timer.c, tcp.c) refines it, each refinement a knob:
 *   quickack_max     quick-ACK mode: every segment is ACKed at once for the first
 *                    min(rcv_wnd / (2·rcv_mss), 16) ACKs of a connection, again after
 *                    an idle gap longer than the RTO, after a retransmitted segment
 *                    (tcp_incr_quickack, tcp_enter_quickack_mode) and once per rise of
 *                    the window (tcp_grow_window, rcvwnd.c);
 *   ack_pingpong     interactive mode: a reply sent within ato of the data it answers
 *                    (and a FIN received) ends quick ACKs, so replies carry the ACK
 *                    (inet_csk_inc_pingpong_cnt, inet_csk_enter_pingpong_mode);
 *   delack_adaptive  the timeout ato starts at delack_timeout (TCP_ATO_MIN), follows
 *                    the gaps between segments (tcp_event_data_recv), doubles when the
 *                    timer fires (tcp_delack_timer_handler), is bounded by the RTT and
 *                    by delack_max (tcp_send_delayed_ack);
 *   delack_count     "every second full-sized segment" as Linux counts it: more than
 *                    one rcv_mss unacknowledged (__tcp_ack_snd_check), rcv_mss as
 *                    tcp_measure_rcv_mss estimates it;
 *   delack_window_check  and only if the window offered would not shrink, so an
 *                    application that does not read gets delayed ACKs;
 *   ack_on_read      the owed ACK goes out when the application reads, if two
 *                    segments' worth or a small pushed segment is pending
 *                    (tcp_cleanup_rbuf).
 * With SACK, Linux compresses the ACKs for out-of-order data after the third
 * (tcp_comp_sack_nr); that is not modelled: every out-of-order segment is ACKed.
 */
#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "sim/core/sim.h"

/* Linux ICSK_ACK_PUSHED / ICSK_ACK_PUSHED2: segments below rcv_mss arrived. */
#define ACK_PUSHED 1u
#define ACK_PUSHED2 2u

/* Linux TCP_MIN_RCVMSS and TCP_MIN_MSS, with a 20-byte header (tcp_measure_rcv_mss). */
#define MIN_RCVMSS 536u
#define MIN_MSS 88u

/* The interval to the timer's own deadline under which an ACK goes out at once
 * instead of being delayed again is a quarter of ato (tcp_send_delayed_ack); the
 * timer may not wait longer than half a second (HZ / 2; RFC 1122 §4.2.3.2). */
#define DELACK_LIMIT SIM_MS(500)

static bool in_pingpong(const struct tcp_sock *c)
{
	return c->cfg->ack_pingpong && c->ack.pingpong >= c->cfg->ack_pingpong;
}

bool tcp_ack_in_quickack(const struct tcp_sock *c)
{
	return c->ack.quick && !in_pingpong(c);
}

bool tcp_ack_interactive(const struct tcp_sock *c)
{
	return in_pingpong(c);
}

/* Linux tcp_incr_quickack: enough quick ACKs for half the window, in rcv_mss
 * segments, at most quickack_max. */
static void incr_quickack(struct tcp_sock *c)
{
	uint32_t max = c->cfg->quickack_max;
	if (!max)
		return;
	uint32_t q = c->rcv_wnd / (2 * (c->rcv_mss ? c->rcv_mss : 1));
	if (q == 0)
		q = 2;
	if (q > max)
		q = max;
	if (q > c->ack.quick)
		c->ack.quick = (uint8_t)q;
}

void tcp_ack_enter_quickack(struct tcp_sock *c)
{
	/* Linux tcp_enter_quickack_mode. */
	incr_quickack(c);
	c->ack.pingpong = 0;
	c->ack.ato = c->cfg->delack_timeout;
}

void tcp_ack_fin(struct tcp_sock *c)
{
	/* Linux tcp_fin: the peer's FIN is acknowledged like data; in ESTABLISHED
	 * (→ CLOSE-WAIT) interactive mode begins, so that the application's answer
	 * (its data or FIN) can carry the ACK. */
	c->flags |= TF_ACK_SCHED;
	if (c->state == TCP_CLOSE_WAIT && c->cfg->ack_pingpong)
		c->ack.pingpong = (uint8_t)c->cfg->ack_pingpong;
}

/* Linux tcp_measure_rcv_mss: rcv_mss follows the largest segments; a smaller size
 * seen twice in a row (full-sized segments of a smaller MSS) becomes rcv_mss; other
 * small segments are "pushed" ones. (delack_count = segments keeps RFC 1122's
 * largest segment seen, input.c, and only notes the pushed ones here.) */
static void measure_rcv_mss(struct tcp_sock *c, uint32_t len, uint32_t hdr_len, uint8_t flags,
			    uint32_t mem)
{
	bool linux_mss = c->cfg->delack_count == TCP_DELACK_COUNT_BYTES;
	uint32_t lss = c->ack.last_seg_size;
	c->ack.last_seg_size = 0;
	if (len >= c->rcv_mss) {
		if (linux_mss) {
			if (len != c->rcv_mss)
				tcp_rcvwnd_ratio(c, len, mem);
			c->rcv_mss = len < c->adv_mss ? len : c->adv_mss;
		}
		return;
	}
	/* The length with the TCP header, less the header without options: a
	 * segment is measured with its SACK blocks, which come and go. */
	uint32_t l = len + hdr_len;
	bool remnant = (flags & (TCP_FLAG_FIN | TCP_FLAG_URG | TCP_FLAG_SYN | TCP_FLAG_PSH)) != 0;
	if (l >= MIN_RCVMSS + TCP_HDR_MIN || (l >= MIN_MSS + TCP_HDR_MIN && !remnant)) {
		l -= TCP_HDR_MIN;
		c->ack.last_seg_size = l;
		if (l == lss && linux_mss) {
			c->rcv_mss = l;
			return;
		}
	}
	if (c->ack.pushed & ACK_PUSHED)
		c->ack.pushed |= ACK_PUSHED2;
	c->ack.pushed |= ACK_PUSHED;
}

void tcp_ack_data_recv(struct tcp_sock *c, uint32_t len, uint32_t hdr_len, uint8_t flags,
		       uint32_t mem)
{
	const struct tcp_config *cfg = c->cfg;
	sim_time_t now = sim_now(tcp_sim(c));
	sim_time_t ato_min = cfg->delack_timeout;
	c->flags |= TF_ACK_SCHED;
	measure_rcv_mss(c, len, hdr_len, flags, mem);
	tcp_rcvwnd_rtt_measure(c);
	/* Linux tcp_event_data_recv. */
	if (c->ack.ato == 0) {
		/* The first data: quick ACKs, the delayed-ACK engine starts. */
		incr_quickack(c);
		c->ack.ato = ato_min;
	} else {
		sim_time_t m = now - c->ack.lrcvtime;
		sim_time_t rto = tcp_current_rto(c);
		if (m <= ato_min / 2) {
			if (cfg->delack_adaptive)
				c->ack.ato = c->ack.ato / 2 + ato_min / 2;
		} else if (m < c->ack.ato) {
			if (cfg->delack_adaptive) {
				c->ack.ato = c->ack.ato / 2 + m;
				if (c->ack.ato > rto)
					c->ack.ato = rto;
			}
		} else if (m > rto) {
			/* A gap longer than the RTO: the sender probably restarts from a
			 * small window; ACK quickly. */
			incr_quickack(c);
		}
	}
	c->ack.lrcvtime = now;
	if (len >= 128)
		tcp_rcvwnd_grow(c, len, mem);
}

/* "At least every second full-sized segment" received since the last ACK. */
static bool enough_to_ack(struct tcp_sock *c, bool window_check)
{
	uint64_t got = (uint32_t)(c->rcv_nxt - c->rcv_wup);
	uint64_t n = c->cfg->delack_segments;
	if (c->cfg->delack_count == TCP_DELACK_COUNT_SEGMENTS ? got < n * c->rcv_mss
							       : got <= (n - 1) * c->rcv_mss)
		return false;
	/* Linux __tcp_ack_snd_check: and the window offered would not shrink (else
	 * tcp_recvmsg sends the ACK when the application reads). */
	return !window_check || !c->cfg->delack_window_check || tcp_rcvwnd_peek(c) >= c->rcv_wnd;
}

/* Linux tcp_send_delayed_ack: arm (or keep) the delayed-ACK timer. */
static void send_delayed_ack(struct tcp_sock *c)
{
	const struct tcp_config *cfg = c->cfg;
	struct sim *sim = tcp_sim(c);
	if (!cfg->delack_adaptive) {
		/* RFC 1122 §4.2.3.2: the bound runs from the first unacknowledged
		 * segment: an armed timer is not pushed back by later segments. */
		tcp_timer_delack_arm(c);
		return;
	}
	sim_time_t ato = c->ack.ato;
	if (ato > cfg->delack_timeout) {
		/* A slow sender (ato grew): at most delack_max when interactive or after
		 * a small pushed segment, else half a second; never above the RTT. */
		sim_time_t max_ato = DELACK_LIMIT;
		if (in_pingpong(c) || (c->ack.pushed & ACK_PUSHED))
			max_ato = cfg->delack_max;
		if (c->rtt.has_sample) {
			sim_time_t rtt = c->rtt.srtt > cfg->delack_timeout ? c->rtt.srtt
									  : cfg->delack_timeout;
			if (rtt < max_ato)
				max_ato = rtt;
		}
		if (ato > max_ato)
			ato = max_ato;
	}
	if (ato > cfg->delack_max)
		ato = cfg->delack_max;
	sim_time_t now = sim_now(sim);
	sim_time_t timeout = now + ato;
	if (sim_timer_pending(sim, &c->t_delack)) {
		/* The timer is about to fire anyway: ACK now. Else it keeps the earlier
		 * of its deadline and the new one. */
		if (c->ack.timeout <= now + ato / 4) {
			c->flags |= TF_ACK_NOW;
			return;
		}
		if (timeout >= c->ack.timeout)
			timeout = c->ack.timeout;
	}
	c->ack.timeout = timeout;
	tcp_timer_delack_arm_at(c, timeout);
}

void tcp_ack_check(struct tcp_sock *c)
{
	if (!(c->flags & TF_ACK_SCHED) || (c->flags & TF_ACK_NOW))
		return;
	if (!c->cfg->delayed_ack || enough_to_ack(c, true) || tcp_ack_in_quickack(c) ||
	    c->ooo.count > 0) {
		/* Out-of-order data still queued: RFC 5681 §4.2's immediate ACK. */
		c->flags |= TF_ACK_NOW;
		return;
	}
	send_delayed_ack(c);
}

void tcp_ack_sent(struct tcp_sock *c)
{
	/* Linux tcp_event_ack_sent → tcp_dec_quickack_mode: an ACK of new data uses up
	 * a quick ACK; leaving quick-ACK mode resets ato. Nothing is owed any more. */
	if (c->ack.quick && (c->flags & TF_ACK_SCHED)) {
		if (--c->ack.quick == 0)
			c->ack.ato = c->cfg->delack_timeout;
	}
	c->flags &= ~TF_ACK_SCHED;
	c->ack.pushed = 0;
}

void tcp_ack_data_sent(struct tcp_sock *c)
{
	/* Linux tcp_event_data_sent: data sent within ato of the last data received
	 * answers it: one step towards interactive mode. */
	if (c->cfg->ack_pingpong && sim_now(tcp_sim(c)) - c->ack.lrcvtime < c->ack.ato &&
	    c->ack.pingpong < 255)
		c->ack.pingpong++;
}

void tcp_ack_after_read(struct tcp_sock *c, uint32_t copied)
{
	/* Linux tcp_cleanup_rbuf: the ACK owed goes out now if tcp_input's "every
	 * second segment" ACK was not sent (the window would have shrunk), or if the
	 * read emptied the buffer of a small pushed segment (unless interactive: the
	 * reply will carry the ACK). */
	bool now = false;
	if (c->cfg->ack_on_read && (c->flags & TF_ACK_SCHED) && copied > 0) {
		bool drained = c->rcvq.bytes == 0 && c->ooo.count == 0;
		now = enough_to_ack(c, false) ||
		      (drained && ((c->ack.pushed & ACK_PUSHED2) ||
				   ((c->ack.pushed & ACK_PUSHED) && !in_pingpong(c))));
	}
	/* Or a window update, if the window at least doubles (RFC 9293 §3.8.6.2.2). */
	if (!now && copied > 0)
		now = tcp_window_update_due(c);
	if (now) {
		c->flags |= TF_ACK_NOW;
		tcp_output(c);
	}
}

void tcp_ack_set_quickack(struct tcp_sock *c, bool on)
{
	/* Linux __tcp_sock_set_quickack: 0 makes the connection interactive; 1 ends
	 * that, and an ACK owed for a buffer the application emptied goes now. */
	if (!on) {
		c->ack.pingpong = (uint8_t)c->cfg->ack_pingpong;
		return;
	}
	c->ack.pingpong = 0;
	if ((c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT) &&
	    (c->flags & TF_ACK_SCHED)) {
		c->ack.pushed |= ACK_PUSHED;
		tcp_ack_after_read(c, 1);
	}
}

void tcp_ack_delack_expired(struct tcp_sock *c)
{
	/* Linux tcp_delack_timer_handler: the ACK was delayed too long for this
	 * sender: twice the timeout next time (at most the RTO); in interactive mode
	 * the reply did not come: leave it. */
	if (c->cfg->delack_adaptive && (c->flags & TF_ACK_SCHED)) {
		if (!in_pingpong(c)) {
			sim_time_t rto = tcp_current_rto(c);
			c->ack.ato = 2 * c->ack.ato < rto ? 2 * c->ack.ato : rto;
		} else {
			c->ack.pingpong = 0;
			c->ack.ato = c->cfg->delack_timeout;
		}
	}
	tcp_send_ack(c);
}
