"""The theme classifier: TF-IDF features, a level-1 and a level-2 linear model.

Two models rather than one over level-2 classes: level 1 is what the counts
use, and it has far more rows per class; level 2 is then the most probable
level-2 class *within* the predicted level 1, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqmy_etl.themes.features import CharNgramTfidf
from sqmy_etl.themes.labels import Label, has_l2, l1_of_key, l2_key


@dataclass(frozen=True)
class Suggestion:
    theme_l1: str
    theme_l2: str | None
    confidence: float


def _linear_model() -> Any:
    """Modified-Huber SGD, one-vs-rest over both cores: a linear SVM-like model that
    trains 100k rows in seconds."""
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="modified_huber", alpha=1e-5, max_iter=5, tol=None, random_state=0, n_jobs=2
    )


# the temperatures tried when calibrating on the hold-out (1 = the raw margins)
TEMPERATURES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


def _scores(model: Any, matrix: Any) -> Any:
    """Decision values, one column per class (two classes give one margin: widen it)."""
    import numpy as np

    scores = model.decision_function(matrix)
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores


def _probabilities(model: Any, matrix: Any, temperature: float) -> Any:
    """Softmax of the decision values divided by ``temperature``, one row per document.

    SGD's own ``predict_proba`` for this loss clips every margin at 1, so two
    classes both well above it tie at 0.5 and the tie is broken by class
    order; the softmax keeps the margins' ranking (the argmax is ``predict``'s),
    and the temperature, fitted on the hold-out, makes 0.9 mean about 90 %.
    """
    import numpy as np

    scores = _scores(model, matrix) / temperature
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    return weights / weights.sum(axis=1, keepdims=True)


def _temperature(model: Any, matrix: Any, truth: Sequence[str]) -> float:
    """The temperature of ``TEMPERATURES`` with the least log-loss on labelled rows."""
    import numpy as np

    index = {name: i for i, name in enumerate(model.classes_)}
    rows = [i for i, name in enumerate(truth) if name in index]
    if not rows:
        return 1.0
    scores = _scores(model, matrix[rows])
    wanted = np.array([index[truth[i]] for i in rows])

    def loss(temperature: float) -> float:
        scaled = scores / temperature
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_total = np.log(np.exp(scaled).sum(axis=1))
        return float((log_total - scaled[np.arange(len(rows)), wanted]).mean())

    return min(TEMPERATURES, key=loss)


@dataclass
class ThemeClassifier:
    features: CharNgramTfidf
    level_one: Any
    level_two: Any
    temperature_one: float = 1.0
    temperature_two: float = 1.0

    @classmethod
    def fit(
        cls, docs: Sequence[str], l1: Sequence[str], l2_rows: Sequence[int], l2: Sequence[str]
    ) -> ThemeClassifier:
        """Fit on ``docs`` labelled ``l1``; the level-2 model on the rows ``l2_rows`` only
        (those whose level 2 is known), labelled ``l2`` (level-2 classes, see labels.l2_key)."""
        features = CharNgramTfidf()
        matrix = features.fit_transform(docs)
        level_one = _linear_model().fit(matrix, list(l1))
        level_two = _linear_model().fit(matrix[list(l2_rows)], list(l2))
        return cls(features, level_one, level_two)

    def predict(self, docs: Sequence[str]) -> list[Suggestion]:
        """A suggestion per document; confidence = P(level 1) × P(level 2 | level 1)."""
        import numpy as np

        if not docs:
            return []
        matrix = self.features.transform(docs)
        p1 = _probabilities(self.level_one, matrix, self.temperature_one)
        p2 = _probabilities(self.level_two, matrix, self.temperature_two)
        l1_classes = list(self.level_one.classes_)
        l2_parent = np.array([l1_of_key(k) for k in self.level_two.classes_])
        best1 = p1.argmax(axis=1)
        out = []
        for row, index in enumerate(best1):
            l1 = str(l1_classes[index])
            inside = np.where(l2_parent == l1, p2[row], 0.0)
            total = inside.sum()
            key = self.level_two.classes_[int(inside.argmax())] if total > 0 else l1
            share = float(inside.max() / total) if total > 0 else 1.0
            l2 = None if key == l1 else str(key)
            out.append(Suggestion(l1, l2, round(float(p1[row, index]) * share, 4)))
        return out

    def calibrate(self, docs: Sequence[str], labels: Sequence[Label]) -> None:
        """Fit each level's temperature on held-out rows (the predictions do not change,
        only how confident they say they are)."""
        if not docs:
            return
        matrix = self.features.transform(docs)
        self.temperature_one = _temperature(self.level_one, matrix, [label[0] for label in labels])
        rows = [i for i, label in enumerate(labels) if has_l2(label)]
        if rows:
            two = [l2_key(labels[i]) for i in rows]
            self.temperature_two = _temperature(self.level_two, matrix[rows], two)

    def labels(self, docs: Sequence[str]) -> list[Label]:
        """The predicted (level 1, level 2) of each document."""
        return [(s.theme_l1, s.theme_l2) for s in self.predict(docs)]
