/* tests/cli/test_cli.c — the netsim program as a user meets it: every class of bad
 * input with its exact message and exit code, --set, --seed/--until, output
 * directories and their atomic replacement, trace-hash stability, summary.json's
 * fields and types, plots.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "tests/cli/netsim_run.h"

/* A small valid scenario: A - R - B, a ping from A to B. Tests break it by replacing
 * pieces of its text, so each error is in a known place. */
static const char base_json[] =
	"{\n"
	"  \"name\": \"t\",\n"
	"  \"duration\": \"2s\",\n"
	"  \"nodes\": [\n"
	"    { \"name\": \"A\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.1.2\" } ] },\n"
	"    { \"name\": \"R\", \"type\": \"router\" },\n"
	"    { \"name\": \"B\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.2.1\" } ] }\n"
	"  ],\n"
	"  \"links\": [\n"
	"    { \"name\": \"ar\", \"ends\": [ { \"node\": \"A\", \"address\": \"10.0.1.1/24\" },\n"
	"                              { \"node\": \"R\", \"address\": \"10.0.1.2/24\" } ],\n"
	"      \"bandwidth\": \"10Mbps\", \"delay\": \"5ms\" },\n"
	"    { \"name\": \"rb\", \"ends\": [ { \"node\": \"R\", \"address\": \"10.0.2.1/24\" },\n"
	"                              { \"node\": \"B\", \"address\": \"10.0.2.2/24\" } ],\n"
	"      \"bandwidth\": \"10Mbps\", \"delay\": \"20ms\" }\n"
	"  ],\n"
	"  \"apps\": [\n"
	"    { \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": 3, \"interval\": \"100ms\" }\n"
	"  ]\n"
	"}\n";

/* base_json with each (from, to) pair of replacements applied; every `from` must
 * occur. */
static char *variant(const char *first_from, ...)
{
	GString *g = g_string_new(base_json);
	va_list ap;
	va_start(ap, first_from);
	for (const char *from = first_from; from; from = va_arg(ap, const char *)) {
		const char *to = va_arg(ap, const char *);
		g_assert_nonnull(strstr(g->str, from));
		g_string_replace(g, from, to, 1);
	}
	va_end(ap);
	return g_string_free(g, FALSE);
}

/* Writes `json` as `name` into a fresh directory, runs `netsim validate name` and
 * `netsim run name` there, and checks both exit with `status` and print exactly
 * `expected_err` on stderr. Returns nothing; asserts. */
static void expect_invalid(const char *name, const char *json, const char *expected_err)
{
	char *dir = tmpdir_new();
	char *p = write_file(dir, name, json);
	g_free(p);
	static const char *const cmds[] = {"validate", "run"};
	for (int i = 0; i < 2; i++) {
		struct netsim_result r = netsim_run(dir, NULL, cmds[i], name, NULL);
		g_assert_cmpstr(r.err, ==, expected_err);
		g_assert_cmpint(r.status, ==, 2);
		netsim_result_clear(&r);
	}
	/* Nothing was written: no results directory, no staging directory. */
	char *results = g_build_filename(dir, "results", NULL);
	g_assert_false(g_file_test(results, G_FILE_TEST_EXISTS));
	g_free(results);
	rm_rf(dir);
	g_free(dir);
}

/* ---- bad input, one class per test ----------------------------------------------- */

static void test_json_syntax(void)
{
	/* A trailing comma: line and column of the offending '}'. */
	char *j = variant("\"duration\": \"2s\",\n", "\"duration\": \"2s\",\n  \"seed\": 3,\n}\n", NULL);
	/* Cut after the injected brace so the document ends there. */
	*strstr(j, "}\n") = '\0';
	strcat(j, "}\n");
	expect_invalid("s.json", j, "s.json:5:1: trailing comma before '}'\n");
	g_free(j);

	expect_invalid("s.json", "{\n  \"name\": \"x\"\n  \"duration\": \"1s\"\n}\n",
		       "s.json:3:3: expected ',' or '}' after a value in an object, found '\"' "
		       "(missing ',')\n");
	expect_invalid("s.json", "{ \"duration\": 20ms }",
		       "s.json:1:15: values with units must be strings: write \"20ms\"\n");
	expect_invalid("s.json", "{ \"name\": \"x }",
		       "s.json:1:11: string is not closed (missing '\"')\n");
	expect_invalid("s.json", "", "s.json:1:1: the file is empty; a scenario is a JSON object\n");
	expect_invalid("s.json", "{\n  \"nodes\": [\n",
		       "s.json:3:1: unexpected end of file: the array opened at line 2, column 12 is "
		       "not closed\n");
}

static void test_not_an_object(void)
{
	expect_invalid("s.json", "[1, 2]", "s.json: expected an object, got an array\n");
}

static void test_unknown_key(void)
{
	char *j = variant("\"bandwidth\": \"10Mbps\", \"delay\": \"5ms\"",
			  "\"bandwdth\": \"10Mbps\", \"delay\": \"5ms\"", NULL);
	expect_invalid("t.json", j, "t.json: links[0].bandwdth: unknown key (did you mean \"bandwidth\"?)\n");
	g_free(j);
	j = variant("\"name\": \"t\",", "\"name\": \"t\", \"colour\": \"red\",", NULL);
	expect_invalid("t.json", j,
		       "t.json: colour: unknown key; valid keys here: name, description, seed, "
		       "duration, tcp, nodes, links, apps, capture, capture_format\n");
	g_free(j);
}

static void test_duplicate_key(void)
{
	char *j = variant("\"name\": \"t\",", "\"name\": \"t\", \"name\": \"u\",", NULL);
	expect_invalid("t.json", j, "t.json: name: duplicate key (a key may appear only once)\n");
	g_free(j);
}

