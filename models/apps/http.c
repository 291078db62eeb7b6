/* models/apps/http.c — HTTP/1.1 client and chunked-streaming server (see http.h).
 * Message syntax lives in http_codec.c; this file is the behaviour over sockets. */
#include "models/apps/http.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/apps/http_codec.h"
#include "sim/core/sim.h"

#define HTTP_BUF 65536u
#define TEXT_MAX 640u

/* A short message being written (a request, or a response with a small fixed body). */
struct out_text {
	size_t len, off;
	char buf[TEXT_MAX];
};

struct http {
	struct app_pair pair;
	/* Configuration (owned copies). */
	uint32_t requests;
	uint64_t *body_sizes;
	size_t n_body_sizes;
	sim_time_t think_time;
	uint32_t chunk_sizes[HTTP_MAX_CHUNK_SIZES];
	size_t n_chunk_sizes;
	char extension[HTTP_MAX_EXTENSION];
	char trailer[HTTP_MAX_TRAILER];  /* with CRLF, "" for none */
	char trailer_name[HTTP_MAX_TRAILER];
	uint64_t max_body;
	uint64_t flow_key;

	/* Client (edge-triggered). */
	struct http_parser cli_parser;
	struct out_text req;           /* the request being written */
	uint64_t req_bytes_written;
	bool in_request;               /* a request is outstanding */
	uint32_t cur;                  /* index of the outstanding/next request */
	uint64_t cur_size;             /* its expected body size */
	sim_time_t req_start;
	struct app_verifier body_ver;  /* body of the current response */
	uint64_t cli_bytes_read;
	bool cli_done;
	struct sim_timer think_timer;

	/* Server (level-triggered). */
	struct http_parser srv_parser;
	bool srv_writing;              /* a response is being written */
	bool srv_chunked;              /* ... with the chunk writer (else out text) */
	bool srv_close_after;
	struct http_chunk_writer writer;
	struct out_text resp;
	uint64_t resp_bytes_written;
	GByteArray *srv_pending;       /* bytes read beyond a request (pipelining) */
	GByteArray *out_pending;       /* response bytes TCP did not take */
};

void http_config_default(struct http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->requests = 1;
	cfg->body_size = HTTP_DEFAULT_BODY_SIZE;
	cfg->chunk_size = HTTP_DEFAULT_CHUNK_SIZE;
	cfg->max_body = HTTP_DEFAULT_MAX_BODY;
}

static const uint32_t quiet = TCP_EV_HUP | TCP_EV_ERROR;

static void text_set(struct out_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_set(struct out_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf, sizeof(t->buf), fmt, ap);
	va_end(ap);
	g_assert(n > 0 && (size_t)n < sizeof(t->buf));
	t->len = (size_t)n;
	t->off = 0;
}

/* Writes the rest of t; returns 1 when done, 0 on EAGAIN, or a negative errno. Adds
 * what was written to *count. */
static int text_pump(struct out_text *t, struct tcp_sock *s, uint64_t *count)
{
	while (t->off < t->len) {
		ssize_t r = tcp_send(s, t->buf + t->off, t->len - t->off);
		if (r == -EAGAIN)
			return 0;
		if (r < 0)
			return (int)r;
		t->off += (size_t)r;
		*count += (uint64_t)r;
	}
	return 1;
}

/* ---- client ---- */

