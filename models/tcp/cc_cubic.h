/* models/tcp/cc_cubic.h — CUBIC's parameters, and a read-only view of its state
 * (RFC 9438 §4.1.2; Linux tcp_cubic.c's struct bictcp) for tests, traces and the
 * validation plots (W_max and K mark the plateau of the concave/convex curve). The
 * algorithm itself is the ops table tcp_cc_cubic declared in cc.h: RFC 9438 in bytes
 * under the RFC recoveries, Linux's tcp_cubic.c (with HyStart) in packets under
 * `recovery: linux`.
 */
#ifndef MODELS_TCP_CC_CUBIC_H
#define MODELS_TCP_CC_CUBIC_H

#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/cc.h"

/* CUBIC's own parameters, handed to tcp_cc_init() as `params` (TCP keeps one in its
 * configuration: tcp.h's struct tcp_config.cubic, the cubic_* knobs). */
struct tcp_cc_cubic_params {
	uint32_t beta_permille;  /* β_cubic (RFC 9438 §4.6), in (0, 1000) */
	uint32_t c_permille;     /* C (RFC 9438 §5), segments/s³ · 1000, > 0 */
	bool fast_convergence;   /* RFC 9438 §4.7 */
	bool reno_friendly;      /* the Reno-friendly region, RFC 9438 §4.3 (Linux
				  * tcp_friendliness) */
	/* HyStart, packets only (Linux tcp_cubic.c module parameters). */
	bool hystart;                /* hybrid slow start on */
	uint32_t hystart_detect;     /* TCP_CC_HYSTART_ACK_TRAIN | TCP_CC_HYSTART_DELAY */
	uint32_t hystart_low_window; /* no exit below this cwnd, packets */
	sim_time_t hystart_ack_delta; /* ACKs closer than this form a train */
};

#define TCP_CC_HYSTART_ACK_TRAIN 1u
#define TCP_CC_HYSTART_DELAY 2u

/* β = 0.7, C = 0.4, fast convergence and the Reno-friendly region on (RFC 9438's
 * values; Linux's tcp_cubic module: beta = 717/1024, bic_scale 41 ≈ 0.4); HyStart
 * on, both detections, from 16 packets, 2 ms trains (Linux's defaults). */
extern const struct tcp_cc_cubic_params tcp_cc_cubic_defaults;

struct tcp_cc_cubic_info {
	uint32_t w_max;      /* W_max (Linux last_max_cwnd), bytes or packets; 0 before
			      * the first congestion event and after a timeout, until
			      * the next epoch starts (§4.8) */
	uint32_t cwnd_prior; /* cwnd_prior, bytes (§4.3, §4.6) */
	bool epoch_started;  /* a congestion-avoidance stage is running */
	uint32_t cwnd_epoch; /* cwnd_epoch, bytes (valid when epoch_started) */
	sim_time_t t_epoch;  /* t_epoch, simulated ns (valid when epoch_started),
			      * shifted forward by application-limited periods */
	sim_time_t k;        /* K, ns, rounded to the nearest (valid when epoch_started) */
	double w_est;        /* W_est, bytes (§4.3; valid when epoch_started) */
	bool in_recovery;    /* in the Recovery ca_state */
	/* Packets (Linux) only. */
	uint32_t cnt;        /* cwnd grows by one per cnt packets acknowledged */
	uint32_t tcp_cwnd;   /* the Reno-friendly estimate, packets */
	sim_time_t delay_min; /* smallest RTT sample (Linux delay_min), 0 = none */
	bool hystart_found;  /* HyStart ended slow start */
};

/* Fills *info from cc, which must run tcp_cc_cubic. */
void tcp_cc_cubic_get_info(const struct tcp_cc *cc, struct tcp_cc_cubic_info *info);

#endif
