/* The ChaCha20-Poly1305 AEAD, RFC 8439 section 2.8 (key generation 2.6).
 *
 * seal: out = ChaCha20(key, nonce, counter 1) ^ in || tag.
 * open: the tag is computed over the ciphertext before anything is written
 * (so in == out works) and compared in constant time; the ciphertext is
 * decrypted regardless, and on a bad tag (the verdict is public: it is
 * returned) the output is cleared after the fact.
 * Short messages (up to 192 bytes) get the one-time key and their
 * keystream from a single nc_chacha20 call from block 0 (four blocks at
 * once on the AVX2 and SSSE3 paths); longer ones get the key from one
 * block and the keystream from a second call.
 */
#include "chacha.h"

#include <string.h>

#include "ct.h"

/* Up to this many message bytes, block 0 (the one-time key) and the
 * message's blocks come from one nc_chacha20 call. */
#define SHORT_MAX 192

/* 16 bytes as one GCC/Clang generic vector: the compiler uses whatever
 * vector registers the target has (SSE2 at least on x86-64), no intrinsics
 * and no CPU dispatch; the fixed-size copies compile to plain moves. */
typedef uint64_t nc_v16 __attribute__((vector_size(16)));

/* out = a ^ b. */
static void xor_bytes(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t len) {
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        nc_v16 x, y;
        __builtin_memcpy(&x, a + i, 16);
        __builtin_memcpy(&y, b + i, 16);
        x ^= y;
        __builtin_memcpy(out + i, &x, 16);
    }
    for (; i < len; i++) {
        out[i] = a[i] ^ b[i];
    }
}

/* Keystream from block 0: the one-time key (section 2.6, the first half
 * of block 0), then, for short messages, `len` bytes for the message from
 * block 1 on. */
static void keystream(const uint8_t key[32], const uint8_t nonce[12], uint8_t ks[256],
                      size_t len) {
    static const uint8_t zero[256];
    nc_chacha20(key, nonce, 0, zero, ks, 64 + len);
}

static void aead_tag(const uint8_t otk[32], const uint8_t *aad, size_t aad_len,
                     const uint8_t *ct, size_t len, uint8_t tag[16]) {
    uint8_t lens[16];
    nc_poly1305_state st;
    nc_poly1305_init(&st, otk);
    nc_poly1305_update(&st, aad, aad_len);
    nc_poly1305_pad16(&st);
    nc_poly1305_update(&st, ct, len);
    nc_poly1305_pad16(&st);
    nc_store_le64(lens, (uint64_t)aad_len);
    nc_store_le64(lens + 8, (uint64_t)len);
    nc_poly1305_update(&st, lens, sizeof lens);
    nc_poly1305_final(&st, tag);
}

int nc_chacha20poly1305_seal(const uint8_t key[32], const uint8_t nonce[12],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len, uint8_t *out) {
    uint8_t ks[256];
    if (len <= SHORT_MAX) {
        keystream(key, nonce, ks, len);
        xor_bytes(out, in, ks + 64, len);
    } else {
        keystream(key, nonce, ks, 0);
        nc_chacha20(key, nonce, 1, in, out, len);
    }
    aead_tag(ks, aad, aad_len, out, len, out + len);
    nc_chacha_wipe(ks, sizeof ks);
    return 0;
}

int nc_chacha20poly1305_open(const uint8_t key[32], const uint8_t nonce[12],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len_with_tag, uint8_t *out) {
    uint8_t ks[256], tag[16];
    if (len_with_tag < 16) {
        return -1;
    }
    size_t len = len_with_tag - 16;
    int short_msg = len <= SHORT_MAX;
    keystream(key, nonce, ks, short_msg ? len : 0);
    aead_tag(ks, aad, aad_len, in, len, tag);
    uint32_t ok = 1 ^ nc_ct_nonzero32(nc_ct_diff(tag, in + len, 16));
    if (short_msg) {
        xor_bytes(out, in, ks + 64, len);
    } else {
        nc_chacha20(key, nonce, 1, in, out, len);
    }
    NC_DECLASSIFY(&ok, sizeof ok);
    if (!ok) {
        memset(out, 0, len);
    }
    nc_chacha_wipe(ks, sizeof ks);
    nc_chacha_wipe(tag, sizeof tag);
    /* 0 when ok, -1 otherwise */
    return (int)ok - 1;
}

/* For Python's key objects: clear the key copy before its memory is freed. */
void nc_chacha20poly1305_wipe_key(uint8_t key[32]) {
    nc_ct_wipe(key, 32);
}
