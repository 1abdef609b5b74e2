/* Poly1305 (RFC 8439 section 2.5), four blocks at a time with AVX2.
 *
 * With r^1..r^4 precomputed, the blocks m_1..m_n (n = 4k) are spread over
 * four lanes, lane j taking m_{4i+j+1}: each lane runs H = (H + M) * r^4,
 * except that the last group multiplies lane j by r^(4-j) instead; summing
 * the lanes then gives exactly sum m_i r^(n-i+1), the incoming accumulator
 * having been added to lane 0's first block.  Values are in radix 2^26
 * (five limbs in 64-bit lanes, products by vpmuludq), with 2^130 = 5
 * folding the high partial products through s_i = 5 r_i.  Limbs are below
 * 2^27 before each multiplication, so every sum of five products stays
 * below 2^60.  The loop keeps H and the products in registers (the
 * multipliers come from memory operands).  Arithmetic only: no branch or
 * index depends on key or message.
 */
#include "chacha.h"

#include "ct.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define NC_AVX2 __attribute__((target("avx2")))
#define M26 0x3ffffffULL

/* Radix 2^64 (h0 + h1 2^64 + h2 2^128) to radix 2^26. */
static void to26(uint64_t h0, uint64_t h1, uint64_t h2, uint64_t l[5]) {
    l[0] = h0 & M26;
    l[1] = (h0 >> 26) & M26;
    l[2] = ((h0 >> 52) | (h1 << 12)) & M26;
    l[3] = (h1 >> 14) & M26;
    l[4] = (h1 >> 40) | (h2 << 24);
}

/* out = a * b mod p (partially reduced), limbs below 2^27 in, 2^26 (+1) out. */
static void mul26(const uint64_t a[5], const uint64_t b[5], uint64_t out[5]) {
    uint64_t s1 = 5 * b[1], s2 = 5 * b[2], s3 = 5 * b[3], s4 = 5 * b[4];
    uint64_t d0 = a[0] * b[0] + a[1] * s4 + a[2] * s3 + a[3] * s2 + a[4] * s1;
    uint64_t d1 = a[0] * b[1] + a[1] * b[0] + a[2] * s4 + a[3] * s3 + a[4] * s2;
    uint64_t d2 = a[0] * b[2] + a[1] * b[1] + a[2] * b[0] + a[3] * s4 + a[4] * s3;
    uint64_t d3 = a[0] * b[3] + a[1] * b[2] + a[2] * b[1] + a[3] * b[0] + a[4] * s4;
    uint64_t d4 = a[0] * b[4] + a[1] * b[3] + a[2] * b[2] + a[3] * b[1] + a[4] * b[0];
    d1 += d0 >> 26; d0 &= M26;
    d2 += d1 >> 26; d1 &= M26;
    d3 += d2 >> 26; d2 &= M26;
    d4 += d3 >> 26; d3 &= M26;
    d0 += (d4 >> 26) * 5; d4 &= M26;
    d1 += d0 >> 26; d0 &= M26;
    out[0] = d0; out[1] = d1; out[2] = d2; out[3] = d3; out[4] = d4;
}

/* A multiplier for the four lanes: its limbs r[0..4] and 5 * r[1..4]
 * (s[0] unused). */
typedef struct {
    __m256i r[5], s[5];
} mult4;

/* Lane j gets limbs l[j]. */
NC_AVX2 static void set_mult(mult4 *m, const uint64_t *l0, const uint64_t *l1,
                             const uint64_t *l2, const uint64_t *l3) {
    for (int i = 0; i < 5; i++) {
        m->r[i] = _mm256_setr_epi64x((long long)l0[i], (long long)l1[i], (long long)l2[i],
                                     (long long)l3[i]);
        m->s[i] = _mm256_add_epi64(m->r[i], _mm256_slli_epi64(m->r[i], 2));
    }
}

