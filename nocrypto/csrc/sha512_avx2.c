/* SHA-384/512 compression (FIPS 180-4 section 6.4.2) with the message
 * schedule computed by AVX2 for two blocks at once.
 *
 * Each 256-bit vector holds two consecutive schedule words of block A in
 * its low 128-bit lane and the same two words of block B in its high lane.
 * Two words at a time need no intra-vector dependency: W[t] and W[t+1]
 * use W[t-2] and W[t-1], the previous vector.  W[t-7..t-6] and
 * W[t-15..t-14] straddle two vectors and come from a per-lane ALIGNR.  The
 * schedule plus round constants is stored, and the scalar rounds of both
 * blocks then read it, so the round code carries no schedule work; the
 * next pair's schedule is computed between the rounds of the current pair's
 * first block, where the latency-bound rounds leave issue slots free.
 *
 * Chosen per context at init when the CPU has AVX2 (nc_sha512_avx2_usable);
 * valgrind shows AVX2, so the ct harness covers this path too.
 */
#include "cpu.h"
#include "hash.h"

#if defined(__x86_64__)
#include <immintrin.h>

extern const uint64_t nc_sha512_k[80];

#define NC_AVX2 __attribute__((target("avx2")))

static inline uint64_t ror64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define BSIG0(x) (ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39))
#define BSIG1(x) (ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41))

#define ROUND(a, b, c, d, e, f, g, h, i)                          \
    do {                                                          \
        uint64_t t1 = h + BSIG1(e) + CH(e, f, g) + wk[i];         \
        uint64_t ab = (a) ^ (b);                                          \
        uint64_t t2 = BSIG0(a) + ((b) ^ (ab & bc));                       \
        bc = ab;                    \
        d += t1;                                                  \
        h = t1 + t2;                                              \
    } while (0)

NC_AVX2 static inline void rounds(uint64_t st[8], const uint64_t wk[80]) {
    uint64_t a = st[0], b = st[1], c = st[2], d = st[3];
    uint64_t e = st[4], f = st[5], g = st[6], h = st[7];
    uint64_t bc = b ^ c; /* Maj(a,b,c) = b ^ ((a^b) & (b^c)); b^c is last round's a^b */
    for (int i = 0; i < 80; i += 8) {
        ROUND(a, b, c, d, e, f, g, h, i);
        ROUND(h, a, b, c, d, e, f, g, i + 1);
        ROUND(g, h, a, b, c, d, e, f, i + 2);
        ROUND(f, g, h, a, b, c, d, e, i + 3);
        ROUND(e, f, g, h, a, b, c, d, i + 4);
        ROUND(d, e, f, g, h, a, b, c, i + 5);
        ROUND(c, d, e, f, g, h, a, b, i + 6);
        ROUND(b, c, d, e, f, g, h, a, i + 7);
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
    st[4] += e;
    st[5] += f;
    st[6] += g;
    st[7] += h;
}

NC_AVX2 static inline __m256i vror(__m256i x, int n) {
    return _mm256_or_si256(_mm256_srli_epi64(x, n), _mm256_slli_epi64(x, 64 - n));
}

/* Schedule vector i >= 8 (words 2i, 2i+1 of both blocks) from w[i-8..i-1]. */
NC_AVX2 static inline __m256i next_w(const __m256i *w, int i) {
    __m256i m2 = w[i - 1];                                   /* W[t-2], W[t-1] */
    __m256i m7 = _mm256_alignr_epi8(w[i - 3], w[i - 4], 8);  /* W[t-7], W[t-6] */
    __m256i m15 = _mm256_alignr_epi8(w[i - 7], w[i - 8], 8); /* W[t-15], W[t-14] */
    __m256i s1 = _mm256_xor_si256(_mm256_xor_si256(vror(m2, 19), vror(m2, 61)),
                                  _mm256_srli_epi64(m2, 6));
    __m256i s0 = _mm256_xor_si256(_mm256_xor_si256(vror(m15, 1), vror(m15, 8)),
                                  _mm256_srli_epi64(m15, 7));
    return _mm256_add_epi64(_mm256_add_epi64(w[i - 8], s0), _mm256_add_epi64(m7, s1));
}

/* wa[2i..2i+1] and wb[2i..2i+1] = schedule vector i plus the constants. */
NC_AVX2 static inline void store_wk(__m256i v, int i, uint64_t *wa, uint64_t *wb) {
    __m128i k = _mm_loadu_si128((const __m128i *)(const void *)(nc_sha512_k + 2 * i));
    v = _mm256_add_epi64(v, _mm256_broadcastsi128_si256(k));
    _mm_storeu_si128((__m128i *)(void *)(wa + 2 * i), _mm256_castsi256_si128(v));
    _mm_storeu_si128((__m128i *)(void *)(wb + 2 * i), _mm256_extracti128_si256(v, 1));
}

NC_AVX2 static inline void load8(__m256i *w, const uint8_t *pa, const uint8_t *pb) {
    const __m256i bswap = _mm256_set_epi64x(0x08090a0b0c0d0e0fll, 0x0001020304050607ll,
                                            0x08090a0b0c0d0e0fll, 0x0001020304050607ll);
    for (int i = 0; i < 8; i++) {
        __m128i lo = _mm_loadu_si128((const __m128i *)(const void *)(pa + 16 * i));
        __m128i hi = _mm_loadu_si128((const __m128i *)(const void *)(pb + 16 * i));
        w[i] = _mm256_shuffle_epi8(_mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1),
                                   bswap);
    }
}

