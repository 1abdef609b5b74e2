/* ChaCha20 (RFC 8439 section 2.3/2.4), four blocks at a time with SSSE3.
 *
 * The 128-bit sibling of chacha20_avx2.c: lane j of x[i] holds word i of
 * block counter+j; a 4x4 transpose of 32-bit words per group of four words
 * lays the keystream out.  It serves short inputs (up to four blocks cost
 * about as much as one scalar block) and the AVX2 path's tails.  Data
 * independent throughout.
 */
#include "chacha.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define NC_SSSE3 __attribute__((target("ssse3")))

NC_SSSE3 static inline __m128i rotl16(__m128i v) {
    return _mm_shuffle_epi8(v, _mm_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
}

NC_SSSE3 static inline __m128i rotl8(__m128i v) {
    return _mm_shuffle_epi8(v, _mm_setr_epi8(3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14));
}

#define ROTLV(v, n) _mm_or_si128(_mm_slli_epi32((v), (n)), _mm_srli_epi32((v), 32 - (n)))

#define QRV(a, b, c, d)                                                      \
    do {                                                                     \
        a = _mm_add_epi32(a, b); d = _mm_xor_si128(d, a); d = rotl16(d);    \
        c = _mm_add_epi32(c, d); b = _mm_xor_si128(b, c); b = ROTLV(b, 12); \
        a = _mm_add_epi32(a, b); d = _mm_xor_si128(d, a); d = rotl8(d);     \
        c = _mm_add_epi32(c, d); b = _mm_xor_si128(b, c); b = ROTLV(b, 7);  \
    } while (0)

/* Four keystream blocks (256 bytes, block j at ks + 64 j) for counters
 * s[12] lanes. */
NC_SSSE3 static void blocks4(const __m128i s[16], uint8_t ks[256]) {
    __m128i x[16];
    for (int i = 0; i < 16; i++) {
        x[i] = s[i];
    }
    for (int i = 0; i < 10; i++) {
        QRV(x[0], x[4], x[8], x[12]);
        QRV(x[1], x[5], x[9], x[13]);
        QRV(x[2], x[6], x[10], x[14]);
        QRV(x[3], x[7], x[11], x[15]);
        QRV(x[0], x[5], x[10], x[15]);
        QRV(x[1], x[6], x[11], x[12]);
        QRV(x[2], x[7], x[8], x[13]);
        QRV(x[3], x[4], x[9], x[14]);
    }
    for (int g = 0; g < 4; g++) {
        __m128i a0 = _mm_add_epi32(x[4 * g], s[4 * g]);
        __m128i a1 = _mm_add_epi32(x[4 * g + 1], s[4 * g + 1]);
        __m128i a2 = _mm_add_epi32(x[4 * g + 2], s[4 * g + 2]);
        __m128i a3 = _mm_add_epi32(x[4 * g + 3], s[4 * g + 3]);
        __m128i t0 = _mm_unpacklo_epi32(a0, a1);
        __m128i t1 = _mm_unpackhi_epi32(a0, a1);
        __m128i t2 = _mm_unpacklo_epi32(a2, a3);
        __m128i t3 = _mm_unpackhi_epi32(a2, a3);
        _mm_storeu_si128((__m128i *)(void *)(ks + 16 * g), _mm_unpacklo_epi64(t0, t2));
        _mm_storeu_si128((__m128i *)(void *)(ks + 64 + 16 * g), _mm_unpackhi_epi64(t0, t2));
        _mm_storeu_si128((__m128i *)(void *)(ks + 128 + 16 * g), _mm_unpacklo_epi64(t1, t3));
        _mm_storeu_si128((__m128i *)(void *)(ks + 192 + 16 * g), _mm_unpackhi_epi64(t1, t3));
    }
}

NC_SSSE3 void nc_chacha20_ssse3(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                                const uint8_t *in, uint8_t *out, size_t len) {
    uint32_t st[16];
    __m128i s[16];
    uint8_t ks[256];
    nc_chacha20_state(st, key, nonce, counter);
    for (int i = 0; i < 16; i++) {
        s[i] = _mm_set1_epi32((int)st[i]);
    }
    s[12] = _mm_add_epi32(s[12], _mm_setr_epi32(0, 1, 2, 3));
    const __m128i four = _mm_set1_epi32(4);
    while (len > 0) {
        blocks4(s, ks);
        size_t n = len < 256 ? len : 256;
        size_t i = 0;
        for (; i + 16 <= n; i += 16) {
            __m128i m = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
            __m128i k = _mm_loadu_si128((const __m128i *)(const void *)(ks + i));
            _mm_storeu_si128((__m128i *)(void *)(out + i), _mm_xor_si128(m, k));
        }
        for (; i < n; i++) {
            out[i] = in[i] ^ ks[i];
        }
        s[12] = _mm_add_epi32(s[12], four);
        in += n;
        out += n;
        len -= n;
    }
    nc_chacha_wipe(ks, sizeof ks);
    nc_chacha_wipe(s, sizeof s);
    nc_chacha_wipe(st, sizeof st);
}

#else

void nc_chacha20_ssse3(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                       const uint8_t *in, uint8_t *out, size_t len) {
    nc_chacha20_portable(key, nonce, counter, in, out, len);
}

#endif
