"""The golden scenarios' ledgers, typed by hand, and where each goes in the ingest plan.

Each builder writes one small ledger set as a clerk would make it. Every
scenario has its own id prefix; those asserted on period or region rows
also have their own year (1991–2025). Scenarios asserted only on their own
ids share the year 1990 and keep their issues apart by number (第301期,
第401期, 第501期). File names are unique across the whole plan unless a
scenario is about two names that must (or must not) be read as one ledger.

Folders of the plan (see ``conftest.World``): ``A`` is ingested in one
call in phase A, ``B`` in one call in phase B; the other folders have calls
of their own because their rule depends on the call (order, flags, exit code).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from tests.scenarios.book import Sheet, json_file, jsonl_file, ods, set_mtime, text_file, xlsx

PHASE_A = "A"
PHASE_B = "B"
BIG5_DIR = "A-big5"
MTIME_DIR = "A-mtime"
REJECT_DIR = "A-reject"
LANDING_SRC = "landing-src"
REPLACES_DIR = "X-replaces"
NO_REPLACE_DIR = "B-noreplace"

BIG5_NAME = "繁体来稿台账.csv"
REJECT_NAME = "会议纪要.csv"
REPLACES_OLD = "旗县报送汇总.xlsx"
REPLACES_NEW = "信息处整理稿.xlsx"
RETRACT_FILE = Path(PHASE_A, "撤回", "撤回来稿台账.xlsx")
RETRACT_SHA_FILE = Path(PHASE_A, "撤回", "撤回乙来稿台账.csv")

SUBMISSIONS_HEADER = ["稿件编号", "标题", "来稿日期", "盟市"]


def _sub_rows(*rows: tuple[str, str, str]) -> list[list[object]]:
    """[稿件编号, 标题, 来稿日期, 盟市] rows from (id, date, region); titles name the id."""
    return [SUBMISSIONS_HEADER] + [[i, f"关于{i}的反映", d, r] for i, d, r in rows]


# ---------------------------------------------------------------- layouts (L)


def l01_running_number(root: Path) -> None:
    """编号 (a running number) stands before 稿件编号 on two quarterly sheets."""
    header = ["编号", "稿件编号", "标题", "来稿日期", "盟市"]
    q1 = [
        [1, "LA-001", "牧区饮水", "1991-02-01", "赤峰市"],
        [2, "LA-002", "草原防火", "1991-02-15", "赤峰市"],
        [3, "LA-003", "城区供暖", "1991-03-01", "包头市"],
    ]
    q2 = [
        [1, "LA-004", "学前教育", "1991-04-02", "包头市"],
        [2, "LA-005", "乡村医生", "1991-05-06", "通辽市"],
        [3, "LA-006", "公交线路", "1991-06-10", "通辽市"],
    ]
    xlsx(
        root / PHASE_A / "编号列来稿台账.xlsx",
        Sheet("一季度", [header, *q1]),
        Sheet("二季度", [header, *q2]),
    )


def l02_received_beats_date(root: Path) -> None:
    """A 日期 (登记日期) column stands before 来稿日期."""
    xlsx(
        root / PHASE_A / "日期列来稿台账.xlsx",
        Sheet(
            "来稿",
            [
                ["稿件编号", "日期", "来稿日期", "标题"],
                ["LB-001", "1992-11-20", "1992-02-03", "冬季供暖"],
                ["LB-002", "1992-11-21", "1992-05-06", "农村公路"],
                ["LB-003", "1992-11-22", "1992-08-09", "职业教育"],
            ],
        ),
    )


def l02_instruction_date_beats_plain_date(root: Path) -> None:
    """In a 批示台账, a 日期 (登记日期) column stands before 批示日期."""
    xlsx(
        root / PHASE_A / "日期列编发台账.xlsx",
        Sheet("编发", [["期号", "编发日期", "标题"], ["1992年第1期", "1992-03-01", "冬季供暖"]]),
    )
    xlsx(
        root / PHASE_A / "日期列批示台账.xlsx",
        Sheet(
            "批示",
            [
                ["期号", "日期", "批示日期", "批示领导职务", "批示级别"],
                ["1992年第1期", "1992-12-30", "1992-03-20", "主席", "自治区级"],
            ],
        ),
    )


def l03_two_row_header(root: Path) -> None:
    """A title row, then 报送情况 merged over 报送人 | 盟市 (two-row header)."""
    rows = [
        ["1993年社情民意信息来稿台账", None, None, None, None],
        ["稿件编号", "标题", "来稿日期", "报送情况", None],
        [None, None, None, "报送人", "盟市"],
        ["LC-001", "城中村改造", "1993-03-01", "张一", "呼和浩特市"],
        ["LC-002", "工业园区用电", "1993-04-01", "李二", "包头市"],
        ["LC-003", "老旧小区加装电梯", "1993-05-01", "王三", "包头市"],
    ]
    merges = ["A1:E1", "A2:A3", "B2:B3", "C2:C3", "D2:E2"]
    xlsx(root / PHASE_A / "分组表头来稿台账.xlsx", Sheet("来稿", rows, merges))


def l04_merged_issue_no(root: Path) -> None:
    """期号/编发日期/标题/分类 merged over three rows, one source submission per row."""
    xlsx(
        root / PHASE_A / "期号合并来稿台账.xlsx",
        Sheet(
            "来稿",
            _sub_rows(
                ("LD-001", "1994-02-01", "赤峰市"),
                ("LD-002", "1994-02-03", "通辽市"),
                ("LD-003", "1994-02-05", "包头市"),
                ("LD-004", "1994-02-07", "包头市"),
            ),
        ),
    )
    rows = [
        ["期号", "编发日期", "标题", "分类", "稿件编号"],
        ["1994年第1期", "1994-03-01", "关于牧区供暖的建议", "供暖", "LD-001"],
        [None, None, None, None, "LD-002"],
        [None, None, None, None, "LD-003"],
    ]
    xlsx(
        root / PHASE_A / "期号合并编发台账.xlsx",
        Sheet("编发", rows, ["A2:A4", "B2:B4", "C2:C4", "D2:D4"]),
    )


def l05_combined_issues_and_instructions(root: Path) -> None:
    """编发及批示台账: issues with their 批示 on the same rows; 第2期 on two rows."""
    rows = [
        ["期号", "编发日期", "标题", "分类", "批示领导职务", "批示级别", "批示日期"],
        [
            "1995年第1期",
            "1995-02-10",
            "乡村学校撤并",
            "教育",
            "自治区政府主席",
            "自治区级",
            "1995-02-20",
        ],
        [
            "1995年第2期",
            "1995-03-10",
            "基层医疗",
            "医疗",
            "自治区党委书记",
            "自治区级",
            "1995-03-18",
        ],
        ["1995年第2期", "1995-03-10", "基层医疗", "医疗", "副主席", "自治区级", "1995-03-25"],
        ["1995年第3期", "1995-04-10", "民营企业融资", "经济", None, None, None],
    ]
    xlsx(root / PHASE_A / "编发及批示台账.xlsx", Sheet("编发及批示", rows))


def l06_issues_listing_sources(root: Path) -> None:
    """An 编发台账 that also lists 稿件编号 and 来稿日期 of each issue's sources."""
    xlsx(
        root / PHASE_A / "来源编发来稿台账.xlsx",
        Sheet(
            "来稿",
            _sub_rows(
                ("LF-001", "1996-01-05", "包头市"),
                ("LF-002", "1996-01-08", "乌海市"),
                ("LF-003", "1996-01-09", "乌海市"),
                ("LF-004", "1996-01-12", "赤峰市"),
            ),
        ),
    )
    rows = [
        ["期号", "编发日期", "标题", "稿件编号", "来稿日期"],
        ["1996年第1期", "1996-02-01", "城市供水", "LF-001", "1996-01-05"],
        ["1996年第2期", "1996-02-20", "矿区生态", "LF-002", "1996-01-08"],
        ["1996年第2期", "1996-02-20", "矿区生态", "LF-003", "1996-01-09"],
    ]
    xlsx(root / PHASE_A / "来源编发台账.xlsx", Sheet("编发", rows))


