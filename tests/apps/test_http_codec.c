/* tests/apps/test_http_codec.c — the HTTP/1.1 chunked writer and the strict
 * incremental parser (models/apps/http_codec.h). No network needed.
 *
 * Every well-formed message is parsed split at every position (two reads), byte by
 * byte, and in random pieces, and must give the same result; every malformed input
 * class gives its own error, also whatever the split. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/apps/flow.h"
#include "models/apps/http_codec.h"

/* ---- helpers ---- */

struct result {
	GByteArray *body;
	GString *fields;   /* "name=value\n" per head field, "T:name=value\n" per trailer */
	enum http_error error;
	bool done;
	ssize_t consumed;  /* total consumed, or -1 */
	struct http_parser p;
};

static void on_body(void *ctx, const uint8_t *data, size_t len)
{
	struct result *r = ctx;
	g_byte_array_append(r->body, data, (guint)len);
}

static void on_field(void *ctx, bool trailer, const char *name, size_t nlen, const char *value,
		     size_t vlen)
{
	struct result *r = ctx;
	g_string_append_printf(r->fields, "%s%.*s=%.*s\n", trailer ? "T:" : "", (int)nlen, name,
			       (int)vlen, value);
}

static void result_init(struct result *r, enum http_kind kind)
{
	r->body = g_byte_array_new();
	r->fields = g_string_new(NULL);
	r->error = HTTP_OK;
	r->done = false;
	r->consumed = 0;
	http_parser_init(&r->p, kind, on_body, on_field, r);
}

static void result_fini(struct result *r)
{
	g_byte_array_unref(r->body);
	g_string_free(r->fields, TRUE);
}

/* Feeds one piece; stops at the end of the message. */
static void feed(struct result *r, const void *data, size_t len)
{
	if (r->consumed < 0 || r->done)
		return;
	ssize_t n = http_parser_feed(&r->p, data, len);
	if (n < 0) {
		r->error = r->p.error;
		r->consumed = -1;
		return;
	}
	r->consumed += n;
	r->done = http_parser_done(&r->p);
}

/* Parses msg as pieces cut at the given positions (sorted, in (0, len)). */
static void parse_split(struct result *r, enum http_kind kind, const void *msg, size_t len,
			const size_t *cuts, size_t n_cuts, bool eof)
{
	result_init(r, kind);
	size_t prev = 0;
	for (size_t i = 0; i <= n_cuts; i++) {
		size_t end = i < n_cuts ? cuts[i] : len;
		feed(r, (const uint8_t *)msg + prev, end - prev);
		prev = end;
	}
	if (eof && r->consumed >= 0 && !r->done) {
		if (http_parser_eof(&r->p) < 0) {
			r->error = r->p.error;
			r->consumed = -1;
		}
		r->done = http_parser_done(&r->p);
	}
}

static void parse_whole(struct result *r, enum http_kind kind, const char *msg, bool eof)
{
	parse_split(r, kind, msg, strlen(msg), NULL, 0, eof);
}

/* Checks that parsing msg gives the same outcome for every two-piece split and for
 * byte-by-byte feeding as for one read, and returns that outcome in *whole. */
static void check_every_split(struct result *whole, enum http_kind kind, const void *msg,
			      size_t len, bool eof)
{
	parse_split(whole, kind, msg, len, NULL, 0, eof);
	for (size_t cut = 1; cut < len; cut++) {
		struct result r;
		parse_split(&r, kind, msg, len, &cut, 1, eof);
		g_assert_cmpint(r.error, ==, whole->error);
		g_assert_cmpint(r.consumed, ==, whole->consumed);
		g_assert_cmpint(r.done, ==, whole->done);
		g_assert_cmpmem(r.body->data, r.body->len, whole->body->data, whole->body->len);
		g_assert_cmpstr(r.fields->str, ==, whole->fields->str);
		if (whole->error != HTTP_OK)
			g_assert_cmpuint(r.p.error_offset, ==, whole->p.error_offset);
		result_fini(&r);
	}
	/* Byte by byte. */
	size_t *cuts = g_new(size_t, len ? len : 1);
	for (size_t i = 1; i < len; i++)
		cuts[i - 1] = i;
	struct result r;
	parse_split(&r, kind, msg, len, cuts, len ? len - 1 : 0, eof);
	g_assert_cmpint(r.error, ==, whole->error);
	g_assert_cmpint(r.consumed, ==, whole->consumed);
	g_assert_cmpmem(r.body->data, r.body->len, whole->body->data, whole->body->len);
	result_fini(&r);
	g_free(cuts);
}

