/* models/apps/syn_flood.h — a SYN flood: bare TCP SYNs from forged source addresses.
 *
 * Where it sits: on the attacking node, straight above IPv4 (models/ip/ipv4.h), as a
 * raw socket: it writes TCP SYN segments itself (models/tcp/seg.h) and sends them
 * with a source address taken from `sources`, which need not be the node's
 * (ipv4_tx.spoof). Nobody answers the SYN-ACKs (the forged sources do not exist, or
 * are routed where they are dropped), so each SYN the target queues is a half-open
 * connection that lives until its SYN-ACK retries run out (synack_retries): the
 * flood fills the target listener's SYN queue, and then legitimate clients' SYNs are
 * dropped — unless the target answers with SYN cookies (knob syncookies,
 * models/tcp/listen.c).
 *
 * From `start` to `stop` it sends `rate` SYNs per second, evenly spaced; each from
 * an address drawn uniformly from the `sources` block and a port drawn from the
 * dynamic range, with a random ISN, window 64240 and an MSS option of 1460 — draws
 * from the application's own stream "app:<name>:syn_flood".
 */
#ifndef MODELS_APPS_SYN_FLOOD_H
#define MODELS_APPS_SYN_FLOOD_H

#include <stdint.h>

#include "models/ip/addr.h"
#include "sim/core/time.h"

struct sim;
struct node;
struct syn_flood;

struct syn_flood_config {
	ipv4_addr_t dst;     /* the target's address (required) */
	uint16_t port;       /* the target's port (required) */
	uint64_t rate;       /* SYNs per second (> 0) */
	ipv4_addr_t sources; /* first address of the forged sources ... */
	uint32_t n_sources;  /* ... and how many (> 0): a prefix's addresses */
	sim_time_t start;
	sim_time_t stop;     /* SIM_TIME_MAX: until the run ends */
	uint8_t ttl;         /* 0: the node's default */
};

struct syn_flood_stats {
	uint64_t sent;        /* SYNs that left */
	uint64_t send_errors; /* refused by IPv4 (no route) */
};

/* Starts the flood on `node`. The configuration must be valid (rate and n_sources
 * above 0, a port). */
struct syn_flood *syn_flood_new(struct sim *sim, struct node *node, const char *name,
				const struct syn_flood_config *cfg);
void syn_flood_free(struct syn_flood *f);
void syn_flood_get_stats(const struct syn_flood *f, struct syn_flood_stats *out);

#endif
