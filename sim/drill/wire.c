/* sim/drill/wire.c — the scripted peer: the topology, packets injected into the host,
 * packets the host sends, and how the script's sequence numbers map to the wire.
 *
 * Injected packets are built byte for byte as packetdrill builds them (zero payload,
 * the script's options in the script's order) and handed to the host's interface as
 * an arriving frame, synchronously, as a write to packetdrill's tun device is: by the
 * script's next event the host has processed it. What the host sends crosses a
 * 10 Tbit/s link without delay to the peer node, whose TCP handler queues it here.
 *
 * Matching follows packetdrill's run_packet.c: a '>' line takes the next packet the
 * host sent for the connection under test (others are ignored), maps it into the
 * script's numbering and compares it field by field; a line longer than what one
 * segment carries takes consecutive segments that together carry it, as packetdrill
 * aggregates TSO/GSO output (each must continue the previous one; all but the last
 * have the same size). The aggregate's PSH bit is not compared: on Linux it depends
 * on where the send queue's skbs end (tcp_tso_autosize), which netsim does not model.
 */
#include <errno.h>
#include <string.h>

#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "models/link/iface.h"
#include "models/link/link.h"
#include "models/tcp/attach.h"
#include "sim/core/bytes.h"
#include "sim/drill/run_int.h"

/* ---- connections ---- */

struct drill_conn *drill_conn_new(struct drill_run *r, enum drill_conn_state st)
{
	struct drill_conn *c = g_new0(struct drill_conn, 1);
	c->state = st;
	c->ts_map = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_ptr_array_add(r->conns, c);
	r->cur = c;
	return c;
}

void drill_conn_free(gpointer p)
{
	struct drill_conn *c = p;
	g_hash_table_destroy(c->ts_map);
	g_free(c);
}

/* Host sequence numbers: live = script + offset (0 until both ISNs are known). */
static uint32_t local_offset(const struct drill_conn *c)
{
	return c->have_script_isn && c->have_live_isn ? c->live_isn - c->script_isn : 0;
}

void drill_out_free(struct drill_out *o)
{
	if (!o)
		return;
	g_free(o->seg);
	g_free(o);
}

/* ---- the peer's receive path ---- */

static void peer_tcp_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                           const struct ipv4_rx *rx, void *ctx)
{
	(void)node;
	struct drill_run *r = ctx;
	struct drill_out *o = g_new0(struct drill_out, 1);
	o->t = sim_now(sim);
	o->tos = rx->tos;
	o->ttl = rx->ttl;
	o->src = rx->src;
	o->dst = rx->dst;
	o->seg_len = pkt->len;
	o->seg = g_memdup2(pkt->data, pkt->len);
	sim_packet_free(pkt);
	if (tcp_seg_parse(o->seg, o->seg_len, &o->r) != 0) {
		drill_out_free(o);
		return; /* not TCP: packetdrill would not see it as the socket's either */
	}
	o->csum_ok = tcp_seg_csum_ok(o->seg, o->seg_len, o->src, o->dst);
	g_queue_push_tail(&r->outq, o);
	/* Let a wait for this packet return right after it arrived. */
	r->sim_stopped_for_packet = true;
	sim_stop(sim);
}

int drill_wire_setup(struct drill_run *r, char **error)
{
	struct node_config nc;
	node_config_default(&nc);
	r->host = node_new(&r->sim, "host", &nc);
	r->peer = node_new(&r->sim, "peer", &nc);
	r->host_if = node_add_iface(r->host, "eth0", DRILL_LOCAL_IP, 16);
	r->peer_if = node_add_iface(r->peer, "eth0", DRILL_REMOTE_IP, 24);
	struct link_dir_config lc;
	link_dir_config_default(&lc);
	lc.bandwidth_bps = UINT64_C(10000000000000); /* 10 Tbit/s: ~1 ns per packet */
	lc.delay = 0;
	lc.mtu = 1500; /* packetdrill's tun device */
	lc.queue.limit_packets = 0;
	r->link = link_new(&r->sim, "wire", r->host_if, r->peer_if, &lc, &lc);
	route_add_default(r->host, 0, r->host_if);
	route_add_default(r->peer, 0, r->peer_if);
	r->stack = tcp_stack_attach(&r->sim, r->host, &r->cfg);
	tcp_stack_set_local_drop(r->stack, r->local_drop);
	static const struct ipv4_proto_ops ops = {.input = peer_tcp_input};
	node_register_proto(r->peer, IPV4_PROTO_TCP, &ops, r);
	if (r->o->pcap_path) {
		GError *e = NULL;
		if (iface_capture_start(r->host_if, r->o->pcap_path, &e)) {
			*error = g_strdup(e->message);
			g_error_free(e);
			return -1;
		}
	}
	return 0;
}

