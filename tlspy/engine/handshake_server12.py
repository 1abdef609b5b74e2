"""TLS 1.2 server handshake (RFC 5246 7.3) with ECDHE (RFC 8422), Extended
Master Secret (RFC 7627; a legacy client without it gets a session that is
never resumed, or a handshake_failure under Config.require_ems), secure
renegotiation indication (RFC 5746; renegotiation itself is always refused)
and the TLS 1.3 downgrade sentinel (RFC 8446 4.1.3):
ClientHello -> ServerHello, Certificate, ServerKeyExchange,
ServerHelloDone; ClientKeyExchange, ChangeCipherSpec, Finished ->
ChangeCipherSpec, Finished."""

from __future__ import annotations

from dataclasses import replace

from nocrypto.util import compare_digest
from tlspy.core import keyschedule as ks
from tlspy.core.enums import (
    DOWNGRADE_TLS12,
    AlertDescription,
    CipherSuite,
    ClientCertificateType,
    ECPointFormat,
    NamedGroup,
    ProtocolVersion,
    SignatureScheme,
)
from tlspy.core.keyschedule import Transcript
from tlspy.core.messages import (
    ALPN,
    Certificate12,
    CertificateRequest12,
    CertificateVerify,
    ClientHello,
    ClientKeyExchangeDHE,
    ClientKeyExchangeECDHE,
    ClientKeyExchangeRSA,
    ECPointFormats,
    EncryptThenMac,
    ExtendedMasterSecret,
    Extension,
    Finished,
    HandshakeMessage,
    KeyExchange,
    NewSessionTicket12,
    RecordSizeLimit,
    RenegotiationInfo,
    ServerHello,
    ServerHelloDone,
    ServerKeyExchangeDHE,
    ServerKeyExchangeECDHE,
    ServerName,
    SessionTicket,
    SignatureAlgorithms,
    SupportedGroups,
    SupportedVersionsClientHello,
)
from tlspy.core.record import MAX_PLAINTEXT, plaintext_limit
from tlspy.core.suites import SuiteInfo, suite_info
from tlspy.core.writer import assemble_handshake, assemble_server_key_exchange_params
from tlspy.engine._records import CCS_RECORD, seal_handshake
from tlspy.engine.config import CertifiedKey, Config
from tlspy.engine.events import Event, HandshakeComplete, key_log
from tlspy.engine.handshake_common import (
    draw,
    draws,
    fail,
    key_agreement,
    make_key_share,
    parse_chain,
    validation_alert,
)
from tlspy.engine.handshake_common12 import (
    EC_GROUPS,
    FFDHE_GROUPS,
    auth_of,
    choose12,
    choose_rsa_kex,
    dhe_premaster,
    directions,
    ffdhe_params,
    rsa_premaster_decrypt,
    schemes12,
    sign12,
    suites_12,
    verify12,
)
from tlspy.engine.handshake_server13 import _server_name
from tlspy.engine.sessions import Session12
from tlspy.engine.state import (
    Ctx12,
    Established12,
    ServerWaitCertificateVerify12,
    ServerWaitChangeCipherSpec12,
    ServerWaitClientCertificate12,
    ServerWaitFinished12,
    ServerWaitKeyExchange12,
    SessionInfo,
    State,
)
from tlspy.engine.tickets import TicketState, open_ticket, seal_ticket
from tlspy.x509 import ValidationError, X509Error

A = AlertDescription
Step = tuple[State, bytes, list[Event]]
V12 = ProtocolVersion.TLS_1_2


def wants_12(config: Config, m: ClientHello) -> bool:
    """Whether this server answers ``m`` with TLS 1.2: the client does not
    offer TLS 1.3 we are configured for, and does offer TLS 1.2 (RFC 8446
    4.2.1: supported_versions rules over legacy_version)."""
    if V12 not in config.versions or not suites_12(config):
        return False
    sv = m.find(SupportedVersionsClientHello)
    if sv is not None:
        if ProtocolVersion.TLS_1_3 in sv.versions and config.tls13 and config.suites_13:
            return False
        return V12 in sv.versions
    return m.legacy_version >= V12


