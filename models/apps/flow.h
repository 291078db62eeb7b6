/* models/apps/flow.h — what every byte-stream application shares: the deterministic
 * content of its streams, the per-flow report that becomes one entry of summary.json's
 * "flows", endpoints and socket options.
 *
 * Stream content. Every application byte stream carries bytes taken cyclically from
 * one fixed pseudo-random table whose length is a prime (APP_PATTERN_LEN = 65521),
 * keyed by stream position: byte i of a stream with key k is
 * pattern[(k + i) mod 65521]. The table is stored twice in a row, so any run of up to
 * 65521 bytes starting anywhere is contiguous: generating is a pointer into the table
 * (a sender hands it straight to tcp_send), verifying is a memcmp. A lost, duplicated
 * or reordered byte shifts the stream against the table, and since the table has no
 * period shorter than 65521 bytes the next bytes differ (a single random byte matches
 * by chance with probability 1/256, so a 1460-byte segment never does); the exact byte
 * count at end of stream catches a loss or duplication at the very end. Different
 * streams (the two directions of an echo, successive HTTP bodies) use different keys,
 * so bytes delivered to the wrong stream are detected too.
 *
 * Flow report. One struct app_flow_report per connection, filled by the application
 * as it runs and frozen (TCP statistics snapshotted) before its sockets are released,
 * so it survives the connection. Field names follow docs/outputs.md: the CLI writes
 * them under the same names.
 *
 * This file knows nothing of sockets (models/apps/tcp_app.h has the socket-facing
 * helpers), so its tests need no network.
 */
#ifndef MODELS_APPS_FLOW_H
#define MODELS_APPS_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/time.h"

/* ---- deterministic stream content ---- */

#define APP_PATTERN_LEN 65521u /* a prime: the table's period */

/* The table, 2 × APP_PATTERN_LEN bytes (the second half repeats the first). It is a
 * constant computed once per process from a fixed generator: it does not depend on
 * the run's seed. Thread-safe. */
const uint8_t *app_pattern_table(void);

/* Pointer to stream byte `pos` (key already added): the next APP_PATTERN_LEN bytes of
 * the stream are contiguous from here. */
static inline const uint8_t *app_pattern_at(uint64_t pos)
{
	return app_pattern_table() + (size_t)(pos % APP_PATTERN_LEN);
}

/* Copies len bytes of the stream starting at position pos into buf. */
void app_pattern_fill(uint64_t pos, void *buf, size_t len);

/* The key of stream number `index` of flow `flow_key`: spreads streams over the
 * table so neighbouring streams do not start at neighbouring offsets. */
uint64_t app_stream_key(uint64_t flow_key, uint64_t index);

/* A stable key derived from a flow's name (FNV-1a), so two flows' streams differ. */
uint64_t app_name_key(const char *name);

/* Incremental verifier of one received stream. Feed it what recv() returned, in any
 * pieces; it compares against the expected content at the running offset. */
struct app_verifier {
	uint64_t key;        /* stream key (position of byte 0 in the table) */
	uint64_t offset;     /* bytes verified so far */
	uint64_t bad_offset; /* first mismatching stream offset (UINT64_MAX: none) */
	bool ok;             /* every byte so far matched */
};

void app_verifier_init(struct app_verifier *v, uint64_t key);

/* Checks buf as the next len bytes of the stream. Returns v->ok afterwards. Once a
 * mismatch is found the verifier stays failed but keeps counting bytes. */
bool app_verifier_feed(struct app_verifier *v, const void *buf, size_t len);

/* True when everything fed matched and exactly `expected` bytes were fed. */
static inline bool app_verifier_complete(const struct app_verifier *v, uint64_t expected)
{
	return v->ok && v->offset == expected;
}

/* ---- the per-flow report ---- */

/* TCP statistics of one connection as the report needs them. */
struct app_tcp_stats {
	uint64_t retransmits;      /* segments retransmitted (any cause) */
	uint64_t fast_retransmits; /* of which fast retransmits */
	uint64_t rto_count;        /* retransmission-timer expirations */
	uint64_t rtt_samples;      /* RTT samples taken (0: the rtt fields mean nothing) */
	sim_time_t rtt_min, rtt_max, rtt_sum; /* over the samples, ns */
	bool sack, timestamps, wscale;  /* options negotiated (either connection) */
	uint64_t dsacks_received;       /* ACKs with a DSACK block (RFC 2883) */
	uint64_t spurious_retransmits;  /* retransmissions a DSACK showed unneeded */
	uint64_t tlp_probes;            /* tail loss probes sent (recovery linux) */
	uint64_t tlp_recoveries;        /* probes that repaired a loss */
	uint64_t frto_rtos;             /* timeouts F-RTO watched */
	uint64_t spurious_rtos;         /* of which found spurious and undone */
	uint64_t undos;                 /* window reductions undone (any cause) */
	uint32_t mss;              /* effective send MSS of the (first) connection, bytes */
	bool ecn;                  /* ECN negotiated (RFC 3168) */
	uint64_t ecn_ce_received, ecn_ece_received, ecn_cwr_sent, ecn_reductions; /* both ends */
	uint32_t dctcp_alpha;      /* DCTCP's α × 1024 at the end (the larger end's) */
};

