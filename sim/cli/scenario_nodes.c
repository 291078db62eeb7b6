/* sim/cli/scenario_nodes.c — the "nodes" section (names, kinds, TTLs), and the
 * lookups of a node's interfaces and addresses the other sections share. */
#include <string.h>

#include "sim/cli/scenario_conv.h"

void scn_conv_nodes(struct scn_conv *c, const cJSON *arr)
{
	gsize i = 0;
	for (const cJSON *o = cJSON_IsArray(arr) ? arr->child : NULL; o; o = o->next, i++) {
		gsize l = sch_path_index(c->path, i);
		struct scn_node n = {0};
		node_config_default(&n.cfg);
		const char *name = NULL;
		if (!sch_get_string(o, "name", &name))
			name = NULL;
		n.name = g_strdup_printf("%s", name ? name : "");
		const char *type;
		if (sch_get_string(o, "type", &type) && strcmp(type, "router") == 0)
			n.cfg.kind = NODE_ROUTER;
		int64_t ttl;
		if (sch_get_int(o, "ttl", &ttl) && ttl >= 1 && ttl <= 255)
			n.cfg.default_ttl = (uint8_t)ttl;
		n.routes = g_array_new(FALSE, TRUE, sizeof(struct scn_route));
		n.ifaces = g_array_new(FALSE, TRUE, sizeof(guint));
		g_array_append_val(c->s->nodes, n);
		if (name) {
			gpointer prev = g_hash_table_lookup(c->node_by_name, name);
			if (prev)
				scn_err_key(c, o, "name", "duplicate node name (also nodes[%d])",
					GPOINTER_TO_INT(prev) - 1);
			else
				g_hash_table_insert(c->node_by_name, g_strdup(name),
						    GINT_TO_POINTER((gint)i + 1));
		}
		sch_path_pop(c->path, l);
	}
}


gint scn_iface_by_name(const struct scenario *s, const struct scn_node *n,
			       const char *name)
{
	for (guint k = 0; k < n->ifaces->len; k++) {
		guint fi = g_array_index(n->ifaces, guint, k);
		if (strcmp(scn_iface_at(s, fi)->name, name) == 0)
			return (gint)fi;
	}
	return -1;
}

/* The interface of node n whose subnet holds a (first in link order), or -1. */
gint scn_iface_on_subnet(const struct scenario *s, const struct scn_node *n,
				 ipv4_addr_t a)
{
	for (guint k = 0; k < n->ifaces->len; k++) {
		guint fi = g_array_index(n->ifaces, guint, k);
		const struct scn_iface *f = scn_iface_at(s, fi);
		if (f->addr && (f->addr & ipv4_mask(f->prefix_len)) == (a & ipv4_mask(f->prefix_len)))
			return (gint)fi;
	}
	return -1;
}

char *scn_iface_names(const struct scenario *s, const struct scn_node *n)
{
	GString *g = g_string_new(NULL);
	for (guint k = 0; k < n->ifaces->len; k++) {
		if (k)
			g_string_append(g, ", ");
		g_string_append(g, scn_iface_at(s, g_array_index(n->ifaces, guint, k))->name);
	}
	if (n->ifaces->len == 0)
		g_string_append(g, "none but lo");
	return g_string_free(g, FALSE);
}

bool scn_node_has_addr(const struct scenario *s, const struct scn_node *n, ipv4_addr_t a)
{
	if (ipv4_is_loopback(a))
		return true;
	for (guint k = 0; k < n->ifaces->len; k++)
		if (scn_iface_at(s, g_array_index(n->ifaces, guint, k))->addr == a)
			return true;
	return false;
}
