/* sim/drill/py.c — tokenizer and parser of the Python subset (py.h).
 *
 * Python's own grammar, cut down to what py.h lists: logical lines (newlines inside
 * brackets and after a backslash do not end a statement), the precedence ladder
 * `if-else` < or < and < not < comparisons < | < ^ < & < shifts < + - < * / // % <
 * unary < ** , calls of a few built-in names, tuples in parentheses. Indentation is not
 * significant here (the scripts never nest blocks); everything else Python would
 * reject is rejected with the line and column of the offending token.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "sim/drill/py_int.h"

enum pt_kind { PT_NAME, PT_INT, PT_FLOAT, PT_STR, PT_OP, PT_NEWLINE, PT_EOF };

struct ptok {
	enum pt_kind kind;
	int line, col;
	size_t start, end; /* byte offsets in the block text */
	int64_t i;
	double f;
	char *text; /* NAME, STR (decoded), OP */
};

struct pparser {
	const char *src;
	GArray *toks;
	int k;
	char *error;
};

static int perr(struct pparser *p, int line, int col, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static int perr(struct pparser *p, int line, int col, const char *fmt, ...)
{
	if (p->error)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	p->error = g_strdup_printf("%d:%d: %s", line, col, m);
	g_free(m);
	return -1;
}

/* ---- tokenizer ---- */

struct pscan {
	const char *s;
	size_t pos;
	int line, col, depth;
};

static void scan_adv(struct pscan *sc, size_t n)
{
	for (size_t i = 0; i < n && sc->s[sc->pos]; i++, sc->pos++) {
		if (sc->s[sc->pos] == '\n') {
			sc->line++;
			sc->col = 1;
		} else {
			sc->col++;
		}
	}
}

static const char *const ops3[] = {"**=", "//=", "<<=", ">>=", NULL};
static const char *const ops2[] = {"==", "!=", "<=", ">=", "//", "**", "<<", ">>", "+=",
                                   "-=", "*=", "/=", "%=", "&=", "|=", "^=", NULL};
static const char ops1[] = "+-*/%<>=()[],;:&|^~.";

static int scan_string(struct pparser *p, struct pscan *sc, struct ptok *t)
{
	char q = sc->s[sc->pos];
	GString *v = g_string_new(NULL);
	scan_adv(sc, 1);
	while (sc->s[sc->pos] && sc->s[sc->pos] != q && sc->s[sc->pos] != '\n') {
		char c = sc->s[sc->pos];
		if (c == '\\' && sc->s[sc->pos + 1]) {
			char e = sc->s[sc->pos + 1];
			g_string_append_c(v, e == 'n' ? '\n' : e == 't' ? '\t' : e);
			scan_adv(sc, 2);
			continue;
		}
		g_string_append_c(v, c);
		scan_adv(sc, 1);
	}
	if (sc->s[sc->pos] != q) {
		g_string_free(v, TRUE);
		return perr(p, t->line, t->col, "unterminated string");
	}
	scan_adv(sc, 1);
	t->kind = PT_STR;
	t->text = g_string_free(v, FALSE);
	return 0;
}

static int scan_number(struct pparser *p, struct pscan *sc, struct ptok *t)
{
	const char *s = sc->s + sc->pos;
	char *end = NULL;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		guint64 v = g_ascii_strtoull(s + 2, &end, 16);
		if (end == s + 2 || errno == ERANGE || v > (guint64)INT64_MAX)
			return perr(p, t->line, t->col, "bad hex literal");
		t->kind = PT_INT;
		t->i = (int64_t)v;
	} else {
		size_t n = strspn(s, "0123456789");
		if (s[n] == '.' || s[n] == 'e' || s[n] == 'E') {
			t->f = g_ascii_strtod(s, &end);
			t->kind = PT_FLOAT;
		} else {
			guint64 v = g_ascii_strtoull(s, &end, 10);
			if (errno == ERANGE || v > (guint64)INT64_MAX)
				return perr(p, t->line, t->col, "integer literal too large");
			t->kind = PT_INT;
			t->i = (int64_t)v;
		}
	}
	if (g_ascii_isalnum(*end) || *end == '_')
		return perr(p, t->line, t->col, "invalid number literal");
	scan_adv(sc, (size_t)(end - s));
	return 0;
}

