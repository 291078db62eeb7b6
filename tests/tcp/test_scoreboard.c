/* tests/tcp/test_scoreboard.c — the sender's scoreboard (models/tcp/scoreboard.h) on
 * its own, before TCP uses it: RFC 6675's operations (Update, IsLost, SetPipe,
 * NextSeg), the counters Linux keeps (sacked_out, lost_out, retrans_out), the
 * timeout's marking and reneging, DSACK-detected spurious retransmissions, a random
 * cross-check against a plain per-byte model, and the cost per ACK at a 10 000-segment
 * window (counted in tcp_sb.ops, so the bound is exact and not a timing).
 */
#include <glib.h>
#include <string.h>

#include "models/tcp/scoreboard.h"
#include "models/tcp/seq.h"
#include "sim/core/rng.h"

#define MSS 1000u
#define BASE 0xfffff000u /* sequence numbers wrap inside every test */

/* n segments of MSS bytes from BASE, sent at t = i µs. */
static void fill(struct tcp_sb *sb, uint32_t n)
{
	tcp_sb_init(sb);
	for (uint32_t i = 0; i < n; i++)
		g_assert_false(tcp_sb_sent(sb, BASE + i * MSS, BASE + (i + 1) * MSS, false, false,
					   (sim_time_t)i * 1000));
}

static uint32_t seg_start(uint32_t i)
{
	return BASE + i * MSS;
}

/* SACKs segments [from, to). */
static void sack(struct tcp_sb *sb, uint32_t from, uint32_t to)
{
	struct tcp_sb_sacked out;
	tcp_sb_sack(sb, seg_start(from), seg_start(to), false, &out);
}

static uint32_t flags_of(const struct tcp_sb *sb, uint32_t i)
{
	return tcp_sb_at(sb, sb->head + i)->flags;
}

static void test_counters_and_pipe(void)
{
	struct tcp_sb sb;
	fill(&sb, 10);
	g_assert_cmpuint(tcp_sb_packets_out(&sb), ==, 10);
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, 10 * MSS);
	/* SetPipe: a SACKed segment leaves the pipe; a lost one leaves it; its
	 * retransmission comes back once; a retransmission of one not lost counts
	 * twice (RFC 6675 §4 (a) and (b)). */
	sack(&sb, 5, 6);
	g_assert_cmpuint(sb.sacked_out, ==, 1);
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, 9 * MSS);
	tcp_sb_mark_head_lost(&sb);
	g_assert_cmpuint(sb.lost_out, ==, 1);
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, 8 * MSS);
	g_assert_true(tcp_sb_sent(&sb, seg_start(0), seg_start(1), false, false, 50000));
	g_assert_cmpuint(sb.retrans_out, ==, 1);
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, 9 * MSS);
	g_assert_true(tcp_sb_sent(&sb, seg_start(1), seg_start(2), false, false, 50000));
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, 10 * MSS);
	/* SACKing a retransmitted segment clears RETRANS (Linux tcp_sacktag_one). */
	sack(&sb, 1, 2);
	g_assert_cmpuint(sb.retrans_out, ==, 1);
	g_assert_cmpuint(flags_of(&sb, 1), ==, TCP_SB_SACKED | TCP_SB_EVER_RETRANS);
	/* A cumulative ACK into the middle of segment 0 trims it; then past 2. */
	struct tcp_sb_acked a;
	tcp_sb_ack(&sb, seg_start(0) + 400, &a);
	g_assert_cmpuint(tcp_sb_packets_out(&sb), ==, 10);
	g_assert_cmpuint(sb.out_bytes, ==, 10 * MSS - 400);
	g_assert_true(a.retrans_acked);
	g_assert_false(a.have_first_tx);
	tcp_sb_ack(&sb, seg_start(3), &a);
	g_assert_cmpuint(tcp_sb_packets_out(&sb), ==, 7);
	g_assert_cmpuint(a.segs, ==, 3);
	g_assert_cmpuint(sb.sacked_out, ==, 1); /* segment 5 */
	g_assert_cmpuint(sb.lost_out, ==, 0);
	g_assert_cmpuint(sb.retrans_out, ==, 0);
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, 6 * MSS);
	/* Segment 2, never retransmitted, is the RTT's (Linux first_ackt). */
	g_assert_true(a.have_first_tx);
	g_assert_cmpint(a.first_tx_time, ==, 2000);
	tcp_sb_free(&sb);
}

