/* RSA private-key operations with the CRT (RFC 8017 §5.1.2, §5.2.1),
 * base blinding, a verify-after-sign fault check, and constant-time
 * unpadding of PKCS#1 v1.5 type 2 blocks (RFC 8017 §7.2.2), of OAEP
 * (RFC 8017 §7.1.2, MGF1 from B.2.1) and of the TLS
 * RSA premaster secret (RFC 5246 §7.4.7.1).
 *
 * Every step after the key is loaded runs in time that depends only on the
 * lengths of n, p and q.  Padding checks fold into one mask that selects
 * the output; the only branch on a verdict is the caller's, on the value
 * these functions return.
 */
#include "rsa.h"

#include "ct.h"
#include "hash.h"

int nc_rsa_key_init(nc_rsa_key *k, const uint8_t *n, size_t nlen, uint64_t e,
                    const uint8_t *p, size_t plen, const uint8_t *q, size_t qlen,
                    const uint8_t *dp, const uint8_t *dq, const uint8_t *qinv) {
    if (nlen == 0 || nlen > NC_BN_MAX_BYTES || plen == 0 || qlen == 0 || plen > nlen ||
        qlen > nlen) {
        return -1;
    }
    if (nc_mont_init(&k->n, n, nlen) != 0 || k->n.nbytes != nlen) {
        return -1;
    }
    nc_mont_setup(&k->p, p, plen);
    nc_mont_setup(&k->q, q, qlen);
    for (size_t i = 0; i < sizeof k->dp; i++) {
        k->dp[i] = i < plen ? dp[i] : 0;
        k->dq[i] = i < qlen ? dq[i] : 0;
    }
    for (size_t i = 0; i < NC_BN_MAX_LIMBS; i++) {
        k->qinv[i] = 0;
    }
    nc_bn_decode(k->qinv, k->p.n, qinv, plen);
    k->e = e;
    return 0;
}

/* work: 8 N; bignum scratch: 24 N + 8. */
size_t nc_rsa_scratch_limbs(const nc_rsa_key *k) {
    return (size_t)k->n.n * 36 + 16;
}

int nc_rsa_blind_start(const nc_rsa_key *k, uint8_t *t, const uint8_t *r, const uint8_t *u,
                       size_t rlen, uint64_t *state, uint64_t *scratch) {
    const nc_bn_mont *mn = &k->n;
    size_t N = mn->n;
    if (rlen > 2 * (size_t)mn->nbytes) {
        return -1;
    }
    uint64_t *re = state, *um = state + N, *x = scratch, *rm = x + 2 * N, *s = rm + N;
    uint8_t eb[8];
    nc_store_be64(eb, k->e);
    nc_bn_decode(x, 2 * N, r, rlen);
    nc_mont_reduce(mn, rm, x, 2 * N, s);          /* r R */
    nc_mont_exp_pub(mn, re, rm, eb, sizeof eb, s); /* r^e R */
    nc_bn_decode(x, 2 * N, u, rlen);
    nc_mont_reduce(mn, um, x, 2 * N, s);          /* u R */
    nc_mont_mul(mn, rm, rm, um, s);               /* r u R */
    nc_mont_from(mn, rm, rm, s);
    nc_bn_encode(t, mn->nbytes, rm, N);
    nc_ct_wipe(scratch, nc_rsa_scratch_limbs(k) * sizeof(uint64_t));
    return 0;
}

void nc_rsa_blind_finish(const nc_rsa_key *k, uint64_t *state, const uint8_t *tinv,
                         uint64_t *scratch) {
    const nc_bn_mont *mn = &k->n;
    size_t N = mn->n;
    uint64_t *b = state + N, *x = scratch, *s = scratch + N;
    nc_bn_decode(x, N, tinv, mn->nbytes);
    nc_mont_mul(mn, b, x, b, s);      /* t^-1 u = r^-1 */
    nc_mont_mul(mn, b, b, mn->rr, s); /* r^-1 R */
    nc_ct_wipe(scratch, (size_t)N * 4 * sizeof(uint64_t));
}

void nc_rsa_blind_update(const nc_rsa_key *k, uint64_t *state, uint64_t *scratch) {
    const nc_bn_mont *mn = &k->n;
    size_t N = mn->n;
    nc_mont_sqr(mn, state, state, scratch);
    nc_mont_sqr(mn, state + N, state + N, scratch);
    nc_ct_wipe(scratch, (size_t)N * 3 * sizeof(uint64_t));
}

/* The blinded CRT core; res (N limbs) = in^d mod n.  Returns the fault
 * check as a 0/1 word. */
