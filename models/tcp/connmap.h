/* models/tcp/connmap.h — the stack's table of connections by 4-tuple.
 *
 * Where it sits: stack.c demultiplexes every received segment with one lookup here
 * (tcp_conn_lookup). Open addressing with linear probing over (tuple, hash, socket)
 * entries kept inline, so a lookup touches one cache line of the table and no key
 * behind a pointer (GHashTable's hash and equality callbacks and its three arrays
 * cost four to five cache misses per segment with 20 000 connections). Removal shifts
 * the rest of the run back, so there are no tombstones. Never iterated.
 *
 * Complexity: O(1) expected per operation; the array doubles when half full and never
 * shrinks, so the steady state allocates nothing.
 */
#ifndef MODELS_TCP_CONNMAP_H
#define MODELS_TCP_CONNMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"

struct tcp_sock;

/* A connection's identity. For listeners and bound sockets raddr/rport are 0. */
struct tcp_tuple {
	ipv4_addr_t laddr;
	ipv4_addr_t raddr;
	uint16_t lport;
	uint16_t rport;
};

struct tcp_connmap_entry {
	struct tcp_tuple t;
	uint32_t hash;
	struct tcp_sock *c; /* NULL: free slot */
};

struct tcp_connmap {
	struct tcp_connmap_entry *slots;
	uint32_t mask; /* capacity − 1; 0 before the first insert */
	uint32_t count;
};

/* A 32-bit mix of the four fields (splitmix64's finaliser). */
uint32_t tcp_tuple_hash(const struct tcp_tuple *t);

void tcp_connmap_init(struct tcp_connmap *m);
void tcp_connmap_fini(struct tcp_connmap *m);
/* Adds c under t (t must not be present). */
void tcp_connmap_insert(struct tcp_connmap *m, const struct tcp_tuple *t, struct tcp_sock *c);
/* Removes t; returns its socket or NULL. */
struct tcp_sock *tcp_connmap_remove(struct tcp_connmap *m, const struct tcp_tuple *t);

static inline bool tcp_tuple_equal(const struct tcp_tuple *x, const struct tcp_tuple *y)
{
	return x->laddr == y->laddr && x->raddr == y->raddr && x->lport == y->lport &&
	       x->rport == y->rport;
}

/* The socket of t, or NULL. */
static inline struct tcp_sock *tcp_connmap_lookup(const struct tcp_connmap *m,
						  const struct tcp_tuple *t)
{
	if (m->count == 0)
		return 0;
	uint32_t h = tcp_tuple_hash(t);
	for (uint32_t i = h & m->mask;; i = (i + 1) & m->mask) {
		const struct tcp_connmap_entry *e = &m->slots[i];
		if (e->c == 0)
			return 0;
		if (e->hash == h && tcp_tuple_equal(&e->t, t))
			return e->c;
	}
}

#endif
