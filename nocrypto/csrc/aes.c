/* AES (FIPS 197) and the ECB, CTR and CBC modes (NIST SP 800-38A): the
 * API of aes.h.  Expands the key once (the constant-time schedule of the
 * chosen path: AESKEYGENASSIST or the bitsliced S-box) and dispatches
 * every call on the path recorded in the key. */
#include "aes.h"

#include "aes_impl.h"
#include "cpu.h"
#include "ct.h"

int nc_aes_init(nc_aes_key *k, const uint8_t *key, size_t keylen) {
    uint8_t rk[240];
    uint32_t need = NC_CPU_AESNI | NC_CPU_SSSE3 | NC_CPU_SSE41;
    int ni = (nc_cpu_features() & need) == need;
    unsigned rounds = ni ? nc_aes_ni_schedule(rk, key, keylen) : nc_aes_ct_schedule(rk, key, keylen);
    if (rounds == 0) {
        return -1;
    }
    if (ni) {
        nc_aes_ni_setup(k, rk, rounds);
    } else {
        nc_aes_ct_setup(k, rk, rounds);
    }
    nc_ct_wipe(rk, sizeof rk);
    return 0;
}

void nc_aes_encrypt_blocks(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks) {
    if (k->path == NC_AES_PATH_NI) {
        nc_aes_ni_ecb_enc(k, in, out, nblocks);
    } else {
        nc_aes_ct_ecb_enc(k, in, out, nblocks);
    }
}

void nc_aes_decrypt_blocks(const nc_aes_key *k, const uint8_t *in, uint8_t *out, size_t nblocks) {
    if (k->path == NC_AES_PATH_NI) {
        nc_aes_ni_ecb_dec(k, in, out, nblocks);
    } else {
        nc_aes_ct_ecb_dec(k, in, out, nblocks);
    }
}

void nc_aes_ctr(const nc_aes_key *k, uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t len) {
    if (k->path == NC_AES_PATH_NI) {
        nc_aes_ni_ctr(k, ctr, in, out, len);
    } else {
        nc_aes_ct_ctr(k, ctr, in, out, len);
    }
}

void nc_aes_cbc_encrypt(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len) {
    if (k->path == NC_AES_PATH_NI) {
        nc_aes_ni_cbc_enc(k, iv, in, out, len);
    } else {
        nc_aes_ct_cbc_enc(k, iv, in, out, len);
    }
}

void nc_aes_cbc_decrypt(const nc_aes_key *k, uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len) {
    if (k->path == NC_AES_PATH_NI) {
        nc_aes_ni_cbc_dec(k, iv, in, out, len);
    } else {
        nc_aes_ct_cbc_dec(k, iv, in, out, len);
    }
}

void nc_aes_wipe(nc_aes_key *k) {
    nc_ct_wipe(k, sizeof *k);
}
