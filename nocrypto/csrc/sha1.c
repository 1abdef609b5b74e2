/* SHA-1, FIPS 180-4 sections 4.1.1, 5.3.1 and 6.1: the portable
 * compression, the incremental context, and the per-context choice of the
 * SHA-NI path (sha1_shani.c).
 *
 * Kept for TLS 1.0-1.2 CBC suites and certificate fingerprints, not for
 * new signatures.  Constant time in the data by construction (adds,
 * rotates and boolean functions; branches on public lengths only).
 */
#include "cpu.h"
#include "ct.h"
#include "hash.h"

static inline uint32_t rol32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

#define F0(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define F1(b, c, d) ((b) ^ (c) ^ (d))
#define F2(b, c, d) (((b) & (c)) | ((d) & ((b) | (c))))
#define K0 0x5a827999u
#define K1 0x6ed9eba1u
#define K2 0x8f1bbcdcu
#define K3 0xca62c1d6u

/* W[t] for t >= 16, in place in the 16-word window. */
#define W(t) \
    (w[(t) & 15] = rol32(w[((t) + 13) & 15] ^ w[((t) + 8) & 15] ^ w[((t) + 2) & 15] ^ w[(t) & 15], 1))

/* One round with the variables renamed instead of moved: e += ...; b = rol30(b). */
#define R(a, b, c, d, e, f, k, wt)                      \
    do {                                                \
        e += rol32(a, 5) + f(b, c, d) + (k) + (wt);     \
        b = rol32(b, 30);                               \
    } while (0)

#define R5(f, k, t, WT)                           \
    do {                                          \
        R(a, b, c, d, e, f, k, WT((t)));          \
        R(e, a, b, c, d, f, k, WT((t) + 1));      \
        R(d, e, a, b, c, f, k, WT((t) + 2));      \
        R(c, d, e, a, b, f, k, WT((t) + 3));      \
        R(b, c, d, e, a, f, k, WT((t) + 4));      \
    } while (0)

#define WIN(t) w[t]

void nc_sha1_blocks_portable(uint32_t h[5], const uint8_t *p, size_t nblocks) {
    uint32_t w[16];
    while (nblocks--) {
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int t = 0; t < 16; t++) {
            w[t] = nc_load_be32(p + 4 * t);
        }
        R5(F0, K0, 0, WIN);
        R5(F0, K0, 5, WIN);
        R5(F0, K0, 10, WIN);
        R(a, b, c, d, e, F0, K0, w[15]);
        R(e, a, b, c, d, F0, K0, W(16));
        R(d, e, a, b, c, F0, K0, W(17));
        R(c, d, e, a, b, F0, K0, W(18));
        R(b, c, d, e, a, F0, K0, W(19));
        R5(F1, K1, 20, W);
        R5(F1, K1, 25, W);
        R5(F1, K1, 30, W);
        R5(F1, K1, 35, W);
        R5(F2, K2, 40, W);
        R5(F2, K2, 45, W);
        R5(F2, K2, 50, W);
        R5(F2, K2, 55, W);
        R5(F1, K3, 60, W);
        R5(F1, K3, 65, W);
        R5(F1, K3, 70, W);
        R5(F1, K3, 75, W);
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        p += 64;
    }
}

void nc_sha1_blocks(uint32_t h[5], const uint8_t *p, size_t nblocks, uint32_t impl) {
    if (impl) {
        nc_sha1_blocks_shani(h, p, nblocks);
    } else {
        nc_sha1_blocks_portable(h, p, nblocks);
    }
}

void nc_sha1_init(nc_sha1_ctx *c) {
    c->h[0] = 0x67452301u;
    c->h[1] = 0xefcdab89u;
    c->h[2] = 0x98badcfeu;
    c->h[3] = 0x10325476u;
    c->h[4] = 0xc3d2e1f0u;
    c->buflen = 0;
    c->impl = (uint32_t)nc_sha1_shani_usable();
    c->reserved = 0;
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
        nc_sha1_blocks(c->h, c->buf, 1, c->impl);
        c->buflen = 0;
    }
    if (n >= 64) {
        nc_sha1_blocks(c->h, p, n / 64, c->impl);
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
        nc_sha1_blocks(c->h, c->buf, 1, c->impl);
        n = 0;
    }
    nc_bytes_zero(c->buf + n, 56 - n);
    nc_store_be64(c->buf + 56, bits);
    nc_sha1_blocks(c->h, c->buf, 1, c->impl);
    for (int i = 0; i < 5; i++) {
        nc_store_be32(out + 4 * i, c->h[i]);
    }
    nc_ct_wipe(c, sizeof *c);
}
