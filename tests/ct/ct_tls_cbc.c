/* Constant-time check of the TLS CBC record check (tls_cbc.c): the whole
 * decrypted record (data, MAC, padding, padding length) and the MAC key are
 * secret; only the record length, the prefix and the verdict are public.
 * Records with valid and invalid padding and MAC, of every padding length
 * class, must all pass without a report.  SHA-NI is hidden under valgrind
 * (see ct_hash.c). */
#include "ct_harness.h"
#include "hmac.h"
#include "tls_cbc.h"
#include "tls_cbc_aes.h"

static int failures;

static void check(int alg, size_t data_len, size_t pad, int corrupt) {
    uint8_t key[32], prefix[11], rec[1200];
    size_t hl = nc_hash_size(alg);
    ct_fill(key, sizeof key, (uint32_t)(data_len + pad));
    ct_fill(prefix, sizeof prefix, 3);
    ct_fill(rec, sizeof rec, (uint32_t)data_len);
    size_t n = nc_tls_cbc_mac_and_pad(alg, key, sizeof key, prefix, rec, data_len, 1, pad);
    if (corrupt == 1) rec[data_len] ^= 1;              /* MAC */
    if (corrupt == 2 && pad > 0) rec[n - 2] ^= 0x40;   /* a padding byte */
    if (corrupt == 3) rec[n - 1] = (uint8_t)(pad ^ 0x80); /* padding length */
    SECRET(key, sizeof key);
    SECRET(rec, n);
    size_t dl;
    int ok = nc_tls_cbc_verify(alg, key, sizeof key, prefix, rec, n, &dl);
    PUBLIC(&ok, sizeof ok);
    PUBLIC(&dl, sizeof dl);
    if (ok != (corrupt == 0 || (corrupt == 2 && pad == 0)) || (ok && dl != data_len)) {
        printf("wrong verdict: alg %d len %zu pad %zu corrupt %d -> %d\n", alg, data_len, pad,
               corrupt, ok);
        failures++;
    }
    int up = nc_tls_cbc_unpad(rec + data_len + hl, n - data_len - hl, &dl);
    PUBLIC(&up, sizeof up);
    (void)hl;
}

/* Whole AES-CBC records: AES key and MAC key secret (so the decrypted
 * record is too), ciphertext and IV public; MAC-then-encrypt and
 * encrypt-then-MAC, sealed with varying padding, opened intact and with a
 * corrupted byte. */
static void check_aes(int alg, int etm, size_t data_len, size_t pad_extra, int corrupt) {
    uint8_t aes_key[16], mac_key[32], prefix[11], iv[16], buf[700];
    nc_aes_key k;
    ct_fill(aes_key, sizeof aes_key, 21);
    ct_fill(mac_key, sizeof mac_key, 22);
    ct_fill(prefix, sizeof prefix, 23);
    ct_fill(iv, sizeof iv, 24);
    ct_fill(buf, sizeof buf, (uint32_t)data_len);
    SECRET(aes_key, sizeof aes_key);
    SECRET(mac_key, sizeof mac_key);
    nc_aes_init(&k, aes_key, sizeof aes_key);
    size_t n = etm ? nc_tls_etm_seal(&k, iv, buf, data_len, sizeof buf, alg, mac_key,
                                     sizeof mac_key, prefix, pad_extra)
                   : nc_tls_cbc_seal(&k, iv, buf, data_len, sizeof buf, alg, mac_key,
                                     sizeof mac_key, prefix, pad_extra);
    PUBLIC(buf, n); /* the ciphertext goes on the wire */
    if (corrupt) buf[n / 2] ^= 4;
    size_t dl;
    int ok = etm ? nc_tls_etm_open(&k, iv, buf, n, alg, mac_key, sizeof mac_key, prefix, &dl)
                 : nc_tls_cbc_open(&k, iv, buf, n, alg, mac_key, sizeof mac_key, prefix, &dl);
    PUBLIC(&ok, sizeof ok);
    PUBLIC(&dl, sizeof dl);
    if (n == 0 || ok != !corrupt || (ok && dl != data_len)) {
        printf("wrong verdict: aes alg %d etm %d len %zu corrupt %d -> %d\n", alg, etm,
               data_len, corrupt, ok);
        failures++;
    }
}

int main(void) {
    static const int algs[] = {NC_SHA1, NC_SHA256, NC_SHA384};
    ct_report_paths("tls_cbc");
    FOR_EACH_PATH(path) {
        for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
            for (size_t len = 0; len < 700; len += 233) {
                static const size_t pads[] = {0, 1, 15, 100, 255};
                for (size_t p = 0; p < sizeof pads / sizeof pads[0]; p++) {
                    for (int corrupt = 0; corrupt < 4; corrupt++) {
                        check(algs[a], len, pads[p], corrupt);
                    }
                }
            }
        }
        for (int etm = 0; etm < 2; etm++) {
            for (size_t len = 0; len < 400; len += 131) {
                for (size_t extra = 0; extra < 15; extra += 7) {
                    check_aes(NC_SHA256, etm, len, extra, 0);
                    check_aes(NC_SHA1, etm, len, extra, 1);
                }
            }
        }
        /* The MAC-then-encrypt seal and the RFC 7366 MAC check. */
        uint8_t key[20], prefix[11], buf[400], tag[64];
        ct_fill(key, sizeof key, 9);
        ct_fill(prefix, sizeof prefix, 10);
        ct_fill(buf, sizeof buf, 11);
        SECRET(key, sizeof key);
        SECRET(buf, 100);
        size_t n = nc_tls_cbc_mac_and_pad(NC_SHA256, key, sizeof key, prefix, buf, 100, 16, 2);
        ct_fill(tag, sizeof tag, 12);
        SECRET(tag, sizeof tag);
        int ok = nc_tls_etm_mac_check(NC_SHA256, key, sizeof key, prefix, buf, n, tag);
        PUBLIC(&ok, sizeof ok);
    }
    return failures != 0;
}
