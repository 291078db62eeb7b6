/* sim/cli/scenario.h — scenario files: JSON in, validated plain config structs out.
 *
 * The only place netsim reads JSON. A scenario goes through three steps:
 *   1. scenario_doc_load(): the file's text is parsed (syntax errors come back as
 *      "FILE:LINE:COL: message");
 *   2. scenario_doc_set(): each `--set PATH=VALUE` edits the JSON tree, before any
 *      validation, so an override is checked exactly like the file's own values;
 *   3. scenario_build(): the schema (unknown keys, types, units, ranges) and then the
 *      cross-references (node names, addresses, subnets, routes, endpoints) are
 *      checked, every error collected with its JSON path; only a scenario with no
 *      error at all becomes a `struct scenario`.
 * The structs hold the models' own configuration structs (struct link_dir_config,
 * struct node_config, struct tcp_config, struct ping_config, ...) filled from the
 * JSON; sim/cli/world.c instantiates them.
 *
 * The format is documented in docs/scenario-format.md, whose key reference is
 * generated from scenario_schema() (`netsim schema`).
 */
#ifndef SIM_CLI_SCENARIO_H
#define SIM_CLI_SCENARIO_H

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "models/apps/bulk.h"
#include "models/apps/echo.h"
#include "models/apps/http.h"
#include "models/apps/ping.h"
#include "models/apps/reqresp.h"
#include "models/apps/simopen.h"
#include "models/apps/syn_flood.h"
#include "models/apps/udp_app.h"
#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/tcp/tcp.h"
#include "sim/cli/schema.h"
#include "sim/core/time.h"

/* A loaded (and possibly --set-edited) JSON document. */
struct scenario_doc {
	char *file;           /* path as given */
	char *stem;           /* file name without directory and ".json" */
	cJSON *root;
	GHashTable *origins;  /* cJSON* → the --set assignment that created it */
};

/* Reads and parses `file`. Returns NULL with *err set ("FILE: cannot read ...",
 * "FILE:LINE:COL: message") on failure. */
struct scenario_doc *scenario_doc_load(const char *file, char **err);

/* Parses JSON text given in memory (tests); `file` names it in messages. */
struct scenario_doc *scenario_doc_parse(const char *file, const char *text, size_t len,
					char **err);

/* Applies one "PATH=VALUE". Returns 0, or -1 with *err = "PATH: message". */
int scenario_doc_set(struct scenario_doc *doc, const char *assignment, char **err);

void scenario_doc_free(struct scenario_doc *doc);

/* ---- the validated scenario ----------------------------------------------------- */

struct scn_iface {
	char *name;             /* "eth0" */
	guint node;             /* index in scenario.nodes */
	ipv4_addr_t addr;
	unsigned prefix_len;
	guint link;             /* index in scenario.links */
	unsigned end;           /* 0 or 1: which end of the link */
	bool capture;
};

struct scn_route {
	struct ipv4_prefix prefix;
	ipv4_addr_t via;        /* 0: directly out of `iface` */
	gint iface;             /* index in scenario.ifaces, -1 when chosen by `via` */
};

struct scn_node {
	char *name;
	struct node_config cfg;
	GArray *routes;         /* struct scn_route */
	GArray *ifaces;         /* guint indices in scenario.ifaces, in link order */
	bool capture_lo;
};

struct scn_link {
	char *name;
	guint iface[2];                   /* ends: [0] first (forward from it), [1] second */
	struct link_dir_config dir[2];    /* LINK_FORWARD, LINK_REVERSE */
	GPtrArray *storage;               /* GArrays behind dir[i].loss.drop_list
					   * (uint64_t) and dir[i].outages
					   * (struct link_outage) */
	bool trace_queue[2];
};

enum scn_app_type {
	SCN_APP_BULK,
	SCN_APP_ECHO,
	SCN_APP_REQUEST_RESPONSE,
	SCN_APP_HTTP,
	SCN_APP_SIMOPEN,
	SCN_APP_PING,
	SCN_APP_UDP,
	SCN_APP_SYN_FLOOD,
};

/* The scenario's name of an app type ("request_response"). */
const char *scn_app_type_name(enum scn_app_type t);

static inline bool scn_app_is_tcp(enum scn_app_type t) { return t <= SCN_APP_SIMOPEN; }

struct scn_app {
	enum scn_app_type type;
	char *name;
	guint from;             /* node index: the active opener / sender / pinger */
	gint to;                /* node index, or -1 when only an address was given */
	ipv4_addr_t dst;        /* address the client connects/sends/pings to */
	ipv4_addr_t listen;     /* TCP/UDP server bind address (0.0.0.0 default) */
	ipv4_addr_t src;        /* client bind address (0 = chosen by the route) */
	uint16_t port;          /* server port */
	uint16_t src_port;      /* client port (0 = ephemeral) */
	sim_time_t start, stop; /* stop SIM_TIME_MAX = until the run ends */
	bool check_route;       /* the routes between the endpoints were checked */
	/* TCP applications. The model configs below hold everything the scenario
	 * says; world.c fills in what only exists at run time (stacks, listeners,
	 * the per-side TCP configuration pointers, the trace prefix) and, for echo,
	 * request/response and HTTP, their whole `conn` part (from the fields
	 * above). */
	struct tcp_config tcp;              /* in force for this app's connections */
	struct tcp_config tcp_server;       /* for its server side (the same unless
					     * "server_tcp" overrides) */
	bool server;                        /* run the server side on `to` (false: the
					     * client connects to a port nobody serves) */
	int backlog;                        /* the server's listen backlog */
	bool trace;                         /* write TCP traces */
	unsigned trace_what;                /* TCP_TRACE_* bits; 0 = the apps' default */
	struct bulk_config bulk;
	GArray *pauses;                     /* struct app_interval behind bulk.pauses */
	struct echo_config echo;
	struct reqresp_config rr;
	struct http_config http;
	GArray *body_sizes;                 /* uint64_t behind http.body_sizes */
	GArray *chunk_sizes;                /* uint32_t behind http.chunk_sizes */
	char *chunk_extension, *trailer;    /* behind http.chunk_extension/trailer */
	struct simopen_config simopen;
	/* Network-layer applications */
	struct ping_config ping;
	bool ping_trace;
	struct udp_source_config udp_src;
	struct udp_sink_config udp_sink;
	struct syn_flood_config syn_flood;
};

struct scenario {
	char *file;
	char *name;             /* scenario "name", else the file's stem */
	char *description;
	uint64_t seed;
	sim_time_t duration;
	struct tcp_config tcp;  /* scenario-wide TCP defaults */
	GArray *nodes;          /* struct scn_node */
	GArray *ifaces;         /* struct scn_iface */
	GArray *links;          /* struct scn_link */
	GArray *apps;           /* struct scn_app */
	bool capture_pcapng;    /* "capture_format": "pcapng" (NODE-IFACE.pcapng) */
};

/* Validates the document and builds the scenario. Returns NULL when anything is
 * wrong; every error is in `diags` (whose file name is the doc's). The scenario
 * does not refer to the document afterwards. */
struct scenario *scenario_build(struct scenario_doc *doc, struct sch_diags *diags);

void scenario_free(struct scenario *s);

/* The root schema (for --set, docs and tests). */
const struct sch *scenario_schema(void);

/* The node index with this name, or -1. */
gint scenario_node_index(const struct scenario *s, const char *name);

#endif
