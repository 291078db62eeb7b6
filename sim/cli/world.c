/* sim/cli/world.c — builds the models from a validated scenario. */
#include "sim/cli/world.h"

#include <errno.h>
#include <string.h>

#include "models/apps/bulk.h"
#include "models/apps/tcp_app.h"
#include "models/apps/echo.h"
#include "models/apps/http.h"
#include "models/apps/ping.h"
#include "models/apps/reqresp.h"
#include "models/apps/simopen.h"
#include "models/apps/syn_flood.h"
#include "models/apps/udp_app.h"
#include "models/link/iface.h"
#include "models/ip/ipv4.h"
#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "models/tcp/attach.h"
#include "models/tcp/tcp.h"
#include "sim/core/sim.h"

#define WORLD_ERROR g_quark_from_static_string("netsim-world")

static char *out_path(const struct world *w, const char *name)
{
	return g_build_filename(w->outdir, name, NULL);
}

static const struct scn_node *scn_node(const struct scenario *s, guint i)
{
	return &g_array_index(s->nodes, struct scn_node, i);
}

static const struct scn_iface *scn_iface(const struct scenario *s, guint i)
{
	return &g_array_index(s->ifaces, struct scn_iface, i);
}

static struct iface *world_iface(const struct world *w, guint fi)
{
	const struct scn_iface *f = scn_iface(w->scn, fi);
	return node_iface_by_name(w->nodes[f->node], f->name);
}

static int build_network(struct world *w, GError **error)
{
	const struct scenario *s = w->scn;

	for (guint i = 0; i < s->nodes->len; i++)
		w->nodes[i] = node_new(w->sim, scn_node(s, i)->name, &scn_node(s, i)->cfg);

	/* Interfaces in link order, so each node's eth0, eth1, ... are numbered as the
	 * scenario lists its links. */
	for (guint fi = 0; fi < s->ifaces->len; fi++) {
		const struct scn_iface *f = scn_iface(s, fi);
		if (!node_add_iface(w->nodes[f->node], f->name, f->addr, f->prefix_len)) {
			char buf[IPV4_ADDR_STRLEN];
			g_set_error(error, WORLD_ERROR, 1, "cannot add interface %s %s/%u to node %s",
				    f->name, ipv4_format(f->addr, buf), f->prefix_len,
				    scn_node(s, f->node)->name);
			return -1;
		}
	}

	for (guint li = 0; li < s->links->len; li++) {
		const struct scn_link *L = &g_array_index(s->links, struct scn_link, li);
		struct iface *a = world_iface(w, L->iface[0]);
		struct iface *b = world_iface(w, L->iface[1]);
		w->links[li] = link_new(w->sim, L->name, a, b, &L->dir[LINK_FORWARD],
					&L->dir[LINK_REVERSE]);
	}

	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = scn_node(s, i);
		for (guint k = 0; k < n->routes->len; k++) {
			const struct scn_route *r = &g_array_index(n->routes, struct scn_route, k);
			struct iface *ifc = r->iface >= 0 ? world_iface(w, (guint)r->iface) : NULL;
			int rc = route_add(w->nodes[i], r->prefix, r->via, ifc);
			if (rc != 0) {
				char buf[IPV4_ADDR_STRLEN];
				g_set_error(error, WORLD_ERROR, 1,
					    "node %s: cannot add the route to %s/%u: %s", n->name,
					    ipv4_format(r->prefix.addr, buf), r->prefix.len,
					    g_strerror(-rc));
				return -1;
			}
		}
	}
	return 0;
}

