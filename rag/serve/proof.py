"""Proof that a server is ours before `rag ask` hands it a question: a secret in the index folder.

Any local user can listen on the default port and answer `/rag/v1/info` with our paths. Only our
user can read `<index>/.server-key` (0600, regular file, ours), which `rag serve` creates; a server
proves it holds the key by signing the client's fresh nonce, over what it says and over each answer:

    key = server_key(index_dir, create=True)           # rag serve, at start
    proof = sign(key, "info", nonce, payload)          # the server, for the client's nonce
    verify(key, "info", nonce, payload, proof)         # the client: True only for the real server

Standard library only: the client side runs in `rag ask`, which must stay light.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from pathlib import Path

KEY_FILE = ".server-key"
NONCE_HEADER, PROOF_HEADER = "X-Rag-Nonce", "X-Rag-Proof"


def key_path(index_dir: Path) -> Path:
    return Path(index_dir) / KEY_FILE


def server_key(index_dir: Path, *, create: bool = False) -> bytes | None:
    """The key, if it is a private regular file of this user; with `create`, made (again) when it is not."""
    path = key_path(index_dir)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        fd = None
    if fd is not None:
        try:
            info = os.fstat(fd)
            private = stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077
            key = os.read(fd, 256).strip() if private else b""
        finally:
            os.close(fd)
        if len(key) >= 32:
            return key
    if not create:
        return None
    return _new_key(path)


def _new_key(path: Path) -> bytes:
    """A fresh key written 0600 beside the old one and renamed over it (a link or a loose file is replaced)."""
    key = secrets.token_hex(32).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{KEY_FILE}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return key


def new_nonce() -> str:
    return secrets.token_hex(16)


def valid_nonce(nonce) -> bool:
    return isinstance(nonce, str) and 16 <= len(nonce) <= 128 and all(c in "0123456789abcdef" for c in nonce)


def canonical(record: dict) -> bytes:
    """The bytes a proof of a JSON record covers: the same on both sides whatever the key order."""
    return json.dumps(record, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def sign(key: bytes, purpose: str, nonce: str, payload: bytes) -> str:
    return hmac.new(key, b"\n".join((purpose.encode(), nonce.encode(), payload)), hashlib.sha256).hexdigest()


def verify(key: bytes, purpose: str, nonce: str, payload: bytes, proof) -> bool:
    return isinstance(proof, str) and hmac.compare_digest(sign(key, purpose, nonce, payload), proof)
