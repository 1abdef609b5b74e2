"""ChaCha20-Poly1305 seal/open through the Python API, beside pyca/cryptography
(OpenSSL) measured in the same run; then the portable C path alone."""

from __future__ import annotations

from functools import partial

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305 as OpenSSLAEAD

import nocrypto.cpu
from bench.common import Table, alternate, mbps, ratio
from nocrypto.chacha import ChaCha20Poly1305

SIZES = (16384, 1024, 64)


def run() -> None:
    key, nonce, aad = bytes(range(32)), bytes(12), bytes(13)
    ours, ref = ChaCha20Poly1305(key), OpenSSLAEAD(key)
    table = Table("ChaCha20-Poly1305 (MB/s)",
                  ["operation", "nocrypto", "portable", "OpenSSL", "ratio", "portable ratio"])
    for size in SIZES:
        data = bytes(size)
        sealed = ref.encrypt(nonce, data, aad)
        cases = {
            "seal": (partial(ours.encrypt, nonce, data, aad), partial(ref.encrypt, nonce, data, aad)),
            "open": (partial(ours.decrypt, nonce, sealed, aad),
                     partial(ref.decrypt, nonce, sealed, aad)),
        }
        for op, (mine, theirs) in cases.items():
            fast = alternate({"ours": mine, "openssl": theirs})
            with nocrypto.cpu.portable():
                slow = alternate({"ours": mine}, rounds=3)
            a, p, o = (mbps(fast["ours"], size), mbps(slow["ours"], size),
                       mbps(fast["openssl"], size))
            table.row(f"{op} {size} B", a, p, o, ratio(a, o), ratio(p, o))
