/* sim/cli/scenario_apps.c — the "apps" section: each application's name, times,
 * endpoints and the routes between them, its type's configuration struct, and its
 * server bindings (port conflicts, shared listeners). */
#include <string.h>

#include "models/apps/http_codec.h"
#include "sim/cli/scenario_conv.h"

static void conv_trace(const cJSON *o, struct scn_app *a)
{
	const cJSON *t = sch_get(o, "trace");
	a->trace = false;
	a->trace_what = 0;
	if (cJSON_IsTrue(t)) {
		a->trace = true;
		return;
	}
	if (!cJSON_IsArray(t))
		return;
	for (const cJSON *e = t->child; e; e = e->next) {
		if (!cJSON_IsString(e))
			continue;
		if (!strcmp(e->valuestring, "endpoint"))
			a->trace_what |= TCP_TRACE_ENDPOINT;
		else if (!strcmp(e->valuestring, "seq"))
			a->trace_what |= TCP_TRACE_SEQ;
	}
	a->trace = a->trace_what != 0;
}

/* Reads a size or a list of sizes into `out` (uint64_t or uint32_t elements). */
static void size_list(const cJSON *v, GArray *out, bool u32)
{
	uint64_t b;
	if (cJSON_IsArray(v)) {
		for (const cJSON *e = v->child; e; e = e->next) {
			if (!sch_size_value(e, &b))
				continue;
			if (u32) {
				uint32_t x = (uint32_t)b;
				g_array_append_val(out, x);
			} else {
				g_array_append_val(out, b);
			}
		}
	} else if (sch_size_value(v, &b)) {
		if (u32) {
			uint32_t x = (uint32_t)b;
			g_array_append_val(out, x);
		} else {
			g_array_append_val(out, b);
		}
	}
}

static void conv_bulk(const cJSON *o, struct scn_app *a, sim_time_t stop)
{
	uint64_t u;
	struct bulk_config *b = &a->bulk;
	bulk_config_default(b);
	sch_get_size(o, "bytes", &b->bytes);
	if (sch_get_size(o, "write", &u))
		b->write_size = (uint32_t)u;
	if (sch_get_rate(o, "read_rate", &u))
		b->read_rate = u / 8 ? u / 8 : 1; /* the model counts bytes per second */
	if (sch_get_size(o, "read_size", &u))
		b->read_size = (uint32_t)u;
	a->pauses = g_array_new(FALSE, FALSE, sizeof(struct app_interval));
	const cJSON *ps = sch_get(o, "pauses");
	for (const cJSON *e = cJSON_IsArray(ps) ? ps->child : NULL; e; e = e->next) {
		struct app_interval iv2 = {0, 0};
		if (sch_get_duration(e, "at", &iv2.start) && sch_get_duration(e, "for", &iv2.duration))
			g_array_append_val(a->pauses, iv2);
	}
	b->pauses = (const struct app_interval *)(void *)a->pauses->data;
	b->n_pauses = a->pauses->len;
	const char *readiness;
	b->receiver_edge = sch_get_string(o, "readiness", &readiness) && strcmp(readiness, "edge") == 0;
	bool drain = true, receiver_close = true;
	sch_get_bool(o, "drain", &drain);
	b->read_once = !drain;
	sch_get_duration(o, "close_unread", &b->close_unread);
	sch_get_bool(o, "sender_close", &b->sender_close);
	sch_get_bool(o, "receiver_close", &receiver_close);
	b->receiver_keeps_open = !receiver_close;
	b->start = a->start;
	b->stop = stop;
	b->client_only = !a->server;
}

static void conv_echo(const cJSON *o, struct scn_app *a)
{
	uint64_t u;
	struct echo_config *e = &a->echo;
	echo_config_default(e);
	sch_get_size(o, "bytes", &e->bytes);
	if (sch_get_size(o, "write", &u))
		e->write_size = (uint32_t)u;
}

static void conv_reqresp(struct scn_conv *c, const cJSON *o, struct scn_app *a, sim_time_t stop)
{
	int64_t iv;
	uint64_t u;
	struct reqresp_config *r = &a->rr;
	reqresp_config_default(r);
	if (sch_get_size(o, "request", &u))
		r->request_size = (uint32_t)u;
	if (sch_get_size(o, "response", &u))
		r->response_size = (uint32_t)u;
	if (sch_get_int(o, "count", &iv))
		r->count = (uint64_t)iv;
	sch_get_duration(o, "think", &r->think_time);
	if (r->count == 0 && stop == 0)
		scn_err_key(c, o, "count", "0 means \"until stop\": give \"stop\" too");
}