def check_fallback(config: Config, m: ClientHello) -> None:
    """RFC 7507 3: TLS_FALLBACK_SCSV from a client whose highest version
    (supported_versions, else legacy_version) is below ours is a fallback
    retry an attacker may have caused: inappropriate_fallback, before any
    other version decision."""
    if CipherSuite.TLS_FALLBACK_SCSV not in m.cipher_suites:
        return
    ours = 0
    if config.tls13 and config.suites_13:
        ours = ProtocolVersion.TLS_1_3
    elif V12 in config.versions and suites_12(config):
        ours = V12
    sv = m.find(SupportedVersionsClientHello)
    # Without supported_versions a client offers TLS 1.2 at most, whatever
    # its legacy_version says (RFC 8446 4.2.1).
    theirs = min(m.legacy_version, V12)
    if sv is not None:  # GREASE and unknown versions (not 3.x) left out
        theirs = max((v for v in sv.versions if v >> 8 == 3), default=m.legacy_version)
    if theirs < ours:
        raise fail(A.INAPPROPRIATE_FALLBACK, "TLS_FALLBACK_SCSV below our highest version")


def client_hello(st: State, raw: bytes, m: ClientHello) -> Step:
    cfg = st.config
    if b"\x00" not in m.legacy_compression_methods:
        raise fail(A.ILLEGAL_PARAMETER, "ClientHello compression methods lack null")
    ems = m.find(ExtendedMasterSecret) is not None
    if not ems and cfg.require_ems:
        raise fail(A.HANDSHAKE_FAILURE, "client does not offer Extended Master Secret")
    reneg = m.find(RenegotiationInfo)
    scsv = CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV in m.cipher_suites
    if reneg is not None and reneg.renegotiated_connection:
        raise fail(A.HANDSHAKE_FAILURE, "renegotiation_info not empty in a first handshake")
    # RFC 5746 3.6: a client with neither the extension nor the SCSV is a
    # legacy one; tlspy never renegotiates, so it is served all the same
    # (without the extension in the ServerHello).
    secure_reneg = reneg is not None or scsv
    pf = m.find(ECPointFormats)
    if pf is not None and ECPointFormat.UNCOMPRESSED not in pf.formats:
        raise fail(A.ILLEGAL_PARAMETER, "client ec_point_formats lacks uncompressed")
    # Without signature_algorithms the client accepts only SHA-1 signatures
    # (RFC 5246 7.4.1.4.1), which tlspy refuses: only the RSA key exchange
    # (no ServerKeyExchange signature) remains possible.
    sigalgs = m.find(SignatureAlgorithms)
    groups_ext = m.find(SupportedGroups)
    client_groups = groups_ext.groups if groups_ext is not None else (NamedGroup.SECP256R1,)
    mutual = [g for g in cfg.groups if g in EC_GROUPS and g in client_groups]
    # RFC 7919 4: FFDHE groups the client lists (any codepoint 256..511, even
    # one we do not know); none listed: any of ours.
    ff_offered = [g for g in client_groups if 256 <= g <= 511]
    mutual_ff = [g for g in cfg.groups if g in FFDHE_GROUPS and (g in ff_offered
                                                                 or not ff_offered)]
    server_name = _server_name(m)
    chosen: tuple[SuiteInfo, CertifiedKey, SignatureScheme | None, NamedGroup | None] | None
    chosen = None
    for suite in suites_12(cfg):
        if suite not in m.cipher_suites:
            continue
        info = suite_info(suite)
        assert info is not None
        if info.kex is KeyExchange.RSA:
            rsa_ck = choose_rsa_kex(cfg, server_name)
            if rsa_ck is not None:
                chosen = (info, rsa_ck, None, None)
                break
            continue
        groups = mutual if info.kex is KeyExchange.ECDHE else mutual_ff
        if not groups or sigalgs is None:
            continue
        pick = choose12(cfg, info.auth, tuple(sigalgs.schemes), tuple(client_groups),
                        server_name)
        if pick is not None:
            chosen = (info, *pick, groups[0])
            break
    if chosen is None:
        if ff_offered and not mutual_ff:
            # RFC 7919 4: FFDHE groups offered, none acceptable, and no other
            # suite to fall back to.
            raise fail(A.INSUFFICIENT_SECURITY, "no FFDHE group of the client's is acceptable")
        if sigalgs is None:
            raise fail(A.HANDSHAKE_FAILURE,
                       "ClientHello without signature_algorithms (SHA-1 only)")
        raise fail(A.HANDSHAKE_FAILURE, "no cipher suite, group and certificate in common")
    info, ck, scheme, group = chosen
    alpn_sel: bytes | None = None
    alpn = m.find(ALPN)
    if alpn is not None and cfg.alpn_protocols:
        alpn_sel = next((p for p in cfg.alpn_protocols if p in alpn.protocols), None)
        if alpn_sel is None:
            raise fail(A.NO_APPLICATION_PROTOCOL, "no ALPN protocol in common")
    random, session_seed, share_seed, sig_seed, next_seed = draws(st.seed, b"server hello", 5)
    if cfg.tls13 and cfg.suites_13:  # RFC 8446 4.1.3: we could have done TLS 1.3
        random = random[:24] + DOWNGRADE_TLS12
    ticket_ext = m.find(SessionTicket)
    # Only extended-master-secret sessions are resumable (RFC 7627 5.3).
    issue = ticket_ext is not None and bool(cfg.ticket_keys) and cfg.tickets > 0 and ems
    exts: list[Extension] = [RenegotiationInfo(b"")] if secure_reneg else []
    if ems:  # RFC 7627 5.2: echoed only when offered
        exts.append(ExtendedMasterSecret())
    if pf is not None:
        exts.append(ECPointFormats((ECPointFormat.UNCOMPRESSED,)))
    if alpn_sel is not None:
        exts.append(ALPN((alpn_sel,)))
    if issue:
        exts.append(SessionTicket(b""))
    peer_limit = m.find(RecordSizeLimit)
    if peer_limit is not None:
        # RFC 8449: in TLS 1.2 the limit counts plaintext, at most 2^14.
        ours = min(cfg.record_size_limit or MAX_PLAINTEXT, MAX_PLAINTEXT)
        exts.append(RecordSizeLimit(ours))
        st = st.replace(send_limit=plaintext_limit(peer_limit.limit, tls13=False),
                    recv_limit=ours + 1)
    etm = not info.aead and m.find(EncryptThenMac) is not None
    resumed: Session12 | None = None
    if m.legacy_session_id:
        # A ticket first (RFC 5077 3.4), then the session cache (RFC 5246
        # 7.4.1.2); either must fit this ClientHello, else a full handshake.
        if ticket_ext is not None and ticket_ext.ticket:
            resumed = _open12(cfg, ticket_ext.ticket)
        if resumed is None and cfg.session_cache is not None:
            resumed = cfg.session_cache.get(m.legacy_session_id)
        if (resumed is not None and resumed.extended_master_secret and not ems
                and resumed.usable(cfg.clock())):
            # RFC 7627 5.3: a session with EMS resumed by a hello without it.
            raise fail(A.HANDSHAKE_FAILURE, "resumption of an EMS session without EMS")
        if (resumed is not None and resumed.usable(cfg.clock())
                and resumed.suite not in m.cipher_suites):
            # RFC 5246 7.4.1.2: a hello resuming a session offers its suite.
            raise fail(A.ILLEGAL_PARAMETER, "resumed session's cipher suite not offered")
        if resumed is not None and not _resumable(cfg, resumed, m, server_name):
            resumed = None
    if resumed is not None:
        rinfo = suite_info(resumed.suite)
        assert rinfo is not None
        if not rinfo.aead and m.find(EncryptThenMac) is not None:
            exts.append(EncryptThenMac())
        return _resume(st, raw, m, resumed, random, tuple(exts), server_name, alpn_sel, issue)
    if etm:
        exts.append(EncryptThenMac())
    if server_name is not None:  # acknowledged, in full handshakes only (RFC 6066 3)
        exts.append(ServerName(None))
    # Only extended-master-secret sessions are resumable (RFC 7627 5.3).
    session_id = session_seed if cfg.session_cache is not None and ems else b""
    sh = ServerHello(V12, random, session_id, info.suite, 0, tuple(exts))
    messages: list[HandshakeMessage] = [sh, Certificate12(tuple(c.to_der() for c in ck.chain))]
    share = None
    if group is not None and scheme is not None:
        share = make_key_share(group, share_seed)
        params: ServerKeyExchangeECDHE | ServerKeyExchangeDHE
        if info.kex is KeyExchange.DHE:
            p, g = ffdhe_params(group)
            params = ServerKeyExchangeDHE(p, g, share.public, scheme, b"")
        else:
            params = ServerKeyExchangeECDHE(group, share.public, scheme, b"")
        signed = m.random + random + assemble_server_key_exchange_params(params)
        messages.append(replace(params, signature=sign12(ck, scheme, signed, sig_seed)))
    want_cert = cfg.client_auth != "none"
    if want_cert:
        messages.append(CertificateRequest12(
            (ClientCertificateType.RSA_SIGN, ClientCertificateType.ECDSA_SIGN), schemes12(cfg),
            ()))
    messages.append(ServerHelloDone())
    flight = b"".join(assemble_handshake(x) for x in messages)
    ctx = Ctx12(info, m.random, random, Transcript().add(raw, flight), server_name, alpn_sel,
                group=group, scheme=scheme, share=share, cert_requested=want_cert,
                ticket_expected=issue, etm=etm, ems=ems, client_version=m.legacy_version & 0xFFFF,
                server_key=ck if share is None else None, session_id=session_id)
    st, out = seal_handshake(st, flight)
    nxt = ServerWaitClientCertificate12(ctx) if want_cert else ServerWaitKeyExchange12(ctx)
    return st.replace(hs=nxt, seed=next_seed), out, []