static void test_wrong_type(void)
{
	char *j = variant("\"delay\": \"5ms\"", "\"delay\": \"5ms\", \"mtu\": \"1500\"", NULL);
	expect_invalid("t.json", j, "t.json: links[0].mtu: expected an integer, got \"1500\"\n");
	g_free(j);
	j = variant("\"count\": 3", "\"count\": true", NULL);
	expect_invalid("t.json", j, "t.json: apps[0].count: expected an integer, got true\n");
	g_free(j);
	j = variant("\"nodes\": [", "\"nodes\": 7, \"x\": [", NULL);
	expect_invalid("t.json", j,
		       "t.json: nodes: expected an array, got 7\n"
		       "t.json: x: unknown key; valid keys here: name, description, seed, duration, "
		       "tcp, nodes, links, apps, capture, capture_format\n");
	g_free(j);
}

static void test_bad_unit(void)
{
	/* The example of docs/scenario-format.md, to the byte. */
	char *j = variant("\"delay\": \"20ms\"", "\"delay\": \"fast\"", NULL);
	expect_invalid("lossy.json", j,
		       "lossy.json: links[1].delay: expected a duration like \"20ms\", got \"fast\"\n");
	g_free(j);
	j = variant("\"bandwidth\": \"10Mbps\", \"delay\": \"5ms\"",
		    "\"bandwidth\": \"10 Mbps\", \"delay\": \"5ms\"", NULL);
	expect_invalid("t.json", j,
		       "t.json: links[0].bandwidth: expected a rate like \"10Mbps\" (bits per second: "
		       "bps, kbps, Mbps, Gbps, Tbps, bit/s, kbit/s, Mbit/s, Gbit/s, Tbit/s, or tc's "
		       "bit, kbit, mbit, gbit, tbit; bytes per second: B/s, kB/s, MB/s, GB/s, KiB/s, "
		       "MiB/s, GiB/s), got \"10 Mbps\"\n");
	g_free(j);
	j = variant("\"bandwidth\": \"10Mbps\", \"delay\": \"5ms\"",
		    "\"bandwidth\": \"10mbps\", \"delay\": \"5ms\"", NULL);
	expect_invalid("t.json", j,
		       "t.json: links[0].bandwidth: is ambiguous: tc's \"mbps\" means megabytes per "
		       "second, netsim's \"Mbps\" megabits; write \"Mbit/s\" (bits) or \"MB/s\" "
		       "(bytes), got \"10mbps\"\n");
	g_free(j);
	j = variant("\"delay\": \"5ms\"", "\"delay\": \"5ms\", \"queue\": \"64 KiB\"", NULL);
	expect_invalid("t.json", j,
		       "t.json: links[0].queue: expected a size like \"64KiB\" or a byte count, got "
		       "\"64 KiB\"\n");
	g_free(j);
	j = variant("\"delay\": \"5ms\"", "\"delay\": \"5ms\", \"loss\": \"one percent\"", NULL);
	expect_invalid("t.json", j,
		       "t.json: links[0].loss: expected a probability like \"1%\", got \"one "
		       "percent\"\n");
	g_free(j);
	j = variant("\"duration\": \"2s\"", "\"duration\": \"-2s\"", NULL);
	expect_invalid("t.json", j, "t.json: duration: must not be negative, got \"-2s\"\n");
	g_free(j);
}

static void test_out_of_range(void)
{
	char *j = variant("\"bandwidth\": \"10Mbps\", \"delay\": \"5ms\"",
			  "\"bandwidth\": \"0Mbps\", \"delay\": \"5ms\"", NULL);
	expect_invalid("t.json", j, "t.json: links[0].bandwidth: must be greater than 0, got \"0Mbps\"\n");
	g_free(j);
	j = variant("\"delay\": \"5ms\"", "\"delay\": \"5ms\", \"mtu\": 60", NULL);
	expect_invalid("t.json", j, "t.json: links[0].mtu: must be at least 68, got 60\n");
	g_free(j);
	j = variant("\"delay\": \"20ms\"", "\"delay\": \"20ms\", \"forward\": { \"loss\": \"150%\" }",
		    NULL);
	expect_invalid("t.json", j,
		       "t.json: links[1].forward.loss: must lie between 0% and 100%, got \"150%\"\n");
	g_free(j);
	j = variant("\"count\": 3", "\"count\": 0", NULL);
	expect_invalid("t.json", j, "t.json: apps[0].count: must be at least 1, got 0\n");
	g_free(j);
	j = variant("\"duration\": \"2s\"", "\"duration\": \"0\"", NULL);
	expect_invalid("t.json", j, "t.json: duration: must be greater than 0, got \"0\"\n");
	g_free(j);
}

static void test_missing_key(void)
{
	char *j = variant("  \"duration\": \"2s\",\n", "", NULL);
	expect_invalid("t.json", j, "t.json: missing required key \"duration\"\n");
	g_free(j);
	j = variant("{ \"type\": \"ping\", ", "{ ", NULL);
	expect_invalid("t.json", j,
		       "t.json: apps[0]: missing required key \"type\" (one of bulk, echo, "
		       "request_response, http, simultaneous_open, ping, udp, syn_flood)\n");
	g_free(j);
}

static void test_dangling_node(void)
{
	char *j = variant("{ \"node\": \"B\", \"address\": \"10.0.2.2/24\" }",
			  "{ \"node\": \"C\", \"address\": \"10.0.2.2/24\" }", NULL);
	/* B then has no address: its route's gateway and the ping's target follow. */
	expect_invalid("t.json", j,
		       "t.json: nodes[2].routes[0].via: gateway 10.0.2.1 is not on a subnet of B's "
		       "interfaces\n"
		       "t.json: links[1].ends[1].node: unknown node \"C\" (nodes: A, R, B)\n"
		       "t.json: apps[0].to: node B has no address to reach it by\n");
	g_free(j);
	j = variant("\"to\": \"B\", \"count\"", "\"to\": \"Bee\", \"count\"", NULL);
	expect_invalid("t.json", j, "t.json: apps[0].to: unknown node \"Bee\" (nodes: A, R, B)\n");
	g_free(j);
}

static void test_duplicate_address(void)
{
	char *j = variant("{ \"node\": \"B\", \"address\": \"10.0.2.2/24\" }",
			  "{ \"node\": \"B\", \"address\": \"10.0.2.1/24\" }", NULL);
	expect_invalid("t.json", j,
		       "t.json: links[1].ends[1].address: duplicate address 10.0.2.1 (already on R "
		       "eth1, links[1].ends[0])\n");
	g_free(j);
}