/* Adds b's counters to a and merges the RTT statistics (both directions of a
 * bidirectional flow). */
void app_tcp_stats_merge(struct app_tcp_stats *a, const struct app_tcp_stats *b);

/* Latency statistics over a set of samples (request/response, HTTP). */
struct app_latency {
	uint64_t count;
	sim_time_t min, max, sum; /* ns; meaningless while count == 0 */
	sim_time_t *samples;      /* every sample in order (owned by the report) */
	uint64_t cap;             /* allocated length of samples */
};

struct app_flow_report {
	char *name;         /* the flow's name (owned) */
	const char *app;    /* "bulk", "echo", "request_response", "http", "simopen" */
	const char *cc;     /* congestion control of the data sender, lower case */
	sim_time_t start;   /* when the flow was told to start */
	sim_time_t stop;    /* when it was told to stop; SIM_TIME_MAX: none */
	sim_time_t finish;  /* when its work completed (last byte verified, connection
			     * closed cleanly); -1 while not finished */

	uint64_t bytes_sent;      /* bytes the sending application(s) handed to TCP */
	uint64_t bytes_delivered; /* bytes delivered in order to the receiving
				   * application(s): for bidirectional apps the sum of
				   * both directions (bytes_to_server + bytes_to_client) */
	uint64_t bytes_to_server; /* client → server direction */
	uint64_t bytes_to_client; /* server → client direction */
	uint64_t payload_bytes;   /* HTTP: response body bytes received and verified
				   * (bytes_to_client without heads and chunk framing) */
	uint64_t chunks;          /* HTTP: chunks received in chunked bodies (each
				   * response's last-chunk not counted) */
	uint64_t wakeups;         /* bulk: readiness callbacks of the receiver */

	/* TCP statistics: of the data sender for bulk, of both endpoints merged for
	 * bidirectional apps. */
	struct app_tcp_stats tcp;

	bool intact;   /* every delivered byte matched its expected content, in order,
			* no loss or duplication seen, and (if the stream ended) the byte
			* count was exact; false after a connection error */
	bool complete; /* the application finished everything it set out to do (every
			* byte / request / response delivered and verified) */
	bool connected; /* the connection was established (the client saw it open);
			 * summary.json reports a flow that never connected as not
			 * intact: nothing arrived to vouch for */
	int error;     /* 0, or the negative errno the application saw */
	char *detail;  /* NULL, or a human explanation of what went wrong (a malformed
			* HTTP response, the offset of a content mismatch); owned */

	uint64_t requests_sent;      /* request/response, HTTP: requests issued */
	uint64_t responses_received; /* ... and complete responses received */
	struct app_latency latency;  /* per-request latency: request written → last
				      * byte of its response received */
};

/* Initialises a report (name copied; intact starts true, finish -1). */
void app_flow_report_init(struct app_flow_report *r, const char *name, const char *app,
			  sim_time_t start, sim_time_t stop);
void app_flow_report_fini(struct app_flow_report *r);

/* Records an error (the first one wins) and marks the flow not intact. */
void app_flow_report_error(struct app_flow_report *r, int err);

/* Sets detail (the first one wins; printf-style). Does not change intact. */
void app_flow_report_detail(struct app_flow_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Records one latency sample. */
void app_latency_add(struct app_latency *l, sim_time_t sample);

/* The flow's active time: from its start to when it finished (finish), its stop or
 * the end of the run, whichever is earliest (0 if it had not started by then). A
 * finite transfer's goodput is thus its own rate, not averaged over a longer run. */
sim_time_t app_flow_active_time(const struct app_flow_report *r, sim_time_t run_end);

/* goodput_bps = bytes_delivered × 8 / active time in seconds; 0 when the active time
 * is 0. */
double app_flow_goodput_bps(const struct app_flow_report *r, sim_time_t run_end);

/* Mean RTT / latency in ns as a double (0 without samples). */
double app_tcp_stats_rtt_mean(const struct app_tcp_stats *s);
double app_latency_mean(const struct app_latency *l);

/* The errno's name as summary.json writes it ("ECONNREFUSED"), or NULL for 0. Accepts
 * a positive or negative errno. */
const char *app_errno_name(int err);

#endif
