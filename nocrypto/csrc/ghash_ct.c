/* GHASH (NIST SP 800-38D, section 6.4), portable and constant time.
 *
 * Carry-less products come from ordinary integer multiplications with
 * "holes": each 32-bit operand is split into four words holding every
 * fourth bit, so in any partial product at most eight 1-bits meet at a
 * position and carries (at most 3 bits up) never reach the next position
 * that is kept (4 up).  Masking keeps only those positions.  There is no
 * table and no secret-dependent branch or index.  (The hole technique is
 * described by T. Pornin for BearSSL's ghash_ctmul.)
 *
 * Representation: a block read as a big-endian 128-bit integer is the
 * field element with bit order reversed (x^0 at bit 127); the product of
 * two such integers is the reversed 255-bit product, one shift left
 * aligns it, and the reduction folds the low half with x^128 = x^7 + x^2 +
 * x + 1.
 */
#include "ct.h"
#include "gcm_impl.h"

static inline uint64_t clmul32(uint32_t a, uint32_t b) {
    const uint64_t m0 = 0x11111111, m1 = 0x22222222, m2 = 0x44444444, m3 = 0x88888888;
    uint64_t a0 = a & m0, a1 = a & m1, a2 = a & m2, a3 = a & m3;
    uint64_t b0 = b & m0, b1 = b & m1, b2 = b & m2, b3 = b & m3;
    uint64_t z0 = (a0 * b0) ^ (a1 * b3) ^ (a2 * b2) ^ (a3 * b1);
    uint64_t z1 = (a0 * b1) ^ (a1 * b0) ^ (a2 * b3) ^ (a3 * b2);
    uint64_t z2 = (a0 * b2) ^ (a1 * b1) ^ (a2 * b0) ^ (a3 * b3);
    uint64_t z3 = (a0 * b3) ^ (a1 * b2) ^ (a2 * b1) ^ (a3 * b0);
    return (z0 & 0x1111111111111111ull) | (z1 & 0x2222222222222222ull)
         | (z2 & 0x4444444444444444ull) | (z3 & 0x8888888888888888ull);
}

/* 64 x 64 -> 128 carry-less (Karatsuba over 32-bit halves): *hi:*lo */
static inline void clmul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo) {
    uint32_t a0 = (uint32_t)a, a1 = (uint32_t)(a >> 32);
    uint32_t b0 = (uint32_t)b, b1 = (uint32_t)(b >> 32);
    uint64_t l = clmul32(a0, b0), h = clmul32(a1, b1);
    uint64_t m = clmul32(a0 ^ a1, b0 ^ b1) ^ l ^ h;
    *lo = l ^ (m << 32);
    *hi = h ^ (m >> 32);
}

/* (y1:y0) <- (y1:y0) * (h1:h0) in GF(2^128), reversed representation. */
static void gmul(uint64_t *y1, uint64_t *y0, uint64_t h1, uint64_t h0, uint64_t hx) {
    uint64_t a1 = *y1, a0 = *y0;
    uint64_t p0h, p0l, p2h, p2l, p1h, p1l;
    clmul64(a0, h0, &p0h, &p0l);
    clmul64(a1, h1, &p2h, &p2l);
    clmul64(a0 ^ a1, hx, &p1h, &p1l);
    p1h ^= p0h ^ p2h;
    p1l ^= p0l ^ p2l;
    uint64_t z0 = p0l, z1 = p0h ^ p1l, z2 = p2l ^ p1h, z3 = p2h;
    /* align: shift the 256-bit value left by one */
    z3 = (z3 << 1) | (z2 >> 63);
    z2 = (z2 << 1) | (z1 >> 63);
    z1 = (z1 << 1) | (z0 >> 63);
    z0 <<= 1;
    /* fold z1:z0 (x^128..x^255) into z3:z2; bits pushed below bit 128 by
     * the right shifts fold once more, via the next-higher word. */
    z1 ^= (z0 << 63) ^ (z0 << 62) ^ (z0 << 57);
    z2 ^= z0 ^ (z0 >> 1) ^ (z0 >> 2) ^ (z0 >> 7);
    z2 ^= (z1 << 63) ^ (z1 << 62) ^ (z1 << 57);
    z3 ^= z1 ^ (z1 >> 1) ^ (z1 >> 2) ^ (z1 >> 7);
    *y1 = z3;
    *y0 = z2;
}

void nc_ghash_ct_init(uint64_t *h, const uint8_t hkey[16]) {
    h[0] = nc_load_be64(hkey);
    h[1] = nc_load_be64(hkey + 8);
    h[2] = h[0] ^ h[1];
}

void nc_ghash_ct(uint8_t y[16], const uint64_t *h, const uint8_t *data, size_t len) {
    uint64_t y1 = nc_load_be64(y), y0 = nc_load_be64(y + 8);
    while (len > 0) {
        uint8_t blk[16] = {0};
        size_t n = len < 16 ? len : 16;
        for (size_t i = 0; i < n; i++) {
            blk[i] = data[i];
        }
        y1 ^= nc_load_be64(blk);
        y0 ^= nc_load_be64(blk + 8);
        gmul(&y1, &y0, h[0], h[1], h[2]);
        data += n;
        len -= n;
    }
    nc_store_be64(y, y1);
    nc_store_be64(y + 8, y0);
}
