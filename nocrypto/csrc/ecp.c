/* Group arithmetic on the NIST curves P-256 and P-384 (FIPS 186-5 and
 * SP 800-186 for the parameters, SEC 1 v2 for encodings and ECDH).
 *
 * Field elements are Montgomery-form limbs (mont64.h).  Points use the
 * complete projective formulas for a = -3 of Renes, Costello and Batina,
 * "Complete addition formulas for prime order elliptic curves" (2016),
 * Algorithms 4 (addition) and 6 (doubling): they have no exceptional cases,
 * so the same sequence of field operations runs for every input, including
 * the identity and P + P.
 *
 * Scalar multiplication by a secret uses signed radix-2^w digits (Booth
 * recoding: the magnitude selects a table entry by a masked scan of every
 * entry, the sign negates its y with a mask): 5-bit windows over the
 * multiples P..16P (variable base), or a comb over precomputed affine
 * tables j*2^(w i)*G, 1 <= j <= 2^(w-1) (fixed base), the latter
 * added with RCB16's mixed Algorithm 5 (complete while the affine point is
 * not the identity: a zero digit keeps the accumulator through a mask
 * instead).  Neither branches on nor indexes by scalar bits.  Verification,
 * whose scalars are public, has its own variable-time path in Jacobian
 * coordinates (nc_ecp_verify_x) that must never see a secret.  Inversions
 * (affine conversion, k^-1) are safegcd (ecp_inv.c).
 *
 * Paths: every public entry point picks its curve record once from
 * nc_cpu_features(); on P-256 with BMI2 and ADX that record routes field
 * multiplication, addition and subtraction to ecp_adx.c, otherwise to the
 * portable C here.  The point formulas are instantiated per curve and path
 * so the modulus folds into the inlined arithmetic.
 */
#include "ecp.h"

#include "cpu.h"
#include "ct.h"
#include "ecp_internal.h"
#include "mont64.h"

static const nc_mm_mod p256_fp = {4, {0xffffffffffffffffULL, 0x00000000ffffffffULL, 0x0000000000000000ULL, 0xffffffff00000001ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}, 0x0000000000000001ULL, {0x0000000000000003ULL, 0xfffffffbffffffffULL, 0xfffffffffffffffeULL, 0x00000004fffffffdULL, 0x0000000000000000ULL, 0x0000000000000000ULL}, {0x0000000000000001ULL, 0xffffffff00000000ULL, 0xffffffffffffffffULL, 0x00000000fffffffeULL, 0x0000000000000000ULL, 0x0000000000000000ULL}};
static const nc_mm_mod p256_fn = {4, {0xf3b9cac2fc632551ULL, 0xbce6faada7179e84ULL, 0xffffffffffffffffULL, 0xffffffff00000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}, 0xccd1c8aaee00bc4fULL, {0x83244c95be79eea2ULL, 0x4699799c49bd6fa6ULL, 0x2845b2392b6bec59ULL, 0x66e12d94f3d95620ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}, {0x0c46353d039cdaafULL, 0x4319055258e8617bULL, 0x0000000000000000ULL, 0x00000000ffffffffULL, 0x0000000000000000ULL, 0x0000000000000000ULL}};
static const uint64_t p256_b[6] = {0xd89cdf6229c4bddfULL, 0xacf005cd78843090ULL, 0xe5a220abf7212ed6ULL, 0xdc30061d04874834ULL, 0x0000000000000000ULL, 0x0000000000000000ULL};
static const uint64_t p256_gx[6] = {0x79e730d418a9143cULL, 0x75ba95fc5fedb601ULL, 0x79fb732b77622510ULL, 0x18905f76a53755c6ULL, 0x0000000000000000ULL, 0x0000000000000000ULL};
static const uint64_t p256_gy[6] = {0xddf25357ce95560aULL, 0x8b4ab8e4ba19e45cULL, 0xd2e88688dd21f325ULL, 0x8571ff1825885d85ULL, 0x0000000000000000ULL, 0x0000000000000000ULL};
static const nc_mm_mod p384_fp = {6, {0x00000000ffffffffULL, 0xffffffff00000000ULL, 0xfffffffffffffffeULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL}, 0x0000000100000001ULL, {0xfffffffe00000001ULL, 0x0000000200000000ULL, 0xfffffffe00000000ULL, 0x0000000200000000ULL, 0x0000000000000001ULL, 0x0000000000000000ULL}, {0xffffffff00000001ULL, 0x00000000ffffffffULL, 0x0000000000000001ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}};
static const nc_mm_mod p384_fn = {6, {0xecec196accc52973ULL, 0x581a0db248b0a77aULL, 0xc7634d81f4372ddfULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL}, 0x6ed46089e88fdc45ULL, {0x2d319b2419b409a9ULL, 0xff3d81e5df1aa419ULL, 0xbc3e483afcb82947ULL, 0xd40d49174aab1cc5ULL, 0x3fb05b7a28266895ULL, 0x0c84ee012b39bf21ULL}, {0x1313e695333ad68dULL, 0xa7e5f24db74f5885ULL, 0x389cb27e0bc8d220ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}};
static const uint64_t p384_b[6] = {0x081188719d412dccULL, 0xf729add87a4c32ecULL, 0x77f2209b1920022eULL, 0xe3374bee94938ae2ULL, 0xb62b21f41f022094ULL, 0xcd08114b604fbff9ULL};
static const uint64_t p384_gx[6] = {0x3dd0756649c0b528ULL, 0x20e378e2a0d6ce38ULL, 0x879c3afc541b4d6eULL, 0x6454868459a30effULL, 0x812ff723614ede2bULL, 0x4d3aadc2299e1513ULL};
static const uint64_t p384_gy[6] = {0x23043dad4b03a4feULL, 0xa1bfa8bf7bb4a9acULL, 0x8bade7562e83b050ULL, 0xc6c3521968f4ffd9ULL, 0xdd8002263969a840ULL, 0x2b78abc25a15c5e9ULL};


/* Comb tables (see nc_ecp_curve): P-256 in 43 windows of 6 bits (32
 * entries a row), P-384 in 77 windows of 5 bits (16 entries). */
#define P256_GBITS 6
#define P256_GWIN 43
#define P384_GBITS 5
#define P384_GWIN 77
static uint64_t p256_gtab[P256_GWIN][1 << (P256_GBITS - 1)][8];
static uint64_t p384_gtab[P384_GWIN][1 << (P384_GBITS - 1)][12];

