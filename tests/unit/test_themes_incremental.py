"""The incremental theme refresh ends where a refresh from empty tables ends.

A generated 2021 corpus (planted hot topics, some themes blank) is delivered in
steps — new months, a corrected text, a new tag, a delivery then retracted, a new
model version — and after every step the incrementally refreshed
``raw.theme_suggestions``, ``raw.hot_topic_members`` and ``raw.hot_topic_periods``
are compared with those of a fresh warehouse holding the same raw rows. The
periods searched and submissions predicted at each step are counted by hand:
the point of the refresh is what it does not redo.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import duckdb
import pytest

from sqmy_etl.synth.topics import themed_corpus
from sqmy_etl.themes import store, suggest
from sqmy_etl.themes.features import document
from sqmy_etl.themes.labels import parse_theme
from sqmy_etl.themes.train import LabelledText, train_and_store
from sqmy_etl.warehouse.db import ensure_raw_schema
from tests.unit.homes import scratch_home

_COLUMNS = (
    "ingest_file_sha256, ingest_seq, source_sheet, source_row, submission_id, "
    "received_date, title, content, unit, region, theme"
)
_TABLES = ("raw.theme_suggestions", "raw.hot_topic_members", "raw.hot_topic_periods")


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    """A home with a small trained model (600 generated submissions of 2020)."""
    with scratch_home(tmp_path_factory, "themes_incremental") as settings:
        rows, _ = themed_corpus(2020, 6, 600)
        labelled = [
            LabelledText(
                r["submission_id"], r["received_date"], document(r["title"], r["content"]), label
            )
            for r in rows
            if (label := parse_theme(r["theme_written"])) is not None
        ]
        train_and_store(settings, labelled)
        yield settings


def _deliver(con: duckdb.DuckDBPyConnection, file: str, seq: int, rows: list[dict]) -> None:
    con.executemany(
        f"INSERT INTO raw.submissions ({_COLUMNS}) VALUES (?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                file,
                seq,
                n,
                r["submission_id"],
                r["received_date"],
                r["title"],
                r["content"],
                r["unit"],
                r["region"],
                r["theme_written"],
            )
            for n, r in enumerate(rows, start=1)
        ],
    )


def _retract(con: duckdb.DuckDBPyConnection, file: str, seq: int) -> None:
    con.execute(
        "INSERT INTO raw.delivery_changes VALUES (?, 'retracted', NULL, ?, '撤回', ?)",
        [file, seq, datetime(2022, 1, 1, tzinfo=UTC)],
    )


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in _TABLES}


def _from_scratch(settings, con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """The three tables as a refresh of a fresh warehouse with the same raw rows writes them."""
    fresh = duckdb.connect()
    ensure_raw_schema(fresh)
    for table in ("raw.submissions", "raw.delivery_changes"):
        copied = con.execute(f"SELECT * FROM {table}").arrow()  # noqa: F841 (read by DuckDB)
        fresh.execute(f"INSERT INTO {table} SELECT * FROM copied")
    suggest.refresh(settings, fresh)
    return _tables(fresh)


def _untagged(rows: list[dict]) -> int:
    """Rows with a text and no known theme, counted without the refresh's SQL."""
    return sum(
        1
        for r in rows
        if parse_theme(r["theme_written"]) is None and document(r["title"], r["content"])
    )


def test_incremental_refresh_equals_a_full_one(settings, monkeypatch) -> None:
    # quarters (~100 submissions) are searched, the year (366) is too big
    monkeypatch.setattr(suggest, "MAX_PERIOD_SIZE", 200)
    # texts read 40 ids at a time, predicted 16 at a time: several chunks and batches a step
    monkeypatch.setattr(suggest, "TEXT_CHUNK", 40)
    monkeypatch.setattr(suggest, "PREDICT_BATCH", 16)
    corpus, _ = themed_corpus(2021, 3, 240)
    for n, row in enumerate(corpus):
        if n % 4 == 0:
            row["theme_written"] = None
    first = [r for r in corpus if r["received_date"].month <= 6]
    later = [r for r in corpus if 7 <= r["received_date"].month <= 9]
    con = duckdb.connect()
    ensure_raw_schema(con)

    def step() -> suggest.RefreshResult:
        result = suggest.refresh(settings, con)
        assert _tables(con) == _from_scratch(settings, con)
        return result

    # 1. January to June: 6 months and 2 quarters searched, every untagged text predicted
    _deliver(con, "a", 1, first)
    result = step()
    assert (result.periods_searched, result.predicted) == (8, _untagged(first))
    assert result.hot_topics > 0

    # 2. July to September, one February text corrected, one untagged February row tagged:
    #    July, August, September, Q3, February, Q1; the new untagged rows and the corrected one
    february = [r for r in first if r["received_date"].month == 2 and r["theme_written"] is None]
    corrected = {**february[0], "content": "供热管网老化，冬季多个小区暖气不热。"}
    tagged = {**february[1], "theme_written": "教育"}
    _deliver(con, "b", 2, [*later, corrected, tagged])
    result = step()
    assert (result.periods_searched, result.predicted) == (6, _untagged(later) + 1)
    ids = {r[0] for r in con.execute("SELECT submission_id FROM raw.theme_suggestions").fetchall()}
    assert tagged["submission_id"] not in ids and corrected["submission_id"] in ids

    # 3. a delivery correcting an untagged August text and adding one untagged August row,
    #    refreshed, then retracted: August and Q3 searched both times; back to step 2's tables
    after_two = _tables(con)
    august = next(r for r in later if r["received_date"].month == 8 and r["theme_written"] is None)
    extra = {**august, "submission_id": "TH2021-EXTRA", "title": "关于城区停车难的建议"}
    _deliver(con, "c", 3, [{**august, "content": "学校周边交通拥堵。"}, extra])
    result = step()
    assert (result.periods_searched, result.predicted) == (2, 2)
    _retract(con, "c", 4)
    result = step()
    assert (result.periods_searched, result.predicted) == (2, 1)
    assert _tables(con) == after_two

    # 4. a new model version: every untagged text predicted again, no period searched
    version = store.current_version(settings)
    folder = store.models_dir(settings)
    shutil.copytree(folder / version, folder / f"{version}-b")
    store.promote(settings, f"{version}-b")
    result = step()
    # all but the February row tagged in step 2
    assert (result.periods_searched, result.predicted) == (0, _untagged(first + later) - 1)
    assert result.model_version == f"{version}-b"

    # 5. nothing new: nothing searched, nothing predicted
    result = step()
    assert (result.periods_searched, result.predicted) == (0, 0)
