/* tests/cli/netsim_run.c — see netsim_run.h. */
#include "tests/cli/netsim_run.h"

#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include "sim/core/output.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

const char *source_root(void)
{
	return SOURCE_ROOT;
}

static char **make_env(const char *const *extra)
{
	char **env = g_get_environ();
	for (const char *const *e = extra; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		g_assert_nonnull(eq);
		char *name = g_strndup(*e, (gsize)(eq - *e));
		env = g_environ_setenv(env, name, eq + 1, TRUE);
		g_free(name);
	}
	return env;
}

struct netsim_result netsim_runv(const char *cwd, const char *const *env, const char *const *argv)
{
	const char *prog = g_getenv("NETSIM");
	g_assert_nonnull(prog); /* set by the meson.build of the test suite */
	GPtrArray *args = g_ptr_array_new();
	g_ptr_array_add(args, (gpointer)prog);
	for (const char *const *a = argv; *a; a++)
		g_ptr_array_add(args, (gpointer)*a);
	g_ptr_array_add(args, NULL);

	struct netsim_result r = {0};
	char **envp = make_env(env);
	GError *e = NULL;
	gint status = 0;
	gboolean ok = g_spawn_sync(cwd, (char **)args->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
				   &r.out, &r.err, &status, &e);
	g_assert_no_error(e);
	g_assert_true(ok);
	if (WIFEXITED(status))
		r.status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r.status = 128 + WTERMSIG(status);
	g_strfreev(envp);
	g_ptr_array_free(args, TRUE);
	return r;
}

struct netsim_result netsim_run(const char *cwd, const char *const *env, const char *arg0, ...)
{
	GPtrArray *a = g_ptr_array_new();
	va_list ap;
	va_start(ap, arg0);
	for (const char *s = arg0; s; s = va_arg(ap, const char *))
		g_ptr_array_add(a, (gpointer)s);
	va_end(ap);
	g_ptr_array_add(a, NULL);
	struct netsim_result r = netsim_runv(cwd, env, (const char *const *)a->pdata);
	g_ptr_array_free(a, TRUE);
	return r;
}

void netsim_result_clear(struct netsim_result *r)
{
	g_free(r->out);
	g_free(r->err);
	memset(r, 0, sizeof(*r));
}

char *tmpdir_new(void)
{
	GError *e = NULL;
	char *d = g_dir_make_tmp("netsim-test-XXXXXX", &e);
	g_assert_no_error(e);
	return d;
}

void rm_rf(const char *path)
{
	sim_remove_tree(path);
}

char *write_file(const char *dir, const char *name, const char *text)
{
	char *p = g_build_filename(dir, name, NULL);
	GError *e = NULL;
	g_file_set_contents(p, text, -1, &e);
	g_assert_no_error(e);
	return p;
}

char *read_text(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);
	gchar *t = NULL;
	g_file_get_contents(p, &t, NULL, NULL);
	g_free(p);
	return t;
}

int hidden_entries(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	int n = 0;
	const char *nm;
	while (d && (nm = g_dir_read_name(d)) != NULL)
		n += nm[0] == '.';
	if (d)
		g_dir_close(d);
	return n;
}

cJSON *read_json(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);
	gchar *text = NULL;
	cJSON *j = NULL;
	if (g_file_get_contents(p, &text, NULL, NULL))
		j = cJSON_Parse(text);
	g_free(text);
	g_free(p);
	return j;
}

char *trace_hash_of(const char *out)
{
	const char *p = out ? strstr(out, "trace-hash: ") : NULL;
	if (!p)
		return NULL;
	p += strlen("trace-hash: ");
	const char *e = strchr(p, '\n');
	return e ? g_strndup(p, (gsize)(e - p)) : g_strdup(p);
}
