"""Scores of a theme model on a hold-out: macro-F1 per level and per-class P/R/F1."""

from __future__ import annotations

from collections.abc import Sequence


def macro_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean F1 over the classes present in ``truth`` (a class the hold-out
    lacks cannot be scored; one the model invents still costs precision)."""
    from sklearn.metrics import f1_score

    if not truth:
        return 0.0
    return float(
        f1_score(truth, predicted, labels=sorted(set(truth)), average="macro", zero_division=0)
    )


def per_class(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, float | int]]:
    """class → precision, recall, f1 and support (rows of that class in ``truth``)."""
    from sklearn.metrics import precision_recall_fscore_support

    classes = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=classes, zero_division=0
    )
    return {
        name: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for name, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
    }
