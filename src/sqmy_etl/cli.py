"""The `sqmy` command line (CONTRACT.md §2).

A thin shell over the package: each command resolves Settings, calls one
function and prints. Heavy modules are imported inside the commands so that
`sqmy --help` stays instant.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sqmy_etl.config import Settings
from sqmy_etl.logs import LazyConsole, configure_logging, stderr_console
from sqmy_etl.themes.commands import themes_app

if TYPE_CHECKING:
    from sqmy_etl.ingest.results import FileResult, IngestReport, ProgressHook

app = typer.Typer(
    help="sqmy-etl：社情民意信息台账 → 数据集市 → 领导报告。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help: typer's rich help imports rich.markdown + markdown_it, most of `--help`'s time
    rich_markup_mode=None,
)
quarantine_app = typer.Typer(
    help="隔离区：被拦下的数据行及原因。", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(quarantine_app, name="quarantine")
lake_app = typer.Typer(
    help="数据湖（SQMY_WAREHOUSE=ducklake）：多处同时写入。",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(lake_app, name="lake")
app.add_typer(themes_app, name="themes")
stdout = LazyConsole()

EXIT_REJECTED = 2
RUN_WAIT_EXTRA_S = 10.0  # `sqmy run` waits up to the settle time plus this for fresh copies


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class LedgerFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"


class CsvEncoding(StrEnum):
    utf8 = "utf-8"
    gb18030 = "gb18030"


def _settings(verbose: bool = False) -> Settings:
    settings = Settings.from_env()
    settings.ensure_dirs()
    configure_logging(settings, verbose)
    return settings


def _fail(message: str, code: int = 1) -> typer.Exit:
    stderr_console.print(f"[bold red]错误 / error:[/] {message}", markup=True, highlight=False)
    return typer.Exit(code)


@app.command()
def generate(
    year: Annotated[int, typer.Option(help="台账年份")] = 2021,
    out: Annotated[
        Path | None, typer.Option(help="输出目录（默认 $SQMY_HOME/generated/<year>）")
    ] = None,
    format: Annotated[LedgerFormat | None, typer.Option(help="全部台账使用同一格式")] = None,
    encoding: Annotated[CsvEncoding, typer.Option(help="CSV 编码")] = CsvEncoding.utf8,
    seed: Annotated[int, typer.Option(help="随机种子")] = 2021,
    scale: Annotated[float, typer.Option(help="数据量倍数（1 = 1005 篇来稿）")] = 1.0,
    messy: Annotated[bool, typer.Option(help="加入同义表头、别名、重复与坏行")] = False,
) -> None:
    """生成按 2021 年数据校准的合成台账（OUT/ledgers/）与 truth.json（预期数字）。"""
    from sqmy_etl.synth import generate_ledgers

    settings = _settings()
    target = out or settings.home / "generated" / str(year)
    truth = generate_ledgers(
        year,
        target,
        fmt=format.value if format else None,
        encoding=encoding.value,
        seed=seed,
        scale=scale,
        messy=messy,
    )
    from sqmy_etl.synth.generate import LEDGERS_DIR

    stderr_console.print(f"truth: {truth}", highlight=False)
    stdout.print(str(truth.parent / LEDGERS_DIR), highlight=False)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="文件或目录", exists=True)],
    encoding: Annotated[
        str | None,
        typer.Option(help="强制按此编码读取 CSV/JSON（如 big5、utf-16），默认自动识别"),
    ] = None,
    replaces: Annotated[
        tuple[str, Path] | None,
        typer.Option(
            "--replaces",
            metavar="OLD NEW",
            help="声明 NEW 替换先前交付的 OLD（文件、文件名或 SHA-256 前缀）："
            "OLD 中 NEW 没有的行不再计数",
        ),
    ] = None,
    no_replace: Annotated[
        bool, typer.Option("--no-replace", help="不自动替换同名（仅版本标记不同）的先前交付")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """载入台账文件（同一次调用内按修改时间先后）；有文件被拒收时退出码为 2。"""
    import os

    from sqmy_etl.ingest.deliveries import DeliveryNotFound
    from sqmy_etl.ingest.load import ReplaceOptions, ingest_paths

    settings = _settings(verbose)
    if encoding is not None:
        from sqmy_etl.errors import FileRejected
        from sqmy_etl.ingest.readers.text import check_encoding_name

        try:
            check_encoding_name(encoding)
        except FileRejected as exc:
            raise _fail(exc.reason) from exc
    declared: dict[Path, str] = {}
    if replaces is not None:
        old, new = replaces
        if not new.is_file():
            raise _fail(f"--replaces 的 NEW 必须是本次载入的文件 / NEW must be a file: {new}")
        declared[Path(os.path.abspath(new))] = old
        if new not in paths:
            paths = [*paths, new]
    options = ReplaceOptions(automatic=not no_replace, declared=declared)
    try:
        with _IngestProgress() as progress:
            report = ingest_paths(
                settings, list(paths), encoding=encoding, replace=options, progress=progress
            )
    except DeliveryNotFound as exc:
        raise _fail(str(exc)) from exc
    _print_ingest(report)
    if any(r.status == "rejected" for r in report.files):
        raise typer.Exit(EXIT_REJECTED)


_STATUS_TEXT = {
    "loaded": "已载入 loaded",
    "skipped_duplicate": "跳过（已载入过）skipped",
    "redelivered": "重新计数 redelivered",
    "rejected": "拒收 rejected",
}
_KIND_TEXT = {
    "submissions": "来稿",
    "issues": "编发",
    "feedback": "批示/采用",
    "theme_reviews": "主题复核",
}


def _file_rows(result: FileResult) -> list[tuple[str, ...]]:
    """One summary line for the file, then one per table (sheet) it held."""
    note = result.reason or ""
    if result.replaced:
        note = f"替换 {result.replaced} / replaces {result.replaced}"
    elif result.replaced_by:
        note = f"已被更晚交付的 {result.replaced_by} 替换 / replaced by {result.replaced_by}"
    rows = [
        (
            result.name,
            "",
            _STATUS_TEXT.get(result.status, result.status),
            str(result.total_loaded),
            str(result.rows_quarantined),
            str(result.rows_skipped),
            note,
        )
    ]
    for table in result.tables:
        rows.append(
            (
                "",
                f"{table.sheet or '(全文件)'} → {_KIND_TEXT[table.kind]} {table.kind}",
                "",
                str(table.loaded),
                str(table.quarantined),
                str(table.skipped),
                "",
            )
        )
    for sheet, why in result.unrecognised:
        rows.append(("", f"{sheet} → 未识别 not a ledger", "", "0", "0", "0", why))
    return rows


def _print_ingest(report: IngestReport) -> None:
    """Per file and sheet: the kind detected and the rows loaded / quarantined / skipped."""
    from rich.table import Table

    table = Table(title="载入结果 / ingest")
    for column in ("文件", "工作表 → 类型", "状态", "载入行", "隔离行", "跳过行", "说明"):
        table.add_column(column, overflow="fold")
    for result in report.files:
        for row in _file_rows(result):
            table.add_row(*row)
    for path, why in report.left:
        table.add_row(Path(path).name, "", "留待下次 left", "0", "0", "0", why)
    stdout.print(table)
    if report.left:
        stderr_console.print(
            f"注意：{len(report.left)} 个文件留在 landing/，下次运行时再读取（原因见上表）"
            f" / {len(report.left)} file(s) left in landing/ for the next run",
            highlight=False,
        )


class _IngestProgress:
    """A spinner with the rows read so far, shown while a large file (several batches) loads."""

    def __enter__(self) -> ProgressHook:
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        return self._advance

    def _advance(self, name: str, rows: int) -> None:
        if self._bar is None:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=stderr_console.console,
                transient=True,
            )
            self._bar.start()
        text = f"正在载入 {name}：已读 {rows:,} 行 / loading, {rows:,} rows read"
        if name not in self._tasks:
            self._tasks[name] = self._bar.add_task(text, total=None)
        self._bar.update(self._tasks[name], description=text)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


@quarantine_app.command("list")
def quarantine_list() -> None:
    """列出隔离的数据行（文件、位置、规则、原因）。"""
    from sqmy_etl.ingest.quarantine import list_quarantine

    rows = list_quarantine(_settings())
    from rich.table import Table

    table = Table(title=f"隔离区 / quarantine ({len(rows)})")
    table.add_column("quarantine_id", no_wrap=True)
    for column in ("文件", "类型", "位置", "规则", "原因"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["quarantine_id"],
            row["original_name"],
            row["table_kind"],
            f"{row['source_sheet']}!{row['source_row']}",
            row["rule"],
            row["reason"],
        )
    stdout.print(table)


@quarantine_app.command("show")
def quarantine_show(
    quarantine_id: Annotated[str, typer.Argument(help="隔离编号或其唯一前缀")],
) -> None:
    """显示一条隔离记录（个人信息已脱敏）。"""
    import json

    from sqmy_etl.ingest.quarantine import QuarantineLookupError, show_quarantine

    try:
        row = show_quarantine(_settings(), quarantine_id)
    except QuarantineLookupError as exc:
        raise _fail(str(exc)) from exc
    stdout.print_json(json.dumps(row, ensure_ascii=False, default=str))


@app.command()
def retract(
    target: Annotated[str, typer.Argument(help="文件路径、原文件名或 SHA-256 前缀（≥6 位）")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """撤回一次交付：下次 transform 起其数据不再计数；归档副本保留，重新交付同一文件即恢复。"""
    from sqmy_etl.ingest.deliveries import DeliveryNotFound
    from sqmy_etl.ingest.deliveries import retract as withdraw

    try:
        done = withdraw(_settings(verbose), target)
    except DeliveryNotFound as exc:
        raise _fail(str(exc)) from exc
    stdout.print(
        f"已撤回 {done.name}（{done.sha256[:12]}，{done.data_rows} 行）："
        "下次 sqmy transform 起不再计数；重新交付同一文件即恢复"
        f" / retracted {done.name} ({done.data_rows} rows): stops counting at the next transform",
        highlight=False,
    )


@app.command()
def transform(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """运行 dbt build；全部测试通过后原子地发布数据集市，并写出数据质量报告。"""
    _transform_and_publish(_settings(verbose))


def _transform_and_publish(settings: Settings) -> None:
    """dbt build + publish, then the data-quality report of what was just published."""
    from sqmy_etl.transform.build import TransformFailed, transform_and_publish

    try:
        result = transform_and_publish(settings)
    except TransformFailed as exc:
        raise _fail(str(exc)) from exc
    stdout.print(str(result.published.path), highlight=False)
    stderr_console.print(f"数据质量报告 / data quality: {result.quality_report}")


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="读取该日（YYYY-MM-DD）及以前最后一次发布的数据（数据湖模式）"),
]


def _as_of(settings: Settings, as_of: str | None) -> Settings:
    """Settings reading the marts as published on or before ``as_of`` instead of the latest."""
    if as_of is None:
        return settings
    import dataclasses
    from datetime import date

    from sqmy_etl.warehouse.history import NoSnapshot
    from sqmy_etl.warehouse.publish import marts_as_of

    try:
        day = date.fromisoformat(as_of)
    except ValueError as exc:
        raise _fail(
            f"日期应写成 YYYY-MM-DD，如 2021-12-31 / --as-of wants YYYY-MM-DD: {as_of}"
        ) from exc
    try:
        return dataclasses.replace(settings, published_override=marts_as_of(settings, day))
    except NoSnapshot as exc:
        raise _fail(str(exc)) from exc


@lake_app.command("migrate")
def lake_migrate(
    source: Annotated[
        Path | None, typer.Option("--from", help="要迁移的仓库文件（默认 warehouse/sqmy.duckdb）")
    ] = None,
) -> None:
    """把单文件仓库的原始层迁入（空的）数据湖；随后运行 sqmy transform 重建数据集市。"""
    from sqmy_etl.warehouse.migrate import MigrationError, migrate_to_lake

    try:
        done = migrate_to_lake(_settings(), source)
    except MigrationError as exc:
        raise _fail(str(exc)) from exc
    for table, n in done.rows.items():
        stdout.print(f"raw.{table}: {n}", highlight=False)
    stderr_console.print(
        "已迁入数据湖；请运行 sqmy transform 重建数据集市"
        " / moved into the lake: run `sqmy transform` to rebuild the marts",
        highlight=False,
    )


@app.command()
def run(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """载入 landing/（含子目录）中等待的全部文件，然后 transform。

    刚复制进来的文件会等它写完（最多约 settle 时间 + 10 秒）；
    仍在写入的文件留待下次，并在汇总中列出。
    """
    from sqmy_etl.ingest import landing
    from sqmy_etl.ingest.load import ingest_landing

    settings = _settings(verbose)
    with _IngestProgress() as progress:
        report = ingest_landing(
            settings, wait_s=landing.settle_seconds() + RUN_WAIT_EXTRA_S, progress=progress
        )
    _print_ingest(report)
    _transform_and_publish(settings)
    if any(r.status == "rejected" for r in report.files):
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="只读 SQL，作用于已发布的数据集市")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.table,
    as_of: AsOf = None,
) -> None:
    """在已发布的数据集市上执行只读 SQL。"""
    from sqmy_etl.warehouse.query import QueryError, format_result, run_query

    settings = _as_of(Settings.from_env(), as_of)
    try:
        columns, rows = run_query(settings, sql)
    except QueryError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(format_result(columns, rows, format.value), nl=False)


@app.command()
def report(
    period: Annotated[
        str, typer.Option(help="期间：2025、2025年、2025-Q3、2025年第三季度、2025-07、2025年7月")
    ],
    format: Annotated[
        str, typer.Option("--format", help="html,pdf,xlsx 的任意组合")
    ] = "html,pdf,xlsx",
    out: Annotated[
        Path | None, typer.Option(help="输出目录（默认 $SQMY_HOME/reports/<period>）")
    ] = None,
    mail: Annotated[bool, typer.Option(help="按配置发送 PDF 与 XLSX")] = False,
    kind: Annotated[
        str,
        typer.Option(help="work（工作报告）、tongbao（月度/季度通报）或 evaluation（年度考核）"),
    ] = "work",
    reveal_names: Annotated[
        bool, typer.Option(help="年度考核的先进个人显示姓名（需个人信息密钥，记入审计日志）")
    ] = False,
    as_of: AsOf = None,
) -> None:
    """生成领导报告、通报或年度考核报告（中文 HTML / PDF / XLSX）。"""
    from sqmy_etl.reports.build import ReportError, build_report
    from sqmy_etl.reports.mail import mail_report_from_env
    from sqmy_etl.reports.scores_build import mail_subject

    settings = _as_of(_settings(), as_of)
    formats = [f.strip() for f in format.split(",") if f.strip()]
    if mail and reveal_names:
        raise _fail(
            "含姓名的报告不通过邮件发送：请去掉 --mail 或 --reveal-names"
            " / a report with names is never mailed: drop --mail or --reveal-names"
        )
    try:
        paths = build_report(settings, period, formats, out, kind=kind, reveal_names=reveal_names)
        for path in paths:
            stdout.print(str(path))
        if mail:
            mail_report_from_env(paths, period, subject=mail_subject(kind, period))
    except ReportError as exc:
        raise _fail(str(exc)) from exc


@app.command()
def erase(
    submitter_hash: Annotated[
        str, typer.Option("--submitter-hash", help="报送人哈希（fct_submissions.submitter_hash）")
    ],
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """删除某位报送人的全部记录（个人信息删除请求），记审计日志并重建数据集市。"""
    from sqmy_etl.erase import EraseError, erase_submitter
    from sqmy_etl.transform.build import TransformFailed

    try:
        result = erase_submitter(_settings(verbose), submitter_hash)
    except (EraseError, TransformFailed) as exc:
        raise _fail(str(exc)) from exc
    stdout.print(
        f"erased {result.submission_ids} submission(s), {result.raw_rows} raw row(s), "
        f"{result.quarantine_rows} quarantined row(s); marts rebuilt",
        highlight=False,
    )


@app.command()
def demo(
    airflow: Annotated[
        bool, typer.Option("--airflow/--direct", help="经 Airflow（SQLite 元数据，dag.test）运行")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """生成 2021 年校准数据，跑完整流程（载入→校验→建模→发布→报告），打印要点。"""
    from sqmy_etl.demo import run_demo

    settings = _settings(verbose)
    result = run_demo(settings, via_airflow=airflow)
    stdout.print(result.headline_table)
    stdout.print(f"marts:  {result.published}")
    stdout.print(f"report: {result.report_dir}")


def main() -> None:
    """Entry point: conditions a user can act on end with a message, not a traceback."""
    from sqmy_etl.pii import PiiKeyError
    from sqmy_etl.warehouse.db import WarehouseBusy

    try:
        app()
    except (WarehouseBusy, PiiKeyError) as exc:
        stderr_console.print(f"错误 / error: {exc}", markup=False, highlight=False)
        raise SystemExit(1) from None
