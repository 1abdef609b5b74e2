/* Constant-time buffer operations exported to Python (see ct.h). */
#ifndef NC_CT_API_H
#define NC_CT_API_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
int nc_ct_memeq(const uint8_t *a, const uint8_t *b, size_t n);
void nc_ct_select(uint32_t ctl, uint8_t *dst, const uint8_t *a, const uint8_t *b, size_t n);
/* cffi:end */

#endif
