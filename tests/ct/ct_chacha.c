/* Constant-time check of ChaCha20, Poly1305 and the RFC 8439 AEAD
 * (chacha20.c, chacha20_avx2.c, chacha20_ssse3.c, poly1305.c,
 * poly1305_avx2.c, chacha20poly1305.c, chacha20poly1305_avx2.c).
 *
 * Key, plaintext and Poly1305 key are secret; the ciphertext, the tag and
 * open's verdict are public.  Lengths cover the AVX2 bulk loop, its batch
 * tail, the four-block row-wise code, the AVX2 Poly1305 lanes and the
 * portable tail, on both paths.  The SSSE3 code, which the dispatcher only
 * picks on CPUs without AVX2, is called directly and its output compared
 * with the portable code's (as is the row-wise AVX2 code's).
 */
#include "chacha.h"
#include "ct_harness.h"

static const size_t LENS[] = {0, 1, 63, 64, 65, 200, 256, 300, 512, 777, 1100, 1600, 2600};

/* The SSSE3 and row-wise AVX2 code against portable C, every length to
 * 600 (the SSSE3 loop's batches of four blocks and its tails). */
static int direct_paths_agree(void) {
    static uint8_t key[32], nonce[12], pt[600], a[600], b[600];
    int bad = 0;
    ct_fill(nonce, sizeof nonce, 4);
    for (size_t n = 0; n <= sizeof pt; n++) {
        ct_fill(key, sizeof key, 30 + (uint32_t)n);
        ct_fill(pt, sizeof pt, 40 + (uint32_t)n);
        SECRET(key, sizeof key);
        SECRET(pt, sizeof pt);
        uint32_t counter = (uint32_t)0 - (uint32_t)(n % 5); /* wraps for some n */
        nc_chacha20_portable(key, nonce, counter, pt, b, n);
        PUBLIC(b, n);
        if (nc_cpu_detected() & NC_CPU_SSSE3) {
            nc_chacha20_ssse3(key, nonce, counter, pt, a, n);
            PUBLIC(a, n);
            for (size_t i = 0; i < n; i++) bad |= a[i] != b[i];
        }
        if (n <= 256 && (nc_cpu_detected() & NC_CPU_AVX2)) {
            nc_chacha20_avx2_short(key, nonce, counter, pt, a, n);
            PUBLIC(a, n);
            for (size_t i = 0; i < n; i++) bad |= a[i] != b[i];
        }
    }
    if (bad) {
        printf("ct_chacha: SSSE3 or row-wise AVX2 output differs from portable\n");
    }
    return bad;
}

int main(void) {
    static uint8_t key[32], nonce[12], aad[40], pt[2600], ct[2600 + 16], back[2600 + 16];
    uint8_t tag[16];
    int bad = 0;
    ct_report_paths("ct_chacha");
    ct_fill(nonce, sizeof nonce, 2);
    ct_fill(aad, sizeof aad, 3);
    FOR_EACH_PATH(path) {
        for (size_t i = 0; i < sizeof LENS / sizeof LENS[0]; i++) {
            size_t n = LENS[i];
            ct_fill(key, sizeof key, 10 + (uint32_t)n);
            ct_fill(pt, sizeof pt, 20 + (uint32_t)n);
            SECRET(key, sizeof key);
            SECRET(pt, sizeof pt);

            nc_chacha20(key, nonce, 7, pt, ct, n);
            PUBLIC(ct, n);

            nc_poly1305(key, pt, n, tag);
            PUBLIC(tag, sizeof tag);

            nc_chacha20poly1305_seal(key, nonce, aad, i % 41, pt, n, ct);
            PUBLIC(ct, n + 16);

            /* a good tag, opened in place */
            for (size_t j = 0; j < n + 16; j++) back[j] = ct[j];
            int ok = nc_chacha20poly1305_open(key, nonce, aad, i % 41, back, n + 16, back);
            PUBLIC(&ok, sizeof ok);
            bad |= ok != 0;
            /* a forged tag */
            ct[n] ^= 0x40;
            int forged = nc_chacha20poly1305_open(key, nonce, aad, i % 41, ct, n + 16, back);
            PUBLIC(&forged, sizeof forged);
            bad |= forged != -1;
        }
    }
    if (bad) {
        printf("ct_chacha: wrong open verdicts\n");
    }
    return bad | direct_paths_agree();
}