void drill_wire_teardown(struct drill_run *r)
{
	if (r->host_if && r->host_if->capture) {
		GError *e = NULL;
		if (iface_capture_stop(r->host_if, &e)) {
			drill_fail(r, 0, "writing the capture: %s", e->message);
			g_error_free(e);
		}
	}
	link_free(r->link);
	node_free(r->host);
	node_free(r->peer);
	r->link = NULL;
	r->host = r->peer = NULL;
	struct drill_out *o;
	while ((o = g_queue_pop_head(&r->outq)))
		drill_out_free(o);
}

/* ---- raw TCP options ---- */

struct optv {
	uint8_t kind, len;
	const uint8_t *data; /* len - 2 bytes after kind and length */
};

/* The options of a TCP header in wire order. Returns how many (at most max); stops at
 * a malformed option. */
static int options_of(const uint8_t *seg, uint32_t hdr_len, struct optv *out, int max)
{
	int n = 0;
	for (uint32_t i = TCP_HDR_MIN; i < hdr_len && n < max;) {
		uint8_t k = seg[i];
		if (k == TCP_OPTKIND_EOL || k == TCP_OPTKIND_NOP) {
			out[n++] = (struct optv){.kind = k, .len = 1};
			i++;
			continue;
		}
		if (i + 1 >= hdr_len || seg[i + 1] < 2 || i + seg[i + 1] > hdr_len)
			break;
		out[n++] = (struct optv){.kind = k, .len = seg[i + 1], .data = seg + i + 2};
		i += seg[i + 1];
	}
	return n;
}

static const uint8_t optkind_of[] = {
    [DRILL_OPT_NOP] = 1,       [DRILL_OPT_EOL] = 0,       [DRILL_OPT_MSS] = 2,
    [DRILL_OPT_WSCALE] = 3,    [DRILL_OPT_SACK_PERM] = 4, [DRILL_OPT_SACK] = 5,
    [DRILL_OPT_TIMESTAMP] = 8, [DRILL_OPT_FASTOPEN] = 34, [DRILL_OPT_MD5] = 19,
};

/* Writes one script option in wire form; sequence numbers of SACK blocks are offset by
 * `sack_off`, the ecr of a timestamp replaced by `ecr`. Returns its length. */
static int write_option(uint8_t *p, const struct drill_tcp_opt *o, uint32_t sack_off, uint32_t ecr)
{
	p[0] = optkind_of[o->kind];
	if (o->len == 1)
		return 1;
	memset(p + 1, 0, (size_t)o->len - 1);
	p[1] = (uint8_t)o->len;
	switch (o->kind) {
	case DRILL_OPT_MSS:
		sim_put_be16(p + 2, (uint16_t)o->val);
		break;
	case DRILL_OPT_WSCALE:
		p[2] = (uint8_t)o->val;
		break;
	case DRILL_OPT_SACK:
		for (int i = 0; i < o->n_sack; i++) {
			sim_put_be32(p + 2 + 8 * i, o->sack[i][0] + sack_off);
			sim_put_be32(p + 6 + 8 * i, o->sack[i][1] + sack_off);
		}
		break;
	case DRILL_OPT_TIMESTAMP:
		sim_put_be32(p + 2, o->ts_val);
		sim_put_be32(p + 6, ecr);
		break;
	default:
		break;
	}
	return o->len;
}

/* ---- injecting ---- */

