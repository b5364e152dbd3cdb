"""Run a suite over a normalised frame and say, per failing row, which rule caught it.

Two engines read the same suite and give the same answer. The push-down
(``pushdown.py``) evaluates the expectation types the suites use with
vectorised pandas and never imports GX, whose import alone costs 4–7 s; it is
used whenever it supports every expectation of the suite and every value it
meets. Otherwise, or when ``SQMY_VALIDATION_ENGINE=gx`` asks for it, GX 1.x runs
with an ephemeral context and pandas batches (its SQL datasource does not work
on DuckDB 2.0); ``result_format=COMPLETE`` returns the failing rows as
DataFrame index labels, and large frames go through it in bounded chunks so
memory stays flat.
"""

from __future__ import annotations

import logging
import os
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, get_args

from sqmy_etl.errors import FileRejected
from sqmy_etl.tables import TableKind
from sqmy_etl.validate.suites import load_suite

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

Engine = Literal["auto", "pushdown", "gx"]
ENGINE_ENV = "SQMY_VALIDATION_ENGINE"
CHUNK_ROWS = 200_000
_RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
}
# (suite position, index labels of the rows that expectation fails)
Failures = list[tuple[int, "pd.Index"]]


@cache
def _batch_definition() -> Any:
    """One in-memory GX context per process: the import alone costs ~7 s, so pay it once."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("sqmy").add_dataframe_asset("rows")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def _failures_in_chunk(suite: Any, chunk: pd.DataFrame, parameters: dict[str, str]) -> Failures:
    """GX's failing labels of the chunk per expectation; a failed table-level one rejects it."""
    import pandas as pd

    batch = _batch_definition().get_batch(batch_parameters={"dataframe": chunk})
    outcome = batch.validate(suite, result_format=_RESULT_FORMAT, expectation_parameters=parameters)
    failures: Failures = []
    for result in outcome.results:
        meta = result.expectation_config.meta
        if result.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"expectation {result.expectation_config.type} ({meta['rule']}) crashed: "
                f"{result.exception_info.get('exception_message')}"
            )
        if result.success:
            continue
        labels = result.result.get("unexpected_index_list")
        if labels is None:
            # a table-level expectation failed: the batch, hence the file, is unusable
            raise FileRejected(meta["reason"])
        failures.append((meta["position"], pd.Index(labels, dtype=chunk.index.dtype)))
    return failures


_COLUMN_KWARGS = ("column", "column_A", "column_B")


def _columns_used(suite: dict[str, Any], frame: pd.DataFrame) -> list[str]:
    """The columns the suite looks at; GX copies what it is given, so long prose stays out.

    A table-level expectation (no column argument) gets every column.
    """
    used: dict[str, None] = {}
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        named = [kwargs[k] for k in _COLUMN_KWARGS if k in kwargs] + kwargs.get("column_list", [])
        if not named:
            return list(frame.columns)
        used.update(dict.fromkeys(named))
    return list(used)


def _gx_failures(
    suite_dict: dict[str, Any], frame: pd.DataFrame, parameters: dict[str, str], chunk_rows: int
) -> Failures:
    """The failures as GX finds them, ``chunk_rows`` rows at a time."""
    from great_expectations.core.expectation_suite import ExpectationSuite

    suite = ExpectationSuite(**suite_dict)
    checked = frame[_columns_used(suite_dict, frame)]
    failures: Failures = []
    for start in range(0, len(checked), chunk_rows):
        chunk = checked.iloc[start : start + chunk_rows]
        failures.extend(_failures_in_chunk(suite, chunk, parameters))
    return failures


def _failures(
    suite: dict[str, Any],
    frame: pd.DataFrame,
    parameters: dict[str, str],
    chunk_rows: int,
    engine: Engine,
) -> Failures:
    """The chosen engine's failures; ``auto`` leaves to GX what the push-down refuses."""
    from sqmy_etl.validate import pushdown

    if engine == "gx":
        return _gx_failures(suite, frame, parameters, chunk_rows)
    try:
        return pushdown.failing_labels(suite, frame, parameters)
    except pushdown.Unsupported as refusal:
        if engine == "pushdown":
            raise
        log.warning("suite %s goes to Great Expectations: %s", suite["name"], refusal)
        return _gx_failures(suite, frame, parameters, chunk_rows)


def _engine_from_env() -> Engine:
    engine = os.environ.get(ENGINE_ENV) or "auto"
    if engine not in get_args(Engine):
        raise ValueError(f"{ENGINE_ENV}={engine!r}: use one of {get_args(Engine)}")
    return engine  # type: ignore[return-value]


def _first_failures(failures: Failures, suite: dict[str, Any], frame: pd.DataFrame) -> pd.DataFrame:
    """One row per failing label with the rule and reason of its first failing expectation."""
    import numpy as np
    import pandas as pd

    labels = frame.index[:0].append([found for _, found in failures])
    positions = np.repeat([p for p, _ in failures], [len(found) for _, found in failures])
    first = pd.Series(positions, index=labels, dtype="int64").groupby(level=0).min()
    explained = pd.DataFrame([e["meta"] for e in suite["expectations"]])[["rule", "reason"]]
    return explained.iloc[first.to_numpy()].set_axis(first.index.rename(None))


def validate_rows(
    kind: TableKind,
    frame: pd.DataFrame,
    ingest_day: date,
    chunk_rows: int = CHUNK_ROWS,
    *,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Rows of ``frame`` that break the suite of ``kind``: index labels → ``rule``, ``reason``.

    A row failing several expectations gets the first one in suite order, so
    a row with no id and no date is reported as ``missing_id``. ``engine``
    None reads ``SQMY_VALIDATION_ENGINE`` (default ``auto``); ``pushdown``
    raises ``pushdown.Unsupported`` instead of falling back to GX.
    ``chunk_rows`` bounds the rows per GX batch.
    """
    suite = load_suite(kind)
    parameters = {"ingest_day": ingest_day.isoformat()}
    failures = _failures(suite, frame, parameters, chunk_rows, engine or _engine_from_env())
    return _first_failures(failures, suite, frame)