/* Encodes a whole chunked message with the writer, taking at most `step` bytes of
 * each peeked span (to exercise partial sends). */
static GByteArray *encode(const char *head, uint64_t body_len, uint64_t key,
			  const uint32_t *sizes, size_t n_sizes, const char *ext,
			  const char *trailer, size_t step)
{
	struct http_chunk_writer w;
	g_assert_cmpint(http_chunk_writer_init(&w, head, body_len, key, sizes, n_sizes, ext,
					       trailer), ==, 0);
	GByteArray *out = g_byte_array_new();
	const uint8_t *d;
	size_t n;
	while ((n = http_chunk_writer_peek(&w, &d)) > 0) {
		g_assert_false(http_chunk_writer_done(&w));
		if (n > step)
			n = step;
		g_byte_array_append(out, d, (guint)n);
		http_chunk_writer_advance(&w, n);
	}
	g_assert_true(http_chunk_writer_done(&w));
	return out;
}

#define HEAD_CHUNKED "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

/* ---- the writer ---- */

static void test_writer_exact_bytes(void)
{
	uint32_t sizes[] = {4};
	GByteArray *out = encode(HEAD_CHUNKED, 10, 0, sizes, 1, "a=b", "X-T: 1\r\n", SIZE_MAX);
	const uint8_t *b = app_pattern_table();
	GByteArray *want = g_byte_array_new();
	const char *h = HEAD_CHUNKED "4;a=b\r\n";
	g_byte_array_append(want, (const guint8 *)h, (guint)strlen(h));
	g_byte_array_append(want, b, 4);
	h = "\r\n4;a=b\r\n";
	g_byte_array_append(want, (const guint8 *)h, (guint)strlen(h));
	g_byte_array_append(want, b + 4, 4);
	h = "\r\n2;a=b\r\n";
	g_byte_array_append(want, (const guint8 *)h, (guint)strlen(h));
	g_byte_array_append(want, b + 8, 2);
	h = "\r\n0;a=b\r\nX-T: 1\r\n\r\n";
	g_byte_array_append(want, (const guint8 *)h, (guint)strlen(h));
	g_assert_cmpmem(out->data, out->len, want->data, want->len);
	g_byte_array_unref(want);
	g_byte_array_unref(out);

	/* Empty body, no extension, no trailer: "0\r\n\r\n"; no head. Hex is lower case. */
	out = encode(NULL, 0, 0, sizes, 1, NULL, NULL, SIZE_MAX);
	g_assert_cmpmem(out->data, out->len, "0\r\n\r\n", 5);
	g_byte_array_unref(out);
	uint32_t big[] = {0xabcde};
	out = encode(NULL, 0xabcde, 0, big, 1, "", NULL, SIZE_MAX);
	g_assert_cmpmem(out->data, 7, "abcde\r\n", 7);
	g_assert_cmpuint(out->len, ==, 7 + 0xabcde + 2 + 5);
	g_byte_array_unref(out);
}

