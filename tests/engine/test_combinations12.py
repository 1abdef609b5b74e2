"""TLS 1.2 combinations: hypothesis picks the certificate type (ECDSA
P-256/P-384, RSA-2048, RSA-PSS), a suite that fits it (ECDHE, DHE, plain
RSA; AEAD or CBC), the signature scheme, the group, client
authentication, ALPN and resumption (ticket or session ID); every
combination completes, both sides agree, exporters match and data moves
both ways.  A TLS 1.3 companion picks the signature scheme."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.engine.certs import NOW_TS, pki
from tests.engine.helpers import configs, handshake
from tests.engine.test_rsa_pss_pss import _own_ca, pss_leaf
from tlspy import engine
from tlspy.core.enums import CipherSuite, NamedGroup, ProtocolVersion, SignatureScheme
from tlspy.core.messages import KeyExchange
from tlspy.core.suites import Auth, suite_info
from tlspy.engine import CertifiedKey, SessionCache
from tlspy.engine.handshake_common12 import SUITES_12
from tlspy.x509 import Certificate

S = SignatureScheme
G = NamedGroup
V12 = ProtocolVersion.TLS_1_2
KINDS12 = ("p256", "p384", "rsa", "rsa-pss")
SCHEMES = {
    "p256": (S.ECDSA_SECP256R1_SHA256, S.ECDSA_SECP384R1_SHA384),
    "p384": (S.ECDSA_SECP256R1_SHA256, S.ECDSA_SECP384R1_SHA384),
    "rsa": (S.RSA_PKCS1_SHA256, S.RSA_PKCS1_SHA384, S.RSA_PKCS1_SHA512,
            S.RSA_PSS_RSAE_SHA256, S.RSA_PSS_RSAE_SHA384, S.RSA_PSS_RSAE_SHA512),
    "rsa-pss": (S.RSA_PSS_PSS_SHA256, S.RSA_PSS_PSS_SHA384, S.RSA_PSS_PSS_SHA512),
}
CURVE = {"p256": G.SECP256R1, "p384": G.SECP384R1}


def _suites(kind: str) -> list[CipherSuite]:
    out = []
    for s in sorted(SUITES_12):
        info = suite_info(s)
        assert info is not None
        if (kind in CURVE and info.auth is Auth.ECDSA) or (kind.startswith("rsa") and info.auth is Auth.RSA and not (
                kind == "rsa-pss" and info.kex is KeyExchange.RSA)):
            out.append(CipherSuite(s))
    return out


def _server_key(kind: str) -> tuple[CertifiedKey, Certificate]:
    if kind == "rsa-pss":
        return pss_leaf()[0], _own_ca()[0]
    p = pki(kind)
    return p.key, p.anchor


@st.composite
def setups(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(st.sampled_from(KINDS12))
    suite = draw(st.sampled_from(_suites(kind)))
    info = suite_info(suite)
    assert info is not None
    if info.kex is KeyExchange.DHE:
        group = draw(st.sampled_from([G.FFDHE2048, G.FFDHE3072]))
    else:
        group = draw(st.sampled_from([G.X25519, G.SECP256R1, G.SECP384R1]))
    return {
        "kind": kind, "suite": suite, "group": group,
        "scheme": draw(st.sampled_from(SCHEMES[kind])),
        "client_kind": draw(st.one_of(st.none(), st.sampled_from(["p256", "rsa"]))),
        "alpn": draw(st.booleans()),
        "resume": draw(st.sampled_from([None, "ticket", "session"])),
    }


def _pump(a: engine.State, b: engine.State, data: bytes) -> tuple[engine.State, engine.State]:
    a, out = engine.send_application_data(a, data)
    r = engine.handle_tls(b, out)
    assert not r.state.failed and r.data == data, r.events
    return a, r.state


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setup=setups())
def test_tls12_combinations(setup: dict) -> None:  # type: ignore[type-arg]
    kind, suite, group, scheme = setup["kind"], setup["suite"], setup["group"], setup["scheme"]
    server_key, anchor = _server_key(kind)
    groups = (group, *((CURVE[kind],) if kind in CURVE and CURVE[kind] != group else ()))
    client: dict[str, object] = {"versions": (V12,), "cipher_suites": (suite,),
                                 "groups": groups, "signature_schemes": (scheme,),
                                 "trust_anchors": (anchor,)}
    server: dict[str, object] = {"certificates": (server_key,), "cipher_suites": _suites(kind),
                                 "groups": (group, *(g for g in (
                                     G.X25519, G.SECP256R1, G.SECP384R1, G.FFDHE2048,
                                     G.FFDHE3072) if g != group))}
    if setup["alpn"]:
        client["alpn_protocols"] = (b"h2", b"http/1.1")
        server["alpn_protocols"] = (b"http/1.1",)
    if setup["client_kind"] is not None:
        cp = pki(setup["client_kind"], ("client.test",), "client")
        client["certificates"] = (cp.key,)
        client["signature_schemes"] = (scheme, *(s for s in SCHEMES[setup["client_kind"]]
                                                 if s != scheme))
        server["client_auth"] = "required"
        server["trust_anchors"] = (cp.anchor,)
    if setup["resume"] == "ticket":
        server["ticket_keys"] = (bytes(32),)
    elif setup["resume"] == "session":
        server["session_cache"] = SessionCache(clock=lambda: NOW_TS)
    server["cipher_suites"] = tuple(server["cipher_suites"])  # type: ignore[arg-type]
    ccfg, scfg = configs(kind if kind != "rsa-pss" else "rsa", client=client, server=server)
    p = handshake(ccfg, scfg)
    assert p.client.established and p.server.established, (p.client_events, p.server_events)
    c, s = p.client, p.server
    if setup["resume"] is not None:
        [session] = [e.ticket for e in p.client_events if isinstance(e, engine.NewSessionTicket)]
        cst, out = engine.client(ccfg, "server.test", session=session)
        r = engine.handle_tls(engine.server(scfg), out)
        rc = engine.handle_tls(cst, r.out)
        rs = engine.handle_tls(r.state, rc.out)
        c, s = rc.state, rs.state
        assert c.established and s.established
        assert c.info is not None and c.info.resumed
    ci, si = c.info, s.info
    assert ci is not None and si is not None
    assert ci.version == si.version == V12
    assert ci.cipher_suite == si.cipher_suite == suite
    assert ci.alpn == si.alpn == (b"http/1.1" if setup["alpn"] else None)
    info = suite_info(suite)
    assert info is not None
    if info.kex is KeyExchange.RSA:
        assert ci.group is None
    elif not ci.resumed:
        assert ci.group == group
        assert ci.signature_scheme in client["signature_schemes"]  # type: ignore[operator]
        if setup["client_kind"] is None:
            assert ci.signature_scheme == scheme
    assert engine.export_keying_material(c, b"test", b"ctx", 32) == (
        engine.export_keying_material(s, b"test", b"ctx", 32))
    c, s = _pump(c, s, b"to server" * 3000)
    s, c = _pump(s, c, b"to client")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["p256", "p384", "rsa", "rsa-pss", "ed25519"]), data=st.data())
def test_tls13_signature_schemes(kind: str, data: st.DataObject) -> None:
    """TLS 1.3: whichever scheme the client allows for the certificate's key
    is the one used (ECDSA schemes name the curve in TLS 1.3)."""
    schemes = {"p256": (S.ECDSA_SECP256R1_SHA256,), "p384": (S.ECDSA_SECP384R1_SHA384,),
               "ed25519": (S.ED25519,), "rsa": SCHEMES["rsa"][3:],
               "rsa-pss": SCHEMES["rsa-pss"]}[kind]
    scheme = data.draw(st.sampled_from(schemes))
    if kind in ("rsa", "rsa-pss"):
        server_key, anchor = _server_key(kind)
    else:
        server_key, anchor = pki(kind).key, pki(kind).anchor
    ccfg, scfg = configs("p256", client={"signature_schemes": (scheme,),
                                         "trust_anchors": (anchor,)},
                         server={"certificates": (server_key,)})
    p = handshake(ccfg, scfg)
    assert p.client.established, p.client_events
    assert p.client.info is not None and p.client.info.signature_scheme == scheme