/* A protocol failure: the report says what, the connection is dropped. */
static void cli_protocol_error(struct http *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cli_protocol_error(struct http *h, const char *fmt, ...)
{
	if (h->pair.report.detail == NULL) {
		va_list ap;
		va_start(ap, fmt);
		h->pair.report.detail = g_strdup_vprintf(fmt, ap);
		va_end(ap);
	}
	app_pair_fail_client(&h->pair, -EPROTO);
}

static void cli_finish(struct http *h)
{
	h->cli_done = true;
	sim_timer_cancel(h->pair.sim, &h->think_timer);
	if (h->pair.client != NULL) {
		h->pair.report.finish = sim_now(h->pair.sim);
		app_pair_close_client(&h->pair);
	}
}

static bool more_requests(const struct http *h)
{
	return h->pair.report.requests_sent < h->requests &&
	       sim_now(h->pair.sim) < h->pair.report.stop;
}

static void cli_write(struct http *h)
{
	if (h->pair.client == NULL || !h->in_request)
		return;
	int rc = text_pump(&h->req, h->pair.client, &h->req_bytes_written);
	if (rc < 0)
		app_pair_fail_client(&h->pair, rc);
}

static void cli_body(void *ctx, const uint8_t *data, size_t len)
{
	struct http *h = ctx;
	app_verifier_feed(&h->body_ver, data, len);
}

static void cli_next_request(struct http *h)
{
	if (h->pair.client == NULL || h->cli_done)
		return;
	if (!more_requests(h)) {
		cli_finish(h);
		return;
	}
	struct app_flow_report *rep = &h->pair.report;
	uint32_t i = h->cur;
	h->cur_size = h->body_sizes[i % h->n_body_sizes];
	uint64_t key = app_stream_key(h->flow_key, (uint64_t)i + 1) % APP_PATTERN_LEN;
	app_verifier_init(&h->body_ver, key);
	char host[24];
	ipv4_addr_t a = h->pair.client != NULL ? tcp_remote_addr(h->pair.client) : 0;
	snprintf(host, sizeof(host), "%u.%u.%u.%u", (unsigned)(a >> 24), (unsigned)(a >> 16) & 255,
		 (unsigned)(a >> 8) & 255, (unsigned)a & 255);
	text_set(&h->req,
		 "GET /bytes/%" PRIu64 "/%" PRIu64 " HTTP/1.1\r\n"
		 "Host: %s\r\n"
		 "User-Agent: netsim\r\n"
		 "\r\n",
		 h->cur_size, key, host);
	h->in_request = true;
	h->req_start = sim_now(h->pair.sim);
	rep->requests_sent++;
	cli_write(h);
}

static void think_timer_fired(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)arg;
	cli_next_request(ctx);
}

/* A complete response was parsed. */
static void cli_response_done(struct http *h)
{
	struct http_parser *p = &h->cli_parser;
	struct app_flow_report *rep = &h->pair.report;
	if (p->status >= 100 && p->status < 200) {
		http_parser_next(p); /* interim response: the final one follows */
		return;
	}
	uint32_t i = h->cur;
	h->in_request = false;
	h->cur++;
	rep->responses_received++;
	app_latency_add(&rep->latency, sim_now(h->pair.sim) - h->req_start);
	if (p->status != 200) {
		cli_protocol_error(h, "request %u: status %d", i + 1, p->status);
		return;
	}
	if (!h->body_ver.ok || h->body_ver.offset != h->cur_size) {
		rep->intact = false;
		if (!h->body_ver.ok)
			app_flow_report_detail(rep, "request %u: body mismatch at offset %" PRIu64,
					       i + 1, h->body_ver.bad_offset);
		else
			app_flow_report_detail(rep, "request %u: body of %" PRIu64
					       " bytes, expected %" PRIu64,
					       i + 1, h->body_ver.offset, h->cur_size);
	} else {
		rep->payload_bytes += h->body_ver.offset;
	}
	rep->chunks += p->chunks;
	bool keep = p->keep_alive;
	http_parser_next(p);
	if (!more_requests(h)) {
		cli_finish(h);
	} else if (!keep) {
		cli_protocol_error(h, "request %u: the server ended the persistent connection",
				   i + 1);
	} else if (h->think_time > 0) {
		sim_timer_arm_in(h->pair.sim, &h->think_timer, h->think_time, think_timer_fired, h,
				 NULL);
	} else {
		cli_next_request(h);
	}
}

