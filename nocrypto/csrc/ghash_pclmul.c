/* GHASH (NIST SP 800-38D, section 6.4) with PCLMULQDQ, aggregating eight
 * blocks per reduction: Y' = (Y ^ X1) H^8 ^ X2 H^7 ^ ... ^ X8 H.
 * See ghash_pclmul.h for the representation and the reduction. */
#include "gcm_impl.h"

#if defined(__x86_64__) || defined(__i386__)
#include <string.h>

#include "ct.h"
#include "ghash_pclmul.h"

NC_PCLMUL_TARGET static __m128i mul1(__m128i a, __m128i b) {
    nc_gacc acc;
    nc_gh_zero(&acc);
    nc_gh_mul_acc(&acc, a, b, nc_gh_kkey(b));
    return nc_gh_reduce(&acc);
}

NC_PCLMUL_TARGET static inline void put(uint64_t *at, __m128i x) {
    _mm_storeu_si128((__m128i *)(void *)at, x);
}

NC_PCLMUL_TARGET void nc_ghash_pclmul_init(uint64_t *h, const uint8_t hkey[16]) {
    __m128i h1 = nc_gh_bswap(_mm_loadu_si128((const __m128i *)(const void *)hkey));
    __m128i p = h1;
    for (int i = 0; i < 16; i++) {
        if (i < 9) {
            put(h + 2 * i, p);
            put(h + NC_GCM_K9 + 2 * i, nc_gh_kkey(p));
        }
        put(h + NC_GCM_HREV16 + 2 * (15 - i), p);
        put(h + NC_GCM_KREV16 + 2 * (15 - i), nc_gh_kkey(p));
        p = mul1(p, h1);
    }
}

NC_PCLMUL_TARGET void nc_ghash_pclmul(uint8_t y[16], const uint64_t *h, const uint8_t *data, size_t len) {
    __m128i acc = nc_gh_bswap(_mm_loadu_si128((const __m128i *)(const void *)y));
    for (; len >= 128; len -= 128, data += 128) {
        nc_gacc a;
        nc_gh_zero(&a);
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            __m128i x = nc_gh_bswap(_mm_loadu_si128((const __m128i *)(const void *)(data + 16 * j)));
            if (j == 0) {
                x = _mm_xor_si128(x, acc);
            }
            nc_gh_mul_acc(&a, x, nc_gh_pow(h, 7 - j), nc_gh_kpow(h, 7 - j));
        }
        acc = nc_gh_reduce(&a);
    }
    while (len > 0) {
        uint8_t blk[16] = {0};
        size_t n = len < 16 ? len : 16;
        memcpy(blk, data, n);
        __m128i x = nc_gh_bswap(_mm_loadu_si128((const __m128i *)(const void *)blk));
        nc_gacc a;
        nc_gh_zero(&a);
        nc_gh_mul_acc(&a, _mm_xor_si128(acc, x), nc_gh_pow(h, 0), nc_gh_kpow(h, 0));
        acc = nc_gh_reduce(&a);
        nc_ct_wipe(blk, sizeof blk);
        data += n;
        len -= n;
    }
    _mm_storeu_si128((__m128i *)(void *)y, nc_gh_bswap(acc));
}

#else

void nc_ghash_pclmul_init(uint64_t *h, const uint8_t hkey[16]) { nc_ghash_ct_init(h, hkey); }
void nc_ghash_pclmul(uint8_t y[16], const uint64_t *h, const uint8_t *data, size_t len) {
    nc_ghash_ct(y, h, data, len);
}

#endif
