/* The X25519 algorithms over x25519_fe4.h, written once for the two
 * x86-64 paths: the Montgomery ladder (RFC 7748 section 5), the final
 * division, and the fixed-base multiplication [k]B on the birationally
 * equivalent Edwards curve (RFC 7748 section 4.1) over ed25519.c's table.
 *
 * Internal, no include guard: a path file includes x25519_fe4.h, defines
 * fe4_mul(r, a, b) and fe4_sq(r, a) (always inlined), NC_FE4_TARGET (its
 * function attributes), NC_FE4_LADDER and NC_FE4_BASE (the names of the
 * two entry points it exports), then includes this file once.
 * Constant time: the ladder swaps with masks, the table is read through
 * nc_ed25519_select's full masked scan, the additions are complete.
 */

NC_FE4_TARGET static inline void fe4_sqn(fe4 *r, const fe4 *a, int n) {
    fe4_sq(r, a);
    for (int i = 1; i < n; i++) fe4_sq(r, r);
}

/* out = the canonical bytes of x / z (0 when z = 0): z^(p-2) by the usual
 * chain of 254 squarings and 11 products. */
NC_FE4_TARGET static inline void fe4_div_tobytes(uint8_t out[32], const fe4 *x, const fe4 *z) {
    fe4 z2, z9, z11, t, z5_0, z10_0, z20_0, z50_0, z100_0;
    fe25519 f;
    fe4_sq(&z2, z);              /* 2 */
    fe4_sqn(&t, &z2, 2);         /* 8 */
    fe4_mul(&z9, &t, z);         /* 9 */
    fe4_mul(&z11, &z9, &z2);     /* 11 */
    fe4_sq(&t, &z11);            /* 22 */
    fe4_mul(&z5_0, &t, &z9);     /* 2^5 - 1 */
    fe4_sqn(&t, &z5_0, 5);
    fe4_mul(&z10_0, &t, &z5_0);  /* 2^10 - 1 */
    fe4_sqn(&t, &z10_0, 10);
    fe4_mul(&z20_0, &t, &z10_0); /* 2^20 - 1 */
    fe4_sqn(&t, &z20_0, 20);
    fe4_mul(&t, &t, &z20_0);     /* 2^40 - 1 */
    fe4_sqn(&t, &t, 10);
    fe4_mul(&z50_0, &t, &z10_0); /* 2^50 - 1 */
    fe4_sqn(&t, &z50_0, 50);
    fe4_mul(&z100_0, &t, &z50_0); /* 2^100 - 1 */
    fe4_sqn(&t, &z100_0, 100);
    fe4_mul(&t, &t, &z100_0);    /* 2^200 - 1 */
    fe4_sqn(&t, &t, 50);
    fe4_mul(&t, &t, &z50_0);     /* 2^250 - 1 */
    fe4_sqn(&t, &t, 5);          /* 2^255 - 32 */
    fe4_mul(&t, &t, &z11);       /* 2^255 - 21 = p - 2 */
    fe4_mul(&t, &t, x);
    fe_from64(&f, t.v);
    fe_tobytes(out, &f);
    nc_ct_wipe(&t, sizeof t);
    nc_ct_wipe(&f, sizeof f);
}

/* out = X25519(k, u) for a clamped k: RFC 7748's ladder on (x2:z2) and
 * (x3:z3), one masked swap per scalar bit. */
NC_FE4_TARGET void NC_FE4_LADDER(uint8_t out[32], const uint8_t k[32], const uint8_t u[32]) {
    fe4 x1, x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb, t;
    for (int i = 0; i < 4; i++) x1.v[i] = nc_load_le64(u + 8 * i);
    x1.v[3] &= 0x7fffffffffffffffULL; /* bit 255 is ignored */
    x2 = (fe4){{1, 0, 0, 0}};
    z2 = (fe4){{0, 0, 0, 0}};
    x3 = x1;
    z3 = x2;
    uint64_t swap = 0;
    for (int pos = 254; pos >= 0; pos--) {
        uint64_t bit = (k[pos >> 3] >> (pos & 7)) & 1;
        swap ^= bit;
        fe4_cswap(swap, &x2, &x3);
        fe4_cswap(swap, &z2, &z3);
        swap = bit;
        /* independent operations side by side, so the CPU overlaps them */
        fe4_addsub(&a, &b, &x2, &z2);
        fe4_addsub(&c, &d, &x3, &z3);
        fe4_mul(&da, &d, &a);
        fe4_mul(&cb, &c, &b);
        fe4_sq(&aa, &a);
        fe4_sq(&bb, &b);
        fe4_addsub(&x3, &z3, &da, &cb);
        fe4_sub(&e, &aa, &bb);
        fe4_mul(&x2, &aa, &bb);
        fe4_sq(&x3, &x3);
        fe4_sq(&z3, &z3);
        fe4_mul_a24_add(&t, &e, &aa);
        fe4_mul(&z3, &x1, &z3);
        fe4_mul(&z2, &e, &t);
    }
    fe4_cswap(swap, &x2, &x3);
    fe4_cswap(swap, &z2, &z3);
    fe4_div_tobytes(out, &x2, &z2);
    nc_ct_wipe(&x2, sizeof x2);
    nc_ct_wipe(&z2, sizeof z2);
    nc_ct_wipe(&x3, sizeof x3);
    nc_ct_wipe(&z3, sizeof z3);
}

