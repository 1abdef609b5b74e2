/* SHA-1, FIPS 180-4 sections 4.1.1, 5.3.1 and 6.1 (portable C).
 *
 * Kept for TLS 1.2 CBC suites and certificate fingerprints; not for new
 * signatures.  Constant time in the data by construction (only adds,
 * rotates and boolean functions; branches on public lengths only).
 */

#include "ct.h"
#include "hash.h"

static inline uint32_t rol32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

void nc_sha1_blocks(uint32_t h[5], const uint8_t *p, size_t nblocks) {
    uint32_t w[16];
    while (nblocks--) {
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int t = 0; t < 16; t++) {
            w[t] = nc_load_be32(p + 4 * t);
        }
        for (int t = 0; t < 80; t++) {
            uint32_t wt;
            if (t < 16) {
                wt = w[t];
            } else {
                wt = rol32(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1);
                w[t & 15] = wt;
            }
            uint32_t f, k;
            if (t < 20) {
                f = (b & c) | (~b & d);
                k = 0x5a827999u;
            } else if (t < 40) {
                f = b ^ c ^ d;
                k = 0x6ed9eba1u;
            } else if (t < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8f1bbcdcu;
            } else {
                f = b ^ c ^ d;
                k = 0xca62c1d6u;
            }
            uint32_t tmp = rol32(a, 5) + f + e + k + wt;
            e = d;
            d = c;
            c = rol32(b, 30);
            b = a;
            a = tmp;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        p += 64;
    }
}

void nc_sha1_init(nc_sha1_ctx *c) {
    static const uint32_t iv[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u,
                                   0xc3d2e1f0u};
    nc_bytes_copy(c->h, iv, sizeof iv);
    c->buflen = 0;
    c->count = 0;
}

void nc_sha1_update(nc_sha1_ctx *c, const uint8_t *p, size_t n) {
    c->count += n;
    if (c->buflen) {
        size_t take = 64 - c->buflen;
        if (take > n) take = n;
        nc_bytes_copy(c->buf + c->buflen, p, take);
        c->buflen += (uint32_t)take;
        p += take;
        n -= take;
        if (c->buflen < 64) return;
        nc_sha1_blocks(c->h, c->buf, 1);
        c->buflen = 0;
    }
    if (n >= 64) {
        nc_sha1_blocks(c->h, p, n / 64);
        p += n & ~(size_t)63;
        n &= 63;
    }
    if (n) {
        nc_bytes_copy(c->buf, p, n);
        c->buflen = (uint32_t)n;
    }
}

void nc_sha1_final(nc_sha1_ctx *c, uint8_t out[20]) {
    uint64_t bits = c->count << 3;
    size_t n = c->buflen;
    c->buf[n++] = 0x80;
    if (n > 56) {
        nc_bytes_zero(c->buf + n, 64 - n);
        nc_sha1_blocks(c->h, c->buf, 1);
        n = 0;
    }
    nc_bytes_zero(c->buf + n, 56 - n);
    nc_store_be64(c->buf + 56, bits);
    nc_sha1_blocks(c->h, c->buf, 1);
    for (int i = 0; i < 5; i++) {
        nc_store_be32(out + 4 * i, c->h[i]);
    }
    nc_ct_wipe(c, sizeof *c);
}

