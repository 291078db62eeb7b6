/* models/apps/reqresp.h — request_response: a client sends fixed-size requests over
 * one connection, the server answers each with a fixed-size response (netperf's
 * TCP_RR), and the client measures each request's latency.
 *
 * Client: at `start` it connects; when connected it writes request 1
 * (`request_size` bytes of its stream), reads the `response_size`-byte response, waits
 * `think_time`, writes the next, `count` times (0: until `stop`). No request starts at
 * or after `stop`; a request under way is completed. Then it closes (active close).
 * Server: reads the request stream, verifies it, and for every complete request
 * writes one response (its own stream), closing when the client closes.
 *
 * Latency of a request: from the moment its first byte is handed to TCP to the moment
 * the last byte of its response is read. On an idle path with requests and responses
 * that fit one segment each it is the round-trip time plus both serialisation times
 * (TCP piggybacks the delayed ACKs on the data).
 *
 * Readiness: client edge-triggered; server level-triggered (WRITABLE in its interest
 * only while a response is blocked on a full send buffer).
 *
 * Report (flow.h): app "request_response"; cc of the client; requests_sent, responses_received,
 * latency {count, min, max, sum, samples[]} (ns); bytes_to_server (request bytes
 * verified by the server), bytes_to_client (response bytes verified by the client),
 * bytes_delivered their sum; both connections' TCP statistics merged; intact (both
 * streams matched, no error); complete (every request answered and the connection
 * closed cleanly); finish.
 */
#ifndef MODELS_APPS_REQRESP_H
#define MODELS_APPS_REQRESP_H

#include <glib.h>
#include <stdint.h>

#include "models/apps/tcp_app.h"
#include "models/apps/flow.h"
#include "sim/core/time.h"

struct sim;

struct reqresp_config {
	struct app_client_server conn;  /* flow name, ends, times, sides, traces */
	uint32_t request_size;          /* bytes per request (> 0) */
	uint32_t response_size;         /* bytes per response (> 0) */
	uint64_t count;                 /* requests; 0 = until conn.stop (then required) */
	sim_time_t think_time;          /* from a response to the next request */
};

void reqresp_config_default(struct reqresp_config *cfg);

struct reqresp;

struct reqresp *reqresp_new(struct sim *sim, const struct reqresp_config *cfg, GError **error);
const struct app_flow_report *reqresp_report(struct reqresp *r);
struct tcp_sock *reqresp_client_socket(const struct reqresp *r);
struct tcp_sock *reqresp_server_socket(const struct reqresp *r);
void reqresp_free(struct reqresp *r);

#endif
