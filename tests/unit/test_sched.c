/* tests/unit/test_sched.c — event order, ties, cancel, reschedule, run limits. */
#include <glib.h>
#include <string.h>

#include "sim/core/sim.h"

struct log {
	GArray *ids;   /* int tags in execution order */
	GArray *times; /* sim_time_t at execution */
};

static void record(struct sim *sim, void *ctx, void *arg)
{
	struct log *l = ctx;
	int tag = GPOINTER_TO_INT(arg);
	sim_time_t now = sim_now(sim);
	g_array_append_val(l->ids, tag);
	g_array_append_val(l->times, now);
}

static void log_init(struct log *l)
{
	l->ids = g_array_new(FALSE, FALSE, sizeof(int));
	l->times = g_array_new(FALSE, FALSE, sizeof(sim_time_t));
}

static void log_free(struct log *l)
{
	g_array_free(l->ids, TRUE);
	g_array_free(l->times, TRUE);
}

#define TAG(l, i) g_array_index((l)->ids, int, (i))
#define TIME(l, i) g_array_index((l)->times, sim_time_t, (i))

static void test_order_and_ties(void)
{
	struct sim sim;
	struct log l;
	sim_init(&sim, 1);
	log_init(&l);
	/* Scheduled out of time order; equal times must keep scheduling order. */
	sim_schedule_at(&sim, SIM_MS(5), record, &l, GINT_TO_POINTER(1));
	sim_schedule_at(&sim, SIM_MS(1), record, &l, GINT_TO_POINTER(2));
	for (int i = 0; i < 100; i++)
		sim_schedule_at(&sim, SIM_MS(3), record, &l, GINT_TO_POINTER(100 + i));
	sim_schedule_at(&sim, SIM_MS(1), record, &l, GINT_TO_POINTER(3));
	g_assert_cmpuint(sim_run(&sim, SIM_TIME_MAX), ==, 103);
	g_assert_cmpint(TAG(&l, 0), ==, 2);
	g_assert_cmpint(TAG(&l, 1), ==, 3);
	for (int i = 0; i < 100; i++) {
		g_assert_cmpint(TAG(&l, 2 + i), ==, 100 + i);
		g_assert_cmpint(TIME(&l, 2 + i), ==, SIM_MS(3));
	}
	g_assert_cmpint(TAG(&l, 102), ==, 1);
	g_assert_cmpint(sim_now(&sim), ==, SIM_MS(5));
	g_assert_cmpuint(sim_executed_events(&sim), ==, 103);
	log_free(&l);
	sim_fini(&sim);
}

static void test_cancel(void)
{
	struct sim sim;
	struct log l;
	sim_init(&sim, 1);
	log_init(&l);
	sim_event_id a = sim_schedule_at(&sim, 10, record, &l, GINT_TO_POINTER(1));
	sim_event_id b = sim_schedule_at(&sim, 20, record, &l, GINT_TO_POINTER(2));
	sim_event_id c = sim_schedule_at(&sim, 30, record, &l, GINT_TO_POINTER(3));
	g_assert_true(sim_event_pending(&sim, b));
	g_assert_true(sim_cancel(&sim, b));
	g_assert_false(sim_event_pending(&sim, b));
	g_assert_false(sim_cancel(&sim, b)); /* second cancel: stale id, no-op */
	g_assert_false(sim_cancel(&sim, SIM_EVENT_NONE));
	g_assert_cmpint(sim_event_time(&sim, c), ==, 30);
	sim_run(&sim, SIM_TIME_MAX);
	g_assert_cmpuint(l.ids->len, ==, 2);
	g_assert_cmpint(TAG(&l, 0), ==, 1);
	g_assert_cmpint(TAG(&l, 1), ==, 3);
	/* Ids of executed events are stale, even after their slots are reused. */
	g_assert_false(sim_event_pending(&sim, a));
	sim_event_id d = sim_schedule_in(&sim, 5, record, &l, GINT_TO_POINTER(4));
	g_assert_false(sim_cancel(&sim, a));
	g_assert_false(sim_cancel(&sim, c));
	g_assert_true(sim_event_pending(&sim, d));
	g_assert_cmpint(sim_event_time(&sim, d), ==, 35);
	log_free(&l);
	sim_fini(&sim);
}

