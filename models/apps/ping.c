/* models/apps/ping.c — see ping.h. */
#include "models/apps/ping.h"

#include <errno.h>
#include <string.h>

#include "models/ip/icmp.h"
#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"
#include "sim/core/trace.h"

struct ping_app {
	struct sim *sim;
	struct node *node;
	char *name;
	struct ping_config cfg;
	uint16_t id;
	uint32_t attempts;   /* requests attempted so far (send number n = 1..) */
	uint32_t window;     /* min(count, PING_WINDOW): slots below */
	sim_time_t *sent_at; /* [window]: send time of request n at (n − 1) % window */
	uint8_t *answered;   /* [window]: whether that request was answered */
	uint8_t *payload;
	GArray *replies; /* struct ping_reply */
	struct ping_stats stats;
	struct sim_timer timer;
	struct sim_tsv *trace;
};

void ping_config_default(struct ping_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->dst = 0;
	cfg->count = 5;
	cfg->interval = SIM_S(1);
	cfg->payload_bytes = 56;
	cfg->df = false;
	cfg->ttl = 0;
	cfg->tos = 0;
	cfg->start = 0;
}

const char *ping_config_check(const struct ping_config *cfg)
{
	if (cfg->dst == 0)
		return "ping needs a destination address";
	if (cfg->count == 0)
		return "count must be at least 1";
	if (cfg->interval <= 0)
		return "interval must be greater than 0";
	if (cfg->payload_bytes > IPV4_MAX_DATAGRAM - IPV4_HDR_LEN - ICMP_HDR_LEN)
		return "payload size must be at most 65507 bytes";
	if (cfg->start < 0)
		return "start must not be negative";
	return NULL;
}

/* iputils' layout: a struct timeval of the send time (little-endian 64-bit seconds and
 * microseconds, as on x86-64), then byte i = i mod 256. */
static void fill_payload(uint8_t *p, uint32_t len, sim_time_t now)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)i;
	if (len >= 16) {
		uint64_t sec = (uint64_t)(now / SIM_S(1));
		uint64_t usec = (uint64_t)((now % SIM_S(1)) / 1000);
		sim_put_le32(p, (uint32_t)sec);
		sim_put_le32(p + 4, (uint32_t)(sec >> 32));
		sim_put_le32(p + 8, (uint32_t)usec);
		sim_put_le32(p + 12, (uint32_t)(usec >> 32));
	}
}

static void ping_send(struct sim *sim, void *ctx, void *arg)
{
	struct ping_app *app = ctx;
	sim_time_t now = sim_now(sim);
	uint32_t n = ++app->attempts;
	uint16_t seq = (uint16_t)n;
	struct ipv4_tx tx = {
	    .dst = app->cfg.dst,
	    .ttl = app->cfg.ttl,
	    .tos = app->cfg.tos,
	    .df = app->cfg.df,
	};
	fill_payload(app->payload, app->cfg.payload_bytes, now);
	/* Request n takes over the slot of request n − window, which can no longer be
	 * told apart from it by its sequence number. */
	app->sent_at[(n - 1) % app->window] = now;
	app->answered[(n - 1) % app->window] = 0;
	app->stats.sent++;
	int rc =
	    icmp_echo_send(sim, app->node, &tx, app->id, seq, app->payload, app->cfg.payload_bytes);
	if (rc < 0) {
		app->stats.send_errors++;
		app->stats.last_error = rc;
	}
	if (n < app->cfg.count)
		sim_timer_arm_at(sim, &app->timer,
		                 app->cfg.start + (sim_time_t)n * app->cfg.interval, ping_send, app,
		                 NULL);
}

