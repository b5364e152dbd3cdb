#!/usr/bin/env bash
# Run dbt Labs' dbt-project-evaluator on a scratch copy of dbt/ and fail when
# any of its rules fails.
#
#   scripts/run_project_evaluator.sh EVALUATOR_DIR DBT_UTILS_DIR
#   (or DBT_PROJECT_EVALUATOR_DIR=… DBT_UTILS_DIR=… scripts/run_project_evaluator.sh)
#
# The two directories are checkouts of github.com/dbt-labs/dbt-project-evaluator
# (1.3.x) and github.com/dbt-labs/dbt-utils (1.x): there is no package hub here,
# and the packages never become part of the project. The script copies dbt/ and
# both packages into a temporary directory, drops the evaluator's own
# packages.yml (it names dbt_utils on the hub; the local copy stands in), makes
# dbt/dbt_project_evaluator_exceptions.csv (rule exceptions, each with its
# reason) a seed of the copy in place of the evaluator's empty one, writes
# packages.yml with `local:` entries, runs `dbt deps` and `dbt build --select
# package:dbt_project_evaluator dbt_project_evaluator_exceptions` with failing
# rules turned into errors. The evaluator reads the project's graph, not its data,
# so it builds into a scratch DuckDB file (EVALUATOR_WAREHOUSE to choose one),
# never the warehouse. Our conventions are declared in dbt/dbt_project.yml
# (vars: dbt_project_evaluator). Exit status: 0 when every rule passes.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
evaluator_dir=${1:-${DBT_PROJECT_EVALUATOR_DIR:-}}
utils_dir=${2:-${DBT_UTILS_DIR:-}}
dbt=${DBT:-$repo/.venv/bin/dbt}
python=${PYTHON:-$repo/.venv/bin/python}

if [[ ! -f $evaluator_dir/dbt_project.yml || ! -f $utils_dir/dbt_project.yml ]]; then
    echo "用法：$0 <dbt-project-evaluator 目录> <dbt-utils 目录>（或设置 DBT_PROJECT_EVALUATOR_DIR、DBT_UTILS_DIR）" >&2
    echo "usage: $0 EVALUATOR_DIR DBT_UTILS_DIR (or DBT_PROJECT_EVALUATOR_DIR, DBT_UTILS_DIR)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sqmy-evaluator.XXXXXX")
if [[ -z ${KEEP_EVALUATOR_DIR:-} ]]; then
    trap 'rm -rf "$work"' EXIT
else
    echo "scratch project: $work"
fi

project=$work/dbt
mkdir -p "$project" "$work/packages"
tar -C "$repo/dbt" --exclude=./target --exclude=./logs --exclude=./dbt_packages \
    --exclude=./package-lock.yml -cf - . | tar -C "$project" -xf -
cp -R "$evaluator_dir" "$work/packages/dbt_project_evaluator"
cp -R "$utils_dir" "$work/packages/dbt_utils"
rm -f "$work/packages/dbt_project_evaluator/packages.yml"
# the evaluator applies exceptions only from a seed of the project itself
rm -f "$work/packages/dbt_project_evaluator/seeds/"*
cp "$repo/dbt/dbt_project_evaluator_exceptions.csv" "$project/seeds/"
cat >"$project/packages.yml" <<EOF
packages:
  - local: $work/packages/dbt_utils
  - local: $work/packages/dbt_project_evaluator
EOF

export SQMY_WAREHOUSE_PATH=${EVALUATOR_WAREHOUSE:-$work/evaluator.duckdb}
export SQMY_HOME=${SQMY_HOME:-$work/home}
cd "$project"
"$dbt" deps --profiles-dir .
status=0
"$dbt" build --profiles-dir . --target-path "$work/target" \
    --select package:dbt_project_evaluator dbt_project_evaluator_exceptions \
    --warn-error-options '{"error": ["LogTestResult"], "silence": ["PackageNodeDependsOnRootProjectNode"]}' || status=$?

if [[ $status -ne 0 ]]; then
    # the rows behind each failing rule, from the evaluator's fct_ tables
    "$python" - "$SQMY_WAREHOUSE_PATH" "$work/target/run_results.json" <<'EOF'
import json
import sys

import duckdb

results = json.load(open(sys.argv[2], encoding="utf-8"))["results"]
failed = [r["unique_id"] for r in results if r["status"] in ("fail", "error")]
con = duckdb.connect(sys.argv[1], read_only=True)
for unique_id in failed:
    name = unique_id.split(".")[2]
    # is_empty_fct_<rule>_ tests a fct_ table; valid_<x>_coverage tests fct_<x>_coverage
    fct = name.removeprefix("is_empty_").rstrip("_").replace("valid_", "fct_", 1)
    found = con.execute(
        "select table_schema from information_schema.tables where table_name = ?", [fct]
    ).fetchone()
    print(f"\n== {name}")
    if found:
        rel = con.execute(f'select * from "{found[0]}"."{fct}"')
        print("   ", [d[0] for d in rel.description])
        for row in rel.fetchall():
            print("   ", row)
EOF
    echo "dbt-project-evaluator：有规则未通过（见上）。" >&2
    echo "dbt-project-evaluator: rules failed (listed above)." >&2
fi
exit $status
