/* Constant-time multi-precision arithmetic for RSA (RFC 8017) and
 * finite-field Diffie-Hellman (RFC 7919): Montgomery multiplication
 * (P. Montgomery, "Modular multiplication without trial division", 1985;
 * the interleaved CIOS loop of Koc, Acar, Kaliski 1996) and fixed-window
 * exponentiation (Handbook of Applied Cryptography 14.82).
 *
 * Invariant: loop bounds and memory indices depend only on limb counts and
 * exponent lengths, which are public.  Values are combined with masks.
 */
#include "bignum.h"

#include "cpu.h"
#include "ct.h"
#include "mont64.h"

/* Unrolling the size-specialised inner loops is worth about a quarter of
 * the running time of an exponentiation. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("unroll-loops")
#endif

typedef unsigned __int128 u128;

size_t nc_bn_scratch_limbs(uint32_t n) {
    /* wrappers: x (2n) + a (n) + r (n); exponentiation: table (16n) +
     * sel (n) + t (2n + 2); reduction: 3n + 2 (inside the table area). */
    return (size_t)n * 24 + 8;
}

void nc_bn_decode(uint64_t *x, size_t n, const uint8_t *src, size_t len) {
    for (size_t i = 0; i < n; i++) {
        x[i] = 0;
    }
    for (size_t i = 0; i < len && i < 8 * n; i++) {
        x[i >> 3] |= (uint64_t)src[len - 1 - i] << ((i & 7) * 8);
    }
}

void nc_bn_encode(uint8_t *dst, size_t len, const uint64_t *x, size_t n) {
    for (size_t i = 0; i < len; i++) {
        dst[len - 1 - i] = (i >> 3) < n ? (uint8_t)(x[i >> 3] >> ((i & 7) * 8)) : 0;
    }
}

uint64_t nc_bn_add(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n) {
    uint64_t c = 0;
    for (size_t i = 0; i < n; i++) {
        u128 z = (u128)a[i] + b[i] + c;
        r[i] = (uint64_t)z;
        c = (uint64_t)(z >> 64);
    }
    return c;
}

uint64_t nc_bn_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n) {
    uint64_t brw = 0;
    for (size_t i = 0; i < n; i++) {
        u128 z = (u128)a[i] - b[i] - brw;
        r[i] = (uint64_t)z;
        brw = (uint64_t)(z >> 64) & 1;
    }
    return brw;
}

void nc_bn_cmov(uint64_t ctl, uint64_t *dst, const uint64_t *src, size_t n) {
    uint64_t m = nc_ct_mask64(ctl);
    for (size_t i = 0; i < n; i++) {
        dst[i] ^= m & (dst[i] ^ src[i]);
    }
}

/* 1 when a == b, else 0. */
uint64_t nc_bn_eq(const uint64_t *a, const uint64_t *b, size_t n) {
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc |= a[i] ^ b[i];
    }
    return 1 ^ nc_ct_nonzero64(acc);
}

/* r (an + bn limbs) = a * b; r must not alias a or b. */
void nc_bn_mul(uint64_t *r, const uint64_t *a, size_t an, const uint64_t *b, size_t bn) {
    for (size_t i = 0; i < an + bn; i++) {
        r[i] = 0;
    }
    for (size_t i = 0; i < an; i++) {
        uint64_t c = 0;
        for (size_t j = 0; j < bn; j++) {
            u128 z = (u128)a[i] * b[j] + r[i + j] + c;
            r[i + j] = (uint64_t)z;
            c = (uint64_t)(z >> 64);
        }
        r[i + bn] = c;
    }
}

/* Final step of every Montgomery product: t (n + 1 limbs, < 2m) -> r < m. */
static void mont_final(const nc_bn_mont *c, uint64_t *r, uint64_t *t) {
    size_t n = c->n;
    uint64_t brw = nc_bn_sub(r, t, c->m, n);
    /* t >= m exactly when the top limb absorbs the borrow. */
    uint64_t keep_t = (uint64_t)nc_ct_lt64(t[n], brw);
    nc_bn_cmov(keep_t, r, t, n);
}

