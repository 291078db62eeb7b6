/* sim/drill/py_eval.c — evaluator of the Python subset (py.h).
 *
 * Values are Python's None, bool, int (64-bit, overflow is an error), float, str and
 * tuple, with Python's semantics for the operators the subset has: true division
 * gives a float, // and % floor towards minus infinity, comparisons chain, and/or
 * return an operand, str % args formats printf-style.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/drill/py_int.h"

enum pv_kind { PV_NONE, PV_BOOL, PV_INT, PV_FLOAT, PV_STR, PV_TUPLE };

struct pv {
	enum pv_kind k;
	int64_t i;
	double f;
	char *s;
	struct pv *t;
	int n;
};

struct drill_py_env {
	GHashTable *vars; /* name → struct pv* */
	drill_py_lookup_fn lookup;
	void *ctx;
};

struct ev {
	struct drill_py_env *env;
	GString *out;
	enum drill_py_status status;
	char *msg;
	int line;
	GString *seen; /* names and values read while evaluating an assert's test */
};

static void pv_clear(struct pv *v)
{
	g_free(v->s);
	for (int i = 0; i < v->n; i++)
		pv_clear(&v->t[i]);
	g_free(v->t);
	memset(v, 0, sizeof(*v));
}

static struct pv pv_copy(const struct pv *v)
{
	struct pv c = *v;
	c.s = g_strdup(v->s);
	c.t = NULL; /* an empty tuple's own (one-element) array is not shared either */
	if (v->n) {
		c.t = g_new0(struct pv, v->n);
		for (int i = 0; i < v->n; i++)
			c.t[i] = pv_copy(&v->t[i]);
	}
	return c;
}

static struct pv pv_int(int64_t i)
{
	return (struct pv){.k = PV_INT, .i = i};
}

static void pv_free_ptr(gpointer p)
{
	pv_clear(p);
	g_free(p);
}

struct drill_py_env *drill_py_env_new(drill_py_lookup_fn lookup, void *ctx)
{
	struct drill_py_env *e = g_new0(struct drill_py_env, 1);
	e->vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pv_free_ptr);
	e->lookup = lookup;
	e->ctx = ctx;
	return e;
}

void drill_py_env_free(struct drill_py_env *e)
{
	if (!e)
		return;
	g_hash_table_destroy(e->vars);
	g_free(e);
}

static int fail(struct ev *ev, const struct py_node *n, enum drill_py_status st, const char *fmt,
                ...) G_GNUC_PRINTF(4, 5);

static int fail(struct ev *ev, const struct py_node *n, enum drill_py_status st, const char *fmt,
                ...)
{
	if (ev->msg)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ev->status = st;
	ev->line = n->line;
	ev->msg = st == DRILL_PY_SKIP ? m : g_strdup_printf("%d:%d: %s", n->line, n->col, m);
	if (st != DRILL_PY_SKIP)
		g_free(m);
	return -1;
}

/* ---- str() and repr() ---- */

static void fmt_float(GString *s, double f)
{
	if (isnan(f)) {
		g_string_append(s, "nan");
		return;
	}
	if (isinf(f)) {
		g_string_append(s, f > 0 ? "inf" : "-inf");
		return;
	}
	/* Python's repr: the fewest significant digits that read back as the same
	 * double, positional for exponents -4..15, scientific otherwise. */
	char buf[64], fmt[16];
	int prec = 1;
	for (; prec < 17; prec++) {
		g_snprintf(fmt, sizeof(fmt), "%%.%de", prec - 1);
		g_ascii_formatd(buf, sizeof(buf), fmt, f);
		if (g_ascii_strtod(buf, NULL) == f)
			break;
	}
	g_snprintf(fmt, sizeof(fmt), "%%.%de", prec - 1);
	g_ascii_formatd(buf, sizeof(buf), fmt, f);
	int exp10 = atoi(strchr(buf, 'e') + 1);
	if (exp10 >= -4 && exp10 < 16) {
		int decimals = prec - 1 - exp10 > 0 ? prec - 1 - exp10 : 0;
		g_snprintf(fmt, sizeof(fmt), "%%.%df", decimals);
		g_ascii_formatd(buf, sizeof(buf), fmt, f);
		g_string_append(s, buf);
		if (decimals == 0)
			g_string_append(s, ".0");
		return;
	}
	g_string_append(s, buf);
}