def _open12(cfg: Config, ticket: bytes) -> Session12 | None:
    """The session inside a TLS 1.2 ticket we sealed, or None (then a full
    handshake follows, RFC 5077 3.4)."""
    ts = open_ticket(cfg.ticket_sealers, ticket)
    if ts is None or len(ts.psk) != 48:
        return None
    return Session12(ts.suite, ts.psk, ts.issued_at, ts.lifetime, ts.server_name)


def _resumable(cfg: Config, s: Session12, m: ClientHello, server_name: str | None) -> bool:
    """Whether session ``s`` may be resumed by ClientHello ``m``: its suite
    is configured and offered again, it has not expired, it used the
    Extended Master Secret as this hello does (RFC 7627 5.3), and it was
    made for the same server name (RFC 6066 3)."""
    return (s.suite in suites_12(cfg) and s.suite in m.cipher_suites
            and s.usable(cfg.clock()) and s.extended_master_secret
            and m.find(ExtendedMasterSecret) is not None
            and s.server_name == server_name)


def _new_ticket(st: State, suite: CipherSuite, master: bytes, server_name: str | None) -> bytes:
    cfg = st.config
    state = TicketState(suite, cfg.clock(), 0, cfg.ticket_lifetime, master, server_name)
    sealed = seal_ticket(cfg.ticket_sealers[0], draw(st.seed, b"ticket nonce", 12), state)
    return assemble_handshake(NewSessionTicket12(cfg.ticket_lifetime, sealed))


