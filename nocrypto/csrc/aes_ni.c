/* AES (FIPS 197) with the Intel AES-NI instructions (Intel white paper
 * "Advanced Encryption Standard (AES) New Instructions Set", Gueron 2010):
 * ECB, CTR and CBC-decrypt run eight independent blocks per loop so the
 * AESENC/AESDEC pipeline stays full; CBC encryption is serial by nature.
 * Decryption uses the equivalent inverse cipher (AESIMC'd round keys).
 * Compiled for every x86-64 build; only called when CPUID reports AES-NI.
 */
#include "aes_impl.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>

#include "ct.h"

#define NI __attribute__((target("aes,sse2,ssse3,sse4.1")))

static inline const __m128i *ekeys(const nc_aes_key *k) { return (const __m128i *)(const void *)k->rk; }
static inline const __m128i *dkeys(const nc_aes_key *k) { return (const __m128i *)(const void *)(k->rk + 30); }

/* FIPS 197 section 5.2 key expansion with AESKEYGENASSIST doing SubWord
 * (and RotWord) on one word at a time: the word sits in lanes 1 and 3,
 * lane 0 of the result is SubWord(w) and lane 1 is RotWord(SubWord(w)),
 * with Rcon (public) added here.  Same output as nc_aes_ct_schedule, about
 * twenty times faster (it runs on every Fortuna rekey). */
NI static uint32_t ni_subword(uint32_t w, int rot) {
    __m128i x = _mm_set_epi32((int)w, 0, (int)w, 0);
    __m128i r = _mm_aeskeygenassist_si128(x, 0);
    return (uint32_t)_mm_cvtsi128_si32(rot ? _mm_shuffle_epi32(r, 0x55) : r);
}

NI unsigned nc_aes_ni_schedule(uint8_t rk[240], const uint8_t *key, size_t keylen) {
    unsigned nk, rounds;
    if (keylen == 16) {
        rounds = 10;
    } else if (keylen == 24) {
        rounds = 12;
    } else if (keylen == 32) {
        rounds = 14;
    } else {
        return 0;
    }
    nk = (unsigned)keylen / 4;
    uint32_t w[60], rcon = 1;
    for (unsigned i = 0; i < nk; i++) w[i] = nc_load_le32(key + 4 * i);
    for (unsigned i = nk; i < 4 * (rounds + 1); i++) {
        uint32_t t = w[i - 1];
        if (i % nk == 0) {
            t = ni_subword(t, 1) ^ rcon;
            rcon = (rcon << 1) ^ (0x11b & (0u - (rcon >> 7)));
        } else if (nk == 8 && i % 8 == 4) {
            t = ni_subword(t, 0);
        }
        w[i] = w[i - nk] ^ t;
    }
    for (unsigned i = 0; i < 4 * (rounds + 1); i++) nc_store_le32(rk + 4 * i, w[i]);
    nc_ct_wipe(w, sizeof w);
    return rounds;
}

NI void nc_aes_ni_setup(nc_aes_key *k, const uint8_t *rk, unsigned rounds) {
    __m128i *ek = (__m128i *)(void *)k->rk;
    __m128i *dk = (__m128i *)(void *)(k->rk + 30);
    for (unsigned r = 0; r <= rounds; r++) {
        _mm_storeu_si128(ek + r, _mm_loadu_si128((const __m128i *)(const void *)(rk + 16 * r)));
    }
    _mm_storeu_si128(dk, _mm_loadu_si128(ek + rounds));
    for (unsigned r = 1; r < rounds; r++) {
        _mm_storeu_si128(dk + r, _mm_aesimc_si128(_mm_loadu_si128(ek + rounds - r)));
    }
    _mm_storeu_si128(dk + rounds, _mm_loadu_si128(ek));
    k->rounds = rounds;
    k->path = NC_AES_PATH_NI;
}

#define LOADU(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define STOREU(p, x) _mm_storeu_si128((__m128i *)(void *)(p), (x))

