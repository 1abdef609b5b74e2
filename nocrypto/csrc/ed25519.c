/* Ed25519 (RFC 8032, section 5.1) on the twisted Edwards curve
 * -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19).
 *
 * Points are extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z,
 * added with the unified formulas of Hisil, Wong, Carter and Dawson,
 * "Twisted Edwards curves revisited" (2008), section 3.1 (complete on this
 * curve, since d is not a square).  Signing (and X25519's fixed base)
 * multiplies B with signed radix-16 digits over a table of the affine
 * multiples T[i][j] = (j + 1) 256^i B, j < 8 (the layout of Bernstein et
 * al.'s ref10): 64 mixed additions and 4 doublings, every entry of a row
 * read with masks, so no branch or address depends on a secret.  Scalars
 * modulo L are Montgomery arithmetic (mont64.h).  Verification is
 * variable time.
 */
#include "ed25519.h"

#include "ct.h"
#include "fe25519.h"
#include "hash.h"
#include "mont64.h"

static const fe25519 ed_d = {{0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL, 0x739c663a03cbbULL, 0x52036cee2b6ffULL}};
static const fe25519 ed_d2 = {{0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL, 0x6738cc7407977ULL, 0x2406d9dc56dffULL}};
static const fe25519 ed_sqrtm1 = {{0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL, 0x2b8324804fc1dULL}};
static const fe25519 ed_bx = {{0x62d608f25d51aULL, 0x412a4b4f6592aULL, 0x75b7171a4b31dULL, 0x1ff60527118feULL, 0x216936d3cd6e5ULL}};
static const fe25519 ed_by = {{0x6666666666658ULL, 0x4ccccccccccccULL, 0x1999999999999ULL, 0x3333333333333ULL, 0x6666666666666ULL}};
static const fe25519 ed_bt = {{0x68ab3a5b7dda3ULL, 0x00eea2a5eadbbULL, 0x2af8df483c27eULL, 0x332b375274732ULL, 0x67875f0fd78b7ULL}};

/* The group order L = 2^252 + 27742317777372353535851937790883648493. */
static const nc_mm_mod ed_L = {4, {0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0x0000000000000000ULL, 0x1000000000000000ULL, 0, 0}, 0xd2b51da312547e1bULL, {0xa40611e3449c0f01ULL, 0xd00e1ba768859347ULL, 0xceec73d217f5be65ULL, 0x0399411b7c309a3dULL, 0, 0}, {0xd6ec31748d98951dULL, 0xc6ef5bf4737dcf70ULL, 0xfffffffffffffffeULL, 0x0fffffffffffffffULL, 0, 0}};

typedef struct {
    fe25519 X, Y, Z, T;
} ge_p3;

/* (Y+X, Y-X, 2Z, 2dT): the second operand of an addition. */
typedef struct {
    fe25519 ypx, ymx, z2, t2d;
} ge_cached;

/* base_table[i][j] = (j + 1) 256^i B, for the signed radix-16 comb. */
static nc_ge_precomp base_table[32][8] __attribute__((aligned(16)));
static int table_ready;

static void ge_identity(ge_p3 *r) {
    fe_0(&r->X);
    fe_1(&r->Y);
    fe_1(&r->Z);
    fe_0(&r->T);
}

static void ge_cached_identity(ge_cached *r) {
    fe_1(&r->ypx);
    fe_1(&r->ymx);
    fe_1(&r->z2);
    fe_add(&r->z2, &r->z2, &r->z2);
    fe_0(&r->t2d);
}

static void ge_to_cached(ge_cached *r, const ge_p3 *p) {
    fe_add(&r->ypx, &p->Y, &p->X);
    fe_sub(&r->ymx, &p->Y, &p->X);
    fe_add(&r->z2, &p->Z, &p->Z);
    fe_mul(&r->t2d, &p->T, &ed_d2);
}

/* HWCD08 add-2008-hwcd-3 (a = -1): r = p + q. */
static void ge_add(ge_p3 *r, const ge_p3 *p, const ge_cached *q) {
    fe25519 a, b, c, d, e, f, g, h;
    fe_sub(&a, &p->Y, &p->X);
    fe_mul(&a, &a, &q->ymx);
    fe_add(&b, &p->Y, &p->X);
    fe_mul(&b, &b, &q->ypx);
    fe_mul(&c, &p->T, &q->t2d);
    fe_mul(&d, &p->Z, &q->z2);
    fe_sub(&e, &b, &a);
    fe_sub(&f, &d, &c);
    fe_add(&g, &d, &c);
    fe_add(&h, &b, &a);
    fe_mul(&r->X, &e, &f);
    fe_mul(&r->Y, &g, &h);
    fe_mul(&r->T, &e, &h);
    fe_mul(&r->Z, &f, &g);
}

