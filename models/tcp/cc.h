/* models/tcp/cc.h — pluggable congestion control: window arithmetic only.
 *
 * Division of labour, as Linux splits tcp_input.c (loss detection and recovery, the
 * ca_state machine Open / Disorder / CWR / Recovery / Loss) from the tcp_cong.c
 * modules that only compute windows:
 *   - TCP detects loss and runs recovery (recovery.c for the RFC recoveries,
 *     recovery_linux.c and rack.c for `recovery: linux`); it moves the connection
 *     between the ca_states and tells the algorithm (set_state), counts what was
 *     delivered and when the window may grow.
 *   - The algorithm answers with numbers, through Linux's hooks (struct
 *     tcp_congestion_ops): the slow-start threshold after a congestion event
 *     (ssthresh), growth for an ACK (cong_avoid), the window to restore when a
 *     reduction proves spurious (undo_cwnd), and it may watch RTT samples
 *     (pkts_acked) and events (cwnd_event). It sees only the narrow view in struct
 *     tcp_cc (FreeBSD's cc_var, ns-3's TcpSocketState), never the connection, and
 *     never how loss was detected.
 *
 * A new algorithm is one file exporting one `const struct tcp_cc_ops` built with
 * designated initialisers, plus one line in the registry (cc.c). Registration
 * rejects an ops table missing a required hook; optional hooks are NULL-checked in
 * the tcp_cc_*() wrappers, which are the only way TCP calls an algorithm.
 *
 * Units. Under the RFC recoveries (reno, newreno, rfc6675) windows are bytes, as
 * RFC 5681 counts them; under `recovery: linux` they are packets, as Linux's
 * snd_cwnd (cc.packets true; the traces show cwnd_bytes = packets × SMSS). Times are
 * nanoseconds. ssthresh TCP_CC_INFINITE means "unlimited" (RFC 5681 §3.1
 * "arbitrarily high"; Linux TCP_INFINITE_SSTHRESH).
 *
 * The RFC recoveries' own window rules (RFC 5681 §3.2's inflation and deflation, RFC
 * 6582's partial ACKs and exit, the loss window after a timeout) are TCP-wide, not
 * the algorithm's: they are the tcp_cc_on_*() functions below, which use the
 * algorithm's ssthresh() and set_state() where the RFC lets the algorithm choose.
 */
#ifndef MODELS_TCP_CC_H
#define MODELS_TCP_CC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/time.h"

#define TCP_CC_INFINITE UINT32_MAX
/* The largest cwnd any algorithm sets (growth saturates here instead of wrapping);
 * far above the largest window TCP can advertise (2^30, RFC 7323 §2.3). */
#define TCP_CC_CWND_MAX ((uint32_t)INT32_MAX)

/* Linux's icsk_ca_state (include/net/tcp.h enum tcp_ca_state), with its numbers
 * (tcp_info's tcpi_ca_state). */
enum tcp_ca_state {
	TCP_CA_OPEN = 0,     /* nothing wrong */
	TCP_CA_DISORDER = 1, /* duplicate ACKs or SACKs seen, no loss decided yet */
	TCP_CA_CWR = 2,      /* the window is being reduced without a loss (a tail
			      * loss probe that repaired a loss) */
	TCP_CA_RECOVERY = 3, /* fast recovery */
	TCP_CA_LOSS = 4,     /* after a retransmission timeout */
};

/* Linux's enum tcp_ca_event: what cwnd_event() is told. */
enum tcp_ca_event {
	TCP_CA_EVENT_TX_START,     /* data sent with nothing in flight (after idle) */
	TCP_CA_EVENT_CWND_RESTART, /* cwnd restarted after idle (slow start after idle) */
	TCP_CA_EVENT_COMPLETE_CWR, /* a window reduction ended */
	TCP_CA_EVENT_LOSS,         /* a retransmission timeout */
};

