"""Run a suite over a normalised frame and say, per failing row, which rule caught it.

GX 1.x with an ephemeral context and pandas batches (its SQL datasource does
not work on DuckDB 2.0); ``result_format=COMPLETE`` returns the failing rows
as DataFrame index labels, which is how the loader finds the rows to hold
back. Large frames are validated in bounded chunks so memory stays flat.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from sqmy_etl.ingest.model import FileRejected, TableKind
from sqmy_etl.validate.suites import load_suite

if TYPE_CHECKING:
    import pandas as pd

CHUNK_ROWS = 200_000
_RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
}


@cache
def _batch_definition() -> Any:
    """One in-memory GX context per process: the import alone costs ~7 s, so pay it once."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("sqmy").add_dataframe_asset("rows")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def _failures_in_chunk(
    suite: Any, chunk: pd.DataFrame, parameters: dict[str, str]
) -> list[tuple[Any, int]]:
    """(index label, suite position) for every expectation a row of the chunk fails."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": chunk})
    outcome = batch.validate(suite, result_format=_RESULT_FORMAT, expectation_parameters=parameters)
    failures: list[tuple[Any, int]] = []
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
        failures.extend((label, meta["position"]) for label in labels)
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


def validate_rows(
    kind: TableKind, frame: pd.DataFrame, ingest_day: date, chunk_rows: int = CHUNK_ROWS
) -> pd.DataFrame:
    """Rows of ``frame`` that break the suite of ``kind``: index labels → ``rule``, ``reason``.

    A row failing several expectations gets the first one in suite order, so
    a row with no id and no date is reported as ``missing_id``.
    """
    import pandas as pd
    from great_expectations.core.expectation_suite import ExpectationSuite

    suite_dict = load_suite(kind)
    suite = ExpectationSuite(**suite_dict)
    parameters = {"ingest_day": ingest_day.isoformat()}
    checked = frame[_columns_used(suite_dict, frame)]
    failures: list[tuple[Any, int]] = []
    for start in range(0, len(checked), chunk_rows):
        chunk = checked.iloc[start : start + chunk_rows]
        failures.extend(_failures_in_chunk(suite, chunk, parameters))
    metas = [e["meta"] for e in suite_dict["expectations"]]
    if not failures:
        return pd.DataFrame({"rule": pd.Series(dtype=str), "reason": pd.Series(dtype=str)})
    found = pd.DataFrame(failures, columns=["label", "position"])
    first = found.groupby("label", sort=False)["position"].min()
    return pd.DataFrame(
        {
            "rule": [metas[p]["rule"] for p in first],
            "reason": [metas[p]["reason"] for p in first],
        },
        index=first.index.rename(None),
    ).sort_index()
