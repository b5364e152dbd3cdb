"""``make bench-against``'s table: medians and their ratio, as a person would work them out."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def against(monkeypatch: pytest.MonkeyPatch):
    # bench/against.py imports its neighbour as ``run``, the way `python bench/against.py` does
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    monkeypatch.delitem(sys.modules, "run", raising=False)
    monkeypatch.delitem(sys.modules, "against", raising=False)
    import against

    return against


def test_the_table_gives_every_run_the_medians_and_their_ratio(against) -> None:
    seconds = {
        ("make demo", "checkout"): [60.0, 68.0, 57.6],
        ("make demo", "390adfa"): [57.6, 64.6, 54.0],
        ("sqmy transform (demo data, rebuild)", "checkout"): [9.0, 12.0, 10.0],
        ("sqmy transform (demo data, rebuild)", "390adfa"): [13.0, 12.5, 15.0],
    }
    rows = [line for line in against.markdown("390adfa", seconds).splitlines() if line[:2] == "| "]
    # medians by hand: demo 60.0 / 57.6 = 1.0417; transform 10.0 / 13.0 = 0.769
    assert rows[1:] == [
        "| make demo | 60.0 (60.0, 68.0, 57.6) | 57.6 (57.6, 64.6, 54.0) | 1.04 |",
        "| sqmy transform (demo data, rebuild) | 10.0 (9.0, 12.0, 10.0) "
        "| 13.0 (13.0, 12.5, 15.0) | 0.77 |",
    ]
