/* models/apps/bulk.h — tcp_bulk: one connection streaming a byte stream from a sender
 * to a receiver that verifies it end to end.
 *
 * Sender (client side): at `start` it connects and writes the stream — `bytes` bytes,
 * or without limit until `stop` — in writes of `write_size` bytes, straight from the
 * pattern table (flow.h), so generating costs nothing. When everything is written, or
 * at `stop`, it shuts down its sending side (FIN after the queued data) and closes
 * once the receiver has closed too.
 *
 * Receiver (server side, accepted from a private or shared listener): reads
 * everything and checks every byte against the stream's expected content at its
 * offset, so a lost, duplicated, reordered or corrupted byte is detected; at end of
 * stream the byte count must equal what the sender wrote. It can read slowly
 * (`read_rate` bytes/s, in reads of `read_size`) or pause for given intervals, so the
 * receive window fills and a scenario can starve it to zero.
 *
 * Readiness: the sender is edge-triggered (it writes until EAGAIN, and an edge comes
 * when buffer space opens); the receiver is level-triggered (it reads until EAGAIN
 * and clears its interest while paused or throttled, resuming from a timer). The
 * receiver can be made edge-triggered (`receiver_edge`) and to read only once per
 * wakeup (`read_once`): level-triggered, the socket then calls it again while data
 * is waiting; edge-triggered, what one read leaves waits for the next arrival — the
 * classic epoll EPOLLET bug, which starves the flow.
 *
 * Endings other than the orderly one: `close_unread` makes the receiver stop
 * reading at a time and close its socket when data next arrives, unread — TCP then
 * resets the connection (RFC 9293 §3.6.1, RFC 2525 §2.17) and the sender sees
 * ECONNRESET; `sender_close` makes the sender close() its socket after its last
 * write instead of half-closing and waiting for the receiver's FIN (the connection
 * lives on in the stack, orphaned); `receiver_keeps_open` makes the receiver never
 * close after the end of the stream, so such an orphan waits in FIN-WAIT-2 until
 * the stack gives up (knob fin_wait2_timeout).
 *
 * Report (flow.h): app "bulk", cc of the sender, bytes_sent (written by the sender
 * application), bytes_delivered (read and verified by the receiver), wakeups (the
 * receiver's readiness callbacks), the sender
 * connection's retransmits / fast_retransmits / rto_count / RTT, intact, complete
 * (finite stream: every byte delivered, then end of stream), error (the first error
 * either side saw: ECONNREFUSED, ETIMEDOUT, ECONNRESET), finish (when the receiver
 * saw the end of the stream).
 */
#ifndef MODELS_APPS_BULK_H
#define MODELS_APPS_BULK_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "models/apps/tcp_app.h"
#include "models/apps/flow.h"
#include "sim/core/time.h"

struct sim;

/* A time interval [start, start + duration). */
struct app_interval {
	sim_time_t start;
	sim_time_t duration;
};

#define BULK_DEFAULT_WRITE_SIZE 1460u
#define BULK_DEFAULT_READ_SIZE 65536u

struct bulk_config {
	const char *name;               /* the flow's name (report, traces) */
	struct app_endpoint sender;     /* its stack; local address and port to bind
					 * (IPV4_ANY / 0: the stack chooses) */
	struct app_endpoint receiver;   /* the receiver's stack, the address the sender
					 * connects to and the port */
	struct app_listener *listener;  /* a shared listener on the receiver's port; NULL:
					 * the flow listens on receiver.addr:port itself */
	int backlog;                    /* private listener's backlog (0 → 128) */
	bool client_only;               /* no server side here: the client connects to a
					 * port another application serves (or none: the
					 * report then says ECONNREFUSED / ETIMEDOUT) */
	uint64_t bytes;                 /* stream length; 0 = unlimited (until stop) */
	uint32_t write_size;            /* bytes per write; 0 → 1460 */
	sim_time_t start;               /* when the sender connects */
	sim_time_t stop;                /* when the sender stops writing and closes;
					 * 0 = never (a finite stream ends by itself) */
	/* The receiver's reading behaviour. */
	uint64_t read_rate;             /* bytes per second; 0 = read as data arrives */
	uint32_t read_size;             /* bytes per read; 0 → 65536 (≤ 65536) */
	const struct app_interval *pauses; /* intervals without reading (copied) */
	size_t n_pauses;
	bool receiver_edge;             /* the receiver's socket is edge-triggered */
	bool read_once;                 /* one read per wakeup, not until EAGAIN */
	sim_time_t close_unread;        /* > 0: stop reading then, close on the next data */
	bool sender_close;              /* close() after the last write (orphan) */
	bool receiver_keeps_open;       /* never close after the end of the stream */
	struct app_side sender_side;    /* TCP configuration and socket options */
	struct app_side receiver_side;  /* (configuration: private listener only) */
	struct app_trace trace;         /* "<prefix>.sender.tsv", ".sender.seq.tsv",
					 * ".receiver.tsv" */
};

/* Zeroes cfg and sets the defaults (write_size 1460, read_size 65536). */
void bulk_config_default(struct bulk_config *cfg);

struct bulk;

/* Creates the flow: its listener (unless shared) and sender socket now (so trace
 * files and a busy port are reported here), the connection at cfg->start. Returns
 * NULL with *error set on invalid configuration or when the listener or socket
 * cannot be set up. */
struct bulk *bulk_new(struct sim *sim, const struct bulk_config *cfg, GError **error);

/* The flow's report, brought up to date (TCP statistics read now; they stay valid
 * after the connection is gone). */
const struct app_flow_report *bulk_report(struct bulk *b);

/* The sockets while the application holds them (NULL before/after), for tests. */
struct tcp_sock *bulk_sender_socket(const struct bulk *b);
struct tcp_sock *bulk_receiver_socket(const struct bulk *b);

/* Frees the flow (see conn.h, Teardown: before the stacks; sends nothing). */
void bulk_free(struct bulk *b);

#endif