static int scan_op(struct pparser *p, struct pscan *sc, struct ptok *t)
{
	const char *s = sc->s + sc->pos;
	const char *const *tabs[2] = {ops3, ops2};
	for (int k = 0; k < 2; k++)
		for (int i = 0; tabs[k][i]; i++)
			if (strncmp(s, tabs[k][i], strlen(tabs[k][i])) == 0) {
				t->text = g_strdup(tabs[k][i]);
				scan_adv(sc, strlen(t->text));
				return 0;
			}
	if (*s && strchr(ops1, *s)) {
		t->text = g_strndup(s, 1);
		if (*s == '(' || *s == '[')
			sc->depth++;
		if ((*s == ')' || *s == ']') && sc->depth > 0)
			sc->depth--;
		scan_adv(sc, 1);
		return 0;
	}
	/* Escaped (a control character as \031), so that the message stays one line. */
	char c[2] = {*s, 0};
	char *q = g_strescape(c, NULL);
	perr(p, t->line, t->col, "unexpected character '%s' in Python code", q);
	g_free(q);
	return -1;
}

/* Skips blanks, comments and line continuations; returns true at a newline that ends a
 * logical line. */
static bool scan_space(struct pscan *sc)
{
	for (;;) {
		char c = sc->s[sc->pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
			scan_adv(sc, 1);
		} else if (c == '#') {
			while (sc->s[sc->pos] && sc->s[sc->pos] != '\n')
				scan_adv(sc, 1);
		} else if (c == '\\' && sc->s[sc->pos + 1] == '\n') {
			scan_adv(sc, 2);
		} else if (c == '\\' && sc->s[sc->pos + 1] == '\r' && sc->s[sc->pos + 2] == '\n') {
			scan_adv(sc, 3);
		} else if (c == '\n' && sc->depth > 0) {
			scan_adv(sc, 1);
		} else {
			return c == '\n';
		}
	}
}

static int tokenize(struct pparser *p, int line, int col)
{
	struct pscan sc = {.s = p->src, .line = line, .col = col};
	for (;;) {
		bool nl = scan_space(&sc);
		struct ptok t = {.line = sc.line, .col = sc.col, .start = sc.pos};
		char c = sc.s[sc.pos];
		int r = 0;
		if (nl) {
			t.kind = PT_NEWLINE;
			scan_adv(&sc, 1);
		} else if (c == '\0') {
			t.kind = PT_EOF;
		} else if (c == '\'' || c == '"') {
			r = scan_string(p, &sc, &t);
		} else if (g_ascii_isdigit(c) || (c == '.' && g_ascii_isdigit(sc.s[sc.pos + 1]))) {
			r = scan_number(p, &sc, &t);
		} else if (g_ascii_isalpha(c) || c == '_') {
			size_t n = 0;
			while (g_ascii_isalnum(sc.s[sc.pos + n]) || sc.s[sc.pos + n] == '_')
				n++;
			t.kind = PT_NAME;
			t.text = g_strndup(sc.s + sc.pos, n);
			scan_adv(&sc, n);
		} else {
			t.kind = PT_OP;
			r = scan_op(p, &sc, &t);
		}
		t.end = sc.pos;
		g_array_append_val(p->toks, t);
		if (r)
			return -1;
		if (t.kind == PT_EOF)
			return 0;
	}
}

/* ---- parser ---- */

static struct ptok *cur(struct pparser *p)
{
	return &g_array_index(p->toks, struct ptok, p->k);
}

static void adv(struct pparser *p)
{
	if (cur(p)->kind != PT_EOF)
		p->k++;
}

static bool is_op(struct pparser *p, const char *op)
{
	return cur(p)->kind == PT_OP && strcmp(cur(p)->text, op) == 0;
}

