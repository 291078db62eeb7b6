/* tests/drill/test_parse.c — the packetdrill parser and the Python subset.
 *
 *   corpus     every script of the packetdrill corpus parses (skipped without it)
 *   errors     bad scripts give FILE:LINE:COL and the message packetdrill would give
 *   structure  what a packet, a system call and times parse into
 *   times      decimal seconds to exact nanoseconds
 *   python     expressions and statements evaluate as Python does
 */
#include <glib.h>
#include <string.h>

#include "sim/drill/py.h"
#include "sim/drill/script.h"

#ifndef PACKETDRILL_DIR
#define PACKETDRILL_DIR ""
#endif

static void collect(const char *dir, GPtrArray *out)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	const char *name;
	while ((name = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, name, NULL);
		if (g_file_test(path, G_FILE_TEST_IS_DIR) &&
		    !g_file_test(path, G_FILE_TEST_IS_SYMLINK))
			collect(path, out);
		if (g_str_has_suffix(name, ".pkt"))
			g_ptr_array_add(out, g_strdup(path));
		g_free(path);
	}
	g_dir_close(d);
}

static const char *corpus_dir(void)
{
	const char *env = g_getenv("NETSIM_PACKETDRILL_DIR");
	return env && *env ? env : PACKETDRILL_DIR;
}

static void test_corpus(void)
{
	char *tcp = g_build_filename(corpus_dir(), "tcp", NULL);
	if (!g_file_test(tcp, G_FILE_TEST_IS_DIR)) {
		g_test_skip("packetdrill corpus not present");
		g_free(tcp);
		return;
	}
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	collect(tcp, files);
	g_assert_cmpuint(files->len, >=, 68);
	for (guint i = 0; i < files->len; i++) {
		char *err = NULL;
		struct drill_script *s = drill_script_load(files->pdata[i], &err);
		if (!s)
			g_test_message("%s", err);
		g_assert_null(err);
		g_assert_nonnull(s);
		g_assert_cmpint(s->n_events, >, 3);
		drill_script_free(s);
	}
	g_ptr_array_free(files, TRUE);
	g_free(tcp);
}

struct bad {
	const char *text;
	const char *error;
};

