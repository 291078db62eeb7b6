/* sim/cli/summary.h — summary.json and the short human summary of a run.
 *
 * summary.json follows docs/outputs.md. Numbers are written by our own formatting
 * (integers exactly; milliseconds as exact renderings of integer nanoseconds; other
 * doubles in the shortest form that reads back to the same double) and inserted as
 * raw JSON, so neither the locale nor cJSON's double printer can change a byte.
 * `wall_s` is the only wall-clock field; summary_text(..., hashable = true) leaves it
 * and the `provenance` object (provenance.h), which main.c adds, out for the trace
 * hash.
 */
#ifndef SIM_CLI_SUMMARY_H
#define SIM_CLI_SUMMARY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/cli/world.h"
#include "sim/core/time.h"

struct run_info {
	uint64_t seed;
	sim_time_t sim_time; /* simulated time covered (the run's end) */
	uint64_t events;     /* events executed */
	double wall_s;       /* wall-clock seconds (not hashed) */
	const char *stopped; /* NULL: the run reached its end; else why it stopped
			      * ("SIGINT", "SIGTERM", "SIGHUP", "memory") */
	bool compact;        /* the elements of "flows", "listeners" and "links" as their
			      * printed text (Raw items, the same bytes in summary.json):
			      * each element's tree is freed as soon as it is printed, so
			      * 10 000 flows take megabytes of text, not tens of megabytes of
			      * tree. summary_print_human() reads either form; metric paths
			      * into the arrays (sweeps) need the trees. */
};

/* Builds the summary object of a finished world. */
cJSON *summary_build(const struct world *w, const struct run_info *ri);

/* The summary as text (ending with a newline); without "wall_s" and "provenance"
 * when hashable.
 * g_free the result. */
char *summary_text(const cJSON *summary, bool hashable);

/* The short human summary (per flow, per link direction, pings, UDP). */
void summary_print_human(FILE *fp, const cJSON *summary);

/* Formats a double in the shortest form that reads back exactly ("0.1", "1466666.25",
 * "1e+300"); "null" for NaN and infinities. buf holds at least 32 bytes. */
void summary_fmt_double(char *buf, double v);

/* Members of a JSON object written as raw numbers, exactly and locale-independently:
 * raw text, an unsigned integer, a double that reads back to the same value
 * (summary_fmt_double). */
void summary_put_raw(cJSON *o, const char *key, const char *raw);
void summary_put_u64(cJSON *o, const char *key, uint64_t v);
void summary_put_double(cJSON *o, const char *key, double v);

/* An event rate to three significant figures with an SI prefix ("812", "4.97 k",
 * "1 M"): the prefix is chosen after rounding, so 999 960 reads "1 M", never
 * "1e+03 k". Locale-independent. */
void summary_fmt_rate(char *buf, size_t n, double rate);

#endif
