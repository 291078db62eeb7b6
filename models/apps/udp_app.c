/* models/apps/udp_app.c — see udp_app.h. */
#include "models/apps/udp_app.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "models/ip/node.h"
#include "models/ip/udp.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"

/* ---- source ---- */

struct udp_source {
	struct sim *sim;
	struct node *node;
	char *name;
	struct udp_source_config cfg;
	struct udp_sock *sock;
	sim_time_t gap;    /* between datagrams while on */
	sim_time_t on_end; /* end of the current on period (SIM_TIME_MAX for CBR) */
	uint32_t seq;
	struct sim_rng rng;
	struct sim_timer timer;
	struct udp_source_stats stats;
};

void udp_source_config_default(struct udp_source_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = UDP_SOURCE_CBR;
	cfg->rate_bps = 1000000;
	cfg->packet_bytes = 1000;
	cfg->on_time = SIM_S(1);
	cfg->off_time = SIM_S(1);
	cfg->exponential = false;
	cfg->start = 0;
	cfg->stop = SIM_TIME_MAX;
}

const char *udp_source_config_check(const struct udp_source_config *cfg)
{
	if (cfg->dst == 0)
		return "destination address required";
	if (cfg->dst_port == 0)
		return "destination port required";
	if (cfg->rate_bps == 0)
		return "rate must be greater than 0";
	if (cfg->packet_bytes < UDP_APP_HDR_BYTES)
		return "packet size must be at least 12 bytes (sequence number and timestamp)";
	if (cfg->packet_bytes > 65507)
		return "packet size must be at most 65507 bytes";
	if (cfg->mode == UDP_SOURCE_ONOFF && (cfg->on_time <= 0 || cfg->off_time < 0))
		return "on-off needs on_time > 0 and off_time >= 0";
	if (cfg->start < 0 || cfg->stop < cfg->start)
		return "stop must not come before start";
	return NULL;
}

static sim_time_t draw(struct udp_source *s, sim_time_t mean)
{
	if (!s->cfg.exponential || mean <= 0)
		return mean;
	double v = sim_rng_exponential(&s->rng, (double)mean);
	sim_time_t t = (sim_time_t)llround(v);
	return t > 0 ? t : 1;
}

static void src_tick(struct sim *sim, void *ctx, void *arg)
{
	struct udp_source *s = ctx;
	sim_time_t now = sim_now(sim);
	if (now >= s->cfg.stop)
		return;
	if (now >= s->on_end) {
		/* The on period is over: stay off, then start the next one. */
		sim_time_t next = s->on_end + draw(s, s->cfg.off_time);
		s->on_end = next + draw(s, s->cfg.on_time);
		if (next < s->cfg.stop)
			sim_timer_arm_at(sim, &s->timer, next, src_tick, s, NULL);
		return;
	}
	struct sim_packet *pkt = sim_packet_new(sim, SIM_PACKET_HEADROOM, s->cfg.packet_bytes);
	memset(pkt->data, 0, pkt->len);
	sim_put_be32(pkt->data, s->seq);
	sim_put_be32(pkt->data + 4, (uint32_t)((uint64_t)now >> 32));
	sim_put_be32(pkt->data + 8, (uint32_t)now);
	struct udp_send_opts o = {.tos = s->cfg.tos, .df = s->cfg.df};
	int rc = udp_send_packet(s->sock, pkt, 0, 0, &o);
	if (rc < 0) {
		s->stats.send_errors++;
		s->stats.last_error = rc;
	} else {
		s->stats.sent_packets++;
		s->stats.sent_bytes += s->cfg.packet_bytes;
	}
	s->seq++;
	sim_time_t next = now + s->gap;
	if (next > s->on_end)
		next = s->on_end;
	if (next < s->cfg.stop)
		sim_timer_arm_at(sim, &s->timer, next, src_tick, s, NULL);
}

static void src_error(struct sim *sim, struct udp_sock *sock, int err, void *ctx)
{
	struct udp_source *s = ctx;
	s->stats.icmp_errors++;
}

