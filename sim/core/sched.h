/* sim/core/sched.h — the discrete-event scheduler.
 *
 * Events run in (time, seq) order, where seq is a counter taken when the event is
 * scheduled or rescheduled. Two events at the same time therefore run in the order
 * they were (re)scheduled, and a run is a pure function of its inputs. The clock
 * never goes backwards: scheduling in the past is a programming error and aborts
 * with a message.
 *
 * Model code holds events by id (sim_event_id), never by pointer. An id names a slot
 * plus a generation, so a stale id (its event already ran or was cancelled) is
 * recognised and ignored rather than touching someone else's event.
 *
 * Implementation: a 4-ary min-heap of 16-byte (time, seq|slot) entries, aligned so
 * a node's four children share a cache line, with lazy deletion. The slot, not the
 * heap entry, is authoritative: cancel frees the slot and leaves its entry to be
 * discarded when it surfaces; moving an event later only records the new (time, seq)
 * in the slot, and the entry is re-inserted at the recorded place when it surfaces;
 * moving it earlier inserts a new entry. Stale entries are compacted away when they
 * outnumber live ones. Executing an event and scheduling its successor (the "hold"
 * step of every packet-driven model) is one sift-down.
 *
 * Complexity, n = heap entries (live events plus bounded stale ones):
 *   schedule                       O(log n)
 *   cancel                         O(1)
 *   reschedule / re-arm, later     O(1)   (TCP's RTO re-armed on every ACK)
 *   reschedule / re-arm, earlier   O(log n)
 *   pending / expiry               O(1)
 *   run, per event                 O(log n)
 * The steady state allocates nothing: slot and heap arrays only grow, and freed
 * slots and entries are reused.
 */
#ifndef SIM_CORE_SCHED_H
#define SIM_CORE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/time.h"

struct sim;

/* An event handle. 0 is never a valid id ("no event"). */
typedef uint64_t sim_event_id;
#define SIM_EVENT_NONE ((sim_event_id)0)

/* An event callback: the simulator, the context given when scheduling (usually the
 * model object) and one extra pointer argument (a packet, say). */
typedef void (*sim_event_fn)(struct sim *sim, void *ctx, void *arg);

struct sim_sched_entry {
	sim_time_t time;
	uint64_t key; /* seq << 28 | slot index */
};

struct sim_sched_slot {
	sim_event_fn fn;     /* NULL while the slot is free */
	void *ctx;
	void *arg;
	sim_time_t time;     /* when the event runs (authoritative) */
	uint64_t seq;        /* its tie-breaking sequence number */
	uint64_t entry_key;  /* key of the heap entry that currently stands for it */
	sim_time_t entry_time;
	uint32_t gen;        /* bumped whenever the slot is released */
	uint32_t next_free;
};

struct sim_sched {
	struct sim_sched_entry *heap;
	uint32_t len, cap;
	struct sim_sched_slot *slots;
	uint32_t n_slots, cap_slots;
	uint32_t free_head;  /* UINT32_MAX when no free slot */
	uint32_t live;       /* pending events */
	uint32_t stale;      /* heap entries standing for nothing (cancelled, moved) */
	uint64_t next_seq;
	sim_time_t now;
	uint64_t executed;
	bool stop_requested;
	/* True while the event at heap[0] executes: the first entry the callback adds
	 * replaces it in one sift-down instead of a removal plus an insertion. */
	bool top_dead;
};

/* The marker in a parked timer's slot (sched.c); internal to the scheduler and the
 * inline queries in sim.h. */
void sim_sched_parked_fn(struct sim *sim, void *ctx, void *arg);

void sim_sched_init(struct sim_sched *s);
void sim_sched_fini(struct sim_sched *s);

/* Schedules fn(sim, ctx, arg) at absolute time t (t >= now). Returns its id. */
sim_event_id sim_schedule_at(struct sim *sim, sim_time_t t, sim_event_fn fn, void *ctx,
			     void *arg);

/* Schedules fn after `delay` (>= 0) from now; saturates at SIM_TIME_MAX. */
sim_event_id sim_schedule_in(struct sim *sim, sim_time_t delay, sim_event_fn fn, void *ctx,
			     void *arg);

/* Cancels a pending event. Returns true if it was pending; a stale or zero id is a
 * no-op returning false. */
bool sim_cancel(struct sim *sim, sim_event_id id);

/* Moves a pending event to absolute time t (>= now), keeping its id, callback and
 * arguments. For tie-breaking it counts as newly scheduled (it runs after events
 * already scheduled for the same time). Returns false (and does nothing) if the id
 * is stale. */
bool sim_reschedule_at(struct sim *sim, sim_event_id id, sim_time_t t);

/* sim_event_pending(sim, id): true while the event has neither run nor been
 * cancelled. Defined inline in sim/core/sim.h (models ask it for every packet). */

/* The time a pending event will run at; SIM_TIME_MAX when not pending. */
sim_time_t sim_event_time(const struct sim *sim, sim_event_id id);

/* Runs events in (time, seq) order until the next event lies after `until`, no
 * events are left, or sim_stop() is called from a callback. Afterwards the clock
 * reads `until` (if finite and not stopped early), else the time of the last event.
 * Returns the number of events executed by this call. */
uint64_t sim_run(struct sim *sim, sim_time_t until);

/* Asks sim_run() to return after the current event. */
void sim_stop(struct sim *sim);

/* Number of events pending / executed since init. */
uint32_t sim_pending_events(const struct sim *sim);
uint64_t sim_executed_events(const struct sim *sim);

/* A restartable timer: the common pattern of a model owning one event that it arms,
 * re-arms and cancels (TCP's retransmission timer, a link's transmitter). Arming a
 * pending timer moves it, keeping its id (no allocation); arming always replaces the
 * callback, so "arm" means "cancel, then schedule" as one step. Cancelling a timer
 * parks its slot (sched.c) so that arming it again later, as a delayed-ACK timer is
 * armed and cancelled once per ACK, costs no heap operation; the id held in the
 * timer stays valid only for that purpose. */
struct sim_timer {
	sim_event_id id;
};

void sim_timer_arm_at(struct sim *sim, struct sim_timer *t, sim_time_t when, sim_event_fn fn,
		      void *ctx, void *arg);
void sim_timer_arm_in(struct sim *sim, struct sim_timer *t, sim_time_t delay, sim_event_fn fn,
		      void *ctx, void *arg);
void sim_timer_cancel(struct sim *sim, struct sim_timer *t);
/* sim_timer_pending(sim, t): inline in sim/core/sim.h, as sim_event_pending. */
/* Expiry time of a pending timer, SIM_TIME_MAX when idle. */
sim_time_t sim_timer_expiry(const struct sim *sim, const struct sim_timer *t);

#endif
