/* The ChaCha20-Poly1305 AEAD, RFC 8439 section 2.8 (key generation 2.6).
 *
 * seal: out = ChaCha20(key, nonce, counter 1) ^ in || tag.
 * open: each part of the ciphertext is hashed before its plaintext is
 * written (so in == out works), the tag compared in constant time with a
 * copy of the received one; the ciphertext is decrypted regardless, and on
 * a bad tag (the verdict is public: it is returned) the output is cleared
 * after the fact.
 * Short messages (up to 192 bytes) get the one-time key and their
 * keystream from a single nc_chacha20 call from block 0 (four blocks at
 * once on the AVX2 and SSSE3 paths); longer ones get the key from one
 * block and go through nc_chacha20poly1305_crypt: with AVX2 and BMI2 (asked
 * per call, so nc_cpu_force_portable takes effect at once) the whole
 * 512-byte batches run through the one-pass loop of
 * chacha20poly1305_avx2.c, the rest through nc_chacha20 and
 * nc_poly1305_update with the Poly1305 state carried over.
 */
#include "chacha.h"

#include <string.h>

#include "cpu.h"
#include "ct.h"

/* Up to this many message bytes, block 0 (the one-time key) and the
 * message's blocks come from one nc_chacha20 call. */
#define SHORT_MAX 192

/* The stitched AVX2 + BMI2 loop from this many whole 512-byte batches on.
 * Opening gains from one batch.  Sealing runs its first batch alone and
 * hashes its last after the loop, so two or three batches leave too little
 * overlapped to gain (measured: none at 1 KiB, 0.77x the two-pass time at
 * 16 KiB). */
#ifndef STITCH_OPEN_MIN
#define STITCH_OPEN_MIN 1
#endif
#ifndef STITCH_SEAL_MIN
#define STITCH_SEAL_MIN 4
#endif

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
static void keystream(const uint8_t key[32], const uint8_t nonce[12], uint8_t *ks, size_t len) {
    static const uint8_t zero[64 + SHORT_MAX];
    nc_chacha20(key, nonce, 0, zero, ks, 64 + len);
}

/* Poly1305 keyed by the one-time key, over the aad and its padding. */
static void start(nc_poly1305_state *mac, const uint8_t otk[32], const uint8_t *aad,
                  size_t aad_len) {
    nc_poly1305_init(mac, otk);
    nc_poly1305_update(mac, aad, aad_len);
    nc_poly1305_pad16(mac);
}

void nc_chacha20poly1305_begin(nc_poly1305_state *mac, const uint8_t key[32],
                               const uint8_t nonce[12], const uint8_t *aad, size_t aad_len) {
    uint8_t otk[64];
    keystream(key, nonce, otk, 0);
    start(mac, otk, aad, aad_len);
    nc_chacha_wipe(otk, sizeof otk);
}

void nc_chacha20poly1305_crypt(nc_poly1305_state *mac, const uint8_t key[32],
                               const uint8_t nonce[12], uint32_t counter, const uint8_t *in,
                               uint8_t *out, size_t len, int opening) {
    size_t nb = len / 512; /* whole batches of eight blocks */
#if defined(__x86_64__)
    uint32_t f = nc_cpu_features();
    /* Sealing hashes the batch before, so the first batch runs alone and
     * the last batch's ciphertext is hashed after the loop. */
    if ((f & NC_CPU_AVX2) && (f & NC_CPU_BMI2) && mac->buflen == 0 &&
        nb >= (opening ? STITCH_OPEN_MIN : STITCH_SEAL_MIN)) {
        size_t done = 512 * nb;
        if (opening) {
            nc_chacha20poly1305_avx2_batches(key, nonce, counter, in, out, nb, in, mac);
            nc_poly1305_update(mac, in + done, len - done);
        } else {
            nc_chacha20(key, nonce, counter, in, out, 512);
            nc_chacha20poly1305_avx2_batches(key, nonce, counter + 8, in + 512, out + 512, nb - 1,
                                             out, mac);
        }
        if (len > done) {
            nc_chacha20(key, nonce, counter + 8 * (uint32_t)nb, in + done, out + done,
                        len - done);
        }
        if (!opening) {
            nc_poly1305_update(mac, out + done - 512, len - done + 512);
        }
        return;
    }
#endif
    if (opening) {
        nc_poly1305_update(mac, in, len);
        nc_chacha20(key, nonce, counter, in, out, len);
    } else {
        nc_chacha20(key, nonce, counter, in, out, len);
        nc_poly1305_update(mac, out, len);
    }
}

void nc_chacha20poly1305_end(nc_poly1305_state *mac, size_t aad_len, size_t len,
                             uint8_t tag[16]) {
    uint8_t lens[16];
    nc_poly1305_pad16(mac);
    nc_store_le64(lens, (uint64_t)aad_len);
    nc_store_le64(lens + 8, (uint64_t)len);
    nc_poly1305_update(mac, lens, sizeof lens);
    nc_poly1305_final(mac, tag);
}

int nc_chacha20poly1305_seal(const uint8_t key[32], const uint8_t nonce[12],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len, uint8_t *out) {
    nc_poly1305_state mac;
    if (len <= SHORT_MAX) {
        uint8_t ks[64 + SHORT_MAX];
        keystream(key, nonce, ks, len);
        xor_bytes(out, in, ks + 64, len);
        start(&mac, ks, aad, aad_len);
        nc_poly1305_update(&mac, out, len);
        nc_chacha_wipe(ks, sizeof ks);
    } else {
        nc_chacha20poly1305_begin(&mac, key, nonce, aad, aad_len);
        nc_chacha20poly1305_crypt(&mac, key, nonce, 1, in, out, len, 0);
    }
    nc_chacha20poly1305_end(&mac, aad_len, len, out + len);
    return 0;
}

int nc_chacha20poly1305_open(const uint8_t key[32], const uint8_t nonce[12],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len_with_tag, uint8_t *out) {
    nc_poly1305_state mac;
    uint8_t want[16], tag[16];
    if (len_with_tag < 16) {
        return -1;
    }
    size_t len = len_with_tag - 16;
    memcpy(want, in + len, 16); /* before out (maybe overlapping) is written */
    if (len <= SHORT_MAX) {
        uint8_t ks[64 + SHORT_MAX];
        keystream(key, nonce, ks, len);
        start(&mac, ks, aad, aad_len);
        nc_poly1305_update(&mac, in, len);
        xor_bytes(out, in, ks + 64, len);
        nc_chacha_wipe(ks, sizeof ks);
    } else {
        nc_chacha20poly1305_begin(&mac, key, nonce, aad, aad_len);
        nc_chacha20poly1305_crypt(&mac, key, nonce, 1, in, out, len, 1);
    }
    nc_chacha20poly1305_end(&mac, aad_len, len, tag);
    uint32_t ok = 1 ^ nc_ct_nonzero32(nc_ct_diff(tag, want, 16));
    NC_DECLASSIFY(&ok, sizeof ok);
    if (!ok) {
        memset(out, 0, len);
    }
    nc_chacha_wipe(tag, sizeof tag);
    /* 0 when ok, -1 otherwise */
    return (int)ok - 1;
}

/* For Python's key objects: clear the key copy before its memory is freed. */
void nc_chacha20poly1305_wipe_key(uint8_t key[32]) {
    nc_ct_wipe(key, 32);
}