/* Encrypt (dir = 0) or decrypt eight blocks in b[] with the keys in kk. */
#define ROUNDS8(b, kk, nr, enc, last)                              \
    do {                                                           \
        __m128i k_ = _mm_loadu_si128(kk);                          \
        _Pragma("GCC unroll 8") for (int j_ = 0; j_ < 8; j_++) b[j_] = _mm_xor_si128(b[j_], k_); \
        for (unsigned r_ = 1; r_ < (nr); r_++) {                  \
            k_ = _mm_loadu_si128((kk) + r_);                       \
            _Pragma("GCC unroll 8") for (int j_ = 0; j_ < 8; j_++) b[j_] = enc(b[j_], k_); \
        }                                                          \
        k_ = _mm_loadu_si128((kk) + (nr));                         \
        _Pragma("GCC unroll 8") for (int j_ = 0; j_ < 8; j_++) b[j_] = last(b[j_], k_);   \
    } while (0)

NI static inline __m128i enc1(const __m128i *kk, unsigned nr, __m128i x) {
    x = _mm_xor_si128(x, _mm_loadu_si128(kk));
    for (unsigned r = 1; r < nr; r++) {
        x = _mm_aesenc_si128(x, _mm_loadu_si128(kk + r));
    }
    return _mm_aesenclast_si128(x, _mm_loadu_si128(kk + nr));
}

NI static inline __m128i dec1(const __m128i *kk, unsigned nr, __m128i x) {
    x = _mm_xor_si128(x, _mm_loadu_si128(kk));
    for (unsigned r = 1; r < nr; r++) {
        x = _mm_aesdec_si128(x, _mm_loadu_si128(kk + r));
    }
    return _mm_aesdeclast_si128(x, _mm_loadu_si128(kk + nr));
}

NI void nc_aes_ni_ecb_enc(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks) {
    const __m128i *kk = ekeys(k);
    unsigned nr = k->rounds;
    for (; nblocks >= 8; nblocks -= 8, in += 128, out += 128) {
        __m128i b[8];
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) b[j] = LOADU(in + 16 * j);
        ROUNDS8(b, kk, nr, _mm_aesenc_si128, _mm_aesenclast_si128);
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) STOREU(out + 16 * j, b[j]);
    }
    for (; nblocks > 0; nblocks--, in += 16, out += 16) {
        STOREU(out, enc1(kk, nr, LOADU(in)));
    }
}

NI void nc_aes_ni_ecb_dec(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks) {
    const __m128i *kk = dkeys(k);
    unsigned nr = k->rounds;
    for (; nblocks >= 8; nblocks -= 8, in += 128, out += 128) {
        __m128i b[8];
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) b[j] = LOADU(in + 16 * j);
        ROUNDS8(b, kk, nr, _mm_aesdec_si128, _mm_aesdeclast_si128);
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) STOREU(out + 16 * j, b[j]);
    }
    for (; nblocks > 0; nblocks--, in += 16, out += 16) {
        STOREU(out, dec1(kk, nr, LOADU(in)));
    }
}

/* Counter blocks: c is the counter block with its counter field byte-
 * reversed into little-endian lanes (whole block for the 128-bit counter,
 * the last four bytes for GCM's 32-bit one), so a vector add steps it. */
static void ctr_generic(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                        size_t len, int wide);

NI static void ctr_tail(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                        size_t len, int wide) {
    /* fewer than 128 bytes: block by block */
    const __m128i *kk = ekeys(k);
    while (len > 0) {
        uint8_t ks[16];
        STOREU(ks, enc1(kk, k->rounds, LOADU(ctr)));
        if (wide) {
            nc_aes_ctr_inc128(ctr, 1);
        } else {
            nc_aes_ctr_inc32(ctr, 1);
        }
        size_t m = len < 16 ? len : 16;
        for (size_t j = 0; j < m; j++) {
            out[j] = (uint8_t)(in[j] ^ ks[j]);
        }
        nc_ct_wipe(ks, sizeof ks);
        in += m;
        out += m;
        len -= m;
    }
}

