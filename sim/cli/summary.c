/* sim/cli/summary.c — summary.json and the human summary. */
#include "sim/cli/summary.h"

#include <math.h>
#include <string.h>

#include "models/apps/flow.h"
#include "models/apps/ping.h"
#include "models/apps/syn_flood.h"
#include "models/apps/tcp_app.h"
#include "models/apps/udp_app.h"
#include "models/link/iface.h"
#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/tcp/tcp.h"
#include "sim/cli/scenario_json.h"
#include "sim/core/trace.h"

/* ---- numbers ---------------------------------------------------------------------- */

void summary_fmt_double(char *buf, double v)
{
	if (!isfinite(v)) {
		strcpy(buf, "null");
		return;
	}
	if (v == 0.0) {
		strcpy(buf, "0");
		return;
	}
	/* The shortest %.Ng that reads back to the same double. g_ascii_* never look at
	 * the locale. */
	for (int prec = 1; prec <= 17; prec++) {
		char fmt[16];
		snprintf(fmt, sizeof(fmt), "%%.%dg", prec);
		g_ascii_formatd(buf, 32, fmt, v);
		if (g_ascii_strtod(buf, NULL) == v)
			return;
	}
}

void summary_put_raw(cJSON *o, const char *key, const char *raw)
{
	cJSON_AddItemToObject(o, key, cJSON_CreateRaw(raw));
}

void summary_put_u64(cJSON *o, const char *key, uint64_t v)
{
	char buf[32];
	sim_fmt_u64(buf, v);
	summary_put_raw(o, key, buf);
}

void summary_put_double(cJSON *o, const char *key, double v)
{
	char buf[32];
	summary_fmt_double(buf, v);
	summary_put_raw(o, key, buf);
}

/* Milliseconds, exact from nanoseconds ("40.5"). */
static void add_ms(cJSON *o, const char *key, sim_time_t ns)
{
	char buf[40];
	sim_fmt_ms(buf, ns);
	summary_put_raw(o, key, buf);
}

/* Seconds, exact from nanoseconds, trailing zeros dropped ("60", "1.25"). */
static void add_seconds(cJSON *o, const char *key, sim_time_t ns)
{
	char buf[40];
	sim_fmt_seconds(buf, ns);
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	summary_put_raw(o, key, buf);
}

/* Mean of `sum` over `count` in ns, rounded to the nanosecond. */
static sim_time_t mean_ns(sim_time_t sum, uint64_t count)
{
	if (count == 0)
		return 0;
	return (sim_time_t)((sum + (sim_time_t)(count / 2)) / (sim_time_t)count);
}

/* {"min", "mean", "max"} in ms, or null without samples. */
static void add_ms_stats(cJSON *o, const char *key, uint64_t count, sim_time_t min,
			 sim_time_t max, sim_time_t sum)
{
	if (count == 0) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	cJSON *s = cJSON_AddObjectToObject(o, key);
	add_ms(s, "min", min);
	add_ms(s, "mean", mean_ns(sum, count));
	add_ms(s, "max", max);
}

static void add_addr(cJSON *o, const char *key, ipv4_addr_t a)
{
	char buf[IPV4_ADDR_STRLEN];
	cJSON_AddStringToObject(o, key, ipv4_format(a, buf));
}

/* ---- pieces ----------------------------------------------------------------------- */

static const char *node_name(const struct scenario *s, guint i)
{
	return g_array_index(s->nodes, struct scn_node, i).name;
}