/* Indexed by curve id, plus 2 for the hardware (MULX/ADX) path. */
static const nc_ecp_curve curves[4] = {
    {&p256_fp, &p256_fn, p256_b, p256_gx, p256_gy, 32, &p256_gtab[0][0][0], P256_GBITS, P256_GWIN, 0},
    {&p384_fp, &p384_fn, p384_b, p384_gx, p384_gy, 48, &p384_gtab[0][0][0], P384_GBITS, P384_GWIN, 0},
    {&p256_fp, &p256_fn, p256_b, p256_gx, p256_gy, 32, &p256_gtab[0][0][0], P256_GBITS, P256_GWIN, 1},
    {&p384_fp, &p384_fn, p384_b, p384_gx, p384_gy, 48, &p384_gtab[0][0][0], P384_GBITS, P384_GWIN, 0},
};

static int tables_ready;

static void pt_identity(const nc_ecp_curve *C, nc_ecp_point *r) {
    mm_zero(C->fp, r->x);
    mm_copy(C->fp, r->y, C->fp->one);
    mm_zero(C->fp, r->z);
}

static void pt_cmov(const nc_ecp_curve *C, uint32_t ctl, nc_ecp_point *r, const nc_ecp_point *a) {
    mm_cmov(C->fp, ctl, r->x, a->x);
    mm_cmov(C->fp, ctl, r->y, a->y);
    mm_cmov(C->fp, ctl, r->z, a->z);
}

/* Field operations specialised per curve: with the modulus a compile-time
 * constant, the Montgomery code folds its limbs (P-256's 0 and all-ones
 * limbs, m0inv = 1) instead of loading and multiplying them. */
/* P-256 Montgomery multiplication (CIOS) with the reduction step written
 * for p = 2^256 - 2^224 + 2^192 + 2^96 - 1: m0inv = 1 so q = t[0], and
 * q*p adds up to q*2^64 (word 0), q*2^32 (word 1, with the carry), nothing
 * (word 2) and one real product q*p[3] (word 3). */
static void p256_fmul(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5;
    const uint64_t p3 = 0xffffffff00000001ULL;
    _Pragma("GCC unroll 4")
    for (int i = 0; i < 4; i++) {
        mm_u128 c;
        uint64_t ai = a[i];
        c = (mm_u128)ai * b[0] + t0;
        t0 = (uint64_t)c;
        c = (mm_u128)ai * b[1] + t1 + (uint64_t)(c >> 64);
        t1 = (uint64_t)c;
        c = (mm_u128)ai * b[2] + t2 + (uint64_t)(c >> 64);
        t2 = (uint64_t)c;
        c = (mm_u128)ai * b[3] + t3 + (uint64_t)(c >> 64);
        t3 = (uint64_t)c;
        c = (mm_u128)t4 + (uint64_t)(c >> 64);
        t4 = (uint64_t)c;
        t5 = (uint64_t)(c >> 64);
        /* t += q p, then shift one word down */
        uint64_t q = t0;
        c = (mm_u128)t1 + ((mm_u128)q << 32) + q;
        c -= q; /* q*p1 + carry q = q*2^32 */
        t0 = (uint64_t)c;
        c = (mm_u128)t2 + (uint64_t)(c >> 64);
        t1 = (uint64_t)c;
        c = (mm_u128)q * p3 + t3 + (uint64_t)(c >> 64);
        t2 = (uint64_t)c;
        c = (mm_u128)t4 + (uint64_t)(c >> 64);
        t3 = (uint64_t)c;
        t4 = t5 + (uint64_t)(c >> 64);
    }
    /* t < 2p: subtract p unless that borrows past t4. */
    uint64_t d0, d1, d2, d3, borrow;
    mm_u128 s;
    s = (mm_u128)t0 - p256_fp.m[0];
    d0 = (uint64_t)s;
    borrow = (uint64_t)(s >> 64) & 1;
    s = (mm_u128)t1 - p256_fp.m[1] - borrow;
    d1 = (uint64_t)s;
    borrow = (uint64_t)(s >> 64) & 1;
    s = (mm_u128)t2 - borrow;
    d2 = (uint64_t)s;
    borrow = (uint64_t)(s >> 64) & 1;
    s = (mm_u128)t3 - p3 - borrow;
    d3 = (uint64_t)s;
    borrow = (uint64_t)(s >> 64) & 1;
    uint64_t keep = nc_ct_mask64(borrow & (1 ^ (t4 & 1)));
    r[0] = d0 ^ (keep & (d0 ^ t0));
    r[1] = d1 ^ (keep & (d1 ^ t1));
    r[2] = d2 ^ (keep & (d2 ^ t2));
    r[3] = d3 ^ (keep & (d3 ^ t3));
}

static void p384_fmul(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    mm_mul_g(6, &p384_fp, r, a, b);
}

MM_INLINE void fmul(const nc_mm_mod *F, int adx, uint64_t *r, const uint64_t *a,
                    const uint64_t *b) {
    if (F == &p256_fp && adx) nc_p256_mul_adx(r, a, b);
    else if (F == &p256_fp) p256_fmul(r, a, b);
    else if (F == &p384_fp) p384_fmul(r, a, b);
    else mm_mul(F, r, a, b);
}

MM_INLINE void fadd(const nc_mm_mod *F, int adx, uint64_t *r, const uint64_t *a,
                    const uint64_t *b) {
    if (F == &p256_fp && adx) nc_p256_add_adx(r, a, b);
    else if (F == &p256_fp) mm_add_g(4, &p256_fp, r, a, b);
    else if (F == &p384_fp) mm_add_g(6, &p384_fp, r, a, b);
    else mm_add(F, r, a, b);
}

MM_INLINE void fsub(const nc_mm_mod *F, int adx, uint64_t *r, const uint64_t *a,
                    const uint64_t *b) {
    if (F == &p256_fp && adx) nc_p256_sub_adx(r, a, b);
    else if (F == &p256_fp) mm_sub_g(4, &p256_fp, r, a, b);
    else if (F == &p384_fp) mm_sub_g(6, &p384_fp, r, a, b);
    else mm_sub(F, r, a, b);
}

/* The second half of RCB16 Algorithms 4 and 5, shared by both: from
 * t0 = X1 X2, t1 = Y1 Y2, t2 = Z1 Z2, t3, t4 and Y3 as the first halves
 * leave them, finish r = p + q.  The temporaries are overwritten. */
