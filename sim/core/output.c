/* sim/core/output.c — staging, atomic replacement and hashing of a run's outputs. */
#include "sim/core/output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <glib/gstdio.h>
#include <stdio.h>
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

/* True if dir is empty or holds a previous run (summary.json). */
static bool replaceable(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (d == NULL)
		return false;
	bool empty = g_dir_read_name(d) == NULL;
	g_dir_close(d);
	if (empty)
		return true;
	char *summary = g_build_filename(dir, "summary.json", NULL);
	bool ok = g_file_test(summary, G_FILE_TEST_IS_REGULAR);
	g_free(summary);
	return ok;
}

int sim_output_open(struct sim_output *out, const char *dir, GError **error)
{
	memset(out, 0, sizeof(*out));
	if (g_file_test(dir, G_FILE_TEST_EXISTS)) {
		if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
				    "%s: exists and is not a directory", dir);
			return -1;
		}
		if (!replaceable(dir)) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
				    "%s: refusing to replace a non-empty directory that is not a "
				    "netsim output (no summary.json)",
				    dir);
			return -1;
		}
	}
	char *parent = g_path_get_dirname(dir);
	char *base = g_path_get_basename(dir);
	if (g_mkdir_with_parents(parent, 0755) != 0) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", parent,
			    g_strerror(e));
		g_free(parent);
		g_free(base);
		return -1;
	}
	char *tmpl_name = g_strdup_printf(".%s.tmp-XXXXXX", base);
	char *tmpl = g_build_filename(parent, tmpl_name, NULL);
	g_free(tmpl_name);
	g_free(parent);
	g_free(base);
	if (g_mkdtemp(tmpl) == NULL) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", tmpl,
			    g_strerror(e));
		g_free(tmpl);
		return -1;
	}
	chmod(tmpl, 0755);
	out->final_dir = g_strdup(dir);
	out->work_dir = tmpl;
	return 0;
}

char *sim_output_path(const struct sim_output *out, const char *name)
{
	return g_build_filename(out->work_dir, name, NULL);
}

int sim_output_commit(struct sim_output *out, GError **error)
{
	g_assert(out->work_dir != NULL);
	if (g_file_test(out->final_dir, G_FILE_TEST_IS_DIR)) {
#ifdef RENAME_EXCHANGE
		/* One atomic step: the old run moves to the staging name. */
		if (renameat2(AT_FDCWD, out->work_dir, AT_FDCWD, out->final_dir, RENAME_EXCHANGE) ==
		    0) {
			sim_remove_tree(out->work_dir);
			g_free(out->work_dir);
			out->work_dir = NULL;
			return 0;
		}
#endif
		/* Fallback: move the old run aside, then the new one in. */
		char *old = g_strconcat(out->work_dir, ".old", NULL);
		if (rename(out->final_dir, old) != 0) {
			int e = errno;
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s",
				    out->final_dir, g_strerror(e));
			g_free(old);
			return -1;
		}
		if (rename(out->work_dir, out->final_dir) != 0) {
			int e = errno;
			rename(old, out->final_dir);
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s",
				    out->final_dir, g_strerror(e));
			g_free(old);
			return -1;
		}
		sim_remove_tree(old);
		g_free(old);
	} else if (rename(out->work_dir, out->final_dir) != 0) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s",
			    out->final_dir, g_strerror(e));
		return -1;
	}
	g_free(out->work_dir);
	out->work_dir = NULL;
	return 0;
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
			} else if (strcmp(child_rel, "summary.json") == 0) {
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
