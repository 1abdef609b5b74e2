/* Constant-time modular inversion for the prime curves' fields and group
 * orders: the divstep iteration of Bernstein and Yang, "Fast constant-time
 * gcd computation and modular inversion" (TCHES 2019, "safegcd"), in the
 * half-delta form ("hddivstep", delta starting at 1/2) whose step bound
 * Pieter Wuille derived in libsecp256k1's doc/safegcd_implementation.md
 * and its proof of floor((45907 log2(M) + 26313) / 19929) steps for
 * 0 <= g <= f <= M.
 *
 * hddivstep(delta, f, g), f odd:
 *   if delta > 0 and g odd:  (1 - delta, g, (g - f) / 2)
 *   else:                    (1 + delta, f, (g + (g mod 2) f) / 2)
 * Started from (1/2, m, x) it reaches g = 0, f = +-gcd(m, x) = +-1 within
 * 591 steps for 256-bit m and 885 for 384-bit m.  We always run a fixed
 * number of batches of 62 steps (10 and 15: 620 and 930 steps); extra
 * steps leave g = 0 and f alone.  delta is kept as the integer
 * delta - 1/2, starting at 0.
 *
 * A batch works on the low 64 bits of f and g only (each step looks at
 * the parity of g) and records its effect as a 2x2 matrix T scaled by
 * 2^62: 2^62 (f', g') = T (f, g).  T is then applied to the full f, g
 * (an exact division by 2^62) and to d, e, which track x^-1 through
 * d x = f c, e x = g c (mod m) for a common c: d, e start as 0, 1; the
 * division by 2^62 is made exact by adding a multiple of m.  At the end
 * f = +-1, so x^-1 = +-d.
 *
 * Numbers are in "signed 62" form: limbs v[0..k-2] in [0, 2^62), the top
 * limb signed, value = sum v[i] 2^(62 i), so products fit __int128.
 * Every step is masks and arithmetic: no branch, no memory index depends
 * on x (the loop counts and limb counts depend on the modulus size only).
 */
#include "ecp_internal.h"

#define S62_MASK (UINT64_MAX >> 2)
#define S62_MAX 7 /* limbs for 384 bits (7 * 62 = 434 > 384 + sign) */

typedef __int128 s128;

typedef struct {
    int64_t u, v, q, r;
} divstep_matrix;

/* 62 divsteps on the low words f0 (odd) and g0; returns the new delta and
 * the scaled matrix.  The rows are kept as (u, v) for f and (q, r) for g;
 * instead of halving g's row each step, f's row is doubled.  A step with
 * delta > 0 and g odd is done as g -= f, then f += g (which makes f the
 * old g): no separate swap. */
static int64_t divsteps62(int64_t delta, uint64_t f0, uint64_t g0, divstep_matrix *t) {
    uint64_t u = 1, v = 0, q = 0, r = 1, d = (uint64_t)delta;
    for (int i = 0; i < 62; i++) {
        uint64_t c1 = (d >> 63) - 1;                  /* delta - 1/2 >= 0 */
        uint64_t c2 = (uint64_t)0 - (g0 & 1);         /* g odd */
        uint64_t c = c1 & c2;                         /* the swapping case */
        /* g odd: g += f, or g -= f when delta > 0 */
        g0 += ((f0 ^ c1) - c1) & c2;
        q += ((u ^ c1) - c1) & c2;
        r += ((v ^ c1) - c1) & c2;
        /* swapping case: f += g - f */
        f0 += g0 & c;
        u += q & c;
        v += r & c;
        d = ((d ^ c) - c) + 1 + c; /* c: -d, else d + 1 */
        g0 >>= 1;
        u <<= 1;
        v <<= 1;
    }
    /* |u| + |v| <= 2^62 and |q| + |r| <= 2^62: the entries fit int64 */
    t->u = (int64_t)u;
    t->v = (int64_t)v;
    t->q = (int64_t)q;
    t->r = (int64_t)r;
    return (int64_t)d;
}

/* (f, g) = T (f, g) / 2^62, exact. */
MM_INLINE void update_fg(int k, int64_t *f, int64_t *g, const divstep_matrix *t) {
    s128 cf = (s128)t->u * f[0] + (s128)t->v * g[0];
    s128 cg = (s128)t->q * f[0] + (s128)t->r * g[0];
    cf >>= 62;
    cg >>= 62;
    _Pragma("GCC unroll 7")
    for (int i = 1; i < k; i++) {
        cf += (s128)t->u * f[i] + (s128)t->v * g[i];
        cg += (s128)t->q * f[i] + (s128)t->r * g[i];
        f[i - 1] = (int64_t)((uint64_t)cf & S62_MASK);
        g[i - 1] = (int64_t)((uint64_t)cg & S62_MASK);
        cf >>= 62;
        cg >>= 62;
    }
    f[k - 1] = (int64_t)cf;
    g[k - 1] = (int64_t)cg;
}

/* Carries every limb into the next so v[0..k-2] are in [0, 2^62). */
MM_INLINE void s62_carry(int k, int64_t *v) {
    _Pragma("GCC unroll 7")
    for (int i = 0; i < k - 1; i++) {
        v[i + 1] += v[i] >> 62;
        v[i] = (int64_t)((uint64_t)v[i] & S62_MASK);
    }
}

