/* models/tcp/scoreboard.h — the sender's retransmission queue and SACK scoreboard
 * (RFC 2018 §8, RFC 6675 §2–4).
 *
 * One entry per segment sent and not yet cumulatively acknowledged, in sequence
 * order, as Linux keeps one skb per segment in its retransmission rb-tree with the
 * tcp_skb_cb "sacked" bits (TCPCB_SACKED_ACKED, TCPCB_LOST, TCPCB_SACKED_RETRANS,
 * TCPCB_EVER_RETRANS) and each segment's transmit times. The bytes themselves stay in
 * the send ring (sndbuf.h); an entry is 32 bytes of metadata. The entries tile the
 * sequence space [snd.una, snd.max) without gaps or overlaps.
 *
 * Counters are kept incrementally, as Linux's tcp_sock keeps them: packets_out,
 * sacked_out, lost_out, retrans_out (entries) and the same in bytes, so that RFC
 * 6675's SetPipe() is O(1): pipe = out − sacked − lost + retrans (bytes), which is
 * the RFC's sum over unSACKed octets of (!IsLost ? 1 : 0) + (retransmitted ? 1 : 0)
 * (a segment is never both SACKed and lost: SACKing clears LOST and RETRANS, as
 * Linux's tcp_sacktag_one does).
 *
 * Storage and complexity (n = entries outstanding, k = entries a call changes):
 *   - a ring of entries indexed by a 64-bit entry id (slot = id mod capacity), grown
 *     by doubling, so appending (tcp_sb_sent) and removing from the front
 *     (tcp_sb_ack) are O(1) per entry and the steady state allocates nothing;
 *   - entries are sorted by sequence number, so finding the entry holding a sequence
 *     number is a binary search, O(log n);
 *   - each SACKed entry points forward to a later entry (union-find with path
 *     compression, a "next unSACKed" skip): walking a SACK block skips the part
 *     already SACKed in amortised near-O(1), so a block that is re-reported on every
 *     ACK (the usual case: RFC 2018 receivers repeat their blocks) costs O(log n)
 *     for its search plus O(1) per newly SACKed entry — never the whole block;
 *   - RFC 6675 IsLost() is a frontier that only moves forward: the counts of SACKed
 *     bytes and of discontiguous SACKed runs above it are kept incrementally, and
 *     each entry is passed (and marked LOST) at most once, amortised O(1) per entry
 *     (Linux tcp_mark_head_lost with its lost_skb_hint);
 *   - NextSeg() rules 1 and 3 walk from a hint that only moves forward during a
 *     recovery (Linux retransmit_skb_hint), amortised O(1) per retransmission;
 *   - per ACK, therefore: O(log n) per SACK block plus O(1) amortised per entry
 *     acknowledged, SACKed, marked lost or retransmitted. At 10 000-segment windows
 *     tests/tcp/test_scoreboard.c counts the work (tcp_sb.ops) and tests/bench
 *     times it.
 *   - O(n), once per event: a retransmission timeout (every unSACKed entry marked
 *     lost, tcp_sb_timeout), reneging (every SACK mark cleared), rule 4's search for
 *     the highest unSACKed entry (once per recovery).
 *
 * The scoreboard knows nothing of the connection: it is a data structure, tested on
 * its own (tests/tcp/test_scoreboard.c) before TCP uses it (recovery.c, output.c).
 */
#ifndef MODELS_TCP_SCOREBOARD_H
#define MODELS_TCP_SCOREBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/time.h"

/* An entry's state bits (Linux tcp_skb_cb->sacked). */
enum {
	TCP_SB_SACKED = 1u << 0,       /* covered by a SACK block (TCPCB_SACKED_ACKED) */
	TCP_SB_RETRANS = 1u << 1,      /* retransmitted, that copy not known lost
					* (TCPCB_SACKED_RETRANS; counted in pipe) */
	TCP_SB_LOST = 1u << 2,         /* considered lost: RFC 6675 IsLost(), a timeout,
					* a fast retransmit (TCPCB_LOST) */
	TCP_SB_EVER_RETRANS = 1u << 3, /* sent more than once (TCPCB_EVER_RETRANS): no
					* RTT sample from its transmit time (Karn) */
	TCP_SB_FIN = 1u << 4,          /* its last sequence number is our FIN */
	TCP_SB_DSACKED = 1u << 5,      /* a DSACK covered it (counted once as spurious) */
};

struct tcp_sb_seg {
	uint32_t seq;        /* first sequence number */
	uint32_t end;        /* one past the last (the FIN included) */
	uint32_t skip;       /* SACKed: low 32 bits of the id of a later entry at or
			      * before the next unSACKed one (union-find) */
	uint32_t flags;      /* TCP_SB_* */
	sim_time_t first_tx; /* first transmission */
	sim_time_t last_tx;  /* latest (re)transmission */
};

