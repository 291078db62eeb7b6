/* sim/core/sched.c — 4-ary heap with lazy deletion; see sched.h for the design.
 *
 * Invariant: every pending slot s has exactly one heap entry with key
 * s.entry_key, at time s.entry_time <= s.time, and (s.entry_time, entry seq) <=
 * (s.time, s.seq). Every other entry is stale. When an entry surfaces at the top:
 *   - stale (slot free, or the slot's entry_key differs)  → dropped;
 *   - live but the slot has moved later                   → re-inserted at the slot's
 *                                                           (time, seq);
 *   - live and in place                                   → the event runs.
 * An entry is never later than the event it stands for, so events still run in
 * exactly (time, seq) order.
 *
 * Parked timers. Cancelling a struct sim_timer does not give its slot back at once:
 * the slot is "parked" (fn == parked_fn), no longer pending, but it keeps its heap
 * entry, and the timer keeps its id. Arming the timer again reactivates the slot:
 * at a time no earlier than the entry's, the old entry stands for it again and no
 * heap operation happens at all. This is the life of a delayed-ACK timer (armed by
 * one segment, cancelled by the ACK the next one triggers, armed again) and of many
 * protocol timers; with plain cancel + schedule each cycle pushed an entry and left
 * a stale one behind, and the stale entries made the heap several times deeper than
 * the live population. A parked slot is released (its generation bumped, so the
 * timer's id goes stale and the next arm schedules afresh) when its entry surfaces or
 * is compacted away. Parked entries count as stale.
 *
 * seq has 36 bits (6.9·10^10 schedulings). Should a run exhaust it, renumber()
 * rewrites the seqs of pending events densely in their current order, which
 * preserves every tie decision still to be made.
 */
#include "sim/core/sched.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"

#define SLOT_BITS 28
#define SLOT_MASK ((UINT64_C(1) << SLOT_BITS) - 1)
#define SEQ_LIMIT (UINT64_C(1) << (64 - SLOT_BITS))
#define NO_SLOT UINT32_MAX
#define ARITY 4
/* The heap array is placed so that heap[1] starts a 64-byte cache line: the four
 * children of node i, heap[4i+1 .. 4i+4], then share one line. */
#define HEAP_PAD 3

/* (time, key) as one unsigned 128-bit number: comparing two entries is then a
 * single branch-free compare (cmp/sbb), which matters because heap comparisons on
 * random keys are unpredictable branches otherwise. Time is offset by 2^63 so
 * signed order becomes unsigned order. */
__extension__ typedef unsigned __int128 order_t;

/* The marker of a parked slot (never called). */
#define parked_fn sim_sched_parked_fn
void sim_sched_parked_fn(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)ctx;
	(void)arg;
	g_error("sim_sched: a parked timer slot was run");
}

static inline order_t entry_order(const struct sim_sched_entry *e)
{
	return ((order_t)((uint64_t)e->time ^ (UINT64_C(1) << 63)) << 64) | e->key;
}

static inline uint32_t key_slot(uint64_t key)
{
	return (uint32_t)(key & SLOT_MASK);
}

static inline uint64_t make_key(uint64_t seq, uint32_t slot)
{
	return (seq << SLOT_BITS) | slot;
}

static void sift_up(struct sim_sched *s, uint32_t pos)
{
	struct sim_sched_entry e = s->heap[pos];
	order_t eo = entry_order(&e);
	while (pos > 0) {
		uint32_t parent = (pos - 1) / ARITY;
		if (eo >= entry_order(&s->heap[parent]))
			break;
		s->heap[pos] = s->heap[parent];
		pos = parent;
	}
	s->heap[pos] = e;
}

