/* ECDSA over P-256 and P-384 (FIPS 186-5 section 6, SEC 1 4.1) with
 * deterministic nonces (RFC 6979), optionally hedged with extra input. */
#ifndef NC_ECDSA_H
#define NC_ECDSA_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
/* rs = r||s (2*size bytes, big-endian) signing the message digest (any
 * length; bits2int takes its leftmost bits).  The nonce is RFC 6979's with
 * HMAC over hash_alg (an NC_SHA* id); extra (may be empty) is mixed in as
 * RFC 6979 3.6 additional data, e.g. fresh randomness for a hedged nonce.
 * Returns 1, or 0 when d is not in [1, n) or hash_alg is unknown.
 * Constant time in d, the nonce and extra. */
int nc_ecdsa_sign(int curve, uint8_t *rs, const uint8_t *d, const uint8_t *digest,
                  size_t dlen, int hash_alg, const uint8_t *extra, size_t extralen);
/* The same over a message: digest = hash_alg(msg) in C, then as above. */
int nc_ecdsa_sign_message(int curve, uint8_t *rs, const uint8_t *d, const uint8_t *msg,
                          size_t mlen, int hash_alg, const uint8_t *extra, size_t extralen);
/* 1 when rs = r||s is a valid signature of digest under the public point
 * pub_xy = X||Y; 0 otherwise (including r or s out of [1, n) and invalid
 * points).  Variable time: every input is public. */
int nc_ecdsa_verify(int curve, const uint8_t *pub_xy, const uint8_t *digest, size_t dlen,
                    const uint8_t *rs);
/* cffi:end */

#endif
