/* GF(2^255 - 19) in four 64-bit limbs for the x86-64 paths of X25519
 * (RFC 7748): x25519_bmi2.c (MULX) and x25519_adx.c (MULX with ADCX/ADOX).
 *
 * Internal header.  An element is a value below 2^256 congruent to the
 * field element, reduced modulo p = 2^255 - 19 only when it is written
 * out; a carry past 2^256 is worth 38 = 2^256 mod p.  The operations here
 * are the same on both paths (the products and squares are the paths'
 * own); every one is constant time: no branch or address depends on a
 * limb.
 */
#ifndef NC_X25519_FE4_H
#define NC_X25519_FE4_H

#include <stdint.h>

#include "ct.h"

#if defined(__x86_64__) && defined(__GNUC__)

typedef struct {
    uint64_t v[4];
} fe4;

#define NC_FE4_INLINE __attribute__((always_inline)) static inline

/* r = a * 121665 mod p (the a24 of RFC 7748). */
NC_FE4_INLINE void fe4_mul_a24(fe4 *r, const fe4 *a) {
    __asm__ volatile(
        "movl $121665, %%edx\n\t"
        "mulxq 0(%[a]), %%r8, %%rax\n\t"
        "mulxq 8(%[a]), %%r9, %%rbx\n\t"
        "addq %%rax, %%r9\n\t"
        "mulxq 16(%[a]), %%r10, %%rax\n\t"
        "adcq %%rbx, %%r10\n\t"
        "mulxq 24(%[a]), %%r11, %%rbx\n\t"
        "adcq %%rax, %%r11\n\t"
        "adcq $0, %%rbx\n\t"
        "imulq $38, %%rbx, %%rbx\n\t"
        "addq %%rbx, %%r8\n\t"
        "adcq $0, %%r9\n\t"
        "adcq $0, %%r10\n\t"
        "adcq $0, %%r11\n\t"
        "sbbq %%rax, %%rax\n\t"
        "andq $38, %%rax\n\t"
        "addq %%rax, %%r8\n\t"
        "movq %%r8, 0(%[r])\n\t"
        "movq %%r9, 8(%[r])\n\t"
        "movq %%r10, 16(%[r])\n\t"
        "movq %%r11, 24(%[r])\n\t"
        :
        : [a] "r"(a->v), [r] "r"(r->v)
        : "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "cc", "memory");
}

/* r = a + b mod p: a carry out of 2^256 is worth 38, twice at most. */
NC_FE4_INLINE void fe4_add(fe4 *r, const fe4 *a, const fe4 *b) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "addq 0(%[b]), %%r8\n\t"
        "adcq 8(%[b]), %%r9\n\t"
        "adcq 16(%[b]), %%r10\n\t"
        "adcq 24(%[b]), %%r11\n\t"
        "sbbq %%rax, %%rax\n\t"
        "andq $38, %%rax\n\t"
        "addq %%rax, %%r8\n\t"
        "adcq $0, %%r9\n\t"
        "adcq $0, %%r10\n\t"
        "adcq $0, %%r11\n\t"
        "sbbq %%rax, %%rax\n\t"
        "andq $38, %%rax\n\t"
        "addq %%rax, %%r8\n\t"
        "movq %%r8, 0(%[r])\n\t"
        "movq %%r9, 8(%[r])\n\t"
        "movq %%r10, 16(%[r])\n\t"
        "movq %%r11, 24(%[r])\n\t"
        :
        : [a] "r"(a->v), [b] "r"(b->v), [r] "r"(r->v)
        : "rax", "r8", "r9", "r10", "r11", "cc", "memory");
}

/* r = a - b mod p: a borrow past 2^256 costs 38, twice at most. */
NC_FE4_INLINE void fe4_sub(fe4 *r, const fe4 *a, const fe4 *b) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "subq 0(%[b]), %%r8\n\t"
        "sbbq 8(%[b]), %%r9\n\t"
        "sbbq 16(%[b]), %%r10\n\t"
        "sbbq 24(%[b]), %%r11\n\t"
        "sbbq %%rax, %%rax\n\t"
        "andq $38, %%rax\n\t"
        "subq %%rax, %%r8\n\t"
        "sbbq $0, %%r9\n\t"
        "sbbq $0, %%r10\n\t"
        "sbbq $0, %%r11\n\t"
        "sbbq %%rax, %%rax\n\t"
        "andq $38, %%rax\n\t"
        "subq %%rax, %%r8\n\t"
        "movq %%r8, 0(%[r])\n\t"
        "movq %%r9, 8(%[r])\n\t"
        "movq %%r10, 16(%[r])\n\t"
        "movq %%r11, 24(%[r])\n\t"
        :
        : [a] "r"(a->v), [b] "r"(b->v), [r] "r"(r->v)
        : "rax", "r8", "r9", "r10", "r11", "cc", "memory");
}

/* ctl in {0,1}: swap f and g when 1. */
NC_FE4_INLINE void fe4_cswap(uint64_t ctl, fe4 *f, fe4 *g) {
    uint64_t m = nc_ct_mask64(ctl);
    for (int i = 0; i < 4; i++) {
        uint64_t x = m & (f->v[i] ^ g->v[i]);
        f->v[i] ^= x;
        g->v[i] ^= x;
    }
}

#endif
#endif
