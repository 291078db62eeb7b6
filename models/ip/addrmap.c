/* models/ip/addrmap.c — see addrmap.h. */
#include "models/ip/addrmap.h"

#include <glib.h>
#include <string.h>

#define MIN_CAPACITY 8u

void ipv4_map_init(struct ipv4_map *m)
{
	memset(m, 0, sizeof(*m));
}

void ipv4_map_fini(struct ipv4_map *m)
{
	g_free(m->slots);
	memset(m, 0, sizeof(*m));
}

static void place(struct ipv4_map *m, ipv4_addr_t key, void *value)
{
	uint32_t i = ipv4_map_slot(m, key);
	while (m->slots[i].value != NULL)
		i = (i + 1) & m->mask;
	m->slots[i].key = key;
	m->slots[i].value = value;
}

static void grow(struct ipv4_map *m)
{
	uint32_t old_cap = m->slots ? m->mask + 1 : 0;
	uint32_t cap = old_cap ? old_cap * 2 : MIN_CAPACITY;
	struct ipv4_map_entry *old = m->slots;
	m->slots = g_new0(struct ipv4_map_entry, cap);
	m->mask = cap - 1;
	m->shift = (uint8_t)(32 - __builtin_ctz(cap));
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].value != NULL)
			place(m, old[i].key, old[i].value);
	g_free(old);
}

void *ipv4_map_insert(struct ipv4_map *m, ipv4_addr_t key, void *value)
{
	g_assert(value != NULL);
	if (m->count > 0) {
		for (uint32_t i = ipv4_map_slot(m, key);; i = (i + 1) & m->mask) {
			struct ipv4_map_entry *e = &m->slots[i];
			if (e->value == NULL)
				break;
			if (e->key == key) {
				void *old = e->value;
				e->value = value;
				return old;
			}
		}
	}
	/* At most half full: probe runs stay short and a free slot always exists. */
	if (m->slots == NULL || 2 * (m->count + 1) > m->mask + 1)
		grow(m);
	place(m, key, value);
	m->count++;
	return NULL;
}

void *ipv4_map_remove(struct ipv4_map *m, ipv4_addr_t key)
{
	if (m->count == 0)
		return NULL;
	uint32_t i = ipv4_map_slot(m, key);
	while (m->slots[i].value != NULL && m->slots[i].key != key)
		i = (i + 1) & m->mask;
	void *value = m->slots[i].value;
	if (value == NULL)
		return NULL;
	/* Backward-shift deletion (Knuth 6.4, algorithm R): move later entries of the
	 * run into the hole when their home slot does not lie in (hole, their slot]. */
	uint32_t hole = i;
	for (uint32_t j = (i + 1) & m->mask; m->slots[j].value != NULL; j = (j + 1) & m->mask) {
		uint32_t home = ipv4_map_slot(m, m->slots[j].key);
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (!stays) {
			m->slots[hole] = m->slots[j];
			hole = j;
		}
	}
	m->slots[hole].value = NULL;
	m->slots[hole].key = 0;
	m->count--;
	return value;
}

void ipv4_map_foreach(const struct ipv4_map *m, void (*fn)(void *value, void *ctx), void *ctx)
{
	if (m->slots == NULL)
		return;
	for (uint32_t i = 0; i <= m->mask; i++)
		if (m->slots[i].value != NULL)
			fn(m->slots[i].value, ctx);
}
