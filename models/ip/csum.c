/* models/ip/csum.c — Internet checksum over bytes.
 *
 * The one's complement sum is independent of byte order (RFC 1071 §2(B)): summing
 * native-endian words and swapping the folded result gives the big-endian sum.
 *
 * On x86-64 (SSE2 is part of the baseline) the body runs 32 bytes per iteration with
 * PMADDWD: each 16-bit word w is first biased to the signed value w − 32768 (XOR
 * 0x8000), then PMADDWD against ones adds neighbouring words into 32-bit lanes
 * exactly. The bias of all words, 32768 per word, is added back once at the end.
 * That is four instructions per 16 bytes, against about ten for the portable loop.
 * Where the CPU has AVX2 (checked at run time: the build stays portable), runs of 128
 * bytes or more take the same steps 32 bytes wide. Every path computes the same exact
 * integer, so results never depend on the machine.
 * Elsewhere the portable loop reads 8 bytes at a time (memcpy, so alignment does not
 * matter) and adds the two 32-bit halves into a 64-bit accumulator, which cannot
 * overflow for any length a packet can have.
 *
 * inet_csum_copy() is the same loop with a store: the sender builds a segment's
 * payload and its checksum in one pass over the bytes (Linux csum_partial_copy).
 */
#include "models/ip/csum.h"

#include <stdbool.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline uint16_t fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Native-endian sum of len bytes (len < 32 or the tail of a longer run). */
static inline uint64_t sum_tail(const uint8_t *p, size_t len, uint64_t acc)
{
	while (len >= 8) {
		uint64_t a;
		memcpy(&a, p, 8);
		acc += (a & 0xffffffffu) + (a >> 32);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t a;
		memcpy(&a, p, 4);
		acc += a;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high byte of a zero-padded big-endian word, i.e. the
		 * first byte in memory order. */
		uint8_t last[2] = { p[0], 0 };
		uint16_t w;
		memcpy(&w, last, 2);
		acc += w;
	}
	return acc;
}

#if defined(__SSE2__)
/* One 16-byte step: the words of x, biased, added pairwise into the lanes of acc. */
#define SSE_STEP(acc, x) ((acc) = _mm_add_epi32((acc), _mm_madd_epi16(_mm_xor_si128((x), bias), ones)))

/* Sum of the 32-byte blocks of [p, p + len) (len a multiple of 32), copying them to
 * dst when dst is not NULL. Returns the exact native-endian sum of the words. */
static uint64_t sum_blocks_sse2(const uint8_t *p, uint8_t *dst, size_t len)
{
	const __m128i bias = _mm_set1_epi16((short)0x8000);
	const __m128i ones = _mm_set1_epi16(1);
	uint64_t total = 0;
	while (len > 0) {
		/* Each 32-bit lane gains at most 2·32767 per step: 16 384 blocks (512 KiB)
		 * fit in int32 with room to spare; widen after each chunk. */
		size_t chunk = len < 16384u * 32u ? len : 16384u * 32u;
		__m128i a0 = _mm_setzero_si128(), a1 = _mm_setzero_si128();
		size_t i = 0;
		if (dst) {
			for (; i < chunk; i += 32) {
				__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
				__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
				_mm_storeu_si128((__m128i *)(void *)(dst + i), x);
				_mm_storeu_si128((__m128i *)(void *)(dst + i + 16), y);
				SSE_STEP(a0, x);
				SSE_STEP(a1, y);
			}
			dst += chunk;
		} else {
			for (; i + 64 <= chunk; i += 64) {
				SSE_STEP(a0, _mm_loadu_si128((const __m128i *)(const void *)(p + i)));
				SSE_STEP(a1, _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16)));
				SSE_STEP(a0, _mm_loadu_si128((const __m128i *)(const void *)(p + i + 32)));
				SSE_STEP(a1, _mm_loadu_si128((const __m128i *)(const void *)(p + i + 48)));
			}
			if (i < chunk) {
				SSE_STEP(a0, _mm_loadu_si128((const __m128i *)(const void *)(p + i)));
				SSE_STEP(a1, _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16)));
			}
		}
		int32_t lanes[8];
		_mm_storeu_si128((__m128i *)(void *)lanes, a0);
		_mm_storeu_si128((__m128i *)(void *)(lanes + 4), a1);
		int64_t s = 0;
		for (int k = 0; k < 8; k++)
			s += lanes[k];
		/* Every word was summed as w − 32768: the true sum is s + 32768·words, which
		 * is non-negative. */
		total += (uint64_t)(s + (int64_t)(chunk / 2) * 32768);
		p += chunk;
		len -= chunk;
	}
	return total;
}
#undef SSE_STEP

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX2_PATH 1