static bool is_kw(struct pparser *p, const char *kw)
{
	return cur(p)->kind == PT_NAME && strcmp(cur(p)->text, kw) == 0;
}

static int unexpected(struct pparser *p, const char *what)
{
	struct ptok *t = cur(p);
	const char *got = t->kind == PT_EOF       ? "end of code"
	                  : t->kind == PT_NEWLINE ? "end of line"
	                                          : NULL;
	if (got)
		return perr(p, t->line, t->col, "expected %s, got %s", what, got);
	char *txt = g_strndup(p->src + t->start, MIN(t->end - t->start, (size_t)20));
	char *q = g_strescape(txt, NULL); /* one line */
	perr(p, t->line, t->col, "expected %s, got '%s'", what, q);
	g_free(q);
	g_free(txt);
	return -1;
}

static struct py_node *node_new(struct pparser *p, enum py_node_kind k)
{
	struct py_node *n = g_new0(struct py_node, 1);
	n->kind = k;
	n->line = cur(p)->line;
	n->col = cur(p)->col;
	return n;
}

void py_node_free(struct py_node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->n; i++)
		py_node_free(n->kids[i]);
	g_free(n->kids);
	g_free(n->ops);
	g_free(n->text);
	g_free(n);
}

static void add_kid(struct py_node *n, struct py_node *k)
{
	n->kids = g_renew(struct py_node *, n->kids, n->n + 1);
	n->kids[n->n++] = k;
	if (k->height >= n->height)
		n->height = k->height + 1;
}

static struct py_node *test(struct pparser *p, int depth);

/* "(" [test ("," test)* [","]] ")": a parenthesised expression or a tuple. */
static struct py_node *paren(struct pparser *p, int depth)
{
	struct py_node *t = node_new(p, PN_TUPLE);
	adv(p);
	bool comma = false;
	while (!is_op(p, ")")) {
		struct py_node *e = test(p, depth + 1);
		if (!e) {
			py_node_free(t);
			return NULL;
		}
		add_kid(t, e);
		if (!is_op(p, ","))
			break;
		comma = true;
		adv(p);
	}
	if (!is_op(p, ")")) {
		unexpected(p, "',' or ')'");
		py_node_free(t);
		return NULL;
	}
	adv(p);
	if (t->n == 1 && !comma) {
		struct py_node *e = t->kids[0];
		t->n = 0;
		py_node_free(t);
		return e;
	}
	return t;
}

static struct py_node *atom_name(struct pparser *p)
{
	struct ptok *t = cur(p);
	struct py_node *n;
	if (!strcmp(t->text, "True") || !strcmp(t->text, "False")) {
		n = node_new(p, PN_BOOL);
		n->i = t->text[0] == 'T';
	} else if (!strcmp(t->text, "None")) {
		n = node_new(p, PN_NONE);
	} else {
		n = node_new(p, PN_NAME);
		n->text = g_strdup(t->text);
	}
	adv(p);
	return n;
}

static struct py_node *atom(struct pparser *p, int depth)
{
	struct ptok *t = cur(p);
	struct py_node *n;
	switch (t->kind) {
	case PT_INT:
		n = node_new(p, PN_INT);
		n->i = t->i;
		adv(p);
		return n;
	case PT_FLOAT:
		n = node_new(p, PN_FLOAT);
		n->f = t->f;
		adv(p);
		return n;
	case PT_STR:
		n = node_new(p, PN_STR);
		n->text = g_strdup("");
		while (cur(p)->kind == PT_STR) {
			char *s = g_strconcat(n->text, cur(p)->text, NULL);
			g_free(n->text);
			n->text = s;
			adv(p);
		}
		return n;
	case PT_NAME:
		return atom_name(p);
	default:
		break;
	}
	if (is_op(p, "("))
		return paren(p, depth);
	unexpected(p, "an expression");
	return NULL;
}

static const char *const builtins[] = {"print", "int", "float", "str", "abs",
                                       "min",   "max", "len",   NULL};

