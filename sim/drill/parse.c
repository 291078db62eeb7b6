/* sim/drill/parse.c — packetdrill script parser (script.h): options, events and their
 * times, system calls with their argument expressions, commands and code blocks; the
 * packet lines are in parse_pkt.c.
 *
 * Recursive descent over the token array from lex.c, one function per production of
 * packetdrill's grammar (parser.y) that the TCP scripts use. The semantic checks
 * packetdrill makes while parsing are made here too (a time range or `*` only on an
 * outbound packet, time going backwards, the first event at time 0), so that a script
 * is either fully understood before it runs or rejected with FILE:LINE:COL.
 *
 * Errors stop the parse at the first one, as bison does, with the position of the
 * offending token.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "sim/drill/parse_int.h"
#include "sim/drill/py.h"

int drill_p_error_at(struct parser *p, int line, int col, const char *fmt, ...)
{
	if (p->error)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	p->error = g_strdup_printf("%s:%d:%d: %s", p->path, line, col, m);
	g_free(m);
	return -1;
}

/* "expected X, got <token>" at the current token. */
int drill_p_expected(struct parser *p, const char *what)
{
	char *d = drill_token_describe(tok(p));
	drill_p_error_at(p, tok(p)->line, tok(p)->col, "expected %s, got %s", what, d);
	g_free(d);
	return -1;
}

int drill_p_expect_char(struct parser *p, char c)
{
	if (!is_char(tok(p), c)) {
		char what[8] = {'\'', c, '\'', 0};
		return drill_p_expected(p, what);
	}
	next(p);
	return 0;
}

int drill_p_expect_word(struct parser *p, const char *w)
{
	if (!is_word(tok(p), w)) {
		char *what = g_strdup_printf("'%s'", w);
		drill_p_expected(p, what);
		g_free(what);
		return -1;
	}
	next(p);
	return 0;
}

/* An integer (decimal or hex) within [lo, hi]. */
int drill_p_expect_int(struct parser *p, int64_t lo, int64_t hi, const char *what, int64_t *v)
{
	const struct drill_token *t = tok(p);
	if (t->kind != DRILL_TOK_INT && t->kind != DRILL_TOK_HEX)
		return drill_p_expected(p, what);
	if (t->ival < lo || t->ival > hi)
		return drill_p_error_at(p, t->line, t->col, "%s out of range: %lld", what,
		                        (long long)t->ival);
	*v = t->ival;
	next(p);
	return 0;
}

/* ---- times ---- */

int drill_parse_time(const char *text, int64_t *ns)
{
	const char *s = text;
	if (*s == '-' || *s == '\0')
		return -1;
	int64_t whole = 0, frac = 0, scale = 1000000000;
	bool digits = false;
	for (; g_ascii_isdigit(*s); s++) {
		if (whole > INT64_MAX / 10 / 1000000000)
			return -1;
		whole = whole * 10 + (*s - '0');
		digits = true;
	}
	if (*s == '.') {
		for (s++; g_ascii_isdigit(*s); s++) {
			scale /= 10;
			frac += (*s - '0') * scale;
			digits = true;
		}
	}
	if (*s != '\0' || !digits)
		return -1;
	*ns = whole * 1000000000 + frac;
	return 0;
}

/* A time: an integer or a float, in seconds, never negative. */
static int parse_time(struct parser *p, int64_t *ns)
{
	const struct drill_token *t = tok(p);
	if (t->kind != DRILL_TOK_INT && t->kind != DRILL_TOK_FLOAT)
		return drill_p_expected(p, "a time");
	if (t->text[0] == '-')
		return drill_p_error_at(p, t->line, t->col, "negative time");
	if (drill_parse_time(t->text, ns))
		return drill_p_error_at(p, t->line, t->col, "time out of range: %s", t->text);
	next(p);
	return 0;
}

