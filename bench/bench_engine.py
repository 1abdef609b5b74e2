"""The TLS engine: in-process TLS 1.3 handshakes per second (tlspy client
and server, X25519 with ECDSA P-256 and with RSA-2048 PSS) beside the stdlib
ssl module (OpenSSL) doing the same over memory BIOs in the same run; and
resumed handshakes (PSK + X25519) beside OpenSSL's; TLS 1.2 full (ECDHE,
ECDSA P-256 and RSA-2048) and resumed (ticket, session ID) handshakes beside
OpenSSL's; and
application data MB/s at 16 KiB records through send_application_data +
handle_tls beside the raw AEAD (AES-128-GCM, ChaCha20-Poly1305) one-call
encrypt + decrypt of the same size: the engine's overhead, engine time /
raw time - 1."""

from __future__ import annotations

import contextlib
import ssl
import tempfile
from pathlib import Path

from bench.common import Table, alternate, mbps, ratio
from nocrypto.chacha import ChaCha20Poly1305
from nocrypto.cipher import AESGCM
from tests.engine.certs import pki
from tests.engine.helpers import configs, handshake
from tlspy import engine
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion
from tlspy.engine import SessionCache


def _ssl_contexts(kind: str, tmp: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    p = pki(kind)
    (tmp / "ca.pem").write_bytes(p.ca_pem)
    (tmp / "cert.pem").write_bytes(p.leaf_pem)
    (tmp / "key.pem").write_bytes(p.key_pem)
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.minimum_version = ssl.TLSVersion.TLSv1_3
    sctx.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.minimum_version = ssl.TLSVersion.TLSv1_3
    cctx.load_verify_locations(tmp / "ca.pem")
    cctx.set_ecdh_curve("X25519")
    return cctx, sctx


def _ssl_handshake(cctx: ssl.SSLContext, sctx: ssl.SSLContext,
                   session: ssl.SSLSession | None = None) -> ssl.SSLObject:
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    c = cctx.wrap_bio(c_in, c_out, server_hostname="server.test", session=session)
    s = sctx.wrap_bio(s_in, s_out, server_side=True)
    done_c = done_s = False
    while not (done_c and done_s):
        if not done_c:
            try:
                c.do_handshake()
                done_c = True
            except ssl.SSLWantReadError:
                pass
        s_in.write(c_out.read())
        if not done_s:
            try:
                s.do_handshake()
                done_s = True
            except ssl.SSLWantReadError:
                pass
        c_in.write(s_out.read())
    s_in.write(c_out.read())
    c_in.write(s_out.read())
    with contextlib.suppress(ssl.SSLWantReadError):  # the client reads its tickets
        c.read(1)
    return c


def _tls12_handshakes(tmp: Path) -> None:
    """TLS 1.2 full handshakes (ECDHE X25519, ECDSA P-256 and RSA-2048) and
    resumed ones (RFC 5077 ticket, session ID) beside OpenSSL doing the same."""
    t = Table("TLS 1.2 handshakes/s (client + server, in memory)",
              ["handshake", "tlspy", "ssl (OpenSSL)", "ratio"])
    # X25519 for the key exchange; P-256 listed too, as an ECDSA P-256
    # certificate needs it among the client's groups in TLS 1.2 (RFC 8422 5.1).
    v12 = {"versions": (ProtocolVersion.TLS_1_2,),
           "groups": (NamedGroup.X25519, NamedGroup.SECP256R1)}

    def ssl12(kind: str, tickets: bool = True) -> tuple[ssl.SSLContext, ssl.SSLContext]:
        _, sctx = _ssl_contexts(kind, tmp)
        # OpenSSL's default groups (X25519 first, P-256 next), as ours.
        cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        cctx.load_verify_locations(tmp / "ca.pem")
        for ctx in (cctx, sctx):
            ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        cctx.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256")
        if not tickets:
            sctx.options |= ssl.OP_NO_TICKET
        return cctx, sctx

    for kind, label in (("p256", "full: X25519 + ECDSA P-256"),
                        ("rsa", "full: X25519 + RSA-2048 (PKCS#1)")):
        ccfg, scfg = configs(kind, client=v12)
        cctx, sctx = ssl12(kind)

        def ours(ccfg: engine.Config = ccfg, scfg: engine.Config = scfg) -> None:
            assert handshake(ccfg, scfg).client.established

        def ref(cctx: ssl.SSLContext = cctx, sctx: ssl.SSLContext = sctx) -> None:
            _ssl_handshake(cctx, sctx)

        r = alternate({"ours": ours, "ref": ref}, rounds=3)
        t.row(label, r["ours"], r["ref"], ratio(r["ours"], r["ref"]))

    for label, server, tickets in (
        ("resumed: ticket (RFC 5077)", {"ticket_keys": (bytes(32),)}, True),
        ("resumed: session ID", {"session_cache": SessionCache()}, False),
    ):
        ccfg, scfg = configs("p256", client=v12, server=server)
        [session] = [e.ticket for e in handshake(ccfg, scfg).client_events
                     if isinstance(e, engine.NewSessionTicket)]
        cctx, sctx = ssl12("p256", tickets)
        ssl_session = _ssl_handshake(cctx, sctx).session

        def ours_resumed(ccfg: engine.Config = ccfg, scfg: engine.Config = scfg,
                         session: engine.Ticket = session) -> None:
            c, out = engine.client(ccfg, "server.test", session=session)
            r = engine.handle_tls(engine.server(scfg), out)
            rc = engine.handle_tls(c, r.out)
            rs = engine.handle_tls(r.state, rc.out)
            assert rs.state.info is not None and rs.state.info.resumed

        def ref_resumed(cctx: ssl.SSLContext = cctx, sctx: ssl.SSLContext = sctx,
                        ssl_session: ssl.SSLSession | None = ssl_session) -> None:
            assert _ssl_handshake(cctx, sctx, ssl_session).session_reused

        if _ssl_handshake(cctx, sctx, ssl_session).session_reused:
            r = alternate({"ours": ours_resumed, "ref": ref_resumed}, rounds=3)
            t.row(label, r["ours"], r["ref"], ratio(r["ours"], r["ref"]))
        else:  # the ssl module's server keeps no session-ID cache
            r = alternate({"ours": ours_resumed}, rounds=3)
            t.row(label, r["ours"], "-", "-")


def run() -> None:
    t = Table("TLS 1.3 full handshakes/s (client + server, in memory)",
              ["certificate", "tlspy", "ssl (OpenSSL)", "ratio"])
    with tempfile.TemporaryDirectory() as d:
        for kind, label in (("p256", "X25519 + ECDSA P-256"), ("rsa", "X25519 + RSA-2048 PSS")):
            ccfg, scfg = configs(kind, client={"groups": (NamedGroup.X25519,)})
            cctx, sctx = _ssl_contexts(kind, Path(d))

            def ours(ccfg: engine.Config = ccfg, scfg: engine.Config = scfg) -> None:
                p = handshake(ccfg, scfg)
                assert p.client.established

            def ref(cctx: ssl.SSLContext = cctx, sctx: ssl.SSLContext = sctx) -> None:
                _ssl_handshake(cctx, sctx)

            r = alternate({"ours": ours, "ref": ref}, rounds=3)
            t.row(label, r["ours"], r["ref"], ratio(r["ours"], r["ref"]))

        ccfg, scfg = configs("p256", client={"groups": (NamedGroup.X25519,)},
                             server={"ticket_keys": (bytes(32),)})
        first = handshake(ccfg, scfg)
        [ticket] = [e.ticket for e in first.client_events
                    if isinstance(e, engine.NewSessionTicket)]
        cctx, sctx = _ssl_contexts("p256", Path(d))
        session = _ssl_handshake(cctx, sctx).session

        def ours_resumed() -> None:
            c, out = engine.client(ccfg, "server.test", ticket=ticket)
            r = engine.handle_tls(engine.server(scfg), out)
            rc = engine.handle_tls(c, r.out)
            rs = engine.handle_tls(r.state, rc.out)
            assert rs.state.info is not None and rs.state.info.resumed

        def ref_resumed() -> None:
            assert _ssl_handshake(cctx, sctx, session).session_reused

        r = alternate({"ours": ours_resumed, "ref": ref_resumed}, rounds=3)
        t.row("resumed (PSK + X25519)", r["ours"], r["ref"], ratio(r["ours"], r["ref"]))

        _tls12_handshakes(Path(d))

    t = Table("application data, 16 KiB records, seal + open (MB/s)",
              ["suite", "engine", "raw AEAD", "engine/raw", "overhead"])
    for suite, aead in ((CipherSuite.TLS_AES_128_GCM_SHA256, AESGCM(bytes(16))),
                        (CipherSuite.TLS_CHACHA20_POLY1305_SHA256, ChaCha20Poly1305(bytes(32)))):
        e, r = _data_rates(suite, aead)
        # overhead: engine time per record / raw time per record - 1 (target < 25%)
        t.row(suite.name, mbps(e, 16384), mbps(r, 16384), ratio(e, r), f"{r / e - 1:.0%}")


def _data_rates(suite: CipherSuite, aead: AESGCM | ChaCha20Poly1305) -> tuple[float, float]:
    """Records per second through send_application_data + handle_tls (one
    16 KiB record each way through a client and a server state), and of the
    raw AEAD's one-call encrypt + decrypt of the same inner plaintext."""
    payload = bytes(16384)
    ccfg, scfg = configs("p256", client={"cipher_suites": (suite,)})
    p = handshake(ccfg, scfg)
    state = {"c": p.client, "s": p.server}
    inner = payload + b"\x17"
    aad = b"\x17\x03\x03\x40\x11"
    nonce = bytes(12)
    ct = aead.encrypt(nonce, inner, aad)

    def through_engine() -> None:
        state["c"], out = engine.send_application_data(state["c"], payload)
        r = engine.handle_tls(state["s"], out)
        assert len(r.data) == 16384  # really opened (a failure delivers nothing)
        state["s"] = r.state

    def raw() -> None:
        aead.encrypt(nonce, inner, aad)
        aead.decrypt(nonce, ct, aad)  # raises on a bad tag

    r = alternate({"engine": through_engine, "raw": raw})
    # both ends still in step: every record the client sealed was opened
    assert state["s"].read_seq == state["c"].write_seq and not state["s"].failed
    assert engine.handle_tls(state["s"], engine.send_application_data(
        state["c"], payload)[1]).data == payload
    return r["engine"], r["raw"]