static cJSON *flow_json(const struct world *w, const struct world_app *wa, sim_time_t run_end)
{
	const struct app_flow_report *r = wa->report;
	const struct scn_app *a = wa->cfg;
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "app", scn_app_type_name(a->type));
	cJSON_AddStringToObject(o, "cc", r->cc && *r->cc ? r->cc : a->tcp.cc);
	cJSON_AddStringToObject(o, "from", node_name(w->scn, a->from));
	cJSON_AddStringToObject(o, "to", a->to >= 0 ? node_name(w->scn, (guint)a->to) : "");
	summary_put_u64(o, "bytes_delivered", r->bytes_delivered);
	summary_put_double(o, "goodput_bps", app_flow_goodput_bps(r, run_end));
	summary_put_u64(o, "retransmits", r->tcp.retransmits);
	summary_put_u64(o, "fast_retransmits", r->tcp.fast_retransmits);
	summary_put_u64(o, "rto_count", r->tcp.rto_count);
	add_ms_stats(o, "rtt_ms", r->tcp.rtt_samples, r->tcp.rtt_min, r->tcp.rtt_max,
		     r->tcp.rtt_sum);
	cJSON_AddBoolToObject(o, "intact", r->intact && r->connected);
	cJSON_AddBoolToObject(o, "sack", r->tcp.sack);
	cJSON_AddBoolToObject(o, "timestamps", r->tcp.timestamps);
	cJSON_AddBoolToObject(o, "wscale", r->tcp.wscale);
	summary_put_u64(o, "dsacks_received", r->tcp.dsacks_received);
	summary_put_u64(o, "spurious_retransmits", r->tcp.spurious_retransmits);
	summary_put_u64(o, "tlp_probes", r->tcp.tlp_probes);
	summary_put_u64(o, "tlp_recoveries", r->tcp.tlp_recoveries);
	summary_put_u64(o, "frto_rtos", r->tcp.frto_rtos);
	summary_put_u64(o, "spurious_rtos", r->tcp.spurious_rtos);
	summary_put_u64(o, "undos", r->tcp.undos);
	if (r->tcp.ecn) {
		/* Only for connections that negotiated ECN: the others' entries stay as
		 * they were. */
		cJSON *e = cJSON_AddObjectToObject(o, "ecn");
		summary_put_u64(e, "ce_received", r->tcp.ecn_ce_received);
		summary_put_u64(e, "ece_received", r->tcp.ecn_ece_received);
		summary_put_u64(e, "cwr_sent", r->tcp.ecn_cwr_sent);
		summary_put_u64(e, "reductions", r->tcp.ecn_reductions);
		const char *cc = r->cc && *r->cc ? r->cc : a->tcp.cc;
		if (strcmp(cc, "dctcp") == 0)
			cJSON_AddNumberToObject(e, "dctcp_alpha", r->tcp.dctcp_alpha / 1024.0);
	}
	const char *en = app_errno_name(r->error);
	if (en)
		cJSON_AddStringToObject(o, "error", en);
	else
		cJSON_AddNullToObject(o, "error");
	/* Beyond the contract's fields: */
	cJSON_AddBoolToObject(o, "complete", r->complete);
	cJSON_AddBoolToObject(o, "connected", r->connected);
	summary_put_u64(o, "mss_bytes", r->tcp.mss);
	summary_put_u64(o, "bytes_sent", r->bytes_sent);
	summary_put_u64(o, "bytes_to_server", r->bytes_to_server);
	summary_put_u64(o, "bytes_to_client", r->bytes_to_client);
	add_seconds(o, "start_s", r->start);
	add_seconds(o, "active_s", app_flow_active_time(r, run_end));
	if (r->finish >= 0)
		add_seconds(o, "finish_s", r->finish);
	else
		cJSON_AddNullToObject(o, "finish_s");
	if (a->type == SCN_APP_REQUEST_RESPONSE || a->type == SCN_APP_HTTP) {
		summary_put_u64(o, "requests_sent", r->requests_sent);
		summary_put_u64(o, "responses_received", r->responses_received);
		add_ms_stats(o, "latency_ms", r->latency.count, r->latency.min, r->latency.max,
			     r->latency.sum);
	}
	if (a->type == SCN_APP_BULK)
		summary_put_u64(o, "receiver_wakeups", r->wakeups);
	if (r->detail)
		cJSON_AddStringToObject(o, "detail", r->detail);
	else
		cJSON_AddNullToObject(o, "detail");
	cJSON_AddItemToObject(o, "tcp", scenario_tcp_json(&a->tcp, &w->scn->tcp));
	return o;
}

/* The queue of one direction: its discipline, drops and marks by reason, and the
 * sojourn times of the packets it sent (mean exact to the ns, p99 from sojourn.h). */
static cJSON *queue_json(const struct link *l, enum link_dir d, const struct queue_config *qc,
			 const struct link_stats *st)
{
	cJSON *q = cJSON_CreateObject();
	cJSON_AddStringToObject(q, "type", queue_type_name(qc->type));
	summary_put_u64(q, "drops_overlimit", st->overlimit_drops);
	summary_put_u64(q, "drops_aqm", st->aqm_drops);
	summary_put_u64(q, "marks_aqm", st->ecn_marks);
	sim_time_t mean, p99;
	link_get_sojourn(l, d, &mean, &p99);
	add_ms(q, "sojourn_mean_ms", mean);
	add_ms(q, "sojourn_p99_ms", p99);
	return q;
}

