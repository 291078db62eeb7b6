/* models/tcp/cc_dctcp.c — Data Center TCP (RFC 8257; Alizadeh et al., SIGCOMM 2010;
 * Linux net/ipv4/tcp_dctcp.c).
 *
 * The sender keeps α, a moving estimate of the fraction of its packets the network
 * marked CE: once per window of data (when snd_una passes the snd_nxt of the last
 * update) α ← (1 − g)·α + g·F, F the fraction of the packets delivered in that window
 * whose ACKs carried ECE (RFC 8257 §3.3, with Linux's counts tp->delivered and
 * tp->delivered_ce, which tcp_cc hands in as delivered and delivered_ce). A window
 * with marks is reduced once, to cwnd·(1 − α/2) (RFC 8257 §3.3 eqn. 2): TCP enters
 * its CWR state on the echo and asks ssthresh(), which answers with that. Loss is
 * Reno's halving (dctcp_react_to_loss), growth Reno's.
 *
 * The receiver's half — echo exactly the CE state of the data, one ACK per change
 * even with delayed ACKs (RFC 8257 §3.2) — is TCP's (ecn.c), which runs it for any
 * algorithm with needs_ecn. Without ECN negotiated DCTCP falls back to Reno, as
 * Linux's dctcp_init swaps in dctcp_reno.
 *
 * Arithmetic as Linux's: α × 1024 in integers, ssthresh = cwnd − cwnd·α/2048, at
 * least two packets (two SMSS in bytes).
 */
#include "models/tcp/cc_dctcp.h"

#include <string.h>

#include <glib.h>

#include "models/tcp/seq.h"

const struct tcp_cc_dctcp_params tcp_cc_dctcp_defaults = {
	.shift_g = 4,
	.alpha_on_init = TCP_CC_DCTCP_ALPHA_ONE,
};

/* DCTCP's state (Linux struct dctcp), in tcp_cc.priv. */
struct dctcp {
	uint32_t alpha;            /* α × 1024 */
	uint32_t next_seq;         /* end of the current observation window */
	uint32_t old_delivered;    /* delivered when it began */
	uint32_t old_delivered_ce; /* delivered_ce when it began */
	uint32_t loss_cwnd;        /* cwnd at the last reduction */
	bool started;              /* next_seq is set (the first ACK closes a window) */
};

_Static_assert(sizeof(struct dctcp) <= sizeof(((struct tcp_cc *)0)->priv),
	       "struct dctcp must fit in tcp_cc.priv");

static void load(const struct tcp_cc *cc, struct dctcp *d)
{
	memcpy(d, cc->priv, sizeof *d);
}

static void store(struct tcp_cc *cc, const struct dctcp *d)
{
	memcpy(cc->priv, d, sizeof *d);
}

static const struct tcp_cc_dctcp_params *params(const struct tcp_cc *cc)
{
	return cc->params ? cc->params : &tcp_cc_dctcp_defaults;
}

static uint32_t min_window(const struct tcp_cc *cc)
{
	return cc->packets ? 2u : 2u * cc->mss;
}

/* Linux dctcp_reset: a new observation window from now. */
static void reset(const struct tcp_cc *cc, struct dctcp *d)
{
	d->next_seq = cc->snd_nxt;
	d->old_delivered = cc->delivered;
	d->old_delivered_ce = cc->delivered_ce;
	d->started = true;
}

static void dctcp_init(struct tcp_cc *cc)
{
	struct dctcp d = { 0 };
	d.alpha = MIN(params(cc)->alpha_on_init, TCP_CC_DCTCP_ALPHA_ONE);
	store(cc, &d);
}

/* RFC 8257 §3.3 step 5 (Linux dctcp_update_alpha), once the window that began at
 * the last update is acknowledged: α ← α − α·g + g·F with F = delivered_ce /
 * delivered in the window. As Linux, α − α·g drops to 0 once α·g rounds to 0. */