static void test_outside_subnet(void)
{
	char *j = variant("{ \"node\": \"B\", \"address\": \"10.0.2.2/24\" }",
			  "{ \"node\": \"B\", \"address\": \"10.0.3.2/24\" }", NULL);
	expect_invalid("t.json", j,
		       "t.json: nodes[2].routes[0].via: gateway 10.0.2.1 is not on a subnet of B's "
		       "interfaces\n"
		       "t.json: links[1].ends[1].address: 10.0.3.2/24 is not in the link's subnet "
		       "10.0.2.0/24 (the other end is 10.0.2.1/24)\n");
	g_free(j);
	j = variant("\"address\": \"10.0.1.1/24\"", "\"address\": \"10.0.1.0/24\"", NULL);
	expect_invalid("t.json", j,
		       "t.json: links[0].ends[0].address: 10.0.1.0/24: is the subnet's network "
		       "address; use a host address\n");
	g_free(j);
}

static void test_unroutable(void)
{
	/* Without its default route A cannot reach B's subnet. */
	char *j = variant("{ \"name\": \"A\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.1.2\" } ] }",
			  "{ \"name\": \"A\" }", NULL);
	expect_invalid("t.json", j,
		       "t.json: apps[0].to: no route from A to 10.0.2.2: A has no route to "
		       "10.0.2.2\n");
	g_free(j);
	/* Without B's, the replies cannot come back. */
	j = variant("{ \"name\": \"B\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.2.1\" } ] }",
		    "{ \"name\": \"B\" }", NULL);
	expect_invalid("t.json", j,
		       "t.json: apps[0].from: no route back from B to A's address 10.0.1.1: B has no "
		       "route to 10.0.1.1\n");
	g_free(j);
	/* A host in the middle does not forward. */
	j = variant("{ \"name\": \"R\", \"type\": \"router\" }", "{ \"name\": \"R\" }", NULL);
	expect_invalid("t.json", j,
		       "t.json: apps[0].to: no route from A to 10.0.2.2: R is a host and does not "
		       "forward to 10.0.2.2\n");
	g_free(j);
	/* 0.0.0.0 is refused as a destination, also where routes are not checked (a
	 * ping to it passed validation and then aborted the run: found by
	 * fuzz_scenario_run). */
	j = variant("\"to\": \"B\", \"count\": 3",
		    "\"address\": \"0.0.0.0\", \"count\": 3, \"check_route\": false", NULL);
	expect_invalid("t.json", j,
		       "t.json: apps[0].address: 0.0.0.0 is the unspecified address, never a "
		       "destination\n");
	g_free(j);
	/* check_route: false lets a scenario show unreachability on purpose. */
	j = variant("{ \"name\": \"B\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.2.1\" } ] }",
		    "{ \"name\": \"B\" }", "\"count\": 3", "\"count\": 3, \"check_route\": false",
		    NULL);
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", j));
	struct netsim_result r = netsim_run(dir, NULL, "validate", "t.json", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.out, ==, "t.json: valid (3 nodes, 2 links, 1 apps)\n");
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
	g_free(j);
}

/* Server bindings name the application they conflict with by its place in "apps",
 * also when invalid applications before it were skipped by the conversion (which
 * once indexed the converted list with the JSON position: past its end here). */
static void test_binding_conflict(void)
{
	GString *apps = g_string_new(NULL);
	for (int i = 0; i < 6; i++)
		g_string_append_printf(apps, "    { \"type\": \"nope%d\", \"from\": \"A\" },\n", i);
	char *tail = g_strdup_printf(
		"%s"
		"    { \"type\": \"bulk\", \"name\": \"first\", \"from\": \"A\", \"to\": \"B\" },\n"
		"    { \"type\": \"bulk\", \"name\": \"second\", \"from\": \"A\", \"to\": \"B\", "
		"\"port\": 5001, \"server_tcp\": { \"rcvbuf\": \"64KiB\" } },\n"
		"    { \"type\": \"udp\", \"name\": \"u1\", \"from\": \"A\", \"to\": \"B\" },\n"
		"    { \"type\": \"udp\", \"name\": \"u2\", \"from\": \"A\", \"to\": \"B\", \"port\": 9 }\n",
		apps->str);
	char *j = variant("    { \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": 3, "
			  "\"interval\": \"100ms\" }\n",
			  tail, NULL);
	GString *want = g_string_new(NULL);
	for (int i = 0; i < 6; i++)
		g_string_append_printf(want,
				       "t.json: apps[%d].type: expected one of bulk, echo, "
				       "request_response, http, simultaneous_open, ping, udp, syn_flood, got "
				       "\"nope%d\"\n",
				       i, i);
	g_string_append(want, "t.json: apps[7].port: shares the listener on B port 5001 with "
			      "apps[6] (first), so its server_tcp must be the same\n"
			      "t.json: apps[9].port: UDP port 9 on B is already used by apps[8] (u1)\n");
	expect_invalid("t.json", j, want->str);
	g_free(j);

	/* A simultaneous open from a node to itself is one error, not also a conflict
	 * of its two ends' ports. */
	j = variant("\"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": 3, "
		    "\"interval\": \"100ms\"",
		    "\"type\": \"simultaneous_open\", \"name\": \"so\", \"from\": \"A\", "
		    "\"to\": \"A\"",
		    NULL);
	expect_invalid("t.json", j,
		       "t.json: apps[0].to: simultaneous open needs two different nodes\n");
	g_string_free(want, TRUE);
	g_string_free(apps, TRUE);
	g_free(tail);
	g_free(j);
}

/* A route's gateway must be a next hop the node reaches directly, resolved as
 * route_add() resolves it; each of these passed validation and then failed to build
 * the world (found by fuzz_scenario_run). */
