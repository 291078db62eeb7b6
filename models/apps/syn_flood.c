/* models/apps/syn_flood.c — see syn_flood.h. */
#include "models/apps/syn_flood.h"

#include <glib.h>
#include <string.h>

#include "models/ip/ipv4.h"
#include "models/tcp/seg.h"
#include "sim/core/sim.h"

/* IANA dynamic ports (RFC 6335 §6): where a flood tool picks its source ports. */
#define PORT_LO 49152u
#define PORT_N (65535u - PORT_LO + 1u)

struct syn_flood {
	struct sim *sim;
	struct node *node;
	struct syn_flood_config cfg;
	struct sim_rng rng;
	struct sim_timer timer;
	uint64_t n;                 /* SYNs sent or attempted so far */
	struct syn_flood_stats stats;
};

/* The i-th SYN goes at start + i / rate seconds (exactly, in ns). */
static sim_time_t send_time(const struct syn_flood *f, uint64_t i)
{
	return f->cfg.start + (sim_time_t)(i * UINT64_C(1000000000) / f->cfg.rate);
}

static void send_syn(struct sim *sim, void *ctx, void *arg)
{
	struct syn_flood *f = ctx;
	(void)arg;
	ipv4_addr_t src = f->cfg.sources + (ipv4_addr_t)sim_rng_below(&f->rng, f->cfg.n_sources);
	struct tcp_repr r;
	memset(&r, 0, sizeof(r));
	r.src_port = (uint16_t)(PORT_LO + sim_rng_below(&f->rng, PORT_N));
	r.dst_port = f->cfg.port;
	r.seq = (uint32_t)sim_rng_u64(&f->rng);
	r.flags = TCP_FLAG_SYN;
	r.window = 64240;
	r.has_mss = true;
	r.mss = 1460;
	struct sim_packet *pkt = sim_packet_new(sim, SIM_PACKET_HEADROOM, 0);
	uint8_t *h = sim_packet_push(pkt, tcp_seg_hdr_len(&r));
	tcp_seg_write(h, &r);
	tcp_seg_set_csum(pkt->data, pkt->len, src, f->cfg.dst);
	struct ipv4_tx tx = {
		.src = src,
		.dst = f->cfg.dst,
		.proto = TCP_PROTO,
		.ttl = f->cfg.ttl,
		.spoof = true,
	};
	if (ipv4_output(sim, f->node, pkt, &tx) < 0)
		f->stats.send_errors++;
	else
		f->stats.sent++;
	sim_time_t next = send_time(f, ++f->n);
	if (next < f->cfg.stop)
		sim_timer_arm_at(sim, &f->timer, next, send_syn, f, NULL);
}

struct syn_flood *syn_flood_new(struct sim *sim, struct node *node, const char *name,
				const struct syn_flood_config *cfg)
{
	g_assert(cfg->rate > 0 && cfg->n_sources > 0 && cfg->port > 0);
	struct syn_flood *f = g_new0(struct syn_flood, 1);
	f->sim = sim;
	f->node = node;
	f->cfg = *cfg;
	char *stream = g_strdup_printf("app:%s:syn_flood", name);
	sim_rng_stream(sim, &f->rng, stream);
	g_free(stream);
	if (cfg->start < cfg->stop)
		sim_timer_arm_at(sim, &f->timer, cfg->start, send_syn, f, NULL);
	return f;
}

void syn_flood_free(struct syn_flood *f)
{
	if (f == NULL)
		return;
	sim_timer_cancel(f->sim, &f->timer);
	g_free(f);
}

void syn_flood_get_stats(const struct syn_flood *f, struct syn_flood_stats *out)
{
	*out = f->stats;
}
