"""Where offered files end up: ``archive/`` by content hash, ``rejected/`` by safe name.

Every write is a temporary file in the destination folder followed by
``os.replace``, so a crash leaves either the old state or the new one, and
writing the same file twice is harmless (reruns are idempotent).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from sqmy_etl.config import Settings
from sqmy_etl.ingest.landing import safe_name

CHUNK_BYTES = 1024 * 1024
_SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


def sha256_file(path: Path) -> str:
    """SHA-256 hex of a file, streamed in 1 MiB chunks (files may be gigabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _atomic_copy(src: Path, dest: Path) -> str:
    """Copy via a temp file + ``os.replace``; returns the SHA-256 of the bytes copied."""
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".incoming-")
    try:
        with src.open("rb") as fin, os.fdopen(fd, "wb") as fout:
            while chunk := fin.read(CHUNK_BYTES):
                digest.update(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def write_text_atomic(dest: Path, text: str) -> None:
    """Write a small text file so readers never see it half-written."""
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class FileChanged(RuntimeError):
    """The file's bytes changed between hashing and archiving (still being written?)."""


def archive_path(settings: Settings, sha256: str, original_name: str) -> Path:
    """``archive/<sha[:2]>/<sha><ext>``: the extension only if it is plain ASCII."""
    suffix = Path(original_name).suffix.lower()
    ext = suffix if _SAFE_SUFFIX.fullmatch(suffix) else ""
    return settings.archive / sha256[:2] / f"{sha256}{ext}"


def archive_file(settings: Settings, src: Path, sha256: str) -> Path:
    """Copy an accepted file into the content-addressed archive (no-op if already there)."""
    dest = archive_path(settings, sha256, src.name)
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    copied = _atomic_copy(src, dest)
    if copied != sha256:
        dest.unlink(missing_ok=True)
        raise FileChanged(f"{src.name} changed while it was being ingested; it was left in place")
    return dest


def rejected_path(settings: Settings, original_name: str, sha256: str) -> Path:
    """``rejected/<safe name>``, or ``<stem>.<sha[:12]><suffix>`` if another file has that name."""
    name = safe_name(original_name)
    dest = settings.rejected / name
    if dest.exists() and sha256_file(dest) != sha256:
        stem, suffix = os.path.splitext(name)
        dest = settings.rejected / f"{stem}.{sha256[:12]}{suffix}"
    if dest.resolve().parent != settings.rejected.resolve():
        raise ValueError(f"refusing to write outside {settings.rejected}: {name!r}")
    return dest


def reason_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".reason.txt")


def place_rejected(src: Path, dest: Path, *, move: bool) -> None:
    """Put the byte-identical file at ``dest``: moved (from landing) or copied (elsewhere)."""
    if move:
        shutil.move(src, dest)  # a rename on one file system; copy + delete across mounts
    elif not dest.exists():
        _atomic_copy(src, dest)