/* atom, or NAME "(" args ")" for a built-in function. */
static struct py_node *call_or_atom(struct pparser *p, int depth)
{
	struct ptok *t = cur(p);
	int line = t->line, col = t->col;
	/* The callee is a name, maybe in parentheses: `(print)(x)` calls print too. */
	struct py_node *a = atom(p, depth);
	if (!a || !is_op(p, "("))
		return a;
	if (a->kind != PN_NAME) {
		perr(p, line, col, "only built-in functions can be called");
		py_node_free(a);
		return NULL;
	}
	bool known = false;
	for (int i = 0; builtins[i]; i++)
		known |= strcmp(builtins[i], a->text) == 0;
	if (!known) {
		perr(p, line, col, "function '%s' is not in the supported Python subset", a->text);
		py_node_free(a);
		return NULL;
	}
	a->kind = PN_CALL;
	adv(p);
	while (!is_op(p, ")")) {
		struct py_node *e = test(p, depth + 1);
		if (!e) {
			py_node_free(a);
			return NULL;
		}
		add_kid(a, e);
		if (!is_op(p, ","))
			break;
		adv(p);
	}
	if (!is_op(p, ")")) {
		unexpected(p, "',' or ')'");
		py_node_free(a);
		return NULL;
	}
	adv(p);
	return a;
}

static struct py_node *binary(struct pparser *p, struct py_node *l, int op, struct py_node *r)
{
	struct py_node *n = g_new0(struct py_node, 1);
	n->kind = PN_BINARY;
	n->op = op;
	n->line = l->line;
	n->col = l->col;
	add_kid(n, l);
	add_kid(n, r);
	if (n->height > PY_MAX_HEIGHT) {
		perr(p, n->line, n->col, "expression nested too deeply");
		py_node_free(n);
		return NULL;
	}
	return n;
}

static struct py_node *factor(struct pparser *p, int depth);

static struct py_node *power(struct pparser *p, int depth)
{
	struct py_node *b = call_or_atom(p, depth);
	if (!b || !is_op(p, "**"))
		return b;
	adv(p);
	struct py_node *e = factor(p, depth + 1);
	if (!e) {
		py_node_free(b);
		return NULL;
	}
	return binary(p, b, PY_OP_POW, e);
}

static struct py_node *factor(struct pparser *p, int depth)
{
	if (depth > 100) {
		perr(p, cur(p)->line, cur(p)->col, "expression nested too deeply");
		return NULL;
	}
	if (is_op(p, "-") || is_op(p, "+") || is_op(p, "~")) {
		struct py_node *n = node_new(p, PN_UNARY);
		n->op = cur(p)->text[0];
		adv(p);
		struct py_node *e = factor(p, depth + 1);
		if (!e) {
			py_node_free(n);
			return NULL;
		}
		add_kid(n, e);
		return n;
	}
	return power(p, depth);
}

/* One level of left-associative binary operators. */
struct level {
	const char *ops[5];
	int codes[5];
};

static const struct level levels[] = {
    {{"|"}, {PY_OP_OR}},
    {{"^"}, {PY_OP_XOR}},
    {{"&"}, {PY_OP_AND}},
    {{"<<", ">>"}, {PY_OP_SHL, PY_OP_SHR}},
    {{"+", "-"}, {PY_OP_ADD, PY_OP_SUB}},
    {{"*", "/", "//", "%"}, {PY_OP_MUL, PY_OP_DIV, PY_OP_FLOORDIV, PY_OP_MOD}},
};

static struct py_node *binlevel(struct pparser *p, int lv, int depth)
{
	if (lv == (int)G_N_ELEMENTS(levels))
		return factor(p, depth);
	struct py_node *l = binlevel(p, lv + 1, depth);
	while (l) {
		int code = -1;
		for (int i = 0; i < 5 && levels[lv].ops[i]; i++)
			if (is_op(p, levels[lv].ops[i]))
				code = levels[lv].codes[i];
		if (code < 0)
			break;
		adv(p);
		struct py_node *r = binlevel(p, lv + 1, depth);
		if (!r) {
			py_node_free(l);
			return NULL;
		}
		l = binary(p, l, code, r);
	}
	return l;
}

