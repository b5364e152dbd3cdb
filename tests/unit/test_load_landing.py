"""Landing and file-store helpers: safe names, folder expansion, content-addressed archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.ingest import archive, landing


@pytest.mark.parametrize(
    ("offered", "safe"),
    [
        ("来稿.xlsx", "来稿.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\evil.csv", "evil.csv"),
        ("a\x00b\x1f\u202ec.csv", "abc.csv"),
        ("..", "unnamed"),
        ("x..y.csv", "x_y.csv"),
        (".hidden.csv", "hidden.csv"),
    ],
)
def test_safe_name_cannot_escape_a_folder(offered: str, safe: str) -> None:
    """Directories, '..', control and bidi characters are removed from outside names."""
    assert landing.safe_name(offered) == safe


def test_expand_lists_folders_recursively_in_sorted_order(tmp_path: Path) -> None:
    """Nested files come back sorted by path; hidden and Office lock files are skipped."""
    for name in ("b/2.csv", "a.csv", "b/1.csv", ".DS_Store", "b/~$lock.xlsx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert landing.expand(tmp_path) == [
        tmp_path / "a.csv",
        tmp_path / "b/1.csv",
        tmp_path / "b/2.csv",
    ]


def test_is_in_landing_does_not_resolve_the_file_itself(settings: Settings, tmp_path: Path) -> None:
    """A link inside landing/ counts as in landing even though its target lies elsewhere."""
    target = tmp_path / "t.csv"
    target.write_text("x")
    link = settings.landing / "l.csv"
    link.symlink_to(target)
    assert landing.is_in_landing(settings, link)
    assert not landing.is_in_landing(settings, target)


def test_archive_is_content_addressed_and_idempotent(settings: Settings, tmp_path: Path) -> None:
    """archive/<sha[:2]>/<sha><ext> holds the bytes; archiving twice keeps one copy."""
    source = tmp_path / "台账.XLSX"
    source.write_bytes(b"PK\x03\x04 not really")
    sha = archive.sha256_file(source)
    first = archive.archive_file(settings, source, sha)
    assert first == settings.archive / sha[:2] / f"{sha}.xlsx"
    assert archive.archive_file(settings, source, sha) == first
    assert first.read_bytes() == source.read_bytes()
    assert [p.name for p in first.parent.iterdir()] == [first.name]


def test_archive_refuses_a_file_that_changed_after_hashing(
    settings: Settings, tmp_path: Path
) -> None:
    """If the bytes no longer match the hash, nothing is archived under that hash."""
    source = tmp_path / "a.csv"
    source.write_text("one")
    sha = archive.sha256_file(source)
    source.write_text("two")
    with pytest.raises(archive.FileChanged):
        archive.archive_file(settings, source, sha)
    assert not list(settings.archive.rglob("*.csv"))


def test_rejected_name_clash_keeps_both_files(settings: Settings, tmp_path: Path) -> None:
    """A second, different file with the same name is stored beside the first, not over it."""
    (settings.rejected / "a.csv").write_text("first")
    other = tmp_path / "a.csv"
    other.write_text("second")
    dest = archive.rejected_path(settings, "a.csv", archive.sha256_file(other))
    assert dest.parent == settings.rejected
    assert dest.name != "a.csv" and dest.suffix == ".csv"
    assert (
        archive.rejected_path(settings, "a.csv", archive.sha256_file(settings.rejected / "a.csv"))
        == settings.rejected / "a.csv"
    )
