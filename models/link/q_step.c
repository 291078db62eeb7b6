/* models/link/q_step.c — a DCTCP-style step marker (Alizadeh et al., "Data Center
 * TCP", SIGCOMM 2010, §3.1): an arriving ECN-capable packet is marked CE when the
 * queue it joins already holds more than K (packets, or bytes when k is a size) — the
 * instantaneous queue, no averaging. Nothing else is dropped early: Not-ECT packets
 * are only refused at the limit, like drop-tail. */
#include "models/link/qdisc.h"

struct step {
	struct qdisc q;
	struct qdisc_fifo fifo;
};

static void step_enqueue(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	struct step *s = (struct step *)q;
	if (qdisc_over_limit(q, pkt->len)) {
		qdisc_drop(q, pkt, QDISC_OVERLIMIT, now);
		return;
	}
	uint64_t held = q->cfg.step.bytes ? q->backlog : q->qlen;
	if (held > q->cfg.step.k)
		qdisc_mark(q, pkt, now); /* a Not-ECT packet passes unmarked */
	qdisc_fifo_push(q, &s->fifo, pkt, now);
}

static struct sim_packet *step_dequeue(struct qdisc *q, sim_time_t now)
{
	(void)now;
	return qdisc_fifo_pop(q, &((struct step *)q)->fifo);
}

static void step_fini(struct qdisc *q)
{
	qdisc_fifo_purge(q, &((struct step *)q)->fifo);
}

const struct qdisc_ops qdisc_step_ops = {
	.type = QUEUE_STEP,
	.name = "step",
	.size = sizeof(struct step),
	.enqueue = step_enqueue,
	.dequeue = step_dequeue,
	.fini = step_fini,
};
