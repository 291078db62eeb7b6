/* models/tcp/cc.h — pluggable congestion control.
 *
 * Division of labour (as in Linux, where tcp_input.c detects loss and runs recovery
 * while tcp_cong.c modules only do window arithmetic):
 *   - The TCP sender detects events: new data acknowledged, the third duplicate ACK
 *     (loss), further duplicate ACKs and partial ACKs during fast recovery, the end
 *     of recovery, a retransmission timeout. It counts duplicate ACKs, sends the
 *     fast retransmit, does limited transmit (RFC 3042), keeps the recovery point
 *     ("recover", RFC 6582) and resets the retransmission timer.
 *   - The algorithm decides cwnd and ssthresh at each event, through the hooks
 *     below, seeing only the narrow view in struct tcp_cc (FreeBSD's cc_var, ns-3's
 *     TcpSocketState): it never sees the connection.
 *
 * A new algorithm is one file exporting one `const struct tcp_cc_ops` built with
 * designated initialisers, plus one line in the registry (cc.c). Registration
 * rejects an ops table missing a required hook; optional hooks are NULL-checked in
 * the tcp_cc_*() wrappers, which are the only way TCP calls an algorithm.
 *
 * Units: bytes for windows, nanoseconds for times. ssthresh TCP_CC_INFINITE means
 * "unlimited" (initial value, RFC 5681 §3.1 "arbitrarily high").
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

/* How window growth counts acknowledgements. */
enum tcp_cc_growth {
	/* RFC 3465 Appropriate Byte Counting with L = 2·SMSS, as Linux does: slow start
	 * grows by min(bytes acked, L) per ACK; congestion avoidance by one SMSS per
	 * cwnd of bytes acknowledged. The default. */
	TCP_CC_GROWTH_BYTES,
	/* The classic per-ACK rule many papers and ns-3 use: +SMSS per ACK in slow
	 * start, +SMSS·SMSS/cwnd per ACK in congestion avoidance. */
	TCP_CC_GROWTH_PER_ACK,
};

/* Recovery behaviour on partial ACKs, chosen by the algorithm. */
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
 * this one. */
struct tcp_cc_config {
	enum tcp_cc_growth growth;
	enum tcp_cc_recovery_exit recovery_exit;
	uint32_t abc_l_segments; /* RFC 3465 L in segments; 2 by default */
	/* A retransmission timeout during fast recovery keeps ssthresh, as Linux's
	 * tcp_enter_loss does (the loss that started the recovery already reduced it,
	 * and FlightSize is swollen by what the inflated window sent). false follows
	 * RFC 5681 §3.1 to the letter: the timed-out segment has not yet been resent by
	 * the timer, so ssthresh = max(FlightSize/2, 2·SMSS) again. The linux profile
	 * keeps, the rfc profile recomputes; the default here is true. */
	bool rto_keeps_recovery_ssthresh;
};

/* The defaults above. */
void tcp_cc_config_default(struct tcp_cc_config *cfg);

struct tcp_cc_ops;

/* What an algorithm sees and changes. TCP fills the inputs before each hook; the
 * algorithm updates cwnd and ssthresh. */
struct tcp_cc {
	/* Algorithm outputs (read by TCP after every hook). */
	uint32_t cwnd;      /* congestion window, bytes */
	uint32_t ssthresh;  /* slow-start threshold, bytes; TCP_CC_INFINITE = unlimited */

	/* Inputs, kept current by TCP. */
	uint32_t mss;       /* SMSS, bytes */
	uint32_t flight;    /* FlightSize: bytes sent and not yet acknowledged, at the
			     * moment of the event: before the ACK is applied for a loss
			     * event (RFC 5681 §3.2 step 2, eqn. (4)) and for an RTO; after the
			     * full ACK is applied for on_recovery_exit ("the amount of
			     * data presently outstanding", RFC 6582 §3.2 step 3) */
	sim_time_t now;
	sim_time_t srtt;    /* 0 until the first RTT sample */
	sim_time_t min_rtt; /* smallest RTT sample seen; 0 until the first */

	const struct tcp_cc_config *cfg;
	const void *params;   /* the algorithm's own parameters (the struct its header
			       * defines, e.g. cc_cubic.h's tcp_cc_cubic_params); NULL
			       * for its defaults */
	const struct tcp_cc_ops *ops;

