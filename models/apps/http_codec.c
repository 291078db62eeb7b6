/* models/apps/http_codec.c — strict incremental HTTP/1.1 parser and chunked writer.
 *
 * Sits below the HTTP applications (models/apps/http.c) and above nothing: bytes in,
 * callbacks out. See http_codec.h for the contract and the RFC 9112 sections. */
#include "models/apps/http_codec.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "models/apps/flow.h"

/* ---- character classes (RFC 9110 §5.6.2, RFC 5234 appendix B.1) ---- */

/* tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" /
 *         "`" / "|" / "~" / DIGIT / ALPHA */
static bool is_tchar(unsigned char c)
{
	if (g_ascii_isalnum(c))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_vchar(unsigned char c) { return c >= 0x21 && c <= 0x7e; }
static bool is_obs_text(unsigned char c) { return c >= 0x80; }
static bool is_ws(unsigned char c) { return c == ' ' || c == '\t'; }

/* field-vchar = VCHAR / obs-text; a field value may also hold SP / HTAB inside. */
static bool is_field_char(unsigned char c)
{
	return is_vchar(c) || is_obs_text(c) || is_ws(c);
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *http_error_string(enum http_error e)
{
	switch (e) {
	case HTTP_OK: return "no error";
	case HTTP_E_LINE_ENDING: return "line not terminated by CRLF";
	case HTTP_E_LINE_TOO_LONG: return "line too long";
	case HTTP_E_START_LINE: return "malformed start line";
	case HTTP_E_VERSION: return "unsupported HTTP version";
	case HTTP_E_STATUS: return "bad status code";
	case HTTP_E_TARGET_TOO_LONG: return "request target too long";
	case HTTP_E_FIELD: return "malformed field line";
	case HTTP_E_OBS_FOLD: return "obsolete line folding";
	case HTTP_E_TOO_MANY_FIELDS: return "too many field lines";
	case HTTP_E_TRANSFER_ENCODING: return "unsupported transfer coding";
	case HTTP_E_CONTENT_LENGTH: return "bad Content-Length";
	case HTTP_E_LENGTH_CONFLICT: return "both Transfer-Encoding and Content-Length";
	case HTTP_E_CHUNK_SIZE: return "bad chunk size";
	case HTTP_E_CHUNK_TOO_LARGE: return "chunk size too large";
	case HTTP_E_CHUNK_EXT: return "bad chunk extension";
	case HTTP_E_CHUNK_CRLF: return "chunk data not followed by CRLF";
	case HTTP_E_TRAILER: return "malformed trailer field";
	case HTTP_E_TRUNCATED: return "message truncated by connection close";
	case HTTP_E_EXTRA_DATA: return "unexpected data after message";
	}
	return "unknown error";
}

/* ---- parser ---- */

enum {
	P_START,        /* request line / status line */
	P_FIELDS,       /* header section */
	P_CHUNK_SIZE,   /* chunk-size [ chunk-ext ] CRLF */
	P_CHUNK_DATA,
	P_CHUNK_CR,     /* the CRLF after chunk-data */
	P_CHUNK_LF,
	P_TRAILER,      /* trailer section after last-chunk */
	P_BODY_LENGTH,  /* Content-Length body */
	P_BODY_CLOSE,   /* body until the connection closes */
	P_DONE,
	P_ERROR,
};

static void parser_clear_message(struct http_parser *p)
{
	p->head_done = false;
	p->version_minor = 0;
	p->status = 0;
	p->method[0] = '\0';
	p->target[0] = '\0';
	p->framing = HTTP_FRAMING_NONE;
	p->content_length = 0;
	p->keep_alive = false;
	p->body_bytes = 0;
	p->chunks = 0;
	p->extensions = 0;
	p->fields = 0;
	p->trailers = 0;
	p->state = P_START;
	p->remaining = 0;
	p->seen_te = p->seen_cl = p->te_chunked = false;
	p->connection_close = p->connection_keep_alive = false;
	p->line_cr = false;
	p->line_len = 0;
}

void http_parser_init(struct http_parser *p, enum http_kind kind, http_body_fn on_body,
		      http_field_fn on_field, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->max_chunk_size = HTTP_DEFAULT_MAX_CHUNK;
	p->on_body = on_body;
	p->on_field = on_field;
	p->ctx = ctx;
	parser_clear_message(p);
}

void http_parser_next(struct http_parser *p)
{
	g_assert(p->state == P_DONE);
	parser_clear_message(p);
}

bool http_parser_done(const struct http_parser *p) { return p->state == P_DONE; }

bool http_parser_in_message(const struct http_parser *p)
{
	return p->state != P_DONE && p->state != P_ERROR &&
	       (p->state != P_START || p->line_len > 0 || p->line_cr);
}

/* Parses "HTTP/1.x" at s (exactly 8 bytes available). */
static enum http_error parse_version(struct http_parser *p, const char *s)
{
	if (memcmp(s, "HTTP/", 5) != 0 || !g_ascii_isdigit(s[5]) || s[6] != '.' ||
	    !g_ascii_isdigit(s[7]))
		return HTTP_E_START_LINE;
	/* RFC 9112 §2.3: only major version 1 is this protocol. */
	if (s[5] != '1' || (s[7] != '0' && s[7] != '1'))
		return HTTP_E_VERSION;
	p->version_minor = s[7] - '0';
	return HTTP_OK;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4). */
static enum http_error parse_status_line(struct http_parser *p, const char *s, size_t n)
{
	if (n < 13)
		return n >= 8 && memcmp(s, "HTTP/", 5) == 0 ? HTTP_E_STATUS : HTTP_E_START_LINE;
	enum http_error e = parse_version(p, s);
	if (e != HTTP_OK)
		return e;
	if (s[8] != ' ')
		return HTTP_E_START_LINE;
	if (!g_ascii_isdigit(s[9]) || !g_ascii_isdigit(s[10]) || !g_ascii_isdigit(s[11]))
		return HTTP_E_STATUS;
	int status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	/* RFC 9110 §15: the first digit is the class, 1 to 5. */
	if (status < 100 || status > 599)
		return HTTP_E_STATUS;
	if (s[12] != ' ')
		return HTTP_E_STATUS;
	/* reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) */
	for (size_t i = 13; i < n; i++)
		if (!is_field_char((unsigned char)s[i]))
			return HTTP_E_START_LINE;
	p->status = status;
	return HTTP_OK;
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 §3). */
static enum http_error parse_request_line(struct http_parser *p, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != ' ')
		return HTTP_E_START_LINE;
	if (i > HTTP_MAX_METHOD)
		return HTTP_E_START_LINE;
	memcpy(p->method, s, i);
	p->method[i] = '\0';
	size_t t0 = ++i;
	while (i < n && is_vchar((unsigned char)s[i]))
		i++;
	size_t tlen = i - t0;
	if (tlen == 0 || i >= n || s[i] != ' ')
		return HTTP_E_START_LINE;
	if (tlen > HTTP_MAX_TARGET)
		return HTTP_E_TARGET_TOO_LONG;
	memcpy(p->target, s + t0, tlen);
	p->target[tlen] = '\0';
	i++;
	if (n - i != 8)
		return HTTP_E_START_LINE;
	return parse_version(p, s + i);
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && g_ascii_strncasecmp(name, want, len) == 0;
}

/* Calls fn on each element of a comma-separated list (RFC 9110 §5.6.1), elements
 * trimmed of OWS; empty elements are skipped as the #rule allows. Stops at the first
 * element fn rejects. */
static enum http_error for_each_element(struct http_parser *p, const char *v, size_t n,
					enum http_error (*fn)(struct http_parser *p,
							      const char *e, size_t len))
{
	size_t i = 0;
	while (i <= n) {
		size_t j = i;
		while (j < n && v[j] != ',')
			j++;
		size_t a = i, b = j;
		while (a < b && is_ws((unsigned char)v[a]))
			a++;
		while (b > a && is_ws((unsigned char)v[b - 1]))
			b--;
		if (b > a) {
			enum http_error e = fn(p, v + a, b - a);
			if (e != HTTP_OK)
				return e;
		}
		i = j + 1;
	}
	return HTTP_OK;
}

/* Transfer-Encoding (RFC 9112 §6.1): chunked must be the final coding and applied
 * once; this parser decodes no other coding, so "chunked" is the only one accepted. */
static enum http_error te_element(struct http_parser *p, const char *e, size_t len)
{
	if (!name_is(e, len, "chunked") || p->te_chunked)
		return HTTP_E_TRANSFER_ENCODING;
	p->te_chunked = true;
	return HTTP_OK;
}

/* Content-Length = 1*DIGIT (RFC 9110 §8.6); a list of identical values is accepted
 * as one (RFC 9112 §6.3 rule 5), differing values are an error. */
static enum http_error cl_element(struct http_parser *p, const char *e, size_t len)
{
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!g_ascii_isdigit(e[i]))
			return HTTP_E_CONTENT_LENGTH;
		if (v > (UINT64_C(1) << 56))
			return HTTP_E_CONTENT_LENGTH; /* absurd: reject before overflow */
		v = v * 10 + (uint64_t)(e[i] - '0');
	}
	if (p->seen_cl && v != p->content_length)
		return HTTP_E_CONTENT_LENGTH;
	p->seen_cl = true;
	p->content_length = v;
	return HTTP_OK;
}