static void pv_str(GString *s, const struct pv *v, bool repr)
{
	switch (v->k) {
	case PV_NONE:
		g_string_append(s, "None");
		break;
	case PV_BOOL:
		g_string_append(s, v->i ? "True" : "False");
		break;
	case PV_INT:
		g_string_append_printf(s, "%" G_GINT64_FORMAT, v->i);
		break;
	case PV_FLOAT:
		fmt_float(s, v->f);
		break;
	case PV_STR:
		if (repr)
			g_string_append_printf(s, "'%s'", v->s);
		else
			g_string_append(s, v->s);
		break;
	case PV_TUPLE:
		g_string_append_c(s, '(');
		for (int i = 0; i < v->n; i++) {
			if (i)
				g_string_append(s, ", ");
			pv_str(s, &v->t[i], true);
		}
		g_string_append(s, v->n == 1 ? ",)" : ")");
		break;
	}
}

static const char *type_name(const struct pv *v)
{
	static const char *const names[] = {"NoneType", "bool", "int", "float", "str", "tuple"};
	return names[v->k];
}

static bool truthy(const struct pv *v)
{
	switch (v->k) {
	case PV_NONE:
		return false;
	case PV_BOOL:
	case PV_INT:
		return v->i != 0;
	case PV_FLOAT:
		return v->f != 0.0;
	case PV_STR:
		return v->s[0] != '\0';
	case PV_TUPLE:
		return v->n > 0;
	}
	return false;
}

static bool numeric(const struct pv *v)
{
	return v->k == PV_BOOL || v->k == PV_INT || v->k == PV_FLOAT;
}

static double as_double(const struct pv *v)
{
	return v->k == PV_FLOAT ? v->f : (double)v->i;
}

/* A number as a 64-bit integer, a float truncated toward zero as Python's int() does;
 * a float beyond 64 bits, infinite or NaN is an error (converting it would be
 * undefined in C). */
static int as_int(struct ev *ev, const struct py_node *n, const struct pv *v, int64_t *out)
{
	if (v->k != PV_FLOAT) {
		*out = v->i;
		return 0;
	}
	if (!(v->f >= -0x1p63 && v->f < 0x1p63))
		return fail(ev, n, DRILL_PY_ERROR, "cannot convert %g to int", v->f);
	*out = (int64_t)v->f;
	return 0;
}

/* ---- names ---- */

struct constant {
	const char *name;
	int64_t value;
};

/* The symbols packetdrill defines for Python code (Linux's values). */
static const struct constant constants[] = {
    {"TCP_ESTABLISHED", 1},    {"TCP_SYN_SENT", 2},        {"TCP_SYN_RECV", 3},
    {"TCP_FIN_WAIT1", 4},      {"TCP_FIN_WAIT2", 5},       {"TCP_TIME_WAIT", 6},
    {"TCP_CLOSE", 7},          {"TCP_CLOSE_WAIT", 8},      {"TCP_LAST_ACK", 9},
    {"TCP_LISTEN", 10},        {"TCP_CLOSING", 11},        {"TCP_CA_Open", 0},
    {"TCP_CA_Disorder", 1},    {"TCP_CA_CWR", 2},          {"TCP_CA_Recovery", 3},
    {"TCP_CA_Loss", 4},        {"TCPI_OPT_TIMESTAMPS", 1}, {"TCPI_OPT_SACK", 2},
    {"TCPI_OPT_WSCALE", 4},    {"TCPI_OPT_ECN", 8},        {"TCPI_OPT_ECN_SEEN", 16},
    {"TCPI_OPT_SYN_DATA", 32},
};

