"""The report files: PDF text, fonts and pixels; self-contained HTML; a safe, exact workbook."""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from sqmy_etl.config import PROJECT_ROOT, Limits, Settings
from sqmy_etl.reports.build import build_report, load_report_data
from sqmy_etl.reports.charts import render_charts
from sqmy_etl.reports.errors import MissingFontError, MissingGlyphError, PeriodError, ReportError
from sqmy_etl.reports.fonts import find_cjk_font
from sqmy_etl.reports.pdf import write_pdf
from sqmy_etl.reports.period import parse_period
from tests.unit.report_fixtures import (
    HOSTILE_SECTOR,
    MARKUP_SECTOR,
    PLANTED_NAME,
    PLANTED_PHONE,
    SUBMITTER_HASH,
    build_marts,
)

YEAR_HEADLINE = (
    "2021年全年共收到社情民意信息1005篇，编发320期，其中重点反映民生类信息204期，"
    "43期得到党政领导批示，批示率21.1%"
)
CJK_FONT_NAME = re.compile(r"CJK|WenQuanYi|Micro-?Hei|Source-?Han", re.IGNORECASE)


@dataclass(frozen=True)
class Built:
    settings: Settings
    html: Path
    pdf: Path
    xlsx: Path


def make_settings(home: Path) -> Settings:
    return Settings(
        home=home,
        dbt_dir=PROJECT_ROOT / "dbt",
        pii_key_file=home.parent / "pii.key",
        limits=Limits(),
    )


@pytest.fixture(scope="module")
def year_report(tmp_path_factory: pytest.TempPathFactory) -> Built:
    settings = make_settings(tmp_path_factory.mktemp("report") / "home")
    build_marts(settings.published)
    html, pdf, xlsx = build_report(settings, "2021", ["html", "pdf", "xlsx"])
    return Built(settings, html, pdf, xlsx)


def pdf_text(path: Path) -> str:
    """The PDF's text with line breaks and spaces removed (layout splits sentences)."""
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", "", text)


def xlsx_strings(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row)


def column_values(sheet, header: str) -> list:
    """A column's values down to the table's end (a note may follow after a blank row)."""
    headers = [c.value for c in sheet[1]]
    col = headers.index(header)
    values = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] is None:
            break
        values.append(row[col])
    return values


def test_files_are_named_by_period_under_reports(year_report: Built) -> None:
    """Without --out the files land in $SQMY_HOME/reports/<period>/ with the Chinese name."""
    folder = year_report.settings.reports / "2021"
    assert year_report.pdf == folder / "社情民意信息工作报告_2021.pdf"
    assert sorted(p.name for p in folder.iterdir()) == [
        "社情民意信息工作报告_2021.html",
        "社情民意信息工作报告_2021.pdf",
        "社情民意信息工作报告_2021.xlsx",
    ]


def test_pdf_text_carries_the_headline(year_report: Built) -> None:
    """The PDF's extracted text contains the opening sentence with the marts' figures."""
    text = pdf_text(year_report.pdf)
    assert YEAR_HEADLINE in text
    assert "第1页共" not in text  # the title page carries no page number
    assert "第2页共" in text


def test_pdf_embeds_only_cjk_fonts(year_report: Built) -> None:
    """Every font in the PDF is an embedded CJK font, so glyphs do not depend on the reader."""
    fonts = {}
    for page in PdfReader(year_report.pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor_holder = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descriptor_holder["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts
    assert all(fonts.values()), fonts
    assert all(CJK_FONT_NAME.search(name) for name in fonts), fonts


def test_pdf_title_page_is_not_blank(year_report: Built, tmp_path: Path) -> None:
    """Page 1 rendered by poppler has visible ink (title, rules), not an empty sheet."""
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            str(year_report.pdf),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    gray = Image.open(png).convert("L")
    dark = sum(gray.histogram()[:200])
    assert dark / (gray.width * gray.height) > 0.003


def test_html_is_one_self_contained_chinese_file(year_report: Built) -> None:
    """The HTML declares zh-CN, embeds its charts as data URIs and loads nothing from outside."""
    html = year_report.html.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    images = re.findall(r'<img src="([^"]*)"', html)
    assert len(images) == 5
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r'(src|href)="(?!data:)', html)
    assert "<link" not in html
    assert YEAR_HEADLINE in html


def test_workbook_totals_equal_the_marts(year_report: Built) -> None:
    """The workbook's month, theme and region sheets add up to the marts' 2021 figures."""
    book = openpyxl.load_workbook(year_report.xlsx)
    assert book.sheetnames == [
        "报告说明",
        "主要指标",
        "各月情况",
        "按主题",
        "民生类细分",
        "按盟市",
        "按界别",
        "报送单位",
        "批示时效",
        "批示级别",
        "数据质量",
    ]
    months = book["各月情况"]
    received = column_values(months, "收到来稿（篇）")
    assert sum(received[:12]) == 1005
    assert received[12] == 1005  # the 合计 row
    assert sum(column_values(months, "编发（期）")[:12]) == 320
    themes = {row[0]: row for row in book["按主题"].iter_rows(min_row=2, values_only=True)}
    assert themes["合计"][1:4] == (1005, 320, 91)
    assert themes["民生"][2:5] == (204, 43, pytest.approx(43 / 204))
    assert sum(column_values(book["按盟市"], "收到来稿（篇）")) == 1005
    key = book["主要指标"]
    assert [c.value for c in key["A2:D2"][0]] == [
        "收到来稿（篇）",
        1005,
        900,
        pytest.approx(105 / 900),
    ]
    for name in book.sheetnames[1:]:
        assert book[name].freeze_panes == "A2"
    rate_cell = book["按主题"]["E2"]
    assert rate_cell.number_format == "0.0%"


def test_workbook_keeps_formula_like_text_as_text(year_report: Built) -> None:
    """A sector such as =HYPERLINK(...) is a quote-prefixed string and no cell is a formula."""
    book = openpyxl.load_workbook(year_report.xlsx)
    hostile = [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == HOSTILE_SECTOR
    ]
    assert hostile
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in hostile)
    with zipfile.ZipFile(year_report.xlsx) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_markup_in_data_is_escaped_in_html(year_report: Built) -> None:
    """A sector written as an <img onerror> tag shows as text, never as markup."""
    html = year_report.html.read_text(encoding="utf-8")
    assert MARKUP_SECTOR not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_no_personal_or_row_level_values_reach_any_format(year_report: Built) -> None:
    """Planted names, phones, submitter hashes, titles and row ids never appear in the outputs."""
    outputs = {
        "html": re.sub(r"data:image/png;base64,[^\"]*", "", year_report.html.read_text("utf-8")),
        "pdf": pdf_text(year_report.pdf),
        "xlsx": xlsx_strings(year_report.xlsx),
    }
    for fmt, text in outputs.items():
        for planted in (PLANTED_NAME, PLANTED_PHONE, SUBMITTER_HASH, "S01", "2021-101", "副主席"):
            assert planted not in text, (fmt, planted)


