/* The TLS 1.2 PRF, RFC 5246 section 5:
 *   PRF(secret, label, seed) = P_hash(secret, label || seed)
 *   P_hash(secret, s) = HMAC(secret, A(1) || s) || HMAC(secret, A(2) || s) || ...
 *   A(0) = s, A(i) = HMAC(secret, A(i-1))
 * with the suite's hash (SHA-256 unless the suite names SHA-384).  The
 * secret's HMAC pads are absorbed once and the context copied per call.
 * Returns 0, or -1 for an unknown algorithm.
 */
#include "prf.h"

#include "ct.h"
#include "hmac.h"

int nc_tls12_prf(int alg, const uint8_t *secret, size_t secretlen, const uint8_t *label,
                 size_t labellen, const uint8_t *seed, size_t seedlen, uint8_t *out,
                 size_t outlen) {
    nc_hmac_ctx key, c;
    uint8_t a[NC_HASH_MAX_SIZE], t[NC_HASH_MAX_SIZE];
    size_t hl = nc_hash_size(alg);
    if (nc_hmac_init(&key, alg, secret, secretlen) != 0) {
        return -1;
    }
    c = key;
    nc_hmac_update(&c, label, labellen);
    nc_hmac_update(&c, seed, seedlen);
    nc_hmac_final(&c, a); /* A(1) */
    for (size_t done = 0; done < outlen;) {
        c = key;
        nc_hmac_update(&c, a, hl);
        nc_hmac_update(&c, label, labellen);
        nc_hmac_update(&c, seed, seedlen);
        nc_hmac_final(&c, t);
        size_t take = outlen - done < hl ? outlen - done : hl;
        nc_bytes_copy(out + done, t, take);
        done += take;
        if (done < outlen) {
            c = key;
            nc_hmac_update(&c, a, hl);
            nc_hmac_final(&c, a);
        }
    }
    nc_ct_wipe(a, sizeof a);
    nc_ct_wipe(t, sizeof t);
    nc_ct_wipe(&key, sizeof key);
    return 0;
}
