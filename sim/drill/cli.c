/* sim/drill/cli.c — `netsim drill` (drill.h): options, parsing every script first,
 * running each, the verdict lines and the exit status. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/time.h"
#include "sim/drill/drill.h"
#include "sim/drill/run.h"
#include "sim/drill/script.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_INVALID = 2 };

struct drill_cli {
	char *profile;
	char **set;
	gboolean verbose;
	char *pcap;
	char *tolerance;
};

static void cli_free(struct drill_cli *o)
{
	g_free(o->profile);
	g_strfreev(o->set);
	g_free(o->pcap);
	g_free(o->tolerance);
}

static int parse_args(struct drill_cli *o, int *argc, char ***argv)
{
	GOptionEntry entries[] = {
	    {"profile", 0, 0, G_OPTION_ARG_STRING, &o->profile,
	     "TCP profile of the host under test: linux (default) or rfc", "linux|rfc"},
	    {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->set,
	     "Set a TCP knob, e.g. tcp.delack_timeout=200ms (repeatable)", "tcp.KNOB=VALUE"},
	    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
	     "Log events, packets, print() output and ignored settings to stderr", NULL},
	    {"pcap", 0, 0, G_OPTION_ARG_FILENAME, &o->pcap,
	     "Write each script's wire traffic to DIR/NAME.pcap", "DIR"},
	    {"tolerance", 0, 0, G_OPTION_ARG_STRING, &o->tolerance,
	     "Timing tolerance (default 4ms; a script's --tolerance_usecs wins)", "DURATION"},
	    {NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
	};
	GOptionContext *ctx = g_option_context_new("SCRIPT.pkt...");
	g_option_context_set_summary(ctx,
	                             "netsim drill: run packetdrill scripts against netsim's TCP");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *e = NULL;
	bool ok = g_option_context_parse(ctx, argc, argv, &e);
	g_option_context_free(ctx);
	if (!ok) {
		fprintf(stderr, "netsim drill: %s\nTry 'netsim drill --help'.\n", e->message);
		g_error_free(e);
		return -1;
	}
	return 0;
}

/* Checks option values; fills *opts. */
static int check_options(const struct drill_cli *o, struct drill_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->profile = TCP_PROFILE_LINUX;
	opts->tolerance_ns = -1;
	opts->verbose = o->verbose;
	if (o->profile && tcp_profile_parse(o->profile, &opts->profile) != 0) {
		fprintf(stderr, "netsim drill: --profile: expected linux or rfc, got \"%s\"\n",
		        o->profile);
		return -1;
	}
	if (o->tolerance) {
		sim_time_t t;
		int e = sim_parse_duration(o->tolerance, &t);
		if (e) {
			fprintf(stderr, "netsim drill: --tolerance: %s, got \"%s\"\n",
			        sim_unit_error_string(e, "duration"), o->tolerance);
			return -1;
		}
		opts->tolerance_ns = t;
	}
	char *err = NULL;
	if (drill_check_sets((const char *const *)o->set, &err)) {
		fprintf(stderr, "netsim drill: %s\n", err);
		g_free(err);
		return -1;
	}
	opts->sets = (const char *const *)o->set;
	if (o->pcap && g_mkdir_with_parents(o->pcap, 0755) != 0) {
		fprintf(stderr, "netsim drill: --pcap: cannot create %s: %s\n", o->pcap,
		        g_strerror(errno));
		return -1;
	}
	return 0;
}

/* DIR/NAME.pcap, NAME the script's file name without .pkt ("-2", "-3"... if taken). */
static char *pcap_path(const char *dir, const char *script, GHashTable *used)
{
	char *base = g_path_get_basename(script);
	if (g_str_has_suffix(base, ".pkt"))
		base[strlen(base) - 4] = '\0';
	char *name = g_strdup(base);
	for (int n = 2; g_hash_table_contains(used, name); n++) {
		g_free(name);
		name = g_strdup_printf("%s-%d", base, n);
	}
	g_hash_table_add(used, name);
	char *file = g_strconcat(name, ".pcap", NULL);
	char *path = g_build_filename(dir, file, NULL);
	g_free(file);
	g_free(base);
	return path;
}

static const char *verdict_word(enum drill_verdict v)
{
	return v == DRILL_PASS ? "ok" : v == DRILL_FAIL ? "FAIL" : "skip";
}

static void print_result(const char *name, const struct drill_result *r)
{
	if (r->verdict == DRILL_PASS) {
		printf("ok %s\n", name);
		return;
	}
	/* The time as packetdrill prints it: seconds with microseconds. */
	int64_t us = r->time_ns / 1000;
	char t[48];
	g_snprintf(t, sizeof(t), "%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, us / 1000000,
	           us % 1000000);
	if (r->line > 0)
		printf("%s %s:%d: %s (at %s s)\n", verdict_word(r->verdict), name, r->line,
		       r->message, t);
	else
		printf("%s %s: %s\n", verdict_word(r->verdict), name, r->message);
}

int drill_main(int argc, char **argv)
{
	struct drill_cli o = {0};
	struct drill_options opts;
	int rc = EXIT_OK;
	if (parse_args(&o, &argc, &argv) || check_options(&o, &opts)) {
		cli_free(&o);
		return EXIT_INVALID;
	}
	if (argc < 2) {
		fprintf(stderr, "netsim drill: expected at least one script\n"
		                "Try 'netsim drill --help'.\n");
		cli_free(&o);
		return EXIT_INVALID;
	}
	/* Every script is parsed before any runs: a malformed one stops everything. */
	int n = argc - 1;
	struct drill_script **scripts = g_new0(struct drill_script *, n);
	for (int i = 0; i < n; i++) {
		char *err = NULL;
		scripts[i] = drill_script_load(argv[i + 1], &err);
		if (!scripts[i]) {
			fprintf(stderr, "%s\n", err);
			g_free(err);
			rc = EXIT_INVALID;
		}
	}
	int passed = 0, failed = 0, skipped = 0;
	GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (int i = 0; i < n && rc != EXIT_INVALID; i++) {
		char *pcap = o.pcap ? pcap_path(o.pcap, argv[i + 1], used) : NULL;
		opts.pcap_path = pcap;
		struct drill_result res;
		drill_run(scripts[i], &opts, &res);
		print_result(argv[i + 1], &res);
		fflush(stdout);
		passed += res.verdict == DRILL_PASS;
		failed += res.verdict == DRILL_FAIL;
		skipped += res.verdict == DRILL_SKIP;
		g_free(res.message);
		g_free(pcap);
	}
	if (rc != EXIT_INVALID) {
		printf("%d passed, %d failed", passed, failed);
		if (skipped)
			printf(", %d skipped", skipped);
		printf("\n");
		rc = failed ? EXIT_FAIL : EXIT_OK;
	}
	g_hash_table_destroy(used);
	for (int i = 0; i < n; i++)
		drill_script_free(scripts[i]);
	g_free(scripts);
	cli_free(&o);
	return rc;
}
