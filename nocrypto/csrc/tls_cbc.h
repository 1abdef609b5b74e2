/* The TLS 1.0-1.2 CBC record check (MAC-then-encrypt, RFC 5246 section
 * 6.2.3.2) in time independent of the padding and the MAC: the Lucky
 * Thirteen countermeasure (AlFardan and Paterson, 2013).
 *
 * prefix = seq_num(8) || type(1) || version(2); the MAC's 2-byte length
 * field is the data length, computed inside.  rec is the decrypted
 * fragment with the explicit IV already stripped:
 *     data || mac || padding || padding_length
 */
#ifndef NC_TLS_CBC_H
#define NC_TLS_CBC_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
int nc_tls_cbc_verify(int alg, const uint8_t *mac_key, size_t mac_key_len,
                      const uint8_t prefix[11], const uint8_t *rec, size_t rec_len,
                      size_t *data_len);
size_t nc_tls_cbc_mac_and_pad(int alg, const uint8_t *mac_key, size_t mac_key_len,
                              const uint8_t prefix[11], uint8_t *buf, size_t data_len,
                              size_t block_size, size_t pad_extra);
int nc_tls_cbc_unpad(const uint8_t *rec, size_t rec_len, size_t *data_len);
int nc_tls_etm_mac_check(int alg, const uint8_t *mac_key, size_t mac_key_len,
                         const uint8_t prefix[11], const uint8_t *ct, size_t ct_len,
                         const uint8_t *tag);
/* cffi:end */

#endif
