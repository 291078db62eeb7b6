/* sim/cli/sweep_status.c — how each run of a sweep ended, recorded in journals.
 *
 * Every process that runs runs (a local sweep, each shard, each MPI rank) appends one
 * line per finished run to its own journal, DIR/status/HOST-PID.tsv:
 *
 *   run             status  result                                time_us
 *   runs/p00007/s3  ok      <64 hex digits: the trace hash>       1733250000123456
 *   runs/p00002/s1  failed  exit 1: netsim run: ...               1733250000234567
 *
 * Appending to a file the process already has open costs one write() per run, where a
 * file per run cost a file creation (on ext4, half the sweep process's own time). No
 * two processes write one file, so a shared filesystem without atomic appends is fine.
 * Reading merges every journal: for each run the latest line counts (time_us, the wall
 * clock, only orders the lines; it reaches no output), so a run that failed and then
 * succeeded on a rerun counts as succeeded. A line cut short by a crash is ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/cli/sweep.h"

/* ---- writing ---------------------------------------------------------------------------- */

struct sweep_journal {
	char *dir; /* the sweep directory */
	int fd;    /* -1 until the first record */
};

struct sweep_journal *sweep_journal_new(const char *dir)
{
	struct sweep_journal *j = g_new0(struct sweep_journal, 1);
	j->dir = g_strdup(dir);
	j->fd = -1;
	return j;
}

void sweep_journal_free(struct sweep_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	g_free(j->dir);
	g_free(j);
}

/* Opens DIR/status/HOST-PID.tsv for appending (its header when new). */
static int journal_open(struct sweep_journal *j)
{
	char *sdir = g_build_filename(j->dir, "status", NULL);
	char *name = g_strdup_printf("%s-%ld.tsv", g_get_host_name(), (long)getpid());
	g_strdelimit(name, "/", '_');
	char *path = g_build_filename(sdir, name, NULL);
	g_mkdir_with_parents(sdir, 0755);
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (j->fd < 0)
		fprintf(stderr, "netsim sweep: %s: %s\n", path, g_strerror(errno));
	else if (lseek(j->fd, 0, SEEK_END) == 0 &&
		 write(j->fd, "run\tstatus\tresult\ttime_us\n", 26) != 26)
		fprintf(stderr, "netsim sweep: %s: %s\n", path, g_strerror(errno));
	g_free(path);
	g_free(name);
	g_free(sdir);
	return j->fd < 0 ? -1 : 0;
}

void sweep_journal_record(struct sweep_journal *j, const struct sweep_plan *plan, guint run,
			  const struct sweep_result *res)
{
	if (j->fd < 0 && journal_open(j) != 0)
		return;
	char *rel = sweep_run_rel(plan, run);
	char *what = g_strdup(res->ok ? res->hash : res->error ? res->error : "failed");
	/* One line, four fields: no tab or line break inside the error. */
	g_strdelimit(what, "\t\r\n", ' ');
	char *line = g_strdup_printf("%s\t%s\t%s\t%" G_GINT64_FORMAT "\n", rel,
				     res->ok ? "ok" : "failed", what, g_get_real_time());
	/* One write(): with O_APPEND the line lands whole at the end. */
	size_t len = strlen(line);
	if (write(j->fd, line, len) != (ssize_t)len)
		fprintf(stderr, "netsim sweep: writing the status of %s: %s\n", rel,
			g_strerror(errno));
	g_free(line);
	g_free(what);
	g_free(rel);
}

/* ---- reading ------------------------------------------------------------------------------ */

struct sweep_status {
	GHashTable *runs; /* "runs/p00007/s3" → struct entry* */
};

struct entry {
	struct sweep_result res;
	gint64 time;
};

static void entry_free(gpointer p)
{
	struct entry *e = p;
	g_free(e->res.error);
	g_free(e);
}

