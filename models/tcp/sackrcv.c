/* models/tcp/sackrcv.c — the receiver's SACK and DSACK blocks (sackrcv.h).
 *
 * Where it sits: input.c tells it about out-of-order segments, duplicates and the
 * advance of RCV.NXT; output.c asks it for the blocks of each ACK it builds
 * (segopts.c tcp_opts_established).
 */
#include "models/tcp/sackrcv.h"

#include <string.h>

#include "models/tcp/seq.h"

void tcp_sackrcv_init(struct tcp_sackrcv *s)
{
	memset(s, 0, sizeof(*s));
}

void tcp_sackrcv_clear(struct tcp_sackrcv *s)
{
	s->count = 0;
}

/* Whether [start, end) overlaps or adjoins block b (Linux tcp_sack_extend's test). */
static bool touches(const struct tcp_sack_block *b, uint32_t start, uint32_t end)
{
	return seq_leq(start, b->end) && seq_leq(b->start, end);
}

static void remove_at(struct tcp_sackrcv *s, uint32_t i)
{
	memmove(&s->blocks[i], &s->blocks[i + 1], (s->count - i - 1) * sizeof(s->blocks[0]));
	s->count--;
}

void tcp_sackrcv_ooo(struct tcp_sackrcv *s, uint32_t start, uint32_t end)
{
	if (!seq_lt(start, end))
		return;
	/* Every block the segment touches joins it (a segment filling the gap between
	 * two blocks joins both, Linux tcp_sack_maybe_coalesce). */
	struct tcp_sack_block nb = { start, end };
	for (uint32_t i = 0; i < s->count;) {
		if (touches(&s->blocks[i], nb.start, nb.end)) {
			nb.start = seq_min(nb.start, s->blocks[i].start);
			nb.end = seq_max(nb.end, s->blocks[i].end);
			remove_at(s, i);
		} else {
			i++;
		}
	}
	/* RFC 2018 §4: the block holding the newest segment first; the oldest block
	 * falls off the end when all four are in use. */
	if (s->count == TCP_SACK_MAX_BLOCKS)
		s->count--;
	memmove(&s->blocks[1], &s->blocks[0], s->count * sizeof(s->blocks[0]));
	s->blocks[0] = nb;
	s->count++;
}

void tcp_sackrcv_advance(struct tcp_sackrcv *s, uint32_t rcv_nxt)
{
	/* Linux tcp_sack_remove: a block whose start RCV.NXT has reached was delivered
	 * with the segment that filled the hole before it. */
	for (uint32_t i = 0; i < s->count;) {
		if (seq_leq(s->blocks[i].start, rcv_nxt))
			remove_at(s, i);
		else
			i++;
	}
}

void tcp_sackrcv_dup(struct tcp_sackrcv *s, uint32_t start, uint32_t end)
{
	if (!seq_lt(start, end))
		return;
	if (s->dsack_pending && touches(&s->dsack, start, end)) {
		s->dsack.start = seq_min(s->dsack.start, start);
		s->dsack.end = seq_max(s->dsack.end, end);
		return;
	}
	/* RFC 2883 §4: one D-SACK block, for the duplicate that triggered this ACK. */
	s->dsack = (struct tcp_sack_block){ start, end };
	s->dsack_pending = true;
}

uint32_t tcp_sackrcv_count(const struct tcp_sackrcv *s, uint32_t max)
{
	uint32_t n = s->count + (s->dsack_pending ? 1u : 0u);
	return n < max ? n : max;
}

uint32_t tcp_sackrcv_fill(struct tcp_sackrcv *s, struct tcp_repr *r, uint32_t max)
{
	uint32_t n = 0;
	if (max > TCP_SACK_MAX_BLOCKS)
		max = TCP_SACK_MAX_BLOCKS;
	/* RFC 2883 §4: "the first block ... is the D-SACK block"; the blocks that
	 * follow are the usual ones (RFC 2018 §4), the first of them the block that
	 * holds the duplicate when it lies above RCV.NXT. */
	if (s->dsack_pending && n < max) {
		r->sack[n++] = s->dsack;
		s->dsack_pending = false;
	}
	for (uint32_t i = 0; i < s->count && n < max; i++)
		r->sack[n++] = s->blocks[i];
	r->sack_count = (uint8_t)n;
	return n;
}