/* How window growth counts acknowledgements (bytes only; Linux counts packets). */
enum tcp_cc_growth {
	/* RFC 3465 Appropriate Byte Counting with L = 2·SMSS: slow start grows by
	 * min(bytes acked, L) per ACK; congestion avoidance by one SMSS per cwnd of
	 * bytes acknowledged. The default. */
	TCP_CC_GROWTH_BYTES,
	/* The classic per-ACK rule many papers and ns-3 use: +SMSS per ACK in slow
	 * start, +SMSS·SMSS/cwnd per ACK in congestion avoidance. */
	TCP_CC_GROWTH_PER_ACK,
};

/* The RFC recovery an algorithm was published with: what `recovery: auto` picks
 * without SACK, and the window rules of RFC fast recovery (partial ACKs, exit). */
enum tcp_cc_recovery {
	TCP_CC_RECOVERY_RENO,    /* any ACK of new data ends fast recovery (RFC 5681) */
	TCP_CC_RECOVERY_NEWRENO, /* only an ACK covering "recover" does (RFC 6582) */
};

/* cwnd when NewReno's fast recovery ends on a full ACK (RFC 6582 §3.2 step 3). */
enum tcp_cc_recovery_exit {
	/* Option (1): min(ssthresh, max(FlightSize, SMSS) + SMSS); no burst when little
	 * is outstanding. The default. */
	TCP_CC_EXIT_FLIGHT,
	/* Option (2): ssthresh, as ns-3's TcpSocketBase (its TcpClassicRecovery's cWnd is
	 * ssthresh throughout recovery and after). */
	TCP_CC_EXIT_SSTHRESH,
};

/* What every algorithm may read. An algorithm's own parameters (CUBIC's β and C)
 * are its own struct, defined in its header and passed to tcp_cc_init() beside
 * this one. growth, abc_l_segments and recovery_exit apply to byte windows only. */
struct tcp_cc_config {
	enum tcp_cc_growth growth;
	enum tcp_cc_recovery_exit recovery_exit;
	uint32_t abc_l_segments; /* RFC 3465 L in segments; 2 by default */
	/* A retransmission timeout during RFC fast recovery keeps ssthresh, as Linux's
	 * tcp_enter_loss does (the loss that started the recovery already reduced it,
	 * and FlightSize is swollen by what the inflated window sent). false follows
	 * RFC 5681 §3.1 to the letter: ssthresh = max(FlightSize/2, 2·SMSS) again. */
	bool rto_keeps_recovery_ssthresh;
	/* Jiffies per second (Linux CONFIG_HZ) for arithmetic that runs on Linux's
	 * jiffies clock (CUBIC's epoch under `recovery: linux`); 0 = 250. */
	uint32_t hz;
};

/* The defaults above. */
void tcp_cc_config_default(struct tcp_cc_config *cfg);

struct tcp_cc_ops;

/* What an algorithm sees and changes. TCP fills the inputs before each hook; the
 * algorithm updates cwnd (and, in its ssthresh hook, only its own state: TCP stores
 * the value returned). */
struct tcp_cc {
	uint32_t cwnd;      /* congestion window: bytes, or packets (Linux snd_cwnd) */
	uint32_t ssthresh;  /* slow-start threshold, same unit; TCP_CC_INFINITE = none */

	/* Inputs, kept current by TCP. */
	bool packets;       /* windows in packets (recovery linux), else bytes */
	uint32_t mss;       /* SMSS, bytes */
	uint32_t flight;    /* bytes: FlightSize (RFC 5681 §2) at the event — before the
			     * ACK is applied for a loss and an RTO, after the full ACK
			     * for the end of recovery (RFC 6582 §3.2 step 3); packets:
			     * Linux's tcp_packets_in_flight() */
	uint32_t prior_cwnd; /* cwnd before the current reduction (Linux prior_cwnd;
			      * undo_cwnd restores towards it) */
	uint32_t snd_una, snd_nxt; /* sequence numbers now (HyStart counts rounds) */
	sim_time_t now;
	sim_time_t srtt;    /* 0 until the first RTT sample */
	sim_time_t min_rtt; /* smallest RTT sample seen; 0 until the first */
	sim_time_t lsndtime; /* when data was last sent (Linux lsndtime), for
			      * TCP_CA_EVENT_TX_START: the idle time is now − lsndtime */
	enum tcp_ca_state ca_state; /* changed only by tcp_cc_set_state() */
	/* ECN (ecn.c): whether the connection negotiated it, and what was delivered
	 * since it began (packets, or bytes) in all and by ACKs that echoed congestion
	 * (Linux tp->delivered, tp->delivered_ce), for in_ack_event. */
	bool ecn_ok;
	uint32_t delivered, delivered_ce;