static int parse_event_time(struct parser *p, struct drill_event *e)
{
	e->line = tok(p)->line;
	e->col = tok(p)->col;
	if (is_char(tok(p), '*')) {
		next(p);
		e->time_kind = DRILL_TIME_ANY;
		return 0;
	}
	bool rel = is_char(tok(p), '+');
	if (rel)
		next(p);
	if (parse_time(p, &e->t_ns))
		return -1;
	e->time_kind = rel ? DRILL_TIME_REL : DRILL_TIME_ABS;
	if (!is_char(tok(p), '~'))
		return 0;
	next(p);
	if (rel && drill_p_expect_char(p, '+'))
		return -1;
	int l = tok(p)->line, c = tok(p)->col;
	if (parse_time(p, &e->t_end_ns))
		return -1;
	if (e->t_end_ns < e->t_ns)
		return drill_p_error_at(p, l, c, "time range is backwards");
	e->time_kind = rel ? DRILL_TIME_REL_RANGE : DRILL_TIME_ABS_RANGE;
	return 0;
}

/* ---- expressions ---- */

static struct drill_expr *expr_new(const struct parser *p, enum drill_expr_kind k)
{
	struct drill_expr *x = g_new0(struct drill_expr, 1);
	x->kind = k;
	x->line = tok(p)->line;
	x->col = tok(p)->col;
	return x;
}

static void expr_free(struct drill_expr *x)
{
	if (!x)
		return;
	g_free(x->text);
	for (int i = 0; x->items && i < x->n; i++)
		expr_free(x->items[i]);
	g_free(x->items);
	for (int i = 0; x->fields && i < x->n; i++) {
		g_free(x->fields[i].name);
		expr_free(x->fields[i].name_arg);
		expr_free(x->fields[i].value);
	}
	g_free(x->fields);
	expr_free(x->lhs);
	expr_free(x->rhs);
	g_free(x);
}

static struct drill_expr *parse_expr(struct parser *p, int depth);

/* Elements up to the closing character, separated by commas. */
static int parse_list_items(struct parser *p, char close, struct drill_expr *x, int depth)
{
	GPtrArray *items = g_ptr_array_new();
	int r = 0;
	while (!is_char(tok(p), close)) {
		struct drill_expr *e = parse_expr(p, depth + 1);
		if (!e) {
			r = -1;
			break;
		}
		g_ptr_array_add(items, e);
		if (is_char(tok(p), ','))
			next(p);
		else if (!is_char(tok(p), close)) {
			char what[24];
			g_snprintf(what, sizeof(what), "',' or '%c'", close);
			r = drill_p_expected(p, what);
			break;
		}
	}
	x->n = (int)items->len;
	x->items = (struct drill_expr **)g_ptr_array_free(items, FALSE);
	if (r == 0)
		next(p);
	return r;
}

/* One field of {...}: "name = value", "name(arg) = value" or a bare value. */
static int parse_field(struct parser *p, struct drill_field *f, int depth)
{
	const struct drill_token *t = tok(p);
	bool named =
	    t->kind == DRILL_TOK_WORD && (is_char(tok_at(p, 1), '=') || is_char(tok_at(p, 1), '('));
	if (named) {
		f->name = g_strdup(t->text);
		next(p);
		if (is_char(tok(p), '(')) {
			next(p);
			f->name_arg = parse_expr(p, depth + 1);
			if (!f->name_arg || drill_p_expect_char(p, ')'))
				return -1;
		}
		if (drill_p_expect_char(p, '='))
			return -1;
	}
	f->value = parse_expr(p, depth + 1);
	return f->value ? 0 : -1;
}

static int parse_struct_fields(struct parser *p, struct drill_expr *x, int depth)
{
	GArray *fields = g_array_new(FALSE, TRUE, sizeof(struct drill_field));
	int r = 0;
	while (!is_char(tok(p), '}')) {
		struct drill_field f = {0};
		r = parse_field(p, &f, depth);
		g_array_append_val(fields, f);
		if (r)
			break;
		if (is_char(tok(p), ','))
			next(p);
		else if (!is_char(tok(p), '}')) {
			r = drill_p_expected(p, "',' or '}'");
			break;
		}
	}
	x->n = (int)fields->len;
	x->fields = (struct drill_field *)g_array_free(fields, FALSE);
	if (r == 0)
		next(p);
	return r;
}