static void test_writer_rejects_bad_config(void)
{
	struct http_chunk_writer w;
	uint32_t zero[] = {5, 0};
	uint32_t ok[] = {5};
	g_assert_cmpint(http_chunk_writer_init(&w, NULL, 10, 0, zero, 2, NULL, NULL), ==, -EINVAL);
	g_assert_cmpint(http_chunk_writer_init(&w, NULL, 10, 0, ok, 0, NULL, NULL), ==, -EINVAL);
	g_assert_cmpint(http_chunk_writer_init(&w, NULL, 10, 0, NULL, 1, NULL, NULL), ==, -EINVAL);
	g_assert_cmpint(http_chunk_writer_init(&w, NULL, 10, 0, ok, 1, "a b", NULL), ==, -EINVAL);
	g_assert_cmpint(http_chunk_writer_init(&w, NULL, 10, 0, ok, 1, "=x", NULL), ==, -EINVAL);
	g_assert_cmpint(http_chunk_writer_init(&w, NULL, 10, 0, ok, 1, NULL, "X: 1"), ==, -EINVAL);
	g_assert_cmpint(http_chunk_writer_init(&w, NULL, 10, 0, ok, 1, NULL, "X 1\r\n"), ==,
			-EINVAL);
	g_assert_cmpint(http_chunk_writer_init(&w, NULL, 10, 0, ok, 1, "n=\"q v\";m", "A: 1\r\nB: 2\r\n"),
			==, 0);
	g_assert_true(http_chunk_extension_valid(NULL));
	g_assert_true(http_chunk_extension_valid("x"));
	g_assert_false(http_chunk_extension_valid("x="));
}

/* Writer → parser over many body sizes, chunk-size lists, extensions and trailers;
 * the parsed body is verified byte for byte against the pattern. */
static void test_roundtrip(void)
{
	uint32_t s1[] = {1};
	uint32_t s2[] = {7, 1000, 3};
	uint32_t s3[] = {65536};
	uint32_t s4[] = {1460, 100000};
	struct {
		const uint32_t *sizes;
		size_t n;
	} lists[] = {{s1, 1}, {s2, 3}, {s3, 1}, {s4, 2}};
	uint64_t lens[] = {0, 1, 999, 1460, 100000, 250000};
	const char *exts[] = {NULL, "sig=abc", "q=\"a;b\\\"c\"; flag"};
	const char *trailers[] = {NULL, "X-Checksum: 12\r\n", "A: 1\r\nB-2: two words\r\n"};
	GRand *rand = g_rand_new_with_seed(3);
	for (size_t li = 0; li < G_N_ELEMENTS(lists); li++)
		for (size_t bi = 0; bi < G_N_ELEMENTS(lens); bi++) {
			if (lists[li].sizes == s1 && lens[bi] > 1000)
				continue; /* 1-byte chunks: keep it quick */
			size_t ei = (li + bi) % 3, ti = (li * 2 + bi) % 3;
			uint64_t key = 1000 + bi;
			GByteArray *m = encode(HEAD_CHUNKED, lens[bi], key, lists[li].sizes,
					       lists[li].n, exts[ei], trailers[ti],
					       1 + g_rand_int_range(rand, 0, 5000));
			/* Random read sizes. */
			size_t cuts[64], nc = 0, pos = 0;
			while (nc < 64) {
				pos += (size_t)g_rand_int_range(rand, 1, 20000);
				if (pos >= m->len)
					break;
				cuts[nc++] = pos;
			}
			struct result r;
			parse_split(&r, HTTP_RESPONSE, m->data, m->len, cuts, nc, false);
			g_assert_cmpint(r.error, ==, HTTP_OK);
			g_assert_true(r.done);
			g_assert_cmpint(r.consumed, ==, (ssize_t)m->len);
			g_assert_cmpint(r.p.status, ==, 200);
			g_assert_cmpint(r.p.framing, ==, HTTP_FRAMING_CHUNKED);
			g_assert_true(r.p.keep_alive);
			g_assert_cmpuint(r.p.body_bytes, ==, lens[bi]);
			struct app_verifier v;
			app_verifier_init(&v, key);
			app_verifier_feed(&v, r.body->data, r.body->len);
			g_assert_true(app_verifier_complete(&v, lens[bi]));
			/* Chunk count: sizes cycled, the last one cut. */
			uint64_t left = lens[bi], chunks = 0;
			for (size_t k = 0; left > 0; k = (k + 1) % lists[li].n, chunks++)
				left -= MIN(left, lists[li].sizes[k]);
			g_assert_cmpuint(r.p.chunks, ==, chunks);
			uint32_t ext_per_line = ei == 0 ? 0 : ei == 1 ? 1 : 2;
			g_assert_cmpuint(r.p.extensions, ==, ext_per_line * (chunks + 1));
			g_assert_cmpuint(r.p.trailers, ==, ti);
			result_fini(&r);
			g_byte_array_unref(m);
		}
	g_rand_free(rand);
}

