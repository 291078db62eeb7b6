/* models/tcp/cc.c — the congestion-control registry, the tcp_cc_*() wrappers TCP
 * calls, and the window arithmetic the algorithms share.
 *
 * Where it sits: TCP (models/tcp/) detects ACKs, duplicate ACKs, partial ACKs and
 * timeouts and calls the wrappers below; the wrappers call the selected algorithm's
 * hooks (cc_reno.c, cc_newreno.c, cc_cubic.c), which change only cwnd and ssthresh
 * in struct tcp_cc, mostly through the shared helpers at the end of this file (the
 * Linux tcp_cong.c pattern: tcp_slow_start, tcp_cong_avoid_ai, tcp_reno_*).
 */
#include "models/tcp/cc.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

/* The registry: one line per algorithm, X(name) for the ops table tcp_cc_<name>
 * whose .name is "<name>" (tests/cc checks that they agree). The table of ops and
 * the list of names (the `cc` knob's values) are both made from it. */
#define TCP_CC_REGISTRY(X) \
	X(reno)            \
	X(newreno)         \
	X(cubic)

#define TCP_CC_OPS(n) &tcp_cc_##n,
#define TCP_CC_NAME(n) #n,
static const struct tcp_cc_ops *const tcp_cc_registry[] = { TCP_CC_REGISTRY(TCP_CC_OPS) };
static const char *const tcp_cc_name_list[] = { TCP_CC_REGISTRY(TCP_CC_NAME) NULL };

static const struct tcp_cc_config tcp_cc_defaults = {
	.growth = TCP_CC_GROWTH_BYTES,
	.recovery_exit = TCP_CC_EXIT_FLIGHT,
	.abc_l_segments = 2, /* RFC 3465 §2.2: L = 2·SMSS, as Linux */
	.rto_keeps_recovery_ssthresh = true, /* Linux tcp_enter_loss */
};

void tcp_cc_config_default(struct tcp_cc_config *cfg)
{
	*cfg = tcp_cc_defaults;
}

int tcp_cc_validate(const struct tcp_cc_ops *ops)
{
	if (ops == NULL || ops->name == NULL || ops->name[0] == '\0')
		return -EINVAL;
	if (ops->recovery != TCP_CC_RECOVERY_RENO && ops->recovery != TCP_CC_RECOVERY_NEWRENO)
		return -EINVAL;
	/* The required hooks; init, on_dupack and on_partial_ack are optional. */
	if (ops->on_ack == NULL || ops->on_loss == NULL || ops->on_recovery_exit == NULL ||
	    ops->on_rto == NULL)
		return -EINVAL;
	return 0;
}

const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(tcp_cc_registry); i++) {
		const struct tcp_cc_ops *ops = tcp_cc_registry[i];
		if (strcmp(ops->name, name) == 0) {
			/* A built-in table with a hole is a programming error, caught on
			 * first use rather than as a NULL call deep inside TCP. */
			if (tcp_cc_validate(ops) != 0)
				g_error("tcp_cc: algorithm '%s' lacks a required hook", ops->name);
			return ops;
		}
	}
	return NULL;
}

const char *const *tcp_cc_names(void)
{
	return tcp_cc_name_list;
}

void tcp_cc_init(struct tcp_cc *cc, const struct tcp_cc_ops *ops, const struct tcp_cc_config *cfg,
		 const void *params, uint32_t mss, uint32_t initial_window)
{
	if (tcp_cc_validate(ops) != 0)
		g_error("tcp_cc_init: invalid ops table '%s'",
			ops && ops->name ? ops->name : "(null)");
	if (mss == 0 || initial_window < mss)
		g_error("tcp_cc_init: initial window %u below SMSS %u", initial_window, mss);
	if (cfg == NULL)
		cfg = &tcp_cc_defaults;
	memset(cc, 0, sizeof *cc);
	cc->ops = ops;
	cc->cfg = cfg;
	cc->params = params;
	cc->mss = mss;
	cc->cwnd = MIN(initial_window, TCP_CC_CWND_MAX); /* RFC 5681 §3.1 IW; RFC 6928 */
	cc->ssthresh = TCP_CC_INFINITE;                 /* RFC 5681 §3.1 "arbitrarily high" */
	if (ops->init)
		ops->init(cc);
}

/* The invariant every hook keeps: 1 SMSS (the loss window, the smallest window TCP
 * ever uses, RFC 5681 §3.1) <= cwnd <= TCP_CC_CWND_MAX. */