/* mont_final for a constant n, inlined into the unrolled products. */
static inline __attribute__((always_inline)) void mont_final_n(const nc_bn_mont *c, uint64_t *r,
                                                               const uint64_t *t, size_t n) {
    uint64_t brw = 0;
    for (size_t i = 0; i < n; i++) {
        u128 z = (u128)t[i] - c->m[i] - brw;
        r[i] = (uint64_t)z;
        brw = (uint64_t)(z >> 64) & 1;
    }
    uint64_t keep = nc_ct_mask64(nc_ct_lt64(t[n], brw));
    for (size_t i = 0; i < n; i++) {
        r[i] ^= keep & (r[i] ^ t[i]);
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define NC_BN_ASM 1
/* Columns j = 1 .. n-1 of one CIOS row, in x86-64 assembly (mul/add/adc
 * only, so valgrind sees and checks it): with z = ai b[j] + t[j] + c1,
 * c1 = high(z) and t[j-1] = low(u m[j] + low(z) + c2), c2 = its high word.
 * Compilers spill the two 128-bit carry chains; here they stay in
 * registers.  The loop runs n - 1 times whatever the values are. */
static inline void cios_row_asm(uint64_t *t, const uint64_t *b, const uint64_t *m, uint64_t ai,
                                uint64_t u, uint64_t *c1p, uint64_t *c2p, size_t n) {
    uint64_t c1 = *c1p, c2 = *c2p, tmp;
    size_t j = 1;
    __asm__ volatile(
        "1:\n\t"
        "movq (%[b],%[j],8), %%rax\n\t"
        "mulq %[ai]\n\t"
        "addq (%[t],%[j],8), %%rax\n\t"
        "adcq $0, %%rdx\n\t"
        "addq %[c1], %%rax\n\t"
        "adcq $0, %%rdx\n\t"
        "movq %%rdx, %[c1]\n\t"
        "movq %%rax, %[tmp]\n\t"
        "movq (%[m],%[j],8), %%rax\n\t"
        "mulq %[u]\n\t"
        "addq %[tmp], %%rax\n\t"
        "adcq $0, %%rdx\n\t"
        "addq %[c2], %%rax\n\t"
        "adcq $0, %%rdx\n\t"
        "movq %%rdx, %[c2]\n\t"
        "movq %%rax, -8(%[t],%[j],8)\n\t"
        "incq %[j]\n\t"
        "cmpq %[n], %[j]\n\t"
        "jb 1b\n\t"
        : [c1] "+&r"(c1), [c2] "+&r"(c2), [j] "+&r"(j), [tmp] "=&r"(tmp)
        : [t] "r"(t), [b] "r"(b), [m] "r"(m), [ai] "r"(ai), [u] "r"(u), [n] "r"(n)
        : "rax", "rdx", "cc", "memory");
    *c1p = c1;
    *c2p = c2;
}

/* t[0..n) += a b[0..n) (n >= 1); returns the carry word. */
static inline uint64_t mac_row_asm(uint64_t *t, const uint64_t *b, uint64_t a, size_t n) {
    uint64_t c = 0;
    size_t j = 0;
    __asm__ volatile(
        "1:\n\t"
        "movq (%[b],%[j],8), %%rax\n\t"
        "mulq %[a]\n\t"
        "addq %[c], %%rax\n\t"
        "adcq $0, %%rdx\n\t"
        "addq %%rax, (%[t],%[j],8)\n\t"
        "adcq $0, %%rdx\n\t"
        "movq %%rdx, %[c]\n\t"
        "incq %[j]\n\t"
        "cmpq %[n], %[j]\n\t"
        "jb 1b\n\t"
        : [c] "+&r"(c), [j] "+&r"(j)
        : [t] "r"(t), [b] "r"(b), [a] "r"(a), [n] "r"(n)
        : "rax", "rdx", "cc", "memory");
    return c;
}
#endif

/* The interleaved CIOS product; inlined into size-specialised copies so
 * the compiler can unroll the inner loop for the common RSA/DH sizes. */
static inline __attribute__((always_inline)) void mont_mul_n(const nc_bn_mont *c, uint64_t *r,
                                                             const uint64_t *a, const uint64_t *b,
                                                             uint64_t *t, size_t n) {
    const uint64_t *m = c->m;
    uint64_t m0i = c->m0i;
    uint32_t use_asm = c->use_asm;
    (void)use_asm; /* only read where the assembly rows exist */
    for (size_t i = 0; i <= n; i++) {
        t[i] = 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t ai = a[i];
        u128 z = (u128)ai * b[0] + t[0];
        uint64_t u = (uint64_t)z * m0i;
        u128 z2 = (u128)u * m[0] + (uint64_t)z;
        uint64_t c1 = (uint64_t)(z >> 64);
        uint64_t c2 = (uint64_t)(z2 >> 64);
#ifdef NC_BN_ASM
        if (use_asm && n > 1) {
            cios_row_asm(t, b, m, ai, u, &c1, &c2, n);
        } else
#endif
        {
            for (size_t j = 1; j < n; j++) {
                z = (u128)ai * b[j] + t[j] + c1;
                c1 = (uint64_t)(z >> 64);
                z2 = (u128)u * m[j] + (uint64_t)z + c2;
                c2 = (uint64_t)(z2 >> 64);
                t[j - 1] = (uint64_t)z2;
            }
        }
        z = (u128)t[n] + c1 + c2;
        t[n - 1] = (uint64_t)z;
        t[n] = (uint64_t)(z >> 64);
    }
    mont_final(c, r, t);
}

/* Montgomery squaring: the full square (off-diagonal products once,
 * doubled, plus the diagonal), then word-by-word reduction.  a < m;
 * t: 2 n + 1 limbs. */
static inline __attribute__((always_inline)) void mont_sqr_n(const nc_bn_mont *c, uint64_t *r,
                                                             const uint64_t *a, uint64_t *t,
                                                             size_t n) {
    const uint64_t *m = c->m;
    uint64_t m0i = c->m0i;
    uint32_t use_asm = c->use_asm;
    (void)use_asm; /* only read where the assembly rows exist */
    for (size_t i = 0; i < 2 * n + 1; i++) {
        t[i] = 0;
    }
    for (size_t i = 0; i + 1 < n; i++) {
#ifdef NC_BN_ASM
        if (use_asm) {
            t[i + n] = mac_row_asm(t + 2 * i + 1, a + i + 1, a[i], n - i - 1);
            continue;
        }
#endif
        uint64_t ai = a[i], cy = 0;
        for (size_t j = i + 1; j < n; j++) {
            u128 z = (u128)ai * a[j] + t[i + j] + cy;
            t[i + j] = (uint64_t)z;
            cy = (uint64_t)(z >> 64);
        }
        t[i + n] = cy;
    }
    uint64_t top = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        uint64_t v = t[i];
        t[i] = (v << 1) | top;
        top = v >> 63;
    }
    uint64_t cy = 0;
    for (size_t i = 0; i < n; i++) {
        u128 z = (u128)a[i] * a[i] + t[2 * i] + cy;
        t[2 * i] = (uint64_t)z;
        z = (u128)t[2 * i + 1] + (uint64_t)(z >> 64);
        t[2 * i + 1] = (uint64_t)z;
        cy = (uint64_t)(z >> 64);
    }
    /* reduction: t < m^2 < m R, so the result fits n + 1 limbs */
    uint64_t hi = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t u = t[i] * m0i;
        uint64_t k = 0;
#ifdef NC_BN_ASM
        if (use_asm) {
            k = mac_row_asm(t + i, m, u, n);
        } else
#endif
        {
            for (size_t j = 0; j < n; j++) {
                u128 z = (u128)u * m[j] + t[i + j] + k;
                t[i + j] = (uint64_t)z;
                k = (uint64_t)(z >> 64);
            }
        }
        u128 z = (u128)t[i + n] + k + hi;
        t[i + n] = (uint64_t)z;
        hi = (uint64_t)(z >> 64);
    }
    t[2 * n] = hi;
    mont_final(c, r, t + n);
}

