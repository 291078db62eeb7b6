/* models/tcp/rtt.h — the retransmission-timeout estimator (RFC 6298).
 *
 * A small object apart from the connection: it takes RTT samples (already filtered by
 * Karn's algorithm in the caller, RFC 6298 §3) and yields the RTO under the profile's
 * formula, with exponential backoff (RFC 6298 (5.5)) capped at rto_max.
 *
 * Integer nanoseconds throughout: SRTT and RTTVAR are updated with α = 1/8, β = 1/4
 * (RFC 6298 (2.3)) by truncating division, so every machine computes the same values.
 */
#ifndef MODELS_TCP_RTT_H
#define MODELS_TCP_RTT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/time.h"

struct tcp_config;

struct tcp_rtt {
	sim_time_t srtt;      /* 0 until the first sample */
	sim_time_t rttvar;
	sim_time_t last;      /* latest sample */
	sim_time_t rto;       /* RTO without backoff */
	uint32_t backoff;     /* doublings applied (RFC 6298 (5.5)) */
	bool has_sample;
};

/* Before the first sample: RTO = initial (RFC 6298 (2.1)). */
void tcp_rtt_init(struct tcp_rtt *r, sim_time_t initial);

/* Takes a valid sample R (RFC 6298 (2.2) first, (2.3) after), recomputes the RTO by
 * the configured formula and clears the backoff (a valid sample ends Karn's hold on
 * the backed-off RTO, RFC 6298 §5 note / Linux tcp_ack_update_rtt). */
void tcp_rtt_sample(struct tcp_rtt *r, sim_time_t rtt, const struct tcp_config *cfg);

/* The RTO formula alone, for given SRTT and RTTVAR. */
sim_time_t tcp_rto_formula(sim_time_t srtt, sim_time_t rttvar, const struct tcp_config *cfg);

/* The timeout to arm now: rto · 2^backoff, at most rto_max (RFC 6298 (2.5)). */
sim_time_t tcp_rtt_rto(const struct tcp_rtt *r, const struct tcp_config *cfg);

/* One more doubling (RFC 6298 (5.5)); stops growing once rto_max is reached. */
void tcp_rtt_backoff(struct tcp_rtt *r, const struct tcp_config *cfg);

#endif
