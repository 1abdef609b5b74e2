/* X25519 (RFC 7748, section 5): the Montgomery ladder on Curve25519 over
 * GF(2^255 - 19), with conditional swaps driven by the scalar bits through
 * masks, so neither the branches nor the memory addresses depend on the
 * scalar.  With BMI2 (and ADX) the ladder and the fixed base run on four
 * 64-bit limbs (x25519_bmi2.c, x25519_adx.c); this file's radix-2^51
 * ladder and ed25519.c's radix-2^51 Edwards code are the portable path. */
#include <stddef.h>

#include "cpu.h"
#include "ct.h"
#include "fe25519.h"
#include "x25519.h"

static void clamp(uint8_t k[32], const uint8_t scalar[32]) {
    for (int i = 0; i < 32; i++) k[i] = scalar[i];
    k[0] &= 248;
    k[31] &= 127;
    k[31] |= 64;
}

/* x_2 / z_2 of the ladder of RFC 7748 section 5, out = canonical bytes. */
static void ladder(uint8_t out[32], const uint8_t k[32], const fe25519 *x1) {
    fe25519 x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb, t;
    fe_1(&x2);
    fe_0(&z2);
    x3 = *x1;
    fe_1(&z3);
    uint64_t swap = 0;
    for (int pos = 254; pos >= 0; pos--) {
        uint64_t bit = (k[pos >> 3] >> (pos & 7)) & 1;
        swap ^= bit;
        fe_cswap(swap, &x2, &x3);
        fe_cswap(swap, &z2, &z3);
        swap = bit;
        fe_add(&a, &x2, &z2);
        fe_sq(&aa, &a);
        fe_sub(&b, &x2, &z2);
        fe_sq(&bb, &b);
        fe_sub(&e, &aa, &bb);
        fe_add(&c, &x3, &z3);
        fe_sub(&d, &x3, &z3);
        fe_mul(&da, &d, &a);
        fe_mul(&cb, &c, &b);
        fe_add(&t, &da, &cb);
        fe_sq(&x3, &t);
        fe_sub(&t, &da, &cb);
        fe_sq(&t, &t);
        fe_mul(&z3, x1, &t);
        fe_mul(&x2, &aa, &bb);
        fe_mul_small(&t, &e, 121665);
        fe_add(&t, &aa, &t);
        fe_mul(&z2, &e, &t);
    }
    fe_cswap(swap, &x2, &x3);
    fe_cswap(swap, &z2, &z3);
    fe_invert(&z2, &z2);
    fe_mul(&x2, &x2, &z2);
    fe_tobytes(out, &x2);
    nc_ct_wipe(&x3, sizeof x3);
    nc_ct_wipe(&z3, sizeof z3);
    nc_ct_wipe(&x2, sizeof x2);
    nc_ct_wipe(&z2, sizeof z2);
}

int nc_x25519_is_zero(const uint8_t *p, size_t n) {
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return (int)(1 ^ nc_ct_nonzero32(acc));
}

#define NC_X25519_ADX (NC_CPU_BMI2 | NC_CPU_ADX)

int nc_x25519(uint8_t *out, const uint8_t *scalar, const uint8_t *u) {
    uint8_t k[32];
    fe25519 x1;
    uint32_t cpu = nc_cpu_features();
    clamp(k, scalar);
    if ((cpu & NC_X25519_ADX) == NC_X25519_ADX) {
        nc_x25519_ladder_adx(out, k, u);
    } else if (cpu & NC_CPU_BMI2) {
        nc_x25519_ladder_bmi2(out, k, u);
    } else {
        fe_frombytes(&x1, u);
        ladder(out, k, &x1);
    }
    nc_ct_wipe(k, sizeof k);
    return 1 ^ nc_x25519_is_zero(out, 32);
}

/* X25519(k, 9) equals the u coordinate of [k]B on the birationally
 * equivalent Edwards curve, (1 + y) / (1 - y) (RFC 7748 section 4.1); a
 * fixed-base comb there is about 3 times faster than the ladder.  B has
 * order L, so the comb may run on the clamped k itself (< 2^255, a
 * multiple of 8, possibly >= L): [k]B is the point the ladder reaches. */
void nc_x25519_base(uint8_t *out, const uint8_t *scalar) {
    uint8_t k[32];
    uint32_t cpu = nc_cpu_features();
    clamp(k, scalar);
    if ((cpu & NC_X25519_ADX) == NC_X25519_ADX) {
        nc_x25519_base_adx(out, k);
    } else if (cpu & NC_CPU_BMI2) {
        nc_x25519_base_bmi2(out, k);
    } else {
        nc_x25519_base_edwards(out, k);
    }
    nc_ct_wipe(k, sizeof k);
}