/* Extended Edwards coordinates (X:Y:Z:T), as in ed25519.c. */
typedef struct {
    fe4 X, Y, Z, T;
} ge4;

/* r = p + q for a table entry q (HWCD08 madd-2008-hwcd-3, a = -1). */
NC_FE4_TARGET static inline void ge4_madd(ge4 *r, const ge4 *p, const nc_ge_precomp *q) {
    fe4 a, b, c, d, e, f, g, h, ypx, ymx, xy2d;
    for (int i = 0; i < 4; i++) {
        ypx.v[i] = q->w[i];
        ymx.v[i] = q->w[4 + i];
        xy2d.v[i] = q->w[8 + i];
    }
    fe4_sub(&a, &p->Y, &p->X);
    fe4_add(&b, &p->Y, &p->X);
    fe4_add(&d, &p->Z, &p->Z);
    fe4_mul(&a, &a, &ymx);
    fe4_mul(&b, &b, &ypx);
    fe4_mul(&c, &p->T, &xy2d);
    fe4_sub(&e, &b, &a);
    fe4_add(&h, &b, &a);
    fe4_sub(&f, &d, &c);
    fe4_add(&g, &d, &c);
    fe4_mul(&r->X, &e, &f);
    fe4_mul(&r->Y, &g, &h);
    fe4_mul(&r->T, &e, &h);
    fe4_mul(&r->Z, &f, &g);
}

/* r = 2p (HWCD08 dbl-2008-hwcd, a = -1). */
NC_FE4_TARGET static inline void ge4_dbl(ge4 *r, const ge4 *p) {
    fe4 a, b, c, e, f, g, h, zero = {{0, 0, 0, 0}};
    fe4_add(&e, &p->X, &p->Y);
    fe4_sq(&a, &p->X);
    fe4_sq(&b, &p->Y);
    fe4_sq(&c, &p->Z);
    fe4_sq(&e, &e);
    fe4_add(&c, &c, &c);
    fe4_add(&h, &a, &b);
    fe4_sub(&g, &b, &a);        /* G = D + B with D = -A */
    fe4_sub(&e, &e, &h);        /* E = 2XY */
    fe4_sub(&h, &zero, &h);     /* H = D - B */
    fe4_sub(&f, &g, &c);        /* F = G - C */
    fe4_mul(&r->X, &e, &f);
    fe4_mul(&r->Y, &g, &h);
    fe4_mul(&r->T, &e, &h);
    fe4_mul(&r->Z, &f, &g);
}

/* out = X25519(k, 9) for a clamped k: [k]B on the Edwards curve with the
 * signed radix-16 comb of ed25519.c, then u = (Z + Y) / (Z - Y). */
NC_FE4_TARGET void NC_FE4_BASE(uint8_t out[32], const uint8_t k[32]) {
    int32_t e[64];
    ge4 acc = {{{0, 0, 0, 0}}, {{1, 0, 0, 0}}, {{1, 0, 0, 0}}, {{0, 0, 0, 0}}};
    fe4 num, den;
    nc_ge_precomp sel;
    nc_ed25519_digits(e, k);
    for (int i = 1; i < 64; i += 2) {
        nc_ed25519_select(&sel, i / 2, e[i]);
        ge4_madd(&acc, &acc, &sel);
    }
    for (int i = 0; i < 4; i++) ge4_dbl(&acc, &acc);
    for (int i = 0; i < 64; i += 2) {
        nc_ed25519_select(&sel, i / 2, e[i]);
        ge4_madd(&acc, &acc, &sel);
    }
    fe4_add(&num, &acc.Z, &acc.Y);
    fe4_sub(&den, &acc.Z, &acc.Y);
    fe4_div_tobytes(out, &num, &den);
    nc_ct_wipe(e, sizeof e);
    nc_ct_wipe(&acc, sizeof acc);
    nc_ct_wipe(&num, sizeof num);
    nc_ct_wipe(&den, sizeof den);
    nc_ct_wipe(&sel, sizeof sel);
}
