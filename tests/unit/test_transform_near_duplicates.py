"""Near-duplicate submissions: re-sent text is flagged against the earlier one, nothing else."""

from __future__ import annotations

import mmap
import re
import sys
import unicodedata
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from sqmy_etl.transform import near_duplicates as nd
from sqmy_etl.transform.near_duplicates import (
    CONFIRM_RATIO,
    NearDuplicate,
    Submission,
    confirmed,
    find_near_duplicates,
    may_reach_cutoff,
    normalise,
    search,
    sketch_slices,
)

ORIGINAL = "锡林郭勒盟部分嘎查牧民反映草原生态补奖资金发放不及时，建议简化审核流程并按季度发放。"
RETYPED = "锡林郭勒盟部分嘎查牧民反映草原生态补奖资金发放不及时, 建议简化审核流程并按季度发放."
OTHER = "乌海市部分工业园区周边道路扬尘污染较重，建议增加洒水频次并加强渣土车辆管理。"
HALF_CHANGED = "锡林郭勒盟部分嘎查牧民反映牧区道路养护资金落实不到位，建议加快农村公路改造进度。"


def sub(submission_id: str, day: int, content: str | None) -> Submission:
    return Submission(submission_id, date(2021, 3, day), content)


def test_retyped_copy_points_to_the_earlier_submission():
    """Full-width vs half-width punctuation and spaces do not hide a copy; the later is flagged."""
    found = find_near_duplicates([sub("B", 5, RETYPED), sub("A", 9, ORIGINAL)])
    assert [(d.submission_id, d.possible_duplicate_of) for d in found] == [("A", "B")]
    assert found[0].similarity >= 0.9


def test_same_day_tie_goes_to_the_smaller_id():
    """Identical texts received the same day: the smaller id is the original, similarity 1."""
    found = find_near_duplicates([sub("X2", 1, ORIGINAL), sub("X1", 1, ORIGINAL)])
    assert found == [NearDuplicate("X2", "X1", 1.0)]


def test_every_later_copy_points_to_the_first_of_the_cluster():
    """Three copies: the second and third both point to the earliest."""
    found = find_near_duplicates(
        [sub("C", 3, ORIGINAL), sub("B", 2, RETYPED), sub("A", 1, ORIGINAL)]
    )
    assert sorted((d.submission_id, d.possible_duplicate_of) for d in found) == [
        ("B", "A"),
        ("C", "A"),
    ]


def test_different_short_or_missing_texts_are_not_flagged():
    """Unrelated texts, a shared opening phrase, very short texts and no content: none flagged."""
    found = find_near_duplicates(
        [
            sub("A", 1, ORIGINAL),
            sub("B", 2, OTHER),
            sub("C", 3, HALF_CHANGED),
            sub("D", 4, "同上"),
            sub("E", 5, "同上"),
            sub("F", 6, None),
            sub("G", 7, None),
        ]
    )
    assert found == []


def test_a_band_collision_whose_signatures_disagree_is_no_match():
    """These two cuts of ORIGINAL share one band key but only 38 of 64 signature values: not
    a candidate, although rapidfuzz would score them 90.9. (An LSH collision with no
    agreeing pair once crashed the search.)"""
    found = find_near_duplicates(
        [
            sub(
                "A",
                1,
                "锡林郭勒盟分嘎查牧民反映草原生补奖资金发放不及，建议简化审核流程并按季度发放。",
            ),
            sub(
                "B",
                2,
                "锡林勒盟部分嘎查牧民反映草生态补奖资发放不及时，建议简化审核流并按季度发放。",
            ),
        ]
    )
    assert found == []


# a small alphabet makes pairs near the cutoff common; "甲" repeated past 255 times
# overflows a count bucket, which must keep the pair rather than bound it
near_texts = st.text(alphabet="草原生态补奖资金发放甲乙", min_size=12, max_size=80) | st.builds(
    lambda n: "甲" * n + "草原", st.integers(250, 300)
)


def copy_of(base: str, edits: list[tuple[int, str]]) -> str:
    chars = list(base)
    for position, char in edits:
        chars[position % len(chars)] = char
    return "".join(chars)


@settings(max_examples=300, deadline=None)
@given(
    base=near_texts,
    edits=st.lists(
        st.tuples(st.integers(0, 400), st.sampled_from(["", "乙", "草", "x"])), max_size=12
    ),
    other=near_texts,
)
def test_the_count_bound_never_drops_a_pair_rapidfuzz_would_confirm(
    base: str, edits: list[tuple[int, str]], other: str
) -> None:
    """rapidfuzz itself is the judge: every pair it scores ≥ CONFIRM_RATIO is kept."""
    texts = [base, copy_of(base, edits), other]
    pairs = np.array([[1, 0], [2, 0], [2, 1]])
    kept = may_reach_cutoff(texts, pairs)
    for (later, earlier), keep in zip(pairs.tolist(), kept.tolist(), strict=True):
        if fuzz.ratio(texts[later], texts[earlier]) >= CONFIRM_RATIO:
            assert keep, (texts[later], texts[earlier])


