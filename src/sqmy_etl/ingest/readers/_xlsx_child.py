"""Child-process entry point: parse one workbook with calamine, under hard limits.

A hostile workbook can make calamine allocate without bound and abort (a
Rust abort, not a Python exception), so the parse runs here, in its own
interpreter with ``RLIMIT_AS`` set: the worst it can do is kill this process.
Usage: ``python -m sqmy_etl.ingest.readers._xlsx_child SRC OUT MAX_BYTES MAX_CELLS``;
the outcome is pickled to OUT (see ``parse``).
"""

from __future__ import annotations

import pickle
import resource
import sys


def _limit_resources(max_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort must not leave a core dump


def parse(source: str, max_cells: int) -> tuple:
    """``("ok", [sheet, ...])``, ``("encrypted", msg)``, ``("error", msg)`` or
    ``("too_large", sheet, cells)``; a sheet is ``("sheet", name, rows, merges)``
    with rows from A1 (so list index + 1 is the Excel row number) or
    ``("skipped", name, why)``.
    """
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

    sheets: list[tuple] = []
    try:
        with open(source, "rb") as fh:
            workbook = CalamineWorkbook.from_filelike(fh)
            for meta in workbook.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    sheets.append(("skipped", meta.name, "不是工作表 / not a worksheet"))
                    continue
                try:
                    sheet = workbook.get_sheet_by_name(meta.name)
                except CalamineError as exc:
                    sheets.append(("skipped", meta.name, f"无法读取 / unreadable: {exc}"))
                    continue
                end = sheet.end
                cells = (end[0] + 1) * (end[1] + 1) if end else 0
                if cells > max_cells:
                    return ("too_large", meta.name, cells)
                rows = sheet.to_python(skip_empty_area=False) if end else []
                sheets.append(("sheet", meta.name, rows, sheet.merged_cell_ranges or []))
    except PasswordError as exc:
        return ("encrypted", str(exc))
    except CalamineError as exc:
        return ("error", f"{type(exc).__name__}: {exc}")
    return ("ok", sheets)


def main(argv: list[str]) -> None:
    source, out, max_bytes, max_cells = argv
    _limit_resources(int(max_bytes))
    outcome = parse(source, int(max_cells))
    with open(out, "wb") as fh:
        pickle.dump(outcome, fh, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main(sys.argv[1:])
