/* sim/drill/parse_pkt.c — the packet lines of a packetdrill script (script.h).
 *
 * A TCP packet line, as packetdrill's grammar has it (parser.y tcp_packet_spec):
 *
 *   DIR [IPINFO] [SPORT>DPORT] FLAGS START:END(LEN) [ack N] [win N] [urg N] [<OPTIONS>]
 *
 * DIR is '<' (injected) or '>' (expected); IPINFO is "[ect0]", "[tos 0x4]", "[ttl 3]"
 * and the like; OPTIONS is "..." (outbound: anything) or a list of nop, eol, mss N,
 * wscale N, sackOK, sack L:R..., TS val V ecr E, FO/FOEXP [cookie], md5 digest, in
 * wire order. UDP ("udp (N)") and ICMP lines parse into the same structure so that a
 * script using them can be skipped with a reason.
 */
#include <glib.h>
#include <string.h>

#include "sim/drill/parse_int.h"

void drill_p_packet_free(struct drill_packet *k)
{
	if (!k)
		return;
	g_free(k->opts);
	g_free(k->icmp_type);
	g_free(k->icmp_code);
	g_free(k);
}

/* The inside of [ ... ] or ( ... ) before a packet: ECN/TOS, flow label, TTL. */
static int parse_ip_info(struct parser *p, struct drill_packet *k, char close)
{
	for (;;) {
		const struct drill_token *t = tok(p);
		int64_t v;
		static const char *const ecn[] = {"noecn", "ect1", "ect0", "ce"};
		bool done = false;
		for (int i = 0; i < 4; i++)
			if (is_word(t, ecn[i])) {
				k->tos_check = DRILL_TOS_ECN;
				k->tos = (uint8_t)i;
				next(p);
				done = true;
			}
		if (done) {
		} else if (is_word(t, "ect01")) {
			k->tos_check = DRILL_TOS_ECT01;
			next(p);
		} else if (is_word(t, "tos")) {
			next(p);
			if (tok(p)->kind != DRILL_TOK_HEX)
				return drill_p_expected(p, "a hex TOS value");
			if (drill_p_expect_int(p, 0, 255, "tos", &v))
				return -1;
			k->tos_check = DRILL_TOS_BYTE;
			k->tos = (uint8_t)v;
		} else if (is_word(t, "flowlabel")) {
			next(p);
			if (drill_p_expect_int(p, 0, 0xfffff, "flowlabel", &v))
				return -1;
			k->flowlabel = (uint32_t)v;
		} else if (is_word(t, "ttl")) {
			next(p);
			if (drill_p_expect_int(p, 0, 255, "ttl", &v))
				return -1;
			k->ttl = (uint8_t)v;
		} else {
			return drill_p_expected(
			    p, "noecn, ect0, ect1, ce, ect01, tos, flowlabel or ttl");
		}
		if (is_char(tok(p), close)) {
			next(p);
			return 0;
		}
		if (drill_p_expect_char(p, ','))
			return -1;
	}
}

/* tcpdump-style flags: ".FSRPEWAU" and an AccECN digit 0-7 (packetdrill's set). */
static int parse_flags(struct parser *p, struct drill_packet *k)
{
	const struct drill_token *t = tok(p);
	int l = t->line, c = t->col;
	GString *f = g_string_new(NULL);
	if (is_char(t, '-')) {
		next(p);
	} else {
		if (t->kind == DRILL_TOK_WORD) {
			g_string_append(f, t->text);
			next(p);
		}
		if (is_char(tok(p), '.')) {
			g_string_append_c(f, '.');
			next(p);
		} else if (tok(p)->kind == DRILL_TOK_FLOAT && tok(p)->text[0] == '.') {
			g_string_append(f, tok(p)->text); /* "S.1": ACK and an ACE digit */
			next(p);
		}
		if (f->len == 0) {
			g_string_free(f, TRUE);
			return drill_p_expected(p, "TCP flags");
		}
	}
	k->ace = -1;
	bool ecn = false;
	for (const char *s = f->str; *s; s++) {
		static const char bits[] = "FSRP.UEW";
		const char *b = strchr(bits, *s);
		if (b && *s) {
			k->flags |= (uint8_t)(1u << (b - bits));
			ecn |= *s == 'E' || *s == 'W';
		} else if (*s == 'A') {
			k->flag_ae = true;
			ecn = true;
		} else if (*s >= '0' && *s <= '7' && k->ace < 0 && !ecn) {
			k->ace = *s - '0';
		} else {
			int r = drill_p_error_at(p, l, c, "invalid TCP flag: '%c'", *s);
			g_string_free(f, TRUE);
			return r;
		}
		if (ecn && k->ace >= 0) {
			int r = drill_p_error_at(p, l, c,
			                         "conflicting TCP flags: '%c'", *s);
			g_string_free(f, TRUE);
			return r;
		}
	}
	g_string_free(f, TRUE);
	return 0;
}