static void test_bad_gateway(void)
{
	/* 0.0.0.0 is "on" A's subnet when the prefix is short enough. */
	char *j = variant("\"10.0.1.1/24\"", "\"10.0.1.1/4\"",
			  "\"via\": \"10.0.1.2\"", "\"via\": \"0.0.0.0\"", NULL);
	expect_invalid("t.json", j,
		       "t.json: nodes[0].routes[0].via: gateway 0.0.0.0 is not an address a next "
		       "hop can have\n");
	g_free(j);
	/* A gateway whose longest match is an earlier route through another gateway. */
	j = variant("\"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.1.2\" } ]",
		    "\"routes\": [ { \"to\": \"10.0.1.0/28\", \"via\": \"10.0.1.2\" },"
		    " { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.1.9\" } ]",
		    NULL);
	expect_invalid("t.json", j,
		       "t.json: nodes[0].routes[1].via: gateway 10.0.1.9 is reached through "
		       "routes[0] (via another gateway), not directly\n");
	g_free(j);
	/* A gateway on the named dev's subnet whose longest match is another interface. */
	j = variant("\"10.0.2.1/24\"", "\"10.0.2.1/8\"",
		    "{ \"name\": \"R\", \"type\": \"router\" }",
		    "{ \"name\": \"R\", \"type\": \"router\", \"routes\": [ { \"to\": "
		    "\"192.168.0.0/16\", \"via\": \"10.0.1.1\", \"dev\": \"eth1\" } ] }",
		    NULL);
	expect_invalid("t.json", j,
		       "t.json: nodes[1].routes[0].via: gateway 10.0.1.1 is not on a subnet of R's "
		       "interfaces (or not on the given dev)\n");
	g_free(j);
}

static void test_unknown_cc(void)
{
	char *j = variant("\"duration\": \"2s\",", "\"duration\": \"2s\", \"tcp\": { \"cc\": \"vegas\" },",
			  NULL);
	expect_invalid("t.json", j, "t.json: tcp.cc: expected one of reno, newreno, cubic, dctcp, got \"vegas\"\n");
	g_free(j);
	j = variant("\"duration\": \"2s\",",
		    "\"duration\": \"2s\", \"tcp\": { \"profile\": \"bsd\", \"rto_min\": \"fast\" },",
		    NULL);
	expect_invalid("t.json", j,
		       "t.json: tcp.profile: expected one of linux, rfc, got \"bsd\"\n"
		       "t.json: tcp.rto_min: expected a duration like \"20ms\", got \"fast\"\n");
	g_free(j);
}

static void test_all_errors_in_document_order(void)
{
	/* Five errors of different classes, found by different passes (schema, links,
	 * routes, apps), reported together in the order they appear in the file. */
	char *j = variant("\"duration\": \"2s\"", "\"duration\": \"2 s\"",
			  "{ \"name\": \"R\", \"type\": \"router\" }",
			  "{ \"name\": \"R\", \"type\": \"switch\" }",
			  "{ \"node\": \"B\", \"address\": \"10.0.2.2/24\" }",
			  "{ \"node\": \"B\", \"address\": \"10.0.1.1/24\" }",
			  "\"delay\": \"20ms\"", "\"delay\": \"20ms\", \"mtu\": 9",
			  "\"interval\": \"100ms\"", "\"interval\": \"100ms\", \"sise\": 5", NULL);
	expect_invalid("t.json", j,
		       "t.json: duration: expected a duration like \"20ms\", got \"2 s\"\n"
		       "t.json: nodes[1].type: expected one of host, router, got \"switch\"\n"
		       "t.json: nodes[2].routes[0].via: gateway 10.0.2.1 is not on a subnet of B's "
		       "interfaces\n"
		       "t.json: links[1].ends[1].address: duplicate address 10.0.1.1 (already on A "
		       "eth0, links[0].ends[0])\n"
		       "t.json: links[1].ends[1].address: 10.0.1.1/24 is not in the link's subnet "
		       "10.0.2.0/24 (the other end is 10.0.2.1/24)\n"
		       "t.json: links[1].mtu: must be at least 68, got 9\n"
		       "t.json: apps[0].sise: unknown key (did you mean \"size\"?)\n");
	g_free(j);
}