static void sift_down(struct sim_sched *s, uint32_t pos)
{
	struct sim_sched_entry *h = s->heap;
	struct sim_sched_entry e = h[pos];
	order_t eo = entry_order(&e);
	uint32_t len = s->len;
	for (;;) {
		uint32_t first = pos * ARITY + 1;
		if (first >= len)
			break;
		uint32_t best = first;
		/* The next level is one of four cache lines; fetch them all while this
		 * level's comparisons run (the lower levels of a large heap live in L3). */
		uint32_t grand = first * ARITY + 1;
		if (grand < len) {
			__builtin_prefetch(&h[grand]);
			__builtin_prefetch(&h[grand + ARITY]);
			__builtin_prefetch(&h[grand + 2 * ARITY]);
			__builtin_prefetch(&h[grand + 3 * ARITY]);
		}
		order_t bo = entry_order(&h[first]);
		if (first + ARITY <= len) {
			/* A full node: pick the least of four children without branches. */
			for (uint32_t c = first + 1; c < first + ARITY; c++) {
				order_t co = entry_order(&h[c]);
				bool lt = co < bo;
				best = lt ? c : best;
				bo = lt ? co : bo;
			}
		} else {
			for (uint32_t c = first + 1; c < len; c++) {
				order_t co = entry_order(&h[c]);
				if (co < bo) {
					best = c;
					bo = co;
				}
			}
		}
		if (bo >= eo)
			break;
		h[pos] = h[best];
		pos = best;
	}
	h[pos] = e;
}

static void grow_heap(struct sim_sched *s)
{
	uint32_t ncap = s->cap ? s->cap * 2 : 256;
	struct sim_sched_entry *base = g_aligned_alloc(ncap + HEAP_PAD, sizeof(*base), 64);
	if (s->heap) {
		memcpy(base + HEAP_PAD, s->heap, s->len * sizeof(*base));
		g_aligned_free(s->heap - HEAP_PAD);
	}
	s->heap = base + HEAP_PAD;
	s->cap = ncap;
}

static void remove_top(struct sim_sched *s)
{
	uint32_t last = --s->len;
	if (last > 0) {
		s->heap[0] = s->heap[last];
		sift_down(s, 0);
	}
}

/* Completes a deferred removal of the executing event's entry. */
static inline void settle(struct sim_sched *s)
{
	if (s->top_dead) {
		s->top_dead = false;
		remove_top(s);
	}
}

/* Adds an entry; replaces the executing event's entry when there is one. */
static void heap_push(struct sim_sched *s, sim_time_t t, uint64_t key)
{
	if (s->top_dead) {
		s->top_dead = false;
		s->heap[0].time = t;
		s->heap[0].key = key;
		sift_down(s, 0);
		return;
	}
	if (s->len == s->cap)
		grow_heap(s);
	uint32_t pos = s->len++;
	s->heap[pos].time = t;
	s->heap[pos].key = key;
	sift_up(s, pos);
}

static void free_slot(struct sim_sched *s, uint32_t idx);

/* Drops stale entries and rebuilds the heap bottom-up, O(n). Parked slots lose their
 * entry here, so they are released. */
static void compact(struct sim_sched *s)
{
	settle(s);
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->len; i++) {
		const struct sim_sched_entry *e = &s->heap[i];
		uint32_t slot = key_slot(e->key);
		struct sim_sched_slot *sl = &s->slots[slot];
		if (sl->fn == NULL || sl->entry_key != e->key)
			continue;
		if (sl->fn == parked_fn) {
			free_slot(s, slot);
			continue;
		}
		s->heap[n++] = *e;
	}
	s->len = n;
	s->stale = 0;
	if (n > 1) {
		for (uint32_t i = (n - 2) / ARITY + 1; i-- > 0;)
			sift_down(s, i);
	}
}

static int cmp_slot_order(const void *a, const void *b, void *data)
{
	const struct sim_sched_slot *slots = data;
	const struct sim_sched_slot *x = &slots[*(const uint32_t *)a], *y = &slots[*(const uint32_t *)b];
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq ? 1 : 0);
}

/* Rewrites the seq of every pending event densely, in (time, seq) order. */
static void renumber(struct sim_sched *s)
{
	settle(s);
	uint32_t *order = g_new(uint32_t, s->live ? s->live : 1);
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->n_slots; i++) {
		if (s->slots[i].fn == parked_fn)
			free_slot(s, i); /* its entry is not kept */
		else if (s->slots[i].fn != NULL)
			order[n++] = i;
	}
	g_qsort_with_data(order, (gint)n, sizeof(uint32_t), cmp_slot_order, s->slots);
	s->len = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct sim_sched_slot *sl = &s->slots[order[i]];
		sl->seq = i;
		sl->entry_key = make_key(i, order[i]);
		sl->entry_time = sl->time;
		s->heap[s->len].time = sl->time; /* sorted, hence a valid heap */
		s->heap[s->len].key = sl->entry_key;
		s->len++;
	}
	s->stale = 0;
	s->next_seq = n;
	g_free(order);
}