/* HWCD08 dbl-2008-hwcd (a = -1): r = 2p. */
static void ge_dbl(ge_p3 *r, const ge_p3 *p) {
    fe25519 a, b, c, e, g, f, h, t;
    fe_sq(&a, &p->X);
    fe_sq(&b, &p->Y);
    fe_sq(&c, &p->Z);
    fe_add(&c, &c, &c);
    fe_add(&t, &p->X, &p->Y);
    fe_sq(&e, &t);
    fe_sub(&e, &e, &a);
    fe_sub(&e, &e, &b);         /* E = 2XY */
    fe_sub(&g, &b, &a);         /* G = D + B with D = -A */
    fe_sub(&f, &g, &c);         /* F = G - C */
    fe_add(&h, &a, &b);
    fe_neg(&h, &h);             /* H = D - B */
    fe_mul(&r->X, &e, &f);
    fe_mul(&r->Y, &g, &h);
    fe_mul(&r->T, &e, &h);
    fe_mul(&r->Z, &f, &g);
}

/* A table entry in radix 2^51. */
typedef struct {
    fe25519 ypx, ymx, xy2d;
} ge_precomp;

/* HWCD08 madd-2008-hwcd-3 (a = -1, Z2 = 1): r = p + q, 7 products. */
static void ge_madd(ge_p3 *r, const ge_p3 *p, const ge_precomp *q) {
    fe25519 a, b, c, d, e, f, g, h;
    fe_sub(&a, &p->Y, &p->X);
    fe_mul(&a, &a, &q->ymx);
    fe_add(&b, &p->Y, &p->X);
    fe_mul(&b, &b, &q->ypx);
    fe_mul(&c, &p->T, &q->xy2d);
    fe_add(&d, &p->Z, &p->Z);
    fe_sub(&e, &b, &a);
    fe_sub(&f, &d, &c);
    fe_add(&g, &d, &c);
    fe_add(&h, &b, &a);
    fe_mul(&r->X, &e, &f);
    fe_mul(&r->Y, &g, &h);
    fe_mul(&r->T, &e, &h);
    fe_mul(&r->Z, &f, &g);
}

/* One row of the table: the multiples 1..8 of P, made affine with a single
 * inversion (Montgomery's trick).  Returns 256 P in next. */
static void build_row(nc_ge_precomp row[8], ge_p3 *next, const ge_p3 *P) {
    ge_p3 m[8];
    ge_cached pc;
    fe25519 prefix[8], inv, zi, x, y, ypx, ymx, xy2d;
    ge_to_cached(&pc, P);
    m[0] = *P;
    for (int j = 1; j < 8; j++) ge_add(&m[j], &m[j - 1], &pc);
    prefix[0] = m[0].Z;
    for (int j = 1; j < 8; j++) fe_mul(&prefix[j], &prefix[j - 1], &m[j].Z);
    fe_invert(&inv, &prefix[7]);
    for (int j = 7; j >= 0; j--) {
        if (j > 0) {
            fe_mul(&zi, &inv, &prefix[j - 1]);
            fe_mul(&inv, &inv, &m[j].Z);
        } else {
            zi = inv;
        }
        fe_mul(&x, &m[j].X, &zi);
        fe_mul(&y, &m[j].Y, &zi);
        fe_add(&ypx, &y, &x);
        fe_sub(&ymx, &y, &x);
        fe_mul(&xy2d, &x, &y);
        fe_mul(&xy2d, &xy2d, &ed_d2);
        fe_to64(row[j].w, &ypx);
        fe_to64(row[j].w + 4, &ymx);
        fe_to64(row[j].w + 8, &xy2d);
    }
    *next = m[7]; /* 8 P, doubled five times */
    for (int i = 0; i < 5; i++) ge_dbl(next, next);
}

static void build_table(void) {
    ge_p3 P;
    P.X = ed_bx;
    P.Y = ed_by;
    fe_1(&P.Z);
    P.T = ed_bt;
    for (int i = 0; i < 32; i++) build_row(base_table[i], &P, &P);
}

void nc_ed25519_init(void) {
    if (!table_ready) {
        build_table();
        table_ready = 1;
    }
}

