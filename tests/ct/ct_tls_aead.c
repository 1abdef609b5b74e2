/* Constant-time check of TLS 1.3 record protection (tls_aead.c): key, iv,
 * content and padding bytes secret; seal, open (good tag, bad tag in
 * place, all-zero inner plaintext) for AES-GCM (128/256) and
 * ChaCha20-Poly1305, on both paths.  Only the verdict (the returned
 * content type / error) and the content length are declassified (inside,
 * the AEAD declassifies its tag verdict and the padding scan the content
 * length rounded up to 256, then to 64, before reading that one block
 * again).  Lengths cover the 64-byte scan blocks, the 256-byte spans,
 * tails, an empty content and (ChaCha20-Poly1305's stitched loop) several
 * 512-byte batches with a tail.
 * The aligned seal (nc_tls13_seal_aligned) gives the same record.
 * The batch calls (seal_records, open_app_records) too: only their
 * returned counts are declassified; and a key made from a secret traffic
 * secret (nc_tls_aead_from_secret). */
#include "ct_harness.h"
#include "hash.h"
#include "tls_aead.h"

#define MAXC 2600

int main(void) {
    static const size_t lens[8] = {0, 63, 64, 200, 255, 300, 1100, 2600};
    static const size_t pads[3] = {0, 1, 70};
    static const uint32_t algs[3] = {NC_TLS_AEAD_AES_GCM, NC_TLS_AEAD_AES_GCM,
                                     NC_TLS_AEAD_CHACHA20_POLY1305};
    static const size_t keylens[3] = {16, 32, 32};
    uint8_t key[32], iv[12], content[MAXC], rec[5 + MAXC + 1 + 70 + 16], out[MAXC + 1 + 70];
    uint8_t aligned[5 + MAXC + 1 + 70 + 16 + 31];
    nc_tls_aead a;
    ct_report_paths("tls_aead");
    FOR_EACH_PATH(path) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 8; j++) {
                for (int k = 0; k < 3; k++) {
                    size_t len = lens[j], pad = pads[k];
                    ct_fill(key, sizeof key, 1 + (uint32_t)i);
                    ct_fill(iv, sizeof iv, 2);
                    ct_fill(content, sizeof content, 3 + (uint32_t)j);
                    SECRET(key, sizeof key);
                    SECRET(iv, sizeof iv);
                    SECRET(content, sizeof content);
                    if (nc_tls_aead_init(&a, algs[i], key, keylens[i], iv) != 0) return 1;
                    int64_t n = nc_tls13_seal(&a, 0x0102030405060708u, 23, content, len, pad,
                                              rec, sizeof rec);
                    PUBLIC(&n, sizeof n);
                    if (n != (int64_t)(5 + len + 1 + pad + 16)) return 2;
                    PUBLIC(rec, (size_t)n);
                    /* the aligned placement: the same record, at the offset returned */
                    int64_t k = nc_tls13_seal_aligned(&a, 0x0102030405060708u, 23, content, len,
                                                      pad, aligned, sizeof aligned);
                    PUBLIC(&k, sizeof k);
                    if (k < 0 || k > 31) return 12;
                    PUBLIC(aligned + k, (size_t)n); /* a ciphertext, as rec */
                    if (memcmp(aligned + k, rec, (size_t)n) != 0) return 13;
                    size_t clen;
                    int t = nc_tls13_open(&a, 0x0102030405060708u, rec, rec + 5, (size_t)n - 5, out,
                                          sizeof out, &clen);
                    PUBLIC(&t, sizeof t);
                    PUBLIC(&clen, sizeof clen);
                    if (t != 23 || clen != len) return 3;
                    rec[5 + len / 2] ^= 1; /* bad tag, opened in place */
                    t = nc_tls13_open(&a, 0x0102030405060708u, rec, rec + 5, (size_t)n - 5,
                                      rec + 5, (size_t)n - 5, &clen);
                    PUBLIC(&t, sizeof t);
                    PUBLIC(&clen, sizeof clen);
                    if (t != -1 || clen != 0) return 4;
                    /* all-zero inner plaintext: content type 0 */
                    uint8_t zero[1] = {0};
                    n = nc_tls13_seal(&a, 9, 0, zero, 0, pad, rec, sizeof rec); /* type 0 */
                    PUBLIC(&n, sizeof n);
                    if (n != (int64_t)(5 + 1 + pad + 16)) return 5;
                    PUBLIC(rec, (size_t)n);
                    t = nc_tls13_open(&a, 9, rec, rec + 5, (size_t)n - 5, out, sizeof out, &clen);
                    PUBLIC(&t, sizeof t);
                    PUBLIC(&clen, sizeof clen);
                    if (t != 0 || clen != 0) return 6;
                    nc_tls_aead_wipe(&a);
                }
            }
            /* a batch: 200 secret bytes as records of 64, opened together */
            uint8_t batch[200 + 4 * 22], plain[200 + 4 * 22];
            ct_fill(key, sizeof key, 9);
            ct_fill(content, sizeof content, 10);
            SECRET(key, sizeof key);
            SECRET(content, sizeof content);
            if (nc_tls_aead_init(&a, algs[i], key, keylens[i], iv) != 0) return 7;
            int64_t n = nc_tls13_seal_records(&a, 5, 23, content, 200, 64, batch, sizeof batch);
            PUBLIC(&n, sizeof n);
            if (n != (int64_t)sizeof batch) return 8;
            PUBLIC(batch, sizeof batch);
            nc_tls13_opened r = nc_tls13_open_app_records(&a, 5, batch, sizeof batch, 1 << 14,
                                                          plain, sizeof plain);
            PUBLIC(&r, sizeof r);
            if (r.records != 4 || r.used != sizeof batch || r.written != 200) return 9;
            nc_tls_aead_wipe(&a);
            /* from a traffic secret: key and iv derived inside, then a seal */
            uint8_t secret[48];
            ct_fill(secret, sizeof secret, 11);
            SECRET(secret, sizeof secret);
            SECRET(content, sizeof content);
            if (nc_tls_aead_from_secret(&a, algs[i], NC_SHA256, secret, 32, keylens[i]) != 0 ||
                nc_tls_aead_from_secret(&a, algs[i], NC_SHA384, secret, 48, keylens[i]) != 0) {
                return 10;
            }
            n = nc_tls13_seal(&a, 3, 23, content, 100, 0, rec, sizeof rec);
            PUBLIC(&n, sizeof n);
            if (n != 5 + 100 + 1 + 16) return 11;
            nc_tls_aead_wipe(&a);
        }
    }
    return 0;
}