static void test_partial_sack_ignored(void)
{
	/* Linux tcp_match_skb_to_sack: a one-segment skb is SACKed whole or not at all. */
	struct tcp_sb sb;
	fill(&sb, 4);
	struct tcp_sb_sacked out;
	tcp_sb_sack(&sb, seg_start(1) + 1, seg_start(3) - 1, false, &out);
	g_assert_cmpuint(out.segs, ==, 0);
	tcp_sb_sack(&sb, seg_start(1), seg_start(3) - 1, false, &out);
	g_assert_cmpuint(out.segs, ==, 1);
	g_assert_cmpuint(flags_of(&sb, 1), ==, TCP_SB_SACKED);
	g_assert_cmpuint(flags_of(&sb, 2), ==, 0);
	/* Reported again, nothing new; a block beyond what was sent changes nothing. */
	tcp_sb_sack(&sb, seg_start(1), seg_start(2), false, &out);
	g_assert_cmpuint(out.segs, ==, 0);
	tcp_sb_sack(&sb, seg_start(4), seg_start(9), false, &out);
	g_assert_cmpuint(out.segs, ==, 0);
	tcp_sb_free(&sb);
}

/* RFC 6675 IsLost: DupThresh discontiguous SACKed runs above, or more than
 * (DupThresh − 1)·SMSS bytes SACKed above. */
static void test_is_lost(void)
{
	struct tcp_sb sb;
	/* Two SACKed segments above segment 0: 2000 bytes = (3 − 1)·SMSS, not more. */
	fill(&sb, 10);
	sack(&sb, 1, 3);
	g_assert_cmpuint(tcp_sb_update_lost(&sb, 3, MSS), ==, 0);
	g_assert_false(tcp_sb_head_lost(&sb));
	/* A third: 3000 > 2000 bytes above 0, and segment 0 only. */
	sack(&sb, 3, 4);
	g_assert_cmpuint(tcp_sb_update_lost(&sb, 3, MSS), ==, 1);
	g_assert_true(tcp_sb_head_lost(&sb));
	g_assert_cmpuint(sb.lost_out, ==, 1);
	tcp_sb_free(&sb);

	/* Three discontiguous runs of small segments: lost by the runs rule although
	 * fewer than (DupThresh − 1)·SMSS bytes are SACKed. */
	tcp_sb_init(&sb);
	for (uint32_t i = 0; i < 8; i++)
		tcp_sb_sent(&sb, BASE + i * 100, BASE + (i + 1) * 100, false, false, 0);
	struct tcp_sb_sacked out;
	tcp_sb_sack(&sb, BASE + 200, BASE + 300, false, &out); /* run 1: segment 2 */
	tcp_sb_sack(&sb, BASE + 400, BASE + 500, false, &out); /* run 2: segment 4 */
	g_assert_cmpuint(tcp_sb_update_lost(&sb, 3, MSS), ==, 0);
	tcp_sb_sack(&sb, BASE + 600, BASE + 700, false, &out); /* run 3: segment 6 */
	/* Segments 0 and 1 have three runs above; 3 has two, 5 has one. */
	g_assert_cmpuint(tcp_sb_update_lost(&sb, 3, MSS), ==, 2);
	g_assert_cmpuint(flags_of(&sb, 1), ==, TCP_SB_LOST);
	g_assert_cmpuint(flags_of(&sb, 3), ==, 0);
	/* Joining runs 2 and 3 (SACK segment 5) leaves one run above segment 3. */
	tcp_sb_sack(&sb, BASE + 500, BASE + 600, false, &out);
	g_assert_cmpuint(tcp_sb_update_lost(&sb, 3, MSS), ==, 0);
	g_assert_cmpuint(sb.front_runs, ==, 1);
	g_assert_cmpuint(sb.front_sacked_bytes, ==, 300);
	tcp_sb_free(&sb);
}

