/* Internal interface between ecp.c (P-256/P-384 group arithmetic) and
 * ecdsa.c.  No cffi section: Python does not see these. */
#ifndef NC_ECP_INTERNAL_H
#define NC_ECP_INTERNAL_H

#include <stdint.h>

#include "ct.h"
#include "mont64.h"

/* A point in projective coordinates (X:Y:Z), Montgomery form; the
 * identity is (0:1:0).  Sized for the largest curve. */
typedef struct {
    uint64_t x[MM_MAX], y[MM_MAX], z[MM_MAX];
} nc_ecp_point;

/* An affine point (x, y), Montgomery form: the fixed-base tables. */
typedef struct {
    uint64_t x[MM_MAX], y[MM_MAX];
} nc_ecp_affine_point;

typedef struct {
    const nc_mm_mod *fp;   /* the base field */
    const nc_mm_mod *fn;   /* the group order */
    const uint64_t *b;   /* curve coefficient b, Montgomery form */
    const uint64_t *gx, *gy;
    int size;            /* bytes of a coordinate or scalar */
    /* The fixed-base comb: gwin rows of 2^(gbits-1) affine points, each
     * x then y (n limbs apiece, n = fp->n); entry j of row i is
     * (j + 1) 2^(gbits i) G.  gbits * gwin > 8 size for signed digits. */
    uint64_t *gtab;
    int gbits, gwin;
    int adx;             /* 1: P-256 multiplies with MULX/ADX (ecp_adx.c) */
} nc_ecp_curve;

/* The P-256 Montgomery multiplication with MULX/ADCX/ADOX (ecp_adx.c);
 * only called when nc_cpu_features() has NC_CPU_BMI2 and NC_CPU_ADX. */
void nc_p256_mul_adx(uint64_t *r, const uint64_t *a, const uint64_t *b);
void nc_p256_add_adx(uint64_t *r, const uint64_t *a, const uint64_t *b);
void nc_p256_sub_adx(uint64_t *r, const uint64_t *a, const uint64_t *b);

/* The curve and its arithmetic path, chosen from nc_cpu_features() once per
 * call of a public entry point and used for the whole operation. */
const nc_ecp_curve *nc_ecp_curve_get(int curve);
/* r = k*G for a secret k (size bytes, big-endian, any value < 2^(8 size)). */
void nc_ecp_mul_base(const nc_ecp_curve *C, nc_ecp_point *r, const uint8_t *k);
/* r = k*P for a secret k. */
void nc_ecp_mul(const nc_ecp_curve *C, nc_ecp_point *r, const nc_ecp_point *p, const uint8_t *k);
/* 1 when x(u1 G + u2 Q) mod n == r (plain limbs, r < n) and that sum is
 * not the identity: the core of ECDSA verification.  Variable time, for
 * PUBLIC u1, u2 (size bytes, big-endian), Q (finite, Z = 1) and r only. */
int nc_ecp_verify_x(const nc_ecp_curve *C, const uint8_t *u1, const uint8_t *u2,
                    const nc_ecp_point *q, const uint64_t *r);
void nc_ecp_add(const nc_ecp_curve *C, nc_ecp_point *r, const nc_ecp_point *p,
                const nc_ecp_point *q);
/* Affine X (and Y when y != NULL) as plain (non-Montgomery) limbs; returns 1,
 * or 0 for the identity.  Constant time. */
uint32_t nc_ecp_affine(const nc_ecp_curve *C, uint64_t *x, uint64_t *y, const nc_ecp_point *p);
/* r = 1/a mod n (Montgomery form in and out; constant time). */
void nc_ecp_scalar_inv(const nc_ecp_curve *C, uint64_t *r, const uint64_t *a);
/* r = x^-1 mod m for plain (non-Montgomery) x < m, m an odd prime of 4
 * (inv256) or 6 (inv384) limbs; 0 maps to 0.  Constant time (ecp_inv.c). */
void nc_ecp_inv256(uint64_t *r, const uint64_t *x, const uint64_t *m);
void nc_ecp_inv384(uint64_t *r, const uint64_t *x, const uint64_t *m);
/* Loads X||Y bytes into a point; returns 1 when the point is valid. */
int nc_ecp_load(const nc_ecp_curve *C, nc_ecp_point *p, const uint8_t *xy);

#endif
