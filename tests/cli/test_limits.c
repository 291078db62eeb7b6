/* tests/cli/test_limits.c — values at the edge of what the scenario format documents
 * run like any other: validation's limits are the program's limits.
 */
#include <string.h>

#include <glib.h>

#include "tests/cli/netsim_run.h"

/* The largest documented ping count (2^32 − 1) used to pass validation and then
 * abort the run allocating 32 GiB (exit 133). */
static void test_ping_count_max(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(
		dir, "t.json",
		"{ \"name\": \"t\", \"duration\": \"1000s\",\n"
		"  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
		"  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", \"address\": "
		"\"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": \"10.0.0.2/24\" } ] } ],\n"
		"  \"apps\": [ { \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": "
		"4294967295, \"interval\": \"10ms\" } ] }\n"));
	/* Requests at 0, 10 ms, ..., 2 s. */
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", "--until", "2s", NULL);
	g_assert_cmpstr(r.err, ==, "");
	g_assert_cmpint(r.status, ==, 0);
	cJSON *s = read_json(dir, "results/t/summary.json");
	const cJSON *ping = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "pings"), 0);
	g_assert_cmpfloat(cJSON_GetObjectItemCaseSensitive(ping, "sent")->valuedouble, ==, 201);
	cJSON_Delete(s);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/limits/ping-count-max", test_ping_count_max);
	return g_test_run();
}