static void ping_event(struct sim *sim, struct node *node, const struct icmp_echo_event *ev,
                       void *ctx)
{
	struct ping_app *app = ctx;
	if (app->attempts == 0)
		return;
	/* The latest request carrying this (16-bit) sequence number. */
	uint32_t back = (uint32_t)(uint16_t)((uint16_t)app->attempts - ev->seq);
	if (back >= app->attempts)
		return;
	uint32_t n = app->attempts - back;
	uint32_t slot = (n - 1) % app->window;
	if (ev->is_error) {
		app->stats.errors++;
		app->stats.last_icmp_type = ev->type;
		app->stats.last_icmp_code = ev->code;
		return;
	}
	if (app->answered[slot]) {
		app->stats.duplicates++;
		return;
	}
	app->answered[slot] = 1;
	sim_time_t now = sim_now(sim);
	struct ping_reply r = {
	    .seq = ev->seq,
	    .sent = app->sent_at[slot],
	    .received = now,
	    .rtt = now - app->sent_at[slot],
	    .ttl = ev->ttl,
	    .bytes = ev->data_len,
	};
	if (app->replies->len < PING_REPLIES_KEPT)
		g_array_append_val(app->replies, r);
	struct ping_stats *s = &app->stats;
	if (s->received == 0 || r.rtt < s->rtt_min)
		s->rtt_min = r.rtt;
	if (r.rtt > s->rtt_max)
		s->rtt_max = r.rtt;
	s->rtt_sum += r.rtt;
	s->received++;
	if (app->trace) {
		sim_tsv_time(app->trace, now);
		sim_tsv_u64(app->trace, r.seq);
		sim_tsv_ms(app->trace, r.rtt);
		sim_tsv_u64(app->trace, r.ttl);
		sim_tsv_u64(app->trace, r.bytes);
		sim_tsv_end_row(app->trace);
	}
}

struct ping_app *ping_new(struct sim *sim, struct node *node, const char *name,
                          const struct ping_config *cfg)
{
	const char *why = ping_config_check(cfg);
	if (why)
		g_error("ping %s: %s", name, why);
	struct ping_app *app = g_new0(struct ping_app, 1);
	app->sim = sim;
	app->node = node;
	app->name = g_strdup(name);
	app->cfg = *cfg;
	app->id = icmp_echo_alloc_id(node);
	int rc = icmp_echo_listen(node, app->id, ping_event, app);
	g_assert(rc == 0);
	app->window = cfg->count < PING_WINDOW ? cfg->count : PING_WINDOW;
	app->sent_at = g_new0(sim_time_t, app->window);
	app->answered = g_new0(uint8_t, app->window);
	app->payload = g_malloc0(cfg->payload_bytes ? cfg->payload_bytes : 1);
	app->replies = g_array_new(FALSE, TRUE, sizeof(struct ping_reply));
	sim_timer_arm_at(sim, &app->timer, cfg->start, ping_send, app, NULL);
	return app;
}

void ping_free(struct ping_app *app)
{
	if (!app)
		return;
	sim_timer_cancel(app->sim, &app->timer);
	icmp_echo_unlisten(app->node, app->id);
	sim_tsv_close(app->trace, NULL);
	g_array_free(app->replies, TRUE);
	g_free(app->sent_at);
	g_free(app->answered);
	g_free(app->payload);
	g_free(app->name);
	g_free(app);
}

int ping_trace_start(struct ping_app *app, const char *path, GError **error)
{
	g_assert(app->trace == NULL);
	app->trace = sim_tsv_create(path, "time_s\tseq\trtt_ms\tttl\tbytes", error);
	return app->trace ? 0 : -1;
}

int ping_trace_stop(struct ping_app *app, GError **error)
{
	int rc = sim_tsv_close(app->trace, error);
	app->trace = NULL;
	return rc;
}

void ping_get_stats(const struct ping_app *app, struct ping_stats *out)
{
	*out = app->stats;
}

sim_time_t ping_rtt_mean(const struct ping_stats *s)
{
	return s->received ? s->rtt_sum / (sim_time_t)s->received : 0;
}

double ping_loss(const struct ping_stats *s)
{
	return s->sent ? 1.0 - (double)s->received / (double)s->sent : 0.0;
}

const struct ping_reply *ping_replies(const struct ping_app *app, uint32_t *n)
{
	*n = app->replies->len;
	return (const struct ping_reply *)(const void *)app->replies->data;
}

const char *ping_name(const struct ping_app *app)
{
	return app->name;
}
