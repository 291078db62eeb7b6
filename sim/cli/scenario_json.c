/* sim/cli/scenario_json.c — the resolved scenario: struct scenario back into the
 * scenario format, every default filled in (see scenario_json.h). One function per
 * section, in the order of docs/scenario-format.md; each writes the keys its
 * conversion in scenario_*.c reads.
 */
#include "sim/cli/scenario_json.h"

#include <math.h>
#include <string.h>

#include "models/link/qdisc.h"
#include "sim/cli/summary.h"
#include "sim/core/trace.h"

/* ---- values -------------------------------------------------------------------------- */

static void put_duration(cJSON *o, const char *key, sim_time_t t)
{
	char buf[48];
	sim_format_duration(t, buf, sizeof(buf));
	cJSON_AddStringToObject(o, key, buf);
}

static void put_rate(cJSON *o, const char *key, uint64_t bps)
{
	char buf[48];
	sim_format_rate(bps, buf, sizeof(buf));
	cJSON_AddStringToObject(o, key, buf);
}

static void put_addr(cJSON *o, const char *key, ipv4_addr_t a)
{
	char buf[IPV4_ADDR_STRLEN];
	cJSON_AddStringToObject(o, key, ipv4_format(a, buf));
}

static void put_cidr(cJSON *o, const char *key, ipv4_addr_t a, unsigned len)
{
	char buf[IPV4_ADDR_STRLEN];
	char *t = g_strdup_printf("%s/%u", ipv4_format(a, buf), len);
	cJSON_AddStringToObject(o, key, t);
	g_free(t);
}

static const char *node_name(const struct scenario *s, guint i)
{
	return g_array_index(s->nodes, struct scn_node, i).name;
}

static const struct scn_iface *iface_at(const struct scenario *s, guint i)
{
	return &g_array_index(s->ifaces, struct scn_iface, i);
}

/* ---- tcp ------------------------------------------------------------------------------- */

/* Knob k of cfg in the form a `tcp` object accepts. */
static void put_knob(cJSON *o, const struct tcp_config *cfg, const struct tcp_knob *k)
{
	char buf[64];
	switch (k->type) {
	case TCP_KNOB_BOOL:
		cJSON_AddBoolToObject(o, k->name, tcp_knob_get(cfg, k) != 0);
		break;
	case TCP_KNOB_INT:
	case TCP_KNOB_BYTES:
		sim_fmt_i64(buf, tcp_knob_get(cfg, k));
		summary_put_raw(o, k->name, buf);
		break;
	case TCP_KNOB_DURATION:
	case TCP_KNOB_ENUM:
		tcp_knob_format(cfg, k, buf, sizeof(buf));
		cJSON_AddStringToObject(o, k->name, buf);
		break;
	}
}

cJSON *scenario_tcp_json(const struct tcp_config *cfg, const struct tcp_config *base)
{
	cJSON *o = cJSON_CreateObject();
	size_t n;
	const struct tcp_knob *knobs = tcp_knobs(&n);
	for (size_t i = 0; i < n; i++)
		if (!base || tcp_knob_get(cfg, &knobs[i]) != tcp_knob_get(base, &knobs[i]))
			put_knob(o, cfg, &knobs[i]);
	return o;
}

/* An application's layer: its knobs that differ from `base`, none when equal. The
 * scenario-wide object lists every knob, so a layer never depends on its profile's
 * defaults. */
static void put_tcp_layer(cJSON *o, const char *key, const struct tcp_config *cfg,
			  const struct tcp_config *base)
{
	cJSON *t = scenario_tcp_json(cfg, base);
	if (cJSON_GetArraySize(t) > 0)
		cJSON_AddItemToObject(o, key, t);
	else
		cJSON_Delete(t);
}

/* ---- nodes ----------------------------------------------------------------------------- */

static cJSON *route_json(const struct scenario *s, const struct scn_route *r)
{
	cJSON *o = cJSON_CreateObject();
	put_cidr(o, "to", r->prefix.addr, r->prefix.len);
	if (r->via)
		put_addr(o, "via", r->via);
	if (r->iface >= 0)
		cJSON_AddStringToObject(o, "dev", iface_at(s, (guint)r->iface)->name);
	return o;
}

