/* sim/drill/lex.c — tokenizer for packetdrill scripts (lex.h). */
#include "sim/drill/lex.h"

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <string.h>

struct lexer {
	const char *s;
	size_t pos, len;
	int line, col;
	GArray *toks;
	char *error;
};

static char peek(const struct lexer *lx, size_t ahead)
{
	return lx->pos + ahead < lx->len ? lx->s[lx->pos + ahead] : '\0';
}

static void advance(struct lexer *lx, size_t n)
{
	for (size_t i = 0; i < n && lx->pos < lx->len; i++) {
		if (lx->s[lx->pos] == '\n') {
			lx->line++;
			lx->col = 1;
		} else {
			lx->col++;
		}
		lx->pos++;
	}
}

static int fail(struct lexer *lx, int line, int col, const char *msg)
{
	lx->error = g_strdup_printf("%d:%d: %s", line, col, msg);
	return -1;
}

static bool is_word_char(char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

static void push(struct lexer *lx, struct drill_token *t)
{
	t->end_line = lx->line;
	g_array_append_val(lx->toks, *t);
}

/* Skips blanks and comments. Returns -1 on an unterminated C comment. */
static int skip_space(struct lexer *lx)
{
	for (;;) {
		char c = peek(lx, 0);
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			advance(lx, 1);
		} else if (c == '/' && peek(lx, 1) == '/') {
			while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
				advance(lx, 1);
		} else if (c == '/' && peek(lx, 1) == '*') {
			int l = lx->line, k = lx->col;
			advance(lx, 2);
			while (lx->pos < lx->len && !(peek(lx, 0) == '*' && peek(lx, 1) == '/'))
				advance(lx, 1);
			if (lx->pos >= lx->len)
				return fail(lx, l, k, "unterminated /* comment");
			advance(lx, 2);
		} else {
			return 0;
		}
	}
}

/* Text delimited by `open` ... `close` (each 1 or 2 characters). */
static int delimited(struct lexer *lx, struct drill_token *t, const char *open, const char *close,
                     const char *what)
{
	size_t ol = strlen(open), cl = strlen(close);
	advance(lx, ol);
	t->text_line = lx->line;
	t->text_col = lx->col;
	size_t start = lx->pos;
	while (lx->pos < lx->len && strncmp(lx->s + lx->pos, close, cl) != 0) {
		if (close[0] == '"' && peek(lx, 0) == '\\' && peek(lx, 1) != '\0')
			advance(lx, 1); /* an escaped character inside a string */
		advance(lx, 1);
	}
	if (lx->pos >= lx->len) {
		char *m = g_strdup_printf("unterminated %s", what);
		int r = fail(lx, t->line, t->col, m);
		g_free(m);
		return r;
	}
	t->text = g_strndup(lx->s + start, lx->pos - start);
	advance(lx, cl);
	return 0;
}

/* packetdrill strips blanks (spaces and tabs) from both ends of a code block. */
static void strip_code(struct drill_token *t)
{
	char *p = t->text;
	while (*p == ' ' || *p == '\t') {
		p++;
		t->text_col++;
	}
	size_t n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	char *s = g_strndup(p, n);
	g_free(t->text);
	t->text = s;
}

/* An IPv4 dotted quad starting here: its length, or 0. */
static size_t ipv4_len(const struct lexer *lx)
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		size_t d = 0;
		while (g_ascii_isdigit(peek(lx, i + d)))
			d++;
		if (d == 0)
			return 0;
		i += d;
		if (part < 3) {
			if (peek(lx, i) != '.')
				return 0;
			i++;
		}
	}
	return i;
}

static int number(struct lexer *lx, struct drill_token *t)
{
	size_t i = 0;
	if (peek(lx, 0) == '-')
		i++;
	size_t d = 0;
	while (g_ascii_isdigit(peek(lx, i + d)))
		d++;
	if (peek(lx, i + d) == '.' && g_ascii_isdigit(peek(lx, i + d + 1))) {
		size_t e = i + d + 1;
		while (g_ascii_isdigit(peek(lx, e)))
			e++;
		t->kind = DRILL_TOK_FLOAT;
		t->text = g_strndup(lx->s + lx->pos, e);
		advance(lx, e);
		return 0;
	}
	/* Digits followed by letters form a word (flex takes the longest match). */
	if (i == 0 && is_word_char(peek(lx, d)))
		return 1;
	t->kind = DRILL_TOK_INT;
	t->text = g_strndup(lx->s + lx->pos, i + d);
	errno = 0;
	char *end = NULL;
	t->ival = g_ascii_strtoll(t->text, &end, 10);
	if (errno == ERANGE)
		return fail(lx, t->line, t->col, "integer out of range");
	advance(lx, i + d);
	return 0;
}

static int hex(struct lexer *lx, struct drill_token *t)
{
	size_t e = 2;
	while (g_ascii_isxdigit(peek(lx, e)))
		e++;
	if (is_word_char(peek(lx, e)))
		return 1; /* 0x12zz: a word */
	t->kind = DRILL_TOK_HEX;
	t->text = g_strndup(lx->s + lx->pos, e);
	errno = 0;
	guint64 v = g_ascii_strtoull(t->text + 2, NULL, 16);
	if (errno == ERANGE || v > (guint64)INT64_MAX)
		return fail(lx, t->line, t->col, "hex integer out of range");
	t->ival = (int64_t)v;
	advance(lx, e);
	return 0;
}

