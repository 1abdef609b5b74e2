/* Finite-field Diffie-Hellman (RFC 7919, RFC 5246 §8.1.2): the range check
 * of a secret exponent, 1 < x < p - 1, in constant time.  The exponentiations
 * themselves are bignum.c's. */
#ifndef NC_DH_H
#define NC_DH_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
/* 1 when 1 < x < p - 1, else 0; -1 when xlen > plen or plen is 0 or over
 * 1024.  x (xlen bytes, big-endian) is secret, p (plen bytes) public; only
 * the verdict depends on x's value. */
int nc_dh_check_private(const uint8_t *x, size_t xlen, const uint8_t *p, size_t plen);
/* cffi:end */

#endif
