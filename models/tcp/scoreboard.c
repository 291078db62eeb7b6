/* models/tcp/scoreboard.c — the sender's per-segment retransmission queue with its
 * SACK marks and counters (scoreboard.h states the operations and their cost).
 *
 * Where it sits: output.c records every segment it sends (tcp_sb_sent); input.c
 * hands it each cumulative ACK (tcp_sb_ack); recovery.c hands it the SACK blocks
 * (tcp_sb_sack), asks RFC 6675's questions (tcp_sb_update_lost, tcp_sb_pipe,
 * tcp_sb_next_seg) and marks everything lost on a timeout (tcp_sb_timeout).
 */
#include "models/tcp/scoreboard.h"

#include <glib.h>
#include <string.h>

#include "models/tcp/seq.h"

#define SB_INITIAL_CAP 64u

static struct tcp_sb_seg *seg_of(struct tcp_sb *sb, uint64_t id)
{
	return &sb->ring[id & (sb->cap - 1)];
}

static uint32_t seg_len(const struct tcp_sb_seg *s)
{
	return s->end - s->seq;
}

static bool is_sacked(struct tcp_sb *sb, uint64_t id)
{
	return id >= sb->head && id < sb->tail && (seg_of(sb, id)->flags & TCP_SB_SACKED);
}

