"""The matrix's covering design and table (interop/README.md), checked
without starting any peer: every suite x version once per peer and role,
every group and certificate type once per version, each feature once per
version (HRR in TLS 1.3), and a table that lists every cell it was given."""

from __future__ import annotations

import ssl

import pytest

from interop import run
from interop.cells import (
    CERTS,
    DHE_SUITE_12,
    FEATURES,
    GROUPS,
    PEER_ROLES,
    SUITES_12,
    SUITES_13,
    all_cells,
    cells_for,
)
from interop.table import render


@pytest.mark.parametrize(("peer", "role"), PEER_ROLES)
def test_every_dimension_covered(peer: str, role: str) -> None:
    cells = cells_for(peer, role)
    assert len({c.id for c in cells}) == len(cells)
    for version, suites in (("1.3", SUITES_13), ("1.2", SUITES_12)):
        mine = [c for c in cells if c.version == version]
        assert {c.suite for c in mine if c.dimension == "suite"} == set(suites)
        assert {c.group for c in mine} == set(GROUPS)
        assert {c.cert for c in mine} == set(CERTS)
        want = set(FEATURES) - ({"hrr"} if version == "1.2" else set())
        assert {c.feature for c in mine} - {None} == want
        # a feature cell changes nothing else from the base config
        base = {(c.suite, c.group, c.cert) for c in mine if c.feature}
        assert len(base) == 1


def test_cell_count() -> None:
    assert len(all_cells()) == 26 * len(PEER_ROLES)


def test_table_counts_and_lists() -> None:
    cells = cells_for("gnutls", "server")[:3]
    entries = [{"id": c.id, "peer": c.peer, "role": c.role, "version": c.version,
                "dimension": c.dimension, "value": c.value, "status": st, "detail": d}
               for c, st, d in zip(cells, ("pass", "fail", "unsupported"),
                                   ("", "boom", "peer lacks it"), strict=True)]
    text = render(entries)
    assert text.startswith("interop matrix: 3 cells: 1 pass, 1 fail, 1 unsupported-by-peer")
    row = next(ln for ln in text.splitlines() if ln.startswith("gnutls   server"))
    assert row.split()[2] == "1/1/1" and row.split()[-1] == "1/1/1"
    assert f"  {cells[1].id}: boom" in text and f"  {cells[2].id}: peer lacks it" in text


def test_payloads() -> None:
    for data in (run.CLIENT_DATA, run.SERVER_DATA):
        assert len(data) == run.MIB + len(run.END) and data.endswith(run.END)
        assert data.count(run.END) == 1 and not set(data) & set(b"ckpqrsCKPQRS\r")
    assert run.CLIENT_DATA != run.SERVER_DATA


def test_peer_output_parsers() -> None:
    s = run.parse_openssl_client(
        "Server Temp Key: ECDH, prime256v1, 256 bits\n"
        "Reused, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384\nALPN protocol: http/1.1\n")
    assert (s.version, s.cipher, s.group, s.alpn, s.resumed) == (
        "TLSv1.3", "TLS_AES_256_GCM_SHA384", "secp256r1", "http/1.1", True)
    assert run.parse_openssl_client("Server Temp Key: DH, 2048 bits\n").group is None
    g = run.parse_gnutls(
        "Connecting to '127.0.0.1:1'...\n- Description: (TLS1.2-X.509)-(DHE-FFDHE2048)-"
        "(RSA-PSS-RSAE-SHA256)-(CHACHA20-POLY1305)\n- Application protocol: h2\n"
        "Connecting to '127.0.0.1:1'...\n- Description: (TLS1.3-X.509)--(AES-128-GCM)\n"
        "*** This is a resumed session\n", run.GNUTLS_CLI_CONN)
    assert [(x.version, x.cipher, x.group, x.alpn, x.resumed) for x in g] == [
        ("TLSv1.2", "CHACHA20-POLY1305", "ffdhe2048", "h2", False),
        ("TLSv1.3", "AES-128-GCM", None, None, True)]
    c = run.parse_curl("*   Trying 127.0.0.1:5...\n* SSL connection using TLSv1.2 / "
                       "ECDHE-RSA-AES256-GCM-SHA384\n* ALPN: server accepted http/1.1\n"
                       "*   Trying 127.0.0.1:5...\n* SSL re-using session ID\n")
    assert [(x.version, x.cipher, x.alpn, x.resumed) for x in c] == [
        ("TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384", "http/1.1", False),
        (None, None, None, True)]


def test_openssl_suite_names() -> None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.set_ciphers("ALL")
    names = {c["id"] & 0xFFFF: c["name"] for c in ctx.get_ciphers()}
    for suite in (*SUITES_13, *SUITES_12, DHE_SUITE_12):
        assert run.openssl_suite_name(suite) == names[int(suite)]