static int load_name(struct ev *ev, const struct py_node *n, struct pv *out)
{
	const char *name = n->text;
	if (g_str_has_prefix(name, "tcpi_") && ev->env->lookup) {
		int64_t v = 0;
		const char *why = NULL;
		enum drill_py_lookup r = ev->env->lookup(ev->env->ctx, name, &v, &why);
		if (r == DRILL_PY_FOUND) {
			*out = pv_int(v);
			if (ev->seen)
				g_string_append_printf(ev->seen, "%s%s=%" G_GINT64_FORMAT,
				                       ev->seen->len ? ", " : "", name, v);
			return 0;
		}
		if (r == DRILL_PY_MISSING)
			return fail(ev, n, DRILL_PY_SKIP, "%s (%s)", name,
			            why ? why : "not modelled");
	}
	for (size_t i = 0; i < G_N_ELEMENTS(constants); i++)
		if (strcmp(constants[i].name, name) == 0) {
			*out = pv_int(constants[i].value);
			return 0;
		}
	const struct pv *v = g_hash_table_lookup(ev->env->vars, name);
	if (!v)
		return fail(ev, n, DRILL_PY_ERROR, "name '%s' is not defined", name);
	*out = pv_copy(v);
	if (ev->seen && v->k != PV_STR && v->k != PV_TUPLE) {
		g_string_append_printf(ev->seen, "%s%s=", ev->seen->len ? ", " : "", name);
		pv_str(ev->seen, v, true);
	}
	return 0;
}

/* ---- arithmetic ---- */

/* a ** b for b >= 0 by repeated squaring: at most 64 steps whatever b (1 ** 2^62
 * multiplied one factor at a time would take years). The magnitude is computed
 * unsigned, so (-2) ** 63, which fits, is not refused. Returns true on overflow
 * (a result beyond 64 bits). */
static bool int_pow(int64_t a, int64_t b, int64_t *r)
{
	bool neg = a < 0 && (b & 1);
	uint64_t base = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
	uint64_t limit = neg ? UINT64_C(1) << 63 : (UINT64_C(1) << 63) - 1;
	uint64_t acc = 1;
	bool base_over = false; /* base no longer fits in 64 bits */
	for (uint64_t e = (uint64_t)b; e != 0; e >>= 1) {
		if (e & 1) {
			if (base_over || __builtin_mul_overflow(acc, base, &acc) || acc > limit)
				return true;
		}
		if (e > 1 && !base_over)
			base_over = __builtin_mul_overflow(base, base, &base);
	}
	*r = !neg ? (int64_t)acc : acc == UINT64_C(1) << 63 ? INT64_MIN : -(int64_t)acc;
	return false;
}

static int checked_int(struct ev *ev, const struct py_node *n, int op, int64_t a, int64_t b,
                       int64_t *r)
{
	bool ovf = false;
	switch (op) {
	case PY_OP_ADD:
		ovf = __builtin_add_overflow(a, b, r);
		break;
	case PY_OP_SUB:
		ovf = __builtin_sub_overflow(a, b, r);
		break;
	case PY_OP_MUL:
		ovf = __builtin_mul_overflow(a, b, r);
		break;
	case PY_OP_FLOORDIV:
	case PY_OP_MOD: {
		if (b == 0)
			return fail(ev, n, DRILL_PY_ERROR, "integer division or modulo by zero");
		if (a == INT64_MIN && b == -1)
			return fail(ev, n, DRILL_PY_ERROR, "integer overflow");
		int64_t q = a / b, m = a % b;
		if (m != 0 && ((m < 0) != (b < 0))) {
			q--;
			m += b;
		}
		*r = op == PY_OP_MOD ? m : q;
		return 0;
	}
	case PY_OP_POW: {
		if (b < 0)
			return fail(ev, n, DRILL_PY_ERROR, "negative integer power");
		ovf = int_pow(a, b, r);
		break;
	}
	case PY_OP_AND:
		*r = a & b;
		break;
	case PY_OP_OR:
		*r = a | b;
		break;
	case PY_OP_XOR:
		*r = a ^ b;
		break;
	case PY_OP_SHL:
		if (b < 0)
			return fail(ev, n, DRILL_PY_ERROR, "negative shift count");
		/* a * 2^b, as Python's shift of an unbounded integer, refused beyond 64
		 * bits; a negative value is multiplied, never shifted (undefined in C) */
		if (b >= 63) {
			ovf = a != 0 && !(b == 63 && a == -1);
			*r = a == 0 ? 0 : INT64_MIN;
		} else {
			ovf = __builtin_mul_overflow(a, INT64_C(1) << b, r);
		}
		break;
	case PY_OP_SHR:
		if (b < 0)
			return fail(ev, n, DRILL_PY_ERROR, "negative shift count");
		*r = b >= 63 ? (a < 0 ? -1 : 0) : a >> b;
		break;
	default:
		return -2;
	}
	return ovf ? fail(ev, n, DRILL_PY_ERROR, "integer overflow (beyond 64 bits)") : 0;
}

