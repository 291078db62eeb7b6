/* models/tcp/rtt.c — RFC 6298 SRTT/RTTVAR/RTO, or Linux's estimator; Linux's windowed
 * minimum. Called by conn.c on each valid RTT sample and by timer.c when the
 * retransmission timer backs off. */
#include "models/tcp/rtt.h"

#include "models/tcp/seq.h"
#include "models/tcp/tcp.h"

void tcp_rtt_init(struct tcp_rtt *r, sim_time_t initial)
{
	*r = (struct tcp_rtt){ .rto = initial }; /* RFC 6298 (2.1) */
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

static void rfc_sample(struct tcp_rtt *r, sim_time_t rtt)
{
	if (!r->has_sample) {
		/* RFC 6298 (2.2): SRTT = R, RTTVAR = R/2. */
		r->srtt = rtt;
		r->rttvar = rtt / 2;
	} else {
		/* RFC 6298 (2.3): RTTVAR first (it uses the old SRTT), then SRTT;
		 * β = 1/4, α = 1/8. */
		sim_time_t err = r->srtt > rtt ? r->srtt - rtt : rtt - r->srtt;
		r->rttvar = (3 * r->rttvar + err) / 4;
		r->srtt = (7 * r->srtt + rtt) / 8;
	}
}

/* Linux tcp_rtt_estimator(): SRTT as RFC 6298 (the kernel keeps it ×8); mdev = 4 ×
 * the mean deviation, rising with a gain of 1/4 but falling by only 1/32 of a sample
 * below SRTT (so a falling RTT does not shrink the RTO at once); rttvar the window's
 * largest mdev, at least rto_min, decaying towards it once per window of data. */
static void linux_sample(struct tcp_rtt *r, sim_time_t m, const struct tcp_config *cfg,
			 uint32_t snd_una, uint32_t snd_nxt)
{
	if (!r->has_sample) {
		r->srtt = m;
		r->mdev = 2 * m; /* a mean deviation of m/2, as RFC 6298 (2.2) */
		r->lx_rttvar = max_t(r->mdev, cfg->rto_min);
		r->mdev_max = r->lx_rttvar;
		r->rtt_seq = snd_nxt;
		return;
	}
	sim_time_t err = m - r->srtt;
	r->srtt += err / 8;
	if (err < 0) {
		/* A sample below SRTT: only if it lies below by more than mdev/4 does it
		 * move mdev, and then by 1/8 of the excess (Linux's "m >>= 3"). */
		err = -err - r->mdev / 4;
		if (err > 0)
			err /= 8;
	} else {
		err -= r->mdev / 4;
	}
	r->mdev += err;
	if (r->mdev > r->mdev_max) {
		r->mdev_max = r->mdev;
		if (r->mdev_max > r->lx_rttvar)
			r->lx_rttvar = r->mdev_max;
	}
	if (seq_gt(snd_una, r->rtt_seq)) {
		/* A window of data is through: rttvar decays towards its maximum. */
		if (r->mdev_max < r->lx_rttvar)
			r->lx_rttvar -= (r->lx_rttvar - r->mdev_max) / 4;
		r->rtt_seq = snd_nxt;
		r->mdev_max = cfg->rto_min;
	}
	if (r->srtt < 1)
		r->srtt = 1;
}

/* Linux __tcp_set_rto / tcp_bound_rto: SRTT + rttvar in whole jiffies (rounded up,
 * usecs_to_jiffies), at most rto_max. */
static sim_time_t linux_rto(const struct tcp_rtt *r, const struct tcp_config *cfg)
{
	sim_time_t rto = r->srtt + r->lx_rttvar;
	uint32_t hz = cfg->cc_cfg.hz;
	if (hz) {
		sim_time_t jiffy = SIM_S(1) / hz;
		rto = (rto + jiffy - 1) / jiffy * jiffy;
	}
	return rto > cfg->rto_max ? cfg->rto_max : rto;
}

void tcp_rtt_sample(struct tcp_rtt *r, sim_time_t rtt, const struct tcp_config *cfg,
		    uint32_t snd_una, uint32_t snd_nxt)
{
	if (rtt <= 0)
		rtt = 1; /* a sample of 0 ns (same-instant ACK) still counts, as 1 ns */
	if (cfg->rto_formula == TCP_RTO_FORMULA_LINUX) {
		linux_sample(r, rtt, cfg, snd_una, snd_nxt);
		r->rttvar = r->mdev / 4;
		r->has_sample = true;
		r->last = rtt;
		r->rto = linux_rto(r, cfg);
		r->backoff = 0;
		return;
	}
	rfc_sample(r, rtt);
	r->has_sample = true;
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

/* ---- windowed minimum (Linux lib/minmax.c) ---- */

void tcp_minmax_reset(struct tcp_minmax *m, sim_time_t t, sim_time_t v)
{
	for (int i = 0; i < 3; i++) {
		m->s[i].t = t;
		m->s[i].v = v;
	}
}

sim_time_t tcp_minmax_running_min(struct tcp_minmax *m, sim_time_t win, sim_time_t t, sim_time_t v)
{
	/* A new minimum, or nothing left in the window: start again. */
	if (v <= m->s[0].v || t - m->s[2].t > win) {
		tcp_minmax_reset(m, t, v);
		return m->s[0].v;
	}
	if (v <= m->s[1].v) {
		m->s[1].t = m->s[2].t = t;
		m->s[1].v = m->s[2].v = v;
	} else if (v <= m->s[2].v) {
		m->s[2].t = t;
		m->s[2].v = v;
	}
	/* The best sample aged out of the window: the second takes its place (and so
	 * on); a sample a quarter or half a window old is refreshed so that the three
	 * stay spread over the window. */
	sim_time_t dt = t - m->s[0].t;
	if (dt > win) {
		m->s[0] = m->s[1];
		m->s[1] = m->s[2];
		m->s[2].t = t;
		m->s[2].v = v;
		if (t - m->s[0].t > win) {
			m->s[0] = m->s[1];
			m->s[1] = m->s[2];
			m->s[2].t = t;
			m->s[2].v = v;
		}
	} else if (m->s[1].t == m->s[0].t && dt > win / 4) {
		m->s[1].t = m->s[2].t = t;
		m->s[1].v = m->s[2].v = v;
	} else if (m->s[2].t == m->s[1].t && dt > win / 2) {
		m->s[2].t = t;
		m->s[2].v = v;
	}
	return m->s[0].v;
}
