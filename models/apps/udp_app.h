/* models/apps/udp_app.h — UDP traffic for cross traffic: a constant-bit-rate or
 * on-off source, and a sink.
 *
 * Where it sits: on a node, above UDP sockets (models/ip/udp.h).
 *
 * Source: while "on", sends packet_bytes-byte datagrams at `rate_bps` (one every
 * ceil(packet_bytes · 8 / rate) ns, counting UDP payload bits as ns-3's OnOff and
 * iperf do), from `start` until `stop`. CBR is always on. On-off alternates on_time
 * and off_time, starting "on" (ns-3 OnOffApplication); with `exponential` the
 * durations are drawn from exponentials of those means (stream "udp:<name>:onoff"),
 * else they are constant. The first 12 bytes of every payload carry a sequence number
 * (4 bytes, from 0) and the send time (8 bytes, ns), big-endian, so the sink counts
 * losses and one-way delay; the rest is zeros. A datagram the stack refuses is
 * counted in send_errors.
 *
 * Sink: a socket bound to (bind_addr, port) counting packets, bytes, duplicates,
 * out-of-order arrivals and the loss estimate (highest sequence + 1 − distinct
 * sequences received).
 */
#ifndef MODELS_APPS_UDP_APP_H
#define MODELS_APPS_UDP_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "sim/core/time.h"

struct sim;
struct node;
struct udp_source;
struct udp_sink;

enum udp_source_mode {
	UDP_SOURCE_CBR = 0,
	UDP_SOURCE_ONOFF = 1,
};

#define UDP_APP_HDR_BYTES 12u /* sequence number + send time in every payload */

struct udp_source_config {
	enum udp_source_mode mode; /* default CBR */
	ipv4_addr_t dst;           /* required */
	uint16_t dst_port;         /* required (non-zero) */
	ipv4_addr_t src_addr;      /* bind address; default 0.0.0.0 */
	uint16_t src_port;         /* default 0 = ephemeral */
	uint64_t rate_bps;         /* sending rate while on; default 1 Mbit/s */
	uint32_t packet_bytes;     /* UDP payload bytes, >= 12; default 1000 */
	sim_time_t on_time;        /* on-off: on duration (mean); default 1 s */
	sim_time_t off_time;       /* on-off: off duration (mean); default 1 s */
	bool exponential;          /* on-off: exponential durations; default false */
	sim_time_t start;          /* default 0 */
	sim_time_t stop;           /* SIM_TIME_MAX (default) = until the run ends */
	uint8_t tos;               /* default 0 */
	bool df;                   /* default false */
};

void udp_source_config_default(struct udp_source_config *cfg);
const char *udp_source_config_check(const struct udp_source_config *cfg);

struct udp_source_stats {
	uint64_t sent_packets, sent_bytes; /* payload bytes */
	uint64_t send_errors;
	int last_error;
	uint64_t icmp_errors; /* ECONNREFUSED reported on the socket */
};

struct udp_source *udp_source_new(struct sim *sim, struct node *node, const char *name,
                                  const struct udp_source_config *cfg);
void udp_source_free(struct udp_source *src);
void udp_source_get_stats(const struct udp_source *src, struct udp_source_stats *out);

struct udp_sink_config {
	ipv4_addr_t bind_addr; /* default 0.0.0.0 */
	uint16_t port;         /* required */
};

void udp_sink_config_default(struct udp_sink_config *cfg);

struct udp_sink_stats {
	uint64_t packets, bytes;                    /* datagrams / payload bytes received */
	uint64_t duplicates;                        /* sequence numbers seen before */
	uint64_t reordered;                         /* arrived after a higher sequence number */
	uint64_t lost;                              /* highest seq + 1 − distinct received */
	uint64_t ce;                                /* arrived with ECN CE (RFC 3168 §5) */
	int64_t max_seq;                            /* -1 before the first */
	sim_time_t delay_min, delay_max, delay_sum; /* one-way delay over distinct packets */
	sim_time_t first_rx, last_rx;
};

/* Returns NULL if the socket cannot be bound (*err = the bind error). */
struct udp_sink *udp_sink_new(struct sim *sim, struct node *node, const char *name,
                              const struct udp_sink_config *cfg, int *err);
void udp_sink_free(struct udp_sink *sink);
void udp_sink_get_stats(const struct udp_sink *sink, struct udp_sink_stats *out);

#endif