/* The schedule + constants of blocks pa and pb: wa[t], wb[t] for t < 80. */
NC_AVX2 static void schedule2(const uint8_t *pa, const uint8_t *pb, uint64_t wa[80],
                              uint64_t wb[80]) {
    __m256i w[40];
    load8(w, pa, pb);
    for (int i = 8; i < 40; i++) {
        w[i] = next_w(w, i);
    }
    for (int i = 0; i < 40; i++) {
        store_wk(w[i], i, wa, wb);
    }
}

/* The rounds of one block (wk) while the schedule of the next pair (pa, pb
 * into wa, wb) is computed in between: the scalar rounds are bound by
 * their dependency chain, so the vector work fills idle issue slots. */
NC_AVX2 static void rounds_and_schedule(uint64_t st[8], const uint64_t wk[80],
                                        const uint8_t *pa, const uint8_t *pb,
                                        uint64_t wa[80], uint64_t wb[80]) {
    __m256i w[40];
    load8(w, pa, pb);
    for (int i = 0; i < 8; i++) {
        store_wk(w[i], i, wa, wb);
    }
    uint64_t a = st[0], b = st[1], c = st[2], d = st[3];
    uint64_t e = st[4], f = st[5], g = st[6], h = st[7];
    uint64_t bc = b ^ c;
    for (int i = 0; i < 80; i += 8) {
        ROUND(a, b, c, d, e, f, g, h, i);
        ROUND(h, a, b, c, d, e, f, g, i + 1);
        ROUND(g, h, a, b, c, d, e, f, i + 2);
        ROUND(f, g, h, a, b, c, d, e, i + 3);
        if (i < 64) {
            int v = 8 + i / 2;
            w[v] = next_w(w, v);
            store_wk(w[v], v, wa, wb);
            w[v + 1] = next_w(w, v + 1);
            store_wk(w[v + 1], v + 1, wa, wb);
        }
        ROUND(e, f, g, h, a, b, c, d, i + 4);
        ROUND(d, e, f, g, h, a, b, c, i + 5);
        ROUND(c, d, e, f, g, h, a, b, i + 6);
        ROUND(b, c, d, e, f, g, h, a, i + 7);
        if (i < 64) {
            int v = 10 + i / 2;
            w[v] = next_w(w, v);
            store_wk(w[v], v, wa, wb);
            w[v + 1] = next_w(w, v + 1);
            store_wk(w[v + 1], v + 1, wa, wb);
        }
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
    st[4] += e;
    st[5] += f;
    st[6] += g;
    st[7] += h;
}

NC_AVX2
void nc_sha512_blocks_avx2(uint64_t st[8], const uint8_t *p, size_t nblocks) {
    uint64_t wa[2][80], wb[2][80];
    int cur = 0;
    if (nblocks == 0) {
        return;
    }
    /* Schedules of the current pair are in wa/wb[cur]; a lone last block
     * is scheduled as a pair with itself. */
    schedule2(p, nblocks >= 2 ? p + 128 : p, wa[cur], wb[cur]);
    while (nblocks >= 2) {
        const uint8_t *next = p + 256;
        size_t rest = nblocks - 2;
        if (rest > 0) {
            rounds_and_schedule(st, wa[cur], next, rest >= 2 ? next + 128 : next, wa[cur ^ 1],
                                wb[cur ^ 1]);
        } else {
            rounds(st, wa[cur]);
        }
        rounds(st, wb[cur]);
        cur ^= 1;
        p = next;
        nblocks = rest;
    }
    if (nblocks) {
        rounds(st, wa[cur]);
    }
}

int nc_sha512_avx2_usable(void) { return (nc_cpu_features() & NC_CPU_AVX2) != 0; }

#else

void nc_sha512_blocks_avx2(uint64_t st[8], const uint8_t *p, size_t nblocks) {
    nc_sha512_blocks_portable(st, p, nblocks);
}

int nc_sha512_avx2_usable(void) { return 0; }

#endif
