/* models/link/qdisc.c — see qdisc.h: the configuration, the registry and the helpers
 * every discipline shares. */
#include "models/link/qdisc.h"

#include <glib.h>
#include <string.h>

#include "sim/core/sim.h"

static const char *const type_names[QUEUE_N_TYPES] = {
	[QUEUE_DROPTAIL] = "droptail", [QUEUE_RED] = "red", [QUEUE_CODEL] = "codel",
	[QUEUE_FQ_CODEL] = "fq_codel", [QUEUE_PIE] = "pie", [QUEUE_STEP] = "step",
};

static const struct qdisc_ops *const registry[QUEUE_N_TYPES] = {
	[QUEUE_DROPTAIL] = &qdisc_droptail_ops, [QUEUE_RED] = &qdisc_red_ops,
	[QUEUE_CODEL] = &qdisc_codel_ops,       [QUEUE_FQ_CODEL] = &qdisc_fq_codel_ops,
	[QUEUE_PIE] = &qdisc_pie_ops,           [QUEUE_STEP] = &qdisc_step_ops,
};

void queue_config_default(struct queue_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->type = QUEUE_DROPTAIL;
	cfg->limit_packets = 100;
	cfg->limit_bytes = 0;
	cfg->ecn = false;
	cfg->red = (struct queue_red_config){
	    .bytes = false, .min = 5, .max = 15, .probability = 0.02, .wq = 0, .burst = 0,
	    .avpkt = 1000, .gentle = true, .harddrop = false, .adaptive = false, .bytemode = false,
	};
	cfg->codel = (struct queue_codel_config){.target = SIM_MS(5), .interval = SIM_MS(100)};
	cfg->fq = (struct queue_fq_codel_config){.flows = 1024, .quantum = 0, .drop_batch = 64};
	cfg->pie = (struct queue_pie_config){
	    .target = SIM_MS(15), .tupdate = SIM_MS(15), .max_burst = SIM_MS(150),
	    .alpha = 0.125, .beta = 1.25, .bytemode = false,
	};
	cfg->step = (struct queue_step_config){.bytes = false, .k = 20};
}

void queue_config_set_type(struct queue_config *cfg, enum queue_type type)
{
	static const uint32_t limit[QUEUE_N_TYPES] = {
	    [QUEUE_DROPTAIL] = 100, [QUEUE_RED] = 100, [QUEUE_CODEL] = 1000,
	    [QUEUE_FQ_CODEL] = 10240, [QUEUE_PIE] = 1000, [QUEUE_STEP] = 100,
	};
	g_assert((unsigned)type < QUEUE_N_TYPES);
	cfg->type = type;
	cfg->limit_packets = limit[type];
	cfg->limit_bytes = 0;
	cfg->ecn = type == QUEUE_FQ_CODEL; /* tc-fq_codel(8): ecn is on by default */
}

const char *queue_type_name(enum queue_type type)
{
	return (unsigned)type < QUEUE_N_TYPES ? type_names[type] : "?";
}

int queue_type_parse(const char *name)
{
	for (int i = 0; i < QUEUE_N_TYPES; i++)
		if (strcmp(type_names[i], name) == 0)
			return i;
	return -1;
}

/* tc-red(8)'s derivation of the averaging weight from "burst": the largest wq = 2^-n
 * with which `burst` back-to-back packets arriving at a queue that holds min (in
 * average packets) take the average from min to no more than... min + burst, i.e.
 * a <= (1 - (1 - wq)^burst) / wq with a = burst + 1 - min/avpkt (iproute2
 * tc_red_eval_ewma()). Returns 0 when burst is too small (a < 1). */
double queue_red_wq_from_burst(const struct queue_red_config *r)
{
	double min_pkts = r->bytes ? (double)r->min / r->avpkt : (double)r->min;
	double a = (double)r->burst + 1.0 - min_pkts;
	if (a < 1.0)
		return 0;
	double w = 0.5;
	for (int n = 1; n < 32; n++, w /= 2) {
		double reach = 1.0;
		for (uint32_t i = 0; i < r->burst; i++)
			reach *= 1.0 - w;
		if (a <= (1.0 - reach) / w)
			return w;
	}
	return 0;
}

static const char *red_check(const struct queue_config *cfg)
{
	const struct queue_red_config *r = &cfg->red;
	if (r->min >= r->max)
		return "red: min must be below max";
	if (!(r->probability > 0.0 && r->probability <= 1.0))
		return "red: probability must lie in (0, 1]";
	if (!(r->wq >= 0.0 && r->wq <= 1.0))
		return "red: wq must lie in (0, 1]";
	if (r->avpkt == 0)
		return "red: avpkt must be at least 1 byte";
	if (r->wq > 0.0 && r->burst > 0)
		return "red: give wq or burst, not both";
	if (r->burst > 0 && queue_red_wq_from_burst(r) == 0.0)
		return "red: burst is too small for min (it must exceed min in average packets)";
	uint64_t limit = r->bytes ? cfg->limit_bytes : cfg->limit_packets;
	if (limit && r->max > limit)
		return r->bytes ? "red: max must not exceed the byte limit"
		                : "red: max must not exceed the packet limit";
	return NULL;
}

