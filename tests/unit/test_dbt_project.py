"""The dbt project itself: contract columns, documentation, names, the manifest, SQL style."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sqmy_etl.config import PROJECT_ROOT, Settings
from sqmy_etl.transform.build import build_manifest

# CONTRACT.md §4 and §5, column for column.
CONTRACT_COLUMNS = {
    "fct_submissions": [
        "submission_id", "received_date", "region_code", "region_name", "sector", "theme_l1",
        "theme_l2", "issue_id", "is_published", "possible_duplicate_of", "submitter_hash",
        "unit_name", "theme_source",
    ],
    "fct_issues": [
        "issue_id", "issue_year", "issue_seq", "published_date", "title", "theme_l1", "theme_l2",
        "submission_count", "instruction_count", "is_instructed", "first_instruction_date",
        "days_to_first_instruction", "highest_instruction_level", "is_adopted_national",
    ],
    "fct_feedback": [
        "feedback_id", "issue_id", "feedback_type", "level", "post", "feedback_date",
        "channel", "body", "status",
    ],
    "dim_theme": ["theme_l1", "theme_l2", "is_minsheng"],
    "dim_region": ["region_code", "region_name"],
    "mart_period_summary": [
        "period_type", "period_label", "period_start", "period_end", "theme_l1",
        "submissions_received", "issues_published", "issues_instructed", "instruction_rate",
        "instructions_total", "issues_adopted_national",
    ],
    "mart_region_summary": [
        "period_type", "period_label", "period_start", "period_end", "region_code",
        "region_name", "submissions_received", "issues_published", "issues_instructed",
        "instruction_rate", "instructions_total", "issues_adopted_national",
    ],
    # CONTRACT.md §5
    "mart_lifecycle_funnel": [
        "period_type", "period_label", "period_start", "period_end", "theme_l1",
        "issues_published",
        "issues_sent_up", "issues_sent_up_rate",
        "issues_adopted_national", "issues_adopted_national_rate",
        "issues_adopted_region", "issues_adopted_region_rate",
        "issues_instructed", "issues_instructed_rate",
        "issues_instructed_national", "issues_instructed_national_rate",
        "issues_instructed_region", "issues_instructed_region_rate",
        "issues_instructed_league", "issues_instructed_league_rate",
        "issues_with_response", "issues_with_response_rate",
        "issues_response_done", "issues_response_done_rate",
        "median_days_to_first_instruction", "median_days_to_response",
    ],
    "mart_unit_scores": [
        "period_type", "period_label", "period_start", "period_end", "unit_name", "unit_type",
        "region_name", "submissions_received", "submissions_published", "issues_single",
        "issues_combined", "adoptions_national", "adoptions_region", "instructions_national",
        "instructions_region", "instructions_league", "points", "rank_overall", "rank_in_type",
        "quota", "quota_met", "is_zero_report", "grade",
    ],
    "mart_member_scores": [
        "period_type", "period_label", "period_start", "period_end", "submitter_key", "sector",
        "unit_name", "region_name", "submissions_received", "submissions_published", "points",
        "rank",
    ],
    # CONTRACT.md §6
    "fct_theme_suggestions": [
        "submission_id", "suggested_l1", "suggested_l2", "confidence", "model_version",
    ],
    "mart_hot_topics": [
        "period_type", "period_label", "topic_id", "label", "submissions", "units", "regions",
        "first_date", "last_date", "issues_published",
    ],
}  # fmt: skip
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The manifest of ``dbt parse``, written where the test says (not into dbt/target)."""
    tmp = tmp_path_factory.mktemp("manifest")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SQMY_HOME", str(tmp / "home"))
        path = build_manifest(Settings.from_env(), target_dir=tmp / "target")
    return json.loads(path.read_text("utf-8"))


def models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "sqmy"
    }


def test_marts_carry_exactly_the_contract_columns_with_enforced_types(manifest):
    """Every §4 table is a mart model whose enforced contract lists exactly the fixed columns,
    each with a data type."""
    by_name = models(manifest)
    for table, columns in CONTRACT_COLUMNS.items():
        node = by_name[table]
        assert node["config"]["contract"]["enforced"], table
        assert list(node["columns"]) == columns, table
        assert all(c["data_type"] for c in node["columns"].values()), table
    assert "dim_date" in by_name and by_name["dim_date"]["config"]["contract"]["enforced"]


def test_every_model_is_documented_in_chinese_and_english(manifest):
    """Each model description, and each mart column description, has Chinese and English text."""
    for name, node in models(manifest).items():
        texts = [node["description"]]
        if name in CONTRACT_COLUMNS:
            texts += [c["description"] for c in node["columns"].values()]
        for text in texts:
            assert HAN.search(text) and LATIN_WORD.search(text), (name, text)


def test_model_names_are_ascii_and_layered(manifest):
    """Model names are ASCII and start with their layer's prefix."""
    prefixes = {"staging": "stg_", "intermediate": "int_", "marts": ("fct_", "dim_", "mart_")}
    prefixes["quality"] = "dq_"
    for name, node in models(manifest).items():
        assert name.isascii(), name
        layer = Path(node["original_file_path"]).parts[1]
        assert name.startswith(prefixes[layer]), name


def test_keys_have_a_primary_key_test(manifest):
    """Every single-column mart key has the project's ``primary_key`` test (NULL or repeated
    fails, one scan), and no column still pays for the ``unique`` + ``not_null`` pair it
    replaces."""
    tested = {
        (node["attached_node"].split(".")[-1], node["column_name"], node["test_metadata"]["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("test_metadata") and node["attached_node"]
    }
    keys = {
        "fct_submissions": "submission_id",
        "fct_issues": "issue_id",
        "fct_feedback": "feedback_id",
        "dim_region": "region_code",
        "dim_date": "date_day",
    }
    for model, column in keys.items():
        assert (model, column, "primary_key") in tested, model
    both = {
        (model, column)
        for model, column, name in tested
        if name == "unique" and (model, column, "not_null") in tested
    }
    assert both == set()


def test_sql_models_pass_sqlfluff():
    """``sqlfluff lint dbt/models`` with the repository's .sqlfluff finds nothing."""
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    done = subprocess.run(
        [str(sqlfluff), "lint", "dbt/models", "--processes", "2", "--nofail", "--format", "json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    violations = [
        (f["filepath"], v["code"], v["description"])
        for f in json.loads(done.stdout)
        for v in f["violations"]
    ]
    assert violations == []