#ifdef NC_BN_ASM
/* Product scanning (column-wise, Koc/Acar/Kaliski's "FIPS" ordering):
 * each column of a b + u m is summed into a three-word accumulator
 * (c0, c1, c2) that lives in registers, so a product costs one mul and
 * three additions and no load or store of a partial result.  Plain
 * mul/add/adc, like the rows above: valgrind checks it.  Every loop bound
 * is a function of n only.  NC_MAC3 is mont64.h's. */
/* The product-scanning code is fully unrolled, and therefore only used
 * for moduli up to 24 limbs (1536 bits: the CRT halves of RSA-2048 and
 * RSA-3072); larger ones keep the CIOS rows. */
#define NC_PS_UNROLL _Pragma("GCC unroll 32")

/* (c0, c1, c2) += (s0, s1, s2) */
#define NC_ADD3(c0, c1, c2, s0, s1, s2)                                       \
    __asm__("addq %[b0], %[a0]\n\t"                                           \
            "adcq %[b1], %[a1]\n\t"                                           \
            "adcq %[b2], %[a2]"                                               \
            : [a0] "+r"(c0), [a1] "+r"(c1), [a2] "+r"(c2)                     \
            : [b0] "r"(s0), [b1] "r"(s1), [b2] "r"(s2)                        \
            : "cc")

