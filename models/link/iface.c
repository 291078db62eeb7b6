/* models/link/iface.c — see iface.h. */
#include "models/link/iface.h"

#include <errno.h>
#include <string.h>

#include "models/link/capture.h"
#include "sim/core/sim.h"

/* The port's receive hook: the link delivers here. */
static void port_receive(struct sim *sim, void *ctx, struct sim_packet *pkt)
{
	iface_receive(sim, ctx, pkt);
}

struct iface *iface_new(struct node *node, const char *node_name, const char *name, uint32_t index,
                        bool loopback)
{
	struct iface *ifc = g_new0(struct iface, 1);
	ifc->node = node;
	ifc->name = g_strdup(name);
	ifc->index = index;
	ifc->loopback = loopback;
	ifc->mtu = loopback ? 65536 : 1500;
	ifc->port.receive = port_receive;
	ifc->port.ctx = ifc;
	/* Linux's lo shows all-zero MACs in a capture; others get a synthetic one. */
	if (!loopback)
		capture_mac(node_name, name, ifc->mac);
	return ifc;
}

struct link *link_new(struct sim *sim, const char *name, struct iface *a, struct iface *b,
                      const struct link_dir_config *forward, const struct link_dir_config *reverse)
{
	if (a->node == b->node)
		g_error("link %s: both ends on the same node", name);
	if (a->loopback || b->loopback)
		g_error("link %s: a loopback interface cannot be linked", name);
	struct link *l = link_create(sim, name, &a->port, &b->port, forward, reverse);
	a->mtu = forward->mtu;
	b->mtu = reverse->mtu;
	return l;
}

void iface_free(struct sim *sim, struct iface *ifc)
{
	if (!ifc)
		return;
	g_assert(ifc->port.link == NULL); /* links are freed before nodes */
	sim_timer_cancel(sim, &ifc->lo_timer);
	while (ifc->lo_head) {
		struct sim_packet *p = ifc->lo_head;
		ifc->lo_head = p->next;
		sim_packet_free(p);
	}
	capture_close(ifc->capture, NULL);
	g_free(ifc->name);
	g_free(ifc);
}

/* Records a datagram in the interface's capture (no-op if not captured). `outgoing`
 * selects the MAC order. */
static void capture_packet(struct sim *sim, struct iface *ifc, const struct sim_packet *pkt,
                           sim_time_t t, bool outgoing)
{
	if (!ifc->capture)
		return;
	static const uint8_t zero[6];
	const struct iface *peer = iface_peer(ifc);
	const uint8_t *own = ifc->mac, *other = peer ? peer->mac : zero;
	if (outgoing)
		capture_write(ifc->capture, t, other, own, pkt->data, pkt->len, true);
	else
		capture_write(ifc->capture, t, own, other, pkt->data, pkt->len, false);
}

/* Delivers the looped-back datagrams that are due, in order, and waits for the next.
 * A datagram looped back meanwhile (a reply to the node itself) is due later: lo
 * takes time to move it. */
static void lo_deliver(struct sim *sim, void *ctx, void *arg)
{
	struct iface *ifc = ctx;
	while (ifc->lo_head && ifc->lo_head->stamp <= sim_now(sim)) {
		struct sim_packet *p = ifc->lo_head;
		ifc->lo_head = p->next;
		if (!ifc->lo_head)
			ifc->lo_tail = NULL;
		p->next = NULL;
		ifc->stats.rx_packets++;
		ifc->stats.rx_bytes += p->len;
		ifc->input(sim, ifc, p);
	}
	if (ifc->lo_head && !sim_timer_pending(sim, &ifc->lo_timer))
		sim_timer_arm_at(sim, &ifc->lo_timer, ifc->lo_head->stamp, lo_deliver, ifc, NULL);
}

/* Time lo takes to move `len` bytes at IFACE_LO_RATE_BPS, at least 1 ns. */
static sim_time_t lo_transfer_time(uint32_t len)
{
	uint64_t bits = (uint64_t)len * 8;
	sim_time_t t = (sim_time_t)((bits * UINT64_C(1000000000) + IFACE_LO_RATE_BPS - 1) /
				    IFACE_LO_RATE_BPS);
	return t > 0 ? t : 1;
}