/* netsim's extension: a packet that names its remote port (`< 40001>8080 S ...`,
 * `> 8080>40001 S. ...`) belongs to the connection with that remote port, so a
 * script can drive several connections to one listener; its SYN creates it. The
 * connection under test (the one packets without ports use) does not change. */
static struct drill_conn *conn_by_port(struct drill_run *r, uint16_t rport)
{
	for (guint i = 0; i < r->conns->len; i++) {
		struct drill_conn *c = r->conns->pdata[i];
		if (c->rport == rport && c->state != DC_LISTENING && c->state != DC_NEW)
			return c;
	}
	return NULL;
}

static struct drill_conn *explicit_inbound_conn(struct drill_run *r, const struct drill_packet *k)
{
	struct drill_conn *c = conn_by_port(r, k->sport);
	if (c || !(k->flags & TCP_FLAG_SYN))
		return c;
	struct drill_conn *cur = r->cur;
	c = drill_conn_new(r, DC_PASSIVE);
	r->cur = cur;
	c->lport = k->dport ? k->dport : DRILL_BIND_PORT;
	c->rport = k->sport;
	c->remote_isn = k->seq;
	return c;
}

/* The connection an injected packet belongs to (packetdrill's
 * find_or_create_socket_for_script_packet): a listening socket under test gets a new
 * passive connection; otherwise the one under test. NULL when there is none. */
static struct drill_conn *inbound_conn(struct drill_run *r, const struct drill_packet *k)
{
	struct drill_conn *c = k->sport ? explicit_inbound_conn(r, k) : NULL;
	if (c)
		return c;
	c = r->cur;
	if (!c || c->state == DC_LISTENING) {
		c = drill_conn_new(r, DC_PASSIVE);
		c->lport = DRILL_BIND_PORT;
		c->rport = r->next_rport++;
		c->remote_isn = k->seq;
		return c;
	}
	if (c->state == DC_SYN_SENT && (k->flags & TCP_FLAG_SYN) && (k->flags & TCP_FLAG_ACK))
		c->remote_isn = k->seq;
	return c;
}

/* The ecr an injected packet carries: the live TS val the host sent for the script's
 * value (packetdrill's map_inbound_packet). Returns -1 when none is known. */
static int map_ecr(struct drill_run *r, struct drill_conn *c, const struct drill_event *e,
                   uint32_t script_ecr, uint32_t *live)
{
	gpointer v;
	if (g_hash_table_lookup_extended(c->ts_map, GUINT_TO_POINTER(script_ecr), NULL, &v)) {
		*live = GPOINTER_TO_UINT(v);
		return 0;
	}
	drill_fail(r, e->line,
	           "unable to infer live TS ecr for script TS ecr %u; no matching or preceding "
	           "outbound TS val",
	           script_ecr);
	return -1;
}

static uint8_t inbound_tos(const struct drill_packet *k)
{
	if (k->tos_check == DRILL_TOS_ECN || k->tos_check == DRILL_TOS_BYTE)
		return k->tos;
	return 0;
}

/* Accurate ECN's marks (the AE flag, an ACE counter): netsim's TCP has classic ECN
 * (RFC 3168: ECE, CWR and the IP codepoints) only. */
static bool uses_accecn(const struct drill_packet *k)
{
	return k->flag_ae || k->ace >= 0;
}

