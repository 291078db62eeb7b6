/* models/tcp/connmap.c — see connmap.h. */
#include "models/tcp/connmap.h"

#include <glib.h>
#include <string.h>

#define MIN_CAPACITY 16u

uint32_t tcp_tuple_hash(const struct tcp_tuple *t)
{
	/* A 64-bit mix (splitmix64 finaliser) of the four fields: cheap and spreads
	 * neighbouring ports and addresses over the table. */
	uint64_t x = ((uint64_t)t->laddr << 32 | t->raddr) ^
		     ((uint64_t)t->lport << 48 | (uint64_t)t->rport << 16) * 0x9e3779b97f4a7c15ull;
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return (uint32_t)x;
}

void tcp_connmap_init(struct tcp_connmap *m)
{
	memset(m, 0, sizeof(*m));
}

void tcp_connmap_fini(struct tcp_connmap *m)
{
	g_free(m->slots);
	memset(m, 0, sizeof(*m));
}

static void place(struct tcp_connmap *m, const struct tcp_connmap_entry *e)
{
	uint32_t i = e->hash & m->mask;
	while (m->slots[i].c != NULL)
		i = (i + 1) & m->mask;
	m->slots[i] = *e;
}

static void grow(struct tcp_connmap *m)
{
	uint32_t old_cap = m->slots ? m->mask + 1 : 0;
	uint32_t cap = old_cap ? old_cap * 2 : MIN_CAPACITY;
	struct tcp_connmap_entry *old = m->slots;
	m->slots = g_new0(struct tcp_connmap_entry, cap);
	m->mask = cap - 1;
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].c != NULL)
			place(m, &old[i]);
	g_free(old);
}

void tcp_connmap_insert(struct tcp_connmap *m, const struct tcp_tuple *t, struct tcp_sock *c)
{
	g_assert(c != NULL);
	g_assert(tcp_connmap_lookup(m, t) == NULL);
	if (m->slots == NULL || 2 * (m->count + 1) > m->mask + 1)
		grow(m);
	struct tcp_connmap_entry e = { .t = *t, .hash = tcp_tuple_hash(t), .c = c };
	place(m, &e);
	m->count++;
}

struct tcp_sock *tcp_connmap_remove(struct tcp_connmap *m, const struct tcp_tuple *t)
{
	if (m->count == 0)
		return NULL;
	uint32_t h = tcp_tuple_hash(t);
	uint32_t i = h & m->mask;
	while (m->slots[i].c != NULL && !(m->slots[i].hash == h && tcp_tuple_equal(&m->slots[i].t, t)))
		i = (i + 1) & m->mask;
	struct tcp_sock *c = m->slots[i].c;
	if (c == NULL)
		return NULL;
	/* Backward-shift deletion (Knuth 6.4, algorithm R). */
	uint32_t hole = i;
	for (uint32_t j = (i + 1) & m->mask; m->slots[j].c != NULL; j = (j + 1) & m->mask) {
		uint32_t home = m->slots[j].hash & m->mask;
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (!stays) {
			m->slots[hole] = m->slots[j];
			hole = j;
		}
	}
	memset(&m->slots[hole], 0, sizeof(m->slots[hole]));
	m->count--;
	return c;
}
