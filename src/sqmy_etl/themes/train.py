"""Train the theme classifier on the themes clerks gave, hold out the latest months,
score it against the keyword baseline, and keep it only when it is not worse.

The hold-out is by time, not random: a model is used on next month's
submissions, so it is scored on the latest months it never saw.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqmy_etl.config import Settings
from sqmy_etl.themes import store
from sqmy_etl.themes.baseline import keyword_labels
from sqmy_etl.themes.classifier import ThemeClassifier
from sqmy_etl.themes.labels import Label, has_l2, l2_key
from sqmy_etl.themes.metrics import macro_f1, per_class

log = logging.getLogger(__name__)

MIN_PER_CLASS = 5
MIN_ROWS = 50
HOLDOUT_SHARE = 0.2


@dataclass(frozen=True)
class LabelledText:
    submission_id: str
    received_date: date
    text: str  # features.document(title, content)
    label: Label


class TooFewLabels(ValueError):
    """Not enough labelled rows to train: the message (Chinese) names classes and counts."""


@dataclass(frozen=True)
class TrainOutcome:
    version: str
    promoted: bool
    metrics: dict[str, Any]
    message: str


def check_labels(
    rows: Sequence[LabelledText], min_per_class: int = MIN_PER_CLASS, min_rows: int = MIN_ROWS
) -> None:
    """Raise ``TooFewLabels`` when there are fewer than ``min_rows`` labelled rows or a level-1
    class has fewer than ``min_per_class`` (level-2 classes that rare are left to level 1)."""
    counts = Counter(r.label[0] for r in rows)
    if len(rows) < min_rows:
        detail = "、".join(f"{name} {n} 篇" for name, n in counts.most_common()) or "无"
        raise TooFewLabels(
            f"已标注主题的来稿只有 {len(rows)} 篇（至少需要 {min_rows} 篇），未训练、未写出模型。"
            f"各主题：{detail}。请先补录主题，或用 `sqmy themes review` 确认一批后再训练。"
        )
    rare = sorted((n, name) for name, n in counts.items() if n < min_per_class)
    if len(counts) < 2 or rare:
        detail = (
            "、".join(f"{name} {n} 篇" for n, name in rare)
            or f"只有一个主题（{next(iter(counts))}）"
        )
        raise TooFewLabels(
            f"以下主题的已标注来稿太少（每类至少需要 {min_per_class} 篇）：{detail}。"
            "未训练、未写出模型。请补录这些主题的来稿后再训练。"
        )


def holdout_split(
    dates: Sequence[date], share: float = HOLDOUT_SHARE
) -> tuple[list[int], list[int], str]:
    """(train rows, test rows, first held-out month): the latest whole months holding about
    ``share`` of the rows, always leaving at least one month to train on."""
    months = sorted({d.strftime("%Y-%m") for d in dates})
    per_month = Counter(d.strftime("%Y-%m") for d in dates)
    held: list[str] = []
    for month in reversed(months[1:]):
        if sum(per_month[m] for m in held) >= share * len(dates):
            break
        held.append(month)
    held_set = set(held)
    train = [i for i, d in enumerate(dates) if d.strftime("%Y-%m") not in held_set]
    test = [i for i, d in enumerate(dates) if d.strftime("%Y-%m") in held_set]
    return train, test, min(held) if held else ""


def data_hash(rows: Sequence[LabelledText]) -> str:
    """SHA-256 of the training data (ids, dates, texts, labels), independent of row order."""
    digest = hashlib.sha256()
    for line in sorted(
        f"{r.submission_id}\t{r.received_date}\t{r.label[0]}\t{r.label[1] or ''}\t{r.text}"
        for r in rows
    ):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()


def fit(rows: Sequence[LabelledText]) -> ThemeClassifier:
    """A classifier fitted on every row given (level 2 on the rows that know it)."""
    l2_rows = [i for i, r in enumerate(rows) if has_l2(r.label)]
    return ThemeClassifier.fit(
        [r.text for r in rows],
        [r.label[0] for r in rows],
        l2_rows,
        [l2_key(rows[i].label) for i in l2_rows],
    )


def score(predicted: Sequence[Label], truth: Sequence[Label]) -> dict[str, Any]:
    """Macro-F1 per level and per-class scores of ``predicted`` against ``truth``."""
    both = [i for i, t in enumerate(truth) if has_l2(t)]
    t1, p1 = [t[0] for t in truth], [p[0] for p in predicted]
    t2, p2 = [l2_key(truth[i]) for i in both], [l2_key(predicted[i]) for i in both]
    return {
        "macro_f1_l1": round(macro_f1(t1, p1), 4),
        "macro_f1_l2": round(macro_f1(t2, p2), 4),
        "per_class": {"l1": per_class(t1, p1), "l2": per_class(t2, p2)},
    }


def _previous_score(
    settings: Settings, test: Sequence[LabelledText]
) -> tuple[str, dict[str, Any]] | None:
    """The current model's scores on this hold-out, or None when there is no usable one."""
    try:
        previous = store.load_current(settings)
    except store.ModelUnavailable:
        return None
    return previous.version, score(
        previous.classifier.labels([r.text for r in test]), [r.label for r in test]
    )


