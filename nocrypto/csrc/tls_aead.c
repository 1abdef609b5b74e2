/* TLS 1.3 record protection in one call per record (RFC 8446 sections
 * 5.2 record payload protection, 5.3 per-record nonce, 5.4 record
 * padding), over AES-GCM (gcm.c) and ChaCha20-Poly1305
 * (chacha20poly1305.c).  The API is described in tls_aead.h. */
#include "tls_aead.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "chacha.h"
#include "ct.h"
#include "tls13_ks.h"

#define TLS13_MAX_CIPHERTEXT ((1u << 14) + 256u)

/* The batch opener steers its loop by each record's verdict and content
 * length, which are public by design (the one-record API returns them to
 * the caller): NC_DECLASSIFY (ct.h) marks them so. */

int nc_tls_aead_init(nc_tls_aead *a, uint32_t alg, const uint8_t *key, size_t keylen,
                     const uint8_t iv[12]) {
    nc_ct_wipe(a, sizeof *a);
    if (alg == NC_TLS_AEAD_AES_GCM) {
        if ((keylen != 16 && keylen != 32) || nc_gcm_init(&a->gcm, key, keylen) != 0) {
            return -1;
        }
    } else if (alg == NC_TLS_AEAD_CHACHA20_POLY1305) {
        if (keylen != 32) {
            return -1;
        }
        memcpy(a->chacha_key, key, 32);
    } else {
        return -1;
    }
    memcpy(a->iv, iv, 12);
    a->alg = alg;
    return 0;
}

void nc_tls_aead_from_gcm(nc_tls_aead *a, const nc_gcm_key *g, const uint8_t iv[12]) {
    nc_ct_wipe(a, sizeof *a);
    a->gcm = *g;
    memcpy(a->iv, iv, 12);
    a->alg = NC_TLS_AEAD_AES_GCM;
}

void nc_tls_aead_from_chacha(nc_tls_aead *a, const uint8_t key[32], const uint8_t iv[12]) {
    nc_ct_wipe(a, sizeof *a);
    memcpy(a->chacha_key, key, 32);
    memcpy(a->iv, iv, 12);
    a->alg = NC_TLS_AEAD_CHACHA20_POLY1305;
}

int nc_tls_aead_from_secret(nc_tls_aead *a, uint32_t alg, int hash_alg, const uint8_t *secret,
                            size_t secretlen, size_t keylen) {
    uint8_t key[32], iv[12];
    int r = -1;
    if (keylen <= sizeof key &&
        nc_tls13_key_iv(hash_alg, secret, secretlen, key, keylen, iv, sizeof iv) == 0) {
        r = nc_tls_aead_init(a, alg, key, keylen, iv);
    }
    nc_ct_wipe(key, sizeof key);
    nc_ct_wipe(iv, sizeof iv);
    if (r != 0) {
        nc_ct_wipe(a, sizeof *a);
    }
    return r;
}

void nc_tls_aead_wipe(nc_tls_aead *a) {
    nc_ct_wipe(a, sizeof *a);
}

static void make_nonce(const nc_tls_aead *a, uint64_t seq, uint8_t nonce[12]) {
    memcpy(nonce, a->iv, 12);
    for (int i = 0; i < 8; i++) {
        nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
    }
}

/* ChaCha20-Poly1305 (RFC 8439 2.8) of content || type || padding zeros
 * into p without copying content there first: the whole 64-byte
 * keystream blocks of content are encrypted (and hashed) straight from
 * it, the last partial block (under 64 bytes of content) is placed in p
 * with the type and padding and encrypted there.  content must not
 * overlap p. */
