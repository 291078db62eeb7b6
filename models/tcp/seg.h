/* models/tcp/seg.h — the TCP segment wire codec (RFC 9293 §3.1).
 *
 * This file knows bytes, not behaviour: it turns a received segment into a host-order
 * "repr" (every field the state machine looks at) and writes a header from one. The
 * state machine never reads raw header bytes.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |  0
 * |                        Sequence Number                        |  4
 * |                    Acknowledgment Number                      |  8
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             | 12
 * |           Checksum            |         Urgent Pointer        | 16
 * |                    Options                    |    Padding    | 20
 *
 * Options understood: EOL (0), NOP (1), MSS (2, RFC 9293 §3.2), window scale (3,
 * RFC 7323 §2), SACK-permitted (4, RFC 2018 §2), SACK (5, RFC 2018 §3, up to four
 * blocks, a DSACK (RFC 2883) being simply the first) and timestamps (8, RFC 7323 §3);
 * any other kind is skipped by its length. A malformed option list (a length below
 * 2, or an option running past the header) stops option parsing and sets
 * `opt_malformed`; the segment itself is still delivered, as Linux does
 * (tcp_parse_options), so a broken option can never crash, loop or reset anything.
 * A known option with the wrong length (a SACK option whose length is not 2 + 8n)
 * is skipped and also sets `opt_malformed`.
 *
 * Options are written in Linux's layout (tcp_output.c tcp_options_write()), so that a
 * header parsed from a Linux capture is rewritten byte for byte:
 *   SYN with timestamps      MSS, SACK-permitted + TS (or NOP NOP + TS), NOP + WS
 *   SYN without timestamps   MSS, NOP NOP SACK-permitted, NOP + WS
 *   other segments           NOP NOP TS, then NOP NOP SACK with its blocks
 * The option space is 40 bytes: with timestamps (12) at most three SACK blocks fit
 * (4 + 3·8 = 28), without them four (RFC 2018 §3).
 */
#ifndef MODELS_TCP_SEG_H
#define MODELS_TCP_SEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ip/addr.h"

#define TCP_HDR_MIN 20u
#define TCP_HDR_MAX 60u
#define TCP_PROTO 6u

/* Header field offsets. */
enum {
	TCP_OFF_SPORT = 0,
	TCP_OFF_DPORT = 2,
	TCP_OFF_SEQ = 4,
	TCP_OFF_ACK = 8,
	TCP_OFF_DOFF = 12,
	TCP_OFF_FLAGS = 13,
	TCP_OFF_WIN = 14,
	TCP_OFF_CSUM = 16,
	TCP_OFF_URP = 18,
	TCP_OFF_OPTS = 20,
};

/* Control bits (byte 13). */
enum {
	TCP_FLAG_FIN = 0x01,
	TCP_FLAG_SYN = 0x02,
	TCP_FLAG_RST = 0x04,
	TCP_FLAG_PSH = 0x08,
	TCP_FLAG_ACK = 0x10,
	TCP_FLAG_URG = 0x20,
	TCP_FLAG_ECE = 0x40,
	TCP_FLAG_CWR = 0x80,
};

/* Option kinds. */
enum {
	TCP_OPTKIND_EOL = 0,
	TCP_OPTKIND_NOP = 1,
	TCP_OPTKIND_MSS = 2,
	TCP_OPTKIND_WSCALE = 3,
	TCP_OPTKIND_SACK_PERM = 4,
	TCP_OPTKIND_SACK = 5,
	TCP_OPTKIND_TIMESTAMP = 8,
};

/* Option lengths (bytes, with the padding Linux writes before them). */
enum {
	TCP_OPTLEN_TS_ALIGNED = 12,  /* NOP NOP TS (or SACK-permitted + TS on a SYN) */
	TCP_OPTLEN_SACK_BASE = 4,    /* NOP NOP kind length */
	TCP_OPTLEN_SACK_BLOCK = 8,   /* one block: left edge, right edge */
	TCP_OPT_SPACE = 40,          /* TCP_HDR_MAX − TCP_HDR_MIN */
};

/* RFC 2018 §3: at most four blocks fit in the option space. */
#define TCP_SACK_MAX_BLOCKS 4u

/* One SACK block (RFC 2018 §3): [start, end), "Left Edge" and "Right Edge". */
struct tcp_sack_block {
	uint32_t start;
	uint32_t end;
};