static enum http_error connection_element(struct http_parser *p, const char *e, size_t len)
{
	if (name_is(e, len, "close"))
		p->connection_close = true;
	else if (name_is(e, len, "keep-alive"))
		p->connection_keep_alive = true;
	return HTTP_OK;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). On success sets
 * the name and trimmed value spans. */
static enum http_error split_field_line(const char *s, size_t n, size_t *name_len,
					size_t *v0, size_t *v1)
{
	/* RFC 9112 §5.2: obs-fold (a line starting with whitespace) is rejected. */
	if (n > 0 && is_ws((unsigned char)s[0]))
		return HTTP_E_OBS_FOLD;
	size_t i = 0;
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	/* RFC 9112 §5.1: no whitespace between name and colon. */
	if (i == 0 || i >= n || s[i] != ':')
		return HTTP_E_FIELD;
	*name_len = i;
	i++;
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	size_t a = i, b = n;
	while (b > a && is_ws((unsigned char)s[b - 1]))
		b--;
	for (size_t k = a; k < b; k++)
		if (!is_field_char((unsigned char)s[k]))
			return HTTP_E_FIELD;
	*v0 = a;
	*v1 = b;
	return HTTP_OK;
}

static enum http_error parse_field_line(struct http_parser *p, const char *s, size_t n,
					bool trailer)
{
	size_t name_len, v0, v1;
	enum http_error e = split_field_line(s, n, &name_len, &v0, &v1);
	if (e != HTTP_OK)
		return e == HTTP_E_OBS_FOLD || !trailer ? e : HTTP_E_TRAILER;
	uint32_t *count = trailer ? &p->trailers : &p->fields;
	if (++*count > HTTP_MAX_FIELDS)
		return HTTP_E_TOO_MANY_FIELDS;
	if (!trailer) {
		const char *v = s + v0;
		size_t vn = v1 - v0;
		if (name_is(s, name_len, "transfer-encoding")) {
			p->seen_te = true;
			e = for_each_element(p, v, vn, te_element);
		} else if (name_is(s, name_len, "content-length")) {
			e = for_each_element(p, v, vn, cl_element);
			if (e == HTTP_OK && !p->seen_cl)
				e = HTTP_E_CONTENT_LENGTH; /* an empty value */
		} else if (name_is(s, name_len, "connection")) {
			e = for_each_element(p, v, vn, connection_element);
		}
		if (e != HTTP_OK)
			return e;
	}
	if (p->on_field)
		p->on_field(p->ctx, trailer, s, name_len, s + v0, v1 - v0);
	return HTTP_OK;
}

