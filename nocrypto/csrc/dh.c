/* Range check of a finite-field DH private exponent (RFC 7919 §5.2 asks
 * 1 < x < p - 1 of keys; see dh.h).  Both comparisons are borrow chains
 * over the whole fixed-length value, folded into one verdict. */
#include "dh.h"

#include "bignum.h"
#include "ct.h"

int nc_dh_check_private(const uint8_t *x, size_t xlen, const uint8_t *p, size_t plen) {
    if (plen == 0 || plen > NC_BN_MAX_BYTES || xlen > plen) {
        return -1;
    }
    size_t n = (plen + 7) / 8;
    uint64_t X[NC_BN_MAX_LIMBS], P[NC_BN_MAX_LIMBS], T[NC_BN_MAX_LIMBS];
    nc_bn_decode(X, n, x, xlen);
    nc_bn_decode(P, n, p, plen);
    for (size_t i = 0; i < n; i++) {
        T[i] = i == 0 ? 1 : 0;
    }
    uint64_t p_small = nc_bn_sub(P, P, T, n); /* P = p - 1 */
    uint64_t x_lt_pm1 = nc_bn_sub(T, X, P, n);
    for (size_t i = 0; i < n; i++) {
        T[i] = i == 0 ? 2 : 0;
    }
    uint64_t x_lt_2 = nc_bn_sub(T, X, T, n);
    uint64_t ok = x_lt_pm1 & (1 ^ x_lt_2) & (1 ^ p_small);
    nc_ct_wipe(X, sizeof X);
    nc_ct_wipe(T, sizeof T);
    return (int)ok;
}
