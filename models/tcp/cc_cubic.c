/* models/tcp/cc_cubic.c — CUBIC congestion control: RFC 9438 in bytes (under the RFC
 * recoveries), Linux's tcp_cubic.c in packets (under `recovery: linux`).
 *
 * ---- RFC 9438, bytes ----
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
 *
 * ---- Linux tcp_cubic.c, packets ----
 *
 * As the kernel computes it, in integers: time in jiffies (cfg->hz per second) and
 * in 1/1024 s (BICTCP_HZ), β in 1/1024 (beta 717), C as bic_scale/1024·10 (41), K
 * from a fixed-point cube root, the window as cwnd += 1 per cnt packets acknowledged
 * (tcp_cong_avoid_ai), cnt recomputed at most once per jiffy, never below 2 (growth
 * at most 1.5× per RTT), 20 before the first loss; the Reno-friendly estimate grows
 * by Linux's fixed α = 3(1 − β)/(1 + β) ≈ 0.53 packets per RTT through beta_scale
 * (RFC 9438 §4.3 switches α to 1 once W_est reaches cwnd_prior; Linux does not),
 * and caps cnt where it runs ahead of the cubic; fast convergence;
 * the epoch shifted after idle (CA_EVENT_TX_START); everything reset by a timeout.
 * HyStart (ACK train and delay increase, both by default, from 16 packets) ends
 * slow start by setting ssthresh = cwnd.
 */
#include "models/tcp/cc_cubic.h"

#include <float.h>
#include <string.h>

#include <glib.h>

#include "models/tcp/cc.h"
#include "models/tcp/seq.h"

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
	.hystart = true,
	.hystart_detect = TCP_CC_HYSTART_ACK_TRAIN | TCP_CC_HYSTART_DELAY,
	.hystart_low_window = 16,
	.hystart_ack_delta = SIM_US(2000),
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
static uint32_t cubic_reduce(struct tcp_cc *cc, struct cubic *st)
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
	st->epoch_started = false; /* §4.2: a new stage begins after the event */
	st->app_limited = false;
	/* §4.6 Figure 5: ssthresh = max(β·cwnd, 2 SMSS). Computed from cwnd rather
	 * than flight_size, as Linux does; §4.6 allows it when cwnd cannot grow while
	 * the flow is not cwnd-limited, which tcp_cc_ack.cwnd_limited ensures. */
	return MAX((uint32_t)((uint64_t)cc->cwnd * beta / 1000), 2 * cc->mss);
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
		/* §4.10: Reno slow start (HyStart++ is not part of RFC 9438). */
		acked = tcp_cc_slow_start(cc, acked);
		if (acked == 0)
			goto out;
	}
	cubic_cong_avoid(cc, &st, acked);
out:
	cubic_store(cc, &st);
}

static uint32_t cubic_ssthresh_bytes(struct tcp_cc *cc)
{
	struct cubic st;

	cubic_load(cc, &st);
	uint32_t ssthresh = cubic_reduce(cc, &st);
	cubic_store(cc, &st);
	return ssthresh;
}

static void cubic_state_bytes(struct tcp_cc *cc, enum tcp_ca_state s)
{
	struct cubic st;

	cubic_load(cc, &st);
	st.in_recovery = s == TCP_CA_RECOVERY;
	if (s == TCP_CA_LOSS) {
		/* §4.8: the first stage after a timeout uses K = 0 and W_max =
		 * cwnd_epoch. */
		st.w_max = 0;
		st.epoch_started = false;
		st.app_limited = false;
	}
	cubic_store(cc, &st);
}

