/* ChaCha20 (RFC 8439 section 2.3/2.4), eight blocks at a time with AVX2.
 *
 * Lane j of vector x[i] holds word i of block counter+j, so the 20 rounds
 * are the scalar quarter-rounds on whole vectors; an 8x8 transpose of
 * 32-bit words then lays the eight keystream blocks out in order.  Rotations
 * by 16 and 8 are byte shuffles, by 12 and 7 shift pairs.  Data independent
 * throughout.
 */
#include "chacha.h"

#include "cpu.h"
#include "ct.h"

#if defined(__x86_64__)
#include "chacha_impl.h"

/* Eight keystream blocks, for the counters in the lanes of s[12]: lo[j]
 * and hi[j] are the first and second 32 bytes of block j. */
NC_AVX2 static void blocks8(const __m256i s[16], __m256i lo[8], __m256i hi[8]) {
    __m256i x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3];
    __m256i x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7];
    __m256i x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11];
    __m256i x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15];
    for (int i = 0; i < 10; i++) {
        QR2(x0, x4, x8, x12, x1, x5, x9, x13);
        QR2(x2, x6, x10, x14, x3, x7, x11, x15);
        QR2(x0, x5, x10, x15, x1, x6, x11, x12);
        QR2(x2, x7, x8, x13, x3, x4, x9, x14);
    }
    const __m256i x[16] = {x0, x1, x2, x3, x4, x5, x6, x7,
                           x8, x9, x10, x11, x12, x13, x14, x15};
    nc_chacha8_output(x, s, lo, hi);
}

/* Short inputs: the same rounds on whole rows instead of whole words.
 * Each 128-bit half of a row vector holds one row of one block, so the
 * four vectors a, b, c, d of a set hold two blocks, and one set per pair
 * of blocks runs the quarter-round on all four columns at once; between
 * column and diagonal rounds the b, c, d rows rotate by one, two and three
 * words.  Two sets (four blocks, 256 bytes of keystream) run interleaved,
 * which costs little more time than one. */
#define QRH(a, b, c, d)                                                     \
    do {                                                                    \
        a = _mm256_add_epi32(a, b); d = rotl16(_mm256_xor_si256(d, a));     \
        c = _mm256_add_epi32(c, d); b = ROTLV(_mm256_xor_si256(b, c), 12);  \
        a = _mm256_add_epi32(a, b); d = rotl8(_mm256_xor_si256(d, a));      \
        c = _mm256_add_epi32(c, d); b = ROTLV(_mm256_xor_si256(b, c), 7);   \
    } while (0)

#define DIAG(b, c, d)                                                       \
    do {                                                                    \
        b = _mm256_shuffle_epi32(b, 0x39);                                  \
        c = _mm256_shuffle_epi32(c, 0x4e);                                  \
        d = _mm256_shuffle_epi32(d, 0x93);                                  \
    } while (0)

#define UNDIAG(b, c, d)                                                     \
    do {                                                                    \
        b = _mm256_shuffle_epi32(b, 0x93);                                  \
        c = _mm256_shuffle_epi32(c, 0x4e);                                  \
        d = _mm256_shuffle_epi32(d, 0x39);                                  \
    } while (0)

/* The two blocks of a set as 128 bytes, in order. */
NC_AVX2 static inline void store_set(uint8_t *ks, __m256i a, __m256i b, __m256i c, __m256i d) {
    _mm256_storeu_si256((__m256i *)(void *)ks, _mm256_permute2x128_si256(a, b, 0x20));
    _mm256_storeu_si256((__m256i *)(void *)(ks + 32), _mm256_permute2x128_si256(c, d, 0x20));
    _mm256_storeu_si256((__m256i *)(void *)(ks + 64), _mm256_permute2x128_si256(a, b, 0x31));
    _mm256_storeu_si256((__m256i *)(void *)(ks + 96), _mm256_permute2x128_si256(c, d, 0x31));
}

