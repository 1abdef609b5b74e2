"""Renegotiation refusal (RFC 5246 7.2.2 and 7.4.1.2, RFC 5746): tlspy
never renegotiates.  After a TLS 1.2 handshake a ClientHello to the server
or a HelloRequest to the client gets a no_renegotiation warning and the
connection goes on; so does a repeated or fragmented attempt, and data
interleaved with it still arrives; the rest of a would-be renegotiation
handshake is unexpected_message.  Over TLS 1.3 a ClientHello or
HelloRequest after the handshake is unexpected_message (in
test_unexpected_messages).  The first refusal test is
tests/engine/test_handshake12.py::test_renegotiation_refused."""

from __future__ import annotations

import pytest

from tests.attacks.common import V12, A, alert_of
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import AlertLevel, ContentType
from tlspy.core.messages import ClientKeyExchangeECDHE, HelloRequest
from tlspy.core.writer import assemble_handshake
from tlspy.engine import Alert, Result, State
from tlspy.engine._records import seal

WARNING = (AlertLevel.WARNING, A.NO_RENEGOTIATION)


def _pair() -> tuple[State, State]:
    p = handshake(*configs("p256", client={"versions": (V12,)}))
    assert p.client.established and p.server.established
    return p.client, p.server


def _hello() -> bytes:
    c, _ = configs("p256", seed=b"renegotiating client", client={"versions": (V12,)})
    st, _ = engine.client(c, "server.test")
    return assemble_handshake(st.hs.hello)  # type: ignore[union-attr]


def _refused(r: Result, peer: State, times: int = 1) -> State:
    """``r`` kept the connection and sent ``times`` warnings, which ``peer``
    reads (its next state is returned)."""
    assert r.state.established and not r.state.failed, r.events
    rp = engine.handle_tls(peer, r.out)
    assert [(e.level, e.description) for e in rp.events if isinstance(e, Alert)] == [
        WARNING] * times
    assert rp.state.established
    return rp.state


def test_client_hello_refused_repeatedly() -> None:
    c, s = _pair()
    hello = _hello()
    for _ in range(3):
        c, rec = seal(c, ContentType.HANDSHAKE, hello)
        r = engine.handle_tls(s, rec)
        c = _refused(r, c)
        s = r.state
    c, data = engine.send_application_data(c, b"still here")
    assert engine.handle_tls(s, data).data == b"still here"


def test_fragmented_client_hello_interleaved_with_data_refused_once() -> None:
    c, s = _pair()
    hello = _hello()
    c, a = seal(c, ContentType.HANDSHAKE, hello[:7])
    c, b = seal(c, ContentType.HANDSHAKE, hello[7:])
    r = engine.handle_tls(s, a + b)
    _refused(r, c)
    # Application data between the fragments of a handshake message is
    # refused (RFC 8446 5.1 and the engine's rule for both versions).
    c2, s2 = _pair()
    c2, a = seal(c2, ContentType.HANDSHAKE, hello[:7])
    c2, d = engine.send_application_data(c2, b"between")
    c2, b = seal(c2, ContentType.HANDSHAKE, hello[7:])
    assert alert_of(engine.handle_tls(s2, a + d + b)) == A.UNEXPECTED_MESSAGE


def test_rest_of_a_renegotiation_is_unexpected() -> None:
    c, s = _pair()
    c, rec = seal(c, ContentType.HANDSHAKE, _hello())
    r = engine.handle_tls(s, rec)
    _refused(r, c)
    c, cke = seal(c, ContentType.HANDSHAKE,
                  assemble_handshake(ClientKeyExchangeECDHE(b"\x04" + bytes(64))))
    assert alert_of(engine.handle_tls(r.state, cke)) == A.UNEXPECTED_MESSAGE


@pytest.mark.parametrize("times", [1, 3])
def test_hello_requests_refused(times: int) -> None:
    c, s = _pair()
    data = b""
    for _ in range(times):
        s, rec = seal(s, ContentType.HANDSHAKE, assemble_handshake(HelloRequest()))
        data += rec
    s, app = engine.send_application_data(s, b"and data")
    r = engine.handle_tls(c, data + app)
    assert r.data == b"and data"
    _refused(r, s, times)
