"""Hostile files through the real CLI: each is rejected (exit 2, rejected/<name>.reason.txt) or
loaded harmlessly, nothing is read or written outside SQMY_HOME, nothing hangs.

The reader-level cases (every zip-bomb and range variant, DTD placement, UTF-16
parts …) are unit tests in tests/unit; here each family goes once through
``sqmy ingest`` as an operator would run it, plus the cases that only exist at
the file-system level (symlinks, FIFOs, odd names, files still being written).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from tests.reliability.conftest import fetch, home_env, sqmy

pytestmark = pytest.mark.timeout(300)

CANARY = "CANARY-外部文件-0427"
HEADER = "稿件编号,收稿日期,内容\n"
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<sst><si><t>&lol3;</t></si></sst>"
)


def workbook(path: Path, submission_id: str, extra: dict[str, bytes] | None = None) -> Path:
    """A one-sheet submissions ledger with one row; ``extra`` parts are added to the package."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("来稿")
    sheet.write_row("A1", ["稿件编号", "收稿日期"])
    sheet.write_row("A2", [submission_id, "2021-03-01"])
    book.close()
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def external_link_parts(canary: Path) -> dict[str, bytes]:
    target = canary.as_uri().encode()
    return {
        "xl/externalLinks/externalLink1.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="'
            b'http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></externalLink>'
        ),
        "xl/externalLinks/_rels/externalLink1.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"
            b'" Target="' + target + b'" TargetMode="External"/></Relationships>'
        ),
    }