static const struct bad bad_scripts[] = {
    {"0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) <mss 1000>\n",
     "t.pkt:2:1: window must be specified for inbound packets"},
    {"0 x() = 3\n+0 < S 0:5(0) win 1\n",
     "t.pkt:2:8: inconsistent TCP sequence numbers and payload size"},
    {"0 x() = 3\n+0 %{ assert x ==, 1 }%\n", "t.pkt:2:18: expected an expression, got ','"},
    {"0 x() = 3\n+0 > S 0:0(0) <mss 1000,nop>\n",
     "t.pkt:2:15: TCP options are not padded correctly to ensure TCP header is a multiple of "
     "4 bytes: 1 excess bytes"},
    {"1 x() = 3\n", "t.pkt:1:1: first event should be at time 0"},
    {"0 x() = 3\n +.1~+.05 > . 1:1(0)\n", "t.pkt:2:7: time range is backwards"},
    {"0 x() = 3\n`unterminated\n", "t.pkt:2:1: unterminated ` command"},
    {"0 x() = 3\n+0 < Z 1:1(0) win 3\n", "t.pkt:2:6: invalid TCP flag: 'Z'"},
    /* An ACE digit and then an ECN flag: the message names the flag after the flags'
     * string was freed (found by fuzz_drill in CI; ASan builds catch a regression). */
    {"0 x() = 3\n+0 < S4E 1:1(0) win 3\n", "t.pkt:2:6: conflicting TCP flags: 'E'"},
    {"0 x() = 3\n+0 < . 1:1(0) ack 1 win 70000\n",
     "t.pkt:2:25: TCP window value out of range: 70000"},
    {"0 x() = 3\n+1~+2 write(3, ..., 1) = 1\n",
     "t.pkt:2:1: event time range can only be used with outbound packets"},
    {"0 x() = 3\n* < . 1:1(0) win 1\n",
     "t.pkt:2:1: event time <star> can only be used with outbound packets"},
    {"0 x() = 3\n+0 < . 1:1(0) win 1 <...>\n",
     "t.pkt:2:1: <...> for TCP options can only be used with outbound packets"},
    {"0 x() = 3\n0.5 x() = 0\n0.4 x() = 0\n", "t.pkt:3:1: time goes backward in script"},
    {"0 x() = 3\n+0 %{ import os }%\n",
     "t.pkt:2:7: 'import' is not in the supported Python subset"},
    {"0 x() = 3\n+0 %{ foo(1) }%\n",
     "t.pkt:2:7: function 'foo' is not in the supported Python subset"},
    {"0 x() = 3\n+0 %{ (foo)(1) }%\n",
     "t.pkt:2:7: function 'foo' is not in the supported Python subset"},
    {"0 x() = 3\n+0 write(3, ..., 1 = 1\n", "t.pkt:2:20: expected ',' or ')', got '='"},
    {"0 x() = 3\n+0 > S 0:0(0) <mss 1460,wscale>\n",
     "t.pkt:2:31: expected window scale shift count, got '>'"},
    {"0 x() = 3\n+0 > S 0:0(0) <bogus 3>\n", "t.pkt:2:16: unknown TCP option 'bogus'"},
    {"/* never closed\n", "t.pkt:1:1: unterminated /* comment"},
    {"-1 x() = 3\n", "t.pkt:1:1: negative time"},
    {"0 x() = 3\n+0 %{ s = 'abc }%\n", "t.pkt:2:11: unterminated string"},
    {"0 x() = 3\n+0 %{ x = \x19 }%\n", "t.pkt:2:11: unexpected character '\\031' in Python code"},
    {"0 x() = 3\n+0 ... x() = 3\n", "t.pkt:2:8: expected a time, got 'x'"},
    {"0 x() = 3\n+0 < ipv4 1.2.3.4 > 5.6.7.8: . 1:1(0) win 1\n",
     "t.pkt:2:6: encapsulated packets (ipv4 prefix) are not supported"},
};

static void test_errors(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bad_scripts); i++) {
		char *err = NULL;
		struct drill_script *s = drill_script_parse("t.pkt", bad_scripts[i].text, &err);
		g_assert_null(s);
		g_assert_cmpstr(err, ==, bad_scripts[i].error);
		g_free(err);
	}
}

