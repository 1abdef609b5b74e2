/* P-256 field multiplication with BMI2 MULX and ADX ADCX/ADOX (Intel,
 * "New Instructions Supporting Large Integer Arithmetic", 2012): the
 * hardware path of ecp.c's Montgomery multiplication, same contract:
 * r = a*b/2^256 mod p for a, b < p, p = 2^256 - 2^224 + 2^192 + 2^96 - 1.
 *
 * Operand scanning, one word of b per round: the product row is added
 * with two independent carry chains (CF for the low halves, OF for the
 * high halves), then the word-by-word Montgomery step for this p, whose
 * quotient digit is the lowest word itself (-p^-1 = 1 mod 2^64) and whose
 * multiple q*p is q<<32, q>>32 and one product q*p[3] (see ecp.c).  The
 * final conditional subtraction uses CMOV.  No branches, no secret
 * addresses.  Chosen at run time only when the CPU has BMI2 and ADX.
 */
#include <stdint.h>

#include "ecp_internal.h"

#if defined(__x86_64__)

static const uint64_t p256_p3 = 0xffffffff00000001ULL;

/* One round: T0..T5 += a * rdx, then reduce by q = T0 (T0 becomes 0). */
#define NC_ROUND(OFF, T0, T1, T2, T3, T4, T5)                                   \
    "movq " #OFF "(%[b]), %%rdx\n\t"                                            \
    "xorl %%eax, %%eax\n\t"                                                     \
    "mulxq 0(%[a]), %%rbx, %%rcx\n\t"                                           \
    "adcxq %%rbx, %%" #T0 "\n\t"                                                \
    "adoxq %%rcx, %%" #T1 "\n\t"                                                \
    "mulxq 8(%[a]), %%rbx, %%rcx\n\t"                                           \
    "adcxq %%rbx, %%" #T1 "\n\t"                                                \
    "adoxq %%rcx, %%" #T2 "\n\t"                                                \
    "mulxq 16(%[a]), %%rbx, %%rcx\n\t"                                          \
    "adcxq %%rbx, %%" #T2 "\n\t"                                                \
    "adoxq %%rcx, %%" #T3 "\n\t"                                                \
    "mulxq 24(%[a]), %%rbx, %%rcx\n\t"                                          \
    "adcxq %%rbx, %%" #T3 "\n\t"                                                \
    "adoxq %%rcx, %%" #T4 "\n\t"                                                \
    "adcxq %%rax, %%" #T4 "\n\t"                                                \
    "adoxq %%rax, %%" #T5 "\n\t"                                                \
    "adcxq %%rax, %%" #T5 "\n\t"                                                \
    "movq %%" #T0 ", %%rdx\n\t"                                                 \
    "movq %%" #T0 ", %%rax\n\t"                                                 \
    "shlq $32, %%rax\n\t"                                                       \
    "mulxq %[p3], %%rbx, %%rcx\n\t"                                             \
    "shrq $32, %%rdx\n\t"                                                       \
    "addq %%rax, %%" #T1 "\n\t"                                                 \
    "adcq %%rdx, %%" #T2 "\n\t"                                                 \
    "adcq %%rbx, %%" #T3 "\n\t"                                                 \
    "adcq %%rcx, %%" #T4 "\n\t"                                                 \
    "adcq $0, %%" #T5 "\n\t"                                                    \
    "movq $0, %%" #T0 "\n\t"

