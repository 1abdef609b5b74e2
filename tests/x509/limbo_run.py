"""Run x509-limbo testcases through tlspy.x509.verify_chain and tabulate.

    python -m tests.x509.limbo_run [substring]   prints the table per namespace
    LIMBO_OPS=pyca python -m tests.x509.limbo_run  (signatures by the pyca oracle)
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import ipaddress
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from tests.x509.limbo_data import testcases
from tests.x509.pyca_ops import PycaOps
from tlspy import x509
from tlspy.x509 import oids
from tlspy.x509.keys import pem_blocks
from tlspy.x509.ops import DefaultOps, Ops
from tlspy.x509.verify import verify_chain

HANG_SECONDS = 5.0
_EKUS = {"serverAuth": oids.EKU_SERVER_AUTH, "clientAuth": oids.EKU_CLIENT_AUTH,
         "codeSigning": oids.EKU_CODE_SIGNING, "emailProtection": oids.EKU_EMAIL,
         "timeStamping": oids.EKU_TIME_STAMPING, "OCSPSigning": oids.EKU_OCSP_SIGNING,
         "anyExtendedKeyUsage": oids.EKU_ANY}


# Testcases that contradict other testcases in the same file, so no validator
# can pass both; we follow the side named here.  Each maps to the reason.
CONTRADICTIONS = {
    "pathlen::validation-ignores-pathlen-in-leaf":
        "a CA certificate as leaf; webpki::ca-as-leaf (same shape) must fail",
    "rfc5280::aki::cross-signed-root-missing-aki":
        "a cross-signed trust anchor without AKI; cve::cve-2024-0567 (same shape) must pass",
    **{f"webpki::cn::{n}": "a subject CN outside the SAN; the BetterTLS cases (e.g. "
       "bettertls::nameconstraints::tc1708) and rfc5280::nc::permitted-ipv4-match require it "
       "to be ignored" for n in (
           "not-in-san", "punycode-not-in-san", "utf8-vs-punycode-mismatch")},
}


def _unsupported(t: dict[str, Any]) -> str | None:
    if t.get("crls"):
        return "CRLs (revocation is out of scope)"
    return None


def _ops() -> Ops:
    """Signatures are checked by nocrypto (DefaultOps, the real stack);
    LIMBO_OPS=pyca swaps in the pyca oracle to score the path logic alone."""
    return PycaOps() if os.environ.get("LIMBO_OPS") == "pyca" else DefaultOps()


def _certs(pems: list[str]) -> list[x509.Certificate]:
    out = []
    for pem in pems:
        for _label, der in pem_blocks(pem):
            # an unparsable bundle member is simply unusable
            with contextlib.suppress(x509.CertificateParseError):
                out.append(x509.Certificate.from_der(der))
    return out


def run_case(t: dict[str, Any]) -> tuple[str, str]:
    """(outcome, detail): outcome is pass, bad-accepted, good-rejected, hang, skip, or
    conflict (the testcase contradicts another one and we follow the other)."""
    why = _unsupported(t)
    if why is not None:
        return "skip", why
    start = time.monotonic()
    accepted, detail = _validate(t)
    elapsed = time.monotonic() - start
    if elapsed > HANG_SECONDS:
        return "hang", f"{elapsed:.1f}s"
    want = t["expected_result"] == "SUCCESS"
    if accepted == want:
        return "pass", detail
    if any(c.startswith("webpki::") for c in t.get("conflicts_with") or ()):
        return "conflict", f"follows {t['conflicts_with'][0]}: {detail}"
    if t["id"] in CONTRADICTIONS:
        return "conflict", f"{CONTRADICTIONS[t['id']]}: {detail}"
    return ("bad-accepted" if accepted else "good-rejected"), detail


def _validate(t: dict[str, Any]) -> tuple[bool, str]:
    try:
        leaf = x509.Certificate.from_pem(t["peer_certificate"])
    except x509.CertificateParseError as e:
        return False, f"leaf: {e}"
    peer = t.get("expected_peer_name")
    name: Any = None
    if peer:
        if peer["kind"] == "IP":
            name = ipaddress.ip_address(peer["value"])
        elif peer["kind"] == "DNS":
            name = peer["value"]
    at = dt.datetime.fromisoformat(t["validation_time"]) if t.get("validation_time") else None
    ekus = [_EKUS[e] for e in t.get("extended_key_usage") or []] or None
    try:
        verify_chain(leaf, _certs(t["untrusted_intermediates"]), _certs(t["trusted_certs"]),
                     name=name, at=at, usage="client" if t["validation_kind"] == "CLIENT" else "server",
                     ekus=ekus, max_depth=t.get("max_chain_depth"), ops=_ops())
    except x509.ValidationError as e:
        return False, str(e)
    return True, "accepted"


@dataclass
class Tally:
    counts: dict[str, collections.Counter[str]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter))
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, tid: str, outcome: str, detail: str) -> None:
        self.counts[tid.split("::")[0]][outcome] += 1
        if outcome != "pass":
            self.failures.append((outcome, tid, detail))

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    def table(self) -> str:
        cols = ["pass", "bad-accepted", "good-rejected", "hang", "skip", "conflict"]
        lines = [f"{'namespace':<14}" + "".join(f"{c:>15}" for c in cols)]
        for ns in sorted(self.counts):
            lines.append(f"{ns:<14}" + "".join(f"{self.counts[ns][c]:>15}" for c in cols))
        lines.append(f"{'TOTAL':<14}" + "".join(f"{self.total(c):>15}" for c in cols))
        return "\n".join(lines)


def run_all(substring: str = "") -> Tally:
    tally = Tally()
    for t in testcases():
        if substring in t["id"]:
            outcome, detail = run_case(t)
            tally.add(t["id"], outcome, detail)
    return tally


if __name__ == "__main__":
    start = time.monotonic()
    tally = run_all(sys.argv[1] if len(sys.argv) > 1 else "")
    for outcome, tid, detail in sorted(tally.failures):
        print(f"{outcome:14} {tid}: {detail}")
    print(tally.table())
    print(f"{time.monotonic() - start:.1f}s")