static void test_missing_file(void)
{
	char *dir = tmpdir_new();
	struct netsim_result r = netsim_run(dir, NULL, "run", "nope.json", NULL);
	g_assert_cmpstr(r.err, ==, "nope.json: cannot read: no such file\n");
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

static void test_bad_options(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", base_json));
	static const struct {
		const char *args[6];
		const char *err;
	} cases[] = {
		{{"run", "t.json", "--seed", "abc", NULL},
		 "netsim run: --seed: expected an integer from 0 to 18446744073709551615, got \"abc\"\n"},
		{{"run", "t.json", "--seed", "-1", NULL},
		 "netsim run: --seed: expected an integer from 0 to 18446744073709551615, got \"-1\"\n"},
		{{"run", "t.json", "--until", "5parsecs", NULL},
		 "netsim run: --until: expected a duration like \"20ms\", got \"5parsecs\"\n"},
		{{"run", "t.json", "--until", "0", NULL},
		 "netsim run: --until: must be greater than 0, got \"0\"\n"},
		{{"run", "t.json", "--format", "gif", NULL},
		 "netsim run: --format: expected png or svg, got \"gif\"\n"},
		{{"run", "t.json", "--bogus", NULL},
		 "netsim run: Unknown option --bogus\nTry 'netsim run --help'.\n"},
		{{"run", NULL},
		 "netsim run: expected one scenario file, got 0 arguments\nTry 'netsim run --help'.\n"},
		{{"run", "t.json", "u.json", NULL},
		 "netsim run: expected one scenario file, got 2 arguments\nTry 'netsim run --help'.\n"},
		{{"validate", "t.json", "--seed", "1", NULL},
		 "netsim validate: Unknown option --seed\nTry 'netsim validate --help'.\n"},
		{{"plot", "a", "b", NULL},
		 "netsim plot: expected one results directory, got 2 arguments\nTry 'netsim plot "
		 "--help'.\n"},
		{{"frobnicate", NULL}, NULL},
	};
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct netsim_result r = netsim_runv(dir, NULL, cases[i].args);
		if (cases[i].err)
			g_assert_cmpstr(r.err, ==, cases[i].err);
		else
			g_assert_true(g_str_has_prefix(r.err, "netsim: unknown command \"frobnicate\"\n"));
		g_assert_cmpint(r.status, ==, 2);
		netsim_result_clear(&r);
	}
	static const char *const none[] = {NULL};
	struct netsim_result r = netsim_runv(dir, NULL, none);
	g_assert_true(g_str_has_prefix(r.err, "Usage:"));
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

static void test_help_version(void)
{
	char *dir = tmpdir_new();
	struct netsim_result r = netsim_run(dir, NULL, "--help", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(g_str_has_prefix(r.out, "Usage:\n  netsim run SCENARIO.json"));
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "--version", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(g_str_has_prefix(r.out, "netsim "));
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "run", "--help", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "--set=PATH=VALUE"));
	g_assert_nonnull(strstr(r.out, "--until=DURATION"));
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

/* ---- --set ------------------------------------------------------------------------ */

static cJSON *link_dir(cJSON *summary, const char *name, const char *direction)
{
	cJSON *links = cJSON_GetObjectItemCaseSensitive(summary, "links");
	cJSON *l;
	cJSON_ArrayForEach(l, links)
	{
		if (!strcmp(cJSON_GetObjectItemCaseSensitive(l, "name")->valuestring, name) &&
		    !strcmp(cJSON_GetObjectItemCaseSensitive(l, "direction")->valuestring, direction))
			return l;
	}
	g_assert_not_reached();
	return NULL;
}

static int jint(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	g_assert_true(cJSON_IsNumber(v));
	return v->valueint;
}

static void test_set(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", base_json));

	/* An object where the file has nothing, at depth: drop the 2nd packet R → B. */
	struct netsim_result r = netsim_run(
		dir, NULL, "run", "t.json", "--out", "o1", "--set",
		"links[1].forward.loss={\"model\": \"drop-list\", \"packets\": [2]}", NULL);
	g_assert_cmpint(r.status, ==, 0);
	cJSON *s = read_json(dir, "o1/summary.json");
	g_assert_nonnull(s);
	g_assert_cmpint(jint(link_dir(s, "rb", "forward"), "lost"), ==, 1);
	g_assert_cmpint(jint(link_dir(s, "rb", "reverse"), "lost"), ==, 0);
	cJSON *ping = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "pings"), 0);
	g_assert_cmpint(jint(ping, "received"), ==, 2);
	cJSON_Delete(s);
	netsim_result_clear(&r);

	/* The same key replaced by a value of another type (object → string), later
	 * --set winning; and a plain number for a string-valued key of the file. */
	r = netsim_run(dir, NULL, "run", "t.json", "--out", "o2", "--set",
		       "links[1].forward.loss={\"model\": \"drop-list\", \"packets\": [2]}", "--set",
		       "links[1].forward.loss=100%", "--set", "apps[0].count=4", NULL);
	g_assert_cmpint(r.status, ==, 0);
	s = read_json(dir, "o2/summary.json");
	ping = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "pings"), 0);
	g_assert_cmpint(jint(ping, "sent"), ==, 4);
	g_assert_cmpint(jint(ping, "received"), ==, 0);
	g_assert_cmpint(jint(link_dir(s, "rb", "forward"), "lost"), ==, 4);
	cJSON_Delete(s);
	netsim_result_clear(&r);

	/* Errors: a path the schema does not have, an element that does not exist, a
	 * value that does not validate (reported with where it came from). */
	r = netsim_run(dir, NULL, "validate", "t.json", "--set", "links[1].forwrd.loss=2%", NULL);
	g_assert_cmpstr(r.err, ==,
			"t.json: --set links[1].forwrd.loss=2%: links[1].forwrd: unknown key (did you "
			"mean \"forward\"?)\n");
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "validate", "t.json", "--set", "links[5].delay=1ms", NULL);
	g_assert_cmpstr(r.err, ==,
			"t.json: --set links[5].delay=1ms: links[5]: no such element (the array has 2 "
			"elements)\n");
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "validate", "t.json", "--set", "links[1].delay=fast", NULL);
	g_assert_cmpstr(r.err, ==,
			"t.json: links[1].delay: expected a duration like \"20ms\", got \"fast\" (from "
			"--set links[1].delay=fast)\n");
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "run", "t.json", "--set", "seed", NULL);
	g_assert_cmpstr(r.err, ==,
			"t.json: --set seed: expected PATH=VALUE (e.g. links[1].loss=2%), got "
			"\"seed\"\n");
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "run", "t.json", "--set", "links[0].name.x=1", NULL);
	g_assert_cmpstr(r.err, ==,
			"t.json: --set links[0].name.x=1: links[0].name is \"ar\", which has no key "
			"\"x\"\n");
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);

	/* A new object inside a tagged variant: the model's own keys are known. */
	r = netsim_run(dir, NULL, "validate", "t.json", "--set",
		       "links[0].loss={\"model\": \"gilbert-elliott\", \"p\": \"1%\"}", "--set",
		       "links[0].loss.r=20%", NULL);
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "validate", "t.json", "--set",
		       "links[0].loss={\"model\": \"gilbert-elliott\", \"p\": \"1%\"}", "--set",
		       "links[0].loss.packets=[1]", NULL);
	g_assert_cmpstr(r.err, ==,
			"t.json: --set links[0].loss.packets=[1]: links[0].loss.packets: unknown key; "
			"valid keys here: p, r, 1-h, 1-k\n");
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

/* ---- runs ----------------------------------------------------------------------------- */

