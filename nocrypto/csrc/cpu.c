/* CPUID feature detection (Intel SDM vol. 2A, CPUID; XGETBV for AVX state). */
#include "cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define NC_X86 1
#endif

static uint32_t detected;
static int detected_done;
static int portable;

#ifdef NC_X86
static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t detect(void) {
    unsigned a, b, c, d;
    uint32_t f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) {
        return 0;
    }
    if (c & (1u << 25)) f |= NC_CPU_AESNI;
    if (c & (1u << 1)) f |= NC_CPU_PCLMUL;
    if (c & (1u << 9)) f |= NC_CPU_SSSE3;
    if (c & (1u << 19)) f |= NC_CPU_SSE41;
    if (c & (1u << 30)) f |= NC_CPU_RDRAND;
    /* AVX and wider need the OS to save the YMM/ZMM state (OSXSAVE + XCR0). */
    int ymm_ok = (c & (1u << 27)) && (c & (1u << 28)) && ((xgetbv0() & 0x6) == 0x6);
    int zmm_ok = ymm_ok && ((xgetbv0() & 0xe6) == 0xe6);
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        if ((b & (1u << 5)) && ymm_ok) f |= NC_CPU_AVX2;
        if (b & (1u << 8)) f |= NC_CPU_BMI2;
        if (b & (1u << 19)) f |= NC_CPU_ADX;
        if (b & (1u << 18)) f |= NC_CPU_RDSEED;
        if (b & (1u << 29)) f |= NC_CPU_SHANI;
        if ((b & (1u << 16)) && (b & (1u << 30)) && zmm_ok) f |= NC_CPU_AVX512;
        if ((c & (1u << 9)) && ymm_ok) f |= NC_CPU_VAES;
        if ((c & (1u << 10)) && ymm_ok) f |= NC_CPU_VPCLMUL;
    }
    return f;
}
#else
static uint32_t detect(void) { return 0; }
#endif

uint32_t nc_cpu_detected(void) {
    if (!detected_done) {
        detected = detect();
        detected_done = 1;
    }
    return detected;
}

/* The features hardware paths may use right now. */
uint32_t nc_cpu_features(void) {
    return portable ? 0 : nc_cpu_detected();
}

void nc_cpu_force_portable(int on) { portable = on != 0; }

int nc_cpu_is_portable(void) { return portable; }