static void test_next_seg(void)
{
	struct tcp_sb sb;
	fill(&sb, 12);
	/* Holes at 0, 1 and 5; SACKed 2-4 and 6-9; 10, 11 above the highest SACK. */
	sack(&sb, 2, 5);
	sack(&sb, 6, 10);
	tcp_sb_update_lost(&sb, 3, MSS);
	g_assert_cmpuint(sb.lost_out, ==, 3); /* 0, 1 and 5: four SACKed above 5 */
	uint64_t id;
	/* Rule 1 first, in order, and each only once. */
	g_assert_cmpint(tcp_sb_next_seg(&sb, true, true, true, &id), ==, TCP_SB_RULE1);
	g_assert_cmpuint(id - sb.head, ==, 0);
	tcp_sb_sent(&sb, seg_start(0), seg_start(1), false, false, 1);
	g_assert_cmpint(tcp_sb_next_seg(&sb, true, true, true, &id), ==, TCP_SB_RULE1);
	g_assert_cmpuint(id - sb.head, ==, 1);
	tcp_sb_sent(&sb, seg_start(1), seg_start(2), false, false, 1);
	g_assert_cmpint(tcp_sb_next_seg(&sb, true, true, true, &id), ==, TCP_SB_RULE1);
	g_assert_cmpuint(id - sb.head, ==, 5);
	tcp_sb_sent(&sb, seg_start(5), seg_start(6), false, false, 1);
	/* Rule 2: new data, when there is some. */
	g_assert_cmpint(tcp_sb_next_seg(&sb, true, true, true, &id), ==, TCP_SB_RULE2);
	/* Without: rule 3 would need an unSACKed segment below the highest SACK (none
	 * left: 10 and 11 lie above it), so rule 4: the highest unSACKed, 11. */
	g_assert_cmpint(tcp_sb_next_seg(&sb, false, true, true, &id), ==, TCP_SB_RULE4);
	g_assert_cmpuint(id - sb.head, ==, 11);
	/* The rescue moves neither pipe nor the retransmission marks. */
	uint32_t pipe = tcp_sb_pipe(&sb);
	tcp_sb_sent(&sb, seg_start(11), seg_start(12), false, true, 2);
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, pipe);
	g_assert_cmpuint(flags_of(&sb, 11), ==, TCP_SB_EVER_RETRANS);
	g_assert_cmpint(tcp_sb_next_seg(&sb, false, true, false, &id), ==, TCP_SB_NONE);
	/* Outside recovery (rules 3 and 4 off) nothing either. */
	g_assert_cmpint(tcp_sb_next_seg(&sb, false, false, true, &id), ==, TCP_SB_NONE);
	tcp_sb_free(&sb);

	/* Rule 3: an unSACKed segment below the highest SACK that IsLost does not yet
	 * call lost. */
	fill(&sb, 6);
	sack(&sb, 2, 3);
	tcp_sb_update_lost(&sb, 3, MSS);
	g_assert_cmpuint(sb.lost_out, ==, 0);
	g_assert_cmpint(tcp_sb_next_seg(&sb, false, true, true, &id), ==, TCP_SB_RULE3);
	g_assert_cmpuint(id - sb.head, ==, 0);
	tcp_sb_sent(&sb, seg_start(0), seg_start(1), false, false, 1);
	g_assert_cmpint(tcp_sb_next_seg(&sb, false, true, true, &id), ==, TCP_SB_RULE3);
	g_assert_cmpuint(id - sb.head, ==, 1);
	tcp_sb_sent(&sb, seg_start(1), seg_start(2), false, false, 1);
	g_assert_cmpint(tcp_sb_next_seg(&sb, false, true, true, &id), ==, TCP_SB_RULE4);
	g_assert_cmpuint(id - sb.head, ==, 5);
	tcp_sb_free(&sb);
}

