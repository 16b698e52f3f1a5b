#!/usr/bin/env python3
"""Makes the generated vectors beside this file, with tools independent of the Java code under test:
Python's integers and hashlib for RSA and OAEP (RFC 8017), openssl for AES key wrap (RFC 3394) and
for EC keys. The RSA and key-wrap files come out the same on every run (their inputs are derived from the test
ids; the RSA key is the Wycheproof excerpt's); the EC file gets new openssl keys each time.

    python3 make_vectors.py        (run in this directory; needs openssl)
"""
import hashlib
import json
import subprocess

WYCHEPROOF = "../wycheproof/rsa_pkcs1_2048_excerpt.json"


def der_ints(der):
    """The INTEGERs of a PKCS#8 RSA key, in order (version, n, e, d, p, q, dp, dq, qi)."""
    out, i = [], 0

    def tlv(i):
        tag, l, j = der[i], der[i + 1], i + 2
        if l & 0x80:
            n = l & 0x7F
            l, j = int.from_bytes(der[j:j + n], "big"), j + n
        return tag, j, l

    stack = [(0, len(der))]
    while stack:
        i, end = stack.pop()
        while i < end:
            tag, j, l = tlv(i)
            if tag == 0x02:
                out.append(int.from_bytes(der[j:j + l], "big"))
            elif tag in (0x30, 0x04):
                stack.append((j + l, end))
                i, end = j, j + l
                continue
            i = j + l
    return out


def rsa_key():
    group = json.load(open(WYCHEPROOF))["testGroups"][0]
    ints = der_ints(bytes.fromhex(group["privateKeyPkcs8"]))
    # PKCS#8: version 0, then RSAPrivateKey: version 0, n, e, d, ...
    n, e = ints[2], ints[3]
    return n, e


def det_bytes(label, length):
    out, counter = b"", 0
    while len(out) < length:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:length]


def nonzero(label, length):
    return bytes(b if b else 1 for b in det_bytes(label, length))


def encrypt_block(em, n, e, k):
    return pow(int.from_bytes(em, "big"), e, n).to_bytes(k, "big")


def mgf1(seed, length, h):
    out, c = b"", 0
    while len(out) < length:
        out += h(seed + c.to_bytes(4, "big")).digest()
        c += 1
    return out[:length]


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def oaep_em(msg, k, h, label, seed, tweak=None):
    hlen = h().digest_size
    lhash = h(label).digest()
    ps = b"\x00" * (k - len(msg) - 2 * hlen - 2)
    db = bytearray(lhash + ps + b"\x01" + msg)
    first = 0
    if tweak == "lhash":
        db[0] ^= 1
    elif tweak == "no-separator":
        db = bytearray(lhash + b"\x00" * (k - 2 * hlen - 1))
    elif tweak == "separator-02":
        db[hlen + len(ps)] = 2
    elif tweak == "y":
        first = 1
    masked_db = xor(db, mgf1(seed, k - hlen - 1, h))
    masked_seed = xor(seed, mgf1(masked_db, hlen, h))
    return bytes([first]) + masked_seed + masked_db


def pkcs1_em(msg, k, label, block_type=2, first=0, ps_len=None, separator=True, zero_in_ps_at=None):
    ps_len = k - 3 - len(msg) if ps_len is None else ps_len
    ps = bytearray(nonzero(label, ps_len))
    if zero_in_ps_at is not None:
        ps[zero_in_ps_at] = 0
    body = bytes([first, block_type]) + bytes(ps) + (b"\x00" if separator else b"") + msg
    return (body + nonzero(label + "/fill", k - len(body)))[:k] if len(body) < k else body[:k]