static const uint64_t fe_p64[4] = {0xffffffffffffffedULL, 0xffffffffffffffffULL,
                                    0xffffffffffffffffULL, 0x7fffffffffffffffULL};

/* Two 64-bit lanes (GCC vector extension; SSE2 on x86-64): an entry is
 * six of them, so the scan below keeps its accumulator in registers. */
typedef uint64_t nc_v2 __attribute__((vector_size(16)));

void nc_ed25519_select(nc_ge_precomp *r, int i, int32_t e) {
    uint32_t ue = (uint32_t)e;
    uint32_t neg = ue >> 31;
    uint32_t abs = (ue ^ (0U - neg)) + neg;
    nc_v2 acc[6] = {{1, 0}, {0, 0}, {1, 0}, {0, 0}, {0, 0}, {0, 0}}; /* (1, 1, 0) */
    nc_ed25519_init();
    for (uint32_t j = 0; j < 8; j++) {
        const nc_v2 *ent = (const nc_v2 *)base_table[i][j].w; /* 96-byte entries, 16-aligned */
        uint64_t m1 = nc_ct_mask64(nc_ct_eq32(abs, j + 1));
        nc_v2 m = {m1, m1};
        for (int v = 0; v < 6; v++) acc[v] ^= m & (acc[v] ^ ent[v]);
    }
    /* -(x, y) is (-x, y): swap y + x with y - x, negate 2dxy as p - 2dxy */
    uint64_t mn = nc_ct_mask64(neg), borrow = 0;
    for (int k = 0; k < 2; k++) {
        nc_v2 sw = (nc_v2){mn, mn} & (acc[k] ^ acc[2 + k]);
        nc_v2 pos = acc[k] ^ sw, mneg = acc[2 + k] ^ sw;
        r->w[2 * k] = pos[0];
        r->w[2 * k + 1] = pos[1];
        r->w[4 + 2 * k] = mneg[0];
        r->w[5 + 2 * k] = mneg[1];
    }
    for (int k = 0; k < 4; k++) {
        uint64_t x = acc[4 + k / 2][k % 2];
        nc_u128 d = (nc_u128)fe_p64[k] - x - borrow;
        borrow = (uint64_t)(d >> 64) & 1;
        r->w[8 + k] = x ^ (mn & (x ^ (uint64_t)d));
    }
}

void nc_ed25519_digits(int32_t e[64], const uint8_t k[32]) {
    for (int i = 0; i < 32; i++) {
        e[2 * i] = k[i] & 15;
        e[2 * i + 1] = k[i] >> 4;
    }
    int32_t carry = 0;
    for (int i = 0; i < 63; i++) {
        e[i] += carry;
        carry = (e[i] + 8) >> 4; /* e[i] + 8 >= 0: a plain shift */
        e[i] -= carry * 16;
    }
    e[63] += carry;
}

/* acc += the table entry e 256^i B; sel and q are the caller's scratch
 * (wiped once, at the end of the multiplication). */
static void ge_madd_base(ge_p3 *acc, nc_ge_precomp *sel, ge_precomp *q, int i, int32_t e) {
    nc_ed25519_select(sel, i, e);
    fe_from64(&q->ypx, sel->w);
    fe_from64(&q->ymx, sel->w + 4);
    fe_from64(&q->xy2d, sel->w + 8);
    ge_madd(acc, acc, q);
}

/* r = k B for a secret 32-byte little-endian k < 2^255 (clamped scalars,
 * and anything reduced modulo L): the odd radix-16 digits are added
 * first, the sum multiplied by 16, then the even digits added: 64 mixed
 * additions, 4 doublings. */
static void ge_mul_base(ge_p3 *r, const uint8_t k[32]) {
    int32_t e[64];
    ge_p3 acc;
    nc_ge_precomp sel;
    ge_precomp q;
    nc_ed25519_digits(e, k);
    ge_identity(&acc);
    for (int i = 1; i < 64; i += 2) ge_madd_base(&acc, &sel, &q, i / 2, e[i]);
    for (int i = 0; i < 4; i++) ge_dbl(&acc, &acc);
    for (int i = 0; i < 64; i += 2) ge_madd_base(&acc, &sel, &q, i / 2, e[i]);
    *r = acc;
    nc_ct_wipe(e, sizeof e);
    nc_ct_wipe(&acc, sizeof acc);
    nc_ct_wipe(&sel, sizeof sel);
    nc_ct_wipe(&q, sizeof q);
}

/* X25519 public keys through the Edwards comb (RFC 7748 section 4.1: the
 * Montgomery u of the point equals (1 + y) / (1 - y) = (Z + Y) / (Z - Y)).
 * k is the clamped 32-byte scalar; constant time. */
