/* models/link/capture.c — see capture.h. */
#include "models/link/capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/bytes.h"

#define PCAP_MAGIC_NS 0xa1b23c4du

/* pcapng (draft-ietf-opsawg-pcapng): block types and option codes used here. */
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1a2b3c4du
#define PCAPNG_OPT_END 0
#define PCAPNG_SHB_USERAPPL 4
#define PCAPNG_IF_NAME 2
#define PCAPNG_IF_DESCRIPTION 3
#define PCAPNG_IF_IPV4ADDR 4
#define PCAPNG_IF_MACADDR 6
#define PCAPNG_IF_TSRESOL 9
#define PCAPNG_EPB_FLAGS 2
#define PCAPNG_FLAG_INBOUND 1u  /* epb_flags bits 0-1: direction */
#define PCAPNG_FLAG_OUTBOUND 2u

struct capture {
	FILE *f;
	char *path;
	uint64_t frames;
	int error; /* first errno seen, 0 if none */
	bool ng;   /* pcapng rather than pcap */
};

static void cap_write(struct capture *c, const void *buf, size_t n)
{
	if (c->error)
		return;
	if (fwrite(buf, 1, n, c->f) != n)
		c->error = errno ? errno : EIO;
}

static struct capture *cap_create(const char *path, GError **error)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s",
		            path, g_strerror(e));
		return NULL;
	}
	struct capture *c = g_new0(struct capture, 1);
	c->f = f;
	c->path = g_strdup(path);
	return c;
}

struct capture *capture_open(const char *path, GError **error)
{
	struct capture *c = cap_create(path, error);
	if (!c)
		return NULL;
	/* The global header, little-endian (the magic's bytes on disk are 4d 3c b2 a1). */
	uint8_t h[24];
	sim_put_le32(h, PCAP_MAGIC_NS);
	sim_put_le16(h + 4, 2); /* version 2.4 */
	sim_put_le16(h + 6, 4);
	sim_put_le32(h + 8, 0);  /* thiszone: UTC */
	sim_put_le32(h + 12, 0); /* sigfigs */
	sim_put_le32(h + 16, CAPTURE_SNAPLEN);
	sim_put_le32(h + 20, CAPTURE_LINKTYPE_ETHERNET);
	cap_write(c, h, sizeof(h));
	return c;
}

/* ---- pcapng ---- */

/* Appends one option (code, length, value padded to 4 bytes) to a block being built. */
static void ng_option(GByteArray *b, uint16_t code, const void *value, uint16_t len)
{
	uint8_t h[4];
	static const uint8_t pad[4];
	sim_put_le16(h, code);
	sim_put_le16(h + 2, len);
	g_byte_array_append(b, h, 4);
	if (len) {
		g_byte_array_append(b, value, len);
		g_byte_array_append(b, pad, (4 - len % 4) % 4);
	}
}

static void ng_option_str(GByteArray *b, uint16_t code, const char *s)
{
	size_t n = strlen(s);
	ng_option(b, code, s, (uint16_t)(n < 0xfffc ? n : 0xfffc));
}

/* Writes a block: type, total length, body (already padded), total length again. */
static void ng_block(struct capture *c, uint32_t type, const GByteArray *body)
{
	uint8_t h[8], t[4];
	uint32_t total = (uint32_t)body->len + 12;
	sim_put_le32(h, type);
	sim_put_le32(h + 4, total);
	sim_put_le32(t, total);
	cap_write(c, h, 8);
	cap_write(c, body->data, body->len);
	cap_write(c, t, 4);
}

struct capture *capture_open_ng(const char *path, const struct capture_iface_desc *desc,
                                GError **error)
{
	struct capture *c = cap_create(path, error);
	if (!c)
		return NULL;
	c->ng = true;
	uint8_t v[8];
	/* Section Header Block: byte-order magic, version 1.0, section length unknown. */
	GByteArray *b = g_byte_array_new();
	sim_put_le32(v, PCAPNG_BYTE_ORDER_MAGIC);
	sim_put_le16(v + 4, 1);
	sim_put_le16(v + 6, 0);
	g_byte_array_append(b, v, 8);
	memset(v, 0xff, 8);
	g_byte_array_append(b, v, 8);
	ng_option_str(b, PCAPNG_SHB_USERAPPL, "netsim");
	ng_option(b, PCAPNG_OPT_END, NULL, 0);
	ng_block(c, PCAPNG_SHB, b);
	/* Interface Description Block: Ethernet, the snap length, then who it is. */
	g_byte_array_set_size(b, 0);
	sim_put_le16(v, CAPTURE_LINKTYPE_ETHERNET);
	sim_put_le16(v + 2, 0);
	sim_put_le32(v + 4, CAPTURE_SNAPLEN);
	g_byte_array_append(b, v, 8);
	ng_option_str(b, PCAPNG_IF_NAME, desc->name);
	ng_option_str(b, PCAPNG_IF_DESCRIPTION, desc->description);
	if (desc->addr != 0) {
		sim_put_be32(v, desc->addr); /* network order, as on the wire */
		sim_put_be32(v + 4, desc->netmask);
		ng_option(b, PCAPNG_IF_IPV4ADDR, v, 8);
	}
	ng_option(b, PCAPNG_IF_MACADDR, desc->mac, 6);
	uint8_t resol = 9; /* timestamps in units of 10^-9 s */
	ng_option(b, PCAPNG_IF_TSRESOL, &resol, 1);
	ng_option(b, PCAPNG_OPT_END, NULL, 0);
	ng_block(c, PCAPNG_IDB, b);
	g_byte_array_free(b, TRUE);
	return c;
}