static void test_structure(void)
{
	const char *text =
	    "--tolerance_usecs=10000\n"
	    "`../common/defaults.sh`\n"
	    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
	    "+.1...0.200 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
	    "+0 > [ect0] SEW 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>\n"
	    "+.3~+.303 > P. 1:1001(1000) ack 1 win 257 <sack 1:2 3:4,nop,nop>\n"
	    "0.5 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 40}], msg_flags=0}, "
	    "MSG_MORE) = 40\n"
	    "+0 `tc qdisc`\n"
	    "+0 %{ assert 1 <= tcpi_rto <= 2, tcpi_rto }%\n"
	    "`cleanup`\n";
	char *err = NULL;
	struct drill_script *s = drill_script_parse("dir/t.pkt", text, &err);
	if (err)
		g_test_message("%s", err);
	g_assert_null(err);
	g_assert_cmpstr(drill_script_option(s, "tolerance_usecs"), ==, "10000");
	g_assert_cmpstr(s->dir, ==, "dir");
	g_assert_cmpint(s->n_events, ==, 9);
	g_assert_cmpint(s->events[0].time_kind, ==, DRILL_TIME_NONE);
	const struct drill_event *c = &s->events[2];
	g_assert_true(c->sc->blocking);
	g_assert_cmpint(c->t_ns, ==, 100000000);
	g_assert_cmpint(c->sc->end_ns, ==, 200000000);
	g_assert_cmpstr(c->sc->errno_name, ==, "EINPROGRESS");
	g_assert_cmpstr(c->sc->note, ==, "Operation now in progress");
	g_assert_cmpint(c->sc->result->num, ==, -1);
	const struct drill_packet *k = s->events[3].pkt;
	g_assert_true(k->outbound);
	g_assert_cmpint(k->flags, ==, 0x02 | 0x40 | 0x80);
	g_assert_cmpint(k->tos_check, ==, DRILL_TOS_ECN);
	g_assert_cmpint(k->tos, ==, 2);
	g_assert_cmpint(k->n_opts, ==, 5);
	g_assert_cmpint(k->opts_len, ==, 20);
	g_assert_cmpint(k->opts[2].ts_val, ==, 100);
	const struct drill_event *r = &s->events[4];
	g_assert_cmpint(r->time_kind, ==, DRILL_TIME_REL_RANGE);
	g_assert_cmpint(r->t_end_ns, ==, 303000000);
	g_assert_cmpint(r->pkt->seq, ==, 1);
	g_assert_cmpint(r->pkt->len, ==, 1000);
	g_assert_cmpint(r->pkt->win, ==, 257);
	g_assert_cmpint(r->pkt->opts[0].n_sack, ==, 2);
	g_assert_cmpint(r->pkt->opts[0].sack[1][1], ==, 4);
	const struct drill_expr *m = s->events[5].sc->args[1];
	g_assert_cmpint(m->kind, ==, DRILL_EX_STRUCT);
	g_assert_cmpstr(m->fields[1].name, ==, "msg_iov");
	g_assert_cmpint(m->fields[1].name_arg->num, ==, 1);
	g_assert_cmpint(m->fields[1].value->items[0]->fields[1].value->num, ==, 40);
	g_assert_cmpstr(s->events[6].command, ==, "tc qdisc");
	g_assert_cmpint(s->events[8].time_kind, ==, DRILL_TIME_NONE);
	drill_script_free(s);
}

static void test_times(void)
{
	int64_t ns;
	g_assert_cmpint(drill_parse_time(".1", &ns), ==, 0);
	g_assert_cmpint(ns, ==, 100000000);
	g_assert_cmpint(drill_parse_time("0.303", &ns), ==, 0);
	g_assert_cmpint(ns, ==, 303000000);
	g_assert_cmpint(drill_parse_time("3", &ns), ==, 0);
	g_assert_cmpint(ns, ==, 3000000000);
	g_assert_cmpint(drill_parse_time("1.0000000019", &ns), ==, 0);
	g_assert_cmpint(ns, ==, 1000000001);
	g_assert_cmpint(drill_parse_time("-1", &ns), ==, -1);
	g_assert_cmpint(drill_parse_time("1.2.3", &ns), ==, -1);
	g_assert_cmpint(drill_parse_time("99999999999", &ns), ==, -1);
}

static enum drill_py_lookup lookup(void *ctx, const char *name, int64_t *v, const char **why)
{
	(void)ctx;
	if (!strcmp(name, "tcpi_snd_cwnd")) {
		*v = 12;
		return DRILL_PY_FOUND;
	}
	if (!strcmp(name, "tcpi_lost")) {
		*why = "netsim does not model SACK";
		return DRILL_PY_MISSING;
	}
	return DRILL_PY_UNKNOWN;
}

/* Runs `code`; returns the status, with the message (or the print output) in *text. */
static enum drill_py_status run_py(struct drill_py_env *env, const char *code, char **text)
{
	struct drill_py_block *b = NULL;
	char *err = NULL;
	if (drill_py_parse(code, 1, 1, &b, &err)) {
		g_test_message("%s: %s", code, err);
		g_assert_not_reached();
	}
	GString *out = g_string_new(NULL);
	char *msg = NULL;
	int line = 0;
	enum drill_py_status st = drill_py_exec(env, b, out, &msg, &line);
	*text = msg ? msg : g_strdup(out->str);
	if (msg)
		g_free(g_string_free(out, FALSE));
	else
		g_string_free(out, TRUE);
	drill_py_block_free(b);
	return st;
}

struct py_case {
	const char *code;
	enum drill_py_status status;
	const char *text;
};