MM_INLINE void pt_add_finish(const nc_mm_mod *F, const uint64_t *b, int adx, nc_ecp_point *r,
                             uint64_t *t0, uint64_t *t1, uint64_t *t2, uint64_t *t3,
                             uint64_t *t4, uint64_t *Y3) {
    uint64_t X3[MM_MAX], Z3[MM_MAX];
    fmul(F, adx, Z3, b, t2);
    fsub(F, adx, X3, Y3, Z3);
    fadd(F, adx, Z3, X3, X3);
    fadd(F, adx, X3, X3, Z3);
    fsub(F, adx, Z3, t1, X3);
    fadd(F, adx, X3, t1, X3);
    fmul(F, adx, Y3, b, Y3);
    fadd(F, adx, t1, t2, t2);
    fadd(F, adx, t2, t1, t2);
    fsub(F, adx, Y3, Y3, t2);
    fsub(F, adx, Y3, Y3, t0);
    fadd(F, adx, t1, Y3, Y3);
    fadd(F, adx, Y3, t1, Y3);
    fadd(F, adx, t1, t0, t0);
    fadd(F, adx, t0, t1, t0);
    fsub(F, adx, t0, t0, t2);
    fmul(F, adx, t1, t4, Y3);
    fmul(F, adx, t2, t0, Y3);
    fmul(F, adx, Y3, X3, Z3);
    fadd(F, adx, Y3, Y3, t2);
    fmul(F, adx, X3, t3, X3);
    fsub(F, adx, X3, X3, t1);
    fmul(F, adx, Z3, t4, Z3);
    fmul(F, adx, t1, t3, t0);
    fadd(F, adx, Z3, Z3, t1);
    mm_copy(F, r->x, X3);
    mm_copy(F, r->y, Y3);
    mm_copy(F, r->z, Z3);
}

/* RCB16 Algorithm 4: r = p + q, complete, a = -3.  r may alias p or q.
 * Written once and instantiated per curve (below) so the field constants
 * fold into the inlined Montgomery arithmetic. */
MM_INLINE void pt_add_g(const nc_mm_mod *F, const uint64_t *b, int adx, nc_ecp_point *r,
                        const nc_ecp_point *p, const nc_ecp_point *q) {
    uint64_t t0[MM_MAX], t1[MM_MAX], t2[MM_MAX], t3[MM_MAX], t4[MM_MAX];
    uint64_t X3[MM_MAX], Y3[MM_MAX];
    const uint64_t *X1 = p->x, *Y1 = p->y, *Z1 = p->z;
    const uint64_t *X2 = q->x, *Y2 = q->y, *Z2 = q->z;
    fmul(F, adx, t0, X1, X2);
    fmul(F, adx, t1, Y1, Y2);
    fmul(F, adx, t2, Z1, Z2);
    fadd(F, adx, t3, X1, Y1);
    fadd(F, adx, t4, X2, Y2);
    fmul(F, adx, t3, t3, t4);
    fadd(F, adx, t4, t0, t1);
    fsub(F, adx, t3, t3, t4);
    fadd(F, adx, t4, Y1, Z1);
    fadd(F, adx, X3, Y2, Z2);
    fmul(F, adx, t4, t4, X3);
    fadd(F, adx, X3, t1, t2);
    fsub(F, adx, t4, t4, X3);
    fadd(F, adx, X3, X1, Z1);
    fadd(F, adx, Y3, X2, Z2);
    fmul(F, adx, X3, X3, Y3);
    fadd(F, adx, Y3, t0, t2);
    fsub(F, adx, Y3, X3, Y3);
    pt_add_finish(F, b, adx, r, t0, t1, t2, t3, t4, Y3);
}

/* RCB16 Algorithm 6: r = 2p, complete, a = -3.  r may alias p. */
MM_INLINE void pt_dbl_g(const nc_mm_mod *F, const uint64_t *b, int adx, nc_ecp_point *r,
                        const nc_ecp_point *p) {
    uint64_t t0[MM_MAX], t1[MM_MAX], t2[MM_MAX], t3[MM_MAX];
    uint64_t X3[MM_MAX], Y3[MM_MAX], Z3[MM_MAX];
    const uint64_t *X = p->x, *Y = p->y, *Z = p->z;
    fmul(F, adx, t0, X, X);
    fmul(F, adx, t1, Y, Y);
    fmul(F, adx, t2, Z, Z);
    fmul(F, adx, t3, X, Y);
    fadd(F, adx, t3, t3, t3);
    fmul(F, adx, Z3, X, Z);
    fadd(F, adx, Z3, Z3, Z3);
    fmul(F, adx, Y3, b, t2);
    fsub(F, adx, Y3, Y3, Z3);
    fadd(F, adx, X3, Y3, Y3);
    fadd(F, adx, Y3, X3, Y3);
    fsub(F, adx, X3, t1, Y3);
    fadd(F, adx, Y3, t1, Y3);
    fmul(F, adx, Y3, X3, Y3);
    fmul(F, adx, X3, X3, t3);
    fadd(F, adx, t3, t2, t2);
    fadd(F, adx, t2, t2, t3);
    fmul(F, adx, Z3, b, Z3);
    fsub(F, adx, Z3, Z3, t2);
    fsub(F, adx, Z3, Z3, t0);
    fadd(F, adx, t3, Z3, Z3);
    fadd(F, adx, Z3, Z3, t3);
    fadd(F, adx, t3, t0, t0);
    fadd(F, adx, t0, t3, t0);
    fsub(F, adx, t0, t0, t2);
    fmul(F, adx, t0, t0, Z3);
    fadd(F, adx, Y3, Y3, t0);
    fmul(F, adx, t0, Y, Z);
    fadd(F, adx, t0, t0, t0);
    fmul(F, adx, Z3, t0, Z3);
    fsub(F, adx, X3, X3, Z3);
    fmul(F, adx, Z3, t0, t1);
    fadd(F, adx, Z3, Z3, Z3);
    fadd(F, adx, Z3, Z3, Z3);
    mm_copy(F, r->x, X3);
    mm_copy(F, r->y, Y3);
    mm_copy(F, r->z, Z3);
}

/* RCB16 Algorithm 5: r = p + q for an affine q (Z = 1) that is not the
 * identity, complete otherwise, a = -3.  r may alias p.  It is Algorithm 4
 * with Z2 = 1: Z1 Z2 is Z1, and (Y1 + Z1)(Y2 + Z2) - Y1 Y2 - Z1 Z2 and
 * (X1 + Z1)(X2 + Z2) - X1 X2 - Z1 Z2 shrink to Y2 Z1 + Y1 and X2 Z1 + X1. */
