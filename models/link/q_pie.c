/* models/link/q_pie.c — PIE, Proportional Integral controller Enhanced (RFC 8033).
 *
 * Latency: measured with timestamps (RFC 8033 §5.2 allows either way; Linux's
 * default): current_qdelay is the sojourn time of the last packet dequeued, and 0
 * once a dequeue leaves the queue empty (Linux pie_process_dequeue()). The departure
 * rate estimator is not implemented.
 *
 * Every T_UPDATE, calculate_drop_prob() (RFC 8033 §4.2, Appendix B):
 *   p = alpha·(qdelay − QDELAY_REF) + beta·(qdelay − qdelay_old)   (seconds)
 *   auto-tuning (§4.2): p scaled by 1/2048 below drop_prob 0.000001, 1/512 below
 *   0.00001, 1/128 below 0.0001, 1/32 below 0.001, 1/8 below 0.01, 1/2 below 0.1;
 *   cap (§5.5): with drop_prob ≥ 0.1 a step is at most 0.02;
 *   drop_prob += p; decay (§4.2): ·0.98 when qdelay and qdelay_old are both 0;
 *   bounded to [0, 1]; burst_allowance −= T_UPDATE (not below 0), and back to
 *   MAX_BURST when drop_prob is 0 and both delays are under QDELAY_REF/2 (§4.4).
 * The updates are not scheduler events: before each enqueue and dequeue, the updates
 * due by then run in order on the state as it was at their instant (it changes only
 * at enqueues and dequeues), which is exactly what a timer at k·T_UPDATE would do;
 * an idle stretch settles at its fixed point after one step and is skipped.
 *
 * On arrival (RFC 8033 §4.1, §5.1, §5.4): past the limit, tail drop; otherwise
 * drop_early() lets the packet in while burst_allowance lasts, while qdelay_old is
 * under QDELAY_REF/2 with drop_prob under 0.2, or while at most two MTUs are queued
 * (MEAN_PKTSIZE taken as the link MTU, as Linux does); else derandomised dropping
 * (§5.4): accu_prob sums drop_prob, no drop below 0.85, a drop at 8.5 or more, in
 * between a drop with probability drop_prob (accu_prob reset on a random drop).
 * With ECN (§5.1), an ECN-capable packet to be dropped is marked instead while
 * drop_prob ≤ 10 % (mark_ecnth). In byte mode the probability is scaled by
 * size / MTU (Linux pie_drop_early()).
 */
#include <math.h>

#include "models/link/qdisc.h"

#define PIE_MARK_ECNTH 0.1

struct pie {
	struct qdisc q;
	struct qdisc_fifo fifo;
	double drop_prob;
	sim_time_t qdelay;     /* current_qdelay */
	sim_time_t qdelay_old; /* at the previous update */
	sim_time_t burst_allowance;
	double accu_prob;
	sim_time_t next_update;
};

static void pie_init(struct qdisc *q)
{
	struct pie *p = (struct pie *)q;
	p->burst_allowance = q->cfg.pie.max_burst;
	p->next_update = q->cfg.pie.tupdate;
}

/* RFC 8033 §4.2 auto-tuning of alpha and beta by the current drop probability. */
static double autotune(double p, double drop_prob)
{
	if (drop_prob < 0.000001)
		return p / 2048;
	if (drop_prob < 0.00001)
		return p / 512;
	if (drop_prob < 0.0001)
		return p / 128;
	if (drop_prob < 0.001)
		return p / 32;
	if (drop_prob < 0.01)
		return p / 8;
	if (drop_prob < 0.1)
		return p / 2;
	return p;
}

