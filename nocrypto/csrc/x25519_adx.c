/* X25519 (RFC 7748, section 5) on x86-64 with BMI2 MULX and ADX
 * ADCX/ADOX (Intel, "New Instructions Supporting Large Integer
 * Arithmetic", 2012): x25519_bmi2.c's four-limb field (x25519_fe4.h) with
 * products and squares that add the low halves on the CF chain and the
 * high halves on the OF chain, without storing the 512-bit product.  The
 * ladder and the fixed base are x25519_fe4_impl.h over these products.
 *
 * No branch or memory index depends on the scalar or the coordinates.
 * Valgrind does not run ADCX/ADOX, so `make ct` checks the BMI2 file,
 * which shares everything here but the two products.  Chosen per call by
 * x25519.c when the CPU has BMI2 and ADX and the portable switch is off.
 */
#include <stdint.h>

#include "ct.h"
#include "fe25519.h"
#include "x25519.h"
#include "x25519_fe4.h"

#if defined(__x86_64__) && defined(__GNUC__)

#define NC_TGT __attribute__((target("bmi2,adx"), always_inline)) static inline

/* 512-bit to 256-bit fold with ADX: r8..r11 += 38 * r12..r15, then the
 * carry word times 38 back in; result stored to 0..24(R). */
#define NC_FE4X_REDUCE(R)                                                      \
    "movl $38, %%edx\n\t"                                                      \
    "xorl %%eax, %%eax\n\t"                                                    \
    "mulxq %%r12, %%rcx, %%rbx\n\t"                                            \
    "adcxq %%rcx, %%r8\n\t"                                                    \
    "adoxq %%rbx, %%r9\n\t"                                                    \
    "mulxq %%r13, %%rcx, %%rbx\n\t"                                            \
    "adcxq %%rcx, %%r9\n\t"                                                    \
    "adoxq %%rbx, %%r10\n\t"                                                   \
    "mulxq %%r14, %%rcx, %%rbx\n\t"                                            \
    "adcxq %%rcx, %%r10\n\t"                                                   \
    "adoxq %%rbx, %%r11\n\t"                                                   \
    "mulxq %%r15, %%rcx, %%r12\n\t"                                            \
    "adcxq %%rcx, %%r11\n\t"                                                   \
    "adoxq %%rax, %%r12\n\t"                                                   \
    "adcxq %%rax, %%r12\n\t"                                                   \
    "imulq $38, %%r12, %%r12\n\t"                                              \
    "addq %%r12, %%r8\n\t"                                                     \
    "adcq %%rax, %%r9\n\t"                                                     \
    "adcq %%rax, %%r10\n\t"                                                    \
    "adcq %%rax, %%r11\n\t"                                                    \
    "sbbq %%rax, %%rax\n\t"                                                    \
    "andq $38, %%rax\n\t"                                                      \
    "addq %%rax, %%r8\n\t"                                                     \
    "movq %%r8, 0(" R ")\n\t"                                                  \
    "movq %%r9, 8(" R ")\n\t"                                                  \
    "movq %%r10, 16(" R ")\n\t"                                                \
    "movq %%r11, 24(" R ")\n\t"

/* T0..T3, T4 (fresh) += a[OFF/8] * b: low halves on the CF chain, high
 * halves on the OF chain. */
#define NC_FE4X_ROW(OFF, T0, T1, T2, T3, T4)                                   \
    "movq " #OFF "(%[a]), %%rdx\n\t"                                           \
    "xorl %%eax, %%eax\n\t"                                                    \
    "mulxq 0(%[b]), %%rcx, %%rbx\n\t"                                          \
    "adcxq %%rcx, %%" #T0 "\n\t"                                               \
    "adoxq %%rbx, %%" #T1 "\n\t"                                               \
    "mulxq 8(%[b]), %%rcx, %%rbx\n\t"                                          \
    "adcxq %%rcx, %%" #T1 "\n\t"                                               \
    "adoxq %%rbx, %%" #T2 "\n\t"                                               \
    "mulxq 16(%[b]), %%rcx, %%rbx\n\t"                                         \
    "adcxq %%rcx, %%" #T2 "\n\t"                                               \
    "adoxq %%rbx, %%" #T3 "\n\t"                                               \
    "mulxq 24(%[b]), %%rcx, %%" #T4 "\n\t"                                     \
    "adcxq %%rcx, %%" #T3 "\n\t"                                               \
    "adoxq %%rax, %%" #T4 "\n\t"                                               \
    "adcxq %%rax, %%" #T4 "\n\t"

#define NC_FE4X_CLOBBERS                                                       \
    "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", \
        "r15", "cc", "memory"