def test_quarter_report_in_a_chosen_folder(year_report: Built, tmp_path: Path) -> None:
    """--out puts the quarter report where asked, with the quarter's headline and comparisons."""
    (html,) = build_report(year_report.settings, "2021-Q3", ["html"], out=tmp_path)
    assert html == tmp_path / "社情民意信息工作报告_2021-Q3.html"
    text = html.read_text(encoding="utf-8")
    assert "2021年第三季度共收到社情民意信息240篇，编发78期" in text
    assert "上期（2021-Q2）" in text and "上年同期（2020-Q3）" in text


def test_empty_period_gives_a_short_report_in_every_format(
    year_report: Built, tmp_path: Path
) -> None:
    """A year absent from the marts yields three small files saying 本期无数据, not a crash."""
    html, pdf, xlsx = build_report(year_report.settings, "2023", ["html", "pdf", "xlsx"], tmp_path)
    assert "本期无数据" in html.read_text(encoding="utf-8")
    assert "<table" not in html.read_text(encoding="utf-8")
    assert "本期无数据" in pdf_text(pdf)
    assert len(PdfReader(pdf).pages) == 2
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["报告说明"]
    assert "本期无数据" in xlsx_strings(xlsx)


def test_bad_period_format_and_missing_marts_fail_clearly(tmp_path: Path) -> None:
    """Invalid periods and formats, and absent marts, raise errors that say what to do."""
    settings = make_settings(tmp_path / "home")
    with pytest.raises(PeriodError):
        build_report(settings, "2021-13", ["xlsx"])
    with pytest.raises(ReportError, match="choose from html, pdf, xlsx"):
        build_report(settings, "2021", ["docx"])
    with pytest.raises(ReportError, match="sqmy transform"):
        build_report(settings, "2021", ["xlsx"])


def test_missing_cjk_font_is_reported_with_the_package_to_install(
    year_report: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With fontconfig listing no Chinese font, PDF/HTML reports refuse and name fonts-noto-cjk."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "fc-list").write_text("#!/bin/sh\nexit 0\n")
    (fake / "fc-list").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:/usr/bin:/bin")
    with pytest.raises(MissingFontError, match="fonts-noto-cjk"):
        find_cjk_font()
    with pytest.raises(MissingFontError, match="fonts-wqy-microhei"):
        build_report(year_report.settings, "2021", ["pdf"], out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_pdf_with_an_unrenderable_character_fails(tmp_path: Path) -> None:
    """A character no installed font covers stops the PDF instead of shipping a box."""
    target = tmp_path / "x.pdf"
    with pytest.raises(MissingGlyphError, match="U\\+13000"):
        write_pdf('<html lang="zh-CN"><body><p>社情民意 \U00013000</p></body></html>', target)
    assert not target.exists()


def test_chart_with_an_unrenderable_label_fails(tmp_path: Path) -> None:
    """A region name with a glyph missing from the CJK font makes chart drawing fail loudly."""
    settings = make_settings(tmp_path / "home")
    build_marts(settings.published, region_names={"阿拉善盟": "阿拉善盟\U00013000"})
    data = load_report_data(settings, parse_period("2021"))
    with pytest.raises(MissingGlyphError, match="no glyph"):
        render_charts(data)
