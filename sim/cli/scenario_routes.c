/* sim/cli/scenario_routes.c — the "routes" of each node (after the links, which
 * create the interfaces they name), and route walking: the path a datagram would
 * take, used to check that application endpoints reach each other. */
#include <string.h>

#include "sim/cli/scenario_conv.h"

/* Longest-prefix match as models/ip/route.c does it, over node n's connected
 * subnets (the first interface with a subnet wins a tie) and the routes it has so
 * far. A connected subnet: returns its interface index, *route = NULL. A route:
 * *route = it, returns its `dev` interface (-1 when it goes through a gateway).
 * Nothing: -1, *route = NULL. */
static gint longest_match(const struct scenario *s, const struct scn_node *n, ipv4_addr_t a,
			  const struct scn_route **route)
{
	gint best = -1;
	int best_len = -1;
	*route = NULL;
	for (guint k = 0; k < n->ifaces->len; k++) {
		guint fi = g_array_index(n->ifaces, guint, k);
		const struct scn_iface *f = scn_iface_at(s, fi);
		if (f->addr && (int)f->prefix_len > best_len &&
		    (f->addr & ipv4_mask(f->prefix_len)) == (a & ipv4_mask(f->prefix_len))) {
			best = (gint)fi;
			best_len = (int)f->prefix_len;
		}
	}
	for (guint k = 0; k < n->routes->len; k++) {
		const struct scn_route *r = &g_array_index(n->routes, struct scn_route, k);
		if ((int)r->prefix.len > best_len && ipv4_prefix_contains(r->prefix, a)) {
			best = r->iface;
			best_len = r->prefix.len;
			*route = r;
		}
	}
	return best;
}

/* The gateway `via` of route r on node n (c->path at the route): a unicast address
 * the node reaches directly — its longest match a connected subnet (of `dev`'s when
 * given, rt->iface >= 0) or an earlier route out of a `dev` — and not the node's own
 * address. route_add() resolves a gateway the same way. */
static bool check_gateway(struct scn_conv *c, const struct scn_node *n, const cJSON *r,
			  const struct scn_route *rt, const char *dev)
{
	char *va = scn_fmt_addr(rt->via);
	bool ok = false;
	const struct scn_route *via_route;
	gint on = longest_match(c->s, n, rt->via, &via_route);
	bool indirect = via_route && via_route->via; /* reached through another gateway */
	gpointer owner = g_hash_table_lookup(c->addr_owner, GUINT_TO_POINTER(rt->via));
	if (rt->via == 0) {
		/* RFC 1122 §3.2.1.3 (a): 0.0.0.0 means "this host", never a next hop. */
		scn_err_key(c, r, "via", "gateway 0.0.0.0 is not an address a next hop can have");
	} else if (!indirect && (on < 0 || (rt->iface >= 0 && on != rt->iface))) {
		scn_err_key(c, r, "via", "gateway %s is not on a subnet of %s's interfaces%s", va,
			n->name, dev ? " (or not on the given dev)" : "");
	} else if (indirect) {
		scn_err_key(c, r, "via",
			"gateway %s is reached through routes[%u] (via another gateway), not directly",
			va, (guint)(via_route - &g_array_index(n->routes, struct scn_route, 0)));
	} else if (owner && GPOINTER_TO_UINT(owner) - 1 == (guint)on) {
		scn_err_key(c, r, "via",
			"gateway %s is %s's own address; use the address of the next hop", va,
			n->name);
	} else {
		ok = true;
	}
	g_free(va);
	return ok;
}

/* route_add() refuses a prefix that is already routed (a connected subnet or an
 * earlier static route): so does the scenario. */
static bool check_prefix_free(struct scn_conv *c, const struct scn_node *n, const cJSON *r,
			      const struct scn_route *rt)
{
	for (guint k = 0; k < n->routes->len; k++) {
		const struct scn_route *o2 = &g_array_index(n->routes, struct scn_route, k);
		if (o2->prefix.addr == rt->prefix.addr && o2->prefix.len == rt->prefix.len) {
			scn_err_key(c, r, "to", "duplicate route (routes[%u] has the same prefix)", k);
			return false;
		}
	}
	for (guint k = 0; k < n->ifaces->len; k++) {
		const struct scn_iface *f = scn_iface_at(c->s, g_array_index(n->ifaces, guint, k));
		if (f->addr && f->prefix_len == rt->prefix.len &&
		    (f->addr & ipv4_mask(f->prefix_len)) == rt->prefix.addr) {
			scn_err_key(c, r, "to",
				"this subnet is directly connected on %s; it needs no route", f->name);
			return false;
		}
	}
	return true;
}

