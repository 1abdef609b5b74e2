/* Constant-time comparison and selection of byte strings (ct.h). */
#include "ct_api.h"

#include "ct.h"

/* 1 when the n bytes agree, else 0; time depends on n only. */
int nc_ct_memeq(const uint8_t *a, const uint8_t *b, size_t n) {
    return (int)(1 ^ nc_ct_nonzero32(nc_ct_diff(a, b, n)));
}

/* dst = ctl ? a : b, for ctl in {0, 1}. */
void nc_ct_select(uint32_t ctl, uint8_t *dst, const uint8_t *a, const uint8_t *b, size_t n) {
    uint8_t m = (uint8_t)nc_ct_mask32(ctl & 1);
    for (size_t i = 0; i < n; i++) {
        dst[i] = (uint8_t)(b[i] ^ (m & (a[i] ^ b[i])));
    }
}
