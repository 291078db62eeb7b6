/* models/apps/http_codec.h — HTTP/1.1 message codec for the HTTP applications: a
 * strict incremental parser (requests and responses, chunked and Content-Length
 * bodies, chunk extensions, trailers) and a streaming writer of chunked responses.
 *
 * The codec knows nothing of sockets: the parser is fed whatever bytes arrived, in
 * any pieces, and reports body bytes through a callback pointing into the caller's
 * buffer (no copy); the writer hands out the next contiguous span of the encoded
 * stream (peek) and is told how much of it was taken (advance), so a partial
 * tcp_send() costs nothing and body bytes come straight from the pattern table.
 *
 * Grammar: RFC 9112 (HTTP/1.1 message syntax) §2.2 (CRLF line endings; bare CR is
 * rejected and so is a bare LF — we are strict where the RFC allows leniency, because
 * the point is to check our own server's output), §3 (request line), §4 (status
 * line), §5 (field lines; no whitespace before the colon, no obs-fold), §6.3 (message
 * body length), §7.1 (chunked coding: chunk-size, chunk-ext, last-chunk, trailer
 * section). Field names and values are checked against RFC 9110 §5.1/§5.5 (token,
 * VCHAR / obs-text, no CTLs).
 *
 * Limits (a peer cannot make the parser allocate or loop): a line is at most
 * HTTP_MAX_LINE bytes, a head or trailer section at most HTTP_MAX_FIELDS field lines,
 * a chunk at most max_chunk_size bytes (default HTTP_DEFAULT_MAX_CHUNK); more is an
 * error, never a crash.
 */
#ifndef MODELS_APPS_HTTP_CODEC_H
#define MODELS_APPS_HTTP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HTTP_MAX_LINE         8192u
#define HTTP_MAX_FIELDS       100u
#define HTTP_MAX_TARGET       1024u
#define HTTP_MAX_METHOD       32u
#define HTTP_DEFAULT_MAX_CHUNK (UINT64_C(1) << 32)

enum http_error {
	HTTP_OK = 0,
	HTTP_E_LINE_ENDING,      /* a CR not followed by LF, or an LF without CR */
	HTTP_E_LINE_TOO_LONG,    /* a line longer than HTTP_MAX_LINE */
	HTTP_E_START_LINE,       /* malformed request line or status line */
	HTTP_E_VERSION,          /* not HTTP/1.0 or HTTP/1.1 */
	HTTP_E_STATUS,           /* status code not three digits */
	HTTP_E_TARGET_TOO_LONG,  /* request-target longer than HTTP_MAX_TARGET */
	HTTP_E_FIELD,            /* malformed field line (name, colon, value) */
	HTTP_E_OBS_FOLD,         /* a field line continued on the next line */
	HTTP_E_TOO_MANY_FIELDS,  /* more than HTTP_MAX_FIELDS field lines */
	HTTP_E_TRANSFER_ENCODING,/* a transfer coding other than chunked */
	HTTP_E_CONTENT_LENGTH,   /* malformed or conflicting Content-Length */
	HTTP_E_LENGTH_CONFLICT,  /* both Transfer-Encoding and Content-Length */
	HTTP_E_CHUNK_SIZE,       /* chunk-size not hexadecimal */
	HTTP_E_CHUNK_TOO_LARGE,  /* chunk-size beyond the limit */
	HTTP_E_CHUNK_EXT,        /* malformed chunk extension */
	HTTP_E_CHUNK_CRLF,       /* chunk data not followed by CRLF */
	HTTP_E_TRAILER,          /* malformed trailer field line */
	HTTP_E_TRUNCATED,        /* the stream ended inside a message */
	HTTP_E_EXTRA_DATA,       /* bytes after a message where none may be */
};

/* A short English description ("bad chunk size"). */
const char *http_error_string(enum http_error e);

enum http_kind { HTTP_REQUEST, HTTP_RESPONSE };

/* How the body's end is found (RFC 9112 §6.3). */
enum http_framing {
	HTTP_FRAMING_NONE,       /* no body (request without length, 1xx/204/304) */
	HTTP_FRAMING_CHUNKED,    /* Transfer-Encoding: chunked */
	HTTP_FRAMING_LENGTH,     /* Content-Length */
	HTTP_FRAMING_UNTIL_CLOSE,/* response without either: ends at connection close */
};

/* Called for each run of body bytes (decoded: chunk framing removed). data points
 * into the buffer given to http_parser_feed. */
typedef void (*http_body_fn)(void *ctx, const uint8_t *data, size_t len);

/* Called for each field line of the head (trailer = false) and of the trailer
 * section (trailer = true). Name and value are not NUL-terminated; the value has its
 * surrounding whitespace removed. Optional. */
typedef void (*http_field_fn)(void *ctx, bool trailer, const char *name, size_t name_len,
			      const char *value, size_t value_len);

struct http_parser {
	/* Configuration (set by init, may be changed before feeding). */
	enum http_kind kind;
	uint64_t max_chunk_size;
	http_body_fn on_body;
	http_field_fn on_field;
	void *ctx;

