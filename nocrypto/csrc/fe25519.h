/* Arithmetic in GF(2^255 - 19) for X25519 (RFC 7748) and Ed25519 (RFC 8032).
 *
 * Internal header (no cffi section): shared by x25519.c and ed25519.c.
 *
 * An element is five 64-bit limbs in radix 2^51, value sum v[i] * 2^(51 i).
 * Invariant between operations: every limb < 2^52 ("loosely reduced");
 * fe_mul/fe_sq accept limbs up to 2^54 and return limbs < 2^51 + 2^20.
 * Every function here is constant time: no branch or index on limb values.
 */
#ifndef NC_FE25519_H
#define NC_FE25519_H

#include <stdint.h>

#include "ct.h"

typedef unsigned __int128 nc_u128;

typedef struct {
    uint64_t v[5];
} fe25519;

#define FE_MASK51 ((uint64_t)0x7ffffffffffff)

static inline void fe_0(fe25519 *h) {
    for (int i = 0; i < 5; i++) h->v[i] = 0;
}

static inline void fe_1(fe25519 *h) {
    fe_0(h);
    h->v[0] = 1;
}

static inline void fe_copy(fe25519 *h, const fe25519 *f) { *h = *f; }

/* Propagates carries so that every limb is < 2^51 (limb 0 < 2^51 + 19*8). */
static inline void fe_carry(fe25519 *h) {
    uint64_t c;
    c = h->v[0] >> 51; h->v[0] &= FE_MASK51; h->v[1] += c;
    c = h->v[1] >> 51; h->v[1] &= FE_MASK51; h->v[2] += c;
    c = h->v[2] >> 51; h->v[2] &= FE_MASK51; h->v[3] += c;
    c = h->v[3] >> 51; h->v[3] &= FE_MASK51; h->v[4] += c;
    c = h->v[4] >> 51; h->v[4] &= FE_MASK51; h->v[0] += 19 * c;
}

static inline void fe_add(fe25519 *h, const fe25519 *f, const fe25519 *g) {
    for (int i = 0; i < 5; i++) h->v[i] = f->v[i] + g->v[i];
    fe_carry(h);
}

/* f - g + 4p, so no limb underflows while g's limbs are < 2^53. */
static inline void fe_sub(fe25519 *h, const fe25519 *f, const fe25519 *g) {
    h->v[0] = (f->v[0] + 0x1fffffffffffb4) - g->v[0];
    for (int i = 1; i < 5; i++) h->v[i] = (f->v[i] + 0x1ffffffffffffc) - g->v[i];
    fe_carry(h);
}

static inline void fe_neg(fe25519 *h, const fe25519 *f) {
    fe25519 z;
    fe_0(&z);
    fe_sub(h, &z, f);
}

static inline void fe_reduce128(fe25519 *h, nc_u128 r0, nc_u128 r1, nc_u128 r2, nc_u128 r3,
                                nc_u128 r4) {
    r1 += (uint64_t)(r0 >> 51);
    r2 += (uint64_t)(r1 >> 51);
    r3 += (uint64_t)(r2 >> 51);
    r4 += (uint64_t)(r3 >> 51);
    uint64_t h0 = (uint64_t)r0 & FE_MASK51;
    uint64_t h1 = (uint64_t)r1 & FE_MASK51;
    uint64_t h2 = (uint64_t)r2 & FE_MASK51;
    uint64_t h3 = (uint64_t)r3 & FE_MASK51;
    uint64_t h4 = (uint64_t)r4 & FE_MASK51;
    nc_u128 t0 = (nc_u128)h0 + (nc_u128)(uint64_t)(r4 >> 51) * 19;
    h0 = (uint64_t)t0 & FE_MASK51;
    h1 += (uint64_t)(t0 >> 51);
    h->v[0] = h0;
    h->v[1] = h1;
    h->v[2] = h2;
    h->v[3] = h3;
    h->v[4] = h4;
}

static inline void fe_mul(fe25519 *h, const fe25519 *f, const fe25519 *g) {
    uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
    uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
    nc_u128 r0 = (nc_u128)f0 * g0 + (nc_u128)f1 * g4_19 + (nc_u128)f2 * g3_19 +
                 (nc_u128)f3 * g2_19 + (nc_u128)f4 * g1_19;
    nc_u128 r1 = (nc_u128)f0 * g1 + (nc_u128)f1 * g0 + (nc_u128)f2 * g4_19 +
                 (nc_u128)f3 * g3_19 + (nc_u128)f4 * g2_19;
    nc_u128 r2 = (nc_u128)f0 * g2 + (nc_u128)f1 * g1 + (nc_u128)f2 * g0 +
                 (nc_u128)f3 * g4_19 + (nc_u128)f4 * g3_19;
    nc_u128 r3 = (nc_u128)f0 * g3 + (nc_u128)f1 * g2 + (nc_u128)f2 * g1 +
                 (nc_u128)f3 * g0 + (nc_u128)f4 * g4_19;
    nc_u128 r4 = (nc_u128)f0 * g4 + (nc_u128)f1 * g3 + (nc_u128)f2 * g2 +
                 (nc_u128)f3 * g1 + (nc_u128)f4 * g0;
    fe_reduce128(h, r0, r1, r2, r3, r4);
}