static void dctcp_in_ack_event(struct tcp_cc *cc, bool ece)
{
	(void)ece; /* counted into delivered_ce already */
	if (!cc->ecn_ok)
		return;
	struct dctcp d;
	load(cc, &d);
	if (d.started && seq_lt(cc->snd_una, d.next_seq))
		return;
	uint32_t shift = params(cc)->shift_g;
	uint32_t delivered = cc->delivered - d.old_delivered;
	uint64_t delivered_ce = cc->delivered_ce - d.old_delivered_ce;
	uint32_t alpha = d.alpha;
	uint32_t decay = alpha >> shift;
	alpha -= decay ? decay : alpha;
	if (delivered_ce) {
		delivered_ce <<= 10 - shift;
		delivered_ce /= MAX(1u, delivered);
		uint64_t a = (uint64_t)alpha + delivered_ce;
		alpha = (uint32_t)MIN(a, (uint64_t)TCP_CC_DCTCP_ALPHA_ONE);
	}
	d.alpha = alpha;
	reset(cc, &d);
	store(cc, &d);
}

/* RFC 8257 §3.3 eqn. 2 (Linux dctcp_ssthresh): cwnd·(1 − α/2). */
static uint32_t dctcp_ssthresh(struct tcp_cc *cc)
{
	if (!cc->ecn_ok)
		return tcp_cc_reno_ssthresh(cc);
	struct dctcp d;
	load(cc, &d);
	d.loss_cwnd = cc->cwnd;
	store(cc, &d);
	uint64_t cut = ((uint64_t)cc->cwnd * d.alpha) >> 11;
	return MAX(cc->cwnd - (uint32_t)cut, min_window(cc));
}

/* Linux dctcp_react_to_loss: a loss halves the window as Reno's would. */
static void react_to_loss(struct tcp_cc *cc)
{
	struct dctcp d;
	load(cc, &d);
	d.loss_cwnd = cc->cwnd;
	store(cc, &d);
	cc->ssthresh = MAX(cc->cwnd >> 1, min_window(cc));
}

/* Linux dctcp_state: entering fast recovery is a loss (the RTO is cwnd_event's).
 * Under `recovery: linux` only: the RFC recoveries (bytes) set the window from
 * ssthresh() before they tell the state, so there a loss reduces by α as a mark does. */
static void dctcp_set_state(struct tcp_cc *cc, enum tcp_ca_state new_state)
{
	if (cc->ecn_ok && cc->packets && new_state == TCP_CA_RECOVERY &&
	    cc->ca_state != TCP_CA_RECOVERY)
		react_to_loss(cc);
}

static void dctcp_cwnd_event(struct tcp_cc *cc, enum tcp_ca_event ev)
{
	if (cc->ecn_ok && ev == TCP_CA_EVENT_LOSS)
		react_to_loss(cc);
}

/* Linux dctcp_cwnd_undo: back to the window before the last reduction. */
static uint32_t dctcp_undo_cwnd(struct tcp_cc *cc)
{
	if (!cc->ecn_ok)
		return tcp_cc_reno_undo_cwnd(cc);
	struct dctcp d;
	load(cc, &d);
	return MAX(cc->cwnd, d.loss_cwnd);
}

void tcp_cc_dctcp_get_info(const struct tcp_cc *cc, struct tcp_cc_dctcp_info *info)
{
	struct dctcp d;
	load(cc, &d);
	info->alpha = d.alpha;
	info->next_seq = d.next_seq;
	info->loss_cwnd = d.loss_cwnd;
	info->fallback = !cc->ecn_ok;
}

const struct tcp_cc_ops tcp_cc_dctcp = {
	.name = "dctcp",
	.recovery = TCP_CC_RECOVERY_NEWRENO,
	.init = dctcp_init,
	.ssthresh = dctcp_ssthresh,
	.cong_avoid = tcp_cc_reno_cong_avoid,
	.undo_cwnd = dctcp_undo_cwnd,
	.set_state = dctcp_set_state,
	.cwnd_event = dctcp_cwnd_event,
	.in_ack_event = dctcp_in_ack_event,
	.needs_ecn = true,
};
