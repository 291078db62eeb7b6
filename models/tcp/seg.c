/* models/tcp/seg.c — parse and write TCP headers; checksums with the pseudo header.
 *
 * Sits at the bottom of TCP: input.c calls tcp_seg_parse() on every received segment,
 * output.c calls tcp_seg_write() and tcp_seg_set_csum() on every segment it sends.
 */
#include "models/tcp/seg.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "models/ip/csum.h"
#include "sim/core/bytes.h"

/* A SACK option (RFC 2018 §3): 2 + 8n bytes, n blocks of two 32-bit edges. Linux
 * (tcp_parse_options) ignores one of another length; so does this, and counts it
 * as malformed. Options repeated in one segment: the last one counts. */
static void parse_sack(const uint8_t *v, uint8_t olen, struct tcp_repr *r)
{
	uint32_t n = (uint32_t)(olen - 2) / TCP_OPTLEN_SACK_BLOCK;
	if (olen < 2 + TCP_OPTLEN_SACK_BLOCK || (olen - 2) % TCP_OPTLEN_SACK_BLOCK ||
	    n > TCP_SACK_MAX_BLOCKS) {
		r->opt_malformed = true;
		return;
	}
	r->sack_count = (uint8_t)n;
	for (uint32_t k = 0; k < n; k++) {
		r->sack[k].start = sim_get_be32(v + 8 * k);
		r->sack[k].end = sim_get_be32(v + 8 * k + 4);
	}
}

/* Walks the option list opt[0, len). RFC 9293 §3.1: "a TCP implementation MUST be
 * able to receive a TCP Option in any segment" and must be prepared for an illegal
 * option length; unknown kinds are skipped by their length (RFC 9293 §3.2, MUST-68). */
static void parse_options(const uint8_t *opt, uint32_t len, struct tcp_repr *r)
{
	uint32_t i = 0;
	while (i < len) {
		uint8_t kind = opt[i];
		if (kind == TCP_OPTKIND_EOL)
			return;
		if (kind == TCP_OPTKIND_NOP) {
			i++;
			continue;
		}
		/* Every other option has a length byte covering kind and length. A length
		 * below 2 would never advance; one running past the header would read
		 * beyond it. Both end parsing (Linux tcp_parse_options does the same). */
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len) {
			r->opt_malformed = true;
			return;
		}
		uint8_t olen = opt[i + 1];
		const uint8_t *v = opt + i + 2;
		switch (kind) {
		case TCP_OPTKIND_MSS:
			if (olen == 4) {
				r->has_mss = true;
				r->mss = sim_get_be16(v);
			} else {
				r->opt_malformed = true;
			}
			break;
		case TCP_OPTKIND_WSCALE:
			if (olen == 3) {
				r->has_wscale = true;
				r->wscale = v[0];
			} else {
				r->opt_malformed = true;
			}
			break;
		case TCP_OPTKIND_SACK_PERM:
			if (olen == 2)
				r->has_sack_perm = true;
			else
				r->opt_malformed = true;
			break;
		case TCP_OPTKIND_SACK:
			parse_sack(v, olen, r);
			break;
		case TCP_OPTKIND_TIMESTAMP:
			if (olen == 10) {
				r->has_timestamp = true;
				r->ts_val = sim_get_be32(v);
				r->ts_ecr = sim_get_be32(v + 4);
			} else {
				r->opt_malformed = true;
			}
			break;
		default:
			/* Unknown kind: skipped by its length. */
			break;
		}
		i += olen;
	}
}

