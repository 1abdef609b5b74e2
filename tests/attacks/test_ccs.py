"""ChangeCipherSpec injection (CVE-2014-0224 class), in every state of the
handshakes walked by test_unexpected_messages:

- TLS 1.2: a CCS anywhere but where the peer's keys are due (early, before
  the key exchange; late, after Finished; twice) is unexpected_message.
- TLS 1.3 (RFC 8446 5): one unprotected CCS of value 1 is dropped between
  the first ClientHello and the peer's Finished; before the ClientHello,
  after the handshake, a second one, or a protected one is
  unexpected_message.
- A malformed CCS (value 0 or 2, empty, two bytes) is unexpected_message
  everywhere (tlsfuzzer's test-ccs "two bytes long CCS")."""

from __future__ import annotations

import pytest

from tests.attacks.common import A, alert_of, record
from tests.attacks.test_unexpected_messages import WALKS, Point
from tlspy import engine
from tlspy.core.enums import ContentType
from tlspy.engine.state import HANDSHAKE12, Established, ServerWaitClientHello

CCS = ContentType.CHANGE_CIPHER_SPEC
POINTS = [(v, i) for v, w in WALKS.items() for i in range(len(w.points))]
IDS = [f"{v}-{i}-{WALKS[v].points[i].where}" for v, i in POINTS]


def _point(version: str, index: int) -> Point:
    return WALKS[version].points[index]


def ccs_allowed(version: str, p: Point) -> bool:
    st = p.state
    if version == "1.2":
        # Only where the walk met the peer's real CCS.
        return p.genuine is None and isinstance(st.hs, HANDSHAKE12)
    if isinstance(st.hs, (Established, ServerWaitClientHello)):
        return False
    return not st.ccs_received


@pytest.mark.parametrize(("version", "index"), POINTS, ids=IDS)
def test_change_cipher_spec_in_every_state(version: str, index: int) -> None:
    p = _point(version, index)
    r = engine.handle_tls(p.state, record(CCS, b"\x01"))
    if ccs_allowed(version, p):
        assert not r.state.failed, r.events
        assert r.out == b""
        # ... and only once.
        if version != "1.2":
            again = engine.handle_tls(r.state, record(CCS, b"\x01"))
            assert alert_of(again) == A.UNEXPECTED_MESSAGE
    else:
        assert alert_of(r) == A.UNEXPECTED_MESSAGE, r.events


@pytest.mark.parametrize("body", [b"\x00", b"\x02", b"", b"\x01\x01", b"\xff" * 3])
@pytest.mark.parametrize(("version", "index"), POINTS, ids=IDS)
def test_malformed_change_cipher_spec(version: str, index: int, body: bytes) -> None:
    p = _point(version, index)
    assert alert_of(engine.handle_tls(p.state, record(CCS, body))) == A.UNEXPECTED_MESSAGE


POINTS13 = [(v, i) for v, i in POINTS if v.startswith("1.3")
            and _point(v, i).state.read.protection is not None]


@pytest.mark.parametrize(("version", "index"), POINTS13,
                         ids=[f"{v}-{i}-{_point(v, i).where}" for v, i in POINTS13])
def test_protected_change_cipher_spec_in_tls13(version: str, index: int) -> None:
    st = _point(version, index).state
    assert st.read.protection is not None
    rec = st.read.protection.encrypt(st.read_seq, CCS, b"\x01")  # type: ignore[call-arg,arg-type]
    assert alert_of(engine.handle_tls(st, rec)) == A.UNEXPECTED_MESSAGE


def test_every_kind_of_point_is_covered() -> None:
    kinds = {(v, ccs_allowed(v, _point(v, i))) for v, i in POINTS}
    assert kinds == {("1.2", True), ("1.2", False), ("1.3", True), ("1.3", False),
                     ("1.3-hrr", True), ("1.3-hrr", False)}
    assert len(POINTS13) >= 8
