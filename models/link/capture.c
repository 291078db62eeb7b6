/* models/link/capture.c — see capture.h. */
#include "models/link/capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/bytes.h"

#define PCAP_MAGIC_NS 0xa1b23c4du

struct capture {
	FILE *f;
	char *path;
	uint64_t frames;
	int error; /* first errno seen, 0 if none */
};

static void cap_write(struct capture *c, const void *buf, size_t n)
{
	if (c->error)
		return;
	if (fwrite(buf, 1, n, c->f) != n)
		c->error = errno ? errno : EIO;
}

struct capture *capture_open(const char *path, GError **error)
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

void capture_write(struct capture *c, sim_time_t t, const uint8_t dst_mac[6],
                   const uint8_t src_mac[6], const uint8_t *ip, uint32_t len)
{
	uint32_t frame = len + CAPTURE_ETH_HDR_LEN;
	uint32_t caplen = frame < CAPTURE_SNAPLEN ? frame : CAPTURE_SNAPLEN;
	uint8_t rec[16 + CAPTURE_ETH_HDR_LEN];
	g_assert(t >= 0);
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
