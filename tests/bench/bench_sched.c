/* tests/bench/bench_sched.c — the classic "hold" benchmark of the event queue.
 *
 * A population of n pending events is kept constant: each executed event schedules
 * one new event at now + an exponentially distributed increment (mean 1 ms). This is
 * the textbook workload for priority queues (Jones 1986) and the one a network
 * simulation resembles: every delivery schedules the next. Increments are drawn in
 * advance so the figure measures the queue, not the random number generator.
 *
 * A second figure measures cancel + reschedule: n pending timers, and a loop that
 * re-arms a pseudo-randomly chosen one to a new time, as TCP does with its
 * retransmission timer on every ACK.
 *
 * Each figure is measured REPS times; the median and the best are printed (on a
 * shared VM the best is the figure least disturbed by neighbours).
 *
 * Usage: bench_sched [events-per-size]    (default 5 000 000)
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/core/sim.h"

#define NINC (1u << 20)
#define REPS 5

struct hold {
	sim_time_t *inc;
	uint32_t next;
	uint64_t left;
};

static void hold_event(struct sim *sim, void *ctx, void *arg)
{
	struct hold *h = ctx;
	if (--h->left == 0) {
		sim_stop(sim);
		return;
	}
	sim_schedule_in(sim, h->inc[h->next++ & (NINC - 1)], hold_event, h, NULL);
}

static void noop(struct sim *sim, void *ctx, void *arg) {}

static double now_s(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One hold measurement with n pending events; returns events per second. */
static double hold_rate(uint32_t n, uint64_t events, sim_time_t *inc)
{
	struct sim sim;
	struct hold h = { .inc = inc, .next = 0, .left = 0 };
	sim_init(&sim, 1);
	for (uint32_t i = 0; i < n; i++)
		sim_schedule_at(&sim, inc[h.next++ & (NINC - 1)], hold_event, &h, NULL);
	/* Warm up (grows the arrays to their steady size), then measure. */
	h.left = n;
	sim_run(&sim, SIM_TIME_MAX);
	h.left = events;
	double t0 = now_s();
	uint64_t ran = sim_run(&sim, SIM_TIME_MAX);
	double wall = now_s() - t0;
	sim_fini(&sim);
	return (double)ran / wall;
}

/* n pending timers; each operation re-arms a pseudo-randomly chosen one to a new
 * time (mostly later, sometimes earlier). Returns operations per second. */
static double rearm_rate(uint32_t n, uint64_t ops, sim_time_t *inc)
{
	struct sim sim;
	struct sim_timer *timers = g_new0(struct sim_timer, n);
	sim_init(&sim, 1);
	for (uint32_t i = 0; i < n; i++)
		sim_timer_arm_at(&sim, &timers[i], inc[i & (NINC - 1)], noop, NULL, NULL);
	uint64_t x = 88172645463325252u;
	double t0 = now_s();
	for (uint64_t i = 0; i < ops; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sim_timer_arm_at(&sim, &timers[x % n], inc[i & (NINC - 1)] + (sim_time_t)(i >> 4), noop,
				 NULL, NULL);
	}
	double wall = now_s() - t0;
	g_free(timers);
	sim_fini(&sim);
	return (double)ops / wall;
}

int main(int argc, char **argv)
{
	uint64_t events = argc > 1 ? strtoull(argv[1], NULL, 10) : 5000000;
	static const uint32_t sizes[] = { 1000, 100000, 1000000 };
	struct sim_rng rng;
	sim_time_t *inc = g_new(sim_time_t, NINC);

	sim_rng_init(&rng, 1, "bench:hold");
	for (uint32_t i = 0; i < NINC; i++)
		inc[i] = 1 + (sim_time_t)sim_rng_exponential(&rng, 1e6);

	printf("%-9s %22s %22s %24s\n", "pending", "hold events/s median", "hold events/s best",
	       "re-arm ops/s median");
	for (size_t k = 0; k < G_N_ELEMENTS(sizes); k++) {
		double hold[REPS], rearm[REPS];
		for (int r = 0; r < REPS; r++) {
			hold[r] = hold_rate(sizes[k], events, inc);
			rearm[r] = rearm_rate(sizes[k], events, inc);
		}
		qsort(hold, REPS, sizeof(double), cmp_double);
		qsort(rearm, REPS, sizeof(double), cmp_double);
		printf("%-9u %22.0f %22.0f %24.0f\n", sizes[k], hold[REPS / 2], hold[REPS - 1],
		       rearm[REPS / 2]);
		fflush(stdout);
	}
	g_free(inc);
	return 0;
}