/* Feeds received bytes to the parser, handling every message they complete. */
static void cli_feed(struct http *h, const uint8_t *buf, size_t n)
{
	size_t off = 0;
	while (off < n && h->pair.client != NULL) {
		if (!h->in_request) {
			cli_protocol_error(h, "%zu unexpected bytes after response %u", n - off,
					   h->cur);
			return;
		}
		ssize_t r = http_parser_feed(&h->cli_parser, buf + off, n - off);
		if (r < 0) {
			cli_protocol_error(h, "response %u: %s at byte %" PRIu64, h->cur + 1,
					   http_error_string(h->cli_parser.error),
					   h->cli_parser.error_offset);
			return;
		}
		off += (size_t)r;
		if (http_parser_done(&h->cli_parser))
			cli_response_done(h);
	}
}

static void cli_read(struct http *h)
{
	uint8_t buf[HTTP_BUF];
	while (h->pair.client != NULL) {
		ssize_t n = tcp_recv(h->pair.client, buf, sizeof(buf));
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			app_pair_fail_client(&h->pair, (int)n);
			return;
		}
		if (n == 0) {
			/* The server closed. Completes a body framed by the close. */
			if (http_parser_eof(&h->cli_parser) < 0) {
				cli_protocol_error(h, "response %u: %s", h->cur + 1,
						   http_error_string(h->cli_parser.error));
				return;
			}
			if (http_parser_done(&h->cli_parser)) {
				cli_response_done(h);
				if (h->pair.client == NULL)
					return;
			}
			if (h->in_request || more_requests(h))
				cli_protocol_error(h, "connection closed by the server before "
						      "response %u", h->cur + 1);
			else
				cli_finish(h);
			return;
		}
		h->cli_bytes_read += (uint64_t)n;
		cli_feed(h, buf, (size_t)n);
	}
}

static void cli_connected(struct app_pair *p) { cli_next_request(p->owner); }
static void cli_writable(struct app_pair *p) { cli_write(p->owner); }
static void cli_readable(struct app_pair *p) { cli_read(p->owner); }

static void cli_stop(struct app_pair *p)
{
	struct http *h = p->owner;
	if (!p->client_connected)
		app_pair_close_client(p);
	else if (!h->in_request)
		cli_finish(h);
}

/* ---- server ---- */

/* Parses "/bytes/<size>/<key>" (decimal, no sign, no leading junk). */
static bool parse_target(const char *t, uint64_t *size, uint64_t *key)
{
	const char *prefix = "/bytes/";
	if (strncmp(t, prefix, strlen(prefix)) != 0)
		return false;
	t += strlen(prefix);
	uint64_t v[2];
	for (int k = 0; k < 2; k++) {
		if (!g_ascii_isdigit(*t))
			return false;
		uint64_t x = 0;
		while (g_ascii_isdigit(*t)) {
			if (x > (UINT64_MAX - 9) / 10)
				return false;
			x = x * 10 + (uint64_t)(*t++ - '0');
		}
		v[k] = x;
		if (k == 0 && *t++ != '/')
			return false;
	}
	if (*t != '\0')
		return false;
	*size = v[0];
	*key = v[1];
	return true;
}

/* A simple response with a small fixed body. */
static void srv_simple_response(struct http *h, int status, const char *reason,
				const char *extra, const char *body, bool close)
{
	text_set(&h->resp,
		 "HTTP/1.1 %d %s\r\n"
		 "Server: netsim\r\n"
		 "%s"
		 "Content-Type: text/plain\r\n"
		 "Content-Length: %zu\r\n"
		 "%s"
		 "\r\n"
		 "%s",
		 status, reason, extra, strlen(body), close ? "Connection: close\r\n" : "", body);
	h->srv_chunked = false;
	h->srv_writing = true;
	h->srv_close_after = close;
}

