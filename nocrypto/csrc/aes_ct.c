/* AES (FIPS 197), portable constant-time path: a bitsliced implementation
 * on 64-bit words, four blocks per set of words (eight per batch with GNU C
 * vectors, see load_blocks), with the S-box computed by the
 * Boyar-Peralta circuit (J. Boyar, R. Peralta, "A new combinational logic
 * minimization technique with applications to cryptology", SEA 2010,
 * eprint 2009/191).  No memory index and no branch depends on key or data.
 *
 * Layout.  Four blocks (64 bytes) live in eight words q[0..7]: q[i] holds
 * bit i of every byte.  The byte in row r, column c of block k (FIPS 197
 * state a[r][c], input byte 4c + r) sits at bit position 16r + 4c + k.
 * So a row is a 16-bit field: ShiftRows rotates inside each field, and
 * MixColumns, which mixes the rows of a column, rotates the whole word by
 * multiples of 16.
 */
#include <string.h>

#include "aes_impl.h"
#include "ct.h"

/* byte r of w (r = 0..3) -> byte lane 2r of the result */
static inline uint64_t spread(uint32_t w) {
    uint64_t x = w;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
    return x;
}

static inline uint32_t unspread(uint64_t x) {
    x &= 0x00FF00FF00FF00FFull;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFull;
    return (uint32_t)(x | (x >> 16));
}

/* Exchange the bits selected by m in a with those m << s in b. */
#define XCHG(a, b, m, s)                                  \
    do {                                                  \
        uint64_t t_ = (((a) >> (s)) ^ (b)) & (m);         \
        (b) ^= t_;                                        \
        (a) ^= t_ << (s);                                 \
    } while (0)

/* In every byte lane, transpose the 8x8 bit matrix (word index, bit index):
 * afterwards bit b of lane g in q[w] is what bit w of lane g in q[b] was.
 * The transposition is its own inverse. */
static void transpose(uint64_t q[8]) {
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i += 2) {
        XCHG(q[i], q[i + 1], 0x5555555555555555ull, 1);
    }
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i += 4) {
        XCHG(q[i], q[i + 2], 0x3333333333333333ull, 2);
        XCHG(q[i + 1], q[i + 3], 0x3333333333333333ull, 2);
    }
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 4; i++) {
        XCHG(q[i], q[i + 4], 0x0F0F0F0F0F0F0F0Full, 4);
    }
}

/* Bring n (0..4) blocks into bitsliced form; missing blocks are zero.
 * Word q[4*(c&1) + k] carries columns c and c+2 of block k, one byte lane
 * per (row, column) pair, so that after the transposition each byte lands
 * at position 16r + 4c + k. */
static void load4(uint64_t q[8], const uint8_t *in, size_t n) {
    _Pragma("GCC unroll 4")
    for (size_t k = 0; k < 4; k++) {
        uint32_t w[4] = {0, 0, 0, 0};
        if (k < n) {
            for (int c = 0; c < 4; c++) {
                w[c] = nc_load_le32(in + 16 * k + 4 * c);
            }
        }
        q[k] = spread(w[0]) | (spread(w[2]) << 8);
        q[k + 4] = spread(w[1]) | (spread(w[3]) << 8);
    }
    transpose(q);
}

static void store4(uint8_t *out, uint64_t q[8], size_t n) {
    transpose(q);
    for (size_t k = 0; k < n; k++) {
        nc_store_le32(out + 16 * k + 0, unspread(q[k]));
        nc_store_le32(out + 16 * k + 4, unspread(q[k + 4]));
        nc_store_le32(out + 16 * k + 8, unspread(q[k] >> 8));
        nc_store_le32(out + 16 * k + 12, unspread(q[k + 4] >> 8));
    }
}

/* With GNU C vector extensions the same code runs on two 64-bit lanes at
 * once (SSE2 on x86-64, NEON on arm64, pairs of registers elsewhere):
 * eight blocks per batch.  Lane L holds blocks 4L..4L+3. */