static void test_reschedule(void)
{
	struct sim sim;
	struct log l;
	sim_init(&sim, 1);
	log_init(&l);
	sim_event_id a = sim_schedule_at(&sim, 100, record, &l, GINT_TO_POINTER(1));
	sim_schedule_at(&sim, 50, record, &l, GINT_TO_POINTER(2));
	sim_schedule_at(&sim, 10, record, &l, GINT_TO_POINTER(3));
	/* Earlier, to the same time as 2: it now counts as scheduled after 2. */
	g_assert_true(sim_reschedule_at(&sim, a, 50));
	g_assert_cmpint(sim_event_time(&sim, a), ==, 50);
	sim_run(&sim, SIM_TIME_MAX);
	g_assert_cmpint(TAG(&l, 0), ==, 3);
	g_assert_cmpint(TAG(&l, 1), ==, 2);
	g_assert_cmpint(TAG(&l, 2), ==, 1);
	g_assert_cmpint(TIME(&l, 2), ==, 50);
	g_assert_false(sim_reschedule_at(&sim, a, 60)); /* stale */
	log_free(&l);
	sim_fini(&sim);
}

static void test_run_until_and_stop(void)
{
	struct sim sim;
	struct log l;
	sim_init(&sim, 1);
	log_init(&l);
	for (int i = 1; i <= 10; i++)
		sim_schedule_at(&sim, SIM_MS(i), record, &l, GINT_TO_POINTER(i));
	/* Events at exactly the stop time run; later ones wait. */
	g_assert_cmpuint(sim_run(&sim, SIM_MS(4)), ==, 4);
	g_assert_cmpint(sim_now(&sim), ==, SIM_MS(4));
	g_assert_cmpuint(sim_pending_events(&sim), ==, 6);
	/* The clock advances to the stop time even without an event there. */
	g_assert_cmpuint(sim_run(&sim, SIM_US(4500)), ==, 0);
	g_assert_cmpint(sim_now(&sim), ==, SIM_US(4500));
	g_assert_cmpuint(sim_run(&sim, SIM_TIME_MAX), ==, 6);
	g_assert_cmpint(sim_now(&sim), ==, SIM_MS(10));
	log_free(&l);
	sim_fini(&sim);
}

static void stopper(struct sim *sim, void *ctx, void *arg)
{
	record(sim, ctx, arg);
	sim_stop(sim);
}

static void test_stop(void)
{
	struct sim sim;
	struct log l;
	sim_init(&sim, 1);
	log_init(&l);
	sim_schedule_at(&sim, 1, record, &l, GINT_TO_POINTER(1));
	sim_schedule_at(&sim, 2, stopper, &l, GINT_TO_POINTER(2));
	sim_schedule_at(&sim, 3, record, &l, GINT_TO_POINTER(3));
	g_assert_cmpuint(sim_run(&sim, 100), ==, 2);
	g_assert_cmpint(sim_now(&sim), ==, 2);
	g_assert_cmpuint(sim_run(&sim, 100), ==, 1);
	log_free(&l);
	sim_fini(&sim);
}

/* A self-rescheduling chain inside callbacks: the relative-time API and re-arming. */
struct ticker {
	struct sim_timer timer;
	int fired;
	sim_time_t period;
};

static void tick(struct sim *sim, void *ctx, void *arg)
{
	struct ticker *t = ctx;
	t->fired++;
	if (t->fired < 5)
		sim_timer_arm_in(sim, &t->timer, t->period, tick, t, NULL);
}