void drill_wire_inject(struct drill_run *r, const struct drill_event *e)
{
	const struct drill_packet *k = e->pkt;
	if (uses_accecn(k)) {
		drill_skip(r, e->line, "needs Accurate ECN, which netsim's TCP does not implement");
		return;
	}
	if (k->proto != DRILL_PROTO_TCP) {
		drill_skip(r, e->line, "needs %s packets (netsim's drill injects TCP only)",
		           k->proto == DRILL_PROTO_UDP ? "UDP" : "ICMP");
		return;
	}
	struct drill_conn *c = inbound_conn(r, k);
	uint32_t off = local_offset(c);
	uint32_t hl = TCP_HDR_MIN + (uint32_t)k->opts_len;
	struct sim_packet *pkt = sim_packet_new(&r->sim, SIM_PACKET_HEADROOM, hl + k->len);
	uint8_t *h = pkt->data;
	memset(h, 0, hl + k->len);
	sim_put_be16(h + TCP_OFF_SPORT, k->sport ? k->sport : c->rport);
	sim_put_be16(h + TCP_OFF_DPORT, k->dport ? k->dport : c->lport);
	sim_put_be32(h + TCP_OFF_SEQ, k->seq);
	sim_put_be32(h + TCP_OFF_ACK, (k->flags & TCP_FLAG_ACK) ? k->ack + off : k->ack);
	h[TCP_OFF_DOFF] = (uint8_t)((hl / 4) << 4) | (k->flag_ae ? 1 : 0);
	h[TCP_OFF_FLAGS] = k->flags;
	if (k->ace >= 0)
		h[TCP_OFF_FLAGS] = (uint8_t)((k->flags & 0x3f) | ((k->ace & 1) ? TCP_FLAG_ECE : 0) |
		                             ((k->ace & 2) ? TCP_FLAG_CWR : 0));
	sim_put_be16(h + TCP_OFF_WIN, (uint16_t)k->win);
	sim_put_be16(h + TCP_OFF_URP, k->urg);
	uint8_t *p = h + TCP_HDR_MIN;
	for (int i = 0; i < k->n_opts; i++) {
		uint32_t ecr = k->opts[i].ts_ecr;
		if (k->opts[i].kind == DRILL_OPT_TIMESTAMP && (k->flags & TCP_FLAG_ACK) &&
		    map_ecr(r, c, e, ecr, &ecr)) {
			sim_packet_free(pkt);
			return;
		}
		p += write_option(p, &k->opts[i], off, ecr);
	}
	tcp_seg_set_csum(pkt->data, pkt->len, DRILL_REMOTE_IP, DRILL_LOCAL_IP);
	struct ipv4_hdr ip = {.tos = inbound_tos(k),
	                      .total_len = (uint16_t)(pkt->len + 20),
	                      .ttl = k->ttl ? k->ttl : 64,
	                      .proto = IPV4_PROTO_TCP,
	                      .src = DRILL_REMOTE_IP,
	                      .dst = DRILL_LOCAL_IP};
	ipv4_hdr_write(sim_packet_push(pkt, 20), &ip);
	iface_receive(&r->sim, r->host_if, pkt);
}

/* ---- formatting (packetdrill's notation, in the script's numbering) ---- */

static void fmt_flags(GString *s, uint8_t f)
{
	static const char order[] = "FSRPUEW";
	static const uint8_t bits[] = {TCP_FLAG_FIN, TCP_FLAG_SYN, TCP_FLAG_RST, TCP_FLAG_PSH,
	                               TCP_FLAG_URG, TCP_FLAG_ECE, TCP_FLAG_CWR};
	for (int i = 0; order[i]; i++)
		if (f & bits[i])
			g_string_append_c(s, order[i]);
	if (f & TCP_FLAG_ACK)
		g_string_append_c(s, '.');
	if (!f)
		g_string_append_c(s, '-');
}

static void fmt_script_opts(GString *s, const struct drill_packet *k)
{
	if (k->opts_any) {
		g_string_append(s, " <...>");
		return;
	}
	if (k->n_opts == 0)
		return;
	g_string_append(s, " <");
	for (int i = 0; i < k->n_opts; i++) {
		const struct drill_tcp_opt *o = &k->opts[i];
		if (i)
			g_string_append_c(s, ',');
		switch (o->kind) {
		case DRILL_OPT_NOP:
			g_string_append(s, "nop");
			break;
		case DRILL_OPT_EOL:
			g_string_append(s, "eol");
			break;
		case DRILL_OPT_MSS:
			g_string_append_printf(s, "mss %u", o->val);
			break;
		case DRILL_OPT_WSCALE:
			g_string_append_printf(s, "wscale %u", o->val);
			break;
		case DRILL_OPT_SACK_PERM:
			g_string_append(s, "sackOK");
			break;
		case DRILL_OPT_SACK:
			g_string_append(s, "sack");
			for (int b = 0; b < o->n_sack; b++)
				g_string_append_printf(s, " %u:%u", o->sack[b][0], o->sack[b][1]);
			break;
		case DRILL_OPT_TIMESTAMP:
			g_string_append_printf(s, "TS val %u ecr %u", o->ts_val, o->ts_ecr);
			break;
		case DRILL_OPT_FASTOPEN:
			g_string_append(s, "FO");
			break;
		case DRILL_OPT_MD5:
			g_string_append(s, "md5");
			break;
		}
	}
	g_string_append_c(s, '>');
}

