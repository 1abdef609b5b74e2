"""`tlspy verify`: check a certificate chain, with OpenSSL's flag spellings.

    tlspy verify -CAfile roots.pem [-untrusted chain.pem] [-name host] [-attime T] cert.pem

-CAfile/--CAfile, -CApath/--CApath, -untrusted/--untrusted, -name/--name
(a DNS name or IP address; -verify_hostname/-verify_ip are aliases),
-attime/--attime (Unix seconds, as OpenSSL, or ISO 8601), -purpose
sslserver|sslclient, -verify_depth N.  Without -CAfile/-CApath the system
bundle is used.  Prints "CERT: OK" or the error, exits 0 or 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import sys
from pathlib import Path

from tlspy.x509.cert import Certificate, load_pem_certificates
from tlspy.x509.errors import CertificateParseError, ValidationError
from tlspy.x509.keys import pem_blocks
from tlspy.x509.ops import Ops
from tlspy.x509.store import TrustStore
from tlspy.x509.verify import verify_chain


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tlspy verify", description="Verify certificate chains.")
    p.add_argument("-CAfile", "--CAfile", "--ca-file", dest="cafile", action="append", default=[])
    p.add_argument("-CApath", "--CApath", "--ca-path", dest="capath", action="append", default=[])
    p.add_argument("-untrusted", "--untrusted", dest="untrusted", action="append", default=[])
    p.add_argument("-name", "--name", "-verify_hostname", "--verify-hostname", "-verify_ip",
                   "--verify-ip", dest="name")
    p.add_argument("-attime", "--attime", dest="attime")
    p.add_argument("-purpose", "--purpose", dest="purpose", default="sslserver",
                   choices=["sslserver", "sslclient"])
    p.add_argument("-verify_depth", "--verify-depth", dest="depth", type=int)
    p.add_argument("certs", nargs="*", metavar="CERT")
    return p


def _time(v: str) -> dt.datetime:
    if v.isdigit():
        return dt.datetime.fromtimestamp(int(v), dt.timezone.utc)
    t = dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def _load(path: str) -> list[Certificate]:
    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    if pem_blocks(data):
        return load_pem_certificates(data)
    return [Certificate.from_der(data)]


def main(argv: list[str] | None = None, *, ops: Ops | None = None) -> int:
    """Run `verify` on argv (without the program name); returns the exit status.
    ops swaps the signature checks (tests)."""
    args = _parser().parse_args(argv)
    try:
        store = TrustStore()
        for f in args.cafile:
            store.add_pem(Path(f).read_bytes())
        for d in args.capath:
            store.add(TrustStore.from_directory(d))
        if not args.cafile and not args.capath:
            store = TrustStore.system()
        untrusted = [c for f in args.untrusted for c in _load(f)]
        at = _time(args.attime) if args.attime else None
        name: str | ipaddress.IPv4Address | ipaddress.IPv6Address | None = args.name
        if args.name:
            try:
                name = ipaddress.ip_address(args.name)
            except ValueError:
                name = args.name
    except (OSError, ValueError, CertificateParseError) as e:
        print(f"tlspy verify: {e}", file=sys.stderr)
        return 2
    status = 0
    for path in args.certs or ["-"]:
        try:
            leaf = _load(path)[0]
            chain = verify_chain(leaf, untrusted, list(store), name=name, at=at,
                                 usage="client" if args.purpose == "sslclient" else "server",
                                 max_depth=args.depth, ops=ops)
        except (OSError, IndexError, CertificateParseError) as e:
            print(f"{path}: cannot load certificate: {e}")
            status = 2
            continue
        except ValidationError as e:
            where = "" if e.index is None else f" at depth {e.index}"
            print(f"{path}: verification failed{where}: {e.reason}: {e.message}")
            status = 2
            continue
        print(f"{path}: OK ({len(chain)} certificates, anchor {chain.anchor.subject})")
    return status


if __name__ == "__main__":
    sys.exit(main())
