"""Key logging (Config.key_log): KeyLog events carry the NSS key log
labels and secrets as they are derived; the logged secrets alone open the
connection's records (checked with the key schedule, as Wireshark would);
nothing is logged unless asked."""

from __future__ import annotations

import pytest

from nocrypto.cipher import AESGCM
from tests.engine.helpers import Pair, configs, handshake
from tlspy import engine
from tlspy.core import keyschedule as ks
from tlspy.core.enums import CipherSuite, ContentType, ProtocolVersion
from tlspy.core.protect import protection12
from tlspy.core.record import RecordProtection13, parse_records
from tlspy.core.suites import suite_info
from tlspy.engine import Config, KeyLog, State

V12 = ProtocolVersion.TLS_1_2
V13 = ProtocolVersion.TLS_1_3
LABELS13 = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"}


def _logs(events: list[engine.Event]) -> dict[str, KeyLog]:
    logs = [e for e in events if isinstance(e, KeyLog)]
    by_label = {e.label: e for e in logs}
    assert len(by_label) == len(logs), "a label logged twice"
    return by_label


def _pair(version: ProtocolVersion, key_log: bool, **extra: object) -> Pair:
    ccfg, scfg = configs("p256", client={"versions": (version,), "key_log": key_log, **extra},
                         server={"key_log": key_log, **extra})
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established
    return p


def _client_random(p: Pair) -> bytes:
    first = p.wire[0][1]
    return first[5 + 4 + 2: 5 + 4 + 2 + 32]  # record header, handshake header, version


def _app_record(sender: State, payload: bytes) -> bytes:
    _, wire = engine.send_application_data(sender, payload)
    (rec,), rest = parse_records(wire)
    assert not rest and rec.content_type == ContentType.APPLICATION_DATA
    return wire