/* "chunk_extension" and "trailer": strings the server puts on the wire as they are,
 * so they must be what the server's codec accepts (models/apps/http_codec.h). */
static void conv_http_extras(struct scn_conv *c, const cJSON *o, struct scn_app *a)
{
	struct http_config *h = &a->http;
	const char *str;
	if (sch_get_string(o, "chunk_extension", &str)) {
		if (strchr(str, ';') || strchr(str, '\r') || strchr(str, '\n'))
			scn_err_key(c, o, "chunk_extension",
				"write the extension without ';' or line breaks, e.g. \"sig=abc\"");
		else if (!http_chunk_extension_valid(str))
			scn_err_key(c, o, "chunk_extension",
				"not a chunk extension the HTTP server can send: write name or "
				"name=value (a token or a quoted string), e.g. \"sig=abc\"");
		a->chunk_extension = g_strdup(str);
		h->chunk_extension = a->chunk_extension;
	}
	if (sch_get_string(o, "trailer", &str)) {
		if (!strchr(str, ':') || strchr(str, '\r') || strchr(str, '\n'))
			scn_err_key(c, o, "trailer",
				"write one field line \"Name: value\" without line breaks");
		else if (!http_field_line_valid(str))
			scn_err_key(c, o, "trailer",
				"not a field line the HTTP server can send: write one \"Name: "
				"value\" (a token, a colon, visible text)");
		a->trailer = g_strdup(str);
		h->trailer = a->trailer;
	}
}

static void conv_http(struct scn_conv *c, const cJSON *o, struct scn_app *a)
{
	int64_t iv;
	uint64_t u;
	struct http_config *h = &a->http;
	http_config_default(h);
	if (sch_get_int(o, "requests", &iv))
		h->requests = (uint32_t)iv;
	a->body_sizes = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	a->chunk_sizes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	const cJSON *body = sch_get(o, "body");
	if (cJSON_IsArray(body)) {
		size_list(body, a->body_sizes, false);
		h->body_sizes = (const uint64_t *)(void *)a->body_sizes->data;
		h->n_body_sizes = a->body_sizes->len;
	} else if (body) {
		sch_size_value(body, &h->body_size);
	}
	const cJSON *chunks = sch_get(o, "chunks");
	if (cJSON_IsArray(chunks)) {
		size_list(chunks, a->chunk_sizes, true);
		h->chunk_sizes = (const uint32_t *)(void *)a->chunk_sizes->data;
		h->n_chunk_sizes = a->chunk_sizes->len;
	} else if (chunks && sch_size_value(chunks, &u)) {
		h->chunk_size = (uint32_t)u;
	}
	conv_http_extras(c, o, a);
	sch_get_duration(o, "think", &h->think_time);
}

static void conv_simopen(const cJSON *o, struct scn_app *a, sim_time_t stop)
{
	uint64_t u;
	struct simopen_config *so = &a->simopen;
	simopen_config_default(so);
	sch_get_size(o, "bytes", &so->bytes);
	if (sch_get_size(o, "write", &u))
		so->write_size = (uint32_t)u;
	so->start = a->start;
	so->stop = stop;
}

/* The app-specific keys of TCP applications, into the models' config structs. */
static void conv_tcp_app(struct scn_conv *c, const cJSON *o, struct scn_app *a)
{
	sim_time_t stop = a->stop == SIM_TIME_MAX ? 0 : a->stop; /* the apps' "none" */

	switch (a->type) {
	case SCN_APP_BULK:
		conv_bulk(o, a, stop);
		break;
	case SCN_APP_ECHO:
		conv_echo(o, a);
		break;
	case SCN_APP_REQUEST_RESPONSE:
		conv_reqresp(c, o, a, stop);
		break;
	case SCN_APP_HTTP:
		conv_http(c, o, a);
		break;
	case SCN_APP_SIMOPEN:
		conv_simopen(o, a, stop);
		break;
	default:
		break;
	}
}