void nc_p256_mul_adx(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    __asm__ volatile(
        "xorl %%r8d, %%r8d\n\t"
        "xorl %%r9d, %%r9d\n\t"
        "xorl %%r10d, %%r10d\n\t"
        "xorl %%r11d, %%r11d\n\t"
        "xorl %%r12d, %%r12d\n\t"
        "xorl %%r13d, %%r13d\n\t"
        NC_ROUND(0, r8, r9, r10, r11, r12, r13)
        NC_ROUND(8, r9, r10, r11, r12, r13, r8)
        NC_ROUND(16, r10, r11, r12, r13, r8, r9)
        NC_ROUND(24, r11, r12, r13, r8, r9, r10)
        /* result r12, r13, r8, r9 (+ r10 on top) < 2p: subtract p */
        "movq %%r12, %%rax\n\t"
        "movq %%r13, %%rbx\n\t"
        "movq %%r8, %%rcx\n\t"
        "movq %%r9, %%rdx\n\t"
        "movl $0xffffffff, %%r11d\n\t"
        "subq $-1, %%rax\n\t"
        "sbbq %%r11, %%rbx\n\t"
        "sbbq $0, %%rcx\n\t"
        "sbbq %[p3], %%rdx\n\t"
        "sbbq $0, %%r10\n\t"
        "cmovcq %%r12, %%rax\n\t"
        "cmovcq %%r13, %%rbx\n\t"
        "cmovcq %%r8, %%rcx\n\t"
        "cmovcq %%r9, %%rdx\n\t"
        "movq %%rax, 0(%[r])\n\t"
        "movq %%rbx, 8(%[r])\n\t"
        "movq %%rcx, 16(%[r])\n\t"
        "movq %%rdx, 24(%[r])\n\t"
        :
        : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p3] "m"(p256_p3)
        : "rax", "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "cc", "memory");
}

/* r = a + b mod p and r = a - b mod p (a, b < p), carry chains and CMOV. */
void nc_p256_add_adx(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "xorl %%r12d, %%r12d\n\t"
        "addq 0(%[b]), %%r8\n\t"
        "adcq 8(%[b]), %%r9\n\t"
        "adcq 16(%[b]), %%r10\n\t"
        "adcq 24(%[b]), %%r11\n\t"
        "adcq $0, %%r12\n\t"
        "movq %%r8, %%rax\n\t"
        "movq %%r9, %%rcx\n\t"
        "movq %%r10, %%rdx\n\t"
        "movq %%r11, %%rsi\n\t"
        "movl $0xffffffff, %%edi\n\t"
        "subq $-1, %%rax\n\t"
        "sbbq %%rdi, %%rcx\n\t"
        "sbbq $0, %%rdx\n\t"
        "sbbq %[p3], %%rsi\n\t"
        "sbbq $0, %%r12\n\t"
        "cmovcq %%r8, %%rax\n\t"
        "cmovcq %%r9, %%rcx\n\t"
        "cmovcq %%r10, %%rdx\n\t"
        "cmovcq %%r11, %%rsi\n\t"
        "movq %%rax, 0(%[r])\n\t"
        "movq %%rcx, 8(%[r])\n\t"
        "movq %%rdx, 16(%[r])\n\t"
        "movq %%rsi, 24(%[r])\n\t"
        :
        : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p3] "m"(p256_p3)
        : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "cc", "memory");
}

void nc_p256_sub_adx(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    __asm__ volatile(
        "movq 0(%[a]), %%r8\n\t"
        "movq 8(%[a]), %%r9\n\t"
        "movq 16(%[a]), %%r10\n\t"
        "movq 24(%[a]), %%r11\n\t"
        "subq 0(%[b]), %%r8\n\t"
        "sbbq 8(%[b]), %%r9\n\t"
        "sbbq 16(%[b]), %%r10\n\t"
        "sbbq 24(%[b]), %%r11\n\t"
        "sbbq %%rax, %%rax\n\t"          /* all ones when a < b */
        "movl %%eax, %%ecx\n\t"          /* p[1] & mask = 0xffffffff & mask */
        "movq %[p3], %%rdx\n\t"
        "andq %%rax, %%rdx\n\t"
        "addq %%rax, %%r8\n\t"
        "adcq %%rcx, %%r9\n\t"
        "adcq $0, %%r10\n\t"
        "adcq %%rdx, %%r11\n\t"
        "movq %%r8, 0(%[r])\n\t"
        "movq %%r9, 8(%[r])\n\t"
        "movq %%r10, 16(%[r])\n\t"
        "movq %%r11, 24(%[r])\n\t"
        :
        : [r] "r"(r), [a] "r"(a), [b] "r"(b), [p3] "m"(p256_p3)
        : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "cc", "memory");
}

#else

void nc_p256_add_adx(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    (void)r;
    (void)a;
    (void)b;
}

void nc_p256_sub_adx(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    (void)r;
    (void)a;
    (void)b;
}

void nc_p256_mul_adx(uint64_t *r, const uint64_t *a, const uint64_t *b) {
    (void)r;
    (void)a;
    (void)b;
}

#endif