@pytest.mark.parametrize("suite_name", ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"])
def test_tls13_logged_secrets_open_records_both_ways(suite_name: str) -> None:
    p = _pair(V13, True, cipher_suites=(CipherSuite[suite_name],))
    clog, slog = _logs(p.client_events), _logs(p.server_events)
    assert set(clog) == set(slog) == LABELS13
    rnd = _client_random(p)
    for label in LABELS13:
        assert clog[label].client_random == slog[label].client_random == rnd
        assert clog[label].secret == slog[label].secret
        line = clog[label].line().split()
        assert line == [label, rnd.hex(), clog[label].secret.hex()]
    info = suite_info(CipherSuite[suite_name])
    assert info is not None
    for sender, label in ((p.client, "CLIENT_TRAFFIC_SECRET_0"),
                          (p.server, "SERVER_TRAFFIC_SECRET_0")):
        secret = clog[label].secret
        key, iv = ks.traffic_key_iv(info.prf_hash, secret, info.key_length)
        prot = RecordProtection13(AESGCM(key), iv)
        wire = _app_record(sender, b"secret payload " + label.encode())
        (rec,), _ = parse_records(wire)
        assert prot.decrypt(0, rec) == (ContentType.APPLICATION_DATA,
                                        b"secret payload " + label.encode())
    # The handshake secret opens the server's first encrypted record
    # (EncryptedExtensions...).
    key, iv = ks.traffic_key_iv(info.prf_hash, clog["SERVER_HANDSHAKE_TRAFFIC_SECRET"].secret,
                                info.key_length)
    records, _ = parse_records(p.wire[1][1])
    enc = [r for r in records if r.content_type == ContentType.APPLICATION_DATA]
    ctype, content = RecordProtection13(AESGCM(key), iv).decrypt(0, enc[0])
    assert ctype == ContentType.HANDSHAKE and content[0] == 8  # EncryptedExtensions
    # The exporter secret gives what export_keying_material gives.
    assert ks.exporter(info.prf_hash, clog["EXPORTER_SECRET"].secret, b"label", b"ctx", 20) == (
        engine.export_keying_material(p.client, b"label", b"ctx", 20))


@pytest.mark.parametrize("suite_name", ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                                        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"])
def test_tls12_client_random_opens_records_both_ways(suite_name: str) -> None:
    p = _pair(V12, True, cipher_suites=(CipherSuite[suite_name],))
    clog, slog = _logs(p.client_events), _logs(p.server_events)
    assert set(clog) == set(slog) == {"CLIENT_RANDOM"}
    rnd = _client_random(p)
    assert clog["CLIENT_RANDOM"] == slog["CLIENT_RANDOM"]
    assert clog["CLIENT_RANDOM"].client_random == rnd
    master = clog["CLIENT_RANDOM"].secret
    assert len(master) == 48
    # The server random from the ServerHello on the wire.
    server_random = p.wire[1][1][5 + 4 + 2: 5 + 4 + 2 + 32]
    info = suite_info(CipherSuite[suite_name])
    assert info is not None
    block = ks.key_block12(info, master, rnd, server_random)
    for sender, client_write in ((p.client, True), (p.server, False)):
        prot = protection12(info, block, client_write=client_write)
        wire = _app_record(sender, b"tls12 payload")
        (rec,), _ = parse_records(wire)
        # Seq 1: the Finished went first under these keys.
        assert prot.decrypt(1, rec) == b"tls12 payload"


def test_key_update_secrets_logged() -> None:
    p = _pair(V13, True)
    clog = _logs(p.client_events)
    c2, out = engine.send_key_update(p.client, request_peer=True)
    r = engine.handle_tls(p.server, out)
    slog = _logs(list(r.events))
    # The server read the client's update and answered with its own.
    assert set(slog) == {"CLIENT_TRAFFIC_SECRET_1", "SERVER_TRAFFIC_SECRET_1"}
    alg = "sha256"
    assert slog["CLIENT_TRAFFIC_SECRET_1"].secret == ks.next_traffic_secret(
        alg, clog["CLIENT_TRAFFIC_SECRET_0"].secret)
    r2 = engine.handle_tls(c2, r.out)
    c2log = _logs(list(r2.events))
    assert set(c2log) == {"SERVER_TRAFFIC_SECRET_1"}
    assert c2log["SERVER_TRAFFIC_SECRET_1"].secret == slog["SERVER_TRAFFIC_SECRET_1"].secret
    # A second update counts on.
    _, out3 = engine.send_key_update(r.state, request_peer=False)
    r3 = engine.handle_tls(r2.state, out3)
    (ev,) = [e for e in r3.events if isinstance(e, KeyLog)]
    assert ev.label == "SERVER_TRAFFIC_SECRET_2"
    assert ev.client_random == clog["CLIENT_TRAFFIC_SECRET_0"].client_random


def test_resumed_tls12_logs_the_new_client_random() -> None:
    ccfg, scfg = configs("p256", client={"versions": (V12,), "key_log": True},
                         server={"key_log": True, "ticket_keys": (bytes(32),)})
    p = handshake(ccfg, scfg)
    (t,) = [e.ticket for e in p.client_events if isinstance(e, engine.NewSessionTicket)]
    c, out = engine.client(ccfg, "server.test", ticket=t)
    s = engine.server(scfg)
    r = engine.handle_tls(s, out)
    r2 = engine.handle_tls(c, r.out)
    assert r2.state.established and r2.state.info is not None and r2.state.info.resumed
    (sl,) = [e for e in r.events if isinstance(e, KeyLog)]
    (cl,) = [e for e in r2.events if isinstance(e, KeyLog)]
    assert sl == cl and sl.secret == _logs(p.client_events)["CLIENT_RANDOM"].secret
    assert sl.client_random == out[11:43] != _client_random(p)


@pytest.mark.parametrize("version", [V12, V13])
def test_nothing_logged_by_default(version: ProtocolVersion) -> None:
    assert Config().key_log is False
    p = _pair(version, False)
    events = p.client_events + p.server_events
    assert events and not any(isinstance(e, KeyLog) for e in events)
    if version == V13:
        _, out = engine.send_key_update(p.client, request_peer=True)
        r = engine.handle_tls(p.server, out)
        assert not any(isinstance(e, KeyLog) for e in r.events)


def test_traffic_key_log_after_send_key_update() -> None:
    p = _pair(V13, True)
    clog = _logs(p.client_events)
    assert engine.traffic_key_log(p.client) == (clog["CLIENT_TRAFFIC_SECRET_0"],
                                                clog["SERVER_TRAFFIC_SECRET_0"])
    assert engine.traffic_key_log(p.server) == engine.traffic_key_log(p.client)
    c2, out = engine.send_key_update(p.client, request_peer=False)
    mine = engine.traffic_key_log(c2)
    assert [e.label for e in mine] == ["CLIENT_TRAFFIC_SECRET_1", "SERVER_TRAFFIC_SECRET_0"]
    r = engine.handle_tls(p.server, out)
    (theirs,) = [e for e in r.events if isinstance(e, KeyLog)]
    assert theirs == mine[0]
    assert engine.traffic_key_log(r.state) == mine
    # Nothing without key_log, nothing in TLS 1.2.
    assert engine.traffic_key_log(_pair(V13, False).client) == ()
    assert engine.traffic_key_log(_pair(V12, True).client) == ()