/* The header section ended: decide how the body is framed (RFC 9112 §6.3). */
static enum http_error end_of_head(struct http_parser *p)
{
	p->head_done = true;
	/* RFC 9112 §9.3: HTTP/1.1 persists unless "close"; 1.0 only with keep-alive. */
	p->keep_alive = !p->connection_close &&
			(p->version_minor >= 1 || p->connection_keep_alive);
	if (p->kind == HTTP_RESPONSE &&
	    (p->status < 200 || p->status == 204 || p->status == 304)) {
		/* §6.3 rule 1: 1xx, 204 and 304 responses end at the head. */
		p->framing = HTTP_FRAMING_NONE;
		p->state = P_DONE;
		return HTTP_OK;
	}
	if (p->seen_te) {
		/* §6.3 rule 3 allows a recipient to let Transfer-Encoding override
		 * Content-Length; a strict checker treats the pair as the smuggling
		 * vector it is and rejects it. */
		if (p->seen_cl)
			return HTTP_E_LENGTH_CONFLICT;
		if (!p->te_chunked)
			return HTTP_E_TRANSFER_ENCODING;
		p->framing = HTTP_FRAMING_CHUNKED;
		p->state = P_CHUNK_SIZE;
	} else if (p->seen_cl) {
		p->framing = HTTP_FRAMING_LENGTH;
		p->remaining = p->content_length;
		p->state = p->remaining ? P_BODY_LENGTH : P_DONE;
	} else if (p->kind == HTTP_REQUEST) {
		p->framing = HTTP_FRAMING_NONE; /* §6.3 rule 6 */
		p->state = P_DONE;
	} else {
		p->framing = HTTP_FRAMING_UNTIL_CLOSE; /* §6.3 rule 8 */
		p->keep_alive = false;
		p->state = P_BODY_CLOSE;
	}
	return HTTP_OK;
}

/* chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; last-chunk = 1*("0")
 * [ chunk-ext ] CRLF; chunk-ext = *( BWS ";" BWS chunk-ext-name
 * [ BWS "=" BWS chunk-ext-val ] ); chunk-ext-val = token / quoted-string
 * (RFC 9112 §7.1, §7.1.1; quoted-string RFC 9110 §5.6.4). Returns the number of
 * extensions through *n_ext. */
static enum http_error parse_chunk_ext(const char *s, size_t n, uint32_t *n_ext)
{
	size_t i = 0;
	*n_ext = 0;
	while (i < n) {
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		if (i >= n || s[i] != ';')
			return HTTP_E_CHUNK_EXT; /* trailing BWS without ';' too */
		i++;
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		size_t name0 = i;
		while (i < n && is_tchar((unsigned char)s[i]))
			i++;
		if (i == name0)
			return HTTP_E_CHUNK_EXT;
		size_t save = i;
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		if (i < n && s[i] == '=') {
			i++;
			while (i < n && is_ws((unsigned char)s[i]))
				i++;
			if (i < n && s[i] == '"') {
				i++;
				bool closed = false;
				while (i < n) {
					unsigned char c = (unsigned char)s[i];
					if (c == '"') {
						closed = true;
						i++;
						break;
					}
					if (c == '\\') {
						/* quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ) */
						if (i + 1 >= n || !is_field_char((unsigned char)s[i + 1]))
							return HTTP_E_CHUNK_EXT;
						i += 2;
						continue;
					}
					if (!is_field_char(c))
						return HTTP_E_CHUNK_EXT;
					i++;
				}
				if (!closed)
					return HTTP_E_CHUNK_EXT;
			} else {
				size_t v0 = i;
				while (i < n && is_tchar((unsigned char)s[i]))
					i++;
				if (i == v0)
					return HTTP_E_CHUNK_EXT;
			}
		} else {
			i = save;
		}
		(*n_ext)++;
	}
	return HTTP_OK;
}

