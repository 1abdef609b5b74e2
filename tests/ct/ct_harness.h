/* Shared by the constant-time harnesses in tests/ct (run by `make ct`).
 *
 * A harness marks secret inputs undefined for valgrind's memcheck with
 * SECRET(); memcheck then reports any branch or memory index that depends
 * on them.  Outputs that are public by design (ciphertexts, tags, the
 * verdict of a check) are declassified with PUBLIC() before they are used.
 * FOR_EACH_PATH runs a block once on the hardware path and once forced
 * portable, so both are covered.
 */
#ifndef CT_HARNESS_H
#define CT_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "cpu.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

#define FOR_EACH_PATH(path)                                                      \
    for (int path = 0; path < 2; nc_cpu_force_portable(0), path++)               \
        for (int once_ = (nc_cpu_force_portable(path), 1); once_; once_ = 0)

/* Deterministic filler for inputs (not secret-quality; values don't matter). */
static inline void ct_fill(uint8_t *p, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

static inline void ct_report_paths(const char *name) {
    printf("%s: cpu features seen under valgrind: 0x%x\n", name, nc_cpu_detected());
}

#endif
