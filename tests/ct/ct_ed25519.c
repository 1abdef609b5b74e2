/* Constant-time check of Ed25519 key expansion and signing (ed25519.c):
 * the seed, and with it the expanded key, is secret; the public key and
 * the signature are public outputs. */
#include "ct_harness.h"
#include "ed25519.h"

int main(void) {
    uint8_t seed[32], msg[100], sig[64];
    nc_ed25519_key key;
    ct_report_paths("ed25519");
    nc_ed25519_init();
    FOR_EACH_PATH(path) {
        ct_fill(seed, sizeof seed, 5 + path);
        ct_fill(msg, sizeof msg, 9);
        SECRET(seed, sizeof seed);
        nc_ed25519_expand(&key, seed);
        PUBLIC(key.pub, sizeof key.pub);
        nc_ed25519_sign(sig, &key, msg, sizeof msg);
        PUBLIC(sig, sizeof sig);
        int ok = nc_ed25519_verify(key.pub, msg, sizeof msg, sig);
        if (!ok) return 1;
    }
    return 0;
}
