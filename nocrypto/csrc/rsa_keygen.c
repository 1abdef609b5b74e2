/* Constant-time RSA key generation: FIPS 186-5 Appendix A.1.3 (random
 * probable primes, the |p - q| bound), B.3.1 (Miller-Rabin) and the CRT
 * key of RFC 8017 §3.2.  See rsa_keygen.h for the contract.
 *
 * Small remainders x mod d (trial division, x mod e) never use a division
 * instruction on secret data: each step reduces a 32-bit value with the
 * multiply-only method of Lemire, Kaser and Kurz ("Faster remainder by
 * direct computation", 2019): with M = ceil(2^64 / d), x mod d =
 * high64((M x mod 2^64) d) for every x, d < 2^32.
 *
 * Miller-Rabin without leaking a (where w - 1 = 2^a m): the base is raised
 * to the top bits of w (all but the last 64) with the fixed-window
 * exponentiation, then the last 64 bits are processed one at a time by a
 * square and a masked multiply; after step k the value is
 * b^((w - 1) >> (64 - k)), which is b^(m 2^i) exactly when k = 64 - a + i.
 * The tests "= 1 at i = 0" and "= -1 for some i < a" are folded into a mask
 * at every step.  Candidates with a >= 64 are rejected (probability 2^-63).
 *
 * Modular inverses of e: for a modulus m with m mod e != 0 and e prime,
 * k = -(m mod e)^-1 mod e (Fermat: a public exponent e - 2 on a secret
 * base) makes 1 + k m divisible by e, and (1 + k m) / e < m is e^-1 mod m.
 * The exact division is Hensel's, from the low limb (Jebelean 1993), with
 * multiplications only.  qinv = q^(p - 2) mod p by the constant-time
 * exponentiation with p as a secret modulus.
 */
#include "rsa_keygen.h"

#include "ct.h"

typedef unsigned __int128 u128;

/* The odd primes below 2000 (302 of them). */
static const uint16_t SMALL_PRIMES[] = {
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191,
    193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283,
    293, 307, 311, 313, 317, 331, 337, 347, 349, 353, 359, 367, 373, 379, 383, 389, 397, 401,
    409, 419, 421, 431, 433, 439, 443, 449, 457, 461, 463, 467, 479, 487, 491, 499, 503, 509,
    521, 523, 541, 547, 557, 563, 569, 571, 577, 587, 593, 599, 601, 607, 613, 617, 619, 631,
    641, 643, 647, 653, 659, 661, 673, 677, 683, 691, 701, 709, 719, 727, 733, 739, 743, 751,
    757, 761, 769, 773, 787, 797, 809, 811, 821, 823, 827, 829, 839, 853, 857, 859, 863, 877,
    881, 883, 887, 907, 911, 919, 929, 937, 941, 947, 953, 967, 971, 977, 983, 991, 997, 1009,
    1013, 1019, 1021, 1031, 1033, 1039, 1049, 1051, 1061, 1063, 1069, 1087, 1091, 1093, 1097,
    1103, 1109, 1117, 1123, 1129, 1151, 1153, 1163, 1171, 1181, 1187, 1193, 1201, 1213, 1217,
    1223, 1229, 1231, 1237, 1249, 1259, 1277, 1279, 1283, 1289, 1291, 1297, 1301, 1303, 1307,
    1319, 1321, 1327, 1361, 1367, 1373, 1381, 1399, 1409, 1423, 1427, 1429, 1433, 1439, 1447,
    1451, 1453, 1459, 1471, 1481, 1483, 1487, 1489, 1493, 1499, 1511, 1523, 1531, 1543, 1549,
    1553, 1559, 1567, 1571, 1579, 1583, 1597, 1601, 1607, 1609, 1613, 1619, 1621, 1627, 1637,
    1657, 1663, 1667, 1669, 1693, 1697, 1699, 1709, 1721, 1723, 1733, 1741, 1747, 1753, 1759,
    1777, 1783, 1787, 1789, 1801, 1811, 1823, 1831, 1847, 1861, 1867, 1871, 1873, 1877, 1879,
    1889, 1901, 1907, 1913, 1931, 1933, 1949, 1951, 1973, 1979, 1987, 1993, 1997, 1999,
};
#define NSMALL (sizeof SMALL_PRIMES / sizeof SMALL_PRIMES[0])