static enum scn_app_type app_type_of(const char *t)
{
	for (int i = 0; i <= SCN_APP_SYN_FLOOD; i++)
		if (strcmp(scn_app_type_name((enum scn_app_type)i), t) == 0)
			return (enum scn_app_type)i;
	return SCN_APP_BULK;
}

/* A server (TCP listener or UDP sink) binding, for conflict checks. */
struct binding {
	gint node;
	ipv4_addr_t addr;
	uint16_t port;
	bool udp;
	bool shareable; /* a TCP listener other TCP applications may share */
	guint app;      /* its position in the JSON "apps" array (for messages) */
	guint slot;     /* its position in s->apps, which skips invalid applications */
};

static bool same_tcp_config(const struct tcp_config *x, const struct tcp_config *y)
{
	size_t n;
	const struct tcp_knob *knobs = tcp_knobs(&n);
	for (size_t i = 0; i < n; i++)
		if (tcp_knob_get(x, &knobs[i]) != tcp_knob_get(y, &knobs[i]))
			return false;
	return true;
}

/* Bindings are grouped by (node, port, protocol) in a hash table (a scenario may
 * have thousands of servers); each group is a short list. */
static guint64 binding_key(const struct binding *b)
{
	return (guint64)(guint32)b->node << 24 | (guint64)b->port << 1 | (b->udp ? 1u : 0u);
}

/* Records a binding; reports a conflict with an earlier one. TCP applications with
 * the same server node, port and listen address share one listener (world.c), which
 * then must have one configuration. */
static void check_binding(struct scn_conv *c, GHashTable *bindings, const cJSON *o,
			  const char *key, struct binding b, const struct scn_app *cur)
{
	guint64 k = binding_key(&b);
	GArray *group = g_hash_table_lookup(bindings, &k);
	if (!group) {
		group = g_array_new(FALSE, FALSE, sizeof(struct binding));
		g_hash_table_insert(bindings, g_memdup2(&k, sizeof(k)), group);
	}
	for (guint i = 0; i < group->len; i++) {
		const struct binding *x = &g_array_index(group, struct binding, i);
		g_assert(x->slot < c->s->apps->len);
		const struct scn_app *xa = &g_array_index(c->s->apps, struct scn_app, x->slot);
		if (x->shareable && b.shareable && x->addr == b.addr) {
			if (!same_tcp_config(&xa->tcp_server, &cur->tcp_server))
				scn_err_key(c, o, key,
					"shares the listener on %s port %u with apps[%u] (%s), so its "
					"server_tcp must be the same",
					scn_node_at(c->s, (guint)b.node)->name, b.port, x->app, xa->name);
			else if (xa->backlog != cur->backlog)
				scn_err_key(c, o, sch_get(o, "backlog") ? "backlog" : key,
					"shares the listener on %s port %u with apps[%u] (%s), so its "
					"backlog must be the same (%d)",
					scn_node_at(c->s, (guint)b.node)->name, b.port, x->app, xa->name,
					xa->backlog);
			return;
		}
		if (x->addr == b.addr || x->addr == 0 || b.addr == 0) {
			scn_err_key(c, o, key, "%s port %u on %s is already used by apps[%u] (%s)",
				b.udp ? "UDP" : "TCP", b.port, scn_node_at(c->s, (guint)b.node)->name,
				x->app, xa->name);
			return;
		}
	}
	g_array_append_val(group, b);
}

/* Counters for default names: applications of each type, and TCP ones ("flowN"). */
struct app_counts {
	unsigned of_type[SCN_APP_SYN_FLOOD + 1];
	unsigned tcp;
};

/* The name: "name", else flowN (TCP) or typeN; reports one an earlier application
 * has. */
static void app_name(struct scn_conv *c, const cJSON *o, struct scn_app *a, const char *type,
		     const struct app_counts *n, gsize i)
{
	const char *name;
	if (sch_get_string(o, "name", &name))
		a->name = g_strdup(name);
	else if (scn_app_is_tcp(a->type))
		a->name = g_strdup_printf("flow%u", n->tcp);
	else
		a->name = g_strdup_printf("%s%u", type, n->of_type[a->type]);
	gpointer prev = g_hash_table_lookup(c->app_names, a->name);
	if (prev)
		scn_err_key(c, o, sch_get(o, "name") ? "name" : NULL,
			"duplicate application name \"%s\" (also apps[%d])%s", a->name,
			GPOINTER_TO_INT(prev) - 1, sch_get(o, "name") ? "" : "; give it a \"name\"");
	else
		g_hash_table_insert(c->app_names, g_strdup(a->name), GINT_TO_POINTER((gint)i + 1));
}

