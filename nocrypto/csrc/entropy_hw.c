/* Entropy sources in C for the Fortuna accumulator (nocrypto.entropy).
 *
 * - RDSEED and RDRAND (Intel SDM vol. 2B; Intel "Digital Random Number
 *   Generator Software Implementation Guide"): an instruction reports
 *   success in the carry flag; a failure is retried a bounded number of
 *   times (with PAUSE for RDSEED, whose conditioner may run dry), then the
 *   call returns what it has.  All-zero and all-one words are treated as
 *   failures too: some AMD parts returned ~0 with CF set after suspend.
 *   Used only when CPUID (nc_cpu_detected) lists the instruction.
 * - A jitter source: the time-stamp counter read around short bursts of
 *   memory work in a caller-supplied scratch buffer; the low bits of the
 *   deltas, which vary with caches, interrupts and frequency changes, are
 *   folded into the output bytes.  Raw, unconditioned samples: the pools
 *   hash everything they receive.
 *
 * Each function returns the number of bytes written (0 where the source is
 * absent).
 */
#include "rng.h"

#include "cpu.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define RDSEED_TRIES 128
#define RDRAND_TRIES 16

static inline int usable(uint64_t v) {
    return v != 0 && v != ~(uint64_t)0;
}

__attribute__((target("rdseed"))) static int rdseed64(uint64_t *v) {
    for (int i = 0; i < RDSEED_TRIES; i++) {
        unsigned long long x;
        if (_rdseed64_step(&x) && usable(x)) {
            *v = x;
            return 1;
        }
        _mm_pause();
    }
    return 0;
}

__attribute__((target("rdrnd"))) static int rdrand64(uint64_t *v) {
    for (int i = 0; i < RDRAND_TRIES; i++) {
        unsigned long long x;
        if (_rdrand64_step(&x) && usable(x)) {
            *v = x;
            return 1;
        }
    }
    return 0;
}

static size_t fill(uint8_t *out, size_t len, int (*step)(uint64_t *)) {
    size_t done = 0;
    while (done < len) {
        uint64_t v;
        if (!step(&v)) {
            break;
        }
        for (int j = 0; j < 8 && done < len; j++, done++) {
            out[done] = (uint8_t)(v >> (8 * j));
        }
    }
    return done;
}

size_t nc_entropy_rdseed(uint8_t *out, size_t len) {
    if (!(nc_cpu_detected() & NC_CPU_RDSEED)) {
        return 0;
    }
    return fill(out, len, rdseed64);
}

size_t nc_entropy_rdrand(uint8_t *out, size_t len) {
    if (!(nc_cpu_detected() & NC_CPU_RDRAND)) {
        return 0;
    }
    return fill(out, len, rdrand64);
}

static inline uint64_t tsc(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

size_t nc_entropy_jitter(uint8_t *out, size_t len, uint8_t *scratch, size_t scratch_len) {
    /* scratch: a power of two, at least a few pages */
    if (scratch_len < 4096 || (scratch_len & (scratch_len - 1)) != 0) {
        return 0;
    }
    uint64_t prev = tsc();
    size_t idx = 0;
    for (size_t i = 0; i < len; i++) {
        /* Multiplicative mixing: with an XOR-and-rotate fold, runs of equal
         * deltas (common under virtualised TSCs) cancel out to 0x00/0xff. */
        uint32_t acc = 0;
        for (int r = 0; r < 8; r++) {
            /* A page-striding walk: each touch may hit or miss the caches. */
            for (int j = 0; j < 32; j++) {
                idx = (idx + 4099) & (scratch_len - 1);
                scratch[idx] = (uint8_t)(scratch[idx] + prev + (uint64_t)j);
            }
            uint64_t now = tsc();
            uint64_t d = now - prev;
            prev = now;
            acc = (acc * 0x9e3779b1u) ^ (uint32_t)d ^ (uint32_t)(d >> 32);
        }
        out[i] = (uint8_t)((acc * 0x9e3779b1u) >> 24);
    }
    return len;
}

#else

size_t nc_entropy_rdseed(uint8_t *out, size_t len) {
    (void)out;
    (void)len;
    return 0;
}

size_t nc_entropy_rdrand(uint8_t *out, size_t len) {
    (void)out;
    (void)len;
    return 0;
}

size_t nc_entropy_jitter(uint8_t *out, size_t len, uint8_t *scratch, size_t scratch_len) {
    (void)out;
    (void)len;
    (void)scratch;
    (void)scratch_len;
    return 0;
}

#endif