#define E_MAX ((uint32_t)1 << 24)

size_t nc_rsa_keygen_scratch_limbs(size_t len) {
    return 36 * ((len + 7) / 8) + 16;
}

/* ceil(2^64 / d) for 1 < d < 2^32 (public). */
static uint64_t fastmod_m(uint32_t d) {
    return UINT64_MAX / d + 1;
}

/* x mod d for x, d < 2^32: two multiplications, no division. */
static inline uint32_t fastmod(uint32_t x, uint64_t M, uint32_t d) {
    uint64_t low = M * x;
    return (uint32_t)(((u128)low * d) >> 64);
}

/* A big-endian byte string mod d, d < 2^24. */
static uint32_t mod_bytes(const uint8_t *x, size_t len, uint32_t d, uint64_t M) {
    uint32_t r = 0;
    for (size_t i = 0; i < len; i++) {
        r = fastmod((r << 8) | x[i], M, d);
    }
    return r;
}

/* x mod d for a 64-bit x, d < 2^24, continuing from r < d (Horner). */
static uint32_t mod_u64(uint32_t r, uint64_t x, uint32_t d, uint64_t M) {
    for (int b = 7; b >= 0; b--) {
        r = fastmod((r << 8) | (uint32_t)((x >> (8 * b)) & 0xff), M, d);
    }
    return r;
}

static int e_ok(uint32_t e) {
    return e >= 3 && e < E_MAX && (e & 1) == 1;
}

int nc_rsa_candidate(uint8_t *out, const uint8_t *rnd, size_t len, uint32_t bits, uint32_t e) {
    if (bits < 72 || len != ((size_t)bits + 7) / 8 || len > NC_BN_MAX_BYTES || !e_ok(e)) {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        out[i] = rnd[i];
    }
    out[0] &= (uint8_t)(0xff >> (8 * len - bits));
    for (uint32_t b = bits - 2; b < bits; b++) {
        out[len - 1 - b / 8] |= (uint8_t)(1u << (b % 8));
    }
    out[len - 1] |= 1;
    /* The primes are taken in runs whose product D stays below 2^24: one
     * pass over the candidate gives out mod D, then each prime of the run
     * divides that small remainder.  (The grouping is public.) */
    uint32_t bad = 0;
    for (size_t i = 0; i < NSMALL;) {
        uint32_t prod = SMALL_PRIMES[i];
        size_t j = i + 1;
        while (j < NSMALL && (uint64_t)prod * SMALL_PRIMES[j] < E_MAX) {
            prod *= SMALL_PRIMES[j++];
        }
        uint32_t r = mod_bytes(out, len, prod, fastmod_m(prod));
        for (; i < j; i++) {
            uint32_t d = SMALL_PRIMES[i];
            bad |= nc_ct_eq32(fastmod(r, fastmod_m(d), d), 0);
        }
    }
    /* gcd(out - 1, e) = 1 for prime e: out mod e != 1 */
    bad |= nc_ct_eq32(mod_bytes(out, len, e, fastmod_m(e)), 1);
    return (int)(1 ^ bad);
}

int nc_rsa_mr_init(nc_bn_mont *c, const uint8_t *w, size_t len) {
    if (len <= 8 || len > NC_BN_MAX_BYTES) {
        return -1;
    }
    nc_mont_setup(c, w, len);
    return 0;
}