void nc_x25519_base_edwards(uint8_t out[32], const uint8_t k[32]) {
    ge_p3 P;
    fe25519 num, den;
    ge_mul_base(&P, k);
    fe_add(&num, &P.Z, &P.Y);
    fe_sub(&den, &P.Z, &P.Y);
    fe_invert(&den, &den);
    fe_mul(&num, &num, &den);
    fe_tobytes(out, &num);
    nc_ct_wipe(&P, sizeof P);
}

/* The y coordinate with the sign of x in bit 255 (RFC 8032 5.1.2). */
static void ge_encode(uint8_t s[32], const ge_p3 *p) {
    fe25519 zi, x, y;
    fe_invert(&zi, &p->Z);
    fe_mul(&x, &p->X, &zi);
    fe_mul(&y, &p->Y, &zi);
    fe_tobytes(s, &y);
    s[31] |= (uint8_t)(fe_isodd(&x) << 7);
}

/* RFC 8032 5.1.3; returns 0 for y >= p, no square root, or x = 0 with the
 * sign bit set.  Variable time: used on public values only. */
static int ge_decode(ge_p3 *r, const uint8_t s[32]) {
    uint8_t t[32];
    fe25519 u, v, v3, x, vx2, chk;
    fe_frombytes(&r->Y, s);
    fe_tobytes(t, &r->Y);
    for (int i = 0; i < 31; i++) if (t[i] != s[i]) return 0;
    if (t[31] != (s[31] & 0x7f)) return 0;          /* y >= p */
    uint32_t sign = s[31] >> 7;
    fe_1(&r->Z);
    fe_sq(&u, &r->Y);
    fe_mul(&v, &u, &ed_d);
    fe_sub(&u, &u, &r->Z);                          /* u = y^2 - 1 */
    fe_add(&v, &v, &r->Z);                          /* v = d y^2 + 1 */
    fe_sq(&v3, &v);
    fe_mul(&v3, &v3, &v);                           /* v^3 */
    fe_sq(&x, &v3);
    fe_mul(&x, &x, &v);
    fe_mul(&x, &x, &u);                             /* u v^7 */
    fe_pow22523(&x, &x);
    fe_mul(&x, &x, &v3);
    fe_mul(&x, &x, &u);                             /* u v^3 (u v^7)^((p-5)/8) */
    fe_sq(&vx2, &x);
    fe_mul(&vx2, &vx2, &v);
    fe_sub(&chk, &vx2, &u);
    if (!fe_iszero(&chk)) {
        fe_add(&chk, &vx2, &u);
        if (!fe_iszero(&chk)) return 0;
        fe_mul(&x, &x, &ed_sqrtm1);
    }
    if (fe_iszero(&x) && sign) return 0;
    if (fe_isodd(&x) != sign) fe_neg(&x, &x);
    r->X = x;
    fe_mul(&r->T, &r->X, &r->Y);
    return 1;
}

/* --- scalars modulo L ---------------------------------------------------- */

static void sc_load(uint64_t w[4], const uint8_t *s) {
    for (int i = 0; i < 4; i++) w[i] = nc_load_le64(s + 8 * i);
}

static void sc_store(uint8_t *s, const uint64_t w[4]) {
    for (int i = 0; i < 4; i++) nc_store_le64(s + 8 * i, w[i]);
}

/* r = x mod L for any x < 2^256. */
static void sc_reduce256(uint64_t *r, const uint64_t *x) {
    uint64_t t[MM_MAX];
    mm_mul(&ed_L, t, x, ed_L.r2);   /* x R mod L */
    mm_from(&ed_L, r, t);
}

/* r = (64-byte little-endian h) mod L: lo + hi 2^256. */
static void sc_reduce512(uint64_t *r, const uint8_t h[64]) {
    uint64_t lo[MM_MAX] = {0}, hi[MM_MAX] = {0}, a[MM_MAX], b[MM_MAX];
    sc_load(lo, h);
    sc_load(hi, h + 32);
    mm_mul(&ed_L, a, hi, ed_L.r2);  /* hi R mod L = hi 2^256 mod L */
    sc_reduce256(b, lo);
    mm_add(&ed_L, r, a, b);
}

/* --- the scheme ------------------------------------------------------------ */