/* "start" and "stop": stop after start, start before the end of the run. */
static void app_times(struct scn_conv *c, const cJSON *o, struct scn_app *a)
{
	a->start = 0;
	a->stop = SIM_TIME_MAX;
	sch_get_duration(o, "start", &a->start);
	sch_get_duration(o, "stop", &a->stop);
	if (sch_get(o, "stop") && a->stop != SIM_TIME_MAX && a->stop <= a->start) {
		char b1[32];
		sim_format_duration(a->start, b1, sizeof(b1));
		scn_err_key(c, o, "stop", "must be after start (%s)", b1);
	}
	if (a->start >= c->s->duration && c->s->duration > 0) {
		char b1[32], b2[32];
		sim_format_duration(a->start, b1, sizeof(b1));
		sim_format_duration(c->s->duration, b2, sizeof(b2));
		scn_err_key(c, o, "start", "starts at %s, when the run is over (duration %s)", b1, b2);
	}
}

/* An application's endpoints as read: node indices (-1 unknown, -2 invalid, -3 for
 * `to` absent) and whether "address" was given. */
struct app_ends {
	gint from, to;
	bool have_dst;
};

/* Reads "from", "to", "address", the ports and bind addresses into a; reports a
 * missing `to` and a simultaneous open on one node. */
static struct app_ends app_read_ends(struct scn_conv *c, const cJSON *o, struct scn_app *a)
{
	struct app_ends e;
	e.from = scn_lookup_node(c, o, "from");
	e.to = sch_get(o, "to") ? scn_lookup_node(c, o, "to") : -3;
	e.have_dst = sch_get_addr(o, "address", &a->dst);
	if (e.have_dst && a->dst == 0) {
		/* RFC 1122 §3.2.1.3 (a): 0.0.0.0 is only ever a source address. */
		scn_err_key(c, o, "address",
			    "0.0.0.0 is the unspecified address, never a destination");
	}
	a->to = e.to >= 0 ? e.to : -1;
	a->port = a->type == SCN_APP_UDP ? 9 : a->type == SCN_APP_HTTP ? 80 : 5001;
	int64_t iv;
	if (sch_get_int(o, "port", &iv))
		a->port = (uint16_t)iv;
	if (sch_get_int(o, "source_port", &iv))
		a->src_port = (uint16_t)iv;
	sch_get_addr(o, "listen", &a->listen);
	sch_get_addr(o, "source", &a->src);

	if (e.to == -3 && !e.have_dst) {
		if (a->type == SCN_APP_PING)
			scn_err_key(c, o, NULL, "needs \"to\" (a node) or \"address\" to ping");
		else
			scn_err_key(c, o, NULL, "missing required key \"to\"");
	}
	if (e.to == -3 && e.have_dst && a->type != SCN_APP_PING)
		scn_err_key(c, o, NULL, "missing required key \"to\" (the node that %s)",
			a->type == SCN_APP_UDP ? "runs the sink" : "runs the server");
	if (a->type == SCN_APP_SIMOPEN && e.from >= 0 && e.from == e.to)
		scn_err_key(c, o, "to", "simultaneous open needs two different nodes");
	return e;
}

/* The destination address: the given one must be `to`'s; without one, `to`'s first
 * address (127.0.0.1 when from = to). */
static void app_dst(struct scn_conv *c, const cJSON *o, struct scn_app *a, struct app_ends e)
{
	if (e.to < 0 || (e.have_dst && a->dst == 0)) /* 0.0.0.0: app_read_ends said so */
		return;
	const struct scn_node *tn = scn_node_at(c->s, (guint)e.to);
	if (!e.have_dst) {
		if (e.from == e.to) {
			a->dst = IPV4_LOOPBACK;
		} else if (tn->ifaces->len > 0 &&
			   scn_iface_at(c->s, g_array_index(tn->ifaces, guint, 0))->addr) {
			a->dst = scn_iface_at(c->s, g_array_index(tn->ifaces, guint, 0))->addr;
		} else {
			scn_err_key(c, o, "to", "node %s has no address to reach it by", tn->name);
		}
		return;
	}
	if (ipv4_is_loopback(a->dst) && e.from != e.to) {
		scn_err_key(c, o, "address",
			"%s is a loopback address: it reaches the sender itself, not %s",
			sch_get(o, "address")->valuestring, tn->name);
	} else if (!scn_node_has_addr(c->s, tn, a->dst)) {
		char *as = scn_fmt_addr(a->dst);
		scn_err_key(c, o, "address", "%s is not an address of %s", as, tn->name);
		g_free(as);
	}
}

