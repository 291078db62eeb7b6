/* models/apps/simopen.c — simultaneous open (see simopen.h). Both ends run the same
 * code: struct end is one of them; the pair's client socket is A's, its server
 * socket B's. */
#include "models/apps/simopen.h"

#include <errno.h>
#include <string.h>

#include "sim/core/sim.h"

struct end {
	const char *name;          /* "a" / "b" for the report's details */
	struct app_stream_tx tx;   /* what this end sends */
	struct app_verifier ver;   /* what it receives (the other end's stream) */
	bool connected, shut, eof;
	sim_time_t established_at;
};

struct simopen {
	struct app_pair pair;
	uint64_t bytes;
	struct end a, b;
};

void simopen_config_default(struct simopen_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->write_size = SIMOPEN_DEFAULT_WRITE_SIZE;
}

static struct tcp_sock *end_sock(struct simopen *o, struct end *e)
{
	return e == &o->a ? o->pair.client : o->pair.server;
}

static void end_close(struct simopen *o, struct end *e)
{
	if (e == &o->a)
		app_pair_close_client(&o->pair);
	else
		app_pair_close_server(&o->pair);
}

static void end_fail(struct simopen *o, struct end *e, int err)
{
	if (e == &o->a)
		app_pair_fail_client(&o->pair, err);
	else
		app_pair_fail_server(&o->pair, err);
}

static void end_shutdown(struct simopen *o, struct end *e)
{
	struct tcp_sock *s = end_sock(o, e);
	if (e->shut || s == NULL)
		return;
	e->shut = true;
	int rc = tcp_shutdown(s, TCP_SHUT_WR);
	if (rc < 0)
		end_fail(o, e, rc);
}

static void end_write(struct simopen *o, struct end *e)
{
	struct tcp_sock *s = end_sock(o, e);
	if (s == NULL || !e->connected || e->shut)
		return;
	int rc = app_stream_tx_pump(&e->tx, s);
	if (rc == 1)
		end_shutdown(o, e);
	else if (rc < 0)
		end_fail(o, e, rc);
}

static void end_connected(struct simopen *o, struct end *e)
{
	e->connected = true;
	e->established_at = sim_now(o->pair.sim);
	if (sim_now(o->pair.sim) >= o->pair.report.stop)
		end_shutdown(o, e);
	end_write(o, e);
}

/* Reads until EAGAIN or the other end's FIN. */
static void end_read(struct simopen *o, struct end *e)
{
	struct tcp_sock *s;
	while ((s = end_sock(o, e)) != NULL) {
		bool was_ok = e->ver.ok;
		ssize_t n = app_stream_rx_read(&e->ver, s, 65536);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			end_fail(o, e, (int)n);
			return;
		}
		if (n == 0) {
			e->eof = true;
			struct end *other = e == &o->a ? &o->b : &o->a;
			if (e->ver.ok && e->ver.offset != other->tx.sent)
				app_flow_report_detail(&o->pair.report,
						       "%s received %" G_GUINT64_FORMAT
						       " bytes, %s sent %" G_GUINT64_FORMAT,
						       e->name, e->ver.offset, other->name,
						       other->tx.sent);
			if (o->a.eof && o->b.eof)
				o->pair.report.finish = sim_now(o->pair.sim);
			/* Our own FIN may still be queued: close() sends it after the
			 * data, as an orderly close does. */
			end_close(o, e);
			return;
		}
		if (was_ok && !e->ver.ok)
			app_flow_report_detail(&o->pair.report,
					       "%s: mismatch at offset %" G_GUINT64_FORMAT, e->name,
					       e->ver.bad_offset);
	}
}

/* End A is the pair's client: the pair dispatches its events. */
static void a_connected(struct app_pair *p)
{
	struct simopen *o = p->owner;
	end_connected(o, &o->a);
}

static void a_writable(struct app_pair *p)
{
	struct simopen *o = p->owner;
	end_write(o, &o->a);
}

static void a_readable(struct app_pair *p)
{
	struct simopen *o = p->owner;
	end_read(o, &o->a);
}