	const struct tcp_cc_config *cfg;
	const void *params;   /* the algorithm's own parameters (the struct its header
			       * defines, e.g. cc_cubic.h's tcp_cc_cubic_params); NULL
			       * for its defaults */
	const struct tcp_cc_ops *ops;

	/* Shared state used by the common helpers below. */
	uint32_t cwnd_cnt;    /* bytes: the RFC 3465 counter of congestion avoidance;
			       * packets: Linux's snd_cwnd_cnt. Cleared by TCP on a
			       * reduction and a timeout */
	uint32_t rto_streak;  /* RFC recoveries: RTOs since new data was last
			       * acknowledged, kept by the tcp_cc_on_*() functions: 0
			       * inside a first timeout, more means the same segment
			       * timed out again and ssthresh is held (RFC 5681 §3.1) */

	/* Algorithm-private state (CUBIC's W_max, epoch, K, …), zeroed at init. */
	uint64_t priv[16];
};

/* One ACK that may grow the window. */
struct tcp_cc_ack {
	uint32_t acked;        /* newly delivered: bytes (snd.una advance), or packets
				* (Linux's acked_sacked: cumulatively or selectively
				* acknowledged) */
	sim_time_t rtt;        /* RTT sample this ACK produced, 0 if none */
	bool cwnd_limited;     /* the sender was limited by cwnd, not by the application
				* or the receive window (growth only when limited,
				* RFC 7661 §4.2 / Linux tcp_is_cwnd_limited) */
};

/* Linux's struct ack_sample, for pkts_acked(). */
struct tcp_cc_sample {
	uint32_t pkts_acked;   /* packets cumulatively acknowledged by this ACK */
	sim_time_t rtt;        /* the RTT of the newest packet it (S)ACKed, < 0 if none */
	uint32_t in_flight;    /* packets in flight before the ACK */
};

