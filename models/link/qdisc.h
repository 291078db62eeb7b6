/* models/link/qdisc.h — queue disciplines: what decides, in front of a link
 * direction's transmitter, which packet waits, which is sent next, and which is
 * dropped or marked on the way.
 *
 * Where it sits: link.c owns one per direction (scenario key `queue`). Drop-tail, the
 * default, does not go through this interface at all: link.c keeps its waiting
 * packets as a timeline (queue.h) whose dequeue instants are computed, not simulated,
 * so the common case costs nothing extra. Every other discipline — and drop-tail too
 * when a test asks for it, to show the two paths agree — is a `struct qdisc_ops`:
 *
 *   link_send ─► ops->enqueue(q, pkt, now)   accept, or drop/mark at arrival
 *                                            (RED, PIE, step; the packet limit)
 *   transmitter free ─► ops->dequeue(q, now) the next packet, dropping or marking
 *                                            on the way (CoDel, FQ-CoDel)
 *
 * The pattern is Linux's (net/sched: struct Qdisc_ops, one file per discipline,
 * sch_red.c, sch_codel.c, sch_fq_codel.c, sch_pie.c): each discipline is one file
 * exporting one const ops built with designated initialisers; the helpers below
 * (packet lists, the limit check, dropping and marking with their statistics) are
 * what every discipline shares, so statistics and traces cannot be forgotten.
 *
 * Packets: while a discipline holds a packet it owns it and uses the packet's
 * `next` (its list link), `stamp` (enqueue time) and `mark` (discipline data, e.g.
 * FQ-CoDel's flow index). The discipline never looks inside a packet itself: ECN
 * codepoints, CE marking and flow hashes come from the network layer through
 * `struct link_pkt_ops` (models/ip/ecn.h supplies the IPv4 ones).
 *
 * Randomness: one stream per discipline, "link:<name>:<direction>:qdisc" (RED's and
 * PIE's drop decisions, FQ-CoDel's hash seed).
 */
#ifndef MODELS_LINK_QDISC_H
#define MODELS_LINK_QDISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/packet.h"
#include "sim/core/rng.h"
#include "sim/core/time.h"

struct sim;

/* How a discipline sees the datagrams it holds; supplied by the network layer
 * attached to the sending port (struct link_port.pkt_ops). */
struct link_pkt_ops {
	/* Required: the ECN codepoint (RFC 3168 §5): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
	uint8_t (*ecn)(const struct sim_packet *pkt);
	/* Required: sets CE on an ECN-capable packet and returns true; a Not-ECT packet
	 * is left untouched and false returned. */
	bool (*set_ce)(struct sim_packet *pkt);
	/* Required: a hash of the packet's flow, perturbed by `seed`. */
	uint32_t (*flow_hash)(const struct sim_packet *pkt, uint64_t seed);
};

/* ---- configuration: the scenario key `queue` ----------------------------------- */

enum queue_type {
	QUEUE_DROPTAIL = 0,
	QUEUE_RED,
	QUEUE_CODEL,
	QUEUE_FQ_CODEL,
	QUEUE_PIE,
	QUEUE_STEP,
	QUEUE_N_TYPES,
};

/* RED (Floyd & Jacobson 1993), tc-red(8) names. The average is kept in packets, or in
 * bytes when `bytes` is set (then min, max and the limit are bytes, as in Linux). */
struct queue_red_config {
	bool bytes;         /* thresholds in bytes (else packets) */
	uint64_t min, max;  /* "min", "max": thresholds; default 5 and 15 packets */
	double probability; /* "probability": max_p; default 0.02 (the paper's 1/50) */
	double wq;          /* "wq": EWMA weight; 0 = from "burst", else 0.002 (the paper) */
	uint32_t burst;     /* "burst": packets the average lets through (tc-red); 0 = none */
	uint32_t avpkt;     /* "avpkt": bytes of an average packet (idle time, burst); 1000 */
	bool gentle;        /* "gentle": drop probability rises to 1 at 2·max; default true */
	bool harddrop;      /* "harddrop": above max, drop even ECN-capable packets */
	bool adaptive;      /* "adaptive": adapt max_p (Floyd, Gummadi & Shenker 2001) */
	bool bytemode;      /* "bytemode": probability scaled by size / MTU (the paper) */
};

/* CoDel's two parameters (RFC 8289 §4.3, 4.4); FQ-CoDel uses them per flow. */
struct queue_codel_config {
	sim_time_t target;   /* "target": default 5 ms */
	sim_time_t interval; /* "interval": default 100 ms */
};

