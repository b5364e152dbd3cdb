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
Its full search streams the texts through ``sketch_slices`` and
``confirmed``: the same search, without a million texts in memory at once.
"""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
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
# texts hashed per numpy pass: their shingle arrays (a few MB) stay in the CPU cache,
# ~1.7x faster than passes of 8192 texts, whose arrays streamed through memory
CHUNK_TEXTS = 1024
# pairs whose signatures or counts one numpy pass gathers: cache-sized again (~1.5x faster
# than 200k); rapidfuzz takes PAIRS_PER_PASS at a time
GATHER_PAIRS = 16_384
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


def _chunk_signatures(lengths: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """One-permutation MinHash of each text's character 3-shingles, shape (len(lengths), NUM_PERM).

    The texts come as ``_code_points`` gives them, each at least SHINGLE_CHARS
    long. Each shingle is hashed once; its low bits pick one of NUM_PERM bins
    and the rest is the value whose minimum the bin keeps. For two texts a bin
    holds the same minimum with probability about their Jaccard similarity,
    like one permutation of classic MinHash. A bin no shingle falls into keeps
    the max.
    """
    import numpy as np

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
    owner = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths - (SHINGLE_CHARS - 1))
    # NUM_PERM is a power of two: mask and shift are the % and // of the definition
    bins = (shingles & np.uint64(NUM_PERM - 1)).astype(np.int64)
    signatures = np.full(len(lengths) * NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    np.minimum.at(signatures, owner * NUM_PERM + bins, shingles >> np.uint64(PERM_BITS))
    return signatures.reshape(len(lengths), NUM_PERM)


def _band_keys(signatures: np.ndarray) -> np.ndarray:
    """Each text's key in each of the BANDS bands, from its full 64-bit signature."""
    import numpy as np

    keys = np.empty((len(signatures), BANDS), dtype=np.uint64)
    for band in range(BANDS):
        key = np.zeros(len(signatures), dtype=np.uint64)
        for row in range(band * ROWS, (band + 1) * ROWS):
            key = _mix(key ^ signatures[:, row])
        keys[:, band] = key
    return keys


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
        signatures = _chunk_signatures(
            *_code_points([texts[i] for i in rows[start : start + CHUNK_TEXTS]])
        )
        compact[start : start + len(signatures)] = signatures.astype(np.uint32)
        keys[start : start + len(signatures)] = _band_keys(signatures)
    return Sketches(rows, compact, keys)


