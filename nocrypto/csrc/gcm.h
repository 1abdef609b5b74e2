/* AES-GCM (NIST SP 800-38D): authenticated encryption with a 16-byte tag.
 *
 * nc_gcm_init expands the AES key and the hash key H = E_K(0^128) once:
 * with PCLMULQDQ the powers of H for aggregated GHASH stitched with AES-NI
 * CTR (8 blocks per loop, or 16 with VAES/VPCLMULQDQ), else the
 * constant-time portable GHASH of ghash_ct.c.  Nonces of any length >= 1 are accepted; 12 bytes is the
 * fast path (J0 = nonce || 0^31 || 1).
 */
#ifndef NC_GCM_H
#define NC_GCM_H

#include <stddef.h>
#include <stdint.h>

#include "aes.h"

/* cffi:begin */
#define NC_GHASH_PATH_CT 0
#define NC_GHASH_PATH_PCLMUL 1
#define NC_GHASH_PATH_VPCLMUL 2

typedef struct {
    nc_aes_key aes;
    uint64_t h[100];
    uint32_t ghash_path;
    uint32_t reserved;
} nc_gcm_key;

int nc_gcm_init(nc_gcm_key *g, const uint8_t *key, size_t keylen);
/* Whether keys made from now on may use the 256-bit VAES/VPCLMULQDQ loop
 * when the CPU has it (default 1); 0 keeps them on the 128-bit AES-NI
 * loop, so tests can cover both. */
void nc_gcm_allow_wide(int on);
/* Overwrite the expanded AES key and hash-key powers (for destructors). */
void nc_gcm_wipe(nc_gcm_key *g);
/* out receives len bytes of ciphertext then the 16-byte tag; in == out is
 * allowed (but no other overlap).  0 ok; -1 when nonce_len is 0, len exceeds
 * 2^36 - 32 bytes, or aad_len/nonce_len exceed 2^61 - 1 bytes. */
int nc_gcm_seal(const nc_gcm_key *g, const uint8_t *nonce, size_t nonce_len,
                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out);
/* As nc_gcm_seal over in1 || in2 without the caller joining them: out
 * receives len1 + len2 bytes of ciphertext then the tag.  in1 may equal
 * out (no other overlap); in2 must not overlap out.  Whole 128-byte
 * batches are read straight from in1; the rest is copied into out and
 * sealed in place. */
int nc_gcm_seal_split(const nc_gcm_key *g, const uint8_t *nonce, size_t nonce_len,
                      const uint8_t *aad, size_t aad_len, const uint8_t *in1, size_t len1,
                      const uint8_t *in2, size_t len2, uint8_t *out);
/* in holds ciphertext||tag; out receives len_with_tag - 16 bytes.  0 when
 * the tag verifies; -1 otherwise (out is then all zero) or on bad sizes. */
int nc_gcm_open(const nc_gcm_key *g, const uint8_t *nonce, size_t nonce_len,
                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len_with_tag,
                uint8_t *out);
/* cffi:end */

#endif
