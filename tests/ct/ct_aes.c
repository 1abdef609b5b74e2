/* Constant-time check of AES (aes.c, aes_ct.c, aes_ni.c): key schedule,
 * blocks, CTR and CBC with key and plaintext secret, on both paths. */
#include "aes.h"
#include "ct_harness.h"

int main(void) {
    static const size_t keylens[3] = {16, 24, 32};
    uint8_t key[32], pt[200], ct[200], back[200], iv[16], ctr[16];
    nc_aes_key k;
    ct_report_paths("aes");
    FOR_EACH_PATH(path) {
        for (int i = 0; i < 3; i++) {
            ct_fill(key, sizeof key, 10 + (uint32_t)i);
            ct_fill(pt, sizeof pt, 20 + (uint32_t)i);
            ct_fill(iv, sizeof iv, 30);
            ct_fill(ctr, sizeof ctr, 40);
            SECRET(key, sizeof key);
            SECRET(pt, sizeof pt);
            if (nc_aes_init(&k, key, keylens[i]) != 0) return 1;
            /* 11 blocks: exercises the 8-wide and the single-block loops */
            nc_aes_encrypt_blocks(&k, pt, ct, 11);
            PUBLIC(ct, sizeof ct);
            nc_aes_decrypt_blocks(&k, ct, back, 11);
            nc_aes_ctr(&k, ctr, pt, ct, 197);
            nc_aes_cbc_encrypt(&k, iv, pt, ct, 192);
            PUBLIC(ct, sizeof ct);
            nc_aes_cbc_decrypt(&k, iv, ct, back, 192);
            nc_aes_cbc_decrypt(&k, iv, ct, ct, 192); /* in place */
        }
    }
    return 0;
}
