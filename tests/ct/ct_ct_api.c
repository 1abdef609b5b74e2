/* Constant-time check of the compare/select helpers (ct_api.c). */
#include "ct_api.h"
#include "ct_harness.h"

int main(void) {
    uint8_t a[64], b[64], out[64];
    ct_report_paths("ct_api");
    ct_fill(a, sizeof a, 1);
    ct_fill(b, sizeof b, 2);
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    int eq = nc_ct_memeq(a, b, sizeof a);
    PUBLIC(&eq, sizeof eq);
    uint32_t ctl = (uint32_t)(a[0] & 1);
    nc_ct_select(ctl, out, a, b, sizeof out);
    return eq == 2;
}
