/* tests/tcp/test_sackrcv.c — the receiver's SACK and DSACK blocks (models/tcp/sackrcv.h)
 * on their own: RFC 2018 §4's order (the block holding the newest segment first, then
 * the most recent others), joining, the fifth run forgetting the oldest, RCV.NXT
 * dropping what it reaches, RFC 2883's DSACK sent once and extended by adjoining
 * duplicates, the room given (3 or 4), and sequence-number wrap.
 */
#include <glib.h>

#include "models/tcp/sackrcv.h"

#define B 0xffffff00u /* every test wraps */

static void expect(struct tcp_sackrcv *s, uint32_t max, uint32_t n, const uint32_t *want)
{
	struct tcp_repr r = { 0 };
	g_assert_cmpuint(tcp_sackrcv_count(s, max), ==, n);
	g_assert_cmpuint(tcp_sackrcv_fill(s, &r, max), ==, n);
	g_assert_cmpuint(r.sack_count, ==, n);
	for (uint32_t i = 0; i < n; i++) {
		g_assert_cmphex(r.sack[i].start, ==, want[2 * i]);
		g_assert_cmphex(r.sack[i].end, ==, want[2 * i + 1]);
	}
}

static void test_order_and_join(void)
{
	struct tcp_sackrcv s;
	tcp_sackrcv_init(&s);
	expect(&s, 4, 0, NULL);
	tcp_sackrcv_ooo(&s, B + 100, B + 200);
	tcp_sackrcv_ooo(&s, B + 300, B + 400);
	tcp_sackrcv_ooo(&s, B + 200, B + 250); /* extends the first run: it moves up */
	expect(&s, 4, 2, (uint32_t[]){ B + 100, B + 250, B + 300, B + 400 });
	tcp_sackrcv_ooo(&s, B + 250, B + 300); /* joins both */
	expect(&s, 4, 1, (uint32_t[]){ B + 100, B + 400 });
	/* Five runs: the oldest is forgotten; three fit beside timestamps. */
	for (uint32_t k = 1; k <= 4; k++)
		tcp_sackrcv_ooo(&s, B + 400 + 200 * k, B + 500 + 200 * k);
	expect(&s, 4, 4,
	       (uint32_t[]){ B + 1200, B + 1300, B + 1000, B + 1100, B + 800, B + 900, B + 600,
			     B + 700 });
	expect(&s, 3, 3, (uint32_t[]){ B + 1200, B + 1300, B + 1000, B + 1100, B + 800, B + 900 });
	/* RCV.NXT reaches the two lowest remembered runs. */
	tcp_sackrcv_advance(&s, B + 900);
	expect(&s, 4, 2, (uint32_t[]){ B + 1200, B + 1300, B + 1000, B + 1100 });
	tcp_sackrcv_clear(&s);
	expect(&s, 4, 0, NULL);
}

static void test_dsack(void)
{
	struct tcp_sackrcv s;
	tcp_sackrcv_init(&s);
	tcp_sackrcv_ooo(&s, B + 500, B + 600);
	tcp_sackrcv_dup(&s, B + 10, B + 20);
	tcp_sackrcv_dup(&s, B + 20, B + 40); /* adjoining: extends */
	expect(&s, 3, 2, (uint32_t[]){ B + 10, B + 40, B + 500, B + 600 });
	expect(&s, 3, 1, (uint32_t[]){ B + 500, B + 600 }); /* the DSACK went once */
	tcp_sackrcv_dup(&s, B + 10, B + 20);
	tcp_sackrcv_dup(&s, B + 80, B + 90); /* apart: the newer one replaces it */
	expect(&s, 1, 1, (uint32_t[]){ B + 80, B + 90 });
	tcp_sackrcv_dup(&s, B + 30, B + 30); /* empty: nothing */
	tcp_sackrcv_clear(&s);
	expect(&s, 4, 0, NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/sackrcv/order-and-join", test_order_and_join);
	g_test_add_func("/tcp/sackrcv/dsack", test_dsack);
	return g_test_run();
}