	/* The message's head, valid once head_done. */
	bool head_done;
	int version_minor;           /* 0 or 1 (HTTP/1.x) */
	int status;                  /* responses */
	char method[HTTP_MAX_METHOD + 1];  /* requests */
	char target[HTTP_MAX_TARGET + 1];  /* requests */
	enum http_framing framing;
	uint64_t content_length;
	bool keep_alive;             /* persistent after this message (RFC 9112 §9.3) */

	/* Progress and statistics of the current message. */
	uint64_t body_bytes;         /* decoded body bytes so far */
	uint32_t chunks;             /* chunks seen, last-chunk excluded */
	uint32_t extensions;         /* chunk extensions seen */
	uint32_t fields;             /* field lines in the head */
	uint32_t trailers;           /* field lines in the trailer section */
	enum http_error error;       /* first error, HTTP_OK if none */
	uint64_t error_offset;       /* stream offset of the error (bytes fed before it) */
	uint64_t fed;                /* bytes consumed since init (all messages) */

	/* Internal. */
	int state;
	uint64_t remaining;          /* of the current chunk or Content-Length body */
	bool seen_te, seen_cl, te_chunked;
	bool connection_close, connection_keep_alive;
	bool line_cr;                /* the last byte of the line buffer was CR */
	size_t line_len;
	char line[HTTP_MAX_LINE + 1];
};

/* Prepares a parser for the first message of a connection. */
void http_parser_init(struct http_parser *p, enum http_kind kind, http_body_fn on_body,
		      http_field_fn on_field, void *ctx);

/* Prepares for the next message on the same connection (keeps configuration and
 * `fed`). Only after a complete message. */
void http_parser_next(struct http_parser *p);

/* Feeds bytes. Consumes up to the end of the current message and stops there, so the
 * caller can act on a complete message before feeding the rest (call
 * http_parser_next first). Returns the number of bytes consumed (0..len), or -1 after
 * an error (p->error says which; the parser stays failed). */
ssize_t http_parser_feed(struct http_parser *p, const uint8_t *data, size_t len);

/* The peer closed the connection. Completes a body framed by the close; anywhere
 * else inside a message it is HTTP_E_TRUNCATED. Returns 0 or -1. Between messages
 * (nothing of a next message fed) it is a clean end: returns 0. */
int http_parser_eof(struct http_parser *p);

/* A complete message has been parsed. */
bool http_parser_done(const struct http_parser *p);

/* Some bytes of a message (not yet complete) have been fed. */
bool http_parser_in_message(const struct http_parser *p);

/* ---- chunked response writer ---- */

#define HTTP_MAX_HEAD 512u
#define HTTP_MAX_EXTENSION 128u
#define HTTP_MAX_TRAILER 256u

struct http_chunk_writer {
	/* Set by init. */
	uint64_t body_len;
	uint64_t key;                /* pattern key of the body */
	const uint32_t *chunk_sizes; /* cycled; borrowed (must outlive the writer) */
	size_t n_chunk_sizes;
	/* Progress. */
	int state;
	uint64_t body_done;          /* body bytes emitted completely */
	uint64_t chunk_len, chunk_done;
	size_t next_size;            /* index into chunk_sizes */
	size_t text_len, text_off;   /* current piece of framing text */
	uint64_t chunks;             /* chunks started */
	/* The head (status line and fields), the extension and trailer, copied. */
	size_t head_len;
	char head[HTTP_MAX_HEAD];
	char extension[HTTP_MAX_EXTENSION]; /* "" for none; without the ';' */
	char trailer[HTTP_MAX_TRAILER];     /* "" or field lines, each ending CRLF */
	char text[HTTP_MAX_EXTENSION + 32];
};

/* Starts writing: `head` (the status line and field lines, ending with the empty
 * line; may be NULL for a bare chunked body), then body_len bytes of the stream with
 * key `key` as chunks whose sizes cycle through chunk_sizes (each > 0; the last chunk
 * is cut to what remains), each chunk-size line carrying ";extension" when extension
 * is non-empty, then the last-chunk "0", the trailer field lines and the final CRLF.
 * Returns 0, or -EINVAL (a zero chunk size, no sizes, a head, extension or trailer
 * too long, or an extension or trailer that is not valid syntax). */
int http_chunk_writer_init(struct http_chunk_writer *w, const char *head, uint64_t body_len,
			   uint64_t key, const uint32_t *chunk_sizes, size_t n_chunk_sizes,
			   const char *extension, const char *trailer);

/* The next contiguous bytes to send: returns their count (0 when finished) and
 * points *data at them. Valid until the next call to advance. */
size_t http_chunk_writer_peek(struct http_chunk_writer *w, const uint8_t **data);

/* Marks n bytes (at most what peek returned) as sent. */
void http_chunk_writer_advance(struct http_chunk_writer *w, size_t n);

bool http_chunk_writer_done(const struct http_chunk_writer *w);

/* Checks that `ext` is a valid chunk-ext body (name[=value] pairs separated by ';',
 * values a token or quoted-string), as the parser would accept it. */
bool http_chunk_extension_valid(const char *ext);

/* Checks that `line` is one field line (without its CRLF) as the parser accepts it,
 * short enough to be a writer's whole trailer: what an HTTP server may send as its
 * trailer. */
bool http_field_line_valid(const char *line);

#endif
