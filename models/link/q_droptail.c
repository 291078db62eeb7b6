/* models/link/q_droptail.c — drop-tail through the queue-discipline interface: one
 * FIFO, a packet that would pass the packet or byte limit is refused.
 *
 * link.c does not use it for scenarios (its timeline, queue.h, is the same discipline
 * at no cost per packet); it is the reference the fast path is tested against, and the
 * simplest example of the interface. */
#include "models/link/qdisc.h"

struct droptail {
	struct qdisc q;
	struct qdisc_fifo fifo;
};

static void droptail_enqueue(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	struct droptail *d = (struct droptail *)q;
	if (qdisc_over_limit(q, pkt->len)) {
		qdisc_drop(q, pkt, QDISC_OVERLIMIT, now);
		return;
	}
	qdisc_fifo_push(q, &d->fifo, pkt, now);
}

static struct sim_packet *droptail_dequeue(struct qdisc *q, sim_time_t now)
{
	(void)now;
	return qdisc_fifo_pop(q, &((struct droptail *)q)->fifo);
}

static void droptail_fini(struct qdisc *q)
{
	qdisc_fifo_purge(q, &((struct droptail *)q)->fifo);
}

const struct qdisc_ops qdisc_droptail_ops = {
	.type = QUEUE_DROPTAIL,
	.name = "droptail",
	.size = sizeof(struct droptail),
	.enqueue = droptail_enqueue,
	.dequeue = droptail_dequeue,
	.fini = droptail_fini,
};