static void tcp_cc_check(const struct tcp_cc *cc, const char *hook)
{
	if (G_UNLIKELY(cc->cwnd < cc->mss || cc->cwnd > TCP_CC_CWND_MAX))
		g_error("tcp_cc: %s.%s left cwnd %u outside [SMSS %u, %u]", cc->ops->name, hook,
			cc->cwnd, cc->mss, TCP_CC_CWND_MAX);
}

void tcp_cc_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	cc->rto_streak = 0; /* new data acknowledged: a later RTO is a first one again */
	cc->ops->on_ack(cc, ack);
	tcp_cc_check(cc, "on_ack");
}

void tcp_cc_on_loss(struct tcp_cc *cc)
{
	/* Byte counting restarts after a reduction (Linux tcp_init_cwnd_reduction
	 * clears snd_cwnd_cnt): credit earned by the old window must not grow the
	 * new one. */
	cc->bytes_acked = 0;
	cc->ops->on_loss(cc);
	cc->in_recovery = true;
	tcp_cc_check(cc, "on_loss");
}

void tcp_cc_on_dupack(struct tcp_cc *cc)
{
	if (cc->ops->on_dupack == NULL)
		return;
	cc->ops->on_dupack(cc);
	tcp_cc_check(cc, "on_dupack");
}

void tcp_cc_on_partial_ack(struct tcp_cc *cc, uint32_t acked)
{
	cc->rto_streak = 0;
	if (cc->ops->on_partial_ack == NULL)
		return;
	cc->ops->on_partial_ack(cc, acked);
	tcp_cc_check(cc, "on_partial_ack");
}

void tcp_cc_on_recovery_exit(struct tcp_cc *cc)
{
	cc->rto_streak = 0;
	cc->ops->on_recovery_exit(cc);
	cc->in_recovery = false;
	tcp_cc_check(cc, "on_recovery_exit");
}

bool tcp_cc_rto_sets_ssthresh(const struct tcp_cc *cc)
{
	if (cc->rto_streak > 0)
		return false; /* RFC 5681 §3.1: ssthresh held on a repeated timeout */
	return !(cc->in_recovery && cc->cfg->rto_keeps_recovery_ssthresh);
}

void tcp_cc_reno_timeout(struct tcp_cc *cc)
{
	/* RFC 5681 §3.1 eqn. 4 on a retransmission timeout, unless ssthresh is held
	 * (a repeated timeout; one during fast recovery under the linux profile). */
	if (tcp_cc_rto_sets_ssthresh(cc))
		cc->ssthresh = tcp_cc_reno_ssthresh(cc);
	/* RFC 5681 §3.1: cwnd = the loss window, LW = 1 SMSS. */
	cc->cwnd = cc->mss;
}

void tcp_cc_on_rto(struct tcp_cc *cc)
{
	cc->bytes_acked = 0; /* as on loss (Linux tcp_enter_loss) */
	cc->ops->on_rto(cc);
	cc->in_recovery = false; /* a timeout ends fast recovery (RFC 6582 §3.2 step 4) */
	if (cc->rto_streak < UINT32_MAX)
		cc->rto_streak++;
	tcp_cc_check(cc, "on_rto");
}

/* ---- shared window arithmetic ---- */

static uint32_t cwnd_add(uint32_t cwnd, uint64_t inc)
{
	uint64_t v = (uint64_t)cwnd + inc;
	return v > TCP_CC_CWND_MAX ? TCP_CC_CWND_MAX : (uint32_t)v;
}

uint32_t tcp_cc_slow_start(struct tcp_cc *cc, uint32_t acked)
{
	uint64_t inc, cwnd;
	uint32_t used;

	if (!tcp_cc_in_slow_start(cc))
		return acked;
	if (cc->cfg->growth == TCP_CC_GROWTH_PER_ACK)
		/* RFC 5681 §3.1 eqn. 2: cwnd += min(N, SMSS) for each ACK of new data,
		 * however many segments it covers (the classic rule, ns-3's). */
		inc = MIN(acked, cc->mss);
	else
		/* RFC 3465 §2.2: cwnd += min(N, L·SMSS); L caps what one stretch ACK
		 * (or an ACK after ACK loss) can add. */
		inc = MIN((uint64_t)acked, (uint64_t)cc->cfg->abc_l_segments * cc->mss);

	cwnd = (uint64_t)cc->cwnd + inc;
	if (cwnd < cc->ssthresh) {
		cc->cwnd = cwnd_add(cc->cwnd, inc);
		return 0;
	}
	/* Slow start stops at ssthresh (RFC 5681 §3.1: slow start while cwnd <
	 * ssthresh); what the ACK acknowledged beyond the growth that reached
	 * ssthresh is left for congestion avoidance, as Linux tcp_slow_start does. */
	used = cc->ssthresh - cc->cwnd;
	cc->cwnd = MIN(cc->ssthresh, TCP_CC_CWND_MAX);
	return acked > used ? acked - used : 0;
}

