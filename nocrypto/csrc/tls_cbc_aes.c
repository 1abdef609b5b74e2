/* TLS AES-CBC records, one call each: RFC 5246 section 6.2.3.2
 * (MAC-then-encrypt; opened in constant time by nc_tls_cbc_verify) and
 * RFC 7366 (encrypt-then-MAC).
 *
 * Opening returns 1 and the data length (data at buf[0..)), or 0 for any
 * failure, in time that depends on len only (for both variants).  A record
 * whose length is not a positive multiple of 16 is rejected at once: the
 * length is public.  Sealing returns the length written to buf
 * (ciphertext, plus the tag for encrypt-then-MAC), or 0 if cap is too
 * small or the padding would exceed 255 bytes.
 */
#include "tls_cbc_aes.h"

#include "ct.h"
#include "hmac.h"
#include "tls_cbc.h"

int nc_tls_cbc_open(const nc_aes_key *k, const uint8_t iv[16], uint8_t *buf, size_t len,
                    int alg, const uint8_t *mac_key, size_t mac_key_len,
                    const uint8_t prefix[11], size_t *data_len) {
    uint8_t chain[16];
    *data_len = 0;
    if (len == 0 || len % 16 != 0) {
        return 0;
    }
    for (int i = 0; i < 16; i++) {
        chain[i] = iv[i];
    }
    nc_aes_cbc_decrypt(k, chain, buf, buf, len);
    return nc_tls_cbc_verify(alg, mac_key, mac_key_len, prefix, buf, len, data_len);
}

/* Padding for data_len + extra bytes to a multiple of 16, plus pad_extra
 * blocks; (size_t)-1 if it cannot be expressed in one byte. */
static size_t pad_len(size_t body, size_t pad_extra) {
    size_t pad = (16 - body % 16) % 16;
    if (pad_extra > 15 || pad + 16 * pad_extra > 255) {
        return (size_t)-1;
    }
    return pad + 16 * pad_extra;
}

size_t nc_tls_cbc_seal(const nc_aes_key *k, const uint8_t iv[16], uint8_t *buf,
                       size_t data_len, size_t cap, int alg, const uint8_t *mac_key,
                       size_t mac_key_len, const uint8_t prefix[11], size_t pad_extra) {
    uint8_t chain[16];
    size_t hl = nc_hash_size(alg);
    if (hl == 0 || data_len > 0xffff) {
        return 0;
    }
    size_t pad = pad_len(data_len + hl + 1, pad_extra);
    if (pad == (size_t)-1 || cap < data_len + hl + 1 + pad) {
        return 0;
    }
    size_t n = nc_tls_cbc_mac_and_pad(alg, mac_key, mac_key_len, prefix, buf, data_len, 16,
                                      pad_extra);
    for (int i = 0; i < 16; i++) {
        chain[i] = iv[i];
    }
    nc_aes_cbc_encrypt(k, chain, buf, buf, n);
    return n;
}

/* The RFC 7366 MAC input: prefix || uint16 length(IV || ct) || IV || ct. */
static void etm_tag(int alg, const uint8_t *mac_key, size_t mac_key_len,
                    const uint8_t prefix[11], const uint8_t iv[16], const uint8_t *ct,
                    size_t ct_len, uint8_t *tag) {
    nc_hmac_ctx c;
    uint8_t len2[2] = {(uint8_t)((ct_len + 16) >> 8), (uint8_t)(ct_len + 16)};
    nc_hmac_init(&c, alg, mac_key, mac_key_len);
    nc_hmac_update(&c, prefix, 11);
    nc_hmac_update(&c, len2, 2);
    nc_hmac_update(&c, iv, 16);
    nc_hmac_update(&c, ct, ct_len);
    nc_hmac_final(&c, tag);
}

int nc_tls_etm_open(const nc_aes_key *k, const uint8_t iv[16], uint8_t *buf, size_t len,
                    int alg, const uint8_t *mac_key, size_t mac_key_len,
                    const uint8_t prefix[11], size_t *data_len) {
    uint8_t chain[16], tag[NC_HASH_MAX_SIZE];
    size_t hl = nc_hash_size(alg);
    *data_len = 0;
    if (hl == 0 || len < hl + 16 || (len - hl) % 16 != 0 || len - hl + 16 > 0xffff) {
        return 0;
    }
    size_t ct_len = len - hl;
    etm_tag(alg, mac_key, mac_key_len, prefix, iv, buf, ct_len, tag);
    uint32_t ok = 1 ^ nc_ct_nonzero32(nc_ct_diff(tag, buf + ct_len, hl));
    nc_ct_wipe(tag, sizeof tag);
    /* Decrypt and unpad even after a bad MAC, so not even the MAC verdict
     * steers a branch; nothing is released unless both checks pass. */
    for (int i = 0; i < 16; i++) {
        chain[i] = iv[i];
    }
    nc_aes_cbc_decrypt(k, chain, buf, buf, ct_len);
    size_t n;
    uint32_t good = ok & (uint32_t)nc_tls_cbc_unpad(buf, ct_len, &n);
    *data_len = n & (size_t)nc_ct_mask64(good);
    return (int)good;
}

size_t nc_tls_etm_seal(const nc_aes_key *k, const uint8_t iv[16], uint8_t *buf,
                       size_t data_len, size_t cap, int alg, const uint8_t *mac_key,
                       size_t mac_key_len, const uint8_t prefix[11], size_t pad_extra) {
    uint8_t chain[16];
    size_t hl = nc_hash_size(alg);
    if (hl == 0 || data_len > 0xffff) {
        return 0;
    }
    size_t pad = pad_len(data_len + 1, pad_extra);
    if (pad == (size_t)-1) {
        return 0;
    }
    size_t ct_len = data_len + 1 + pad;
    if (cap < ct_len + hl || ct_len + 16 > 0xffff) {
        return 0;
    }
    for (size_t i = 0; i <= pad; i++) {
        buf[data_len + i] = (uint8_t)pad;
    }
    for (int i = 0; i < 16; i++) {
        chain[i] = iv[i];
    }
    nc_aes_cbc_encrypt(k, chain, buf, buf, ct_len);
    etm_tag(alg, mac_key, mac_key_len, prefix, iv, buf, ct_len, buf + ct_len);
    return ct_len + hl;
}
