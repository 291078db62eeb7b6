/* models/tcp/options.c — the socket options beyond socket.c's first set, with the
 * behaviour Linux gives them:
 *
 *   TCP_CORK          partial segments wait while it is set (output.c), except that
 *                     with nothing in flight the persist timer sends them after one
 *                     RTO (Linux's probe timer, tcp_write_wakeup). Clearing it sends
 *                     what waits (tcp_sock_set_cork -> tcp_push_pending_frames).
 *   TCP_MAXSEG        Linux's user_mss: clamps the MSS announced in our SYN or
 *                     SYN-ACK and the MSS we send with (tcp_mss_clamp,
 *                     tcp_sync_mss); set on a listener, its connections inherit it;
 *                     on a connected socket it is stored for nothing (as Linux).
 *   TCP_USER_TIMEOUT  how long sent data may stay unacknowledged before the
 *                     connection is aborted with ETIMEDOUT, instead of counting
 *                     retransmissions (tcp_write_timeout/retransmits_timed_out);
 *                     the retransmission and probe timers are clamped to it
 *                     (tcp_clamp_rto_to_user_timeout, tcp_clamp_probe0_...); it
 *                     ends zero-window probing and keepalive the same way.
 *   IP_TOS            the TOS byte of every segment this connection sends; the
 *                     ECN bits are TCP's and stay clear (Linux do_ip_setsockopt).
 *   SO_REUSEADDR      bind() may share a port with sockets that set it too and are
 *                     not listening (a connection in TIME-WAIT, say): stack.c.
 */
#include <errno.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/socket.h"
#include "sim/core/sim.h"

/* Linux's bounds for TCP_MAXSEG (TCP_MIN_MSS .. MAX_TCP_WINDOW). */
#define MAXSEG_MIN 88
#define MAXSEG_MAX 32767

int tcp_sockopt_set_more(struct tcp_sock *c, enum tcp_sockopt opt, int64_t v)
{
	switch (opt) {
	case TCP_OPT_CORK:
		c->opt.cork = v != 0;
		if (!c->opt.cork)
			tcp_output(c); /* what the cork held goes now */
		return 0;
	case TCP_OPT_MAXSEG:
		if (v < MAXSEG_MIN || v > MAXSEG_MAX)
			return -EINVAL;
		c->opt.maxseg = (uint32_t)v; /* used by the next handshake */
		return 0;
	case TCP_OPT_USER_TIMEOUT:
		if (v < 0)
			return -EINVAL;
		c->opt.user_timeout = v;
		return 0;
	case TCP_OPT_TOS:
		if (v < 0 || v > 255)
			return -EINVAL;
		c->opt.tos = (uint8_t)(v & ~3); /* RFC 3168 §5: the ECN field is TCP's */
		return 0;
	case TCP_OPT_REUSEADDR:
		c->opt.reuseaddr = v != 0;
		return 0;
	case TCP_OPT_QUICKACK:
		tcp_ack_set_quickack(c, v != 0); /* ack.c */
		return 0;
	default:
		return -EINVAL;
	}
}

int tcp_sockopt_get_more(const struct tcp_sock *c, enum tcp_sockopt opt, int64_t *v)
{
	switch (opt) {
	case TCP_OPT_CORK:
		*v = c->opt.cork;
		return 0;
	case TCP_OPT_MAXSEG:
		/* Linux do_tcp_getsockopt: the MSS in use (mss_cache); before a
		 * connection, the value set, else TCP_MSS_DEFAULT. */
		if (c->state == TCP_CLOSED || c->state == TCP_LISTEN)
			*v = c->opt.maxseg ? c->opt.maxseg : TCP_MSS_DEFAULT;
		else
			*v = c->mss;
		return 0;
	case TCP_OPT_USER_TIMEOUT:
		*v = c->opt.user_timeout;
		return 0;
	case TCP_OPT_TOS:
		*v = c->opt.tos;
		return 0;
	case TCP_OPT_REUSEADDR:
		*v = c->opt.reuseaddr;
		return 0;
	case TCP_OPT_QUICKACK:
		*v = !tcp_ack_interactive(c);
		return 0;
	default:
		return -EINVAL;
	}
}

bool tcp_user_timed_out(const struct tcp_sock *c, sim_time_t since)
{
	return c->opt.user_timeout > 0 && sim_now(tcp_sim(c)) - since >= c->opt.user_timeout;
}

sim_time_t tcp_user_timeout_clamp(const struct tcp_sock *c, sim_time_t since, sim_time_t when)
{
	if (c->opt.user_timeout == 0)
		return when;
	sim_time_t left = since + c->opt.user_timeout - sim_now(tcp_sim(c));
	/* Linux fires at once (one jiffy) when the time is up already. */
	if (left < SIM_MS(1))
		left = SIM_MS(1);
	return left < when ? left : when;
}

int tcp_set_congestion(struct tcp_sock *c, const char *name)
{
	const char *const *names = tcp_cc_names();
	int i = 0;
	while (names[i] && strcmp(names[i], name) != 0)
		i++;
	if (!names[i])
		return -ENOENT;
	if (c->state != TCP_CLOSED || (c->flags & TF_ACTIVE))
		return -EISCONN;
	struct tcp_config cfg = *c->cfg;
	g_strlcpy(cfg.cc, names[i], sizeof(cfg.cc));
	struct tcp_sockopts keep = c->opt; /* a new configuration resets them */
	int r = tcp_sock_set_config(c, &cfg);
	c->opt = keep;
	return r;
}

const char *tcp_congestion(const struct tcp_sock *c)
{
	return c->cfg->cc;
}