def _resume(st: State, raw: bytes, m: ClientHello, ts: Session12, random: bytes,
            exts: tuple[Extension, ...], server_name: str | None, alpn: bytes | None,
            issue: bool) -> Step:
    """The abbreviated handshake: ServerHello (echoing the client's session
    ID), [NewSessionTicket], ChangeCipherSpec, Finished (RFC 5246 7.3,
    RFC 5077 3.1)."""
    info = suite_info(ts.suite)
    assert info is not None
    alg = info.prf_hash
    master = ts.master
    flight = assemble_handshake(ServerHello(V12, random, m.legacy_session_id, ts.suite, 0, exts))
    if issue:
        flight += _new_ticket(st, ts.suite, master, server_name)
    transcript = Transcript().add(raw, flight)
    fin = assemble_handshake(Finished(ks.finished_verify_data12(
        alg, master, client=False, handshake_hash=transcript.hash(alg))))
    seed = st.seed
    etm = any(isinstance(e, EncryptThenMac) for e in exts)
    cw, sw = directions(info, master, m.random, random, etm=etm,
                        seed=seed)
    st, out = seal_handshake(st, flight)
    st = st.replace(write=sw, write_seq=0)
    st, records = seal_handshake(st, fin)
    ctx = Ctx12(info, m.random, random, transcript.add(fin), server_name, alpn, master=master,
                abbreviated=True, pending_read=cw, peer_chain=ts.peer_certificates,
                session_id=m.legacy_session_id)
    return (st.replace(hs=ServerWaitChangeCipherSpec12(ctx), seed=draw(seed, b"next", 32)),
           out + CCS_RECORD + records,
           key_log(st.config.key_log, m.random, ("CLIENT_RANDOM", master)))


