/* sim/core/trace.c — buffered TSV writers. */
#include "sim/core/trace.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define TSV_BUFSZ (64 * 1024)

struct sim_tsv {
	FILE *fp;
	char *path;
	uint64_t rows;
	int write_errno; /* first write error, 0 if none */
	unsigned fields; /* fields written in the current row */
	size_t used;
	char buf[TSV_BUFSZ];
};

int sim_fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

int sim_fmt_i64(char *buf, int64_t v)
{
	if (v < 0) {
		buf[0] = '-';
		return 1 + sim_fmt_u64(buf + 1, (uint64_t)0 - (uint64_t)v);
	}
	return sim_fmt_u64(buf, (uint64_t)v);
}

/* Writes |ns| / 10^digits with `digits` decimals; trims trailing zeros when asked. */
static int fmt_fixed(char *buf, sim_time_t ns, unsigned digits, bool trim)
{
	uint64_t v = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	uint64_t div = 1;
	int n = 0;
	for (unsigned i = 0; i < digits; i++)
		div *= 10;
	if (ns < 0)
		buf[n++] = '-';
	n += sim_fmt_u64(buf + n, v / div);
	uint64_t frac = v % div;
	if (trim && frac == 0)
		return n;
	buf[n++] = '.';
	for (unsigned i = digits; i > 0; i--) {
		uint64_t p = 1;
		for (unsigned k = 1; k < i; k++)
			p *= 10;
		buf[n++] = (char)('0' + (frac / p) % 10);
	}
	if (trim)
		while (buf[n - 1] == '0')
			n--;
	buf[n] = '\0';
	return n;
}

int sim_fmt_ms(char *buf, sim_time_t ns)
{
	return fmt_fixed(buf, ns, 6, true);
}

int sim_fmt_seconds(char *buf, sim_time_t ns)
{
	return fmt_fixed(buf, ns, 9, false);
}

static void tsv_flush(struct sim_tsv *t)
{
	if (t->used == 0)
		return;
	if (t->write_errno == 0 && fwrite(t->buf, 1, t->used, t->fp) != t->used)
		t->write_errno = errno ? errno : EIO;
	t->used = 0;
}

static inline void tsv_raw(struct sim_tsv *t, const char *s, size_t n)
{
	if (G_UNLIKELY(t->used + n > TSV_BUFSZ)) {
		tsv_flush(t);
		if (n > TSV_BUFSZ) {
			if (t->write_errno == 0 && fwrite(s, 1, n, t->fp) != n)
				t->write_errno = errno ? errno : EIO;
			return;
		}
	}
	memcpy(t->buf + t->used, s, n);
	t->used += n;
}

static inline void tsv_sep(struct sim_tsv *t)
{
	if (t->fields++ > 0)
		tsv_raw(t, "\t", 1);
}

struct sim_tsv *sim_tsv_create(const char *path, const char *columns, GError **error)
{
	FILE *fp = fopen(path, "wb");
	if (fp == NULL) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", path,
			    g_strerror(e));
		return NULL;
	}
	struct sim_tsv *t = g_new0(struct sim_tsv, 1);
	t->fp = fp;
	t->path = g_strdup(path);
	tsv_raw(t, columns, strlen(columns));
	tsv_raw(t, "\n", 1);
	return t;
}

void sim_tsv_time(struct sim_tsv *t, sim_time_t ns)
{
	char b[32];
	tsv_sep(t);
	tsv_raw(t, b, (size_t)sim_fmt_seconds(b, ns));
}

void sim_tsv_ms(struct sim_tsv *t, sim_time_t ns)
{
	char b[32];
	tsv_sep(t);
	tsv_raw(t, b, (size_t)sim_fmt_ms(b, ns));
}

void sim_tsv_i64(struct sim_tsv *t, int64_t v)
{
	char b[32];
	tsv_sep(t);
	tsv_raw(t, b, (size_t)sim_fmt_i64(b, v));
}

void sim_tsv_u64(struct sim_tsv *t, uint64_t v)
{
	char b[32];
	tsv_sep(t);
	tsv_raw(t, b, (size_t)sim_fmt_u64(b, v));
}

void sim_tsv_str(struct sim_tsv *t, const char *s)
{
	tsv_sep(t);
	tsv_raw(t, s, strlen(s));
}

void sim_tsv_double(struct sim_tsv *t, double v)
{
	char b[G_ASCII_DTOSTR_BUF_SIZE];
	tsv_sep(t);
	g_ascii_formatd(b, sizeof(b), "%.9g", v);
	tsv_raw(t, b, strlen(b));
}

void sim_tsv_end_row(struct sim_tsv *t)
{
	tsv_raw(t, "\n", 1);
	t->fields = 0;
	t->rows++;
}

uint64_t sim_tsv_rows(const struct sim_tsv *t)
{
	return t->rows;
}

int sim_tsv_close(struct sim_tsv *t, GError **error)
{
	if (t == NULL)
		return 0;
	tsv_flush(t);
	if (fclose(t->fp) != 0 && t->write_errno == 0)
		t->write_errno = errno ? errno : EIO;
	int rc = 0;
	if (t->write_errno) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(t->write_errno), "%s: %s",
			    t->path, g_strerror(t->write_errno));
		rc = -1;
	}
	g_free(t->path);
	g_free(t);
	return rc;
}