/* t (n + 1 limbs, < 2m) = a b / R; then r = t mod m.  The quotient digits
 * u[i] go to t[i] and are overwritten by the result digit of column
 * n + i, after their last use (column n - 1 + i).  r may alias a or b. */
static inline __attribute__((always_inline)) void mont_mul_ps(const nc_bn_mont *c, uint64_t *r,
                                                              const uint64_t *a,
                                                              const uint64_t *b, uint64_t *t,
                                                              size_t n) {
    const uint64_t *m = c->m;
    uint64_t m0i = c->m0i;
    uint64_t c0 = 0, c1 = 0, c2 = 0;
    NC_PS_UNROLL for (size_t k = 0; k < n; k++) {
        NC_PS_UNROLL for (size_t i = 0; i < k; i++) {
            NC_MAC3(c0, c1, c2, a[i], b[k - i]);
            NC_MAC3(c0, c1, c2, t[i], m[k - i]);
        }
        NC_MAC3(c0, c1, c2, a[k], b[0]);
        uint64_t u = c0 * m0i;
        t[k] = u;
        NC_MAC3(c0, c1, c2, u, m[0]); /* clears c0 */
        c0 = c1;
        c1 = c2;
        c2 = 0;
    }
    NC_PS_UNROLL for (size_t k = n; k < 2 * n - 1; k++) {
        NC_PS_UNROLL for (size_t i = k - n + 1; i < n; i++) {
            NC_MAC3(c0, c1, c2, a[i], b[k - i]);
            NC_MAC3(c0, c1, c2, t[i], m[k - i]);
        }
        t[k - n] = c0;
        c0 = c1;
        c1 = c2;
        c2 = 0;
    }
    t[n - 1] = c0;
    t[n] = c1;
    mont_final_n(c, r, t, n);
}

/* The same for a a: the products a[i] a[j], i < j, of a column once,
 * doubled, plus the square on the diagonal. */
static inline __attribute__((always_inline)) void mont_sqr_ps(const nc_bn_mont *c, uint64_t *r,
                                                              const uint64_t *a, uint64_t *t,
                                                              size_t n) {
    const uint64_t *m = c->m;
    uint64_t m0i = c->m0i;
    uint64_t c0 = 0, c1 = 0, c2 = 0;
    NC_PS_UNROLL for (size_t k = 0; k < 2 * n - 1; k++) {
        size_t lo = k < n ? 0 : k - n + 1;
        uint64_t s0 = 0, s1 = 0, s2 = 0;
        NC_PS_UNROLL for (size_t i = lo; 2 * i < k; i++) {
            NC_MAC3(s0, s1, s2, a[i], a[k - i]);
        }
        s2 = (s2 << 1) | (s1 >> 63);
        s1 = (s1 << 1) | (s0 >> 63);
        s0 <<= 1;
        NC_ADD3(c0, c1, c2, s0, s1, s2);
        if ((k & 1) == 0) {
            NC_MAC3(c0, c1, c2, a[k / 2], a[k / 2]);
        }
        if (k < n) {
            NC_PS_UNROLL for (size_t i = 0; i < k; i++) {
                NC_MAC3(c0, c1, c2, t[i], m[k - i]);
            }
            uint64_t u = c0 * m0i;
            t[k] = u;
            NC_MAC3(c0, c1, c2, u, m[0]);
        } else {
            NC_PS_UNROLL for (size_t i = lo; i < n; i++) {
                NC_MAC3(c0, c1, c2, t[i], m[k - i]);
            }
            t[k - n] = c0;
        }
        c0 = c1;
        c1 = c2;
        c2 = 0;
    }
    t[n - 1] = c0;
    t[n] = c1;
    mont_final_n(c, r, t, n);
}
#endif

