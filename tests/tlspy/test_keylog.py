"""keylog_filename and SSLKEYLOGFILE: the file gets NSS key log lines,
and a secret read back from it decrypts a record captured off the wire
(the decryption done here with pyca/cryptography, an oracle)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import tlspy
from tests.tlspy.certs import files


def _expand_label(secret: bytes, label: bytes, length: int) -> bytes:
    """HKDF-Expand-Label (RFC 8446 7.1) with SHA-256, written out here."""
    full = b"tls13 " + label
    info = length.to_bytes(2, "big") + bytes([len(full)]) + full + b"\x00"
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([i]), hashlib.sha256).digest()
        out += block
        i += 1
    return out[:length]


def _prf(secret: bytes, label: bytes, seed: bytes, length: int) -> bytes:
    """The TLS 1.2 PRF with SHA-256 (RFC 5246 5)."""
    seed = label + seed
    a, out = seed, b""
    while len(out) < length:
        a = hmac.new(secret, a, hashlib.sha256).digest()
        out += hmac.new(secret, a + seed, hashlib.sha256).digest()
    return out[:length]


def _handshake(version: ssl.TLSVersion, keylog: Path) -> tuple[bytes, bytes]:
    """A tlspy client (logging keys) and a stdlib server over memory BIOs;
    returns every byte the server sent and what the client read."""
    f = files()
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(f.cert, f.key)
    server.minimum_version = server.maximum_version = version
    server.num_tickets = 0
    client = tlspy.create_default_context(cafile=f.ca)
    client.set_ciphersuites("TLS_AES_128_GCM_SHA256")
    client.set_ciphers("ECDHE-ECDSA-AES128-GCM-SHA256")
    client.keylog_filename = str(keylog)
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    ours = client.wrap_bio(c_in, c_out, server_hostname="localhost")
    theirs = server.wrap_bio(s_in, s_out, server_side=True)
    wire = b""
    for _ in range(10):
        with contextlib.suppress(ssl.SSLWantReadError):
            ours.do_handshake()
        s_in.write(c_out.read())
        with contextlib.suppress(ssl.SSLWantReadError):
            theirs.do_handshake()
        sent = s_out.read()
        wire += sent
        c_in.write(sent)
        if ours.version() and theirs.version():
            break
    theirs.write(b"secret payload")
    sent = s_out.read()
    wire += sent
    c_in.write(sent)
    return wire, ours.read(100)


def _records(wire: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos + 5 <= len(wire):
        n = int.from_bytes(wire[pos + 3:pos + 5], "big")
        out.append((wire[pos], wire[pos + 5:pos + 5 + n]))
        pos += 5 + n
    return out


def _log(path: Path) -> dict[str, tuple[bytes, bytes]]:
    lines = path.read_text().splitlines()
    assert lines[0].startswith("#")
    entries = {}
    for line in lines[1:]:
        label, random, secret = line.split()
        entries[label] = (bytes.fromhex(random), bytes.fromhex(secret))
    return entries


def test_tls13_secret_from_the_file_opens_a_record(tmp_path: Path) -> None:
    path = tmp_path / "keys.log"
    wire, got = _handshake(ssl.TLSVersion.TLSv1_3, path)
    assert got == b"secret payload"
    log = _log(path)
    assert set(log) == {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                        "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"}
    records = _records(wire)
    client_random = {r for r, _ in log.values()}
    assert len(client_random) == 1 and len(client_random.pop()) == 32
    secret = log["SERVER_TRAFFIC_SECRET_0"][1]
    key, iv = _expand_label(secret, b"key", 16), _expand_label(secret, b"iv", 12)
    last_type, last = records[-1]
    assert last_type == 23
    header = bytes((23, 3, 3)) + len(last).to_bytes(2, "big")
    inner = AESGCM(key).decrypt(iv, last, header)  # sequence number 0
    assert inner == b"secret payload\x17"


def test_tls12_master_secret_from_the_file_opens_the_finished(tmp_path: Path) -> None:
    path = tmp_path / "keys.log"
    wire, got = _handshake(ssl.TLSVersion.TLSv1_2, path)
    assert got == b"secret payload"
    log = _log(path)
    assert set(log) == {"CLIENT_RANDOM"}
    client_random, master = log["CLIENT_RANDOM"]
    records = _records(wire)
    assert records[0][0] == 22 and records[0][1][0] == 2  # ServerHello
    server_random = records[0][1][6:38]
    block = _prf(master, b"key expansion", server_random + client_random, 40)
    server_key, server_iv = block[16:32], block[36:40]
    ccs = next(i for i, (t, _) in enumerate(records) if t == 20)
    kind, finished = records[ccs + 1]
    assert kind == 22
    explicit, body = finished[:8], finished[8:]
    aad = (0).to_bytes(8, "big") + bytes((22, 3, 3)) + (len(body) - 16).to_bytes(2, "big")
    plain = AESGCM(server_key).decrypt(server_iv + explicit, body, aad)
    assert plain[:4] == b"\x14\x00\x00\x0c" and len(plain) == 16  # Finished, 12 bytes


def test_keylog_filename_property_like_ssl(tmp_path: Path) -> None:
    ctx = tlspy.SSLContext(tlspy.PROTOCOL_TLS_CLIENT)
    assert ctx.keylog_filename is None
    assert ctx.engine_config(False).key_log is False
    path = tmp_path / "k.log"
    ctx.keylog_filename = path  # type: ignore[assignment]
    assert ctx.keylog_filename == str(path)
    assert path.read_text().startswith("# TLS secrets log file")
    assert ctx.engine_config(False).key_log is True
    ctx.keylog_filename = None
    assert ctx.engine_config(False).key_log is False
    with pytest.raises(OSError):
        ctx.keylog_filename = str(tmp_path / "no" / "such" / "dir" / "k.log")


def test_sslkeylogfile_environment_variable(tmp_path: Path) -> None:
    path = tmp_path / "env.log"
    code = ("import tlspy; c = tlspy.create_default_context(); print(c.keylog_filename)")
    env = {**os.environ, "SSLKEYLOGFILE": str(path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.strip() == str(path) and path.exists()
    ignored = subprocess.run([sys.executable, "-E", "-c", code], env=env, capture_output=True,
                             text=True, timeout=60, cwd=Path(tlspy.__file__).parent.parent)
    assert ignored.stdout.strip() == "None", ignored.stderr