static cJSON *link_json(const struct world *w, guint li, enum link_dir d, uint64_t *tx_total)
{
	const struct scn_link *L = &g_array_index(w->scn->links, struct scn_link, li);
	struct link_stats st;
	link_get_stats(w->links[li], d, &st);
	*tx_total += st.tx_packets;

	const struct scn_iface *from =
		&g_array_index(w->scn->ifaces, struct scn_iface, L->iface[d == LINK_FORWARD ? 0 : 1]);
	const struct scn_iface *to =
		&g_array_index(w->scn->ifaces, struct scn_iface, L->iface[d == LINK_FORWARD ? 1 : 0]);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", L->name);
	cJSON_AddStringToObject(o, "direction", link_dir_name(d));
	cJSON_AddStringToObject(o, "from", node_name(w->scn, from->node));
	cJSON_AddStringToObject(o, "to", node_name(w->scn, to->node));
	summary_put_u64(o, "tx_packets", st.tx_packets);
	summary_put_u64(o, "tx_bytes", st.tx_bytes);
	summary_put_u64(o, "queue_drops", st.queue_drops);
	summary_put_u64(o, "lost", st.lost);
	summary_put_u64(o, "corrupted", st.corrupted);
	summary_put_u64(o, "duplicated", st.duplicated);
	summary_put_u64(o, "down_drops", st.down_drops);
	summary_put_u64(o, "delivered", st.delivered);
	summary_put_u64(o, "enqueued", st.enqueued);
	summary_put_u64(o, "max_queue_packets", st.max_queue_packets);
	summary_put_u64(o, "max_queue_bytes", st.max_queue_bytes);
	cJSON_AddItemToObject(o, "queue", queue_json(w->links[li], d, &L->dir[d].queue, &st));
	return o;
}

static cJSON *ping_json(const struct world *w, const struct world_app *wa)
{
	struct ping_stats st;
	ping_get_stats(wa->ping, &st);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", wa->cfg->name);
	cJSON_AddStringToObject(o, "from", node_name(w->scn, wa->cfg->from));
	add_addr(o, "to", wa->cfg->ping.dst);
	summary_put_u64(o, "sent", st.sent);
	summary_put_u64(o, "received", st.received);
	summary_put_u64(o, "duplicates", st.duplicates);
	summary_put_u64(o, "errors", st.errors);
	summary_put_u64(o, "send_errors", st.send_errors);
	summary_put_double(o, "loss", st.sent ? ping_loss(&st) : 0.0);
	add_ms_stats(o, "rtt_ms", st.received, st.rtt_min, st.rtt_max, st.rtt_sum);
	const char *en = st.last_error ? app_errno_name(st.last_error) : NULL;
	if (en)
		cJSON_AddStringToObject(o, "last_error", en);
	else
		cJSON_AddNullToObject(o, "last_error");
	if (st.errors) {
		cJSON *e = cJSON_AddObjectToObject(o, "last_icmp_error");
		summary_put_u64(e, "type", st.last_icmp_type);
		summary_put_u64(e, "code", st.last_icmp_code);
	} else {
		cJSON_AddNullToObject(o, "last_icmp_error");
	}
	return o;
}

static cJSON *udp_json(const struct world *w, const struct world_app *wa, sim_time_t run_end)
{
	struct udp_source_stats ss;
	struct udp_sink_stats rs;
	udp_source_get_stats(wa->udp_src, &ss);
	udp_sink_get_stats(wa->udp_sink, &rs);
	const struct scn_app *a = wa->cfg;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "from", node_name(w->scn, a->from));
	cJSON_AddStringToObject(o, "to", node_name(w->scn, (guint)a->to));
	cJSON_AddStringToObject(o, "mode", a->udp_src.mode == UDP_SOURCE_ONOFF ? "on-off" : "cbr");
	summary_put_u64(o, "sent_packets", ss.sent_packets);
	summary_put_u64(o, "sent_bytes", ss.sent_bytes);
	summary_put_u64(o, "send_errors", ss.send_errors);
	summary_put_u64(o, "received_packets", rs.packets);
	summary_put_u64(o, "received_bytes", rs.bytes);
	summary_put_u64(o, "lost", rs.lost);
	summary_put_u64(o, "duplicates", rs.duplicates);
	summary_put_u64(o, "reordered", rs.reordered);
	summary_put_u64(o, "ce_packets", rs.ce);
	uint64_t distinct = rs.packets - rs.duplicates;
	add_ms_stats(o, "delay_ms", distinct, rs.delay_min, rs.delay_max, rs.delay_sum);
	sim_time_t end = a->stop < run_end ? a->stop : run_end;
	sim_time_t active = end > a->start ? end - a->start : 0;
	summary_put_double(o, "goodput_bps",
		   active > 0 ? (double)rs.bytes * 8.0 / sim_time_to_s(active) : 0.0);
	return o;
}

