/* models/apps/reqresp.c — request/response client and server (see reqresp.h). */
#include "models/apps/reqresp.h"

#include <errno.h>
#include <string.h>

#include "sim/core/sim.h"

#define RR_BUF 65536u

struct reqresp {
	struct app_pair pair;
	struct reqresp_config cfg;    /* sizes, count, think time (pointers dropped) */

	/* Client (edge-triggered). */
	struct app_stream_tx req;     /* request stream; limit grows per request */
	struct app_verifier cli_ver;  /* response stream */
	bool in_request;              /* a request is outstanding */
	sim_time_t req_start;
	struct sim_timer think_timer;
	bool cli_done;                /* no more requests; closed or closing */

	/* Server (level-triggered). */
	struct app_verifier srv_ver;  /* request stream */
	struct app_stream_tx resp;    /* response stream; limit grows per request */
};

void reqresp_config_default(struct reqresp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->request_size = 100;
	cfg->response_size = 1000;
	cfg->count = 1;
}

static const uint32_t quiet = TCP_EV_HUP | TCP_EV_ERROR;

/* ---- client ---- */

static void cli_finish(struct reqresp *r)
{
	r->cli_done = true;
	sim_timer_cancel(r->pair.sim, &r->think_timer);
	if (r->pair.client != NULL) {
		r->pair.report.finish = sim_now(r->pair.sim);
		app_pair_close_client(&r->pair);
	}
}

static void cli_write(struct reqresp *r)
{
	if (r->pair.client == NULL || !r->pair.client_connected)
		return;
	int rc = app_stream_tx_pump(&r->req, r->pair.client);
	if (rc < 0)
		app_pair_fail_client(&r->pair, rc);
}

static bool more_requests(const struct reqresp *r)
{
	const struct app_flow_report *rep = &r->pair.report;
	if (r->cfg.count != 0 && rep->requests_sent >= r->cfg.count)
		return false;
	return sim_now(r->pair.sim) < rep->stop;
}

static void cli_next_request(struct reqresp *r)
{
	if (r->pair.client == NULL || r->cli_done)
		return;
	if (!more_requests(r)) {
		cli_finish(r);
		return;
	}
	r->in_request = true;
	r->req_start = sim_now(r->pair.sim);
	r->req.limit += r->cfg.request_size;
	r->pair.report.requests_sent++;
	cli_write(r);
}

static void think_timer_fired(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)arg;
	cli_next_request(ctx);
}

static void cli_read(struct reqresp *r)
{
	struct app_flow_report *rep = &r->pair.report;
	while (r->pair.client != NULL) {
		bool was_ok = r->cli_ver.ok;
		ssize_t n = app_stream_rx_read(&r->cli_ver, r->pair.client, RR_BUF);
		if (n == -EAGAIN)
			return;
		if (n == 0) {
			/* The server closed first: a failure unless we were done. */
			if (!r->cli_done)
				app_pair_fail_client(&r->pair, -ECONNRESET);
			return;
		}
		if (n < 0) {
			app_pair_fail_client(&r->pair, (int)n);
			return;
		}
		if (was_ok && !r->cli_ver.ok)
			app_flow_report_detail(rep, "response mismatch at offset %" G_GUINT64_FORMAT,
					       r->cli_ver.bad_offset);
		uint64_t want = rep->requests_sent * (uint64_t)r->cfg.response_size;
		if (r->in_request && r->cli_ver.offset >= want) {
			r->in_request = false;
			rep->responses_received++;
			app_latency_add(&rep->latency, sim_now(r->pair.sim) - r->req_start);
			if (!more_requests(r))
				cli_finish(r);
			else if (r->cfg.think_time > 0)
				sim_timer_arm_in(r->pair.sim, &r->think_timer, r->cfg.think_time,
						 think_timer_fired, r, NULL);
			else
				cli_next_request(r);
		}
	}
}

static void cli_connected(struct app_pair *p) { cli_next_request(p->owner); }
static void cli_writable(struct app_pair *p) { cli_write(p->owner); }
static void cli_readable(struct app_pair *p) { cli_read(p->owner); }

/* Stop: no new request; an idle client closes now, a waiting one after its response. */
static void cli_stop(struct app_pair *p)
{
	struct reqresp *r = p->owner;
	if (!p->client_connected)
		app_pair_close_client(p);
	else if (!r->in_request)
		cli_finish(r);
}

/* ---- server ---- */