/* A small chunked message with extensions and trailers split at every position. */
static void test_chunk_boundaries_every_split(void)
{
	uint32_t sizes[] = {3, 1, 5};
	GByteArray *m = encode(HEAD_CHUNKED, 20, 77, sizes, 3, "e=\"x y\"", "X-A: 1\r\n", 2);
	struct result whole;
	check_every_split(&whole, HTTP_RESPONSE, m->data, m->len, false);
	g_assert_cmpint(whole.error, ==, HTTP_OK);
	g_assert_true(whole.done);
	struct app_verifier v;
	app_verifier_init(&v, 77);
	app_verifier_feed(&v, whole.body->data, whole.body->len);
	g_assert_true(app_verifier_complete(&v, 20));
	g_assert_cmpstr(whole.fields->str, ==, "Transfer-Encoding=chunked\nT:X-A=1\n");
	result_fini(&whole);
	g_byte_array_unref(m);
}

/* ---- the parser: accepted forms ---- */

static void test_parse_accepts(void)
{
	struct result r;
	/* Leading zeros, upper-case hex, extensions with BWS, quoted values with
	 * quoted-pairs, a valueless extension, several trailers. */
	const char *m = "HTTP/1.1 200 OK\r\n"
			"Transfer-Encoding: chunked\r\n"
			"Content-Type: application/octet-stream\r\n"
			"\r\n"
			"0000A ; name = value ;q=\"a\\\"b;c\";flag\r\n"
			"0123456789\r\n"
			"1\r\n"
			"x\r\n"
			"0\r\n"
			"Expires: never\r\n"
			"X-Sum:   abc def  \r\n"
			"\r\n";
	check_every_split(&r, HTTP_RESPONSE, m, strlen(m), false);
	g_assert_cmpint(r.error, ==, HTTP_OK);
	g_assert_true(r.done);
	g_assert_cmpmem(r.body->data, r.body->len, "0123456789x", 11);
	g_assert_cmpuint(r.p.chunks, ==, 2);
	g_assert_cmpuint(r.p.extensions, ==, 3);
	g_assert_cmpuint(r.p.trailers, ==, 2);
	g_assert_cmpstr(r.fields->str, ==,
			"Transfer-Encoding=chunked\nContent-Type=application/octet-stream\n"
			"T:Expires=never\nT:X-Sum=abc def\n");
	result_fini(&r);

	/* Content-Length body (identical repeated values accepted), reason phrase empty. */
	parse_whole(&r, HTTP_RESPONSE,
		    "HTTP/1.1 404 \r\nContent-Length: 5, 5\r\nConnection: close\r\n\r\nhello", false);
	g_assert_cmpint(r.error, ==, HTTP_OK);
	g_assert_true(r.done);
	g_assert_cmpint(r.p.status, ==, 404);
	g_assert_cmpint(r.p.framing, ==, HTTP_FRAMING_LENGTH);
	g_assert_false(r.p.keep_alive);
	g_assert_cmpmem(r.body->data, r.body->len, "hello", 5);
	result_fini(&r);

	/* 204: no body whatever the fields say. */
	parse_whole(&r, HTTP_RESPONSE, "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n",
		    false);
	g_assert_true(r.done);
	g_assert_cmpuint(r.body->len, ==, 0);
	result_fini(&r);

	/* No length: body until close; EOF completes it. HTTP/1.0 is not persistent. */
	parse_whole(&r, HTTP_RESPONSE, "HTTP/1.0 200 OK\r\n\r\nuntil close", true);
	g_assert_cmpint(r.error, ==, HTTP_OK);
	g_assert_true(r.done);
	g_assert_cmpint(r.p.framing, ==, HTTP_FRAMING_UNTIL_CLOSE);
	g_assert_cmpint(r.p.version_minor, ==, 0);
	g_assert_false(r.p.keep_alive);
	g_assert_cmpmem(r.body->data, r.body->len, "until close", 11);
	result_fini(&r);

	/* A request; an empty line before it is ignored (RFC 9112 §2.2). */
	parse_whole(&r, HTTP_REQUEST, "\r\nGET /bytes/100/3 HTTP/1.1\r\nHost: b\r\n\r\n", false);
	g_assert_cmpint(r.error, ==, HTTP_OK);
	g_assert_true(r.done);
	g_assert_cmpstr(r.p.method, ==, "GET");
	g_assert_cmpstr(r.p.target, ==, "/bytes/100/3");
	g_assert_cmpint(r.p.framing, ==, HTTP_FRAMING_NONE);
	g_assert_true(r.p.keep_alive);
	result_fini(&r);
}