void tcp_sb_init(struct tcp_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void tcp_sb_free(struct tcp_sb *sb)
{
	uint32_t end = sb->end_seq;
	g_free(sb->ring);
	g_free(sb->hist);
	tcp_sb_init(sb);
	sb->end_seq = end;
}

/* Adds (sign > 0) or removes an entry's share of the counters, by its flags. Every
 * flag or length change goes through a pair of these, so the counters cannot drift. */
static void account(struct tcp_sb *sb, const struct tcp_sb_seg *s, int sign)
{
	uint32_t len = seg_len(s);
	uint32_t one = 1;
	if (sign < 0) {
		len = (uint32_t)-len;
		one = (uint32_t)-1;
	}
	sb->out_bytes += len;
	if (s->flags & TCP_SB_SACKED) {
		sb->sacked_out += one;
		sb->sacked_bytes += len;
	}
	if (s->flags & TCP_SB_LOST) {
		sb->lost_out += one;
		sb->lost_bytes += len;
	}
	if (s->flags & TCP_SB_RETRANS) {
		sb->retrans_out += one;
		sb->retrans_bytes += len;
	}
}

static void set_flags(struct tcp_sb *sb, struct tcp_sb_seg *s, uint32_t flags)
{
	account(sb, s, -1);
	s->flags = flags;
	account(sb, s, +1);
}

/* Re-lays the ring into twice the slots (entry ids, and so the skip links, stay). */
static void grow(struct tcp_sb *sb)
{
	uint64_t cap = sb->cap ? sb->cap * 2 : SB_INITIAL_CAP;
	struct tcp_sb_seg *ring = g_new(struct tcp_sb_seg, cap);
	for (uint64_t id = sb->head; id < sb->tail; id++)
		ring[id & (cap - 1)] = *seg_of(sb, id);
	g_free(sb->ring);
	sb->ring = ring;
	sb->cap = cap;
}

uint64_t tcp_sb_find(struct tcp_sb *sb, uint32_t seq)
{
	uint64_t lo = sb->head, hi = sb->tail;
	if (lo == hi)
		return hi;
	uint32_t base = seg_of(sb, lo)->seq;
	if (seq_lt(seq, base))
		return lo;
	uint32_t off = seq - base;
	/* The first entry whose end lies beyond seq: entries are sorted, so their
	 * offsets from the first one increase. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		sb->ops++;
		if (seg_of(sb, mid)->end - base <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The id a skip link names (links always point forward from an outstanding entry,
 * so the low 32 bits and the head determine it). */
static uint64_t skip_id(const struct tcp_sb *sb, uint32_t low)
{
	return sb->head + (uint32_t)(low - (uint32_t)sb->head);
}

/* The first entry at or after id that is not SACKed (or tail), compressing the
 * path of skip links on the way (union-find). */
static uint64_t next_unsacked(struct tcp_sb *sb, uint64_t id)
{
	uint64_t root = id;
	while (is_sacked(sb, root)) {
		sb->ops++;
		root = skip_id(sb, seg_of(sb, root)->skip);
	}
	while (id < root) {
		struct tcp_sb_seg *s = seg_of(sb, id);
		uint64_t next = skip_id(sb, s->skip);
		s->skip = (uint32_t)root;
		id = next;
	}
	return root;
}

uint64_t tcp_sb_next_unsacked(struct tcp_sb *sb, uint64_t id)
{
	return next_unsacked(sb, id < sb->head ? sb->head : id);
}

/* ---- the IsLost frontier ---- */

/* Moves the frontier past its entry, which leaves the counts above it. */
static void front_pass(struct tcp_sb *sb)
{
	uint64_t f = sb->lost_front;
	struct tcp_sb_seg *s = seg_of(sb, f);
	if (s->flags & TCP_SB_SACKED) {
		sb->front_sacked_bytes -= seg_len(s);
		if (!is_sacked(sb, f + 1))
			sb->front_runs--; /* the run ended here */
	}
	sb->lost_front = f + 1;
}

uint32_t tcp_sb_update_lost(struct tcp_sb *sb, uint32_t dupthresh, uint32_t smss)
{
	/* RFC 6675 §4 IsLost(SeqNum): "DupThresh discontiguous SACKed sequences have
	 * arrived above 'SeqNum' or more than (DupThresh - 1) * SMSS bytes with sequence
	 * numbers greater than 'SeqNum' have been SACKed". True for a sequence number is
	 * true for every lower one, so the lost entries are a prefix of the unSACKed
	 * ones and the frontier only moves forward. */
	uint64_t bytes = (uint64_t)(dupthresh ? dupthresh - 1 : 0) * smss;
	uint32_t n = 0;
	while (sb->lost_front < sb->tail) {
		struct tcp_sb_seg *s = seg_of(sb, sb->lost_front);
		sb->ops++;
		if (!(s->flags & TCP_SB_SACKED)) {
			if (sb->front_runs < dupthresh && sb->front_sacked_bytes <= bytes)
				break;
			if (!(s->flags & TCP_SB_LOST)) {
				set_flags(sb, s, s->flags | TCP_SB_LOST);
				n++;
			}
		}
		front_pass(sb);
	}
	return n;
}

bool tcp_sb_head_lost(const struct tcp_sb *sb)
{
	return sb->head < sb->tail && (tcp_sb_at(sb, sb->head)->flags & TCP_SB_LOST);
}

void tcp_sb_mark_head_lost(struct tcp_sb *sb)
{
	if (sb->head == sb->tail)
		return;
	struct tcp_sb_seg *s = seg_of(sb, sb->head);
	if (!(s->flags & (TCP_SB_SACKED | TCP_SB_LOST)))
		set_flags(sb, s, s->flags | TCP_SB_LOST);
}

/* ---- sending ---- */

static void append(struct tcp_sb *sb, uint32_t seq, uint32_t end, bool fin, sim_time_t now)
{
	if (sb->head != sb->tail && seq != sb->end_seq)
		g_error("tcp_sb: new segment at %u leaves a gap after %u", seq, sb->end_seq);
	if (sb->tail - sb->head == sb->cap)
		grow(sb);
	struct tcp_sb_seg *s = seg_of(sb, sb->tail);
	*s = (struct tcp_sb_seg){ .seq = seq, .end = end, .flags = fin ? TCP_SB_FIN : 0,
				  .first_tx = now, .last_tx = now };
	sb->out_bytes += end - seq; /* account(): a new entry has no counted mark */
	sb->tail++;
	sb->end_seq = end;
}

bool tcp_sb_sent(struct tcp_sb *sb, uint32_t seq, uint32_t end, bool fin, bool rescue,
		 sim_time_t now)
{
	if (seq == end)
		return false;
	bool retx = false;
	if (sb->head != sb->tail && seq_lt(seq, sb->end_seq)) {
		/* Sequence space sent before: every entry the range overlaps. */
		uint32_t rend = seq_min(end, sb->end_seq);
		for (uint64_t id = tcp_sb_find(sb, seq);
		     id < sb->tail && seq_lt(seg_of(sb, id)->seq, rend); id++) {
			struct tcp_sb_seg *s = seg_of(sb, id);
			uint32_t f = s->flags | TCP_SB_EVER_RETRANS;
			/* RFC 6675 (C.2): a retransmission moves HighRxt and counts in
			 * pipe — but not the rescue (rule 4), nor data already SACKed. */
			if (!rescue && !(f & TCP_SB_SACKED))
				f |= TCP_SB_RETRANS;
			sb->ops++;
			set_flags(sb, s, f);
			s->last_tx = now;
		}
		retx = true;
		if (seq_leq(end, sb->end_seq))
			return true;
		seq = sb->end_seq;
	}
	append(sb, seq, end, fin, now);
	return retx;
}

/* ---- cumulative ACKs ---- */

static void hist_add(struct tcp_sb *sb, uint32_t seq, uint32_t end)
{
	if (!sb->hist)
		sb->hist = g_new0(struct tcp_sb_hist, 1);
	struct tcp_sb_hist *h = sb->hist;
	h->e[h->next].seq = seq;
	h->e[h->next].end = end;
	h->next = (h->next + 1) % TCP_SB_HIST;
	if (h->len < TCP_SB_HIST)
		h->len++;
}

/* Removes the first entry (acknowledged). */
static void pop(struct tcp_sb *sb, struct tcp_sb_acked *out)
{
	struct tcp_sb_seg *s = seg_of(sb, sb->head);
	out->segs++;
	/* Linux tcp_clean_rtx_queue: RTT from the earliest acknowledged segment sent
	 * once and not SACKed (first_ackt); none when retransmitted data is acked. */
	if (s->flags & TCP_SB_EVER_RETRANS) {
		out->retrans_acked = true;
		if (!(s->flags & TCP_SB_DSACKED))
			hist_add(sb, s->seq, s->end);
	} else if (!(s->flags & TCP_SB_SACKED) && !out->have_first_tx) {
		out->have_first_tx = true;
		out->first_tx_time = s->last_tx;
	}
	if (sb->lost_front == sb->head)
		front_pass(sb);
	account(sb, s, -1);
	sb->head++;
	if (sb->rxt_hint < sb->head)
		sb->rxt_hint = sb->head;
}

void tcp_sb_ack(struct tcp_sb *sb, uint32_t ack, struct tcp_sb_acked *out)
{
	tcp_sb_ack_visit(sb, ack, out, NULL, NULL);
}

void tcp_sb_ack_visit(struct tcp_sb *sb, uint32_t ack, struct tcp_sb_acked *out,
		      tcp_sb_visit_fn visit, void *ctx)
{
	struct tcp_sb_acked dummy;
	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	while (sb->head < sb->tail) {
		struct tcp_sb_seg *s = seg_of(sb, sb->head);
		sb->ops++;
		if (seq_leq(s->end, ack)) {
			if (visit)
				visit(ctx, s, false);
			pop(sb, out);
			continue;
		}
		if (seq_lt(s->seq, ack)) {
			if (visit)
				visit(ctx, s, true);
			/* Part of the first segment (Linux tcp_trim_head): it stays, shorter,
			 * with its marks. */
			uint32_t d = ack - s->seq;
			if ((s->flags & TCP_SB_SACKED) && sb->lost_front <= sb->head)
				sb->front_sacked_bytes -= d;
			account(sb, s, -1);
			s->seq = ack;
			account(sb, s, +1);
			out->segs++;
			if (s->flags & TCP_SB_EVER_RETRANS)
				out->retrans_acked = true;
		}
		break;
	}
	if (sb->lost_front < sb->head)
		sb->lost_front = sb->head;
	out->head_sacked = is_sacked(sb, sb->head);
	if (sb->sacked_out == 0)
		sb->high_sacked = sb->end_seq;
}

/* ---- SACK blocks ---- */

static void mark_sacked(struct tcp_sb *sb, uint64_t id, struct tcp_sb_seg *s)
{
	uint32_t len = seg_len(s);
	if (sb->sacked_out == 0 || seq_gt(s->end, sb->high_sacked))
		sb->high_sacked = s->end;
	set_flags(sb, s, (s->flags | TCP_SB_SACKED) & ~(uint32_t)(TCP_SB_LOST | TCP_SB_RETRANS));
	s->skip = (uint32_t)(id + 1);
	if (id >= sb->lost_front) {
		sb->front_sacked_bytes += len;
		int runs = 1;
		if (id > sb->lost_front && is_sacked(sb, id - 1))
			runs--;
		if (is_sacked(sb, id + 1))
			runs--;
		sb->front_runs = (uint32_t)((int)sb->front_runs + runs);
	}
}

/* RFC 2883 DSACK at the sender, RFC 3708 §2: a DSACK naming a segment that was
 * retransmitted says one of its copies was unnecessary. Counted once per segment,
 * for the recent history of acknowledged ones and for the queue. */
static uint32_t dsack_spurious(struct tcp_sb *sb, uint32_t start, uint32_t end)
{
	uint32_t n = 0;
	struct tcp_sb_hist *h = sb->hist;
	for (uint32_t i = 0; h && i < h->len; i++) {
		if (h->e[i].seq != h->e[i].end && seq_leq(start, h->e[i].seq) &&
		    seq_leq(h->e[i].end, end)) {
			h->e[i].end = h->e[i].seq; /* counted */
			n++;
		}
	}
	if (sb->head == sb->tail)
		return n;
	for (uint64_t id = tcp_sb_find(sb, start); id < sb->tail; id++) {
		struct tcp_sb_seg *s = seg_of(sb, id);
		sb->ops++;
		if (seq_gt(s->end, end))
			break;
		if (seq_geq(s->seq, start) && (s->flags & TCP_SB_EVER_RETRANS) &&
		    !(s->flags & TCP_SB_DSACKED)) {
			s->flags |= TCP_SB_DSACKED;
			n++;
		}
	}
	return n;
}

void tcp_sb_sack(struct tcp_sb *sb, uint32_t start, uint32_t end, bool dsack,
		 struct tcp_sb_sacked *out)
{
	tcp_sb_sack_visit(sb, start, end, dsack, out, NULL, NULL);
}

void tcp_sb_sack_visit(struct tcp_sb *sb, uint32_t start, uint32_t end, bool dsack,
		       struct tcp_sb_sacked *out, tcp_sb_visit_fn visit, void *ctx)
{
	memset(out, 0, sizeof(*out));
	if (!seq_lt(start, end))
		return;
	if (dsack)
		out->spurious = dsack_spurious(sb, start, end);
	if (sb->head == sb->tail)
		return;
	uint64_t id = tcp_sb_find(sb, start);
	if (id < sb->tail && seq_lt(seg_of(sb, id)->seq, start))
		id++; /* covered in part only: not SACKed */
	for (;;) {
		id = next_unsacked(sb, id);
		if (id >= sb->tail)
			break;
		struct tcp_sb_seg *s = seg_of(sb, id);
		sb->ops++;
		if (seq_gt(s->end, end))
			break;
		out->segs++;
		out->bytes += seg_len(s);
		if (visit)
			visit(ctx, s, false);
		mark_sacked(sb, id, s);
		id++;
	}
}

/* ---- Linux's marks ---- */

bool tcp_sb_mark_lost(struct tcp_sb *sb, uint64_t id)
{
	struct tcp_sb_seg *s = seg_of(sb, id);
	sb->ops++;
	if (s->flags & TCP_SB_SACKED)
		return false;
	if (s->flags & TCP_SB_LOST) {
		if (!(s->flags & TCP_SB_RETRANS))
			return false;
		set_flags(sb, s, s->flags & ~(uint32_t)TCP_SB_RETRANS);
		return true;
	}
	set_flags(sb, s, s->flags | TCP_SB_LOST);
	return true;
}

void tcp_sb_clear_lost(struct tcp_sb *sb)
{
	for (uint64_t id = sb->head; id < sb->tail && sb->lost_out; id++) {
		struct tcp_sb_seg *s = seg_of(sb, id);
		sb->ops++;
		if (s->flags & TCP_SB_LOST)
			set_flags(sb, s, s->flags & ~(uint32_t)TCP_SB_LOST);
	}
}

void tcp_sb_unsack(struct tcp_sb *sb, uint64_t id)
{
	struct tcp_sb_seg *s = seg_of(sb, id);
	if (!(s->flags & TCP_SB_SACKED))
		return;
	if (id >= sb->lost_front) {
		/* The IsLost frontier's counts lose it (mark_sacked in reverse). */
		bool before = id > sb->lost_front && is_sacked(sb, id - 1);
		bool after = is_sacked(sb, id + 1);
		sb->front_sacked_bytes -= seg_len(s);
		sb->front_runs = (uint32_t)((int)sb->front_runs + (before && after) -
					    (!before && !after));
	}
	set_flags(sb, s, s->flags & ~(uint32_t)TCP_SB_SACKED);
	/* The skip links of SACKed entries before it may jump over it now: every
	 * link that passes an unSACKed entry is rebuilt lazily by next_unsacked, which
	 * stops at the first entry that is not SACKed; links are only followed from
	 * SACKed entries, so pointing them at id itself keeps them right. */
	for (uint64_t j = id; j > sb->head && is_sacked(sb, j - 1); j--)
		seg_of(sb, j - 1)->skip = (uint32_t)id;
	if (sb->sacked_out == 0)
		sb->high_sacked = sb->end_seq;
}

/* ---- timeouts ---- */

void tcp_sb_timeout(struct tcp_sb *sb, bool reneged)
{
	for (uint64_t id = sb->head; id < sb->tail; id++) {
		struct tcp_sb_seg *s = seg_of(sb, id);
		uint32_t f = s->flags & ~(uint32_t)TCP_SB_RETRANS;
		if (reneged)
			f &= ~(uint32_t)TCP_SB_SACKED;
		if (!(f & TCP_SB_SACKED))
			f |= TCP_SB_LOST;
		sb->ops++;
		set_flags(sb, s, f);
	}
	sb->lost_front = sb->tail;
	sb->front_sacked_bytes = 0;
	sb->front_runs = 0;
	if (sb->sacked_out == 0)
		sb->high_sacked = sb->end_seq;
	sb->rxt_hint = sb->head;
}

/* ---- NextSeg ---- */

/* Rule 4: the entry holding the highest outstanding unSACKed sequence number. */
static bool highest_unsacked(struct tcp_sb *sb, uint64_t *id)
{
	for (uint64_t j = sb->tail; j > sb->head; j--) {
		sb->ops++;
		if (!(seg_of(sb, j - 1)->flags & TCP_SB_SACKED)) {
			*id = j - 1;
			return true;
		}
	}
	return false;
}

enum tcp_sb_rule tcp_sb_next_seg(struct tcp_sb *sb, bool new_data_ok, bool rules_3_4,
				 bool rescue_ok, uint64_t *id)
{
	/* RFC 6675 §4 NextSeg(). The hint is HighRxt's successor: every entry below it
	 * is SACKed or was retransmitted, and stays so until acknowledged. */
	uint64_t i = sb->rxt_hint < sb->head ? sb->head : sb->rxt_hint;
	while (i < sb->tail) {
		struct tcp_sb_seg *s = seg_of(sb, i);
		sb->ops++;
		if (s->flags & TCP_SB_SACKED)
			i = next_unsacked(sb, i);
		else if (s->flags & TCP_SB_RETRANS)
			i++;
		else
			break;
	}
	sb->rxt_hint = i;
	/* Rule 1: the first unSACKed, not retransmitted sequence number above HighRxt
	 * for which IsLost() holds (lost entries lie below the highest SACK). */
	if (i < sb->tail && (seg_of(sb, i)->flags & TCP_SB_LOST)) {
		*id = i;
		return TCP_SB_RULE1;
	}
	/* Rule 2: new data, when there is some and the receiver's window allows. */
	if (new_data_ok)
		return TCP_SB_RULE2;
	if (!rules_3_4)
		return TCP_SB_NONE;
	/* Rule 3: an unSACKed sequence number above HighRxt and below the highest SACK,
	 * not (yet) considered lost. */
	if (i < sb->tail && sb->sacked_out && seq_lt(seg_of(sb, i)->seq, sb->high_sacked)) {
		*id = i;
		return TCP_SB_RULE3;
	}
	/* Rule 4: one rescue retransmission per recovery, of the highest unSACKed
	 * segment. */
	if (rescue_ok && highest_unsacked(sb, id))
		return TCP_SB_RULE4;
	return TCP_SB_NONE;
}
