/* AES-GCM (NIST SP 800-38D): J0, GCTR, GHASH over A || C || lengths, and
 * the tag; the API of gcm.h.  Bulk work goes to the stitched AES-NI +
 * PCLMULQDQ loop (gcm_ni.c) when the key has both, otherwise to the AES
 * path's CTR and the chosen GHASH. */
#include "gcm.h"

#include <string.h>

#include "aes_impl.h"
#include "cpu.h"
#include "ct.h"
#include "gcm_impl.h"

/* SP 800-38D: len(P) <= 2^39 - 256 bits */
#define GCM_MAX_LEN ((((uint64_t)1) << 36) - 32)
/* len(A) and len(IV) must fit the 64-bit bit counts */
#define GCM_MAX_AAD (UINT64_MAX >> 3)

static int allow_wide = 1;

void nc_gcm_allow_wide(int on) { allow_wide = on != 0; }

int nc_gcm_init(nc_gcm_key *g, const uint8_t *key, size_t keylen) {
    if (nc_aes_init(&g->aes, key, keylen) != 0) {
        return -1;
    }
    uint8_t hk[16] = {0};
    nc_aes_encrypt_blocks(&g->aes, hk, hk, 1);
    uint32_t need = NC_CPU_PCLMUL | NC_CPU_SSSE3 | NC_CPU_SSE41;
    uint32_t wide = NC_CPU_VAES | NC_CPU_VPCLMUL | NC_CPU_AVX2;
    for (size_t i = 0; i < sizeof g->h / sizeof g->h[0]; i++) {
        g->h[i] = 0;
    }
    if ((nc_cpu_features() & need) == need) {
        nc_ghash_pclmul_init(g->h, hk);
        g->ghash_path = NC_GHASH_PATH_PCLMUL;
        if (allow_wide && (nc_cpu_features() & wide) == wide && g->aes.path == NC_AES_PATH_NI) {
            g->ghash_path = NC_GHASH_PATH_VPCLMUL;
        }
    } else {
        nc_ghash_ct_init(g->h, hk);
        g->ghash_path = NC_GHASH_PATH_CT;
    }
    g->reserved = 0;
    nc_ct_wipe(hk, sizeof hk);
    return 0;
}

void nc_gcm_wipe(nc_gcm_key *g) {
    nc_ct_wipe(g, sizeof *g);
}

static void ghash(const nc_gcm_key *g, uint8_t y[16], const uint8_t *data, size_t len) {
    if (g->ghash_path != NC_GHASH_PATH_CT) {
        nc_ghash_pclmul(y, g->h, data, len);
    } else {
        nc_ghash_ct(y, g->h, data, len);
    }
}

static void ctr32(const nc_gcm_key *g, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
    if (g->aes.path == NC_AES_PATH_NI) {
        nc_aes_ni_ctr32(&g->aes, ctr, in, out, len);
    } else {
        nc_aes_ct_ctr32(&g->aes, ctr, in, out, len);
    }
}

static int stitched(const nc_gcm_key *g) {
    return g->aes.path == NC_AES_PATH_NI && g->ghash_path != NC_GHASH_PATH_CT;
}

static void make_j0(const nc_gcm_key *g, uint8_t j0[16], const uint8_t *nonce, size_t nlen) {
    if (nlen == 12) {
        for (int i = 0; i < 12; i++) {
            j0[i] = nonce[i];
        }
        j0[12] = j0[13] = j0[14] = 0;
        j0[15] = 1;
        return;
    }
    uint8_t lens[16] = {0};
    for (int i = 0; i < 16; i++) {
        j0[i] = 0;
    }
    ghash(g, j0, nonce, nlen);
    nc_store_be64(lens + 8, (uint64_t)nlen * 8);
    ghash(g, j0, lens, 16);
}

/* tag = E(J0) ^ GHASH(... || len(A) || len(C)) */
static void finish(const nc_gcm_key *g, uint8_t y[16], const uint8_t j0[16], size_t alen,
                   size_t clen, uint8_t tag[16]) {
    uint8_t lens[16];
    nc_store_be64(lens, (uint64_t)alen * 8);
    nc_store_be64(lens + 8, (uint64_t)clen * 8);
    ghash(g, y, lens, 16);
    nc_aes_encrypt_blocks(&g->aes, j0, tag, 1);
    for (int i = 0; i < 16; i++) {
        tag[i] ^= y[i];
    }
}