MM_INLINE void pt_add_mixed_g(const nc_mm_mod *F, const uint64_t *b, int adx, nc_ecp_point *r,
                              const nc_ecp_point *p, const nc_ecp_affine_point *q) {
    uint64_t t0[MM_MAX], t1[MM_MAX], t2[MM_MAX], t3[MM_MAX], t4[MM_MAX];
    uint64_t Y3[MM_MAX];
    const uint64_t *X1 = p->x, *Y1 = p->y, *Z1 = p->z;
    const uint64_t *X2 = q->x, *Y2 = q->y;
    fmul(F, adx, t0, X1, X2);
    fmul(F, adx, t1, Y1, Y2);
    mm_copy(F, t2, Z1);
    fadd(F, adx, t3, X1, Y1);
    fadd(F, adx, t4, X2, Y2);
    fmul(F, adx, t3, t3, t4);
    fadd(F, adx, t4, t0, t1);
    fsub(F, adx, t3, t3, t4);
    fmul(F, adx, t4, Y2, Z1);
    fadd(F, adx, t4, t4, Y1);
    fmul(F, adx, Y3, X2, Z1);
    fadd(F, adx, Y3, Y3, X1);
    pt_add_finish(F, b, adx, r, t0, t1, t2, t3, t4, Y3);
}

static void p256_add_mixed(nc_ecp_point *r, const nc_ecp_point *p, const nc_ecp_affine_point *q) {
    pt_add_mixed_g(&p256_fp, p256_b, 0, r, p, q);
}

static void p256_add_mixed_adx(nc_ecp_point *r, const nc_ecp_point *p,
                               const nc_ecp_affine_point *q) {
    pt_add_mixed_g(&p256_fp, p256_b, 1, r, p, q);
}

static void p384_add_mixed(nc_ecp_point *r, const nc_ecp_point *p, const nc_ecp_affine_point *q) {
    pt_add_mixed_g(&p384_fp, p384_b, 0, r, p, q);
}

static void pt_add_mixed(const nc_ecp_curve *C, nc_ecp_point *r, const nc_ecp_point *p,
                         const nc_ecp_affine_point *q) {
    if (C->size == 32) {
        if (C->adx) p256_add_mixed_adx(r, p, q);
        else p256_add_mixed(r, p, q);
    } else {
        p384_add_mixed(r, p, q);
    }
}

static void p256_add(nc_ecp_point *r, const nc_ecp_point *p, const nc_ecp_point *q) {
    pt_add_g(&p256_fp, p256_b, 0, r, p, q);
}

static void p256_add_adx(nc_ecp_point *r, const nc_ecp_point *p, const nc_ecp_point *q) {
    pt_add_g(&p256_fp, p256_b, 1, r, p, q);
}

static void p384_add(nc_ecp_point *r, const nc_ecp_point *p, const nc_ecp_point *q) {
    pt_add_g(&p384_fp, p384_b, 0, r, p, q);
}

static void p256_dbl(nc_ecp_point *r, const nc_ecp_point *p) {
    pt_dbl_g(&p256_fp, p256_b, 0, r, p);
}

static void p256_dbl_adx(nc_ecp_point *r, const nc_ecp_point *p) {
    pt_dbl_g(&p256_fp, p256_b, 1, r, p);
}

static void p384_dbl(nc_ecp_point *r, const nc_ecp_point *p) {
    pt_dbl_g(&p384_fp, p384_b, 0, r, p);
}

void nc_ecp_add(const nc_ecp_curve *C, nc_ecp_point *r, const nc_ecp_point *p,
                const nc_ecp_point *q) {
    if (C->size == 32) {
        if (C->adx) p256_add_adx(r, p, q);
        else p256_add(r, p, q);
    } else {
        p384_add(r, p, q);
    }
}

static void pt_dbl(const nc_ecp_curve *C, nc_ecp_point *r, const nc_ecp_point *p) {
    if (C->size == 32) {
        if (C->adx) p256_dbl_adx(r, p);
        else p256_dbl(r, p);
    } else {
        p384_dbl(r, p);
    }
}

/* r = +-tab[mag - 1] (negated when neg is all ones), the identity when
 * mag = 0, for a secret mag in [0, 16]: reads all 16 entries. */
static void pt_select(const nc_ecp_curve *C, nc_ecp_point *r, const nc_ecp_point *tab,
                      uint32_t mag, uint32_t neg) {
    uint64_t ny[MM_MAX], zero[MM_MAX] = {0};
    pt_identity(C, r);
    for (uint32_t j = 0; j < 16; j++) pt_cmov(C, nc_ct_eq32(j + 1, mag), r, &tab[j]);
    mm_sub(C->fp, ny, zero, r->y);
    mm_cmov(C->fp, neg & 1, r->y, ny);
}

/* r = +-row[mag - 1] (the negation when neg is all ones; anything when
 * mag = 0, which the caller masks out) for a secret mag in [0, entries]:
 * reads every limb of every entry.  n and entries are constants in each
 * instance. */
MM_INLINE void comb_select_g(int n, int entries, const nc_mm_mod *F, nc_ecp_affine_point *r,
                             const uint64_t *row, uint32_t mag, uint32_t neg) {
    uint64_t acc[2 * MM_MAX] = {0}, ny[MM_MAX], zero[MM_MAX] = {0};
    for (int j = 0; j < entries; j++) {
        uint64_t m = nc_ct_mask64(nc_ct_eq32((uint32_t)j + 1, mag));
        _Pragma("GCC unroll 12")
        for (int l = 0; l < 2 * n; l++) acc[l] |= m & row[2 * n * j + l];
    }
    for (int l = 0; l < n; l++) {
        r->x[l] = acc[l];
        r->y[l] = acc[n + l];
    }
    mm_sub_g(n, F, ny, zero, r->y);
    mm_cmov(F, neg & 1, r->y, ny);
}

static void comb_select(const nc_ecp_curve *C, nc_ecp_affine_point *r, int i, uint32_t mag,
                        uint32_t neg) {
    size_t stride = (size_t)2 * C->fp->n << (C->gbits - 1);
    const uint64_t *row = C->gtab + stride * (size_t)i;
    if (C->size == 32) comb_select_g(4, 1 << (P256_GBITS - 1), &p256_fp, r, row, mag, neg);
    else comb_select_g(6, 1 << (P384_GBITS - 1), &p384_fp, r, row, mag, neg);
}