/* One TCP listener: where, its backlog and cookies setting, what its queues did. */
static cJSON *listener_json(const struct world *w, guint i)
{
	struct tcp_sock *s = app_listener_socket(g_ptr_array_index(w->listeners, i));
	struct tcp_listen_stats st;
	tcp_listen_get_stats(s, &st);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "node", node_name(w->scn, g_array_index(w->listener_nodes, guint, i)));
	add_addr(o, "address", tcp_local_addr(s));
	summary_put_u64(o, "port", tcp_local_port(s));
	summary_put_u64(o, "backlog", tcp_listen_backlog(s));
	summary_put_u64(o, "syncookies", tcp_sock_config(s)->syncookies);
	summary_put_u64(o, "syns", st.syns);
	summary_put_u64(o, "syn_queue_drops", st.syn_queue_drops);
	summary_put_u64(o, "syn_backlog_drops", st.syn_backlog_drops);
	summary_put_u64(o, "accept_queue_drops", st.accept_queue_drops);
	summary_put_u64(o, "cookies_sent", st.cookies_sent);
	summary_put_u64(o, "cookies_accepted", st.cookies_accepted);
	summary_put_u64(o, "cookies_rejected", st.cookies_rejected);
	summary_put_u64(o, "established", st.established);
	summary_put_u64(o, "max_syn_queue", st.max_syn_queue);
	summary_put_u64(o, "max_accept_queue", st.max_accept_queue);
	return o;
}

static cJSON *syn_flood_json(const struct world *w, const struct world_app *wa)
{
	struct syn_flood_stats st;
	syn_flood_get_stats(wa->syn_flood, &st);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", wa->cfg->name);
	cJSON_AddStringToObject(o, "from", node_name(w->scn, wa->cfg->from));
	add_addr(o, "to", wa->cfg->syn_flood.dst);
	summary_put_u64(o, "port", wa->cfg->syn_flood.port);
	summary_put_u64(o, "sent", st.sent);
	summary_put_u64(o, "send_errors", st.send_errors);
	return o;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsRaw(v))
		return g_ascii_strtod(v->valuestring, NULL);
	return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* What the human summary needs of an element without reading it all. */
enum element_kind {
	EL_FLOW,     /* digest: goodput_bps, intact */
	EL_LISTENER, /* digest: quiet (nothing dropped, no cookies) */
	EL_LINK,     /* digest: tx_packets, quiet (nothing dropped, lost, corrupted,
		      * duplicated or lost to outages) */
};

static bool link_quiet(const cJSON *l)
{
	return num(l, "queue_drops") + num(l, "lost") + num(l, "corrupted") + num(l, "duplicated") +
		       num(l, "down_drops") ==
	       0;
}

static bool listener_quiet(const cJSON *l)
{
	return num(l, "syn_queue_drops") + num(l, "syn_backlog_drops") +
		       num(l, "accept_queue_drops") + num(l, "cookies_sent") ==
	       0;
}

/* An element of one of the summary's big arrays (depth 2: root → array → element),
 * compacted if asked: printed as cJSON_Print would print it there (its lines indented
 * two more tabs) and kept as that text, a Raw item whose otherwise unused valuedouble
 * and valueint carry the element's digest (enum element_kind), so that the human
 * summary reads only the few elements it shows. */
