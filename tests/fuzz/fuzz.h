/* tests/fuzz/fuzz.h — what every harness of tests/fuzz shares.
 *
 * A harness is one C file defining libFuzzer's entry point
 * LLVMFuzzerTestOneInput(); it may define LLVMFuzzerInitialize() and
 * LLVMFuzzerCustomMutator() too. The same file is linked two ways (meson.build):
 *   - with -Dfuzz=enabled, against libFuzzer (clang -fsanitize=fuzzer): a fuzzer;
 *   - otherwise against driver.c, which feeds it the files and folders named on its
 *     command line: `meson test --suite fuzz` replays the committed corpus and every
 *     regression input that way in every build (gcc, clang, ASan+UBSan).
 * A harness checks invariants with fz_check(), which aborts with a message, so a
 * broken invariant is a crash both to libFuzzer and to the replay.
 *
 * Inputs are read with the bounded reader below: reading past the end yields zeros,
 * never out-of-bounds memory.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
/* libFuzzer's own byte-level mutator (driver.c has a simple stand-in). */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* Aborts with `what` when `cond` is false: an invariant the harness checks. */
#define fz_check(cond, what)                                                               \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
				(what));                                                   \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* g_error() and failed g_assert()s end in G_BREAKPOINT: SIGTRAP, which libFuzzer
 * does not handle, so it would die without saving the input. Turned into an abort,
 * they are crashes like any other: the reproducer is written and printed. */
static void fz_trap_to_abort(int sig)
{
	(void)sig;
	abort();
}

__attribute__((constructor)) static void fz_catch_traps(void)
{
	signal(SIGTRAP, fz_trap_to_abort);
}

struct fz_reader {
	const uint8_t *p, *end;
};

static inline size_t fz_left(const struct fz_reader *r)
{
	return (size_t)(r->end - r->p);
}

static inline uint8_t fz_u8(struct fz_reader *r)
{
	return r->p < r->end ? *r->p++ : 0;
}

static inline uint16_t fz_u16(struct fz_reader *r)
{
	uint16_t hi = fz_u8(r);
	return (uint16_t)(hi << 8 | fz_u8(r));
}

static inline uint32_t fz_u32(struct fz_reader *r)
{
	uint32_t hi = fz_u16(r);
	return hi << 16 | fz_u16(r);
}

/* Up to n bytes (fewer at the end of the input); *got receives how many. */
static inline const uint8_t *fz_bytes(struct fz_reader *r, size_t n, size_t *got)
{
	size_t left = fz_left(r);
	*got = n < left ? n : left;
	const uint8_t *b = r->p;
	r->p += *got;
	return b;
}

/* Lines of a text: 1 + its line breaks. */
static inline int fz_count_lines(const char *text)
{
	int n = 1;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* True if s holds a control character (a line break among them) or DEL. */
static inline bool fz_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Checks that m starts "LINE:COL: message" (a number, a column from 1, a message)
 * and returns LINE; `what` names the broken invariant otherwise. */
static inline long fz_check_position(const char *m, const char *what)
{
	char *end = NULL;
	long line = strtol(m, &end, 10);
	fz_check(end > m && *end == ':', what);
	const char *p = end + 1;
	long col = strtol(p, &end, 10);
	fz_check(end > p && col >= 1 && end[0] == ':' && end[1] == ' ' && end[2], what);
	return line;
}

#endif