def l07_totals_and_footers(root: Path) -> None:
    """小计/合计/总计 rows in the middle and at the end, footer lines, and a 总计划… title."""
    rows = [
        ["稿件编号", "标题", "来稿日期", "盟市"],
        ["LG-001", "草原防火", "1997-01-10", "赤峰市"],
        ["LG-002", "牧民医保", "1997-02-10", "赤峰市"],
        ["小计", "2篇", None, None],
        ["LG-003", "城乡公交", "1997-04-10", "通辽市"],
        ["合计", "3篇", None, None],
        ["LG-004", "总计划生育服务站建设滞后的问题", "1997-07-10", "通辽市"],
        ["总计", "4篇", None, None],
        [None, None, None, None],
        ["填表人：张三　联系电话：13912345678", None, None, None],
        ["审核人：李四", None, None, None],
    ]
    xlsx(root / PHASE_A / "合计行来稿台账.xlsx", Sheet("登记表", rows))


def l08_title_rows_and_header_forms(root: Path) -> None:
    """Three rows above the header; headers with *, （必填）, inner and full-width spaces."""
    rows = [
        ["1998年社情民意信息来稿台账", None, None, None],
        ["填报单位：自治区政协办公厅信息处", None, None, None],
        [None, None, None, None],
        ["稿件编号*", "标 题", "来稿日期（必填）", "盟\u3000市"],
        ["LH-001", "边境口岸物流", "1998-03-01", "锡林郭勒盟"],
        ["LH-002", "牧区转场道路", "1998-06-01", "锡盟"],
        ["LH-003", "林区防火", "1998-09-01", "兴安盟"],
    ]
    xlsx(root / PHASE_A / "标题行来稿台账.xlsx", Sheet("来稿", rows, ["A1:D1"]))


def l09_merged_data_cells(root: Path) -> None:
    """盟市 merged over the first three data rows."""
    rows = [
        SUBMISSIONS_HEADER,
        ["LI-001", "河套灌区节水", "1999-03-01", "巴彦淖尔市"],
        ["LI-002", "盐碱地改良", "1999-03-02", None],
        ["LI-003", "农机补贴", "1999-03-03", None],
        ["LI-004", "马铃薯储运", "1999-03-04", "乌兰察布市"],
    ]
    xlsx(root / PHASE_A / "合并单元格来稿台账.xlsx", Sheet("来稿", rows, ["D2:D4"]))


def l10_hidden_sheet(root: Path) -> None:
    """One of two sheets is hidden."""
    xlsx(
        root / PHASE_A / "隐藏页来稿台账.xlsx",
        Sheet(
            "上半年",
            _sub_rows(("LJ-001", "1990-02-01", "乌海市"), ("LJ-002", "1990-02-02", "乌海市")),
        ),
        Sheet("已隐藏", _sub_rows(("LJ-003", "1990-02-03", "乌海市")), hidden=True),
    )


def l11_last_row_titled_total(root: Path) -> None:
    """The last row has a valid id and, in the first column, a title starting with 总计."""
    text_file(
        root / PHASE_A / "末行总计划来稿台账.csv",
        [
            "标题,稿件编号,来稿日期",
            "牧区小学寄宿条件,LK-001,1990-05-11",
            "总计划外用工社保缺口,LK-002,1990-05-12",
        ],
        "utf-8",
    )


