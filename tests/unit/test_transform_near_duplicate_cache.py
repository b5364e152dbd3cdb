"""The incremental near-duplicate search gives exactly the full search's answer, batch after batch.

Each test keeps a small "merged submissions" table in an in-memory DuckDB,
changes it the way ingests, corrections and erasures do, refreshes the cache
and compares with ``find_near_duplicates`` over the same rows. Texts are small
edits of a few base texts, so matches, near misses and changed answers occur.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqmy_etl.transform import near_duplicate_cache as cache_module
from sqmy_etl.transform.near_duplicate_cache import refresh_near_duplicates
from sqmy_etl.transform.near_duplicates import Submission, find_near_duplicates

SCHEMA, TABLE = "intermediate", "nd_cache"
CACHE = f"{SCHEMA}.{TABLE}"
BASES = (
    "锡林郭勒盟部分嘎查牧民反映草原生态补奖资金发放不及时，建议简化审核流程并按季度发放。",
    "乌海市部分工业园区周边道路扬尘污染较重，建议增加洒水频次并加强渣土车辆管理。",
    "呼和浩特市部分老旧小区冬季供暖温度长期不达标，居民反映强烈，建议供热部门加强监管。",
)
# same opening as BASES[0], different request: a band may collide, the texts do not match
SAME_OPENING = "锡林郭勒盟部分嘎查牧民反映牧区道路养护资金落实不到位，建议加快农村公路改造进度。"
# ASCII and Han ids: "earlier" must order ids exactly like Python does
IDS = [f"S{i:02d}" for i in range(30)] + [f"稿{i}" for i in range(6)]
FIRST_DAY = date(2021, 3, 1)

Rows = dict[str, tuple[date, str | None]]
Operation = tuple[str, str, int, str | None]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute(f"CREATE SCHEMA {SCHEMA}")
    connection.execute(
        "CREATE TABLE merged (submission_id VARCHAR, received_date DATE, content VARCHAR)"
    )
    yield connection
    connection.close()


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One element per full search the cache ran (a rebuild), instead of an update."""
    calls: list[str] = []
    rebuild = cache_module._rebuild

    def counted(con: duckdb.DuckDBPyConnection, cache: str) -> None:
        calls.append(cache)
        rebuild(con, cache)

    monkeypatch.setattr(cache_module, "_rebuild", counted)
    return calls


