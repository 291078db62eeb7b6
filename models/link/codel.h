/* models/link/codel.h — the CoDel control law (RFC 8289), on one packet FIFO.
 *
 * Where it sits: q_codel.c runs it on its single queue, q_fq_codel.c on each flow's
 * queue (RFC 8290 §4.1), as Linux shares include/net/codel_impl.h between sch_codel.c
 * and sch_fq_codel.c.
 *
 * The state and the steps are those of RFC 8289's pseudocode (§5): dodequeue() tells
 * whether the sojourn time has stayed above target for an interval; dequeue() enters
 * the dropping state, drops at the times of the control law
 *     drop_next = t + interval / sqrt(count)
 * and leaves it when the sojourn time goes below target or the queue empties; on
 * re-entry the count resumes from the last cycle's rate when the cycle ended less
 * than 16 intervals ago (count = count - lastcount when that exceeds 1).
 *
 * Two details the RFC leaves to implementations follow Linux (codel_impl.h
 * codel_should_drop(), codel_dequeue()): the backlog test "bytes() <= maxpacket" uses
 * the whole discipline's backlog (FQ-CoDel's too) against the link MTU; with ECN on, an
 * ECN-capable packet due to be dropped is marked CE and sent instead, which ends the
 * drop loop for this dequeue (count and drop_next advance as for a drop). The square
 * root is the C library's (correctly rounded), the quotient truncated to integer ns;
 * Linux uses a fixed-point Newton step in 1024-ns units, so its drop times differ
 * from these by up to a few microseconds.
 */
#ifndef MODELS_LINK_CODEL_H
#define MODELS_LINK_CODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "models/link/qdisc.h"

struct codel_vars {
	sim_time_t first_above_time; /* 0: below target (or not yet an interval above) */
	sim_time_t drop_next;        /* next drop while dropping */
	uint32_t count;              /* drops (marks) since entering the dropping state */
	uint32_t lastcount;          /* count when the dropping state was last entered */
	bool dropping;
};

/* The next packet of f to send at `now` under CoDel with q->cfg.codel's target and
 * interval (and q->cfg.ecn), dropping (qdisc_drop, QDISC_AQM_DROP) or marking on the
 * way; NULL when f is, or becomes, empty. */
struct sim_packet *codel_dequeue(struct qdisc *q, struct qdisc_fifo *f, struct codel_vars *v,
                                 sim_time_t now);

/* RFC 8289 control_law(): t + interval / sqrt(count). */
sim_time_t codel_control_law(sim_time_t t, sim_time_t interval, uint32_t count);

#endif
