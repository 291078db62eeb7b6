/* tests/tcp/wire.h — a fake wire for TCP conformance tests (no network layer).
 *
 * Two hosts, A (10.0.0.1) and B (10.0.0.2), each with its own TCP stack whose lower
 * edge is this file. Every segment a host sends is recorded (time, addresses, DF,
 * TTL, the parsed header, the bytes) in the host's `sent` queue, where a test pops
 * and checks it field by field. Two modes:
 *
 *   unlinked  nothing is delivered: the test plays the peer by injecting exact
 *             segments with fw_inject() (smoltcp-style: one fixture per state, one
 *             test per (state, event), the exact reply asserted);
 *   linked    (fw_link) each segment is also delivered to the other host after a
 *             delay; a per-segment hook may drop it, delay it differently (reorder)
 *             or duplicate it.
 */
#ifndef TESTS_TCP_WIRE_H
#define TESTS_TCP_WIRE_H

#include <glib.h>

#include "models/tcp/seg.h"
#include "models/tcp/tcp.h"
#include "sim/core/sim.h"

#define FW_ADDR_A IPV4_ADDR(10, 0, 0, 1)
#define FW_ADDR_B IPV4_ADDR(10, 0, 0, 2)

struct fw;
struct fw_host;

/* A segment as it left a host. */
struct fw_seg {
	sim_time_t time;
	ipv4_addr_t src, dst;
	uint8_t ttl;
	uint8_t tos;
	bool df;
	struct tcp_repr r;   /* parsed; r.payload points into bytes */
	uint8_t *bytes;      /* the whole TCP segment */
	uint32_t len;
	bool csum_ok;
	uint64_t index;      /* 0, 1, 2 … per sending host */
};

/* Decides the fate of a segment in linked mode: returns the delivery delay, or a
 * negative value to drop it. *dup set to true delivers a second copy (after the
 * same delay plus 1 µs). */
typedef sim_time_t (*fw_fate_fn)(struct fw *w, struct fw_host *from, const struct fw_seg *s,
				 bool *dup, void *ctx);

struct fw_host {
	struct fw *w;
	struct tcp_stack *stack;
	ipv4_addr_t addr;
	uint32_t mtu;
	GQueue sent;         /* struct fw_seg * not yet popped */
	GPtrArray *log;      /* every struct fw_seg sent, owned here */
	uint64_t count;
	struct fw_host *peer;
	bool route_fails;
	int output_error;    /* non-zero: every segment is recorded, not delivered, and
	                      * the lower edge returns this error (a refused send) */
};

/* Decides in linked mode whether an ECN-capable segment arrives with CE set. */
typedef bool (*fw_mark_fn)(struct fw *w, struct fw_host *from, const struct fw_seg *s, void *ctx);

struct fw {
	struct sim sim;
	struct fw_host a, b;
	bool linked;
	sim_time_t delay;
	fw_fate_fn fate;
	void *fate_ctx;
	fw_mark_fn mark_ce;
	void *mark_ctx;
	GQueue inflight;     /* deliveries not yet made (freed at fini) */
	uint64_t delivered, dropped;
};

/* Initialises the simulator (seed) and both hosts with `cfg` (NULL: linux profile). */
void fw_init(struct fw *w, uint64_t seed, const struct tcp_config *cfg);
/* Frees everything; asserts that no packet leaked. */
void fw_fini(struct fw *w);
/* Links A and B with a one-way delay. */
void fw_link(struct fw *w, sim_time_t delay);

/* Runs the simulation until absolute time t / for d more. */
void fw_run_until(struct fw *w, sim_time_t t);
void fw_run_for(struct fw *w, sim_time_t d);

/* The next segment host h sent (FIFO), or NULL. Owned by the host's log. */
const struct fw_seg *fw_pop(struct fw_host *h);
/* Number of segments sent and not popped. */
guint fw_pending(const struct fw_host *h);
/* Forgets the unpopped segments. */
void fw_drain(struct fw_host *h);

/* Delivers a segment to host h as if sent by its peer address: the header from r
 * (hdr_len, checksum computed here), options as r says, payload appended. */
void fw_inject(struct fw_host *h, const struct tcp_repr *r, const void *payload, uint32_t len);