static struct drill_expr *parse_primary(struct parser *p, int depth)
{
	const struct drill_token *t = tok(p);
	struct drill_expr *x = NULL;
	switch (t->kind) {
	case DRILL_TOK_ELLIPSIS:
		x = expr_new(p, DRILL_EX_ELLIPSIS);
		next(p);
		return x;
	case DRILL_TOK_INT:
	case DRILL_TOK_HEX:
		x = expr_new(p, DRILL_EX_INT);
		x->num = t->ival;
		next(p);
		return x;
	case DRILL_TOK_WORD:
		x = expr_new(p, DRILL_EX_WORD);
		x->text = g_strdup(t->text);
		next(p);
		return x;
	case DRILL_TOK_STRING:
		x = expr_new(p, DRILL_EX_STRING);
		x->text = g_strdup(t->text);
		next(p);
		/* Adjacent strings concatenate; "text"... is a prefix match: kept as text. */
		while (tok(p)->kind == DRILL_TOK_STRING) {
			char *s = g_strconcat(x->text, tok(p)->text, NULL);
			g_free(x->text);
			x->text = s;
			next(p);
		}
		if (tok(p)->kind == DRILL_TOK_ELLIPSIS)
			next(p);
		return x;
	default:
		break;
	}
	if (is_char(t, '[') || is_char(t, '{')) {
		bool list = is_char(t, '[');
		x = expr_new(p, list ? DRILL_EX_LIST : DRILL_EX_STRUCT);
		next(p);
		int r =
		    list ? parse_list_items(p, ']', x, depth) : parse_struct_fields(p, x, depth);
		if (r) {
			expr_free(x);
			return NULL;
		}
		return x;
	}
	drill_p_expected(p, "an expression");
	return NULL;
}

static struct drill_expr *parse_expr(struct parser *p, int depth)
{
	if (depth > 64) {
		drill_p_error_at(p, tok(p)->line, tok(p)->col, "expression nested too deeply");
		return NULL;
	}
	struct drill_expr *x = parse_primary(p, depth);
	/* a|b|c nests to the left: each '|' counts as a level, so that freeing and
	 * evaluating the chain, which recurse, stay bounded. */
	for (int level = depth + 1; x && is_char(tok(p), '|'); level++) {
		if (level > 64) {
			drill_p_error_at(p, tok(p)->line, tok(p)->col,
			                 "expression nested too deeply");
			expr_free(x);
			return NULL;
		}
		struct drill_expr *o = expr_new(p, DRILL_EX_OR);
		next(p);
		o->lhs = x;
		o->rhs = parse_primary(p, depth);
		x = o;
		if (!o->rhs) {
			expr_free(x);
			return NULL;
		}
	}
	return x;
}

/* ---- system calls ---- */

static void syscall_free(struct drill_syscall *sc)
{
	if (!sc)
		return;
	g_free(sc->name);
	for (int i = 0; i < sc->n_args; i++)
		expr_free(sc->args[i]);
	g_free(sc->args);
	expr_free(sc->result);
	g_free(sc->errno_name);
	g_free(sc->note);
	g_free(sc);
}

/* "(words ...)" after a result: any tokens up to the matching ')'. */
static int parse_note(struct parser *p, char **note)
{
	int l = tok(p)->line, c = tok(p)->col;
	next(p);
	GString *s = g_string_new(NULL);
	int nest = 1;
	while (tok(p)->kind != DRILL_TOK_EOF) {
		const struct drill_token *t = tok(p);
		if (is_char(t, '('))
			nest++;
		if (is_char(t, ')') && --nest == 0)
			break;
		if (s->len)
			g_string_append_c(s, ' ');
		if (t->kind == DRILL_TOK_CHAR)
			g_string_append_c(s, t->ch);
		else if (t->text)
			g_string_append(s, t->text);
		next(p);
	}
	if (tok(p)->kind == DRILL_TOK_EOF) {
		g_string_free(s, TRUE);
		return drill_p_error_at(p, l, c, "unclosed '(' in the note after a result");
	}
	next(p);
	*note = g_string_free(s, FALSE);
	return 0;
}

static int parse_syscall(struct parser *p, struct drill_event *e)
{
	struct drill_syscall *sc = g_new0(struct drill_syscall, 1);
	e->kind = DRILL_EV_SYSCALL;
	e->sc = sc;
	if (tok(p)->kind == DRILL_TOK_ELLIPSIS) {
		next(p);
		sc->blocking = true;
		if (parse_time(p, &sc->end_ns))
			return -1;
	}
	if (tok(p)->kind != DRILL_TOK_WORD)
		return drill_p_expected(p, "a system call name");
	sc->name = g_strdup(tok(p)->text);
	sc->name_line = tok(p)->line;
	sc->name_col = tok(p)->col;
	next(p);
	if (drill_p_expect_char(p, '('))
		return -1;
	struct drill_expr tmp = {0};
	int r = parse_list_items(p, ')', &tmp, 0);
	sc->args = tmp.items;
	sc->n_args = tmp.n;
	if (r || drill_p_expect_char(p, '='))
		return -1;
	sc->result = parse_expr(p, 0);
	if (!sc->result)
		return -1;
	/* An errno name may follow: no event starts with a word (events start with a
	 * time), so a word here is always one. */
	if (tok(p)->kind == DRILL_TOK_WORD) {
		sc->errno_name = g_strdup(tok(p)->text);
		next(p);
	}
	if (is_char(tok(p), '('))
		return parse_note(p, &sc->note);
	return 0;
}

