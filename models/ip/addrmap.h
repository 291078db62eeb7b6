/* models/ip/addrmap.h — a map from IPv4 addresses (or masked prefixes) to pointers.
 *
 * Where it sits: the per-packet address questions of the network layer — "is this
 * one of my addresses?" (node.c), "which route covers this prefix?" (route.c) — are
 * each one lookup in one of these.
 *
 * Open addressing with linear probing over an array of (key, value) pairs: a lookup
 * is one multiplicative hash and, at the load kept here (at most one half), usually
 * one cache line, with no function-pointer calls (GLib's GHashTable costs a hash
 * callback, an equality callback and three separate arrays per lookup, which showed
 * as 15–20 % of the forwarding profile). Removal shifts the following entries back
 * (no tombstones), so lookups never slow down as entries come and go.
 *
 * A NULL value marks a free slot: NULL cannot be stored. The map is never iterated in
 * a way that reaches an output (ipv4_map_foreach visits in slot order, which depends
 * on the hash: use it only to free values).
 *
 * Complexity: lookup, insert and remove O(1) expected; the array doubles when half
 * full and never shrinks, so the steady state allocates nothing.
 */
#ifndef MODELS_IP_ADDRMAP_H
#define MODELS_IP_ADDRMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"

struct ipv4_map_entry {
	ipv4_addr_t key;
	void *value; /* NULL: free slot */
};

struct ipv4_map {
	struct ipv4_map_entry *slots;
	uint32_t mask;  /* capacity − 1 (capacity a power of two), 0 before the first insert */
	uint32_t count;
	uint8_t shift;  /* 32 − log2(capacity) */
};

void ipv4_map_init(struct ipv4_map *m);
/* Frees the array (not the values). */
void ipv4_map_fini(struct ipv4_map *m);

static inline uint32_t ipv4_map_slot(const struct ipv4_map *m, ipv4_addr_t key)
{
	/* Fibonacci hashing: the high bits of key · 2^32/φ spread neighbouring
	 * addresses and prefixes over the whole table. */
	return (uint32_t)(key * UINT32_C(0x9e3779b1)) >> m->shift;
}

/* The value stored for key, or NULL. */
static inline void *ipv4_map_lookup(const struct ipv4_map *m, ipv4_addr_t key)
{
	if (m->count == 0)
		return 0;
	for (uint32_t i = ipv4_map_slot(m, key);; i = (i + 1) & m->mask) {
		const struct ipv4_map_entry *e = &m->slots[i];
		if (e->value == 0 || e->key == key)
			return e->value;
	}
}

static inline bool ipv4_map_contains(const struct ipv4_map *m, ipv4_addr_t key)
{
	return ipv4_map_lookup(m, key) != 0;
}

/* Stores value (not NULL) for key, replacing an existing value. Returns the value it
 * replaced, or NULL. */
void *ipv4_map_insert(struct ipv4_map *m, ipv4_addr_t key, void *value);

/* Removes key; returns its value, or NULL when absent. */
void *ipv4_map_remove(struct ipv4_map *m, ipv4_addr_t key);

static inline uint32_t ipv4_map_size(const struct ipv4_map *m)
{
	return m->count;
}

/* Calls fn(value, ctx) for every entry, in slot order (see above: for freeing only). */
void ipv4_map_foreach(const struct ipv4_map *m, void (*fn)(void *value, void *ctx), void *ctx);

#endif
