"""Regenerates the Fernet test vectors with Python's `cryptography` (the library the peer console uses).

Run: python3 make_vectors.py > vectors.json
The first generate vector is the one published in the Fernet spec (github.com/fernet/spec).
"""
import base64, datetime, hashlib, hmac, json, os, struct
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SPEC_KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
SPEC_NOW = "1985-10-26T01:20:00-07:00"


def ts(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp())


def raw_token(key, now, iv, plaintext, pad=True, mac_fix=None):
    k = base64.urlsafe_b64decode(key)
    signing, encryption = k[:16], k[16:]
    if pad:
        p = padding.PKCS7(128).padder()
        plaintext = p.update(plaintext) + p.finalize()
    enc = Cipher(algorithms.AES(encryption), modes.CBC(iv)).encryptor()
    ct = enc.update(plaintext) + enc.finalize()
    body = b"\x80" + struct.pack(">Q", now) + iv + ct
    mac = hmac.new(signing, body, hashlib.sha256).digest()
    if mac_fix:
        mac = mac_fix(mac)
    return base64.urlsafe_b64encode(body + mac).decode()


def rejected(key, token, now, ttl):
    try:
        Fernet(key).decrypt_at_time(token, ttl, now)
        return False
    except InvalidToken:
        return True


iv = bytes(range(16))
now = ts(SPEC_NOW)
spec = Fernet(SPEC_KEY)._encrypt_from_parts(b"hello", now, iv).decode()
other_key = Fernet.generate_key().decode()
generate = [
    {"desc": "spec vector", "token": spec, "now": now, "iv": list(iv), "src": "hello", "secret": SPEC_KEY},
    {"desc": "unicode, two blocks", "token": Fernet(SPEC_KEY)._encrypt_from_parts("pässwörd-£-∞ and more".encode(), now + 7, bytes(16)).decode(),
     "now": now + 7, "iv": [0] * 16, "src": "pässwörd-£-∞ and more", "secret": SPEC_KEY},
    {"desc": "empty", "token": Fernet(SPEC_KEY)._encrypt_from_parts(b"", now, iv).decode(), "now": now, "iv": list(iv), "src": "", "secret": SPEC_KEY},
]
# Tokens made the ordinary way (random IV, current time), as the peer stores them.
live_key = Fernet.generate_key().decode()
live = [{"token": Fernet(live_key).encrypt(s.encode()).decode(), "src": s, "secret": live_key}
        for s in ["1234567", "fpl@example.com", "s3cr3t p@ss", "$2b$12$" + "x" * 53]]

good = spec
invalid = [
    {"desc": "incorrect mac", "token": raw_token(SPEC_KEY, now, iv, b"hello", mac_fix=lambda m: m[:-1] + bytes([m[-1] ^ 1]))},
    {"desc": "too short", "token": base64.urlsafe_b64encode(base64.urlsafe_b64decode(good)[:40]).decode()},
    {"desc": "invalid base64", "token": "%%%%" + good[4:]},
    {"desc": "payload size not multiple of block size", "token": (lambda b: base64.urlsafe_b64encode(
        b[:-32 - 1] + hmac.new(base64.urlsafe_b64decode(SPEC_KEY)[:16], b[:-32 - 1], hashlib.sha256).digest()).decode())(base64.urlsafe_b64decode(good))},
    {"desc": "payload padding error", "token": raw_token(SPEC_KEY, now, iv, b"0123456789abcdef", pad=False)},
    {"desc": "incorrect IV (causes padding error)", "token": (lambda b: base64.urlsafe_b64encode(
        b[:9] + bytes(16) + b[25:-32] + hmac.new(base64.urlsafe_b64decode(SPEC_KEY)[:16], b[:9] + bytes(16) + b[25:-32], hashlib.sha256).digest()).decode())(base64.urlsafe_b64decode(good))},
    {"desc": "wrong version byte", "token": (lambda b: base64.urlsafe_b64encode(
        b"\x81" + b[1:-32] + hmac.new(base64.urlsafe_b64decode(SPEC_KEY)[:16], b"\x81" + b[1:-32], hashlib.sha256).digest()).decode())(base64.urlsafe_b64decode(good))},
    {"desc": "flipped ciphertext byte", "token": (lambda b: base64.urlsafe_b64encode(b[:30] + bytes([b[30] ^ 0x40]) + b[31:]).decode())(base64.urlsafe_b64decode(good))},
]
for case in invalid:
    case["secret"] = SPEC_KEY
    assert rejected(SPEC_KEY, case["token"], now + 1, 60), case["desc"]
wrong_key = {"token": good, "secret": other_key}
assert rejected(other_key, good, now + 1, 60)

print(json.dumps({"generate": generate, "python_tokens": live, "invalid": invalid, "wrong_key": wrong_key}, indent=2, ensure_ascii=False))