static cJSON *element(cJSON *item, bool compact, enum element_kind kind)
{
	if (!compact)
		return item;
	double digest_num = 0;
	int digest_flag = 0;
	switch (kind) {
	case EL_FLOW:
		digest_num = num(item, "goodput_bps");
		digest_flag = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "intact"));
		break;
	case EL_LISTENER:
		digest_flag = listener_quiet(item);
		break;
	case EL_LINK:
		digest_num = num(item, "tx_packets");
		digest_flag = link_quiet(item);
		break;
	}
	char *text = cJSON_Print(item);
	cJSON_Delete(item);
	GString *out = g_string_sized_new(strlen(text) + 256);
	for (const char *c = text; *c; c++) {
		g_string_append_c(out, *c);
		if (*c == '\n') /* JSON strings escape their newlines: only layout is here */
			g_string_append(out, "\t\t");
	}
	cJSON_free(text);
	cJSON *raw = cJSON_CreateRaw(out->str);
	g_string_free(out, TRUE);
	raw->valuedouble = digest_num;
	raw->valueint = digest_flag;
	return raw;
}

cJSON *summary_build(const struct world *w, const struct run_info *ri)
{
	const struct scenario *s = w->scn;
	cJSON *root = cJSON_CreateObject();

	cJSON_AddStringToObject(root, "scenario", s->name);
	cJSON_AddStringToObject(root, "description", s->description);
	/* The seed as the scenario takes it: a JSON number, a string above 2^53 − 1. */
	if (ri->seed > UINT64_C(9007199254740991)) {
		char b[32];
		sim_fmt_u64(b, ri->seed);
		cJSON_AddStringToObject(root, "seed", b);
	} else {
		summary_put_u64(root, "seed", ri->seed);
	}
	add_seconds(root, "sim_time_s", ri->sim_time);
	if (ri->stopped)
		cJSON_AddStringToObject(root, "stopped", ri->stopped);
	else
		cJSON_AddNullToObject(root, "stopped");
	summary_put_u64(root, "events", ri->events);
	cJSON *tx_item = cJSON_CreateRaw("0");
	cJSON_AddItemToObject(root, "link_transmissions", tx_item);
	summary_put_double(root, "wall_s", ri->wall_s);
	cJSON_AddItemToObject(root, "tcp", scenario_tcp_json(&s->tcp, NULL));

	cJSON *flows = cJSON_AddArrayToObject(root, "flows");
	cJSON *pings = cJSON_AddArrayToObject(root, "pings");
	cJSON *udp = cJSON_AddArrayToObject(root, "udp");
	cJSON *floods = cJSON_AddArrayToObject(root, "syn_floods");
	for (guint i = 0; i < s->apps->len; i++) {
		const struct world_app *wa = &w->apps[i];
		if (wa->report)
			cJSON_AddItemToArray(flows, element(flow_json(w, wa, ri->sim_time), ri->compact, EL_FLOW));
		else if (wa->ping)
			cJSON_AddItemToArray(pings, ping_json(w, wa));
		else if (wa->udp_src)
			cJSON_AddItemToArray(udp, udp_json(w, wa, ri->sim_time));
		else if (wa->syn_flood)
			cJSON_AddItemToArray(floods, syn_flood_json(w, wa));
	}
	cJSON *listeners = cJSON_AddArrayToObject(root, "listeners");
	for (guint i = 0; i < w->listeners->len; i++)
		cJSON_AddItemToArray(listeners, element(listener_json(w, i), ri->compact, EL_LISTENER));

	cJSON *links = cJSON_AddArrayToObject(root, "links");
	uint64_t tx_total = 0;
	for (guint li = 0; li < s->links->len; li++) {
		cJSON_AddItemToArray(links,
				     element(link_json(w, li, LINK_FORWARD, &tx_total), ri->compact, EL_LINK));
		cJSON_AddItemToArray(links,
				     element(link_json(w, li, LINK_REVERSE, &tx_total), ri->compact, EL_LINK));
	}
	char buf[32];
	sim_fmt_u64(buf, tx_total);
	cJSON_ReplaceItemInObjectCaseSensitive(root, "link_transmissions", cJSON_CreateRaw(buf));
	return root;
}

/* Links a detached member back into `o` just before `after`, a member of it (cJSON keeps
 * the first member's prev at the last member). cJSON_InsertItemInArray() is not used:
 * cJSON 1.7.15 refuses to insert into an object and leaves the item detached. */
static void put_back(cJSON *o, cJSON *item, cJSON *after)
{
	item->next = after;
	item->prev = after->prev;
	if (after == o->child)
		o->child = item;
	else
		item->prev->next = item;
	after->prev = item;
}

