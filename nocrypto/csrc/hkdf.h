/* HKDF (RFC 5869) and TLS 1.3's HKDF-Expand-Label (RFC 8446 section 7.1),
 * each derivation one call. */
#ifndef NC_HKDF_H
#define NC_HKDF_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
int nc_hkdf_extract(int alg, const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
                    size_t ikmlen, uint8_t *prk);
int nc_hkdf_expand(int alg, const uint8_t *prk, size_t prklen, const uint8_t *info,
                   size_t infolen, uint8_t *out, size_t outlen);
int nc_hkdf(int alg, const uint8_t *salt, size_t saltlen, const uint8_t *ikm, size_t ikmlen,
            const uint8_t *info, size_t infolen, uint8_t *out, size_t outlen);
int nc_hkdf_expand_label(int alg, const uint8_t *secret, size_t secretlen,
                         const uint8_t *label, size_t labellen, const uint8_t *context,
                         size_t contextlen, uint8_t *out, size_t outlen);
/* cffi:end */

/* The HkdfLabel bytes before the context itself: length, "tls13 " + label,
 * the context's length byte.  ``head`` holds NC_HKDF_LABEL_HEAD_MAX bytes;
 * returns how many were written, or 0 if the label is longer than 249
 * bytes or the context longer than 255. */
#define NC_HKDF_LABEL_HEAD_MAX (2 + 1 + 255 + 1)
size_t nc_hkdf_label_head(uint8_t *head, size_t outlen, const uint8_t *label, size_t labellen,
                          size_t contextlen);

#endif
