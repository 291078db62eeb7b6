/* models/link/q_red.c — Random Early Detection (Floyd & Jacobson, "Random Early
 * Detection Gateways for Congestion Avoidance", IEEE/ACM ToN 1993), with the gentle
 * variant (Floyd, 2000), byte mode (the paper §4's size-scaled probability) and
 * Adaptive RED (Floyd, Gummadi & Shenker, 2001).
 *
 * Per arriving packet, the paper's Figure 2:
 *   avg ← (1 − wq)·avg + wq·q                  queue non-empty
 *   avg ← (1 − wq)^m·avg, m = idle / s         queue empty since q_time, s = the
 *                                              time to send `avpkt` bytes
 *   min ≤ avg < max:  count++, pb = max_p·(avg − min)/(max − min),
 *                     [byte mode: pb·size/MTU], pa = pb/(1 − count·pb);
 *                     with probability pa drop (or mark), count ← 0
 *   max ≤ avg:        gentle and avg < 2·max: as above with
 *                     pb = max_p + (1 − max_p)·(avg − max)/max;
 *                     otherwise drop (ECN: mark unless harddrop), count ← 0
 *   avg < min:        count ← −1
 * q is the number of packets (or bytes, with thresholds given as sizes) waiting,
 * before this one; the queue is "empty" (idle time starts) when a dequeue leaves
 * nothing waiting, as in ns-2. The RED decision comes first, then the limit (a
 * packet that passes RED is refused at the limit: Linux red_enqueue()).
 *
 * Adaptive RED (the paper's Figure 3, Linux red_adaptative_algo()): every 500 ms,
 * when avg is above the target band [min + 0.4·(max − min), min + 0.6·(max − min)]
 * and max_p ≤ 0.5, max_p += min(0.01, max_p/4); below it and max_p ≥ 0.01,
 * max_p ·= 0.9. The steps run, in order, at the first arrival after each 500-ms
 * boundary, on the average as it was at the boundary (decayed by any idle time up to
 * it), which is what a timer would see. Unless wq or burst is given, adaptive RED
 * takes wq = 1 − exp(−1/C), C the link's rate in avpkt packets per second (§4 of the
 * 2001 paper); plain RED takes the 1993 paper's 0.002.
 *
 * ECN (RFC 3168 §5, Linux red_enqueue()): with `ecn`, an early (probabilistic) drop
 * of an ECN-capable packet becomes a CE mark; above max (non-gentle, or past 2·max)
 * too unless `harddrop`.
 */
#include <math.h>

#include "models/link/qdisc.h"

#define RED_ADAPT_INTERVAL SIM_MS(500)

struct red {
	struct qdisc q;
	struct qdisc_fifo fifo;
	double avg;        /* average queue, packets or bytes */
	int64_t count;     /* packets since the last drop or mark; −1 below min */
	bool idle;         /* nothing waiting since q_time */
	sim_time_t q_time; /* start of the idle period */
	double wq, max_p;
	double s_ns;       /* time to send avpkt bytes, ns */
	sim_time_t next_adapt;
};

static void red_init(struct qdisc *q)
{
	struct red *r = (struct red *)q;
	const struct queue_red_config *c = &q->cfg.red;
	r->avg = 0;
	r->count = -1;
	r->idle = true;
	r->q_time = 0;
	r->max_p = c->probability;
	r->s_ns = (double)c->avpkt * 8.0 * 1e9 / (double)q->bandwidth_bps;
	if (c->wq > 0)
		r->wq = c->wq;
	else if (c->burst > 0)
		r->wq = queue_red_wq_from_burst(c);
	else if (c->adaptive)
		r->wq = 1.0 - exp(-1.0 / (1e9 / r->s_ns));
	else
		r->wq = 0.002;
	r->next_adapt = RED_ADAPT_INTERVAL;
}

/* The average as it would be at `t` after idling since q_time. */
static double idle_avg(const struct red *r, sim_time_t t)
{
	double m = (double)(t - r->q_time) / r->s_ns;
	return pow(1.0 - r->wq, m) * r->avg;
}