static const struct py_case py_cases[] = {
    {"print(1 + 2 * 3, 7 // 2, -7 // 2, -7 % 3, 7 / 2, 2 ** 10)", DRILL_PY_OK,
     "7 3 -4 2 3.5 1024\n"},
    {"print('cwnd=%d' % tcpi_snd_cwnd, '%s:%x' % ('a', 255), '%5.2f' % 0.5)", DRILL_PY_OK,
     "cwnd=12 a:ff  0.50\n"},
    {"assert 10 <= tcpi_snd_cwnd <= 20, tcpi_snd_cwnd", DRILL_PY_OK, ""},
    {"assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd", DRILL_PY_ASSERT,
     "expected tcpi_snd_cwnd == 10, got tcpi_snd_cwnd=12: 12"},
    {"assert tcpi_snd_cwnd == 10, 'cwnd=%d' % tcpi_snd_cwnd", DRILL_PY_ASSERT,
     "expected tcpi_snd_cwnd == 10, got tcpi_snd_cwnd=12: cwnd=12"},
    {"cwnd = 10; cwnd += 2; assert tcpi_snd_cwnd == cwnd", DRILL_PY_OK, ""},
    {"x = 0x7fffffff; print(x, x + 1 > x, not x, x and 3, 0 or 'b')", DRILL_PY_OK,
     "2147483647 True False 3 b\n"},
    {"print(TCP_CA_Recovery, TCP_ESTABLISHED, 1 if tcpi_snd_cwnd else 2, (1, 'a'))", DRILL_PY_OK,
     "3 1 1 (1, 'a')\n"},
    {"print(max(1, 5, 3), min((4, 2)), abs(-3), int(2.9), str(7) + 'x', len('abc'))", DRILL_PY_OK,
     "5 2 3 2 7x 3\n"},
    {"assert tcpi_lost == 0", DRILL_PY_SKIP, "tcpi_lost (netsim does not model SACK)"},
    {"y = undefined_name", DRILL_PY_ERROR, "1:5: name 'undefined_name' is not defined"},
    {"y = 9223372036854775807 + 1", DRILL_PY_ERROR, "1:5: integer overflow (beyond 64 bits)"},
    {"(print)(1, (max)(2, 3))", DRILL_PY_OK, "1 3\n"},
    {"print(-1 << 5, -4 << 61, -1 << 63, 3 << 1, 0 << 100, -8 >> 1)", DRILL_PY_OK,
     "-32 -9223372036854775808 -9223372036854775808 6 0 -4\n"},
    {"print(1 ** 9223372036854775807, (-1) ** 9223372036854775807, 0 ** 9223372036854775807)",
     DRILL_PY_OK, "1 -1 0\n"},
    {"print((-2) ** 63, 3 ** 39, (-3) ** 39, 7 ** 22, 2 ** 0, 0 ** 0)", DRILL_PY_OK,
     "-9223372036854775808 4052555153018976267 -4052555153018976267 3909821048582988049 1 "
     "1\n"},
    {"y = 2 ** 63", DRILL_PY_ERROR, "1:5: integer overflow (beyond 64 bits)"},
    {"y = (-2) ** 64", DRILL_PY_ERROR, "1:6: integer overflow (beyond 64 bits)"},
    {"y = 3 ** 40", DRILL_PY_ERROR, "1:5: integer overflow (beyond 64 bits)"},
    {"y = 2 ** 9223372036854775807", DRILL_PY_ERROR, "1:5: integer overflow (beyond 64 bits)"},
    {"t = (); print(t, (), t == ()); u = t; t = 1; print(u,)", DRILL_PY_OK, "() () True\n()\n"},
    {"y = -3 << 62", DRILL_PY_ERROR, "1:5: integer overflow (beyond 64 bits)"},
    {"y = 1 << 63", DRILL_PY_ERROR, "1:5: integer overflow (beyond 64 bits)"},
    {"y = -2 << 63", DRILL_PY_ERROR, "1:5: integer overflow (beyond 64 bits)"},
    {"y = 1 // 0", DRILL_PY_ERROR, "1:5: integer division or modulo by zero"},
    {"y = '%d' % 1e400", DRILL_PY_ERROR, "1:5: cannot convert inf to int"},
    {"y = '%x' % -1e19", DRILL_PY_ERROR, "1:5: cannot convert -1e+19 to int"},
    {"y = int(1e19)", DRILL_PY_ERROR, "1:5: cannot convert 1e+19 to int"},
    {"y = '%d %d' % 1", DRILL_PY_ERROR, "1:5: not enough arguments for format string"},
    {"y = 'a' - 1", DRILL_PY_ERROR,
     "1:5: unsupported operand types for this operator: str and int"},
    {"assert 1 < 2 < 3 and (3 > 2) == True; \\\n  assert 0.1 + 0.2 != 0.3", DRILL_PY_OK, ""},
    {"print(1e3, 0.1, 1/3)", DRILL_PY_OK, "1000.0 0.1 0.3333333333333333\n"},
};

