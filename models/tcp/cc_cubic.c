/* models/tcp/cc_cubic.c — CUBIC congestion control (RFC 9438).
 *
 * In congestion avoidance the window follows the cubic W_cubic(t) = C·(t − K)³ +
 * W_max of the time t since the stage began (§4.2): concave up to the plateau at
 * W_max, convex beyond it (§4.4, §4.5), but never below the Reno-friendly estimate
 * W_est (§4.3). On loss, ssthresh = β·cwnd with β = 0.7 (§4.6) and W_max is lowered
 * further when the flow lost at a smaller window than last time (fast convergence,
 * §4.7). Slow start, fast retransmit and fast recovery are NewReno's (§4.2 "does not
 * make any changes to the TCP Fast Recovery and Fast Retransmit algorithms",
 * §4.10 allows Reno slow start), so recovery is TCP_CC_RECOVERY_NEWRENO.
 *
 * Arithmetic. The RFC works in segments and seconds; netsim windows are bytes and
 * times nanoseconds, so W_max, cwnd and targets are bytes and C is scaled by SMSS.
 * The cubic is evaluated in IEEE 754 double precision using only +, −, × and ÷, which
 * IEEE 754 requires to be correctly rounded, so every conforming machine produces the
 * same bits (the build has -ffp-contract=off, so no fused multiply-add changes a
 * rounding, and no -ffast-math reassociation). The cube root for K is computed here
 * by Newton's method from those operations, because libm's cbrt() is not required
 * to be correctly rounded and differs between C libraries. β·cwnd and the fast-
 * convergence W_max are integer (permille) arithmetic, rounded down to the byte.
 * W_est is a double in bytes; cwnd takes its integer part. Growth is applied as
 * in Linux bictcp: the per-ACK increment (target − cwnd)/cwnd becomes "one SMSS per
 * w bytes acknowledged" for the shared tcp_cc_cong_avoid_ai(), which then follows
 * the configured byte-counting or per-ACK rule.
 */
#include "models/tcp/cc_cubic.h"

#include <float.h>
#include <string.h>

#include <glib.h>

#include "models/tcp/cc.h"

/* Bit-identical results need every double operation rounded once, to double: true on
 * x86-64 (SSE2), AArch64 and the other usual targets, not on x87 (32-bit x86 without
 * -mfpmath=sse), where intermediates carry extended precision. */
_Static_assert(FLT_EVAL_METHOD == 0, "CUBIC's reproducible arithmetic needs FLT_EVAL_METHOD == 0 "
				     "(on 32-bit x86 build with -msse2 -mfpmath=sse)");

/* CUBIC's state (RFC 9438 §4.1.2), kept in tcp_cc.priv and copied in and out with
 * memcpy so that no pointer of another type aliases the uint64_t array. */
struct cubic {
	double k;                     /* K, seconds */
	double w_est;                 /* W_est, bytes */
	sim_time_t t_epoch;           /* start of the congestion-avoidance stage */
	sim_time_t app_limited_since; /* when the current app-limited period began */
	uint32_t w_max;               /* W_max, bytes; 0 = none (start or after RTO) */
	uint32_t cwnd_prior;          /* cwnd before the last reduction, bytes */
	uint32_t cwnd_epoch;          /* cwnd at t_epoch, bytes */
	bool epoch_started;
	bool app_limited;
	bool in_recovery;
};

_Static_assert(sizeof(struct cubic) <= sizeof(((struct tcp_cc *)0)->priv),
	       "struct cubic must fit in tcp_cc.priv");

static void cubic_load(const struct tcp_cc *cc, struct cubic *st)
{
	memcpy(st, cc->priv, sizeof *st);
}

static void cubic_store(struct tcp_cc *cc, const struct cubic *st)
{
	memcpy(cc->priv, st, sizeof *st);
}

