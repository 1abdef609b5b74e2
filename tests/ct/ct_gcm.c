/* Constant-time check of AES-GCM (gcm.c, ghash_ct.c, ghash_pclmul.c,
 * gcm_ni.c): key, plaintext and AAD secret; seal and open (good and bad
 * tag, in place) with 12-byte and other nonces, on both paths.  Lengths
 * cover the stitched 128-byte batches and the tails. */
#include "ct_harness.h"
#include "gcm.h"

int main(void) {
    static const size_t keylens[3] = {16, 24, 32};
    static const size_t lens[3] = {0, 77, 300};
    uint8_t key[32], nonce[20], aad[40], pt[300], ct[316], back[316];
    nc_gcm_key g;
    ct_report_paths("gcm");
    FOR_EACH_PATH(path) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                size_t len = lens[j];
                size_t nlen = j == 1 ? 20 : 12;
                ct_fill(key, sizeof key, 1 + (uint32_t)i);
                ct_fill(nonce, sizeof nonce, 2);
                ct_fill(aad, sizeof aad, 3);
                ct_fill(pt, sizeof pt, 4 + (uint32_t)j);
                SECRET(key, sizeof key);
                SECRET(aad, sizeof aad);
                SECRET(pt, sizeof pt);
                if (nc_gcm_init(&g, key, keylens[i]) != 0) return 1;
                int rc = nc_gcm_seal(&g, nonce, nlen, aad, sizeof aad, pt, len, ct);
                PUBLIC(&rc, sizeof rc);
                if (rc != 0) return 2;
                PUBLIC(ct, len + 16);
                rc = nc_gcm_open(&g, nonce, nlen, aad, sizeof aad, ct, len + 16, back);
                PUBLIC(&rc, sizeof rc);
                if (rc != 0) return 3;
                ct[len] ^= 1; /* bad tag: must fail, in place */
                rc = nc_gcm_open(&g, nonce, nlen, aad, sizeof aad, ct, len + 16, ct);
                PUBLIC(&rc, sizeof rc);
                if (rc != -1) return 4;
            }
        }
    }
    return 0;
}