/* Two messages in one buffer: the parser stops at the end of the first. */
static void test_parse_stops_at_message_end(void)
{
	const char *two = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"
			  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nc\r\n0\r\n\r\n";
	struct result r;
	result_init(&r, HTTP_RESPONSE);
	ssize_t n = http_parser_feed(&r.p, (const uint8_t *)two, strlen(two));
	g_assert_cmpint(n, ==, 40);
	g_assert_true(http_parser_done(&r.p));
	g_assert_false(http_parser_in_message(&r.p));
	http_parser_next(&r.p);
	g_assert_false(http_parser_in_message(&r.p));
	g_assert_cmpint(http_parser_eof(&r.p), ==, 0); /* between messages: clean */
	result_fini(&r);
	result_init(&r, HTTP_RESPONSE);
	n = http_parser_feed(&r.p, (const uint8_t *)two, strlen(two));
	http_parser_next(&r.p);
	ssize_t m = http_parser_feed(&r.p, (const uint8_t *)two + n, strlen(two) - (size_t)n);
	g_assert_cmpint(m, ==, (ssize_t)strlen(two) - n);
	g_assert_true(http_parser_done(&r.p));
	g_assert_cmpmem(r.body->data, r.body->len, "abc", 3);
	g_assert_cmpuint(r.p.fed, ==, strlen(two));
	result_fini(&r);
}

/* ---- the parser: every malformed class ---- */

struct bad_case {
	enum http_kind kind;
	const char *msg;
	enum http_error want;
	bool eof;
};

static void check_bad(const struct bad_case *c)
{
	struct result r;
	check_every_split(&r, c->kind, c->msg, strlen(c->msg), c->eof);
	if (r.error != c->want)
		g_test_message("input: %s", c->msg);
	g_assert_cmpstr(http_error_string(r.error), ==, http_error_string(c->want));
	g_assert_cmpint(r.consumed, ==, -1);
	/* Once failed, it stays failed. */
	g_assert_cmpint(http_parser_feed(&r.p, (const uint8_t *)"x", 1), ==, -1);
	g_assert_cmpint(http_parser_eof(&r.p), ==, -1);
	result_fini(&r);
}