/* Cube root of x >= 0 with +, −, ×, ÷ only, so it is reproducible (see the file
 * comment). x is scaled by powers of 8 (exact) into [1, 8); Newton's iteration
 * y ← (2y + x/y²)/3 then falls monotonically from y = 2 towards the root and stops
 * when rounding stops it falling, within an ulp or two of the true root. */
static double cubic_cbrt(double x)
{
	double scale = 1.0, y = 2.0, next;

	if (!(x > 0.0) || x > DBL_MAX)
		return x > 0.0 ? x : 0.0;
	while (x >= 8.0) {
		x /= 8.0;
		scale *= 2.0;
	}
	while (x < 1.0) {
		x *= 8.0;
		scale /= 2.0;
	}
	for (;;) {
		next = (2.0 * y + x / (y * y)) / 3.0;
		if (!(next < y))
			break;
		y = next;
	}
	return y * scale;
}

const struct tcp_cc_cubic_params tcp_cc_cubic_defaults = {
	.beta_permille = 700, /* RFC 9438 §4.6 */
	.c_permille = 400,    /* RFC 9438 §5 */
	.fast_convergence = true,
	.reno_friendly = true,
};

static const struct tcp_cc_cubic_params *cubic_params(const struct tcp_cc *cc)
{
	return cc->params ? cc->params : &tcp_cc_cubic_defaults;
}

static double cubic_beta(const struct tcp_cc *cc)
{
	return (double)cubic_params(cc)->beta_permille / 1000.0;
}

/* RFC 9438 §4.2 Figure 1, W_cubic(t) = C·(t − K)³ + W_max, in bytes: C is in
 * segments/s³, hence the factor SMSS. t in seconds since t_epoch. */
static double cubic_w(const struct tcp_cc *cc, const struct cubic *st, double t)
{
	double c = (double)cubic_params(cc)->c_permille / 1000.0;
	double d = t - st->k;
	return c * (double)cc->mss * d * d * d + (double)st->w_max;
}

/* RFC 9438 §4.6/§4.7: the response to a congestion event, before the window
 * reduction proper (which differs between loss and timeout). */
static void cubic_reduce(struct tcp_cc *cc, struct cubic *st)
{
	uint64_t beta = cubic_params(cc)->beta_permille;

	/* §4.7 fast convergence: losing below the last W_max means the available
	 * bandwidth shrank; release more by remembering W_max = cwnd·(1 + β)/2. */
	if (cubic_params(cc)->fast_convergence && cc->cwnd < st->w_max)
		st->w_max = (uint32_t)((uint64_t)cc->cwnd * (1000 + beta) / 2000);
	else
		st->w_max = cc->cwnd;
	/* §4.6: cwnd_prior = cwnd, for the Reno-friendly α switch (§4.3). */
	st->cwnd_prior = cc->cwnd;
	/* §4.6 Figure 5: ssthresh = max(β·cwnd, 2 SMSS). Computed from cwnd rather
	 * than flight_size, as Linux does; §4.6 allows it when cwnd cannot grow while
	 * the flow is not cwnd-limited, which tcp_cc_ack.cwnd_limited ensures. */
	cc->ssthresh = MAX((uint32_t)((uint64_t)cc->cwnd * beta / 1000), 2 * cc->mss);
	st->epoch_started = false; /* §4.2: a new stage begins after the event */
	st->app_limited = false;
}