#define NC_SIZES(X) X(16) X(24) X(32) X(48) X(64)
#ifdef NC_BN_ASM
#define NC_PS_MUL(N)                   \
    if ((N) <= 24 && c->use_asm) {     \
        mont_mul_ps(c, r, a, b, t, N); \
        return;                        \
    }
#define NC_PS_SQR(N)                   \
    if ((N) <= 24 && c->use_asm) {     \
        mont_sqr_ps(c, r, a, t, N);    \
        return;                        \
    }
#else
#define NC_PS_MUL(N)
#define NC_PS_SQR(N)
#endif
#define NC_DEF(N)                                                                              \
    static void mont_mul_##N(const nc_bn_mont *c, uint64_t *r, const uint64_t *a,                \
                             const uint64_t *b, uint64_t *t) {                                \
        NC_PS_MUL(N)                                                                           \
        mont_mul_n(c, r, a, b, t, N);                                                          \
    }                                                                                          \
    static void mont_sqr_##N(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, uint64_t *t) { \
        NC_PS_SQR(N)                                                                           \
        mont_sqr_n(c, r, a, t, N);                                                             \
    }
NC_SIZES(NC_DEF)

void nc_mont_mul(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b, uint64_t *t) {
    switch (c->n) {
#define NC_CASE(N)                     \
    case N:                            \
        mont_mul_##N(c, r, a, b, t);   \
        return;
        NC_SIZES(NC_CASE)
#undef NC_CASE
    default:
        mont_mul_n(c, r, a, b, t, c->n);
    }
}

void nc_mont_sqr(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, uint64_t *t) {
    switch (c->n) {
#define NC_CASE(N)                  \
    case N:                         \
        mont_sqr_##N(c, r, a, t);   \
        return;
        NC_SIZES(NC_CASE)
#undef NC_CASE
    default:
        mont_sqr_n(c, r, a, t, c->n);
    }
}

void nc_mont_from(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, uint64_t *t) {
    /* a * 1 / R: the product with the plain integer 1, kept in t's tail. */
    size_t n = c->n;
    uint64_t *one = t + n + 2;
    for (size_t i = 0; i < n; i++) {
        one[i] = 0;
    }
    one[0] = 1;
    nc_mont_mul(c, r, a, one, t);
}

void nc_mod_add(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    size_t n = c->n;
    uint64_t carry = nc_bn_add(r, a, b, n);
    uint64_t tmp[NC_BN_MAX_LIMBS];
    uint64_t brw = nc_bn_sub(tmp, r, c->m, n);
    /* subtract m when the sum overflowed or is >= m */
    uint64_t use = carry | (1 ^ brw);
    nc_bn_cmov(use, r, tmp, n);
    nc_ct_wipe(tmp, sizeof tmp);
}

void nc_mod_sub(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint64_t *b) {
    size_t n = c->n;
    uint64_t brw = nc_bn_sub(r, a, b, n);
    uint64_t tmp[NC_BN_MAX_LIMBS];
    nc_bn_add(tmp, r, c->m, n);
    nc_bn_cmov(brw, r, tmp, n);
    nc_ct_wipe(tmp, sizeof tmp);
}

int nc_mont_init(nc_bn_mont *c, const uint8_t *m, size_t mlen) {
    /* Strip leading zero bytes: the length of a modulus is public. */
    while (mlen > 0 && m[0] == 0) {
        m++;
        mlen--;
    }
    if (mlen == 0 || mlen > NC_BN_MAX_BYTES) {
        return -1;
    }
    if ((m[mlen - 1] & 1) == 0) {
        return -1;
    }
    if (mlen == 1 && m[0] == 1) {
        return -1;
    }
    nc_mont_setup(c, m, mlen);
    return 0;
}

