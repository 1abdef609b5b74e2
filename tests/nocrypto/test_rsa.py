"""RSA (nocrypto.rsa): Wycheproof, pyca/cryptography as oracle, the TLS
premaster entry point, key loading and generation."""

from __future__ import annotations

import random
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils
from cryptography.hazmat.primitives.asymmetric import rsa as crsa
from hypothesis import given, settings
from hypothesis import strategies as st

from nocrypto import rsa
from tests import wycheproof

HASHES: dict[str, Any] = {
    "sha1": hashes.SHA1(), "sha224": hashes.SHA224(), "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(), "sha512": hashes.SHA512(),
}


def det_rng(seed: int = 1) -> rsa.Rng:
    return random.Random(seed).randbytes


@cache
def oracle_key(bits: int, e: int = 65537) -> crsa.RSAPrivateKey:
    return crsa.generate_private_key(e, bits)


def ours(key: crsa.RSAPrivateKey) -> rsa.RSAPrivateKey:
    pn = key.private_numbers()
    return rsa.RSAPrivateKey.from_numbers(pn.public_numbers.n, pn.public_numbers.e, pn.d, pn.p,
                                          pn.q, pn.dmp1, pn.dmq1, pn.iqmp)


def oracle_digest(name: str, msg: bytes) -> bytes:
    h = hashes.Hash(HASHES[name])
    h.update(msg)
    return h.finalize()


def wycheproof_private(group: dict[str, Any]) -> rsa.RSAPrivateKey:
    k = group["privateKey"]
    num = {name: int(k[name], 16) for name in k}
    return rsa.RSAPrivateKey.from_numbers(
        num["modulus"], num["publicExponent"], num["privateExponent"], num["prime1"],
        num["prime2"], num["exponent1"], num["exponent2"], num["coefficient"])


# -- PKCS#1 v1.5 decryption ---------------------------------------------------

_PKCS1_KEYS: dict[str, rsa.RSAPrivateKey] = {}


@pytest.mark.parametrize(("group", "test"), wycheproof.cases("rsa_pkcs1_2048_test"))
def test_wycheproof_pkcs1_decrypt(group: dict[str, Any], test: dict[str, Any]) -> None:
    key = _PKCS1_KEYS.setdefault(group["privateKey"]["modulus"], wycheproof_private(group))
    ct = bytes.fromhex(test["ct"])
    if test["result"] == "valid":
        assert key.decrypt_pkcs1v15(ct, rng=det_rng()) == bytes.fromhex(test["msg"])
    else:
        with pytest.raises(rsa.DecryptionError):
            key.decrypt_pkcs1v15(ct, rng=det_rng())


@settings(max_examples=20)
@given(st.binary(max_size=245), st.integers(min_value=0, max_value=2**32))
def test_pkcs1_encrypt_both_ways(msg: bytes, seed: int) -> None:
    okey = oracle_key(2048)
    key = ours(okey)
    ct = okey.public_key().encrypt(msg, padding.PKCS1v15())
    assert key.decrypt_pkcs1v15(ct, rng=det_rng(seed)) == msg
    ct2 = key.public_key().encrypt_pkcs1v15(msg, rng=det_rng(seed))
    assert okey.decrypt(ct2, padding.PKCS1v15()) == msg


def test_pkcs1_message_too_long() -> None:
    key = ours(oracle_key(2048))
    with pytest.raises(ValueError, match="too long"):
        key.public_key().encrypt_pkcs1v15(bytes(246), rng=det_rng())


@pytest.mark.parametrize("ct", [b"", bytes(255), bytes(257)])
def test_pkcs1_bad_ciphertext_length(ct: bytes) -> None:
    key = ours(oracle_key(2048))
    with pytest.raises(rsa.DecryptionError):
        key.decrypt_pkcs1v15(ct, rng=det_rng())


def test_pkcs1_ciphertext_not_below_modulus() -> None:
    okey = oracle_key(2048)
    key = ours(okey)
    n = okey.public_key().public_numbers().n
    for c in (n, n + 1, 2**2048 - 1):
        with pytest.raises(rsa.DecryptionError):
            key.decrypt_pkcs1v15(c.to_bytes(256, "big"), rng=det_rng())


