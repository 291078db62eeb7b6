/* models/link/codel.c — see codel.h. Each function is a step of RFC 8289 §5. */
#include "models/link/codel.h"

#include <math.h>

sim_time_t codel_control_law(sim_time_t t, sim_time_t interval, uint32_t count)
{
	return t + (sim_time_t)((double)interval / sqrt((double)count));
}

/* RFC 8289 §5.5 dodequeue(): the head of f, and whether the sojourn time has been at
 * or above target for at least an interval (ok_to_drop). */
static struct sim_packet *dodequeue(struct qdisc *q, struct qdisc_fifo *f, struct codel_vars *v,
                                    sim_time_t now, bool *ok_to_drop)
{
	const struct queue_codel_config *p = &q->cfg.codel;
	struct sim_packet *pkt = qdisc_fifo_pop(q, f);
	*ok_to_drop = false;
	if (pkt == NULL) {
		/* The queue is empty: we cannot be above target. */
		v->first_above_time = 0;
		return NULL;
	}
	sim_time_t sojourn = now - pkt->stamp;
	/* Below target, or too little queued to keep the link busy (the backlog term
	 * matters when an MTU takes longer than target to send). */
	if (sojourn < p->target || q->backlog <= q->mtu) {
		v->first_above_time = 0;
	} else if (v->first_above_time == 0) {
		/* Just went above: if still above an interval from now, it is ok to drop. */
		v->first_above_time = now + p->interval;
	} else if (now >= v->first_above_time) {
		*ok_to_drop = true;
	}
	return pkt;
}

/* Drops pkt, or with ECN marks it; returns true when it was marked (and is to be
 * sent). */
static bool drop_or_mark(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	if (q->cfg.ecn && qdisc_mark(q, pkt, now))
		return true;
	qdisc_drop(q, pkt, QDISC_AQM_DROP, now);
	return false;
}

/* In the dropping state: drop at drop_next and after, while still ok to drop. */
static struct sim_packet *dropping_dequeue(struct qdisc *q, struct qdisc_fifo *f,
                                           struct codel_vars *v, struct sim_packet *pkt,
                                           bool ok_to_drop, sim_time_t now)
{
	const sim_time_t interval = q->cfg.codel.interval;
	if (!ok_to_drop)
		v->dropping = false; /* sojourn time below target: leave the state */
	/* A large backlog may call for the next drop at once, hence the loop. */
	while (v->dropping && now >= v->drop_next) {
		bool marked = drop_or_mark(q, pkt, now);
		++v->count;
		if (marked) {
			v->drop_next = codel_control_law(v->drop_next, interval, v->count);
			return pkt;
		}
		pkt = dodequeue(q, f, v, now, &ok_to_drop);
		if (!ok_to_drop)
			v->dropping = false;
		else
			v->drop_next = codel_control_law(v->drop_next, interval, v->count);
	}
	return pkt;
}

struct sim_packet *codel_dequeue(struct qdisc *q, struct qdisc_fifo *f, struct codel_vars *v,
                                 sim_time_t now)
{
	const sim_time_t interval = q->cfg.codel.interval;
	bool ok_to_drop;
	struct sim_packet *pkt = dodequeue(q, f, v, now, &ok_to_drop);
	if (pkt == NULL) {
		v->dropping = false; /* an empty queue ends the dropping state */
		return NULL;
	}
	if (v->dropping)
		return dropping_dequeue(q, f, v, pkt, ok_to_drop, now);
	if (!ok_to_drop)
		return pkt;
	/* Above target for an interval: drop (or mark) and enter the dropping state. */
	if (!drop_or_mark(q, pkt, now))
		pkt = dodequeue(q, f, v, now, &ok_to_drop);
	v->dropping = true;
	/* If the last cycle ended recently, resume near its drop rate (RFC 8289 §5.5,
	 * "the Linux version"). */
	uint32_t delta = v->count - v->lastcount;
	v->count = 1;
	if (delta > 1 && now - v->drop_next < 16 * interval)
		v->count = delta;
	v->drop_next = codel_control_law(now, interval, v->count);
	v->lastcount = v->count;
	return pkt;
}
