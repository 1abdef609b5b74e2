/* SHA-1 compression (FIPS 180-4 section 6.1.2) with the x86 SHA extensions
 * (Intel SDM: SHA1RNDS4, SHA1NEXTE, SHA1MSG1, SHA1MSG2).
 *
 * The state is a vector ABCD (A in the top lane) and E, carried inside the
 * next four message words: SHA1NEXTE adds rol30 of the A that was current
 * four rounds earlier to them.  Each SHA1RNDS4 performs four rounds with
 * the round function and constant given by its immediate (0..3 for rounds
 * 0-19, 20-39, 40-59, 60-79).  Schedule for t >= 16: MSG1 gives
 * W[t-16] ^ W[t-14], an XOR adds W[t-8], MSG2 adds W[t-3] and rotates.
 *
 * Chosen per context at init when the CPU has SHA and SSE4.1; valgrind
 * hides SHA-NI (the ct harness covers the portable path).
 */
#include "cpu.h"
#include "hash.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

__attribute__((target("sha,sse4.1")))
void nc_sha1_blocks_shani(uint32_t h[5], const uint8_t *p, size_t nblocks) {
    /* Reverses all 16 bytes: big-endian words, W0 in the top lane. */
    const __m128i bswap = _mm_set_epi64x(0x0001020304050607ll, 0x08090a0b0c0d0e0fll);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1b);
    __m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0);

    while (nblocks--) {
        const __m128i abcd_in = abcd, e_in = e0;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), bswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), bswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), bswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), bswap);
        __m128i prev, e;

/* Four rounds with message group m (already expanded) and function f. */
#define RNDS4(m, f)                          \
    do {                                     \
        e = _mm_sha1nexte_epu32(prev, (m));  \
        prev = abcd;                         \
        abcd = _mm_sha1rnds4_epu32(abcd, e, (f)); \
    } while (0)

/* The next group into a (the oldest), from a b c d = W[t-16..t-1]. */
#define NEXT(a, b, c, d) \
    (a) = _mm_sha1msg2_epu32(_mm_xor_si128(_mm_sha1msg1_epu32((a), (b)), (c)), (d))

        e = _mm_add_epi32(e0, m0);
        prev = abcd;
        abcd = _mm_sha1rnds4_epu32(abcd, e, 0);
        RNDS4(m1, 0);
        RNDS4(m2, 0);
        RNDS4(m3, 0);
        NEXT(m0, m1, m2, m3); RNDS4(m0, 0);
        NEXT(m1, m2, m3, m0); RNDS4(m1, 1);
        NEXT(m2, m3, m0, m1); RNDS4(m2, 1);
        NEXT(m3, m0, m1, m2); RNDS4(m3, 1);
        NEXT(m0, m1, m2, m3); RNDS4(m0, 1);
        NEXT(m1, m2, m3, m0); RNDS4(m1, 1);
        NEXT(m2, m3, m0, m1); RNDS4(m2, 2);
        NEXT(m3, m0, m1, m2); RNDS4(m3, 2);
        NEXT(m0, m1, m2, m3); RNDS4(m0, 2);
        NEXT(m1, m2, m3, m0); RNDS4(m1, 2);
        NEXT(m2, m3, m0, m1); RNDS4(m2, 2);
        NEXT(m3, m0, m1, m2); RNDS4(m3, 3);
        NEXT(m0, m1, m2, m3); RNDS4(m0, 3);
        NEXT(m1, m2, m3, m0); RNDS4(m1, 3);
        NEXT(m2, m3, m0, m1); RNDS4(m2, 3);
        NEXT(m3, m0, m1, m2); RNDS4(m3, 3);
#undef RNDS4
#undef NEXT
        e0 = _mm_sha1nexte_epu32(prev, e_in);
        abcd = _mm_add_epi32(abcd, abcd_in);
        p += 64;
    }
    _mm_storeu_si128((__m128i *)(void *)h, _mm_shuffle_epi32(abcd, 0x1b));
    h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

int nc_sha1_shani_usable(void) {
    uint32_t need = NC_CPU_SHANI | NC_CPU_SSE41 | NC_CPU_SSSE3;
    return (nc_cpu_features() & need) == need;
}

#else

void nc_sha1_blocks_shani(uint32_t h[5], const uint8_t *p, size_t nblocks) {
    nc_sha1_blocks_portable(h, p, nblocks);
}

int nc_sha1_shani_usable(void) { return 0; }

#endif
