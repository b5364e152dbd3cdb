"""Finding a CJK font, so Chinese is drawn as glyphs and never as boxes.

Asked of fontconfig with ``fc-list :lang=zh`` (``fc-match`` always answers
something, so it proves nothing). weasyprint finds fonts through fontconfig
itself; matplotlib keeps its own cached list, so the chosen file is
registered with it explicitly.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache

from sqmy_etl.reports.errors import MissingFontError

INSTALL_HINT = (
    "install one with `apt-get install fonts-noto-cjk` (or the smaller "
    "`fonts-wqy-microhei`), then run the report again"
)
# Simplified-Chinese faces first; a .ttc also holds JP/KR/TC faces of the same design.
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
)
# The CSS stacks also name common desktop fonts so the HTML reads well elsewhere.
CSS_SERIF = (
    '"Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", '
    '"Noto Sans CJK SC", "WenQuanYi Micro Hei", serif'
)
CSS_SANS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", sans-serif'
)


@dataclass(frozen=True)
class CjkFont:
    family: str
    path: str


def _fc_list() -> list[tuple[str, list[str]]]:
    """(file, families) of every font fontconfig says covers Chinese."""
    if shutil.which("fc-list") is None:
        raise MissingFontError(f"fontconfig's fc-list is not installed; {INSTALL_HINT}")
    result = subprocess.run(
        ["fc-list", "--format", "%{file}\t%{family}\n", ":lang=zh"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    fonts = []
    for line in result.stdout.splitlines():
        path, _, families = line.partition("\t")
        if path and families:
            fonts.append((path, [f.strip() for f in families.split(",")]))
    return fonts


def find_cjk_font() -> CjkFont:
    """The best installed CJK font; raises MissingFontError naming the package to install."""
    fonts = _fc_list()
    if not fonts:
        raise MissingFontError(
            f"no font covering Chinese was found (fc-list :lang=zh); {INSTALL_HINT}"
        )
    regular = sorted(fonts, key=lambda f: "Bold" in f[0])
    for wanted in PREFERRED_FAMILIES:
        for path, families in regular:
            if wanted in families:
                return CjkFont(wanted, path)
    for path, families in regular:
        simplified = [f for f in families if f.endswith(" SC")]
        if simplified:
            return CjkFont(simplified[0], path)
    path, families = regular[0]
    return CjkFont(families[0], path)


@cache
def matplotlib_family() -> str:
    """Register the CJK font with matplotlib (once) and return its family name."""
    from matplotlib import font_manager

    font = find_cjk_font()
    font_manager.fontManager.addfont(font.path)
    known = {entry.name for entry in font_manager.fontManager.ttflist if entry.fname == font.path}
    if font.family in known:
        return font.family
    simplified = sorted(name for name in known if name.endswith(" SC"))
    if simplified:
        return simplified[0]
    if known:
        return sorted(known)[0]
    raise MissingFontError(f"matplotlib could not load {font.path}; {INSTALL_HINT}")
