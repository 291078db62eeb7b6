/* models/apps/simopen.h — simultaneous open: two hosts each actively connect from a
 * fixed local port to the other's fixed port at the same instant (RFC 9293 §3.5,
 * figure 7: both SYN-SENT → SYN-RECEIVED → ESTABLISHED, one connection), then
 * exchange data both ways, verify it and close.
 *
 * At `start` end A connects a.addr:a.port → b.addr:b.port and end B connects
 * b.addr:b.port → a.addr:a.port, in that order within the same instant. When
 * connected, each end writes `bytes` bytes of its own stream (write_size per write),
 * then half-closes (FIN); each reads and verifies the other's stream until the
 * other's FIN, then closes. At `stop` both stop writing and half-close.
 *
 * Readiness: both ends edge-triggered.
 *
 * Report (flow.h): app "simopen"; cc of A; A is the report's client side (bytes_to_client =
 * bytes A received), B the server side; TCP statistics of both ends merged; intact
 * (both streams matched and their lengths were exact, no error); complete (both ends
 * read `bytes` bytes and the other's FIN); error (e.g. ECONNREFUSED when one end
 * started too late and the other's SYN met a closed port). Traces
 * "<prefix>.client*.tsv" (A) and "<prefix>.server*.tsv" (B).
 */
#ifndef MODELS_APPS_SIMOPEN_H
#define MODELS_APPS_SIMOPEN_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/apps/tcp_app.h"
#include "models/apps/flow.h"
#include "sim/core/time.h"

struct sim;

#define SIMOPEN_DEFAULT_WRITE_SIZE 1460u

struct simopen_config {
	const char *name;       /* flow name */
	struct app_endpoint a;  /* A's stack, address and fixed port (all required) */
	struct app_endpoint b;  /* B's stack, address and fixed port */
	uint64_t bytes;         /* bytes each end sends (0: none, just open and close) */
	uint32_t write_size;    /* 0 → 1460 */
	sim_time_t start;       /* both ends connect */
	sim_time_t stop;        /* 0 = none */
	struct app_side a_side, b_side;
	struct app_trace trace;
};

void simopen_config_default(struct simopen_config *cfg);

struct simopen;

struct simopen *simopen_new(struct sim *sim, const struct simopen_config *cfg, GError **error);
const struct app_flow_report *simopen_report(struct simopen *o);

/* When end A (b = false) or B (b = true) saw its connection established (WRITABLE),
 * -1 before. */
sim_time_t simopen_established_at(const struct simopen *o, bool b);

struct tcp_sock *simopen_socket(const struct simopen *o, bool b);
void simopen_free(struct simopen *o);

#endif