void nc_ed25519_expand(nc_ed25519_key *key, const uint8_t *seed) {
    uint8_t h[64];
    nc_sha512_ctx c;
    ge_p3 A;
    nc_sha512_init(&c);
    nc_sha512_update(&c, seed, 32);
    nc_sha512_final(&c, h);
    for (int i = 0; i < 32; i++) {
        key->a[i] = h[i];
        key->prefix[i] = h[32 + i];
    }
    key->a[0] &= 248;
    key->a[31] &= 127;
    key->a[31] |= 64;
    ge_mul_base(&A, key->a);
    ge_encode(key->pub, &A);
    nc_ct_wipe(h, sizeof h);
    nc_ct_wipe(&c, sizeof c);
    nc_ct_wipe(&A, sizeof A);
}

/* k = SHA-512(R || A || M) mod L */
static void challenge(uint64_t *k, const uint8_t R[32], const uint8_t A[32], const uint8_t *msg,
                      size_t len) {
    uint8_t h[64];
    nc_sha512_ctx c;
    nc_sha512_init(&c);
    nc_sha512_update(&c, R, 32);
    nc_sha512_update(&c, A, 32);
    nc_sha512_update(&c, msg, len);
    nc_sha512_final(&c, h);
    sc_reduce512(k, h);
}

void nc_ed25519_sign(uint8_t *sig, const nc_ed25519_key *key, const uint8_t *msg, size_t len) {
    uint8_t h[64], rb[32];
    uint64_t r[MM_MAX] = {0}, k[MM_MAX] = {0}, a[MM_MAX] = {0}, t[MM_MAX], s[MM_MAX];
    nc_sha512_ctx c;
    ge_p3 R;
    nc_sha512_init(&c);
    nc_sha512_update(&c, key->prefix, 32);
    nc_sha512_update(&c, msg, len);
    nc_sha512_final(&c, h);
    sc_reduce512(r, h);                     /* r = SHA-512(prefix || M) mod L */
    sc_store(rb, r);
    ge_mul_base(&R, rb);
    ge_encode(sig, &R);
    challenge(k, sig, key->pub, msg, len);
    sc_load(t, key->a);
    sc_reduce256(a, t);
    mm_to(&ed_L, t, k);
    mm_mul(&ed_L, t, t, a);                 /* k a mod L */
    mm_add(&ed_L, s, t, r);                 /* S = r + k a mod L */
    sc_store(sig + 32, s);
    nc_ct_wipe(h, sizeof h);
    nc_ct_wipe(rb, sizeof rb);
    nc_ct_wipe(r, sizeof r);
    nc_ct_wipe(a, sizeof a);
    nc_ct_wipe(t, sizeof t);
    nc_ct_wipe(&c, sizeof c);
    nc_ct_wipe(&R, sizeof R);
}

/* r = k P, variable time (public k and P): 4-bit windows from the top. */
static void ge_mul_vartime(ge_p3 *r, const ge_p3 *p, const uint8_t k[32]) {
    ge_cached tab[16];
    ge_p3 acc = *p;
    ge_cached_identity(&tab[0]);
    ge_to_cached(&tab[1], p);
    for (int j = 2; j < 16; j++) {
        ge_add(&acc, &acc, &tab[1]);
        ge_to_cached(&tab[j], &acc);
    }
    ge_identity(&acc);
    for (int i = 63; i >= 0; i--) {
        for (int d = 0; d < 4; d++) ge_dbl(&acc, &acc);
        unsigned nib = (k[i >> 1] >> (4 * (i & 1))) & 15;
        if (nib) ge_add(&acc, &acc, &tab[nib]);
    }
    *r = acc;
}

int nc_ed25519_verify(const uint8_t *pub, const uint8_t *msg, size_t len, const uint8_t *sig) {
    uint64_t s[MM_MAX] = {0}, k[MM_MAX] = {0};
    uint8_t kb[32], check[32];
    ge_p3 A, sB, kA;
    ge_cached c;
    sc_load(s, sig + 32);
    if (!mm_lt_mod(&ed_L, s)) return 0;     /* S >= L */
    if (!ge_decode(&A, pub)) return 0;
    challenge(k, sig, pub, msg, len);
    sc_store(kb, k);
    fe_neg(&A.X, &A.X);                     /* -A */
    fe_neg(&A.T, &A.T);
    ge_mul_vartime(&kA, &A, kb);
    ge_mul_base(&sB, sig + 32);
    ge_to_cached(&c, &kA);
    ge_add(&sB, &sB, &c);                   /* [S]B - [k]A */
    ge_encode(check, &sB);
    return nc_ct_diff(check, sig, 32) == 0;
}