	/* Shared state used by the common helpers below. */
	uint32_t bytes_acked; /* RFC 3465 counter for congestion avoidance; the
			       * wrappers clear it on loss and RTO */
	uint32_t rto_streak;  /* RTOs since new data was last acknowledged, kept by
			       * the wrappers (TCP does not touch it): 0 inside
			       * on_rto means a first timeout, more means the same
			       * segment timed out again and ssthresh is held
			       * (RFC 5681 §3.1, note after eqn. 4) */
	bool in_recovery;     /* in fast recovery: set by tcp_cc_on_loss, cleared by
			       * tcp_cc_on_recovery_exit and (after the hook)
			       * tcp_cc_on_rto; kept by the wrappers */

	/* Algorithm-private state (CUBIC's W_max, epoch, K, …), zeroed at init. */
	uint64_t priv[16];
};

/* One ACK that acknowledged new data. */
struct tcp_cc_ack {
	uint32_t acked;        /* bytes newly acknowledged (snd.una advance) */
	sim_time_t rtt;        /* RTT sample this ACK produced, 0 if none (Karn) */
	bool cwnd_limited;     /* the sender was limited by cwnd, not by the application
				* or the receive window (growth only when limited,
				* RFC 7661 §4.2 / Linux tcp_is_cwnd_limited) */
};

struct tcp_cc_ops {
	/* required: lower-case name, as in scenarios and summaries ("reno"). */
	const char *name;
	/* required: how fast recovery treats partial ACKs. */
	enum tcp_cc_recovery recovery;
	/* optional: set up private state; cwnd/ssthresh already hold the initial window
	 * and TCP_CC_INFINITE. */
	void (*init)(struct tcp_cc *cc);
	/* required: new data acknowledged outside fast recovery (slow start or
	 * congestion avoidance growth). TCP calls it for every such ACK, also when
	 * not cwnd-limited (ack->cwnd_limited false: no growth, but CUBIC excludes
	 * that time from its epoch). The ACK that ends fast recovery goes to
	 * on_recovery_exit, not here. */
	void (*on_ack)(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
	/* required: loss detected by the third duplicate ACK, entering fast recovery.
	 * Sets ssthresh and the recovery cwnd (Reno: ssthresh = max(FlightSize/2,
	 * 2·SMSS), cwnd = ssthresh + 3·SMSS, RFC 5681 §3.2 steps 2–3). */
	void (*on_loss)(struct tcp_cc *cc);
	/* optional: a further duplicate ACK during fast recovery (Reno/NewReno: window
	 * inflation, cwnd += SMSS, RFC 5681 §3.2 step 4). */
	void (*on_dupack)(struct tcp_cc *cc);
	/* optional: a partial ACK during NewReno recovery acknowledging `acked` bytes
	 * (deflate by acked, add back SMSS if acked >= SMSS, RFC 6582 §3.2 step 3). */
	void (*on_partial_ack)(struct tcp_cc *cc, uint32_t acked);
	/* required: fast recovery ended (RFC 6582 §3.2 step 3 full ACK / RFC 5681 step 6:
	 * deflate the window). */
	void (*on_recovery_exit)(struct tcp_cc *cc);
	/* required: retransmission timeout (RFC 5681 §3.1 eqn. 4: ssthresh =
	 * max(FlightSize/2, 2·SMSS); cwnd = loss window = 1 SMSS). */
	void (*on_rto)(struct tcp_cc *cc);
};

/* The registry: looks an algorithm up by name ("reno", "newreno", "cubic"); NULL if
 * unknown. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);

/* Names of all registered algorithms, NULL-terminated, in registry order (the `cc`
 * knob's values, error messages). */
const char *const *tcp_cc_names(void);

/* Checks that an ops table has every required hook. Returns 0 or -EINVAL. */
int tcp_cc_validate(const struct tcp_cc_ops *ops);

/* Initialises cc for `ops`: cwnd = initial_window, ssthresh = TCP_CC_INFINITE,
 * private state zeroed, then ops->init. Requires mss > 0 and initial_window >= mss;
 * cfg NULL means the defaults; params is the algorithm's own parameter struct (NULL:
 * its defaults), read, like cfg, for as long as cc runs. The inputs (flight, now,
 * srtt, min_rtt) start at 0. */
void tcp_cc_init(struct tcp_cc *cc, const struct tcp_cc_ops *ops, const struct tcp_cc_config *cfg,
		 const void *params, uint32_t mss, uint32_t initial_window);

/* The wrappers TCP calls (NULL-checking the optional hooks). */
void tcp_cc_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack);
void tcp_cc_on_loss(struct tcp_cc *cc);
void tcp_cc_on_dupack(struct tcp_cc *cc);
void tcp_cc_on_partial_ack(struct tcp_cc *cc, uint32_t acked);
void tcp_cc_on_recovery_exit(struct tcp_cc *cc);
void tcp_cc_on_rto(struct tcp_cc *cc);

