"""verify_chain: API, reason codes, backtracking, budgets; hostname and
name-constraint matching."""

from __future__ import annotations

import contextlib
import ipaddress

import pytest
from cryptography import x509 as cx
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.x509.chains import NOW, dns, ip, issue
from tests.x509.pyca_ops import PycaOps
from tlspy import x509
from tlspy.x509 import constraints, hostname
from tlspy.x509.extensions import GeneralName, GeneralSubtree, NameConstraints
from tlspy.x509.verify import SIGNATURE_BUDGET, verify_chain


def _verify(leaf: x509.Certificate, inter: list[x509.Certificate], roots: list[x509.Certificate],
            **kw: object) -> x509.verify.Chain:
    kw.setdefault("at", NOW)
    return verify_chain(leaf, inter, roots, ops=PycaOps(), **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pki() -> dict[str, object]:
    root = issue("Root", ca=True)
    ica = issue("ICA", root, ca=True, path_len=0)
    leaf = issue("leaf", ica, sans=dns("example.com", "*.example.org") + ip("192.0.2.1"))
    return {"root": root, "ica": ica, "leaf": leaf}


def test_valid_chain_and_names(pki: dict[str, object]) -> None:
    root, ica, leaf = (pki[k].cert for k in ("root", "ica", "leaf"))  # type: ignore[attr-defined]
    chain = _verify(leaf, [ica], [root], name="example.com")
    assert chain.certificates == (leaf, ica, root)
    assert chain.anchor == root and len(chain) == 3
    _verify(leaf, [ica], [root], name="EXAMPLE.com.")
    _verify(leaf, [ica], [root], name="www.example.org")
    _verify(leaf, [ica], [root], name=ipaddress.ip_address("192.0.2.1"))
    for bad in ("example.org", "a.b.example.org", "other.com"):
        with pytest.raises(x509.ValidationError) as e:
            _verify(leaf, [ica], [root], name=bad)
        assert e.value.reason == "name-mismatch" and e.value.index == 0
    with pytest.raises(ValueError):
        _verify(leaf, [ica], [root], name="192.0.2.1")  # IPs go as ipaddress objects


def test_reason_codes(pki: dict[str, object]) -> None:
    root, ica, leaf = (pki[k].cert for k in ("root", "ica", "leaf"))  # type: ignore[attr-defined]
    with pytest.raises(x509.ValidationError) as e:
        _verify(leaf, [], [root])
    assert e.value.reason == "no-issuer"
    import datetime as dt
    with pytest.raises(x509.ValidationError) as e:
        _verify(leaf, [ica], [root], at=NOW + dt.timedelta(days=30))
    assert e.value.reason == "expired" and e.value.index == 0
    with pytest.raises(x509.ValidationError) as e:
        _verify(leaf, [ica], [root], usage="client")
    assert e.value.reason == "bad-eku"
    with pytest.raises(x509.ValidationError) as e:
        _verify(leaf, [ica], [root], max_depth=0)
    assert e.value.reason == "too-deep" and e.value.index == 1


def test_bad_signature_and_backtracking() -> None:
    root = issue("Root", ca=True)
    impostor = issue("Root", ca=True)  # same name, other key, not trusted
    ica_bad = issue("ICA", impostor, ca=True)
    ica_good = issue("ICA", root, ca=True, key=ica_bad.key)  # same key and name, other issuer
    leaf = issue("leaf", ica_bad, sans=dns("example.com"))
    with pytest.raises(x509.ValidationError):
        _verify(leaf.cert, [ica_bad.cert], [root.cert])
    chain = _verify(leaf.cert, [ica_bad.cert, ica_good.cert], [root.cert], name="example.com")
    assert chain.certificates[1] == ica_good.cert


def test_path_len_and_name_constraints() -> None:
    root = issue("Root", ca=True, nc=cx.NameConstraints(
        permitted_subtrees=[cx.DNSName("example.com")], excluded_subtrees=None))
    ica = issue("ICA", root, ca=True, path_len=0)
    ica2 = issue("ICA2", ica, ca=True)
    ok = issue("ok", ica, sans=dns("a.example.com"))
    outside = issue("out", ica, sans=dns("a.example.net"))
    deep = issue("deep", ica2, sans=dns("b.example.com"))
    _verify(ok.cert, [ica.cert], [root.cert])
    with pytest.raises(x509.ValidationError) as e:
        _verify(outside.cert, [ica.cert], [root.cert])
    assert e.value.reason == "name-constraints" and e.value.index == 0
    with pytest.raises(x509.ValidationError) as e:
        _verify(deep.cert, [ica.cert, ica2.cert], [root.cert])
    assert e.value.reason == "path-length"


def test_require_explicit_policy_fails_closed() -> None:
    """Policies are not processed: a requireExplicitPolicy that takes effect in
    the path rejects it; one that never takes effect does not."""
    root = issue("Root", ca=True)
    for skip, ok in ((0, False), (1, False), (5, True)):
        ica = issue("ICA", root, ca=True, extra=[(cx.PolicyConstraints(skip, None), True)])
        leaf = issue("leaf", ica, sans=dns("example.com"))
        if ok:
            _verify(leaf.cert, [ica.cert], [root.cert])
        else:
            with pytest.raises(x509.ValidationError) as e:
                _verify(leaf.cert, [ica.cert], [root.cert])
            assert e.value.reason == "unsupported-policy" and e.value.index == 1


def test_hostile_bundle_hits_budget() -> None:
    """A mesh of same-named CAs cross-signing each other with no way to a
    trusted root: the search must stop on its budget, not explore 6^8 paths."""
    cas = [issue("Mesh", ca=True) for _ in range(6)]
    mesh = [issue("Mesh", a, ca=True, key=b.key).cert for a in cas for b in cas]
    leaf = issue("leaf", cas[0], sans=dns("example.com"))
    unrelated = issue("Root", ca=True)
    ops = PycaOps()
    with pytest.raises(x509.ValidationError) as e:
        verify_chain(leaf.cert, mesh, [unrelated.cert], at=NOW, ops=ops)
    assert e.value.reason in ("budget", "no-issuer", "too-deep")
    assert ops.calls <= SIGNATURE_BUDGET


@pytest.mark.parametrize(("presented", "reference", "ok"), [
    ("example.com", "example.com", True),
    ("Example.COM", "example.com", True),
    ("*.example.com", "foo.example.com", True),
    ("*.example.com", "example.com", False),
    ("*.example.com", "a.b.example.com", False),
    ("f*.example.com", "foo.example.com", False),
    ("*.com", "example.com", False),
    ("*.co.uk", "example.co.uk", False),
    ("*", "com", False),
    ("foo.*.example.com", "foo.bar.example.com", False),
    ("xn--*.example.com", "xn--bcher-kva.example.com", False),
])
def test_dns_matching(presented: str, reference: str, ok: bool) -> None:
    assert hostname.dns_matches(presented, hostname.normalize_reference(reference)) is ok


def test_reference_names_must_be_valid() -> None:
    for bad in ("foo_bar.example.com", "-a.com", "a..b", "", "ex ample.com", "é.com"):
        with pytest.raises(ValueError):
            hostname.normalize_reference(bad)


def _nc(permitted: list[GeneralName] | None = None,
        excluded: list[GeneralName] | None = None) -> NameConstraints:
    return NameConstraints(
        tuple(GeneralSubtree(g) for g in permitted) if permitted else None,
        tuple(GeneralSubtree(g) for g in excluded) if excluded else None)


@pytest.mark.parametrize(("nc", "name", "ok"), [
    (_nc([GeneralName("dns", "example.com")]), GeneralName("dns", "a.example.com"), True),
    (_nc([GeneralName("dns", "example.com")]), GeneralName("dns", "aexample.com"), False),
    (_nc([GeneralName("dns", "foo.example.com")]), GeneralName("dns", "*.example.com"), False),
    (_nc(excluded=[GeneralName("dns", "bar.example.com")]), GeneralName("dns", "*.example.com"),
     False),
    (_nc([GeneralName("ip", bytes([10, 0, 0, 0, 255, 0, 0, 0]))]), GeneralName("ip", bytes([10, 1, 2, 3])),
     True),
    (_nc([GeneralName("ip", bytes([10, 0, 0, 0, 255, 0, 0, 0]))]), GeneralName("ip", bytes([11, 1, 2, 3])),
     False),
    (_nc([GeneralName("email", "example.com")]), GeneralName("email", "u@example.com"), True),
    (_nc([GeneralName("email", ".example.com")]), GeneralName("email", "u@example.com"), False),
    (_nc([GeneralName("email", "u@example.com")]), GeneralName("email", "v@example.com"), False),
    (_nc([GeneralName("uri", ".example.com")]), GeneralName("uri", "https://a.example.com/x"), True),
    (_nc([GeneralName("dns", "example.com")]), GeneralName("email", "u@other.com"), True),
    (_nc(excluded=[GeneralName("rid", "1.2.3")]), GeneralName("rid", "1.2.3"), False),
])
def test_name_constraints(nc: NameConstraints, name: GeneralName, ok: bool) -> None:
    assert (constraints.check(nc, [name]) is None) is ok


def test_malformed_constraints_are_refused() -> None:
    for bad in (GeneralName("dns", "*.example.com"), GeneralName("dns", ".example.com"),
                GeneralName("ip", bytes(5)), GeneralName("ip", bytes([10, 0, 0, 0, 255, 0, 255, 0])),
                GeneralName("email", "a@b@c")):
        with pytest.raises(constraints.ConstraintError):
            constraints.check_well_formed(_nc([bad]))


@pytest.fixture(scope="module")
def limbo_chains() -> list[tuple[bytes, list[bytes], list[bytes]]]:
    from tests.x509.limbo_data import testcases
    from tlspy.x509.keys import pem_blocks

    out = []
    for t in testcases()[:400:7]:
        def ders(pems: list[str]) -> list[bytes]:
            return [d for p in pems for _l, d in pem_blocks(p)]
        out.append((ders([t["peer_certificate"]])[0], ders(t["untrusted_intermediates"]),
                    ders(t["trusted_certs"])))
    return out


@settings(max_examples=60)
@given(st.data())
def test_fuzz_verify_only_documented_errors(
        limbo_chains: list[tuple[bytes, list[bytes], list[bytes]]], data: st.DataObject) -> None:
    """Mutated limbo chains: parsing and validation raise only tlspy.x509 errors."""
    leaf, inter, roots = limbo_chains[data.draw(st.integers(0, len(limbo_chains) - 1))]
    pool = [leaf, *inter, *roots]
    which = data.draw(st.integers(0, len(pool) - 1))
    der = bytearray(pool[which])
    i = data.draw(st.integers(0, len(der) - 1))
    der[i] ^= data.draw(st.integers(1, 255))
    pool[which] = bytes(der)
    try:
        certs = [x509.Certificate.from_der(d) for d in pool]
    except x509.CertificateParseError:
        return
    with contextlib.suppress(x509.ValidationError):
        verify_chain(certs[0], certs[1:1 + len(inter)], certs[1 + len(inter):], at=NOW,
                     name="example.com")