#define MUL(x, y) _mm256_mul_epu32((x), (y))
#define ADD(x, y) _mm256_add_epi64((x), (y))
#define AND(x, y) _mm256_and_si256((x), (y))
#define SHR(x, n) _mm256_srli_epi64((x), (n))
#define SHL(x, n) _mm256_slli_epi64((x), (n))

/* h += four message blocks (with the 2^128 bit), lane j taking block j. */
#define ADD_BLOCKS(h, p)                                                                    \
    do {                                                                                    \
        __m256i a_ = _mm256_loadu_si256((const __m256i *)(const void *)(p));                \
        __m256i b_ = _mm256_loadu_si256((const __m256i *)(const void *)((p) + 32));         \
        /* unpack gives lanes in block order 0,2,1,3; the permute restores it */            \
        __m256i lo_ = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(a_, b_), 0xD8);        \
        __m256i hi_ = _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(a_, b_), 0xD8);        \
        h##0 = ADD(h##0, AND(lo_, mask));                                                   \
        h##1 = ADD(h##1, AND(SHR(lo_, 26), mask));                                          \
        h##2 = ADD(h##2, AND(_mm256_or_si256(SHR(lo_, 52), SHL(hi_, 12)), mask));           \
        h##3 = ADD(h##3, AND(SHR(hi_, 14), mask));                                          \
        h##4 = ADD(h##4, _mm256_or_si256(SHR(hi_, 40), bit128));                            \
    } while (0)

/* h = h * m per lane, carried so that limbs end below 2^26 (limbs 1 and 4
 * a little above). */
