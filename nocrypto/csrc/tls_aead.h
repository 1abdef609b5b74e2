/* TLS 1.3 AEAD record protection in one call per record (RFC 8446 5.2-5.4):
 * nonce = iv XOR the 64-bit sequence number (5.3), additional data = the
 * 5-byte record header (5.2), TLSInnerPlaintext = content || type || zeros.
 *
 * An nc_tls_aead holds one direction's expanded key and static iv for
 * AES-GCM (RFC 5116 AEAD_AES_128/256_GCM over nc_gcm_*) or
 * ChaCha20-Poly1305 (RFC 8439 over nc_chacha20poly1305_*).
 */
#ifndef NC_TLS_AEAD_H
#define NC_TLS_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include "gcm.h"

/* cffi:begin */
#define NC_TLS_AEAD_AES_GCM 1
#define NC_TLS_AEAD_CHACHA20_POLY1305 2

typedef struct {
    nc_gcm_key gcm;
    uint8_t chacha_key[32];
    uint8_t iv[12];
    uint32_t alg;
} nc_tls_aead;

/* alg is NC_TLS_AEAD_*; key 16 or 32 bytes for AES-GCM, 32 for ChaCha20.
 * 0 ok, -1 on a bad algorithm or key length. */
int nc_tls_aead_init(nc_tls_aead *a, uint32_t alg, const uint8_t *key, size_t keylen,
                     const uint8_t iv[12]);
/* The same from an already expanded AES-GCM key (copied, so the
 * implementation it chose is kept) or a ChaCha20-Poly1305 key. */
void nc_tls_aead_from_gcm(nc_tls_aead *a, const nc_gcm_key *g, const uint8_t iv[12]);
void nc_tls_aead_from_chacha(nc_tls_aead *a, const uint8_t key[32], const uint8_t iv[12]);
/* The same from a TLS 1.3 traffic secret (RFC 8446 7.3): the key and the
 * iv are derived here (HKDF-Expand-Label "key" and "iv" under hash_alg, a
 * nocrypto hash id) and never leave C.  0 ok, -1 on a bad algorithm, hash
 * or key length. */
int nc_tls_aead_from_secret(nc_tls_aead *a, uint32_t alg, int hash_alg, const uint8_t *secret,
                            size_t secretlen, size_t keylen);
void nc_tls_aead_wipe(nc_tls_aead *a);
/* Writes the whole protected record to out: the header 23 03 03 len, then
 * AEAD(content || content_type || padding zero bytes) and the tag, i.e.
 * 5 + len + 1 + padding + 16 bytes, which out_len must hold.  content may
 * sit anywhere, including at out + 5 (sealing in place); other overlap is
 * allowed too (it is moved first).  Returns the record length, or -1 when
 * the inner plaintext exceeds 2^14 + 256 bytes or out is too short. */
int64_t nc_tls13_seal(const nc_tls_aead *a, uint64_t seq, uint32_t content_type,
                      const uint8_t *content, size_t len, size_t padding,
                      uint8_t *out, size_t out_len);
/* Opens one protected record: header is its 5 bytes (the additional
 * data; its length field must equal body_len), body the body_len bytes of
 * ciphertext and tag (for a whole record in one buffer: header = record,
 * body = record + 5).  Decrypts the body_len - 16 byte inner plaintext into
 * out (out_len must hold it; out may be body itself), verifies the tag in
 * constant time and finds the content type, the last non-zero byte, with a
 * constant-time scan that never reads outside the plaintext.  Returns the
 * content type (1..255) and sets *content_len; 0 when the tag verifies but
 * the inner plaintext is all zeros (no content type: unexpected_message);
 * -1 when the tag does not verify or sizes are wrong.  On any return but a
 * content type, out is all zeros and *content_len is 0. */
int nc_tls13_open(const nc_tls_aead *a, uint64_t seq, const uint8_t header[5],
                  const uint8_t *body, size_t body_len, uint8_t *out, size_t out_len,
                  size_t *content_len);
/* As nc_tls13_seal, placing the record at out + k, for the k in 0..31
 * that puts its body (out + k + 5) on a 32-byte boundary: the vector
 * stores of the cipher are then aligned (several percent faster at 16
 * KiB).  out_len must hold the record plus 31 bytes; content must not
 * overlap out.  Returns k, or -1 as nc_tls13_seal. */
int64_t nc_tls13_seal_aligned(const nc_tls_aead *a, uint64_t seq, uint32_t content_type,
                              const uint8_t *content, size_t len, size_t padding,
                              uint8_t *out, size_t out_len);
/* Seals content as records of at most step bytes each (one empty record
 * when len is 0), sequence numbers seq, seq + 1, ..., all into out: len +
 * 22 * count bytes.  Returns that length, or -1 when step is 0 or above
 * 2^14 + 239, out is too short or the sequence numbers would wrap. */
int64_t nc_tls13_seal_records(const nc_tls_aead *a, uint64_t seq, uint32_t content_type,
                              const uint8_t *content, size_t len, size_t step,
                              uint8_t *out, size_t out_len);
/* What nc_tls13_open_app_records did: records opened, bytes of data they
 * took, content bytes written to out (returned by value: no out-pointer
 * for the caller to allocate). */
typedef struct {
    uint64_t records;
    uint64_t used;
    uint64_t written;
} nc_tls13_opened;
/* Opens the whole application-data records at the start of data (outer
 * type 23, inner type 23, inner plaintext at most max_inner bytes), with
 * sequence numbers from seq, their contents one after another into out;
 * stops before anything else (a partial record, another type, a bad tag,
 * a record that would not fit in out, a sequence number that would wrap).
 * out needs at most len bytes. */
nc_tls13_opened nc_tls13_open_app_records(const nc_tls_aead *a, uint64_t seq,
                                          const uint8_t *data, size_t len, size_t max_inner,
                                          uint8_t *out, size_t out_len);
/* cffi:end */

#endif
