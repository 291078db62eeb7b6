/* tests/drill/test_shell.c — the shell commands of a script (sim/drill/shell.c), as a
 * user sees them: the verdict of a script whose init command is the one tested.
 */
#include <glib.h>
#include <string.h>

#include "sim/drill/run.h"
#include "sim/drill/script.h"

struct shell_case {
	const char *command;
	enum drill_verdict verdict;
	const char *message; /* NULL: no message */
};

/* The message of a command the shell reader refuses: the text, cut at 60 bytes. */
#define UNREADABLE "(unreadable)"

/* $((...)) is evaluated in 64 bits; what does not fit is refused, never wrapped. */
static const struct shell_case arith_cases[] = {
    /* evaluated: the knob refuses the value, and the message shows it */
    {"sysctl -q net.ipv4.tcp_syn_retries=$((3 - 8))", DRILL_SKIP,
     "needs sysctl net.ipv4.tcp_syn_retries=-5, a value netsim's knob syn_retries does not "
     "take"},
    {"sysctl -q net.ipv4.tcp_syn_retries=$((-(2 * 3) + 7 % 4 - -1))", DRILL_SKIP,
     "needs sysctl net.ipv4.tcp_syn_retries=-2, a value netsim's knob syn_retries does not "
     "take"},
    {"sysctl -q net.ipv4.tcp_syn_retries=$(( (9223372036854775807) / 1000000000000000000 ))",
     DRILL_PASS, NULL},
    /* beyond 64 bits */
    {"echo $((-(-9223372036854775807 - 1))) > /sys/module/tcp_cubic/parameters/beta", DRILL_SKIP,
     UNREADABLE},
    {"echo $(((-9223372036854775807 - 1) / -1)) > /sys/module/tcp_cubic/parameters/beta",
     DRILL_SKIP, UNREADABLE},
    {"echo $(((-9223372036854775807 - 1) % -1)) > /sys/module/tcp_cubic/parameters/beta",
     DRILL_SKIP, UNREADABLE},
    {"echo $((1 - (-9223372036854775807 - 1))) > /sys/module/tcp_cubic/parameters/beta", DRILL_SKIP,
     UNREADABLE},
    {"echo $((9223372036854775807 * 2)) > /sys/module/tcp_cubic/parameters/beta", DRILL_SKIP,
     UNREADABLE},
    {"echo $((1 / 0)) > /sys/module/tcp_cubic/parameters/beta", DRILL_SKIP, UNREADABLE},
};

static void check(const char *command, enum drill_verdict verdict, const char *message)
{
	char *text =
	    g_strdup_printf("`%s`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n", command);
	char *err = NULL;
	struct drill_script *s = drill_script_parse("t.pkt", text, &err);
	g_assert_null(err);
	g_assert_nonnull(s);
	struct drill_options o = {.profile = TCP_PROFILE_LINUX, .tolerance_ns = -1};
	struct drill_result r;
	drill_run(s, &o, &r);
	char *want = NULL;
	if (message && !strcmp(message, UNREADABLE))
		message = want =
		    g_strdup_printf("runs shell text netsim cannot read: %.60s", command);
	g_test_message("%.80s -> %d %.200s", command, r.verdict, r.message ? r.message : "");
	g_assert_cmpint(r.verdict, ==, verdict);
	g_assert_cmpstr(r.message, ==, message);
	if (message)
		g_assert_cmpint(r.line, ==, 1);
	g_free(want);
	g_free(r.message);
	drill_script_free(s);
	g_free(text);
}

static void test_arithmetic(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(arith_cases); i++)
		check(arith_cases[i].command, arith_cases[i].verdict, arith_cases[i].message);
}

/* Signs nest no deeper than parentheses: a long run of them is refused, not a stack
 * overflow. */
static void test_deep_signs(void)
{
	GString *c = g_string_new("echo $((");
	for (int i = 0; i < 1000000; i++)
		g_string_append_c(c, '-');
	g_string_append(c, "5)) > /sys/module/tcp_cubic/parameters/beta");
	check(c->str, DRILL_SKIP, UNREADABLE);
	g_string_free(c, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/drill/shell/arithmetic", test_arithmetic);
	g_test_add_func("/drill/shell/deep-signs", test_deep_signs);
	return g_test_run();
}
