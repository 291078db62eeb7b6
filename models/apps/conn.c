/* models/apps/conn.c — socket-facing helpers shared by the TCP applications:
 * options, configuration, traces, statistics, listeners that dispatch accepted
 * connections to their flows. See conn.h. */
#include "models/apps/conn.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/sim.h"

G_DEFINE_QUARK(netsim-apps-error-quark, app_error)

int app_apply_sockopts(struct tcp_sock *s, const struct app_sockopts *o)
{
	if (o == NULL)
		return 0;
	const struct {
		bool set;
		enum tcp_sockopt opt;
		int64_t value;
	} todo[] = {
		{o->nodelay != APP_FLAG_DEFAULT, TCP_OPT_NODELAY, o->nodelay == APP_FLAG_ON},
		{o->keepalive != APP_FLAG_DEFAULT, TCP_OPT_KEEPALIVE, o->keepalive == APP_FLAG_ON},
		{o->keepidle > 0, TCP_OPT_KEEPIDLE, o->keepidle},
		{o->keepintvl > 0, TCP_OPT_KEEPINTVL, o->keepintvl},
		{o->keepcnt > 0, TCP_OPT_KEEPCNT, o->keepcnt},
		{o->linger_zero != APP_FLAG_DEFAULT, TCP_OPT_LINGER_ZERO,
		 o->linger_zero == APP_FLAG_ON},
		{o->sndbuf > 0, TCP_OPT_SNDBUF, o->sndbuf},
		{o->rcvbuf > 0, TCP_OPT_RCVBUF, o->rcvbuf},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(todo); i++) {
		if (!todo[i].set)
			continue;
		int rc = tcp_setsockopt(s, todo[i].opt, todo[i].value);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int app_side_apply(struct tcp_sock *s, const struct app_side *side)
{
	if (side == NULL)
		return 0;
	if (side->tcp != NULL) {
		int rc = tcp_sock_set_config(s, side->tcp);
		if (rc < 0)
			return rc;
	}
	return app_apply_sockopts(s, &side->opts);
}

void app_tcp_stats_from(struct app_tcp_stats *out, const struct tcp_stats *s)
{
	out->retransmits = s->segs_retransmitted;
	out->fast_retransmits = s->fast_retransmits;
	out->rto_count = s->rto_expirations;
	out->rtt_samples = s->rtt_samples;
	out->rtt_min = s->rtt_min;
	out->rtt_max = s->rtt_max;
	out->rtt_sum = s->rtt_sum;
}

const char *app_format_endpoint(char *buf, ipv4_addr_t addr, uint16_t port)
{
	snprintf(buf, 24, "%u.%u.%u.%u:%u", (unsigned)(addr >> 24), (unsigned)(addr >> 16) & 255,
		 (unsigned)(addr >> 8) & 255, (unsigned)addr & 255, (unsigned)port);
	return buf;
}

int app_trace_enable(struct tcp_sock *s, const struct app_trace *t, const char *side,
		     bool data_sender, GError **error)
{
	if (t == NULL || t->prefix == NULL)
		return 0;
	unsigned what = t->what;
	if (what == 0)
		what = data_sender ? (TCP_TRACE_ENDPOINT | TCP_TRACE_SEQ) : TCP_TRACE_ENDPOINT;
	return tcp_sock_trace(s, t->prefix, side, what, error) < 0 ? -1 : 0;
}

/* ---- streams ---- */

int app_stream_tx_pump(struct app_stream_tx *tx, struct tcp_sock *s)
{
	while (tx->sent < tx->limit) {
		uint64_t left = tx->limit - tx->sent;
		size_t n = left < tx->write_size ? (size_t)left : tx->write_size;
		ssize_t r = tcp_send(s, app_pattern_at(tx->key + tx->sent), n);
		if (r == -EAGAIN)
			return 0;
		if (r < 0)
			return (int)r;
		tx->sent += (uint64_t)r;
	}
	return 1;
}

ssize_t app_stream_rx_read(struct app_verifier *v, struct tcp_sock *s, size_t max)
{
	uint8_t buf[65536];
	if (max > sizeof(buf))
		max = sizeof(buf);
	ssize_t n = tcp_recv(s, buf, max);
	if (n > 0)
		app_verifier_feed(v, buf, (size_t)n);
	return n;
}

/* ---- listeners ---- */

struct expectation {
	gint64 key; /* first member: the hash table's key points here */
	app_accept_fn fn;
	void *ctx;
};

struct app_listener {
	struct sim *sim;
	struct tcp_sock *sock;
	GHashTable *expected; /* (addr << 16 | port) → struct expectation; lookups only,
			       * never iterated, so its order cannot reach an output */
	uint64_t unexpected;
};

static gint64 expect_key(ipv4_addr_t addr, uint16_t port)
{
	return (gint64)(((uint64_t)addr << 16) | port);
}

static void listener_event(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx)
{
	struct app_listener *l = ctx;
	if (events & TCP_EV_ERROR)
		(void)tcp_get_error(s); /* nothing a listener can do; clear it */
	/* Accept everything waiting (correct for level- and edge-triggered alike). */
	for (;;) {
		int err = 0;
		struct tcp_sock *c = tcp_accept(s, &err);
		if (c == NULL)
			break;
		ipv4_addr_t ra = tcp_remote_addr(c);
		uint16_t rp = tcp_remote_port(c);
		gint64 key = expect_key(ra, rp);
		struct expectation *e = g_hash_table_lookup(l->expected, &key);
		if (e == NULL) {
			key = expect_key(IPV4_ANY, rp);
			e = g_hash_table_lookup(l->expected, &key);
		}
		if (e == NULL) {
			l->unexpected++;
			tcp_abort(c);
			continue;
		}
		app_accept_fn fn = e->fn;
		void *fctx = e->ctx;
		g_hash_table_remove(l->expected, &key);
		fn(sim, c, fctx);
	}
}

struct app_listener *app_listener_new(struct sim *sim, const struct app_listener_config *cfg,
				      GError **error)
{
	char ep[24];
	app_format_endpoint(ep, cfg->local.addr, cfg->local.port);
	if (cfg->local.stack == NULL || cfg->local.port == 0) {
		g_set_error(error, APP_ERROR, APP_ERROR_CONFIG,
			    "listener %s: a stack and a port are required", ep);
		return NULL;
	}
	struct tcp_sock *s = tcp_socket(cfg->local.stack);
	int rc = s ? app_side_apply(s, &cfg->side) : -ENOMEM;
	if (rc == 0)
		rc = tcp_bind(s, cfg->local.addr, cfg->local.port);
	if (rc == 0)
		rc = tcp_listen(s, cfg->backlog > 0 ? cfg->backlog : 128);
	if (rc < 0) {
		g_set_error(error, APP_ERROR, APP_ERROR_SOCKET, "cannot listen on %s: %s", ep,
			    app_errno_name(rc));
		if (s)
			tcp_close(s);
		return NULL;
	}
	struct app_listener *l = g_new0(struct app_listener, 1);
	l->sim = sim;
	l->sock = s;
	l->expected = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	tcp_set_callback(s, TCP_EV_READABLE | TCP_EV_ERROR, false, listener_event, l);
	return l;
}

void app_listener_free(struct app_listener *l)
{
	if (l == NULL)
		return;
	tcp_set_callback(l->sock, 0, false, NULL, NULL);
	g_hash_table_destroy(l->expected);
	g_free(l);
}

int app_listener_expect(struct app_listener *l, ipv4_addr_t raddr, uint16_t rport,
			app_accept_fn fn, void *ctx)
{
	gint64 key = expect_key(raddr, rport);
	if (g_hash_table_contains(l->expected, &key))
		return -EADDRINUSE;
	struct expectation *e = g_new(struct expectation, 1);
	e->key = key;
	e->fn = fn;
	e->ctx = ctx;
	g_hash_table_insert(l->expected, &e->key, e);
	return 0;
}

void app_listener_unexpect(struct app_listener *l, ipv4_addr_t raddr, uint16_t rport)
{
	gint64 key = expect_key(raddr, rport);
	g_hash_table_remove(l->expected, &key);
}

struct tcp_sock *app_listener_socket(const struct app_listener *l) { return l->sock; }

uint64_t app_listener_unexpected(const struct app_listener *l) { return l->unexpected; }

/* ---- client side ---- */

struct tcp_sock *app_client_socket(const struct app_endpoint *local, const struct app_side *side,
				   const struct app_trace *trace, const char *trace_side,
				   bool data_sender, GError **error)
{
	char ep[24];
	app_format_endpoint(ep, local->addr, local->port);
	struct tcp_sock *s = tcp_socket(local->stack);
	if (s == NULL) {
		g_set_error(error, APP_ERROR, APP_ERROR_SOCKET, "cannot create a socket");
		return NULL;
	}
	int rc = app_side_apply(s, side);
	if (rc == 0 && (local->addr != IPV4_ANY || local->port != 0))
		rc = tcp_bind(s, local->addr, local->port);
	if (rc < 0) {
		g_set_error(error, APP_ERROR, APP_ERROR_SOCKET, "cannot set up a socket on %s: %s",
			    ep, app_errno_name(rc));
		tcp_close(s);
		return NULL;
	}
	if (app_trace_enable(s, trace, trace_side, data_sender, error) < 0) {
		tcp_close(s);
		return NULL;
	}
	return s;
}

int app_client_connect(struct tcp_sock *s, const struct app_endpoint *remote,
		       struct app_listener *listener, app_accept_fn accept_fn, void *ctx)
{
	int rc = tcp_connect(s, remote->addr, remote->port);
	if (rc < 0)
		return rc;
	if (listener != NULL)
		return app_listener_expect(listener, tcp_local_addr(s), tcp_local_port(s),
					   accept_fn, ctx);
	return 0;
}
