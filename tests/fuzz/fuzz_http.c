/* tests/fuzz/fuzz_http.c — the HTTP/1.1 codec (models/apps/http_codec.h): the
 * incremental parser on arbitrary bytes, and the chunked writer's output read back.
 *
 * Input: [mode: 1 byte][rest].
 *   mode bit 7 clear — parser: rest is a byte stream of requests (bit 0 clear) or
 *     responses (bit 0 set), fed whole and again in pieces whose sizes come from a
 *     generator seeded by bits 1-6. Every complete message is followed by
 *     http_parser_next(), the end of the stream by http_parser_eof().
 *     Invariants: a feed consumes 0..len bytes or fails for good with an error set;
 *     the two feedings give the same messages, bodies, fields, error and error
 *     offset (where a message is split never matters).
 *   mode bit 7 set — writer: rest is [body length: 2][chunk sizes: 4 × 2 bytes, the
 *     list ends at the first 0][extension length: 1][extension][trailer bytes]. When
 *     http_chunk_writer_init() accepts them, the parser must read the writer's
 *     output (taken in pieces of 1 + (mode & 63) bytes) back as one response with
 *     exactly that body: the writer never emits what the parser rejects.
 */
#include <glib.h>
#include <string.h>

#include "models/apps/flow.h"
#include "models/apps/http_codec.h"
#include "sim/core/bytes.h"
#include "tests/fuzz/fuzz.h"

#define HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

/* What a feeding produced, in a form two feedings can be compared by. */
struct outcome {
	GChecksum *digest; /* bodies and fields, with message boundaries */
	unsigned messages;
	enum http_error error;
	uint64_t error_offset;
	uint64_t body_bytes;
};

static void on_body(void *ctx, const uint8_t *data, size_t len)
{
	struct outcome *o = ctx;
	g_checksum_update(o->digest, data, (gssize)len);
	o->body_bytes += len;
}

static void on_field(void *ctx, bool trailer, const char *name, size_t nlen, const char *value,
		     size_t vlen)
{
	struct outcome *o = ctx;
	g_checksum_update(o->digest, (const guchar *)(trailer ? "T" : "F"), 1);
	g_checksum_update(o->digest, (const guchar *)name, (gssize)nlen);
	g_checksum_update(o->digest, (const guchar *)"=", 1);
	g_checksum_update(o->digest, (const guchar *)value, (gssize)vlen);
}

/* Feeds data in pieces: whole when seed is 0, else sizes from a small generator. */
static void feed_all(struct outcome *o, enum http_kind kind, const uint8_t *data, size_t len,
		     uint32_t seed)
{
	struct http_parser p;
	http_parser_init(&p, kind, on_body, on_field, o);
	uint32_t x = seed * 2654435761u + 1;
	size_t off = 0;
	bool failed = false;
	while (off < len && !failed) {
		size_t piece = len - off;
		if (seed) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			piece = 1 + x % (piece < 64 ? piece : 64);
		}
		ssize_t n = http_parser_feed(&p, data + off, piece);
		if (n < 0) {
			fz_check(p.error != HTTP_OK, "feed failed without an error");
			fz_check(http_parser_feed(&p, data, len) == -1, "a failed parser recovered");
			failed = true;
			break;
		}
		fz_check((size_t)n <= piece, "consumed more than given");
		fz_check(p.error == HTTP_OK, "error set on success");
		off += (size_t)n;
		if (http_parser_done(&p)) {
			o->messages++;
			g_checksum_update(o->digest, (const guchar *)"|", 1);
			http_parser_next(&p);
		} else {
			fz_check((size_t)n == piece, "stopped early inside a message");
		}
	}
	if (!failed)
		http_parser_eof(&p);
	if (http_parser_done(&p))
		o->messages++;
	o->error = p.error;
	o->error_offset = p.error_offset;
}

static void parse_both_ways(uint8_t mode, const uint8_t *data, size_t len)
{
	enum http_kind kind = (mode & 1) ? HTTP_RESPONSE : HTTP_REQUEST;
	struct outcome a = {.digest = g_checksum_new(G_CHECKSUM_SHA256)};
	struct outcome b = {.digest = g_checksum_new(G_CHECKSUM_SHA256)};
	feed_all(&a, kind, data, len, 0);
	feed_all(&b, kind, data, len, (uint32_t)(mode >> 1) + 1);
	fz_check(a.messages == b.messages, "message count depends on the split");
	fz_check(a.error == b.error, "error depends on the split");
	fz_check(a.error == HTTP_OK || a.error_offset == b.error_offset,
		 "error offset depends on the split");
	fz_check(a.body_bytes == b.body_bytes, "body length depends on the split");
	fz_check(strcmp(g_checksum_get_string(a.digest), g_checksum_get_string(b.digest)) == 0,
		 "bodies or fields depend on the split");
	g_checksum_free(a.digest);
	g_checksum_free(b.digest);
}

static void writer_round_trip(uint8_t mode, struct fz_reader *r)
{
	uint64_t body_len = fz_u16(r);
	uint32_t sizes[4];
	size_t n_sizes = 0;
	bool ended = false;
	for (int i = 0; i < 4; i++) {
		uint16_t s = fz_u16(r);
		ended = ended || s == 0;
		if (!ended)
			sizes[n_sizes++] = s;
	}
	size_t elen = fz_u8(r), got;
	const uint8_t *e = fz_bytes(r, elen, &got);
	char *ext = g_strndup((const char *)e, got);
	char *trailer = g_strndup((const char *)r->p, fz_left(r));
	struct http_chunk_writer w;
	if (http_chunk_writer_init(&w, HEAD, body_len, 7, sizes, n_sizes, ext, trailer) == 0) {
		GByteArray *out = g_byte_array_new();
		const uint8_t *d;
		size_t n, step = 1 + (mode & 63);
		while ((n = http_chunk_writer_peek(&w, &d)) > 0) {
			n = n < step ? n : step;
			g_byte_array_append(out, d, (guint)n);
			http_chunk_writer_advance(&w, n);
		}
		fz_check(http_chunk_writer_done(&w), "writer not done after its last byte");
		struct outcome o = {.digest = g_checksum_new(G_CHECKSUM_SHA256)};
		feed_all(&o, HTTP_RESPONSE, out->data, out->len, 0);
		fz_check(o.error == HTTP_OK, "the parser rejects the writer's output");
		fz_check(o.messages == 1, "the writer's output is not one message");
		fz_check(o.body_bytes == body_len, "body length changed on the way");
		g_checksum_free(o.digest);
		g_byte_array_unref(out);
	}
	g_free(ext);
	g_free(trailer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_reader r = {data, data + size};
	uint8_t mode = fz_u8(&r);
	if (mode & 0x80)
		writer_round_trip(mode, &r);
	else
		parse_both_ways(mode, r.p, fz_left(&r));
	return 0;
}
