/* models/tcp/cc_cubic.h — a read-only view of CUBIC's state (RFC 9438 §4.1.2), for
 * tests, traces and the validation plots (W_max and K mark the plateau of the
 * concave/convex curve). The algorithm itself is the ops table tcp_cc_cubic
 * declared in cc.h.
 */
#ifndef MODELS_TCP_CC_CUBIC_H
#define MODELS_TCP_CC_CUBIC_H

#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/cc.h"

struct tcp_cc_cubic_info {
	uint32_t w_max;      /* W_max, bytes; 0 before the first congestion event and
			      * after a timeout, until the next epoch starts (§4.8) */
	uint32_t cwnd_prior; /* cwnd_prior, bytes (§4.3, §4.6) */
	bool epoch_started;  /* a congestion-avoidance stage is running */
	uint32_t cwnd_epoch; /* cwnd_epoch, bytes (valid when epoch_started) */
	sim_time_t t_epoch;  /* t_epoch, simulated ns (valid when epoch_started),
			      * shifted forward by application-limited periods */
	sim_time_t k;        /* K, ns, rounded to the nearest (valid when epoch_started) */
	double w_est;        /* W_est, bytes (§4.3; valid when epoch_started) */
	bool in_recovery;    /* between on_loss and on_recovery_exit/on_rto */
};

/* Fills *info from cc, which must run tcp_cc_cubic. */
void tcp_cc_cubic_get_info(const struct tcp_cc *cc, struct tcp_cc_cubic_info *info);

#endif