struct tcp_cc_ops {
	/* required: lower-case name, as in scenarios and summaries ("reno"). */
	const char *name;
	/* required: the RFC recovery the algorithm was published with (cc.h). */
	enum tcp_cc_recovery recovery;
	/* optional: set up private state; cwnd/ssthresh already hold the initial window
	 * and TCP_CC_INFINITE (Linux init). */
	void (*init)(struct tcp_cc *cc);
	/* required: the slow-start threshold after a congestion event, from the state
	 * before it (Linux ssthresh: Reno cwnd/2 in packets, RFC 5681 eqn. 4's
	 * max(FlightSize/2, 2·SMSS) in bytes; CUBIC β·cwnd). The algorithm may note the
	 * event in its own state (CUBIC's W_max); TCP sets ssthresh and the window. */
	uint32_t (*ssthresh)(struct tcp_cc *cc);
	/* required: new data delivered while the window may grow (Linux cong_avoid):
	 * slow start or congestion avoidance. Called for every such ACK, also when not
	 * cwnd-limited (ack->cwnd_limited false: no growth, but CUBIC keeps its clock). */
	void (*cong_avoid)(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
	/* required: the window to go back to when a reduction proves spurious (Linux
	 * undo_cwnd; Reno: max(cwnd, prior_cwnd)). */
	uint32_t (*undo_cwnd)(struct tcp_cc *cc);
	/* optional: the ca_state is about to change to new_state (Linux set_state;
	 * cc->ca_state still holds the old one). It may set ssthresh, as Linux's
	 * dctcp_state does on entering Recovery (DCTCP halves on a loss). */
	void (*set_state)(struct tcp_cc *cc, enum tcp_ca_state new_state);
	/* optional: an event (Linux cwnd_event). It may set ssthresh (DCTCP on
	 * TCP_CA_EVENT_LOSS, after TCP stored ssthresh()'s answer, as Linux). */
	void (*cwnd_event)(struct tcp_cc *cc, enum tcp_ca_event ev);
	/* optional: packets were acknowledged, with the ACK's RTT sample (Linux
	 * pkts_acked; CUBIC's HyStart and delay_min). HyStart may end slow start here
	 * by setting ssthresh = cwnd, as Linux's hystart_update writes snd_ssthresh. */
	void (*pkts_acked)(struct tcp_cc *cc, const struct tcp_cc_sample *s);
	/* optional: an ACK was processed, `ece` when it echoed congestion (Linux
	 * in_ack_event, called after the cumulative ACK and the SACK blocks are counted
	 * into delivered and delivered_ce; DCTCP's α). */
	void (*in_ack_event)(struct tcp_cc *cc, bool ece);
	/* The algorithm needs ECN (Linux TCP_CONG_NEEDS_ECN): it requests ECN whatever
	 * the `ecn` knob says and sends ECT on every packet (ecn.c). */
	bool needs_ecn;
};

/* The registry: looks an algorithm up by name ("reno", "newreno", "cubic"); NULL if
 * unknown. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);

/* Names of all registered algorithms, NULL-terminated, in registry order (the `cc`
 * knob's values, error messages). */
const char *const *tcp_cc_names(void);

/* Checks that an ops table has every required hook. Returns 0 or -EINVAL. */
int tcp_cc_validate(const struct tcp_cc_ops *ops);

/* Initialises cc for `ops`: cwnd = initial_window (bytes, or packets with
 * `packets`), ssthresh = TCP_CC_INFINITE, ca_state Open, private state zeroed, then
 * ops->init. Requires mss > 0 and initial_window >= one SMSS (one packet); cfg NULL
 * means the defaults; params is the algorithm's own parameter struct (NULL: its
 * defaults), read, like cfg, for as long as cc runs. The other inputs start at 0. */
void tcp_cc_init(struct tcp_cc *cc, const struct tcp_cc_ops *ops, const struct tcp_cc_config *cfg,
		 const void *params, uint32_t mss, uint32_t initial_window, bool packets);

/* ---- the hooks, as TCP calls them (NULL-checking the optional ones) ---- */

uint32_t tcp_cc_ssthresh(struct tcp_cc *cc);
void tcp_cc_cong_avoid(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
uint32_t tcp_cc_undo_cwnd(struct tcp_cc *cc);
/* Tells the algorithm, then records the new state in cc->ca_state (Linux
 * tcp_set_ca_state). */
void tcp_cc_set_state(struct tcp_cc *cc, enum tcp_ca_state s);
void tcp_cc_cwnd_event(struct tcp_cc *cc, enum tcp_ca_event ev);
void tcp_cc_pkts_acked(struct tcp_cc *cc, const struct tcp_cc_sample *s);
void tcp_cc_in_ack_event(struct tcp_cc *cc, bool ece);

/* The window the algorithm may not leave: at least one SMSS (one packet), at most
 * TCP_CC_CWND_MAX. Aborts with a message naming `what` otherwise. */
void tcp_cc_check(const struct tcp_cc *cc, const char *what);

/* ---- the RFC recoveries' window rules (bytes), TCP-wide ---- */

/* New data acknowledged outside fast recovery: growth by cong_avoid. */
void tcp_cc_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
/* The third duplicate ACK: ssthresh from the algorithm, cwnd = ssthresh + 3·SMSS
 * (RFC 5681 §3.2 steps 2–3), ca_state Recovery. */
void tcp_cc_on_loss(struct tcp_cc *cc);
/* A further duplicate ACK in recovery: cwnd += SMSS (RFC 5681 §3.2 step 4). */
void tcp_cc_on_dupack(struct tcp_cc *cc);
/* A partial ACK of `acked` bytes: for NewReno algorithms, deflate (RFC 6582 §3.2
 * step 3). */
void tcp_cc_on_partial_ack(struct tcp_cc *cc, uint32_t acked);
/* Fast recovery ended: deflate (RFC 5681 §3.2 step 6: cwnd = ssthresh; RFC 6582
 * §3.2 step 3 for NewReno algorithms), ca_state Open. */
void tcp_cc_on_recovery_exit(struct tcp_cc *cc);
/* A retransmission timeout: ssthresh from the algorithm unless held, cwnd = the loss
 * window, 1 SMSS (RFC 5681 §3.1), ca_state Loss. */
void tcp_cc_on_rto(struct tcp_cc *cc);
/* An echoed congestion mark (RFC 3168 §6.1.2): ssthresh from the algorithm (Reno:
 * half the flight, DCTCP: cwnd·(1 − α/2)), cwnd = ssthresh, ca_state CWR. TCP calls
 * it at most once per window of data. */
void tcp_cc_on_ece(struct tcp_cc *cc);

static inline bool tcp_cc_in_slow_start(const struct tcp_cc *cc)
{
	return cc->cwnd < cc->ssthresh;
}

/* ---- shared pieces every algorithm reuses (Linux tcp_cong.c) ---- */

/* Slow-start growth for one ACK, never beyond ssthresh (Linux tcp_slow_start;
 * bytes: per cfg->growth, RFC 3465's L). Returns what the ACK delivered beyond the
 * growth that reached ssthresh, for congestion avoidance; 0 otherwise. */
uint32_t tcp_cc_slow_start(struct tcp_cc *cc, uint32_t acked);

/* Additive increase: one unit (SMSS or packet) per `w` units acknowledged (w = cwnd
 * for Reno; Linux tcp_cong_avoid_ai). */
void tcp_cc_cong_avoid_ai(struct tcp_cc *cc, uint32_t w, uint32_t acked);

/* Inside a timeout: whether it sets a new ssthresh. Not for a repeated timeout of the
 * same segment (rto_streak > 0, RFC 5681 §3.1), nor for one during fast recovery
 * when cfg->rto_keeps_recovery_ssthresh (Linux tcp_enter_loss). */
bool tcp_cc_rto_sets_ssthresh(const struct tcp_cc *cc);

/* Reno's ssthresh: packets max(cwnd/2, 2) (Linux tcp_reno_ssthresh); bytes
 * max(FlightSize / 2, 2·SMSS) (RFC 5681 eqn. 4). */
uint32_t tcp_cc_reno_ssthresh(struct tcp_cc *cc);

/* Reno's window growth for one ACK (Linux tcp_reno_cong_avoid): nothing unless
 * cwnd-limited, slow start below ssthresh, the rest of the ACK as additive increase
 * of one unit per cwnd (RFC 5681 §3.1). Usable as a cong_avoid hook. */
void tcp_cc_reno_cong_avoid(struct tcp_cc *cc, const struct tcp_cc_ack *ack);

/* Reno's undo: max(cwnd, prior_cwnd) (Linux tcp_reno_undo_cwnd). */
uint32_t tcp_cc_reno_undo_cwnd(struct tcp_cc *cc);

/* The built-in algorithms (one file each, listed in the registry in cc.c). */
extern const struct tcp_cc_ops tcp_cc_reno;    /* cc_reno.c, RFC 5681, Linux tcp_cong.c */
extern const struct tcp_cc_ops tcp_cc_newreno; /* cc_newreno.c, RFC 6582 */
extern const struct tcp_cc_ops tcp_cc_cubic;   /* cc_cubic.c, RFC 9438, Linux tcp_cubic.c */
extern const struct tcp_cc_ops tcp_cc_dctcp;   /* cc_dctcp.c, RFC 8257, Linux tcp_dctcp.c */

#endif