def write_huge_field_csv(path: Path, field_bytes: int) -> None:
    """A CSV whose second row holds one quoted field of ``field_bytes`` bytes, written streamed."""
    chunk = b"x" * (1 << 20)
    with path.open("wb") as fh:
        fh.write((HEADER + 'NM2021-9100,2021-03-01,"').encode())
        for _ in range(field_bytes // len(chunk)):
            fh.write(chunk)
        fh.write(b'"\n')


def tree(root: Path, *skip: Path) -> set[Path]:
    return {p for p in root.rglob("*") if not any(p.is_relative_to(s) for s in skip)}


def test_hostile_files_are_rejected_with_reasons_and_stay_inside_home(tmp_path: Path) -> None:
    """Zip bomb, billion laughs, encrypted OLE2, NUL byte, mixed encodings, control characters and
    '..' in names: exit 2, one reason file each inside rejected/, nothing loaded or created outside;
    external links and a .xlsm macro part load their rows without the linked file being read."""
    env = home_env(tmp_path, SQMY_PARSE_TIMEOUT_S="60")
    home = Path(env["SQMY_HOME"])
    drop = tmp_path / "drop"
    drop.mkdir()
    canary = tmp_path / "secret.csv"
    canary.write_text(HEADER + f"{CANARY},2021-03-01,外部\n", encoding="utf-8")
    bomb_sheet = b"<worksheet><!--" + b" " * (3 * 1024**2) + b"--></worksheet>"
    expect_rejected = {
        "zip_bomb.xlsx": "zip bomb guard",
        "laughs.xlsx": "DTD",
        "encrypted.xlsx": "OLE2",
        "nul.csv": "NUL",
        "mixed.csv": "",
        "ctl\x1b[31m\x07name.csv": "NUL",
    }
    workbook(drop / "zip_bomb.xlsx", "NM2021-9001", {"xl/worksheets/sheet1.xml": bomb_sheet})
    workbook(drop / "laughs.xlsx", "NM2021-9002", {"xl/sharedStrings.xml": LAUGHS})
    (drop / "encrypted.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))
    (drop / "nul.csv").write_bytes((HEADER + "NM2021-9003,2021-03-01,a\x00b\n").encode())
    (drop / "mixed.csv").write_bytes(
        (HEADER + "NM2021-9004,2021-03-01,呼和浩特\n").encode("utf-8")
        + "NM2021-9005,2021-03-01,赤峰市\n".encode("gbk")
    )
    (drop / "ctl\x1b[31m\x07name.csv").write_bytes(b"\x00\x01binary")
    workbook(drop / "linked.xlsx", "NM2021-9006", external_link_parts(canary))
    workbook(drop / "macro.xlsm", "NM2021-9007", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" * 64})
    workbook(drop / "zip_slip.xlsx", "NM2021-9008", {"../../../../escaped.txt": b"escaped"})
    outside = tmp_path / "outside"
    outside.mkdir()
    (home / "landing").mkdir(parents=True)
    dotted = home / "landing" / ".." / ".." / "outside" / "dotted.csv"
    (outside / "dotted.csv").write_bytes(b"not,a,ledger\n1,2,3\n")
    before = tree(tmp_path, home, tmp_path / "keys")

    done = sqmy(env, "ingest", str(drop), str(dotted), timeout=240)

    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    rejected = home / "rejected"
    for name, why in {**expect_rejected, "dotted.csv": ""}.items():
        safe = name.replace("\x1b", "").replace("\x07", "")
        assert (rejected / safe).is_file(), name
        assert why in (rejected / f"{safe}.reason.txt").read_text("utf-8"), name
    assert all(p.parent == rejected for p in rejected.iterdir())
    assert (
        tree(tmp_path, home, tmp_path / "keys") == before
    )  # nothing escaped, nothing outside was moved
    warehouse = home / "warehouse" / "sqmy.duckdb"
    loaded = fetch(warehouse, "SELECT submission_id FROM raw.submissions ORDER BY 1")
    assert loaded == [("NM2021-9006",), ("NM2021-9007",), ("NM2021-9008",)]
    dump = fetch(warehouse, "SELECT string_agg(CAST(s AS VARCHAR), '|') FROM raw.submissions s")
    assert CANARY not in str(dump)


def test_symlink_and_fifo_in_landing_are_refused_unread(tmp_path: Path) -> None:
    """A symlink in landing/ to a ledger outside SQMY_HOME and a FIFO are refused with a reason,
    without being opened: the run ends, the target is neither loaded nor copied nor moved."""
    env = home_env(tmp_path)
    home = Path(env["SQMY_HOME"])
    landing = home / "landing"
    landing.mkdir(parents=True)
    target = tmp_path / "private.csv"
    target.write_text(HEADER + f"{CANARY},2021-03-01,外部\n", encoding="utf-8")
    (landing / "link.csv").symlink_to(target)
    os.mkfifo(landing / "pipe.csv")

    done = sqmy(env, "ingest", str(landing), timeout=120)

    assert done.returncode == 2, done.stderr[-3000:]
    assert "symlinks in landing/ are refused" in (home / "rejected/link.csv.reason.txt").read_text()
    assert "not a regular file" in (home / "rejected/pipe.csv.reason.txt").read_text()
    assert sorted(p.name for p in home.joinpath("rejected").iterdir()) == [
        "link.csv.reason.txt",
        "pipe.csv.reason.txt",
    ]
    assert list(landing.iterdir()) == []
    assert target.read_text(encoding="utf-8").endswith(f"{CANARY},2021-03-01,外部\n")
    assert not any(CANARY.encode() in p.read_bytes() for p in home.rglob("*") if p.is_file())


# The peak of the ingest process's own image (VmHWM). Not ru_maxrss: Linux
# carries that over from the forking parent, pytest, which has grown to
# several hundred MB by the time this runs after the in-process dbt builds.
PEAK_PROBE = (
    "import atexit, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
    "    print('PEAK_KB', status.split()[0], file=sys.stderr)\n"
    "atexit.register(peak)\n"
    "from sqmy_etl.cli import main\n"
    "sys.argv = ['sqmy', 'ingest', sys.argv[1]]\n"
    "main()\n"
)


def _ingest_peak_mb(env: dict[str, str], path: Path) -> tuple[subprocess.CompletedProcess, float]:
    """``sqmy ingest path`` in its own process; the run and its peak RSS in MB."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    return done, int(done.stderr.rsplit("PEAK_KB", 1)[1].split()[0]) / 1024


def test_huge_single_field_is_rejected_by_the_field_cap_in_bounded_memory(tmp_path: Path) -> None:
    """A CSV with one 100 MB field is rejected by the field cap, in bounded memory: the
    csv module's cap applies once the physical line is read, so the field is held about
    once (~160 MB above an ordinary run's peak, measured), never copied field by field."""
    env = home_env(tmp_path)
    home = Path(env["SQMY_HOME"])
    ordinary = tmp_path / "ordinary.csv"
    ordinary.write_text(HEADER + "NM2021-9101,2021-03-01,一篇普通的来稿\n", encoding="utf-8")
    loaded, ordinary_mb = _ingest_peak_mb(env, ordinary)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    huge = tmp_path / "huge.csv"
    write_huge_field_csv(huge, 100 * 1024**2)

    done, peak_mb = _ingest_peak_mb(env, huge)

    assert done.returncode == 2, done.stderr[-3000:]
    reason = (home / "rejected" / "huge.csv.reason.txt").read_text("utf-8")
    assert "field" in reason
    assert peak_mb < ordinary_mb + 250, (peak_mb, ordinary_mb)


def test_a_file_growing_during_ingest_is_left_in_place_without_a_traceback(tmp_path: Path) -> None:
    """A ledger still being appended to while it is read is not loaded half-way: the run warns,
    exits cleanly, archives nothing and leaves the file for the next run."""
    env = home_env(tmp_path)
    home = Path(env["SQMY_HOME"])
    growing = tmp_path / "growing.csv"
    growing.write_text(HEADER + "NM2021-9200,2021-03-01,first\n", encoding="utf-8")
    stop = threading.Event()

    def append() -> None:
        number = 9201
        while not stop.is_set():
            with growing.open("a", encoding="utf-8") as fh:
                fh.write(f"NM2021-{number},2021-03-01,more\n")
            number += 1
            time.sleep(0.002)

    writer = threading.Thread(target=append)
    writer.start()
    try:
        done = sqmy(env, "ingest", str(growing), timeout=240)
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr[-3000:]
    assert "changed while it was being ingested" in done.stderr
    assert "Traceback" not in done.stderr
    assert growing.is_file()
    assert [p for p in (home / "archive").rglob("*") if p.is_file()] == []
    warehouse = home / "warehouse" / "sqmy.duckdb"
    assert fetch(warehouse, "SELECT count(*) FROM raw.submissions")[0][0] == 0
