/* sim/core/output.c — staging, atomic replacement and hashing of a run's outputs. */
#include "sim/core/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sim_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode)) {
		GDir *d = g_dir_open(path, 0, NULL);
		if (d == NULL)
			return -1;
		const char *name;
		int rc = 0;
		while ((name = g_dir_read_name(d)) != NULL) {
			char *child = g_build_filename(path, name, NULL);
			if (sim_remove_tree(child) != 0)
				rc = -1;
			g_free(child);
		}
		g_dir_close(d);
		if (rc == 0 && rmdir(path) != 0)
			rc = -1;
		return rc;
	}
	return unlink(path);
}

/* ---- the owner of a staging directory ------------------------------------------- */

guint64 sim_output_process_start(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	/* "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so fields
	 * are counted from the last ')'. starttime is field 22; STATE is field 3. */
	guint64 start = 0;
	const char *p = strrchr(text, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = g_ascii_strtoull(p + 1, NULL, 10);
	g_free(text);
	return start;
}

/* Parses a staging directory's name ".NAME.tmp-PID-START-XXXXXX", optionally with
 * ".old" (the fallback commit's aside copy). */
static bool staging_owner(const char *name, long *pid, guint64 *start)
{
	if (name[0] != '.')
		return false;
	const char *t = g_strrstr(name, ".tmp-");
	if (t == NULL || t == name)
		return false;
	char *end;
	*pid = strtol(t + 5, &end, 10);
	if (end == t + 5 || *end != '-' || *pid <= 0)
		return false;
	const char *q = end + 1;
	*start = g_ascii_strtoull(q, &end, 10);
	if (end == q || *end != '-')
		return false;
	q = end + 1;
	for (int i = 0; i < 6; i++)
		if (!g_ascii_isalnum(q[i]))
			return false;
	return q[6] == '\0' || strcmp(q + 6, ".old") == 0;
}

char *sim_output_owner_text(void)
{
	gchar *boot = NULL;
	if (!g_file_get_contents("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL))
		boot = g_strdup("unknown");
	g_strstrip(boot);
	char *text = g_strdup_printf("host %s\nboot %s\n", g_get_host_name(), boot);
	g_free(boot);
	return text;
}

/* The line of `text` starting with `key` and a space, without the key (g_free), or
 * NULL. */
static char *owner_field(const char *text, const char *key)
{
	char **lines = g_strsplit(text, "\n", -1);
	char *v = NULL;
	for (char **l = lines; *l && !v; l++)
		if (g_str_has_prefix(*l, key) && (*l)[strlen(key)] == ' ')
			v = g_strdup(*l + strlen(key) + 1);
	g_strfreev(lines);
	return v;
}

/* True when the process that created a staging directory still runs: the PID exists
 * and (where /proc says) started at the recorded time, so a reused PID is not taken
 * for the owner. */
static bool owner_alive(long pid, guint64 start)
{
	if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
		return false;
	guint64 now = sim_output_process_start((pid_t)pid);
	return now == 0 || start == 0 || now == start;
}

/* True if dir holds the marker file, or nothing at all. */
static bool is_netsim_dir(const char *dir, bool empty_ok)
{
	char *m = g_build_filename(dir, SIM_OUTPUT_MARKER, NULL);
	struct stat st;
	bool marked = lstat(m, &st) == 0 && S_ISREG(st.st_mode);
	g_free(m);
	if (marked || !empty_ok)
		return marked;
	GDir *d = g_dir_open(dir, 0, NULL);
	bool empty = d && g_dir_read_name(d) == NULL;
	if (d)
		g_dir_close(d);
	return empty;
}

/* True when the staging directory at path (owned by pid, started at `start`) was
 * left by a run that is gone: its owner file names this machine (a run on another
 * host, or in another container, sharing the folder, cannot be judged from here) and
 * either the machine has rebooted since or the process no longer exists. */
static bool staging_is_stale(const char *path, long pid, guint64 start)
{
	char *f = g_build_filename(path, SIM_OUTPUT_OWNER, NULL);
	gchar *text = NULL;
	bool have = g_file_get_contents(f, &text, NULL, NULL);
	g_free(f);
	if (!have)
		return false;
	char *mine = sim_output_owner_text();
	char *host = owner_field(text, "host"), *boot = owner_field(text, "boot");
	char *my_host = owner_field(mine, "host"), *my_boot = owner_field(mine, "boot");
	bool stale = false;
	if (host && g_strcmp0(host, my_host) == 0)
		stale = g_strcmp0(boot, my_boot) != 0 || !owner_alive(pid, start);
	g_free(host);
	g_free(boot);
	g_free(my_host);
	g_free(my_boot);
	g_free(mine);
	g_free(text);
	return stale;
}

/* Removes the staging directories in `parent` left by runs that no longer exist. */
static void remove_stale_staging(const char *parent)
{
	GDir *d = g_dir_open(parent, 0, NULL);
	if (d == NULL)
		return;
	const char *name;
	while ((name = g_dir_read_name(d)) != NULL) {
		long pid;
		guint64 start;
		if (!staging_owner(name, &pid, &start))
			continue;
		char *path = g_build_filename(parent, name, NULL);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
		    is_netsim_dir(path, false) && staging_is_stale(path, pid, start))
			sim_remove_tree(path);
		g_free(path);
	}
	g_dir_close(d);
}

/* ---- checking the destination ----------------------------------------------------- */

static int refuse(GError **error, GFileError code, const char *dir, const char *why)
{
	g_set_error(error, G_FILE_ERROR, code, "%s: %s", dir, why);
	return -1;
}

/* True if directory `st` is the current directory or one of its ancestors. */
static bool holds_cwd(const struct stat *st)
{
	char *p = g_get_current_dir();
	bool found = false;
	for (;;) {
		struct stat c;
		if (stat(p, &c) == 0 && c.st_dev == st->st_dev && c.st_ino == st->st_ino)
			found = true;
		char *up = g_path_get_dirname(p);
		bool top = found || strcmp(up, p) == 0;
		g_free(p);
		p = up;
		if (top)
			break;
	}
	g_free(p);
	return found;
}

/* Fails unless `dir` can be replaced by a run's results (see output.h). */
static int check_destination(const char *dir, GError **error)
{
	char *base = g_path_get_basename(dir);
	bool dots = strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strcmp(base, "/") == 0;
	g_free(base);
	struct stat st;
	if (stat(dir, &st) != 0)
		return dots ? refuse(error, G_FILE_ERROR_INVAL, dir,
				     "name the results directory itself, not '.' or '..'")
			    : 0;
	if (!S_ISDIR(st.st_mode))
		return refuse(error, G_FILE_ERROR_NOTDIR, dir, "exists and is not a directory");
	if (holds_cwd(&st))
		return refuse(error, G_FILE_ERROR_INVAL, dir,
			      "is the current directory or contains it; results go into a "
			      "directory of their own");
	if (dots)
		return refuse(error, G_FILE_ERROR_INVAL, dir,
			      "name the results directory itself, not '.' or '..'");
	char *parent = g_path_get_dirname(dir);
	struct stat pst;
	bool mount = stat(parent, &pst) == 0 && pst.st_dev != st.st_dev;
	g_free(parent);
	if (mount)
		return refuse(error, G_FILE_ERROR_INVAL, dir,
			      "is a mount point, which cannot be replaced; write the results "
			      "into a directory inside it");
	if (!is_netsim_dir(dir, true))
		return refuse(error, G_FILE_ERROR_EXIST, dir,
			      "not a netsim results directory (no " SIM_OUTPUT_MARKER
			      " file); netsim replaces only directories it created: choose "
			      "another --out or empty it");
	return 0;
}

/* ---- staging ------------------------------------------------------------------------ */

static int file_error(GError **error, const char *path)
{
	int e = errno;
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", path,
		    g_strerror(e));
	return -1;
}

/* Creates the staging directory for `dir` in `parent`, with the marker. NULL and
 * *error on failure. */
static char *make_staging(const char *parent, const char *dir, GError **error)
{
	char *base = g_path_get_basename(dir);
	/* The name must fit NAME_MAX (255) with the suffix (at most 50 bytes): a long
	 * results directory name is shortened here, which the cleaner does not mind. */
	if (strlen(base) > 150)
		base[150] = '\0';
	char *tmpl_name = g_strdup_printf(".%s.tmp-%ld-%" G_GUINT64_FORMAT "-XXXXXX", base,
					  (long)getpid(), sim_output_process_start(getpid()));
	char *tmpl = g_build_filename(parent, tmpl_name, NULL);
	g_free(tmpl_name);
	g_free(base);
	if (g_mkdtemp(tmpl) == NULL) {
		file_error(error, tmpl);
		g_free(tmpl);
		return NULL;
	}
	chmod(tmpl, 0755);
	char *marker = g_build_filename(tmpl, SIM_OUTPUT_MARKER, NULL);
	char *owner = g_build_filename(tmpl, SIM_OUTPUT_OWNER, NULL);
	char *who = sim_output_owner_text();
	bool ok = g_file_set_contents(marker, "", 0, error) &&
		  g_file_set_contents(owner, who, -1, error);
	g_free(who);
	g_free(owner);
	g_free(marker);
	if (!ok) {
		sim_remove_tree(tmpl);
		g_free(tmpl);
		return NULL;
	}
	return tmpl;
}

int sim_output_open(struct sim_output *out, const char *dir, GError **error)
{
	memset(out, 0, sizeof(*out));
	if (check_destination(dir, error) != 0)
		return -1;
	char *parent = g_path_get_dirname(dir);
	if (g_mkdir_with_parents(parent, 0755) != 0) {
		file_error(error, parent);
		g_free(parent);
		return -1;
	}
	remove_stale_staging(parent);
	char *work = make_staging(parent, dir, error);
	g_free(parent);
	if (work == NULL)
		return -1;
	out->final_dir = g_strdup(dir);
	out->work_dir = work;
	return 0;
}

char *sim_output_path(const struct sim_output *out, const char *name)
{
	return g_build_filename(out->work_dir, name, NULL);
}

void sim_output_name_final(const struct sim_output *out, GError *e)
{
	if (e == NULL || out->work_dir == NULL)
		return;
	GString *m = g_string_new(e->message);
	g_string_replace(m, out->work_dir, out->final_dir, 0);
	g_free(e->message);
	e->message = g_string_free(m, FALSE);
}

int sim_output_write(const struct sim_output *out, const char *name, const void *data,
		     size_t len, GError **error)
{
	char *path = sim_output_path(out, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int e = fd < 0 ? errno : 0;
	for (size_t done = 0; e == 0 && done < len;) {
		ssize_t n = write(fd, (const char *)data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			e = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	if (fd >= 0 && close(fd) != 0 && e == 0)
		e = errno;
	g_free(path);
	if (e == 0)
		return 0;
	char *final = g_build_filename(out->final_dir, name, NULL);
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", final,
		    g_strerror(e));
	g_free(final);
	return -1;
}

/* Swaps the staging directory into place. */
static int swap_into_place(struct sim_output *out, GError **error)
{
	if (!g_file_test(out->final_dir, G_FILE_TEST_IS_DIR)) {
		if (rename(out->work_dir, out->final_dir) != 0)
			return file_error(error, out->final_dir);
		return 0;
	}
#ifdef RENAME_EXCHANGE
	/* One atomic step: the old run moves to the staging name. */
	if (renameat2(AT_FDCWD, out->work_dir, AT_FDCWD, out->final_dir, RENAME_EXCHANGE) == 0) {
		sim_remove_tree(out->work_dir);
		return 0;
	}
#endif
	/* Fallback: move the old run aside, then the new one in. */
	char *old = g_strconcat(out->work_dir, ".old", NULL);
	int rc = 0;
	if (rename(out->final_dir, old) != 0) {
		rc = file_error(error, out->final_dir);
	} else if (rename(out->work_dir, out->final_dir) != 0) {
		rc = file_error(error, out->final_dir);
		rename(old, out->final_dir);
	} else {
		sim_remove_tree(old);
	}
	g_free(old);
	return rc;
}

/* True if the summary's text has a "stopped" key whose value is a string (why the
 * run stopped); a complete run's summary says "stopped": null. */
static bool says_stopped(const char *text)
{
	const char *p = strstr(text, "\"stopped\"");
	if (p == NULL)
		return false;
	p += strlen("\"stopped\"");
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ':')
		p++;
	return *p == '"';
}

/* What the staging directory must hold for `outcome`: a summary.json, one that says
 * "stopped" for a stopped run. */
static int check_summary(const struct sim_output *out, enum sim_run_outcome outcome,
			 GError **error)
{
	char *path = sim_output_path(out, "summary.json");
	gchar *text = NULL;
	int rc = 0;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		rc = refuse(error, G_FILE_ERROR_NOENT, path, "missing: the run left no summary");
	else if (outcome == SIM_RUN_STOPPED && !says_stopped(text))
		rc = refuse(error, G_FILE_ERROR_INVAL, path,
			    "a stopped run's summary must say why in \"stopped\"");
	g_free(text);
	g_free(path);
	return rc;
}

int sim_output_finish(struct sim_output *out, enum sim_run_outcome outcome, GError **error)
{
	g_assert(out->work_dir != NULL);
	int rc = 0;
	if (outcome != SIM_RUN_FAILED) {
		rc = check_summary(out, outcome, error);
		/* The owner file belongs to the staging directory, not to the results. */
		char *owner = sim_output_path(out, SIM_OUTPUT_OWNER);
		g_unlink(owner);
		g_free(owner);
		if (rc == 0)
			rc = swap_into_place(out, error);
	}
	if (rc == 0 && outcome != SIM_RUN_FAILED) {
		g_free(out->work_dir);
		out->work_dir = NULL;
	} else {
		sim_output_discard(out);
	}
	return rc;
}

int sim_output_commit(struct sim_output *out, GError **error)
{
	return sim_output_finish(out, SIM_RUN_COMPLETE, error);
}

void sim_output_discard(struct sim_output *out)
{
	if (out->work_dir) {
		sim_remove_tree(out->work_dir);
		g_free(out->work_dir);
		out->work_dir = NULL;
	}
}

void sim_output_fini(struct sim_output *out)
{
	sim_output_discard(out);
	g_free(out->final_dir);
	out->final_dir = NULL;
}

/* ---- hashing ---------------------------------------------------------------- */

static int kind_rank(const char *rel)
{
	if (g_str_has_suffix(rel, ".tsv"))
		return 0;
	if (g_str_has_suffix(rel, ".pcap"))
		return 1;
	return 2;
}

static gint cmp_rel(gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int ka = kind_rank(x), kb = kind_rank(y);
	if (ka != kb)
		return ka - kb;
	return strcmp(x, y);
}

static void collect(const char *root, const char *rel, GPtrArray *files)
{
	char *path = rel ? g_build_filename(root, rel, NULL) : g_strdup(root);
	GDir *d = g_dir_open(path, 0, NULL);
	if (d) {
		const char *name;
		while ((name = g_dir_read_name(d)) != NULL) {
			char *child_rel = rel ? g_strconcat(rel, "/", name, NULL) : g_strdup(name);
			char *child = g_build_filename(root, child_rel, NULL);
			if (g_file_test(child, G_FILE_TEST_IS_DIR)) {
				if (strcmp(child_rel, "plots") != 0)
					collect(root, child_rel, files);
				g_free(child_rel);
			} else if (strcmp(child_rel, "summary.json") == 0 ||
				   strcmp(child_rel, SIM_OUTPUT_MARKER) == 0 ||
				   strcmp(child_rel, SIM_OUTPUT_OWNER) == 0) {
				g_free(child_rel);
			} else {
				g_ptr_array_add(files, child_rel);
			}
			g_free(child);
		}
		g_dir_close(d);
	}
	g_free(path);
}

static void hash_item(GChecksum *ck, const char *rel, const void *data, size_t len)
{
	char size[32];
	g_checksum_update(ck, (const guchar *)rel, (gssize)strlen(rel) + 1);
	snprintf(size, sizeof(size), "%zu", len);
	g_checksum_update(ck, (const guchar *)size, (gssize)strlen(size) + 1);
	if (len)
		g_checksum_update(ck, data, (gssize)len);
}

int sim_output_hash(const char *dir, const char *summary, size_t summary_len, char hex[65],
		    GError **error)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	int rc = 0;

	collect(dir, NULL, files);
	g_ptr_array_sort(files, cmp_rel);
	for (guint i = 0; i < files->len && rc == 0; i++) {
		const char *rel = g_ptr_array_index(files, i);
		char *path = g_build_filename(dir, rel, NULL);
		gchar *contents;
		gsize len;
		if (g_file_get_contents(path, &contents, &len, error)) {
			hash_item(ck, rel, contents, len);
			g_free(contents);
		} else {
			rc = -1;
		}
		g_free(path);
	}
	if (rc == 0 && summary)
		hash_item(ck, "summary.json", summary, summary_len);
	if (rc == 0)
		g_strlcpy(hex, g_checksum_get_string(ck), 65);
	g_checksum_free(ck);
	g_ptr_array_free(files, TRUE);
	return rc;
}
