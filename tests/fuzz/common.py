"""What the fuzz harnesses share: a fixed PKI (``pki/``, made once by
``make_corpus.py``), pinned randomness and clock, the engine states the
engine harnesses start from, and the contract every harness checks.

The engine states are built once: a State is immutable and ``handle_tls``
pure, so every input starts from exactly the same connection, and a seed
transcript captured against these states replays byte for byte."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from nocrypto.rng import Fortuna
from tlspy import engine
from tlspy.core.enums import AlertDescription, CipherSuite, ContentType, NamedGroup
from tlspy.engine import Alert, CertifiedKey, Config, Result, State
from tlspy.engine.config import DEFAULT_SUITES
from tlspy.x509 import Certificate, PrivateKey

HERE = Path(__file__).resolve().parent
PKI_DIR = HERE / "pki"
CORPUS_DIR = HERE / "corpus"
REGRESSIONS_DIR = HERE / "regressions"
# Inputs are bounded so a run never spends its time on one huge input.
MAX_INPUT = 1 << 16

NOW = 1780000000.0  # 2026-05-28; the fixed PKI is valid 2025..2035
_SEED = b"tlspy fuzz harness".ljust(32, b"\x00")
CS = CipherSuite

CBC_SUITES = tuple(s for s in CS if s.name.startswith(("TLS_ECDHE_", "TLS_DHE_"))
                   and "_CBC_" in s.name)
DHE_SUITES = tuple(s for s in CS if s.name.startswith("TLS_DHE_RSA_WITH_")
                   and "_CBC_" not in s.name)
RSA_KEX_SUITES = tuple(s for s in CS if s.name.startswith("TLS_RSA_WITH_"))
ALL_SUITES = (*DEFAULT_SUITES, *DHE_SUITES, *CBC_SUITES, *RSA_KEX_SUITES)
ALL_GROUPS = (NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1,
              NamedGroup.FFDHE2048)


def pinned_rng(n: int) -> bytes:
    """The same bytes on every call: connections made from it are equal."""
    return Fortuna(_SEED).generate(n)


def pinned_clock() -> float:
    return NOW


@dataclass(frozen=True)
class FixedPKI:
    anchors: tuple[Certificate, ...]
    server_keys: tuple[CertifiedKey, ...]  # P-256 first, then RSA-2048
    client_key: CertifiedKey


def _pem(name: str) -> bytes:
    return (PKI_DIR / name).read_bytes()


@functools.cache
def fixed_pki() -> FixedPKI:
    def ck(cert: str, key: str) -> CertifiedKey:
        return CertifiedKey((Certificate.from_pem(_pem(cert)),), PrivateKey.from_pem(_pem(key)))

    return FixedPKI(
        (Certificate.from_pem(_pem("ca-p256.pem")), Certificate.from_pem(_pem("ca-rsa.pem"))),
        (ck("server-p256.pem", "server-p256.key"), ck("server-rsa.pem", "server-rsa.key")),
        ck("client-p256.pem", "client-p256.key"),
    )


def server_config(**over: object) -> Config:
    """Everything the server engine implements switched on."""
    p = fixed_pki()
    fields: dict[str, object] = {
        "cipher_suites": ALL_SUITES, "groups": ALL_GROUPS, "certificates": p.server_keys,
        "trust_anchors": p.anchors, "client_auth": "optional", "ticket_keys": (b"k" * 32,),
        "alpn_protocols": (b"h2", b"http/1.1"), "rng": pinned_rng, "clock": pinned_clock,
    }
    fields.update(over)
    return Config(**fields)  # type: ignore[arg-type]


def client_config(**over: object) -> Config:
    """A client offering everything, with a certificate for client auth."""
    p = fixed_pki()
    fields: dict[str, object] = {
        "cipher_suites": ALL_SUITES, "groups": ALL_GROUPS, "certificates": (p.client_key,),
        "trust_anchors": p.anchors, "alpn_protocols": (b"http/1.1",),
        "rng": pinned_rng, "clock": pinned_clock,
    }
    fields.update(over)
    return Config(**fields)  # type: ignore[arg-type]


SERVER_NAME = "server.test"


@functools.cache
def server_state() -> State:
    """A fresh server connection (the server harness's starting point)."""
    return engine.server(server_config())


@functools.cache
def client_state() -> tuple[State, bytes]:
    """A client connection right after its ClientHello, and that hello."""
    return engine.client(client_config(), SERVER_NAME)


class ContractViolation(AssertionError):
    """The engine broke its failure contract (a bug, never hostile input's fault)."""


def check_result(r: Result, before: State) -> None:
    """``handle_tls``'s contract for any input: no internal error; a failed
    state carries an alert event (the fatal alert sent, or the peer's), and
    when this side sent one the bytes out end with its record (a plaintext
    alert, or a protected TLS 1.3 record)."""
    sent = [e for e in r.events if isinstance(e, Alert) and e.sent]
    for e in sent:
        if e.reason.startswith("internal error") or e.description == (
                AlertDescription.INTERNAL_ERROR):
            raise ContractViolation(f"internal error: {e.reason}")
    if r.state.failed and not before.failed:
        if not any(isinstance(e, Alert) for e in r.events):
            raise ContractViolation(f"failed state without an alert event: {r.events}")
        if sent and r.out and _last_record_type(r.out) not in (
                ContentType.ALERT, ContentType.APPLICATION_DATA):
            raise ContractViolation("a fatal alert was reported but not sent last")
    elif sent:
        raise ContractViolation("a fatal alert was sent but the state is not failed")


def _last_record_type(out: bytes) -> int:
    pos, last = 0, -1
    while pos + 5 <= len(out):
        last = out[pos]
        pos += 5 + int.from_bytes(out[pos + 3 : pos + 5], "big")
    return last


def run_engine(state: State, data: bytes) -> None:
    """Feed ``data`` to ``state`` whole, and cut in two: the contract holds
    each time, and the chunking changes neither the outcome nor, on success,
    the bytes out and the data."""
    r = engine.handle_tls(state, data)
    check_result(r, state)
    if len(data) > 1:
        cut = data[-1] % len(data) or 1
        r1 = engine.handle_tls(state, data[:cut])
        check_result(r1, state)
        r2 = engine.handle_tls(r1.state, data[cut:])
        check_result(r2, r1.state)
        if r2.state.failed != r.state.failed:
            raise ContractViolation(f"chunking at {cut} changed whether the input fails")
        # (A failure may be found at a different record: a bad header is
        # refused before the whole records ahead of it are handled.)
        if not r.state.failed and (r1.out + r2.out != r.out or r1.data + r2.data != r.data):
            raise ContractViolation(f"chunking at {cut} changed the output")
