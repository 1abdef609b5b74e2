/* The NIST prime curves P-256 and P-384 (FIPS 186-5, SEC 1 v2): group
 * arithmetic, point validation and encoding, ECDH; ECDSA in ecdsa.c. */
#ifndef NC_ECP_H
#define NC_ECP_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
#define NC_EC_P256 0
#define NC_EC_P384 1

/* Builds the fixed-base tables; call once before threads use the curves
 * (the other entry points call it too, which is harmless). */
void nc_ec_init(void);
/* Field/scalar size in bytes (32, 48), 0 for an unknown curve. */
int nc_ec_size(int curve);
/* 1 when xy = X||Y (big-endian, 2*size bytes) has X, Y < p and lies on
 * the curve; 0 otherwise.  Variable time (points are public). */
int nc_ec_point_check(int curve, const uint8_t *xy);
/* Recovers Y from X and the parity of Y (SEC 1 2.3.4); writes X||Y to xy.
 * Returns 1, or 0 when X >= p or X is not the abscissa of a point. */
int nc_ec_decompress(int curve, uint8_t *xy, const uint8_t *x, int y_odd);
/* 1 when 1 <= d < n (big-endian, size bytes); constant time. */
int nc_ec_scalar_check(int curve, const uint8_t *d);
/* xy = X||Y of d*G.  Returns 1, or 0 when d is not in [1, n). Constant time. */
int nc_ec_public(int curve, uint8_t *xy, const uint8_t *d);
/* x = X of d*Q: the ECDH shared secret (SEC 1 3.3.1).  Q (X||Y) is checked
 * first.  Returns 1, or 0 when d or Q is invalid.  Constant time in d. */
int nc_ec_ecdh(int curve, uint8_t *x, const uint8_t *d, const uint8_t *peer_xy);
/* r = x^-1 mod m (big-endian, size bytes; 0 for x = 0), m the field prime
 * (modulus 0) or the group order (modulus 1), through the Montgomery-form
 * inversion the curve code uses.  Returns 1, or 0 when x >= m or the curve
 * or modulus is unknown (r then holds 0).  Constant time in x (and in
 * whether x < m); exported for tests. */
int nc_ec_inverse(int curve, int modulus, uint8_t *r, const uint8_t *x);
/* cffi:end */

#endif
