/* TLS 1.3 key schedule steps, RFC 8446 section 7.1 (stages and
 * Derive-Secret), 7.3 (traffic key and IV) and 4.4.4 (Finished).
 *
 * nc_tls13_stage computes one stage of the schedule and the secrets drawn
 * from it:
 *   salt    = Derive-Secret(prev, "derived", "")   (no salt when prevlen is 0:
 *                                                   the early secret)
 *   next    = HKDF-Extract(salt, ikm)               (written to next, HashLen)
 *   out[i]  = Derive-Secret(next, label_i, th)      (HashLen each, in order)
 * ``labels`` packs the labels, each one length byte then the label without
 * the "tls13 " prefix; ``th`` is the transcript hash they share.
 *
 * nc_tls13_finished: HMAC(HKDF-Expand-Label(base, "finished", "", HashLen),
 * th), the Finished verify_data and the PSK binder.
 *
 * nc_tls13_key_iv: HKDF-Expand-Label(secret, "key"/"iv", "", keylen/ivlen).
 *
 * Return 0, or -1 (an unknown algorithm, a malformed label list, a
 * transcript hash longer than 255 bytes, an output longer than HKDF allows);
 * on -1 the outputs are unspecified.  Secrets go only through HMAC: no
 * branch or index depends on them.
 */
#include "tls13_ks.h"

#include "ct.h"
#include "hash.h"
#include "hkdf.h"
#include "hmac.h"

int nc_tls13_stage(int alg, const uint8_t *prev, size_t prevlen, const uint8_t *ikm,
                   size_t ikmlen, const uint8_t *th, size_t thlen, const uint8_t *labels,
                   size_t labelslen, uint8_t *next, uint8_t *out) {
    static const uint8_t derived[7] = {'d', 'e', 'r', 'i', 'v', 'e', 'd'};
    size_t hl = nc_hash_size(alg);
    uint8_t salt[NC_HASH_MAX_SIZE], empty[NC_HASH_MAX_SIZE];
    size_t saltlen = 0;
    int r = 0;
    if (hl == 0) {
        return -1;
    }
    if (prevlen != 0) {
        nc_hash(alg, derived, 0, empty);
        r |= nc_hkdf_expand_label(alg, prev, prevlen, derived, sizeof derived, empty, hl,
                                  salt, hl);
        saltlen = hl;
    }
    r |= nc_hkdf_extract(alg, salt, saltlen, ikm, ikmlen, next);
    for (size_t pos = 0; pos < labelslen && r == 0; out += hl) {
        size_t n = labels[pos];
        if (n > labelslen - pos - 1) {
            r = -1;
            break;
        }
        r |= nc_hkdf_expand_label(alg, next, hl, labels + pos + 1, n, th, thlen, out, hl);
        pos += 1 + n;
    }
    nc_ct_wipe(salt, sizeof salt);
    return r == 0 ? 0 : -1;
}

int nc_tls13_finished(int alg, const uint8_t *base, size_t baselen, const uint8_t *th,
                      size_t thlen, uint8_t *out) {
    static const uint8_t finished[8] = {'f', 'i', 'n', 'i', 's', 'h', 'e', 'd'};
    size_t hl = nc_hash_size(alg);
    uint8_t key[NC_HASH_MAX_SIZE];
    if (hl == 0) {
        return -1;
    }
    int r = nc_hkdf_expand_label(alg, base, baselen, finished, sizeof finished, finished, 0,
                                 key, hl);
    r |= nc_hmac(alg, key, hl, th, thlen, out);
    nc_ct_wipe(key, sizeof key);
    return r == 0 ? 0 : -1;
}

int nc_tls13_key_iv(int alg, const uint8_t *secret, size_t secretlen, uint8_t *key,
                    size_t keylen, uint8_t *iv, size_t ivlen) {
    static const uint8_t k[3] = {'k', 'e', 'y'}, v[2] = {'i', 'v'};
    int r = nc_hkdf_expand_label(alg, secret, secretlen, k, sizeof k, k, 0, key, keylen);
    r |= nc_hkdf_expand_label(alg, secret, secretlen, v, sizeof v, v, 0, iv, ivlen);
    return r == 0 ? 0 : -1;
}
