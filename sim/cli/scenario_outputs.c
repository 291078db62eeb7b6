/* sim/cli/scenario_outputs.c — the "capture" section: which interfaces write a
 * pcap. */
#include <string.h>

#include "sim/cli/scenario_conv.h"

void scn_conv_capture(struct scn_conv *c, const cJSON *arr)
{
	gsize i = 0;
	if (!c->have_nodes)
		return;
	for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next, i++) {
		if (!cJSON_IsString(e))
			continue;
		gsize l = sch_path_index(c->path, i);
		char **parts = g_strsplit(e->valuestring, ":", 2);
		gpointer v = parts[0] ? g_hash_table_lookup(c->node_by_name, parts[0]) : NULL;
		if (!v) {
			char *all = scn_node_list(c->s);
			sch_diag(c->d, e, SCN_PATH(c),
				 "unknown node \"%s\" (write \"NODE\" or \"NODE:IFACE\"; nodes: %s)",
				 parts[0] ? parts[0] : "", all);
			g_free(all);
		} else {
			struct scn_node *n = scn_node_at(c->s, (guint)GPOINTER_TO_INT(v) - 1);
			if (parts[1] == NULL) {
				for (guint k = 0; k < n->ifaces->len; k++)
					scn_iface_at(c->s, g_array_index(n->ifaces, guint, k))->capture = true;
			} else if (strcmp(parts[1], "lo") == 0) {
				n->capture_lo = true;
			} else {
				gint fi = scn_iface_by_name(c->s, n, parts[1]);
				if (fi < 0) {
					char *all = scn_iface_names(c->s, n);
					sch_diag(c->d, e, SCN_PATH(c),
						 "node %s has no interface \"%s\" (it has %s, and lo)",
						 n->name, parts[1], all);
					g_free(all);
				} else {
					scn_iface_at(c->s, (guint)fi)->capture = true;
				}
			}
		}
		g_strfreev(parts);
		sch_path_pop(c->path, l);
	}
}