#define AVX_STEP(acc, x) \
	((acc) = _mm256_add_epi32((acc), _mm256_madd_epi16(_mm256_xor_si256((x), bias), ones)))

/* The same sums 64 bytes per iteration with AVX2, chosen at run time where the CPU has
 * it (the result is the same exact integer, whichever path computes it). len is a
 * multiple of 64. */
__attribute__((target("avx2"))) static uint64_t sum_blocks_avx2(const uint8_t *p, uint8_t *dst,
								 size_t len)
{
	const __m256i bias = _mm256_set1_epi16((short)0x8000);
	const __m256i ones = _mm256_set1_epi16(1);
	uint64_t total = 0;
	while (len > 0) {
		size_t chunk = len < 8192u * 64u ? len : 8192u * 64u;
		__m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
		if (dst) {
			for (size_t i = 0; i < chunk; i += 64) {
				__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
				__m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 32));
				_mm256_storeu_si256((__m256i *)(void *)(dst + i), x);
				_mm256_storeu_si256((__m256i *)(void *)(dst + i + 32), y);
				AVX_STEP(a0, x);
				AVX_STEP(a1, y);
			}
			dst += chunk;
		} else {
			for (size_t i = 0; i < chunk; i += 64) {
				AVX_STEP(a0, _mm256_loadu_si256((const __m256i *)(const void *)(p + i)));
				AVX_STEP(a1, _mm256_loadu_si256((const __m256i *)(const void *)(p + i + 32)));
			}
		}
		int32_t lanes[16];
		_mm256_storeu_si256((__m256i *)(void *)lanes, a0);
		_mm256_storeu_si256((__m256i *)(void *)(lanes + 8), a1);
		int64_t s = 0;
		for (int k = 0; k < 16; k++)
			s += lanes[k];
		total += (uint64_t)(s + (int64_t)(chunk / 2) * 32768);
		p += chunk;
		len -= chunk;
	}
	return total;
}
#undef AVX_STEP

/* Whether the CPU and the OS support AVX2. glibc has the answer from its own start-up
 * (a table lookup through one call, made only for runs of 128 bytes or more);
 * libgcc's __builtin_cpu_supports, the fallback elsewhere, would run its CPUID probe
 * in a constructor of every process, which costs tens of microseconds in a virtual
 * machine (CPUID traps to the hypervisor). */
#if defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#define HAVE_GLIBC_X86_FEATURES 1
#endif
#endif
static inline bool have_avx2(void)
{
#if defined(HAVE_GLIBC_X86_FEATURES)
	return CPU_FEATURE_ACTIVE(AVX2);
#else
	return __builtin_cpu_supports("avx2");
#endif
}
#endif
#endif

/* The native-endian sum of [p, p + len), copied to dst when dst is not NULL. */
static inline uint64_t sum_bytes(const uint8_t *p, uint8_t *dst, size_t len)
{
	uint64_t acc = 0;
#if defined(HAVE_AVX2_PATH)
	if (len >= 128 && have_avx2()) {
		size_t big = len & ~(size_t)63;
		acc = sum_blocks_avx2(p, dst, big);
		p += big;
		if (dst)
			dst += big;
		len -= big;
	}
#endif
#if defined(__SSE2__)
	size_t blocks = len & ~(size_t)31;
	if (blocks) {
		acc += sum_blocks_sse2(p, dst, blocks);
		p += blocks;
		if (dst)
			dst += blocks;
		len -= blocks;
	}
#else
	while (len >= 32) {
		uint64_t a, b, c, d;
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		memcpy(&c, p + 16, 8);
		memcpy(&d, p + 24, 8);
		if (dst) {
			memcpy(dst, p, 32);
			dst += 32;
		}
		acc += (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) + (b >> 32);
		acc += (c & 0xffffffffu) + (c >> 32) + (d & 0xffffffffu) + (d >> 32);
		p += 32;
		len -= 32;
	}
#endif
	if (dst && len)
		memcpy(dst, p, len);
	return sum_tail(p, len, acc);
}

static inline uint32_t finish_add(uint32_t sum, uint64_t acc)
{
	uint16_t native = fold64(acc);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	native = (uint16_t)((native >> 8) | (native << 8));
#endif
	uint32_t s = sum + native;
	return (s & 0xffff) + (s >> 16);
}

uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len)
{
	return finish_add(sum, sum_bytes(data, NULL, len));
}

uint32_t inet_csum_copy(uint32_t sum, void *dst, const void *src, size_t len)
{
	return finish_add(sum, sum_bytes(src, dst, len));
}
