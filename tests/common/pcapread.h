/* tests/common/pcapread.h — a minimal reader of classic pcap files for tests.
 *
 * Reads the whole file into memory and indexes its records. Understands both
 * microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) magic in either byte order;
 * timestamps are returned in nanoseconds. Link types: 1 (Ethernet) and 101/228 (raw
 * IPv4); ip_offset() tells where the IPv4 header starts in a record.
 */
#ifndef TESTS_COMMON_PCAPREAD_H
#define TESTS_COMMON_PCAPREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcap_record {
	int64_t ts_ns;
	const uint8_t *data;
	uint32_t caplen;
	uint32_t len;
};

struct pcap_file {
	uint8_t *bytes;
	size_t size;
	bool nanosecond;
	bool swapped;
	uint32_t linktype;
	uint32_t snaplen;
	struct pcap_record *rec;
	size_t n;
};

/* Loads a pcap file; returns false (with a message on stderr) if it is malformed. */
bool pcap_load(struct pcap_file *f, const char *path);
void pcap_unload(struct pcap_file *f);

/* Offset of the IPv4 header inside a record of this file's link type. */
uint32_t pcap_ip_offset(const struct pcap_file *f);

#endif
