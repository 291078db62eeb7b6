/* sim/drill/parse_int.h — the parser state and token helpers shared by parse.c
 * (events, system calls, the script) and parse_pkt.c (packet lines). */
#ifndef SIM_DRILL_PARSE_INT_H
#define SIM_DRILL_PARSE_INT_H

#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "sim/drill/lex.h"
#include "sim/drill/script.h"

struct parser {
	const char *path;
	struct drill_tokens toks;
	int i;       /* current token */
	char *error; /* the first error, "PATH:LINE:COL: message" */
	GArray *events;
	GArray *opts;
};

static inline const struct drill_token *tok(const struct parser *p)
{
	return &p->toks.v[p->i];
}

static inline const struct drill_token *tok_at(const struct parser *p, int ahead)
{
	int k = p->i + ahead;
	return &p->toks.v[k < p->toks.n ? k : p->toks.n - 1];
}

static inline void next(struct parser *p)
{
	if (p->i < p->toks.n - 1)
		p->i++;
}

static inline bool is_char(const struct drill_token *t, char c)
{
	return t->kind == DRILL_TOK_CHAR && t->ch == c;
}

static inline bool is_word(const struct drill_token *t, const char *w)
{
	return t->kind == DRILL_TOK_WORD && strcmp(t->text, w) == 0;
}

/* Records the first error (later ones are dropped); returns -1. */
int drill_p_error_at(struct parser *p, int line, int col, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* "expected WHAT, got <token>" at the current token; -1. */
int drill_p_expected(struct parser *p, const char *what);
/* Consume one specific character or word, or fail with "expected". */
int drill_p_expect_char(struct parser *p, char c);
int drill_p_expect_word(struct parser *p, const char *w);
/* An integer (decimal or hex) within [lo, hi]. */
int drill_p_expect_int(struct parser *p, int64_t lo, int64_t hi, const char *what, int64_t *v);

/* parse_pkt.c: a packet line from its direction character on. */
int drill_p_packet(struct parser *p, struct drill_event *e);
void drill_p_packet_free(struct drill_packet *k);

#endif
