"""The loader: raw rows, quarantine, manifest, archive and rejected/ for real small files."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from sqmy_etl.config import Settings
from sqmy_etl.ingest import load, manifest
from sqmy_etl.ingest.load import ingest_file, ingest_paths
from sqmy_etl.logs import configure_logging

RAW_TABLES = ("ingest_files", "submissions", "issues", "feedback", "quarantine", "file_notes")

SUBMISSIONS_CSV = (
    "稿件编号,收稿日期,报送人,联系电话,身份证号,盟市,主题分类,内容摘要\n"
    "NM-1,2021-03-18,张三,13800000000,110101199003071234,赤峰,供暖,冬季供暖不足\n"
    ",2021-03-19,李四,13900000001,,包头,教育,缺编号\n"
    "NM-3,,王五,,,,,缺日期\n"
    "NM-4,2021-02-30,,,,,,不存在的日期\n"
    "NM-5,2022-06-01,,,,,,未来日期\n"
    "NM-6,2021年4月1日,,,,呼市,医疗,正常\n"
)
# row numbers as a clerk sees them (header is row 1) → the rule that holds the row back
SUBMISSIONS_HELD = {3: "missing_id", 4: "missing_date", 5: "invalid_date", 6: "date_out_of_range"}


@pytest.fixture(autouse=True)
def _ingest_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMY_TODAY", "2021-12-31")


@pytest.fixture
def json_log(settings: Settings) -> Iterator[Path]:
    """The project's logging set up for the test; the logger is restored afterwards."""
    logger = logging.getLogger("sqmy_etl")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    configure_logging(settings)
    yield settings.logs / "sqmy.jsonl"
    for handler in logger.handlers:
        handler.close()
    logger.setLevel(saved[0])
    logger.propagate = saved[1]
    logger.handlers[:] = saved[2]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _rows(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _counts(settings: Settings) -> dict[str, int]:
    return {t: _rows(settings, f"SELECT count(*) FROM raw.{t}")[0][0] for t in RAW_TABLES}


def test_rows_split_between_raw_and_quarantine(settings: Settings, tmp_path: Path) -> None:
    """Every data row lands in raw or in quarantine (with its rule and row), never both."""
    source = _write(tmp_path / "in" / "来稿.csv", SUBMISSIONS_CSV)
    result = ingest_file(settings, source)
    assert result.status == "loaded"
    assert result.rows_loaded == {"submissions": 2}
    assert result.rows_quarantined == 4
    held = _rows(settings, "SELECT source_row, rule, quarantine_id FROM raw.quarantine")
    assert {row: rule for row, rule, _ in held} == SUBMISSIONS_HELD
    assert {qid for _, _, qid in held} == {f"{result.sha256[:12]}::{r}" for r in SUBMISSIONS_HELD}
    loaded = _rows(settings, "SELECT submission_id, received_date::VARCHAR FROM raw.submissions")
    assert sorted(loaded) == [("NM-1", "2021-03-18"), ("NM-6", "2021-04-01")]
    manifest = _rows(settings, "SELECT status, rows_loaded, rows_quarantined FROM raw.ingest_files")
    assert manifest == [("loaded", 2, 4)]
    assert source.exists(), "a file outside landing/ is left where it is"


def test_a_missing_path_fails_before_anything_is_loaded(settings: Settings, tmp_path: Path) -> None:
    """A typo in one argument stops the run up front instead of half-loading the others."""
    good = _write(tmp_path / "来稿.csv", SUBMISSIONS_CSV)
    with pytest.raises(FileNotFoundError, match=r"nope\.csv"):
        ingest_paths(settings, [good, tmp_path / "nope.csv"])
    assert not settings.warehouse.exists()


def test_reingesting_the_same_file_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    """The same bytes again are skipped as a duplicate and no table changes."""
    source = _write(tmp_path / "来稿.csv", SUBMISSIONS_CSV)
    ingest_file(settings, source)
    before = _counts(settings)
    again = ingest_paths(settings, [source, tmp_path / "来稿.csv"])
    assert [f.status for f in again.files] == ["skipped_duplicate"]
    assert again.exit_code == 0
    assert _counts(settings) == before


def test_the_same_rows_in_another_file_are_a_new_version(
    settings: Settings, tmp_path: Path
) -> None:
    """Different bytes with the same ids add a second version with a higher ingest_seq."""
    first = _write(tmp_path / "a.csv", SUBMISSIONS_CSV)
    second = _write(tmp_path / "b.csv", SUBMISSIONS_CSV + "\n")
    ingest_paths(settings, [first, second])
    versions = _rows(
        settings,
        "SELECT submission_id, list(ingest_seq ORDER BY ingest_seq) FROM raw.submissions "
        "GROUP BY 1 ORDER BY 1",
    )
    seqs = _rows(settings, "SELECT original_name, ingest_seq FROM raw.ingest_files ORDER BY 2")
    assert [name for name, _ in seqs] == ["a.csv", "b.csv"]
    assert versions == [("NM-1", [s for _, s in seqs]), ("NM-6", [s for _, s in seqs])]


def test_an_unreadable_file_is_rejected_byte_identical(settings: Settings, tmp_path: Path) -> None:
    """A file with no recognisable table goes to rejected/ unchanged, with a reason; exit 2."""
    payload = "名称,数值\n甲,1\n".encode("gb18030")
    source = tmp_path / "统计表.csv"
    source.write_bytes(payload)
    report = ingest_paths(settings, [source])
    (result,) = report.files
    assert result.status == "rejected"
    assert report.exit_code == 2
    assert (settings.rejected / "统计表.csv").read_bytes() == payload
    reason = (settings.rejected / "统计表.csv.reason.txt").read_text("utf-8")
    assert reason.strip() == result.reason
    assert source.read_bytes() == payload
    assert _rows(settings, "SELECT status, reason FROM raw.ingest_files") == [
        ("rejected", result.reason)
    ]
    assert not any(settings.archive.rglob("*.csv"))


def test_landing_files_leave_landing(settings: Settings) -> None:
    """From landing/ a good file goes to archive/, a bad one is moved to rejected/."""
    good = _write(settings.landing / "sub" / "来稿.csv", SUBMISSIONS_CSV)
    bad = _write(settings.landing / "bad.csv", "a,b\n1,2\n")
    report = load.ingest_landing(settings, settle_s=0)
    assert sorted(f.status for f in report.files) == ["loaded", "rejected"]
    assert not good.exists() and not bad.exists()
    assert (settings.rejected / "bad.csv").read_text("utf-8") == "a,b\n1,2\n"
    (archived,) = settings.archive.rglob("*.csv")
    assert archived.read_text("utf-8") == SUBMISSIONS_CSV
    duplicate = _write(settings.landing / "again.csv", SUBMISSIONS_CSV)
    (result,) = load.ingest_landing(settings, settle_s=0).files
    assert result.status == "skipped_duplicate"
    assert not duplicate.exists()


def test_a_file_still_being_written_waits(settings: Settings) -> None:
    """A landing file modified within the settle time is left for the next run, and named."""
    fresh = _write(settings.landing / "来稿.csv", SUBMISSIONS_CSV)
    report = load.ingest_landing(settings, settle_s=3600)
    assert report.files == []
    assert fresh.exists()
    ((left, why),) = report.left
    assert left == str(fresh)
    assert why.startswith("文件刚被修改") and "3600" in why


def test_a_run_by_hand_waits_for_a_fresh_copy(settings: Settings) -> None:
    """`sqmy run` right after a copy: the file settles within the wait and is loaded."""
    fresh = _write(settings.landing / "sub" / "来稿.csv", SUBMISSIONS_CSV)
    report = load.ingest_landing(settings, settle_s=1, wait_s=10)
    assert [f.status for f in report.files] == ["loaded"]
    assert report.left == []
    assert not fresh.exists()


def test_a_symlink_in_landing_is_refused_not_followed(settings: Settings, tmp_path: Path) -> None:
    """A link in landing/ is removed with a reason; its target is neither read nor moved."""
    target = _write(tmp_path / "elsewhere.csv", SUBMISSIONS_CSV)
    link = settings.landing / "link.csv"
    link.symlink_to(target)
    (result,) = load.ingest_landing(settings, settle_s=0).files
    assert result.status == "rejected"
    assert not link.is_symlink() and target.exists()
    assert (settings.rejected / "link.csv.reason.txt").exists()
    assert not settings.warehouse.exists() or _counts(settings)["submissions"] == 0


def test_json_export_links_submission_issue_and_feedback(
    settings: Settings, tmp_path: Path
) -> None:
    """A nested issue gives submissions.issue_id and an issues row without theme or sources."""
    record = {
        "id": "NM2021-0001",
        "title": "供暖",
        "submitter": "赵六",
        "region": "赤峰市",
        "received_at": "2021-03-18T09:30:00+08:00",
        "phone": "13800000000",
        "issue": {"no": "2021年第37期", "published_at": "2021-04-02", "title": "关于供暖"},
        "feedback": [{"type": "批示", "level": "自治区级", "post": "副主席", "date": "2021-04-20"}],
    }
    source = _write(tmp_path / "export.jsonl", json.dumps(record, ensure_ascii=False) + "\n")
    result = ingest_file(settings, source)
    assert result.rows_loaded == {"submissions": 1, "issues": 1, "feedback": 1}
    assert _rows(settings, "SELECT submission_id, issue_id FROM raw.submissions") == [
        ("NM2021-0001", "2021-037")
    ]
    assert _rows(
        settings,
        "SELECT issue_id, issue_year, issue_seq, published_date::VARCHAR, issue_title, "
        "issue_theme, source_submissions FROM raw.issues",
    ) == [("2021-037", 2021, 37, "2021-04-02", "关于供暖", None, None)]
    assert _rows(
        settings,
        "SELECT issue_year, issue_seq, feedback_type, feedback_date::VARCHAR FROM raw.feedback",
    ) == [(2021, 37, "批示", "2021-04-20")]


def test_json_records_held_in_several_tables_get_distinct_ids(
    settings: Settings, tmp_path: Path
) -> None:
    """One bad JSON record can be held back as submission and issue without an id clash."""
    record = {
        "id": "X1",
        "received_at": "bad",
        "issue": {"no": "第某期", "published_at": "2021-04-02"},
    }
    source = _write(tmp_path / "export.json", json.dumps([record], ensure_ascii=False))
    result = ingest_file(settings, source)
    assert result.rows_quarantined == 2
    held = _rows(settings, "SELECT table_kind, rule, quarantine_id FROM raw.quarantine ORDER BY 1")
    prefix = f"{result.sha256[:12]}::1"
    assert held == [
        ("issues", "invalid_issue_no", f"{prefix}:issues"),
        ("submissions", "invalid_date", f"{prefix}:submissions"),
    ]


def test_unrecognised_sheets_are_noted_and_the_rest_loads(
    settings: Settings, tmp_path: Path
) -> None:
    """A workbook sheet with no known header goes to file_notes; the ledger sheet loads."""
    path = tmp_path / "台账.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ledger = book.add_worksheet("编发")
    for r, row in enumerate(
        [
            ["期号", "编发日期", "分类", "采用稿件编号"],
            ["第5期", "2021-05-06", "民生", "NM-1、NM-6"],
        ]
    ):
        ledger.write_row(r, 0, row)
    book.add_worksheet("说明").write_row(0, 0, ["填表说明", "请按时报送"])
    book.close()
    result = ingest_file(settings, path)
    assert result.rows_loaded == {"issues": 1}
    notes = _rows(settings, "SELECT source_sheet, note FROM raw.file_notes")
    assert notes == [("说明", "unrecognised_sheet")]
    assert _rows(settings, "SELECT issue_id, source_submissions FROM raw.issues") == [
        ("2021-005", ["NM-1", "NM-6"])
    ]


def test_no_personal_data_in_clear_in_warehouse_or_log(
    settings: Settings, tmp_path: Path, json_log: Path
) -> None:
    """Planted names, phones and ID numbers appear nowhere in any table or in the log file."""
    planted = {
        "name": "欧阳明月",
        "phone": "13712345678",
        "id": "15010219850612345X",
        "phone2": "18698765432",
    }
    csv_text = (
        "稿件编号,收稿日期,报送人,联系电话,身份证号,内容摘要,手机号码\n"
        f"NM-9,2021-03-18,{planted['name']},{planted['phone']},{planted['id']},"
        f"请回电{planted['phone2']},{planted['phone2']}\n"
        f"NM-10,,{planted['name']},{planted['phone']},{planted['id']},缺日期,\n"
    )
    ingest_file(settings, _write(tmp_path / "pii.csv", csv_text))
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
        ).fetchall()
        dump = "\n".join(
            repr(con.execute(f'SELECT * FROM "{s}"."{t}"').fetchall()) for s, t in tables
        )
    finally:
        con.close()
    log_text = json_log.read_text("utf-8")
    assert "pii.csv" in log_text  # the log really covers this ingest
    assert "NM-10" in dump and "137****5678" in dump  # the dump really holds the rows
    for value in planted.values():
        assert value not in dump
        assert value not in log_text


def test_a_crash_before_commit_leaves_nothing_and_a_rerun_loads_once(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows and manifest share one transaction: a crash writes nothing, the rerun loads once."""
    source = _write(settings.landing / "来稿.csv", SUBMISSIONS_CSV)

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(manifest, "write_manifest", crash)
        with pytest.raises(KeyboardInterrupt):
            ingest_file(settings, source)
    assert source.exists()
    assert all(n == 0 for n in _counts(settings).values())
    result = ingest_file(settings, source)
    assert result.status == "loaded"
    counts = _counts(settings)
    assert (counts["submissions"], counts["quarantine"], counts["ingest_files"]) == (2, 4, 1)
    assert not source.exists()
