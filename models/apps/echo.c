/* models/apps/echo.c — echo client and server (see echo.h). */
#include "models/apps/echo.h"

#include <errno.h>
#include <string.h>

#include "sim/core/sim.h"

#define ECHO_BUF 65536u

struct echo {
	struct app_pair pair;
	uint64_t bytes;

	/* Client (edge-triggered). */
	struct app_stream_tx tx;
	bool cli_shut;
	struct app_verifier cli_ver;  /* the echo, against the same stream */
	bool cli_eof;

	/* Server (level-triggered). */
	struct app_verifier srv_ver;
	uint64_t echoed;              /* bytes the server handed back to TCP */
	uint8_t *pending;             /* bytes read but not yet accepted by tcp_send */
	size_t pending_off, pending_len;
	bool srv_eof;
};

void echo_config_default(struct echo_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->write_size = ECHO_DEFAULT_WRITE_SIZE;
}

static const uint32_t quiet = TCP_EV_HUP | TCP_EV_ERROR;

/* ---- client ---- */

static void cli_shutdown(struct echo *e)
{
	if (e->cli_shut || e->pair.client == NULL)
		return;
	e->cli_shut = true;
	int rc = tcp_shutdown(e->pair.client, TCP_SHUT_WR);
	if (rc < 0)
		app_pair_fail_client(&e->pair, rc);
}

static void cli_write(struct echo *e)
{
	if (e->pair.client == NULL || !e->pair.client_connected || e->cli_shut)
		return;
	int rc = app_stream_tx_pump(&e->tx, e->pair.client);
	if (rc == 1)
		cli_shutdown(e); /* half-close; the echo keeps coming */
	else if (rc < 0)
		app_pair_fail_client(&e->pair, rc);
}

static void cli_read(struct echo *e)
{
	for (;;) {
		if (e->pair.client == NULL)
			return;
		bool was_ok = e->cli_ver.ok;
		ssize_t n = app_stream_rx_read(&e->cli_ver, e->pair.client, ECHO_BUF);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			app_pair_fail_client(&e->pair, (int)n);
			return;
		}
		if (n == 0) {
			e->cli_eof = true;
			e->pair.report.finish = sim_now(e->pair.sim);
			if (e->cli_ver.ok && e->cli_ver.offset != e->tx.sent)
				app_flow_report_detail(&e->pair.report,
						       "echo ended after %" G_GUINT64_FORMAT
						       " of %" G_GUINT64_FORMAT " bytes",
						       e->cli_ver.offset, e->tx.sent);
			app_pair_close_client(&e->pair);
			return;
		}
		if (was_ok && !e->cli_ver.ok)
			app_flow_report_detail(&e->pair.report,
					       "echo mismatch at offset %" G_GUINT64_FORMAT,
					       e->cli_ver.bad_offset);
	}
}

static void cli_connected(struct app_pair *p) { cli_write(p->owner); }
static void cli_writable(struct app_pair *p) { cli_write(p->owner); }
static void cli_readable(struct app_pair *p) { cli_read(p->owner); }

static void cli_stop(struct app_pair *p)
{
	struct echo *e = p->owner;
	if (p->client_connected)
		cli_shutdown(e);
	else
		app_pair_close_client(p);
}

/* ---- server ---- */

/* Sends pending bytes; returns true when none are left. */
static bool srv_flush(struct echo *e)
{
	while (e->pending_len > 0) {
		ssize_t r = tcp_send(e->pair.server, e->pending + e->pending_off, e->pending_len);
		if (r == -EAGAIN)
			return false;
		if (r < 0) {
			app_pair_fail_server(&e->pair, (int)r);
			return false;
		}
		e->echoed += (uint64_t)r;
		e->pending_off += (size_t)r;
		e->pending_len -= (size_t)r;
	}
	return true;
}