static void cubic_info_bytes(const struct tcp_cc *cc, struct tcp_cc_cubic_info *info)
{
	struct cubic st;

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

/* ================= Linux tcp_cubic.c, in packets ================= */

#define BICTCP_BETA_SCALE 1024u /* β in 1/1024 */
#define BICTCP_HZ 10            /* time in 1/2^10 s for the cubic */
#define HYSTART_MIN_SAMPLES 8u
#define HYSTART_DELAY_MIN SIM_US(4000)
#define HYSTART_DELAY_MAX SIM_US(16000)

/* Linux's struct bictcp, times in jiffies (epoch_start, last_time) or ns (HyStart's,
 * which Linux keeps in µs). */
struct lcubic {
	uint32_t cnt;              /* cwnd += 1 after cnt packets acknowledged */
	uint32_t last_max_cwnd;    /* W_max */
	uint32_t last_cwnd;        /* cwnd when cnt was last computed */
	uint32_t bic_origin_point; /* the plateau of the cubic */
	uint32_t bic_k;            /* K, in 1/1024 s */
	uint32_t ack_cnt;          /* packets acknowledged (Reno-friendly estimate) */
	uint32_t tcp_cwnd;         /* the Reno-friendly estimate */
	bool epoch;                /* an epoch runs (Linux epoch_start != 0) */
	bool in_recovery;
	int64_t epoch_start;       /* jiffies */
	int64_t last_time;         /* jiffies */
	sim_time_t delay_min;      /* smallest RTT, ns (0 = none) */
	/* HyStart: kept across bictcp_reset, as Linux's fields after `unused`. */
	bool found;                /* slow start's exit found */
	bool round_valid;          /* a HyStart round has begun */
	uint32_t sample_cnt;
	uint32_t end_seq;          /* the round ends when this is acknowledged */
	sim_time_t round_start;
	sim_time_t last_ack;
	sim_time_t curr_rtt;       /* smallest RTT of the round */
};

_Static_assert(sizeof(struct lcubic) <= sizeof(((struct tcp_cc *)0)->priv),
	       "struct lcubic must fit in tcp_cc.priv");

static void lc_load(const struct tcp_cc *cc, struct lcubic *ca)
{
	memcpy(ca, cc->priv, sizeof *ca);
}

static void lc_store(struct tcp_cc *cc, const struct lcubic *ca)
{
	memcpy(cc->priv, ca, sizeof *ca);
}

static uint32_t lc_hz(const struct tcp_cc *cc)
{
	return cc->cfg->hz ? cc->cfg->hz : 250;
}

/* The jiffies clock (Linux tcp_jiffies32) at simulated time t. */
static int64_t lc_jiffies(const struct tcp_cc *cc, sim_time_t t)
{
	return (int64_t)((uint64_t)t * lc_hz(cc) / SIM_S(1));
}

/* Linux usecs_to_jiffies(): rounded up. */
static int64_t lc_to_jiffies(const struct tcp_cc *cc, sim_time_t d)
{
	uint64_t num = (uint64_t)d * lc_hz(cc);
	return (int64_t)((num + SIM_S(1) - 1) / SIM_S(1));
}

/* β in 1/1024 from the permille knob (700 ‰ -> 717, Linux's default). */
static uint32_t lc_beta(const struct tcp_cc *cc)
{
	return (cubic_params(cc)->beta_permille * BICTCP_BETA_SCALE + 500) / 1000;
}

/* bic_scale: C·1024/10 (C 0.4 -> 41, Linux's default). */
static uint32_t lc_bic_scale(const struct tcp_cc *cc)
{
	uint32_t b = (cubic_params(cc)->c_permille * 1024 + 5000) / 10000;
	return b ? b : 1;
}

/* The floor of the cube root of a (tcp_cubic.c cubic_root approximates it with a
 * table and one Newton step, within about 0.2 %; this is exact). */
static uint32_t lc_cube_root(uint64_t a)
{
	uint64_t x = 1;
	if (a == 0)
		return 0;
	/* A start above the root: 2^ceil(bits/3). */
	unsigned bits = 64 - (unsigned)__builtin_clzll(a);
	x = (uint64_t)1 << ((bits + 2) / 3);
	for (;;) {
		uint64_t y = (2 * x + a / (x * x)) / 3;
		if (y >= x)
			break;
		x = y;
	}
	while (x * x * x > a)
		x--;
	while ((x + 1) * (x + 1) * (x + 1) <= a)
		x++;
	return (uint32_t)x;
}

/* Linux bictcp_reset: everything but HyStart's round. */
static void lc_reset(struct lcubic *ca)
{
	ca->cnt = ca->last_max_cwnd = ca->last_cwnd = ca->bic_origin_point = 0;
	ca->bic_k = ca->ack_cnt = ca->tcp_cwnd = 0;
	ca->epoch = false;
	ca->epoch_start = ca->last_time = 0;
	ca->delay_min = 0;
	ca->found = false;
}

/* Linux bictcp_hystart_reset: a new round begins now, ending at snd_nxt. */
static void lc_hystart_reset(const struct tcp_cc *cc, struct lcubic *ca)
{
	ca->round_start = ca->last_ack = cc->now;
	ca->end_seq = cc->snd_nxt;
	ca->curr_rtt = INT64_MAX;
	ca->sample_cnt = 0;
	ca->round_valid = true;
}

/* The cubic's target cwnd and cnt for this ACK (part of Linux bictcp_update). */
static void lc_cubic_cnt(const struct tcp_cc *cc, struct lcubic *ca, uint32_t cwnd, uint32_t acked,
			 int64_t now)
{
	const uint32_t hz = lc_hz(cc);
	if (!ca->epoch) {
		ca->epoch = true;
		ca->epoch_start = now; /* the beginning of an epoch */
		ca->ack_cnt = acked;   /* the estimate counts from here (not what came before) */
		ca->tcp_cwnd = cwnd;   /* in step with the cubic */
		if (ca->last_max_cwnd <= cwnd) {
			ca->bic_k = 0;
			ca->bic_origin_point = cwnd;
		} else {
			/* K = cbrt((W_max − cwnd)·rtt/C) in 1/1024 s: cube_factor is
			 * 2^40 / (bic_scale·10). */
			uint64_t cube_factor = ((uint64_t)1 << (10 + 3 * BICTCP_HZ)) /
					       (lc_bic_scale(cc) * 10);
			ca->bic_k = lc_cube_root(cube_factor * (ca->last_max_cwnd - cwnd));
			ca->bic_origin_point = ca->last_max_cwnd;
		}
	}
	/* t − K with t = time since the epoch began plus the minimum RTT (the cubic
	 * looks one RTT ahead), in 1/1024 s. */
	uint64_t t = (uint64_t)(now - ca->epoch_start) + (uint64_t)lc_to_jiffies(cc, ca->delay_min);
	t = (t << BICTCP_HZ) / hz;
	uint64_t offs = t < ca->bic_k ? ca->bic_k - t : t - ca->bic_k;
	/* C/rtt·(t − K)^3 with cube_rtt_scale = bic_scale·10. */
	uint32_t delta = (uint32_t)((lc_bic_scale(cc) * 10 * offs * offs * offs) >> (10 + 3 * BICTCP_HZ));
	uint32_t target = t < ca->bic_k ? ca->bic_origin_point - delta : ca->bic_origin_point + delta;
	if (target > cwnd)
		ca->cnt = cwnd / (target - cwnd);
	else
		ca->cnt = 100 * cwnd; /* a very small increment */
	/* Until the first loss the bandwidth is unknown: at least 5 % per RTT. */
	if (ca->last_max_cwnd == 0 && ca->cnt > 20)
		ca->cnt = 20;
}

/* Linux bictcp_update: cnt for this ACK of `acked` packets. */
static void lc_update(const struct tcp_cc *cc, struct lcubic *ca, uint32_t cwnd, uint32_t acked)
{
	int64_t now = lc_jiffies(cc, cc->now);
	ca->ack_cnt += acked; /* packets acknowledged */
	if (ca->last_cwnd == cwnd && now - ca->last_time <= lc_hz(cc) / 32)
		return;
	/* cnt changes at most once per jiffy; every reduction ends the epoch, which
	 * forces a new one. */
	if (!(ca->epoch && now == ca->last_time)) {
		ca->last_cwnd = cwnd;
		ca->last_time = now;
		lc_cubic_cnt(cc, ca, cwnd, acked, now);
	}
	if (cubic_params(cc)->reno_friendly) {
		/* The Reno-friendly estimate grows by one packet per cwnd·beta_scale/8
		 * packets acknowledged: beta_scale = 8(1024 + β)/3/(1024 − β) (15 for β
		 * 717), Linux's fixed α = 3(1 − β)/(1 + β) per RTT. */
		uint32_t beta = lc_beta(cc);
		uint32_t scale = 8 * (BICTCP_BETA_SCALE + beta) / 3 / (BICTCP_BETA_SCALE - beta);
		uint32_t d = (uint32_t)(((uint64_t)cwnd * scale) >> 3);
		if (d == 0)
			d = 1;
		while (ca->ack_cnt > d) {
			ca->ack_cnt -= d;
			ca->tcp_cwnd++;
		}
		if (ca->tcp_cwnd > cwnd) { /* CUBIC is slower than Reno */
			uint32_t max_cnt = cwnd / (ca->tcp_cwnd - cwnd);
			if (ca->cnt > max_cnt)
				ca->cnt = max_cnt;
		}
	}
	/* At most one packet per two acknowledged: cwnd grows at most 1.5× per RTT. */
	ca->cnt = MAX(ca->cnt, 2u);
}

static void lc_cong_avoid(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	struct lcubic ca;
	uint32_t acked = ack->acked;

	if (!ack->cwnd_limited)
		return; /* Linux tcp_is_cwnd_limited */
	if (tcp_cc_in_slow_start(cc)) {
		acked = tcp_cc_slow_start(cc, acked);
		if (acked == 0)
			return;
	}
	lc_load(cc, &ca);
	lc_update(cc, &ca, cc->cwnd, acked);
	lc_store(cc, &ca);
	tcp_cc_cong_avoid_ai(cc, ca.cnt, acked);
}

/* Linux cubictcp_recalc_ssthresh. */
static uint32_t lc_ssthresh(struct tcp_cc *cc)
{
	struct lcubic ca;
	uint32_t beta = lc_beta(cc);

	lc_load(cc, &ca);
	ca.epoch = false; /* the end of the epoch */
	/* W_max, and fast convergence: losing below the last W_max releases more. */
	if (cc->cwnd < ca.last_max_cwnd && cubic_params(cc)->fast_convergence)
		ca.last_max_cwnd = (uint32_t)((uint64_t)cc->cwnd * (BICTCP_BETA_SCALE + beta) /
					      (2 * BICTCP_BETA_SCALE));
	else
		ca.last_max_cwnd = cc->cwnd;
	lc_store(cc, &ca);
	return MAX((uint32_t)((uint64_t)cc->cwnd * beta / BICTCP_BETA_SCALE), 2u);
}

static void lc_state(struct tcp_cc *cc, enum tcp_ca_state s)
{
	struct lcubic ca;

	lc_load(cc, &ca);
	ca.in_recovery = s == TCP_CA_RECOVERY;
	if (s == TCP_CA_LOSS) {
		/* Linux cubictcp_state: a timeout forgets everything. */
		lc_reset(&ca);
		lc_hystart_reset(cc, &ca);
	}
	lc_store(cc, &ca);
}

static void lc_cwnd_event(struct tcp_cc *cc, enum tcp_ca_event ev)
{
	struct lcubic ca;

	if (ev != TCP_CA_EVENT_TX_START)
		return;
	lc_load(cc, &ca);
	/* Linux cubictcp_cwnd_event: after an idle (application-limited) period the
	 * epoch moves forward by its length, so the window keeps to the curve. */
	int64_t now = lc_jiffies(cc, cc->now);
	int64_t delta = now - lc_jiffies(cc, cc->lsndtime);
	if (ca.epoch && delta > 0) {
		ca.epoch_start += delta;
		if (ca.epoch_start > now)
			ca.epoch_start = now;
	}
	lc_store(cc, &ca);
}

/* Linux hystart_ack_delay: the pacing rate's room for one GSO burst (64 KB), at most
 * 1 ms. netsim does not pace, but Linux computes sk_pacing_rate anyway
 * (tcp_update_pacing_rate: 200 % of cwnd·mss/srtt in slow start). */
static sim_time_t lc_ack_delay(const struct tcp_cc *cc)
{
	if (cc->srtt <= 0)
		return 0;
	uint64_t pkts = MAX(cc->cwnd, cc->flight);
	double rate = 2.0 * (double)pkts * cc->mss / ((double)cc->srtt / 1e9); /* bytes/s */
	double d = 65536.0 * 4.0 / rate * 1e9;
	return d >= (double)SIM_MS(1) ? SIM_MS(1) : (sim_time_t)d;
}

/* Linux hystart_update: ends slow start (ssthresh = cwnd) when the ACKs of a round
 * stretch past half the minimum RTT (a train), or the round's smallest RTT rose
 * above delay_min by delay_min/8 (4 to 16 ms). */
static void lc_hystart(struct tcp_cc *cc, struct lcubic *ca, sim_time_t delay)
{
	const struct tcp_cc_cubic_params *p = cubic_params(cc);
	if (!ca->round_valid || seq_gt(cc->snd_una, ca->end_seq))
		lc_hystart_reset(cc, ca);
	if (cc->cwnd < p->hystart_low_window)
		return;
	if (p->hystart_detect & TCP_CC_HYSTART_ACK_TRAIN) {
		if (cc->now - ca->last_ack <= p->hystart_ack_delta) {
			ca->last_ack = cc->now;
			/* Without pacing (no fq) Linux halves the threshold. */
			sim_time_t threshold = (ca->delay_min + lc_ack_delay(cc)) >> 1;
			if (cc->now - ca->round_start > threshold) {
				ca->found = true;
				cc->ssthresh = cc->cwnd;
			}
		}
	}
	if (p->hystart_detect & TCP_CC_HYSTART_DELAY) {
		if (ca->curr_rtt > delay)
			ca->curr_rtt = delay;
		if (ca->sample_cnt < HYSTART_MIN_SAMPLES) {
			ca->sample_cnt++;
		} else if (ca->curr_rtt >
			   ca->delay_min + CLAMP(ca->delay_min >> 3, HYSTART_DELAY_MIN, HYSTART_DELAY_MAX)) {
			ca->found = true;
			cc->ssthresh = cc->cwnd;
		}
	}
}

/* Linux cubictcp_acked. */
static void lc_pkts_acked(struct tcp_cc *cc, const struct tcp_cc_sample *s)
{
	struct lcubic ca;

	if (s->rtt < 0)
		return;
	lc_load(cc, &ca);
	/* No delay samples in the second after a reduction began an epoch. */
	if (ca.epoch && lc_jiffies(cc, cc->now) - ca.epoch_start < lc_hz(cc))
		return;
	sim_time_t delay = s->rtt > 0 ? s->rtt : 1;
	if (ca.delay_min == 0 || ca.delay_min > delay)
		ca.delay_min = delay;
	if (!ca.found && tcp_cc_in_slow_start(cc) && cubic_params(cc)->hystart)
		lc_hystart(cc, &ca, delay);
	lc_store(cc, &ca);
}

static void lc_info(const struct tcp_cc *cc, struct tcp_cc_cubic_info *info)
{
	struct lcubic ca;

	lc_load(cc, &ca);
	*info = (struct tcp_cc_cubic_info){
		.w_max = ca.last_max_cwnd,
		.epoch_started = ca.epoch,
		.cwnd_epoch = ca.last_cwnd,
		.t_epoch = (sim_time_t)((uint64_t)ca.epoch_start * SIM_S(1) / lc_hz(cc)),
		.k = (sim_time_t)((uint64_t)ca.bic_k * SIM_S(1) / 1024),
		.in_recovery = ca.in_recovery,
		.cnt = ca.cnt,
		.tcp_cwnd = ca.tcp_cwnd,
		.delay_min = ca.delay_min,
		.hystart_found = ca.found,
	};
}

/* ================= the ops: bytes or packets ================= */

static void cubic_init(struct tcp_cc *cc)
{
	const struct tcp_cc_cubic_params *p = cubic_params(cc);

	if (p->beta_permille == 0 || p->beta_permille >= 1000 || p->c_permille == 0)
		g_error("cubic: beta must lie in (0, 1) and C be positive (got %u‰, %u‰)",
			p->beta_permille, p->c_permille);
	/* Linux cubictcp_init: HyStart's first round begins with the first ACK here
	 * (lc_hystart), as the kernel's, started at connection set-up, ends at it. */
}

static void cubic_cong_avoid_hook(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	if (cc->packets)
		lc_cong_avoid(cc, ack);
	else
		cubic_on_ack(cc, ack);
}

static uint32_t cubic_ssthresh(struct tcp_cc *cc)
{
	return cc->packets ? lc_ssthresh(cc) : cubic_ssthresh_bytes(cc);
}

static void cubic_set_state(struct tcp_cc *cc, enum tcp_ca_state s)
{
	if (cc->packets)
		lc_state(cc, s);
	else
		cubic_state_bytes(cc, s);
}

static void cubic_cwnd_event(struct tcp_cc *cc, enum tcp_ca_event ev)
{
	if (cc->packets)
		lc_cwnd_event(cc, ev);
}

static void cubic_pkts_acked(struct tcp_cc *cc, const struct tcp_cc_sample *s)
{
	if (cc->packets)
		lc_pkts_acked(cc, s);
}

void tcp_cc_cubic_get_info(const struct tcp_cc *cc, struct tcp_cc_cubic_info *info)
{
	g_assert(cc->ops == &tcp_cc_cubic);
	if (cc->packets)
		lc_info(cc, info);
	else
		cubic_info_bytes(cc, info);
}

const struct tcp_cc_ops tcp_cc_cubic = {
	.name = "cubic",
	.recovery = TCP_CC_RECOVERY_NEWRENO,
	.init = cubic_init,
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid_hook,
	.undo_cwnd = tcp_cc_reno_undo_cwnd, /* Linux: tcp_reno_undo_cwnd */
	.set_state = cubic_set_state,
	.cwnd_event = cubic_cwnd_event,
	.pkts_acked = cubic_pkts_acked,
};
