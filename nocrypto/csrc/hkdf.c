/* HKDF, RFC 5869 section 2 (extract and expand), and HKDF-Expand-Label,
 * RFC 8446 section 7.1.
 *
 * Return 0, or -1 for an unknown algorithm or an output longer than the
 * RFC allows (255 * HashLen; expand-label also bounds label and context
 * to 255 bytes and the output to 2^16 - 1).  On -1 nothing is written.
 */
#include "hkdf.h"

#include "ct.h"
#include "hmac.h"

/* An empty salt is HashLen zero bytes (RFC 5869 2.2); HMAC pads the key
 * with zeros anyway, so no special case is needed. */
int nc_hkdf_extract(int alg, const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
                    size_t ikmlen, uint8_t *prk) {
    return nc_hmac(alg, salt, saltlen, ikm, ikmlen, prk);
}

/* T(i) = HMAC(PRK, T(i-1) || info || i), i = 1..N; info given in up to
 * two pieces so expand-label need not copy. */
static int expand2(int alg, const uint8_t *prk, size_t prklen, const uint8_t *info1,
                   size_t len1, const uint8_t *info2, size_t len2, uint8_t *out,
                   size_t outlen) {
    size_t hl = nc_hash_size(alg);
    nc_hmac_ctx key, c;
    uint8_t t[NC_HASH_MAX_SIZE];
    if (hl == 0 || outlen > 255 * hl) {
        return -1;
    }
    nc_hmac_init(&key, alg, prk, prklen);
    for (size_t done = 0, i = 1; done < outlen; i++) {
        uint8_t ctr = (uint8_t)i;
        c = key;
        if (i > 1) {
            nc_hmac_update(&c, t, hl);
        }
        nc_hmac_update(&c, info1, len1);
        nc_hmac_update(&c, info2, len2);
        nc_hmac_update(&c, &ctr, 1);
        nc_hmac_final(&c, t);
        size_t take = outlen - done < hl ? outlen - done : hl;
        nc_bytes_copy(out + done, t, take);
        done += take;
    }
    nc_ct_wipe(t, sizeof t);
    nc_ct_wipe(&key, sizeof key);
    return 0;
}

int nc_hkdf_expand(int alg, const uint8_t *prk, size_t prklen, const uint8_t *info,
                   size_t infolen, uint8_t *out, size_t outlen) {
    return expand2(alg, prk, prklen, info, infolen, info, 0, out, outlen);
}

int nc_hkdf(int alg, const uint8_t *salt, size_t saltlen, const uint8_t *ikm, size_t ikmlen,
            const uint8_t *info, size_t infolen, uint8_t *out, size_t outlen) {
    uint8_t prk[NC_HASH_MAX_SIZE];
    size_t hl = nc_hash_size(alg);
    if (hl == 0 || outlen > 255 * hl) {
        return -1;
    }
    nc_hkdf_extract(alg, salt, saltlen, ikm, ikmlen, prk);
    int r = nc_hkdf_expand(alg, prk, hl, info, infolen, out, outlen);
    nc_ct_wipe(prk, sizeof prk);
    return r;
}

/* HkdfLabel = uint16 length || opaque label<7..255> ("tls13 " + label)
 *             || opaque context<0..255> */
size_t nc_hkdf_label_head(uint8_t *head, size_t outlen, const uint8_t *label, size_t labellen,
                          size_t contextlen) {
    static const uint8_t prefix[6] = {'t', 'l', 's', '1', '3', ' '};
    if (labellen > 255 - sizeof prefix || contextlen > 255) {
        return 0;
    }
    size_t n = 0;
    head[n++] = (uint8_t)(outlen >> 8);
    head[n++] = (uint8_t)outlen;
    head[n++] = (uint8_t)(sizeof prefix + labellen);
    nc_bytes_copy(head + n, prefix, sizeof prefix);
    n += sizeof prefix;
    nc_bytes_copy(head + n, label, labellen);
    n += labellen;
    head[n++] = (uint8_t)contextlen;
    return n;
}

/* HKDF-Expand(secret, HkdfLabel, outlen). */
int nc_hkdf_expand_label(int alg, const uint8_t *secret, size_t secretlen,
                         const uint8_t *label, size_t labellen, const uint8_t *context,
                         size_t contextlen, uint8_t *out, size_t outlen) {
    uint8_t head[NC_HKDF_LABEL_HEAD_MAX];
    size_t n = nc_hkdf_label_head(head, outlen, label, labellen, contextlen);
    if (n == 0 || outlen > 0xffff) {
        return -1;
    }
    return expand2(alg, secret, secretlen, head, n, context, contextlen, out, outlen);
}
