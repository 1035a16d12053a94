"""Checksums of a build's files and of its manifest: written at build time, checked before a build is parsed.

A build's manifest lists every other file of the build folder, whatever writes it:

    "files": {"dense.faiss": {"bytes": 31789, "sha256": "9f2c..."}, "bm25/vocab.index.json": {...}, ...}
    "checksum": sha256 of the manifest's own canonical JSON, without this key

Sizes are compared first (a truncated or emptied file costs no read), then every file is hashed
in full: sha256 streams at about 1.4 GB/s on a quiet core with SHA-NI, so a damaged file is found before it is parsed
and a bit flip can never become a silent wrong answer. docs/decisions.md has the timings.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath

from rag.errors import REBUILD, IndexCorruptError, about

ALGORITHM = "sha256"


def file_digest(path: Path, *, sync: bool = False) -> str:
    """sha256 of a file, streamed; `sync` also flushes it to disk (a late ENOSPC surfaces here, not later)."""
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, ALGORITHM).hexdigest()
        if sync:
            with about(path):
                os.fsync(handle.fileno())
    return digest


def describe_files(folder: Path, *, skip: str, sync: bool = True) -> dict[str, dict]:
    """{relative path: {"bytes", "sha256"}} for every file under `folder` except `skip` (the manifest)."""
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name != skip:
            files[name] = {"bytes": path.stat().st_size, ALGORITHM: file_digest(path, sync=sync)}
    return files


def verify_files(folder: Path, files) -> None:
    """IndexCorruptError naming the first listed file that is missing, resized or changed."""
    if not isinstance(files, dict) or not files:
        raise IndexCorruptError(f"{folder / 'manifest.json'} lists no files to check; {REBUILD}")
    paths = {}
    for name, expected in files.items():
        if not _inside(name) or not isinstance(expected, dict):
            raise IndexCorruptError(f"{folder / 'manifest.json'} has a bad file entry {name!r}; {REBUILD}")
        path = paths[name] = folder / name
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise IndexCorruptError(f"{path} is missing; the index is incomplete, {REBUILD}") from None
        if size != expected.get("bytes"):
            raise IndexCorruptError(
                f"{path} is {size} bytes, not the {expected.get('bytes')} it was built with: "
                f"truncated or damaged; {REBUILD}"
            )
    for name, expected in files.items():  # sizes all agree: now read every byte
        if file_digest(paths[name]) != expected.get(ALGORITHM):
            raise IndexCorruptError(f"{paths[name]} does not match its checksum: damaged on disk; {REBUILD}")


def _inside(name) -> bool:
    """A relative path that stays inside the build folder."""
    if not isinstance(name, str) or not name:
        return False
    parts = PurePosixPath(name).parts
    return not PurePosixPath(name).is_absolute() and ".." not in parts


def seal(manifest: dict) -> dict:
    """The manifest with a checksum of its own content, so a flipped bit in it is noticed too."""
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    return {**body, "checksum": _canonical_digest(body)}


def is_sealed(manifest: dict) -> bool:
    """True when the manifest's content matches its checksum."""
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    return manifest.get("checksum") == _canonical_digest(body)


def _canonical_digest(body: dict) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
