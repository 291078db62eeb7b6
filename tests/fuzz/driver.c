/* tests/fuzz/driver.c — runs a harness without libFuzzer: every file named on the
 * command line, and every file of every folder named (in name order), is passed to
 * LLVMFuzzerTestOneInput() once. This is how `meson test --suite fuzz` replays the
 * committed corpus and regression inputs in every build, and how a reproducer is run
 * under gdb or valgrind: `build/tests/fuzz/replay_tcp crash-1234`.
 */
#include <glib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

/* A harness without its own initialiser gets this one. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Stand-in for libFuzzer's byte mutator, for harnesses whose custom mutator falls
 * back on it (only the mutator's own test calls it here): flips one byte. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size)
{
	static uint32_t x = 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	if (size == 0 && max_size > 0) {
		data[0] = (uint8_t)x;
		return 1;
	}
	if (size > 0)
		data[x % size] ^= (uint8_t)(1u << (x >> 8 & 7));
	return size;
}

#ifndef FUZZ_NO_DRIVER_MAIN
static int run_file(const char *path)
{
	gchar *text = NULL;
	gsize len = 0;
	GError *e = NULL;
	if (!g_file_get_contents(path, &text, &len, &e)) {
		fprintf(stderr, "%s\n", e->message);
		g_error_free(e);
		return -1;
	}
	/* A copy of exactly len bytes, so reading one byte too far is caught by ASan
	 * as it would be under libFuzzer. */
	uint8_t *copy = g_memdup2(text, len);
	g_free(text);
	LLVMFuzzerTestOneInput(copy, len);
	g_free(copy);
	return 0;
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	unsigned runs = 0;
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		if (!g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
			rc |= run_file(argv[i]);
			runs++;
			continue;
		}
		GDir *d = g_dir_open(argv[i], 0, NULL);
		GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
		const char *n;
		while (d && (n = g_dir_read_name(d)) != NULL)
			if (n[0] != '.')
				g_ptr_array_add(names, g_build_filename(argv[i], n, NULL));
		if (d)
			g_dir_close(d);
		g_ptr_array_sort(names, cmp_names);
		for (guint k = 0; k < names->len; k++) {
			rc |= run_file(g_ptr_array_index(names, k));
			runs++;
		}
		g_ptr_array_free(names, TRUE);
	}
	printf("%s: %u inputs replayed\n", argv[0], runs);
	return rc ? 1 : 0;
}
#endif