/* One ACK of `acked` bytes in congestion avoidance (cwnd >= ssthresh). */
static void cubic_cong_avoid(struct tcp_cc *cc, struct cubic *st, uint32_t acked)
{
	const double mss = (double)cc->mss;
	const double cwnd = (double)cc->cwnd;
	double t, rtt, target, w;

	if (!st->epoch_started) {
		/* §4.2: the stage starts at the first ACK in congestion avoidance. */
		st->epoch_started = true;
		st->t_epoch = cc->now;
		st->cwnd_epoch = cc->cwnd;
		st->w_est = cwnd; /* §4.3: W_est = cwnd_epoch */
		if (st->w_max > cc->cwnd) {
			/* §4.2 Figure 2: K = cbrt((W_max − cwnd_epoch) / C), segments and
			 * seconds; with cwnd_epoch = β·W_max, cbrt(W_max·(1 − β)/C). */
			double c = (double)cubic_params(cc)->c_permille / 1000.0;
			st->k = cubic_cbrt((double)(st->w_max - cc->cwnd) / mss / c);
		} else {
			/* §4.8 (first stage after a timeout) and §4.10 (no congestion
			 * event yet): K = 0 and W_max = cwnd_epoch, so the window probes
			 * upward at once; likewise when cwnd_epoch already reached W_max
			 * (Linux bictcp_update: origin = cwnd). */
			st->k = 0.0;
			st->w_max = cc->cwnd;
		}
	}

	t = (double)(cc->now - st->t_epoch) / 1e9;
	/* §4.1.2: RTT is the smoothed round-trip time (RFC 6298); before the first
	 * sample TCP leaves srtt at 0, and the minimum sample (or 0) stands in. */
	rtt = (double)(cc->srtt > 0 ? cc->srtt : cc->min_rtt) / 1e9;

	/* §4.2: target = W_cubic(t + RTT), kept within [cwnd, 1.5·cwnd] so the
	 * increase rate never falls and stays below slow start's. */
	target = cubic_w(cc, st, t + rtt);
	if (target < cwnd)
		target = cwnd;
	else if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;

	if (cubic_params(cc)->reno_friendly) {
		/* §4.3: α_cubic = 3(1 − β)/(1 + β) (≈ 0.53 for β = 0.7), and 1 once
		 * W_est has reached cwnd_prior. */
		double beta = cubic_beta(cc);
		double alpha = st->w_est >= (double)st->cwnd_prior ? 1.0
								   : 3.0 * (1.0 - beta) / (1.0 + beta);
		/* §4.3 Figure 4, W_est += α·segments_acked/cwnd, in bytes with the
		 * acknowledged bytes for segments_acked (the RFC's ABC adjustment):
		 * W_est grows by α·SMSS per window of data acknowledged. */
		st->w_est += alpha * (double)acked * mss / cwnd;
		if (cubic_w(cc, st, t) < st->w_est) {
			/* Reno-friendly region: cwnd = W_est. Never lowered here (Linux
			 * only ever raises cwnd towards its Reno estimate either): cwnd may
			 * run ahead of W_cubic(t) because the target looks one RTT ahead. */
			if (st->w_est > cwnd)
				cc->cwnd = (uint32_t)MIN(st->w_est, (double)TCP_CC_CWND_MAX);
			return;
		}
	}

	/* §4.4 concave (cwnd < W_max) and §4.5 convex (cwnd >= W_max) regions: "cwnd
	 * MUST be incremented by (target − cwnd)/cwnd for each received new ACK",
	 * i.e. one SMSS per w = cwnd·SMSS/(target − cwnd) bytes acknowledged. */
	if (target > cwnd) {
		w = cwnd * mss / (target - cwnd);
		tcp_cc_cong_avoid_ai(cc, w >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)w, acked);
	}
}

static void cubic_init(struct tcp_cc *cc)
{
	const struct tcp_cc_cubic_params *p = cubic_params(cc);

	if (p->beta_permille == 0 || p->beta_permille >= 1000 || p->c_permille == 0)
		g_error("cubic: beta must lie in (0, 1) and C be positive (got %u‰, %u‰)",
			p->beta_permille, p->c_permille);
}