/* "listen" must be an address of `to`, "source" one of `from`. */
static void app_bind_addrs(struct scn_conv *c, const cJSON *o, const struct scn_app *a,
			   struct app_ends e)
{
	if (e.to >= 0 && sch_get(o, "listen") && a->listen != 0 &&
	    !scn_node_has_addr(c->s, scn_node_at(c->s, (guint)e.to), a->listen)) {
		char *as = scn_fmt_addr(a->listen);
		scn_err_key(c, o, "listen",
			"%s is not an address of %s (use 0.0.0.0, 127.0.0.1 or one of its "
			"addresses)",
			as, scn_node_at(c->s, (guint)e.to)->name);
		g_free(as);
	}
	if (e.from >= 0 && a->src != 0 &&
	    !scn_node_has_addr(c->s, scn_node_at(c->s, (guint)e.from), a->src)) {
		char *as = scn_fmt_addr(a->src);
		scn_err_key(c, o, "source", "%s is not an address of %s", as,
			scn_node_at(c->s, (guint)e.from)->name);
		g_free(as);
	}
}

/* Routes there and back (ping replies, TCP ACKs; UDP goes one way). */
static void app_routes(struct scn_conv *c, const cJSON *o, const struct scn_app *a,
		       struct app_ends e)
{
	char *why = NULL;
	ipv4_addr_t src = 0;
	const char *key = sch_get(o, "address") ? "address" : "to";
	char *da = scn_fmt_addr(a->dst);
	gint owner = scn_walk_route(c->s, (guint)e.from, a->dst, &src, &why);
	if (owner < 0) {
		scn_err_key(c, o, key, "no route from %s to %s: %s",
			scn_node_at(c->s, (guint)e.from)->name, da, why);
	} else if (e.to >= 0 && owner != e.to) {
		scn_err_key(c, o, key, "%s leads to %s, not %s", da,
			scn_node_at(c->s, (guint)owner)->name, scn_node_at(c->s, (guint)e.to)->name);
	} else if (a->type != SCN_APP_UDP && a->type != SCN_APP_SYN_FLOOD) {
		if (a->src)
			src = a->src;
		char *why2 = NULL;
		ipv4_addr_t src2;
		char *sa = scn_fmt_addr(src);
		if (scn_walk_route(c->s, (guint)owner, src, &src2, &why2) != e.from)
			scn_err_key(c, o, "from", "no route back from %s to %s's address %s: %s",
				scn_node_at(c->s, (guint)owner)->name,
				scn_node_at(c->s, (guint)e.from)->name, sa,
				why2 ? why2 : "it leads elsewhere");
		g_free(sa);
		g_free(why2);
	}
	g_free(why);
	g_free(da);
}

/* A TCP application: its `tcp` and `server_tcp` layered over the scenario's, its
 * traces, its server, then its type's own keys. */
static void conv_tcp_side(struct scn_conv *c, const cJSON *o, struct scn_app *a,
			  const cJSON *top_tcp)
{
	const cJSON *mine = sch_get(o, "tcp");
	const cJSON *srv = sch_get(o, "server_tcp");
	const cJSON *l1[3] = {top_tcp, mine, NULL};
	const cJSON *l2[3] = {top_tcp, mine, srv};
	a->tcp = c->s->tcp;
	if (mine) {
		gsize lt = sch_path_key(c->path, "tcp");
		scn_conv_tcp(c, l1, 1, &a->tcp, mine);
		sch_path_pop(c->path, lt);
	}
	a->tcp_server = a->tcp;
	if (srv) {
		gsize lt = sch_path_key(c->path, "server_tcp");
		scn_conv_tcp(c, l2, 2, &a->tcp_server, srv);
		sch_path_pop(c->path, lt);
	}
	conv_trace(o, a);
	sch_get_bool(o, "server", &a->server);
	int64_t backlog = 128;
	sch_get_int(o, "backlog", &backlog);
	a->backlog = (int)backlog;
	conv_tcp_app(c, o, a);
}

