/* Inline GHASH building blocks for PCLMULQDQ (shared by ghash_pclmul.c and
 * the stitched loop in gcm_ni.c).  Not seen by Python.
 *
 * Blocks are byte-reversed into registers so a register holds the block
 * as a big-endian 128-bit integer: the field element with its bit order
 * reversed (see ghash_ct.c).  Products are accumulated unreduced as three
 * 128-bit parts (lo, mid, hi); reduce() then aligns (shift left by one)
 * and folds modulo x^128 + x^7 + x^2 + x + 1, once per aggregated group
 * (Gueron and Kounavis, "Intel Carry-Less Multiplication Instruction and
 * its Usage for Computing the GCM Mode", 2010).  Multiplications use
 * Karatsuba with each power's h.lo ^ h.hi precomputed.
 */
#ifndef NC_GHASH_PCLMUL_H
#define NC_GHASH_PCLMUL_H

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define NC_PCLMUL_TARGET __attribute__((target("pclmul,sse2,ssse3,sse4.1")))

typedef struct {
    __m128i lo, mid, hi;
} nc_gacc;

NC_PCLMUL_TARGET static inline __m128i nc_gh_bswap(__m128i x) {
    return _mm_shuffle_epi8(x, _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
}

NC_PCLMUL_TARGET static inline void nc_gh_zero(nc_gacc *a) {
    a->lo = _mm_setzero_si128();
    a->mid = _mm_setzero_si128();
    a->hi = _mm_setzero_si128();
}

/* a += x * h, unreduced, Karatsuba: three PCLMULQDQ.  hk holds
 * h.lo ^ h.hi in its low half (precomputed per power); a->mid collects
 * (x.lo ^ x.hi)(h.lo ^ h.hi), corrected by lo ^ hi in nc_gh_reduce. */
NC_PCLMUL_TARGET static inline void nc_gh_mul_acc(nc_gacc *a, __m128i x, __m128i h, __m128i hk) {
    a->lo = _mm_xor_si128(a->lo, _mm_clmulepi64_si128(x, h, 0x00));
    a->hi = _mm_xor_si128(a->hi, _mm_clmulepi64_si128(x, h, 0x11));
    __m128i xk = _mm_xor_si128(x, _mm_shuffle_epi32(x, 0x4E));
    a->mid = _mm_xor_si128(a->mid, _mm_clmulepi64_si128(xk, hk, 0x00));
}

/* The Karatsuba key of h: h.lo ^ h.hi (in both halves). */
NC_PCLMUL_TARGET static inline __m128i nc_gh_kkey(__m128i h) {
    return _mm_xor_si128(h, _mm_shuffle_epi32(h, 0x4E));
}

NC_PCLMUL_TARGET static inline __m128i nc_gh_fold_bits(__m128i x) {
    return _mm_xor_si128(_mm_xor_si128(_mm_slli_epi64(x, 63), _mm_slli_epi64(x, 62)),
                         _mm_slli_epi64(x, 57));
}

NC_PCLMUL_TARGET static inline __m128i nc_gh_reduce(const nc_gacc *a) {
    __m128i mid = _mm_xor_si128(a->mid, _mm_xor_si128(a->lo, a->hi));
    __m128i lo = _mm_xor_si128(a->lo, _mm_slli_si128(mid, 8));
    __m128i hi = _mm_xor_si128(a->hi, _mm_srli_si128(mid, 8));
    /* shift the 256-bit hi:lo left by one bit */
    __m128i lc = _mm_srli_epi64(lo, 63), hc = _mm_srli_epi64(hi, 63);
    lo = _mm_or_si128(_mm_slli_epi64(lo, 1), _mm_slli_si128(lc, 8));
    hi = _mm_or_si128(_mm_or_si128(_mm_slli_epi64(hi, 1), _mm_slli_si128(hc, 8)),
                      _mm_srli_si128(lc, 8));
    /* fold: lane 0 of lo spills into lane 1, lane 1 into hi's lane 0 */
    lo = _mm_xor_si128(lo, _mm_slli_si128(nc_gh_fold_bits(lo), 8));
    hi = _mm_xor_si128(hi, _mm_srli_si128(nc_gh_fold_bits(lo), 8));
    hi = _mm_xor_si128(hi, lo);
    hi = _mm_xor_si128(hi, _mm_srli_epi64(lo, 1));
    hi = _mm_xor_si128(hi, _mm_srli_epi64(lo, 2));
    hi = _mm_xor_si128(hi, _mm_srli_epi64(lo, 7));
    return hi;
}

/* H^(i+1) at table index i, i = 0..8, and its Karatsuba key */
NC_PCLMUL_TARGET static inline __m128i nc_gh_pow(const uint64_t *h, int i) {
    return _mm_loadu_si128((const __m128i *)(const void *)(h + 2 * i));
}

NC_PCLMUL_TARGET static inline __m128i nc_gh_kpow(const uint64_t *h, int i) {
    return _mm_loadu_si128((const __m128i *)(const void *)(h + NC_GCM_K9 + 2 * i));
}

#endif
#endif
