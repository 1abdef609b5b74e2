/* AES-GCM (NIST SP 800-38D) bulk loop with AES-NI and PCLMULQDQ: CTR
 * encryption of eight blocks stitched with the aggregated GHASH of eight
 * ciphertext blocks, so the AES and the carry-less multiply units work
 * side by side.  Sealing hashes the previous batch's ciphertext while the
 * current batch is encrypted; opening hashes the batch it decrypts.
 * Only whole 128-byte batches are done here; gcm.c does the rest.
 */
#include "gcm_impl.h"

#if defined(__x86_64__) || defined(__i386__)
#include "ghash_pclmul.h"

#define NI_PC __attribute__((target("aes,pclmul,sse2,ssse3,sse4.1")))
#define LOADU(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define STOREU(p, x) _mm_storeu_si128((__m128i *)(void *)(p), (x))

/* GCM's counter block with its 32-bit counter byte-reversed into the top
 * lane, so _mm_add_epi32 steps it modulo 2^32. */
NI_PC static inline __m128i rev32(__m128i x) {
    return _mm_shuffle_epi8(x, _mm_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
}

NI_PC static inline void counters(__m128i b[8], __m128i c, __m128i k0) {
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        b[j] = _mm_xor_si128(rev32(_mm_add_epi32(c, _mm_set_epi32(j, 0, 0, 0))), k0);
    }
}

#define AESENC8(b, k)                                   \
    do {                                                \
        _Pragma("GCC unroll 8") for (int j_ = 0; j_ < 8; j_++) b[j_] = _mm_aesenc_si128(b[j_], (k)); \
    } while (0)

/* One batch: AES of the counters in b (already whitened) while hashing
 * the eight blocks g (byte-reversed, g[0] already XORed with Y); returns
 * the new Y, leaves the keystream in b. */
NI_PC static inline __m128i batch(__m128i b[8], const __m128i g[8], const __m128i *kk,
                                  unsigned nr, const uint64_t *h) {
    nc_gacc a;
    nc_gh_zero(&a);
    _Pragma("GCC unroll 8")
    for (int r = 1; r <= 8; r++) {
        AESENC8(b, _mm_loadu_si128(kk + r));
        nc_gh_mul_acc(&a, g[r - 1], nc_gh_pow(h, 8 - r));
    }
    for (unsigned r = 9; r < nr; r++) {
        AESENC8(b, _mm_loadu_si128(kk + r));
    }
    __m128i kl = _mm_loadu_si128(kk + nr);
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        b[j] = _mm_aesenclast_si128(b[j], kl);
    }
    return nc_gh_reduce(&a);
}

NI_PC size_t nc_gcm_ni_seal_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                                    const uint8_t *in, uint8_t *out, size_t len) {
    if (len < 128) {
        return 0;
    }
    const __m128i *kk = (const __m128i *)(const void *)g->aes.rk;
    unsigned nr = g->aes.rounds;
    const __m128i k0 = _mm_loadu_si128(kk);
    const __m128i eight = _mm_set_epi32(8, 0, 0, 0);
    __m128i c = rev32(LOADU(ctr));
    __m128i acc = nc_gh_bswap(LOADU(y));
    __m128i b[8], prev[8];

    /* first batch: plain CTR */
    counters(b, c, k0);
    c = _mm_add_epi32(c, eight);
    for (unsigned r = 1; r < nr; r++) {
        AESENC8(b, _mm_loadu_si128(kk + r));
    }
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        __m128i x = _mm_xor_si128(_mm_aesenclast_si128(b[j], _mm_loadu_si128(kk + nr)),
                                  LOADU(in + 16 * j));
        STOREU(out + 16 * j, x);
        prev[j] = nc_gh_bswap(x);
    }
    size_t done = 128;

    for (; len - done >= 128; done += 128) {
        counters(b, c, k0);
        c = _mm_add_epi32(c, eight);
        prev[0] = _mm_xor_si128(prev[0], acc);
        acc = batch(b, prev, kk, nr, g->h);
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            __m128i x = _mm_xor_si128(b[j], LOADU(in + done + 16 * j));
            STOREU(out + done + 16 * j, x);
            prev[j] = nc_gh_bswap(x);
        }
    }

    /* hash the last batch */
    nc_gacc a;
    nc_gh_zero(&a);
    prev[0] = _mm_xor_si128(prev[0], acc);
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        nc_gh_mul_acc(&a, prev[j], nc_gh_pow(g->h, 7 - j));
    }
    acc = nc_gh_reduce(&a);

    STOREU(y, nc_gh_bswap(acc));
    STOREU(ctr, rev32(c));
    return done;
}

NI_PC size_t nc_gcm_ni_open_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                                    const uint8_t *in, uint8_t *out, size_t len) {
    const __m128i *kk = (const __m128i *)(const void *)g->aes.rk;
    unsigned nr = g->aes.rounds;
    const __m128i k0 = _mm_loadu_si128(kk);
    const __m128i eight = _mm_set_epi32(8, 0, 0, 0);
    __m128i c = rev32(LOADU(ctr));
    __m128i acc = nc_gh_bswap(LOADU(y));
    size_t done = 0;
    for (; len - done >= 128; done += 128) {
        __m128i b[8], cin[8], gin[8];
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            cin[j] = LOADU(in + done + 16 * j);
            gin[j] = nc_gh_bswap(cin[j]);
        }
        gin[0] = _mm_xor_si128(gin[0], acc);
        counters(b, c, k0);
        c = _mm_add_epi32(c, eight);
        acc = batch(b, gin, kk, nr, g->h);
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            STOREU(out + done + 16 * j, _mm_xor_si128(b[j], cin[j]));
        }
    }
    STOREU(y, nc_gh_bswap(acc));
    STOREU(ctr, rev32(c));
    return done;
}

#else

size_t nc_gcm_ni_seal_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                              const uint8_t *in, uint8_t *out, size_t len) { return 0; }
size_t nc_gcm_ni_open_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                              const uint8_t *in, uint8_t *out, size_t len) { return 0; }

#endif