def train_and_store(
    settings: Settings, rows: Sequence[LabelledText], min_per_class: int = MIN_PER_CLASS
) -> TrainOutcome:
    """Check, split by time, fit, score against the baseline and the current model, write the
    version folder, and promote it unless the current model scores better on the same hold-out."""
    import time

    check_labels(rows, min_per_class)
    train_idx, test_idx, holdout_from = holdout_split([r.received_date for r in rows])
    train_rows = [rows[i] for i in train_idx]
    test_rows = [rows[i] for i in test_idx]
    check_labels(train_rows, min_per_class, min_rows=1)
    started = time.perf_counter()
    classifier = fit(train_rows)
    seconds = time.perf_counter() - started
    truth = [r.label for r in test_rows]
    classifier.calibrate([r.text for r in test_rows], truth)
    model = score(classifier.labels([r.text for r in test_rows]), truth)
    baseline = score(keyword_labels([r.text for r in test_rows]), truth)
    metrics: dict[str, Any] = {
        **model,
        "baseline_macro_f1_l1": baseline["macro_f1_l1"],
        "baseline_macro_f1_l2": baseline["macro_f1_l2"],
        "train_rows": len(train_rows),
        "test_rows": len(test_rows),
        "holdout_from_month": holdout_from,
        "training_data_sha256": data_hash(rows),
        "train_seconds": round(seconds, 2),
        "temperatures": [classifier.temperature_one, classifier.temperature_two],
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    previous = _previous_score(settings, test_rows)
    better = previous is None or (
        model["macro_f1_l1"] + model["macro_f1_l2"]
        >= previous[1]["macro_f1_l1"] + previous[1]["macro_f1_l2"]
    )
    if previous is not None:
        metrics["previous"] = {
            "version": previous[0],
            **{k: previous[1][k] for k in ("macro_f1_l1", "macro_f1_l2")},
        }
    version = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{metrics['training_data_sha256'][:8]}"
    metrics["promoted"] = better
    store.save_version(settings, version, classifier, metrics)
    summary = (
        f"主题模型 {version}：一级 macro-F1 {model['macro_f1_l1']:.3f}"
        f"（关键词基线 {baseline['macro_f1_l1']:.3f}），"
        f"二级 {model['macro_f1_l2']:.3f}（基线 {baseline['macro_f1_l2']:.3f}）；"
        f"训练 {len(train_rows)} 篇，"
        f"留出 {holdout_from} 起 {len(test_rows)} 篇。"
    )
    if better:
        store.promote(settings, version)
        message = summary + "已启用。"
    else:
        message = (
            summary + f"在同一留出集上不如当前模型 {previous[0]}"
            f"（一级 {previous[1]['macro_f1_l1']:.3f}，二级 {previous[1]['macro_f1_l2']:.3f}），"
            "保留当前模型。"
        )
    log.info("%s", message)
    return TrainOutcome(version, better, metrics, message)