static enum http_error parse_chunk_size_line(struct http_parser *p, const char *s, size_t n)
{
	size_t i = 0;
	uint64_t size = 0;
	int d;
	while (i < n && (d = hex_value((unsigned char)s[i])) >= 0) {
		size = size * 16 + (uint64_t)d;
		/* Checked per digit, so a long run of digits is rejected before the
		 * value can overflow (the limit is far below 2^60). */
		if (size > p->max_chunk_size)
			return HTTP_E_CHUNK_TOO_LARGE;
		i++;
	}
	if (i == 0)
		return HTTP_E_CHUNK_SIZE;
	if (i < n && s[i] != ';' && !is_ws((unsigned char)s[i]))
		return HTTP_E_CHUNK_SIZE;
	uint32_t n_ext;
	enum http_error e = parse_chunk_ext(s + i, n - i, &n_ext);
	if (e != HTTP_OK)
		return e;
	p->extensions += n_ext;
	if (size == 0) {
		p->state = P_TRAILER; /* last-chunk, then trailer-section CRLF */
	} else {
		p->chunks++;
		p->remaining = size;
		p->state = P_CHUNK_DATA;
	}
	return HTTP_OK;
}

/* A complete line (CRLF removed) in p->line. */
static enum http_error handle_line(struct http_parser *p)
{
	const char *s = p->line;
	size_t n = p->line_len;
	p->line_len = 0;
	switch (p->state) {
	case P_START: {
		if (n == 0 && p->kind == HTTP_REQUEST)
			return HTTP_OK; /* RFC 9112 §2.2: ignore a CRLF before a request */
		enum http_error e = p->kind == HTTP_REQUEST ? parse_request_line(p, s, n)
							    : parse_status_line(p, s, n);
		if (e == HTTP_OK)
			p->state = P_FIELDS;
		return e;
	}
	case P_FIELDS:
		if (n == 0)
			return end_of_head(p);
		return parse_field_line(p, s, n, false);
	case P_CHUNK_SIZE:
		return parse_chunk_size_line(p, s, n);
	case P_TRAILER:
		if (n == 0) {
			p->state = P_DONE;
			return HTTP_OK;
		}
		return parse_field_line(p, s, n, true);
	default:
		g_assert_not_reached();
	}
	return HTTP_OK;
}

static ssize_t parser_fail(struct http_parser *p, enum http_error e, size_t at)
{
	p->error = e;
	p->error_offset = p->fed + at;
	p->state = P_ERROR;
	p->fed += at;
	return -1;
}

ssize_t http_parser_feed(struct http_parser *p, const uint8_t *data, size_t len)
{
	if (p->state == P_ERROR)
		return -1;
	size_t i = 0;
	while (i < len && p->state != P_DONE) {
		switch (p->state) {
		case P_START:
		case P_FIELDS:
		case P_CHUNK_SIZE:
		case P_TRAILER: {
			/* Accumulate one line; RFC 9112 §2.2: CRLF only. */
			unsigned char c = data[i++];
			if (p->line_cr) {
				if (c != '\n')
					return parser_fail(p, HTTP_E_LINE_ENDING, i - 1);
				p->line_cr = false;
				p->line[p->line_len] = '\0';
				enum http_error e = handle_line(p);
				if (e != HTTP_OK)
					return parser_fail(p, e, i - 1);
				break;
			}
			if (c == '\r') {
				p->line_cr = true;
			} else if (c == '\n') {
				return parser_fail(p, HTTP_E_LINE_ENDING, i - 1);
			} else {
				if (p->line_len >= HTTP_MAX_LINE)
					return parser_fail(p, HTTP_E_LINE_TOO_LONG, i - 1);
				p->line[p->line_len++] = (char)c;
			}
			break;
		}
		case P_CHUNK_DATA:
		case P_BODY_LENGTH: {
			size_t n = len - i;
			if ((uint64_t)n > p->remaining)
				n = (size_t)p->remaining;
			if (p->on_body)
				p->on_body(p->ctx, data + i, n);
			i += n;
			p->remaining -= n;
			p->body_bytes += n;
			if (p->remaining == 0)
				p->state = p->state == P_CHUNK_DATA ? P_CHUNK_CR : P_DONE;
			break;
		}
		case P_CHUNK_CR:
			if (data[i] != '\r')
				return parser_fail(p, HTTP_E_CHUNK_CRLF, i);
			i++;
			p->state = P_CHUNK_LF;
			break;
		case P_CHUNK_LF:
			if (data[i] != '\n')
				return parser_fail(p, HTTP_E_CHUNK_CRLF, i);
			i++;
			p->state = P_CHUNK_SIZE;
			break;
		case P_BODY_CLOSE: {
			size_t n = len - i;
			if (p->on_body)
				p->on_body(p->ctx, data + i, n);
			i += n;
			p->body_bytes += n;
			break;
		}
		default:
			g_assert_not_reached();
		}
	}
	p->fed += i;
	return (ssize_t)i;
}

