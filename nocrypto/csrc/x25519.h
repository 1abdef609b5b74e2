/* X25519 Diffie-Hellman (RFC 7748, section 5). */
#ifndef NC_X25519_H
#define NC_X25519_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
/* out = X25519(scalar, u).  The scalar is clamped and bit 255 of u is
 * ignored, as RFC 7748 says.  Returns 1 when out is not all zero and 0 when
 * it is (a low-order u); out is written either way. */
int nc_x25519(uint8_t *out, const uint8_t *scalar, const uint8_t *u);
/* out = X25519(scalar, 9), the public key of scalar. */
void nc_x25519_base(uint8_t *out, const uint8_t *scalar);
/* 1 when the n bytes at p are all zero; constant time in the contents. */
int nc_x25519_is_zero(const uint8_t *p, size_t n);
/* cffi:end */

/* The x86-64 paths, chosen per call by x25519.c from nc_cpu_features():
 * x25519_adx.c with BMI2 and ADX, x25519_bmi2.c with BMI2 alone.  The
 * ladder gives X25519(k, u) and the base X25519(k, 9), for a clamped k. */
void nc_x25519_ladder_bmi2(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]);
void nc_x25519_base_bmi2(uint8_t out[32], const uint8_t k[32]);
void nc_x25519_ladder_adx(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]);
void nc_x25519_base_adx(uint8_t out[32], const uint8_t k[32]);

#endif