# -- PKCS#1 v1.5 signatures over digests ------------------------------------


@settings(max_examples=15)
@given(st.sampled_from(sorted(HASHES)), st.binary(max_size=100), st.integers(0, 2**32))
def test_pkcs1v15_sign_digest_both_ways(name: str, msg: bytes, seed: int) -> None:
    okey = oracle_key(2048)
    key = ours(okey)
    digest = oracle_digest(name, msg)
    sig = key.sign_pkcs1v15_digest(name, digest, rng=det_rng(seed))
    okey.public_key().verify(sig, digest, padding.PKCS1v15(), utils.Prehashed(HASHES[name]))
    osig = okey.sign(digest, padding.PKCS1v15(), utils.Prehashed(HASHES[name]))
    assert osig == sig  # PKCS#1 v1.5 signatures are deterministic
    assert key.public_key().verify_pkcs1v15_digest(name, digest, osig)
    bad = bytearray(osig)
    bad[seed % len(bad)] ^= 1 << (seed % 8)
    assert not key.public_key().verify_pkcs1v15_digest(name, digest, bytes(bad))
    assert not key.public_key().verify_pkcs1v15_digest(name, bytes(len(digest)), osig)


@pytest.mark.parametrize("bits", [1024, 1536, 2056, 3072, 4096])
def test_sizes_sign_like_oracle(impl: str, bits: int) -> None:
    okey = oracle_key(bits, 3)
    key = ours(okey)
    digest = oracle_digest("sha256", b"abc")
    sig = key.sign_pkcs1v15_digest("sha256", digest, rng=det_rng(bits))
    assert sig == okey.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    assert key.size_bits == bits


def test_unbalanced_primes(impl: str) -> None:
    # primes of 1000 and 1048 bits: unequal limb counts in the CRT
    rnd = random.Random(5)

    def prime(bits: int) -> int:
        while True:
            x = rnd.getrandbits(bits) | (1 << (bits - 1)) | 1
            if all(pow(a, x - 1, x) == 1 for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
                return x

    e = 65537
    while True:
        p, q = prime(1048), prime(1000)
        if (p - 1) % e and (q - 1) % e:
            break
    n = p * q
    d = pow(e, -1, (p - 1) * (q - 1))
    key = rsa.RSAPrivateKey.from_numbers(n, e, d, p, q)
    onum = crsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                  crsa.RSAPublicNumbers(e, n))
    okey = onum.private_key()
    digest = oracle_digest("sha256", b"unbalanced")
    sig = key.sign_pkcs1v15_digest("sha256", digest, rng=det_rng())
    assert sig == okey.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    # and with the roles of p and q swapped
    key2 = rsa.RSAPrivateKey.from_numbers(n, e, d, q, p)
    assert key2.sign_pkcs1v15_digest("sha256", digest, rng=det_rng()) == sig


# -- the TLS premaster entry point -----------------------------------------


def _pkcs1_block(k: int, payload: bytes, rnd: random.Random, *, first: bytes = b"\x00\x02",
                 ps_len: int | None = None, sep: bytes = b"\x00") -> bytes:
    if ps_len is None:
        ps_len = k - 3 - len(payload)
    ps = bytes(rnd.randrange(1, 256) for _ in range(ps_len))
    block = first + ps + sep + payload
    assert len(block) == k
    return block


