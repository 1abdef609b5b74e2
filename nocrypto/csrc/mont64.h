/* Constant-time Montgomery arithmetic modulo an odd m of 4 or 6 64-bit
 * limbs (CIOS multiplication, Koc/Acar/Kaliski 1996; Montgomery 1985).
 *
 * Internal header (no cffi section) for the prime curves (ecp.c: the P-256
 * and P-384 fields and group orders) and Ed25519's scalars (mod L).
 *
 * Values are little-endian limb arrays of length n (4 or 6, chosen by the
 * modulus, never by a secret).  "Montgomery form" of x is x*R mod m with
 * R = 2^(64 n).  Every operation takes reduced inputs (< m) and returns a
 * reduced output; mm_mul also accepts any a, b with a*b < R*m.  None of
 * them branches on, or indexes memory by, the limb values.
 */
#ifndef NC_MONT64_H
#define NC_MONT64_H

#include <stdint.h>

#include "ct.h"

#define MM_MAX 6

typedef unsigned __int128 mm_u128;

typedef struct {
    int n;                 /* limbs in use: 4 or 6 */
    uint64_t m[MM_MAX];    /* the modulus */
    uint64_t m0inv;        /* -m^-1 mod 2^64 */
    uint64_t r2[MM_MAX];   /* R^2 mod m */
    uint64_t one[MM_MAX];  /* R mod m: 1 in Montgomery form */
} nc_mm_mod;

#define MM_INLINE static inline __attribute__((always_inline))

/* r = a*b/R mod m (all n limbs); r may alias a or b. */
MM_INLINE void mm_mul_g(int n, const nc_mm_mod *M, uint64_t *r, const uint64_t *a,
                        const uint64_t *b) {
    uint64_t t[MM_MAX + 2] = {0};
    _Pragma("GCC unroll 6")
    for (int i = 0; i < n; i++) {
        mm_u128 c = 0;
        uint64_t ai = a[i];
        _Pragma("GCC unroll 6")
        for (int j = 0; j < n; j++) {
            c = (mm_u128)t[j] + (mm_u128)ai * b[j] + (uint64_t)(c >> 64);
            t[j] = (uint64_t)c;
        }
        c = (mm_u128)t[n] + (uint64_t)(c >> 64);
        t[n] = (uint64_t)c;
        t[n + 1] = (uint64_t)(c >> 64);
        uint64_t q = t[0] * M->m0inv;
        c = (mm_u128)t[0] + (mm_u128)q * M->m[0];
        _Pragma("GCC unroll 6")
        for (int j = 1; j < n; j++) {
            c = (mm_u128)t[j] + (mm_u128)q * M->m[j] + (uint64_t)(c >> 64);
            t[j - 1] = (uint64_t)c;
        }
        c = (mm_u128)t[n] + (uint64_t)(c >> 64);
        t[n - 1] = (uint64_t)c;
        t[n] = t[n + 1] + (uint64_t)(c >> 64);
    }
    /* t < 2m: subtract m unless that borrows past t[n]. */
    uint64_t d[MM_MAX];
    uint64_t borrow = 0;
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) {
        mm_u128 s = (mm_u128)t[j] - M->m[j] - borrow;
        d[j] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    uint64_t keep = nc_ct_mask64(borrow & (1 ^ (t[n] & 1)));
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) r[j] = d[j] ^ (keep & (d[j] ^ t[j]));
}

#if defined(__x86_64__) && defined(__GNUC__)
#define NC_MM_PS 1
/* (c0, c1, c2) += x y in x86-64 assembly: mul, add, adc, adc.  Plain
 * instructions valgrind checks; the three-word accumulator of a column
 * stays in registers (compilers spill it when written with __int128). */
#define NC_MAC3(c0, c1, c2, x, y)                                             \
    do {                                                                      \
        uint64_t x_ = (x);                                                    \
        __asm__("mulq %[yy]\n\t"                                              \
                "addq %%rax, %[a0]\n\t"                                       \
                "adcq %%rdx, %[a1]\n\t"                                       \
                "adcq $0, %[a2]"                                              \
                : [a0] "+r"(c0), [a1] "+r"(c1), [a2] "+r"(c2), "+a"(x_)       \
                : [yy] "rm"(y)                                                \
                : "rdx", "cc");                                               \
    } while (0)

