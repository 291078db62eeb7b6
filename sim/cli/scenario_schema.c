/* sim/cli/scenario_schema.c — the scenario format as data: one declarative table per
 * object (struct sch, schema.h), which drives validation, `--set` path checks and the
 * generated key reference (`netsim schema`, docs/scenario-format.md). The `tcp`
 * object's keys are generated from the knob table of models/tcp/tcp.h.
 */
#include <string.h>

#include "sim/cli/scenario.h"
#include "sim/cli/scenario_conv.h"
#include "models/tcp/cc.h"

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
static const struct sch t_seed = {.kind = SCH_U64};
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
static const char *const ecn_names[] = {"not-ect", "ect1", "ect0", "ce", NULL};
static const struct sch t_ecn = {.kind = SCH_ENUM, .values = ecn_names};
static const struct sch t_count = {.kind = SCH_INT, .min = 1, .max = UINT32_MAX,
				   .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_framing = {.kind = SCH_SIZE, .max = 65535, .flags = SCH_F_MAX};

static const struct sch_key no_keys[] = {{0}};

/* ---- queue ---- */
static const struct sch t_queue_packets = {.kind = SCH_INT, .min = 0, .max = UINT32_MAX,
					   .flags = SCH_F_MIN | SCH_F_MAX,
					   .type_name = "integer (packets)"};
static const struct sch t_queue_bytes = {.kind = SCH_SIZE, .max = UINT32_MAX,
					 .flags = SCH_F_MAX, .type_name = "size (bytes)"};
/* A threshold: packets (a number) or bytes (a size with a unit). */
static const struct sch *const threshold_alts[] = {&t_queue_packets, &t_queue_bytes, NULL};
static const struct sch t_threshold = {
	.kind = SCH_ANY_OF,
	.alts = threshold_alts,
	.what = "a packet count like 15 or a size like \"30KB\"",
};
static const struct sch t_aqm_duration = {.kind = SCH_DURATION, .flags = SCH_F_POSITIVE};
static const struct sch t_wq = {.kind = SCH_PROB, .what = "a weight in (0, 1] like 0.002"};
static const struct sch t_burst = {.kind = SCH_INT, .min = 1, .max = 1000000,
				   .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_avpkt = {.kind = SCH_SIZE, .min = 1, .max = 65535,
				   .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_flows = {.kind = SCH_INT, .min = 1, .max = 65536,
				   .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_quantum = {.kind = SCH_SIZE, .min = 256, .max = 1048576,
				     .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_drop_batch = {.kind = SCH_INT, .min = 1, .max = 1024,
					.flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_sixteenths = {.kind = SCH_INT, .min = 0, .max = 32,
					.flags = SCH_F_MIN | SCH_F_MAX,
					.type_name = "integer (1/16 s⁻¹)"};
static const struct sch_key queue_keys[] = {
	{"packets", &t_queue_packets, 0, "the type's (droptail 100)",
	 "most packets waiting; 0 = no packet limit"},
	{"bytes", &t_queue_bytes, 0, "0 (no limit)", "most IP bytes waiting"},
	{0},
};
#define ECN_KEY(def)                                                                       \
	{"ecn", &t_bool, 0, def,                                                           \
	 "mark ECN-capable packets CE instead of dropping them (RFC 3168)"}
static const struct sch_key queue_red_keys[] = {
	{"min", &t_threshold, 0, "5", "min threshold (tc-red min): packets, or bytes as a size"},
	{"max", &t_threshold, 0, "15", "max threshold (tc-red max), same kind as min"},
	{"probability", &t_prob, 0, "0.02", "max_p, the drop probability at max"},
	{"wq", &t_wq, 0, "0.002", "averaging weight (the paper's w_q)"},
	{"burst", &t_burst, 0, "none",
	 "derive wq from the burst of packets to let through (tc-red burst)"},
	{"avpkt", &t_avpkt, 0, "1000", "average packet bytes (idle-time decay, burst)"},
	{"gentle", &t_bool, 0, "true", "drop probability rises from max_p to 1 between max and 2·max"},
	{"harddrop", &t_bool, 0, "false", "with ecn, drop rather than mark above max"},
	{"adaptive", &t_bool, 0, "false", "Adaptive RED: adjust max_p every 500 ms"},
	{"bytemode", &t_bool, 0, "false", "scale the probability by packet size / MTU"},
	ECN_KEY("false"),
	{0},
};
static const struct sch_key queue_codel_keys[] = {
	{"target", &t_aqm_duration, 0, "\"5ms\"", "acceptable standing queue delay"},
	{"interval", &t_aqm_duration, 0, "\"100ms\"", "sliding window for the minimum delay"},
	ECN_KEY("false"),
	{0},
};
static const struct sch_key queue_fq_codel_keys[] = {
	{"target", &t_aqm_duration, 0, "\"5ms\"", "CoDel target of each flow queue"},
	{"interval", &t_aqm_duration, 0, "\"100ms\"", "CoDel interval of each flow queue"},
	{"flows", &t_flows, 0, "1024", "flow queues (hash buckets)"},
	{"quantum", &t_quantum, 0, "the link's MTU", "bytes per flow per DRR round"},
	{"drop_batch", &t_drop_batch, 0, "64", "most packets dropped from the fattest flow at once"},
	ECN_KEY("true"),
	{0},
};
static const struct sch_key queue_pie_keys[] = {
	{"target", &t_aqm_duration, 0, "\"15ms\"", "latency target (QDELAY_REF)"},
	{"tupdate", &t_aqm_duration, 0, "\"15ms\"", "drop probability update interval"},
	{"max_burst", &t_duration, 0, "\"150ms\"", "burst allowance (MAX_BURST)"},
	{"alpha", &t_sixteenths, 0, "2", "alpha in 1/16 s⁻¹ as tc-pie (2 = 0.125)"},
	{"beta", &t_sixteenths, 0, "20", "beta in 1/16 s⁻¹ as tc-pie (20 = 1.25)"},
	{"bytemode", &t_bool, 0, "false", "scale the probability by packet size / MTU"},
	ECN_KEY("false"),
	{0},
};
static const struct sch_key queue_step_keys[] = {
	{"k", &t_threshold, 0, "20",
	 "mark CE when more than k packets (or bytes, as a size) wait on arrival"},
	{0},
};
static const struct sch_variant queue_variants[] = {
	{"droptail", no_keys, "A FIFO that refuses arrivals at the limit (the default)."},
	{"red", queue_red_keys,
	 "Random Early Detection (Floyd & Jacobson 1993), gentle, byte mode and adaptive "
	 "variants; tc-red(8) names. Default limit 100 packets."},
	{"codel", queue_codel_keys,
	 "CoDel (RFC 8289); tc-codel(8) names. Default limit 1000 packets."},
	{"fq_codel", queue_fq_codel_keys,
	 "FQ-CoDel (RFC 8290): flow queues served by deficit round robin, CoDel on each; "
	 "tc-fq_codel(8) names. Default limit 10240 packets."},
	{"pie", queue_pie_keys,
	 "PIE (RFC 8033), latency from timestamps; tc-pie(8) names. Default limit 1000 "
	 "packets."},
	{"step", queue_step_keys,
	 "DCTCP-style step marking at the instantaneous queue; Not-ECT packets are only "
	 "dropped at the limit (100 packets by default)."},
	{0},
};
static const struct sch t_queue_obj = {.kind = SCH_OBJECT, .keys = queue_keys, .tag = "type",
				       .tag_default = "droptail", .variants = queue_variants};
static const struct sch *const queue_alts[] = {&t_queue_packets, &t_queue_bytes, &t_queue_obj,
					       NULL};
static const struct sch t_queue = {
	.kind = SCH_ANY_OF,
	.alts = queue_alts,
	.what = "a packet count like 100, a size like \"64KiB\", or an object with "
		"\"type\", \"packets\" and/or \"bytes\" and the type's parameters",
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
	 "queue limit — packets (a number) or bytes (a size) — or an object selecting the " \
	 "discipline; the packet being serialised does not count"},                        \
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

static const struct sch t_backlog = {.kind = SCH_INT, .min = 0, .max = 4096,
				     .flags = SCH_F_MIN | SCH_F_MAX};

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
	{"backlog", &t_backlog, 0, "128",                                                  \
	 "the server's listen backlog: its SYN queue and accept queue each hold one more " \
	 "(Linux); capped at 4096 (somaxconn)"},                                           \
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
static const char *const readiness_modes[] = {"level", "edge", NULL};
static const struct sch t_readiness = {.kind = SCH_ENUM, .values = readiness_modes};
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
	{"readiness", &t_readiness, 0, "\"level\"",
	 "the receiver's socket: level-triggered (called while data waits) or edge-triggered "
	 "(called when data arrives), as epoll"},
	{"drain", &t_bool, 0, "true",
	 "the receiver reads until nothing is left at each wakeup; false: one read of "
	 "read_size (edge-triggered, what it leaves waits for the next arrival)"},
	{"close_unread", &t_duration_pos, 0, "never",
	 "the receiver stops reading then and closes its socket when data next arrives, "
	 "unread: TCP sends a RST, the sender sees ECONNRESET (RFC 9293 3.6.1)"},
	{"sender_close", &t_bool, 0, "false",
	 "after its last write the sender closes its socket (close) instead of half-closing "
	 "and waiting for the receiver's FIN: the connection lives on, orphaned"},
	{"receiver_close", &t_bool, 0, "true",
	 "the receiver closes at the end of the stream; false: it never does (never sends its "
	 "FIN), so an orphaned sender waits in FIN-WAIT-2 (knob fin_wait2_timeout)"},
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
	{"ecn", &t_ecn, 0, "\"not-ect\"",
	 "ECN codepoint of the requests (RFC 3168 §5); replaces tos's two low bits"},
	{"trace", &t_bool, 0, "true", "write NAME.ping.tsv, a row per reply"},
	CHECK_ROUTE_KEY,
	{0},
};
static const struct sch_key app_syn_flood_keys[] = {
	{"address", &t_addr, 0, "first address of `to`", "the target's address"},
	{"port", &t_port, 0, "5001", "the target port"},
	{"rate", &(const struct sch){.kind = SCH_INT, .min = 1, .max = 10000000,
				     .flags = SCH_F_MIN | SCH_F_MAX},
	 0, "1000", "SYNs per second, evenly spaced"},
	{"sources", &t_prefix, SCH_K_REQUIRED, NULL,
	 "the forged source addresses, a prefix (\"198.51.100.0/24\"): each SYN comes from "
	 "one of them at random, with a random port and ISN"},
	{"ttl", &t_ttl, 0, "the node's", "IP TTL of the SYNs"},
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
	{"ecn", &t_ecn, 0, "\"not-ect\"",
	 "ECN codepoint of the datagrams (RFC 3168 §5), so queues can mark them CE; "
	 "replaces tos's two low bits"},
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
	{"syn_flood", app_syn_flood_keys,
	 "Bare TCP SYNs from `from` to a server on `to`, from forged source addresses that "
	 "never answer: half-open connections fill the server's SYN queue (SYN cookies: knob "
	 "syncookies)."},
	{0},
};
static const struct sch_key app_keys[] = {
	{"name", &t_name, 0, "\"flowN\", \"pingN\", \"udpN\", \"syn_floodN\"",
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
static const char *const capture_formats[] = {"pcap", "pcapng", NULL};
static const struct sch t_capture_format = {.kind = SCH_ENUM, .values = capture_formats};

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
	{"capture_format", &t_capture_format, 0, "\"pcap\"",
	 "pcap, or pcapng: NODE-IFACE.pcapng, whose interface description names the node, "
	 "the interface and its address (Wireshark shows where a packet was captured)"},
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


const struct sch *scn_schema_app(void)
{
	return &t_app;
}
