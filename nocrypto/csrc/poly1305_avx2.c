/* Poly1305 (RFC 8439 section 2.5), eight blocks at a time with AVX2.
 *
 * With r^1..r^8 precomputed, the blocks m_1..m_n (n = 8k) are spread over
 * eight lanes (two vectors of four, for two independent dependency chains),
 * lane j taking m_{8i+j+1}: each lane runs H = H * r^8 + M, and at the end
 * lane j is multiplied by r^(8-j) and the lanes are summed, which gives
 * exactly sum m_i r^(n-i+1) (plus the incoming accumulator, added to lane
 * 0's first block).  Values are in radix 2^26 (five limbs in
 * 64-bit lanes, products by vpmuludq), with 2^130 = 5 folding the high
 * partial products through s_i = 5 r_i.  Limbs are kept below 2^27 before
 * each multiplication, so every sum of five products stays below 2^60.
 * Arithmetic only: no branch or index depends on key or message.
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

/* Five limbs of four lanes. */
typedef struct {
    __m256i v[5];
} vec130;

/* Four message blocks (with the 2^128 bit) into lanes 0..3. */
NC_AVX2 static inline __attribute__((always_inline)) vec130 load4(const uint8_t *m) {
    const __m256i mask = _mm256_set1_epi64x((long long)M26);
    __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)m);
    __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(m + 32));
    /* unpack gives lanes in block order 0,2,1,3; the permute restores it */
    __m256i lo = _mm256_permute4x64_epi64(_mm256_unpacklo_epi64(a, b), 0xD8);
    __m256i hi = _mm256_permute4x64_epi64(_mm256_unpackhi_epi64(a, b), 0xD8);
    vec130 r;
    r.v[0] = _mm256_and_si256(lo, mask);
    r.v[1] = _mm256_and_si256(_mm256_srli_epi64(lo, 26), mask);
    r.v[2] = _mm256_and_si256(_mm256_or_si256(_mm256_srli_epi64(lo, 52), _mm256_slli_epi64(hi, 12)),
                              mask);
    r.v[3] = _mm256_and_si256(_mm256_srli_epi64(hi, 14), mask);
    r.v[4] = _mm256_or_si256(_mm256_srli_epi64(hi, 40), _mm256_set1_epi64x(1LL << 24));
    return r;
}

#define MUL(x, y) _mm256_mul_epu32((x), (y))
#define ADD(x, y) _mm256_add_epi64((x), (y))

/* h * r per lane, then a carry pass leaving limbs below 2^26 (+ a little
 * in limb 1).  s holds 5 * r limbs. */
NC_AVX2 static inline __attribute__((always_inline)) vec130 mulr(const vec130 *h, const vec130 *r, const vec130 *s) {
    const __m256i mask = _mm256_set1_epi64x((long long)M26);
    const __m256i *a = h->v, *b = r->v, *c = s->v;
    __m256i d0 = ADD(ADD(ADD(ADD(MUL(a[0], b[0]), MUL(a[1], c[4])), MUL(a[2], c[3])),
                         MUL(a[3], c[2])), MUL(a[4], c[1]));
    __m256i d1 = ADD(ADD(ADD(ADD(MUL(a[0], b[1]), MUL(a[1], b[0])), MUL(a[2], c[4])),
                         MUL(a[3], c[3])), MUL(a[4], c[2]));
    __m256i d2 = ADD(ADD(ADD(ADD(MUL(a[0], b[2]), MUL(a[1], b[1])), MUL(a[2], b[0])),
                         MUL(a[3], c[4])), MUL(a[4], c[3]));
    __m256i d3 = ADD(ADD(ADD(ADD(MUL(a[0], b[3]), MUL(a[1], b[2])), MUL(a[2], b[1])),
                         MUL(a[3], b[0])), MUL(a[4], c[4]));
    __m256i d4 = ADD(ADD(ADD(ADD(MUL(a[0], b[4]), MUL(a[1], b[3])), MUL(a[2], b[2])),
                         MUL(a[3], b[1])), MUL(a[4], b[0]));
    __m256i t;
    /* two interleaved carry chains: 0->1->2->3->4 and 3->4->0->1 */
    t = _mm256_srli_epi64(d0, 26); d0 = _mm256_and_si256(d0, mask); d1 = ADD(d1, t);
    t = _mm256_srli_epi64(d3, 26); d3 = _mm256_and_si256(d3, mask); d4 = ADD(d4, t);
    t = _mm256_srli_epi64(d1, 26); d1 = _mm256_and_si256(d1, mask); d2 = ADD(d2, t);
    t = _mm256_srli_epi64(d4, 26); d4 = _mm256_and_si256(d4, mask);
    d0 = ADD(d0, ADD(t, _mm256_slli_epi64(t, 2)));
    t = _mm256_srli_epi64(d2, 26); d2 = _mm256_and_si256(d2, mask); d3 = ADD(d3, t);
    t = _mm256_srli_epi64(d0, 26); d0 = _mm256_and_si256(d0, mask); d1 = ADD(d1, t);
    t = _mm256_srli_epi64(d3, 26); d3 = _mm256_and_si256(d3, mask); d4 = ADD(d4, t);
    vec130 out;
    out.v[0] = d0; out.v[1] = d1; out.v[2] = d2; out.v[3] = d3; out.v[4] = d4;
    return out;
}

