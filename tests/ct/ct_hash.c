/* Constant-time check of SHA-1/224/256/384/512 (hash.c, sha*.c): the data
 * is secret; lengths are public.  Valgrind hides SHA-NI from CPUID, so the
 * "hardware" pass runs the portable SHA-256 too (the SHA-NI instructions
 * are data-independent in timing by design). */
#include "ct_harness.h"
#include "hash.h"

int main(void) {
    static const int algs[] = {NC_SHA1, NC_SHA224, NC_SHA256, NC_SHA384, NC_SHA512};
    static const size_t lens[] = {0, 1, 55, 56, 64, 111, 112, 128, 300, 640, 700};
    uint8_t data[700], out[64];
    ct_report_paths("hash");
    FOR_EACH_PATH(path) {
        for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
            for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
                ct_fill(data, sizeof data, (uint32_t)(a * 31 + l));
                SECRET(data, sizeof data);
                nc_hash(algs[a], data, lens[l], out);
                nc_hash_ctx c;
                nc_hash_init(&c, algs[a]);
                nc_hash_update(&c, data, lens[l] / 3);
                nc_hash_update(&c, data + lens[l] / 3, lens[l] - lens[l] / 3);
                nc_hash_ctx copy = c;
                nc_hash_final(&copy, out);
                nc_hash_final(&c, out);
                PUBLIC(out, sizeof out);
            }
        }
    }
    return 0;
}
