/* TLS 1.3 key schedule steps (RFC 8446 sections 7.1 and 4.4.4), each one
 * call over hkdf.c and hmac.c, and the running transcript hash. */
#ifndef NC_TLS13_KS_H
#define NC_TLS13_KS_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* cffi:begin */
int nc_tls13_stage(int alg, const uint8_t *prev, size_t prevlen, const uint8_t *ikm,
                   size_t ikmlen, const uint8_t *th, size_t thlen, const uint8_t *labels,
                   size_t labelslen, uint8_t *next, uint8_t *out);
int nc_tls13_finished(int alg, const uint8_t *base, size_t baselen, const uint8_t *th,
                      size_t thlen, uint8_t *out);
int nc_tls13_key_iv(int alg, const uint8_t *secret, size_t secretlen, uint8_t *key,
                    size_t keylen, uint8_t *iv, size_t ivlen);
int nc_tls13_transcript(int alg, const nc_hash_ctx *in, const uint8_t *p, size_t n,
                        nc_hash_ctx *out, uint8_t *digest);
/* cffi:end */

#endif
