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
