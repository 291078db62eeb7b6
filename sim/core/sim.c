/* sim/core/sim.c — the simulator context. */
#include "sim/core/sim.h"

void sim_init(struct sim *sim, uint64_t seed)
{
	sim_sched_init(&sim->sched);
	sim_packet_pool_init(&sim->pool);
	sim->seed = seed;
}

void sim_fini(struct sim *sim)
{
	sim_sched_fini(&sim->sched);
	sim_packet_pool_fini(&sim->pool);
}
