/* RSA key generation in constant time (FIPS 186-5 A.1.3 with the
 * probable-prime tests of B.3.1, RFC 8017 §3.2 for the CRT key): candidate
 * construction and trial division, Miller-Rabin rounds, the |p - q| check
 * and assembly of n, d, dp, dq, qinv from the two primes.
 *
 * The primes and every value derived from them stay in caller-owned
 * buffers and are handled without a secret-dependent branch or memory
 * index.  Each check returns only its verdict (1 pass, 0 reject), which the
 * caller may branch on: a rejected candidate is thrown away, so the verdict
 * says nothing about the key finally built.
 *
 * The public exponent e must be a prime below 2^24 (65537 in practice):
 * then gcd(p - 1, e) = 1 is (p - 1) mod e != 0 and e^-1 modulo p - 1 has
 * the closed form (1 + k (p - 1)) / e with k = -(p - 1)^-1 mod e.
 */
#ifndef NC_RSA_KEYGEN_H
#define NC_RSA_KEYGEN_H

#include <stddef.h>
#include <stdint.h>

#include "bignum.h"

/* cffi:begin */
/* Scratch limbs the calls below need for primes of len bytes. */
size_t nc_rsa_keygen_scratch_limbs(size_t len);

/* Builds a candidate prime of exactly `bits` bits into out (len =
 * ceil(bits / 8) bytes) from len random bytes: excess top bits cleared, the
 * top two bits and the low bit set.  Returns 1 when it has no odd prime
 * factor below 2000 and out - 1 is not a multiple of e, 0 otherwise, -1 on
 * bad arguments (bits < 72, len or e out of range). */
int nc_rsa_candidate(uint8_t *out, const uint8_t *rnd, size_t len, uint32_t bits, uint32_t e);

/* Sets up c for Miller-Rabin rounds on a candidate w from nc_rsa_candidate
 * (len bytes, first byte nonzero, odd).  0, or -1 on a bad length. */
int nc_rsa_mr_init(nc_bn_mont *c, const uint8_t *w, size_t len);

/* One Miller-Rabin round (FIPS 186-5 B.3.1) on c's modulus w with the base
 * b = rnd mod w (rlen <= 2 * len bytes; a b of 0, 1 or w - 1 is replaced by
 * 2).  Returns 1 when w passes, 0 when it is composite or w - 1 is
 * divisible by 2^64 (such candidates are rejected), -1 on a bad rlen. */
int nc_rsa_mr_round(const nc_bn_mont *c, const uint8_t *rnd, size_t rlen, uint64_t *scratch);

/* 1 when |p - q| > 2^(bits - 100) (FIPS 186-5 A.1.3 step 5.4), else 0;
 * p and q are len bytes, bits their size in bits (>= 100), -1 if not. */
int nc_rsa_primes_far(const uint8_t *p, const uint8_t *q, size_t len, uint32_t bits);

/* From primes p and q (len <= 512 bytes each, first byte nonzero, neither
 * 1 mod e): n = p q and d = e^-1 mod (p - 1)(q - 1) (2 len bytes each), dp
 * = e^-1 mod (p - 1), dq = e^-1 mod (q - 1) and qinv = q^-1 mod p (len
 * bytes each).  0, or -1 on bad arguments. */
int nc_rsa_keygen_finish(uint8_t *n, uint8_t *d, uint8_t *dp, uint8_t *dq, uint8_t *qinv,
                         const uint8_t *p, const uint8_t *q, size_t len, uint32_t e,
                         uint64_t *scratch);
/* cffi:end */

#endif