static void test_timeout_and_reneging(void)
{
	struct tcp_sb sb;
	fill(&sb, 6);
	sack(&sb, 2, 4);
	tcp_sb_sent(&sb, seg_start(0), seg_start(1), false, false, 5);
	/* RFC 6675 §5.1: the SACK marks stay, everything else is lost, no
	 * retransmission is in flight any more. */
	tcp_sb_timeout(&sb, false);
	g_assert_cmpuint(sb.sacked_out, ==, 2);
	g_assert_cmpuint(sb.lost_out, ==, 4);
	g_assert_cmpuint(sb.retrans_out, ==, 0);
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, 0);
	uint64_t id;
	g_assert_cmpint(tcp_sb_next_seg(&sb, true, false, false, &id), ==, TCP_SB_RULE1);
	g_assert_cmpuint(id - sb.head, ==, 0);
	tcp_sb_sent(&sb, seg_start(0), seg_start(1), false, false, 6);
	g_assert_cmpint(tcp_sb_next_seg(&sb, true, false, false, &id), ==, TCP_SB_RULE1);
	g_assert_cmpuint(id - sb.head, ==, 1);
	tcp_sb_sent(&sb, seg_start(1), seg_start(2), false, false, 6);
	g_assert_cmpint(tcp_sb_next_seg(&sb, true, false, false, &id), ==, TCP_SB_RULE1);
	g_assert_cmpuint(id - sb.head, ==, 4); /* 2 and 3 are SACKed: skipped */
	/* The ACK stops at segment 2, which was SACKed: the receiver reneged. */
	struct tcp_sb_acked a;
	tcp_sb_ack(&sb, seg_start(2), &a);
	g_assert_true(a.head_sacked);
	/* A timeout with reneging clears the SACK marks (RFC 2018 §8). */
	tcp_sb_timeout(&sb, true);
	g_assert_cmpuint(sb.sacked_out, ==, 0);
	g_assert_cmpuint(sb.lost_out, ==, 4);
	g_assert_cmpint(tcp_sb_next_seg(&sb, true, false, false, &id), ==, TCP_SB_RULE1);
	g_assert_cmpuint(id - sb.head, ==, 0);
	tcp_sb_free(&sb);
}

static void test_dsack_spurious(void)
{
	struct tcp_sb sb;
	fill(&sb, 4);
	tcp_sb_sent(&sb, seg_start(0), seg_start(1), false, false, 10);
	tcp_sb_sent(&sb, seg_start(2), seg_start(3), false, false, 10);
	/* Segment 0 acknowledged; then a DSACK for it (RFC 3708: both copies
	 * arrived). Counted once. */
	tcp_sb_ack(&sb, seg_start(1), NULL);
	struct tcp_sb_sacked out;
	tcp_sb_sack(&sb, seg_start(0), seg_start(1), true, &out);
	g_assert_cmpuint(out.spurious, ==, 1);
	tcp_sb_sack(&sb, seg_start(0), seg_start(1), true, &out);
	g_assert_cmpuint(out.spurious, ==, 0);
	/* A DSACK inside the queue for a retransmitted segment; one for a segment sent
	 * once (the network duplicated it) is no spurious retransmission. */
	tcp_sb_sack(&sb, seg_start(2), seg_start(3), true, &out);
	g_assert_cmpuint(out.spurious, ==, 1);
	g_assert_cmpuint(out.segs, ==, 1); /* and it was received: SACKed */
	tcp_sb_sack(&sb, seg_start(3), seg_start(4), true, &out);
	g_assert_cmpuint(out.spurious, ==, 0);
	tcp_sb_free(&sb);
}

static void test_fin_and_ranges(void)
{
	/* Go-back-N ranges that do not match the segments sent (small writes resent
	 * as one), a FIN segment, a window probe byte. */
	struct tcp_sb sb;
	tcp_sb_init(&sb);
	tcp_sb_sent(&sb, 100, 150, false, false, 0);
	tcp_sb_sent(&sb, 150, 200, false, false, 0);
	g_assert_true(tcp_sb_sent(&sb, 100, 250, false, false, 1)); /* resent + 50 new */
	g_assert_cmpuint(tcp_sb_packets_out(&sb), ==, 3);
	g_assert_cmpuint(sb.retrans_out, ==, 2);
	g_assert_cmpuint(sb.end_seq, ==, 250);
	g_assert_false(tcp_sb_sent(&sb, 250, 251, true, false, 2)); /* the FIN */
	g_assert_cmpuint(flags_of(&sb, 3), ==, TCP_SB_FIN);
	g_assert_cmpuint(tcp_sb_find(&sb, 250) - sb.head, ==, 3);
	g_assert_cmpuint(tcp_sb_find(&sb, 149) - sb.head, ==, 0);
	g_assert_cmpuint(tcp_sb_find(&sb, 150) - sb.head, ==, 1);
	g_assert_cmpuint(tcp_sb_find(&sb, 99) - sb.head, ==, 0);
	tcp_sb_ack(&sb, 251, NULL);
	g_assert_cmpuint(tcp_sb_packets_out(&sb), ==, 0);
	g_assert_cmpuint(tcp_sb_pipe(&sb), ==, 0);
	tcp_sb_free(&sb);
}

