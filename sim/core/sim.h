/* sim/core/sim.h — the simulator context.
 *
 * One `struct sim` per run holds the clock and event queue, the packet pool and the
 * root seed from which every component derives its random stream. It is passed first
 * to every model call and every event callback; there are no mutable globals, so two
 * simulations can live in one process (the tests do that to compare runs).
 */
#ifndef SIM_CORE_SIM_H
#define SIM_CORE_SIM_H

#include <stdint.h>

#include "sim/core/packet.h"
#include "sim/core/rng.h"
#include "sim/core/sched.h"
#include "sim/core/time.h"

struct sim {
	struct sim_sched sched;
	struct sim_packet_pool pool;
	uint64_t seed;
};

/* Initialises a simulator at time 0 with the given root seed. */
void sim_init(struct sim *sim, uint64_t seed);

/* Releases the event queue and the packet pool. Model objects must have been freed
 * (and their events cancelled) before; packets still outstanding are a leak and are
 * reported by sim_packet_pool_outstanding(), which tests check. */
void sim_fini(struct sim *sim);

static inline sim_time_t sim_now(const struct sim *sim) { return sim->sched.now; }

/* sched.h's pending queries, inline: models ask "is my timer armed?" for every packet.
 * An id names a slot and a generation (generations are never 0, so neither is a
 * valid id); the event is pending while the slot holds it, neither free nor parked. */
static inline bool sim_event_pending(const struct sim *sim, sim_event_id id)
{
	const struct sim_sched *s = &sim->sched;
	uint32_t slot = (uint32_t)(id & 0xffffffffu);
	if (slot >= s->n_slots)
		return false;
	const struct sim_sched_slot *sl = &s->slots[slot];
	return sl->gen == (uint32_t)(id >> 32) && sl->fn != NULL && sl->fn != sim_sched_parked_fn;
}

static inline bool sim_timer_pending(const struct sim *sim, const struct sim_timer *t)
{
	return sim_event_pending(sim, t->id);
}

/* Seeds `rng` as the stream named `name` of this run: sim_rng_init(rng, sim->seed, name). */
static inline void sim_rng_stream(const struct sim *sim, struct sim_rng *rng, const char *name)
{
	sim_rng_init(rng, sim->seed, name);
}

/* Allocates a packet from this run's pool (see sim_packet_alloc). */
static inline struct sim_packet *sim_packet_new(struct sim *sim, uint32_t headroom, uint32_t len)
{
	return sim_packet_alloc(&sim->pool, headroom, len);
}

#endif