int nc_rsa_mr_round(const nc_bn_mont *c, const uint8_t *rnd, size_t rlen, uint64_t *scratch) {
    size_t n = c->n, len = c->nbytes;
    if (rlen > 2 * len || len <= 8) {
        return -1;
    }
    uint64_t *s = scratch, *b = s + 24 * n + 8, *z = b + n, *tmp = z + n, *mone = tmp + n;
    uint64_t *x = mone + n, *two = x + 2 * n, *t = two + n;
    uint8_t eb[NC_BN_MAX_BYTES];

    /* b = rnd mod w, in Montgomery form; 0, 1 and -1 become 2 */
    nc_bn_decode(x, 2 * n, rnd, rlen);
    nc_mont_reduce(c, b, x, 2 * n, s);
    for (size_t i = 0; i < n; i++) {
        tmp[i] = 0;
    }
    nc_mod_sub(c, mone, tmp, c->one);
    nc_mod_add(c, two, c->one, c->one);
    uint64_t trivial = nc_bn_eq(b, tmp, n) | nc_bn_eq(b, c->one, n) | nc_bn_eq(b, mone, n);
    nc_bn_cmov(trivial, b, two, n);

    /* z = b^(w >> 64) = b^((w - 1) >> 64) */
    nc_bn_encode(eb, len, c->m, n);
    nc_mont_exp(c, z, b, eb, len - 8, s);

    /* the low 64 bits of w - 1 (w is odd) and a = their trailing zeros */
    uint64_t low = c->m[0] ^ 1;
    uint64_t seen = 0;
    uint32_t a = 0;
    for (int i = 0; i < 64; i++) {
        seen |= (low >> i) & 1;
        a += (uint32_t)(1 ^ seen);
    }
    uint64_t low_ok = nc_ct_nonzero64(low);

    uint64_t pass = 0;
    for (uint32_t k = 0; k <= 64; k++) {
        /* z = b^((w - 1) >> (64 - k)) = b^(m 2^i) with i = k + a - 64 */
        uint64_t at_m = nc_ct_eq32(k + a, 64);
        uint64_t in_range = nc_ct_ge32(k + a, 64) & nc_ct_lt32(k, 64);
        pass |= at_m & nc_bn_eq(z, c->one, n);
        pass |= in_range & nc_bn_eq(z, mone, n);
        if (k < 64) {
            uint64_t bit = (low >> (63 - k)) & 1;
            nc_mont_sqr(c, z, z, t);
            nc_mont_mul(c, tmp, z, b, t);
            nc_bn_cmov(bit, z, tmp, n);
        }
    }
    nc_ct_wipe(eb, sizeof eb);
    nc_ct_wipe(scratch, nc_rsa_keygen_scratch_limbs(len) * sizeof(uint64_t));
    return (int)(pass & low_ok);
}

int nc_rsa_primes_far(const uint8_t *p, const uint8_t *q, size_t len, uint32_t bits) {
    if (bits < 100 || len == 0 || len > NC_BN_MAX_BYTES || ((size_t)bits + 7) / 8 != len) {
        return -1;
    }
    size_t n = (len + 7) / 8;
    uint64_t P[NC_BN_MAX_LIMBS], Q[NC_BN_MAX_LIMBS], D[NC_BN_MAX_LIMBS], E[NC_BN_MAX_LIMBS];
    nc_bn_decode(P, n, p, len);
    nc_bn_decode(Q, n, q, len);
    uint64_t neg = nc_bn_sub(D, P, Q, n);
    nc_bn_sub(E, Q, P, n);
    nc_bn_cmov(neg, D, E, n); /* D = |p - q| */
    for (size_t i = 0; i < n; i++) {
        E[i] = i == 0;
    }
    uint64_t zero = nc_bn_sub(D, D, E, n); /* D = |p - q| - 1; borrow when p = q */
    size_t k = bits - 100;
    uint64_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        if (64 * (i + 1) <= k) {
            continue;
        }
        acc |= 64 * i >= k ? D[i] : D[i] >> (k - 64 * i);
    }
    uint64_t far = nc_ct_nonzero64(acc) & (1 ^ zero);
    nc_ct_wipe(P, sizeof P);
    nc_ct_wipe(Q, sizeof Q);
    nc_ct_wipe(D, sizeof D);
    nc_ct_wipe(E, sizeof E);
    return (int)far;
}

/* out (mn + 1 limbs) = e^-1 mod m for m (mn limbs) with m mod e != 0, e a
 * prime < 2^24.  t: mn + 1 limbs. */