NI static void ctr_generic(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                           size_t len, int wide) {
    const __m128i *kk = ekeys(k);
    unsigned nr = k->rounds;
    const __m128i rev = wide ? _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
                             : _mm_set_epi8(12, 13, 14, 15, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    while (len >= 128) {
        __m128i c = _mm_shuffle_epi8(LOADU(ctr), rev);
        __m128i b[8];
        if (wide) {
            uint64_t lo = (uint64_t)_mm_cvtsi128_si64(c);
            if (lo > UINT64_MAX - 8) {
                /* the low 64 bits wrap inside this batch (public counter) */
                _Pragma("GCC unroll 8")
                for (int j = 0; j < 8; j++) {
                    b[j] = LOADU(ctr);
                    nc_aes_ctr_inc128(ctr, 1);
                }
            } else {
                _Pragma("GCC unroll 8")
                for (int j = 0; j < 8; j++) {
                    b[j] = _mm_shuffle_epi8(_mm_add_epi64(c, _mm_set_epi64x(0, j)), rev);
                }
                nc_aes_ctr_inc128(ctr, 8);
            }
        } else {
            _Pragma("GCC unroll 8")
            for (int j = 0; j < 8; j++) {
                b[j] = _mm_shuffle_epi8(_mm_add_epi32(c, _mm_set_epi32(j, 0, 0, 0)), rev);
            }
            nc_aes_ctr_inc32(ctr, 8);
        }
        ROUNDS8(b, kk, nr, _mm_aesenc_si128, _mm_aesenclast_si128);
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            STOREU(out + 16 * j, _mm_xor_si128(b[j], LOADU(in + 16 * j)));
        }
        in += 128;
        out += 128;
        len -= 128;
    }
    ctr_tail(k, ctr, in, out, len, wide);
}

void nc_aes_ni_ctr(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
    ctr_generic(k, ctr, in, out, len, 1);
}

void nc_aes_ni_ctr32(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
    ctr_generic(k, ctr, in, out, len, 0);
}

NI void nc_aes_ni_cbc_enc(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len) {
    const __m128i *kk = ekeys(k);
    unsigned nr = k->rounds;
    __m128i x = LOADU(iv);
    for (size_t off = 0; off + 16 <= len; off += 16) {
        x = enc1(kk, nr, _mm_xor_si128(x, LOADU(in + off)));
        STOREU(out + off, x);
    }
    STOREU(iv, x);
}

NI void nc_aes_ni_cbc_dec(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len) {
    const __m128i *kk = dkeys(k);
    unsigned nr = k->rounds;
    __m128i prev = LOADU(iv);
    size_t nblocks = len / 16;
    for (; nblocks >= 8; nblocks -= 8, in += 128, out += 128) {
        __m128i c[8], b[8];
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) b[j] = c[j] = LOADU(in + 16 * j);
        ROUNDS8(b, kk, nr, _mm_aesdec_si128, _mm_aesdeclast_si128);
        STOREU(out, _mm_xor_si128(b[0], prev));
        _Pragma("GCC unroll 8")
        for (int j = 1; j < 8; j++) STOREU(out + 16 * j, _mm_xor_si128(b[j], c[j - 1]));
        prev = c[7];
    }
    for (; nblocks > 0; nblocks--, in += 16, out += 16) {
        __m128i c = LOADU(in);
        STOREU(out, _mm_xor_si128(dec1(kk, nr, c), prev));
        prev = c;
    }
    STOREU(iv, prev);
}

#else /* no AES-NI on this architecture: never selected */

unsigned nc_aes_ni_schedule(uint8_t rk[240], const uint8_t *key, size_t keylen) { return nc_aes_ct_schedule(rk, key, keylen); }
void nc_aes_ni_setup(nc_aes_key *k, const uint8_t *rk, unsigned rounds) { nc_aes_ct_setup(k, rk, rounds); }
void nc_aes_ni_ecb_enc(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t n) { nc_aes_ct_ecb_enc(k, in, out, n); }
void nc_aes_ni_ecb_dec(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t n) { nc_aes_ct_ecb_dec(k, in, out, n); }
void nc_aes_ni_ctr(const nc_aes_key *k, uint8_t c[16], const uint8_t *in, uint8_t *out, size_t n) { nc_aes_ct_ctr(k, c, in, out, n); }
void nc_aes_ni_ctr32(const nc_aes_key *k, uint8_t c[16], const uint8_t *in, uint8_t *out, size_t n) { nc_aes_ct_ctr32(k, c, in, out, n); }
void nc_aes_ni_cbc_enc(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t n) { nc_aes_ct_cbc_enc(k, iv, in, out, n); }
void nc_aes_ni_cbc_dec(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t n) { nc_aes_ct_cbc_dec(k, iv, in, out, n); }

#endif
