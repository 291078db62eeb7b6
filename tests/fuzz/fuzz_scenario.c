/* tests/fuzz/fuzz_scenario.c — the scenario loader, validation only: JSON syntax
 * scanner, cJSON, schema checks, cross-references (what `netsim validate` does).
 *
 * Invariants checked on every input:
 *   - no crash, no leak, no sanitizer report (the input is untrusted user input);
 *   - a syntax error is one "FILE:LINE:COL: message" line;
 *   - every diagnostic prints as one "FILE: ..." line without control characters,
 *     and is valid UTF-8;
 *   - scenario_build() returns a scenario exactly when it reported no error.
 * The structure-aware mutator (scenario_mutator.c) keeps most inputs valid JSON
 * with values at the edges of each key's range, so the checks behind the parser are
 * reached; libFuzzer's byte mutator still runs on a share of the inputs.
 */
#include <glib.h>
#include <string.h>

#include "sim/cli/scenario.h"
#include "sim/cli/schema.h"
#include "tests/fuzz/fuzz.h"

#define FILE_NAME "fuzz.json"

/* Each line of text (which ends with a newline) starts with FILE_NAME and holds no
 * control character; the text is valid UTF-8. */
static void check_lines(const char *text, size_t len)
{
	fz_check(g_utf8_validate(text, (gssize)len, NULL), "message is not UTF-8");
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		fz_check(nl != NULL, "message does not end with a newline");
		fz_check(strncmp(p, FILE_NAME ":", strlen(FILE_NAME ":")) == 0,
			 "message does not start with the file name");
		for (const char *q = p; q < nl; q++)
			fz_check((unsigned char)*q >= 0x20 && *q != 0x7f,
				 "control character in a message");
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	struct scenario_doc *doc = scenario_doc_parse(FILE_NAME, (const char *)data, size, &err);
	char *out = NULL;
	size_t out_len = 0;
	FILE *fp = open_memstream(&out, &out_len);
	if (doc == NULL) {
		sch_print_line(fp, "%s", err);
		fclose(fp);
		check_lines(out, out_len);
		fz_check(strchr(out, '\n') == out + out_len - 1, "a syntax error spans lines");
		free(out);
		g_free(err);
		return 0;
	}
	struct sch_diags d;
	sch_diags_init(&d, FILE_NAME);
	struct scenario *s = scenario_build(doc, &d);
	guint errors = sch_diags_count(&d);
	sch_diags_print(&d, fp);
	fclose(fp);
	check_lines(out, out_len);
	fz_check((s != NULL) == (errors == 0), "scenario returned despite errors, or none without");
	free(out);
	sch_diags_fini(&d);
	scenario_free(s);
	scenario_doc_free(doc);
	return 0;
}