def handle(st: State, raw: bytes, msg: HandshakeMessage) -> Step:
    hs = st.hs
    match hs, msg:
        case ServerWaitClientCertificate12(), Certificate12():
            return _client_certificate(st, hs, raw, msg)
        case ServerWaitKeyExchange12(), (
            ClientKeyExchangeECDHE() | ClientKeyExchangeDHE() | ClientKeyExchangeRSA()
        ):
            return _key_exchange(st, hs, raw, msg)
        case ServerWaitCertificateVerify12(), CertificateVerify():
            return _certificate_verify(st, hs, raw, msg)
        case ServerWaitFinished12(), Finished():
            return _finished(st, hs, raw, msg)
    raise fail(A.UNEXPECTED_MESSAGE, f"{type(msg).__name__} in {type(hs).__name__}")


def _client_certificate(
    st: State, hs: ServerWaitClientCertificate12, raw: bytes, m: Certificate12
) -> Step:
    cfg = st.config
    ctx = replace(hs.ctx, transcript=hs.ctx.transcript.add(raw))
    if not m.certificate_list:
        if cfg.client_auth == "required":
            raise fail(A.HANDSHAKE_FAILURE, "client sent no certificate")
        return st.replace(hs=ServerWaitKeyExchange12(ctx)), b"", []
    chain = parse_chain(m.certificate_list)
    try:
        cfg.validator(chain, cfg.anchor_store, None, cfg.now(), "client")
    except ValidationError as e:
        raise fail(validation_alert(e), f"client certificate: {e}") from None
    except (X509Error, ValueError) as e:
        raise fail(A.BAD_CERTIFICATE, f"client certificate: {e}") from None
    return st.replace(hs=ServerWaitKeyExchange12(replace(ctx, peer_chain=chain))), b"", []


def _certificate_verify(
    st: State, hs: ServerWaitCertificateVerify12, raw: bytes, m: CertificateVerify
) -> Step:
    ctx = hs.ctx
    if m.algorithm not in schemes12(st.config):
        raise fail(A.ILLEGAL_PARAMETER, f"client CertificateVerify scheme {m.algorithm!r}")
    pub = ctx.peer_chain[0].public_key
    if not verify12(auth_of(pub.kind), pub, m.algorithm, ctx.transcript.data, m.signature):
        raise fail(A.DECRYPT_ERROR, "client CertificateVerify signature is invalid")
    new = replace(ctx, transcript=ctx.transcript.add(raw))
    return st.replace(hs=ServerWaitChangeCipherSpec12(new)), b"", []


