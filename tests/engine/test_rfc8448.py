"""RFC 8448 traces through the engine.

Section 3 (simple 1-RTT): a client state holding the trace's ClientHello and
X25519 key consumes the trace's server records and answers with exactly the
trace's client Finished, application data and alert records; the server
engine consumes the trace's ClientHello.  Section 4 (resumed 0-RTT): a
server without the ticket key falls back to a full handshake and skips the
rejected early data record."""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine.helpers import configs
from tlspy import engine
from tlspy.core.enums import CipherSuite, NamedGroup
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import ClientHello, ServerHello
from tlspy.core.reader import parse_handshake
from tlspy.engine import HandshakeComplete, NewSessionTicket
from tlspy.engine.handshake_common import KeySharePrivate
from tlspy.engine.state import ClientWaitServerHello, State

VECTORS = Path(__file__).parents[1] / "vectors" / "rfc8448"
SIMPLE = json.loads((VECTORS / "simple_1rtt.json").read_text())
RESUMED = json.loads((VECTORS / "resumed_0rtt.json").read_text())


def _h(v: str) -> bytes:
    return bytes.fromhex(v)


def test_client_reproduces_the_trace() -> None:
    msgs, recs = SIMPLE["messages"], SIMPLE["records"]
    raw_ch = _h(msgs["client_hello"])
    hello = parse_handshake(raw_ch, version=0x0304)
    assert isinstance(hello, ClientHello)
    share = KeySharePrivate(NamedGroup.X25519, _h(SIMPLE["client_x25519_private"]),
                            _h(SIMPLE["client_x25519_public"]))
    cfg = engine.Config(verify_peer=False, middlebox_compat=False)
    st = State(cfg, True, ClientWaitServerHello(hello, (share,), Transcript().add(raw_ch),
                                                "server"), bytes(32))
    r = engine.handle_tls(st, _h(recs["server_hello"]) + _h(recs["server_handshake"]))
    assert not r.state.failed, r.events
    assert r.out == _h(recs["client_finished"])
    [done] = r.events
    assert isinstance(done, HandshakeComplete)
    assert done.info.cipher_suite == CipherSuite.TLS_AES_128_GCM_SHA256
    r = engine.handle_tls(r.state, _h(recs["server_new_session_ticket"]))
    assert isinstance(r.events[0], NewSessionTicket)
    # Section 4 resumes with this ticket's PSK.
    assert r.events[0].ticket.psk == _h(RESUMED["psk"])
    payload = _h(recs["application_data_payload"])
    r = engine.handle_tls(r.state, _h(recs["server_application_data"]))
    assert r.data == payload
    c, out = engine.send_application_data(r.state, payload)
    assert out == _h(recs["client_application_data"])
    c, out = engine.send_close_notify(c)
    assert out == _h(recs["client_alert"])
    r = engine.handle_tls(c, _h(recs["server_alert"]))
    assert r.state.read_closed


def test_server_consumes_the_trace_client_hello() -> None:
    _, scfg = configs("rsa")
    r = engine.handle_tls(engine.server(scfg), _h(SIMPLE["records"]["client_hello"]))
    assert not r.state.failed, r.events
    sh = parse_handshake(r.out[5 : 5 + int.from_bytes(r.out[3:5], "big")], version=0x0304)
    assert isinstance(sh, ServerHello)
    assert sh.cipher_suite == CipherSuite.TLS_AES_128_GCM_SHA256


def test_server_rejects_0rtt_and_skips_early_data() -> None:
    _, scfg = configs("rsa")
    ch = _h(RESUMED["client_hello"])
    record = b"\x16\x03\x01" + len(ch).to_bytes(2, "big") + ch
    r = engine.handle_tls(engine.server(scfg), record + _h(RESUMED["early_data_record"]))
    assert not r.state.failed, r.events
    assert r.out  # a full handshake flight
    sh = parse_handshake(r.out[5 : 5 + int.from_bytes(r.out[3:5], "big")], version=0x0304)
    assert isinstance(sh, ServerHello)
    assert all(e.extension_type != 41 for e in sh.extensions)  # PSK not accepted


def test_binder_matches_section_4() -> None:
    from tlspy.core.messages import PreSharedKeyClientHello, find_extension
    from tlspy.engine.tickets import binder

    raw = _h(RESUMED["client_hello"])
    hello = parse_handshake(raw, version=0x0304)
    assert isinstance(hello, ClientHello)
    offer = find_extension(hello.extensions, PreSharedKeyClientHello)
    assert offer is not None
    truncated = raw[: len(raw) - offer.binders_length()]
    got = binder("sha256", _h(RESUMED["psk"]), Transcript(), truncated)
    assert got == _h(RESUMED["binder"]) == offer.binders[0]
