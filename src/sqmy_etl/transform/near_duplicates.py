"""Flag near-duplicate submissions: the same text re-sent under another id.

Re-sent and copy-pasted material is normal in this domain (the seed article
repeats whole paragraphs), so a submission whose content is nearly identical
to an earlier one gets ``possible_duplicate_of``. It still counts: only a
clerk may decide two submissions are the same.

MinHash-LSH over character shingles finds candidate pairs; rapidfuzz then
confirms each candidate on the full text, so no false pair gets through.
The banding is strict (see ``BANDS``): ledger prose is written from a few
templates per theme, so a loose LSH threshold makes a fixed share of all
same-theme pairs candidates and the work grows with the square of the
count. The price is recall on pairs that are only ~80% alike in shingles
(ratio just over 90); re-sent and re-typed copies are far closer than that.
The MinHash is one-permutation hashing computed with numpy over a whole
chunk of texts at once: datasketch's per-text MinHash alone cost minutes at
a million submissions.

A dbt build does not search from scratch every time: ``near_duplicate_cache``
keeps each submission's sketch and answer and searches only what changed.
``find_near_duplicates`` stays the definition that cache is tested against.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SHINGLE_CHARS = 3
NUM_PERM = 64
PERM_BITS = 6  # NUM_PERM == 2**PERM_BITS
# 8 bands of 8 rows: a pair becomes a candidate with probability 1-(1-J^8)^8 for
# Jaccard J of their shingle sets: > 0.999 for a re-typed copy (J ≈ 0.94), about
# 0.1% for two ledger texts written from the same template (J ≈ 0.4). The looser
# 14 × 4 (threshold 0.5) made a third of all same-template pairs candidates:
# 631k rapidfuzz checks at 10k submissions, growing with the square of the count.
BANDS, ROWS = 8, 8
# A candidate must also agree with the earlier text on this share of all NUM_PERM
# values (an estimate of their Jaccard similarity, standard error ~0.05) before
# rapidfuzz compares the full texts: a ratio of 90 goes with J ≥ ~0.75, while
# same-template texts that collided in one band are mostly below 0.6.
MIN_AGREEMENT = 0.6
# texts hashed per numpy pass: bounds the shingle arrays to a few tens of MB
CHUNK_TEXTS = 8192
PAIRS_PER_PASS = 200_000
CONFIRM_RATIO = 90.0
# character-count buckets of the exact bound checked before rapidfuzz (may_reach_cutoff)
COUNT_BUCKETS = 128
# Shorter texts ("同上", "见附件") match each other by accident, not by copying.
MIN_CHARS = 12


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
    """NFKC, case-folded, without whitespace: re-typed copies differ mostly in spacing.

    ``str.split()`` drops exactly what the regex ``\\s+`` would (both use
    Unicode's whitespace, ``str.isspace``), several times faster.
    """
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every output bit depends on every input bit (wraps mod 2**64)."""
    import numpy as np

    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _code_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(length of each text, all their code points end to end as uint64): one encode per chunk."""
    import numpy as np

    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return lengths, codes


def _chunk_signatures(texts: list[str]) -> np.ndarray:
    """One-permutation MinHash of each text's character 3-shingles, shape (len(texts), NUM_PERM).

    Each shingle is hashed once; its low bits pick one of NUM_PERM bins and the
    rest is the value whose minimum the bin keeps. For two texts a bin holds the
    same minimum with probability about their Jaccard similarity, like one
    permutation of classic MinHash. A bin no shingle falls into keeps the max.
    """
    import numpy as np

    lengths, codes = _code_points(texts)
    shingles = _mix(
        (codes[:-2] * np.uint64(0x9E3779B97F4A7C15))
        ^ (codes[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F))
        ^ codes[2:]
    )
    ends = np.cumsum(lengths)
    crossing = np.concatenate([ends - 2, ends - 1])  # shingles that run into the next text
    keep = np.ones(len(shingles), dtype=bool)
    keep[crossing[crossing < len(shingles)]] = False
    shingles = shingles[keep]
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths - (SHINGLE_CHARS - 1))
    # NUM_PERM is a power of two: mask and shift are the % and // of the definition
    bins = (shingles & np.uint64(NUM_PERM - 1)).astype(np.int64)
    signatures = np.full(len(texts) * NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    np.minimum.at(signatures, owner * NUM_PERM + bins, shingles >> np.uint64(PERM_BITS))
    return signatures.reshape(len(texts), NUM_PERM)


@dataclass(frozen=True)
class Sketches:
    """MinHash sketches of the texts long enough to be matched; ``rows`` index the texts.

    ``signatures`` (cut to 32 bits) estimate how alike two texts are before the
    costly full-text comparison; texts sharing a key in one of the ``BANDS``
    columns of ``keys`` are candidates.
    """

    rows: np.ndarray
    signatures: np.ndarray
    keys: np.ndarray


def sketch(texts: list[str]) -> Sketches:
    """The sketches of every normalised text of at least ``MIN_CHARS`` characters."""
    import numpy as np

    rows = np.flatnonzero(
        np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) >= MIN_CHARS
    )
    compact = np.empty((len(rows), NUM_PERM), dtype=np.uint32)
    keys = np.empty((len(rows), BANDS), dtype=np.uint64)
    for start in range(0, len(rows), CHUNK_TEXTS):
        signatures = _chunk_signatures([texts[i] for i in rows[start : start + CHUNK_TEXTS]])
        compact[start : start + len(signatures)] = signatures.astype(np.uint32)
        for band in range(BANDS):
            key = np.zeros(len(signatures), dtype=np.uint64)
            for row in range(band * ROWS, (band + 1) * ROWS):
                key = _mix(key ^ signatures[:, row])
            keys[start : start + len(signatures), band] = key
    return Sketches(rows, compact, keys)


def agreeing(signatures: np.ndarray, later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Mask of the pairs whose signatures agree on at least ``MIN_AGREEMENT`` of their values."""
    import numpy as np

    keep = np.empty(len(later), dtype=bool)
    for start in range(0, len(later), PAIRS_PER_PASS):
        stop = start + PAIRS_PER_PASS
        agree = (signatures[later[start:stop]] == signatures[earlier[start:stop]]).sum(axis=1)
        keep[start:stop] = agree >= MIN_AGREEMENT * NUM_PERM
    return keep


def _candidate_pairs(keys: np.ndarray, signatures: np.ndarray) -> np.ndarray:
    """(later, earlier) index pairs sharing a key in some band and agreeing in their
    signatures, sorted, without repeats.

    Built with numpy, bucket by bucket in steps of distance: a million texts
    give tens of millions of band collisions, too many for Python sets. Each
    step is filtered on agreement at once, so only the few alike pairs are kept.
    """
    import numpy as np

    n = len(keys)
    codes: list[np.ndarray] = []
    for band in range(keys.shape[1]):
        order = np.argsort(keys[:, band], kind="stable")  # stable: a bucket lists ids ascending
        ordered = keys[order, band]
        group = np.cumsum(np.r_[True, ordered[1:] != ordered[:-1]])
        at = np.arange(n)
        for distance in range(1, n):
            # a position whose bucket reaches ``distance`` further also reached one less:
            # narrowing the previous step's positions costs the pairs, not n per step
            at = at[at + distance < n]
            at = at[group[at + distance] == group[at]]
            if not len(at):
                break
            later, earlier = order[at + distance].astype(np.int64), order[at]
            alike = agreeing(signatures, later, earlier)
            codes.append(later[alike] * n + earlier[alike])
    unique = np.sort(np.concatenate([np.empty(0, dtype=np.int64), *codes]))
    # not np.unique: its hash-based path is ~20x slower than a sort on tens of millions
    # (codes are never negative, so the first one always differs from the -1 before it)
    unique = unique[np.diff(unique, prepend=-1) != 0]
    return np.stack([unique // n, unique % n], axis=1)


def may_reach_cutoff(texts: list[str], pairs: np.ndarray) -> np.ndarray:
    """Mask of the ``pairs`` whose texts could still score CONFIRM_RATIO: exact, not a guess.

    ``fuzz.ratio`` is 200·LCS / (len a + len b), and a longest common
    subsequence uses each character at most as often as the text with fewer
    of it has it. Counting characters in COUNT_BUCKETS buckets (by a hash of
    the code point) can only raise that bound, so a pair below the cutoff
    here scores below it in rapidfuzz too and is left out. At a million
    submissions it drops ~80 % of the candidates, which cost ~40 s of rapidfuzz;
    same-template texts share their 3-shingles far more than their characters'
    counts allow for a ratio of 90.
    """
    import numpy as np

    lengths = np.zeros(len(texts), dtype=np.int64)
    counts = np.zeros((len(texts), COUNT_BUCKETS), dtype=np.uint8)
    # a bucket past 255 (a very long or repetitive text) is not counted: keep its pairs
    unbounded = np.zeros(len(texts), dtype=bool)
    for start in range(0, len(texts), CHUNK_TEXTS):
        chunk_lengths, codes = _code_points(texts[start : start + CHUNK_TEXTS])
        stop = start + len(chunk_lengths)
        lengths[start:stop] = chunk_lengths
        owner = np.repeat(np.arange(len(chunk_lengths)), chunk_lengths)
        bucket = (_mix(codes) & np.uint64(COUNT_BUCKETS - 1)).astype(np.int64)
        tally = np.bincount(
            owner * COUNT_BUCKETS + bucket, minlength=len(chunk_lengths) * COUNT_BUCKETS
        ).reshape(len(chunk_lengths), COUNT_BUCKETS)
        unbounded[start:stop] = tally.max(axis=1, initial=0) > 255
        counts[start:stop] = np.minimum(tally, 255)
    keep = np.empty(len(pairs), dtype=bool)
    for start in range(0, len(pairs), PAIRS_PER_PASS):
        a, b = pairs[start : start + PAIRS_PER_PASS, 0], pairs[start : start + PAIRS_PER_PASS, 1]
        common = np.minimum(counts[a], counts[b]).sum(axis=1, dtype=np.int64)
        reachable = 200 * common >= CONFIRM_RATIO * (lengths[a] + lengths[b])
        keep[start : start + PAIRS_PER_PASS] = reachable | unbounded[a] | unbounded[b]
    return keep


def earliest_confirmed(texts: list[str], pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pair, score) of the first pair per later text whose full texts score ≥ CONFIRM_RATIO.

    ``pairs`` index ``texts`` and are sorted by later text, then earlier: the
    first confirmed pair of a later text is its earliest near-duplicate.
    Pairs that cannot reach the cutoff (``may_reach_cutoff``) are left out;
    rapidfuzz scores the rest element-wise in C++ (``cpdist``), a pass at a time.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    pairs = pairs[may_reach_cutoff(texts, pairs)] if len(pairs) else pairs
    scores = np.zeros(len(pairs))
    for start in range(0, len(pairs), PAIRS_PER_PASS):
        part = pairs[start : start + PAIRS_PER_PASS]
        scores[start : start + len(part)] = process.cpdist(
            [texts[i] for i in part[:, 0]],
            [texts[j] for j in part[:, 1]],
            scorer=fuzz.ratio,
            score_cutoff=CONFIRM_RATIO,
            dtype=np.float64,
            workers=-1,
        )
    hit = scores >= CONFIRM_RATIO
    pairs, scores = pairs[hit], scores[hit]
    first = np.r_[True, pairs[1:, 0] != pairs[:-1, 0]] if len(pairs) else np.zeros(0, bool)
    return pairs[first], scores[first]


def similarity(score: float) -> float:
    """A rapidfuzz score as the published similarity: a share, four decimals."""
    return round(score / 100, 4)


def search(texts: list[str]) -> tuple[Sketches, np.ndarray, np.ndarray]:
    """Sketch normalised ``texts``, given earliest first, and find each one's earliest match.

    Returns the sketches and, as in ``earliest_confirmed``, the (later,
    earlier) pairs indexing ``texts`` with their scores.
    """
    sketches = sketch(texts)
    # rows ascend, so the candidates keep their (later, earlier) order in ``texts``
    candidates = sketches.rows[_candidate_pairs(sketches.keys, sketches.signatures)]
    pairs, scores = earliest_confirmed(texts, candidates)
    return sketches, pairs, scores


def find_near_duplicates(submissions: Iterable[Submission]) -> list[NearDuplicate]:
    """For each submission, the earliest earlier submission whose content it nearly repeats.

    "Earlier" orders by (received_date, submission_id), so ties on the date go
    to the smaller id and the first of a cluster is never flagged.
    """
    ordered = sorted(
        (s for s in submissions if s.content), key=lambda s: (s.received_date, s.submission_id)
    )
    _, pairs, scores = search([normalise(s.content or "") for s in ordered])
    return [
        NearDuplicate(
            ordered[later].submission_id, ordered[earlier].submission_id, similarity(score)
        )
        for (later, earlier), score in zip(pairs.tolist(), scores.tolist(), strict=True)
    ]
