"""The drop zone: which files are ready, which paths are inside it, and safe file names.

Clerks (or sync tools) copy files into ``landing/`` while we may be
running, so a file is taken only once it has been quiet for a few seconds.
Names come from outside and end up in paths under ``rejected/``: they are
cut down to a plain file name first.
"""

from __future__ import annotations

import os
import time
import unicodedata
from pathlib import Path

from sqmy_etl.config import Settings

SETTLE_ENV = "SQMY_LANDING_SETTLE_S"
DEFAULT_SETTLE_S = 5.0
MAX_NAME_CHARS = 150


def settle_seconds() -> float:
    """How long a landing file must be unmodified before it is taken (``SQMY_LANDING_SETTLE_S``)."""
    raw = os.environ.get(SETTLE_ENV)
    return float(raw) if raw else DEFAULT_SETTLE_S


def safe_name(name: str) -> str:
    """A file name that cannot escape a folder: no directories, ``..``, control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf"))
    base = base.strip(" .").replace("..", "_")
    if len(base) > MAX_NAME_CHARS:
        stem, suffix = os.path.splitext(base)
        base = stem[: MAX_NAME_CHARS - len(suffix)] + suffix
    return base or "unnamed"


def is_in_landing(settings: Settings, path: Path) -> bool:
    """Whether ``path`` (not resolved: a symlink stays itself) lies under ``landing/``."""
    landing = settings.landing.resolve()
    return Path(os.path.abspath(path)).parent.resolve().is_relative_to(landing)


def is_ignored(path: Path) -> bool:
    """Hidden files and Office lock files (``~$…``) are never ledgers: leave them alone."""
    return path.name.startswith((".", "~$"))


def expand(path: Path) -> list[Path]:
    """A file as itself; a folder as its files, recursively, in sorted path order.

    Symlinked folders are not followed; symlinks to files are listed (the
    loader refuses those inside ``landing/``).
    """
    if not path.is_dir() or path.is_symlink():
        return [path]
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(path):
        links = [d for d in dirnames if Path(folder, d).is_symlink()]
        found.extend(Path(folder, name) for name in [*filenames, *links])
    return sorted(p for p in found if not is_ignored(p))


def is_settled(path: Path, settle_s: float) -> bool:
    """True once the file's mtime is at least ``settle_s`` old (its writer has finished)."""
    return time.time() - path.lstat().st_mtime >= settle_s


def delivery_order(paths: list[Path]) -> list[Path]:
    """Files of one call or run in delivery order (CONTRACT §1): modification time, oldest
    first, then name — a corrected copy saved later wins, whatever its name sorts as."""

    def key(path: Path) -> tuple[float, str]:
        try:
            return path.lstat().st_mtime, path.name
        except OSError:  # gone since it was listed: the loader reports it
            return 0.0, path.name

    return sorted(paths, key=key)
