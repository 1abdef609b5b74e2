/* X25519 (RFC 7748, section 5) on x86-64 with BMI2 MULX: GF(2^255 - 19)
 * in four 64-bit limbs (x25519_fe4.h; value < 2^256, reduced modulo p
 * only at the end) instead of radix 2^51.  A product is 16 MULX (a square
 * 10) and one fold of the high half by 38 = 2^256 mod p.  The ladder and
 * the fixed base are x25519_fe4_impl.h over this file's products.
 *
 * Only MULX, ADD/ADC, SUB/SBB, IMUL by constants and masks: no ADCX/ADOX,
 * which valgrind does not emulate, so `make ct` checks this path (the ADX
 * one, x25519_adx.c, shares everything but the products).  No branch or
 * memory index depends on the scalar or the coordinates.  Chosen per call
 * by x25519.c when the CPU has BMI2 but not ADX (or under valgrind).
 */
#include <stdint.h>

#include "ct.h"
#include "fe25519.h"
#include "x25519.h"
#include "x25519_fe4.h"

#if defined(__x86_64__) && defined(__GNUC__)

#define NC_TGT __attribute__((target("bmi2"), always_inline)) static inline

/* Folds the high half H = r12..r15 of a 512-bit value into its low half,
 * held at 0..24(T): L + 38 H mod 2^256, then the carries (each worth 38
 * again) go back into the lowest limb; the result (< 2^256, = the value
 * mod p) goes to 0..24(R). */
#define NC_FE4_REDUCE(T, R)                                                     \
    "movl $38, %%edx\n\t"                                                      \
    "mulxq %%r12, %%rax, %%rbx\n\t"                                            \
    "mulxq %%r13, %%r8, %%r9\n\t"                                              \
    "addq %%rbx, %%r8\n\t"                                                     \
    "mulxq %%r14, %%r10, %%rbx\n\t"                                            \
    "adcq %%r9, %%r10\n\t"                                                     \
    "mulxq %%r15, %%r11, %%r9\n\t"                                             \
    "adcq %%rbx, %%r11\n\t"                                                    \
    "adcq $0, %%r9\n\t"                                                        \
    "addq 0(" T "), %%rax\n\t"                                                 \
    "adcq 8(" T "), %%r8\n\t"                                                  \
    "adcq 16(" T "), %%r10\n\t"                                                \
    "adcq 24(" T "), %%r11\n\t"                                                \
    "adcq $0, %%r9\n\t"                                                        \
    "imulq $38, %%r9, %%r9\n\t"                                                \
    "addq %%r9, %%rax\n\t"                                                     \
    "adcq $0, %%r8\n\t"                                                        \
    "adcq $0, %%r10\n\t"                                                       \
    "adcq $0, %%r11\n\t"                                                       \
    "sbbq %%r9, %%r9\n\t"                                                      \
    "andq $38, %%r9\n\t"                                                       \
    "addq %%r9, %%rax\n\t"                                                     \
    "movq %%rax, 0(" R ")\n\t"                                                 \
    "movq %%r8, 8(" R ")\n\t"                                                  \
    "movq %%r10, 16(" R ")\n\t"                                                \
    "movq %%r11, 24(" R ")\n\t"

/* One row of the product: (A0..A3, new top) += a[OFF/8] * b; A0 is then
 * final and stored at OFF(t), and its register takes the new top. */
#define NC_FE4_ROW(OFF, A0, A1, A2, A3)                                        \
    "movq " #OFF "(%[a]), %%rdx\n\t"                                           \
    "mulxq 0(%[b]), %%rax, %%rbx\n\t"                                          \
    "mulxq 8(%[b]), %%r8, %%r9\n\t"                                            \
    "addq %%rbx, %%r8\n\t"                                                     \
    "mulxq 16(%[b]), %%r10, %%rbx\n\t"                                         \
    "adcq %%r9, %%r10\n\t"                                                     \
    "mulxq 24(%[b]), %%r11, %%r9\n\t"                                          \
    "adcq %%rbx, %%r11\n\t"                                                    \
    "adcq $0, %%r9\n\t"                                                        \
    "addq %%rax, %%" #A0 "\n\t"                                                \
    "adcq %%r8, %%" #A1 "\n\t"                                                 \
    "adcq %%r10, %%" #A2 "\n\t"                                                \
    "adcq %%r11, %%" #A3 "\n\t"                                                \
    "adcq $0, %%r9\n\t"                                                        \
    "movq %%" #A0 ", " #OFF "(%[t])\n\t"                                       \
    "movq %%r9, %%" #A0 "\n\t"

#define NC_FE4_CLOBBERS                                                        \
    "rax", "rbx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", \
        "cc", "memory"

