"""TLS CBC record open (AES-128-CBC + HMAC-SHA256, MAC-then-encrypt) through
the Python API: nocrypto's one-call constant-time open beside the same work
done with OpenSSL's primitives (pyca/cryptography: CBC decrypt, then HMAC
verify; not constant-time), in the same run; then nocrypto's portable C."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as pyca_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import nocrypto.cpu
from bench.common import Table, alternate, mbps, ratio
from nocrypto.tls_cbc import AESCBCRecord, mac_prefix

SIZES = [16384, 1024, 64]
KEY = bytes(range(16))
MAC_KEY = bytes(range(32))
IV = bytes(16)
PREFIX = mac_prefix(1, 23, 0x0303)


def _ours(wire: bytes) -> Callable[[], object]:
    rec = AESCBCRecord(KEY, "sha256", MAC_KEY)
    return lambda: rec.open(PREFIX, wire)


def _openssl(wire: bytes) -> Callable[[], object]:
    cipher = Cipher(algorithms.AES(KEY), modes.CBC(wire[:16]))

    def run() -> bytes:
        d = cipher.decryptor()
        plain = d.update(wire[16:]) + d.finalize()
        pad = plain[-1]
        data, mac = plain[: -pad - 1 - 32], plain[-pad - 1 - 32: -pad - 1]
        h = pyca_hmac.HMAC(MAC_KEY, hashes.SHA256())
        h.update(PREFIX + len(data).to_bytes(2, "big") + data)
        h.verify(mac)
        return data

    return run


def throughput() -> None:
    table = Table("TLS CBC record open, AES-128-CBC + HMAC-SHA256 (MB/s of data)",
                  ["size", "nocrypto", "OpenSSL", "ratio", "portable", "ratio"])
    for size in SIZES:
        data = bytes(size)
        wire = AESCBCRecord(KEY, "sha256", MAC_KEY).seal(PREFIX, IV, data)
        ref = _openssl(wire)
        assert ref() == data
        best = alternate({"ours": _ours(wire), "ref": ref})
        with nocrypto.cpu.portable():
            port = alternate({"portable": _ours(wire)}, rounds=3)["portable"]
        table.row(f"record {size} B", mbps(best["ours"], size), mbps(best["ref"], size),
                  ratio(best["ours"], best["ref"]), mbps(port, size), ratio(port, best["ref"]))


def _verify_call(rec: bytes) -> Callable[[], object]:
    from nocrypto._ffi import ffi, lib
    from nocrypto.hash import algorithm_id

    alg = algorithm_id("sha256")
    r = ffi.from_buffer(rec)
    p = ffi.from_buffer(PREFIX)
    out = ffi.new("size_t *")
    return lambda: lib.nc_tls_cbc_verify(alg, MAC_KEY, len(MAC_KEY), p, r, len(r), out)


def timing_classes() -> None:
    """Not a proof (that is `make ct`), a sanity check: the C check's time
    for 1024-byte records that differ only in padding length and validity."""
    from nocrypto.tls_cbc import mac_and_pad

    n = 1024
    short_pad = mac_and_pad("sha256", MAC_KEY, PREFIX, bytes(n - 32 - 1), 1)
    long_pad = mac_and_pad("sha256", MAC_KEY, PREFIX, bytes(n - 32 - 256), 1, 255)
    assert len(short_pad) == len(long_pad) == n
    bad_mac = bytearray(short_pad)
    bad_mac[n - 33] ^= 1
    bad_pad = bytearray(long_pad)
    bad_pad[n - 100] ^= 1
    cases = {
        "valid, padding 0": short_pad,
        "valid, padding 255": long_pad,
        "bad MAC, padding 0": bytes(bad_mac),
        "bad padding byte": bytes(bad_pad),
        "padding length > record": short_pad[:-1] + b"\xff",
    }
    rates = alternate({k: _verify_call(v) for k, v in cases.items()}, rounds=7)
    table = Table("CBC check time by record class (1024-byte records, HMAC-SHA256)",
                  ["record", "us per check"])
    for name, rate in rates.items():
        table.row(name, 1e6 / rate)


def run() -> None:
    throughput()
    timing_classes()