#if defined(__GNUC__) && !defined(NC_AES_CT_SCALAR)
typedef uint64_t nc_w __attribute__((vector_size(16)));
#define LANES 2
#else
typedef uint64_t nc_w;
#define LANES 1
#endif
#define BATCH (4 * LANES)

static void load_blocks(nc_w q[8], const uint8_t *in, size_t n) {
    uint64_t a[LANES][8];
    for (size_t l = 0; l < LANES; l++) {
        size_t m = n > 4 * l ? n - 4 * l : 0;
        load4(a[l], in + 64 * l, m < 4 ? m : 4);
    }
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
#if LANES == 2
        q[i] = (nc_w){a[0][i], a[1][i]};
#else
        q[i] = a[0][i];
#endif
    }
    nc_ct_wipe(a, sizeof a);
}

static void store_blocks(uint8_t *out, nc_w q[8], size_t n) {
    uint64_t a[LANES][8];
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
#if LANES == 2
        a[0][i] = q[i][0];
        a[1][i] = q[i][1];
#else
        a[0][i] = q[i];
#endif
    }
    for (size_t l = 0; l < LANES && n > 4 * l; l++) {
        size_t m = n - 4 * l;
        store4(out + 64 * l, a[l], m < 4 ? m : 4);
    }
    nc_ct_wipe(a, sizeof a);
}

/* The S-box on every byte: Boyar-Peralta's 113-gate circuit (32 AND,
 * 77 XOR, 4 XNOR).  Their input x0 is the most significant bit, i.e.
 * our plane 7; likewise for the outputs s0..s7. */
static void sbox(nc_w q[8]) {
    const nc_w x0 = q[7], x1 = q[6], x2 = q[5], x3 = q[4];
    const nc_w x4 = q[3], x5 = q[2], x6 = q[1], x7 = q[0];

    /* top linear layer */
    nc_w y14 = x3 ^ x5, y13 = x0 ^ x6, y9 = x0 ^ x3, y8 = x0 ^ x5;
    nc_w t0 = x1 ^ x2, y1 = t0 ^ x7, y4 = y1 ^ x3, y12 = y13 ^ y14;
    nc_w y2 = y1 ^ x0, y5 = y1 ^ x6, y3 = y5 ^ y8, t1 = x4 ^ y12;
    nc_w y15 = t1 ^ x5, y20 = t1 ^ x1, y6 = y15 ^ x7, y10 = y15 ^ t0;
    nc_w y11 = y20 ^ y9, y7 = x7 ^ y11, y17 = y10 ^ y11, y19 = y10 ^ y8;
    nc_w y16 = t0 ^ y11, y21 = y13 ^ y16, y18 = x0 ^ y16;

    /* middle, non-linear layer: inversion in GF(2^4)^2 */
    nc_w t2 = y12 & y15, t3 = y3 & y6, t4 = t3 ^ t2, t5 = y4 & x7;
    nc_w t6 = t5 ^ t2, t7 = y13 & y16, t8 = y5 & y1, t9 = t8 ^ t7;
    nc_w t10 = y2 & y7, t11 = t10 ^ t7, t12 = y9 & y11, t13 = y14 & y17;
    nc_w t14 = t13 ^ t12, t15 = y8 & y10, t16 = t15 ^ t12, t17 = t4 ^ t14;
    nc_w t18 = t6 ^ t16, t19 = t9 ^ t14, t20 = t11 ^ t16, t21 = t17 ^ y20;
    nc_w t22 = t18 ^ y19, t23 = t19 ^ y21, t24 = t20 ^ y18;
    nc_w t25 = t21 ^ t22, t26 = t21 & t23, t27 = t24 ^ t26, t28 = t25 & t27;
    nc_w t29 = t28 ^ t22, t30 = t23 ^ t24, t31 = t22 ^ t26, t32 = t31 & t30;
    nc_w t33 = t32 ^ t24, t34 = t23 ^ t33, t35 = t27 ^ t33, t36 = t24 & t35;
    nc_w t37 = t36 ^ t34, t38 = t27 ^ t36, t39 = t29 & t38, t40 = t25 ^ t39;
    nc_w t41 = t40 ^ t37, t42 = t29 ^ t33, t43 = t29 ^ t40, t44 = t33 ^ t37;
    nc_w t45 = t42 ^ t41;
    nc_w z0 = t44 & y15, z1 = t37 & y6, z2 = t33 & x7, z3 = t43 & y16;
    nc_w z4 = t40 & y1, z5 = t29 & y7, z6 = t42 & y11, z7 = t45 & y17;
    nc_w z8 = t41 & y10, z9 = t44 & y12, z10 = t37 & y3, z11 = t33 & y4;
    nc_w z12 = t43 & y13, z13 = t40 & y5, z14 = t29 & y2, z15 = t42 & y9;
    nc_w z16 = t45 & y14, z17 = t41 & y8;

    /* bottom linear layer */
    nc_w t46 = z15 ^ z16, t47 = z10 ^ z11, t48 = z5 ^ z13, t49 = z9 ^ z10;
    nc_w t50 = z2 ^ z12, t51 = z2 ^ z5, t52 = z7 ^ z8, t53 = z0 ^ z3;
    nc_w t54 = z6 ^ z7, t55 = z16 ^ z17, t56 = z12 ^ t48, t57 = t50 ^ t53;
    nc_w t58 = z4 ^ t46, t59 = z3 ^ t54, t60 = t46 ^ t57, t61 = z14 ^ t57;
    nc_w t62 = t52 ^ t58, t63 = t49 ^ t58, t64 = z4 ^ t59, t65 = t61 ^ t62;
    nc_w t66 = z1 ^ t63, t67;
    nc_w s0 = t59 ^ t63, s6 = t56 ^ ~t62, s7 = t48 ^ ~t60;
    t67 = t64 ^ t65;
    nc_w s3 = t53 ^ t66, s4 = t51 ^ t66, s5 = t47 ^ t65;
    nc_w s1 = t64 ^ ~s3, s2 = t55 ^ ~t67;

    q[7] = s0; q[6] = s1; q[5] = s2; q[4] = s3;
    q[3] = s4; q[2] = s5; q[1] = s6; q[0] = s7;
}