/* The port's tap while captured: the link starts serialising a packet we sent. */
static void port_tap(struct sim *sim, void *ctx, const struct sim_packet *pkt, sim_time_t t)
{
	capture_packet(sim, ctx, pkt, t, true);
}

int iface_output(struct sim *sim, struct iface *ifc, struct sim_packet *pkt)
{
	if (ifc->loopback) {
		ifc->stats.tx_packets++;
		ifc->stats.tx_bytes += pkt->len;
		/* tcpdump -i lo shows each looped-back packet once. */
		capture_packet(sim, ifc, pkt, sim_now(sim), true);
		sim_time_t start = ifc->lo_busy_until > sim_now(sim) ? ifc->lo_busy_until : sim_now(sim);
		ifc->lo_busy_until = start + lo_transfer_time(pkt->len);
		pkt->stamp = ifc->lo_busy_until;
		pkt->next = NULL;
		if (ifc->lo_tail)
			ifc->lo_tail->next = pkt;
		else
			ifc->lo_head = pkt;
		ifc->lo_tail = pkt;
		if (!sim_timer_pending(sim, &ifc->lo_timer))
			sim_timer_arm_at(sim, &ifc->lo_timer, ifc->lo_head->stamp, lo_deliver, ifc, NULL);
		return 0;
	}
	if (!ifc->port.link) {
		ifc->stats.tx_no_link++;
		sim_packet_free(pkt);
		return -ENOTCONN;
	}
	ifc->stats.tx_packets++;
	ifc->stats.tx_bytes += pkt->len;
	link_send(sim, ifc->port.link, ifc->port.tx_dir, pkt);
	return 0;
}

void iface_receive(struct sim *sim, struct iface *ifc, struct sim_packet *pkt)
{
	ifc->stats.rx_packets++;
	ifc->stats.rx_bytes += pkt->len;
	capture_packet(sim, ifc, pkt, sim_now(sim), false);
	ifc->input(sim, ifc, pkt);
}

int iface_capture_start(struct iface *ifc, const char *path, GError **error)
{
	g_assert(ifc->capture == NULL);
	ifc->capture = capture_open(path, error);
	if (!ifc->capture)
		return -1;
	link_port_set_tap(&ifc->port, port_tap);
	return 0;
}

int iface_capture_start_ng(struct iface *ifc, const char *node_name, const char *path,
                           GError **error)
{
	g_assert(ifc->capture == NULL);
	char addr[IPV4_ADDR_STRLEN];
	struct capture_iface_desc d = {0};
	char *name = g_strdup_printf("%s:%s", node_name, ifc->name);
	char *desc = ifc->addr ? g_strdup_printf("node %s, interface %s, %s/%u", node_name,
	                                         ifc->name, ipv4_format(ifc->addr, addr),
	                                         ifc->prefix_len)
	                       : g_strdup_printf("node %s, interface %s", node_name, ifc->name);
	d.name = name;
	d.description = desc;
	d.addr = ifc->addr;
	d.netmask = ifc->prefix_len ? ~(uint32_t)0 << (32 - ifc->prefix_len) : 0;
	memcpy(d.mac, ifc->mac, 6);
	ifc->capture = capture_open_ng(path, &d, error);
	g_free(name);
	g_free(desc);
	if (!ifc->capture)
		return -1;
	link_port_set_tap(&ifc->port, port_tap);
	return 0;
}

int iface_capture_stop(struct iface *ifc, GError **error)
{
	int rc = capture_close(ifc->capture, error);
	ifc->capture = NULL;
	link_port_set_tap(&ifc->port, NULL);
	return rc;
}

struct iface *iface_peer(const struct iface *ifc)
{
	if (!ifc->port.link)
		return NULL;
	struct link_port *p = link_dir_to(ifc->port.link, ifc->port.tx_dir);
	return p->ctx;
}
