"""Hypothesis strategies generating every tlspy.core message and extension
in the exact form the reader produces (so parse(assemble(m)) == m)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tlspy.core import messages as m
from tlspy.core.enums import HRR_RANDOM, ExtensionType, KeyUpdateRequest, ProtocolVersion
from tlspy.core.messages import ExtensionContext as C

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
KNOWN_TYPES = {int(t) for t in ExtensionType}


def blob(lo: int = 0, hi: int = 40) -> st.SearchStrategy[bytes]:
    return st.binary(min_size=lo, max_size=hi)


def u16s(lo: int = 1, hi: int = 12) -> st.SearchStrategy[tuple[int, ...]]:
    return st.lists(u16, min_size=lo, max_size=hi).map(tuple)


raw_ext = st.builds(m.RawExtension, u16.filter(lambda t: t not in KNOWN_TYPES), blob())
key_share_entry = st.builds(m.KeyShareEntry, u16, blob(1))
alpn = st.builds(m.ALPN, st.lists(blob(1, 10), min_size=1, max_size=4).map(tuple))
groups = st.builds(m.SupportedGroups, u16s())
point_formats = st.builds(m.ECPointFormats, st.lists(u8, min_size=1, max_size=4).map(tuple))
sigalgs = st.builds(m.SignatureAlgorithms, u16s())
sigalgs_cert = st.builds(m.SignatureAlgorithmsCert, u16s())
record_size_limit = st.builds(m.RecordSizeLimit, st.integers(64, 0xFFFF))
reneg = st.builds(m.RenegotiationInfo, blob(0, 48))
ticket = st.builds(m.SessionTicket, blob())
status_request = st.builds(
    m.StatusRequest, st.just(1), st.lists(blob(1, 8), max_size=3).map(tuple), blob(0, 8)
)


@st.composite
def psk_client_hello(draw: Any) -> m.PreSharedKeyClientHello:
    n = draw(st.integers(1, 3))
    ids = tuple(draw(st.builds(m.PskIdentity, blob(1, 20), u32)) for _ in range(n))
    binders = tuple(draw(blob(32, 48)) for _ in range(n))
    return m.PreSharedKeyClientHello(ids, binders)


key_share_ch = st.lists(key_share_entry, max_size=3, unique_by=lambda e: e.group).map(
    lambda es: m.KeyShareClientHello(tuple(es))
)

CONTEXT_EXTENSIONS: dict[C, list[st.SearchStrategy[Any]]] = {
    C.CLIENT_HELLO: [
        st.builds(m.ServerName, blob(1, 20)),
        alpn,
        groups,
        point_formats,
        sigalgs,
        sigalgs_cert,
        key_share_ch,
        st.builds(m.SupportedVersionsClientHello, u16s(1, 5)),
        st.builds(m.PskKeyExchangeModes, st.lists(u8, min_size=1, max_size=3).map(tuple)),
        st.builds(m.Cookie, blob(1)),
        st.just(m.EarlyData()),
        st.just(m.ExtendedMasterSecret()),
        reneg,
        ticket,
        st.just(m.EncryptThenMac()),
        record_size_limit,
        status_request,
        raw_ext,
    ],
    C.SERVER_HELLO: [
        st.just(m.ServerName()),
        alpn,
        point_formats,
        st.builds(m.KeyShareServerHello, key_share_entry),
        st.builds(m.SupportedVersionsServerHello, u16),
        st.builds(m.PreSharedKeyServerHello, u16),
        st.just(m.ExtendedMasterSecret()),
        reneg,
        ticket,
        st.just(m.EncryptThenMac()),
        st.just(m.StatusRequestAck()),
        record_size_limit,
        raw_ext,
    ],
    C.HELLO_RETRY_REQUEST: [
        st.builds(m.KeyShareHelloRetryRequest, u16),
        st.builds(m.SupportedVersionsServerHello, u16),
        st.builds(m.Cookie, blob(1)),
        raw_ext,
    ],
    C.ENCRYPTED_EXTENSIONS: [
        st.just(m.ServerName()),
        alpn,
        groups,
        st.just(m.EarlyData()),
        record_size_limit,
        raw_ext,
    ],
    C.CERTIFICATE: [st.builds(m.CertificateStatus, st.just(1), blob(1)), raw_ext],
    C.CERTIFICATE_REQUEST: [sigalgs_cert, status_request, raw_ext],
    C.NEW_SESSION_TICKET: [st.builds(m.EarlyData, u32), raw_ext],
}


def extensions(ctx: C, max_size: int = 6) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(
        st.one_of(CONTEXT_EXTENSIONS[ctx]),
        max_size=max_size,
        unique_by=lambda e: e.extension_type,
    ).map(tuple)


@st.composite
def client_hello_extensions(draw: Any) -> tuple[Any, ...]:
    exts = draw(extensions(C.CLIENT_HELLO, 10))
    if draw(st.booleans()):
        exts = (*exts, draw(psk_client_hello()))
    return exts


@st.composite
def certificate_request13(draw: Any) -> m.CertificateRequest13:
    others = draw(extensions(C.CERTIFICATE_REQUEST, 3))
    exts = list(others)
    exts.insert(draw(st.integers(0, len(exts))), draw(sigalgs))
    return m.CertificateRequest13(draw(blob(0, 8)), tuple(exts))


random32 = st.binary(min_size=32, max_size=32)

client_hello = st.builds(
    m.ClientHello,
    u16,
    random32,
    blob(0, 32),
    u16s(1, 10),
    blob(1, 3),
    client_hello_extensions(),
)
server_hello = st.builds(
    m.ServerHello,
    u16,
    random32.filter(lambda r: r != HRR_RANDOM),
    blob(0, 32),
    u16,
    u8,
    extensions(C.SERVER_HELLO),
)
hello_retry_request = st.builds(
    m.HelloRetryRequest, u16, blob(0, 32), u16, u8, extensions(C.HELLO_RETRY_REQUEST)
)

TLS13 = ProtocolVersion.TLS_1_3
TLS12 = ProtocolVersion.TLS_1_2
ECDHE, DHE, RSA = m.KeyExchange.ECDHE, m.KeyExchange.DHE, m.KeyExchange.RSA

# (strategy, version, kex) for every handshake message form.
HANDSHAKE: list[tuple[st.SearchStrategy[Any], int, m.KeyExchange | None]] = [
    (client_hello, TLS13, None),
    (client_hello, TLS12, None),
    (server_hello, TLS13, None),
    (hello_retry_request, TLS13, None),
    (st.builds(m.EncryptedExtensions, extensions(C.ENCRYPTED_EXTENSIONS)), TLS13, None),
    (
        st.builds(
            m.Certificate13,
            blob(0, 8),
            st.lists(
                st.builds(m.CertificateEntry, blob(1, 30), extensions(C.CERTIFICATE, 2)),
                max_size=3,
            ).map(tuple),
        ),
        TLS13,
        None,
    ),
    (st.builds(m.Certificate12, st.lists(blob(1, 30), max_size=3).map(tuple)), TLS12, None),
    (certificate_request13(), TLS13, None),
    (
        st.builds(
            m.CertificateRequest12,
            st.lists(u8, min_size=1, max_size=3).map(tuple),
            u16s(),
            st.lists(blob(1, 20), max_size=3).map(tuple),
        ),
        TLS12,
        None,
    ),
    (st.builds(m.CertificateVerify, u16, blob(0, 80)), TLS13, None),
    (st.builds(m.CertificateVerify, u16, blob(0, 80)), TLS12, None),
    (st.builds(m.ServerKeyExchangeECDHE, u16, blob(1, 70), u16, blob(0, 80)), TLS12, ECDHE),
    (
        st.builds(m.ServerKeyExchangeDHE, blob(1, 40), blob(1, 4), blob(1, 40), u16, blob(0, 80)),
        TLS12,
        DHE,
    ),
    (st.just(m.ServerHelloDone()), TLS12, None),
    (st.builds(m.ClientKeyExchangeECDHE, blob(1, 70)), TLS12, ECDHE),
    (st.builds(m.ClientKeyExchangeDHE, blob(1, 70)), TLS12, DHE),
    (st.builds(m.ClientKeyExchangeRSA, blob(0, 70)), TLS12, RSA),
    (st.builds(m.Finished, blob(1, 48)), TLS13, None),
    (st.builds(m.Finished, blob(1, 48)), TLS12, None),
    (
        st.builds(
            m.NewSessionTicket13,
            u32,
            u32,
            blob(0, 16),
            blob(1, 40),
            extensions(C.NEW_SESSION_TICKET),
        ),
        TLS13,
        None,
    ),
    (st.builds(m.NewSessionTicket12, u32, blob(0, 40)), TLS12, None),
    (st.just(m.EndOfEarlyData()), TLS13, None),
    (st.builds(m.KeyUpdate, st.sampled_from(list(KeyUpdateRequest))), TLS13, None),
    (st.just(m.HelloRequest()), TLS12, None),
]
