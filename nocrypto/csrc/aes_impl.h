/* Internal interface between aes.c (API, key schedule, dispatch) and the
 * two implementations, aes_ct.c (portable, bitsliced) and aes_ni.c
 * (AES-NI).  Not seen by Python. */
#ifndef NC_AES_IMPL_H
#define NC_AES_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "aes.h"

/* FIPS 197 section 5.2 key expansion into 16*(rounds+1) bytes; constant
 * time (S-box by the bitsliced circuit).  Returns the rounds, 0 on a bad
 * key length. */
unsigned nc_aes_ct_schedule(uint8_t rk[240], const uint8_t *key, size_t keylen);
/* The bitsliced S-box applied to each byte of a 16-byte block. */
void nc_aes_ct_subbytes16(uint8_t b[16]);

void nc_aes_ct_setup(nc_aes_key *k, const uint8_t *rk, unsigned rounds);
void nc_aes_ct_ecb_enc(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void nc_aes_ct_ecb_dec(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void nc_aes_ct_ctr(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
void nc_aes_ct_ctr32(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
void nc_aes_ct_cbc_enc(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);
void nc_aes_ct_cbc_dec(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);

/* nc_aes_ct_schedule's output computed with AESKEYGENASSIST. */
unsigned nc_aes_ni_schedule(uint8_t rk[240], const uint8_t *key, size_t keylen);
void nc_aes_ni_setup(nc_aes_key *k, const uint8_t *rk, unsigned rounds);
void nc_aes_ni_ecb_enc(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void nc_aes_ni_ecb_dec(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void nc_aes_ni_ctr(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
void nc_aes_ni_ctr32(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
void nc_aes_ni_cbc_enc(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);
void nc_aes_ni_cbc_dec(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);

/* 128-bit big-endian increment of a counter block (public data). */
static inline void nc_aes_ctr_inc128(uint8_t c[16], uint64_t n) {
    for (int i = 15; i >= 0 && n; i--) {
        n += c[i];
        c[i] = (uint8_t)n;
        n >>= 8;
    }
}

/* GCM's inc32: the last four bytes as a big-endian counter mod 2^32. */
static inline void nc_aes_ctr_inc32(uint8_t c[16], uint32_t n) {
    uint32_t x = ((uint32_t)c[12] << 24) | ((uint32_t)c[13] << 16) | ((uint32_t)c[14] << 8) | c[15];
    x += n;
    c[12] = (uint8_t)(x >> 24);
    c[13] = (uint8_t)(x >> 16);
    c[14] = (uint8_t)(x >> 8);
    c[15] = (uint8_t)x;
}

#endif
