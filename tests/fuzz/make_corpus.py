"""Make the fuzz seed corpus (and, once, the fixed PKI it is recorded with).

    python -m tests.fuzz.make_corpus

The PKI in ``pki/`` (made with pyca/cryptography, a test oracle only) is
kept: the engine transcripts are recorded against it with pinned
randomness and clock, so they replay byte for byte in the harnesses.  Each
target's seeds go to ``corpus/<target>/`` (files named by content)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import shutil
from pathlib import Path

from tests.fuzz.common import (
    CBC_SUITES,
    CORPUS_DIR,
    DHE_SUITES,
    PKI_DIR,
    RSA_KEX_SUITES,
    SERVER_NAME,
    client_config,
    client_state,
    server_config,
    server_state,
)

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
TARGETS = ("record", "handshake", "engine_server", "engine_client", "der", "x509")
ECDHE_CBC = tuple(s for s in CBC_SUITES if s.name.startswith("TLS_ECDHE_"))


def make_pki() -> None:
    """CA + server leaf for P-256 and RSA-2048, a P-256 client leaf."""
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    nb = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    na = dt.datetime(2035, 1, 1, tzinfo=dt.timezone.utc)

    def name(cn: str) -> cx509.Name:
        return cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def save(stem: str, cert: cx509.Certificate, key: object) -> None:
        (PKI_DIR / f"{stem}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (PKI_DIR / f"{stem}.key").write_bytes(key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))

    def builder(subject: str, issuer: str, pub: object, serial: int) -> cx509.CertificateBuilder:
        return (cx509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
                .public_key(pub).serial_number(serial)  # type: ignore[arg-type]
                .not_valid_before(nb).not_valid_after(na))

    PKI_DIR.mkdir(exist_ok=True)
    def new_key(kind: str):  # type: ignore[no-untyped-def]
        if kind == "p256":
            return ec.generate_private_key(ec.SECP256R1())
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    for kind in ("p256", "rsa"):
        ca_key = new_key(kind)
        ca = (builder(f"Fuzz CA {kind}", f"Fuzz CA {kind}", ca_key.public_key(), 1)
              .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
              .add_extension(cx509.KeyUsage(False, False, False, False, False, True, True, False,
                                            False), critical=True)
              .add_extension(cx509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))
        save(f"ca-{kind}", ca, ca_key)
        for role, eku in (("server", ExtendedKeyUsageOID.SERVER_AUTH),
                          ("client", ExtendedKeyUsageOID.CLIENT_AUTH)):
            if role == "client" and kind == "rsa":
                continue
            leaf_key = new_key(kind)
            leaf = (builder(f"{role}.test", f"Fuzz CA {kind}", leaf_key.public_key(), 2)
                    .add_extension(cx509.BasicConstraints(ca=False, path_length=None),
                                   critical=True)
                    .add_extension(cx509.SubjectAlternativeName([cx509.DNSName(f"{role}.test")]),
                                   critical=False)
                    .add_extension(cx509.ExtendedKeyUsage([eku]), critical=False)
                    .add_extension(cx509.AuthorityKeyIdentifier.from_issuer_public_key(
                        ca_key.public_key()), critical=False)
                    .sign(ca_key, hashes.SHA256()))
            save(f"{role}-{kind}", leaf, leaf_key)


# ------------------------------------------------------------------ engine

def _conversation(client, server):  # type: ignore[no-untyped-def]
    """Run a client (state, first flight) against a server state to the end:
    application data both ways, then close_notify from the client.  Returns
    the bytes each side sent, one entry per flight."""
    from tlspy import engine

    c, to_server = client
    s = server
    c_flights: list[bytes] = []
    s_flights: list[bytes] = []
    for _ in range(12):
        if not to_server:
            break
        c_flights.append(to_server)
        r = engine.handle_tls(s, to_server)
        assert not r.state.failed, r.events
        s, to_client = r.state, r.out
        to_server = b""
        if to_client:
            s_flights.append(to_client)
            r = engine.handle_tls(c, to_client)
            assert not r.state.failed, r.events
            c, to_server = r.state, r.out
    assert c.established and s.established, (c.hs, s.hs)
    c, data = engine.send_application_data(c, b"GET / HTTP/1.1\r\n\r\n")
    r = engine.handle_tls(s, data)
    assert r.data == b"GET / HTTP/1.1\r\n\r\n"
    s, reply = engine.send_application_data(r.state, b"HTTP/1.1 200 OK\r\n\r\nhello")
    s, bye_s = engine.send_close_notify(s)
    c, bye_c = engine.send_close_notify(c)
    c_flights.append(data + bye_c)
    s_flights.append(reply + bye_s)
    return c_flights, s_flights


def _pinned(seed: bytes):  # type: ignore[no-untyped-def]
    from nocrypto.rng import Fortuna

    return Fortuna(seed.ljust(32, b"\x00")[:32]).generate


def server_transcripts() -> dict[str, list[bytes]]:
    """Client flights to the harness's server state, per kind of client."""
    from tlspy import engine
    from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion

    v12 = (ProtocolVersion.TLS_1_2,)
    variants = {
        "tls13": {},
        "tls13-p384-share": {"groups": (NamedGroup.SECP384R1, NamedGroup.X25519)},
        "tls13-hrr": {"groups": (NamedGroup.FFDHE2048, NamedGroup.X25519)},
        "tls13-chacha": {"cipher_suites": (CipherSuite.TLS_CHACHA20_POLY1305_SHA256,)},
        "tls12-ecdhe-gcm": {"versions": v12},
        "tls12-cbc": {"versions": v12, "cipher_suites": ECDHE_CBC},
        "tls12-dhe": {"versions": v12, "cipher_suites": DHE_SUITES,
                      "groups": (NamedGroup.FFDHE2048,)},
        "tls12-nocert": {"versions": v12, "certificates": ()},
        "tls12-rsa-kex": {"versions": v12, "cipher_suites": RSA_KEX_SUITES},
    }
    out = {}
    for label, over in variants.items():
        cfg = client_config(rng=_pinned(label.encode()), **over)
        flights, _ = _conversation(engine.client(cfg, SERVER_NAME), server_state())
        out[label] = flights
    return out


