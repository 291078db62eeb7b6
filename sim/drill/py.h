/* sim/drill/py.h — the subset of Python that packetdrill scripts use in %{ }% blocks.
 *
 * packetdrill hands these blocks, with the tcp_info values of the connection under
 * test, to a real Python interpreter. netsim runs no Python: this is a small
 * interpreter for what the TCP scripts write, parsed when the script is parsed (so a
 * block outside the subset is a FILE:LINE:COL error, not a surprise at run time):
 *
 *   statements  assert TEST [, MSG]; print(ARGS); NAME = EXPR; NAME op= EXPR; pass;
 *               bare expressions; separated by newlines or ';', '\' continues a line,
 *               '#' comments
 *   expressions integers (decimal, hex), floats, strings ('…' or "…", adjacent ones
 *               concatenate), True/False/None, names, ( ) and tuples,
 *               + - * / // % ** (and unary + - ~), & | ^ << >>,
 *               comparisons == != < <= > >= (chained: a <= x <= b), not/and/or,
 *               X if C else Y, str % ARGS formatting (%d %i %u %s %r %x %X %o %f %g),
 *               calls of print, int, float, str, abs, min, max, len
 *
 * Names: `tcpi_*` come from the connection's tcp_info at the time of the block (the
 * caller's lookup function, which may say that netsim does not model a field), the
 * Linux constants packetdrill defines (TCP_CA_Open … TCP_CA_Loss, TCP_ESTABLISHED …
 * TCP_CLOSING, TCPI_OPT_*), then variables assigned by earlier statements of any block
 * of the script (one namespace per script run, as packetdrill's single program).
 * Integers are 64-bit; an overflow is a runtime error rather than a wrong answer.
 */
#ifndef SIM_DRILL_PY_H
#define SIM_DRILL_PY_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct drill_py_block;
struct drill_py_env;

/* Parses a code block. `line`/`col` give the position of text[0] in the script, so
 * errors read "LINE:COL: message" in script coordinates. Returns 0 or -1 with *error. */
int drill_py_parse(const char *text, int line, int col, struct drill_py_block **out, char **error);
void drill_py_block_free(struct drill_py_block *b);

/* Result of looking a tcpi_* name up. */
enum drill_py_lookup {
	DRILL_PY_FOUND,
	DRILL_PY_UNKNOWN, /* no such field: a NameError */
	DRILL_PY_MISSING, /* a Linux field netsim does not model: *why says which */
};
typedef enum drill_py_lookup (*drill_py_lookup_fn)(void *ctx, const char *name, int64_t *value,
                                                   const char **why);

struct drill_py_env *drill_py_env_new(drill_py_lookup_fn lookup, void *ctx);
void drill_py_env_free(struct drill_py_env *env);

enum drill_py_status {
	DRILL_PY_OK,
	DRILL_PY_ASSERT, /* an assertion failed: *message explains */
	DRILL_PY_ERROR,  /* a runtime error (name, type, overflow): *message */
	DRILL_PY_SKIP,   /* a tcp_info field netsim does not model: *message */
};

/* Runs the block. print() output is appended to `out` (one line per call). On a
 * status other than OK, *message (g_free it) reads "LINE:COL: text" for errors and
 * "expected COND, got NAME=VALUE..." for assertions, and *line is the line. */
enum drill_py_status drill_py_exec(struct drill_py_env *env, const struct drill_py_block *b,
                                   GString *out, char **message, int *line);

#endif
