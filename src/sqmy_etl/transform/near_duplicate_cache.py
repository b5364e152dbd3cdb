"""Near-duplicates kept up to date from cached sketches instead of searched from scratch.

A full search (``near_duplicates.search``) over a million submissions costs
about a minute of CPU: every text is normalised, sketched and paired again,
although a daily batch adds a thousand. So the dbt model keeps a cache table
next to itself, one row per submission with content: its key (id, received
date, ``hash(content)``), its sketch (signature and band keys; NULL for a
text too short to match) and its current answer (earliest near-duplicate and
similarity). A run sketches only the new or changed submissions and confirms
only the pairs that involve them.

Why the answers stay exact. Let O be the cached rows still present unchanged
and N the new or changed ones. The cached answer of a row of O was its
earliest match over a superset of O, so while that answer is itself in O it is
still the earliest match within O, and the new answer is the earlier of it
and the earliest match in N. A row of O whose answer was removed or changed is
searched again in full, like the rows of N, against all rows. Candidates come
from the same bands and signature agreement as in the full search, so the
result equals ``find_near_duplicates`` over the current submissions (the unit
tests check this on random sequences of batches).

It is only a cache: a missing table, another layout, another version of the
code or libraries (the fingerprint in the table comment), a broken invariant,
or a run interrupted between its writes (the comment is cleared first and set
last) makes the run rebuild it with one full search, as does a change too big
for the incremental path to pay. ``dbt build --full-refresh`` drops it (the
model's pre-hook). Removed submissions leave the cache in the same run, so an
erased person's sketches go with the rest of their rows.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqmy_etl.transform import near_duplicates as nd

if TYPE_CHECKING:
    import duckdb
    import numpy as np
    import pyarrow as pa

# Submissions to search in full beyond which one full search is cheaper: the
# incremental path pays per searched row, the full one per row of the warehouse.
MAX_SEARCHED = 100_000
FETCH_ROWS = 50_000  # submissions read from DuckDB per slice
# sketches written to the cache per insert: DuckDB's copy grows as ours is released, by
# 50k (~20 MB) at a time: slices of 100k made this write the peak of a 1M rebuild
INSERT_ROWS = 50_000
BAND_COLUMNS = tuple(f"band_{band}" for band in range(nd.BANDS))
COLUMNS = {
    "submission_id": "VARCHAR",
    "received_date": "DATE",
    "content_hash": "UBIGINT",
    "signature": f"UINTEGER[{nd.NUM_PERM}]",
    **dict.fromkeys(BAND_COLUMNS, "UBIGINT"),
    "possible_duplicate_of": "VARCHAR",
    "similarity": "DOUBLE",
}
_MERGED = "nd_merged"
_TEMPORARIES = ("nd_current", "nd_new", "nd_searched", "nd_probe", "nd_pairs")
# submission id -> (earliest near-duplicate, similarity), (None, None) for none
Answers = dict[str, tuple[str | None, float | None]]


def refresh_near_duplicates(
    con: duckdb.DuckDBPyConnection, merged: duckdb.DuckDBPyRelation, schema: str, table: str
) -> duckdb.DuckDBPyRelation:
    """Bring the cache ``schema.table`` up to date with ``merged``; its near-duplicate rows.

    ``merged`` has ``submission_id`` (unique), ``received_date`` and
    ``content``. The returned relation reads the cache, so read it before the
    cache changes again.
    """
    cache = _qualified(schema, table)
    con.register(_MERGED, merged)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE nd_current AS "
            "SELECT submission_id, received_date, hash(content) AS content_hash "
            f"FROM {_MERGED} WHERE content <> ''"
        )
        if not (_is_valid(con, schema, table) and _update(con, cache)):
            _rebuild(con, cache)
        con.execute(f"COMMENT ON TABLE {cache} IS '{fingerprint()}'")
    finally:
        for name in _TEMPORARIES:
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")
        con.unregister(_MERGED)
    return (
        con.table(cache)
        .filter("possible_duplicate_of IS NOT NULL")
        .project("submission_id, possible_duplicate_of, similarity")
    )


@functools.cache
def fingerprint() -> str:
    """What the cached sketches and answers depend on besides the texts.

    The source of the matching code and the versions of what it calls: any
    change, even to a comment, costs one full search rather than a risk of
    stale answers. Read once, so it stays that of the code this process runs.
    """
    import duckdb
    import rapidfuzz

    digest = hashlib.sha256()
    for source in (nd.__file__, __file__):
        digest.update(Path(source).read_bytes())
    versions = f"unicode {unicodedata.unidata_version}, rapidfuzz {rapidfuzz.__version__}"
    digest.update(f"{versions}, duckdb {duckdb.__version__}".encode())
    return f"near-duplicate sketch cache {digest.hexdigest()[:16]}"


def _is_valid(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether the cache exists, was completed by this very code and still holds its invariants."""
    where = "database_name = current_database() AND schema_name = ? AND table_name = ?"
    comment = con.execute(f"SELECT comment FROM duckdb_tables() WHERE {where}", [schema, table])
    if comment.fetchall() != [(fingerprint(),)]:
        return False
    columns = con.execute(
        f"SELECT column_name, data_type FROM duckdb_columns() WHERE {where} ORDER BY column_index",
        [schema, table],
    ).fetchall()
    return columns == list(_columns(con).items()) and not _broken_rows(
        con, _qualified(schema, table)
    )


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """``COLUMNS`` as this database stores them: DuckLake has no fixed-size arrays, so there
    a signature is a list (always of ``NUM_PERM`` values)."""
    kind = con.execute(
        "SELECT type FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    if kind != [("ducklake",)]:
        return COLUMNS
    return COLUMNS | {"signature": "UINTEGER[]"}


def _qualified(schema: str, table: str) -> str:
    return f'"{schema}"."{table}"'


def _broken_rows(con: duckdb.DuckDBPyConnection, cache: str) -> int:
    """Rows breaking what a completed run leaves: unique ids, whole sketches, answers that
    point to an earlier sketched row with a similarity the confirmation allows."""
    bands_null = " AND ".join(f"{column} IS NULL" for column in BAND_COLUMNS)
    bands_set = " AND ".join(f"{column} IS NOT NULL" for column in BAND_COLUMNS)
    return con.execute(
        f"""
        SELECT
            (SELECT count(*) - count(DISTINCT submission_id) FROM {cache})
            + (
                SELECT count(*) FROM {cache}
                WHERE submission_id IS NULL OR received_date IS NULL OR content_hash IS NULL
                    OR NOT ((signature IS NULL AND {bands_null})
                        OR (signature IS NOT NULL AND {bands_set}))
                    OR (possible_duplicate_of IS NULL) <> (similarity IS NULL)
            )
            + (
                SELECT count(*)
                FROM {cache} AS later
                LEFT JOIN {cache} AS earlier
                    ON later.possible_duplicate_of = earlier.submission_id
                WHERE later.possible_duplicate_of IS NOT NULL AND (
                    earlier.signature IS NULL OR later.signature IS NULL
                    OR earlier.received_date > later.received_date
                    OR (earlier.received_date = later.received_date
                        AND earlier.submission_id >= later.submission_id)
                    OR NOT later.similarity BETWEEN {nd.CONFIRM_RATIO / 100} AND 1
                )
            )
        """
    ).fetchall()[0][0]


def _rebuild(con: duckdb.DuckDBPyConnection, cache: str) -> None:
    """Replace the cache with one full search over every submission.

    The texts are streamed (``nd.sketch_slices``): normalised a slice at a
    time for their sketches, then read again, a pass at a time, only for the
    candidate pairs left once the sketches are written. A million normalised
    texts held for the whole search took ~0.8 GB.
    """
    columns = ", ".join(f"{name} {kind}" for name, kind in _columns(con).items())
    con.execute(f"CREATE OR REPLACE TABLE {cache} ({columns})")
    rows = "WHERE content <> ''"
    ids = _earliest_ids(con, rows)
    sketches, pairs = nd.sketch_slices(len(ids), _slices(con, rows, ids))
    _insert_sketches(con, cache, ids, sketches)
    del sketches

    def texts_of(indices: np.ndarray) -> dict[int, str]:
        wanted = indices.tolist()
        found = _texts(con, [ids[i] for i in wanted], {})
        return {i: found[ids[i]] for i in wanted}

    pairs, scores = nd.confirmed(pairs, texts_of)
    answers = {
        ids[later]: (ids[earlier], nd.similarity(score))
        for (later, earlier), score in zip(pairs.tolist(), scores.tolist(), strict=True)
    }
    _write_answers(con, cache, answers)


def _earliest_ids(con: duckdb.DuckDBPyConnection, rows: str) -> list[str]:
    """Ids of the merged submissions ``rows`` selects, earliest first.

    DuckDB orders the ids alone (its binary string order is Python's
    code-point order): sorting the contents with them cost about 1.5 GB more
    at a million submissions.
    """
    return [
        row[0]
        for row in con.execute(
            f"SELECT submission_id FROM {_MERGED} {rows} ORDER BY received_date, submission_id"
        ).fetchall()
    ]


def _slices(
    con: duckdb.DuckDBPyConnection, rows: str, ids: list[str]
) -> Iterator[tuple[np.ndarray, list[str]]]:
    """The normalised texts of ``ids`` (selected by ``rows``), FETCH_ROWS at a time, read
    unordered, with their places in ``ids``."""
    import numpy as np

    place = {submission_id: i for i, submission_id in enumerate(ids)}
    for batch in _batches(con, f"SELECT submission_id, content FROM {_MERGED} {rows}"):
        read = batch.column("submission_id").to_pylist()
        positions = np.fromiter(map(place.__getitem__, read), dtype=np.int64, count=len(read))
        yield positions, list(map(nd.normalise, batch.column("content").to_pylist()))


def _batches(con: duckdb.DuckDBPyConnection, query: str) -> Iterator[pa.RecordBatch]:
    """The result of ``query``, FETCH_ROWS rows at a time: as Arrow it reaches Python in
    about half the time of ``fetchmany``'s tuples."""
    yield from con.execute(query).to_arrow_reader(FETCH_ROWS)


def _earliest_first(con: duckdb.DuckDBPyConnection, rows: str) -> tuple[list[str], list[str]]:
    """Ids and normalised texts of the merged submissions ``rows`` selects, earliest first.

    Each slice of normalised texts is put in its ids' places, so a whole set
    of raw contents never sits in memory beside its normalised copies.
    """
    ids = _earliest_ids(con, rows)
    texts = [""] * len(ids)
    for positions, normalised in _slices(con, rows, ids):
        for i, text in zip(positions.tolist(), normalised, strict=True):
            texts[i] = text
    return ids, texts


def _update(con: duckdb.DuckDBPyConnection, cache: str) -> bool:
    """Apply the changes since the last run to a valid cache.

    False when more rows need a full search than ``MAX_SEARCHED``; the cache
    is then half-updated and marked incomplete, for the caller to rebuild.
    """
    con.execute(f"COMMENT ON TABLE {cache} IS NULL")
    con.execute(
        f"DELETE FROM {cache} AS c WHERE NOT EXISTS (SELECT 1 FROM nd_current AS n "
        "WHERE n.submission_id = c.submission_id AND n.received_date = c.received_date "
        "AND n.content_hash = c.content_hash)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE nd_new AS "
        f"SELECT submission_id FROM nd_current ANTI JOIN {cache} USING (submission_id)"
    )
    # new rows, and rows whose answer went with the removed ones
    con.execute(
        "CREATE OR REPLACE TEMP TABLE nd_searched AS SELECT submission_id FROM nd_new "
        f"UNION ALL SELECT c.submission_id FROM {cache} AS c ANTI JOIN {cache} AS d "
        "ON c.possible_duplicate_of = d.submission_id WHERE c.possible_duplicate_of IS NOT NULL"
    )
    if con.execute("SELECT count(*) FROM nd_searched").fetchall()[0][0] > MAX_SEARCHED:
        return False
    ids, texts = _earliest_first(con, "SEMI JOIN nd_new USING (submission_id)")
    _insert_sketches(con, cache, ids, nd.sketch(texts))
    _write_answers(con, cache, _search_changes(con, cache, dict(zip(ids, texts, strict=True))))
    return True


def _search_changes(
    con: duckdb.DuckDBPyConnection, cache: str, new_texts: dict[str, str]
) -> Answers:
    """The answers that change: every searched row's, and those of unchanged rows that now
    have an earlier match among the new rows."""
    import numpy as np

    searched = [row[0] for row in con.execute("SELECT submission_id FROM nd_searched").fetchall()]
    rows = _candidates(con, cache)
    n = len(rows.ids)
    later, earlier = rows.pairs.max(axis=1), rows.pairs.min(axis=1)
    # an unchanged row only needs its pairs with new rows: its cached answer covers the rest
    needed = rows.searched[later] | rows.new[earlier]
    codes = np.unique(later[needed] * n + earlier[needed])
    pairs = np.stack([codes // n, codes % n], axis=1)
    pairs = pairs[nd.agreeing(rows.signatures, pairs[:, 0], pairs[:, 1])]
    texts = _texts(con, [rows.ids[i] for i in np.unique(pairs)], new_texts)
    pairs, scores = nd.earliest_confirmed([texts.get(i, "") for i in rows.ids], pairs)
    changes: Answers = dict.fromkeys(searched, (None, None))
    for (a, b), score in zip(pairs.tolist(), scores.tolist(), strict=True):
        if rows.searched[a] or not rows.answer_key[a] or rows.key(b) < rows.answer_key[a]:
            changes[rows.ids[a]] = (rows.ids[b], nd.similarity(score))
    return changes


class _Candidates:
    """The cached rows in some candidate pair of a searched row, earliest first, as parallel
    arrays, and the pairs as (row, row) indices in either order."""

    def __init__(self, table: pa.Table, pairs: np.ndarray) -> None:
        self.ids: list[str] = table.column("submission_id").to_pylist()
        self.dates: list[date] = table.column("received_date").to_pylist()
        signatures = table.column("signature").combine_chunks().flatten()
        self.signatures = signatures.to_numpy().reshape(-1, nd.NUM_PERM)
        self.new: np.ndarray = table.column("is_new").to_numpy()
        self.searched: np.ndarray = table.column("is_searched").to_numpy()
        answers = zip(
            table.column("answer_date").to_pylist(),
            table.column("possible_duplicate_of").to_pylist(),
            strict=True,
        )
        # (received date, id) of the cached answer, None when there is none
        self.answer_key = [(day, answer) if answer else None for day, answer in answers]
        self.pairs = pairs

    def key(self, i: int) -> tuple[date, str]:
        return self.dates[i], self.ids[i]


def _candidates(con: duckdb.DuckDBPyConnection, cache: str) -> _Candidates:
    """Every pair of a searched row and a cached row sharing a band key, with the rows.

    The pairs are joined in DuckDB, band by band, and reach Python as indices:
    a searched row in a big bucket has thousands of them.
    """
    import numpy as np
    import pyarrow as pa

    con.execute(
        f"CREATE OR REPLACE TEMP TABLE nd_probe AS SELECT * FROM {cache} "
        "SEMI JOIN nd_searched USING (submission_id) WHERE signature IS NOT NULL"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE nd_pairs AS "
        + " UNION ".join(
            "SELECT p.submission_id AS probe, c.submission_id AS mate FROM nd_probe AS p "
            f"INNER JOIN {cache} AS c ON c.{column} = p.{column} "
            "WHERE c.submission_id <> p.submission_id"
            for column in BAND_COLUMNS
        )
    )
    table = con.sql(
        f"""
        SELECT
            c.submission_id, c.received_date, c.signature, c.possible_duplicate_of,
            d.received_date AS answer_date,
            c.submission_id IN (SELECT submission_id FROM nd_new) AS is_new,
            c.submission_id IN (SELECT submission_id FROM nd_searched) AS is_searched
        FROM {cache} AS c
        LEFT JOIN {cache} AS d ON c.possible_duplicate_of = d.submission_id
        WHERE c.submission_id IN (SELECT probe FROM nd_pairs UNION SELECT mate FROM nd_pairs)
        """
    ).to_arrow_table()
    # ordered here, not by SQL: "earlier" must mean what it means in find_near_duplicates
    days, ids = table.column("received_date").to_pylist(), table.column("submission_id").to_pylist()
    order = sorted(range(len(ids)), key=lambda i: (days[i], ids[i]))
    table = table.take(pa.array(order, pa.int64()))
    local = pa.table({"submission_id": table.column("submission_id"), "i": np.arange(len(ids))})
    with _registered(con, "nd_local", local):
        pairs = con.sql(
            "SELECT p.i AS probe, m.i AS mate FROM nd_pairs AS pair "
            "INNER JOIN nd_local AS p ON p.submission_id = pair.probe "
            "INNER JOIN nd_local AS m ON m.submission_id = pair.mate"
        ).to_arrow_table()
    return _Candidates(table, np.stack([column.to_numpy() for column in pairs.columns], axis=1))


def _texts(con: duckdb.DuckDBPyConnection, ids: list[str], known: dict[str, str]) -> dict[str, str]:
    """Normalised texts of ``ids``: from ``known``, the rest read from the merged submissions
    and normalised FETCH_ROWS at a time."""
    import pyarrow as pa

    texts: dict[str, str] = {}
    query = (
        f"SELECT submission_id, content FROM {_MERGED} SEMI JOIN nd_wanted USING (submission_id)"
    )
    with _registered(con, "nd_wanted", pa.table({"submission_id": pa.array(ids, pa.string())})):
        for batch in _batches(con, query):
            read = batch.column("submission_id").to_pylist()
            for i, content in zip(read, batch.column("content").to_pylist(), strict=True):
                texts[i] = known[i] if i in known else nd.normalise(content)
    return texts


def _insert_sketches(
    con: duckdb.DuckDBPyConnection, cache: str, ids: list[str], sketches: nd.Sketches
) -> None:
    """Add rows for ``ids`` (with their key from ``nd_current``) and their sketches, no answers.

    A slice of ``INSERT_ROWS`` at a time: one insert of a million sketches
    joined to their keys took 1.4 GB more than the rest of the search. The
    sketches are used up: each slice's memory is released once written
    (``nd.release_rows``), as DuckDB's copy grows.
    """
    import numpy as np
    import pyarrow as pa

    for start in range(0, len(ids), INSERT_ROWS):
        stop = min(start + INSERT_ROWS, len(ids))
        # the sketched rows inside this slice, as positions in the slice and in ``sketches``
        first, last = np.searchsorted(sketches.rows, [start, stop])
        inside = sketches.rows[first:last] - start
        short = np.ones(stop - start, dtype=bool)
        short[inside] = False
        signatures = np.zeros((stop - start, nd.NUM_PERM), dtype=np.uint32)
        signatures[inside] = sketches.signatures[first:last]
        keys = np.zeros((nd.BANDS, stop - start), dtype=np.uint64)
        keys[:, inside] = sketches.keys[first:last].T
        table = pa.table(
            {
                "submission_id": pa.array(ids[start:stop], pa.string()),
                "signature": pa.FixedSizeListArray.from_arrays(
                    pa.array(signatures.ravel()), nd.NUM_PERM, mask=pa.array(short)
                ),
                **{
                    column: pa.array(keys[band], mask=short)
                    for band, column in enumerate(BAND_COLUMNS)
                },
            }
        )
        with _registered(con, "nd_sketches", table):
            con.execute(
                f"INSERT INTO {cache} BY NAME SELECT s.*, n.received_date, n.content_hash "
                "FROM nd_sketches AS s INNER JOIN nd_current AS n USING (submission_id)"
            )
        nd.release_rows(sketches.signatures, first, last)
        nd.release_rows(sketches.keys, first, last)


def _write_answers(con: duckdb.DuckDBPyConnection, cache: str, answers: Answers) -> None:
    """Set (or clear, with None) the answer of each submission id in ``answers``."""
    import pyarrow as pa

    table = pa.table(
        {
            "submission_id": pa.array(list(answers), pa.string()),
            "possible_duplicate_of": pa.array([a[0] for a in answers.values()], pa.string()),
            "similarity": pa.array([a[1] for a in answers.values()], pa.float64()),
        }
    )
    with _registered(con, "nd_answers", table):
        con.execute(
            f"UPDATE {cache} AS c SET possible_duplicate_of = a.possible_duplicate_of, "
            "similarity = a.similarity FROM nd_answers AS a WHERE c.submission_id = a.submission_id"
        )


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """``table`` visible to SQL as ``name`` for the duration of the block."""
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)