static int compare_op(struct pparser *p)
{
	static const char *const names[] = {"==", "!=", "<", "<=", ">", ">="};
	static const int codes[] = {PY_OP_EQ, PY_OP_NE, PY_OP_LT, PY_OP_LE, PY_OP_GT, PY_OP_GE};
	for (int i = 0; i < 6; i++)
		if (is_op(p, names[i]))
			return codes[i];
	return -1;
}

static struct py_node *comparison(struct pparser *p, int depth)
{
	struct py_node *l = binlevel(p, 0, depth);
	if (!l || compare_op(p) < 0)
		return l;
	struct py_node *c = g_new0(struct py_node, 1);
	c->kind = PN_COMPARE;
	c->line = l->line;
	c->col = l->col;
	add_kid(c, l);
	int op;
	while ((op = compare_op(p)) >= 0) {
		adv(p);
		struct py_node *r = binlevel(p, 0, depth);
		if (!r) {
			py_node_free(c);
			return NULL;
		}
		c->ops = g_renew(int, c->ops, c->n);
		c->ops[c->n - 1] = op;
		add_kid(c, r);
	}
	return c;
}

static struct py_node *not_test(struct pparser *p, int depth)
{
	if (!is_kw(p, "not"))
		return comparison(p, depth);
	if (depth > 100) { /* `not not ...` nests as deep as parentheses may */
		perr(p, cur(p)->line, cur(p)->col, "expression nested too deeply");
		return NULL;
	}
	struct py_node *n = node_new(p, PN_UNARY);
	n->op = 'n';
	adv(p);
	struct py_node *e = not_test(p, depth + 1);
	if (!e) {
		py_node_free(n);
		return NULL;
	}
	add_kid(n, e);
	return n;
}

static struct py_node *bool_chain(struct pparser *p, int depth, bool is_or)
{
	struct py_node *l = is_or ? bool_chain(p, depth, false) : not_test(p, depth);
	if (!l || !is_kw(p, is_or ? "or" : "and"))
		return l;
	struct py_node *n = g_new0(struct py_node, 1);
	n->kind = is_or ? PN_OR : PN_AND;
	n->line = l->line;
	n->col = l->col;
	add_kid(n, l);
	while (is_kw(p, is_or ? "or" : "and")) {
		adv(p);
		struct py_node *r = is_or ? bool_chain(p, depth, false) : not_test(p, depth);
		if (!r) {
			py_node_free(n);
			return NULL;
		}
		add_kid(n, r);
	}
	return n;
}

static struct py_node *test(struct pparser *p, int depth)
{
	if (depth > 100) {
		perr(p, cur(p)->line, cur(p)->col, "expression nested too deeply");
		return NULL;
	}
	struct py_node *v = bool_chain(p, depth, true);
	if (!v || !is_kw(p, "if"))
		return v;
	struct py_node *n = g_new0(struct py_node, 1);
	n->kind = PN_IFEXP;
	n->line = v->line;
	n->col = v->col;
	add_kid(n, v);
	adv(p);
	struct py_node *c = bool_chain(p, depth, true);
	if (c) {
		add_kid(n, c);
		if (is_kw(p, "else")) {
			adv(p);
			struct py_node *e = test(p, depth + 1);
			if (e) {
				add_kid(n, e);
				return n;
			}
		} else {
			unexpected(p, "'else'");
		}
	}
	py_node_free(n);
	return NULL;
}

/* ---- statements ---- */

static const char *const aug_ops[] = {
    "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=", NULL};
static const int aug_codes[] = {PY_OP_ADD,      PY_OP_SUB, PY_OP_MUL, PY_OP_DIV,
                                PY_OP_FLOORDIV, PY_OP_MOD, PY_OP_POW, PY_OP_AND,
                                PY_OP_OR,       PY_OP_XOR, PY_OP_SHL, PY_OP_SHR};

