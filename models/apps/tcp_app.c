/* models/apps/tcp_app.c — socket-facing helpers shared by the TCP applications:
 * options, configuration, traces, statistics, listeners that dispatch accepted
 * connections to their flows. See conn.h. */
#include "models/apps/tcp_app.h"

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
	out->sack = s->sack;
	out->timestamps = s->timestamps;
	out->wscale = s->wscale;
	out->dsacks_received = s->dsacks_received;
	out->spurious_retransmits = s->spurious_retransmits;
	out->tlp_probes = s->tlp_probes;
	out->tlp_recoveries = s->tlp_recoveries;
	out->frto_rtos = s->frto;
	out->spurious_rtos = s->spurious_rtos;
	out->undos = s->undos;
	out->mss = s->mss;
	out->ecn = s->ecn;
	out->ecn_ce_received = s->ecn_ce_received;
	out->ecn_ece_received = s->ecn_ece_received;
	out->ecn_cwr_sent = s->ecn_cwr_sent;
	out->ecn_reductions = s->ecn_reductions;
	out->dctcp_alpha = s->dctcp_alpha;
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
		/* app_pattern_at() points at APP_PATTERN_LEN valid bytes, no more: a larger
		 * write is made as several. */
		if (n > APP_PATTERN_LEN)
			n = APP_PATTERN_LEN;
		ssize_t r = tcp_send(s, app_pattern_at(tx->key + tx->sent), n);
		if (r == -EAGAIN)
			return 0;
		if (r < 0)
			return (int)r;
		tx->sent += (uint64_t)r;
	}
	return 1;
}

static void verify_piece(void *ctx, const uint8_t *data, uint32_t n)
{
	app_verifier_feed(ctx, data, n);
}

ssize_t app_stream_rx_read(struct app_verifier *v, struct tcp_sock *s, size_t max)
{
	/* The bytes are verified where TCP holds them (real received bytes, read in
	 * order, at most max of them, as a read into a buffer would), without a copy. */
	if (max > 65536)
		max = 65536;
	return tcp_recv_inplace(s, max, verify_piece, v);
}

/* ---- listeners ---- */