@pytest.fixture
def small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read and write the cache a few rows at a time, so every slice boundary is crossed."""
    monkeypatch.setattr(cache_module, "FETCH_ROWS", 3)
    monkeypatch.setattr(cache_module, "INSERT_ROWS", 4)


def refresh(con: duckdb.DuckDBPyConnection, rows: Rows) -> list[tuple[str, str, float]]:
    """Replace the merged table by ``rows``, refresh the cache, return its answer sorted."""
    con.execute("DELETE FROM merged")
    if rows:
        con.executemany(
            "INSERT INTO merged VALUES (?, ?, ?)",
            [[i, day, text] for i, (day, text) in rows.items()],
        )
    answer = refresh_near_duplicates(con, con.table("merged"), SCHEMA, TABLE)
    return sorted(answer.fetchall())


def full(rows: Rows) -> list[tuple[str, str, float]]:
    found = find_near_duplicates(Submission(i, day, text) for i, (day, text) in rows.items())
    return sorted((d.submission_id, d.possible_duplicate_of, d.similarity) for d in found)


def day(n: int) -> date:
    return FIRST_DAY + timedelta(days=n)


def edited(base: int, edits: list[tuple[int, str]]) -> str:
    """``BASES[base]`` with each (position, char) edit: '' deletes, ' ' or '!' re-types,
    another char replaces."""
    chars = list(BASES[base])
    for position, char in edits:
        chars[position % len(chars)] = char
    return "".join(chars)


texts = st.one_of(
    st.builds(
        edited,
        st.integers(0, len(BASES) - 1),
        st.lists(
            st.tuples(st.integers(0, 99), st.sampled_from(["", " ", "!", "的", "甲"])), max_size=7
        ),
    ),
    st.sampled_from([SAME_OPENING, "同上", "见附件", "", None]),
)
# (what, id, day, text): put a new or replaced submission; correct the text or the date of
# an existing one; delete one (erasure). Days go back and forth: late batches come in.
operations = st.tuples(
    st.sampled_from(["put", "put", "text", "date", "delete"]),
    st.sampled_from(IDS),
    st.integers(0, 20),
    texts,
)


def apply(rows: Rows, batch: list[Operation]) -> None:
    for what, submission_id, n, text in batch:
        previous = rows.get(submission_id)
        if what == "put":
            rows[submission_id] = (day(n), text)
        elif what == "delete":
            rows.pop(submission_id, None)
        elif previous and what == "text":
            rows[submission_id] = (previous[0], text)
        elif previous and what == "date":
            rows[submission_id] = (day(n), previous[1])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.lists(st.tuples(st.just("put"), st.sampled_from(IDS), st.integers(0, 20), texts)),
    batches=st.lists(st.lists(operations, min_size=1, max_size=8), min_size=1, max_size=6),
)
def test_every_batch_gives_the_full_answer(
    con: duckdb.DuckDBPyConnection,
    rebuilds: list[str],
    small_slices: None,
    first: list[Operation],
    batches: list[list[Operation]],
) -> None:
    """Random adds, corrections of text or date, deletions and late batches: after each one
    the refreshed cache answers exactly like a full search, which it ran only once."""
    con.execute(f"DROP TABLE IF EXISTS {CACHE}")
    rebuilds.clear()
    rows: Rows = {}
    apply(rows, first)
    assert refresh(con, rows) == full(rows)
    for batch in batches:
        apply(rows, batch)
        assert refresh(con, rows) == full(rows)
    assert len(rebuilds) == 1


def test_answers_follow_copies_corrections_and_erasures(
    con: duckdb.DuckDBPyConnection, rebuilds: list[str]
) -> None:
    """A hand-made sequence with known answers, each step checked against the full search."""
    copy_of_0 = edited(0, [(3, " "), (20, "!")])
    rows: Rows = {"A": (day(5), BASES[0]), "B": (day(9), copy_of_0), "C": (day(7), BASES[1])}
    steps: list[tuple[Callable[[Rows], None], set[tuple[str, str]]]] = [
        (lambda r: None, {("B", "A")}),
        # a late copy received before A becomes the original of both
        (lambda r: r.update(E=(day(1), BASES[0])), {("A", "E"), ("B", "E")}),
        # E corrected to other text: A is the original again
        (lambda r: r.update(E=(day(1), BASES[2])), {("B", "A")}),
        # A erased: nothing earlier than B is like it any more
        (lambda r: r.pop("A"), set()),
        # C redated after a new copy of it
        (
            lambda r: r.update(F=(day(2), edited(1, [(8, "的")])), C=(day(12), BASES[1])),
            {("C", "F")},
        ),
    ]
    for change, expected in steps:
        change(rows)
        answer = refresh(con, rows)
        assert {(later, earlier) for later, earlier, _ in answer} == expected
        assert answer == full(rows)
    assert len(rebuilds) == 1
    cached = {row[0] for row in con.execute(f"SELECT submission_id FROM {CACHE}").fetchall()}
    assert cached == set(rows), "an erased submission left its sketch in the cache"


CORRUPTIONS = {
    "dropped": f"DROP TABLE {CACHE}",
    "stale fingerprint": f"COMMENT ON TABLE {CACHE} IS 'near-duplicate sketch cache 0'",
    "interrupted run": f"COMMENT ON TABLE {CACHE} IS NULL",
    "other layout": f"ALTER TABLE {CACHE} DROP COLUMN similarity",
    "duplicate row": f"INSERT INTO {CACHE} SELECT * FROM {CACHE} LIMIT 1",
    "dangling answer": f"UPDATE {CACHE} SET possible_duplicate_of = 'gone' "
    "WHERE possible_duplicate_of IS NOT NULL",
    "answer not earlier": f"UPDATE {CACHE} SET possible_duplicate_of = submission_id "
    "WHERE possible_duplicate_of IS NOT NULL",
    "half a sketch": f"UPDATE {CACHE} SET band_3 = NULL WHERE signature IS NOT NULL",
}


@pytest.mark.parametrize("corruption", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_a_missing_or_broken_cache_is_rebuilt(
    con: duckdb.DuckDBPyConnection, rebuilds: list[str], corruption: str
) -> None:
    """Whatever happened to the cache between runs, the next run searches in full again and
    gives the same answer as with the cache intact."""
    rows: Rows = {
        "A": (day(1), BASES[0]),
        "B": (day(2), edited(0, [(4, "!")])),
        "C": (day(3), BASES[1]),
        "D": (day(4), edited(1, [(10, "甲")])),
        "E": (day(5), "同上"),
    }
    expected = refresh(con, rows)
    assert len(expected) == 2
    con.execute(corruption)
    rows["F"] = (day(6), edited(2, [(0, "")]))
    rebuilds.clear()
    assert refresh(con, rows) == full(rows) == expected
    assert len(rebuilds) == 1


def test_rows_missing_from_the_cache_are_searched_again(
    con: duckdb.DuckDBPyConnection, rebuilds: list[str]
) -> None:
    """A cache row lost while no answer points to it looks like a new submission: it is
    searched again, without a full search."""
    rows: Rows = {"A": (day(1), BASES[0]), "B": (day(2), BASES[0]), "C": (day(3), BASES[0])}
    refresh(con, rows)
    con.execute(f"DELETE FROM {CACHE} WHERE submission_id = 'C'")
    rebuilds.clear()
    assert refresh(con, rows) == full(rows) == [("B", "A", 1.0), ("C", "A", 1.0)]
    assert not rebuilds


def test_a_change_too_big_for_the_incremental_path_rebuilds(
    con: duckdb.DuckDBPyConnection, rebuilds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``MAX_SEARCHED`` rows to search, one full search replaces the cache."""
    rows: Rows = {"A": (day(1), BASES[0]), "B": (day(2), BASES[1])}
    refresh(con, rows)
    monkeypatch.setattr(cache_module, "MAX_SEARCHED", 1)
    rows.update(C=(day(3), BASES[0]), D=(day(4), BASES[1]))
    rebuilds.clear()
    assert refresh(con, rows) == full(rows) == [("C", "A", 1.0), ("D", "B", 1.0)]
    assert len(rebuilds) == 1
