/* Whole TLS 1.0-1.2 AES-CBC records in one call each: MAC-then-encrypt
 * (RFC 5246 section 6.2.3.2, opened with the constant-time check of
 * tls_cbc.c) and encrypt-then-MAC (RFC 7366).
 *
 * The explicit IV travels separately: buf is the ciphertext after the IV
 * (for encrypt-then-MAC followed by the tag).  Records are decrypted and
 * encrypted in place.
 */
#ifndef NC_TLS_CBC_AES_H
#define NC_TLS_CBC_AES_H

#include <stddef.h>
#include <stdint.h>

#include "aes.h"

/* cffi:begin */
int nc_tls_cbc_open(const nc_aes_key *k, const uint8_t iv[16], uint8_t *buf, size_t len,
                    int alg, const uint8_t *mac_key, size_t mac_key_len,
                    const uint8_t prefix[11], size_t *data_len);
size_t nc_tls_cbc_seal(const nc_aes_key *k, const uint8_t iv[16], uint8_t *buf,
                       size_t data_len, size_t cap, int alg, const uint8_t *mac_key,
                       size_t mac_key_len, const uint8_t prefix[11], size_t pad_extra);
int nc_tls_etm_open(const nc_aes_key *k, const uint8_t iv[16], uint8_t *buf, size_t len,
                    int alg, const uint8_t *mac_key, size_t mac_key_len,
                    const uint8_t prefix[11], size_t *data_len);
size_t nc_tls_etm_seal(const nc_aes_key *k, const uint8_t iv[16], uint8_t *buf,
                       size_t data_len, size_t cap, int alg, const uint8_t *mac_key,
                       size_t mac_key_len, const uint8_t prefix[11], size_t pad_extra);
/* cffi:end */

#endif
