/* ECDSA signing and verification on P-256 and P-384 (FIPS 186-5 6.4 and
 * 6.5, SEC 1 v2 4.1.3 and 4.1.4) with the deterministic nonce of RFC 6979
 * section 3.2 (HMAC_DRBG-like), hedged by the optional additional data of
 * RFC 6979 section 3.6.
 *
 * Secrets (the private scalar d, the nonce k, the extra input) are handled
 * in constant time: the nonce multiplies the fixed base through the comb
 * of ecp.c, k^-1 is the constant-time safegcd inversion of ecp_inv.c, and
 * mod-n arithmetic is Montgomery (mont64.h).  The only secret-derived
 * branches are the RFC 6979 retry conditions (a candidate k outside [1, n),
 * r = 0 or s = 0), whose outcome is public by design and declassified.
 */
#include "ecdsa.h"

#include "ct.h"
#include "ecp_internal.h"
#include "hash.h"
#include "hmac.h"
#include "mont64.h"

/* x mod n for x < 2n (x, r: n limbs of the order). */
static void reduce_once(const nc_mm_mod *N, uint64_t *r, const uint64_t *x) {
    uint64_t d[MM_MAX];
    uint64_t borrow = 0;
    for (int j = 0; j < N->n; j++) {
        mm_u128 c = (mm_u128)x[j] - N->m[j] - borrow;
        d[j] = (uint64_t)c;
        borrow = (uint64_t)(c >> 64) & 1;
    }
    for (int j = 0; j < N->n; j++) r[j] = d[j];
    mm_cmov(N, (uint32_t)borrow, r, x);
}

/* e = bits2int(digest) mod n (RFC 6979 2.3.2, 2.3.4): the leftmost
 * 8*size bits of the digest.  qlen is a multiple of 8 for both curves,
 * so bits2int is a byte truncation or a left zero pad. */
static void digest_to_e(const nc_ecp_curve *C, uint64_t *e, const uint8_t *digest, size_t dlen) {
    uint8_t buf[MM_MAX * 8] = {0};
    size_t size = (size_t)C->size;
    if (dlen >= size) {
        for (size_t i = 0; i < size; i++) buf[i] = digest[i];
    } else {
        for (size_t i = 0; i < dlen; i++) buf[size - dlen + i] = digest[i];
    }
    uint64_t t[MM_MAX];
    mm_frombytes(C->fn, t, buf);
    /* n > 2^(qlen-1), so t < 2n */
    reduce_once(C->fn, e, t);
}

/* The RFC 6979 3.2 generator state: V, and HMAC keyed with K (the key
 * blocks absorbed once per K, copied for each MAC made with it). */
typedef struct {
    int alg;
    size_t hlen;
    nc_hmac_ctx key;
    uint8_t V[NC_HASH_MAX_SIZE];
} drbg;

/* out = HMAC_K(V || [sep] || a || b || c); sep < 0 means no separator byte. */
static void drbg_mac(const drbg *g, uint8_t *out, int sep, const uint8_t *a, size_t alen,
                     const uint8_t *b, size_t blen, const uint8_t *c, size_t clen) {
    nc_hmac_ctx h = g->key;
    uint8_t s = (uint8_t)sep;
    nc_hmac_update(&h, g->V, g->hlen);
    if (sep >= 0) nc_hmac_update(&h, &s, 1);
    if (alen) nc_hmac_update(&h, a, alen);
    if (blen) nc_hmac_update(&h, b, blen);
    if (clen) nc_hmac_update(&h, c, clen);
    nc_hmac_final(&h, out); /* wipes h */
}

/* K = HMAC_K(V || sep || a || b || c); V = HMAC_K(V): the update step of
 * RFC 6979 3.2 d-g and h.3. */
static void drbg_update(drbg *g, int sep, const uint8_t *a, size_t alen, const uint8_t *b,
                        size_t blen, const uint8_t *c, size_t clen) {
    uint8_t t[NC_HASH_MAX_SIZE];
    drbg_mac(g, t, sep, a, alen, b, blen, c, clen);
    nc_hmac_init(&g->key, g->alg, t, g->hlen);
    nc_ct_wipe(t, sizeof t);
    drbg_mac(g, g->V, -1, 0, 0, 0, 0, 0, 0);
}

/* Steps a-g of RFC 6979 3.2: x = int2octets(d), h = bits2octets(h1). */
static void drbg_init(drbg *g, int alg, const uint8_t *x, const uint8_t *h, size_t size,
                      const uint8_t *extra, size_t extralen) {
    uint8_t zero[NC_HASH_MAX_SIZE] = {0};
    g->alg = alg;
    g->hlen = nc_hash_size(alg);
    for (size_t i = 0; i < g->hlen; i++) g->V[i] = 0x01;
    nc_hmac_init(&g->key, alg, zero, g->hlen);
    drbg_update(g, 0, x, size, h, size, extra, extralen);
    drbg_update(g, 1, x, size, h, size, extra, extralen);
}

/* Step h: the next candidate T (size bytes); bits2int(T) = T here. */
static void drbg_generate(drbg *g, uint8_t *k, size_t size) {
    size_t got = 0;
    while (got < size) {
        drbg_mac(g, g->V, -1, 0, 0, 0, 0, 0, 0);
        for (size_t i = 0; i < g->hlen && got < size; i++) k[got++] = g->V[i];
    }
}

/* Step h.3 after a rejected candidate: K = HMAC_K(V || 0x00); V = HMAC_K(V). */
static void drbg_reseed(drbg *g) {
    drbg_update(g, 0, 0, 0, 0, 0, 0, 0);
}

