"""`python -m tlspy` / the `tlspy` command.

Each subcommand lives in the package it belongs to and is imported only
when asked for, so `tlspy verify` works without the TLS engine.  The socket
commands s_server and s_client are the shell's (tlspy.cli_tls).
"""

from __future__ import annotations

import importlib
import sys

# name -> (module, summary); the module has main(argv) -> int.
COMMANDS = {
    "verify": ("tlspy.x509.cli", "verify a certificate chain (OpenSSL-style flags)"),
    "s_server": ("tlspy.s_server", "a TLS server (openssl s_server flags: -accept -cert -key -www)"),
    "s_client": ("tlspy.s_client", "a TLS client (openssl s_client flags: -connect -CAfile)"),
    "cert": ("tlspy.mkcert", "make a development CA and a certificate (like mkcert)"),
    "demo": ("tlspy.demo", "a TLS 1.3 handshake between tlspy client and server, in memory"),
}


def _usage() -> str:
    lines = ["usage: tlspy COMMAND [options]   (tlspy COMMAND --help for more)", "", "commands:"]
    lines += [f"  {name:<8} {summary}" for name, (_, summary) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"tlspy: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    result: int = module.main(rest)
    return result


if __name__ == "__main__":
    sys.exit(main())