/* One journal line into the table, when it is whole and newer than what is there. */
static void add_line(struct sweep_status *st, const char *line)
{
	char **f = g_strsplit(line, "\t", 5);
	gint64 t;
	bool ok = g_strv_length(f) == 4 && g_str_has_prefix(f[0], "runs/") &&
		  (strcmp(f[1], "ok") == 0 || strcmp(f[1], "failed") == 0) &&
		  g_ascii_string_to_signed(f[3], 10, 0, G_MAXINT64, &t, NULL) &&
		  (strcmp(f[1], "failed") == 0 || strlen(f[2]) == 64);
	const struct entry *old = ok ? g_hash_table_lookup(st->runs, f[0]) : NULL;
	bool is_ok = ok && strcmp(f[1], "ok") == 0;
	/* The latest line wins; at the same instant, success. */
	if (ok && (!old || t > old->time || (t == old->time && is_ok && !old->res.ok))) {
		struct entry *e = g_new0(struct entry, 1);
		e->time = t;
		e->res.ok = is_ok;
		if (is_ok)
			memcpy(e->res.hash, f[2], 65);
		else
			e->res.error = g_strdup(f[2]);
		g_hash_table_replace(st->runs, g_strdup(f[0]), e);
	}
	g_strfreev(f);
}

struct sweep_status *sweep_status_load(const char *dir)
{
	struct sweep_status *st = g_new0(struct sweep_status, 1);
	st->runs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
	char *sdir = g_build_filename(dir, "status", NULL);
	GDir *d = g_dir_open(sdir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d)) != NULL) {
		if (!g_str_has_suffix(name, ".tsv"))
			continue;
		char *path = g_build_filename(sdir, name, NULL);
		gchar *text = NULL;
		if (g_file_get_contents(path, &text, NULL, NULL)) {
			/* The last line is whole only when the file ends with a newline. */
			char **lines = g_strsplit(text, "\n", -1);
			for (guint i = 0; lines[i] && lines[i + 1]; i++)
				add_line(st, lines[i]);
			g_strfreev(lines);
		}
		g_free(text);
		g_free(path);
	}
	if (d)
		g_dir_close(d);
	g_free(sdir);
	return st;
}

void sweep_status_free(struct sweep_status *st)
{
	if (!st)
		return;
	g_hash_table_destroy(st->runs);
	g_free(st);
}

const struct sweep_result *sweep_status_get(const struct sweep_status *st,
					    const struct sweep_plan *plan, guint run)
{
	char *rel = sweep_run_rel(plan, run);
	const struct entry *e = g_hash_table_lookup(st->runs, rel);
	g_free(rel);
	return e ? &e->res : NULL;
}

/* ---- complete runs ---------------------------------------------------------------------- */

cJSON *sweep_run_summary(const char *dir, const struct sweep_plan *plan, guint run)
{
	char *rel = sweep_run_rel(plan, run);
	char *path = g_strdup_printf("%s/%s/summary.json", dir, rel);
	gchar *text = NULL;
	gsize len = 0;
	cJSON *sum = g_file_get_contents(path, &text, &len, NULL) ? cJSON_ParseWithLength(text, len)
								   : NULL;
	g_free(text);
	g_free(path);
	g_free(rel);
	return sum;
}

bool sweep_summary_matches(const cJSON *sum, const struct sweep_plan *plan, guint run)
{
	const cJSON *prov = cJSON_GetObjectItemCaseSensitive(sum, "provenance");
	const cJSON *sha = cJSON_GetObjectItemCaseSensitive(prov, "scenario_sha256");
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(prov, "seed");
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(prov, "set");
	const cJSON *until = cJSON_GetObjectItemCaseSensitive(prov, "until");
	GPtrArray *want = sweep_point_sets(plan, run / plan->seeds->len);
	bool ok = cJSON_IsString(sha) && plan->scenario_sha256 &&
		  strcmp(sha->valuestring, plan->scenario_sha256) == 0 && cJSON_IsNumber(seed) &&
		  (guint64)seed->valuedouble ==
			  g_array_index(plan->seeds, guint64, run % plan->seeds->len) &&
		  cJSON_GetArraySize(set) == (int)want->len &&
		  (plan->until ? cJSON_IsString(until) && strcmp(until->valuestring, plan->until) == 0
			       : cJSON_IsNull(until));
	guint i = 0;
	for (const cJSON *a = ok ? set->child : NULL; a; a = a->next, i++)
		ok = ok && cJSON_IsString(a) && strcmp(a->valuestring, g_ptr_array_index(want, i)) == 0;
	g_ptr_array_unref(want);
	return ok;
}

bool sweep_run_complete(const char *dir, const struct sweep_plan *plan,
			const struct sweep_status *st, guint run)
{
	const struct sweep_result *res = sweep_status_get(st, plan, run);
	if (!res || !res->ok)
		return false;
	cJSON *sum = sweep_run_summary(dir, plan, run);
	bool complete = sum && sweep_summary_matches(sum, plan, run);
	cJSON_Delete(sum);
	return complete;
}
