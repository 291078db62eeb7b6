/* tests/fuzz/test_mutator.c — the structure-aware scenario mutator
 * (scenario_mutator.c) does what the fuzzer relies on: starting from each shipped
 * scenario and mutating it 300 times, one to four edits in a row, as libFuzzer does
 * with a corpus input,
 *   - nearly every mutant is still a JSON object (the byte mutator takes one in
 *     eight, and only its mutants may break the syntax);
 *   - many mutants are still valid scenarios, and many are not, so both the
 *     conversion code and the error paths behind the parser are reached;
 *   - values land just outside their keys' ranges ("must be at most", "must be at
 *     least" errors) — the limits come from the schema tables.
 */
#include <cjson/cJSON.h>
#include <glib.h>
#include <string.h>

#include "sim/cli/scenario.h"
#include "tests/fuzz/fuzz.h"

#define MAX_SIZE 65536
#define ROUNDS 300

struct tally {
	unsigned mutants, objects, valid, invalid, above_max, below_min;
};

static void validate(const char *text, size_t len, struct tally *t)
{
	char *err = NULL;
	struct scenario_doc *doc = scenario_doc_parse("m.json", text, len, &err);
	g_free(err);
	if (!doc)
		return;
	struct sch_diags d;
	sch_diags_init(&d, "m.json");
	struct scenario *s = scenario_build(doc, &d);
	if (s)
		t->valid++;
	else
		t->invalid++;
	for (guint i = 0; i < d.items->len; i++) {
		const struct sch_diag *e = g_ptr_array_index(d.items, i);
		t->above_max += strstr(e->msg, "must be at most") != NULL;
		t->below_min += strstr(e->msg, "must be at least") != NULL ||
				strstr(e->msg, "must be greater than 0") != NULL;
	}
	sch_diags_fini(&d);
	scenario_free(s);
	scenario_doc_free(doc);
}

static void test_mutants(void)
{
	char *dir = g_build_filename(SOURCE_ROOT, "scenarios", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	g_assert_nonnull(d);
	struct tally t = {0};
	uint8_t *buf = g_malloc(MAX_SIZE);
	const char *name;
	unsigned seed = 1;
	while ((name = g_dir_read_name(d)) != NULL) {
		char *path = g_build_filename(dir, name, NULL);
		gchar *text;
		gsize len;
		g_assert_true(g_file_get_contents(path, &text, &len, NULL));
		g_assert_cmpuint(len, <=, MAX_SIZE);
		memcpy(buf, text, len);
		size_t size = len;
		for (int i = 0; i < ROUNDS; i++) {
			size = LLVMFuzzerCustomMutator(buf, size, MAX_SIZE, seed++);
			g_assert_cmpuint(size, <=, MAX_SIZE);
			t.mutants++;
			cJSON *j = cJSON_ParseWithLength((const char *)buf, size);
			bool object = cJSON_IsObject(j);
			t.objects += object;
			cJSON_Delete(j);
			validate((const char *)buf, size, &t);
			/* Restart from the scenario every few edits: libFuzzer mutates
			 * corpus inputs a few times each, it does not chain for ever. */
			if (i % 4 == 3 || !object) {
				memcpy(buf, text, len);
				size = len;
			}
		}
		g_free(text);
		g_free(path);
	}
	g_dir_close(d);
	g_test_message("%u mutants: %u JSON objects, %u valid, %u invalid, %u above a max, "
		       "%u below a min",
		       t.mutants, t.objects, t.valid, t.invalid, t.above_max, t.below_min);
	g_assert_cmpuint(t.objects, >=, t.mutants * 8 / 10);
	/* (9 % valid at the time of writing; 25 % after a single edit.) */
	g_assert_cmpuint(t.valid, >=, t.mutants / 20);
	g_assert_cmpuint(t.invalid, >=, t.mutants / 10);
	g_assert_cmpuint(t.above_max, >=, 20);
	g_assert_cmpuint(t.below_min, >=, 20);
	g_free(buf);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fuzz/scenario-mutator", test_mutants);
	return g_test_run();
}