#define MUL_CARRY(h, m)                                                                     \
    do {                                                                                    \
        const __m256i *r_ = (m)->r, *s_ = (m)->s;                                           \
        __m256i d0_ = ADD(ADD(ADD(ADD(MUL(h##0, r_[0]), MUL(h##1, s_[4])), MUL(h##2, s_[3])), \
                              MUL(h##3, s_[2])), MUL(h##4, s_[1]));                         \
        __m256i d1_ = ADD(ADD(ADD(ADD(MUL(h##0, r_[1]), MUL(h##1, r_[0])), MUL(h##2, s_[4])), \
                              MUL(h##3, s_[3])), MUL(h##4, s_[2]));                         \
        __m256i d2_ = ADD(ADD(ADD(ADD(MUL(h##0, r_[2]), MUL(h##1, r_[1])), MUL(h##2, r_[0])), \
                              MUL(h##3, s_[4])), MUL(h##4, s_[3]));                         \
        __m256i d3_ = ADD(ADD(ADD(ADD(MUL(h##0, r_[3]), MUL(h##1, r_[2])), MUL(h##2, r_[1])), \
                              MUL(h##3, r_[0])), MUL(h##4, s_[4]));                         \
        __m256i d4_ = ADD(ADD(ADD(ADD(MUL(h##0, r_[4]), MUL(h##1, r_[3])), MUL(h##2, r_[2])), \
                              MUL(h##3, r_[1])), MUL(h##4, r_[0]));                         \
        __m256i t_;                                                                         \
        /* two interleaved carry chains: 0->1->2->3->4 and 3->4->0->1 */                    \
        t_ = SHR(d0_, 26); d0_ = AND(d0_, mask); d1_ = ADD(d1_, t_);                        \
        t_ = SHR(d3_, 26); d3_ = AND(d3_, mask); d4_ = ADD(d4_, t_);                        \
        t_ = SHR(d1_, 26); d1_ = AND(d1_, mask); d2_ = ADD(d2_, t_);                        \
        t_ = SHR(d4_, 26); d4_ = AND(d4_, mask); d0_ = ADD(d0_, ADD(t_, SHL(t_, 2)));       \
        t_ = SHR(d2_, 26); d2_ = AND(d2_, mask); d3_ = ADD(d3_, t_);                        \
        t_ = SHR(d0_, 26); d0_ = AND(d0_, mask); d1_ = ADD(d1_, t_);                        \
        t_ = SHR(d3_, 26); d3_ = AND(d3_, mask); d4_ = ADD(d4_, t_);                        \
        h##0 = d0_; h##1 = d1_; h##2 = d2_; h##3 = d3_; h##4 = d4_;                         \
    } while (0)

/* The sum of the four lanes of v. */
NC_AVX2 static inline uint64_t lane_sum(__m256i v) {
    __m128i x = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return (uint64_t)_mm_cvtsi128_si64(x) + (uint64_t)_mm_extract_epi64(x, 1);
}

NC_AVX2 size_t nc_poly1305_blocks_avx2(nc_poly1305_state *st, const uint8_t *m, size_t nblocks) {
    size_t groups = nblocks / 4;
    if (groups == 0) {
        return 0;
    }
    const __m256i mask = _mm256_set1_epi64x((long long)M26);
    const __m256i bit128 = _mm256_set1_epi64x(1LL << 24);
    uint64_t p[5][5], l[5];
    to26(st->r0, st->r1, 0, p[1]);
    for (int i = 2; i <= 4; i++) {
        mul26(p[i - 1], p[1], p[i]);
    }
    mult4 r4, last;
    set_mult(&r4, p[4], p[4], p[4], p[4]);
    set_mult(&last, p[4], p[3], p[2], p[1]);

    /* The running accumulator joins lane 0. */
    to26(st->h0, st->h1, st->h2, l);
    __m256i h0 = _mm256_setr_epi64x((long long)l[0], 0, 0, 0);
    __m256i h1 = _mm256_setr_epi64x((long long)l[1], 0, 0, 0);
    __m256i h2 = _mm256_setr_epi64x((long long)l[2], 0, 0, 0);
    __m256i h3 = _mm256_setr_epi64x((long long)l[3], 0, 0, 0);
    __m256i h4 = _mm256_setr_epi64x((long long)l[4], 0, 0, 0);
    for (size_t g = 1; g < groups; g++) {
        ADD_BLOCKS(h, m);
        MUL_CARRY(h, &r4);
        m += 64;
    }
    ADD_BLOCKS(h, m);
    MUL_CARRY(h, &last);

    /* Sum the lanes, then carry fully into radix 2^64. */
    l[0] = lane_sum(h0);
    l[1] = lane_sum(h1);
    l[2] = lane_sum(h2);
    l[3] = lane_sum(h3);
    l[4] = lane_sum(h4);
    l[1] += l[0] >> 26; l[0] &= M26;
    l[2] += l[1] >> 26; l[1] &= M26;
    l[3] += l[2] >> 26; l[2] &= M26;
    l[4] += l[3] >> 26; l[3] &= M26;
    uint64_t a0 = l[0] | (l[1] << 26) | (l[2] << 52);
    uint64_t a1 = (l[2] >> 12) | (l[3] << 14) | (l[4] << 40);
    uint64_t a2 = l[4] >> 24;
    /* fold bits 130 and up (a2 < 2^6 here) so that a2 <= 4 as the scalar
     * code expects */
    uint64_t c = (a2 >> 2) * 5;
    a2 &= 3;
    unsigned __int128 t = (unsigned __int128)a0 + c;
    a0 = (uint64_t)t;
    t = (unsigned __int128)a1 + (uint64_t)(t >> 64);
    a1 = (uint64_t)t;
    a2 += (uint64_t)(t >> 64);
    st->h0 = a0;
    st->h1 = a1;
    st->h2 = a2;

    nc_chacha_wipe(p, sizeof p);
    nc_chacha_wipe(l, sizeof l);
    nc_chacha_wipe(&r4, sizeof r4);
    nc_chacha_wipe(&last, sizeof last);
    return 4 * groups;
}

#else

size_t nc_poly1305_blocks_avx2(nc_poly1305_state *st, const uint8_t *m, size_t nblocks) {
    (void)st;
    (void)m;
    (void)nblocks;
    return 0;
}

#endif
