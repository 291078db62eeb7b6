/* models/ip/attach.h — IPv4 on a node: the network layer's state and its hooks.
 *
 * A node (node.h) is a container of interfaces, addresses and a protocol table; the
 * IPv4 layer is attached to it the way TCP is (models/tcp/attach.h): ipv4_attach()
 * builds the routing table (with 127.0.0.0/8 via lo), the reassembly table and ICMP
 * (registered as protocol 1), and registers ipv4_input() as the receive handler of
 * every interface. node_new() attaches IPv4 to every node it creates, so a node is
 * always an IPv4 host or router; node_free() detaches it.
 */
#ifndef MODELS_IP_ATTACH_H
#define MODELS_IP_ATTACH_H

struct node;
struct iface;

/* Builds the node's IPv4 state and hooks its existing interfaces (see above). Called
 * once, by node_new(), after lo exists. */
void ipv4_attach(struct node *node);

/* An interface was added to the node: registers ipv4_input() as its receive handler
 * and adds the connected route of its subnet when it is numbered (kept only if no
 * interface of the node has the same subnet already, as Linux prefers the first). */
void ipv4_iface_attach(struct node *node, struct iface *ifc);

/* Frees what ipv4_attach() built (after the transport protocols are destroyed, before
 * the interfaces are freed). Called by node_free(). */
void ipv4_detach(struct node *node);

#endif