static inline void fe_sq(fe25519 *h, const fe25519 *f) {
    uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1;
    uint64_t f1_38 = 38 * f1, f2_38 = 38 * f2, f3_38 = 38 * f3;
    uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;
    nc_u128 r0 = (nc_u128)f0 * f0 + (nc_u128)f1_38 * f4 + (nc_u128)f2_38 * f3;
    nc_u128 r1 = (nc_u128)f0_2 * f1 + (nc_u128)f2_38 * f4 + (nc_u128)f3_19 * f3;
    nc_u128 r2 = (nc_u128)f0_2 * f2 + (nc_u128)f1 * f1 + (nc_u128)f3_38 * f4;
    nc_u128 r3 = (nc_u128)f0_2 * f3 + (nc_u128)f1_2 * f2 + (nc_u128)f4_19 * f4;
    nc_u128 r4 = (nc_u128)f0_2 * f4 + (nc_u128)f1_2 * f3 + (nc_u128)f2 * f2;
    fe_reduce128(h, r0, r1, r2, r3, r4);
}

static inline void fe_sqn(fe25519 *h, const fe25519 *f, int n) {
    fe_sq(h, f);
    for (int i = 1; i < n; i++) fe_sq(h, h);
}

/* h = f * k for a small constant k (< 2^20). */
static inline void fe_mul_small(fe25519 *h, const fe25519 *f, uint64_t k) {
    nc_u128 r[5];
    for (int i = 0; i < 5; i++) r[i] = (nc_u128)f->v[i] * k;
    fe_reduce128(h, r[0], r[1], r[2], r[3], r[4]);
}

/* ctl in {0,1}: swap f and g when 1. */
static inline void fe_cswap(uint64_t ctl, fe25519 *f, fe25519 *g) {
    uint64_t m = nc_ct_mask64(ctl);
    for (int i = 0; i < 5; i++) {
        uint64_t t = m & (f->v[i] ^ g->v[i]);
        f->v[i] ^= t;
        g->v[i] ^= t;
    }
}

/* ctl in {0,1}: h = g when 1. */
static inline void fe_cmov(uint64_t ctl, fe25519 *h, const fe25519 *g) {
    uint64_t m = nc_ct_mask64(ctl);
    for (int i = 0; i < 5; i++) h->v[i] ^= m & (h->v[i] ^ g->v[i]);
}

/* 32 little-endian bytes; bit 255 is ignored (RFC 7748 section 5). The
 * value may be >= p: it is then a non-canonical encoding of value - p. */
static inline void fe_frombytes(fe25519 *h, const uint8_t s[32]) {
    h->v[0] = nc_load_le64(s) & FE_MASK51;
    h->v[1] = (nc_load_le64(s + 6) >> 3) & FE_MASK51;
    h->v[2] = (nc_load_le64(s + 12) >> 6) & FE_MASK51;
    h->v[3] = (nc_load_le64(s + 19) >> 1) & FE_MASK51;
    h->v[4] = (nc_load_le64(s + 24) >> 12) & FE_MASK51;
}

/* Fully reduces f to [0, p). */
static inline void fe_canon(fe25519 *h, const fe25519 *f) {
    fe25519 t = *f;
    fe_carry(&t);
    fe_carry(&t);
    /* Now t < 2^255 + 19*8; t >= p exactly when t + 19 carries past 2^255. */
    uint64_t u[5];
    uint64_t c = 19;
    for (int i = 0; i < 5; i++) {
        u[i] = t.v[i] + c;
        c = u[i] >> 51;
        u[i] &= FE_MASK51;
    }
    /* c is 1 when t >= p; then t - p = (t + 19) mod 2^255 = u. */
    uint64_t m = nc_ct_mask64(c & 1);
    for (int i = 0; i < 5; i++) h->v[i] = t.v[i] ^ (m & (t.v[i] ^ u[i]));
}

static inline void fe_tobytes(uint8_t s[32], const fe25519 *f) {
    fe25519 t;
    fe_canon(&t, f);
    uint64_t w0 = t.v[0] | (t.v[1] << 51);
    uint64_t w1 = (t.v[1] >> 13) | (t.v[2] << 38);
    uint64_t w2 = (t.v[2] >> 26) | (t.v[3] << 25);
    uint64_t w3 = (t.v[3] >> 39) | (t.v[4] << 12);
    nc_store_le64(s, w0);
    nc_store_le64(s + 8, w1);
    nc_store_le64(s + 16, w2);
    nc_store_le64(s + 24, w3);
}

/* The canonical value as four 64-bit words. */
static inline void fe_to64(uint64_t w[4], const fe25519 *f) {
    uint8_t s[32];
    fe_tobytes(s, f);
    for (int i = 0; i < 4; i++) w[i] = nc_load_le64(s + 8 * i);
}