/* End B is the pair's server socket, edge-triggered like A. */
static void b_event(struct app_pair *p, uint32_t events)
{
	struct simopen *o = p->owner;
	if (events & TCP_EV_WRITABLE) {
		if (!o->b.connected)
			end_connected(o, &o->b);
		else
			end_write(o, &o->b);
	}
	if (events & (TCP_EV_READABLE | TCP_EV_HUP))
		end_read(o, &o->b);
}

static void on_stop(struct app_pair *p)
{
	struct simopen *o = p->owner;
	struct end *ends[2] = {&o->a, &o->b};
	for (int i = 0; i < 2; i++) {
		if (ends[i]->connected)
			end_shutdown(o, ends[i]);
		else
			end_close(o, ends[i]);
	}
}

static const struct app_pair_ops simopen_ops = {
	.client_connected = a_connected,
	.client_writable = a_writable,
	.client_readable = a_readable,
	.server_event = b_event,
	.server_edge = true,
	.server_interest = TCP_EV_READABLE | TCP_EV_WRITABLE | TCP_EV_HUP | TCP_EV_ERROR,
	.stop = on_stop,
};

struct simopen *simopen_new(struct sim *sim, const struct simopen_config *cfg, GError **error)
{
	const char *name = cfg->name ? cfg->name : "simopen";
	struct simopen *o = g_new0(struct simopen, 1);
	struct app_pair_config pc = {
		.conn = {
			.name = name,
			.client = cfg->a,
			.server = cfg->b,
			.start = cfg->start,
			.stop = cfg->stop,
			.client_side = cfg->a_side,
			.server_side = cfg->b_side,
			.trace = cfg->trace,
		},
		.app = "simopen",
		.simultaneous = true,
		.client_trace_side = "client",
		.server_trace_side = "server",
		.client_sends = true,
		.server_sends = true,
	};
	if (app_pair_init(&o->pair, sim, &pc, &simopen_ops, o, error) < 0) {
		g_free(o);
		return NULL;
	}
	o->bytes = cfg->bytes;
	uint64_t fk = app_name_key(name);
	uint32_t ws = cfg->write_size ? cfg->write_size : SIMOPEN_DEFAULT_WRITE_SIZE;
	struct end *ends[2] = {&o->a, &o->b};
	for (int i = 0; i < 2; i++) {
		struct end *e = ends[i];
		e->name = i == 0 ? "a" : "b";
		e->tx.key = app_stream_key(fk, (uint64_t)i);
		e->tx.limit = cfg->bytes;
		e->tx.write_size = ws;
		app_verifier_init(&e->ver, app_stream_key(fk, (uint64_t)(1 - i)));
		e->established_at = -1;
	}
	return o;
}

const struct app_flow_report *simopen_report(struct simopen *o)
{
	struct app_flow_report *r = &o->pair.report;
	r->bytes_sent = o->a.tx.sent + o->b.tx.sent;
	r->bytes_to_client = o->a.ver.offset;
	r->bytes_to_server = o->b.ver.offset;
	r->bytes_delivered = r->bytes_to_client + r->bytes_to_server;
	app_pair_update_stats(&o->pair, true);
	bool count_ok = (!o->a.eof || o->a.ver.offset == o->b.tx.sent) &&
			(!o->b.eof || o->b.ver.offset == o->a.tx.sent);
	r->intact = o->a.ver.ok && o->b.ver.ok && r->error == 0 && count_ok;
	r->complete = r->intact && o->a.eof && o->b.eof && o->a.ver.offset == o->bytes &&
		      o->b.ver.offset == o->bytes;
	return r;
}

sim_time_t simopen_established_at(const struct simopen *o, bool b)
{
	return b ? o->b.established_at : o->a.established_at;
}

struct tcp_sock *simopen_socket(const struct simopen *o, bool b)
{
	return b ? o->pair.server : o->pair.client;
}

void simopen_free(struct simopen *o)
{
	if (o == NULL)
		return;
	app_pair_fini(&o->pair);
	g_free(o);
}
