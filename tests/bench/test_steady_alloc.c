/* tests/bench/test_steady_alloc.c — the hot path allocates nothing in steady state.
 *
 * The performance goals (docs/performance.md) include no per-packet or per-event heap
 * allocation once a run has warmed up. This program counts every call into the C allocator (its malloc, calloc,
 * realloc and the aligned variants replace the C library's for the whole process,
 * GLib included, and forward to glibc's __libc_* entry points), builds a shipped
 * scenario's world exactly as `netsim run` does, runs it past a warm-up and then
 * asserts that the rest of the run — tens of thousands of packets, timers, ACKs,
 * retransmissions — made no allocation except growth to a new high-water mark (the
 * packet pool, a queue's ring; amortised by doubling: a few in 10^5 packets).
 *
 * Not built with sanitizers: they replace the allocator themselves.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/cli/scenario.h"
#include "sim/cli/world.h"
#include "models/link/link.h"
#include "sim/core/sim.h"
#include "tests/cli/netsim_run.h"

/* ---- the counting allocator --------------------------------------------------------- */

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

static bool counting;
static uint64_t calls;

static inline void note(void)
{
	if (counting)
		calls++;
}

void *malloc(size_t n)
{
	note();
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	note();
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	note();
	return __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}

void *aligned_alloc(size_t align, size_t n)
{
	note();
	return __libc_memalign(align, n);
}

void *memalign(size_t align, size_t n);
void *memalign(size_t align, size_t n)
{
	note();
	return __libc_memalign(align, n);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	note();
	void *p = __libc_memalign(align, n);
	if (!p)
		return 12; /* ENOMEM */
	*out = p;
	return 0;
}

/* ---- running a scenario ------------------------------------------------------------- */

struct measured {
	uint64_t warm_events, steady_events; /* events executed before / after warm-up */
	uint64_t steady_tx;                  /* link transmissions after warm-up */
	uint64_t allocations;                /* allocator calls after warm-up */
	uint64_t pool_misses;                /* of which packet-pool growth */
};

static uint64_t link_tx(const struct world *w)
{
	uint64_t n = 0;
	for (guint i = 0; i < w->scn->links->len; i++) {
		struct link_stats st;
		link_get_stats(w->links[i], LINK_FORWARD, &st);
		n += st.tx_packets;
		link_get_stats(w->links[i], LINK_REVERSE, &st);
		n += st.tx_packets;
	}
	return n;
}

static struct measured run_counted(const char *file, sim_time_t warm)
{
	char *err = NULL;
	struct scenario_doc *doc = scenario_doc_load(file, &err);
	g_assert_null(err);
	g_assert_nonnull(doc);
	struct sch_diags d;
	sch_diags_init(&d, file);
	struct scenario *s = scenario_build(doc, &d);
	g_assert_nonnull(s);
	sch_diags_fini(&d);
	scenario_doc_free(doc);

	char *dir = tmpdir_new();
	struct sim sim;
	sim_init(&sim, s->seed);
	GError *e = NULL;
	struct world *w = world_new(&sim, s, dir, &e);
	g_assert_no_error(e);

	struct measured m = { 0 };
	sim_run(&sim, warm);
	m.warm_events = sim_executed_events(&sim);
	uint64_t tx0 = link_tx(w);
	uint64_t misses0 = sim.pool.allocations;

	counting = true;
	sim_run(&sim, s->duration);
	counting = false;
	m.allocations = calls;
	calls = 0;
	m.steady_events = sim_executed_events(&sim) - m.warm_events;
	m.steady_tx = link_tx(w) - tx0;
	m.pool_misses = sim.pool.allocations - misses0;

	g_assert_cmpint(world_finish(w, &e), ==, 0);
	g_assert_no_error(e);
	world_free(w);
	sim_fini(&sim);
	scenario_free(s);
	rm_rf(dir);
	g_free(dir);
	return m;
}

static void check(const char *rel, sim_time_t warm, uint64_t min_tx)
{
	char *file = g_build_filename(SOURCE_ROOT, rel, NULL);
	struct measured m = run_counted(file, warm);
	g_test_message("%s: %" G_GUINT64_FORMAT " events and %" G_GUINT64_FORMAT
		       " link transmissions after the warm-up, %" G_GUINT64_FORMAT
		       " allocations (%" G_GUINT64_FORMAT " packet-pool growth)",
		       rel, m.steady_events, m.steady_tx, m.allocations, m.pool_misses);
	/* The measured part is a real run, not an idle tail. */
	g_assert_cmpuint(m.steady_tx, >=, min_tx);
	/* What may still allocate is growth to a new high-water mark, amortised by
	 * doubling: the packet pool allocates a buffer only when every buffer of that size
	 * class is in use (more packets alive than ever before), a link queue's ring
	 * doubles when it holds more packets than ever before. Nothing allocates per
	 * packet or per event, so these are a handful against 10^4-10^5 packets. */
	g_assert_cmpuint(m.pool_misses, <=, m.allocations);
	g_assert_cmpuint(m.allocations * 10000, <=, m.steady_tx);
	g_free(file);
}

/* The lossy benchmark reference (docs/performance.md): one NewReno flow through 1% loss, so the measured part
 * holds fast retransmits, recoveries and RTOs, not only clean ACK clocking. */
static void test_bench_lossy(void)
{
	check("tests/bench/lossy.json", SIM_S(10), 15000);
}

/* Eight flows through a shared drop-tail bottleneck: queue overflows, many timers. */
static void test_bench_dumbbell8(void)
{
	check("tests/bench/dumbbell-8.json", SIM_S(10), 150000);
}

/* The linux-profile lossy scenario with its traces (cwnd, RTT, ...) and pcap capture
 * on: writing them allocates nothing per record either. */
static void test_scenario_lossy_traced(void)
{
	check("scenarios/lossy.json", SIM_S(10), 1000);
}

/* The counter itself works: a GLib allocation while counting is seen. */
static void test_counter_sees_allocations(void)
{
	counting = true;
	char *p = g_strdup_printf("%d", 42);
	counting = false;
	g_assert_cmpuint(calls, >=, 1);
	calls = 0;
	g_free(p);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/steady-alloc/counter", test_counter_sees_allocations);
	g_test_add_func("/steady-alloc/bench-lossy", test_bench_lossy);
	g_test_add_func("/steady-alloc/bench-dumbbell-8", test_bench_dumbbell8);
	g_test_add_func("/steady-alloc/scenario-lossy-traced", test_scenario_lossy_traced);
	return g_test_run();
}