static int float_op(struct ev *ev, const struct py_node *n, int op, double a, double b, double *r)
{
	switch (op) {
	case PY_OP_ADD:
		*r = a + b;
		return 0;
	case PY_OP_SUB:
		*r = a - b;
		return 0;
	case PY_OP_MUL:
		*r = a * b;
		return 0;
	case PY_OP_DIV:
	case PY_OP_FLOORDIV:
	case PY_OP_MOD:
		if (b == 0.0)
			return fail(ev, n, DRILL_PY_ERROR, "float division by zero");
		*r = op == PY_OP_DIV        ? a / b
		     : op == PY_OP_FLOORDIV ? floor(a / b)
		                            : a - b * floor(a / b);
		return 0;
	case PY_OP_POW:
		*r = pow(a, b);
		return 0;
	default:
		return -2;
	}
}

/* One printf-style conversion of str % args. */
static int format_one(struct ev *ev, const struct py_node *n, GString *s, const char *spec,
                      char conv, const struct pv *a)
{
	char cfmt[40];
	if (conv == 's' || conv == 'r') {
		GString *t = g_string_new(NULL);
		pv_str(t, a, conv == 'r');
		g_snprintf(cfmt, sizeof(cfmt), "%%%ss", spec);
		g_string_append_printf(s, cfmt, t->str);
		g_string_free(t, TRUE);
		return 0;
	}
	if (!numeric(a))
		return fail(ev, n, DRILL_PY_ERROR, "%%%c format: a number is required, not %s",
		            conv, type_name(a));
	if (strchr("eEfFgG", conv)) {
		char buf[G_ASCII_DTOSTR_BUF_SIZE + 64];
		g_snprintf(cfmt, sizeof(cfmt), "%%%s%c", spec, conv);
		g_ascii_formatd(buf, sizeof(buf), cfmt, as_double(a));
		g_string_append(s, buf);
		return 0;
	}
	int64_t v = 0;
	if (as_int(ev, n, a, &v))
		return -1;
	char c = conv == 'i' || conv == 'u' ? 'd' : conv;
	g_snprintf(cfmt, sizeof(cfmt), "%%%s%s%c", spec, "ll", c);
	if (c == 'd')
		g_string_append_printf(s, cfmt, (long long)v);
	else if (c == 'c')
		g_string_append_c(s, (char)v);
	else
		g_string_append_printf(s, cfmt, (unsigned long long)v);
	return 0;
}