/* v in (-m, 2m) -> v mod m in [0, m). */
MM_INLINE void s62_reduce(int k, int64_t *v, const int64_t *m) {
    int64_t w[S62_MAX];
    s62_carry(k, v);
    uint64_t neg = (uint64_t)(v[k - 1] >> 63);
    for (int i = 0; i < k; i++) v[i] += m[i] & (int64_t)neg;
    s62_carry(k, v);
    for (int i = 0; i < k; i++) w[i] = v[i] - m[i];
    s62_carry(k, w);
    uint64_t keep = (uint64_t)(w[k - 1] >> 63); /* v - m < 0: keep v */
    for (int i = 0; i < k; i++) v[i] = (int64_t)(((uint64_t)w[i] & ~keep) | ((uint64_t)v[i] & keep));
}

/* (d, e) = T (d, e) / 2^62 mod m, d and e in [0, m) before and after;
 * minv = m^-1 mod 2^64. */
MM_INLINE void update_de(int k, int64_t *d, int64_t *e, const divstep_matrix *t, const int64_t *m,
                         uint64_t minv) {
    /* md, me in [0, 2^62) with u d + v e + md m = 0 mod 2^62, and alike */
    uint64_t ld = (uint64_t)t->u * (uint64_t)d[0] + (uint64_t)t->v * (uint64_t)e[0];
    uint64_t le = (uint64_t)t->q * (uint64_t)d[0] + (uint64_t)t->r * (uint64_t)e[0];
    int64_t md = (int64_t)((0 - ld * minv) & S62_MASK);
    int64_t me = (int64_t)((0 - le * minv) & S62_MASK);
    s128 cd = (s128)t->u * d[0] + (s128)t->v * e[0] + (s128)md * m[0];
    s128 ce = (s128)t->q * d[0] + (s128)t->r * e[0] + (s128)me * m[0];
    cd >>= 62;
    ce >>= 62;
    _Pragma("GCC unroll 7")
    for (int i = 1; i < k; i++) {
        cd += (s128)t->u * d[i] + (s128)t->v * e[i] + (s128)md * m[i];
        ce += (s128)t->q * d[i] + (s128)t->r * e[i] + (s128)me * m[i];
        d[i - 1] = (int64_t)((uint64_t)cd & S62_MASK);
        e[i - 1] = (int64_t)((uint64_t)ce & S62_MASK);
        cd >>= 62;
        ce >>= 62;
    }
    d[k - 1] = (int64_t)cd;
    e[k - 1] = (int64_t)ce;
    /* |T| rows sum to <= 2^62, so the results lie in (-m, 2m) */
    s62_reduce(k, d, m);
    s62_reduce(k, e, m);
}

/* n 64-bit limbs -> k signed-62 limbs (a >= 0). */
MM_INLINE void to_s62(int n, int k, int64_t *s, const uint64_t *a) {
    _Pragma("GCC unroll 7")
    for (int i = 0; i < k; i++) {
        int bit = 62 * i, w = bit / 64, off = bit % 64;
        uint64_t x = w < n ? a[w] >> off : 0;
        if (off > 2 && w + 1 < n) x |= a[w + 1] << (64 - off);
        s[i] = (int64_t)(x & S62_MASK);
    }
}

/* k signed-62 limbs (a value in [0, 2^(64 n))) -> n 64-bit limbs. */
MM_INLINE void from_s62(int n, int k, uint64_t *a, const int64_t *s) {
    _Pragma("GCC unroll 6")
    for (int j = 0; j < n; j++) {
        int bit = 64 * j, i = bit / 62, off = bit % 62;
        uint64_t x = (uint64_t)s[i] >> off;
        if (i + 1 < k) x |= (uint64_t)s[i + 1] << (62 - off);
        a[j] = x;
    }
}

/* Zeroes the secret-dependent state, a limb at a time. */
static void wipe_limbs(int64_t *d, int64_t *e, int64_t *f, int64_t *g) {
    volatile int64_t *v[4] = {d, e, f, g};
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < S62_MAX; i++) v[j][i] = 0;
}

/* r = x^-1 mod m (plain integers, n limbs, x < m, m odd prime); 0 -> 0. */
MM_INLINE void inv_g(int n, int k, int batches, uint64_t *r, const uint64_t *x,
                     const uint64_t *mod) {
    int64_t m[S62_MAX], f[S62_MAX], g[S62_MAX], d[S62_MAX] = {0}, e[S62_MAX] = {0};
    uint64_t minv = mod[0]; /* Newton: 3, 6, ..., 96 correct low bits */
    for (int i = 0; i < 5; i++) minv *= 2 - mod[0] * minv;
    to_s62(n, k, m, mod);
    to_s62(n, k, f, mod);
    to_s62(n, k, g, x);
    e[0] = 1;
    int64_t delta = 0; /* delta - 1/2 */
    for (int b = 0; b < batches; b++) {
        divstep_matrix t;
        delta = divsteps62(delta, (uint64_t)f[0] | ((uint64_t)f[1] << 62),
                           (uint64_t)g[0] | ((uint64_t)g[1] << 62), &t);
        update_de(k, d, e, &t, m, minv);
        update_fg(k, f, g, &t);
    }
    /* f = +-1 now (or m when x = 0, with d = 0): negate d when f < 0 */
    uint64_t neg = (uint64_t)(f[k - 1] >> 63);
    for (int i = 0; i < k; i++) d[i] = (int64_t)(((uint64_t)d[i] ^ neg) - neg);
    s62_reduce(k, d, m);
    from_s62(n, k, r, d);
    wipe_limbs(d, e, f, g);
}

void nc_ecp_inv256(uint64_t *r, const uint64_t *x, const uint64_t *m) {
    inv_g(4, 5, 10, r, x, m);
}

void nc_ecp_inv384(uint64_t *r, const uint64_t *x, const uint64_t *m) {
    inv_g(6, 7, 15, r, x, m);
}
