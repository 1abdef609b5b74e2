/* ChaCha20-Poly1305 (RFC 8439 section 2.8) in one pass with AVX2 and BMI2:
 * the keystream of eight ChaCha20 blocks (section 2.3, the eight-block
 * code of chacha20_avx2.c) in the vector registers while the integer
 * units run Poly1305 (section 2.5, radix 2^64 as in poly1305.c, mulx from
 * BMI2) over 512 bytes of ciphertext.
 *
 * Batch b XORs the keystream of blocks counter+8b .. counter+8b+7 into
 * 512 bytes of in -> out and hashes the 32 Poly1305 blocks at mac + 512b.
 * Opening passes mac = in (the ciphertext is the input: hashed before the
 * batch's output is stored, so in == out works); sealing passes the
 * ciphertext of the batch before, already written.  The Poly1305 steps sit
 * between the quarter-rounds, three or four per double round, so that the
 * out-of-order core overlaps the two.  Arithmetic only: no branch or
 * index depends on the key, the keystream or the data.
 * The gain comes from integer units the vector code leaves idle: it runs
 * about 10% more instructions than the two passes (AVX2 ChaCha20, then
 * AVX2 Poly1305), so on a core whose other hardware thread is busy it can
 * be slower (measured: 0.70-0.77x the two passes' time at 16 KiB on an
 * idle core, up to 1.15x while the host loaded the sibling thread).
 */
#include "chacha.h"

#include "chacha_impl.h"
#include "ct.h"

#if defined(__x86_64__)

#define NC_STITCH __attribute__((target("avx2,bmi2")))

/* nc_poly1305_step (chacha_impl.h) with padbit 1, in assembly: the
 * same operations in the same order, with mulx taking r0, r1 and s1 from
 * registers or memory.  (GCC keeps the 128-bit sums of the C version on
 * the stack once the vector code holds most registers, which made the
 * stitched loop slower than the two passes.) */
NC_STITCH static inline void poly_step(uint64_t *h0, uint64_t *h1, uint64_t *h2,
                                       const uint8_t *m, const uint64_t *r0,
                                       const uint64_t *r1, const uint64_t *s1) {
    uint64_t d0hi, d1hi, t0, t1;
    __asm__("addq 0(%[m]), %[h0]\n\t"
            "adcq 8(%[m]), %[h1]\n\t"
            "adcq $1, %[h2]\n\t"
            /* d0 = h0 r0 + h1 s1 in (h0, d0hi), d1 = h0 r1 + h1 r0 in (h1, d1hi) */
            "movq %[h0], %%rdx\n\t"
            "mulxq %[r0], %[h0], %[d0hi]\n\t"
            "mulxq %[r1], %[t0], %[d1hi]\n\t"
            "movq %[h1], %%rdx\n\t"
            "mulxq %[s1], %[h1], %[t1]\n\t"
            "addq %[h1], %[h0]\n\t"
            "adcq %[t1], %[d0hi]\n\t"
            "mulxq %[r0], %[h1], %[t1]\n\t"
            "addq %[t0], %[h1]\n\t"
            "adcq %[t1], %[d1hi]\n\t"
            /* d1 += h2 s1 + (d0 >> 64); d2 = (d1 >> 64) + h2 r0 in d1hi */
            "movq %[h2], %[t0]\n\t"
            "imulq %[s1], %[t0]\n\t"
            "imulq %[r0], %[h2]\n\t"
            "addq %[t0], %[h1]\n\t"
            "adcq $0, %[d1hi]\n\t"
            "addq %[d0hi], %[h1]\n\t"
            "adcq $0, %[d1hi]\n\t"
            "addq %[h2], %[d1hi]\n\t"
            /* h2 = d2 & 3; h += 5 (d2 >> 2) = (d2 & ~3) + (d2 >> 2) */
            "movq %[d1hi], %[h2]\n\t"
            "andq $3, %[h2]\n\t"
            "movq %[d1hi], %[t0]\n\t"
            "andq $-4, %[t0]\n\t"
            "shrq $2, %[d1hi]\n\t"
            "addq %[t0], %[d1hi]\n\t"
            "addq %[d1hi], %[h0]\n\t"
            "adcq $0, %[h1]\n\t"
            "adcq $0, %[h2]"
            : [h0] "+&r"(*h0), [h1] "+&r"(*h1), [h2] "+&r"(*h2), [d0hi] "=&r"(d0hi),
              [d1hi] "=&r"(d1hi), [t0] "=&r"(t0), [t1] "=&r"(t1)
            : [m] "r"(m), "m"(*(const uint8_t(*)[16])m), [r0] "rm"(*r0), [r1] "rm"(*r1),
              [s1] "rm"(*s1)
            : "rdx", "cc");
}

#define POLY()                                       \
    do {                                             \
        poly_step(&h0, &h1, &h2, m, &r0, &r1, &s1);  \
        m += 16;                                     \
    } while (0)

NC_STITCH void nc_chacha20poly1305_avx2_batches(const uint8_t key[32], const uint8_t nonce[12],
                                                uint32_t counter, const uint8_t *in,
                                                uint8_t *out, size_t nbatches,
                                                const uint8_t *mac, nc_poly1305_state *ps) {
    __m256i s[16], lo[8], hi[8];
    nc_chacha8_init(s, key, nonce, counter);
    const __m256i eight = _mm256_set1_epi32(8);
    const uint64_t r0 = ps->r0, r1 = ps->r1, s1 = ps->s1;
    uint64_t h0 = ps->h0, h1 = ps->h1, h2 = ps->h2;
    for (; nbatches; nbatches--) {
        const uint8_t *m = mac;
        __m256i x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3];
        __m256i x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7];
        __m256i x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11];
        __m256i x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15];
        /* 32 Poly1305 blocks over 10 double rounds: 4 in the first two,
         * 3 in the others */
        for (int i = 0; i < 10; i++) {
            QR2(x0, x4, x8, x12, x1, x5, x9, x13);
            POLY();
            QR2(x2, x6, x10, x14, x3, x7, x11, x15);
            POLY();
            QR2(x0, x5, x10, x15, x1, x6, x11, x12);
            POLY();
            QR2(x2, x7, x8, x13, x3, x4, x9, x14);
            if (i < 2) {
                POLY();
            }
        }
        const __m256i x[16] = {x0, x1, x2, x3, x4, x5, x6, x7,
                               x8, x9, x10, x11, x12, x13, x14, x15};
        nc_chacha8_output(x, s, lo, hi);
        nc_chacha8_xor(out, in, lo, hi);
        s[12] = _mm256_add_epi32(s[12], eight);
        in += 512;
        out += 512;
        mac += 512;
    }
    ps->h0 = h0;
    ps->h1 = h1;
    ps->h2 = h2;
    nc_chacha_wipe(s, sizeof s);
    nc_chacha_wipe(lo, sizeof lo);
    nc_chacha_wipe(hi, sizeof hi);
}

#endif
