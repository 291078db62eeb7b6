/* models/tcp/socket.c — the application API (socket.h) and readiness events.
 *
 * The top of TCP: applications call in here; nothing here calls an application
 * directly. Readiness is delivered by one scheduler event per socket (t_notify) at
 * the current simulated time, so a callback never runs inside a socket call and an
 * application is never re-entered. Level-triggered sockets are re-notified after
 * each callback while (ready & interest) != 0; edge-triggered ones only when a new
 * condition arose (tcp_sock_wake's `edges`).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/sim.h"

static bool synchronized(enum tcp_state s)
{
	return s != TCP_CLOSED && s != TCP_LISTEN && s != TCP_SYN_SENT;
}

/* ---- readiness ---- */

static void notify_fire(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_sock *c = ctx;
	(void)arg;
	if (!c->app_ref || !c->cb)
		return;
	uint32_t ready = tcp_poll(c);
	uint32_t fire;
	if (c->edge) {
		fire = c->edge_pending & c->interest & ready;
		c->edge_pending = 0;
	} else {
		fire = ready & c->interest;
	}
	if (!fire)
		return;
	c->in_callback = true;
	c->cb(sim, c, fire, c->cb_ctx);
	c->in_callback = false;
	if (!c->app_ref) {
		/* Closed from its own callback: finish what tcp_close deferred. */
		tcp_conn_maybe_free(c);
		return;
	}
	/* Level-triggered: report again while the condition holds (epoll LT). */
	bool again = c->cb && (c->edge ? (c->edge_pending & c->interest & tcp_poll(c)) != 0
				       : (tcp_poll(c) & c->interest) != 0);
	if (again && !sim_timer_pending(sim, &c->t_notify))
		sim_timer_arm_at(sim, &c->t_notify, sim_now(sim), notify_fire, c, NULL);
}

void tcp_sock_wake(struct tcp_sock *c, uint32_t edges)
{
	c->edge_pending |= edges;
	if (!c->app_ref || !c->cb)
		return;
	struct sim *sim = tcp_sim(c);
	if (!sim_timer_pending(sim, &c->t_notify))
		sim_timer_arm_at(sim, &c->t_notify, sim_now(sim), notify_fire, c, NULL);
}

/* After an application call that may have made conditions arise (shutdown,
 * setsockopt): wake for those that were not ready before it. */
static void wake_rising(struct tcp_sock *c, uint32_t before)
{
	uint32_t rose = tcp_poll(c) & ~before;
	if (rose)
		tcp_sock_wake(c, rose);
}

void tcp_sock_set_error(struct tcp_sock *c, int err)
{
	c->so_error = err;
	tcp_st(c)->error = err;
}

uint32_t tcp_poll(const struct tcp_sock *c)
{
	if (c->state == TCP_LISTEN)
		return c->acceptq_head ? TCP_EV_READABLE : 0;
	uint32_t m = 0;
	if (c->so_error)
		m |= TCP_EV_ERROR;
	bool closed = c->state == TCP_CLOSED && (c->flags & TF_ACTIVE);
	/* Readable: data, end of stream, an error to read, or a dead connection
	 * (Linux tcp_poll: EPOLLIN on RCV_SHUTDOWN and on errors). */
	if (c->rcvq.bytes > 0 || (c->flags & (TF_FIN_RCVD | TF_SHUT_RD)) || c->so_error || closed)
		m |= TCP_EV_READABLE;
	if ((c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT) &&
	    !(c->flags & TF_FIN_QUEUED) && c->sndbuf.len < c->opt.sndbuf)
		m |= TCP_EV_WRITABLE;
	/* Hang-up: finished in both directions, or closed/reset (EPOLLHUP). */
	if (closed || ((c->flags & TF_FIN_RCVD) && (c->flags & TF_FIN_QUEUED)))
		m |= TCP_EV_HUP;
	return m;
}

void tcp_set_callback(struct tcp_sock *c, uint32_t interest, bool edge_triggered,
		      tcp_event_fn fn, void *ctx)
{
	struct sim *sim = tcp_sim(c);
	if (interest == 0 || !fn) {
		c->cb = NULL;
		c->cb_ctx = NULL;
		c->interest = 0;
		sim_timer_cancel(sim, &c->t_notify);
		return;
	}
	c->cb = fn;
	c->cb_ctx = ctx;
	c->interest = interest;
	c->edge = edge_triggered;
	/* What is true at registration is reported once in both modes (epoll_ctl ADD
	 * reports a ready descriptor, EPOLLET included). */
	c->edge_pending = tcp_poll(c);
	if ((c->edge_pending & interest) && !sim_timer_pending(sim, &c->t_notify))
		sim_timer_arm_at(sim, &c->t_notify, sim_now(sim), notify_fire, c, NULL);
}

