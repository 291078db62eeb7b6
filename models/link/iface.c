/* models/link/iface.c — see iface.h. */
#include "models/link/iface.h"

#include <string.h>

#include "models/link/capture.h"
#include "models/ip/node.h"
#include "sim/core/sim.h"

struct iface *iface_new(struct node *node, const char *name, uint32_t index, bool loopback)
{
	struct iface *ifc = g_new0(struct iface, 1);
	ifc->node = node;
	ifc->name = g_strdup(name);
	ifc->index = index;
	ifc->loopback = loopback;
	ifc->mtu = loopback ? 65536 : 1500;
	/* Linux's lo shows all-zero MACs in a capture; others get a synthetic one. */
	if (!loopback)
		capture_mac(node->name, name, ifc->mac);
	return ifc;
}

void iface_free(struct sim *sim, struct iface *ifc)
{
	if (!ifc)
		return;
	g_assert(ifc->link == NULL); /* links are freed before nodes */
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

void iface_capture_packet(struct sim *sim, struct iface *ifc, const struct sim_packet *pkt,
                          sim_time_t t, bool outgoing)
{
	if (!ifc->capture)
		return;
	static const uint8_t zero[6];
	const struct iface *peer = iface_peer(ifc);
	const uint8_t *own = ifc->mac, *other = peer ? peer->mac : zero;
	if (outgoing)
		capture_write(ifc->capture, t, other, own, pkt->data, pkt->len);
	else
		capture_write(ifc->capture, t, own, other, pkt->data, pkt->len);
}

/* Delivers the datagrams looped back so far, in order. Datagrams looped back while
 * this runs (a reply to the node itself) wait for the next event at the same time, so
 * they run after events already scheduled for now, as a fresh packet would. */
static void lo_flush(struct sim *sim, void *ctx, void *arg)
{
	struct iface *ifc = ctx;
	struct sim_packet *p = ifc->lo_head;
	ifc->lo_head = ifc->lo_tail = NULL;
	while (p) {
		struct sim_packet *next = p->next;
		p->next = NULL;
		ifc->stats.rx_packets++;
		ifc->stats.rx_bytes += p->len;
		ifc->input(sim, ifc, p);
		p = next;
	}
}

void iface_output(struct sim *sim, struct iface *ifc, struct sim_packet *pkt)
{
	if (ifc->loopback) {
		ifc->stats.tx_packets++;
		ifc->stats.tx_bytes += pkt->len;
		/* tcpdump -i lo shows each looped-back packet once. */
		iface_capture_packet(sim, ifc, pkt, sim_now(sim), true);
		pkt->next = NULL;
		if (ifc->lo_tail)
			ifc->lo_tail->next = pkt;
		else
			ifc->lo_head = pkt;
		ifc->lo_tail = pkt;
		if (!sim_timer_pending(sim, &ifc->lo_timer))
			sim_timer_arm_at(sim, &ifc->lo_timer, sim_now(sim), lo_flush, ifc, NULL);
		return;
	}
	if (!ifc->link) {
		ifc->stats.tx_no_link++;
		ifc->node->ip_stats.out_discards++;
		sim_packet_free(pkt);
		return;
	}
	ifc->stats.tx_packets++;
	ifc->stats.tx_bytes += pkt->len;
	link_send(sim, ifc->link, ifc->tx_dir, pkt);
}

void iface_receive(struct sim *sim, struct iface *ifc, struct sim_packet *pkt)
{
	ifc->stats.rx_packets++;
	ifc->stats.rx_bytes += pkt->len;
	iface_capture_packet(sim, ifc, pkt, sim_now(sim), false);
	ifc->input(sim, ifc, pkt);
}

int iface_capture_start(struct iface *ifc, const char *path, GError **error)
{
	g_assert(ifc->capture == NULL);
	ifc->capture = capture_open(path, error);
	if (!ifc->capture)
		return -1;
	if (ifc->link)
		link_watch_changed(ifc->node->sim, ifc->link, ifc->tx_dir);
	return 0;
}

int iface_capture_stop(struct iface *ifc, GError **error)
{
	int rc = capture_close(ifc->capture, error);
	ifc->capture = NULL;
	if (ifc->link)
		link_watch_changed(ifc->node->sim, ifc->link, ifc->tx_dir);
	return rc;
}

struct iface *iface_peer(const struct iface *ifc)
{
	if (!ifc->link)
		return NULL;
	return link_dir_to(ifc->link, ifc->tx_dir);
}
