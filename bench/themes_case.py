"""`make bench`, themes section (CONTRACT §6, issue 14): classifier quality, speed, hot topics.

Run by bench/run.py as its own process (``python bench/themes_case.py``); prints one
JSON object. Everything is measured on the generator's themed corpus
(``synth.topics``), messy as ledgers are (blank / 未分类 / aliases / wrong themes,
borrowed vocabulary, bodiless titles):

- train on 100k submissions of 2020 (the labels as clerks wrote them), time it;
- score on 10k submissions of 2021, a year it never saw, against the generator's
  truth — every row, the blank and 未分类 ones included — beside the keyword
  baseline on the same rows;
- suggest for those 10k, time it (features + both models; no warehouse);
- hot topics: an office's year (1 005 background submissions + the planted ones),
  per month: a planted topic is recovered when one found topic holds at least
  two thirds of its members and is at least two thirds made of them. The
  generator's standard problems recur, and one raised 4+ times in a month by
  several units is a hot topic by the definition: its truth lists those as
  natural hot topics. A found topic matching neither kind is spurious.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqmy_etl.synth.topics import themed_corpus
from sqmy_etl.themes.baseline import keyword_labels
from sqmy_etl.themes.features import document
from sqmy_etl.themes.hot_topics import TopicText, find_hot_topics
from sqmy_etl.themes.labels import parse_theme
from sqmy_etl.themes.train import LabelledText, fit, score

TRAIN_ROWS = 100_000
TEST_ROWS = 10_000
OFFICE_YEAR = 1005


def classifier() -> dict[str, float]:
    train_rows, _ = themed_corpus(2020, 1, TRAIN_ROWS)
    labelled = [
        LabelledText(
            r["submission_id"], r["received_date"], document(r["title"], r["content"]), label
        )
        for r in train_rows
        if (label := parse_theme(r["theme_written"])) is not None
    ]
    started = time.perf_counter()
    model = fit(labelled)
    train_s = time.perf_counter() - started
    test_rows, _ = themed_corpus(2021, 2, TEST_ROWS)
    test_rows = test_rows[:TEST_ROWS]
    truth = [(r["true_l1"], r["true_l2"]) for r in test_rows]
    started = time.perf_counter()
    docs = [document(r["title"], r["content"]) for r in test_rows]
    predicted = model.labels(docs)
    suggest_s = time.perf_counter() - started
    ours, baseline = score(predicted, truth), score(keyword_labels(docs), truth)
    return {
        "train_rows": len(labelled),
        "train_s": round(train_s, 2),
        "suggest_rows": len(docs),
        "suggest_s": round(suggest_s, 2),
        "macro_f1_l1": ours["macro_f1_l1"],
        "macro_f1_l2": ours["macro_f1_l2"],
        "baseline_macro_f1_l1": baseline["macro_f1_l1"],
        "baseline_macro_f1_l2": baseline["macro_f1_l2"],
    }


def _matches(found: set[str], wanted: set[str]) -> bool:
    """Two thirds of the wanted members found, and two thirds of the found ones wanted."""
    common = len(found & wanted)
    return common >= 2 / 3 * len(wanted) and common >= 2 / 3 * len(found)


def hot_topics() -> dict[str, float]:
    rows, truth = themed_corpus(2021, 3, OFFICE_YEAR)
    planted = [set(t["submission_ids"]) for t in truth["hot_topics"]]
    natural = [set(t["submission_ids"]) for t in truth["natural_hot_topics"]]
    texts = [
        TopicText(
            r["submission_id"], r["received_date"], r["title"], r["content"], r["unit"], r["region"]
        )
        for r in rows
    ]
    found = [set(t.submission_ids) for t in find_hot_topics(texts, ("month",))]
    spurious = sum(1 for f in found if not any(_matches(f, w) for w in planted + natural))
    return {
        "planted": len(planted),
        "natural": len(natural),
        "found": len(found),
        "recovered_share": round(
            sum(any(_matches(f, w) for f in found) for w in planted) / len(planted), 3
        ),
        "natural_recovered_share": round(
            sum(any(_matches(f, w) for f in found) for w in natural) / max(len(natural), 1), 3
        ),
        "spurious_share": round(spurious / len(found), 3) if found else 0.0,
    }


if __name__ == "__main__":
    print(json.dumps({**classifier(), **hot_topics()}))
