"""Fuzz target: ``handle_tls`` from a fresh server connection (every
version, suite, group and option the engine has switched on; pinned
randomness and clock, the fixed PKI).  The input is what a client sends;
the seed corpus holds real client transcripts (TLS 1.3 and 1.2) that drive
the server through the whole handshake into application data.  Contract
(``common.check_result``): ``handle_tls`` never raises, never fails with an
internal error, and gives the same outcome for any chunking."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["tlspy"]):
    from tests.fuzz.common import MAX_INPUT, run_engine, server_state

START = server_state()


def TestOneInput(data: bytes) -> None:
    if len(data) > MAX_INPUT:
        return
    run_engine(START, data)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
