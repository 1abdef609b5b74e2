/* HMAC (RFC 2104, FIPS 198-1) over the hashes of hash.h.
 *
 * nc_hmac_init absorbs key^ipad and key^opad once; a context may then be
 * copied byte for byte to MAC many messages under the same key (HKDF,
 * the TLS PRF and the CBC record check do exactly that).
 */
#ifndef NC_HMAC_H
#define NC_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* cffi:begin */
typedef struct {
    nc_hash_ctx inner;
    nc_hash_ctx outer;
} nc_hmac_ctx;

int nc_hmac_init(nc_hmac_ctx *c, int alg, const uint8_t *key, size_t keylen);
void nc_hmac_update(nc_hmac_ctx *c, const uint8_t *p, size_t n);
void nc_hmac_final(nc_hmac_ctx *c, uint8_t *out);
int nc_hmac(int alg, const uint8_t *key, size_t keylen, const uint8_t *msg, size_t n,
            uint8_t *out);
/* cffi:end */

#endif
