"""Golden scenarios F01–F10: CSV encodings and separators, the platform's JSON (CONTRACT §1).

Every expected figure is counted by hand from the rows typed in ledgers.py.
"""

from __future__ import annotations

from tests.scenarios import ledgers
from tests.scenarios.conftest import World


def test_f01_semicolon_csv(world: World) -> None:
    """A semicolon CSV loads (a comma in a title does not split it; its 合计 row is skipped)."""
    assert sorted(world.submissions("FA-")) == ["FA-001", "FA-002", "FA-003"]
    assert world.quarantine_rows("分号来稿台账.csv") == []  # the trailing 合计;3篇 row
    assert world.period("2015", "民生")["submissions_received"] == 2  # 供暖, 教育
    assert world.period("2015", "生态环境")["submissions_received"] == 1  # 草原保护
    regions = world.regions(2015)
    assert (
        regions["呼和浩特市"]["submissions_received"],
        regions["包头市"]["submissions_received"],
    ) == (1, 2)


def test_f02_utf16_unicode_text(world: World) -> None:
    """Excel's "Unicode 文本" (UTF-16 with BOM, tabs, CRLF) loads."""
    assert sorted(world.submissions("FB-")) == ["FB-001", "FB-002", "FB-003"]
    regions = world.regions(2016)
    assert (
        regions["乌海市"]["submissions_received"],
        regions["鄂尔多斯市"]["submissions_received"],
    ) == (2, 1)


def test_f03_gb18030_csv(world: World) -> None:
    """A GB18030 CSV loads with its Chinese values intact."""
    assert sorted(world.submissions("FC-")) == ["FC-001", "FC-002", "FC-003"]
    assert world.period("2017", "民生")["submissions_received"] == 2  # 养老 ×2
    assert world.period("2017", "文化旅游")["submissions_received"] == 1  # 旅游发展
    regions = world.regions(2017)
    assert (
        regions["通辽市"]["submissions_received"],
        regions["兴安盟"]["submissions_received"],
    ) == (2, 1)


def test_f04_big5_is_rejected_then_loads_with_encoding(world: World) -> None:
    """A Big5 CSV is rejected (exit 2, copy + reason in rejected/), then loads with --encoding."""
    refused = world.calls["A-big5"]
    assert refused.returncode == 2, str(refused)
    assert "--encoding" in refused.stdout + refused.stderr  # the message says what to do
    rejected = world.home / "rejected" / ledgers.BIG5_NAME
    original = world.root / ledgers.BIG5_DIR / ledgers.BIG5_NAME
    assert rejected.read_bytes() == original.read_bytes()
    assert (world.home / "rejected" / f"{ledgers.BIG5_NAME}.reason.txt").read_text("utf-8").strip()
    forced = world.calls["A-big5-forced"]
    assert forced.returncode == 0, str(forced)
    assert sorted(world.submissions("FD-")) == ["FD-001", "FD-002"]
    assert world.regions(2018)["赤峰市"]["submissions_received"] == 2  # 赤峰 ×2, read as Big5


def test_f05_json_code_data_envelope(world: World) -> None:
    """{"code":0,"data":[…]} loads its records, their issue and its 批示."""
    subs = world.submissions("FE-")
    assert sorted(subs) == ["FE-001", "FE-002"]
    assert subs["FE-001"]["issue_id"] == "2019-001"
    assert subs["FE-002"]["issue_id"] is None  # "issue": null
    year = world.period("2019")
    assert (year["submissions_received"], year["issues_published"], year["instructions_total"]) == (
        2,
        1,
        1,
    )


def test_f06_json_data_list_envelope(world: World) -> None:
    """{"data":{"list":[…]}} (two levels deep) loads its records."""
    assert sorted(world.submissions("FF-")) == ["FF-001", "FF-002"]
    assert world.regions(2020)["呼伦贝尔市"]["submissions_received"] == 2


def test_f07_offset_timestamps_are_shanghai_dates(world: World) -> None:
    """2021-12-31T20:00:00Z is received 2022-01-01 (Asia/Shanghai)."""
    received = {k: v["received_date"] for k, v in world.submissions("FG-").items()}
    assert received == {
        "FG-001": "2022-01-01",  # 20:00Z + 8 h
        "FG-002": "2022-03-01",  # 23:30 +08:00 is still 03-01
        "FG-003": "2022-07-01",  # 16:30Z + 8 h = 00:30 next day
    }
    assert world.period("2022")["submissions_received"] == 3
    assert world.period("2022-Q3")["submissions_received"] == 1  # FG-003


def test_f08_camel_case_keys_and_epoch_milliseconds(world: World) -> None:
    """receivedAt / publishedAt (camelCase) in epoch milliseconds are read as Shanghai dates."""
    subs = world.submissions("FH-")
    received = {k: v["received_date"] for k, v in subs.items()}
    # 1678845600000 = 2023-03-15 10:00 +08:00
    # 1688144400000 = 2023-06-30 17:00Z = 2023-07-01 01:00 Shanghai
    assert received == {"FH-001": "2023-03-15", "FH-002": "2023-07-01"}
    assert subs["FH-001"]["issue_id"] == "2023-002"
    issue = world.issues("2023-")["2023-002"]
    assert issue["published_date"] == "2023-04-03"  # 1680483600000 = 2023-04-03 09:00 +08:00
    assert world.period("2023")["issues_published"] == 1


def test_f09_json_lines_and_epoch_seconds(world: World) -> None:
    """JSON Lines, with one date in epoch seconds."""
    received = {k: v["received_date"] for k, v in world.submissions("FI-").items()}
    assert received == {
        "FI-001": "2024-02-02",
        "FI-002": "2024-02-03",
    }  # 1706846400 = 02-02 12:00 +08:00


def test_f10_open_document_spreadsheet(world: World) -> None:
    """An .ods ledger loads: a typed date cell and a date string."""
    received = {k: v["received_date"] for k, v in world.submissions("FJ-").items()}
    assert received == {"FJ-001": "1990-05-20", "FJ-002": "1990-05-21"}
