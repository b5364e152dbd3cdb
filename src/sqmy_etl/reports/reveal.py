"""Names for the 先进个人 shortlist, read from the archived ledgers (``--reveal-names``).

The warehouse and the marts know a submitter only by the keyed hash of the
name; the clear name exists only in the archived original files. Revealing
it is a deliberate act by the operator: it needs the PII key that made the
hashes (never created here: without it the request is refused), reads the
archive, and leaves an audit line naming the period, the operator and the
keys revealed — never the names.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqmy_etl import audit, pii
from sqmy_etl.config import Settings
from sqmy_etl.reports.errors import ReportError

AUDIT_FILE = "name_reveals.jsonl"


def _existing_key(settings: Settings) -> bytes:
    """The key the hashes were made with; refuse rather than create a new one."""
    if not os.environ.get(pii.KEY_ENV) and not settings.pii_key_file.exists():
        raise ReportError(
            f"无法显示姓名：未找到个人信息密钥（环境变量 {pii.KEY_ENV}"
            f" 或 {settings.pii_key_file}）。"
            "姓名只能用生成散列的同一密钥从原始台账中还原，请由掌握密钥的人员在配置密钥后重试，"
            "或去掉 --reveal-names 以人员编号生成报告"
            f" / cannot reveal names: no PII key ({pii.KEY_ENV} or {settings.pii_key_file});"
            " run with the key that made the hashes, or without --reveal-names"
        )
    try:
        return pii.load_key(settings)
    except pii.PiiKeyError as exc:
        raise ReportError(f"个人信息密钥无法使用：{exc} / the PII key cannot be used") from exc


def _archived_files(settings: Settings) -> list[Path]:
    if not settings.archive.exists():
        return []
    return sorted(p for p in settings.archive.rglob("*") if p.is_file())


def _names_in(path: Path, settings: Settings, wanted: set[str], key: bytes) -> dict[str, str]:
    from sqmy_etl.errors import FileRejected
    from sqmy_etl.ingest.readers import read_file

    found: dict[str, str] = {}
    try:
        read = read_file(path, settings.limits)
        for batch in read.batches():
            for table in batch:
                if table.kind != "submissions" or "submitter" not in table.columns:
                    continue
                column = table.columns.index("submitter")
                for row in table.rows:
                    value = row[column]
                    if isinstance(value, str) and value.strip():
                        digest = pii.pii_hash(value, key)
                        if digest in wanted:
                            found.setdefault(digest, value.strip())
    except FileRejected:
        return found
    return found


def reveal_names(settings: Settings, keys: list[str], period_label: str) -> dict[str, str]:
    """submitter key → name for ``keys``, from the archive; writes the audit line first."""
    key = _existing_key(settings)
    audit.append(
        settings,
        "reveal_names",
        file=AUDIT_FILE,
        period=period_label,
        report="evaluation",
        submitter_keys=keys,
    )
    wanted = set(keys)
    names: dict[str, str] = {}
    for path in _archived_files(settings):
        for digest, name in _names_in(path, settings, wanted - set(names), key).items():
            names.setdefault(digest, name)
        if len(names) == len(wanted):
            break
    return names
