/* sim/cli/runloop.h — runs a built world to its end under the user's eyes.
 *
 * Where it sits: called by main.c between world_new() and world_finish(). The run
 * goes in slices of 20–80 ms of wall time, so that between slices
 *   - progress is shown on stderr (simulated time reached, % done, events/s and an
 *     ETA from the recent rate, which follows a run that speeds up or slows down);
 *   - a signal (SIGINT, SIGTERM, SIGHUP) stops the run at the simulated time reached:
 *     the caller then writes what ran, marked as stopped; a second signal aborts at
 *     once;
 *   - the memory budget is checked (besides the checks where the packet pool and
 *     the link queues grow, sim.h), naming the longest queue and the packets held.
 * Slicing never changes a run: sim_run() executes the same events in the same order
 * whatever the slice boundaries, and nothing here reaches an output file.
 */
#ifndef SIM_CLI_RUNLOOP_H
#define SIM_CLI_RUNLOOP_H

#include <glib.h>
#include <stdbool.h>

#include "sim/cli/world.h"
#include "sim/core/sim.h"

/* How a run ended. */
enum run_end {
	RUN_END_COMPLETE, /* reached its end (or nothing was left to happen) */
	RUN_END_SIGNAL,   /* stopped by a signal at the time reached (runloop_signal()) */
	RUN_END_MEMORY,   /* stopped by the memory budget (sim->mem says what grew) */
};

/* Progress lines on stderr. */
struct run_progress {
	bool quiet;        /* none at all */
	double interval_s; /* > 0: a plain line every interval_s of wall time; 0: a live
			    * line on a terminal, a plain line every 10 s otherwise */
	bool tty;          /* stderr is a terminal */
};

/* Installs the handlers of SIGINT, SIGTERM and SIGHUP: the first signal asks the run
 * to stop (runloop_signal() then names it); a second one terminates the process at
 * once by that signal's default action. */
void runloop_install_signals(void);

/* The first stop signal received (SIGINT, ...), 0 if none. */
int runloop_signal(void);

/* "SIGINT", "SIGTERM", "SIGHUP" (summary.json's "stopped"). */
const char *runloop_signal_name(int sig);

/* Runs sim (the world w built in it) until `end`, a signal or the memory budget.
 * wall_start is when the run started (g_get_monotonic_time()), for rates and ETA. */
enum run_end runloop_run(struct sim *sim, const struct world *w, sim_time_t end,
			 const struct run_progress *p, gint64 wall_start);

/* Formats a size in bytes for messages ("1.5 GiB", "640 MiB", "12 KiB"). */
void runloop_format_bytes(char *buf, size_t n, uint64_t bytes);

/* The default memory budget: three quarters of the physical memory, or of the
 * cgroup's limit when that is lower (0 when neither is known). */
uint64_t runloop_default_memory_budget(void);

#endif