/* ---- lifecycle ---- */

struct tcp_sock *tcp_socket(struct tcp_stack *stack)
{
	struct tcp_sock *c = tcp_conn_alloc(stack, &stack->cfg);
	c->app_ref = true;
	return c;
}

int tcp_sock_set_config(struct tcp_sock *c, const struct tcp_config *cfg)
{
	if (c->state != TCP_CLOSED || (c->flags & TF_ACTIVE))
		return -EISCONN;
	if (tcp_config_validate(cfg, NULL) < 0)
		return -EINVAL;
	tcp_conn_set_config(c, cfg);
	tcp_conn_cc_start(c); /* the configuration may name another algorithm */
	return 0;
}

const struct tcp_config *tcp_sock_config(const struct tcp_sock *c)
{
	return c->cfg;
}

void tcp_sock_set_isn(struct tcp_sock *c, uint32_t isn)
{
	c->isn_fixed = isn;
	c->flags |= TF_ISN_FIXED;
}

enum tcp_state tcp_sock_state(const struct tcp_sock *c)
{
	return c->state;
}

int tcp_bind(struct tcp_sock *c, ipv4_addr_t addr, uint16_t port)
{
	if (c->bound || c->state != TCP_CLOSED || (c->flags & TF_ACTIVE))
		return -EINVAL;
	if (port == 0) {
		struct tcp_stack *st = c->stack;
		if (addr != IPV4_ANY && st->lower.is_local && !st->lower.is_local(st->lower.ctx, addr))
			return -EADDRNOTAVAIL;
		c->t.laddr = addr;
		return tcp_port_ephemeral(c);
	}
	return tcp_port_bind(c, addr, port);
}

int tcp_listen(struct tcp_sock *c, int backlog)
{
	/* Linux __sys_listen(): the backlog is capped at somaxconn (4096; a negative one
	 * too, as unsigned). Both queues admit one more than it (listen.c), so 0 still
	 * admits one connection. */
	uint32_t b = backlog < 0 || backlog > 4096 ? 4096u : (uint32_t)backlog;
	if (c->state == TCP_LISTEN) {
		c->backlog = b;
		return 0;
	}
	if (c->state != TCP_CLOSED || (c->flags & TF_ACTIVE))
		return -EINVAL;
	if (!c->bound) {
		int r = tcp_port_ephemeral(c);
		if (r < 0)
			return r;
	}
	c->backlog = b;
	tcp_listen_start(c);
	tcp_set_state(c, TCP_LISTEN); /* CLOSED → LISTEN (passive OPEN) */
	tcp_listener_add(c);
	return 0;
}

struct tcp_sock *tcp_accept(struct tcp_sock *l, int *err)
{
	int e = 0;
	struct tcp_sock *c = NULL;
	if (l->state != TCP_LISTEN) {
		e = -EINVAL;
	} else if (!l->acceptq_head) {
		e = -EAGAIN;
	} else {
		c = l->acceptq_head;
		l->acceptq_head = c->q_next;
		if (!l->acceptq_head)
			l->acceptq_tail = NULL;
		l->acceptq_len--;
		c->q_next = NULL;
		c->parent = NULL;
		c->app_ref = true;
		c->flags |= TF_ACTIVE;
	}
	if (err)
		*err = e;
	return c;
}

