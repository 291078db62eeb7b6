/* models/ip/attach.c — see attach.h. */
#include "models/ip/attach.h"

#include "models/ip/ecn.h"
#include "models/ip/frag.h"
#include "models/ip/icmp.h"
#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "models/link/iface.h"

void ipv4_attach(struct node *node)
{
	const struct node_config *cfg = &node->cfg;
	route_table_init(&node->routes);
	frag_table_init(&node->frags,
	                cfg->reasm_timeout ? cfg->reasm_timeout : FRAG_DEFAULT_TIMEOUT,
	                cfg->reasm_max_queues ? cfg->reasm_max_queues : FRAG_DEFAULT_MAX_QUEUES);
	for (uint32_t i = 0; i < node->n_ifaces; i++)
		ipv4_iface_attach(node, node->ifaces[i]);
	icmp_attach(node);
}

void ipv4_iface_attach(struct node *node, struct iface *ifc)
{
	ifc->input = ipv4_input;
	/* The link's queue disciplines read ECN codepoints and flows through these. */
	ifc->port.pkt_ops = &ipv4_link_pkt_ops;
	/* -EEXIST (another interface on the same subnet) keeps the first route. */
	if (ifc->addr != 0)
		route_add_connected(node, ifc);
}

void ipv4_detach(struct node *node)
{
	icmp_detach(node);
	frag_table_fini(node->sim, &node->frags);
	route_table_fini(&node->routes);
}