/* The inverse of the S-box's affine map, y -> (y<<<1) ^ (y<<<3) ^ (y<<<6)
 * ^ 0x05, so that InvSbox = A^-1 o Sbox o A^-1 (Sbox = A o inverse). */
static void affine_inv(nc_w q[8]) {
    nc_w r[8];
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        r[i] = q[(i + 7) & 7] ^ q[(i + 5) & 7] ^ q[(i + 2) & 7];
    }
    r[0] = ~r[0];
    r[2] = ~r[2];
    memcpy(q, r, sizeof r);
}

static void inv_sbox(nc_w q[8]) {
    affine_inv(q);
    sbox(q);
    affine_inv(q);
}

/* Row r (bits 16r..16r+15) rotates so column c takes column c + r. */
static void shift_rows(nc_w q[8]) {
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        nc_w x = q[i];
        q[i] = (x & 0x000000000000FFFFull)
             | ((x & 0x00000000FFF00000ull) >> 4) | ((x & 0x00000000000F0000ull) << 12)
             | ((x & 0x0000FF0000000000ull) >> 8) | ((x & 0x000000FF00000000ull) << 8)
             | ((x & 0xF000000000000000ull) >> 12) | ((x & 0x0FFF000000000000ull) << 4);
    }
}

static void inv_shift_rows(nc_w q[8]) {
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        nc_w x = q[i];
        q[i] = (x & 0x000000000000FFFFull)
             | ((x & 0x000000000FFF0000ull) << 4) | ((x & 0x00000000F0000000ull) >> 12)
             | ((x & 0x0000FF0000000000ull) >> 8) | ((x & 0x000000FF00000000ull) << 8)
             | ((x & 0xFFF0000000000000ull) >> 4) | ((x & 0x000F000000000000ull) << 12);
    }
}

/* Row r + 1 moved to row r (all columns and blocks at once). */
static inline nc_w next_row(nc_w x) { return (x >> 16) | (x << 48); }
static inline nc_w swap_rows(nc_w x) { return (x >> 32) | (x << 32); }