static void test_seed_until(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", base_json));
	struct netsim_result r =
		netsim_run(dir, NULL, "run", "t.json", "--seed", "7", "--until", "250ms", NULL);
	g_assert_cmpint(r.status, ==, 0);
	cJSON *s = read_json(dir, "results/t/summary.json");
	g_assert_cmpint(jint(s, "seed"), ==, 7);
	g_assert_cmpfloat(cJSON_GetObjectItemCaseSensitive(s, "sim_time_s")->valuedouble, ==, 0.25);
	/* Three pings every 100 ms from 0: the third leaves at 200 ms and its reply
	 * (about 50 ms) arrives just before 250 ms. */
	cJSON *ping = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "pings"), 0);
	g_assert_cmpint(jint(ping, "sent"), ==, 3);
	cJSON_Delete(s);
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "run", "t.json", "--until", "120ms", NULL);
	s = read_json(dir, "results/t/summary.json");
	ping = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "pings"), 0);
	g_assert_cmpint(jint(ping, "sent"), ==, 2);
	g_assert_cmpint(jint(ping, "received"), ==, 1);
	g_assert_cmpint(jint(s, "seed"), ==, 1);
	cJSON_Delete(s);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

static void test_default_out_dir(void)
{
	char *dir = tmpdir_new();
	/* Named after "name"... */
	g_free(write_file(dir, "file-stem.json", base_json));
	struct netsim_result r = netsim_run(dir, NULL, "run", "file-stem.json", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "results: results/t\n"));
	char *p = g_build_filename(dir, "results", "t", "summary.json", NULL);
	g_assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	g_free(p);
	netsim_result_clear(&r);
	/* ... else after the file's stem. */
	char *j = variant("  \"name\": \"t\",\n", "", NULL);
	g_free(write_file(dir, "file-stem.json", j));
	g_free(j);
	r = netsim_run(dir, NULL, "run", "file-stem.json", NULL);
	g_assert_cmpint(r.status, ==, 0);
	p = g_build_filename(dir, "results", "file-stem", "summary.json", NULL);
	g_assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	g_free(p);
	cJSON *s = read_json(dir, "results/file-stem/summary.json");
	g_assert_cmpstr(cJSON_GetObjectItemCaseSensitive(s, "scenario")->valuestring, ==, "file-stem");
	cJSON_Delete(s);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

static void test_atomic_replacement(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", base_json));
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", "--out", "out", NULL);
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	char *before = read_text(dir, "out/summary.json");
	char *ping_before = read_text(dir, "out/ping1.ping.tsv");
	g_assert_nonnull(before);

	/* A run killed outright mid-run (a UDP source far too long to finish) leaves the
	 * previous results as they were. (A run stopped by SIGINT or SIGTERM writes what
	 * it ran instead: tests/cli/test_stop.c.) */
	char *long_json = variant("\"apps\": [",
				  "\"apps\": [ { \"type\": \"udp\", \"from\": \"A\", \"to\": \"B\", "
				  "\"rate\": \"9Mbps\" },",
				  "\"duration\": \"2s\"", "\"duration\": \"100000s\"", NULL);
	g_free(write_file(dir, "long.json", long_json));
	g_free(long_json);
	const char *prog = g_getenv("NETSIM");
	char *argv[] = {(char *)prog, "run", "long.json", "--out", "out", NULL};
	GPid pid;
	GError *e = NULL;
	g_spawn_async(dir, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
		      NULL, &pid, &e);
	g_assert_no_error(e);
	g_usleep(700 * 1000);
	/* While it runs, the old results are untouched and its files are staged aside. */
	g_assert_cmpint(hidden_entries(dir), ==, 1);
	kill(pid, SIGKILL);
	int status;
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFSIGNALED(status));
	char *after = read_text(dir, "out/summary.json");
	char *ping_after = read_text(dir, "out/ping1.ping.tsv");
	g_assert_cmpstr(after, ==, before);
	g_assert_cmpstr(ping_after, ==, ping_before);
	g_free(after);
	g_free(ping_after);

	/* A directory that is not netsim's is never replaced. */
	char *other = g_build_filename(dir, "mine", NULL);
	g_mkdir(other, 0755);
	g_free(write_file(other, "notes.txt", "keep me"));
	r = netsim_run(dir, NULL, "run", "t.json", "--out", "mine", NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_cmpstr(r.err, ==,
			"netsim run: mine: not a netsim results directory (no .netsim-results "
			"file); netsim replaces only directories it created: choose another "
			"--out or empty it\n");
	char *notes = read_text(dir, "mine/notes.txt");
	g_assert_cmpstr(notes, ==, "keep me");
	g_free(notes);
	netsim_result_clear(&r);

	/* A successful run replaces the old one completely: a file only the old run had
	 * is gone. */
	g_free(write_file(dir, "out/stale.tsv", "time_s\n"));
	r = netsim_run(dir, NULL, "run", "t.json", "--out", "out", NULL);
	g_assert_cmpint(r.status, ==, 0);
	char *stale = g_build_filename(dir, "out", "stale.tsv", NULL);
	g_assert_false(g_file_test(stale, G_FILE_TEST_EXISTS));
	g_free(stale);
	netsim_result_clear(&r);

	g_free(other);
	g_free(before);
	g_free(ping_before);
	rm_rf(dir);
	g_free(dir);
}

static void test_trace_hash(void)
{
	char *dir = tmpdir_new();
	/* Random loss so the seed matters. */
	char *j = variant("\"delay\": \"20ms\"", "\"delay\": \"20ms\", \"loss\": \"30%\"",
			  "\"count\": 3", "\"count\": 20", NULL);
	g_free(write_file(dir, "t.json", j));
	g_free(j);
	struct netsim_result a = netsim_run(dir, NULL, "run", "t.json", "--out", "a", NULL);
	struct netsim_result b = netsim_run(dir, NULL, "run", "t.json", "--out", "b", NULL);
	struct netsim_result c =
		netsim_run(dir, NULL, "run", "t.json", "--out", "c", "--seed", "2", NULL);
	g_assert_cmpint(a.status + b.status + c.status, ==, 0);
	char *ha = trace_hash_of(a.out), *hb = trace_hash_of(b.out), *hc = trace_hash_of(c.out);
	g_assert_nonnull(ha);
	g_assert_cmpuint(strlen(ha), ==, 64);
	g_assert_cmpstr(ha, ==, hb);
	g_assert_cmpstr(ha, !=, hc);
	/* The hash is the last line of the output. */
	g_assert_true(g_str_has_suffix(a.out, "\n") && strstr(a.out, "trace-hash: ") ==
			      a.out + strlen(a.out) - strlen("trace-hash: ") - 65);
	/* summary.json differs between a and b only in wall_s. */
	cJSON *sa = read_json(dir, "a/summary.json"), *sb = read_json(dir, "b/summary.json");
	cJSON_DeleteItemFromObjectCaseSensitive(sa, "wall_s");
	cJSON_DeleteItemFromObjectCaseSensitive(sb, "wall_s");
	g_assert_true(cJSON_Compare(sa, sb, true));
	cJSON_Delete(sa);
	cJSON_Delete(sb);
	g_free(ha);
	g_free(hb);
	g_free(hc);
	netsim_result_clear(&a);
	netsim_result_clear(&b);
	netsim_result_clear(&c);
	rm_rf(dir);
	g_free(dir);
}

