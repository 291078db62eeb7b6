/* models/link/iface.h — network interfaces.
 *
 * Where it sits: between IPv4 and the link. ipv4 hands a finished datagram to
 * iface_output(); the link hands an arriving one to the receive hook of the
 * interface's port (struct link_port, filled in by iface_new()), which records it in
 * a capture and calls the input handler the network layer registered (ipv4_input,
 * set by ipv4_attach()). A capture tap sits here, so a pcap shows exactly what
 * crossed the wire. The interface knows its owner only as an opaque `struct node *`:
 * nothing here looks inside a node or IP.
 *
 * Every node has interface 0, "lo" (127.0.0.1/8, device MTU 65536 as Linux; IPv4
 * uses at most 65535 of it, see ipv4_mtu()). A datagram
 * sent on lo is delivered back to the same node's IPv4 input by a scheduler event,
 * never by a nested call (so a protocol is never re-entered from its own output),
 * after the time lo takes to move it at IFACE_LO_RATE_BPS, in order, without loss or
 * a queue limit. Other interfaces are attached to one link each.
 */
#ifndef MODELS_LINK_IFACE_H
#define MODELS_LINK_IFACE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "models/link/link.h"
#include "sim/core/packet.h"
#include "sim/core/sched.h"

struct sim;
struct node;
struct iface;
struct capture;

/* The network layer's receive handler for datagrams arriving on an interface
 * (ipv4_input). Takes ownership of pkt (IPv4 header at data). */
typedef void (*iface_input_fn)(struct sim *sim, struct iface *ifc, struct sim_packet *pkt);

struct iface_stats {
	uint64_t tx_packets, tx_bytes; /* handed to the link (or looped back) */
	uint64_t rx_packets, rx_bytes; /* received from the link (or looped back) */
	uint64_t tx_no_link;           /* dropped: interface not attached to a link */
};

struct iface {
	struct node *node; /* owner; opaque here */
	char *name;     /* "lo", "eth0", ... unique within the node */
	uint32_t index; /* position in the node's list; lo is 0 */
	bool loopback;
	ipv4_addr_t addr; /* 0 when unnumbered */
	uint8_t prefix_len;
	uint32_t mtu;          /* largest IP datagram it sends (from the link) */
	struct link_port port; /* this interface's end of its link (port.link: NULL
	                        * until connected) */
	uint8_t mac[6];        /* synthetic, stable (capture_mac) */
	iface_input_fn input;  /* NULL until the network layer registers one */
	struct capture *capture; /* NULL unless captured */
	struct iface_stats stats;
	/* Loopback only: datagrams on their way, in order, each with its delivery time
	 * in pkt->stamp; the time lo is busy until. */
	struct sim_packet *lo_head, *lo_tail;
	struct sim_timer lo_timer;
	sim_time_t lo_busy_until;
};

/* The rate lo moves data at: about what a current Linux host carries over lo with one
 * TCP flow (iperf3 reports tens of Gbit/s). A rate, not zero time: a flow from a node to
 * itself must let simulated time pass, or it would run for ever at one instant. */
#define IFACE_LO_RATE_BPS UINT64_C(40000000000)

/* Joins interfaces a (first endpoint) and b, which must belong to different nodes,
 * not be loopback and have no link yet, by a new link named `name` (link_create()):
 * `forward` configures a → b, `reverse` b → a (pass the same pointer twice for a
 * symmetric link). Sets each interface's MTU to its sending direction's mtu. The
 * caller owns the link and frees it with link_free() before freeing the nodes. */
struct link *link_new(struct sim *sim, const char *name, struct iface *a, struct iface *b,
                      const struct link_dir_config *forward, const struct link_dir_config *reverse);

/* Sends an IPv4 datagram (header at data) on the interface; takes ownership.
 * Returns 0, or -ENOTCONN when the interface has no link (the datagram is dropped
 * and counted in tx_no_link; the caller counts its own discard). */
int iface_output(struct sim *sim, struct iface *ifc, struct sim_packet *pkt);

/* A datagram arrives on the interface (the port's receive hook; tests call it to
 * inject one): records it in a capture and passes it to the input handler. Takes
 * ownership. */
void iface_receive(struct sim *sim, struct iface *ifc, struct sim_packet *pkt);

/* Starts capturing into the pcap file `path` (like tcpdump -i on this interface).
 * Call before traffic starts (packets already queued on the link are not recorded at
 * their dequeue instant). Returns 0, or -1 with *error set. */
int iface_capture_start(struct iface *ifc, const char *path, GError **error);

/* The same into a pcapng file, whose interface description names node `node_name`
 * and this interface ("R:eth1"), with its address, netmask and MAC (capture.h). */
int iface_capture_start_ng(struct iface *ifc, const char *node_name, const char *path,
                           GError **error);

/* Stops capturing and closes the file; 0, or -1 with *error set on a write error. */
int iface_capture_stop(struct iface *ifc, GError **error);

/* The peer interface across the link, or NULL. */
struct iface *iface_peer(const struct iface *ifc);

/* Internal to node.c: creation and destruction of interface objects. `node_name`
 * seeds the synthetic MAC address. */
struct iface *iface_new(struct node *node, const char *node_name, const char *name,
                        uint32_t index, bool loopback);
void iface_free(struct sim *sim, struct iface *ifc);

#endif