static void test_timer(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct ticker t = { .period = SIM_MS(10) };
	sim_timer_arm_in(&sim, &t.timer, SIM_MS(10), tick, &t, NULL);
	/* Re-arming a pending timer moves it, without a second event. */
	sim_timer_arm_in(&sim, &t.timer, SIM_MS(20), tick, &t, NULL);
	g_assert_cmpuint(sim_pending_events(&sim), ==, 1);
	g_assert_cmpint(sim_timer_expiry(&sim, &t.timer), ==, SIM_MS(20));
	sim_run(&sim, SIM_TIME_MAX);
	g_assert_cmpint(t.fired, ==, 5);
	g_assert_cmpint(sim_now(&sim), ==, SIM_MS(60));
	g_assert_false(sim_timer_pending(&sim, &t.timer));
	sim_timer_cancel(&sim, &t.timer); /* idle cancel is harmless */
	sim_fini(&sim);
}

/* Randomised comparison against a trivially correct model: a list sorted by
 * (time, seq) with cancels and reschedules. */
struct ref_ev {
	sim_time_t t;
	uint64_t seq;
	int tag;
	sim_event_id id;
	bool live;
};

static void test_random_against_model(void)
{
	struct sim sim;
	struct log l;
	struct sim_rng rng;
	enum { N = 5000 };
	struct ref_ev *ev = g_new0(struct ref_ev, N);
	uint64_t seq = 0;

	sim_init(&sim, 1);
	log_init(&l);
	sim_rng_init(&rng, 99, "test");
	for (int i = 0; i < N; i++) {
		ev[i].t = (sim_time_t)sim_rng_below(&rng, 1000);
		ev[i].seq = seq++;
		ev[i].tag = i;
		ev[i].live = true;
		ev[i].id = sim_schedule_at(&sim, ev[i].t, record, &l, GINT_TO_POINTER(i));
	}
	for (int k = 0; k < 3000; k++) {
		int i = (int)sim_rng_below(&rng, N);
		if (!ev[i].live)
			continue;
		if (sim_rng_bernoulli(&rng, 0.5)) {
			g_assert_true(sim_cancel(&sim, ev[i].id));
			ev[i].live = false;
		} else {
			ev[i].t = (sim_time_t)sim_rng_below(&rng, 1000);
			ev[i].seq = seq++;
			g_assert_true(sim_reschedule_at(&sim, ev[i].id, ev[i].t));
		}
	}
	sim_run(&sim, SIM_TIME_MAX);
	/* Expected order: live events sorted by (t, seq). */
	GArray *exp = g_array_new(FALSE, FALSE, sizeof(struct ref_ev));
	for (int i = 0; i < N; i++)
		if (ev[i].live)
			g_array_append_val(exp, ev[i]);
	for (guint a = 1; a < exp->len; a++) { /* insertion sort is fine for a test */
		struct ref_ev x = g_array_index(exp, struct ref_ev, a);
		guint b = a;
		while (b > 0) {
			struct ref_ev *y = &g_array_index(exp, struct ref_ev, b - 1);
			if (y->t < x.t || (y->t == x.t && y->seq < x.seq))
				break;
			g_array_index(exp, struct ref_ev, b) = *y;
			b--;
		}
		g_array_index(exp, struct ref_ev, b) = x;
	}
	g_assert_cmpuint(l.ids->len, ==, exp->len);
	for (guint i = 0; i < exp->len; i++) {
		g_assert_cmpint(TAG(&l, i), ==, g_array_index(exp, struct ref_ev, i).tag);
		g_assert_cmpint(TIME(&l, i), ==, g_array_index(exp, struct ref_ev, i).t);
	}
	g_array_free(exp, TRUE);
	g_free(ev);
	log_free(&l);
	sim_fini(&sim);
}

/* Timers cancelled and armed again (parked slots, sched.c): against a model of
 * (time, seq) order with the same random arm/cancel sequence, interleaved with plain
 * events and with running the clock forward, so parked entries surface, are reused
 * later and earlier than their entry, and are released. Also: a cancelled timer is not
 * pending, and re-arming it equals scheduling it anew for tie-breaking. */
