/* sim/cli/schema_json.c — JSON syntax, checked by a small scanner of our own before
 * cJSON parses the text, because cJSON only reports where it stopped, and a user
 * editing a scenario deserves "expected ',' or '}' after a value in an object" with
 * a line and column.
 */
#include "sim/cli/schema.h"

#include <string.h>

/* ---- JSON syntax ------------------------------------------------------------------------ */

struct scan {
	const char *start, *p, *end;
	const char *err_at;
	char *msg;
	unsigned depth;
};

static void pos_of(const char *start, const char *at, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	for (const char *q = start; q < at; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*q & 0xC0) != 0x80) {
			(*col)++; /* count characters, not UTF-8 continuation bytes */
		}
	}
}

static bool fail(struct scan *s, const char *at, char *msg)
{
	if (!s->msg) {
		s->err_at = at;
		s->msg = msg;
	} else {
		g_free(msg);
	}
	return false;
}

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static char *found_text(struct scan *s)
{
	if (s->p >= s->end)
		return g_strdup("the end of the file");
	unsigned char c = (unsigned char)*s->p;
	if (g_ascii_isalpha((char)c) || c == '_') {
		const char *q = s->p;
		while (q < s->end && (g_ascii_isalnum(*q) || *q == '_') && q - s->p < 30)
			q++;
		return g_strdup_printf("'%.*s'", (int)(q - s->p), s->p);
	}
	if (c < 0x20 || c >= 0x7f)
		return g_strdup_printf("byte 0x%02x", c);
	return g_strdup_printf("'%c'", c);
}

static bool scan_value(struct scan *s);

static bool scan_string(struct scan *s)
{
	const char *open = s->p;
	s->p++; /* the opening quote */
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p;
		if (c == '"') {
			s->p++;
			return true;
		}
		if (c < 0x20)
			return fail(s, s->p,
				    g_strdup(c == '\n' ? "line break inside a string (close the "
							 "string or write \\n)"
						       : "control character inside a string"));
		if (c == '\\') {
			s->p++;
			if (s->p >= s->end)
				break;
			char e = *s->p;
			if (e == 'u') {
				for (int i = 1; i <= 4; i++)
					if (s->p + i >= s->end || !g_ascii_isxdigit(s->p[i]))
						return fail(s, s->p - 1,
							    g_strdup("\\u must be followed by four hex "
								     "digits"));
				s->p += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e))
				return fail(s, s->p - 1,
					    g_strdup_printf("invalid escape '\\%c' in a string", e));
		}
		s->p++;
	}
	return fail(s, open, g_strdup("string is not closed (missing '\"')"));
}

static bool scan_number(struct scan *s)
{
	const char *b = s->p;
	const char *q = s->p;
	if (*q == '-')
		q++;
	if (q >= s->end || !g_ascii_isdigit(*q))
		goto bad;
	if (*q == '0') {
		q++;
		if (q < s->end && g_ascii_isdigit(*q))
			return fail(s, b, g_strdup("numbers must not have leading zeros"));
	} else {
		while (q < s->end && g_ascii_isdigit(*q))
			q++;
	}
	if (q < s->end && *q == '.') {
		q++;
		if (q >= s->end || !g_ascii_isdigit(*q))
			goto bad;
		while (q < s->end && g_ascii_isdigit(*q))
			q++;
	}
	if (q < s->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < s->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= s->end || !g_ascii_isdigit(*q))
			goto bad;
		while (q < s->end && g_ascii_isdigit(*q))
			q++;
	}
	if (q < s->end && (g_ascii_isalpha(*q) || *q == '%')) {
		/* 20ms, 1% — a unit needs a string. */
		const char *e = q;
		while (e < s->end && (g_ascii_isalnum(*e) || *e == '%' || *e == '.'))
			e++;
		return fail(s, b,
			    g_strdup_printf("values with units must be strings: write \"%.*s\"",
					    (int)(e - b), b));
	}
	s->p = q;
	return true;
bad:
	return fail(s, b, g_strdup("malformed number"));
}

static bool scan_literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) >= n && memcmp(s->p, word, n) == 0 &&
	    (s->p + n == s->end || !g_ascii_isalnum(s->p[n]))) {
		s->p += n;
		return true;
	}
	char *f = found_text(s);
	char *m = g_strdup_printf("expected a value, found %s (strings need double quotes)", f);
	g_free(f);
	return fail(s, s->p, m);
}

