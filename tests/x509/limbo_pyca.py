"""The oracle's score on the same file: x509-limbo through pyca/cryptography's
verifier (test-only), tabulated like tests.x509.limbo_run.

    python -m tests.x509.limbo_pyca
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import time
import warnings
from typing import Any

from cryptography import x509 as cx
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store

from tests.x509.limbo_data import testcases
from tests.x509.limbo_run import Tally

_EKU = {"serverAuth": ExtendedKeyUsageOID.SERVER_AUTH, "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH}


def _load(pems: list[str]) -> list[cx.Certificate]:
    out = []
    for p in pems:
        with contextlib.suppress(Exception):
            out.append(cx.load_pem_x509_certificate(p.encode()))
    return out


def _accepts(t: dict[str, Any]) -> bool:
    try:
        leaf = cx.load_pem_x509_certificate(t["peer_certificate"].encode())
        roots = _load(t["trusted_certs"])
        b = PolicyBuilder().store(Store(roots))
        if t.get("validation_time"):
            b = b.time(dt.datetime.fromisoformat(t["validation_time"]))
        if t.get("max_chain_depth") is not None:
            b = b.max_chain_depth(t["max_chain_depth"])
        inter = _load(t["untrusted_intermediates"])
        if t["validation_kind"] == "CLIENT":
            b.build_client_verifier().verify(leaf, inter)
            return True
        peer = t["expected_peer_name"]
        name: cx.GeneralName = (cx.IPAddress(ipaddress.ip_address(peer["value"]))
                                if peer["kind"] == "IP" else cx.DNSName(peer["value"]))
        b.build_server_verifier(name).verify(leaf, inter)
        return True
    except Exception:
        return False


def main() -> None:
    warnings.simplefilter("ignore")
    tally = Tally()
    start = time.monotonic()
    for t in testcases():
        if t.get("crls"):
            tally.add(t["id"], "skip", "CRL")
            continue
        if t.get("extended_key_usage") and any(e not in _EKU for e in t["extended_key_usage"]):
            tally.add(t["id"], "skip", "EKU")
            continue
        ok = _accepts(t)
        want = t["expected_result"] == "SUCCESS"
        tally.add(t["id"], "pass" if ok == want else ("bad-accepted" if ok else "good-rejected"), "")
    for o, tid, _d in sorted(tally.failures):
        print(o, tid)
    print(tally.table())
    print(f"{time.monotonic() - start:.1f}s")


if __name__ == "__main__":
    main()
