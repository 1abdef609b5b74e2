/* Constant-time check of RSA's private operations (rsa.c): the blinding
 * setup, the CRT private operation (sign/decrypt), PKCS#1 v1.5 and OAEP
 * decryption and the TLS premaster path, with the private key, the
 * blinding values and (for the decryptions) the ciphertext and its padding
 * marked secret. */
#include "ct_harness.h"
#include "ct_rsa_key.h"
#include "hash.h"
#include "rsa.h"

static uint64_t scratch[36 * 32 + 16];
static uint64_t state[2 * 32];
static nc_rsa_key key;

/* the values of p and q are secret; their lengths (limb and byte counts) are not */
static void secret_mont(nc_bn_mont *c) {
    SECRET(c->m, sizeof c->m);
    SECRET(c->rr, sizeof c->rr);
    SECRET(c->one, sizeof c->one);
    SECRET(&c->m0i, sizeof c->m0i);
}

static void secret_key(void) {
    secret_mont(&key.p);
    secret_mont(&key.q);
    SECRET(key.dp, sizeof key.dp);
    SECRET(key.dq, sizeof key.dq);
    SECRET(key.qinv, sizeof key.qinv);
}

static void blind(void) {
    uint8_t r[sizeof BLIND_R], u[sizeof BLIND_U], t[256];
    memcpy(r, BLIND_R, sizeof r);
    memcpy(u, BLIND_U, sizeof u);
    SECRET(r, sizeof r);
    SECRET(u, sizeof u);
    nc_rsa_blind_start(&key, t, r, u, sizeof r, state, scratch);
    PUBLIC(t, sizeof t); /* t = r u is uniformly random: public by design */
    nc_rsa_blind_finish(&key, state, BLIND_TINV, scratch);
}

int main(void) {
    uint8_t in[256], out[256], pms[48], rnd[48];
    int bad = 0;
    ct_report_paths("ct_rsa");
    FOR_EACH_PATH(path) {
        /* loading: the primes go through the constant-time Montgomery setup */
        uint8_t p[128], q[128], dp[128], dq[128], qinv[128];
        memcpy(p, KEY_P, 128);
        memcpy(q, KEY_Q, 128);
        memcpy(dp, KEY_DP, 128);
        memcpy(dq, KEY_DQ, 128);
        memcpy(qinv, KEY_QINV, 128);
        SECRET(p, 128);
        SECRET(q, 128);
        SECRET(dp, 128);
        SECRET(dq, 128);
        SECRET(qinv, 128);
        if (nc_rsa_key_init(&key, KEY_N, 256, 65537, p, 128, q, 128, dp, dq, qinv) != 0) {
            return 1;
        }
        secret_key();

        /* signing: a public padded message */
        ct_fill(in, sizeof in, 40 + (uint32_t)path);
        in[0] = 0;
        blind();
        int rc = nc_rsa_private(&key, out, in, state, scratch);
        PUBLIC(&rc, sizeof rc);
        PUBLIC(out, sizeof out);
        bad |= rc != 0;

        /* PKCS#1 v1.5 decryption of a secret ciphertext */
        memcpy(in, PMS_CT, sizeof in);
        SECRET(in, sizeof in);
        blind();
        int mlen = nc_rsa_decrypt_pkcs1(&key, out, in, state, scratch);
        PUBLIC(&mlen, sizeof mlen); /* the verdict is the caller's */
        bad |= mlen != 48;

        /* a squared (updated) blinding pair */
        nc_rsa_blind_update(&key, state, scratch);
        mlen = nc_rsa_decrypt_pkcs1(&key, out, in, state, scratch);
        PUBLIC(&mlen, sizeof mlen);
        bad |= mlen != 48;

        /* OAEP (SHA-256, MGF1-SHA-256, empty label) of a secret ciphertext */
        uint8_t oct[256];
        memcpy(oct, OAEP_CT, sizeof oct);
        SECRET(oct, sizeof oct);
        blind();
        mlen = nc_rsa_decrypt_oaep(&key, out, oct, state, NC_SHA256, NC_SHA256, OAEP_LHASH,
                                   scratch);
        PUBLIC(&mlen, sizeof mlen);
        PUBLIC(out, sizeof out);
        bad |= mlen != 48 || memcmp(out + 256 - 48, PMS_SECRET, 48) != 0;

        /* the TLS premaster secret: no verdict at all */
        blind();
        ct_fill(rnd, sizeof rnd, 50);
        SECRET(rnd, sizeof rnd);
        nc_rsa_tls_premaster(&key, pms, in, state, rnd, 0x0303, 0, scratch);
        PUBLIC(pms, sizeof pms);
        bad |= memcmp(pms, PMS_SECRET, 48) != 0;
        /* wrong version: the random one comes back */
        blind();
        nc_rsa_tls_premaster(&key, pms, in, state, rnd, 0x0302, 0, scratch);
        PUBLIC(pms, sizeof pms);
        PUBLIC(rnd, sizeof rnd);
        bad |= memcmp(pms, rnd, 48) != 0;
    }
    if (bad) {
        printf("ct_rsa: wrong results\n");
    }
    return bad;
}