static void chacha_seal_split(const uint8_t key[32], const uint8_t nonce[12],
                              const uint8_t header[5], const uint8_t *content, size_t len,
                              uint32_t content_type, size_t padding, uint8_t *p) {
    size_t whole = len & ~(size_t)63;
    size_t inner = len + 1 + padding;
    nc_poly1305_state mac;
    nc_chacha20poly1305_begin(&mac, key, nonce, header, 5);
    nc_chacha20poly1305_crypt(&mac, key, nonce, 1, content, p, whole, 0);
    memcpy(p + whole, content + whole, len - whole);
    p[len] = (uint8_t)content_type;
    memset(p + len + 1, 0, padding);
    nc_chacha20poly1305_crypt(&mac, key, nonce, (uint32_t)(1 + whole / 64), p + whole,
                              p + whole, inner - whole, 0);
    nc_chacha20poly1305_end(&mac, 5, inner, p + inner);
}

int64_t nc_tls13_seal(const nc_tls_aead *a, uint64_t seq, uint32_t content_type,
                      const uint8_t *content, size_t len, size_t padding,
                      uint8_t *out, size_t out_len) {
    if (len > TLS13_MAX_CIPHERTEXT || padding > TLS13_MAX_CIPHERTEXT) {
        return -1;
    }
    size_t inner = len + 1 + padding;
    size_t body = inner + 16;
    if (body > TLS13_MAX_CIPHERTEXT || out_len < 5 + body) {
        return -1;
    }
    uint8_t *p = out + 5;
    uint8_t header[5] = {23, 3, 3, (uint8_t)(body >> 8), (uint8_t)body};
    uint8_t nonce[12];
    make_nonce(a, seq, nonce);
    int rc;
    if (a->alg == NC_TLS_AEAD_AES_GCM && padding < 64 && len &&
        (content + len <= out || content >= out + 5 + body)) {
        /* sealed straight from content (no copy of it into out first);
         * the type and padding follow from a small buffer */
        uint8_t tail[64];
        tail[0] = (uint8_t)content_type;
        memset(tail + 1, 0, padding);
        rc = nc_gcm_seal_split(&a->gcm, nonce, 12, header, 5, content, len, tail, 1 + padding,
                               p);
        nc_ct_wipe(tail, sizeof tail);
        memcpy(out, header, 5);
        return rc == 0 ? (int64_t)(5 + body) : -1;
    }
    if (a->alg == NC_TLS_AEAD_CHACHA20_POLY1305 && len >= 64 &&
        (content + len <= out || content >= out + 5 + body)) {
        chacha_seal_split(a->chacha_key, nonce, header, content, len, content_type, padding, p);
        memcpy(out, header, 5);
        return (int64_t)(5 + body);
    }
    if (p != content && len) {
        memmove(p, content, len);
    }
    p[len] = (uint8_t)content_type;
    memset(p + len + 1, 0, padding);
    if (a->alg == NC_TLS_AEAD_AES_GCM) {
        rc = nc_gcm_seal(&a->gcm, nonce, 12, header, 5, p, inner, p);
    } else {
        rc = nc_chacha20poly1305_seal(a->chacha_key, nonce, header, 5, p, inner, p);
    }
    memcpy(out, header, 5);
    return rc == 0 ? (int64_t)(5 + body) : -1;
}

int64_t nc_tls13_seal_aligned(const nc_tls_aead *a, uint64_t seq, uint32_t content_type,
                              const uint8_t *content, size_t len, size_t padding,
                              uint8_t *out, size_t out_len) {
    size_t k = (size_t)(-((uintptr_t)out + 5) & 31); /* the address is public */
    if (out_len < 31 || content_type == 0 || content_type > 255 ||
        nc_tls13_seal(a, seq, content_type, content, len, padding, out + k, out_len - 31) < 0) {
        return -1;
    }
    return (int64_t)k;
}

/* Whether the 64 * k bytes at b hold a non-zero byte: 1 or 0, no branch
 * (four independent accumulators, so the loads are not one chain). */
static inline uint32_t any_nonzero(const uint8_t *b, unsigned k) {
#ifdef __SSE2__
    __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
    for (unsigned j = 0; j < k; j++, b += 64) {
        a0 = _mm_or_si128(a0, _mm_loadu_si128((const __m128i *)(const void *)b));
        a1 = _mm_or_si128(a1, _mm_loadu_si128((const __m128i *)(const void *)(b + 16)));
        a2 = _mm_or_si128(a2, _mm_loadu_si128((const __m128i *)(const void *)(b + 32)));
        a3 = _mm_or_si128(a3, _mm_loadu_si128((const __m128i *)(const void *)(b + 48)));
    }
    __m128i any = _mm_or_si128(_mm_or_si128(a0, a1), _mm_or_si128(a2, a3));
    uint32_t zeros = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128()));
    return nc_ct_neq32(zeros, 0xFFFF);