/* An Enhanced Packet Block on interface 0: the frame, and its direction. */
static void ng_write(struct capture *c, sim_time_t t, const uint8_t eth[CAPTURE_ETH_HDR_LEN],
                     const uint8_t *ip, uint32_t caplen, uint32_t frame, bool outgoing)
{
	static const uint8_t pad[4];
	uint32_t padded = (caplen + 3) & ~3u;
	uint32_t total = 8 + 20 + padded + 12 + 4; /* type+length, fields, data, options, length */
	uint8_t h[28], opt[16];
	sim_put_le32(h, PCAPNG_EPB);
	sim_put_le32(h + 4, total);
	sim_put_le32(h + 8, 0); /* interface id */
	sim_put_le32(h + 12, (uint32_t)((uint64_t)t >> 32));
	sim_put_le32(h + 16, (uint32_t)t);
	sim_put_le32(h + 20, caplen);
	sim_put_le32(h + 24, frame);
	cap_write(c, h, sizeof(h));
	cap_write(c, eth, CAPTURE_ETH_HDR_LEN);
	cap_write(c, ip, caplen - CAPTURE_ETH_HDR_LEN);
	cap_write(c, pad, padded - caplen);
	sim_put_le16(opt, PCAPNG_EPB_FLAGS);
	sim_put_le16(opt + 2, 4);
	sim_put_le32(opt + 4, outgoing ? PCAPNG_FLAG_OUTBOUND : PCAPNG_FLAG_INBOUND);
	sim_put_le32(opt + 8, 0); /* opt_endofopt */
	sim_put_le32(opt + 12, total);
	cap_write(c, opt, sizeof(opt));
}

void capture_write(struct capture *c, sim_time_t t, const uint8_t dst_mac[6],
                   const uint8_t src_mac[6], const uint8_t *ip, uint32_t len, bool outgoing)
{
	uint32_t frame = len + CAPTURE_ETH_HDR_LEN;
	uint32_t caplen = frame < CAPTURE_SNAPLEN ? frame : CAPTURE_SNAPLEN;
	uint8_t rec[16 + CAPTURE_ETH_HDR_LEN];
	g_assert(t >= 0);
	if (c->ng) {
		uint8_t eth[CAPTURE_ETH_HDR_LEN];
		memcpy(eth, dst_mac, 6);
		memcpy(eth + 6, src_mac, 6);
		sim_put_be16(eth + 12, 0x0800); /* EtherType IPv4 */
		ng_write(c, t, eth, ip, caplen, frame, outgoing);
		c->frames++;
		return;
	}
	sim_put_le32(rec, (uint32_t)(t / 1000000000));
	sim_put_le32(rec + 4, (uint32_t)(t % 1000000000));
	sim_put_le32(rec + 8, caplen);
	sim_put_le32(rec + 12, frame);
	memcpy(rec + 16, dst_mac, 6);
	memcpy(rec + 22, src_mac, 6);
	sim_put_be16(rec + 28, 0x0800); /* EtherType IPv4 */
	cap_write(c, rec, sizeof(rec));
	cap_write(c, ip, caplen - CAPTURE_ETH_HDR_LEN);
	c->frames++;
}

uint64_t capture_frames(const struct capture *c)
{
	return c->frames;
}

int capture_close(struct capture *c, GError **error)
{
	if (!c)
		return 0;
	if (fflush(c->f) != 0 && !c->error)
		c->error = errno ? errno : EIO;
	if (fclose(c->f) != 0 && !c->error)
		c->error = errno ? errno : EIO;
	int rc = 0;
	if (c->error) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(c->error),
		            "%s: %s", c->path, g_strerror(c->error));
		rc = -1;
	}
	g_free(c->path);
	g_free(c);
	return rc;
}

/* FNV-1a, 64-bit: a fixed, documented function of the names (never of pointers or
 * creation order), so a node's MACs are the same in every run and on every machine. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

void capture_mac(const char *node_name, const char *ifname, uint8_t mac[6])
{
	uint64_t h = fnv1a(UINT64_C(0xcbf29ce484222325), node_name);
	h = fnv1a(h, "/");
	h = fnv1a(h, ifname);
	mac[0] = 0x02; /* locally administered, unicast */
	for (int i = 1; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * (i - 1)));
}
