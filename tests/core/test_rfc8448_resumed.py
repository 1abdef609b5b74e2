"""RFC 8448 section 4 (resumed 0-RTT handshake): the resumed ClientHello
parses, its PSK identity is section 3's ticket, the binder recomputes from the
truncated ClientHello, and the early secrets, keys and early-data record
match."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.core.test_record import Oracle
from tlspy.core import keyschedule as ks
from tlspy.core import messages as m
from tlspy.core.enums import ContentType, ExtensionType, ProtocolVersion
from tlspy.core.reader import parse_handshake
from tlspy.core.record import RecordProtection13, parse_records
from tlspy.core.writer import assemble_handshake

DIR = Path(__file__).parents[1] / "vectors" / "rfc8448"
V = {
    k: bytes.fromhex(v)
    for k, v in json.loads((DIR / "resumed_0rtt.json").read_text()).items()
    if k != "section"
}
S3 = json.loads((DIR / "simple_1rtt.json").read_text())
ALG = "sha256"


def test_resumed_client_hello() -> None:
    ch = parse_handshake(V["client_hello"], version=ProtocolVersion.TLS_1_3)
    assert isinstance(ch, m.ClientHello)
    assert assemble_handshake(ch) == V["client_hello"]
    psk = ch.extensions[-1]
    assert isinstance(psk, m.PreSharedKeyClientHello)
    nst = parse_handshake(
        bytes.fromhex(S3["messages"]["new_session_ticket"]), version=ProtocolVersion.TLS_1_3
    )
    assert isinstance(nst, m.NewSessionTicket13)
    assert psk.identities[0].identity == nst.ticket
    assert psk.binders == (V["binder"],)
    assert m.find_extension(ch.extensions, m.EarlyData) == m.EarlyData(None)
    padding = [e for e in ch.extensions if e.extension_type == ExtensionType.PADDING]
    assert padding and isinstance(padding[0], m.RawExtension)
    # The ticket age the client reports, de-obfuscated with ticket_age_add.
    age = (psk.identities[0].obfuscated_ticket_age - nst.ticket_age_add) % 2**32
    assert age < 10_000


def test_binder() -> None:
    ch = parse_handshake(V["client_hello"], version=ProtocolVersion.TLS_1_3)
    assert isinstance(ch, m.ClientHello)
    psk = ch.extensions[-1]
    assert isinstance(psk, m.PreSharedKeyClientHello)
    truncated = V["client_hello"][: -psk.binders_length()]
    binder_hash = ks.Transcript().add(truncated).hash(ALG)
    assert binder_hash == V["binder_hash"]
    assert V["psk"].hex() == S3["secrets"]["resumption_psk_nonce_0000"]
    early = ks.early_secret(ALG, V["psk"])
    assert early == V["early_secret"]
    binder_key = ks.binder_key(ALG, early, external=False)
    assert binder_key == V["binder_key"]
    assert ks.finished_verify_data(ALG, binder_key, binder_hash) == V["binder"]


def test_early_secrets_and_record() -> None:
    early = ks.early_secret(ALG, V["psk"])
    ch_hash = ks.Transcript().add(V["client_hello"]).hash(ALG)
    cets = ks.client_early_traffic_secret(ALG, early, ch_hash)
    assert cets == V["client_early_traffic_secret"]
    assert ks.early_exporter_master_secret(ALG, early, ch_hash) == V["early_exporter_master_secret"]
    key, iv = ks.traffic_key_iv(ALG, cets, 16)
    assert (key, iv) == (V["early_key"], V["early_iv"])
    prot = RecordProtection13(Oracle(AESGCM(key)), iv)
    app = ContentType.APPLICATION_DATA
    assert prot.encrypt(0, app, V["early_data_payload"]) == V["early_data_record"]
    (rec,), _ = parse_records(V["early_data_record"])
    assert prot.decrypt(0, rec) == (app, V["early_data_payload"])