static int parse_sack_blocks(struct parser *p, struct drill_tcp_opt *o)
{
	while (tok(p)->kind == DRILL_TOK_INT && is_char(tok_at(p, 1), ':')) {
		int64_t l, r;
		if (o->n_sack == DRILL_SACK_MAX)
			return drill_p_error_at(p, tok(p)->line, tok(p)->col,
			                        "too many SACK blocks");
		if (drill_p_expect_int(p, 0, UINT32_MAX, "SACK left edge", &l) ||
		    drill_p_expect_char(p, ':') ||
		    drill_p_expect_int(p, 0, UINT32_MAX, "SACK right edge", &r))
			return -1;
		o->sack[o->n_sack][0] = (uint32_t)l;
		o->sack[o->n_sack][1] = (uint32_t)r;
		o->n_sack++;
	}
	if (o->n_sack == 0)
		return drill_p_expected(p, "a SACK block L:R");
	o->len = 2 + 8 * o->n_sack;
	return 0;
}

/* A hex cookie or digest after FO/FOEXP/md5: bytes = digits / 2. */
static int parse_hex_blob(struct parser *p, struct drill_tcp_opt *o, int base, bool required)
{
	const struct drill_token *t = tok(p);
	if (t->kind != DRILL_TOK_WORD && t->kind != DRILL_TOK_INT) {
		if (required)
			return drill_p_expected(p, "a hex string");
		o->len = base;
		return 0;
	}
	size_t n = strlen(t->text);
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isxdigit(t->text[i]))
			return drill_p_error_at(p, t->line, t->col,
			                        "'%s' is not a valid hex string", t->text);
	if (n % 2)
		return drill_p_error_at(p, t->line, t->col,
		                        "hex string has an odd number of digits");
	o->len = base + (int)(n / 2);
	next(p);
	return o->len > 40 ? drill_p_error_at(p, t->line, t->col, "TCP option too long") : 0;
}

static int parse_tcp_option(struct parser *p, struct drill_tcp_opt *o)
{
	const struct drill_token *t = tok(p);
	int64_t v, w;
	if (t->kind != DRILL_TOK_WORD)
		return drill_p_expected(p, "a TCP option");
	char *name = g_strdup(t->text);
	next(p);
	int r = 0;
	if (!strcmp(name, "nop")) {
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_NOP, .len = 1};
	} else if (!strcmp(name, "eol")) {
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_EOL, .len = 1};
	} else if (!strcmp(name, "mss")) {
		r = drill_p_expect_int(p, 0, 65535, "mss value", &v);
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_MSS, .len = 4, .val = (uint32_t)v};
	} else if (!strcmp(name, "wscale")) {
		r = drill_p_expect_int(p, 0, 255, "window scale shift count", &v);
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_WSCALE, .len = 3, .val = (uint32_t)v};
	} else if (!strcmp(name, "sackOK")) {
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_SACK_PERM, .len = 2};
	} else if (!strcmp(name, "sack")) {
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_SACK};
		r = parse_sack_blocks(p, o);
	} else if (!strcmp(name, "TS")) {
		r = drill_p_expect_word(p, "val") ||
		    drill_p_expect_int(p, 0, UINT32_MAX, "TS val", &v) ||
		    drill_p_expect_word(p, "ecr") ||
		    drill_p_expect_int(p, 0, UINT32_MAX, "TS ecr", &w);
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_TIMESTAMP, .len = 10};
		if (!r) {
			o->ts_val = (uint32_t)v;
			o->ts_ecr = (uint32_t)w;
		}
	} else if (!strcmp(name, "FO") || !strcmp(name, "FOEXP")) {
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_FASTOPEN};
		r = parse_hex_blob(p, o, name[2] ? 4 : 2, false);
	} else if (!strcmp(name, "md5")) {
		*o = (struct drill_tcp_opt){.kind = DRILL_OPT_MD5};
		r = parse_hex_blob(p, o, 2, true);
	} else {
		r = drill_p_error_at(p, t->line, t->col, "unknown TCP option '%s'", name);
	}
	g_free(name);
	return r ? -1 : 0;
}

