/* The TLS 1.2 PRF (RFC 5246 section 5), one call per derivation. */
#ifndef NC_PRF_H
#define NC_PRF_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
int nc_tls12_prf(int alg, const uint8_t *secret, size_t secretlen, const uint8_t *label,
                 size_t labellen, const uint8_t *seed, size_t seedlen, uint8_t *out,
                 size_t outlen);
/* cffi:end */

#endif
