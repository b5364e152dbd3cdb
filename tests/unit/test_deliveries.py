"""Which delivery replaces which, retraction and re-delivery (CONTRACT §1 "Cumulative ledgers")."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from sqmy_etl.config import Settings
from sqmy_etl.ingest import deliveries, load
from sqmy_etl.ingest.load import ReplaceOptions, ingest_paths

HEADER = "稿件编号,收稿日期,标题\n"


@pytest.fixture(autouse=True)
def _ingest_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMY_TODAY", "2021-12-31")


def _ledger(folder: Path, name: str, ids: list[str], mtime: float | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{i},2021-03-0{n % 9 + 1},标题{i}\n" for n, i in enumerate(ids))
    path.write_text(HEADER + body, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def _changes(settings: Settings) -> list[tuple[str, str]]:
    """(file name, change) in the order the changes were made."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(
            "SELECT f.original_name, c.change FROM raw.delivery_changes c "
            "JOIN raw.ingest_files f USING (file_sha256) ORDER BY c.ingest_seq"
        ).fetchall()


def _counting(settings: Settings) -> list[str]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return [d.name for d in deliveries.counting_deliveries(con)]


@pytest.mark.parametrize(
    ("file_name", "ledger"),
    [
        ("2021年来稿台账.xlsx", "2021年来稿台账"),
        ("2021年来稿台账(更正).xlsx", "2021年来稿台账"),
        ("2021年来稿台账（更正）.xls", "2021年来稿台账"),
        ("2021年来稿台账_更正.csv", "2021年来稿台账"),
        ("2021年来稿台账修订版.xlsx", "2021年来稿台账"),
        ("2021年来稿台账_v2.xlsx", "2021年来稿台账"),
        ("2021年来稿台账-V3.xlsx", "2021年来稿台账"),
        ("2021年来稿台账(1).xlsx", "2021年来稿台账"),
        ("2021年来稿台账 - 副本.xlsx", "2021年来稿台账"),
        ("2021年来稿台账最新.xlsx", "2021年来稿台账"),
        ("2021年来稿台账_20250305.xlsx", "2021年来稿台账"),
        ("2021年来稿台账（截至3月5日）.xlsx", "2021年来稿台账"),
        # a period is part of the ledger's name
        ("2021年1月来稿台账.xlsx", "2021年1月来稿台账"),
        ("2021年一季度来稿台账.xlsx", "2021年一季度来稿台账"),
        ("批示台账_上半年.xlsx", "批示台账_上半年"),
        # a year is not an export stamp
        ("2021年批示台账.csv", "2021年批示台账"),
    ],
)
def test_ledger_name_drops_version_markers_and_export_stamps(file_name: str, ledger: str) -> None:
    assert deliveries.ledger_name(file_name) == ledger


def test_a_cumulative_copy_replaces_the_earlier_delivery(
    settings: Settings, tmp_path: Path
) -> None:
    """5 rows, then the (更正) copy with 4 of them (4 ≥ 0.8 × 5): the first stops counting."""
    first = _ledger(tmp_path, "2021年来稿台账.csv", ["A1", "A2", "A3", "A4", "A5"])
    ingest_paths(settings, [first])
    second = _ledger(tmp_path, "2021年来稿台账(更正).csv", ["A1", "A2", "A3", "A4"])
    (result,) = ingest_paths(settings, [second]).files
    assert result.replaced == "2021年来稿台账.csv"
    assert _changes(settings) == [("2021年来稿台账.csv", "replaced")]
    assert _counting(settings) == ["2021年来稿台账(更正).csv"]


def test_a_small_corrections_file_does_not_replace(settings: Settings, tmp_path: Path) -> None:
    """3 of 5 rows (< 80 %) under a 更正 name: corrections applied by id, both files count."""
    ingest_paths(settings, [_ledger(tmp_path, "台账.csv", ["B1", "B2", "B3", "B4", "B5"])])
    (result,) = ingest_paths(
        settings, [_ledger(tmp_path, "台账_更正.csv", ["B1", "B2", "B3"])]
    ).files
    assert result.replaced is None
    assert _counting(settings) == ["台账.csv", "台账_更正.csv"]


def test_ledgers_of_different_periods_never_replace(settings: Settings, tmp_path: Path) -> None:
    ingest_paths(settings, [_ledger(tmp_path, "2021年1月来稿台账.csv", ["C1", "C2"])])
    ingest_paths(settings, [_ledger(tmp_path, "2021年2月来稿台账.csv", ["C3", "C4"])])
    assert _changes(settings) == []


def test_the_same_name_resent_with_new_content_replaces(settings: Settings, tmp_path: Path) -> None:
    """A cumulative ledger re-sent under the very same name with a row deleted."""
    ingest_paths(
        settings, [_ledger(tmp_path / "1", "来稿台账.csv", ["D1", "D2", "D3", "D4", "D5"])]
    )
    ingest_paths(settings, [_ledger(tmp_path / "2", "来稿台账.csv", ["D1", "D2", "D3", "D5"])])
    assert _changes(settings) == [("来稿台账.csv", "replaced")]


