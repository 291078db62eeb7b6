/* sim/core/trace.h — TSV trace writers and locale-independent number printing.
 *
 * A trace is a tab-separated file whose first line is the header row (column names
 * carrying units: time_s, cwnd_bytes, srtt_ms) and whose every other line is one
 * record. There are no comment lines, so gnuplot, pandas and awk read it as is.
 *
 * Numbers are printed by this file's own integer code (times and milliseconds are
 * exact decimal renderings of integer nanoseconds) or, for the rare double, by
 * g_ascii_formatd; the C locale setting can never change a byte of a trace.
 * Writes are buffered in the writer; a write error is remembered and reported by
 * sim_tsv_close(), so a trace that could not be written fails the run.
 */
#ifndef SIM_CORE_TRACE_H
#define SIM_CORE_TRACE_H

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/time.h"

struct sim_tsv;

/* Creates `path` and writes the header row `columns` (names separated by tabs, no
 * trailing newline). Returns NULL and sets *error when the file cannot be created. */
struct sim_tsv *sim_tsv_create(const char *path, const char *columns, GError **error);

/* Fields of one row, left to right. The first field of a row needs no separator;
 * the writer adds tabs between fields and the newline at sim_tsv_end_row(). */
void sim_tsv_time(struct sim_tsv *t, sim_time_t ns);   /* seconds, 9 decimals */
void sim_tsv_ms(struct sim_tsv *t, sim_time_t ns);     /* milliseconds, exact */
void sim_tsv_i64(struct sim_tsv *t, int64_t v);
void sim_tsv_u64(struct sim_tsv *t, uint64_t v);
void sim_tsv_str(struct sim_tsv *t, const char *s);
void sim_tsv_double(struct sim_tsv *t, double v);     /* %.9g, locale-free */
void sim_tsv_end_row(struct sim_tsv *t);

/* Number of data rows written so far. */
uint64_t sim_tsv_rows(const struct sim_tsv *t);

/* Flushes and closes; frees the writer. Returns 0, or -1 with *error set if any write
 * failed. NULL is allowed (returns 0). */
int sim_tsv_close(struct sim_tsv *t, GError **error);

/* Locale-independent formatting used by traces and summaries. Each writes a NUL-
 * terminated string into buf (at least 32 bytes) and returns its length. */
int sim_fmt_i64(char *buf, int64_t v);
int sim_fmt_u64(char *buf, uint64_t v);
/* ns as milliseconds with up to six decimals, trailing zeros dropped ("40", "40.5"). */
int sim_fmt_ms(char *buf, sim_time_t ns);
/* ns as seconds with nine decimals ("1.250000000"). */
int sim_fmt_seconds(char *buf, sim_time_t ns);

#endif