static int parse_tcp_options(struct parser *p, struct drill_packet *k)
{
	int l = tok(p)->line, c = tok(p)->col;
	next(p); /* '<' */
	if (tok(p)->kind == DRILL_TOK_ELLIPSIS) {
		next(p);
		k->opts_any = true;
		return drill_p_expect_char(p, '>');
	}
	GArray *opts = g_array_new(FALSE, TRUE, sizeof(struct drill_tcp_opt));
	int r = 0;
	for (;;) {
		struct drill_tcp_opt o = {0};
		if ((r = parse_tcp_option(p, &o)) != 0)
			break;
		g_array_append_val(opts, o);
		k->opts_len += o.len;
		if (opts->len > DRILL_TCP_OPTS_MAX) {
			r = drill_p_error_at(p, l, c, "TCP option list too long");
			break;
		}
		if (is_char(tok(p), '>')) {
			next(p);
			break;
		}
		if ((r = drill_p_expect_char(p, ',')) != 0)
			break;
	}
	k->n_opts = (int)opts->len;
	k->opts = (struct drill_tcp_opt *)g_array_free(opts, FALSE);
	if (r)
		return -1;
	if (k->opts_len % 4)
		return drill_p_error_at(
		    p, l, c,
		    "TCP options are not padded correctly to ensure TCP header is a "
		    "multiple of 4 bytes: %d excess bytes",
		    k->opts_len % 4);
	if (k->opts_len > 40)
		return drill_p_error_at(p, l, c, "TCP header too large");
	return 0;
}

static int parse_seq(struct parser *p, struct drill_packet *k)
{
	int64_t a, b, n;
	int l = tok(p)->line, c = tok(p)->col;
	if (drill_p_expect_int(p, 0, UINT32_MAX, "TCP start sequence number", &a) ||
	    drill_p_expect_char(p, ':') ||
	    drill_p_expect_int(p, 0, UINT32_MAX, "TCP end sequence number", &b) ||
	    drill_p_expect_char(p, '(') ||
	    drill_p_expect_int(p, 0, 65535, "TCP payload size", &n) || drill_p_expect_char(p, ')'))
		return -1;
	if (b != a + n)
		return drill_p_error_at(p, l, c,
		                        "inconsistent TCP sequence numbers and payload size");
	k->seq = (uint32_t)a;
	k->len = (uint32_t)n;
	return 0;
}

/* ack N, win N, urg N, <options>: in this order, each optional. */
static int parse_tcp_tail(struct parser *p, struct drill_packet *k)
{
	int64_t v;
	k->win = -1;
	if (is_word(tok(p), "ack")) {
		next(p);
		if (drill_p_expect_int(p, 0, UINT32_MAX, "TCP ack sequence number", &v))
			return -1;
		k->ack = (uint32_t)v;
	}
	if (is_word(tok(p), "win")) {
		next(p);
		if (drill_p_expect_int(p, 0, 65535, "TCP window value", &v))
			return -1;
		k->win = (int32_t)v;
	}
	if (is_word(tok(p), "urg")) {
		next(p);
		if (drill_p_expect_int(p, 0, 65535, "urg_ptr value", &v))
			return -1;
		k->urg = (uint16_t)v;
	}
	if (is_char(tok(p), '<') && parse_tcp_options(p, k))
		return -1;
	if (is_char(tok(p), '{'))
		return drill_p_error_at(p, tok(p)->line, tok(p)->col,
		                        "packet fuzzing is not supported");
	return 0;
}

