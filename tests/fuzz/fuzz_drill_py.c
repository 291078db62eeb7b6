/* tests/fuzz/fuzz_drill_py.c — the Python subset of packetdrill's %{ }% blocks
 * (sim/drill/py.h): the parser and the evaluator.
 *
 * Input: the text of one block, as it stands between %{ and }% (the script's parser
 * hands it over the same way). An input with a NUL byte is left alone (a script file
 * cannot hold one).
 *
 * tcp_info names resolve through a table standing in for a connection: the names the
 * scripts use have plausible values; any other tcpi_* name is found, missing (a field
 * netsim does not model) or unknown according to a hash of the name, and a found one
 * gets one of the values at the edges of 64-bit arithmetic, so the fuzzer reaches
 * them by naming fields.
 *
 * Invariants, besides "no crash, leak or sanitizer report":
 *   - a parse error reads "LINE:COL: message", at a line the text has (or the one
 *     after), column from 1;
 *   - a block that parses is executed twice in one environment (the second time sees
 *     the variables the first assigned, as a later block of the same script does);
 *     every status other than OK has a message, an error's reads "LINE:COL: ..." and
 *     every one names a line of the block;
 *   - the same block in a fresh environment gives the same statuses, messages and
 *     print() output (nothing depends on memory left from before).
 */
#include <glib.h>
#include <string.h>

#include "sim/drill/py.h"
#include "tests/fuzz/fuzz.h"

struct field {
	const char *name;
	int64_t value;
};

/* The fields the repository's scripts read, at values an established connection has. */
static const struct field fields[] = {
    {"tcpi_state", 1},     {"tcpi_ca_state", 0},   {"tcpi_snd_mss", 1460},
    {"tcpi_advmss", 1460}, {"tcpi_backoff", 0},    {"tcpi_retransmits", 0},
    {"tcpi_probes", 0},    {"tcpi_snd_wscale", 7}, {"tcpi_rcv_wscale", 10},
    {"tcpi_options", 4},   {"tcpi_snd_cwnd", 10},  {"tcpi_rto", 200000},
};

static const int64_t edges[] = {
    0,          1,         -1,        2,
    1000,       65535,     INT32_MAX, (int64_t)INT32_MIN,
    UINT32_MAX, INT64_MAX, INT64_MIN, INT64_MAX / 2 + 1,
};

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static enum drill_py_lookup lookup(void *ctx, const char *name, int64_t *value, const char **why)
{
	(void)ctx;
	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
		if (!strcmp(name, fields[i].name)) {
			*value = fields[i].value;
			return DRILL_PY_FOUND;
		}
	}
	if (!g_str_has_prefix(name, "tcpi_"))
		return DRILL_PY_UNKNOWN;
	uint32_t h = fnv1a(name);
	switch (h % 4) {
	case 0:
		*why = "netsim does not model this field";
		return DRILL_PY_MISSING;
	case 1:
		return DRILL_PY_UNKNOWN;
	default:
		*value = edges[(h / 4) % G_N_ELEMENTS(edges)];
		return DRILL_PY_FOUND;
	}
}

/* What two executions of a block produced. */
struct outcome {
	enum drill_py_status st[2];
	char *msg[2];
	int line[2];
	GString *out;
};

static void execute(const struct drill_py_block *b, int lines, struct outcome *o)
{
	struct drill_py_env *env = drill_py_env_new(lookup, NULL);
	o->out = g_string_new(NULL);
	for (int k = 0; k < 2; k++) {
		o->msg[k] = NULL;
		o->line[k] = 0;
		o->st[k] = drill_py_exec(env, b, o->out, &o->msg[k], &o->line[k]);
		switch (o->st[k]) {
		case DRILL_PY_OK:
			break;
		case DRILL_PY_ERROR:
			fz_check(o->msg[k] != NULL, "a runtime error without a message");
			fz_check_position(o->msg[k], "a runtime error without LINE:COL: message");
			/* fall through */
		case DRILL_PY_ASSERT:
		case DRILL_PY_SKIP:
			fz_check(o->msg[k] != NULL, "an assertion or skip without a message");
			fz_check(o->line[k] >= 1 && o->line[k] <= lines,
			         "a status naming a line the block lacks");
			break;
		default:
			fz_check(false, "an unknown status");
		}
	}
	drill_py_env_free(env);
}

static void outcome_free(struct outcome *o)
{
	g_free(o->msg[0]);
	g_free(o->msg[1]);
	g_string_free(o->out, TRUE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, 0, size))
		return 0;
	char *text = g_strndup((const char *)data, size);
	int lines = fz_count_lines(text);
	struct drill_py_block *b = NULL;
	char *err = NULL;
	if (drill_py_parse(text, 1, 1, &b, &err) != 0) {
		fz_check(err != NULL && b == NULL, "a parse failure without a message");
		long line = fz_check_position(err, "a parse error without LINE:COL: message");
		fz_check(line >= 1 && line <= lines, "a parse error naming a line the block lacks");
		g_free(err);
		g_free(text);
		return 0;
	}
	fz_check(b != NULL && err == NULL, "a parsed block with an error");
	struct outcome x, y;
	execute(b, lines, &x);
	execute(b, lines, &y);
	for (int k = 0; k < 2; k++)
		fz_check(x.st[k] == y.st[k] && x.line[k] == y.line[k] &&
		             g_strcmp0(x.msg[k], y.msg[k]) == 0,
		         "the same block ran differently in a fresh environment");
	fz_check(g_string_equal(x.out, y.out), "print() wrote differently in a fresh environment");
	outcome_free(&x);
	outcome_free(&y);
	drill_py_block_free(b);
	g_free(text);
	return 0;
}
