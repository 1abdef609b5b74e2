/* AES (FIPS 197) with the ECB, CTR and CBC modes of NIST SP 800-38A.
 *
 * nc_aes_init expands a key once and records which implementation serves
 * it: AES-NI when the CPU has it (and the portable switch is off), else the
 * portable bitsliced C of aes_ct.c, which uses no table indexed by a secret.
 * Every later call on that key takes the same path.
 */
#ifndef NC_AES_H
#define NC_AES_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
#define NC_AES_PATH_CT 0
#define NC_AES_PATH_NI 1

/* rk holds the round keys in the chosen path's own format: bitsliced
 * planes (8 words per round) for the portable path; for AES-NI the
 * encryption keys in rk[0..29] and the decryption keys in rk[30..59]. */
typedef struct {
    uint64_t rk[120];
    uint32_t rounds;
    uint32_t path;
} nc_aes_key;

int nc_aes_init(nc_aes_key *k, const uint8_t *key, size_t keylen);
void nc_aes_encrypt_blocks(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void nc_aes_decrypt_blocks(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks);
void nc_aes_ctr(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len);
void nc_aes_cbc_encrypt(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);
void nc_aes_cbc_decrypt(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);
/* Overwrite the expanded key (for destructors). */
void nc_aes_wipe(nc_aes_key *k);
/* cffi:end */

#endif