def test_no_replace_and_declared_replacement(settings: Settings, tmp_path: Path) -> None:
    """--no-replace keeps both; --replaces OLD NEW replaces whatever the rule says."""
    ingest_paths(settings, [_ledger(tmp_path, "E台账.csv", ["E1", "E2", "E3", "E4", "E5"])])
    kept = _ledger(tmp_path, "E台账(更正).csv", ["E1", "E2", "E3", "E4", "E5", "E6"])
    ingest_paths(settings, [kept], replace=ReplaceOptions(automatic=False))
    assert _changes(settings) == []
    tiny = _ledger(tmp_path, "补充.csv", ["E1"])
    declared = ReplaceOptions(declared={Path(os.path.abspath(tiny)): "E台账(更正).csv"})
    (result,) = ingest_paths(settings, [tiny], replace=declared).files
    assert result.replaced == "E台账(更正).csv"
    assert _counting(settings) == ["E台账.csv", "补充.csv"]


def test_files_of_one_call_load_by_modification_time(settings: Settings, tmp_path: Path) -> None:
    """台账(更正).csv sorts before 台账.csv by name, but was saved later: it goes second."""
    folder = tmp_path / "in"
    _ledger(folder, "台账.csv", ["F1", "F2", "F3", "F4", "F5"], mtime=1_600_000_000)
    _ledger(folder, "台账(更正).csv", ["F1", "F2", "F3", "F4"], mtime=1_600_000_100)
    report = ingest_paths(settings, [folder])
    assert [f.name for f in report.files] == ["台账.csv", "台账(更正).csv"]
    assert _counting(settings) == ["台账(更正).csv"]


def test_retract_then_deliver_again(settings: Settings, tmp_path: Path) -> None:
    """Retracted by name it stops counting; the same bytes again count again."""
    path = _ledger(tmp_path, "G台账.csv", ["G1", "G2"])
    ingest_paths(settings, [path])
    done = deliveries.retract(settings, "G台账.csv")
    assert (done.name, done.data_rows) == ("G台账.csv", 2)
    assert _counting(settings) == []
    (again,) = ingest_paths(settings, [path]).files
    assert again.status == "redelivered"
    assert _counting(settings) == ["G台账.csv"]
    (third,) = ingest_paths(settings, [path]).files
    assert third.status == "skipped_duplicate"
    audit = (settings.home / "audit" / "deliveries.jsonl").read_text("utf-8")
    assert '"action": "retract_delivery"' in audit and "G台账.csv" in audit


def test_retract_by_sha_prefix_and_unknown(settings: Settings, tmp_path: Path) -> None:
    (loaded,) = ingest_paths(settings, [_ledger(tmp_path, "H.csv", ["H1"])]).files
    assert deliveries.retract(settings, loaded.sha256[:8].upper()).name == "H.csv"
    with pytest.raises(deliveries.DeliveryNotFound, match=r"^没有找到仍在计数的交付"):
        deliveries.retract(settings, "H.csv")


def test_a_copy_loaded_before_the_file_it_replaces_still_wins(
    settings: Settings, tmp_path: Path
) -> None:
    """Airflow's mapped tasks run in any order: with places reserved in listing order, the
    (更正) copy (second place, 4 of 5 rows) loads first, and the original arriving after it is
    replaced on arrival."""
    original = _ledger(tmp_path, "J台账.csv", ["J1", "J2", "J3", "J4", "J5"])
    corrected = _ledger(tmp_path, "J台账(更正).csv", ["J1", "J2", "J3", "J4"])
    first, second = load.reserve_delivery_seqs(settings, 2)
    assert first < second
    late = load.ingest_file(settings, corrected, seq=second)
    early = load.ingest_file(settings, original, seq=first)
    assert (late.replaced, late.replaced_by) == (None, None)
    assert (early.replaced, early.replaced_by) == (None, "J台账(更正).csv")
    assert _counting(settings) == ["J台账(更正).csv"]
    assert _changes(settings) == [("J台账.csv", "replaced")]


def test_airflow_listing_reserves_places_in_delivery_order(
    settings: Settings, tmp_path: Path
) -> None:
    """tasks.list_landing: oldest modification time first, each with a rising place."""
    from sqmy_etl.orchestration.tasks import list_landing

    _ledger(settings.landing, "b.csv", ["K1"], mtime=1_600_000_000)
    _ledger(settings.landing / "sub", "a.csv", ["K2"], mtime=1_600_000_100)
    listed = list_landing(settings)
    assert [Path(entry["path"]).name for entry in listed] == ["b.csv", "a.csv"]
    assert listed[0]["seq"] < listed[1]["seq"]