static uint64_t private_core(const nc_rsa_key *k, uint64_t *res, const uint8_t *in,
                             const uint64_t *state, uint64_t *scratch) {
    const nc_bn_mont *mn = &k->n, *mp = &k->p, *mq = &k->q;
    size_t N = mn->n, P = mp->n, Q = mq->n;
    const uint64_t *re = state, *rinv = state + N;
    uint64_t *cx = scratch, *cb = cx + N, *m1 = cb + N, *m2 = m1 + N, *h = m2 + N;
    uint64_t *hq = h + N, *tmp = hq + 2 * N, *s = tmp + N;
    uint8_t eb[8];

    nc_bn_decode(cx, N, in, mn->nbytes);
    nc_mont_mul(mn, cb, cx, re, s); /* c r^e: plain */

    /* m1 = cb^dp mod p (Montgomery form mod p) */
    nc_mont_reduce(mp, m1, cb, N, s);
    nc_mont_exp(mp, m1, m1, k->dp, mp->nbytes, s);
    /* m2 = cb^dq mod q (plain) */
    nc_mont_reduce(mq, m2, cb, N, s);
    nc_mont_exp(mq, m2, m2, k->dq, mq->nbytes, s);
    nc_mont_from(mq, m2, m2, s);

    /* h = (m1 - m2) qinv mod p; m = m2 + h q  (Garner) */
    nc_mont_reduce(mp, tmp, m2, Q, s);
    nc_mod_sub(mp, h, m1, tmp);
    nc_mont_mul(mp, h, h, k->qinv, s); /* plain */
    nc_bn_mul(hq, h, P, mq->m, Q);
    uint64_t cy = nc_bn_add(hq, hq, m2, Q);
    for (size_t i = Q; i < P + Q; i++) {
        uint64_t v = hq[i] + cy;
        cy = (uint64_t)nc_ct_lt64(v, cy);
        hq[i] = v;
    } /* hq < n now: the limbs from N up are zero */

    /* unblind: m = m' r^-1 */
    nc_mont_mul(mn, res, hq, rinv, s);

    /* fault check: res^e must give the input back */
    nc_mont_mul(mn, tmp, res, mn->rr, s);
    nc_store_be64(eb, k->e);
    nc_mont_exp_pub(mn, tmp, tmp, eb, sizeof eb, s);
    nc_mont_from(mn, tmp, tmp, s);
    uint64_t ok = nc_bn_eq(tmp, cx, N);
    nc_ct_wipe(cb, (7 * N) * sizeof(uint64_t));
    return ok;
}

int nc_rsa_private(const nc_rsa_key *k, uint8_t *out, const uint8_t *in, const uint64_t *state,
                   uint64_t *scratch) {
    uint64_t res[NC_BN_MAX_LIMBS];
    uint64_t ok = private_core(k, res, in, state, scratch);
    uint64_t keep = nc_ct_mask64(ok);
    for (size_t i = 0; i < k->n.n; i++) {
        res[i] &= keep;
    }
    nc_bn_encode(out, k->n.nbytes, res, k->n.n);
    nc_ct_wipe(res, sizeof res);
    nc_ct_wipe(scratch, nc_rsa_scratch_limbs(k) * sizeof(uint64_t));
    return (int)ok - 1;
}

/* The PKCS#1 v1.5 type 2 checks on em (len bytes): returns a 0/1 verdict
 * and the index of the zero separator (0 if none). */
static uint32_t pkcs1_type2(const uint8_t *em, size_t len, uint32_t *sep) {
    uint32_t ok = nc_ct_eq32(em[0], 0) & nc_ct_eq32(em[1], 2);
    uint32_t found = 0, idx = 0;
    for (size_t i = 2; i < len; i++) {
        uint32_t z = nc_ct_eq32(em[i], 0);
        uint32_t first = z & (1 ^ found);
        idx = nc_ct_mux32(first, (uint32_t)i, idx);
        found |= z;
    }
    /* at least eight padding bytes: separator at index >= 10 */
    ok &= found & nc_ct_ge32(idx, 10);
    *sep = idx;
    return ok;
}

/* Keeps the last mlen bytes of em when ok, zeroes everything else; the
 * position is secret, so every byte is visited. */
static void keep_tail(uint8_t *em, size_t len, uint32_t mlen, uint32_t ok) {
    uint32_t start = (uint32_t)len - mlen;
    for (size_t i = 0; i < len; i++) {
        uint32_t keep = ok & nc_ct_ge32((uint32_t)i, start);
        em[i] &= (uint8_t)nc_ct_mask32(keep);
    }
}