static void field_inv(const nc_ecp_curve *C, uint64_t *r, const uint64_t *a);

static void batch_affine(const nc_ecp_curve *C, nc_ecp_affine_point *out, const nc_ecp_point *in,
                         int count);

/* The comb tables, row by row: the entries are built projectively and
 * made affine together (batch_affine).  Public values, built once. */
static void build_tables(void) {
    for (int c = 0; c < 2; c++) {
        const nc_ecp_curve *C = &curves[c];
        const nc_mm_mod *F = C->fp;
        int n = F->n, entries = 1 << (C->gbits - 1);
        nc_ecp_point base, row[1 << (P256_GBITS - 1)];
        nc_ecp_affine_point aff[1 << (P256_GBITS - 1)];
        mm_copy(F, base.x, C->gx);
        mm_copy(F, base.y, C->gy);
        mm_copy(F, base.z, F->one);
        for (int i = 0; i < C->gwin; i++) {
            row[0] = base;
            for (int j = 1; j < entries; j++) nc_ecp_add(C, &row[j], &row[j - 1], &base);
            pt_dbl(C, &base, &row[entries - 1]); /* 2^gbits times the row's base */
            batch_affine(C, aff, row, entries);
            for (int j = 0; j < entries; j++) {
                uint64_t *out = C->gtab + (size_t)2 * n * ((size_t)i * entries + j);
                mm_copy(F, out, aff[j].x);
                mm_copy(F, out + n, aff[j].y);
            }
        }
    }
}

void nc_ec_init(void) {
    if (!tables_ready) {
        build_tables();
        tables_ready = 1;
    }
}

const nc_ecp_curve *nc_ecp_curve_get(int curve) {
    if (curve != NC_EC_P256 && curve != NC_EC_P384) return 0;
    nc_ec_init();
    uint32_t need = NC_CPU_BMI2 | NC_CPU_ADX;
    int hw = (nc_cpu_features() & need) == need;
    return &curves[curve + (hw ? 2 : 0)];
}

int nc_ec_size(int curve) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    return C ? C->size : 0;
}

/* Digit i of the scalar k (size bytes, big-endian) in signed radix 2^w
 * (Booth recoding: k = sum d_i 2^(w i), d_i in [-2^(w-1), 2^(w-1)], taken
 * from bits w i - 1 .. w i + w - 1, bit -1 being 0): returns |d_i| and sets
 * neg to all ones when d_i < 0.  Positions are public, bits secret: no
 * branch or index on them. */
static uint32_t booth_digit(const uint8_t *k, int size, int w, int i, uint32_t *neg) {
    uint32_t win = 0;
    for (int b = 0; b <= w; b++) {
        int bit = w * i - 1 + b;
        if (bit >= 0 && bit < 8 * size)
            win |= (uint32_t)((k[size - 1 - bit / 8] >> (bit % 8)) & 1) << b;
    }
    uint32_t x = (win >> 1) + (win & 1); /* the w low bits plus bit -1 */
    uint32_t m = 0 - (win >> w);         /* top bit: subtract 2^w */
    *neg = m;
    return (((1u << w) - x) & m) | (x & ~m);
}

void nc_ecp_mul_base(const nc_ecp_curve *C, nc_ecp_point *r, const uint8_t *k) {
    const nc_mm_mod *F = C->fp;
    nc_ecp_point acc, sum;
    nc_ecp_affine_point sel;
    uint32_t neg, mag = booth_digit(k, C->size, C->gbits, 0, &neg);
    /* the first window's point (Z = 1), or the identity for a zero digit */
    comb_select(C, &sel, 0, mag, neg);
    mm_copy(F, sum.x, sel.x);
    mm_copy(F, sum.y, sel.y);
    mm_copy(F, sum.z, F->one);
    pt_identity(C, &acc);
    pt_cmov(C, nc_ct_nonzero32(mag), &acc, &sum);
    for (int i = 1; i < C->gwin; i++) {
        mag = booth_digit(k, C->size, C->gbits, i, &neg);
        comb_select(C, &sel, i, mag, neg);
        pt_add_mixed(C, &sum, &acc, &sel);
        pt_cmov(C, nc_ct_nonzero32(mag), &acc, &sum);
    }
    *r = acc;
    nc_ct_wipe(&sel, sizeof sel);
    nc_ct_wipe(&sum, sizeof sum);
}

/* r = k P: signed 5-bit windows (booth_digit) over the multiples P..16P,
 * from the top; each window is five doublings and one complete addition
 * of the masked selection (the identity for a zero digit). */
#define NC_MUL_BITS 5
void nc_ecp_mul(const nc_ecp_curve *C, nc_ecp_point *r, const nc_ecp_point *p, const uint8_t *k) {
    nc_ecp_point tab[16], acc, sel;
    uint32_t neg, mag;
    int win = (8 * C->size + NC_MUL_BITS) / NC_MUL_BITS; /* covers 8 size + 1 bits */
    tab[0] = *p; /* tab[j] = (j + 1) P */
    for (int j = 1; j < 16; j++) {
        if (j & 1) pt_dbl(C, &tab[j], &tab[j / 2]);
        else nc_ecp_add(C, &tab[j], &tab[j - 1], p);
    }
    mag = booth_digit(k, C->size, NC_MUL_BITS, win - 1, &neg);
    pt_select(C, &acc, tab, mag, neg);
    for (int i = win - 2; i >= 0; i--) {
        for (int d = 0; d < NC_MUL_BITS; d++) pt_dbl(C, &acc, &acc);
        mag = booth_digit(k, C->size, NC_MUL_BITS, i, &neg);
        pt_select(C, &sel, tab, mag, neg);
        nc_ecp_add(C, &acc, &acc, &sel);
    }
    *r = acc;
    nc_ct_wipe(&sel, sizeof sel);
    nc_ct_wipe(tab, sizeof tab);
}

/* --- Verification: variable time, PUBLIC inputs only ----------------------
 *
 * u1 G + u2 Q runs in Jacobian coordinates (X:Y:Z) for (X/Z^2, Y/Z^3), the
 * identity having Z = 0: doubling "dbl-2001-b" for a = -3 (8 products, exact
 * for every point, the identity included, since no point has Y = 0) and
 * the mixed addition "madd-2007-bl" of a Jacobian and an affine point
 * (7M + 4S), whose exceptional cases (the identity, P + P, P + -P) are
 * branched on.  Formulas from the Explicit-Formulas Database (Bernstein and
 * Lange). */