/* "ecn": the codepoint (its index in the schema's list is its value, RFC 3168 §5)
 * replaces the two low bits of the TOS byte. */
static uint8_t apply_ecn(const cJSON *o, uint8_t tos)
{
	static const char *const names[] = {"not-ect", "ect1", "ect0", "ce"};
	const char *e;
	if (!sch_get_string(o, "ecn", &e))
		return tos;
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(e, names[i]) == 0)
			return (uint8_t)((tos & ~0x03u) | i);
	return tos;
}

static void conv_ping(struct scn_conv *c, const cJSON *o, struct scn_app *a)
{
	int64_t iv;
	struct ping_config *p = &a->ping;
	ping_config_default(p);
	p->dst = a->dst;
	p->start = a->start;
	if (sch_get_int(o, "count", &iv))
		p->count = (uint32_t)iv;
	sch_get_duration(o, "interval", &p->interval);
	if (sch_get_int(o, "size", &iv))
		p->payload_bytes = (uint32_t)iv;
	sch_get_bool(o, "df", &p->df);
	if (sch_get_int(o, "ttl", &iv))
		p->ttl = (uint8_t)iv;
	if (sch_get_int(o, "tos", &iv))
		p->tos = (uint8_t)iv;
	p->tos = apply_ecn(o, p->tos);
	a->ping_trace = true;
	sch_get_bool(o, "trace", &a->ping_trace);
	if (sch_get(o, "stop"))
		scn_err_key(c, o, "stop", "a ping stops after \"count\" requests; set count instead");
	const char *why = sch_diags_count(c->d) ? NULL : ping_config_check(p);
	if (why && p->dst)
		scn_err_key(c, o, NULL, "%s", why);
}

static void conv_udp(struct scn_conv *c, const cJSON *o, struct scn_app *a)
{
	int64_t iv;
	struct udp_source_config *u = &a->udp_src;
	udp_source_config_default(u);
	u->dst = a->dst;
	u->dst_port = a->port;
	u->src_addr = a->src;
	u->src_port = a->src_port;
	const char *mode;
	if (sch_get_string(o, "mode", &mode) && strcmp(mode, "on-off") == 0)
		u->mode = UDP_SOURCE_ONOFF;
	sch_get_rate(o, "rate", &u->rate_bps);
	if (sch_get_int(o, "size", &iv))
		u->packet_bytes = (uint32_t)iv;
	sch_get_duration(o, "on", &u->on_time);
	sch_get_duration(o, "off", &u->off_time);
	sch_get_bool(o, "exponential", &u->exponential);
	sch_get_bool(o, "df", &u->df);
	if (sch_get_int(o, "tos", &iv))
		u->tos = (uint8_t)iv;
	u->tos = apply_ecn(o, u->tos);
	u->start = a->start;
	u->stop = a->stop;
	if (u->mode == UDP_SOURCE_CBR &&
	    (sch_get(o, "on") || sch_get(o, "off") || sch_get(o, "exponential")))
		scn_err_key(c, o,
			sch_get(o, "on") ? "on" : sch_get(o, "off") ? "off" : "exponential",
			"applies to \"mode\": \"on-off\" only");
	udp_sink_config_default(&a->udp_sink);
	a->udp_sink.bind_addr = a->listen;
	a->udp_sink.port = a->port;
	const char *why = sch_diags_count(c->d) ? NULL : udp_source_config_check(u);
	if (why && u->dst)
		scn_err_key(c, o, NULL, "%s", why);
}

/* A SYN flood: the target, the rate and the forged sources (a prefix's addresses). */
static void conv_syn_flood(const cJSON *o, struct scn_app *a)
{
	struct syn_flood_config *f = &a->syn_flood;
	int64_t iv;
	memset(f, 0, sizeof(*f));
	f->dst = a->dst;
	f->port = a->port;
	f->rate = 1000;
	if (sch_get_int(o, "rate", &iv))
		f->rate = (uint64_t)iv;
	struct ipv4_prefix p;
	if (sch_get_prefix(o, "sources", &p)) {
		f->sources = p.addr;
		f->n_sources = p.len == 0 ? UINT32_MAX : (uint32_t)(UINT64_C(1) << (32 - p.len));
	}
	if (sch_get_int(o, "ttl", &iv))
		f->ttl = (uint8_t)iv;
	f->start = a->start;
	f->stop = a->stop;
}

