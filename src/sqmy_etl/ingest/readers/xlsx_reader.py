"""Workbooks (xlsx, xls, ods): pre-check the package, parse in a sandboxed child,
one table a sheet.

Every sheet is read, hidden ones too. Sheets that hold a recognisable table
become ``SourceTable``s carrying their position among the worksheets; the
others are listed in ``FileRead.unrecognised`` for the data-quality report.
Date cells arrive as date/datetime; numbers typed as General (serials) are
passed on raw with the workbook's 1904 flag. Rows with an xlsx formula saved
without its value are handed on marked (``formula_rows``), not read as blank.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import sqmy_etl
from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import FileRead, SourceTable
from sqmy_etl.ingest.readers.table import NotATable, table_chunks
from sqmy_etl.ingest.readers.xlsx_guard import WorkbookFacts, inspect_xlsx

CHILD_MODULE = "sqmy_etl.ingest.readers._xlsx_child"
_PACKAGE_ROOT = str(Path(sqmy_etl.__file__).resolve().parents[1])


def _child_env() -> dict[str, str]:
    """The parent's environment, with this package importable whatever the install."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
    return env


def _crash_reason(returncode: int, stderr: bytes, limits: Limits) -> str:
    if returncode < 0:
        try:
            how = f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"killed by signal {-returncode}"
    else:
        lines = stderr.decode("utf-8", "backslashreplace").strip().splitlines()
        how = f"exit {returncode}: {lines[-1][:300] if lines else 'no message'}"
    return (
        f"Excel 解析失败（可能超出内存限制）/ the workbook parser failed ({how}); "
        f"memory limit {limits.parse_memory_bytes} bytes"
    )


def _parse_in_child(path: Path, limits: Limits) -> tuple:
    with tempfile.TemporaryDirectory(prefix="sqmy-xlsx-") as tmp:
        out = Path(tmp) / "sheets.pickle"
        command = [
            sys.executable,
            "-m",
            CHILD_MODULE,
            str(path.resolve()),
            str(out),
            str(limits.parse_memory_bytes),
            str(limits.max_sheet_cells),
        ]
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=_child_env(),
                timeout=limits.parse_timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise FileRejected(
                f"Excel 解析超时 / the workbook parser timed out after {limits.parse_timeout_s} s"
            ) from None
        if done.returncode != 0 or not out.exists():
            raise FileRejected(_crash_reason(done.returncode, done.stderr, limits))
        with out.open("rb") as fh:
            return pickle.load(fh)  # written by our own child from plain values


def _outcome_sheets(outcome: tuple, kind: str, limits: Limits) -> list[tuple]:
    status = outcome[0]
    if status == "ok":
        return outcome[1]
    if status == "encrypted":
        raise FileRejected(
            f"加密的 Excel 文件 / encrypted (password-protected) workbook: {outcome[1]}"
        )
    if status == "too_large":
        raise FileRejected(
            f"工作表过大 / sheet too large: {outcome[1]} has {outcome[2]} cells, "
            f"limit {limits.max_sheet_cells}"
        )
    if kind == "xls":
        raise FileRejected(
            "加密或旧版 Excel 文件无法读取，请在 Excel 中另存为 xlsx / an OLE2 file (encrypted "
            f"workbook or legacy .xls) that cannot be read: {outcome[1]}; save it as xlsx"
        )
    raise FileRejected(
        f"损坏的 {kind} 文件，请重新保存后再提交 / corrupt {kind}: {outcome[1]}; "
        "save it again and resend"
    )


def _sheet_tables(entry: tuple, facts: WorkbookFacts, limits: Limits) -> list[SourceTable]:
    """The tables of one parsed sheet; ``NotATable`` when its header names no kind."""
    _, name, rows, merges, position = entry
    return list(
        table_chunks(
            ((number, row) for number, row in enumerate(rows, start=1)),
            sheet=name,
            limits=limits,
            merges=merges,
            date1904=facts.date1904,
            formula_rows=facts.formula_rows.get(name, frozenset()),
            sheet_index=position,
        )
    )


def read_xlsx(path: Path, limits: Limits, *, legacy: bool = False) -> FileRead:
    """Read a workbook (``legacy``: an OLE2 file — .xls, or an encrypted xlsx)."""
    facts = WorkbookFacts(date1904=False, kind="xls") if legacy else inspect_xlsx(path, limits)
    sheets = _outcome_sheets(_parse_in_child(path, limits), facts.kind, limits)
    tables: list[SourceTable] = []
    unrecognised: list[tuple[str, str]] = []
    for entry in sheets:
        if entry[0] == "skipped":
            unrecognised.append((entry[1], entry[2]))
            continue
        try:
            tables.extend(_sheet_tables(entry, facts, limits))
        except NotATable as exc:
            unrecognised.append((entry[1], exc.why))
    if not tables:
        detail = "; ".join(f"{sheet}: {why}" for sheet, why in unrecognised) or "no sheets"
        raise FileRejected(f"没有可识别的表格 / no recognisable table in any sheet ({detail})")
    return FileRead(
        file_format=facts.kind,
        encoding=None,
        tables=tables,
        unrecognised=unrecognised,
    )