/* ---- events, options, the script ---- */

static void event_fini(struct drill_event *e)
{
	drill_p_packet_free(e->pkt);
	syscall_free(e->sc);
	g_free(e->command);
	drill_py_block_free(e->code);
	g_free(e->code_text);
}

static int parse_code(struct parser *p, struct drill_event *e)
{
	const struct drill_token *t = tok(p);
	e->kind = DRILL_EV_CODE;
	e->code_text = g_strdup(t->text);
	char *err = NULL;
	if (drill_py_parse(t->text, t->text_line, t->text_col, &e->code, &err)) {
		p->error = g_strdup_printf("%s:%s", p->path, err);
		g_free(err);
		return -1;
	}
	next(p);
	return 0;
}

static int parse_action(struct parser *p, struct drill_event *e)
{
	const struct drill_token *t = tok(p);
	if (is_char(t, '<') || is_char(t, '>'))
		return drill_p_packet(p, e);
	if (t->kind == DRILL_TOK_BACKQ) {
		e->kind = DRILL_EV_COMMAND;
		e->command = g_strdup(t->text);
		next(p);
		return 0;
	}
	if (t->kind == DRILL_TOK_CODE)
		return parse_code(p, e);
	if (t->kind == DRILL_TOK_WORD || t->kind == DRILL_TOK_ELLIPSIS)
		return parse_syscall(p, e);
	return drill_p_expected(p, "a packet, a system call, a `command` or a %{ code }% block");
}

static int parse_event(struct parser *p, struct drill_event *e)
{
	if (parse_event_time(p, e) || parse_action(p, e))
		return -1;
	bool outbound = e->kind == DRILL_EV_PACKET && e->pkt->outbound;
	if (e->time_kind == DRILL_TIME_ANY && !outbound)
		return drill_p_error_at(p, e->line, e->col,
		                        "event time <star> can only be used with outbound packets");
	if ((e->time_kind == DRILL_TIME_ABS_RANGE || e->time_kind == DRILL_TIME_REL_RANGE) &&
	    !outbound)
		return drill_p_error_at(p, e->line, e->col,
		                        "event time range can only be used with outbound packets");
	return 0;
}

static int parse_option(struct parser *p)
{
	struct drill_option o = {
	    .name = g_strdup(tok(p)->text), .line = tok(p)->line, .col = tok(p)->col};
	next(p);
	int r = 0;
	if (is_char(tok(p), '=')) {
		next(p);
		const struct drill_token *v = tok(p);
		if (v->kind == DRILL_TOK_INT || v->kind == DRILL_TOK_HEX ||
		    v->kind == DRILL_TOK_FLOAT || v->kind == DRILL_TOK_WORD ||
		    v->kind == DRILL_TOK_STRING || v->kind == DRILL_TOK_IPV4) {
			o.value = g_strdup(v->text);
			next(p);
			if (v->kind == DRILL_TOK_WORD && is_char(tok(p), '=')) {
				next(p); /* --define=SYMBOL=value */
				const struct drill_token *w = tok(p);
				if (w->kind == DRILL_TOK_WORD || w->kind == DRILL_TOK_STRING ||
				    w->kind == DRILL_TOK_BACKQ || w->kind == DRILL_TOK_INT) {
					char *s = g_strconcat(o.value, "=", w->text, NULL);
					g_free(o.value);
					o.value = s;
					next(p);
				} else {
					r = drill_p_expected(p, "a value after '='");
				}
			}
		} else {
			r = drill_p_expected(p, "an option value");
		}
	}
	g_array_append_val(p->opts, o);
	return r;
}

