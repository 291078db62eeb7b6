/* models/apps/flow.c — stream content, socket options and the per-flow report shared
 * by the byte-stream applications (bulk, echo, request/response, HTTP, simopen). */
#include "models/apps/flow.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>


/* ---- deterministic stream content ---- */

/* The table is a process-wide constant: computed once from a fixed generator
 * (splitmix64 from a fixed seed), never written afterwards, identical in every run
 * and on every machine. It is not model state, so it is not a "mutable global" in the
 * sense of the house rules; g_once makes the one-time fill thread-safe. */
static uint8_t pattern_table[2 * APP_PATTERN_LEN];

static gpointer pattern_table_fill(gpointer unused)
{
	(void)unused;
	uint64_t x = UINT64_C(0x6e657473696d2121); /* "netsim!!" */
	for (size_t i = 0; i < APP_PATTERN_LEN; i += 8) {
		/* splitmix64: a full-period, well-mixed 64-bit sequence. */
		x += UINT64_C(0x9e3779b97f4a7c15);
		uint64_t z = x;
		z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
		z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
		z ^= z >> 31;
		for (size_t b = 0; b < 8 && i + b < APP_PATTERN_LEN; b++)
			pattern_table[i + b] = (uint8_t)(z >> (8 * b));
	}
	memcpy(pattern_table + APP_PATTERN_LEN, pattern_table, APP_PATTERN_LEN);
	return pattern_table;
}

const uint8_t *app_pattern_table(void)
{
	static GOnce once = G_ONCE_INIT;
	return g_once(&once, pattern_table_fill, NULL);
}

void app_pattern_fill(uint64_t pos, void *buf, size_t len)
{
	uint8_t *out = buf;
	while (len > 0) {
		size_t n = len < APP_PATTERN_LEN ? len : APP_PATTERN_LEN;
		memcpy(out, app_pattern_at(pos), n);
		out += n;
		pos += n;
		len -= n;
	}
}

uint64_t app_stream_key(uint64_t flow_key, uint64_t index)
{
	/* A multiplier coprime with 65521 moves successive streams of one flow far
	 * apart in the table (index 1 starts ~24 KB after index 0). */
	return flow_key + index * UINT64_C(24593);
}

uint64_t app_name_key(const char *name)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
		h ^= *p;
		h *= UINT64_C(0x100000001b3);
	}
	return h % APP_PATTERN_LEN;
}

void app_verifier_init(struct app_verifier *v, uint64_t key)
{
	v->key = key;
	v->offset = 0;
	v->bad_offset = UINT64_MAX;
	v->ok = true;
}

/* First index where a and b differ (n when equal). Called only after memcmp said they
 * differ, so its cost does not matter. */
static size_t first_difference(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

bool app_verifier_feed(struct app_verifier *v, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len > 0 && v->ok) {
		size_t n = len < APP_PATTERN_LEN ? len : APP_PATTERN_LEN;
		const uint8_t *want = app_pattern_at(v->key + v->offset);
		if (memcmp(p, want, n) != 0) {
			v->bad_offset = v->offset + first_difference(p, want, n);
			v->ok = false;
		}
		v->offset += n;
		p += n;
		len -= n;
	}
	v->offset += len; /* after a failure: keep counting */
	return v->ok;
}

/* ---- the per-flow report ---- */

void app_tcp_stats_merge(struct app_tcp_stats *a, const struct app_tcp_stats *b)
{
	a->retransmits += b->retransmits;
	a->fast_retransmits += b->fast_retransmits;
	a->rto_count += b->rto_count;
	a->sack |= b->sack;
	a->timestamps |= b->timestamps;
	a->wscale |= b->wscale;
	a->dsacks_received += b->dsacks_received;
	a->spurious_retransmits += b->spurious_retransmits;
	a->tlp_probes += b->tlp_probes;
	a->tlp_recoveries += b->tlp_recoveries;
	a->frto_rtos += b->frto_rtos;
	a->spurious_rtos += b->spurious_rtos;
	a->undos += b->undos;
	a->ecn |= b->ecn;
	a->ecn_ce_received += b->ecn_ce_received;
	a->ecn_ece_received += b->ecn_ece_received;
	a->ecn_cwr_sent += b->ecn_cwr_sent;
	a->ecn_reductions += b->ecn_reductions;
	a->dctcp_alpha = MAX(a->dctcp_alpha, b->dctcp_alpha);
	if (a->mss == 0)
		a->mss = b->mss;
	if (b->rtt_samples > 0) {
		if (a->rtt_samples == 0 || b->rtt_min < a->rtt_min)
			a->rtt_min = b->rtt_min;
		if (a->rtt_samples == 0 || b->rtt_max > a->rtt_max)
			a->rtt_max = b->rtt_max;
		a->rtt_sum += b->rtt_sum;
		a->rtt_samples += b->rtt_samples;
	}
}

void app_flow_report_init(struct app_flow_report *r, const char *name, const char *app,
			  sim_time_t start, sim_time_t stop)
{
	memset(r, 0, sizeof(*r));
	r->name = g_strdup(name ? name : "");
	r->app = app;
	r->cc = "";
	r->start = start;
	r->stop = stop;
	r->finish = -1;
	r->intact = true;
}

void app_flow_report_fini(struct app_flow_report *r)
{
	g_free(r->name);
	g_free(r->detail);
	g_free(r->latency.samples);
	memset(r, 0, sizeof(*r));
}

void app_flow_report_error(struct app_flow_report *r, int err)
{
	if (err == 0)
		return;
	if (r->error == 0)
		r->error = err < 0 ? err : -err;
	r->intact = false;
}

void app_flow_report_detail(struct app_flow_report *r, const char *fmt, ...)
{
	if (r->detail != NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	r->detail = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

void app_latency_add(struct app_latency *l, sim_time_t sample)
{
	/* Grows by doubling: amortised O(1), one allocation per doubling. */
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->samples = g_renew(sim_time_t, l->samples, l->cap);
	}
	l->samples[l->count] = sample;
	if (l->count == 0 || sample < l->min)
		l->min = sample;
	if (l->count == 0 || sample > l->max)
		l->max = sample;
	l->sum += sample;
	l->count++;
}

sim_time_t app_flow_active_time(const struct app_flow_report *r, sim_time_t run_end)
{
	sim_time_t end = r->stop < run_end ? r->stop : run_end;
	if (r->finish >= 0 && r->finish < end)
		end = r->finish;
	return end > r->start ? end - r->start : 0;
}

double app_flow_goodput_bps(const struct app_flow_report *r, sim_time_t run_end)
{
	sim_time_t active = app_flow_active_time(r, run_end);
	if (active <= 0)
		return 0.0;
	return (double)r->bytes_delivered * 8.0 / sim_time_to_s(active);
}

double app_tcp_stats_rtt_mean(const struct app_tcp_stats *s)
{
	return s->rtt_samples ? (double)s->rtt_sum / (double)s->rtt_samples : 0.0;
}

double app_latency_mean(const struct app_latency *l)
{
	return l->count ? (double)l->sum / (double)l->count : 0.0;
}

const char *app_errno_name(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return NULL;
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EPIPE: return "EPIPE";
	case ENOTCONN: return "ENOTCONN";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case EISCONN: return "EISCONN";
	case EALREADY: return "EALREADY";
	case ECONNABORTED: return "ECONNABORTED";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENETUNREACH: return "ENETUNREACH";
	case ENOMEM: return "ENOMEM";
	case EMSGSIZE: return "EMSGSIZE";
	case EPROTO: return "EPROTO";
	default: return "EIO";
	}
}
