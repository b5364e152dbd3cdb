"""``sqmy themes train | suggest | review``: the theme tools on the command line.

Registered on the main app by ``cli.py``; the shared helpers (settings, error
exit) are taken from there inside each command, so importing this module at
``sqmy --help`` costs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

themes_app = typer.Typer(
    help="主题建议与热点：训练分类模型、为未分类来稿生成建议、导出复核表。",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@themes_app.command("train")
def train(
    min_per_class: Annotated[int, typer.Option(help="每个一级主题至少需要的已标注来稿数")] = 5,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """用已标注主题的来稿训练主题模型（留出最近几个月评估），写入 models/themes/<版本>/。"""
    from sqmy_etl.cli import _fail, _settings
    from sqmy_etl.themes.retrain import retrain
    from sqmy_etl.themes.train import TooFewLabels

    settings = _settings(verbose)
    try:
        outcome = retrain(settings, min_per_class)
    except TooFewLabels as exc:
        raise _fail(str(exc)) from exc
    typer.echo(outcome.message)


@themes_app.command("suggest")
def suggest(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """为主题空白或“未分类”的来稿生成主题建议并重算热点，然后转换、发布（建议不改变统计数）。"""
    from sqmy_etl.cli import _settings, _transform_and_publish

    settings = _settings(verbose)
    _transform_and_publish(settings)
    typer.echo("主题建议已写入 fct_theme_suggestions，热点已写入 mart_hot_topics。")


@themes_app.command("review")
def review(
    out: Annotated[Path, typer.Option("--out", help="复核表 xlsx 的路径")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """导出主题复核表：填写“确认主题”后像台账一样交付（sqmy ingest），即设定这些来稿的主题。"""
    import duckdb

    from sqmy_etl.cli import _fail, _settings
    from sqmy_etl.themes.review import review_rows, write_review_sheet

    settings = _settings(verbose)
    try:
        rows = review_rows(settings)
    except (OSError, duckdb.Error) as exc:
        raise _fail(
            f"读不到已发布的主题建议（{exc}）："
            "请先运行 `sqmy themes train`，再运行 `sqmy transform`。"
        ) from exc
    write_review_sheet(rows, out)
    typer.echo(
        f"已写出 {len(rows)} 条主题建议到 {out}：请在“确认主题”列填写后用 sqmy ingest 交付。"
    )