static const char *ecn_name(uint8_t bits)
{
	static const char *const n[] = {"noecn", "ect1", "ect0", "ce"};
	return n[bits & 3];
}

/* The script's packet, as written (without time). */
static char *fmt_script_packet(const struct drill_packet *k)
{
	GString *s = g_string_new(NULL);
	if (k->tos_check == DRILL_TOS_ECN)
		g_string_append_printf(s, "[%s] ", ecn_name(k->tos));
	else if (k->tos_check == DRILL_TOS_ECT01)
		g_string_append(s, "[ect01] ");
	else if (k->tos_check == DRILL_TOS_BYTE)
		g_string_append_printf(s, "[tos 0x%x] ", k->tos);
	fmt_flags(s, k->flags);
	g_string_append_printf(s, " %u:%u(%u)", k->seq, k->seq + k->len, k->len);
	if (k->flags & TCP_FLAG_ACK)
		g_string_append_printf(s, " ack %u", k->ack);
	if (k->win >= 0)
		g_string_append_printf(s, " win %d", k->win);
	fmt_script_opts(s, k);
	return g_string_free(s, FALSE);
}

/* A sent packet (possibly an aggregate) in the script's numbering. */
struct seen {
	uint8_t flags, tos;
	uint32_t seq, ack, len; /* script numbering */
	uint16_t win;
	const struct drill_out *first;
	int segs;
};

static char *fmt_seen(const struct drill_run *r, const struct seen *v)
{
	GString *s = g_string_new(NULL);
	if (v->tos)
		g_string_append_printf(s, "[tos 0x%x] ", v->tos);
	fmt_flags(s, v->flags);
	g_string_append_printf(s, " %u:%u(%u)", v->seq, v->seq + v->len, v->len);
	if (v->flags & TCP_FLAG_ACK)
		g_string_append_printf(s, " ack %u", v->ack);
	g_string_append_printf(s, " win %u", v->win);
	struct optv ov[40];
	const struct drill_out *o = v->first;
	int n = options_of(o->seg, o->r.hdr_len, ov, 40);
	if (n) {
		g_string_append(s, " <");
		for (int i = 0; i < n; i++) {
			if (i)
				g_string_append_c(s, ',');
			switch (ov[i].kind) {
			case 0:
				g_string_append(s, "eol");
				break;
			case 1:
				g_string_append(s, "nop");
				break;
			case 2:
				g_string_append_printf(
				    s, "mss %u", ov[i].len == 4 ? sim_get_be16(ov[i].data) : 0);
				break;
			case 3:
				g_string_append_printf(s, "wscale %u",
				                       ov[i].len == 3 ? ov[i].data[0] : 0);
				break;
			case 4:
				g_string_append(s, "sackOK");
				break;
			case 8:
				g_string_append_printf(
				    s, "TS val %u ecr %u",
				    ov[i].len == 10 ? sim_get_be32(ov[i].data) : 0,
				    ov[i].len == 10 ? sim_get_be32(ov[i].data + 4) : 0);
				break;
			default:
				g_string_append_printf(s, "kind %u", ov[i].kind);
				break;
			}
		}
		g_string_append_c(s, '>');
	}
	if (v->segs > 1)
		g_string_append_printf(s, " (%d segments)", v->segs);
	(void)r;
	return g_string_free(s, FALSE);
}

/* ---- matching sent packets ---- */

/* Whether a sent packet belongs to the connection under test (packetdrill's
 * find_socket_for_live_packet / find_connect_for_live_packet); the SYN of an active
 * open teaches the connection its port and ISN. */