int tcp_connect(struct tcp_sock *c, ipv4_addr_t addr, uint16_t port)
{
	struct tcp_stack *st = c->stack;
	if (c->state == TCP_SYN_SENT)
		return -EALREADY;
	if (c->state == TCP_LISTEN)
		return -EINVAL;
	if (c->state != TCP_CLOSED || (c->flags & TF_ACTIVE))
		return -EISCONN;
	if (port == 0 || addr == IPV4_ANY)
		return -EINVAL;
	c->t.raddr = addr;
	c->t.rport = port;
	int r = tcp_conn_route(c);
	if (r < 0) {
		c->t.raddr = 0;
		c->t.rport = 0;
		return r;
	}
	if (!c->bound) {
		r = tcp_port_ephemeral(c);
		if (r < 0)
			return r;
	}
	if (tcp_conn_lookup(st, &c->t)) {
		c->t.raddr = 0;
		c->t.rport = 0;
		return -EADDRINUSE; /* this 4-tuple is taken (perhaps in TIME-WAIT) */
	}
	tcp_rcvwnd_syn(c, true);
	c->iss = (c->flags & TF_ISN_FIXED) ? c->isn_fixed : tcp_isn(st, &c->t);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->recover = c->snd_sml = c->iss;
	c->snd_buf_seq = c->iss + 1;
	c->peer_mss = TCP_MSS_DEFAULT;
	c->mss = c->adv_mss;
	tcp_st(c)->mss = c->mss;
	tcp_rtt_init(&c->rtt, c->cfg->rto_syn_initial);
	c->last_rcv = sim_now(st->sim);
	tcp_conn_hash_add(c);
	c->flags |= TF_ACTIVE | TF_CONNECTING;
	st->stats.conns_opened++;
	tcp_conn_cc_start(c);
	tcp_set_state(c, TCP_SYN_SENT); /* CLOSED → SYN-SENT (active OPEN) */
	tcp_send_syn(c, false);
	tcp_timer_rtx_arm(c);
	return 0;
}

/* A send buffer about to grow past this many bytes checks the memory budget (sim.h)
 * first, and again before every doubling, as growing queues do: a few connections with
 * the largest SO_SNDBUF and a writer that fills it can take all memory. */
#define TCP_SNDBUF_MEM_CHECK (UINT32_C(16) << 20)

static void sndbuf_memory_check(struct tcp_sock *c)
{
	struct sim *sim = tcp_sim(c);
	if (!sim_memory_over_budget(sim))
		return;
	char text[200];
	snprintf(text, sizeof(text),
		 "the send buffer of a connection on %s (port %u) reached %u MiB (SO_SNDBUF %u "
		 "MiB)",
		 c->stack->host, (unsigned)c->t.lport, (unsigned)(c->sndbuf.cap >> 20),
		 (unsigned)(c->opt.sndbuf >> 20));
	sim_memory_stop(sim, text);
}

ssize_t tcp_send(struct tcp_sock *c, const void *buf, size_t len)
{
	return tcp_send_more(c, buf, len, false);
}

/* The checks of a send before anything is queued: 0 to go on, or what to return. */
static ssize_t send_check(struct tcp_sock *c)
{
	if (c->so_error) {
		int e = c->so_error; /* Linux: the pending error first, then EPIPE */
		c->so_error = 0;
		return e;
	}
	if (c->flags & TF_FIN_QUEUED)
		return -EPIPE;
	/* Linux (tcp_sendmsg, sk_stream_wait_connect): a send while the handshake is in
	 * progress waits for it; a non-blocking caller is told to try again. */
	if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RECEIVED)
		return -EAGAIN;
	if (c->state == TCP_LISTEN || (c->state == TCP_CLOSED && !(c->flags & TF_ESTABLISHED_ONCE)))
		return -ENOTCONN;
	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return -EPIPE;
	return 0;
}

/* Before data is queued: recovery linux may restart the window after idle (Linux
 * tcp_skb_entail's tcp_slow_start_after_idle_check). */
static void send_idle_check(struct tcp_sock *c)
{
	if (tcp_lx(c))
		tcp_lx_idle_check(c);
}

/* How much of the buffer a write of want bytes may fill: SO_SNDBUF, unless the ring
 * would grow past TCP_SNDBUF_MEM_CHECK with the memory budget exceeded (checked before
 * every doubling beyond it); then the run is ending and the ring grows no more. */
static uint32_t send_limit(struct tcp_sock *c, uint32_t want)
{
	uint32_t cap = c->sndbuf.cap, limit = c->opt.sndbuf;
	if ((uint64_t)c->sndbuf.len + want > cap && cap >= TCP_SNDBUF_MEM_CHECK / 2 && cap < limit)
		sndbuf_memory_check(c);
	if (tcp_sim(c)->mem.exceeded && cap < limit)
		limit = cap;
	return limit;
}