static bool scan_container(struct scan *s, char close)
{
	const char *open = s->p;
	bool object = close == '}';
	const char *what = object ? "object" : "array";

	if (++s->depth > CJSON_NESTING_LIMIT)
		return fail(s, s->p, g_strdup("nesting too deep"));
	s->p++;
	ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return true;
	}
	for (;;) {
		ws(s);
		if (s->p >= s->end)
			break;
		if (object) {
			if (*s->p != '"') {
				if (*s->p == '}')
					return fail(s, s->p, g_strdup("trailing comma before '}'"));
				if (*s->p == '\'')
					return fail(s, s->p,
						    g_strdup("keys need double quotes, not single "
							     "quotes"));
				char *f = found_text(s);
				char *m = g_strdup_printf("expected a key in double quotes, found %s", f);
				g_free(f);
				return fail(s, s->p, m);
			}
			const char *key = s->p;
			if (!scan_string(s))
				return false;
			const char *key_end = s->p;
			ws(s);
			if (s->p >= s->end || *s->p != ':') {
				if (s->p >= s->end)
					break;
				char *f = found_text(s);
				char *m = g_strdup_printf("expected ':' after the key %.*s, found %s",
							  (int)(key_end - key), key, f);
				g_free(f);
				return fail(s, s->p, m);
			}
			s->p++;
			ws(s);
		} else if (*s->p == ']') {
			return fail(s, s->p, g_strdup("trailing comma before ']'"));
		}
		if (!scan_value(s))
			return false;
		ws(s);
		if (s->p >= s->end)
			break;
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == close) {
			s->p++;
			s->depth--;
			return true;
		}
		char *f = found_text(s);
		char *m = g_strdup_printf("expected ',' or '%c' after a value in an %s, found %s%s",
					  close, what, f,
					  *s->p == '"' || *s->p == '{' || *s->p == '[' ? " (missing ',')"
										   : "");
		g_free(f);
		return fail(s, s->p, m);
	}
	unsigned line, col;
	pos_of(s->start, open, &line, &col);
	return fail(s, s->end,
		    g_strdup_printf("unexpected end of file: the %s opened at line %u, column %u "
				    "is not closed",
				    what, line, col));
}

static bool scan_value(struct scan *s)
{
	if (s->p >= s->end)
		return fail(s, s->p, g_strdup("unexpected end of file, expected a value"));
	switch (*s->p) {
	case '{':
		return scan_container(s, '}');
	case '[':
		return scan_container(s, ']');
	case '"':
		return scan_string(s);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	case '\'':
		return fail(s, s->p, g_strdup("strings need double quotes, not single quotes"));
	case '/':
		return fail(s, s->p, g_strdup("comments are not allowed in JSON"));
	default:
		if (*s->p == '-' || g_ascii_isdigit(*s->p))
			return scan_number(s);
		{
			char *f = found_text(s);
			char *m = g_strdup_printf("expected a value, found %s%s", f,
						  g_ascii_isalpha(*s->p)
							  ? " (strings need double quotes)"
							  : "");
			g_free(f);
			return fail(s, s->p, m);
		}
	}
}

cJSON *sch_parse_json(const char *text, size_t len, char **err)
{
	/* A UTF-8 byte order mark is tolerated (some editors write one). */
	size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	struct scan s = {.start = text, .p = text + skip, .end = text + len};
	ws(&s);
	if (s.p >= s.end) {
		fail(&s, s.p, g_strdup("the file is empty; a scenario is a JSON object"));
	} else if (scan_value(&s)) {
		ws(&s);
		if (s.p < s.end) {
			char *f = found_text(&s);
			fail(&s, s.p,
			     g_strdup_printf("unexpected %s after the end of the JSON document", f));
			g_free(f);
		}
	}
	if (s.msg == NULL) {
		const char *end = NULL;
		cJSON *root = cJSON_ParseWithLengthOpts(text + skip, len - skip, &end, false);
		if (root)
			return root;
		/* Our scanner accepted what cJSON did not (out of memory, say). */
		fail(&s, end ? end : text, g_strdup("cJSON could not parse the document here"));
	}
	unsigned line, col;
	pos_of(text, s.err_at, &line, &col);
	*err = g_strdup_printf("%u:%u: %s", line, col, s.msg);
	g_free(s.msg);
	return NULL;
}
