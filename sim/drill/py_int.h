/* sim/drill/py_int.h — internals shared by py.c (parser) and py_eval.c (evaluator). */
#ifndef SIM_DRILL_PY_INT_H
#define SIM_DRILL_PY_INT_H

#include <stdint.h>

#include "sim/drill/py.h"

enum py_node_kind {
	PN_INT,
	PN_FLOAT,
	PN_STR,
	PN_NONE,
	PN_BOOL,
	PN_NAME,
	PN_TUPLE,
	PN_UNARY,  /* op: '-', '+', '~', 'n' (not) */
	PN_BINARY, /* op: PY_OP_* */
	PN_AND,
	PN_OR,
	PN_COMPARE, /* kids[0] op[0] kids[1] op[1] kids[2] ... */
	PN_CALL,    /* text = function name, kids = arguments */
	PN_IFEXP,   /* kids: value, condition, else */
};

enum py_op {
	PY_OP_ADD,
	PY_OP_SUB,
	PY_OP_MUL,
	PY_OP_DIV,
	PY_OP_FLOORDIV,
	PY_OP_MOD,
	PY_OP_POW,
	PY_OP_AND,
	PY_OP_OR,
	PY_OP_XOR,
	PY_OP_SHL,
	PY_OP_SHR,
	PY_OP_EQ,
	PY_OP_NE,
	PY_OP_LT,
	PY_OP_LE,
	PY_OP_GT,
	PY_OP_GE,
};

struct py_node {
	enum py_node_kind kind;
	int line, col;
	int64_t i;
	double f;
	char *text; /* STR, NAME, CALL */
	int op;     /* UNARY, BINARY */
	int *ops;   /* COMPARE: n - 1 operators */
	struct py_node **kids;
	int n;
	int height; /* levels of nodes below this one (0: a leaf) */
};

/* The highest tree an expression may make. Evaluating and freeing one recurse once per
 * level, so a chain such as 1+1+...+1, which the parser reads in a loop, is bounded
 * here rather than by the stack. */
#define PY_MAX_HEIGHT 500

enum py_stmt_kind {
	PS_ASSERT, /* e = test, msg = optional message */
	PS_ASSIGN, /* name = e (op < 0) or name op= e */
	PS_EXPR,
	PS_PASS,
};

struct py_stmt {
	enum py_stmt_kind kind;
	int line, col;
	char *name;
	int op;
	struct py_node *e, *msg;
	char *src; /* ASSERT: the test's source text, for messages */
};

struct drill_py_block {
	struct py_stmt *stmts;
	int n;
};

void py_node_free(struct py_node *n);

#endif