static void srv_pump(struct app_pair *p)
{
	struct echo *e = p->owner;
	uint8_t buf[ECHO_BUF];
	while (p->server != NULL) {
		if (!srv_flush(e)) {
			if (p->server != NULL)
				app_pair_server_interest(p, TCP_EV_WRITABLE | quiet);
			return;
		}
		if (e->srv_eof) {
			app_pair_close_server(p); /* all echoed: FIN after it */
			return;
		}
		/* Read no more than TCP can take back. With no room at all, take one
		 * byte: sending it fails with EAGAIN, which is how TCP learns that a
		 * writer waits (it then reports WRITABLE when space opens), and the
		 * byte waits in `pending`. */
		size_t room = tcp_writable_bytes(p->server);
		size_t want = room == 0 ? 1 : room < sizeof(buf) ? room : sizeof(buf);
		ssize_t n = tcp_recv(p->server, buf, want);
		if (n == -EAGAIN) {
			app_pair_server_interest(p, TCP_EV_READABLE | quiet);
			return;
		}
		if (n < 0) {
			app_pair_fail_server(&e->pair, (int)n);
			return;
		}
		if (n == 0) {
			e->srv_eof = true;
			continue;
		}
		bool was_ok = e->srv_ver.ok;
		app_verifier_feed(&e->srv_ver, buf, (size_t)n);
		if (was_ok && !e->srv_ver.ok)
			app_flow_report_detail(&p->report,
					       "server saw a mismatch at offset %" G_GUINT64_FORMAT,
					       e->srv_ver.bad_offset);
		ssize_t w = tcp_send(p->server, buf, (size_t)n);
		if (w == -EAGAIN)
			w = 0;
		if (w < 0) {
			app_pair_fail_server(&e->pair, (int)w);
			return;
		}
		e->echoed += (uint64_t)w;
		if (w < n) {
			/* The stack took less than it said it had room for: keep the rest. */
			if (e->pending == NULL)
				e->pending = g_malloc(ECHO_BUF);
			e->pending_off = 0;
			e->pending_len = (size_t)(n - w);
			memcpy(e->pending, buf + w, e->pending_len);
		}
	}
}

/* ---- lifecycle ---- */

static const struct app_pair_ops echo_ops = {
	.client_connected = cli_connected,
	.client_writable = cli_writable,
	.client_readable = cli_readable,
	.server_edge = false,
	.server_interest = TCP_EV_READABLE | TCP_EV_HUP | TCP_EV_ERROR,
	.server_pump = srv_pump,
	.stop = cli_stop,
};

struct echo *echo_new(struct sim *sim, const struct echo_config *cfg, GError **error)
{
	const char *name = cfg->conn.name ? cfg->conn.name : "echo";
	if (cfg->bytes == 0) {
		g_set_error(error, APP_ERROR, APP_ERROR_CONFIG, "%s: bytes must be positive", name);
		return NULL;
	}
	struct echo *e = g_new0(struct echo, 1);
	struct app_pair_config pc;
	app_pair_config_client_server(&pc, &cfg->conn, "echo");
	if (app_pair_init(&e->pair, sim, &pc, &echo_ops, e, error) < 0) {
		g_free(e);
		return NULL;
	}
	e->bytes = cfg->bytes;
	uint64_t key = app_stream_key(app_name_key(name), 0);
	e->tx.key = key;
	e->tx.limit = cfg->bytes;
	e->tx.write_size = cfg->write_size ? cfg->write_size : ECHO_DEFAULT_WRITE_SIZE;
	app_verifier_init(&e->cli_ver, key);
	app_verifier_init(&e->srv_ver, key);
	return e;
}

const struct app_flow_report *echo_report(struct echo *e)
{
	struct app_flow_report *r = &e->pair.report;
	r->bytes_sent = e->tx.sent + e->echoed;
	r->bytes_to_server = e->srv_ver.offset;
	r->bytes_to_client = e->cli_ver.offset;
	r->bytes_delivered = r->bytes_to_server + r->bytes_to_client;
	app_pair_update_stats(&e->pair, true);
	bool count_ok = !e->cli_eof || e->cli_ver.offset == e->tx.sent;
	r->intact = e->cli_ver.ok && e->srv_ver.ok && r->error == 0 && count_ok;
	r->complete = r->intact && e->cli_eof && e->cli_ver.offset == e->bytes;
	return r;
}

struct tcp_sock *echo_client_socket(const struct echo *e) { return e->pair.client; }
struct tcp_sock *echo_server_socket(const struct echo *e) { return e->pair.server; }

void echo_free(struct echo *e)
{
	if (e == NULL)
		return;
	app_pair_fini(&e->pair);
	g_free(e->pending);
	g_free(e);
}