NC_AVX2 void nc_chacha20_avx2_short(const uint8_t key[32], const uint8_t nonce[12],
                                    uint32_t counter, const uint8_t *in, uint8_t *out,
                                    size_t len) {
    uint32_t st[16];
    uint8_t ks[256];
    nc_chacha20_state(st, key, nonce, counter);
    const __m256i a0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)st));
    const __m256i b0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(st + 4)));
    const __m256i c0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(st + 8)));
    const __m256i d0 = _mm256_add_epi32(
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(st + 12))),
        _mm256_setr_epi32(0, 0, 0, 0, 1, 0, 0, 0));
    const __m256i two = _mm256_setr_epi32(2, 0, 0, 0, 2, 0, 0, 0);
    const __m256i d1 = _mm256_add_epi32(d0, two);
    __m256i a = a0, b = b0, c = c0, d = d0;
    __m256i e = a0, f = b0, g = c0, h = d1;
    for (int i = 0; i < 10; i++) {
        QRH(a, b, c, d);
        QRH(e, f, g, h);
        DIAG(b, c, d);
        DIAG(f, g, h);
        QRH(a, b, c, d);
        QRH(e, f, g, h);
        UNDIAG(b, c, d);
        UNDIAG(f, g, h);
    }
    store_set(ks, _mm256_add_epi32(a, a0), _mm256_add_epi32(b, b0), _mm256_add_epi32(c, c0),
              _mm256_add_epi32(d, d0));
    store_set(ks + 128, _mm256_add_epi32(e, a0), _mm256_add_epi32(f, b0),
              _mm256_add_epi32(g, c0), _mm256_add_epi32(h, d1));
    size_t i = 0;
    for (; i + 32 <= len; i += 32) {
        xor32(out + i, in + i, _mm256_loadu_si256((const __m256i *)(const void *)(ks + i)));
    }
    for (; i < len; i++) {
        out[i] = in[i] ^ ks[i];
    }
    nc_chacha_wipe(ks, sizeof ks);
    nc_chacha_wipe(st, sizeof st);
}

NC_AVX2 void nc_chacha20_avx2(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                              const uint8_t *in, uint8_t *out, size_t len) {
    __m256i s[16], lo[8], hi[8];
    nc_chacha8_init(s, key, nonce, counter);
    const __m256i eight = _mm256_set1_epi32(8);
    while (len >= 512) {
        blocks8(s, lo, hi);
        nc_chacha8_xor(out, in, lo, hi);
        s[12] = _mm256_add_epi32(s[12], eight);
        counter += 8;
        in += 512;
        out += 512;
        len -= 512;
    }
    if (len > 256) {
        /* Most of one more batch: run it and use what is needed. */
        uint8_t ks[512];
        blocks8(s, lo, hi);
        for (int j = 0; j < 8; j++) {
            _mm256_storeu_si256((__m256i *)(void *)(ks + 64 * j), lo[j]);
            _mm256_storeu_si256((__m256i *)(void *)(ks + 64 * j + 32), hi[j]);
        }
        for (size_t i = 0; i < len; i++) {
            out[i] = in[i] ^ ks[i];
        }
        nc_chacha_wipe(ks, sizeof ks);
    } else if (len > 0) {
        nc_chacha20_avx2_short(key, nonce, counter, in, out, len);
    }
    /* Clear key-derived vectors from the stack. */
    nc_chacha_wipe(s, sizeof s);
    nc_chacha_wipe(lo, sizeof lo);
    nc_chacha_wipe(hi, sizeof hi);
}

#else

void nc_chacha20_avx2_short(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                            const uint8_t *in, uint8_t *out, size_t len) {
    nc_chacha20_portable(key, nonce, counter, in, out, len);
}

void nc_chacha20_avx2(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                      const uint8_t *in, uint8_t *out, size_t len) {
    nc_chacha20_portable(key, nonce, counter, in, out, len);
}

#endif