/* FQ-CoDel (RFC 8290), tc-fq_codel(8) names. */
struct queue_fq_codel_config {
	uint32_t flows;      /* "flows": hash buckets; default 1024 */
	uint32_t quantum;    /* "quantum": DRR bytes per round; 0 = the link's MTU */
	uint32_t drop_batch; /* "drop_batch": most packets dropped per overload; 64 */
};

/* PIE (RFC 8033), tc-pie(8) names; alpha and beta in the RFC's units (1/s). */
struct queue_pie_config {
	sim_time_t target;    /* "target": QDELAY_REF; default 15 ms */
	sim_time_t tupdate;   /* "tupdate": T_UPDATE; default 15 ms */
	sim_time_t max_burst; /* "max_burst": MAX_BURST; default 150 ms */
	double alpha, beta;   /* "alpha", "beta": default 0.125 and 1.25 */
	bool bytemode;        /* "bytemode": probability scaled by size / MTU */
};

/* A DCTCP-style step marker: CE when the queue holds more than k on arrival. */
struct queue_step_config {
	bool bytes; /* k in bytes (else packets) */
	uint64_t k; /* "k": default 20 packets */
};

struct queue_config {
	enum queue_type type; /* "type"; default droptail */
	uint32_t limit_packets; /* "packets": most packets waiting; 0 = no limit */
	uint64_t limit_bytes;   /* "bytes": most IP bytes waiting; 0 = no limit */
	bool ecn;               /* "ecn": mark ECN-capable packets instead of dropping
	                         * them (RED, CoDel, FQ-CoDel, PIE); step always marks */
	struct queue_red_config red;
	struct queue_codel_config codel; /* codel and fq_codel */
	struct queue_fq_codel_config fq;
	struct queue_pie_config pie;
	struct queue_step_config step;
	bool via_qdisc; /* drop-tail through the qdisc interface instead of the timeline
	                 * (tests compare the two; not a scenario key) */
};

/* Drop-tail with 100 packets (ns-3's DropTailQueue "100p"), every discipline's
 * parameters at their defaults. */
void queue_config_default(struct queue_config *cfg);

/* Switches to `type` with that discipline's default limit (tc's: codel 1000,
 * fq_codel 10240, pie 1000 packets; red, step and droptail 100) and ECN setting
 * (fq_codel on, others off); its other parameters are left as they are. */
void queue_config_set_type(struct queue_config *cfg, enum queue_type type);

/* NULL when valid, else a static message naming the parameter. */
const char *queue_config_check(const struct queue_config *cfg);

/* RED's averaging weight derived from `burst` as tc-red(8) does; 0 when burst is too
 * small for min. */
double queue_red_wq_from_burst(const struct queue_red_config *r);

/* "droptail", "red", "codel", "fq_codel", "pie", "step"; and back (-1: unknown). */
const char *queue_type_name(enum queue_type type);
int queue_type_parse(const char *name);

/* ---- the interface ---------------------------------------------------------------- */

/* Why a packet left without being sent, or was marked. */
enum qdisc_reason {
	QDISC_OVERLIMIT = 0, /* the packet or byte limit was reached (tail drop; FQ-CoDel's
	                      * drop from the fattest flow) */
	QDISC_AQM_DROP,      /* the discipline's control law dropped it */
	QDISC_AQM_MARK,      /* the discipline set CE instead of dropping */
};

/* What a watcher (the link's queue trace) is told, after the counters moved. */
enum qdisc_event {
	QDISC_EV_ENQUEUE,
	QDISC_EV_DROP, /* with the reason */
	QDISC_EV_MARK,
};

struct qdisc_stats {
	uint64_t enqueued;        /* packets accepted */
	uint64_t enqueued_bytes;  /* their bytes */
	uint64_t dequeued;        /* packets handed to the transmitter */
	uint64_t drops_overlimit; /* QDISC_OVERLIMIT */
	uint64_t drops_aqm;       /* QDISC_AQM_DROP */
	uint64_t marks;           /* QDISC_AQM_MARK */
};

struct qdisc;

