/* The Fortuna generator and accumulator state (fortuna.c) and the hardware
 * and timing entropy sources (entropy_hw.c).
 *
 * Fortuna after Ferguson, Schneier and Kohno, "Cryptography Engineering",
 * chapter 9.  The generator key and the pools are secrets, so they live in
 * this struct and only C touches them; Python drives the accumulator's
 * policy (when to reseed, which source feeds which pool) through the
 * functions below, one call per request.
 *
 * Choices the book leaves open, fixed here:
 * - the 128-bit counter is big-endian, incremented as in NIST SP 800-38A
 *   CTR mode, so the generator's output is plain AES-256-CTR;
 * - SHA-256d(m) = SHA-256(SHA-256(m)), both for the new key
 *   K' = SHA-256d(K || s) and for the pool digests that make up s.
 */
#ifndef NC_RNG_H
#define NC_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "aes.h"
#include "hash.h"

/* cffi:begin */
#define NC_FORTUNA_POOLS 32
#define NC_FORTUNA_MAX_REQUEST 1048576

typedef struct {
    nc_aes_key aes;                 /* the expanded generator key K */
    uint8_t key[32];                /* K itself, needed to reseed */
    uint8_t ctr[16];                /* C, big-endian; 0 until the first seeding */
    uint32_t seeded;
    uint32_t reserved;
    uint64_t pool_bytes[32];        /* bytes added to each pool since it was emptied */
    nc_sha256_ctx pools[32];
} nc_fortuna;

void nc_fortuna_init(nc_fortuna *f);
void nc_fortuna_reseed(nc_fortuna *f, const uint8_t *seed, size_t len);
void nc_fortuna_add_event(nc_fortuna *f, uint32_t source, uint32_t pool,
                          const uint8_t *data, size_t len);
void nc_fortuna_reseed_from_pools(nc_fortuna *f, uint64_t reseed_count);
int nc_fortuna_generate(nc_fortuna *f, uint8_t *out, size_t len);
void nc_fortuna_wipe(nc_fortuna *f);

size_t nc_entropy_rdseed(uint8_t *out, size_t len);
size_t nc_entropy_rdrand(uint8_t *out, size_t len);
size_t nc_entropy_jitter(uint8_t *out, size_t len, uint8_t *scratch, size_t scratch_len);
/* cffi:end */

#endif