static uint64_t take_seq(struct sim_sched *s)
{
	if (G_UNLIKELY(s->next_seq >= SEQ_LIMIT))
		renumber(s);
	return s->next_seq++;
}

void sim_sched_init(struct sim_sched *s)
{
	*s = (struct sim_sched){ .free_head = NO_SLOT };
}

void sim_sched_fini(struct sim_sched *s)
{
	if (s->heap)
		g_aligned_free(s->heap - HEAP_PAD);
	g_aligned_free(s->slots);
	*s = (struct sim_sched){ .free_head = NO_SLOT };
}

static uint32_t alloc_slot(struct sim_sched *s)
{
	uint32_t idx;
	if (s->free_head != NO_SLOT) {
		idx = s->free_head;
		s->free_head = s->slots[idx].next_free;
		return idx;
	}
	if (s->n_slots == s->cap_slots) {
		uint32_t ncap = s->cap_slots ? s->cap_slots * 2 : 256;
		if (ncap > SLOT_MASK + 1)
			g_error("sim_schedule: more than %u pending events", (unsigned)SLOT_MASK);
		/* Cache-line aligned: a slot is 64 bytes, so each is one line. */
		struct sim_sched_slot *ns = g_aligned_alloc(ncap, sizeof(*ns), 64);
		if (s->slots) {
			memcpy(ns, s->slots, s->n_slots * sizeof(*ns));
			g_aligned_free(s->slots);
		}
		s->slots = ns;
		s->cap_slots = ncap;
	}
	idx = s->n_slots++;
	s->slots[idx].gen = 1;
	return idx;
}

/* Gives a slot back to the free list; ids naming it go stale. */
static void free_slot(struct sim_sched *s, uint32_t idx)
{
	struct sim_sched_slot *sl = &s->slots[idx];
	sl->gen++;
	if (sl->gen == 0)
		sl->gen = 1; /* keep ids non-zero across wrap */
	sl->fn = NULL;
	sl->next_free = s->free_head;
	s->free_head = idx;
}

/* Frees the slot of a pending event (it ran or was cancelled). */
static void release_slot(struct sim_sched *s, uint32_t idx)
{
	free_slot(s, idx);
	s->live--;
}

static inline sim_event_id make_id(uint32_t slot, uint32_t gen)
{
	return ((uint64_t)gen << 32) | slot;
}

/* Returns the slot an id names while it is pending or parked, or NO_SLOT. */
static inline uint32_t lookup_any(const struct sim_sched *s, sim_event_id id)
{
	uint32_t slot = (uint32_t)(id & 0xffffffffu);
	uint32_t gen = (uint32_t)(id >> 32);
	if (id == SIM_EVENT_NONE || slot >= s->n_slots)
		return NO_SLOT;
	const struct sim_sched_slot *sl = &s->slots[slot];
	if (sl->gen != gen || sl->fn == NULL)
		return NO_SLOT;
	return slot;
}

/* Returns the slot of a pending event, or NO_SLOT. */
static inline uint32_t lookup(const struct sim_sched *s, sim_event_id id)
{
	uint32_t slot = lookup_any(s, id);
	if (slot == NO_SLOT || s->slots[slot].fn == parked_fn)
		return NO_SLOT;
	return slot;
}

static void check_not_past(const struct sim_sched *s, sim_time_t t, const char *who)
{
	if (G_UNLIKELY(t < s->now))
		g_error("%s: time %" G_GINT64_FORMAT " ns is before now (%" G_GINT64_FORMAT
			" ns); the clock never goes backwards",
			who, t, s->now);
}

/* Lets stale entries accumulate up to the number of live events (plus slack), then
 * compacts: memory stays within twice the live population. */
static inline void note_stale(struct sim_sched *s)
{
	if (++s->stale > s->live + 1024)
		compact(s);
}

