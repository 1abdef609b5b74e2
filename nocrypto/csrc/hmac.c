/* HMAC, RFC 2104 section 2 (FIPS 198-1): H(K^opad || H(K^ipad || m)),
 * a key longer than the block first replaced by its hash.
 *
 * Constant time in key and message: the key length is public, the key
 * bytes are only XORed and hashed.
 */
#include "hmac.h"

#include "ct.h"

int nc_hmac_init(nc_hmac_ctx *c, int alg, const uint8_t *key, size_t keylen) {
    uint8_t k[NC_HASH_MAX_BLOCK];
    size_t bs = nc_hash_block_size(alg);
    if (bs == 0) {
        return -1;
    }
    nc_bytes_zero(k, sizeof k);
    if (keylen > bs) {
        nc_hash(alg, key, keylen, k);
    } else {
        nc_bytes_copy(k, key, keylen);
    }
    for (size_t i = 0; i < bs; i++) {
        k[i] ^= 0x36;
    }
    nc_hash_init(&c->inner, alg);
    nc_hash_update(&c->inner, k, bs);
    for (size_t i = 0; i < bs; i++) {
        k[i] ^= 0x36 ^ 0x5c;
    }
    nc_hash_init(&c->outer, alg);
    nc_hash_update(&c->outer, k, bs);
    nc_ct_wipe(k, sizeof k);
    return 0;
}

void nc_hmac_update(nc_hmac_ctx *c, const uint8_t *p, size_t n) {
    nc_hash_update(&c->inner, p, n);
}

/* Writes nc_hash_size(alg) bytes and wipes the context. */
void nc_hmac_final(nc_hmac_ctx *c, uint8_t *out) {
    uint8_t t[NC_HASH_MAX_SIZE];
    size_t n = nc_hash_size(c->inner.alg);
    nc_hash_final(&c->inner, t);
    nc_hash_update(&c->outer, t, n);
    nc_hash_final(&c->outer, out);
    nc_ct_wipe(t, sizeof t);
    nc_ct_wipe(c, sizeof *c);
}

int nc_hmac(int alg, const uint8_t *key, size_t keylen, const uint8_t *msg, size_t n,
            uint8_t *out) {
    nc_hmac_ctx c;
    if (nc_hmac_init(&c, alg, key, keylen) != 0) {
        return -1;
    }
    nc_hmac_update(&c, msg, n);
    nc_hmac_final(&c, out);
    return 0;
}
