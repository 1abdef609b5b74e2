/* TLS CBC records, RFC 5246 section 6.2.3.2 (and RFC 2246/4346, which
 * share the layout), with the Lucky Thirteen countermeasure; the
 * encrypt-then-MAC variant of RFC 7366.
 *
 * nc_tls_cbc_verify takes the decrypted fragment
 *     data[L] || mac[hl] || padding[p] || p
 * and must not reveal p, L, or whether the padding or the MAC was wrong,
 * through time or memory access.  Everything that depends on p therefore
 * runs over public bounds with masks:
 *
 * 1. Padding: the last min(256, len) bytes are all read; those within p+1
 *    of the end must equal p.  A bad padding is treated as p = 0 from then
 *    on (the MAC is still computed, over the longest possible data).
 * 2. MAC: HMAC's inner hash covers header(13) || data[L], and L is secret
 *    within a window of 256 bytes.  The blocks that surely hold only data
 *    are hashed normally; each remaining block up to the last one any
 *    valid L could need is built byte by byte (data byte, the 0x80 end
 *    marker, zero, or the length field, chosen with masks), compressed,
 *    and the chaining state is kept (constant-time copy) when that block
 *    is the real final one.  So the number of compressions depends only
 *    on the record length.
 * 3. The received MAC sits at a secret offset: the window where it may be
 *    is scanned in full and rotated into a buffer at a public index, and
 *    the secret rotation is undone with log2(hl) masked rotations.
 */
#include "tls_cbc.h"

#include "ct.h"
#include "hmac.h"

/* TLS caps records at 2^14 + 2048 bytes of ciphertext; this bound also
 * keeps every length below 2^31 for the 32-bit constant-time compares. */
#define MAX_REC (1u << 16)

static void header13(uint8_t h[13], const uint8_t prefix[11], uint32_t len) {
    for (int i = 0; i < 11; i++) {
        h[i] = prefix[i];
    }
    h[11] = (uint8_t)(len >> 8);
    h[12] = (uint8_t)len;
}

/* stream[j] for j >= start, where stream = h13 || rec || zeros (public j). */
static inline uint8_t stream_at(const uint8_t h13[13], const uint8_t *rec, size_t rec_len,
                                size_t j) {
    if (j < 13) return h13[j];
    if (j - 13 < rec_len) return rec[j - 13];
    return 0;
}

/* HMAC over header13(len) || rec[0..len) where len is secret, known to lie
 * in [lmin, lmax]; time depends on lmin, lmax and rec_len only. */
static void hmac_secret_len(const nc_hmac_ctx *key, const uint8_t prefix[11],
                            const uint8_t *rec, size_t rec_len, uint32_t len, size_t lmin,
                            size_t lmax, uint8_t *mac) {
    nc_hmac_ctx c = *key;
    int alg = c.inner.alg;
    size_t bs = nc_hash_block_size(alg);
    size_t lf = nc_hash_length_field(alg);
    size_t hl = nc_hash_size(alg);
    uint8_t h13[13], block[NC_HASH_MAX_BLOCK], lenbytes[16], inner[NC_HASH_MAX_SIZE];
    nc_hash_ctx final_state;

    header13(h13, prefix, len);
    /* Blocks entirely below the shortest possible message end. */
    size_t nmin = 13 + lmin, nmax = 13 + lmax;
    size_t b0 = nmin / bs;
    if (b0 > 0) {
        nc_hash_update(&c.inner, h13, 13);
        nc_hash_update(&c.inner, rec, b0 * bs - 13);
    }
    /* The inner hash's total length: the ipad block plus 13 + len. */
    uint32_t n = 13 + len;
    uint64_t bits = ((uint64_t)bs + n) * 8;
    for (size_t i = 0; i < 16; i++) {
        lenbytes[i] = 0;
    }
    nc_store_be64(lenbytes + lf - 8, bits);
    /* The final block holds the byte at position n + lf (0x80 at n). */
    unsigned shift = bs == 128 ? 7 : 6; /* a shift, not a division, on secrets */
    uint32_t kf = (n + (uint32_t)lf) >> shift;
    size_t bmax = (nmax + lf) / bs;
    final_state = c.inner;
    for (size_t b = b0; b <= bmax; b++) {
        uint32_t is_final = nc_ct_eq32((uint32_t)b, kf);
        for (size_t t = 0; t < bs; t++) {
            /* The barrier keeps the compiler from deriving the public
             * position from j - n (which would make it look secret). */
            uint32_t j = nc_ct_barrier32((uint32_t)(b * bs + t));
            uint32_t v = stream_at(h13, rec, rec_len, j);
            v &= nc_ct_mask32(nc_ct_lt32(j, n));
            v |= 0x80 & nc_ct_mask32(nc_ct_eq32(j, n));
            if (t >= bs - lf) {
                v = nc_ct_mux32(is_final, lenbytes[t - (bs - lf)], v);
            }
            block[t] = (uint8_t)v;
        }
        nc_hash_compress(&c.inner, block);
        nc_hash_state_cmov(is_final, &final_state, &c.inner);
    }
    nc_hash_state_out(&final_state, inner);
    nc_hash_update(&c.outer, inner, hl);
    nc_hash_final(&c.outer, mac);
    nc_ct_wipe(&c, sizeof c);
    nc_ct_wipe(&final_state, sizeof final_state);
    nc_ct_wipe(block, sizeof block);
    nc_ct_wipe(inner, sizeof inner);
}

