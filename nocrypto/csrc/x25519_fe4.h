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

/* s = a + b and d = a - b mod p in one pass (the ladder needs both). */
NC_FE4_INLINE void fe4_addsub(fe4 *s, fe4 *d, const fe4 *a, const fe4 *b) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "movq %%r8, %%r12\n\t"
        "movq %%r9, %%r13\n\t"
        "movq %%r10, %%r14\n\t"
        "movq %%r11, %%r15\n\t"
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
        "subq 0(%[b]), %%r12\n\t"
        "sbbq 8(%[b]), %%r13\n\t"
        "sbbq 16(%[b]), %%r14\n\t"
        "sbbq 24(%[b]), %%r15\n\t"
        "sbbq %%rax, %%rax\n\t"
        "andq $38, %%rax\n\t"
        "subq %%rax, %%r12\n\t"
        "sbbq $0, %%r13\n\t"
        "sbbq $0, %%r14\n\t"
        "sbbq $0, %%r15\n\t"
        "sbbq %%rax, %%rax\n\t"
        "andq $38, %%rax\n\t"
        "subq %%rax, %%r12\n\t"
        "movq %%r8, 0(%[s])\n\t"
        "movq %%r9, 8(%[s])\n\t"
        "movq %%r10, 16(%[s])\n\t"
        "movq %%r11, 24(%[s])\n\t"
        "movq %%r12, 0(%[d])\n\t"
        "movq %%r13, 8(%[d])\n\t"
        "movq %%r14, 16(%[d])\n\t"
        "movq %%r15, 24(%[d])\n\t"
        :
        : [a] "r"(a->v), [b] "r"(b->v), [s] "r"(s->v), [d] "r"(d->v)
        : "rax", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* r = b + 121665 a mod p (the a24 step of RFC 7748's ladder in one pass;
 * r may alias a or b). */
NC_FE4_INLINE void fe4_mul_a24_add(fe4 *r, const fe4 *a, const fe4 *b) {
    __asm__ volatile(
        "movl $121665, %%edx\n\t"
        "mulxq 0(%[a]), %%r8, %%rax\n\t"
        "mulxq 8(%[a]), %%r9, %%rcx\n\t"
        "addq %%rax, %%r9\n\t"
        "mulxq 16(%[a]), %%r10, %%rax\n\t"
        "adcq %%rcx, %%r10\n\t"
        "mulxq 24(%[a]), %%r11, %%rcx\n\t"
        "adcq %%rax, %%r11\n\t"
        "adcq $0, %%rcx\n\t"
        "addq 0(%[b]), %%r8\n\t"
        "adcq 8(%[b]), %%r9\n\t"
        "adcq 16(%[b]), %%r10\n\t"
        "adcq 24(%[b]), %%r11\n\t"
        "adcq $0, %%rcx\n\t"
        "imulq $38, %%rcx, %%rcx\n\t"
        "addq %%rcx, %%r8\n\t"
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
        : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "cc", "memory");
}

/* ctl in {0,1}: swap f and g when 1, with masks.  In assembly so that it
 * stays four 64-bit loads per operand: the compiler's vector version reads
 * 128 bits over two 64-bit stores of the products, which the CPU cannot
 * forward (a stall of about ten cycles each, 6% of the ladder). */
NC_FE4_INLINE void fe4_cswap(uint64_t ctl, fe4 *f, fe4 *g) {
    uint64_t m = nc_ct_mask64(ctl);
    __asm__ volatile(
        "movq 0(%[f]), %%r8\n\t"
        "movq 8(%[f]), %%r9\n\t"
        "movq 16(%[f]), %%r10\n\t"
        "movq 24(%[f]), %%r11\n\t"
        "movq 0(%[g]), %%rax\n\t"
        "xorq %%r8, %%rax\n\t"
        "andq %[m], %%rax\n\t"
        "xorq %%rax, %%r8\n\t"
        "xorq %%rax, 0(%[g])\n\t"
        "movq 8(%[g]), %%rax\n\t"
        "xorq %%r9, %%rax\n\t"
        "andq %[m], %%rax\n\t"
        "xorq %%rax, %%r9\n\t"
        "xorq %%rax, 8(%[g])\n\t"
        "movq 16(%[g]), %%rax\n\t"
        "xorq %%r10, %%rax\n\t"
        "andq %[m], %%rax\n\t"
        "xorq %%rax, %%r10\n\t"
        "xorq %%rax, 16(%[g])\n\t"
        "movq 24(%[g]), %%rax\n\t"
        "xorq %%r11, %%rax\n\t"
        "andq %[m], %%rax\n\t"
        "xorq %%rax, %%r11\n\t"
        "xorq %%rax, 24(%[g])\n\t"
        "movq %%r8, 0(%[f])\n\t"
        "movq %%r9, 8(%[f])\n\t"
        "movq %%r10, 16(%[f])\n\t"
        "movq %%r11, 24(%[f])\n\t"
        :
        : [f] "r"(f->v), [g] "r"(g->v), [m] "r"(m)
        : "rax", "r8", "r9", "r10", "r11", "cc", "memory");
}

#endif
#endif