struct expectation {
	gint64 key; /* first member: the hash table's key points here */
	app_accept_fn fn;
	app_accept_fn syn_fn; /* optional: the connection's SYN arrived (SYN-RECEIVED) */
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

/* The expectation of a connection from (addr, port), or of one from that port when
 * the client could not tell its address; NULL if none. */
static struct expectation *expectation_of(struct app_listener *l, ipv4_addr_t addr, uint16_t port,
					  gint64 *key)
{
	*key = expect_key(addr, port);
	struct expectation *e = g_hash_table_lookup(l->expected, key);
	if (e == NULL) {
		*key = expect_key(IPV4_ANY, port);
		e = g_hash_table_lookup(l->expected, key);
	}
	return e;
}

/* TCP announces a new connection in the SYN queue: the flow expecting it may trace
 * it from its first state (LISTEN) on. */
static void listener_child(struct sim *sim, struct tcp_sock *s, struct tcp_sock *child, void *ctx)
{
	(void)s;
	gint64 key;
	struct expectation *e =
		expectation_of(ctx, tcp_remote_addr(child), tcp_remote_port(child), &key);
	if (e && e->syn_fn)
		e->syn_fn(sim, child, e->ctx);
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
		gint64 key;
		struct expectation *e =
			expectation_of(l, tcp_remote_addr(c), tcp_remote_port(c), &key);
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
	tcp_listen_set_child_fn(s, listener_child, l);
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
	struct expectation *e = g_new0(struct expectation, 1);
	e->key = key;
	e->fn = fn;
	e->ctx = ctx;
	g_hash_table_insert(l->expected, &e->key, e);
	return 0;
}

void app_listener_expect_syn(struct app_listener *l, ipv4_addr_t raddr, uint16_t rport,
			     app_accept_fn syn_fn)
{
	gint64 key = expect_key(raddr, rport);
	struct expectation *e = g_hash_table_lookup(l->expected, &key);
	if (e)
		e->syn_fn = syn_fn;
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

/* ---- the two ends of one flow ---- */

int app_take_error(struct tcp_sock *s, uint32_t events)
{
	return (events & TCP_EV_ERROR) ? tcp_get_error(s) : 0;
}

void app_pair_error(struct app_pair *p, int err, const char *side)
{
	if (err == 0)
		return;
	if (p->report.error == 0)
		app_flow_report_detail(&p->report, "%s: %s", side, app_errno_name(err));
	app_flow_report_error(&p->report, err);
}

static void pair_unexpect(struct app_pair *p)
{
	if (p->expecting) {
		app_listener_unexpect(p->listener, p->exp_addr, p->exp_port);
		p->expecting = false;
	}
}

void app_pair_close_client(struct app_pair *p)
{
	if (p->client == NULL)
		return;
	tcp_close(p->client);
	p->client = NULL;
	sim_timer_cancel(p->sim, &p->stop_timer);
	pair_unexpect(p);
}

void app_pair_release_client(struct app_pair *p)
{
	if (p->client == NULL)
		return;
	tcp_close(p->client);
	p->client = NULL;
	sim_timer_cancel(p->sim, &p->stop_timer);
}

void app_pair_close_server(struct app_pair *p)
{
	if (p->server == NULL)
		return;
	tcp_close(p->server);
	p->server = NULL;
}

void app_pair_fail_client(struct app_pair *p, int err)
{
	app_pair_error(p, err, p->client_trace_side);
	app_pair_close_client(p);
}

void app_pair_fail_server(struct app_pair *p, int err)
{
	app_pair_error(p, err, p->server_trace_side);
	app_pair_close_server(p);
}

static const uint32_t all_events = TCP_EV_READABLE | TCP_EV_WRITABLE | TCP_EV_HUP | TCP_EV_ERROR;

/* The client's readiness (edge-triggered): see struct app_pair_ops. */
static void pair_client_event(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx)
{
	struct app_pair *p = ctx;
	(void)sim;
	int err = app_take_error(s, events);
	if (err != 0) {
		app_pair_fail_client(p, err);
		return;
	}
	if (events & TCP_EV_WRITABLE) {
		if (!p->client_connected) {
			p->client_connected = true;
			p->ops->client_connected(p);
		} else if (p->ops->client_writable) {
			p->ops->client_writable(p);
		}
	}
	if (p->client != NULL && (events & (TCP_EV_READABLE | TCP_EV_HUP)))
		p->ops->client_readable(p);
	/* Hung up with the handle still held: not by an end of stream the
	 * application handled, so the connection was lost. */
	if (p->client != NULL && (events & TCP_EV_HUP))
		app_pair_fail_client(p, -ECONNRESET);
}

static void pair_server_event(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx)
{
	struct app_pair *p = ctx;
	(void)sim;
	int err = app_take_error(s, events);
	if (err != 0) {
		app_pair_fail_server(p, err);
		return;
	}
	if (p->ops->server_pump)
		p->ops->server_pump(p);
	else
		p->ops->server_event(p, events);
	if (p->server != NULL && (events & TCP_EV_HUP))
		app_pair_fail_server(p, -ECONNRESET);
}

void app_pair_server_interest(struct app_pair *p, uint32_t interest)
{
	if (p->server != NULL && interest != p->server_interest) {
		p->server_interest = interest;
		tcp_set_callback(p->server, interest, p->ops->server_edge, pair_server_event, p);
	}
}

void app_pair_update_stats(struct app_pair *p, bool both)
{
	memset(&p->report.tcp, 0, sizeof(p->report.tcp));
	if (p->client_stats)
		app_tcp_stats_from(&p->report.tcp, p->client_stats);
	if (both && p->server_stats) {
		struct app_tcp_stats s;
		app_tcp_stats_from(&s, p->server_stats);
		app_tcp_stats_merge(&p->report.tcp, &s);
	}
	p->report.connected = p->client_connected;
}

/* The server side is here: register it and hand it to the application. */
static void pair_server_ready(struct app_pair *p, struct tcp_sock *s, bool accepted)
{
	p->server = s;
	if (p->server_stats == NULL)
		p->server_stats = tcp_sock_stats_ref(s);
	if (p->cc_of_server)
		g_strlcpy(p->cc, tcp_sock_config(s)->cc, sizeof(p->cc));
	if (accepted) {
		int rc = app_apply_sockopts(s, &p->server_side.opts);
		if (rc < 0)
			app_pair_error(p, rc, p->server_trace_side);
		GError *err = NULL;
		if (app_trace_enable(s, &p->trace, p->server_trace_side, p->server_sends, &err) < 0) {
			app_flow_report_detail(&p->report, "%s trace: %s", p->server_trace_side,
					       err->message);
			g_error_free(err);
		}
	}
	p->server_interest = p->ops->server_interest;
	tcp_set_callback(s, p->server_interest, p->ops->server_edge, pair_server_event, p);
	if (p->ops->server_pump)
		p->ops->server_pump(p);
	else if (p->ops->server_ready)
		p->ops->server_ready(p);
}

/* The server side's SYN arrived: its trace starts now, from LISTEN, so it shows the
 * whole handshake (the accepted socket's trace is then already open). */
static void pair_server_syn(struct sim *sim, struct tcp_sock *s, void *ctx)
{
	struct app_pair *p = ctx;
	(void)sim;
	GError *err = NULL;
	if (app_trace_enable(s, &p->trace, p->server_trace_side, p->server_sends, &err) < 0) {
		app_flow_report_detail(&p->report, "%s trace: %s", p->server_trace_side,
				       err->message);
		g_error_free(err);
	}
}

static void pair_accepted(struct sim *sim, struct tcp_sock *s, void *ctx)
{
	struct app_pair *p = ctx;
	(void)sim;
	p->expecting = false; /* the listener dropped the expectation */
	pair_server_ready(p, s, true);
}

static void pair_stop_fired(struct sim *sim, void *ctx, void *arg)
{
	struct app_pair *p = ctx;
	(void)sim;
	(void)arg;
	if (p->client != NULL && p->ops->stop)
		p->ops->stop(p);
}

static void pair_start_fired(struct sim *sim, void *ctx, void *arg)
{
	struct app_pair *p = ctx;
	(void)arg;
	p->started = true;
	tcp_set_callback(p->client, all_events, true, pair_client_event, p);
	int rc;
	if (p->simultaneous) {
		/* RFC 9293 §3.5 figure 7: both ends send a SYN at the same instant. */
		struct tcp_sock *srv = p->server;
		p->server = NULL;
		rc = tcp_connect(p->client, p->server_ep.addr, p->server_ep.port);
		if (rc < 0) {
			app_pair_fail_client(p, rc);
		}
		int rc2 = tcp_connect(srv, p->client_ep.addr, p->client_ep.port);
		if (rc2 < 0) {
			app_pair_error(p, rc2, p->server_trace_side);
			tcp_close(srv);
		} else {
			pair_server_ready(p, srv, false);
		}
	} else {
		rc = app_client_connect(p->client, &p->server_ep, p->listener, pair_accepted, p);
		if (rc < 0) {
			app_pair_fail_client(p, rc);
			return;
		}
		if (p->listener != NULL) {
			p->expecting = true;
			p->exp_addr = tcp_local_addr(p->client);
			p->exp_port = tcp_local_port(p->client);
			if (p->trace.prefix)
				app_listener_expect_syn(p->listener, p->exp_addr, p->exp_port,
							pair_server_syn);
		}
	}
	sim_time_t stop = p->report.stop;
	if (stop != SIM_TIME_MAX && p->client != NULL)
		sim_timer_arm_at(sim, &p->stop_timer, stop > sim_now(sim) ? stop : sim_now(sim),
				 pair_stop_fired, p, NULL);
}

void app_pair_config_client_server(struct app_pair_config *pc,
				   const struct app_client_server *cs, const char *app)
{
	*pc = (struct app_pair_config){
		.conn = *cs,
		.app = app,
		.client_trace_side = "client",
		.server_trace_side = "server",
		.client_sends = true,
		.server_sends = true,
	};
}

int app_pair_init(struct app_pair *p, struct sim *sim, const struct app_pair_config *cfg,
		  const struct app_pair_ops *ops, void *owner, GError **error)
{
	const struct app_client_server *cs = &cfg->conn;
	const char *name = cs->name ? cs->name : cfg->app;
	memset(p, 0, sizeof(*p));
	if (cs->client.stack == NULL || cs->server.stack == NULL || cs->server.port == 0) {
		g_set_error(error, APP_ERROR, APP_ERROR_CONFIG,
			    "%s: client and server stacks and the server port are required", name);
		return -1;
	}
	if (cs->start < 0 || cs->stop < 0 || (cs->stop > 0 && cs->stop <= cs->start)) {
		g_set_error(error, APP_ERROR, APP_ERROR_CONFIG,
			    "%s: times must be non-negative and stop after start", name);
		return -1;
	}
	if (cfg->simultaneous && (cs->client.port == 0 || cs->client.addr == IPV4_ANY ||
				  cs->server.addr == IPV4_ANY)) {
		g_set_error(error, APP_ERROR, APP_ERROR_CONFIG,
			    "%s: simultaneous open needs both addresses and both ports", name);
		return -1;
	}
	if (cs->listener != NULL && !cfg->simultaneous && !cs->client_only &&
	    tcp_local_port(cs->listener->sock) != cs->server.port) {
		g_set_error(error, APP_ERROR, APP_ERROR_CONFIG,
			    "%s: the shared listener is not on the server port %u", name,
			    (unsigned)cs->server.port);
		return -1;
	}
	p->sim = sim;
	p->ops = ops;
	p->owner = owner;
	app_flow_report_init(&p->report, name, cfg->app, cs->start,
			     cs->stop > 0 ? cs->stop : SIM_TIME_MAX);
	p->trace_prefix = g_strdup(cs->trace.prefix);
	p->trace.prefix = p->trace_prefix;
	p->trace.what = cs->trace.what;
	p->server_side = cs->server_side;
	p->server_side.tcp = NULL; /* applied at set-up; do not keep the pointer */
	p->client_trace_side = cfg->client_trace_side ? cfg->client_trace_side : "client";
	p->server_trace_side = cfg->server_trace_side ? cfg->server_trace_side : "server";
	p->server_sends = cfg->server_sends;
	p->simultaneous = cfg->simultaneous;
	p->client_only = cs->client_only;
	p->cc_of_server = cfg->cc_of_server;
	p->client_ep = cs->client;
	p->server_ep = cs->server;

	if (cfg->simultaneous) {
		struct app_endpoint local = cs->server;
		struct tcp_sock *srv = app_client_socket(&local, &cs->server_side, &p->trace,
							 p->server_trace_side, cfg->server_sends,
							 error);
		if (srv == NULL)
			goto fail;
		p->server = srv;
		p->server_stats = tcp_sock_stats_ref(srv);
	} else if (cs->client_only) {
		p->listener = NULL;
	} else if (cs->listener == NULL) {
		struct app_listener_config lc = {
			.local = cs->server,
			.side = cs->server_side,
			.backlog = cs->backlog,
		};
		p->own_listener = app_listener_new(sim, &lc, error);
		if (p->own_listener == NULL)
			goto fail;
		p->listener = p->own_listener;
	} else {
		p->listener = cs->listener;
	}

	p->client = app_client_socket(&cs->client, &cs->client_side, &p->trace,
				      p->client_trace_side, cfg->client_sends, error);
	if (p->client == NULL)
		goto fail;
	p->client_stats = tcp_sock_stats_ref(p->client);
	g_strlcpy(p->cc, tcp_sock_config(p->client)->cc, sizeof(p->cc));
	p->report.cc = p->cc;

	sim_timer_arm_at(sim, &p->start_timer, cs->start > sim_now(sim) ? cs->start : sim_now(sim),
			 pair_start_fired, p, NULL);
	return 0;

fail:
	g_prefix_error(error, "%s: ", name);
	if (p->server)
		tcp_close(p->server);
	p->server = NULL;
	app_pair_fini(p);
	return -1;
}

void app_pair_fini(struct app_pair *p)
{
	if (p->sim == NULL)
		return;
	sim_timer_cancel(p->sim, &p->start_timer);
	sim_timer_cancel(p->sim, &p->stop_timer);
	pair_unexpect(p);
	/* Silence, do not close: the stack frees the connections (Teardown). */
	if (p->client)
		tcp_set_callback(p->client, 0, false, NULL, NULL);
	if (p->server)
		tcp_set_callback(p->server, 0, false, NULL, NULL);
	app_listener_free(p->own_listener);
	if (p->client_stats)
		tcp_stats_unref(p->client_stats);
	if (p->server_stats)
		tcp_stats_unref(p->server_stats);
	app_flow_report_fini(&p->report);
	g_free(p->trace_prefix);
	memset(p, 0, sizeof(*p));
}
