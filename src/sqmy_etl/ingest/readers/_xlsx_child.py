"""Child-process entry point: parse one workbook (xlsx, xls, ods) with calamine, under hard limits.

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


class _TooLarge(Exception):
    """A sheet over the cell cap: the whole parse stops."""


def _read_sheet(workbook: object, name: str, position: int, max_cells: int) -> tuple:
    """One worksheet as a ``parse`` sheet entry."""
    from python_calamine import CalamineError

    try:
        sheet = workbook.get_sheet_by_name(name)  # type: ignore[attr-defined]
    except CalamineError as exc:
        return ("skipped", name, f"无法读取 / unreadable: {exc}")
    end = sheet.end
    cells = (end[0] + 1) * (end[1] + 1) if end else 0
    if cells > max_cells:
        raise _TooLarge(name, cells)
    rows = sheet.to_python(skip_empty_area=False) if end else []
    return ("sheet", name, rows, sheet.merged_cell_ranges or [], position)


def parse(source: str, max_cells: int) -> tuple:
    """``("ok", [sheet, ...])``, ``("encrypted", msg)``, ``("error", msg)`` or
    ``("too_large", sheet, cells)``; a sheet is ``("sheet", name, rows, merges, position)``
    with rows from A1 (so list index + 1 is the Excel row number) and its
    0-based position among the workbook's worksheets (the delivery order
    within a file), or ``("skipped", name, why)``. The format (xlsx, xls,
    ods) is sniffed from the content.
    """
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

    sheets: list[tuple] = []
    try:
        with open(source, "rb") as fh:
            workbook = CalamineWorkbook.from_filelike(fh)
            position = 0
            for meta in workbook.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    sheets.append(("skipped", meta.name, "不是工作表 / not a worksheet"))
                    continue
                sheets.append(_read_sheet(workbook, meta.name, position, max_cells))
                position += 1
    except _TooLarge as exc:
        return ("too_large", *exc.args)
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
