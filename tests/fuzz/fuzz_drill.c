/* tests/fuzz/fuzz_drill.c — packetdrill scripts (sim/drill): the parser, and the
 * runner on every script that parses.
 *
 * Input: the text of a script, as `netsim drill` reads it from a file. An input with a
 * NUL byte is left alone (drill_script_load refuses such a file before parsing). The
 * script is named tests/drill/scripts/fuzz.pkt, so that `./defaults.sh` and the other
 * helpers of that folder are read as they are for the suite's own scripts.
 *
 * Invariants, besides "no crash, leak or sanitizer report":
 *   - a parse error is one line, "PATH:LINE:COL: message", with a line that exists
 *     (or the one after the last, for the end of the text), a column from 1, and no
 *     control character;
 *   - a script that parses runs to a verdict; a failure or a skip has a message on
 *     one line without control characters, and a line within the script (0: none);
 *   - a run does not depend on --verbose: the script runs twice, with and without it
 *     (its log to /dev/null), and the verdict, line, time, message and number of
 *     events are the same.
 * The script runs under the profile its header names (`// profile: rfc.` alone: rfc;
 * otherwise linux, as run_scripts.py picks them).
 *
 * Bounded: only scripts whose events span at most MAX_SCRIPT_SPAN of simulated time
 * (counted from the times as written, blocking calls' ends included) are run, so that
 * a script that merely waits for a year (zero-window probes every two minutes) does not
 * read as a hang; longer ones are parsed only. libFuzzer's -timeout catches the rest.
 */
#include <glib.h>
#include <string.h>

#include "sim/drill/run.h"
#include "sim/drill/script.h"
#include "tests/fuzz/fuzz.h"

#define SCRIPT_PATH     SOURCE_ROOT "/tests/drill/scripts/fuzz.pkt"
#define MAX_SCRIPT_SPAN SIM_S(86400)

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	fz_check(devnull != NULL, "cannot open /dev/null");
	return 0;
}

/* "PATH:LINE:COL: message": checks the form; returns LINE. */
static long check_parse_error(const char *err)
{
	fz_check(err != NULL, "a parse failure without a message");
	fz_check(!fz_has_control(err), "a parse error with a control character (or on two lines)");
	fz_check(g_str_has_prefix(err, SCRIPT_PATH ":"), "a parse error not naming the script");
	return fz_check_position(err + strlen(SCRIPT_PATH ":"),
	                         "a parse error without PATH:LINE:COL: message");
}

/* Simulated time the events span at most, from the times written (saturating). */
static int64_t script_span(const struct drill_script *s)
{
	int64_t t = 0;
	for (int i = 0; i < s->n_events; i++) {
		const struct drill_event *e = &s->events[i];
		int64_t at = e->t_end_ns > e->t_ns ? e->t_end_ns : e->t_ns;
		if (at < 0)
			at = 0;
		switch (e->time_kind) {
		case DRILL_TIME_ABS:
		case DRILL_TIME_ABS_RANGE:
			t = at > t ? at : t;
			break;
		case DRILL_TIME_REL:
		case DRILL_TIME_REL_RANGE:
			t = t > INT64_MAX - at ? INT64_MAX : t + at;
			break;
		default:
			break;
		}
		if (e->sc && e->sc->blocking && e->sc->end_ns > 0)
			t = t > INT64_MAX - e->sc->end_ns ? INT64_MAX : t + e->sc->end_ns;
	}
	return t;
}

static void check_result(const struct drill_result *r, int lines)
{
	fz_check(r->verdict == DRILL_PASS || r->verdict == DRILL_FAIL || r->verdict == DRILL_SKIP,
	         "an unknown verdict");
	if (r->verdict != DRILL_PASS) {
		fz_check(r->message != NULL, "a failure or skip without a message");
		fz_check(!fz_has_control(r->message),
		         "a verdict with a control character (or on two lines)");
	}
	fz_check(r->line >= 0 && r->line <= lines, "a verdict naming a line the script lacks");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, 0, size))
		return 0;
	char *text = g_strndup((const char *)data, size);
	int lines = fz_count_lines(text);
	char *err = NULL;
	struct drill_script *s = drill_script_parse(SCRIPT_PATH, text, &err);
	if (!s) {
		long line = check_parse_error(err);
		fz_check(line >= 1 && line <= lines, "a parse error naming a line the text lacks");
		g_free(err);
		g_free(text);
		return 0;
	}
	fz_check(err == NULL, "a parsed script with an error");
	if (script_span(s) <= MAX_SCRIPT_SPAN) {
		bool rfc = strstr(text, "// profile: rfc.") != NULL;
		struct drill_options o = {
		    .profile = rfc ? TCP_PROFILE_RFC : TCP_PROFILE_LINUX,
		    .verbose = true,
		    .log = devnull,
		    .tolerance_ns = -1,
		};
		struct drill_result a, b;
		drill_run(s, &o, &a);
		check_result(&a, lines);
		o.verbose = false;
		drill_run(s, &o, &b);
		fz_check(a.verdict == b.verdict && a.line == b.line && a.time_ns == b.time_ns &&
		             a.events == b.events && g_strcmp0(a.message, b.message) == 0,
		         "the same script ran differently with --verbose");
		g_free(a.message);
		g_free(b.message);
	}
	drill_script_free(s);
	g_free(text);
	return 0;
}
