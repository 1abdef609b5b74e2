/* Poly1305 one-time authenticator, RFC 8439 section 2.5.
 *
 * The accumulator h is kept in radix 2^64 as h0 + h1*2^64 + h2*2^128 with
 * h2 small (partially reduced mod p = 2^130 - 5).  r is clamped so that
 * r0, r1 < 2^60 and 4 | r1, which makes s1 = r1 + r1/4 = 5*r1/4 exact and
 * lets the 2^128 and 2^192 partial products fold back by multiplying with
 * s1 (2^130 = 5 mod p).  All products are 64x64->128 multiplications, and
 * the final reduction chooses between h and h - p with a mask: no branch
 * or index depends on the key or the message.  Long inputs go to the AVX2
 * four-block code (poly1305_avx2.c) when the CPU has it, checked per call.
 */
#include "chacha.h"

#include "chacha_impl.h"
#include "cpu.h"
#include "ct.h"

#ifndef POLY_AVX2_MIN
#define POLY_AVX2_MIN 32
#endif

static void poly1305_blocks(nc_poly1305_state *st, const uint8_t *m, size_t nblocks,
                            uint64_t padbit) {
    const uint64_t r0 = st->r0, r1 = st->r1, s1 = st->s1;
    uint64_t h0 = st->h0, h1 = st->h1, h2 = st->h2;
    for (; nblocks; nblocks--, m += 16) {
        nc_poly1305_step(&h0, &h1, &h2, m, padbit, r0, r1, s1);
    }
    st->h0 = h0;
    st->h1 = h1;
    st->h2 = h2;
}

void nc_poly1305_init(nc_poly1305_state *st, const uint8_t key[32]) {
    st->r0 = nc_load_le64(key) & 0x0ffffffc0fffffffULL;
    st->r1 = nc_load_le64(key + 8) & 0x0ffffffc0ffffffcULL;
    st->s1 = st->r1 + (st->r1 >> 2);
    st->h0 = st->h1 = st->h2 = 0;
    st->k0 = nc_load_le64(key + 16);
    st->k1 = nc_load_le64(key + 24);
    st->buflen = 0;
}

/* The lengths steer the buffering; they are public, the contents are not. */
void nc_poly1305_update(nc_poly1305_state *st, const uint8_t *msg, size_t len) {
    if (st->buflen) {
        size_t want = 16 - st->buflen;
        if (want > len) {
            want = len;
        }
        for (size_t i = 0; i < want; i++) {
            st->buf[st->buflen + i] = msg[i];
        }
        st->buflen += want;
        msg += want;
        len -= want;
        if (st->buflen < 16) {
            return;
        }
        poly1305_blocks(st, st->buf, 1, 1);
        st->buflen = 0;
    }
    if (len >= 16) {
        size_t n = len / 16;
#if defined(__x86_64__)
        /* From POLY_AVX2_MIN blocks on, the AVX2 lanes pay for their
         * setup (powers of r up to r^4); measured. */
        if (n >= POLY_AVX2_MIN && (nc_cpu_features() & NC_CPU_AVX2)) {
            size_t done = nc_poly1305_blocks_avx2(st, msg, n);
            msg += 16 * done;
            len -= 16 * done;
            n -= done;
        }
#endif
        poly1305_blocks(st, msg, n, 1);
        msg += 16 * n;
        len -= 16 * n;
    }
    for (size_t i = 0; i < len; i++) {
        st->buf[i] = msg[i];
    }
    st->buflen = len;
}

void nc_poly1305_pad16(nc_poly1305_state *st) {
    if (st->buflen) {
        for (size_t i = st->buflen; i < 16; i++) {
            st->buf[i] = 0;
        }
        poly1305_blocks(st, st->buf, 1, 1);
        st->buflen = 0;
    }
}

void nc_poly1305_final(nc_poly1305_state *st, uint8_t tag[16]) {
    if (st->buflen) {
        /* A short last block: append 1, pad with zeros, no 2^128 bit. */
        st->buf[st->buflen] = 1;
        for (size_t i = st->buflen + 1; i < 16; i++) {
            st->buf[i] = 0;
        }
        poly1305_blocks(st, st->buf, 1, 0);
    }
    uint64_t h0 = st->h0, h1 = st->h1, h2 = st->h2;
    /* h < 2p here.  g = h + 5 - 2^130 = h - p; keep g iff it is >= 0,
     * i.e. iff h + 5 reaches 2^130. */
    nc_u128 t = (nc_u128)h0 + 5;
    uint64_t g0 = (uint64_t)t;
    t = (nc_u128)h1 + (uint64_t)(t >> 64);
    uint64_t g1 = (uint64_t)t;
    uint64_t g2 = h2 + (uint64_t)(t >> 64);
    uint64_t use_g = g2 >> 2; /* 0 or 1 */
    h0 = nc_ct_mux64(use_g, g0, h0);
    h1 = nc_ct_mux64(use_g, g1, h1);
    /* tag = (h + s) mod 2^128 */
    t = (nc_u128)h0 + st->k0;
    h0 = (uint64_t)t;
    h1 = h1 + st->k1 + (uint64_t)(t >> 64);
    nc_store_le64(tag, h0);
    nc_store_le64(tag + 8, h1);
    nc_chacha_wipe(st, sizeof *st);
}

void nc_poly1305(const uint8_t key[32], const uint8_t *msg, size_t len, uint8_t tag[16]) {
    nc_poly1305_state st;
    nc_poly1305_init(&st, key);
    nc_poly1305_update(&st, msg, len);
    nc_poly1305_final(&st, tag);
}