int nc_tls_cbc_verify(int alg, const uint8_t *mac_key, size_t mac_key_len,
                      const uint8_t prefix[11], const uint8_t *rec, size_t rec_len,
                      size_t *data_len) {
    size_t hl = nc_hash_size(alg);
    nc_hmac_ctx key;
    uint8_t mac[NC_HASH_MAX_SIZE], got[NC_HASH_MAX_SIZE], tmp[NC_HASH_MAX_SIZE];
    *data_len = 0;
    if (hl == 0 || rec_len < hl + 1 || rec_len > MAX_REC) {
        return 0; /* public: too short to hold a MAC and a padding length */
    }
    uint32_t len32 = (uint32_t)rec_len;

    /* 1. Padding. */
    uint32_t pad = rec[rec_len - 1];
    uint32_t good = nc_ct_le32(pad + 1 + (uint32_t)hl, len32);
    size_t scan = rec_len < 256 ? rec_len : 256;
    for (size_t i = 1; i <= scan; i++) {
        uint32_t in_pad = nc_ct_le32((uint32_t)i, pad + 1);
        good &= ~(in_pad & nc_ct_neq32(rec[rec_len - i], pad));
    }
    good &= 1;
    pad = nc_ct_mux32(good, pad, 0);
    uint32_t len = len32 - (uint32_t)hl - 1 - pad;

    /* 2. The MAC over the secret length. */
    size_t lmax = rec_len - hl - 1;
    size_t lmin = lmax > 255 ? lmax - 255 : 0;
    nc_hmac_init(&key, alg, mac_key, mac_key_len);
    hmac_secret_len(&key, prefix, rec, rec_len, len, lmin, lmax, mac);

    /* 3. The received MAC: rec[len .. len + hl), gathered from the window
     *    rec[lmin .. lmax + hl) into got[] rotated by r = (len - lmin) % hl. */
    uint32_t r = 0;
    for (size_t i = 0; i < hl; i++) {
        got[i] = 0;
    }
    for (size_t j = lmin, idx = 0; j < lmax + hl; j++) {
        uint32_t jj = nc_ct_barrier32((uint32_t)j);
        uint32_t in_mac = nc_ct_ge32(jj, len) & nc_ct_lt32(jj, len + (uint32_t)hl);
        got[idx] |= (uint8_t)(rec[j] & nc_ct_mask32(in_mac));
        r |= (uint32_t)idx & nc_ct_mask32(nc_ct_eq32(jj, len));
        idx = idx + 1 == hl ? 0 : idx + 1; /* public */
    }
    /* Rotate left by r: got[k] <- got[(k + r) % hl]. */
    for (uint32_t s = 1; s < hl; s <<= 1) {
        uint32_t on = nc_ct_nonzero32(r & s);
        for (size_t k = 0, src = s; k < hl; k++) {
            tmp[k] = got[src];
            src = src + 1 == hl ? 0 : src + 1; /* public */
        }
        nc_ct_cmov(on, got, tmp, hl);
    }
    good &= 1 ^ nc_ct_nonzero32(nc_ct_diff(mac, got, hl));

    *data_len = len & nc_ct_mask32(good);
    nc_ct_wipe(&key, sizeof key);
    nc_ct_wipe(mac, sizeof mac);
    nc_ct_wipe(got, sizeof got);
    nc_ct_wipe(tmp, sizeof tmp);
    return (int)good;
}

