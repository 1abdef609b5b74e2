/* Constant-time check of X25519 (x25519.c, x25519_bmi2.c, ed25519.c's
 * fixed-base table): the private scalar is secret.  Under valgrind the
 * hardware path is the MULX one (valgrind hides ADX); its outputs must
 * equal the portable path's, for edge u values too. */
#include <string.h>

#include "ct_harness.h"
#include "x25519.h"

#define NK 3
#define NU 4

int main(void) {
    uint8_t k[NK][32], u[NU][32], pub[2][NK][32], out[2][NK][NU][32];
    ct_report_paths("x25519");
    for (int s = 0; s < NK; s++) ct_fill(k[s], 32, 1 + s);
    memset(k[2], 0xff, 32); /* the largest clamped scalar (>= L) */
    ct_fill(u[0], 32, 7);
    memset(u[1], 0xff, 32); /* 2^256 - 1: bit 255 ignored, then >= p */
    memset(u[2], 0xff, 32);
    u[2][0] = 0xec;         /* p - 1, of small order: the result is 0 */
    u[2][31] = 0x7f;
    memset(u[3], 0, 32);
    u[3][0] = 9;
    FOR_EACH_PATH(path) {
        for (int s = 0; s < NK; s++) {
            uint8_t sk[32];
            memcpy(sk, k[s], 32);
            SECRET(sk, sizeof sk);
            nc_x25519_base(pub[path][s], sk);
            PUBLIC(pub[path][s], 32);
            for (int j = 0; j < NU; j++) {
                int nonzero = nc_x25519(out[path][s][j], sk, u[j]);
                PUBLIC(&nonzero, sizeof nonzero);
                PUBLIC(out[path][s][j], 32);
                if (nonzero != (j != 2)) return 1;
            }
        }
    }
    if (memcmp(pub[0], pub[1], sizeof pub[0]) || memcmp(out[0], out[1], sizeof out[0])) return 1;
    for (int s = 0; s < NK; s++)  /* the fixed base is the ladder at u = 9 */
        if (memcmp(pub[0][s], out[0][s][3], 32)) return 1;
    return 0;
}