static int py_format(struct ev *ev, const struct py_node *n, const char *fmt, const struct pv *args,
                     struct pv *out)
{
	const struct pv *items = args->k == PV_TUPLE ? args->t : args;
	int ni = args->k == PV_TUPLE ? args->n : 1, used = 0;
	GString *s = g_string_new(NULL);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			g_string_append_c(s, *p);
			continue;
		}
		p++;
		size_t sl = strspn(p, "-+ 0#123456789.");
		if (sl > 20) {
			g_string_free(s, TRUE);
			return fail(ev, n, DRILL_PY_ERROR, "format specification too long");
		}
		/* A width or precision beyond three digits is refused: it could only
		 * ask for megabytes of padding. */
		for (size_t i = 0, run = 0; i < sl; i++) {
			run = g_ascii_isdigit(p[i]) ? run + 1 : 0;
			if (run > 3) {
				g_string_free(s, TRUE);
				return fail(ev, n, DRILL_PY_ERROR, "format width too large");
			}
		}
		char spec[24];
		memcpy(spec, p, sl);
		spec[sl] = 0;
		p += sl;
		while (*p == 'l' || *p == 'h' || *p == 'L')
			p++;
		if (*p == '%') {
			g_string_append_c(s, '%');
			continue;
		}
		if (!*p || !strchr("diouxXeEfFgGcrs", *p)) {
			g_string_free(s, TRUE);
			return fail(ev, n, DRILL_PY_ERROR, "unsupported format character");
		}
		if (used >= ni || format_one(ev, n, s, spec, *p, &items[used])) {
			g_string_free(s, TRUE);
			return used >= ni ? fail(ev, n, DRILL_PY_ERROR,
			                         "not enough arguments for format string")
			                  : -1;
		}
		used++;
	}
	if (used < ni) {
		g_string_free(s, TRUE);
		return fail(ev, n, DRILL_PY_ERROR,
		            "not all arguments converted during string formatting");
	}
	*out = (struct pv){.k = PV_STR, .s = g_string_free(s, FALSE)};
	return 0;
}

static int binop(struct ev *ev, const struct py_node *n, int op, struct pv *a, struct pv *b,
                 struct pv *out)
{
	if (op == PY_OP_MOD && a->k == PV_STR)
		return py_format(ev, n, a->s, b, out);
	if (op == PY_OP_ADD && a->k == PV_STR && b->k == PV_STR) {
		*out = (struct pv){.k = PV_STR, .s = g_strconcat(a->s, b->s, NULL)};
		return 0;
	}
	if (numeric(a) && numeric(b)) {
		if (a->k != PV_FLOAT && b->k != PV_FLOAT && op != PY_OP_DIV) {
			int64_t r = 0;
			int e = checked_int(ev, n, op, a->i, b->i, &r);
			if (e == 0)
				*out = pv_int(r);
			if (e != -2)
				return e;
		} else {
			double r = 0;
			int e = float_op(ev, n, op, as_double(a), as_double(b), &r);
			if (e == 0)
				*out = (struct pv){.k = PV_FLOAT, .f = r};
			if (e != -2)
				return e;
		}
	}
	return fail(ev, n, DRILL_PY_ERROR, "unsupported operand types for this operator: %s and %s",
	            type_name(a), type_name(b));
}

static int pv_cmp(const struct pv *a, const struct pv *b, int *ord)
{
	if (numeric(a) && numeric(b)) {
		if (a->k != PV_FLOAT && b->k != PV_FLOAT)
			*ord = (a->i > b->i) - (a->i < b->i);
		else
			*ord = (as_double(a) > as_double(b)) - (as_double(a) < as_double(b));
		return 0;
	}
	if (a->k == PV_STR && b->k == PV_STR) {
		*ord = strcmp(a->s, b->s);
		*ord = (*ord > 0) - (*ord < 0);
		return 0;
	}
	if (a->k == PV_TUPLE && b->k == PV_TUPLE) {
		for (int i = 0; i < a->n && i < b->n; i++) {
			if (pv_cmp(&a->t[i], &b->t[i], ord))
				return -1;
			if (*ord)
				return 0;
		}
		*ord = (a->n > b->n) - (a->n < b->n);
		return 0;
	}
	if (a->k == PV_NONE && b->k == PV_NONE) {
		*ord = 0;
		return 0;
	}
	return -1;
}

