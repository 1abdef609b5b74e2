/* TLS 1.3 key schedule steps, RFC 8446 section 7.1 (stages and
 * Derive-Secret), 7.3 (traffic key and IV), 4.4.4 (Finished) and 4.4.1
 * (the transcript hash).
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
 * nc_tls13_transcript: a running transcript hash.  The context ``in`` (a
 * fresh one of ``alg`` when NULL) with ``n`` more bytes is written to
 * ``out`` (unless NULL) and its digest to ``digest``; ``in`` is only read,
 * so a context, once written, may be shared by immutable values.
 *
 * The HMAC key schedule of a secret (its ipad and opad blocks) is absorbed
 * once and copied for each label drawn from it.
 *
 * Return 0, or -1 (an unknown algorithm, a malformed label list, a
 * transcript hash longer than 255 bytes, an output longer than HKDF allows,
 * a context of another algorithm); on -1 the outputs are unspecified.
 * Secrets go only through HMAC: no branch or index depends on them.
 */
#include "tls13_ks.h"
#include "hkdf.h"

#include "ct.h"
#include "hmac.h"

/* Transcript-Hash("") (the "derived" context), known per hash. */
static const uint8_t empty256[32] = {
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
static const uint8_t empty384[48] = {
    0x38, 0xb0, 0x60, 0xa7, 0x51, 0xac, 0x96, 0x38, 0x4c, 0xd9, 0x32, 0x7e, 0xb1, 0xb1, 0xe3, 0x6a,
    0x21, 0xfd, 0xb7, 0x11, 0x14, 0xbe, 0x07, 0x43, 0x4c, 0x0c, 0xc7, 0xbf, 0x63, 0xf6, 0xe1, 0xda,
    0x27, 0x4e, 0xde, 0xbf, 0xe7, 0x6f, 0x65, 0xfb, 0xd5, 0x1a, 0xd2, 0xf1, 0x48, 0x98, 0xb9, 0x5b};

static void empty_hash(int alg, uint8_t *out) {
    if (alg == NC_SHA256) {
        nc_bytes_copy(out, empty256, sizeof empty256);
    } else if (alg == NC_SHA384) {
        nc_bytes_copy(out, empty384, sizeof empty384);
    } else {
        nc_hash(alg, empty256, 0, out);
    }
}

/* HKDF-Expand-Label(secret, label, context, outlen) (RFC 5869 2.3, RFC 8446
 * 7.1) with the secret's HMAC key schedule in ``key``. */
static int expand_label(const nc_hmac_ctx *key, size_t hl, const uint8_t *label,
                        size_t labellen, const uint8_t *context, size_t contextlen,
                        uint8_t *out, size_t outlen) {
    uint8_t head[NC_HKDF_LABEL_HEAD_MAX], t[NC_HASH_MAX_SIZE];
    nc_hmac_ctx c;
    size_t n = nc_hkdf_label_head(head, outlen, label, labellen, contextlen);
    if (n == 0 || outlen > 255 * hl) {
        return -1;
    }
    /* T(i) = HMAC(secret, T(i-1) || HkdfLabel || i) */
    for (size_t done = 0, i = 1; done < outlen; i++) {
        uint8_t ctr = (uint8_t)i;
        size_t take = outlen - done < hl ? outlen - done : hl;
        c = *key;
        if (i > 1) {
            nc_hmac_update(&c, t, hl);
        }
        nc_hmac_update(&c, head, n);
        nc_hmac_update(&c, context, contextlen);
        nc_hmac_update(&c, &ctr, 1);
        nc_hmac_final(&c, t);
        nc_bytes_copy(out + done, t, take);
        done += take;
    }
    nc_ct_wipe(t, sizeof t);
    return 0;
}

int nc_tls13_stage(int alg, const uint8_t *prev, size_t prevlen, const uint8_t *ikm,
                   size_t ikmlen, const uint8_t *th, size_t thlen, const uint8_t *labels,
                   size_t labelslen, uint8_t *next, uint8_t *out) {
    static const uint8_t derived[7] = {'d', 'e', 'r', 'i', 'v', 'e', 'd'};
    size_t hl = nc_hash_size(alg);
    uint8_t salt[NC_HASH_MAX_SIZE], empty[NC_HASH_MAX_SIZE];
    size_t saltlen = 0;
    nc_hmac_ctx key;
    int r = 0;
    if (hl == 0) {
        return -1;
    }
    if (prevlen != 0) {
        empty_hash(alg, empty);
        nc_hmac_init(&key, alg, prev, prevlen);
        r |= expand_label(&key, hl, derived, sizeof derived, empty, hl, salt, hl);
        saltlen = hl;
    }
    r |= nc_hmac(alg, salt, saltlen, ikm, ikmlen, next); /* HKDF-Extract */
    nc_hmac_init(&key, alg, next, hl);
    for (size_t pos = 0; pos < labelslen && r == 0; out += hl) {
        size_t n = labels[pos];
        if (n > labelslen - pos - 1) {
            r = -1;
            break;
        }
        r |= expand_label(&key, hl, labels + pos + 1, n, th, thlen, out, hl);
        pos += 1 + n;
    }
    nc_ct_wipe(&key, sizeof key);
    nc_ct_wipe(salt, sizeof salt);
    return r == 0 ? 0 : -1;
}

int nc_tls13_finished(int alg, const uint8_t *base, size_t baselen, const uint8_t *th,
                      size_t thlen, uint8_t *out) {
    static const uint8_t finished[8] = {'f', 'i', 'n', 'i', 's', 'h', 'e', 'd'};
    size_t hl = nc_hash_size(alg);
    uint8_t key[NC_HASH_MAX_SIZE];
    nc_hmac_ctx c;
    if (hl == 0) {
        return -1;
    }
    nc_hmac_init(&c, alg, base, baselen);
    int r = expand_label(&c, hl, finished, sizeof finished, finished, 0, key, hl);
    r |= nc_hmac(alg, key, hl, th, thlen, out);
    nc_ct_wipe(&c, sizeof c);
    nc_ct_wipe(key, sizeof key);
    return r == 0 ? 0 : -1;
}

int nc_tls13_key_iv(int alg, const uint8_t *secret, size_t secretlen, uint8_t *key,
                    size_t keylen, uint8_t *iv, size_t ivlen) {
    static const uint8_t k[3] = {'k', 'e', 'y'}, v[2] = {'i', 'v'};
    size_t hl = nc_hash_size(alg);
    nc_hmac_ctx c;
    if (hl == 0) {
        return -1;
    }
    nc_hmac_init(&c, alg, secret, secretlen);
    int r = expand_label(&c, hl, k, sizeof k, k, 0, key, keylen);
    r |= expand_label(&c, hl, v, sizeof v, v, 0, iv, ivlen);
    nc_ct_wipe(&c, sizeof c);
    return r == 0 ? 0 : -1;
}

int nc_tls13_transcript(int alg, const nc_hash_ctx *in, const uint8_t *p, size_t n,
                        nc_hash_ctx *out, uint8_t *digest) {
    nc_hash_ctx c;
    if (in == NULL) {
        if (nc_hash_init(&c, alg) != 0) {
            return -1;
        }
    } else if (in->alg != alg) {
        return -1;
    } else {
        c = *in;
    }
    nc_hash_update(&c, p, n);
    if (out != NULL) {
        *out = c;
    }
    nc_hash_final(&c, digest);
    return 0;
}