def agreeing(signatures: np.ndarray, later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Mask of the pairs whose signatures agree on at least ``MIN_AGREEMENT`` of their values."""
    import numpy as np

    keep = np.empty(len(later), dtype=bool)
    for start in range(0, len(later), GATHER_PAIRS):
        stop = start + GATHER_PAIRS
        agree = (signatures[later[start:stop]] == signatures[earlier[start:stop]]).sum(axis=1)
        keep[start:stop] = agree >= MIN_AGREEMENT * NUM_PERM
    return keep


def _candidate_pairs(
    keys: np.ndarray,
    signatures: np.ndarray,
    reachable: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """(later, earlier) index pairs sharing a key in some band and agreeing in their
    signatures, sorted, without repeats; only those ``reachable`` keeps, if given.

    Built with numpy, bucket by bucket in steps of distance: a million texts
    give tens of millions of band collisions, too many for Python sets. Each
    step is filtered on agreement (and ``reachable``) at once, so only the few
    alike pairs are kept.
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
            later, earlier = later[alike], earlier[alike]
            if reachable is not None:
                kept = reachable(np.stack([later, earlier], axis=1))
                later, earlier = later[kept], earlier[kept]
            codes.append(later * n + earlier)
    unique = np.concatenate([np.empty(0, dtype=np.int64), *codes])
    del codes
    # not np.unique: its hash-based path is ~20x slower than a sort on tens of millions
    # (codes are never negative, so the first one always differs from the -1 before it)
    unique.sort()
    unique = unique[np.diff(unique, prepend=-1) != 0]
    pairs = np.empty((len(unique), 2), dtype=np.int64)
    np.divmod(unique, n, out=(pairs[:, 0], pairs[:, 1]))
    return pairs


@dataclass(frozen=True)
class CharCounts:
    """What the count bound (``may_reach_cutoff``) needs of each text, without the text:
    its length and its characters counted in COUNT_BUCKETS buckets (capped at 255,
    ``unbounded`` where a bucket went past that)."""

    lengths: np.ndarray
    counts: np.ndarray
    unbounded: np.ndarray

    def may_reach_cutoff(self, pairs: np.ndarray) -> np.ndarray:
        """Mask of the (later, earlier) ``pairs`` of indices that could score CONFIRM_RATIO."""
        import numpy as np

        keep = np.empty(len(pairs), dtype=bool)
        for start in range(0, len(pairs), GATHER_PAIRS):
            part = pairs[start : start + GATHER_PAIRS]
            a, b = part[:, 0], part[:, 1]
            common = np.minimum(self.counts[a], self.counts[b]).sum(axis=1, dtype=np.int64)
            lengths = self.lengths[a].astype(np.int64) + self.lengths[b]
            reachable = 200 * common >= CONFIRM_RATIO * lengths
            keep[start : start + len(part)] = reachable | self.unbounded[a] | self.unbounded[b]
        return keep


@functools.cache
def _code_buckets() -> np.ndarray:
    """The count bucket of every code point (a hash, so a template's characters spread over
    the buckets): looked up, ~3x faster than hashing each character of a chunk."""
    import numpy as np

    every = np.arange(sys.maxunicode + 1, dtype=np.uint64)
    return (_mix(every) & np.uint64(COUNT_BUCKETS - 1)).astype(np.uint8)


def _char_counts(lengths: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(counts, unbounded) of ``CharCounts`` for texts as ``_code_points`` gives them."""
    import numpy as np

    owner = np.repeat(np.arange(len(lengths)), lengths)
    tally = np.bincount(
        owner * COUNT_BUCKETS + _code_buckets()[codes], minlength=len(lengths) * COUNT_BUCKETS
    ).reshape(len(lengths), COUNT_BUCKETS)
    # a bucket past 255 (a very long or repetitive text) is not counted: keep its pairs
    return np.minimum(tally, 255).astype(np.uint8), tally.max(axis=1, initial=0) > 255


def char_counts(texts: list[str]) -> CharCounts:
    """The ``CharCounts`` of normalised ``texts``, a chunk at a time."""
    import numpy as np

    lengths = np.zeros(len(texts), dtype=np.int64)
    counts = np.zeros((len(texts), COUNT_BUCKETS), dtype=np.uint8)
    unbounded = np.zeros(len(texts), dtype=bool)
    for start in range(0, len(texts), CHUNK_TEXTS):
        chunk_lengths, codes = _code_points(texts[start : start + CHUNK_TEXTS])
        stop = start + len(chunk_lengths)
        lengths[start:stop] = chunk_lengths
        counts[start:stop], unbounded[start:stop] = _char_counts(chunk_lengths, codes)
    return CharCounts(lengths, counts, unbounded)


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
    return char_counts(texts).may_reach_cutoff(pairs)


def _scores(texts: Sequence[str] | Mapping[int, str], pairs: np.ndarray) -> np.ndarray:
    """rapidfuzz's ratio of each pair's texts, 0 below CONFIRM_RATIO: element-wise in C++
    (``cpdist``), a pass at a time."""
    import numpy as np
    from rapidfuzz import fuzz, process

    scores = np.zeros(len(pairs))
    for start in range(0, len(pairs), PAIRS_PER_PASS):
        part = pairs[start : start + PAIRS_PER_PASS]
        scores[start : start + len(part)] = process.cpdist(
            [texts[i] for i in part[:, 0].tolist()],
            [texts[j] for j in part[:, 1].tolist()],
            scorer=fuzz.ratio,
            score_cutoff=CONFIRM_RATIO,
            dtype=np.float64,
            workers=-1,
        )
    return scores


def _earliest(pairs: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pair, score) of the first pair per later text that scores ≥ CONFIRM_RATIO."""
    import numpy as np

    hit = scores >= CONFIRM_RATIO
    pairs, scores = pairs[hit], scores[hit]
    first = np.r_[True, pairs[1:, 0] != pairs[:-1, 0]] if len(pairs) else np.zeros(0, bool)
    return pairs[first], scores[first]


def earliest_confirmed(texts: list[str], pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pair, score) of the first pair per later text whose full texts score ≥ CONFIRM_RATIO.

    ``pairs`` index ``texts`` and are sorted by later text, then earlier: the
    first confirmed pair of a later text is its earliest near-duplicate.
    Pairs that cannot reach the cutoff (``may_reach_cutoff``) are left out
    before rapidfuzz scores the rest.
    """
    pairs = pairs[may_reach_cutoff(texts, pairs)] if len(pairs) else pairs
    return _earliest(pairs, _scores(texts, pairs))


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


def sketch_slices(
    count: int, slices: Iterable[tuple[np.ndarray, list[str]]]
) -> tuple[Sketches, np.ndarray]:
    """The sketches of ``count`` normalised texts that are never all held at once, and
    their candidate pairs that may reach the cutoff.

    ``slices`` yields (positions, texts): texts with their places in the
    earliest-first order, each place in ``range(count)`` exactly once, in any
    order. Of a slice only its sketches and ``CharCounts`` are kept: a million
    normalised texts are ~0.8 GB, their sketches and counts ~0.45 GB. The
    (later, earlier) pairs index the places, sorted, as ``search`` passes them
    to rapidfuzz: ``confirmed``, reading the texts of just the places they
    involve, then gives ``search``'s answer.
    """
    import numpy as np

    signatures = _mapped((count, NUM_PERM), np.uint32)
    keys = _mapped((count, BANDS), np.uint64)
    lengths = np.zeros(count, dtype=np.int32)
    counts = np.empty((count, COUNT_BUCKETS), dtype=np.uint8)
    unbounded = np.empty(count, dtype=bool)
    seen = np.zeros(count, dtype=bool)
    for positions, texts in slices:
        seen[positions] = True
        for start in range(0, len(texts), CHUNK_TEXTS):
            at = positions[start : start + CHUNK_TEXTS]
            chunk_lengths, codes = _code_points(texts[start : start + CHUNK_TEXTS])
            lengths[at] = chunk_lengths
            counts[at], unbounded[at] = _char_counts(chunk_lengths, codes)
            long = chunk_lengths >= MIN_CHARS
            chunk = _chunk_signatures(chunk_lengths[long], codes[np.repeat(long, chunk_lengths)])
            signatures[at[long]] = chunk.astype(np.uint32)
            keys[at[long]] = _band_keys(chunk)
    if not seen.all():
        raise ValueError("slices must give every position in range(count)")
    rows = np.flatnonzero(lengths >= MIN_CHARS)
    sketches = Sketches(rows, _compacted(signatures, rows), _compacted(keys, rows))
    bound = CharCounts(lengths, counts, unbounded)
    # bounded step by step: the candidates that cannot reach the cutoff (~80 %) are never held
    pairs = _candidate_pairs(
        sketches.keys, sketches.signatures, lambda pairs: bound.may_reach_cutoff(rows[pairs])
    )
    return sketches, rows[pairs]


def confirmed(
    pairs: np.ndarray, texts_of: Callable[[np.ndarray], Mapping[int, str]]
) -> tuple[np.ndarray, np.ndarray]:
    """(pair, score) of the first of the sorted (later, earlier) ``pairs`` per later text that
    rapidfuzz scores ≥ CONFIRM_RATIO.

    ``texts_of`` gives the texts of the sorted indices it is passed, those of
    PAIRS_PER_PASS pairs at a time: only one pass's texts are held at once.
    """
    import numpy as np

    scores = np.zeros(len(pairs))
    for start in range(0, len(pairs), PAIRS_PER_PASS):
        part = pairs[start : start + PAIRS_PER_PASS]
        scores[start : start + len(part)] = _scores(texts_of(np.unique(part)), part)
    return _earliest(pairs, scores)


def _compacted(table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``table[rows]`` for ascending ``rows``, moved to the front of ``table`` in place: no
    second copy of a table of a million sketches."""
    for start in range(0, len(rows), CHUNK_TEXTS):
        chunk = rows[start : start + CHUNK_TEXTS]
        # rows[i] >= i: a chunk reads only rows no earlier chunk has overwritten
        table[start : start + len(chunk)] = table[chunk]
    return table[: len(rows)]


def _mapped(shape: tuple[int, int], dtype: type) -> np.ndarray:
    """A zeroed array in a private anonymous memory map of its own, so ``release_rows`` can
    give it back to the system a slice at a time (numpy's own memory goes back only whole)."""
    import mmap

    import numpy as np

    itemsize = np.dtype(dtype).itemsize
    size = max(shape[0] * shape[1], 1) * itemsize
    mapping = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    return np.frombuffer(mapping, dtype=dtype, count=shape[0] * shape[1]).reshape(shape)


def release_rows(table: np.ndarray, start: int, stop: int) -> None:
    """Give the memory pages wholly inside rows [start, stop) of ``table`` back to the
    system, for a caller done with them: they read as zeros afterwards.

    Only an array of ``_mapped`` memory (``sketch_slices``'s sketches) has pages of its
    own; for any other this does nothing. Writing a million sketches to DuckDB while
    they are released slice by slice spares ~0.3 GB at the end of the write.
    """
    import mmap

    import numpy as np

    base = table
    while isinstance(base, np.ndarray):
        base = base.base
    mapping = base.obj if isinstance(base, memoryview) else base
    if not isinstance(mapping, mmap.mmap) or not hasattr(mapping, "madvise") or stop <= start:
        return
    origin = np.frombuffer(mapping, dtype=np.uint8).ctypes.data
    first = table.ctypes.data + int(start) * table.strides[0] - origin
    last = table.ctypes.data + int(stop) * table.strides[0] - origin
    first = -(-first // mmap.PAGESIZE) * mmap.PAGESIZE
    last = last // mmap.PAGESIZE * mmap.PAGESIZE
    if last > first:
        mapping.madvise(mmap.MADV_DONTNEED, first, last - first)


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