def test_the_count_bound_drops_texts_too_different_to_match():
    """Same length, same opening, other characters after it: no ratio of 90 is possible."""
    texts = [ORIGINAL, HALF_CHANGED, RETYPED]
    assert fuzz.ratio(ORIGINAL, HALF_CHANGED) < CONFIRM_RATIO
    pairs = np.array([[1, 0], [2, 0]])
    assert may_reach_cutoff(texts, pairs).tolist() == [False, True]


def test_normalise_drops_exactly_the_whitespace_of_the_regex_definition():
    """Every code point, a run at a time: the same as NFKC, ``\\s+`` removed, case-folded."""
    space = re.compile(r"\s+")
    for start in range(0, sys.maxunicode + 1, 4096):
        run = "".join(map(chr, range(start, min(start + 4096, sys.maxunicode + 1))))
        expected = space.sub("", unicodedata.normalize("NFKC", run)).casefold()
        assert normalise(run) == expected, hex(start)


# originals, copies of them with a few edits, and texts too short to sketch, in any order
streamed_texts = st.tuples(
    st.lists(near_texts, min_size=1, max_size=6),
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.lists(st.tuples(st.integers(0, 400), st.sampled_from(["", "乙", "x"])), max_size=6),
        ),
        max_size=14,
    ),
    st.lists(st.text(alphabet="草原甲乙", max_size=11), max_size=5),
).flatmap(
    lambda parts: st.permutations(
        parts[0] + [copy_of(parts[0][i % len(parts[0])], edits) for i, edits in parts[1]] + parts[2]
    )
)


@settings(max_examples=150, deadline=None)
@given(
    texts=streamed_texts,
    slice_rows=st.integers(1, 7),
    chunk=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_texts_sketched_a_slice_at_a_time_give_the_answer_of_the_whole_list(
    texts: list[str], slice_rows: int, chunk: int, seed: int
) -> None:
    """Texts arriving in shuffled slices, hashed a few at a time, then confirmed a few pairs
    at a time with only the texts those involve: the same sketches, pairs and scores as
    ``search`` over the whole list."""
    expected_sketches, expected_pairs, expected_scores = search(texts)
    places = np.random.default_rng(seed).permutation(len(texts))
    slices = [
        (places[start : start + slice_rows], [texts[i] for i in places[start : start + slice_rows]])
        for start in range(0, len(texts), slice_rows)
    ]

    def texts_of(indices: np.ndarray) -> dict[int, str]:
        return {i: texts[i] for i in indices.tolist()}

    with pytest.MonkeyPatch.context() as patch:
        # small chunks, gathers and passes: every boundary inside a slice is crossed too
        patch.setattr(nd, "CHUNK_TEXTS", chunk)
        patch.setattr(nd, "GATHER_PAIRS", chunk)
        patch.setattr(nd, "PAIRS_PER_PASS", chunk)
        sketches, pairs = sketch_slices(len(texts), slices)
        pairs, scores = confirmed(pairs, texts_of)
    assert sketches.rows.tolist() == expected_sketches.rows.tolist()
    assert sketches.signatures.tolist() == expected_sketches.signatures.tolist()
    assert sketches.keys.tolist() == expected_sketches.keys.tolist()
    assert pairs.tolist() == expected_pairs.tolist()
    assert scores.tolist() == expected_scores.tolist()


def test_slices_that_miss_a_text_are_refused() -> None:
    """A place no slice filled would be sketched from uninitialised memory: an error instead."""
    with pytest.raises(ValueError, match="every position"):
        sketch_slices(3, [(np.array([0, 2]), [ORIGINAL, RETYPED])])


def test_released_sketch_rows_give_back_whole_pages_and_nothing_else() -> None:
    """Rows released from ``sketch_slices``'s signatures read as zeros where their pages lie
    wholly inside the range; the rows around them keep their values. A plain numpy array is
    left alone."""
    texts = [f"{ORIGINAL}{i}" for i in range(300)]
    sketches, _ = sketch_slices(len(texts), [(np.arange(len(texts)), texts)])
    before = sketches.signatures.copy()
    assert before.all(), "a signature value of 0 would hide a released row"
    rows_per_page = mmap.PAGESIZE // sketches.signatures.strides[0]
    start, stop = rows_per_page + 3, 6 * rows_per_page + 5
    nd.release_rows(sketches.signatures, start, stop)
    zero = np.flatnonzero((sketches.signatures == 0).all(axis=1)).tolist()
    assert zero == list(range(2 * rows_per_page, 6 * rows_per_page))
    kept = np.ones(len(texts), dtype=bool)
    kept[zero] = False
    assert (sketches.signatures[kept] == before[kept]).all()
    plain = before.copy()
    nd.release_rows(plain, 0, len(plain))
    assert (plain == before).all()