char *summary_text(const cJSON *summary, bool hashable)
{
	/* What the run did, not how it was asked for or how long it took: the trace
	 * hash leaves out the wall clock and the provenance (provenance.h). They are
	 * taken out for the print and put back where they were (no copy of the tree:
	 * with 10 000 flows the provenance alone is the whole resolved scenario). */
	cJSON *root = (cJSON *)summary;
	static const char *const unhashed[] = { "wall_s", "provenance" };
	cJSON *item[G_N_ELEMENTS(unhashed)] = { NULL };
	cJSON *after[G_N_ELEMENTS(unhashed)] = { NULL };
	for (size_t i = 0; hashable && i < G_N_ELEMENTS(unhashed); i++) {
		item[i] = cJSON_GetObjectItemCaseSensitive(root, unhashed[i]);
		if (item[i]) {
			after[i] = item[i]->next;
			cJSON_DetachItemViaPointer(root, item[i]);
		}
	}
	char *text = cJSON_Print(root);
	for (size_t i = G_N_ELEMENTS(unhashed); i-- > 0;) {
		if (!item[i])
			continue;
		if (after[i])
			put_back(root, item[i], after[i]);
		else
			cJSON_AddItemToObject(root, unhashed[i], item[i]);
	}
	char *out = g_strconcat(text, "\n", NULL);
	cJSON_free(text);
	return out;
}

/* ---- human summary ------------------------------------------------------------------- */

/* An array element as a tree: itself, or (compacted, struct run_info) its text parsed
 * into *tmp, which the caller deletes. */
static const cJSON *tree_of(const cJSON *e, cJSON **tmp)
{
	*tmp = cJSON_IsRaw(e) ? cJSON_Parse(e->valuestring) : NULL;
	return *tmp ? *tmp : e;
}

/* "1.47 Mbit/s" */
static void fmt_rate(char *buf, size_t n, double bps)
{
	char d[G_ASCII_DTOSTR_BUF_SIZE];
	if (bps >= 1e9)
		snprintf(buf, n, "%s Gbit/s", g_ascii_formatd(d, sizeof(d), "%.3g", bps / 1e9));
	else if (bps >= 1e6)
		snprintf(buf, n, "%s Mbit/s", g_ascii_formatd(d, sizeof(d), "%.3g", bps / 1e6));
	else if (bps >= 1e3)
		snprintf(buf, n, "%s kbit/s", g_ascii_formatd(d, sizeof(d), "%.3g", bps / 1e3));
	else
		snprintf(buf, n, "%s bit/s", g_ascii_formatd(d, sizeof(d), "%.3g", bps));
}

static const char *ms_text(char *buf, size_t n, const cJSON *stats, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(stats, key);
	snprintf(buf, n, "%s", cJSON_IsRaw(v) ? v->valuestring : "-");
	return buf;
}

void summary_fmt_rate(char *buf, size_t n, double rate)
{
	static const char *const units[] = {"", " k", " M", " G", " T"};
	size_t i = 0;
	while (i + 1 < G_N_ELEMENTS(units) && rate >= 999.5) {
		rate /= 1e3;
		i++;
	}
	char num[32];
	g_ascii_formatd(num, sizeof(num), "%.3g", rate);
	snprintf(buf, n, "%s%s", num, units[i]);
}

/* The first line: scenario, simulated time, events (and their rate). */
static void print_run_line(FILE *fp, const cJSON *sum)
{
	char b1[64], b2[64];
	double events = num(sum, "events"), wall = num(sum, "wall_s");
	fprintf(fp, "%s: %s s simulated, %.0f events",
		str(sum, "scenario"),
		cJSON_GetObjectItemCaseSensitive(sum, "sim_time_s")->valuestring, events);
	if (wall > 0) {
		summary_fmt_rate(b2, sizeof(b2), events / wall);
		fprintf(fp, " in %s s wall (%s events/s)",
			g_ascii_formatd(b1, sizeof(b1), "%.3f", wall), b2);
	}
	fputc('\n', fp);
}

/* Flows: one line each, up to 20 (a large run has thousands; summary.json has them
 * all), and a total line when there are more. */