/* Sealing side, where lengths are public: buf holds data[data_len] and has
 * room for the MAC and up to 256 padding bytes; appends
 * mac || padding || padding_length so the total is a multiple of
 * block_size, with pad_extra extra blocks of padding (length hiding; the
 * padding length byte must stay <= 255).  Returns the total length, or 0
 * on an unknown algorithm or impossible padding. */
size_t nc_tls_cbc_mac_and_pad(int alg, const uint8_t *mac_key, size_t mac_key_len,
                              const uint8_t prefix[11], uint8_t *buf, size_t data_len,
                              size_t block_size, size_t pad_extra) {
    size_t hl = nc_hash_size(alg);
    nc_hmac_ctx c;
    uint8_t h13[13];
    if (hl == 0 || block_size == 0 || block_size > 256 || data_len > 0xffff) {
        return 0;
    }
    size_t body = data_len + hl + 1;
    size_t pad = (block_size - body % block_size) % block_size + pad_extra * block_size;
    if (pad > 255) {
        return 0;
    }
    header13(h13, prefix, (uint32_t)data_len);
    nc_hmac_init(&c, alg, mac_key, mac_key_len);
    nc_hmac_update(&c, h13, 13);
    nc_hmac_update(&c, buf, data_len);
    nc_hmac_final(&c, buf + data_len);
    for (size_t i = 0; i <= pad; i++) {
        buf[data_len + hl + i] = (uint8_t)pad;
    }
    return body + pad;
}

/* The padding check alone, for encrypt-then-MAC records (RFC 7366), where
 * the MAC was already checked over the ciphertext: returns 1 and the data
 * length if rec ends in a valid padding, else 0; time depends on rec_len
 * only. */
int nc_tls_cbc_unpad(const uint8_t *rec, size_t rec_len, size_t *data_len) {
    *data_len = 0;
    if (rec_len == 0 || rec_len > MAX_REC) {
        return 0;
    }
    uint32_t len32 = (uint32_t)rec_len;
    uint32_t pad = rec[rec_len - 1];
    uint32_t good = nc_ct_le32(pad + 1, len32);
    size_t scan = rec_len < 256 ? rec_len : 256;
    for (size_t i = 1; i <= scan; i++) {
        uint32_t in_pad = nc_ct_le32((uint32_t)i, pad + 1);
        good &= ~(in_pad & nc_ct_neq32(rec[rec_len - i], pad));
    }
    good &= 1;
    *data_len = (len32 - 1 - pad) & nc_ct_mask32(good);
    return (int)good;
}

/* RFC 7366 section 3: MAC(MAC_write_key, seq_num || type || version ||
 * length || IV || ENC(content || padding || padding_length)), where ct is
 * IV || ciphertext and length is ct_len.  Returns 1 if tag (nc_hash_size
 * bytes) matches, comparing in constant time. */
int nc_tls_etm_mac_check(int alg, const uint8_t *mac_key, size_t mac_key_len,
                         const uint8_t prefix[11], const uint8_t *ct, size_t ct_len,
                         const uint8_t *tag) {
    size_t hl = nc_hash_size(alg);
    nc_hmac_ctx c;
    uint8_t h13[13], mac[NC_HASH_MAX_SIZE];
    if (hl == 0 || ct_len > 0xffff) {
        return 0;
    }
    header13(h13, prefix, (uint32_t)ct_len);
    nc_hmac_init(&c, alg, mac_key, mac_key_len);
    nc_hmac_update(&c, h13, 13);
    nc_hmac_update(&c, ct, ct_len);
    nc_hmac_final(&c, mac);
    uint32_t ok = 1 ^ nc_ct_nonzero32(nc_ct_diff(mac, tag, hl));
    nc_ct_wipe(mac, sizeof mac);
    return (int)ok;
}