/* r = 2p; r may alias p.  dbl-2001-b with 2 Y Z for Z3 and 8 Y^4 as the
 * product (2 Y^2)(4 Y^2), which saves additions (no dedicated squaring). */
MM_INLINE void jac_dbl_g(const nc_mm_mod *F, int adx, nc_ecp_point *r, const nc_ecp_point *p) {
    uint64_t delta[MM_MAX], g2[MM_MAX], g4[MM_MAX], beta4[MM_MAX], alpha[MM_MAX], t[MM_MAX];
    uint64_t u[MM_MAX];
    fmul(F, adx, delta, p->z, p->z);
    fmul(F, adx, g2, p->y, p->y);
    fadd(F, adx, g2, g2, g2);           /* 2 Y^2 */
    fadd(F, adx, g4, g2, g2);           /* 4 Y^2 */
    fmul(F, adx, beta4, p->x, g4);      /* 4 X Y^2 */
    fsub(F, adx, t, p->x, delta);
    fadd(F, adx, u, p->x, delta);
    fmul(F, adx, alpha, t, u);
    fadd(F, adx, t, alpha, alpha);
    fadd(F, adx, alpha, alpha, t);      /* 3 (X - Z^2)(X + Z^2) */
    fmul(F, adx, t, p->y, p->z);
    fadd(F, adx, r->z, t, t);           /* 2 Y Z */
    fmul(F, adx, t, alpha, alpha);
    fadd(F, adx, u, beta4, beta4);
    fsub(F, adx, r->x, t, u);           /* alpha^2 - 8 X Y^2 */
    fsub(F, adx, t, beta4, r->x);
    fmul(F, adx, t, alpha, t);
    fmul(F, adx, u, g2, g4);            /* 8 Y^4 */
    fsub(F, adx, r->y, t, u);
}

/* r = p + q for a finite affine q, negated (x, -y) when neg; r may alias p. */
MM_INLINE void jac_add_affine_g(const nc_mm_mod *F, int adx, nc_ecp_point *r,
                                const nc_ecp_point *p, const nc_ecp_affine_point *q, int neg) {
    uint64_t z1z1[MM_MAX], u2[MM_MAX], s2[MM_MAX], h[MM_MAX], rr[MM_MAX], hh[MM_MAX];
    uint64_t i4[MM_MAX], j[MM_MAX], v[MM_MAX], t[MM_MAX], x3[MM_MAX], y3[MM_MAX];
    uint64_t y2[MM_MAX], zero[MM_MAX] = {0};
    mm_copy(F, y2, q->y);
    if (neg) fsub(F, adx, y2, zero, y2);
    if (mm_iszero(F, p->z)) {
        mm_copy(F, r->x, q->x);
        mm_copy(F, r->y, y2);
        mm_copy(F, r->z, F->one);
        return;
    }
    fmul(F, adx, z1z1, p->z, p->z);
    fmul(F, adx, u2, q->x, z1z1);
    fmul(F, adx, t, p->z, z1z1);
    fmul(F, adx, s2, y2, t);
    fsub(F, adx, h, u2, p->x);
    fsub(F, adx, rr, s2, p->y);
    if (mm_iszero(F, h)) {
        if (mm_iszero(F, rr)) {           /* p == q */
            jac_dbl_g(F, adx, r, p);
        } else {                          /* p == -q */
            mm_copy(F, r->x, F->one);
            mm_copy(F, r->y, F->one);
            mm_zero(F, r->z);
        }
        return;
    }
    fadd(F, adx, rr, rr, rr);
    fmul(F, adx, hh, h, h);
    fadd(F, adx, i4, hh, hh);
    fadd(F, adx, i4, i4, i4);
    fmul(F, adx, j, h, i4);
    fmul(F, adx, v, p->x, i4);
    fmul(F, adx, x3, rr, rr);
    fsub(F, adx, x3, x3, j);
    fsub(F, adx, x3, x3, v);
    fsub(F, adx, x3, x3, v);
    fsub(F, adx, t, v, x3);
    fmul(F, adx, y3, rr, t);
    fmul(F, adx, t, p->y, j);
    fadd(F, adx, t, t, t);
    fsub(F, adx, y3, y3, t);
    fadd(F, adx, t, p->z, h);
    fmul(F, adx, t, t, t);
    fsub(F, adx, t, t, z1z1);
    fsub(F, adx, r->z, t, hh);
    mm_copy(F, r->x, x3);
    mm_copy(F, r->y, y3);
}

/* out[i] = in[i] / in[i].z for count finite projective points, with one
 * inversion (Montgomery's trick: three products per point). */
static void batch_affine(const nc_ecp_curve *C, nc_ecp_affine_point *out, const nc_ecp_point *in,
                         int count) {
    const nc_mm_mod *F = C->fp;
    uint64_t pre[1 << (P256_GBITS - 1)][MM_MAX], inv[MM_MAX], zi[MM_MAX];
    mm_copy(F, pre[0], in[0].z);
    for (int j = 1; j < count; j++) fmul(F, C->adx, pre[j], pre[j - 1], in[j].z);
    field_inv(C, inv, pre[count - 1]);        /* 1 / (product of the Zs) */
    for (int j = count - 1; j >= 0; j--) {
        if (j > 0) {
            fmul(F, C->adx, zi, inv, pre[j - 1]);  /* 1 / Z */
            fmul(F, C->adx, inv, inv, in[j].z);    /* drop Z from the product */
        } else {
            mm_copy(F, zi, inv);
        }
        fmul(F, C->adx, out[j].x, in[j].x, zi);
        fmul(F, C->adx, out[j].y, in[j].y, zi);
    }
}

/* The width-5 NAF of k (size bytes, big-endian): digits odd in [-15, 15]
 * or 0, at least four zeros after each nonzero one, least significant
 * first; returns the number of digits. */
