/* Internal interface of GCM (gcm.c) to its GHASH implementations
 * (ghash_ct.c, ghash_pclmul.c) and the stitched AES-NI loop (gcm_ni.c).
 * GHASH state y is the 16-byte block of SP 800-38D; data of a length not a
 * multiple of 16 is zero-padded at its end. */
#ifndef NC_GCM_IMPL_H
#define NC_GCM_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "gcm.h"

void nc_ghash_ct_init(uint64_t *h, const uint8_t hkey[16]);
void nc_ghash_ct(uint8_t y[16], const uint64_t *h, const uint8_t *data, size_t len);

/* Table: H^1..H^9 at h[0..17], then H^16, H^15, ..., H^1 at
 * h[NC_GCM_HREV16..] (pairs for the 256-bit loop), then the Karatsuba
 * keys (lo ^ hi) of the same powers in the same two layouts. */
#define NC_GCM_HREV16 18
#define NC_GCM_K9 50
#define NC_GCM_KREV16 68
void nc_ghash_pclmul_init(uint64_t *h, const uint8_t hkey[16]);
void nc_ghash_pclmul(uint8_t y[16], const uint64_t *h, const uint8_t *data, size_t len);

/* Encrypt/decrypt and hash whole 128-byte batches (AES-NI + PCLMULQDQ);
 * return the number of bytes done, a multiple of 128. */
size_t nc_gcm_ni_seal_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                              const uint8_t *in, uint8_t *out, size_t len);
size_t nc_gcm_ni_open_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                              const uint8_t *in, uint8_t *out, size_t len);
size_t nc_gcm_vaes_seal_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                                const uint8_t *in, uint8_t *out, size_t len);
size_t nc_gcm_vaes_open_batches(const nc_gcm_key *g, uint8_t ctr[16], uint8_t y[16],
                                const uint8_t *in, uint8_t *out, size_t len);
/* The last len < 128 bytes, the length block and the tag in one pass. */
void nc_gcm_ni_final(const nc_gcm_key *g, const uint8_t ctr[16], const uint8_t j0[16],
                     const uint8_t y[16], const uint8_t *in, uint8_t *out, size_t len,
                     uint64_t alen, uint64_t clen, int open, uint8_t tag[16]);

#endif