static void test_python(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(py_cases); i++) {
		struct drill_py_env *env = drill_py_env_new(lookup, NULL);
		char *text = NULL;
		enum drill_py_status st = run_py(env, py_cases[i].code, &text);
		g_test_message("%s -> %d %s", py_cases[i].code, st, text);
		g_assert_cmpint(st, ==, py_cases[i].status);
		g_assert_cmpstr(text, ==, py_cases[i].text);
		g_free(text);
		drill_py_env_free(env);
	}
}

/* Operators that nest (not, unary signs, parentheses, ** and if-else) and chains of
 * binary operators (1+1+...: a tree as high as the chain is long) are refused past a
 * depth, with an error rather than a stack overflow, however long the chain. */
static void test_python_deep(void)
{
	static const char *const links[] = {
	    "not ", "-", "~", "(", "2 ** ", "1 if 1 else ", "1 + ", "1 << 0 | ", "(1 + 1) * "};
	for (size_t i = 0; i < G_N_ELEMENTS(links); i++) {
		GString *code = g_string_new(NULL);
		for (int k = 0; k < 1000000; k++)
			g_string_append(code, links[i]);
		g_string_append(code, "1");
		struct drill_py_block *b = NULL;
		char *err = NULL;
		g_assert_cmpint(drill_py_parse(code->str, 1, 1, &b, &err), ==, -1);
		g_test_message("%s...: %s", links[i], err);
		g_assert_true(g_str_has_prefix(err, "1:"));
		g_assert_true(g_str_has_suffix(err, ": expression nested too deeply"));
		g_free(err);
		g_string_free(code, TRUE);
	}
}

/* System-call arguments: nested lists and structs, and a|b|c chains, are refused past a
 * depth with FILE:LINE:COL, never a stack overflow. */
static void test_deep_args(void)
{
	static const char *const links[] = {"[", "{", "O_RDWR|", "[O_RDWR|"};
	for (size_t i = 0; i < G_N_ELEMENTS(links); i++) {
		GString *t = g_string_new("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		                          "+0 fcntl(3, F_SETFL, ");
		for (int k = 0; k < 1000000; k++)
			g_string_append(t, links[i]);
		g_string_append(t, "O_NONBLOCK) = 0\n");
		char *err = NULL;
		struct drill_script *s = drill_script_parse("t.pkt", t->str, &err);
		g_assert_null(s);
		g_test_message("%s...: %s", links[i], err);
		g_assert_true(g_str_has_prefix(err, "t.pkt:2:"));
		g_assert_true(g_str_has_suffix(err, ": expression nested too deeply"));
		g_free(err);
		g_string_free(t, TRUE);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/drill/parse/corpus", test_corpus);
	g_test_add_func("/drill/parse/errors", test_errors);
	g_test_add_func("/drill/parse/structure", test_structure);
	g_test_add_func("/drill/parse/times", test_times);
	g_test_add_func("/drill/parse/deep-arguments", test_deep_args);
	g_test_add_func("/drill/python", test_python);
	g_test_add_func("/drill/python/deep", test_python_deep);
	return g_test_run();
}
