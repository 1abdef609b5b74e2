"""The interop matrix (interop/README.md): one test per cell, each starting
its own peer on 127.0.0.1, so pytest-xdist spreads them.  Every cell's
result goes into build/interop-table.txt (which `make pytest` prints); a
cell the peer cannot run is recorded as unsupported with the reason, and
never skipped."""

from __future__ import annotations

import shutil
import traceback
from pathlib import Path

import pytest

from interop.cells import HRR_GROUP, Cell, all_cells, unsupported
from interop.run import (
    CLIENT_DATA,
    SERVER_DATA,
    Outcome,
    Seen,
    gnutls_cipher_name,
    openssl_suite_name,
    run_cell,
)
from interop.table import record

BUILD = Path(__file__).resolve().parents[2] / "build"
CELLS = all_cells()


@pytest.fixture(scope="session")
def results_dir(testrun_uid: str) -> Path:
    """This run's results (all xdist workers share the run id); earlier
    runs' results are dropped so the table shows this run only."""
    root = BUILD / "interop"
    if root.is_dir():
        for old in root.iterdir():
            if old.is_dir() and old.name != testrun_uid:
                shutil.rmtree(old, ignore_errors=True)
    return root / testrun_uid


def _check_side(cell: Cell, who: str, s: Seen, resumed: bool, gnutls: bool = False) -> None:
    version = f"TLSv{cell.version}"
    suite = gnutls_cipher_name(cell.suite) if gnutls else openssl_suite_name(cell.suite)
    group = HRR_GROUP if cell.feature == "hrr" else cell.group
    if s.version is not None:
        assert s.version == version, f"{who} says version {s.version}, wanted {version}"
    if s.cipher is not None:
        assert s.cipher == suite, f"{who} says suite {s.cipher}, wanted {suite}"
    if s.group is not None and not resumed:
        assert s.group == group, f"{who} says group {s.group}, wanted {group}"
    assert s.resumed == resumed, f"{who} says resumed={s.resumed}, wanted {resumed}"


def check(cell: Cell, out: Outcome) -> None:
    """What was negotiated, as each side saw it, and the data both ways."""
    n = 2 if cell.feature == "resumption" else 1
    assert len(out.tlspy) == n, f"tlspy saw {len(out.tlspy)} connections, wanted {n}"
    assert len(out.peer) == n, f"{cell.peer} saw {len(out.peer)} connections, wanted {n}\n" \
                               f"{out.peer_text}"
    for i, (mine, theirs) in enumerate(zip(out.tlspy, out.peer, strict=True)):
        resumed = cell.feature == "resumption" and i == 1
        _check_side(cell, "tlspy", mine, resumed)
        assert mine.cipher is not None and mine.version is not None
        if not resumed:
            assert mine.group is not None
        _check_side(cell, cell.peer, theirs, resumed, gnutls=cell.peer == "gnutls")
        alpn = "http/1.1" if cell.feature == "alpn" else None
        assert mine.alpn == alpn, f"tlspy says ALPN {mine.alpn}, wanted {alpn}"
        if theirs.alpn is not None or cell.peer == "ssl":
            assert theirs.alpn == alpn, f"{cell.peer} says ALPN {theirs.alpn}, wanted {alpn}"
    if cell.feature == "alpn" and cell.peer != "ssl":
        assert out.peer[-1].alpn == "http/1.1", f"{cell.peer} did not report ALPN\n" \
                                                f"{out.peer_text}"
    if cell.peer != "ssl":  # the other peers print version and suite
        assert out.peer[-1].cipher is not None, f"{cell.peer} printed no suite\n{out.peer_text}"
    last_mine, last_theirs = out.tlspy[-1], out.peer[-1]
    if cell.role == "client":
        assert last_mine.peer_cert == out.server_cert_der, "tlspy saw another server cert"
        want = CLIENT_DATA if cell.peer == "gnutls" else SERVER_DATA  # gnutls-serv echoes
        assert last_mine.received == want, "tlspy client: the 1 MiB download differs"
        if cell.peer == "ssl":
            assert last_theirs.received == CLIENT_DATA, "ssl server: the 1 MiB upload differs"
        if cell.feature == "client-auth":
            assert last_theirs.peer_cert == out.client_cert_der, \
                f"{cell.peer} did not see tlspy's client certificate"
    else:
        assert last_mine.received == CLIENT_DATA, "tlspy server: the 1 MiB upload differs"
        assert last_theirs.received == SERVER_DATA, \
            f"{cell.peer}: the 1 MiB download differs"
        if cell.feature == "client-auth":
            assert last_mine.peer_cert == out.client_cert_der, \
                "tlspy server did not see the client certificate"
        else:
            assert last_mine.peer_cert is None
    if cell.feature == "hrr":
        assert out.hrr_on_wire, "no HelloRetryRequest on the wire"


@pytest.mark.network
@pytest.mark.parametrize("cell", CELLS, ids=[c.id for c in CELLS])
def test_cell(cell: Cell, results_dir: Path) -> None:
    table = BUILD / "interop-table.txt"
    reason = unsupported(cell)
    if reason is not None:
        record(results_dir, table, cell, "unsupported", reason)
        return
    try:
        check(cell, run_cell(cell))
    except BaseException as e:
        last = traceback.extract_tb(e.__traceback__)[-1]
        first_line = (str(e).strip().splitlines() or [""])[0]
        record(results_dir, table, cell, "fail",
               f"{type(e).__name__}: {first_line[:160]} ({Path(last.filename).name}:{last.lineno})")
        raise
    record(results_dir, table, cell, "pass")
