/* models/tcp/chrono.c — the sender's chronograph (chrono.h), as Linux keeps it:
 * tcp_chrono_start()/tcp_chrono_stop() (include/net/tcp.h, net/ipv4/tcp_output.c),
 * started where Linux 6.x starts it (tcp_skb_entail, tcp_send_fin, tcp_write_xmit,
 * tcp_cwnd_validate: the SYN, queued by tcp_connect straight into the retransmission
 * queue, does not count) and stopped where Linux stops it (tcp_clean_rtx_queue,
 * tcp_write_xmit, tcp_check_space). Linux counts in jiffies and reports
 * microseconds; netsim counts exact nanoseconds.
 */
#include "models/tcp/chrono.h"

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "sim/core/sim.h"

/* Linux tcp_rtx_and_write_queues_empty(): nothing in flight, nothing unsent (the
 * SYN and the FIN count as queued). */
static bool queues_empty(const struct tcp_sock *c)
{
	if (seq_lt(c->snd_una, c->snd_max))
		return false;
	if (c->sndbuf.len > 0 && seq_lt(c->snd_una, c->snd_buf_seq + c->sndbuf.len))
		return false;
	return !(c->flags & TF_FIN_QUEUED) || seq_gt(c->snd_una, c->fin_seq);
}

/* Linux tcp_chrono_set(): close the current type's interval, begin the new one. */
static void chrono_set(struct tcp_sock *c, enum tcp_chrono_type type)
{
	struct tcp_chrono *ch = &c->chrono;
	sim_time_t now = sim_now(tcp_sim(c));
	if (ch->type > TCP_CHRONO_UNSPEC)
		ch->stat[ch->type - 1] += now - ch->start;
	ch->start = now;
	ch->type = (uint8_t)type;
}

void tcp_chrono_start(struct tcp_sock *c, enum tcp_chrono_type type)
{
	/* The most interesting condition wins: a higher type replaces a lower one. */
	if (type > c->chrono.type)
		chrono_set(c, type);
}

void tcp_chrono_stop(struct tcp_sock *c, enum tcp_chrono_type type)
{
	/* Nothing left to send: the clock stops; the current condition ended while
	 * data waits: back to busy. */
	if (queues_empty(c))
		chrono_set(c, TCP_CHRONO_UNSPEC);
	else if (type == c->chrono.type)
		chrono_set(c, TCP_CHRONO_BUSY);
}

void tcp_chrono_after_xmit(struct tcp_sock *c, bool validate, bool cwnd_limited)
{
	/* Linux tcp_write_xmit: the head of the queue failed tcp_snd_wnd_test. */
	if (c->chrono.rwnd_blocked)
		tcp_chrono_start(c, TCP_CHRONO_RWND_LIMITED);
	else
		tcp_chrono_stop(c, TCP_CHRONO_RWND_LIMITED);
	/* Linux tcp_cwnd_validate, the network starving: everything written is sent,
	 * cwnd is not what limits, and the application found the buffer full. */
	if (validate && !cwnd_limited && c->chrono.nospace &&
	    seq_geq(c->snd_nxt, c->snd_buf_seq + c->sndbuf.len) &&
	    (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT))
		tcp_chrono_start(c, TCP_CHRONO_SNDBUF_LIMITED);
}

void tcp_chrono_space(struct tcp_sock *c)
{
	if (!c->chrono.nospace)
		return;
	c->chrono.nospace = false;
	tcp_chrono_stop(c, TCP_CHRONO_SNDBUF_LIMITED);
}

sim_time_t tcp_chrono_time(const struct tcp_sock *c, enum tcp_chrono_type type)
{
	const struct tcp_chrono *ch = &c->chrono;
	if (type == TCP_CHRONO_UNSPEC)
		return 0;
	sim_time_t t = ch->stat[type - 1];
	if (ch->type == type)
		t += sim_now(tcp_sim(c)) - ch->start;
	return t;
}
