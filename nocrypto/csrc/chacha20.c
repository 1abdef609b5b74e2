/* ChaCha20 stream cipher, RFC 8439 sections 2.1-2.4 (portable C and the
 * per-call choice of path).
 *
 * Only additions, rotations and XORs on the key: nothing here branches on
 * or indexes by a secret.
 */
#include "chacha.h"

#include "cpu.h"
#include "ct.h"

#ifndef NC_CHACHA_SSSE3_MIN
#define NC_CHACHA_SSSE3_MIN 64 /* one block: portable C is faster */
#endif

#define ROTL32(v, n) (((v) << (n)) | ((v) >> (32 - (n))))

#define QR(a, b, c, d)                    \
    do {                                  \
        a += b; d ^= a; d = ROTL32(d, 16); \
        c += d; b ^= c; b = ROTL32(b, 12); \
        a += b; d ^= a; d = ROTL32(d, 8);  \
        c += d; b ^= c; b = ROTL32(b, 7);  \
    } while (0)

void nc_chacha20_state(uint32_t st[16], const uint8_t key[32], const uint8_t nonce[12],
                       uint32_t counter) {
    /* "expand 32-byte k" */
    st[0] = 0x61707865u;
    st[1] = 0x3320646eu;
    st[2] = 0x79622d32u;
    st[3] = 0x6b206574u;
    for (int i = 0; i < 8; i++) {
        st[4 + i] = nc_load_le32(key + 4 * i);
    }
    st[12] = counter;
    st[13] = nc_load_le32(nonce);
    st[14] = nc_load_le32(nonce + 4);
    st[15] = nc_load_le32(nonce + 8);
}

/* The block function (section 2.3): 20 rounds, then add the input. */
static void chacha20_block(const uint32_t st[16], uint32_t ks[16]) {
    uint32_t x0 = st[0], x1 = st[1], x2 = st[2], x3 = st[3];
    uint32_t x4 = st[4], x5 = st[5], x6 = st[6], x7 = st[7];
    uint32_t x8 = st[8], x9 = st[9], x10 = st[10], x11 = st[11];
    uint32_t x12 = st[12], x13 = st[13], x14 = st[14], x15 = st[15];
    for (int i = 0; i < 10; i++) {
        QR(x0, x4, x8, x12);
        QR(x1, x5, x9, x13);
        QR(x2, x6, x10, x14);
        QR(x3, x7, x11, x15);
        QR(x0, x5, x10, x15);
        QR(x1, x6, x11, x12);
        QR(x2, x7, x8, x13);
        QR(x3, x4, x9, x14);
    }
    ks[0] = x0 + st[0];
    ks[1] = x1 + st[1];
    ks[2] = x2 + st[2];
    ks[3] = x3 + st[3];
    ks[4] = x4 + st[4];
    ks[5] = x5 + st[5];
    ks[6] = x6 + st[6];
    ks[7] = x7 + st[7];
    ks[8] = x8 + st[8];
    ks[9] = x9 + st[9];
    ks[10] = x10 + st[10];
    ks[11] = x11 + st[11];
    ks[12] = x12 + st[12];
    ks[13] = x13 + st[13];
    ks[14] = x14 + st[14];
    ks[15] = x15 + st[15];
}

void nc_chacha20_portable(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                          const uint8_t *in, uint8_t *out, size_t len) {
    uint32_t st[16], ks[16];
    nc_chacha20_state(st, key, nonce, counter);
    while (len >= 64) {
        chacha20_block(st, ks);
        for (int i = 0; i < 16; i++) {
            nc_store_le32(out + 4 * i, nc_load_le32(in + 4 * i) ^ ks[i]);
        }
        st[12]++; /* wraps modulo 2^32 */
        in += 64;
        out += 64;
        len -= 64;
    }
    if (len > 0) {
        uint8_t last[64];
        chacha20_block(st, ks);
        for (int i = 0; i < 16; i++) {
            nc_store_le32(last + 4 * i, ks[i]);
        }
        for (size_t i = 0; i < len; i++) {
            out[i] = in[i] ^ last[i];
        }
        nc_chacha_wipe(last, sizeof last);
    }
    nc_chacha_wipe(ks, sizeof ks);
    nc_chacha_wipe(st, sizeof st);
}

void nc_chacha20(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                 const uint8_t *in, uint8_t *out, size_t len) {
#if defined(__x86_64__)
    /* AVX2: eight blocks column-wise above four, four row-wise up to four.
     * Without AVX2, four-way SSSE3 for two to four blocks, scalar for one
     * (measured: each is the fastest in its range). */
    uint32_t f = nc_cpu_features();
    if (f & NC_CPU_AVX2) {
        if (len > 256) {
            nc_chacha20_avx2(key, nonce, counter, in, out, len);
        } else {
            nc_chacha20_avx2_short(key, nonce, counter, in, out, len);
        }
        return;
    }
    if (len > NC_CHACHA_SSSE3_MIN && (f & NC_CPU_SSSE3)) {
        nc_chacha20_ssse3(key, nonce, counter, in, out, len);
        return;
    }
#endif
    nc_chacha20_portable(key, nonce, counter, in, out, len);
}
