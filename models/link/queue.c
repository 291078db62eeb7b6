/* models/link/queue.c — see queue.h. */
#include "models/link/queue.h"

#include <glib.h>
#include <string.h>

void queue_init(struct queue *q, const struct queue_config *cfg)
{
	memset(q, 0, sizeof(*q));
	q->cfg = *cfg;
}

void queue_fini(struct queue *q)
{
	g_free(q->ring);
	q->ring = NULL;
	q->count = q->cap = q->head = 0;
	q->bytes = 0;
}

/* Doubles the ring, unrolling it so the head is at index 0. */
void queue_grow(struct queue *q)
{
	uint32_t ncap = q->cap ? q->cap * 2 : 16;
	struct queue_entry *n = g_new(struct queue_entry, ncap);
	for (uint32_t i = 0; i < q->count; i++)
		n[i] = q->ring[(q->head + i) % q->cap];
	g_free(q->ring);
	q->ring = n;
	q->cap = ncap;
	q->head = 0;
}

uint32_t queue_waiting_at(const struct queue *q, sim_time_t t, uint64_t *bytes)
{
	/* Starts are non-decreasing: count from the tail while they lie after t. */
	uint32_t n = 0;
	uint64_t b = 0;
	while (n < q->count) {
		const struct queue_entry *e = &q->ring[(q->head + q->count - 1 - n) % q->cap];
		if (e->start <= t)
			break;
		b += e->bytes;
		n++;
	}
	if (bytes)
		*bytes = b;
	return n;
}