/* ---- summary.json --------------------------------------------------------------------- */

static void assert_integer(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble ||
	    v->valuedouble < 0)
		g_error("summary.json: \"%s\" is not a non-negative integer", key);
}

static void assert_number(const cJSON *o, const char *key)
{
	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, key)))
		g_error("summary.json: \"%s\" is not a number", key);
}

static void assert_string(const cJSON *o, const char *key)
{
	if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, key)))
		g_error("summary.json: \"%s\" is not a string", key);
}

static void test_summary_fields(void)
{
	char *dir = tmpdir_new();
	char *j = variant("\"apps\": [",
			  "\"apps\": [ { \"type\": \"udp\", \"from\": \"A\", \"to\": \"B\", "
			  "\"rate\": \"1Mbps\", \"stop\": \"1s\" },",
			  NULL);
	g_free(write_file(dir, "t.json", j));
	g_free(j);
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", NULL);
	g_assert_cmpint(r.status, ==, 0);
	cJSON *s = read_json(dir, "results/t/summary.json");
	g_assert_nonnull(s);
	assert_string(s, "scenario");
	assert_integer(s, "seed");
	assert_number(s, "sim_time_s");
	assert_integer(s, "events");
	assert_integer(s, "link_transmissions");
	assert_number(s, "wall_s");
	g_assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "tcp")));
	const cJSON *tcp = cJSON_GetObjectItemCaseSensitive(s, "tcp");
	g_assert_cmpstr(cJSON_GetObjectItemCaseSensitive(tcp, "profile")->valuestring, ==, "linux");
	g_assert_cmpstr(cJSON_GetObjectItemCaseSensitive(tcp, "cc")->valuestring, ==, "cubic");
	g_assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(s, "flows")));

	const cJSON *links = cJSON_GetObjectItemCaseSensitive(s, "links");
	g_assert_cmpint(cJSON_GetArraySize(links), ==, 4);
	const cJSON *l;
	long long tx = 0;
	cJSON_ArrayForEach(l, links)
	{
		assert_string(l, "name");
		assert_string(l, "direction");
		assert_string(l, "from");
		assert_string(l, "to");
		static const char *const counts[] = {"tx_packets", "tx_bytes", "queue_drops", "lost",
						     "corrupted", "duplicated", "delivered"};
		for (gsize i = 0; i < G_N_ELEMENTS(counts); i++)
			assert_integer(l, counts[i]);
		tx += cJSON_GetObjectItemCaseSensitive(l, "tx_packets")->valueint;
	}
	g_assert_cmpint(tx, ==, cJSON_GetObjectItemCaseSensitive(s, "link_transmissions")->valueint);

	const cJSON *ping = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "pings"), 0);
	assert_string(ping, "name");
	assert_integer(ping, "sent");
	assert_integer(ping, "received");
	const cJSON *rtt = cJSON_GetObjectItemCaseSensitive(ping, "rtt_ms");
	assert_number(rtt, "min");
	assert_number(rtt, "mean");
	assert_number(rtt, "max");

	const cJSON *udp = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "udp"), 0);
	assert_integer(udp, "sent_packets");
	assert_integer(udp, "received_packets");
	assert_number(udp, "goodput_bps");
	/* 1 Mbit/s of 1000-byte payloads for 1 s: 125 datagrams, all delivered. */
	g_assert_cmpint(cJSON_GetObjectItemCaseSensitive(udp, "sent_packets")->valueint, ==, 125);
	g_assert_cmpint(cJSON_GetObjectItemCaseSensitive(udp, "received_packets")->valueint, ==, 125);

	/* The human summary names the same things. */
	g_assert_nonnull(strstr(r.out, "pings:\n  ping1 "));
	g_assert_nonnull(strstr(r.out, "udp:\n  udp1 "));
	cJSON_Delete(s);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

/* ---- plots ------------------------------------------------------------------------------ */