static void print_flows(FILE *fp, const cJSON *flows)
{
	char b1[64];
	int nflows = cJSON_GetArraySize(flows);
	if (nflows == 0)
		return;
	fprintf(fp, "flows:\n");
	int shown = 0, intact = 0;
	double total = 0;
	for (const cJSON *e = flows->child; e; e = e->next) {
		if (cJSON_IsRaw(e) && shown >= 20) {
			total += e->valuedouble; /* the digest (element()) is all it takes */
			intact += e->valueint;
			shown++;
			continue;
		}
		cJSON *tmp;
		const cJSON *f = tree_of(e, &tmp);
		total += num(f, "goodput_bps");
		intact += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "intact"));
		if (++shown > 20) {
			cJSON_Delete(tmp);
			continue;
		}
		fmt_rate(b1, sizeof(b1), num(f, "goodput_bps"));
		const cJSON *err = cJSON_GetObjectItemCaseSensitive(f, "error");
		fprintf(fp,
			"  %-12s %-8s %-7s %s -> %s  goodput %s, %.0f retransmits (%.0f fast), "
			"%.0f RTO, intact %s%s%s\n",
			str(f, "name"), str(f, "app"), str(f, "cc"), str(f, "from"), str(f, "to"),
			b1, num(f, "retransmits"), num(f, "fast_retransmits"),
			num(f, "rto_count"),
			cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "intact")) ? "yes" : "no",
			cJSON_IsString(err) ? ", error " : "",
			cJSON_IsString(err) ? err->valuestring : "");
		cJSON_Delete(tmp);
	}
	if (nflows > 20) {
		fmt_rate(b1, sizeof(b1), total);
		fprintf(fp, "  ... %d flows in all (see summary.json): %d intact, goodput %s in "
			    "total\n",
			nflows, intact, b1);
	}
}

/* One link direction that lost or dropped something. */
static void print_link_direction(FILE *fp, const cJSON *l)
{
	fprintf(fp, "  %-12s %-7s %s -> %s  %.0f packets, %.0f queue drops, %.0f lost",
		str(l, "name"), str(l, "direction"), str(l, "from"), str(l, "to"),
		num(l, "tx_packets"), num(l, "queue_drops"), num(l, "lost"));
	if (num(l, "corrupted") > 0)
		fprintf(fp, ", %.0f corrupted", num(l, "corrupted"));
	if (num(l, "duplicated") > 0)
		fprintf(fp, ", %.0f duplicated", num(l, "duplicated"));
	if (num(l, "down_drops") > 0)
		fprintf(fp, ", %.0f lost to outages", num(l, "down_drops"));
	fputc('\n', fp);
}

/* Links: the totals, then only the directions that lost or dropped something (a
 * large topology has thousands of quiet ones; summary.json has them all). */
static void print_links(FILE *fp, const cJSON *links)
{
	if (cJSON_GetArraySize(links) == 0)
		return;
	double tx = 0, drops = 0, lost = 0, bad = 0, down = 0;
	int n = 0, shown = 0;
	for (const cJSON *e = links->child; e; e = e->next, n++) {
		if (cJSON_IsRaw(e) && e->valueint) {
			tx += e->valuedouble; /* quiet: the other counts are 0 */
			continue;
		}
		cJSON *tmp;
		const cJSON *l = tree_of(e, &tmp);
		tx += num(l, "tx_packets");
		drops += num(l, "queue_drops");
		lost += num(l, "lost");
		bad += num(l, "corrupted");
		down += num(l, "down_drops");
		cJSON_Delete(tmp);
	}
	fprintf(fp, "links: %d directions, %.0f packets sent, %.0f queue drops, %.0f lost", n, tx,
		drops, lost);
	if (bad > 0)
		fprintf(fp, ", %.0f corrupted", bad);
	if (down > 0)
		fprintf(fp, ", %.0f lost to outages", down);
	fputc('\n', fp);
	for (const cJSON *e = links->child; e; e = e->next) {
		if (cJSON_IsRaw(e) && e->valueint)
			continue; /* quiet */
		cJSON *tmp;
		const cJSON *l = tree_of(e, &tmp);
		bool quiet = link_quiet(l);
		if (!quiet && ++shown > 20) {
			fprintf(fp, "  ... (more in summary.json)\n");
			cJSON_Delete(tmp);
			break;
		}
		if (!quiet)
			print_link_direction(fp, l);
		cJSON_Delete(tmp);
	}
}

