/* sim/cli/scenario_conv.h — internal to the scenario loader: the conversion state
 * and the helpers its sections share.
 *
 * scenario_build() (scenario.c) runs the schema check, then converts the document
 * section by section, each in its own file:
 *   scenario_nodes.c    nodes (names, kinds), and the interface lookups of the rest
 *   scenario_links.c    links: ends (interfaces, addresses, subnets), properties
 *   scenario_routes.c   static routes, and route walking for endpoint checks
 *   scenario_tcp.c      `tcp` objects, layered (scenario, app, server side)
 *   scenario_apps.c     applications: endpoints, routes there and back, per-type
 *                       configuration, server bindings
 *   scenario_outputs.c  captures
 * The tables of the format itself are in scenario_schema.c.
 *
 * Conversion runs even when the schema pass found errors, reading only the values
 * that passed (the sch_get_* getters skip the rest), so one run of `netsim validate`
 * reports every problem of a file at once.
 */
#ifndef SIM_CLI_SCENARIO_CONV_H
#define SIM_CLI_SCENARIO_CONV_H

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdbool.h>

#include "sim/cli/scenario.h"
#include "sim/cli/schema.h"

/* Conversion state. */
struct scn_conv {
	struct scenario *s;
	struct sch_diags *d;
	GString *path;
	GHashTable *node_by_name;  /* name → index + 1 */
	GHashTable *addr_owner;    /* address → iface index + 1 */
	GHashTable *app_names;     /* name → index + 1 */
	bool have_nodes;           /* "nodes" is an array: names can be checked (else the
				    * schema error about it is the only one worth giving) */
	bool topology_ok;          /* no error in nodes, links or routes: routes between
				    * application endpoints are worth walking (on a broken
				    * topology they would only repeat its errors) */
};

/* The JSON path of the value being converted. */
#define SCN_PATH(c) ((c)->path->str)

static inline struct scn_node *scn_node_at(const struct scenario *s, guint i)
{
	return &g_array_index(s->nodes, struct scn_node, i);
}

static inline struct scn_iface *scn_iface_at(const struct scenario *s, guint i)
{
	return &g_array_index(s->ifaces, struct scn_iface, i);
}

/* ---- scenario.c ---- */

/* Reports an error at key `key` of object `obj` (at c->path); key NULL: at obj. */
void scn_err_key(struct scn_conv *c, const cJSON *obj, const char *key, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

/* The distinct node names, comma-separated (for "unknown node" messages); g_free. */
char *scn_node_list(const struct scenario *s);

/* Looks up key `key` of obj as a node name; -1 (error reported) if unknown, -2 if
 * absent or invalid (already reported by the schema). */
gint scn_lookup_node(struct scn_conv *c, const cJSON *obj, const char *key);

/* a in dotted-quad form; g_free. */
char *scn_fmt_addr(ipv4_addr_t a);

/* ---- scenario_schema.c ---- */

/* The schema of one element of "apps" (its variants say which keys a type has). */
const struct sch *scn_schema_app(void);

/* ---- scenario_nodes.c ---- */

void scn_conv_nodes(struct scn_conv *c, const cJSON *arr);

/* Node n's interface named `name` (index into s->ifaces), or -1. */
gint scn_iface_by_name(const struct scenario *s, const struct scn_node *n, const char *name);

/* The interface of node n whose subnet holds a (first in link order), or -1. */
gint scn_iface_on_subnet(const struct scenario *s, const struct scn_node *n, ipv4_addr_t a);

/* Node n's interface names, comma-separated ("none but lo" without any); g_free. */
char *scn_iface_names(const struct scenario *s, const struct scn_node *n);

/* True when a is one of node n's addresses (127/8 included). */
bool scn_node_has_addr(const struct scenario *s, const struct scn_node *n, ipv4_addr_t a);

/* ---- scenario_links.c ---- */

void scn_conv_links(struct scn_conv *c, const cJSON *arr);

/* ---- scenario_routes.c ---- */

/* Converts the "routes" of every node of `nodes_arr` (needs the interfaces). */
void scn_conv_routes(struct scn_conv *c, const cJSON *nodes_arr);

/* Follows the routes from node `from` toward dst. Returns the node that owns dst, or
 * -1 with *why (g_free) explaining where the path breaks. *src receives the source
 * address the first hop would use. */
gint scn_walk_route(const struct scenario *s, guint from, ipv4_addr_t dst, ipv4_addr_t *src,
		    char **why);

/* ---- scenario_tcp.c ---- */

/* Fills cfg from up to three layered `tcp` objects (later ones win); errors are
 * reported for layers from `report_from` on, cross-field ones at `at`. */
void scn_conv_tcp(struct scn_conv *c, const cJSON *const layers[3], int report_from,
		  struct tcp_config *cfg, const cJSON *at);

/* ---- scenario_apps.c ---- */

void scn_conv_apps(struct scn_conv *c, const cJSON *arr, const cJSON *top_tcp);

/* ---- scenario_outputs.c ---- */

void scn_conv_capture(struct scn_conv *c, const cJSON *arr);

#endif
