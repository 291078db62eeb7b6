/* models/apps/ping.h — the ping application (ICMP echo, like iputils ping).
 *
 * Where it sits: on a node, above ICMP (icmp_echo_send / icmp_echo_listen).
 *
 * Sends `count` echo requests to `dst`, one every `interval` from `start`, each with
 * `payload_bytes` of data (iputils' layout: 16 bytes of send timestamp as a struct
 * timeval, then bytes i mod 256), identifier allocated per node, sequence numbers
 * from 1. A payload larger than the path MTU with DF clear is fragmented (and
 * reassembled by the destination). Replies are matched by sequence number; RTT =
 * reply arrival − request send time, exact in nanoseconds. Duplicated replies are
 * counted, not re-measured. ICMP errors quoting a request (time exceeded,
 * unreachable, fragmentation needed) are counted as errors. A request the stack
 * refused (-EMSGSIZE with DF, -EHOSTUNREACH) counts as sent and in send_errors (like
 * iputils' "+N errors"), so it shows as lost.
 *
 * Memory does not grow with `count` (up to 2^32 − 1): the app keeps the send time of
 * the last PING_WINDOW requests only, which is every request a reply can be matched
 * to, since a 16-bit sequence number tells no more apart.
 *
 * Output: optional trace <app>.ping.tsv (docs/outputs.md: time_s, seq, rtt_ms, ttl,
 * bytes), a row per reply; the summary (`pings` in summary.json) from ping_get_stats().
 */
#ifndef MODELS_APPS_PING_H
#define MODELS_APPS_PING_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "sim/core/time.h"

struct sim;
struct node;
struct ping_app;

/* Requests a reply can be matched to: the last 2^16 (the sequence number's range). */
#define PING_WINDOW 65536u
/* Replies kept for ping_replies(). */
#define PING_REPLIES_KEPT 65536u

struct ping_config {
	ipv4_addr_t dst;        /* destination; required */
	uint32_t count;         /* echo requests; default 5 */
	sim_time_t interval;    /* between requests; default 1 s */
	uint32_t payload_bytes; /* ICMP data bytes after the 8-byte header; default 56
	                         * (ping -s) */
	bool df;                /* don't fragment (ping -M do); default false
	                         * (ping -M dont): a large ping is fragmented */
	uint8_t ttl;            /* 0 = the node's default (ping -t) */
	uint8_t tos;            /* default 0 (ping -Q) */
	sim_time_t start;       /* first request; default 0 */
};

void ping_config_default(struct ping_config *cfg);

/* NULL when valid, else a static message naming the field. */
const char *ping_config_check(const struct ping_config *cfg);

/* One answered request. */
struct ping_reply {
	uint16_t seq;
	sim_time_t sent;     /* request send time */
	sim_time_t received; /* reply arrival */
	sim_time_t rtt;      /* received − sent */
	uint8_t ttl;         /* reply's TTL as received */
	uint32_t bytes;      /* ICMP data bytes of the reply */
};

struct ping_stats {
	uint32_t sent;        /* requests attempted (send_errors included) */
	uint32_t received;    /* distinct requests answered */
	uint32_t duplicates;  /* extra replies */
	uint32_t errors;      /* ICMP errors about our requests */
	uint32_t send_errors; /* requests ipv4_output() refused */
	int last_error;       /* errno of the last send error (-EMSGSIZE), 0 if none */
	uint8_t last_icmp_type, last_icmp_code; /* of the last ICMP error received */
	sim_time_t rtt_min, rtt_max, rtt_sum;   /* over distinct replies; 0 when none */
};

/* Creates the app on `node` (named `name`, copied; used for the trace) and schedules
 * its first request. */
struct ping_app *ping_new(struct sim *sim, struct node *node, const char *name,
                          const struct ping_config *cfg);

/* Cancels pending requests, closes a trace (errors ignored: stop it first to see
 * them), unregisters from ICMP. NULL allowed. */
void ping_free(struct ping_app *app);

/* Writes a row per reply into `path`. Call before the run. 0, or -1 with *error. */
int ping_trace_start(struct ping_app *app, const char *path, GError **error);
int ping_trace_stop(struct ping_app *app, GError **error);

void ping_get_stats(const struct ping_app *app, struct ping_stats *out);

/* Mean RTT (0 when nothing was received) and loss fraction (1 − received/sent). */
sim_time_t ping_rtt_mean(const struct ping_stats *s);
double ping_loss(const struct ping_stats *s);

/* The first PING_REPLIES_KEPT replies in arrival order (the trace has every one);
 * *n receives their number. */
const struct ping_reply *ping_replies(const struct ping_app *app, uint32_t *n);

const char *ping_name(const struct ping_app *app);

#endif