static void srv_pump(struct app_pair *p)
{
	struct reqresp *r = p->owner;
	while (p->server != NULL) {
		int rc = app_stream_tx_pump(&r->resp, p->server);
		if (rc < 0) {
			app_pair_fail_server(&r->pair, rc);
			return;
		}
		bool blocked = rc == 0;
		bool was_ok = r->srv_ver.ok;
		ssize_t n = app_stream_rx_read(&r->srv_ver, p->server, RR_BUF);
		if (n == -EAGAIN) {
			app_pair_server_interest(p, (blocked ? TCP_EV_WRITABLE : 0) |
							    TCP_EV_READABLE | quiet);
			return;
		}
		if (n == 0) {
			app_pair_close_server(p); /* FIN after any response still queued */
			return;
		}
		if (n < 0) {
			app_pair_fail_server(&r->pair, (int)n);
			return;
		}
		if (was_ok && !r->srv_ver.ok)
			app_flow_report_detail(&p->report,
					       "request mismatch at offset %" G_GUINT64_FORMAT,
					       r->srv_ver.bad_offset);
		/* One response per complete request. */
		uint64_t done = r->srv_ver.offset / r->cfg.request_size;
		r->resp.limit = done * (uint64_t)r->cfg.response_size;
	}
}

/* ---- lifecycle ---- */

static const struct app_pair_ops reqresp_ops = {
	.client_connected = cli_connected,
	.client_writable = cli_writable,
	.client_readable = cli_readable,
	.server_edge = false,
	.server_interest = TCP_EV_READABLE | TCP_EV_HUP | TCP_EV_ERROR,
	.server_pump = srv_pump,
	.stop = cli_stop,
};

struct reqresp *reqresp_new(struct sim *sim, const struct reqresp_config *cfg, GError **error)
{
	const char *name = cfg->conn.name ? cfg->conn.name : "request_response";
	if (cfg->request_size == 0 || cfg->response_size == 0 || cfg->think_time < 0 ||
	    (cfg->count == 0 && cfg->conn.stop == 0)) {
		g_set_error(error, APP_ERROR, APP_ERROR_CONFIG,
			    "%s: request and response sizes must be positive, think time "
			    "non-negative, and an unlimited count needs a stop time",
			    name);
		return NULL;
	}
	struct reqresp *r = g_new0(struct reqresp, 1);
	struct app_pair_config pc;
	app_pair_config_client_server(&pc, &cfg->conn, "request_response");
	if (app_pair_init(&r->pair, sim, &pc, &reqresp_ops, r, error) < 0) {
		g_free(r);
		return NULL;
	}
	r->cfg = *cfg;
	r->cfg.conn = (struct app_client_server){0}; /* the pair has it; keep no pointers */
	uint64_t fk = app_name_key(name);
	r->req.key = app_stream_key(fk, 0);
	r->req.write_size = UINT32_MAX; /* a request is one write */
	r->resp.key = app_stream_key(fk, 1);
	r->resp.write_size = UINT32_MAX;
	app_verifier_init(&r->srv_ver, r->req.key);
	app_verifier_init(&r->cli_ver, r->resp.key);
	return r;
}

const struct app_flow_report *reqresp_report(struct reqresp *r)
{
	struct app_flow_report *rep = &r->pair.report;
	rep->bytes_sent = r->req.sent + r->resp.sent;
	rep->bytes_to_server = r->srv_ver.offset;
	rep->bytes_to_client = r->cli_ver.offset;
	rep->bytes_delivered = rep->bytes_to_server + rep->bytes_to_client;
	app_pair_update_stats(&r->pair, true);
	bool count_ok = r->cli_ver.offset <= rep->requests_sent * (uint64_t)r->cfg.response_size;
	rep->intact = r->cli_ver.ok && r->srv_ver.ok && rep->error == 0 && count_ok;
	rep->complete = rep->intact && r->cli_done && rep->responses_received == rep->requests_sent &&
			(r->cfg.count == 0 || rep->responses_received == r->cfg.count);
	return rep;
}

struct tcp_sock *reqresp_client_socket(const struct reqresp *r) { return r->pair.client; }
struct tcp_sock *reqresp_server_socket(const struct reqresp *r) { return r->pair.server; }

void reqresp_free(struct reqresp *r)
{
	if (r == NULL)
		return;
	sim_timer_cancel(r->pair.sim, &r->think_timer);
	app_pair_fini(&r->pair);
	g_free(r);
}