/* ---- against a per-byte model ---- */

/* What RFC 6675 §4 says, computed the slow way over plain arrays. */
struct model {
	uint32_t n;
	bool sacked[64], lost[64], retrans[64];
};

static bool model_is_lost(const struct model *m, uint32_t i, uint32_t dupthresh)
{
	uint32_t bytes = 0, runs = 0;
	for (uint32_t j = i + 1; j < m->n; j++) {
		if (!m->sacked[j])
			continue;
		bytes += MSS;
		if (!m->sacked[j - 1] || j == i + 1)
			runs++;
	}
	return bytes > (dupthresh - 1) * MSS || runs >= dupthresh;
}

static void test_random_against_model(void)
{
	struct sim_rng rng;
	sim_rng_init(&rng, 42, "test:scoreboard");
	for (int round = 0; round < 300; round++) {
		struct tcp_sb sb;
		struct model m = { .n = 8 + (uint32_t)sim_rng_below(&rng, 56) };
		fill(&sb, m.n);
		uint32_t dt = 1 + (uint32_t)sim_rng_below(&rng, 4);
		for (int step = 0; step < 40; step++) {
			uint32_t a = (uint32_t)sim_rng_below(&rng, m.n);
			uint32_t b = a + 1 + (uint32_t)sim_rng_below(&rng, 4);
			if (b > m.n)
				b = m.n;
			if (sim_rng_below(&rng, 4) == 0) {
				/* A retransmission of an unSACKed segment. */
				if (!m.sacked[a]) {
					tcp_sb_sent(&sb, seg_start(a), seg_start(a + 1), false, false, 1);
					m.retrans[a] = true;
				}
			} else {
				sack(&sb, a, b);
				for (uint32_t i = a; i < b; i++) {
					m.sacked[i] = true;
					m.lost[i] = m.retrans[i] = false;
				}
			}
			tcp_sb_update_lost(&sb, dt, MSS);
			for (uint32_t i = 0; i < m.n; i++)
				if (!m.sacked[i] && model_is_lost(&m, i, dt))
					m.lost[i] = true;
			uint32_t pipe = 0, sacked = 0, lost = 0, retrans = 0;
			for (uint32_t i = 0; i < m.n; i++) {
				uint32_t want = (m.sacked[i] ? TCP_SB_SACKED : 0) |
						(m.lost[i] ? TCP_SB_LOST : 0) |
						(m.retrans[i] ? TCP_SB_RETRANS : 0);
				g_assert_cmpuint(flags_of(&sb, i) &
							 (TCP_SB_SACKED | TCP_SB_LOST | TCP_SB_RETRANS),
						 ==, want);
				sacked += m.sacked[i];
				lost += m.lost[i];
				retrans += m.retrans[i];
				if (!m.sacked[i])
					pipe += (m.lost[i] ? 0 : MSS) + (m.retrans[i] ? MSS : 0);
			}
			g_assert_cmpuint(sb.sacked_out, ==, sacked);
			g_assert_cmpuint(sb.lost_out, ==, lost);
			g_assert_cmpuint(sb.retrans_out, ==, retrans);
			g_assert_cmpuint(tcp_sb_pipe(&sb), ==, pipe);
		}
		tcp_sb_free(&sb);
	}
}

/* ---- cost per ACK at a 10 000-segment window ---- */