int nc_rsa_decrypt_pkcs1(const nc_rsa_key *k, uint8_t *em, const uint8_t *in,
                         const uint64_t *state, uint64_t *scratch) {
    size_t len = k->n.nbytes;
    uint32_t sep;
    int fault = nc_rsa_private(k, em, in, state, scratch);
    uint32_t ok = pkcs1_type2(em, len, &sep) & (uint32_t)(fault + 1);
    uint32_t mlen = (uint32_t)len - 1 - sep;
    keep_tail(em, len, mlen, ok);
    return (int)nc_ct_mux32(ok, mlen, 0xFFFFFFFFu);
}

/* out[0..olen) ^= MGF1(seed), RFC 8017 B.2.1.  Lengths are public. */
static void mgf1_xor(int alg, uint8_t *out, size_t olen, const uint8_t *seed, size_t slen) {
    nc_hash_ctx ctx;
    uint8_t block[NC_HASH_MAX_SIZE], ctr[4];
    size_t hlen = nc_hash_size(alg);
    for (uint32_t c = 0; (size_t)c * hlen < olen; c++) {
        nc_store_be32(ctr, c);
        nc_hash_init(&ctx, alg);
        nc_hash_update(&ctx, seed, slen);
        nc_hash_update(&ctx, ctr, 4);
        nc_hash_final(&ctx, block);
        for (size_t i = 0; i < hlen && (size_t)c * hlen + i < olen; i++) {
            out[(size_t)c * hlen + i] ^= block[i];
        }
    }
    nc_ct_wipe(block, sizeof block);
    nc_ct_wipe(&ctx, sizeof ctx);
}

int nc_rsa_decrypt_oaep(const nc_rsa_key *k, uint8_t *em, const uint8_t *in,
                        const uint64_t *state, int hash_alg, int mgf_alg, const uint8_t *lhash,
                        uint64_t *scratch) {
    size_t len = k->n.nbytes, hlen = nc_hash_size(hash_alg), mhlen = nc_hash_size(mgf_alg);
    if (hlen == 0 || mhlen == 0 || len < 2 * hlen + 2) {
        return -1;
    }
    int fault = nc_rsa_private(k, em, in, state, scratch);
    /* EM = Y || maskedSeed || maskedDB */
    uint8_t *seed = em + 1, *db = em + 1 + hlen;
    size_t dblen = len - hlen - 1;
    mgf1_xor(mgf_alg, seed, hlen, db, dblen);
    mgf1_xor(mgf_alg, db, dblen, seed, hlen);
    /* DB = lHash' || PS (zeros) || 0x01 || M */
    uint32_t ok = nc_ct_eq32(em[0], 0) & (uint32_t)(fault + 1);
    ok &= nc_ct_eq32(nc_ct_diff(db, lhash, hlen), 0);
    uint32_t found = 0, idx = 0, bad = 0;
    for (size_t i = hlen; i < dblen; i++) {
        uint32_t is1 = nc_ct_eq32(db[i], 1), is0 = nc_ct_eq32(db[i], 0);
        uint32_t before = 1 ^ found;
        idx = nc_ct_mux32(is1 & before, (uint32_t)i, idx);
        bad |= before & (1 ^ is1) & (1 ^ is0);
        found |= is1;
    }
    ok &= found & (1 ^ bad);
    uint32_t mlen = (uint32_t)(dblen - 1) - idx;
    keep_tail(em, len, mlen, ok);
    return (int)nc_ct_mux32(ok, mlen, 0xFFFFFFFFu);
}

void nc_rsa_tls_premaster(const nc_rsa_key *k, uint8_t *out, const uint8_t *in,
                          const uint64_t *state, const uint8_t *random48, uint32_t client_version,
                          uint32_t fail, uint64_t *scratch) {
    uint8_t em[NC_BN_MAX_BYTES];
    size_t len = k->n.nbytes;
    uint32_t sep;
    int fault = nc_rsa_private(k, em, in, state, scratch);
    uint32_t ok = pkcs1_type2(em, len, &sep) & (uint32_t)(fault + 1);
    ok &= nc_ct_eq32(sep, (uint32_t)(len - 49));
    ok &= nc_ct_eq32(em[len - 48], (client_version >> 8) & 0xFF);
    ok &= nc_ct_eq32(em[len - 47], client_version & 0xFF);
    ok &= nc_ct_eq32(fail, 0);
    for (size_t i = 0; i < 48; i++) {
        out[i] = random48[i];
    }
    nc_ct_cmov(ok, out, em + len - 48, 48);
    nc_ct_wipe(em, sizeof em);
}