static cJSON *nodes_json(const struct scenario *s)
{
	cJSON *arr = cJSON_CreateArray();
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = &g_array_index(s->nodes, struct scn_node, i);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", n->name);
		cJSON_AddStringToObject(o, "type", n->cfg.kind == NODE_ROUTER ? "router" : "host");
		summary_put_u64(o, "ttl", n->cfg.default_ttl);
		cJSON *routes = cJSON_AddArrayToObject(o, "routes");
		for (guint k = 0; k < n->routes->len; k++)
			cJSON_AddItemToArray(routes, route_json(s, &g_array_index(n->routes,
										  struct scn_route, k)));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* ---- links ----------------------------------------------------------------------------- */

static cJSON *loss_json(const struct loss_config *l)
{
	/* The scenario's model names (the model's own, loss_kind_name(), follow netem). */
	static const char *const model[] = {
		[LOSS_NONE] = "none",
		[LOSS_BERNOULLI] = "bernoulli",
		[LOSS_GILBERT_ELLIOTT] = "gilbert-elliott",
		[LOSS_DROP_LIST] = "drop-list",
	};
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "model", model[l->kind]);
	switch (l->kind) {
	case LOSS_NONE:
		break;
	case LOSS_BERNOULLI:
		summary_put_double(o, "p", l->rate);
		break;
	case LOSS_GILBERT_ELLIOTT:
		summary_put_double(o, "p", l->p);
		if (l->r >= 0)
			summary_put_double(o, "r", l->r);
		summary_put_double(o, "1-h", l->one_minus_h);
		summary_put_double(o, "1-k", l->one_minus_k);
		break;
	case LOSS_DROP_LIST: {
		cJSON *pk = cJSON_AddArrayToObject(o, "packets");
		for (size_t i = 0; i < l->n_drop_list; i++) {
			char buf[32];
			sim_fmt_u64(buf, l->drop_list[i]);
			cJSON_AddItemToArray(pk, cJSON_CreateRaw(buf));
		}
		break;
	}
	}
	return o;
}

/* A RED or step threshold: packets as a number, bytes as a size with its unit. */
static void put_threshold(cJSON *o, const char *key, uint64_t v, bool bytes)
{
	if (bytes) {
		char *t = g_strdup_printf("%" G_GUINT64_FORMAT "B", v);
		cJSON_AddStringToObject(o, key, t);
		g_free(t);
	} else {
		summary_put_u64(o, key, v);
	}
}

static void red_keys(cJSON *o, const struct queue_red_config *r)
{
	put_threshold(o, "min", r->min, r->bytes);
	put_threshold(o, "max", r->max, r->bytes);
	summary_put_double(o, "probability", r->probability);
	/* wq 0 means "from burst": the scenario leaves it out then. */
	if (r->wq > 0)
		summary_put_double(o, "wq", r->wq);
	if (r->burst)
		summary_put_u64(o, "burst", r->burst);
	summary_put_u64(o, "avpkt", r->avpkt);
	cJSON_AddBoolToObject(o, "gentle", r->gentle);
	cJSON_AddBoolToObject(o, "harddrop", r->harddrop);
	cJSON_AddBoolToObject(o, "adaptive", r->adaptive);
	cJSON_AddBoolToObject(o, "bytemode", r->bytemode);
}

static void pie_keys(cJSON *o, const struct queue_pie_config *p)
{
	put_duration(o, "target", p->target);
	put_duration(o, "tupdate", p->tupdate);
	put_duration(o, "max_burst", p->max_burst);
	/* The scenario gives alpha and beta in sixteenths, as tc-pie. */
	summary_put_u64(o, "alpha", (uint64_t)llround(p->alpha * 16.0));
	summary_put_u64(o, "beta", (uint64_t)llround(p->beta * 16.0));
	cJSON_AddBoolToObject(o, "bytemode", p->bytemode);
}

/* The queue as an object: its discipline, both limits and the discipline's own
 * keys (an object replaces what the direction inherited, so nothing is left to a
 * default). */
static cJSON *queue_json(const struct queue_config *q)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", queue_type_name(q->type));
	summary_put_u64(o, "packets", q->limit_packets);
	summary_put_u64(o, "bytes", q->limit_bytes);
	switch (q->type) {
	case QUEUE_RED:
		red_keys(o, &q->red);
		break;
	case QUEUE_CODEL:
	case QUEUE_FQ_CODEL:
		put_duration(o, "target", q->codel.target);
		put_duration(o, "interval", q->codel.interval);
		if (q->type == QUEUE_FQ_CODEL) {
			summary_put_u64(o, "flows", q->fq.flows);
			if (q->fq.quantum) /* 0: the link's MTU */
				summary_put_u64(o, "quantum", q->fq.quantum);
			summary_put_u64(o, "drop_batch", q->fq.drop_batch);
		}
		break;
	case QUEUE_PIE:
		pie_keys(o, &q->pie);
		break;
	case QUEUE_STEP:
		put_threshold(o, "k", q->step.k, q->step.bytes);
		break;
	default:
		break;
	}
	/* Drop-tail and step have no "ecn" key (step always marks). */
	if (q->type != QUEUE_DROPTAIL && q->type != QUEUE_STEP)
		cJSON_AddBoolToObject(o, "ecn", q->ecn);
	return o;
}

