/* models/tcp/cc.c — the congestion-control registry, the tcp_cc_*() wrappers TCP
 * calls, the RFC recoveries' window rules, and the window arithmetic the algorithms
 * share.
 *
 * Where it sits: TCP (models/tcp/) detects loss and runs recovery; it calls the
 * hooks of the selected algorithm (cc_reno.c, cc_newreno.c, cc_cubic.c) through the
 * wrappers below, which NULL-check the optional ones. The RFC recoveries' own window
 * arithmetic (RFC 5681 §3.2 inflation and deflation, RFC 6582's exit, the loss window)
 * is here too, as tcp_cc_on_*(), shared by recovery.c's algorithms; Linux's recovery
 * (recovery_linux.c) does its own (PRR). The helpers at the end are the Linux
 * tcp_cong.c pattern: tcp_slow_start, tcp_cong_avoid_ai, tcp_reno_*.
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
	X(cubic)           \
	X(dctcp)

#define TCP_CC_OPS(n) &tcp_cc_##n,
#define TCP_CC_NAME(n) #n,
static const struct tcp_cc_ops *const tcp_cc_registry[] = { TCP_CC_REGISTRY(TCP_CC_OPS) };
static const char *const tcp_cc_name_list[] = { TCP_CC_REGISTRY(TCP_CC_NAME) NULL };

static const struct tcp_cc_config tcp_cc_defaults = {
	.growth = TCP_CC_GROWTH_BYTES,
	.recovery_exit = TCP_CC_EXIT_FLIGHT,
	.abc_l_segments = 2, /* RFC 3465 §2.2: L = 2·SMSS, as Linux */
	.rto_keeps_recovery_ssthresh = true, /* Linux tcp_enter_loss */
	.hz = 250, /* Linux's default CONFIG_HZ (kernel/Kconfig.hz) */
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
	/* The required hooks (Linux tcp_validate_congestion_control: ssthresh,
	 * undo_cwnd and cong_avoid); init, set_state, cwnd_event and pkts_acked are
	 * optional. */
	if (ops->ssthresh == NULL || ops->cong_avoid == NULL || ops->undo_cwnd == NULL)
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

/* One SMSS in the window's unit. */
static uint32_t unit(const struct tcp_cc *cc)
{
	return cc->packets ? 1 : cc->mss;
}

void tcp_cc_init(struct tcp_cc *cc, const struct tcp_cc_ops *ops, const struct tcp_cc_config *cfg,
		 const void *params, uint32_t mss, uint32_t initial_window, bool packets)
{
	if (tcp_cc_validate(ops) != 0)
		g_error("tcp_cc_init: invalid ops table '%s'",
			ops && ops->name ? ops->name : "(null)");
	if (mss == 0 || initial_window < (packets ? 1 : mss))
		g_error("tcp_cc_init: initial window %u below one SMSS (%u)", initial_window, mss);
	if (cfg == NULL)
		cfg = &tcp_cc_defaults;
	memset(cc, 0, sizeof *cc);
	cc->ops = ops;
	cc->cfg = cfg;
	cc->params = params;
	cc->mss = mss;
	cc->packets = packets;
	cc->ca_state = TCP_CA_OPEN;
	cc->cwnd = MIN(initial_window, TCP_CC_CWND_MAX); /* RFC 5681 §3.1 IW; RFC 6928 */
	cc->ssthresh = TCP_CC_INFINITE;                 /* RFC 5681 §3.1 "arbitrarily high" */
	if (ops->init)
		ops->init(cc);
}

/* The invariant every hook keeps: one SMSS (the loss window, the smallest window
 * TCP ever uses, RFC 5681 §3.1) <= cwnd <= TCP_CC_CWND_MAX. */
void tcp_cc_check(const struct tcp_cc *cc, const char *what)
{
	if (G_UNLIKELY(cc->cwnd < unit(cc) || cc->cwnd > TCP_CC_CWND_MAX))
		g_error("tcp_cc: %s.%s left cwnd %u outside [%u, %u]", cc->ops->name, what, cc->cwnd,
			unit(cc), TCP_CC_CWND_MAX);
}

/* ---- the hooks ---- */

uint32_t tcp_cc_ssthresh(struct tcp_cc *cc)
{
	uint32_t s = cc->ops->ssthresh(cc);
	/* Never below two segments (RFC 5681 eqn. 4; Linux's algorithms return at
	 * least 2). */
	return MAX(s, 2 * unit(cc));
}

void tcp_cc_cong_avoid(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	cc->ops->cong_avoid(cc, ack);
	tcp_cc_check(cc, "cong_avoid");
}

uint32_t tcp_cc_undo_cwnd(struct tcp_cc *cc)
{
	uint32_t w = cc->ops->undo_cwnd(cc);
	return CLAMP(w, unit(cc), TCP_CC_CWND_MAX);
}