void nc_mont_setup(nc_bn_mont *c, const uint8_t *m, size_t mlen) {
    size_t n = (mlen + 7) / 8;
    c->n = (uint32_t)n;
    c->nbytes = (uint32_t)mlen;
    c->reserved = 0;
#ifdef NC_BN_ASM
    c->use_asm = nc_cpu_is_portable() ? 0 : 1;
#else
    c->use_asm = 0;
#endif
    for (size_t i = 0; i < NC_BN_MAX_LIMBS; i++) {
        c->m[i] = c->rr[i] = c->one[i] = 0;
    }
    nc_bn_decode(c->m, n, m, mlen);
    /* -m^-1 mod 2^64 by Newton's iteration: x = m0 is correct to 3 bits. */
    uint64_t m0 = c->m[0], x = m0;
    for (int i = 0; i < 6; i++) {
        x *= 2 - m0 * x;
    }
    c->m0i = (uint64_t)0 - x;
    /* R mod m: start from 2^(8 mlen - 8) < m (the top byte is nonzero) and
     * double modulo m up to 2^(64 n).  Then n more doublings give 2^n R,
     * and six Montgomery squarings 2^(64 n) R = R^2 mod m.  The doubling is
     * masked, so a secret prime takes the same path. */
    uint64_t *x1 = c->one, t[2 * NC_BN_MAX_LIMBS + 2];
    size_t start = 8 * mlen - 8;
    x1[start / 64] = (uint64_t)1 << (start % 64);
    for (size_t i = start; i < 64 * n; i++) {
        nc_mod_add(c, x1, x1, x1);
    }
    for (size_t j = 0; j < n; j++) {
        c->rr[j] = x1[j];
    }
    for (size_t i = 0; i < n; i++) {
        nc_mod_add(c, c->rr, c->rr, c->rr);
    }
    for (int i = 0; i < 6; i++) {
        nc_mont_mul(c, c->rr, c->rr, c->rr, t);
    }
    nc_ct_wipe(t, sizeof t);
}

void nc_mont_reduce(const nc_bn_mont *c, uint64_t *r, const uint64_t *x, size_t xn, uint64_t *scratch) {
    /* Horner over n-limb chunks from the top: acc = (prefix) * R mod m.
     * A chunk y < R gives y * R mod m = mont_mul(y, R^2). */
    size_t n = c->n;
    uint64_t *acc = scratch, *y = scratch + n, *t = scratch + 2 * n;
    size_t chunks = (xn + n - 1) / n;
    for (size_t i = 0; i < n; i++) {
        acc[i] = 0;
    }
    for (size_t k = chunks; k-- > 0;) {
        for (size_t i = 0; i < n; i++) {
            size_t idx = k * n + i;
            y[i] = idx < xn ? x[idx] : 0;
        }
        nc_mont_mul(c, acc, acc, c->rr, t); /* prefix * R^2 / R */
        nc_mont_mul(c, y, y, c->rr, t);
        nc_mod_add(c, acc, acc, y);
    }
    for (size_t i = 0; i < n; i++) {
        r[i] = acc[i];
    }
}

void nc_mont_exp(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint8_t *e, size_t elen,
                 uint64_t *scratch) {
    size_t n = c->n;
    uint64_t *table = scratch, *sel = scratch + 16 * n, *t = sel + n;
    /* table[i] = a^i in Montgomery form */
    for (size_t i = 0; i < n; i++) {
        table[i] = c->one[i];
        table[n + i] = a[i];
    }
    for (size_t k = 2; k < 16; k++) {
        nc_mont_mul(c, table + k * n, table + (k - 1) * n, a, t);
    }
    for (size_t i = 0; i < n; i++) {
        r[i] = c->one[i];
    }
    for (size_t i = 0; i < 2 * elen; i++) {
        uint32_t nib = (uint32_t)(e[i >> 1] >> (4 - 4 * (i & 1))) & 15;
        if (i > 0) {
            for (int s = 0; s < 4; s++) {
                nc_mont_sqr(c, r, r, t);
            }
        }
        /* sel = table[nib], reading every entry */
        for (size_t j = 0; j < n; j++) {
            sel[j] = 0;
        }
        for (uint32_t k = 0; k < 16; k++) {
            uint64_t msk = nc_ct_mask64(nc_ct_eq32(nib, k));
            const uint64_t *tk = table + k * n;
            for (size_t j = 0; j < n; j++) {
                sel[j] |= msk & tk[j];
            }
        }
        nc_mont_mul(c, r, r, sel, t);
    }
    nc_ct_wipe(scratch, (19 * n + 2) * sizeof(uint64_t));
}

