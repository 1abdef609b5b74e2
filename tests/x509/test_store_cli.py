"""Trust stores and the `tlspy verify` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.x509.chains import NOW, dns, issue
from tests.x509.pyca_ops import PycaOps
from tlspy.x509 import TrustStore, ValidationError, verify_chain
from tlspy.x509.cli import main


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pki")
    root = issue("Root", ca=True)
    ica = issue("ICA", root, ca=True)
    leaf = issue("leaf", ica, sans=dns("example.com"))
    out = {"root": d / "root.pem", "ica": d / "ica.pem", "leaf": d / "leaf.pem",
           "leafder": d / "leaf.der", "dir": d / "roots"}
    out["root"].write_bytes(b"comment\n" + root.cert.to_pem() + root.cert.to_pem())
    out["ica"].write_bytes(ica.cert.to_pem())
    out["leaf"].write_bytes(leaf.cert.to_pem())
    out["leafder"].write_bytes(leaf.cert.to_der())
    out["dir"].mkdir()
    (out["dir"] / "a.pem").write_bytes(root.cert.to_pem())
    (out["dir"] / "b.der").write_bytes(ica.cert.to_der())
    (out["dir"] / "junk").write_bytes(b"not a certificate")
    return out


def test_trust_store_sources(files: dict[str, Path]) -> None:
    store = TrustStore.from_file(files["root"])
    assert len(store) == 1  # duplicates removed
    d = TrustStore.from_directory(files["dir"])
    assert len(d) == 2 and d.skipped == 1
    assert next(iter(store)) in d


def test_system_store_is_found(monkeypatch: pytest.MonkeyPatch, files: dict[str, Path]) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(files["root"]))
    assert len(TrustStore.system()) == 1


ATTIME = str(int(NOW.timestamp()))


def test_cli_ok(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["-CAfile", str(files["root"]), "-untrusted", str(files["ica"]), "-name",
               "example.com", "-attime", ATTIME, str(files["leaf"])], ops=PycaOps())
    assert rc == 0, capsys.readouterr().out
    assert "OK (3 certificates" in capsys.readouterr().out
    rc = main(["--CAfile", str(files["root"]), "--untrusted", str(files["ica"]), "--attime",
               NOW.isoformat(), str(files["leafder"])])  # real nocrypto ops
    assert rc == 0


def test_cli_failures(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["-CAfile", str(files["root"]), "-untrusted", str(files["ica"]), "-name",
               "other.com", "-attime", ATTIME, str(files["leaf"])], ops=PycaOps())
    assert rc == 2 and "name-mismatch" in capsys.readouterr().out
    rc = main(["-CAfile", str(files["root"]), "-attime", ATTIME, str(files["leaf"])],
              ops=PycaOps())
    assert rc == 2 and "verification failed" in capsys.readouterr().out
    rc = main(["-CAfile", str(files["root"]), "-attime", ATTIME, str(files["root"].parent / "nope")],
              ops=PycaOps())
    assert rc == 2


def test_trust_store_is_a_sequence_indexed_by_subject() -> None:
    old, new, other = issue("Root", ca=True), issue("Root", ca=True), issue("Other", ca=True)
    store = TrustStore([old.cert, new.cert, old.cert, other.cert])
    assert len(store) == 3 and list(store) == [old.cert, new.cert, other.cert]
    assert store[1] == new.cert and store[-1] == other.cert and list(store[:2]) == list(store)[:2]
    assert store.index(other.cert) == 2 and new.cert in store and issue("x").cert not in store
    key = old.cert.subject.matching_key()
    assert list(store.named(key)) == [old.cert, new.cert]  # same name, both keys, in order
    assert list(store.named(other.cert.subject.matching_key())) == [other.cert]
    assert list(store.named(issue("Nobody", ca=True).cert.subject.matching_key())) == []
    store.add([issue("Root", ca=True).cert])
    assert len(store.named(key)) == 3


def test_a_trust_store_serves_many_validations_like_a_list() -> None:
    """verify_chain given a TrustStore (indexed once) decides as it does
    given the same anchors as a list: the anchor of a rolled-over name is
    the one whose key identifier the chain names."""
    old, new = issue("Root", ca=True), issue("Root", ca=True)
    ica = issue("ICA", new, ca=True)
    leaf = issue("leaf", ica, sans=dns("example.com"))
    stray = issue("leaf", issue("Elsewhere", ca=True), sans=dns("example.com"))
    anchors = [old.cert, new.cert]
    store = TrustStore(anchors)
    ops = PycaOps()
    for roots in (anchors, store, store):
        chain = verify_chain(leaf.cert, [ica.cert], roots, name="example.com", at=NOW, ops=ops)
        assert chain.certificates == (leaf.cert, ica.cert, new.cert)
        with pytest.raises(ValidationError) as e:
            verify_chain(stray.cert, [ica.cert], roots, at=NOW, ops=ops)
        assert e.value.reason == "no-issuer"
    # an intermediate that is also an anchor is taken as the anchor
    chain = verify_chain(leaf.cert, [ica.cert], TrustStore([ica.cert]), at=NOW, ops=ops)
    assert chain.certificates == (leaf.cert, ica.cert)
