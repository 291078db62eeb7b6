/* models/tcp/sackrcv.h — the SACK blocks a data receiver reports (RFC 2018 §4) and
 * the DSACK it owes (RFC 2883).
 *
 * The receiver remembers up to four blocks of out-of-order data, most recently
 * changed first, as Linux keeps tp->selective_acks (tcp_sack_new_ofo_skb,
 * tcp_sack_remove): a segment that arrives beyond RCV.NXT extends or joins the blocks
 * it touches and moves the result to the front — RFC 2018 §4: "the first SACK block
 * ... MUST specify the contiguous block of data containing the segment which
 * triggered this ACK", then "the most recently reported SACK blocks". With more
 * than four holes the oldest block is forgotten (it comes back when a segment lands
 * next to it), so a forgotten run may be reported shorter than it is, as with Linux.
 * Blocks that RCV.NXT reaches are dropped.
 *
 * A duplicate segment (RFC 2883 §4: below RCV.NXT, or data already held out of order)
 * leaves one DSACK block, reported first on the next ACK only; duplicates of
 * adjoining data in the meantime extend it (Linux tcp_dsack_extend).
 *
 * Plain data, O(1) per operation (at most four blocks), unit-tested on its own
 * (tests/tcp/test_sackrcv.c).
 */
#ifndef MODELS_TCP_SACKRCV_H
#define MODELS_TCP_SACKRCV_H

#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/seg.h"

struct tcp_sackrcv {
	struct tcp_sack_block blocks[TCP_SACK_MAX_BLOCKS]; /* most recent first */
	uint8_t count;
	bool dsack_pending;
	struct tcp_sack_block dsack;
};

void tcp_sackrcv_init(struct tcp_sackrcv *s);

/* Out-of-order data [start, end) (its FIN counted) arrived. */
void tcp_sackrcv_ooo(struct tcp_sackrcv *s, uint32_t start, uint32_t end);

/* RCV.NXT advanced to rcv_nxt: blocks it reached are dropped. */
void tcp_sackrcv_advance(struct tcp_sackrcv *s, uint32_t rcv_nxt);

/* A duplicate [start, end) arrived: DSACK it on the next ACK. */
void tcp_sackrcv_dup(struct tcp_sackrcv *s, uint32_t start, uint32_t end);

/* Forgets every block (the out-of-order queue was emptied); a DSACK still owed
 * stays. */
void tcp_sackrcv_clear(struct tcp_sackrcv *s);

/* Blocks the next ACK would carry with room for `max` (3 with timestamps, 4
 * without). */
uint32_t tcp_sackrcv_count(const struct tcp_sackrcv *s, uint32_t max);

/* Writes the DSACK (if any, first) and the blocks into r (at most max) and clears the
 * DSACK, which is sent once (RFC 2883 §4). Returns the number of blocks. */
uint32_t tcp_sackrcv_fill(struct tcp_sackrcv *s, struct tcp_repr *r, uint32_t max);

#endif