def rsa_vectors():
    n, e = rsa_key()
    k = (n.bit_length() + 7) // 8
    key32 = det_bytes("content key", 32)
    key16 = det_bytes("short key", 16)
    tests, tc = [], 0

    def add(comment, flags, msg, em, result, padding):
        nonlocal tc
        tc += 1
        tests.append({"tcId": tc, "padding": padding, "comment": comment, "flags": flags, "msg": msg.hex(),
                      "ct": encrypt_block(em, n, e, k).hex(), "result": result})

    add("32-byte content key", ["Normal"], key32, pkcs1_em(key32, k, "a"), "valid", "PKCS1")
    add("16-byte key where a 32-byte key is expected", ["WrongKeyLength"], key16, pkcs1_em(key16, k, "b"), "valid", "PKCS1")
    add("empty message", ["SpecialCase"], b"", pkcs1_em(b"", k, "c"), "valid", "PKCS1")
    add("first byte 01", ["InvalidPkcs1Padding"], key32, pkcs1_em(key32, k, "d", first=1), "invalid", "PKCS1")
    add("block type 01 (signature padding)", ["InvalidPkcs1Padding"], key32, pkcs1_em(key32, k, "e", block_type=1), "invalid", "PKCS1")
    add("block type 00", ["InvalidPkcs1Padding"], key32, pkcs1_em(key32, k, "f", block_type=0), "invalid", "PKCS1")
    add("block type 03", ["InvalidPkcs1Padding"], key32, pkcs1_em(key32, k, "g", block_type=3), "invalid", "PKCS1")
    add("no zero byte after the padding string", ["InvalidPkcs1Padding"], key32,
        pkcs1_em(b"", k, "h", ps_len=k - 2, separator=False), "invalid", "PKCS1")
    add("padding string of 7 bytes", ["InvalidPkcs1Padding"], det_bytes("m7", k - 3 - 7),
        pkcs1_em(det_bytes("m7", k - 3 - 7), k, "i", ps_len=7), "invalid", "PKCS1")
    add("padding string of 0 bytes", ["InvalidPkcs1Padding"], det_bytes("m0", k - 3),
        pkcs1_em(det_bytes("m0", k - 3), k, "j", ps_len=0), "invalid", "PKCS1")
    add("zero byte at the 4th byte of the padding string", ["InvalidPkcs1Padding"], key32,
        pkcs1_em(key32, k, "k", zero_in_ps_at=3), "invalid", "PKCS1")

    for name, h in (("OAEP_SHA256", hashlib.sha256), ("OAEP_SHA1", hashlib.sha1)):
        hlen = h().digest_size
        seed = lambda s: det_bytes(name + s, hlen)
        add("32-byte content key", ["Normal"], key32, oaep_em(key32, k, h, b"", seed("a")), "valid", name)
        add("empty message", ["SpecialCase"], b"", oaep_em(b"", k, h, b"", seed("b")), "valid", name)
        add("16-byte key where a 32-byte key is expected", ["WrongKeyLength"], key16, oaep_em(key16, k, h, b"", seed("c")),
            "valid", name)
        add("first byte (Y) 01", ["InvalidOaepPadding"], key32, oaep_em(key32, k, h, b"", seed("d"), "y"), "invalid", name)
        add("label hash altered", ["InvalidOaepPadding"], key32, oaep_em(key32, k, h, b"", seed("e"), "lhash"), "invalid", name)
        add("a label other than the empty one", ["InvalidOaepPadding"], key32, oaep_em(key32, k, h, b"label", seed("f")),
            "invalid", name)
        add("no 01 separator", ["InvalidOaepPadding"], b"", oaep_em(b"", k, h, b"", seed("g"), "no-separator"), "invalid", name)
        add("separator 02 instead of 01", ["InvalidOaepPadding"], key32, oaep_em(key32, k, h, b"", seed("h"), "separator-02"),
            "invalid", name)
    add("OAEP with SHA-1 read as OAEP with SHA-256", ["InvalidOaepPadding"], key32,
        oaep_em(key32, k, hashlib.sha1, b"", det_bytes("x", 20)), "invalid", "OAEP_SHA256")
    return {
        "source": "generated by make_vectors.py (Python integers and hashlib, RFC 8017) for the key of "
                  + WYCHEPROOF + "; ct = EM^e mod n for a constructed encoded message EM",
        "algorithm": "RSAES-PKCS1-v1_5 and RSAES-OAEP decoding after raw RSA",
        "keySize": 2048,
        "testGroups": [{"type": "RsaDecodeAfterRawRsa", "tests": tests}],
    }


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def wrap(kek, key):
    cipher = {16: "-id-aes128-wrap", 24: "-id-aes192-wrap", 32: "-id-aes256-wrap"}[len(kek)]
    return openssl("enc", cipher, "-K", kek.hex(), "-iv", "A6A6A6A6A6A6A6A6", data=key)


def aes_wrap_vectors():
    tests, tc = [], 0

    def add(comment, flags, kek, key, ct, result):
        nonlocal tc
        tc += 1
        tests.append({"tcId": tc, "comment": comment, "flags": flags, "key": kek.hex(), "msg": key.hex(), "ct": ct.hex(),
                      "result": result})

    for kek_len in (16, 24, 32):
        for key_len in (16, 24, 32):
            kek = det_bytes(f"kek{kek_len}/{key_len}", kek_len)
            key = det_bytes(f"key{kek_len}/{key_len}", key_len)
            add(f"AES-{kek_len * 8} wrapping a {key_len * 8}-bit key (openssl)", ["Normal"], kek, key, wrap(kek, key), "valid")
    kek = det_bytes("kek", 32)
    key = det_bytes("key", 32)
    good = wrap(kek, key)
    for i in (0, 7, 8, len(good) - 1):
        bad = bytearray(good)
        bad[i] ^= 0x01
        add(f"byte {i} of the wrapped key altered", ["ModifiedCiphertext"], kek, key, bytes(bad), "invalid")
    add("wrapped under another key", ["WrongKey"], det_bytes("other kek", 32), key, good, "invalid")
    add("truncated by one byte", ["InvalidLength"], kek, key, good[:-1], "invalid")
    add("one block short", ["InvalidLength"], kek, key, good[:-8], "invalid")
    add("only the integrity block", ["InvalidLength"], kek, key, good[:8], "invalid")
    add("empty", ["InvalidLength"], kek, key, b"", "invalid")
    add("an extra block appended", ["InvalidLength"], kek, key, good + good[:8], "invalid")
    return {
        "source": "generated by make_vectors.py: valid wraps by openssl enc -id-aesNNN-wrap (RFC 3394, default IV), "
                  "invalid ones derived from them",
        "algorithm": "AES key wrap (RFC 3394)",
        "testGroups": [{"type": "KeyWrap", "tests": tests}],
    }