void tcp_cc_set_state(struct tcp_cc *cc, enum tcp_ca_state s)
{
	/* Linux tcp_set_ca_state: the algorithm hears of it before the change. */
	if (cc->ops->set_state)
		cc->ops->set_state(cc, s);
	cc->ca_state = s;
}

void tcp_cc_cwnd_event(struct tcp_cc *cc, enum tcp_ca_event ev)
{
	if (cc->ops->cwnd_event)
		cc->ops->cwnd_event(cc, ev);
}

void tcp_cc_pkts_acked(struct tcp_cc *cc, const struct tcp_cc_sample *s)
{
	if (cc->ops->pkts_acked)
		cc->ops->pkts_acked(cc, s);
}

void tcp_cc_in_ack_event(struct tcp_cc *cc, bool ece)
{
	if (cc->ops->in_ack_event)
		cc->ops->in_ack_event(cc, ece);
}

/* ---- the RFC recoveries' window rules ---- */

void tcp_cc_on_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	cc->rto_streak = 0; /* new data acknowledged: a later RTO is a first one again */
	if (cc->ca_state == TCP_CA_LOSS)
		tcp_cc_set_state(cc, TCP_CA_OPEN);
	tcp_cc_cong_avoid(cc, ack);
}

void tcp_cc_on_loss(struct tcp_cc *cc)
{
	/* Byte counting restarts after a reduction (Linux tcp_init_cwnd_reduction
	 * clears snd_cwnd_cnt): credit earned by the old window must not grow the
	 * new one. */
	cc->cwnd_cnt = 0;
	/* RFC 5681 §3.2 step 2: ssthresh (eqn. 4 for Reno, β·cwnd for CUBIC, RFC 9438
	 * §4.6); step 3: cwnd = ssthresh + 3·SMSS, inflating the window by the three
	 * segments the duplicate ACKs say have left the network. */
	cc->ssthresh = tcp_cc_ssthresh(cc);
	cc->cwnd = (uint32_t)MIN(cc->ssthresh + (uint64_t)3 * cc->mss, (uint64_t)TCP_CC_CWND_MAX);
	tcp_cc_set_state(cc, TCP_CA_RECOVERY);
	tcp_cc_check(cc, "on_loss");
}

static uint32_t cwnd_add(uint32_t cwnd, uint64_t inc)
{
	uint64_t v = (uint64_t)cwnd + inc;
	return v > TCP_CC_CWND_MAX ? TCP_CC_CWND_MAX : (uint32_t)v;
}

void tcp_cc_on_dupack(struct tcp_cc *cc)
{
	/* RFC 5681 §3.2 step 4: each further duplicate ACK means a segment left the
	 * network; inflate cwnd by SMSS so a new segment may be sent (RFC 6582 keeps
	 * it). */
	cc->cwnd = cwnd_add(cc->cwnd, cc->mss);
}

