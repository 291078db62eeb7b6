/* models/link/link.h — full-duplex point-to-point links.
 *
 * Where it sits: iface_output() hands an IPv4 datagram to link_send(); at arrival the
 * link hands it to the receive hook of the port at the other end (struct link_port,
 * which each interface embeds and fills in). The link knows nothing of interfaces,
 * nodes or IP: it moves byte buffers between two ports. Nothing above the interface
 * knows about links.
 *
 * A link joins two ports. Each direction (LINK_FORWARD: first endpoint → second;
 * LINK_REVERSE: second → first) has its own configuration and state: a FIFO
 * transmitter of `bandwidth_bps` with a queue in front of it (drop-tail, or a queue
 * discipline: RED, CoDel, FQ-CoDel, PIE, step — qdisc.h), a propagation
 * delay, optional jitter, and — as the packet leaves the link toward the receiver — a
 * loss model, corruption and duplication.
 *
 * Timing of a packet of L IP bytes entering an idle direction at time t:
 *     serialisation ends  t + ceil((L + framing_bytes) · 8 / bandwidth_bps) ns
 *     arrival             end + delay (+ a uniform draw in [0, jitter])
 * A packet entering a busy direction starts when the previous one ends (FIFO).
 *
 * Events: ONE scheduler event per packet per direction (its arrival) when neither a
 * capture on the sending interface nor a queue trace watches the direction; the
 * dequeue instant is computed, not simulated (see queue.h). A queue discipline other
 * than drop-tail decides at the dequeue instant, so its direction has one more event
 * per packet sent (the transmitter becoming free). With reordering jitter
 * each packet has its own arrival event; otherwise the direction keeps a single
 * re-armed timer for the earliest arrival. The direction owns every packet from
 * link_send() until it hands it to the receiver or drops it.
 *
 * Random components draw from their own streams: "link:<name>:<direction>:loss",
 * ":jitter", ":duplicate", ":corrupt", ":qdisc" (<direction> = forward|reverse).
 */
#ifndef MODELS_LINK_LINK_H
#define MODELS_LINK_LINK_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/link/loss.h"
#include "models/link/qdisc.h"
#include "models/link/queue.h"
#include "models/link/sojourn.h"
#include "sim/core/packet.h"
#include "sim/core/sched.h"
#include "sim/core/time.h"
#include "sim/core/trace.h"

struct sim;
struct link;

enum link_dir {
	LINK_FORWARD = 0, /* first endpoint → second */
	LINK_REVERSE = 1, /* second endpoint → first */
};

/* An interval during which a direction is down (a cut cable, a failed peer's port):
 * every packet whose time on the wire — serialisation start to arrival — overlaps
 * [start, end) is lost and counted in down_drops. The sender does not notice (no
 * carrier detection): it keeps transmitting into the dead link. */
struct link_outage {
	sim_time_t start;
	sim_time_t end; /* SIM_TIME_MAX: the direction never comes back */
};

/* One direction's configuration. Scenario keys map 1:1: bandwidth, delay, mtu,
 * queue, loss, jitter (+ reorder), duplicate, corrupt; `forward`/`reverse` objects
 * override the link's symmetric values per direction. */
struct link_dir_config {
	uint64_t bandwidth_bps;    /* "bandwidth": bit/s, > 0; default 10 Mbit/s */
	sim_time_t delay;          /* "delay": propagation delay, ns; default 0 */
	uint32_t mtu;              /* "mtu": largest IP datagram the sending interface
	                            * puts on this direction, bytes, >= 68 (RFC 791);
	                            * default 1500 */
	uint32_t framing_bytes;    /* bytes added to every packet's serialisation time
	                            * (ns-3's PointToPointNetDevice adds a 2-byte PPP
	                            * header); not part of the IP datagram; default 0 */
	struct queue_config queue; /* "queue": the discipline and its limits */
	struct loss_config loss;   /* "loss" */
	sim_time_t jitter;         /* "jitter": extra delay uniform in [0, jitter] ns;
	                            * default 0 */
	bool reorder;              /* with jitter: true lets a packet overtake an earlier
	                            * one; false (default) holds it back until the
	                            * previous one has arrived */
	double duplicate;          /* "duplicate": P(packet delivered twice); default 0 */
	double corrupt;            /* "corrupt": P(one random bit of the packet flipped);
	                            * default 0. The receiver's checksum check then drops
	                            * it (IP header checksum, or the TCP/UDP/ICMP one). */
	const struct link_outage *outages; /* "down": intervals when the direction carries
	                            * nothing; borrowed, link_new() copies them (any
	                            * order, overlaps allowed); default none */
	uint32_t n_outages;
};