/* r = a b mod p (a value < 2^256); r may alias a or b. */
NC_TGT void fe4_mul(fe4 *r, const fe4 *a, const fe4 *b) {
    const uint64_t *ap = a->v;
    uint64_t *rp = r->v;
    __asm__ volatile(
        "movq 0(%[a]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 0(%[b]), %%r8, %%r9\n\t"
        "mulxq 8(%[b]), %%rcx, %%r10\n\t"
        "adcxq %%rcx, %%r9\n\t"
        "mulxq 16(%[b]), %%rcx, %%r11\n\t"
        "adcxq %%rcx, %%r10\n\t"
        "mulxq 24(%[b]), %%rcx, %%r12\n\t"
        "adcxq %%rcx, %%r11\n\t"
        "adcxq %%rax, %%r12\n\t"
        NC_FE4X_ROW(8, r9, r10, r11, r12, r13)
        NC_FE4X_ROW(16, r10, r11, r12, r13, r14)
        NC_FE4X_ROW(24, r11, r12, r13, r14, r15)
        "movq %[rp], %[a]\n\t" /* a and b are read: the register takes r */
        NC_FE4X_REDUCE("%[a]")
        : [a] "+r"(ap)
        : [b] "r"(b->v), [rp] "m"(rp)
        : NC_FE4X_CLOBBERS);
}

/* r = a^2 mod p: the cross products once, then doubled (CF chain) while
 * the squares on the diagonal go in (OF chain). */
NC_TGT void fe4_sq(fe4 *r, const fe4 *a) {
    const uint64_t *ap = a->v;
    uint64_t *rp = r->v;
    __asm__ volatile(
        "movq 0(%[a]), %%rdx\n\t"
        "xorl %%eax, %%eax\n\t"
        "mulxq 8(%[a]), %%r9, %%r10\n\t"   /* a0 a1 */
        "mulxq 16(%[a]), %%rcx, %%r11\n\t" /* a0 a2 */
        "adcxq %%rcx, %%r10\n\t"
        "mulxq 24(%[a]), %%rcx, %%r12\n\t" /* a0 a3 */
        "adcxq %%rcx, %%r11\n\t"
        "adcxq %%rax, %%r12\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq 16(%[a]), %%rcx, %%rbx\n\t" /* a1 a2 */
        "adcxq %%rcx, %%r11\n\t"
        "adoxq %%rbx, %%r12\n\t"
        "mulxq 24(%[a]), %%rcx, %%r13\n\t" /* a1 a3 */
        "adcxq %%rcx, %%r12\n\t"
        "adoxq %%rax, %%r13\n\t"
        "adcxq %%rax, %%r13\n\t"
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq 24(%[a]), %%rcx, %%r14\n\t" /* a2 a3 */
        "adcxq %%rcx, %%r13\n\t"
        "adcxq %%rax, %%r14\n\t"
        /* 2 * cross products + squares, r8..r15 */
        "movq 0(%[a]), %%rdx\n\t"
        "xorl %%r15d, %%r15d\n\t"
        "mulxq %%rdx, %%r8, %%rbx\n\t"
        "adcxq %%r9, %%r9\n\t"
        "adoxq %%rbx, %%r9\n\t"
        "movq 8(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %%rcx, %%rbx\n\t"
        "adcxq %%r10, %%r10\n\t"
        "adoxq %%rcx, %%r10\n\t"
        "adcxq %%r11, %%r11\n\t"
        "adoxq %%rbx, %%r11\n\t"
        "movq 16(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %%rcx, %%rbx\n\t"
        "adcxq %%r12, %%r12\n\t"
        "adoxq %%rcx, %%r12\n\t"
        "adcxq %%r13, %%r13\n\t"
        "adoxq %%rbx, %%r13\n\t"
        "movq 24(%[a]), %%rdx\n\t"
        "mulxq %%rdx, %%rcx, %%rbx\n\t"
        "adcxq %%r14, %%r14\n\t"
        "adoxq %%rcx, %%r14\n\t"
        "adcxq %%r15, %%r15\n\t"
        "adoxq %%rbx, %%r15\n\t"
        "movq %[rp], %[a]\n\t"
        NC_FE4X_REDUCE("%[a]")
        : [a] "+r"(ap)
        : [rp] "m"(rp)
        : NC_FE4X_CLOBBERS);
}

#define NC_FE4_TARGET __attribute__((target("bmi2,adx")))
#define NC_FE4_LADDER nc_x25519_ladder_adx
#define NC_FE4_BASE nc_x25519_base_adx
#include "x25519_fe4_impl.h"

#else

void nc_x25519_ladder_adx(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]) {
    (void)out;
    (void)k;
    (void)u;
}

void nc_x25519_base_adx(uint8_t out[32], const uint8_t k[32]) {
    (void)out;
    (void)k;
}

#endif
