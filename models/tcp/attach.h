/* models/tcp/attach.h — TCP on a real node: registration as IPv4 protocol 6.
 *
 * The glue between tcp.h's lower-edge hooks and the network layer (models/ip/node.h,
 * models/ip/ipv4.h): segments go out through ipv4_output() with DF as configured,
 * the route query gives the source address and the path MTU (egress MTU lowered by
 * RFC 1191 messages, so MSS = MTU − 40), received segments come in through the
 * protocol handler, and ICMP errors quoting our segments reach
 * tcp_stack_icmp_error() (PMTUD).
 */
#ifndef MODELS_TCP_ATTACH_H
#define MODELS_TCP_ATTACH_H

#include "models/tcp/tcp.h"

struct sim;
struct node;

/* Creates the node's TCP with configuration cfg (copied; NULL = linux profile) and
 * registers it as protocol 6. The stack is freed by node_free(). Attaching twice
 * returns the existing stack. */
struct tcp_stack *tcp_stack_attach(struct sim *sim, struct node *node, const struct tcp_config *cfg);

/* The node's TCP stack, or NULL when TCP is not attached. */
struct tcp_stack *tcp_stack_of(const struct node *node);

#endif