void tcp_cc_on_partial_ack(struct tcp_cc *cc, uint32_t acked)
{
	cc->rto_streak = 0;
	if (cc->ops->recovery != TCP_CC_RECOVERY_NEWRENO)
		return; /* Reno's recovery ends at the first partial ACK: no deflation */
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

/* RFC 6582 §3.2 step 3 (full ACK). Option (1): cwnd = min(ssthresh, max(FlightSize,
 * SMSS) + SMSS), chosen over option (2), cwnd = ssthresh, because netsim's TCP does
 * not pace: when little data is outstanding at the end of recovery, option (2)
 * would release a line-rate burst of up to ssthresh bytes, which the RFC asks
 * option-(2) implementations to avoid by other means. With the usual FlightSize near
 * ssthresh the two agree. Option (2) when configured (ns-3's rule). */
static void newreno_exit(struct tcp_cc *cc)
{
	uint64_t w = (uint64_t)MAX(cc->flight, cc->mss) + cc->mss;
	if (cc->cfg->recovery_exit == TCP_CC_EXIT_SSTHRESH)
		w = cc->ssthresh;
	cc->cwnd = (uint32_t)MIN(MIN(w, (uint64_t)cc->ssthresh), (uint64_t)TCP_CC_CWND_MAX);
}

void tcp_cc_on_recovery_exit(struct tcp_cc *cc)
{
	cc->rto_streak = 0;
	if (cc->ops->recovery == TCP_CC_RECOVERY_NEWRENO)
		newreno_exit(cc);
	else
		/* RFC 5681 §3.2 step 6: on the ACK of new data, "set cwnd to the value
		 * of ssthresh" — deflating the window inflated during recovery. */
		cc->cwnd = MIN(cc->ssthresh, TCP_CC_CWND_MAX);
	tcp_cc_set_state(cc, TCP_CA_OPEN);
	tcp_cc_check(cc, "on_recovery_exit");
}

bool tcp_cc_rto_sets_ssthresh(const struct tcp_cc *cc)
{
	if (cc->rto_streak > 0)
		return false; /* RFC 5681 §3.1: ssthresh held on a repeated timeout */
	return !(cc->ca_state == TCP_CA_RECOVERY && cc->cfg->rto_keeps_recovery_ssthresh);
}

void tcp_cc_on_rto(struct tcp_cc *cc)
{
	cc->cwnd_cnt = 0; /* as on loss (Linux tcp_enter_loss) */
	/* RFC 5681 §3.1 eqn. 4 on a retransmission timeout (RFC 9438 §4.8: β·cwnd for
	 * CUBIC), unless ssthresh is held (a repeated timeout; one during fast recovery
	 * under the linux profile). */
	if (tcp_cc_rto_sets_ssthresh(cc))
		cc->ssthresh = tcp_cc_ssthresh(cc);
	/* A timeout ends fast recovery (RFC 6582 §3.2 step 4). */
	tcp_cc_set_state(cc, TCP_CA_LOSS);
	/* RFC 5681 §3.1: cwnd = the loss window, LW = 1 SMSS. */
	cc->cwnd = cc->mss;
	if (cc->rto_streak < UINT32_MAX)
		cc->rto_streak++;
}

void tcp_cc_on_ece(struct tcp_cc *cc)
{
	/* RFC 3168 §6.1.2: "the TCP source halves the congestion window "cwnd" and
	 * reduces the slow start threshold "ssthresh"" — the algorithm's ssthresh, as
	 * for a loss, without fast retransmit's inflation; and no growth credit carried
	 * over. */
	cc->cwnd_cnt = 0;
	cc->prior_cwnd = cc->cwnd;
	cc->ssthresh = tcp_cc_ssthresh(cc);
	cc->cwnd = MAX(cc->ssthresh, cc->packets ? 1u : cc->mss);
	tcp_cc_set_state(cc, TCP_CA_CWR);
	tcp_cc_check(cc, "on_ece");
}

/* ---- shared window arithmetic ---- */

uint32_t tcp_cc_slow_start(struct tcp_cc *cc, uint32_t acked)
{
	uint64_t inc, cwnd;
	uint32_t used;

	if (!tcp_cc_in_slow_start(cc))
		return acked;
	if (cc->packets)
		/* Linux tcp_slow_start: one packet per packet delivered, however many
		 * one ACK covers (no L: Linux counts what was delivered). */
		inc = acked;
	else if (cc->cfg->growth == TCP_CC_GROWTH_PER_ACK)
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

/* Linux tcp_cong_avoid_ai: snd_cwnd_cnt counts packets delivered; each w of them add
 * one packet, several at once for a large ACK. */
static void ai_packets(struct tcp_cc *cc, uint32_t w, uint32_t acked)
{
	/* Credit earned at a larger w (CUBIC's w moves every ACK) is applied gently:
	 * one packet, and the count starts again. */
	if (cc->cwnd_cnt >= w) {
		cc->cwnd_cnt = 0;
		cc->cwnd = cwnd_add(cc->cwnd, 1);
	}
	cc->cwnd_cnt += acked;
	if (cc->cwnd_cnt >= w) {
		uint32_t delta = cc->cwnd_cnt / w;
		cc->cwnd_cnt -= delta * w;
		cc->cwnd = cwnd_add(cc->cwnd, delta);
	}
}

void tcp_cc_cong_avoid_ai(struct tcp_cc *cc, uint32_t w, uint32_t acked)
{
	uint64_t count, n;

	if (acked == 0)
		return;
	if (w == 0)
		w = 1;
	if (cc->packets) {
		ai_packets(cc, w, acked);
		return;
	}
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
	count = (uint64_t)cc->cwnd_cnt + acked;
	if (count >= w) {
		n = count / w;
		count -= n * w;
		cc->cwnd = cwnd_add(cc->cwnd, n * cc->mss);
	}
	cc->cwnd_cnt = (uint32_t)MIN(count, (uint64_t)UINT32_MAX);
}

uint32_t tcp_cc_reno_ssthresh(struct tcp_cc *cc)
{
	/* Linux tcp_reno_ssthresh: half the window, from cwnd (not FlightSize). */
	if (cc->packets)
		return MAX(cc->cwnd >> 1, 2u);
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

uint32_t tcp_cc_reno_undo_cwnd(struct tcp_cc *cc)
{
	/* Linux tcp_reno_undo_cwnd: back to at least the window before the
	 * reduction. */
	return MAX(cc->cwnd, cc->prior_cwnd);
}