/* After n of the want bytes asked for were queued: push them (tcp_output). */
static ssize_t send_queued(struct tcp_sock *c, uint32_t n, uint32_t want, bool more)
{
	/* Linux sk_stream_wait_memory: a write that did not fit marks the socket as
	 * waiting for space (SOCK_NOSPACE), what the sndbuf-limited clock looks at. */
	if (n < want)
		c->chrono.nospace = true;
	/* A full buffer is reported WRITABLE again when an ACK frees space (input.c). */
	if (n == 0)
		return -EAGAIN;
	tcp_chrono_start(c, TCP_CHRONO_BUSY); /* Linux tcp_skb_entail */
	/* Linux tcp_push(): the last byte of a send without MSG_MORE gets PSH; with
	 * MSG_MORE this send does not push a partial segment (TCP_NAGLE_CORK). */
	if (more)
		c->flags |= TF_MORE | TF_MORE_TAIL;
	else
		c->flags &= ~TF_MORE_TAIL;
	tcp_output(c);
	c->flags &= ~TF_MORE;
	return n;
}

ssize_t tcp_send_more(struct tcp_sock *c, const void *buf, size_t len, bool more)
{
	ssize_t rc = send_check(c);
	if (rc != 0 || len == 0)
		return rc;
	uint32_t want = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	send_idle_check(c);
	uint32_t n = tcp_sndbuf_write(&c->sndbuf, buf, want, send_limit(c, want));
	return send_queued(c, n, want, more);
}

ssize_t tcp_send_cyclic(struct tcp_sock *c, const struct tcp_cyclic_src *src, uint32_t pos,
			size_t len)
{
	ssize_t rc = send_check(c);
	if (rc != 0 || len == 0)
		return rc;
	uint32_t want = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	send_idle_check(c);
	return send_queued(
		c, tcp_sndbuf_write_cyclic(&c->sndbuf, src, pos, want, c->opt.sndbuf), want, false);
}

void tcp_recv_expect_cyclic(struct tcp_sock *c, const struct tcp_cyclic_src *src, uint32_t pos)
{
	/* The next byte to be read: the first after those the application read. */
	uint32_t seq = c->irs + 1 + (uint32_t)tcp_st(c)->bytes_delivered;
	const struct tcp_rcv_gen *g = &c->rcvq.gen;
	if (g->src.table == src->table && g->src.period == src->period && g->seq == seq &&
	    g->pos == pos)
		return;
	tcp_rcvq_expect(&c->rcvq, &c->ooo, src, seq, pos);
}

/* tcp_recv and tcp_recv_inplace: the bytes are copied to buf, or handed to fn. */
static ssize_t recv_common(struct tcp_sock *c, void *buf, size_t len, tcp_recv_fn fn, void *ctx)
{
	if (c->state == TCP_LISTEN)
		return -ENOTCONN;
	if (c->rcvq.bytes > 0 && len > 0) {
		uint32_t want = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
		uint32_t n = 0;
		/* A segment at a time: receive-buffer autotuning looks at each (Linux
		 * tcp_recvmsg calls tcp_rcv_space_adjust per skb). */
		while (n < want && c->rcvq.head) {
			uint32_t k = want - n < c->rcvq.head->len ? want - n : c->rcvq.head->len;
			n += fn ? tcp_rcvq_consume(&c->rcvq, k, fn, ctx)
				: tcp_rcvq_read(&c->rcvq, (uint8_t *)buf + n, k);
			tcp_rcvwnd_read(c);
		}
		tcp_st(c)->bytes_delivered += n;
		/* The owed ACK, or a window update if the window opened enough (ack.c). */
		tcp_ack_after_read(c, n);
		return n;
	}
	if (len == 0 && c->rcvq.bytes > 0)
		return 0;
	if (c->so_error) {
		int e = c->so_error;
		c->so_error = 0;
		return e;
	}
	if (c->flags & (TF_FIN_RCVD | TF_SHUT_RD))
		return 0;
	if (c->state == TCP_CLOSED)
		return (c->flags & TF_ACTIVE) ? 0 : -ENOTCONN;
	return -EAGAIN;
}

ssize_t tcp_recv(struct tcp_sock *c, void *buf, size_t len)
{
	return recv_common(c, buf, len, NULL, NULL);
}

ssize_t tcp_recv_inplace(struct tcp_sock *c, size_t len, tcp_recv_fn fn, void *ctx)
{
	g_assert(fn != NULL);
	return recv_common(c, NULL, len, fn, ctx);
}

size_t tcp_readable_bytes(const struct tcp_sock *c)
{
	return c->rcvq.bytes;
}

size_t tcp_writable_bytes(const struct tcp_sock *c)
{
	return c->sndbuf.len < c->opt.sndbuf ? c->opt.sndbuf - c->sndbuf.len : 0;
}

