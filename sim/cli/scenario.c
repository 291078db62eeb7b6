/* sim/cli/scenario.c — the scenario format: its schema, and the conversion of a
 * validated document into the models' configuration structs with every
 * cross-reference checked (names, addresses, subnets, routes, endpoints, ports).
 *
 * Conversion runs even when the schema pass found errors, reading only the values
 * that passed (the sch_get_* getters skip the rest), so one run of `netsim validate`
 * reports every problem of a file at once.
 */
#include "sim/cli/scenario.h"

#include <errno.h>
#include <string.h>

#include "models/link/loss.h"
#include "models/link/queue.h"
#include "models/tcp/cc.h"

/* ======================================================================================
 * Schema
 * ====================================================================================== */

#define JSON_MAX_INT INT64_C(9007199254740991) /* 2^53 − 1: exact in a JSON number */

static const struct sch t_string = {.kind = SCH_STRING};
static const struct sch t_name = {.kind = SCH_NAME};
static const struct sch t_bool = {.kind = SCH_BOOL};
static const struct sch t_duration = {.kind = SCH_DURATION};
static const struct sch t_duration_pos = {.kind = SCH_DURATION, .flags = SCH_F_POSITIVE};
static const struct sch t_rate_pos = {.kind = SCH_RATE, .flags = SCH_F_POSITIVE};
static const struct sch t_prob = {.kind = SCH_PROB};
static const struct sch t_addr = {.kind = SCH_ADDR};
static const struct sch t_cidr = {.kind = SCH_CIDR};
static const struct sch t_prefix = {.kind = SCH_PREFIX};
static const struct sch t_seed = {.kind = SCH_INT, .min = 0, .max = JSON_MAX_INT,
				  .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_mtu = {.kind = SCH_INT, .min = 68, .max = 65535,
				 .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_port = {.kind = SCH_INT, .min = 1, .max = 65535,
				  .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_port0 = {.kind = SCH_INT, .min = 0, .max = 65535,
				   .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_ttl = {.kind = SCH_INT, .min = 1, .max = 255,
				 .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_tos = {.kind = SCH_INT, .min = 0, .max = 255,
				 .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_count = {.kind = SCH_INT, .min = 1, .max = UINT32_MAX,
				   .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_framing = {.kind = SCH_SIZE, .max = 65535, .flags = SCH_F_MAX};

/* ---- queue ---- */
static const struct sch t_queue_packets = {.kind = SCH_INT, .min = 0, .max = UINT32_MAX,
					   .flags = SCH_F_MIN | SCH_F_MAX,
					   .type_name = "integer (packets)"};
static const struct sch t_queue_bytes = {.kind = SCH_SIZE, .max = UINT32_MAX,
					 .flags = SCH_F_MAX, .type_name = "size (bytes)"};
static const struct sch_key queue_keys[] = {
	{"packets", &t_queue_packets, 0, "0 (no limit)", "most packets waiting"},
	{"bytes", &t_queue_bytes, 0, "0 (no limit)", "most IP bytes waiting"},
	{0},
};
static const struct sch t_queue_obj = {.kind = SCH_OBJECT, .keys = queue_keys};
static const struct sch *const queue_alts[] = {&t_queue_packets, &t_queue_bytes, &t_queue_obj,
					       NULL};
static const struct sch t_queue = {
	.kind = SCH_ANY_OF,
	.alts = queue_alts,
	.what = "a packet count like 100, a size like \"64KiB\", or an object with "
		"\"packets\" and/or \"bytes\"",
};

/* ---- loss ---- */
static const struct sch t_packet_index = {.kind = SCH_INT, .min = 1, .max = JSON_MAX_INT,
					  .flags = SCH_F_MIN | SCH_F_MAX,
					  .what = "a 1-based packet index like 17"};
static const struct sch t_packet_list = {.kind = SCH_ARRAY, .item = &t_packet_index,
					 .min_items = 1};
static const struct sch_key loss_bernoulli_keys[] = {
	{"p", &t_prob, SCH_K_REQUIRED, NULL, "loss probability of each packet"},
	{0},
};
static const struct sch_key loss_ge_keys[] = {
	{"p", &t_prob, SCH_K_REQUIRED, NULL, "P(good → bad) per packet (netem gemodel p)"},
	{"r", &t_prob, 0, "1 − p", "P(bad → good) per packet (netem r)"},
	{"1-h", &t_prob, 0, "100%", "loss probability in the bad state (netem 1-h)"},
	{"1-k", &t_prob, 0, "0%", "loss probability in the good state (netem 1-k)"},
	{0},
};
static const struct sch_key loss_drop_keys[] = {
	{"packets", &t_packet_list, SCH_K_REQUIRED, NULL,
	 "1-based indices of the packets this direction drops (every packet the direction "
	 "carries counts, from 1)"},
	{0},
};
static const struct sch_key no_keys[] = {{0}};
static const struct sch_variant loss_variants[] = {
	{"none", no_keys, "Nothing is lost."},
	{"bernoulli", loss_bernoulli_keys, "Each packet is lost independently (same as a string)."},
	{"gilbert-elliott", loss_ge_keys,
	 "Bursty loss: a two-state Markov chain named as Linux netem's `gemodel p r 1-h 1-k`."},
	{"drop-list", loss_drop_keys,
	 "Drops exactly the listed packets (Fall & Floyd style forced drops)."},
	{0},
};
static const struct sch t_loss_obj = {.kind = SCH_OBJECT, .tag = "model",
				      .variants = loss_variants};
static const struct sch *const loss_alts[] = {&t_prob, &t_loss_obj, NULL};
static const struct sch t_loss = {
	.kind = SCH_ANY_OF,
	.alts = loss_alts,
	.what = "a probability like \"1%\" or a loss model object",
};

/* ---- links ---- */
static const struct sch_key outage_keys[] = {
	{"at", &t_duration, SCH_K_REQUIRED, NULL, "when the direction goes down"},
	{"for", &t_duration_pos, 0, "for good", "how long it stays down"},
	{0},
};
static const struct sch t_outage = {.kind = SCH_OBJECT, .keys = outage_keys};
static const struct sch t_outages = {.kind = SCH_ARRAY, .item = &t_outage};

#define DIR_KEYS                                                                          \
	{"bandwidth", &t_rate_pos, 0, "\"10Mbps\"", "transmission rate"},                  \
	{"delay", &t_duration, 0, "\"0\"", "propagation delay"},                           \
	{"mtu", &t_mtu, 0, "1500", "largest IP datagram, bytes"},                          \
	{"queue", &t_queue, 0, "100",                                                      \
	 "drop-tail queue limit: packets (a number) or bytes (a size); the packet being "  \
	 "serialised does not count"},                                                     \
	{"loss", &t_loss, 0, "none",                                                       \
	 "loss as packets leave the link: \"1%\" (Bernoulli) or a model object"},          \
	{"jitter", &t_duration, 0, "\"0\"", "extra delay drawn uniformly in [0, jitter]"}, \
	{"reorder", &t_bool, 0, "false",                                                   \
	 "with jitter: let a packet overtake an earlier one"},                             \
	{"duplicate", &t_prob, 0, "\"0%\"", "probability a packet is delivered twice"},    \
	{"corrupt", &t_prob, 0, "\"0%\"",                                                  \
	 "probability one bit of a packet is flipped (the receiver's checksum drops it)"}, \
	{"framing", &t_framing, 0, "0",                                                    \
	 "link-layer bytes added to each packet's serialisation time (ns-3 "               \
	 "point-to-point: 2)"},                                                            \
	{"down", &t_outages, 0, "[]",                                                      \
	 "outages, [{\"at\": \"60s\", \"for\": \"30s\"}] (no `for`: down for good): a "  \
	 "packet on the wire during one is lost (summary: down_drops)"},                     \
	{"trace", &t_bool, 0, "false", "write the queue trace link.NAME.DIR.queue.tsv"}

static const struct sch_key dir_keys[] = {DIR_KEYS, {0}};
static const struct sch t_dir = {.kind = SCH_OBJECT, .keys = dir_keys};

static const struct sch_key end_keys[] = {
	{"node", &t_name, SCH_K_REQUIRED, NULL, "the node at this end"},
	{"address", &t_cidr, SCH_K_REQUIRED, NULL,
	 "its interface address with prefix length, e.g. \"10.0.1.1/24\""},
	{"iface", &t_name, 0, "\"ethN\"",
	 "interface name (eth0, eth1, ... in the order the node's links appear)"},
	{0},
};
static const struct sch t_end = {.kind = SCH_OBJECT, .keys = end_keys};
static const struct sch t_ends = {.kind = SCH_ARRAY, .item = &t_end, .min_items = 2,
				  .max_items = 2};

static const struct sch_key link_keys[] = {
	{"name", &t_name, 0, "\"A-B\"", "names the link in traces and summary.json"},
	{"ends", &t_ends, SCH_K_REQUIRED, NULL,
	 "the two ends; `forward` is ends[0] → ends[1], `reverse` the other way"},
	DIR_KEYS,
	{"forward", &t_dir, 0, NULL, "overrides for the direction ends[0] → ends[1]"},
	{"reverse", &t_dir, 0, NULL, "overrides for the direction ends[1] → ends[0]"},
	{0},
};
static const struct sch t_link = {.kind = SCH_OBJECT, .keys = link_keys};
static const struct sch t_links = {.kind = SCH_ARRAY, .item = &t_link};

/* ---- nodes ---- */
static const char *const node_types[] = {"host", "router", NULL};
static const struct sch t_node_type = {.kind = SCH_ENUM, .values = node_types};
static const struct sch_key route_keys[] = {
	{"to", &t_prefix, SCH_K_REQUIRED, NULL, "destination prefix, \"0.0.0.0/0\" for the default"},
	{"via", &t_addr, 0, NULL, "gateway address (on one of the node's subnets)"},
	{"dev", &t_name, 0, NULL, "egress interface name (without `via`: directly reachable)"},
	{0},
};
static const struct sch t_route = {.kind = SCH_OBJECT, .keys = route_keys};
static const struct sch t_routes = {.kind = SCH_ARRAY, .item = &t_route};
static const struct sch_key node_keys[] = {
	{"name", &t_name, SCH_K_REQUIRED, NULL, "unique node name"},
	{"type", &t_node_type, 0, "\"host\"", "routers forward datagrams, hosts do not"},
	{"ttl", &t_ttl, 0, "64", "TTL of datagrams the node originates"},
	{"routes", &t_routes, 0, "[]",
	 "static routes; each interface's subnet is routed automatically"},
	{0},
};
static const struct sch t_node = {.kind = SCH_OBJECT, .keys = node_keys};
static const struct sch t_nodes = {.kind = SCH_ARRAY, .item = &t_node, .min_items = 1};

/* ---- tcp (generated from the knob table of models/tcp/tcp.h) ---- */
static struct sch t_tcp = {.kind = SCH_OBJECT, .type_name = "object (TCP knobs)"};

/* ---- apps ---- */
static const char *const trace_series[] = {"endpoint", "seq", NULL};
static const struct sch t_trace_series = {.kind = SCH_ENUM, .values = trace_series};
static const struct sch t_trace_list = {.kind = SCH_ARRAY, .item = &t_trace_series,
					.min_items = 1};
static const struct sch *const trace_alts[] = {&t_bool, &t_trace_list, NULL};
static const struct sch t_tcp_trace = {
	.kind = SCH_ANY_OF,
	.alts = trace_alts,
	.what = "true, false or a list of \"endpoint\" and \"seq\"",
};

#define CHECK_ROUTE_KEY                                                                   \
	{"check_route", &t_bool, 0, "true",                                                \
	 "fail validation when no route joins the endpoints (false for scenarios that "    \
	 "show unreachability)"}

#define TCP_APP_KEYS                                                                      \
	{"address", &t_addr, 0, "first address of `to`",                                  \
	 "address the client connects to (127.0.0.1 when from = to)"},                     \
	{"port", &t_port, 0, "5001 (http: 80)", "server port"},                            \
	{"listen", &t_addr, 0, "\"0.0.0.0\"",                                              \
	 "server bind address: 0.0.0.0 (all), 127.0.0.1, or one of its addresses"},        \
	{"source", &t_addr, 0, "from the route", "client bind address"},                   \
	{"source_port", &t_port0, 0, "0 (ephemeral)", "client port"},                      \
	{"server", &t_bool, 0, "true",                                                     \
	 "run the server on `to`; false: nobody listens (the client sees ECONNREFUSED)"},  \
	{"tcp", &t_tcp, 0, "scenario `tcp`", "TCP knobs for this application's connections"}, \
	{"server_tcp", &t_tcp, 0, "this app's `tcp`",                                      \
	 "TCP knobs for its server side only (e.g. a smaller rcvbuf)"},                    \
	{"trace", &t_tcp_trace, 0, "false",                                                \
	 "TCP traces: true = the endpoint trace of both sides and the sequence trace of "  \
	 "data senders; or the series to write on every side: [\"endpoint\", \"seq\"]"},  \
	CHECK_ROUTE_KEY

static const struct sch t_write = {.kind = SCH_SIZE, .min = 1, .max = 1 << 24,
				   .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_size_any = {.kind = SCH_SIZE};
static const struct sch t_size_pos = {.kind = SCH_SIZE, .flags = SCH_F_POSITIVE};
static const struct sch t_size_u32 = {.kind = SCH_SIZE, .min = 1, .max = UINT32_MAX,
				      .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_read_size = {.kind = SCH_SIZE, .min = 1, .max = 65536,
				       .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch_key pause_keys[] = {
	{"at", &t_duration, SCH_K_REQUIRED, NULL, "when the receiver stops reading"},
	{"for", &t_duration_pos, SCH_K_REQUIRED, NULL, "how long it does not read"},
	{0},
};
static const struct sch t_pause = {.kind = SCH_OBJECT, .keys = pause_keys};
static const struct sch t_pauses = {.kind = SCH_ARRAY, .item = &t_pause};
static const struct sch_key app_bulk_keys[] = {
	TCP_APP_KEYS,
	{"bytes", &t_size_any, 0, "0 (unlimited)",
	 "bytes to send, then close; 0 = send until `stop`"},
	{"write", &t_write, 0, "1460", "bytes per write the sender makes"},
	{"read_rate", &t_rate_pos, 0, "as fast as data arrives",
	 "the receiver reads at most this fast (bits/s, as a rate)"},
	{"read_size", &t_read_size, 0, "65536", "bytes per read of the receiver"},
	{"pauses", &t_pauses, 0, "[]",
	 "intervals the receiver does not read: [{\"at\": \"2s\", \"for\": \"3s\"}]"},
	{0},
};
static const struct sch_key app_echo_keys[] = {
	TCP_APP_KEYS,
	{"bytes", &t_size_pos, SCH_K_REQUIRED, NULL, "bytes the client sends (and gets back)"},
	{"write", &t_write, 0, "1460", "bytes per write"},
	{0},
};
static const struct sch t_count0 = {.kind = SCH_INT, .min = 0, .max = JSON_MAX_INT,
				    .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch_key app_rr_keys[] = {
	TCP_APP_KEYS,
	{"request", &t_size_u32, 0, "100", "request size, bytes"},
	{"response", &t_size_u32, 0, "1000", "response size, bytes"},
	{"count", &t_count0, 0, "1", "requests on the connection; 0 = until `stop`"},
	{"think", &t_duration, 0, "\"0\"", "pause between a response and the next request"},
	{0},
};
static const struct sch t_body_list = {.kind = SCH_ARRAY, .item = &t_size_any, .min_items = 1};
static const struct sch *const body_alts[] = {&t_size_any, &t_body_list, NULL};
static const struct sch t_bodies = {.kind = SCH_ANY_OF, .alts = body_alts,
				    .what = "a size like \"100KB\" or a list of sizes"};
static const struct sch t_chunk_list = {.kind = SCH_ARRAY, .item = &t_size_u32,
					.min_items = 1, .max_items = HTTP_MAX_CHUNK_SIZES};
static const struct sch *const chunk_alts[] = {&t_size_u32, &t_chunk_list, NULL};
static const struct sch t_chunks = {.kind = SCH_ANY_OF, .alts = chunk_alts,
				    .what = "a size like \"4KiB\" or a list of sizes"};
static const struct sch_key app_http_keys[] = {
	TCP_APP_KEYS,
	{"requests", &t_count, 0, "1", "GET requests on one persistent connection"},
	{"body", &t_bodies, 0, "100000",
	 "response body size; a list gives request i the size i mod its length"},
	{"chunks", &t_chunks, 0, "4096",
	 "chunk size of the chunked response bodies; a list is used in turn"},
	{"chunk_extension", &t_string, 0, "none", "a chunk extension the server adds (\"sig=1\")"},
	{"trailer", &t_string, 0, "none", "one trailer field the server sends (\"X-Sum: 1\")"},
	{"think", &t_duration, 0, "\"0\"", "pause between a response and the next request"},
	{0},
};
static const struct sch_key app_simopen_keys[] = {
	{"address", &t_addr, 0, "first address of `to`", "address `from` connects to"},
	{"port", &t_port, 0, "5001", "fixed port on `to`"},
	{"source", &t_addr, 0, "from the route", "address `to` connects to"},
	{"source_port", &t_port, 0, "`port`", "fixed port on `from`"},
	{"bytes", &t_size_any, 0, "0", "bytes each side sends once connected"},
	{"write", &t_write, 0, "1460", "bytes per write"},
	{"tcp", &t_tcp, 0, "scenario `tcp`", "TCP knobs of `from`'s side"},
	{"server_tcp", &t_tcp, 0, "this app's `tcp`", "TCP knobs of `to`'s side"},
	{"trace", &t_tcp_trace, 0, "false", "TCP traces of both ends"},
	CHECK_ROUTE_KEY,
	{0},
};
static const struct sch_key app_ping_keys[] = {
	{"address", &t_addr, 0, "first address of `to`", "address to ping"},
	{"count", &t_count, 0, "5", "echo requests"},
	{"interval", &t_duration_pos, 0, "\"1s\"", "time between requests"},
	{"size", &(const struct sch){.kind = SCH_INT, .min = 0, .max = 65507,
				     .flags = SCH_F_MIN | SCH_F_MAX},
	 0, "56", "ICMP data bytes (ping -s)"},
	{"df", &t_bool, 0, "false", "set don't-fragment (ping -M do)"},
	{"ttl", &t_ttl, 0, "the node's", "IP TTL of the requests (ping -t)"},
	{"tos", &t_tos, 0, "0", "IP TOS byte (ping -Q)"},
	{"trace", &t_bool, 0, "true", "write NAME.ping.tsv, a row per reply"},
	CHECK_ROUTE_KEY,
	{0},
};
static const char *const udp_modes[] = {"cbr", "on-off", NULL};
static const struct sch_key app_udp_keys[] = {
	{"address", &t_addr, 0, "first address of `to`", "destination address"},
	{"port", &t_port, 0, "9", "destination (sink) port"},
	{"listen", &t_addr, 0, "\"0.0.0.0\"", "sink bind address"},
	{"source", &t_addr, 0, "\"0.0.0.0\"", "source bind address"},
	{"source_port", &t_port0, 0, "0 (ephemeral)", "source port"},
	{"mode", &(const struct sch){.kind = SCH_ENUM, .values = udp_modes}, 0, "\"cbr\"",
	 "constant bit rate, or alternating on and off periods"},
	{"rate", &t_rate_pos, 0, "\"1Mbps\"", "sending rate while on (UDP payload bits)"},
	{"size", &(const struct sch){.kind = SCH_INT, .min = UDP_APP_HDR_BYTES, .max = 65507,
				     .flags = SCH_F_MIN | SCH_F_MAX},
	 0, "1000", "UDP payload bytes per datagram"},
	{"on", &t_duration_pos, 0, "\"1s\"", "on-off: length (mean) of on periods"},
	{"off", &t_duration_pos, 0, "\"1s\"", "on-off: length (mean) of off periods"},
	{"exponential", &t_bool, 0, "false", "on-off: draw period lengths from exponentials"},
	{"df", &t_bool, 0, "false", "set don't-fragment"},
	{"tos", &t_tos, 0, "0", "IP TOS byte"},
	CHECK_ROUTE_KEY,
	{0},
};
static const struct sch_variant app_variants[] = {
	{"bulk", app_bulk_keys,
	 "A bulk transfer: `from` sends, `to` receives and verifies every byte."},
	{"echo", app_echo_keys, "The client sends a byte stream; the server echoes it back."},
	{"request_response", app_rr_keys,
	 "The client sends requests and waits for each response (think time between)."},
	{"http", app_http_keys,
	 "HTTP/1.1 GETs on one persistent connection; the server answers with "
	 "`Transfer-Encoding: chunked` bodies the client parses and verifies."},
	{"simultaneous_open", app_simopen_keys,
	 "`from` and `to` connect to each other from fixed ports at the same instant (RFC "
	 "9293 simultaneous open), then each sends `bytes`; `port` is used on both sides "
	 "unless `source_port` is given."},
	{"ping", app_ping_keys, "ICMP echo requests, like iputils ping."},
	{"udp", app_udp_keys, "A UDP source on `from` and a sink on `to` (cross traffic)."},
	{0},
};
static const struct sch_key app_keys[] = {
	{"name", &t_name, 0, "\"flowN\", \"pingN\", \"udpN\"",
	 "names the application's traces and its summary entry"},
	{"from", &t_name, SCH_K_REQUIRED, NULL,
	 "node that starts it: the client, the sender, the pinger"},
	{"to", &t_name, 0, NULL, "the other node: server, receiver, ping target"},
	{"start", &t_duration, 0, "\"0\"", "when it starts"},
	{"stop", &t_duration, 0, "the end of the run", "when it stops"},
	{0},
};
static const struct sch t_app = {.kind = SCH_OBJECT, .keys = app_keys, .tag = "type",
				 .variants = app_variants};
static const struct sch t_apps = {.kind = SCH_ARRAY, .item = &t_app};

static const struct sch t_capture_entry = {
	.kind = SCH_STRING,
	.type_name = "\"NODE\" or \"NODE:IFACE\"",
};
static const struct sch t_capture = {.kind = SCH_ARRAY, .item = &t_capture_entry};

/* ---- top level ---- */
static const struct sch_key top_keys[] = {
	{"name", &t_name, 0, "file name without .json",
	 "scenario name; results go to results/NAME/"},
	{"description", &t_string, 0, "\"\"", "what the scenario shows and what to look at"},
	{"seed", &t_seed, 0, "1", "root seed of every random stream (--seed overrides)"},
	{"duration", &t_duration_pos, SCH_K_REQUIRED, NULL,
	 "simulated time to run (--until overrides)"},
	{"tcp", &t_tcp, 0, "linux profile", "TCP defaults of every connection"},
	{"nodes", &t_nodes, SCH_K_REQUIRED, NULL, "hosts and routers"},
	{"links", &t_links, 0, "[]", "point-to-point links between nodes"},
	{"apps", &t_apps, 0, "[]", "applications"},
	{"capture", &t_capture, 0, "[]",
	 "interfaces to capture to NODE-IFACE.pcap: \"R:eth1\", or \"R\" for all of R's"},
	{0},
};
static const struct sch t_top = {.kind = SCH_OBJECT, .keys = top_keys};

/* Builds the tcp object's keys from the knob table, once. */
static void init_tcp_schema(void)
{
	static bool done;
	if (done)
		return;
	done = true;

	size_t n;
	const struct tcp_knob *knobs = tcp_knobs(&n);
	struct sch_key *keys = g_new0(struct sch_key, n + 1);
	struct tcp_config lin, rfc;
	tcp_config_defaults(&lin, TCP_PROFILE_LINUX);
	tcp_config_defaults(&rfc, TCP_PROFILE_RFC);

	for (size_t i = 0; i < n; i++) {
		const struct tcp_knob *k = &knobs[i];
		struct sch *t = g_new0(struct sch, 1);
		switch (k->type) {
		case TCP_KNOB_BOOL:
			t->kind = SCH_BOOL;
			break;
		case TCP_KNOB_INT:
			t->kind = SCH_INT;
			break;
		case TCP_KNOB_BYTES:
			t->kind = SCH_SIZE;
			break;
		case TCP_KNOB_DURATION:
			t->kind = SCH_DURATION;
			break;
		case TCP_KNOB_ENUM:
			t->kind = SCH_ENUM;
			t->values = k->names();
			break;
		}
		if (k->type != TCP_KNOB_BOOL && k->type != TCP_KNOB_ENUM) {
			t->min = k->min;
			t->max = k->max;
			t->flags = SCH_F_MIN | SCH_F_MAX;
		}
		char a[64], b[64];
		tcp_knob_format(&lin, k, a, sizeof(a));
		tcp_knob_format(&rfc, k, b, sizeof(b));
		keys[i].name = k->name;
		keys[i].type = t;
		keys[i].doc = tcp_knob_doc(k); /* unit and sysctl added */
		if (strcmp(k->name, "profile") == 0)
			keys[i].def = g_strdup("\"linux\"");
		else if (strcmp(a, b) == 0)
			keys[i].def = g_strdup(a);
		else
			keys[i].def = g_strdup_printf("%s (rfc: %s)", a, b);
	}
	t_tcp.keys = keys;
}

const struct sch *scenario_schema(void)
{
	init_tcp_schema();
	return &t_top;
}

/* ======================================================================================
 * Documents
 * ====================================================================================== */

static struct scenario_doc *doc_new(const char *file)
{
	struct scenario_doc *doc = g_new0(struct scenario_doc, 1);
	doc->file = g_strdup(file);
	char *base = g_path_get_basename(file);
	if (g_str_has_suffix(base, ".json"))
		base[strlen(base) - 5] = '\0';
	doc->stem = base;
	doc->origins = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	return doc;
}

struct scenario_doc *scenario_doc_parse(const char *file, const char *text, size_t len,
					char **err)
{
	char *msg = NULL;
	cJSON *root = sch_parse_json(text, len, &msg);
	if (root == NULL) {
		*err = g_strdup_printf("%s:%s", file, msg);
		g_free(msg);
		return NULL;
	}
	struct scenario_doc *doc = doc_new(file);
	doc->root = root;
	return doc;
}

struct scenario_doc *scenario_doc_load(const char *file, char **err)
{
	gchar *text;
	gsize len;
	GError *e = NULL;
	if (!g_file_get_contents(file, &text, &len, &e)) {
		*err = g_strdup_printf("%s: cannot read: %s", file,
				       e->code == G_FILE_ERROR_NOENT ? "no such file"
								      : e->message);
		g_error_free(e);
		return NULL;
	}
	struct scenario_doc *doc = scenario_doc_parse(file, text, len, err);
	g_free(text);
	return doc;
}

int scenario_doc_set(struct scenario_doc *doc, const char *assignment, char **err)
{
	if (!cJSON_IsObject(doc->root)) {
		*err = g_strdup("the scenario is not a JSON object");
		return -1;
	}
	return sch_set(doc->root, scenario_schema(), assignment, doc->origins, err);
}

void scenario_doc_free(struct scenario_doc *doc)
{
	if (!doc)
		return;
	cJSON_Delete(doc->root);
	g_hash_table_destroy(doc->origins);
	g_free(doc->file);
	g_free(doc->stem);
	g_free(doc);
}

/* ======================================================================================
 * Conversion and cross-checks
 * ====================================================================================== */

const char *scn_app_type_name(enum scn_app_type t)
{
	static const char *const names[] = {
		[SCN_APP_BULK] = "bulk",
		[SCN_APP_ECHO] = "echo",
		[SCN_APP_REQUEST_RESPONSE] = "request_response",
		[SCN_APP_HTTP] = "http",
		[SCN_APP_SIMOPEN] = "simultaneous_open",
		[SCN_APP_PING] = "ping",
		[SCN_APP_UDP] = "udp",
	};
	return names[t];
}

/* Conversion state. */
struct conv {
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

#define PATH(c) ((c)->path->str)

/* Path of a child key, for an error about it, without disturbing c->path. */
static char *child_path(struct conv *c, const char *key)
{
	gsize l = sch_path_key(c->path, key);
	char *p = g_strdup(c->path->str);
	sch_path_pop(c->path, l);
	return p;
}

/* Reports an error at key `key` of object `obj` (at c->path). */
static void err_key(struct conv *c, const cJSON *obj, const char *key, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
static void err_key(struct conv *c, const cJSON *obj, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	const cJSON *at = key ? sch_get(obj, key) : obj;
	char *p = key ? child_path(c, key) : g_strdup(PATH(c));
	sch_diag(c->d, at ? at : obj, p, "%s", m);
	g_free(p);
	g_free(m);
}

static char *node_list(const struct scenario *s)
{
	GString *g = g_string_new(NULL);
	for (guint i = 0; i < s->nodes->len; i++) {
		const char *name = g_array_index(s->nodes, struct scn_node, i).name;
		bool dup = !*name;
		for (guint k = 0; k < i && !dup; k++)
			dup = strcmp(g_array_index(s->nodes, struct scn_node, k).name, name) == 0;
		if (dup)
			continue;
		if (g->len)
			g_string_append(g, ", ");
		g_string_append(g, name);
	}
	return g_string_free(g, FALSE);
}

/* Looks up key `key` of obj as a node name; -1 (error reported) if unknown, -2 if
 * absent or invalid (already reported by the schema). */
static gint lookup_node(struct conv *c, const cJSON *obj, const char *key)
{
	const char *name;
	if (!sch_get_string(obj, key, &name) || !c->have_nodes)
		return -2;
	gpointer v = g_hash_table_lookup(c->node_by_name, name);
	if (v)
		return GPOINTER_TO_INT(v) - 1;
	char *all = node_list(c->s);
	err_key(c, obj, key, "unknown node \"%s\" (nodes: %s)", name, all);
	g_free(all);
	return -1;
}

static struct scn_node *node_at(const struct scenario *s, guint i)
{
	return &g_array_index(s->nodes, struct scn_node, i);
}

static struct scn_iface *iface_at(const struct scenario *s, guint i)
{
	return &g_array_index(s->ifaces, struct scn_iface, i);
}

static char *fmt_addr(ipv4_addr_t a)
{
	char buf[IPV4_ADDR_STRLEN];
	return g_strdup(ipv4_format(a, buf));
}

/* ---- nodes ---- */

static void conv_nodes(struct conv *c, const cJSON *arr)
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
				err_key(c, o, "name", "duplicate node name (also nodes[%d])",
					GPOINTER_TO_INT(prev) - 1);
			else
				g_hash_table_insert(c->node_by_name, g_strdup(name),
						    GINT_TO_POINTER((gint)i + 1));
		}
		sch_path_pop(c->path, l);
	}
}

/* ---- links ---- */

static bool has_unit(const char *s)
{
	for (; *s; s++)
		if (g_ascii_isalpha(*s))
			return true;
	return false;
}

/* Applies the direction keys of object `o` (the link, or its forward/reverse) onto
 * cfg. */
static void apply_dir_keys(struct conv *c, struct scn_link *L, const cJSON *o,
			   struct link_dir_config *cfg, bool *trace)
{
	uint64_t u;
	sim_time_t t;
	int64_t i;
	double p;
	bool b;

	if (sch_get_rate(o, "bandwidth", &u) && u > 0)
		cfg->bandwidth_bps = u;
	if (sch_get_duration(o, "delay", &t))
		cfg->delay = t;
	if (sch_get_int(o, "mtu", &i) && i >= 68 && i <= 65535)
		cfg->mtu = (uint32_t)i;
	if (sch_get_duration(o, "jitter", &t))
		cfg->jitter = t;
	if (sch_get_bool(o, "reorder", &b))
		cfg->reorder = b;
	if (sch_get_prob(o, "duplicate", &p))
		cfg->duplicate = p;
	if (sch_get_prob(o, "corrupt", &p))
		cfg->corrupt = p;
	if (sch_get_size(o, "framing", &u) && u <= 65535)
		cfg->framing_bytes = (uint32_t)u;
	if (sch_get_bool(o, "trace", &b))
		*trace = b;

	const cJSON *down = sch_get(o, "down");
	if (cJSON_IsArray(down)) {
		/* An array replaces what the direction inherited ([] clears it). */
		GArray *list = g_array_new(FALSE, FALSE, sizeof(struct link_outage));
		g_ptr_array_add(L->storage, list);
		for (const cJSON *e = down->child; e; e = e->next) {
			struct link_outage out = {.start = 0, .end = SIM_TIME_MAX};
			sim_time_t len;
			if (!sch_get_duration(e, "at", &out.start))
				continue;
			if (sch_get_duration(e, "for", &len) && len > 0)
				out.end = out.start > SIM_TIME_MAX - len ? SIM_TIME_MAX : out.start + len;
			g_array_append_val(list, out);
		}
		cfg->outages = (const struct link_outage *)(void *)list->data;
		cfg->n_outages = list->len;
	}

	const cJSON *q = sch_get(o, "queue");
	if (cJSON_IsNumber(q)) {
		if (sch_int_value(q, &i) && i >= 0 && i <= UINT32_MAX) {
			cfg->queue.limit_packets = (uint32_t)i;
			cfg->queue.limit_bytes = 0;
		}
	} else if (cJSON_IsString(q)) {
		if (!has_unit(q->valuestring)) {
			err_key(c, o, "queue",
				"a queue given as a string needs a size unit (\"%sB\", \"64KiB\"); "
				"write a plain number for packets",
				q->valuestring);
		} else if (sch_size_value(q, &u) && u <= UINT32_MAX) {
			cfg->queue.limit_packets = 0;
			cfg->queue.limit_bytes = u;
		}
	} else if (cJSON_IsObject(q)) {
		cfg->queue.limit_packets = 0;
		cfg->queue.limit_bytes = 0;
		if (sch_get_int(q, "packets", &i) && i >= 0 && i <= UINT32_MAX)
			cfg->queue.limit_packets = (uint32_t)i;
		if (sch_get_size(q, "bytes", &u) && u <= UINT32_MAX)
			cfg->queue.limit_bytes = u;
	}

	const cJSON *loss = sch_get(o, "loss");
	if (loss == NULL)
		return;
	if (!cJSON_IsObject(loss)) {
		if (sch_prob_value(loss, &p)) {
			cfg->loss.kind = p > 0 ? LOSS_BERNOULLI : LOSS_NONE;
			cfg->loss.rate = p;
		}
		return;
	}
	const char *model;
	if (!sch_get_string(loss, "model", &model))
		return;
	struct loss_config lc;
	loss_config_default(&lc);
	if (strcmp(model, "none") == 0) {
		lc.kind = LOSS_NONE;
	} else if (strcmp(model, "bernoulli") == 0) {
		lc.kind = LOSS_BERNOULLI;
		sch_get_prob(loss, "p", &lc.rate);
	} else if (strcmp(model, "gilbert-elliott") == 0) {
		lc.kind = LOSS_GILBERT_ELLIOTT;
		sch_get_prob(loss, "p", &lc.p);
		sch_get_prob(loss, "r", &lc.r);
		sch_get_prob(loss, "1-h", &lc.one_minus_h);
		sch_get_prob(loss, "1-k", &lc.one_minus_k);
	} else if (strcmp(model, "drop-list") == 0) {
		lc.kind = LOSS_DROP_LIST;
		GArray *list = g_array_new(FALSE, FALSE, sizeof(uint64_t));
		g_ptr_array_add(L->storage, list);
		const cJSON *pk = sch_get(loss, "packets");
		gsize j = 0;
		GHashTable *seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
		for (const cJSON *e = cJSON_IsArray(pk) ? pk->child : NULL; e; e = e->next, j++) {
			int64_t idx;
			if (!sch_int_value(e, &idx) || idx < 1)
				continue;
			if (g_hash_table_contains(seen, &idx)) {
				gsize l0 = sch_path_key(c->path, "loss");
				gsize l1 = sch_path_key(c->path, "packets");
				gsize l2 = sch_path_index(c->path, j);
				sch_diag(c->d, e, PATH(c), "packet %" G_GINT64_FORMAT " is listed twice",
					 idx);
				sch_path_pop(c->path, l2);
				sch_path_pop(c->path, l1);
				sch_path_pop(c->path, l0);
				continue;
			}
			g_hash_table_add(seen, g_memdup2(&idx, sizeof(idx)));
			uint64_t v = (uint64_t)idx;
			g_array_append_val(list, v);
		}
		g_hash_table_destroy(seen);
		lc.drop_list = (const uint64_t *)(void *)list->data;
		lc.n_drop_list = list->len;
	}
	cfg->loss = lc;
}

static bool addr_is_usable(ipv4_addr_t a, unsigned len, const char **why)
{
	if (a == 0) {
		*why = "0.0.0.0 cannot be an interface address";
		return false;
	}
	if (ipv4_is_loopback(a)) {
		*why = "127.0.0.0/8 is loopback (every node already has 127.0.0.1 on lo)";
		return false;
	}
	if (ipv4_is_multicast(a) || (a >> 28) == 0xf) {
		*why = "multicast and reserved (224.0.0.0/3) addresses cannot be interface "
		       "addresses";
		return false;
	}
	if (len == 0) {
		*why = "prefix length /0 cannot be an interface's subnet";
		return false;
	}
	if (len <= 30) {
		ipv4_addr_t host = a & ~ipv4_mask(len);
		if (host == 0) {
			*why = "is the subnet's network address; use a host address";
			return false;
		}
		if (host == (~ipv4_mask(len) & 0xffffffffu)) {
			*why = "is the subnet's broadcast address; use a host address";
			return false;
		}
	}
	return true;
}

static void conv_links(struct conv *c, const cJSON *arr)
{
	gsize i = 0;
	for (const cJSON *o = cJSON_IsArray(arr) ? arr->child : NULL; o; o = o->next, i++) {
		gsize l = sch_path_index(c->path, i);
		struct scn_link L = {0};
		L.storage = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
		gint end_node[2] = {-2, -2};
		guint end_iface[2] = {G_MAXUINT, G_MAXUINT};
		const cJSON *ends = sch_get(o, "ends");
		guint link_index = c->s->links->len;

		/* Ends: nodes, interfaces, addresses. */
		if (cJSON_IsArray(ends) && cJSON_GetArraySize(ends) == 2) {
			gsize l1 = sch_path_key(c->path, "ends");
			for (int e = 0; e < 2; e++) {
				const cJSON *eo = cJSON_GetArrayItem(ends, e);
				gsize l2 = sch_path_index(c->path, (gsize)e);
				end_node[e] = lookup_node(c, eo, "node");
				ipv4_addr_t a;
				unsigned plen;
				bool parsed = sch_get_cidr(eo, "address", &a, &plen);
				bool have_addr = parsed;
				const char *why;
				if (parsed && !addr_is_usable(a, plen, &why)) {
					char *as = fmt_addr(a);
					err_key(c, eo, "address", "%s/%u: %s", as, plen, why);
					g_free(as);
					have_addr = false;
				}
				if (have_addr) {
					gpointer prev = g_hash_table_lookup(c->addr_owner,
									    GUINT_TO_POINTER(a));
					if (prev) {
						const struct scn_iface *pi =
							iface_at(c->s, GPOINTER_TO_UINT(prev) - 1);
						char *as = fmt_addr(a);
						err_key(c, eo, "address",
							"duplicate address %s (already on %s %s, "
							"links[%u].ends[%u])",
							as, node_at(c->s, pi->node)->name, pi->name,
							pi->link, pi->end);
						g_free(as);
					}
				}
				if (end_node[e] >= 0) {
					struct scn_node *n = node_at(c->s, (guint)end_node[e]);
					struct scn_iface f = {0};
					const char *ifn;
					if (sch_get_string(eo, "iface", &ifn))
						f.name = g_strdup(ifn);
					else
						f.name = g_strdup_printf("eth%u", n->ifaces->len);
					if (strcmp(f.name, "lo") == 0)
						err_key(c, eo, "iface",
							"\"lo\" is the loopback interface every node has");
					for (guint k = 0; k < n->ifaces->len; k++) {
						const struct scn_iface *o2 = iface_at(
							c->s, g_array_index(n->ifaces, guint, k));
						if (strcmp(o2->name, f.name) == 0) {
							err_key(c, eo, sch_get(eo, "iface") ? "iface" : NULL,
								"node %s already has an interface %s "
								"(links[%u])",
								n->name, f.name, o2->link);
							break;
						}
					}
					f.node = (guint)end_node[e];
					/* An unusable address still names the subnet, so routes
					 * through it are not reported as errors too. */
					f.addr = parsed ? a : 0;
					f.prefix_len = parsed ? plen : 0;
					f.link = link_index;
					f.end = (unsigned)e;
					guint fi = c->s->ifaces->len;
					g_array_append_val(c->s->ifaces, f);
					g_array_append_val(n->ifaces, fi);
					end_iface[e] = fi;
					if (have_addr && !g_hash_table_contains(c->addr_owner,
										GUINT_TO_POINTER(a)))
						g_hash_table_insert(c->addr_owner, GUINT_TO_POINTER(a),
								    GUINT_TO_POINTER(fi + 1));
				}
				sch_path_pop(c->path, l2);
			}
			if (end_node[0] >= 0 && end_node[0] == end_node[1])
				err_key(c, ends, NULL,
					"both ends are on node %s; a link joins two different nodes",
					node_at(c->s, (guint)end_node[0])->name);
			/* Same subnet: each address must lie in the other end's prefix. */
			if (end_iface[0] != G_MAXUINT && end_iface[1] != G_MAXUINT) {
				const struct scn_iface *f0 = iface_at(c->s, end_iface[0]);
				const struct scn_iface *f1 = iface_at(c->s, end_iface[1]);
				if (f0->addr && f1->addr) {
					struct ipv4_prefix p0 = {f0->addr & ipv4_mask(f0->prefix_len),
								 (uint8_t)f0->prefix_len};
					struct ipv4_prefix p1 = {f1->addr & ipv4_mask(f1->prefix_len),
								 (uint8_t)f1->prefix_len};
					if (!ipv4_prefix_contains(p0, f1->addr) ||
					    !ipv4_prefix_contains(p1, f0->addr)) {
						char *a0 = fmt_addr(f0->addr), *a1 = fmt_addr(f1->addr);
						char *n0 = fmt_addr(p0.addr);
						gsize l2 = sch_path_index(c->path, 1);
						err_key(c, cJSON_GetArrayItem(ends, 1), "address",
							"%s/%u is not in the link's subnet %s/%u (the "
							"other end is %s/%u)",
							a1, f1->prefix_len, n0, f0->prefix_len, a0,
							f0->prefix_len);
						sch_path_pop(c->path, l2);
						g_free(a0);
						g_free(a1);
						g_free(n0);
					}
				}
			}
			sch_path_pop(c->path, l1);
		}

		/* Name. */
		const char *name;
		if (sch_get_string(o, "name", &name))
			L.name = g_strdup(name);
		else if (end_node[0] >= 0 && end_node[1] >= 0)
			L.name = g_strdup_printf("%s-%s", node_at(c->s, (guint)end_node[0])->name,
						 node_at(c->s, (guint)end_node[1])->name);
		else
			L.name = g_strdup_printf("link%" G_GSIZE_FORMAT, i + 1);
		for (guint k = 0; k < c->s->links->len; k++) {
			if (strcmp(g_array_index(c->s->links, struct scn_link, k).name, L.name) == 0) {
				err_key(c, o, sch_get(o, "name") ? "name" : NULL,
					"duplicate link name \"%s\" (also links[%u])%s", L.name, k,
					sch_get(o, "name") ? "" : "; give the links distinct \"name\"s");
				break;
			}
		}

		/* Properties: symmetric, then per-direction overrides. */
		struct link_dir_config base;
		link_dir_config_default(&base);
		bool trace = false;
		apply_dir_keys(c, &L, o, &base, &trace);
		static const char *const dir_key[2] = {"forward", "reverse"};
		for (int dd = 0; dd < 2; dd++) {
			L.dir[dd] = base;
			L.trace_queue[dd] = trace;
			const cJSON *dobj = sch_get(o, dir_key[dd]);
			if (cJSON_IsObject(dobj)) {
				gsize l1 = sch_path_key(c->path, dir_key[dd]);
				/* A direction's own "loss" replaces the link's entirely. */
				apply_dir_keys(c, &L, dobj, &L.dir[dd], &L.trace_queue[dd]);
				sch_path_pop(c->path, l1);
			}
			/* The model's own check backs up the schema's ranges; asked only
			 * of an otherwise clean document, so a value already reported is
			 * not reported twice. */
			const char *why = sch_diags_count(c->d) ? NULL : link_dir_config_check(&L.dir[dd]);
			if (why)
				err_key(c, o, NULL, "%s direction: %s", dir_key[dd], why);
		}
		L.iface[0] = end_iface[0];
		L.iface[1] = end_iface[1];
		g_array_append_val(c->s->links, L);
		sch_path_pop(c->path, l);
	}
}

/* ---- routes (needs interfaces) ---- */

static gint scn_iface_by_name(const struct scenario *s, const struct scn_node *n,
			       const char *name)
{
	for (guint k = 0; k < n->ifaces->len; k++) {
		guint fi = g_array_index(n->ifaces, guint, k);
		if (strcmp(iface_at(s, fi)->name, name) == 0)
			return (gint)fi;
	}
	return -1;
}

/* The interface of node n whose subnet holds a (first in link order), or -1. */
static gint node_iface_on_subnet(const struct scenario *s, const struct scn_node *n,
				 ipv4_addr_t a)
{
	for (guint k = 0; k < n->ifaces->len; k++) {
		guint fi = g_array_index(n->ifaces, guint, k);
		const struct scn_iface *f = iface_at(s, fi);
		if (f->addr && (f->addr & ipv4_mask(f->prefix_len)) == (a & ipv4_mask(f->prefix_len)))
			return (gint)fi;
	}
	return -1;
}

static char *iface_names(const struct scenario *s, const struct scn_node *n)
{
	GString *g = g_string_new(NULL);
	for (guint k = 0; k < n->ifaces->len; k++) {
		if (k)
			g_string_append(g, ", ");
		g_string_append(g, iface_at(s, g_array_index(n->ifaces, guint, k))->name);
	}
	if (n->ifaces->len == 0)
		g_string_append(g, "none but lo");
	return g_string_free(g, FALSE);
}

static void conv_routes(struct conv *c, const cJSON *nodes_arr)
{
	gsize i = 0;
	for (const cJSON *o = cJSON_IsArray(nodes_arr) ? nodes_arr->child : NULL; o;
	     o = o->next, i++) {
		struct scn_node *n = node_at(c->s, (guint)i);
		const cJSON *routes = sch_get(o, "routes");
		if (!cJSON_IsArray(routes))
			continue;
		gsize l = sch_path_index(c->path, i);
		gsize l1 = sch_path_key(c->path, "routes");
		gsize j = 0;
		for (const cJSON *r = routes->child; r; r = r->next, j++) {
			gsize l2 = sch_path_index(c->path, j);
			struct scn_route rt = {.iface = -1};
			bool ok = sch_get_prefix(r, "to", &rt.prefix);
			const char *dev = NULL;
			bool have_via = sch_get_addr(r, "via", &rt.via);
			if (sch_get_string(r, "dev", &dev)) {
				rt.iface = scn_iface_by_name(c->s, n, dev);
				if (rt.iface < 0) {
					char *all = iface_names(c->s, n);
					err_key(c, r, "dev", "node %s has no interface \"%s\" (it has %s)",
						n->name, dev, all);
					g_free(all);
					ok = false;
				}
			}
			if (!have_via && !dev && cJSON_IsObject(r) && !sch_get(r, "via")) {
				err_key(c, r, NULL,
					"a route needs \"via\" (a gateway address) or \"dev\" (an "
					"interface)");
				ok = false;
			}
			if (have_via) {
				gint on = rt.iface >= 0 ? rt.iface : node_iface_on_subnet(c->s, n, rt.via);
				if (rt.iface >= 0) {
					const struct scn_iface *f = iface_at(c->s, (guint)rt.iface);
					if (!f->addr || (f->addr & ipv4_mask(f->prefix_len)) !=
								(rt.via & ipv4_mask(f->prefix_len)))
						on = -1;
				}
				if (on < 0) {
					char *va = fmt_addr(rt.via);
					err_key(c, r, "via",
						"gateway %s is not on a subnet of %s's interfaces%s", va,
						n->name, dev ? " (or not on the given dev)" : "");
					g_free(va);
					ok = false;
				} else if (g_hash_table_lookup(c->addr_owner, GUINT_TO_POINTER(rt.via)) ==
					   GUINT_TO_POINTER((guint)on + 1)) {
					char *va = fmt_addr(rt.via);
					err_key(c, r, "via",
						"gateway %s is %s's own address; use the address of the "
						"next hop",
						va, n->name);
					g_free(va);
					ok = false;
				}
			}
			if (ok) {
				/* route_add() refuses a prefix that is already routed (a connected
				 * subnet or an earlier static route). */
				for (guint k = 0; k < n->routes->len; k++) {
					const struct scn_route *o2 =
						&g_array_index(n->routes, struct scn_route, k);
					if (o2->prefix.addr == rt.prefix.addr &&
					    o2->prefix.len == rt.prefix.len) {
						err_key(c, r, "to", "duplicate route (routes[%u] has the same "
								    "prefix)",
							k);
						ok = false;
						break;
					}
				}
				for (guint k = 0; ok && k < n->ifaces->len; k++) {
					const struct scn_iface *f =
						iface_at(c->s, g_array_index(n->ifaces, guint, k));
					if (f->addr && f->prefix_len == rt.prefix.len &&
					    (f->addr & ipv4_mask(f->prefix_len)) == rt.prefix.addr) {
						err_key(c, r, "to",
							"this subnet is directly connected on %s; it needs no "
							"route",
							f->name);
						ok = false;
					}
				}
			}
			if (ok)
				g_array_append_val(n->routes, rt);
			sch_path_pop(c->path, l2);
		}
		sch_path_pop(c->path, l1);
		sch_path_pop(c->path, l);
	}
}

/* ---- route walking (for endpoint checks) ---- */

static bool node_has_addr(const struct scenario *s, const struct scn_node *n, ipv4_addr_t a)
{
	if (ipv4_is_loopback(a))
		return true;
	for (guint k = 0; k < n->ifaces->len; k++)
		if (iface_at(s, g_array_index(n->ifaces, guint, k))->addr == a)
			return true;
	return false;
}

/* Longest-prefix match as models/ip/route.c does it: connected subnets (the first
 * interface with a subnet wins) and static routes. Returns the egress interface
 * index or -1. */
static gint lookup_route(const struct scenario *s, const struct scn_node *n, ipv4_addr_t dst)
{
	gint best = -1;
	int best_len = -1;
	for (guint k = 0; k < n->ifaces->len; k++) {
		guint fi = g_array_index(n->ifaces, guint, k);
		const struct scn_iface *f = iface_at(s, fi);
		if (!f->addr)
			continue;
		if ((int)f->prefix_len > best_len &&
		    (f->addr & ipv4_mask(f->prefix_len)) == (dst & ipv4_mask(f->prefix_len))) {
			best = (gint)fi;
			best_len = (int)f->prefix_len;
		}
	}
	for (guint k = 0; k < n->routes->len; k++) {
		const struct scn_route *r = &g_array_index(n->routes, struct scn_route, k);
		if ((int)r->prefix.len > best_len && ipv4_prefix_contains(r->prefix, dst)) {
			best = r->iface >= 0 ? r->iface : node_iface_on_subnet(s, n, r->via);
			best_len = r->prefix.len;
		}
	}
	return best;
}

/* Follows the routes from node `from` toward dst. Returns the node that owns dst, or
 * -1 with *why explaining where the path breaks. *src receives the source address
 * the first hop would use. */
static gint walk_route(const struct scenario *s, guint from, ipv4_addr_t dst, ipv4_addr_t *src,
		       char **why)
{
	guint cur = from;
	GArray *seen = g_array_new(FALSE, FALSE, sizeof(guint));
	char *da = fmt_addr(dst);
	gint result = -1;

	*src = 0;
	for (guint hop = 0;; hop++) {
		const struct scn_node *n = node_at(s, cur);
		if (node_has_addr(s, n, dst)) {
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
						g, "%s -> ", node_at(s, g_array_index(seen, guint, m))->name);
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
		const struct scn_iface *f = iface_at(s, (guint)fi);
		if (hop == 0)
			*src = f->addr;
		const struct scn_link *L = &g_array_index(s->links, struct scn_link, f->link);
		guint peer = L->iface[1 - f->end];
		if (peer == G_MAXUINT) {
			*why = g_strdup_printf("%s's interface %s leads nowhere", n->name, f->name);
			break;
		}
		cur = iface_at(s, peer)->node;
	}
out:
	g_free(da);
	g_array_free(seen, TRUE);
	return result;
}

/* ---- TCP configuration ---- */

/* Reads a knob value from JSON into the knob's int64 form. */
static bool knob_value(const struct tcp_knob *k, const cJSON *v, int64_t *out)
{
	switch (k->type) {
	case TCP_KNOB_BOOL:
		if (!cJSON_IsBool(v))
			return false;
		*out = cJSON_IsTrue(v);
		return true;
	case TCP_KNOB_INT:
		return sch_int_value(v, out);
	case TCP_KNOB_BYTES: {
		uint64_t b;
		if (!sch_size_value(v, &b) || b > INT64_MAX)
			return false;
		*out = (int64_t)b;
		return true;
	}
	case TCP_KNOB_DURATION: {
		sim_time_t t;
		if (!cJSON_IsString(v) || sim_parse_duration(v->valuestring, &t) != 0)
			return false;
		*out = t;
		return true;
	}
	case TCP_KNOB_ENUM: {
		if (!cJSON_IsString(v))
			return false;
		const char *const *names = k->names();
		for (int64_t i = 0; names[i]; i++) {
			if (strcmp(names[i], v->valuestring) == 0) {
				*out = i;
				return true;
			}
		}
		return false;
	}
	}
	return false;
}

/* Fills cfg from up to three layered `tcp` objects (later ones win): the profile is
 * applied first (it reloads every default), then every other knob. `at` names the
 * innermost object for cross-field errors. */
static void conv_tcp(struct conv *c, const cJSON *const layers[3], int report_from,
		     struct tcp_config *cfg, const cJSON *at)
{
	enum tcp_profile profile = TCP_PROFILE_LINUX;
	for (int i = 0; i < 3; i++) {
		const char *p;
		if (layers[i] && sch_get_string(layers[i], "profile", &p))
			tcp_profile_parse(p, &profile);
	}
	tcp_config_defaults(cfg, profile);
	size_t n;
	const struct tcp_knob *knobs = tcp_knobs(&n);
	for (size_t k = 0; k < n; k++) {
		if (strcmp(knobs[k].name, "profile") == 0)
			continue;
		for (int i = 0; i < 3; i++) {
			const cJSON *v = layers[i] ? sch_get(layers[i], knobs[k].name) : NULL;
			int64_t x;
			if (v && knob_value(&knobs[k], v, &x) && tcp_knob_set(cfg, &knobs[k], x) != 0 &&
			    i >= report_from) {
				gsize l = sch_path_key(c->path, knobs[k].name);
				sch_diag(c->d, v, PATH(c), "out of range for this knob");
				sch_path_pop(c->path, l);
			}
		}
	}
	const char *why = NULL;
	if (tcp_config_validate(cfg, &why) != 0 && layers[report_from])
		sch_diag(c->d, at, PATH(c), "%s", why ? why : "inconsistent TCP settings");
}

/* ---- apps ---- */

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

/* The app-specific keys of TCP applications, into the models' config structs. */
static void conv_tcp_app(struct conv *c, const cJSON *o, struct scn_app *a)
{
	int64_t iv;
	uint64_t u;
	sim_time_t stop = a->stop == SIM_TIME_MAX ? 0 : a->stop; /* the apps' "none" */

	switch (a->type) {
	case SCN_APP_BULK: {
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
			if (sch_get_duration(e, "at", &iv2.start) &&
			    sch_get_duration(e, "for", &iv2.duration))
				g_array_append_val(a->pauses, iv2);
		}
		b->pauses = (const struct app_interval *)(void *)a->pauses->data;
		b->n_pauses = a->pauses->len;
		b->start = a->start;
		b->stop = stop;
		b->client_only = !a->server;
		break;
	}
	case SCN_APP_ECHO: {
		struct echo_config *e = &a->echo;
		echo_config_default(e);
		sch_get_size(o, "bytes", &e->bytes);
		if (sch_get_size(o, "write", &u))
			e->write_size = (uint32_t)u;
		break;
	}
	case SCN_APP_REQUEST_RESPONSE: {
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
			err_key(c, o, "count", "0 means \"until stop\": give \"stop\" too");
		break;
	}
	case SCN_APP_HTTP: {
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
		const char *str;
		if (sch_get_string(o, "chunk_extension", &str)) {
			if (strchr(str, ';') || strchr(str, '\r') || strchr(str, '\n'))
				err_key(c, o, "chunk_extension",
					"write the extension without ';' or line breaks, e.g. "
					"\"sig=abc\"");
			a->chunk_extension = g_strdup(str);
			h->chunk_extension = a->chunk_extension;
		}
		if (sch_get_string(o, "trailer", &str)) {
			if (!strchr(str, ':') || strchr(str, '\r') || strchr(str, '\n'))
				err_key(c, o, "trailer",
					"write one field line \"Name: value\" without line breaks");
			a->trailer = g_strdup(str);
			h->trailer = a->trailer;
		}
		sch_get_duration(o, "think", &h->think_time);
		break;
	}
	case SCN_APP_SIMOPEN: {
		struct simopen_config *so = &a->simopen;
		simopen_config_default(so);
		sch_get_size(o, "bytes", &so->bytes);
		if (sch_get_size(o, "write", &u))
			so->write_size = (uint32_t)u;
		so->start = a->start;
		so->stop = stop;
		break;
	}
	default:
		break;
	}
}

static enum scn_app_type app_type_of(const char *t)
{
	for (int i = 0; i <= SCN_APP_UDP; i++)
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
	guint app;
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

/* Records a binding; reports a conflict with an earlier one. TCP applications with
 * the same server node, port and listen address share one listener (world.c), which
 * then must have one configuration. */
/* Bindings are grouped by (node, port, protocol) in a hash table (a scenario may
 * have thousands of servers); each group is a short list. */
static guint64 binding_key(const struct binding *b)
{
	return (guint64)(guint32)b->node << 24 | (guint64)b->port << 1 | (b->udp ? 1u : 0u);
}

static void check_binding(struct conv *c, GHashTable *bindings, const cJSON *o, const char *key,
			  struct binding b, const struct scn_app *cur)
{
	guint64 k = binding_key(&b);
	GArray *group = g_hash_table_lookup(bindings, &k);
	if (!group) {
		group = g_array_new(FALSE, FALSE, sizeof(struct binding));
		g_hash_table_insert(bindings, g_memdup2(&k, sizeof(k)), group);
	}
	for (guint i = 0; i < group->len; i++) {
		const struct binding *x = &g_array_index(group, struct binding, i);
		const struct scn_app *xa = &g_array_index(c->s->apps, struct scn_app, x->app);
		if (x->shareable && b.shareable && x->addr == b.addr) {
			if (!same_tcp_config(&xa->tcp_server, &cur->tcp_server))
				err_key(c, o, key,
					"shares the listener on %s port %u with apps[%u] (%s), so its "
					"server_tcp must be the same",
					node_at(c->s, (guint)b.node)->name, b.port, x->app, xa->name);
			return;
		}
		if (x->addr == b.addr || x->addr == 0 || b.addr == 0) {
			err_key(c, o, key, "%s port %u on %s is already used by apps[%u] (%s)",
				b.udp ? "UDP" : "TCP", b.port, node_at(c->s, (guint)b.node)->name,
				x->app, xa->name);
			return;
		}
	}
	g_array_append_val(group, b);
}

static void conv_apps(struct conv *c, const cJSON *arr, const cJSON *top_tcp)
{
	GHashTable *bindings = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
						     (GDestroyNotify)g_array_unref);
	unsigned count[SCN_APP_UDP + 1] = {0};
	unsigned tcp_count = 0;
	gsize i = 0;

	for (const cJSON *o = cJSON_IsArray(arr) ? arr->child : NULL; o; o = o->next, i++) {
		gsize l = sch_path_index(c->path, i);
		struct scn_app a = {0};
		a.server = true;
		const char *type;
		if (!sch_get_string(o, "type", &type) || !sch_variant_of(&t_app, o)) {
			/* Reported by the schema; nothing else can be checked sensibly. */
			sch_path_pop(c->path, l);
			continue;
		}
		a.type = app_type_of(type);
		count[a.type]++;
		if (scn_app_is_tcp(a.type))
			tcp_count++;

		/* Name. */
		const char *name;
		if (sch_get_string(o, "name", &name))
			a.name = g_strdup(name);
		else if (scn_app_is_tcp(a.type))
			a.name = g_strdup_printf("flow%u", tcp_count);
		else
			a.name = g_strdup_printf("%s%u", type, count[a.type]);
		gpointer prev = g_hash_table_lookup(c->app_names, a.name);
		if (prev)
			err_key(c, o, sch_get(o, "name") ? "name" : NULL,
				"duplicate application name \"%s\" (also apps[%d])%s", a.name,
				GPOINTER_TO_INT(prev) - 1,
				sch_get(o, "name") ? "" : "; give it a \"name\"");
		else
			g_hash_table_insert(c->app_names, g_strdup(a.name),
					    GINT_TO_POINTER((gint)i + 1));

		/* Times. */
		a.start = 0;
		a.stop = SIM_TIME_MAX;
		sch_get_duration(o, "start", &a.start);
		sch_get_duration(o, "stop", &a.stop);
		if (sch_get(o, "stop") && a.stop != SIM_TIME_MAX && a.stop <= a.start) {
			char b1[32];
			sim_format_duration(a.start, b1, sizeof(b1));
			err_key(c, o, "stop", "must be after start (%s)", b1);
		}
		if (a.start >= c->s->duration && c->s->duration > 0) {
			char b1[32], b2[32];
			sim_format_duration(a.start, b1, sizeof(b1));
			sim_format_duration(c->s->duration, b2, sizeof(b2));
			err_key(c, o, "start", "starts at %s, when the run is over (duration %s)", b1,
				b2);
		}

		/* Endpoints. */
		gint from = lookup_node(c, o, "from");
		gint to = sch_get(o, "to") ? lookup_node(c, o, "to") : -3;
		bool have_dst = sch_get_addr(o, "address", &a.dst);
		a.to = to >= 0 ? to : -1;
		a.port = a.type == SCN_APP_UDP ? 9 : a.type == SCN_APP_HTTP ? 80 : 5001;
		int64_t iv;
		if (sch_get_int(o, "port", &iv))
			a.port = (uint16_t)iv;
		if (sch_get_int(o, "source_port", &iv))
			a.src_port = (uint16_t)iv;
		sch_get_addr(o, "listen", &a.listen);
		sch_get_addr(o, "source", &a.src);
		bool check_route = true;
		sch_get_bool(o, "check_route", &check_route);

		if (to == -3 && !have_dst) {
			if (a.type == SCN_APP_PING)
				err_key(c, o, NULL, "needs \"to\" (a node) or \"address\" to ping");
			else
				err_key(c, o, NULL, "missing required key \"to\"");
		}
		if (to == -3 && have_dst && a.type != SCN_APP_PING)
			err_key(c, o, NULL, "missing required key \"to\" (the node that %s)",
				a.type == SCN_APP_UDP ? "runs the sink" : "runs the server");
		if (a.type == SCN_APP_SIMOPEN && from >= 0 && from == to)
			err_key(c, o, "to", "simultaneous open needs two different nodes");

		if (to >= 0 && !have_dst) {
			const struct scn_node *tn = node_at(c->s, (guint)to);
			if (from == to) {
				a.dst = IPV4_LOOPBACK;
			} else if (tn->ifaces->len > 0 &&
				   iface_at(c->s, g_array_index(tn->ifaces, guint, 0))->addr) {
				a.dst = iface_at(c->s, g_array_index(tn->ifaces, guint, 0))->addr;
			} else {
				err_key(c, o, "to", "node %s has no address to reach it by", tn->name);
			}
		}
		if (to >= 0 && have_dst) {
			const struct scn_node *tn = node_at(c->s, (guint)to);
			if (ipv4_is_loopback(a.dst) && from != to) {
				err_key(c, o, "address",
					"%s is a loopback address: it reaches the sender itself, not %s",
					sch_get(o, "address")->valuestring, tn->name);
			} else if (!node_has_addr(c->s, tn, a.dst)) {
				char *as = fmt_addr(a.dst);
				err_key(c, o, "address", "%s is not an address of %s", as, tn->name);
				g_free(as);
			}
		}
		if (to >= 0 && sch_get(o, "listen") && a.listen != 0 &&
		    !node_has_addr(c->s, node_at(c->s, (guint)to), a.listen)) {
			char *as = fmt_addr(a.listen);
			err_key(c, o, "listen",
				"%s is not an address of %s (use 0.0.0.0, 127.0.0.1 or one of its "
				"addresses)",
				as, node_at(c->s, (guint)to)->name);
			g_free(as);
		}
		if (from >= 0 && a.src != 0 && !node_has_addr(c->s, node_at(c->s, (guint)from), a.src)) {
			char *as = fmt_addr(a.src);
			err_key(c, o, "source", "%s is not an address of %s", as,
				node_at(c->s, (guint)from)->name);
			g_free(as);
		}

		/* Routes: there and back (ping replies, TCP ACKs). */
		bool endpoints_ok = c->topology_ok && from >= 0 && a.dst != 0 && (to >= 0 || to == -3);
		if (endpoints_ok && check_route) {
			char *why = NULL;
			ipv4_addr_t src = 0;
			const char *key = sch_get(o, "address") ? "address" : "to";
			char *da = fmt_addr(a.dst);
			gint owner = walk_route(c->s, (guint)from, a.dst, &src, &why);
			if (owner < 0) {
				err_key(c, o, key, "no route from %s to %s: %s",
					node_at(c->s, (guint)from)->name, da, why);
			} else if (to >= 0 && owner != to) {
				err_key(c, o, key, "%s leads to %s, not %s", da,
					node_at(c->s, (guint)owner)->name, node_at(c->s, (guint)to)->name);
			} else if (a.type != SCN_APP_UDP) {
				if (a.src)
					src = a.src;
				char *why2 = NULL;
				ipv4_addr_t src2;
				char *sa = fmt_addr(src);
				if (walk_route(c->s, (guint)owner, src, &src2, &why2) != from)
					err_key(c, o, "from", "no route back from %s to %s's address %s: %s",
						node_at(c->s, (guint)owner)->name,
						node_at(c->s, (guint)from)->name, sa,
						why2 ? why2 : "it leads elsewhere");
				g_free(sa);
				g_free(why2);
			}
			g_free(why);
			g_free(da);
		}

		/* Per-type configuration. */
		if (scn_app_is_tcp(a.type)) {
			const cJSON *mine = sch_get(o, "tcp");
			const cJSON *srv = sch_get(o, "server_tcp");
			const cJSON *l1[3] = {top_tcp, mine, NULL};
			const cJSON *l2[3] = {top_tcp, mine, srv};
			a.tcp = c->s->tcp;
			if (mine) {
				gsize lt = sch_path_key(c->path, "tcp");
				conv_tcp(c, l1, 1, &a.tcp, mine);
				sch_path_pop(c->path, lt);
			}
			a.tcp_server = a.tcp;
			if (srv) {
				gsize lt = sch_path_key(c->path, "server_tcp");
				conv_tcp(c, l2, 2, &a.tcp_server, srv);
				sch_path_pop(c->path, lt);
			}
			conv_trace(o, &a);
			sch_get_bool(o, "server", &a.server);
			conv_tcp_app(c, o, &a);
		} else if (a.type == SCN_APP_PING) {
			struct ping_config *p = &a.ping;
			ping_config_default(p);
			p->dst = a.dst;
			p->start = a.start;
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
			a.ping_trace = true;
			sch_get_bool(o, "trace", &a.ping_trace);
			if (sch_get(o, "stop"))
				err_key(c, o, "stop",
					"a ping stops after \"count\" requests; set count instead");
			const char *why = sch_diags_count(c->d) ? NULL : ping_config_check(p);
			if (why && p->dst)
				err_key(c, o, NULL, "%s", why);
		} else if (a.type == SCN_APP_UDP) {
			struct udp_source_config *u = &a.udp_src;
			udp_source_config_default(u);
			u->dst = a.dst;
			u->dst_port = a.port;
			u->src_addr = a.src;
			u->src_port = a.src_port;
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
			u->start = a.start;
			u->stop = a.stop;
			if (u->mode == UDP_SOURCE_CBR &&
			    (sch_get(o, "on") || sch_get(o, "off") || sch_get(o, "exponential")))
				err_key(c, o, sch_get(o, "on") ? "on" : sch_get(o, "off") ? "off"
											: "exponential",
					"applies to \"mode\": \"on-off\" only");
			udp_sink_config_default(&a.udp_sink);
			a.udp_sink.bind_addr = a.listen;
			a.udp_sink.port = a.port;
			const char *why = sch_diags_count(c->d) ? NULL : udp_source_config_check(u);
			if (why && u->dst)
				err_key(c, o, NULL, "%s", why);
		}
		/* Simultaneous open binds both ends to fixed addresses: `from`'s is the
		 * source its route toward `to` picks, unless given. */
		if (a.type == SCN_APP_SIMOPEN && !a.src && from >= 0 && a.dst && c->topology_ok) {
			char *why = NULL;
			ipv4_addr_t src = 0;
			walk_route(c->s, (guint)from, a.dst, &src, &why);
			g_free(why);
			a.src = src;
		}

		/* Server bindings. */
		if (to >= 0 && a.server && (scn_app_is_tcp(a.type) || a.type == SCN_APP_UDP)) {
			struct binding b = {to, a.listen, a.port, a.type == SCN_APP_UDP,
					    scn_app_is_tcp(a.type) && a.type != SCN_APP_SIMOPEN, (guint)i};
			if (a.type == SCN_APP_SIMOPEN)
				b.addr = a.dst;
			check_binding(c, bindings, o, sch_get(o, "port") ? "port" : NULL, b, &a);
			if (a.type == SCN_APP_SIMOPEN && from >= 0) {
				struct binding b2 = {from, 0, a.src_port ? a.src_port : a.port, false,
						     false, (guint)i};
				check_binding(c, bindings, o,
					      sch_get(o, "source_port") ? "source_port" : NULL, b2, &a);
			}
		}

		if (from >= 0)
			a.from = (guint)from;
		g_array_append_val(c->s->apps, a);
		sch_path_pop(c->path, l);
	}
	g_hash_table_destroy(bindings);
}

/* ---- captures ---- */

static void conv_capture(struct conv *c, const cJSON *arr)
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
			char *all = node_list(c->s);
			sch_diag(c->d, e, PATH(c),
				 "unknown node \"%s\" (write \"NODE\" or \"NODE:IFACE\"; nodes: %s)",
				 parts[0] ? parts[0] : "", all);
			g_free(all);
		} else {
			struct scn_node *n = node_at(c->s, (guint)GPOINTER_TO_INT(v) - 1);
			if (parts[1] == NULL) {
				for (guint k = 0; k < n->ifaces->len; k++)
					iface_at(c->s, g_array_index(n->ifaces, guint, k))->capture = true;
			} else if (strcmp(parts[1], "lo") == 0) {
				n->capture_lo = true;
			} else {
				gint fi = scn_iface_by_name(c->s, n, parts[1]);
				if (fi < 0) {
					char *all = iface_names(c->s, n);
					sch_diag(c->d, e, PATH(c),
						 "node %s has no interface \"%s\" (it has %s, and lo)",
						 n->name, parts[1], all);
					g_free(all);
				} else {
					iface_at(c->s, (guint)fi)->capture = true;
				}
			}
		}
		g_strfreev(parts);
		sch_path_pop(c->path, l);
	}
}

/* ---- the whole scenario ---- */

struct scenario *scenario_build(struct scenario_doc *doc, struct sch_diags *d)
{
	const struct sch *schema = scenario_schema();
	GString *path = g_string_new(NULL);
	const cJSON *root = doc->root;

	sch_diags_index(d, root, doc->origins);
	sch_check(schema, root, path, d);
	if (!cJSON_IsObject(root)) {
		g_string_free(path, TRUE);
		return NULL;
	}

	struct scenario *s = g_new0(struct scenario, 1);
	s->file = g_strdup(doc->file);
	s->nodes = g_array_new(FALSE, TRUE, sizeof(struct scn_node));
	s->ifaces = g_array_new(FALSE, TRUE, sizeof(struct scn_iface));
	s->links = g_array_new(FALSE, TRUE, sizeof(struct scn_link));
	s->apps = g_array_new(FALSE, TRUE, sizeof(struct scn_app));

	struct conv c = {
		.s = s,
		.d = d,
		.path = path,
		.node_by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.addr_owner = g_hash_table_new(g_direct_hash, g_direct_equal),
		.app_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	};

	const char *str;
	s->name = g_strdup(sch_get_string(root, "name", &str) ? str : doc->stem);
	s->description = g_strdup(sch_get_string(root, "description", &str) ? str : "");
	int64_t seed = 1;
	sch_get_int(root, "seed", &seed);
	s->seed = (uint64_t)(seed < 0 ? 0 : seed);
	sch_get_duration(root, "duration", &s->duration);

	const cJSON *top_tcp = sch_get(root, "tcp");
	{
		const cJSON *layers[3] = {top_tcp, NULL, NULL};
		gsize l = sch_path_key(path, "tcp");
		conv_tcp(&c, layers, 0, &s->tcp, top_tcp ? top_tcp : root);
		sch_path_pop(path, l);
	}

	c.have_nodes = cJSON_IsArray(sch_get(root, "nodes"));
	gsize l = sch_path_key(path, "nodes");
	conv_nodes(&c, sch_get(root, "nodes"));
	sch_path_pop(path, l);

	l = sch_path_key(path, "links");
	conv_links(&c, sch_get(root, "links"));
	sch_path_pop(path, l);

	l = sch_path_key(path, "nodes");
	conv_routes(&c, sch_get(root, "nodes"));
	sch_path_pop(path, l);

	c.topology_ok = true;
	for (guint i = 0; i < d->items->len; i++) {
		const struct sch_diag *e = g_ptr_array_index(d->items, i);
		if (g_str_has_prefix(e->path, "nodes") || g_str_has_prefix(e->path, "links"))
			c.topology_ok = false;
	}
	l = sch_path_key(path, "apps");
	conv_apps(&c, sch_get(root, "apps"), top_tcp);
	sch_path_pop(path, l);

	l = sch_path_key(path, "capture");
	conv_capture(&c, sch_get(root, "capture"));
	sch_path_pop(path, l);

	g_hash_table_destroy(c.node_by_name);
	g_hash_table_destroy(c.addr_owner);
	g_hash_table_destroy(c.app_names);
	g_string_free(path, TRUE);

	if (sch_diags_count(d) > 0) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

gint scenario_node_index(const struct scenario *s, const char *name)
{
	for (guint i = 0; i < s->nodes->len; i++)
		if (strcmp(node_at(s, i)->name, name) == 0)
			return (gint)i;
	return -1;
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (guint i = 0; i < s->nodes->len; i++) {
		struct scn_node *n = node_at(s, i);
		g_free(n->name);
		g_array_free(n->routes, TRUE);
		g_array_free(n->ifaces, TRUE);
	}
	for (guint i = 0; i < s->ifaces->len; i++)
		g_free(iface_at(s, i)->name);
	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *L = &g_array_index(s->links, struct scn_link, i);
		g_free(L->name);
		g_ptr_array_free(L->storage, TRUE);
	}
	for (guint i = 0; i < s->apps->len; i++) {
		struct scn_app *a = &g_array_index(s->apps, struct scn_app, i);
		g_free(a->name);
		if (a->pauses)
			g_array_free(a->pauses, TRUE);
		if (a->body_sizes)
			g_array_free(a->body_sizes, TRUE);
		if (a->chunk_sizes)
			g_array_free(a->chunk_sizes, TRUE);
		g_free(a->chunk_extension);
		g_free(a->trailer);
	}
	g_array_free(s->nodes, TRUE);
	g_array_free(s->ifaces, TRUE);
	g_array_free(s->links, TRUE);
	g_array_free(s->apps, TRUE);
	g_free(s->file);
	g_free(s->name);
	g_free(s->description);
	g_free(s);
}