int nc_gcm_seal(const nc_gcm_key *g, const uint8_t *nonce, size_t nonce_len,
                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len, uint8_t *out) {
    if (nonce_len == 0 || (uint64_t)len > GCM_MAX_LEN || (uint64_t)aad_len > GCM_MAX_AAD ||
        (uint64_t)nonce_len > GCM_MAX_AAD) {
        return -1;
    }
    uint8_t j0[16], ctr[16], y[16] = {0};
    make_j0(g, j0, nonce, nonce_len);
    ghash(g, y, aad, aad_len);
    for (int i = 0; i < 16; i++) {
        ctr[i] = j0[i];
    }
    nc_aes_ctr_inc32(ctr, 1);
    if (stitched(g)) {
        size_t done = 0;
        if (g->ghash_path == NC_GHASH_PATH_VPCLMUL) {
            done = nc_gcm_vaes_seal_batches(g, ctr, y, in, out, len);
        }
        done += nc_gcm_ni_seal_batches(g, ctr, y, in + done, out + done, len - done);
        nc_gcm_ni_final(g, ctr, j0, y, in + done, out + done, len - done, aad_len, len, 0,
                        out + len);
    } else {
        ctr32(g, ctr, in, out, len);
        ghash(g, y, out, len);
        finish(g, y, j0, aad_len, len, out + len);
    }
    nc_ct_wipe(y, sizeof y);
    return 0;
}

int nc_gcm_seal_split(const nc_gcm_key *g, const uint8_t *nonce, size_t nonce_len,
                      const uint8_t *aad, size_t aad_len, const uint8_t *in1, size_t len1,
                      const uint8_t *in2, size_t len2, uint8_t *out) {
    size_t len = len1 + len2;
    if (nonce_len == 0 || len < len1 || (uint64_t)len > GCM_MAX_LEN ||
        (uint64_t)aad_len > GCM_MAX_AAD || (uint64_t)nonce_len > GCM_MAX_AAD) {
        return -1;
    }
    uint8_t j0[16], ctr[16], y[16] = {0};
    make_j0(g, j0, nonce, nonce_len);
    ghash(g, y, aad, aad_len);
    for (int i = 0; i < 16; i++) {
        ctr[i] = j0[i];
    }
    nc_aes_ctr_inc32(ctr, 1);
    size_t done = 0;
    if (stitched(g)) {
        /* whole batches straight from in1, then the rest of in1 and in2
         * (a little data) joined in out and sealed in place */
        if (g->ghash_path == NC_GHASH_PATH_VPCLMUL) {
            done = nc_gcm_vaes_seal_batches(g, ctr, y, in1, out, len1);
        }
        done += nc_gcm_ni_seal_batches(g, ctr, y, in1 + done, out + done, len1 - done);
    }
    if (out + done != in1 + done) {
        memmove(out + done, in1 + done, len1 - done);
    }
    memcpy(out + len1, in2, len2);
    if (stitched(g)) {
        size_t more = 0;
        if (g->ghash_path == NC_GHASH_PATH_VPCLMUL) {
            more = nc_gcm_vaes_seal_batches(g, ctr, y, out + done, out + done, len - done);
        }
        done += more;
        done += nc_gcm_ni_seal_batches(g, ctr, y, out + done, out + done, len - done);
        nc_gcm_ni_final(g, ctr, j0, y, out + done, out + done, len - done, aad_len, len, 0,
                        out + len);
    } else {
        ctr32(g, ctr, out, out, len);
        ghash(g, y, out, len);
        finish(g, y, j0, aad_len, len, out + len);
    }
    nc_ct_wipe(y, sizeof y);
    return 0;
}

int nc_gcm_open(const nc_gcm_key *g, const uint8_t *nonce, size_t nonce_len,
                const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len_with_tag,
                uint8_t *out) {
    if (nonce_len == 0 || len_with_tag < 16 || (uint64_t)(len_with_tag - 16) > GCM_MAX_LEN ||
        (uint64_t)aad_len > GCM_MAX_AAD || (uint64_t)nonce_len > GCM_MAX_AAD) {
        return -1;
    }
    size_t len = len_with_tag - 16;
    uint8_t j0[16], ctr[16], y[16] = {0}, tag[16], want[16];
    for (int i = 0; i < 16; i++) {
        tag[i] = in[len + i]; /* before any in-place write */
    }
    make_j0(g, j0, nonce, nonce_len);
    ghash(g, y, aad, aad_len);
    for (int i = 0; i < 16; i++) {
        ctr[i] = j0[i];
    }
    nc_aes_ctr_inc32(ctr, 1);
    if (stitched(g)) {
        size_t done = 0;
        if (g->ghash_path == NC_GHASH_PATH_VPCLMUL) {
            done = nc_gcm_vaes_open_batches(g, ctr, y, in, out, len);
        }
        done += nc_gcm_ni_open_batches(g, ctr, y, in + done, out + done, len - done);
        nc_gcm_ni_final(g, ctr, j0, y, in + done, out + done, len - done, aad_len, len, 1, want);
    } else {
        ghash(g, y, in, len); /* hash before decrypting in place */
        ctr32(g, ctr, in, out, len);
        finish(g, y, j0, aad_len, len, want);
    }
    /* ok = tags equal, compared without a branch; the verdict itself is
     * public (returned), so a failure clears the output after the fact */
    uint32_t ok = 1 ^ nc_ct_nonzero32(nc_ct_diff(tag, want, 16));
    NC_DECLASSIFY(&ok, sizeof ok);
    if (!ok) {
        memset(out, 0, len);
    }
    nc_ct_wipe(y, sizeof y);
    nc_ct_wipe(want, sizeof want);
    return (int)ok - 1;
}
