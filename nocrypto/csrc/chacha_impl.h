/* Internal to the ChaCha20/Poly1305 C files (not seen by Python): the
 * AVX2 building blocks of eight-block ChaCha20 (RFC 8439 section 2.3),
 * shared by chacha20_avx2.c and the stitched AEAD loop in
 * chacha20poly1305_avx2.c, and the scalar Poly1305 block step (RFC 8439
 * section 2.5) shared by poly1305.c and that loop.  Data independent
 * throughout.
 */
#ifndef NC_CHACHA_IMPL_H
#define NC_CHACHA_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "chacha.h"
#include "ct.h"

typedef unsigned __int128 nc_u128;

/* One Poly1305 block in radix 2^64 (see poly1305.c): h = (h + m + padbit
 * 2^128) * r, partially reduced.  h2 <= 4 on entry and exit (<= 6 after adding the
 * block), so h2*s1 and h2*r0 fit in 64 bits and the two 128-bit column
 * sums stay below 2^127. */
static inline void nc_poly1305_step(uint64_t *h0p, uint64_t *h1p, uint64_t *h2p,
                                    const uint8_t *m, uint64_t padbit, uint64_t r0,
                                    uint64_t r1, uint64_t s1) {
    nc_u128 t = (nc_u128)*h0p + nc_load_le64(m);
    uint64_t h0 = (uint64_t)t;
    t = (nc_u128)*h1p + nc_load_le64(m + 8) + (uint64_t)(t >> 64);
    uint64_t h1 = (uint64_t)t;
    uint64_t h2 = *h2p + (uint64_t)(t >> 64) + padbit;

    nc_u128 d0 = (nc_u128)h0 * r0 + (nc_u128)h1 * s1;
    nc_u128 d1 = (nc_u128)h0 * r1 + (nc_u128)h1 * r0 + (h2 * s1) + (uint64_t)(d0 >> 64);
    uint64_t d2 = (uint64_t)(d1 >> 64) + h2 * r0; /* weight 2^128 */

    /* Fold the bits of d2 above 2^130: c = 5 * (d2 >> 2). */
    uint64_t c = (d2 & ~(uint64_t)3) + (d2 >> 2);
    t = (nc_u128)(uint64_t)d0 + c;
    *h0p = (uint64_t)t;
    t = (nc_u128)(uint64_t)d1 + (uint64_t)(t >> 64);
    *h1p = (uint64_t)t;
    *h2p = (d2 & 3) + (uint64_t)(t >> 64);
}

#if defined(__x86_64__)
#include <immintrin.h>

#define NC_AVX2 __attribute__((target("avx2")))

NC_AVX2 static inline __m256i rotl16(__m256i v) {
    const __m256i r = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13,
                                       2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    return _mm256_shuffle_epi8(v, r);
}

NC_AVX2 static inline __m256i rotl8(__m256i v) {
    const __m256i r = _mm256_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14,
                                       3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
    return _mm256_shuffle_epi8(v, r);
}

#define ROTLV(v, n) _mm256_or_si256(_mm256_slli_epi32((v), (n)), _mm256_srli_epi32((v), 32 - (n)))

/* Two quarter-rounds, (a, b, c, d) and (e, f, g, h), step by step: two
 * independent chains for the scheduler while the sixteen state vectors
 * and a temporary still almost fit the sixteen registers (measured: 6%
 * faster than one quarter-round after the other, and faster than four
 * at once, which spills more). */
#define QR2(a, b, c, d, e, f, g, h)                                          \
    do {                                                                     \
        a = _mm256_add_epi32(a, b); e = _mm256_add_epi32(e, f);              \
        d = rotl16(_mm256_xor_si256(d, a)); h = rotl16(_mm256_xor_si256(h, e)); \
        c = _mm256_add_epi32(c, d); g = _mm256_add_epi32(g, h);              \
        b = ROTLV(_mm256_xor_si256(b, c), 12); f = ROTLV(_mm256_xor_si256(f, g), 12); \
        a = _mm256_add_epi32(a, b); e = _mm256_add_epi32(e, f);              \
        d = rotl8(_mm256_xor_si256(d, a)); h = rotl8(_mm256_xor_si256(h, e)); \
        c = _mm256_add_epi32(c, d); g = _mm256_add_epi32(g, h);              \
        b = ROTLV(_mm256_xor_si256(b, c), 7); f = ROTLV(_mm256_xor_si256(f, g), 7); \
    } while (0)

