"""Training, storing and loading the theme model; what happens without a usable one."""

from __future__ import annotations

import json
import logging
from datetime import date

import duckdb
import pytest

from sqmy_etl.synth.topics import themed_corpus
from sqmy_etl.themes import store
from sqmy_etl.themes.features import document
from sqmy_etl.themes.labels import parse_theme
from sqmy_etl.themes.suggest import refresh
from sqmy_etl.themes.train import LabelledText, TooFewLabels, holdout_split, train_and_store
from sqmy_etl.warehouse.db import ensure_raw_schema
from tests.unit.homes import scratch_home


def _row(n: int, month: int, label: tuple[str, str | None]) -> LabelledText:
    return LabelledText(f"S{n:03d}", date(2021, month, 1), f"文本{n}", label)


def test_too_few_rows_overall_names_counts_and_writes_nothing(tmp_path_factory) -> None:
    """12 labelled rows (< 50): the message names the total and each theme's count; no folder."""
    # 8 民生/教育 + 4 经济发展/营商环境 = 12
    rows = [_row(n, 1 + n % 6, ("民生", "教育")) for n in range(8)]
    rows += [_row(8 + n, 1 + n % 6, ("经济发展", "营商环境")) for n in range(4)]
    with scratch_home(tmp_path_factory, "themes_few") as settings:
        with pytest.raises(TooFewLabels) as raised:
            train_and_store(settings, rows)
        assert not store.models_dir(settings).exists()
    message = str(raised.value)
    assert "只有 12 篇" in message and "民生 8 篇" in message and "经济发展 4 篇" in message
    assert "未写出模型" in message


def test_too_few_rows_of_a_class_names_that_class(tmp_path_factory) -> None:
    """60 rows, but 生态环境 has 3 (< 5): the message names 生态环境 and 3, no model written."""
    # 30 民生 + 27 经济发展 + 3 生态环境 = 60
    rows = [_row(n, 1 + n % 6, ("民生", "教育")) for n in range(30)]
    rows += [_row(30 + n, 1 + n % 6, ("经济发展", None)) for n in range(27)]
    rows += [_row(57 + n, 1 + n % 6, ("生态环境", None)) for n in range(3)]
    with scratch_home(tmp_path_factory, "themes_rare") as settings:
        with pytest.raises(TooFewLabels, match="生态环境 3 篇"):
            train_and_store(settings, rows)
        assert not store.models_dir(settings).exists()