/* 1 when f == 0 (mod p), else 0; constant time. */
static inline uint32_t fe_iszero(const fe25519 *f) {
    uint8_t s[32];
    fe_tobytes(s, f);
    uint32_t acc = 0;
    for (int i = 0; i < 32; i++) acc |= s[i];
    return 1 ^ nc_ct_nonzero32(acc);
}

/* The low bit of the canonical value ("sign" in RFC 8032). */
static inline uint32_t fe_isodd(const fe25519 *f) {
    uint8_t s[32];
    fe_tobytes(s, f);
    return s[0] & 1;
}

/* Shared part of the two exponentiations below: returns z^(2^250 - 1) in
 * h and z^11 in z11. */
static inline void fe_pow_2_250_1(fe25519 *h, fe25519 *z11, const fe25519 *z) {
    fe25519 z2, z9, t, z5_0, z10_0, z20_0, z50_0, z100_0;
    fe_sq(&z2, z);              /* 2 */
    fe_sqn(&t, &z2, 2);         /* 8 */
    fe_mul(&z9, &t, z);         /* 9 */
    fe_mul(z11, &z9, &z2);      /* 11 */
    fe_sq(&t, z11);             /* 22 */
    fe_mul(&z5_0, &t, &z9);     /* 2^5 - 1 */
    fe_sqn(&t, &z5_0, 5);
    fe_mul(&z10_0, &t, &z5_0);  /* 2^10 - 1 */
    fe_sqn(&t, &z10_0, 10);
    fe_mul(&z20_0, &t, &z10_0); /* 2^20 - 1 */
    fe_sqn(&t, &z20_0, 20);
    fe_mul(&t, &t, &z20_0);     /* 2^40 - 1 */
    fe_sqn(&t, &t, 10);
    fe_mul(&z50_0, &t, &z10_0); /* 2^50 - 1 */
    fe_sqn(&t, &z50_0, 50);
    fe_mul(&z100_0, &t, &z50_0); /* 2^100 - 1 */
    fe_sqn(&t, &z100_0, 100);
    fe_mul(&t, &t, &z100_0);    /* 2^200 - 1 */
    fe_sqn(&t, &t, 50);
    fe_mul(h, &t, &z50_0);      /* 2^250 - 1 */
}

/* h = z^(p-2) = 1/z (0 for z = 0). */
static inline void fe_invert(fe25519 *h, const fe25519 *z) {
    fe25519 t, z11;
    fe_pow_2_250_1(&t, &z11, z);
    fe_sqn(&t, &t, 5);          /* 2^255 - 32 */
    fe_mul(h, &t, &z11);        /* 2^255 - 21 */
}

/* h = z^((p-5)/8) = z^(2^252 - 3), for square roots. */
static inline void fe_pow22523(fe25519 *h, const fe25519 *z) {
    fe25519 t, z11;
    fe_pow_2_250_1(&t, &z11, z);
    fe_sqn(&t, &t, 2);          /* 2^252 - 4 */
    fe_mul(h, &t, z);           /* 2^252 - 3 */
}

/* The same value from four 64-bit little-endian words (any value below
 * 2^256: limb 4 may reach 2^52, which every function here accepts). */
static inline void fe_from64(fe25519 *h, const uint64_t w[4]) {
    h->v[0] = w[0] & FE_MASK51;
    h->v[1] = ((w[0] >> 51) | (w[1] << 13)) & FE_MASK51;
    h->v[2] = ((w[1] >> 38) | (w[2] << 26)) & FE_MASK51;
    h->v[3] = ((w[2] >> 25) | (w[3] << 39)) & FE_MASK51;
    h->v[4] = w[3] >> 12;
}

/* --- the fixed-base table of ed25519.c, shared with X25519 ---------------- */

/* An affine multiple (x, y) of the Ed25519 base point B as canonical
 * 64-bit little-endian words: y + x in w[0..3], y - x in w[4..7], 2dxy in
 * w[8..11] (the second operand of a mixed addition). */
typedef struct {
    uint64_t w[12];
} nc_ge_precomp;

/* k < 2^255 as 64 signed radix-16 digits e[i] in [-8, 8) (the top one in
 * [-8, 8]), k = sum e[i] 16^i.  Constant time. */
void nc_ed25519_digits(int32_t e[64], const uint8_t k[32]);
/* r = e 256^i B for a secret digit e in [-8, 8] (i < 32): a masked scan of
 * the whole table row, negated with masks when e < 0.  Builds the table on
 * first use.  r is secret: the caller wipes it when done. */
void nc_ed25519_select(nc_ge_precomp *r, int i, int32_t e);
/* ed25519.c: the X25519 public key of a clamped scalar via the Edwards
 * fixed base in radix 2^51 (the portable path of x25519.c). */
void nc_x25519_base_edwards(uint8_t out[32], const uint8_t k[32]);

#endif