void nc_mont_exp_pub(const nc_bn_mont *c, uint64_t *r, const uint64_t *a, const uint8_t *e,
                     size_t elen, uint64_t *scratch) {
    size_t n = c->n;
    uint64_t *base = scratch, *t = scratch + n;
    for (size_t i = 0; i < n; i++) {
        base[i] = a[i];
        r[i] = c->one[i];
    }
    int started = 0;
    for (size_t i = 0; i < elen; i++) {
        for (int b = 7; b >= 0; b--) {
            if (started) {
                nc_mont_sqr(c, r, r, t);
            }
            if ((e[i] >> b) & 1) {
                nc_mont_mul(c, r, r, base, t);
                started = 1;
            }
        }
    }
    nc_ct_wipe(scratch, (3 * n + 2) * sizeof(uint64_t));
}

/* Wrapper layout: x (2n) | a (n) | r (n) | exponentiation scratch. */
static int modexp_common(const nc_bn_mont *c, uint8_t *out, const uint8_t *base, size_t blen,
                         const uint8_t *exp, size_t elen, uint64_t *scratch, int pub) {
    size_t n = c->n;
    if (blen > 2 * (size_t)c->nbytes) {
        return -1;
    }
    uint64_t *x = scratch, *a = scratch + 2 * n, *r = a + n, *s = r + n;
    nc_bn_decode(x, 2 * n, base, blen);
    nc_mont_reduce(c, a, x, 2 * n, s);
    if (pub) {
        nc_mont_exp_pub(c, r, a, exp, elen, s);
    } else {
        nc_mont_exp(c, r, a, exp, elen, s);
    }
    nc_mont_from(c, r, r, s);
    nc_bn_encode(out, c->nbytes, r, n);
    nc_ct_wipe(scratch, nc_bn_scratch_limbs(c->n) * sizeof(uint64_t));
    return 0;
}

int nc_bn_modexp(const nc_bn_mont *c, uint8_t *out, const uint8_t *base, size_t blen,
                 const uint8_t *exp, size_t elen, uint64_t *scratch) {
    return modexp_common(c, out, base, blen, exp, elen, scratch, 0);
}

int nc_bn_modexp_pub(const nc_bn_mont *c, uint8_t *out, const uint8_t *base, size_t blen,
                     const uint8_t *exp, size_t elen, uint64_t *scratch) {
    return modexp_common(c, out, base, blen, exp, elen, scratch, 1);
}

int nc_bn_modmul(const nc_bn_mont *c, uint8_t *out, const uint8_t *a, size_t alen,
                 const uint8_t *b, size_t blen, uint64_t *scratch) {
    size_t n = c->n;
    if (alen > 2 * (size_t)c->nbytes || blen > 2 * (size_t)c->nbytes) {
        return -1;
    }
    uint64_t *x = scratch, *am = scratch + 2 * n, *bm = am + n, *s = bm + n;
    nc_bn_decode(x, 2 * n, a, alen);
    nc_mont_reduce(c, am, x, 2 * n, s);
    nc_bn_decode(x, 2 * n, b, blen);
    nc_mont_reduce(c, bm, x, 2 * n, s);
    nc_mont_mul(c, am, am, bm, s);  /* a b R */
    nc_mont_from(c, am, am, s);
    nc_bn_encode(out, c->nbytes, am, n);
    nc_ct_wipe(scratch, nc_bn_scratch_limbs(c->n) * sizeof(uint64_t));
    return 0;
}
