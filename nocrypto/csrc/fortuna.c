/* Fortuna: the generator and the accumulator's pools (Ferguson, Schneier,
 * Kohno, "Cryptography Engineering", sections 9.4 and 9.5).
 *
 * Generator: K (AES-256 key) and C (128-bit counter, big-endian here).
 * Reseed(s): K = SHA-256d(K || s), C += 1.  A request for n bytes is
 * served in pieces of at most 2^20 bytes; each piece is ceil(len/16)
 * blocks E_K(C), E_K(C+1), ... (the rest of a last partial block is
 * dropped), and is followed by two more blocks that become the new K, so a
 * later compromise of K reveals nothing already produced.
 *
 * Accumulator: 32 SHA-256 contexts.  An event appends source, length and
 * data to one pool.  Reseed number r (1-based) takes SHA-256d of every pool
 * i with 2^i | r, empties those pools and reseeds the generator with the
 * digests concatenated in pool order.  When to reseed (pool 0 holds 64
 * bytes and 100 ms have passed) is decided by the caller, nocrypto.rng.
 *
 * Only the lengths and the reseed count steer control flow; key, counter
 * and pool contents never do.
 */
#include "rng.h"

#include "ct.h"

static void sha256d(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                    uint8_t out[32]) {
    nc_sha256_ctx c;
    uint8_t inner[32];
    nc_sha256_init(&c);
    nc_sha256_update(&c, a, alen);
    nc_sha256_update(&c, b, blen);
    nc_sha256_final(&c, inner);
    nc_sha256_init(&c);
    nc_sha256_update(&c, inner, sizeof inner);
    nc_sha256_final(&c, out);
    nc_ct_wipe(inner, sizeof inner);
    nc_ct_wipe(&c, sizeof c);
}

/* C += 1, big-endian, carrying through all 16 bytes (no early exit). */
static void ctr_inc(uint8_t c[16]) {
    uint32_t carry = 1;
    for (int i = 15; i >= 0; i--) {
        carry += c[i];
        c[i] = (uint8_t)carry;
        carry >>= 8;
    }
}

static void set_key(nc_fortuna *f, const uint8_t key[32]) {
    for (int i = 0; i < 32; i++) {
        f->key[i] = key[i];
    }
    nc_aes_init(&f->aes, f->key, 32);
}

void nc_fortuna_init(nc_fortuna *f) {
    nc_ct_wipe(f, sizeof *f);
    nc_aes_init(&f->aes, f->key, 32);
    for (int i = 0; i < NC_FORTUNA_POOLS; i++) {
        nc_sha256_init(&f->pools[i]);
    }
}

void nc_fortuna_reseed(nc_fortuna *f, const uint8_t *seed, size_t len) {
    uint8_t k[32];
    sha256d(f->key, sizeof f->key, seed, len, k);
    set_key(f, k);
    ctr_inc(f->ctr);
    f->seeded = 1;
    nc_ct_wipe(k, sizeof k);
}

void nc_fortuna_add_event(nc_fortuna *f, uint32_t source, uint32_t pool,
                          const uint8_t *data, size_t len) {
    uint8_t head[2] = {(uint8_t)source, (uint8_t)len};
    pool %= NC_FORTUNA_POOLS;
    nc_sha256_update(&f->pools[pool], head, sizeof head);
    nc_sha256_update(&f->pools[pool], data, len);
    f->pool_bytes[pool] += sizeof head + len;
}

void nc_fortuna_reseed_from_pools(nc_fortuna *f, uint64_t reseed_count) {
    uint8_t s[32 * NC_FORTUNA_POOLS], digest[32];
    size_t slen = 0;
    for (int i = 0; i < NC_FORTUNA_POOLS; i++) {
        if (i > 0 && (reseed_count & ((1ULL << i) - 1)) != 0) {
            break; /* 2^i does not divide r, nor does any higher power */
        }
        nc_sha256_final(&f->pools[i], digest);
        nc_sha256_ctx c;
        nc_sha256_init(&c);
        nc_sha256_update(&c, digest, sizeof digest);
        nc_sha256_final(&c, s + slen);
        nc_ct_wipe(&c, sizeof c);
        slen += 32;
        nc_sha256_init(&f->pools[i]);
        f->pool_bytes[i] = 0;
    }
    nc_fortuna_reseed(f, s, slen);
    nc_ct_wipe(s, sizeof s);
    nc_ct_wipe(digest, sizeof digest);
}

int nc_fortuna_generate(nc_fortuna *f, uint8_t *out, size_t len) {
    if (!f->seeded) {
        return -1;
    }
    /* do-while: even an empty request moves to a fresh key */
    do {
        size_t n = len < NC_FORTUNA_MAX_REQUEST ? len : NC_FORTUNA_MAX_REQUEST;
        nc_bytes_zero(out, n);
        nc_aes_ctr(&f->aes, f->ctr, out, out, n);
        uint8_t k[32] = {0};
        nc_aes_ctr(&f->aes, f->ctr, k, k, sizeof k);
        set_key(f, k);
        nc_ct_wipe(k, sizeof k);
        out += n;
        len -= n;
    } while (len > 0);
    return 0;
}

void nc_fortuna_wipe(nc_fortuna *f) {
    nc_ct_wipe(f, sizeof *f);
}