static void inv_e(uint64_t *out, const uint64_t *m, size_t mn, uint32_t e, uint64_t *t) {
    uint64_t M = fastmod_m(e);
    uint32_t r = 0;
    for (size_t i = mn; i-- > 0;) {
        r = mod_u64(r, m[i], e, M);
    }
    /* inv = r^(e - 2) mod e; the exponent is public */
    uint32_t inv = 1, ex = e - 2;
    for (int bit = 31; bit >= 0; bit--) {
        inv = mod_u64(0, (uint64_t)inv * inv, e, M);
        if ((ex >> bit) & 1) {
            inv = mod_u64(0, (uint64_t)inv * r, e, M);
        }
    }
    uint64_t k = e - inv;
    /* t = k m + 1 */
    uint64_t carry = 1;
    for (size_t i = 0; i < mn; i++) {
        u128 zz = (u128)m[i] * k + carry;
        t[i] = (uint64_t)zz;
        carry = (uint64_t)(zz >> 64);
    }
    t[mn] = carry;
    /* out = t / e, exact: Hensel division from the low limb */
    uint64_t einv = e;
    for (int i = 0; i < 6; i++) {
        einv *= 2 - (uint64_t)e * einv;
    }
    uint64_t brw = 0;
    for (size_t i = 0; i <= mn; i++) {
        u128 zz = (u128)t[i] - brw;
        uint64_t l = (uint64_t)zz;
        uint64_t b1 = (uint64_t)(zz >> 64) & 1;
        uint64_t qi = l * einv;
        out[i] = qi;
        brw = (uint64_t)(((u128)qi * e) >> 64) + b1;
    }
}

int nc_rsa_keygen_finish(uint8_t *n, uint8_t *d, uint8_t *dp, uint8_t *dq, uint8_t *qinv,
                         const uint8_t *p, const uint8_t *q, size_t len, uint32_t e,
                         uint64_t *scratch) {
    if (len <= 8 || 2 * len > NC_BN_MAX_BYTES || !e_ok(e)) {
        return -1;
    }
    size_t h = (len + 7) / 8;
    static const size_t W = NC_BN_MAX_LIMBS + 1;
    uint64_t P[NC_BN_MAX_LIMBS + 1], Q[NC_BN_MAX_LIMBS + 1], N[NC_BN_MAX_LIMBS + 1];
    uint64_t PHI[NC_BN_MAX_LIMBS + 1], T[NC_BN_MAX_LIMBS + 1], R[NC_BN_MAX_LIMBS + 1];
    uint8_t pm2[NC_BN_MAX_BYTES];
    nc_bn_mont cp;
    for (size_t i = 0; i < W; i++) {
        P[i] = Q[i] = N[i] = PHI[i] = T[i] = R[i] = 0;
    }
    nc_bn_decode(P, h, p, len);
    nc_bn_decode(Q, h, q, len);

    /* n = p q (public from here on) */
    nc_bn_mul(N, P, h, Q, h);
    nc_bn_encode(n, 2 * len, N, 2 * h);

    /* p - 1, q - 1 (both odd): clear the low bit */
    P[0] ^= 1;
    Q[0] ^= 1;
    inv_e(R, P, h, e, T);
    nc_bn_encode(dp, len, R, h);
    inv_e(R, Q, h, e, T);
    nc_bn_encode(dq, len, R, h);
    nc_bn_mul(PHI, P, h, Q, h);
    inv_e(R, PHI, 2 * h, e, T);
    nc_bn_encode(d, 2 * len, R, 2 * h);

    /* qinv = q^(p - 2) mod p, p a secret modulus */
    P[0] ^= 1;
    Q[0] ^= 1;
    nc_mont_setup(&cp, p, len);
    for (size_t i = 0; i < h; i++) {
        T[i] = i == 0 ? 2 : 0;
    }
    nc_bn_sub(R, P, T, h);
    nc_bn_encode(pm2, len, R, h);
    uint64_t *qm = scratch, *s = scratch + h;
    nc_mont_reduce(&cp, qm, Q, h, s);
    nc_mont_exp(&cp, R, qm, pm2, len, s);
    nc_mont_from(&cp, R, R, s);
    nc_bn_encode(qinv, len, R, h);

    nc_ct_wipe(P, sizeof P);
    nc_ct_wipe(Q, sizeof Q);
    nc_ct_wipe(PHI, sizeof PHI);
    nc_ct_wipe(T, sizeof T);
    nc_ct_wipe(R, sizeof R);
    nc_ct_wipe(pm2, sizeof pm2);
    nc_ct_wipe(&cp, sizeof cp);
    nc_ct_wipe(scratch, nc_rsa_keygen_scratch_limbs(len) * sizeof(uint64_t));
    return 0;
}
