/* sim/cli/world.h — instantiates a validated scenario: nodes, interfaces, links,
 * routes, captures, queue traces, TCP stacks and applications.
 *
 * Where it sits: between sim/cli/scenario (validated config structs) and the models.
 * It reads no JSON. Every file it opens (traces, captures) goes into the run's
 * staging directory, so a failed run leaves nothing behind.
 *
 * Lifetime: world_new() → sim_run() → world_finish() (closes the network layer's
 * traces and captures, reporting write errors, and brings the reports up to date)
 * → reading the reports for the summary → world_free(), which also closes the TCP
 * traces (they belong to connections, which live until their stack is freed): hash
 * the outputs only after it.
 */
#ifndef SIM_CLI_WORLD_H
#define SIM_CLI_WORLD_H

#include <glib.h>
#include <stdbool.h>

#include "sim/cli/scenario.h"

struct sim;
struct node;
struct link;
struct ping_app;
struct udp_source;
struct udp_sink;
struct syn_flood;
struct tcp_stack;
struct app_flow_report;

/* One application as instantiated. */
struct world_app {
	const struct scn_app *cfg;
	/* exactly one of these is set, by type */
	struct ping_app *ping;
	struct udp_source *udp_src;
	struct udp_sink *udp_sink;
	struct syn_flood *syn_flood;
	void *tcp_app;                          /* struct bulk / echo / ... */
	const struct app_flow_report *report;   /* TCP apps, after world_finish() (owned
						 * by the application) */
};

struct world {
	struct sim *sim;
	const struct scenario *scn;
	struct node **nodes;          /* by scenario node index */
	struct link **links;          /* by scenario link index */
	struct tcp_stack **tcp;       /* by node index; NULL on nodes without TCP apps */
	struct world_app *apps;       /* by scenario app index */
	GPtrArray *listeners;         /* TCP listeners (struct app_listener *) */
	GArray *listener_nodes;       /* guint: the node of each listener */
	GHashTable *listener_by_key;  /* (server node, address, port) → listener */
	char *outdir;
	bool finished;
};

/* Builds the world into `sim`, writing traces and captures into `outdir` (the staging
 * directory). Returns NULL with *error set if something cannot be instantiated (a file
 * cannot be created, or a model this build lacks). */
struct world *world_new(struct sim *sim, const struct scenario *scn, const char *outdir,
			GError **error);

/* Closes traces and captures and brings the application reports up to date. Returns
 * 0, or -1 with *error set when an output file could not be written. */
int world_finish(struct world *w, GError **error);

/* Frees everything (applications first, then stacks, links, nodes). NULL allowed. */
void world_free(struct world *w);

#endif