/* Events in order; a bare `command` is allowed first (init) and last (cleanup). */
static int parse_events(struct parser *p)
{
	int64_t last_abs = -1;
	while (tok(p)->kind != DRILL_TOK_EOF) {
		struct drill_event e = {0};
		int r;
		if (tok(p)->kind == DRILL_TOK_BACKQ) {
			bool first = p->events->len == 0;
			e.kind = DRILL_EV_COMMAND;
			e.time_kind = DRILL_TIME_NONE;
			e.line = tok(p)->line;
			e.col = tok(p)->col;
			e.command = g_strdup(tok(p)->text);
			next(p);
			g_array_append_val(p->events, e);
			if (!first && tok(p)->kind != DRILL_TOK_EOF)
				return drill_p_error_at(
				    p, e.line, e.col,
				    "a command without a time must be the first or the "
				    "last thing in the script");
			continue;
		}
		r = parse_event(p, &e);
		g_array_append_val(p->events, e);
		if (r)
			return -1;
		bool abs = e.time_kind == DRILL_TIME_ABS || e.time_kind == DRILL_TIME_ABS_RANGE;
		if (abs && e.t_ns < last_abs)
			return drill_p_error_at(p, e.line, e.col, "time goes backward in script");
		if (abs)
			last_abs = e.t_ns;
	}
	return 0;
}

static int first_event_check(struct parser *p)
{
	for (guint i = 0; i < p->events->len; i++) {
		const struct drill_event *e = &g_array_index(p->events, struct drill_event, i);
		if (e->time_kind == DRILL_TIME_NONE)
			continue;
		if (e->t_ns != 0 || e->time_kind == DRILL_TIME_ANY)
			return drill_p_error_at(p, e->line, e->col,
			                        "first event should be at time 0");
		return 0;
	}
	return 0;
}

struct drill_script *drill_script_parse(const char *path, const char *text, char **error)
{
	struct parser p = {.path = path};
	char *lerr = NULL;
	if (drill_lex(text, &p.toks, &lerr)) {
		*error = g_strdup_printf("%s:%s", path, lerr);
		g_free(lerr);
		return NULL;
	}
	p.events = g_array_new(FALSE, TRUE, sizeof(struct drill_event));
	p.opts = g_array_new(FALSE, TRUE, sizeof(struct drill_option));
	int r = 0;
	while (r == 0 && tok(&p)->kind == DRILL_TOK_OPTION)
		r = parse_option(&p);
	if (r == 0)
		r = parse_events(&p);
	if (r == 0)
		r = first_event_check(&p);
	drill_tokens_free(&p.toks);
	struct drill_script *s = g_new0(struct drill_script, 1);
	s->path = g_strdup(path);
	s->dir = g_path_get_dirname(path);
	s->n_events = (int)p.events->len;
	s->events = (struct drill_event *)g_array_free(p.events, FALSE);
	s->n_opts = (int)p.opts->len;
	s->opts = (struct drill_option *)g_array_free(p.opts, FALSE);
	if (r) {
		*error = p.error ? p.error : g_strdup_printf("%s: parse error", path);
		drill_script_free(s);
		return NULL;
	}
	return s;
}

struct drill_script *drill_script_load(const char *path, char **error)
{
	char *text = NULL;
	gsize len = 0;
	GError *e = NULL;
	if (!g_file_get_contents(path, &text, &len, &e)) {
		*error = g_strdup_printf("%s: cannot read: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	if (memchr(text, 0, len) != NULL) {
		g_free(text);
		*error = g_strdup_printf("%s: not a text file (it contains a NUL byte)", path);
		return NULL;
	}
	struct drill_script *s = drill_script_parse(path, text, error);
	g_free(text);
	return s;
}

void drill_script_free(struct drill_script *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n_events; i++)
		event_fini(&s->events[i]);
	g_free(s->events);
	for (int i = 0; i < s->n_opts; i++) {
		g_free(s->opts[i].name);
		g_free(s->opts[i].value);
	}
	g_free(s->opts);
	g_free(s->path);
	g_free(s->dir);
	g_free(s);
}

const char *drill_script_option(const struct drill_script *s, const char *name)
{
	const char *v = NULL;
	for (int i = 0; i < s->n_opts; i++)
		if (strcmp(s->opts[i].name, name) == 0)
			v = s->opts[i].value; /* the last one wins, as with getopt */
	return v;
}