/* A complete request was parsed: prepare its response. */
static void srv_request_done(struct http *h)
{
	struct http_parser *p = &h->srv_parser;
	bool close = !p->keep_alive;
	uint64_t size, key;
	if (strcmp(p->method, "GET") != 0) {
		srv_simple_response(h, 405, "Method Not Allowed", "Allow: GET\r\n",
				    "method not allowed\n", close);
	} else if (!parse_target(p->target, &size, &key) || size > h->max_body) {
		srv_simple_response(h, 404, "Not Found", "", "not found\n", close);
	} else {
		char head[HTTP_MAX_HEAD];
		char trailer_decl[HTTP_MAX_TRAILER + 16] = "";
		if (h->trailer[0])
			snprintf(trailer_decl, sizeof(trailer_decl), "Trailer: %s\r\n",
				 h->trailer_name);
		int n = snprintf(head, sizeof(head),
				 "HTTP/1.1 200 OK\r\n"
				 "Server: netsim\r\n"
				 "Content-Type: application/octet-stream\r\n"
				 "Transfer-Encoding: chunked\r\n"
				 "%s%s"
				 "\r\n",
				 trailer_decl, close ? "Connection: close\r\n" : "");
		g_assert(n > 0 && (size_t)n < sizeof(head));
		int rc = http_chunk_writer_init(&h->writer, head, size, key, h->chunk_sizes,
						h->n_chunk_sizes, h->extension, h->trailer);
		g_assert(rc == 0); /* validated at set-up */
		h->srv_chunked = true;
		h->srv_writing = true;
		h->srv_close_after = close;
	}
	http_parser_next(p);
}

/* The next contiguous bytes of the response being written (0: all taken). */
static size_t srv_peek(struct http *h, const uint8_t **d)
{
	if (h->srv_chunked)
		return http_chunk_writer_peek(&h->writer, d);
	*d = (const uint8_t *)h->resp.buf + h->resp.off;
	return h->resp.len - h->resp.off;
}

static void srv_advance(struct http *h, size_t n)
{
	if (h->srv_chunked)
		http_chunk_writer_advance(&h->writer, n);
	else
		h->resp.off += n;
}

/* Writes the current response; returns 1 when done, 0 when blocked, < 0 on error.
 * The pieces of the encoding (status line and fields, chunk-size lines, data, CRLFs,
 * last-chunk, trailer) are gathered into one buffer and handed to TCP in one call,
 * as a server's writev() does: written one by one, the small pieces would each be
 * held back by Nagle's algorithm behind unacknowledged data. */
static int srv_write(struct http *h)
{
	struct tcp_sock *s = h->pair.server;
	uint8_t buf[HTTP_BUF];
	for (;;) {
		if (h->out_pending->len > 0) {
			ssize_t r = tcp_send(s, h->out_pending->data, h->out_pending->len);
			if (r == -EAGAIN)
				return 0;
			if (r < 0)
				return (int)r;
			h->resp_bytes_written += (uint64_t)r;
			g_byte_array_remove_range(h->out_pending, 0, (guint)r);
			continue;
		}
		const uint8_t *d;
		size_t len = srv_peek(h, &d);
		if (len == 0)
			return 1;
		size_t room = tcp_writable_bytes(s);
		if (room == 0) {
			/* Offer the bytes anyway: the EAGAIN is how TCP learns that a
			 * writer waits, and it reports WRITABLE when space opens. */
			ssize_t r = tcp_send(s, d, len);
			if (r == -EAGAIN)
				return 0;
			if (r < 0)
				return (int)r;
			srv_advance(h, (size_t)r);
			h->resp_bytes_written += (uint64_t)r;
			continue;
		}
		if (room > sizeof(buf))
			room = sizeof(buf);
		size_t n = 0;
		while (n < room && len > 0) {
			size_t take = len < room - n ? len : room - n;
			memcpy(buf + n, d, take);
			srv_advance(h, take);
			n += take;
			len = srv_peek(h, &d);
		}
		ssize_t r = tcp_send(s, buf, n);
		if (r == -EAGAIN)
			r = 0;
		if (r < 0)
			return (int)r;
		h->resp_bytes_written += (uint64_t)r;
		if ((size_t)r < n) /* the stack took less than it had room for: keep the rest */
			g_byte_array_append(h->out_pending, buf + r, (guint)(n - (size_t)r));
	}
}