#else
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (unsigned j = 0; j < 2 * k; j++, b += 32) {
        uint64_t w[4];
        memcpy(w, b, 32);
        a0 |= w[0];
        a1 |= w[1];
        a2 |= w[2];
        a3 |= w[3];
    }
    return (uint32_t)nc_ct_nonzero64(a0 | a1 | a2 | a3);
#endif
}

/* Bit j set when b[j] is non-zero, for the 64 bytes at b; no branch. */
static inline uint64_t nonzero_bits(const uint8_t *b) {
    uint64_t bits = 0;
#ifdef __SSE2__
    for (unsigned j = 0; j < 4; j++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * j));
        uint32_t zeros = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128()));
        bits |= (uint64_t)(~zeros & 0xFFFFu) << (16 * j);
    }
#else
    for (unsigned j = 0; j < 64; j++) {
        bits |= (uint64_t)nc_ct_nonzero32(b[j]) << j;
    }
#endif
    return bits;
}

/* The index one past the last non-zero byte of p[0..n) (0 if none) and
 * that byte (RFC 8446 5.4: the content type), reading every byte the same
 * way.  Pass one finds, without a branch, the end of the last 256-byte
 * window holding a non-zero byte: windows at 0, 256, 512, ... and a last
 * one ending at n (overlapping the one before it; the last non-zero byte
 * is in the latest window that holds any).  Pass two finds the last such
 * 64-byte block inside that window.  Each position is declassified when
 * found: it is the content length rounded up to the window or block, and
 * the content length itself is public by design (nc_tls13_open returns
 * it and the caller copies that many bytes; the record's length bounds it
 * on the wire).  Pass three finds the byte inside that one block from
 * a mask of its non-zero bytes.  The buffer is read exactly, never past
 * n: under 256 bytes it is copied into a zero-padded window first. */
static size_t last_nonzero(const uint8_t *p, size_t n, uint32_t *value) {
    uint8_t small[256];
    const uint8_t *q = p;
    size_t m = n;
    if (n < sizeof small) {
        memset(small, 0, sizeof small);
        memcpy(small, p, n);
        q = small;
        m = sizeof small;
    }
    uint64_t span_end = 0; /* one past the last window with a non-zero byte */
    for (size_t i = 0; m - i > 256; i += 256) {
        span_end = nc_ct_mux64(any_nonzero(q + i, 4), (uint64_t)i + 256, span_end);
    }
    span_end = nc_ct_mux64(any_nonzero(q + m - 256, 4), (uint64_t)m, span_end);
    NC_DECLASSIFY(&span_end, sizeof span_end);
    uint64_t pos = 0;
    uint32_t val = 0;
    if (span_end) {
        const uint8_t *span = q + (size_t)span_end - 256;
        uint64_t block_end = 0; /* inside the window */
        for (unsigned b = 0; b < 256; b += 64) {
            block_end = nc_ct_mux64(any_nonzero(span + b, 1), b + 64, block_end);
        }
        NC_DECLASSIFY(&block_end, sizeof block_end);
        const uint8_t *block = span + block_end - 64;
        /* one bit per non-zero byte of the block, then the highest set
         * bit's index by a branch-free binary search; that index is the
         * content length's last bits, declassified to read the type byte */
        uint64_t bits = nonzero_bits(block);
        uint64_t at = 0;
        for (unsigned shift = 32; shift; shift >>= 1) {
            uint64_t hi = bits >> shift;
            uint64_t has = nc_ct_nonzero64(hi);
            at += has * shift;
            bits = nc_ct_mux64(has, hi, bits);
        }
        NC_DECLASSIFY(&at, sizeof at);
        val = block[at];
        pos = span_end - 256 + block_end - 64 + at + 1;
    }
    if (q == small) {
        nc_ct_wipe(small, n);
    }
    *value = val;
    return (size_t)pos;
}

