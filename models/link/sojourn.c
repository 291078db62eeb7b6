/* models/link/sojourn.c — see sojourn.h. */
#include "models/link/sojourn.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The middle of bucket b: in octave k >= 1 a value shifted right by k - 1 is
 * 64 + sub. */
static uint64_t bucket_middle(unsigned b)
{
	unsigned oct = b / SOJOURN_SUB, sub = b % SOJOURN_SUB;
	if (oct == 0)
		return sub;
	uint64_t width = UINT64_C(1) << (oct - 1);
	return (uint64_t)(SOJOURN_SUB + sub) * width + width / 2;
}

void sojourn_init(struct sojourn_hist *h)
{
	memset(h, 0, sizeof(*h));
}

/* The slot of bucket key-1 in a sparse map of `cap` slots: its own, or the empty one
 * where it would go (linear probing; the map is never more than half full). */
static struct sojourn_slot *slot_of(struct sojourn_slot *slots, uint32_t cap, uint32_t key)
{
	uint32_t mask = cap - 1, i = (key * 0x9E3779B1u) >> 16 & mask;
	while (slots[i].key != 0 && slots[i].key != key)
		i = (i + 1) & mask;
	return &slots[i];
}

/* A sparse map larger than this many slots is replaced by the flat array: a quarter
 * of its bytes. */
#define SPARSE_MAX_SLOTS (SOJOURN_BUCKETS * sizeof(uint64_t) / 4 / sizeof(struct sojourn_slot))

static void grow(struct sojourn_hist *h)
{
	uint32_t cap = h->cap ? h->cap * 2 : 8;
	if (cap > SPARSE_MAX_SLOTS) {
		h->count = g_new0(uint64_t, SOJOURN_BUCKETS);
		for (uint32_t i = 0; i < h->cap; i++)
			if (h->slots[i].key)
				h->count[h->slots[i].key - 1] = h->slots[i].count;
		g_free(h->slots);
		h->slots = NULL;
		h->cap = h->used = 0;
		return;
	}
	struct sojourn_slot *ns = g_new0(struct sojourn_slot, cap);
	for (uint32_t i = 0; i < h->cap; i++)
		if (h->slots[i].key)
			*slot_of(ns, cap, h->slots[i].key) = h->slots[i];
	g_free(h->slots);
	h->slots = ns;
	h->cap = cap;
}

void sojourn_bump(struct sojourn_hist *h, unsigned b, int64_t delta)
{
	if (h->count) {
		h->count[b] += (uint64_t)delta;
		return;
	}
	uint32_t key = b + 1;
	struct sojourn_slot *s = h->cap ? slot_of(h->slots, h->cap, key) : NULL;
	if (s == NULL || s->key == 0) {
		if (2 * (h->used + 1) > h->cap) {
			grow(h);
			sojourn_bump(h, b, delta);
			return;
		}
		s->key = key;
		h->used++;
	}
	s->count += (uint64_t)delta;
}

uint64_t sojourn_bucket_count(const struct sojourn_hist *h, unsigned b)
{
	if (h->count)
		return h->count[b];
	if (h->cap == 0)
		return 0;
	const struct sojourn_slot *s = slot_of(h->slots, h->cap, b + 1);
	return s->key ? s->count : 0;
}

static int cmp_slot(const void *a, const void *b)
{
	uint32_t x = ((const struct sojourn_slot *)a)->key, y = ((const struct sojourn_slot *)b)->key;
	return (x > y) - (x < y);
}

sim_time_t sojourn_quantile(const struct sojourn_hist *h, double q)
{
	if (h->n == 0)
		return 0;
	uint64_t rank = (uint64_t)ceil(q * (double)h->n);
	if (rank < 1)
		rank = 1;
	/* The used buckets in order (key 0, bucket -1, never occurs). */
	uint32_t m = 0;
	struct sojourn_slot *list = NULL;
	if (h->count) {
		list = g_new(struct sojourn_slot, SOJOURN_BUCKETS);
		for (unsigned b = 0; b < SOJOURN_BUCKETS; b++)
			if (h->count[b])
				list[m++] = (struct sojourn_slot){ .count = h->count[b], .key = b + 1 };
	} else if (h->cap) {
		list = g_new(struct sojourn_slot, h->cap);
		for (uint32_t i = 0; i < h->cap; i++)
			if (h->slots[i].key && h->slots[i].count)
				list[m++] = h->slots[i];
		qsort(list, m, sizeof(*list), cmp_slot);
	}
	uint64_t nonzero = 0;
	for (uint32_t i = 0; i < m; i++)
		nonzero += list[i].count;
	uint64_t seen = h->n - nonzero; /* the zeros come first */
	sim_time_t v = 0;
	for (uint32_t i = 0; seen < rank && i < m; i++) {
		seen += list[i].count;
		if (seen >= rank)
			v = (sim_time_t)bucket_middle(list[i].key - 1);
	}
	g_free(list);
	return v; /* 0 also when the zeros reach the rank */
}

void sojourn_copy(struct sojourn_hist *dst, const struct sojourn_hist *src)
{
	*dst = *src;
	if (src->count)
		dst->count = g_memdup2(src->count, SOJOURN_BUCKETS * sizeof(uint64_t));
	if (src->slots)
		dst->slots = g_memdup2(src->slots, src->cap * sizeof(struct sojourn_slot));
}

void sojourn_fini(struct sojourn_hist *h)
{
	g_free(h->count);
	g_free(h->slots);
	memset(h, 0, sizeof(*h));
}