/* Feeds request bytes; stops after a complete request (keeping the rest). */
static void srv_feed(struct http *h, const uint8_t *buf, size_t n)
{
	ssize_t r = http_parser_feed(&h->srv_parser, buf, n);
	if (r < 0) {
		/* RFC 9112 §2.2/§3: a malformed request gets 400 and the connection
		 * is closed (its framing can no longer be trusted). */
		srv_simple_response(h, 400, "Bad Request", "", "bad request\n", true);
		return;
	}
	if ((size_t)r < n)
		g_byte_array_append(h->srv_pending, buf + r, (guint)(n - (size_t)r));
	if (http_parser_done(&h->srv_parser))
		srv_request_done(h);
}

static void srv_pump(struct app_pair *p)
{
	struct http *h = p->owner;
	uint8_t buf[HTTP_BUF];
	while (p->server != NULL) {
		if (h->srv_writing) {
			int rc = srv_write(h);
			if (rc < 0) {
				app_pair_fail_server(&h->pair, rc);
				return;
			}
			if (rc == 0) {
				app_pair_server_interest(p, TCP_EV_WRITABLE | quiet);
				return;
			}
			h->srv_writing = false;
			if (h->srv_close_after) {
				app_pair_close_server(p);
				return;
			}
		}
		if (h->srv_pending->len > 0) {
			/* Requests that arrived behind the previous one. */
			GByteArray *pend = h->srv_pending;
			h->srv_pending = g_byte_array_new();
			srv_feed(h, pend->data, pend->len);
			g_byte_array_unref(pend);
			continue;
		}
		ssize_t n = tcp_recv(p->server, buf, sizeof(buf));
		if (n == -EAGAIN) {
			app_pair_server_interest(p, TCP_EV_READABLE | quiet);
			return;
		}
		if (n < 0) {
			app_pair_fail_server(&h->pair, (int)n);
			return;
		}
		if (n == 0) {
			/* The client closed: between requests that is the normal end. */
			app_pair_close_server(p);
			return;
		}
		srv_feed(h, buf, (size_t)n);
	}
}

/* ---- lifecycle ---- */

static const struct app_pair_ops http_ops = {
	.client_connected = cli_connected,
	.client_writable = cli_writable,
	.client_readable = cli_readable,
	.server_edge = false,
	.server_interest = TCP_EV_READABLE | TCP_EV_HUP | TCP_EV_ERROR,
	.server_pump = srv_pump,
	.stop = cli_stop,
};

static bool validate(const struct http_config *cfg, const char *name, GError **error)
{
	const char *why = NULL;
	size_t tl = cfg->trailer ? strlen(cfg->trailer) : 0;
	if (cfg->requests == 0)
		why = "requests must be positive";
	else if (cfg->think_time < 0)
		why = "think_time must be non-negative";
	else if (cfg->n_chunk_sizes > HTTP_MAX_CHUNK_SIZES)
		why = "too many chunk sizes";
	else if (cfg->n_chunk_sizes == 0 && cfg->chunk_size == 0)
		why = "chunk_size must be positive";
	else if (cfg->chunk_extension && !http_chunk_extension_valid(cfg->chunk_extension))
		why = "chunk_extension is not a valid chunk-ext (name[=value];...)";
	else if (tl > 0 && !http_field_line_valid(cfg->trailer))
		why = "trailer must be one field line \"Name: value\"";
	for (size_t i = 0; why == NULL && i < cfg->n_chunk_sizes; i++)
		if (cfg->chunk_sizes[i] == 0)
			why = "chunk sizes must be positive";
	if (why) {
		g_set_error(error, APP_ERROR, APP_ERROR_CONFIG, "%s: %s", name, why);
		return false;
	}
	return true;
}