int nc_tls13_open(const nc_tls_aead *a, uint64_t seq, const uint8_t header[5],
                  const uint8_t *body, size_t body_len, uint8_t *out, size_t out_len,
                  size_t *content_len) {
    *content_len = 0;
    if (body_len < 17 || body_len > TLS13_MAX_CIPHERTEXT ||
        (((size_t)header[3] << 8) | header[4]) != body_len || out_len < body_len - 16) {
        return -1;
    }
    size_t inner = body_len - 16;
    uint8_t aad[5];
    memcpy(aad, header, 5); /* before out (maybe overlapping) is written */
    uint8_t nonce[12];
    make_nonce(a, seq, nonce);
    int rc;
    if (a->alg == NC_TLS_AEAD_AES_GCM) {
        rc = nc_gcm_open(&a->gcm, nonce, 12, aad, 5, body, body_len, out);
    } else {
        rc = nc_chacha20poly1305_open(a->chacha_key, nonce, aad, 5, body, body_len, out);
    }
    /* the tag's verdict is public (the AEAD declassified it): a bad tag
     * (out is then all zero) ends here */
    if (rc != 0) {
        return -1;
    }
    uint32_t type;
    size_t end = last_nonzero(out, inner, &type);
    uint32_t has_type = nc_ct_nonzero32(type);
    /* a content type (1..255) or 0 (none: an all-zero inner plaintext) */
    *content_len = (size_t)nc_ct_mux64(has_type, (uint64_t)end - has_type, 0);
    return (int)type;
}

int64_t nc_tls13_seal_records(const nc_tls_aead *a, uint64_t seq, uint32_t content_type,
                              const uint8_t *content, size_t len, size_t step,
                              uint8_t *out, size_t out_len) {
    if (step == 0 || step > TLS13_MAX_CIPHERTEXT - 17) {
        return -1;
    }
    size_t count = len ? (len - 1) / step + 1 : 1;
    size_t total = len + 22 * count;
    /* total overflows only past 2^64 / 22 bytes; seq + count - 1 must not wrap */
    if (total < len || out_len < total || seq + (uint64_t)(count - 1) < seq) {
        return -1;
    }
    size_t in = 0, o = 0;
    for (size_t i = 0; i < count; i++) {
        size_t chunk = len - in < step ? len - in : step;
        int64_t n = nc_tls13_seal(a, seq + i, content_type, content + in, chunk, 0, out + o,
                                  out_len - o);
        if (n < 0) {
            return -1; /* not reached: the sizes were checked above */
        }
        in += chunk;
        o += (size_t)n;
    }
    return (int64_t)o;
}

nc_tls13_opened nc_tls13_open_app_records(const nc_tls_aead *a, uint64_t seq,
                                          const uint8_t *data, size_t len, size_t max_inner,
                                          uint8_t *out, size_t out_len) {
    size_t pos = 0, w = 0;
    uint64_t done = 0;
    /* record boundaries, types and lengths are public (they are on the wire) */
    while (len - pos >= 5 && data[pos] == 23 && data[pos + 1] == 3) {
        size_t body = ((size_t)data[pos + 3] << 8) | data[pos + 4];
        if (body > TLS13_MAX_CIPHERTEXT || body <= 16 || len - pos - 5 < body ||
            body - 16 > max_inner || out_len - w < body - 16 || (done && seq + done == 0)) {
            break;
        }
        size_t clen;
        int t = nc_tls13_open(a, seq + done, data + pos, data + pos + 5, body, out + w,
                              out_len - w, &clen);
        /* the verdict (tag, inner type) is public: the caller reports it */
        NC_DECLASSIFY(&t, sizeof t);
        NC_DECLASSIFY(&clen, sizeof clen);
        if (t != 23) {
            break;
        }
        w += clen;
        pos += 5 + body;
        done++;
    }
    nc_tls13_opened r = {done, pos, w};
    return r;
}