struct tref {
	struct sim_timer tm;
	bool live;
	sim_time_t t;
	uint64_t seq;
};

static void test_timer_park_against_model(void)
{
	struct sim sim;
	struct log l;
	struct sim_rng rng;
	enum { NT = 64, ROUNDS = 400 };
	struct tref tr[NT];
	uint64_t seq = 0;
	memset(tr, 0, sizeof(tr));
	sim_init(&sim, 1);
	log_init(&l);
	sim_rng_init(&rng, 5, "test:park");
	GArray *want_tag = g_array_new(FALSE, FALSE, sizeof(int));
	GArray *want_time = g_array_new(FALSE, FALSE, sizeof(sim_time_t));
	for (int round = 0; round < ROUNDS; round++) {
		sim_time_t now = sim_now(&sim);
		for (int k = 0; k < 40; k++) {
			int i = (int)sim_rng_below(&rng, NT);
			if (sim_rng_bernoulli(&rng, 0.3)) {
				sim_timer_cancel(&sim, &tr[i].tm);
				tr[i].live = false;
				g_assert_false(sim_timer_pending(&sim, &tr[i].tm));
				g_assert_cmpint(sim_timer_expiry(&sim, &tr[i].tm), ==, SIM_TIME_MAX);
			} else {
				tr[i].t = now + (sim_time_t)sim_rng_below(&rng, 50);
				tr[i].seq = seq++;
				tr[i].live = true;
				sim_timer_arm_at(&sim, &tr[i].tm, tr[i].t, record, &l, GINT_TO_POINTER(i));
				g_assert_cmpint(sim_timer_expiry(&sim, &tr[i].tm), ==, tr[i].t);
			}
		}
		/* Run 20 ns forward: the model says which timers fire, in which order. */
		sim_time_t until = now + 20;
		for (;;) {
			int best = -1;
			for (int i = 0; i < NT; i++)
				if (tr[i].live && tr[i].t <= until &&
				    (best < 0 || tr[i].t < tr[best].t ||
				     (tr[i].t == tr[best].t && tr[i].seq < tr[best].seq)))
					best = i;
			if (best < 0)
				break;
			tr[best].live = false;
			g_array_append_val(want_tag, best);
			g_array_append_val(want_time, tr[best].t);
		}
		sim_run(&sim, until);
		uint32_t live = 0;
		for (int i = 0; i < NT; i++) {
			g_assert_cmpint(sim_timer_pending(&sim, &tr[i].tm), ==, tr[i].live);
			live += tr[i].live;
		}
		g_assert_cmpuint(sim_pending_events(&sim), ==, live);
	}
	g_assert_cmpuint(l.ids->len, ==, want_tag->len);
	for (guint i = 0; i < want_tag->len; i++) {
		g_assert_cmpint(TAG(&l, i), ==, g_array_index(want_tag, int, i));
		g_assert_cmpint(TIME(&l, i), ==, g_array_index(want_time, sim_time_t, i));
	}
	for (int i = 0; i < NT; i++)
		sim_timer_cancel(&sim, &tr[i].tm);
	g_assert_cmpuint(sim_pending_events(&sim), ==, 0);
	sim_run(&sim, SIM_TIME_MAX);
	g_assert_cmpuint(l.ids->len, ==, want_tag->len); /* nothing parked ever runs */
	g_array_free(want_tag, TRUE);
	g_array_free(want_time, TRUE);
	log_free(&l);
	sim_fini(&sim);
}

/* A timer cancelled and armed again at the same instant runs after an event scheduled
 * for that instant in between (a re-arm is a fresh schedule for tie-breaking), and a
 * delayed-ACK-like cycle (arm later, cancel, arm later again, ...) leaves the heap at
 * one entry. */