/* The same, in an IPv4 datagram with TOS byte tos (its ECN field: RFC 3168 §5). */
void fw_inject_tos(struct fw_host *h, const struct tcp_repr *r, const void *payload, uint32_t len,
		   uint8_t tos);

/* Shorthand: a segment from peer port `sport` to `dport` of host h. */
void fw_inject_simple(struct fw_host *h, uint16_t sport, uint16_t dport, uint8_t flags,
		      uint32_t seq, uint32_t ack, uint16_t win, const void *payload,
		      uint32_t len);

/* Delivers raw segment bytes (e.g. with a bad checksum or malformed options). */
void fw_inject_raw(struct fw_host *h, const uint8_t *seg, uint32_t len, bool fix_csum);

/* Sends ICMP "fragmentation needed" with next-hop MTU about segment s to its sender. */
void fw_icmp_frag_needed(struct fw *w, const struct fw_seg *s, uint16_t mtu);

/* A byte pattern for stream-integrity checks: byte i of stream `tag`. */
static inline uint8_t fw_pattern(uint32_t tag, uint64_t i)
{
	uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ tag;
	return (uint8_t)(x >> 29 ^ x >> 7);
}

/* Formats a segment for messages. */
char *fw_seg_str(const struct fw_seg *s, char *buf, size_t n);

/* Asserts the main header fields of a segment (prints it on failure). */
#define fw_assert_seg(s, FLAGS, SEQ, ACK, WIN, LEN)                                     \
	do {                                                                             \
		const struct fw_seg *s_ = (s);                                           \
		g_assert_nonnull(s_);                                                    \
		char b_[200];                                                            \
		if (s_->r.flags != (FLAGS) || s_->r.seq != (uint32_t)(SEQ) ||            \
		    s_->r.ack != (uint32_t)(ACK) || s_->r.window != (WIN) ||             \
		    s_->r.payload_len != (uint32_t)(LEN))                                \
			g_test_message("segment: %s", fw_seg_str(s_, b_, sizeof(b_)));   \
		g_assert_cmphex(s_->r.flags, ==, (FLAGS));                               \
		g_assert_cmpuint(s_->r.seq, ==, (uint32_t)(SEQ));                        \
		g_assert_cmpuint(s_->r.ack, ==, (uint32_t)(ACK));                        \
		g_assert_cmpuint(s_->r.window, ==, (WIN));                               \
		g_assert_cmpuint(s_->r.payload_len, ==, (uint32_t)(LEN));                \
		g_assert_true(s_->csum_ok);                                              \
	} while (0)

/* A tiny test application: records callbacks, optionally reads/writes. */
struct fw_app {
	struct tcp_sock *s;
	uint32_t events_seen;     /* OR of all events delivered */
	uint32_t calls;           /* number of callbacks */
	GArray *call_events;      /* uint32_t per call */
	GArray *call_times;       /* sim_time_t per call */
	bool read_all;            /* READABLE: recv until EAGAIN, hash the bytes */
	uint32_t read_chunk;      /* bytes per recv (0 = 65536) */
	uint32_t max_reads;       /* recv calls per callback (0 = unlimited) */
	uint64_t bytes_read;
	bool eof;
	int error;
	GChecksum *hash_in;
	/* Writer: send `to_write` bytes of pattern `tag` on WRITABLE. */
	uint64_t to_write;
	uint64_t written;
	uint32_t write_chunk;     /* bytes per send (0 = 65536) */
	uint32_t tag;
	bool close_when_done;     /* close() after the last byte (else shutdown(WR)) */
	bool shutdown_when_done;
	GChecksum *hash_out;
	bool close_on_eof;
	uint32_t interest;        /* as registered by fw_app_watch */
	bool edge;
	sim_time_t last_time;
	uint64_t same_time_calls;
};

void fw_app_init(struct fw_app *a, struct tcp_sock *s);
void fw_app_fini(struct fw_app *a);
/* Registers the app as the socket's callback. */
void fw_app_watch(struct fw_app *a, uint32_t interest, bool edge);
/* The app's callback (exposed so tests can re-register with other interest). */
void fw_app_cb(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx);
/* Writes what it can now (also called from the callback). */
void fw_app_pump_write(struct fw_app *a);

#endif
