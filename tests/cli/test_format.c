/* tests/cli/test_format.c — number formats of the terminal summary and the progress
 * line (sim/cli/summary.h). */
#include <glib.h>

#include "sim/cli/summary.h"

static void check_rate(double rate, const char *want)
{
	char buf[32];
	summary_fmt_rate(buf, sizeof(buf), rate);
	g_assert_cmpstr(buf, ==, want);
}

/* Three significant figures, the SI prefix chosen after rounding: a rate just below a
 * thousand of one prefix reads as one of the next, never "1e+03 k". */
static void test_rate(void)
{
	check_rate(0, "0");
	check_rate(812, "812");
	check_rate(999.4, "999");
	check_rate(999.6, "1 k");
	check_rate(4970, "4.97 k");
	check_rate(999960, "1 M");
	check_rate(4.97e6, "4.97 M");
	check_rate(999.7e6, "1 G");
	check_rate(2.5e9, "2.5 G");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cli/format/rate", test_rate);
	return g_test_run();
}