static int compare(struct ev *ev, const struct py_node *n, int op, const struct pv *a,
                   const struct pv *b, bool *res)
{
	int ord = 0;
	if (pv_cmp(a, b, &ord)) {
		if (op == PY_OP_EQ || op == PY_OP_NE) {
			*res = op == PY_OP_NE; /* different types are simply unequal */
			return 0;
		}
		return fail(ev, n, DRILL_PY_ERROR, "'<' not supported between %s and %s",
		            type_name(a), type_name(b));
	}
	switch (op) {
	case PY_OP_EQ:
		*res = ord == 0;
		break;
	case PY_OP_NE:
		*res = ord != 0;
		break;
	case PY_OP_LT:
		*res = ord < 0;
		break;
	case PY_OP_LE:
		*res = ord <= 0;
		break;
	case PY_OP_GT:
		*res = ord > 0;
		break;
	default:
		*res = ord >= 0;
		break;
	}
	return 0;
}

/* ---- evaluation ---- */

static int eval(struct ev *ev, const struct py_node *n, struct pv *out);

static int eval_compare(struct ev *ev, const struct py_node *n, struct pv *out)
{
	struct pv l = {0};
	if (eval(ev, n->kids[0], &l))
		return -1;
	bool res = true;
	for (int i = 1; i < n->n && res; i++) {
		struct pv r = {0};
		if (eval(ev, n->kids[i], &r) || compare(ev, n, n->ops[i - 1], &l, &r, &res)) {
			pv_clear(&l);
			pv_clear(&r);
			return -1;
		}
		pv_clear(&l);
		l = r;
	}
	pv_clear(&l);
	*out = (struct pv){.k = PV_BOOL, .i = res};
	return 0;
}

static int eval_unary(struct ev *ev, const struct py_node *n, struct pv *out)
{
	struct pv v = {0};
	if (eval(ev, n->kids[0], &v))
		return -1;
	if (n->op == 'n') {
		*out = (struct pv){.k = PV_BOOL, .i = !truthy(&v)};
		pv_clear(&v);
		return 0;
	}
	if (!numeric(&v) || (n->op == '~' && v.k == PV_FLOAT)) {
		int r = fail(ev, n, DRILL_PY_ERROR, "bad operand type for unary %c: %s", n->op,
		             type_name(&v));
		pv_clear(&v);
		return r;
	}
	if (v.k == PV_FLOAT) {
		*out = (struct pv){.k = PV_FLOAT, .f = n->op == '-' ? -v.f : v.f};
		return 0;
	}
	if (n->op == '-' && v.i == INT64_MIN)
		return fail(ev, n, DRILL_PY_ERROR, "integer overflow");
	*out = pv_int(n->op == '-' ? -v.i : n->op == '~' ? ~v.i : v.i);
	return 0;
}

static int eval_call(struct ev *ev, const struct py_node *n, struct pv *out);

static int eval_bool(struct ev *ev, const struct py_node *n, struct pv *out)
{
	bool is_and = n->kind == PN_AND;
	for (int i = 0; i < n->n; i++) {
		struct pv v = {0};
		if (eval(ev, n->kids[i], &v))
			return -1;
		bool t = truthy(&v);
		if (i == n->n - 1 || (is_and ? !t : t)) {
			*out = v; /* Python returns the deciding operand */
			return 0;
		}
		pv_clear(&v);
	}
	*out = (struct pv){.k = PV_NONE};
	return 0;
}

