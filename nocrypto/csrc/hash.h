/* SHA-1 and SHA-2 (FIPS 180-4): typed incremental contexts and a generic
 * context over all five algorithms.
 *
 * Contexts are plain structs the caller owns (Python allocates them through
 * cffi; other C files put them on the stack).  A context is usable after
 * init, may be copied byte for byte (that is how Python's copy() works),
 * and is finished by final, which leaves it wiped.
 *
 * Hashing is constant time in the data: the only branches are on the
 * public lengths.  SHA-1 and SHA-256/224 have SHA-NI paths (sha1_shani.c,
 * sha256_shani.c), SHA-512/384 an AVX2 message-schedule path
 * (sha512_avx2.c), chosen at init from nc_cpu_features() and recorded in
 * the context.
 */
#ifndef NC_HASH_H
#define NC_HASH_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
#define NC_SHA1 1
#define NC_SHA224 2
#define NC_SHA256 3
#define NC_SHA384 4
#define NC_SHA512 5

#define NC_HASH_MAX_SIZE 64
#define NC_HASH_MAX_BLOCK 128

typedef struct {
    uint32_t h[5];
    uint32_t buflen;
    uint32_t impl;
    uint32_t reserved;
    uint64_t count;
    uint8_t buf[64];
} nc_sha1_ctx;

typedef struct {
    uint32_t h[8];
    uint32_t buflen;
    uint32_t outlen;
    uint32_t impl;
    uint32_t reserved;
    uint64_t count;
    uint8_t buf[64];
} nc_sha256_ctx;

typedef struct {
    uint64_t h[8];
    uint64_t count;
    uint32_t buflen;
    uint32_t outlen;
    uint32_t impl;
    uint32_t reserved;
    uint8_t buf[128];
} nc_sha512_ctx;

typedef struct {
    int alg;
    uint32_t reserved;
    union {
        nc_sha1_ctx sha1;
        nc_sha256_ctx sha256;
        nc_sha512_ctx sha512;
    } u;
} nc_hash_ctx;

void nc_sha1_init(nc_sha1_ctx *c);
void nc_sha1_update(nc_sha1_ctx *c, const uint8_t *p, size_t n);
void nc_sha1_final(nc_sha1_ctx *c, uint8_t out[20]);

void nc_sha256_init(nc_sha256_ctx *c);
void nc_sha224_init(nc_sha256_ctx *c);
void nc_sha256_update(nc_sha256_ctx *c, const uint8_t *p, size_t n);
void nc_sha256_final(nc_sha256_ctx *c, uint8_t *out);

void nc_sha512_init(nc_sha512_ctx *c);
void nc_sha384_init(nc_sha512_ctx *c);
void nc_sha512_update(nc_sha512_ctx *c, const uint8_t *p, size_t n);
void nc_sha512_final(nc_sha512_ctx *c, uint8_t *out);

int nc_hash_init(nc_hash_ctx *c, int alg);
void nc_hash_update(nc_hash_ctx *c, const uint8_t *p, size_t n);
void nc_hash_final(nc_hash_ctx *c, uint8_t *out);
size_t nc_hash_size(int alg);
size_t nc_hash_block_size(int alg);
void nc_hash(int alg, const uint8_t *p, size_t n, uint8_t *out);
/* cffi:end */

/* C-internal byte moves (explicit loops: no libc calls on secrets). */
static inline void nc_bytes_copy(void *dst, const void *src, size_t n) {
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

static inline void nc_bytes_zero(void *dst, size_t n) {
    uint8_t *d = (uint8_t *)dst;
    for (size_t i = 0; i < n; i++) {
        d[i] = 0;
    }
}

/* C-internal: the compression functions over nblocks whole blocks. */
void nc_sha1_blocks(uint32_t h[5], const uint8_t *p, size_t nblocks, uint32_t impl);
void nc_sha1_blocks_portable(uint32_t h[5], const uint8_t *p, size_t nblocks);
void nc_sha1_blocks_shani(uint32_t h[5], const uint8_t *p, size_t nblocks);
int nc_sha1_shani_usable(void);
void nc_sha512_blocks(uint64_t h[8], const uint8_t *p, size_t nblocks, uint32_t impl);
void nc_sha512_blocks_portable(uint64_t h[8], const uint8_t *p, size_t nblocks);
void nc_sha512_blocks_avx2(uint64_t h[8], const uint8_t *p, size_t nblocks);
int nc_sha512_avx2_usable(void);

/* C-internal: the SHA-256 compression on the two paths (impl 0 portable,
 * 1 SHA-NI), nblocks whole 64-byte blocks. */
void nc_sha256_blocks_portable(uint32_t h[8], const uint8_t *p, size_t nblocks);
void nc_sha256_blocks_shani(uint32_t h[8], const uint8_t *p, size_t nblocks);
int nc_sha256_shani_usable(void);

/* C-internal, for the constant-time TLS CBC check: compress exactly one
 * block into the chaining state of a context whose buffer is empty
 * (count and buffer are left alone), and write the chaining state as a
 * digest (what final would output if the padding were already hashed). */
void nc_hash_compress(nc_hash_ctx *c, const uint8_t *block);
void nc_hash_state_out(const nc_hash_ctx *c, uint8_t *out);
/* if (ctl) copy src's chaining state into dst -- without a branch (same alg). */
void nc_hash_state_cmov(uint32_t ctl, nc_hash_ctx *dst, const nc_hash_ctx *src);
/* Bytes hashed so far (the 64-bit count; SHA-384/512 lengths beyond 2^61
 * bytes are not reached through this interface). */
uint64_t nc_hash_count(const nc_hash_ctx *c);
/* Width of the length field that ends the padding (8 or 16 bytes). */
size_t nc_hash_length_field(int alg);

#endif