/* Every direction key of one direction. */
static cJSON *dir_json(const struct link_dir_config *d, bool trace)
{
	cJSON *o = cJSON_CreateObject();
	put_rate(o, "bandwidth", d->bandwidth_bps);
	put_duration(o, "delay", d->delay);
	summary_put_u64(o, "mtu", d->mtu);
	cJSON_AddItemToObject(o, "queue", queue_json(&d->queue));
	cJSON_AddItemToObject(o, "loss", loss_json(&d->loss));
	put_duration(o, "jitter", d->jitter);
	cJSON_AddBoolToObject(o, "reorder", d->reorder);
	summary_put_double(o, "duplicate", d->duplicate);
	summary_put_double(o, "corrupt", d->corrupt);
	summary_put_u64(o, "framing", d->framing_bytes);
	cJSON *down = cJSON_AddArrayToObject(o, "down");
	for (uint32_t i = 0; i < d->n_outages; i++) {
		cJSON *e = cJSON_CreateObject();
		put_duration(e, "at", d->outages[i].start);
		if (d->outages[i].end != SIM_TIME_MAX)
			put_duration(e, "for", d->outages[i].end - d->outages[i].start);
		cJSON_AddItemToArray(down, e);
	}
	cJSON_AddBoolToObject(o, "trace", trace);
	return o;
}

static cJSON *end_json(const struct scenario *s, guint fi)
{
	const struct scn_iface *f = iface_at(s, fi);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "node", node_name(s, f->node));
	put_cidr(o, "address", f->addr, f->prefix_len);
	cJSON_AddStringToObject(o, "iface", f->name);
	return o;
}

/* A link: the keys both directions share at the link level, the others in
 * "forward" and "reverse". */
static cJSON *link_json(const struct scenario *s, const struct scn_link *L)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", L->name);
	cJSON *ends = cJSON_AddArrayToObject(o, "ends");
	cJSON_AddItemToArray(ends, end_json(s, L->iface[0]));
	cJSON_AddItemToArray(ends, end_json(s, L->iface[1]));
	cJSON *fw = dir_json(&L->dir[LINK_FORWARD], L->trace_queue[LINK_FORWARD]);
	cJSON *rv = dir_json(&L->dir[LINK_REVERSE], L->trace_queue[LINK_REVERSE]);
	cJSON *fw_only = cJSON_CreateObject(), *rv_only = cJSON_CreateObject();
	while (fw->child) {
		cJSON *f = cJSON_DetachItemViaPointer(fw, fw->child);
		cJSON *r = cJSON_DetachItemFromObjectCaseSensitive(rv, f->string);
		if (cJSON_Compare(f, r, true)) {
			cJSON_AddItemToObject(o, f->string, f);
			cJSON_Delete(r);
		} else {
			cJSON_AddItemToObject(fw_only, f->string, f);
			cJSON_AddItemToObject(rv_only, r->string, r);
		}
	}
	cJSON_Delete(fw);
	cJSON_Delete(rv);
	if (fw_only->child) {
		cJSON_AddItemToObject(o, "forward", fw_only);
		cJSON_AddItemToObject(o, "reverse", rv_only);
	} else {
		cJSON_Delete(fw_only);
		cJSON_Delete(rv_only);
	}
	return o;
}

static cJSON *links_json(const struct scenario *s)
{
	cJSON *arr = cJSON_CreateArray();
	for (guint i = 0; i < s->links->len; i++)
		cJSON_AddItemToArray(arr, link_json(s, &g_array_index(s->links, struct scn_link, i)));
	return arr;
}

/* ---- apps ------------------------------------------------------------------------------ */

static void put_trace(cJSON *o, const struct scn_app *a)
{
	if (!a->trace || a->trace_what == 0) {
		cJSON_AddBoolToObject(o, "trace", a->trace);
		return;
	}
	cJSON *t = cJSON_AddArrayToObject(o, "trace");
	if (a->trace_what & TCP_TRACE_ENDPOINT)
		cJSON_AddItemToArray(t, cJSON_CreateString("endpoint"));
	if (a->trace_what & TCP_TRACE_SEQ)
		cJSON_AddItemToArray(t, cJSON_CreateString("seq"));
}

