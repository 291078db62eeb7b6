/* models/ip/node.c — see node.h. */
#include "models/ip/node.h"

#include <errno.h>
#include <string.h>

#include "models/ip/attach.h"

#include "sim/core/sim.h"

void node_config_default(struct node_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = NODE_HOST;
	cfg->default_ttl = IPV4_DEFAULT_TTL;
	cfg->reasm_timeout = FRAG_DEFAULT_TIMEOUT;
	cfg->reasm_max_queues = FRAG_DEFAULT_MAX_QUEUES;
	cfg->first_ip_id = 1;
}

/* Tags addr in the address map (node.h): the interface holding it for
 * NODE_ADDR_LOCAL, the broadcast flag for NODE_ADDR_BCAST, keeping what is there. */
static void addr_tag(struct node *n, ipv4_addr_t addr, struct iface *ifc, uintptr_t tag)
{
	uintptr_t v = (uintptr_t)ipv4_map_lookup(&n->addrs, addr);
	g_assert(((uintptr_t)ifc & 3u) == 0);
	if (tag == NODE_ADDR_LOCAL)
		v = (uintptr_t)ifc | NODE_ADDR_LOCAL | (v & NODE_ADDR_BCAST);
	else if (v != 0)
		v |= NODE_ADDR_BCAST;
	else
		v = (uintptr_t)ifc | NODE_ADDR_BCAST;
	ipv4_map_insert(&n->addrs, addr, (void *)v);
}

static struct iface *add_iface_struct(struct node *n, const char *name, bool loopback)
{
	if (n->n_ifaces == n->cap_ifaces) {
		n->cap_ifaces = n->cap_ifaces ? n->cap_ifaces * 2 : 4;
		n->ifaces = g_renew(struct iface *, n->ifaces, n->cap_ifaces);
	}
	struct iface *ifc = iface_new(n, n->name, name, n->n_ifaces, loopback);
	n->ifaces[n->n_ifaces++] = ifc;
	return ifc;
}

struct node *node_new(struct sim *sim, const char *name, const struct node_config *cfg)
{
	struct node *n = g_new0(struct node, 1);
	n->sim = sim;
	n->name = g_strdup(name);
	n->cfg = *cfg;
	if (n->cfg.default_ttl == 0)
		n->cfg.default_ttl = IPV4_DEFAULT_TTL;
	n->ip_id = cfg->first_ip_id;
	ipv4_map_init(&n->addrs);

	/* lo: 127.0.0.1/8. The whole of 127/8 is local (node_is_local_address), and
	 * ipv4_attach() points the route 127.0.0.0/8 at lo. */
	struct iface *lo = add_iface_struct(n, "lo", true);
	lo->addr = IPV4_LOOPBACK;
	lo->prefix_len = 8;
	ipv4_attach(n);
	return n;
}

void node_free(struct node *n)
{
	if (!n)
		return;
	/* Transport protocols first (they may hold packets and timers), in protocol
	 * number order. */
	for (int p = 0; p < 256; p++) {
		struct node_proto *np = node_proto_of(n, (uint8_t)p);
		if (np && np->registered && np->ops.destroy)
			np->ops.destroy(n->sim, n, np->ctx);
		if (np)
			np->registered = false;
	}
	ipv4_detach(n);
	for (uint32_t i = 0; i < n->n_ifaces; i++)
		iface_free(n->sim, n->ifaces[i]);
	g_free(n->ifaces);
	ipv4_map_fini(&n->addrs);
	g_free(n->name);
	g_free(n);
}

struct iface *node_add_iface(struct node *n, const char *name, ipv4_addr_t addr,
                             unsigned prefix_len)
{
	if (prefix_len > 32 || node_iface_by_name(n, name))
		return NULL;
	if (addr != 0 && (node_is_local_address(n, addr) || ipv4_is_loopback(addr)))
		return NULL;
	struct iface *ifc = add_iface_struct(n, name, false);
	ifc->addr = addr;
	ifc->prefix_len = (uint8_t)prefix_len;
	if (addr != 0) {
		addr_tag(n, addr, ifc, NODE_ADDR_LOCAL);
		/* Subnet broadcast (not for /31 and /32, RFC 3021). */
		if (prefix_len <= 30) {
			ipv4_addr_t b = addr | ~ipv4_mask(prefix_len);
			addr_tag(n, b, ifc, NODE_ADDR_BCAST);
		}
	}
	ipv4_iface_attach(n, ifc);
	return ifc;
}

struct iface *node_iface_by_name(const struct node *n, const char *name)
{
	for (uint32_t i = 0; i < n->n_ifaces; i++)
		if (strcmp(n->ifaces[i]->name, name) == 0)
			return n->ifaces[i];
	return NULL;
}

struct iface *node_iface_by_addr(const struct node *n, ipv4_addr_t addr)
{
	if (ipv4_is_loopback(addr))
		return n->ifaces[0];
	uintptr_t v = (uintptr_t)ipv4_map_lookup(&n->addrs, addr);
	return (v & NODE_ADDR_LOCAL) ? (struct iface *)(v & ~(uintptr_t)3u) : NULL;
}

bool node_is_local_address(const struct node *n, ipv4_addr_t addr)
{
	return (node_addr_kind(n, addr) & NODE_ADDR_LOCAL) != 0;
}

bool node_is_broadcast_address(const struct node *n, ipv4_addr_t addr)
{
	return (node_addr_kind(n, addr) & NODE_ADDR_BCAST) != 0;
}

int node_register_proto(struct node *n, uint8_t proto, const struct ipv4_proto_ops *ops, void *ctx)
{
	if (!ops || !ops->input)
		return -EINVAL;
	if (n->proto_slot[proto])
		return -EEXIST;
	if (n->n_protos == NODE_MAX_PROTOS)
		return -ENOSPC;
	struct node_proto *np = &n->protos[n->n_protos++];
	np->ops = *ops;
	np->ctx = ctx;
	np->registered = true;
	n->proto_slot[proto] = n->n_protos;
	return 0;
}

void *node_proto_ctx(const struct node *n, uint8_t proto, ipv4_input_fn input)
{
	const struct node_proto *np = node_proto_of((struct node *)n, proto);
	if (!np || !np->registered || np->ops.input != input)
		return NULL;
	return np->ctx;
}