static int wnaf5(int8_t *naf, const uint8_t *k, int n) {
    uint64_t w[MM_MAX + 1] = {0};
    int len = 0;
    for (int j = 0; j < n; j++) w[j] = nc_load_be64(k + 8 * (n - 1 - j));
    for (;;) {
        uint64_t any = 0;
        for (int j = 0; j <= n; j++) any |= w[j];
        if (!any) return len;
        int d = 0;
        if (w[0] & 1) {
            d = (int)(w[0] & 31);
            if (d > 15) d -= 32;
            /* w -= d (w stays >= 0: d < 0 adds) */
            if (d > 0) {
                uint64_t b = (uint64_t)d;
                for (int j = 0; j <= n && b; j++) {
                    uint64_t v = w[j];
                    w[j] = v - b;
                    b = v < b;
                }
            } else {
                uint64_t c = (uint64_t)(-d);
                for (int j = 0; j <= n && c; j++) {
                    w[j] += c;
                    c = w[j] < c;
                }
            }
        }
        naf[len++] = (int8_t)d;
        for (int j = 0; j < n; j++) w[j] = (w[j] >> 1) | (w[j + 1] << 63);
        w[n] >>= 1;
    }
}

/* x(u1 G + u2 Q) == r mod n, Jacobian throughout: u2 Q by width-5 NAF over
 * Q, 3Q, ..., 15Q (made affine together), then u1 G's comb digits added
 * into the same accumulator (the comb needs no doublings).  x(R) is
 * compared as X == x Z^2 for x = r and x = r + n (when below p): no
 * inversion. */
MM_INLINE int verify_g(const nc_ecp_curve *C, const nc_mm_mod *F, int adx, const uint8_t *u1,
                       const uint8_t *u2, const nc_ecp_point *q, const uint64_t *r) {
    int n = F->n, entries = 1 << (C->gbits - 1);
    int8_t naf[8 * MM_MAX * 8 + 1];
    int len = wnaf5(naf, u2, n);
    nc_ecp_point ptab[8], q2, acc;
    nc_ecp_affine_point tab[8], g;
    ptab[0] = *q;
    pt_dbl(C, &q2, q);
    for (int i = 1; i < 8; i++) nc_ecp_add(C, &ptab[i], &ptab[i - 1], &q2);
    batch_affine(C, tab, ptab, 8);
    mm_copy(F, acc.x, F->one);
    mm_copy(F, acc.y, F->one);
    mm_zero(F, acc.z);
    for (int i = len - 1; i >= 0; i--) {
        if (!mm_iszero(F, acc.z)) jac_dbl_g(F, adx, &acc, &acc);
        int d = naf[i];
        if (d > 0) jac_add_affine_g(F, adx, &acc, &acc, &tab[(d - 1) / 2], 0);
        else if (d < 0) jac_add_affine_g(F, adx, &acc, &acc, &tab[(-d - 1) / 2], 1);
    }
    for (int i = 0; i < C->gwin; i++) {
        uint32_t neg, mag = booth_digit(u1, C->size, C->gbits, i, &neg);
        if (mag == 0) continue;
        const uint64_t *e = C->gtab + (size_t)2 * n * ((size_t)i * entries + mag - 1);
        mm_copy(F, g.x, e);
        mm_copy(F, g.y, e + n);
        jac_add_affine_g(F, adx, &acc, &acc, &g, neg != 0);
    }
    if (mm_iszero(F, acc.z)) return 0;
    uint64_t z2[MM_MAX], x[MM_MAX], xm[MM_MAX], t[MM_MAX];
    fmul(F, adx, z2, acc.z, acc.z);
    mm_copy(F, x, r);
    for (int pass = 0; pass < 2; pass++) {
        mm_to(F, xm, x);
        fmul(F, adx, t, xm, z2);
        if (mm_eq(F, t, acc.x)) return 1;
        /* x = r + n: a second candidate when it is still below p */
        uint64_t carry = 0;
        for (int j = 0; j < n; j++) {
            mm_u128 s = (mm_u128)x[j] + C->fn->m[j] + carry;
            x[j] = (uint64_t)s;
            carry = (uint64_t)(s >> 64);
        }
        if (carry || !mm_lt_mod(F, x)) return 0;
    }
    return 0;
}

static int p256_verify(const nc_ecp_curve *C, const uint8_t *u1, const uint8_t *u2,
                       const nc_ecp_point *q, const uint64_t *r) {
    return verify_g(C, &p256_fp, 0, u1, u2, q, r);
}

static int p256_verify_adx(const nc_ecp_curve *C, const uint8_t *u1, const uint8_t *u2,
                           const nc_ecp_point *q, const uint64_t *r) {
    return verify_g(C, &p256_fp, 1, u1, u2, q, r);
}

static int p384_verify(const nc_ecp_curve *C, const uint8_t *u1, const uint8_t *u2,
                       const nc_ecp_point *q, const uint64_t *r) {
    return verify_g(C, &p384_fp, 0, u1, u2, q, r);
}

int nc_ecp_verify_x(const nc_ecp_curve *C, const uint8_t *u1, const uint8_t *u2,
                    const nc_ecp_point *q, const uint64_t *r) {
    if (C->size == 32) {
        if (C->adx) return p256_verify_adx(C, u1, u2, q, r);
        return p256_verify(C, u1, u2, q, r);
    }
    return p384_verify(C, u1, u2, q, r);
}

/* r = 1/a (0 for 0) with a and r in Montgomery form: ecp_inv.c's safegcd
 * gives (a R)^-1, and two Montgomery products by R^2 make it a^-1 R. */
static void field_inv(const nc_ecp_curve *C, uint64_t *r, const uint64_t *a) {
    const nc_mm_mod *F = C->fp;
    uint64_t t[MM_MAX];
    if (C->size == 32) {
        nc_ecp_inv256(t, a, F->m);
        fmul(F, C->adx, t, t, F->r2);
        fmul(F, C->adx, r, t, F->r2);
    } else {
        nc_ecp_inv384(t, a, F->m);
        p384_fmul(t, t, F->r2);
        p384_fmul(r, t, F->r2);
    }
}

static void p256n_mul(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    mm_mul_g(4, &p256_fn, r, a, b);
}

static void p384n_mul(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    mm_mul_g(6, &p384_fn, r, a, b);
}

void nc_ecp_scalar_inv(const nc_ecp_curve *C, uint64_t *r, const uint64_t *a) {
    const nc_mm_mod *N = C->fn;
    uint64_t t[MM_MAX];
    if (C->size == 32) {
        nc_ecp_inv256(t, a, N->m);
        p256n_mul(t, t, N->r2);
        p256n_mul(r, t, N->r2);
    } else {
        nc_ecp_inv384(t, a, N->m);
        p384n_mul(t, t, N->r2);
        p384n_mul(r, t, N->r2);
    }
    nc_ct_wipe(t, sizeof t);
}