int tcp_seg_parse(const uint8_t *seg, size_t len, struct tcp_repr *r)
{
	memset(r, 0, offsetof(struct tcp_repr, sack));
	if (len < TCP_HDR_MIN)
		return -EINVAL;
	uint32_t hdr_len = (uint32_t)(seg[TCP_OFF_DOFF] >> 4) * 4u;
	if (hdr_len < TCP_HDR_MIN || hdr_len > len)
		return -EINVAL;
	r->src_port = sim_get_be16(seg + TCP_OFF_SPORT);
	r->dst_port = sim_get_be16(seg + TCP_OFF_DPORT);
	r->seq = sim_get_be32(seg + TCP_OFF_SEQ);
	r->ack = sim_get_be32(seg + TCP_OFF_ACK);
	r->flags = seg[TCP_OFF_FLAGS];
	r->hdr_len = (uint8_t)hdr_len;
	r->window = sim_get_be16(seg + TCP_OFF_WIN);
	r->checksum = sim_get_be16(seg + TCP_OFF_CSUM);
	r->urg_ptr = sim_get_be16(seg + TCP_OFF_URP);
	parse_options(seg + TCP_OFF_OPTS, hdr_len - TCP_HDR_MIN, r);
	r->payload = seg + hdr_len;
	r->payload_len = (uint32_t)(len - hdr_len);
	return 0;
}

/* Option bytes in Linux's layout (tcp_output.c tcp_options_write()): MSS; then
 * SACK-permitted and timestamps (4+10 bytes together, or each padded by two NOPs);
 * then NOP + window scale; then NOP NOP + the SACK blocks. */
static uint32_t options_len(const struct tcp_repr *r)
{
	uint32_t n = 0;
	if (r->has_mss)
		n += 4;
	if (r->has_timestamp)
		n += TCP_OPTLEN_TS_ALIGNED; /* SACK-perm + TS, or NOP NOP + TS */
	else if (r->has_sack_perm)
		n += 4;                          /* NOP NOP SACK-perm */
	if (r->has_wscale)
		n += 4;                          /* NOP + window scale */
	if (r->sack_count)
		n += TCP_OPTLEN_SACK_BASE + TCP_OPTLEN_SACK_BLOCK * (uint32_t)r->sack_count;
	return n;
}

uint32_t tcp_seg_hdr_len(const struct tcp_repr *r)
{
	return TCP_HDR_MIN + options_len(r);
}

uint32_t tcp_seg_write(uint8_t *buf, const struct tcp_repr *r)
{
	uint32_t hdr_len = tcp_seg_hdr_len(r);
	g_assert(hdr_len <= TCP_HDR_MAX && r->sack_count <= TCP_SACK_MAX_BLOCKS);
	sim_put_be16(buf + TCP_OFF_SPORT, r->src_port);
	sim_put_be16(buf + TCP_OFF_DPORT, r->dst_port);
	sim_put_be32(buf + TCP_OFF_SEQ, r->seq);
	sim_put_be32(buf + TCP_OFF_ACK, r->ack);
	buf[TCP_OFF_DOFF] = (uint8_t)((hdr_len / 4u) << 4);
	buf[TCP_OFF_FLAGS] = r->flags;
	sim_put_be16(buf + TCP_OFF_WIN, r->window);
	sim_put_be16(buf + TCP_OFF_CSUM, 0);
	sim_put_be16(buf + TCP_OFF_URP, r->urg_ptr);

	uint8_t *p = buf + TCP_OFF_OPTS;
	if (r->has_mss) {
		p[0] = TCP_OPTKIND_MSS;
		p[1] = 4;
		sim_put_be16(p + 2, r->mss);
		p += 4;
	}
	if (r->has_timestamp) {
		if (r->has_sack_perm) {
			p[0] = TCP_OPTKIND_SACK_PERM;
			p[1] = 2;
		} else {
			p[0] = TCP_OPTKIND_NOP;
			p[1] = TCP_OPTKIND_NOP;
		}
		p[2] = TCP_OPTKIND_TIMESTAMP;
		p[3] = 10;
		sim_put_be32(p + 4, r->ts_val);
		sim_put_be32(p + 8, r->ts_ecr);
		p += 12;
	} else if (r->has_sack_perm) {
		p[0] = TCP_OPTKIND_NOP;
		p[1] = TCP_OPTKIND_NOP;
		p[2] = TCP_OPTKIND_SACK_PERM;
		p[3] = 2;
		p += 4;
	}
	if (r->has_wscale) {
		p[0] = TCP_OPTKIND_NOP;
		p[1] = TCP_OPTKIND_WSCALE;
		p[2] = 3;
		p[3] = r->wscale;
		p += 4;
	}
	if (r->sack_count) {
		p[0] = TCP_OPTKIND_NOP;
		p[1] = TCP_OPTKIND_NOP;
		p[2] = TCP_OPTKIND_SACK;
		p[3] = (uint8_t)(2 + TCP_OPTLEN_SACK_BLOCK * r->sack_count);
		p += 4;
		for (uint32_t k = 0; k < r->sack_count; k++) {
			sim_put_be32(p, r->sack[k].start);
			sim_put_be32(p + 4, r->sack[k].end);
			p += TCP_OPTLEN_SACK_BLOCK;
		}
	}
	return hdr_len;
}