/* Server bindings: the server (TCP listener, UDP sink) on `to`, and for a
 * simultaneous open both ends' fixed ports. `json_index` is the application's place
 * in "apps". */
static void app_bindings(struct scn_conv *c, GHashTable *bindings, const cJSON *o,
			 const struct scn_app *a, struct app_ends e, gsize json_index)
{
	if (e.to < 0 || !a->server || !(scn_app_is_tcp(a->type) || a->type == SCN_APP_UDP))
		return;
	struct binding b = {e.to, a->listen, a->port, a->type == SCN_APP_UDP,
			    scn_app_is_tcp(a->type) && a->type != SCN_APP_SIMOPEN,
			    (guint)json_index, c->s->apps->len};
	if (a->type == SCN_APP_SIMOPEN)
		b.addr = a->dst;
	check_binding(c, bindings, o, sch_get(o, "port") ? "port" : NULL, b, a);
	/* (from = to is reported above; the two ends would only meet.) */
	if (a->type == SCN_APP_SIMOPEN && e.from >= 0 && e.from != e.to) {
		struct binding b2 = {e.from, 0, a->src_port ? a->src_port : a->port, false, false,
				     (guint)json_index, c->s->apps->len};
		check_binding(c, bindings, o, sch_get(o, "source_port") ? "source_port" : NULL, b2,
			      a);
	}
}

/* One element of "apps" (object o, at c->path) into a. */
static void conv_app(struct scn_conv *c, const cJSON *o, struct scn_app *a, const cJSON *top_tcp,
		     GHashTable *bindings, gsize i)
{
	app_times(c, o, a);
	struct app_ends e = app_read_ends(c, o, a);
	bool check_route = true;
	sch_get_bool(o, "check_route", &check_route);
	a->check_route = check_route;
	app_dst(c, o, a, e);
	app_bind_addrs(c, o, a, e);
	bool endpoints_ok = c->topology_ok && e.from >= 0 && a->dst != 0 && (e.to >= 0 || e.to == -3);
	if (endpoints_ok && check_route)
		app_routes(c, o, a, e);

	if (scn_app_is_tcp(a->type))
		conv_tcp_side(c, o, a, top_tcp);
	else if (a->type == SCN_APP_PING)
		conv_ping(c, o, a);
	else if (a->type == SCN_APP_UDP)
		conv_udp(c, o, a);
	else if (a->type == SCN_APP_SYN_FLOOD)
		conv_syn_flood(o, a);
	/* Simultaneous open binds both ends to fixed addresses: `from`'s is the source
	 * its route toward `to` picks, unless given. */
	if (a->type == SCN_APP_SIMOPEN && !a->src && e.from >= 0 && a->dst && c->topology_ok) {
		char *why = NULL;
		ipv4_addr_t src = 0;
		scn_walk_route(c->s, (guint)e.from, a->dst, &src, &why);
		g_free(why);
		a->src = src;
	}
	app_bindings(c, bindings, o, a, e, i);
	if (e.from >= 0)
		a->from = (guint)e.from;
}

void scn_conv_apps(struct scn_conv *c, const cJSON *arr, const cJSON *top_tcp)
{
	GHashTable *bindings = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
						     (GDestroyNotify)g_array_unref);
	struct app_counts counts = {{0}, 0};
	gsize i = 0;

	for (const cJSON *o = cJSON_IsArray(arr) ? arr->child : NULL; o; o = o->next, i++) {
		gsize l = sch_path_index(c->path, i);
		struct scn_app a = {0};
		a.server = true;
		const char *type;
		if (!sch_get_string(o, "type", &type) || !sch_variant_of(scn_schema_app(), o)) {
			/* Reported by the schema; nothing else can be checked sensibly. */
			sch_path_pop(c->path, l);
			continue;
		}
		a.type = app_type_of(type);
		counts.of_type[a.type]++;
		if (scn_app_is_tcp(a.type))
			counts.tcp++;
		app_name(c, o, &a, type, &counts, i);
		conv_app(c, o, &a, top_tcp, bindings, i);
		g_array_append_val(c->s->apps, a);
		sch_path_pop(c->path, l);
	}
	g_hash_table_destroy(bindings);
}