/* XOR 32 bytes of keystream into in -> out (unaligned). */
NC_AVX2 static inline void xor32(uint8_t *out, const uint8_t *in, __m256i ks) {
    __m256i m = _mm256_loadu_si256((const __m256i *)(const void *)in);
    _mm256_storeu_si256((__m256i *)(void *)out, _mm256_xor_si256(m, ks));
}

/* Transpose a[0..7] (word k of block j in a[k] lane j) into o[j] = words 0..7
 * of block j. */
NC_AVX2 static inline void transpose8(const __m256i a[8], __m256i o[8]) {
    __m256i t0 = _mm256_unpacklo_epi32(a[0], a[1]);
    __m256i t1 = _mm256_unpackhi_epi32(a[0], a[1]);
    __m256i t2 = _mm256_unpacklo_epi32(a[2], a[3]);
    __m256i t3 = _mm256_unpackhi_epi32(a[2], a[3]);
    __m256i t4 = _mm256_unpacklo_epi32(a[4], a[5]);
    __m256i t5 = _mm256_unpackhi_epi32(a[4], a[5]);
    __m256i t6 = _mm256_unpacklo_epi32(a[6], a[7]);
    __m256i t7 = _mm256_unpackhi_epi32(a[6], a[7]);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2); /* words 0-3 of blocks 0 | 4 */
    __m256i u1 = _mm256_unpackhi_epi64(t0, t2); /* blocks 1 | 5 */
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3); /* blocks 2 | 6 */
    __m256i u3 = _mm256_unpackhi_epi64(t1, t3); /* blocks 3 | 7 */
    __m256i u4 = _mm256_unpacklo_epi64(t4, t6); /* words 4-7 */
    __m256i u5 = _mm256_unpackhi_epi64(t4, t6);
    __m256i u6 = _mm256_unpacklo_epi64(t5, t7);
    __m256i u7 = _mm256_unpackhi_epi64(t5, t7);
    o[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    o[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    o[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    o[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    o[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    o[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    o[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    o[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

/* The input of blocks counter .. counter+7: vector s[i] holds word i of
 * each, lane j of s[12] the counter of block counter+j. */
NC_AVX2 static inline void nc_chacha8_init(__m256i s[16], const uint8_t key[32],
                                           const uint8_t nonce[12], uint32_t counter) {
    uint32_t st[16];
    nc_chacha20_state(st, key, nonce, counter);
    for (int i = 0; i < 16; i++) {
        s[i] = _mm256_set1_epi32((int)st[i]);
    }
    s[12] = _mm256_add_epi32(s[12], _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    nc_chacha_wipe(st, sizeof st);
}

/* out = in ^ eight keystream blocks (512 bytes, as nc_chacha8_output lays
 * them out). */
NC_AVX2 static inline void nc_chacha8_xor(uint8_t *out, const uint8_t *in, const __m256i lo[8],
                                          const __m256i hi[8]) {
    for (int j = 0; j < 8; j++) {
        xor32(out + 64 * j, in + 64 * j, lo[j]);
        xor32(out + 64 * j + 32, in + 64 * j + 32, hi[j]);
    }
}

/* The last step of eight blocks: x[i] (word i of the eight blocks after
 * the rounds) plus the input s[i], transposed so that lo[j] and hi[j] are
 * the first and second 32 bytes of block j. */
NC_AVX2 static inline void nc_chacha8_output(const __m256i x[16], const __m256i s[16],
                                             __m256i lo[8], __m256i hi[8]) {
    __m256i a[8];
    for (int i = 0; i < 8; i++) {
        a[i] = _mm256_add_epi32(x[i], s[i]);
    }
    transpose8(a, lo);
    for (int i = 0; i < 8; i++) {
        a[i] = _mm256_add_epi32(x[8 + i], s[8 + i]);
    }
    transpose8(a, hi);
}

#endif

#endif