static bool for_conn(struct drill_conn *c, const struct drill_out *o)
{
	if (o->src != DRILL_LOCAL_IP || o->dst != DRILL_REMOTE_IP)
		return false;
	if (c->lport && o->r.src_port == c->lport && o->r.dst_port == c->rport)
		return true;
	if (c->state == DC_SYN_SENT &&
	    (o->r.flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN &&
	    o->r.dst_port == c->rport) {
		c->lport = o->r.src_port;
		c->live_isn = o->r.seq;
		c->have_live_isn = true;
		return true;
	}
	return false;
}

/* The next packet the host sent for c, waiting in simulated time up to `deadline`.
 * Packets for other connections are dropped, as packetdrill ignores them. */
static struct drill_out *next_out(struct drill_run *r, struct drill_conn *c, int64_t deadline)
{
	for (;;) {
		struct drill_out *o;
		while ((o = g_queue_pop_head(&r->outq))) {
			if (for_conn(c, o))
				return o;
			drill_log(r, "ignored: a packet for another connection (port %u > %u)",
			          o->r.src_port, o->r.dst_port);
			drill_out_free(o);
		}
		if (sim_now(&r->sim) >= deadline || r->done)
			return NULL;
		r->sim_stopped_for_packet = false;
		sim_run(&r->sim, deadline);
		if (!r->sim_stopped_for_packet && g_queue_is_empty(&r->outq))
			return NULL;
	}
}

/* Converts a sent packet's numbers into the script's. */
static void to_script(const struct drill_conn *c, const struct drill_out *o, struct seen *v)
{
	v->flags = o->r.flags;
	v->tos = o->tos;
	v->seq = o->r.seq - local_offset(c);
	v->ack = o->r.ack;
	v->len = o->r.payload_len;
	v->win = o->r.window;
	v->first = o;
	v->segs = 1;
}

/* Adds a further segment to an aggregate: it must continue the previous one with the
 * same header but PSH/FIN/CWR (which TSO puts on one segment only); all segments but
 * the last have the same size (packetdrill's verify_packet_fragments). */
static const char *aggregate(struct seen *v, const struct drill_out *prev,
                             const struct drill_out *o, uint32_t need)
{
	const uint8_t loose = TCP_FLAG_PSH | TCP_FLAG_FIN | TCP_FLAG_CWR;
	if ((o->r.flags & ~loose) != (prev->r.flags & ~loose) || o->r.ack != prev->r.ack ||
	    o->r.hdr_len != prev->r.hdr_len)
		return "a different header";
	if (o->r.seq != prev->r.seq + prev->r.payload_len)
		return "a segment that does not continue the previous one";
	if (v->len + o->r.payload_len < need && o->r.payload_len != prev->r.payload_len)
		return "segments of different sizes";
	v->flags |= o->r.flags;
	v->len += o->r.payload_len;
	v->segs++;
	return NULL;
}

/* "1.250": a duration in milliseconds with three decimals. */
static const char *ms_text(int64_t ns, char buf[32])
{
	g_snprintf(buf, 32, "%" G_GINT64_FORMAT ".%03" G_GINT64_FORMAT, ns / 1000000,
	           (ns / 1000) % 1000);
	return buf;
}

/* What a mismatch in the options most likely means. */
static const char *options_hint(const struct drill_packet *k)
{
	bool sack = false, ts = false;
	for (int i = 0; i < k->n_opts; i++) {
		sack |= k->opts[i].kind == DRILL_OPT_SACK_PERM || k->opts[i].kind == DRILL_OPT_SACK;
		ts |= k->opts[i].kind == DRILL_OPT_TIMESTAMP;
	}
	if (sack && ts)
		return "TCP options: the script expects SACK and timestamps, which netsim does "
		       "not implement";
	if (sack)
		return "TCP options: the script expects SACK, which netsim does not implement";
	if (ts)
		return "TCP options: the script expects timestamps, which netsim does not "
		       "implement";
	return "TCP options";
}

static const char *check_options(struct drill_run *r, struct drill_conn *c,
                                 const struct drill_packet *k, const struct drill_out *o)
{
	if (k->opts_any)
		return NULL;
	struct optv ov[40];
	int n = options_of(o->seg, o->r.hdr_len, ov, 40);
	if (n != k->n_opts)
		return options_hint(k);
	for (int i = 0; i < n; i++) {
		const struct drill_tcp_opt *so = &k->opts[i];
		if (ov[i].kind != optkind_of[so->kind])
			return options_hint(k);
		if (ov[i].kind == TCP_OPTKIND_TIMESTAMP && ov[i].len == 10) {
			uint32_t live = sim_get_be32(ov[i].data);
			g_hash_table_replace(c->ts_map, GUINT_TO_POINTER(so->ts_val),
			                     GUINT_TO_POINTER(live));
			if (!c->have_ts) {
				c->have_ts = true;
				c->first_script_ts = so->ts_val;
				c->first_live_ts = live;
			}
			int32_t dev =
			    (int32_t)(c->first_script_ts + (live - c->first_live_ts) - so->ts_val);
			int64_t dev_ns = (int64_t)(dev < 0 ? -(int64_t)dev : dev) * r->ts_tick_ns;
			if (r->ts_tick_ns && dev_ns > r->tolerance_ns)
				return "TCP timestamp value";
			continue;
		}
		if (ov[i].len != so->len)
			return "TCP option length";
		uint8_t want[40];
		write_option(want, so, 0, so->ts_ecr);
		if (so->len > 2 && memcmp(want + 2, ov[i].data, (size_t)so->len - 2) != 0)
			return so->kind == DRILL_OPT_MSS      ? "the MSS option"
			       : so->kind == DRILL_OPT_WSCALE ? "the window scale option"
			                                      : "TCP option value";
	}
	return NULL;
}

/* The first field of the aggregate that differs from the script's packet. */
static const char *compare(struct drill_run *r, struct drill_conn *c, const struct drill_packet *k,
                           const struct seen *v)
{
	const struct drill_out *o = v->first;
	uint8_t strict = TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_ACK | TCP_FLAG_URG | TCP_FLAG_ECE |
	                 TCP_FLAG_FIN | TCP_FLAG_CWR;
	if (v->segs == 1)
		strict |= TCP_FLAG_PSH;
	if (!o->csum_ok)
		return "the TCP checksum";
	if ((v->flags & strict) != (k->flags & strict))
		return "TCP flags";
	if (v->seq != k->seq)
		return "the sequence number";
	if (v->ack != k->ack && ((k->flags | v->flags) & TCP_FLAG_ACK))
		return "the ACK number";
	if (k->win >= 0 && v->win != (uint16_t)k->win)
		return "the window";
	if (o->r.urg_ptr != k->urg)
		return "the urgent pointer";
	if (k->tos_check == DRILL_TOS_ECN && (o->tos & 3) != k->tos)
		return "the IP ECN field";
	if (k->tos_check == DRILL_TOS_ECT01 && (o->tos & 3) != 1 && (o->tos & 3) != 2)
		return "the IP ECN field";
	if (k->tos_check == DRILL_TOS_BYTE && o->tos != k->tos)
		return "the IP TOS byte";
	if (k->ttl && o->ttl != k->ttl)
		return "the IP TTL";
	return check_options(r, c, k, o);
}

/* Before the packet: the script's SYN or SYN-ACK names the host's ISN in its numbering. */
static void learn_script_isn(struct drill_conn *c, const struct drill_packet *k)
{
	bool syn = k->flags & TCP_FLAG_SYN, ack = k->flags & TCP_FLAG_ACK;
	if (syn && !ack && (c->state == DC_CONNECTING || c->state == DC_SYN_SENT)) {
		c->state = DC_SYN_SENT;
		c->script_isn = k->seq;
		c->have_script_isn = true;
	} else if (syn && ack && c->state == DC_PASSIVE) {
		c->script_isn = k->seq;
		c->have_script_isn = true;
	}
}

static void learn_live_isn(struct drill_conn *c, const struct drill_packet *k,
                           const struct drill_out *o)
{
	if ((k->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == (TCP_FLAG_SYN | TCP_FLAG_ACK) &&
	    c->state == DC_PASSIVE && (o->r.flags & TCP_FLAG_SYN)) {
		c->state = DC_SYNACK_SENT;
		c->live_isn = o->r.seq;
		c->have_live_isn = true;
	}
}

/* Collects the sent segment(s) for the script's packet into *v. Returns the segments
 * (first one at index 0) or NULL after recording a failure. */
static GPtrArray *collect(struct drill_run *r, const struct drill_event *e, struct drill_conn *c,
                          int64_t deadline, struct seen *v, const char *want, int64_t lo)
{
	const struct drill_packet *k = e->pkt;
	GPtrArray *segs = g_ptr_array_new_with_free_func((GDestroyNotify)drill_out_free);
	char tb[32];
	for (;;) {
		struct drill_out *o = next_out(r, c, deadline);
		if (!o) {
			if (segs->len == 0)
				drill_fail(r, e->line, "expected %s at %s, got nothing", want,
				           drill_fmt_time(lo, tb));
			else
				drill_fail(r, e->line, "expected %s, got only %u of its %u bytes",
				           want, v->len, k->len);
			break;
		}
		g_ptr_array_add(segs, o);
		if (segs->len == 1) {
			learn_live_isn(c, k, o);
			to_script(c, o, v);
		} else {
			const char *bad = aggregate(v, segs->pdata[segs->len - 2], o, k->len);
			if (bad) {
				struct seen one;
				to_script(c, o, &one);
				char *got = fmt_seen(r, &one);
				r->fail_time = o->t;
				drill_fail(r, e->line,
				           "expected %s, got %u bytes of it, then %s (%s)", want,
				           v->len, got, bad);
				g_free(got);
				break;
			}
		}
		if (v->len >= k->len)
			return segs;
	}
	g_ptr_array_free(segs, TRUE);
	return NULL;
}

void drill_wire_expect(struct drill_run *r, const struct drill_event *e, int64_t lo, int64_t hi)
{
	const struct drill_packet *k = e->pkt;
	char *want = fmt_script_packet(k);
	struct drill_conn *c = k->dport ? conn_by_port(r, k->dport) : r->cur;
	char tb[32];
	if (k->proto != DRILL_PROTO_TCP) {
		drill_skip(r, e->line, "needs %s packets",
		           k->proto == DRILL_PROTO_UDP ? "UDP" : "ICMP");
	} else if (uses_accecn(k)) {
		drill_skip(r, e->line, "needs Accurate ECN, which netsim's TCP does not implement");
	} else if (!c) {
		drill_fail(r, e->line, "no connection for the script packet %s", want);
	} else {
		learn_script_isn(c, k);
		bool any = e->time_kind == DRILL_TIME_ANY;
		int64_t tol = drill_tolerance(r, lo);
		int64_t deadline = any ? sim_now(&r->sim) + SIM_S(600) : hi + tol;
		struct seen v = {0};
		GPtrArray *segs = collect(r, e, c, deadline, &v, want, lo);
		if (segs) {
			const struct drill_out *o = segs->pdata[0];
			const char *bad =
			    v.len != k->len ? "the payload length" : compare(r, c, k, &v);
			bool early = !any && o->t < lo - tol, late = !any && o->t > hi + tol;
			if (bad || early || late) {
				char *got = fmt_seen(r, &v);
				char range[80], tb2[32], why[96];
				if (hi > lo)
					g_snprintf(range, sizeof(range), " in %s~%s",
					           drill_fmt_time(lo, tb), drill_fmt_time(hi, tb2));
				else if (!any)
					g_snprintf(range, sizeof(range), " at %s",
					           drill_fmt_time(lo, tb));
				else
					range[0] = '\0';
				if (bad)
					g_snprintf(why, sizeof(why), "%s", bad);
				else
					g_snprintf(why, sizeof(why), "timing: %s ms %s",
					           ms_text(early ? lo - o->t : o->t - hi, tb2),
					           early ? "early" : "late");
				r->fail_time = o->t;
				drill_fail(r, e->line, "expected %s%s, got %s (%s)", want, range,
				           got, why);
				g_free(got);
			} else {
				drill_log(r, "%s matched at %s", want, drill_fmt_time(o->t, tb));
			}
			g_ptr_array_free(segs, TRUE);
		}
	}
	g_free(want);
}
