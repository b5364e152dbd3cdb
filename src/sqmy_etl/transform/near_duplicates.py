"""Flag near-duplicate submissions: the same text re-sent under another id.

Re-sent and copy-pasted material is normal in this domain (the seed article
repeats whole paragraphs), so a submission whose content is nearly identical
to an earlier one gets ``possible_duplicate_of``. It still counts: only a
clerk may decide two submissions are the same.

MinHash-LSH over character shingles finds candidate pairs in about linear
time; rapidfuzz then confirms each candidate on the full text, so the LSH
threshold can be loose (high recall) without letting false pairs through.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

SHINGLE_CHARS = 3
NUM_PERM = 64
LSH_THRESHOLD = 0.5
CONFIRM_RATIO = 90.0
# Shorter texts ("同上", "见附件") match each other by accident, not by copying.
MIN_CHARS = 12

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Submission:
    submission_id: str
    received_date: date
    content: str | None


@dataclass(frozen=True)
class NearDuplicate:
    """``submission_id`` looks like a re-send of the earlier ``possible_duplicate_of``."""

    submission_id: str
    possible_duplicate_of: str
    similarity: float


def normalise(text: str) -> str:
    """NFKC, case-folded, without whitespace: re-typed copies differ mostly in spacing."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _shingles(text: str) -> set[bytes]:
    return {
        text[i : i + SHINGLE_CHARS].encode("utf-8") for i in range(len(text) - SHINGLE_CHARS + 1)
    }


def find_near_duplicates(submissions: Iterable[Submission]) -> list[NearDuplicate]:
    """For each submission, the earliest earlier submission whose content it nearly repeats.

    "Earlier" orders by (received_date, submission_id), so ties on the date go
    to the smaller id and the first of a cluster is never flagged.
    """
    from datasketch import MinHash, MinHashLSH
    from rapidfuzz import fuzz

    ordered = sorted(
        (s for s in submissions if s.content), key=lambda s: (s.received_date, s.submission_id)
    )
    texts = [normalise(s.content or "") for s in ordered]
    kept = [i for i, text in enumerate(texts) if len(text) >= MIN_CHARS]
    # crc32 instead of datasketch's default sha1: deterministic like it, several times faster,
    # and collision quality is irrelevant here because rapidfuzz confirms every pair.
    signatures = MinHash.bulk(
        (_shingles(texts[i]) for i in kept), num_perm=NUM_PERM, hashfunc=zlib.crc32
    )
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for i, signature in zip(kept, signatures, strict=True):
        lsh.insert(i, signature)

    found: list[NearDuplicate] = []
    for i, signature in zip(kept, signatures, strict=True):
        for j in sorted(c for c in lsh.query(signature) if c < i):
            score = fuzz.ratio(texts[i], texts[j], score_cutoff=CONFIRM_RATIO)
            if score:
                found.append(
                    NearDuplicate(
                        ordered[i].submission_id, ordered[j].submission_id, round(score / 100, 4)
                    )
                )
                break
    return found
