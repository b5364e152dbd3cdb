"""Versioned model folders: ``$SQMY_HOME/models/themes/<version>/`` and a ``current`` pointer.

A version folder holds ``model.joblib`` and ``metrics.json``; the metrics name
the model file's SHA-256, checked before unpickling, so a truncated or swapped
file is refused rather than loaded (a pickle is code: only our own is read).
``current`` names the version suggestions use; a retrained model that scores
worse is kept for the record but ``current`` stays where it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqmy_etl.config import Settings
from sqmy_etl.themes.classifier import ThemeClassifier

MODEL_FILE = "model.joblib"
METRICS_FILE = "metrics.json"
CURRENT_FILE = "current"


class ModelUnavailable(RuntimeError):
    """No usable model: missing, unreadable or not what its metrics say (message in Chinese)."""


@dataclass(frozen=True)
class LoadedModel:
    version: str
    classifier: ThemeClassifier
    metrics: dict[str, Any]


def models_dir(settings: Settings) -> Path:
    return settings.home / "models" / "themes"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomic(path: Path, data: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


def save_version(
    settings: Settings, version: str, classifier: ThemeClassifier, metrics: dict[str, Any]
) -> Path:
    """Write a version folder: model first, metrics last (no metrics = unfinished)."""
    import joblib

    folder = models_dir(settings) / version
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(classifier, folder / MODEL_FILE)
    metrics = {**metrics, "version": version, "model_sha256": _sha256(folder / MODEL_FILE)}
    _write_atomic(folder / METRICS_FILE, json.dumps(metrics, ensure_ascii=False, indent=2))
    return folder


def promote(settings: Settings, version: str) -> None:
    """Make ``version`` the one suggestions use."""
    _write_atomic(models_dir(settings) / CURRENT_FILE, version + "\n")


def current_version(settings: Settings) -> str | None:
    pointer = models_dir(settings) / CURRENT_FILE
    return pointer.read_text(encoding="utf-8").strip() or None if pointer.exists() else None


def load_current(settings: Settings) -> LoadedModel:
    """The current model, or ``ModelUnavailable`` saying what is wrong and what to do."""
    import joblib

    version = current_version(settings)
    if version is None:
        raise ModelUnavailable(
            "尚无主题模型：请先运行 `sqmy themes train`（需要足够的已标注主题来稿）。"
        )
    folder = models_dir(settings) / version
    try:
        metrics = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))
        if _sha256(folder / MODEL_FILE) != metrics["model_sha256"]:
            raise ValueError("model.joblib 与 metrics.json 记录的校验值不符")
        classifier = joblib.load(folder / MODEL_FILE)
    except (
        OSError,
        ValueError,
        pickle.UnpicklingError,
        KeyError,
        TypeError,
        EOFError,
        ImportError,
        AttributeError,
    ) as exc:
        raise ModelUnavailable(
            f"主题模型 {version} 无法读取（{type(exc).__name__}: {exc}）："
            "请重新运行 `sqmy themes train`。"
        ) from exc
    if not isinstance(classifier, ThemeClassifier):
        raise ModelUnavailable(
            f"主题模型 {version} 不是本系统写出的模型：请重新运行 `sqmy themes train`。"
        )
    return LoadedModel(version, classifier, metrics)
