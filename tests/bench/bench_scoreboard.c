/* tests/bench/bench_scoreboard.c — the SACK scoreboard's cost per ACK at large windows
 * (models/tcp/scoreboard.h, docs/performance.md).
 *
 *   build/tests/bench/bench_scoreboard [rounds]   or   meson compile -C build bench-scoreboard
 *
 * A window of n segments of which every 50th is lost; the receiver answers every
 * segment that arrives with an ACK carrying its three most recent SACK blocks (RFC 2018
 * §4: the first block grows by one segment, the other two are repeated), the sender
 * runs Update, IsLost and NextSeg on each, then cumulative ACKs clear the window hole
 * by hole. For n = 1 000, 10 000 and 100 000 it prints nanoseconds and scoreboard steps
 * (tcp_sb.ops) per ACK, beside the same ACKs handled by a list walked from its first
 * entry for every block — what the scoreboard is built to avoid. Wall-clock timing:
 * a benchmark, never a test (tests/tcp/test_scoreboard.c bounds the step count).
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tcp/scoreboard.h"

#define MSS 1448u
#define GAP 50u

struct blocks {
	uint32_t start[3], end[3], n; /* segment indices, most recent first */
};

/* The receiver's blocks after segment i arrived. */
static void arrive(struct blocks *b, uint32_t i)
{
	if (b->n && b->end[0] == i) {
		b->end[0] = i + 1;
		return;
	}
	memmove(b->start + 1, b->start, 2 * sizeof(uint32_t));
	memmove(b->end + 1, b->end, 2 * sizeof(uint32_t));
	b->start[0] = i;
	b->end[0] = i + 1;
	if (b->n < 3)
		b->n++;
}

/* The scoreboard: returns ACKs processed; *steps gets tcp_sb.ops. */
static uint64_t run_scoreboard(uint32_t n, uint64_t *steps)
{
	struct tcp_sb sb;
	tcp_sb_init(&sb);
	for (uint32_t i = 0; i < n; i++)
		tcp_sb_sent(&sb, i * MSS, (i + 1) * MSS, false, false, i);
	struct blocks b = { .n = 0 };
	uint64_t acks = 0;
	for (uint32_t i = 1; i < n; i++) {
		if (i % GAP == 0)
			continue;
		arrive(&b, i);
		for (uint32_t k = 0; k < b.n; k++) {
			struct tcp_sb_sacked out;
			tcp_sb_sack(&sb, b.start[k] * MSS, b.end[k] * MSS, false, &out);
		}
		tcp_sb_update_lost(&sb, 3, MSS);
		uint64_t id;
		while (tcp_sb_next_seg(&sb, false, true, false, &id) == TCP_SB_RULE1)
			tcp_sb_sent(&sb, tcp_sb_at(&sb, id)->seq, tcp_sb_at(&sb, id)->end, false, false, 1);
		acks++;
	}
	for (uint32_t h = GAP; h <= n; h += GAP) {
		tcp_sb_ack(&sb, (h < n ? h : n) * MSS, NULL);
		acks++;
	}
	tcp_sb_ack(&sb, n * MSS, NULL);
	*steps = sb.ops;
	tcp_sb_free(&sb);
	return acks;
}

/* The same ACKs on a plain array walked from its first entry for every block (the
 * SACKed flags only, no loss marking): the cost the scoreboard's search and skip
 * links avoid. */
static uint64_t run_walk(uint32_t n, uint64_t *steps)
{
	uint8_t *sacked = g_malloc0(n);
	uint64_t acks = 0, s = 0;
	uint32_t head = 0;
	struct blocks b = { .n = 0 };
	for (uint32_t i = 1; i < n; i++) {
		if (i % GAP == 0)
			continue;
		arrive(&b, i);
		for (uint32_t k = 0; k < b.n; k++)
			for (uint32_t j = head; j < n; j++, s++)
				if (j >= b.start[k] && j < b.end[k])
					sacked[j] = 1;
				else if (j >= b.end[k])
					break;
		acks++;
	}
	*steps = s;
	g_free(sacked);
	return acks;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	if (rounds < 1)
		rounds = 1;
	printf("%10s  %14s  %14s  %16s  %16s\n", "window", "ns/ACK", "steps/ACK", "walk ns/ACK",
	       "walk steps/ACK");
	static const uint32_t sizes[] = { 1000, 10000, 100000 };
	for (size_t k = 0; k < G_N_ELEMENTS(sizes); k++) {
		uint32_t n = sizes[k];
		double best = 0, best_walk = 0;
		uint64_t acks = 0, steps = 0, wacks = 0, wsteps = 0;
		for (int r = 0; r < rounds; r++) {
			gint64 t0 = g_get_monotonic_time();
			acks = run_scoreboard(n, &steps);
			gint64 t1 = g_get_monotonic_time();
			double ns = (double)(t1 - t0) * 1e3 / (double)acks;
			best = r == 0 || ns < best ? ns : best;
			if (n <= 10000) { /* the walk at 100 000 takes minutes */
				t0 = g_get_monotonic_time();
				wacks = run_walk(n, &wsteps);
				t1 = g_get_monotonic_time();
				ns = (double)(t1 - t0) * 1e3 / (double)wacks;
				best_walk = r == 0 || ns < best_walk ? ns : best_walk;
			}
		}
		if (n <= 10000)
			printf("%10u  %14.1f  %14.1f  %16.1f  %16.1f\n", n, best, (double)steps / (double)acks,
			       best_walk, (double)wsteps / (double)wacks);
		else
			printf("%10u  %14.1f  %14.1f  %16s  %16s\n", n, best, (double)steps / (double)acks,
			       "-", "-");
	}
	return 0;
}