/* Queues our FIN after the buffered data (RFC 9293 §3.10.4 CLOSE). */
static void queue_fin(struct tcp_sock *c)
{
	if (c->flags & TF_FIN_QUEUED)
		return;
	c->flags |= TF_FIN_QUEUED;
	c->fin_seq = c->snd_buf_seq + c->sndbuf.len;
	tcp_chrono_start(c, TCP_CHRONO_BUSY); /* Linux tcp_send_fin */
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		tcp_set_state(c, TCP_FIN_WAIT_1); /* ESTABLISHED → FIN-WAIT-1 (CLOSE) */
		break;
	case TCP_CLOSE_WAIT:
		tcp_set_state(c, TCP_LAST_ACK); /* CLOSE-WAIT → LAST-ACK (CLOSE) */
		break;
	default:
		break;
	}
	tcp_output(c);
}

int tcp_shutdown(struct tcp_sock *c, enum tcp_shutdown_how how)
{
	if (!synchronized(c->state))
		return -ENOTCONN;
	uint32_t before = tcp_poll(c);
	if (how & TCP_SHUT_RD) {
		c->flags |= TF_SHUT_RD;
		if (c->cfg->shut_rd_discard)
			tcp_rcvq_clear(&c->rcvq);
		tcp_sock_wake(c, TCP_EV_READABLE);
	}
	if ((how & TCP_SHUT_WR) && c->state != TCP_SYN_RECEIVED)
		queue_fin(c);
	/* SHUT_WR after the peer's FIN finishes both directions: HUP arises. */
	wake_rising(c, before);
	return 0;
}

/* Sends RST when synchronized and tears the connection down (abort, close with
 * unread data, SO_LINGER 0). */
static void abort_conn(struct tcp_sock *c)
{
	switch (c->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
	case TCP_CLOSE_WAIT:
		tcp_send_rst(c); /* RFC 9293 §3.10.5 ABORT; Linux tcp_need_reset */
		break;
	default:
		break;
	}
	tcp_conn_fail(c, 0);
}

static void close_listener(struct tcp_sock *l)
{
	tcp_listener_del(l);
	while (l->synq_head) {
		struct tcp_sock *ch = l->synq_head;
		l->synq_head = ch->q_next;
		l->synq_len--;
		ch->q_next = NULL;
		ch->parent = NULL;
		tcp_conn_fail(ch, 0); /* half-open connections vanish silently */
	}
	while (l->acceptq_head) {
		struct tcp_sock *ch = l->acceptq_head;
		l->acceptq_head = ch->q_next;
		l->acceptq_len--;
		ch->q_next = NULL;
		ch->parent = NULL;
		if (ch->state == TCP_CLOSED)
			tcp_conn_maybe_free(ch);
		else
			abort_conn(ch); /* never accepted: reset, as Linux does */
	}
	l->acceptq_tail = NULL;
	tcp_set_state(l, TCP_CLOSED);
	tcp_port_unbind(l);
}

int tcp_close(struct tcp_sock *c)
{
	struct sim *sim = tcp_sim(c);
	c->app_ref = false;
	c->cb = NULL;
	c->interest = 0;
	sim_timer_cancel(sim, &c->t_notify);
	switch (c->state) {
	case TCP_LISTEN:
		close_listener(c);
		break;
	case TCP_CLOSED:
		tcp_port_unbind(c);
		break;
	case TCP_SYN_SENT:
		tcp_conn_fail(c, 0); /* SYN-SENT → CLOSED: delete the TCB */
		return 0;
	default:
		/* RFC 9293 §3.6.1 / RFC 2525 §2.17: closing with unread data resets the
		 * connection rather than pretending an orderly close; so does SO_LINGER 0. */
		if (c->rcvq.bytes > 0 || c->opt.linger0) {
			abort_conn(c);
			return 0;
		}
		c->flags |= TF_SHUT_RD;
		queue_fin(c);
		if (c->state == TCP_FIN_WAIT_2)
			tcp_timer_fin_wait2(c);
		break;
	}
	tcp_conn_maybe_free(c);
	return 0;
}

void tcp_abort(struct tcp_sock *c)
{
	struct sim *sim = tcp_sim(c);
	c->app_ref = false;
	c->cb = NULL;
	c->interest = 0;
	sim_timer_cancel(sim, &c->t_notify);
	if (c->state == TCP_LISTEN) {
		close_listener(c);
		tcp_conn_maybe_free(c);
		return;
	}
	if (c->state == TCP_CLOSED) {
		tcp_port_unbind(c);
		tcp_conn_maybe_free(c);
		return;
	}
	abort_conn(c);
}