int http_parser_eof(struct http_parser *p)
{
	if (p->state == P_ERROR)
		return -1;
	if (p->state == P_BODY_CLOSE) {
		p->state = P_DONE;
		return 0;
	}
	if (p->state == P_DONE || !http_parser_in_message(p))
		return 0;
	p->error = HTTP_E_TRUNCATED;
	p->error_offset = p->fed;
	p->state = P_ERROR;
	return -1;
}

/* ---- chunked writer ---- */

enum {
	W_HEAD,
	W_CHUNK_LINE,
	W_CHUNK_DATA,
	W_CHUNK_CRLF,
	W_LAST,
	W_TRAILER,
	W_FINAL,
	W_DONE,
};

bool http_chunk_extension_valid(const char *ext)
{
	uint32_t n;
	if (ext == NULL || ext[0] == '\0')
		return true;
	/* The writer emits ";" + ext, so validate it the way the parser will see it. */
	char buf[HTTP_MAX_EXTENSION + 2];
	size_t len = strlen(ext);
	if (len > HTTP_MAX_EXTENSION - 1)
		return false;
	buf[0] = ';';
	memcpy(buf + 1, ext, len);
	return parse_chunk_ext(buf, len + 1, &n) == HTTP_OK && n > 0;
}

static bool trailer_valid(const char *t)
{
	/* Zero or more field lines, each ending with CRLF. */
	while (*t) {
		const char *crlf = strstr(t, "\r\n");
		if (crlf == NULL)
			return false;
		size_t n = (size_t)(crlf - t), name_len, v0, v1;
		if (memchr(t, '\r', n) || memchr(t, '\n', n) ||
		    split_field_line(t, n, &name_len, &v0, &v1) != HTTP_OK)
			return false;
		t = crlf + 2;
	}
	return true;
}

bool http_field_line_valid(const char *line)
{
	size_t n = strlen(line), name_len, v0, v1;
	return n + 2 < HTTP_MAX_TRAILER && !memchr(line, '\r', n) && !memchr(line, '\n', n) &&
	       split_field_line(line, n, &name_len, &v0, &v1) == HTTP_OK;
}

/* Formats the chunk-size line of a chunk of `len` bytes into w->text. */
static void writer_set_text_size(struct http_chunk_writer *w, uint64_t len)
{
	int n = snprintf(w->text, sizeof(w->text), "%" G_GINT64_MODIFIER "x%s%s\r\n",
			 (guint64)len, w->extension[0] ? ";" : "", w->extension);
	g_assert(n > 0 && (size_t)n < sizeof(w->text));
	w->text_len = (size_t)n;
	w->text_off = 0;
}