static int assign_stmt(struct pparser *p, struct py_stmt *s)
{
	s->kind = PS_ASSIGN;
	s->name = g_strdup(cur(p)->text);
	adv(p);
	s->op = -1;
	for (int i = 0; aug_ops[i]; i++)
		if (is_op(p, aug_ops[i]))
			s->op = aug_codes[i];
	adv(p);
	s->e = test(p, 0);
	return s->e ? 0 : -1;
}

static int simple_stmt(struct pparser *p, struct py_stmt *s)
{
	s->line = cur(p)->line;
	s->col = cur(p)->col;
	if (is_kw(p, "assert")) {
		s->kind = PS_ASSERT;
		adv(p);
		size_t start = cur(p)->start;
		s->e = test(p, 0);
		if (!s->e)
			return -1;
		size_t end = g_array_index(p->toks, struct ptok, p->k - 1).end;
		s->src = g_strndup(p->src + start, end - start);
		if (is_op(p, ",")) {
			adv(p);
			s->msg = test(p, 0);
			return s->msg ? 0 : -1;
		}
		return 0;
	}
	if (is_kw(p, "pass")) {
		s->kind = PS_PASS;
		adv(p);
		return 0;
	}
	static const char *const unsupported[] = {"if",   "for",    "while",  "def", "import",
	                                          "from", "class",  "return", "del", "with",
	                                          "try",  "lambda", NULL};
	for (int i = 0; unsupported[i]; i++)
		if (is_kw(p, unsupported[i]))
			return perr(p, s->line, s->col,
			            "'%s' is not in the supported Python subset", unsupported[i]);
	struct ptok *n1 = &g_array_index(p->toks, struct ptok, p->k + 1);
	bool assign = false;
	if (cur(p)->kind == PT_NAME && n1->kind == PT_OP) {
		assign = strcmp(n1->text, "=") == 0;
		for (int i = 0; aug_ops[i]; i++)
			assign |= strcmp(n1->text, aug_ops[i]) == 0;
	}
	if (assign)
		return assign_stmt(p, s);
	s->kind = PS_EXPR;
	s->e = test(p, 0);
	if (s->e && is_op(p, "="))
		return perr(p, cur(p)->line, cur(p)->col, "can only assign to a name");
	return s->e ? 0 : -1;
}

static void stmt_fini(struct py_stmt *s)
{
	g_free(s->name);
	g_free(s->src);
	py_node_free(s->e);
	py_node_free(s->msg);
}

static int statements(struct pparser *p, GArray *stmts)
{
	while (cur(p)->kind != PT_EOF) {
		if (cur(p)->kind == PT_NEWLINE || is_op(p, ";")) {
			adv(p);
			continue;
		}
		struct py_stmt s = {0};
		int r = simple_stmt(p, &s);
		g_array_append_val(stmts, s);
		if (r)
			return -1;
		if (!is_op(p, ";") && cur(p)->kind != PT_NEWLINE && cur(p)->kind != PT_EOF)
			return unexpected(p, "';' or the end of the line");
	}
	return 0;
}

int drill_py_parse(const char *text, int line, int col, struct drill_py_block **out, char **error)
{
	struct pparser p = {.src = text};
	p.toks = g_array_new(FALSE, TRUE, sizeof(struct ptok));
	GArray *stmts = g_array_new(FALSE, TRUE, sizeof(struct py_stmt));
	int r = tokenize(&p, line, col);
	if (r == 0)
		r = statements(&p, stmts);
	for (guint i = 0; i < p.toks->len; i++)
		g_free(g_array_index(p.toks, struct ptok, i).text);
	g_array_free(p.toks, TRUE);
	struct drill_py_block *b = g_new0(struct drill_py_block, 1);
	b->n = (int)stmts->len;
	b->stmts = (struct py_stmt *)g_array_free(stmts, FALSE);
	if (r) {
		*error = p.error;
		drill_py_block_free(b);
		return -1;
	}
	*out = b;
	return 0;
}

void drill_py_block_free(struct drill_py_block *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++)
		stmt_fini(&b->stmts[i]);
	g_free(b->stmts);
	g_free(b);
}
