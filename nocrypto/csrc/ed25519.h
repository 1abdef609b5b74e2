/* Ed25519 signatures (RFC 8032, section 5.1). */
#ifndef NC_ED25519_H
#define NC_ED25519_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
/* An expanded private key: the clamped scalar a, the nonce prefix (both
 * from SHA-512 of the seed, RFC 8032 5.1.5) and the encoded public key. */
typedef struct {
    uint8_t a[32];
    uint8_t prefix[32];
    uint8_t pub[32];
} nc_ed25519_key;

/* Builds the fixed-base table; call once before threads use Ed25519 (the
 * other entry points call it too, which is harmless). */
void nc_ed25519_init(void);
/* Expands a 32-byte seed; key->pub is its public key.  Constant time. */
void nc_ed25519_expand(nc_ed25519_key *key, const uint8_t *seed);
/* sig = the 64-byte signature of msg (RFC 8032 5.1.6).  Constant time in
 * the key; the message length is public. */
void nc_ed25519_sign(uint8_t *sig, const nc_ed25519_key *key, const uint8_t *msg, size_t len);
/* 1 when sig is a valid signature of msg under pub, else 0.  Rules: S < L
 * (canonical S), A must decode (y < p, not x = 0 with the sign bit set),
 * and the cofactorless [S]B - [k]A must encode to exactly the 32 bytes R.
 * Variable time (all inputs are public). */
int nc_ed25519_verify(const uint8_t *pub, const uint8_t *msg, size_t len, const uint8_t *sig);
/* cffi:end */

#endif