static int parse_port_info(struct parser *p, struct drill_packet *k)
{
	int64_t a, b;
	if (tok(p)->kind == DRILL_TOK_INT && is_char(tok_at(p, 1), '>')) {
		if (drill_p_expect_int(p, 0, 65535, "src port", &a) ||
		    drill_p_expect_char(p, '>') || drill_p_expect_int(p, 0, 65535, "dst port", &b))
			return -1;
		k->sport = (uint16_t)a;
		k->dport = (uint16_t)b;
	}
	return 0;
}

static int parse_udp_icmp(struct parser *p, struct drill_packet *k)
{
	int64_t v;
	if (is_word(tok(p), "udp")) {
		next(p);
		k->proto = DRILL_PROTO_UDP;
		if (parse_port_info(p, k) || drill_p_expect_char(p, '(') ||
		    drill_p_expect_int(p, 0, 65535, "UDP payload size", &v) ||
		    drill_p_expect_char(p, ')'))
			return -1;
		k->len = (uint32_t)v;
		return 0;
	}
	next(p); /* icmp */
	k->proto = DRILL_PROTO_ICMP;
	if (tok(p)->kind != DRILL_TOK_WORD)
		return drill_p_expected(p, "an ICMP type");
	k->icmp_type = g_strdup(tok(p)->text);
	next(p);
	if (tok(p)->kind == DRILL_TOK_WORD && !is_word(tok(p), "mtu") && !is_word(tok(p), "id")) {
		k->icmp_code = g_strdup(tok(p)->text);
		next(p);
	}
	if (is_word(tok(p), "mtu") || is_word(tok(p), "id")) {
		next(p);
		if (drill_p_expect_int(p, 0, UINT32_MAX, "ICMP value", &v))
			return -1;
	}
	if (!is_char(tok(p), '['))
		return 0;
	next(p);
	if (is_word(tok(p), "udp") || is_word(tok(p), "raw")) {
		next(p);
		if (drill_p_expect_char(p, '(') ||
		    drill_p_expect_int(p, 0, 65535, "payload size", &v) ||
		    drill_p_expect_char(p, ')'))
			return -1;
	} else if (parse_seq(p, k)) {
		return -1;
	}
	return drill_p_expect_char(p, ']');
}

int drill_p_packet(struct parser *p, struct drill_event *e)
{
	struct drill_packet *k = g_new0(struct drill_packet, 1);
	e->kind = DRILL_EV_PACKET;
	e->pkt = k;
	k->outbound = is_char(tok(p), '>');
	k->ace = -1;
	next(p);
	const struct drill_token *t = tok(p);
	if (is_word(t, "ipv4") || is_word(t, "ipv6") || is_word(t, "gre") || is_word(t, "mpls") ||
	    is_word(t, "GREv0"))
		return drill_p_error_at(p, t->line, t->col,
		                        "encapsulated packets (%s prefix) are not supported",
		                        t->text);
	if (is_char(t, '[') || is_char(t, '(')) {
		char close = is_char(t, '[') ? ']' : ')';
		next(p);
		if (parse_ip_info(p, k, close))
			return -1;
	}
	if (is_word(tok(p), "udp") || is_word(tok(p), "icmp"))
		return parse_udp_icmp(p, k);
	if (parse_port_info(p, k) || parse_flags(p, k) || parse_seq(p, k) || parse_tcp_tail(p, k))
		return -1;
	if (k->tos_check == DRILL_TOS_ECT01 && !k->outbound)
		return drill_p_error_at(p, e->line, e->col,
		                        "[ect01] can only be used with outbound packets");
	if (k->opts_any && !k->outbound)
		return drill_p_error_at(
		    p, e->line, e->col,
		    "<...> for TCP options can only be used with outbound packets");
	if (k->win < 0 && !k->outbound)
		return drill_p_error_at(p, e->line, e->col,
		                        "window must be specified for inbound packets");
	return 0;
}
