/* models/link/q_fq_codel.c — FQ-CoDel (RFC 8290), following Linux's sch_fq_codel.c
 * where the RFC leaves a choice.
 *
 * Enqueue (RFC 8290 §4.1.1): the packet's flow hash (seeded from the discipline's RNG
 * stream, so which flows share a queue depends on the run's seed and nothing else)
 * picks one of `flows` queues; a queue on neither list joins the tail of the new-flows
 * list with a full quantum of credit. Past the limit, the overload rule (§4.1.2,
 * Linux fq_codel_drop()): the flow with the largest backlog (the lowest index among
 * equals) loses packets from its head — up to drop_batch of them, stopping once half
 * its backlog is gone — and its CoDel count grows by as many, so its control law
 * speeds up too. The packet just enqueued may be among them.
 *
 * Dequeue (§4.2, Linux fq_codel_dequeue()): deficit round robin over the new list,
 * then the old list. A flow whose credit is spent gets another quantum and goes to
 * the old list's tail; otherwise CoDel (codel.c, per-flow state, shared target and
 * interval) dequeues from it. A flow found empty leaves the lists — except that an
 * empty new flow first moves to the old list if that list is not empty, so a flow
 * cannot keep the new-flow priority by emptying its queue each round.
 *
 * Complexity: enqueue and dequeue O(1) amortised; the overload rule scans the flows
 * (O(flows)) once per batch of drops, as Linux does.
 */
#include <glib.h>

#include "models/link/codel.h"

#define FQ_NONE UINT32_MAX

enum fq_list_id {
	FQ_LIST_NONE = 0,
	FQ_LIST_NEW,
	FQ_LIST_OLD,
};

struct fq_flow {
	struct qdisc_fifo fifo;
	struct codel_vars cvars;
	int64_t deficit;   /* DRR credit, bytes */
	uint32_t next;     /* next flow on the same list */
	uint8_t list;      /* enum fq_list_id */
};

struct fq_list {
	uint32_t head, tail; /* FQ_NONE when empty */
};

struct fq_codel {
	struct qdisc q;
	struct fq_flow *flows;
	uint32_t n_flows;
	uint32_t quantum;
	uint64_t seed;
	struct fq_list new_flows, old_flows;
};

static void list_push_tail(struct fq_codel *fq, struct fq_list *l, uint32_t i, uint8_t id)
{
	struct fq_flow *f = &fq->flows[i];
	f->next = FQ_NONE;
	f->list = id;
	if (l->tail == FQ_NONE)
		l->head = i;
	else
		fq->flows[l->tail].next = i;
	l->tail = i;
}

static uint32_t list_pop_head(struct fq_codel *fq, struct fq_list *l)
{
	uint32_t i = l->head;
	struct fq_flow *f = &fq->flows[i];
	l->head = f->next;
	if (l->head == FQ_NONE)
		l->tail = FQ_NONE;
	f->next = FQ_NONE;
	f->list = FQ_LIST_NONE;
	return i;
}

static void fq_init(struct qdisc *q)
{
	struct fq_codel *fq = (struct fq_codel *)q;
	fq->n_flows = q->cfg.fq.flows;
	fq->quantum = q->cfg.fq.quantum ? q->cfg.fq.quantum : q->mtu;
	fq->flows = g_new0(struct fq_flow, fq->n_flows);
	for (uint32_t i = 0; i < fq->n_flows; i++)
		fq->flows[i].next = FQ_NONE;
	fq->new_flows.head = fq->new_flows.tail = FQ_NONE;
	fq->old_flows.head = fq->old_flows.tail = FQ_NONE;
	fq->seed = sim_rng_u64(&q->rng);
}

static uint32_t classify(const struct fq_codel *fq, const struct sim_packet *pkt)
{
	uint32_t h = fq->q.pkt ? fq->q.pkt->flow_hash(pkt, fq->seed) : 0;
	/* Linux reciprocal_scale(): the hash's high bits pick the bucket. */
	return (uint32_t)(((uint64_t)h * fq->n_flows) >> 32);
}

/* RFC 8290 §4.1.2 overload: drop from the head of the fattest flow. */
static void fq_drop_fattest(struct fq_codel *fq, sim_time_t now)
{
	uint32_t idx = 0;
	uint64_t max_backlog = 0;
	for (uint32_t i = 0; i < fq->n_flows; i++) {
		if (fq->flows[i].fifo.bytes > max_backlog) {
			max_backlog = fq->flows[i].fifo.bytes;
			idx = i;
		}
	}
	struct fq_flow *f = &fq->flows[idx];
	uint64_t threshold = max_backlog >> 1, len = 0;
	uint32_t n = 0;
	do {
		struct sim_packet *pkt = qdisc_fifo_pop(&fq->q, &f->fifo);
		len += pkt->len;
		qdisc_drop(&fq->q, pkt, QDISC_OVERLIMIT, now);
	} while (++n < fq->q.cfg.fq.drop_batch && len < threshold && f->fifo.n > 0);
	/* Linux fq_codel_drop(): tell CoDel to raise its signal strength too. */
	f->cvars.count += n;
}

static void fq_enqueue(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	struct fq_codel *fq = (struct fq_codel *)q;
	uint32_t idx = classify(fq, pkt);
	struct fq_flow *f = &fq->flows[idx];
	qdisc_fifo_push(q, &f->fifo, pkt, now);
	if (f->list == FQ_LIST_NONE) {
		list_push_tail(fq, &fq->new_flows, idx, FQ_LIST_NEW);
		f->deficit = fq->quantum;
	}
	bool over = (q->cfg.limit_packets && q->qlen > q->cfg.limit_packets) ||
	            (q->cfg.limit_bytes && q->backlog > q->cfg.limit_bytes);
	if (over)
		fq_drop_fattest(fq, now);
}

static struct sim_packet *fq_dequeue(struct qdisc *q, sim_time_t now)
{
	struct fq_codel *fq = (struct fq_codel *)q;
	for (;;) {
		struct fq_list *head = &fq->new_flows;
		if (head->head == FQ_NONE) {
			head = &fq->old_flows;
			if (head->head == FQ_NONE)
				return NULL;
		}
		uint32_t idx = head->head;
		struct fq_flow *f = &fq->flows[idx];
		if (f->deficit <= 0) {
			f->deficit += fq->quantum;
			list_pop_head(fq, head);
			list_push_tail(fq, &fq->old_flows, idx, FQ_LIST_OLD);
			continue;
		}
		struct sim_packet *pkt = codel_dequeue(q, &f->fifo, &f->cvars, now);
		if (pkt == NULL) {
			list_pop_head(fq, head);
			/* An emptied new flow passes through the old list (no starvation). */
			if (head == &fq->new_flows && fq->old_flows.head != FQ_NONE)
				list_push_tail(fq, &fq->old_flows, idx, FQ_LIST_OLD);
			continue;
		}
		f->deficit -= pkt->len;
		return pkt;
	}
}

static void fq_fini(struct qdisc *q)
{
	struct fq_codel *fq = (struct fq_codel *)q;
	for (uint32_t i = 0; i < fq->n_flows; i++)
		qdisc_fifo_purge(q, &fq->flows[i].fifo);
	g_free(fq->flows);
	fq->flows = NULL;
}

const struct qdisc_ops qdisc_fq_codel_ops = {
	.type = QUEUE_FQ_CODEL,
	.name = "fq_codel",
	.size = sizeof(struct fq_codel),
	.init = fq_init,
	.enqueue = fq_enqueue,
	.dequeue = fq_dequeue,
	.fini = fq_fini,
};