/* Retransmitted segments recently acknowledged cumulatively, for DSACKs that arrive
 * after the cumulative ACK (RFC 3708: the sender keeps a record of retransmissions).
 * Allocated with the first such segment, so connections that never retransmit pay a
 * pointer. */
#define TCP_SB_HIST 32u

struct tcp_sb_hist {
	struct {
		uint32_t seq, end; /* end == seq: counted already */
	} e[TCP_SB_HIST];
	uint32_t len, next;    /* entries in use; the slot written next */
};

struct tcp_sb {
	struct tcp_sb_seg *ring;
	uint64_t cap;            /* slots, a power of two (0: nothing allocated) */
	uint64_t head, tail;     /* entry ids [head, tail) are outstanding */
	uint32_t end_seq;        /* end of the last entry (snd.max once data was sent) */

	/* Counters (Linux packets_out, sacked_out, lost_out, retrans_out). */
	uint32_t sacked_out, lost_out, retrans_out;
	uint32_t out_bytes, sacked_bytes, lost_bytes, retrans_bytes;
	uint32_t high_sacked;    /* end of the highest SACKed entry (sacked_out > 0) */

	/* IsLost frontier: entries below lost_front are SACKed or LOST. */
	uint64_t lost_front;
	uint32_t front_sacked_bytes; /* SACKed bytes at and above lost_front */
	uint32_t front_runs;         /* discontiguous SACKed runs at and above it */

	uint64_t rxt_hint;       /* NextSeg: entries below are SACKed or RETRANS */

	struct tcp_sb_hist *hist;  /* retransmitted segments cumulatively acknowledged */

	uint64_t ops;            /* entries visited by any operation (complexity tests) */
};

/* What one cumulative ACK removed (tcp_sb_ack). */
struct tcp_sb_acked {
	uint32_t segs;           /* entries removed or trimmed */
	bool retrans_acked;      /* one of them was ever retransmitted (Linux
				  * FLAG_RETRANS_DATA_ACKED) */
	bool have_first_tx;      /* first_tx_time is valid: the earliest removed entry
				  * that was neither SACKed nor retransmitted */
	sim_time_t first_tx_time; /* its transmit time (Linux first_ackt) */
	bool head_sacked;        /* the new first entry is SACKed: the receiver dropped
				  * data it had SACKed (reneging, RFC 2018 §8) */
};

/* What one SACK block changed (tcp_sb_sack). */
struct tcp_sb_sacked {
	uint32_t segs;           /* entries newly SACKed */
	uint32_t bytes;
	uint32_t spurious;       /* with dsack: retransmitted entries it covered */
};

void tcp_sb_init(struct tcp_sb *sb);
/* Frees the ring; the scoreboard is empty afterwards (init state). */
void tcp_sb_free(struct tcp_sb *sb);

static inline uint32_t tcp_sb_packets_out(const struct tcp_sb *sb)
{
	return (uint32_t)(sb->tail - sb->head);
}

static inline const struct tcp_sb_seg *tcp_sb_at(const struct tcp_sb *sb, uint64_t id)
{
	return &sb->ring[id & (sb->cap - 1)];
}

/* RFC 6675 SetPipe(): the octets the sender believes are in the network. O(1). */
static inline uint32_t tcp_sb_pipe(const struct tcp_sb *sb)
{
	return sb->out_bytes - sb->sacked_bytes - sb->lost_bytes + sb->retrans_bytes;
}

/* Called by tcp_sb_ack_visit and tcp_sb_sack_visit for each entry the operation
 * acknowledges or SACKs, before it changes: the entry as it was, and whether the
 * cumulative ACK covers only its first part (it is trimmed, not removed). */
typedef void (*tcp_sb_visit_fn)(void *ctx, const struct tcp_sb_seg *s, bool partial);

/* Records the transmission of [seq, end) at `now` (end includes the FIN when `fin`).
 * Beyond the last entry: a new entry (seq must equal its end, or the queue be empty).
 * Within the queue: every entry it overlaps is marked retransmitted (RETRANS and
 * EVER_RETRANS, last_tx = now); a part beyond the queue becomes a new entry. With
 * `rescue`, an entry within the queue gets EVER_RETRANS and last_tx only: RFC 6675's
 * rescue retransmission (NextSeg rule 4) moves neither HighRxt nor pipe. Returns true
 * when any part was a retransmission. */
bool tcp_sb_sent(struct tcp_sb *sb, uint32_t seq, uint32_t end, bool fin, bool rescue,
		 sim_time_t now);

/* A cumulative ACK: removes the entries wholly below `ack` and trims one it falls
 * inside (Linux tcp_clean_rtx_queue / tcp_trim_head). Retransmitted entries removed
 * are remembered for late DSACKs. Fills *out (may be NULL). */