static int start_captures_and_traces(struct world *w, GError **error)
{
	const struct scenario *s = w->scn;

	for (guint fi = 0; fi < s->ifaces->len; fi++) {
		const struct scn_iface *f = scn_iface(s, fi);
		if (!f->capture)
			continue;
		const char *node = scn_node(s, f->node)->name;
		char *name = g_strdup_printf("%s-%s.%s", node, f->name,
					     s->capture_pcapng ? "pcapng" : "pcap");
		char *path = out_path(w, name);
		int rc = s->capture_pcapng
				 ? iface_capture_start_ng(world_iface(w, fi), node, path, error)
				 : iface_capture_start(world_iface(w, fi), path, error);
		g_free(path);
		g_free(name);
		if (rc != 0)
			return -1;
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		if (!scn_node(s, i)->capture_lo)
			continue;
		const char *node = scn_node(s, i)->name;
		char *name = g_strdup_printf("%s-lo.%s", node, s->capture_pcapng ? "pcapng" : "pcap");
		char *path = out_path(w, name);
		int rc = s->capture_pcapng
				 ? iface_capture_start_ng(node_loopback(w->nodes[i]), node, path, error)
				 : iface_capture_start(node_loopback(w->nodes[i]), path, error);
		g_free(path);
		g_free(name);
		if (rc != 0)
			return -1;
	}
	for (guint li = 0; li < s->links->len; li++) {
		const struct scn_link *L = &g_array_index(s->links, struct scn_link, li);
		for (int d = 0; d < 2; d++) {
			if (!L->trace_queue[d])
				continue;
			char *name = g_strdup_printf("link.%s.%s.queue.tsv", L->name,
						     link_dir_name((enum link_dir)d));
			char *path = out_path(w, name);
			int rc = link_queue_trace_start(w->links[li], (enum link_dir)d, path, error);
			g_free(path);
			g_free(name);
			if (rc != 0)
				return -1;
		}
	}
	return 0;
}

/* ---- TCP ----------------------------------------------------------------------- */

/* The TCP stack of node i, attached on first use with the scenario's TCP defaults
 * (every application passes its own configuration per socket anyway). node_free()
 * frees it. */
static struct tcp_stack *stack_of(struct world *w, guint i)
{
	if (!w->tcp[i])
		w->tcp[i] = tcp_stack_attach(w->sim, w->nodes[i], &w->scn->tcp);
	return w->tcp[i];
}

/* Shared listeners: one per (server node, listen address, port) used by two or more
 * TCP applications (scenario.c checked that they agree on the configuration). Every
 * application with a server gets a listener from here, so "listen" is honoured
 * exactly (the applications' private listeners bind the address connected to). */
static struct app_listener *listener_for(struct world *w, const struct scn_app *a,
					 GError **error)
{
	/* (node, address, port) → listener; thousands of servers stay O(1) each. */
	char *key = g_strdup_printf("%d/%u/%u", a->to, a->listen, a->port);
	struct app_listener *found = g_hash_table_lookup(w->listener_by_key, key);
	if (found) {
		g_free(key);
		return found;
	}
	struct app_listener_config lc = {
		.local = {stack_of(w, (guint)a->to), a->listen, a->port},
		.side = {&a->tcp_server, {0}},
		.backlog = a->backlog,
	};
	struct app_listener *l = app_listener_new(w->sim, &lc, error);
	if (!l) {
		g_free(key);
		return NULL;
	}
	g_ptr_array_add(w->listeners, l);
	guint node = (guint)a->to;
	g_array_append_val(w->listener_nodes, node);
	g_hash_table_insert(w->listener_by_key, key, l);
	return l;
}

