"""Fuzz target for the ledger readers: mutated CSV, JSON, JSONL and xlsx bytes grown from small
valid seeds must either read (``FileRead``) or be rejected (``FileRejected``) — never anything else.

Bounded by ``SQMY_FUZZ_EXAMPLES`` (examples per format; a few seconds by default in
``make test``; ``make fuzz`` sets 20000). xlsx examples start a parser child each, so that
target runs a quarter as many.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqmy_etl.config import Limits
from sqmy_etl.errors import FileRejected
from sqmy_etl.ingest.model import FileRead
from sqmy_etl.ingest.readers import read_file

EXAMPLES = int(os.environ.get("SQMY_FUZZ_EXAMPLES", "30"))
# small caps so a mutated seed that inflates or loops is cut off fast
LIMITS = Limits(
    max_file_bytes=1024**2,
    max_sheet_cells=200_000,
    max_field_bytes=64 * 1024,
    parse_timeout_s=30,
    parse_memory_bytes=2 * 1024**3,
)
CSV_SEED = (
    "2021年社情民意信息来稿台账\n稿件编号,标题,报送人,盟市,收稿日期,主题分类,联系电话\n"
    "NM2021-0001,供暖不足,张三,呼市,2021/3/18,供暖,13800000000\n"
    'NM2021-0002,"多行\n内容",李四,赤峰,2021年3月19日,教育,\n'
    ",,,,,,\n合计,2,,,,,\n"
).encode()
JSON_RECORD = {
    "id": "NM2021-0001",
    "title": "供暖",
    "submitter": "张三",
    "region": "赤峰市",
    "received_at": "2021-03-18T09:30:00+08:00",
    "theme": "供暖",
    "phone": "13800000000",
    "issue": {"no": "2021年第37期", "published_at": "2021-04-02", "title": "题"},
    "feedback": [{"type": "批示", "level": "自治区级", "post": "副主席", "date": "2021-04-20"}],
}
JSON_SEED = json.dumps([JSON_RECORD, {**JSON_RECORD, "id": "NM2021-0002"}], ensure_ascii=False)
JSONL_SEED = "\n".join(json.dumps(r, ensure_ascii=False) for r in [JSON_RECORD] * 2) + "\n"


def _xlsx_seed() -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("来稿")
    sheet.write_row("A1", ["2021年来稿台账"])
    sheet.write_row("A2", ["稿件编号", "收稿日期", "报送人", "盟市"])
    sheet.write_row("A3", ["NM2021-0001", "2021-03-18", "张三", "赤峰"])
    sheet.write_row("A4", ["NM2021-0002", 44275, "李四", "包头"])
    book.close()
    return buffer.getvalue()


SEEDS = {
    "csv": (CSV_SEED, ".csv"),
    "gb18030": (CSV_SEED.decode().encode("gb18030"), ".csv"),
    "json": (JSON_SEED.encode(), ".json"),
    "jsonl": (JSONL_SEED.encode(), ".jsonl"),
    "xlsx": (_xlsx_seed(), ".xlsx"),
}


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed after a few random byte-level edits: flips, inserts, deletions, repeats, cuts."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "repeat", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(
                st.one_of(
                    st.binary(min_size=1, max_size=16),
                    st.sampled_from([b",", b'"', b"\n", b"\r", b"\t", b"\x00", b"\xef\xbb\xbf"]),
                    st.sampled_from([b"[", b"{", b"}", b"]", b":", b"null", b"1e999"]),
                )
            )
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "repeat":
            chunk = bytes(data[at : at + draw(st.integers(1, 32))])
            data[at:at] = chunk * draw(st.integers(1, 50))
        elif op == "truncate":
            del data[at:]
    return bytes(data)


def check(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "fuzz" + suffix)
        path.write_bytes(data)
        try:
            result = read_file(path, LIMITS)
        except FileRejected as exc:
            assert exc.reason
        else:
            assert isinstance(result, FileRead)
            assert result.tables


def _target(kind: str, examples: int):
    seed, suffix = SEEDS[kind]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=mutated(seed))
    def run(data: bytes) -> None:
        check(data, suffix)

    return run


@pytest.mark.parametrize("kind", ["csv", "gb18030", "json", "jsonl"])
def test_fuzz_text_readers_read_or_reject(kind: str) -> None:
    """Mutated CSV (UTF-8 and GB18030), JSON and JSONL seeds: a FileRead or FileRejected only."""
    _target(kind, EXAMPLES)()


def test_fuzz_xlsx_reader_reads_or_rejects() -> None:
    """Mutated xlsx packages: a FileRead or FileRejected only, never a crash of the caller."""
    _target("xlsx", max(5, EXAMPLES // 4))()


def test_fuzz_seeds_themselves_read() -> None:
    """Every seed is a valid ledger, so the mutations start from files that load."""
    for kind, (seed, suffix) in SEEDS.items():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "seed" + suffix)
            path.write_bytes(seed)
            assert read_file(path, LIMITS).tables, kind
