/* models/apps/echo.h — echo: the client sends a byte stream, the server sends every
 * byte back, the client verifies what returns.
 *
 * Client: at `start` it connects, writes `bytes` bytes of its stream in writes of
 * `write_size`, then half-closes (shutdown SHUT_WR: FIN after the data) and keeps
 * reading the echo until the server's FIN — the half-close of RFC 9293 §3.6 with data
 * still flowing from the server. At `stop` it stops writing and half-closes early.
 * Server: reads, verifies (the server checks the client→server direction too) and
 * writes back what it read; it stops reading while its send buffer is full (so a slow
 * client throttles it through TCP's flow control, nothing is buffered without bound)
 * and closes after echoing everything once the client's FIN has arrived.
 *
 * Readiness: the client is edge-triggered (reads and writes until EAGAIN); the server
 * is level-triggered, with WRITABLE in its interest only while it has bytes it could
 * not send, READABLE only while it has room to send what it reads.
 *
 * Report (flow.h): app "echo"; cc of the client; bytes_sent = client's bytes + server's echoed bytes;
 * bytes_to_server / bytes_to_client the two directions as verified by each reader;
 * bytes_delivered their sum; TCP statistics of both connections merged; intact: both
 * directions matched, the echo's length equals what was sent, no error; complete:
 * all `bytes` came back and the server's FIN followed; finish: that moment. Traces
 * "<prefix>.client*.tsv" and "<prefix>.server*.tsv" (both ends send data, so both
 * get the sequence trace).
 */
#ifndef MODELS_APPS_ECHO_H
#define MODELS_APPS_ECHO_H

#include <glib.h>
#include <stdint.h>

#include "models/apps/tcp_app.h"
#include "models/apps/flow.h"
#include "sim/core/time.h"

struct sim;

#define ECHO_DEFAULT_WRITE_SIZE 1460u

struct echo_config {
	struct app_client_server conn;  /* flow name, ends, times, sides, traces */
	uint64_t bytes;                 /* bytes the client sends (> 0) */
	uint32_t write_size;            /* 0 → 1460 */
};

void echo_config_default(struct echo_config *cfg);

struct echo;

struct echo *echo_new(struct sim *sim, const struct echo_config *cfg, GError **error);
const struct app_flow_report *echo_report(struct echo *e);
struct tcp_sock *echo_client_socket(const struct echo *e);
struct tcp_sock *echo_server_socket(const struct echo *e);
void echo_free(struct echo *e);

#endif
