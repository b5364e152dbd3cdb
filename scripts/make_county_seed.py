"""Write dbt/seeds/county_regions.csv: every county-level unit of Inner Mongolia → its 盟市.

Ledgers name a 旗, 县, 区 or 县级市 where the contract expects a 盟市
(`满洲里市`, `准格尔旗`); dbt maps them through this seed. The list is not
typed by hand: it is read from the GB/T 2260 table that the PyPI package
``cpca`` ships (``cpca/resources/adcodes.csv``: 12-digit codes, names), pinned
in the ``seeds`` dependency group of pyproject.toml. Nothing at run time needs
the package, only this script.

Rerun after bumping the pinned ``cpca`` (or to check the committed seed)::

    uv run --group seeds python scripts/make_county_seed.py

A county-level unit is a code 15xxyy with xx ≠ 00 and yy ≠ 00 that is not a
``市辖区`` placeholder; its 盟市 is 15xx00, which must be one of
dbt/seeds/regions.csv. The script stops, writing nothing, when one is not.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from importlib import metadata
from pathlib import Path

PACKAGE = "cpca"
PACKAGE_TABLE = "cpca/resources/adcodes.csv"
PROVINCE_PREFIX = "15"  # 内蒙古自治区
PLACEHOLDER = "市辖区"  # GB/T 2260 lists one under each 市; it is not a place
SEEDS = Path(__file__).resolve().parent.parent / "dbt" / "seeds"
COLUMNS = ("county_code", "county_name", "region_code")


def package_rows() -> list[dict[str, str]]:
    """The package's GB/T 2260 table, read as a file (importing cpca would load pandas)."""
    table = Path(str(metadata.distribution(PACKAGE).locate_file(PACKAGE_TABLE)))
    with table.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def is_county(code: str, name: str) -> bool:
    """A county-level unit of the province: neither the province, a 盟市, nor a 市辖区."""
    return (
        code.startswith(PROVINCE_PREFIX)
        and code[2:4] != "00"
        and code[4:6] != "00"
        and name != PLACEHOLDER
    )


def county_rows(rows: list[dict[str, str]], region_codes: set[str]) -> list[tuple[str, str, str]]:
    """(county_code, county_name, region_code) in code order; each 盟市 must be a known region."""
    counties = {}
    for row in rows:
        code, name = row["adcode"][:6], row["name"].strip()
        if is_county(code, name):
            counties[code] = (code, name, f"{code[:4]}00")
    strays = sorted(code for code, _, region in counties.values() if region not in region_codes)
    if strays:
        sys.exit(f"县级代码所属盟市不在 regions.csv 中：{strays} / unknown 盟市 for county codes")
    return sorted(counties.values())


def region_codes() -> set[str]:
    """The 盟市 codes of dbt/seeds/regions.csv."""
    with (SEEDS / "regions.csv").open(encoding="utf-8", newline="") as fh:
        return {row["region_code"] for row in csv.DictReader(fh)}


def write_seed(counties: list[tuple[str, str, str]], path: Path) -> None:
    """The seed CSV, UTF-8 with LF line ends like the other seeds."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(counties)


def main() -> None:
    """Read the package's table, write the seed, print what it holds."""
    counties = county_rows(package_rows(), region_codes())
    path = SEEDS / "county_regions.csv"
    write_seed(counties, path)
    per_region = Counter(region for _, _, region in counties)
    print(
        f"{path.name}: {len(counties)} 个县级单位，{len(per_region)} 个盟市"
        f"（{PACKAGE} {metadata.version(PACKAGE)}）/ {len(counties)} county-level units"
    )
    for region, count in sorted(per_region.items()):
        print(f"  {region}: {count}")


if __name__ == "__main__":
    main()
