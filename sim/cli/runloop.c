/* sim/cli/runloop.c — see runloop.h. */
#include "sim/cli/runloop.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "models/link/link.h"
#include "models/link/queue.h"
#include "sim/cli/summary.h"

/* A signal handler can only leave a note for the program (C11 7.14.1.1): these are
 * the CLI's only mutable file-scope variables, written by the handler (stop_signal)
 * or before it is installed (stderr_tty), read between slices. */
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t stderr_tty;

/* Says at once that the signal was heard (write(2) is async-signal-safe). */
static void say_stopping(int sig)
{
	static const char tty[] = "\r\033[K";
	static const char intr[] = "netsim: SIGINT: stopping at the simulated time reached; "
				   "send it again to abort at once\n";
	static const char term[] = "netsim: SIGTERM: stopping at the simulated time reached; "
				   "send it again to abort at once\n";
	static const char hup[] = "netsim: SIGHUP: stopping at the simulated time reached; "
				  "send it again to abort at once\n";
	ssize_t w = 0;
	if (stderr_tty)
		w += write(STDERR_FILENO, tty, sizeof(tty) - 1);
	if (sig == SIGINT)
		w += write(STDERR_FILENO, intr, sizeof(intr) - 1);
	else if (sig == SIGTERM)
		w += write(STDERR_FILENO, term, sizeof(term) - 1);
	else
		w += write(STDERR_FILENO, hup, sizeof(hup) - 1);
	(void)w; /* nothing to do if stderr is gone */
}