uint32_t tcp_pseudo_sum(ipv4_addr_t src, ipv4_addr_t dst, uint32_t len)
{
	/* RFC 9293 §3.1: source, destination, zero + protocol, TCP length. */
	return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) + TCP_PROTO +
	       (len >> 16) + (len & 0xffffu);
}

void tcp_seg_set_csum(uint8_t *seg, size_t len, ipv4_addr_t src, ipv4_addr_t dst)
{
	sim_put_be16(seg + TCP_OFF_CSUM, 0);
	uint32_t s = inet_csum_add(tcp_pseudo_sum(src, dst, (uint32_t)len), seg, len);
	sim_put_be16(seg + TCP_OFF_CSUM, inet_csum_finish(s));
}

void tcp_seg_set_csum_partial(uint8_t *seg, size_t hdr_len, size_t len, uint32_t payload_sum,
			      ipv4_addr_t src, ipv4_addr_t dst)
{
	sim_put_be16(seg + TCP_OFF_CSUM, 0);
	uint32_t pseudo = tcp_pseudo_sum(src, dst, (uint32_t)len);
	uint32_t s = hdr_len == TCP_HDR_MIN ? inet_csum_add20(pseudo, seg)
					     : inet_csum_add(pseudo, seg, hdr_len);
	s += payload_sum;
	sim_put_be16(seg + TCP_OFF_CSUM, inet_csum_finish(s));
}

bool tcp_seg_csum_ok(const uint8_t *seg, size_t len, ipv4_addr_t src, ipv4_addr_t dst)
{
	uint32_t s = inet_csum_add(tcp_pseudo_sum(src, dst, (uint32_t)len), seg, len);
	return inet_csum_finish(s) == 0;
}

char *tcp_repr_format(const struct tcp_repr *r, char *buf, size_t n)
{
	static const char names[] = "FSRPAUEC";
	char fl[9];
	size_t k = 0;
	for (int i = 0; i < 8; i++)
		if (r->flags & (1u << i))
			fl[k++] = names[i];
	fl[k] = '\0';
	int w = snprintf(buf, n, "%u>%u %s seq %u ack %u win %u len %u", r->src_port,
			 r->dst_port, k ? fl : ".", r->seq, r->ack, r->window, r->payload_len);
	if (w < 0 || (size_t)w >= n)
		return buf;
	if (r->has_mss)
		w += snprintf(buf + w, n - (size_t)w, " <mss %u>", r->mss);
	if ((size_t)w < n && r->has_wscale)
		w += snprintf(buf + w, n - (size_t)w, " <wscale %u>", r->wscale);
	if ((size_t)w < n && r->has_sack_perm)
		w += snprintf(buf + w, n - (size_t)w, " <sackOK>");
	if ((size_t)w < n && r->has_timestamp)
		w += snprintf(buf + w, n - (size_t)w, " <TS val %u ecr %u>", r->ts_val, r->ts_ecr);
	for (uint32_t b = 0; b < r->sack_count && (size_t)w < n; b++)
		w += snprintf(buf + w, n - (size_t)w, " <sack %u:%u>", r->sack[b].start,
			      r->sack[b].end);
	if ((size_t)w < n && r->opt_malformed)
		snprintf(buf + w, n - (size_t)w, " <malformed options>");
	return buf;
}
