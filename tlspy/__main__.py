"""`python -m tlspy` / the `tlspy` command.

Only `demo` exists so far, and it says honestly what is there; the TLS
commands (s_server, s_client, verify, cert) arrive with the engine and shell.
"""

from __future__ import annotations

import sys


def _demo() -> int:
    import nocrypto.cpu

    print("tlspy is under construction: the TLS engine and the ssl-compatible shell")
    print("are not built yet, so there is no handshake to show.")
    print()
    print("What exists today is the crypto core, nocrypto.  On this machine it uses:")
    print(f"  hardware paths: {', '.join(sorted(nocrypto.cpu.features())) or 'none (portable C)'}")
    print("Run `make test` for its tests and `make bench` for its speed beside OpenSSL.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["demo"]:
        return _demo()
    print("usage: python -m tlspy demo   (more commands arrive with the TLS engine)")
    return 0 if args[:1] in (["-h"], ["--help"]) else 2


if __name__ == "__main__":
    sys.exit(main())