static int eval(struct ev *ev, const struct py_node *n, struct pv *out)
{
	memset(out, 0, sizeof(*out));
	switch (n->kind) {
	case PN_INT:
		*out = pv_int(n->i);
		return 0;
	case PN_FLOAT:
		*out = (struct pv){.k = PV_FLOAT, .f = n->f};
		return 0;
	case PN_STR:
		*out = (struct pv){.k = PV_STR, .s = g_strdup(n->text)};
		return 0;
	case PN_NONE:
		out->k = PV_NONE;
		return 0;
	case PN_BOOL:
		*out = (struct pv){.k = PV_BOOL, .i = n->i};
		return 0;
	case PN_NAME:
		return load_name(ev, n, out);
	case PN_TUPLE:
		out->k = PV_TUPLE;
		out->n = n->n;
		out->t = g_new0(struct pv, n->n ? n->n : 1);
		for (int i = 0; i < n->n; i++)
			if (eval(ev, n->kids[i], &out->t[i])) {
				pv_clear(out);
				return -1;
			}
		return 0;
	case PN_UNARY:
		return eval_unary(ev, n, out);
	case PN_BINARY: {
		struct pv a = {0}, b = {0};
		int r = eval(ev, n->kids[0], &a) || eval(ev, n->kids[1], &b) ||
		        binop(ev, n, n->op, &a, &b, out);
		pv_clear(&a);
		pv_clear(&b);
		return r ? -1 : 0;
	}
	case PN_AND:
	case PN_OR:
		return eval_bool(ev, n, out);
	case PN_COMPARE:
		return eval_compare(ev, n, out);
	case PN_CALL:
		return eval_call(ev, n, out);
	case PN_IFEXP: {
		struct pv c = {0};
		if (eval(ev, n->kids[1], &c))
			return -1;
		bool t = truthy(&c);
		pv_clear(&c);
		return eval(ev, n->kids[t ? 0 : 2], out);
	}
	}
	return fail(ev, n, DRILL_PY_ERROR, "bad expression");
}

/* ---- built-in functions ---- */

static int call_minmax(struct ev *ev, const struct py_node *n, struct pv *args, int na, bool is_max,
                       struct pv *out)
{
	const struct pv *items = args;
	int ni = na;
	if (na == 1 && args[0].k == PV_TUPLE) {
		items = args[0].t;
		ni = args[0].n;
	}
	if (ni == 0)
		return fail(ev, n, DRILL_PY_ERROR, "%s() arg is an empty sequence",
		            is_max ? "max" : "min");
	int best = 0;
	for (int i = 1; i < ni; i++) {
		int ord;
		if (pv_cmp(&items[i], &items[best], &ord))
			return fail(ev, n, DRILL_PY_ERROR, "cannot compare %s and %s",
			            type_name(&items[i]), type_name(&items[best]));
		if (is_max ? ord > 0 : ord < 0)
			best = i;
	}
	*out = pv_copy(&items[best]);
	return 0;
}

static int call_convert(struct ev *ev, const struct py_node *n, const char *f, struct pv *a,
                        struct pv *out)
{
	if (!strcmp(f, "str")) {
		GString *s = g_string_new(NULL);
		pv_str(s, a, false);
		*out = (struct pv){.k = PV_STR, .s = g_string_free(s, FALSE)};
		return 0;
	}
	if (!strcmp(f, "len")) {
		if (a->k == PV_STR)
			*out = pv_int((int64_t)strlen(a->s));
		else if (a->k == PV_TUPLE)
			*out = pv_int(a->n);
		else
			return fail(ev, n, DRILL_PY_ERROR, "object of type %s has no len()",
			            type_name(a));
		return 0;
	}
	if (!numeric(a))
		return fail(ev, n, DRILL_PY_ERROR, "%s() argument must be a number, not %s", f,
		            type_name(a));
	if (!strcmp(f, "float")) {
		*out = (struct pv){.k = PV_FLOAT, .f = as_double(a)};
	} else if (!strcmp(f, "int")) {
		int64_t v = 0;
		if (as_int(ev, n, a, &v))
			return -1;
		*out = pv_int(v);
	} else { /* abs */
		if (a->k == PV_FLOAT)
			*out = (struct pv){.k = PV_FLOAT, .f = fabs(a->f)};
		else if (a->i == INT64_MIN)
			return fail(ev, n, DRILL_PY_ERROR, "integer overflow");
		else
			*out = pv_int(a->i < 0 ? -a->i : a->i);
	}
	return 0;
}

