/* sim/core/sim.h — the simulator context.
 *
 * One `struct sim` per run holds the clock and event queue, the packet pool and the
 * root seed from which every component derives its random stream. It is passed first
 * to every model call and every event callback; there are no mutable globals, so two
 * simulations can live in one process (the tests do that to compare runs).
 */
#ifndef SIM_CORE_SIM_H
#define SIM_CORE_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/packet.h"
#include "sim/core/rng.h"
#include "sim/core/sched.h"
#include "sim/core/time.h"

/* The memory budget of a run (see sim_set_memory_budget). */
struct sim_memory {
	uint64_t budget;   /* resident bytes allowed; 0 = no budget */
	bool exceeded;     /* a check found the process over budget: the run stopped */
	uint64_t resident; /* when exceeded: the resident size that check saw */
	char what[256];    /* when exceeded: what grew ("the queue of link l forward ...") */
};

struct sim {
	struct sim_sched sched;
	struct sim_packet_pool pool;
	uint64_t seed;
	struct sim_memory mem;
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

/* ---- Memory budget ---------------------------------------------------------------
 *
 * A run that grows without bound (a routing loop duplicating packets into unlimited
 * queues, a million flows) would end in an allocation abort or the kernel's OOM
 * killer, leaving nothing. With a budget, the places where a run's memory grows —
 * the packet pool (every 64 MiB it takes from the heap), a link queue or flight ring
 * past a high-water mark, the CLI between slices of the run — compare the process's
 * resident size with it; the first check over budget records what grew and stops the
 * run after the current event (sim_stop), so what ran so far can still be written.
 * A check reads /proc/self/statm: it never influences a run that stays in budget. */

/* Sets the budget in bytes of resident memory (0: none, the default). */
void sim_set_memory_budget(struct sim *sim, uint64_t bytes);

/* The process's resident size in bytes (0 when unknown). */
uint64_t sim_memory_resident(void);

/* True when a budget is set and the resident size now exceeds it. */
bool sim_memory_over_budget(struct sim *sim);

/* Records that the budget was exceeded because of `what` (the first record wins)
 * and stops the run after the current event. */
void sim_memory_stop(struct sim *sim, const char *what);

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
