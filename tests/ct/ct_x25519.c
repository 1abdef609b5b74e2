/* Constant-time check of X25519 (x25519.c, x25519_bmi2.c, ed25519.c's
 * fixed-base table): the private scalar is secret.  Under valgrind the
 * hardware path is the BMI2 one (valgrind hides ADX); the outputs of the
 * two paths must agree. */
#include <string.h>

#include "ct_harness.h"
#include "x25519.h"

int main(void) {
    uint8_t k[3][32], u[32], pub[2][3][32], out[2][3][32];
    ct_report_paths("x25519");
    for (int s = 0; s < 3; s++) ct_fill(k[s], 32, 1 + s);
    memset(k[2], 0xff, 32); /* the largest clamped scalar, >= L */
    ct_fill(u, sizeof u, 7);
    FOR_EACH_PATH(path) {
        for (int s = 0; s < 3; s++) {
            uint8_t sk[32];
            memcpy(sk, k[s], 32);
            SECRET(sk, sizeof sk);
            nc_x25519_base(pub[path][s], sk);
            int nonzero = nc_x25519(out[path][s], sk, u);
            PUBLIC(&nonzero, sizeof nonzero);
            PUBLIC(pub[path][s], 32);
            PUBLIC(out[path][s], 32);
            if (!nonzero) return 1;
        }
    }
    if (memcmp(pub[0], pub[1], sizeof pub[0]) || memcmp(out[0], out[1], sizeof out[0])) return 1;
    return 0;
}
