/* Run-time CPU feature detection and the portable switch.
 *
 * Primitives with a hardware path ask nc_cpu_features() when they expand a
 * key or start a context and record the choice there, so one object never
 * mixes paths.  nc_cpu_force_portable(1) (or NOCRYPTO_PORTABLE=1, read by
 * nocrypto.cpu) makes every later choice the portable one.
 */
#ifndef NC_CPU_H
#define NC_CPU_H

#include <stdint.h>

/* cffi:begin */
#define NC_CPU_AESNI 1
#define NC_CPU_PCLMUL 2
#define NC_CPU_SHANI 4
#define NC_CPU_SSSE3 8
#define NC_CPU_SSE41 16
#define NC_CPU_AVX2 32
#define NC_CPU_BMI2 64
#define NC_CPU_ADX 128
#define NC_CPU_VAES 256
#define NC_CPU_VPCLMUL 512
#define NC_CPU_RDRAND 1024
#define NC_CPU_RDSEED 2048
#define NC_CPU_AVX512 4096

uint32_t nc_cpu_detected(void);
uint32_t nc_cpu_features(void);
void nc_cpu_force_portable(int on);
int nc_cpu_is_portable(void);
/* cffi:end */

#endif