#define R HTTP_RESPONSE
#define Q HTTP_REQUEST
#define CH "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static const struct bad_case bad_cases[] = {
	/* Line endings (RFC 9112 §2.2). */
	{R, "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", HTTP_E_LINE_ENDING, false},
	{R, "HTTP/1.1 200 OK\rX", HTTP_E_LINE_ENDING, false},
	{R, CH "5\n", HTTP_E_LINE_ENDING, false},
	{R, CH "0\r\n\n", HTTP_E_LINE_ENDING, false},
	/* Status line (§4). */
	{R, "HTTX/1.1 200 OK\r\n\r\n", HTTP_E_START_LINE, false},
	{R, "HTTP/1.1  200 OK\r\n\r\n", HTTP_E_STATUS, false},
	{R, "HTTP/1.1 200OK\r\n\r\n", HTTP_E_STATUS, false},
	{R, "HTTP/1.1 200\r\n\r\n", HTTP_E_STATUS, false},
	{R, "HTTP/1.1 20x OK\r\n\r\n", HTTP_E_STATUS, false},
	{R, "HTTP/1.1 700 Nope\r\n\r\n", HTTP_E_STATUS, false},
	{R, "HTTP/1.1 099 Nope\r\n\r\n", HTTP_E_STATUS, false},
	{R, "HTTP/2.0 200 OK\r\n\r\n", HTTP_E_VERSION, false},
	{R, "HTTP/1.2 200 OK\r\n\r\n", HTTP_E_VERSION, false},
	{R, "HTTP/1.1 200 O\x01K\r\n\r\n", HTTP_E_START_LINE, false},
	{R, "\r\nHTTP/1.1 200 OK\r\n\r\n", HTTP_E_START_LINE, false},
	/* Request line (§3). */
	{Q, "GET  /x HTTP/1.1\r\n\r\n", HTTP_E_START_LINE, false},
	{Q, "GET /x HTTP/1.1 \r\n\r\n", HTTP_E_START_LINE, false},
	{Q, "G(T /x HTTP/1.1\r\n\r\n", HTTP_E_START_LINE, false},
	{Q, "GET /x\r\n\r\n", HTTP_E_START_LINE, false},
	{Q, "GET /x HTTP/3.0\r\n\r\n", HTTP_E_VERSION, false},
	/* Field lines (§5). */
	{R, "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", HTTP_E_FIELD, false},
	{R, "HTTP/1.1 200 OK\r\nName : v\r\n\r\n", HTTP_E_FIELD, false},
	{R, "HTTP/1.1 200 OK\r\n: v\r\n\r\n", HTTP_E_FIELD, false},
	{R, "HTTP/1.1 200 OK\r\nNa(me: v\r\n\r\n", HTTP_E_FIELD, false},
	{R, "HTTP/1.1 200 OK\r\nName: a\x7f" "b\r\n\r\n", HTTP_E_FIELD, false},
	{R, "HTTP/1.1 200 OK\r\nName: a\r\n folded\r\n\r\n", HTTP_E_OBS_FOLD, false},
	/* Framing (§6). */
	{R, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", HTTP_E_TRANSFER_ENCODING, false},
	{R, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	 HTTP_E_TRANSFER_ENCODING, false},
	{R, "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n", HTTP_E_TRANSFER_ENCODING, false},
	{R, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
	 HTTP_E_LENGTH_CONFLICT, false},
	{R, "HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\n", HTTP_E_CONTENT_LENGTH, false},
	{R, "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", HTTP_E_CONTENT_LENGTH, false},
	{R, "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n", HTTP_E_CONTENT_LENGTH, false},
	{R, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
	 HTTP_E_CONTENT_LENGTH, false},
	{R, "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", HTTP_E_CONTENT_LENGTH, false},
	{R, "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
	 HTTP_E_CONTENT_LENGTH, false},
	/* Chunk size (§7.1). */
	{R, CH "\r\n", HTTP_E_CHUNK_SIZE, false},
	{R, CH "x\r\n", HTTP_E_CHUNK_SIZE, false},
	{R, CH "-1\r\n", HTTP_E_CHUNK_SIZE, false},
	{R, CH "1g\r\n", HTTP_E_CHUNK_SIZE, false},
	{R, CH "0x10\r\n", HTTP_E_CHUNK_SIZE, false},
	{R, CH "+5\r\n", HTTP_E_CHUNK_SIZE, false},
	{R, CH "100000001\r\n", HTTP_E_CHUNK_TOO_LARGE, false},
	{R, CH "FFFFFFFFFFFFFFFFFFFFFFFFFFFF\r\n", HTTP_E_CHUNK_TOO_LARGE, false},
	{R, CH "000000000000000000000000000000000000000000000000000000000000000000001g\r\n",
	 HTTP_E_CHUNK_SIZE, false},
	/* Chunk extensions (§7.1.1). */
	{R, CH "1;\r\n", HTTP_E_CHUNK_EXT, false},
	{R, CH "1;=v\r\n", HTTP_E_CHUNK_EXT, false},
	{R, CH "1;a=\r\n", HTTP_E_CHUNK_EXT, false},
	{R, CH "1;a=\"open\r\n", HTTP_E_CHUNK_EXT, false},
	{R, CH "1;a=\"bad\\\x01\"\r\n", HTTP_E_CHUNK_EXT, false},
	{R, CH "1;a b\r\n", HTTP_E_CHUNK_EXT, false},
	{R, CH "1 \r\n", HTTP_E_CHUNK_EXT, false},
	{R, CH "1;a=b;\r\n", HTTP_E_CHUNK_EXT, false},
	/* CRLF after chunk data. */
	{R, CH "3\r\nabcX", HTTP_E_CHUNK_CRLF, false},
	{R, CH "3\r\nabc\rX", HTTP_E_CHUNK_CRLF, false},
	{R, CH "3\r\nabcd\r\n", HTTP_E_CHUNK_CRLF, false},
	/* Trailer section. */
	{R, CH "1\r\na\r\n0\r\nX-T 1\r\n\r\n", HTTP_E_TRAILER, false},
	{R, CH "1\r\na\r\n0\r\nX-T: \x01\r\n\r\n", HTTP_E_TRAILER, false},
	{R, CH "0\r\nX: 1\r\n folded\r\n\r\n", HTTP_E_OBS_FOLD, false},
	/* Truncation by close. */
	{R, "HTTP/1.1 200 OK\r\nContent-Le", HTTP_E_TRUNCATED, true},
	{R, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", HTTP_E_TRUNCATED, true},
	{R, CH "5\r\nab", HTTP_E_TRUNCATED, true},
	{R, CH "5\r\nabcde\r\n", HTTP_E_TRUNCATED, true},
	{R, CH "0\r\n", HTTP_E_TRUNCATED, true},
	{R, "H", HTTP_E_TRUNCATED, true},
	{R, "\r", HTTP_E_TRUNCATED, true},
};

static void test_parse_rejects(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++)
		check_bad(&bad_cases[i]);
}

