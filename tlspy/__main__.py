"""`python -m tlspy` / the `tlspy` command.

Each subcommand lives in the package it belongs to and is imported only
when asked for, so `tlspy verify` works without the TLS engine.  The TLS
commands (s_server, s_client, cert) arrive with the engine and the shell.
"""

from __future__ import annotations

import importlib
import sys

# name -> (module, summary); the module has main(argv) -> int.
COMMANDS = {
    "verify": ("tlspy.x509.cli", "verify a certificate chain (OpenSSL-style flags)"),
    "demo": ("tlspy.__main__", "show what tlspy does on this machine"),
}


def _usage() -> str:
    lines = ["usage: tlspy COMMAND [options]   (tlspy COMMAND --help for more)", "", "commands:"]
    lines += [f"  {name:<8} {summary}" for name, (_, summary) in COMMANDS.items()]
    return "\n".join(lines)


def demo(argv: list[str]) -> int:
    import nocrypto.cpu

    if argv:
        print("usage: tlspy demo   (takes no options)")
        return 0 if argv[0] in ("-h", "--help") else 2
    print("tlspy is under construction: the TLS engine and the ssl-compatible shell")
    print("are not built yet, so there is no handshake to show.")
    print()
    print("What exists today:")
    print("  nocrypto     constant-time crypto core; CPU features its hardware paths may use:")
    print(f"               {', '.join(sorted(nocrypto.cpu.features())) or 'none (portable C)'}")
    print("  tlspy.x509   standalone certificate path validation (`tlspy verify --help`)")
    print("  tlspy.core   TLS wire messages, records and key schedules")
    print()
    print("Run `make test` for the tests and `make bench` for speed beside OpenSSL.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"tlspy: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    if name == "demo":
        return demo(rest)
    module = importlib.import_module(COMMANDS[name][0])
    result: int = module.main(rest)
    return result


if __name__ == "__main__":
    sys.exit(main())