/* Adaptive RED: the 500-ms steps due by `now`. */
static void red_adapt(struct red *r, sim_time_t now)
{
	const struct queue_red_config *c = &r->q.cfg.red;
	double lo = (double)c->min + 0.4 * (double)(c->max - c->min);
	double hi = (double)c->min + 0.6 * (double)(c->max - c->min);
	while (now >= r->next_adapt) {
		double avg = r->idle && r->q.qlen == 0 ? idle_avg(r, r->next_adapt) : r->avg;
		if (avg > hi && r->max_p <= 0.5)
			r->max_p += fmin(0.01, r->max_p / 4);
		else if (avg < lo && r->max_p >= 0.01)
			r->max_p *= 0.9;
		r->next_adapt += RED_ADAPT_INTERVAL;
	}
}

/* pa = pb / (1 − count·pb) drawn against a uniform number. */
static bool red_draw(struct red *r, double pb, uint32_t bytes)
{
	if (r->q.cfg.red.bytemode)
		pb = pb * (double)bytes / (double)r->q.mtu;
	double denom = 1.0 - (double)r->count * pb;
	double pa = denom <= 0.0 ? 1.0 : pb / denom;
	return sim_rng_uniform(&r->q.rng) < pa;
}

enum red_verdict { RED_PASS, RED_EARLY, RED_HARD };

/* The paper's per-arrival decision on the updated average. */
static enum red_verdict red_decide(struct red *r, uint32_t bytes)
{
	const struct queue_red_config *c = &r->q.cfg.red;
	double min = (double)c->min, max = (double)c->max;
	double pb;
	if (r->avg < min) {
		r->count = -1;
		return RED_PASS;
	}
	if (r->avg < max) {
		pb = r->max_p * (r->avg - min) / (max - min);
	} else if (c->gentle && r->avg < 2 * max) {
		pb = r->max_p + (1.0 - r->max_p) * (r->avg - max) / max;
	} else {
		r->count = 0;
		return RED_HARD;
	}
	r->count++;
	if (!red_draw(r, pb, bytes))
		return RED_PASS;
	r->count = 0;
	return RED_EARLY;
}

static void red_enqueue(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	struct red *r = (struct red *)q;
	const struct queue_red_config *c = &q->cfg.red;
	if (c->adaptive)
		red_adapt(r, now);
	if (q->qlen > 0)
		r->avg = (1.0 - r->wq) * r->avg + r->wq * (double)(c->bytes ? q->backlog : q->qlen);
	else
		r->avg = idle_avg(r, now);
	r->idle = false;
	enum red_verdict v = red_decide(r, pkt->len);
	if (v != RED_PASS) {
		bool may_mark = q->cfg.ecn && (v == RED_EARLY || !c->harddrop);
		if (!may_mark || !qdisc_mark(q, pkt, now)) {
			qdisc_drop(q, pkt, QDISC_AQM_DROP, now);
			return;
		}
	}
	if (qdisc_over_limit(q, pkt->len)) {
		qdisc_drop(q, pkt, QDISC_OVERLIMIT, now);
		return;
	}
	qdisc_fifo_push(q, &r->fifo, pkt, now);
}

static struct sim_packet *red_dequeue(struct qdisc *q, sim_time_t now)
{
	struct red *r = (struct red *)q;
	struct sim_packet *pkt = qdisc_fifo_pop(q, &r->fifo);
	if (q->qlen == 0 && !r->idle) {
		r->idle = true;
		r->q_time = now;
	}
	return pkt;
}

/* The drop probability pb at the current average (before the count correction). */
static void red_probe(const struct qdisc *q, double *avg, double *prob)
{
	const struct red *r = (const struct red *)q;
	const struct queue_red_config *c = &q->cfg.red;
	double min = (double)c->min, max = (double)c->max;
	*avg = r->avg;
	if (r->avg < min)
		*prob = 0;
	else if (r->avg < max)
		*prob = r->max_p * (r->avg - min) / (max - min);
	else if (c->gentle && r->avg < 2 * max)
		*prob = r->max_p + (1.0 - r->max_p) * (r->avg - max) / max;
	else
		*prob = 1;
}

static void red_fini(struct qdisc *q)
{
	qdisc_fifo_purge(q, &((struct red *)q)->fifo);
}

const struct qdisc_ops qdisc_red_ops = {
	.type = QUEUE_RED,
	.name = "red",
	.size = sizeof(struct red),
	.init = red_init,
	.enqueue = red_enqueue,
	.dequeue = red_dequeue,
	.fini = red_fini,
	.probe = red_probe,
};