/* mm_mul_g by product scanning (column by column: a b and the quotient
 * digits times m summed into NC_MAC3's accumulator), same contract.  Used
 * by hardware paths only; the portable path keeps mm_mul_g. */
MM_INLINE void mm_mul_ps_g(int n, const nc_mm_mod *M, uint64_t *r, const uint64_t *a,
                           const uint64_t *b) {
    uint64_t u[MM_MAX], t[MM_MAX + 1];
    uint64_t c0 = 0, c1 = 0, c2 = 0;
    _Pragma("GCC unroll 6")
    for (int k = 0; k < n; k++) {
        _Pragma("GCC unroll 6")
        for (int i = 0; i < k; i++) {
            NC_MAC3(c0, c1, c2, a[i], b[k - i]);
            NC_MAC3(c0, c1, c2, u[i], M->m[k - i]);
        }
        NC_MAC3(c0, c1, c2, a[k], b[0]);
        u[k] = c0 * M->m0inv;
        NC_MAC3(c0, c1, c2, u[k], M->m[0]); /* clears c0 */
        c0 = c1;
        c1 = c2;
        c2 = 0;
    }
    _Pragma("GCC unroll 6")
    for (int k = n; k < 2 * n - 1; k++) {
        _Pragma("GCC unroll 6")
        for (int i = k - n + 1; i < n; i++) {
            NC_MAC3(c0, c1, c2, a[i], b[k - i]);
            NC_MAC3(c0, c1, c2, u[i], M->m[k - i]);
        }
        t[k - n] = c0;
        c0 = c1;
        c1 = c2;
        c2 = 0;
    }
    t[n - 1] = c0;
    t[n] = c1;
    /* t < 2m: subtract m unless that borrows past t[n]. */
    uint64_t d[MM_MAX];
    uint64_t borrow = 0;
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) {
        mm_u128 s = (mm_u128)t[j] - M->m[j] - borrow;
        d[j] = (uint64_t)s;
        borrow = (uint64_t)(s >> 64) & 1;
    }
    uint64_t keep = nc_ct_mask64(borrow & (1 ^ (t[n] & 1)));
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) r[j] = d[j] ^ (keep & (d[j] ^ t[j]));
}
#endif

/* r = a + b mod m */
MM_INLINE void mm_add_g(int n, const nc_mm_mod *M, uint64_t *r, const uint64_t *a,
                        const uint64_t *b) {
    uint64_t s[MM_MAX], d[MM_MAX];
    uint64_t carry = 0, borrow = 0;
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) {
        mm_u128 c = (mm_u128)a[j] + b[j] + carry;
        s[j] = (uint64_t)c;
        carry = (uint64_t)(c >> 64);
    }
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) {
        mm_u128 c = (mm_u128)s[j] - M->m[j] - borrow;
        d[j] = (uint64_t)c;
        borrow = (uint64_t)(c >> 64) & 1;
    }
    uint64_t keep = nc_ct_mask64(borrow & (1 ^ carry));
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) r[j] = d[j] ^ (keep & (d[j] ^ s[j]));
}

/* r = a - b mod m */
MM_INLINE void mm_sub_g(int n, const nc_mm_mod *M, uint64_t *r, const uint64_t *a,
                        const uint64_t *b) {
    uint64_t d[MM_MAX];
    uint64_t borrow = 0, carry = 0;
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) {
        mm_u128 c = (mm_u128)a[j] - b[j] - borrow;
        d[j] = (uint64_t)c;
        borrow = (uint64_t)(c >> 64) & 1;
    }
    uint64_t mask = nc_ct_mask64(borrow);
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) {
        mm_u128 c = (mm_u128)d[j] + (M->m[j] & mask) + carry;
        r[j] = (uint64_t)c;
        carry = (uint64_t)(c >> 64);
    }
}

/* Dispatch on the (public) size so each size gets an unrolled body. */
static inline void mm_mul(const nc_mm_mod *M, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    if (M->n == 4) mm_mul_g(4, M, r, a, b);
    else mm_mul_g(6, M, r, a, b);
}

static inline void mm_sqr(const nc_mm_mod *M, uint64_t *r, const uint64_t *a) { mm_mul(M, r, a, a); }

static inline void mm_add(const nc_mm_mod *M, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    if (M->n == 4) mm_add_g(4, M, r, a, b);
    else mm_add_g(6, M, r, a, b);
}

