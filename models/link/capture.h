/* models/link/capture.h — pcap files of what crossed an interface, like tcpdump.
 *
 * Where it sits: iface.c owns one writer per captured interface and calls
 * capture_write() for every packet the interface sends (at serialisation start) or
 * receives (at arrival, corrupted ones included, as they crossed the wire).
 *
 * Format: classic pcap, nanosecond variant (magic 0xa1b23c4d), version 2.4, snaplen
 * 262144, link type 1 (Ethernet). Why a hand-written writer rather than libpcap: the
 * file is hashed into the run's trace hash, so its bytes must be identical on every
 * machine; libpcap writes its headers in host byte order and its version may change
 * details, while this writer emits a fixed little-endian layout (the byte order of
 * the Linux vectors in tests/vectors) with nothing taken from the host.
 *
 * Why Ethernet rather than raw IPv4: Wireshark then shows addresses exactly as in a
 * capture from a Linux veth (the vectors), and each interface gets a stable synthetic
 * MAC (capture_mac(): 02:xx:xx:xx:xx:xx, locally administered, derived from the node
 * and interface names by FNV-1a, so it never depends on creation order or pointers).
 * Frames are not padded to the Ethernet minimum (a veth capture is not either) and
 * carry no FCS.
 *
 * pcapng (capture_open_ng): the same frames in a pcapng file (a Section Header Block,
 * one Interface Description Block, an Enhanced Packet Block per frame), so the file
 * says where it was captured: the IDB carries the interface's name ("R:eth1"), a
 * description (node, interface, address), its IPv4 address and netmask, its MAC and a
 * nanosecond timestamp resolution; each EPB's flags say inbound or outbound. Written
 * little-endian with nothing taken from the host (no OS or hardware strings), for the
 * same reason as above.
 *
 * Writes are buffered; the first write error is remembered and reported by
 * capture_close(), so a capture that could not be written fails the run.
 */
#ifndef MODELS_LINK_CAPTURE_H
#define MODELS_LINK_CAPTURE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/core/time.h"

#define CAPTURE_SNAPLEN           262144u
#define CAPTURE_LINKTYPE_ETHERNET 1u
#define CAPTURE_ETH_HDR_LEN       14u

struct capture;

/* Creates `path` and writes the pcap file header. NULL with *error set on failure. */
struct capture *capture_open(const char *path, GError **error);

/* What a pcapng file says about the interface it was captured on. */
struct capture_iface_desc {
	const char *name;        /* if_name: "R:eth1" */
	const char *description; /* if_description: "node R, interface eth1, 10.0.2.1/24" */
	uint32_t addr, netmask;  /* if_IPv4addr (host order); addr 0: none */
	uint8_t mac[6];          /* if_MACaddr */
};

/* Creates `path` as a pcapng file: section header and the interface's description.
 * NULL with *error set on failure. */
struct capture *capture_open_ng(const char *path, const struct capture_iface_desc *desc,
                                GError **error);

/* Appends one frame: an Ethernet II header (dst, src, type 0x0800) and the IPv4
 * datagram `ip` of `len` bytes, stamped with simulated time t; `outgoing` says whether
 * the interface sent or received it (pcapng records it, pcap has no place for it). */
void capture_write(struct capture *c, sim_time_t t, const uint8_t dst_mac[6],
                   const uint8_t src_mac[6], const uint8_t *ip, uint32_t len, bool outgoing);

/* Frames written so far. */
uint64_t capture_frames(const struct capture *c);

/* Flushes and closes; frees the writer. 0, or -1 with *error set if any write failed.
 * NULL is allowed. */
int capture_close(struct capture *c, GError **error);

/* The synthetic MAC of interface `ifname` of node `node_name`. */
void capture_mac(const char *node_name, const char *ifname, uint8_t mac[6]);

#endif