def test_holdout_is_the_latest_months() -> None:
    """Rows per month 4,4,4,4,2,2 (20): the latest months until ≥ 20 % (4 rows) → May + June."""
    months = [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 2 + [6] * 2
    train, test, first = holdout_split([date(2021, m, 10) for m in months])
    assert first == "2021-05"
    assert test == [16, 17, 18, 19] and train == list(range(16))


def _labelled_corpus(year: int, seed: int, size: int) -> list[LabelledText]:
    rows, _ = themed_corpus(year, seed, size)
    out = []
    for r in rows:
        label = parse_theme(r["theme_written"])
        if label is not None:
            out.append(
                LabelledText(
                    r["submission_id"],
                    r["received_date"],
                    document(r["title"], r["content"]),
                    label,
                )
            )
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model trained on 1 500 generated submissions of 2020 (a fast, small run)."""
    with scratch_home(tmp_path_factory, "themes_trained") as settings:
        outcome = train_and_store(settings, _labelled_corpus(2020, 5, 1500))
        yield settings, outcome


def test_training_beats_the_keyword_baseline_and_writes_metrics(trained) -> None:
    """The model scores ≥ 10 points of macro-F1 above the keyword baseline at both levels,
    is promoted, and its metrics.json carries the contract's fields and the data hash."""
    settings, outcome = trained
    metrics = json.loads(
        (store.models_dir(settings) / outcome.version / "metrics.json").read_text("utf-8")
    )
    for key in (
        "macro_f1_l1",
        "macro_f1_l2",
        "per_class",
        "train_rows",
        "test_rows",
        "training_data_sha256",
    ):
        assert key in metrics
    assert metrics["macro_f1_l1"] >= metrics["baseline_macro_f1_l1"] + 0.10
    assert metrics["macro_f1_l2"] >= metrics["baseline_macro_f1_l2"] + 0.10
    assert outcome.promoted and store.current_version(settings) == outcome.version


def test_a_worse_model_keeps_the_current_one(trained) -> None:
    """Retraining with the training months' labels scrambled (the held-out months' labels
    kept) scores worse on that same hold-out: the new version is written, ``current`` stays
    and the message says so."""
    settings, outcome = trained
    good = _labelled_corpus(2020, 5, 1500)
    train, _, _ = holdout_split([r.received_date for r in good])
    labels = [good[i].label for i in train]
    scrambled = list(good)
    for n, i in enumerate(train):
        r = good[i]
        scrambled[i] = LabelledText(
            r.submission_id, r.received_date, r.text, labels[(n * 7) % len(labels)]
        )
    worse = train_and_store(settings, scrambled)
    assert not worse.promoted
    assert store.current_version(settings) == outcome.version
    assert "保留当前模型" in worse.message
    assert (store.models_dir(settings) / worse.version / "metrics.json").exists()


def _warehouse_with_untagged() -> duckdb.DuckDBPyConnection:
    """An in-memory raw layer with one untagged submission (theme blank)."""
    con = duckdb.connect()
    ensure_raw_schema(con)
    con.execute(
        "INSERT INTO raw.submissions (ingest_file_sha256, ingest_seq, source_sheet, source_row, "
        "submission_id, received_date, title, content, theme) VALUES "
        "('f', 1, '', 1, 'X-1', DATE '2021-03-01', "
        "'关于城区义务教育学位紧张问题的建议', '大班额', NULL)"
    )
    return con


def test_corrupt_model_skips_suggestions_with_a_warning(tmp_path_factory, caplog) -> None:
    """A truncated model file: loading says why in Chinese, and refresh writes no
    suggestion, logs a warning, and does not raise (the transform goes on)."""
    with scratch_home(tmp_path_factory, "themes_corrupt") as settings:
        train_and_store(settings, _labelled_corpus(2020, 6, 600))
        version = store.current_version(settings)
        model_file = store.models_dir(settings) / version / store.MODEL_FILE
        model_file.write_bytes(model_file.read_bytes()[:100])
        with pytest.raises(store.ModelUnavailable, match="无法读取"):
            store.load_current(settings)
        con = _warehouse_with_untagged()
        with caplog.at_level(logging.WARNING):
            result = refresh(settings, con)
        assert result.suggestions == 0 and "未生成主题建议" in (result.warning or "")
        assert con.execute("SELECT count(*) FROM raw.theme_suggestions").fetchall() == [(0,)]
        assert any("未生成主题建议" in r.getMessage() for r in caplog.records)


def test_suggestion_for_an_untagged_submission(trained) -> None:
    """With the trained model, the blank-themed 教育 text gets one suggestion, 民生/教育."""
    settings, outcome = trained
    con = _warehouse_with_untagged()
    result = refresh(settings, con)
    rows = con.execute(
        "SELECT submission_id, suggested_l1, suggested_l2, model_version FROM raw.theme_suggestions"
    ).fetchall()
    assert result.suggestions == 1
    assert rows == [("X-1", "民生", "教育", outcome.version)]


def test_retraining_is_monthly_by_the_shanghai_calendar() -> None:
    """The run whose interval ends on the 1st (Asia/Shanghai) retrains; 16:30 UTC on 28 Feb is
    00:30 on 1 March in Shanghai; 2 March is not a retraining day."""
    from datetime import UTC, datetime

    from sqmy_etl.themes.retrain import is_retrain_day

    assert is_retrain_day(datetime(2021, 2, 28, 16, 30, tzinfo=UTC))
    assert not is_retrain_day(datetime(2021, 2, 28, 15, 30, tzinfo=UTC))  # 23:30 on 28 Feb
    assert not is_retrain_day(datetime(2021, 3, 2, 1, 0, tzinfo=UTC))