/* Moves to the piece after the current one, skipping empty pieces. */
static void writer_next_piece(struct http_chunk_writer *w)
{
	for (;;) {
		switch (w->state) {
		case W_HEAD:
		case W_CHUNK_CRLF:
			if (w->body_done < w->body_len) {
				uint64_t want = w->chunk_sizes[w->next_size];
				w->next_size = (w->next_size + 1) % w->n_chunk_sizes;
				uint64_t left = w->body_len - w->body_done;
				w->chunk_len = want < left ? want : left;
				w->chunk_done = 0;
				w->chunks++;
				writer_set_text_size(w, w->chunk_len);
				w->state = W_CHUNK_LINE;
			} else {
				writer_set_text_size(w, 0);
				w->state = W_LAST;
			}
			return;
		case W_CHUNK_LINE:
			w->state = W_CHUNK_DATA;
			return;
		case W_CHUNK_DATA:
			memcpy(w->text, "\r\n", 2);
			w->text_len = 2;
			w->text_off = 0;
			w->state = W_CHUNK_CRLF;
			return;
		case W_LAST:
			w->state = W_TRAILER;
			w->text_off = 0;
			if (w->trailer[0] == '\0')
				continue;
			return;
		case W_TRAILER:
			memcpy(w->text, "\r\n", 2);
			w->text_len = 2;
			w->text_off = 0;
			w->state = W_FINAL;
			return;
		case W_FINAL:
			w->state = W_DONE;
			return;
		default:
			return;
		}
	}
}

int http_chunk_writer_init(struct http_chunk_writer *w, const char *head, uint64_t body_len,
			   uint64_t key, const uint32_t *chunk_sizes, size_t n_chunk_sizes,
			   const char *extension, const char *trailer)
{
	memset(w, 0, sizeof(*w));
	if (chunk_sizes == NULL || n_chunk_sizes == 0)
		return -EINVAL;
	for (size_t i = 0; i < n_chunk_sizes; i++)
		if (chunk_sizes[i] == 0)
			return -EINVAL; /* a zero-size chunk would end the body */
	size_t hl = head ? strlen(head) : 0;
	if (hl >= sizeof(w->head))
		return -EINVAL;
	if (!http_chunk_extension_valid(extension))
		return -EINVAL;
	if (trailer && (strlen(trailer) >= sizeof(w->trailer) || !trailer_valid(trailer)))
		return -EINVAL;
	w->body_len = body_len;
	w->key = key;
	w->chunk_sizes = chunk_sizes;
	w->n_chunk_sizes = n_chunk_sizes;
	if (hl)
		memcpy(w->head, head, hl);
	w->head_len = hl;
	if (extension)
		g_strlcpy(w->extension, extension, sizeof(w->extension));
	if (trailer)
		g_strlcpy(w->trailer, trailer, sizeof(w->trailer));
	w->state = W_HEAD;
	w->text_off = 0;
	if (hl == 0)
		writer_next_piece(w);
	return 0;
}

size_t http_chunk_writer_peek(struct http_chunk_writer *w, const uint8_t **data)
{
	switch (w->state) {
	case W_HEAD:
		*data = (const uint8_t *)w->head + w->text_off;
		return w->head_len - w->text_off;
	case W_CHUNK_LINE:
	case W_CHUNK_CRLF:
	case W_LAST:
	case W_FINAL:
		*data = (const uint8_t *)w->text + w->text_off;
		return w->text_len - w->text_off;
	case W_TRAILER:
		*data = (const uint8_t *)w->trailer + w->text_off;
		return strlen(w->trailer) - w->text_off;
	case W_CHUNK_DATA: {
		uint64_t left = w->chunk_len - w->chunk_done;
		*data = app_pattern_at(w->key + w->body_done);
		return left < APP_PATTERN_LEN ? (size_t)left : APP_PATTERN_LEN;
	}
	default:
		*data = NULL;
		return 0;
	}
}

void http_chunk_writer_advance(struct http_chunk_writer *w, size_t n)
{
	const uint8_t *unused;
	g_assert(n <= http_chunk_writer_peek(w, &unused));
	if (n == 0)
		return;
	if (w->state == W_CHUNK_DATA) {
		w->chunk_done += n;
		w->body_done += n;
		if (w->chunk_done == w->chunk_len)
			writer_next_piece(w);
		return;
	}
	w->text_off += n;
	const uint8_t *d;
	if (http_chunk_writer_peek(w, &d) == 0)
		writer_next_piece(w);
}

bool http_chunk_writer_done(const struct http_chunk_writer *w) { return w->state == W_DONE; }
