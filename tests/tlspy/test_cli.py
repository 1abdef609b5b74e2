"""The `tlspy` command dispatcher (python -m tlspy)."""

from __future__ import annotations

import subprocess
import sys


def tlspy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tlspy", *args], capture_output=True,
                          text=True, timeout=60)


def test_no_command_prints_usage_and_fails() -> None:
    out = tlspy()
    assert out.returncode == 2
    assert "verify" in out.stdout and "demo" in out.stdout


def test_unknown_command_is_named() -> None:
    out = tlspy("s_frobnicate")
    assert out.returncode == 2
    assert "unknown command 's_frobnicate'" in out.stderr


def test_demo_serves_tlspy_and_openssl_clients_and_refuses_a_wrong_name() -> None:
    out = tlspy("demo")
    assert out.returncode == 0, out.stderr
    assert "reply             hello from tlspy over TLSv1.3" in out.stdout
    assert "Verification: OK" in out.stdout  # openssl s_client verified our server
    assert "refused: [SSL: CERTIFICATE_VERIFY_FAILED]" in out.stdout
    assert "served 'GET /openssl HTTP/1.0'" in out.stdout
    assert "TLSV1_ALERT_BAD_CERTIFICATE" in out.stdout


def test_verify_is_wired_with_openssl_spellings() -> None:
    out = tlspy("verify", "--help")
    assert out.returncode == 0
    assert "-CAfile" in out.stdout and "-untrusted" in out.stdout


def test_verify_reports_unreadable_input_plainly() -> None:
    out = tlspy("verify", "-CAfile", "/nonexistent/roots.pem", "/nonexistent/leaf.pem")
    assert out.returncode != 0
    assert "Traceback" not in out.stderr


def test_every_command_has_help() -> None:
    from tlspy.__main__ import COMMANDS

    assert {"s_server", "s_client", "verify", "cert", "demo"} <= set(COMMANDS)
    for name in COMMANDS:
        out = tlspy(name, "--help")
        assert out.returncode == 0 and "usage: tlspy " + name in out.stdout, (name, out.stderr)