def l12_combined_two_row_header(root: Path) -> None:
    """编发及批示台账: 批示情况 over its three 批示 fields; 期号 merged over two 批示 rows."""
    rows = [
        ["期号", "编发日期", "标题", "批示情况", None, None],
        [None, None, None, "批示领导职务", "批示级别", "批示日期"],
        ["2014年第1期", "2014-04-01", "口岸物流", "自治区政府主席", "自治区级", "2014-04-10"],
        [None, None, None, "自治区政府副主席", "自治区级", "2014-04-12"],
        ["2014年第2期", "2014-05-01", "城市内涝", None, None, None],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:F1", "A3:A4", "B3:B4", "C3:C4"]
    xlsx(root / PHASE_A / "分组表头编发及批示台账.xlsx", Sheet("编发及批示", rows, merges))


# ---------------------------------------------------------------- values (V)


def v01_theme_forms_submissions(root: Path) -> None:
    """Theme written forms on submissions: 民生类, 教育类, 民生/教育, 民生-供暖, 民生（养老）."""
    rows = [
        ["稿件编号", "来稿日期", "主题"],
        ["VA-001", "2000-01-10", "民生类"],
        ["VA-002", "2000-02-10", "教育类"],
        ["VA-003", "2000-03-10", "民生/教育"],
        ["VA-004", "2000-04-10", "民生-供暖"],
        ["VA-005", "2000-05-10", "民生（养老）"],
        ["VA-006", "2000-06-10", "经济发展问题"],
    ]
    xlsx(root / PHASE_A / "主题写法来稿台账.xlsx", Sheet("来稿", rows))


def v02_theme_forms_issues(root: Path) -> None:
    """Theme written forms in an 编发台账's 分类, and 批示 on two of the 民生 issues."""
    issues = [
        ["期号", "编发日期", "标题", "分类"],
        ["2001年第1期", "2001-03-01", "社区服务", "民生类"],
        ["2001年第2期", "2001-03-08", "课后托管", "教育类"],
        ["2001年第3期", "2001-03-15", "校车安全", "民生/教育"],
        ["2001年第4期", "2001-03-22", "供热管网", "民生-供暖"],
        ["2001年第5期", "2001-03-29", "社区养老", "民生（养老）"],
        ["2001年第6期", "2001-04-05", "园区招商", "经济类"],
    ]
    feedback = [
        ["期号", "批示领导职务", "批示级别", "批示日期"],
        ["2001年第2期", "自治区政府主席", "自治区级", "2001-04-01"],
        ["2001年第4期", "自治区政府副主席", "自治区级", "2001-04-10"],
    ]
    xlsx(root / PHASE_A / "主题写法编发台账.xlsx", Sheet("编发", issues))
    xlsx(root / PHASE_A / "主题写法批示台账.xlsx", Sheet("批示", feedback))


def v03_theme_from_sources(root: Path) -> None:
    """Issues without 分类 take their sources' theme; 未分类 / blank sources don't vote."""
    subs = [
        ["稿件编号", "来稿日期", "主题"],
        ["VC-001", "2002-01-10", "生态保护"],
        ["VC-002", "2002-01-11", "教育"],
        ["VC-003", "2002-01-12", "医疗卫生"],
        ["VC-004", "2002-02-10", "未分类"],
        ["VC-005", "2002-02-11", None],
        ["VC-006", "2002-02-12", "草原保护"],
        ["VC-007", "2002-02-13", "医疗"],
    ]
    issues = [
        ["期号", "编发日期", "标题", "分类", "稿件编号"],
        ["2002年第1期", "2002-03-01", "综合反映一", None, "VC-001、VC-002、VC-003"],
        ["2002年第2期", "2002-03-05", "综合反映二", None, "VC-004，VC-005，VC-006"],
        ["2002年第3期", "2002-03-09", "牧区学校", "乡村振兴", "VC-002"],
        ["2002年第4期", "2002-03-13", "综合反映三", None, "VC-001 VC-002"],
        ["2002年第5期", "2002-03-17", "综合反映四", None, "VC-002;VC-003;VC-007"],
    ]
    xlsx(root / PHASE_A / "投票来稿台账.xlsx", Sheet("来稿", subs))
    xlsx(root / PHASE_A / "投票编发台账.xlsx", Sheet("编发", issues))


def v04_region_forms(root: Path) -> None:
    """Region written forms: short names, bodies, counties, GB/T 2260 codes, and an unknown one."""
    rows = [
        ["稿件编号", "来稿日期", "盟市"],
        ["VD-001", "2003-01-05", "锡林郭勒"],
        ["VD-002", "2003-01-06", "阿拉善"],
        ["VD-003", "2003-01-07", "赤峰市政协"],
        ["VD-004", "2003-01-08", "满洲里市"],
        ["VD-005", "2003-01-09", "准格尔旗"],
        ["VD-006", "2003-01-10", 150400],
        ["VD-007", "2003-01-11", "150781"],
        ["VD-008", "2003-01-12", "兴安盟政协委员会"],
        ["VD-009", "2003-01-13", "火星市"],
        ["VD-010", "2003-01-14", "哲里木盟"],
        ["VD-011", "2003-01-15", "呼市"],
    ]
    xlsx(root / PHASE_A / "地区写法来稿台账.xlsx", Sheet("来稿", rows))


def v05_id_forms(root: Path) -> None:
    """One submission written three ways, another two ways (full-width, underscore)."""
    rows = [
        ["稿件编号", "来稿日期", "盟市"],
        ["ve2004-0001", "2004-03-01", "赤峰市"],
        ["VE2004-0001", "2004-03-01", "赤峰市"],
        ["VE2004 0001", "2004-03-01", "通辽市"],
        ["ＶＥ２００４－０００２", "2004-04-01", "包头市"],
        ["VE2004_0002", "2004-04-01", "包头市"],
    ]
    xlsx(root / PHASE_A / "编号写法来稿台账.xlsx", Sheet("来稿", rows))


def v06_issue_number_forms(root: Path) -> None:
    """期号 forms: 总第 cumulative numbers, 第N期 / N / N期 without a year."""
    rows = [
        ["期号", "编发日期", "标题"],
        ["2005年第38期（总第612期）", "2005-09-01", "稀土产业"],
        ["第39期（总第613期）", "2005-09-08", "口岸通关"],
        [40, "2005-09-15", "农畜产品品牌"],
        ["41期", "2005-09-22", "城市停车"],
        ["第42期", "2005-09-29", "社区食堂"],
    ]
    xlsx(root / PHASE_A / "期号写法编发台账.xlsx", Sheet("编发", rows))


def v07_yearless_issue_no(root: Path) -> None:
    """第5期 in a 批示台账 means the latest issue 5 published on or before the 批示."""
    issues = [
        ["期号", "编发日期", "标题"],
        ["2006年第5期", "2006-03-01", "春耕备耕"],
        ["2007年第5期", "2007-02-20", "冬季取暖"],
    ]
    feedback = [
        ["期号", "批示领导职务", "批示级别", "批示日期"],
        ["第5期", "副主席", "自治区级", "2007-01-15"],
        ["第5期", "主席", "自治区级", "2007-03-01"],
    ]
    xlsx(root / PHASE_A / "无年份编发台账.xlsx", Sheet("编发", issues))
    xlsx(root / PHASE_A / "无年份批示台账.xlsx", Sheet("批示", feedback))


def v08_yearless_365_days(root: Path) -> None:
    """A yearless 期号 reaches back at most 365 days (across a year end it still resolves)."""
    issues = [
        ["期号", "编发日期", "标题"],
        ["2008年第7期", "2008-12-20", "年末安全生产"],
        ["2008年第8期", "2008-01-05", "元旦市场供应"],
    ]
    feedback = [
        ["期号", "批示领导职务", "批示级别", "批示日期"],
        ["第7期", "主席", "自治区级", "2009-01-15"],
        ["第8期", "主席", "自治区级", "2009-01-10"],
    ]
    xlsx(root / PHASE_A / "跨年编发台账.xlsx", Sheet("编发", issues))
    xlsx(root / PHASE_A / "跨年批示台账.xlsx", Sheet("批示", feedback))


def v09_same_instruction_twice(root: Path) -> None:
    """One 批示 twice: 批示台账 (级别 blank, 副主席), export (自治区级, 自治区政府副主席)."""
    xlsx(
        root / PHASE_A / "同一批示编发台账.xlsx",
        Sheet(
            "编发",
            [
                ["期号", "编发日期", "标题", "分类"],
                ["2010年第1期", "2010-03-01", "县域医院", "医疗"],
            ],
        ),
    )
    xlsx(
        root / PHASE_A / "同一批示批示台账.xlsx",
        Sheet(
            "批示",
            [
                ["期号", "批示领导职务", "批示级别", "批示日期"],
                ["2010年第1期", "副主席", None, "2010-03-20"],
            ],
        ),
    )
    record = {
        "id": "VI-001",
        "title": "县域医院人才流失",
        "region": "赤峰市",
        "received_at": "2010-02-10T09:00:00+08:00",
        "theme": "医疗",
        "issue": {"no": "2010年第1期", "published_at": "2010-03-01", "title": "县域医院"},
        "feedback": [
            {"type": "批示", "level": "自治区级", "post": "自治区政府副主席", "date": "2010-03-20"}
        ],
    }
    json_file(root / PHASE_A / "同一批示平台导出.json", [record])


def v10_two_posts_one_day(root: Path) -> None:
    """主席 and 副主席 instruct the same issue on the same day."""
    xlsx(
        root / PHASE_A / "同日批示编发台账.xlsx",
        Sheet("编发", [["期号", "编发日期", "标题"], ["2011年第1期", "2011-05-01", "防汛抗旱"]]),
    )
    xlsx(
        root / PHASE_A / "同日批示批示台账.xlsx",
        Sheet(
            "批示",
            [
                ["期号", "批示领导职务", "批示级别", "批示日期"],
                ["2011年第1期", "主席", "自治区级", "2011-05-10"],
                ["2011年第1期", "副主席", "自治区级", "2011-05-10"],
            ],
        ),
    )


def v11_adoption_is_not_instruction(root: Path) -> None:
    """采用 and its synonyms 采纳 / 录用 beside 批示 and a blank 类型."""
    issues = [["期号", "编发日期", "标题"]] + [
        [f"2012年第{n}期", f"2012-02-{d:02d}", f"第{n}期标题"]
        for n, d in ((1, 1), (2, 8), (3, 15), (4, 22))
    ]
    feedback = [
        ["期号", "类型", "级别", "领导职务", "反馈日期"],
        ["2012年第1期", "采用", "国家级", None, "2012-03-01"],
        ["2012年第1期", "批示", "自治区级", "自治区政府主席", "2012-03-05"],
        ["2012年第2期", "采纳", "国家级", None, "2012-03-02"],
        ["2012年第3期", "录用", "自治区级", None, "2012-03-03"],
        ["2012年第4期", None, "盟市级", "盟委书记", "2012-03-04"],
    ]
    xlsx(root / PHASE_A / "采用编发台账.xlsx", Sheet("编发", issues))
    xlsx(root / PHASE_A / "采用反馈台账.xlsx", Sheet("反馈", feedback))


def v12_date_forms(root: Path) -> None:
    """Date strings, a date cell, an Excel serial, a time of day; a 1904-system workbook."""
    rows = [
        ["稿件编号", "来稿日期"],
        ["VL-001", "2013/3/18"],
        ["VL-002", "2013.4.2"],
        ["VL-003", "2013年5月6日"],
        ["VL-004", "20130607"],
        ["VL-005", datetime(2013, 7, 8)],
        ["VL-006", 41414],
        ["VL-007", "2013-08-09 14:30"],
    ]
    xlsx(root / PHASE_A / "日期写法来稿台账.xlsx", Sheet("来稿", rows))
    xlsx(
        root / PHASE_A / "苹果日期来稿台账.xlsx",
        Sheet(
            "来稿",
            [
                ["稿件编号", "来稿日期"],
                ["VL-008", date(2013, 9, 10)],
                ["VL-009", date(2013, 10, 11)],
            ],
        ),
        date1904=True,
    )


# ---------------------------------------------------------------- formats (F)


def f01_semicolon_csv(root: Path) -> None:
    """Semicolon-separated UTF-8 CSV; one title holds an ASCII comma."""
    text_file(
        root / PHASE_A / "分号来稿台账.csv",
        [
            "稿件编号;标题;来稿日期;盟市;主题",
            "FA-001;关于供暖,供气的建议;2015-01-10;呼和浩特市;供暖",
            "FA-002;关于学前教育的建议;2015-02-11;包头市;教育",
            "FA-003;关于草原保护的建议;2015-03-12;包头市;草原保护",
            "合计;3篇;;;",
        ],
        "utf-8",
    )


def f02_utf16_tab_text(root: Path) -> None:
    """Excel's "Unicode 文本": UTF-16 with BOM, tab-separated, CRLF."""
    text_file(
        root / PHASE_A / "Unicode文本来稿台账.txt",
        [
            "稿件编号\t标题\t来稿日期\t盟市",
            "FB-001\t矿区塌陷治理\t2016-04-01\t乌海市",
            "FB-002\t黄河湿地保护\t2016-05-01\t乌海市",
            "FB-003\t煤化工园区安全\t2016-06-01\t鄂尔多斯市",
        ],
        "utf-16",
        newline="\r\n",
    )


def f03_gb18030_csv(root: Path) -> None:
    """GB18030 comma CSV (what WPS saves as 'CSV' on a Chinese Windows)."""
    text_file(
        root / PHASE_A / "国标来稿台账.csv",
        [
            "稿件编号,标题,来稿日期,盟市,主题",
            "FC-001,居家养老服务,2017-03-01,通辽市,养老",
            "FC-002,农村养老院运营,2017-03-02,通辽市,养老",
            "FC-003,边境旅游,2017-03-03,兴安盟,旅游发展",
        ],
        "gb18030",
    )


def f04_big5_csv(root: Path) -> None:
    """A Big5 CSV (traditional characters; English headers so the header reads in any encoding)."""
    text_file(
        root / BIG5_DIR / BIG5_NAME,
        [
            "id,title,received_at,region",
            "FD-001,草原火情,2018-04-01,赤峰",
            "FD-002,草原防火,2018-05-01,赤峰",
        ],
        "big5",
    )


def _platform_record(sid: str, received: str, region: str, theme: str | None = None) -> dict:
    record: dict[str, object] = {
        "id": sid,
        "title": f"{sid}的反映",
        "region": region,
        "received_at": received,
    }
    if theme is not None:
        record["theme"] = theme
    return record


def f05_json_code_data(root: Path) -> None:
    """API envelope {"code":0,"data":[…]}; one record has an issue and a 批示, one has nulls."""
    first = {
        **_platform_record("FE-001", "2019-03-01T09:00:00+08:00", "包头市", "教育"),
        "issue": {"no": "2019年第1期", "published_at": "2019-04-01", "title": "职业教育"},
        "feedback": [
            {"type": "批示", "level": "自治区级", "post": "自治区政府主席", "date": "2019-04-15"}
        ],
    }
    second = {
        **_platform_record("FE-002", "2019-03-05T10:00:00+08:00", "乌海市", "就业"),
        "issue": None,
        "feedback": None,
    }
    json_file(
        root / PHASE_A / "信封甲平台导出.json", {"code": 0, "msg": "ok", "data": [first, second]}
    )


def f06_json_data_list(root: Path) -> None:
    """API envelope two levels deep: {"data":{"list":[…]}}."""
    records = [
        _platform_record("FF-001", "2020-06-01T09:00:00+08:00", "呼伦贝尔市"),
        _platform_record("FF-002", "2020-06-02T09:00:00+08:00", "呼伦贝尔市"),
    ]
    json_file(
        root / PHASE_A / "信封乙平台导出.json", {"code": 200, "data": {"total": 2, "list": records}}
    )


def f07_utc_timestamps(root: Path) -> None:
    """Timestamps with an offset are Shanghai dates: 2021-12-31T20:00:00Z is 2022-01-01."""
    json_file(
        root / PHASE_A / "时区平台导出.json",
        [
            _platform_record("FG-001", "2021-12-31T20:00:00Z", "包头市"),
            _platform_record("FG-002", "2022-03-01T23:30:00+08:00", "包头市"),
            _platform_record("FG-003", "2022-06-30T16:30:00Z", "包头市"),
        ],
    )


def f08_camel_case_epoch_ms(root: Path) -> None:
    """camelCase keys (receivedAt, publishedAt) and epoch milliseconds."""
    json_file(
        root / PHASE_A / "驼峰平台导出.json",
        [
            {
                "id": "FH-001",
                "title": "牧区通信",
                "region": "通辽市",
                "receivedAt": 1678845600000,  # 2023-03-15 10:00 +08:00
                "issue": {
                    "no": "2023年第2期",
                    "publishedAt": 1680483600000,
                },  # 2023-04-03 09:00 +08:00
            },
            {
                "id": "FH-002",
                "title": "网约车监管",
                "region": "通辽市",
                "receivedAt": 1688144400000,  # 2023-06-30 17:00Z = 2023-07-01 01:00 Shanghai
            },
        ],
    )


def f09_jsonl_epoch_seconds(root: Path) -> None:
    """JSON Lines, one date as epoch seconds."""
    jsonl_file(
        root / PHASE_A / "逐行平台导出.jsonl",
        [
            {
                "id": "FI-001",
                "region": "乌兰察布市",
                "received_at": 1706846400,
            },  # 2024-02-02 12:00 +08:00
            {"id": "FI-002", "region": "乌兰察布市", "received_at": "2024-02-03"},
        ],
    )


def f10_ods(root: Path) -> None:
    """An OpenDocument spreadsheet (WPS / LibreOffice), one typed date cell, one date string."""
    ods(
        root / PHASE_A / "开放格式来稿台账.ods",
        Sheet(
            "来稿",
            [
                ["稿件编号", "来稿日期", "盟市"],
                ["FJ-001", date(1990, 5, 20), "乌海市"],
                ["FJ-002", "1990-05-21", "乌海市"],
            ],
        ),
    )


# ---------------------------------------------------------------- deliveries (D)


def d01_sheet_position(root: Path) -> None:
    """Sheet9 then Sheet10 by position; by name Sheet10 sorts first. DA-001 again on Sheet10."""
    xlsx(
        root / PHASE_A / "工作表顺序来稿台账.xlsx",
        Sheet(
            "Sheet9",
            _sub_rows(("DA-001", "1990-02-01", "包头市"), ("DA-002", "1990-02-02", "包头市")),
        ),
        Sheet("Sheet10", _sub_rows(("DA-001", "1990-02-01", "乌海市"))),
    )


def d02_folder_mtime(root: Path) -> None:
    """台账.xlsx and a newer 台账(更正).xlsx in one folder; the corrected name sorts first."""
    folder = root / MTIME_DIR
    old = xlsx(
        folder / "台账.xlsx",
        Sheet(
            "来稿",
            _sub_rows(("DB-001", "1990-03-01", "包头市"), ("DB-002", "1990-03-02", "呼和浩特市")),
        ),
    )
    new = xlsx(
        folder / "台账(更正).xlsx",
        Sheet(
            "来稿",
            _sub_rows(("DB-001", "1990-03-01", "乌海市"), ("DB-002", "1990-03-02", "呼和浩特市")),
        ),
    )
    now = time.time()
    set_mtime(old, now - 7200)
    set_mtime(new, now - 3600)


def d03_empty_cell_keeps_value(root: Path) -> None:
    """A later delivery with blank 盟市/界别 and a JSON issue without 分类 erase nothing."""
    xlsx(
        root / PHASE_A / "空值来稿台账.xlsx",
        Sheet(
            "来稿",
            [
                ["稿件编号", "来稿日期", "盟市", "界别", "主题"],
                ["DC-001", "1990-04-01", "通辽市", "农业界", "教育"],
            ],
        ),
    )
    xlsx(
        root / PHASE_A / "空值编发台账.xlsx",
        Sheet(
            "编发",
            [
                ["期号", "编发日期", "标题", "分类", "稿件编号"],
                ["1990年第301期", "1990-05-01", "草场退化", "草原保护", "DC-001"],
            ],
        ),
    )
    xlsx(
        root / PHASE_B / "空值补充来稿.xlsx",
        Sheet(
            "来稿",
            [
                ["稿件编号", "来稿日期", "盟市", "界别", "主题"],
                ["DC-001", "1990-04-01", None, None, "养老"],
            ],
        ),
    )
    json_file(
        root / PHASE_B / "空值平台导出.json",
        [
            {
                "id": "DC-001",
                "received_at": "1990-04-01",
                "issue": {"no": "1990年第301期", "published_at": "1990-05-01"},
            }
        ],
    )


def d04_cumulative_2021(root: Path) -> None:
    """2021年来稿/编发/批示台账, then (更正) versions: a row deleted, 期号 and 批示日期 fixed."""
    subs = [
        ("DD-001", "2021-01-05", "呼和浩特市", "教育"),
        ("DD-002", "2021-01-12", "包头市", "医疗"),
        ("DD-003", "2021-02-03", "赤峰市", "供暖"),
        ("DD-004", "2021-02-17", "通辽市", "养老"),
        ("DD-005", "2021-03-09", "赤峰市", "就业"),
        ("DD-006", "2021-03-20", "包头市", "生态保护"),
    ]
    header = ["稿件编号", "标题", "来稿日期", "盟市", "主题"]

    def sub_sheet(rows: list[tuple[str, str, str, str]]) -> Sheet:
        return Sheet("来稿", [header] + [[i, f"关于{i}的反映", d, r, t] for i, d, r, t in rows])

    def issue_sheet(third: str) -> Sheet:
        return Sheet(
            "编发",
            [
                ["期号", "编发日期", "标题", "分类", "稿件编号"],
                ["2021年第1期", "2021-02-01", "课后服务", "教育", "DD-001"],
                ["2021年第2期", "2021-02-10", "基层医疗", "医疗", "DD-002"],
                [third, "2021-03-01", "供热收费", "供暖", "DD-003"],
                ["2021年第4期", "2021-03-15", "社区养老", "养老", "DD-004"],
                ["2021年第5期", "2021-04-01", "高校毕业生就业", "就业", "DD-005"],
            ],
        )

    def feedback_sheet(first_date: str) -> Sheet:
        return Sheet(
            "批示",
            [
                ["期号", "批示领导职务", "批示级别", "批示日期"],
                ["2021年第1期", "自治区政府主席", "自治区级", first_date],
                ["2021年第2期", "自治区政府副主席", "自治区级", "2021-03-15"],
            ],
        )

    xlsx(root / PHASE_A / "累计" / "2021年来稿台账.xlsx", sub_sheet(subs))
    xlsx(root / PHASE_A / "累计" / "2021年编发台账.xlsx", issue_sheet("2021年第12期"))
    xlsx(root / PHASE_A / "累计" / "2021年批示台账.xlsx", feedback_sheet("2021-03-10"))
    xlsx(root / PHASE_B / "累计" / "2021年来稿台账(更正).xlsx", sub_sheet(subs[:5]))
    xlsx(root / PHASE_B / "累计" / "2021年编发台账(更正).xlsx", issue_sheet("2021年第3期"))
    xlsx(root / PHASE_B / "累计" / "2021年批示台账(更正).xlsx", feedback_sheet("2021-03-11"))


def d05_small_correction(root: Path) -> None:
    """A (更正) file with 1 row of 5 is a correction by id, not a replacement."""
    rows = [(f"DE-00{n}", f"1990-06-0{n}", "包头市") for n in range(1, 6)]
    xlsx(root / PHASE_A / "小更正来稿台账.xlsx", Sheet("来稿", _sub_rows(*rows)))
    xlsx(
        root / PHASE_B / "小更正来稿台账(更正).xlsx",
        Sheet("来稿", _sub_rows(("DE-002", "1990-06-02", "乌海市"))),
    )


def d06_period_names(root: Path) -> None:
    """1990年1月来稿台账 and 1990年2月来稿台账: same size, different months, different ledgers."""
    jan = [(f"DF-00{n}", f"1990-01-1{n}", "赤峰市") for n in (1, 2, 3)]
    feb = [(f"DF-00{n}", f"1990-02-1{n}", "赤峰市") for n in (4, 5, 6)]
    xlsx(root / PHASE_A / "1990年1月来稿台账.xlsx", Sheet("来稿", _sub_rows(*jan)))
    xlsx(root / PHASE_B / "1990年2月来稿台账.xlsx", Sheet("来稿", _sub_rows(*feb)))


def d07_explicit_replaces(root: Path) -> None:
    """--replaces between two unrelated names: DG-003 is dropped, DG-004 added."""
    old = [
        ("DG-001", "1990-07-01", "包头市"),
        ("DG-002", "1990-07-02", "包头市"),
        ("DG-003", "1990-07-03", "包头市"),
    ]
    new = [old[0], old[1], ("DG-004", "1990-07-04", "包头市")]
    xlsx(root / REPLACES_DIR / REPLACES_OLD, Sheet("来稿", _sub_rows(*old)))
    xlsx(root / REPLACES_DIR / REPLACES_NEW, Sheet("来稿", _sub_rows(*new)))


def d08_no_replace(root: Path) -> None:
    """A full-size (更正) file ingested with --no-replace: the old file's rows keep counting."""
    old = [(f"DH-00{n}", f"1990-07-1{n}", "赤峰市") for n in range(1, 6)]
    new = [*old[:4], ("DH-006", "1990-07-16", "赤峰市")]
    xlsx(root / PHASE_A / "照收来稿台账.xlsx", Sheet("来稿", _sub_rows(*old)))
    xlsx(root / NO_REPLACE_DIR / "照收来稿台账(更正).xlsx", Sheet("来稿", _sub_rows(*new)))


def d09_same_name_new_content(root: Path) -> None:
    """A cumulative ledger re-sent under the very same name with DI-004 deleted and DI-005 added."""
    old = [(f"DI-00{n}", f"1990-08-0{n}", "通辽市") for n in range(1, 5)]
    new = [*old[:3], ("DI-005", "1990-08-05", "通辽市")]
    xlsx(root / PHASE_A / "同名" / "同名累计来稿台账.xlsx", Sheet("来稿", _sub_rows(*old)))
    xlsx(root / PHASE_B / "同名" / "同名累计来稿台账.xlsx", Sheet("来稿", _sub_rows(*new)))


def d10_retract_by_file(root: Path) -> None:
    """Delivered in phase A, retracted by path before B, the same bytes delivered again in C."""
    xlsx(
        root / RETRACT_FILE,
        Sheet(
            "来稿",
            _sub_rows(("DJ-001", "1990-09-01", "兴安盟"), ("DJ-002", "1990-09-02", "兴安盟")),
        ),
    )


def d11_retract_by_sha(root: Path) -> None:
    """Delivered in phase A, retracted by a SHA-256 prefix before phase B."""
    text_file(
        root / RETRACT_SHA_FILE,
        [
            "稿件编号,来稿日期,盟市",
            "DK-001,1990-09-11,阿拉善盟",
            "DK-002,1990-09-12,阿拉善盟",
            "DK-003,1990-09-13,阿拉善盟",
        ],
        "utf-8",
    )


def d12_same_file_twice(root: Path) -> None:
    """The same bytes delivered in phase A and again (a copy elsewhere) in phase B."""
    first = text_file(
        root / PHASE_A / "重复投递来稿台账.csv",
        ["稿件编号,来稿日期,盟市", "DL-001,1990-10-01,乌海市", "DL-002,1990-10-02,乌海市"],
        "utf-8",
    )
    again = root / PHASE_B / "重复" / "重复投递来稿台账.csv"
    again.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(first, again)


def d13_feedback_before_issue(root: Path) -> None:
    """A 批示 on 第401期 arrives in phase A, the issue itself in phase B."""
    xlsx(
        root / PHASE_A / "先到批示台账.xlsx",
        Sheet(
            "批示",
            [
                ["期号", "批示领导职务", "批示级别", "批示日期"],
                ["1990年第401期", "自治区政府主席", "自治区级", "1990-08-20"],
            ],
        ),
    )
    xlsx(
        root / PHASE_B / "后到编发台账.xlsx",
        Sheet(
            "编发",
            [
                ["期号", "编发日期", "标题", "分类"],
                ["1990年第401期", "1990-08-01", "学生营养餐", "教育"],
            ],
        ),
    )


# ---------------------------------------------------------------- command line (C)


def c01_run_fresh_landing(root: Path) -> None:
    """Files copied into landing/ (and a subfolder) just before `sqmy run`."""
    text_file(
        root / LANDING_SRC / "即时投递来稿台账.csv",
        ["稿件编号,来稿日期,盟市", "CA-001,1990-11-01,呼和浩特市", "CA-002,1990-11-02,呼和浩特市"],
        "utf-8",
    )
    text_file(
        root / LANDING_SRC / "盟市报送" / "即时投递子目录台账.csv",
        ["稿件编号,来稿日期,盟市", "CA-003,1990-11-03,包头市"],
        "utf-8",
    )


def c02_summary_per_sheet(root: Path) -> None:
    """甲表 (来稿: 4 good, 1 future date, 1 合计, 1 footer) and 乙表 (编发: 2 issues)."""
    subs = [
        ["稿件编号", "标题", "来稿日期"],
        ["CB-001", "供水", "1990-09-01"],
        ["CB-002", "供电", "1990-09-02"],
        ["CB-003", "供气", "1990-09-03"],
        ["CB-004", "供暖", "1990-09-04"],
        ["CB-005", "物业", "2027-01-05"],
        ["合计", "共5篇", None],
        ["制表：信息处", None, None],
    ]
    issues = [
        ["期号", "编发日期", "标题"],
        ["1990年第501期", "1990-10-01", "城市运行"],
        ["1990年第502期", "1990-10-08", "物业管理"],
    ]
    xlsx(root / PHASE_A / "载入摘要台账.xlsx", Sheet("甲表", subs), Sheet("乙表", issues))


def c03_quarantine_prefix(root: Path) -> None:
    """One row dated before 1990: the file's only quarantined row."""
    text_file(
        root / PHASE_A / "隔离前缀来稿台账.csv",
        ["稿件编号,来稿日期,盟市", "CC-001,1990-11-05,乌海市", "CC-002,1989-12-31,乌海市"],
        "utf-8",
    )


def c04_report_periods(root: Path) -> None:
    """Two submissions and one issue in 2025 Q3, one submission in Q1."""
    xlsx(
        root / PHASE_A / "报告期来稿台账.xlsx",
        Sheet(
            "来稿",
            [
                ["稿件编号", "来稿日期", "盟市", "主题"],
                ["RP-001", "2025-07-03", "呼和浩特市", "教育"],
                ["RP-002", "2025-08-15", "包头市", "供暖"],
                ["RP-003", "2025-02-10", "赤峰市", "经济"],
            ],
        ),
    )
    xlsx(
        root / PHASE_A / "报告期编发台账.xlsx",
        Sheet(
            "编发",
            [
                ["期号", "编发日期", "标题", "分类", "稿件编号"],
                ["2025年第31期", "2025-07-20", "课后服务", "教育", "RP-001"],
            ],
        ),
    )


def c05_phone_in_sector(root: Path) -> None:
    """Phones typed into 界别, 标题 and an extra column; CD-003 is quarantined (future date)."""
    rows = [
        ["稿件编号", "来稿日期", "界别", "盟市", "标题", "备注"],
        ["CD-001", "1990-11-01", "13987654321", "包头市", "关于供暖的建议", None],
        [
            "CD-002",
            "1990-11-02",
            "经济界 13987654322",
            "包头市",
            "联系13987654323反映供水问题",
            None,
        ],
        ["CD-003", "2027-02-01", "13987654324", "包头市", "关于物业的建议", "备注 13987654325"],
    ]
    xlsx(root / PHASE_A / "界别电话来稿台账.xlsx", Sheet("来稿", rows))


def c06_formula_without_value(root: Path) -> None:
    """A 来稿日期 formula never calculated (the file was generated, never opened in Excel)."""
    rows = [
        ["稿件编号", "标题", "来稿日期"],
        ["CF-001", "街巷硬化", "1990-12-01"],
        ["CF-002", "路灯维修", "=DATE(1990,12,2)"],
        ["CF-003", "垃圾分类", "1990-12-03"],
    ]
    xlsx(root / PHASE_A / "公式来稿台账.xlsx", Sheet("来稿", rows))


def c07_unrecognised_sheet(root: Path) -> None:
    """A notes sheet no kind matches, beside a 来稿 sheet."""
    xlsx(
        root / PHASE_A / "说明页来稿台账.xlsx",
        Sheet("填表说明", [["本表由各盟市政协信息员填写"], ["每月5日前报送"]]),
        Sheet(
            "来稿", [["稿件编号", "来稿日期"], ["CG-001", "1990-12-05"], ["CG-002", "1990-12-06"]]
        ),
    )


def c08_unparseable_published_date(root: Path) -> None:
    """A 来稿台账 with an 编发日期 column; one 编发日期 cannot be a date."""
    rows = [
        ["稿件编号", "标题", "来稿日期", "编发日期"],
        ["CH-001", "冬储菜", "1990-12-10", "1990-12-20"],
        ["CH-002", "冬季用煤", "1990-12-11", "1990/13/05"],
        ["CH-003", "冰雪路面", "1990-12-12", None],
    ]
    xlsx(root / PHASE_A / "编发日期来稿台账.xlsx", Sheet("来稿", rows))


def c09_bad_rows(root: Path) -> None:
    """Rows dated before 1990, after the ingest day, and without an id."""
    text_file(
        root / PHASE_A / "坏行来稿台账.csv",
        [
            "稿件编号,标题,来稿日期",
            "CI-001,正常的一行,1990-12-15",
            "CI-002,太早的一行,1989-06-01",
            "CI-003,未来的一行,2026-12-02",
            ",无编号的一行,1990-12-16",
        ],
        "utf-8",
    )


def c10_no_table(root: Path) -> None:
    """A CSV whose header names no ledger kind."""
    text_file(
        root / REJECT_DIR / REJECT_NAME, ["会议时间,地点,参会人", "1990-01-01,会议室,张三"], "utf-8"
    )


# ---------------------------------------------------------------- office ledgers (O)


def o01_header_notes_and_line_breaks(root: Path) -> None:
    """A merged title, 序号, a blank column, `稿件\n编号`, notes in brackets after the names,
    the template's 示例 row."""
    rows = [
        ["1990年社情民意信息来稿登记表", None, None, None, None, None, None],
        ["序号", "稿件\n编号", "标题", None, "收稿日期（年月日）", "盟市(旗县)", "主题（分类）"],
        ["示例", "OA-000", "关于××的建议", None, "1990-01-01", "××市", "民生"],
        [1, "OA-001", "城区供暖", None, "1990-01-05", "赤峰市", "民生"],
        [2, "OA-002", "草原防火", None, "1990-02-05", "通辽市", "生态环境"],
        [3, "OA-003", "职业教育", None, "1990-03-05", "赤峰市", "教育"],
    ]
    xlsx(root / PHASE_A / "表头注释来稿登记表.xlsx", Sheet("来稿", rows, ["A1:G1"]))


def o02_two_tables_on_one_sheet(root: Path) -> None:
    """The 来稿 and, under a blank row and its own title, the 编发 on one sheet."""
    rows = [
        ["稿件编号", "标题", "来稿日期", "盟市"],
        ["OB-001", "牧区饮水", "1990-04-01", "赤峰市"],
        ["OB-002", "城乡公交", "1990-04-02", "包头市"],
        [None, None, None, None],
        ["编发情况", None, None, None],
        ["期号", "编发日期", "标题", "稿件编号"],
        ["1990年第701期", "1990-05-01", "牧区饮水", "OB-001"],
        ["1990年第702期", "1990-05-02", "城乡公交", "OB-002"],
    ]
    xlsx(root / PHASE_A / "来稿编发同表台账.xlsx", Sheet("台账", rows))


def o02_quarter_blocks_repeat_the_header(root: Path) -> None:
    """Quarter blocks under one title, each with its own title row, header and 小计; a
    单位负责人 footer line."""
    rows = [
        ["1990年来稿台账", None, None, None],
        ["一季度", None, None, None],
        ["稿件编号", "标题", "来稿日期", "盟市"],
        ["OJ-001", "冬季供暖", "1990-03-01", "赤峰市"],
        ["小计", "1篇", None, None],
        ["二季度", None, None, None],
        ["稿件编号", "标题", "来稿日期", "盟市"],
        ["OJ-002", "春季防火", "1990-04-01", "赤峰市"],
        ["小计", "1篇", None, None],
        ["单位负责人：王某某", None, "日期：1990年12月31日", None],
    ]
    xlsx(root / PHASE_A / "分季度来稿台账.xlsx", Sheet("来稿", rows, ["A1:D1"]))


def o03_register_with_issue_columns(root: Path) -> None:
    """A 来稿登记表 recording each submission's 期号 and 编发日期 (blank or — when unpublished;
    the date written on the issue's first row only)."""
    rows = [
        ["序号", "稿件编号", "标题", "来稿日期", "盟市", "期号", "编发日期"],
        [1, "OC-001", "社区养老", "2026-01-05", "赤峰市", "第3期", "2026-02-01"],
        [2, "OC-002", "农村公路", "2026-01-06", "通辽市", None, None],
        [3, "OC-003", "居家养老", "2026-01-07", "包头市", "第3期", None],
        [4, "OC-004", "旅游厕所", "2026-01-08", "包头市", None, None],
        [5, "OC-005", "草原防火", "2026-01-09", "乌海市", "—", "—"],
    ]
    xlsx(root / PHASE_A / "来稿登记含编发情况.xlsx", Sheet("来稿", rows))


def o04_region_with_province_and_county(root: Path) -> None:
    """Regions written with the province before them, a 盟市 followed by its county, a note,
    a county's short form."""
    rows = [
        ["稿件编号", "来稿日期", "盟市"],
        ["OD-001", "1990-07-01", "内蒙古自治区赤峰市"],
        ["OD-002", "1990-07-02", "赤峰市红山区"],
        ["OD-003", "1990-07-03", "呼和浩特市赛罕区"],
        ["OD-004", "1990-07-04", "内蒙古包头市昆都仑区"],
        ["OD-005", "1990-07-05", "内蒙古自治区政协"],
        ["OD-006", "1990-07-06", "包头市红山区"],
        ["OD-007", "1990-07-07", "赤峰市（红山区）"],
        ["OD-008", "1990-07-08", "科右前旗"],
        ["OD-009", "1990-07-09", "达茂旗政协"],
    ]
    xlsx(root / PHASE_A / "地区全称来稿台账.xlsx", Sheet("来稿", rows))


def o05_issue_number_office_forms(root: Path) -> None:
    """期号 as on an official document: 〔2017〕第40期, the bulletin's name, Chinese numerals."""
    rows = [
        ["期号", "编发日期", "标题"],
        ["2017年第十期", "2017-02-01", "高校毕业生就业"],
        ["〔2017〕第40期", "2017-03-03", "草原生态补奖"],
        ["第四十二期", "2017-03-05", "农村饮水安全"],
        ["社情民意2017年第45期", "2017-03-08", "城市停车难"],
        ["2017年度第46期", "2017-03-09", "冬季清雪"],
    ]
    xlsx(root / PHASE_A / "期号公文写法编发台账.xlsx", Sheet("编发", rows))


def o06_level_and_type_wording(root: Path) -> None:
    """级别 and 类型 as offices word them, a 未采用 row and an （以下空白） line."""
    issues = [
        ["期号", "编发日期", "标题"],
        ["1990年第801期", "1990-08-10", "供热计量收费"],
        ["1990年第802期", "1990-08-11", "黄河流域治理"],
        ["1990年第803期", "1990-08-12", "基层医疗人才"],
        ["1990年第804期", "1990-08-13", "冬季校车安全"],
    ]
    xlsx(root / PHASE_A / "用语编发台账.xlsx", Sheet("编发", issues))
    feedback = [
        ["期号", "类型", "批示日期", "批示领导职务", "批示级别"],
        ["1990年第801期", "领导批示", "1990-08-20", "主席", "自治区领导"],
        ["1990年第802期", "全国政协采用", "1990-08-21", None, "国家级"],
        ["1990年第803期", "批示件", "1990-08-22", "副主席", "省部级"],
        ["1990年第804期", None, "1990-08-23", "市长", "盟市领导"],
        ["1990年第804期", "未采用", "1990-08-24", None, None],
        ["（以下空白）", None, None, None, None],
    ]
    xlsx(root / PHASE_A / "用语批示台账.xlsx", Sheet("批示", feedback))


def o07_json_feedback_object_and_numeric_issue_no(root: Path) -> None:
    """A UTF-8 BOM export whose 批示 is one object (not a list), whose 期号 is a number, and
    one record used in two issues (a list)."""
    records = [
        {
            **_platform_record("OG-001", "1990-05-20", "赤峰市"),
            "issue": {"no": 601, "published_at": "1990-06-01", "title": "牧区用电"},
            "feedback": {"type": "批示", "level": "自治区级", "post": "主席", "date": "1990-06-10"},
        },
        {
            **_platform_record("OG-002", "1990-05-21", "赤峰市"),
            "issue": {"no": "1990年第602期", "published_at": "1990-06-02"},
            "feedback": [],
        },
        {
            **_platform_record("OG-003", "1990-05-22", "赤峰市"),
            "issue": [
                {"no": "1990年第603期", "published_at": "1990-06-03"},
                {"no": "1990年第604期", "published_at": "1990-06-04"},
            ],
        },
    ]
    path = root / PHASE_A / "政协云导出带BOM.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(records, ensure_ascii=False).encode("utf-8"))


def o08_time_headers_and_leader_column(root: Path) -> None:
    """编发时间 / 批示时间 for the dates, 批示领导 for the post: two leaders on one day."""
    xlsx(
        root / PHASE_A / "时间列编发台账.xlsx",
        Sheet("编发", [["期号", "编发时间", "标题"], ["1990年第901期", "1990-09-01", "边境口岸"]]),
    )
    rows = [
        ["期号", "批示时间", "批示领导"],
        ["1990年第901期", "1990-09-10", "自治区党委书记"],
        ["1990年第901期", "1990-09-10", "自治区政府主席"],
    ]
    xlsx(root / PHASE_A / "时间列批示台账.xlsx", Sheet("批示", rows))


BUILDERS: tuple[Callable[[Path], None], ...] = (
    l01_running_number,
    l02_received_beats_date,
    l02_instruction_date_beats_plain_date,
    l03_two_row_header,
    l04_merged_issue_no,
    l05_combined_issues_and_instructions,
    l06_issues_listing_sources,
    l07_totals_and_footers,
    l08_title_rows_and_header_forms,
    l09_merged_data_cells,
    l10_hidden_sheet,
    l11_last_row_titled_total,
    l12_combined_two_row_header,
    v01_theme_forms_submissions,
    v02_theme_forms_issues,
    v03_theme_from_sources,
    v04_region_forms,
    v05_id_forms,
    v06_issue_number_forms,
    v07_yearless_issue_no,
    v08_yearless_365_days,
    v09_same_instruction_twice,
    v10_two_posts_one_day,
    v11_adoption_is_not_instruction,
    v12_date_forms,
    f01_semicolon_csv,
    f02_utf16_tab_text,
    f03_gb18030_csv,
    f04_big5_csv,
    f05_json_code_data,
    f06_json_data_list,
    f07_utc_timestamps,
    f08_camel_case_epoch_ms,
    f09_jsonl_epoch_seconds,
    f10_ods,
    d01_sheet_position,
    d02_folder_mtime,
    d03_empty_cell_keeps_value,
    d04_cumulative_2021,
    d05_small_correction,
    d06_period_names,
    d07_explicit_replaces,
    d08_no_replace,
    d09_same_name_new_content,
    d10_retract_by_file,
    d11_retract_by_sha,
    d12_same_file_twice,
    d13_feedback_before_issue,
    c01_run_fresh_landing,
    c02_summary_per_sheet,
    c03_quarantine_prefix,
    c04_report_periods,
    c05_phone_in_sector,
    c06_formula_without_value,
    c07_unrecognised_sheet,
    c08_unparseable_published_date,
    c09_bad_rows,
    c10_no_table,
    o01_header_notes_and_line_breaks,
    o02_two_tables_on_one_sheet,
    o02_quarter_blocks_repeat_the_header,
    o03_register_with_issue_columns,
    o04_region_with_province_and_county,
    o05_issue_number_office_forms,
    o06_level_and_type_wording,
    o07_json_feedback_object_and_numeric_issue_no,
    o08_time_headers_and_leader_column,
)


def build_all(root: Path) -> None:
    """Write every scenario's ledgers under ``root``."""
    for build in BUILDERS:
        build(root)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a ledger's bytes (how a delivery is named in `sqmy retract`)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
