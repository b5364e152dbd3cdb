"""The header rows of the messy office's ledgers: between them every accepted name of
CONTRACT.md §1, some written with full-width characters, spaces, ``*`` and ``(必填)``.

A dict maps each field to the header the clerk typed; its order is the column order.
"""

from __future__ import annotations

from sqmy_etl.synth.deliveries import SUBMISSION_HEADERS

# a running number 编号 before the id: 稿件编号 is the more specific name and wins
H_Q1 = {**SUBMISSION_HEADERS, "serial": "编号"}
H_Q2 = {
    "serial": "编号",
    "submission_id": "来稿编号",
    "title": "题目",
    "submitter": "作者",
    "unit": "来稿单位",
    "sector": "所属界别",
    "region": "地区",
    "received_date": "来稿日期",
    "theme": "主题",
    "content": "主要内容",
    "phone": "手机",
    "id_card": "身份证号码",
}
H_Q3 = {
    "serial": "序号",
    "submission_id": "编号",
    "title": "信息标题",
    "submitter": "反映人",
    "unit": "所在单位",
    "sector": "界别",
    "region": "所属盟市",
    "received_date": "报送日期",
    "theme": "类别",
    "content": "正文",
    "phone": "电话",
    "id_card": "身份证号",
}
# a two-row header: 报送情况 merged over 报送人 | 盟市 (Q4_GROUPS)
H_Q4 = {
    "submission_id": "稿号＊",
    "title": "标题（必填）",
    "submitter": " 报送人 ",
    "region": "盟市",
    "unit": "报送单位",
    "sector": "界　别",
    "received_date": "收稿日期 *",
    "theme": "分类",
    "content": "内容",
    "phone": "联系电话",
    "id_card": "身份证号",
}
Q4_GROUPS = {"报送情况": ("submitter", "region")}
# 报送单位 is the organisation that forwards (a unit), 报送人 the person who wrote it
H_FORWARDED = {
    "submission_id": "稿件编号",
    "title": "标题",
    "unit": "报送单位",
    "submitter": "报送人",
    "sector": "界别",
    "region": "来源地区",
    "received_date": "收稿日期",
    "theme": "主题分类",
    "content": "内 容 摘 要",
    "phone": "联系电话",
}
H_COUNTY = {
    "submission_id": "稿件编号",
    "title": "题目",
    "submitter": "撰稿人",
    "unit": "来稿单位",
    "sector": "界别",
    "region": "来源地区",
    "received_date": "报送日期",
    "theme": "分类",
    "content": "内容",
    "phone": "电话",
}
H_CORRECTION = {
    "submission_id": "稿件编号(必填)",
    "title": "标题",
    "submitter": "报送人",
    "unit": "供稿单位",
    "sector": "界别",
    "region": "盟市",
    "received_date": "收稿日期",
    "theme": "主题分类",
    "content": "内容摘要",
}
H_ENGLISH = {
    "submission_id": "id",
    "title": "title",
    "submitter": "submitter",
    "unit": "unit",
    "sector": "sector",
    "region": "region",
    "received_date": "received_at",
    "theme": "theme",
    "content": "content",
    "phone": "ｐｈｏｎｅ",
}
H_ISSUES_H1 = {
    "issue_no": "期号",
    "published_date": "编发日期",
    "issue_title": "标题",
    "issue_theme": "分类",
    "source_submissions": "采用稿件编号",
}
# an 编发台账 listing each source with its 稿件编号 and 来稿日期: still an issues table
H_ISSUES_H2 = {
    "issue_no": "编发期号",
    "published_date": "刊发日期",
    "issue_title": "标题",
    "issue_theme": "类别",
    "source_submissions": "稿件编号",
    "received_date": "来稿日期",
}
H_ISSUES_FIX = {
    "issue_no": "期数",
    "published_date": "印发日期",
    "issue_title": "标题",
    "issue_theme": "主题分类",
    "source_submissions": "来源稿件",
}
# the combined 编发及批示台账: issue rows carrying the 批示 each received
H_COMBINED = {
    "issue_no": "期号",
    "published_date": "编发日期",
    "issue_title": "标题",
    "issue_theme": "分类",
    "source_submissions": "采用稿件编号",
    "post": "批示领导职务",
    "feedback_date": "批示日期",
    "level": "批示级别",
    "summary": "批示内容",
}
H_FEEDBACK_1 = {
    "issue_no": "期号*",
    "feedback_type": "类型",
    "level": "批示级别",
    "post": "批示领导职务",
    "feedback_date": "批示日期",
    "summary": "批示内容",
}
H_FEEDBACK_2 = {
    "issue_no": "编发期号",
    "feedback_type": "反馈类型",
    "level": "领导级别",
    "post": "领导职务",
    "feedback_date": "反馈日期",
    "summary": "批示摘要",
    "channel": "采用方式",
}
H_ADOPTIONS = {
    "issue_no": "期数",
    "feedback_type": "类型",
    "level": "级别",
    "post": "职务",
    "feedback_date": "采用日期",
    "summary": "内容",
    "channel": "采用形式",
    "body": "采用单位",
}
H_LEAGUE = {
    "issue_no": "期号",
    "feedback_type": "类型",
    "level": "级别",
    "post": "职务",
    "feedback_date": "日期",
    "summary": "批示内容",
}
H_FEEDBACK_EN = {
    "issue_no": "issue.no",
    "feedback_type": "type",
    "level": "level",
    "post": "post",
    "feedback_date": "date",
    "summary": "summary",
    "channel": "channel",
    "body": "body",
    "status": "status",
}
# CONTRACT §5 lifecycle ledgers: no level column where the body says it
H_SENT_UP = {
    "issue_no": "期号",
    "feedback_type": "类型",
    "body": "报送对象",
    "feedback_date": "日期",
}
H_REGION_ADOPTIONS = {
    "issue_no": "期号",
    "feedback_type": "类型",
    "channel": "方式",
    "body": "采用机关",
    "level": "级别",
    "post": "职务",
    "feedback_date": "采用日期",
}
H_RESPONSES = {
    "issue_no": "编发期号",
    "feedback_type": "反馈类型",
    "body": "承办单位",
    "status": "办理结果",
    "feedback_date": "反馈日期",
}