def test_premaster_good_and_bad(impl: str) -> None:
    okey = oracle_key(2048)
    key = ours(okey)
    pn = okey.private_numbers()
    n, d = pn.public_numbers.n, pn.d
    rnd = random.Random(7)
    secret = b"\x03\x03" + bytes(rnd.randrange(256) for _ in range(46))

    def enc(block: bytes) -> bytes:
        return pow(int.from_bytes(block, "big"), pn.public_numbers.e, n).to_bytes(256, "big")

    good = okey.public_key().encrypt(secret, padding.PKCS1v15())
    assert key.tls_premaster_decrypt(good, 0x0303, rng=det_rng(1)) == secret
    assert key.tls_premaster_decrypt(enc(_pkcs1_block(256, secret, rnd)), 0x0303,
                                     rng=det_rng(2)) == secret
    bad_inputs = {
        "wrong version": good,
        "short secret": enc(_pkcs1_block(256, secret[:47], rnd)),
        "long secret": enc(_pkcs1_block(256, secret + b"x", rnd)),
        "no separator": enc(_pkcs1_block(256, secret, rnd, sep=b"\x01")),
        "bad first byte": enc(_pkcs1_block(256, secret, rnd, first=b"\x01\x02")),
        "bad type byte": enc(_pkcs1_block(256, secret, rnd, first=b"\x00\x01")),
        "short ciphertext": good[1:],
        "long ciphertext": b"\x00" + good,
        "empty": b"",
        "ciphertext >= n": n.to_bytes(256, "big"),
        "zero": bytes(256),
    }
    for name, ct in bad_inputs.items():
        version = 0x0302 if name == "wrong version" else 0x0303
        fallback = det_rng(99)(48)
        out = key.tls_premaster_decrypt(ct, version, rng=det_rng(99))
        assert len(out) == 48, name
        assert out == fallback, name  # the random premaster, drawn first
        assert out != secret, name
    assert d  # the oracle key really is a private key


def test_premaster_short_padding_rejected() -> None:
    # a block whose padding string is shorter than 8 bytes cannot hold a
    # 48-byte secret at the right place: always the fallback
    okey = oracle_key(1024)
    key = ours(okey)
    pn = okey.private_numbers().public_numbers
    rnd = random.Random(3)
    secret = b"\x03\x03" + bytes(46)
    block = b"\x00\x02" + bytes(rnd.randrange(1, 256) for _ in range(5)) + b"\x00" + \
        bytes(128 - 8 - 48) + secret
    ct = pow(int.from_bytes(block, "big"), pn.e, pn.n).to_bytes(128, "big")
    assert key.tls_premaster_decrypt(ct, 0x0303, rng=det_rng(4)) == det_rng(4)(48)


# -- key loading and generation ---------------------------------------------


def test_from_numbers_rejects_bad_keys() -> None:
    pn = oracle_key(2048).private_numbers()
    n, e, d, p, q = pn.public_numbers.n, pn.public_numbers.e, pn.d, pn.p, pn.q
    bad = [
        (n + 2, e, d, p, q, None, None, None),
        (n, e, d + 2, p, q, None, None, None),
        (n, e, d, p, q, pn.dmp1 + 1, None, None),
        (n, e, d, p, q, None, pn.dmq1 + 2, None),
        (n, e, d, p, q, None, None, pn.iqmp + 1),
        (n, 4, d, p, q, None, None, None),
        (n, 1, d, p, q, None, None, None),
        (n, e, 0, p, q, None, None, None),
        (n, e, d, p, p, None, None, None),
    ]
    for args in bad:
        with pytest.raises(rsa.InvalidKeyError):
            rsa.RSAPrivateKey.from_numbers(*args)
    key = rsa.RSAPrivateKey.from_numbers(n, e, d, p, q)
    n2, e2, d2, *rest = key.private_numbers()
    assert (n2, e2) == (n, e)
    assert rest == [p, q, pn.dmp1, pn.dmq1, pn.iqmp]
    assert (e * d2) % (p - 1) == 1 and (e * d2) % (q - 1) == 1


@pytest.mark.parametrize("n", [0, -5, 2**2048, 2**510 + 1, 2**8193 + 1])
def test_public_key_bad_modulus(n: int) -> None:
    with pytest.raises(rsa.InvalidKeyError):
        rsa.RSAPublicKey(n, 65537)


def test_public_key_bad_exponent() -> None:
    n = oracle_key(2048).public_key().public_numbers().n
    for e in (0, 1, 2, 65536, n, n + 2):
        with pytest.raises(rsa.InvalidKeyError):
            rsa.RSAPublicKey(n, e)


