/* AES-GCM (NIST SP 800-38D) bulk loop with VAES and VPCLMULQDQ on 256-bit
 * registers (two blocks per instruction): sixteen blocks of CTR per loop
 * stitched with the aggregated GHASH of sixteen blocks (powers H^16..H^1
 * paired per register, lanes summed before one reduction).  Same shape as
 * gcm_ni.c; whole 256-byte batches only.  Chosen at key setup when the CPU
 * has VAES, VPCLMULQDQ and AVX2 (and nc_gcm_allow_wide has not turned it
 * off).  Valgrind cannot execute VAES, so `make ct` covers the 128-bit
 * loop instead; this one has the same branch structure (lengths only).
 */
#include "gcm_impl.h"

#if defined(__x86_64__)
#include "ghash_pclmul.h"

#define VX __attribute__((target("aes,pclmul,vaes,vpclmulqdq,avx2,avx,sse4.1,ssse3")))
#define LOADU(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define STOREU(p, x) _mm_storeu_si128((__m128i *)(void *)(p), (x))
#define LOADU2(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define STOREU2(p, x) _mm256_storeu_si256((__m256i *)(void *)(p), (x))

VX static inline __m256i rev32x2(__m256i x) {
    const __m256i m = _mm256_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
                                      12, 13, 14, 15, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    return _mm256_shuffle_epi8(x, m);
}

VX static inline __m256i bswapx2(__m256i x) {
    const __m256i m = _mm256_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    return _mm256_shuffle_epi8(x, m);
}

VX static inline __m256i rkey(const __m128i *kk, unsigned r) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(kk + r));
}

typedef struct {
    __m256i lo, mid, hi;
} gacc2;

/* Karatsuba per lane, as nc_gh_mul_acc (hk: the lanes' lo ^ hi keys). */
VX static inline void mul_acc2(gacc2 *a, __m256i x, __m256i h, __m256i hk) {
    a->lo = _mm256_xor_si256(a->lo, _mm256_clmulepi64_epi128(x, h, 0x00));
    a->hi = _mm256_xor_si256(a->hi, _mm256_clmulepi64_epi128(x, h, 0x11));
    __m256i xk = _mm256_xor_si256(x, _mm256_shuffle_epi32(x, 0x4E));
    a->mid = _mm256_xor_si256(a->mid, _mm256_clmulepi64_epi128(xk, hk, 0x00));
}

VX static inline __m128i fold_lanes(__m256i v) {
    return _mm_xor_si128(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

VX static inline __m128i reduce2(const gacc2 *a) {
    nc_gacc n;
    n.lo = fold_lanes(a->lo);
    n.mid = fold_lanes(a->mid);
    n.hi = fold_lanes(a->hi);
    return nc_gh_reduce(&n);
}

/* pair i of the reversed table: [H^(16-2i), H^(15-2i)], and their keys */
VX static inline __m256i hpair(const uint64_t *h, int i) {
    return LOADU2(h + NC_GCM_HREV16 + 4 * i);
}

VX static inline __m256i kpair(const uint64_t *h, int i) {
    return LOADU2(h + NC_GCM_KREV16 + 4 * i);
}

/* Sixteen counters (eight registers) from the byte-reversed counter c. */
VX static inline void counters16(__m256i b[8], __m256i c2, __m256i k0) {
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        __m256i step = _mm256_set_epi32(2 * i, 0, 0, 0, 2 * i, 0, 0, 0);
        b[i] = _mm256_xor_si256(rev32x2(_mm256_add_epi32(c2, step)), k0);
    }
}

#define VAESENC8(b, k)                                                   \
    do {                                                                 \
        _Pragma("GCC unroll 8") for (int j_ = 0; j_ < 8; j_++)           \
            b[j_] = _mm256_aesenc_epi128(b[j_], (k));                    \
    } while (0)

/* AES rounds 1..nr on b while hashing the sixteen blocks in g (g[0]
 * already carries Y in its low lane); returns the new Y. */
VX static inline __m128i batch16(__m256i b[8], const __m256i g[8], const __m128i *kk,
                                 unsigned nr, const uint64_t *h) {
    gacc2 a;
    a.lo = a.mid = a.hi = _mm256_setzero_si256();
    _Pragma("GCC unroll 8")
    for (int r = 1; r <= 8; r++) {
        VAESENC8(b, rkey(kk, (unsigned)r));
        mul_acc2(&a, g[r - 1], hpair(h, r - 1), kpair(h, r - 1));
    }
    for (unsigned r = 9; r < nr; r++) {
        VAESENC8(b, rkey(kk, r));
    }
    __m256i kl = rkey(kk, nr);
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        b[j] = _mm256_aesenclast_epi128(b[j], kl);
    }
    return reduce2(&a);
}

