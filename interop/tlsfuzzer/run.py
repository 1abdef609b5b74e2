"""Run a curated list of tlsfuzzer scripts against `tlspy s_server`.

    python interop/tlsfuzzer/run.py --tlsfuzzer PATH [--profile NAME|all]
                                    [--only NAME] [--timeout S] [--logs DIR]

tlsfuzzer is not on PyPI and is not part of this repository: PATH is a
checkout of github.com/tlsfuzzer/tlsfuzzer.  If that checkout needs a newer
tlslite-ng than the one installed, give a tlslite-ng checkout with
--tlslite (it is put on the scripts' PYTHONPATH only).

For every script of the list (scripts.txt beside this file) whose profile is
selected: make a fresh server (`python -m tlspy s_server` on 127.0.0.1, port
chosen by the kernel), wait until it accepts, run the script with a timeout,
stop the server, print one row.  The exit status is 0 when every script
passed.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from tests.tlspy import certs  # noqa: E402  (test PKI, made with pyca/cryptography)

PROFILES = ("rsa", "rsa-tls12", "rsa-clientcert", "ecdsa")
GROUPS = "X25519:P-256:P-384:ffdhe2048:ffdhe3072:ffdhe4096"


@dataclass(frozen=True)
class Entry:
    profiles: tuple[str, ...]
    script: str
    args: tuple[str, ...]
    timeout: float | None

    @property
    def name(self) -> str:
        return " ".join((self.script, *self.args)) if self.args else self.script


def load_list(path: Path) -> list[Entry]:
    """One script a line: `PROFILES SCRIPT [ARGS...]`, shell quoting; PROFILES
    is comma separated; an argument `timeout=S` sets that script's timeout.
    `#` starts a comment."""
    out = []
    for line in path.read_text().splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        profiles = tuple(words[0].split(","))
        for p in profiles:
            if p not in PROFILES:
                raise SystemExit(f"{path}: unknown profile {p!r} in {line!r}")
        timeout = None
        args = []
        for w in words[2:]:
            if w.startswith("timeout="):
                timeout = float(w.split("=", 1)[1])
            else:
                args.append(w)
        out.append(Entry(profiles, words[1], tuple(args), timeout))
    return out


def server_argv(profile: str) -> list[str]:
    kind = "p256" if profile == "ecdsa" else "rsa"
    pki = certs.files(kind)
    argv = [sys.executable, "-m", "tlspy", "s_server", "-accept", "127.0.0.1:0", "-www",
            "-quiet", "-alpn", "http/1.1", "-cipher", "ALL", "-legacy_ems", "-groups", GROUPS,
            "-cert", pki.cert, "-key", pki.key]
    if profile == "rsa-tls12":
        argv.append("-no_tls1_3")
    if profile == "rsa-clientcert":
        argv += ["-verify", "1", "-CAfile", certs.files("rsa", "client").ca]
    return argv


def substitutions() -> dict[str, str]:
    client = certs.files("rsa", "client")
    return {"{client_cert}": client.cert, "{client_key}": client.key}


class Server:
    """A `tlspy s_server` child: started, its port read from its ACCEPT line,
    waited for until it accepts; stopped by its own pid."""

    def __init__(self, profile: str, log: Path, env: dict[str, str]) -> None:
        self.log = log.open("wb")
        self.proc = subprocess.Popen(server_argv(profile), stdout=subprocess.PIPE,
                                     stderr=self.log, env=env, cwd=ROOT)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode()
        m = re.match(r"ACCEPT ([\d.]+):(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"s_server did not start: {line!r} (log {log})")
        self.port = int(m.group(2))
        # the rest of its stdout goes to the log, drained by a thread
        import threading

        def drain() -> None:
            assert self.proc.stdout is not None
            for chunk in iter(lambda: self.proc.stdout.read1(65536), b""):  # type: ignore[union-attr]
                self.log.write(chunk)
        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"s_server not accepting (log {log})") from None
                time.sleep(0.05)

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


@dataclass
class Result:
    entry: Entry
    profile: str
    ok: bool
    seconds: float
    detail: str


def summarise(out: str, rc: int | None, timed_out: bool, server_rc: int | None) -> tuple[bool, str]:
    if timed_out:
        return False, "TIMEOUT"
    counts = dict(re.findall(r"^(TOTAL|PASS|FAIL|XPASS|XFAIL|SKIP): (\d+)$", out, re.M))
    failed = re.search(r"^FAILED:\n\t(.*)$", out, re.M)
    xpassed = re.search(r"^XPASSED:\n\t(.*)$", out, re.M)
    if rc == 0 and counts:
        note = f"{counts.get('PASS', '?')} ok"
        if counts.get("XFAIL", "0") != "0":
            note += f", {counts['XFAIL']} xfail"
        if server_rc not in (None, 0, -signal.SIGTERM):
            return False, f"server exited {server_rc}"
        return True, note
    if failed:
        return False, f"{counts.get('FAIL', '?')} failed, first: {failed.group(1)}"
    if xpassed:
        return False, f"xpass: {xpassed.group(1)}"
    tail = [ln for ln in out.strip().splitlines() if ln.strip()][-1:] or ["no output"]
    return False, f"rc={rc}: {tail[0][:120]}"


def run_one(entry: Entry, profile: str, tlsfuzzer: Path, env: dict[str, str],
            timeout: float, logs: Path) -> Result:
    stem = re.sub(r"[^\w.-]+", "_", f"{profile}__{entry.name}")[:150]
    server = Server(profile, logs / f"{stem}.server.log", env)
    subs = substitutions()
    args = [subs.get(a, a) for a in entry.args]
    argv = [sys.executable, str(tlsfuzzer / "scripts" / f"{entry.script}.py"),
            "-h", "127.0.0.1", "-p", str(server.port), *args]
    t0 = time.monotonic()
    timed_out = False
    with (logs / f"{stem}.log").open("w+b") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=tlsfuzzer, start_new_session=True)
        try:
            rc: int | None = proc.wait(entry.timeout or timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            rc = proc.wait()
        log.seek(0)
        out = log.read().decode(errors="replace")
    seconds = time.monotonic() - t0
    server_rc = server.stop()
    ok, detail = summarise(out, rc, timed_out, server_rc)
    return Result(entry, profile, ok, seconds, detail)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tlsfuzzer", required=True, type=Path, help="tlsfuzzer checkout")
    p.add_argument("--tlslite", type=Path, help="tlslite-ng checkout for the scripts")
    p.add_argument("--profile", default="all", choices=(*PROFILES, "all"))
    p.add_argument("--only", action="append", default=[],
                   help="run only scripts whose name contains this (repeatable)")
    p.add_argument("--timeout", type=float, default=300, help="per-script seconds")
    p.add_argument("--list", type=Path, default=HERE / "scripts.txt")
    p.add_argument("--logs", type=Path, help="keep the scripts' and servers' output here")
    a = p.parse_args(argv)
    tlsfuzzer = a.tlsfuzzer.resolve()
    logs = a.logs or Path(tempfile.mkdtemp(prefix="tlsfuzzer-logs-"))
    logs.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    path = [str(tlsfuzzer)] + ([str(a.tlslite.resolve())] if a.tlslite else [])
    env["PYTHONPATH"] = os.pathsep.join([*path, str(ROOT)])
    profiles = PROFILES if a.profile == "all" else (a.profile,)
    results: list[Result] = []
    print(f"{'script':60} {'profile':15} {'result':6} {'secs':>7}  detail", flush=True)
    for entry in load_list(a.list):
        if a.only and not any(o in entry.name for o in a.only):
            continue
        for profile in profiles:
            if profile not in entry.profiles:
                continue
            r = run_one(entry, profile, tlsfuzzer, env, a.timeout, logs)
            results.append(r)
            print(f"{entry.name[:60]:60} {profile:15} {'pass' if r.ok else 'FAIL':6} "
                  f"{r.seconds:7.1f}  {r.detail}", flush=True)
    passed = sum(r.ok for r in results)
    print(f"{passed} passed, {len(results) - passed} failed  (logs in {logs})")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