def client_transcripts() -> dict[str, list[bytes]]:
    """Server flights to the harness's client state, per kind of server."""
    from tlspy import engine
    from tlspy.core.enums import NamedGroup, ProtocolVersion

    v12 = (ProtocolVersion.TLS_1_2,)
    variants = {
        "tls13": {},
        "tls13-hrr": {"groups": (NamedGroup.SECP256R1,)},
        "tls13-rsa": {"certificates": server_config().certificates[1:]},
        "tls13-client-auth-required": {"client_auth": "required"},
        "tls12-ecdhe-gcm": {"versions": v12},
        "tls12-cbc": {"versions": v12, "cipher_suites": ECDHE_CBC},
        "tls12-dhe": {"versions": v12, "cipher_suites": DHE_SUITES,
                      "groups": (NamedGroup.FFDHE2048,)},
        "tls12-no-client-auth": {"versions": v12, "client_auth": "none"},
        "tls12-rsa-kex": {"versions": v12, "cipher_suites": RSA_KEX_SUITES},
    }
    out = {}
    for label, over in variants.items():
        cfg = server_config(rng=_pinned(label.encode()), **over)
        _, flights = _conversation(client_state(), engine.server(cfg))
        out[label] = flights
    return out


# ------------------------------------------------------------------ writing

def _write(target: str, seeds: list[bytes]) -> int:
    d = CORPUS_DIR / target
    n = 0
    for seed in seeds:
        path = d / hashlib.sha1(seed).hexdigest()  # a file name, not a security use
        if not path.exists():
            path.write_bytes(seed)
            n += 1
    return n