VX size_t nc_gcm_vaes_seal_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                                   const uint8_t *in, uint8_t *out, size_t len) {
    if (len < 256) {
        return 0;
    }
    const __m128i *kk = (const __m128i *)(const void *)g->aes.rk;
    unsigned nr = g->aes.rounds;
    const __m256i k0 = rkey(kk, 0);
    const __m256i sixteen = _mm256_set_epi32(16, 0, 0, 0, 16, 0, 0, 0);
    __m128i c = _mm_shuffle_epi8(LOADU(ctr), _mm_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6,
                                                           5, 4, 3, 2, 1, 0));
    __m256i c2 = _mm256_add_epi32(_mm256_broadcastsi128_si256(c),
                                  _mm256_set_epi32(1, 0, 0, 0, 0, 0, 0, 0));
    __m128i acc = nc_gh_bswap(LOADU(y));
    __m256i b[8], prev[8];

    counters16(b, c2, k0);
    c2 = _mm256_add_epi32(c2, sixteen);
    for (unsigned r = 1; r < nr; r++) {
        VAESENC8(b, rkey(kk, r));
    }
    __m256i kl = rkey(kk, nr);
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        __m256i x = _mm256_xor_si256(_mm256_aesenclast_epi128(b[j], kl), LOADU2(in + 32 * j));
        STOREU2(out + 32 * j, x);
        prev[j] = bswapx2(x);
    }
    size_t done = 256;

    for (; len - done >= 256; done += 256) {
        counters16(b, c2, k0);
        c2 = _mm256_add_epi32(c2, sixteen);
        prev[0] = _mm256_xor_si256(prev[0], _mm256_zextsi128_si256(acc));
        acc = batch16(b, prev, kk, nr, g->h);
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            __m256i x = _mm256_xor_si256(b[j], LOADU2(in + done + 32 * j));
            STOREU2(out + done + 32 * j, x);
            prev[j] = bswapx2(x);
        }
    }

    gacc2 a;
    a.lo = a.mid = a.hi = _mm256_setzero_si256();
    prev[0] = _mm256_xor_si256(prev[0], _mm256_zextsi128_si256(acc));
    _Pragma("GCC unroll 8")
    for (int j = 0; j < 8; j++) {
        mul_acc2(&a, prev[j], hpair(g->h, j), kpair(g->h, j));
    }
    acc = reduce2(&a);

    STOREU(y, nc_gh_bswap(acc));
    STOREU(ctr, _mm256_castsi256_si128(rev32x2(c2)));
    return done;
}

VX size_t nc_gcm_vaes_open_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                                   const uint8_t *in, uint8_t *out, size_t len) {
    const __m128i *kk = (const __m128i *)(const void *)g->aes.rk;
    unsigned nr = g->aes.rounds;
    const __m256i k0 = rkey(kk, 0);
    const __m256i sixteen = _mm256_set_epi32(16, 0, 0, 0, 16, 0, 0, 0);
    __m128i c = _mm_shuffle_epi8(LOADU(ctr), _mm_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6,
                                                           5, 4, 3, 2, 1, 0));
    __m256i c2 = _mm256_add_epi32(_mm256_broadcastsi128_si256(c),
                                  _mm256_set_epi32(1, 0, 0, 0, 0, 0, 0, 0));
    __m128i acc = nc_gh_bswap(LOADU(y));
    size_t done = 0;
    for (; len - done >= 256; done += 256) {
        __m256i b[8], cin[8], gin[8];
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            cin[j] = LOADU2(in + done + 32 * j);
            gin[j] = bswapx2(cin[j]);
        }
        gin[0] = _mm256_xor_si256(gin[0], _mm256_zextsi128_si256(acc));
        counters16(b, c2, k0);
        c2 = _mm256_add_epi32(c2, sixteen);
        acc = batch16(b, gin, kk, nr, g->h);
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            STOREU2(out + done + 32 * j, _mm256_xor_si256(b[j], cin[j]));
        }
    }
    STOREU(y, nc_gh_bswap(acc));
    STOREU(ctr, _mm256_castsi256_si128(rev32x2(c2)));
    return done;
}

#else

size_t nc_gcm_vaes_seal_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                                const uint8_t *in, uint8_t *out, size_t len) { return 0; }
size_t nc_gcm_vaes_open_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                                const uint8_t *in, uint8_t *out, size_t len) { return 0; }

#endif
