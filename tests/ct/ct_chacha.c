/* Constant-time check of ChaCha20, Poly1305 and the RFC 8439 AEAD
 * (chacha20.c, chacha20_avx2.c, poly1305.c, chacha20poly1305.c).
 *
 * Key, plaintext and Poly1305 key are secret; the ciphertext, the tag and
 * open's verdict are public.  Lengths cover the AVX2 bulk loop, its batch
 * tail and the portable tail, on both paths.
 */
#include "chacha.h"
#include "ct_harness.h"

static const size_t LENS[] = {0, 1, 63, 64, 65, 200, 300, 512, 777, 1100};

int main(void) {
    static uint8_t key[32], nonce[12], aad[40], pt[1100], ct[1100 + 16], back[1100 + 16];
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
    return bad;
}