/* A receiver behind a 10 000-segment window where every 50th segment was lost:
 * each ACK carries the three most recent blocks (RFC 2018 §4), the first growing by
 * one segment, the others repeated — the case a list walked from the start on every
 * ACK turns quadratic. Then recovery retransmits the 200 holes, and cumulative ACKs
 * take the window down. The scoreboard's work (tcp_sb.ops: entries and tree nodes
 * visited) must stay a small constant per ACK; a walk from the first entry would
 * visit thousands. */
static void test_cost_large_window(void)
{
	const uint32_t n = 10000, gap = 50;
	struct tcp_sb sb;
	fill(&sb, n);
	uint64_t acks = 0;
	uint64_t start_ops = sb.ops;
	uint64_t worst = 0;
	uint32_t block_start[3] = { 0 }, block_end[3] = { 0 }; /* most recent first */
	uint32_t nblocks = 0;
	for (uint32_t i = 1; i < n; i++) {
		if (i % gap == 0)
			continue; /* lost */
		/* Segment i arrived: it extends the first block or starts a new one. */
		if (nblocks && block_end[0] == i) {
			block_end[0] = i + 1;
		} else {
			memmove(block_start + 1, block_start, 2 * sizeof(uint32_t));
			memmove(block_end + 1, block_end, 2 * sizeof(uint32_t));
			block_start[0] = i;
			block_end[0] = i + 1;
			if (nblocks < 3)
				nblocks++;
		}
		uint64_t before = sb.ops;
		for (uint32_t b = 0; b < nblocks; b++)
			sack(&sb, block_start[b], block_end[b]);
		tcp_sb_update_lost(&sb, 3, MSS);
		uint64_t id;
		while (tcp_sb_next_seg(&sb, false, true, false, &id) == TCP_SB_RULE1)
			tcp_sb_sent(&sb, tcp_sb_at(&sb, id)->seq, tcp_sb_at(&sb, id)->end, false,
				    false, 1);
		uint64_t cost = sb.ops - before;
		worst = cost > worst ? cost : worst;
		acks++;
	}
	g_assert_cmpuint(sb.sacked_out, ==, n - 1 - (n - 1) / gap);
	g_assert_cmpuint(sb.lost_out, ==, n / gap);
	/* Cumulative ACKs, one hole at a time. */
	for (uint32_t h = gap; h <= n; h += gap) {
		uint64_t before = sb.ops;
		tcp_sb_ack(&sb, seg_start(h < n ? h : n), NULL);
		sack(&sb, h + 1 < n ? h + 1 : n, h + gap < n ? h + gap : n);
		acks++;
		/* Removing gap entries costs about gap: amortised O(1) per entry. */
		g_assert_cmpuint(sb.ops - before, <=, 4 * gap + 64);
	}
	tcp_sb_ack(&sb, seg_start(n), NULL);
	g_assert_cmpuint(tcp_sb_packets_out(&sb), ==, 0);
	double per_ack = (double)(sb.ops - start_ops) / (double)acks;
	g_test_message("%" G_GUINT64_FORMAT " ACKs, %.1f scoreboard steps per ACK, worst %" G_GUINT64_FORMAT,
		       acks, per_ack, worst);
	/* Three blocks of O(log n) search (log2 10 000 ≈ 14) and O(1) amortised marking:
	 * a few tens per ACK; a scan from the start would be ~5 000. */
	g_assert_cmpfloat(per_ack, <, 80);
	g_assert_cmpuint(worst, <, 400);
	tcp_sb_free(&sb);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/scoreboard/counters-and-pipe", test_counters_and_pipe);
	g_test_add_func("/tcp/scoreboard/partial-sack-ignored", test_partial_sack_ignored);
	g_test_add_func("/tcp/scoreboard/is-lost", test_is_lost);
	g_test_add_func("/tcp/scoreboard/next-seg", test_next_seg);
	g_test_add_func("/tcp/scoreboard/timeout-and-reneging", test_timeout_and_reneging);
	g_test_add_func("/tcp/scoreboard/dsack-spurious", test_dsack_spurious);
	g_test_add_func("/tcp/scoreboard/fin-and-ranges", test_fin_and_ranges);
	g_test_add_func("/tcp/scoreboard/random-against-model", test_random_against_model);
	g_test_add_func("/tcp/scoreboard/cost-10000-segment-window", test_cost_large_window);
	return g_test_run();
}
