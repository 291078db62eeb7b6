/* sim/drill/lex.h — the tokens of a packetdrill script.
 *
 * Follows the token rules of packetdrill's lexer (lexer.l): `//` and C comments,
 * `%{ … }%` code blocks and `` `…` `` commands as single tokens, `--name` options,
 * "..." ellipses, decimal and hex integers, floats (".1", "0.200"), dotted IPv4
 * addresses, words ([A-Za-z0-9_]+ that are not all digits), double-quoted strings,
 * and any other character on its own. Keywords (ack, win, mss, …) are plain words:
 * the parser reads them in context.
 */
#ifndef SIM_DRILL_LEX_H
#define SIM_DRILL_LEX_H

#include <stdint.h>

enum drill_tok_kind {
	DRILL_TOK_EOF,
	DRILL_TOK_INT,      /* decimal, possibly negative; ival */
	DRILL_TOK_HEX,      /* 0x...; ival */
	DRILL_TOK_FLOAT,    /* [-]digits*.digits+ ; text */
	DRILL_TOK_WORD,     /* text */
	DRILL_TOK_STRING,   /* text without the quotes */
	DRILL_TOK_BACKQ,    /* text between backquotes */
	DRILL_TOK_CODE,     /* text between %{ and }%, outer blanks stripped */
	DRILL_TOK_OPTION,   /* text after the "--" */
	DRILL_TOK_IPV4,     /* text */
	DRILL_TOK_ELLIPSIS, /* ... */
	DRILL_TOK_CHAR,     /* ch */
};

struct drill_token {
	enum drill_tok_kind kind;
	int line, col; /* where the token starts (1-based) */
	int end_line;  /* line of its last character */
	int64_t ival;
	char ch;
	char *text;              /* owned; NULL for CHAR, ELLIPSIS, EOF */
	int text_line, text_col; /* CODE: position of the first character of text */
};

struct drill_tokens {
	struct drill_token *v;
	int n;
};

/* Tokenizes `text`. Returns 0, or -1 with *error = "LINE:COL: message" (an unclosed
 * comment, string, command or code block; a number out of range). The array ends
 * with one EOF token. */
int drill_lex(const char *text, struct drill_tokens *out, char **error);

void drill_tokens_free(struct drill_tokens *t);

/* A short description of a token for messages ("'<'", "word \"ack\"", "end of file"). */
char *drill_token_describe(const struct drill_token *t);

#endif
