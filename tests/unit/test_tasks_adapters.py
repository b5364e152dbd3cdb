"""The DAG adapters: what an ingest task hands on about a file, and publish's quality report."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqmy_etl.config import Settings
from sqmy_etl.orchestration import tasks

LEDGER = (
    "期号,编发日期,标题\n"
    "第1期,2021-01-05,正常\n"
    "第X期,2021-01-06,期号写错\n"
    "第3期,2021-01-07 25:00,时间不存在\n"
    "第4期,2021-01-08 99:00,时间也不存在\n"
)
ISSUE_NO = (
    "期号无法识别：请写成 2021年第37期、第37期 或 37"
    " / issue number unreadable: write it as 2021年第37期"
)
DATE = (
    "编发日期无法识别：请写成 2021-04-02 或 2021年4月2日"
    " / publication date unreadable: write it as 2021-04-02"
)


@pytest.fixture
def landed(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """landing/ with an issues ledger holding three bad rows, and an empty CSV."""
    monkeypatch.setenv("SQMY_TODAY", "2021-12-31")
    ledger = settings.landing / "编发.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    empty = settings.landing / "空.csv"
    empty.write_bytes(b"")
    return {"ledger": ledger, "empty": empty}


def test_ingest_one_hands_on_reasons_and_counts_only(landed: dict[str, Path]) -> None:
    """A file with held rows gives counts per fixed reason; a rejected one its reason."""
    assert tasks.ingest_one(str(landed["ledger"])) == {
        "file": "编发.csv",
        "status": "loaded",
        "rows_loaded": 1,
        "rows_quarantined": 3,
        "quarantined": {ISSUE_NO: 1, DATE: 2},
    }
    assert tasks.ingest_one(str(landed["empty"])) == {
        "file": "空.csv",
        "status": "rejected",
        "rows_loaded": 0,
        "rows_quarantined": 0,
        "reason": "空文件 / empty file",
    }


def test_publish_writes_the_same_quality_report_as_the_cli(
    settings: Settings, landed: dict[str, Path]
) -> None:
    """After the dbt build, the DAG's publish swaps the marts in and writes the DQ report."""
    from sqmy_etl.transform.build import run_transform

    for path in landed.values():
        tasks.ingest_one(str(path))
    run_transform(settings)
    (settings.reports / "quality").mkdir(parents=True, exist_ok=True)
    for old in (settings.reports / "quality").iterdir():
        old.unlink()  # run_transform's own report must not count
    out = tasks.publish()
    report = settings.reports / "quality" / "data-quality-2021-12-31.html"
    assert out == {"published": str(settings.published), "quality_report": str(report)}
    html = report.read_text("utf-8")
    assert "空.csv" in html
    assert "期号无法识别" in html
