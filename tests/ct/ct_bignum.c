/* Constant-time check of the bignum core (bignum.c): Montgomery setup on a
 * secret modulus (RSA primes take that path), and 2048-bit modular
 * exponentiation with secret base and exponent. */
#include "bignum.h"
#include "ct_harness.h"

static uint64_t scratch[24 * 32 + 8];

int main(void) {
    uint8_t m[256], base[256], e[256], out[256];
    nc_bn_mont c;
    ct_report_paths("ct_bignum");
    FOR_EACH_PATH(path) {
        ct_fill(m, sizeof m, 10 + (uint32_t)path);
        m[0] |= 0x80;
        m[255] |= 1;
        ct_fill(base, sizeof base, 20);
        ct_fill(e, sizeof e, 30);
        /* a secret modulus (a prime of an RSA key) */
        SECRET(m, sizeof m);
        nc_mont_setup(&c, m, sizeof m);
        SECRET(base, sizeof base);
        SECRET(e, sizeof e);
        if (nc_bn_modexp(&c, out, base, sizeof base, e, sizeof e, scratch) != 0) {
            return 1;
        }
        PUBLIC(out, sizeof out);
        /* public modulus, secret base and exponent (DH) */
        PUBLIC(m, sizeof m);
        if (nc_mont_init(&c, m, sizeof m) != 0) {
            return 1;
        }
        if (nc_bn_modexp(&c, out, base, sizeof base, e, 40, scratch) != 0) {
            return 1;
        }
        PUBLIC(out, sizeof out);
        /* secret base, public exponent (RSA encryption of a secret) */
        if (nc_bn_modexp_pub(&c, out, base, sizeof base, (const uint8_t *)"\x01\x00\x01", 3,
                             scratch) != 0) {
            return 1;
        }
        PUBLIC(out, sizeof out);
        if (nc_bn_modmul(&c, out, base, sizeof base, e, sizeof e, scratch) != 0) {
            return 1;
        }
        PUBLIC(out, sizeof out);
    }
    return 0;
}