static void test_parse_limits(void)
{
	/* A line one byte too long; exactly at the limit is fine. */
	GString *s = g_string_new("HTTP/1.1 200 OK\r\nX: ");
	while (s->len < 17 + HTTP_MAX_LINE)
		g_string_append_c(s, 'a');
	g_string_append(s, "\r\nContent-Length: 0\r\n\r\n");
	struct result r;
	parse_whole(&r, R, s->str, false);
	g_assert_cmpint(r.error, ==, HTTP_OK);
	result_fini(&r);
	g_string_insert_c(s, 20, 'a');
	parse_whole(&r, R, s->str, false);
	g_assert_cmpint(r.error, ==, HTTP_E_LINE_TOO_LONG);
	result_fini(&r);
	g_string_free(s, TRUE);

	/* HTTP_MAX_FIELDS fields pass; one more fails. */
	s = g_string_new("HTTP/1.1 200 OK\r\n");
	for (unsigned i = 0; i < HTTP_MAX_FIELDS - 1; i++)
		g_string_append_printf(s, "X-%u: %u\r\n", i, i);
	g_string_append(s, "Content-Length: 0\r\n");
	GString *s2 = g_string_new(s->str);
	g_string_append(s, "\r\n");
	parse_whole(&r, R, s->str, false);
	g_assert_cmpint(r.error, ==, HTTP_OK);
	g_assert_cmpuint(r.p.fields, ==, HTTP_MAX_FIELDS);
	result_fini(&r);
	g_string_append(s2, "One-More: 1\r\n\r\n");
	parse_whole(&r, R, s2->str, false);
	g_assert_cmpint(r.error, ==, HTTP_E_TOO_MANY_FIELDS);
	result_fini(&r);
	g_string_free(s, TRUE);
	g_string_free(s2, TRUE);

	/* Request target limit. */
	s = g_string_new("GET /");
	for (unsigned i = 1; i < HTTP_MAX_TARGET; i++)
		g_string_append_c(s, 'x');
	GString *ok = g_string_new(s->str);
	g_string_append(ok, " HTTP/1.1\r\n\r\n");
	g_string_append(s, "y HTTP/1.1\r\n\r\n");
	parse_whole(&r, Q, ok->str, false);
	g_assert_cmpint(r.error, ==, HTTP_OK);
	g_assert_cmpuint(strlen(r.p.target), ==, HTTP_MAX_TARGET);
	result_fini(&r);
	parse_whole(&r, Q, s->str, false);
	g_assert_cmpint(r.error, ==, HTTP_E_TARGET_TOO_LONG);
	result_fini(&r);
	g_string_free(s, TRUE);
	g_string_free(ok, TRUE);

	/* A lowered chunk limit: exactly the limit passes, one more is rejected. */
	result_init(&r, R);
	r.p.max_chunk_size = 16;
	const char *m = CH "10\r\n0123456789abcdef\r\n0\r\n\r\n";
	feed(&r, m, strlen(m));
	g_assert_true(r.done);
	result_fini(&r);
	result_init(&r, R);
	r.p.max_chunk_size = 16;
	m = CH "11\r\n";
	feed(&r, m, strlen(m));
	g_assert_cmpint(r.error, ==, HTTP_E_CHUNK_TOO_LARGE);
	g_assert_cmpuint(r.p.error_offset, ==, strlen(m) - 1);
	result_fini(&r);
}

