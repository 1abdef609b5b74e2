"""Hash and HMAC throughput through the Python API, beside OpenSSL
(pyca/cryptography) measured in the same run; then nocrypto's portable C."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as pyca_hmac

import nocrypto.cpu
import nocrypto.hash
import nocrypto.mac
from bench.common import Table, alternate, mbps, ratio

SIZES = [16384, 1024, 64]
PYCA: dict[str, hashes.HashAlgorithm] = {
    "sha1": hashes.SHA1(), "sha256": hashes.SHA256(), "sha384": hashes.SHA384(),
}
KEY = bytes(range(32))


def _ours_hash(name: str, data: bytes) -> Callable[[], object]:
    digest = nocrypto.hash.digest
    return lambda: digest(name, data)


def _pyca_hash(name: str, data: bytes) -> Callable[[], object]:
    algo = PYCA[name]

    def run() -> bytes:
        h = hashes.Hash(algo)
        h.update(data)
        return h.finalize()

    return run


def _ours_hmac(data: bytes) -> Callable[[], object]:
    hmac = nocrypto.mac.hmac
    return lambda: hmac("sha256", KEY, data)


def _pyca_hmac(data: bytes) -> Callable[[], object]:
    def run() -> bytes:
        h = pyca_hmac.HMAC(KEY, hashes.SHA256())
        h.update(data)
        return h.finalize()

    return run


def run() -> None:
    table = Table("hashes (MB/s)", ["primitive / size", "nocrypto", "OpenSSL", "ratio",
                                    "portable", "ratio"])
    labels = ["SHA256", "SHA384", "SHA1", "HMAC-SHA256"]
    for label in labels:
        for size in SIZES:
            data = bytes(size)
            name = label.lower()
            if label.startswith("HMAC"):
                ours, ref = _ours_hmac(data), _pyca_hmac(data)
            else:
                ours, ref = _ours_hash(name, data), _pyca_hash(name, data)
            best = alternate({"ours": ours, "ref": ref})
            with nocrypto.cpu.portable():
                # objects choose their path when made: build the portable one here
                port_fn = _ours_hmac(data) if label.startswith("HMAC") else _ours_hash(name, data)
                port = alternate({"portable": port_fn}, rounds=3)["portable"]
            table.row(f"{label} {size} B", mbps(best["ours"], size), mbps(best["ref"], size),
                      ratio(best["ours"], best["ref"]), mbps(port, size),
                      ratio(port, best["ref"]))
