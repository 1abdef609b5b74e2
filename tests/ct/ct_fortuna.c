/* Constant-time check of the Fortuna generator and pools (fortuna.c):
 * seed material and event data are secret, and so is everything derived
 * from them (key, counter, pools, output).  Only the lengths and the reseed
 * count may steer control flow. */
#include "ct_harness.h"
#include "rng.h"

int main(void) {
    static nc_fortuna f;
    uint8_t seed[48], event[32], out[1000];
    ct_report_paths("ct_fortuna");
    FOR_EACH_PATH(path) {
        nc_fortuna_init(&f);
        ct_fill(seed, sizeof seed, 1 + (uint32_t)path);
        SECRET(seed, sizeof seed);
        nc_fortuna_reseed(&f, seed, sizeof seed);
        nc_fortuna_generate(&f, out, sizeof out);
        nc_fortuna_generate(&f, out, 0);
        for (uint64_t r = 1; r <= 8; r++) {
            for (uint32_t pool = 0; pool < 4; pool++) {
                ct_fill(event, sizeof event, (uint32_t)(r * 7 + pool));
                SECRET(event, sizeof event);
                nc_fortuna_add_event(&f, 3, pool, event, sizeof event);
            }
            nc_fortuna_reseed_from_pools(&f, r);
            nc_fortuna_generate(&f, out, 37 * r);
        }
        nc_fortuna_wipe(&f);
    }
    return 0;
}
