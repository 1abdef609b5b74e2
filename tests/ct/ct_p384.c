/* Constant-time check of P-384 key generation and ECDH (ecp.c): the private
 * scalar is secret; the peer point and the outputs are public. */
#include "ct_harness.h"
#include "ecp.h"

#define SIZE (384 / 8)

int main(void) {
    uint8_t d[SIZE], e[SIZE], pub[2 * SIZE], peer[2 * SIZE], x[SIZE];
    ct_report_paths("p384");
    nc_ec_init();
    FOR_EACH_PATH(path) {
        ct_fill(d, sizeof d, 3 + path);
        ct_fill(e, sizeof e, 11 + path);
        d[0] &= 0x7f;
        e[0] &= 0x7f;
        /* a public peer point: e*G, computed with e public */
        if (!nc_ec_public(NC_EC_P384, peer, e)) return 1;
        SECRET(d, sizeof d);
        int ok = nc_ec_scalar_check(NC_EC_P384, d);
        ok &= nc_ec_public(NC_EC_P384, pub, d);
        ok &= nc_ec_ecdh(NC_EC_P384, x, d, peer);
        PUBLIC(&ok, sizeof ok);
        PUBLIC(pub, sizeof pub);
        PUBLIC(x, sizeof x);
        if (!ok) return 1;
    }
    return 0;
}