static void on_signal(int sig)
{
	if (stop_signal != 0) {
		/* The second signal: the user means it. Die by it, at once. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_signal = sig;
	say_stopping(sig);
}

void runloop_install_signals(void)
{
	stderr_tty = isatty(STDERR_FILENO);
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int runloop_signal(void)
{
	return stop_signal;
}

const char *runloop_signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	default: return "signal";
	}
}

/* ---- memory ----------------------------------------------------------------------- */

void runloop_format_bytes(char *buf, size_t n, uint64_t bytes)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	char d[G_ASCII_DTOSTR_BUF_SIZE];
	snprintf(buf, n, "%s %s", g_ascii_formatd(d, sizeof(d), u ? "%.1f" : "%.0f", v), units[u]);
}

/* The memory limit of this process's cgroup (v2 memory.max), 0 if none. */
static uint64_t cgroup_limit(void)
{
	gchar *cg = NULL;
	uint64_t limit = 0;
	if (!g_file_get_contents("/proc/self/cgroup", &cg, NULL, NULL))
		return 0;
	/* v2: one line "0::/path". */
	const char *p = strstr(cg, "0::");
	if (p) {
		char *nl = strchr(p, '\n');
		char *path = nl ? g_strndup(p + 3, (gsize)(nl - p - 3)) : g_strdup(p + 3);
		char *file = g_build_filename("/sys/fs/cgroup", path, "memory.max", NULL);
		gchar *text = NULL;
		if (g_file_get_contents(file, &text, NULL, NULL))
			limit = g_ascii_strtoull(text, NULL, 10); /* "max" reads as 0 */
		g_free(text);
		g_free(file);
		g_free(path);
	}
	g_free(cg);
	return limit;
}

uint64_t runloop_default_memory_budget(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	uint64_t phys = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
	uint64_t cg = cgroup_limit();
	if (cg > 0 && (phys == 0 || cg < phys))
		phys = cg;
	return phys / 4 * 3;
}

/* Between slices: over budget, the longest queue and the packets held are what grew
 * (the checks inside the run name the exact growth point when they fire first). */
static void check_memory(struct sim *sim, const struct world *w)
{
	if (sim->mem.exceeded || !sim_memory_over_budget(sim))
		return;
	const struct link_direction *longest = NULL;
	for (guint li = 0; li < w->scn->links->len; li++)
		for (int d = 0; d < 2; d++) {
			const struct link_direction *ld = &w->links[li]->d[d];
			if (!longest || queue_packets(&ld->queue) > queue_packets(&longest->queue))
				longest = ld;
		}
	char what[200];
	int n = snprintf(what, sizeof(what), "%llu packets in flight or queued",
			 (unsigned long long)sim_packet_pool_outstanding(&sim->pool));
	if (longest && queue_packets(&longest->queue) > 0 && n > 0 && (size_t)n < sizeof(what))
		snprintf(what + n, sizeof(what) - (size_t)n,
			 ", the longest queue link %s %s with %u packets", longest->link->name,
			 link_dir_name(longest->dir), queue_packets(&longest->queue));
	sim_memory_stop(sim, what);
}

/* ---- progress --------------------------------------------------------------------- */

struct progress {
	const struct run_progress *opts;
	gint64 wall_start;
	gint64 interval;  /* µs between lines */
	gint64 next;      /* wall time of the next line */
	bool live, shown;
	/* Recent rates: simulated seconds, events and wall seconds summed with weights
	 * that decay with the wall time since (time constant PROGRESS_TAU_S), so the
	 * rates are those of about the last TAU seconds and follow a run that speeds up
	 * or slows down, with no bias towards the first slice. */
	gint64 last_wall;
	sim_time_t last_sim;
	uint64_t last_events;
	double acc_sim, acc_events, acc_wall;
	double sim_rate;  /* simulated seconds per wall second */
	double ev_rate;   /* events per wall second */
};

#define PROGRESS_TAU_S 10.0

/* "42 s", "3 min 05 s", "2 h 07 min" */
static void fmt_wall(char *buf, size_t n, double s)
{
	if (!isfinite(s) || s > 360000) {
		snprintf(buf, n, "unknown");
		return;
	}
	long t = (long)(s + 0.5);
	if (t < 60)
		snprintf(buf, n, "%ld s", t);
	else if (t < 3600)
		snprintf(buf, n, "%ld min %02ld s", t / 60, t % 60);
	else
		snprintf(buf, n, "%ld h %02ld min", t / 3600, t / 60 % 60);
}

static void update_rates(struct progress *pg, gint64 now, sim_time_t sim_now_, uint64_t events)
{
	double dt = (double)(now - pg->last_wall) / 1e6;
	if (dt <= 0)
		return;
	double keep = exp(-dt / PROGRESS_TAU_S);
	pg->acc_sim = pg->acc_sim * keep + sim_time_to_s(sim_now_ - pg->last_sim);
	pg->acc_events = pg->acc_events * keep + (double)(events - pg->last_events);
	pg->acc_wall = pg->acc_wall * keep + dt;
	pg->sim_rate = pg->acc_sim / pg->acc_wall;
	pg->ev_rate = pg->acc_events / pg->acc_wall;
	pg->last_wall = now;
	pg->last_sim = sim_now_;
	pg->last_events = events;
}

/* "netsim: 12.345 s of 60 s simulated (20%), 3.21 M events/s, 10 s elapsed, ETA 48 s" */
static void print_progress(struct progress *pg, gint64 now, sim_time_t t, sim_time_t end)
{
	char a[32], b[32], el[32], eta[32];
	char rate[32];
	summary_fmt_rate(rate, sizeof(rate), pg->ev_rate);
	double left = sim_time_to_s(end - t);
	fmt_wall(el, sizeof(el), (double)(now - pg->wall_start) / 1e6);
	fmt_wall(eta, sizeof(eta), pg->sim_rate > 0 ? left / pg->sim_rate : INFINITY);
	fprintf(stderr, "%snetsim: %s s of %s s simulated (%d%%), %s events/s, %s elapsed, ETA %s%s",
		pg->live ? "\r\033[K" : "", g_ascii_formatd(a, sizeof(a), "%.6g", sim_time_to_s(t)),
		g_ascii_formatd(b, sizeof(b), "%g", sim_time_to_s(end)),
		(int)(100.0 * (double)t / (double)end), rate, el, eta, pg->live ? "" : "\n");
	fflush(stderr);
	pg->shown = true;
}

static void progress_init(struct progress *pg, const struct run_progress *o, gint64 wall_start)
{
	memset(pg, 0, sizeof(*pg));
	pg->opts = o;
	pg->wall_start = wall_start;
	/* Rates from the first slice on: loading and building took wall time that says
	 * nothing of the run's speed. */
	pg->last_wall = g_get_monotonic_time();
	pg->live = o->tty && o->interval_s <= 0;
	/* A live line after a second, refreshed four times a second; plain lines every
	 * interval (10 s by default). */
	pg->interval = pg->live ? 250000
				: (gint64)((o->interval_s > 0 ? o->interval_s : 10.0) * 1e6);
	pg->next = wall_start + (pg->live ? G_USEC_PER_SEC : pg->interval);
}

static void progress_tick(struct progress *pg, gint64 now, const struct sim *sim, sim_time_t end)
{
	update_rates(pg, now, sim_now(sim), sim_executed_events(sim));
	if (pg->opts->quiet || now < pg->next)
		return;
	print_progress(pg, now, sim_now(sim), end);
	while (pg->next <= now)
		pg->next += pg->interval;
}

static void progress_done(struct progress *pg)
{
	if (pg->live && pg->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
}

/* ---- the run ---------------------------------------------------------------------- */

enum run_end runloop_run(struct sim *sim, const struct world *w, sim_time_t end,
			 const struct run_progress *p, gint64 wall_start)
{
	struct progress pg;
	progress_init(&pg, p, wall_start);
	sim_time_t slice = SIM_MS(1);
	enum run_end how = RUN_END_COMPLETE;

	for (;;) {
		if (stop_signal) {
			how = RUN_END_SIGNAL;
			break;
		}
		check_memory(sim, w);
		if (sim->mem.exceeded) {
			how = RUN_END_MEMORY;
			break;
		}
		if (sim_now(sim) >= end)
			break;
		sim_time_t target = end - sim_now(sim) > slice ? sim_now(sim) + slice : end;
		gint64 w0 = g_get_monotonic_time();
		sim_run(sim, target);
		gint64 w1 = g_get_monotonic_time();
		/* Aim for slices of 20–80 ms of wall time. */
		if (w1 - w0 < 20000 && slice < SIM_S(3600))
			slice *= 2;
		else if (w1 - w0 > 80000 && slice > SIM_US(1))
			slice /= 2;
		if (!sim->mem.exceeded && sim_pending_events(sim) == 0)
			sim_run(sim, end); /* nothing left: move the clock to the end */
		progress_tick(&pg, w1, sim, end);
	}
	progress_done(&pg);
	return how;
}