def _key_exchange(
    st: State, hs: ServerWaitKeyExchange12, raw: bytes,
    m: ClientKeyExchangeECDHE | ClientKeyExchangeDHE | ClientKeyExchangeRSA,
) -> Step:
    ctx = hs.ctx
    if isinstance(m, ClientKeyExchangeRSA):
        # Whatever the ciphertext holds, the handshake goes on the same way;
        # a bad one only shows as the client's Finished not decrypting.
        assert ctx.server_key is not None
        premaster = rsa_premaster_decrypt(ctx.server_key, m.encrypted_premaster,
                                          ctx.client_version, draw(st.seed, b"premaster", 32))
    elif isinstance(m, ClientKeyExchangeDHE):
        assert ctx.share is not None
        premaster = dhe_premaster(ctx.share, m.public)
    else:
        assert ctx.share is not None
        premaster = key_agreement(ctx.share, m.public)
    alg = ctx.suite.prf_hash
    transcript = ctx.transcript.add(raw)
    if ctx.ems:
        master = ks.extended_master_secret(alg, premaster, transcript.hash(alg))
    else:
        master = ks.master_secret12(alg, premaster, ctx.client_random, ctx.server_random)
    cw, sw = directions(ctx.suite, master, ctx.client_random, ctx.server_random, etm=ctx.etm,
                        seed=st.seed)
    new = replace(ctx, transcript=transcript, master=master, share=None, pending_read=cw,
                  pending_write=sw, server_key=None)
    events = key_log(st.config.key_log, ctx.client_random, ("CLIENT_RANDOM", master))
    if ctx.peer_chain:  # a client certificate: its CertificateVerify comes next
        return st.replace(hs=ServerWaitCertificateVerify12(new)), b"", events
    return st.replace(hs=ServerWaitChangeCipherSpec12(new)), b"", events


def change_cipher_spec(st: State, hs: ServerWaitChangeCipherSpec12) -> State:
    assert hs.ctx.pending_read is not None
    return st.replace(read=hs.ctx.pending_read, read_seq=0,
                  hs=ServerWaitFinished12(replace(hs.ctx, pending_read=None)))


def _finished(st: State, hs: ServerWaitFinished12, raw: bytes, m: Finished) -> Step:
    ctx = hs.ctx
    alg = ctx.suite.prf_hash
    expected = ks.finished_verify_data12(alg, ctx.master, client=True,
                                         handshake_hash=ctx.transcript.hash(alg))
    if len(m.verify_data) != len(expected):  # RFC 8446 4.4.4, RFC 5246 7.4.9
        raise fail(A.DECODE_ERROR, "client Finished has the wrong length")
    if not compare_digest(expected, m.verify_data):
        raise fail(A.DECRYPT_ERROR, "client Finished is wrong")
    info = SessionInfo(V12, CipherSuite(ctx.suite.suite), ctx.group, ctx.scheme, ctx.alpn,
                       ctx.peer_chain, ctx.server_name, resumed=ctx.abbreviated)
    est = Established12(ctx.suite, info, b"", b"", ctx.client_random, master=ctx.master,
                        server_random=ctx.server_random, session_id=ctx.session_id)
    if ctx.abbreviated:  # our Finished went first
        return st.replace(hs=est), b"", [HandshakeComplete(info)]
    transcript = ctx.transcript.add(raw)
    out = b""
    cfg = st.config
    if ctx.session_id and cfg.session_cache is not None:  # resumable from now on
        cfg.session_cache.put(ctx.session_id, Session12(
            CipherSuite(ctx.suite.suite), ctx.master, cfg.clock(), cfg.ticket_lifetime,
            ctx.server_name, ctx.ems, ctx.peer_chain))
    if ctx.ticket_expected:
        nst = _new_ticket(st, CipherSuite(ctx.suite.suite), ctx.master, ctx.server_name)
        st, out = seal_handshake(st, nst)
        transcript = transcript.add(nst)
    fin = assemble_handshake(Finished(ks.finished_verify_data12(
        alg, ctx.master, client=False, handshake_hash=transcript.hash(alg))))
    assert ctx.pending_write is not None
    st = st.replace(write=ctx.pending_write, write_seq=0)
    st, records = seal_handshake(st, fin)
    return st.replace(hs=est), out + CCS_RECORD + records, [HandshakeComplete(info)]
