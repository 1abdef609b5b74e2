/* RSA private-key operations (RFC 8017 §5.1.2 RSADP / §5.2.1 RSASP1 with
 * the CRT), base blinding, the verify-after-sign fault check, and the
 * unpadding steps that see decrypted secrets: PKCS#1 v1.5 type 2
 * (RFC 8017 §7.2.2), OAEP (§7.1.2) and the TLS RSA key exchange (RFC 5246 §7.4.7.1).
 *
 * Blinding is set up so that no blinding value ever leaves C unmasked:
 * nc_rsa_blind_start draws r and u (random bytes from the caller), keeps
 * r^e and u and returns t = r u mod n, a uniformly random unit that says
 * nothing about r.  The caller inverts t (variable time is fine: t is
 * independent of every secret) and nc_rsa_blind_finish recovers
 * r^-1 = t^-1 u inside C.
 */
#ifndef NC_RSA_H
#define NC_RSA_H

#include <stddef.h>
#include <stdint.h>

#include "bignum.h"

/* cffi:begin */
typedef struct {
    nc_bn_mont n;
    nc_bn_mont p;
    nc_bn_mont q;
    uint8_t dp[1024];     /* d mod (p - 1), p.nbytes bytes big-endian */
    uint8_t dq[1024];     /* d mod (q - 1), q.nbytes bytes */
    uint64_t qinv[128];   /* q^-1 mod p, p.n limbs */
    uint64_t e;
} nc_rsa_key;

/* Loads a key whose numbers the caller has checked (n = p q, p and q odd,
 * e d = 1 mod lcm(p-1, q-1), dp/dq/qinv consistent).  p, q have no leading
 * zero byte; dp is plen bytes, dq qlen bytes, qinv plen bytes.  0 or -1
 * when the lengths are out of range. */
int nc_rsa_key_init(nc_rsa_key *k, const uint8_t *n, size_t nlen, uint64_t e,
                    const uint8_t *p, size_t plen, const uint8_t *q, size_t qlen,
                    const uint8_t *dp, const uint8_t *dq, const uint8_t *qinv);

/* Limbs of scratch every call below needs for this key (state: 2 n.n). */
size_t nc_rsa_scratch_limbs(const nc_rsa_key *k);

/* Blinding state: 2 * n.n limbs holding A = r^e and B = r^-1 (mod n, in
 * Montgomery form).  nc_rsa_blind_start draws r and u from rlen <= 2 *
 * n.nbytes random bytes each, writes t = r u mod n (n.nbytes bytes) and
 * leaves r^e and u in state; nc_rsa_blind_finish takes tinv = t^-1 mod n
 * and completes the pair.  nc_rsa_blind_update squares both (r -> r^2), the
 * cheap refresh between fresh draws. */
int nc_rsa_blind_start(const nc_rsa_key *k, uint8_t *t, const uint8_t *r, const uint8_t *u,
                       size_t rlen, uint64_t *state, uint64_t *scratch);
void nc_rsa_blind_finish(const nc_rsa_key *k, uint64_t *state, const uint8_t *tinv,
                         uint64_t *scratch);
void nc_rsa_blind_update(const nc_rsa_key *k, uint64_t *state, uint64_t *scratch);

/* out = in^d mod n (n.nbytes bytes in and out; in < n), blinded with the
 * pair in state.  0, or -1 when the result failed the out^e == in check
 * (a fault); out is then zero. */
int nc_rsa_private(const nc_rsa_key *k, uint8_t *out, const uint8_t *in, const uint64_t *state,
                   uint64_t *scratch);

/* RSAES-PKCS1-v1_5 decryption: em (n.nbytes bytes) receives the decrypted
 * block; returns the message length (the message ends em) or -1 when the
 * padding is wrong, em then zero.  Constant time up to that verdict. */
int nc_rsa_decrypt_pkcs1(const nc_rsa_key *k, uint8_t *em, const uint8_t *in,
                         const uint64_t *state, uint64_t *scratch);

/* RSAES-OAEP decryption (RFC 8017 §7.1.2) with hash hash_alg (NC_SHA*),
 * MGF1 over mgf_alg, and lhash = Hash(label) (hash_alg's size): like
 * nc_rsa_decrypt_pkcs1, the message ends em; returns its length or -1.
 * The caller checks n.nbytes >= 2 hLen + 2. */
int nc_rsa_decrypt_oaep(const nc_rsa_key *k, uint8_t *em, const uint8_t *in,
                        const uint64_t *state, int hash_alg, int mgf_alg, const uint8_t *lhash,
                        uint64_t *scratch);

/* The TLS RSA key exchange: out (48 bytes) receives the premaster secret
 * from in when the padding is right, the block holds exactly 48 bytes and
 * they start with client_version; otherwise (or when fail is nonzero) the
 * caller's 48 random bytes.  No verdict is returned. */
void nc_rsa_tls_premaster(const nc_rsa_key *k, uint8_t *out, const uint8_t *in,
                          const uint64_t *state, const uint8_t *random48, uint32_t client_version,
                          uint32_t fail, uint64_t *scratch);
/* cffi:end */

#endif