void tcp_sb_ack(struct tcp_sb *sb, uint32_t ack, struct tcp_sb_acked *out);
/* The same, calling visit (if not NULL) for every entry removed or trimmed, in
 * sequence order (Linux tcp_clean_rtx_queue's walk). */
void tcp_sb_ack_visit(struct tcp_sb *sb, uint32_t ack, struct tcp_sb_acked *out,
		      tcp_sb_visit_fn visit, void *ctx);

/* RFC 6675 Update() for one SACK block [start, end): every entry it covers entirely is
 * marked SACKed (clearing LOST and RETRANS); an entry it covers in part is left as it
 * is (Linux tcp_match_skb_to_sack does not split one-segment skbs). With `dsack`, the
 * block is a DSACK (RFC 2883): entries it covers that were retransmitted are counted
 * in out->spurious once each (RFC 3708), also those already acknowledged (the recent
 * history). O(log n + newly SACKed). */
void tcp_sb_sack(struct tcp_sb *sb, uint32_t start, uint32_t end, bool dsack,
		 struct tcp_sb_sacked *out);
/* The same, calling visit (if not NULL) for every entry newly SACKed, in sequence
 * order, before it is marked (Linux tcp_sacktag_one). */
void tcp_sb_sack_visit(struct tcp_sb *sb, uint32_t start, uint32_t end, bool dsack,
		       struct tcp_sb_sacked *out, tcp_sb_visit_fn visit, void *ctx);

/* RFC 6675 IsLost() for the entries above the frontier: marks LOST every unSACKed
 * entry below which (DupThresh − 1)·SMSS bytes or DupThresh discontiguous runs are
 * SACKed. Returns the number of entries newly marked. Amortised O(1) per entry. */
uint32_t tcp_sb_update_lost(struct tcp_sb *sb, uint32_t dupthresh, uint32_t smss);

/* IsLost(SeqNum) for the first outstanding segment (RFC 6675 §5 step (2)), after
 * tcp_sb_update_lost(). */
bool tcp_sb_head_lost(const struct tcp_sb *sb);

/* Marks the first entry LOST (a fast retransmit or NewReno partial ACK without SACK,
 * Linux tcp_mark_head_lost). */
void tcp_sb_mark_head_lost(struct tcp_sb *sb);

/* Linux tcp_mark_skb_lost for entry id: a SACKed entry stays as it is; one already
 * LOST but retransmitted loses its RETRANS mark (the retransmission is lost too);
 * any other becomes LOST. Returns true when either happened (Linux counts it in
 * tp->lost). O(1). */
bool tcp_sb_mark_lost(struct tcp_sb *sb, uint64_t id);

/* Clears every LOST mark (Linux tcp_undo_cwnd_reduction with unmark_loss). O(n). */
void tcp_sb_clear_lost(struct tcp_sb *sb);

/* Sets entry id's SACKED mark off again: the receiver dropped it (reneging). O(1). */
void tcp_sb_unsack(struct tcp_sb *sb, uint64_t id);

/* A retransmission timeout (RFC 6675 §5.1, Linux tcp_timeout_mark_lost): forgets
 * every RETRANS mark, clears every SACK mark when `reneged`, and marks LOST every
 * unSACKed entry. O(n). */
void tcp_sb_timeout(struct tcp_sb *sb, bool reneged);

/* RFC 6675 NextSeg(). The rule that chose the segment. */
enum tcp_sb_rule {
	TCP_SB_NONE,   /* nothing to send */
	TCP_SB_RULE1,  /* a lost segment not yet retransmitted (entry *id) */
	TCP_SB_RULE2,  /* new data (the caller sends it) */
	TCP_SB_RULE3,  /* an unSACKed segment below the highest SACK (entry *id) */
	TCP_SB_RULE4,  /* the rescue retransmission: the highest unSACKed entry (*id) */
};
/* new_data_ok: unsent data exists and the receiver's window allows it (rule 2);
 * rules_3_4: in fast recovery (rules 3 and 4 are recovery's); rescue_ok: rule 4's
 * condition (HighACK > RescueRxt, or RescueRxt undefined). */
enum tcp_sb_rule tcp_sb_next_seg(struct tcp_sb *sb, bool new_data_ok, bool rules_3_4,
				 bool rescue_ok, uint64_t *id);

/* Starts NextSeg's walk from the first entry again (entering recovery, after RTO). */
static inline void tcp_sb_reset_hint(struct tcp_sb *sb)
{
	sb->rxt_hint = sb->head;
}

/* The first entry at or after id that is not SACKed, or tail. Amortised O(1). */
uint64_t tcp_sb_next_unsacked(struct tcp_sb *sb, uint64_t id);

/* The entry holding sequence number seq, or the first after it; tail if none. */
uint64_t tcp_sb_find(struct tcp_sb *sb, uint32_t seq);

#endif