int tcp_get_error(struct tcp_sock *c)
{
	int e = c->so_error;
	c->so_error = 0;
	return e;
}

/* ---- options ---- */

int tcp_setsockopt(struct tcp_sock *c, enum tcp_sockopt opt, int64_t v)
{
	switch (opt) {
	case TCP_OPT_NODELAY:
		c->opt.nodelay = v != 0;
		if (c->opt.nodelay) {
			/* Linux pushes pending data when Nagle is turned off, a corked
			 * partial segment too (TCP_NAGLE_PUSH). */
			c->flags |= TF_PUSH_ONCE;
			tcp_output(c);
			c->flags &= ~TF_PUSH_ONCE;
		}
		return 0;
	case TCP_OPT_KEEPALIVE:
		c->opt.keepalive = v != 0;
		if (c->state != TCP_CLOSED && c->state != TCP_LISTEN && c->state != TCP_SYN_SENT)
			tcp_timer_keepalive_reset(c);
		return 0;
	case TCP_OPT_KEEPIDLE:
		if (v <= 0)
			return -EINVAL;
		c->opt.keepidle = v;
		if (c->opt.keepalive && synchronized(c->state))
			tcp_timer_keepalive_reset(c);
		return 0;
	case TCP_OPT_KEEPINTVL:
		if (v <= 0)
			return -EINVAL;
		c->opt.keepintvl = v;
		return 0;
	case TCP_OPT_KEEPCNT:
		if (v <= 0 || v > 255)
			return -EINVAL;
		c->opt.keepcnt = (uint32_t)v;
		return 0;
	case TCP_OPT_LINGER_ZERO:
		c->opt.linger0 = v != 0;
		return 0;
	case TCP_OPT_SNDBUF: {
		if (v <= 0 || v > (1 << 30))
			return -EINVAL;
		uint32_t before = tcp_poll(c);
		c->opt.sndbuf = (uint32_t)v;
		/* A larger buffer may open space at once (Linux: sk_write_space). */
		wake_rising(c, before);
		return 0;
	}
	case TCP_OPT_RCVBUF:
		if (v <= 0 || v > (1 << 30))
			return -EINVAL;
		c->opt.rcvbuf = (uint32_t)v;
		c->opt.rcvbuf_set = true;
		return 0;
	default:
		break;
	}
	return tcp_sockopt_set_more(c, opt, v);
}

int tcp_getsockopt(const struct tcp_sock *c, enum tcp_sockopt opt, int64_t *v)
{
	switch (opt) {
	case TCP_OPT_NODELAY:
		*v = c->opt.nodelay;
		return 0;
	case TCP_OPT_KEEPALIVE:
		*v = c->opt.keepalive;
		return 0;
	case TCP_OPT_KEEPIDLE:
		*v = c->opt.keepidle;
		return 0;
	case TCP_OPT_KEEPINTVL:
		*v = c->opt.keepintvl;
		return 0;
	case TCP_OPT_KEEPCNT:
		*v = c->opt.keepcnt;
		return 0;
	case TCP_OPT_LINGER_ZERO:
		*v = c->opt.linger0;
		return 0;
	case TCP_OPT_SNDBUF:
		*v = c->opt.sndbuf;
		return 0;
	case TCP_OPT_RCVBUF:
		*v = c->opt.rcvbuf;
		return 0;
	default:
		break;
	}
	return tcp_sockopt_get_more(c, opt, v);
}

/* ---- accessors ---- */

ipv4_addr_t tcp_local_addr(const struct tcp_sock *c)
{
	return c->t.laddr;
}

uint16_t tcp_local_port(const struct tcp_sock *c)
{
	return c->t.lport;
}

ipv4_addr_t tcp_remote_addr(const struct tcp_sock *c)
{
	return c->t.raddr;
}

uint16_t tcp_remote_port(const struct tcp_sock *c)
{
	return c->t.rport;
}

const char *tcp_state_name(const struct tcp_sock *c)
{
	return tcp_state_str(c->state);
}

void tcp_sock_get_stats(const struct tcp_sock *c, struct tcp_stats *out)
{
	*out = c->stats->st;
}

const struct tcp_stats *tcp_sock_stats_ref(struct tcp_sock *c)
{
	c->stats->refs++;
	return &c->stats->st;
}