static void test_plot(void)
{
	char *dir = tmpdir_new();
	/* A UDP source faster than the link fills A's queue (traced); two traced bulk
	 * transfers make the goodput overlay. */
	char *j = variant("\"delay\": \"5ms\"", "\"delay\": \"5ms\", \"trace\": true",
			  "\"apps\": [",
			  "\"apps\": [ { \"type\": \"udp\", \"from\": \"A\", \"to\": \"B\", "
			  "\"rate\": \"12Mbps\", \"stop\": \"500ms\" },"
			  " { \"type\": \"bulk\", \"from\": \"A\", \"to\": \"B\", "
			  "\"bytes\": \"100KB\", \"trace\": [\"seq\"] },"
			  " { \"type\": \"bulk\", \"from\": \"A\", \"to\": \"B\", \"port\": 5002, "
			  "\"bytes\": \"100KB\", \"trace\": [\"seq\"] },",
			  NULL);
	g_free(write_file(dir, "t.json", j));
	g_free(j);

	/* gnuplot missing: a clear error, exit 1, results untouched. */
	static const char *const no_gnuplot[] = {"NETSIM_GNUPLOT=netsim-no-such-gnuplot", NULL};
	struct netsim_result r = netsim_run(dir, no_gnuplot, "run", "t.json", "--plot", NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_cmpstr(r.err, ==,
			"netsim run: plot: gnuplot is not installed (on Debian: apt-get install "
			"gnuplot-nox); the results in results/t are complete, only the graphs are "
			"missing\n");
	char *p = g_build_filename(dir, "results", "t", "summary.json", NULL);
	g_assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
	g_free(p);
	netsim_result_clear(&r);

	r = netsim_run(dir, NULL, "plot", "nowhere", NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_cmpstr(r.err, ==,
			"netsim plot: nowhere: not a netsim results directory (no readable "
			"summary.json)\n");
	netsim_result_clear(&r);

	char *gnuplot = g_find_program_in_path("gnuplot");
	if (!gnuplot) {
		g_test_skip("gnuplot is not installed");
	} else {
		r = netsim_run(dir, NULL, "plot", "results/t", "--format", "svg", NULL);
		g_assert_cmpint(r.status, ==, 0);
		static const char *const files[] = {"ping1.ping.svg", "link.ar.forward.queue.svg",
						    "goodput-overlay.svg", "plot-all.gp"};
		for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
			p = g_build_filename(dir, "results", "t", "plots", files[i], NULL);
			g_assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
			g_free(p);
		}
		/* The kept driver names plots/, never the staging folder it was drawn in
		 * (the overlay's file list included), so it can be re-run by hand. */
		p = g_build_filename(dir, "results", "t", "plots", "plot-all.gp", NULL);
		gchar *driver = NULL;
		g_assert_true(g_file_get_contents(p, &driver, NULL, NULL));
		g_assert_null(strstr(driver, ".plots.tmp-"));
		g_assert_nonnull(strstr(driver, " plots/flow2.sender.goodput.tsv'"));
		g_free(driver);
		g_free(p);
		netsim_result_clear(&r);
		/* Plots are derived: they do not change the trace hash. */
		r = netsim_run(dir, NULL, "run", "t.json", NULL);
		char *h1 = trace_hash_of(r.out);
		netsim_result_clear(&r);
		r = netsim_run(dir, NULL, "run", "t.json", "--plot", NULL);
		g_assert_cmpint(r.status, ==, 0);
		char *h2 = trace_hash_of(r.out);
		g_assert_cmpstr(h1, ==, h2);
		p = g_build_filename(dir, "results", "t", "plots", "ping1.ping.png", NULL);
		g_assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
		g_free(p);
		g_free(h1);
		g_free(h2);
		netsim_result_clear(&r);
	}
	g_free(gnuplot);
	rm_rf(dir);
	g_free(dir);
}

/* ---- docs ------------------------------------------------------------------------------- */

/* docs/scenario-format.md carries the generated key reference between two markers;
 * it must equal what `netsim schema` prints now. */
static void test_schema_doc_in_sync(void)
{
	char *dir = tmpdir_new();
	struct netsim_result r = netsim_run(dir, NULL, "schema", NULL);
	g_assert_cmpint(r.status, ==, 0);
	char *doc_path = g_build_filename(source_root(), "docs", "scenario-format.md", NULL);
	gchar *doc = NULL;
	g_assert_true(g_file_get_contents(doc_path, &doc, NULL, NULL));
	const char *begin = strstr(doc, "<!-- BEGIN GENERATED: netsim schema -->\n");
	const char *end = strstr(doc, "<!-- END GENERATED -->");
	g_assert_nonnull(begin);
	g_assert_nonnull(end);
	begin += strlen("<!-- BEGIN GENERATED: netsim schema -->\n");
	char *section = g_strndup(begin, (gsize)(end - begin));
	if (strcmp(section, r.out) != 0)
		g_error("docs/scenario-format.md is out of date: regenerate its reference with "
			"tests/cli/update-scenario-doc.sh");
	g_free(section);
	g_free(doc);
	g_free(doc_path);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* Report every mismatch of a test, not just the first. */
	g_test_set_nonfatal_assertions();
	g_test_add_func("/cli/invalid/json-syntax", test_json_syntax);
	g_test_add_func("/cli/invalid/not-an-object", test_not_an_object);
	g_test_add_func("/cli/invalid/unknown-key", test_unknown_key);
	g_test_add_func("/cli/invalid/duplicate-key", test_duplicate_key);
	g_test_add_func("/cli/invalid/wrong-type", test_wrong_type);
	g_test_add_func("/cli/invalid/bad-unit", test_bad_unit);
	g_test_add_func("/cli/invalid/out-of-range", test_out_of_range);
	g_test_add_func("/cli/invalid/missing-key", test_missing_key);
	g_test_add_func("/cli/invalid/dangling-node", test_dangling_node);
	g_test_add_func("/cli/invalid/duplicate-address", test_duplicate_address);
	g_test_add_func("/cli/invalid/outside-subnet", test_outside_subnet);
	g_test_add_func("/cli/invalid/unroutable", test_unroutable);
	g_test_add_func("/cli/invalid/bad-gateway", test_bad_gateway);
	g_test_add_func("/cli/invalid/unknown-cc", test_unknown_cc);
	g_test_add_func("/cli/invalid/binding-conflict", test_binding_conflict);
	g_test_add_func("/cli/invalid/all-at-once", test_all_errors_in_document_order);
	g_test_add_func("/cli/invalid/missing-file", test_missing_file);
	g_test_add_func("/cli/invalid/options", test_bad_options);
	g_test_add_func("/cli/help-version", test_help_version);
	g_test_add_func("/cli/set", test_set);
	g_test_add_func("/cli/seed-until", test_seed_until);
	g_test_add_func("/cli/default-out-dir", test_default_out_dir);
	g_test_add_func("/cli/atomic-replacement", test_atomic_replacement);
	g_test_add_func("/cli/trace-hash", test_trace_hash);
	g_test_add_func("/cli/summary-fields", test_summary_fields);
	g_test_add_func("/cli/plot", test_plot);
	g_test_add_func("/cli/schema-doc", test_schema_doc_in_sync);
	return g_test_run();
}