/* A size, or a list of them (http "body" and "chunks"). */
static void put_sizes(cJSON *o, const char *key, const void *list, size_t n, bool u32,
		      uint64_t single)
{
	if (n == 0) {
		summary_put_u64(o, key, single);
		return;
	}
	cJSON *arr = cJSON_AddArrayToObject(o, key);
	for (size_t i = 0; i < n; i++) {
		char buf[32];
		sim_fmt_u64(buf, u32 ? ((const uint32_t *)list)[i] : ((const uint64_t *)list)[i]);
		cJSON_AddItemToArray(arr, cJSON_CreateRaw(buf));
	}
}

static void bulk_keys(cJSON *o, const struct scn_app *a)
{
	const struct bulk_config *b = &a->bulk;
	summary_put_u64(o, "bytes", b->bytes);
	summary_put_u64(o, "write", b->write_size);
	/* The model counts bytes per second; the scenario a rate in bit/s. */
	if (b->read_rate)
		put_rate(o, "read_rate", b->read_rate * 8);
	summary_put_u64(o, "read_size", b->read_size);
	cJSON *ps = cJSON_AddArrayToObject(o, "pauses");
	for (size_t i = 0; i < b->n_pauses; i++) {
		cJSON *e = cJSON_CreateObject();
		put_duration(e, "at", b->pauses[i].start);
		put_duration(e, "for", b->pauses[i].duration);
		cJSON_AddItemToArray(ps, e);
	}
	cJSON_AddStringToObject(o, "readiness", b->receiver_edge ? "edge" : "level");
	cJSON_AddBoolToObject(o, "drain", !b->read_once);
	if (b->close_unread > 0) /* 0: never */
		put_duration(o, "close_unread", b->close_unread);
	cJSON_AddBoolToObject(o, "sender_close", b->sender_close);
	cJSON_AddBoolToObject(o, "receiver_close", !b->receiver_keeps_open);
}

static void http_keys(cJSON *o, const struct scn_app *a)
{
	const struct http_config *h = &a->http;
	summary_put_u64(o, "requests", h->requests);
	put_sizes(o, "body", h->body_sizes, h->n_body_sizes, false, h->body_size);
	put_sizes(o, "chunks", h->chunk_sizes, h->n_chunk_sizes, true, h->chunk_size);
	if (h->chunk_extension)
		cJSON_AddStringToObject(o, "chunk_extension", h->chunk_extension);
	if (h->trailer)
		cJSON_AddStringToObject(o, "trailer", h->trailer);
	put_duration(o, "think", h->think_time);
}

/* The keys of a TCP application's own type. */
static void tcp_app_type_keys(cJSON *o, const struct scn_app *a)
{
	switch (a->type) {
	case SCN_APP_BULK:
		bulk_keys(o, a);
		break;
	case SCN_APP_ECHO:
		summary_put_u64(o, "bytes", a->echo.bytes);
		summary_put_u64(o, "write", a->echo.write_size);
		break;
	case SCN_APP_REQUEST_RESPONSE:
		summary_put_u64(o, "request", a->rr.request_size);
		summary_put_u64(o, "response", a->rr.response_size);
		summary_put_u64(o, "count", a->rr.count);
		put_duration(o, "think", a->rr.think_time);
		break;
	case SCN_APP_HTTP:
		http_keys(o, a);
		break;
	case SCN_APP_SIMOPEN:
		summary_put_u64(o, "bytes", a->simopen.bytes);
		summary_put_u64(o, "write", a->simopen.write_size);
		break;
	default:
		break;
	}
}

/* TCP applications: endpoints, the layered knobs, traces, then the type's keys. A
 * simultaneous open has no listener: no "listen" and no "server". */
static void tcp_app_keys(const struct scenario *s, cJSON *o, const struct scn_app *a)
{
	summary_put_u64(o, "port", a->port);
	if (a->type != SCN_APP_SIMOPEN) {
		put_addr(o, "listen", a->listen);
		cJSON_AddBoolToObject(o, "server", a->server);
		summary_put_u64(o, "backlog", (uint64_t)a->backlog);
	}
	if (a->src)
		put_addr(o, "source", a->src);
	if (a->src_port)
		summary_put_u64(o, "source_port", a->src_port);
	put_tcp_layer(o, "tcp", &a->tcp, &s->tcp);
	put_tcp_layer(o, "server_tcp", &a->tcp_server, &a->tcp);
	put_trace(o, a);
	tcp_app_type_keys(o, a);
}

static void ping_keys(cJSON *o, const struct scn_app *a)
{
	const struct ping_config *p = &a->ping;
	summary_put_u64(o, "count", p->count);
	put_duration(o, "interval", p->interval);
	summary_put_u64(o, "size", p->payload_bytes);
	cJSON_AddBoolToObject(o, "df", p->df);
	if (p->ttl)
		summary_put_u64(o, "ttl", p->ttl);
	summary_put_u64(o, "tos", p->tos);
	cJSON_AddBoolToObject(o, "trace", a->ping_trace);
}

