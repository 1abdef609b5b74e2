/* The ChaCha20-Poly1305 AEAD, RFC 8439 section 2.8 (key generation 2.6).
 *
 * seal: out = ChaCha20(key, nonce, counter 1) ^ in || tag.
 * open: the tag is computed over the ciphertext before anything is written
 * (so in == out works), compared in constant time, the ciphertext is
 * decrypted regardless, and the plaintext is then ANDed with the verdict
 * mask: a bad tag leaves zeros, with no branch on the verdict.
 */
#include "chacha.h"

#include "ct.h"

static void aead_tag(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad,
                     size_t aad_len, const uint8_t *ct, size_t len, uint8_t tag[16]) {
    static const uint8_t zero[64];
    uint8_t otk[64], lens[16];
    nc_poly1305_state st;
    /* The one-time key: the first half of keystream block 0. */
    nc_chacha20_portable(key, nonce, 0, zero, otk, sizeof otk);
    nc_poly1305_init(&st, otk);
    nc_poly1305_update(&st, aad, aad_len);
    nc_poly1305_pad16(&st);
    nc_poly1305_update(&st, ct, len);
    nc_poly1305_pad16(&st);
    nc_store_le64(lens, (uint64_t)aad_len);
    nc_store_le64(lens + 8, (uint64_t)len);
    nc_poly1305_update(&st, lens, sizeof lens);
    nc_poly1305_final(&st, tag);
    nc_ct_wipe(otk, sizeof otk);
}

/* out &= mask, eight bytes at a time (the copies compile to plain moves). */
static void mask_out(uint8_t *out, size_t len, uint64_t mask) {
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        __builtin_memcpy(&w, out + i, 8);
        w &= mask;
        __builtin_memcpy(out + i, &w, 8);
    }
    for (; i < len; i++) {
        out[i] &= (uint8_t)mask;
    }
}

int nc_chacha20poly1305_seal(const uint8_t key[32], const uint8_t nonce[12],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len, uint8_t *out) {
    nc_chacha20(key, nonce, 1, in, out, len);
    aead_tag(key, nonce, aad, aad_len, out, len, out + len);
    return 0;
}

int nc_chacha20poly1305_open(const uint8_t key[32], const uint8_t nonce[12],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len_with_tag, uint8_t *out) {
    uint8_t tag[16];
    if (len_with_tag < 16) {
        return -1;
    }
    size_t len = len_with_tag - 16;
    aead_tag(key, nonce, aad, aad_len, in, len, tag);
    uint32_t ok = 1 ^ nc_ct_nonzero32(nc_ct_diff(tag, in + len, 16));
    nc_chacha20(key, nonce, 1, in, out, len);
    mask_out(out, len, nc_ct_mask64(ok));
    nc_ct_wipe(tag, sizeof tag);
    /* 0 when ok, -1 otherwise */
    return (int)ok - 1;
}
