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
        nc_gh_mul_acc(&a, g[r - 1], nc_gh_pow(h, 8 - r), nc_gh_kpow(h, 8 - r));
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
        nc_gh_mul_acc(&a, prev[j], nc_gh_pow(g->h, 7 - j), nc_gh_kpow(g->h, 7 - j));
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

/* buf[0..len) ^= ks[0..len); full = len rounded down to 16.  Bytes past
 * len are left alone (they stay zero for hashing). */
NI_PC static inline void xor_into(uint8_t *buf, const uint8_t *ks, size_t len, size_t full) {
    for (size_t i = 0; i < full; i += 16) {
        STOREU(buf + i, _mm_xor_si128(LOADU(buf + i), LOADU(ks + i)));
    }
    for (size_t i = full; i < len; i++) {
        buf[i] ^= ks[i];
    }
}

/* The end of a message: the last len < 128 bytes, E(J0) and the length
 * block together.  Nine AES blocks run side by side (eight counters and
 * J0) and the tail's blocks plus the length block are hashed with one
 * reduction (powers up to H^9).  Writes the tag; when opening, the
 * ciphertext is hashed before it is decrypted (in place is fine). */
NI_PC void nc_gcm_ni_final(const nc_gcm_key *g, const uint8_t ctr[16], const uint8_t j0[16],
                           const uint8_t y[16], const uint8_t *in, uint8_t *out, size_t len,
                           uint64_t alen, uint64_t clen, int open, uint8_t tag[16]) {
    const __m128i *kk = (const __m128i *)(const void *)g->aes.rk;
    unsigned nr = g->aes.rounds;
    const __m128i k0 = _mm_loadu_si128(kk);
    __m128i c = rev32(LOADU(ctr));
    __m128i b[9];
    size_t nb = (len + 15) / 16, full = len & ~(size_t)15;
    uint8_t buf[128];
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        STOREU(buf + 16 * j, _mm_setzero_si128());
    }
    for (size_t i = 0; i < full; i += 16) {
        STOREU(buf + i, LOADU(in + i));
    }
    for (size_t i = full; i < len; i++) {
        buf[i] = in[i];
    }
    counters(b, c, k0);
    b[8] = _mm_xor_si128(LOADU(j0), k0);
    for (unsigned r = 1; r < nr; r++) {
        __m128i k = _mm_loadu_si128(kk + r);
        _Pragma("GCC unroll 9")
        for (int j = 0; j < 9; j++) {
            b[j] = _mm_aesenc_si128(b[j], k);
        }
    }
    __m128i kl = _mm_loadu_si128(kk + nr);
    _Pragma("GCC unroll 9")
    for (int j = 0; j < 9; j++) {
        b[j] = _mm_aesenclast_si128(b[j], kl);
    }
    uint8_t ks[128];
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        STOREU(ks + 16 * j, b[j]);
    }
    if (!open) {
        xor_into(buf, ks, len, full);
    }
    /* hash: (Y ^ X1) H^m ^ ... ^ Xn H^2 ^ L H, m = nb + 1 */
    nc_gacc a;
    nc_gh_zero(&a);
    __m128i acc = nc_gh_bswap(LOADU(y));
    for (size_t j = 0; j < nb; j++) {
        __m128i x = nc_gh_bswap(LOADU(buf + 16 * j));
        if (j == 0) {
            x = _mm_xor_si128(x, acc);
        }
        nc_gh_mul_acc(&a, x, nc_gh_pow(g->h, (int)(nb - j)), nc_gh_kpow(g->h, (int)(nb - j)));
    }
    __m128i lens = _mm_set_epi64x((long long)(alen * 8), (long long)(clen * 8));
    if (nb == 0) {
        lens = _mm_xor_si128(lens, acc);
    }
    nc_gh_mul_acc(&a, lens, nc_gh_pow(g->h, 0), nc_gh_kpow(g->h, 0));
    acc = nc_gh_reduce(&a);
    if (open) {
        xor_into(buf, ks, len, full);
    }
    for (size_t i = 0; i < full; i += 16) {
        STOREU(out + i, LOADU(buf + i));
    }
    for (size_t i = full; i < len; i++) {
        out[i] = buf[i];
    }
    STOREU(tag, _mm_xor_si128(b[8], nc_gh_bswap(acc)));
    /* wipe keystream and plaintext copies */
    __m128i z = _mm_setzero_si128();
    for (int j = 0; j < 8; j++) {
        STOREU(ks + 16 * j, z);
        STOREU(buf + 16 * j, z);
    }
    __asm__ volatile("" : : "r"(ks), "r"(buf) : "memory");
}

#else

size_t nc_gcm_ni_seal_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                              const uint8_t *in, uint8_t *out, size_t len) { return 0; }
size_t nc_gcm_ni_open_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                              const uint8_t *in, uint8_t *out, size_t len) { return 0; }
void nc_gcm_ni_final(const nc_gcm_key *g, const uint8_t ctr[16], const uint8_t j0[16],
                     const uint8_t y[16], const uint8_t *in, uint8_t *out, size_t len,
                     uint64_t alen, uint64_t clen, int open, uint8_t tag[16]) {}

#endif
