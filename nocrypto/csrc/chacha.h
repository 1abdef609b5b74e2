/* ChaCha20, Poly1305 and the ChaCha20-Poly1305 AEAD (RFC 8439).
 *
 * nc_chacha20 and Poly1305 pick their path per call: the AVX2 (or, without
 * AVX2, SSSE3) code when nc_cpu_features() offers it, else portable
 * C; nc_cpu_force_portable(1) or NOCRYPTO_PORTABLE=1 therefore takes effect
 * at once.  There is no expanded key, so nothing is recorded between calls.
 *
 * The block counter is 32 bits and wraps modulo 2^32, on every path.
 */
#ifndef NC_CHACHA_H
#define NC_CHACHA_H

#include <stddef.h>
#include <stdint.h>

/* cffi:begin */
void nc_chacha20(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                 const uint8_t *in, uint8_t *out, size_t len);
void nc_poly1305(const uint8_t key[32], const uint8_t *msg, size_t len, uint8_t tag[16]);
int nc_chacha20poly1305_seal(const uint8_t key[32], const uint8_t nonce[12],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len, uint8_t *out);
int nc_chacha20poly1305_open(const uint8_t key[32], const uint8_t nonce[12],
                             const uint8_t *aad, size_t aad_len,
                             const uint8_t *in, size_t len_with_tag, uint8_t *out);
void nc_chacha20poly1305_wipe_key(uint8_t key[32]);
/* cffi:end */

/* Internal to the C core (not seen by Python). */

/* The sixteen-word input state of RFC 8439 section 2.3 for block `counter`. */
void nc_chacha20_state(uint32_t st[16], const uint8_t key[32], const uint8_t nonce[12],
                       uint32_t counter);
/* Portable, SSSE3 (four blocks) and AVX2 (eight blocks) keystream XOR;
 * `len` may be anything, a partial last block uses the first bytes of its
 * keystream block.  nc_chacha20_avx2_short takes len <= 256 (four blocks
 * computed row-wise, for short inputs and the eight-block loop's tail). */
void nc_chacha20_portable(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                          const uint8_t *in, uint8_t *out, size_t len);
void nc_chacha20_ssse3(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                       const uint8_t *in, uint8_t *out, size_t len);
void nc_chacha20_avx2(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                      const uint8_t *in, uint8_t *out, size_t len);
void nc_chacha20_avx2_short(const uint8_t key[32], const uint8_t nonce[12], uint32_t counter,
                            const uint8_t *in, uint8_t *out, size_t len);

/* Wipe key-derived stack data: a plain memset the optimiser may not drop,
 * since the empty asm claims to read the memory afterwards.  (ct.h's byte
 * loop is too slow for the kilobyte of vectors the AVX2 code leaves.) */
static inline void nc_chacha_wipe(void *p, size_t n) {
    __builtin_memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Incremental Poly1305 (radix 2^64, partially reduced accumulator). */
typedef struct {
    uint64_t r0, r1, s1;   /* clamped r and s1 = 5 * r1 / 4 */
    uint64_t h0, h1, h2;   /* accumulator */
    uint64_t k0, k1;       /* s, added at the end */
    uint8_t buf[16];
    size_t buflen;
} nc_poly1305_state;

/* AVX2 bulk blocks (all with the 2^128 bit): processes the largest
 * multiple of four blocks of nblocks and returns that count. */
size_t nc_poly1305_blocks_avx2(nc_poly1305_state *st, const uint8_t *m, size_t nblocks);

void nc_poly1305_init(nc_poly1305_state *st, const uint8_t key[32]);
void nc_poly1305_update(nc_poly1305_state *st, const uint8_t *msg, size_t len);
/* Zero-pad what is buffered to a full block (RFC 8439 section 2.8 pad16). */
void nc_poly1305_pad16(nc_poly1305_state *st);
/* Writes the tag and wipes the state. */
void nc_poly1305_final(nc_poly1305_state *st, uint8_t tag[16]);

/* The AEAD in parts, for the TLS record layer's split seal (tls_aead.c).
 * begin: the one-time key from keystream block 0 into *mac, then the aad
 * and its padding.  crypt: out = in ^ ChaCha20 keystream from `counter`
 * (len bytes) with the ciphertext (out when sealing, in when opening)
 * absorbed into *mac; in == out works.  end: the ciphertext's padding,
 * the lengths, the tag (and *mac wiped). */
void nc_chacha20poly1305_begin(nc_poly1305_state *mac, const uint8_t key[32],
                               const uint8_t nonce[12], const uint8_t *aad, size_t aad_len);
void nc_chacha20poly1305_crypt(nc_poly1305_state *mac, const uint8_t key[32],
                               const uint8_t nonce[12], uint32_t counter, const uint8_t *in,
                               uint8_t *out, size_t len, int opening);
void nc_chacha20poly1305_end(nc_poly1305_state *mac, size_t aad_len, size_t len,
                             uint8_t tag[16]);
/* The stitched AVX2 + BMI2 loop (chacha20poly1305_avx2.c, x86-64 only):
 * nbatches times, 512 bytes of in ^ keystream (eight blocks from `counter`
 * on) -> out while the 32 Poly1305 blocks at mac (then mac + 512, ...) go
 * into *ps, read before the batch's output is stored.  *ps must hold no
 * buffered bytes. */
void nc_chacha20poly1305_avx2_batches(const uint8_t key[32], const uint8_t nonce[12],
                                      uint32_t counter, const uint8_t *in, uint8_t *out,
                                      size_t nbatches, const uint8_t *mac,
                                      nc_poly1305_state *ps);

#endif
