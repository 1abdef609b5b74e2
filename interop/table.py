"""The matrix table: each cell's result is a small JSON file (written by
whichever pytest worker ran it); after every cell the table is rebuilt from
all results of this run, so the last cell to finish leaves it complete."""

from __future__ import annotations

import fcntl
import json
from collections import Counter
from pathlib import Path

from interop.cells import DIMENSIONS, PEER_NOTES, PEER_ROLES, Cell

STATUSES = ("pass", "fail", "unsupported")


def record(results: Path, table: Path, cell: Cell, status: str, detail: str = "") -> None:
    assert status in STATUSES
    results.mkdir(parents=True, exist_ok=True)
    entry = {"id": cell.id, "peer": cell.peer, "role": cell.role, "version": cell.version,
             "dimension": cell.dimension, "value": cell.value, "status": status,
             "detail": detail}
    (results / f"{cell.id}.json").write_text(json.dumps(entry))
    with open(results / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = render([json.loads(p.read_text()) for p in sorted(results.glob("*.json"))])
        tmp = table.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(table)


def render(entries: list[dict[str, str]]) -> str:
    """Counts per peer x tlspy role x dimension (pass/fail/unsupported),
    then every unsupported cell with its reason and every failure."""
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for e in entries:
        counts[(e["peer"], e["role"], e["dimension"], e["status"])] += 1
    total = Counter(e["status"] for e in entries)
    lines = [f"interop matrix: {len(entries)} cells: {total['pass']} pass, {total['fail']} fail, "
             f"{total['unsupported']} unsupported-by-peer",
             "each column: pass/fail/unsupported; tlspy's role against the peer",
             ""]
    head = f"{'peer':8} {'tlspy':7}" + "".join(f" {d:>11}" for d in DIMENSIONS) + f" {'all':>11}"
    lines += [head, "-" * len(head)]
    for peer, role in PEER_ROLES:
        row = f"{peer:8} {role:7}"
        for d in (*DIMENSIONS, None):
            c = [sum(n for (p, r, dim, st), n in counts.items()
                     if p == peer and r == role and (d is None or dim == d) and st == s)
                 for s in STATUSES]
            row += f" {'/'.join(map(str, c)):>11}"
        lines.append(row)
    for status, title in (("unsupported", "unsupported by the peer"), ("fail", "failures")):
        chosen = [e for e in entries if e["status"] == status]
        lines += ["", f"{title}:" + ("" if chosen else " none")]
        lines += [f"  {e['id']}: {e['detail']}" for e in chosen]
    lines += ["", "not reported by the peer (checked on tlspy's side only):"]
    lines += [f"  {peer}: {note}" for peer, note in PEER_NOTES.items()]
    return "\n".join(lines) + "\n"