/* Multiplication by x in GF(2^8) on bit planes (modulus 0x11B). */
static void xtime(nc_w o[8], const nc_w s[8]) {
    o[0] = s[7];
    o[1] = s[0] ^ s[7];
    o[2] = s[1];
    o[3] = s[2] ^ s[7];
    o[4] = s[3] ^ s[7];
    o[5] = s[4];
    o[6] = s[5];
    o[7] = s[6];
}

/* a'_r = 2(a_r ^ a_{r+1}) ^ a_{r+1} ^ (a_{r+2} ^ a_{r+3}) */
static void mix_columns(nc_w q[8]) {
    nc_w n[8], s[8], d[8];
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        n[i] = next_row(q[i]);
        s[i] = q[i] ^ n[i];
    }
    xtime(d, s);
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        q[i] = d[i] ^ n[i] ^ swap_rows(s[i]);
    }
}

/* InvMixColumns = MixColumns after a_r ^= 4(a_r ^ a_{r+2}). */
static void inv_mix_columns(nc_w q[8]) {
    nc_w t[8], u[8];
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        t[i] = q[i] ^ swap_rows(q[i]);
    }
    xtime(u, t);
    xtime(t, u);
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        q[i] ^= t[i];
    }
    mix_columns(q);
}

static inline void add_round_key(nc_w q[8], const uint64_t *rk) {
    _Pragma("GCC unroll 8")
    for (int i = 0; i < 8; i++) {
        q[i] ^= rk[i];
    }
}

static void encrypt_sliced(const nc_aes_key *k, nc_w q[8]) {
    unsigned nr = k->rounds;
    add_round_key(q, k->rk);
    for (unsigned r = 1; r < nr; r++) {
        sbox(q);
        shift_rows(q);
        mix_columns(q);
        add_round_key(q, k->rk + 8 * r);
    }
    sbox(q);
    shift_rows(q);
    add_round_key(q, k->rk + 8 * nr);
}

static void decrypt_sliced(const nc_aes_key *k, nc_w q[8]) {
    unsigned nr = k->rounds;
    add_round_key(q, k->rk + 8 * nr);
    for (unsigned r = nr - 1; r > 0; r--) {
        inv_shift_rows(q);
        inv_sbox(q);
        add_round_key(q, k->rk + 8 * r);
        inv_mix_columns(q);
    }
    inv_shift_rows(q);
    inv_sbox(q);
    add_round_key(q, k->rk);
}

void nc_aes_ct_subbytes16(uint8_t b[16]) {
    nc_w q[8];
    load_blocks(q, b, 1);
    sbox(q);
    store_blocks(b, q, 1);
    nc_ct_wipe(q, sizeof q);
}

static const uint8_t RCON[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36};

unsigned nc_aes_ct_schedule(uint8_t rk[240], const uint8_t *key, size_t keylen) {
    unsigned nk, nr;
    switch (keylen) {
    case 16: nk = 4; nr = 10; break;
    case 24: nk = 6; nr = 12; break;
    case 32: nk = 8; nr = 14; break;
    default: return 0;
    }
    memcpy(rk, key, keylen);
    uint8_t t[16];
    memset(t, 0, sizeof t);
    for (unsigned i = nk; i < 4 * (nr + 1); i++) {
        memcpy(t, rk + 4 * (i - 1), 4);
        if (i % nk == 0) {
            /* RotWord then SubWord, then Rcon */
            uint8_t x = t[0];
            t[0] = t[1]; t[1] = t[2]; t[2] = t[3]; t[3] = x;
            nc_aes_ct_subbytes16(t);
            t[0] ^= RCON[i / nk - 1];
        } else if (nk > 6 && i % nk == 4) {
            nc_aes_ct_subbytes16(t);
        }
        for (int j = 0; j < 4; j++) {
            rk[4 * i + j] = (uint8_t)(rk[4 * (i - nk) + j] ^ t[j]);
        }
    }
    nc_ct_wipe(t, sizeof t);
    return nr;
}