uint32_t nc_ecp_affine(const nc_ecp_curve *C, uint64_t *x, uint64_t *y, const nc_ecp_point *p) {
    const nc_mm_mod *F = C->fp;
    uint64_t zi[MM_MAX], t[MM_MAX];
    uint32_t ok = 1 ^ mm_iszero(F, p->z);
    field_inv(C, zi, p->z);
    mm_mul(F, t, p->x, zi);
    mm_from(F, x, t);
    if (y) {
        mm_mul(F, t, p->y, zi);
        mm_from(F, y, t);
    }
    return ok;
}

/* rhs = x^3 - 3x + b (Montgomery form). */
static void curve_rhs(const nc_ecp_curve *C, uint64_t *rhs, const uint64_t *x) {
    const nc_mm_mod *F = C->fp;
    uint64_t t[MM_MAX], x3[MM_MAX];
    mm_sqr(F, t, x);
    mm_mul(F, x3, t, x);
    mm_add(F, t, x, x);
    mm_add(F, t, t, x);
    mm_sub(F, x3, x3, t);
    mm_add(F, rhs, x3, C->b);
}

int nc_ecp_load(const nc_ecp_curve *C, nc_ecp_point *p, const uint8_t *xy) {
    const nc_mm_mod *F = C->fp;
    uint64_t x[MM_MAX], y[MM_MAX], lhs[MM_MAX], rhs[MM_MAX];
    mm_frombytes(F, x, xy);
    mm_frombytes(F, y, xy + C->size);
    if (!mm_lt_mod(F, x) || !mm_lt_mod(F, y)) return 0;
    mm_to(F, p->x, x);
    mm_to(F, p->y, y);
    mm_copy(F, p->z, F->one);
    mm_sqr(F, lhs, p->y);
    curve_rhs(C, rhs, p->x);
    /* (0, 0) is never on these curves (b is not 0), so a point that passes
     * is a finite point of the prime-order group. */
    return (int)mm_eq(F, lhs, rhs);
}

int nc_ec_point_check(int curve, const uint8_t *xy) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    nc_ecp_point p;
    return C ? nc_ecp_load(C, &p, xy) : 0;
}

int nc_ec_decompress(int curve, uint8_t *xy, const uint8_t *xb, int y_odd) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    if (!C) return 0;
    const nc_mm_mod *F = C->fp;
    uint64_t x[MM_MAX], xm[MM_MAX], rhs[MM_MAX], y[MM_MAX], e[MM_MAX] = {0}, t[MM_MAX];
    mm_frombytes(F, x, xb);
    if (!mm_lt_mod(F, x)) return 0;
    mm_to(F, xm, x);
    curve_rhs(C, rhs, xm);
    /* p = 3 mod 4 for both curves: sqrt(a) = a^((p+1)/4) when a is a square. */
    uint64_t carry = 1;
    for (int j = 0; j < F->n; j++) {
        mm_u128 s = (mm_u128)F->m[j] + carry;
        e[j] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    for (int j = 0; j < F->n; j++) {
        uint64_t hi = j + 1 < F->n ? e[j + 1] : carry;
        e[j] = (e[j] >> 2) | (hi << 62);
    }
    mm_pow_public(F, y, rhs, e);
    mm_sqr(F, t, y);
    if (!mm_eq(F, t, rhs)) return 0;
    mm_from(F, t, y);
    if ((int)(t[0] & 1) != (y_odd != 0)) {
        mm_sub(F, y, (const uint64_t[MM_MAX]){0}, y);
        mm_from(F, t, y);
        /* y = 0 has no odd twin: that X has a single point. */
        if ((int)(t[0] & 1) != (y_odd != 0)) return 0;
    }
    mm_tobytes(F, xy, x);
    mm_tobytes(F, xy + C->size, t);
    return 1;
}

/* 1 when 1 <= d < n; constant time. */
static uint32_t scalar_ok(const nc_ecp_curve *C, const uint8_t *d) {
    uint64_t k[MM_MAX];
    mm_frombytes(C->fn, k, d);
    uint32_t ok = mm_lt_mod(C->fn, k) & (1 ^ mm_iszero(C->fn, k));
    nc_ct_wipe(k, sizeof k);
    return ok;
}

int nc_ec_scalar_check(int curve, const uint8_t *d) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    return C ? (int)scalar_ok(C, d) : 0;
}

static void store_xy(const nc_ecp_curve *C, uint8_t *xy, const uint64_t *x, const uint64_t *y) {
    mm_tobytes(C->fp, xy, x);
    if (y) mm_tobytes(C->fp, xy + C->size, y);
}

int nc_ec_public(int curve, uint8_t *xy, const uint8_t *d) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    if (!C) return 0;
    nc_ecp_point r;
    uint64_t x[MM_MAX], y[MM_MAX];
    uint32_t ok = scalar_ok(C, d);
    nc_ecp_mul_base(C, &r, d);
    ok &= nc_ecp_affine(C, x, y, &r);
    store_xy(C, xy, x, y);
    return (int)ok;
}

int nc_ec_ecdh(int curve, uint8_t *xout, const uint8_t *d, const uint8_t *peer_xy) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    if (!C) return 0;
    nc_ecp_point q, r;
    uint64_t x[MM_MAX];
    if (!nc_ecp_load(C, &q, peer_xy)) return 0;
    uint32_t ok = scalar_ok(C, d);
    nc_ecp_mul(C, &r, &q, d);
    ok &= nc_ecp_affine(C, x, 0, &r);
    store_xy(C, xout, x, 0);
    nc_ct_wipe(&r, sizeof r);
    nc_ct_wipe(x, sizeof x);
    return (int)ok;
}

int nc_ec_inverse(int curve, int modulus, uint8_t *r, const uint8_t *xb) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    if (!C || (modulus != 0 && modulus != 1)) return 0;
    const nc_mm_mod *M = modulus ? C->fn : C->fp;
    uint64_t x[MM_MAX] = {0}, t[MM_MAX];
    mm_frombytes(M, x, xb);
    uint32_t ok = mm_lt_mod(M, x);
    for (int j = 0; j < M->n; j++) x[j] &= nc_ct_mask64(ok); /* x >= m: invert 0 */
    mm_to(M, t, x);
    if (modulus) nc_ecp_scalar_inv(C, t, t);
    else field_inv(C, t, t);
    mm_from(M, x, t);
    mm_tobytes(M, r, x);
    return (int)ok;
}