static void print_pings(FILE *fp, const cJSON *pings)
{
	char b1[64], b2[64], b3[64];
	if (cJSON_GetArraySize(pings) == 0)
		return;
	fprintf(fp, "pings:\n");
	for (const cJSON *p = pings->child; p; p = p->next) {
		const cJSON *rtt = cJSON_GetObjectItemCaseSensitive(p, "rtt_ms");
		fprintf(fp, "  %-12s %s -> %s  %.0f/%.0f replies", str(p, "name"), str(p, "from"),
			str(p, "to"), num(p, "received"), num(p, "sent"));
		if (cJSON_IsObject(rtt))
			fprintf(fp, ", rtt min/mean/max %s/%s/%s ms",
				ms_text(b1, sizeof(b1), rtt, "min"),
				ms_text(b2, sizeof(b2), rtt, "mean"),
				ms_text(b3, sizeof(b3), rtt, "max"));
		if (num(p, "errors") > 0) {
			const cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "last_icmp_error");
			fprintf(fp, ", %.0f ICMP errors (last type %.0f code %.0f)", num(p, "errors"),
				num(e, "type"), num(e, "code"));
		}
		if (num(p, "send_errors") > 0)
			fprintf(fp, ", %.0f not sent (%s)", num(p, "send_errors"),
				str(p, "last_error"));
		fputc('\n', fp);
	}
}

static void print_udp(FILE *fp, const cJSON *udp)
{
	char b1[64];
	if (cJSON_GetArraySize(udp) == 0)
		return;
	fprintf(fp, "udp:\n");
	for (const cJSON *u = udp->child; u; u = u->next) {
		fmt_rate(b1, sizeof(b1), num(u, "goodput_bps"));
		fprintf(fp, "  %-12s %s -> %s  %.0f sent, %.0f received, %.0f lost, %s\n",
			str(u, "name"), str(u, "from"), str(u, "to"), num(u, "sent_packets"),
			num(u, "received_packets"), num(u, "lost"), b1);
	}
}

/* SYN floods, and the listeners whose queues dropped something or sent cookies (a
 * thousand quiet servers are in summary.json only). */
static void print_listeners(FILE *fp, const cJSON *floods, const cJSON *listeners)
{
	if (cJSON_GetArraySize(floods) > 0) {
		fprintf(fp, "syn floods:\n");
		for (const cJSON *f = floods->child; f; f = f->next)
			fprintf(fp, "  %-12s %s -> %s:%.0f  %.0f SYNs sent\n", str(f, "name"),
				str(f, "from"), str(f, "to"), num(f, "port"), num(f, "sent"));
	}
	int shown = 0;
	for (const cJSON *e = listeners ? listeners->child : NULL; e; e = e->next) {
		if (cJSON_IsRaw(e) && e->valueint)
			continue; /* quiet */
		cJSON *tmp;
		const cJSON *l = tree_of(e, &tmp);
		double drops = num(l, "syn_queue_drops") + num(l, "syn_backlog_drops") +
			       num(l, "accept_queue_drops");
		if (listener_quiet(l)) {
			cJSON_Delete(tmp);
			continue;
		}
		if (shown++ == 0)
			fprintf(fp, "listeners:\n");
		fprintf(fp,
			"  %s %s:%.0f  backlog %.0f, %.0f SYNs, %.0f dropped (%.0f SYN queue full, "
			"%.0f accept queue full), %.0f cookies sent, %.0f accepted by cookie, "
			"%.0f established\n",
			str(l, "node"), str(l, "address"), num(l, "port"), num(l, "backlog"),
			num(l, "syns"), drops, num(l, "syn_queue_drops") + num(l, "syn_backlog_drops"),
			num(l, "accept_queue_drops"), num(l, "cookies_sent"),
			num(l, "cookies_accepted"), num(l, "established"));
		cJSON_Delete(tmp);
	}
}

void summary_print_human(FILE *fp, const cJSON *sum)
{
	print_run_line(fp, sum);
	print_flows(fp, cJSON_GetObjectItemCaseSensitive(sum, "flows"));
	print_links(fp, cJSON_GetObjectItemCaseSensitive(sum, "links"));
	print_pings(fp, cJSON_GetObjectItemCaseSensitive(sum, "pings"));
	print_udp(fp, cJSON_GetObjectItemCaseSensitive(sum, "udp"));
	print_listeners(fp, cJSON_GetObjectItemCaseSensitive(sum, "syn_floods"),
			cJSON_GetObjectItemCaseSensitive(sum, "listeners"));
}