void nc_aes_ct_setup(nc_aes_key *k, const uint8_t *rk, unsigned rounds) {
    uint8_t four[64];
    for (unsigned r = 0; r <= rounds; r++) {
        for (int j = 0; j < 4; j++) {
            memcpy(four + 16 * j, rk + 16 * r, 16);
        }
        load4(k->rk + 8 * r, four, 4);
    }
    nc_ct_wipe(four, sizeof four);
    k->rounds = rounds;
    k->path = NC_AES_PATH_CT;
}

void nc_aes_ct_ecb_enc(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks) {
    nc_w q[8];
    while (nblocks > 0) {
        size_t n = nblocks < BATCH ? nblocks : BATCH;
        load_blocks(q, in, n);
        encrypt_sliced(k, q);
        store_blocks(out, q, n);
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    nc_ct_wipe(q, sizeof q);
}

void nc_aes_ct_ecb_dec(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks) {
    nc_w q[8];
    while (nblocks > 0) {
        size_t n = nblocks < BATCH ? nblocks : BATCH;
        load_blocks(q, in, n);
        decrypt_sliced(k, q);
        store_blocks(out, q, n);
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    nc_ct_wipe(q, sizeof q);
}

/* CTR with either a 128-bit (wide = 1) or GCM's 32-bit counter. */
static void ctr_any(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out,
                    size_t len, int wide) {
    uint8_t ks[16 * BATCH];
    nc_w q[8];
    while (len > 0) {
        size_t nb = (len + 15) / 16;
        if (nb > BATCH) {
            nb = BATCH;
        }
        for (size_t j = 0; j < nb; j++) {
            memcpy(ks + 16 * j, ctr, 16);
            if (wide) {
                nc_aes_ctr_inc128(ctr, 1);
            } else {
                nc_aes_ctr_inc32(ctr, 1);
            }
        }
        load_blocks(q, ks, nb);
        encrypt_sliced(k, q);
        store_blocks(ks, q, nb);
        size_t m = len < 16 * BATCH ? len : 16 * BATCH;
        for (size_t j = 0; j < m; j++) {
            out[j] = (uint8_t)(in[j] ^ ks[j]);
        }
        in += m;
        out += m;
        len -= m;
    }
    nc_ct_wipe(ks, sizeof ks);
    nc_ct_wipe(q, sizeof q);
}

void nc_aes_ct_ctr(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
    ctr_any(k, ctr, in, out, len, 1);
}

void nc_aes_ct_ctr32(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
    ctr_any(k, ctr, in, out, len, 0);
}

void nc_aes_ct_cbc_enc(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len) {
    uint8_t x[16];
    nc_w q[8];
    memcpy(x, iv, 16);
    for (size_t off = 0; off + 16 <= len; off += 16) {
        for (int j = 0; j < 16; j++) {
            x[j] ^= in[off + j];
        }
        load_blocks(q, x, 1);
        encrypt_sliced(k, q);
        store_blocks(x, q, 1);
        memcpy(out + off, x, 16);
    }
    memcpy(iv, x, 16);
    nc_ct_wipe(q, sizeof q);
}

void nc_aes_ct_cbc_dec(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len) {
    uint8_t c[16 + 16 * BATCH]; /* previous ciphertext block, then a batch */
    uint8_t p[16 * BATCH];
    nc_w q[8];
    memcpy(c, iv, 16);
    size_t nblocks = len / 16;
    while (nblocks > 0) {
        size_t n = nblocks < BATCH ? nblocks : BATCH;
        memcpy(c + 16, in, 16 * n); /* in may be out: keep the ciphertext */
        load_blocks(q, c + 16, n);
        decrypt_sliced(k, q);
        store_blocks(p, q, n);
        for (size_t j = 0; j < 16 * n; j++) {
            out[j] = (uint8_t)(p[j] ^ c[j]);
        }
        memcpy(c, c + 16 * n, 16);
        in += 16 * n;
        out += 16 * n;
        nblocks -= n;
    }
    memcpy(iv, c, 16);
    nc_ct_wipe(p, sizeof p);
    nc_ct_wipe(q, sizeof q);
}