static void cubic_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	struct cubic st;
	uint32_t acked = ack->acked;

	cubic_load(cc, &st);
	if (!ack->cwnd_limited) {
		/* No growth while the window is not the limit (RFC 7661 §4.2, §4.6 of
		 * RFC 9438), and §4.2: t "MUST NOT include periods during which cwnd
		 * has not been updated due to application-limited behavior". The
		 * period runs from the first such ACK to the next cwnd-limited one
		 * and is cut out of t by moving t_epoch forward (as Linux moves
		 * epoch_start after an idle period). */
		if (st.epoch_started && !st.app_limited) {
			st.app_limited = true;
			st.app_limited_since = cc->now;
		}
		goto out;
	}
	if (st.app_limited) {
		st.app_limited = false;
		if (st.epoch_started)
			st.t_epoch += cc->now - st.app_limited_since;
	}
	if (tcp_cc_in_slow_start(cc)) {
		/* §4.10: Reno slow start (HyStart++ is not implemented). */
		acked = tcp_cc_slow_start(cc, acked);
		if (acked == 0)
			goto out;
	}
	cubic_cong_avoid(cc, &st, acked);
out:
	cubic_store(cc, &st);
}

static void cubic_on_loss(struct tcp_cc *cc)
{
	struct cubic st;

	cubic_load(cc, &st);
	cubic_reduce(cc, &st);
	st.in_recovery = true;
	/* Fast recovery as NewReno (RFC 6582 §3.2 step 2 → RFC 5681 §3.2 step 3):
	 * cwnd = ssthresh + 3·SMSS, with CUBIC's ssthresh. */
	cc->cwnd = MIN(cc->ssthresh + (uint64_t)3 * cc->mss, (uint64_t)TCP_CC_CWND_MAX);
	cubic_store(cc, &st);
}

static void cubic_on_recovery_exit(struct tcp_cc *cc)
{
	struct cubic st;

	cubic_load(cc, &st);
	st.in_recovery = false;
	tcp_cc_newreno_exit(cc); /* RFC 6582 §3.2 step 3, as NewReno */
	cubic_store(cc, &st);
}

static void cubic_on_rto(struct tcp_cc *cc)
{
	struct cubic st;

	cubic_load(cc, &st);
	/* §4.8: ssthresh from β as in §4.6 — but not again for a repeated timeout of
	 * the same segment (RFC 5681 §3.1: ssthresh held), nor, under the linux
	 * profile, for a timeout during fast recovery, whose loss already reduced
	 * ssthresh and whose cwnd is inflated (Linux tcp_enter_loss). */
	if (tcp_cc_rto_sets_ssthresh(cc))
		cubic_reduce(cc, &st);
	/* §4.8: the first stage after a timeout uses K = 0 and W_max = cwnd_epoch. */
	st.w_max = 0;
	st.epoch_started = false;
	st.app_limited = false;
	st.in_recovery = false;
	/* §4.8 follows RFC 5681 §3.1: cwnd = loss window = 1 SMSS. */
	cc->cwnd = cc->mss;
	cubic_store(cc, &st);
}

void tcp_cc_cubic_get_info(const struct tcp_cc *cc, struct tcp_cc_cubic_info *info)
{
	struct cubic st;

	g_assert(cc->ops == &tcp_cc_cubic);
	cubic_load(cc, &st);
	*info = (struct tcp_cc_cubic_info){
		.w_max = st.w_max,
		.cwnd_prior = st.cwnd_prior,
		.epoch_started = st.epoch_started,
		.cwnd_epoch = st.cwnd_epoch,
		.t_epoch = st.t_epoch,
		.k = (sim_time_t)(st.k * 1e9 + 0.5),
		.w_est = st.w_est,
		.in_recovery = st.in_recovery,
	};
}

const struct tcp_cc_ops tcp_cc_cubic = {
	.name = "cubic",
	.recovery = TCP_CC_RECOVERY_NEWRENO,
	.init = cubic_init,
	.on_ack = cubic_on_ack,
	.on_loss = cubic_on_loss,
	.on_dupack = tcp_cc_reno_inflate,
	.on_partial_ack = tcp_cc_newreno_deflate,
	.on_recovery_exit = cubic_on_recovery_exit,
	.on_rto = cubic_on_rto,
};
