/* Constant-time check of HMAC, HKDF, HKDF-Expand-Label and the TLS 1.2 PRF
 * (hmac.c, hkdf.c, prf.c): keys, secrets and messages are secret; lengths
 * and labels public.  SHA-NI is hidden under valgrind (see ct_hash.c). */
#include "ct_harness.h"
#include "hkdf.h"
#include "hmac.h"
#include "prf.h"

int main(void) {
    static const int algs[] = {NC_SHA1, NC_SHA224, NC_SHA256, NC_SHA384, NC_SHA512};
    static const size_t keylens[] = {0, 16, 64, 129};
    uint8_t key[129], msg[200], out[128];
    ct_report_paths("hmac");
    FOR_EACH_PATH(path) {
        for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
            for (size_t k = 0; k < sizeof keylens / sizeof keylens[0]; k++) {
                ct_fill(key, sizeof key, (uint32_t)(a + 7 * k));
                ct_fill(msg, sizeof msg, (uint32_t)(a + 11 * k));
                SECRET(key, sizeof key);
                SECRET(msg, sizeof msg);
                nc_hmac(algs[a], key, keylens[k], msg, sizeof msg, out);
                nc_hmac_ctx c;
                nc_hmac_init(&c, algs[a], key, keylens[k]);
                nc_hmac_update(&c, msg, 77);
                nc_hmac_update(&c, msg + 77, sizeof msg - 77);
                nc_hmac_final(&c, out);
                nc_hkdf(algs[a], msg, 32, key, keylens[k], msg + 100, 10, out, sizeof out);
                nc_hkdf_expand_label(algs[a], key, keylens[k], (const uint8_t *)"key", 3,
                                     msg, 32, out, 16);
                nc_tls12_prf(algs[a], key, keylens[k], (const uint8_t *)"master secret", 13,
                             msg, 64, out, 48);
                PUBLIC(out, sizeof out);
            }
        }
    }
    return 0;
}