static int eval_call(struct ev *ev, const struct py_node *n, struct pv *out)
{
	struct pv *args = g_new0(struct pv, n->n ? n->n : 1);
	int r = 0;
	for (int i = 0; i < n->n && r == 0; i++)
		r = eval(ev, n->kids[i], &args[i]);
	const char *f = n->text;
	if (r == 0 && !strcmp(f, "print")) {
		GString *s = g_string_new(NULL);
		for (int i = 0; i < n->n; i++) {
			if (i)
				g_string_append_c(s, ' ');
			pv_str(s, &args[i], false);
		}
		if (ev->out)
			g_string_append_printf(ev->out, "%s\n", s->str);
		g_string_free(s, TRUE);
		out->k = PV_NONE;
	} else if (r == 0 && (!strcmp(f, "min") || !strcmp(f, "max"))) {
		r = call_minmax(ev, n, args, n->n, f[1] == 'a', out);
	} else if (r == 0) {
		if (n->n != 1)
			r = fail(ev, n, DRILL_PY_ERROR, "%s() takes exactly one argument", f);
		else
			r = call_convert(ev, n, f, &args[0], out);
	}
	for (int i = 0; i < n->n; i++)
		pv_clear(&args[i]);
	g_free(args);
	return r;
}

/* ---- statements ---- */

static int exec_assert(struct ev *ev, const struct py_stmt *s)
{
	struct pv v = {0};
	GString *seen = g_string_new(NULL);
	ev->seen = seen;
	int r = eval(ev, s->e, &v);
	ev->seen = NULL;
	if (r == 0 && !truthy(&v)) {
		GString *m = g_string_new(NULL);
		g_string_append_printf(m, "expected %s, got %s", s->src,
		                       seen->len ? seen->str : "False");
		struct pv mv = {0};
		if (s->msg && eval(ev, s->msg, &mv) == 0) {
			/* The message as Python's AssertionError shows it: str(msg). */
			g_string_append(m, ": ");
			pv_str(m, &mv, false);
		}
		pv_clear(&mv);
		if (!ev->msg) {
			ev->status = DRILL_PY_ASSERT;
			ev->line = s->line;
			ev->msg = g_string_free(m, FALSE);
		} else {
			g_string_free(m, TRUE);
		}
		r = -1;
	}
	pv_clear(&v);
	g_string_free(seen, TRUE);
	return r;
}

static int exec_assign(struct ev *ev, const struct py_stmt *s)
{
	struct pv v = {0};
	if (eval(ev, s->e, &v))
		return -1;
	if (s->op >= 0) {
		struct py_node name = {
		    .kind = PN_NAME, .text = s->name, .line = s->line, .col = s->col};
		struct pv old = {0}, res = {0};
		int r = load_name(ev, &name, &old) || binop(ev, s->e, s->op, &old, &v, &res);
		pv_clear(&old);
		pv_clear(&v);
		if (r)
			return -1;
		v = res;
	}
	struct pv *slot = g_new(struct pv, 1);
	*slot = v;
	g_hash_table_replace(ev->env->vars, g_strdup(s->name), slot);
	return 0;
}

enum drill_py_status drill_py_exec(struct drill_py_env *env, const struct drill_py_block *b,
                                   GString *out, char **message, int *line)
{
	struct ev ev = {.env = env, .out = out, .status = DRILL_PY_OK};
	for (int i = 0; i < b->n; i++) {
		const struct py_stmt *s = &b->stmts[i];
		int r = 0;
		struct pv v = {0};
		switch (s->kind) {
		case PS_ASSERT:
			r = exec_assert(&ev, s);
			break;
		case PS_ASSIGN:
			r = exec_assign(&ev, s);
			break;
		case PS_EXPR:
			r = eval(&ev, s->e, &v);
			pv_clear(&v);
			break;
		case PS_PASS:
			break;
		}
		if (r) {
			*message = ev.msg;
			*line = ev.line;
			return ev.status;
		}
	}
	return DRILL_PY_OK;
}