static void calculate_drop_prob(struct pie *p)
{
	const struct queue_pie_config *c = &p->q.cfg.pie;
	double qd = (double)p->qdelay / 1e9, qd_old = (double)p->qdelay_old / 1e9;
	double ref = (double)c->target / 1e9;
	double dp = c->alpha * (qd - ref) + c->beta * (qd - qd_old);
	dp = autotune(dp, p->drop_prob);
	if (p->drop_prob >= 0.1 && dp > 0.02)
		dp = 0.02; /* §5.5 cap drop adjustment */
	p->drop_prob += dp;
	if (p->qdelay == 0 && p->qdelay_old == 0)
		p->drop_prob *= 0.98;
	p->drop_prob = fmin(1.0, fmax(0.0, p->drop_prob));
	p->burst_allowance =
	    p->burst_allowance > c->tupdate ? p->burst_allowance - c->tupdate : 0;
	if (p->drop_prob == 0.0 && p->qdelay < c->target / 2 && p->qdelay_old < c->target / 2)
		p->burst_allowance = c->max_burst;
	p->qdelay_old = p->qdelay;
}

/* The updates due by `now`. */
static void pie_catch_up(struct pie *p, sim_time_t now)
{
	const sim_time_t tu = p->q.cfg.pie.tupdate;
	while (now >= p->next_update) {
		if (p->drop_prob == 0.0 && p->qdelay == 0 && p->qdelay_old == 0 &&
		    p->burst_allowance == p->q.cfg.pie.max_burst) {
			/* Idle fixed point: later updates change nothing. */
			p->next_update += ((now - p->next_update) / tu + 1) * tu;
			return;
		}
		calculate_drop_prob(p);
		p->next_update += tu;
	}
}

/* RFC 8033 §4.1 drop_early() with §5.4 derandomisation: true = drop. */
static bool drop_early(struct pie *p, uint32_t bytes)
{
	const struct qdisc *q = &p->q;
	if (p->burst_allowance > 0)
		return false;
	if (p->qdelay_old < q->cfg.pie.target / 2 && p->drop_prob < 0.2)
		return false;
	if (q->backlog <= 2 * (uint64_t)q->mtu)
		return false;
	double prob = p->drop_prob;
	if (q->cfg.pie.bytemode && bytes <= q->mtu)
		prob = prob * (double)bytes / (double)q->mtu;
	if (prob == 0.0)
		p->accu_prob = 0;
	p->accu_prob += prob;
	if (p->accu_prob < 0.85)
		return false;
	if (p->accu_prob >= 8.5)
		return true;
	if (sim_rng_uniform(&p->q.rng) < prob) {
		p->accu_prob = 0;
		return true;
	}
	return false;
}

static void pie_enqueue(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	struct pie *p = (struct pie *)q;
	pie_catch_up(p, now);
	if (qdisc_over_limit(q, pkt->len)) {
		qdisc_drop(q, pkt, QDISC_OVERLIMIT, now);
		return;
	}
	if (drop_early(p, pkt->len)) {
		bool marked = q->cfg.ecn && p->drop_prob <= PIE_MARK_ECNTH && qdisc_mark(q, pkt, now);
		if (!marked) {
			qdisc_drop(q, pkt, QDISC_AQM_DROP, now);
			return;
		}
	}
	qdisc_fifo_push(q, &p->fifo, pkt, now);
}

static struct sim_packet *pie_dequeue(struct qdisc *q, sim_time_t now)
{
	struct pie *p = (struct pie *)q;
	pie_catch_up(p, now);
	struct sim_packet *pkt = qdisc_fifo_pop(q, &p->fifo);
	if (pkt)
		p->qdelay = q->qlen == 0 ? 0 : now - pkt->stamp;
	return pkt;
}

static void pie_probe(const struct qdisc *q, double *avg, double *prob)
{
	*avg = NAN;
	*prob = ((const struct pie *)q)->drop_prob;
}

static void pie_fini(struct qdisc *q)
{
	qdisc_fifo_purge(q, &((struct pie *)q)->fifo);
}

const struct qdisc_ops qdisc_pie_ops = {
	.type = QUEUE_PIE,
	.name = "pie",
	.size = sizeof(struct pie),
	.init = pie_init,
	.enqueue = pie_enqueue,
	.dequeue = pie_dequeue,
	.fini = pie_fini,
	.probe = pie_probe,
};