void tcp_cc_cong_avoid_ai(struct tcp_cc *cc, uint32_t w, uint32_t acked)
{
	uint64_t count, n;

	if (acked == 0)
		return;
	if (w == 0)
		w = 1;
	if (cc->cfg->growth == TCP_CC_GROWTH_PER_ACK) {
		/* RFC 5681 §3.1 eqn. 3: cwnd += SMSS·SMSS/cwnd per ACK (w = cwnd for
		 * Reno), "rounded up to 1 byte" when the division gives 0. */
		uint64_t inc = (uint64_t)cc->mss * cc->mss / w;
		cc->cwnd = cwnd_add(cc->cwnd, inc ? inc : 1);
		return;
	}
	/* RFC 3465 §2.1 (and RFC 5681 §3.1): count the bytes acknowledged; each time
	 * the count reaches w (cwnd for Reno), subtract w and add one SMSS. Several at
	 * once for an ACK covering more than w, as Linux tcp_cong_avoid_ai. */
	count = (uint64_t)cc->bytes_acked + acked;
	if (count >= w) {
		n = count / w;
		count -= n * w;
		cc->cwnd = cwnd_add(cc->cwnd, n * cc->mss);
	}
	cc->bytes_acked = (uint32_t)MIN(count, (uint64_t)UINT32_MAX);
}

uint32_t tcp_cc_reno_ssthresh(const struct tcp_cc *cc)
{
	/* RFC 5681 §3.1 eqn. 4: ssthresh = max(FlightSize / 2, 2·SMSS). */
	return MAX(cc->flight / 2, 2 * cc->mss);
}

void tcp_cc_reno_cong_avoid(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	uint32_t acked = ack->acked;

	/* Grow only when the window, not the application or the receiver, limited
	 * sending (RFC 7661 §4.2; Linux tcp_is_cwnd_limited): an unused window has
	 * not been validated by the network. */
	if (!ack->cwnd_limited)
		return;
	if (tcp_cc_in_slow_start(cc)) {
		acked = tcp_cc_slow_start(cc, acked);
		if (acked == 0)
			return;
	}
	/* RFC 5681 §3.1 congestion avoidance: one SMSS per cwnd of data acked. */
	tcp_cc_cong_avoid_ai(cc, cc->cwnd, acked);
}

void tcp_cc_reno_inflate(struct tcp_cc *cc)
{
	/* RFC 5681 §3.2 step 4: each further duplicate ACK means a segment left the
	 * network; inflate cwnd by SMSS so a new segment may be sent. */
	cc->cwnd = cwnd_add(cc->cwnd, cc->mss);
}

void tcp_cc_newreno_deflate(struct tcp_cc *cc, uint32_t acked)
{
	/* RFC 6582 §3.2 step 3 (partial ACK): "deflate the congestion window by the
	 * amount of new data acknowledged", then "add back SMSS bytes" if at least
	 * one SMSS was acknowledged. */
	uint32_t cwnd = cc->cwnd > acked ? cc->cwnd - acked : 0;
	if (acked >= cc->mss)
		cwnd = cwnd_add(cwnd, cc->mss);
	/* Deviation: the RFC sets no floor; cwnd never goes below the loss window
	 * (1 SMSS, RFC 5681 §3.1), so a partial ACK larger than the inflated window
	 * cannot stall the sender. */
	cc->cwnd = MAX(cwnd, cc->mss);
}

void tcp_cc_newreno_exit(struct tcp_cc *cc)
{
	/* RFC 6582 §3.2 step 3 (full ACK), option (1): cwnd = min(ssthresh,
	 * max(FlightSize, SMSS) + SMSS). Chosen over option (2), cwnd = ssthresh,
	 * because netsim's TCP does not pace: when little data is outstanding at the
	 * end of recovery, option (2) would release a line-rate burst of up to
	 * ssthresh bytes, which the RFC asks option-(2) implementations to avoid by
	 * other means. With the usual FlightSize near ssthresh the two agree. */
	uint64_t w = (uint64_t)MAX(cc->flight, cc->mss) + cc->mss;
	/* Option (2), cwnd = ssthresh, when configured (ns-3's rule). */
	if (cc->cfg->recovery_exit == TCP_CC_EXIT_SSTHRESH)
		w = cc->ssthresh;
	cc->cwnd = (uint32_t)MIN(MIN(w, (uint64_t)cc->ssthresh), (uint64_t)TCP_CC_CWND_MAX);
}
