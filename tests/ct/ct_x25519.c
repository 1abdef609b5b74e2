/* Constant-time check of X25519 (x25519.c): the private scalar is secret. */
#include "ct_harness.h"
#include "x25519.h"

int main(void) {
    uint8_t k[32], u[32], pub[32], out[32];
    ct_report_paths("x25519");
    FOR_EACH_PATH(path) {
        ct_fill(k, sizeof k, 1 + path);
        ct_fill(u, sizeof u, 7);
        SECRET(k, sizeof k);
        nc_x25519_base(pub, k);
        int nonzero = nc_x25519(out, k, u);
        PUBLIC(&nonzero, sizeof nonzero);
        PUBLIC(pub, sizeof pub);
        PUBLIC(out, sizeof out);
        if (!nonzero) return 1;
    }
    return 0;
}
