"""`tlspy demo` (what `make demo` runs): the stack as it stands, end to end.

It makes a CA and a certificate for "localhost" with tlspy's own X.509
builder and nocrypto keys, then runs a TLS 1.3 handshake between the tlspy
client and server engines in memory, moves data both ways, updates keys,
closes, and shows a connection refused for a name the certificate does not
cover.  The socket shell (tlspy.SSLContext, s_server, s_client) is not
built yet, so nothing here touches the network.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import time

import nocrypto.cpu
from nocrypto import ec
from tlspy import engine
from tlspy.engine import Alert, CertifiedKey, Config, Event, HandshakeComplete, State
from tlspy.engine.state import SessionInfo
from tlspy.x509 import Certificate, Name, PrivateKey, builder
from tlspy.x509.extensions import GeneralName

SECP256R1 = "secp256r1"


def _ec_key() -> PrivateKey:
    key = ec.ECPrivateKey.generate(ec.P256)
    return PrivateKey("ec", curve=SECP256R1, scalar=key.private_bytes())


def make_pki(now: dt.datetime) -> tuple[Certificate, Certificate, PrivateKey]:
    """(CA certificate, leaf certificate for localhost, the leaf's key)."""
    ca_key, leaf_key = _ec_key(), _ec_key()
    ca_name = Name.build([("2.5.4.3", "tlspy demo CA")])
    ca_public = builder.public_key_of(ca_key)
    alg, sign = builder.signer_for(ca_key)
    ca = builder.build_certificate(
        subject=ca_name, issuer=ca_name, public_key=ca_public, serial=1,
        not_before=now - dt.timedelta(hours=1), not_after=now + dt.timedelta(days=1),
        extensions=[builder.basic_constraints(True),
                    builder.key_usage("keyCertSign", "cRLSign"),
                    builder.subject_key_identifier(builder.key_identifier(ca_public))],
        algorithm=alg, sign=sign)
    leaf_public = builder.public_key_of(leaf_key)
    leaf = builder.build_certificate(
        subject=Name.build([("2.5.4.3", "localhost")]), issuer=ca_name,
        public_key=leaf_public, serial=2,
        not_before=now - dt.timedelta(hours=1), not_after=now + dt.timedelta(days=1),
        extensions=[builder.basic_constraints(False),
                    builder.key_usage("digitalSignature"),
                    builder.extended_key_usage("1.3.6.1.5.5.7.3.1"),
                    builder.subject_alt_name(
                        GeneralName("dns", "localhost"),
                        GeneralName("ip", ipaddress.ip_address("127.0.0.1").packed)),
                    builder.authority_key_identifier(builder.key_identifier(ca_public))],
        algorithm=alg, sign=sign)
    return ca, leaf, leaf_key


def _pump(client: State, server: State, flight: bytes) -> tuple[State, State, list[tuple[str, Event]]]:
    """Carry bytes between the two engines until both fall silent."""
    events: list[tuple[str, Event]] = []
    to_server, to_client = flight, b""
    for _ in range(20):  # a handshake needs a handful of flights
        if not to_server and not to_client:
            break
        if to_server:
            res = engine.handle_tls(server, to_server)
            server, to_server, to_client = res.state, b"", to_client + res.out
            events += [("server", e) for e in res.events]
        if to_client:
            res = engine.handle_tls(client, to_client)
            client, to_client, to_server = res.state, b"", to_server + res.out
            events += [("client", e) for e in res.events]
    return client, server, events


def _describe(info: SessionInfo) -> list[str]:
    chain = " <- ".join(c.subject.rfc4514() for c in info.peer_certificates)
    return [
        f"  version           TLS 1.3 (0x{info.version:04x})",
        f"  cipher suite      {info.cipher_suite.name}",
        f"  key exchange      {info.group.name if info.group else '-'}",
        f"  server signature  {info.signature_scheme.name if info.signature_scheme else '-'}",
        f"  ALPN              {info.alpn.decode() if info.alpn else '-'}",
        f"  server chain      {chain} (verified by tlspy.x509 against the demo CA)",
    ]


def main(argv: list[str]) -> int:
    if argv:
        print("usage: tlspy demo   (takes no options)")
        return 0 if argv[0] in ("-h", "--help") else 2
    hw = ", ".join(sorted(nocrypto.cpu.features() & {"aesni", "pclmulqdq", "sha_ni", "avx2",
                                                       "vaes", "bmi2", "adx"}))
    print("tlspy demo: a TLS 1.3 connection between the tlspy client and server, in memory")
    print(f"  crypto core: nocrypto, hardware paths available: {hw or 'none (portable C)'}")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)  # UTCTime: whole seconds
    started = time.perf_counter()
    ca, leaf, key = make_pki(now)
    print(f"  made a P-256 CA and a certificate for localhost in "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")

    server_config = Config(certificates=(CertifiedKey((leaf,), key),),
                           alpn_protocols=(b"h2", b"http/1.1"))
    client_config = Config(trust_anchors=(ca,), alpn_protocols=(b"http/1.1",))

    started = time.perf_counter()
    client, hello = engine.client(client_config, server_name="localhost")
    client, server, events = _pump(client, engine.server(server_config), hello)
    elapsed = (time.perf_counter() - started) * 1000
    done = [e for side, e in events if side == "client" and isinstance(e, HandshakeComplete)]
    if not done:
        print(f"  handshake failed: {events}")
        return 1
    print(f"\nhandshake complete in {elapsed:.1f} ms:")
    print("\n".join(_describe(done[0].info)))

    client, record = engine.send_application_data(client, b"GET / HTTP/1.1\r\n\r\n")
    res = engine.handle_tls(server, record)
    server = res.state
    server, record = engine.send_application_data(server, b"HTTP/1.1 200 OK\r\n\r\nhello")
    answer = engine.handle_tls(client, record)
    client = answer.state
    print(f"\nclient -> server  {res.data!r}")
    print(f"server -> client  {answer.data!r}")

    client, update = engine.send_key_update(client)
    client, server, events = _pump(client, server, update)
    print(f"key update        {', '.join(type(e).__name__ for _, e in events) or 'none'}")
    client, bye = engine.send_close_notify(client)
    closed = engine.handle_tls(server, bye)
    print(f"close_notify      server sees {', '.join(type(e).__name__ for e in closed.events)}")

    print("\nand a client that expects example.com refuses the same server:")
    client, hello = engine.client(client_config, server_name="example.com")
    _, _, events = _pump(client, engine.server(server_config), hello)
    for side, e in events:
        if isinstance(e, Alert):
            who = "sends" if e.sent else "receives"
            name = getattr(e.description, "name", e.description)
            print(f"  {side} {who} alert {name}" + (f": {e.reason}" if e.sent and e.reason else ""))

    print("\nNot built yet: the socket shell (tlspy.SSLContext, s_server, s_client).")
    print("Run `make test` for the test suites and `make bench` for speed beside OpenSSL.")
    return 0
