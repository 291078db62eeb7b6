/* sim/drill/info.c — %{ }% blocks: the Python subset (py.h) over the tcp_info of the
 * connection under test (models/tcp/info.h), read at the block's time.
 *
 * packetdrill records tcp_info when the block's time comes and runs all the Python at
 * the end; the values are the same, but here each block runs at once, so a failed
 * assertion names its own line and time. A field netsim does not model makes the
 * script skip with the reason.
 */
#include <string.h>

#include "models/tcp/info.h"
#include "sim/drill/run_int.h"

static enum drill_py_lookup lookup(void *ctx, const char *name, int64_t *value, const char **why)
{
	struct drill_run *r = ctx;
	struct tcp_sock *s = r->cur ? r->cur->sock : NULL;
	if (!s) {
		*why = "tcp_info: the connection under test has no open socket";
		return DRILL_PY_MISSING;
	}
	uint64_t v = 0;
	const char *w = NULL;
	switch (tcp_info_get(s, name, &v, &w)) {
	case TCP_INFO_OK:
		*value = (int64_t)v;
		return DRILL_PY_FOUND;
	case TCP_INFO_NOT_MODELLED: {
		/* The reason outlives this call: keep one per name in the run. */
		*why = w;
		return DRILL_PY_MISSING;
	}
	default:
		return DRILL_PY_UNKNOWN;
	}
}

void drill_info_setup(struct drill_run *r)
{
	r->py = drill_py_env_new(lookup, r);
}

void drill_info_run(struct drill_run *r, const struct drill_event *e)
{
	char *msg = NULL;
	int line = e->line;
	g_string_truncate(r->py_out, 0);
	enum drill_py_status st = drill_py_exec(r->py, e->code, r->py_out, &msg, &line);
	if (r->py_out->len)
		drill_log(r, "python: %s", r->py_out->str);
	switch (st) {
	case DRILL_PY_OK:
		break;
	case DRILL_PY_ASSERT:
		drill_fail(r, line, "%s", msg);
		break;
	case DRILL_PY_ERROR:
		drill_fail(r, line, "error in Python code: %s", msg);
		break;
	case DRILL_PY_SKIP:
		drill_skip(r, line, "needs %s", msg);
		break;
	}
	g_free(msg);
}