/* One signing attempt with nonce k: returns 1 when 1 <= k < n and r, s != 0. */
static uint32_t sign_with_k(const nc_ecp_curve *C, uint64_t *r, uint64_t *s, const uint64_t *dm,
                            const uint64_t *em, const uint8_t *kb) {
    const nc_mm_mod *N = C->fn;
    uint64_t k[MM_MAX], km[MM_MAX], kinv[MM_MAX], x[MM_MAX], rm[MM_MAX], t[MM_MAX];
    nc_ecp_point R;
    mm_frombytes(N, k, kb);
    uint32_t ok = mm_lt_mod(N, k) & (1 ^ mm_iszero(N, k));
    nc_ecp_mul_base(C, &R, kb);
    ok &= nc_ecp_affine(C, x, 0, &R);
    reduce_once(N, r, x);                   /* r = x(kG) mod n */
    mm_to(N, rm, r);
    mm_to(N, km, k);
    nc_ecp_scalar_inv(C, kinv, km);                    /* k^-1 */
    mm_mul(N, t, rm, dm);                   /* r d */
    mm_add(N, t, t, em);                    /* e + r d */
    mm_mul(N, t, t, kinv);                  /* k^-1 (e + r d) */
    mm_from(N, s, t);
    ok &= (1 ^ mm_iszero(N, r)) & (1 ^ mm_iszero(N, s));
    nc_ct_wipe(k, sizeof k);
    nc_ct_wipe(km, sizeof km);
    nc_ct_wipe(kinv, sizeof kinv);
    nc_ct_wipe(t, sizeof t);
    nc_ct_wipe(&R, sizeof R);
    return ok;
}

int nc_ecdsa_sign(int curve, uint8_t *rs, const uint8_t *d, const uint8_t *digest, size_t dlen,
                  int hash_alg, const uint8_t *extra, size_t extralen) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    if (!C || nc_hash_size(hash_alg) == 0) return 0;
    const nc_mm_mod *N = C->fn;
    size_t size = (size_t)C->size;
    uint64_t dl[MM_MAX], dm[MM_MAX], e[MM_MAX], em[MM_MAX], r[MM_MAX], s[MM_MAX];
    uint8_t hb[MM_MAX * 8], kb[MM_MAX * 8];
    drbg g;

    mm_frombytes(N, dl, d);
    uint32_t dok = mm_lt_mod(N, dl) & (1 ^ mm_iszero(N, dl));
    NC_DECLASSIFY(&dok, sizeof dok);
    if (!dok) return 0;
    digest_to_e(C, e, digest, dlen);
    mm_tobytes(N, hb, e);                   /* bits2octets(h1) */
    mm_to(N, dm, dl);
    mm_to(N, em, e);
    drbg_init(&g, hash_alg, d, hb, size, extra, extralen);
    for (;;) {
        drbg_generate(&g, kb, size);
        uint32_t ok = sign_with_k(C, r, s, dm, em, kb);
        NC_DECLASSIFY(&ok, sizeof ok);
        if (ok) break;
        drbg_reseed(&g);
    }
    mm_tobytes(N, rs, r);
    mm_tobytes(N, rs + size, s);
    nc_ct_wipe(&g, sizeof g);
    nc_ct_wipe(kb, sizeof kb);
    nc_ct_wipe(dl, sizeof dl);
    nc_ct_wipe(dm, sizeof dm);
    return 1;
}

int nc_ecdsa_sign_message(int curve, uint8_t *rs, const uint8_t *d, const uint8_t *msg,
                          size_t mlen, int hash_alg, const uint8_t *extra, size_t extralen) {
    uint8_t digest[NC_HASH_MAX_SIZE];
    size_t dlen = nc_hash_size(hash_alg);
    if (dlen == 0) return 0;
    nc_hash(hash_alg, msg, mlen, digest);
    return nc_ecdsa_sign(curve, rs, d, digest, dlen, hash_alg, extra, extralen);
}

int nc_ecdsa_verify(int curve, const uint8_t *pub_xy, const uint8_t *digest, size_t dlen,
                    const uint8_t *rs) {
    const nc_ecp_curve *C = nc_ecp_curve_get(curve);
    if (!C) return 0;
    const nc_mm_mod *N = C->fn;
    uint64_t r[MM_MAX], s[MM_MAX], e[MM_MAX], sm[MM_MAX], w[MM_MAX], t[MM_MAX];
    uint64_t u1[MM_MAX], u2[MM_MAX];
    uint8_t u1b[MM_MAX * 8], u2b[MM_MAX * 8];
    nc_ecp_point Q;
    mm_frombytes(N, r, rs);
    mm_frombytes(N, s, rs + C->size);
    if (!mm_lt_mod(N, r) || mm_iszero(N, r) || !mm_lt_mod(N, s) || mm_iszero(N, s)) return 0;
    if (!nc_ecp_load(C, &Q, pub_xy)) return 0;
    digest_to_e(C, e, digest, dlen);
    mm_to(N, sm, s);
    nc_ecp_scalar_inv(C, w, sm);                        /* w = s^-1 (Montgomery form) */
    mm_to(N, t, e);
    mm_mul(N, t, t, w);
    mm_from(N, u1, t);                       /* u1 = e w */
    mm_to(N, t, r);
    mm_mul(N, t, t, w);
    mm_from(N, u2, t);                       /* u2 = r w */
    mm_tobytes(N, u1b, u1);
    mm_tobytes(N, u2b, u2);
    return nc_ecp_verify_x(C, u1b, u2b, &Q, r); /* u1, u2, Q and r are public */
}
