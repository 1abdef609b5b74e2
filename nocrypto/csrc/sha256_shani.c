/* SHA-256 compression (FIPS 180-4 section 6.2.2) with the x86 SHA
 * extensions (Intel SDM: SHA256RNDS2, SHA256MSG1, SHA256MSG2).
 *
 * The chaining state is kept in the layout the instructions want, two
 * vectors ABEF and CDGH; each SHA256RNDS2 does two rounds, so a group of
 * four rounds is two of them with the upper half of W+K moved down.  The
 * message schedule for rounds 16..63 is MSG1 (W[t-16] + s0(W[t-15])), an
 * add of W[t-7] (an ALIGNR of the last two groups) and MSG2 (+ s1(W[t-2])).
 *
 * Chosen per context at init when the CPU has SHA and SSE4.1
 * (nc_sha256_shani_usable); valgrind hides SHA-NI, so the ct harness only
 * sees the portable path, and the instructions are data-independent in
 * timing anyway.
 */
#include "cpu.h"
#include "hash.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

extern const uint32_t nc_sha256_k[64];

#define NC_SHANI_TARGET __attribute__((target("sha,sse4.1")))

NC_SHANI_TARGET
void nc_sha256_blocks_shani(uint32_t h[8], const uint8_t *p, size_t nblocks) {
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    __m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)h);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)(h + 4));
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);

    while (nblocks--) {
        const __m128i abef_in = abef, cdgh_in = cdgh;
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), bswap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), bswap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), bswap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), bswap);

/* Four rounds with message group m (already expanded), constants k[i..i+3]. */
#define RNDS4(m, i)                                                                      \
    do {                                                                                 \
        __m128i wk = _mm_add_epi32((m), _mm_loadu_si128((const __m128i *)(const void *)(nc_sha256_k + (i)))); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                    \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0e));           \
    } while (0)

/* Next message group into a (the oldest), from a b c d = W[t-16..t-1]. */
#define NEXT(a, b, c, d) \
    (a) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((a), (b)), _mm_alignr_epi8((d), (c), 4)), (d))

        RNDS4(m0, 0);
        RNDS4(m1, 4);
        RNDS4(m2, 8);
        RNDS4(m3, 12);
        for (int i = 16; i < 64; i += 16) {
            NEXT(m0, m1, m2, m3);
            RNDS4(m0, i);
            NEXT(m1, m2, m3, m0);
            RNDS4(m1, i + 4);
            NEXT(m2, m3, m0, m1);
            RNDS4(m2, i + 8);
            NEXT(m3, m0, m1, m2);
            RNDS4(m3, i + 12);
        }
#undef RNDS4
#undef NEXT
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
        p += 64;
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    dcba = _mm_blend_epi16(feba, dchg, 0xf0);
    hgfe = _mm_alignr_epi8(dchg, feba, 8);
    _mm_storeu_si128((__m128i *)(void *)h, dcba);
    _mm_storeu_si128((__m128i *)(void *)(h + 4), hgfe);
}

int nc_sha256_shani_usable(void) {
    uint32_t need = NC_CPU_SHANI | NC_CPU_SSE41 | NC_CPU_SSSE3;
    return (nc_cpu_features() & need) == need;
}

#else

void nc_sha256_blocks_shani(uint32_t h[8], const uint8_t *p, size_t nblocks) {
    nc_sha256_blocks_portable(h, p, nblocks);
}

int nc_sha256_shani_usable(void) { return 0; }

#endif