/* Fills the defaults above. */
void link_dir_config_default(struct link_dir_config *cfg);

/* NULL when valid, else a static message naming the field ("mtu must be at least
 * 68"). link_new() requires valid configurations (it aborts on an invalid one:
 * user input is checked by the scenario loader with this function first). */
const char *link_dir_config_check(const struct link_dir_config *cfg);

/* Per-direction counters (summary.json "links"). Read them with link_get_stats(),
 * which brings the time-dependent ones up to the current time. */
struct link_stats {
	uint64_t enqueued;          /* packets accepted by the queue (or sent at once) */
	uint64_t enqueued_bytes;    /* their IP bytes */
	uint64_t queue_drops;       /* packets the queue dropped (both reasons below) */
	uint64_t overlimit_drops;   /* ... because a limit was reached */
	uint64_t aqm_drops;         /* ... by the discipline's control law */
	uint64_t ecn_marks;         /* packets the discipline marked CE */
	uint64_t tx_packets;        /* packets that have started serialisation */
	uint64_t tx_bytes;          /* their IP bytes */
	uint64_t lost;              /* dropped by the loss model */
	uint64_t corrupted;         /* delivered with a flipped bit */
	uint64_t duplicated;        /* extra copies delivered */
	uint64_t delivered;         /* packets handed to the receiving interface (copies too) */
	uint64_t down_drops;        /* lost because the direction was down (outages) */
	uint32_t max_queue_packets; /* largest number of waiting packets seen */
	uint64_t max_queue_bytes;   /* largest number of waiting bytes seen */
};

/* One end of a link: what the link calls on the device attached there. The device
 * (an interface) owns the port and fills in the hooks; link_create() and link_free()
 * set and clear `link` and `tx_dir`. */
struct link_port {
	/* Required: a packet arrives at this end. Takes ownership of pkt. */
	void (*receive)(struct sim *sim, void *ctx, struct sim_packet *pkt);
	/* Optional (NULL when nobody watches): a packet this end sends starts
	 * serialisation at time t (a capture tap). Change it only through
	 * link_port_set_tap(), which lets the link schedule the dequeue events it needs. */
	void (*tap)(struct sim *sim, void *ctx, const struct sim_packet *pkt, sim_time_t t);
	void *ctx;               /* passed to both hooks */
	/* Optional: how the queue disciplines of the direction this end sends on read
	 * and mark its datagrams (the network layer sets it before the link is made;
	 * NULL: every packet is Not-ECT and all are one flow). */
	const struct link_pkt_ops *pkt_ops;
	struct link *link;       /* NULL until connected */
	enum link_dir tx_dir;    /* the direction this end sends on */
};

struct link_flight {
	sim_time_t arrival;
	uint64_t index;         /* 1-based packet index in the direction (drop list) */
	struct sim_packet *pkt; /* NULL once delivered (reordering mode) */
	sim_event_id ev;        /* reordering mode: this packet's arrival event */
};

