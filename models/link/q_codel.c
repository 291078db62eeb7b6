/* models/link/q_codel.c — CoDel (RFC 8289) on one FIFO, as Linux's sch_codel.c: the
 * limit (tc-codel(8) default 1000 packets) refuses arrivals at the tail; everything
 * else happens at dequeue (codel.c). */
#include "models/link/codel.h"

struct codel_q {
	struct qdisc q;
	struct qdisc_fifo fifo;
	struct codel_vars vars;
};

static void codel_enqueue(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	struct codel_q *c = (struct codel_q *)q;
	if (qdisc_over_limit(q, pkt->len)) {
		qdisc_drop(q, pkt, QDISC_OVERLIMIT, now);
		return;
	}
	qdisc_fifo_push(q, &c->fifo, pkt, now);
}

static struct sim_packet *codel_q_dequeue(struct qdisc *q, sim_time_t now)
{
	struct codel_q *c = (struct codel_q *)q;
	return codel_dequeue(q, &c->fifo, &c->vars, now);
}

static void codel_fini(struct qdisc *q)
{
	qdisc_fifo_purge(q, &((struct codel_q *)q)->fifo);
}

const struct qdisc_ops qdisc_codel_ops = {
	.type = QUEUE_CODEL,
	.name = "codel",
	.size = sizeof(struct codel_q),
	.enqueue = codel_enqueue,
	.dequeue = codel_q_dequeue,
	.fini = codel_fini,
};