/* Creates one TCP application. */
static int build_tcp_app(struct world *w, guint i, GError **error)
{
	const struct scn_app *a = &g_array_index(w->scn->apps, struct scn_app, i);
	struct world_app *wa = &w->apps[i];
	struct app_listener *listener = NULL;
	char *prefix = a->trace ? out_path(w, a->name) : NULL;
	struct app_trace trace = {prefix, a->trace_what};
	struct app_endpoint client = {stack_of(w, a->from), a->src, a->src_port};
	struct app_endpoint server = {stack_of(w, (guint)a->to), a->dst, a->port};
	struct app_side cside = {&a->tcp, {0}}, sside = {&a->tcp_server, {0}};
	GError *e = NULL;

	if (a->server && a->type != SCN_APP_SIMOPEN) {
		listener = listener_for(w, a, &e);
		if (!listener)
			goto fail;
	}
	/* The connection part of the echo, request/response and HTTP configs. */
	struct app_client_server conn = {
		.name = a->name,
		.client = client,
		.server = server,
		.listener = listener,
		.client_only = !a->server,
		.start = a->start,
		.stop = a->stop == SIM_TIME_MAX ? 0 : a->stop, /* the apps' "none" */
		.client_side = cside,
		.server_side = sside,
		.trace = trace,
	};
	switch (a->type) {
	case SCN_APP_BULK: {
		struct bulk_config c = a->bulk;
		c.name = a->name;
		c.sender = client;
		c.receiver = server;
		c.listener = listener;
		c.sender_side = cside;
		c.receiver_side = sside;
		c.trace = trace;
		wa->tcp_app = bulk_new(w->sim, &c, &e);
		break;
	}
	case SCN_APP_ECHO: {
		struct echo_config c = a->echo;
		c.conn = conn;
		wa->tcp_app = echo_new(w->sim, &c, &e);
		break;
	}
	case SCN_APP_REQUEST_RESPONSE: {
		struct reqresp_config c = a->rr;
		c.conn = conn;
		wa->tcp_app = reqresp_new(w->sim, &c, &e);
		break;
	}
	case SCN_APP_HTTP: {
		struct http_config c = a->http;
		c.conn = conn;
		wa->tcp_app = http_new(w->sim, &c, &e);
		break;
	}
	case SCN_APP_SIMOPEN: {
		struct simopen_config c = a->simopen;
		c.name = a->name;
		c.a = client;
		c.a.port = a->src_port ? a->src_port : a->port;
		c.b = server;
		c.a_side = cside;
		c.b_side = sside;
		c.trace = trace;
		wa->tcp_app = simopen_new(w->sim, &c, &e);
		break;
	}
	default:
		g_assert_not_reached();
	}
	if (!wa->tcp_app)
		goto fail;
	g_free(prefix);
	return 0;
fail:
	g_set_error(error, WORLD_ERROR, 1, "apps[%u] (%s): %s", i, a->name,
		    e ? e->message : "cannot be set up");
	if (e)
		g_error_free(e);
	g_free(prefix);
	return -1;
}

static const struct app_flow_report *tcp_app_report(const struct world_app *wa)
{
	switch (wa->cfg->type) {
	case SCN_APP_BULK: return bulk_report(wa->tcp_app);
	case SCN_APP_ECHO: return echo_report(wa->tcp_app);
	case SCN_APP_REQUEST_RESPONSE: return reqresp_report(wa->tcp_app);
	case SCN_APP_HTTP: return http_report(wa->tcp_app);
	case SCN_APP_SIMOPEN: return simopen_report(wa->tcp_app);
	default: return NULL;
	}
}

static void tcp_app_free(struct world_app *wa)
{
	if (!wa->tcp_app)
		return;
	switch (wa->cfg->type) {
	case SCN_APP_BULK: bulk_free(wa->tcp_app); break;
	case SCN_APP_ECHO: echo_free(wa->tcp_app); break;
	case SCN_APP_REQUEST_RESPONSE: reqresp_free(wa->tcp_app); break;
	case SCN_APP_HTTP: http_free(wa->tcp_app); break;
	case SCN_APP_SIMOPEN: simopen_free(wa->tcp_app); break;
	default: break;
	}
	wa->tcp_app = NULL;
}

static int build_apps(struct world *w, GError **error)
{
	const struct scenario *s = w->scn;

	for (guint i = 0; i < s->apps->len; i++) {
		const struct scn_app *a = &g_array_index(s->apps, struct scn_app, i);
		struct world_app *wa = &w->apps[i];
		wa->cfg = a;
		switch (a->type) {
		case SCN_APP_PING: {
			wa->ping = ping_new(w->sim, w->nodes[a->from], a->name, &a->ping);
			if (a->ping_trace) {
				char *name = g_strdup_printf("%s.ping.tsv", a->name);
				char *path = out_path(w, name);
				int rc = ping_trace_start(wa->ping, path, error);
				g_free(path);
				g_free(name);
				if (rc != 0)
					return -1;
			}
			break;
		}
		case SCN_APP_SYN_FLOOD:
			wa->syn_flood = syn_flood_new(w->sim, w->nodes[a->from], a->name, &a->syn_flood);
			break;
		case SCN_APP_UDP: {
			int err = 0;
			wa->udp_sink = udp_sink_new(w->sim, w->nodes[a->to], a->name, &a->udp_sink, &err);
			if (!wa->udp_sink) {
				g_set_error(error, WORLD_ERROR, 1,
					    "apps[%u] (%s): cannot bind the UDP sink on %s port %u: %s",
					    i, a->name, scn_node(s, (guint)a->to)->name, a->port,
					    g_strerror(-err));
				return -1;
			}
			wa->udp_src = udp_source_new(w->sim, w->nodes[a->from], a->name, &a->udp_src);
			break;
		}
		default:
			if (build_tcp_app(w, i, error) != 0)
				return -1;
			break;
		}
	}
	return 0;
}