struct udp_source *udp_source_new(struct sim *sim, struct node *node, const char *name,
                                  const struct udp_source_config *cfg)
{
	const char *why = udp_source_config_check(cfg);
	if (why)
		g_error("udp source %s: %s", name, why);
	struct udp_source *s = g_new0(struct udp_source, 1);
	s->sim = sim;
	s->node = node;
	s->name = g_strdup(name);
	s->cfg = *cfg;
	/* Sending rate counts UDP payload bits (iperf, ns-3 OnOffApplication). */
	s->gap = sim_tx_time(cfg->packet_bytes, cfg->rate_bps);
	char *stream = g_strdup_printf("udp:%s:onoff", name);
	sim_rng_stream(sim, &s->rng, stream);
	g_free(stream);
	s->sock = udp_socket(udp_attach(sim, node));
	int rc = udp_bind(s->sock, cfg->src_addr, cfg->src_port);
	if (rc == 0)
		rc = udp_connect(s->sock, cfg->dst, cfg->dst_port);
	if (rc != 0) {
		/* Reported as send errors: the source never sends. */
		s->stats.last_error = rc;
		s->stats.send_errors = 1;
		return s;
	}
	udp_set_callbacks(s->sock, NULL, src_error, s);
	s->on_end =
	    cfg->mode == UDP_SOURCE_ONOFF ? cfg->start + draw(s, cfg->on_time) : SIM_TIME_MAX;
	if (cfg->start < cfg->stop)
		sim_timer_arm_at(sim, &s->timer, cfg->start, src_tick, s, NULL);
	return s;
}

void udp_source_free(struct udp_source *s)
{
	if (!s)
		return;
	sim_timer_cancel(s->sim, &s->timer);
	udp_close(s->sock);
	g_free(s->name);
	g_free(s);
}

void udp_source_get_stats(const struct udp_source *s, struct udp_source_stats *out)
{
	*out = s->stats;
}

/* ---- sink ---- */

struct udp_sink {
	struct sim *sim;
	struct node *node;
	char *name;
	struct udp_sock *sock;
	GByteArray *seen; /* bitmap of sequence numbers received */
	uint64_t distinct;
	struct udp_sink_stats stats;
};

void udp_sink_config_default(struct udp_sink_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->bind_addr = IPV4_ANY;
	cfg->port = 0;
}

static void sink_recv(struct sim *sim, struct udp_sock *sock, struct sim_packet *pkt,
                      const struct udp_meta *m, void *ctx)
{
	struct udp_sink *k = ctx;
	struct udp_sink_stats *st = &k->stats;
	sim_time_t now = sim_now(sim);
	st->packets++;
	st->bytes += pkt->len;
	if ((m->tos & 0x03u) == 0x03u) /* RFC 3168 §5: CE, set by a queue on the path */
		st->ce++;
	if (st->packets == 1)
		st->first_rx = now;
	st->last_rx = now;
	if (pkt->len >= UDP_APP_HDR_BYTES) {
		uint32_t seq = sim_get_be32(pkt->data);
		sim_time_t sent = (sim_time_t)((uint64_t)sim_get_be32(pkt->data + 4) << 32 |
		                               sim_get_be32(pkt->data + 8));
		guint byte = seq / 8;
		if (byte >= k->seen->len) {
			guint old = k->seen->len, n = old ? old : 64;
			while (n <= byte)
				n *= 2;
			g_byte_array_set_size(k->seen, n);
			memset(k->seen->data + old, 0, n - old);
		}
		uint8_t bit = (uint8_t)(1u << (seq % 8));
		if (k->seen->data[byte] & bit) {
			st->duplicates++;
		} else {
			k->seen->data[byte] |= bit;
			if ((int64_t)seq < st->max_seq)
				st->reordered++;
			k->distinct++;
			sim_time_t d = now - sent;
			if (k->distinct == 1 || d < st->delay_min)
				st->delay_min = d;
			if (d > st->delay_max)
				st->delay_max = d;
			st->delay_sum += d;
		}
		if ((int64_t)seq > st->max_seq)
			st->max_seq = seq;
		st->lost = (uint64_t)(st->max_seq + 1) - k->distinct;
	}
	sim_packet_free(pkt);
}

struct udp_sink *udp_sink_new(struct sim *sim, struct node *node, const char *name,
                              const struct udp_sink_config *cfg, int *err)
{
	struct udp_sock *sock = udp_socket(udp_attach(sim, node));
	int rc = cfg->port ? udp_bind(sock, cfg->bind_addr, cfg->port) : -EINVAL;
	if (rc != 0) {
		udp_close(sock);
		if (err)
			*err = rc;
		return NULL;
	}
	struct udp_sink *k = g_new0(struct udp_sink, 1);
	k->sim = sim;
	k->node = node;
	k->name = g_strdup(name);
	k->sock = sock;
	k->seen = g_byte_array_new();
	k->stats.max_seq = -1;
	udp_set_callbacks(sock, sink_recv, NULL, k);
	if (err)
		*err = 0;
	return k;
}

void udp_sink_free(struct udp_sink *k)
{
	if (!k)
		return;
	udp_close(k->sock);
	g_byte_array_free(k->seen, TRUE);
	g_free(k->name);
	g_free(k);
}

void udp_sink_get_stats(const struct udp_sink *k, struct udp_sink_stats *out)
{
	*out = k->stats;
}
