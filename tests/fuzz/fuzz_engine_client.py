"""Fuzz target: ``handle_tls`` from a client connection that has sent its
ClientHello (offering TLS 1.3 and 1.2, every suite and group the engine
has, a client certificate; pinned randomness and clock, the fixed PKI).
The input is what a server sends; the seed corpus holds real server
transcripts (TLS 1.3 with and without HelloRetryRequest and client auth,
TLS 1.2 ECDHE/DHE with GCM and CBC) that validate the server's chain and
reach application data.  Contract as for the server harness
(``common.check_result``)."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["tlspy"]):
    from tests.fuzz.common import MAX_INPUT, client_state, run_engine

START = client_state()[0]


def TestOneInput(data: bytes) -> None:
    if len(data) > MAX_INPUT:
        return
    run_engine(START, data)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
