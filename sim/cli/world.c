/* sim/cli/world.c — builds the models from a validated scenario. */
#include "sim/cli/world.h"

#include <errno.h>
#include <string.h>

#include "models/apps/ping.h"
#include "models/apps/udp_app.h"
#include "models/iface.h"
#include "models/link.h"
#include "models/node.h"
#include "models/route.h"
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
		char *name = g_strdup_printf("%s-%s.pcap", scn_node(s, f->node)->name, f->name);
		char *path = out_path(w, name);
		int rc = iface_capture_start(world_iface(w, fi), path, error);
		g_free(path);
		g_free(name);
		if (rc != 0)
			return -1;
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		if (!scn_node(s, i)->capture_lo)
			continue;
		char *name = g_strdup_printf("%s-lo.pcap", scn_node(s, i)->name);
		char *path = out_path(w, name);
		int rc = iface_capture_start(node_loopback(w->nodes[i]), path, error);
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
			g_set_error(error, WORLD_ERROR, 1,
				    "apps[%u] (%s): %s applications cannot run yet: the TCP model is "
				    "not part of this build",
				    i, a->name, scn_app_type_name(a->type));
			return -1;
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
	return rc;
}

void world_free(struct world *w)
{
	if (!w)
		return;
	const struct scenario *s = w->scn;
	for (guint i = 0; i < s->apps->len; i++) {
		struct world_app *wa = &w->apps[i];
		ping_free(wa->ping);
		udp_source_free(wa->udp_src);
		udp_sink_free(wa->udp_sink);
	}
	for (guint li = 0; li < s->links->len; li++)
		link_free(w->links[li]);
	for (guint i = 0; i < s->nodes->len; i++)
		node_free(w->nodes[i]);
	g_ptr_array_free(w->listeners, TRUE);
	g_free(w->nodes);
	g_free(w->links);
	g_free(w->tcp);
	g_free(w->apps);
	g_free(w->outdir);
	g_free(w);
}