const char *queue_config_check(const struct queue_config *cfg)
{
	if ((unsigned)cfg->type >= QUEUE_N_TYPES)
		return "unknown queue type";
	switch (cfg->type) {
	case QUEUE_RED:
		return red_check(cfg);
	case QUEUE_CODEL:
	case QUEUE_FQ_CODEL:
		if (cfg->codel.target <= 0 || cfg->codel.interval <= 0)
			return "target and interval must be greater than 0";
		if (cfg->type == QUEUE_CODEL)
			return NULL;
		if (cfg->fq.flows < 1 || cfg->fq.flows > 65536)
			return "flows must lie in [1, 65536]";
		if (cfg->fq.quantum != 0 && cfg->fq.quantum < 256)
			return "quantum must be at least 256 bytes";
		if (cfg->fq.drop_batch < 1)
			return "drop_batch must be at least 1";
		return NULL;
	case QUEUE_PIE:
		if (cfg->pie.target <= 0 || cfg->pie.tupdate <= 0)
			return "target and tupdate must be greater than 0";
		if (cfg->pie.max_burst < 0)
			return "max_burst must not be negative";
		if (!(cfg->pie.alpha >= 0.0 && cfg->pie.beta >= 0.0))
			return "alpha and beta must not be negative";
		return NULL;
	default:
		return NULL;
	}
}

const struct qdisc_ops *qdisc_ops_of(enum queue_type type)
{
	g_assert((unsigned)type < QUEUE_N_TYPES);
	return registry[type];
}

struct qdisc *qdisc_new(struct sim *sim, const struct queue_config *cfg, const char *rng_name,
                        uint32_t mtu, uint64_t bandwidth_bps, const struct link_pkt_ops *pkt)
{
	const char *why = queue_config_check(cfg);
	if (why)
		g_error("qdisc: %s", why);
	const struct qdisc_ops *ops = qdisc_ops_of(cfg->type);
	/* Registration check: the required hooks (qdisc.h). */
	g_assert(ops->size >= sizeof(struct qdisc) && ops->enqueue && ops->dequeue && ops->fini);
	struct qdisc *q = g_malloc0(ops->size);
	q->ops = ops;
	q->cfg = *cfg;
	q->mtu = mtu;
	q->bandwidth_bps = bandwidth_bps;
	q->pkt = pkt;
	sim_rng_stream(sim, &q->rng, rng_name);
	if (ops->init)
		ops->init(q);
	return q;
}

void qdisc_free(struct qdisc *q)
{
	if (!q)
		return;
	q->watch = NULL;
	q->ops->fini(q);
	g_assert(q->qlen == 0);
	g_free(q);
}

struct sim_packet *qdisc_dequeue(struct qdisc *q, sim_time_t now)
{
	struct sim_packet *pkt = q->ops->dequeue(q, now);
	if (pkt)
		q->stats.dequeued++;
	return pkt;
}

void qdisc_fifo_push(struct qdisc *q, struct qdisc_fifo *f, struct sim_packet *pkt,
                     sim_time_t now)
{
	pkt->next = NULL;
	pkt->stamp = now;
	if (f->tail)
		f->tail->next = pkt;
	else
		f->head = pkt;
	f->tail = pkt;
	f->n++;
	f->bytes += pkt->len;
	q->qlen++;
	q->backlog += pkt->len;
	q->stats.enqueued++;
	q->stats.enqueued_bytes += pkt->len;
	if (q->watch)
		q->watch(q->watch_ctx, QDISC_EV_ENQUEUE, QDISC_OVERLIMIT, now);
}

struct sim_packet *qdisc_fifo_pop(struct qdisc *q, struct qdisc_fifo *f)
{
	struct sim_packet *pkt = f->head;
	if (!pkt)
		return NULL;
	f->head = pkt->next;
	if (!f->head)
		f->tail = NULL;
	pkt->next = NULL;
	f->n--;
	f->bytes -= pkt->len;
	q->qlen--;
	q->backlog -= pkt->len;
	return pkt;
}

void qdisc_fifo_purge(struct qdisc *q, struct qdisc_fifo *f)
{
	struct sim_packet *pkt;
	while ((pkt = qdisc_fifo_pop(q, f)) != NULL)
		sim_packet_free(pkt);
}

void qdisc_drop(struct qdisc *q, struct sim_packet *pkt, enum qdisc_reason why, sim_time_t now)
{
	if (why == QDISC_OVERLIMIT)
		q->stats.drops_overlimit++;
	else
		q->stats.drops_aqm++;
	sim_packet_free(pkt);
	if (q->watch)
		q->watch(q->watch_ctx, QDISC_EV_DROP, why, now);
}

bool qdisc_ect(const struct qdisc *q, const struct sim_packet *pkt)
{
	return q->pkt != NULL && q->pkt->ecn(pkt) != 0;
}

bool qdisc_mark(struct qdisc *q, struct sim_packet *pkt, sim_time_t now)
{
	if (q->pkt == NULL || !q->pkt->set_ce(pkt))
		return false;
	q->stats.marks++;
	if (q->watch)
		q->watch(q->watch_ctx, QDISC_EV_MARK, QDISC_AQM_MARK, now);
	return true;
}
