/* SHA-384 and SHA-512, FIPS 180-4 sections 4.1.3, 4.2.3, 5.3.4, 5.3.5 and
 * 6.4-6.5 (portable C, 64-bit words).
 *
 * Constant time in the data by construction; branches are on public
 * lengths only.  The message length is counted in bytes in 64 bits, so the
 * 128-bit length field's upper half is the count's top three bits.
 */
#include "cpu.h"
#include "ct.h"
#include "hash.h"

const uint64_t nc_sha512_k[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull,
    0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
    0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull,
    0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull,
    0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
    0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull,
    0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull,
    0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
    0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull,
    0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull,
    0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
    0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull,
    0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull,
    0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
    0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull,
    0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull,
    0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull,
    0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull,
    0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull,
    0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
    0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static inline uint64_t ror64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define BSIG0(x) (ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39))
#define BSIG1(x) (ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41))
#define SSIG0(x) (ror64(x, 1) ^ ror64(x, 8) ^ ((x) >> 7))
#define SSIG1(x) (ror64(x, 19) ^ ror64(x, 61) ^ ((x) >> 6))

#define ROUND(a, b, c, d, e, f, g, h, i)                                  \
    do {                                                                  \
        uint64_t t1 = h + BSIG1(e) + CH(e, f, g) + nc_sha512_k[i] + w[(i) & 15];    \
        uint64_t ab = (a) ^ (b);                                          \
        uint64_t t2 = BSIG0(a) + ((b) ^ (ab & bc));                       \
        bc = ab;                            \
        d += t1;                                                          \
        h = t1 + t2;                                                      \
    } while (0)

/* A round for t >= 16, expanding W[t] in place first. */
#define ROUNDX(a, b, c, d, e, f, g, h, i) \
    do {                                  \
        EXPAND(i);                        \
        ROUND(a, b, c, d, e, f, g, h, i); \
    } while (0)

#define EXPAND(i) \
    (w[(i) & 15] += SSIG1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] + SSIG0(w[((i) - 15) & 15]))

void nc_sha512_blocks_portable(uint64_t st[8], const uint8_t *p, size_t nblocks) {
    uint64_t w[16];
    while (nblocks--) {
        uint64_t a = st[0], b = st[1], c = st[2], d = st[3];
        uint64_t e = st[4], f = st[5], g = st[6], h = st[7];
        uint64_t bc = b ^ c; /* Maj(a,b,c) = b ^ ((a^b) & (b^c)); b^c is last round's a^b */
        for (int i = 0; i < 16; i++) {
            w[i] = nc_load_be64(p + 8 * i);
        }
        for (int i = 0; i < 16; i += 8) {
            ROUND(a, b, c, d, e, f, g, h, i);
            ROUND(h, a, b, c, d, e, f, g, i + 1);
            ROUND(g, h, a, b, c, d, e, f, i + 2);
            ROUND(f, g, h, a, b, c, d, e, i + 3);
            ROUND(e, f, g, h, a, b, c, d, i + 4);
            ROUND(d, e, f, g, h, a, b, c, i + 5);
            ROUND(c, d, e, f, g, h, a, b, i + 6);
            ROUND(b, c, d, e, f, g, h, a, i + 7);
        }
        for (int i = 16; i < 80; i += 8) {
            ROUNDX(a, b, c, d, e, f, g, h, i);
            ROUNDX(h, a, b, c, d, e, f, g, i + 1);
            ROUNDX(g, h, a, b, c, d, e, f, i + 2);
            ROUNDX(f, g, h, a, b, c, d, e, i + 3);
            ROUNDX(e, f, g, h, a, b, c, d, i + 4);
            ROUNDX(d, e, f, g, h, a, b, c, i + 5);
            ROUNDX(c, d, e, f, g, h, a, b, i + 6);
            ROUNDX(b, c, d, e, f, g, h, a, i + 7);
        }
        st[0] += a;
        st[1] += b;
        st[2] += c;
        st[3] += d;
        st[4] += e;
        st[5] += f;
        st[6] += g;
        st[7] += h;
        p += 128;
    }
}

void nc_sha512_blocks(uint64_t st[8], const uint8_t *p, size_t nblocks, uint32_t impl) {
    if (impl) {
        nc_sha512_blocks_avx2(st, p, nblocks);
    } else {
        nc_sha512_blocks_portable(st, p, nblocks);
    }
}

static void start(nc_sha512_ctx *c, const uint64_t iv[8], uint32_t outlen) {
    for (int i = 0; i < 8; i++) {
        c->h[i] = iv[i];
    }
    c->count = 0;
    c->buflen = 0;
    c->outlen = outlen;
    c->impl = (uint32_t)nc_sha512_avx2_usable();
    c->reserved = 0;
}

void nc_sha512_init(nc_sha512_ctx *c) {
    static const uint64_t iv[8] = {
        0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
        0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
    };
    start(c, iv, 64);
}

void nc_sha384_init(nc_sha512_ctx *c) {
    static const uint64_t iv[8] = {
        0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull, 0x9159015a3070dd17ull, 0x152fecd8f70e5939ull,
        0x67332667ffc00b31ull, 0x8eb44a8768581511ull, 0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull,
    };
    start(c, iv, 48);
}

void nc_sha512_update(nc_sha512_ctx *c, const uint8_t *p, size_t n) {
    c->count += n;
    if (c->buflen) {
        size_t take = 128 - c->buflen;
        if (take > n) take = n;
        nc_bytes_copy(c->buf + c->buflen, p, take);
        c->buflen += (uint32_t)take;
        p += take;
        n -= take;
        if (c->buflen < 128) return;
        nc_sha512_blocks(c->h, c->buf, 1, c->impl);
        c->buflen = 0;
    }
    if (n >= 128) {
        nc_sha512_blocks(c->h, p, n / 128, c->impl);
        p += n & ~(size_t)127;
        n &= 127;
    }
    if (n) {
        nc_bytes_copy(c->buf, p, n);
        c->buflen = (uint32_t)n;
    }
}

/* Writes c->outlen bytes (64, or 48 for SHA-384). */
void nc_sha512_final(nc_sha512_ctx *c, uint8_t *out) {
    size_t n = c->buflen;
    c->buf[n++] = 0x80;
    if (n > 112) {
        nc_bytes_zero(c->buf + n, 128 - n);
        nc_sha512_blocks(c->h, c->buf, 1, c->impl);
        n = 0;
    }
    nc_bytes_zero(c->buf + n, 112 - n);
    nc_store_be64(c->buf + 112, c->count >> 61);
    nc_store_be64(c->buf + 120, c->count << 3);
    nc_sha512_blocks(c->h, c->buf, 1, c->impl);
    uint8_t full[64];
    for (int i = 0; i < 8; i++) {
        nc_store_be64(full + 8 * i, c->h[i]);
    }
    nc_bytes_copy(out, full, c->outlen);
    nc_ct_wipe(full, sizeof full);
    nc_ct_wipe(c, sizeof *c);
}