static void word(struct lexer *lx, struct drill_token *t)
{
	size_t e = 0;
	while (is_word_char(peek(lx, e)))
		e++;
	t->kind = DRILL_TOK_WORD;
	t->text = g_strndup(lx->s + lx->pos, e);
	advance(lx, e);
}

/* One token at the current position (blanks already skipped). */
static int lex_one(struct lexer *lx, struct drill_token *t)
{
	char c = peek(lx, 0), c1 = peek(lx, 1);
	if (c == '%' && c1 == '{') {
		t->kind = DRILL_TOK_CODE;
		if (delimited(lx, t, "%{", "}%", "%{ code block"))
			return -1;
		strip_code(t);
		return 0;
	}
	if (c == '`') {
		t->kind = DRILL_TOK_BACKQ;
		return delimited(lx, t, "`", "`", "` command");
	}
	if (c == '"') {
		t->kind = DRILL_TOK_STRING;
		return delimited(lx, t, "\"", "\"", "string");
	}
	if (c == '.' && c1 == '.' && peek(lx, 2) == '.') {
		t->kind = DRILL_TOK_ELLIPSIS;
		advance(lx, 3);
		return 0;
	}
	if (c == '-' && c1 == '-' && is_word_char(peek(lx, 2))) {
		advance(lx, 2);
		word(lx, t);
		t->kind = DRILL_TOK_OPTION;
		return 0;
	}
	size_t ip = g_ascii_isdigit(c) ? ipv4_len(lx) : 0;
	if (ip > 0 && !is_word_char(peek(lx, ip))) {
		t->kind = DRILL_TOK_IPV4;
		t->text = g_strndup(lx->s + lx->pos, ip);
		advance(lx, ip);
		return 0;
	}
	if (c == '0' && (c1 == 'x' || c1 == 'X') && g_ascii_isxdigit(peek(lx, 2))) {
		int r = hex(lx, t);
		if (r <= 0)
			return r;
	}
	if (g_ascii_isdigit(c) || ((c == '-' || c == '.') && g_ascii_isdigit(c1)) ||
	    (c == '-' && c1 == '.' && g_ascii_isdigit(peek(lx, 2)))) {
		int r = number(lx, t);
		if (r <= 0)
			return r;
	}
	if (is_word_char(c)) {
		word(lx, t);
		return 0;
	}
	t->kind = DRILL_TOK_CHAR;
	t->ch = c;
	advance(lx, 1);
	return 0;
}

int drill_lex(const char *text, struct drill_tokens *out, char **error)
{
	struct lexer lx = {.s = text, .len = strlen(text), .line = 1, .col = 1};
	lx.toks = g_array_new(FALSE, TRUE, sizeof(struct drill_token));
	for (;;) {
		if (skip_space(&lx))
			break;
		struct drill_token t = {.line = lx.line, .col = lx.col};
		if (lx.pos >= lx.len) {
			t.kind = DRILL_TOK_EOF;
			push(&lx, &t);
			out->n = (int)lx.toks->len;
			out->v = (struct drill_token *)g_array_free(lx.toks, FALSE);
			return 0;
		}
		if (lex_one(&lx, &t)) {
			g_free(t.text);
			break;
		}
		push(&lx, &t);
	}
	struct drill_tokens tmp = {.n = (int)lx.toks->len};
	tmp.v = (struct drill_token *)g_array_free(lx.toks, FALSE);
	drill_tokens_free(&tmp);
	*error = lx.error;
	return -1;
}

void drill_tokens_free(struct drill_tokens *t)
{
	for (int i = 0; i < t->n; i++)
		g_free(t->v[i].text);
	g_free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* At most n bytes of text, C-escaped, so that an error stays on one line. */
static char *quote(const char *text, size_t n)
{
	char *cut = g_strndup(text ? text : "", n);
	char *q = g_strescape(cut, NULL);
	g_free(cut);
	return q;
}

char *drill_token_describe(const struct drill_token *t)
{
	char *q, *r;
	switch (t->kind) {
	case DRILL_TOK_EOF:
		return g_strdup("end of file");
	case DRILL_TOK_CHAR: {
		char c[2] = {t->ch, 0};
		q = quote(c, 1);
		r = g_strdup_printf("'%s'", q);
		break;
	}
	case DRILL_TOK_ELLIPSIS:
		return g_strdup("'...'");
	case DRILL_TOK_CODE:
		return g_strdup("a %{ }% code block");
	case DRILL_TOK_BACKQ:
		return g_strdup("a `command`");
	case DRILL_TOK_STRING:
		q = quote(t->text, 20);
		r = g_strdup_printf("string \"%s\"", q);
		break;
	case DRILL_TOK_OPTION:
		q = quote(t->text, 30);
		r = g_strdup_printf("option --%s", q);
		break;
	default:
		q = quote(t->text, 30);
		r = g_strdup_printf("'%s'", q);
		break;
	}
	g_free(q);
	return r;
}