struct world *world_new(struct sim *sim, const struct scenario *scn, const char *outdir,
			GError **error)
{
	struct world *w = g_new0(struct world, 1);
	w->sim = sim;
	w->scn = scn;
	w->outdir = g_strdup(outdir);
	w->nodes = g_new0(struct node *, scn->nodes->len);
	w->links = g_new0(struct link *, scn->links->len ? scn->links->len : 1);
	w->tcp = g_new0(struct tcp_stack *, scn->nodes->len);
	w->apps = g_new0(struct world_app, scn->apps->len ? scn->apps->len : 1);
	w->listeners = g_ptr_array_new();
	w->listener_nodes = g_array_new(FALSE, FALSE, sizeof(guint));
	w->listener_by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (build_network(w, error) != 0 || start_captures_and_traces(w, error) != 0 ||
	    build_apps(w, error) != 0) {
		world_free(w);
		return NULL;
	}
	return w;
}

/* Keeps the first error. */
static void keep_error(GError **error, GError *e, int *rc)
{
	if (!e)
		return;
	if (error && !*error)
		*error = e;
	else
		g_error_free(e);
	*rc = -1;
}

int world_finish(struct world *w, GError **error)
{
	const struct scenario *s = w->scn;
	int rc = 0;

	if (w->finished)
		return 0;
	w->finished = true;
	for (guint i = 0; i < s->apps->len; i++) {
		struct world_app *wa = &w->apps[i];
		if (wa->ping && wa->cfg->ping_trace) {
			GError *e = NULL;
			if (ping_trace_stop(wa->ping, &e) != 0)
				keep_error(error, e, &rc);
		}
	}
	for (guint li = 0; li < s->links->len; li++) {
		const struct scn_link *L = &g_array_index(s->links, struct scn_link, li);
		for (int d = 0; d < 2; d++) {
			GError *e = NULL;
			if (L->trace_queue[d] &&
			    link_queue_trace_stop(w->links[li], (enum link_dir)d, &e) != 0)
				keep_error(error, e, &rc);
		}
	}
	for (guint fi = 0; fi < s->ifaces->len; fi++) {
		GError *e = NULL;
		if (scn_iface(s, fi)->capture && iface_capture_stop(world_iface(w, fi), &e) != 0)
			keep_error(error, e, &rc);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		GError *e = NULL;
		if (scn_node(s, i)->capture_lo &&
		    iface_capture_stop(node_loopback(w->nodes[i]), &e) != 0)
			keep_error(error, e, &rc);
	}

	/* TCP: the reports, brought up to date (they live as long as the applications);
	 * the traces, closed here so that every write error is seen. */
	for (guint i = 0; i < s->apps->len; i++) {
		struct world_app *wa = &w->apps[i];
		if (wa->tcp_app)
			wa->report = tcp_app_report(wa);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		GError *e = NULL;
		if (w->tcp[i] && tcp_stack_close_traces(w->tcp[i], &e) != 0)
			keep_error(error, e, &rc);
	}
	return rc;
}

void world_free(struct world *w)
{
	if (!w)
		return;
	const struct scenario *s = w->scn;
	/* Applications before listeners before stacks (models/apps/tcp_app.h, Teardown);
	 * node_free() frees a node's TCP stack, closing its connections' traces. */
	for (guint i = 0; i < s->apps->len; i++) {
		struct world_app *wa = &w->apps[i];
		ping_free(wa->ping);
		syn_flood_free(wa->syn_flood);
		udp_source_free(wa->udp_src);
		udp_sink_free(wa->udp_sink);
		tcp_app_free(wa);
	}
	for (guint k = 0; k < w->listeners->len; k++)
		app_listener_free(g_ptr_array_index(w->listeners, k));
	for (guint li = 0; li < s->links->len; li++)
		link_free(w->links[li]);
	for (guint i = 0; i < s->nodes->len; i++)
		node_free(w->nodes[i]);
	g_ptr_array_free(w->listeners, TRUE);
	g_array_free(w->listener_nodes, TRUE);
	g_hash_table_destroy(w->listener_by_key);
	g_free(w->nodes);
	g_free(w->links);
	g_free(w->tcp);
	g_free(w->apps);
	g_free(w->outdir);
	g_free(w);
}