/* r = a b mod p (as a value < 2^256); r may alias a or b. */
NC_TGT void fe4_mul(fe4 *r, const fe4 *a, const fe4 *b) {
    uint64_t t[4];
    const uint64_t *ap = a->v;
    uint64_t *rp = r->v;
    __asm__ volatile(
        "movq 0(%[a]), %%rdx\n\t"
        "mulxq 0(%[b]), %%r12, %%rbx\n\t"
        "mulxq 8(%[b]), %%r13, %%r9\n\t"
        "addq %%rbx, %%r13\n\t"
        "mulxq 16(%[b]), %%r14, %%rbx\n\t"
        "adcq %%r9, %%r14\n\t"
        "mulxq 24(%[b]), %%r15, %%r9\n\t"
        "adcq %%rbx, %%r15\n\t"
        "adcq $0, %%r9\n\t"
        "movq %%r12, 0(%[t])\n\t"
        "movq %%r9, %%r12\n\t"
        NC_FE4_ROW(8, r13, r14, r15, r12)
        NC_FE4_ROW(16, r14, r15, r12, r13)
        NC_FE4_ROW(24, r15, r12, r13, r14)
        "movq %[rp], %[a]\n\t" /* a and b are read: the register takes r */
        NC_FE4_REDUCE("%[t]", "%[a]")
        : [a] "+r"(ap)
        : [b] "r"(b->v), [t] "r"(t), [rp] "m"(rp)
        : NC_FE4_CLOBBERS);
}

/* r = a^2 mod p: the six cross products once, doubled, plus the squares. */
NC_TGT void fe4_sq(fe4 *r, const fe4 *a) {
    uint64_t t[4];
    const uint64_t *ap = a->v;
    uint64_t *rp = r->v;
    __asm__ volatile(
        "movq 0(%[a]), %%rdx\n\t"
        "mulxq 8(%[a]), %%r9, %%r10\n\t"   /* a0 a1 */
        "mulxq 16(%[a]), %%rax, %%r11\n\t" /* a0 a2 */
        "addq %%rax, %%r10\n\t"
        "mulxq 24(%[a]), %%rax, %%r12\n\t" /* a0 a3 */
        "adcq %%rax, %%r11\n\t"
        "adcq $0, %%r12\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq 16(%[a]), %%rax, %%rbx\n\t" /* a1 a2 */
        "mulxq 24(%[a]), %%r8, %%r13\n\t"  /* a1 a3 */
        "addq %%rbx, %%r8\n\t"
        "adcq $0, %%r13\n\t"
        "addq %%rax, %%r11\n\t"
        "adcq %%r8, %%r12\n\t"
        "adcq $0, %%r13\n\t"
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq 24(%[a]), %%rax, %%r14\n\t" /* a2 a3 */
        "addq %%rax, %%r13\n\t"
        "adcq $0, %%r14\n\t"
        /* double the cross products: r9..r14 -> r9..r15 */
        "xorl %%r15d, %%r15d\n\t"
        "addq %%r9, %%r9\n\t"
        "adcq %%r10, %%r10\n\t"
        "adcq %%r11, %%r11\n\t"
        "adcq %%r12, %%r12\n\t"
        "adcq %%r13, %%r13\n\t"
        "adcq %%r14, %%r14\n\t"
        "adcq $0, %%r15\n\t"
        /* the squares on the diagonal */
        "movq 0(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %%r8, %%rax\n\t"
        "addq %%rax, %%r9\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %%rax, %%rbx\n\t"
        "adcq %%rax, %%r10\n\t"
        "adcq %%rbx, %%r11\n\t"
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %%rax, %%rbx\n\t"
        "adcq %%rax, %%r12\n\t"
        "adcq %%rbx, %%r13\n\t"
        "movq 24(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %%rax, %%rbx\n\t"
        "adcq %%rax, %%r14\n\t"
        "adcq %%rbx, %%r15\n\t"
        "movq %%r8, 0(%[t])\n\t"
        "movq %%r9, 8(%[t])\n\t"
        "movq %%r10, 16(%[t])\n\t"
        "movq %%r11, 24(%[t])\n\t"
        "movq %[rp], %[a]\n\t"
        NC_FE4_REDUCE("%[t]", "%[a]")
        : [a] "+r"(ap)
        : [t] "r"(t), [rp] "m"(rp)
        : NC_FE4_CLOBBERS);
}

#define NC_FE4_TARGET __attribute__((target("bmi2")))
#define NC_FE4_LADDER nc_x25519_ladder_bmi2
#define NC_FE4_BASE nc_x25519_base_bmi2
#include "x25519_fe4_impl.h"

#else

void nc_x25519_ladder_bmi2(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]) {
    (void)out;
    (void)k;
    (void)u;
}

void nc_x25519_base_bmi2(uint8_t out[32], const uint8_t k[32]) {
    (void)out;
    (void)k;
}

#endif
