/* sim/core/sim.c — the simulator context and its memory budget. */
#include "sim/core/sim.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The packet pool checks the budget each time it has taken this much more. */
#define POOL_CHECK_STEP (UINT64_C(64) << 20)

void sim_init(struct sim *sim, uint64_t seed)
{
	sim_sched_init(&sim->sched);
	sim_packet_pool_init(&sim->pool);
	sim->seed = seed;
	memset(&sim->mem, 0, sizeof(sim->mem));
}

void sim_fini(struct sim *sim)
{
	sim_sched_fini(&sim->sched);
	sim_packet_pool_fini(&sim->pool);
}

uint64_t sim_memory_resident(void)
{
	/* statm: total program size, then resident set size, in pages. */
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long long size = 0, resident = 0;
	if (f == NULL)
		return 0;
	int n = fscanf(f, "%llu %llu", &size, &resident);
	fclose(f);
	long page = sysconf(_SC_PAGESIZE);
	return n == 2 && page > 0 ? (uint64_t)resident * (uint64_t)page : 0;
}

bool sim_memory_over_budget(struct sim *sim)
{
	if (sim->mem.budget == 0)
		return false;
	uint64_t rss = sim_memory_resident();
	if (rss <= sim->mem.budget)
		return false;
	if (!sim->mem.exceeded)
		sim->mem.resident = rss;
	return true;
}

void sim_memory_stop(struct sim *sim, const char *what)
{
	if (!sim->mem.exceeded) {
		sim->mem.exceeded = true;
		g_strlcpy(sim->mem.what, what, sizeof(sim->mem.what));
	}
	sim_stop(sim);
}

/* The pool's growth hook: names the pool and the packets it holds. */
static void pool_grew(struct sim_packet_pool *pool, void *ctx)
{
	struct sim *sim = ctx;
	pool->grow_at = pool->heap_bytes + POOL_CHECK_STEP;
	if (!sim_memory_over_budget(sim))
		return;
	char what[200];
	snprintf(what, sizeof(what),
		 "the packet pool grew to %llu MiB, %llu packets in flight or queued",
		 (unsigned long long)(pool->heap_bytes >> 20),
		 (unsigned long long)pool->outstanding);
	sim_memory_stop(sim, what);
}

void sim_set_memory_budget(struct sim *sim, uint64_t bytes)
{
	sim->mem.budget = bytes;
	sim->pool.grow = bytes ? pool_grew : NULL;
	sim->pool.grow_ctx = sim;
	sim->pool.grow_at = bytes ? sim->pool.heap_bytes + POOL_CHECK_STEP : UINT64_MAX;
}
