/* Constant-time check of P-256 key generation, ECDH (ecp.c) and ECDSA
 * signing (ecdsa.c), and the inversions (ecp_inv.c) on their own: the
 * private scalar and the hedging input (hence the nonce) are secret; the
 * peer point, the digest, the message and the outputs are public. */
#include "ct_harness.h"
#include "ecdsa.h"
#include "ecp.h"
#include "hash.h"

#define SIZE (256 / 8)

int main(void) {
    uint8_t d[SIZE], e[SIZE], pub[2 * SIZE], peer[2 * SIZE], x[SIZE], rs[2 * SIZE];
    uint8_t digest[SIZE], extra[32], inv[SIZE];
    ct_report_paths("p256");
    nc_ec_init();
    FOR_EACH_PATH(path) {
        ct_fill(d, sizeof d, 3 + path);
        ct_fill(e, sizeof e, 11 + path);
        d[0] &= 0x7f;
        e[0] &= 0x7f;
        /* a public peer point: e*G, computed with e public */
        if (!nc_ec_public(NC_EC_P256, peer, e)) return 1;
        ct_fill(digest, sizeof digest, 17);
        ct_fill(extra, sizeof extra, 19 + path);
        SECRET(d, sizeof d);
        SECRET(extra, sizeof extra);
        int ok = nc_ec_scalar_check(NC_EC_P256, d);
        ok &= nc_ec_public(NC_EC_P256, pub, d);
        ok &= nc_ec_ecdh(NC_EC_P256, x, d, peer);
        ok &= nc_ecdsa_sign(NC_EC_P256, rs, d, digest, sizeof digest, NC_SHA256, 0, 0);
        PUBLIC(rs, sizeof rs);
        PUBLIC(pub, sizeof pub);
        ok &= nc_ecdsa_verify(NC_EC_P256, pub, digest, sizeof digest, rs);
        ok &= nc_ecdsa_sign(NC_EC_P256, rs, d, digest, sizeof digest, NC_SHA256, extra, sizeof extra);
        PUBLIC(rs, sizeof rs);
        ok &= nc_ecdsa_sign_message(NC_EC_P256, rs, d, digest, sizeof digest, NC_SHA256, extra,
                                    sizeof extra);
        PUBLIC(rs, sizeof rs);
        ok &= nc_ec_inverse(NC_EC_P256, 0, inv, d);
        ok &= nc_ec_inverse(NC_EC_P256, 1, inv, d);
        PUBLIC(inv, sizeof inv);
        PUBLIC(&ok, sizeof ok);
        PUBLIC(x, sizeof x);
        if (!ok) return 1;
    }
    return 0;
}
