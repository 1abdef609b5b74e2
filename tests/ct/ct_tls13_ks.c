/* Constant-time check of the TLS 1.3 key schedule steps (tls13_ks.c): the
 * previous stage's secret, the input keying material (PSK, (EC)DHE shared
 * secret), the base key of Finished and the traffic secret are secret;
 * labels, lengths and transcript hashes public.  SHA-NI is hidden under
 * valgrind (see ct_hash.c). */
#include "ct_harness.h"
#include "hash.h"
#include "tls13_ks.h"

int main(void) {
    static const int algs[] = {NC_SHA256, NC_SHA384};
    static const uint8_t labels[] = "\x0c" "c hs traffic" "\x0c" "s hs traffic"
                                    "\x0a" "exp master";
    uint8_t prev[48], ikm[48], th[48], next[48], out[3 * 48], key[32], iv[12];
    ct_report_paths("tls13_ks");
    FOR_EACH_PATH(path) {
        for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
            size_t hl = nc_hash_size(algs[a]);
            ct_fill(prev, sizeof prev, (uint32_t)(3 + a));
            ct_fill(ikm, sizeof ikm, (uint32_t)(5 + a));
            ct_fill(th, sizeof th, (uint32_t)(7 + a));
            SECRET(prev, sizeof prev);
            SECRET(ikm, sizeof ikm);
            nc_tls13_stage(algs[a], NULL, 0, ikm, 32, th, hl, labels, 0, next, out);
            nc_tls13_stage(algs[a], prev, hl, ikm, 32, th, hl, labels, sizeof labels - 1, next,
                           out);
            nc_tls13_finished(algs[a], next, hl, th, hl, out);
            nc_tls13_key_iv(algs[a], prev, hl, key, sizeof key, iv, sizeof iv);
            PUBLIC(next, sizeof next);
            PUBLIC(out, sizeof out);
            PUBLIC(key, sizeof key);
            PUBLIC(iv, sizeof iv);
        }
    }
    return 0;
}