CURVES = {
    # name: (openssl name, p, a, b, field bytes)
    "secp256r1": ("prime256v1", 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff,
                  -3, 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b, 32),
    "secp384r1": ("secp384r1", 2**384 - 2**128 - 2**96 + 2**32 - 1, -3,
                  0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef, 48),
    "brainpoolP256r1": ("brainpoolP256r1", 0xa9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377,
                        0x7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9,
                        0x26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6, 32),
}


def ec_key(curve, label):
    """A new key from openssl (EC keys are not deterministic: re-running makes new ones)."""
    ossl, p, a, b, size = CURVES[curve]
    pem = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:" + ossl, "-pkeyopt", "ec_param_enc:named_curve")
    return pem


def ec_vectors():
    import os
    import tempfile
    groups = []
    tmp = tempfile.mkdtemp()
    for curve, (ossl, p, a, b, size) in CURVES.items():
        def key_files(on, name):
            bytes_ = CURVES[on][4]
            pem = os.path.join(tmp, name + ".pem")
            with open(pem, "wb") as f:
                f.write(ec_key(on, name))
            der = openssl("pkcs8", "-topk8", "-nocrypt", "-in", pem, "-outform", "DER")
            pub = openssl("pkey", "-in", pem, "-pubout", "-outform", "DER")
            comp = openssl("ec", "-in", pem, "-pubout", "-conv_form", "compressed", "-outform", "DER")
            return pem, der, pub[-(2 * bytes_ + 1):], comp[-(bytes_ + 1):]
        me_pem, me_der, _, _ = key_files(curve, curve + "-recipient")
        peer_pem, _, peer, peer_c = key_files(curve, curve + "-peer")
        peer_pub = os.path.join(tmp, curve + "-peer.pub.pem")
        with open(peer_pub, "wb") as f:
            f.write(openssl("pkey", "-in", peer_pem, "-pubout"))
        shared = openssl("pkeyutl", "-derive", "-inkey", me_pem, "-peerkey", peer_pub)
        x, y = int.from_bytes(peer[1:1 + size], "big"), int.from_bytes(peer[1 + size:], "big")
        enc = lambda x, y: b"\x04" + (x % 2**(8 * size)).to_bytes(size, "big") + (y % 2**(8 * size)).to_bytes(size, "big")
        tests, tc = [], 0

        def add(comment, flags, point, result, secret=b""):
            nonlocal tc
            tc += 1
            tests.append({"tcId": tc, "comment": comment, "flags": flags, "public": point.hex(), "shared": secret.hex(),
                          "result": result})
        add("uncompressed point (openssl key)", ["Normal"], peer, "valid", shared)
        add("the same point compressed", ["CompressedPoint"], peer_c, "valid", shared)
        add("y + 1: not on the curve", ["InvalidPublic"], enc(x, (y + 1) % p), "invalid")
        add("x + 1: not on the curve", ["InvalidPublic"], enc((x + 1) % p, y), "invalid")
        add("(1, 2): a point of y^2 = x^3 + ax + b' with b' != b (invalid-curve attack)", ["InvalidCurveAttack"],
            enc(1, 2), "invalid")
        add("(0, 0)", ["InvalidPublic"], enc(0, 0), "invalid")
        add("x = p: a coordinate outside the field", ["InvalidPublic"], enc(p, y), "invalid")
        add("y + p where it fits: an unreduced coordinate", ["InvalidPublic"], enc(x, y + p) if y + p < 2**(8 * size) else enc(x, 2**(8 * size) - 1), "invalid")
        add("the point at infinity", ["InvalidPublic"], b"\x00", "invalid")
        add("uncompressed without its 04 prefix", ["InvalidEncoding"], peer[1:], "invalid")
        add("one byte too many", ["InvalidEncoding"], peer + b"\x00", "invalid")
        add("hybrid encoding (06/07), which RFC 5480 does not allow", ["InvalidEncoding"],
            bytes([6 + (y & 1)]) + peer[1:], "invalid")
        other = "secp384r1" if curve != "secp384r1" else "secp256r1"
        _, _, other_peer, _ = key_files(other, other + "-for-" + curve)  # a valid point of another curve
        add("a valid point of " + other, ["WrongCurve"], other_peer, "invalid")
        groups.append({"curve": curve, "privateKeyPkcs8": me_der.hex(), "tests": tests})
    return {
        "source": "generated by make_vectors.py: keys and the shared secrets of valid points by openssl "
                  "(genpkey, pkeyutl -derive); invalid points constructed from the valid ones with Python integers",
        "algorithm": "ECDH peer public keys (the originator key of a CMS key-agreement recipient)",
        "testGroups": groups,
    }


def write(name, data):
    with open(name, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    write("rsa_2048_decoding_test.json", rsa_vectors())
    write("aes_wrap_test.json", aes_wrap_vectors())
    write("ecdh_peer_points_test.json", ec_vectors())