static inline void mm_sub(const nc_mm_mod *M, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    if (M->n == 4) mm_sub_g(4, M, r, a, b);
    else mm_sub_g(6, M, r, a, b);
}

static inline void mm_copy(const nc_mm_mod *M, uint64_t *r, const uint64_t *a) {
    for (int j = 0; j < M->n; j++) r[j] = a[j];
}

static inline void mm_zero(const nc_mm_mod *M, uint64_t *r) {
    for (int j = 0; j < M->n; j++) r[j] = 0;
}

/* ctl in {0,1}: r = a when 1. */
static inline void mm_cmov(const nc_mm_mod *M, uint32_t ctl, uint64_t *r, const uint64_t *a) {
    uint64_t mask = nc_ct_mask64(ctl);
    for (int j = 0; j < M->n; j++) r[j] ^= mask & (r[j] ^ a[j]);
}

/* 1 when a == 0, else 0. */
static inline uint32_t mm_iszero(const nc_mm_mod *M, const uint64_t *a) {
    uint64_t acc = 0;
    for (int j = 0; j < M->n; j++) acc |= a[j];
    return (uint32_t)(1 ^ nc_ct_nonzero64(acc));
}

/* 1 when a == b, else 0. */
static inline uint32_t mm_eq(const nc_mm_mod *M, const uint64_t *a, const uint64_t *b) {
    uint64_t acc = 0;
    for (int j = 0; j < M->n; j++) acc |= a[j] ^ b[j];
    return (uint32_t)(1 ^ nc_ct_nonzero64(acc));
}

/* 1 when a < m (a is n limbs), else 0. */
static inline uint32_t mm_lt_mod(const nc_mm_mod *M, const uint64_t *a) {
    uint64_t borrow = 0;
    for (int j = 0; j < M->n; j++) {
        mm_u128 c = (mm_u128)a[j] - M->m[j] - borrow;
        borrow = (uint64_t)(c >> 64) & 1;
    }
    return (uint32_t)borrow;
}

static inline void mm_to(const nc_mm_mod *M, uint64_t *r, const uint64_t *a) {
    mm_mul(M, r, a, M->r2);
}

static inline void mm_from(const nc_mm_mod *M, uint64_t *r, const uint64_t *a) {
    uint64_t one[MM_MAX] = {1, 0, 0, 0, 0, 0};
    mm_mul(M, r, a, one);
}

/* Big-endian bytes (8 n of them) to limbs, and back. */
static inline void mm_frombytes(const nc_mm_mod *M, uint64_t *r, const uint8_t *s) {
    int n = M->n;
    for (int j = 0; j < n; j++) r[j] = nc_load_be64(s + 8 * (n - 1 - j));
}

static inline void mm_tobytes(const nc_mm_mod *M, uint8_t *s, const uint64_t *a) {
    int n = M->n;
    for (int j = 0; j < n; j++) nc_store_be64(s + 8 * (n - 1 - j), a[j]);
}

/* r = a^e in Montgomery form, for a PUBLIC exponent e (n limbs): the
 * sequence of operations depends on e only, so this is constant time in a.
 * Left-to-right with a 4-bit window; the table is indexed by bits of e. */
static inline void mm_pow_public(const nc_mm_mod *M, uint64_t *r, const uint64_t *a,
                                 const uint64_t *e) {
    uint64_t tab[16][MM_MAX];
    uint64_t acc[MM_MAX] = {0};
    mm_copy(M, tab[0], M->one);
    for (int i = 1; i < 16; i++) mm_mul(M, tab[i], tab[i - 1], a);
    mm_copy(M, acc, M->one);
    for (int i = 64 * M->n - 4; i >= 0; i -= 4) {
        for (int k = 0; k < 4; k++) mm_sqr(M, acc, acc);
        unsigned w = (unsigned)(e[i / 64] >> (i % 64)) & 15;
        mm_mul(M, acc, acc, tab[w]);
    }
    mm_copy(M, r, acc);
}

/* r = 1/a (Fermat: a^(m-2)) for a prime m; 0 maps to 0. */
static inline void mm_inv(const nc_mm_mod *M, uint64_t *r, const uint64_t *a) {
    uint64_t e[MM_MAX] = {0};
    mm_copy(M, e, M->m);
    e[0] -= 2; /* m is odd and > 2: no borrow */
    mm_pow_public(M, r, a, e);
}

#endif