sim_event_id sim_schedule_at(struct sim *sim, sim_time_t t, sim_event_fn fn, void *ctx, void *arg)
{
	struct sim_sched *s = &sim->sched;
	g_assert(fn != NULL);
	check_not_past(s, t, "sim_schedule_at");
	uint64_t seq = take_seq(s);
	uint32_t slot = alloc_slot(s);
	struct sim_sched_slot *sl = &s->slots[slot];
	sl->fn = fn;
	sl->ctx = ctx;
	sl->arg = arg;
	sl->time = t;
	sl->seq = seq;
	sl->entry_key = make_key(seq, slot);
	sl->entry_time = t;
	s->live++;
	heap_push(s, t, sl->entry_key);
	return make_id(slot, sl->gen);
}

sim_event_id sim_schedule_in(struct sim *sim, sim_time_t delay, sim_event_fn fn, void *ctx,
			     void *arg)
{
	sim_time_t t;
	g_assert(delay >= 0);
	if (__builtin_add_overflow(sim->sched.now, delay, &t))
		t = SIM_TIME_MAX;
	return sim_schedule_at(sim, t, fn, ctx, arg);
}

bool sim_cancel(struct sim *sim, sim_event_id id)
{
	struct sim_sched *s = &sim->sched;
	uint32_t slot = lookup(s, id);
	if (slot == NO_SLOT)
		return false;
	release_slot(s, slot);
	note_stale(s);
	return true;
}

bool sim_reschedule_at(struct sim *sim, sim_event_id id, sim_time_t t)
{
	struct sim_sched *s = &sim->sched;
	uint32_t slot = lookup(s, id);
	if (slot == NO_SLOT)
		return false;
	check_not_past(s, t, "sim_reschedule_at");
	uint64_t seq = take_seq(s);
	struct sim_sched_slot *sl = &s->slots[slot];
	sl->time = t;
	sl->seq = seq;
	/* A fresh seq is larger than every seq in the heap, so (t, seq) lies after the
	 * slot's entry exactly when t >= entry_time: then the entry is re-inserted when
	 * it surfaces. Otherwise the event moves earlier and needs a new entry. */
	if (t < sl->entry_time) {
		sl->entry_key = make_key(seq, slot);
		sl->entry_time = t;
		heap_push(s, t, sl->entry_key);
		note_stale(s);
	}
	return true;
}

sim_time_t sim_event_time(const struct sim *sim, sim_event_id id)
{
	const struct sim_sched *s = &sim->sched;
	uint32_t slot = lookup(s, id);
	return slot == NO_SLOT ? SIM_TIME_MAX : s->slots[slot].time;
}

/* The event after the one about to run is, unless the callback schedules an earlier
 * one, the least of the root's children (they share one cache line). Start fetching
 * the object it will work on — its context and argument — while this callback runs:
 * in runs with thousands of links and connections those objects are not in the
 * caches, and the callback takes long enough to hide most of a memory access. Only
 * in such runs, recognised by a heap of thousands of entries: in small ones every
 * object is in the caches anyway and the look-ahead would only cost instructions. */
#define PREFETCH_MIN_HEAP 4096u

static inline void prefetch_next(const struct sim_sched *s)
{
	const struct sim_sched_entry *h = s->heap;
	if (s->len < PREFETCH_MIN_HEAP)
		return;
	uint32_t n = 1 + ARITY;
	uint32_t best = 1;
	order_t bo = entry_order(&h[1]);
	for (uint32_t c = 2; c < n; c++) {
		order_t co = entry_order(&h[c]);
		bool lt = co < bo;
		best = lt ? c : best;
		bo = lt ? co : bo;
	}
	const struct sim_sched_slot *sl = &s->slots[key_slot(h[best].key)];
	__builtin_prefetch(sl->ctx);
	__builtin_prefetch(sl->arg);
	/* GCC deems a function whose only effect is a prefetch pure and drops the call;
	 * an empty volatile asm keeps it (no instruction is emitted). */
	__asm__ volatile("" : : "r"(sl->ctx), "r"(sl->arg));
}

