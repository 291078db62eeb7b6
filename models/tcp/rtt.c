/* models/tcp/rtt.c — RFC 6298 SRTT/RTTVAR/RTO. Called by input.c on each valid RTT
 * sample and by timer.c when the retransmission timer backs off. */
#include "models/tcp/rtt.h"

#include "models/tcp/tcp.h"

void tcp_rtt_init(struct tcp_rtt *r, sim_time_t initial)
{
	r->srtt = 0;
	r->rttvar = 0;
	r->last = 0;
	r->rto = initial; /* RFC 6298 (2.1) */
	r->backoff = 0;
	r->has_sample = false;
}

static sim_time_t max_t(sim_time_t a, sim_time_t b)
{
	return a > b ? a : b;
}

sim_time_t tcp_rto_formula(sim_time_t srtt, sim_time_t rttvar, const struct tcp_config *cfg)
{
	sim_time_t rto;
	if (cfg->rto_formula == TCP_RTO_FORMULA_LINUX) {
		/* Linux (tcp_rtt_estimator, tcp_set_rto): the variance term is floored at
		 * rto_min, the RTO itself is not: RTO = SRTT + max(rto_min, 4·RTTVAR). A
		 * deviation from RFC 6298 (2.4), chosen because it is what Linux does. */
		rto = srtt + max_t(cfg->rto_min, max_t(cfg->clock_granularity, 4 * rttvar));
	} else {
		/* RFC 6298 (2.3): RTO = SRTT + max(G, K·RTTVAR), K = 4; (2.4): at least
		 * rto_min (1 s). */
		rto = max_t(cfg->rto_min, srtt + max_t(cfg->clock_granularity, 4 * rttvar));
	}
	/* RFC 6298 (2.5): a maximum may be placed on RTO. */
	if (rto > cfg->rto_max)
		rto = cfg->rto_max;
	return rto;
}

void tcp_rtt_sample(struct tcp_rtt *r, sim_time_t rtt, const struct tcp_config *cfg)
{
	if (rtt <= 0)
		rtt = 1; /* a sample of 0 ns (same-instant ACK) still counts, as 1 ns */
	if (!r->has_sample) {
		/* RFC 6298 (2.2): SRTT = R, RTTVAR = R/2. */
		r->srtt = rtt;
		r->rttvar = rtt / 2;
		r->has_sample = true;
	} else {
		/* RFC 6298 (2.3): RTTVAR first (it uses the old SRTT), then SRTT;
		 * β = 1/4, α = 1/8. */
		sim_time_t err = r->srtt > rtt ? r->srtt - rtt : rtt - r->srtt;
		r->rttvar = (3 * r->rttvar + err) / 4;
		r->srtt = (7 * r->srtt + rtt) / 8;
	}
	r->last = rtt;
	r->rto = tcp_rto_formula(r->srtt, r->rttvar, cfg);
	r->backoff = 0;
}

sim_time_t tcp_rtt_rto(const struct tcp_rtt *r, const struct tcp_config *cfg)
{
	sim_time_t rto = r->rto;
	for (uint32_t i = 0; i < r->backoff && rto < cfg->rto_max; i++)
		rto *= 2;
	return rto > cfg->rto_max ? cfg->rto_max : rto;
}

void tcp_rtt_backoff(struct tcp_rtt *r, const struct tcp_config *cfg)
{
	/* RFC 6298 (5.5): double the RTO; once it is at rto_max it stays there. */
	if (tcp_rtt_rto(r, cfg) < cfg->rto_max)
		r->backoff++;
}