def test_keys_are_immutable() -> None:
    key = ours(oracle_key(2048))
    with pytest.raises(AttributeError):
        key._pub = key.public_key()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        key.public_key()._n = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        rsa.RSAPrivateKey()


def test_fault_check_trips_on_corrupted_key() -> None:
    key = ours(oracle_key(2048))
    key._key.dp[5] ^= 1  # simulate a fault in the key material
    digest = oracle_digest("sha256", b"m")
    with pytest.raises(rsa.RSAFaultError):
        key.sign_pkcs1v15_digest("sha256", digest, rng=det_rng())


@pytest.mark.parametrize("bits", [1024, 2048])
def test_generate_accepted_by_oracle(bits: int) -> None:
    key = rsa.generate(bits, rng=det_rng(bits))
    n, e, d, p, q, dp, dq, qinv = key.private_numbers()
    assert key.size_bits == bits and n.bit_length() == bits and e == 65537
    okey = crsa.RSAPrivateNumbers(p, q, d, dp, dq, qinv, crsa.RSAPublicNumbers(e, n)).private_key()
    digest = oracle_digest("sha256", b"generated")
    sig = key.sign_pkcs1v15_digest("sha256", digest, rng=det_rng())
    okey.public_key().verify(sig, digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    assert abs(p - q).bit_length() > bits // 2 - 100


def test_generate_rejects_bad_sizes() -> None:
    for bits in (512, 1023, 8194):
        with pytest.raises(ValueError):
            rsa.generate(bits, rng=det_rng())


# -- Wycheproof: signatures and OAEP ---------------------------------------

_WP_HASH = {"SHA-1": "sha1", "SHA-224": "sha224", "SHA-256": "sha256", "SHA-384": "sha384",
            "SHA-512": "sha512"}
_PUB_KEYS: dict[tuple[str, str], rsa.RSAPublicKey] = {}


def wycheproof_public(group: dict[str, Any]) -> rsa.RSAPublicKey:
    k = group["publicKey"]
    ident = (k["modulus"], k["publicExponent"])
    if ident not in _PUB_KEYS:
        _PUB_KEYS[ident] = rsa.RSAPublicKey(int(k["modulus"], 16), int(k["publicExponent"], 16))
    return _PUB_KEYS[ident]


SIGNATURE_FILES = [f"rsa_signature_{b}_{h}_test" for b in (2048, 3072, 4096)
                   for h in ("sha256", "sha384", "sha512")]
PSS_FILES = ["rsa_pss_2048_sha256_mgf1_32_params_test", "rsa_pss_2048_sha256_mgf1_32_test",
             "rsa_pss_2048_sha384_mgf1_48_test", "rsa_pss_3072_sha256_mgf1_32_test",
             "rsa_pss_4096_sha256_mgf1_32_test", "rsa_pss_4096_sha384_mgf1_48_test",
             "rsa_pss_4096_sha512_mgf1_64_test"]
OAEP_FILES = ["rsa_oaep_2048_sha1_mgf1sha1_test", "rsa_oaep_2048_sha256_mgf1sha256_test"]


@pytest.mark.parametrize(("group", "test"),
                         [c for f in SIGNATURE_FILES for c in wycheproof.cases(f)])
def test_wycheproof_pkcs1v15_verify(group: dict[str, Any], test: dict[str, Any]) -> None:
    key = wycheproof_public(group)
    ok = key.verify_pkcs1v15(_WP_HASH[group["sha"]], bytes.fromhex(test["msg"]),
                             bytes.fromhex(test["sig"]))
    # "acceptable" here is only MissingNull (DigestInfo without the NULL
    # parameters): rejected, see the module docstring.
    assert ok == (test["result"] == "valid"), test["comment"]


@pytest.mark.parametrize(("group", "test"), [c for f in PSS_FILES for c in wycheproof.cases(f)])
def test_wycheproof_pss_verify(group: dict[str, Any], test: dict[str, Any]) -> None:
    key = wycheproof_public(group)
    name, mgf = _WP_HASH[group["sha"]], _WP_HASH[group["mgfSha"]]
    msg, sig = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
    ok = key.verify_pss(name, msg, sig, salt_length=group["sLen"], mgf_hash=mgf)
    assert test["result"] != "acceptable"
    assert ok == (test["result"] == "valid"), test["comment"]
    if ok:  # any-salt-length verification accepts what the fixed one does
        assert key.verify_pss(name, msg, sig, mgf_hash=mgf)


_OAEP_KEYS: dict[str, rsa.RSAPrivateKey] = {}


@pytest.mark.parametrize(("group", "test"), [c for f in OAEP_FILES for c in wycheproof.cases(f)])
def test_wycheproof_oaep_decrypt(group: dict[str, Any], test: dict[str, Any]) -> None:
    key = _OAEP_KEYS.setdefault(group["privateKey"]["modulus"], wycheproof_private(group))
    name, mgf = _WP_HASH[group["sha"]], _WP_HASH[group["mgfSha"]]
    ct, label = bytes.fromhex(test["ct"]), bytes.fromhex(test["label"])
    assert test["result"] != "acceptable"
    if test["result"] == "valid":
        assert key.decrypt_oaep(ct, name, mgf, label, rng=det_rng()) == bytes.fromhex(test["msg"])
    else:
        with pytest.raises(rsa.DecryptionError):
            key.decrypt_oaep(ct, name, mgf, label, rng=det_rng())


# -- PSS and OAEP against the oracle ---------------------------------------


@settings(max_examples=15)
@given(st.sampled_from(sorted(HASHES)), st.binary(max_size=100), st.integers(0, 64),
       st.integers(0, 2**32))
def test_pss_both_ways(name: str, msg: bytes, salt_len: int, seed: int) -> None:
    okey = oracle_key(2048)
    key = ours(okey)
    pub = key.public_key()
    sig = key.sign_pss(name, msg, salt_length=salt_len, rng=det_rng(seed))
    okey.public_key().verify(sig, msg, padding.PSS(padding.MGF1(HASHES[name]), salt_len),
                             HASHES[name])
    assert pub.verify_pss(name, msg, sig)
    assert pub.verify_pss(name, msg, sig, salt_length=salt_len)
    assert not pub.verify_pss(name, msg, sig, salt_length=salt_len + 1)
    assert not pub.verify_pss(name, msg + b"x", sig)
    osig = okey.sign(msg, padding.PSS(padding.MGF1(HASHES[name]), salt_len), HASHES[name])
    assert pub.verify_pss(name, msg, osig, salt_length=salt_len)
    assert pub.verify_pss_digest(name, oracle_digest(name, msg), osig)
    assert not pub.verify_pss(name, msg, osig[:-1] + bytes([osig[-1] ^ 1]))


@pytest.mark.parametrize("bits", [1024, 1031, 2047, 2049])
def test_pss_odd_sizes(bits: int) -> None:
    # modulus lengths where emLen < k or the top byte's mask matters
    okey = oracle_key(bits)
    key = ours(okey)
    sig = key.sign_pss("sha256", b"m", rng=det_rng())
    okey.public_key().verify(sig, b"m", padding.PSS(padding.MGF1(hashes.SHA256()), 32),
                             hashes.SHA256())
    osig = okey.sign(b"m", padding.PSS(padding.MGF1(hashes.SHA256()), 20), hashes.SHA256())
    assert key.public_key().verify_pss("sha256", b"m", osig)
    assert key.public_key().verify_pkcs1v15("sha256", b"m", key.sign_pkcs1v15("sha256", b"m",
                                                                              rng=det_rng()))


@settings(max_examples=15)
@given(st.sampled_from(["sha1", "sha256", "sha384"]), st.binary(max_size=100),
       st.binary(max_size=20), st.integers(0, 2**32))
def test_oaep_both_ways(name: str, msg: bytes, label: bytes, seed: int) -> None:
    okey = oracle_key(2048)
    key = ours(okey)
    pad = padding.OAEP(padding.MGF1(HASHES[name]), HASHES[name], label or None)
    ct = key.public_key().encrypt_oaep(msg, name, label=label, rng=det_rng(seed))
    assert okey.decrypt(ct, pad) == msg
    assert key.decrypt_oaep(okey.public_key().encrypt(msg, pad), name, label=label,
                            rng=det_rng(seed)) == msg
    with pytest.raises(rsa.DecryptionError):
        key.decrypt_oaep(ct, name, label=label + b"x", rng=det_rng(seed))


def test_oaep_limits() -> None:
    key = ours(oracle_key(1024))
    with pytest.raises(ValueError, match="too short"):
        key.public_key().encrypt_oaep(b"", "sha512", rng=det_rng())
    with pytest.raises(ValueError, match="too short"):
        key.decrypt_oaep(bytes(128), "sha512", rng=det_rng())
    with pytest.raises(ValueError, match="too long"):
        key.public_key().encrypt_oaep(bytes(128 - 2 * 32 - 1), "sha256", rng=det_rng())
    ct = key.public_key().encrypt_oaep(bytes(128 - 2 * 32 - 2), "sha256", rng=det_rng())
    assert key.decrypt_oaep(ct, "sha256", rng=det_rng()) == bytes(62)
    with pytest.raises(ValueError, match="unknown hash"):
        key.decrypt_oaep(bytes(128), "md5")


def test_pkcs1v15_sign_message_like_oracle() -> None:
    okey = oracle_key(2048)
    key = ours(okey)
    for name, h in HASHES.items():
        sig = key.sign_pkcs1v15(name, b"hello", rng=det_rng())
        assert sig == okey.sign(b"hello", padding.PKCS1v15(), h)
        assert key.public_key().verify_pkcs1v15(name, b"hello", sig)
        assert not key.public_key().verify_pkcs1v15(name, b"hellO", sig)
        assert not key.public_key().verify_pkcs1v15(name, b"hello", sig[1:])


def test_blinding_refresh_and_squaring(impl: str) -> None:
    # 70 signatures cross two fresh draws and many squared pairs; every one
    # must be the deterministic PKCS#1 v1.5 signature.
    okey = oracle_key(1024)
    key = ours(okey)
    digest = oracle_digest("sha256", b"many")
    want = okey.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
    rnd = det_rng(3)
    assert all(key.sign_pkcs1v15_digest("sha256", digest, rng=rnd) == want for _ in range(70))


def test_blinding_threads() -> None:
    import threading

    okey = oracle_key(1024)
    key = ours(okey)
    results: list[bool] = []

    def worker(i: int) -> None:
        digest = oracle_digest("sha256", bytes([i]))
        want = okey.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
        rnd = det_rng(i)
        results.extend(key.sign_pkcs1v15_digest("sha256", digest, rng=rnd) == want
                       for _ in range(20))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 80 and all(results)


def test_default_rng() -> None:
    # nocrypto.rng.random_bytes serves when no rng is passed
    okey = oracle_key(2048)
    key = ours(okey)
    sig = key.sign_pss("sha256", b"m")
    okey.public_key().verify(sig, b"m", padding.PSS(padding.MGF1(hashes.SHA256()), 32),
                             hashes.SHA256())
    ct = key.public_key().encrypt_oaep(b"secret")
    assert key.decrypt_oaep(ct) == b"secret"
    ct = key.public_key().encrypt_pkcs1v15(b"secret")
    assert key.decrypt_pkcs1v15(ct) == b"secret"
    assert len(key.tls_premaster_decrypt(b"", 0x0303)) == 48
    assert rsa.generate(1024).size_bits == 1024


@settings(max_examples=40)
@given(st.one_of(st.binary(max_size=300), st.binary(min_size=128, max_size=128)),
       st.integers(0, 0xFFFF))
def test_premaster_never_raises(ct: bytes, version: int) -> None:
    # any ciphertext and version: 48 bytes back, no exception, and (random
    # ciphertexts being badly padded) the rng's first 48 bytes
    key = ours(oracle_key(1024))
    out = key.tls_premaster_decrypt(ct, version, rng=det_rng(version))
    assert out == det_rng(version)(48)