struct http *http_new(struct sim *sim, const struct http_config *cfg, GError **error)
{
	const char *name = cfg->conn.name ? cfg->conn.name : "http";
	if (!validate(cfg, name, error))
		return NULL;
	struct http *h = g_new0(struct http, 1);
	struct app_pair_config pc;
	app_pair_config_client_server(&pc, &cfg->conn, "http");
	pc.cc_of_server = true;
	if (app_pair_init(&h->pair, sim, &pc, &http_ops, h, error) < 0) {
		g_free(h);
		return NULL;
	}
	h->requests = cfg->requests;
	if (cfg->n_body_sizes > 0) {
		h->n_body_sizes = cfg->n_body_sizes;
		h->body_sizes = g_memdup2(cfg->body_sizes, cfg->n_body_sizes * sizeof(uint64_t));
	} else {
		h->n_body_sizes = 1;
		h->body_sizes = g_new(uint64_t, 1);
		h->body_sizes[0] = cfg->body_size;
	}
	h->think_time = cfg->think_time;
	if (cfg->n_chunk_sizes > 0) {
		h->n_chunk_sizes = cfg->n_chunk_sizes;
		memcpy(h->chunk_sizes, cfg->chunk_sizes, cfg->n_chunk_sizes * sizeof(uint32_t));
	} else {
		h->n_chunk_sizes = 1;
		h->chunk_sizes[0] = cfg->chunk_size;
	}
	if (cfg->chunk_extension)
		g_strlcpy(h->extension, cfg->chunk_extension, sizeof(h->extension));
	if (cfg->trailer && cfg->trailer[0]) {
		snprintf(h->trailer, sizeof(h->trailer), "%s\r\n", cfg->trailer);
		size_t nl = (size_t)(strchr(cfg->trailer, ':') - cfg->trailer);
		memcpy(h->trailer_name, cfg->trailer, nl);
		h->trailer_name[nl] = '\0';
	}
	h->max_body = cfg->max_body ? cfg->max_body : HTTP_DEFAULT_MAX_BODY;
	h->flow_key = app_name_key(name);
	http_parser_init(&h->cli_parser, HTTP_RESPONSE, cli_body, NULL, h);
	http_parser_init(&h->srv_parser, HTTP_REQUEST, NULL, NULL, h);
	h->srv_pending = g_byte_array_new();
	h->out_pending = g_byte_array_new();
	return h;
}

const struct app_flow_report *http_report(struct http *h)
{
	struct app_flow_report *r = &h->pair.report;
	r->bytes_sent = h->req_bytes_written + h->resp_bytes_written;
	r->bytes_to_server = h->srv_parser.fed;
	r->bytes_to_client = h->cli_bytes_read;
	r->bytes_delivered = r->bytes_to_server + r->bytes_to_client;
	app_pair_update_stats(&h->pair, true);
	if (r->error != 0)
		r->intact = false;
	/* The body of a response under way so far must match too. */
	if (h->in_request && !h->body_ver.ok)
		r->intact = false;
	r->complete = r->intact && h->cli_done && r->responses_received == h->requests;
	return r;
}

struct tcp_sock *http_client_socket(const struct http *h) { return h->pair.client; }
struct tcp_sock *http_server_socket(const struct http *h) { return h->pair.server; }

void http_free(struct http *h)
{
	if (h == NULL)
		return;
	sim_timer_cancel(h->pair.sim, &h->think_timer);
	app_pair_fini(&h->pair);
	g_free(h->body_sizes);
	if (h->srv_pending)
		g_byte_array_unref(h->srv_pending);
	if (h->out_pending)
		g_byte_array_unref(h->out_pending);
	g_free(h);
}