static inline bool tcp_cc_in_slow_start(const struct tcp_cc *cc)
{
	return cc->cwnd < cc->ssthresh;
}

/* Shared pieces every algorithm reuses (Linux tcp_slow_start / tcp_cong_avoid_ai). */

/* Slow-start growth for one ACK per cfg->growth, never beyond ssthresh. Returns the
 * acknowledged bytes left over for congestion avoidance (when cwnd reached ssthresh
 * during this ACK), 0 otherwise. */
uint32_t tcp_cc_slow_start(struct tcp_cc *cc, uint32_t acked);

/* Additive increase: one SMSS per `w` bytes of window acknowledged (w = cwnd for
 * Reno), by byte counting or per ACK according to cfg->growth. */
void tcp_cc_cong_avoid_ai(struct tcp_cc *cc, uint32_t w, uint32_t acked);

/* Inside on_rto: whether this timeout sets a new ssthresh. Not for a repeated
 * timeout of the same segment (rto_streak > 0, RFC 5681 §3.1), nor for one during
 * fast recovery when cfg->rto_keeps_recovery_ssthresh (Linux tcp_enter_loss). */
bool tcp_cc_rto_sets_ssthresh(const struct tcp_cc *cc);

/* on_rto for Reno and NewReno: ssthresh per RFC 5681 §3.1 eqn. 4 when
 * tcp_cc_rto_sets_ssthresh(), cwnd = 1 SMSS (the loss window). */
void tcp_cc_reno_timeout(struct tcp_cc *cc);

/* ssthresh after loss per RFC 5681 eqn. 4: max(FlightSize / 2, 2·SMSS). */
uint32_t tcp_cc_reno_ssthresh(const struct tcp_cc *cc);

/* Reno's window growth for one ACK (Linux tcp_reno_cong_avoid): nothing unless
 * cwnd-limited, slow start below ssthresh, the rest of the ACK as additive increase
 * of one SMSS per cwnd (RFC 5681 §3.1). Usable as an on_ack hook. */
void tcp_cc_reno_cong_avoid(struct tcp_cc *cc, const struct tcp_cc_ack *ack);

/* Fast-recovery window arithmetic shared by the loss-based algorithms, each usable
 * as the hook of the same shape:
 *   tcp_cc_reno_inflate     on_dupack: cwnd += SMSS (RFC 5681 §3.2 step 4).
 *   tcp_cc_newreno_deflate  on_partial_ack: cwnd -= acked, + SMSS if acked >= SMSS
 *                           (RFC 6582 §3.2 step 3), never below 1 SMSS.
 *   tcp_cc_newreno_exit     on_recovery_exit: cwnd = min(ssthresh,
 *                           max(FlightSize, SMSS) + SMSS) (RFC 6582 §3.2 step 3,
 *                           full ACK, option 1; flight is read after the ACK). */
void tcp_cc_reno_inflate(struct tcp_cc *cc);
void tcp_cc_newreno_deflate(struct tcp_cc *cc, uint32_t acked);
void tcp_cc_newreno_exit(struct tcp_cc *cc);

/* The built-in algorithms (one file each, listed in the registry in cc.c). */
extern const struct tcp_cc_ops tcp_cc_reno;    /* cc_reno.c, RFC 5681 */
extern const struct tcp_cc_ops tcp_cc_newreno; /* cc_newreno.c, RFC 6582 */
extern const struct tcp_cc_ops tcp_cc_cubic;   /* cc_cubic.c, RFC 9438 */

#endif
