/* models/tcp/rtt.h — the retransmission-timeout estimator (RFC 6298, or Linux's).
 *
 * A small object apart from the connection: it takes RTT samples (already filtered by
 * Karn's algorithm in the caller, RFC 6298 §3) and yields the RTO under the profile's
 * formula, with exponential backoff (RFC 6298 (5.5)) capped at rto_max.
 *
 *   rfc    RFC 6298 (2.2)–(2.4): SRTT and RTTVAR with α = 1/8, β = 1/4, RTO =
 *          max(rto_min, SRTT + max(G, 4·RTTVAR)).
 *   linux  Linux tcp_rtt_estimator()/tcp_set_rto(): SRTT as RFC 6298; the mean
 *          deviation mdev (4·RTTVAR) gains only 1/32 of a sample below SRTT; rttvar is
 *          the largest mdev of the last window of data (a round trip), never below
 *          rto_min, and decays towards that maximum by a quarter per window; RTO =
 *          SRTT + rttvar, rounded up to the jiffy (Linux HZ, cc_cfg.hz) and capped at
 *          rto_max. So the RTO on a steady path is SRTT + rto_min (225 ms at a 25 ms
 *          RTT, 228 ms in 4 ms jiffies).
 *
 * Integer nanoseconds throughout, truncating division, so every machine computes the
 * same values. Also Linux's windowed minimum RTT (tcp_min_rtt, lib/minmax.c).
 */
#ifndef MODELS_TCP_RTT_H
#define MODELS_TCP_RTT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/time.h"

struct tcp_config;

struct tcp_rtt {
	sim_time_t srtt;      /* 0 until the first sample */
	sim_time_t rttvar;    /* RFC 6298 RTTVAR; linux: mdev / 4 (what tcp_info reports) */
	sim_time_t last;      /* latest sample */
	/* linux only (Linux's mdev_us, mdev_max_us, rttvar_us, rtt_seq). */
	sim_time_t mdev;      /* 4 × the mean deviation */
	sim_time_t mdev_max;  /* the largest mdev in this window, at least rto_min */
	sim_time_t lx_rttvar; /* the RTO's variation term */
	uint32_t rtt_seq;     /* the window ends when snd_una passes this */
	sim_time_t rto;       /* RTO without backoff */
	uint32_t backoff;     /* doublings applied (RFC 6298 (5.5)) */
	bool has_sample;
};

/* Before the first sample: RTO = initial (RFC 6298 (2.1)). */
void tcp_rtt_init(struct tcp_rtt *r, sim_time_t initial);

/* Takes a valid sample R (RFC 6298 (2.2) first, (2.3) after; or Linux's), recomputes
 * the RTO by the configured formula and clears the backoff (a valid sample ends
 * Karn's hold on the backed-off RTO, RFC 6298 §5 note / Linux tcp_ack_update_rtt).
 * snd_una and snd_nxt delimit Linux's windows of data (unused by rfc). */
void tcp_rtt_sample(struct tcp_rtt *r, sim_time_t rtt, const struct tcp_config *cfg,
		    uint32_t snd_una, uint32_t snd_nxt);

/* The RTO formula alone, for given SRTT and RTTVAR. */
sim_time_t tcp_rto_formula(sim_time_t srtt, sim_time_t rttvar, const struct tcp_config *cfg);

/* The timeout to arm now: rto · 2^backoff, at most rto_max (RFC 6298 (2.5)). */
sim_time_t tcp_rtt_rto(const struct tcp_rtt *r, const struct tcp_config *cfg);

/* One more doubling (RFC 6298 (5.5)); stops growing once rto_max is reached. */
void tcp_rtt_backoff(struct tcp_rtt *r, const struct tcp_config *cfg);

/* A running minimum over a time window (Linux lib/minmax.c, Kathleen Nichols'
 * algorithm: the best, second and third best samples of the window), for Linux's
 * tcp_min_rtt. O(1) per sample. */
struct tcp_minmax {
	struct {
		sim_time_t t;  /* when the sample was taken */
		sim_time_t v;  /* the sample */
	} s[3];
};

/* Starts the minimum anew with sample v at time t. */
void tcp_minmax_reset(struct tcp_minmax *m, sim_time_t t, sim_time_t v);
/* Adds sample v at time t to a window of length win; returns the minimum. */
sim_time_t tcp_minmax_running_min(struct tcp_minmax *m, sim_time_t win, sim_time_t t, sim_time_t v);
static inline sim_time_t tcp_minmax_get(const struct tcp_minmax *m)
{
	return m->s[0].v;
}

#endif
