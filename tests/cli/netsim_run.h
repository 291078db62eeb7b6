/* tests/cli/netsim_run.h — running the netsim program from tests (suites cli,
 * scenario, regress).
 *
 * The program's path comes from the environment variable NETSIM, which meson sets
 * for these tests. Every run happens in a working directory the test chooses
 * (usually a fresh temporary one), so default output directories land there.
 */
#ifndef TESTS_CLI_NETSIM_RUN_H
#define TESTS_CLI_NETSIM_RUN_H

#include <cjson/cJSON.h>
#include <glib.h>

struct netsim_result {
	int status;  /* exit code; 128 + signal when killed */
	char *out;   /* stdout */
	char *err;   /* stderr */
};

/* Runs `netsim ARGS...` (NULL-terminated) in directory cwd with the extra environment
 * assignments in env (NULL-terminated "NAME=value" list, may be NULL). */
struct netsim_result netsim_run(const char *cwd, const char *const *env, const char *arg0, ...)
	G_GNUC_NULL_TERMINATED;

/* The same with an argument vector. */
struct netsim_result netsim_runv(const char *cwd, const char *const *env, const char *const *argv);

void netsim_result_clear(struct netsim_result *r);

/* A fresh temporary directory (g_free the path; remove it with rm_rf). */
char *tmpdir_new(void);
void rm_rf(const char *path);

/* Writes text into dir/name; returns the full path (g_free). */
char *write_file(const char *dir, const char *name, const char *text);

/* The text of dir/name (g_free), or NULL if it cannot be read. */
char *read_text(const char *dir, const char *name);

/* Number of names in dir starting with '.' (staging directories left behind). */
int hidden_entries(const char *dir);

/* Reads and parses dir/name as JSON (NULL if missing or invalid). */
cJSON *read_json(const char *dir, const char *name);

/* The value of the "trace-hash: " line of a run's stdout (g_free), or NULL. */
char *trace_hash_of(const char *out);

/* The source tree (scenarios/, plots/, docs/). */
const char *source_root(void);

#endif