static void test_timer_park_ties_and_heap(void)
{
	struct sim sim;
	struct log l;
	sim_init(&sim, 1);
	log_init(&l);
	struct sim_timer t = { 0 };
	sim_timer_arm_at(&sim, &t, 100, record, &l, GINT_TO_POINTER(1));
	sim_timer_cancel(&sim, &t);
	sim_schedule_at(&sim, 100, record, &l, GINT_TO_POINTER(2));
	sim_timer_arm_at(&sim, &t, 100, record, &l, GINT_TO_POINTER(1));
	sim_run(&sim, SIM_TIME_MAX);
	g_assert_cmpuint(l.ids->len, ==, 2);
	g_assert_cmpint(TAG(&l, 0), ==, 2);
	g_assert_cmpint(TAG(&l, 1), ==, 1);

	for (int i = 0; i < 10000; i++) {
		sim_timer_arm_in(&sim, &t, SIM_MS(200), record, &l, GINT_TO_POINTER(3));
		sim_timer_cancel(&sim, &t);
	}
	g_assert_cmpuint(sim.sched.len, ==, 1);
	g_assert_cmpuint(sim_pending_events(&sim), ==, 0);
	sim_run(&sim, SIM_TIME_MAX);
	g_assert_cmpuint(l.ids->len, ==, 2);
	g_assert_cmpuint(sim.sched.len, ==, 0);
	log_free(&l);
	sim_fini(&sim);
}

/* The steady state allocates nothing: a timer re-armed a million times and a
 * constant population of events leave the scheduler's arrays at their size. */
static void noop(struct sim *sim, void *ctx, void *arg) {}

static void churn(struct sim *sim, void *ctx, void *arg)
{
	int *left = ctx;
	if (--*left > 0)
		sim_schedule_in(sim, 1 + (*left % 7), churn, ctx, NULL);
}

static void test_steady_state_allocation_free(void)
{
	struct sim sim;
	struct sim_timer t = { 0 };
	sim_init(&sim, 1);
	int left = 100000;
	for (int i = 0; i < 64; i++)
		sim_schedule_at(&sim, i, churn, &left, NULL);
	sim_timer_arm_at(&sim, &t, SIM_S(1000), noop, NULL, NULL);
	sim_run(&sim, 100);
	uint32_t cap = sim.sched.cap, cap_slots = sim.sched.cap_slots;
	for (int i = 0; i < 1000000; i++)
		sim_timer_arm_at(&sim, &t, SIM_S(1000) + i, noop, NULL, NULL);
	sim_run(&sim, SIM_S(999));
	g_assert_cmpuint(sim.sched.cap, ==, cap);
	g_assert_cmpuint(sim.sched.cap_slots, ==, cap_slots);
	sim_fini(&sim);
}

static void test_past_aborts(void)
{
	if (g_test_subprocess()) {
		struct sim sim;
		sim_init(&sim, 1);
		sim_schedule_at(&sim, 10, noop, NULL, NULL);
		sim_run(&sim, SIM_TIME_MAX);
		sim_schedule_at(&sim, 5, noop, NULL, NULL);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*clock never goes backwards*");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sched/order-and-ties", test_order_and_ties);
	g_test_add_func("/sched/cancel", test_cancel);
	g_test_add_func("/sched/reschedule", test_reschedule);
	g_test_add_func("/sched/run-until", test_run_until_and_stop);
	g_test_add_func("/sched/stop", test_stop);
	g_test_add_func("/sched/timer", test_timer);
	g_test_add_func("/sched/timer-park-vs-model", test_timer_park_against_model);
	g_test_add_func("/sched/timer-park-ties-and-heap", test_timer_park_ties_and_heap);
	g_test_add_func("/sched/random-vs-model", test_random_against_model);
	g_test_add_func("/sched/steady-state-allocation-free", test_steady_state_allocation_free);
	g_test_add_func("/sched/past-aborts", test_past_aborts);
	return g_test_run();
}