/* RFC 7323 §2.3: a shift count above 14 is used as 14. */
#define TCP_WSCALE_MAX 14u

/* A segment in host order. */
struct tcp_repr {
	uint16_t src_port;
	uint16_t dst_port;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;      /* TCP_FLAG_FIN … TCP_FLAG_CWR */
	uint8_t hdr_len;    /* data offset × 4, bytes (parse: as received; write: computed) */
	uint16_t window;    /* the raw 16-bit field, not scaled */
	uint16_t checksum;  /* as received (parse only) */
	uint16_t urg_ptr;

	/* Options present in the segment (parse) or to be written (write). */
	bool has_mss;
	bool has_wscale;
	bool has_sack_perm;
	bool has_timestamp;
	bool opt_malformed; /* parse: option parsing stopped at a malformed option, or a
			     * known option had the wrong length */
	uint16_t mss;
	uint8_t wscale;     /* as received (not yet clamped to TCP_WSCALE_MAX) */
	uint32_t ts_val;
	uint32_t ts_ecr;
	uint8_t sack_count; /* SACK blocks present (parse) or to write; 0 = no option */
	/* Not a TCP field: the ECN codepoint of the IPv4 header the segment arrived in
	 * (RFC 3168 §5, enum ipv4_ecn), set by the stack after parsing; 0 on write. */
	uint8_t ip_ecn;

	/* Payload (parse: points into the parsed buffer). */
	const uint8_t *payload;
	uint32_t payload_len;

	/* The SACK blocks in the order of the option; only the first sack_count are
	 * meaningful (parsing leaves the others unset). Last, so that parsing clears
	 * the fields above and not these. */
	struct tcp_sack_block sack[TCP_SACK_MAX_BLOCKS];
};

/* Sequence space the segment occupies: payload + SYN + FIN (RFC 9293 §3.4, SEG.LEN). */
static inline uint32_t tcp_repr_seg_len(const struct tcp_repr *r)
{
	return r->payload_len + ((r->flags & TCP_FLAG_SYN) ? 1u : 0u) +
	       ((r->flags & TCP_FLAG_FIN) ? 1u : 0u);
}

/* Parses the segment seg[0, len). Returns 0, or -EINVAL when it cannot be a TCP
 * segment (shorter than 20 bytes, data offset below 5 or beyond len). Does not
 * verify the checksum (tcp_seg_csum_ok). */
int tcp_seg_parse(const uint8_t *seg, size_t len, struct tcp_repr *r);

/* Length of the header (with options, padded to 4 bytes) tcp_seg_write would write. */
uint32_t tcp_seg_hdr_len(const struct tcp_repr *r);

/* Writes the header of r (fields and options; checksum field 0) at buf, which must
 * hold tcp_seg_hdr_len(r) bytes. Options are written in Linux's order and padding
 * (the layout above), so a header parsed from a Linux capture is rewritten byte for
 * byte. The options must fit in 40 bytes (asserted). Returns the header length. */
uint32_t tcp_seg_write(uint8_t *buf, const struct tcp_repr *r);

/* The checksum accumulator of the IPv4 pseudo header for a TCP segment of `len`
 * bytes (RFC 9293 §3.1). */
uint32_t tcp_pseudo_sum(ipv4_addr_t src, ipv4_addr_t dst, uint32_t len);

/* Computes the segment's checksum (its field must be 0 or is treated as 0) and stores
 * it in the header. seg[0, len) is the whole segment. */
void tcp_seg_set_csum(uint8_t *seg, size_t len, ipv4_addr_t src, ipv4_addr_t dst);

/* The same for a segment whose payload (from offset hdr_len, which is even) was summed
 * already while it was copied into place (inet_csum_copy): only the header is read. */
void tcp_seg_set_csum_partial(uint8_t *seg, size_t hdr_len, size_t len, uint32_t payload_sum,
			      ipv4_addr_t src, ipv4_addr_t dst);

/* Verifies a received segment's checksum with the pseudo header. */
bool tcp_seg_csum_ok(const uint8_t *seg, size_t len, ipv4_addr_t src, ipv4_addr_t dst);

/* Writes a short human description ("S 100:100(0) ack 0 win 65535 <mss 1460>") into
 * buf, for test failures and debugging. Returns buf. */
char *tcp_repr_format(const struct tcp_repr *r, char *buf, size_t n);

#endif