static void udp_keys(cJSON *o, const struct scn_app *a)
{
	const struct udp_source_config *u = &a->udp_src;
	summary_put_u64(o, "port", a->port);
	put_addr(o, "listen", a->listen);
	put_addr(o, "source", u->src_addr);
	summary_put_u64(o, "source_port", u->src_port);
	cJSON_AddStringToObject(o, "mode", u->mode == UDP_SOURCE_ONOFF ? "on-off" : "cbr");
	put_rate(o, "rate", u->rate_bps);
	summary_put_u64(o, "size", u->packet_bytes);
	if (u->mode == UDP_SOURCE_ONOFF) {
		put_duration(o, "on", u->on_time);
		put_duration(o, "off", u->off_time);
		cJSON_AddBoolToObject(o, "exponential", u->exponential);
	}
	cJSON_AddBoolToObject(o, "df", u->df);
	summary_put_u64(o, "tos", u->tos);
}

/* A SYN flood: its target, rate and the prefix of its forged sources. */
static void syn_flood_keys(cJSON *o, const struct scn_app *a)
{
	const struct syn_flood_config *f = &a->syn_flood;
	summary_put_u64(o, "port", f->port);
	summary_put_u64(o, "rate", f->rate);
	/* n_sources is the prefix's size: 2^(32 − len), all of them for /0. */
	unsigned len = 32;
	while (len > 0 && (f->n_sources == UINT32_MAX || (UINT64_C(1) << (32 - len)) < f->n_sources))
		len--;
	put_cidr(o, "sources", f->sources, len);
	if (f->ttl)
		summary_put_u64(o, "ttl", f->ttl);
}

static cJSON *app_json(const struct scenario *s, const struct scn_app *a)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", scn_app_type_name(a->type));
	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "from", node_name(s, a->from));
	if (a->to >= 0)
		cJSON_AddStringToObject(o, "to", node_name(s, (guint)a->to));
	put_addr(o, "address", a->dst);
	put_duration(o, "start", a->start);
	/* A ping stops after its count: it has no "stop". */
	if (a->stop != SIM_TIME_MAX && a->type != SCN_APP_PING)
		put_duration(o, "stop", a->stop);
	if (scn_app_is_tcp(a->type))
		tcp_app_keys(s, o, a);
	else if (a->type == SCN_APP_PING)
		ping_keys(o, a);
	else if (a->type == SCN_APP_SYN_FLOOD)
		syn_flood_keys(o, a);
	else
		udp_keys(o, a);
	cJSON_AddBoolToObject(o, "check_route", a->check_route);
	return o;
}

static cJSON *capture_json(const struct scenario *s)
{
	cJSON *arr = cJSON_CreateArray();
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = &g_array_index(s->nodes, struct scn_node, i);
		for (guint k = 0; k < n->ifaces->len; k++) {
			const struct scn_iface *f = iface_at(s, g_array_index(n->ifaces, guint, k));
			if (f->capture) {
				char *e = g_strdup_printf("%s:%s", n->name, f->name);
				cJSON_AddItemToArray(arr, cJSON_CreateString(e));
				g_free(e);
			}
		}
		if (n->capture_lo) {
			char *e = g_strdup_printf("%s:lo", n->name);
			cJSON_AddItemToArray(arr, cJSON_CreateString(e));
			g_free(e);
		}
	}
	return arr;
}

/* ---- the whole scenario ------------------------------------------------------------------ */

cJSON *scenario_to_json(const struct scenario *s)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "name", s->name);
	cJSON_AddStringToObject(root, "description", s->description);
	summary_put_u64(root, "seed", s->seed);
	put_duration(root, "duration", s->duration);
	cJSON_AddItemToObject(root, "tcp", scenario_tcp_json(&s->tcp, NULL));
	cJSON_AddItemToObject(root, "nodes", nodes_json(s));
	cJSON_AddItemToObject(root, "links", links_json(s));
	cJSON *apps = cJSON_AddArrayToObject(root, "apps");
	for (guint i = 0; i < s->apps->len; i++)
		cJSON_AddItemToArray(apps, app_json(s, &g_array_index(s->apps, struct scn_app, i)));
	cJSON_AddItemToObject(root, "capture", capture_json(s));
	cJSON_AddStringToObject(root, "capture_format", s->capture_pcapng ? "pcapng" : "pcap");
	return root;
}