struct qdisc_ops {
	enum queue_type type;
	const char *name;
	size_t size; /* required: bytes of the discipline's struct, which begins with a
	              * struct qdisc */
	/* Optional: sets up the discipline's state from q->cfg (zeroed before). */
	void (*init)(struct qdisc *q);
	/* Required: takes pkt at `now`; holds it (qdisc_fifo_push) or drops it
	 * (qdisc_drop); may mark it first (qdisc_mark) or drop others. */
	void (*enqueue)(struct qdisc *q, struct sim_packet *pkt, sim_time_t now);
	/* Required: the packet to transmit at `now`, or NULL when nothing is held;
	 * may drop or mark on the way. */
	struct sim_packet *(*dequeue)(struct qdisc *q, sim_time_t now);
	/* Required: frees every packet still held and the discipline's allocations. */
	void (*fini)(struct qdisc *q);
	/* Optional: the control state for the queue trace — the average queue (RED) and
	 * the current drop probability (RED's pb, PIE's drop_prob); NAN where none. */
	void (*probe)(const struct qdisc *q, double *avg, double *prob);
};

typedef void (*qdisc_watch_fn)(void *ctx, enum qdisc_event ev, enum qdisc_reason why,
                               sim_time_t now);

struct qdisc {
	const struct qdisc_ops *ops;
	struct queue_config cfg;
	uint32_t mtu;                      /* the link direction's */
	uint64_t bandwidth_bps;            /* the link direction's */
	const struct link_pkt_ops *pkt;    /* NULL: every packet Not-ECT, one flow */
	struct sim_rng rng;                /* "link:<name>:<direction>:qdisc" */
	uint32_t qlen;                     /* packets held */
	uint64_t backlog;                  /* their bytes */
	struct qdisc_stats stats;
	qdisc_watch_fn watch;              /* NULL when nobody watches */
	void *watch_ctx;
};

/* The registered disciplines, indexed by type (each checked for its required hooks
 * by qdisc_new()). */
const struct qdisc_ops *qdisc_ops_of(enum queue_type type);

/* Creates the discipline cfg->type (cfg must pass queue_config_check()) for a
 * direction of `mtu` bytes and `bandwidth_bps`, drawing from the stream `rng_name`;
 * `pkt` may be NULL. Free with qdisc_free(), which frees the packets still held. */
struct qdisc *qdisc_new(struct sim *sim, const struct queue_config *cfg, const char *rng_name,
                        uint32_t mtu, uint64_t bandwidth_bps, const struct link_pkt_ops *pkt);
void qdisc_free(struct qdisc *q);

static inline void qdisc_enqueue(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	q->ops->enqueue(q, pkt, now);
}

/* The next packet to send at `now` (its `stamp` is its enqueue time), or NULL. */
struct sim_packet *qdisc_dequeue(struct qdisc *q, sim_time_t now);

/* ---- helpers for the disciplines -------------------------------------------------- */

/* A FIFO of packets linked through `next`. */
struct qdisc_fifo {
	struct sim_packet *head, *tail;
	uint32_t n;
	uint64_t bytes;
};

/* True when holding one more packet of `bytes` would pass the packet or byte limit. */
static inline bool qdisc_over_limit(const struct qdisc *q, uint32_t bytes)
{
	if (q->cfg.limit_packets && q->qlen >= q->cfg.limit_packets)
		return true;
	return q->cfg.limit_bytes && q->backlog + bytes > q->cfg.limit_bytes;
}

/* Appends pkt to f, stamping it with `now`, and counts it as held (and enqueued). */
void qdisc_fifo_push(struct qdisc *q, struct qdisc_fifo *f, struct sim_packet *pkt,
                     sim_time_t now);

/* Removes f's head (NULL when empty) and counts it as no longer held. */
struct sim_packet *qdisc_fifo_pop(struct qdisc *q, struct qdisc_fifo *f);

/* Frees every packet of f (qdisc_free's cleanup). */
void qdisc_fifo_purge(struct qdisc *q, struct qdisc_fifo *f);

/* Drops a packet that is not held (never pushed, or popped): counts it under `why`,
 * tells the watcher and frees it. */
void qdisc_drop(struct qdisc *q, struct sim_packet *pkt, enum qdisc_reason why, sim_time_t now);

/* Marks pkt CE if it is ECN-capable (counted, watcher told) and returns true; false
 * for a Not-ECT packet (untouched). The caller has checked that marking applies. */
bool qdisc_mark(struct qdisc *q, struct sim_packet *pkt, sim_time_t now);

/* Whether pkt is ECN-capable (ECT(0), ECT(1) or CE). */
bool qdisc_ect(const struct qdisc *q, const struct sim_packet *pkt);

/* The registered instances (one file each). */
extern const struct qdisc_ops qdisc_droptail_ops;
extern const struct qdisc_ops qdisc_red_ops;
extern const struct qdisc_ops qdisc_codel_ops;
extern const struct qdisc_ops qdisc_fq_codel_ops;
extern const struct qdisc_ops qdisc_pie_ops;
extern const struct qdisc_ops qdisc_step_ops;

#endif
