"""X.509: parse and validate a 3-certificate chain (root, intermediate, leaf;
ECDSA P-256), per second, beside pyca/cryptography's verifier in the same run.

Signatures are checked by nocrypto when its ECDSA is available (the default
ops); otherwise the row says so and uses pyca's primitives behind our ops, so
the figure then measures our parsing and path logic only."""

from __future__ import annotations

import importlib.util

from cryptography import x509 as cx
from cryptography.hazmat.primitives import serialization
from cryptography.x509.verification import PolicyBuilder, Store

from bench.common import Table, alternate, ratio
from tests.x509.chains import NOW, dns, issue
from tests.x509.pyca_ops import PycaOps
from tlspy import x509
from tlspy.x509 import DefaultOps, Ops


def run() -> None:
    root = issue("Root", ca=True)
    ica = issue("ICA", root, ca=True)
    leaf = issue("leaf", ica, sans=dns("example.com"))
    ders = [c.pyca.public_bytes(serialization.Encoding.DER) for c in (leaf, ica, root)]
    have_ec = importlib.util.find_spec("nocrypto.ec") is not None
    ops: Ops = DefaultOps() if have_ec else PycaOps()
    label = "nocrypto" if have_ec else "pyca primitives (nocrypto.ec not available)"

    def ours_parse() -> object:
        return [x509.Certificate.from_der(d) for d in ders]

    def ours_full() -> object:
        lf, ic, rt = (x509.Certificate.from_der(d) for d in ders)
        return x509.verify_chain(lf, [ic], [rt], name="example.com", at=NOW, ops=ops)

    def ref_parse() -> object:
        return [cx.load_der_x509_certificate(d) for d in ders]

    def ref_full() -> object:
        lf, ic, rt = (cx.load_der_x509_certificate(d) for d in ders)
        verifier = (PolicyBuilder().store(Store([rt])).time(NOW)
                    .build_server_verifier(cx.DNSName("example.com")))
        return verifier.verify(lf, [ic])

    ours_full()  # must validate
    ref_full()
    t = Table("X.509 3-certificate chain (ECDSA P-256)", ["operation", "tlspy/s", "pyca/s", "ratio"])
    rates = alternate({"op": ours_parse, "rp": ref_parse})
    t.row("parse 3 certificates", rates["op"], rates["rp"], ratio(rates["op"], rates["rp"]))
    rates = alternate({"of": ours_full, "rf": ref_full})
    t.row(f"parse + verify_chain [{label}]", rates["of"], rates["rf"],
          ratio(rates["of"], rates["rf"]))