/* One route of node n (object r, at c->path); added to n->routes when valid. */
static void conv_route(struct scn_conv *c, struct scn_node *n, const cJSON *r)
{
	struct scn_route rt = {.iface = -1};
	bool ok = sch_get_prefix(r, "to", &rt.prefix);
	const char *dev = NULL;
	bool have_via = sch_get_addr(r, "via", &rt.via);
	if (sch_get_string(r, "dev", &dev)) {
		rt.iface = scn_iface_by_name(c->s, n, dev);
		if (rt.iface < 0) {
			char *all = scn_iface_names(c->s, n);
			scn_err_key(c, r, "dev", "node %s has no interface \"%s\" (it has %s)", n->name,
				dev, all);
			g_free(all);
			ok = false;
		}
	}
	if (!have_via && !dev && cJSON_IsObject(r) && !sch_get(r, "via")) {
		scn_err_key(c, r, NULL,
			"a route needs \"via\" (a gateway address) or \"dev\" (an interface)");
		ok = false;
	}
	if (have_via && !check_gateway(c, n, r, &rt, dev))
		ok = false;
	if (ok && check_prefix_free(c, n, r, &rt))
		g_array_append_val(n->routes, rt);
}

void scn_conv_routes(struct scn_conv *c, const cJSON *nodes_arr)
{
	gsize i = 0;
	for (const cJSON *o = cJSON_IsArray(nodes_arr) ? nodes_arr->child : NULL; o;
	     o = o->next, i++) {
		struct scn_node *n = scn_node_at(c->s, (guint)i);
		const cJSON *routes = sch_get(o, "routes");
		if (!cJSON_IsArray(routes))
			continue;
		gsize l = sch_path_index(c->path, i);
		gsize l1 = sch_path_key(c->path, "routes");
		gsize j = 0;
		for (const cJSON *r = routes->child; r; r = r->next, j++) {
			gsize l2 = sch_path_index(c->path, j);
			conv_route(c, n, r);
			sch_path_pop(c->path, l2);
		}
		sch_path_pop(c->path, l1);
		sch_path_pop(c->path, l);
	}
}

/* ---- route walking (for endpoint checks) ---- */

/* The egress interface index toward dst, or -1. */
static gint lookup_route(const struct scenario *s, const struct scn_node *n, ipv4_addr_t dst)
{
	const struct scn_route *r;
	gint fi = longest_match(s, n, dst, &r);
	return r && r->iface < 0 ? scn_iface_on_subnet(s, n, r->via) : fi;
}

/* Follows the routes from node `from` toward dst. Returns the node that owns dst, or
 * -1 with *why explaining where the path breaks. *src receives the source address
 * the first hop would use. */
gint scn_walk_route(const struct scenario *s, guint from, ipv4_addr_t dst, ipv4_addr_t *src,
		       char **why)
{
	guint cur = from;
	GArray *seen = g_array_new(FALSE, FALSE, sizeof(guint));
	char *da = scn_fmt_addr(dst);
	gint result = -1;

	*src = 0;
	for (guint hop = 0;; hop++) {
		const struct scn_node *n = scn_node_at(s, cur);
		if (scn_node_has_addr(s, n, dst)) {
			if (hop == 0)
				*src = ipv4_is_loopback(dst) ? IPV4_LOOPBACK : dst;
			result = (gint)cur;
			break;
		}
		if (hop > 0 && n->cfg.kind != NODE_ROUTER) {
			*why = g_strdup_printf("%s is a host and does not forward to %s", n->name, da);
			break;
		}
		for (guint k = 0; k < seen->len; k++) {
			if (g_array_index(seen, guint, k) == cur) {
				GString *g = g_string_new("routing loop: ");
				for (guint m = k; m < seen->len; m++)
					g_string_append_printf(
						g, "%s -> ", scn_node_at(s, g_array_index(seen, guint, m))->name);
				g_string_append(g, n->name);
				*why = g_string_free(g, FALSE);
				goto out;
			}
		}
		g_array_append_val(seen, cur);
		gint fi = lookup_route(s, n, dst);
		if (fi < 0) {
			*why = g_strdup_printf("%s has no route to %s", n->name, da);
			break;
		}
		const struct scn_iface *f = scn_iface_at(s, (guint)fi);
		if (hop == 0)
			*src = f->addr;
		const struct scn_link *L = &g_array_index(s->links, struct scn_link, f->link);
		guint peer = L->iface[1 - f->end];
		if (peer == G_MAXUINT) {
			*why = g_strdup_printf("%s's interface %s leads nowhere", n->name, f->name);
			break;
		}
		cur = scn_iface_at(s, peer)->node;
	}
out:
	g_free(da);
	g_array_free(seen, TRUE);
	return result;
}
