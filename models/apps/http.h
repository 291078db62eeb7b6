/* models/apps/http.h — an HTTP/1.1 client and server over one persistent connection,
 * the server streaming generated bodies with Transfer-Encoding: chunked.
 *
 * Client: at `start` it connects; when connected it sends `requests` GET requests one
 * after another on the same connection (keep-alive; the next after the previous
 * response and `think_time`):
 *
 *     GET /bytes/<size>/<key> HTTP/1.1
 *     Host: <server address>
 *     User-Agent: netsim
 *
 * asking for <size> bytes of the pattern stream starting at <key> (flow.h); sizes
 * cycle through body_sizes. It parses each response strictly and incrementally
 * (http_codec.h: status line, fields, chunk sizes, extensions, CRLFs, trailers),
 * verifies the body byte for byte and its length, and records the request's latency
 * (first byte of the request handed to TCP → last byte of the response parsed).
 * After the last response it closes. A malformed response, a connection closed
 * before a response completes, or a status other than 200 is recorded in the report
 * (error EPROTO and a detail naming the request and what was wrong) — never a crash.
 * No request starts at or after `stop`.
 *
 * Server (accepted from a private or shared listener): parses requests strictly;
 * answers GET /bytes/<size>/<key> with 200 and the body in chunks whose sizes cycle
 * through chunk_sizes, each chunk-size line optionally carrying `chunk_extension`,
 * the last-chunk followed by the optional `trailer` field (announced in a Trailer
 * field); anything else gets 404 / 405, a malformed request 400 and the connection
 * closed; "Connection: close" is honoured. It writes one response at a time.
 *
 * Readiness: client edge-triggered; server level-triggered (READABLE while waiting
 * for a request, WRITABLE while a response is blocked).
 *
 * Report (flow.h): app "http"; cc of the server (the bodies' sender); requests_sent, responses_received, latency (per
 * request, ns); bytes_to_server (request bytes parsed by the server), bytes_to_client
 * (response bytes read by the client: heads, framing and bodies), bytes_delivered
 * their sum, payload_bytes (verified body bytes); both connections' TCP statistics
 * merged; intact (every response 200 with its body intact, no error); complete
 * (every request answered, connection closed by the client); error / detail.
 */
#ifndef MODELS_APPS_HTTP_H
#define MODELS_APPS_HTTP_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "models/apps/tcp_app.h"
#include "models/apps/flow.h"
#include "sim/core/time.h"

struct sim;

#define HTTP_DEFAULT_BODY_SIZE 100000u
#define HTTP_DEFAULT_CHUNK_SIZE 4096u
#define HTTP_DEFAULT_MAX_BODY (UINT64_C(1) << 30)
#define HTTP_MAX_CHUNK_SIZES 64u

struct http_config {
	struct app_client_server conn;  /* flow name, ends, times, sides, traces */
	/* Client. */
	uint32_t requests;              /* GETs on the connection (> 0) */
	const uint64_t *body_sizes;     /* body size of request i: body_sizes[i % n]; */
	size_t n_body_sizes;            /* n = 0: every body is body_size (copied) */
	uint64_t body_size;             /* default 100000 */
	sim_time_t think_time;          /* from a response to the next request */
	/* Server. */
	const uint32_t *chunk_sizes;    /* cycled; n = 0: every chunk is chunk_size */
	size_t n_chunk_sizes;           /* at most HTTP_MAX_CHUNK_SIZES (copied) */
	uint32_t chunk_size;            /* default 4096 */
	const char *chunk_extension;    /* e.g. "sig=abc" (no ';'), NULL: none */
	const char *trailer;            /* one field line, e.g. "X-Checksum: 1" (no CRLF),
					 * NULL: none */
	uint64_t max_body;              /* largest body served (0 → 1 GiB); larger: 404 */
};

void http_config_default(struct http_config *cfg);

struct http;

struct http *http_new(struct sim *sim, const struct http_config *cfg, GError **error);
const struct app_flow_report *http_report(struct http *h);
struct tcp_sock *http_client_socket(const struct http *h);
struct tcp_sock *http_server_socket(const struct http *h);
void http_free(struct http *h);

#endif