def _records(data: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos + 5 <= len(data):
        n = int.from_bytes(data[pos + 3 : pos + 5], "big")
        out.append((data[pos], data[pos : pos + 5 + n]))
        pos += 5 + n
    return out


def _plain_messages(flights: list[bytes]) -> list[bytes]:
    """Handshake messages of the plaintext handshake records (before any
    ChangeCipherSpec of the flight's sender)."""
    msgs: list[bytes] = []
    for flight in flights:
        buf = b""
        for ctype, rec in _records(flight):
            if ctype == 20:
                return msgs
            if ctype == 22:
                buf += rec[5:]
        while len(buf) >= 4:
            n = 4 + int.from_bytes(buf[1:4], "big")
            msgs.append(buf[:n])
            buf = buf[n:]
    return msgs


def _limbo_pems(count: int = 16) -> list[bytes]:
    with gzip.open(VECTORS / "x509-limbo" / "limbo.json.gz") as f:
        cases = json.load(f)["testcases"]
    seen, pems = set(), []
    for tc in cases:
        family = tc["id"].rsplit("::", 1)[0]
        if family in seen or tc["id"].startswith("bettertls"):
            continue
        seen.add(family)
        pems.append(tc["peer_certificate"].encode())
        pems.extend(p.encode() for p in tc["untrusted_intermediates"][:1])
        if len(pems) >= count:
            break
    return pems


def main() -> None:
    from tlspy import asn1
    from tlspy.core.messages import KeyExchange
    from tlspy.x509 import Certificate, PrivateKey, X509Error

    if not (PKI_DIR / "ca-p256.pem").exists():
        make_pki()
    shutil.rmtree(CORPUS_DIR, ignore_errors=True)
    for t in TARGETS:
        (CORPUS_DIR / t).mkdir(parents=True)
    to_server = server_transcripts()
    to_client = client_transcripts()
    counts = {}
    counts["engine_server"] = _write("engine_server", [
        *(b"".join(f) for f in to_server.values()), *(f[0] for f in to_server.values())])
    counts["engine_client"] = _write("engine_client", [
        *(b"".join(f) for f in to_client.values()), *(f[0] for f in to_client.values())])
    flights = [*to_server.items(), *to_client.items()]
    # Records: each record alone and each flight, under both size limits.
    recs = [bytes([m]) + rec for _, fl in flights for f in fl for _, rec in _records(f)
            for m in (0, 1)]
    counts["record"] = _write("record", recs + [b"\x03" + f for _, fl in flights for f in fl])
    # Handshake messages with the mode byte of their context.
    kex_index = {None: 0, KeyExchange.ECDHE: 1, KeyExchange.DHE: 2, KeyExchange.RSA: 3}
    hs = []
    for label, fl in flights:
        tls13 = label.startswith("tls13")
        kex = (KeyExchange.DHE if "dhe" in label else KeyExchange.ECDHE) if not tls13 else None
        for msg in _plain_messages(fl):
            for what in (0, 14):
                hs.append(bytes([(what << 4) | (kex_index[kex] << 1) | int(tls13)]) + msg)
    counts["handshake"] = _write("handshake", hs)
    # Certificates and keys: the fixed PKI and a few x509-limbo cases.
    pems = [p.read_bytes() for p in sorted(PKI_DIR.glob("*.pem"))] + _limbo_pems()
    certs = []
    for p in pems:
        with contextlib.suppress(X509Error):  # a malformed limbo case: a PEM seed only
            certs.append(Certificate.from_pem(p))
    keys = [PrivateKey.from_pem(p.read_bytes()) for p in sorted(PKI_DIR.glob("*.key"))]
    x509 = [b"\x00" + c.der for c in certs] + [b"\x01" + c.public_key.der for c in certs]
    x509 += [b"\x02" + k.to_pkcs8() for k in keys] + [b"\x03" + p for p in pems]
    counts["x509"] = _write("x509", x509)
    der = [b"\x00" + c.der for c in certs[:6]]
    der += [bytes([1]) + asn1.INTEGER.serialize(v) for v in (0, -1, 127, -128, 128, 1 << 70)]
    der += [bytes([4]) + asn1.OBJECT_IDENTIFIER.serialize(o)
            for o in ("1.2.840.113549.1.1.11", "2.5.29.17", "2.999.1")]
    der += [bytes([15]) + asn1.UTCTime.serialize(dt.datetime(2049, 12, 31, 23, 59, 59,
                                                              tzinfo=dt.timezone.utc)),
            bytes([16]) + asn1.GeneralizedTime.serialize(dt.datetime(
                2050, 1, 1, tzinfo=dt.timezone.utc))]
    from tests.fuzz.fuzz_der import COMPOSITE, GRAMMARS

    composite = COMPOSITE.serialize((3, True, 5, [
        ("oid", "1.2.3"), ("utf8", "x"), ("printable", "Ab"), ("null", None)],
        b"raw", [1, 2], None))
    der.append(bytes([GRAMMARS.index(COMPOSITE)]) + composite)
    counts["der"] = _write("der", der)
    for t in TARGETS:
        print(f"{t}: {counts[t]} seeds")


if __name__ == "__main__":
    main()
