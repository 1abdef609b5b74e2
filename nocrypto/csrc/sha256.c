/* SHA-224 and SHA-256, FIPS 180-4 sections 4.1.2, 4.2.2, 5.3.2, 5.3.3 and
 * 6.2-6.3: the portable compression, the incremental context, and the
 * per-context choice of the SHA-NI path (sha256_shani.c).
 *
 * Constant time in the data by construction; branches are on public
 * lengths only.
 */

#include "cpu.h"
#include "ct.h"
#include "hash.h"

const uint32_t nc_sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u,
    0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
    0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u,
    0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u,
    0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static inline uint32_t ror32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define BSIG0(x) (ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22))
#define BSIG1(x) (ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25))
#define SSIG0(x) (ror32(x, 7) ^ ror32(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ror32(x, 17) ^ ror32(x, 19) ^ ((x) >> 10))

/* One round with the working variables renamed instead of moved. */
#define ROUND(a, b, c, d, e, f, g, h, i)                              \
    do {                                                              \
        uint32_t t1 = h + BSIG1(e) + CH(e, f, g) + nc_sha256_k[i] + w[(i) & 15]; \
        uint32_t ab = (a) ^ (b);                                      \
        uint32_t t2 = BSIG0(a) + ((b) ^ (ab & bc));                   \
        bc = ab;                                                      \
        d += t1;                                                      \
        h = t1 + t2;                                                  \
    } while (0)

/* A round for t >= 16, expanding W[t] in place first. */
#define ROUNDX(a, b, c, d, e, f, g, h, i) \
    do {                                  \
        EXPAND(i);                        \
        ROUND(a, b, c, d, e, f, g, h, i); \
    } while (0)

#define EXPAND(i)                                                                 \
    (w[(i) & 15] += SSIG1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] + SSIG0(w[((i) - 15) & 15]))

void nc_sha256_blocks_portable(uint32_t st[8], const uint8_t *p, size_t nblocks) {
    uint32_t w[16];
    while (nblocks--) {
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
        uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
        uint32_t bc = b ^ c; /* Maj(a,b,c) = b ^ ((a^b) & (b^c)); b^c is last round's a^b */
        for (int i = 0; i < 16; i++) {
            w[i] = nc_load_be32(p + 4 * i);
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
        for (int i = 16; i < 64; i += 8) {
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
        p += 64;
    }
}

static void blocks(nc_sha256_ctx *c, const uint8_t *p, size_t nblocks) {
    if (c->impl) {
        nc_sha256_blocks_shani(c->h, p, nblocks);
    } else {
        nc_sha256_blocks_portable(c->h, p, nblocks);
    }
}

static void start(nc_sha256_ctx *c, const uint32_t iv[8], uint32_t outlen) {
    nc_bytes_copy(c->h, iv, 8 * sizeof(uint32_t));
    c->buflen = 0;
    c->outlen = outlen;
    c->impl = (uint32_t)nc_sha256_shani_usable();
    c->reserved = 0;
    c->count = 0;
}

void nc_sha256_init(nc_sha256_ctx *c) {
    static const uint32_t iv[8] = {
        0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
    };
    start(c, iv, 32);
}

void nc_sha224_init(nc_sha256_ctx *c) {
    static const uint32_t iv[8] = {
        0xc1059ed8u, 0x367cd507u, 0x3070dd17u, 0xf70e5939u,
        0xffc00b31u, 0x68581511u, 0x64f98fa7u, 0xbefa4fa4u,
    };
    start(c, iv, 28);
}

void nc_sha256_update(nc_sha256_ctx *c, const uint8_t *p, size_t n) {
    c->count += n;
    if (c->buflen) {
        size_t take = 64 - c->buflen;
        if (take > n) take = n;
        nc_bytes_copy(c->buf + c->buflen, p, take);
        c->buflen += (uint32_t)take;
        p += take;
        n -= take;
        if (c->buflen < 64) return;
        blocks(c, c->buf, 1);
        c->buflen = 0;
    }
    if (n >= 64) {
        blocks(c, p, n / 64);
        p += n & ~(size_t)63;
        n &= 63;
    }
    if (n) {
        nc_bytes_copy(c->buf, p, n);
        c->buflen = (uint32_t)n;
    }
}

/* Writes c->outlen bytes (32, or 28 for SHA-224). */
void nc_sha256_final(nc_sha256_ctx *c, uint8_t *out) {
    uint64_t bits = c->count << 3;
    size_t n = c->buflen;
    c->buf[n++] = 0x80;
    if (n > 56) {
        nc_bytes_zero(c->buf + n, 64 - n);
        blocks(c, c->buf, 1);
        n = 0;
    }
    nc_bytes_zero(c->buf + n, 56 - n);
    nc_store_be64(c->buf + 56, bits);
    blocks(c, c->buf, 1);
    uint8_t full[32];
    for (int i = 0; i < 8; i++) {
        nc_store_be32(full + 4 * i, c->h[i]);
    }
    nc_bytes_copy(out, full, c->outlen);
    nc_ct_wipe(full, sizeof full);
    nc_ct_wipe(c, sizeof *c);
}
