/* Constant-time big integers: fixed-size 64-bit limbs, Montgomery
 * multiplication (Montgomery 1985; CIOS ordering after Koc, Acar and
 * Kaliski 1996), fixed-window modular exponentiation (HAC 14.82) with
 * whole-table masked selection.  Up to 8192-bit moduli.
 *
 * Numbers are little-endian arrays of uint64_t limbs whose count is public.
 * The C never allocates: callers pass scratch space, sized by
 * nc_bn_scratch_limbs().  Every function here is constant time in the
 * values of its operands, except nc_mont_exp_pub (and nc_bn_modexp_pub),
 * whose running time depends on the (public) exponent only.
 *
 * On x86-64 the inner rows of the Montgomery products are in assembly
 * (plain mul/add/adc, which valgrind checks like C); a context records at
 * setup whether it uses them, and the portable switch (nc_cpu_force_portable,
 * NOCRYPTO_PORTABLE=1) makes new contexts use the C rows instead.
 */
#ifndef NC_BIGNUM_H
#define NC_BIGNUM_H

#include <stddef.h>
#include <stdint.h>

#define NC_BN_MAX_LIMBS 128

/* cffi:begin */
#define NC_BN_MAX_BYTES 1024

/* A Montgomery context for an odd modulus m of n limbs, R = 2^(64 n). */
typedef struct {
    uint64_t m[128];
    uint64_t rr[128];   /* R^2 mod m */
    uint64_t one[128];  /* R mod m: 1 in Montgomery form */
    uint64_t m0i;       /* -m^-1 mod 2^64 */
    uint32_t n;         /* limbs */
    uint32_t nbytes;    /* length of m in bytes (as given, leading zeros stripped) */
    uint32_t use_asm;   /* x86-64 assembly rows (1) or portable C (0), fixed at setup */
    uint32_t reserved;
} nc_bn_mont;

/* Scratch limbs the nc_bn_* and nc_mont_* calls below need for n limbs. */
size_t nc_bn_scratch_limbs(uint32_t n);

/* Sets up c for the odd modulus m (big-endian, mlen bytes, value > 1).
 * 0 on success, -1 if m is even, <= 1 or longer than 8192 bits.
 * Constant time in m's value (RSA primes go through here). */
int nc_mont_init(nc_bn_mont *c, const uint8_t *m, size_t mlen);

/* out = base^exp mod m, big-endian, c->nbytes bytes.  base has blen <= 2 *
 * c->nbytes bytes (any value; it is reduced).  Constant time in base and
 * exp; elen is public.  0 on success, -1 on bad lengths. */
int nc_bn_modexp(const nc_bn_mont *c, uint8_t *out, const uint8_t *base, size_t blen,
                 const uint8_t *exp, size_t elen, uint64_t *scratch);

/* The same with a public exponent: variable time in exp only. */
int nc_bn_modexp_pub(const nc_bn_mont *c, uint8_t *out, const uint8_t *base, size_t blen,
                     const uint8_t *exp, size_t elen, uint64_t *scratch);

/* out = a * b mod m (both < 2 * c->nbytes bytes), big-endian c->nbytes bytes. */
int nc_bn_modmul(const nc_bn_mont *c, uint8_t *out, const uint8_t *a, size_t alen,
                 const uint8_t *b, size_t blen, uint64_t *scratch);
/* cffi:end */

/* Internal API for rsa.c and dh.c. */
/* nc_mont_init without the checks, constant time in m: m odd, > 1, exactly
 * mlen <= NC_BN_MAX_BYTES bytes with a nonzero first byte. */
void nc_mont_setup(nc_bn_mont *c, const uint8_t *m, size_t mlen);
void nc_bn_decode(uint64_t *x, size_t n, const uint8_t *src, size_t len);
void nc_bn_encode(uint8_t *dst, size_t len, const uint64_t *x, size_t n);
uint64_t nc_bn_add(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n);
uint64_t nc_bn_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n);
void nc_bn_cmov(uint64_t ctl, uint64_t *dst, const uint64_t *src, size_t n);
void nc_bn_mul(uint64_t *r, const uint64_t *a, size_t an, const uint64_t *b, size_t bn);
uint64_t nc_bn_eq(const uint64_t *a, const uint64_t *b, size_t n);
/* r = a * b / R mod m; a < R, b < m; r < m.  t: n + 2 limbs.  r may alias. */
void nc_mont_mul(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b, uint64_t *t);
/* r = a^2 / R mod m, a < m; t: 2 n + 1 limbs.  r may alias a. */
void nc_mont_sqr(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, uint64_t *t);
/* r = a / R mod m (leave Montgomery form); t: 2 n + 2 limbs. */
void nc_mont_from(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, uint64_t *t);
/* r = x * R mod m for x of xn limbs (any value); scratch: 3 n + 2 limbs. */
void nc_mont_reduce(const nc_bn_mont *c, uint64_t *r, const uint64_t *x, size_t xn, uint64_t *scratch);
/* r = a + b mod m, r = a - b mod m (a, b < m). */
void nc_mod_add(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b);
void nc_mod_sub(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b);
/* r = a^e (Montgomery form in and out), exponent big-endian bytes.
 * scratch: nc_bn_scratch_limbs(n).  _pub: variable time in e. */
void nc_mont_exp(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint8_t *e, size_t elen,
                 uint64_t *scratch);
void nc_mont_exp_pub(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint8_t *e,
                     size_t elen, uint64_t *scratch);

#endif