uint64_t sim_run(struct sim *sim, sim_time_t until)
{
	struct sim_sched *s = &sim->sched;
	uint64_t before = s->executed;

	s->stop_requested = false;
	while (s->len > 0 && !s->stop_requested) {
		struct sim_sched_entry top = s->heap[0];
		if (top.time > until)
			break;
		uint32_t slot = key_slot(top.key);
		struct sim_sched_slot *sl = &s->slots[slot];
		if (sl->fn == NULL || sl->entry_key != top.key) {
			/* Stale: cancelled, or superseded by an earlier entry. */
			remove_top(s);
			s->stale--;
			continue;
		}
		if (sl->fn == parked_fn) {
			/* A cancelled timer that was not armed again: release its slot. */
			free_slot(s, slot);
			remove_top(s);
			s->stale--;
			continue;
		}
		if (sl->time != top.time || sl->seq != (top.key >> SLOT_BITS)) {
			/* Moved later since this entry was made: put it where it belongs. */
			sl->entry_key = make_key(sl->seq, slot);
			sl->entry_time = sl->time;
			s->heap[0].time = sl->time;
			s->heap[0].key = sl->entry_key;
			sift_down(s, 0);
			continue;
		}
		sim_event_fn fn = sl->fn;
		void *ctx = sl->ctx, *arg = sl->arg;
		release_slot(s, slot);
		prefetch_next(s);
		s->top_dead = true;
		s->now = top.time;
		s->executed++;
		fn(sim, ctx, arg);
		settle(s);
	}
	if (!s->stop_requested && until != SIM_TIME_MAX && s->now < until)
		s->now = until;
	return s->executed - before;
}

void sim_stop(struct sim *sim)
{
	sim->sched.stop_requested = true;
}

uint32_t sim_pending_events(const struct sim *sim)
{
	return sim->sched.live;
}

uint64_t sim_executed_events(const struct sim *sim)
{
	return sim->sched.executed;
}

void sim_timer_arm_at(struct sim *sim, struct sim_timer *t, sim_time_t when, sim_event_fn fn,
		      void *ctx, void *arg)
{
	struct sim_sched *s = &sim->sched;
	g_assert(fn != NULL);
	/* Renumbering releases parked slots: do it before looking the slot up. */
	if (G_UNLIKELY(s->next_seq >= SEQ_LIMIT))
		renumber(s);
	uint32_t slot = lookup_any(s, t->id);
	if (slot == NO_SLOT) {
		t->id = sim_schedule_at(sim, when, fn, ctx, arg);
		return;
	}
	/* Pending: move it (as sim_reschedule_at). Parked: reactivate it. Either way the
	 * event counts as freshly scheduled for tie-breaking. */
	check_not_past(s, when, "sim_timer_arm_at");
	struct sim_sched_slot *sl = &s->slots[slot];
	bool parked = sl->fn == parked_fn;
	uint64_t seq = take_seq(s);
	sl->fn = fn;
	sl->ctx = ctx;
	sl->arg = arg;
	sl->time = when;
	sl->seq = seq;
	if (parked)
		s->live++;
	/* A fresh seq is larger than every seq in the heap, so (when, seq) lies after the
	 * slot's entry exactly when when >= entry_time: the entry then stands for the
	 * event (and is re-inserted at its place when it surfaces). Otherwise the event
	 * moves earlier than its entry and needs a new one. */
	if (when >= sl->entry_time) {
		if (parked)
			s->stale--; /* its entry stands for it again */
		return;
	}
	sl->entry_key = make_key(seq, slot);
	sl->entry_time = when;
	heap_push(s, when, sl->entry_key);
	if (!parked)
		note_stale(s); /* the old entry (a parked one is counted already) */
}

void sim_timer_arm_in(struct sim *sim, struct sim_timer *t, sim_time_t delay, sim_event_fn fn,
		      void *ctx, void *arg)
{
	sim_time_t when;
	g_assert(delay >= 0);
	if (__builtin_add_overflow(sim->sched.now, delay, &when))
		when = SIM_TIME_MAX;
	sim_timer_arm_at(sim, t, when, fn, ctx, arg);
}

void sim_timer_cancel(struct sim *sim, struct sim_timer *t)
{
	struct sim_sched *s = &sim->sched;
	uint32_t slot = lookup_any(s, t->id);
	if (slot == NO_SLOT) {
		t->id = SIM_EVENT_NONE;
		return;
	}
	struct sim_sched_slot *sl = &s->slots[slot];
	if (sl->fn == parked_fn)
		return;
	/* Park: not pending any more, but the slot and its entry wait for a re-arm. */
	sl->fn = parked_fn;
	sl->ctx = NULL;
	sl->arg = NULL;
	s->live--;
	note_stale(s);
}

sim_time_t sim_timer_expiry(const struct sim *sim, const struct sim_timer *t)
{
	return sim_event_time(sim, t->id);
}
