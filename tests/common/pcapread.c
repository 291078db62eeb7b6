/* tests/common/pcapread.c — see pcapread.h. */
#include "tests/common/pcapread.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	uint32_t be = (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
	return swapped ? be : le;
}

bool pcap_load(struct pcap_file *f, const char *path)
{
	gchar *bytes;
	gsize size;
	memset(f, 0, sizeof(*f));
	if (!g_file_get_contents(path, &bytes, &size, NULL)) {
		fprintf(stderr, "pcap_load: cannot read %s\n", path);
		return false;
	}
	f->bytes = (uint8_t *)bytes;
	f->size = size;
	if (size < 24)
		goto bad;
	uint32_t magic = rd32(f->bytes, false);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
		f->swapped = false;
	} else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
		f->swapped = true;
		magic = rd32(f->bytes, true);
	} else {
		goto bad;
	}
	f->nanosecond = (magic == 0xa1b23c4d);
	f->snaplen = rd32(f->bytes + 16, f->swapped);
	f->linktype = rd32(f->bytes + 20, f->swapped);
	size_t off = 24, cap = 0;
	while (off < size) {
		if (size - off < 16)
			goto bad;
		const uint8_t *h = f->bytes + off;
		uint32_t sec = rd32(h, f->swapped), sub = rd32(h + 4, f->swapped);
		uint32_t caplen = rd32(h + 8, f->swapped), len = rd32(h + 12, f->swapped);
		if (caplen > size - off - 16 || caplen > len)
			goto bad;
		if (f->n == cap) {
			cap = cap ? cap * 2 : 64;
			f->rec = g_renew(struct pcap_record, f->rec, cap);
		}
		f->rec[f->n].ts_ns = (int64_t)sec * 1000000000 + (int64_t)sub * (f->nanosecond ? 1 : 1000);
		f->rec[f->n].data = h + 16;
		f->rec[f->n].caplen = caplen;
		f->rec[f->n].len = len;
		f->n++;
		off += 16 + caplen;
	}
	return true;
bad:
	fprintf(stderr, "pcap_load: %s is malformed\n", path);
	pcap_unload(f);
	return false;
}

void pcap_unload(struct pcap_file *f)
{
	g_free(f->bytes);
	g_free(f->rec);
	memset(f, 0, sizeof(*f));
}

uint32_t pcap_ip_offset(const struct pcap_file *f)
{
	return f->linktype == 1 ? 14 : 0;
}
