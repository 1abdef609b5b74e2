/* The generic hash context over SHA-1/224/256/384/512 (FIPS 180-4), by
 * algorithm id, plus the block-level access the constant-time TLS CBC
 * check needs (tls_cbc.c).
 */
#include "ct.h"
#include "hash.h"

size_t nc_hash_size(int alg) {
    switch (alg) {
    case NC_SHA1: return 20;
    case NC_SHA224: return 28;
    case NC_SHA256: return 32;
    case NC_SHA384: return 48;
    case NC_SHA512: return 64;
    default: return 0;
    }
}

size_t nc_hash_block_size(int alg) {
    switch (alg) {
    case NC_SHA1:
    case NC_SHA224:
    case NC_SHA256: return 64;
    case NC_SHA384:
    case NC_SHA512: return 128;
    default: return 0;
    }
}

size_t nc_hash_length_field(int alg) { return nc_hash_block_size(alg) / 8; }

int nc_hash_init(nc_hash_ctx *c, int alg) {
    c->alg = alg;
    c->reserved = 0;
    switch (alg) {
    case NC_SHA1: nc_sha1_init(&c->u.sha1); return 0;
    case NC_SHA224: nc_sha224_init(&c->u.sha256); return 0;
    case NC_SHA256: nc_sha256_init(&c->u.sha256); return 0;
    case NC_SHA384: nc_sha384_init(&c->u.sha512); return 0;
    case NC_SHA512: nc_sha512_init(&c->u.sha512); return 0;
    default: c->alg = 0; return -1;
    }
}

void nc_hash_update(nc_hash_ctx *c, const uint8_t *p, size_t n) {
    switch (c->alg) {
    case NC_SHA1: nc_sha1_update(&c->u.sha1, p, n); break;
    case NC_SHA224:
    case NC_SHA256: nc_sha256_update(&c->u.sha256, p, n); break;
    case NC_SHA384:
    case NC_SHA512: nc_sha512_update(&c->u.sha512, p, n); break;
    default: break;
    }
}

void nc_hash_final(nc_hash_ctx *c, uint8_t *out) {
    switch (c->alg) {
    case NC_SHA1: nc_sha1_final(&c->u.sha1, out); break;
    case NC_SHA224:
    case NC_SHA256: nc_sha256_final(&c->u.sha256, out); break;
    case NC_SHA384:
    case NC_SHA512: nc_sha512_final(&c->u.sha512, out); break;
    default: break;
    }
    nc_ct_wipe(c, sizeof *c);
}

void nc_hash(int alg, const uint8_t *p, size_t n, uint8_t *out) {
    nc_hash_ctx c;
    if (nc_hash_init(&c, alg) != 0) {
        return;
    }
    nc_hash_update(&c, p, n);
    nc_hash_final(&c, out);
}

void nc_hash_compress(nc_hash_ctx *c, const uint8_t *block) {
    switch (c->alg) {
    case NC_SHA1: nc_sha1_blocks(c->u.sha1.h, block, 1, c->u.sha1.impl); break;
    case NC_SHA224:
    case NC_SHA256:
        if (c->u.sha256.impl) {
            nc_sha256_blocks_shani(c->u.sha256.h, block, 1);
        } else {
            nc_sha256_blocks_portable(c->u.sha256.h, block, 1);
        }
        break;
    case NC_SHA384:
    case NC_SHA512: nc_sha512_blocks(c->u.sha512.h, block, 1, c->u.sha512.impl); break;
    default: break;
    }
}

void nc_hash_state_out(const nc_hash_ctx *c, uint8_t *out) {
    size_t n = nc_hash_size(c->alg);
    switch (c->alg) {
    case NC_SHA1:
        for (size_t i = 0; i < n / 4; i++) nc_store_be32(out + 4 * i, c->u.sha1.h[i]);
        break;
    case NC_SHA224:
    case NC_SHA256:
        for (size_t i = 0; i < n / 4; i++) nc_store_be32(out + 4 * i, c->u.sha256.h[i]);
        break;
    case NC_SHA384:
    case NC_SHA512:
        for (size_t i = 0; i < n / 8; i++) nc_store_be64(out + 8 * i, c->u.sha512.h[i]);
        break;
    default: break;
    }
}

void nc_hash_state_cmov(uint32_t ctl, nc_hash_ctx *dst, const nc_hash_ctx *src) {
    uint32_t m32 = nc_ct_mask32(ctl);
    uint64_t m64 = nc_ct_mask64(ctl);
    switch (dst->alg) {
    case NC_SHA1:
        for (int i = 0; i < 5; i++) {
            dst->u.sha1.h[i] ^= m32 & (dst->u.sha1.h[i] ^ src->u.sha1.h[i]);
        }
        break;
    case NC_SHA224:
    case NC_SHA256:
        for (int i = 0; i < 8; i++) {
            dst->u.sha256.h[i] ^= m32 & (dst->u.sha256.h[i] ^ src->u.sha256.h[i]);
        }
        break;
    case NC_SHA384:
    case NC_SHA512:
        for (int i = 0; i < 8; i++) {
            dst->u.sha512.h[i] ^= m64 & (dst->u.sha512.h[i] ^ src->u.sha512.h[i]);
        }
        break;
    default: break;
    }
}

uint64_t nc_hash_count(const nc_hash_ctx *c) {
    switch (c->alg) {
    case NC_SHA1: return c->u.sha1.count;
    case NC_SHA224:
    case NC_SHA256: return c->u.sha256.count;
    case NC_SHA384:
    case NC_SHA512: return c->u.sha512.count;
    default: return 0;
    }
}