NC_AVX2 static inline void setlimbs(vec130 *r, vec130 *s, const uint64_t *l3, const uint64_t *l2,
                                    const uint64_t *l1, const uint64_t *l0) {
    /* lane 0 gets l3, lane 3 gets l0 (set_epi64x lists lanes high to low) */
    for (int i = 0; i < 5; i++) {
        r->v[i] = _mm256_set_epi64x((long long)l0[i], (long long)l1[i], (long long)l2[i],
                                    (long long)l3[i]);
        s->v[i] = ADD(r->v[i], _mm256_slli_epi64(r->v[i], 2));
    }
}

NC_AVX2 size_t nc_poly1305_blocks_avx2(nc_poly1305_state *st, const uint8_t *m, size_t nblocks) {
    size_t groups = nblocks / 8;
    if (groups == 0) {
        return 0;
    }
    uint64_t p[9][5], h[5];
    to26(st->r0, st->r1, 0, p[1]);
    for (int i = 2; i <= 8; i++) {
        mul26(p[i - 1], p[1], p[i]);
    }
    vec130 r8, s8, ra, sa, rb, sb;
    setlimbs(&r8, &s8, p[8], p[8], p[8], p[8]);
    setlimbs(&ra, &sa, p[8], p[7], p[6], p[5]);
    setlimbs(&rb, &sb, p[4], p[3], p[2], p[1]);

    /* Ha takes blocks 8i+1..8i+4, Hb blocks 8i+5..8i+8; the running
     * accumulator joins lane 0 of Ha. */
    to26(st->h0, st->h1, st->h2, h);
    vec130 Ha = load4(m), Hb = load4(m + 64);
    for (int i = 0; i < 5; i++) {
        Ha.v[i] = ADD(Ha.v[i], _mm256_set_epi64x(0, 0, 0, (long long)h[i]));
    }
    m += 128;
    for (size_t g = 1; g < groups; g++) {
        vec130 Ma = load4(m), Mb = load4(m + 64);
        Ha = mulr(&Ha, &r8, &s8);
        Hb = mulr(&Hb, &r8, &s8);
        for (int i = 0; i < 5; i++) {
            Ha.v[i] = ADD(Ha.v[i], Ma.v[i]);
            Hb.v[i] = ADD(Hb.v[i], Mb.v[i]);
        }
        m += 128;
    }
    Ha = mulr(&Ha, &ra, &sa);
    Hb = mulr(&Hb, &rb, &sb);
    vec130 H;
    for (int i = 0; i < 5; i++) {
        H.v[i] = ADD(Ha.v[i], Hb.v[i]);
    }

    /* Sum the lanes, then carry fully into radix 2^64. */
    uint64_t l[5];
    for (int i = 0; i < 5; i++) {
        __m128i x = _mm_add_epi64(_mm256_castsi256_si128(H.v[i]),
                                  _mm256_extracti128_si256(H.v[i], 1));
        l[i] = (uint64_t)_mm_cvtsi128_si64(x) + (uint64_t)_mm_extract_epi64(x, 1);
    }
    l[1] += l[0] >> 26; l[0] &= M26;
    l[2] += l[1] >> 26; l[1] &= M26;
    l[3] += l[2] >> 26; l[2] &= M26;
    l[4] += l[3] >> 26; l[3] &= M26;
    uint64_t h0 = l[0] | (l[1] << 26) | (l[2] << 52);
    uint64_t h1 = (l[2] >> 12) | (l[3] << 14) | (l[4] << 40);
    uint64_t h2 = l[4] >> 24;
    /* fold bits 130 and up (h2 < 2^6 here) so that h2 <= 4 as the scalar
     * code expects */
    uint64_t c = (h2 >> 2) * 5;
    h2 &= 3;
    unsigned __int128 t = (unsigned __int128)h0 + c;
    h0 = (uint64_t)t;
    t = (unsigned __int128)h1 + (uint64_t)(t >> 64);
    h1 = (uint64_t)t;
    h2 += (uint64_t)(t >> 64);
    st->h0 = h0;
    st->h1 = h1;
    st->h2 = h2;

    nc_chacha_wipe(p, sizeof p);
    nc_chacha_wipe(h, sizeof h);
    nc_chacha_wipe(l, sizeof l);
    nc_chacha_wipe(&r8, sizeof r8);
    nc_chacha_wipe(&s8, sizeof s8);
    nc_chacha_wipe(&ra, sizeof ra);
    nc_chacha_wipe(&sa, sizeof sa);
    nc_chacha_wipe(&rb, sizeof rb);
    nc_chacha_wipe(&sb, sizeof sb);
    nc_chacha_wipe(&Ha, sizeof Ha);
    nc_chacha_wipe(&Hb, sizeof Hb);
    nc_chacha_wipe(&H, sizeof H);
    return 8 * groups;
}

#else

size_t nc_poly1305_blocks_avx2(nc_poly1305_state *st, const uint8_t *m, size_t nblocks) {
    (void)st;
    (void)m;
    (void)nblocks;
    return 0;
}

#endif
