/* tests/fuzz/fuzz_scenario_run.c — scenarios that validate are also run: the world
 * is built, simulated for a bounded time and torn down, the summary made.
 *
 * Validation alone cannot tell whether a value it accepts can be run: `count:
 * 4294967295` passed validation and then aborted the run allocating 32 GiB. This
 * harness takes the inputs of fuzz_scenario (same structure-aware mutator, same
 * seeds) and, when a scenario is valid, runs it for at most 2 s of simulated time or
 * 20 000 events, whichever comes first, or until it has taken 128 MiB more memory
 * (the memory budget stops it, as --max-memory stops `netsim run`), with its outputs
 * (traces, captures) written into a scratch folder that is emptied after each input.
 *
 * Applications whose reads, writes or HTTP chunks are smaller than MIN_IO bytes are
 * run with MIN_IO-byte ones: the event bound does not count an application's calls,
 * and one byte per write at loopback's 40 Gbit/s is 5 billion writes per simulated
 * second, thousands in one event (`netsim run` does it at 5 k events/s: costly, not
 * hung). Small calls over the modelled links are the tcp and application tests' part.
 *
 * Invariants: no crash, abort, leak or sanitizer report for any valid scenario; the
 * run ends (libFuzzer's -timeout and -rss_limit_mb catch what does not); no packet is
 * left in the pool once the world is freed; world_finish() succeeds (the scratch
 * folder has room) and the summary can be built.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/scenario.h"
#include "sim/cli/summary.h"
#include "sim/cli/world.h"
#include "sim/core/output.h"
#include "sim/core/sim.h"
#include "tests/fuzz/fuzz.h"

#define MAX_SIM_TIME SIM_S(2)
#define MAX_EVENTS 20000u
/* Memory a run may add, as `netsim run --max-memory` would stop it (a valid scenario
 * may ask for gigabytes: 1 GiB send buffers on every flow). */
#define MEMORY_BUDGET (UINT64_C(128) << 20)

/* The smallest read, write or HTTP chunk the harness runs (see above). */
#define MIN_IO 256u

static char *scratch;

static void remove_scratch(void)
{
	sim_remove_tree(scratch);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *base = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
	char *tmpl = g_strdup_printf("%s/netsim-fuzz-run-%ld-XXXXXX", base, (long)getpid());
	scratch = g_mkdtemp(tmpl);
	fz_check(scratch != NULL, "cannot create the scratch folder");
	atexit(remove_scratch);
	return 0;
}

static struct scenario *load(const uint8_t *data, size_t size)
{
	char *err = NULL;
	struct scenario_doc *doc = scenario_doc_parse("fuzz.json", (const char *)data, size, &err);
	g_free(err);
	if (!doc)
		return NULL;
	struct sch_diags d;
	sch_diags_init(&d, "fuzz.json");
	struct scenario *s = scenario_build(doc, &d);
	sch_diags_fini(&d);
	scenario_doc_free(doc);
	return s;
}

static void raise_to_min_io(uint32_t *size)
{
	if (*size != 0 && *size < MIN_IO)
		*size = MIN_IO;
}

/* Raises the applications' calls smaller than MIN_IO bytes to MIN_IO (0 is the
 * default, 1460 or more). */
static void bound_io_sizes(struct scenario *s)
{
	for (guint i = 0; i < s->apps->len; i++) {
		struct scn_app *a = &g_array_index(s->apps, struct scn_app, i);
		raise_to_min_io(&a->bulk.write_size);
		raise_to_min_io(&a->bulk.read_size);
		raise_to_min_io(&a->echo.write_size);
		raise_to_min_io(&a->simopen.write_size);
		raise_to_min_io(&a->http.chunk_size);
		for (guint k = 0; a->chunk_sizes && k < a->chunk_sizes->len; k++)
			raise_to_min_io(&g_array_index(a->chunk_sizes, uint32_t, k));
	}
}

/* The earliest entry of the scheduler's heap: the next event's time, or earlier (an
 * entry of a cancelled event not dropped yet). */
static sim_time_t next_entry_time(const struct sim *sim)
{
	return sim->sched.len > 0 ? sim->sched.heap[0].time : SIM_TIME_MAX;
}

/* Runs until the scenario's end, MAX_SIM_TIME or MAX_EVENTS, in slices (which does not
 * change a run: see sim_run()). A slice covers SLICE of simulated time from the next
 * event on, however far that is: a valid scenario may run billions of events per
 * simulated second (a link at 2^63 bit/s without delay, each packet 1 ns), so a slice
 * of fixed length could hold millions of events, and the event bound, checked between
 * slices, would not hold. */
#define SLICE SIM_US(1)
static void run_bounded(struct sim *sim, sim_time_t duration)
{
	sim_time_t end = duration < MAX_SIM_TIME ? duration : MAX_SIM_TIME;
	while (sim_now(sim) < end && sim_executed_events(sim) < MAX_EVENTS &&
	       sim_pending_events(sim) > 0 && !sim->mem.exceeded) {
		sim_time_t from = next_entry_time(sim);
		if (from < sim_now(sim))
			from = sim_now(sim);
		sim_run(sim, end - from > SLICE ? from + SLICE : end);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *s = load(data, size);
	if (s == NULL)
		return 0;
	bound_io_sizes(s);
	struct sim sim;
	sim_init(&sim, s->seed);
	sim_set_memory_budget(&sim, sim_memory_resident() + MEMORY_BUDGET);
	GError *e = NULL;
	struct world *w = world_new(&sim, s, scratch, &e);
	if (w) {
		run_bounded(&sim, s->duration);
		fz_check(world_finish(w, &e) == 0, e ? e->message : "world_finish");
		struct run_info ri = {.seed = s->seed, .sim_time = sim_now(&sim),
				      .events = sim_executed_events(&sim)};
		cJSON *summary = summary_build(w, &ri);
		fz_check(summary != NULL, "no summary");
		char *text = summary_text(summary, true);
		g_free(text);
		cJSON_Delete(summary);
		world_free(w);
		fz_check(sim_packet_pool_outstanding(&sim.pool) == 0, "a packet was not freed");
	} else {
		/* A valid scenario the world refuses: only an output that cannot be
		 * created may do that, and the scratch folder always takes them. */
		fz_check(0, e ? e->message : "world_new failed");
	}
	sim_fini(&sim);
	scenario_free(s);
	/* Empty the scratch folder for the next input. */
	GDir *d = g_dir_open(scratch, 0, NULL);
	const char *n;
	while (d && (n = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(scratch, n, NULL);
		sim_remove_tree(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	return 0;
}