/* Random garbage never crashes or loops the parser, and it always either needs more,
 * completes or fails. */
static void test_parse_fuzz(void)
{
	GRand *rand = g_rand_new_with_seed(99);
	const char *alphabet = "HTP/1. 20OK\r\n:;=\"\\0aF-chunkedTransfer-EncodingContent-Length\x01";
	size_t al = strlen(alphabet);
	for (int iter = 0; iter < 20000; iter++) {
		char buf[200];
		size_t n = (size_t)g_rand_int_range(rand, 1, sizeof(buf));
		/* Half start with a valid chunked head so chunk parsing gets fuzzed. */
		size_t start = 0;
		if (iter & 1) {
			memcpy(buf, CH, strlen(CH));
			start = strlen(CH);
			if (n <= start)
				n = start + 1;
		}
		for (size_t i = start; i < n; i++)
			buf[i] = alphabet[g_rand_int_range(rand, 0, (gint32)al)];
		struct result r;
		result_init(&r, (iter & 2) ? HTTP_REQUEST : HTTP_RESPONSE);
		feed(&r, buf, n);
		g_assert_true(r.consumed == -1 || (size_t)r.consumed <= n);
		(void)http_parser_eof(&r.p);
		result_fini(&r);
	}
	g_rand_free(rand);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/http-codec/writer-exact-bytes", test_writer_exact_bytes);
	g_test_add_func("/http-codec/writer-rejects-bad-config", test_writer_rejects_bad_config);
	g_test_add_func("/http-codec/roundtrip", test_roundtrip);
	g_test_add_func("/http-codec/chunk-boundaries-every-split",
			test_chunk_boundaries_every_split);
	g_test_add_func("/http-codec/parse-accepts", test_parse_accepts);
	g_test_add_func("/http-codec/parse-stops-at-message-end", test_parse_stops_at_message_end);
	g_test_add_func("/http-codec/parse-rejects", test_parse_rejects);
	g_test_add_func("/http-codec/parse-limits", test_parse_limits);
	g_test_add_func("/http-codec/parse-fuzz", test_parse_fuzz);
	return g_test_run();
}