/* One direction's state. Read-only outside link.c. */
struct link_direction {
	struct link *link;
	enum link_dir dir;
	struct link_dir_config cfg; /* loss.drop_list not valid here: see loss */
	struct link_port *from, *to;
	sim_time_t tx_free_at;   /* when the transmitter finishes its last packet */
	sim_time_t last_arrival; /* latest arrival scheduled (no-reorder jitter) */
	struct queue queue;         /* drop-tail: the timeline of waiting packets */
	struct qdisc *qdisc;        /* any other discipline (NULL for drop-tail) */
	struct sim_timer xmit_timer; /* qdisc: the transmitter becomes free */
	struct sojourn_hist sojourn; /* every sent packet's time in the queue */
	struct link_flight *flight; /* ring of packets on their way, in send order */
	uint32_t fl_head, fl_count, fl_cap;
	uint64_t fl_head_seq;           /* sequence number of the ring's head entry */
	struct sim_timer arrival_timer; /* no-reorder mode: earliest arrival */
	struct sim_timer start_timer;   /* dequeue instants, only while watched */
	struct loss_model loss;
	struct link_outage *outages; /* sorted by start; NULL when none */
	uint32_t n_outages, outage_next; /* outages before outage_next are over */
	struct sim_rng jitter_rng, dup_rng, corrupt_rng;
	struct link_stats stats;
	struct sim_tsv *queue_trace;
	uint32_t mem_check_at; /* queue or flight-ring length at which the run's memory
				* budget is checked next (doubles each time) */
};

struct link {
	struct sim *sim;
	char *name;
	struct link_direction d[2]; /* indexed by enum link_dir */
};

/* Creates a link named `name` between ports a (first endpoint) and b, which must have
 * no link yet and a receive hook. `forward` configures a → b, `reverse` b → a (pass
 * the same pointer twice for a symmetric link). Aborts on an invalid configuration
 * (user input is checked with link_dir_config_check() first). Interfaces are joined
 * with link_new() (iface.h), which calls this. The caller owns the link and frees it
 * with link_free() before freeing the ports' owners. */
struct link *link_create(struct sim *sim, const char *name, struct link_port *a,
                         struct link_port *b, const struct link_dir_config *forward,
                         const struct link_dir_config *reverse);

/* Cancels the link's events, frees the packets in flight, closes an open queue trace
 * (ignoring its errors: close it with link_queue_trace_stop() first to see them) and
 * detaches the ports. NULL is allowed. */
void link_free(struct link *l);

/* Takes `pkt` (an IPv4 datagram at data, at most the direction's MTU) for
 * transmission from the interface on side `from`. The direction owns it from now on:
 * it is queued, dropped by the queue, lost, or delivered to the other end. */
void link_send(struct sim *sim, struct link *l, enum link_dir dir, struct sim_packet *pkt);

/* Starts the queue trace of one direction into `path` (docs/outputs.md: columns
 * time_s, queue_packets, queue_bytes, drops, event ∈ {enqueue, dequeue, drop, mark},
 * marks, sojourn_ms, reason ∈ {overlimit, aqm_drop, aqm_mark, -}, aqm_avg,
 * aqm_prob).
 * Call before traffic starts. Returns 0, or -1 with *error set. */
int link_queue_trace_start(struct link *l, enum link_dir dir, const char *path, GError **error);

/* Closes the queue trace; 0, or -1 with *error set if any write failed. */
int link_queue_trace_stop(struct link *l, enum link_dir dir, GError **error);

/* Copies one direction's counters, current as of sim_now(). */
void link_get_stats(const struct link *l, enum link_dir dir, struct link_stats *out);

/* The mean (rounded to the ns) and the 99th percentile (sojourn.h) of the time the
 * packets sent so far spent waiting in a direction's queue, ns. */
void link_get_sojourn(const struct link *l, enum link_dir dir, sim_time_t *mean_ns,
                      sim_time_t *p99_ns);

/* Sets (or, with NULL, clears) the tap of a port: a capture on the sending interface
 * started or stopped. A connected port's direction then needs (or no longer needs)
 * dequeue events, which this arranges. */
void link_port_set_tap(struct link_port *port,
                       void (*tap)(struct sim *sim, void *ctx, const struct sim_packet *pkt,
                                   sim_time_t t));

/* "forward" / "reverse". */
const char *link_dir_name(enum link_dir dir);

/* The port a direction leaves from / arrives at. */
struct link_port *link_dir_from(const struct link *l, enum link_dir dir);
struct link_port *link_dir_to(const struct link *l, enum link_dir dir);

/* Packets waiting in a direction's queue at the current time (not the one being
 * serialised). */
uint32_t link_queue_packets(const struct link *l, enum link_dir dir);

#endif
